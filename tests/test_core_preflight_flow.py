"""The preflight wired into the flow (issue #15): a consultation keeps its draft's review, a
publication entry can carry the verdict; the core, the command line and the stored data agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOW, make_runner

from policy.entries.preflight import with_verdict
from policy.errors import UsageError
from store import integrity, open_store
from store.db import Store
from tui.core import bitacora, workflows
from tui.core.preflight import Review, kept_review, review_draft

#: An INE draft with three things to look at: no image, a person's e-mail and a phone number.
INE_DRAFT = "Escríbenos a juan.perez@gmail.com o llama al 55 1234 5678. Todos los ciudadanos pueden participar."
#: An IECM draft with a blocking finding (a URL shortener) and a suggestion (generic masculine).
IECM_DRAFT = "Todos los ciudadanos pueden consultar la convocatoria en https://bit.ly/convocatoria"


@pytest.fixture
def ine(store: Store) -> Store:
    store.accounts.add(network="x", handle="@INEMexico")
    return store


@pytest.fixture
def iecm(make_store) -> Store:  # type: ignore[no-untyped-def]
    store: Store = make_store("iecm")
    store.accounts.add(network="facebook", handle="@IECM")
    return store


def _stored_review(store: Store, consultation_id: int) -> str | None:
    row = store.query_one("SELECT review FROM consultations WHERE id = ?", (consultation_id,))
    assert row is not None
    value: str | None = row[0]
    return value


# -- consultations ----------------------------------------------------------------------------------


def test_a_consultation_with_a_draft_keeps_the_review_of_it(ine: Store) -> None:
    new = workflows.add_consultation(ine, "x/@INEMexico", subject="Convocatoria", text=INE_DRAFT)
    expected = review_draft(ine, INE_DRAFT, account="x/@INEMexico")
    assert new.review == expected
    assert [f.kind for f in expected.findings] == ["sin_imagen", "correo", "telefono"]
    assert expected.verdict == "Puede publicar tras revisar: 3 por revisar."
    stored = _stored_review(ine, new.consultation.id)
    assert stored is not None and json.loads(stored) == expected.as_dict()
    again = ine.consultations.get(new.consultation.id)
    assert workflows.consultation_review(again) == expected
    [view] = workflows.consultations(ine)
    assert workflows.consultation_review(view.consultation) == expected


def test_a_consultation_without_a_draft_has_no_review(ine: Store) -> None:
    for text in (None, "", "   "):
        new = workflows.add_consultation(ine, "x/@INEMexico", subject="Sin borrador", text=text)
        assert new.review is None
        assert _stored_review(ine, new.consultation.id) is None
        assert workflows.consultation_review(ine.consultations.get(new.consultation.id)) is None


def test_the_review_reads_the_text_as_kept_so_its_spans_point_into_it(ine: Store) -> None:
    new = workflows.add_consultation(ine, 1, subject="Aviso", text=f"\n  {INE_DRAFT}  \n")
    kept = new.consultation.text
    assert kept == INE_DRAFT
    assert new.review is not None and new.review.text == kept
    for finding in new.review.findings:
        assert kept[finding.span.start : finding.span.end] == finding.span.text


def test_a_blocking_review_does_not_stop_the_consultation_and_round_trips(iecm: Store) -> None:
    new = workflows.add_consultation(iecm, "facebook/@IECM", subject="Convocatoria", text=IECM_DRAFT)
    review = new.review
    assert review is not None and review.blocked
    assert {f.severity for f in review.findings} >= {"bloquea", "sugerencia"}
    assert any(f.suggestion for f in review.findings)  # the inclusive alternative survives the round trip
    assert review.network == "facebook" and review.account == "facebook/@IECM" and review.profile == "iecm"
    assert kept_review(review.text, json.dumps(review.as_dict())) == review
    assert workflows.consultation_review(iecm.consultations.get(new.consultation.id)) == review


def test_an_oversized_draft_is_refused_before_any_review_and_nothing_is_written(ine: Store) -> None:
    with pytest.raises(UsageError, match="«texto» excede 20000"):
        workflows.add_consultation(ine, 1, subject="Largo", text="palabra " * 3000)
    assert ine.consultations.list() == []


def test_a_consultation_recorded_before_migration_9_reads_without_a_review(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store import migrations

    path = tmp_path / "v8.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 8)
    with open_store(path, clock=lambda: NOW, author="pruebas", create=True) as old:
        old.settings.set_profile("ine")
        account = old.accounts.add(network="x", handle="@INEMexico")
        item = old.consultations.add(account, subject="Cartel", text=INE_DRAFT, sent_at=NOW)
        assert item.review is None
    monkeypatch.undo()
    with open_store(path, clock=lambda: NOW, author="pruebas", create=True) as upgraded:
        assert upgraded.query_one("PRAGMA user_version")[0] == migrations.LATEST_VERSION
        kept = upgraded.consultations.get(item.id)
        assert kept.text == INE_DRAFT and kept.review is None
        assert workflows.consultation_review(kept) is None
        new = workflows.add_consultation(upgraded, 1, subject="Nuevo", text=INE_DRAFT)
        assert new.review is not None
        assert integrity.check_records(upgraded.conn).problems == []
        assert integrity.verify(upgraded).ok


# -- a publication entry ----------------------------------------------------------------------------


def test_a_publication_entry_carries_the_verdict_of_its_text(iecm: Store) -> None:
    entry = bitacora.add_entry(iecm, kind="publicacion", text=f" {IECM_DRAFT} ", account=1, review=True)
    verdict = review_draft(iecm, IECM_DRAFT, account=1).verdict
    assert verdict.startswith("No publique todavía: 1 bloquea")
    assert entry.text == with_verdict(IECM_DRAFT, verdict)
    assert entry.text == f"{IECM_DRAFT} [Revisión con los criterios: {verdict}]"
    plain = bitacora.add_entry(iecm, kind="publicacion", text=IECM_DRAFT, account=1)
    assert plain.text == IECM_DRAFT  # without review, as before


def test_an_office_wide_publication_entry_is_reviewed_without_an_account(iecm: Store) -> None:
    entry = bitacora.add_entry(iecm, kind="Publicacion", text="Aviso del día.", review=True)
    review: Review = review_draft(iecm, "Aviso del día.")
    assert entry.account_id is None
    assert entry.text == with_verdict("Aviso del día.", review.verdict)


@pytest.mark.parametrize("kind", ["nota", "correccion", "desconocido"])
def test_a_review_is_refused_for_any_other_kind_and_nothing_is_written(iecm: Store, kind: str) -> None:
    before = iecm.bitacora.count()
    with pytest.raises(UsageError, match="Solo una entrada de tipo «publicacion» puede llevar la revisión"):
        bitacora.add_entry(iecm, kind=kind, text=IECM_DRAFT, account=1, review=True, corrects=1)
    assert iecm.bitacora.count() == before


def test_an_empty_publication_is_refused_with_the_bitacoras_own_message(iecm: Store) -> None:
    with pytest.raises(UsageError, match="«texto»"):
        bitacora.add_entry(iecm, kind="publicacion", text="   ", review=True)


# -- the command line ---------------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    run = make_runner(tmp_path / "flujo.db")
    assert run("iniciar", "--perfil", "ine").code == 0
    assert run("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").code == 0
    return run


def test_consultas_agregar_prints_the_same_review_as_borrador_revisar(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "borrador.txt"
    draft.write_text(INE_DRAFT, encoding="utf-8")
    alone = run("borrador", "revisar", str(draft), "--cuenta", "x/@INEMexico")
    alone_json = run("borrador", "revisar", str(draft), "--cuenta", "x/@INEMexico", "--json")
    added = run("consultas", "agregar", "x/@INEMexico", "--asunto", "Convocatoria", "--texto", INE_DRAFT)
    assert added.code == 0, added.err
    lines = added.out.splitlines()
    assert lines[0] == "1"
    assert lines[1].startswith("Consulta registrada: la respuesta de ")
    assert "\n".join(lines[2:]) + "\n" == alone.out
    assert lines[-1] == "Puede publicar tras revisar: 3 por revisar."
    shown = json.loads(run("consultas", "mostrar", "1", "--json").out)
    assert shown["review"] == json.loads(alone_json.out)
    listed = json.loads(run("consultas", "listar", "--json").out)
    assert [c["review"] for c in listed] == [json.loads(alone_json.out)]
    text = run("consultas", "mostrar", "1").out
    head, _, rest = text.partition("\nRevisión del borrador:\n")
    assert "Asunto:           Convocatoria" in head
    review_part, _, history = rest.partition("\nHistorial:\n")
    assert review_part == alone.out
    assert "registrada" in history


def test_consultas_without_a_draft_print_exactly_as_before(run) -> None:  # type: ignore[no-untyped-def]
    added = run("consultas", "agregar", "1", "--asunto", "Cartel")
    assert (added.code, added.out) == (
        0,
        "1\nConsulta registrada: la respuesta de Coordinación Nacional de Comunicación Social (CNCS) vence el"
        " 14/03/2026 10:00 (48 horas naturales).\n",
    )
    [item] = json.loads(run("consultas", "listar", "--json").out)
    assert list(item) == [
        "id",
        "account",
        "account_id",
        "subject",
        "text",
        "office",
        "sent_at",
        "due",
        "state",
        "answered_at",
        "note",
        "author",
    ]
    shown = json.loads(run("consultas", "mostrar", "1", "--json").out)
    assert "review" not in shown
    assert "Revisión" not in run("consultas", "mostrar", "1").out


def test_bitacora_agregar_revisar_appends_the_verdict_and_refuses_other_kinds(run) -> None:  # type: ignore[no-untyped-def]
    verdict = run("borrador", "revisar", "--cuenta", "1", input=INE_DRAFT).out.splitlines()[-1]
    added = run("bitacora", "agregar", "1", "--tipo", "publicacion", "--texto", INE_DRAFT, "--revisar")
    assert added.code == 0, added.err
    entry_id = int(added.out.split()[1])
    [entry] = [e for e in json.loads(run("bitacora", "buscar", "--json").out) if e["id"] == entry_id]
    assert entry["text"] == f"{INE_DRAFT} [Revisión con los criterios: {verdict}]"
    refused = run("bitacora", "agregar", "1", "--tipo", "nota", "--texto", INE_DRAFT, "--revisar")
    assert refused.code != 0 and refused.out == ""
    assert refused.err.strip() == (
        "resguardo: Solo una entrada de tipo «publicacion» puede llevar la revisión con los criterios."
    )
    assert "Traceback" not in refused.err
    assert [e["id"] for e in json.loads(run("bitacora", "buscar", "--json").out)][0] == entry_id
