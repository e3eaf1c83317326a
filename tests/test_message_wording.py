"""Messages of the store and the core name no command-line option and no command.

The workbench shows the same messages as the command line, so «indique el motivo con
--motivo» or «use «resguardo cuentas desasignar 3 7»» would point its users at a face
they are not using. A rule says which field it needs (``MissingDetail.field``,
``RefusedUnless.field``, ``RoleTaken``'s ids) and the command line adds its own option.

Read from the source with ``ast``: every string literal of ``store/`` and ``tui/core/``
that is not a docstring. The few hints that stay are listed below with their reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from policy.institution import RoleTaken
from policy.workflows import MissingDetail, RefusedUnless
from tests.inprocess import cli_environment, refused, run
from tui.cli import COMMANDS
from tui.core.incidents import close_incident, open_incident
from tui.core.records import assign
from tui.core.waivers import add_waiver
from tui.core.workflows import add_opening, resolve_opening

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("store", "tui/core")

#: ``--opcion``, or ``resguardo <command>`` for any top-level command of the command line.
TOKEN = re.compile(r"(?<![\w-])--[a-z][a-z-]*|\bresguardo (?:" + "|".join(sorted(COMMANDS)) + r")\b")

_RECOVERY = (
    "a recovery hint: the database or the keyring is missing, damaged or restored, and the way out is a"
    " command-line step whichever face shows it"
)

#: (file, token) -> why the message may name it.
ALLOWED: dict[tuple[str, str], str] = {
    ("store/db.py", "resguardo iniciar"): "no database yet: " + _RECOVERY,
    ("store/db.py", "--perfil"): "no database yet: " + _RECOVERY,
    ("store/db.py", "resguardo demo"): "no database yet: " + _RECOVERY,
    ("store/settings.py", "resguardo iniciar"): "a database without a profile: " + _RECOVERY,
    ("store/settings.py", "--perfil"): "a database without a profile: " + _RECOVERY,
    ("store/settings.py", "resguardo demo"): "a database without a profile: " + _RECOVERY,
    ("store/integrity.py", "resguardo bitacora"): "the bitácora's chain must be verified in full: " + _RECOVERY,
    ("store/integrity.py", "--acepto-restauracion"): "a restored database must be acknowledged: " + _RECOVERY,
    ("store/secrets.py", "resguardo respaldo"): "a damaged encrypted keyring is restored from a backup: " + _RECOVERY,
    ("store/credentials.py", "resguardo credencial"): (
        "keyring hints of the credentials area: an interrupted save to confirm or discard (the message also"
        " names the workbench's key), a promotion that failed, a password never saved"
    ),
    ("store/credentials.py", "resguardo llavero"): "a keyring promotion that failed: " + _RECOVERY,
    ("store/credentials.py", "--probar"): "a keyring promotion that failed: " + _RECOVERY,
    ("store/admin_changes.py", "--hasta"): (
        "administrator changes are being reworked for issue #13 by another change; its messages move with it"
    ),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def option_tokens(source: str) -> list[tuple[int, str]]:
    """(line, token) of every option or command named by a string literal that is not a docstring."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return [
        (node.lineno, match.group())
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
        for match in TOKEN.finditer(node.value)
    ]


def _found() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for line, token in option_tokens(path.read_text(encoding="utf-8")):
                found.setdefault((name, token), []).append(line)
    return found


def test_store_and_core_messages_name_no_option_or_command_beyond_the_listed_hints() -> None:
    offences = [
        f"{name}:{lines[0]} names «{token}»"
        for (name, token), lines in _found().items()
        if (name, token) not in ALLOWED
    ]
    assert offences == []


def test_every_listed_hint_is_still_there() -> None:
    assert sorted(set(ALLOWED) - set(_found())) == []


def test_the_checker_sees_an_option_and_a_command_but_not_a_docstring_or_a_word() -> None:
    sample = (
        'def f():\n    """Run «resguardo demo --json»."""\n'
        '    raise E(f"Indique el motivo con --motivo ({x}).")\n'
        '    raise E(f"Desasígnelo (resguardo cuentas desasignar {a} {b}).")\n'
        '    raise E("La base de datos de resguardo no se abrió; falta el resguardo de los códigos.")\n'
    )
    assert option_tokens(sample) == [(3, "--motivo"), (4, "resguardo cuentas")]


