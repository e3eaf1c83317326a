"""An office's package for the coordination office: written here, read by ``store.coordination``.

A package is one zip file (``policy.package`` names its members):

- ``base.sqlite``: a snapshot of the database made with SQLite's backup API in one
  read transaction (a consistent copy while others write), then scrubbed of what
  must not leave the office: no trigger (the copy is read, never written), no
  intent of a pending secret, and the keyed password fingerprints replaced by
  opaque group labels (``g1``, ``g2``…: two accounts sharing a password still
  share a label, so the coordination's agenda still sees the reuse, but the HMAC
  never travels). Secrets never were in the database; the keyring is not included.
- ``manifiesto.json``: office, profile, resguardo and schema versions, when it was
  generated, the bitácora's entry count and head hash, the snapshot's SHA-256 and
  size, and the office's public key.
- the signature, as the zip's comment (the file's last bytes): Ed25519 with the office's key over
  ``policy.package.signed_message``, the SHA-256 of every byte before it (both members, so the
  manifest and the snapshot, and the zip's own structure): any byte changed breaks it.

The office key is created once per installation; its private half lives only in
the keyring (``<instalación>:office-key``), the public half is what the
coordination office registers (``resguardo paquete llave`` shows it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policy import package as rules
from policy.clock import ZONE
from store.errors import StoreError, os_error_text
from store.files import PRIVATE_FILE, sync_folder, tighten

if TYPE_CHECKING:
    from store.db import Store
    from store.secrets import Secrets

#: Temporary files beside the destination (``store.files.sweep_stale_temp_files`` removes stale ones).
TEMP_PREFIX = ".resguardo-paquete-"
TEMP_SUFFIX = ".tmp"
_CHUNK = 1 << 20


class OfficeKey(NamedTuple):
    """The office's public key, as the coordination office registers it."""

    public_key: str
    fingerprint: str
    created: bool


class ExportedPackage(NamedTuple):
    path: Path
    manifest: dict[str, Any]
    size: int
    fingerprint: str


def _key_name(secrets: Secrets) -> str:
    return f"{secrets.installation_id}:office-key"


def _private_key(secrets: Secrets, *, create: bool) -> tuple[Any, bool] | None:
    """The office's Ed25519 private key from the keyring (created once when ``create``), and whether it is new."""
    import base64  # lazy: only packages need it

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # lazy: only packages sign

    name = _key_name(secrets)
    value = secrets.get(name)
    created = False
    if value is None:
        if not create:
            return None
        fresh = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode("ascii")
        # Created once, even with two processes at it: a second key would orphan the registered one.
        value = secrets.put_if_absent(name, fresh)
        created = value == fresh
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw), created
    except ValueError:
        raise StoreError("La llave de la oficina guardada en el llavero está dañada.") from None


