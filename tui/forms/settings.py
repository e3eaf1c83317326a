"""The profile's settings (``ajustes``): each with its value in force and the profile's own; change one,
put it back to the profile's value, and the workbench's own idle lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from tui.core.records import SettingValue, idle_lock_minutes, profile_settings, reset_setting, set_setting
from tui.forms.base import FormDialog, Job, field
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace


def setting_text(value: object) -> str:
    """A setting's value as a person reads it (None is «sin plazo»; lists joined by commas)."""
    if value is None:
        return "sin plazo"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _input_text(value: object) -> str:
    """The value as the edit field starts: what one would type to keep it."""
    if value is None:
        return "ninguno"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def setting_changed(setting: SettingValue) -> str:
    return f"Ajuste «{setting.spec.name_es}»: {setting_text(setting.value)}."


def setting_reset(setting: SettingValue) -> str:
    return f"Ajuste «{setting.spec.name_es}» vuelve al valor del perfil: {setting_text(setting.value)}."


class SettingDialog(FormDialog):
    """A new value for one setting, checked by the core (its type and range)."""

    title_text = "Cambiar un ajuste"

    def __init__(self, workspace: Workspace, setting: SettingValue) -> None:
        super().__init__(workspace)
        self.setting = setting

    def compose_fields(self) -> ComposeResult:
        spec = self.setting.spec
        yield Static(
            Content.assemble((spec.name_es, "bold"), f": {spec.description}"),
            classes="dialog-text",
        )
        hint = "Nuevo valor"
        if spec.minimum is not None and spec.maximum is not None:
            hint += f" (de {spec.minimum} a {spec.maximum})"
        if spec.optional:
            hint += "; «ninguno» lo deja sin plazo"
        yield from field(hint, Input(_input_text(self.setting.value), id="value"))
        yield Static(f"Valor del perfil: {setting_text(self.setting.default)}", classes="dialog-hint")

    def build_job(self) -> Job[SettingValue]:
        name, text = self.setting.spec.name_es, self.value("value")
        return Job(lambda: self.workspace.run(set_setting, name, text), setting_changed)


class SettingsDialog(TableDialog[SettingValue]):
    """Every editable setting of the profile."""

    title_text = "Ajustes del perfil"
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("e", "edit", "Cambiar", id="ajustes.cambiar", tooltip="Cambia el valor del ajuste seleccionado"),
        Binding(
            "r",
            "reset",
            "Restablecer",
            id="ajustes.restablecer",
            tooltip="Vuelve al valor del perfil de la institución",
        ),
        Binding(
            "b", "idle_lock", "Bloqueo", id="ajustes.bloqueo", tooltip="Minutos sin uso antes de bloquear la pantalla"
        ),
        Binding("R", "backups", "Respaldos", id="ajustes.respaldos", tooltip="Crear, verificar y restaurar respaldos"),
        Binding(
            "P", "package", "Paquete", id="ajustes.paquete", tooltip="El paquete de la oficina para la coordinación"
        ),
    ]
    needs_row = frozenset({"edit"})
    columns = (
        Column("Ajuste", 28, 16),
        Column("Valor", None, 10, 1),
        Column("Origen", None, 10, 1, optional=True),
    )

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        #: the idle lock's minutes, read with the settings (None until then)
        self.idle_minutes: int | None = None

    def intro(self) -> str:
        minutes = self.idle_minutes
        if minutes is None:
            return "Bloqueo por inactividad: …"
        return f"Bloqueo por inactividad: {'desactivado' if minutes <= 0 else f'tras {minutes} min sin uso'} (tecla b)."

    def fetch(self) -> list[SettingValue]:
        self.idle_minutes = self.workspace.run(idle_lock_minutes)
        return list(self.workspace.run(profile_settings).settings)

    def after_load(self) -> None:
        self.query_one("#intro", Static).update(self.intro())

    def item_key(self, item: SettingValue) -> Any:
        return item.spec.key

    def build_row(self, item: SettingValue) -> Row:
        origin = f"cambiado (perfil: {setting_text(item.default)})" if item.overridden else "del perfil"
        return Row(item.spec.key, (item.spec.name_es, setting_text(item.value), origin))

    def detail(self, item: SettingValue | None) -> Content | str:
        if item is None:
            return ""
        return Content.assemble((item.spec.name_es, "bold"), f": {item.spec.description}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reset":
            item = self.selected()
            return item is not None and item.overridden
        return super().check_action(action, parameters)

    def action_edit(self) -> None:
        item = self.selected()
        if item is not None:
            self.open_form(SettingDialog(self.workspace, item))

    def open_selected(self) -> None:
        self.action_edit()

    def action_reset(self) -> None:
        item = self.selected()
        if item is None or not item.overridden:
            return
        name = item.spec.name_es
        self.confirm_write(
            Job(lambda: self.workspace.run(reset_setting, name), setting_reset),
            f"«{name}» volverá al valor del perfil ({setting_text(item.default)}). ¿Restablecer?",
            "Restablecer",
        )

    def action_idle_lock(self) -> None:
        from tui.forms.records import IdleLockDialog  # lazy: forms are not for the first frame

        minutes = self.idle_minutes if self.idle_minutes is not None else self.workbench.idle_minutes
        self.open_form(IdleLockDialog(self.workspace, minutes))

    def action_backups(self) -> None:
        from tui import flows  # lazy: the dialogs are imported when opened

        flows.show_backups(self.workbench)

    def action_package(self) -> None:
        from tui import flows  # lazy: the dialogs are imported when opened

        flows.office_package(self.workbench)
