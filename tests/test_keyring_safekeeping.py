"""The encrypted-file keyring never loses a password: concurrent saves, an open workbench,
a kill at every write, a full disk, a damaged file.

The subprocess tests run the real command (``resguardo credencial …``) with the
encrypted-file keyring at its cheap test cost and the master passphrase on the
first line of standard input, and then open the same file in-process to see
what it holds.
"""

from __future__ import annotations

import json
import os
import secrets as random_source
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import faults
from store.credentials import (
    ABANDONED,
    AWAITING,
    COMPLETED,
    confirm_pending,
    discard_pending,
    read_password,
    settle_all,
)
from store.db import open_store
from store.errors import ConflictError, NotFoundError
from store.secrets import (
    SERVICE,
    KeyringLockedError,
    Secrets,
    SecretStoreError,
    encrypted_file_class,
    fingerprint,
)
from tests.conftest import NOW
from tests.memory_keyring import MemoryKeyring
from tui.core.credentials import set_password

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "frase maestra de prueba"
OLD = "x7#Gq9!mVb2$Lpz"
NEW = "Tq4%wZ8@cR1!nHy"
ACCOUNTS = 8


def strong() -> str:
    """A fresh strong password (never reused across the test's saves)."""
    return f"Rs{random_source.token_urlsafe(12)}!7q"


class Cli:
    """Runs ``resguardo`` as a subprocess on one database and one encrypted keyring file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "resguardo.db"
        self.keyring_file = folder / "llavero-resguardo.json"
        self.env = {
            **os.environ,
            "RESGUARDO_DB": str(self.db),
            "RESGUARDO_NOW": NOW.isoformat(),
            "RESGUARDO_LOCK_TIMEOUT": "30",
            "PYTHON_KEYRING_BACKEND": "store.secrets.EncryptedFileKeyring",
            "RESGUARDO_LLAVERO_COSTO": "ligero",
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "COLUMNS": "120",
        }
        for name in (
            "RESGUARDO_DEBUG",
            "RESGUARDO_LLAVERO",
            faults.ENV,
            faults.ENV_TRACE,
            "RESGUARDO_TEST_KEYRING",
            "RESGUARDO_TEST_KEYRING_FAIL",
        ):
            self.env.pop(name, None)
        self.script = str(Path(sys.executable).with_name("resguardo"))

    def command(self, *args: str) -> list[str]:
        keyring = args[0] in ("credencial", "llavero")
        return [self.script, *args, *(["--frase-desde-stdin"] if keyring else [])]

    def start(self, *args: str, secret: str = "", env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            self.command(*args),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            start_new_session=True,
        )
        assert proc.stdin is not None
        proc.stdin.write(f"{PASSPHRASE}\n{secret}\n" if secret else f"{PASSPHRASE}\n")
        proc.stdin.close()
        return proc

    def run(self, *args: str, secret: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
        return finish(self.start(*args, secret=secret, env=env))

    def keyring(self) -> Secrets:
        backend = encrypted_file_class()(self.keyring_file)
        backend.unlock(PASSPHRASE)
        with open_store(self.db) as store:
            return Secrets(backend, store.credentials.installation_id())


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Wait for a started command; its exit status and outputs (they are short: no pipe fills up)."""
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=120)
    proc.stdout.close()
    proc.stderr.close()
    return proc.returncode, out, err


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with eight accounts and a keyring holding account 1's password OLD."""
    folder = tmp_path_factory.mktemp("llavero")
    cli = Cli(folder)
    assert cli.run("iniciar", "--perfil", "ine")[0] == 0
    with open_store(cli.db, clock=lambda: NOW) as store:
        for number in range(1, ACCOUNTS + 1):
            store.accounts.add(network="x", handle=f"@Cuenta{number}")
    code, _, err = cli.run("credencial", "fijar", "1", secret=OLD)
    assert code == 0, err
    return folder


@pytest.fixture
def cli(template: Path, tmp_path: Path) -> Cli:
    for file in template.iterdir():
        if file.is_file():
            shutil.copyfile(file, tmp_path / file.name)
    return Cli(tmp_path)


def rotations(cli: Cli, account_id: int) -> int:
    with open_store(cli.db) as store:
        return len(store.rotations.for_account(account_id))