def office_key(secrets: Secrets, *, create: bool = True) -> OfficeKey | None:
    """The office's public key and fingerprint (the key pair is created the first time, when ``create``)."""
    found = _private_key(secrets, create=create)
    if found is None:
        return None
    key, created = found
    raw = key.public_key().public_bytes_raw()
    return OfficeKey(rules.public_key_text(raw), rules.fingerprint(raw), created)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _temp(folder: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    os.close(handle)
    return Path(name)


def _fsync(path: Path) -> None:
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def _member(name: str, now: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=now.astimezone(ZONE).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _sign_in_place(archive: Path, key: Any) -> None:
    """Replace the placeholder comment at the end of ``archive`` with the signature of every byte before it."""
    size = archive.stat().st_size
    prefix = size - rules.SIGNATURE_COMMENT_SIZE
    digest = hashlib.sha256()
    with archive.open("rb") as stream:
        left = prefix
        while left:
            chunk = stream.read(min(_CHUNK, left))
            if not chunk:
                raise OSError("paquete truncado al firmarlo")
            digest.update(chunk)
            left -= len(chunk)
    signature = key.sign(rules.signed_message(digest.hexdigest()))
    with archive.open("rb+") as stream:
        stream.seek(prefix)
        stream.write(rules.signature_comment(signature))


def scrub(conn: sqlite3.Connection) -> None:
    """Make a snapshot fit to leave the office (see the module docstring); the bitácora is untouched."""
    triggers = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "pending_secrets" in tables:
        conn.execute("DELETE FROM pending_secrets")
    if "credential_status" in tables:
        prints = {row[0] for row in conn.execute("SELECT fingerprint FROM credential_status")}
        if "password_fingerprints" in tables:
            prints |= {row[0] for row in conn.execute("SELECT fingerprint FROM password_fingerprints")}
        labels = {value: f"g{n}" for n, value in enumerate(sorted(prints), start=1)}
        conn.execute("CREATE TEMP TABLE fingerprint_labels (fingerprint TEXT PRIMARY KEY, label TEXT NOT NULL)")
        conn.executemany("INSERT INTO fingerprint_labels VALUES (?, ?)", labels.items())
        update = (
            "UPDATE {table} SET fingerprint ="
            " (SELECT label FROM fingerprint_labels l WHERE l.fingerprint = {table}.fingerprint)"
        )
        conn.execute(update.format(table="credential_status"))
        if "password_fingerprints" in tables:
            conn.execute(update.format(table="password_fingerprints"))
        conn.execute("DROP TABLE temp.fingerprint_labels")


def _resguardo_version() -> str:
    from importlib import metadata  # lazy: only packages name the version

    try:
        return metadata.version("resguardo")
    except metadata.PackageNotFoundError:
        return "desconocida"


def write_package(
    snapshot: Path,
    archive: Path,
    *,
    key: Any,
    office: str,
    profile: str,
    schema_version: int,
    entries: int,
    head_hash: str,
    now: datetime,
) -> dict[str, Any]:
    """Write the zip ``archive`` from a snapshot already verified and scrubbed, signed with ``key``;
    returns the manifest. (``export_package`` makes the snapshot; the benchmark reuses one.)"""
    public = key.public_key().public_bytes_raw()
    manifest: dict[str, Any] = {
        "format": rules.FORMAT,
        "office": office,
        "profile": profile,
        "resguardo_version": _resguardo_version(),
        "schema_version": schema_version,
        "generated_at": now.astimezone(ZONE).isoformat(timespec="seconds"),
        "entries": entries,
        "head_hash": head_hash,
        "database_sha256": _sha256(snapshot),
        "database_size": snapshot.stat().st_size,
        "public_key": rules.public_key_text(public),
    }
    manifest_bytes = rules.manifest_bytes(manifest)
    placeholder = rules.signature_comment(bytes(rules.SIGNATURE_SIZE))
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
        bundle.writestr(_member(rules.MANIFEST_NAME, now), manifest_bytes)
        with (
            bundle.open(_member(rules.DATABASE_NAME, now), "w", force_zip64=True) as packed,
            snapshot.open("rb") as stream,
        ):
            while chunk := stream.read(_CHUNK):
                packed.write(chunk)
        bundle.comment = placeholder
    _sign_in_place(archive, key)
    return manifest


def export_package(store: Store, secrets: Secrets, *, office: str, destination: Path, now: datetime) -> ExportedPackage:
    """Write the office's package to ``destination`` (replaced atomically: temporary file, fsync, rename).

    PackageError / StoreError (Spanish) when the folder does not exist, the bitácora's chain is
    broken (a package vouches for it) or the file cannot be written; nothing is left under the
    final name then.
    """
    from store.bitacora import Bitacora  # lazy: only packages read the chain here
    from store.db import Store as Snapshot  # lazy: only packages need it

    code = rules.office_code(office)
    target = Path(destination).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise rules.PackageError(f"La carpeta {folder} no existe: no se escribió el paquete.")
    if target.is_dir():
        raise rules.PackageError(f"{target} es una carpeta: indique el nombre del archivo del paquete.")
    found = _private_key(secrets, create=True)
    assert found is not None
    key, _created = found
    public = key.public_key().public_bytes_raw()
    profile = store.settings.profile_id or ""
    made: list[Path] = []
    try:
        snapshot = _temp(folder)
        made.append(snapshot)
        copy = sqlite3.connect(snapshot, isolation_level=None)
        try:
            # pages=-1: the whole database in one step, one read transaction of the source.
            store.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            schema_version = int(copy.execute("PRAGMA user_version").fetchone()[0])
            copy.row_factory = sqlite3.Row
            check = Bitacora(Snapshot(copy, str(snapshot))).verify()
            if not check.ok:
                raise rules.PackageError(
                    f"La bitácora no es íntegra ({check.message}); no se exportó el paquete. Revise con"
                    " la verificación de la bitácora."
                )
            copy.row_factory = None
            copy.execute("BEGIN")
            scrub(copy)
            copy.execute("COMMIT")
            copy.execute("VACUUM")
        finally:
            copy.close()
        _fsync(snapshot)
        archive = _temp(folder)
        made.append(archive)
        manifest = write_package(
            snapshot,
            archive,
            key=key,
            office=code,
            profile=profile,
            schema_version=schema_version,
            entries=check.total,
            head_hash=check.head,
            now=now,
        )
        _fsync(archive)
        with contextlib.suppress(OSError):
            tighten(archive, PRIVATE_FILE)
        os.replace(archive, target)
        made.remove(archive)
        sync_folder(folder)
        return ExportedPackage(target, manifest, target.stat().st_size, rules.fingerprint(public))
    except OSError as exc:
        raise StoreError(
            f"No se pudo escribir el paquete {target}: {os_error_text(exc)}. No se escribió nada."
        ) from None
    except sqlite3.Error as exc:
        raise StoreError(f"No se pudo copiar la base de datos para el paquete: {exc}. No se escribió nada.") from None
    finally:
        for path in made:
            with contextlib.suppress(OSError):
                path.unlink()
