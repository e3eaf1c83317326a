"""Issue #17: an office's signed package, and the coordination office's database built from them.

Each office's database is made with the command line (in this process); packages are exported,
registered and imported as a user would. Every refusal leaves the coordination database
byte-for-byte as it was (compared through a full SQL dump before and after).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from policy import package as rules
from store import coordination as kept
from store.coordination import open_coordination
from tests.inprocess import cli_environment, refused, run

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Tornado-Cielo-Maple-8841!"


def _ok(*argv: str, stdin: str = "") -> str:
    done = run(*argv, stdin=stdin)
    assert done.code == 0, (argv, done.out, done.err)
    return done.out


def _public_key(db: Path) -> str:
    return json.loads(_ok("--db", str(db), "paquete", "llave", "--json"))["public_key"]


def _note(db: Path, text: str) -> None:
    _ok("--db", str(db), "bitacora", "agregar", "-", "--tipo", "nota", "--texto", text)


def _export(db: Path, office: str, target: Path) -> Path:
    _ok("--db", str(db), "paquete", "exportar", "--oficina", office, "--salida", str(target))
    return target


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class Offices:
    """Two offices' databases and the packages the tests import (built once per module)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.a = root / "a" / "resguardo.db"
        self.b = root / "b" / "resguardo.db"
        self.a.parent.mkdir()
        self.b.parent.mkdir()
        _ok("--db", str(self.a), "demo", "--perfil", "iecm")
        _ok("--db", str(self.a), "credencial", "fijar", "facebook/IECMDistrito04", stdin=PASSWORD + "\n")
        # the office's history before its first package: kept to build a rewritten and a truncated one
        self.a_before = root / "a-antes.db"
        shutil.copyfile(self.a, self.a_before)
        _note(self.a, "Primera nota del paquete 1")
        _note(self.a, "Segunda nota del paquete 1")
        self.p1 = _export(self.a, "IECM-DD05", root / "p1.zip")
        _note(self.a, "Nota del paquete 2")
        self.p2 = _export(self.a, "IECM-DD05", root / "p2.zip")
        _ok("--db", str(self.b), "iniciar", "--perfil", "ieeags")
        _ok("--db", str(self.b), "cuentas", "agregar", "--red", "x", "--usuario", "@IEEAGS_DD01")
        self.key_a = _public_key(self.a)
        self.key_b = _public_key(self.b)
        self.pb = _export(self.b, "IEEAGS-01", root / "pb.zip")
        # office B's key signing a package that claims to be office A's
        self.forged = _export(self.b, "IECM-DD05", root / "forjado.zip")
        # office A's key, an older history: truncated (fewer entries), or rewritten (different entries)
        trunc_db = root / "trunc" / "resguardo.db"
        trunc_db.parent.mkdir()
        shutil.copyfile(self.a_before, trunc_db)
        self.truncated = _export(trunc_db, "IECM-DD05", root / "truncado.zip")
        rewrite_db = root / "rewrite" / "resguardo.db"
        rewrite_db.parent.mkdir()
        shutil.copyfile(self.a_before, rewrite_db)
        for text in ("Otra primera nota", "Otra segunda nota", "Otra tercera nota", "Otra cuarta nota"):
            _note(rewrite_db, text)
        self.rewritten = _export(rewrite_db, "IECM-DD05", root / "reescrito.zip")


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Offices:
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("oficinas")
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING", str(root / "llavero.json"))
    try:
        return Offices(root)
    finally:
        monkeypatch.undo()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, offices: Offices, tmp_path: Path) -> Path:
    """The CLI environment and a fresh coordination database with both offices registered."""
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING", str(offices.root / "llavero.json"))
    coord = tmp_path / "coordinacion.db"
    monkeypatch.setenv(kept.ENV_PATH, str(coord))
    _ok("coordinacion", "oficinas", "agregar", "IECM-DD05", "--llave", offices.key_a)
    _ok("coordinacion", "oficinas", "agregar", "ieeags-01", "--llave", offices.key_b)
    return coord


