"""The inventory in a spreadsheet (CSV): export it to a folder and name, import a file after seeing what it
would do. Both through ``tui.core.transfer`` (the use cases of ``exportar`` and ``importar``), with a
folder or file picker built on Textual's ``DirectoryTree``."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

from policy.errors import UsageError
from store.errors import os_error_text
from store.files import sweep_stale_temp_files, write_text_atomically
from tui.core.transfer import InventoryExport, InventoryImport, export_inventory, import_inventory, read_inventory
from tui.forms.base import ConfirmDialog, FormDialog, Job, field

if TYPE_CHECKING:
    from tui.workspace import Workspace


def _stat(path: Path) -> Any:
    try:
        return path.stat()
    except (OSError, ValueError):
        return None


def existing_folder(text: str) -> Path:
    """The folder typed or picked (UsageError naming it when it is not one)."""
    if not text.strip():
        raise UsageError("Elija la carpeta.")
    folder = Path(text.strip()).expanduser()
    info = _stat(folder)
    if info is None or not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"No existe la carpeta «{text.strip()}».")
    return folder


def existing_file(text: str) -> Path:
    """The file typed or picked (UsageError naming it when it is missing or a folder)."""
    if not text.strip():
        raise UsageError("Elija el archivo CSV.")
    path = Path(text.strip()).expanduser()
    info = _stat(path)
    if info is None:
        raise UsageError(f"No existe el archivo «{text.strip()}».")
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"«{text.strip()}» es una carpeta.")
    return path


def file_in_folder(folder_text: str, name_text: str, suffix: str) -> Path:
    """The file an export writes: a name (``suffix`` added when missing) in an existing folder; UsageError
    when the folder is not one, the name is empty or names a folder."""
    folder = existing_folder(folder_text)
    name = name_text.strip()
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise UsageError("Escriba el nombre del archivo (sin carpetas).")
    if not name.lower().endswith(suffix):
        name += suffix
    path = folder / name
    info = _stat(path)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"«{name}» es una carpeta.")
    return path


def import_counts(done: InventoryImport) -> str:
    s = done.summary
    return (
        f"{done.rows} filas: {s.accounts_created} cuentas nuevas, {s.accounts_updated} actualizadas,"
        f" {s.people_created} personas nuevas, {s.assignments_created} asignaciones,"
        f" {s.rotations_created} rotaciones, {s.evaluations_created} evaluaciones"
    )


class _VisibleTree(DirectoryTree):
    """Folders and (in file mode) CSV files, without hidden ones."""

    def __init__(self, path: Path, *, folders_only: bool, **kwargs: Any) -> None:
        super().__init__(path, **kwargs)
        self.folders_only = folders_only

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if path.name.startswith("."):
                continue
            is_dir = self._safe_is_dir(path)
            if is_dir or (not self.folders_only and path.suffix.lower() in (".csv", ".txt")):
                shown.append(path)
        return shown


class FilePickerDialog(ModalScreen[Path | None]):
    """Pick a folder (``folders_only``) or a CSV file: arrows and Enter in the tree, or type the path."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancelar", id="elegir_archivo.cancelar", tooltip="Cierra sin elegir"),
        Binding("ctrl+s", "choose", "Elegir", id="elegir_archivo.elegir", tooltip="Elige lo que dice la ruta"),
        Binding("ctrl+u", "up", "Carpeta superior", id="elegir_archivo.subir", tooltip="Muestra la carpeta de arriba"),
    ]

    def __init__(self, title: str, start: Path, *, folders_only: bool) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.folders_only = folders_only
        info = _stat(start)
        self.start = start if info is not None and stat.S_ISDIR(info.st_mode) else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(str(self.start), id="path", compact=True)
            yield _VisibleTree(self.start, folders_only=self.folders_only, id="tree")
            yield Static("", classes="dialog-error")
            keys = "Enter abre la carpeta" + ("" if self.folders_only else " o elige el archivo")
            yield Static(f"{keys} · ctrl+s Elegir · ctrl+u Carpeta superior · Esc Cancelar", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#tree", DirectoryTree).focus()

    @on(DirectoryTree.DirectorySelected)
    def _folder(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#path", Input).value = str(event.path)

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        if not self.folders_only:
            self.dismiss(event.path)

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        text = self.query_one("#path", Input).value
        try:
            chosen = existing_folder(text) if self.folders_only else existing_file(text)
        except UsageError as exc:
            if not self.folders_only:
                info = _stat(Path(text.strip()).expanduser())
                if info is not None and stat.S_ISDIR(info.st_mode):  # a folder typed: show it
                    self.query_one("#tree", DirectoryTree).path = Path(text.strip()).expanduser()
                    return
            self.query_one(".dialog-error", Static).update(exc.message)
            return
        self.dismiss(chosen)

    def action_up(self) -> None:
        tree = self.query_one("#tree", DirectoryTree)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#path", Input).value = str(parent)

    def action_cancel(self) -> None:
        self.dismiss(None)


def pick_folder(form: FormDialog, title: str) -> None:
    """Open the folder picker for an export form's «#folder» field, starting at what it holds (or
    its ``folder``); the folder picked goes into the field and the «#name» field takes the focus."""

    def picked(folder: Path | None) -> None:
        if folder is not None:
            form.query_one("#folder", Input).value = str(folder)
            form.query_one("#name", Input).focus()

    start = Path(form.value("folder").strip() or getattr(form, "folder", Path.home())).expanduser()
    form.app.push_screen(FilePickerDialog(title, start, folders_only=True), picked)


class FileExportDialog(FormDialog):
    """A form that writes one file: a folder (typed, or picked with ctrl+o or its «Elegir carpeta…»
    button) and a name; ``target`` is the file, and it asks before replacing one that exists."""

    #: the folder picker's title
    pick_title: ClassVar[str] = "Elija la carpeta de destino"

    def target(self) -> Path:
        raise NotImplementedError

    def confirmation(self) -> str | None:
        try:
            path = self.target()
        except UsageError:
            return None
        return f"«{path.name}» ya existe en esa carpeta y se reemplazará. ¿Exportar?" if path.exists() else None

    def action_pick(self) -> None:
        pick_folder(self, self.pick_title)

    @on(Button.Pressed, "#pick")
    def _pick_pressed(self) -> None:
        self.action_pick()


class ExportDialog(FileExportDialog):
    """Export the inventory: a folder (typed or picked) and a file name."""

    title_text = "Exportar el inventario (CSV)"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+o", "pick", "Elegir carpeta", id="exportar.elegir", tooltip="Abre el selector de carpetas"),
    ]

    def __init__(self, workspace: Workspace, folder: Path | None = None) -> None:
        super().__init__(workspace)
        self.folder = folder or Path.home()

    def compose_fields(self) -> ComposeResult:
        yield from field("Carpeta de destino (ctrl+o la elige)", Input(str(self.folder), id="folder"))
        yield Button("Elegir carpeta…", id="pick", compact=True)
        stamp = self.workspace.now().date().isoformat()  # a file name: AAAA-MM-DD sorts and has no «/»
        yield from field("Nombre del archivo", Input(f"inventario-{stamp}.csv", id="name"))
        yield Static("Todas las cuentas con sus administradores, última rotación y evaluación.", classes="dialog-hint")

    def target(self) -> Path:
        return file_in_folder(self.value("folder"), self.value("name"), ".csv")

    def build_job(self) -> Job[tuple[InventoryExport, Path]]:
        target = self.target()
        workspace = self.workspace

        def export() -> tuple[InventoryExport, Path]:
            exported = workspace.run(export_inventory)
            if workspace.rehearsing:
                return exported, target
            sweep_stale_temp_files(target.parent)
            try:
                write_text_atomically(target, exported.text)
            except OSError as exc:
                raise UsageError(f"No se pudo escribir «{target}»: {os_error_text(exc)}.") from None
            return exported, target

        return Job(export, lambda done: f"Inventario exportado a {done[1]} ({done[0].accounts} cuentas).")


class ImportDialog(FormDialog):
    """Import a CSV inventory: the file is checked and simulated first; the import is then confirmed."""

    title_text = "Importar el inventario (CSV)"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("ctrl+o", "pick", "Elegir archivo", id="importar.elegir", tooltip="Abre el selector de archivos"),
    ]

    class Simulated(Message):
        def __init__(self, job: Job[InventoryImport], simulated: InventoryImport, path: Path) -> None:
            super().__init__()
            self.job = job
            self.simulated = simulated
            self.path = path

    def __init__(self, workspace: Workspace, folder: Path | None = None) -> None:
        super().__init__(workspace)
        self.folder = folder or Path.home()

    def compose_fields(self) -> ComposeResult:
        yield from field("Archivo CSV (ctrl+o lo elige)", Input(id="file", placeholder=str(self.folder)))
        yield Button("Elegir archivo…", id="pick", compact=True)
        yield Static(
            "Columnas como en el README. Primero se revisa el archivo y se muestra lo que haría;"
            " nada se guarda hasta que lo confirme. Todo o nada: una fila mala rechaza el archivo.",
            classes="dialog-hint",
        )

    def action_save(self) -> None:
        try:
            path = existing_file(self.value("file"))
        except UsageError as exc:
            self._show_error(exc.message)
            return
        self._show_error("")
        self.query_one("#save", Button).disabled = True
        self._simulate(path)

    @work(thread=True, exit_on_error=False, group="save")
    def _simulate(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"No se pudo leer «{path}»: {os_error_text(exc)}.") from None
        workspace = self.workspace
        inventory = read_inventory(data, workspace.now().date())
        simulated = workspace.run(import_inventory, inventory, simulate=True)
        job: Job[InventoryImport] = Job(
            lambda: workspace.run(import_inventory, inventory),
            lambda done: f"Importadas {import_counts(done)}.",
        )
        self.post_message(self.Simulated(job, simulated, path))

    @on(Simulated)
    def _simulated(self, event: ImportDialog.Simulated) -> None:
        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._save(event.job)
            else:
                self.query_one("#save", Button).disabled = False

        self.app.push_screen(
            ConfirmDialog(
                f"«{event.path.name}» es válido. Se importarían {import_counts(event.simulated)}. ¿Importar?",
                "Importar",
            ),
            answered,
        )

    def action_pick(self) -> None:
        def picked(path: Path | None) -> None:
            if path is not None:
                self.query_one("#file", Input).value = str(path)

        typed = self.value("file").strip()
        start = Path(typed).expanduser().parent if typed else self.folder
        self.app.push_screen(FilePickerDialog("Elija el archivo CSV", start, folders_only=False), picked)

    @on(Button.Pressed, "#pick")
    def _pick_pressed(self) -> None:
        self.action_pick()
