"""Bitácora: search as you type (debounced, in an exclusive thread worker), filters by
account, kind and dates, a form to add an entry, and the chain's verification.

Imported on first use: the first frame of Hoy does not pay for it.
"""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from policy.clock import format_date, local, parse_date
from policy.errors import ResguardoError
from policy.labels import ENTRY_KIND_LABELS, counted
from tui import flows
from tui.core.bitacora import search_entries, verify_journal
from tui.forms.base import account_options
from tui.forms.bitacora import EntryDialog, filter_kind_options
from tui.screens.base import PaletteCommand, ViewScreen
from tui.widgets.footer import FittedFooter
from tui.widgets.status import StatusLine
from tui.widgets.table import Column, Row, VirtualTable
from tui.workspace import error_text

if TYPE_CHECKING:
    from store.bitacora import Entry
    from store.integrity import IntegrityReport

#: pause in typing before the search runs
DEBOUNCE_SECONDS = 0.25
#: how many entries (newest first) the screen lists
SEARCH_LIMIT = 200


class EntryScreen(ModalScreen[None]):
    """One entry in full (read only: the bitácora is corrected with a new entry, never edited)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Cerrar", id="entrada.cerrar", tooltip="Vuelve a la bitácora"),
    ]

    def __init__(self, entry: Any) -> None:
        super().__init__(classes="dialog-screen")
        self.entry = entry

    def compose(self) -> ComposeResult:
        entry = self.entry
        occurred, recorded = local(entry.occurred), local(entry.recorded)
        with Vertical(classes="dialog"):
            yield Label(f"Entrada {entry.id}: {ENTRY_KIND_LABELS.get(entry.kind, entry.kind)}", classes="dialog-title")
            with VerticalScroll(classes="dialog-fields"):
                yield Static(
                    Content.assemble(
                        ("Cuenta: ", "bold"),
                        f"{entry.account or 'sin cuenta'}\n",
                        ("Ocurrió: ", "bold"),
                        f"{format_date(occurred.date())} {occurred.strftime('%H:%M')}\n",
                        ("Anotada: ", "bold"),
                        f"{format_date(recorded.date())} {recorded.strftime('%H:%M')} por {entry.author}\n",
                        ("Corrige a: ", "bold") if entry.corrects_id else "",
                        f"la entrada {entry.corrects_id}\n" if entry.corrects_id else "",
                        ("Referencias: ", "bold") if entry.refs else "",
                        (", ".join(entry.refs) + "\n") if entry.refs else "",
                        ("Huella: ", "bold"),
                        f"{entry.hash}\n\n",
                        entry.text,
                    )
                )
            yield Static("Esc cierra", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


class BitacoraScreen(ViewScreen):
    """The log: newest first, found by any word (accents ignored)."""

    mode = "bitacora"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Buscar", id="bitacora.buscar", tooltip="Escriba para buscar"),
        Binding("n", "new_entry", "Nueva entrada", id="bitacora.nueva", tooltip="Agrega una entrada a la bitácora"),
        Binding("c", "correct", "Corregir", id="bitacora.corregir", tooltip="Corrige la entrada seleccionada"),
        Binding(
            "v",
            "verify",
            "Verificar",
            id="bitacora.verificar",
            tooltip="Recorre la cadena de huellas y dice si alguien alteró la bitácora",
        ),
        Binding(
            "o",
            "moderate",
            "Moderar",
            id="bitacora.moderar",
            tooltip="Registra una acción de moderación sobre un comentario, con su fundamento",
        ),
        Binding(
            "l",
            "seal",
            "Sello",
            id="bitacora.sello",
            tooltip="Muestra el sello de la bitácora (huella y total) para citarlo y lo copia",
        ),
        Binding(
            "e",
            "export",
            "Exportar",
            id="bitacora.exportar",
            tooltip="Escribe las entradas con sus huellas en un archivo CSV o JSON",
        ),
        Binding(
            "m",
            "duty_form('register_message')",
            "Mensaje UTCSyD",
            id="bitacora.mensaje",
            show=False,
            tooltip="Registra un mensaje de la UTCSyD para publicarlo en su periodo",
        ),
        Binding(
            "s",
            "duty_form('report_matter')",
            "Asunto",
            id="bitacora.asunto",
            show=False,
            tooltip="Registra un asunto relevante (una crisis de imagen) y sus avisos del día",
        ),
        Binding(
            "r",
            "duty_form('request_removal')",
            "Retiro",
            id="bitacora.retiro",
            show=False,
            tooltip="Registra una solicitud de retiro de contenido y sus pasos",
        ),
        Binding(
            "f",
            "focus_filters",
            "Filtros",
            id="bitacora.filtros",
            show=False,
            tooltip="Va a los filtros de cuenta, tipo y fechas",
        ),
        Binding(
            "escape",
            "back",
            "Volver",
            id="bitacora.volver",
            show=False,
            tooltip="Limpia la búsqueda; vacía, vuelve a Hoy",
        ),
    ]
    #: how long the latest search took in its worker (benchmark, log)
    last_search_ms: float = 0.0

    class Results(Message):
        def __init__(self, generation: int, entries: list[Entry], elapsed_ms: float) -> None:
            super().__init__()
            self.generation = generation
            self.entries = entries
            self.elapsed_ms = elapsed_ms

    class SearchFailed(Message):
        def __init__(self, generation: int, text: str) -> None:
            super().__init__()
            self.generation = generation
            self.text = text

    class Verified(Message):
        def __init__(self, report: IntegrityReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Any] = []
        self._by_id: dict[int, Any] = {}
        self._generation = 0
        self._timer: Timer | None = None
        self._accounts_shown = False
        #: the generation of the results on screen (tests wait for it)
        self.shown_generation = -1

    def compose(self) -> ComposeResult:
        yield StatusLine(self.mode)
        with Horizontal(id="bitacora-filters"):
            yield Input(
                placeholder="Buscar en la bitácora…",
                id="search",
                compact=True,
                tooltip="Todas las palabras deben aparecer; sin importar acentos ni mayúsculas",
            )
            yield Select([], id="account", prompt="Todas las cuentas", compact=True, type_to_search=True)
            yield Select(filter_kind_options(), id="kind", prompt="Todos los tipos", compact=True)
            yield Input(placeholder="desde dd/mm/aaaa", id="since", compact=True)
            yield Input(placeholder="hasta dd/mm/aaaa", id="until", compact=True)
        yield VirtualTable(
            [
                Column("Ocurrió", 16, 16),
                Column("Cuenta", None, 12, 2),
                Column("Tipo", None, 10, 2),
                Column("Texto", None, 24, 7),
            ],
            empty_text="Buscando…",
            id="entries",
        )
        yield Static("", id="entry-detail")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.table.focus()
        self.show_data()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#entries", VirtualTable)

    def show_data(self) -> None:
        """New data in the database (or first display): fill the account filter and search again."""
        options = account_options(self.workbench)
        if options and not self._accounts_shown:
            self._accounts_shown = True
            self.query_one("#account", Select).set_options(options)
        self._search_now()

    # -- search ----------------------------------------------------------------

    @on(Input.Changed, "#search")
    @on(Input.Changed, "#since")
    @on(Input.Changed, "#until")
    @on(Select.Changed, "#account")
    @on(Select.Changed, "#kind")
    def _filters_changed(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self._search_now)

    def _filters(self) -> tuple[str, int | None, str | None, date | None, date | None]:
        def day(widget_id: str, label: str) -> date | None:
            text = self.query_one(f"#{widget_id}", Input).value.strip()
            return parse_date(text, label) if text else None

        account = self.query_one("#account", Select).value
        kind = self.query_one("#kind", Select).value
        return (
            self.query_one("#search", Input).value,
            None if account is Select.NULL else int(str(account)),
            None if kind is Select.NULL else str(kind),
            day("since", "fecha desde"),
            day("until", "fecha hasta"),
        )

    def _search_now(self) -> None:
        self._generation += 1
        try:
            filters = self._filters()
        except ResguardoError as exc:
            self.query_one("#entry-detail", Static).update(Content.styled(exc.message, "$error"))
            return
        self._search(self._generation, *filters)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bitacora-search")
    def _search(
        self,
        generation: int,
        text: str,
        account_id: int | None,
        kind: str | None,
        since: date | None,
        until: date | None,
    ) -> None:
        started = time.perf_counter()
        try:
            entries = self.workbench.workspace.run(
                search_entries, text, account=account_id, kind=kind, since=since, until=until, limit=SEARCH_LIMIT
            )
        except Exception as exc:  # noqa: BLE001 - shown under the table, in Spanish
            self.post_message(self.SearchFailed(generation, error_text(exc)))
            return
        self.post_message(self.Results(generation, entries, (time.perf_counter() - started) * 1000))

    @on(Results)
    def _results(self, event: BitacoraScreen.Results) -> None:
        if event.generation != self._generation:
            return  # the filters changed again: a newer search is on its way
        self.last_search_ms = event.elapsed_ms
        self.shown_generation = event.generation
        # The search keeps the newest entries recorded; they are listed by when they happened (the
        # «Ocurrió» column), newest first, an entry recorded late among its day's, then by id.
        self.entries = sorted(event.entries, key=lambda entry: (entry.occurred, entry.id), reverse=True)
        self._by_id = {entry.id: entry for entry in self.entries}
        rows = [
            Row(
                entry.id,
                (
                    local(entry.occurred).strftime("%d/%m/%Y %H:%M"),
                    entry.account or "—",
                    ENTRY_KIND_LABELS.get(entry.kind, entry.kind),
                    entry.text.replace("\n", " "),
                ),
                "muted" if entry.kind == "correccion" else "",
            )
            for entry in self.entries
        ]
        table = self.table
        searching = any(self._filters_safe())
        table.empty_text = "Ninguna entrada coincide." if searching else "La bitácora está vacía."
        table.set_rows(rows)
        self._show_entry(table.cursor_key)

    def _filters_safe(self) -> tuple[Any, ...]:
        try:
            return self._filters()
        except ResguardoError:
            return ("error",)

    @on(SearchFailed)
    def _search_failed(self, event: BitacoraScreen.SearchFailed) -> None:
        if event.generation == self._generation:
            self.query_one("#entry-detail", Static).update(Content.styled(event.text, "$error"))

    @on(VirtualTable.Chosen, "#entries")
    def _chosen(self, event: VirtualTable.Chosen) -> None:
        entry = self._by_id.get(event.key)
        if entry is not None:
            self.app.push_screen(EntryScreen(entry))

    @on(VirtualTable.Highlighted, "#entries")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._show_entry(event.key)

    def _show_entry(self, key: Any) -> None:
        detail = self.query_one("#entry-detail", Static)
        entry = self._by_id.get(key) if key is not None else None
        if entry is None:
            detail.update(
                f"{counted(len(self.entries), 'entrada', 'entradas')} (las que ocurrieron más recientemente primero)."
                if self.entries
                else ""
            )
            return
        recorded = local(entry.recorded)
        detail.update(
            Content.assemble(
                (f"#{entry.id} ", "bold"),
                f"{ENTRY_KIND_LABELS.get(entry.kind, entry.kind)} · {entry.account or 'sin cuenta'}"
                f" · por {entry.author} · anotada el {format_date(recorded.date())} {recorded.strftime('%H:%M')}"
                f" · huella {entry.hash[:12]}\n",
                entry.text,
            )
        )

    # -- actions -------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_filters(self) -> None:
        self.query_one("#account", Select).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.table.focus()

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.value:
            box.value = ""
            self.table.focus()
        elif isinstance(self.focused, (Input, Select)):
            self.table.focus()
        else:
            self.workbench.show_view("hoy")

    def action_new_entry(self) -> None:
        account = self.query_one("#account", Select).value
        chosen = None if account is Select.NULL else int(str(account))
        self.workbench.with_institution(
            lambda: self.app.push_screen(EntryDialog(self.workbench.workspace, account_options(self.workbench), chosen))
        )

    def _chosen_account(self) -> int | None:
        account = self.query_one("#account", Select).value
        return None if account is Select.NULL else int(str(account))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "duty_form":
            # offered only where the profile has the duty's rule (the core refuses it elsewhere)
            return any(
                opener.__name__ == parameters[0] and self.workbench.offers(kind)
                for kind, *_, opener in flows.DUTY_FORMS
            )
        return True

    def action_duty_form(self, name: str) -> None:
        for kind, _title, _help, opener in flows.DUTY_FORMS:
            if opener.__name__ == name and self.workbench.offers(kind):
                opener(self.workbench, self._chosen_account())

    def action_correct(self) -> None:
        key = self.table.cursor_key
        entry = self._by_id.get(key) if key is not None else None
        if entry is not None:
            flows.correct_entry(self.workbench, entry)

    def action_moderate(self) -> None:
        flows.moderate_comment(self.workbench, self._chosen_account())

    def action_seal(self) -> None:
        flows.show_seal(self.workbench)

    def action_export(self) -> None:
        account_id = self._chosen_account()
        kind = self.query_one("#kind", Select).value
        flows.export_journal(
            self.workbench,
            account_id=account_id,
            kind=None if kind is Select.NULL else str(kind),
            since=self.query_one("#since", Input).value.strip(),
            until=self.query_one("#until", Input).value.strip(),
        )

    def action_verify(self) -> None:
        self.query_one("#entry-detail", Static).update("Verificando la cadena de la bitácora…")
        self._verify()

    @work(thread=True, exclusive=True, exit_on_error=False, group="bitacora-verify")
    def _verify(self) -> None:
        workspace = self.workbench.workspace
        secrets, problem = workspace.secrets_or_problem()
        self.post_message(self.Verified(workspace.run(verify_journal, secrets, keyring_problem=problem)))

    @on(Verified)
    def _verified(self, event: BitacoraScreen.Verified) -> None:
        ok, message = event.report.ok, verification_text(event.report)
        style = "$success" if ok else "$error"
        self.query_one("#entry-detail", Static).update(
            Content.assemble(("✓ " if ok else "✗ Cadena alterada. ", f"bold {style}"), message)
        )
        self.notify(
            message,
            title="Bitácora verificada" if ok else "Bitácora alterada",
            severity="information" if ok else "error",
            timeout=10,
        )

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand("bitácora: Nueva entrada de bitácora", self.action_new_entry, "Agrega una entrada"),
            PaletteCommand("bitácora: Buscar", self.action_focus_search, "Escriba para buscar en la bitácora"),
            PaletteCommand("bitácora: Corregir la entrada seleccionada", self.action_correct, "Agrega una corrección"),
            PaletteCommand("bitácora: Verificar la cadena", self.action_verify, "Dice si alguien alteró la bitácora"),
            PaletteCommand("bitácora: Exportar con los filtros", self.action_export, "CSV o JSON, con sus huellas"),
        ]


def verification_text(report: IntegrityReport) -> str:
    """The one sentence the screen shows after verifying: the chain's verdict, or the first problem."""
    if report.ok:
        message = report.chain.message
        if not report.keyed and report.keyed_skipped:
            message += f" Comprobaciones con la clave del llavero omitidas: {report.keyed_skipped}."
        return message
    problems = report.all_problems
    more = len(problems) - 1
    return problems[0] + (f" (y {more} problema{'s' if more > 1 else ''} más)" if more else "")
