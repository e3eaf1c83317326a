"""The workbench: the Textual app behind ``resguardo`` with no arguments.

The main screens (Hoy, Cuentas, Personas, …; number keys switch) are installed
screens created on first use. The app owns the snapshots every screen draws
from and reloads them in thread workers after each change; workers never touch
widgets, they post messages.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from policy.clock import format_date
from policy.codes import DutyKind, Status
from policy.duties import offers
from policy.labels import counted
from policy.records import Account, Person
from tui.clock import system_now
from tui.commands import WorkbenchCommands
from tui.core.agenda import Agenda
from tui.core.records import DEFAULT_IDLE_LOCK_MINUTES, Institution
from tui.keymap import read_keymap, unknown_actions
from tui.screens import BY_MODE, VIEWS
from tui.screens.base import ViewScreen
from tui.screens.hoy import HoyScreen
from tui.workspace import KeptAgendaDamaged, Startup, Workspace, error_text

if TYPE_CHECKING:
    from tui.core.credentials import SettledSave
    from tui.forms.base import Job

#: When set, the app writes the wall-clock time of its first full frame of Hoy to this file (to time a start).
ENV_FIRST_FRAME_FILE = "RESGUARDO_FIRST_FRAME_FILE"
#: When set (with the file above), the app exits right after that first frame.
ENV_EXIT_AFTER_FIRST_FRAME = "RESGUARDO_EXIT_AFTER_FIRST_FRAME"

_IMPORTED_AT = time.perf_counter()


class Workbench(App[None]):
    """resguardo's keyboard-first daily review."""

    CSS_PATH = "app.tcss"
    TITLE = "resguardo"
    COMMANDS: ClassVar = {WorkbenchCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                view.key,
                f"show_view('{view.mode}')",
                view.label,
                id=f"vista.{view.mode}",
                tooltip=view.tooltip,
                show=False,
            )
            for view in VIEWS
        ),
        Binding("question_mark,f1", "help", "Ayuda", id="app.ayuda", tooltip="Muestra los atajos de esta pantalla"),
        # Priority, like ctrl+q: a dialog is a modal screen, which hides the app's other bindings, and the
        # moment to lock by hand is often with a dialog open (a password generated, not saved yet).
        Binding(
            "ctrl+l",
            "lock",
            "Bloquear",
            id="app.bloquear",
            show=False,
            priority=True,
            tooltip="Limpia la pantalla hasta que pulse una tecla",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Comandos",
            id="app.comandos",
            priority=True,
            key_display="^p",
            show=False,
            tooltip="La paleta de comandos: busque cualquier acción por su nombre",
        ),
        Binding("ctrl+q", "quit_app", "Salir", id="app.salir", priority=True, tooltip="Cierra resguardo"),
        # Tab moves the focus here, in the app's own queue, before the next key is handed to a field:
        # as the screen's binding, keys typed fast after Tab had already gone to the field being left.
        Binding(
            "tab", "focus_next", "Campo siguiente", id="app.campo_siguiente", show=False, priority=True, tooltip=""
        ),
        Binding(
            "shift+tab",
            "focus_previous",
            "Campo anterior",
            id="app.campo_anterior",
            show=False,
            priority=True,
            tooltip="",
        ),
    ]

    summary: reactive[str] = reactive("Cargando…")
    #: seconds after the first frame before the accounts and people are built (at once on the
    #: first key or click)
    INSTITUTION_DELAY: ClassVar[float] = 0.5

    class DatabaseRead(Message):
        """A load started by ``_check_database`` finished (``generation`` tells a superseded one)."""

        def __init__(self, startup: Startup, generation: int) -> None:
            super().__init__()
            self.startup = startup
            self.generation = generation

    class InstitutionLoaded(Message):
        def __init__(self, institution: Institution, generation: int) -> None:
            super().__init__()
            self.institution = institution
            self.generation = generation

    class InterruptedSaves(Message):
        """Saves a crash left half-way (not settled: the keyring is not open yet)."""

        def __init__(self, saves: list[SettledSave]) -> None:
            super().__init__()
            self.saves = saves

    class Written(Message):
        """A write started with ``write`` returned ``result``; ``job`` words it."""

        def __init__(self, job: Job[Any], result: object) -> None:
            super().__init__()
            self.job = job
            self.result = result

    def __init__(
        self,
        db_path: str | Path | None = None,
        clock: Callable[[], datetime] | None = None,
        preloaded: Startup | None = None,
    ) -> None:
        super().__init__()
        #: start-up data read before Textual was imported (see ``tui.cli._open_workbench``)
        self._preloaded = preloaded
        if clock is None:
            clock = system_now
        self.workspace = Workspace(db_path, clock)
        self.agenda_snapshot: Agenda | None = None
        self.institution: Institution | None = None
        self.idle_minutes = DEFAULT_IDLE_LOCK_MINUTES
        self._last_input = time.monotonic()
        self._first_frame_done = False
        #: whether this session already looked for saves a crash left half-way
        self._interrupted_checked = False
        #: counts the loads started; a load's results are shown only while it is the latest
        self._load_generation = 0
        #: the accounts and people still to build (and their load's generation), see ``_agenda_painted``
        self._pending_institution: tuple[Callable[[], Institution], int] | None = None
        #: actions waiting for the accounts and people (see ``with_institution``)
        self._waiting_institution: list[Callable[[], object]] = []
        self._views: dict[str, ViewScreen] = {}
        self._locked = False
        #: the «¿Salir sin guardar?» question of ctrl+q is open
        self._asking_quit = False
        #: the user's keys (config.toml's [keymap]); its warnings are shown after the first frame
        self.keymap_read = read_keymap()
        if self.keymap_read.keys:
            self.set_keymap(self.keymap_read.keys)

    # -- views ----------------------------------------------------------------
    # Not Textual modes: switching modes re-parses the whole stylesheet (~250 ms
    # here), switching installed screens does not.

    def _view(self, name: str) -> ViewScreen:
        if name not in self._views:
            screen = BY_MODE[name].screen_class()()
            self.install_screen(screen, name)
            self._views[name] = screen
        return self._views[name]

    def show_view(self, name: str) -> None:
        """Switch to a main screen; ignored while a dialog is open."""
        if not isinstance(self.screen, ViewScreen) or self.screen is self._views.get(name):
            return
        target, hoy = self._view(name), self._view("hoy")
        # Hoy is the default screen, at the bottom of the stack; the view shown sits on it.
        if target is hoy:
            self.pop_screen()
        elif self.screen is hoy:
            self.push_screen(target)
        else:
            self.switch_screen(target)

    def action_show_view(self, name: str) -> None:
        self.show_view(name)

    @property
    def current_view(self) -> str | None:
        screen = self.screen
        return screen.mode if isinstance(screen, ViewScreen) else None

    # -- start-up --------------------------------------------------------------
    # The first frame of Hoy comes first: Hoy is the default screen, composed with
    # the agenda read before Textual was imported. Everything else (the accounts and
    # people the other screens show) is built in a thread after that frame and the
    # few Textual draws next, so it does not compete with them for the GIL.

    def get_default_screen(self) -> Screen[None]:
        # Hoy is the bottom of the stack, composed with the app, with the agenda read
        # before Textual was imported: its first frame is the first one written. (A screen
        # pushed in on_mount is drawn inside Textual's mount batch, whose frames are
        # dropped; afterwards only what changed is written, so Hoy reached the terminal
        # without its preview pane until a later full repaint.)
        if self._preloaded is not None and self._preloaded.agenda is not None:
            self._set_agenda(self._preloaded.agenda)
        return self._view("hoy")

    def on_mount(self) -> None:
        preloaded, self._preloaded = self._preloaded, None
        if preloaded is None:
            self._check_database()
        else:
            self._load_generation += 1
            self._database_read(self.DatabaseRead(preloaded, self._load_generation))
        self.set_interval(5, self._check_idle)

    def _check_database(self) -> None:
        """Read the status, the settings and the agenda again, off the UI thread."""
        self._load_generation += 1
        self._read_database(self._load_generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="status")
    def _read_database(self, generation: int) -> None:
        startup = self.workspace.startup()
        if not get_current_worker().is_cancelled:  # a newer load (after a save) supersedes this one
            self.post_message(self.DatabaseRead(startup, generation))

    @on(DatabaseRead)
    def _database_read(self, event: Workbench.DatabaseRead) -> None:
        if event.generation != self._load_generation:
            return
        startup = event.startup
        self.idle_minutes = startup.idle_minutes
        if not startup.status.initialized:
            from tui.screens.misc import WizardScreen  # lazy: not for the first frame

            self.summary = "Base de datos vacía"
            self.push_screen(WizardScreen())
            return
        if startup.agenda is not None:
            if startup.agenda is not self.agenda_snapshot:
                self._set_agenda(startup.agenda)
                self._redraw(HoyScreen)
            self.call_after_refresh(self._agenda_painted, startup.build_institution, event.generation)

    def _set_agenda(self, agenda: Agenda) -> None:
        self.agenda_snapshot = agenda
        incidents = agenda.open_incidents
        # Most urgent first: a narrow terminal cuts the line at its right end.
        self.summary = (
            f"{agenda.count(Status.OVERDUE)} vencidos · {agenda.count(Status.DUE_SOON)} por vencer"
            f" · {incidents} {'incidente abierto' if incidents == 1 else 'incidentes abiertos'}"
            f" · {counted(agenda.accounts, 'cuenta', 'cuentas')} · {agenda.profile.short_name}"
            f" · {format_date(agenda.now.date())} {agenda.now.strftime('%H:%M')}"
        )

    def action_reload(self) -> None:
        self._check_database()

    def _agenda_painted(self, build_institution: Callable[[], Institution] | None, generation: int) -> None:
        first = not self._first_frame_done
        if first:
            self._first_frame_done = True
            if self._first_frame():
                return  # exiting (RESGUARDO_EXIT_AFTER_FIRST_FRAME): nothing else to build
            if self.keymap_read.keys or self.keymap_read.warnings:
                self._check_keymap()
        if build_institution is None or generation != self._load_generation:
            return
        self._pending_institution = (build_institution, generation)
        if first and self.INSTITUTION_DELAY:
            # Textual draws a few more frames after the first (the Footer's keys come in one
            # of them); built meanwhile, the accounts and people delayed them by ~170 ms
            self.set_timer(self.INSTITUTION_DELAY, self._start_institution)
        else:
            self._start_institution()

    def _start_institution(self) -> None:
        """Build the accounts and people of the pending load, if any, in a thread."""
        pending, self._pending_institution = self._pending_institution, None
        if pending is not None and pending[1] == self._load_generation:
            self._load_institution(*pending)

    @work(thread=True, exclusive=True, exit_on_error=False, group="keymap")
    def _check_keymap(self) -> None:
        """The config file's warnings, and its actions that no binding has (the screens are imported
        here, off the UI thread, after the first frame)."""
        warnings = [*self.keymap_read.warnings, *unknown_actions(self.keymap_read, binding_catalog())]
        for warning in warnings:
            self.call_from_thread(self.notify, warning, title="Teclas", severity="warning", timeout=15)

    @work(thread=True, exclusive=True, exit_on_error=False, group="institution")
    def _load_institution(self, build_institution: Callable[[], Institution], generation: int) -> None:
        """Accounts and people with their deadlines, from the state the agenda was computed from.

        A kept agenda found unsound here (every block is checked now) was shown from its first,
        sound block only: it is computed again and shown instead."""
        try:
            institution = build_institution()
        except KeptAgendaDamaged as exc:
            self.call_from_thread(self.notify, exc.message, title="Agenda", severity="warning")
            self.call_from_thread(self.action_reload)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.InstitutionLoaded(institution, generation))
        if not self._interrupted_checked:
            self._interrupted_checked = True
            from tui.core.credentials import settle_interrupted_saves  # lazy: the keyring is not for the first frame

            saves = self.workspace.run(settle_interrupted_saves, None)
            if saves:
                self.post_message(self.InterruptedSaves(saves))

    @on(InterruptedSaves)
    def _interrupted_saves(self, event: Workbench.InterruptedSaves) -> None:
        """Said once per session: which new secrets wait for a decision, and where to take it."""
        listed = "; ".join(f"{done.save.label} de {done.save.account_ref}" for done in event.saves)
        self.notify(
            f"Quedó a medias el guardado de {listed}. En Cuentas, elija la cuenta y pulse c: resguardo termina"
            " el guardado o le pregunta si confirma o descarta lo nuevo.",
            title="Guardado interrumpido",
            severity="warning",
            timeout=30,
        )

    @on(InstitutionLoaded)
    def _institution_loaded(self, event: Workbench.InstitutionLoaded) -> None:
        if event.generation != self._load_generation:
            return
        self.institution = event.institution
        self._redraw(ViewScreen, skip=HoyScreen)
        waiting, self._waiting_institution = self._waiting_institution, []
        for action in waiting:
            action()

    def with_institution(self, action: Callable[[], object]) -> None:
        """Run ``action`` now if the accounts and people are built, else as soon as they are.

        They are built just after the first frame: a form opened in that moment
        (an account picker, the people to assign) would otherwise offer nothing.
        """
        if self.institution is not None:
            action()
            return
        self._waiting_institution.append(action)
        if self._pending_institution is not None:
            self._start_institution()
        self.notify("Cargando las cuentas y las personas…", timeout=2)

    def _redraw(self, *kinds: type, skip: type | None = None) -> None:
        for screen in self._views.values():
            if isinstance(screen, kinds) and screen.is_mounted and not (skip and isinstance(screen, skip)):
                screen.show_data()

    def _first_frame(self) -> bool:
        """Log (and with RESGUARDO_FIRST_FRAME_FILE, record) the first frame of Hoy; True when the app exits now."""
        elapsed = time.perf_counter() - _IMPORTED_AT
        self.log.info(f"Primer cuadro de Hoy {elapsed * 1000:.0f} ms después de importar tui.app")
        target = os.environ.get(ENV_FIRST_FRAME_FILE)
        if target:
            Path(target).write_text(f"{time.time():.6f}\n", encoding="utf-8")
            if os.environ.get(ENV_EXIT_AFTER_FIRST_FRAME):
                self.exit()
                return True
        return False

    def offers(self, kind: DutyKind) -> bool:
        """Whether the institution's profile has the rule of duties of ``kind`` (the forms that open
        one are offered only then, as the core refuses them otherwise)."""
        agenda = self.agenda_snapshot
        return agenda is not None and offers(agenda.profile, kind)

    def data_changed(self, summary: str) -> None:
        """A form saved something: say so and reload every snapshot."""
        self.notify(summary, title="Guardado")
        self._check_database()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(error_text(event.worker.error), title="Error", severity="error", timeout=10)

    # -- actions shared by the screens and the palette ---------------------------------

    def set_password(self, account: Account) -> None:
        """The password dialog; first the passphrase when the encrypted keyring is locked."""
        from tui.forms.password import open_password_dialog  # lazy: forms are not for the first frame

        open_password_dialog(self, account)

    # The dialogs are imported on first use: ~25 ms that the first frame does not need.

    def edit_account(self, account: Account | None, focus: str | None = None) -> None:
        from tui.forms.records import AccountDialog  # lazy: forms are not for the first frame

        self.push_screen(AccountDialog(self.workspace, account, focus))

    def edit_person(self, person: Person | None) -> None:
        from tui.forms.records import PersonDialog  # lazy: forms are not for the first frame

        self.push_screen(PersonDialog(self.workspace, person))

    def assign_person(self, account: Account, role: str | None = None) -> None:
        if self.institution is None:
            self.with_institution(lambda: self.assign_person(account, role))
            return
        from tui.forms.records import AssignDialog  # lazy: forms are not for the first frame

        people = sorted(self.institution.people_by_id.values(), key=lambda p: p.name)
        # propose the first role of the profile nobody holds today (what missing_admin asks for)
        role = role or self.institution.vacant_role(account.id)
        self.push_screen(AssignDialog(self.workspace, account, people, role))

    def unassign_person(self, account: Account) -> None:
        institution = self.institution
        if institution is None:
            self.with_institution(lambda: self.unassign_person(account))
            return
        today = self.workspace.now().date()
        current = [a for a in institution.assignments_by_account.get(account.id, ()) if a.active_on(today)]
        if not current:
            self.notify(f"Nadie administra {account.ref} hoy.", severity="warning")
            return
        from tui.forms.base import ConfirmDialog  # lazy: forms are not for the first frame
        from tui.forms.records import unassign_job  # lazy: forms are not for the first frame
        from tui.screens.pick import PickScreen  # lazy: not for the first frame

        choices = [(a.person_id, f"{a.role}: {institution.people_by_id[a.person_id].name}") for a in current]

        def picked(person_id: int | None) -> None:
            if person_id is None:
                return
            name = institution.people_by_id[person_id].name

            def confirmed(ok: bool | None) -> None:
                if ok:
                    self.write(unassign_job(self.workspace, account.id, person_id, today))

            self.push_screen(
                ConfirmDialog(
                    f"{name} dejará de administrar {account.ref} hoy ({format_date(today)}). No se puede deshacer."
                    " ¿Terminar la asignación?",
                    "Terminar",
                ),
                confirmed,
            )

        self.push_screen(PickScreen(f"¿A quién desasignar de {account.ref}?", choices), picked)

    def write(self, job: Job[Any]) -> None:
        """Run one use case of the core (one transaction) off the UI thread; errors become notifications."""
        self._write(job)

    # Not exclusive: every write runs to its end and reports its error; none cancels another.
    @work(thread=True, exit_on_error=False, group="write")
    def _write(self, job: Job[Any]) -> None:
        self.post_message(self.Written(job, job.call()))

    @on(Written)
    def _written(self, event: Workbench.Written) -> None:
        self.data_changed(event.job.describe(event.result))

    def show_account(self, account: Account) -> None:
        self.show_view("cuentas")

        from textual.widgets import Input  # lazy: ~6 ms the first frame does not need

        from tui.screens.cuentas import CuentasScreen  # lazy: not for the first frame

        def focus_row() -> None:
            screen = self.screen
            if isinstance(screen, CuentasScreen):
                screen.query_one("#filter", Input).value = ""
                screen.table.move_to_key(account.id)

        self.call_after_refresh(focus_row)

    def action_help(self) -> None:
        screen = self.screen
        sections: dict[str, list[tuple[str, str, str]]] = {}
        own = [(b.key, b.description, b.tooltip) for b in getattr(screen, "BINDINGS", []) if hasattr(b, "key")]
        widget = self.focused
        focused = [(b.key, b.description, b.tooltip) for b in getattr(widget, "BINDINGS", []) if hasattr(b, "key")]
        title = type(screen).__name__.replace("Screen", "")
        sections[f"Pantalla {title}"] = own
        if focused:
            sections["Campo con el foco"] = focused
        sections["En todas partes"] = [
            ("1 … 7", "Cambiar de pantalla", "Hoy, Cuentas, Personas, Bitácora, Incidentes, Consultas, Solicitudes"),
            ("ctrl+p", "Paleta de comandos", "Busca cualquier acción por su nombre"),
            ("question_mark", "Ayuda", "Esta pantalla"),
            ("ctrl+l", "Bloquear", "Limpia la pantalla hasta que pulse una tecla"),
            ("escape", "Volver", "Cierra el diálogo o vuelve a Hoy"),
            ("ctrl+q", "Salir", "Cierra resguardo"),
        ]
        from tui.screens.misc import HelpScreen  # lazy: not for the first frame

        self.push_screen(HelpScreen(sections))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette  # lazy: not for the first frame

        from tui.commands import SpanishCommandPalette  # lazy: not for the first frame

        # type: ignore: Textual types is_open(app: App[object]) and App is invariant in its return type
        if not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                SpanishCommandPalette(placeholder="Busque una acción… (Esc cierra)", id="--command-palette")
            )

    def unsaved_question(self) -> str | None:
        """What to ask before closing: an open password dialog holding a password not saved yet."""
        for screen in reversed(self.screen_stack):
            asks = getattr(screen, "unsaved_question", None)
            question = asks() if callable(asks) else None
            if question:
                return str(question)
        return None

    def action_quit_app(self) -> None:
        """Close resguardo; with an unsaved password in a dialog, only after the user says so."""
        question = self.unsaved_question()
        if question is None:
            self.exit()
            return
        if self._asking_quit:
            return
        self._asking_quit = True
        from tui.forms.base import ConfirmDialog  # lazy: forms are not for the first frame

        def answered(leave: bool | None) -> None:
            self._asking_quit = False
            if leave:
                self.exit()

        self.push_screen(ConfirmDialog(question, "Salir sin guardar", safe_default=True), answered)

    # -- idle lock ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._last_input = time.monotonic()
            if self._pending_institution is not None:
                self._start_institution()  # the user is at work: build what the actions need now
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.idle_minutes <= 0 or self._locked:
            return
        if time.monotonic() - self._last_input >= self.idle_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        from tui.screens.misc import LockScreen  # lazy: not for the first frame

        if self._locked:
            return
        self._locked = True
        # A dialog holding an unsaved password is locked too (an unattended screen must not keep a
        # password on view), and kept intact beneath the lock: it hides what it shows, the lock says
        # it waits, and unlocking returns to it with what was typed or generated, still asking before
        # it is dropped. Not locking would leave the password on an unattended screen.
        waiting = self.unsaved_question() is not None
        for screen in self.screen_stack:
            hide = getattr(screen, "hide_secrets", None)
            if callable(hide):
                hide()

        def unlocked(_: object) -> None:
            self._locked = False
            self._last_input = time.monotonic()

        self.push_screen(LockScreen(ask_passphrase=self.workspace.lock_secrets(), password_waiting=waiting), unlocked)

    def action_idle_settings(self) -> None:
        from tui.forms.records import IdleLockDialog  # lazy: forms are not for the first frame

        self.push_screen(IdleLockDialog(self.workspace, self.idle_minutes))


