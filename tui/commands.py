"""The command palette (ctrl+p): only what applies now, titled ``grupo: Verbo``.

Global commands come from here; each screen adds its own through
``ViewScreen.palette_commands`` (which knows the selected row).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.flows import palette_commands as flow_commands
from tui.screens import VIEWS
from tui.screens.base import PaletteCommand, ViewScreen

if TYPE_CHECKING:
    from tui.app import Workbench


def applicable_commands(app: Workbench, screen: object) -> list[PaletteCommand]:
    """Everything the palette offers on ``screen``: its own commands first, then the global ones."""
    commands: list[PaletteCommand] = []
    current = screen.mode if isinstance(screen, ViewScreen) else None
    if isinstance(screen, ViewScreen):
        commands.extend(screen.palette_commands())
    for view in VIEWS:
        if view.mode != current:
            commands.append(
                PaletteCommand(
                    f"vista: {view.label}",
                    partial(app.show_view, view.mode),
                    f"Cambia a la pantalla {view.label} (tecla {view.key})",
                )
            )
    commands += flow_commands(app)
    commands += [
        PaletteCommand("agenda: Actualizar", app.action_reload, "Vuelve a leer la base de datos"),
        PaletteCommand(
            "borrador: Revisar borrador",
            partial(open_preflight, app),
            "Revisa una publicación contra los criterios de contenido de la institución",
        ),
        PaletteCommand("sesión: Bloquear", app.action_lock, "Limpia la pantalla hasta que pulse una tecla"),
        PaletteCommand(
            "ajustes: Bloqueo por inactividad",
            app.action_idle_settings,
            f"Minutos sin uso antes de bloquear (ahora {app.idle_minutes})",
        ),
        PaletteCommand("ayuda: Atajos de teclado", app.action_help, "Muestra las teclas de esta pantalla"),
        PaletteCommand("app: Salir", app.action_quit_app, "Cierra resguardo"),
    ]
    return commands


def open_preflight(app: Workbench) -> None:
    """The «Revisar borrador» dialog (issue: a draft post checked against the institution's criteria)."""
    from tui.forms.preflight import PreflightDialog  # lazy: TextArea and the checks are not for the first frame

    app.push_screen(PreflightDialog(app.workspace))


class WorkbenchCommands(Provider):
    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    def _commands(self) -> list[PaletteCommand]:
        return applicable_commands(self.workbench, self.screen)

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
