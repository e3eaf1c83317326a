"""The backups of the database (``respaldo``): list them, make one now, verify one, restore one.

Every step calls the use case ``resguardo respaldo crear|verificar|restaurar|listar`` calls
(``tui.core.backup``). A restore replaces the open database: it is verified first (a damaged
backup is refused before anything is asked), then confirmed, then run with none of the
workbench's connections open on the file (``Workspace.database_closed``); afterwards the keyring's
witness follows the restored bitácora (``rewitness_keyring``, as the command line does) and the
workbench reads everything again from the restored file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from policy.clock import format_moment
from policy.labels import plural, size_text
from store.backup import ASIDE_PREFIX, Listed, describe_last, reason_text
from tui.core.backup import backups, check_backup, make_backup, restore_backup, rewitness_keyring
from tui.forms.base import ConfirmDialog
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from store.backup import Backup, Check, Restored
    from tui.workspace import Workspace


def shown_path(path: Path) -> str:
    """A path as the dialog shows it: under the user's folder it starts with «~»."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class Verdict(NamedTuple):
    """What verifying a backup in this dialog found: ``problem`` None when it is sound."""

    problem: str | None
    text: str


def check_text(check: Check) -> str:
    """A sound backup's facts, in one sentence (its schema, its bitácora, its keyring copy)."""
    text = f"Respaldo íntegro ({size_text(check.size)})"
    if check.contents is not None:
        text += f": esquema {check.contents.schema_version}; bitácora: {describe_last(check.contents)}"
    text += "."
    if check.keyring is not None:
        text += f" Con copia del llavero cifrado ({check.keyring.name})."
    for note in check.notes:
        text += f" {note}"
    return text


def restored_text(restored: Restored, witness_problem: str | None) -> str:
    """What a restore did: the backup, where the replaced database went, the keyring and its witness."""
    text = f"Base de datos restaurada desde {restored.backup.path.name} ({describe_last(restored.backup.contents)})."
    if restored.aside is not None:
        text += f" La que había quedó a salvo en {shown_path(restored.aside)}."
    if restored.keyring == "restored":
        text += " No había llavero cifrado: se puso en su lugar la copia del respaldo."
    if witness_problem is None:
        text += " Testigos de la bitácora (archivo y llavero) al día con la base restaurada."
    else:
        text += (
            f" El testigo del llavero no se actualizó ({witness_problem}); la próxima verificación de la bitácora"
            " lo señalará."
        )
    return text


