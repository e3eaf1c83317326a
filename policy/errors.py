"""The error hierarchy shared by every layer.

Each error carries a Spanish message meant for the person using the app; the
edges (command line, workbench) show it as is.
"""

from __future__ import annotations


class ResguardoError(Exception):
    """Base error: ``message`` is Spanish and complete, ``title`` a short heading."""

    title = "Error"
    #: Exit status the command line uses for this error (2 is reserved for usage errors).
    exit_code = 1

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class UsageError(ResguardoError):
    """The request itself is malformed (bad date, unknown choice): exit status 2."""

    title = "Uso incorrecto"
    exit_code = 2


class PolicyError(ResguardoError):
    """A rule refuses the request, or a profile is unknown or malformed."""

    title = "Regla"


class NotFoundError(ResguardoError):
    """An account, person or record that does not exist."""

    title = "No encontrado"


class StoreError(ResguardoError):
    """The database refuses or fails (``store.errors`` holds its kinds)."""

    title = "Base de datos"


class ConflictError(StoreError):
    """The change would break a rule of the data (a duplicate, a closed record…).

    Here, not in ``store.errors`` (which re-exports it), so that the rules of
    ``policy`` that refuse a duplicate or a second closing raise the very class
    the store always raised.
    """

    title = "Conflicto"
