"""The secret store: account passwords, recovery codes and the fingerprint key, in the keyring.

Secrets never touch SQLite. Each lives in the keyring under service
``resguardo`` with a stable user name that carries the installation id (a
random id kept in the database's settings, so a practice database never
overwrites the passwords of the real one) and the account id, never the
handle: ``<instalación>:account-<id>``, ``<instalación>:account-<id>:recovery``
and ``<instalación>:fingerprint-key``.

The backend is keyring's own choice, so ``PYTHON_KEYRING_BACKEND`` and
``keyringrc.cfg`` are honoured. When keyring finds no OS keyring (a headless
Linux laptop) resguardo uses ``EncryptedFileKeyring``: one JSON file whose
entries are sealed with AES-256-GCM under a key derived from a master
passphrase with Argon2id (scrypt where the OpenSSL build lacks Argon2),
written atomically with mode 0600. Plaintext backends are refused.

keyring and cryptography are imported on first use (keyring's backend
discovery costs ~200 ms), so the everyday commands never pay for them.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import hmac
import json
import os
import secrets as _random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store import faults
from store.db import default_path
from store.errors import StoreError, UsageError, os_error_text
from store.files import PRIVATE_FILE, sync_folder, tighten

SERVICE = "resguardo"
#: Environment variable with the path of the encrypted file (default: beside the database).
ENV_FILE = "RESGUARDO_LLAVERO"
FILE_NAME = "llavero-resguardo.json"
FILE_FORMAT = "resguardo-llavero"
FILE_VERSION = 1
_CHECK_PLAINTEXT = b"resguardo: frase correcta"
_CHECK_AAD = b"resguardo\x00check"
MIN_PASSPHRASE = 12
#: Seconds a write waits for another process's write to the encrypted file.
LOCK_TIMEOUT = 15.0
#: Temporary files of the encrypted file's replacement (left behind only by a crash).
TEMP_PREFIX = ".llavero-"


class SecretStoreError(StoreError):
    """The keyring failed, refused, or is not fit to hold secrets."""

    title = "Llavero"


class KeyringLockedError(SecretStoreError):
    """The keyring (or the encrypted file) is locked and no passphrase was given."""


class WrongPassphraseError(SecretStoreError):
    """The master passphrase does not open the encrypted file."""


def keyring_problem(message: str) -> str:
    """A keyring error's Spanish message as a clause to continue a sentence (no capital, no closing)."""
    reason = message.removesuffix(" No se cambió nada.").removesuffix(".")
    return reason[:1].lower() + reason[1:]


def check_new_passphrase(passphrase: str, repeated: str | None = None) -> None:
    """Refuse a new master passphrase before anything is created.

    SecretStoreError when it is empty or shorter than ``MIN_PASSPHRASE``
    characters; UsageError when ``repeated`` (the second time it was typed) is
    given and differs. The command line and the workbench both ask through here.
    """
    if not passphrase:
        raise SecretStoreError("Escriba una frase maestra nueva; no se creó nada.")
    if len(passphrase) < MIN_PASSPHRASE:
        raise SecretStoreError(
            f"La frase maestra nueva debe tener al menos {MIN_PASSPHRASE} caracteres; no se creó nada."
        )
    if repeated is not None and repeated != passphrase:
        raise UsageError("Las dos frases maestras no coinciden; no se creó nada.")


# -- the encrypted-file backend ----------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def default_file_path(db_path: str | None = None) -> Path:
    """Where the encrypted file lives: ``RESGUARDO_LLAVERO``, else beside the database."""
    configured = os.environ.get(ENV_FILE, "").strip()
    if configured:
        return Path(configured)
    if db_path and db_path != ":memory:":
        return Path(db_path).resolve().parent / FILE_NAME
    return default_path().parent / FILE_NAME