class BackupsDialog(TableDialog[Listed]):
    """The backups in ``respaldos/`` beside the database, newest first; make, verify, restore."""

    title_text = "Respaldos de la base de datos"
    empty_text = "Aún no hay respaldos: c hace uno ahora."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("c", "make", "Crear", id="respaldos.crear", tooltip="Hace un respaldo ahora"),
        Binding(
            "v",
            "verify",
            "Verificar",
            id="respaldos.verificar",
            tooltip="Comprueba el respaldo seleccionado sin modificarlo",
        ),
        Binding(
            "r",
            "restore",
            "Restaurar",
            id="respaldos.restaurar",
            tooltip="Reemplaza la base de datos por el respaldo seleccionado",
        ),
    ]
    needs_row = frozenset({"verify", "restore"})
    columns = (
        Column("Fecha", 16, 16),
        Column("Motivo", None, 10, 2),
        Column("Tamaño", 9, 8),
        Column("Verificado", 13, 13),
        Column("Archivo", None, 12, 2, optional=True),
    )

    class Made(Message):
        def __init__(self, backup: Backup) -> None:
            super().__init__()
            self.backup = backup

    class Checked(Message):
        """A backup was verified; ``restore``: the user asked to restore it (confirm next)."""

        def __init__(self, path: Path, verdict: Verdict, restore: bool) -> None:
            super().__init__()
            self.path = path
            self.verdict = verdict
            self.restore = restore

    class RestoreDone(Message):
        def __init__(self, restored: Restored, witness_problem: str | None) -> None:
            super().__init__()
            self.restored = restored
            self.witness_problem = witness_problem

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        #: the folder the backups are in (read with them)
        self.folder: Path | None = None
        #: what verifying each backup found in this dialog
        self.verdicts: dict[Path, Verdict] = {}
        #: what the last action did, shown under the title
        self.outcome = ""

    def intro(self) -> str:
        where = f"En {shown_path(self.folder)}." if self.folder is not None else "Leyendo los respaldos…"
        return f"{where} {self.outcome}".strip()

    def fetch(self) -> list[Listed]:
        listing = backups(self.workspace.db_path)
        self.folder = listing.folder
        return listing.backups

    def after_load(self) -> None:
        self._show_intro()

    def _show_intro(self) -> None:
        self.query_one("#intro", Static).update(self.intro())

    def item_key(self, item: Listed) -> Any:
        return item.path

    def _verified(self, item: Listed) -> str:
        verdict = self.verdicts.get(item.path)
        if verdict is None:
            return "sin verificar"
        return "sí" if verdict.problem is None else "no"

    def build_row(self, item: Listed) -> Row:
        verdict = self.verdicts.get(item.path)
        return Row(
            item.path,
            (
                format_moment(item.created),
                reason_text(item),
                size_text(item.size),
                self._verified(item),
                item.path.name,
            ),
            "overdue" if verdict is not None and verdict.problem is not None else "",
        )

    def detail(self, item: Listed | None) -> Content | str:
        if item is None:
            return ""
        facts = [reason_text(item), size_text(item.size)]
        if item.entries is not None:
            facts.append(f"bitácora con {plural(item.entries, 'entrada')}")
        facts.append("con copia del llavero cifrado" if item.keyring else "sin copia del llavero")
        parts: list[str | tuple[str, str]] = [
            (item.path.name, "bold"),
            f" · del {format_moment(item.created)}\n",
            upper_first(" · ".join(facts)),
        ]
        verdict = self.verdicts.get(item.path)
        if verdict is not None:
            ok = verdict.problem is None
            parts += ["\n", ("✓ " if ok else "✗ ", "$success" if ok else "$error"), verdict.text]
        return Content.assemble(*parts)

    def _say(self, outcome: str) -> None:
        self.outcome = outcome
        self._show_intro()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._say("")  # «Haciendo el respaldo…» no more: the error line says what happened
        super().on_worker_state_changed(event)

    # -- make ------------------------------------------------------------------------

    def action_make(self) -> None:
        self.show_error("")
        self._say("Haciendo el respaldo…")
        self._make()

    # A write: not exclusive, so nothing cancels it and its error is always reported.
    @work(thread=True, exit_on_error=False, group="table-write")
    def _make(self) -> None:
        workspace = self.workspace
        self.post_message(self.Made(make_backup(workspace.db_path, now=workspace.now())))

    @on(Made)
    def _made(self, event: BackupsDialog.Made) -> None:
        backup = event.backup
        self.focus_key = backup.path
        self._say(f"Respaldo creado: {backup.path.name} ({size_text(backup.size)}).")
        self.notify(f"Respaldo creado: {backup.path.name}.", title="Respaldo")
        self.reload()

    # -- verify, then (for a restore) confirm ------------------------------------------------

    def action_verify(self) -> None:
        item = self.selected()
        if item is not None:
            self._check(item.path, restore=False)

    def action_restore(self) -> None:
        item = self.selected()
        if item is not None:
            self._check(item.path, restore=True)

    def open_selected(self) -> None:
        self.action_verify()

    def _check(self, path: Path, *, restore: bool) -> None:
        self.show_error("")
        self._say(f"Verificando {path.name}…")
        self._verify(path, restore)

    @work(thread=True, exclusive=True, exit_on_error=False, group="backup-check")
    def _verify(self, path: Path, restore: bool) -> None:
        from store.backup import BackupError  # lazy: only to tell a damaged backup from another error

        try:
            verdict = Verdict(None, check_text(check_backup(path)))
        except BackupError as exc:
            verdict = Verdict(exc.message, exc.message)
        self.post_message(self.Checked(path, verdict, restore))

    @on(Checked)
    def _checked(self, event: BackupsDialog.Checked) -> None:
        self.verdicts[event.path] = event.verdict
        self.table.set_rows([self.build_row(item) for item in self.items], keep_key=self.table.cursor_key)
        self._show_detail(self.table.cursor_key)
        self.refresh_bindings()
        problem = event.verdict.problem
        if problem is not None:
            self._say("")
            self.show_error(f"No se restauró nada: {problem}" if event.restore else problem)
            return
        self._say(f"{event.path.name}: íntegro.")
        if event.restore:
            self._ask_restore(event.path)

    def _ask_restore(self, path: Path) -> None:
        database = Path(self.workspace.db_path)
        item = self.selected()
        when = f" del {format_moment(item.created)}" if item is not None and item.path == path else ""
        folder = shown_path(self.folder) if self.folder is not None else "respaldos/"
        question = (
            f"La base de datos {database.name} se reemplazará por el respaldo {path.name}{when}: lo registrado"
            f" después de ese respaldo deja de verse. La base actual se pone antes a salvo en {folder}"
            f" ({ASIDE_PREFIX}….db). ¿Restaurar?"
        )

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._say("Restaurando…")
                self._restore(path)

        self.app.push_screen(ConfirmDialog(question, "Restaurar"), answered)

    # -- restore -----------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="table-write")
    def _restore(self, path: Path) -> None:
        workspace = self.workspace
        with workspace.database_closed():
            restored = restore_backup(path, workspace.db_path, clock=workspace.now)
        # The keyring's witness of the bitácora's head follows the restore too, when the keyring opens.
        secrets, problem = workspace.secrets_or_problem()
        if secrets is not None:
            problem = workspace.run(rewitness_keyring, secrets)
        self.post_message(self.RestoreDone(restored, problem))

    @on(RestoreDone)
    def _restored(self, event: BackupsDialog.RestoreDone) -> None:
        restored = event.restored
        short = f"Base de datos restaurada desde {restored.backup.path.name}."
        if restored.aside is not None:
            short += f" La que había está en {restored.aside.name}."
        if event.witness_problem is not None:
            short += " El testigo del llavero no se actualizó (vea el aviso)."
        self._say(short)
        # every screen reads the restored database again
        self.workbench.data_changed(restored_text(restored, event.witness_problem))
        self.reload()
