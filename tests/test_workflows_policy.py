"""The workflow deadlines as pure rules: each with its edges, at a fixed clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from policy.calendar import BusinessCalendar, DateRange
from policy.clock import ZONE, end_of_day
from policy.codes import Kind, Status
from policy.engine import agenda, obligations
from policy.errors import PolicyError
from policy.obligations import State
from policy.profile import load_profile
from policy.records import (
    Account,
    AdminChange,
    Assignment,
    Closing,
    Consultation,
    InformationRequest,
    OpeningRequest,
    Person,
    Waiver,
)
from policy.workflows import (
    check_transition,
    consultation_due,
    holiday_notice_due,
    holiday_periods,
    information_request_due,
    opening_due,
)

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)

#: Mexico's official days of rest (LFT art. 74) for the years the tests touch.
HOLIDAYS = {
    date(2021, 1, 1): "Año Nuevo",
    date(2021, 2, 1): "Día de la Constitución",
    date(2021, 3, 15): "Natalicio de Benito Juárez",
    date(2021, 5, 1): "Día del Trabajo",
    date(2021, 9, 16): "Día de la Independencia",
    date(2021, 11, 15): "Día de la Revolución",
    date(2021, 12, 25): "Navidad",
    date(2026, 1, 1): "Año Nuevo",
    date(2026, 2, 2): "Día de la Constitución",
    date(2026, 3, 16): "Natalicio de Benito Juárez",
    date(2026, 5, 1): "Día del Trabajo",
    date(2026, 9, 16): "Día de la Independencia",
    date(2026, 11, 16): "Día de la Revolución",
    date(2026, 12, 25): "Navidad",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def calendar(*declared: DateRange) -> BusinessCalendar:
    return BusinessCalendar(HOLIDAYS, non_working=declared)


def make_state(profile_id: str = "ine", cal: BusinessCalendar | None = None, **fields: object) -> State:
    defaults: dict[str, object] = {"accounts": [ACCOUNT]}
    defaults.update(fields)
    return State(profile=load_profile(profile_id), calendar=cal or calendar(), **defaults)  # type: ignore[arg-type]


ACCOUNT = Account(
    id=1,
    network="x",
    handle="@INEPrueba",
    email="redes@ine.mx",
    email_generic=True,
    verification="verificada",
    opened_on=date(2025, 1, 1),
)


def of_kind(items, kind: str) -> list:  # type: ignore[no-untyped-def]
    return [item for item in items if item.kind == kind]


# -- consultation windows ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        ("2026-03-30T22:30", "2026-04-01T22:30"),  # across midnight and the end of March
        ("2026-02-27T23:00", "2026-03-01T23:00"),  # across the end of February (28 days)
        ("2025-12-31T23:59", "2026-01-02T23:59"),  # across the end of the year
    ],
)
@pytest.mark.parametrize("profile_id", ["ine", "ieeags"])
def test_consultation_window_is_48_natural_hours(profile_id: str, sent: str, due: str) -> None:
    assert consultation_due(load_profile(profile_id), calendar(), at(sent)) == at(due)


def test_ieesonora_five_business_days_skip_weekend_holiday_and_declared_day() -> None:
    # Thu 12 Mar: Fri 13 (1), weekend, Mon 16 Benito Juárez, Tue 17 (2), Wed 18 declared,
    # Thu 19 (3), Fri 20 (4), weekend, Mon 23 (5).
    cal = calendar(DateRange(date(2026, 3, 18), date(2026, 3, 18), "Aniversario del Instituto"))
    due = consultation_due(load_profile("ieesonora"), cal, at("2026-03-12T15:00"))
    assert due == end_of_day(date(2026, 3, 23))


def test_ieesonora_five_business_days_across_a_plain_weekend() -> None:
    due = consultation_due(load_profile("ieesonora"), calendar(), at("2026-03-04T09:00"))
    assert due == end_of_day(date(2026, 3, 11))  # Thu 5, Fri 6, Mon 9, Tue 10, Wed 11


def test_ieesonora_window_follows_the_editable_setting() -> None:
    profile = load_profile("ieesonora", {"consultation_business_days": 2})
    assert consultation_due(profile, calendar(), at("2026-03-12T15:00")) == end_of_day(date(2026, 3, 17))


def test_iecm_has_no_consultation_window_but_shows_the_pending_one_every_day() -> None:
    assert consultation_due(load_profile("iecm"), calendar(), at("2026-03-12T15:00")) is None
    state = make_state("iecm", consultations=[Consultation(1, 1, "Cartel", at("2026-03-01T10:00"))])
    # issue #13 defect 9: it never appeared; it is now due at the end of each day until answered
    [item] = of_kind(obligations(state, NOW), Kind.CONSULTATION)
    assert item.due == end_of_day(NOW.date()) and "no hay plazo fijado" in item.message


def test_consultation_status_due_soon_within_12_hours_then_overdue_with_outcome() -> None:
    item = Consultation(7, 1, "Cartel", at("2026-03-10T21:00"))  # due 12 Mar 21:00
    state = make_state("ine", consultations=[item])
    [soon] = of_kind(obligations(state, at("2026-03-12T09:00")), Kind.CONSULTATION)
    assert soon.status is Status.DUE_SOON and soon.key == "consultation:a1:r7"
    [upcoming] = of_kind(obligations(state, at("2026-03-12T08:59")), Kind.CONSULTATION)
    assert upcoming.status is Status.UPCOMING
    [late] = of_kind(obligations(state, at("2026-03-12T21:00")), Kind.CONSULTATION)
    assert late.status is Status.OVERDUE
    assert "INETEL" in late.message and "Plataforma Nacional de Transparencia" in late.message
    assert late.rule.section == "§6.VIII"


@pytest.mark.parametrize(
    ("profile_id", "words"),
    [("ieesonora", "la publicación no procede"), ("ieeags", "lo decide la Coordinación")],
)
def test_overdue_consultation_carries_the_profile_outcome(profile_id: str, words: str) -> None:
    state = make_state(profile_id, consultations=[Consultation(1, 1, "Cartel", at("2026-02-01T10:00"))])
    [late] = of_kind(agenda(state, NOW), Kind.CONSULTATION)
    assert late.status is Status.OVERDUE and words in late.message
    assert late.rule.section  # ieeags cites the window, its documents say nothing about the outcome


# -- information requests and openings ---------------------------------------------


def test_information_request_due_after_two_business_days() -> None:
    # Fri 13 Mar: Mon 16 is a holiday, so Tue 17 (1), Wed 18 (2).
    due = information_request_due(load_profile("ine"), calendar(), at("2026-03-13T18:00"))
    assert due == end_of_day(date(2026, 3, 18))
    state = make_state(
        "ine", information_requests=[InformationRequest(3, 1, "@juan", "¿Dónde?", at("2026-03-13T18:00"))]
    )
    [item] = of_kind(obligations(state, at("2026-03-19T00:00")), Kind.INFORMATION_REQUEST)
    assert item.status is Status.OVERDUE and "INETEL" in item.message


def test_opening_answer_takes_15_business_days_across_declared_semana_santa() -> None:
    cal = calendar(DateRange(date(2026, 3, 30), date(2026, 4, 3), "Semana Santa"))
    # Fri 20 Mar: 23–27 Mar (5), Semana Santa skipped, 6–10 Apr (10), 13–17 Apr (15).
    assert opening_due(load_profile("ine"), cal, date(2026, 3, 20)) == end_of_day(date(2026, 4, 17))
    # Without the declaration the same request is due a week earlier.
    assert opening_due(load_profile("ine"), calendar(), date(2026, 3, 20)) == end_of_day(date(2026, 4, 10))
    assert opening_due(load_profile("ieesonora"), cal, date(2026, 3, 20)) is None


def test_pending_opening_is_overdue_after_the_window_and_opened_one_needs_its_report() -> None:
    pending = OpeningRequest(1, "facebook", "INENuevo", "INE/CNCS/1/2026", date(2026, 2, 10))
    opened = OpeningRequest(
        2,
        "x",
        "@INEPrueba",
        "INE/CNCS/2/2025",
        date(2024, 12, 1),
        state="abierta",
        resolved_on=date(2025, 1, 1),
        account_id=1,
        report={"nombre": date(2025, 1, 2)},
    )
    items = of_kind(agenda(make_state("ine", opening_requests=[pending, opened]), NOW), Kind.OPENING_REQUEST)
    assert [i.ref_id for i in items] == [2, 1] or [i.ref_id for i in items] == [1, 2]
    by_id = {i.ref_id: i for i in items}
    assert by_id[1].status is Status.OVERDUE and by_id[1].due == end_of_day(date(2026, 3, 3))
    assert "propósitos" in by_id[2].message and "nombre," not in by_id[2].message


# -- the ine e-mail agreement --------------------------------------------------------


def test_ine_generic_email_deadline_is_60_business_days_from_25_march_2021() -> None:
    assert calendar().add_business_days(date(2021, 3, 25), 60) == date(2021, 6, 17)
    personal = Account(
        id=2,
        network="facebook",
        handle="INEPrueba",
        email="ana.lopez@ine.mx",
        opened_on=date(2019, 5, 1),
        created_at=NOW,
    )
    later = Account(
        id=3,
        network="facebook",
        handle="INENueva",
        email="ana.lopez@ine.mx",
        opened_on=date(2024, 5, 1),
        created_at=NOW,
    )
    items = of_kind(obligations(make_state("ine", accounts=[personal, later]), NOW), Kind.EMAIL_GENERIC)
    due = {item.account.id: item.due for item in items if item.account}
    assert due[2] == end_of_day(date(2021, 6, 17))  # existing accounts: the agreement's deadline
    assert due[3].date() == date(2024, 5, 1)  # a later account owes it from its opening
    assert all(item.status is Status.OVERDUE for item in items)


# -- state machines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("machine", "current", "target"),
    [
        ("consultation", "aprobada", "rechazada"),
        ("consultation", "rechazada", "aprobada"),
        ("consultation", "pendiente", "vencida"),
        ("information_request", "respondida", "canalizada"),
        ("opening_request", "pendiente", "abierta"),
        ("opening_request", "rechazada", "autorizada"),
        ("opening_request", "abierta", "autorizada"),
    ],
)
def test_illegal_transitions_are_refused(machine: str, current: str, target: str) -> None:
    with pytest.raises(PolicyError):
        check_transition(machine, 1, current, target)


@pytest.mark.parametrize(
    ("machine", "current", "target"),
    [
        ("consultation", "pendiente", "aprobada"),
        ("information_request", "abierta", "canalizada"),
        ("opening_request", "pendiente", "autorizada"),
        ("opening_request", "autorizada", "abierta"),
    ],
)
def test_legal_transitions_pass(machine: str, current: str, target: str) -> None:
    check_transition(machine, 1, current, target)


# -- waivers ---------------------------------------------------------------------------


def _request_state(*waivers: Waiver) -> State:
    return make_state(
        "ine",
        information_requests=[InformationRequest(3, 1, "@juan", "¿Dónde?", at("2026-03-02T10:00"))],
        waivers=waivers,
    )


@pytest.mark.parametrize(
    "waiver",
    [
        Waiver(1, date(2026, 3, 20), "Oficio", key="information_request:a1:r3"),
        Waiver(2, date(2026, 3, 20), "Oficio", kind="information_request", account_id=1),
        Waiver(3, date(2026, 3, 20), "Oficio", kind="information_request"),
    ],
)
def test_a_waiver_hides_its_obligation_until_its_end_date(waiver: Waiver) -> None:
    state = _request_state(waiver)
    assert of_kind(agenda(state, NOW), Kind.INFORMATION_REQUEST) == []
    assert of_kind(agenda(state, at("2026-03-20T23:00")), Kind.INFORMATION_REQUEST) == []
    # The day after, it comes back by itself.
    assert len(of_kind(agenda(state, at("2026-03-21T00:00")), Kind.INFORMATION_REQUEST)) == 1


def test_a_waiver_for_another_account_or_kind_hides_nothing() -> None:
    state = _request_state(
        Waiver(1, date(2026, 3, 20), "Oficio", kind="information_request", account_id=99),
        Waiver(2, date(2026, 3, 20), "Oficio", kind="consultation", account_id=1),
        Waiver(3, date(2026, 3, 20), "Oficio", key="information_request:a1:r4"),
    )
    assert len(of_kind(agenda(state, NOW), Kind.INFORMATION_REQUEST)) == 1


# -- holiday notices ---------------------------------------------------------------------


def test_holiday_notice_due_three_business_days_before_and_only_within_the_agenda() -> None:
    state = make_state("ine")
    items = of_kind(agenda(state, at("2026-03-09T10:00"), horizon_days=30), Kind.HOLIDAY_NOTICE)
    # Mon 16 Mar (Benito Juárez): Fri 13 (1), Thu 12 (2), Wed 11 (3).
    assert [(i.ref_id, i.due) for i in items] == [(20260316, end_of_day(date(2026, 3, 11)))]
    assert items[0].key == "holiday_notice:r20260316"
    # 1 May is due on 28 Apr: outside a 30-day agenda on 9 Mar, inside a 60-day one.
    wider = of_kind(agenda(state, at("2026-03-09T10:00"), horizon_days=60), Kind.HOLIDAY_NOTICE)
    assert [i.ref_id for i in wider] == [20260316, 20260501]


def test_holiday_notice_for_a_declared_period_covers_its_holidays_and_done_ones_leave() -> None:
    cal = calendar(DateRange(date(2026, 3, 13), date(2026, 3, 17), "Puente"))
    periods = holiday_periods(cal, date(2026, 3, 1), date(2026, 3, 31))
    assert [(p.id, p.start, p.end) for p in periods] == [(20260313, date(2026, 3, 13), date(2026, 3, 17))]
    state = make_state("ieesonora", cal)
    assert len(of_kind(agenda(state, NOW), Kind.HOLIDAY_NOTICE)) == 1
    state.holiday_notices_done = frozenset({20260313})
    assert of_kind(agenda(state, NOW), Kind.HOLIDAY_NOTICE) == []


def test_a_holiday_on_a_weekend_needs_no_notice_but_an_electoral_process_stops_none() -> None:
    # POLICY.md §11, readings: the process changes which days are business days (the notice is due
    # N days before, every day counting), not the duty to announce the attention hours (§5.1).
    cal = BusinessCalendar(
        {date(2027, 5, 1): "Día del Trabajo", date(2026, 9, 16): "Día de la Independencia"},
        non_working=[DateRange(date(2026, 12, 21), date(2027, 1, 1), "Vacaciones de invierno")],
        electoral=[DateRange(date(2026, 9, 1), date(2027, 6, 30), "Proceso electoral")],
    )
    periods = holiday_periods(cal, date(2026, 1, 1), date(2027, 12, 31))
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 9, 16), date(2026, 9, 16)),
        (date(2026, 12, 21), date(2027, 1, 1)),
    ]
    # Wed 16 Sep inside the process: 3 days before, weekend included, is Sun 13 Sep.
    assert holiday_notice_due(load_profile("ine"), cal, date(2026, 9, 16)) == end_of_day(date(2026, 9, 13))


def test_iecm_makes_no_holiday_notices() -> None:
    assert of_kind(agenda(make_state("iecm"), at("2026-03-09T10:00")), Kind.HOLIDAY_NOTICE) == []


# -- administrator changes, documents, abandoned accounts, closings -----------------------


ANA = Person(id=5, name="Ana López", rank="mando_medio")


@pytest.mark.parametrize(("profile_id", "expected"), [("ine", 1), ("ieesonora", 1), ("iecm", 1), ("ieeags", 0)])
def test_admin_change_notice_by_profile(profile_id: str, expected: int) -> None:
    change = AdminChange(4, 5, "baja", date(2026, 3, 10), account_ids=(1,))
    state = make_state(profile_id, people={5: ANA}, admin_changes=[change])
    items = of_kind(obligations(state, NOW), Kind.ADMIN_CHANGE_NOTICE)
    assert len(items) == expected
    if items:
        assert items[0].status is Status.OVERDUE and "Ana López" in items[0].message


def test_a_suspension_leaves_a_gap_that_missing_admin_sees() -> None:
    iecm_account = Account(id=1, network="x", handle="@IECM_DD01", email="dd01@iecm.mx")
    before = Assignment(1, 1, 5, "enlace", date(2025, 1, 1), date(2026, 3, 9))
    after = Assignment(2, 1, 5, "enlace", date(2026, 3, 21))
    state = make_state("iecm", accounts=[iecm_account], people={5: ANA}, assignments=[before, after])
    during = obligations(state, NOW)
    assert len(of_kind(during, Kind.MISSING_ADMIN)) == 1
    # iecm: the end of the assignment makes the rotation due at once.
    [rotation] = of_kind(during, Kind.ROTATION)
    assert rotation.due == end_of_day(date(2026, 3, 9)) and rotation.status is Status.OVERDUE
    assert of_kind(obligations(state, at("2026-03-21T09:00")), Kind.MISSING_ADMIN) == []


def test_ine_administrators_need_designation_form_and_responsiva() -> None:
    assignment = Assignment(1, 1, 5, "titular", date(2025, 2, 1))
    state = make_state("ine", people={5: ANA}, assignments=[assignment])
    kinds = {item.kind for item in obligations(state, NOW) if item.person == ANA}
    assert {Kind.DESIGNATION_FORM, Kind.RESPONSIVA} <= kinds
    state.person_documents = frozenset({(5, "designation_form")})
    kinds = {item.kind for item in obligations(state, NOW) if item.person == ANA}
    assert Kind.DESIGNATION_FORM not in kinds and Kind.RESPONSIVA in kinds
    assert not of_kind(
        obligations(make_state("ieeags", people={5: ANA}, assignments=[assignment]), NOW), Kind.RESPONSIVA
    )


def test_abandoned_after_90_days_without_activity_from_any_source() -> None:
    state = make_state("ine", last_rotation={1: at("2025-12-01T10:00")})
    [item] = of_kind(obligations(state, NOW), Kind.ABANDONED_ACCOUNT)
    assert item.due == end_of_day(date(2025, 12, 1) + timedelta(days=90))
    assert item.status is Status.OVERDUE
    # Another source of activity (the bitácora, later) is just one more mapping.
    state.other_activity = {"entrada de bitácora": {1: at("2026-03-01T10:00")}}
    assert of_kind(obligations(state, NOW), Kind.ABANDONED_ACCOUNT) == []
    assert state.last_activity(1) == (date(2026, 3, 1), "entrada de bitácora")


def test_abandoned_is_off_by_default_where_the_documents_are_silent() -> None:
    stale = {1: at("2025-01-01T10:00")}
    assert of_kind(obligations(make_state("iecm", last_rotation=stale), NOW), Kind.ABANDONED_ACCOUNT) == []
    profile_on = load_profile("iecm", {"abandoned_days": 90})
    state = State(profile=profile_on, calendar=calendar(), accounts=[ACCOUNT], last_rotation=stale)
    assert len(of_kind(obligations(state, NOW), Kind.ABANDONED_ACCOUNT)) == 1


def test_incomplete_closing_is_a_standing_finding() -> None:
    closed = Account(id=1, network="x", handle="@INEViejo", status="baja")
    state = make_state(
        "ine", accounts=[closed], closings=[Closing(1, 1, date(2026, 3, 1), done={"oficio": date(2026, 3, 2)})]
    )
    [item] = of_kind(obligations(state, NOW), Kind.CLOSING)
    assert item.status is Status.OVERDUE and "contenido borrado" in item.message
    assert "contraseña borrada del llavero" in item.message
    done = {"oficio": date(2026, 3, 2), "contenido": date(2026, 3, 2)}
    state.closings = [Closing(1, 1, date(2026, 3, 1), done=done)]
    [item] = of_kind(obligations(state, NOW), Kind.CLOSING)
    assert "contenido" not in item.message and "contraseña borrada del llavero" in item.message
    state.closings = [Closing(1, 1, date(2026, 3, 1), done={**done, "llavero": date(2026, 3, 3)})]
    assert of_kind(obligations(state, NOW), Kind.CLOSING) == []
