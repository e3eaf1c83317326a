"""The DOCX of a report, written with python-docx: the same blocks as the PDF, for offices that
edit the annex of their oficio. Page numbers are Word fields (PAGE, NUMPAGES), so they stay right
after the office edits the text."""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

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

#: XML 1.0 refuses these control characters (lxml raises); a report never needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) in ``paragraph``: Word fills it in when it lays out the pages."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_cell(cell: Any, text: str, *, bold: bool = False, size: float = 8) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(_clean(text))
    run.font.size = Pt(size)
    run.bold = bold


def _table(document: Any, block: Table) -> None:
    if not block.rows:
        document.add_paragraph(_clean(block.empty))
        return
    grid = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    grid.style = "Table Grid"
    rows = grid.rows
    for cell, header in zip(rows[0].cells, block.headers, strict=True):
        _set_cell(cell, header, bold=True)
    for row, values in zip(rows[1:], block.rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            _set_cell(cell, value)
    document.add_paragraph()


def _fields(document: Any, block: Fields) -> None:
    grid = document.add_table(rows=len(block.pairs), cols=2)
    grid.style = "Table Grid"
    for row, (label, value) in zip(grid.rows, block.pairs, strict=True):
        _set_cell(row.cells[0], label, bold=True, size=9)
        _set_cell(row.cells[1], value, size=9)
    document.add_paragraph()


def _blank(document: Any, block: BlankFields) -> None:
    for label in block.labels:
        document.add_paragraph().add_run(_clean(label)).bold = True
        grid = document.add_table(rows=block.lines, cols=1)
        grid.style = "Table Grid"
        document.add_paragraph()


def _signatures(document: Any, block: Signatures) -> None:
    grid = document.add_table(rows=3, cols=len(block.captions))
    for index, caption in enumerate(block.captions):
        top, middle, bottom = (grid.rows[n].cells[index] for n in range(3))
        _set_cell(top, caption, bold=True, size=10)
        middle.paragraphs[0].add_run("\n\n\n")
        _set_cell(bottom, "_" * 30 + "\nNombre, cargo y firma", size=9)
        for cell in (top, middle, bottom):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add(document: Any, block: Block) -> None:
    if isinstance(block, Title):
        document.add_heading(_clean(block.text), level=0)
        document.add_paragraph(_clean(block.subtitle))
    elif isinstance(block, Heading):
        document.add_heading(_clean(block.text), level=1)
    elif isinstance(block, Paragraph):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(_clean(block.text))
        if block.small:
            run.font.size = Pt(8)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Fields):
        _fields(document, block)
    elif isinstance(block, BlankFields):
        _blank(document, block)
    else:
        _signatures(document, block)


def render_docx(outline: Outline) -> bytes:
    """The DOCX of ``outline`` (bytes)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # carta, as the PDF
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    properties = document.core_properties
    properties.title = _clean(outline.title)
    properties.author = "resguardo"
    properties.language = "es-MX"
    head = section.header.paragraphs[0]
    head.add_run(_clean(outline.title)).font.size = Pt(8)
    foot = section.footer.paragraphs[0]
    foot.add_run(_clean(outline.footer) + " · Página ").font.size = Pt(8)
    _field(foot, "PAGE")
    foot.add_run(" de ").font.size = Pt(8)
    _field(foot, "NUMPAGES")
    for block in outline.blocks:
        _add(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
