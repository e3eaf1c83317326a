"""Files and folders resguardo makes: private modes, and the temporary files a crash leaves.

No SQLite here (see ``store.db``). Modes are POSIX; on Windows ``os.chmod`` only
toggles the read-only flag, so every change of mode is best-effort there.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TextIO

#: Folders resguardo creates, and the database with its -wal and -shm files.
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
#: The temporary files of the exports (``tempfile.mkstemp`` beside the target, then renamed).
TEMP_PREFIX = ".resguardo-"
TEMP_SUFFIXES = (".tmp", ".csv")
#: A temporary file older than this is left over from a crash; younger ones may be an export in progress.
STALE_AFTER_SECONDS = 600.0
#: The files SQLite keeps beside a database.
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")


def tighten(path: Path, mode: int) -> None:
    """Take away what ``mode`` does not grant (group and others), never add a permission.

    A 0644 file becomes 0600 and a 0400 file stays 0400. Errors (not the owner,
    a file system without modes) are ignored: the mode is a safeguard, not a lock.
    """
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        current = stat.S_IMODE(os.stat(path).st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_private_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, each 0700; returns those created, outermost first.

    OSError (permission denied, a file in the way, a name too long…) propagates.
    """
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current):
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    created: list[Path] = []
    for item in reversed(missing):
        try:
            os.mkdir(item, PRIVATE_FOLDER)
        except FileExistsError:
            if not item.is_dir():
                raise
            continue  # another process made it meanwhile: not ours
        created.append(item)
        with contextlib.suppress(OSError):  # the umask may have taken more; 0700 exactly
            os.chmod(item, PRIVATE_FOLDER)
    return created


def create_private_file(path: Path) -> bool:
    """Create an empty file readable only by its owner; False when it existed already."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):  # Windows keeps ACLs instead of modes
        os.chmod(path, PRIVATE_FILE)
    return True


def remove_quietly(paths: list[Path]) -> None:
    """Remove files (and their SQLite sidecars) and then empty folders, innermost last-created first."""
    for path in reversed(paths):
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()
            continue
        for item in (path, *(Path(f"{path}{suffix}") for suffix in SIDECAR_SUFFIXES)):
            with contextlib.suppress(OSError):
                item.unlink()


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIXES) and len(name) > len(TEMP_PREFIX) + 4


def sweep_stale_temp_files(folder: Path, *, now: float | None = None) -> int:
    """Remove the exports' temporary files a crash left in ``folder``; returns how many.

    Only regular files named ``.resguardo-*.tmp`` / ``.resguardo-*.csv`` older than
    STALE_AFTER_SECONDS: a younger one may belong to an export still running. Never
    fails: a folder that cannot be listed is simply left as it is.
    """
    limit = (time.time() if now is None else now) - STALE_AFTER_SECONDS
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):
        return 0
    for entry in entries:
        if not is_temp_name(entry.name):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                os.unlink(entry.path)
                removed += 1
    return removed


def write_text_atomically(path: Path, text: str, *, encoding: str = "utf-8-sig") -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, fsynced and renamed over it: a
    failure (a full disk, a crash) never leaves half a file, and the temporary one is removed (or swept
    later, ``sweep_stale_temp_files``). Raises OSError."""
    with atomic_text_file(path, encoding=encoding) as handle:
        handle.write(text)


@contextlib.contextmanager
def atomic_text_file(path: Path, *, encoding: str = "utf-8-sig", suffix: str = ".csv") -> Iterator[TextIO]:
    """A text file to stream into, published at ``path`` only when the block ends without error.

    It is a temporary file beside ``path`` (named for ``sweep_stale_temp_files``), fsynced and renamed
    over ``path``; on any error, or a crash, ``path`` is untouched and the temporary file is removed
    (or swept later). Raises OSError.
    """
    import tempfile  # lazy: it pulls in random, for an export only

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
