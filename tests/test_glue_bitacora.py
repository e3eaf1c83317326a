"""Every workflow change writes its bitácora entry in the same transaction as the change."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from policy.clock import ZONE
from policy.errors import ResguardoError
from policy.workflows import HolidayPeriod
from store.bitacora import Entry
from tui.core.duties import fulfil_duty

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@pytest.fixture
def ine(make_store):  # type: ignore[no-untyped-def]
    store = make_store("ine")
    account = store.accounts.add(
        network="x", handle="@INEPrueba", email="redes@ine.mx", email_generic=True, opened_on=date(2025, 1, 1)
    )
    person = store.people.add(name="Ana López", rank="mando_medio")
    store.assignments.assign(account, person, "titular", date(2025, 1, 1))
    return store


def new_entries(store, since: int) -> list[Entry]:  # type: ignore[no-untyped-def]
    """The entries appended after entry ``since``, oldest first."""
    return [e for e in store.bitacora.iter_entries() if e.id > since]


def head(store) -> int:  # type: ignore[no-untyped-def]
    return store.bitacora.count()


def one_new(store, since: int) -> Entry:  # type: ignore[no-untyped-def]
    found = new_entries(store, since)
    assert len(found) == 1, [e.text for e in found]
    assert store.bitacora.verify().ok
    return found[0]


def test_consultation_recorded_and_resolved(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    before = head(ine)
    item = ine.consultations.add(account, subject="Cartel del foro", sent_at=at("2026-03-11T09:00"))
    entry = one_new(ine, before)
    assert entry.kind == "consulta" and entry.account_id == account.id
    assert f"Consulta de pertinencia {item.id}" in entry.text and "Cartel del foro" in entry.text
    assert entry.occurred == at("2026-03-11T09:00")
    before = head(ine)
    ine.consultations.resolve(item.id, "rechazada", at=at("2026-03-12T09:00"), note="No procede")
    entry = one_new(ine, before)
    assert entry.kind == "consulta" and entry.account_id == account.id
    assert f"{item.id}" in entry.text and "rechazada" in entry.text and "No procede" in entry.text


def test_information_request_recorded_answered_and_routed(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    before = head(ine)
    first = ine.information_requests.add(
        account, requester="Juan Pérez", subject="Horarios del módulo", received_at=at("2026-03-11T12:00")
    )
    entry = one_new(ine, before)
    assert entry.kind == "solicitud" and entry.account_id == account.id
    assert f"Solicitud de información {first.id}" in entry.text and "Juan Pérez" in entry.text
    before = head(ine)
    ine.information_requests.resolve(
        first.id, "respondida", at=at("2026-03-12T09:00"), note="Se dieron los horarios", area="Vocalía del RFE"
    )
    entry = one_new(ine, before)
    assert entry.kind == "solicitud" and "respondida" in entry.text and "Vocalía del RFE" in entry.text
    second = ine.information_requests.add(
        account, requester="María", subject="Padrón", received_at=at("2026-03-11T12:00")
    )
    before = head(ine)
    routed = ine.information_requests.resolve(second.id, "canalizada", at=at("2026-03-12T09:00"))
    entry = one_new(ine, before)
    assert entry.kind == "solicitud" and "canalizada" in entry.text
    assert routed.office and routed.office in entry.text


def test_opening_requested_authorized_opened_and_reported(ine) -> None:  # type: ignore[no-untyped-def]
    before = head(ine)
    item = ine.openings.add(
        network="facebook", handle="INEJalisco", reference="INE/JAL/001/2026", requested_on=date(2026, 2, 2)
    )
    entry = one_new(ine, before)
    assert entry.kind == "nota" and entry.account_id is None
    assert f"Solicitud de apertura {item.id}" in entry.text and entry.refs == ("INE/JAL/001/2026",)
    before = head(ine)
    authorized = ine.openings.resolve(item.id, "autorizada", on=date(2026, 2, 20))
    entry = one_new(ine, before)
    assert entry.account_id == authorized.account_id and "autorizada" in entry.text
    (unicom,) = ine.duties.list(open_only=True)  # ine §7.VI: the UNICOM step comes first
    fulfil_duty(ine, unicom.id, at=datetime(2026, 2, 27, 12, 0, tzinfo=ZONE))
    before = head(ine)
    ine.openings.open_account(item.id, on=date(2026, 3, 1))
    entry = one_new(ine, before)
    assert entry.account_id == authorized.account_id and "abierta el 01/03/2026" in entry.text
    before = head(ine)
    ine.openings.report(item.id, ["nombre", "direccion"], on=date(2026, 3, 2))
    entry = one_new(ine, before)
    assert "nombre" in entry.text and "dirección electrónica" in entry.text


def test_rejected_opening_has_one_office_wide_entry(ine) -> None:  # type: ignore[no-untyped-def]
    item = ine.openings.add(network="x", handle="@otra", reference="OF-9", requested_on=date(2026, 2, 2))
    before = head(ine)
    ine.openings.resolve(item.id, "rechazada", on=date(2026, 2, 10), reason="Duplica la cuenta central")
    entry = one_new(ine, before)
    assert entry.account_id is None and "rechazada" in entry.text and "Duplica la cuenta central" in entry.text


def test_closing_and_its_checklist(ine) -> None:  # type: ignore[no-untyped-def]
    account = ine.accounts.get(1)
    before = head(ine)
    closing = ine.closings.close(account, on=date(2026, 3, 10), reason="Fin del proceso", done=["contenido"])
    entry = one_new(ine, before)  # the assignment it ends is part of the same entry
    assert entry.kind == "nota" and entry.account_id == account.id
    assert f"Baja {closing.id}" in entry.text and "contenido borrado" in entry.text
    before = head(ine)
    ine.closings.mark(closing.id, ["oficio"], on=date(2026, 3, 11), reference="INE/CNCS/77/2026")
    entry = one_new(ine, before)
    assert "oficio de baja enviado" in entry.text and entry.refs == ("INE/CNCS/77/2026",)


def test_admin_change_writes_one_entry_per_account_and_no_assignment_entries(ine) -> None:  # type: ignore[no-untyped-def]
    second = ine.accounts.add(network="facebook", handle="INEPrueba")
    person = ine.people.get(1)
    ine.assignments.assign(second, person, "suplente", date(2025, 6, 1))
    before = head(ine)
    change = ine.admin_changes.record(person, "vacaciones", start=date(2026, 3, 16), until=date(2026, 3, 27))
    found = new_entries(ine, before)
    assert [(e.kind, e.account_id) for e in found] == [("cambio_administrador", 1), ("cambio_administrador", second.id)]
    assert all(f"Cambio de administración {change.id}" in e.text and "Ana López" in e.text for e in found)
    assert "titular" in found[0].text and "suplente" in found[1].text and "vacaciones" in found[0].text
    assert ine.bitacora.verify().ok
    before = head(ine)
    ine.admin_changes.notify(change.id, on=date(2026, 3, 12), reference="INE/CNCS/5/2026")
    found = new_entries(ine, before)
    assert [(e.kind, e.account_id) for e in found] == [("nota", 1), ("nota", second.id)]
    assert all("INE/CNCS/5/2026" in e.refs and f"{change.id}" in e.text for e in found)


def test_holiday_notice_and_waivers(ine) -> None:  # type: ignore[no-untyped-def]
    period = HolidayPeriod(
        id=20260316, start=date(2026, 3, 16), end=date(2026, 3, 16), label="Natalicio de Benito Juárez"
    )
    before = head(ine)
    ine.holiday_notices.mark_done(period, on=date(2026, 3, 11))
    entry = one_new(ine, before)
    assert entry.kind == "nota" and entry.account_id is None and "Benito Juárez" in entry.text
    before = head(ine)
    waiver = ine.waivers.add(
        until=date(2026, 4, 30),
        reason="Cuenta en revisión",
        kind="evaluation",
        account=ine.accounts.get(1),
        reference="OF-12",
    )
    entry = one_new(ine, before)
    assert entry.kind == "nota" and entry.account_id == 1 and f"Dispensa {waiver.id}" in entry.text
    assert "Cuenta en revisión" in entry.text and entry.refs == ("OF-12",)
    before = head(ine)
    ine.waivers.revoke(waiver.id)
    entry = one_new(ine, before)
    assert entry.account_id == 1 and f"Dispensa {waiver.id} revocada" in entry.text


def _resolve_before_sent(s):  # type: ignore[no-untyped-def]
    item = s.consultations.add(s.accounts.get(1), subject="A", sent_at=at("2026-03-11T09:00"))
    s.bitacora.append(kind="nota", text="Marca")  # the entries before this one are the setup's
    s.consultations.resolve(item.id, "aprobada", at=at("2026-03-10T09:00"))


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.consultations.resolve(99, "aprobada", at=NOW),
        _resolve_before_sent,
        lambda s: s.information_requests.resolve(99, "canalizada", at=NOW),
        lambda s: s.information_requests.add(
            s.accounts.get(1), requester="X", subject="Y", received_at=at("2026-04-01T00:00")
        ),
        lambda s: s.openings.add(network="x", handle="@INEPrueba", reference="R", requested_on=date(2026, 3, 1)),
        lambda s: s.openings.resolve(99, "autorizada", on=date(2026, 3, 1)),
        lambda s: s.admin_changes.record(s.people.add(name="Sin Cuentas"), "baja", start=date(2026, 3, 1)),
        lambda s: s.admin_changes.notify(99, on=date(2026, 3, 1)),
        lambda s: s.closings.mark(99, ["oficio"], on=date(2026, 3, 1)),
        lambda s: s.holiday_notices.mark_done(
            HolidayPeriod(20260316, date(2026, 3, 16), date(2026, 3, 16), "X"), on=date(2026, 3, 20)
        ),
        lambda s: s.waivers.add(until=date(2026, 1, 1), reason="Ya pasó", kind="evaluation"),
        lambda s: s.waivers.revoke(99),
    ],
)
def test_a_failing_operation_writes_no_entry(ine, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ResguardoError):
        call(ine)
    last = ine.bitacora.search(limit=1)[0]
    assert last.kind != "consulta" or "aprobada" not in last.text
    assert last.text == "Marca" or last.kind == "cambio_administrador"  # the fixture's assignment entry
    assert ine.bitacora.verify().ok


def test_an_admin_change_failing_midway_rolls_back_its_entries(ine) -> None:  # type: ignore[no-untyped-def]
    person = ine.people.get(1)
    later = ine.accounts.add(network="facebook", handle="Otra")
    ine.assignments.assign(later, person, "suplente", date(2026, 3, 5))
    seal = ine.bitacora.seal()
    with pytest.raises(ResguardoError, match="debe ser posterior"):
        # the first account's assignment ends fine; the second one starts that very day: refused
        ine.admin_changes.record(person, "baja", start=date(2026, 3, 5))
    assert ine.bitacora.seal() == seal and ine.bitacora.verify().ok
    assert ine.admin_changes.list() == []


# -- bitácora entries as account activity ------------------------------------------------


def abandoned(store, now: datetime = NOW) -> dict[int, str]:  # type: ignore[no-untyped-def]
    from policy.engine import agenda
    from store.state import load_state

    return {
        o.account.id: o.message
        for o in agenda(load_state(store, now), now, horizon_days=30)
        if str(o.kind) == "abandoned_account" and o.account is not None
    }


def test_latest_entry_per_account(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    first = store.accounts.add(network="x", handle="@uno")
    second = store.accounts.add(network="x", handle="@dos")
    store.accounts.add(network="x", handle="@tres")  # no entries: absent from the map
    store.bitacora.append(kind="publicacion", text="Post", account=first, occurred_at=at("2026-01-10T10:00"))
    store.bitacora.append(kind="respuesta", text="Respuesta", account=first, occurred_at=at("2026-02-10T10:00"))
    store.bitacora.append(kind="nota", text="De la oficina", occurred_at=at("2026-03-01T10:00"))  # no account
    store.bitacora.append(kind="publicacion", text="Post", account=second, occurred_at=at("2025-11-05T10:00"))
    assert store.bitacora.latest_by_account() == {
        first.id: at("2026-02-10T10:00"),
        second.id: at("2025-11-05T10:00"),
    }
    # The latest declared time counts, not the order of recording: a late note
    # about December, written after the February reply, leaves February as the latest.
    store.bitacora.append(kind="nota", text="Nota atrasada", account=first, occurred_at=at("2025-12-01T10:00"))
    assert store.bitacora.latest_by_account()[first.id] == at("2026-02-10T10:00")
    store.bitacora.append(
        kind="nota", text="Otra atrasada, más reciente", account=second, occurred_at=at("2026-01-15T10:00")
    )
    assert store.bitacora.latest_by_account()[second.id] == at("2026-01-15T10:00")


def test_latest_entry_is_one_index_seek_per_account(make_store) -> None:  # type: ignore[no-untyped-def]
    from store.bitacora import _LATEST_BY_ACCOUNT

    store = make_store("ine")
    plan = " ".join(str(r[3]) for r in store.query(f"EXPLAIN QUERY PLAN {_LATEST_BY_ACCOUNT}"))
    assert "COVERING INDEX bitacora_account_occurred (account_id=?)" in plan, plan
    assert "SCAN b" not in plan and "TEMP B-TREE" not in plan, plan


def test_a_late_note_with_an_old_date_does_not_make_an_account_active(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    active = store.accounts.add(network="x", handle="@activa", opened_on=date(2025, 1, 1))
    quiet = store.accounts.add(network="x", handle="@callada", opened_on=date(2025, 1, 1))
    store.bitacora.append(kind="publicacion", text="Convocatoria", account=active, occurred_at=at("2026-02-20T10:00"))
    store.bitacora.append(kind="publicacion", text="Aviso", account=quiet, occurred_at=at("2025-10-01T10:00"))
    assert active.id not in abandoned(store) and quiet.id in abandoned(store)
    # Today (NOW) someone writes up last summer's work in both accounts, with its real date.
    for account in (active, quiet):
        store.bitacora.append(
            kind="nota", text="Nota atrasada del verano", account=account, occurred_at=at("2025-07-01T10:00")
        )
    assert store.bitacora.latest_by_account() == {active.id: at("2026-02-20T10:00"), quiet.id: at("2025-10-01T10:00")}
    assert active.id not in abandoned(store)  # still active: February is its latest activity
    assert "entrada de la bitácora el 01/10/2025" in abandoned(store)[quiet.id]  # writing today is not activity


def test_bitacora_entries_count_as_activity_for_abandoned_accounts(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    account = store.accounts.add(network="x", handle="@callada", opened_on=date(2025, 1, 1))
    assert account.id in abandoned(store)
    store.bitacora.append(
        kind="publicacion", text="Aviso del módulo", account=account, occurred_at=at("2025-12-01T10:00")
    )  # 101 days before NOW: still abandoned
    assert "entrada de la bitácora el 01/12/2025" in abandoned(store)[account.id]
    store.bitacora.append(kind="publicacion", text="Convocatoria", account=account, occurred_at=at("2026-01-20T10:00"))
    assert account.id not in abandoned(store)
    store.bitacora.append(kind="nota", text="Nota de la oficina", occurred_at=NOW)  # office-wide: no account
    assert account.id in abandoned(store, NOW.replace(month=5))