# -- the package ------------------------------------------------------------------------


def test_package_holds_manifest_signature_and_no_secret(offices: Offices) -> None:
    with zipfile.ZipFile(offices.p2) as bundle:
        assert sorted(bundle.namelist()) == sorted([rules.MANIFEST_NAME, rules.DATABASE_NAME])
        manifest_bytes = bundle.read(rules.MANIFEST_NAME)
        signature = rules.signature_of(bundle.comment)
        snapshot = bundle.read(rules.DATABASE_NAME)
    manifest = rules.read_manifest(manifest_bytes)
    assert tuple(sorted(manifest)) == tuple(sorted(rules.MANIFEST_KEYS))
    assert manifest["office"] == "IECM-DD05" and manifest["profile"] == "iecm"
    assert manifest["public_key"] == offices.key_a
    live = sqlite3.connect(offices.a)
    entries, head = live.execute(
        "SELECT count(*), (SELECT hash FROM bitacora ORDER BY id DESC LIMIT 1) FROM bitacora"
    ).fetchone()
    real_print = live.execute("SELECT fingerprint FROM credential_status").fetchone()[0]
    live.close()
    assert (manifest["entries"], manifest["head_hash"]) == (entries, head)
    assert signature is not None and len(signature) == rules.SIGNATURE_SIZE
    # the signature covers every byte before it: both members and the zip's structure
    assert hashlib.sha256(snapshot).hexdigest() == manifest["database_sha256"]
    whole = offices.p2.read_bytes()
    signed = hashlib.sha256(whole[: -rules.SIGNATURE_COMMENT_SIZE]).hexdigest()
    Ed25519PublicKey.from_public_bytes(rules.parse_public_key(offices.key_a)).verify(
        signature, rules.signed_message(signed)
    )
    # no secret, no keyed fingerprint: every text cell of every table
    path = offices.root / "snapshot.sqlite"
    path.write_bytes(snapshot)
    conn = sqlite3.connect(path)
    keyring = json.loads((offices.root / "llavero.json").read_text(encoding="utf-8"))
    secrets = [PASSWORD, real_print, *(v for v in _values(keyring) if len(v) >= 16)]
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    seen_cells = 0
    for table in tables:
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            for cell in row:
                text = cell if isinstance(cell, str) else cell.decode("latin-1") if isinstance(cell, bytes) else ""
                seen_cells += 1
                for secret in secrets:
                    assert secret not in text, (table, secret[:4])
    assert seen_cells > 1000
    labels = {row[0] for row in conn.execute("SELECT fingerprint FROM credential_status")}
    assert labels == {"g1"}
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0
    conn.close()


def _values(data: object) -> list[str]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data] if isinstance(data, str) else []


