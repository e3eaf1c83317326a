"""Closing an account (baja): the closing itself, its checklist, and deleting its secrets from the keyring.

The same steps as the command line's ``bajas`` (``tui.core.workflows``):
``close_account`` ends the assignments and starts the checklist
(``policy.labels.CLOSING_ITEMS``); ``mark_closing`` ticks the items done by
hand; ``remove_closing_secrets`` deletes the password and the recovery codes
from the keyring and records that item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Checkbox, Input, Static

from policy.clock import format_date
from policy.codes import KEYRING_CLOSING_ITEM
from policy.errors import UsageError
from policy.labels import CLOSING_ITEMS, MANUAL_CLOSING_ITEMS, missing_phrase
from policy.records import Account, Closing
from tui.core.workflows import (
    ClosedAccount,
    ClosingView,
    SecretsRemoved,
    close_account,
    closings,
    mark_closing,
    remove_closing_secrets,
)
from tui.forms.base import FormDialog, Job, RehearsalSecrets, field, optional
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from store.secrets import Secrets
    from tui.workspace import Workspace


def closing_missing(closing: Closing) -> list[str]:
    return [label for key, label in CLOSING_ITEMS.items() if key not in closing.done]


def account_closed(done: ClosedAccount) -> str:
    missing = closing_missing(done.closing)
    return f"Cuenta {done.account.ref} dada de baja el {format_date(done.closing.closed_on)}." + (
        f" {missing_phrase(missing).capitalize()}." if missing else ""
    )


def closing_marked(closing: Closing) -> str:
    missing = closing_missing(closing)
    return f"Baja {closing.id}: " + ("todos los pasos hechos." if not missing else f"{missing_phrase(missing)}.")


def secrets_removed(done: SecretsRemoved) -> str:
    said = (
        "Se borró del llavero " + " y ".join(done.removed) + "."
        if done.removed
        else "El llavero no guardaba contraseña ni códigos de esta cuenta."
    )
    return f"{said} {closing_marked(done.closing)}"


def _items_checkboxes(closing: Closing | None) -> ComposeResult:
    for key in MANUAL_CLOSING_ITEMS:
        done = closing.done.get(key) if closing is not None else None
        label = CLOSING_ITEMS[key] if done is None else f"{CLOSING_ITEMS[key]} (hecho el {format_date(done)})"
        yield Checkbox(label, False, id=f"item-{key}", disabled=done is not None)


class ClosingNewDialog(FormDialog):
    """Close ``account``: the date, the reason, what is already done and the oficio."""

    title_text = "Baja de la cuenta"

    def __init__(self, workspace: Workspace, account: Account) -> None:
        super().__init__(workspace)
        self.account = account

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Cuenta {self.account.ref}", classes="dialog-text")
        yield from field("Fecha de la baja (dd/mm/aaaa)", Input(self.today_text(), id="on"))
        yield from field("Motivo (opcional)", Input(id="reason"))
        yield Static("Pasos ya hechos:", classes="field-label")
        yield from _items_checkboxes(None)
        yield from field("Oficio de baja (opcional; lo marca como enviado)", Input(id="reference"))

    def build_job(self) -> Job[ClosedAccount]:
        on = self.day("on", "fecha de baja")
        reason = optional(self.value("reason"))
        done = [key for key in MANUAL_CLOSING_ITEMS if self.checked(f"item-{key}")]
        reference = optional(self.value("reference"))
        account_id = self.account.id
        return Job(
            lambda: self.workspace.run(close_account, account_id, on=on, reason=reason, done=done, reference=reference),
            account_closed,
        )

    def confirmation(self) -> str:
        return (
            f"La cuenta {self.account.ref} quedará dada de baja: terminan sus asignaciones y empieza su lista de"
            " pasos. No se puede deshacer. ¿Dar de baja?"
        )


class ClosingMarkDialog(FormDialog):
    """Tick checklist items of a closing (the keyring item has its own step)."""

    title_text = "Pasos de la baja"

    def __init__(self, workspace: Workspace, closing: Closing, account: str) -> None:
        super().__init__(workspace)
        self.closing = closing
        self.account = account

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Baja {self.closing.id} de {self.account}", classes="dialog-text")
        yield Static("Marque lo que ya se hizo:", classes="field-label")
        yield from _items_checkboxes(self.closing)
        yield from field("Oficio de baja (opcional)", Input(self.closing.reference or "", id="reference"))
        yield from field("Fecha (dd/mm/aaaa)", Input(self.today_text(), id="on"))

    def build_job(self) -> Job[Closing]:
        items = [key for key in MANUAL_CLOSING_ITEMS if self.checked(f"item-{key}")]
        if not items:
            raise UsageError("Marque al menos un paso.")
        on = self.day("on", "fecha")
        reference = optional(self.value("reference"))
        closing_id = self.closing.id
        return Job(
            lambda: self.workspace.run(mark_closing, closing_id, items, on=on, reference=reference), closing_marked
        )

    def confirmation(self) -> str:
        return "Los pasos marcados quedarán hechos, en la bitácora. ¿Registrar?"


class ClosingsDialog(TableDialog[ClosingView]):
    """Every closing, newest first, with what is still to do."""

    title_text = "Bajas de cuentas"
    empty_text = "No hay bajas registradas. Una cuenta se da de baja en Cuentas (tecla b)."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("m", "mark", "Marcar pasos", id="bajas.marcar", tooltip="Contenido borrado, oficio enviado"),
        Binding(
            "l",
            "remove_secrets",
            "Borrar del llavero",
            id="bajas.llavero",
            tooltip="Borra la contraseña y los códigos de la cuenta del llavero",
        ),
        Binding("h", "history", "Historial", id="bajas.historial", tooltip="Los cambios de la baja"),
    ]
    columns = (
        Column("Cuenta", None, 16, 2),
        Column("Fecha", 10, 10),
        Column("Motivo", None, 10, 1, optional=True),
        Column("Pendiente", None, 16, 2),
    )

    def fetch(self) -> list[ClosingView]:
        return self.workspace.run(closings)

    def item_key(self, item: ClosingView) -> Any:
        return item.closing.id

    def build_row(self, item: ClosingView) -> Row:
        c = item.closing
        missing = closing_missing(c)
        return Row(
            c.id,
            (item.account, format_date(c.closed_on), c.reason or "—", ", ".join(missing) or "nada"),
            "" if missing else "muted",
        )

    def detail(self, item: ClosingView | None) -> Content | str:
        if item is None:
            return ""
        c = item.closing
        parts: list[str | tuple[str, str]] = [
            (f"Baja {c.id}", "bold"),
            f" · {item.account} · el {format_date(c.closed_on)} · oficio {c.reference or '—'}\n",
        ]
        for key, label in CLOSING_ITEMS.items():
            done = c.done.get(key)
            parts += [("✓ " if done else "✗ ", "$success" if done else "$error"), label]
            parts.append(f" ({format_date(done)})\n" if done else "\n")
        return Content.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.selected()
        if action == "mark":
            return item is not None and any(k not in item.closing.done for k in MANUAL_CLOSING_ITEMS)
        if action == "remove_secrets":
            return item is not None and KEYRING_CLOSING_ITEM not in item.closing.done
        if action == "history":
            return item is not None
        return True

    def action_mark(self) -> None:
        item = self.selected()
        if item is not None:
            self.open_form(ClosingMarkDialog(self.workspace, item.closing, item.account))

    def action_history(self) -> None:
        from tui.forms.history import RecordHistoryDialog  # lazy: one dialog opens the other

        item = self.selected()
        if item is not None:
            self.app.push_screen(RecordHistoryDialog(self.workspace, "closing", item.closing.id))

    def action_remove_secrets(self) -> None:
        from store.secrets import KeyringLockedError  # lazy: the keyring is not for the first frame
        from tui.forms.password import PassphraseDialog  # lazy: asked only when the file is locked

        item = self.selected()
        if item is None or KEYRING_CLOSING_ITEM in item.closing.done:
            return
        try:
            self.workspace.open_secrets()
        except KeyringLockedError:

            def unlocked(ok: bool | None) -> None:
                if ok:
                    self.action_remove_secrets()

            self.app.push_screen(
                PassphraseDialog(self.workspace, "Para borrar los secretos de la cuenta, desbloquee el llavero."),
                unlocked,
            )
            return
        closing_id, workspace = item.closing.id, self.workspace

        def remove() -> SecretsRemoved:
            secrets = workspace.open_secrets()
            if workspace.rehearsing:
                secrets = cast("Secrets", RehearsalSecrets(secrets))
            return workspace.run(remove_closing_secrets, secrets, closing_id)

        self.confirm_write(
            Job(remove, secrets_removed),
            f"Se borrarán del llavero la contraseña y los códigos de recuperación de {item.account}."
            " No se pueden recuperar después. ¿Borrar?",
            "Borrar",
        )

    def open_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        if any(k not in item.closing.done for k in MANUAL_CLOSING_ITEMS):
            self.action_mark()
        elif KEYRING_CLOSING_ITEM not in item.closing.done:
            self.action_remove_secrets()
        else:
            self.action_history()
