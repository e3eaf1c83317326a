"""Clear the clipboard after a while, if it still holds what resguardo put there.

A standalone script: ``tui.clipboard.schedule_clear`` starts it detached as
``[sys.executable, "-I", <absolute path of this file>, SECONDS]``. With ``-I``
(isolated mode) Python puts neither the current folder nor this file's folder
on ``sys.path`` and ignores PYTHONPATH, the other PYTHON* variables and the
user's site-packages, so nothing found in the folder the command ran from (a
``tui/`` package, a ``json.py``) can run in its place. For the same reason it
imports only the standard library: the project itself may not be importable.

Its standard input brings one line of JSON (ASCII) from resguardo::

    {"salt": "…", "digest": "…", "copy": [...], "paste": [...] | null, "clear": [...] | null}

the tools' commands as resguardo found them, and the SHA-256 of the salt
followed by the secret. After SECONDS it reads the clipboard with ``paste``
and, when the digest still matches (or there is no way to read it), empties
it with ``clear``, or by copying an empty text with ``copy``. When the user
copied something else meanwhile, it leaves it alone. The secret itself never
reaches this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import sys
import time

#: Seconds when none are given (resguardo always gives them).
DEFAULT_SECONDS = 30
#: Longest a clipboard tool may take.
TOOL_TIMEOUT = 10


def _command(value: object) -> list[str] | None:
    """A command of the order: a non-empty list of strings, or None."""
    if isinstance(value, list) and value and all(isinstance(part, str) for part in value):
        return list(value)
    return None


def _run(command: list[str], text: str | None = None) -> None:
    # Output to DEVNULL: wl-copy and xclip keep serving the selection in a child process
    # that inherits the pipes, and capturing would wait for it.
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            command,
            input=None if text is None else text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TOOL_TIMEOUT,
            check=False,
        )


def _still_ours(paste: list[str], salt: str, digest: str) -> bool:
    try:
        current = subprocess.run(paste, capture_output=True, timeout=TOOL_TIMEOUT, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        current = b""
    text = current.decode("utf-8", "replace").removesuffix("\r\n").removesuffix("\n")
    return hashlib.sha256((salt + text).encode("utf-8")).hexdigest() == digest


def clear_later(delay: int, order: dict[str, object]) -> int:
    """Wait ``delay`` seconds, then clear the clipboard as ``order`` says. 0 when done or left alone."""
    copy = _command(order.get("copy"))
    paste = _command(order.get("paste"))
    clear = _command(order.get("clear"))
    salt, digest = order.get("salt"), order.get("digest")
    if copy is None or not isinstance(salt, str) or not isinstance(digest, str):
        return 2
    time.sleep(max(0, delay))
    if paste is not None and not _still_ours(paste, salt, digest):
        return 0  # the user copied something else meanwhile: leave it
    if clear is not None:
        _run(clear)
    else:
        _run(copy, "")
    return 0


def main(argv: list[str]) -> int:
    try:
        delay = int(argv[1]) if len(argv) > 1 else DEFAULT_SECONDS
        order = json.loads(sys.stdin.buffer.readline() or b"null")
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return 2
    if not isinstance(order, dict):
        return 2
    return clear_later(delay, order)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