def _os_text(exc: OSError) -> str:
    """The operating system's error in Spanish; a full disk says so in the words users know."""
    if exc.errno == errno.ENOSPC:
        return "disco lleno (no queda espacio)"
    return os_error_text(exc)


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove ``.llavero-*.tmp`` files a crash left behind (called under the file's lock:
    no other writer is half-way through one)."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _checked_file(data: Any, path: Path) -> dict[str, Any]:
    """The parsed file if its structure is sound; SecretStoreError naming what is damaged otherwise."""
    damaged = (
        f"El llavero cifrado {path} está dañado ({{}}). No se cambió nada; restáurelo de un respaldo"
        " («resguardo respaldo listar»)."
    )
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise SecretStoreError(f"El archivo {path} no es un llavero cifrado de resguardo.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SecretStoreError(damaged.format("la versión no es un número"))
    if version > FILE_VERSION:
        raise SecretStoreError(f"El llavero cifrado {path} es de una versión más reciente de resguardo.")
    kdf = data.get("kdf")
    needed = {"argon2id": ("salt", "iterations", "lanes", "memory_kib"), "scrypt": ("salt", "n", "r", "p")}
    if not isinstance(kdf, dict) or kdf.get("name") not in needed:
        raise SecretStoreError(damaged.format("la derivación de clave falta o es desconocida"))
    # Upper bounds far above what resguardo writes, so a damaged number cannot ask for terabytes.
    ceilings = {"iterations": 64, "lanes": 64, "memory_kib": 4 * 1024 * 1024, "n": 2**24, "r": 64, "p": 64}
    for field in needed[kdf["name"]][1:]:
        value = kdf.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= ceilings[field]:
            raise SecretStoreError(damaged.format(f"el parámetro «{field}» de la derivación no es válido"))
    check = data.get("check")
    if not (
        isinstance(kdf.get("salt"), str)
        and isinstance(check, dict)
        and isinstance(check.get("nonce"), str)
        and isinstance(check.get("data"), str)
    ):
        raise SecretStoreError(damaged.format("falta la sal o la comprobación de la frase"))
    try:
        _unb64(kdf["salt"])
        _unb64(check["nonce"])
        _unb64(check["data"])
    except ValueError:
        raise SecretStoreError(damaged.format("la cabecera no está en base64")) from None
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and all(isinstance(e.get(k), str) for k in ("service", "username", "nonce", "data"))
        for e in entries
    ):
        raise SecretStoreError(damaged.format("la lista de entradas no es válida"))
    return data


def _derive_key(passphrase: str, kdf: dict[str, Any]) -> bytes:
    secret = passphrase.encode("utf-8")
    salt = _unb64(kdf["salt"])
    if kdf["name"] == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # lazy: cryptography, ~50 ms

        return Argon2id(
            salt=salt,
            length=32,
            iterations=int(kdf["iterations"]),
            lanes=int(kdf["lanes"]),
            memory_cost=int(kdf["memory_kib"]),
        ).derive(secret)
    if kdf["name"] == "scrypt":
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # lazy: cryptography, ~50 ms

        return Scrypt(salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])).derive(secret)
    raise SecretStoreError(f"El llavero cifrado usa una derivación de clave desconocida ({kdf['name']}).")


def _new_kdf(cost: str = "normal") -> dict[str, Any]:
    salt = _b64(_random.token_bytes(16))
    light = cost == "ligero"  # tests only: same code path, a fraction of the memory
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # noqa: F401  # lazy: probes an optional part of cryptography

        return {
            "name": "argon2id",
            "salt": salt,
            "iterations": 1 if light else 3,
            "lanes": 1 if light else 4,
            "memory_kib": 8 if light else 64 * 1024,
        }
    except ImportError:  # an OpenSSL without Argon2: scrypt, also memory-hard
        return {"name": "scrypt", "salt": salt, "n": 2**4 if light else 2**17, "r": 8, "p": 1}


def _keyring_base() -> type:
    from keyring.backend import KeyringBackend  # lazy: keyring, ~60 ms

    return KeyringBackend


