"""The files a command reads or writes (``importar ARCHIVO``, ``--salida``): checked with a
Spanish message for every way a path can be wrong (missing, a folder, a name too long)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from policy.errors import UsageError
from store.errors import os_error_text
from store.files import sweep_stale_temp_files


def _stat(path: Path, text: str, verb: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # an embedded NUL
        raise UsageError(f"No se pudo {verb} «{text}»: la ruta contiene un carácter nulo.") from None
    except OSError as exc:
        raise UsageError(f"No se pudo {verb} «{text}»: {os_error_text(exc)}.") from None


def input_file(text: str) -> Path:
    """An existing file to read (UsageError otherwise)."""
    path = Path(text)
    info = _stat(path, text, "leer")
    if info is None:
        raise UsageError(f"No existe el archivo «{text}».")
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"«{text}» es una carpeta.")
    return path


def output_file(text: str) -> Path:
    """A file to write (``--salida``): not a folder, in a folder that exists.

    Also removes the temporary files a crashed export left in that folder
    (``store.files.sweep_stale_temp_files``) before a new one is made there.
    """

    path = Path(text)
    info = _stat(path, text, "escribir")
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"«{text}» es una carpeta.")
    folder = path.parent
    folder_info = _stat(folder, text, "escribir")
    if folder_info is None or not stat.S_ISDIR(folder_info.st_mode):
        raise UsageError(f"No se pudo escribir «{text}»: no existe la carpeta {folder}.")
    sweep_stale_temp_files(folder)
    return path
