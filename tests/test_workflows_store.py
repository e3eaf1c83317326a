"""The workflows as recorded: one transaction per operation, history of every change,
bad input leaves the database exactly as it was."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from policy.clock import ZONE
from policy.codes import Kind, Status
from policy.engine import agenda
from policy.errors import PolicyError, ResguardoError
from store.errors import ConflictError, NotFoundError, UsageError
from store.migrations import LATEST_VERSION, MIGRATIONS
from store.state import load_state
from tui.core.duties import fulfil_duty

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def dump(store) -> list[str]:  # type: ignore[no-untyped-def]
    return list(store.conn.iterdump())


@pytest.fixture
def ine(make_store):  # type: ignore[no-untyped-def]
    store = make_store("ine")
    account = store.accounts.add(
        network="x", handle="@INEPrueba", email="redes@ine.mx", email_generic=True, opened_on=date(2025, 1, 1)
    )
    person = store.people.add(name="Ana López", rank="mando_medio")
    store.assignments.assign(account, person, "titular", date(2025, 1, 1))
    return store


def kinds(store, now: datetime = NOW) -> dict[str, list]:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for item in agenda(load_state(store, now), now, horizon_days=30):
        found.setdefault(str(item.kind), []).append(item)
    return found


def test_migration_3_is_applied_in_order(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store(None)
    assert [v for v, _, _ in MIGRATIONS][:5] == [1, 2, 3, 4, 5]
    assert [r[0] for r in store.query("SELECT version FROM schema_migrations ORDER BY version")] == [
        v for v, _, _ in MIGRATIONS
    ]
    assert store.query_one("PRAGMA user_version")[0] == LATEST_VERSION


def test_consultation_lifecycle_is_kept_with_author_and_dates(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    item = ine.consultations.add(account, subject="Cartel", sent_at=at("2026-03-11T09:00"))
    assert item.office and "CNCS" in item.office
    assert [o.ref_id for o in kinds(ine)["consultation"]] == [item.id]
    resolved = ine.consultations.resolve(item.id, "aprobada", at=at("2026-03-12T09:00"), note="Procede")
    assert resolved.state == "aprobada" and resolved.answered_at == at("2026-03-12T09:00")
    assert "consultation" not in kinds(ine)
    events = ine.events.for_record("consultation", item.id)
    assert [(e.from_state, e.to_state, e.author) for e in events] == [
        (None, "pendiente", "pruebas"),
        ("pendiente", "aprobada", "pruebas"),
    ]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.consultations.resolve(99, "aprobada", at=NOW), NotFoundError),
        (lambda s: s.consultations.resolve(1, "aprobada", at=at("2026-03-01T08:00")), UsageError),  # before sending
        (lambda s: s.consultations.resolve(1, "aprobada", at=at("2026-03-13T08:00")), UsageError),  # future
        (lambda s: s.consultations.resolve(1, "vencida", at=NOW), UsageError),
        (lambda s: s.consultations.resolve(2, "rechazada", at=NOW), PolicyError),  # already closed
        (lambda s: s.consultations.add(s.accounts.get(1), subject=" ", sent_at=NOW), UsageError),
        (lambda s: s.information_requests.resolve(1, "respondida", at=NOW), UsageError),  # no area
        (
            lambda s: s.openings.add(network="x", handle="inePrueba", reference="R", requested_on=date(2026, 3, 1)),
            ConflictError,
        ),  # the account exists
        (lambda s: s.openings.resolve(1, "rechazada", on=date(2026, 3, 5)), UsageError),  # no reason
        (lambda s: s.openings.open_account(1, on=date(2026, 3, 5)), PolicyError),  # not authorized yet
        (lambda s: s.admin_changes.record(s.people.get(2), "baja", start=date(2026, 3, 10)), NotFoundError),
        (lambda s: s.admin_changes.record(s.people.get(1), "vacaciones", start=date(2026, 3, 10)), UsageError),
        (
            lambda s: s.admin_changes.record(s.people.get(1), "baja", start=date(2026, 3, 10), until=date(2026, 3, 20)),
            UsageError,
        ),
        (lambda s: s.waivers.add(until=date(2026, 3, 1), reason="x", kind="consultation"), UsageError),
        (lambda s: s.waivers.add(until=date(2026, 4, 1), reason="x", kind="no_such_kind"), UsageError),
        (lambda s: s.waivers.add(until=date(2026, 4, 1), reason=" ", kind="consultation"), UsageError),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(ine, call, error) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    ine.people.add(name="Luis Pérez")
    ine.consultations.add(account, subject="Cartel", sent_at=at("2026-03-11T09:00"))
    second = ine.consultations.add(account, subject="Video", sent_at=at("2026-03-11T10:00"))
    ine.consultations.resolve(second.id, "aprobada", at=NOW)
    ine.information_requests.add(account, requester="@juan", subject="¿Dónde?", received_at=at("2026-03-11T09:00"))
    ine.openings.add(network="facebook", handle="INENuevo", reference="INE/1", requested_on=date(2026, 3, 2))
    before = dump(ine)
    with pytest.raises(error) as raised:
        call(ine)
    assert isinstance(raised.value, ResguardoError) and raised.value.message
    assert dump(ine) == before


def test_information_request_answered_or_routed(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    first = ine.information_requests.add(
        account, requester="@juan", subject="¿Dónde?", received_at=at("2026-03-09T09:00")
    )
    second = ine.information_requests.add(
        account, requester="@eva", subject="¿Cuándo?", received_at=at("2026-03-11T09:00")
    )
    found = {o.ref_id: o.status for o in kinds(ine)["information_request"]}
    assert found == {first.id: Status.OVERDUE, second.id: Status.DUE_SOON}
    done = ine.information_requests.resolve(first.id, "respondida", at=NOW, area="DERFE", note="Módulo")
    routed = ine.information_requests.resolve(second.id, "canalizada", at=NOW)
    assert done.area == "DERFE" and routed.office and "INETEL" in routed.office
    assert "information_request" not in kinds(ine)
    with pytest.raises(PolicyError):
        ine.information_requests.resolve(first.id, "canalizada", at=NOW)


def test_opening_authorized_then_opened_with_its_report(ine) -> None:  # type: ignore[no-untyped-def]
    request = ine.openings.add(
        network="facebook",
        handle="INENuevo",
        reference="INE/CNCS/7/2026",
        requested_on=date(2026, 2, 10),
        area="DECEyEC",
    )
    [late] = kinds(ine)["opening_request"]
    assert late.status is Status.OVERDUE and late.due.date() == date(2026, 3, 3)
    with pytest.raises(ConflictError):  # one request at a time per account
        ine.openings.add(network="facebook", handle="inenuevo", reference="X", requested_on=date(2026, 3, 1))
    authorized = ine.openings.resolve(request.id, "autorizada", on=date(2026, 3, 2))
    account = ine.accounts.get(authorized.account_id)
    assert account.status == "autorizada" and account.area == "DECEyEC"
    with pytest.raises(ConflictError, match="UNICOM"):  # ine §7.VI: the UNICOM step comes first
        ine.openings.open_account(request.id, on=date(2026, 3, 5))
    (unicom,) = ine.duties.list(open_only=True)
    fulfil_duty(ine, unicom.id, at=datetime(2026, 3, 4, 12, 0, tzinfo=ZONE))
    opened = ine.openings.open_account(request.id, on=date(2026, 3, 5))
    assert ine.accounts.get(account.id).status == "activa" and opened.state == "abierta"
    [report] = kinds(ine)["opening_request"]
    assert report.standing and "administradores" in report.message
    ine.openings.report(
        request.id, ["nombre", "direccion", "propositos", "operacion", "administradores"], on=date(2026, 3, 6)
    )
    assert "opening_request" not in kinds(ine)
    states = [(e.action, e.to_state) for e in ine.events.for_record("opening_request", request.id)]
    assert states[:3] == [("solicitada", "pendiente"), ("resuelta", "autorizada"), ("abierta", "abierta")]
    assert [e.to_state for e in ine.events.for_record("account", account.id)] == ["autorizada", "activa"]


def test_rejected_opening_keeps_its_reason_and_creates_no_account(ine) -> None:  # type: ignore[no-untyped-def]
    request = ine.openings.add(network="tiktok", handle="@inenuevo", reference="R", requested_on=date(2026, 3, 1))
    rejected = ine.openings.resolve(request.id, "rechazada", on=date(2026, 3, 4), reason="Duplica otra cuenta")
    assert rejected.reason == "Duplica otra cuenta" and rejected.account_id is None
    assert ine.accounts.find("tiktok", "@inenuevo") is None


def test_closing_ends_assignments_and_tracks_its_checklist(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    closing = ine.closings.close(account, on=date(2026, 3, 10), reason="Ya no se usa", reference="INE/9")
    assert ine.accounts.get(1).status == "baja"
    assert all(a.end == date(2026, 3, 10) for a in ine.assignments.for_account(1))
    [item] = kinds(ine)["closing"]
    assert "contenido borrado" in item.message and "oficio" not in item.message
    ine.closings.mark(closing.id, ["contenido"], on=date(2026, 3, 11))
    [item] = kinds(ine)["closing"]
    assert item.message == "Completar la baja de la cuenta: falta contraseña borrada del llavero."
    ine.closings.record_secrets_removed(closing.id, on=date(2026, 3, 11), removed=[])
    assert "closing" not in kinds(ine)
    with pytest.raises(ConflictError):
        ine.closings.close(ine.accounts.get(1), on=date(2026, 3, 11))


def test_vacation_suspends_and_the_assignment_comes_back_by_itself(ine) -> None:  # type: ignore[no-untyped-def]
    person = ine.people.get(1)
    change = ine.admin_changes.record(person, "vacaciones", start=date(2026, 3, 10), until=date(2026, 3, 20))
    assignments = ine.assignments.for_account(1)
    assert [(a.start, a.end) for a in assignments] == [(date(2025, 1, 1), date(2026, 3, 9)), (date(2026, 3, 21), None)]
    during = kinds(ine)
    assert "titular" in during["missing_admin"][0].message
    assert during["admin_change_notice"][0].ref_id == change.id
    after = kinds(ine, at("2026-03-21T09:00"))
    assert "titular" not in after["missing_admin"][0].message  # only the suplente, never designated, is missing
    ine.admin_changes.notify(change.id, on=date(2026, 3, 12), reference="INE/CNCS/3")
    assert "admin_change_notice" not in kinds(ine)
    with pytest.raises(ConflictError):
        ine.admin_changes.notify(change.id, on=date(2026, 3, 12))
    assert [e.action for e in ine.events.for_record("assignment", assignments[0].id)] == ["terminada"]


def test_iecm_change_makes_rotation_and_notice_due(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("iecm")
    account = store.accounts.add(network="x", handle="@IECM_DD01", email="dd01@iecm.mx")
    person = store.people.add(name="Eva Ruiz")
    store.assignments.assign(account, person, "enlace", date(2025, 1, 1))
    store.rotations.record(account, at("2026-01-05T10:00"))
    store.admin_changes.record(person, "salud", start=date(2026, 3, 11), until=date(2026, 3, 25))
    found = kinds(store)
    assert found["rotation"][0].status is Status.OVERDUE
    assert "UTCSyD" in found["admin_change_notice"][0].message
    assert found["missing_admin"][0].status is Status.OVERDUE


def test_person_documents_clear_their_findings(ine) -> None:  # type: ignore[no-untyped-def]
    assert {"designation_form", "responsiva"} <= set(kinds(ine))
    ine.person_documents.record(ine.people.get(1), "designation_form", on=date(2025, 1, 5))
    ine.person_documents.record(ine.people.get(1), "responsiva", on=date(2025, 1, 5))
    assert ine.person_documents.for_person(1) == {"designation_form": date(2025, 1, 5), "responsiva": date(2025, 1, 5)}
    assert not {"designation_form", "responsiva"} & set(kinds(ine))


def test_waiver_from_the_store_and_its_revocation(ine) -> None:  # type: ignore[no-untyped-def]
    ine.accounts.update(1, verification="no")
    assert "verification" in kinds(ine)
    waiver = ine.waivers.add(
        until=date(2026, 3, 20),
        reason="La red no lo permite aún",
        kind="verification",
        account=ine.accounts.get(1),
        reference="INE/5",
    )
    assert "verification" not in kinds(ine)
    assert "verification" in kinds(ine, at("2026-03-21T00:00"))
    ine.waivers.revoke(waiver.id)
    assert "verification" in kinds(ine)
    [record] = ine.waivers.list()
    assert record.revoked_at is not None and record.waiver.author == "pruebas"


def test_holiday_notice_marked_done_by_its_stable_id(ine) -> None:  # type: ignore[no-untyped-def]
    from policy.workflows import holiday_periods

    [notice] = kinds(ine)["holiday_notice"]
    assert notice.ref_id == 20260316
    state = load_state(ine, NOW)
    [period] = holiday_periods(state.calendar, date(2026, 3, 16), date(2026, 3, 16))
    ine.holiday_notices.mark_done(period, on=date(2026, 3, 11))
    assert "holiday_notice" not in kinds(ine)
    with pytest.raises(ConflictError):
        ine.holiday_notices.mark_done(period, on=date(2026, 3, 11))


def test_consultations_count_as_activity_for_abandoned_accounts(ine) -> None:  # type: ignore[no-untyped-def]
    # Account 1 has a post this month (a bitácora entry: activity); this one has nothing.
    ine.bitacora.append(
        kind="publicacion", account=1, text="Aviso de credencialización.", occurred_at=at("2026-03-02T09:00")
    )
    quiet = ine.accounts.add(network="facebook", handle="INECallada", opened_on=date(2025, 1, 1))
    flagged = [o.account.id for o in kinds(ine).get("abandoned_account", [])]
    assert flagged == [quiet.id]  # opened 1 Jan 2025, nothing recorded since
    ine.consultations.add(quiet, subject="Cartel", sent_at=at("2026-03-01T10:00"))
    assert "abandoned_account" not in kinds(ine)


def test_an_assignment_counts_as_activity_on_the_day_it_took_effect(ine) -> None:  # type: ignore[no-untyped-def]
    from store.db import from_db_datetime

    # The fixture assigned account 1's titular today, effective 1 Jan 2025: that is when the
    # entry says it happened, so it does not make the account look active now.
    [entry] = ine.bitacora.search(account_id=1, limit=5)
    assert from_db_datetime(entry.occurred_at) == at("2025-01-01T00:00")
    assert from_db_datetime(entry.recorded_at) == NOW
    assert [o.account.id for o in kinds(ine)["abandoned_account"]] == [1]
    person = ine.people.add(name="Beto Ruiz", rank="operativo")
    ine.assignments.assign(ine.accounts.get(1), person, "suplente", date(2026, 3, 1))
    assert "abandoned_account" not in kinds(ine)  # a designation this month is activity
    later = ine.people.add(name="Carla Soto", rank="operativo")
    ine.assignments.assign(ine.accounts.get(1), later, "coadministrador", date(2026, 4, 1))
    [newest] = ine.bitacora.search(account_id=1, limit=1)
    assert from_db_datetime(newest.occurred_at) == NOW  # effective later: declared now, never ahead


def test_ine_generic_email_deadline_with_the_stored_holiday_calendar(ine) -> None:  # type: ignore[no-untyped-def]
    ine.accounts.update(1, email_generic=False, opened_on=date(2019, 1, 1))
    [item] = kinds(ine)["email_generic"]
    assert item.due.date() == date(2021, 6, 17) and "17/06/2021" in item.message
    assert item.kind == Kind.EMAIL_GENERIC
