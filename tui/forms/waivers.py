"""The waivers (dispensas): every one with its reason, oficio and last day, and revoking one in force."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from policy.clock import format_date
from policy.labels import KIND_LABELS
from tui.core.waivers import WaiverView, revoke_waiver, waivers
from tui.forms.base import Job
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row


def waiver_subject(view: WaiverView) -> str:
    """What a waiver takes off the agenda, in words: the kind of obligation and its account."""
    waiver = view.record.waiver
    kind = waiver.kind or (waiver.key.split(":", 1)[0] if waiver.key else None)
    label = KIND_LABELS.get(kind, kind) if kind else "Obligación"
    if waiver.account_id:
        return f"{label} de {view.account or f'la cuenta {waiver.account_id}'}"
    if waiver.key:
        return f"{label} (un pendiente)"
    return f"{label} (todas las cuentas)"


class WaiversDialog(TableDialog[WaiverView]):
    """Every waiver, newest first; «r» revokes the selected one (its obligations come back at once)."""

    title_text = "Dispensas"
    empty_text = "No hay dispensas registradas."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("r", "revoke", "Revocar", id="dispensas.revocar", tooltip="Termina hoy la dispensa seleccionada"),
    ]
    needs_row = frozenset({"revoke"})
    columns = (
        Column("Obligación", None, 20, 3),
        Column("Hasta", 10, 10),
        Column("Estado", 10, 9),
        Column("Oficio", 16, 8, optional=True),
        Column("Motivo", None, 12, 2, optional=True),
    )

    def fetch(self) -> list[WaiverView]:
        return list(reversed(self.workspace.run(waivers)))

    def item_key(self, item: WaiverView) -> Any:
        return item.record.waiver.id

    def build_row(self, item: WaiverView) -> Row:
        waiver = item.record.waiver
        return Row(
            waiver.id,
            (waiver_subject(item), format_date(waiver.until), item.state, waiver.reference or "—", waiver.reason),
            "" if item.in_force else "muted",
        )

    def detail(self, item: WaiverView | None) -> Content | str:
        if item is None:
            return (
                "Las dispensas se dan desde un pendiente de Hoy: selecciónelo y elija «Dispensar»."
                if not self.items
                else ""
            )
        waiver = item.record.waiver
        parts: list[str | tuple[str, str]] = [
            (f"Dispensa {waiver.id}", "bold"),
            f" · {waiver_subject(item)} · {item.state}\n",
            f"Hasta el {format_date(waiver.until)} (inclusive) · oficio {waiver.reference or '—'}",
            f" · dada por {waiver.author or '—'}\n",
            f"Motivo: {waiver.reason}",
        ]
        if item.record.revoked_at is not None:
            parts.append(f"\nRevocada el {format_date(item.record.revoked_at.date())} por {item.record.revoked_by}")
        return Content.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "revoke":
            item = self.selected()
            return item is not None and item.in_force
        return super().check_action(action, parameters)

    def action_revoke(self) -> None:
        item = self.selected()
        if item is None or not item.in_force:
            return
        waiver_id = item.record.waiver.id
        self.confirm_write(
            Job(
                lambda: self.workspace.run(revoke_waiver, waiver_id),
                lambda _: f"Dispensa {waiver_id} revocada: sus pendientes vuelven a la agenda.",
            ),
            f"La dispensa {waiver_id} ({waiver_subject(item)}) terminará hoy y sus pendientes volverán a la agenda."
            " No se puede deshacer. ¿Revocar?",
            "Revocar",
        )

    def open_selected(self) -> None:
        self.action_revoke()
