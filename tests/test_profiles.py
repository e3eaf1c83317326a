"""The four institution profiles: they load, cite their rules, and validate overrides."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from pathlib import Path

import pytest

import policy.profile
from policy.errors import PolicyError, UsageError
from policy.moderation import BLOCK_HATE_ONLY, BLOCK_POLICIES
from policy.profile import (
    DEFAULT_SETTINGS,
    PROFILE_IDS,
    PROFILES_DIR,
    SETTINGS,
    Profile,
    Settings,
    load_profile,
    parse_setting_text,
    validate_setting,
)

ROOT = Path(__file__).resolve().parent.parent

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


# -- one typed Settings object, each default written once -----------------------------------------


def _stated(profile_id: str) -> dict[str, object]:
    """What a profile's TOML states in its [settings]."""
    return tomllib.loads((PROFILES_DIR / f"{profile_id}.toml").read_text("utf-8"))["settings"]


def _accepts(hint: object, value: object) -> bool:
    """True when a TOML value fits a Settings field's annotation (a list fits ``tuple[str, ...]``)."""
    if isinstance(hint, types.UnionType):
        return any(_accepts(arm, value) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if typing.get_origin(hint) is tuple:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, typing.cast(type, hint))


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_stated_setting_is_a_typed_field_and_loads_as_stated(profile_id):
    hints = typing.get_type_hints(Settings)
    stated = _stated(profile_id)
    settings = load_profile(profile_id).settings
    for key, value in stated.items():
        assert key in hints, f"{profile_id}: {key} is not a Settings field"
        assert _accepts(hints[key], value), (profile_id, key, value, hints[key])
        expected = tuple(value) if isinstance(value, list) else value
        assert getattr(settings, key) == expected, (profile_id, key)
    for key in set(Settings._fields) - set(stated):
        assert getattr(settings, key) == getattr(DEFAULT_SETTINGS, key), (profile_id, key)


def test_defaults_agree_with_what_every_profile_states():
    """A default written in Settings is the value the four profiles document, where they agree."""
    stated = [_stated(pid) for pid in PROFILE_IDS]
    unanimous = {
        key: stated[0][key]
        for key in Settings._fields
        if all(key in s for s in stated) and all(s[key] == stated[0][key] for s in stated)
    }
    assert {
        "min_length",
        "min_zxcvbn_score",
        "password_history",
        "password_grace_days",
        "backups_max",
        "holiday_notice_business_days",
        "information_request_business_days",
    } <= set(unanimous)
    for key, value in unanimous.items():
        expected = tuple(value) if isinstance(value, list) else value
        assert getattr(DEFAULT_SETTINGS, key) == expected, key
    assert (DEFAULT_SETTINGS.min_length, DEFAULT_SETTINGS.min_zxcvbn_score, DEFAULT_SETTINGS.password_history) == (
        12,
        3,
        5,
    )
    # The roles three of the four profiles require (the IECM states its enlace).
    assert DEFAULT_SETTINGS.admin_roles == ("titular", "suplente")
    assert DEFAULT_SETTINGS.block_policy == BLOCK_HATE_ONLY in BLOCK_POLICIES
    for pid in PROFILE_IDS:
        assert load_profile(pid).settings.block_policy in BLOCK_POLICIES


def test_each_editable_setting_is_a_field_of_its_type():
    hints = typing.get_type_hints(Settings)
    for spec in SETTINGS:
        hint = hints[spec.key]
        arms = set(typing.get_args(hint)) if isinstance(hint, types.UnionType) else {hint}
        if spec.optional:
            assert type(None) in arms, spec.key
        wanted = tuple[str, ...] if spec.kind is list else spec.kind
        assert wanted in arms, (spec.key, hint)


def test_settings_are_read_only_by_attribute_and_immutable():
    assert not hasattr(Profile, "setting")
    profile = load_profile("ine")
    with pytest.raises(AttributeError):
        profile.settings.min_length = 8  # type: ignore[misc]
    assert isinstance(profile.settings.email_domains, tuple)


def test_no_code_reads_a_setting_by_its_name_with_a_default_of_its_own():
    """The default lives in Settings alone: no ``.setting("key", default)`` left in the code."""
    pattern = re.compile(r"\.setting\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("policy", "store", "tui", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_an_unknown_setting_in_a_profile_file_is_refused(monkeypatch):
    raw = {"name": "Prueba", "settings": {**_stated("ine"), "min_lenght": 14}}
    monkeypatch.setattr(policy.profile, "_raw_profile", lambda profile_id: raw)
    with pytest.raises(PolicyError, match="ajustes desconocidos: min_lenght"):
        load_profile("ine")


def test_an_override_changes_the_settings_not_the_profile_defaults():
    profile = load_profile("ieesonora", {"min_length": 16, "handle_token": None})
    assert (profile.settings.min_length, profile.defaults.min_length) == (16, 12)
    assert (profile.settings.handle_token, profile.defaults.handle_token) == (None, "ieesonora")
    assert profile.settings._replace(min_length=12, handle_token="ieesonora") == profile.defaults
