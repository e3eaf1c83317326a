"""Coordination across offices (issue #17): an office's package, and the coordination office's view.

An office exports a signed package of its database (``export_package``; its key:
``office_key``). The coordination office registers each office's public key
(``register_office``), imports the packages into its own database
(``import_package``: signature, manifest, the bitácora from genesis, and the
extension of the office's previous package) and reads the institution's agenda
(``coordination_agenda``) as of each office's last package: the office's
obligations are computed at import with the same agenda the office sees
(``tui.core.agenda.compute_agenda``) at a far horizon, and their status against
the clock at query time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from policy import package as rules
from policy.clock import end_of_day, local
from policy.codes import Kind, Status
from policy.engine import DEFAULT_SOON, SOON_WINDOWS
from policy.errors import UsageError
from policy.profile import short_document
from store import coordination as kept
from tui.core.agenda import DEFAULT_HORIZON_DAYS, compute_agenda

if TYPE_CHECKING:
    from store.coordination import Coordination, Office, StoredItem
    from store.db import Store
    from store.package import ExportedPackage, OfficeKey
    from store.secrets import Secrets

__all__ = [
    "coordination_agenda",
    "coordination_agenda_json",
    "export_package",
    "import_package",
    "list_offices",
    "office_key",
    "register_office",
]

ONE_SIDED = {
    "coordination_agenda_json": "the stable JSON of the command line, built by SQLite; the workbench reads the typed agenda",
    "register_office": "the coordination office registers keys from its command line; its workbench is read-only",
    "import_package": "importing is a command-line batch with a progress bar; the coordination workbench is read-only",
}

#: How far ahead the obligations are computed at import (the coordination's agenda reaches this far
#: after the package's date).
IMPORT_HORIZON_DAYS = 400
_STATUSES = (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING)


def office_key(store: Store, secrets: Secrets) -> OfficeKey:
    """The office's public key and its fingerprint (the key pair is created the first time)."""
    from store.package import office_key as key  # lazy: cryptography, only for packages

    found = key(secrets, create=True)
    assert found is not None
    return found


def export_package(store: Store, secrets: Secrets, *, office: str, destination: Path) -> ExportedPackage:
    """Write the office's signed package to ``destination`` (a consistent snapshot, never a secret)."""
    from store.package import export_package as export  # lazy: cryptography, zipfile

    return export(store, secrets, office=office, destination=destination, now=store.now())


def register_office(coordination: Coordination, *, code: str, public_key: str) -> Office:
    """Register an office and its public key (the same key again changes nothing)."""
    office = rules.office_code(code)
    raw = rules.parse_public_key(public_key)
    return coordination.add_office(office, rules.public_key_text(raw), rules.fingerprint(raw))


def list_offices(coordination: Coordination) -> list[Office]:
    return coordination.offices()


class Imported(NamedTuple):
    """What importing one package did."""

    office: str
    #: False when the package was the office's last one already («sin cambios»)
    changed: bool
    generated_at: datetime
    entries: int
    new_entries: int
    accounts: int
    obligations: int


def _rows(store: Store, at: datetime) -> list[kept.ObligationRow]:
    result = compute_agenda(store, at=at, horizon_days=IMPORT_HORIZON_DAYS)
    rows: list[kept.ObligationRow] = []
    rules_json: dict[object, str] = {}
    for item in result.items:
        rule = item.rule
        encoded = rules_json.get(rule)
        if encoded is None:
            encoded = rules_json[rule] = json.dumps(rule.as_dict(), ensure_ascii=False)
        window = SOON_WINDOWS.get(item.kind, DEFAULT_SOON)
        rows.append(
            kept.ObligationRow(
                kind=str(item.kind),
                due_at=item.due.isoformat(timespec="seconds"),
                due_ts=int(item.due.timestamp()),
                soon_s=int(window.total_seconds()),
                standing=item.standing,
                # an incident's notices head their status group (``policy.engine.sort_key``)
                priority=0 if item.kind == Kind.INCIDENT_NOTICE else 1,
                account_id=item.account.id if item.account else None,
                account_ref=item.account.ref if item.account else None,
                person_id=item.person.id if item.person else None,
                person_name=item.person.name if item.person else None,
                message=item.message,
                rule_document=short_document(result.profile, rule),
                rule_section=rule.section,
                rule_json=encoded,
                key=item.key,
            )
        )
    return rows


