"""A pseudo-terminal that reads what an app draws, frame by frame (POSIX only).

The workbench's benchmark and its start-up test run ``resguardo`` here the way a
user's terminal does: a window of the given size, and synchronized output
(``CSI ? 2026``) answered as supported, like most current terminals, so Textual
brackets each frame and a frame counts once its closing sequence has arrived.
``screen_text`` rebuilds the visible lines from the bytes (text and cursor
moves; styles are ignored).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # supported, currently off
SYNC_END = b"\x1b[?2026l"

_SEQUENCE = re.compile(
    rb"\x1b\[(\d+);(\d+)H"  # cursor position
    rb"|\x1b\[[0-9;?<>=$]*[ -/]*[@-~]"  # other CSI sequences
    rb"|\x1b\][^\x07]*\x07"  # OSC
    rb"|\x1b[^\[\]]"  # two-character escapes
    rb"|(\r\n|\n)|\r|([^\x1b\r\n]+)"
)


def screen_text(received: bytes, size: tuple[int, int]) -> list[str]:
    """The lines a terminal of ``size`` (columns, rows) shows after ``received``."""
    rows: dict[int, dict[int, str]] = {}
    row = col = 1
    for match in _SEQUENCE.finditer(received):
        if match.group(1):
            row, col = int(match.group(1)), int(match.group(2))
        elif match.group(3):
            row, col = row + 1, 1
        elif match.group(0) == b"\r":
            col = 1
        elif match.group(4):
            line = rows.setdefault(row, {})
            for char in match.group(4).decode("utf-8", "replace"):
                line[col] = char
                col += 1
    return ["".join(rows.get(r, {}).get(c, " ") for c in range(1, size[0] + 1)).rstrip() for r in range(1, size[1] + 1)]


@dataclass(frozen=True)
class FirstFrame:
    #: seconds from spawning the process to the arrival of the frame ``until`` accepted
    seconds: float
    #: CPU seconds of the process, killed right after that frame
    cpu: float
    #: what the terminal showed then
    lines: list[str]


def first_frame(
    command: Sequence[str],
    env: dict[str, str],
    until: Callable[[list[str]], bool],
    size: tuple[int, int] = (120, 40),
    timeout: float = 60,
) -> FirstFrame | None:
    """Run ``command`` in a pseudo-terminal of ``size`` until a complete frame makes ``until(lines)``
    true, then kill it. None when the process ended (or ``timeout`` passed) before that."""
    if sys.platform == "win32":
        raise RuntimeError("first_frame needs a POSIX pseudo-terminal")
    import fcntl
    import pty
    import struct
    import subprocess
    import termios
    import threading

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    found: list[tuple[float, list[str]]] = []
    done = threading.Event()

    def read() -> None:  # the app blocks if nobody reads its output
        received = bytearray()
        answered = False
        checked = 0
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            arrived = time.time()
            if found:
                continue
            received.extend(chunk)
            if not answered and SYNC_QUERY in received:
                os.write(master, SYNC_REPLY)
                answered = True
            while not found:
                end = received.find(SYNC_END, checked)
                if end < 0:
                    break
                checked = end + len(SYNC_END)
                lines = screen_text(bytes(received[:checked]), size)
                if until(lines):
                    found.append((arrived, lines))
                    done.set()
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    started = time.time()
    proc = subprocess.Popen(list(command), stdin=slave, stdout=slave, stderr=slave, env=env)
    done.wait(timeout)
    proc.kill()
    try:
        _, _, usage = os.wait4(proc.pid, 0)  # CPU time: what a busy machine inflates least
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    if not found:
        return None
    arrived, lines = found[0]
    return FirstFrame(arrived - started, usage.ru_utime + usage.ru_stime, lines)
