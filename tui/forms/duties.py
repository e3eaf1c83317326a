"""The forms of duties (``policy.duties``): the one that does a duty (a UTCSyD message published, a
notice given, a release letter kept, a suggestion answered, the UNICOM step…) and those that open
them (a UTCSyD message, a relevant matter, a removal request, a change of holder). Imported on first
use (not on the first frame)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from policy.clock import format_date, local
from policy.codes import DutyKind, Kind
from policy.duties import SPECS
from policy.errors import UsageError
from policy.labels import KIND_LABELS, duty_due, duty_state, office_with_article
from tui.core.duties import (
    FulfilledDuty,
    change_holder,
    duties,
    fulfil_duty,
    register_utcsyd_message,
    report_matter,
    request_removal,
)
from tui.forms.agenda_items import _IRREVERSIBLE, _ItemDialog
from tui.forms.base import FormDialog, Job, account_picker, field, optional
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from policy.obligations import Obligation
    from policy.records import Account, Duty
    from tui.workspace import Workspace

#: The dialog's title per item kind (the rest: «Marcar el deber cumplido»).
_TITLES: dict[str, str] = {
    Kind.UTCSYD_MESSAGE: "Registrar la publicación del mensaje",
    Kind.USER_ANSWER: "Registrar la respuesta",
    Kind.RELEASE_LETTER: "Registrar la carta de descargo",
    Kind.MATTER_NOTICE: "Registrar el aviso del asunto",
    Kind.UNICOM_STEP: "Registrar el trámite ante la UNICOM",
}


def duty_fulfilled(done: FulfilledDuty) -> str:
    return f"Deber {done.duty.id} cumplido: entrada {done.entry.id} de la bitácora."


class DutyDialog(_ItemDialog):
    """Any open duty: when it was done, and the entry's own text, a note and a reference (optional).

    Opened from its agenda item, or from where the duty shows otherwise (the openings list's UNICOM
    step) with ``duty_id``, ``kind`` (a ``DutyKind``: the core refuses a duty of another kind) and an
    ``intro``."""

    def __init__(
        self,
        workspace: Workspace,
        item: Obligation | None = None,
        *,
        duty_id: int | None = None,
        kind: DutyKind | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(workspace, item, ref_id=duty_id, intro=intro)
        self.duty_kind = kind
        item_kind = item.kind if item is not None else (SPECS[kind].kind.value if kind is not None else "")
        self.title_text = _TITLES.get(item_kind, "Marcar el deber cumplido")

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Cuándo (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field(
            "Texto de la entrada (opcional)", Input(id="text", placeholder="por omisión, uno que nombra el deber")
        )
        yield from field("Nota (opcional)", Input(id="note", placeholder="a quién, cómo…"))
        yield from field("Referencia (opcional)", Input(id="reference", placeholder="oficio, correo o URL"))

    def build_job(self) -> Job[FulfilledDuty]:
        at = self.moment("when", "fecha y hora")
        text, note = optional(self.value("text")), optional(self.value("note"))
        reference = optional(self.value("reference"))
        refs = [reference] if reference else []
        duty_id, kind = self.ref_id, self.duty_kind
        assert duty_id is not None
        return Job(
            lambda: self.workspace.run(fulfil_duty, duty_id, at=at, text=text, note=note, refs=refs, kind=kind),
            duty_fulfilled,
        )

    def confirmation(self) -> str:
        return "Se registrará en la bitácora la entrada que cumple el deber." + _IRREVERSIBLE


def duty_kind_label(duty: Duty) -> str:
    """A duty's kind as Hoy names its item («Aviso de asunto relevante»)."""
    spec = SPECS[duty.kind]
    return KIND_LABELS.get(spec.kind, spec.label)


