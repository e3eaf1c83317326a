"""The help screen, the idle lock and the first-run wizard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from policy.labels import counted
from tui.core.setup import DemoLoaded, ProfileChosen, choose_profile, load_demo, profile_options
from tui.forms.password import PassphraseDialog
from tui.widgets.keyhints import key_label
from tui.widgets.toggle import MarkedCheckbox
from tui.workspace import Workspace, error_text

if TYPE_CHECKING:
    from tui.app import Workbench


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below, with what each does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Cerrar", id="ayuda.cerrar", tooltip="Cierra la ayuda"),
    ]

    def __init__(self, sections: Mapping[str, list[tuple[str, str, str]]]) -> None:
        super().__init__(classes="dialog-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        parts: list[Any] = []
        for title, bindings in self.sections.items():
            if not bindings:
                continue
            parts.append((f"{title}\n", "bold"))
            for keys, description, tooltip in bindings:
                parts.append((f"  {key_label(keys):<14}", "$accent"))
                parts.append(f"{description}")
                parts.append((f" — {tooltip}\n" if tooltip else "\n", "dim"))
            parts.append("\n")
        parts.append(("ctrl+p abre la paleta de comandos: escriba para buscar cualquier acción.", "italic"))
        with Vertical(classes="dialog help"):
            yield Label("Ayuda: atajos de teclado", classes="dialog-title")
            with VerticalScroll(classes="dialog-fields"):
                yield Static(Content.assemble(*parts))
            yield Static("Esc cierra", classes="dialog-hint")

    # type: ignore: Textual's Screen.action_dismiss is a coroutine taking the result; Help only closes
    def action_dismiss(self, result: Any = None) -> None:  # type: ignore[override]
        self.dismiss(None)


class LockScreen(Screen[None]):
    """Hides everything after the idle minutes; any key brings the workbench back.

    When the encrypted keyring file was open, locking forgot its key: the
    master passphrase is asked again before the workbench comes back.
    """

    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, ask_passphrase: bool = False, *, password_waiting: bool = False) -> None:
        """``password_waiting``: a dialog beneath holds a password not saved yet (the lock says so)."""
        super().__init__()
        self.ask_passphrase = ask_passphrase
        self.password_waiting = password_waiting
        self._asking = False

    def _leave(self) -> None:
        if not self.ask_passphrase:
            self.dismiss(None)
            return
        if self._asking:
            return
        self._asking = True
        app = cast("Workbench", self.app)

        def answered(ok: bool | None) -> None:
            self._asking = False
            if ok:
                self.dismiss(None)

        app.push_screen(
            PassphraseDialog(
                app.workspace,
                "resguardo se bloqueó por inactividad y cerró el llavero"
                " cifrado. Escriba su frase maestra para continuar.",
            ),
            answered,
        )

    def compose(self) -> ComposeResult:
        with Center(id="lock"):
            text = "resguardo está bloqueado por inactividad.\nPulse cualquier tecla para continuar."
            if self.password_waiting:
                # two short lines: one line of this would be cut at 80 columns
                text += "\n\nHay una contraseña sin guardar:\nal continuar vuelve a su diálogo tal como lo dejó."
            yield Static(text, id="lock-text")

    def on_key(self, event: Any) -> None:
        event.stop()
        event.prevent_default()
        self._leave()

    def on_click(self) -> None:
        self._leave()


class WizardScreen(Screen[None]):
    """First run on an empty database: the profile, the demo, and the keyring in use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Comenzar", id="bienvenida.comenzar", tooltip="Guarda el perfil y abre Hoy"),
        Binding("ctrl+q", "app.quit_app", "Salir", id="bienvenida.salir", tooltip="Sale sin guardar nada"),
    ]

    class Initialized(Message):
        def __init__(self, result: ProfileChosen | DemoLoaded) -> None:
            super().__init__()
            self.result = result

    class KeyringChecked(Message):
        def __init__(self, backend: str, locked_file: bool = False, file_exists: bool = True) -> None:
            super().__init__()
            self.backend = backend
            self.locked_file = locked_file
            self.file_exists = file_exists

    def compose(self) -> ComposeResult:
        with Vertical(id="wizard"):
            yield Label("Bienvenida a resguardo", classes="dialog-title")
            yield Static(
                "La base de datos está vacía. Elija el perfil de reglas de su institución"
                " (↑↓ y Espacio) y, si quiere practicar, cargue la institución de ejemplo.",
                classes="dialog-text",
            )
            with RadioSet(id="profile"):
                for choice in profile_options():
                    # nothing preselected: the institution is the user's choice, never a default
                    yield RadioButton(f"{choice.short_name} — {choice.name}", value=False, name=choice.id)
            yield MarkedCheckbox(
                "Cargar la institución de ejemplo (datos ficticios para practicar)", False, id="demo", compact=True
            )
            yield Static("Almacén de contraseñas: comprobando…", id="keyring")
            yield Static("", id="wizard-error", classes="dialog-error")
            yield Button("Comenzar", variant="primary", id="start", tooltip="Guarda el perfil (ctrl+s)", compact=True)
            yield Static("Tab cambia de campo · Enter en «Comenzar» o ctrl+s · ctrl+q sale", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#profile", RadioSet).focus()
        self._check_keyring()

    @work(thread=True, exclusive=True, exit_on_error=False, group="keyring")
    def _check_keyring(self) -> None:
        name = Workspace.keyring_backend()
        workspace = self.workbench.workspace
        try:
            workspace.create_database()  # the wizard creates the database; its keyring entries need its id
            locked, exists = workspace.keyring_fallback()
        except Exception:  # noqa: BLE001 - an unusable keyring is reported by its name above
            locked, exists = False, True
        self.post_message(self.KeyringChecked(name, locked, exists))

    @on(KeyringChecked)
    def _keyring_checked(self, event: WizardScreen.KeyringChecked) -> None:
        keyring = self.query_one("#keyring", Static)
        if not event.locked_file:
            keyring.update(f"Almacén de contraseñas: {event.backend}")
            return
        keyring.update("Almacén de contraseñas: archivo cifrado de resguardo (este equipo no tiene otro), bloqueado.")
        app = self.workbench

        def answered(ok: bool | None) -> None:
            keyring.update(
                "Almacén de contraseñas: archivo cifrado de resguardo, "
                + ("abierto." if ok else "bloqueado (se pedirá la frase al guardar una contraseña).")
            )

        app.push_screen(PassphraseDialog(app.workspace, new_file=not event.file_exists), answered)

    def selected_profile(self) -> str | None:
        """The profile picked, or None while the user has picked none."""
        radio = self.query_one("#profile", RadioSet)
        button = radio.pressed_button
        return button.name if button is not None and button.name else None

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        profile = self.selected_profile()
        if profile is None:
            self.query_one("#wizard-error", Static).update(
                "Elija primero el perfil de su institución (↑↓ y Espacio en la lista)."
            )
            self.query_one("#profile", RadioSet).focus()
            return
        self.query_one("#wizard-error", Static).update("")
        self.query_one("#start", Button).disabled = True
        self._initialize(profile, self.query_one("#demo", Checkbox).value)

    # A write: not exclusive, so nothing cancels it and its error is always reported.
    @work(thread=True, exit_on_error=False, group="initialize")
    def _initialize(self, profile_id: str, demo: bool) -> None:
        workspace = self.workbench.workspace
        workspace.create_database()  # (done as the wizard opened, unless that check has not run yet)
        result = workspace.run(load_demo, profile_id) if demo else workspace.run(choose_profile, profile_id)
        self.post_message(self.Initialized(result))

    @on(Initialized)
    def _initialized(self, event: WizardScreen.Initialized) -> None:
        self.dismiss(None)
        self.workbench.data_changed(describe_start(event.result))

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#start", Button).disabled = False
            self.notify(error_text(event.worker.error), title="No se pudo iniciar", severity="error")


def describe_start(result: ProfileChosen | DemoLoaded) -> str:
    """What the wizard says once the database is ready."""
    if isinstance(result, DemoLoaded):
        return (
            f"Institución de ejemplo cargada ({result.profile.short_name}): {counted(result.accounts, 'cuenta', 'cuentas')},"
            f" {counted(result.people, 'persona', 'personas')}."
        )
    return f"Perfil {result.profile.short_name} listo."
