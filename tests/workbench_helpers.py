"""Shared set-up of the workbench tests: a demo database on disk and a way to wait for workers."""

from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import NOW
from textual.pilot import Pilot

from policy.records import Account
from store import open_store
from tui.app import Workbench
from tui.core.setup import load_demo
from tui.workspace import Workspace


def build_demo_db(path: Path, profile: str = "iecm") -> Path:
    """A file database with the demo institution as of the fixed clock NOW."""
    workspace = Workspace(path, lambda: NOW)
    workspace.create_database()
    workspace.run(load_demo, profile)
    return path


def first_account(app: Workbench) -> Account:
    """The account listed first (by ``red/usuario``, as Cuentas lists them) in the app's database."""
    with open_store(app.workspace.db_path) as store:
        return sorted(store.accounts.list(), key=lambda a: a.ref.lower())[0]


def make_app(db: Path) -> Workbench:
    """The workbench on ``db`` with the fixed clock NOW."""
    return Workbench(db, clock=lambda: NOW)


async def palette(pilot: Pilot, title: str):  # type: ignore[no-untyped-def]
    """Run a palette command by typing its title, as a user does; the screen it opened."""
    await settle(pilot)
    await pilot.press("ctrl+p", *title)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` key by key (a space as the space key)."""
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


async def settle(pilot: Pilot) -> None:
    """Wait until every worker (and what their messages start) has finished; never sleeps."""
    app = pilot.app
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def shown(app: Workbench) -> str:
    """What the terminal shows now, line by line (read from the screenshot Textual draws)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in _SVG_TEXT.finditer(app.export_screenshot()):
        x, y, text = float(match[1]), float(match[2]), html.unescape(re.sub(r"<[^>]+>", "", match[3]))
        rows.setdefault(y, []).append((x, text.replace("\xa0", " ")))
    return "\n".join("".join(text for _, text in sorted(row)) for _, row in sorted(rows.items()))


def run_async(test):  # type: ignore[no-untyped-def]
    """Run an ``async def`` test in its own event loop (no asyncio plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        return asyncio.run(test(*args, **kwargs))

    return wrapper
