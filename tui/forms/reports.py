"""«Generar informe» (the palette): the compliance report or an account's semiannual evaluation,
written to a PDF or DOCX file, the same as ``informe estado|evaluacion``.

The report is read and written in a worker (a big institution takes seconds);
after one second the form says it is still working and counts the seconds.
Nothing is recorded, so there is no rehearsal: an existing file is replaced
only after the user confirms, and only by a complete one (``tui.render``).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Input, Select, Static

from policy.clock import parse_date, start_of_day
from policy.errors import ResguardoError, UsageError
from policy.semesters import semester_of
from tui.core.reports import evaluation_report, status_report
from tui.forms.base import ConfirmDialog, FormDialog, Job, account_options, field

if TYPE_CHECKING:
    from store.db import Store
    from tui.render import SavedReport
    from tui.workspace import Workspace

STATUS, EVALUATION = "estado", "evaluacion"
KINDS = [("Cumplimiento de la institución (estado)", STATUS), ("Evaluación semestral de una cuenta", EVALUATION)]
#: After this many seconds a report still being written shows its progress line.
PROGRESS_AFTER = 1.0


def _write_status(store: Store, *, at: datetime, target: str) -> tuple[SavedReport, str]:
    from tui.render import save_report  # lazy: ReportLab or python-docx, only when a report is written

    report = status_report(store, at=at)
    saved = save_report(report, target)
    return saved, f"{len(report.accounts)} cuentas, {len(report.overdue)} vencidos"


def _write_evaluation(store: Store, *, account: int, period: str, target: str) -> tuple[SavedReport, str]:
    from tui.render import save_report  # lazy: ReportLab or python-docx, only when a report is written

    report = evaluation_report(store, account, period=period)
    saved = save_report(report, target)
    return saved, f"evaluación de {report.account.ref}, {report.semester.name}"


class ReportDialog(FormDialog):
    title_text = "Generar informe"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._started: float | None = None

    def compose_fields(self) -> ComposeResult:
        today = self.workspace.now().date()
        yield from field("Informe", Select(KINDS, value=STATUS, allow_blank=False, id="kind"))
        yield from field("Fecha de corte (dd/mm/aaaa), para el de cumplimiento", Input(self.today_text(), id="day"))
        yield from field(
            "Cuenta, para la evaluación",
            Select(account_options(self.workbench), id="account", prompt="Elija la cuenta", type_to_search=True),
        )
        yield from field("Periodo (AAAA-S1 o AAAA-S2), para la evaluación", Input(semester_of(today).name, id="period"))
        yield from field(
            "Archivo (.pdf o .docx)",
            Input(f"informe-estado-{today.isoformat()}.pdf", id="target", tooltip="Ruta del archivo a escribir"),
        )
        yield Static("Nunca incluye contraseñas. Un archivo existente se reemplaza solo al confirmar.", id="progress")

    def on_mount(self) -> None:
        self.query_one("#save", Button).label = "Generar"

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        target = self.query_one("#target", Input)
        name = Path(target.value)
        if event.value == EVALUATION and name.name.startswith("informe-estado-"):
            target.value = str(name.with_name(f"evaluacion-{self.value('period').strip()}{name.suffix}"))
        elif event.value == STATUS and name.name.startswith("evaluacion-"):
            target.value = str(name.with_name(f"informe-estado-{self._cut_day_for_name()}{name.suffix}"))

    def _cut_day_for_name(self) -> str:
        """The cut-off day as a file name takes it (AAAA-MM-DD: a «/» would be a folder); today when
        what is typed is not a date yet (saving says why)."""
        try:
            day = parse_date(self.value("day"), "fecha de corte")
        except ResguardoError:
            day = self.workspace.now().date()
        return day.isoformat()

    def build_job(self) -> Job[Any]:
        from tui.render import report_format  # lazy: a suffix check, before any work

        target = self.value("target").strip()
        if not target:
            raise UsageError("Escriba la ruta del archivo del informe.")
        report_format(target)
        folder = Path(target).parent
        if str(folder) and not folder.is_dir():
            raise UsageError(f"No existe la carpeta {folder}.")
        if Path(target).is_dir():
            raise UsageError(f"«{target}» es una carpeta.")
        self._target = target
        if self.selected("kind") == EVALUATION:
            account = self.selected("account")
            if not isinstance(account, int):
                raise UsageError("Elija la cuenta que se evalúa.")
            period = self.value("period").strip()
            return Job(
                lambda: self.workspace.run(_write_evaluation, account=account, period=period, target=target),
                self._describe,
            )
        at = start_of_day(self.day("day", "fecha de corte"))
        if at > self.workspace.now():
            at = self.workspace.now()
        return Job(lambda: self.workspace.run(_write_status, at=at, target=target), self._describe)

    @staticmethod
    def _describe(done: tuple[SavedReport, str]) -> str:
        saved, what = done
        return f"Informe escrito en {saved.path} ({saved.format}; {what}). SHA-256: {saved.sha256[:16]}…"

    def action_save(self) -> None:
        try:
            job = self.build_job()
        except ResguardoError as exc:
            self._show_error(exc.message)
            return
        self._show_error("")
        self.query_one("#save", Button).disabled = True
        if Path(self._target).exists():

            def answered(confirmed: bool | None) -> None:
                if confirmed:
                    self._start(job)
                else:
                    self.query_one("#save", Button).disabled = False

            self.app.push_screen(ConfirmDialog(f"Ya existe «{self._target}». ¿Reemplazarlo?", "Reemplazar"), answered)
            return
        self._start(job)

    def _start(self, job: Job[Any]) -> None:
        self._started = time.monotonic()
        self.set_timer(PROGRESS_AFTER, self._tick)
        self._save(job)

    def _tick(self) -> None:
        """While the worker writes, say so every half second (only once it takes more than a second)."""
        if self._started is None or not self.is_attached:
            return
        elapsed = time.monotonic() - self._started
        self.query_one("#progress", Static).update(f"Generando el informe… {elapsed:.0f} s")
        self.set_timer(0.5, self._tick)

    def on_worker_state_changed(self, event: Any) -> None:
        super().on_worker_state_changed(event)
        if event.worker.is_finished:
            self._started = None