# -- the faces: the core says it in words, the command line adds its options -------------------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An ine database with x/@INEPrueba (id 1) whose titular is Ana López (id 1)."""
    cli_environment(monkeypatch)
    path = str(tmp_path / "r.db")
    for args in (
        ("iniciar", "--perfil", "ine"),
        ("cuentas", "agregar", "--red", "x", "--usuario", "@INEPrueba"),
        ("personas", "agregar", "--nombre", "Ana López"),
        ("personas", "agregar", "--nombre", "Beto Ruiz"),
        ("cuentas", "asignar", "1", "Ana López", "--rol", "titular", "--desde", "2025-01-01"),
        ("aperturas", "agregar", "--red", "facebook", "--usuario", "INENuevo", "--oficio", "R1"),
        ("incidentes", "abrir", "1", "--descripcion", "Acceso no autorizado"),
    ):
        result = run(*args, "--db", path)
        assert result.code == 0, result.err
    return path


def _line(result_err: str) -> str:
    return result_err.strip().split(": ", 1)[1]


def test_a_rejection_without_reason_gains_only_the_option(db: str) -> None:
    line = refused(run("aperturas", "resolver", "1", "--resultado", "rechazada", "--db", db))
    assert _line(line) == "Indique el motivo del rechazo (--motivo)."


def test_an_incident_without_rotation_gains_only_the_options(db: str) -> None:
    result = run("incidentes", "cerrar", "1", "--db", db)
    assert result.code == 1
    assert refused(result).endswith(
        " Registre la rotación o cierre sin rotación indicando el motivo (--sin-rotacion --motivo)."
    )


def test_a_waiver_naming_nothing_or_both_ways_gains_only_the_options(db: str) -> None:
    base = ("dispensas", "agregar", "--hasta", "2026-12-01", "--motivo", "Vacaciones", "--db", db)
    assert _line(refused(run(*base))) == (
        "Indique qué se dispensa: el tipo de obligación (con la cuenta, si es de una cuenta) o su clave"
        " (--tipo [--cuenta] o --clave)."
    )
    assert _line(refused(run(*base, "--clave", "rotation:a1", "--cuenta", "1"))) == (
        "Indique la clave sola, o bien el tipo con la cuenta (--clave sola, o --tipo con --cuenta)."
    )


def test_the_assignment_conflict_keeps_its_command_on_the_command_line_only(db: str) -> None:
    result = run("cuentas", "asignar", "1", "Beto Ruiz", "--rol", "titular", "--db", db)
    assert result.code == 1
    assert _line(refused(result)) == (
        "x/@INEPrueba ya tiene titular: Ana López. Desasígnelo primero (resguardo cuentas desasignar 1 1)."
    )


def test_the_core_says_the_same_refusals_without_options(store) -> None:  # type: ignore[no-untyped-def]
    account = store.accounts.add(network="x", handle="@INEPrueba")
    ana = store.people.add(name="Ana López")
    beto = store.people.add(name="Beto Ruiz")
    assign(store, account.id, ana.id, role="titular")
    with pytest.raises(RoleTaken) as taken:
        assign(store, account.id, beto.id, role="titular")
    opening = add_opening(store, network="facebook", handle="INENuevo", reference="R1").opening
    with pytest.raises(MissingDetail) as rejected:
        resolve_opening(store, opening.id, "rechazada")
    incident = open_incident(store, account.id, "Acceso no autorizado")
    with pytest.raises(RefusedUnless) as unrotated:
        close_incident(store, incident.id)
    with pytest.raises(MissingDetail) as nothing:
        add_waiver(store, reason="Vacaciones")
    for error in (taken.value, rejected.value, unrotated.value, nothing.value):
        assert option_tokens(repr(error.message)) == [], error.message
    assert (rejected.value.field, unrotated.value.field, nothing.value.field) == (
        "motivo",
        "sin_rotacion",
        "obligacion",
    )
