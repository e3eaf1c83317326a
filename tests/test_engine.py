"""The deadline engine: every rule of the foundation at its edges, on hand-built state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from policy import engine
from policy.calendar import BusinessCalendar
from policy.clock import ZONE, add_months, end_of_day
from policy.codes import DutyKind, Kind, Status
from policy.engine import agenda, obligations
from policy.obligations import Obligation, State
from policy.profile import load_profile
from policy.records import Account, Assignment, Duty, Person
from policy.rows import agenda_rows
from store.calendar import official_holidays_for
from tui.cli.agenda import row_json

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
CREATED = datetime(2025, 1, 6, 9, 0, tzinfo=ZONE)

_HOLIDAYS: dict[date, str] = {}
for _year in range(2021, 2029):
    _HOLIDAYS.update(official_holidays_for(_year))


def account(acc_id: int = 1, **fields: Any) -> Account:
    base: dict[str, Any] = {
        "id": acc_id,
        "network": "facebook",
        "handle": f"cuenta{acc_id}",
        "status": "activa",
        "email": "redes@ine.mx",
        "email_generic": True,
        "verification": "verificada",
        "created_at": CREATED,
    }
    base.update(fields)
    return Account(**base)


def state(profile: str = "ine", *, overrides: dict[str, Any] | None = None, **fields: Any) -> State:
    return State(profile=load_profile(profile, overrides), calendar=BusinessCalendar(_HOLIDAYS), **fields)


def of_kind(items: list[Obligation], kind: Kind) -> list[Obligation]:
    return [item for item in items if item.kind == kind]


def at_day(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


# -- month arithmetic ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2027, 12, 29), 2, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 8, 31), 12, date(2026, 8, 31)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_six_month_series_from_the_original_date_does_not_drift():
    origin = date(2025, 8, 31)
    series = [add_months(origin, 6 * k) for k in range(1, 5)]
    assert series == [date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)]
    chained = add_months(add_months(origin, 6), 6)
    assert chained == date(2026, 8, 28)  # what chaining would give: the drift we avoid


# -- rotation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (date(2026, 1, 31), date(2026, 3, 31)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
    ],
)
def test_ine_rotation_every_two_months(last, due):
    s = state("ine", accounts=[account()], last_rotation={1: at_day(last)})
    found = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert len(found) == 1
    assert found[0].due == end_of_day(due)
    assert found[0].rule.section == "§6.XXXIV"
    assert "2 meses" in found[0].message


def test_rotation_late_in_the_evening_counts_on_the_local_day():
    # 23:30 in Mexico City is already 1 Feb in UTC; the local day (31 Jan) counts.
    late = datetime(2026, 1, 31, 23, 30, tzinfo=ZONE)
    s = state("ine", accounts=[account()], last_rotation={1: late.astimezone(UTC)})
    (found,) = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert found.due == end_of_day(date(2026, 3, 31))


def test_ieeags_rotation_every_six_months():
    s = state("ieeags", accounts=[account(email="redes@ieeags.mx")], last_rotation={1: at_day(date(2025, 8, 31))})
    (found,) = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert found.due == end_of_day(date(2026, 2, 28))
    assert found.status is Status.OVERDUE
    assert found.rule.section == "§6.XXXVIII"


def test_rotation_without_history_runs_from_the_opening_date():
    s = state("ine", accounts=[account(opened_on=date(2026, 1, 31))])
    (found,) = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert found.due == end_of_day(date(2026, 3, 31))


def test_rotation_without_history_nor_opening_is_overdue():
    s = state("ine", accounts=[account()])
    (found,) = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert found.status is Status.OVERDUE


def test_ieesonora_has_no_rotation_deadline_unless_set():
    acc = account(email="redes@ieesonora.org.mx")
    s = state("ieesonora", accounts=[acc])
    assert of_kind(obligations(s, NOW), Kind.ROTATION) == []
    s = state(
        "ieesonora", overrides={"rotation_months": 3}, accounts=[acc], last_rotation={1: at_day(date(2026, 1, 31))}
    )
    (found,) = of_kind(obligations(s, NOW), Kind.ROTATION)
    assert found.due == end_of_day(date(2026, 4, 30))
    assert found.rule.note  # the profile explains the criteria set no interval


def _iecm_state(end: date | None, rotated: date | None, role: str = "enlace") -> State:
    acc = account(email="dd01@iecm.mx", handle="IECM_DD01", network="x")
    people = {1: Person(1, "Ana Pérez"), 2: Person(2, "Beto Ruiz")}
    assignments = [Assignment(1, 1, 1, role, date(2025, 1, 6), end)]
    if end is not None:
        assignments.append(Assignment(2, 1, 2, role, end + timedelta(days=1)))
    return state(
        "iecm",
        accounts=[acc],
        people=people,
        assignments=assignments,
        last_rotation={1: at_day(rotated)} if rotated else {},
    )


def test_iecm_rotation_due_at_once_when_an_assignment_ends():
    (found,) = of_kind(obligations(_iecm_state(date(2026, 3, 1), None), NOW), Kind.ROTATION)
    assert found.due == end_of_day(date(2026, 3, 1))
    assert found.status is Status.OVERDUE
    assert found.person is not None and found.person.name == "Ana Pérez"
    assert found.rule.section == "§6.X"
    assert "Ana Pérez" in found.message


def test_iecm_rotation_before_the_change_does_not_count():
    items = obligations(_iecm_state(date(2026, 3, 1), date(2026, 2, 20)), NOW)
    assert len(of_kind(items, Kind.ROTATION)) == 1


def test_iecm_rotation_recorded_after_the_change_clears_it():
    assert of_kind(obligations(_iecm_state(date(2026, 3, 1), date(2026, 3, 2)), NOW), Kind.ROTATION) == []


def test_iecm_no_rotation_without_an_administrator_change():
    assert of_kind(obligations(_iecm_state(None, None), NOW), Kind.ROTATION) == []


def test_iecm_coadministrator_change_does_not_force_rotation():
    s = _iecm_state(date(2026, 3, 1), None, role="coadministrador")
    assert of_kind(obligations(s, NOW), Kind.ROTATION) == []


# -- evaluation and training ----------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "email"), [("ine", "a@ine.mx"), ("ieeags", "a@ieeags.mx"), ("ieesonora", "a@ieesonora.org.mx")]
)
def test_evaluation_every_six_months(profile, email):
    s = state(profile, accounts=[account(email=email)], last_evaluation={1: date(2025, 9, 30)})
    (found,) = of_kind(obligations(s, NOW), Kind.EVALUATION)
    assert found.due == end_of_day(date(2026, 3, 30))
    assert found.status is Status.UPCOMING
    assert found.rule.section


def test_evaluation_without_record_runs_from_opening():
    s = state("ine", accounts=[account(opened_on=date(2025, 8, 31))])
    (found,) = of_kind(obligations(s, NOW), Kind.EVALUATION)
    assert found.due == end_of_day(date(2026, 2, 28))
    assert found.status is Status.OVERDUE


def test_iecm_has_no_evaluation():
    s = state("iecm", accounts=[account(email="a@iecm.mx")], last_evaluation={1: date(2020, 1, 1)})
    assert of_kind(obligations(s, NOW), Kind.EVALUATION) == []


def _staffed(profile: str, trained: dict[int, date] | None = None) -> State:
    people = {
        1: Person(1, "Ana Pérez", rank="mando_medio"),
        2: Person(2, "Beto Ruiz", rank="operativo"),
        3: Person(3, "Ceci Gómez", rank="operativo"),
    }
    assignments = [
        Assignment(1, 1, 1, "titular", date(2025, 3, 1)),
        Assignment(2, 1, 2, "suplente", date(2025, 3, 1)),
        Assignment(3, 1, 3, "suplente", date(2024, 1, 1), date(2025, 2, 28)),  # no longer administers
    ]
    return state(
        profile,
        accounts=[account(email=f"a@{profile}.mx")],
        people=people,
        assignments=assignments,
        last_training=trained or {},
    )


@pytest.mark.parametrize("profile", ["ine", "ieeags"])
def test_training_annual_per_person(profile):
    s = _staffed(profile, trained={1: date(2025, 3, 15)})
    found = {item.person.name: item for item in of_kind(obligations(s, NOW), Kind.TRAINING) if item.person}
    assert set(found) == {"Ana Pérez", "Beto Ruiz"}  # Ceci left the account
    assert found["Ana Pérez"].due == end_of_day(date(2026, 3, 15))
    assert found["Ana Pérez"].status is Status.DUE_SOON
    assert found["Beto Ruiz"].due == end_of_day(date(2026, 3, 1))  # a year after starting
    assert found["Beto Ruiz"].status is Status.OVERDUE
    assert all(item.account is None for item in found.values())


@pytest.mark.parametrize("profile", ["ieesonora", "iecm"])
def test_no_training_rule(profile):
    assert of_kind(obligations(_staffed(profile), NOW), Kind.TRAINING) == []


# -- administrators ---------------------------------------------------------------


def test_missing_suplente_ine():
    people = {1: Person(1, "Ana Pérez")}
    s = state(
        "ine", accounts=[account()], people=people, assignments=[Assignment(1, 1, 1, "titular", date(2025, 3, 1))]
    )
    (found,) = of_kind(obligations(s, NOW), Kind.MISSING_ADMIN)
    assert "suplente" in found.message and "titular" not in found.message
    assert found.status is Status.OVERDUE and found.standing


def test_missing_both_roles_names_both():
    (found,) = of_kind(obligations(state("ine", accounts=[account()]), NOW), Kind.MISSING_ADMIN)
    assert "titular" in found.message and "suplente" in found.message


def test_complete_administration_has_no_finding():
    assert of_kind(obligations(_staffed("ine"), NOW), Kind.MISSING_ADMIN) == []


def test_iecm_requires_an_enlace():
    s = state("iecm", accounts=[account(email="a@iecm.mx")])
    (found,) = of_kind(obligations(s, NOW), Kind.MISSING_ADMIN)
    assert "enlace" in found.message
    assert found.rule.section == "§6.VII"
    staffed = state(
        "iecm",
        accounts=[account(email="a@iecm.mx")],
        people={1: Person(1, "Ana")},
        assignments=[Assignment(1, 1, 1, "enlace", date(2025, 1, 1))],
    )
    assert of_kind(obligations(staffed, NOW), Kind.MISSING_ADMIN) == []


def test_ended_assignment_leaves_the_role_missing_since_its_end():
    people = {1: Person(1, "Ana"), 2: Person(2, "Beto")}
    s = state(
        "ine",
        accounts=[account()],
        people=people,
        assignments=[
            Assignment(1, 1, 1, "titular", date(2025, 1, 1)),
            Assignment(2, 1, 2, "suplente", date(2025, 1, 1), date(2026, 3, 5)),
        ],
    )
    (found,) = of_kind(obligations(s, NOW), Kind.MISSING_ADMIN)
    assert found.due == end_of_day(date(2026, 3, 5))


@pytest.mark.parametrize("status", ["solicitada", "baja"])
def test_requested_and_closed_accounts_have_no_findings(status):
    acc = account(status=status, email=None, email_generic=False, verification="no", network="x", handle="Elecciones")
    # Institution-wide notices (days off) have no account; nothing else may appear.
    assert [o for o in obligations(state("ine", accounts=[acc]), NOW) if o.kind != Kind.HOLIDAY_NOTICE] == []


def test_authorized_account_needs_administrators_and_email_but_no_periodic_deadlines():
    acc = account(status="autorizada", email=None)
    kinds = {item.kind for item in obligations(state("ine", accounts=[acc]), NOW) if item.account is not None}
    assert kinds == {Kind.MISSING_ADMIN, Kind.EMAIL_DOMAIN}


def test_admin_rank():
    people = {
        1: Person(1, "Ana", rank="operativo"),
        2: Person(2, "Beto", rank="mando_superior"),
        3: Person(3, "Ceci", rank="mando_medio"),
        4: Person(4, "Dani"),
    }
    bad = state(
        "ine",
        accounts=[account(1), account(2)],
        people=people,
        assignments=[
            Assignment(1, 1, 1, "titular", date(2025, 1, 1)),  # operativo as titular: refused
            Assignment(2, 1, 3, "suplente", date(2025, 1, 1)),  # mando medio as suplente: fine
            Assignment(3, 2, 2, "titular", date(2025, 1, 1)),  # mando superior as titular: fine
            Assignment(4, 2, 4, "suplente", date(2025, 1, 1)),  # rank unknown: no finding
        ],
    )
    found = of_kind(obligations(bad, NOW), Kind.ADMIN_RANK)
    assert [(item.person.name, item.account.id) for item in found if item.person and item.account] == [("Ana", 1)]
    assert found[0].rule.section == "§5.1, segundo párrafo"
    assert "mando medio" in found[0].message
    # ieeags fixes no rank.
    assert of_kind(obligations(bad.replace(profile=load_profile("ieeags")), NOW), Kind.ADMIN_RANK) == []


# -- e-mail and handle ------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "flagged"),
    [
        ("redes@ine.mx", False),
        ("redes@cdmx.ine.mx", False),
        ("Redes@INE.MX", False),
        ("redes@gmail.com", True),
        ("redes@notine.mx", True),
        ("redes@ine.mx.evil.com", True),
        (None, True),
    ],
)
def test_email_domain(email, flagged):
    found = of_kind(obligations(state("ine", accounts=[account(email=email)]), NOW), Kind.EMAIL_DOMAIN)
    assert bool(found) is flagged
    if found:
        assert found[0].status is Status.OVERDUE
        assert "ine.mx" in found[0].message


def test_email_domain_ieeags_accepts_both_domains():
    s = state(
        "ieeags",
        accounts=[
            account(1, email="a@ieeags.mx"),
            account(2, email="b@ieeags.org.mx"),
            account(3, email="c@ieeags.com"),
        ],
    )
    assert [item.account.id for item in of_kind(obligations(s, NOW), Kind.EMAIL_DOMAIN) if item.account] == [3]


def test_email_generic_ine_only():
    acc = account(email_generic=False)
    (found,) = of_kind(obligations(state("ine", accounts=[acc]), NOW), Kind.EMAIL_GENERIC)
    # Registered after the 2021 deadline: the finding starts at registration.
    assert found.due == CREATED
    old = account(email_generic=False, created_at=datetime(2020, 5, 1, tzinfo=ZONE))
    (found,) = of_kind(obligations(state("ine", accounts=[old]), NOW), Kind.EMAIL_GENERIC)
    assert found.due == end_of_day(date(2021, 6, 17))
    assert "17/06/2021" in found.message
    # Opened before the deadline but registered here only now: overdue since the deadline.
    opened = account(email_generic=False, opened_on=date(2019, 5, 1))
    (found,) = of_kind(obligations(state("ine", accounts=[opened]), NOW), Kind.EMAIL_GENERIC)
    assert found.due == end_of_day(date(2021, 6, 17))
    assert of_kind(obligations(state("ine", accounts=[account()]), NOW), Kind.EMAIL_GENERIC) == []
    ieeags = state("ieeags", accounts=[account(email="a@ieeags.mx", email_generic=False)])
    assert of_kind(obligations(ieeags, NOW), Kind.EMAIL_GENERIC) == []


@pytest.mark.parametrize(
    ("profile", "handle", "flagged"),
    [
        ("ine", "@INEMexico", False),  # prefix, as the real handles
        ("ine", "@Mexico_INE", False),  # suffix, as the document says
        ("ine", "@inetelmx", False),  # any case
        ("ine", "@Elecciones", True),
        ("ine", "@LineaCiudadanaMx", True),  # «ine» inside a word is not the token (issue #13 defect 8)
        ("ine", "@SomosINEMx", False),  # between case boundaries
        ("ine", "@Junta_INE_Sonora", False),  # between separators
        ("ine", "@Combinemos", True),
        ("ieesonora", "@IEESonora_Oficial", False),
        ("ieesonora", "@Sonora", True),
        ("iecm", "@IECM_DD01", False),
        ("iecm", "@DD01_cdmx", True),
        ("ieeags", "@Elecciones", False),  # no token in the ieeags criteria
    ],
)
def test_handle_token_on_x(profile, handle, flagged):
    acc = account(network="x", handle=handle, email=f"a@{profile}.mx")
    found = of_kind(obligations(state(profile, accounts=[acc]), NOW), Kind.HANDLE_TOKEN)
    assert bool(found) is flagged
    if found:
        assert handle in found[0].message
        assert found[0].rule.note  # the profile says why it checks anywhere


def test_handle_token_only_on_x():
    acc = account(network="facebook", handle="Elecciones")
    assert of_kind(obligations(state("ine", accounts=[acc]), NOW), Kind.HANDLE_TOKEN) == []


# -- iecm: public, private messages; verification ---------------------------------


def test_public_and_private_messages_iecm_only():
    acc = account(email="a@iecm.mx", public=False, private_messages=False)
    kinds = {item.kind for item in obligations(state("iecm", accounts=[acc]), NOW)}
    assert {Kind.PUBLIC_ACCOUNT, Kind.PRIVATE_MESSAGES} <= kinds
    ok = account(email="a@iecm.mx")
    kinds = {item.kind for item in obligations(state("iecm", accounts=[ok]), NOW)}
    assert not {Kind.PUBLIC_ACCOUNT, Kind.PRIVATE_MESSAGES} & kinds
    ine = {item.kind for item in obligations(state("ine", accounts=[acc._replace(email="a@ine.mx")]), NOW)}
    assert not {Kind.PUBLIC_ACCOUNT, Kind.PRIVATE_MESSAGES} & ine


@pytest.mark.parametrize(
    ("profile", "required"), [("ine", True), ("ieeags", True), ("ieesonora", True), ("iecm", False)]
)
def test_verification(profile, required):
    for verification, flagged in (("no", required), ("solicitada", False), ("verificada", False)):
        acc = account(verification=verification, email=f"a@{profile}.mx")
        found = of_kind(obligations(state(profile, accounts=[acc]), NOW), Kind.VERIFICATION)
        assert bool(found) is flagged, (profile, verification)


# -- statuses, horizon, ordering, citations, JSON --------------------------------


@pytest.mark.parametrize(
    ("due", "status"),
    [
        (NOW - timedelta(seconds=1), Status.OVERDUE),
        (NOW, Status.OVERDUE),
        (NOW + timedelta(seconds=1), Status.DUE_SOON),
        (NOW + timedelta(days=7), Status.DUE_SOON),
        (NOW + timedelta(days=7, seconds=1), Status.UPCOMING),
    ],
)
def test_classify(due, status):
    assert engine.classify(due, NOW, Kind.ROTATION) is status


def _mixed() -> State:
    people = {1: Person(1, "Ana", rank="mando_medio"), 2: Person(2, "Beto", rank="operativo")}
    accounts = [account(i) for i in range(1, 5)]
    assignments = [
        Assignment(10 + i, i, 1 + (k % 2), role, date(2025, 1, 1))
        for i in range(1, 5)
        for k, role in enumerate(("titular", "suplente"))
    ]
    return state(
        "ine",
        accounts=accounts,
        people=people,
        assignments=assignments,
        last_rotation={
            1: at_day(date(2026, 1, 1)),  # due 1 Mar: overdue
            2: at_day(date(2026, 1, 15)),  # due 15 Mar: due soon
            3: at_day(date(2026, 3, 1)),  # due 1 May: beyond 30 days
            4: at_day(date(2026, 2, 1)),
        },  # due 1 Apr: upcoming
        last_evaluation={i: date(2026, 1, 1) for i in range(1, 5)},
        last_training={1: date(2026, 1, 1), 2: date(2026, 1, 1)},
    )


def test_agenda_horizon_and_statuses():
    items = agenda(_mixed(), NOW, horizon_days=30)
    rotations = {item.account.id: item.status for item in of_kind(items, Kind.ROTATION) if item.account}
    assert rotations == {1: Status.OVERDUE, 2: Status.DUE_SOON, 4: Status.UPCOMING}
    wider = agenda(_mixed(), NOW, horizon_days=60)
    assert 3 in {item.account.id for item in of_kind(wider, Kind.ROTATION) if item.account}
    narrow = agenda(_mixed(), NOW, horizon_days=0)
    assert {item.status for item in narrow} == {Status.OVERDUE}
    assert of_kind(narrow, Kind.ROTATION)[0].account.id == 1  # type: ignore[union-attr]


def test_agenda_negative_horizon_refused():
    from policy.errors import UsageError

    with pytest.raises(UsageError):
        agenda(_mixed(), NOW, horizon_days=-1)


def test_agenda_order_overdue_then_soon_then_upcoming_each_by_date():
    s = _mixed()
    s.accounts = [
        *s.accounts,
        account(9, network="x", handle="Elecciones", created_at=datetime(2026, 2, 1, tzinfo=ZONE)),
    ]
    items = agenda(s, NOW, horizon_days=60)
    order = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}
    keys = [(order[item.status], item.due) for item in items]
    assert keys == sorted(keys)
    assert items[0].status is Status.OVERDUE and items[-1].status is Status.UPCOMING


def test_standing_findings_are_overdue_even_when_they_began_after_the_clock():
    acc = account(email="x@gmail.com", created_at=datetime(2026, 4, 1, tzinfo=ZONE))
    (found,) = of_kind(obligations(state("ine", accounts=[acc]), NOW), Kind.EMAIL_DOMAIN)
    assert found.status is Status.OVERDUE


def _everything(profile: str) -> State:
    people = {1: Person(1, "Ana", rank="operativo"), 2: Person(2, "Beto")}
    accounts = [
        account(
            1,
            network="x",
            handle="Elecciones",
            email="x@gmail.com",
            email_generic=False,
            verification="no",
            public=False,
            private_messages=False,
        ),
        account(2, status="autorizada", email=None),
        account(3, network="youtube", handle="CanalDECEyEC", email=None),  # ine §7.X: only INETV
    ]
    assignments = [
        Assignment(1, 1, 1, "titular", date(2025, 1, 1)),
        Assignment(2, 1, 2, "enlace", date(2025, 1, 1), date(2026, 3, 1)),
        Assignment(3, 1, 2, "coadministrador", date(2025, 6, 1)),  # a finding in ine (§5.1)
    ]
    # One open duty of every kind (POLICY.md §11); each profile shows the kinds it has a rule for.
    duties = [
        Duty(n, kind.value, f"asunto {n}", at_day(date(2026, 3, 1)), account_id=1, recipient="CNCS")
        for n, kind in enumerate(DutyKind, start=1)
    ]
    # The x account's latest publication is older than its daily window (content kept current).
    return state(
        profile,
        accounts=accounts,
        people=people,
        assignments=assignments,
        duties=duties,
        last_post={1: at_day(date(2026, 3, 1))},
    )


@pytest.mark.parametrize("profile", ["ine", "ieeags", "ieesonora", "iecm"])
def test_every_obligation_cites_document_and_section(profile):
    items = agenda(_everything(profile), NOW, horizon_days=3650)
    assert items
    for item in items:
        assert item.rule.profile == profile
        assert item.rule.document.strip(), item
        assert item.rule.section.strip(), item
        assert item.rule.quote.strip(), item
        assert item.message.strip()


def test_every_kind_of_the_foundation_appears_somewhere():
    kinds: set[str] = set()
    for profile in ("ine", "ieeags", "ieesonora", "iecm"):
        kinds |= {item.kind for item in agenda(_everything(profile), NOW, horizon_days=3650)}
    # The workflow kinds (consultations, requests…) need records of their own: see test_workflows_*.
    workflow_only = {"consultation", "information_request", "opening_request", "closing", "admin_change_notice"}
    # Incidents and credential findings need records of their own too (test_incidents_*, test_credentials*).
    other_records = {"incident_notice", "weak_password", "reused_password", "no_password"}
    assert kinds == {k.value for k in Kind} - workflow_only - other_records


def test_json_shape_and_due_format():
    s = state("ine", accounts=[account()], last_rotation={1: at_day(date(2026, 1, 12))})
    (item,) = of_kind(agenda(s, NOW), Kind.ROTATION)
    data = row_json(agenda_rows([item], s.profile)[0])
    assert data["due"] == "2026-03-12T23:59:59-06:00"
    assert data["status"] == "due_soon"
    assert data["kind"] == "rotation"
    assert data["account"] == "facebook/cuenta1"
    assert data["account_id"] == 1
    assert data["person"] is None and data["person_id"] is None
    assert set(data["rule"]) >= {"profile", "document", "section", "quote"}
    assert data["key"] == "rotation:a1"


def _due_on(day: date) -> State:
    # ine rotates every 2 months: a rotation on day - 2 months falls due at the end of ``day``.
    return state("ine", accounts=[account()], last_rotation={1: at_day(add_months(day, -2))})


def test_horizon_counts_whole_calendar_days():
    # --dias 30 on 12 Mar: a deadline on 11 Apr (day 30) is in, one on 12 Apr is not.
    assert of_kind(agenda(_due_on(date(2026, 4, 11)), NOW, horizon_days=30), Kind.ROTATION)
    assert not of_kind(agenda(_due_on(date(2026, 4, 12)), NOW, horizon_days=30), Kind.ROTATION)


def test_horizon_zero_still_shows_what_falls_due_today():
    (found,) = of_kind(agenda(_due_on(date(2026, 3, 12)), NOW, horizon_days=0), Kind.ROTATION)
    assert found.status is Status.DUE_SOON
    assert not of_kind(agenda(_due_on(date(2026, 3, 13)), NOW, horizon_days=0), Kind.ROTATION)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "venció hace menos de una hora"),
        (timedelta(minutes=30), "vence en menos de una hora"),
        (timedelta(hours=5), "vence en 5 h"),
        (timedelta(days=1, hours=2), "vence mañana"),
        (timedelta(days=5), "vence en 5 días"),
        (-timedelta(hours=3), "venció hace 3 h"),
        (-timedelta(days=1), "venció ayer"),
        (-timedelta(days=10), "venció hace 10 días"),
    ],
)
def test_relative_agrees_with_the_status(delta, text):
    from policy.clock import relative

    assert relative(NOW + delta, NOW) == text
    # «vence» (future) exactly when the engine does not call it overdue.
    assert text.startswith("vence ") is (engine.classify(NOW + delta, NOW, Kind.ROTATION) is not Status.OVERDUE)


def test_iecm_rotation_on_the_last_day_of_the_outgoing_administrator_counts():
    # The end date is the person's last day; a rotation that day is the hand-over.
    assert of_kind(obligations(_iecm_state(date(2026, 3, 1), date(2026, 3, 1)), NOW), Kind.ROTATION) == []


def test_what_the_checks_derive_is_forgotten_when_the_state_changes():
    from policy.checks import live_accounts

    first = account(1)
    st = state("ine", accounts=[first])
    assert live_accounts(st) == [first]
    second = account(2)
    st.accounts = [first, second]  # tests and the workbench adjust a loaded state in place
    assert live_accounts(st) == [first, second]
    assert {o.account.id for o in obligations(st, NOW) if o.kind == Kind.ROTATION} == {1, 2}
    assert st.replace().derived == {}


def test_due_phrase_says_how_soon_in_the_workbench_lists():
    from policy.labels import due_phrase
    from policy.records import Citation

    rule = Citation("ine", "Criterios", "§1", "cita")
    later = Obligation(kind=Kind.ROTATION, due=NOW + timedelta(days=3), rule=rule, message="m")
    earlier = Obligation(kind=Kind.EVALUATION, due=NOW - timedelta(days=5), rule=rule, message="m")
    standing = Obligation(kind=Kind.VERIFICATION, due=NOW - timedelta(days=40), rule=rule, message="m", standing=True)
    notice = Obligation(kind=Kind.INCIDENT_NOTICE, due=NOW - timedelta(hours=2), rule=rule, message="m", standing=True)
    assert due_phrase(later, NOW) == "vence en 3 días"
    assert due_phrase(earlier, NOW) == "venció hace 5 días"
    assert due_phrase(standing, NOW) == "hallazgo vigente"
    assert due_phrase(notice, NOW) == "avisar de inmediato"