def _make_backend_class() -> type:
    base = _keyring_base()

    class EncryptedFileKeyring(base):  # type: ignore[misc, valid-type]  # the base is keyring's, imported lazily
        """A keyring backend in one encrypted file (Argon2id + AES-256-GCM), for laptops without one.

        Select it explicitly with
        ``PYTHON_KEYRING_BACKEND=store.secrets.EncryptedFileKeyring``; resguardo
        also uses it on its own when keyring finds no OS keyring. It stays
        locked until ``unlock(passphrase)``.
        """

        priority = 0.5  # below every OS keyring, above keyring's "fail" backend
        #: "ligero" makes the KDF cheap for tests; never set in daily use.
        kdf_cost = os.environ.get("RESGUARDO_LLAVERO_COSTO", "normal")

        def __init__(self, path: str | Path | None = None) -> None:
            super().__init__()
            self.path = Path(path) if path else default_file_path()
            self.explicit_path = path is not None or bool(os.environ.get(ENV_FILE, "").strip())
            self._key: bytes | None = None
            #: The header (format, KDF, check) our key opens; every later read must carry the same KDF.
            self._header: dict[str, Any] | None = None
            #: The last parsed file and the ``os.stat`` signature it was read at.
            self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None
            #: Unlocked with no file on disk: the first write creates it.
            self._new_file = False

        # -- state ----------------------------------------------------

        @property
        def exists(self) -> bool:
            return self.path.exists()

        @property
        def unlocked(self) -> bool:
            return self._key is not None

        def _read(self) -> dict[str, Any]:
            """Parse and check the whole file; FileNotFoundError when there is none."""
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                raise
            except OSError as exc:
                raise SecretStoreError(f"No se pudo leer el llavero cifrado {self.path}: {_os_text(exc)}.") from None
            try:
                data = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise SecretStoreError(
                    f"El llavero cifrado {self.path} está dañado (no es JSON válido). No se cambió nada;"
                    " restáurelo de un respaldo («resguardo respaldo listar»)."
                ) from None
            return _checked_file(data, self.path)

        def _snapshot(self) -> dict[str, Any] | None:
            """The file as it is on disk now (re-read only when it changed); None when it does not exist."""
            try:
                info = self.path.stat()
            except FileNotFoundError:
                self._cache = None
                return None
            except OSError as exc:
                raise SecretStoreError(f"No se pudo leer el llavero cifrado {self.path}: {_os_text(exc)}.") from None
            signature = (info.st_ino, info.st_size, info.st_mtime_ns)
            if self._cache is not None and self._cache[0] == signature:
                return self._cache[1]
            try:
                data = self._read()
            except FileNotFoundError:
                self._cache = None
                return None
            self._cache = (signature, data)
            return data

        def unlock(self, passphrase: str) -> None:
            """Open the file (or prepare a new one) with ``passphrase``.

            WrongPassphraseError when it does not open an existing file. A new
            file is not written until the first secret is stored.
            """
            from cryptography.exceptions import InvalidTag  # lazy: cryptography, ~50 ms
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # lazy: cryptography, ~50 ms

            if not passphrase:
                raise KeyringLockedError("La frase maestra está vacía; el llavero cifrado sigue bloqueado.")
            data = self._snapshot()
            if data is None:
                if len(passphrase) < MIN_PASSPHRASE:
                    raise SecretStoreError(f"La frase maestra nueva debe tener al menos {MIN_PASSPHRASE} caracteres.")
                kdf = _new_kdf(self.kdf_cost)
                key = _derive_key(passphrase, kdf)
                nonce = _random.token_bytes(12)
                check = AESGCM(key).encrypt(nonce, _CHECK_PLAINTEXT, _CHECK_AAD)
                self._header = {
                    "format": FILE_FORMAT,
                    "version": FILE_VERSION,
                    "kdf": kdf,
                    "cipher": "aes-256-gcm",
                    "check": {"nonce": _b64(nonce), "data": _b64(check)},
                }
                self._key = key
                self._new_file = True
                return
            key = _derive_key(passphrase, data["kdf"])
            try:
                AESGCM(key).decrypt(_unb64(data["check"]["nonce"]), _unb64(data["check"]["data"]), _CHECK_AAD)
            except (InvalidTag, ValueError):
                raise WrongPassphraseError("La frase maestra no abre el llavero cifrado; no se cambió nada.") from None
            self._key = key
            self._header = {name: value for name, value in data.items() if name != "entries"}
            self._new_file = False
            tighten(self.path, PRIVATE_FILE)

        def lock(self) -> None:
            self._key = None
            self._header = None
            self._cache = None
            self._new_file = False

        def _require(self) -> tuple[bytes, dict[str, Any]]:
            """The key and the file as it is now, checked to be the file the key opens."""
            if self._key is None or self._header is None:
                from keyring.errors import KeyringLocked  # lazy: keyring, ~60 ms

                raise KeyringLocked("encrypted file is locked")
            data = self._snapshot()
            if data is None:
                if self._new_file:
                    # Unlocked as a new file: it starts empty. (Unlocked on an existing file that
                    # then vanished: refuse instead of creating an empty one over the loss.)
                    return self._key, {**self._header, "entries": []}
                raise SecretStoreError(
                    f"El llavero cifrado {self.path} ya no existe (se movió o se borró después de abrirlo)."
                    " No se cambió nada; restáurelo de un respaldo."
                )
            if data["kdf"] != self._header["kdf"] or data["check"] != self._header["check"]:
                raise KeyringLockedError(
                    "El llavero cifrado cambió en otra ventana (se creó o se cambió su frase maestra) después de"
                    " abrirlo aquí; ábralo de nuevo con su frase maestra. No se cambió nada."
                )
            return self._key, data

        @staticmethod
        def _aad(service: str, username: str) -> bytes:
            return f"{service}\x00{username}".encode()

        def _file_lock(self) -> Any:
            from filelock import FileLock  # lazy: only the encrypted file needs it

            folder = self.path.parent
            if not folder.exists():
                folder.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(OSError):  # Windows keeps ACLs instead of modes
                    os.chmod(folder, 0o700)
            return FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=LOCK_TIMEOUT, mode=0o600)

        def _write(self, data: dict[str, Any]) -> None:
            """Replace the file atomically (temporary file in the same folder, fsync, rename), 0600."""
            folder = self.path.parent
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
            try:
                with contextlib.suppress(OSError):  # Windows keeps ACLs instead of modes
                    os.chmod(temp, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, indent=1)
                    handle.flush()
                    os.fsync(handle.fileno())
                faults.point("llavero: antes de reemplazar el archivo")
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            sync_folder(folder)
            faults.point("llavero: archivo reemplazado")

        def modify(
            self, service: str, changes: dict[str, str | None], *, only_if_absent: bool = False
        ) -> dict[str, str]:
            """Apply ``changes`` (user name -> new value, or None to delete) in ONE replacement of the file.

            Under an exclusive lock the file is read again, the changes are
            merged into what it holds NOW (entries written meanwhile by other
            processes are kept), and the result replaces it atomically: a
            crash or a full disk leaves the previous file whole. With
            ``only_if_absent`` an entry that exists is left as it is. Returns
            what the changed entries held before (decrypted; absent ones are
            left out).
            """
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # lazy: cryptography, ~50 ms
            from filelock import Timeout  # lazy: only the encrypted file needs it

            try:
                with self._file_lock():
                    key, data = self._require()
                    _remove_stale_temporaries(self.path.parent)
                    before = {
                        entry["username"]: self._open(key, entry)
                        for entry in data["entries"]
                        if entry["service"] == service and entry["username"] in changes
                    }
                    if only_if_absent:
                        changes = {name: value for name, value in changes.items() if name not in before}
                    if all(value is None and name not in before for name, value in changes.items()):
                        return before  # nothing to add, nothing present to delete: no write
                    kept = [e for e in data["entries"] if not (e["service"] == service and e["username"] in changes)]
                    for username, value in changes.items():
                        if value is None:
                            continue
                        nonce = _random.token_bytes(12)
                        sealed = AESGCM(key).encrypt(nonce, value.encode("utf-8"), self._aad(service, username))
                        kept.append(
                            {"service": service, "username": username, "nonce": _b64(nonce), "data": _b64(sealed)}
                        )
                    self._write({**data, "entries": kept})
                    self._cache = None
                    self._new_file = False
                    return before
            except Timeout:
                raise SecretStoreError(
                    "El llavero cifrado está ocupado por otro proceso de resguardo; intente de nuevo en unos"
                    " segundos. No se cambió nada."
                ) from None
            except OSError as exc:
                raise SecretStoreError(
                    f"No se pudo escribir el llavero cifrado {self.path}: {_os_text(exc)}. No se cambió nada."
                ) from None

        def _open(self, key: bytes, entry: dict[str, Any]) -> str:
            from cryptography.exceptions import InvalidTag  # lazy: cryptography, ~50 ms
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # lazy: cryptography, ~50 ms

            try:
                plain = AESGCM(key).decrypt(
                    _unb64(entry["nonce"]), _unb64(entry["data"]), self._aad(entry["service"], entry["username"])
                )
                return plain.decode("utf-8")
            except (InvalidTag, ValueError):
                raise SecretStoreError("Una entrada del llavero cifrado está alterada o dañada.") from None

        # -- keyring API ------------------------------------------------

        def get_password(self, service: str, username: str) -> str | None:
            key, data = self._require()
            for entry in data["entries"]:
                if entry["service"] == service and entry["username"] == username:
                    return self._open(key, entry)
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            self.modify(service, {username: password})

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError  # lazy: keyring, ~60 ms

            if username not in self.modify(service, {username: None}):
                raise PasswordDeleteError("not found")

    EncryptedFileKeyring.__module__ = __name__
    EncryptedFileKeyring.__qualname__ = "EncryptedFileKeyring"
    return EncryptedFileKeyring


