"""Errors raised by the store, each with a Spanish message for the user."""

from __future__ import annotations

import errno

from policy.errors import ConflictError, NotFoundError, StoreError, UsageError

__all__ = [
    "ConflictError",
    "NotFoundError",
    "StoreCorruptError",
    "StoreDiskFullError",
    "StoreError",
    "StoreLockedError",
    "StoreMissingError",
    "StoreNewerSchemaError",
    "StoreReadOnlyError",
    "TamperedError",
    "UsageError",
    "os_error_text",
]

#: What the operating system said, in Spanish (its own text is in English on most systems).
_OS_ERRORS: dict[int, str] = {
    errno.ENOENT: "no existe la carpeta o el archivo",
    errno.EACCES: "permiso denegado",
    errno.EPERM: "operación no permitida",
    errno.ENOSPC: "disco lleno (no queda espacio)",
    errno.EROFS: "el disco es de solo lectura",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.EEXIST: "una parte de la ruta es un archivo, no una carpeta",
    errno.EISDIR: "es una carpeta",
    errno.EIO: "error de lectura o escritura en el disco",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
}


def os_error_text(exc: OSError) -> str:
    """A short Spanish description of an operating-system error, for a one-line message."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    code = errno.errorcode.get(exc.errno, str(exc.errno)) if exc.errno is not None else type(exc).__name__
    return f"error del sistema ({code})"


class StoreLockedError(StoreError):
    """Another process holds the write lock longer than we are willing to wait."""


class StoreReadOnlyError(StoreError):
    """The file (or its folder) cannot be written."""


class StoreDiskFullError(StoreReadOnlyError):
    """The disk has no space left: nothing can be written, though reading still works."""


class StoreMissingError(StoreError):
    """There is no resguardo database at the path yet (no file, an empty one): only the
    commands that create a database (``iniciar``, ``demo``, the first-run wizard) make it."""


class StoreCorruptError(StoreError):
    """The file is not a SQLite database, or it is damaged."""


class StoreNewerSchemaError(StoreError):
    """The database was written by a newer resguardo."""


class TamperedError(StoreError):
    """The bitácora's hash chain is broken: an entry was altered, removed or inserted."""

    title = "Bitácora alterada"
