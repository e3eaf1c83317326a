"""An office's package for the coordination office: the pure rules (issue #17).

An office sends a package (one zip file) holding a snapshot of its database, a
manifest and an Ed25519 signature. This module holds what needs no I/O: the
manifest's shape and its checks, the bytes the signature covers, how a public
key is written and fingerprinted, the office codes, and whether a new package's
bitácora extends the previous one.

The cryptography itself (signing, verifying) lives in ``store.package``; here a
key is only 32 raw bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from policy.errors import ResguardoError
from policy.labels import plural

FORMAT = "resguardo-paquete/1"
#: The names inside the zip.
MANIFEST_NAME = "manifiesto.json"
DATABASE_NAME = "base.sqlite"
#: The signature travels as the zip's comment, the file's last bytes: ``SIGNATURE_TAG`` and 128 hex digits.
#: It covers every byte before it (both members, the zip's directories, the comment's length), so
#: changing any byte of the file breaks it.
SIGNATURE_TAG = b"resguardo-firma-ed25519:"
SIGNATURE_COMMENT_SIZE = len(SIGNATURE_TAG) + 128
#: The manifest's keys, exactly (the coordination office relies on them).
MANIFEST_KEYS = (
    "format",
    "office",
    "profile",
    "resguardo_version",
    "schema_version",
    "generated_at",
    "entries",
    "head_hash",
    "database_sha256",
    "database_size",
    "public_key",
)
PUBLIC_KEY_SIZE = 32
SIGNATURE_SIZE = 64
#: An office code: letters, digits, «-» and «_», 1 to 32 characters (``IECM-DD05``, ``INE_JL09``).
_OFFICE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class PackageError(ResguardoError):
    """A package that cannot be read, is not genuine, or does not extend the office's previous one."""

    title = "Paquete"


def office_code(text: str) -> str:
    """The office code as stored (upper case); PackageError when it is not one."""
    code = text.strip()
    if not _OFFICE_CODE.fullmatch(code):
        raise PackageError(
            f"La clave de oficina «{text.strip()}» no es válida: use de 1 a 32 letras, dígitos, «-» o «_»"
            " (por ejemplo IECM-DD05)."
        )
    return code.upper()


#: A written public key starts with this (base64 may start with «-», which a command line would take
#: for an option).
PUBLIC_KEY_PREFIX = "ed25519:"


def public_key_text(raw: bytes) -> str:
    """How a public key is written for registration: ``ed25519:`` and URL-safe base64 of its 32 raw bytes."""
    return PUBLIC_KEY_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of a public key written by ``public_key_text``; PackageError otherwise."""
    cleaned = "".join(text.split()).removeprefix(PUBLIC_KEY_PREFIX)
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != PUBLIC_KEY_SIZE or public_key_text(raw) != PUBLIC_KEY_PREFIX + cleaned:
        raise PackageError(
            "La llave pública no es válida: copie completa la que muestra «resguardo paquete llave» en la oficina"
            " (ed25519: y 43 caracteres)."
        )
    return raw


def fingerprint(raw: bytes) -> str:
    """A short fingerprint to read aloud: base32 of SHA-256 of the raw key, 20 characters in groups of 4."""
    digest = base64.b32encode(hashlib.sha256(raw).digest()).decode("ascii")[:20]
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as written in the package: sorted keys, UTF-8, indented (people read it too)."""
    return (json.dumps(dict(manifest), ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def signed_message(prefix_sha256: str) -> bytes:
    """What the signature covers: the format and the SHA-256 of every byte of the file before the signature."""
    return FORMAT.encode("ascii") + b"\x00" + prefix_sha256.encode("ascii")


def signature_comment(signature: bytes) -> bytes:
    """The zip comment that carries ``signature``."""
    return SIGNATURE_TAG + signature.hex().encode("ascii")


def signature_of(comment: bytes) -> bytes | None:
    """The 64 bytes of the signature in the file's last ``SIGNATURE_COMMENT_SIZE`` bytes, or None."""
    if len(comment) != SIGNATURE_COMMENT_SIZE or not comment.startswith(SIGNATURE_TAG):
        return None
    digits = comment[len(SIGNATURE_TAG) :]
    if any(ch not in b"0123456789abcdef" for ch in digits):
        return None
    return bytes.fromhex(digits.decode("ascii"))


def read_manifest(data: bytes) -> dict[str, Any]:
    """The manifest's fields, checked for shape; PackageError (Spanish) when it is not one."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageError("El manifiesto del paquete está dañado (no es JSON válido).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError("El archivo no es un paquete de resguardo (formato de manifiesto desconocido).")
    if set(manifest) != set(MANIFEST_KEYS):
        raise PackageError("El manifiesto del paquete no tiene los campos esperados.")
    problems = [
        not isinstance(manifest["office"], str),
        not isinstance(manifest["profile"], str),
        not isinstance(manifest["resguardo_version"], str),
        not isinstance(manifest["generated_at"], str),
        not isinstance(manifest["schema_version"], int) or isinstance(manifest["schema_version"], bool),
        not isinstance(manifest["entries"], int) or isinstance(manifest["entries"], bool) or manifest["entries"] < 0,
        not isinstance(manifest["database_size"], int) or manifest["database_size"] < 0,
        not isinstance(manifest["head_hash"], str) or not _HEX64.fullmatch(manifest["head_hash"]),
        not isinstance(manifest["database_sha256"], str) or not _HEX64.fullmatch(manifest["database_sha256"]),
        not isinstance(manifest["public_key"], str),
    ]
    if any(problems):
        raise PackageError("El manifiesto del paquete tiene un campo con un valor inválido.")
    manifest["office"] = office_code(manifest["office"])
    return manifest


class Previous(NamedTuple):
    """The bitácora as the office's last imported package had it."""

    entries: int
    head_hash: str


def extension_refusal(office: str, previous: Previous, entries: int, hash_at_previous: str | None) -> str | None:
    """Why a new package's bitácora does not extend ``previous``, or None when it does.

    ``entries`` is the new chain's length and ``hash_at_previous`` the hash of its entry at
    position ``previous.entries`` (None when it is shorter). The new chain must have the old one
    as its prefix: same count-prefix, same hash there.
    """
    if entries < previous.entries:
        return (
            f"El paquete de la oficina {office} tiene {plural(entries, 'entrada')} en la bitácora, menos que las"
            f" {previous.entries} del paquete anterior: se borraron entradas. Se conservan los datos anteriores."
        )
    if previous.entries and hash_at_previous != previous.head_hash:
        return (
            f"La bitácora de la oficina {office} no extiende la del paquete anterior: la entrada en la posición"
            f" {previous.entries} ya no es la misma (se reescribió la historia). Se conservan los datos anteriores."
        )
    return None
