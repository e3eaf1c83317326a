"""The clipboard cleaner runs by absolute path, isolated: never code found in the current folder.

It used to be started as ``python -m tui.cli.clipboard``, which resolves the
module from the current folder first: run from a folder holding a ``tui/``
package, someone else's code ran and the clipboard was never cleared.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import NOW
from tui import clipboard

ROOT = Path(__file__).resolve().parent.parent
STRONG = "x7#Gq9!mVb2$Lpz"
posix_only = pytest.mark.skipif(os.name != "posix", reason="the fake clipboard tools are POSIX scripts")


def _fake_wayland_tools(folder: Path) -> tuple[Path, Path]:
    """wl-copy / wl-paste that keep the clipboard in a file; returns (bin folder, clipboard file)."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    board = folder / "clipboard.txt"
    board.write_text("")
    copy = bin_dir / "wl-copy"
    copy.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(board)!r}, 'w').write('' if '--clear' in sys.argv"
        " else sys.stdin.read())\n"
    )
    paste = bin_dir / "wl-paste"
    paste.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write(open({str(board)!r}).read())\n")
    copy.chmod(0o755)
    paste.chmod(0o755)
    return bin_dir, board


def _plant_trap(folder: Path, marker: Path) -> None:
    """A folder whose modules, if anything imported them, would leave ``marker`` behind."""
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for name in (
        "tui/__init__.py",
        "tui/cli/__init__.py",
        "tui/cli/clipboard.py",
        "tui/cli/clipboard_cleaner.py",
        "tui/clipboard.py",
        "tui/clipboard_cleaner.py",
        "clipboard_cleaner.py",
        "json.py",
        "hashlib.py",
    ):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(payload)


