"""Passwords, recovery codes and the keyring: judge, generate, store, read, and finish interrupted saves.

The verdict on a password is policy's (``policy.strength.judge_password``,
``policy.credentials.reuse_refusal``); the crash-safe order of a keyring
write is the store's (``store.credentials.save_password``). The functions
here join them, once for both faces: ``credencial …`` and the workbench's
password dialog call the same ones. Secrets travel only as arguments and in
``StoredPassword``; no result type here holds one otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from policy.clock import format_date
from policy.codes import AccountStatus
from policy.credentials import (
    BREAKS_RULE,
    CHANGED_OUTSIDE,
    MISSING_SECRET,
    REUSED,
    WEAK,
    HealthItem,
    PasswordRejectedError,
    health_report,
    reuse_refusal,
    rotation_reason,
)
from policy.errors import UsageError
from policy.generator import generate_for_profile
from policy.labels import counted
from policy.profile import Profile
from policy.records import Account, SecondFactorState
from policy.reminders import oficio_reminder
from policy.strength import StrengthReport, check_input, judge_password, rejection_message
from store import credentials as kept
from store import secrets as keyrings
from store.credentials import AWAITING, PendingSecret
from store.db import Store
from store.errors import ConflictError
from store.history import Rotation
from store.secrets import Secrets, fingerprint
from store.state import load_state
from tui.core.common import AccountKey, account_of

__all__ = [
    "confirm_pending",
    "discard_pending",
    "evaluate_password",
    "generate_password",
    "open_keyring",
    "pending_secret",
    "read_password",
    "review_passwords",
    "set_password",
    "set_second_factor",
    "settle_interrupted_saves",
]

ONE_SIDED: dict[str, str] = {
    "read_password": "the workbench never shows nor copies a stored password, only the one being typed",
}

#: What asks for the encrypted file's master passphrase: called with True when the passphrase creates the file.
PassphraseSource = Callable[[bool], str]


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """A candidate's strength report (never the password) and, when it repeats one, why (a clause)."""

    report: StrengthReport
    reuse: str | None


@dataclass(frozen=True, slots=True)
class PasswordSet:
    """A password stored and its rotation recorded; ``reminder``: what the profile asks after it, if anything."""

    account: Account
    rotation: Rotation
    report: StrengthReport
    reminder: str | None


@dataclass(frozen=True, slots=True)
class StoredPassword:
    """The official password of an account (read from the keyring: show it only when asked to)."""

    account: Account
    password: str


@dataclass(frozen=True, slots=True)
class InterruptedSave:
    """A save a crash left half-way (never the secret), with the ``red/usuario`` of its account."""

    pending: PendingSecret
    account_ref: str

    @property
    def label(self) -> str:
        return self.pending.label


@dataclass(frozen=True, slots=True)
class SettledSave:
    """What settling an interrupted save did: ``outcome`` is ``COMPLETED``, ``ABANDONED`` or ``AWAITING``
    (of ``store.credentials``); ``verified`` is False when the keyring was not open to settle it."""

    save: InterruptedSave
    outcome: str
    verified: bool = True

    @property
    def waits(self) -> bool:
        """The user still has to act: the keyring was not open to settle it, or its new secret awaits a decision."""
        return not self.verified or self.outcome == AWAITING

    @property
    def notice(self) -> str:
        """What both faces say of it (each adds, for a save that ``waits``, where to decide)."""
        what, ref = self.save.label, self.save.account_ref
        moment = self.save.pending.started_at
        when = f"{format_date(moment.date())} a las {moment:%H:%M}"
        if not self.verified:
            return f"un guardado de {what} de {ref} quedó interrumpido ({when})"
        if self.outcome == kept.COMPLETED:
            return f"se terminó de guardar {what} de {ref} (su cambio ya estaba registrado)."
        if self.outcome == kept.ABANDONED:
            return f"el guardado de {what} de {ref} se interrumpió antes de llegar al llavero; sigue la anterior."
        return f"{what} nueva de {ref} ({when}) quedó sin confirmar"


@dataclass(frozen=True, slots=True)
class PasswordReview:
    """``credencial revisar``: every account's findings, and what interrupted saves left."""

    now: datetime
    items: Sequence[HealthItem]
    settled: Sequence[SettledSave]
    complete: bool

    @property
    def with_issues(self) -> list[HealthItem]:
        return [item for item in self.items if item.issues]

    @property
    def summary(self) -> str:
        """The review's first line, as both faces say it: the date, how many accounts and how it was read."""
        mode = "relectura completa del llavero" if self.complete else "lo registrado al guardar cada contraseña"
        return (
            f"Contraseñas al {format_date(self.now.date())}:"
            f" {counted(len(self.items), 'cuenta revisada', 'cuentas revisadas')},"
            f" {len(self.with_issues)} con problemas ({mode})."
        )