class DutiesDialog(TableDialog["Duty"]):
    """Every duty, newest first, done ones too (the command line's «deberes listar»), or one account's;
    «p» keeps only the pending ones; Enter or «h» on a pending one opens the form that does it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding(
            "h", "fulfil", "Cumplir", id="deberes.cumplir", tooltip="Registra la entrada que cumple el deber elegido"
        ),
        Binding("p", "toggle_open", "Solo pendientes", id="deberes.pendientes", tooltip="Solo los pendientes, o todos"),
    ]
    columns = (
        Column("Id", 4, 3),
        Column("Deber", None, 14, 2),
        Column("Asunto", None, 14, 3),
        Column("Cuenta", None, 10, 2, optional=True),
        Column("Estado", 24, 12),
    )

    def __init__(
        self,
        workspace: Workspace,
        accounts: Mapping[int, str],
        account: Account | None = None,
        *,
        open_only: bool = False,
    ) -> None:
        super().__init__(workspace)
        #: account id -> «red/usuario», to name each duty's account
        self.accounts = accounts
        self.account = account
        self.open_only = open_only
        self.title_text = self.heading()

    def heading(self) -> str:
        what = "Deberes pendientes" if self.open_only else "Deberes"
        return f"{what} de {self.account.ref}" if self.account is not None else what

    @property
    def empty_text(self) -> str:  # type: ignore[override]
        return "No hay deberes abiertos." if self.open_only else "No hay deberes registrados."

    def intro(self) -> str:
        return "Los más recientes primero. «p»: solo los pendientes o todos; Enter o «h»: cumplir el elegido."

    def fetch(self) -> list[Duty]:
        account_id = self.account.id if self.account is not None else None
        return self.workspace.run(duties, open_only=self.open_only, account=account_id)

    def item_key(self, item: Duty) -> Any:
        return item.id

    def account_text(self, item: Duty) -> str:
        if item.account_id is None:
            return "—"
        return self.accounts.get(item.account_id, f"cuenta {item.account_id}")

    def where(self, item: Duty) -> str:
        """The duty's account, or that it is of the whole office."""
        return f"cuenta {self.account_text(item)}" if item.account_id is not None else "de toda la oficina"

    def build_row(self, item: Duty) -> Row:
        to = f" — {item.recipient}" if item.recipient else ""
        return Row(
            item.id,
            (str(item.id), duty_kind_label(item), f"{item.subject}{to}", self.account_text(item), duty_state(item)),
            "" if item.is_open else "muted",
        )

    def detail(self, item: Duty | None) -> Content | str:
        if item is None:
            return ""
        parts: list[str | tuple[str, str]] = [
            (f"Deber {item.id}", "bold"),
            f" · {duty_kind_label(item)} · {self.where(item)}\n",
            item.subject + (f" — {item.recipient}" if item.recipient else ""),
            f"\nVence: {duty_due(item)} · {duty_state(item)}",
        ]
        if item.is_open:
            parts.append(" · Enter o «h»: registrar la entrada que lo cumple.")
        elif item.done_entry_id is not None:
            parts.append(f" · entrada {item.done_entry_id} de la bitácora")
            if item.done_note:
                parts.append(f"\nNota: {item.done_note}")
        return Content.assemble(*parts)

    def after_load(self) -> None:
        self.query_one(".dialog-title", Static).update(self.heading())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fulfil":
            item = self.selected()
            return item is not None and item.is_open
        return super().check_action(action, parameters)

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def action_fulfil(self) -> None:
        item = self.selected()
        if item is None or not item.is_open:
            return
        to = f" — {item.recipient}" if item.recipient else ""
        intro = (
            f"Deber {item.id}: {duty_kind_label(item)} · {item.subject}{to} · {self.where(item)}"
            f" · vence: {duty_due(item)}"
        )
        self.open_form(DutyDialog(self.workspace, duty_id=item.id, kind=DutyKind(item.kind), intro=intro))

    def open_selected(self) -> None:
        self.action_fulfil()


# -- the forms that open duties (the command line's «mensajes/asuntos/retiros registrar» and
# -- «cuentas cambio-titular»): each calls the very use case the command line calls ----------------

_IN_BITACORA = " Queda en la bitácora, que no se puede borrar. ¿Registrar?"


def _until(duty: Duty) -> str:
    return f"a más tardar el {format_date(local(duty.due_at).date())}" if duty.due_at else "de inmediato"


def message_registered(duty: Duty) -> str:
    return (
        f"Mensaje de la UTCSyD registrado (deber {duty.id}): publíquelo sin modificarlo {_until(duty)}."
        " Hoy lo muestra hasta que registre su publicación."
    )


def notices_opened(what: str, opened: Sequence[Duty]) -> str:
    steps = "; ".join(f"{office_with_article(d.recipient or '')} {_until(d)}" for d in opened)
    return f"{what} registrado. Pendiente: {steps}. Hoy los muestra hasta que los marque cumplidos."


def holder_changed(duty: Duty) -> str:
    return (
        f"Cambio de titular registrado: notifíquelo a {office_with_article(duty.recipient or '')} (deber {duty.id})."
        " Hoy lo muestra hasta que lo marque cumplido."
    )


