"""An account's second factor (``set_second_factor``, the command line's ``credencial segundo-factor``):
the method, where the recovery codes are kept and, when typed, the codes themselves, kept only in the
keyring (never in the database, never shown)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from policy.codes import SecondFactor
from policy.labels import SECOND_FACTOR_LABELS, second_factor_lines
from policy.records import SecondFactorState
from tui.core.credentials import set_second_factor
from tui.forms.base import FormDialog, Job, LeaveGuard, RehearsalSecrets, field, optional

if TYPE_CHECKING:
    from policy.records import Account
    from store.secrets import Secrets
    from tui.workspace import Workspace

UNSAVED_CODES = "Los códigos de recuperación escritos no se han guardado. ¿Salir sin guardar?"


class SecondFactorDialog(FormDialog):
    """Record ``account``'s second factor; the recovery codes, if typed, go to the keyring."""

    title_text = "Segundo factor de la cuenta"

    def __init__(self, workspace: Workspace, account: Account, current: SecondFactorState | None) -> None:
        super().__init__(workspace)
        self.account = account
        self.current = current
        self._done = False
        self._leave = LeaveGuard(self)

    def compose_fields(self) -> ComposeResult:
        current = self.current
        now = (
            "sin registrar"
            if current is None
            else SECOND_FACTOR_LABELS.get(current.method, current.method)
            + (" · códigos en el llavero" if current.codes_in_keyring else "")
        )
        yield Static(f"Cuenta {self.account.ref} · ahora: {now}", classes="dialog-text")
        yield from field(
            "Método",
            Select(
                [(label.capitalize(), str(method)) for method, label in SECOND_FACTOR_LABELS.items()],
                id="method",
                allow_blank=False,
                value=current.method if current is not None else SecondFactor.APP.value,
            ),
        )
        yield from field(
            "Dónde están los códigos de recuperación (opcional)",
            Input(
                (current.recovery_location or "") if current is not None else "",
                id="location",
                placeholder="p. ej. sobre en la caja fuerte de la CNCS",
            ),
        )
        yield from field(
            "Códigos de recuperación (opcional; solo en el llavero)",
            Input(id="codes", password=True, placeholder="sepárelos con espacios"),
        )
        yield Static("Los códigos nunca se guardan en la base de datos ni se muestran.", classes="dialog-hint")

    def build_job(self) -> Job[SecondFactorState]:
        method, location = str(self.selected("method")), optional(self.value("location"))
        codes = self.value("codes") or None
        workspace, account_id, ref = self.workspace, self.account.id, self.account.ref

        def record() -> SecondFactorState:
            secrets: Secrets | None = None
            if codes is not None:
                secrets = workspace.open_secrets()
                if workspace.rehearsing:  # a rehearsal rolls back SQLite only: the keyring is left alone
                    secrets = cast("Secrets", RehearsalSecrets(secrets))
            return workspace.run(
                set_second_factor, account_id, method, recovery_location=location, codes=codes, secrets=secrets
            )

        def describe(state: SecondFactorState) -> str:
            self._done = True
            return " ".join(second_factor_lines(ref, state.method, state.recovery_location, state.codes_in_keyring))

        return Job(record, describe)

    def confirmation(self) -> str:
        if self.value("codes"):
            return (
                f"Los códigos de recuperación de {self.account.ref} se guardarán en el llavero en lugar de los"
                " anteriores. ¿Registrar el segundo factor?"
            )
        return f"¿Registrar el segundo factor de {self.account.ref}?"

    def action_save(self) -> None:
        """With codes typed, the keyring first (its passphrase, when the encrypted file is locked)."""
        from store.secrets import KeyringLockedError, SecretStoreError  # lazy: the keyring, only with codes

        if self.value("codes"):
            try:
                self.workspace.open_secrets()
            except KeyringLockedError:
                from tui.forms.password import PassphraseDialog  # lazy: asked only when the file is locked

                def unlocked(ok: bool | None) -> None:
                    if ok:
                        self.action_save()

                self.app.push_screen(
                    PassphraseDialog(
                        self.workspace, "Para guardar los códigos de recuperación, desbloquee el llavero."
                    ),
                    unlocked,
                )
                return
            except SecretStoreError as exc:
                self._show_error(f"{exc.message} No se registró nada.")
                return
        super().action_save()

    # -- typed codes are never lost silently ---------------------------------------------

    def unsaved_question(self) -> str | None:
        """What to ask before leaving (Esc, ctrl+q): codes typed and not saved."""
        if self._done or not self.is_mounted:
            return None
        return UNSAVED_CODES if self.value("codes") else None

    def hide_secrets(self) -> None:
        """The idle lock: the codes are masked already, and stay as typed beneath the lock."""

    def action_cancel(self) -> None:
        self._leave.leave(self.unsaved_question())
