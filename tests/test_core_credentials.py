"""The credentials use cases of the core (tui/core/credentials.py), and both faces agreeing on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy.credentials import GENERATED_REASON, PasswordRejectedError, reuse_refusal, rotation_reason
from policy.generator import DEFAULT_LENGTH, generate_for_profile
from policy.profile import load_profile
from policy.strength import judge_password
from store import open_store
from store.credentials import ABANDONED, AWAITING
from store.errors import ConflictError, NotFoundError
from store.secrets import Secrets
from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run
from tests.memory_keyring import MemoryKeyring
from tui.core import credentials as core
from tui.workspace import Workspace

STRONG = "x7#Gq9!mVb2$Lpz"
OTHER_STRONG = "Tq4%wZ8@cR1!nHy"
NEW = "Kd9!vXq2#pLm7Rz"


@pytest.fixture
def keyring_backend(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING", raising=False)
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING_FAIL", raising=False)
    backend = MemoryKeyring()
    monkeypatch.setattr("store.secrets.resolve_backend", lambda db_path=None: backend)
    return backend


@pytest.fixture
def secrets(store, keyring_backend: MemoryKeyring) -> Secrets:  # type: ignore[no-untyped-def]
    return core.open_keyring(store)


@pytest.fixture
def account_id(store) -> int:  # type: ignore[no-untyped-def]
    return int(store.accounts.add(network="x", handle="@INEMexico").id)


# -- policy: the verdict and the defaults, in one place -------------------------------------


def test_the_verdict_uses_the_profiles_minimums() -> None:
    profile = load_profile("ine", {"min_length": 16})
    report = judge_password(STRONG, profile)  # 15 characters
    assert report.min_length == 16 and "too_short" in report.reasons
    assert judge_password(STRONG + "a", profile).acceptable


def test_reuse_refusal_names_the_history_or_the_other_accounts() -> None:
    assert reuse_refusal("x/@A", "p1", ["p0", "p1"], 5, []) == "ya se usó en x/@A (no se repiten las últimas 5)"
    assert reuse_refusal("x/@A", "p1", ["p0", "p1"], 1, ["x/@B"]) == "es la misma que usa x/@B"
    assert reuse_refusal("x/@A", "p9", ["p0"], 5, []) is None


def test_a_generated_password_gets_its_reason_only_when_none_was_given() -> None:
    assert rotation_reason(None, generated=True) == GENERATED_REASON
    assert rotation_reason("Rotación periódica", generated=True) == "Rotación periódica"
    assert rotation_reason(None, generated=False) is None


def test_generation_defaults_never_fall_below_the_profiles_minimum() -> None:
    assert len(generate_for_profile(load_profile("ine"))) == DEFAULT_LENGTH
    assert len(generate_for_profile(load_profile("ine", {"min_length": 26}))) == 26
    assert len(generate_for_profile(load_profile("ine"), length=30)) == 30
    phrase = generate_for_profile(load_profile("ine"), phrase=True, words=5)
    assert sum(token.isalpha() for token in re.split(r"[-.#_=+]", phrase)) == 5


# -- the use cases ------------------------------------------------------------------------


def test_set_password_stores_records_and_says_the_reminder(make_store, keyring_backend: MemoryKeyring) -> None:
    store = make_store("iecm")
    account = store.accounts.add(network="x", handle="@IECM")
    secrets = core.open_keyring(store)
    result = core.set_password(store, secrets, "x/@IECM", STRONG, generated=True)
    assert result.account.id == account.id
    assert result.rotation.reason == GENERATED_REASON
    assert result.reminder is not None and "UTCSyD" in result.reminder
    assert core.read_password(store, secrets, account.id).password == STRONG
    (source,) = store.conn.execute(
        "SELECT source FROM credential_status WHERE account_id = ?", (account.id,)
    ).fetchone()
    assert source == "generar"
    with_oficio = core.set_password(store, secrets, account.id, OTHER_STRONG, reference="OF-1")
    assert with_oficio.reminder is None and with_oficio.rotation.reason is None


def test_set_password_refuses_weak_reused_and_closed(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PasswordRejectedError, match="no se guardó"):
        core.set_password(store, secrets, account_id, "INEMexico2026!")
    core.set_password(store, secrets, account_id, STRONG)
    other = store.accounts.add(network="facebook", handle="@Otra")
    with pytest.raises(PasswordRejectedError, match="es la misma que usa x/@INEMexico"):
        core.set_password(store, secrets, other.id, STRONG)
    store.execute("UPDATE accounts SET status = 'baja' WHERE id = ?", (other.id,))
    with pytest.raises(ConflictError, match="dada de baja"):
        core.set_password(store, secrets, other.id, OTHER_STRONG)


def test_evaluate_password_says_reuse_only_with_the_keyring(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    core.set_password(store, secrets, account_id, STRONG)
    without = core.evaluate_password(store, account_id, STRONG)
    assert without.report.acceptable and without.reuse is None
    found = core.evaluate_password(store, account_id, STRONG, secrets=secrets)
    assert found.reuse == "ya se usó en x/@INEMexico (no se repiten las últimas 5)"
    assert core.evaluate_password(store, None, "abc").report.reasons[0] == "too_short"


def test_an_interrupted_save_is_listed_settled_and_discarded(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    core.set_password(store, secrets, account_id, STRONG)
    account = store.accounts.get(account_id)
    store.credentials.begin_pending(account, "password", source="fijar")
    secrets.put(secrets.pending_name(secrets.password_key(account_id)), NEW)
    (listed,) = core.settle_interrupted_saves(store, None)
    assert (listed.outcome, listed.verified, listed.save.account_ref) == (AWAITING, False, "x/@INEMexico")
    (settled,) = core.settle_interrupted_saves(store, secrets, account_id)
    assert (settled.outcome, settled.verified) == (AWAITING, True)
    waiting = core.pending_secret(store, account_id)
    assert waiting is not None and waiting.label == "la contraseña"
    with pytest.raises(ConflictError, match="sin confirmar"):
        core.set_password(store, secrets, account_id, OTHER_STRONG)
    assert core.discard_pending(store, secrets, account_id).outcome == ABANDONED
    assert core.pending_secret(store, account_id) is None
    assert core.read_password(store, secrets, account_id).password == STRONG
    with pytest.raises(NotFoundError):
        core.confirm_pending(store, secrets, account_id)


def test_confirming_records_the_rotation_of_the_interrupted_save(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    account = store.accounts.get(account_id)
    store.credentials.begin_pending(account, "password", source="fijar", reason="Rotación periódica")
    secrets.put(secrets.pending_name(secrets.password_key(account_id)), NEW)
    confirmed = core.confirm_pending(store, secrets, account_id)
    assert confirmed.pending.reason == "Rotación periódica"
    assert [r.reason for r in store.rotations.for_account(account_id)] == ["Rotación periódica"]
    assert core.read_password(store, secrets, account_id).password == NEW
    assert core.settle_interrupted_saves(store, secrets) == []


def test_review_without_the_keyring_reads_what_was_recorded(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    review = core.review_passwords(store)
    assert not review.complete and review.now == NOW
    assert [(i.account.id, "never_set" in i.issues) for i in review.items] == [(account_id, True)]
    core.set_password(store, secrets, account_id, STRONG)
    full = core.review_passwords(store, secrets=secrets)
    assert full.complete and "never_set" not in full.items[0].issues


def test_recovery_codes_need_the_keyring_and_valid_text(store, secrets: Secrets, account_id: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="llavero abierto"):
        core.set_second_factor(store, account_id, "app", codes="1111 2222")
    state = core.set_second_factor(store, account_id, "app", codes="1111 2222\n3333 4444", secrets=secrets)
    assert state.codes_in_keyring
    assert secrets.get(secrets.recovery_key(account_id)) == "1111 2222\n3333 4444"


# -- both faces agree -----------------------------------------------------------------------


@pytest.fixture
def two_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keyring_backend: MemoryKeyring) -> Path:
    """A database with x/@Uno (id 1) and x/@Dos (id 2), made by the command line in this process."""
    db = tmp_path / "resguardo.db"
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_DB", str(db))
    assert run("iniciar", "--perfil", "ine").code == 0
    for handle in ("@Uno", "@Dos"):
        assert run("cuentas", "agregar", "--red", "x", "--usuario", handle).code == 0
    return db


def test_both_faces_generate_at_least_the_profiles_minimum_length(two_accounts: Path) -> None:
    """With a minimum above 20, ``credencial generar`` refused its own default (20) while the workbench
    generated the minimum: both now generate max(20, the minimum)."""
    with open_store(two_accounts) as store:
        store.settings.set_override("min_length", 24)
    done = run("credencial", "generar", "x/@Uno")
    assert done.code == 0, done.err
    assert len(done.out.strip()) == 24
    workspace = Workspace(two_accounts, lambda: NOW)
    made = workspace.run(core.generate_password, 2)
    assert len(made) == 24
    saved = workspace.run(core.set_password, workspace.open_secrets(), 2, made, generated=True)
    with open_store(two_accounts) as store:
        reasons = [store.rotations.for_account(i)[0].reason for i in (1, 2)]
    assert reasons == [GENERATED_REASON, GENERATED_REASON]
    assert saved.report.min_length == 24


def test_both_faces_refuse_a_password_of_another_account(two_accounts: Path) -> None:
    assert run("credencial", "fijar", "x/@Uno", stdin=STRONG + "\n").code == 0
    refused(run("credencial", "fijar", "x/@Dos", stdin=STRONG + "\n"), "es la misma que usa x/@Uno")
    workspace = Workspace(two_accounts, lambda: NOW)
    secrets = workspace.open_secrets()
    check = workspace.run(core.evaluate_password, 2, STRONG, secrets=secrets)
    assert check.reuse == "es la misma que usa x/@Uno"
    with pytest.raises(PasswordRejectedError, match="es la misma que usa x/@Uno"):
        workspace.run(core.set_password, secrets, 2, STRONG)
