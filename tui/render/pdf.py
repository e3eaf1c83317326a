"""The PDF of a report, laid out with ReportLab (chosen by bench/bench_pdf_libraries.py).

Letter paper, Helvetica (a PDF standard font: nothing embedded, nothing to
license). Its WinAnsi encoding holds every character Spanish needs (ñ, accents,
ü, «», —, …); anything beyond it (an emoji in a subject) is printed as its
closest letter or «?» and kept exactly in the DOCX.
Every page carries the report's title, «Página N de M», the resguardo version
and the generation time.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer
from reportlab.platypus import Paragraph as Para
from reportlab.platypus import Table as Grid

from tui.render.outline import (
    BlankFields,
    Block,
    Fields,
    Heading,
    Outline,
    Paragraph,
    Signatures,
    Table,
    Title,
)

MARGIN = 16 * mm
WIDTH = letter[0] - 2 * MARGIN

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5, spaceAfter=4)
_LEAD = ParagraphStyle("lead", fontName="Helvetica", fontSize=9, leading=11.5, spaceAfter=4, keepWithNext=1)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444"))
_CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=7.5, leading=9)
_HEAD_CELL = ParagraphStyle("headcell", parent=_CELL, fontName="Helvetica-Bold")
_TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=4)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BODY, fontSize=10, leading=13, spaceAfter=10)
_HEADING = ParagraphStyle(
    "heading", fontName="Helvetica-Bold", fontSize=11.5, leading=14, spaceBefore=10, spaceAfter=5, keepWithNext=1
)
_CAPTION = ParagraphStyle("caption", parent=_BODY, alignment=TA_CENTER)

_GRID_STYLE = [
    ("FONT", (0, 1), (-1, -1), "Helvetica", 7.5, 9),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e4e4")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]
_FIELDS_STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#efefef")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def printable(text: str) -> str:
    """``text`` in the standard fonts' WinAnsi encoding: accents and «» — … as they are; other
    characters as their base letter (ő → o) or «?», so the page never shows an empty box."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch)[:1]
            try:
                base.encode("cp1252")
                out.append(base if base and not unicodedata.combining(base) else "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def _p(text: str, style: ParagraphStyle) -> Para:
    return Para(escape(printable(text)).replace("\n", "<br/>"), style)


#: A table row cannot break across pages: a cell longer than this is cut (the DOCX keeps it whole).
CELL_LIMIT = 1500


#: A long table is laid out in pieces of this many rows (each with its header): ReportLab measures
#: every remaining row again at each page break, so one 2,000-row table costs pages × rows.
CHUNK_ROWS = 40
#: The cells' left and right padding (``_GRID_STYLE``), in points.
_PADDING = 6.5


def _c(text: str, style: ParagraphStyle) -> Para:
    return _p(text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…", style)


def _cell(text: str, width: float) -> Any:
    """A table cell: the plain string when it fits on one line (drawn as is, ~50× cheaper than a
    Paragraph), else a Paragraph that wraps."""
    shown = printable(text)
    if "\n" not in shown and len(shown) < 200 and stringWidth(shown, "Helvetica", _CELL.fontSize) <= width - _PADDING:
        return shown
    return _c(text, _CELL)


def _table(block: Table) -> list[Any]:
    if not block.rows:
        return [_p(block.empty, _BODY)]
    widths = [WIDTH * w for w in block.widths]
    header = [_p(h, _HEAD_CELL) for h in block.headers]
    pieces: list[Any] = []
    for first in range(0, len(block.rows), CHUNK_ROWS):
        data = [header]
        data.extend(
            [_cell(cell, width) for cell, width in zip(row, widths, strict=True)]
            for row in block.rows[first : first + CHUNK_ROWS]
        )
        last = first + CHUNK_ROWS >= len(block.rows)
        pieces.append(Grid(data, colWidths=widths, repeatRows=1, style=_GRID_STYLE, spaceAfter=6 if last else 0))
    return pieces


def _fields(block: Fields) -> Any:
    data = [[_p(label, _HEAD_CELL), _c(value, _CELL)] for label, value in block.pairs]
    return Grid(data, colWidths=[WIDTH * 0.3, WIDTH * 0.7], style=_FIELDS_STYLE, spaceAfter=6)


def _blank(block: BlankFields) -> list[Any]:
    flow: list[Any] = []
    for label in block.labels:
        rows = [[_p(label, _HEAD_CELL)]] + [[""] for _ in range(block.lines)]
        style = [("LINEBELOW", (0, 1), (-1, -1), 0.5, colors.HexColor("#777777"))]
        grid = Grid(rows, colWidths=[WIDTH], rowHeights=[14] + [20] * block.lines, style=style)
        flow.append(KeepTogether([grid, Spacer(1, 6)]))
    return flow


def _signatures(block: Signatures) -> Any:
    """Each caption over a space to sign and a line, with a gap between the signers."""
    count = len(block.captions)
    gap = 14 * mm
    column = (WIDTH - gap * (count - 1)) / count
    widths: list[float] = []
    captions: list[Any] = []
    names: list[Any] = []
    style: list[Any] = []
    for index, caption in enumerate(block.captions):
        if index:
            widths.append(gap)
            captions.append("")
            names.append("")
        widths.append(column)
        captions.append(_p(caption, _CAPTION))
        names.append(_p("Nombre, cargo y firma", _CAPTION))
        style.append(("LINEABOVE", (len(widths) - 1, 2), (len(widths) - 1, 2), 0.6, colors.black))
    rows = [captions, [""] * len(widths), names]
    return KeepTogether([Spacer(1, 8), Grid(rows, colWidths=widths, rowHeights=[16, 46, 16], style=style)])


def _flow(block: Block) -> list[Any]:
    if isinstance(block, Title):
        return [_p(block.text, _TITLE), _p(block.subtitle, _SUBTITLE)]
    if isinstance(block, Heading):
        return [_p(block.text, _HEADING)]
    if isinstance(block, Paragraph):
        style = _SMALL if block.small else (_LEAD if block.text.endswith(":") else _BODY)
        return [_p(block.text, style)]
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Fields):
        return [_fields(block)]
    if isinstance(block, BlankFields):
        return _blank(block)
    return [_signatures(block)]


def _numbered_canvas(title: str, footer: str) -> type[canvas.Canvas]:
    """A canvas that holds each page until the end, to print «Página N de M» on all of them."""

    class Numbered(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#444444"))
            top = letter[1] - MARGIN + 6
            self.drawString(MARGIN, top, printable(title))
            self.drawString(MARGIN, MARGIN - 18, printable(footer))
            self.drawRightString(letter[0] - MARGIN, MARGIN - 18, f"Página {number} de {total}")
            self.setStrokeColor(colors.HexColor("#9a9a9a"))
            self.setLineWidth(0.4)
            self.line(MARGIN, top - 3, letter[0] - MARGIN, top - 3)
            self.line(MARGIN, MARGIN - 10, letter[0] - MARGIN, MARGIN - 10)
            self.restoreState()

    return Numbered


def render_pdf(outline: Outline) -> bytes:
    """The PDF of ``outline`` (bytes)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4,
        bottomMargin=MARGIN,
        title=printable(outline.title),
        author="resguardo",
        creator="resguardo",
        lang="es-MX",
        # the same report, the same bytes (no creation stamp nor random id): its SHA-256 identifies it
        invariant=True,
    )
    story: list[Any] = []
    for block in outline.blocks:
        story.extend(_flow(block))
    document.build(story, canvasmaker=_numbered_canvas(outline.title, outline.footer))
    return buffer.getvalue()
