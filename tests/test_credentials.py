"""Credentials: strength rule, Spanish feedback, generator, reuse, rotation atomicity, findings."""

from __future__ import annotations

import ast
import os
import stat
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from policy import strength
from policy.clock import ZONE
from policy.codes import AccountStatus, Kind
from policy.credentials import PasswordRejectedError, health_report
from policy.engine import agenda
from policy.errors import UsageError
from policy.generator import generate_passphrase, generate_password, passphrase_words
from policy.obligations import State
from policy.profile import load_profile
from policy.records import Account, CredentialState
from store.credentials import read_password, save_recovery_codes
from store.errors import StoreError
from store.secrets import (
    KeyringLockedError,
    Secrets,
    SecretStoreError,
    WrongPassphraseError,
    encrypted_file_class,
    resolve_backend,
)
from store.state import load_state
from tests.conftest import NOW
from tests.memory_keyring import MemoryKeyring
from tui.core.credentials import set_password

STRONG = "x7#Gq9!mVb2$Lpz"
OTHER_STRONG = "Tq4%wZ8@cR1!nHy"


@pytest.fixture
def keyring_backend(monkeypatch) -> MemoryKeyring:
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING", raising=False)
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING_FAIL", raising=False)
    return MemoryKeyring()


@pytest.fixture
def secrets(store, keyring_backend) -> Secrets:
    return Secrets(keyring_backend, store.credentials.installation_id())


@pytest.fixture
def account(store):
    return store.accounts.add(network="x", handle="@INEMexico")


def dump(store) -> list[str]:
    return list(store.conn.iterdump())


# -- the composition rule and the score ----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("abc", {"too_short", "no_digit", "no_special"}),
        ("abcdefghijkl", {"no_digit", "no_special"}),
        ("abcdefghijk1", {"no_special"}),
        ("12345678901!", {"no_letter"}),
        ("abcdefghij1!", set()),
        ("ñandúñandú1 ", set()),  # accented letters are letters, a space is special
    ],
)
def test_composition_rule(password, expected):
    assert set(strength.composition_problems(password, 12)) == expected


def test_profile_minimum_length_applies():
    report = strength.check_password("Zq8#mWv2!kLp", min_length=14)
    assert "too_short" in report.reasons
    assert not report.acceptable


def test_handle_inside_password_is_weak_whatever_its_score():
    report = strength.check_password("INEMexico2026!", handle="@INEMexico")
    assert report.weak
    assert "contains_handle" in report.reasons
    # the same structure without the handle and with random letters is fine
    assert strength.check_password("Zq8#mWv2!kLpRt", handle="@INEMexico").acceptable


def test_handle_check_ignores_case_and_accents():
    assert strength.contains_handle("xxiecm_dd01!!", "@IECM_DD01")
    assert strength.contains_handle("MiCuentaLÓPEZ1!", "@lopez")
    assert not strength.contains_handle("nada que ver 1!", "@INEMexico")


def test_spanish_electoral_vocabulary_is_weak():
    report = strength.check_password("Democracia2026!")
    assert report.weak and report.score < 3
    assert report.warning == strength.SPANISH_WORD_WARNING
    for word in ("Ciudadania2024#", "Elecciones2025$", "Contrasena123!"):
        assert strength.check_password(word).weak, word


def test_random_password_is_strong():
    report = strength.check_password(STRONG, handle="@INEMexico")
    assert report.acceptable and report.score >= 3
    assert report.messages == ()


def test_user_inputs_put_the_bare_handle_first():
    inputs = strength.build_user_inputs(
        "@IECM_DD01", "facebook", ["Instituto Electoral de la Ciudad de México"], ["Ana López Ruiz"]
    )
    assert inputs[0] == "iecm_dd01"
    order = [inputs.index(v) for v in ("iecm_dd01", "facebook", "instituto", "ana lópez ruiz")]
    assert order == sorted(order)
    assert "lopez" in inputs and "lópez" in inputs


def test_administrator_name_lowers_the_score():
    plain = strength.check_password("Hernandez#Quiroga7", user_inputs=[])
    personal = strength.check_password("Hernandez#Quiroga7", user_inputs=["ana", "hernandez quiroga", "quiroga"])
    assert personal.score <= plain.score


