"""Read every workbook of the real-order corpus with xlcrm and compare with the reading by hand.

    python benchmarks/corpus_read.py DIR [--only NAME...] [--markdown]

The corpus is tests/corpus/manifest.py: committed files are taken from tests/corpus/files,
the others (their licence does not allow committing them) from DIR, named as in the
manifest. Fetch them once from their repositories (benchmarks/CORPORA.md gives each
repository, commit and path), e.g.::

    git --git-dir=REPO.git show COMMIT:PATH > DIR/NAME

Each file is refreshed by ``python -m xlcrm refresh FILE --output OUT --asof D`` in a
subprocess, as a user runs it (with ``--config`` where the manifest states a mapping or
exchange rates), and each customer's revenue and order count are compared with
``manifest.expected`` to the cent. Prints one row per file: verdict (right / refused /
WRONG / BUG), whether a refusal names the missing field, the first difference or the
refusal line. Exit status 1 when any file is WRONG or BUG. ``XLCRM_CODE=/path/to/checkout``
runs that checkout's xlcrm instead of this one's (e.g. a branch before it lands).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus.check import Result, check  # noqa: E402
from tests.corpus.manifest import ENTRIES, FILES, Entry  # noqa: E402


def locate(e: Entry, folder: Path | None) -> Path | None:
    if (FILES / e.name).exists():
        return FILES / e.name
    if folder is not None and (folder / e.name).exists():
        return folder / e.name
    return None


def row(e: Entry, r: Result | None, path: Path | None = None) -> str:
    where = "committed" if e.committed else "folder"
    if r is None:
        return f"| {e.name} | {e.lang} | {e.kind} | {where} | missing | | `git show {e.commit[:8]}:{e.path}` |"
    what = r.line.replace(str(path), e.name).replace("|", "/")
    if r.verdict == "warned":
        what = f"loud warning: {what[:160]}"
    elif r.verdict == "refused":
        want = e.refuse or (f"{e.or_refuse} (or read)" if e.or_refuse else "nothing (should read)")
        what = f"names {want}: {'yes' if r.named else 'NO'} — {what[:160]}"
    elif r.verdict == "right":
        what = f"{r.customers} customers equal to the cent"
    return f"| {e.name} | {e.lang} | {e.kind} | {where} | {r.verdict} | {r.seconds:.1f} s | {what} |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, nargs="?", help="folder with the files not committed")
    ap.add_argument("--only", nargs="*", help="entry names to run")
    ap.add_argument("--sources", action="store_true", help="print the sources table (for CORPORA.md) and stop")
    args = ap.parse_args(argv)
    if args.sources:
        print("| file | lang | kind | repository | commit | path | licence | where |")
        print("|---|---|---|---|---|---|---|---|")
        for e in ENTRIES:
            where = "tests/corpus/files" if e.committed else "folder (not committable)" if not e.redistributable \
                else "folder (over 1 MB)"
            print(f"| {e.name} | {e.lang} | {e.kind} | github.com/{e.repo} | `{e.commit[:8]}` | {e.path} | "
                  f"{e.licence} | {where} |")
        return 0
    entries = [e for e in ENTRIES if not args.only or e.name in args.only]
    print("| file | lang | kind | where | verdict | time | detail |")
    print("|---|---|---|---|---|---|---|")
    bad = 0
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for e in entries:
            path = locate(e, args.folder)
            r = check(e, path, Path(tmp)) if path is not None else None
            print(row(e, r, path), flush=True)
            verdict = r.verdict if r else "missing"
            counts[verdict] = counts.get(verdict, 0) + 1
            bad += verdict in ("WRONG", "BUG")
    print()
    print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