# -- concurrent saves --------------------------------------------------------------------


@pytest.mark.parametrize("writers", [2, 4, 8])
def test_concurrent_saves_on_different_accounts_lose_nothing(cli, writers):
    rounds = 2
    for _ in range(rounds):
        chosen = {number: strong() for number in range(1, writers + 1)}
        procs = {n: cli.start("credencial", "fijar", str(n), secret=value) for n, value in chosen.items()}
        for number, proc in procs.items():
            code, out, err = finish(proc)
            assert code == 0, (number, err)
            assert "guardada en el llavero" in out
        secrets = cli.keyring()
        with open_store(cli.db) as store:
            for number, value in chosen.items():
                assert secrets.get(secrets.password_key(number)) == value, number
                assert secrets.get(secrets.pending_name(secrets.password_key(number))) is None
            assert store.credentials.pending() == []
    for number in range(2, writers + 1):
        assert rotations(cli, number) == rounds
    assert rotations(cli, 1) == rounds + 1  # OLD, set by the template


def test_an_open_workbench_does_not_revert_a_password_set_meanwhile(cli):
    """The workbench unlocks once and keeps the keyring; the command line saves in between."""
    workbench = cli.keyring()
    assert workbench.get(workbench.password_key(1)) == OLD
    code, _, err = cli.run("credencial", "fijar", "1", secret=NEW)  # the command line, meanwhile
    assert code == 0, err
    other = strong()
    with open_store(cli.db, clock=lambda: NOW) as store:
        account = store.accounts.get(2)
        set_password(store, workbench, account.id, other)  # the workbench's next save
        assert read_password(store, workbench, store.accounts.get(1)) == NEW  # it reads the file as it is now
    fresh = cli.keyring()
    assert fresh.get(fresh.password_key(1)) == NEW
    assert fresh.get(fresh.password_key(2)) == other


def test_two_keyring_objects_merge_instead_of_overwriting(tmp_path):
    path = tmp_path / "llavero.json"
    first = encrypted_file_class()(path)
    first.kdf_cost = "ligero"
    first.unlock(PASSPHRASE)
    first.set_password(SERVICE, "a", "uno")
    second = encrypted_file_class()(path)
    second.unlock(PASSPHRASE)
    second.set_password(SERVICE, "b", "dos")
    first.set_password(SERVICE, "c", "tres")
    first.delete_password(SERVICE, "a")
    third = encrypted_file_class()(path)
    third.unlock(PASSPHRASE)
    assert [third.get_password(SERVICE, n) for n in "abc"] == [None, "dos", "tres"]


def test_a_file_rekeyed_elsewhere_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "llavero.json"
    holder = encrypted_file_class()(path)
    holder.kdf_cost = "ligero"
    holder.unlock(PASSPHRASE)
    holder.set_password(SERVICE, "a", "uno")
    path.unlink()  # someone else re-creates it with another passphrase
    other = encrypted_file_class()(path)
    other.kdf_cost = "ligero"
    other.unlock("otra frase maestra distinta")
    other.set_password(SERVICE, "b", "dos")
    before = path.read_bytes()
    with pytest.raises(KeyringLockedError, match="cambió en otra ventana"):
        holder.set_password(SERVICE, "c", "tres")
    assert path.read_bytes() == before


def test_a_vanished_file_is_not_recreated_empty(tmp_path):
    path = tmp_path / "llavero.json"
    holder = encrypted_file_class()(path)
    holder.kdf_cost = "ligero"
    holder.unlock(PASSPHRASE)
    holder.set_password(SERVICE, "a", "uno")
    path.unlink()
    with pytest.raises(SecretStoreError, match="ya no existe"):
        holder.set_password(SERVICE, "b", "dos")
    assert not path.exists()


# -- a kill at every write -----------------------------------------------------------------


def write_points(cli: Cli, *args: str, secret: str = "") -> list[str]:
    """The labels of the write points a command passes, in order (from a traced run on a copy)."""
    trace = cli.folder / "traza.txt"
    code, _, err = cli.run(*args, secret=secret, env={faults.ENV_TRACE: str(trace)})
    assert code == 0, err
    return [line.split(" ", 1)[1] for line in trace.read_text("utf-8").splitlines()]


