"""Searching the bitácora: every filter combination keeps its rows and order, whichever way
``Bitacora.search`` walks the log; the date blocks (``bitacora_zones``) and migration 5."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from policy.clock import ZONE, end_of_day, parse_date
from store import bitacora as bitacora_module
from store import open_store
from store.bitacora import _SELECT, Entry, _row_to_entry, _search_sql, fts_query
from store.db import Store
from store.migrations import ZONE_BITS
from tests.conftest import NOW


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


#: A small office's log, in the order it was recorded: three accounts, notes of the
#: office (no account), a late note declared long before its neighbours, an entry at
#: midnight on the dot, references, a correction.
ENTRIES: tuple[tuple[int | None, str, str, str, tuple[str, ...]], ...] = (
    (1, "publicacion", "2026-01-05T09:00", "Convocatoria a la jornada electoral", ()),
    (2, "publicacion", "2026-01-05T10:00", "Convocatoria a la jornada en Facebook", ()),
    (None, "nota", "2026-01-06T12:00", "Reunión de la oficina sobre la jornada", ()),
    (1, "respuesta", "2026-01-08T16:30", "Respuesta sobre la credencial para votar", ()),
    (3, "solicitud", "2026-01-10T11:00", "Solicitud de información sobre el módulo", ("INE/CNCS/7/2026",)),
    (1, "cambio_contrasena", "2026-01-12T08:00", "Se cambió la contraseña de la cuenta", ()),
    (2, "moderacion", "2026-01-15T19:45", "Comentario ofensivo ignorado", ()),
    (1, "nota", "2026-01-20T09:15", "Revisión de la bitácora de la jornada", ()),
    (3, "publicacion", "2026-01-25T13:00", "Infografía de la jornada electoral", ()),
    (1, "publicacion", "2026-02-01T10:00", "Aviso de horario en días inhábiles", ()),
    (2, "respuesta", "2026-02-03T17:20", "Respuesta sobre la jornada y las casillas", ()),
    (1, "nota", "2025-12-15T09:00", "Nota atrasada: la contraseña se revisó en diciembre", ()),
    (None, "nota", "2026-02-10T09:00", "Capacitación de la oficina", ()),
    (3, "respuesta", "2026-02-12T12:00", "Jornada: dónde está mi casilla", ()),
    (1, "consulta", "2026-02-14T10:30", "Consulta de pertinencia sobre la jornada", ("INE/CNCS/8/2026",)),
    (2, "publicacion", "2026-02-15T00:00", "Transmisión en vivo del consejo general", ()),
    (1, "publicacion", "2026-02-20T18:00", "Jornada electoral: resultados preliminares", ()),
    (3, "nota", "2026-02-25T08:30", "Cambio de contraseña pendiente con la UTCSyD", ()),
    (1, "respuesta", "2026-03-01T11:11", "Respuesta a una pregunta sobre la jornada electoral", ()),
    (2, "nota", "2026-03-05T16:00", "Nota sobre la contraseña compartida", ()),
    (1, "publicacion", "2026-03-10T09:45", "Convocatoria: la jornada es el domingo", ()),
    (None, "nota", "2026-01-02T09:00", "Nota atrasada de la oficina: inicio de año", ()),
    (3, "publicacion", "2026-03-11T20:00", "Video de la jornada electoral", ()),
)
CORRECTED = 20  # entry 24 corrects it


def fill(store: Store) -> None:
    store.accounts.add(network="x", handle="@INEMexico", email="redes@ine.mx")
    store.accounts.add(network="facebook", handle="INEMexico", email="redes@ine.mx")
    store.accounts.add(network="x", handle="@INEtelMX", email="inetel@ine.mx")
    for account, kind, when, text, refs in ENTRIES:
        store.bitacora.append(kind=kind, text=text, account=account, occurred_at=at(when), refs=refs)
    store.bitacora.append(
        kind="correccion",
        corrects=CORRECTED,
        account=2,
        occurred_at=at("2026-03-11T21:00"),
        text="La nota de la contraseña era de la cuenta de X",
    )


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path / "oficina.db", clock=lambda: NOW, author="pruebas", create=True)
    opened.settings.set_profile("ine")
    fill(opened)
    yield opened
    opened.close()


#: ``resguardo bitacora buscar`` arguments -> the ids it printed before the search learnt
#: to choose its way (computed with that version; they must never change).
PINNED: dict[tuple[str, ...], list[int]] = {
    (): [24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    ("--limite", "3"): [24, 23, 22],
    ("jornada",): [23, 21, 19, 17, 15, 14, 11, 9, 8, 3, 2, 1],
    ("JORNADA electoral",): [23, 19, 17, 9, 1],
    ("contrasena",): [24, 20, 18, 12, 6],
    ("contraseña cambió",): [18, 6],
    ("jorn*",): [23, 21, 19, 17, 15, 14, 11, 9, 8, 3, 2, 1],
    ("INE/CNCS/7/2026",): [5],
    ("casilla", "--limite", "1"): [14],
    ("inexistente",): [],
    ("--cuenta", "x/@INEMexico"): [21, 19, 17, 15, 12, 10, 8, 6, 4, 1],
    ("--cuenta", "facebook/INEMexico", "--limite", "2"): [24, 20],
    ("--tipo", "nota"): [22, 20, 18, 13, 12, 8, 3],
    ("--tipo", "correccion"): [24],
    ("--desde", "2026-02-01"): [24, 23, 21, 20, 19, 18, 17, 16, 15, 14, 13, 11, 10],
    ("--hasta", "2026-01-31"): [22, 12, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    ("--hasta", "2026-02-14"): [22, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    ("--desde", "2026-01-10", "--hasta", "2026-02-15"): [16, 15, 14, 13, 11, 10, 9, 8, 7, 6, 5],
    ("--desde", "2025-12-01", "--hasta", "2025-12-31"): [12],
    ("--desde", "2026-03-11T09:00"): [24, 23],
    ("--desde", "2027-01-01"): [],
    ("jornada", "--cuenta", "x/@INEMexico"): [21, 19, 17, 15, 8, 1],
    ("jornada", "--tipo", "publicacion"): [23, 21, 17, 9, 2, 1],
    ("jornada", "--desde", "2026-02-01", "--hasta", "2026-03-01"): [19, 17, 15, 14, 11],
    ("contrasena", "--hasta", "2025-12-31"): [12],
    ("--cuenta", "x/@INEMexico", "--tipo", "nota"): [12, 8],
    ("--cuenta", "x/@INEMexico", "--desde", "2026-02-01"): [21, 19, 17, 15, 10],
    ("--tipo", "nota", "--desde", "2026-01-01", "--hasta", "2026-01-31"): [22, 8, 3],
    (
        "jornada",
        "--cuenta",
        "x/@INEMexico",
        "--tipo",
        "publicacion",
        "--desde",
        "2026-01-01",
        "--hasta",
        "2026-02-28",
    ): [17, 1],
    ("jornada", "--cuenta", "x/@INEMexico", "--limite", "2"): [21, 19],
    ("jorn*", "--cuenta", "x/@INEtelMX"): [23, 14, 9],
    ("contrasena", "--cuenta", "facebook/INEMexico", "--tipo", "nota"): [20],
}


@pytest.mark.parametrize("args", list(PINNED), ids=lambda args: " ".join(args) or "(sin filtros)")
def test_cli_search_results_are_pinned(office, monkeypatch, capsys, args) -> None:  # type: ignore[no-untyped-def]
    from tui.cli import main

    monkeypatch.setenv("RESGUARDO_DB", str(office.path))
    monkeypatch.setenv("RESGUARDO_NOW", NOW.isoformat())
    code = main(["bitacora", "buscar", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert [entry["id"] for entry in json.loads(out.out)] == PINNED[args]


def test_the_workbench_filters_days_like_the_command_line(office) -> None:  # type: ignore[no-untyped-def]
    from tui.core.bitacora import search_entries
    from tui.workspace import Workspace

    workspace = Workspace(office.path, lambda: NOW)
    day = parse_date

    def search(text: str, account_id: int | None = None, kind: str | None = None, since=None, until=None):  # type: ignore[no-untyped-def]
        return workspace.run(search_entries, text, account=account_id, kind=kind, since=since, until=until, limit=200)

    # Entry 16 happened at midnight on the dot of 15 February: «hasta 14» leaves it out.
    assert [e.id for e in search("", until=day("2026-02-14"))] == PINNED[("--hasta", "2026-02-14")]
    assert end_of_day(day("2026-02-14")) < at("2026-02-15T00:00")
    assert [e.id for e in search("", since=day("2026-01-10"), until=day("2026-02-15"))] == PINNED[
        ("--desde", "2026-01-10", "--hasta", "2026-02-15")
    ]
    assert [e.id for e in search("jornada", 1, "publicacion", day("2026-01-01"), day("2026-02-28"))] == PINNED[
        (
            "jornada",
            "--cuenta",
            "x/@INEMexico",
            "--tipo",
            "publicacion",
            "--desde",
            "2026-01-01",
            "--hasta",
            "2026-02-28",
        )
    ]


# -- every way gives the same answer ---------------------------------------------------


def reference(
    store: Store,
    text: str | None = None,
    *,
    account_id: int | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
) -> list[Entry]:
    """The search as one plain statement (what ``search`` ran before it chose a way)."""
    where, params = store.bitacora._filters(account_id, kind, since, until)
    query = fts_query(text or "")
    if query:
        sql = (
            f"{_SELECT} JOIN bitacora_fts f ON f.rowid = b.id WHERE bitacora_fts MATCH ?"
            + "".join(f" AND {w}" for w in where)
            + " ORDER BY f.rowid DESC LIMIT ?"
        )
        params = [query, *params, limit]
    else:
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY b.id DESC LIMIT ?"
        params.append(limit)
    return [_row_to_entry(row) for row in store.query(sql, params)]


WORDS = ("jornada", "casilla", "contraseña", "consejo", "módulo", "oficio", "boleta", "acta")
LOG_START = at("2024-01-01T08:00")


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """4,503 entries (five blocks of ids) over two years and 12 accounts; about one in
    fifty is a late note, declared up to two months before the entries around it, and
    the last three were written in 2026 about June 2024."""
    path = tmp_path_factory.mktemp("bitacora") / "grande.db"
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ine")
    for n in range(12):
        store.accounts.add(network="x", handle=f"@cuenta{n:02d}")
    rng = random.Random(6)
    kinds = ("publicacion", "respuesta", "nota", "moderacion", "consulta")
    step = (NOW - timedelta(days=1) - LOG_START) / 4500
    items = []
    for n in range(4500):
        moment = LOG_START + step * n
        if rng.random() < 0.02:
            moment -= timedelta(days=rng.randint(1, 60))
        items.append(
            {
                "kind": rng.choice(kinds),
                "text": " ".join(rng.choices(WORDS, weights=(30, 10, 8, 5, 3, 2, 1, 1), k=rng.randint(1, 4))),
                "account_id": rng.choice((None, *range(1, 13), 1, 1, 1)),
                "occurred_at": max(moment, LOG_START - timedelta(days=30)),
                "refs": [f"INE/CNCS/{n}/2025"] if n % 97 == 0 else (),
            }
        )
    store.bitacora.append_many(items)
    for hour in (9, 12, 17):
        store.bitacora.append(
            kind="nota",
            text="Nota atrasada de la jornada de junio",
            account=7,
            occurred_at=at(f"2024-06-15T{hour:02d}:00"),
        )
    yield store
    store.close()


def _cases() -> list[dict[str, Any]]:
    texts = (None, "jornada", "casilla contraseña", "acta", "jorn*", "INE/CNCS/970/2025", "inexistente")
    accounts = (None, 1, 7, 99)
    kinds = (None, "nota", "consulta")
    ranges = (
        (None, None),
        (at("2025-01-01T00:00"), None),
        (None, at("2024-03-01T00:00")),
        (at("2024-06-01T00:00"), at("2024-06-30T23:59")),
        (at("2025-12-24T00:00"), at("2026-01-06T23:59")),
        (at("2023-01-01T00:00"), at("2023-06-01T00:00")),
    )
    rng = random.Random(12)
    cases = []
    for text in texts:
        for account in accounts:
            for kind in kinds:
                since, until = rng.choice(ranges)
                cases.append(
                    {
                        "text": text,
                        "account_id": account,
                        "kind": kind,
                        "since": since,
                        "until": until,
                        "limit": rng.choice((1, 7, 200)),
                    }
                )
    for since, until in ranges:
        cases.append({"since": since, "until": until, "limit": 200})
    return cases


CASES = _cases()


def test_search_matches_the_plain_statement_for_every_filter_combination(big_log) -> None:  # type: ignore[no-untyped-def]
    for case in CASES:
        assert big_log.bitacora.search(**case) == reference(big_log, **case), case


@pytest.mark.parametrize(
    "way",
    [
        ("log", "probe"),
        ("log", "list"),
        ("account", "probe"),
        ("account", "list"),
        ("kind", "probe"),
        ("kind", "list"),
        ("text", None),
    ],
    ids=lambda way: f"{way[0]}-{way[1]}",
)
def test_every_way_of_walking_the_log_gives_the_same_rows(big_log, monkeypatch, way) -> None:  # type: ignore[no-untyped-def]
    driver, check = way
    monkeypatch.setattr(
        bitacora_module.Bitacora, "_choose_way", lambda self, query, *_: (driver, check) if query else (driver, None)
    )
    tried = 0
    for case in CASES:
        if (driver == "account" and case.get("account_id") is None) or (driver == "kind" and not case.get("kind")):
            continue
        if driver == "text" and not fts_query(case.get("text") or ""):
            continue
        tried += 1
        assert big_log.bitacora.search(**case) == reference(big_log, **case), case
    assert tried > 20


# -- the date blocks ---------------------------------------------------------------------


def recomputed_zones(store: Store) -> list[tuple[int, str, str]]:
    return [
        tuple(r)
        for r in store.query(  # type: ignore[misc]
            f"SELECT id >> {ZONE_BITS}, min(occurred_at), max(occurred_at) FROM bitacora"
            f" GROUP BY id >> {ZONE_BITS} ORDER BY 1"
        )
    ]


def stored_zones(store: Store) -> list[tuple[int, str, str]]:
    return [
        tuple(r)
        for r in store.query(  # type: ignore[misc]
            "SELECT zone, first_occurred, last_occurred FROM bitacora_zones ORDER BY zone"
        )
    ]


def test_blocks_follow_every_append(big_log, store) -> None:  # type: ignore[no-untyped-def]
    assert len(stored_zones(big_log)) == 5  # ids 1…4,503
    assert stored_zones(big_log) == recomputed_zones(big_log)
    store.accounts.add(network="x", handle="@INEMexico")
    store.bitacora.append(kind="nota", text="Hoy", account=1, occurred_at=at("2026-03-01T10:00"))
    store.bitacora.append(kind="nota", text="Atrasada", account=1, occurred_at=at("2025-07-01T10:00"))
    store.bitacora.append(kind="nota", text="Entre ambas", occurred_at=at("2025-09-01T10:00"))
    assert (
        stored_zones(store)
        == recomputed_zones(store)
        == [
            (0, "2025-07-01T16:00:00+00:00", "2026-03-01T16:00:00+00:00"),
        ]
    )


def test_an_old_range_reads_only_its_blocks_and_the_late_notes_ones(big_log) -> None:  # type: ignore[no-untyped-def]
    since, until = at("2024-06-01T00:00"), at("2024-06-30T23:59")
    runs = big_log.bitacora._zone_runs(since, until)
    assert len(runs) >= 2 and runs[0] == (4 << ZONE_BITS, (5 << ZONE_BITS) - 1)  # the late notes' block first
    assert sum(high - low + 1 for low, high in runs) <= 3 << ZONE_BITS  # not the whole log
    found = big_log.bitacora.search(since=since, until=until, limit=1000)
    assert [e.id for e in found[:3]] == [4503, 4502, 4501]
    assert len(found) > 100 and all(any(low <= e.id <= high for low, high in runs) for e in found)
    assert found == reference(big_log, since=since, until=until, limit=1000)
    assert big_log.bitacora.search("junio", account_id=7, since=since, until=until) == found[:3]


def test_a_range_with_no_entries_reads_nothing(big_log) -> None:  # type: ignore[no-untyped-def]
    assert big_log.bitacora._zone_runs(at("2027-01-01T00:00"), None) == []
    assert big_log.bitacora.search("jornada", since=at("2027-01-01T00:00")) == []


# -- the plans: each way reads what it says -------------------------------------------------


@pytest.mark.parametrize(
    ("way", "expected"),
    [
        (("log", None), "SCAN b"),
        (("account", "probe"), "USING INDEX bitacora_account (account_id=?)"),
        (("account", "list"), "USING INDEX bitacora_account (account_id=?)"),
        (("kind", "list"), "USING INDEX bitacora_kind (kind=?)"),
        (("text", None), "SCAN f VIRTUAL TABLE"),
    ],
    ids=lambda value: f"{value[0]}-{value[1]}" if isinstance(value, tuple) else "",
)
def test_each_way_uses_its_index(store, way, expected) -> None:  # type: ignore[no-untyped-def]
    driver, check = way
    query = '"jornada"' if driver == "text" or check else ""
    where, params = store.bitacora._filters(
        1 if driver in ("account", "text") else None, "nota" if driver == "kind" else None, None, None
    )
    for run in (None, (1024, 2047)):
        sql, values = _search_sql(way, query, where, params, run, 50)
        plan = " | ".join(str(r[3]) for r in store.query(f"EXPLAIN QUERY PLAN {sql}", values))
        assert expected.replace("=?)", "=?" + (" AND id>? AND id<?)" if run and driver != "log" else ")")) in plan or (
            driver == "log" and run and "rowid>? AND rowid<?" in plan
        ), plan
        assert "TEMP B-TREE" not in plan, plan  # already in id order: nothing to sort
        if check == "list":
            assert "LIST SUBQUERY" in plan and "(account_id=? AND id=?)" not in plan, plan


def test_a_common_word_in_one_account_checks_the_accounts_entries(big_log) -> None:  # type: ignore[no-untyped-def]
    choose = big_log.bitacora._choose_way
    assert choose('"jornada"', 7, None, None, 200) == ("account", "probe")
    assert choose('"jorn"*', 7, None, None, 200)[1] != "probe"  # a prefix is never looked up entry by entry
    assert choose('"jornada"', None, None, None, 200) == ("text", None)
    assert choose("", 7, None, None, 200) == ("account", None)
    assert choose("", None, "nota", None, 200) == ("kind", None)
    assert choose("", None, None, None, 200) == ("log", None)


# -- migration 5 on a file written by the previous version --------------------------------


def test_a_version_4_database_gets_the_blocks_and_the_activity_index(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store import migrations

    path = tmp_path / "v4.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 4)
    old = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    old.settings.set_profile("ine")
    fill(old)
    before = {
        args: reference(old, **kwargs)
        for args, kwargs in (
            ("todo", {"limit": 100}),
            ("jornada", {"text": "jornada"}),
            ("diciembre", {"since": at("2025-12-01T00:00"), "until": at("2025-12-31T23:59")}),
        )
    }
    old.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bitacora_zones'").fetchone()[0] == 0
    conn.close()
    monkeypatch.undo()

    upgraded = open_store(path, clock=lambda: NOW, author="pruebas")
    try:
        assert upgraded.query_one("PRAGMA user_version")[0] == migrations.LATEST_VERSION
        assert [r["version"] for r in upgraded.query("SELECT version FROM schema_migrations")] == [
            version for version, _, _ in migrations.MIGRATIONS
        ]
        assert (
            stored_zones(upgraded)
            == recomputed_zones(upgraded)
            == [
                (0, "2025-12-15T15:00:00+00:00", "2026-03-12T03:00:00+00:00"),
            ]
        )
        assert (
            upgraded.query_one(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'bitacora_account_occurred'"
            )
            is not None
        )
        assert upgraded.bitacora.search(limit=100) == before["todo"]
        assert upgraded.bitacora.search("jornada") == before["jornada"]
        december = upgraded.bitacora.search(since=at("2025-12-01T00:00"), until=at("2025-12-31T23:59"))
        assert december == before["diciembre"] and [e.id for e in december] == [12]
        # account 1's latest declared activity is 10 March, not the late note recorded after it
        assert upgraded.bitacora.latest_by_account()[1] == at("2026-03-10T09:45")
        upgraded.bitacora.append(
            kind="nota", text="Primera entrada tras actualizar", account=1, occurred_at=at("2025-11-30T10:00")
        )
        assert stored_zones(upgraded)[0][1] == "2025-11-30T16:00:00+00:00"  # the trigger runs from now on
        assert upgraded.bitacora.verify().ok
    finally:
        upgraded.close()
