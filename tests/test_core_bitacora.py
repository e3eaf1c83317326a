"""tui.core.bitacora: append, search and verify the bitácora, one function per job for both faces."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_runner

from policy.errors import UsageError
from store import open_store
from store.db import Store
from store.errors import NotFoundError
from tui.core.bitacora import (
    DEFAULT_SEARCH_LIMIT,
    ReversedRangeError,
    add_entry,
    export_entries,
    search_entries,
    verify_journal,
)
from tui.core.setup import choose_profile
from tui.screens.bitacora import verification_text
from tui.workspace import Workspace


def test_add_by_reference_or_id_and_search_by_either(store: Store) -> None:
    account = store.accounts.add(network="x", handle="@Elecciones")
    by_ref = add_entry(store, kind="publicacion", text="Jornada de capacitación", account="x/@Elecciones")
    by_id = add_entry(store, kind="nota", text="Otra nota de la jornada", account=account.id)
    office = add_entry(store, kind="nota", text="Nota de la oficina")
    assert (by_ref.account_id, by_id.account_id, office.account_id) == (account.id, account.id, None)
    assert [e.id for e in search_entries(store, "jornada")] == [by_id.id, by_ref.id]
    assert [e.id for e in search_entries(store, account="x/@Elecciones", kind="publicacion")] == [by_ref.id]
    assert [e.id for e in search_entries(store, None, limit=1)] == [office.id]
    with pytest.raises(NotFoundError):
        search_entries(store, account="x/@Nadie")


def test_days_are_whole_and_a_reversed_range_is_refused(store: Store) -> None:
    late = add_entry(store, kind="nota", text="tarde", occurred_at=NOW.replace(hour=23, minute=59) - timedelta(days=1))
    add_entry(store, kind="nota", text="hoy")
    yesterday = NOW.date() - timedelta(days=1)
    assert [e.id for e in search_entries(store, since=yesterday, until=yesterday)] == [late.id]
    with pytest.raises(ReversedRangeError, match="final es anterior a la inicial"):
        search_entries(store, since=date(2026, 3, 2), until=date(2026, 3, 1))
    out = io.StringIO()
    assert export_entries(store, "json", to=out) == (2, None)
    assert [e["text"] for e in json.loads(out.getvalue())["entries"]] == ["tarde", "hoy"]  # oldest first
    assert DEFAULT_SEARCH_LIMIT == 50


def test_both_faces_refuse_a_range_that_ends_before_it_starts(tmp_path: Path) -> None:
    """``bitacora buscar`` refused it; the Bitácora screen's search returned nothing instead."""
    db = tmp_path / "a.db"
    run = make_runner(db)
    assert run("iniciar", "--perfil", "ine").code == 0
    refused = run("bitacora", "buscar", "--desde", "2026-03-02", "--hasta", "2026-03-01")
    assert (refused.code, refused.err) == (2, "resguardo: La fecha --hasta es anterior a --desde.\n")
    with pytest.raises(ReversedRangeError):
        Workspace(db, lambda: NOW).run(search_entries, "", since=date(2026, 3, 2), until=date(2026, 3, 1))


def test_verification_without_the_keyring_says_what_it_skipped(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=lambda: NOW, create=True) as store:
        choose_profile(store, "ine")
        add_entry(store, kind="nota", text="una")
        report = verify_journal(store, None, keyring_problem="no hay llavero")
    assert report.ok and not report.keyed
    assert "no hay llavero" in report.keyed_skipped
    text = verification_text(report)
    assert text.startswith(report.chain.message)
    assert text.endswith(f"Comprobaciones con la clave del llavero omitidas: {report.keyed_skipped}.")


def test_an_export_to_a_file_is_whole_or_absent(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both faces write the file through ``export_entries``: a failure halfway leaves the old file as it
    was and no temporary file beside it."""
    import store.bitacora_export as writer

    add_entry(store, kind="nota", text="primera")
    add_entry(store, kind="nota", text='=HYPERLINK("x")')
    target = tmp_path / "bitacora.csv"
    done = export_entries(store, "csv", to=target)
    assert done == (2, target)
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbfid,account_id,") and b"'=HYPERLINK" in written

    def broken(handle: io.TextIOBase, fmt: str, entries: object) -> int:
        handle.write("id,account_id\n1,")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_entries", broken)
    with pytest.raises(UsageError, match="No se pudo escribir .*disco lleno"):
        export_entries(store, "csv", to=target)
    assert target.read_bytes() == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bitacora.csv"]
    with pytest.raises(UsageError, match="formato"):
        export_entries(store, "xml", to=io.StringIO())
