"""docs/clausulas.md: one row per clause of every profile (profile, source, kind, test), rebuilt here
from the profiles so it cannot drift (issue #13, «Done means»).

Each rule key maps to the kind of agenda item (or the check) it drives and to the tests that cover
it; a test named here must exist. A row is «completa», or «parcial» with the reason; a rule the
documents are silent about says so. Regenerate with
``RESGUARDO_REGENERAR_DOCS=1 .venv/bin/python -m pytest tests/test_clauses.py`` and commit the result.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from policy.codes import Kind
from policy.profile import PROFILE_IDS, load_profile, short_document

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "clausulas.md"
REGENERATE = "RESGUARDO_REGENERAR_DOCS"

#: rule key -> (what it drives: a ``Kind`` code or a check, in Spanish; the tests that cover it)
COVERAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "preflight_allusions": (
        "revisión de borrador: alusiones",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_campaign_hashtag": (
        "revisión de borrador: hashtag de campaña",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_caps": (
        "revisión de borrador: mayúsculas",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_inclusive": (
        "revisión de borrador: lenguaje incluyente",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_media": (
        "revisión de borrador: imagen o video",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_minors": (
        "revisión de borrador: menores",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_neutrality": (
        "revisión de borrador: neutralidad electoral",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_neutrality_process": (
        "revisión de borrador: neutralidad en proceso electoral",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_personal_data": (
        "revisión de borrador: datos personales",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_repost": (
        "revisión de borrador: reposteo",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_shorteners": (
        "revisión de borrador: acortadores",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_spam": (
        "revisión de borrador: spam",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "preflight_spelling": (
        "revisión de borrador: ortografía",
        (
            "test_preflight_corpus.py::test_precision_and_recall_per_check",
            "test_preflight.py::test_no_finding_fires_for_a_check_the_document_does_not_ask",
        ),
    ),
    "rotation": (
        "rotation",
        (
            "test_engine.py::test_ine_rotation_every_two_months",
            "test_engine.py::test_ieeags_rotation_every_six_months",
            "test_engine.py::test_ieesonora_has_no_rotation_deadline_unless_set",
        ),
    ),
    "rotation_admin_change": ("rotation", ("test_engine.py::test_iecm_rotation_due_at_once_when_an_assignment_ends",)),
    "password_composition": ("regla de contraseña (credencial)", ("test_credentials.py::test_composition_rule",)),
    "evaluation": ("evaluation", ("test_engine.py::test_evaluation_every_six_months",)),
    "training": ("training", ("test_engine.py::test_training_annual_per_person",)),
    "administrators": (
        "missing_admin",
        ("test_engine.py::test_missing_suplente_ine", "test_engine.py::test_missing_both_roles_names_both"),
    ),
    "access": ("access", ("test_policy_fidelity.py::test_an_ine_coadministrator_is_a_finding_and_not_elsewhere",)),
    "youtube_homologation": (
        "youtube_homologation",
        ("test_policy_fidelity.py::test_ine_youtube_accounts_other_than_inetv_are_a_finding",),
    ),
    "utcsyd_coadmin": (
        "utcsyd_coadmin",
        ("test_policy_fidelity.py::test_an_iecm_account_without_the_utcsyd_coadministrator_is_a_finding",),
    ),
    "admin_rank": ("admin_rank", ("test_engine.py::test_admin_rank",)),
    "admin_change_notice": (
        "admin_change_notice",
        (
            "test_workflows_policy.py::test_admin_change_notice_by_profile",
            "test_policy_fidelity.py::test_unassign_then_assign_is_one_administrator_change_with_its_notice",
        ),
    ),
    "designation_form": (
        "designation_form",
        ("test_workflows_policy.py::test_ine_administrators_need_designation_form_and_responsiva",),
    ),
    "responsiva": (
        "responsiva",
        ("test_workflows_policy.py::test_ine_administrators_need_designation_form_and_responsiva",),
    ),
    "email_domain": ("email_domain", ("test_engine.py::test_email_domain",)),
    "email_generic": (
        "email_generic",
        ("test_workflows_policy.py::test_ine_generic_email_deadline_is_60_business_days_from_25_march_2021",),
    ),
    "handle_token": ("handle_token", ("test_engine.py::test_handle_token_on_x",)),
    "verification": ("verification", ("test_engine.py::test_verification",)),
    "consultation": (
        "consultation",
        (
            "test_workflows_policy.py::test_consultation_window_is_48_natural_hours",
            "test_policy_fidelity.py::test_a_pending_iecm_consultation_is_in_the_agenda_until_answered",
        ),
    ),
    "consultation_outcome": (
        "consultation",
        ("test_workflows_policy.py::test_overdue_consultation_carries_the_profile_outcome",),
    ),
    "information_request": (
        "information_request",
        ("test_workflows_policy.py::test_information_request_due_after_two_business_days",),
    ),
    "opening_request": (
        "opening_request",
        ("test_workflows_policy.py::test_opening_answer_takes_15_business_days_across_declared_semana_santa",),
    ),
    "opening_report": (
        "opening_request",
        ("test_policy_fidelity.py::test_the_opening_report_quotes_its_own_clause_and_names_the_recipient",),
    ),
    "closing": ("closing", ("test_workflows_policy.py::test_incomplete_closing_is_a_standing_finding",)),
    "abandoned_account": (
        "abandoned_account",
        (
            "test_workflows_policy.py::test_abandoned_after_90_days_without_activity_from_any_source",
            "test_workflows_policy.py::test_abandoned_is_off_by_default_where_the_documents_are_silent",
        ),
    ),
    "holiday_notice": (
        "holiday_notice",
        (
            "test_workflows_policy.py::test_holiday_notice_due_three_business_days_before_and_only_within_the_agenda",
            "test_policy_fidelity.py::test_declaring_an_electoral_process_keeps_every_attention_hours_notice",
        ),
    ),
    "bitacora": (
        "bitácora encadenada (verificar)",
        (
            "test_bitacora.py::test_chain_links_each_entry_to_the_previous",
            "test_bitacora.py::test_triggers_refuse_update_and_delete",
        ),
    ),
    "incident": (
        "incident_notice",
        ("test_incidents_moderation.py::test_opening_an_incident_creates_the_profiles_checklist",),
    ),
    "moderation": (
        "moderación (bitácora moderar)",
        (
            "test_incidents_moderation.py::test_blocking_per_profile",
            "test_incidents_moderation.py::test_other_actions_are_allowed_except_hiding_or_deleting_in_iecm",
        ),
    ),
    "moderation_hate": ("moderación (bitácora moderar)", ("test_incidents_moderation.py::test_blocking_per_profile",)),
    "moderation_delete": (
        "moderación (bitácora moderar)",
        ("test_incidents_moderation.py::test_deleting_under_ieeags_is_the_coordinacions_decision",),
    ),
    "public_account": (
        "public_account",
        (
            "test_engine.py::test_public_and_private_messages_iecm_only",
            "test_policy_fidelity.py::test_iecm_public_and_private_messages_read_sin_dato_until_recorded",
        ),
    ),
    "private_messages": (
        "private_messages",
        (
            "test_engine.py::test_public_and_private_messages_iecm_only",
            "test_policy_fidelity.py::test_iecm_public_and_private_messages_read_sin_dato_until_recorded",
        ),
    ),
    "business_hours": (
        "aviso al registrar en la bitácora",
        ("test_policy_fidelity.py::test_an_iecm_activity_outside_business_hours_is_flagged_in_both_faces",),
    ),
    "utcsyd_message": (
        "utcsyd_message",
        (
            "test_duties.py::test_a_utcsyd_message_is_due_at_the_end_of_its_period_and_its_publication_does_it",
            "test_duties.py::test_a_utcsyd_message_is_iecm_s_and_its_period_must_make_sense",
        ),
    ),
    "matter_notice": (
        "matter_notice",
        ("test_duties.py::test_a_relevant_matter_opens_one_notice_per_recipient_due_the_same_day",),
    ),
    "release_letter": (
        "release_letter",
        (
            "test_duties.py::test_people_in_a_publication_need_their_release_letters",
            "test_duties.py::test_declarations_that_do_not_fit_are_refused_and_nothing_is_written",
        ),
    ),
    "utcsyd_support": (
        "utcsyd_support",
        ("test_duties.py::test_iecm_live_broadcasts_coverage_and_own_material_go_through_the_utcsyd_or_the_titular",),
    ),
    "titular_approval": (
        "titular_approval",
        ("test_duties.py::test_iecm_live_broadcasts_coverage_and_own_material_go_through_the_utcsyd_or_the_titular",),
    ),
    "institutional_phone": (
        "institutional_phone",
        ("test_duties.py::test_an_iecm_account_without_a_phone_reads_sin_dato_until_recorded",),
    ),
    "unicom_step": (
        "unicom_step",
        (
            "test_duties.py::test_ine_an_authorized_account_opens_only_after_the_unicom_step",
            "test_duties.py::test_ieesonora_opens_an_authorized_account_without_the_unicom_step",
        ),
    ),
    "junta_notice": (
        "junta_notice",
        ("test_duties.py::test_a_junta_s_new_account_is_notified_by_oficio_and_a_junta_local_reports_its_strategy",),
    ),
    "junta_strategy": (
        "junta_strategy",
        ("test_duties.py::test_a_junta_s_new_account_is_notified_by_oficio_and_a_junta_local_reports_its_strategy",),
    ),
    "holders_notice": (
        "holders_notice",
        ("test_duties.py::test_a_change_of_holder_is_notified",),
    ),
    "formal_request": (
        "formal_request",
        ("test_duties.py::test_ieeags_another_institution_s_material_needs_its_formal_request",),
    ),
    "removal_request": (
        "removal_request",
        ("test_duties.py::test_ieeags_a_removal_request_goes_to_the_coordinacion_which_informs_the_presidencia",),
    ),
    "content_current": (
        "content_current",
        (
            "test_duties.py::test_content_kept_current_per_network_from_the_latest_publication",
            "test_duties.py::test_content_kept_current_counts_from_the_opening_when_nothing_was_published",
        ),
    ),
    "user_answer": (
        "user_answer",
        (
            "test_duties.py::test_a_suggestion_opens_its_answer_and_the_answer_that_attends_it_does_it",
            "test_duties.py::test_ieesonora_every_comment_opens_its_answer",
        ),
    ),
}

#: (profile, rule key) -> why the rule is only partly enforced (Spanish, shown in the table).
PARTIAL: dict[tuple[str, str], str] = {
    ("iecm", "business_hours"): (
        "resguardo advierte al registrar en la bitácora una actividad fuera de horas y días hábiles, pero"
        " no puede saber desde qué equipo se opera la cuenta (§8.B)"
    ),
    ("ine", "verification"): "resguardo no sabe si la red ya admite la verificación: la pide desde el alta",
    ("ieeags", "verification"): "resguardo no sabe si la red ya admite la verificación: la pide desde el alta",
    ("ieesonora", "verification"): "resguardo no sabe si la red ya admite la verificación: la pide desde el alta",
    ("ine", "designation_form"): "el texto de los Lineamientos no está en la fuente; se pide un formulario por persona",
    ("iecm", "institutional_phone"): (
        "resguardo pide que conste el teléfono de cada cuenta, pero no puede saber si el número es institucional"
    ),
    ("ieeags", "removal_request"): (
        "los dos pasos de una solicitud de retiro sí; el cambio de la lista de redes a propuesta de la"
        " Coordinación y con autorización de la Presidencia (§8.II) no se registra"
    ),
}


def _kind_codes() -> set[str]:
    return {k.value for k in Kind}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Cláusulas y pruebas",
        "",
        "Una fila por cláusula de cada perfil: de dónde viene (documento y sección), qué revisa",
        "resguardo (el código `kind` de `pendientes --json`, o la revisión que aplica) y las pruebas",
        "que la fijan. Este archivo se genera a partir de los perfiles (`tests/test_clauses.py`);",
        "no lo edite a mano. «El documento calla» marca una regla sin fuente: la nota del perfil",
        "(`policy/profiles/*.toml`) dice qué hace resguardo entonces (por lo general, nada salvo que la",
        "institución fije un ajuste, que la agenda muestra como «Ajuste de la institución»).",
        "",
        "| Perfil | Regla | Fuente | Revisión | Estado | Pruebas |",
        "|---|---|---|---|---|---|",
    ]
    for profile_id in PROFILE_IDS:
        profile = load_profile(profile_id)
        for key, rule in profile.rules.items():
            drives, tests = COVERAGE[key]
            source = f"{short_document(profile, rule)} {rule.section}".strip() if rule.section else "—"
            if not rule.section:
                state = "el documento calla (la nota del perfil dice qué hace resguardo)"
            elif (profile_id, key) in PARTIAL:
                state = f"parcial: {PARTIAL[profile_id, key]}"
            else:
                state = "completa"
            shown = f"`{drives}`" if drives in _kind_codes() else drives
            listed = "<br>".join(f"`{t}`" for t in tests) or "—"
            lines.append(f"| {profile_id} | `{key}` | {_cell(source)} | {shown} | {_cell(state)} | {listed} |")
    return "\n".join(lines) + "\n"


def _defined_tests() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found |= {f"{path.name}::{n.name}" for n in tree.body if isinstance(n, ast.FunctionDef)}
    return found


def test_every_rule_of_every_profile_has_a_row_with_existing_tests() -> None:
    defined = _defined_tests()
    for profile_id in PROFILE_IDS:
        for key, rule in load_profile(profile_id).rules.items():
            assert key in COVERAGE, (profile_id, key)
            drives, tests = COVERAGE[key]
            assert drives
            partial = (profile_id, key) in PARTIAL
            assert tests or partial or not rule.section, (profile_id, key)  # an enforced clause has a test
            for name in tests:
                assert name in defined, name
    assert set(COVERAGE) == {k for p in PROFILE_IDS for k in load_profile(p).rules}


def test_the_kinds_named_are_real() -> None:
    codes = _kind_codes()
    for drives, _tests in COVERAGE.values():
        assert drives in codes or not drives.isidentifier() or drives == "—", drives


def test_the_table_in_the_docs_is_the_generated_one() -> None:
    text = render()
    for line in text.splitlines()[10:]:
        assert "| missing" not in line and "| falta" not in line, line
        if "| parcial" in line:  # every partial row says why
            assert "parcial: " in line and len(line.split("parcial: ")[1]) > 20, line
    if os.environ.get(REGENERATE):
        TABLE.write_text(text, encoding="utf-8")
    assert TABLE.read_text(encoding="utf-8") == text, f"docs/clausulas.md está desactualizado: {REGENERATE}=1"
