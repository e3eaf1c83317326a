"""The command palette (ctrl+p): only what applies now, titled ``grupo: Verbo``.

Global commands come from here; each screen adds its own through
``ViewScreen.palette_commands`` (which knows the selected row).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

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
        PaletteCommand(
            "informe: Generar informe",
            partial(open_report, app),
            "El informe de cumplimiento o la evaluación semestral de una cuenta, en PDF o DOCX",
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


def open_report(app: Workbench) -> None:
    """The «Generar informe» form (issue #16)."""
    from tui.forms.reports import ReportDialog  # lazy: forms are not for the first frame

    # the account picker needs the accounts, built just after the first frame
    app.with_institution(lambda: app.push_screen(ReportDialog(app.workspace)))


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


class SpanishCommandPalette(CommandPalette):
    """Textual's palette, saying «Ninguna acción coincide» where it says «No matches found»."""

    NO_MATCHES_TEXT = "Ninguna acción coincide con lo escrito."

    # Textual's own method (pinned exactly in constraints.txt), with its sentence in Spanish.
    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.NO_MATCHES_TEXT, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
