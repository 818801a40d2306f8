"""Refresh both demos and look at them as a user would: every result sheet through LibreOffice.

    python tools/render.py [--out DIR] [--img docs/img] [--dpi 70]

writes, for each demo (zh, en) and each xlcrm result sheet, DIR/<lang>-<role>.pdf (the sheet
alone, paginated by its own print setup: A4 landscape, repeated header row, header/footer)
and DIR/<lang>-<role>.png (its first page); with --img the first-page PNGs are copied to
docs/img/ for the README and the guides. The whole workbook is printed once and its pages
told apart by their header (the sheet name). Needs soffice and poppler-utils (TOOLS.md).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xlcrm.i18n import SHEETS  # noqa: E402

ROLES = ["dashboard", "customers", "churn", "visits", "complaints", "key_accounts", "winback", "issues",
         "card"]


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise SystemExit("render.py needs LibreOffice (soffice): apt-get install libreoffice-calc-nogui")
    return exe


def to_pdf(book: Path, outdir: Path, profile: Path, timeout: float = 600) -> Path:
    """``book`` printed to PDF by LibreOffice, each sheet by its own page setup."""
    cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir), str(book)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    pdf = outdir / (book.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice made no PDF of {book}: {proc.stdout} {proc.stderr}")
    return pdf


def page_sheets(pdf: Path, sheets: list[str]) -> list[str | None]:
    """The sheet each page of ``pdf`` belongs to: the page header starts with the sheet's name
    (xlcrm's header puts it at the left; LibreOffice's default header is the name too)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=300).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    longest_first = sorted(sheets, key=len, reverse=True)
    out: list[str | None] = []
    for page in pages:
        first = next((ln.strip() for ln in page.splitlines() if ln.strip()), "")
        out.append(next((s for s in longest_first if first.startswith(s)), None))
    return out


def render_book(book: Path, lang: str, outdir: Path, *, dpi: int = 70,
                roles: list[str] | None = None) -> dict[str, Path]:
    """Each result sheet of ``book`` as outdir/<lang>-<role>.pdf (its pages) and .png (its first
    page); role -> PNG path."""
    outdir.mkdir(parents=True, exist_ok=True)
    names = {role: SHEETS[role][0 if lang == "zh" else 1] for role in roles or ROLES if role in SHEETS}
    pngs: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="xlcrm-render-") as tmp:
        src = Path(tmp, f"{lang}.xlsx")  # an ASCII name: LibreOffice names the PDF after it
        shutil.copyfile(book, src)
        pdf = to_pdf(src, Path(tmp), Path(tmp, "profile"))
        owner = page_sheets(pdf, list(names.values()))
        for role, sheet in names.items():
            pages = [i + 1 for i, s in enumerate(owner) if s == sheet]
            if not pages:
                continue
            target = outdir / f"{lang}-{role}.pdf"
            parts = []
            for n in pages:
                part = Path(tmp, f"{role}-{n}.pdf")
                subprocess.run(["pdfseparate", "-f", str(n), "-l", str(n), str(pdf), str(part)],
                               check=True, capture_output=True, timeout=120)
                parts.append(str(part))
            if len(parts) == 1:
                shutil.copyfile(parts[0], target)
            else:
                subprocess.run(["pdfunite", *parts, str(target)], check=True, capture_output=True, timeout=120)
            png = outdir / f"{lang}-{role}.png"
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(pages[0]), "-l", str(pages[0]),
                            "-singlefile", str(pdf), str(png.with_suffix(""))],
                           check=True, capture_output=True, timeout=120)
            pngs[role] = png
    return pngs


def refresh_demos(folder: Path) -> dict[str, Path]:
    """Both demos written and refreshed into ``folder``; lang -> workbook."""
    from xlcrm.demo import make_demos
    from xlcrm.refresh import refresh

    zh, en = make_demos(folder)
    refresh(zh, backups=0)
    refresh(en, backups=0)
    return {"zh": Path(zh), "en": Path(en)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "render", help="PDFs and PNGs go here")
    ap.add_argument("--img", type=Path, default=None, help="copy the first-page PNGs here (docs/img)")
    ap.add_argument("--dpi", type=int, default=70, help="PNG resolution (60-80 keeps the files small)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    books = refresh_demos(args.out / "demo")
    for lang, book in books.items():
        pngs = render_book(book, lang, args.out, dpi=args.dpi)
        for role, png in pngs.items():
            print(f"{lang} {role}: {png}")
            if args.img is not None:
                args.img.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(png, args.img / png.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
