"""Fault injection at the points where resguardo writes to disk (tests only).

Every write that matters for safekeeping (each SQLite COMMIT, each replacement
of the encrypted keyring file) calls ``point(label)`` just before and just
after it. With ``RESGUARDO_PRUEBA_FALLO`` unset (daily use) that is one global
read. Tests set it to make the N-th point of a real process misbehave:

- ``kill:N`` ends the process at once (``os._exit``, as kill -9 would: no
  cleanup, no ``finally``), to prove the data on disk is sound at that point;
- ``enospc:N`` raises ``OSError(ENOSPC)`` there, as a full disk would;
- ``RESGUARDO_PRUEBA_FALLO_TRAZA=RUTA`` appends each point's label to a file,
  so a test knows how many points a command has.
"""

from __future__ import annotations

import errno
import os

ENV = "RESGUARDO_PRUEBA_FALLO"
ENV_TRACE = "RESGUARDO_PRUEBA_FALLO_TRAZA"
#: The exit status of a process ended by ``kill:N``.
KILLED_STATUS = 86


def _parse(raw: str) -> tuple[str, int]:
    mode, _, number = raw.partition(":")
    try:
        return mode, int(number)
    except ValueError:
        return "", 0


_MODE, _TARGET = _parse(os.environ.get(ENV, ""))
_TRACE = os.environ.get(ENV_TRACE, "")
_count = 0


def point(label: str) -> None:
    """Count one write point; misbehave here if the test asked for this one."""
    if not (_TARGET or _TRACE):
        return
    global _count
    _count += 1
    if _TRACE:
        with open(_TRACE, "a", encoding="utf-8") as trace:
            trace.write(f"{_count} {label}\n")
    if _count != _TARGET:
        return
    if _MODE == "kill":
        os._exit(KILLED_STATUS)
    if _MODE == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
