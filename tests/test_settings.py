import datetime as dt

from xlcrm.settings import BY_KEY, Settings


def test_defaults_are_the_textbook_pyramid_shares():
    s = Settings()
    assert (s.tier_key_share, s.tier_major_share, s.tier_regular_share) == (0.01, 0.20, 0.50)


def test_labels_in_either_language_and_percent_forms_are_read():
    s, issues = Settings.from_mapping({"重要客户比例": "2%", "Major cumulative share": "25",
                                       "visits per rep per day": 8.0,
                                       "节假日": "2026/12/1, 2026年12月2日"})
    assert issues == []
    assert s.tier_key_share == 0.02 and s.tier_major_share == 0.25 and s.visits_per_day == 8
    assert s.holidays == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]


def test_bad_values_and_unknown_names_become_issues_and_defaults_stay():
    s, issues = Settings.from_mapping({"流失间隔倍数": "abc", "no such thing": 1},
                                      cells={"流失间隔倍数": "B7"})
    assert s.lost_gap_multiple == BY_KEY["lost_gap_multiple"].default
    assert [i.cell for i in issues] == ["B7", ""]
    assert "abc" in issues[0].problem and "no such thing" in issues[1].problem


def test_settings_problems_are_worded_in_the_workbooks_language():
    _s, issues = Settings.from_mapping({"流失间隔倍数": "abc", "不存在": 1}, lang="zh")
    assert issues[0].problem.startswith("“abc”不是有效的流失间隔倍数")
    assert "默认值 3.0" in issues[0].fix
    assert issues[1].problem == "未知的设置项“不存在”"


def test_a_number_too_large_for_a_float_is_an_issue_not_a_crash():
    """Found by the pipeline fuzz test: '1e400' typed for a whole-number setting."""
    s, issues = Settings.from_mapping({"价值统计天数": "1e400"})
    assert s.value_window_days == BY_KEY["value_window_days"].default
    assert len(issues) == 1 and "1e400" in issues[0].problem
