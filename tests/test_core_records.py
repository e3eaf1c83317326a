"""The records' use cases (tui/core/records.py): one rule, one read and one sentence for both faces."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_runner
from workbench_helpers import build_demo_db

from policy.clock import ZONE
from policy.entries.records import (
    assignment_started,
    assignments_ended,
    evaluation_recorded,
    rotation_recorded,
    training_recorded,
)
from policy.errors import UsageError
from policy.institution import closed_refusal
from policy.records import Account, Assignment, Person
from store import open_store
from store.db import Store
from store.errors import ConflictError
from tui.core import records
from tui.forms.records import unassign_job
from tui.workspace import Workspace


@pytest.fixture(scope="module")
def ine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("registros") / "ine.db", "ine")


def _open(db: Path) -> Store:
    return open_store(db, clock=lambda: NOW)


def test_the_account_table_is_the_same_read_for_both_faces(ine_db: Path) -> None:
    with _open(ine_db) as store:
        tables = records.institution(store)
    listed = json.loads(make_runner(ine_db)("cuentas", "listar", "--json").out)
    rows = tables.accounts_by_reference()
    assert [item["id"] for item in listed] == [row.account.id for row in rows]
    assert len(listed) == len(tables.accounts) > 10
    for item, row in zip(listed, rows, strict=True):
        assert item["administrators"] == {role: list(names) for role, names in row.holders.items()}
        assert item["last_rotation"] == (row.last_rotation.isoformat() if row.last_rotation else None)
    staffed = next(row for row in rows if row.holders.get("titular"))
    assert staffed.holder_names("titular") == ", ".join(staffed.holders["titular"])


def test_the_person_table_is_the_same_read_for_both_faces(ine_db: Path) -> None:
    with _open(ine_db) as store:
        people = records.institution(store).people
        refs = {a.id: a.ref for a in store.accounts.list()}
        today_roles = {
            p.id: [
                f"{a.role} de {refs[a.account_id]}"
                for a in store.assignments.for_person(p.id)
                if a.active_on(NOW.date())
            ]
            for p in store.people.list()
        }
    listed = json.loads(make_runner(ine_db)("personas", "listar", "--json").out)
    assert [item["id"] for item in listed] == [row.person.id for row in people]
    assert {item["id"]: item["roles"] for item in listed} == today_roles
    assert {row.person.id: list(row.current_roles) for row in people} == today_roles
    assert any(today_roles.values())


def test_unassigning_gives_the_profiles_advice_in_both_faces(tmp_path: Path) -> None:
    """The command line said the password should be rotated after a change of administrator; the workbench did not."""
    cli_db = build_demo_db(tmp_path / "cli.db", "ine")
    workbench_db = build_demo_db(tmp_path / "workbench.db", "ine")
    with _open(cli_db) as store:
        account = next(
            a
            for a in store.accounts.list()
            if any(x.active_on(NOW.date()) for x in store.assignments.for_account(a.id))
        )
        holder = next(x for x in store.assignments.for_account(account.id) if x.active_on(NOW.date()) and x.end is None)
    advice = "Se recomienda rotar la contraseña tras un cambio de administración."
    result = make_runner(cli_db)("cuentas", "desasignar", str(account.id), str(holder.person_id))
    assert result.code == 0, result.err
    assert result.out.strip().splitlines()[-1] == advice
    job = unassign_job(Workspace(workbench_db, lambda: NOW), account.id, holder.person_id, NOW.date())
    summary = job.describe(job.call())
    assert f"deja la administración de {account.ref}. " in summary and summary.endswith(advice)
    # issue #13: the handover is a change to notify, in both faces
    assert "Es un cambio de administración: avise (titular de la CNCS; Criterios INE §7.V)" in summary
    assert "Es un cambio de administración: avise (titular de la CNCS; Criterios INE §7.V)" in result.out
    for db in (cli_db, workbench_db):
        with _open(db) as store:
            ended = store.assignments.get(holder.id)
            assert ended.end == NOW.date()


def test_unassign_defaults_to_today_and_records_the_sentence(store: Store) -> None:
    account = records.add_account(store, {"network": "x", "handle": "@Prueba"})
    person = records.add_person(store, name="Ana Pérez", email="ana@ine.mx", rank="mando_medio")
    start = NOW.date() - timedelta(days=3)
    assigned = records.assign(store, f"x/{account.handle}", "Ana Pérez", role="titular", start=start)
    assert assigned.assignment.start == start and assigned.person == person
    done = records.unassign(store, account.id, person.id)
    assert done.end == NOW.date() and [a.id for a in done.ended] == [assigned.assignment.id]
    assert done.advice == "Se recomienda rotar la contraseña tras un cambio de administración."
    texts = [e.text for e in store.bitacora.for_account(account.id, limit=5)]
    assert texts[0] == (
        f"Terminó la asignación de Ana Pérez como titular de x/@Prueba; su último día es el"
        f" {NOW.day:02d}/{NOW.month:02d}/{NOW.year} (asignación {assigned.assignment.id})."
    )


def test_a_new_assignment_starts_today_and_proposes_the_vacant_role(store: Store) -> None:
    account = records.add_account(store, {"network": "facebook", "handle": "INE.mx"})
    records.add_person(store, name="Beto Ruiz")
    assert records.institution(store).vacant_role(account.id) == "titular"
    done = records.assign(store, account.id, "Beto Ruiz", role="titular")
    assert done.assignment.start == NOW.date()
    tables = records.institution(store)
    assert tables.vacant_role(account.id) == "suplente"
    assert tables.accounts[0].holders == {"titular": ("Beto Ruiz",)}


def test_an_opening_date_in_the_future_is_refused_whoever_asks(store: Store) -> None:
    """Only the command line refused a future opening date; now the rule is policy's, for every caller."""
    tomorrow = NOW.date() + timedelta(days=1)
    with pytest.raises(UsageError, match="La fecha de apertura está en el futuro"):
        records.add_account(store, {"network": "x", "handle": "@Manana", "opened_on": tomorrow})
    account = records.add_account(store, {"network": "x", "handle": "@Hoy", "opened_on": NOW.date()})
    with pytest.raises(UsageError, match="La fecha de apertura está en el futuro"):
        records.edit_account(store, account.id, {"opened_on": tomorrow})
    assert store.accounts.get(account.id).opened_on == NOW.date()


