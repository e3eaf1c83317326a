"""Errors raised by the store, each with a Spanish message for the user."""

from __future__ import annotations

from policy.errors import NotFoundError, ResguardoError, UsageError

__all__ = [
    "ConflictError",
    "NotFoundError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "StoreNewerSchemaError",
    "StoreReadOnlyError",
    "TamperedError",
    "UsageError",
]


class StoreError(ResguardoError):
    title = "Base de datos"


class StoreLockedError(StoreError):
    """Another process holds the write lock longer than we are willing to wait."""


class StoreReadOnlyError(StoreError):
    """The file (or its folder) cannot be written."""


class StoreCorruptError(StoreError):
    """The file is not a SQLite database, or it is damaged."""


class StoreNewerSchemaError(StoreError):
    """The database was written by a newer resguardo."""


class ConflictError(StoreError):
    """The change would break a rule of the data (a duplicate, a closed record…)."""

    title = "Conflicto"


class TamperedError(StoreError):
    """The bitácora's hash chain is broken: an entry was altered, removed or inserted."""

    title = "Bitácora alterada"