def fresh_copy(template: Path, folder: Path) -> Cli:
    folder.mkdir()
    for file in template.iterdir():
        if file.is_file():
            shutil.copyfile(file, folder / file.name)
    return Cli(folder)


def crash_cases(template: Path, tmp_path: Path, *args: str, secret: str = "") -> Iterator[tuple[int, Cli]]:
    points = write_points(fresh_copy(template, tmp_path / "traza"), *args, secret=secret)
    assert len(points) >= 8, points
    assert any(p.startswith("llavero") for p in points) and any(p.startswith("base") for p in points)
    for number in range(1, len(points) + 1):
        cli = fresh_copy(template, tmp_path / f"corte-{number}")
        code, _, err = cli.run(*args, secret=secret, env={faults.ENV: f"kill:{number}"})
        assert code == faults.KILLED_STATUS, (number, points[number - 1], code, err)
        yield number, cli


@pytest.mark.parametrize("command", ["fijar", "generar"])
def test_a_kill_at_every_write_of_a_password_save_loses_neither(template, tmp_path, command):
    args = ("credencial", command, "1")
    secret = NEW if command == "fijar" else ""
    outcomes = set()
    for number, cli in crash_cases(template, tmp_path, *args, secret=secret):
        secrets = cli.keyring()
        with open_store(cli.db, clock=lambda: NOW) as store:
            account = store.accounts.get(1)
            recorded = rotations(cli, 1) == 2
            key = secrets.fingerprint_key()
            assert key is not None
            current = store.credentials.status(1)
            assert current is not None
            main = secrets.get(secrets.password_key(1))
            waiting = secrets.get(secrets.pending_name(secrets.password_key(1)))
            # Before the rotation is recorded the old password is in place; after, the recorded one is
            # retrievable (in place, or beside it until the promotion is finished).
            if not recorded:
                assert main == OLD, number
            else:
                assert fingerprint(key, waiting or main or "") == current.fingerprint, number
            if command == "fijar":
                assert NEW in (main, waiting) or main == OLD
            settled = dict((p.kind, outcome) for p, outcome in settle_all(store, secrets))
            outcomes.update(settled.values())
            if settled.get("password") == AWAITING:
                # Neither lost nor promoted: the user decides (alternately, both ways).
                assert secrets.get(secrets.password_key(1)) == OLD
                if number % 2:
                    confirm_pending(store, secrets, account)
                    assert rotations(cli, 1) == 2
                    assert read_password(store, secrets, account) == waiting
                else:
                    assert discard_pending(store, secrets, account) == ABANDONED
                    assert read_password(store, secrets, account) == OLD
            elif recorded:
                assert read_password(store, secrets, account) in (NEW if command == "fijar" else waiting or main,)
                assert fingerprint(key, read_password(store, secrets, account)) == current.fingerprint
            else:
                assert read_password(store, secrets, account) == OLD
            assert store.credentials.pending() == []
            assert secrets.get(secrets.pending_name(secrets.password_key(1))) is None
    assert {AWAITING, COMPLETED} <= outcomes


def test_a_kill_at_every_write_of_recovery_codes_loses_neither(template, tmp_path):
    first = fresh_copy(template, tmp_path / "base")
    code, _, err = first.run(
        "credencial", "segundo-factor", "1", "--metodo", "app", "--guardar-codigos", secret="1111 2222 3333"
    )
    assert code == 0, err
    codes = "4444 5555 6666"
    args = ("credencial", "segundo-factor", "1", "--metodo", "llave", "--guardar-codigos")
    seen = set()
    for number, cli in crash_cases(first.folder, tmp_path, *args, secret=codes):
        secrets = cli.keyring()
        with open_store(cli.db, clock=lambda: NOW) as store:
            main = secrets.get(secrets.recovery_key(1))
            waiting = secrets.get(secrets.pending_name(secrets.recovery_key(1)))
            assert {main, waiting} & {"1111 2222 3333", codes}, number
            method = store.credentials.second_factor(1).method  # type: ignore[union-attr]
            if method == "app":
                assert main == "1111 2222 3333"
            outcome = dict((p.kind, o) for p, o in settle_all(store, secrets)).get("recovery")
            seen.add(outcome)
            if outcome == AWAITING:
                confirm_pending(store, secrets, store.accounts.get(1), "recovery")
            final = secrets.get(secrets.recovery_key(1))
            assert final == (codes if store.credentials.second_factor(1).method == "llave" else "1111 2222 3333")  # type: ignore[union-attr]
    assert AWAITING in seen


