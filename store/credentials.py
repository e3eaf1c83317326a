"""Credentials: what each password check found, keyed fingerprints, 2FA, and setting a password.

SQLite holds the findings (score, weak flag, reasons), HMAC fingerprints and
the second factor of each account; the secrets themselves live only in the
keyring (``store.secrets``). ``set_password`` is the one way to store a
password: it checks it, refuses reuse, and records the rotation in the same
step as the keyring write (see its docstring for the order).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.errors import PolicyError
from policy.model import (
    Account,
    AccountStatus,
    CredentialState,
    SecondFactor,
    SecondFactorState,
)
from policy.profile import Profile
from store import validate
from store.db import from_db_datetime, to_db_datetime
from store.errors import ConflictError, NotFoundError, StoreError

if TYPE_CHECKING:
    from policy.model import Closing
    from policy.strength import StrengthReport
    from store.db import Store
    from store.history import Rotation
    from store.secrets import Secrets

INSTALLATION_KEY = "installation_id"


class PasswordRejectedError(PolicyError):
    """The password breaks the rule, is weak, or was used before: nothing was stored."""

    title = "Contraseña rechazada"


class SetResult(NamedTuple):
    account: Account
    rotation: Rotation
    report: StrengthReport


#: The columns ``_row_to_state`` reads, in its order.
_STATE_COLUMNS = "account_id, set_at, score, weak, reasons, fingerprint"


def _row_to_state(row: Sequence[Any]) -> CredentialState:
    account_id, set_at, score, weak, reasons, fingerprint = row
    return CredentialState(
        account_id, from_db_datetime(set_at), score, bool(weak),
        tuple(r for r in reasons.split(",") if r) if reasons else (), fingerprint,
    )


class Credentials:
    """The recorded side of the credentials (never a secret)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def installation_id(self) -> str:
        """The random id that names this database's entries in the keyring (created if missing)."""
        value = self._store.settings.get(INSTALLATION_KEY)
        if not value:
            import secrets as _random

            value = _random.token_hex(8)
            self._store.settings.set(INSTALLATION_KEY, value)
        return str(value)

    def status(self, account_id: int) -> CredentialState | None:
        row = self._store.query_one(f"SELECT {_STATE_COLUMNS} FROM credential_status WHERE account_id = ?", (account_id,))
        return _row_to_state(row) if row else None

    def all(self) -> dict[int, CredentialState]:
        rows = self._store.rows(f"SELECT {_STATE_COLUMNS} FROM credential_status")
        return {r[0]: _row_to_state(r) for r in rows}

    def recent_fingerprints(self, account_id: int, limit: int) -> list[str]:
        """The fingerprints of the account's last ``limit`` passwords, newest first."""
        if limit <= 0:
            return []
        rows = self._store.query(
            "SELECT fingerprint FROM password_fingerprints WHERE account_id = ?"
            " ORDER BY set_at DESC, id DESC LIMIT ?",
            (account_id, limit),
        )
        return [r["fingerprint"] for r in rows]

    def accounts_using(self, fingerprint_value: str, exclude: int | None = None) -> list[Account]:
        """Accounts not closed whose current password has this fingerprint."""
        from store.accounts import ACCOUNT_COLUMNS_A, row_to_account

        rows = self._store.query(
            f"SELECT {ACCOUNT_COLUMNS_A} FROM credential_status c JOIN accounts a ON a.id = c.account_id"
            " WHERE c.fingerprint = ? AND a.status != ? ORDER BY a.id",
            (fingerprint_value, AccountStatus.CLOSED.value),
        )
        return [row_to_account(r) for r in rows if r[0] != exclude]

    def record(
        self,
        account: Account,
        report: StrengthReport,
        fingerprint_value: str,
        *,
        at: datetime,
        source: str,
        reason: str | None,
        author: str | None,
        reference: str | None,
    ) -> Rotation:
        """Record a new password's rotation, findings and fingerprint (one transaction)."""
        store = self._store
        with store.atomic():
            rotation = store.rotations.record(account, at, reason=reason, author=author, reference=reference)
            stamp = to_db_datetime(at)
            store.execute(
                "INSERT INTO credential_status"
                " (account_id, set_at, score, weak, reasons, fingerprint, source, author, checked_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (account_id) DO UPDATE SET set_at = excluded.set_at, score = excluded.score,"
                " weak = excluded.weak, reasons = excluded.reasons, fingerprint = excluded.fingerprint,"
                " source = excluded.source, author = excluded.author, checked_at = excluded.checked_at",
                (account.id, stamp, report.score, int(report.weak), ",".join(report.reasons),
                 fingerprint_value, source, rotation.author, store.stamp()),
            )
            store.insert(
                "password_fingerprints",
                {"account_id": account.id, "fingerprint": fingerprint_value, "set_at": stamp,
                 "rotation_id": rotation.id},
            )
        return rotation

    # -- second factor ------------------------------------------------------

    def set_second_factor(
        self,
        account: Account,
        method: str,
        *,
        recovery_location: str | None = None,
        codes_in_keyring: bool | None = None,
        author: str | None = None,
    ) -> SecondFactorState:
        """Record the account's 2FA method and where its recovery codes are kept."""
        clean = validate.choice(method, "método", [m.value for m in SecondFactor])
        location = validate.text(recovery_location, "resguardo de los códigos", limit=validate.MAX_MEDIUM)
        current = self.second_factor(account.id)
        in_keyring = codes_in_keyring if codes_in_keyring is not None else bool(current and current.codes_in_keyring)
        with self._store.atomic():
            self._store.execute(
                "INSERT INTO second_factors (account_id, method, recovery_location, codes_in_keyring, author,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (account_id) DO UPDATE SET method = excluded.method,"
                " recovery_location = coalesce(excluded.recovery_location, second_factors.recovery_location),"
                " codes_in_keyring = excluded.codes_in_keyring, author = excluded.author,"
                " updated_at = excluded.updated_at",
                (account.id, clean, location, int(in_keyring), author or self._store.author, self._store.stamp()),
            )
        found = self.second_factor(account.id)
        assert found is not None
        return found

    def second_factor(self, account_id: int) -> SecondFactorState | None:
        row = self._store.query_one(f"SELECT {_FACTOR_COLUMNS} FROM second_factors WHERE account_id = ?", (account_id,))
        return _row_to_factor(row) if row else None

    def second_factors(self) -> dict[int, SecondFactorState]:
        rows = self._store.rows(f"SELECT {_FACTOR_COLUMNS} FROM second_factors")
        return {r[0]: _row_to_factor(r) for r in rows}


