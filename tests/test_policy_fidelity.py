"""Issue #13: the defects of the clause-by-clause review, each reproduced first (then fixed)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import NOW

from policy.clock import ZONE
from policy.codes import Kind
from policy.errors import PolicyError
from store.db import Store
from store.errors import ConflictError
from tui.core import records, workflows
from tui.core.agenda import compute_agenda
from tui.core.bitacora import moderate_comment
from tui.core.duties import fulfil_duty


def _kinds(store: Store, kind: str) -> list[str]:
    return [o.message for o in compute_agenda(store, at=NOW, horizon_days=400).items if o.kind == kind]


def _staffed(store: Store, profile: str, handle: str, role: str) -> str:
    store.settings.set_profile(profile)
    account = store.accounts.add(network="x", handle=handle, area="Dirección Distrital 5")
    ana = store.people.add(name="Ana Pérez", rank="mando_medio")
    store.people.add(name="Luis Gómez", rank="mando_medio")
    store.assignments.assign(account, ana, role, date(2025, 1, 1))
    return account.ref


# -- defect 1: an administrator change made the usual way creates the notice ---------------------


@pytest.mark.parametrize(
    ("profile", "handle", "role"),
    [("iecm", "@IECM_DD05", "enlace"), ("ine", "@INEDistrito05", "titular"), ("ieesonora", "@ieesonoraDD", "titular")],
)
def test_unassign_then_assign_is_one_administrator_change_with_its_notice(
    store: Store, profile: str, handle: str, role: str
) -> None:
    ref = _staffed(store, profile, handle, role)
    records.unassign(store, ref, "Ana Pérez", end=date(2026, 2, 1))
    records.assign(store, ref, "Luis Gómez", role=role, start=date(2026, 2, 2))
    views = workflows.admin_changes(store)
    assert [(v.person, v.accounts) for v in views] == [("Ana Pérez", [ref])]
    change = views[0].change
    assert change.start == date(2026, 2, 2) and change.notified_on is None
    notices = _kinds(store, Kind.ADMIN_CHANGE_NOTICE)
    assert len(notices) == 1
    assert "Ana Pérez" in notices[0] and "entra Luis Gómez" in notices[0] and ref in notices[0]
    workflows.notify_admin_change(store, change.id, on=date(2026, 2, 3))
    assert _kinds(store, Kind.ADMIN_CHANGE_NOTICE) == []


def test_a_new_administrator_added_to_a_staffed_account_is_a_change(store: Store) -> None:
    ref = _staffed(store, "ine", "@INEDistrito05", "titular")
    records.assign(store, ref, "Luis Gómez", role="suplente", start=date(2026, 3, 1))
    views = workflows.admin_changes(store)
    assert [(v.person, v.accounts, v.change.start) for v in views] == [("Luis Gómez", [ref], date(2026, 3, 1))]
    (notice,) = _kinds(store, Kind.ADMIN_CHANGE_NOTICE)
    assert "Luis Gómez" in notice and "nueva persona administradora" in notice


def test_the_first_administrators_of_an_account_are_its_designation_not_a_change(store: Store) -> None:
    store.accounts.add(network="x", handle="@INENueva")
    store.people.add(name="Ana Pérez", rank="mando_medio")
    records.assign(store, "x/@INENueva", "Ana Pérez", role="titular", start=date(2026, 3, 1))
    assert workflows.admin_changes(store) == []


def test_a_profile_without_the_notice_records_no_change(store: Store) -> None:
    ref = _staffed(store, "ieeags", "@ieeagsDD", "titular")
    records.unassign(store, ref, "Ana Pérez", end=date(2026, 2, 1))
    records.assign(store, ref, "Luis Gómez", role="titular", start=date(2026, 2, 2))
    assert workflows.admin_changes(store) == []


def test_the_explicit_change_then_the_successor_is_still_one_notice(store: Store) -> None:
    ref = _staffed(store, "ine", "@INEDistrito05", "titular")
    workflows.record_admin_change(store, "Ana Pérez", "baja", start=date(2026, 2, 2))
    records.assign(store, ref, "Luis Gómez", role="titular", start=date(2026, 2, 2))
    views = workflows.admin_changes(store)
    assert [(v.person, v.change.reason) for v in views] == [("Ana Pérez", "baja")]
    (notice,) = _kinds(store, Kind.ADMIN_CHANGE_NOTICE)
    assert "entra Luis Gómez" in notice


def test_both_faces_record_the_handover_notice(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    run = cli
    assert run("iniciar", "--perfil", "iecm").code == 0
    assert run("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05").code == 0
    assert run("personas", "agregar", "--nombre", "Ana Pérez").code == 0
    assert run("personas", "agregar", "--nombre", "Luis Gómez").code == 0
    assert run("cuentas", "asignar", "x/@IECM_DD05", "Ana Pérez", "--rol", "enlace", "--desde", "2025-01-01").code == 0
    assert run("cuentas", "desasignar", "x/@IECM_DD05", "Ana Pérez", "--fecha", "2026-02-01").code == 0
    out = run("cuentas", "asignar", "x/@IECM_DD05", "Luis Gómez", "--rol", "enlace", "--desde", "2026-02-01")
    assert out.code == 0, out.err
    listed = run("personas", "cambios")
    assert "Ana Pérez" in listed.out and "x/@IECM_DD05" in listed.out


# -- defect 2: a same-day handover --------------------------------------------------------------


def test_the_successor_may_start_on_the_last_day_of_the_one_leaving(store: Store) -> None:
    ref = _staffed(store, "iecm", "@IECM_DD05", "enlace")
    records.unassign(store, ref, "Ana Pérez", end=date(2026, 2, 1))
    done = records.assign(store, ref, "Luis Gómez", role="enlace", start=date(2026, 2, 1))
    assert done.assignment.start == date(2026, 2, 1)


def test_a_holder_leaving_later_is_named_with_the_last_day_not_told_to_unassign(store: Store) -> None:
    ref = _staffed(store, "iecm", "@IECM_DD05", "enlace")
    records.unassign(store, ref, "Ana Pérez", end=date(2026, 2, 10))
    with pytest.raises(ConflictError) as refused:
        records.assign(store, ref, "Luis Gómez", role="enlace", start=date(2026, 2, 1))
    message = str(refused.value)
    assert "Desasígne" not in message and "desasignar" not in message
    assert "10/02/2026" in message


def test_the_command_line_asks_for_the_notice_of_a_handover(cli) -> None:  # type: ignore[no-untyped-def]
    run = cli
    run("iniciar", "--perfil", "ine")
    run("cuentas", "agregar", "--red", "x", "--usuario", "@INEDistrito05")
    run("personas", "agregar", "--nombre", "Ana Pérez", "--nivel", "mando_medio")
    run("cuentas", "asignar", "x/@INEDistrito05", "Ana Pérez", "--rol", "titular", "--desde", "2025-01-01")
    out = run("cuentas", "desasignar", "x/@INEDistrito05", "Ana Pérez", "--fecha", "2026-02-01")
    assert out.code == 0, out.err
    assert "Es un cambio de administración: avise (titular de la CNCS; Criterios INE §7.V)" in out.out
    assert "resguardo personas avisar 1" in out.out


def test_two_administrators_designated_the_same_day_are_no_change(store: Store) -> None:
    store.accounts.add(network="x", handle="@INENueva")
    store.people.add(name="Ana Pérez", rank="mando_medio")
    store.people.add(name="Beto Ruiz", rank="operativo")
    records.assign(store, "x/@INENueva", "Ana Pérez", role="titular", start=date(2026, 3, 1))
    records.assign(store, "x/@INENueva", "Beto Ruiz", role="suplente", start=date(2026, 3, 1))
    assert workflows.admin_changes(store) == []


# -- defect 3: an electoral process does not silence the attention-hours notices -----------------


def test_declaring_an_electoral_process_keeps_every_attention_hours_notice(store: Store) -> None:
    store.calendar.add_non_working(date(2026, 12, 21), date(2027, 1, 1), "Vacaciones de invierno")
    at = NOW.replace(year=2026, month=8, day=20)

    def notices() -> list[int | None]:
        items = compute_agenda(store, at=at, horizon_days=180).items
        return [o.ref_id for o in items if o.kind == Kind.HOLIDAY_NOTICE]

    before = notices()
    assert 20261221 in before and len(before) >= 4
    store.calendar.add_electoral_period(date(2026, 9, 1), date(2027, 6, 30), "Proceso electoral 2026-2027")
    assert notices() == before


# -- defect 4: the opening report's clause and recipient ------------------------------------------


@pytest.mark.parametrize(
    ("profile", "section", "recipient"),
    [
        ("ine", "§7.IV", "al Presidente y al Secretario Técnico del Comité de Gestión y Publicación Electrónica"),
        ("ieesonora", "§7.III, segundo párrafo", "a la Subdirección de Comunicación Social"),
    ],
)
def test_the_opening_report_quotes_its_own_clause_and_names_the_recipient(
    store: Store, profile: str, section: str, recipient: str
) -> None:
    store.settings.set_profile(profile)
    new = workflows.add_opening(
        store, network="x", handle="@NuevaCuenta", reference="OF/1", requested_on=date(2026, 2, 2)
    )
    workflows.resolve_opening(store, new.opening.id, "autorizada", on=date(2026, 2, 10))
    for unicom in store.duties.list(open_only=True):  # ine §7.VI: the UNICOM step comes first
        fulfil_duty(store, unicom.id, at=datetime(2026, 2, 11, 12, 0, tzinfo=ZONE))
    workflows.open_account(store, new.opening.id, on=date(2026, 2, 12))
    (report,) = [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.OPENING_REQUEST]
    assert report.rule.section == section
    assert report.message.startswith(f"Informar la apertura de x/@NuevaCuenta {recipient}: faltan ")
    assert report.message.endswith(" por informar.")
    workflows.close_account(store, "x/@NuevaCuenta", on=date(2026, 3, 1))
    assert [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.OPENING_REQUEST] == []


# -- defect 5: iecm §9.XIII, offensive comments are ignored ---------------------------------------


@pytest.mark.parametrize("action", ["eliminar", "ocultar"])
def test_iecm_records_no_hiding_or_deleting_of_a_comment(store: Store, action: str) -> None:
    store.settings.set_profile("iecm")
    account = store.accounts.add(network="x", handle="@IECM_DD05")
    with pytest.raises(PolicyError) as refused:
        moderate_comment(store, account.id, action, "Insultos a la consejera")
    assert "§9.XIII" in refused.value.message
    assert store.bitacora.count() == 0


# -- defect 6: a setting takes effect, labelled as the institution's -------------------------------


@pytest.mark.parametrize(
    ("profile", "setting", "kind", "silent"),
    [
        ("iecm", "evaluacion_meses", Kind.EVALUATION, "los lineamientos no fijan plazo"),
        ("iecm", "capacitacion_meses", Kind.TRAINING, "los lineamientos no fijan plazo"),
        ("ieesonora", "capacitacion_meses", Kind.TRAINING, "los criterios no fijan plazo"),
        ("ieesonora", "rotacion_meses", Kind.ROTATION, "los criterios no fijan plazo"),
    ],
)
def test_a_period_the_documents_do_not_fix_takes_effect_as_the_institutions_setting(
    store: Store, profile: str, setting: str, kind: str, silent: str
) -> None:
    ref = _staffed(store, profile, "@Cuenta_DD05", "enlace" if profile == "iecm" else "titular")
    assert ref
    assert [o for o in compute_agenda(store, at=NOW, horizon_days=400).items if o.kind == kind] == []
    records.set_setting(store, setting, "6")
    found = [o for o in compute_agenda(store, at=NOW, horizon_days=400).items if o.kind == kind]
    assert found
    assert {o.rule.document for o in found} == {f"Ajuste de la institución ({silent})"}
    assert {o.rule.section for o in found} == {""}


# -- defect 9 -------------------------------------------------------------------------------------


def test_a_pending_iecm_consultation_is_in_the_agenda_until_answered(store: Store) -> None:
    store.settings.set_profile("iecm")
    store.accounts.add(network="x", handle="@IECM_DD05")
    new = workflows.add_consultation(store, "x/@IECM_DD05", subject="Cartel local", sent_at=NOW)
    (item,) = [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.CONSULTATION]
    assert item.rule.section == "§9.XIV"
    assert item.message.startswith("Consulta «Cartel local» enviada a la Unidad Técnica de Comunicación Social")
    later = NOW.replace(day=20)
    assert [o.ref_id for o in compute_agenda(store, at=later).items if o.kind == Kind.CONSULTATION] == [
        new.consultation.id
    ]
    workflows.resolve_consultation(store, new.consultation.id, "aprobada")
    assert [o for o in compute_agenda(store, at=later).items if o.kind == Kind.CONSULTATION] == []


def test_an_ine_coadministrator_is_a_finding_and_not_elsewhere(make_store) -> None:  # type: ignore[no-untyped-def]
    for profile, expected in (("ine", 1), ("ieeags", 0), ("iecm", 0)):
        store = make_store(profile)
        ref = store.accounts.add(network="x", handle="@INEDistrito05").ref
        store.people.add(name="Carla Díaz")
        records.assign(store, ref, "Carla Díaz", role="coadministrador", start=date(2026, 1, 5))
        found = [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.ACCESS]
        assert len(found) == expected, profile
        if found:
            assert found[0].rule.section == "§5.1, cuarto párrafo" and "Carla Díaz" in found[0].message


def test_recording_a_rotation_without_oficio_reminds_iecm_in_both_faces(store: Store, cli) -> None:  # type: ignore[no-untyped-def]
    store.settings.set_profile("iecm")
    store.accounts.add(network="x", handle="@IECM_DD05")
    done = records.record_rotation(store, "x/@IECM_DD05")
    assert done.reminder is not None and "UTCSyD" in done.reminder
    assert records.record_rotation(store, "x/@IECM_DD05", reference="IECM/DD05/1").reminder is None
    cli("iniciar", "--perfil", "iecm")
    cli("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05")
    out = cli("rotaciones", "registrar", "x/@IECM_DD05")
    assert out.code == 0 and "UTCSyD" in out.err and "--oficio" in out.err


def test_editing_an_iecm_accounts_email_or_handle_reminds_of_the_utcsyd(store: Store) -> None:
    store.settings.set_profile("iecm")
    store.accounts.add(network="x", handle="@IECM_DD05")
    quiet = records.edit_account(store, "x/@IECM_DD05", {"area": "Dirección Distrital 5"})
    assert quiet.reminder is None
    moved = records.edit_account(store, "x/@IECM_DD05", {"email": "dd05@iecm.mx"})
    assert moved.reminder is not None and "§6.XI y §11.1" in moved.reminder


# -- defect 7: iecm public / private messages are unknown until recorded ---------------------------


def test_iecm_public_and_private_messages_read_sin_dato_until_recorded(store: Store) -> None:
    store.settings.set_profile("iecm")
    records.add_account(store, {"network": "x", "handle": "@IECM_DD05"})
    kinds = (Kind.PUBLIC_ACCOUNT, Kind.PRIVATE_MESSAGES)

    def findings() -> list[str]:
        return [o.message for o in compute_agenda(store, at=NOW).items if o.kind in kinds]

    assert [m.split(":")[0] for m in findings()] == ["Sin dato", "Sin dato"]
    records.edit_account(store, "x/@IECM_DD05", {"public": True})
    assert len(findings()) == 1 and "mensajes privados" in findings()[0]
    records.edit_account(store, "x/@IECM_DD05", {"private_messages": False})
    assert findings() == ["La cuenta no tiene habilitados los mensajes privados."]


def test_an_account_recorded_with_both_values_has_no_unknown(store: Store) -> None:
    store.settings.set_profile("iecm")
    records.add_account(store, {"network": "x", "handle": "@IECM_DD05", "public": True, "private_messages": True})
    account = store.accounts.find("x", "@IECM_DD05")
    assert account is not None and account.public_known and account.private_messages_known


# -- obligations of POLICY.md §11 ---------------------------------------------------------------


def test_ine_youtube_accounts_other_than_inetv_are_a_finding(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    store.accounts.add(network="youtube", handle="INETV")
    store.accounts.add(network="youtube", handle="CanalDECEyEC")
    found = [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.YOUTUBE_HOMOLOGATION]
    assert [(o.account.handle if o.account else None, o.rule.section) for o in found] == [("CanalDECEyEC", "§7.X")]
    assert [o for o in compute_agenda(make_store("ieeags"), at=NOW).items if o.kind == Kind.YOUTUBE_HOMOLOGATION] == []


def test_an_iecm_account_without_the_utcsyd_coadministrator_is_a_finding(store: Store) -> None:
    ref = _staffed(store, "iecm", "@IECM_DD05", "enlace")

    def findings() -> list[str]:
        return [o.message for o in compute_agenda(store, at=NOW).items if o.kind == Kind.UTCSYD_COADMIN]

    assert len(findings()) == 1
    store.people.add(name="Departamento de Redes Sociales (UTCSyD)")
    records.assign(store, ref, "Departamento de Redes Sociales (UTCSyD)", role="coadministrador", start=NOW.date())
    assert findings() == []
    # the co-administration is no change of the account's administrators (no notice)
    assert workflows.admin_changes(store) == []


# -- words ----------------------------------------------------------------------------------------


def test_office_names_carry_their_article() -> None:
    from policy.labels import office_with_article

    assert office_with_article("Unidad de Enlace") == "la Unidad de Enlace"
    assert office_with_article("Coordinación Nacional de Comunicación Social (CNCS)").startswith("la Coordinación")
    assert office_with_article("Instancias correspondientes") == "las Instancias correspondientes"
    assert office_with_article("titular de la CNCS") == "la persona titular de la CNCS"
    assert office_with_article("INETEL o la Plataforma Nacional de Transparencia").startswith("INETEL")


@pytest.mark.parametrize(
    ("profile", "certainty", "office"),
    [("ine", True, "INETEL"), ("ieesonora", False, "la Unidad de Enlace"), ("iecm", False, "la Unidad Técnica")],
)
def test_the_information_request_message_follows_the_profile(
    store: Store, profile: str, certainty: bool, office: str
) -> None:
    store.settings.set_profile(profile)
    store.accounts.add(network="x", handle="@Cuenta")
    workflows.add_request(store, "x/@Cuenta", requester="@ciudadana", subject="Dónde votar")
    (item,) = [o for o in compute_agenda(store, at=NOW).items if o.kind == Kind.INFORMATION_REQUEST]
    assert ("solo con certeza" in item.message) is certainty
    assert f"canalícela a {office}" in item.message


def test_a_last_day_reads_in_the_right_tense(cli) -> None:  # type: ignore[no-untyped-def]
    cli("iniciar", "--perfil", "iecm")
    cli("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05")
    cli("personas", "agregar", "--nombre", "Ana Pérez")
    cli("personas", "agregar", "--nombre", "Luis Gómez")
    cli("cuentas", "asignar", "x/@IECM_DD05", "Ana Pérez", "--rol", "enlace", "--desde", "2025-01-01")
    cli("cuentas", "asignar", "x/@IECM_DD05", "Luis Gómez", "--rol", "coadministrador", "--desde", "2025-01-01")
    future = cli("cuentas", "desasignar", "x/@IECM_DD05", "Ana Pérez", "--fecha", "2026-06-07")
    assert "Ana Pérez deja de ser enlace de x/@IECM_DD05 el 07/06/2026 (su último día)." in future.out
    changed = cli("personas", "cambio", "Luis Gómez", "--motivo", "baja", "--desde", "2026-01-10")
    assert changed.code == 0, changed.err
    assert "Luis Gómez dejó de administrar x/@IECM_DD05 el 09/01/2026 (su último día)" in changed.out
    assert "sin enlace," in changed.out and "(enlace)" not in changed.out


def test_an_iecm_activity_outside_business_hours_is_flagged_in_both_faces(store: Store, cli) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from policy.clock import ZONE
    from tui.core.bitacora import activity_warning, add_entry

    store.settings.set_profile("iecm")
    store.accounts.add(network="x", handle="@IECM_DD05")
    inside = add_entry(store, kind="publicacion", text="Cartel", account="x/@IECM_DD05", occurred_at=NOW)
    assert activity_warning(store, inside) is None  # Thu 12 Mar 10:00
    night = add_entry(
        store,
        kind="publicacion",
        text="Cartel",
        account="x/@IECM_DD05",
        occurred_at=datetime(2026, 3, 11, 22, 30, tzinfo=ZONE),
    )
    warning = activity_warning(store, night)
    assert warning is not None and "fuera del horario de 9 a 18 h" in warning and "§8.A" in warning
    sunday = add_entry(
        store,
        kind="publicacion",
        text="Cartel",
        account="x/@IECM_DD05",
        occurred_at=datetime(2026, 3, 8, 11, 0, tzinfo=ZONE),
    )
    assert "un día inhábil" in (activity_warning(store, sunday) or "")
    cli("iniciar", "--perfil", "iecm")
    cli("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05")
    out = cli(
        "bitacora",
        "agregar",
        "x/@IECM_DD05",
        "--tipo",
        "publicacion",
        "--texto",
        "Cartel",
        "--fecha-hora",
        "2026-03-11T22:30",
    )
    assert out.code == 0 and "fuera del horario de 9 a 18 h" in out.err
