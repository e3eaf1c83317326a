"""Textual's Footer, with its keys in its very first frame."""

from __future__ import annotations

from textual.widgets import Footer


class ReadyFooter(Footer):
    """The stock Footer composes no keys until its screen first signals its bindings, and
    then recomposes after the next refresh: on Hoy, the start-up screen, the keys came
    ~100 ms after the rest. This one composes them when it is mounted, from the screen's
    bindings as they are then, so they are drawn with the rest of the screen; it follows
    every later change like the stock one."""

    def __init__(self) -> None:
        super().__init__()
        # private to Textual (pinned exactly in constraints.txt): the flag its compose() checks
        self.set_reactive(Footer._bindings_ready, True)
