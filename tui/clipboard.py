"""The system clipboard through the platform's own tools, cleared after a while.

Tools are looked up when needed (Windows: PowerShell's Set-Clipboard or
``clip``; macOS: pbcopy/pbpaste; Linux: wl-copy/wl-paste under Wayland, xclip
or xsel under X11) and run without a shell. The secret always travels
through the tool's standard input, never on a command line. Clearing is done
by a small detached process that sleeps, checks the clipboard still holds what
we put there (comparing salted digests it received on its standard input) and
empties it: the standalone script ``clipboard_cleaner.py`` beside this file,
run by its absolute path in Python's isolated mode (``-I``), so the folder the
command runs from is never searched for modules.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from policy.errors import ResguardoError

#: Seconds before the clipboard is cleared.
CLEAR_AFTER = 30
#: Overrides CLEAR_AFTER (tests only).
ENV_SECONDS = "RESGUARDO_CLIPBOARD_SECONDS"
#: The cleaner, a standard-library-only script (it must not import the project: see its docstring).
CLEANER = Path(__file__).resolve().with_name("clipboard_cleaner.py")
#: Windows: DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP (no console, no Ctrl+C from ours).
WINDOWS_DETACHED = 0x00000008 | 0x00000200


class ClipboardError(ResguardoError):
    title = "Portapapeles"


@dataclass(frozen=True, slots=True)
class Tools:
    name: str
    copy: list[str]
    paste: list[str] | None
    clear: list[str] | None  # None: copy an empty string


def find_tools() -> Tools | None:
    """The clipboard tools of this system, or None when there are none."""
    if sys.platform == "win32":
        shell = shutil.which("powershell") or shutil.which("pwsh")
        if shell:
            base = [shell, "-NoProfile", "-NonInteractive", "-Command"]
            return Tools(
                "PowerShell",
                base + ["Set-Clipboard -Value ([Console]::In.ReadToEnd())"],
                base + ["Get-Clipboard -Raw"],
                base + ["Set-Clipboard -Value $null"],
            )
        clip = shutil.which("clip")
        return Tools("clip", [clip], None, None) if clip else None
    if sys.platform == "darwin":
        copy, paste = shutil.which("pbcopy"), shutil.which("pbpaste")
        return Tools("pbcopy", [copy], [paste] if paste else None, None) if copy else None
    if os.environ.get("WAYLAND_DISPLAY"):
        copy, paste = shutil.which("wl-copy"), shutil.which("wl-paste")
        if copy:
            return Tools("wl-copy", [copy], [paste, "--no-newline"] if paste else None, [copy, "--clear"])
    if os.environ.get("DISPLAY"):
        xclip = shutil.which("xclip")
        if xclip:
            return Tools("xclip", [xclip, "-selection", "clipboard"], [xclip, "-selection", "clipboard", "-o"], None)
        xsel = shutil.which("xsel")
        if xsel:
            return Tools(
                "xsel",
                [xsel, "--clipboard", "--input"],
                [xsel, "--clipboard", "--output"],
                [xsel, "--clipboard", "--clear"],
            )
    return None


def require_tools() -> Tools:
    tools = find_tools()
    if tools is None:
        raise ClipboardError(
            "No hay una herramienta de portapapeles disponible (en Linux instale wl-clipboard, xclip o xsel"
            " y use una sesión gráfica; en Windows, PowerShell; en macOS, pbcopy). Use «resguardo"
            " credencial mostrar CUENTA --revelar» si necesita ver la contraseña."
        )
    return tools


def _run(command: list[str], text: str | None = None) -> subprocess.CompletedProcess[bytes]:
    # Output to DEVNULL: wl-copy and xclip keep serving the selection in a child process
    # that inherits the pipes, and capturing would wait for it.
    return subprocess.run(
        command,
        input=(text or "").encode("utf-8") if text is not None else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=10,
        check=False,
    )


def copy(secret: str, tools: Tools | None = None) -> Tools:
    """Put ``secret`` on the clipboard. ClipboardError when no tool exists or it fails."""
    tools = tools or require_tools()
    try:
        result = _run(tools.copy, secret)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ClipboardError(f"No se pudo copiar al portapapeles con {tools.name} ({type(exc).__name__}).") from None
    if result.returncode != 0:
        raise ClipboardError(f"{tools.name} no pudo copiar al portapapeles (código {result.returncode}).")
    return tools


def clear_delay() -> int:
    try:
        return max(0, int(os.environ.get(ENV_SECONDS, CLEAR_AFTER)))
    except ValueError:
        return CLEAR_AFTER


def cleaner_command(delay: int) -> list[str]:
    """How the cleaner is started: this interpreter, isolated, the script by its absolute path."""
    return [sys.executable, "-I", str(CLEANER), str(delay)]


def schedule_clear(secret: str, seconds: int | None = None, tools: Tools | None = None) -> None:
    """Start a detached process that clears the clipboard after ``seconds`` if it still holds ``secret``."""
    tools = tools or find_tools()
    if tools is None:
        return  # nothing could have been copied
    delay = clear_delay() if seconds is None else seconds
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((salt + secret).encode("utf-8")).hexdigest()
    order = {"salt": salt, "digest": digest, "copy": tools.copy, "paste": tools.paste, "clear": tools.clear}
    windows = sys.platform == "win32"
    helper = subprocess.Popen(  # fixed argv, no shell
        cleaner_command(delay),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        # Detached on Windows; a new session elsewhere: it outlives the command and its terminal.
        creationflags=WINDOWS_DETACHED if windows else 0,
        start_new_session=not windows,
    )
    assert helper.stdin is not None
    helper.stdin.write((json.dumps(order) + "\n").encode("ascii"))
    helper.stdin.close()