def test_the_command_line_shows_and_settles_an_interrupted_save(template, tmp_path):
    args = ("credencial", "fijar", "1")
    points = write_points(fresh_copy(template, tmp_path / "traza"), *args, secret=NEW)
    staged = points.index("llavero: archivo reemplazado") + 1  # the new password is beside the old one
    cli = fresh_copy(template, tmp_path / "cli")
    code, _, _ = cli.run(*args, secret=NEW, env={faults.ENV: f"kill:{staged}"})
    assert code == faults.KILLED_STATUS
    blind = cli.run("llavero", "estado")
    assert "guardado de la contraseña de x/@Cuenta1 quedó interrumpido" in blind[1]
    code, out, _ = cli.run("llavero", "estado", "--probar")
    assert code == 0 and "quedó sin confirmar" in out and "credencial confirmar x/@Cuenta1" in out
    code, _, err = cli.run("credencial", "fijar", "1", secret=strong())
    assert code == 1 and "sin confirmar" in err and "credencial descartar" in err
    code, out, err = cli.run("credencial", "mostrar", "1", "--revelar")  # the official one, and a word about the other
    assert code == 0 and out.strip() == OLD and "hay una nueva sin confirmar" in err and NEW not in out + err
    code, out, err = cli.run("credencial", "revisar", "--completo")
    assert code == 0 and "quedó sin confirmar" in out, err
    code, out, err = cli.run("credencial", "confirmar", "x/@Cuenta1")
    assert code == 0 and "confirmada" in out, err
    code, out, _ = cli.run("credencial", "mostrar", "1", "--revelar")
    assert out.strip() == NEW
    assert rotations(cli, 1) == 2
    code, _, err = cli.run("credencial", "descartar", "1")
    assert code == 1 and "No hay la contraseña de x/@Cuenta1 pendiente" in err


# -- a full disk ------------------------------------------------------------------------------


def test_a_full_disk_at_each_keyring_write_keeps_the_old_password(template, tmp_path):
    args = ("credencial", "fijar", "1")
    points = write_points(fresh_copy(template, tmp_path / "traza"), *args, secret=NEW)
    keyring_points = [i + 1 for i, label in enumerate(points) if label == "llavero: antes de reemplazar el archivo"]
    assert len(keyring_points) >= 2
    refused = 0
    for number in keyring_points:
        cli = fresh_copy(template, tmp_path / f"lleno-{number}")
        code, out, err = cli.run(*args, secret=NEW, env={faults.ENV: f"enospc:{number}"})
        assert "Traceback" not in err and NEW not in err + out
        if code == 0:
            # The disk filled up only at the bitácora's checkpoint, after the password was in place:
            # the save stands (a checkpoint never fails a command).
            assert "guardada en el llavero" in out and rotations(cli, 1) == 2, number
        else:
            assert code == 1 and "disco lleno" in err, (number, err)
            refused += 1
        secrets = cli.keyring()
        with open_store(cli.db, clock=lambda: NOW) as store:
            settle_all(store, secrets)
            value = read_password(store, secrets, store.accounts.get(1))
            assert value == (NEW if rotations(cli, 1) == 2 else OLD), number
        assert not list(cli.folder.glob(".llavero-*.tmp"))
    assert refused >= 2  # the pending copy and the promotion


def _mount_tiny(folder: Path) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, check=False
    )
    return done.returncode == 0


def test_a_really_full_disk_keeps_the_old_password(cli, tmp_path):
    tiny = tmp_path / "pequeno"
    if not _mount_tiny(tiny):
        pytest.skip("no se puede montar un tmpfs pequeño aquí (requiere Linux y root)")
    try:
        shutil.copyfile(cli.keyring_file, tiny / cli.keyring_file.name)
        env = {"RESGUARDO_LLAVERO": str(tiny / cli.keyring_file.name)}
        filler = tiny / "relleno"
        with open(filler, "wb", buffering=0) as handle:  # leave less room than one more copy of the file
            try:
                while True:
                    handle.write(b"\0" * 512)
            except OSError:
                pass
        code, _, err = cli.run("credencial", "fijar", "1", secret=NEW, env=env)
        assert code == 1 and "disco lleno" in err, err
        filler.unlink()
        code, out, err = cli.run("credencial", "mostrar", "1", "--revelar", env=env)
        assert (code, out.strip()) == (0, OLD), err
        assert rotations(cli, 1) == 1
        assert not list(tiny.glob(".llavero-*.tmp"))
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