def binding_catalog() -> dict[str, tuple[str, str, str]]:
    """Every key binding of the workbench that has an id: id -> (keys, description, tooltip).

    The ids are what the user's ``[keymap]`` names; the guide lists them (a test
    checks it does). Imports every screen and form: not for the first frame.
    """
    import importlib  # lazy: only the keymap check and the docs test walk the modules
    import pkgutil  # lazy: see above

    from textual.binding import Binding as TextualBinding  # lazy: see above
    from textual.dom import DOMNode  # lazy: see above

    import tui.forms  # lazy: see above
    import tui.screens  # lazy: see above
    import tui.widgets  # lazy: see above

    modules = [sys.modules[__name__]]
    for package in (tui.screens, tui.forms, tui.widgets):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    catalog: dict[str, tuple[str, str, str]] = {}
    for module in modules:
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, DOMNode)):
                continue
            for binding in value.__dict__.get("BINDINGS", []):
                if isinstance(binding, TextualBinding) and binding.id and binding.id not in catalog:
                    catalog[binding.id] = (binding.key, binding.description, binding.tooltip)
    return catalog


def run_workbench(
    db_path: str | None = None, workspace: Workspace | None = None, preloaded: Startup | None = None
) -> int:
    """Entry point used by ``resguardo`` without a command."""
    Workbench(db_path, workspace.clock if workspace else None, preloaded).run()
    return 0