def test_key_is_created_once_and_shown_again(offices: Offices, monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING", str(offices.root / "llavero.json"))
    out = _ok("--db", str(offices.a), "paquete", "llave")
    assert "Se creó" not in out
    assert offices.key_a in out
    assert rules.fingerprint(rules.parse_public_key(offices.key_a)) in out
    assert offices.key_a != offices.key_b


def test_export_refuses_a_missing_folder(offices: Offices, monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING", str(offices.root / "llavero.json"))
    target = offices.root / "no-existe" / "p.zip"
    refused(run("--db", str(offices.a), "paquete", "exportar", "--oficina", "X1", "--salida", str(target)), "no existe")
    refused(run("--db", str(offices.a), "paquete", "exportar", "--oficina", "mal clave", "--salida", "p.zip"), "clave")


# -- importing --------------------------------------------------------------------------


def test_import_then_same_package_again_changes_nothing(env: Path, offices: Offices) -> None:
    out = _ok("coordinacion", "importar", str(offices.p1))
    assert "IECM-DD05 importada" in out
    before = dump(env)
    again = _ok("coordinacion", "importar", str(offices.p1))
    assert "sin cambios" in again
    assert dump(env) == before
    with open_coordination(env, read_only=True) as coordination:
        counts = coordination.counts()
        office = coordination.office("IECM-DD05")
    assert counts["packages"] == 1 and counts["accounts"] > 100 and counts["obligations"] > 50
    assert (
        office is not None
        and office.entries == rules.read_manifest(_member(offices.p1, rules.MANIFEST_NAME))["entries"]
    )


def _member(package: Path, name: str) -> bytes:
    with zipfile.ZipFile(package) as bundle:
        return bundle.read(name)


def test_a_package_that_extends_the_previous_one_is_imported(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p1))
    done = run("coordinacion", "importar", str(offices.p2), str(offices.pb))
    assert done.code == 0, done.err
    assert "2 paquetes" in done.out and "2 importados" in done.out
    assert done.err.count("2/2") == 1 and "1/2" in done.err  # the progress bar
    with open_coordination(env, read_only=True) as coordination:
        a = coordination.office("IECM-DD05")
        assert a is not None and a.entries == rules.read_manifest(_member(offices.p2, rules.MANIFEST_NAME))["entries"]
        offices_of_rows = {r[0] for r in coordination.store.rows("SELECT DISTINCT office FROM accounts")}
    assert offices_of_rows == {"IECM-DD05", "IEEAGS-01"}


def test_a_tampered_package_is_refused_and_nothing_changes(env: Path, offices: Offices, tmp_path: Path) -> None:
    """One byte changed anywhere (the members, the zip's headers and directory, the signature): refused."""
    _ok("coordinacion", "importar", str(offices.p1))
    before = dump(env)
    original = offices.p2.read_bytes()
    with zipfile.ZipFile(offices.p2) as bundle:
        inside = [info.header_offset + 30 + len(info.filename) + info.compress_size // 2 for info in bundle.infolist()]
        local_header_times = [info.header_offset + 10 for info in bundle.infolist()]
    size = len(original)
    positions = {0, 7, size - 1, size - 40, size - rules.SIGNATURE_COMMENT_SIZE - 3, *inside, *local_header_times}
    positions |= set(random.Random(17).sample(range(size), 12))
    tampered = tmp_path / "alterado.zip"
    for position in sorted(positions):
        data = bytearray(original)
        data[position] ^= 0x01
        tampered.write_bytes(data)
        message = refused(run("coordinacion", "importar", str(tampered)))
        assert "alterado" in message or "dañado" in message, (position, message)
    assert dump(env) == before


def test_signature_over_a_changed_manifest_is_refused(env: Path, offices: Offices, tmp_path: Path) -> None:
    """A manifest rewritten consistently (valid JSON, same shape) still breaks the signature."""
    _ok("coordinacion", "importar", str(offices.p1))
    before = dump(env)
    manifest = rules.read_manifest(_member(offices.p2, rules.MANIFEST_NAME))
    manifest["generated_at"] = "2030-01-01T00:00:00-06:00"
    forged = tmp_path / "manifiesto.zip"
    with zipfile.ZipFile(offices.p2) as source, zipfile.ZipFile(forged, "w") as out:
        out.writestr(rules.MANIFEST_NAME, rules.manifest_bytes(manifest))
        out.writestr(rules.DATABASE_NAME, source.read(rules.DATABASE_NAME))
        out.comment = source.comment
    refused(run("coordinacion", "importar", str(forged)), "firma", "IECM-DD05", "alterado")
    assert dump(env) == before


def test_a_package_signed_by_an_unregistered_key_is_refused(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p1))
    before = dump(env)
    refused(run("coordinacion", "importar", str(offices.forged)), "IECM-DD05", "llave", "no es la registrada")
    assert dump(env) == before


def test_a_package_of_an_unregistered_office_is_refused(
    monkeypatch: pytest.MonkeyPatch, offices: Offices, tmp_path: Path
) -> None:
    cli_environment(monkeypatch)
    coord = tmp_path / "c.db"
    monkeypatch.setenv(kept.ENV_PATH, str(coord))
    _ok("coordinacion", "oficinas", "agregar", "IECM-DD05", "--llave", offices.key_a)
    before = dump(coord)
    refused(run("coordinacion", "importar", str(offices.pb)), "IEEAGS-01", "no está registrada")
    assert dump(coord) == before


def test_a_truncated_history_is_refused_and_the_previous_data_kept(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p2))
    before = dump(env)
    message = refused(run("coordinacion", "importar", str(offices.truncated)), "IECM-DD05", "menos que")
    assert "se borraron entradas" in message
    assert dump(env) == before


