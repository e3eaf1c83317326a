"""Incidents (notification checklists per profile) and moderation rules per profile."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from policy.engine import agenda
from policy.errors import PolicyError
from policy.moderation import decide
from policy.profile import load_profile
from store.db import Store
from store.errors import ConflictError, UsageError
from store.state import load_state
from tests.conftest import NOW
from tui.core.bitacora import moderate_comment

CHECKLISTS = {
    "ine": ["Titular del área responsable", "CNCS", "UNICOM"],
    "ieeags": ["Coordinación de Comunicación Social", "Presidencia del Instituto"],
    "ieesonora": ["Titular del área", "Subdirección de Comunicación Social", "Subdirección de Informática"],
    "iecm": ["Titular de la dirección distrital", "UTCSyD"],
}
DOMAINS = {"ine": "ine.mx", "ieeags": "ieeags.mx", "ieesonora": "ieesonora.org.mx", "iecm": "iecm.mx"}


def _account(store: Store, profile: str = "ine"):
    return store.accounts.add(network="facebook", handle="CuentaInstitucional", email=f"redes@{DOMAINS[profile]}")


# -- incidents ------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(CHECKLISTS))
def test_opening_an_incident_creates_the_profiles_checklist(make_store, profile):
    store = make_store(profile)
    account = _account(store, profile)
    incident = store.incidents.open(account, "Publicaciones que nadie del área hizo")
    assert [n.recipient for n in incident.notices] == CHECKLISTS[profile]
    assert all(n.notified_at is None for n in incident.notices)
    (entry,) = store.bitacora.search(kind="incidente")
    assert all(name in entry.text for name in CHECKLISTS[profile])
    notices = [o for o in agenda(load_state(store, NOW), NOW) if o.kind == "incident_notice"]
    assert [o.status for o in notices] == ["overdue"] * len(CHECKLISTS[profile])
    assert {o.rule.section for o in notices} == {load_profile(profile).rule("incident").section}


def test_incident_notices_head_the_overdue_list(make_store):
    store = make_store("ine")
    account = _account(store)
    # The account has older overdue findings (no rotation, not verified…).
    store.incidents.open(account, "Acceso indebido", at=NOW - timedelta(minutes=30))
    items = agenda(load_state(store, NOW), NOW)
    overdue = [o for o in items if o.status == "overdue"]
    assert len(overdue) > 3
    assert [o.kind for o in overdue[:3]] == ["incident_notice"] * 3
    assert "incident_notice" not in {o.kind for o in overdue[3:]}


def test_notify_ticks_one_notice_by_name_part_or_number(make_store):
    store = make_store("ine")
    incident = store.incidents.open(_account(store), "Acceso indebido")
    store.incidents.notify(incident.id, "cncs")
    updated = store.incidents.notify(incident.id, "3")
    assert [n.recipient for n in updated.pending] == ["Titular del área responsable"]
    pending = [o for o in agenda(load_state(store, NOW), NOW) if o.kind == "incident_notice"]
    assert len(pending) == 1 and "notificar a la persona titular del área responsable" in pending[0].message
    with pytest.raises(ConflictError):
        store.incidents.notify(incident.id, "UNICOM")
    with pytest.raises(UsageError, match="no está en la lista"):
        store.incidents.notify(incident.id, "Presidencia")
    with pytest.raises(UsageError, match="anterior a la apertura"):
        store.incidents.notify(incident.id, "titular", at=NOW - timedelta(days=1))
    assert len(store.bitacora.search(kind="incidente")) == 3


def test_accent_insensitive_recipient(make_store):
    store = make_store("ieesonora")
    incident = store.incidents.open(_account(store, "ieesonora"), "Cuenta intervenida")
    updated = store.incidents.notify(incident.id, "informatica")
    assert [n.recipient for n in updated.notices if n.notified_at] == ["Subdirección de Informática"]
    with pytest.raises(UsageError, match="varios"):
        store.incidents.notify(incident.id, "subdireccion")


def test_closing_requires_a_rotation_after_opening(make_store):
    store = make_store("ine")
    account = _account(store)
    store.rotations.record(account, NOW - timedelta(days=3))  # before the incident: does not count
    incident = store.incidents.open(account, "Acceso indebido", at=NOW - timedelta(hours=2))
    entries_before = store.bitacora.count()
    with pytest.raises(PolicyError, match="rotación"):
        store.incidents.close(incident.id)
    with pytest.raises(UsageError, match="motivo"):
        store.incidents.close(incident.id, without_rotation=True)
    assert store.incidents.get(incident.id).is_open
    assert store.bitacora.count() == entries_before
    store.rotations.record(account, NOW - timedelta(hours=1))
    closed = store.incidents.close(incident.id)
    assert not closed.is_open and not closed.closed_without_rotation
    with pytest.raises(ConflictError):
        store.incidents.close(incident.id)
    # Closing never silences the notices that were not given.
    assert len([o for o in agenda(load_state(store, NOW), NOW) if o.kind == "incident_notice"]) == 3
    last = store.bitacora.search(kind="incidente", limit=1)[0]
    assert "cerrado" in last.text and "pendientes" in last.text


def test_closing_without_rotation_needs_and_records_a_reason(make_store):
    store = make_store("iecm")
    incident = store.incidents.open(_account(store, "iecm"), "Operada por personal no autorizado")
    closed = store.incidents.close(incident.id, without_rotation=True, reason="La UTCSyD cambió el acceso")
    assert closed.closed_without_rotation and closed.close_note == "La UTCSyD cambió el acceso"
    assert "sin rotación" in store.bitacora.search(kind="incidente", limit=1)[0].text


def test_cli_incident_flow(cli):
    assert cli("iniciar", "--perfil", "ieeags").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@IEEAgs", "--correo", "c@ieeags.mx").code == 0
    opened = cli("incidentes", "abrir", "x/@IEEAgs", "--descripcion", "Mensajes que nadie escribió")
    assert opened.code == 0, opened.err
    assert "Coordinación de Comunicación Social" in opened.out and "Presidencia del Instituto" in opened.out
    top = json.loads(cli("pendientes", "--json").out)
    assert [item["kind"] for item in top[:2]] == ["incident_notice", "incident_notice"]
    assert top[0]["rule"]["section"] == "§6.XXXV"
    assert cli("incidentes", "notificar", "1", "Presidencia").code == 0
    refused = cli("incidentes", "cerrar", "1")
    assert refused.code == 1 and "rotación" in refused.err
    assert cli("incidentes", "cerrar", "1", "--sin-rotacion").code == 2
    assert cli("rotaciones", "registrar", "x/@IEEAgs").code == 0
    assert cli("incidentes", "cerrar", "1").code == 0
    listed = json.loads(cli("incidentes", "listar", "--json").out)
    assert listed[0]["id"] == 1 and listed[0]["status"] == "cerrado"
    assert [n["notified_at"] is not None for n in listed[0]["notices"]] == [False, True]
    log = json.loads(cli("bitacora", "buscar", "--tipo", "incidente", "--json").out)
    assert len(log) == 3
    assert cli("bitacora", "verificar").code == 0


# -- moderation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "hate", "allowed", "clause"),
    [
        ("ine", False, False, "§6.XVI–XVII"),
        ("ine", True, True, "§6.XVII"),
        ("ieeags", False, False, "§6.XVIII–XIX"),
        ("ieeags", True, True, "§6.XIX"),
        ("ieesonora", False, True, "§6.XV"),
        ("iecm", False, False, "§9.XIII"),
        ("iecm", True, False, "§9.XIII"),  # the lineamientos make no exception
    ],
)
def test_blocking_per_profile(profile, hate, allowed, clause):
    rules = load_profile(profile)
    if allowed:
        decision = decide(rules, "bloquear", hate_or_violence=hate)
        assert any(clause in note for note in decision.notes)
    else:
        with pytest.raises(PolicyError) as refused:
            decide(rules, "bloquear", hate_or_violence=hate)
        assert clause in refused.value.message
        assert "bloque" in refused.value.message


def test_iecm_refusal_quotes_the_clause_and_says_to_ignore():
    with pytest.raises(PolicyError) as refused:
        decide(load_profile("iecm"), "bloquear", hate_or_violence=True)
    message = refused.value.message
    assert "no deberán ser bloqueados de las cuentas institucionales, sino ignorados" in message
    assert "ni siquiera por discursos de odio o violencia" in message and "ignorar" in message


@pytest.mark.parametrize("profile", ["ine", "ieeags", "ieesonora", "iecm"])
@pytest.mark.parametrize("action", ["ocultar", "ignorar", "responder", "eliminar"])
def test_other_actions_are_allowed_except_hiding_or_deleting_in_iecm(profile, action):
    if profile == "iecm" and action in ("ocultar", "eliminar"):
        # iecm §9.XIII: offensive comments are ignored (POLICY.md §11, readings; issue #13 defect 5).
        with pytest.raises(PolicyError) as refused:
            decide(load_profile(profile), action)
        assert "§9.XIII" in refused.value.message and "«ignorar»" in refused.value.message
        return
    assert decide(load_profile(profile), action).action == action


def test_deleting_under_ieeags_is_the_coordinacions_decision():
    notes = decide(load_profile("ieeags"), "eliminar").notes
    assert any("decisión de la Coordinación de Comunicación Social" in n and "§6.XVIII" in n for n in notes)
    assert decide(load_profile("ine"), "eliminar").notes == ()


def test_unknown_action_is_a_usage_error():
    with pytest.raises(UsageError):
        decide(load_profile("ine"), "expulsar")


def test_refused_moderation_writes_nothing(make_store):
    store = make_store("iecm")
    account = _account(store, "iecm")
    with pytest.raises(PolicyError):
        moderate_comment(store, account.id, "bloquear", "Insultos racistas", hate_or_violence=True)
    assert store.bitacora.count() == 0
    entry = moderate_comment(store, account.id, "ignorar", "Insultos racistas")
    assert entry.kind == "moderacion" and "ignorar" in entry.text


def test_cli_moderation(cli):
    assert cli("iniciar", "--perfil", "ine").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico", "--correo", "r@ine.mx").code == 0
    refused = cli("bitacora", "moderar", "x/@INEMexico", "--accion", "bloquear", "--texto", "Insultos")
    assert refused.code == 1 and "Criterios INE §6.XVI–XVII" in refused.err
    ok = cli(
        "bitacora",
        "moderar",
        "x/@INEMexico",
        "--accion",
        "bloquear",
        "--texto",
        "Amenazas de muerte",
        "--odio-violencia",
    )
    assert ok.code == 0, ok.err
    (entry,) = json.loads(cli("bitacora", "buscar", "--tipo", "moderacion", "--json").out)
    assert "odio o violencia" in entry["text"] and "Amenazas de muerte" in entry["text"]
