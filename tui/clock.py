"""The faces' clock: the time now in Mexico City, or the one ``RESGUARDO_NOW`` fixes.

Shared by the command line and the workbench (each passes ``system_now`` to the
store as its clock); Textual-free and cheap to import (``pendientes`` pays for it).
"""

from __future__ import annotations

import os
from datetime import datetime

from policy.clock import ZONE, local
from policy.errors import UsageError

#: Fixes the clock (ISO 8601) for tests and demonstrations; unset in daily use.
ENV_NOW = "RESGUARDO_NOW"


def system_now() -> datetime:
    """The current time in Mexico City, or the fixed one from ``RESGUARDO_NOW``."""
    fixed = os.environ.get(ENV_NOW, "").strip()
    if fixed:
        try:
            return local(datetime.fromisoformat(fixed))
        except ValueError:
            raise UsageError(f"{ENV_NOW}={fixed!r} no es una fecha y hora ISO 8601 válida.") from None
    return datetime.now(ZONE)