#: The columns ``_row_to_factor`` reads, in its order.
_FACTOR_COLUMNS = "account_id, method, recovery_location, codes_in_keyring"


def _row_to_factor(row: Sequence[Any]) -> SecondFactorState:
    return SecondFactorState(row[0], row[1], row[2], bool(row[3]))


# -- checking and setting ---------------------------------------------------------


def strength_inputs(
    store: Store, account: Account, profile: Profile, people: dict[int, str] | None = None,
    assignments: dict[int, list[int]] | None = None,
) -> list[str]:
    """zxcvbn's user inputs for an account: handle first, then network, institution, people.

    The account's own administrators come before everybody else. ``people``
    (id -> name) and ``assignments`` (account id -> person ids) may be passed
    in when many accounts are checked in a row.
    """
    by_id = people if people is not None else {p.id: p.name for p in store.people.list()}
    if assignments is not None:
        holder_ids = assignments.get(account.id, [])
    else:
        holder_ids = [a.person_id for a in store.assignments.for_account(account.id)]
    admins = [by_id[i] for i in holder_ids if i in by_id]
    chosen = set(admins)
    others = [name for name in by_id.values() if name not in chosen]
    institution = [profile.short_name, profile.name, profile.id]
    extra = [account.area or "", (account.email or "").split("@")[0]]
    from policy.strength import build_user_inputs  # deferred: the agenda never needs it

    return build_user_inputs(account.handle, account.network, institution, admins + others, extra)


def evaluate(
    store: Store, account: Account | None, password: str, profile: Profile, inputs: list[str] | None = None
) -> StrengthReport:
    """Check a candidate against the profile (and the account's data when given)."""
    if inputs is None:
        inputs = strength_inputs(store, account, profile) if account else [profile.short_name, profile.name, profile.id]
    from policy.strength import check_password  # deferred: the agenda never needs it

    return check_password(
        password,
        min_length=int(profile.setting("min_length", 12)),
        min_score=int(profile.setting("min_zxcvbn_score", 3)),
        handle=account.handle if account else "",
        user_inputs=inputs,
    )


def rejection_message(report: StrengthReport) -> str:
    parts = list(report.messages)
    if report.warning:
        parts.append(report.warning)
    parts.extend(report.suggestions)
    return "La contraseña no se guardó. " + " ".join(parts)


