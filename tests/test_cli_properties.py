"""Property-based tests of the command line's argument parsing (hypothesis).

For every subcommand of ``build_parser``'s tree, random argument lists (any
Unicode, control characters, lone surrogates, huge and negative numbers,
impossible dates, empty strings, the subcommand's own option names and choices)
never produce «error inesperado», a traceback or an exit status other than 0, 1
or 2; and a command that only reads never changes a byte of the database.

Run in this process (``tui.cli.main``), inside a scratch folder: a generated
path never leaves it (no token starts with «/», «\\» or «~», none holds «..»).
"""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import open_store
from tests.conftest import NOW
from tests.inprocess import cli_environment, run, run_argv
from tui.cli import build_parser

#: Examples per property; each runs one command in this process (~10–60 ms). More for a long hunt:
#: RESGUARDO_PROPERTY_EXAMPLES=5000 pytest tests/test_cli_properties.py
EXAMPLES = int(os.environ.get("RESGUARDO_PROPERTY_EXAMPLES", "120"))


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups and path:
        yield path, parser
    for group in groups:
        for name, sub in group.choices.items():
            yield from _leaves(sub, (*path, name))


#: ``coordinacion servir`` runs Datasette until it is stopped: a server, not a command to fuzz (a drawn
#: ``--puerto`` that works left the suite waiting on it; test_coordination.py tests it with the call replaced).
SERVERS = {("coordinacion", "servir")}
LEAVES = {path: parser for path, parser in _leaves(build_parser([])) if path not in SERVERS}

#: The subcommands that only read (their output may go to a file, never to the database).
READ_ONLY = [
    path
    for path in sorted(LEAVES)
    if (
        path[-1] in {"listar", "mostrar", "cambios", "buscar", "verificar", "sello", "evaluar", "revisar", "estado"}
        or path in {("pendientes",), ("exportar",), ("bitacora", "exportar"), ("credencial", "copiar")}
    )
    # The bitácora's seal and verification sign a keyed checkpoint into the database (store.integrity).
    and path not in {("bitacora", "sello"), ("bitacora", "verificar")}
]


def _safe(token: str) -> bool:
    """A token that, taken as a path, stays inside the current (scratch) folder."""
    return not token.startswith(("/", "\\", "~")) and ".." not in token and ":" not in token[1:3]


SPECIAL = [
    "",
    " ",
    "-",
    "--",
    "-1",
    "0",
    "1",
    "2",
    "3",
    "007",
    "+5",
    "1_000",
    "1e9",
    "nan",
    "²",
    "٣",
    "99999999999999999999",
    "9" * 40,
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "2026-13-01",
    "2026-02-30",
    "2026-03-12",
    "2026-03-12T25:61",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "2100-12-31T23:59",
    "1999-12-31",
    "2026-03-12T10:00+14:00",
    "x/@INEMexico",
    "@INEMexico",
    "x/@",
    "Ana Pérez",
    "sí",
    "no",
    "SÍ",
    "\x00",
    "\udcff",
    "a\udce9b",
    "\x1b[31m",
    "\r\n",
    "\t",
    "‮",
    "🙂",
    '=HYPERLINK("x")',
]

BASIC = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=10),  # every code point: controls, surrogates…
    st.binary(max_size=8).map(lambda raw: raw.decode("utf-8", "surrogateescape")),  # argv bytes, as POSIX decodes them
    st.integers().map(str),
    st.integers(min_value=2**62, max_value=10**40).map(str),
    st.sampled_from(SPECIAL),
).filter(_safe)


def _tokens(parser: argparse.ArgumentParser) -> st.SearchStrategy[str]:
    options = sorted(s for a in parser._actions for s in a.option_strings if s != "--db")
    choices = sorted(
        str(c)
        for a in parser._actions
        if a.choices is not None and not isinstance(a, argparse._SubParsersAction)
        for c in a.choices
    )
    parts = [BASIC, st.sampled_from(options)]
    if choices:
        parts.append(st.sampled_from(choices))
    return st.one_of(*parts)


