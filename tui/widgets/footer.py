"""Textual's Footer, with its keys in its very first frame, cut to the width with «? Ayuda» kept."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: the keys that stay however narrow the terminal: help first, then quitting
KEPT_ACTIONS = ("app.help", "help", "app.quit_app", "quit_app")
#: the command palette's key, docked at the right («▏^p Comandos»)
_PALETTE_WIDTH = 14


def _width(display: str, description: str) -> int:
    """Cells of one FooterKey as the stock style draws it: « key » then «description »."""
    return len(display) + 2 + (len(description) + 1 if description else 0)


class FittedFooter(Footer):
    """The stock Footer lists every key and the terminal cuts the line («^q Sa»; «? Ayuda»
    gone at 80 columns). This one shows the screen's keys in order while they fit and
    always ends with «? Ayuda» and «^q Salir»: the keys dropped first are the last ones
    of the screen (its own order is its priority), and ? lists every key anyway."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        seen: set[str] = set()
        keys: list[tuple[Binding, bool, str]] = []
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((binding, enabled, tooltip))
        kept = [k for k in keys if k[0].action in KEPT_ACTIONS]
        kept.sort(key=lambda k: KEPT_ACTIONS.index(k[0].action))
        others = [k for k in keys if k[0].action not in KEPT_ACTIONS]
        room = self.size.width or self.app.size.width
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        room -= _PALETTE_WIDTH if palette else 0
        room -= sum(_width(self.app.get_key_display(b), b.description) for b, _, _ in kept)
        shown: list[tuple[Binding, bool, str]] = []
        for entry in others:
            need = _width(self.app.get_key_display(entry[0]), entry[0].description)
            if need > room:
                break
            room -= need
            shown.append(entry)
        for binding, enabled, tooltip in [*shown, *kept]:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette:
            try:
                _node, binding, enabled, tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            except KeyError:
                return
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != getattr(self, "_composed_width", None):
            self._composed_width = event.size.width
            self.call_after_refresh(self.recompose)


class ReadyFooter(FittedFooter):
    """The stock Footer composes no keys until its screen first signals its bindings, and
    then recomposes after the next refresh: on Hoy, the start-up screen, the keys came
    ~100 ms after the rest. This one composes them when it is mounted, from the screen's
    bindings as they are then, so they are drawn with the rest of the screen; it follows
    every later change like the stock one."""

    def __init__(self) -> None:
        super().__init__()
        # private to Textual (pinned exactly in constraints.txt): the flag its compose() checks
        self.set_reactive(Footer._bindings_ready, True)
