"""Issue #13, POLICY.md §11: the obligations that were not encoded, each at its edges.

Duties (``policy.duties``, ``store.duties``, ``tui.core.duties``) and the two findings of round 2
(``institutional_phone``, ``content_current``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import NOW

from policy.clock import ZONE
from policy.codes import Kind, Status
from policy.errors import ConflictError, PolicyError, UsageError
from store.db import Store
from tui.core import duties, workflows
from tui.core.agenda import compute_agenda
from tui.core.bitacora import add_entry
from tui.core.records import set_setting


def _items(store: Store, kind: str, at: datetime = NOW) -> list:
    return [o for o in compute_agenda(store, at=at, horizon_days=60).items if o.kind == kind]


def _account(store: Store, profile: str, handle: str = "@IECM_DD05", network: str = "x", **fields: object) -> str:
    store.settings.set_profile(profile)
    return store.accounts.add(network=network, handle=handle, area="Dirección Distrital 5", **fields).ref


def _entries(store: Store) -> int:
    return store.bitacora.count()


# -- 1. iecm §6.II: the UTCSyD's messages, published within their period ----------------------


def test_a_utcsyd_message_is_due_at_the_end_of_its_period_and_its_publication_does_it(make_store) -> None:
    store = make_store("iecm")
    ref = _account(store, "iecm")
    duty = duties.register_utcsyd_message(
        store, ref, subject="Convocatoria a la consulta", first=date(2026, 3, 13), last=date(2026, 3, 15)
    )
    (item,) = _items(store, Kind.UTCSYD_MESSAGE)
    assert item.due == datetime(2026, 3, 15, 23, 59, 59, tzinfo=ZONE) and item.status is Status.DUE_SOON
    assert (
        item.rule.section == "§6.II"
        and "sin modificarlo" in item.message
        and "a más tardar el 15/03/2026" in item.message
    )
    # overdue from the first moment after its period
    (late,) = _items(store, Kind.UTCSYD_MESSAGE, at=datetime(2026, 3, 16, 0, 0, tzinfo=ZONE))
    assert late.status is Status.OVERDUE
    # a publication before the period does not count; a note never does
    later = make_store("iecm", at=datetime(2026, 3, 14, 9, 0, tzinfo=ZONE))
    ref = _account(later, "iecm")
    duty = duties.register_utcsyd_message(
        later, ref, subject="Convocatoria", first=date(2026, 3, 14), last=date(2026, 3, 15)
    )
    before = _entries(later)
    with pytest.raises(UsageError, match="periodo de publicación"):
        add_entry(
            later,
            kind="publicacion",
            text="Publicada",
            account=ref,
            occurred_at=datetime(2026, 3, 13, 20, 0, tzinfo=ZONE),
            fulfils=duty.id,
        )
    with pytest.raises(UsageError, match="publicacion"):
        add_entry(later, kind="nota", text="Ya quedó", account=ref, fulfils=duty.id)
    assert _entries(later) == before  # nothing half-written
    add_entry(later, kind="publicacion", text="Convocatoria publicada", account=ref, fulfils=duty.id)
    assert _items(later, Kind.UTCSYD_MESSAGE, at=later.now()) == []
    with pytest.raises(ConflictError, match="ya se cumplió"):
        duties.fulfil_duty(later, duty.id)


def test_a_utcsyd_message_is_iecm_s_and_its_period_must_make_sense(make_store) -> None:
    store = make_store("ine")
    ref = _account(store, "ine", handle="@INEMexico")
    with pytest.raises(PolicyError, match="no prevé"):
        duties.register_utcsyd_message(store, ref, subject="Algo", first=date(2026, 3, 12), last=date(2026, 3, 13))
    iecm = make_store("iecm")
    ref = _account(iecm, "iecm")
    with pytest.raises(UsageError, match="termina antes"):
        duties.register_utcsyd_message(iecm, ref, subject="Algo", first=date(2026, 3, 14), last=date(2026, 3, 13))
    with pytest.raises(UsageError):
        duties.register_utcsyd_message(iecm, ref, subject="  ", first=date(2026, 3, 12), last=date(2026, 3, 13))
    assert iecm.duties.list() == []


# -- 2. iecm §7.H, §5.2 f: a relevant matter, reported the same day --------------------------------


@pytest.mark.parametrize(
    ("profile", "recipients"),
    [
        ("iecm", ["la persona titular de la dirección distrital", "las instancias competentes", "la UTCSyD"]),
        ("ine", ["sus superiores o las instancias competentes"]),
        ("ieesonora", ["sus superiores o las instancias competentes"]),
    ],
)
def test_a_relevant_matter_opens_one_notice_per_recipient_due_the_same_day(
    make_store, profile: str, recipients: list[str]
) -> None:
    store = make_store(profile)
    ref = _account(store, profile, handle="@IECM_DD05" if profile == "iecm" else "@INEsonoraIECM")
    opened = duties.report_matter(store, ref, "Circula una convocatoria falsa con el logotipo")
    assert len(opened) == len(recipients)
    items = compute_agenda(store, at=NOW, horizon_days=0).items
    notices = [o for o in items if o.kind == Kind.MATTER_NOTICE]
    assert [o.due for o in notices] == [datetime(2026, 3, 12, 23, 59, 59, tzinfo=ZONE)] * len(recipients)
    for notice, who in zip(notices, recipients, strict=True):
        assert f"informar a {who} de «Circula" in notice.message
    soon = [o for o in items if o.status is Status.DUE_SOON]
    assert soon[0].kind == Kind.MATTER_NOTICE  # it heads its group, like an incident's notices
    duties.fulfil_duty(store, opened[0].id, note="por correo")
    assert len(_items(store, Kind.MATTER_NOTICE)) == len(recipients) - 1
    assert len(_items(store, Kind.MATTER_NOTICE, at=datetime(2026, 3, 13, 0, 0, tzinfo=ZONE))) == len(recipients) - 1
    assert all(
        o.status is Status.OVERDUE
        for o in _items(store, Kind.MATTER_NOTICE, at=datetime(2026, 3, 13, 0, 0, tzinfo=ZONE))
    )


# -- 3. iecm §9.XX: release letters --------------------------------------------------------------


def test_people_in_a_publication_need_their_release_letters(make_store) -> None:
    store = make_store("iecm")
    ref = _account(store, "iecm")
    entry = add_entry(
        store,
        kind="publicacion",
        text="Foto de la jornada",
        account=ref,
        people=["Ana López", "Juan Ruiz", "Ana López"],
    )
    letters = _items(store, Kind.RELEASE_LETTER)
    assert [o.standing for o in letters] == [True, True]
    assert "Ana López" in letters[0].message and letters[0].rule.section == "§9.XX"
    assert {d.source_entry_id for d in store.duties.list()} == {entry.id}
    duties.fulfil_duty(store, letters[0].ref_id, refs=["Carta firmada 12/03"])
    assert [o.ref_id for o in _items(store, Kind.RELEASE_LETTER)] == [letters[1].ref_id]


def test_declarations_that_do_not_fit_are_refused_and_nothing_is_written(make_store) -> None:
    store = make_store("ine")
    ref = _account(store, "ine", handle="@INEMexico")
    before = _entries(store)
    with pytest.raises(PolicyError, match="cartas de descargo"):
        add_entry(store, kind="publicacion", text="Foto", account=ref, people=["Ana"])
    with pytest.raises(UsageError, match="publicación"):
        add_entry(store, kind="nota", text="Foto", account=ref, people=["Ana"])
    with pytest.raises(UsageError, match="comentario de usuario"):
        add_entry(store, kind="publicacion", text="Foto", account=ref, suggestion=True)
    assert _entries(store) == before and store.duties.list() == []


# -- 4. iecm §9.XXII, §9.XXIV, §8.E, §11.6 a ------------------------------------------------------


def test_iecm_live_broadcasts_coverage_and_own_material_go_through_the_utcsyd_or_the_titular(make_store) -> None:
    store = make_store("iecm")
    ref = _account(store, "iecm")
    add_entry(store, kind="publicacion", text="En vivo: sesión", account=ref, modality="transmision")
    add_entry(store, kind="publicacion", text="Infografía propia", account=ref, modality="material_propio")
    (support,) = _items(store, Kind.UTCSYD_SUPPORT)
    assert "transmisión en vivo" in support.message and "UTCSyD" in support.message
    (approval,) = _items(store, Kind.TITULAR_APPROVAL)
    assert approval.rule.section == "§11.6 a)" and "persona titular" in approval.message
    with pytest.raises(UsageError, match="modalidad"):
        add_entry(store, kind="publicacion", text="x", account=ref, modality="concierto")
    ine = make_store("ine")
    with pytest.raises(PolicyError):
        add_entry(
            ine, kind="publicacion", text="x", account=_account(ine, "ine", handle="@INEMexico"), modality="cobertura"
        )


# -- 5. iecm §11.1 a: an institutional phone ------------------------------------------------------


def test_an_iecm_account_without_a_phone_reads_sin_dato_until_recorded(make_store) -> None:
    store = make_store("iecm")
    ref = _account(store, "iecm")
    (item,) = _items(store, Kind.INSTITUTIONAL_PHONE)
    assert item.standing and item.message.startswith("Sin dato") and item.rule.section == "§11.1 a)"
    account = store.accounts.resolve(ref)
    store.accounts.update(account.id, phone="55 5483 3800")
    assert _items(store, Kind.INSTITUTIONAL_PHONE) == []
    ine = make_store("ine")
    _account(ine, "ine", handle="@INEMexico")
    assert _items(ine, Kind.INSTITUTIONAL_PHONE) == []


# -- 6, 7. ine §7.VI: the UNICOM step; §7.XI and §6.XXXIII: the Juntas ------------------------------


def _authorized(store: Store, area: str) -> int:
    new = workflows.add_opening(
        store, network="x", handle="@INEJalisco", reference="OF/1", requested_on=date(2026, 3, 2), area=area
    )
    workflows.resolve_opening(store, new.opening.id, "autorizada", on=date(2026, 3, 4))
    return new.opening.id


def test_ine_an_authorized_account_opens_only_after_the_unicom_step(make_store) -> None:
    store = make_store("ine")
    opening = _authorized(store, "DECEyEC")
    (step,) = _items(store, Kind.UNICOM_STEP)
    assert step.rule.section == "§7.VI" and "UNICOM" in step.message and step.due.date() == date(2026, 3, 4)
    with pytest.raises(ConflictError, match="UNICOM"):
        workflows.open_account(store, opening, on=date(2026, 3, 6))
    duties.fulfil_duty(store, step.ref_id, at=datetime(2026, 3, 5, 12, 0, tzinfo=ZONE))
    opened, _ = workflows.open_account(store, opening, on=date(2026, 3, 6))
    assert opened.state == "abierta" and _items(store, Kind.UNICOM_STEP) == []
    # DECEyEC is not a Junta: no oficio nor strategy
    assert _items(store, Kind.JUNTA_NOTICE) == [] and _items(store, Kind.JUNTA_STRATEGY) == []


def test_ieesonora_opens_an_authorized_account_without_the_unicom_step(make_store) -> None:
    store = make_store("ieesonora")
    opening = _authorized(store, "Dirección del Secretariado")
    assert _items(store, Kind.UNICOM_STEP) == []
    opened, _ = workflows.open_account(store, opening, on=date(2026, 3, 6))
    assert opened.state == "abierta"


@pytest.mark.parametrize(
    ("area", "kinds"),
    [
        ("Junta Local Ejecutiva en Jalisco", {Kind.JUNTA_NOTICE, Kind.JUNTA_STRATEGY}),
        ("Junta Distrital Ejecutiva 05 en Jalisco", {Kind.JUNTA_NOTICE}),
        ("Vocalía de la Junta", set()),
    ],
)
def test_a_junta_s_new_account_is_notified_by_oficio_and_a_junta_local_reports_its_strategy(
    make_store, area: str, kinds: set[str]
) -> None:
    store = make_store("ine")
    opening = _authorized(store, area)
    (step,) = store.duties.list(open_only=True)
    duties.fulfil_duty(store, step.id, at=datetime(2026, 3, 5, 12, 0, tzinfo=ZONE))
    workflows.open_account(store, opening, on=date(2026, 3, 6))
    found = {
        o.kind
        for o in compute_agenda(store, at=NOW, horizon_days=0).items
        if o.kind in (Kind.JUNTA_NOTICE, Kind.JUNTA_STRATEGY)
    }
    assert found == kinds
    for item in _items(store, Kind.JUNTA_NOTICE):
        assert item.rule.section == "§7.XI" and "por oficio a la CNCS" in item.message and area in item.message


# -- 8. ine §7.V, ieesonora §7.IV: a change of the account's holder ----------------------------------------------


@pytest.mark.parametrize(
    ("profile", "section", "office"),
    [
        ("ine", "§7.V", "la persona titular de la CNCS"),
        ("ieesonora", "§7.IV", "la persona titular de la Subdirección de Comunicación Social"),
    ],
)
def test_a_change_of_holder_is_notified(make_store, profile: str, section: str, office: str) -> None:
    store = make_store(profile)
    ref = _account(store, profile, handle="@INEMexico")
    duty = duties.change_holder(store, ref, "Mtra. Laura Díaz", on=date(2026, 3, 10))
    (item,) = _items(store, Kind.HOLDERS_NOTICE)
    assert item.rule.section == section and office in item.message and "Laura Díaz" in item.message
    assert item.due.date() == date(2026, 3, 10)
    duties.fulfil_duty(store, duty.id, refs=["INE/CNCS/12/2026"])
    assert _items(store, Kind.HOLDERS_NOTICE) == []
    ieeags = make_store("ieeags")
    with pytest.raises(PolicyError):
        duties.change_holder(ieeags, _account(ieeags, "ieeags", handle="@ieeags"), "Otra persona")


# -- 9. ieeags §6.XIV, §8.V ------------------------------------------------------------------------


def test_ieeags_another_institution_s_material_needs_its_formal_request(make_store) -> None:
    store = make_store("ieeags")
    ref = _account(store, "ieeags", handle="@ieeags")
    add_entry(store, kind="publicacion", text="Convocatoria del INE", account=ref, material_from="INE")
    (item,) = _items(store, Kind.FORMAL_REQUEST)
    assert item.standing and item.rule.section == "§6.XIV" and "INE" in item.message
    add_entry(store, kind="publicacion", text="Otra", account=ref, material_from="IECM", refs=["IECM/UTCSyD/33/2026"])
    assert len(_items(store, Kind.FORMAL_REQUEST)) == 1  # the reference is the formal request


def test_ieeags_a_removal_request_goes_to_the_coordinacion_which_informs_the_presidencia(make_store) -> None:
    store = make_store("ieeags")
    ref = _account(store, "ieeags", handle="@ieeags")
    first, second = duties.request_removal(store, ref, "Retirar la foto del evento del 5 de marzo")
    items = _items(store, Kind.REMOVAL_REQUEST)
    assert [o.ref_id for o in items] == [first.id, second.id]
    assert "turnarla a la Coordinación de Comunicación Social" in items[0].message
    assert "la Presidencia del Instituto" in items[1].message and items[0].rule.section == "§8.V"
    with pytest.raises(PolicyError):
        duties.request_removal(make_store("ine"), None, "Retirar")


# -- 10. content kept current ---------------------------------------------------------------------


def test_content_kept_current_per_network_from_the_latest_publication(make_store) -> None:
    store = make_store("ine")
    x = _account(store, "ine", handle="@INEMexico", opened_on=date(2026, 1, 1))
    fb = store.accounts.add(network="facebook", handle="INEMexico", opened_on=date(2026, 1, 1)).ref
    add_entry(store, kind="publicacion", text="Hoy", account=x, occurred_at=datetime(2026, 3, 11, 9, 0, tzinfo=ZONE))
    add_entry(store, kind="nota", text="Nota", account=fb, occurred_at=datetime(2026, 3, 11, 9, 0, tzinfo=ZONE))
    add_entry(store, kind="publicacion", text="Semana", account=fb, occurred_at=datetime(2026, 3, 5, 9, 0, tzinfo=ZONE))
    # X daily: the post of the 11th holds until the end of the 12th; Facebook weekly: until the end of the 12th
    assert _items(store, Kind.CONTENT_CURRENT, at=datetime(2026, 3, 12, 23, 59, tzinfo=ZONE)) == []
    late = _items(store, Kind.CONTENT_CURRENT, at=datetime(2026, 3, 13, 0, 0, 1, tzinfo=ZONE))
    assert sorted(o.account.ref for o in late) == sorted([x, fb])
    assert all(o.standing and o.rule.section == "§6.XXII" for o in late)
    (on_x,) = [o for o in late if o.account.ref == x]
    assert "11/03/2026" in on_x.message and "cada día" in on_x.message


def test_content_kept_current_counts_from_the_opening_when_nothing_was_published(make_store) -> None:
    store = make_store("ieesonora")
    ref = _account(store, "ieesonora", handle="@ieesonora", network="youtube", opened_on=date(2026, 3, 4))
    assert _items(store, Kind.CONTENT_CURRENT, at=datetime(2026, 3, 11, 23, 0, tzinfo=ZONE)) == []
    (item,) = _items(store, Kind.CONTENT_CURRENT, at=datetime(2026, 3, 12, 0, 0, 1, tzinfo=ZONE))
    assert item.account.ref == ref and "no hay publicaciones registradas desde el 04/03/2026" in item.message
    set_setting(store, "ventanas_contenido", "youtube:30")
    assert _items(store, Kind.CONTENT_CURRENT, at=datetime(2026, 3, 12, 0, 0, 1, tzinfo=ZONE)) == []
    with pytest.raises(PolicyError, match="red:días"):
        set_setting(store, "ventanas_contenido", "youtube:cada semana")
    iecm = make_store("iecm")
    _account(iecm, "iecm", opened_on=date(2025, 1, 1))
    assert _items(iecm, Kind.CONTENT_CURRENT) == []


# -- 11. users' suggestions answered ---------------------------------------------------------------


def test_a_suggestion_opens_its_answer_and_the_answer_that_attends_it_does_it(make_store) -> None:
    store = make_store("ine")
    ref = _account(store, "ine", handle="@INEMexico")
    add_entry(store, kind="comentario_usuario", text="¿Por qué no publican en lengua de señas?", account=ref)
    assert _items(store, Kind.USER_ANSWER) == []  # a plain comment in ine opens nothing
    comment = add_entry(
        store, kind="comentario_usuario", text="Sugiero publicar en lengua de señas", account=ref, suggestion=True
    )
    (item,) = _items(store, Kind.USER_ANSWER)
    assert item.rule.section == "§8, segundo párrafo" and item.due == NOW.replace(second=0)  # no period: due at once
    set_setting(store, "respuesta_dias_habiles", "3")
    (item,) = _items(store, Kind.USER_ANSWER)  # a duty opened before the setting keeps its moment
    later = add_entry(store, kind="comentario_usuario", text="Otra sugerencia", account=ref, suggestion=True)
    (duty,) = [d for d in store.duties.list(open_only=True) if d.source_entry_id == later.id]
    assert duty.due_at == datetime(2026, 3, 18, 23, 59, 59, tzinfo=ZONE)  # 16 Mar is a holiday
    answer = add_entry(store, kind="respuesta", text="Gracias, lo analizamos", account=ref, fulfils=item.ref_id)
    assert store.duties.get(item.ref_id).done_entry_id == answer.id
    assert [o.ref_id for o in _items(store, Kind.USER_ANSWER)] == [duty.id]
    assert comment.id < answer.id


def test_ieesonora_every_comment_opens_its_answer(make_store) -> None:
    store = make_store("ieesonora")
    ref = _account(store, "ieesonora", handle="@ieesonora")
    add_entry(store, kind="comentario_usuario", text="¿Dónde está mi casilla?", account=ref)
    (item,) = _items(store, Kind.USER_ANSWER)
    assert "§6.XVII" in item.rule.section and "¿Dónde está mi casilla?" in item.message


def test_a_duty_of_another_account_is_not_done_by_this_one(make_store) -> None:
    store = make_store("ine")
    one = _account(store, "ine", handle="@INEMexico")
    other = store.accounts.add(network="x", handle="@INEtelMX").ref
    add_entry(store, kind="comentario_usuario", text="Sugerencia", account=one, suggestion=True)
    (duty,) = store.duties.list()
    with pytest.raises(UsageError, match="otra cuenta"):
        add_entry(store, kind="respuesta", text="Respuesta", account=other, fulfils=duty.id)
    assert store.duties.get(duty.id).done_at is None
    assert NOW - timedelta(days=1) < duty.arose_at <= NOW


# -- Words: every message the engine produces for each demo -----------------------------------------


def _with_every_duty(store: Store, profile: str) -> None:
    """One duty of each kind the profile has, with subjects that end in a period (the edge)."""
    from tui.core.setup import load_demo

    load_demo(store, profile)
    ref = store.accounts.list()[0].ref
    has = store.settings.profile().has_rule
    if has("utcsyd_message"):
        duties.register_utcsyd_message(store, ref, subject="Convocatoria.", first=NOW.date(), last=NOW.date())
    duties.report_matter(store, ref, "Circula una imagen falsa.")
    if has("release_letter"):
        add_entry(store, kind="publicacion", text="Foto.", account=ref, people=["Ana López."], modality="cobertura")
        add_entry(store, kind="publicacion", text="Propio.", account=ref, modality="material_propio")
    if has("formal_request"):
        add_entry(store, kind="publicacion", text="Material.", account=ref, material_from="INE.")
        duties.request_removal(store, ref, "Retirar la foto.")
    if has("holders_notice"):
        duties.change_holder(store, ref, "Laura Díaz.")
    if has("user_answer"):
        add_entry(store, kind="comentario_usuario", text="Sugiero algo.", account=ref, suggestion=True)


@pytest.mark.parametrize("profile", ["ine", "ieeags", "ieesonora", "iecm"])
def test_no_message_of_a_demo_doubles_its_period_and_deadlines_say_a_mas_tardar(make_store, profile: str) -> None:
    store = make_store(None)
    _with_every_duty(store, profile)
    items = compute_agenda(store, at=NOW, horizon_days=400).items
    kinds = {o.kind for o in items}
    assert len(kinds) > 8
    for item in items:
        text = item.message
        assert ".»." not in text and ".." not in text.replace("…", ""), text
        assert "((" not in text and "))" not in text, text
        assert " a CNCS" not in text and " a UNICOM" not in text and " a UTCSyD" not in text, text
        dated = (Kind.ROTATION, Kind.EVALUATION, Kind.TRAINING, Kind.HOLIDAY_NOTICE, Kind.INFORMATION_REQUEST)
        if item.kind in dated and not item.standing and "no hay ninguna rotación" not in text:
            assert "a más tardar el" in text, text


def test_labels_follow_the_setting(make_store) -> None:
    from policy.labels import item_label

    store = make_store("iecm")
    _account(store, "iecm", opened_on=date(2025, 1, 1))
    set_setting(store, "evaluacion_meses", "4")
    (item,) = _items(store, Kind.EVALUATION, at=datetime(2026, 3, 12, tzinfo=ZONE))
    assert item_label(item) == "Evaluación cada 4 meses"
    set_setting(store, "evaluacion_meses", "6")
    (item,) = [o for o in compute_agenda(store, at=NOW, horizon_days=400).items if o.kind == Kind.EVALUATION]
    assert item_label(item) == "Evaluación semestral"