def test_an_empty_handle_is_refused_in_one_wording(store: Store) -> None:
    with pytest.raises(UsageError, match="El campo «usuario» no puede estar vacío"):
        records.add_account(store, {"network": "x", "handle": "@"})
    with pytest.raises(UsageError, match="Indique la red y el usuario"):
        records.add_account(store, {"handle": "@Sola"})


def test_editing_changes_only_what_is_given(store: Store) -> None:
    account = records.add_account(store, {"network": "x", "handle": "@Cambia", "area": "Comunicación"})
    edited = records.edit_account(store, "x/cambia", {"verification": "solicitada"}).account
    assert (edited.area, edited.verification, edited.handle) == ("Comunicación", "solicitada", "@Cambia")
    cleared = records.edit_account(store, account.id, {"area": None}).account
    assert cleared.area is None
    person = records.add_person(store, name="Carla Díaz", email="carla@ine.mx")
    assert records.edit_person(store, "carla díaz", rank="operativo") == Person(
        person.id, "Carla Díaz", "carla@ine.mx", "operativo"
    )


def test_history_defaults_to_now_and_today(store: Store) -> None:
    account = records.add_account(store, {"network": "x", "handle": "@Historia"})
    rotated = records.record_rotation(store, account.id, reason="Rotación periódica.", reference="INE/1")
    assert rotated.rotation.rotated_at == NOW and rotated.account == account
    evaluated = records.record_evaluation(store, "x/@historia", note="Semestral")
    assert evaluated.evaluation.day == NOW.date()
    person = records.add_person(store, name="Dora Luna")
    trained = records.record_training(store, person.id)
    assert trained.training.day == NOW.date() and trained.person == person
    assert records.rotation_history(store, account.id).rotations == (rotated.rotation,)
    with pytest.raises(UsageError, match="está en el futuro"):
        records.record_evaluation(store, account.id, day=NOW.date() + timedelta(days=1))
    texts = [e.text for e in store.bitacora.for_account(account.id, limit=5)]
    assert f"Rotación de la contraseña de x/@Historia (rotación {rotated.rotation.id}): Rotación periódica." in texts