#: The rotation's reason when a generated password is saved without one.
GENERATED_REASON = "Contraseña generada"


def set_password(
    store: Store,
    secrets: Secrets,
    account: Account,
    password: str,
    *,
    source: str = "fijar",
    reason: str | None = None,
    author: str | None = None,
    reference: str | None = None,
) -> SetResult:
    """Check, store and record a new password for ``account``, all or nothing.

    Order: validate the input, judge it (composition, score, handle), refuse
    reuse (the account's last N fingerprints, any other account's current
    one), then in ONE transaction record the rotation, findings and
    fingerprint and, last, write the keyring. A keyring failure rolls the
    transaction back (no rotation recorded); a failure after the keyring write
    (the commit) puts the previous keyring value back.

    A generated password (``source="generar"``) saved without a reason is
    recorded with ``GENERATED_REASON``.

    Raises UsageError (bad input), PasswordRejectedError (weak, rule, reuse),
    ConflictError (closed account), SecretStoreError (keyring).
    """
    from policy.strength import check_input
    from store.secrets import fingerprint  # deferred: the agenda never needs it

    check_input(password)
    if account.status == AccountStatus.CLOSED:
        raise ConflictError(f"La cuenta {account.ref} está dada de baja.")
    profile = store.settings.profile()
    report = evaluate(store, account, password, profile)
    if not report.acceptable:
        raise PasswordRejectedError(rejection_message(report))
    key = secrets.fingerprint_key()
    new_key = key is None
    if key is None:
        key = secrets.new_fingerprint_key()
    print_value = fingerprint(key, password)
    history = int(profile.setting("password_history", 5))
    if print_value in store.credentials.recent_fingerprints(account.id, history):
        raise PasswordRejectedError(
            f"La contraseña no se guardó: ya se usó en {account.ref} (no se repiten las últimas {history})."
        )
    others = store.credentials.accounts_using(print_value, exclude=account.id)
    if others:
        names = ", ".join(o.ref for o in others)
        raise PasswordRejectedError(f"La contraseña no se guardó: es la misma que usa {names}.")
    username = secrets.password_key(account.id)
    previous = secrets.get(username)
    wrote_password = wrote_key = False
    try:
        with store.atomic():
            rotation = store.credentials.record(
                account, report, print_value, at=store.now(), source=source,
                reason=reason or (GENERATED_REASON if source == "generar" else None),
                author=author, reference=reference,
            )
            if new_key:
                secrets.save_fingerprint_key(key)
                wrote_key = True
            secrets.put(username, password)
            wrote_password = True
    except BaseException:
        _undo(secrets, username, previous, wrote_password, wrote_key)
        raise
    return SetResult(account=account, rotation=rotation, report=report)


def _undo(secrets: Secrets, username: str, previous: str | None, wrote_password: bool, wrote_key: bool) -> None:
    """Put the keyring back as it was after a failed set; tell the user if even that fails."""
    from store.secrets import SecretStoreError  # deferred: the agenda never needs it

    try:
        if wrote_password:
            secrets.restore(username, previous)
        if wrote_key:
            secrets.delete(secrets.fingerprint_key_name())
    except SecretStoreError:
        raise StoreError(
            "No se pudo registrar el cambio y tampoco restaurar el valor anterior en el llavero:"
            " revise la contraseña de la cuenta con «resguardo credencial revisar --completo»."
        ) from None


def read_password(store: Store, secrets: Secrets, account: Account) -> str:
    """The stored password of ``account``; NotFoundError when the keyring has none."""
    value = secrets.get(secrets.password_key(account.id))
    if value is None:
        raise NotFoundError(
            f"No hay contraseña guardada para {account.ref}; guárdela con «resguardo credencial fijar {account.ref}»."
        )
    return value


def save_recovery_codes(
    store: Store,
    secrets: Secrets,
    account: Account,
    method: str,
    codes: str | None,
    *,
    recovery_location: str | None = None,
    author: str | None = None,
) -> SecondFactorState:
    """Record the 2FA method (and, when given, keep the recovery codes in the keyring), all or nothing."""
    from store.secrets import SecretStoreError  # deferred: the agenda never needs it

    if codes is None:
        return store.credentials.set_second_factor(
            account, method, recovery_location=recovery_location, author=author
        )
    from policy.strength import check_input

    check_input(codes.replace("\n", " ").strip(), "los códigos de recuperación")
    username = secrets.recovery_key(account.id)
    previous = secrets.get(username)
    wrote = False
    try:
        with store.atomic():
            state = store.credentials.set_second_factor(
                account, method, recovery_location=recovery_location, codes_in_keyring=True, author=author
            )
            secrets.put(username, codes)
            wrote = True
    except BaseException:
        if wrote:
            with contextlib.suppress(SecretStoreError):
                secrets.restore(username, previous)
        raise
    return state


