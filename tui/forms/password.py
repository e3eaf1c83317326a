"""The password dialog (Cuentas and Hoy): masked input twice, a live strength meter,
the reuse check, generate, save through ``credencial fijar``'s path with the rotation's
reason and oficio (and, in the IECM without an oficio, its reminder), copy with auto-clear.

The zxcvbn check (~0.15 s for long inputs) runs in an exclusive thread worker
after a 250 ms pause in typing, never on the UI thread. The secret lives only
in the two inputs and in the worker calls; it is never logged nor notified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from policy.clock import format_date
from policy.credentials import GENERATED_REASON
from policy.errors import ResguardoError
from policy.labels import keyring_label
from policy.records import Account
from store.credentials import AWAITING, COMPLETED
from store.secrets import (
    KeyringLockedError,
    Secrets,
    SecretStoreError,
    WrongPassphraseError,
    check_new_passphrase,
)
from tui.core.credentials import (
    InterruptedSave,
    PasswordCheck,
    PasswordSet,
    SettledSave,
    confirm_pending,
    discard_pending,
    evaluate_password,
    generate_password,
    pending_secret,
    set_password,
    settle_interrupted_saves,
)
from tui.forms.base import ConfirmDialog, LeaveGuard
from tui.widgets.keyhints import KeyHints
from tui.workspace import error_text

if TYPE_CHECKING:
    from tui.app import Workbench
    from tui.workspace import Workspace

#: asked before leaving the dialog (Esc, «Cancelar», ctrl+q) with a password that was not saved
UNSAVED_GENERATED = "La contraseña generada no se ha guardado. ¿Salir sin guardar?"
UNSAVED_TYPED = "La contraseña escrita no se ha guardado. ¿Salir sin guardar?"
#: pause in typing before the strength check starts
DEBOUNCE_SECONDS = 0.25
_SCORE_STYLES = ("$error", "$error", "$warning", "$success", "$success")


def open_password_dialog(app: Workbench, account: Account) -> None:
    app.push_screen(PasswordDialog(account))


class PassphraseDialog(ModalScreen[bool]):
    """Asks the master passphrase of resguardo's encrypted keyring file and unlocks it (never stored).

    When the file does not exist yet the passphrase creates it: then it is
    asked twice and must be at least 12 characters (``check_new_passphrase``,
    as ``resguardo`` asks on the command line); a refused one keeps the dialog
    open with the reason and creates nothing. Dismisses with True once the file
    is open, False on Escape; a wrong passphrase keeps the dialog open too.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancelar", id="frase.cancelar", tooltip="No desbloquea el llavero"),
    ]

    class Result(Message):
        def __init__(self, error: str | None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, workspace: Workspace, reason: str = "", *, new_file: bool | None = None) -> None:
        """``new_file``: whether the passphrase creates the file; None asks the workspace."""
        super().__init__(classes="dialog-screen")
        self.workspace = workspace
        self.reason = reason
        self.new_file = workspace.keyring_file_missing() if new_file is None else new_file

    def compose(self) -> ComposeResult:
        text = self.reason or (
            "Este equipo no tiene llavero del sistema: resguardo guarda las contraseñas en su llavero cifrado."
        )
        if self.new_file:
            text += (
                " Elija una frase maestra (al menos 12 caracteres) y escríbala dos veces;"
                " guárdela bien: sin ella no se recuperan las contraseñas."
            )
        elif not self.reason:
            text += " Escriba su frase maestra."
        with Vertical(classes="dialog confirm"):
            yield Label("Llavero cifrado de resguardo", classes="dialog-title")
            yield Static(text, classes="dialog-text")
            yield Input(
                password=True,
                id="passphrase",
                compact=True,
                placeholder="frase maestra nueva" if self.new_file else "frase maestra",
            )
            if self.new_file:
                yield Input(password=True, id="repeated", compact=True, placeholder="repita la frase maestra")
            yield Static("", classes="dialog-error")
            yield Static(
                "Enter continúa · Esc cancela sin crear nada" if self.new_file else "Enter desbloquea · Esc cancela",
                classes="dialog-hint",
            )

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _refuse(self, text: str) -> None:
        for box in self.query(Input):
            box.value = ""
        self.query_one("#passphrase", Input).focus()
        self.query_one(".dialog-error", Static).update(text)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.new_file:
            if event.value:
                self.query_one(".dialog-error", Static).update("Abriendo el llavero…")
                self._unlock(event.value)
            return
        passphrase = self.query_one("#passphrase", Input).value
        repeated = self.query_one("#repeated", Input).value if event.input.id == "repeated" else None
        try:
            check_new_passphrase(passphrase, repeated)
        except ResguardoError as exc:
            self._refuse(exc.message)
            return
        if repeated is None:
            self.query_one(".dialog-error", Static).update("")
            self.query_one("#repeated", Input).focus()
            return
        self.query_one(".dialog-error", Static).update("Creando el llavero…")
        self._unlock(passphrase)

    @work(thread=True, exclusive=True, exit_on_error=False, group="passphrase")
    def _unlock(self, passphrase: str) -> None:
        try:
            self.workspace.open_secrets(passphrase)
        except Exception as exc:  # noqa: BLE001 - a wrong passphrase or a damaged file, said in Spanish
            self.post_message(self.Result(error_text(exc)))
            return
        self.post_message(self.Result(None))

    @on(Result)
    def _result(self, event: PassphraseDialog.Result) -> None:
        if event.error is None:
            self.dismiss(True)
            return
        self._refuse(event.error)