def test_closed_accounts_take_no_new_records(store: Store) -> None:
    account = records.add_account(store, {"network": "x", "handle": "@Cerrada", "status": "baja"})
    records.add_person(store, name="Eva Sol")
    for attempt in (
        lambda: records.record_rotation(store, account.id),
        lambda: records.record_evaluation(store, account.id),
        lambda: records.assign(store, account.id, "Eva Sol", role="titular"),
    ):
        with pytest.raises(ConflictError, match="La cuenta x/@Cerrada está dada de baja."):
            attempt()
    assert closed_refusal(account) == "La cuenta x/@Cerrada está dada de baja."


def test_the_bitacora_sentences_are_todays_words() -> None:
    account = Account(7, "x", "@INEMexico", "activa", None, None, None, False, None, "no", True, True, None, None)
    person = Person(3, "Ana Pérez", None, None)
    day = date(2026, 3, 2)
    ended = [Assignment(11, 7, 3, "titular", day, None), Assignment(12, 7, 3, "coadministrador", day, None)]
    assert assignment_started(person, "titular", account, day, 11) == (
        "Se asignó a Ana Pérez como titular de x/@INEMexico a partir del 02/03/2026 (asignación 11)."
    )
    assert assignments_ended(person, ended, account, day) == (
        "Terminó la asignación de Ana Pérez como titular y coadministrador de x/@INEMexico;"
        " su último día es el 02/03/2026 (asignación 11, 12)."
    )
    assert rotation_recorded(account, 5, None) == "Rotación de la contraseña de x/@INEMexico (rotación 5)."
    assert evaluation_recorded(account, day, 9, "Semestral.") == (
        "Evaluación de la cuenta x/@INEMexico del 02/03/2026 (evaluación 9). Semestral."
    )
    assert training_recorded(person, day, 4, None) == "Capacitación de Ana Pérez del 02/03/2026 (capacitación 4)."


def test_settings_are_set_and_reset_by_their_spanish_name(store: Store) -> None:
    before = {s.spec.key: s for s in records.profile_settings(store).settings}
    assert before["rotation_months"].value == 2 and not before["rotation_months"].overridden
    changed = records.set_setting(store, "rotacion_meses", "3")
    assert (changed.value, changed.default, changed.overridden) == (3, 2, True)
    assert store.settings.profile().settings.rotation_months == 3
    back = records.reset_setting(store, "ROTACION_MESES")
    assert (back.value, back.overridden) == (2, False)
    with pytest.raises(UsageError, match="Ajuste desconocido «nada»"):
        records.set_setting(store, "nada", "1")


def test_the_idle_lock_setting(store: Store) -> None:
    assert records.idle_lock_minutes(store) == records.DEFAULT_IDLE_LOCK_MINUTES
    assert records.set_idle_lock_minutes(store, 0) == 0 and records.idle_lock_minutes(store) == 0
    with pytest.raises(UsageError, match="entre 0 \\(sin bloqueo\\) y 1440"):
        records.set_idle_lock_minutes(store, 1441)
    store.settings.set(records.IDLE_LOCK_KEY, "dañado")
    assert records.idle_lock_minutes(store) == records.DEFAULT_IDLE_LOCK_MINUTES


def test_an_account_detail_holds_what_cuentas_mostrar_prints(ine_db: Path) -> None:
    with _open(ine_db) as store:
        account = store.accounts.list()[0]
        detail = records.account_detail(store, account.ref)
    shown = json.loads(make_runner(ine_db)("cuentas", "mostrar", str(account.id), "--json").out)
    assert shown["id"] == detail.account.id
    assert [a["id"] for a in shown["assignments"]] == [a.id for a in detail.assignments]
    assert [r["id"] for r in shown["rotations"]] == [r.id for r in detail.rotations]
    assert len(shown["obligations"]) == len(detail.obligations)
    assert shown["credential"]["second_factor"] == (detail.second_factor.method if detail.second_factor else None)
    assert isinstance(detail.now, datetime) and detail.now.tzinfo is not None and ZONE is not None