def _zxcvbn_messages() -> set[str]:
    import zxcvbn.feedback

    tree = ast.parse(Path(zxcvbn.feedback.__file__).read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            (arg,) = node.args
            assert isinstance(arg, ast.Constant | ast.BinOp)
            found.add(ast.literal_eval(arg) if isinstance(arg, ast.Constant) else _join(arg))
    return found


def _join(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return node.value
    assert isinstance(node, ast.BinOp)
    return _join(node.left) + _join(node.right)


def test_every_zxcvbn_message_has_a_spanish_translation():
    messages = _zxcvbn_messages()
    assert len(messages) >= 25  # zxcvbn 4.5 emits 27
    missing = messages - set(strength.FEEDBACK_ES)
    assert not missing, missing
    for english in messages:
        spanish = strength.translate_feedback(english)
        assert spanish and spanish != english
        assert not any(word in spanish.lower() for word in ("guess", "avoid", " the ", "word", "easy", "use a"))


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "qwertyuiop",
        "123456",
        "password",
        "Jennifer",
        "1987-05-12",
        "P@ssw0rd",
        "drowssap",
        "PASSWORD1",
        "2019",
        "zxcvbnm,./",
        "smith",
    ],
)
def test_feedback_for_weak_inputs_is_spanish(password):
    report = strength.check_password(password)
    for text in (report.warning, *report.suggestions):
        if text:
            assert text in strength.FEEDBACK_ES.values() or text in (
                strength.SPANISH_WORD_WARNING,
                strength.USER_INPUT_WARNING,
            )


def test_crack_time_in_spanish():
    assert strength.display_time_es(0.5) == "menos de un segundo"
    assert strength.display_time_es(1) == "1 segundo"
    assert strength.display_time_es(120) == "2 minutos"
    assert strength.display_time_es(3600 * 24 * 3) == "3 días"
    assert strength.display_time_es(3600 * 24 * 31 * 12 * 200) == "siglos"


