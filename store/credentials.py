"""Credentials: what each password check found, keyed fingerprints, 2FA, and setting a password.

SQLite holds the findings (score, weak flag, reasons), HMAC fingerprints and
the second factor of each account; the secrets themselves live only in the
keyring (``store.secrets``). ``save_password`` is the one way to store a
password the core has judged (``tui.core.credentials.set_password``): it
records the rotation in the same step as the keyring write (see its
docstring for the order).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from policy import validate
from policy.clock import format_date
from policy.codes import AccountStatus, SecondFactor
from policy.profile import Profile
from policy.records import Account, CredentialState, SecondFactorState
from store.db import among, from_db_datetime, to_db_datetime
from store.errors import ConflictError, NotFoundError, StoreError

if TYPE_CHECKING:
    from policy.records import Closing
    from store.db import Store
    from store.history import Rotation
    from store.secrets import Secrets

INSTALLATION_KEY = "installation_id"


class Verdict(Protocol):
    """What ``Credentials.record`` keeps of a strength check (a StrengthReport, or a pending secret's copy)."""

    @property
    def score(self) -> int: ...
    @property
    def weak(self) -> bool: ...
    @property
    def reasons(self) -> Sequence[str]: ...


#: The columns ``_row_to_state`` reads, in its order.
_STATE_COLUMNS = "account_id, set_at, score, weak, reasons, fingerprint"


def _row_to_state(row: Sequence[Any]) -> CredentialState:
    account_id, set_at, score, weak, reasons, fingerprint = row
    return CredentialState(
        account_id,
        from_db_datetime(set_at),
        score,
        bool(weak),
        tuple(r for r in reasons.split(",") if r) if reasons else (),
        fingerprint,
    )


class Credentials:
    """The recorded side of the credentials (never a secret)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def installation_id(self) -> str:
        """The random id that names this database's entries in the keyring (created if missing)."""
        value = self._store.settings.get(INSTALLATION_KEY)
        if not value:
            import secrets as _random  # lazy: it imports hashlib, which pendientes does without

            value = _random.token_hex(8)
            self._store.settings.set(INSTALLATION_KEY, value)
        return str(value)

    def status(self, account_id: int) -> CredentialState | None:
        row = self._store.query_one(
            f"SELECT {_STATE_COLUMNS} FROM credential_status WHERE account_id = ?", (account_id,)
        )
        return _row_to_state(row) if row else None

    def all(self, accounts: Collection[int] | None = None) -> dict[int, CredentialState]:
        """account id -> its credential state, for every account with one (the agenda reads them all;
        only ``accounts`` when given).

        ``_row_to_state`` over every row, each distinct moment and reasons text converted once
        (passwords are set in batches; most have no reasons).
        """
        where, params = among("account_id", accounts)
        rows = self._store.rows(f"SELECT {_STATE_COLUMNS} FROM credential_status WHERE {where}", params)
        moments: dict[str, datetime] = {}
        codes: dict[str, tuple[str, ...]] = {}
        found: dict[int, CredentialState] = {}
        for account_id, set_at, score, weak, reasons, fingerprint in rows:
            moment = moments.get(set_at)
            if moment is None:
                moment = moments[set_at] = from_db_datetime(set_at)
            if reasons:
                split = codes.get(reasons)
                if split is None:
                    split = codes[reasons] = tuple(r for r in reasons.split(",") if r)
            else:
                split = ()
            found[account_id] = CredentialState(account_id, moment, score, bool(weak), split, fingerprint)
        return found

    def sharing(self, accounts: Collection[int]) -> set[int]:
        """The accounts whose current password's fingerprint is also the current one of one of
        ``accounts`` (those included when they share one): the accounts a reuse finding links."""
        where, params = among("mine.account_id", accounts)
        return {
            account_id
            for (account_id,) in self._store.rows(
                "SELECT DISTINCT other.account_id FROM credential_status mine JOIN credential_status other"
                f" ON other.fingerprint = mine.fingerprint AND other.fingerprint != '' WHERE {where}",
                params,
            )
        }

    def recent_fingerprints(self, account_id: int, limit: int) -> list[str]:
        """The fingerprints of the account's last ``limit`` passwords, newest first."""
        if limit <= 0:
            return []
        rows = self._store.query(
            "SELECT fingerprint FROM password_fingerprints WHERE account_id = ? ORDER BY set_at DESC, id DESC LIMIT ?",
            (account_id, limit),
        )
        return [r["fingerprint"] for r in rows]

    def accounts_using(self, fingerprint_value: str, exclude: int | None = None) -> list[Account]:
        """Accounts not closed whose current password has this fingerprint."""
        from store.accounts import ACCOUNT_COLUMNS_A, row_to_account  # lazy: only when a print is checked

        rows = self._store.query(
            f"SELECT {ACCOUNT_COLUMNS_A} FROM credential_status c JOIN accounts a ON a.id = c.account_id"
            " WHERE c.fingerprint = ? AND a.status != ? ORDER BY a.id",
            (fingerprint_value, AccountStatus.CLOSED.value),
        )
        return [row_to_account(r) for r in rows if r[0] != exclude]

    def record(
        self,
        account: Account,
        report: Verdict,
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
                (
                    account.id,
                    stamp,
                    report.score,
                    int(report.weak),
                    ",".join(report.reasons),
                    fingerprint_value,
                    source,
                    rotation.author,
                    store.stamp(),
                ),
            )
            store.insert(
                "password_fingerprints",
                {
                    "account_id": account.id,
                    "fingerprint": fingerprint_value,
                    "set_at": stamp,
                    "rotation_id": rotation.id,
                },
            )
        return rotation

    # -- secrets waiting for their rotation --------------------------------------

    def pending(self, account_id: int | None = None) -> list[PendingSecret]:
        """New secrets not yet in place (all, or one account's), oldest first."""
        where, params = ("WHERE account_id = ?", (account_id,)) if account_id is not None else ("", ())
        rows = self._store.rows(f"SELECT {_PENDING_COLUMNS} FROM pending_secrets {where} ORDER BY id", params)
        return [_row_to_pending(r) for r in rows]

    def pending_for(self, account_id: int, kind: str) -> PendingSecret | None:
        rows = self._store.rows(
            f"SELECT {_PENDING_COLUMNS} FROM pending_secrets WHERE account_id = ? AND kind = ?", (account_id, kind)
        )
        return _row_to_pending(rows[0]) if rows else None

    def begin_pending(
        self,
        account: Account,
        kind: str,
        *,
        source: str,
        author: str | None = None,
        reason: str | None = None,
        reference: str | None = None,
        verdict: Verdict | None = None,
        fingerprint_value: str | None = None,
        method: str | None = None,
        recovery_location: str | None = None,
    ) -> PendingSecret:
        """Commit the intent to store a new secret, BEFORE the keyring receives it.

        ConflictError when the account already has one of this kind (a
        crashed or concurrent save: ``settle_pending`` decides which).
        """
        store = self._store
        with store.atomic():
            if self.pending_for(account.id, kind) is not None:
                raise ConflictError(
                    f"Otro proceso está guardando {PENDING_LABELS[kind]} de {account.ref}; intente de nuevo."
                )
            pending_id = store.insert(
                "pending_secrets",
                {
                    "account_id": account.id,
                    "kind": kind,
                    "source": source,
                    "started_at": store.stamp(),
                    "author": author or store.author,
                    "reason": reason,
                    "reference": reference,
                    "score": verdict.score if verdict else None,
                    "weak": int(verdict.weak) if verdict else None,
                    "reasons": ",".join(verdict.reasons) if verdict else None,
                    "fingerprint": fingerprint_value,
                    "method": method,
                    "recovery_location": recovery_location,
                },
            )
        found = self.pending_for(account.id, kind)
        assert found is not None and found.id == pending_id
        return found

    def mark_pending_committed(self, pending_id: int, rotation_id: int | None) -> None:
        """Inside the transaction that records the change: the new secret is now the official one."""
        cursor = self._store.execute(
            "UPDATE pending_secrets SET committed = 1, rotation_id = ? WHERE id = ? AND committed = 0",
            (rotation_id, pending_id),
        )
        if cursor.rowcount != 1:
            raise ConflictError("El guardado se interrumpió desde otra ventana: no se registró nada.")

    def drop_pending(self, pending_id: int) -> None:
        with self._store.atomic():
            self._store.execute("DELETE FROM pending_secrets WHERE id = ?", (pending_id,))

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

    def second_factors(self, accounts: Collection[int] | None = None) -> dict[int, SecondFactorState]:
        """account id -> its recorded second factor (of ``accounts`` when given)."""
        where, params = among("account_id", accounts)
        rows = self._store.rows(f"SELECT {_FACTOR_COLUMNS} FROM second_factors WHERE {where}", params)
        return {
            account_id: SecondFactorState(account_id, method, location, bool(codes))
            for account_id, method, location, codes in rows
        }


#: The Spanish name of each kind of pending secret, as it reads inside a sentence.
PENDING_LABELS = {"password": "la contraseña", "recovery": "los códigos de recuperación"}


class PendingSecret(NamedTuple):
    """A new secret that waits beside the current one (never the secret itself)."""

    id: int
    account_id: int
    kind: str
    source: str
    started_at: datetime
    author: str | None
    reason: str | None
    reference: str | None
    score: int | None
    weak: bool
    reasons: tuple[str, ...]
    fingerprint: str | None
    method: str | None
    recovery_location: str | None
    rotation_id: int | None
    committed: bool

    @property
    def label(self) -> str:
        return PENDING_LABELS[self.kind]


_PENDING_COLUMNS = (
    "id, account_id, kind, source, started_at, author, reason, reference, score, weak, reasons, fingerprint,"
    " method, recovery_location, rotation_id, committed"
)


def _row_to_pending(row: Sequence[Any]) -> PendingSecret:
    (
        pending_id,
        account_id,
        kind,
        source,
        started,
        author,
        reason,
        reference,
        score,
        weak,
        reasons,
        print_value,
        method,
        location,
        rotation_id,
        committed,
    ) = row
    return PendingSecret(
        pending_id,
        account_id,
        kind,
        source,
        from_db_datetime(started),
        author,
        reason,
        reference,
        score,
        bool(weak),
        tuple(r for r in (reasons or "").split(",") if r),
        print_value,
        method,
        location,
        rotation_id,
        bool(committed),
    )


#: The columns ``_row_to_factor`` reads, in its order.
_FACTOR_COLUMNS = "account_id, method, recovery_location, codes_in_keyring"


def _row_to_factor(row: Sequence[Any]) -> SecondFactorState:
    return SecondFactorState(row[0], row[1], row[2], bool(row[3]))


# -- checking and setting ---------------------------------------------------------


def strength_inputs(
    store: Store,
    account: Account,
    profile: Profile,
    people: dict[int, str] | None = None,
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
    from policy.strength import build_user_inputs  # lazy: the agenda never needs it

    return build_user_inputs(account.handle, account.network, institution, admins + others, extra)


def save_password(
    store: Store,
    secrets: Secrets,
    account: Account,
    password: str,
    verdict: Verdict,
    fingerprint_value: str,
    *,
    source: str,
    reason: str | None,
    author: str | None,
    reference: str | None,
) -> Rotation:
    """Store a password already judged (``tui.core.credentials.set_password`` decides); at no point is one lost.

    Each step durable before the next:

    1. commit a ``pending_secrets`` row (the intent);
    2. write the new password to the keyring under a DISTINCT name, beside
       the current one (``Secrets.pending_name``);
    3. in ONE transaction record the rotation, findings and fingerprint and
       mark the intent committed;
    4. promote the new password into place (dropping the old one), then drop
       the intent.

    Killed anywhere, the old password is in place until step 3 commits and
    the new one is kept from step 2 on; the next run finishes step 4 on its
    own, and shows a new password whose rotation was never recorded so the
    user confirms or discards it (``settle_pending``). A failure at step 2 or
    3 removes the pending password again; the current one was never touched.
    Call ``clear_way`` first. Raises ConflictError (another save of this
    account is under way), SecretStoreError (keyring).
    """
    pending = store.credentials.begin_pending(
        account,
        "password",
        source=source,
        author=author,
        reason=reason,
        reference=reference,
        verdict=verdict,
        fingerprint_value=fingerprint_value,
    )
    username = secrets.password_key(account.id)
    _stage(store, secrets, pending, username, password)
    try:
        with store.atomic():
            rotation = store.credentials.record(
                account,
                verdict,
                fingerprint_value,
                at=store.now(),
                source=source,
                reason=reason,
                author=author,
                reference=reference,
            )
            store.credentials.mark_pending_committed(pending.id, rotation.id)
    except BaseException:
        _abandon(store, secrets, pending, username)
        raise
    _finish(store, secrets, pending, username)
    _checkpoint(store, secrets)
    return rotation


def _secret_name(secrets: Secrets, pending: PendingSecret) -> str:
    if pending.kind == "password":
        return secrets.password_key(pending.account_id)
    return secrets.recovery_key(pending.account_id)


def clear_way(store: Store, secrets: Secrets, account: Account, kind: str) -> None:
    """Before a new save: settle what an earlier, interrupted save of this account left behind.

    ConflictError when a new secret of it still waits for the user's decision
    (saving another would hide that one).
    """
    pending = store.credentials.pending_for(account.id, kind)
    if pending is None:
        return
    if settle_pending(store, secrets, pending) == AWAITING:
        raise ConflictError(
            f"Hay {pending.label} nueva de {account.ref} sin confirmar, de un guardado interrumpido el"
            f" {_when(pending.started_at)}. Confírmela o descártela antes de guardar otra"
            f" («resguardo credencial confirmar {account.ref}» o «resguardo credencial descartar {account.ref}»;"
            " en el banco de trabajo, la tecla c en Cuentas)."
        )


def _when(moment: datetime) -> str:
    return f"{format_date(moment.date())} a las {moment:%H:%M}"


def _stage(store: Store, secrets: Secrets, pending: PendingSecret, username: str, value: str) -> None:
    """Step 2: the new secret beside the current one. A failure leaves no intent behind."""
    try:
        secrets.put(secrets.pending_name(username), value)
    except BaseException:
        _abandon(store, secrets, pending, username)
        raise


def _abandon(store: Store, secrets: Secrets, pending: PendingSecret, username: str) -> None:
    """Undo steps 1–2 after a failure (the current secret was never touched).

    If even the pending secret cannot be removed, the intent stays, so the
    next run shows it instead of forgetting a secret that is still stored.
    """
    from store.secrets import SecretStoreError  # lazy: the agenda never needs it

    try:
        secrets.delete(secrets.pending_name(username))
    except SecretStoreError:
        return
    with contextlib.suppress(StoreError):
        store.credentials.drop_pending(pending.id)


def _finish(store: Store, secrets: Secrets, pending: PendingSecret, username: str) -> None:
    """Step 4: promote the recorded secret and drop the intent (idempotent: a rerun after a crash)."""
    from store.secrets import SecretStoreError  # lazy: the agenda never needs it

    try:
        secrets.promote(username)
    except SecretStoreError as exc:
        raise StoreError(
            f"El cambio quedó registrado, pero el llavero falló al poner {pending.label} nueva en su lugar"
            f" ({exc.message}). Está guardada aparte y se termina de colocar en la próxima orden que abra el"
            " llavero («resguardo credencial revisar» o «resguardo llavero estado --probar»)."
        ) from None
    store.credentials.drop_pending(pending.id)


def _checkpoint(store: Store, secrets: Secrets) -> None:
    """A keyed checkpoint of the bitácora while the keyring is at hand (never raises; store.integrity)."""
    from store.integrity import checkpoint  # lazy: hashlib/hmac, not for the agenda

    checkpoint(store, secrets)


#: Outcomes of ``settle_pending``.
COMPLETED = "completada"  # its change was recorded: the new secret is now in place
ABANDONED = "abandonada"  # the save stopped before the keyring had it: nothing to keep
AWAITING = "sin confirmar"  # stored, its change never recorded: the user decides


def settle_pending(store: Store, secrets: Secrets, pending: PendingSecret) -> str:
    """Finish what can be finished of an interrupted save, without guessing.

    A recorded change gets its secret promoted (COMPLETED); an intent whose
    secret never reached the keyring is dropped (ABANDONED); a secret whose
    change was never recorded is left for the user (AWAITING): neither lost
    nor silently made the official one.
    """
    username = _secret_name(secrets, pending)
    if pending.committed:
        _finish(store, secrets, pending, username)
        return COMPLETED
    if secrets.get(secrets.pending_name(username)) is None:
        store.credentials.drop_pending(pending.id)
        return ABANDONED
    return AWAITING


def settle_all(store: Store, secrets: Secrets) -> list[tuple[PendingSecret, str]]:
    """``settle_pending`` for every pending secret; returns each with its outcome."""
    return [(pending, settle_pending(store, secrets, pending)) for pending in store.credentials.pending()]


def pending_of(store: Store, account: Account, kind: str) -> PendingSecret:
    pending = store.credentials.pending_for(account.id, kind)
    if pending is None:
        raise NotFoundError(f"No hay {PENDING_LABELS[kind]} de {account.ref} pendiente de confirmar.")
    return pending


class _Judged(NamedTuple):
    score: int
    weak: bool
    reasons: tuple[str, ...]


def confirm_pending(store: Store, secrets: Secrets, account: Account, kind: str = "password") -> PendingSecret:
    """Make a pending secret the official one: record its change as it was judged, then promote it.

    The rotation (or the 2FA record) is dated when the interrupted save
    started. NotFoundError when there is nothing pending, or when the new
    secret never reached the keyring (then the current one stays).
    """
    pending = pending_of(store, account, kind)
    username = _secret_name(secrets, pending)
    if pending.committed:
        _finish(store, secrets, pending, username)
        return pending
    if secrets.get(secrets.pending_name(username)) is None:
        store.credentials.drop_pending(pending.id)
        raise NotFoundError(
            f"{PENDING_LABELS[kind].capitalize()} nueva de {account.ref} no llegó a guardarse en el llavero:"
            " no hay nada que confirmar y sigue vigente la anterior."
        )
    with store.atomic():
        rotation_id = None
        if kind == "password":
            judged = _Judged(pending.score or 0, pending.weak, pending.reasons)
            rotation = store.credentials.record(
                account,
                judged,
                pending.fingerprint or "",
                at=pending.started_at,
                source=pending.source,
                reason=pending.reason,
                author=pending.author,
                reference=pending.reference,
            )
            rotation_id = rotation.id
        else:
            store.credentials.set_second_factor(
                account,
                pending.method or SecondFactor.APP.value,
                recovery_location=pending.recovery_location,
                codes_in_keyring=True,
                author=pending.author,
            )
        store.credentials.mark_pending_committed(pending.id, rotation_id)
    _finish(store, secrets, pending, username)
    _checkpoint(store, secrets)
    return pending


def discard_pending(store: Store, secrets: Secrets, account: Account, kind: str = "password") -> str:
    """Drop a pending secret whose change was never recorded; the current one stays.

    One whose change WAS recorded is the official one already: it is put in
    place instead (returns COMPLETED); otherwise returns ABANDONED.
    """
    pending = pending_of(store, account, kind)
    username = _secret_name(secrets, pending)
    if pending.committed:
        _finish(store, secrets, pending, username)
        return COMPLETED
    secrets.delete(secrets.pending_name(username))
    store.credentials.drop_pending(pending.id)
    return ABANDONED


def read_password(store: Store, secrets: Secrets, account: Account) -> str:
    """The stored password of ``account``; NotFoundError when the keyring has none.

    A new password whose rotation is recorded but whose promotion was
    interrupted is put in place first, so this is always the recorded one.
    """
    pending = store.credentials.pending_for(account.id, "password")
    if pending is not None and pending.committed:
        settle_pending(store, secrets, pending)
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
    """Record the 2FA method (and, when given, keep the recovery codes, already checked, in the keyring).

    The codes follow ``set_password``'s order: intent, codes beside the
    current ones, the record, then the promotion; never lost at any crash.
    """
    if codes is None:
        return store.credentials.set_second_factor(account, method, recovery_location=recovery_location, author=author)
    clean_method = validate.choice(method, "método", [m.value for m in SecondFactor])
    clear_way(store, secrets, account, "recovery")
    pending = store.credentials.begin_pending(
        account,
        "recovery",
        source="codigos",
        author=author,
        method=clean_method,
        recovery_location=recovery_location,
    )
    username = secrets.recovery_key(account.id)
    _stage(store, secrets, pending, username, codes)
    try:
        with store.atomic():
            state = store.credentials.set_second_factor(
                account, clean_method, recovery_location=recovery_location, codes_in_keyring=True, author=author
            )
            store.credentials.mark_pending_committed(pending.id, None)
    except BaseException:
        _abandon(store, secrets, pending, username)
        raise
    _finish(store, secrets, pending, username)
    _checkpoint(store, secrets)
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
    from store.secrets import SecretStoreError  # lazy: the agenda never needs it

    closing = store.closings.get(closing_id)
    account_id = closing.account_id
    keys = {
        secrets.password_key(account_id): "la contraseña",
        secrets.recovery_key(account_id): "los códigos de recuperación",
        # What an interrupted save left beside them goes too (the account is closed).
        secrets.pending_name(secrets.password_key(account_id)): "la contraseña sin confirmar",
        secrets.pending_name(secrets.recovery_key(account_id)): "los códigos sin confirmar",
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
                closing_id,
                on=on,
                removed=[keys[key] for key in held],
            )
            store.execute("UPDATE second_factors SET codes_in_keyring = 0 WHERE account_id = ?", (account_id,))
            store.execute("DELETE FROM pending_secrets WHERE account_id = ?", (account_id,))
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
    _checkpoint(store, secrets)
    return closing, [keys[key] for key in held]
