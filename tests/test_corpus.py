"""Real workbooks made by others (tests/corpus/files, licences in benchmarks/CORPORA.md),
read by xlcrm as a user runs it and compared with a reading by hand in plain pandas
(tests/corpus/manifest.py): each customer's revenue to the cent and order count, or a
refusal in one line that names the missing field. Never an exit 0 with wrong numbers.

Files that may not be committed are checked by ``benchmarks/corpus_read.py`` over a folder
(table in CORPORA.md); here their layout is rebuilt by tests/corpus/replicas.py (same sheets,
headers, value formats and quirks, made-up rows) and read with the real file's mapping.
"""

from __future__ import annotations

import pytest

from tests.corpus.check import check
from tests.corpus.manifest import ENTRIES, FILES, Entry, by_name
from tests.corpus.replicas import BUILDERS

COMMITTED = [e for e in ENTRIES if e.committed]


def test_every_committed_file_is_in_the_manifest_with_a_licence():
    names = {e.name for e in ENTRIES}
    on_disk = {p.name for p in FILES.glob("*.xlsx")}
    assert on_disk <= names, f"files without a manifest entry: {sorted(on_disk - names)}"
    assert all(e.redistributable for e in COMMITTED), [e.name for e in COMMITTED if not e.redistributable]
    assert all(p.stat().st_size < 1_100_000 for p in FILES.glob("*.xlsx"))
    assert set(BUILDERS) <= names and not any(by_name(n).committed for n in BUILDERS)


def _judge(entry: Entry, r) -> None:
    assert r.verdict != "BUG", r.line
    if entry.status.startswith("WRONG") and not entry.right_today and r.verdict == "WRONG":
        pytest.skip(f"NOT DONE — xlcrm reads this layout WRONG today: {entry.status}")
    if entry.refuse:
        # No such column in the file: refused in one line naming the missing field, or a partial
        # result with a loud warning that names it.
        assert r.verdict in ("refused", "warned") and r.named, f"{r.verdict}: {r.line}"
    elif entry.or_refuse and r.verdict == "refused":
        # A layout xlcrm may read or refuse (a form whose date is only in its title): refused by name.
        assert r.named, r.line
    elif entry.reads_today:
        assert r.verdict == "right", r.line
    elif entry.right_today:
        # Not yet read right; what is right today stays right (e.g. customers and order counts).
        assert r.verdict in ("right", "WRONG") and not r.partial, r.partial or r.line
    else:
        # Not yet readable: refused in one line rather than a wrong number.
        assert r.verdict in ("right", "refused"), f"{r.verdict}: {r.line}"


@pytest.mark.parametrize("entry", COMMITTED, ids=[e.name for e in COMMITTED])
def test_real_file(entry, tmp_path):
    _judge(entry, check(entry, FILES / entry.name, tmp_path, inprocess=True))


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_replica_of_a_file_not_committable(name, tmp_path):
    entry = by_name(name)
    path = BUILDERS[name](tmp_path / name)
    _judge(entry, check(entry, path, tmp_path / "out", inprocess=True))