# -- the keyring ----------------------------------------------------------------------


def open_keyring(store: Store, passphrase: PassphraseSource | None = None) -> Secrets:
    """The installation's keyring; unlocked with ``passphrase`` when it is resguardo's encrypted file.

    Without ``passphrase`` the keyring is returned as it is (the encrypted file
    stays locked). KeyringLockedError / WrongPassphraseError (Spanish) when the
    passphrase is missing or wrong.
    """
    # Through the module: tests replace ``store.secrets.resolve_backend`` with an in-memory keyring.
    secrets = Secrets(keyrings.resolve_backend(store.path), store.credentials.installation_id())
    if passphrase is not None:
        secrets.unlock(passphrase)
    return secrets


# -- judging and generating -------------------------------------------------------------


def _inputs(store: Store, account: Account | None, profile: Profile) -> list[str]:
    if account is None:
        return [profile.short_name, profile.name, profile.id]
    return kept.strength_inputs(store, account, profile)


def _reuse(store: Store, profile: Profile, account: Account, print_value: str) -> str | None:
    history = profile.settings.password_history
    return reuse_refusal(
        account.ref,
        print_value,
        store.credentials.recent_fingerprints(account.id, history),
        history,
        [other.ref for other in store.credentials.accounts_using(print_value, exclude=account.id)],
    )


def evaluate_password(
    store: Store, account: AccountKey | None, password: str, *, secrets: Secrets | None = None
) -> PasswordCheck:
    """Judge a candidate under the profile (and the account's data when given); stores nothing.

    With an open keyring (``secrets``) that already has its fingerprint key,
    the check says whether the candidate repeats a password it may not reuse.
    Slow (~0.15 s for long inputs): the workbench calls it in a worker.
    """
    profile = store.settings.profile()
    found = account_of(store, account) if account is not None else None
    report = judge_password(
        password, profile, handle=found.handle if found else "", user_inputs=_inputs(store, found, profile)
    )
    reuse = None
    key = secrets.fingerprint_key() if secrets is not None else None
    if found is not None and key is not None and password:
        reuse = _reuse(store, profile, found, fingerprint(key, password))
    return PasswordCheck(report, reuse)


def generate_password(
    store: Store, account: AccountKey, *, phrase: bool = False, length: int | None = None, words: int | None = None
) -> str:
    """A new random password (or passphrase) for the account that meets the profile's rule; stores nothing.

    Defaults (``policy.generator.generate_for_profile``): 20 characters, never
    fewer than the profile's minimum; 6 words for a phrase.
    """
    found = account_of(store, account)
    profile = store.settings.profile()
    return generate_for_profile(
        profile,
        phrase=phrase,
        length=length,
        words=words,
        handle=found.handle,
        user_inputs=kept.strength_inputs(store, found, profile),
    )


# -- storing and reading ----------------------------------------------------------------


def set_password(
    store: Store,
    secrets: Secrets,
    account: AccountKey,
    password: str,
    *,
    generated: bool = False,
    reason: str | None = None,
    reference: str | None = None,
    author: str | None = None,
) -> PasswordSet:
    """Judge, store and record a new password for the account: all or nothing, never a password lost.

    Order: validate the input, refuse a closed account, judge it (composition,
    score, handle), settle what an earlier interrupted save left, refuse reuse
    (the account's last N passwords, any other account's current one), then
    ``store.credentials.save_password``. A ``generated`` password saved
    without a reason is recorded with ``GENERATED_REASON``.

    Raises UsageError (bad input), PasswordRejectedError (weak, rule, reuse),
    ConflictError (closed account, or a new password of this account awaits
    confirmation), SecretStoreError (keyring).
    """
    check_input(password)
    found = account_of(store, account)
    if found.status == AccountStatus.CLOSED:
        raise ConflictError(f"La cuenta {found.ref} está dada de baja.")
    profile = store.settings.profile()
    report = judge_password(password, profile, handle=found.handle, user_inputs=_inputs(store, found, profile))
    if not report.acceptable:
        raise PasswordRejectedError(rejection_message(report))
    kept.clear_way(store, secrets, found, "password")
    print_value = fingerprint(secrets.ensure_fingerprint_key(), password)
    refusal = _reuse(store, profile, found, print_value)
    if refusal:
        raise PasswordRejectedError(f"La contraseña no se guardó: {refusal}.")
    rotation = kept.save_password(
        store,
        secrets,
        found,
        password,
        report,
        print_value,
        source="generar" if generated else "fijar",
        reason=rotation_reason(reason, generated=generated),
        author=author,
        reference=reference,
    )
    return PasswordSet(found, rotation, report, oficio_reminder(profile.id, reference))


def read_password(store: Store, secrets: Secrets, account: AccountKey) -> StoredPassword:
    """The account's official password (a promotion a crash interrupted is finished first).

    NotFoundError when the keyring has none.
    """
    found = account_of(store, account)
    return StoredPassword(found, kept.read_password(store, secrets, found))


