"""The four institution profiles: they load, cite their rules, and validate overrides."""

from __future__ import annotations

import pytest

from policy.errors import PolicyError, UsageError
from policy.profile import PROFILE_IDS, SETTINGS, load_profile, parse_setting_text, validate_setting

#: setting that switches a check on -> the rule the check cites
CHECK_RULES = {
    "rotation_months": "rotation",
    "evaluation_months": "evaluation",
    "training_months": "training",
    "admin_roles": "administrators",
    "titular_ranks": "admin_rank",
    "email_domains": "email_domain",
    "email_generic_required": "email_generic",
    "handle_token": "handle_token",
    "require_public": "public_account",
    "require_private_messages": "private_messages",
    "require_verification": "verification",
    "rotation_on_admin_change": "rotation_admin_change",
}


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_profile_loads_with_documents_and_cited_rules(profile_id):
    profile = load_profile(profile_id)
    assert profile.id == profile_id
    assert profile.name and profile.short_name
    assert profile.documents
    titles = {doc.title for doc in profile.documents.values()}
    for key, rule in profile.rules.items():
        assert rule.profile == profile_id
        assert rule.document in titles, key
        # A rule either quotes its clause or explains in a note why there is none.
        if rule.section:
            assert rule.quote, key
        else:
            assert rule.note, key


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_rule_a_check_uses_exists_and_is_cited(profile_id):
    profile = load_profile(profile_id)
    for setting, rule_key in CHECK_RULES.items():
        if getattr(profile.settings, setting):
            assert profile.has_rule(rule_key), (profile_id, setting, rule_key)
            rule = profile.rule(rule_key)
            assert rule.section and rule.quote, (profile_id, rule_key)


def test_the_issue_numbers():
    assert load_profile("ine").settings.rotation_months == 2
    assert load_profile("ieeags").settings.rotation_months == 6
    assert load_profile("ieesonora").settings.rotation_months is None
    assert load_profile("iecm").settings.rotation_months is None
    assert load_profile("iecm").settings.rotation_on_admin_change is True
    for pid in ("ine", "ieeags", "ieesonora"):
        assert load_profile(pid).settings.evaluation_months == 6
    assert load_profile("iecm").settings.evaluation_months is None
    assert load_profile("ine").settings.training_months == 12
    assert load_profile("ieeags").settings.training_months == 12
    assert load_profile("iecm").settings.admin_roles == ("enlace",)
    assert load_profile("ieeags").settings.handle_token is None


def test_handle_token_note_explains_prefix_reading():
    for pid in ("ine", "ieesonora", "iecm"):
        note = load_profile(pid).rule("handle_token").note
        assert "prefijo" in note and "INEMexico" in note


def test_missing_rule_raises_spanish_policy_error():
    with pytest.raises(PolicyError, match="no tiene una regla"):
        load_profile("iecm").rule("evaluation")


def test_unknown_profile():
    with pytest.raises(UsageError, match="Perfil desconocido «inex»"):
        load_profile("inex")


def test_override_applies_and_keeps_the_default():
    profile = load_profile("ine", {"rotation_months": 3, "email_domains": [" INE.MX ", "ine.org.mx"]})
    assert profile.settings.rotation_months == 3
    assert profile.defaults.rotation_months == 2
    assert profile.settings.email_domains == ("ine.mx", "ine.org.mx")
    cleared = load_profile("ine", {"rotation_months": None})
    assert cleared.settings.rotation_months is None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rotation_months", 0, "al menos 1"),
        ("rotation_months", 61, "como máximo 60"),
        ("rotation_months", "2", "número entero"),
        ("rotation_months", True, "número entero"),
        ("rotation_months", 2.5, "número entero"),
        ("email_domains", [], "no puede quedar vacío"),
        ("email_domains", "ine.mx", "lista de textos"),
        ("email_domains", ["ine.mx", " "], "lista de textos"),
        ("email_domains", None, "no puede quedar vacío"),
        ("handle_token", "   ", "texto no vacío"),
        ("min_zxcvbn_score", 5, "como máximo 4"),
        ("no_such_setting", 1, "Ajuste desconocido"),
    ],
)
def test_bad_overrides_refused_in_spanish(key, value, message):
    with pytest.raises(PolicyError) as info:
        validate_setting(key, value)
    if message:
        assert message in info.value.message
    with pytest.raises(PolicyError):
        load_profile("ine", {key: value})


def test_parse_setting_text():
    specs = {s.name_es: s for s in SETTINGS}
    assert parse_setting_text(specs["rotacion_meses"], " 4 ") == 4
    assert parse_setting_text(specs["rotacion_meses"], "ninguno") is None
    assert parse_setting_text(specs["dominios_correo"], "ine.mx, ine.org.mx") == ["ine.mx", "ine.org.mx"]
    with pytest.raises(UsageError, match="número entero"):
        parse_setting_text(specs["rotacion_meses"], "dos")
    with pytest.raises(UsageError, match="no puede quedar vacío"):
        parse_setting_text(specs["dominios_correo"], "")