def remove_closing_secrets(
    store: Store,
    secrets: Secrets,
    closing_id: int,
    *,
    on: date,
    items: Sequence[str] = (),
    reference: str | None = None,
) -> tuple[Closing, list[str]]:
    """Delete a closed account's password and recovery codes from the keyring and mark
    «contraseña borrada del llavero» done (with ``items``, other checklist items too), all or nothing.

    Order: read what the keyring holds (a failure changes nothing), then in ONE
    transaction record the checklist item, its bitácora entry and the second
    factor's codes as gone and, last, delete the entries. A failed deletion
    rolls the transaction back and puts back what was already deleted. An
    encrypted-file keyring that does not exist yet holds nothing: it is not
    created. Returns the closing and what was deleted (Spanish labels).

    Raises NotFoundError (unknown closing), ConflictError (already done),
    UsageError (bad date or items), SecretStoreError (keyring).
    """
    from store.secrets import SecretStoreError  # deferred: the agenda never needs it

    closing = store.closings.get(closing_id)
    account_id = closing.account_id
    keys = {
        secrets.password_key(account_id): "la contraseña",
        secrets.recovery_key(account_id): "los códigos de recuperación",
    }
    if secrets.encrypted_file and not secrets.backend.exists:
        held: dict[str, str] = {}
    else:
        held = {key: value for key in keys if (value := secrets.get(key)) is not None}
    deleted: list[str] = []
    try:
        with store.atomic():
            if items or reference:
                store.closings.mark(closing_id, list(items), on=on, reference=reference)
            closing = store.closings.record_secrets_removed(
                closing_id, on=on, removed=[keys[key] for key in held],
            )
            store.execute("UPDATE second_factors SET codes_in_keyring = 0 WHERE account_id = ?", (account_id,))
            for key in held:
                secrets.delete(key)
                deleted.append(key)
    except BaseException:
        try:
            for key in deleted:
                secrets.put(key, held[key])
        except SecretStoreError:
            raise StoreError(
                "No se pudo registrar la baja de los secretos y tampoco devolverlos al llavero:"
                " la contraseña de la cuenta pudo perderse; revise el llavero."
            ) from None
        raise
    return closing, [keys[key] for key in held]


def recheck_all(store: Store, secrets: Secrets, profile: Profile) -> dict[int, list[str]]:
    """Read every recorded password back and judge it again (``credencial revisar --completo``).

    Returns account id -> extra issue codes: ``missing_secret``,
    ``changed_outside``, ``weak``, ``breaks_rule``, ``reused``. Never returns
    or stores a secret.
    """
    from policy.credentials import BREAKS_RULE, CHANGED_OUTSIDE, MISSING_SECRET, REUSED, WEAK
    from store.secrets import fingerprint  # deferred: the agenda never needs it

    key = secrets.fingerprint_key()
    found: dict[int, list[str]] = {}
    prints: dict[str, list[int]] = {}
    accounts = {a.id: a for a in store.accounts.list() if a.status != AccountStatus.CLOSED}
    people = {p.id: p.name for p in store.people.list()}
    holders: dict[int, list[int]] = {}
    for item in store.assignments.all():
        holders.setdefault(item.account_id, []).append(item.person_id)
    for account_id, cred in store.credentials.all().items():
        account = accounts.get(account_id)
        if account is None:
            continue
        codes: list[str] = []
        value = secrets.get(secrets.password_key(account_id))
        if value is None:
            found[account_id] = [MISSING_SECRET]
            continue
        inputs = strength_inputs(store, account, profile, people, holders)
        report = evaluate(store, account, value, profile, inputs)
        if report.weak:
            codes.append(WEAK)
        if not report.meets_composition:
            codes.append(BREAKS_RULE)
        if key is not None:
            current = fingerprint(key, value)
            if current != cred.fingerprint:
                codes.append(CHANGED_OUTSIDE)
            prints.setdefault(current, []).append(account_id)
        if codes:
            found[account_id] = codes
    for ids in prints.values():
        if len(ids) > 1:
            for account_id in ids:
                found.setdefault(account_id, []).append(REUSED)
    return found

