"""Modal forms and confirmations. A form saves in a thread worker and stays open,
with everything typed, when the save fails; it closes with a Spanish summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from policy.clock import format_date, parse_date, parse_datetime
from policy.codes import AccountStatus, Network, Rank, Role, Verification
from policy.errors import ResguardoError, UsageError
from policy.records import Account, Person
from tui.core.records import (
    AccountFields,
    add_account,
    add_person,
    assign,
    edit_account,
    edit_person,
    record_evaluation,
    record_rotation,
    record_training,
    set_idle_lock_minutes,
    unassign,
)
from tui.workspace import error_text

if TYPE_CHECKING:
    from tui.app import Workbench
    from tui.workspace import Workspace

Job = Callable[[], str]


def _optional(value: str) -> str | None:
    value = value.strip()
    return value or None


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something that cannot be undone. Enter confirms, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Cancelar", id="confirmar.cancelar", tooltip="No hace nada"),
        Binding("y,s", "answer(True)", "Confirmar", id="confirmar.aceptar", tooltip="Confirma la acción"),
    ]

    def __init__(self, question: str, confirm_label: str = "Confirmar") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="warning", id="confirm", compact=True)
                yield Button("Cancelar", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")


class FormDialog(ModalScreen[str | None]):
    """Base of every form: title, fields, an error line, Guardar / Cancelar.

    Subclasses yield their fields in ``compose_fields`` and turn them into a
    job in ``build_job`` (raising UsageError for bad input); ``confirmation``
    returns a question when the change is irreversible.
    """

    #: the first field gets the focus, not the scrolling container around the fields
    AUTO_FOCUS = "Input, Select, Checkbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancelar", id="formulario.cancelar", tooltip="Cierra sin guardar"),
        Binding("ctrl+s", "save", "Guardar", id="formulario.guardar", tooltip="Guarda el formulario"),
    ]
    title_text = ""

    class Saved(Message):
        """The job finished: ``summary`` says what was recorded."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(classes="dialog-screen")
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-fields"):
                for widget in self.compose_fields():
                    if isinstance(widget, (Input, Select, Checkbox)):
                        widget.compact = True  # one line per field: the forms fit 80×24
                    yield widget
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Guardar", variant="primary", id="save", tooltip="Guarda (ctrl+s)", compact=True)
                yield Button("Cancelar", id="cancel", tooltip="Cierra sin guardar (Escape)", compact=True)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def build_job(self) -> Job:
        raise NotImplementedError

    def confirmation(self) -> str | None:
        return None

    # -- flow ----------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        try:
            job = self.build_job()
        except ResguardoError as exc:
            self._show_error(exc.message)
            return
        question = self.confirmation()
        if question is None:
            self._run(job)
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._run(job)

        self.app.push_screen(ConfirmDialog(question, "Registrar"), answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def _run(self, job: Job) -> None:
        self._show_error("")
        self.query_one("#save", Button).disabled = True
        self._save(job)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save(self, job: Job) -> None:
        summary = job()
        self.post_message(self.Saved(summary))

    @on(Saved)
    def _saved(self, event: FormDialog.Saved) -> None:
        app: Workbench = self.app  # type: ignore[assignment]
        app.data_changed(event.summary)
        self.dismiss(event.summary)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#save", Button).disabled = False
            self._show_error(error_text(event.worker.error))
            self.notify(error_text(event.worker.error), title="No se guardó", severity="error")

    def _show_error(self, text: str) -> None:
        self.query_one(".dialog-error", Static).update(text)

    # -- helpers for subclasses ----------------------------------------------

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def checked(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", Checkbox).value

    def selected(self, widget_id: str) -> Any:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else value

    def past_date(self, widget_id: str, field: str) -> date:
        day = parse_date(self.value(widget_id), field)
        if day > self.workspace.now().date():
            raise UsageError(f"La {field} está en el futuro.")
        return day


def field(label: str, widget: Any) -> ComposeResult:
    yield Label(label, classes="field-label")
    yield widget


class RotationDialog(FormDialog):
    title_text = "Registrar rotación de contraseña"

    def __init__(self, workspace: Workspace, account: Account, reason: str = "Rotación periódica") -> None:
        super().__init__(workspace)
        self.account = account
        self.reason = reason

    def compose_fields(self) -> ComposeResult:
        now = self.workspace.now()
        yield Static(
            f"Cuenta: {self.account.ref}. Se anota que la contraseña ya se cambió; nunca la contraseña.",
            classes="dialog-text",
        )
        yield from field(
            "Fecha y hora (AAAA-MM-DD HH:MM)",
            Input(now.strftime("%Y-%m-%d %H:%M"), id="when", tooltip="Cuándo se cambió la contraseña"),
        )
        yield from field("Motivo", Input(self.reason, id="reason"))
        yield from field("Oficio (opcional)", Input(id="reference", placeholder="número de oficio"))

    def build_job(self) -> Job:
        text = self.value("when").strip().replace(" ", "T", 1)
        at = parse_datetime(text, "fecha de la rotación")
        self._at = at
        reason, reference = _optional(self.value("reason")), _optional(self.value("reference"))
        account_id = self.account.id

        def job() -> str:
            done = self.workspace.run(record_rotation, account_id, at=at, reason=reason, reference=reference)
            return f"Rotación de {done.account.ref} registrada." + (f" {done.reminder}." if done.reminder else "")

        return job

    def confirmation(self) -> str:
        return (
            f"Se registrará la rotación de {self.account.ref} del {format_date(self._at.date())}"
            f" a las {self._at.strftime('%H:%M')}. El historial no se puede borrar. ¿Registrar?"
        )


class EvaluationDialog(FormDialog):
    title_text = "Registrar evaluación"

    def __init__(self, workspace: Workspace, account: Account) -> None:
        super().__init__(workspace)
        self.account = account

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Cuenta: {self.account.ref}", classes="dialog-text")
        yield from field("Fecha (AAAA-MM-DD)", Input(self.workspace.now().date().isoformat(), id="day"))
        yield from field("Nota (opcional)", Input("Evaluación semestral", id="note"))

    def build_job(self) -> Job:
        day = parse_date(self.value("day"), "fecha de la evaluación")
        self._day = day
        note = _optional(self.value("note"))
        account_id = self.account.id

        def job() -> str:
            done = self.workspace.run(record_evaluation, account_id, day=day, note=note)
            return f"Evaluación de {done.account.ref} registrada."

        return job

    def confirmation(self) -> str:
        return (
            f"Se registrará la evaluación de {self.account.ref} del {format_date(self._day)}."
            " El historial no se puede borrar. ¿Registrar?"
        )


class TrainingDialog(FormDialog):
    title_text = "Registrar capacitación"

    def __init__(self, workspace: Workspace, person: Person) -> None:
        super().__init__(workspace)
        self.person = person

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Persona: {self.person.name}", classes="dialog-text")
        yield from field("Fecha (AAAA-MM-DD)", Input(self.workspace.now().date().isoformat(), id="day"))
        yield from field("Curso o nota (opcional)", Input(id="note", placeholder="nombre del curso"))

    def build_job(self) -> Job:
        day = parse_date(self.value("day"), "fecha de la capacitación")
        self._day = day
        note = _optional(self.value("note"))
        person_id = self.person.id

        def job() -> str:
            done = self.workspace.run(record_training, person_id, day=day, note=note)
            return f"Capacitación de {done.person.name} registrada."

        return job

    def confirmation(self) -> str:
        return (
            f"Se registrará la capacitación de {self.person.name} del {format_date(self._day)}."
            " El historial no se puede borrar. ¿Registrar?"
        )


def _options(values: Sequence[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class AccountDialog(FormDialog):
    """Add or edit an account; ``focus`` names the field that fixes a finding."""

    def __init__(self, workspace: Workspace, account: Account | None = None, focus: str | None = None) -> None:
        super().__init__(workspace)
        self.account = account
        self.focus_field = focus
        self.title_text = f"Editar cuenta {account.ref}" if account else "Nueva cuenta"

    def compose_fields(self) -> ComposeResult:
        acc = self.account
        yield from field(
            "Red",
            Select(
                _options([n.value for n in Network]),
                id="network",
                allow_blank=False,
                value=acc.network if acc else Network.X.value,
            ),
        )
        yield from field("Usuario", Input(acc.handle if acc else "", id="handle", placeholder="@usuario"))
        yield from field("Área responsable", Input((acc.area or "") if acc else "", id="area"))
        yield from field("Correo de la cuenta", Input((acc.email or "") if acc else "", id="email"))
        yield Checkbox("El correo es genérico institucional", acc.email_generic if acc else False, id="email_generic")
        yield from field(
            "Verificación",
            Select(
                _options([v.value for v in Verification]),
                id="verification",
                allow_blank=False,
                value=acc.verification if acc else "no",
            ),
        )
        yield Checkbox("Cuenta pública", acc.public if acc else True, id="public")
        yield Checkbox("Recibe mensajes privados", acc.private_messages if acc else True, id="private_messages")
        yield from field(
            "Estado",
            Select(
                _options([s.value for s in AccountStatus]),
                id="status",
                allow_blank=False,
                value=acc.status if acc else "activa",
            ),
        )
        yield from field("Teléfono", Input((acc.phone or "") if acc else "", id="phone"))
        yield from field("URL", Input((acc.url or "") if acc else "", id="url"))

    def on_mount(self) -> None:
        if self.focus_field:
            self.query_one(f"#{self.focus_field}").focus()
        else:
            self.query_one("#network").focus()

    def build_job(self) -> Job:
        fields: AccountFields = {
            "network": str(self.selected("network")),
            "handle": self.value("handle"),
            "area": _optional(self.value("area")),
            "email": _optional(self.value("email")),
            "email_generic": self.checked("email_generic"),
            "verification": str(self.selected("verification")),
            "public": self.checked("public"),
            "private_messages": self.checked("private_messages"),
            "status": str(self.selected("status")),
            "phone": _optional(self.value("phone")),
            "url": _optional(self.value("url")),
        }
        account = self.account
        if account is None:

            def add() -> str:
                return f"Cuenta {self.workspace.run(add_account, fields).ref} agregada."

            return add
        account_id = account.id

        def edit() -> str:
            done = self.workspace.run(edit_account, account_id, fields)
            return f"Cuenta {done.account.ref} actualizada." + (f" {done.reminder}." if done.reminder else "")

        return edit


class AssignDialog(FormDialog):
    title_text = "Asignar persona"

    def __init__(
        self, workspace: Workspace, account: Account, people: Sequence[Person], role: str | None = None
    ) -> None:
        super().__init__(workspace)
        self.account = account
        self.people = people
        self.role = role

    def compose_fields(self) -> ComposeResult:
        names = [p.name for p in self.people]
        yield Static(f"Cuenta: {self.account.ref}", classes="dialog-text")
        yield from field(
            "Persona (nombre exacto; → acepta la sugerencia)",
            Input(id="person", placeholder="nombre", suggester=SuggestFromList(names, case_sensitive=False)),
        )
        yield from field(
            "Rol",
            Select(
                _options([r.value for r in Role]), id="role", allow_blank=False, value=self.role or Role.TITULAR.value
            ),
        )
        yield from field("Desde (AAAA-MM-DD)", Input(self.workspace.now().date().isoformat(), id="start"))

    def build_job(self) -> Job:
        name = self.value("person")
        start = parse_date(self.value("start"), "fecha de inicio")
        role = str(self.selected("role"))
        account_id = self.account.id

        def job() -> str:
            done = self.workspace.run(assign, account_id, name, role=role, start=start)
            summary = f"{done.person.name} es {done.assignment.role} de {done.account.ref}."
            if done.notice is not None:
                summary += f" Es un cambio de administración: avise ({done.notice[0]}; {done.notice[1]})."
            return summary

        return job


def unassign_job(workspace: Workspace, account_id: int, person_id: int, end: date) -> Job:
    """The write that ends a person's roles on an account (the workbench asks for confirmation first)."""

    def job() -> str:
        done = workspace.run(unassign, account_id, person_id, end=end)
        summary = f"{done.person.name} deja la administración de {done.account.ref}."
        if done.notice is not None:
            summary += f" Es un cambio de administración: avise ({done.notice[0]}; {done.notice[1]})."
        return f"{summary} {done.advice}" if done.advice else summary

    return job


class PersonDialog(FormDialog):
    def __init__(self, workspace: Workspace, person: Person | None = None) -> None:
        super().__init__(workspace)
        self.person = person
        self.title_text = f"Editar a {person.name}" if person else "Nueva persona"

    def compose_fields(self) -> ComposeResult:
        person = self.person
        yield from field(
            "Nombre completo", Input(person.name if person else "", id="name", disabled=person is not None)
        )
        yield from field("Correo institucional", Input((person.email or "") if person else "", id="email"))
        rank_options = [("(sin indicar)", "")] + _options([r.value for r in Rank])
        yield from field(
            "Nivel del puesto",
            Select(rank_options, id="rank", allow_blank=False, value=(person.rank or "") if person else ""),
        )

    def on_mount(self) -> None:
        self.query_one("#email" if self.person else "#name").focus()

    def build_job(self) -> Job:
        email = _optional(self.value("email"))
        rank = self.selected("rank") or None
        if self.person is not None:
            person_id = self.person.id

            def edit() -> str:
                return f"Persona {self.workspace.run(edit_person, person_id, email=email, rank=rank).name} actualizada."

            return edit
        name = self.value("name")

        def add() -> str:
            return f"Persona {self.workspace.run(add_person, name=name, email=email, rank=rank).name} agregada."

        return add


class IdleLockDialog(FormDialog):
    title_text = "Bloqueo por inactividad"

    def __init__(self, workspace: Workspace, minutes: int) -> None:
        super().__init__(workspace)
        self.minutes = minutes

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Minutos sin usar el teclado antes de bloquear (0 = nunca)",
            Input(str(self.minutes), id="minutes", type="integer"),
        )

    def build_job(self) -> Job:
        text = self.value("minutes").strip()
        if not text.isdigit():
            raise UsageError("Escriba un número entero de minutos (0 desactiva el bloqueo).")
        minutes = int(text)

        def job() -> str:
            self.workspace.run(set_idle_lock_minutes, minutes)
            return "Bloqueo desactivado." if minutes == 0 else f"Bloqueo tras {minutes} min de inactividad."

        return job
