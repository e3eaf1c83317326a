"""The command line run in this process (``tui.cli.main``), for tests that call it many times."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from tests.conftest import NOW
from tui.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed clock, the in-memory keyring, a short lock wait, no debug tracebacks."""
    monkeypatch.setenv("RESGUARDO_NOW", NOW.isoformat())
    monkeypatch.setenv("RESGUARDO_LOCK_TIMEOUT", "0.2")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.memory_keyring.MemoryKeyring")
    monkeypatch.delenv("RESGUARDO_DEBUG", raising=False)
    monkeypatch.delenv("RESGUARDO_DB", raising=False)


def run(*argv: str, stdin: str = "") -> Run:
    """Exit status, standard output and standard error of ``resguardo ARGV``."""
    return run_argv(argv, stdin=stdin)


def run_argv(argv: Sequence[str], stdin: str = "") -> Run:
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse's usage errors and --help
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved
    return Run(code, out.getvalue(), err.getvalue())


def refused(result: Run, *words: str) -> str:
    """One Spanish line on stderr, exit 1 or 2, no traceback; each of ``words`` in it (any case)."""
    assert result.code in (1, 2), (result.code, result.out, result.err)
    assert "inesperado" not in result.err and "Traceback" not in result.err, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("resguardo"), result.err
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]
