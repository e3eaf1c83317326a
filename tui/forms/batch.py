"""Hoy's marked rows: one resolution recorded for several items, validated first, confirmed once.

Each item is still its own use case of the core (``record_evaluation``…), one
transaction each, as the one-row forms record it; the batch rehearses every
one before asking (so nothing is confirmed that would be refused), then runs
them in one worker and says what it did: «5 cuentas evaluadas.».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from policy.clock import format_date
from policy.errors import ResguardoError
from policy.labels import counted
from policy.obligations import Obligation
from tui.core.records import record_evaluation, record_rotation, record_training
from tui.forms.base import ConfirmDialog, Job
from tui.screens.hoy import BATCH_NOUNS

if TYPE_CHECKING:
    from tui.app import Workbench


@dataclass(frozen=True, slots=True)
class BatchDone:
    done: int
    #: «x/@cuenta: motivo» of each item the core refused while the batch ran
    failed: tuple[str, ...]


def _calls(app: Workbench, resolution_id: str, items: list[Obligation]) -> list[tuple[str, Callable[[], Any]]]:
    """(who, the use case's call) per distinct account or person, in the agenda's order."""
    workspace = app.workspace
    calls: list[tuple[str, Callable[[], Any]]] = []
    seen: set[int] = set()
    for item in items:
        if resolution_id == "capacitacion":
            if item.person is None or item.person.id in seen:
                continue
            seen.add(item.person.id)
            person_id = item.person.id
            calls.append((item.person.name, partial(workspace.run, record_training, person_id)))
            continue
        if item.account is None or item.account.id in seen:
            continue
        seen.add(item.account.id)
        account_id = item.account.id
        if resolution_id == "evaluacion":
            evaluate = partial(workspace.run, record_evaluation, account_id, note="Evaluación semestral")
            calls.append((item.account.ref, evaluate))
        else:
            reason = "Cambio de administración" if item.person else "Rotación periódica"
            calls.append((item.account.ref, partial(workspace.run, record_rotation, account_id, reason=reason)))
    return calls


def _what(resolution_id: str, count: int, day: str) -> str:
    if resolution_id == "evaluacion":
        return f"la evaluación del {day} de {counted(count, 'cuenta', 'cuentas')}"
    if resolution_id == "capacitacion":
        return f"la capacitación del {day} de {counted(count, 'persona', 'personas')}"
    return f"la rotación de contraseña del {day} de {counted(count, 'cuenta', 'cuentas')}"


def run_batch(
    app: Workbench, resolution_id: str, items: list[Obligation], skipped: int, done: Callable[[], None]
) -> None:
    """Rehearse each call off the UI thread; then ask once; then record them all (one worker)."""
    calls = _calls(app, resolution_id, items)
    if not calls:
        return
    workspace = app.workspace

    def rehearse() -> None:
        refused: list[str] = []
        for who, call in calls:
            try:
                workspace.rehearse(call)
            except ResguardoError as exc:
                refused.append(f"{who}: {exc.message}")
        app.call_from_thread(ask, refused)

    def ask(refused: list[str]) -> None:
        if refused:
            app.notify(
                "No se registró nada; se rechazaría: " + " · ".join(refused[:5]) + ("…" if len(refused) > 5 else ""),
                title="No se guardó",
                severity="error",
                timeout=15,
            )
            return
        names = ", ".join(who for who, _ in calls[:6]) + (f" y {len(calls) - 6} más" if len(calls) > 6 else "")
        left = (
            f" {counted(skipped, 'fila marcada no lleva', 'filas marcadas no llevan')} esta acción y se deja."
            if skipped
            else ""
        )
        day = format_date(workspace.now().date())
        question = (
            f"Se registrará {_what(resolution_id, len(calls), day)}: {names}.{left}"
            " El historial no se puede borrar. ¿Registrar?"
        )

        def answered(ok: bool | None) -> None:
            if ok:
                app.write(Job(record_all, describe))
                done()

        app.push_screen(ConfirmDialog(question, "Registrar"), answered)

    def record_all() -> BatchDone:
        failed: list[str] = []
        count = 0
        for who, call in calls:
            try:
                call()
            except ResguardoError as exc:
                failed.append(f"{who}: {exc.message}")
            else:
                count += 1
        return BatchDone(count, tuple(failed))

    def describe(result: BatchDone) -> str:
        singular, plural = BATCH_NOUNS[resolution_id]
        text = f"{counted(result.done, singular, plural)}."
        if result.failed:
            text += " No se pudo con " + "; ".join(result.failed) + "."
        return text

    app.run_worker(rehearse, thread=True, exit_on_error=False, group="batch")