# -- a damaged or foreign file, leftovers, modes ---------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda d: d.update(kdf={"name": "argon2id"}), "parámetro"),
        (lambda d: d["kdf"].update(memory_kib=2**40), "memory_kib"),
        (lambda d: d["kdf"].update(salt=5), "sal"),
        (lambda d: d.update(check="x"), "comprobación"),
        (lambda d: d.update(version="1"), "versión"),
        (lambda d: d.update(entries=[{"service": 1}]), "entradas"),
        (lambda d: d["check"].update(nonce="%%%"), "base64"),
    ],
)
def test_a_damaged_header_is_a_spanish_error_and_the_file_is_left_alone(tmp_path, damage, fragment):
    path = tmp_path / "llavero.json"
    keyring = encrypted_file_class()(path)
    keyring.kdf_cost = "ligero"
    keyring.unlock(PASSPHRASE)
    keyring.set_password(SERVICE, "a", "uno")
    data = json.loads(path.read_text("utf-8"))
    damage(data)
    path.write_text(json.dumps(data), "utf-8")
    before = path.read_bytes()
    reader = encrypted_file_class()(path)
    with pytest.raises(SecretStoreError, match=fragment) as caught:
        reader.unlock(PASSPHRASE)
    assert "dañado" in caught.value.message or "versión" in caught.value.message
    assert path.read_bytes() == before


def test_a_damaged_header_from_the_command_line(cli):
    cli.keyring_file.write_text('{"format": "resguardo-llavero", "version": 1, "kdf": null}', "utf-8")
    code, out, err = cli.run("credencial", "mostrar", "1", "--revelar")
    assert code == 1 and "está dañado" in err and "inesperado" not in err and out == ""


def test_crash_leftovers_are_removed_and_modes_tightened(cli):
    leftover = cli.folder / ".llavero-abc123.tmp"
    leftover.write_text("medio archivo", "utf-8")
    if os.name == "posix":
        os.chmod(cli.keyring_file, 0o644)
    code, _, err = cli.run("credencial", "fijar", "2", secret=strong())
    assert code == 0, err
    assert not leftover.exists()
    if os.name == "posix":
        assert cli.keyring_file.stat().st_mode & 0o777 == 0o600


# -- in-process: the order, step by step ------------------------------------------------------


@pytest.fixture
def secrets(store, monkeypatch) -> Secrets:
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING", raising=False)
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING_FAIL", raising=False)
    return Secrets(MemoryKeyring(), store.credentials.installation_id())


def test_a_second_save_waits_for_the_decision_on_the_first(store, secrets):
    account = store.accounts.add(network="x", handle="@INEMexico")
    set_password(store, secrets, account.id, OLD)
    pending = store.credentials.begin_pending(account, "password", source="fijar")
    secrets.put(secrets.pending_name(secrets.password_key(account.id)), NEW)
    with pytest.raises(ConflictError, match="sin confirmar"):
        set_password(store, secrets, account.id, strong())
    assert discard_pending(store, secrets, account) == ABANDONED
    assert store.credentials.pending() == [] and pending.id
    set_password(store, secrets, account.id, NEW)
    assert read_password(store, secrets, account) == NEW


def test_an_intent_whose_secret_never_arrived_is_dropped_quietly(store, secrets):
    account = store.accounts.add(network="x", handle="@INEMexico")
    set_password(store, secrets, account.id, OLD)
    store.credentials.begin_pending(account, "password", source="fijar")
    assert [outcome for _, outcome in settle_all(store, secrets)] == [ABANDONED]
    with pytest.raises(NotFoundError):
        confirm_pending(store, secrets, account)
    set_password(store, secrets, account.id, NEW)  # nothing stands in the way
    assert read_password(store, secrets, account) == NEW