#: Values that usually pass argparse and reach the command: the demo's ids, dates near the clock.
PLAUSIBLE = st.one_of(
    st.integers(min_value=0, max_value=60).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-03-01", "2026-03-12", "2026-03-12T09:30", "2026-04-30", "x/@IECM_mx", "nota"]),
)


def _value(action: argparse.Action) -> st.SearchStrategy[str]:
    if action.choices is not None:
        return st.one_of(st.sampled_from(sorted(str(c) for c in action.choices)), BASIC)
    return st.one_of(PLAUSIBLE, BASIC)


@st.composite
def _structured(draw: st.DrawFn, parser: argparse.ArgumentParser) -> list[str]:
    """Every positional and each option at most once (the required ones always), values of the
    right shape most of the time: what gets past argparse into the command itself."""
    tokens: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or "--db" in action.option_strings:
            continue
        if not action.option_strings:
            if action.nargs == "?" and draw(st.booleans()):
                continue
            tokens.append(draw(_value(action)))
        elif action.required or draw(st.integers(0, 2)) == 0:
            tokens.append(action.option_strings[-1])
            if action.nargs != 0:
                tokens.append(draw(_value(action)))
    return tokens


def _argv(paths: list[tuple[str, ...]]) -> st.SearchStrategy[list[str]]:
    def for_path(path: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
        parser = LEAVES[path]
        tokens = st.one_of(_structured(parser), st.lists(_tokens(parser), max_size=6))
        return tokens.map(lambda rest: [*path, *rest])

    return st.sampled_from(paths).flatmap(for_path)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A scratch folder to run in, and a demo database whose holidays of every year the
    commands accept are stored already (so that reading never has a reason to write)."""
    import tui.clipboard

    folder = tmp_path_factory.mktemp("propiedades")
    patch = pytest.MonkeyPatch()
    cli_environment(patch)
    patch.setattr(tui.clipboard, "find_tools", lambda: None)  # never start a clipboard tool
    previous = Path.cwd()
    os.chdir(folder)
    try:
        template = folder / "plantilla.db"
        assert run("demo", "--perfil", "iecm", "--db", str(template)).code == 0
        assert run("bitacora", "agregar", "1", "--tipo", "nota", "--texto", "Una nota", "--db", str(template)).code == 0
        with open_store(template, clock=lambda: NOW) as store:
            store.calendar.ensure_years(2017, 2112)
        yield folder, template
    finally:
        os.chdir(previous)
        patch.undo()


def _check(result_code: int, err: str, argv: list[str]) -> None:
    assert "inesperado" not in err, (argv, err)
    assert "Traceback" not in err, (argv, err)
    assert result_code in (0, 1, 2), (argv, result_code, err)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(argv=_argv(sorted(LEAVES)))
def test_no_arguments_give_an_unexpected_error(sandbox: tuple[Path, Path], argv: list[str]):
    folder, template = sandbox
    db = folder / "copia.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db)
    result = run_argv([*argv, "--db", str(db)])
    _check(result.code, result.err, argv)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(argv=_argv(READ_ONLY))
def test_a_read_only_command_never_changes_the_database(sandbox: tuple[Path, Path], argv: list[str]):
    _, template = sandbox
    before = template.read_bytes()
    result = run_argv([*argv, "--db", str(template)])
    _check(result.code, result.err, argv)
    assert template.read_bytes() == before, argv
    wal = Path(f"{template}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, argv


def test_the_tree_is_walked():
    # every command word of the parser is reached, and the read-only list names real subcommands
    assert {path[0] for path in LEAVES} >= {"pendientes", "cuentas", "bitacora", "credencial", "ajustes"}
    assert len(LEAVES) > 60 and len(READ_ONLY) > 20