@pytest.mark.parametrize("length", [72, 73, 500, 10_000])
def test_long_inputs_are_analysed_on_a_bounded_prefix(length):
    password = ("Ab1!" * (length // 4 + 1))[:length]
    started = time.perf_counter()
    report = strength.check_password(password)
    assert time.perf_counter() - started < 2
    assert report.analysed_length == min(length, strength.ANALYSED_PREFIX)
    assert report.length == length


@pytest.mark.parametrize(
    ("secret", "fragment"),
    [("", "vacía"), ("abc\x00def", "control"), ("abc\ndef", "control"), ("a" * 1025, "1025")],
    ids=["empty", "nul", "newline", "too-long"],
)
def test_inputs_that_cannot_be_passwords(secret, fragment):
    with pytest.raises(UsageError) as info:
        strength.check_input(secret)
    assert fragment in info.value.message
    assert secret[:3] not in info.value.message or not secret


# -- generator ------------------------------------------------------------------------


def test_generated_passwords_pass_the_rule_and_the_threshold():
    for _ in range(100):
        password = generate_password(20, handle="@INEMexico")
        assert len(password) == 20
        report = strength.check_password(password, handle="@INEMexico")
        assert report.acceptable and report.score >= 3, password


def test_generated_passphrases_pass_the_rule():
    assert len(passphrase_words()) > 300
    for _ in range(30):
        phrase = generate_passphrase(6)
        assert strength.check_password(phrase).acceptable, phrase
        assert (
            phrase.count("-")
            + phrase.count(".")
            + phrase.count("#")
            + phrase.count("_")
            + phrase.count("=")
            + phrase.count("+")
            >= 6
        )


@pytest.mark.parametrize("length", [5, 11, 129])
def test_generator_refuses_lengths_out_of_range(length):
    with pytest.raises(UsageError):
        generate_password(length)


# -- setting a password: keyring, store, reuse, atomicity ---------------------------------------


def test_set_password_stores_in_keyring_and_records_the_rotation(store, secrets, account, keyring_backend):
    result = set_password(store, secrets, account.id, STRONG, reason="Rotación periódica", reference="OF-1")
    assert read_password(store, secrets, account) == STRONG
    assert keyring_backend.entries[f"resguardo\x00{secrets.password_key(account.id)}"] == STRONG
    rotations = store.rotations.for_account(account.id)
    assert [r.reference for r in rotations] == ["OF-1"]
    assert result.rotation.reason == "Rotación periódica"
    status = store.credentials.status(account.id)
    assert status is not None and status.score >= 3 and not status.weak
    assert status.fingerprint != STRONG and len(status.fingerprint) == 64
    assert all(STRONG not in line for line in dump(store))


def test_keyring_entries_use_the_installation_and_account_id_not_the_handle(store, secrets, account):
    assert secrets.password_key(account.id).endswith(f":account-{account.id}")
    assert "INEMexico" not in secrets.password_key(account.id)
    assert secrets.installation_id == store.credentials.installation_id()


def test_weak_password_is_refused_and_nothing_changes(store, secrets, account, keyring_backend):
    before = dump(store)
    with pytest.raises(PasswordRejectedError) as info:
        set_password(store, secrets, account.id, "INEMexico2026!")
    assert "nombre de usuario" in info.value.message
    assert "INEMexico2026!" not in info.value.message
    assert dump(store) == before
    assert keyring_backend.entries == {}


@pytest.mark.parametrize("bad", ["", "abc\x00defgh1!", "a" * 2000], ids=["empty", "nul", "too-long"])
def test_bad_input_leaves_everything_as_before(store, secrets, account, keyring_backend, bad):
    before = dump(store)
    with pytest.raises(UsageError):
        set_password(store, secrets, account.id, bad)
    assert dump(store) == before
    assert keyring_backend.entries == {}


def test_reuse_on_the_same_account_is_refused_for_the_last_n(store, secrets, account):
    store.settings.set_override("password_history", 2)
    set_password(store, secrets, account.id, STRONG)
    set_password(store, secrets, account.id, OTHER_STRONG)
    with pytest.raises(PasswordRejectedError, match="ya se usó"):
        set_password(store, secrets, account.id, STRONG)
    set_password(store, secrets, account.id, "Kd9!vXq2#pLm7Rz")
    # STRONG is now the third most recent: outside a history of 2
    set_password(store, secrets, account.id, STRONG)
    assert read_password(store, secrets, account) == STRONG


def test_password_of_another_account_is_refused(store, secrets, account):
    other = store.accounts.add(network="facebook", handle="INEMexico")
    set_password(store, secrets, account.id, STRONG)
    before = dump(store)
    with pytest.raises(PasswordRejectedError, match="x/@INEMexico"):
        set_password(store, secrets, other.id, STRONG)
    assert dump(store) == before


def test_fingerprints_are_keyed_not_plain_hashes(store, secrets, account):
    import hashlib

    set_password(store, secrets, account.id, STRONG)
    stored = store.credentials.status(account.id).fingerprint
    for algo in ("sha256", "sha1", "md5", "sha512"):
        assert hashlib.new(algo, STRONG.encode()).hexdigest() != stored
    assert secrets.fingerprint_key() is not None


def test_keyring_write_failure_records_no_rotation(store, account, keyring_backend, monkeypatch):
    secrets = Secrets(keyring_backend, store.credentials.installation_id())
    set_password(store, secrets, account.id, STRONG)
    before = dump(store)
    keyring_backend.fail = "set"
    with pytest.raises(SecretStoreError) as info:
        set_password(store, secrets, account.id, OTHER_STRONG)
    assert "PasswordSetError" in info.value.message and OTHER_STRONG not in info.value.message
    assert dump(store) == before
    keyring_backend.fail = ""
    assert read_password(store, secrets, account) == STRONG


def test_first_password_with_failing_keyring_leaves_keyring_empty(
    store, secrets, account, keyring_backend, monkeypatch
):
    keyring_backend.fail = "set-after"  # the fingerprint key is written, the password is not
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING_FAIL_AT", "2")
    with pytest.raises(SecretStoreError):
        set_password(store, secrets, account.id, STRONG)
    # The fingerprint key, created once and for good, stays; no password, pending or not.
    assert list(keyring_backend.entries) == [f"resguardo\x00{secrets.fingerprint_key_name()}"]
    assert store.rotations.for_account(account.id) == []
    assert store.credentials.pending() == []


def test_database_failure_after_keyring_write_restores_previous_value(store, secrets, account, monkeypatch):
    set_password(store, secrets, account.id, STRONG)
    before = dump(store)
    original = store.execute

    def failing_commit(sql, params=()):
        if sql == "COMMIT":
            raise StoreError("disco lleno")
        return original(sql, params)

    monkeypatch.setattr(store, "execute", failing_commit)
    with pytest.raises(StoreError, match="disco lleno"):
        set_password(store, secrets, account.id, OTHER_STRONG)
    monkeypatch.undo()
    assert read_password(store, secrets, account) == STRONG
    assert dump(store) == before


def test_locked_keyring_is_a_clear_error(store, account, keyring_backend):
    keyring_backend.fail = "locked"
    secrets = Secrets(keyring_backend, store.credentials.installation_id())
    before = dump(store)
    with pytest.raises(KeyringLockedError, match="bloqueado"):
        set_password(store, secrets, account.id, STRONG)
    assert dump(store) == before


def test_closed_account_is_refused(store, secrets, account):
    store.accounts.update(account.id, status=AccountStatus.CLOSED)
    with pytest.raises(StoreError, match="baja"):
        set_password(store, secrets, account.id, STRONG)


def test_recovery_codes_live_only_in_the_keyring(store, secrets, account, keyring_backend):
    codes = "1111-2222\n3333-4444"
    state = save_recovery_codes(store, secrets, account, "app", codes, recovery_location="caja fuerte")
    assert state.codes_in_keyring and state.recovery_location == "caja fuerte"
    assert keyring_backend.entries[f"resguardo\x00{secrets.recovery_key(account.id)}"] == codes
    assert all("1111-2222" not in line for line in dump(store))


# -- backends ---------------------------------------------------------------------------


@pytest.fixture
def encrypted(tmp_path, monkeypatch):
    monkeypatch.setattr(encrypted_file_class(), "kdf_cost", "ligero")
    return encrypted_file_class()(tmp_path / "llavero.json")


def test_encrypted_file_round_trip(encrypted, tmp_path):
    encrypted.unlock("una frase maestra larga")
    encrypted.set_password("resguardo", "i:account-1", STRONG)
    path = tmp_path / "llavero.json"
    raw = path.read_bytes()
    assert STRONG.encode() not in raw and b"argon2id" in raw
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # No temporary left behind; the lock file beside it is empty and stays.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["llavero.json", "llavero.json.lock"]
    assert (tmp_path / "llavero.json.lock").read_bytes() == b""
    again = encrypted_file_class()(path)
    with pytest.raises(WrongPassphraseError):
        again.unlock("otra frase maestra larga")
    again.unlock("una frase maestra larga")
    assert again.get_password("resguardo", "i:account-1") == STRONG


def test_encrypted_file_is_locked_until_unlocked(encrypted, store):
    secrets = Secrets(encrypted, store.credentials.installation_id())
    assert secrets.needs_passphrase()
    with pytest.raises(KeyringLockedError):
        secrets.get("x")
    status = secrets.status()
    assert status.encrypted_file and status.unlocked is False and status.exists is False


def test_encrypted_file_detects_tampering(encrypted, tmp_path):
    import json

    encrypted.unlock("una frase maestra larga")
    encrypted.set_password("resguardo", "a", STRONG)
    encrypted.set_password("resguardo", "b", OTHER_STRONG)
    data = json.loads((tmp_path / "llavero.json").read_text())
    data["entries"][0]["username"], data["entries"][1]["username"] = "b", "a"  # swap the sealed values
    (tmp_path / "llavero.json").write_text(json.dumps(data))
    reopened = encrypted_file_class()(tmp_path / "llavero.json")
    reopened.unlock("una frase maestra larga")
    with pytest.raises(SecretStoreError, match="alterada"):
        reopened.get_password("resguardo", "a")


def test_new_encrypted_file_needs_a_long_passphrase(encrypted):
    with pytest.raises(SecretStoreError, match="12"):
        encrypted.unlock("corta")


def test_plaintext_backends_are_refused(monkeypatch):
    import keyring

    class PlaintextKeyring(MemoryKeyring):
        pass

    monkeypatch.setattr(keyring, "get_keyring", lambda: PlaintextKeyring())
    with pytest.raises(SecretStoreError, match="sin cifrar"):
        resolve_backend(None)


def test_no_os_keyring_falls_back_to_the_encrypted_file(monkeypatch, tmp_path):
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv("RESGUARDO_LLAVERO", raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    backend = resolve_backend(str(tmp_path / "r.db"))
    assert type(backend).__name__ == "EncryptedFileKeyring"
    assert backend.path == tmp_path / "llavero-resguardo.json"


def test_null_backend_refuses_to_store(store, account):
    from keyring.backends.null import Keyring as NullKeyring

    secrets = Secrets(NullKeyring(), store.credentials.installation_id())
    with pytest.raises(SecretStoreError, match="no guarda nada"):
        set_password(store, secrets, account.id, STRONG)
    assert store.rotations.for_account(account.id) == []


# -- findings: agenda and health report ------------------------------------------------------


def _state(profile="ine", credentials=None, accounts=None, **extra) -> State:
    store_profile = load_profile(profile)
    return State(
        profile=store_profile,
        calendar=None,  # type: ignore[arg-type]  # the credential checks never use it
        accounts=accounts or [],
        credentials=credentials,
        **extra,
    )


def _acc(account_id: int, handle: str, status=AccountStatus.ACTIVE, created=NOW - timedelta(days=100)) -> Account:
    return Account(id=account_id, network="x", handle=handle, status=status, created_at=created)


def test_agenda_kinds_for_weak_reused_and_missing_passwords():
    from policy import credentials as checks

    accounts = [_acc(1, "@a"), _acc(2, "@b"), _acc(3, "@c"), _acc(4, "@d"), _acc(5, "@e", AccountStatus.CLOSED)]
    creds = {
        1: CredentialState(1, NOW - timedelta(days=3), score=2, weak=True, reasons=("low_score",), fingerprint="f1"),
        2: CredentialState(2, NOW - timedelta(days=3), score=4, fingerprint="same"),
        3: CredentialState(3, NOW - timedelta(days=2), score=4, fingerprint="same"),
    }
    state = _state(credentials=creds, accounts=accounts)
    found = [
        (o.kind, o.account.id)
        for fn in (checks.weak_password, checks.reused_password, checks.no_password)
        for o in fn(state, NOW)
    ]
    assert (Kind.WEAK_PASSWORD, 1) in found
    assert (Kind.REUSED_PASSWORD, 2) in found and (Kind.REUSED_PASSWORD, 3) in found
    assert (Kind.NO_PASSWORD, 4) in found
    assert all(account_id != 5 for _, account_id in found)  # closed accounts are left alone
    assert len(found) == 4


def test_no_password_gives_a_new_office_a_grace_period():
    from policy import credentials as checks

    fresh = _acc(1, "@nueva", created=NOW - timedelta(days=2))
    state = _state(credentials={}, accounts=[fresh])
    (item,) = list(checks.no_password(state, NOW))
    assert item.due.date() == (NOW - timedelta(days=2)).date() + timedelta(days=30)
    assert not item.standing
    # the item names the account and no command: in the workbench it opens the password dialog (k)
    assert item.message.startswith("La contraseña de x/@nueva no está en el llavero")
    assert "resguardo" not in item.message.split(":")[0] and "credencial fijar" not in item.message


def test_credential_checks_are_silent_when_not_loaded():
    from policy import credentials as checks

    state = _state(credentials=None, accounts=[_acc(1, "@a")])
    assert list(checks.no_password(state, NOW)) == []


def test_pendientes_shows_credential_kinds(store, secrets, account):
    other = store.accounts.add(network="facebook", handle="INEMexicoFB")
    set_password(store, secrets, account.id, STRONG)
    later = NOW + timedelta(days=40)
    kinds = {(o.kind, o.account.id) for o in agenda(load_state(store, later), later) if o.account}
    assert (Kind.NO_PASSWORD, other.id) in kinds
    assert (Kind.NO_PASSWORD, account.id) not in kinds


def test_health_report_issues(store, secrets, account):
    ana = store.people.add(name="Ana López Ruiz", rank="mando_medio")
    set_password(store, secrets, account.id, STRONG)
    store.credentials.set_second_factor(account, "ninguno")
    missing = store.accounts.add(network="facebook", handle="INEMexicoFB")
    later = NOW + timedelta(days=70)
    store.assignments.assign(account, ana, "titular", date(2026, 4, 1))
    items = {item.account.id: item for item in health_report(load_state(store, later), later)}
    assert set(items[account.id].issues) == {"rotation_overdue", "admin_changed", "no_2fa"}
    assert "Ana López Ruiz" in items[account.id].message
    assert set(items[missing.id].issues) == {"never_set", "rotation_overdue", "no_2fa"}


def test_health_report_flags_weak_when_threshold_rises(store, secrets, account):
    set_password(store, secrets, account.id, "Kd9!vXq2#pLm")  # 12 characters, score 4 today
    store.settings.set_override("min_zxcvbn_score", 4)
    state = load_state(store, NOW)
    creds = dict(state.credentials)
    creds[account.id] = CredentialState(account.id, NOW, score=3, fingerprint="x")
    state.credentials = creds
    (item,) = [i for i in health_report(state, NOW) if i.account.id == account.id]
    assert "weak" in item.issues


def test_full_recheck_finds_changes_made_outside(store, secrets, account, keyring_backend):
    from tui.core.credentials import recheck_all

    other = store.accounts.add(network="facebook", handle="INEMexicoFB")
    set_password(store, secrets, account.id, STRONG)
    set_password(store, secrets, other.id, OTHER_STRONG)
    keyring_backend.set_password("resguardo", secrets.password_key(other.id), STRONG)  # behind our back
    found = recheck_all(store, secrets, store.settings.profile())
    assert "changed_outside" in found[other.id] and "reused" in found[other.id]
    assert "reused" in found[account.id]
    keyring_backend.delete_password("resguardo", secrets.password_key(account.id))
    assert recheck_all(store, secrets, store.settings.profile())[account.id] == ["missing_secret"]


def test_migration_gives_each_database_its_own_installation_id(make_store):
    first, second = make_store(), make_store()
    assert first.credentials.installation_id() != second.credentials.installation_id()
    assert len(first.credentials.installation_id()) == 16


def test_datetime_of_credential_status_is_utc_text(store, secrets, account):
    set_password(store, secrets, account.id, STRONG)
    row = store.query_one("SELECT set_at FROM credential_status")
    assert row["set_at"].endswith("+00:00")
    assert datetime.fromisoformat(row["set_at"]).astimezone(ZONE) == NOW


# -- reading secrets on the command line ------------------------------------------------------


def test_two_different_entries_on_a_terminal_are_refused(monkeypatch):
    import argparse

    from tui.cli import credentials as cli

    answers = iter([STRONG, OTHER_STRONG])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(cli.SecretInput, "interactive", staticmethod(lambda: True))
    with pytest.raises(UsageError, match="no coinciden"):
        cli.SecretInput(argparse.Namespace(frase_desde_stdin=False)).secret()


@pytest.mark.parametrize(
    ("first", "second", "error", "message"),
    [
        ("", "", "SecretStoreError", "Escriba una frase maestra nueva"),
        ("corta", "corta", "SecretStoreError", "al menos 12 caracteres"),
        ("una frase maestra larga", "una frase maestra larga.", "UsageError", "no coinciden; no se creó nada"),
    ],
)
def test_a_new_master_passphrase_on_a_terminal_is_asked_twice_and_checked(monkeypatch, first, second, error, message):
    import argparse

    from store import secrets as secrets_module
    from tui.cli import credentials as cli

    answers = iter([first, second])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(cli.SecretInput, "interactive", staticmethod(lambda: True))
    expected = UsageError if error == "UsageError" else secrets_module.SecretStoreError
    with pytest.raises(expected, match=message):
        cli.SecretInput(argparse.Namespace(frase_desde_stdin=False)).passphrase(True)


def test_a_new_master_passphrase_typed_the_same_twice_is_accepted(monkeypatch):
    import argparse

    from tui.cli import credentials as cli

    answers = iter(["una frase maestra larga"] * 2)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(cli.SecretInput, "interactive", staticmethod(lambda: True))
    assert cli.SecretInput(argparse.Namespace(frase_desde_stdin=False)).passphrase(True) == "una frase maestra larga"


def test_passphrase_and_secret_from_stdin(monkeypatch):
    import argparse
    import io

    from tui.cli import credentials as cli

    class FakeStdin(io.StringIO):
        @property
        def buffer(self):
            return io.BytesIO(self.getvalue().encode())

    monkeypatch.setattr(cli.sys, "stdin", FakeStdin(f"la frase maestra\r\n{STRONG}\n"))
    source = cli.SecretInput(argparse.Namespace(frase_desde_stdin=True))
    assert source.passphrase(False) == "la frase maestra"
    assert source.secret() == STRONG


def test_importing_the_layers_pays_for_no_keyring_zxcvbn_or_cryptography():
    import subprocess
    import sys

    code = (
        "import sys, store.secrets, store.credentials, policy.strength, policy.credentials, tui.cli.credentials;"
        "print(sorted(m for m in ('keyring', 'zxcvbn', 'cryptography', 'textual') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    ).stdout
    assert out.strip() == "[]"
