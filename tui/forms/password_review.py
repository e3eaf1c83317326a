"""The password review (``review_passwords``, the command line's ``credencial revisar``): every account
with what is wrong with its credentials — missing, weak, breaking the rule, reused, changed outside
resguardo, rotation overdue, administration changed, no second factor — and what interrupted saves left.

With the keyring open (its passphrase asked when resguardo's encrypted file is locked) every stored
password is read back and judged again, as ``credencial revisar --completo`` does; without it (Escape
at the passphrase, or no keyring on this computer) the review uses what was recorded when each password
was set. The findings and the first line are worded by the core and policy, as the command line prints
them; no password is ever shown. Enter on a finding goes to its account in Cuentas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from policy.credentials import HealthItem, issue_labels
from tui.core.credentials import PasswordReview, SettledSave, review_passwords
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace


def settled_text(done: SettledSave) -> str:
    """An interrupted save as the workbench says it: the core's notice and, when the user must still act,
    where (the account's password dialog in Cuentas decides a waiting one)."""
    text = done.notice
    if not done.verified:
        return f"{text}; desbloquee el llavero y vuelva a abrir la revisión para terminarlo."
    if done.waits:
        return f"{text}: en Cuentas, «c» sobre la cuenta la confirma o la descarta."
    return text


class PasswordReviewDialog(TableDialog[HealthItem]):
    """The accounts with findings (or, with «t», every one); the selected one's findings below."""

    title_text = "Revisión de las contraseñas"
    empty_text = "Todo en orden: ninguna cuenta tiene problemas."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go_to_account", "Ir a la cuenta", id="revision.ir", tooltip="Abre la cuenta en Cuentas"),
        Binding(
            "t",
            "toggle_all",
            "Todas",
            id="revision.todas",
            tooltip="Muestra también las cuentas sin problemas (o solo las que tienen)",
        ),
        *TableDialog.BINDINGS,
    ]
    needs_row = frozenset({"go_to_account"})
    columns = (
        Column("Cuenta", None, 14, 2),
        Column("Problemas", None, 14, 2),
        Column("Detalle", None, 16, 3, optional=True),
    )

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        #: every account, or only those with findings (the command line's --todas)
        self.show_all = False
        #: read the stored passwords back from the keyring (None: not decided yet)
        self.use_keyring: bool | None = None
        #: why the keyring could not be used, when it could not
        self.keyring_note = ""
        self.review: PasswordReview | None = None

    def intro(self) -> str:
        return "Revisando las contraseñas…"

    # -- the keyring first, then the review (in the table's worker) ----------------------

    def reload(self) -> None:
        if self.use_keyring is None:
            self._open_keyring()
            return
        super().reload()

    def _open_keyring(self) -> None:
        """Open the keyring (asking its passphrase when the encrypted file is locked); without it, the
        review of what was recorded."""
        from store.secrets import KeyringLockedError, SecretStoreError  # lazy: the keyring, ~60 ms

        try:
            self.workspace.open_secrets()
        except KeyringLockedError:
            from tui.forms.password import PassphraseDialog  # lazy: asked only when the file is locked

            def unlocked(ok: bool | None) -> None:
                self.use_keyring = bool(ok)
                if not ok:
                    self.keyring_note = "El llavero sigue bloqueado: no se releyeron las contraseñas guardadas."
                self.reload()

            self.app.push_screen(
                PassphraseDialog(
                    self.workspace,
                    "Para releer y volver a evaluar las contraseñas guardadas, desbloquee el llavero"
                    " (Esc: solo lo registrado al guardarlas).",
                ),
                unlocked,
            )
            return
        except SecretStoreError as exc:
            self.use_keyring = False
            self.keyring_note = f"{exc.message} No se releyeron las contraseñas guardadas."
            self.reload()
            return
        self.use_keyring = True
        self.reload()

    def fetch(self) -> list[HealthItem]:
        secrets = self.workspace.open_secrets() if self.use_keyring else None
        review = self.workspace.run(review_passwords, secrets=secrets)
        self.review = review
        return list(review.items if self.show_all else review.with_issues)

    def after_load(self) -> None:
        review = self.review
        if review is None:
            return
        lines = [review.summary]
        lines += [f"Aviso: {settled_text(done)}" for done in review.settled]
        if self.keyring_note:
            lines.append(self.keyring_note)
        self.query_one("#intro", Static).update("\n".join(lines))

    # -- the rows ----------------------------------------------------------------------

    def item_key(self, item: HealthItem) -> Any:
        return item.account.id

    def build_row(self, item: HealthItem) -> Row:
        return Row(
            item.account.id,
            (item.account.ref, issue_labels(item.issues) or "—", item.message or "en orden"),
            "overdue" if item.issues else "",
        )

    def detail(self, item: HealthItem | None) -> Content | str:
        if item is None:
            return ""
        parts: list[str | tuple[str, str]] = [(item.account.ref, "bold")]
        if not item.messages:
            parts.append(" · en orden")
        for message in item.messages:
            parts.append(f"\n• {message}")
        parts.append(("\nEnter: ir a la cuenta en Cuentas", "dim"))
        return Content.assemble(*parts)

    # -- keys ------------------------------------------------------------------------------

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def open_selected(self) -> None:
        self.action_go_to_account()

    def action_go_to_account(self) -> None:
        """Close the review and select the account in Cuentas."""
        item = self.selected()
        if item is None:
            return
        workbench, account = self.workbench, item.account
        self.dismiss(None)
        workbench.call_later(workbench.show_account, account)
