"""Customer satisfaction: the five-level survey scale and the index c = b / a (DOMAIN.md 7).

The textbook survey (003) asks customers to choose one of five levels:
高度满意 / 一般满意 / 无意见 / 有些不满意 / 极不满意 (highly satisfied, satisfied, neutral,
somewhat dissatisfied, very dissatisfied). Registers also hold a 1-5 score, a plain
满意 / 不满意, or an English word; ``satisfaction_level`` reads all of these into one of
five English codes (``LEVELS``); ``level_label`` shows a code in the workbook's language.

The satisfaction index (000) is c = b / a: b the perceived experience, a the expectation;
c >= 1 means the experience met or beat what the customer expected.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

from xlcrm.model import Lang

__all__ = ["LEVELS", "DISSATISFIED", "level_label", "level_score", "satisfaction_index",
           "satisfaction_level"]

# English code -> (zh, score): best first.
LEVELS: dict[str, tuple[str, int]] = {
    "Highly satisfied": ("高度满意", 5),
    "Satisfied": ("一般满意", 4),
    "Neutral": ("无意见", 3),
    "Somewhat dissatisfied": ("有些不满意", 2),
    "Very dissatisfied": ("极不满意", 1),
}
DISSATISFIED: frozenset[str] = frozenset({"Somewhat dissatisfied", "Very dissatisfied"})
_BY_SCORE = {score: code for code, (_, score) in LEVELS.items()}

# Exact answers (normalised: lower case, no spaces or punctuation) -> code.
_EXACT: dict[str, str] = {}
for _code, _words in {
    "Highly satisfied": ("高度满意", "非常满意", "很满意", "十分满意", "特别满意", "极满意", "highlysatisfied",
                         "verysatisfied", "extremelysatisfied", "excellent"),
    "Satisfied": ("一般满意", "满意", "比较满意", "较满意", "基本满意", "还算满意", "satisfied", "good"),
    "Neutral": ("无意见", "一般", "中立", "还行", "说不清", "无所谓", "neutral", "noopinion", "average",
                "neithersatisfiednordissatisfied"),
    "Somewhat dissatisfied": ("有些不满意", "不满意", "较不满意", "比较不满意", "不太满意", "有点不满意",
                              "somewhatdissatisfied", "dissatisfied", "unsatisfied", "notsatisfied"),
    "Very dissatisfied": ("极不满意", "非常不满意", "很不满意", "极度不满意", "十分不满意", "特别不满意",
                          "verydissatisfied", "highlydissatisfied", "extremelydissatisfied"),
}.items():
    for _w in _words:
        _EXACT[_w] = _code

_SCORE_TEXT = re.compile(r"^([1-5])(?:\.0+)?(?:分|星|/5|of5|points?)?$")
_STRONG = ("非常", "极", "很", "十分", "特别", "very", "highly", "extremely")


def _norm(text: str) -> str:
    return re.sub(r"[\s,，。!！;；:：()（）_、]+", "", text).lower()


def satisfaction_level(answer: Any) -> str | None:
    """One of the five codes of ``LEVELS`` for a follow-up answer, or None if there is none.

    Accepts the five zh or en levels, common synonyms (满意, 不满意, very satisfied), and a
    1-5 score as a number or text ("4", "4分", "4/5"); 5 is highly satisfied, 1 very
    dissatisfied. Anything else (blank, other numbers, free text without 满意/satisf) is None.
    """
    if answer is None or isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):  # also numpy numbers
        if not math.isfinite(answer) or answer != int(answer):
            return None
        return _BY_SCORE.get(int(answer))
    if not isinstance(answer, str):
        return None
    text = _norm(answer)
    if not text:
        return None
    if text in _EXACT:
        return _EXACT[text]
    match = _SCORE_TEXT.match(text)
    if match:
        return _BY_SCORE[int(match.group(1))]
    # Free text such as "客户表示非常不满意": judge by the key word, negative first.
    strong = any(w in text for w in _STRONG)
    if any(w in text for w in ("不满", "dissatisf", "unsatisf", "notsatisf")):
        return "Very dissatisfied" if strong else "Somewhat dissatisfied"
    if "满意" in text or "satisf" in text:
        return "Highly satisfied" if strong else "Satisfied"
    return None


def level_label(code: str | None, lang: Lang) -> str | None:
    """The displayed name of a level code in ``lang`` (zh: the survey's own words)."""
    if code is None:
        return None
    return LEVELS[code][0] if lang == "zh" else code


def level_score(code: str | None) -> int | None:
    """5 (highly satisfied) .. 1 (very dissatisfied)."""
    return None if code is None else LEVELS[code][1]


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else math.nan
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        return math.nan


def satisfaction_index(perception: Any, expectation: Any) -> float:
    """c = b / a (b perceived experience, a expectation); NaN when either is missing or a <= 0."""
    b, a = _number(perception), _number(expectation)
    if math.isnan(a) or math.isnan(b) or a <= 0:
        return math.nan
    return b / a
