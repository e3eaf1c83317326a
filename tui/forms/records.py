"""The forms of the institution's records: rotations, evaluations, trainings, accounts,
people, assignments, and the workbench's idle lock. Each saves through one use case of
``tui.core.records``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Select, Static

from policy.clock import format_date
from policy.codes import AccountStatus, Network, Rank, Role, Verification
from policy.errors import UsageError
from policy.labels import RANK_LABELS
from policy.records import Account, Person
from tui.core.records import (
    AccountFields,
    Assigned,
    EditedAccount,
    RecordedEvaluation,
    RecordedRotation,
    RecordedTraining,
    Unassigned,
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
from tui.forms.base import FormDialog, Job, field, optional, options

if TYPE_CHECKING:
    from tui.workspace import Workspace


class RotationDialog(FormDialog):
    title_text = "Registrar rotación de contraseña"

    def __init__(self, workspace: Workspace, account: Account, reason: str = "Rotación periódica") -> None:
        super().__init__(workspace)
        self.account = account
        self.reason = reason

    def compose_fields(self) -> ComposeResult:
        yield Static(
            f"Cuenta: {self.account.ref}. Se anota que la contraseña ya se cambió; nunca la contraseña.",
            classes="dialog-text",
        )
        yield from field(
            "Fecha y hora (dd/mm/aaaa HH:MM)",
            Input(self.now_text(), id="when", tooltip="Cuándo se cambió la contraseña"),
        )
        yield from field("Motivo", Input(self.reason, id="reason"))
        yield from field("Oficio (opcional)", Input(id="reference", placeholder="número de oficio"))

    def build_job(self) -> Job[RecordedRotation]:
        at = self.moment("when", "fecha de la rotación")
        self._at = at
        reason, reference = optional(self.value("reason")), optional(self.value("reference"))
        account_id = self.account.id
        return Job(
            lambda: self.workspace.run(record_rotation, account_id, at=at, reason=reason, reference=reference),
            lambda done: (
                f"Rotación de {done.account.ref} registrada." + (f" {done.reminder}." if done.reminder else "")
            ),
        )

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
        yield from field("Fecha (dd/mm/aaaa)", Input(self.today_text(), id="day"))
        yield from field("Nota (opcional)", Input("Evaluación semestral", id="note"))

    def build_job(self) -> Job[RecordedEvaluation]:
        day = self.day("day", "fecha de la evaluación")
        self._day = day
        note = optional(self.value("note"))
        account_id = self.account.id
        return Job(
            lambda: self.workspace.run(record_evaluation, account_id, day=day, note=note),
            lambda done: f"Evaluación de {done.account.ref} registrada.",
        )

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
        yield from field("Fecha (dd/mm/aaaa)", Input(self.today_text(), id="day"))
        yield from field("Curso o nota (opcional)", Input(id="note", placeholder="nombre del curso"))

    def build_job(self) -> Job[RecordedTraining]:
        day = self.day("day", "fecha de la capacitación")
        self._day = day
        note = optional(self.value("note"))
        person_id = self.person.id
        return Job(
            lambda: self.workspace.run(record_training, person_id, day=day, note=note),
            lambda done: f"Capacitación de {done.person.name} registrada.",
        )

    def confirmation(self) -> str:
        return (
            f"Se registrará la capacitación de {self.person.name} del {format_date(self._day)}."
            " El historial no se puede borrar. ¿Registrar?"
        )


#: «public» and «private messages»: unknown until someone records them (issue #13, defect 7)
_UNKNOWN = "sin_dato"
_YES_NO = [("sin dato", _UNKNOWN), ("sí", "si"), ("no", "no")]


def _known(account: Account, key: str) -> str:
    """The Select value of ``account``'s «public» or «private messages»: sí, no or sin dato."""
    if not getattr(account, f"{key}_known"):
        return _UNKNOWN
    return "si" if getattr(account, key) else "no"


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
                options([n.value for n in Network]),
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
                options([v.value for v in Verification]),
                id="verification",
                allow_blank=False,
                value=acc.verification if acc else "no",
            ),
        )
        yield from field(
            "Cuenta pública",
            Select(_YES_NO, id="public", allow_blank=False, value=_known(acc, "public") if acc else _UNKNOWN),
        )
        yield from field(
            "Recibe mensajes privados",
            Select(
                _YES_NO,
                id="private_messages",
                allow_blank=False,
                value=_known(acc, "private_messages") if acc else _UNKNOWN,
            ),
        )
        yield from field(
            "Estado",
            Select(
                options([s.value for s in AccountStatus]),
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

    def build_job(self) -> Job[Account] | Job[EditedAccount]:
        fields: AccountFields = {
            "network": str(self.selected("network")),
            "handle": self.value("handle"),
            "area": optional(self.value("area")),
            "email": optional(self.value("email")),
            "email_generic": self.checked("email_generic"),
            "verification": str(self.selected("verification")),
            "status": str(self.selected("status")),
            "phone": optional(self.value("phone")),
            "url": optional(self.value("url")),
        }
        for key in ("public", "private_messages"):
            chosen = self.selected(key)
            if chosen != _UNKNOWN:  # «sin dato» records nothing: a new account keeps it unknown, an edit unchanged
                fields[key] = chosen == "si"
        account = self.account
        if account is None:
            return Job(lambda: self.workspace.run(add_account, fields), lambda added: f"Cuenta {added.ref} agregada.")
        account_id = account.id
        return Job(
            lambda: self.workspace.run(edit_account, account_id, fields),
            lambda done: f"Cuenta {done.account.ref} actualizada." + (f" {done.reminder}." if done.reminder else ""),
        )


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
                options([r.value for r in Role]), id="role", allow_blank=False, value=self.role or Role.TITULAR.value
            ),
        )
        yield from field("Desde (dd/mm/aaaa)", Input(self.today_text(), id="start"))

    def build_job(self) -> Job[Assigned]:
        name = self.value("person")
        start = self.day("start", "fecha de inicio")
        role = str(self.selected("role"))
        account_id = self.account.id
        return Job(
            lambda: self.workspace.run(assign, account_id, name, role=role, start=start),
            describe_assigned,
        )


