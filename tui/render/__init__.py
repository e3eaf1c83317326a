"""Writing a report (``tui.core.reports``) to a PDF or DOCX file, for both faces.

``save_report`` lays the report out (``outline``), renders it with the
library of its format (imported here, on first use: ReportLab ~150 ms,
python-docx ~100 ms, which ``pendientes`` and the CLI's start never pay) and
writes it beside the target under a temporary name, then renames it: a failure
never leaves half a file, and an existing file is replaced only by a complete
one. It returns the file's SHA-256, which ``evaluaciones registrar --informe``
records.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from policy.errors import ResguardoError, UsageError
from store.errors import os_error_text
from store.files import sync_folder

if TYPE_CHECKING:
    from tui.core.reports import EvaluationReport, StatusReport
    from tui.core.schedule import AgendaEvents
    from tui.render.outline import Outline

#: The formats a report is written in, by the target's suffix.
FORMATS = {".pdf": "PDF", ".docx": "DOCX"}


class SavedReport(NamedTuple):
    path: Path
    format: str
    sha256: str
    size: int


def report_format(path: Path | str) -> str:
    """``.pdf`` or ``.docx`` (the suffix of ``path``, lower-case); UsageError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"El informe se escribe en PDF o DOCX: el nombre «{Path(path).name}» debe terminar en .pdf o .docx."
        )
    return suffix


def outline_of(report: StatusReport | EvaluationReport) -> Outline:
    """The report's blocks, in Spanish (the same for both formats)."""
    from tui.core.reports import StatusReport  # lazy: only the type is needed here
    from tui.render.outline import evaluation_outline, status_outline  # lazy: see the module's docstring

    return status_outline(report) if isinstance(report, StatusReport) else evaluation_outline(report)


def render(report: StatusReport | EvaluationReport, suffix: str) -> bytes:
    """The bytes of the report in the format of ``suffix`` (``.pdf`` or ``.docx``)."""
    outline = outline_of(report)
    if suffix == ".pdf":
        from tui.render.pdf import render_pdf  # lazy: ReportLab, ~150 ms

        try:
            return render_pdf(outline)
        except Exception as exc:  # ReportLab's LayoutError and kin: said in Spanish, nothing written
            if isinstance(exc, ResguardoError):
                raise
            raise ResguardoError(f"No se pudo componer el PDF del informe ({type(exc).__name__}).") from exc
    from tui.render.docx import render_docx  # lazy: python-docx and lxml, ~100 ms

    return render_docx(outline)


def save_report(report: StatusReport | EvaluationReport, target: Path | str) -> SavedReport:
    """Render ``report`` in the format ``target``'s suffix names and write it there atomically.

    UsageError for another suffix, or when the file cannot be written (Spanish, with the reason).
    """
    path = Path(target)
    suffix = report_format(path)
    data = render(report, suffix)
    write_atomically(path, data)
    return SavedReport(path, FORMATS[suffix], hashlib.sha256(data).hexdigest(), len(data))


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path`` under a temporary name, flush it to disk and rename it over
    ``path``; UsageError (Spanish, with the reason) when the folder refuses."""
    from store.faults import point  # lazy: the tests' kill points, one global read otherwise

    folder = path.parent if str(path.parent) else Path(".")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".resguardo-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            point("report:write")
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        point("report:replace")
        os.replace(temp, path)
        temp = None
        point("report:replaced")
        sync_folder(folder)
    except OSError as exc:
        raise UsageError(f"No se pudo escribir «{path}»: {os_error_text(exc)}.") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def save_ics(events: AgendaEvents, target: Path | str) -> int:
    """Write the agenda ``events`` as an ICS file at ``target`` (atomically); returns the number of
    obligations written. UsageError when the name does not end in .ics or the file cannot be written."""
    path = Path(target)
    if path.suffix.lower() != ".ics":
        raise UsageError(
            f"El calendario se escribe en formato iCalendar: el nombre «{path.name}» debe terminar en .ics."
        )
    from tui.render.ics import render_ics  # lazy: icalendar, ~60 ms

    write_atomically(path, render_ics(events))
    return len(events.items)


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a file already written (a report to attach to an evaluation); UsageError when it
    cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise UsageError(f"No se pudo leer «{path}»: {os_error_text(exc)}.") from None
    return digest.hexdigest()