def test_a_rewritten_history_is_refused_naming_the_position(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p2))
    before = dump(env)
    entries = rules.read_manifest(_member(offices.p2, rules.MANIFEST_NAME))["entries"]
    message = refused(run("coordinacion", "importar", str(offices.rewritten)), "IECM-DD05", "reescribió")
    assert f"posición {entries}" in message
    assert dump(env) == before


def test_a_file_that_is_not_a_package_is_refused(env: Path, tmp_path: Path) -> None:
    before = dump(env)
    junk = tmp_path / "notas.zip"
    junk.write_text("no soy un zip", encoding="utf-8")
    refused(run("coordinacion", "importar", str(junk)), "dañado")
    refused(run("coordinacion", "importar", str(tmp_path / "falta.zip")), "no existe")
    assert dump(env) == before


def test_several_packages_report_each_refusal_and_import_the_rest(env: Path, offices: Offices) -> None:
    done = run("coordinacion", "importar", str(offices.p1), str(offices.forged), str(offices.pb))
    assert done.code == 1
    assert "3 paquetes" in done.out and "2 importados" in done.out and "1 rechazados" in done.out
    assert "forjado.zip" in done.err and "inesperado" not in done.err


def test_register_refuses_a_bad_key_and_another_key_for_the_same_office(env: Path, offices: Offices) -> None:
    before = dump(env)
    refused(run("coordinacion", "oficinas", "agregar", "X-9", "--llave", "abc"), "llave pública no es válida")
    refused(run("coordinacion", "oficinas", "agregar", "IECM-DD05", "--llave", offices.key_b), "ya está registrada")
    assert dump(env) == before
    assert "registrada" in _ok("coordinacion", "oficinas", "agregar", "IECM-DD05", "--llave", offices.key_a)
    listed = json.loads(_ok("coordinacion", "oficinas", "listar", "--json"))
    assert [o["office"] for o in listed] == ["IECM-DD05", "IEEAGS-01"]


def test_the_coordination_file_must_be_one(monkeypatch: pytest.MonkeyPatch, offices: Offices, tmp_path: Path) -> None:
    cli_environment(monkeypatch)
    monkeypatch.setenv(kept.ENV_PATH, str(offices.a))  # the office's own database
    before = offices.a.read_bytes()
    refused(run("coordinacion", "oficinas", "listar"), "no es una base de coordinación")
    refused(run("coordinacion", "importar", str(offices.p1)), "no es una base de coordinación")
    assert offices.a.read_bytes() == before
    monkeypatch.setenv(kept.ENV_PATH, str(tmp_path / "nada.db"))
    refused(run("coordinacion", "pendientes"), "no existe")
    assert not (tmp_path / "nada.db").exists()


# -- the institution's agenda -----------------------------------------------------------


def _agenda_lines(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(i["key"], i["status"], i["due"], i["message"], i["account"], i["rule"]) for i in items]


@pytest.mark.parametrize("days", ["0", "7", "30"])
def test_the_agenda_is_the_offices_own_at_the_packages_moment(env: Path, offices: Offices, days: str) -> None:
    _ok("coordinacion", "importar", str(offices.p2), str(offices.pb))
    office = json.loads(_ok("--db", str(offices.a), "pendientes", "--json", "--dias", days))
    both = json.loads(_ok("coordinacion", "pendientes", "--json", "--dias", days))
    mine = [i for i in both if i["office"] == "IECM-DD05"]
    assert _agenda_lines(mine) == _agenda_lines(office)
    assert all(i["as_of"] == "2026-03-12T10:00:00-06:00" for i in mine)
    only = json.loads(_ok("coordinacion", "pendientes", "--json", "--dias", days, "--oficina", "iecm-dd05"))
    assert only == mine
    other = json.loads(_ok("--db", str(offices.b), "pendientes", "--json", "--dias", days))
    assert _agenda_lines([i for i in both if i["office"] == "IEEAGS-01"]) == _agenda_lines(other)


