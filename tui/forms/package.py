"""The office's package for the coordination office (``paquete llave`` and ``paquete exportar``).

The dialog shows the office key's fingerprint and public key (the key pair is
created the first time, as ``resguardo paquete llave`` does: ``office_key``),
copies either to the clipboard, and writes the signed package to a folder and
name (typed, or picked with the inventory's folder picker) through
``export_package``, the use case the command line calls. The office code is
asked here, where the command line takes ``--oficina``: the core keeps none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static

from policy.errors import UsageError
from policy.labels import plural, size_text
from tui.core.coordination import export_package, office_key
from tui.forms.base import Job, field
from tui.forms.transfer import FileExportDialog, file_in_folder
from tui.workspace import error_text

if TYPE_CHECKING:
    from store.package import ExportedPackage, OfficeKey
    from tui.workspace import Workspace

#: how a package's file ends
PACKAGE_SUFFIX = ".zip"


def exported_text(done: ExportedPackage) -> str:
    """What was written: the file, its entry count and the bitácora's head."""
    manifest = done.manifest
    return (
        f"Paquete de la oficina {manifest['office']} escrito en {done.path} ({size_text(done.size)}):"
        f" {plural(int(manifest['entries']), 'entrada')} de la bitácora, cabeza {str(manifest['head_hash'])[:16]}…"
    )


class PackageDialog(FileExportDialog):
    """The office key's fingerprint, and the package exported to a chosen folder and name."""

    title_text = "Paquete de la oficina para la coordinación"
    pick_title = "Elija la carpeta del paquete"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Exportar", id="paquete.exportar", tooltip="Escribe el paquete firmado"),
        Binding("ctrl+o", "pick", "Elegir carpeta", id="paquete.elegir", tooltip="Abre el selector de carpetas"),
        Binding(
            "ctrl+y",
            "copy_fingerprint",
            "Copiar huella",
            id="paquete.copiar_huella",
            tooltip="Copia la huella de la llave al portapapeles",
        ),
        Binding(
            "ctrl+b",
            "copy_key",
            "Copiar llave",
            id="paquete.copiar_llave",
            tooltip="Copia la llave pública (la que registra la coordinación) al portapapeles",
        ),
        Binding("escape", "cancel", "Cancelar", id="paquete.cancelar", tooltip="Cierra sin exportar"),
    ]

    class KeyRead(Message):
        def __init__(self, key: OfficeKey | None, error: str | None, locked: bool = False) -> None:
            super().__init__()
            self.key = key
            self.error = error
            self.locked = locked

    def __init__(self, workspace: Workspace, folder: Path | None = None) -> None:
        super().__init__(workspace)
        self.folder = folder or Path.home()
        #: the office's key, once read
        self.key: OfficeKey | None = None

    def compose_fields(self) -> ComposeResult:
        yield Static("Huella de la llave de la oficina: …", id="fingerprint", classes="dialog-hint")
        yield from field("Clave de la oficina", Input(id="office", placeholder="p. ej. IECM-DD05"))
        yield from field("Carpeta de destino (ctrl+o la elige)", Input(str(self.folder), id="folder"))
        yield Button("Elegir carpeta…", id="pick", compact=True)
        stamp = self.workspace.now().date().isoformat()  # a file name: AAAA-MM-DD sorts and has no «/»
        yield from field("Nombre del archivo", Input(f"paquete-{stamp}{PACKAGE_SUFFIX}", id="name"))
        yield Static(
            "Una copia de la base de datos sin ningún secreto, firmada con la llave de la oficina. Entregue a la"
            " coordinación la llave pública una vez y confirme la huella por otro medio.",
            classes="dialog-hint",
        )

    def on_mount(self) -> None:
        self.query_one("#save", Button).disabled = True  # until the key is read
        self.query_one("#save", Button).label = "Exportar"
        self._read_key()

    # -- the office key ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="office-key")
    def _read_key(self) -> None:
        from store.secrets import KeyringLockedError, WrongPassphraseError  # lazy: the keyring, ~60 ms

        workspace = self.workspace
        try:
            secrets = workspace.open_secrets()
            key = workspace.run(office_key, secrets)
        except (KeyringLockedError, WrongPassphraseError) as exc:
            self.post_message(self.KeyRead(None, exc.message, locked=True))
            return
        except Exception as exc:  # noqa: BLE001 - the keyring's or the store's error, said in Spanish
            self.post_message(self.KeyRead(None, error_text(exc)))
            return
        self.post_message(self.KeyRead(key, None))

    @on(KeyRead)
    def _key_read(self, event: PackageDialog.KeyRead) -> None:
        if event.locked:
            self._unlock()
            return
        if event.key is None:
            self.query_one("#fingerprint", Static).update("No se pudo leer la llave de la oficina.")
            self._show_error(event.error or "")
            return
        self.key = event.key
        self.query_one("#fingerprint", Static).update(
            Content.assemble(
                "Huella de la llave de la oficina: ",
                (event.key.fingerprint, "bold"),
                f"\nLlave pública: {event.key.public_key}",
            )
        )
        if event.key.created:
            self.notify("Se creó la llave de esta oficina (la privada queda solo en el llavero).", title="Llave")
        self.query_one("#save", Button).disabled = False
        self.refresh_bindings()

    def _unlock(self) -> None:
        from tui.forms.password import PassphraseDialog  # lazy: asked only when the file is locked

        def unlocked(ok: bool | None) -> None:
            if ok:
                self._read_key()
            else:
                self.query_one("#fingerprint", Static).update("El llavero sigue bloqueado: no se leyó la llave.")

        self.app.push_screen(
            PassphraseDialog(self.workspace, "La llave de la oficina está en el llavero: desbloquéelo."), unlocked
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy_fingerprint", "copy_key", "save"):
            return self.key is not None
        return True

    def action_copy_fingerprint(self) -> None:
        if self.key is not None:
            self.app.copy_to_clipboard(self.key.fingerprint)
            self.notify(f"Huella copiada: {self.key.fingerprint}", title="Copiada")

    def action_copy_key(self) -> None:
        if self.key is not None:
            self.app.copy_to_clipboard(self.key.public_key)
            self.notify("Llave pública copiada.", title="Copiada")

    # -- the package ------------------------------------------------------------------

    def target(self) -> Path:
        return file_in_folder(self.value("folder"), self.value("name"), PACKAGE_SUFFIX)

    def build_job(self) -> Job[ExportedPackage]:
        if self.key is None:
            raise UsageError("Aún no se lee la llave de la oficina.")
        target = self.target()
        office = self.value("office")
        workspace = self.workspace

        def export() -> ExportedPackage:
            secrets = workspace.open_secrets()
            if workspace.rehearsing:  # the file and the keyring are not rolled back: check the office code only
                from policy.package import office_code  # lazy: the rule export_package applies first

                office_code(office)
                return cast("ExportedPackage", None)
            return workspace.run(export_package, secrets, office=office, destination=target)

        return Job(export, exported_text)
