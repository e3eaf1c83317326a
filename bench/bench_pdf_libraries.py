"""Which PDF library for the reports: install size, install time and render time, measured.

Each candidate is installed from the registry into a fresh temporary venv
(``python -m venv`` + ``pip install``); the venv's growth over an empty one is
its install size. Then the same Spanish report of about 20 pages (a title,
paragraphs and a long table with ñ, accents, «», — and …) is rendered by a
script run with that venv's interpreter, three times in one process: the
import time, the first render and the best of the three are printed. The text
of the PDF is read back (pypdf in this interpreter) to check the Spanish
characters survived.

    python bench/bench_pdf_libraries.py [--only fpdf2,reportlab,weasyprint] [--keep]

WeasyPrint needs pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0); when it does not install
or does not load, the line says so. Minutes, not seconds: it downloads and installs three packages.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: What a report prints that a PDF library must get right.
SPANISH = "Año de la revisión: «cuenta» — señal… Índice, pingüino, acción, ÁÉÍÓÚ ñÑ ¿? ¡!"

#: The report rendered by every candidate: 20 pages' worth of rows.
ROWS = 560

CANDIDATES: dict[str, list[str]] = {
    "fpdf2": ["fpdf2"],
    "fpdf2+ttf": ["fpdf2"],
    "reportlab": ["reportlab"],
    "weasyprint": ["weasyprint"],
}

_DATA = f"""
SPANISH = {SPANISH!r}
ROWS = [(f"x/@Cuenta{{i:04d}}", f"Rotación de contraseña de la cuenta n.º {{i}} — «vencida»",
         f"Criterios INE §6.{{i % 40}}") for i in range({ROWS})]
"""

RENDERERS: dict[str, str] = {
    "fpdf2": """
def render(path):
    from fpdf import FPDF
    pdf = FPDF(format="letter")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Informe de cumplimiento — " + SPANISH, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, (SPANISH + " ") * 6, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(40, 100, 50), text_align="LEFT") as table:
        table.row(("Cuenta", "Qué hacer", "Regla"))
        for row in ROWS:
            table.row(row)
    pdf.output(path)
""",
    "fpdf2+ttf": """
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
def render(path):
    from fpdf import FPDF
    pdf = FPDF(format="letter")
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "Informe de cumplimiento — " + SPANISH, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5, (SPANISH + " ") * 6, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(40, 100, 50), text_align="LEFT") as table:
        table.row(("Cuenta", "Qué hacer", "Regla"))
        for row in ROWS:
            table.row(row)
    pdf.output(path)
""",
    "reportlab": """
def render(path):
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
    styles = getSampleStyleSheet()
    story = [Paragraph("Informe de cumplimiento — " + SPANISH, styles["Title"]),
             Paragraph((SPANISH + " ") * 6, styles["BodyText"])]
    body = styles["BodyText"]
    data = [["Cuenta", "Qué hacer", "Regla"]] + [[Paragraph(c, body) for c in row] for row in ROWS]
    story.append(Table(data, colWidths=(110, 280, 140), repeatRows=1))
    SimpleDocTemplate(path, pagesize=letter).build(story)
""",
    "weasyprint": """
def render(path):
    from html import escape
    from weasyprint import HTML
    rows = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>" for a, b, c in ROWS)
    html = (f"<html lang='es'><meta charset='utf-8'><body><h1>Informe de cumplimiento — {escape(SPANISH)}</h1>"
            f"<p>{escape((SPANISH + ' ') * 6)}</p><table><tr><th>Cuenta</th><th>Qué hacer</th><th>Regla</th></tr>"
            f"{rows}</table></body></html>")
    HTML(string=html).write_pdf(path)
""",
}

_RUNNER = """
import json, sys, time
started = time.perf_counter()
render(sys.argv[1] + ".warm")  # imports the library
first = time.perf_counter() - started
best = min(_timed(sys.argv[1]) for _ in range(3))
print(json.dumps({"first": first, "best": best}))
"""

_TIMED = """
def _timed(path):
    import time
    started = time.perf_counter()
    render(path)
    return time.perf_counter() - started
"""


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def make_venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    return where / ("Scripts" if os.name == "nt" else "bin") / "python"


def pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader  # lazy: a test dependency, only to read the candidates' output back
    except ImportError:
        return ""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def measure(name: str, work: Path, baseline: int) -> dict[str, object]:
    venv = work / name
    python = make_venv(venv)
    started = time.perf_counter()
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *CANDIDATES[name]],
        capture_output=True,
        text=True,
    )
    install_time = time.perf_counter() - started
    result: dict[str, object] = {"library": name, "install_s": round(install_time, 1)}
    if installed.returncode != 0:
        result["error"] = "no se instaló: " + (installed.stderr.strip().splitlines() or ["?"])[-1]
        return result
    result["install_mb"] = round((folder_size(venv) - baseline) / 1e6, 1)
    script = work / f"render_{name.replace('+', '_')}.py"
    script.write_text(_DATA + RENDERERS[name] + _TIMED + _RUNNER, encoding="utf-8")
    output = work / f"{name}.pdf"
    ran = subprocess.run([str(python), str(script), str(output)], capture_output=True, text=True)
    if ran.returncode != 0:
        result["error"] = "no generó el PDF: " + (ran.stderr.strip().splitlines() or ["?"])[-1]
        return result
    timings = json.loads(ran.stdout.strip().splitlines()[-1])
    result["first_render_s"] = round(timings["first"], 2)
    result["render_s"] = round(timings["best"], 2)
    result["pdf_kb"] = round(output.stat().st_size / 1e3)
    text = pdf_text(output)
    from pypdf import PdfReader  # lazy: see pdf_text

    result["pages"] = len(PdfReader(output).pages) if text else None
    compact = " ".join(text.split())
    result["spanish_ok"] = bool(text) and " ".join(SPANISH.split()) in compact
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated candidates (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(CANDIDATES)
    work = Path(tempfile.mkdtemp(prefix="resguardo-pdfbench-"))
    try:
        make_venv(work / "empty")
        baseline = folder_size(work / "empty")
        print(
            f"{'library':<12} {'install MB':>10} {'install s':>9} {'1st render s':>12} {'render s':>8} "
            f"{'pages':>5} {'PDF kB':>6}  Spanish"
        )
        for name in names:
            row = measure(name, work, baseline)
            if "error" in row:
                print(f"{name:<12} {row['error']}")
                continue
            print(
                f"{name:<12} {row['install_mb']:>10} {row['install_s']:>9} {row['first_render_s']:>12}"
                f" {row['render_s']:>8} {row['pages']!s:>5} {row['pdf_kb']:>6}  {'sí' if row['spanish_ok'] else 'NO'}",
                flush=True,
            )
    finally:
        if args.keep:
            print(f"(kept {work})")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