def set_second_factor(
    store: Store,
    account: AccountKey,
    method: str,
    *,
    recovery_location: str | None = None,
    codes: str | None = None,
    secrets: Secrets | None = None,
) -> SecondFactorState:
    """Record the account's second factor and where its recovery codes are kept.

    With ``codes`` (and the open keyring, ``secrets``) the codes are kept in the
    keyring, never in the database, with the same crash-safe order as a password.
    """
    found = account_of(store, account)
    if codes is None:
        return store.credentials.set_second_factor(found, method, recovery_location=recovery_location)
    if secrets is None:
        raise UsageError("Para guardar los códigos de recuperación hace falta el llavero abierto.")
    check_input(codes.replace("\n", " ").strip(), "los códigos de recuperación")
    return kept.save_recovery_codes(store, secrets, found, method, codes, recovery_location=recovery_location)


def review_passwords(store: Store, *, secrets: Secrets | None = None) -> PasswordReview:
    """Every account's password findings as of now (``policy.credentials.health_report``).

    With the open keyring (``secrets``): interrupted saves are settled first,
    and every stored password is read back and judged again (missing,
    changed outside resguardo, weak, breaking the rule, reused). Without it,
    what was recorded when each password was set, and the interrupted saves
    as they are.
    """
    now = store.now()
    settled = settle_interrupted_saves(store, secrets)
    state = load_state(store, now)  # after settling: it may have recorded rotations
    rechecked = recheck_all(store, secrets, state.profile) if secrets is not None else None
    return PasswordReview(now, health_report(state, now, rechecked=rechecked), settled, complete=secrets is not None)


def recheck_all(store: Store, secrets: Secrets, profile: Profile) -> dict[int, list[str]]:
    """Read every recorded password back and judge it again: account id -> extra issue codes.

    ``missing_secret``, ``changed_outside``, ``weak``, ``breaks_rule``,
    ``reused``. Never returns or stores a secret.
    """
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
        value = secrets.get(secrets.password_key(account_id))
        if value is None:
            found[account_id] = [MISSING_SECRET]
            continue
        inputs = kept.strength_inputs(store, account, profile, people, holders)
        report = judge_password(value, profile, handle=account.handle, user_inputs=inputs)
        codes: list[str] = []
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


# -- saves a crash interrupted (see store.credentials.settle_pending) ----------------------


def _refs(store: Store, pending: Sequence[PendingSecret]) -> dict[int, str]:
    return {a.id: a.ref for a in store.accounts.list()} if pending else {}


def settle_interrupted_saves(
    store: Store, secrets: Secrets | None, account: AccountKey | None = None
) -> list[SettledSave]:
    """Finish what interrupted saves left (all, or one account's), without guessing; oldest first.

    A recorded change gets its secret put in place (COMPLETED), an intent whose
    secret never reached the keyring is dropped (ABANDONED), a secret whose
    change was never recorded waits for the user (AWAITING). Without the open
    keyring (``secrets`` None) nothing is touched: every save is listed as
    AWAITING and not ``verified``.
    """
    account_id = account_of(store, account).id if account is not None else None
    pending = store.credentials.pending(account_id)
    refs = {a.id: a.ref for a in store.accounts.list()} if pending else {}
    return [
        SettledSave(
            InterruptedSave(p, refs.get(p.account_id, str(p.account_id))),
            kept.settle_pending(store, secrets, p) if secrets is not None else AWAITING,
            verified=secrets is not None,
        )
        for p in pending
    ]


def pending_secret(store: Store, account: AccountKey, kind: str = "password") -> InterruptedSave | None:
    """The account's new secret of ``kind`` (``password`` or ``recovery``) that waits, if any."""
    found = account_of(store, account)
    pending = store.credentials.pending_for(found.id, kind)
    return InterruptedSave(pending, found.ref) if pending is not None else None


def confirm_pending(store: Store, secrets: Secrets, account: AccountKey, kind: str = "password") -> InterruptedSave:
    """Make the waiting new secret the official one; its change is dated when the interrupted save started.

    NotFoundError when nothing waits, or the new secret never reached the keyring.
    """
    found = account_of(store, account)
    return InterruptedSave(kept.confirm_pending(store, secrets, found, kind), found.ref)


def discard_pending(store: Store, secrets: Secrets, account: AccountKey, kind: str = "password") -> SettledSave:
    """Drop the waiting new secret (the current one stays): outcome ABANDONED; COMPLETED when its change
    was already recorded (then it is put in place instead)."""
    found = account_of(store, account)
    pending = kept.pending_of(store, found, kind)
    return SettledSave(InterruptedSave(pending, found.ref), kept.discard_pending(store, secrets, found, kind))