def test_the_status_moves_with_the_clock(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p2))
    now = json.loads(_ok("coordinacion", "pendientes", "--json", "--dias", "400"))
    later = json.loads(_ok("coordinacion", "pendientes", "--json", "--dias", "400", "--fecha", "2026-09-01"))
    overdue_now = sum(1 for i in now if i["status"] == "overdue")
    overdue_later = sum(1 for i in later if i["status"] == "overdue")
    assert overdue_later > overdue_now
    assert {i["key"] for i in later} == {i["key"] for i in now}


def test_agenda_text_and_refusals(env: Path, offices: Offices) -> None:
    _ok("coordinacion", "importar", str(offices.p1))
    text = _ok("coordinacion", "pendientes")
    assert "Pendientes de la institución" in text and "IECM-DD05 (paquete del 12/03/2026)" in text
    assert "IEEAGS-01 (sin paquete)" in text
    refused(run("coordinacion", "pendientes", "--oficina", "NO-HAY"), "NO-HAY", "no está registrada")


# -- the browsable view: Datasette, read-only --------------------------------------------


def _datasette(path: Path):  # type: ignore[no-untyped-def]
    from datasette.app import Datasette

    from tui import datasette_guard

    datasette_guard.register()  # as ``coordinacion servir`` runs it
    return Datasette(immutables=[str(path)], metadata=kept.datasette_metadata(path.stem))


def test_datasette_answers_the_canned_queries_and_refuses_every_write(env: Path, offices: Offices) -> None:
    import asyncio

    _ok("coordinacion", "importar", str(offices.p2), str(offices.pb))
    before = dump(env)
    ds = _datasette(env)
    db = env.stem

    async def go() -> dict[str, object]:
        found: dict[str, object] = {}
        for name in kept.CANNED_QUERIES:
            response = await ds.client.get(f"/{db}/{name}.json?_shape=array&dias=0")
            assert response.status_code == 200, (name, response.text[:300])
            found[name] = response.json()
        page = await ds.client.get(f"/{db}/vencidos_por_oficina")
        assert page.status_code == 200 and "Vencidos por oficina" in page.text
        table = await ds.client.get(f"/{db}/obligations")
        assert "Pendientes" in table.text and "qué hacer" in table.text  # Spanish title and column description
        facets = await ds.client.get(f"/{db}/obligations.json")  # the metadata facets: office, kind
        assert set(facets.json()["facet_results"]) == {"office", "kind"}
        csv = await ds.client.get(f"/{db}/vencidos_por_oficina.csv")
        assert csv.status_code == 200 and csv.text.startswith("oficina,")
        writes = [
            ("post", "/-/create"),
            ("post", f"/{db}/-/create"),
            ("post", f"/{db}/obligations/-/insert"),
            ("post", f"/{db}/obligations/-/upsert"),
            ("post", f"/{db}/-/upsert"),
            ("post", f"/{db}/obligations/1/-/update"),
            ("post", f"/{db}/obligations/1/-/delete"),
            ("post", f"/{db}/obligations/-/delete"),
            ("post", f"/{db}/obligations/-/drop"),
            ("post", f"/{db}/vencidos_por_oficina"),
            ("post", f"/{db}/incidentes_abiertos"),
            ("post", f"/{db}"),
            ("get", f"/{db}.json?sql=DELETE+FROM+obligations"),
            ("get", f"/{db}.json?sql=DROP+TABLE+offices"),
            ("get", f"/{db}.json?sql=UPDATE+offices+SET+entries%3D0"),
        ]
        for method, path in writes:
            if method == "post":
                response = await ds.client.post(path, json={"row": {"office": "X"}, "rows": [], "table": "t"})
            else:
                response = await ds.client.get(path)
            assert response.status_code in ((405,) if method == "post" else (400, 403)), (
                method,
                path,
                response.status_code,
            )
        return found

    found = asyncio.run(go())
    overdue = found["vencidos_por_oficina"]
    assert isinstance(overdue, list) and {row["oficina"] for row in overdue} == {"IECM-DD05", "IEEAGS-01"}
    stale = found["oficinas_sin_paquete_reciente"]
    assert isinstance(stale, list) and {row["oficina"] for row in stale} == {"IECM-DD05", "IEEAGS-01"}
    assert dump(env) == before


