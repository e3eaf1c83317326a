"""Moved to ``tui.clipboard`` (the clipboard is both faces'); this name forwards to it."""

from typing import Any

import tui.clipboard


# TEMPORARY re-export for tui/app.py and tui/password.py until the merger updates them
def __getattr__(name: str) -> Any:
    return getattr(tui.clipboard, name)
