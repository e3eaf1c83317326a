"""What every command needs: the database, the clock, and argument parsing helpers."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from policy.clock import parse_date, parse_datetime, start_of_day
from policy.errors import UsageError
from store.db import open_store
from store.files import sweep_stale_temp_files
from tui import clock

if TYPE_CHECKING:
    from store.db import Store

#: The years ``pendientes --fecha`` accepts.
CLOCK_YEARS = (2000, 2100)


#: What a command asked to outlive it (``Context.hold``).
_HELD: list[object] = []


class Context:
    """Opens the store on first use and closes it at the end of the command."""

    @staticmethod
    def hold(value: object) -> None:
        """Keep ``value`` alive until the process ends: a command that ends with ``os._exit``
        (``tui.cli.QUICK_EXIT_COMMANDS``) then never spends time freeing it (~20 ms for the
        records of a 10,000-account agenda)."""
        _HELD.append(value)

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._store: Store | None = None
        self._now = clock.system_now()

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    @property
    def db_path(self) -> str | None:
        return getattr(self.args, "db", None)

    @property
    def creates_database(self) -> bool:
        """Only the commands that set ``creates_database`` (``iniciar``, ``demo``) create a database."""
        return bool(getattr(self.args, "creates_database", False))

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.db_path, clock=self.now, create=self.creates_database)
            if self._store.path != ":memory:":
                # the exports' temporary files that a crash left beside the database
                sweep_stale_temp_files(Path(self._store.path).parent)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            if self._store.conn.total_changes:
                # a change: the agenda kept beside the database no longer holds; have it computed
                # again in the background for the workbench's next start (large institutions only)
                from tui.core.agenda import prepare_soon  # lazy: only after a command that wrote

                prepare_soon(self._store)
            self._store.close()
            self._store = None

    # -- parsing helpers --------------------------------------------------

    def date_arg(self, text: str | None, field: str = "fecha") -> date:
        """A ``YYYY-MM-DD`` option, today when absent."""
        return self.today() if text is None else parse_date(text, field)

    def moment_arg(self, text: str | None, field: str = "fecha") -> datetime:
        """A date or datetime option; a bare past date means that day's start, today means now."""
        if text is None:
            return self._now
        moment = parse_datetime(text, field)
        if len(text.strip()) == 10 and moment.date() == self.today():
            return self._now
        return moment

    def clock_arg(self, text: str | None) -> datetime:
        """``--fecha`` of the agenda: the start of that day (or the exact time given)."""
        if text is None:
            return self._now
        moment = start_of_day(parse_date(text)) if len(text.strip()) == 10 else parse_datetime(text)
        if not CLOCK_YEARS[0] <= moment.year <= CLOCK_YEARS[1]:
            # Far dates overflow the month arithmetic and would materialize centuries of holidays.
            raise UsageError(
                f"La fecha «{text.strip()}» está fuera del intervalo admitido"
                f" (años {CLOCK_YEARS[0]} a {CLOCK_YEARS[1]})."
            )
        return moment