def unassign_job(workspace: Workspace, account_id: int, person_id: int, end: date) -> Job[Unassigned]:
    """The write that ends a person's roles on an account (the workbench asks for confirmation first)."""
    return Job(lambda: workspace.run(unassign, account_id, person_id, end=end), describe_unassigned)


def describe_assigned(done: Assigned) -> str:
    return f"{done.person.name} es {done.assignment.role} de {done.account.ref}." + _change_notice(done.notice)


def describe_unassigned(done: Unassigned) -> str:
    summary = f"{done.person.name} deja la administración de {done.account.ref}." + _change_notice(done.notice)
    return f"{summary} {done.advice}" if done.advice else summary


def _change_notice(notice: tuple[str, str] | None) -> str:
    """« Es un cambio de administración: avise (a quién; cláusula).» when the change asks for a notice."""
    return "" if notice is None else f" Es un cambio de administración: avise ({notice[0]}; {notice[1]})."


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
        rank_options = [("(sin indicar)", "")] + [(RANK_LABELS[r], r.value) for r in Rank]
        yield from field(
            "Nivel del puesto",
            Select(rank_options, id="rank", allow_blank=False, value=(person.rank or "") if person else ""),
        )

    def on_mount(self) -> None:
        self.query_one("#email" if self.person else "#name").focus()

    def build_job(self) -> Job[Person]:
        email = optional(self.value("email"))
        rank = str(self.selected("rank") or "") or None
        if self.person is not None:
            person_id = self.person.id
            return Job(
                lambda: self.workspace.run(edit_person, person_id, email=email, rank=rank),
                lambda edited: f"Persona {edited.name} actualizada.",
            )
        name = self.value("name")
        return Job(
            lambda: self.workspace.run(add_person, name=name, email=email, rank=rank),
            lambda added: f"Persona {added.name} agregada.",
        )


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

    def build_job(self) -> Job[int]:
        text = self.value("minutes").strip()
        if not text.isdigit():
            raise UsageError("Escriba un número entero de minutos (0 desactiva el bloqueo).")
        minutes = int(text)

        return Job(
            lambda: self.workspace.run(set_idle_lock_minutes, minutes),
            lambda kept: "Bloqueo desactivado." if kept == 0 else f"Bloqueo tras {kept} min de inactividad.",
        )