_backend_class: type | None = None


def encrypted_file_class() -> type:
    """The EncryptedFileKeyring class (built on first use, so importing this module stays cheap)."""
    global _backend_class
    if _backend_class is None:
        _backend_class = _make_backend_class()
    return _backend_class


def __getattr__(name: str) -> Any:
    # ``PYTHON_KEYRING_BACKEND=store.secrets.EncryptedFileKeyring`` resolves through here.
    if name == "EncryptedFileKeyring":
        return encrypted_file_class()
    raise AttributeError(name)


# -- choosing the backend ----------------------------------------------------


def backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_encrypted_file(backend: object) -> bool:
    return _backend_class is not None and isinstance(backend, _backend_class)


def resolve_backend(db_path: str | None = None) -> Any:
    """keyring's choice of backend; the encrypted file when it has none.

    Raises SecretStoreError for a plaintext backend (never acceptable) or
    when keyring itself cannot load the configured backend.
    """
    try:
        import keyring  # lazy: keyring, ~60 ms
        from keyring.backends import fail  # lazy: keyring, ~60 ms
    except Exception as exc:  # noqa: BLE001 - any import failure is an installation problem
        raise SecretStoreError(f"No se pudo cargar keyring ({type(exc).__name__}).") from None
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a misconfigured PYTHON_KEYRING_BACKEND or keyringrc
        raise SecretStoreError(
            f"No se pudo cargar el llavero configurado (PYTHON_KEYRING_BACKEND o keyringrc.cfg): {type(exc).__name__}."
        ) from None
    name = backend_name(backend)
    if "plaintext" in name.lower() or "unencrypted" in name.lower():
        raise SecretStoreError(
            f"El llavero configurado ({name}) guarda las contraseñas sin cifrar; resguardo no lo usa."
            " Quite esa configuración para usar el llavero del sistema o el llavero cifrado de resguardo."
        )
    if isinstance(backend, fail.Keyring) or _is_chainer_of_nothing(backend):
        return encrypted_file_class()(default_file_path(db_path))
    if is_encrypted_file(backend) and not getattr(backend, "explicit_path", True):
        backend.path = default_file_path(db_path)  # type: ignore[attr-defined]  # keyring types backends as KeyringBackend
    return backend


