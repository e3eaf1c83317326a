"""The workbench's main screens, declared once: their number key, label, help and class.

The app's bindings (1–7), the status line's tabs and the command palette's
«vista: …» entries are all made from ``VIEWS``. A screen's class is named as
``"module:Class"`` and imported when the screen is first shown: the first frame
needs only Hoy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.screens.base import ViewScreen


@dataclass(frozen=True, slots=True)
class View:
    """One main screen: ``mode`` is its name (the screen class's ``mode``), ``key`` the key that shows it."""

    mode: str
    key: str
    label: str
    tooltip: str
    screen: str
    #: the tab's name at 80 columns, when every full name does not fit («Bitác.»); the label if empty
    short: str = ""

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def screen_class(self) -> type[ViewScreen]:
        module, _, name = self.screen.partition(":")
        found: type[ViewScreen] = getattr(importlib.import_module(module), name)
        return found


VIEWS: tuple[View, ...] = (
    View("hoy", "1", "Hoy", "La agenda de hoy", "tui.screens.hoy:HoyScreen"),
    View("cuentas", "2", "Cuentas", "Todas las cuentas", "tui.screens.cuentas:CuentasScreen", "Ctas."),
    View("personas", "3", "Personas", "Las personas administradoras", "tui.screens.personas:PersonasScreen", "Pers."),
    View("bitacora", "4", "Bitácora", "Buscar y anotar en la bitácora", "tui.screens.bitacora:BitacoraScreen", "Bit."),
    View("incidentes", "5", "Incidentes", "Incidentes y sus avisos", "tui.screens.workflows:IncidentesScreen", "Inc."),
    View(
        "consultas",
        "6",
        "Consultas",
        "Consultas pendientes con su plazo",
        "tui.screens.workflows:ConsultasScreen",
        "Cons.",
    ),
    View(
        "solicitudes",
        "7",
        "Solicitudes",
        "Solicitudes de información abiertas con su plazo",
        "tui.screens.workflows:SolicitudesScreen",
        "Sol.",
    ),
    View(
        "calendario",
        "8",
        "Calendario",
        "El mes: días inhábiles, proceso electoral y plazos de cada día",
        "tui.screens.calendario:CalendarioScreen",
        "Cal.",
    ),
)
#: mode → its view
BY_MODE: dict[str, View] = {view.mode: view for view in VIEWS}
