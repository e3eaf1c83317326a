"""The preflight's lists (candidates, accepted words, campaigns, allowed links): list, add, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from policy.clock import format_date, local
from store.preflight import ListEntry
from tui.core.preflight import LIST_KINDS, add_to_list, list_entries, remove_from_list
from tui.forms.base import FormDialog, Job, field
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace

#: each list: its title, what one entry is, and an example
LISTS: dict[str, tuple[str, str, str]] = {
    "candidatos": ("Candidaturas", "Nombre de la persona candidata o precandidata", "Nombre Apellido"),
    "palabras": ("Palabras aceptadas", "Palabra que la revisión ortográfica acepta", "Tlalpan"),
    "campanas": ("Campañas", "Hashtag de una campaña de difusión en marcha", "#SonoraVota"),
    "enlaces": ("Enlaces permitidos", "Dominio o cuenta oficial que se puede enlazar", "ine.mx"),
}


class ListEntryDialog(FormDialog):
    def __init__(self, workspace: Workspace, kind: str) -> None:
        super().__init__(workspace)
        self.kind = kind
        self.title_text = f"Agregar a «{LISTS[kind][0]}»"

    def compose_fields(self) -> ComposeResult:
        _, what, example = LISTS[self.kind]
        yield from field(what, Input(id="value", placeholder=example))

    def build_job(self) -> Job[ListEntry]:
        kind, value = self.kind, self.value("value")
        return Job(
            lambda: self.workspace.run(add_to_list, kind, value),
            lambda entry: f"«{entry.value}» agregado a {LISTS[kind][0].lower()}.",
        )


class ListsDialog(TableDialog[ListEntry]):
    """One list at a time; ← → go to the other lists."""

    empty_text = "La lista está vacía. «a» agrega."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("a", "add", "Agregar", id="listas.agregar", tooltip="Agrega a la lista"),
        Binding("x,delete", "remove", "Quitar", id="listas.quitar", tooltip="Quita de la lista"),
        Binding("left", "switch(-1)", "Lista anterior", id="listas.anterior", tooltip="La lista anterior"),
        Binding("right", "switch(1)", "Lista siguiente", id="listas.siguiente", tooltip="La lista siguiente"),
    ]
    needs_row = frozenset({"remove"})
    columns = (
        Column("Valor", None, 20, 3),
        Column("Agregado", 10, 10),
        Column("Por", 16, 8, optional=True),
    )

    def __init__(self, workspace: Workspace, kind: str = LIST_KINDS[0]) -> None:
        super().__init__(workspace)
        self.kind = kind
        self.title_text = self.heading()

    def heading(self) -> str:
        return f"Listas de la revisión: «{LISTS[self.kind][0]}» (← → las otras)"

    def fetch(self) -> list[ListEntry]:
        return self.workspace.run(list_entries, self.kind)

    def item_key(self, item: ListEntry) -> Any:
        return item.id

    def build_row(self, item: ListEntry) -> Row:
        added = format_date(local(item.created_at).date()) if item.created_at else "—"
        return Row(item.id, (item.value, added, item.author or ""))

    def detail(self, item: ListEntry | None) -> Content | str:
        return LISTS[self.kind][1] + "."

    def after_load(self) -> None:
        self.query_one(".dialog-title", Static).update(self.heading())

    def action_switch(self, step: int) -> None:
        index = (LIST_KINDS.index(self.kind) + step) % len(LIST_KINDS)
        self.kind = LIST_KINDS[index]
        self.reload()

    def action_add(self) -> None:
        self.open_form(ListEntryDialog(self.workspace, self.kind))

    def action_remove(self) -> None:
        item = self.selected()
        if item is None:
            return
        kind, value = self.kind, item.value
        self.confirm_write(
            Job(
                lambda: self.workspace.run(remove_from_list, kind, value),
                lambda entry: f"«{entry.value}» quitado de {LISTS[kind][0].lower()}.",
            ),
            f"Se quitará «{value}» de {LISTS[kind][0].lower()}. ¿Quitar?",
            "Quitar",
        )