def _is_chainer_of_nothing(backend: object) -> bool:
    return type(backend).__name__ == "ChainerBackend" and not getattr(backend, "backends", None)


# -- the store of secrets ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    backend: str
    description: str
    encrypted_file: bool
    path: str | None
    exists: bool | None
    unlocked: bool | None
    detail: str = ""


PassphraseSource = Callable[[bool], str]


class Secrets:
    """Reads and writes the secrets of one installation through one keyring backend.

    Every failure of the backend becomes a SecretStoreError whose message
    names the backend and the kind of failure, never the secret.
    """

    def __init__(self, backend: Any, installation_id: str) -> None:
        if not installation_id:
            raise SecretStoreError("La base de datos no tiene identificador de instalación.")
        self.backend = backend
        self.installation_id = installation_id

    # -- names ------------------------------------------------------------

    def password_key(self, account_id: int) -> str:
        return f"{self.installation_id}:account-{account_id}"

    def recovery_key(self, account_id: int) -> str:
        return f"{self.installation_id}:account-{account_id}:recovery"

    def fingerprint_key_name(self) -> str:
        return f"{self.installation_id}:fingerprint-key"

    @staticmethod
    def pending_name(username: str) -> str:
        """Where a new secret waits, beside the current one, until its rotation is recorded."""
        return f"{username}:pending"

    @property
    def name(self) -> str:
        return backend_name(self.backend)

    @property
    def encrypted_file(self) -> bool:
        return is_encrypted_file(self.backend)

    # -- locking ----------------------------------------------------------

    def needs_passphrase(self) -> bool:
        return self.encrypted_file and not self.backend.unlocked

    def unlock(self, source: PassphraseSource) -> None:
        """Unlock the encrypted file with a passphrase from ``source(new_file)``; no-op otherwise."""
        if not self.needs_passphrase():
            return
        passphrase = source(not self.backend.exists)
        self.backend.unlock(passphrase)

    def status(self) -> KeyringStatus:
        """Which backend, and whether it is unlocked (probing it with a harmless read)."""
        if self.encrypted_file:
            return KeyringStatus(
                backend=self.name,
                description="llavero cifrado de resguardo (archivo con Argon2id y AES-256-GCM)",
                encrypted_file=True,
                path=str(self.backend.path),
                exists=self.backend.exists,
                unlocked=self.backend.unlocked,
            )
        detail = ""
        unlocked: bool | None
        try:
            self._call("leer", self.backend.get_password, SERVICE, self.fingerprint_key_name())
            unlocked = True
        except KeyringLockedError:
            unlocked = False
        except SecretStoreError as exc:
            unlocked, detail = None, exc.message
        description = _describe(self.name)
        return KeyringStatus(self.name, description, False, None, None, unlocked, detail)

    # -- raw access -------------------------------------------------------

    def _call(self, action: str, func: Callable[..., Any], *args: Any) -> Any:
        from keyring import errors  # lazy: keyring, ~60 ms

        try:
            return func(*args)
        except SecretStoreError:
            raise
        except errors.KeyringLocked:
            raise KeyringLockedError(
                f"El llavero ({self.name}) está bloqueado; desbloquéelo y repita la orden. No se cambió nada."
            ) from None
        except errors.NoKeyringError:
            raise SecretStoreError(
                "No hay un llavero disponible para guardar contraseñas. No se cambió nada."
            ) from None
        except Exception as exc:  # noqa: BLE001 - a backend may raise anything; never show its text
            raise SecretStoreError(
                f"El llavero ({self.name}) falló al {action} ({type(exc).__name__}). No se cambió nada."
            ) from None

    def _writable(self) -> None:
        if type(self.backend).__module__ == "keyring.backends.null":
            raise SecretStoreError(
                "El llavero configurado (keyring.backends.null) no guarda nada; elija otro con"
                " PYTHON_KEYRING_BACKEND o keyringrc.cfg, o quítelo para usar el llavero cifrado."
            )

    def get(self, username: str) -> str | None:
        value = self._call("leer", self.backend.get_password, SERVICE, username)
        return None if value is None else str(value)

    def put(self, username: str, value: str) -> None:
        """Write one entry and read it back (a backend that drops writes is an error)."""
        self._writable()
        self._call("guardar", self.backend.set_password, SERVICE, username, value)
        if self._call("leer", self.backend.get_password, SERVICE, username) != value:
            raise SecretStoreError(f"El llavero ({self.name}) no conservó el valor guardado.")

    def delete(self, username: str) -> None:
        """Delete one entry; nothing happens when it does not exist."""
        from keyring.errors import PasswordDeleteError  # lazy: keyring, ~60 ms

        self._writable()

        def delete_if_present() -> None:
            with contextlib.suppress(PasswordDeleteError):
                self.backend.delete_password(SERVICE, username)

        self._call("borrar", delete_if_present)

    def promote(self, username: str) -> bool:
        """Move the pending value of ``username`` into its place, dropping the old one.

        The encrypted file does both in one replacement; another backend first
        overwrites the entry, then deletes the pending one (a crash between
        leaves both holding the new value, which a second call finishes).
        Returns False when there is no pending value (already promoted).
        """
        pending = self.pending_name(username)
        value = self.get(pending)
        if value is None:
            return False
        self._writable()
        if self.encrypted_file:
            self._call("guardar", self.backend.modify, SERVICE, {username: value, pending: None})
        else:
            self._call("guardar", self.backend.set_password, SERVICE, username, value)
        if self.get(username) != value:
            raise SecretStoreError(f"El llavero ({self.name}) no conservó el valor guardado.")
        self.delete(pending)
        return True

    def put_if_absent(self, username: str, value: str) -> str:
        """Store ``value`` unless the entry already holds one; return what it holds afterwards.

        For keys created once (the fingerprint key): two processes creating it
        at the same time keep the first one (with the encrypted file, under its
        lock; an OS keyring has no lock, and the window is one round trip).
        """
        self._writable()
        if self.encrypted_file:
            self._call("guardar", lambda: self.backend.modify(SERVICE, {username: value}, only_if_absent=True))
        else:
            current = self.get(username)
            if current is not None:
                return current
            self._call("guardar", self.backend.set_password, SERVICE, username, value)
        stored = self.get(username)
        if stored is None:
            raise SecretStoreError(f"El llavero ({self.name}) no conservó el valor guardado.")
        return stored

    # -- the fingerprint key ------------------------------------------------

    def fingerprint_key(self) -> bytes | None:
        value = self.get(self.fingerprint_key_name())
        if value is None:
            return None
        try:
            return _unb64(value)
        except ValueError:
            raise SecretStoreError("La clave de huellas del llavero está dañada.") from None

    @staticmethod
    def new_fingerprint_key() -> bytes:
        return _random.token_bytes(32)

    def save_fingerprint_key(self, key: bytes) -> None:
        self.put(self.fingerprint_key_name(), _b64(key))

    def ensure_fingerprint_key(self) -> bytes:
        """The fingerprint key, created (once, even with two processes at it) when missing."""
        key = self.fingerprint_key()
        if key is not None:
            return key
        stored = self.put_if_absent(self.fingerprint_key_name(), _b64(self.new_fingerprint_key()))
        try:
            return _unb64(stored)
        except ValueError:
            raise SecretStoreError("La clave de huellas del llavero está dañada.") from None

    # -- the chain key (``store.integrity``: the bitácora's keyed checkpoints) --

    def chain_key_name(self) -> str:
        return f"{self.installation_id}:chain-key"

    def chain_key(self, create: bool = False) -> bytes | None:
        """The installation's chain key; with ``create``, a new random one is saved when there is none."""
        value = self.get(self.chain_key_name())
        if value is None:
            if not create:
                return None
            # Created once, even with two processes at it: a second key would make
            # the first one's checkpoints look forged.
            value = self.put_if_absent(self.chain_key_name(), _b64(_random.token_bytes(32)))
        try:
            return _unb64(value)
        except ValueError:
            raise SecretStoreError("La clave de la cadena guardada en el llavero está dañada.") from None


def fingerprint(key: bytes, secret: str) -> str:
    """HMAC-SHA256 of the secret under the installation key: comparable, not reversible offline."""
    return hmac.new(key, secret.encode("utf-8"), hashlib.sha256).hexdigest()


def _describe(name: str) -> str:
    known = {
        "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring / KWallet) del sistema",
        "keyring.backends.libsecret.Keyring": "libsecret del sistema",
        "keyring.backends.kwallet.DBusKeyring": "KWallet del sistema",
        "keyring.backends.Windows.WinVaultKeyring": "Administrador de credenciales de Windows",
        "keyring.backends.macOS.Keyring": "Llavero de macOS",
        "keyring.backends.null.Keyring": "llavero nulo (no guarda nada)",
    }
    return known.get(name, "llavero elegido por la configuración de keyring")