class PasswordDialog(ModalScreen[str | None]):
    """Set (or generate) the password of one account."""

    AUTO_FOCUS = "#password"
    # In the order the key line under the buttons reads them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+g",
            "generate",
            "Generar",
            id="contrasena.generar",
            tooltip="Genera una contraseña que cumple la regla",
        ),
        Binding(
            "ctrl+y",
            "copy",
            "Copiar",
            id="contrasena.copiar",
            tooltip="Copia al portapapeles; se borra solo al poco tiempo",
        ),
        Binding(
            "ctrl+s", "save", "Guardar", id="contrasena.guardar", tooltip="Guarda en el llavero y registra la rotación"
        ),
        Binding("ctrl+r", "reveal", "Mostrar/ocultar", id="contrasena.mostrar", tooltip="Muestra u oculta lo escrito"),
        Binding("escape", "cancel", "Cancelar", id="contrasena.cancelar", tooltip="Cierra sin guardar"),
    ]

    class KeyringReady(Message):
        def __init__(self, secrets: Secrets) -> None:
            super().__init__()
            self.secrets = secrets

    class KeyringFailed(Message):
        def __init__(self, text: str, locked: bool) -> None:
            super().__init__()
            self.text = text
            self.locked = locked

    class Checked(Message):
        def __init__(self, generation: int, check: PasswordCheck) -> None:
            super().__init__()
            self.generation = generation
            self.check = check

    class CheckFailed(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    class Generated(Message):
        def __init__(self, password: str) -> None:
            super().__init__()
            self.password = password

    class Saved(Message):
        def __init__(self, result: PasswordSet) -> None:
            super().__init__()
            self.result = result

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, account: Account) -> None:
        super().__init__(classes="dialog-screen")
        self.account = account
        self.secrets: Secrets | None = None
        self._generation = 0
        self._timer: Timer | None = None
        self.revealed = False
        #: the latest check shown (tests read it)
        self.last_check: PasswordCheck | None = None
        #: the password ctrl+g made: saved unchanged, it is recorded as ``credencial generar`` does
        self._made: str | None = None
        #: the password was saved: leaving asks nothing
        self._saved = False
        #: the «¿Salir sin guardar?» question is open
        self._leave = LeaveGuard(self)

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog password"):
            yield Label(f"Contraseña de {self.account.ref}", classes="dialog-title")
            yield Static("Llavero: comprobando…", id="keyring", classes="dialog-hint")
            yield Label("Contraseña nueva", classes="field-label")
            yield Input(password=True, id="password", compact=True)
            yield Label("Repítala", classes="field-label")
            yield Input(password=True, id="confirm", compact=True)
            with Horizontal(classes="password-record"):
                with Vertical():
                    yield Label("Motivo (opcional)", classes="field-label")
                    yield Input(
                        id="reason",
                        compact=True,
                        placeholder="p. ej. Rotación periódica",
                        tooltip="Queda en el historial de rotaciones y en la bitácora",
                    )
                with Vertical():
                    yield Label(self._reference_label(), id="reference-label", classes="field-label")
                    yield Input(
                        id="reference",
                        compact=True,
                        placeholder="p. ej. IECM/UTCSyD/0123/2026"
                        if self._profile_id() == "iecm"
                        else "número de oficio",
                        tooltip="Referencia del oficio; queda en el historial y en la bitácora."
                        + (
                            " En el IECM el cambio de contraseñas se gestiona con la UTCSyD por vía oficial."
                            if self._profile_id() == "iecm"
                            else ""
                        ),
                    )
            yield Static("Escriba para medir la fortaleza.", id="meter")
            yield Static("", id="feedback", classes="dialog-text")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Guardar", variant="primary", id="save", compact=True, disabled=True, tooltip="Guarda (ctrl+s)"
                )
                yield Button("Generar", id="generate", compact=True, tooltip="ctrl+g")
                yield Button("Mostrar", id="reveal", compact=True, tooltip="ctrl+r")
                yield Button("Copiar", id="copy", compact=True, tooltip="ctrl+y")
                yield Button("Cancelar", id="cancel", compact=True, tooltip="Escape")
            yield KeyHints()
            yield Static("Nunca se guarda en la base de datos: solo en el llavero.", classes="dialog-hint db-note")

    def _profile_id(self) -> str | None:
        snapshot = self.workbench.agenda_snapshot
        return snapshot.profile.id if snapshot is not None else None

    def _reference_label(self) -> str:
        return "Oficio a la UTCSyD (opcional)" if self._profile_id() == "iecm" else "Oficio (opcional)"

    def on_mount(self) -> None:
        self._open_keyring(None)

    # -- keyring -------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="keyring")
    def _open_keyring(self, passphrase: str | None) -> None:
        try:
            secrets = self.workbench.workspace.open_secrets(passphrase)
        except (KeyringLockedError, WrongPassphraseError) as exc:  # the encrypted file: ask its passphrase
            self.post_message(self.KeyringFailed(exc.message, locked=True))
            return
        except SecretStoreError as exc:
            self.post_message(self.KeyringFailed(exc.message, locked=False))
            return
        self.post_message(self.KeyringReady(secrets))

    @on(KeyringReady)
    def _keyring_ready(self, event: PasswordDialog.KeyringReady) -> None:
        self.secrets = event.secrets
        self.query_one("#keyring", Static).update(
            f"Llavero: {keyring_label(event.secrets.name, encrypted_file=event.secrets.encrypted_file)}"
        )
        self.query_one("#save", Button).disabled = False
        self._schedule_check()
        self._settle(event.secrets)

    class Settled(Message):
        def __init__(self, settled: list[SettledSave]) -> None:
            super().__init__()
            self.settled = settled

    # A write: not exclusive, so nothing cancels it and its error is always reported.
    @work(thread=True, exit_on_error=False, group="settle")
    def _settle(self, secrets: Secrets) -> None:
        """What a crash left of an earlier save of this account: finish it, or ask (off the UI thread)."""
        try:
            settled = self.workbench.workspace.run(settle_interrupted_saves, secrets, self.account.id)
        except Exception as exc:  # noqa: BLE001 - said in Spanish; the dialog stays usable
            self.post_message(self.Failed(error_text(exc)))
            return
        self.post_message(self.Settled(settled))

    @on(Settled)
    def _settled(self, event: PasswordDialog.Settled) -> None:
        notes = [
            f"Se terminó de guardar {done.save.label} de {done.save.account_ref}: su cambio ya estaba registrado."
            for done in event.settled
            if done.outcome == COMPLETED
        ]
        waiting = [done.save.pending.kind for done in event.settled if done.outcome == AWAITING]
        for note in notes:
            self.notify(note, title="Guardado terminado", timeout=10)
        if notes:
            self.workbench.data_changed(notes[-1])
        if not waiting or self.secrets is None:
            return

        def decided(summary: str | None) -> None:
            if summary is None:  # decide later: a new save would be refused meanwhile
                self.dismiss(None)
            else:
                self.workbench.data_changed(summary)

        self.app.push_screen(PendingSecretDialog(self.account, waiting[0], self.secrets), decided)

    @on(KeyringFailed)
    def _keyring_failed(self, event: PasswordDialog.KeyringFailed) -> None:
        if event.locked:

            def answered(ok: bool | None) -> None:
                if ok:
                    self._open_keyring(None)  # unlocked and kept for the session
                else:
                    self.dismiss(None)

            self.app.push_screen(PassphraseDialog(self.workbench.workspace), answered)
            return
        self.notify(f"{event.text} No se registró nada.", title="Llavero no disponible", severity="error", timeout=10)
        if self.unsaved_question() is None:
            self.dismiss(None)
        else:  # what was typed or generated stays on screen (to copy it down); Esc asks before leaving
            self.query_one("#keyring", Static).update(f"Llavero no disponible: {event.text}")

    # -- strength, debounced -------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show_error("")
        if event.input.id == "password":
            self._schedule_check()
        elif event.input.id == "confirm":
            self._show_match()

    def _schedule_check(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self._start_check)

    def _start_check(self) -> None:
        password = self.query_one("#password", Input).value
        if not password:
            self.query_one("#meter", Static).update("Escriba para medir la fortaleza.")
            self.query_one("#feedback", Static).update("")
            return
        self._check(self._generation, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="strength")
    def _check(self, generation: int, password: str) -> None:
        try:
            check = self.workbench.workspace.run(evaluate_password, self.account.id, password, secrets=self.secrets)
        except Exception as exc:  # noqa: BLE001 - e.g. the keyring refuses the reuse check: said under the meter
            self.post_message(self.CheckFailed(generation, error_text(exc)))
            return
        self.post_message(self.Checked(generation, check))

    @on(CheckFailed)
    def _check_failed(self, event: PasswordDialog.CheckFailed) -> None:
        if event.generation == self._generation:
            self.query_one("#meter", Static).update(Content.styled(f"No se pudo medir: {event.text}", "$error"))

    @on(Checked)
    def _checked(self, event: PasswordDialog.Checked) -> None:
        if event.generation != self._generation:
            return  # typing went on: a newer check is coming
        self.last_check = event.check
        report = event.check.report
        style = _SCORE_STYLES[max(0, min(4, report.score))]
        bar = "█" * (report.score + 1) * 4 + "░" * (4 - report.score) * 4
        verdict = "cumple la regla" if report.acceptable and not event.check.reuse else "no cumple la regla"
        self.query_one("#meter", Static).update(
            Content.assemble(
                (bar, style),
                f"  {report.score} de 4 ({report.score_label}; mínimo {report.min_score})"
                f" · {verdict} · se adivinaría en {report.crack_time}",
            )
        )
        lines = [*report.messages]
        if report.warning:
            lines.append(report.warning)
        lines.extend(report.suggestions)
        if event.check.reuse:
            lines.insert(0, f"Repetida: {event.check.reuse[0].upper()}{event.check.reuse[1:]}.")
        self.query_one("#feedback", Static).update("\n".join(lines))
        self._show_match()

    def _show_match(self) -> None:
        first = self.query_one("#password", Input).value
        second = self.query_one("#confirm", Input).value
        if second and first != second:
            self._show_error("Las dos contraseñas no coinciden.")

    # -- generate, reveal, copy ------------------------------------------------------

    def action_generate(self) -> None:
        self._generate()

    @work(thread=True, exclusive=True, exit_on_error=False, group="generate")
    def _generate(self) -> None:
        try:
            self.post_message(self.Generated(self.workbench.workspace.run(generate_password, self.account.id)))
        except Exception as exc:  # noqa: BLE001 - shown as a Spanish notification
            self.post_message(self.Failed(error_text(exc)))

    @on(Generated)
    def _generated(self, event: PasswordDialog.Generated) -> None:
        self._made = event.password
        self.query_one("#password", Input).value = event.password
        self.query_one("#confirm", Input).value = event.password
        reason = self.query_one("#reason", Input)
        if not reason.value.strip():
            reason.value = GENERATED_REASON
        self._set_revealed(True)  # shown once, here; ctrl+r hides it again
        self.notify(
            "Contraseña generada: anótela o cópiela antes de guardar; no se volverá a mostrar.", title="Generada"
        )

    def action_reveal(self) -> None:
        self._set_revealed(not self.revealed)

    def _set_revealed(self, revealed: bool) -> None:
        self.revealed = revealed
        for widget_id in ("#password", "#confirm"):
            self.query_one(widget_id, Input).password = not revealed
        self.query_one("#reveal", Button).label = "Ocultar" if revealed else "Mostrar"

    def action_copy(self) -> None:
        password = self.query_one("#password", Input).value
        if not password:
            self.notify("No hay nada que copiar.", severity="warning")
            return
        self._copy(password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="copy")
    def _copy(self, password: str) -> None:
        from tui import clipboard  # lazy: subprocess and hashlib, only when copying

        try:
            clipboard.copy(password)
            clipboard.schedule_clear(password)
        except Exception as exc:  # noqa: BLE001 - shown as a Spanish notification
            self.post_message(self.Failed(error_text(exc)))
            return
        self.app.call_from_thread(
            self.notify, f"Copiada. El portapapeles se borrará en {clipboard.clear_delay()} s.", title="Copiada"
        )

    # -- save ----------------------------------------------------------------

    def action_save(self) -> None:
        if self.secrets is None:
            self._show_error("El llavero todavía no está listo.")
            return
        first = self.query_one("#password", Input).value
        second = self.query_one("#confirm", Input).value
        if not first:
            self._show_error("Escriba la contraseña nueva.")
            return
        if first != second:
            self._show_error("Las dos contraseñas no coinciden.")
            return
        reason = self.query_one("#reason", Input).value.strip() or None
        reference = self.query_one("#reference", Input).value.strip() or None
        generated = first == self._made

        def answered(ok: bool | None) -> None:
            if ok:
                self.query_one("#save", Button).disabled = True
                self._save(first, reason, reference, generated)

        why = f" con el motivo «{reason}»" if reason else ""
        self.app.push_screen(
            ConfirmDialog(
                f"Se guardará la contraseña de {self.account.ref} en el llavero y se registrará la rotación{why}."
                " El historial no se puede borrar. ¿Guardar?",
                "Guardar",
            ),
            answered,
        )

    # A write: not exclusive, so nothing cancels it and its error is always reported.
    @work(thread=True, exit_on_error=False, group="save")
    def _save(self, password: str, reason: str | None, reference: str | None, generated: bool) -> None:
        secrets = self.secrets
        assert secrets is not None  # the save button waits for the keyring
        try:
            result = self.workbench.workspace.run(
                set_password,
                secrets,
                self.account.id,
                password,
                generated=generated,
                reason=reason,
                reference=reference,
            )
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Spanish message; nothing was recorded
            self.post_message(self.Failed(error_text(exc)))
            return
        self.post_message(self.Saved(result))

    @on(Saved)
    def _saved_now(self, event: PasswordDialog.Saved) -> None:
        self._saved = True
        summary = describe_saved(event.result)
        self.workbench.data_changed(summary)
        if event.result.reminder:
            self.app.notify(
                f"{event.result.reminder}. Esta rotación quedó registrada sin referencia de oficio.",
                title="Aviso",
                severity="warning",
                timeout=15,
            )
        self.dismiss(summary)

    @on(Failed)
    def _failed(self, event: PasswordDialog.Failed) -> None:
        self.query_one("#save", Button).disabled = self.secrets is None
        self._show_error(event.text)
        self.notify(event.text, title="No se guardó", severity="error", timeout=10)

    def hide_secrets(self) -> None:
        """Before the idle lock covers the dialog: mask what ctrl+g or ctrl+r revealed (ctrl+r shows it
        again once unlocked); what was typed or generated stays."""
        if self.is_mounted and self.revealed:
            self._set_revealed(False)

    def unsaved_question(self) -> str | None:
        """What to ask before leaving: None when nothing was typed nor generated (or it was saved)."""
        if self._saved or not self.is_mounted:
            return None
        password = self.query_one("#password", Input).value
        repeated = self.query_one("#confirm", Input).value
        if not password and not repeated:
            return None
        return UNSAVED_GENERATED if self._made is not None and password == self._made else UNSAVED_TYPED

    def action_cancel(self) -> None:
        """Leave; with an unsaved password, only after the user says so (Enter keeps the dialog)."""
        self._leave.leave(self.unsaved_question())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        following = {"password": "#confirm", "confirm": "#reason", "reason": "#reference"}.get(event.input.id or "")
        if following:
            self.query_one(following, Input).focus()
        else:
            self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "save": self.action_save,
            "generate": self.action_generate,
            "reveal": self.action_reveal,
            "copy": self.action_copy,
            "cancel": self.action_cancel,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def _show_error(self, text: str) -> None:
        self.query_one(".dialog-error", Static).update(text)


