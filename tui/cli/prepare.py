"""``python -m tui.cli.prepare BASE``: keep the agenda of now and of the next day's start beside
the database (``tui.core.agenda.prepare_agendas``).

Started in the background by ``tui.core.agenda.prepare_soon`` after a change or a workbench's
first frame, so that the next start shows a kept agenda instead of computing it. One runs at a
time per database (a lock file beside it; the others wait, then find the agenda kept and end).
Silent and best effort: it prints nothing, and any failure only means the agenda is computed when
next shown.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 1:
        return 2
    from filelock import FileLock, Timeout  # lazy: nothing to import for a wrong call

    from store.db import open_store  # lazy: as above
    from tui import clock  # lazy: as above
    from tui.core.agenda import prepare_agendas  # lazy: as above

    database = arguments[0]
    try:
        with FileLock(f"{database}-agenda.lock", timeout=120):
            store = open_store(database, clock=clock.system_now, migrate=False, auto_backup=False)
            try:
                prepare_agendas(store)
            finally:
                store.close()
    except Timeout:
        return 1
    except Exception:  # best effort: computed when next shown
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
