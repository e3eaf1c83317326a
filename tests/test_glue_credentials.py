"""Credentials meet the workflows: closing deletes the secrets; «cuentas mostrar» shows their health."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from policy.clock import ZONE
from policy.errors import ResguardoError
from store.credentials import remove_closing_secrets, save_recovery_codes
from store.errors import ConflictError, NotFoundError, StoreError, UsageError
from store.secrets import SERVICE, KeyringLockedError, Secrets, SecretStoreError, encrypted_file_class
from tests.memory_keyring import MemoryKeyring
from tui.core.credentials import set_password

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
STRONG = "x7#Gq9!mVb2$Lpz"
CODES = "1111-2222\n3333-4444"


class FailingDelete(MemoryKeyring):
    """Deletes fine until the ``fail_at``-th deletion, which raises."""

    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.fail_at = fail_at
        self.deletions = 0

    def delete_password(self, service: str, username: str) -> None:
        self.deletions += 1
        if self.deletions >= self.fail_at:
            raise RuntimeError("backend exploded")
        super().delete_password(service, username)


@pytest.fixture(autouse=True)
def _plain_memory_keyring(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING", raising=False)
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING_FAIL", raising=False)


@dataclass
class Setup:
    store: object
    account: object
    closing_id: int


def closed_account(store, secrets: Secrets, *, codes: bool = True) -> Setup:  # type: ignore[no-untyped-def]
    account = store.accounts.add(network="x", handle="@INECerrada")
    set_password(store, secrets, account.id, STRONG)
    if codes:
        save_recovery_codes(store, secrets, account, "app", CODES)
    closing = store.closings.close(store.accounts.get(account.id), on=date(2026, 3, 10), done=["contenido"])
    return Setup(store, account, closing.id)


def snapshot(store) -> list[str]:  # type: ignore[no-untyped-def]
    return list(store.conn.iterdump())


def test_removes_password_and_codes_and_records_the_item(store) -> None:  # type: ignore[no-untyped-def]
    backend = MemoryKeyring()
    secrets = Secrets(backend, store.credentials.installation_id())
    setup = closed_account(store, secrets)
    account_id = setup.account.id  # type: ignore[attr-defined]
    before = store.bitacora.count()
    closing, removed = remove_closing_secrets(
        store, secrets, setup.closing_id, on=date(2026, 3, 11), items=["oficio"], reference="INE/CNCS/1/2026"
    )
    assert removed == ["la contraseña", "los códigos de recuperación"]
    assert secrets.get(secrets.password_key(account_id)) is None
    assert secrets.get(secrets.recovery_key(account_id)) is None
    assert secrets.get(secrets.fingerprint_key_name()) is not None  # the installation's key stays
    assert closing.done == {"contenido": date(2026, 3, 10), "oficio": date(2026, 3, 11), "llavero": date(2026, 3, 11)}
    assert store.credentials.second_factor(account_id).codes_in_keyring is False
    entries = [e for e in store.bitacora.iter_entries() if e.id > before]
    assert [e.kind for e in entries] == ["nota", "nota"]
    assert "contraseña y los códigos de recuperación" in entries[-1].text and entries[-1].account_id == account_id
    assert all(STRONG not in e.text and "1111-2222" not in e.text for e in store.bitacora.iter_entries())
    assert store.bitacora.verify().ok
    with pytest.raises(ConflictError, match="ya se registró"):
        remove_closing_secrets(store, secrets, setup.closing_id, on=date(2026, 3, 12))


def test_nothing_in_the_keyring_is_still_recorded(store) -> None:  # type: ignore[no-untyped-def]
    secrets = Secrets(MemoryKeyring(), store.credentials.installation_id())
    account = store.accounts.add(network="x", handle="@SinClave")
    closing = store.closings.close(account, on=date(2026, 3, 10))
    done, removed = remove_closing_secrets(store, secrets, closing.id, on=date(2026, 3, 10))
    assert removed == [] and "llavero" in done.done
    assert "nada que borrar" in store.bitacora.search(limit=1)[0].text


@pytest.mark.parametrize("fail_at", [1, 2])
def test_a_failed_deletion_records_nothing_and_puts_the_secrets_back(store, fail_at) -> None:  # type: ignore[no-untyped-def]
    backend = FailingDelete(fail_at=99)
    secrets = Secrets(backend, store.credentials.installation_id())
    setup = closed_account(store, secrets)
    keyring_before = dict(backend.entries)
    db_before = snapshot(store)
    backend.deletions = 0  # saving the secrets deleted their pending copies
    backend.fail_at = fail_at  # the first deletion, or the second one after the first succeeded
    with pytest.raises(SecretStoreError, match="borrar") as caught:
        remove_closing_secrets(store, secrets, setup.closing_id, on=date(2026, 3, 11), items=["oficio"])
    assert STRONG not in str(caught.value)
    assert backend.entries == keyring_before
    assert snapshot(store) == db_before
    assert "llavero" not in store.closings.get(setup.closing_id).done


def test_a_locked_keyring_changes_nothing(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    backend = MemoryKeyring()
    secrets = Secrets(backend, store.credentials.installation_id())
    setup = closed_account(store, secrets, codes=False)
    db_before = snapshot(store)
    backend.fail = "locked"
    with pytest.raises(KeyringLockedError):
        remove_closing_secrets(store, secrets, setup.closing_id, on=date(2026, 3, 11))
    assert snapshot(store) == db_before


def test_restoring_that_fails_too_is_reported(store) -> None:  # type: ignore[no-untyped-def]
    backend = FailingDelete(fail_at=99)
    secrets = Secrets(backend, store.credentials.installation_id())
    setup = closed_account(store, secrets)
    db_before = snapshot(store)
    backend.deletions = 0  # saving the secrets deleted their pending copies
    backend.fail_at = 2
    backend.fail = "set"  # the password was deleted; writing it back fails as well
    with pytest.raises(StoreError, match="tampoco devolverlos"):
        remove_closing_secrets(store, secrets, setup.closing_id, on=date(2026, 3, 11))
    assert snapshot(store) == db_before


@pytest.mark.parametrize(
    ("closing_id", "items", "on", "error"),
    [
        (99, [], date(2026, 3, 11), NotFoundError),
        (1, ["llavero"], date(2026, 3, 11), UsageError),  # never marked by hand
        (1, [], date(2026, 3, 1), UsageError),  # before the closing
        (1, [], date(2026, 3, 20), UsageError),  # in the future
    ],
)
def test_bad_input_deletes_nothing(store, closing_id, items, on, error) -> None:  # type: ignore[no-untyped-def]
    backend = MemoryKeyring()
    secrets = Secrets(backend, store.credentials.installation_id())
    closed_account(store, secrets)
    keyring_before = dict(backend.entries)
    db_before = snapshot(store)
    with pytest.raises(error):
        remove_closing_secrets(store, secrets, closing_id, on=on, items=items)
    assert backend.entries == keyring_before and snapshot(store) == db_before


def test_the_item_cannot_be_marked_by_hand(store) -> None:  # type: ignore[no-untyped-def]
    account = store.accounts.add(network="x", handle="@Mano")
    # The message names the step, not an option (the workbench shows it too); its field is the option's.
    with pytest.raises(UsageError, match="no se marca a mano: bórrela del llavero") as by_hand:
        store.closings.close(account, on=date(2026, 3, 10), done=["llavero"])
    assert getattr(by_hand.value, "field", None) == "borrar_llavero"
    closing = store.closings.close(account, on=date(2026, 3, 10))
    with pytest.raises(UsageError, match="no se marca a mano: bórrela del llavero"):
        store.closings.mark(closing.id, ["llavero"], on=date(2026, 3, 10))


def test_the_agenda_asks_for_the_keyring_item(store) -> None:  # type: ignore[no-untyped-def]
    from policy.engine import agenda
    from store.state import load_state

    account = store.accounts.add(network="x", handle="@Agenda")
    closing = store.closings.close(account, on=date(2026, 3, 10), done=["contenido"], reference="OF-1")
    [item] = [o for o in agenda(load_state(store, NOW), NOW) if str(o.kind) == "closing"]
    assert "contraseña borrada del llavero" in item.message
    remove_closing_secrets(
        store, Secrets(MemoryKeyring(), store.credentials.installation_id()), closing.id, on=date(2026, 3, 11)
    )
    assert not [o for o in agenda(load_state(store, NOW), NOW) if str(o.kind) == "closing"]


def test_encrypted_file_fallback(store, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(encrypted_file_class(), "kdf_cost", "ligero")
    path = tmp_path / "llavero.json"
    # No file yet: nothing can be stored in it, and removing creates none.
    missing = Secrets(encrypted_file_class()(path), store.credentials.installation_id())
    account = store.accounts.add(network="x", handle="@Cifrada")
    closing = store.closings.close(account, on=date(2026, 3, 10))
    _, removed = remove_closing_secrets(store, missing, closing.id, on=date(2026, 3, 10))
    assert removed == [] and not path.exists()
    # An existing file, unlocked with its passphrase.
    backend = encrypted_file_class()(path)
    backend.unlock("una frase maestra larga")
    secrets = Secrets(backend, store.credentials.installation_id())
    setup = closed_account(store, secrets, codes=False)
    reopened = encrypted_file_class()(path)
    reopened.unlock("una frase maestra larga")
    _, removed = remove_closing_secrets(
        store, Secrets(reopened, store.credentials.installation_id()), setup.closing_id, on=date(2026, 3, 11)
    )
    assert removed == ["la contraseña"]
    again = encrypted_file_class()(path)
    again.unlock("una frase maestra larga")
    assert again.get_password(SERVICE, secrets.password_key(setup.account.id)) is None  # type: ignore[attr-defined]


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """``resguardo`` in-process on a fresh database, with an in-memory keyring."""
    from tui.cli import main

    backend = MemoryKeyring()
    monkeypatch.setattr("store.secrets.resolve_backend", lambda db_path=None: backend)
    monkeypatch.setenv("RESGUARDO_DB", str(tmp_path / "resguardo.db"))
    monkeypatch.setenv("RESGUARDO_NOW", NOW.isoformat())
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("RESGUARDO_DEBUG", raising=False)

    def invoke(*args: str, stdin: str = "") -> tuple[int, str, str]:
        import io
        import sys

        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    invoke.backend = backend  # type: ignore[attr-defined]
    for args in (("iniciar", "--perfil", "ine"), ("cuentas", "agregar", "--red", "x", "--usuario", "@INECerrada")):
        assert invoke(*args)[0] == 0
    code, _, err = invoke("credencial", "fijar", "1", stdin=STRONG + "\n")
    assert code == 0, err
    return invoke


def test_bajas_completar_borrar_llavero(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("bajas", "registrar", "1", "--hecho", "contenido")
    assert code == 0, err
    assert "--borrar-llavero" in out
    code, out, _ = run("bajas", "mostrar", "1")
    assert "Falta:" in out and "contraseña borrada del llavero" in out
    assert any(k.endswith(":account-1") for k in run.backend.entries)
    code, out, err = run("bajas", "completar", "1", "--borrar-llavero", "--hecho", "oficio")
    assert code == 0, err
    assert "Se borró del llavero la contraseña." in out and "todos los pasos hechos" in out
    assert STRONG not in out + err
    assert not any(k.endswith(":account-1") for k in run.backend.entries)
    code, out, _ = run("bajas", "mostrar", "1", "--json")
    data = json.loads(out)
    assert data["done"]["llavero"] == "2026-03-12" and data["missing"] == []
    code, out, _ = run("bajas", "mostrar", "1")
    assert "contraseña borrada del llavero (12/03/2026)" in out
    code, _, err = run("bajas", "completar", "1", "--borrar-llavero")
    assert code == 1 and "ya se registró" in err


def test_bajas_completar_bad_input_and_keyring_failure(run) -> None:  # type: ignore[no-untyped-def]
    assert run("bajas", "registrar", "1")[0] == 0
    code, _, err = run("bajas", "completar", "1")
    assert code == 2 and "--borrar-llavero" in err
    code, _, err = run("bajas", "completar", "1", "--hecho", "llavero")
    assert code == 2
    code, _, err = run("bajas", "completar", "7", "--borrar-llavero")
    assert code == 1 and "No existe la baja" in err
    run.backend.fail = "locked"
    code, _, err = run("bajas", "completar", "1", "--borrar-llavero")
    assert code == 1 and "bloqueado" in err
    run.backend.fail = ""
    code, out, _ = run("bajas", "listar", "--json")
    assert json.loads(out)[0]["missing"] == ["contenido", "oficio", "llavero"]
    assert any(k.endswith(":account-1") for k in run.backend.entries)


def test_cuentas_mostrar_shows_credential_health_and_the_latest_entries(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(
        "credencial", "segundo-factor", "1", "--metodo", "app", "--resguardo-codigos", "sobre en la caja fuerte"
    )
    assert code == 0, err
    for number in range(1, 8):
        assert (
            run(
                "bitacora",
                "agregar",
                "1",
                "--tipo",
                "publicacion",
                "--texto",
                f"Publicación {number}",
                "--fecha-hora",
                f"2026-03-0{number}T10:00",
            )[0]
            == 0
        )
    assert run("bitacora", "agregar", "1", "--tipo", "nota", "--texto", "Texto " + "largo " * 80)[0] == 0
    code, out, err = run("cuentas", "mostrar", "1", "--json")
    assert code == 0, err
    assert STRONG not in out
    data = json.loads(out)
    credential = data["credential"]
    assert credential["set_at"] == "2026-03-12T10:00:00-06:00" and credential["score"] == 4
    assert credential["score_label"] == "muy fuerte" and credential["weak"] is False
    assert credential["second_factor"] == "app" and credential["recovery_location"] == "sobre en la caja fuerte"
    assert "never_set" not in credential["issues"] and "no_2fa" not in credential["issues"]
    entries = data["bitacora"]
    assert len(entries) == 5
    assert entries[0]["kind"] == "nota" and [e["text"] for e in entries[1:]] == [
        "Publicación 7",
        "Publicación 6",
        "Publicación 5",
        "Publicación 4",
    ]
    assert {"id", "account", "kind", "text", "occurred_at", "recorded_at", "author", "hash"} <= set(entries[0])
    code, out, _ = run("cuentas", "mostrar", "1")
    assert STRONG not in out
    assert "Credencial:" in out and "puntaje 4 de 4 (muy fuerte)" in out and "aplicación autenticadora" in out
    assert "Bitácora (últimas 5 entradas):" in out and "Publicación 7" in out and "Publicación 3" not in out
    assert "…" in out  # the long text is clipped


def test_cuentas_mostrar_without_password_nor_entries(run) -> None:  # type: ignore[no-untyped-def]
    assert run("cuentas", "agregar", "--red", "facebook", "--usuario", "INEVacia")[0] == 0
    code, out, err = run("cuentas", "mostrar", "facebook/INEVacia", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["credential"]["set_at"] is None and data["credential"]["score"] is None
    assert data["credential"]["second_factor"] is None
    assert data["bitacora"] == []
    code, out, _ = run("cuentas", "mostrar", "facebook/INEVacia")
    assert "no hay contraseña guardada" in out and "Segundo factor:    no registrado" in out
    assert "(ninguna entrada)" in out


def test_errors_are_resguardo_errors() -> None:
    assert issubclass(SecretStoreError, ResguardoError)
