"""The workflows' use cases (tui/core/workflows.py, incidents.py, waivers.py) and their bitácora sentences."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_runner

from policy.clock import ZONE
from policy.entries import workflows as entries
from policy.errors import UsageError
from policy.workflows import DEFAULT_WAIVER_DAYS, MissingDetail, period_id, period_start
from store import open_store
from store.db import Store
from store.errors import NotFoundError
from tui.core import duties, incidents, waivers, workflows
from tui.core.setup import choose_profile
from tui.workspace import Workspace


@pytest.fixture
def account(store: Store) -> str:
    store.accounts.add(network="x", handle="@INEMexico", area="Comunicación Social")
    return "x/@INEMexico"


def _entries(store: Store) -> list[str]:
    return [e.text for e in store.bitacora.search(None, limit=50)]


def test_a_consultation_sent_now_by_default_is_pending_with_the_profiles_deadline(store: Store, account: str) -> None:
    new = workflows.add_consultation(store, account, subject="Cartel de la consulta infantil")
    assert new.consultation.sent_at == NOW
    assert new.account.ref == account
    assert new.due is not None and new.due > NOW
    assert new.window == "48 horas naturales"
    pending = workflows.consultations(store, pending=True)
    assert [(v.consultation.id, v.account, v.state) for v in pending] == [(new.consultation.id, account, "pendiente")]
    done = workflows.resolve_consultation(store, new.consultation.id, "aprobada", note="Sin cambios")
    assert (done.state, done.answered_at) == ("aprobada", NOW)
    assert workflows.consultations(store, pending=True) == []
    assert workflows.consultations(store, "aprobada")[0].due is None
    assert (
        _entries(store)[0]
        == f"Consulta de pertinencia {done.id} (Cartel de la consulta infantil): aprobada. Sin cambios."
    )


def test_a_pending_consultation_past_its_window_is_shown_as_expired(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    store.accounts.add(network="x", handle="@INEMexico")
    sent = NOW - timedelta(days=5)
    item = workflows.add_consultation(store, "x/@INEMexico", subject="Aviso", sent_at=sent).consultation
    assert [v.state for v in workflows.consultations(store)] == ["vencida"]
    assert workflows.consultations(store, "pendiente") == []
    assert [v.consultation.id for v in workflows.consultations(store, "vencida")] == [item.id]
    assert [v.consultation.id for v in workflows.consultations(store, pending=True)] == [item.id]
    history = workflows.record_history(store, "consultation", item.id)
    assert (history.state, history.account, [e.action for e in history.events]) == (
        "vencida",
        "x/@INEMexico",
        ["registrada"],
    )


def test_answering_a_request_directly_needs_the_area_then_the_note(store: Store, account: str) -> None:
    new = workflows.add_request(store, account, requester="@ciudadana", subject="Dónde votar")
    assert new.request.received_at == NOW and new.due > NOW
    with pytest.raises(MissingDetail) as missing:
        workflows.resolve_request(store, new.request.id, "respondida")
    assert missing.value.field == "area" and "área responsable" in missing.value.message
    with pytest.raises(MissingDetail) as missing:
        workflows.resolve_request(store, new.request.id, "respondida", area="DECEyEC")
    assert missing.value.field == "nota"
    assert [v.request.state for v in workflows.information_requests(store)] == ["abierta"]
    done = workflows.resolve_request(store, new.request.id, "respondida", area="DECEyEC", note="Casilla 12")
    assert (done.state, done.area, done.closed_at) == ("respondida", "DECEyEC", NOW)
    assert _entries(store)[0] == (
        f"Solicitud de información {done.id} de @ciudadana: respondida; se avisó a DECEyEC. Casilla 12."
    )


def test_both_faces_word_the_missing_area_alike(tmp_path: Path) -> None:
    """The form said «escríbala», the command line «indíquela con --area»: one rule, one sentence now."""
    db = tmp_path / "ine.db"
    workspace = Workspace(db, lambda: NOW)
    workspace.create_database()
    workspace.run(choose_profile, "ine")
    run = make_runner(db)
    assert run("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").code == 0
    assert run("solicitudes", "agregar", "x/@INEMexico", "--de", "@ana", "--asunto", "Horario").code == 0
    with pytest.raises(MissingDetail) as missing:
        Workspace(db, lambda: NOW).run(workflows.resolve_request, 1, "respondida")
    result = run("solicitudes", "resolver", "1", "--resultado", "respondida")
    assert result.code == 2
    assert result.err.strip().endswith(f"{missing.value.message[:-1]} (--area).")
    with open_store(db) as store:
        assert store.information_requests.get(1).state == "abierta"


def test_a_waiver_lasts_the_default_days_unless_told_and_never_ends_in_the_past(store: Store, account: str) -> None:
    waiver = waivers.add_waiver(store, reason="Cuenta en pausa", key="rotation:a1")
    assert waiver.until == NOW.date() + timedelta(days=DEFAULT_WAIVER_DAYS)
    with pytest.raises(UsageError, match=r"La fecha de término \(11/03/2026\) ya pasó"):
        waivers.add_waiver(store, reason="x", key="rotation:a1", until=date(2026, 3, 11))
    other = waivers.add_waiver(store, reason="Veda", kind="evaluation", account=account, until=date(2026, 4, 1))
    views = waivers.waivers(store)
    assert [(v.record.waiver.id, v.account, v.state) for v in views] == [
        (waiver.id, None, "vigente"),
        (other.id, account, "vigente"),
    ]
    revoked = waivers.revoke_waiver(store, other.id)
    assert revoked.id == other.id
    assert [v.state for v in waivers.waivers(store)] == ["vigente", "revocada"]
    assert _entries(store)[:2] == [
        f"Dispensa {other.id} revocada: Evaluación semestral vuelve a la agenda desde hoy.",
        f"Dispensa {other.id}: Evaluación semestral de {account} hasta el 01/04/2026. Motivo: Veda.",
    ]


def test_an_incident_from_opening_to_closing(store: Store, account: str) -> None:
    opened = incidents.open_incident(store, account, "Acceso no reconocido")
    assert opened.opened_at == NOW and opened.is_open and opened.notices
    first = opened.notices[0]
    ticked = incidents.notify_incident_notice(store, first.id)
    assert next(n for n in ticked.notices if n.id == first.id).notified_at == NOW
    with pytest.raises(NotFoundError, match="ya no está pendiente"):
        incidents.notify_incident_notice(store, first.id)
    with pytest.raises(MissingDetail) as missing:
        incidents.close_incident(store, opened.id, without_rotation=True)
    assert missing.value.field == "motivo"
    closed = incidents.close_incident(store, opened.id, without_rotation=True, reason="Contraseña ya cambiada")
    assert not closed.is_open and closed.closed_without_rotation
    assert [i.id for i in incidents.incidents(store, open_only=True)] == []
    assert [i.id for i in incidents.incidents(store, account=account)] == [opened.id]


def test_documents_and_admin_change_notices_default_to_today(store: Store, account: str) -> None:
    person = store.people.add(name="Ana López", rank="mando_medio")
    store.assignments.assign(store.accounts.resolve(account), person, "titular", date(2026, 1, 5))
    done = workflows.record_person_document(store, "Ana López", "responsiva")
    assert (done.person.id, done.kind, done.on) == (person.id, "responsiva", NOW.date())
    assert store.person_documents.for_person(person.id) == {"responsiva": NOW.date()}
    change = workflows.record_admin_change(store, person.id, "baja", start=date(2026, 3, 10))
    assert change.accounts == [account] and change.change.until is None
    notified = workflows.notify_admin_change(store, change.change.id, reference="INE/DS/1")
    assert notified.notified_on == NOW.date()
    assert [(v.person, v.accounts) for v in workflows.admin_changes(store)] == [("Ana López", [account])]


def test_openings_and_closings_through_the_core(store: Store) -> None:
    new = workflows.add_opening(store, network="x", handle="@INEPrueba", reference="INE/1")
    assert new.opening.requested_on == NOW.date() and not new.needs_authorization
    assert new.due is not None and new.office.startswith("Coordinación Nacional")
    authorized = workflows.resolve_opening(store, new.opening.id, "autorizada")
    (unicom,) = duties.duties(store, open_only=True)  # ine §7.VI: the UNICOM step comes first
    duties.fulfil_duty(store, unicom.id)
    opened, _ = workflows.open_account(store, authorized.id)
    assert opened.state == "abierta"
    closed, account = workflows.close_account(store, "x/@INEPrueba", reason="Ya no se usa", reference="INE/9")
    assert account.ref == "x/@INEPrueba" and closed.closed_on == NOW.date() and "oficio" in closed.done
    marked = workflows.mark_closing(store, closed.id, ["contenido"])
    assert set(marked.done) == {"oficio", "contenido"}
    assert [(c.closing.id, c.account) for c in workflows.closings(store)] == [(closed.id, "x/@INEPrueba")]


def test_the_sentences_are_the_ones_the_bitacora_always_kept() -> None:
    on = date(2026, 3, 12)
    assert entries.consultation_sent(3, None, "Cartel") == "Consulta de pertinencia 3 enviada: «Cartel»."
    assert entries.request_received(4, "@ana", "Horario.") == "Solicitud de información 4 recibida de @ana: Horario."
    assert entries.request_resolved(4, "@ana", "canalizada", area=None, office="UTCS", note=None) == (
        "Solicitud de información 4 de @ana: canalizada a UTCS."
    )
    assert entries.admin_change_notified(2, "Ana", on, None) == (
        "Aviso del cambio de administración 2 (Ana) dado el 12/03/2026."
    )
    assert entries.closing_secrets_removed(5, "x/@a", []) == (
        "Baja 5: el llavero no guardaba contraseña ni códigos de x/@a; nada que borrar."
    )
    at = datetime(2026, 3, 11, 9, 30, tzinfo=ZONE)
    assert entries.incident_closed(7, at, "Resuelto.", ["UTCS", "DS", "OIC"]) == (
        "Incidente 7 cerrado (rotación de contraseña del 11/03/2026 09:30). Motivo: Resuelto."
        " Avisos aún pendientes: UTCS, DS y OIC."
    )
    assert period_start(period_id(on)) == on
