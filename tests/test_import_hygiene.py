"""Layering and start-up cost: what a fresh interpreter imports.

``store``, ``policy`` and the command line never import Textual; everyday commands do
not pay for sqlite-utils (migrations only) nor holidays (materialized once) nor zxcvbn.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import NOW

HEAVY = ("textual", "sqlite_utils", "holidays", "zxcvbn", "policy.strength", "store.secrets")
#: What ``pendientes`` also does without (its 250 ms budget): dataclasses pulls in inspect
#: (~20 ms with the generated methods); hashlib and shutil cost ~5 ms each.
AGENDA_AVOIDS = (*HEAVY, "dataclasses", "inspect", "hashlib", "shutil")

_REPORT = (
    "import json, sys\n"
    "heavy = {heavy!r}\n"
    "loaded = set(sys.modules) | {{m.split('.')[0] for m in sys.modules}}\n"
    "print(json.dumps(sorted(loaded & set(heavy))))\n"
)


def _run(body: str, env: dict[str, str] | None = None, avoid: tuple[str, ...] = HEAVY) -> list[str]:
    code = body + "\n" + _REPORT.format(heavy=avoid)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_the_layers_and_parsing_loads_nothing_heavy():
    body = (
        "import contextlib, io, store, store.db, store.state, policy, policy.engine, tui.cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    tui.cli.main(['pendientes', '--help'])\n"
        "assert 'pendientes' in out.getvalue()\n"
        "tui.cli.build_parser().parse_args(['pendientes', '--json', '--dias', '5'])\n"
    )
    assert _run(body) == []


def test_pendientes_on_an_initialized_database_loads_nothing_heavy(cli):
    assert cli("iniciar", "--perfil", "ine").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@Elecciones").code == 0
    body = (
        "import contextlib, io, json, os, tui.cli\n"
        f"os.environ['RESGUARDO_DB'] = {str(cli.db)!r}\n"
        f"os.environ['RESGUARDO_NOW'] = {NOW.isoformat()!r}\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = tui.cli.main(['pendientes', '--json'])\n"
        "assert code == 0, code\n"
        "assert json.loads(out.getvalue()), 'the agenda should not be empty'\n"
    )
    assert _run(body, avoid=AGENDA_AVOIDS) == []


def test_other_everyday_commands_do_not_load_holidays_or_sqlite_utils(cli):
    assert cli("iniciar", "--perfil", "ine").code == 0
    for argv in (["cuentas", "listar", "--json"], ["pendientes"], ["personas", "listar"]):
        body = (
            "import contextlib, io, os, tui.cli\n"
            f"os.environ['RESGUARDO_DB'] = {str(cli.db)!r}\n"
            f"os.environ['RESGUARDO_NOW'] = {NOW.isoformat()!r}\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    assert tui.cli.main({argv!r}) == 0\n"
        )
        assert _run(body) == [], argv


def test_opening_a_store_imports_no_repository_until_it_is_used(tmp_path):
    from store import open_store

    open_store(tmp_path / "r.db", create=True).close()
    body = (
        "import sys\n"
        "from store import open_store\n"
        f"store = open_store({str(tmp_path / 'r.db')!r}, auto_backup=False)\n"
        "assert 'store.accounts' not in sys.modules and 'store.waivers' not in sys.modules\n"
        "assert 'store.journal' not in sys.modules\n"
        "store.waivers\n"
        "assert 'store.waivers' in sys.modules and 'store.journal' in sys.modules\n"
        "assert 'store.consultations' not in sys.modules and 'store.calendar' not in sys.modules\n"
    )
    assert _run(body) == []