class PendingSecretDialog(ModalScreen[str | None]):
    """A new secret a crash left unconfirmed: confirm it, discard it, or decide later.

    Dismisses with the Spanish summary of what was done, or None (later).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "decide('confirm')",
            "Confirmar",
            id="pendiente.confirmar",
            tooltip="Registra el cambio y pone la nueva en lugar de la anterior",
        ),
        Binding(
            "d",
            "decide('discard')",
            "Descartar",
            id="pendiente.descartar",
            tooltip="Borra la nueva; sigue vigente la anterior",
        ),
        Binding("escape", "later", "Después", id="pendiente.despues", tooltip="No cambia nada por ahora"),
    ]

    class Done(Message):
        """The decision's result (the core's), or the Spanish error that kept it from being taken."""

        def __init__(self, result: InterruptedSave | SettledSave | None, error: str | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(self, account: Account, kind: str, secrets: Secrets) -> None:
        super().__init__(classes="dialog-screen")
        self.account = account
        self.kind = kind
        self.secrets = secrets

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)  # this dialog only runs inside the Workbench

    def compose(self) -> ComposeResult:
        text = describe_waiting(self.workbench.workspace.run(pending_secret, self.account.id, self.kind))
        with Vertical(classes="dialog confirm"):
            yield Label("Guardado interrumpido", classes="dialog-title")
            yield Static(text, classes="dialog-text")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Confirmar la nueva", variant="warning", id="confirm", compact=True)
                yield Button("Descartar la nueva", id="discard", compact=True)
                yield Button("Después", id="later", compact=True)
            yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#later", Button).focus()

    def action_later(self) -> None:
        self.dismiss(None)

    def action_decide(self, choice: str) -> None:
        for button in self.query(Button):
            button.disabled = True
        self.query_one(".dialog-error", Static).update("Guardando…")
        self._decide(choice)

    # A write: not exclusive, so nothing cancels it and its error is always reported.
    @work(thread=True, exit_on_error=False, group="pending")
    def _decide(self, choice: str) -> None:
        workspace = self.workbench.workspace
        try:
            result: InterruptedSave | SettledSave
            if choice == "confirm":
                result = workspace.run(confirm_pending, self.secrets, self.account.id, self.kind)
            else:
                result = workspace.run(discard_pending, self.secrets, self.account.id, self.kind)
        except Exception as exc:  # noqa: BLE001 - said in Spanish; nothing else changed
            self.post_message(self.Done(None, error_text(exc)))
            return
        self.post_message(self.Done(result, None))

    @on(Done)
    def _done(self, event: PendingSecretDialog.Done) -> None:
        if event.error is not None:
            for button in self.query(Button):
                button.disabled = False
            self.query_one(".dialog-error", Static).update(event.error)
            return
        result = event.result
        self.dismiss(describe_discarded(result) if isinstance(result, SettledSave) else describe_confirmed(result))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "later":
            self.action_later()
        else:
            self.action_decide("confirm" if event.button.id == "confirm" else "discard")


# -- what the dialogs say of the core's results ------------------------------------------


def describe_saved(result: PasswordSet) -> str:
    """The summary of a saved password (the workbench's wording of ``credencial fijar``'s result)."""
    rotation = result.rotation
    why = f" ({rotation.reason.rstrip('.')})" if rotation.reason else ""
    oficio = f", oficio {rotation.reference}" if rotation.reference else ""
    return (
        f"Contraseña de {result.account.ref} guardada en el llavero (puntaje {result.report.score} de 4)."
        f" Rotación registrada{why}{oficio}."
    )


def describe_waiting(waiting: InterruptedSave | None) -> str:
    """The explanation the decision dialog shows for a new secret a crash left unconfirmed."""
    if waiting is None:
        return ""
    moment = waiting.pending.started_at
    what = "la rotación" if waiting.pending.kind == "password" else "el cambio"
    return (
        f"Un guardado de {waiting.label} de {waiting.account_ref} se interrumpió el {format_date(moment.date())}"
        f" a las {moment:%H:%M}: {waiting.label} nueva quedó en el llavero, pero {what} no se registró."
        f" Si ya la usa en la red social, confírmela; si no, descártela (sigue vigente la anterior)."
    )


def describe_confirmed(confirmed: InterruptedSave | None) -> str:
    """What confirming a waiting secret did."""
    if confirmed is None:
        return ""
    return f"{confirmed.label[0].upper()}{confirmed.label[1:]} nueva de {confirmed.account_ref} quedó confirmada y en su lugar."


def describe_discarded(done: SettledSave) -> str:
    """What discarding a waiting secret did: dropped it, or (its change was recorded) put it in place."""
    if done.outcome == COMPLETED:
        return f"El cambio de {done.save.label} de {done.save.account_ref} ya estaba registrado: se terminó de guardar."
    return f"Se descartó {done.save.label} nueva de {done.save.account_ref}; sigue vigente la anterior."