def import_package(coordination: Coordination, path: Path) -> Imported:
    """Check one package and replace its office's data with it, in one transaction.

    Refused (PackageError in Spanish, the coordination database unchanged) when the file is not a
    package, was altered, is signed by a key not registered for its office, its bitácora is broken,
    or it does not extend the office's previous package (a truncated or rewritten history).
    """
    source = Path(path)
    folder = Path(coordination.path).parent
    with kept.open_package(source, folder) as contents:
        manifest = contents.manifest
        code = manifest["office"]
        office = coordination.office(code)
        if office is None:
            raise rules.PackageError(
                f"El paquete {source.name} es de la oficina {code}, que no está registrada: registre su llave"
                " pública antes de importarlo."
            )
        if manifest["public_key"] != office.public_key:
            raise rules.PackageError(
                f"El paquete {source.name} está firmado con una llave que no es la registrada para la oficina"
                f" {code} (huella registrada {office.fingerprint}); no se importó."
            )
        if not kept.verify_signature(rules.parse_public_key(office.public_key), contents):
            raise rules.PackageError(
                f"La firma del paquete {source.name} de la oficina {code} no es válida: el paquete fue alterado"
                " después de firmarse; no se importó."
            )
        generated = datetime.fromisoformat(manifest["generated_at"])
        previous = kept.previous_head(coordination, code)
        if (
            (manifest["entries"], manifest["head_hash"]) == (previous.entries, previous.head_hash)
            and office.generated_at is not None
            and generated <= office.generated_at
        ):
            # the same package again (or an older one with the same bitácora): nothing to change
            return Imported(code, False, generated, previous.entries, 0, 0, 0)
        snapshot = kept.open_snapshot(contents, clock=lambda: generated)
        try:
            check = kept.verify_snapshot(snapshot, contents, previous)
            refusal = rules.extension_refusal(code, previous, check.entries, check.hash_at_previous)
            if refusal:
                raise rules.PackageError(refusal)
            rows = _rows(snapshot, generated)
            accounts, count = coordination.replace_office(contents, snapshot, check, previous, rows)
        finally:
            snapshot.close()
    return Imported(code, True, generated, check.entries, check.entries - previous.entries, accounts, count)


class CoordinationItem(NamedTuple):
    """One item of the institution's agenda."""

    office: str
    #: when the office's package was generated: the data the item comes from
    as_of: str | None
    status: Status
    kind: str
    due: str
    standing: bool
    account_id: int | None
    account_ref: str | None
    person_id: int | None
    person_name: str | None
    message: str
    rule_document: str
    rule_section: str
    rule_json: str
    key: str


class CoordinationAgenda(NamedTuple):
    now: datetime
    horizon_days: int
    items: Sequence[CoordinationItem]
    offices: Sequence[Office]

    def count(self, status: Status, office: str | None = None) -> int:
        return sum(1 for i in self.items if i.status is status and (office is None or i.office == office))


def _item(row: StoredItem, statuses: Callable[[int], Status] = _STATUSES.__getitem__) -> CoordinationItem:
    return CoordinationItem(row[0], row[1], statuses(row[2]), *row[3:])


def coordination_agenda(
    coordination: Coordination,
    *,
    at: datetime | None = None,
    horizon_days: int | None = None,
    office: str | None = None,
) -> CoordinationAgenda:
    """The institution's agenda as of ``at`` (by default now): per office, everything overdue plus what
    falls due by the end of the ``horizon_days``-th day, from each office's last package.

    UsageError for a negative horizon; PackageError for an office that is not registered.
    """
    now, limit, code = _window(coordination, at, horizon_days, office)
    offices = [o for o in coordination.offices() if code is None or o.code == code]
    items = [_item(row) for row in coordination.agenda(now=now, limit=limit, office=code)]
    days = DEFAULT_HORIZON_DAYS if horizon_days is None else horizon_days
    return CoordinationAgenda(now, days, items, offices)


def _window(
    coordination: Coordination, at: datetime | None, horizon_days: int | None, office: str | None
) -> tuple[datetime, datetime, str | None]:
    now = local(at if at is not None else coordination.now())
    days = DEFAULT_HORIZON_DAYS if horizon_days is None else horizon_days
    if days < 0:
        raise UsageError("Los días de anticipación no pueden ser negativos.")
    code = None
    if office is not None:
        code = rules.office_code(office)
        if coordination.office(code) is None:
            raise rules.PackageError(f"La oficina {code} no está registrada en la coordinación.")
    return now, end_of_day(now.date() + timedelta(days=days)), code


def coordination_agenda_json(
    coordination: Coordination,
    *,
    at: datetime | None = None,
    horizon_days: int | None = None,
    office: str | None = None,
) -> str:
    """``coordination_agenda``'s items as the stable JSON list (``docs/interfaces.md``), built by SQLite."""
    now, limit, code = _window(coordination, at, horizon_days, office)
    return coordination.agenda_json(now=now, limit=limit, office=code)