class MessageNewDialog(FormDialog):
    """iecm §6.II: a UTCSyD message to publish on an account, unchanged, within its period."""

    title_text = "Registrar mensaje de la UTCSyD"

    def __init__(self, workspace: Workspace, accounts: Sequence[tuple[str, int]], account_id: int | None) -> None:
        super().__init__(workspace)
        self.accounts = accounts
        self.account_id = account_id

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Cuenta donde se publica (escriba para buscar)",
            account_picker(self.accounts, self.account_id, "(elija la cuenta)"),
        )
        yield from field("Asunto del mensaje", Input(id="subject", placeholder="de qué trata"))
        yield from field("Primer día del periodo (dd/mm/aaaa)", Input(self.today_text(), id="first"))
        yield from field("Último día del periodo (dd/mm/aaaa)", Input(id="last"))

    def build_job(self) -> Job[Duty]:
        chosen = self.selected("account")
        if not isinstance(chosen, int):
            raise UsageError("Elija la cuenta donde se publica el mensaje.")
        subject = self.value("subject")
        first, last = self.day("first", "fecha de inicio del periodo"), self.day("last", "fecha de fin del periodo")
        return Job(
            lambda: self.workspace.run(register_utcsyd_message, chosen, subject=subject, first=first, last=last),
            message_registered,
        )

    def confirmation(self) -> str:
        return "El mensaje quedará en la agenda hasta que se publique." + _IN_BITACORA


class _NoticesNewDialog(FormDialog):
    """A fact of the whole office or of one account, known at a moment, that opens one duty per recipient."""

    what = ""
    description_label = "Descripción"

    def __init__(self, workspace: Workspace, accounts: Sequence[tuple[str, int]], account_id: int | None) -> None:
        super().__init__(workspace)
        self.accounts = accounts
        self.account_id = account_id

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Cuenta (opcional; escriba para buscar)",
            account_picker(self.accounts, self.account_id, "(de toda la oficina)"),
        )
        yield from field(self.description_label, Input(id="description"))
        yield from field("Cuándo se supo (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))

    def use_case(self) -> Callable[..., list[Duty]]:
        raise NotImplementedError

    def build_job(self) -> Job[list[Duty]]:
        chosen = self.selected("account")
        account_id = chosen if isinstance(chosen, int) else None
        description = self.value("description")
        at = self.moment("when", "fecha y hora")
        use_case, what = self.use_case(), self.what
        return Job(
            lambda: self.workspace.run(use_case, account_id, description, at=at),
            lambda opened: notices_opened(what, opened),
        )

    def confirmation(self) -> str:
        return "Sus avisos quedarán en la agenda hasta que se marquen cumplidos." + _IN_BITACORA


class MatterNewDialog(_NoticesNewDialog):
    """A relevant matter raised on the networks (iecm §7.H: one that can affect the image): the day's notices."""

    title_text = "Registrar asunto (crisis de imagen)"
    what = "Asunto"
    description_label = "De qué trata el asunto"

    def use_case(self) -> Callable[..., list[Duty]]:
        return report_matter


class RemovalNewDialog(_NoticesNewDialog):
    """ieeags §8.V: a request to remove content, to the Coordinación, which informs the Presidencia."""

    title_text = "Registrar solicitud de retiro"
    what = "Solicitud de retiro"
    description_label = "Qué contenido y quién pide retirarlo"

    def use_case(self) -> Callable[..., list[Duty]]:
        return request_removal


class HolderChangeDialog(FormDialog):
    """ine §7.V (and ieesonora): the account's holder (the area's head) changed: the notice it owes."""

    title_text = "Cambio de titular"

    def __init__(self, workspace: Workspace, account: Account) -> None:
        super().__init__(workspace)
        self.account = account

    def compose_fields(self) -> ComposeResult:
        yield Static(f"Cuenta {self.account.ref} · área {self.account.area or '—'}", classes="dialog-text")
        yield from field("Nueva persona titular", Input(id="who", placeholder="nombre completo"))
        yield from field("Desde (dd/mm/aaaa)", Input(self.today_text(), id="on"))

    def build_job(self) -> Job[Duty]:
        who = self.value("who")
        on = self.day("on", "fecha")
        account_id = self.account.id
        return Job(lambda: self.workspace.run(change_holder, account_id, who, on=on), holder_changed)

    def confirmation(self) -> str:
        return f"El aviso del cambio de titular de {self.account.ref} quedará en la agenda." + _IN_BITACORA
