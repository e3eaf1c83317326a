"""The rules the store used to hold, as pure functions of policy: real values, and their edges.

Each step's checks (``policy.workflows``, ``policy.institution``) are called here without a
database: a record as the store reads it, the clock's ``now``, the profile.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from policy import validate
from policy.clock import ZONE, effective_moment
from policy.codes import AccountStatus, OpeningState, RequestState
from policy.entries import workflows as entries
from policy.errors import ConflictError, NotFoundError, PolicyError, StoreError, UsageError
from policy.institution import (
    RoleTaken,
    check_account_unique,
    check_assignment,
    check_not_closed,
    check_person_unique,
    ending_assignments,
    history_fields,
)
from policy.profile import load_profile
from policy.records import Account, Assignment, Closing, Consultation, InformationRequest, OpeningRequest, Person
from policy.workflows import (
    DOCUMENT_KINDS,
    HolidayPeriod,
    MissingDetail,
    RefusedUnless,
    assignment_end_on_closing,
    check_account_to_open,
    check_closing_marks,
    check_closing_secrets,
    check_consultation_answer,
    check_holiday_notice,
    check_incident_close,
    check_incident_moment,
    check_incident_notice,
    check_incident_rotation,
    check_opening_report,
    check_opening_request,
    check_opening_step,
    check_request_answer,
    check_waiver_revocable,
    closing_fields,
    closing_marks,
    consultation_answer,
    consultation_fields,
    holiday_notice_note,
    incident_closing_reason,
    incident_description,
    incident_recipients,
    manual_closing_item,
    notice_position,
    opening_fields,
    opening_key,
    opening_resolution,
    person_document,
    report_items,
    request_fields,
    request_resolution,
    waiver_fields,
)
from store.errors import ConflictError as StoreConflictError

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()
INE = load_profile("ine")
LIVE = Account(1, "x", "@INEMexico")
CLOSED = Account(2, "facebook", "INEMexico", status=AccountStatus.CLOSED)
ANA = Person(7, "Ana Pérez")
BETO = Person(8, "Beto Ruiz")


def test_conflicts_raised_by_policy_are_the_store_s_conflicts() -> None:
    assert StoreConflictError is ConflictError
    assert issubclass(ConflictError, StoreError)
    with pytest.raises(StoreConflictError, match=r"^La cuenta facebook/INEMexico está dada de baja\.$"):
        check_not_closed(CLOSED)


# -- shared --------------------------------------------------------------------------------


def test_happened_refuses_the_future_and_a_moment_before_the_earlier_one() -> None:
    sent = NOW - timedelta(hours=2)
    validate.happened(NOW, NOW, "fecha de respuesta", sent, "la de envío")  # now itself is fine
    validate.happened(sent, NOW, "fecha de respuesta", sent, "la de envío")  # equal to the earlier one too
    with pytest.raises(UsageError, match=r"^La fecha de respuesta \(23/11/2026 10:01\) está en el futuro\.$"):
        validate.happened(NOW + timedelta(minutes=1), NOW, "fecha de respuesta")
    with pytest.raises(
        UsageError,
        match=r"^La fecha de respuesta \(23/11/2026 07:59\) es anterior a la de envío \(23/11/2026 08:00\)\.$",
    ):
        validate.happened(sent - timedelta(minutes=1), NOW, "fecha de respuesta", sent, "la de envío")


def test_effective_moment_is_the_start_of_a_past_day_and_now_for_today_or_later() -> None:
    assert effective_moment(date(2026, 11, 20), NOW) == datetime(2026, 11, 20, 0, 0, tzinfo=ZONE)
    assert effective_moment(TODAY, NOW) == datetime(2026, 11, 23, 0, 0, tzinfo=ZONE)
    assert effective_moment(date(2026, 11, 24), NOW) == NOW


def test_a_closed_account_takes_nothing_new_unless_historical() -> None:
    check_not_closed(LIVE)
    check_not_closed(CLOSED, historical=True)
    with pytest.raises(ConflictError, match="dada de baja"):
        check_not_closed(CLOSED)


# -- institution ---------------------------------------------------------------------------


def test_an_account_may_keep_its_own_handle_but_not_take_another_s() -> None:
    check_account_unique(None)
    check_account_unique(LIVE, account_id=1)  # editing the account itself
    with pytest.raises(ConflictError, match=r"^Ya existe la cuenta x/@INEMexico \(id 1\)\.$"):
        check_account_unique(LIVE)
    with pytest.raises(ConflictError, match=r"\(id 1\)"):
        check_account_unique(LIVE, account_id=5)


def test_two_people_may_not_share_a_name() -> None:
    check_person_unique(None)
    with pytest.raises(ConflictError, match=r"^Ya existe una persona llamada «Ana Pérez» \(id 7\); distinga"):
        check_person_unique(ANA)


def _assignment(id_: int, person: Person, role: str, start: date, end: date | None = None) -> Assignment:
    return Assignment(id_, LIVE.id, person.id, role, start, end)


def test_a_single_holder_role_taken_names_the_holder_and_no_command() -> None:
    held = [_assignment(3, ANA, "titular", date(2026, 1, 1))]
    people = {ANA.id: ANA, BETO.id: BETO}
    with pytest.raises(RoleTaken) as caught:
        check_assignment(LIVE, BETO, "titular", date(2026, 6, 1), held, people.__getitem__)
    assert caught.value.message == "x/@INEMexico ya tiene titular: Ana Pérez. Desasígnelo primero."
    assert (caught.value.account_id, caught.value.holder_id) == (1, 7)
    assert isinstance(caught.value, ConflictError)


def test_an_assignment_that_ended_before_the_start_frees_the_role() -> None:
    held = [_assignment(3, ANA, "titular", date(2026, 1, 1), end=date(2026, 5, 31))]
    check_assignment(LIVE, BETO, "titular", date(2026, 6, 1), held, {}.__getitem__)  # nobody is looked up
    # a handover: the successor may start on the other's last day (issue #13, defect 2)
    check_assignment(LIVE, BETO, "titular", date(2026, 5, 31), held, {}.__getitem__)
    with pytest.raises(ConflictError, match="puede empezar ese día o después") as early:  # but not before it
        check_assignment(LIVE, BETO, "titular", date(2026, 5, 30), held, {ANA.id: ANA}.__getitem__)
    assert not isinstance(early.value, RoleTaken)  # nothing to unassign: it already ends


def test_a_shared_role_may_have_several_holders_but_not_the_same_one_twice() -> None:
    held = [_assignment(3, ANA, "coadministrador", date(2026, 1, 1))]
    check_assignment(LIVE, BETO, "coadministrador", date(2026, 6, 1), held, {}.__getitem__)
    with pytest.raises(ConflictError, match=r"^Ana Pérez ya es coadministrador de x/@INEMexico desde el 01/01/2026\.$"):
        check_assignment(LIVE, ANA, "coadministrador", date(2026, 6, 1), held, {}.__getitem__)


def test_no_assignment_on_a_closed_account_unless_historical() -> None:
    with pytest.raises(ConflictError, match="dada de baja"):
        check_assignment(CLOSED, ANA, "titular", TODAY, [], {}.__getitem__)
    check_assignment(CLOSED, ANA, "titular", TODAY, [], {}.__getitem__, historical=True)


def test_ending_assignments_keeps_the_person_s_current_ones_and_checks_the_day() -> None:
    held = [
        _assignment(3, ANA, "titular", date(2026, 1, 1)),
        _assignment(4, ANA, "enlace", date(2026, 3, 1)),
        _assignment(5, ANA, "suplente", date(2025, 1, 1), end=date(2025, 12, 31)),
        _assignment(6, BETO, "suplente", date(2026, 1, 1)),
    ]
    assert [a.id for a in ending_assignments(LIVE, ANA, held, date(2026, 3, 1))] == [3, 4]
    with pytest.raises(
        UsageError,
        match=r"^La fecha de término \(28/02/2026\) es anterior al inicio de la asignación \(01/03/2026\)\.$",
    ):
        ending_assignments(LIVE, ANA, held, date(2026, 2, 28))
    with pytest.raises(NotFoundError, match=r"^Ana Pérez no está asignada a la cuenta x/@INEMexico\.$"):
        ending_assignments(LIVE, ANA, held[2:], TODAY)


def test_history_fields_trim_default_the_author_and_refuse_the_future() -> None:
    fields = history_fields(
        NOW, NOW, "fecha de la rotación", note="  Cambio trimestral. ", author=" ", default_author="ana", reference=None
    )
    assert fields == ("Cambio trimestral.", "ana", None)
    with pytest.raises(UsageError, match=r"^La fecha de la evaluación \(24/11/2026\) está en el futuro\.$"):
        history_fields(date(2026, 11, 24), NOW, "fecha de la evaluación", note=None, author=None, default_author="a")
    with pytest.raises(UsageError, match="«motivo» excede 1000"):
        history_fields(NOW, NOW, "f", note="x" * 1001, author=None, default_author="a", note_field="motivo")


# -- consultations and requests ---------------------------------------------------------------


def test_consultation_fields_fall_back_on_the_profile_s_office() -> None:
    fields = consultation_fields(
        LIVE, subject=" Infografía ", text=None, office=None, sent_at=NOW, now=NOW, profile=INE
    )
    assert fields == ("Infografía", None, "Coordinación Nacional de Comunicación Social (CNCS)")
    named = consultation_fields(LIVE, subject="A", text="t", office="UTCE", sent_at=NOW, now=NOW, profile=INE)
    assert named.office == "UTCE"
    with pytest.raises(ConflictError, match="dada de baja"):
        consultation_fields(CLOSED, subject="A", text=None, office=None, sent_at=NOW, now=NOW, profile=INE)
    with pytest.raises(UsageError, match="«asunto» no puede estar vacío"):
        consultation_fields(LIVE, subject="  ", text=None, office=None, sent_at=NOW, now=NOW, profile=INE)


def test_a_consultation_is_answered_once_and_not_before_it_was_sent() -> None:
    assert consultation_answer(" Aprobada ", " Procede. ") == ("aprobada", "Procede.")
    with pytest.raises(UsageError, match="Use uno de: aprobada, rechazada"):
        consultation_answer("vencida", None)
    pending = Consultation(4, 1, "Infografía", NOW - timedelta(hours=1))
    check_consultation_answer(pending, "aprobada", NOW, NOW)
    with pytest.raises(UsageError, match="es anterior a la de envío"):
        check_consultation_answer(pending, "aprobada", NOW - timedelta(hours=2), NOW)
    with pytest.raises(PolicyError, match=r"^La consulta 4 ya está aprobada: no puede pasar a rechazada\.$"):
        check_consultation_answer(pending._replace(state="aprobada"), "rechazada", NOW, NOW)


def test_a_routed_request_goes_to_the_profile_s_office_and_a_direct_answer_needs_the_area() -> None:
    assert request_fields(LIVE, requester=" @usuaria ", subject="Horarios", received_at=NOW, now=NOW) == (
        "@usuaria",
        "Horarios",
    )
    routed = request_resolution("canalizada", None, None, INE)
    assert routed == ("canalizada", None, None, "INETEL o la Plataforma Nacional de Transparencia")
    answered = request_resolution("respondida", "Horario de 9 a 15.", "Dirección de Atención", INE)
    assert answered == ("respondida", "Horario de 9 a 15.", "Dirección de Atención", None)
    with pytest.raises(MissingDetail) as caught:
        request_resolution("respondida", "Horario", None, INE)
    assert caught.value.field == "area"
    request = InformationRequest(9, 1, "@usuaria", "Horarios", NOW - timedelta(days=1))
    check_request_answer(request, RequestState.ROUTED, NOW, NOW)
    with pytest.raises(PolicyError, match=r"^La solicitud 9 ya está canalizada"):
        check_request_answer(request._replace(state="canalizada"), RequestState.ANSWERED, NOW, NOW)


# -- openings ------------------------------------------------------------------------------------


def _opening(**fields: object) -> OpeningRequest:
    base = OpeningRequest(3, "x", "@INENuevo", "INE/CNCS/123/2026", date(2026, 11, 2))
    return base._replace(**fields)


def test_opening_fields_and_the_key_a_request_in_progress_is_found_by() -> None:
    fields = opening_fields(
        network=" X ",
        handle=" @INENuevo ",
        reference=" INE/1 ",
        area=None,
        requested_on=TODAY,
        now=NOW,
        profile=INE,
    )
    assert fields == ("x", "@INENuevo", "INE/1", None, "Coordinación Nacional de Comunicación Social (CNCS)")
    assert fields.ref == "x/@INENuevo"
    assert opening_key(fields) == ("x", "inenuevo")
    with pytest.raises(UsageError, match=r"fecha del oficio \(24/11/2026\) está en el futuro"):
        opening_fields(
            network="x", handle="a", reference="r", area=None, requested_on=date(2026, 11, 24), now=NOW, profile=INE
        )


def test_an_opening_is_not_requested_twice_nor_for_a_registered_account() -> None:
    fields = opening_fields(
        network="x", handle="@INEMexico", reference="r", area=None, requested_on=TODAY, now=NOW, profile=INE
    )
    check_opening_request(fields, None, None)
    with pytest.raises(ConflictError, match=r"^La cuenta x/@INEMexico ya existe \(id 1\): no se solicita abrirla\.$"):
        check_opening_request(fields, LIVE, 4)
    with pytest.raises(
        ConflictError, match=r"^Ya hay una solicitud de apertura en trámite para x/@INEMexico \(id 4\)\.$"
    ):
        check_opening_request(fields, None, 4)


def test_a_rejection_needs_its_reason_and_names_the_field_not_an_option() -> None:
    assert opening_resolution("autorizada", None) == ("autorizada", None)
    assert opening_resolution("rechazada", " Duplica otra cuenta ") == ("rechazada", "Duplica otra cuenta")
    with pytest.raises(MissingDetail) as caught:
        opening_resolution("rechazada", "  ")
    assert (caught.value.message, caught.value.field) == ("Indique el motivo del rechazo.", "motivo")


def test_an_opening_step_follows_its_workflow_and_its_oficio_s_date() -> None:
    check_opening_step(_opening(), OpeningState.AUTHORIZED, TODAY, NOW)
    with pytest.raises(PolicyError, match="solo puede pasar a abierta, no a rechazada"):
        check_opening_step(_opening(state="autorizada"), OpeningState.REJECTED, TODAY, NOW)
    with pytest.raises(
        UsageError, match=r"^La fecha \(01/11/2026\) es anterior a la del oficio de solicitud \(02/11/2026\)\.$"
    ):
        check_opening_step(_opening(), OpeningState.AUTHORIZED, date(2026, 11, 1), NOW)
    check_account_to_open(LIVE._replace(status=AccountStatus.AUTHORIZED))
    with pytest.raises(ConflictError, match=r"^La cuenta x/@INEMexico está activa, no autorizada\.$"):
        check_account_to_open(LIVE)


def test_the_opening_report_needs_an_open_account_and_each_item_once() -> None:
    assert report_items([" Nombre ", "direccion"]) == ["nombre", "direccion"]
    with pytest.raises(UsageError, match="^Indique qué se informó: nombre, direccion"):
        report_items([])
    opened = _opening(state="abierta", report={"nombre": date(2026, 11, 10)})
    check_opening_report(opened, ["direccion"], TODAY, NOW)
    with pytest.raises(ConflictError, match=r"^El punto «nombre» ya se informó el 10/11/2026\.$"):
        check_opening_report(opened, ["direccion", "nombre"], TODAY, NOW)
    with pytest.raises(ConflictError, match="está pendiente: el informe se hace al abrir la cuenta"):
        check_opening_report(_opening(), ["nombre"], TODAY, NOW)


# -- closings ---------------------------------------------------------------------------------------


def test_the_keyring_item_is_never_marked_by_hand() -> None:
    assert manual_closing_item(" Contenido ") == "contenido"
    with pytest.raises(MissingDetail) as caught:
        manual_closing_item("llavero")
    assert caught.value.field == "borrar_llavero"
    assert "--" not in caught.value.message and "resguardo " not in caught.value.message


def test_closing_fields_count_an_oficio_as_sent() -> None:
    fields = closing_fields(LIVE, on=TODAY, now=NOW, reason=" Fusión ", reference=" INE/9 ", done=["contenido"])
    assert fields == ("Fusión", "INE/9", ["contenido", "oficio"])
    assert closing_fields(LIVE, on=TODAY, now=NOW, reason=None, reference="R", done=["oficio"]).done == ["oficio"]
    with pytest.raises(ConflictError, match="dada de baja"):
        closing_fields(CLOSED, on=TODAY, now=NOW, reason=None, reference=None, done=[])
    with pytest.raises(UsageError, match=r"fecha de baja \(24/11/2026\) está en el futuro"):
        closing_fields(LIVE, on=date(2026, 11, 24), now=NOW, reason=None, reference=None, done=[])


def test_a_closing_ends_the_assignments_still_running_that_day() -> None:
    on = date(2026, 11, 20)
    assert assignment_end_on_closing(_assignment(1, ANA, "titular", date(2026, 1, 1)), on) == on
    assert assignment_end_on_closing(_assignment(2, ANA, "titular", date(2026, 1, 1), date(2026, 12, 31)), on) == on
    assert assignment_end_on_closing(_assignment(3, ANA, "titular", date(2026, 12, 1)), on) == date(2026, 12, 1)
    assert assignment_end_on_closing(_assignment(4, ANA, "titular", date(2026, 1, 1), date(2026, 11, 20)), on) is None


def test_closing_marks_are_checked_against_the_closing() -> None:
    assert closing_marks(["oficio"], " R-1 ") == (["oficio"], "R-1")
    with pytest.raises(UsageError, match="^Indique qué se completó: contenido, oficio"):
        closing_marks([], None)
    closing = Closing(5, 1, date(2026, 11, 20), done={"contenido": date(2026, 11, 21)})
    check_closing_marks(closing, ["oficio"], TODAY, NOW)
    with pytest.raises(ConflictError, match=r"ya se registró el 21/11/2026\.$"):
        check_closing_marks(closing, ["contenido"], TODAY, NOW)
    with pytest.raises(UsageError, match=r"^La fecha \(19/11/2026\) es anterior a la baja \(20/11/2026\)\.$"):
        check_closing_marks(closing, ["oficio"], date(2026, 11, 19), NOW)
    check_closing_secrets(closing, TODAY, NOW)
    with pytest.raises(ConflictError, match="ya se registró el 22/11/2026"):
        check_closing_secrets(closing._replace(done={"llavero": date(2026, 11, 22)}), TODAY, NOW)


# -- notices, documents, waivers ------------------------------------------------------------------


def test_a_holiday_notice_is_marked_once() -> None:
    period = HolidayPeriod(20261225, date(2026, 12, 25), date(2026, 12, 25), "Navidad")
    assert holiday_notice_note(TODAY, NOW, " En X y Facebook ") == "En X y Facebook"
    check_holiday_notice(period, None)
    with pytest.raises(ConflictError, match=r"^El aviso del 25/12/2026 ya se marcó cumplido el 20/12/2026\.$"):
        check_holiday_notice(period, date(2026, 12, 20))


def test_person_documents_are_the_two_ine_kinds() -> None:
    assert [k.value for k in DOCUMENT_KINDS] == ["designation_form", "responsiva"]
    assert person_document("responsiva", TODAY, NOW, " Exp. 4 ") == ("responsiva", "Exp. 4")
    with pytest.raises(UsageError, match="«documento»"):
        person_document("contrato", TODAY, NOW, None)


def test_a_waiver_names_a_key_alone_or_a_kind_and_says_so_without_options() -> None:
    def fields(**given: object) -> object:
        base: dict[str, object] = dict(
            reason="Periodo vacacional",
            key=None,
            kind=None,
            for_account=False,
            until=TODAY,
            today=TODAY,
            reference=None,
        )
        base.update(given)
        return waiver_fields(**base)  # type: ignore[arg-type]

    assert fields(kind="rotation", for_account=True) == ("Periodo vacacional", None, "rotation", None)
    assert fields(key="consultation:a3:r12") == ("Periodo vacacional", "consultation:a3:r12", None, None)
    with pytest.raises(MissingDetail) as nothing:
        fields()
    assert nothing.value.field == "obligacion"
    assert nothing.value.message == (
        "Indique qué se dispensa: el tipo de obligación (con la cuenta, si es de una cuenta) o su clave."
    )
    with pytest.raises(MissingDetail) as both:
        fields(key="k", for_account=True)
    assert (both.value.field, both.value.message) == (
        "clave_sola",
        "Indique la clave sola, o bien el tipo con la cuenta.",
    )
    with pytest.raises(UsageError, match=r"^La fecha de término \(22/11/2026\) ya pasó\.$"):
        fields(kind="rotation", until=date(2026, 11, 22))
    check_waiver_revocable(3, None)
    with pytest.raises(ConflictError, match=r"^La dispensa 3 ya fue revocada\.$"):
        check_waiver_revocable(3, NOW)


# -- incidents --------------------------------------------------------------------------------------------


def test_incident_recipients_come_from_the_profile_in_order() -> None:
    assert incident_recipients(INE) == ["Titular del área responsable", "CNCS", "UNICOM"]
    empty = INE._replace(settings=INE.settings._replace(incident_recipients=(" ", "")))
    with pytest.raises(StoreError, match=r"^El perfil INE no define a quién notificar un incidente"):
        incident_recipients(empty)
    assert entries.incident_clause(INE.rules.get("incident")) == " (" + INE.rules["incident"].short() + ")"
    assert entries.incident_clause(None) == ""


def test_incident_description_and_moment() -> None:
    assert incident_description("  Acceso no autorizado ") == "Acceso no autorizado"
    with pytest.raises(UsageError, match="excede 5000"):
        incident_description("x" * 5001)
    check_incident_moment(NOW + timedelta(minutes=5), NOW + timedelta(minutes=5), "fecha y hora del aviso")
    with pytest.raises(UsageError, match=r"^La fecha y hora del aviso \(23/11/2026 10:06\) está en el futuro\.$"):
        check_incident_moment(NOW + timedelta(minutes=6), NOW + timedelta(minutes=5), "fecha y hora del aviso")


NOTICES = [(1, "Titular del área responsable"), (2, "CNCS"), (3, "UNICOM"), (4, "Unidad de Comunicación")]


@pytest.mark.parametrize(
    ("typed", "position"),
    [("2", 2), (" cncs ", 2), ("unicom", 3), ("TITULAR", 1), ("unidad de comunicacion", 4), ("Área", 1)],
)
def test_a_notice_is_named_by_number_name_or_a_unique_part(typed: str, position: int) -> None:
    assert notice_position(5, NOTICES, typed) == position


def test_a_notice_that_names_none_or_several_lists_the_checklist() -> None:
    options = "1. Titular del área responsable; 2. CNCS; 3. UNICOM; 4. Unidad de Comunicación"
    with pytest.raises(UsageError, match=rf"^«9» no está en la lista de avisos del incidente 5: {options}\.$"):
        notice_position(5, NOTICES, "9")
    with pytest.raises(UsageError, match=r"^«uni» coincide con varios destinatarios; indique su número"):
        notice_position(5, NOTICES, "uni")


def test_an_incident_notice_and_closing_are_checked_against_its_opening() -> None:
    opened = NOW - timedelta(hours=3)
    check_incident_notice(5, "CNCS", None, NOW, opened)
    with pytest.raises(ConflictError, match=r"^El aviso a CNCS del incidente 5 ya se registró \(23/11/2026 08:00\)\.$"):
        check_incident_notice(5, "CNCS", NOW - timedelta(hours=2), NOW, opened)
    with pytest.raises(UsageError, match=r"no puede ser anterior a la apertura del incidente \(23/11/2026 07:00\)"):
        check_incident_notice(5, "CNCS", None, opened - timedelta(minutes=1), opened)
    check_incident_close(5, None, NOW, opened)
    with pytest.raises(ConflictError, match=r"^El incidente 5 ya está cerrado \(23/11/2026 09:00\)\.$"):
        check_incident_close(5, NOW - timedelta(hours=1), NOW, opened)
    with pytest.raises(UsageError, match=r"^El cierre \(23/11/2026 06:59\) no puede ser anterior"):
        check_incident_close(5, None, opened - timedelta(minutes=1), opened)


def test_closing_an_incident_without_rotation_needs_the_reason_and_says_so_in_words() -> None:
    opened = NOW - timedelta(hours=3)
    check_incident_rotation(5, "x/@INEMexico", opened, rotated=True, without_rotation=False)
    check_incident_rotation(5, "x/@INEMexico", opened, rotated=False, without_rotation=True)
    with pytest.raises(RefusedUnless) as caught:
        check_incident_rotation(5, "x/@INEMexico", opened, rotated=False, without_rotation=False)
    assert caught.value.field == "sin_rotacion"
    assert caught.value.message == (
        "No se puede cerrar el incidente 5: no hay una rotación de contraseña de x/@INEMexico registrada"
        " después de su apertura (23/11/2026 07:00). Registre la rotación o cierre sin rotación indicando el motivo."
    )
    assert isinstance(caught.value, PolicyError)
    assert incident_closing_reason(True, " Se restableció el acceso ") == "Se restableció el acceso"
    assert incident_closing_reason(False, None) is None
    with pytest.raises(MissingDetail, match="indique el motivo"):
        incident_closing_reason(True, " ")