def test_servir_without_datasette_says_how_to_install_it(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    refused(run("coordinacion", "servir"), "resguardo[coordinacion]")


def test_servir_runs_datasette_immutable_on_localhost(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    seen: list[list[str]] = []

    def fake_call(command: list[str]) -> int:
        seen.append(command)
        metadata = json.loads(Path(command[command.index("--metadata") + 1]).read_text(encoding="utf-8"))
        assert metadata["title"] == "resguardo · coordinación"
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    done = run("coordinacion", "servir", "--puerto", "8123")
    assert done.code == 0, done.err
    command = seen[0]
    assert command[1:3] == ["-m", "tui.datasette_guard"]
    assert command[command.index("-i") + 1] == str(env)
    assert command[command.index("--host") + 1] == "127.0.0.1" and "8123" in command


# -- killed mid-import ---------------------------------------------------------------------


def _script_run(coord: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    from store import faults

    env = {k: v for k, v in os.environ.items() if k not in (faults.ENV, faults.ENV_TRACE, "RESGUARDO_DEBUG")}
    env.update({kept.ENV_PATH: str(coord), "RESGUARDO_NOW": "2026-03-12T10:00:00-06:00", **extra})
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    script = str(Path(sys.executable).with_name("resguardo"))
    return subprocess.run([script, *args], env=env, capture_output=True, text=True, encoding="utf-8", check=False)


def test_an_import_killed_at_each_write_loses_nothing(env: Path, offices: Offices, tmp_path: Path) -> None:
    from store import faults

    _ok("coordinacion", "importar", str(offices.p1))
    base = tmp_path / "base.db"
    shutil.copyfile(env, base)
    before = dump(base)
    # the clean import: its write points, and the database it leaves
    clean = tmp_path / "limpia.db"
    shutil.copyfile(base, clean)
    trace = tmp_path / "traza.txt"
    done = _script_run(clean, "coordinacion", "importar", str(offices.p2), **{faults.ENV_TRACE: str(trace)})
    assert done.returncode == 0, done.stderr
    after = dump(clean)
    points = len(trace.read_text(encoding="utf-8").splitlines())
    assert points >= 2
    for n in range(1, points + 1):
        coord = tmp_path / f"muerta-{n}.db"
        shutil.copyfile(base, coord)
        killed = _script_run(coord, "coordinacion", "importar", str(offices.p2), **{faults.ENV: f"kill:{n}"})
        assert killed.returncode == faults.KILLED_STATUS, (n, killed.stderr)
        assert dump(coord) in (before, after), n
        # no extracted snapshot is left beside it but a swept temporary file
        assert all(p.name.startswith(".resguardo-") for p in tmp_path.iterdir() if p.suffix == ".tmp")
        again = _script_run(coord, "coordinacion", "importar", str(offices.p2))
        assert again.returncode == 0, (n, again.stderr)
        assert dump(coord) == after, n


def test_two_imports_at_once_leave_one_consistent_result(env: Path, offices: Offices, tmp_path: Path) -> None:
    _ok("coordinacion", "importar", str(offices.p1))
    from store import faults

    env_vars = {k: v for k, v in os.environ.items() if k not in (faults.ENV, faults.ENV_TRACE, "RESGUARDO_DEBUG")}
    env_vars.update(
        {kept.ENV_PATH: str(env), "RESGUARDO_NOW": "2026-03-12T10:00:00-06:00", "RESGUARDO_LOCK_TIMEOUT": "30"}
    )
    env_vars["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    script = str(Path(sys.executable).with_name("resguardo"))
    both = [
        subprocess.Popen(
            [script, "coordinacion", "importar", str(offices.p2), str(offices.pb)],
            env=env_vars,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in both]
    for code, err in results:
        assert code in (0, 1) and "inesperado" not in err, err
        if code == 1:
            assert "al mismo tiempo" in err, err
    with open_coordination(env, read_only=True) as coordination:
        a = coordination.office("IECM-DD05")
        b = coordination.office("IEEAGS-01")
        packages = coordination.store.rows("SELECT office FROM packages ORDER BY id")
        accounts = coordination.store.rows("SELECT count(*) FROM accounts WHERE office = 'IECM-DD05'")[0][0]
    assert a is not None and a.entries == rules.read_manifest(_member(offices.p2, rules.MANIFEST_NAME))["entries"]
    assert b is not None and b.entries >= 0 and b.generated_at is not None
    assert [row[0] for row in packages].count("IECM-DD05") == 2  # p1, then p2 exactly once
    assert accounts > 100


# -- the coordination workbench (read-only) -----------------------------------------------


def _workbench(env: Path):  # type: ignore[no-untyped-def]
    from tests.conftest import NOW
    from tui.coordination_app import CoordinationWorkbench

    return CoordinationWorkbench(env, clock=lambda: NOW)


def test_the_workbench_lists_the_same_agenda_and_filters_by_office(env: Path, offices: Offices) -> None:
    import asyncio

    from tui.widgets.table import VirtualTable

    _ok("coordinacion", "importar", str(offices.p2), str(offices.pb))
    expected = json.loads(_ok("coordinacion", "pendientes", "--json"))
    before = dump(env)

    async def go() -> None:
        app = _workbench(env)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.query_one(VirtualTable)
            keys = [row.key for row in table.rows]
            assert keys == [(item["office"], item["key"]) for item in expected]
            await pilot.press("slash")
            for ch in "ieeags":
                await pilot.press(ch)
            await pilot.pause()
            only = [row.key[0] for row in table.rows]
            assert only and set(only) == {"IEEAGS-01"}
            assert len(only) == sum(1 for item in expected if item["office"] == "IEEAGS-01")
            await pilot.press("escape")
            await pilot.pause()
            assert len(table.rows) == len(expected)

    asyncio.run(go())
    assert dump(env) == before  # read-only


def test_coordinacion_without_a_subcommand_refuses_a_missing_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli_environment(monkeypatch)
    monkeypatch.setenv(kept.ENV_PATH, str(tmp_path / "nada.db"))
    refused(run("coordinacion"), "no existe la base de coordinación")
    refused(run("--coordinacion"), "no existe la base de coordinación")
    assert not (tmp_path / "nada.db").exists()


def test_coordination_workbench_snapshot(snap_compare, env: Path, offices: Offices) -> None:  # type: ignore[no-untyped-def]
    _ok("coordinacion", "importar", str(offices.p2), str(offices.pb))
    assert snap_compare(_workbench(env), terminal_size=(120, 40))


def test_a_public_key_whose_base64_starts_with_a_dash_registers(env: Path) -> None:
    """URL-safe base64 may start with «-», which argparse would take for an option: the key is written
    with its ``ed25519:`` prefix."""
    raw = bytes([0xF8]) + bytes(range(31))
    text = rules.public_key_text(raw)
    assert text.startswith("ed25519:-") and rules.parse_public_key(text) == raw
    assert rules.parse_public_key(text.removeprefix("ed25519:")) == raw
    assert "registrada" in _ok("coordinacion", "oficinas", "agregar", "X-1", "--llave", text)
    with pytest.raises(rules.PackageError):
        rules.parse_public_key(text[:-1])