def _wait_until(condition, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_cleaner_imports_only_the_standard_library():
    tree = ast.parse(clipboard.CLEANER.read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add((node.module or "").split(".")[0])
    assert imported, "the cleaner imports something"
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_the_cleaner_is_started_isolated_by_absolute_path_and_detached(monkeypatch, platform):
    started = []

    class FakePopen:
        def __init__(self, argv, **options):
            started.append((argv, options))
            self.stdin = open(os.devnull, "wb")  # noqa: SIM115

    monkeypatch.setattr(clipboard.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(clipboard.sys, "platform", platform)
    tools = clipboard.Tools("fake", ["/bin/copiar"], ["/bin/pegar"], None)
    clipboard.schedule_clear(STRONG, seconds=7, tools=tools)
    [(argv, options)] = started
    assert argv == [sys.executable, "-I", str(clipboard.CLEANER), "7"]
    assert Path(argv[2]).is_absolute() and Path(argv[2]).is_file()
    assert Path(argv[2]).parent == ROOT / "tui"
    assert "shell" not in options and options["stdin"] == subprocess.PIPE
    if platform == "win32":
        assert options["creationflags"] == 0x00000008 | 0x00000200  # DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP
        assert options["start_new_session"] is False
    else:
        assert options["creationflags"] == 0 and options["start_new_session"] is True


def _order(secret: str, tools: clipboard.Tools) -> bytes:
    salt = "sal"
    digest = hashlib.sha256((salt + secret).encode()).hexdigest()
    return (
        json.dumps(
            {"salt": salt, "digest": digest, "copy": tools.copy, "paste": tools.paste, "clear": tools.clear}
        ).encode()
        + b"\n"
    )


@posix_only
def test_the_cleaner_clears_only_what_we_put_there(tmp_path: Path):
    bin_dir, board = _fake_wayland_tools(tmp_path)
    tools = clipboard.Tools(
        "wl-copy",
        [str(bin_dir / "wl-copy")],
        [str(bin_dir / "wl-paste"), "--no-newline"],
        [str(bin_dir / "wl-copy"), "--clear"],
    )
    cleaner = [sys.executable, "-I", str(clipboard.CLEANER), "0"]

    board.write_text("lo que copió la persona después")
    done = subprocess.run(cleaner, input=_order(STRONG, tools), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert board.read_text() == "lo que copió la persona después"  # not ours: left alone

    board.write_text(STRONG)
    done = subprocess.run(cleaner, input=_order(STRONG, tools), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert board.read_text() == ""

    # A tool without a «clear» (xclip, pbcopy, clip): it copies an empty text instead.
    board.write_text(STRONG)
    no_clear = clipboard.Tools("xclip", tools.copy, tools.paste, None)
    done = subprocess.run(cleaner, input=_order(STRONG, no_clear), capture_output=True, timeout=30)
    assert done.returncode == 0 and board.read_text() == ""


def test_the_cleaner_refuses_a_garbled_order_without_touching_anything(tmp_path: Path):
    for order in (b"", b"no es json\n", b"[]\n", b'{"salt": "s", "digest": "d"}\n'):
        done = subprocess.run(
            [sys.executable, "-I", str(clipboard.CLEANER), "0"], input=order, capture_output=True, timeout=30
        )
        assert done.returncode == 2 and done.stderr == b""


class _Cli:
    """The ``resguardo`` console script on a temporary database, with the test keyring, from ``cwd``."""

    def __init__(self, tmp_path: Path) -> None:
        self.cwd = tmp_path / "carpeta"
        self.cwd.mkdir()
        self.env = {
            **os.environ,
            "RESGUARDO_DB": str(tmp_path / "resguardo.db"),
            "RESGUARDO_NOW": NOW.isoformat(),
            "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
            "RESGUARDO_TEST_KEYRING": str(tmp_path / "keyring.json"),
            "RESGUARDO_LLAVERO_COSTO": "ligero",
            "PYTHONPATH": str(ROOT),
        }
        for name in ("RESGUARDO_DEBUG", "RESGUARDO_LLAVERO", "WAYLAND_DISPLAY", "DISPLAY"):
            self.env.pop(name, None)
        self.script = Path(sys.executable).with_name("resguardo")

    def __call__(self, *args: str, input: str = "", env: dict[str, str] | None = None):
        return subprocess.run(
            [str(self.script), *args],
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            cwd=self.cwd,
            timeout=60,
            start_new_session=True,
        )


@posix_only
def test_copy_from_a_folder_holding_a_tui_package_never_runs_it(tmp_path: Path):
    run = _Cli(tmp_path)
    assert run("iniciar", "--perfil", "ine").returncode == 0
    assert run("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").returncode == 0
    fijar = run("credencial", "fijar", "1", input=STRONG + "\n")
    assert fijar.returncode == 0, fijar.stderr
    marker = tmp_path / "ejecutado.txt"
    _plant_trap(run.cwd, marker)  # only now: the commands above must not trip it either way
    bin_dir, board = _fake_wayland_tools(tmp_path)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "WAYLAND_DISPLAY": "wayland-prueba",
        "RESGUARDO_CLIPBOARD_SECONDS": "1",
    }

    copied = run("credencial", "copiar", "1", env=env)
    assert copied.returncode == 0, copied.stderr
    assert board.read_text() == STRONG
    assert _wait_until(lambda: board.read_text() == ""), "the real cleaner did not clear the clipboard"
    assert not marker.exists(), marker.read_text()


@posix_only
def test_schedule_clear_from_a_trapped_folder_still_clears(tmp_path: Path, monkeypatch):
    marker = tmp_path / "ejecutado.txt"
    trap = tmp_path / "trampa"
    _plant_trap(trap, marker)
    bin_dir, board = _fake_wayland_tools(tmp_path)
    monkeypatch.chdir(trap)
    monkeypatch.setenv("PYTHONPATH", str(trap))  # ignored in isolated mode, as PYTHONSTARTUP and the rest
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-prueba")
    tools = clipboard.copy(STRONG)
    assert tools.name == "wl-copy" and board.read_text() == STRONG
    clipboard.schedule_clear(STRONG, seconds=0)
    assert _wait_until(lambda: board.read_text() == "")
    assert not marker.exists(), marker.read_text()


def test_isolated_mode_searches_neither_the_scripts_folder_nor_the_current_one(tmp_path: Path):
    # The script's own folder must not be searched either (a standard-library name such as calendar.py beside it).
    # Python 3.11's -I implies -P: no sys.path[0] at all, for a script path as for -c.
    marker = tmp_path / "ejecutado.txt"
    folder = tmp_path / "junto"
    _plant_trap(folder, marker)
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for name in ("subprocess.py", "time.py", "contextlib.py", "calendar.py"):
        (folder / name).write_text(payload)
    copy = folder / "clipboard_cleaner.py"
    copy.write_text(clipboard.CLEANER.read_text("utf-8"))
    done = subprocess.run(
        [sys.executable, "-I", str(copy), "0"],
        input=b"[]\n",
        capture_output=True,
        cwd=folder,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(folder)},
    )
    assert done.returncode == 2 and done.stderr == b""
    assert not marker.exists(), marker.read_text()
    probe = subprocess.run(
        [sys.executable, "-I", "-c", "import sys; print(sys.flags.safe_path)"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.stdout.strip() == "True"
