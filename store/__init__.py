"""resguardo's storage: the SQLite schema, its migrations and every query.

No UI and no rule logic here. Open a database with ``open_store``; each area
has its repository on the returned ``Store`` (``store.accounts``,
``store.people``, ``store.rotations``…).
"""

from store.db import Store, default_path, open_store

__all__ = ["Store", "default_path", "open_store"]
