"""Credential findings: the agenda's password checks and the health report of ``credencial revisar``.

Pure: they read what was recorded when each password was set (score, weak
flag, keyed fingerprint), never the secrets themselves. Every finding cites
the profile's ``password_composition`` rule (rotation findings cite ``rotation``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from policy.checks import assignments_by_account, designated_accounts, live_accounts
from policy.clock import add_months, end_of_day, format_date, local
from policy.codes import Kind, Role, SecondFactor
from policy.errors import PolicyError
from policy.labels import SECOND_FACTOR_LABELS
from policy.obligations import Obligation, State
from policy.records import Account, Assignment, Citation, CredentialState

#: Issue codes of ``credencial revisar --json`` (a stable interface, documented in the README).
WEAK = "weak"
REUSED = "reused"
ROTATION_OVERDUE = "rotation_overdue"
NEVER_SET = "never_set"
ADMIN_CHANGED = "admin_changed"
NO_2FA = "no_2fa"
#: Only with ``--completo`` (the secrets are read back from the keyring).
MISSING_SECRET = "missing_secret"
CHANGED_OUTSIDE = "changed_outside"
BREAKS_RULE = "breaks_rule"

ISSUE_ORDER = (
    NEVER_SET,
    MISSING_SECRET,
    WEAK,
    BREAKS_RULE,
    REUSED,
    CHANGED_OUTSIDE,
    ROTATION_OVERDUE,
    ADMIN_CHANGED,
    NO_2FA,
)

#: Each issue code by the short Spanish name a person reads (the review's «Problemas» in the workbench).
ISSUE_LABELS: dict[str, str] = {
    NEVER_SET: "sin guardar",
    MISSING_SECRET: "falta en el llavero",
    WEAK: "débil",
    BREAKS_RULE: "no cumple la regla",
    REUSED: "repetida",
    CHANGED_OUTSIDE: "cambiada fuera de resguardo",
    ROTATION_OVERDUE: "rotación vencida",
    ADMIN_CHANGED: "cambio de administración",
    NO_2FA: "sin segundo factor",
}


def issue_labels(codes: Sequence[str]) -> str:
    """«débil, repetida»: the issue codes by their Spanish names, in order."""
    return ", ".join(ISSUE_LABELS.get(code, code) for code in codes)


class PasswordRejectedError(PolicyError):
    """The password breaks the rule, is weak, or was used before: nothing was stored."""

    title = "Contraseña rechazada"


#: The rotation's reason when a generated password is saved without one.
GENERATED_REASON = "Contraseña generada"


def rotation_reason(reason: str | None, *, generated: bool) -> str | None:
    """The reason a new password's rotation is recorded with: the user's, else ``GENERATED_REASON`` for a
    generated one."""
    return reason or (GENERATED_REASON if generated else None)


def reuse_refusal(
    account_ref: str, fingerprint: str, recent: Sequence[str], history: int, others: Sequence[str]
) -> str | None:
    """Why a password with ``fingerprint`` may not be used for the account, or None.

    Refused: one of the account's last ``history`` passwords (``recent``, its
    fingerprints newest first, as the profile's ``password_history`` asks), or
    the current password of another open account (``others``: their
    ``red/usuario``). The reason is a clause to continue a sentence (no
    capital, no period).
    """
    if fingerprint in recent[:history]:
        return f"ya se usó en {account_ref} (no se repiten las últimas {history})"
    if others:
        return "es la misma que usa " + ", ".join(others)
    return None


def is_weak(cred: CredentialState, min_score: int) -> bool:
    """Weak when it was found weak at set time or its score is below today's threshold."""
    return cred.weak or cred.score < min_score


def reuse_groups(credentials: Mapping[int, CredentialState], account_ids: set[int]) -> dict[int, list[int]]:
    """account id -> the other accounts (among ``account_ids``) whose current password is the same."""
    # Shared prints are rare: find them first, then group only those (same order as grouping all).
    seen: set[str] = set()
    repeated: set[str] = set()
    for account_id, cred in credentials.items():
        fingerprint = cred.fingerprint
        if fingerprint and account_id in account_ids:
            if fingerprint in seen:
                repeated.add(fingerprint)
            else:
                seen.add(fingerprint)
    by_print: dict[str, list[int]] = defaultdict(list)
    if repeated:
        for account_id, cred in credentials.items():
            if cred.fingerprint in repeated and account_id in account_ids:
                by_print[cred.fingerprint].append(account_id)
    shared: dict[int, list[int]] = {}
    for ids in by_print.values():
        if len(ids) > 1:
            for account_id in ids:
                shared[account_id] = sorted(i for i in ids if i != account_id)
    return shared


def _rule(state: State) -> Citation | None:
    profile = state.profile
    return profile.rule("password_composition") if profile.has_rule("password_composition") else None


def _min_score(state: State) -> int:
    return state.profile.settings.min_zxcvbn_score


def weak_password(state: State, now: datetime) -> Iterator[Obligation]:
    """A live account whose stored password was judged weak (or falls below today's threshold)."""
    rule = _rule(state)
    if state.credentials is None or rule is None:
        return
    min_score = _min_score(state)
    for acc in live_accounts(state):
        cred = state.credentials.get(acc.id)
        if cred is None or not is_weak(cred, min_score):
            continue
        why = (
            "contiene el nombre de usuario"
            if "contains_handle" in cred.reasons
            else (f"puntaje {cred.score} de 4; se pide {min_score}")
        )
        yield Obligation(
            kind=Kind.WEAK_PASSWORD,
            due=local(cred.set_at),
            rule=rule,
            message=(
                f"La contraseña guardada el {format_date(local(cred.set_at).date())} es débil ({why}):"
                f" cámbiela con «resguardo credencial generar {acc.ref}»."
            ),
            account=acc,
            standing=True,
        )


def reused_password(state: State, now: datetime) -> Iterator[Obligation]:
    """Live accounts that share the same password."""
    rule = _rule(state)
    if state.credentials is None or rule is None:
        return
    live = {acc.id: acc for acc in live_accounts(state)}
    shared = reuse_groups(state.credentials, set(live))
    for account_id, others in shared.items():
        acc = live[account_id]
        cred = state.credentials[account_id]
        names = ", ".join(live[o].ref for o in others)
        yield Obligation(
            kind=Kind.REUSED_PASSWORD,
            due=local(cred.set_at),
            rule=rule,
            message=(
                f"La contraseña es la misma que la de {names}: use una distinta en cada cuenta"
                f" («resguardo credencial generar {acc.ref}»)."
            ),
            account=acc,
            standing=True,
        )


def no_password(state: State, now: datetime) -> Iterator[Obligation]:
    """An active account whose password is not in the keyring, after a grace period.

    The grace (``password_grace_days``, 30 by default) starts when the account
    was registered, so an office that has just adopted resguardo sees these as
    upcoming tasks rather than a wall of overdue findings.
    """
    rule = _rule(state)
    if state.credentials is None or rule is None:
        return
    grace = state.profile.settings.password_grace_days
    for acc in live_accounts(state):
        if acc.id in state.credentials:
            continue
        registered = local(acc.created_at).date() if acc.created_at else now.date()
        yield Obligation(
            kind=Kind.NO_PASSWORD,
            due=end_of_day(registered + timedelta(days=grace)),
            rule=rule,
            # Worded for both faces: the workbench's key (k) and the command line's «credencial fijar»
            # resolve it, and each face says how (a command here was a dead end in the workbench).
            message=(
                f"La contraseña de {acc.ref} no está en el llavero: guárdela (o genere una nueva) para que"
                " resguardo revise su fortaleza y que no se repita."
            ),
            account=acc,
        )


# -- the health report -------------------------------------------------------------


class HealthItem(NamedTuple):
    account: Account
    issues: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def message(self) -> str:
        return " ".join(self.messages)


def _rotation_due(state: State, acc: Account, now: datetime) -> datetime | None:
    months = state.profile.settings.rotation_months
    if not months:
        return None
    last = state.last_rotation.get(acc.id)
    if last is not None:
        base = local(last).date()
    elif acc.opened_on is not None:
        base = acc.opened_on
    else:
        base = local(acc.created_at).date() if acc.created_at else now.date()
    return end_of_day(add_months(base, int(months)))


def _admin_changes(assignments: Sequence[Assignment], state: State, since: date, today: date) -> list[str]:
    names: list[str] = []
    for item in assignments:
        if item.role == Role.COADMIN:
            continue
        person = state.people.get(item.person_id)
        who = person.name if person else "una persona"
        if since < item.start <= today:
            names.append(f"{who} empezó el {format_date(item.start)}")
        elif item.end is not None and since <= item.end < today:
            names.append(f"{who} terminó el {format_date(item.end)}")
    return names


def health_report(
    state: State,
    now: datetime,
    *,
    rechecked: Mapping[int, Sequence[str]] | None = None,
) -> list[HealthItem]:
    """Every designated account (active or authorized) with what is wrong with its credentials.

    ``rechecked`` adds the findings of a full re-read of the keyring (codes
    ``missing_secret``, ``changed_outside``, ``breaks_rule``, ``weak``,
    ``reused``) to what was recorded. Accounts without issues are included
    with an empty tuple, so callers can count them.
    """
    now = local(now)
    today = now.date()
    credentials = state.credentials or {}
    factors = state.second_factors or {}
    min_score = _min_score(state)
    accounts = list(designated_accounts(state))
    refs = {acc.id: acc.ref for acc in accounts}
    shared = reuse_groups(credentials, set(refs))
    on_change = state.profile.settings.rotation_on_admin_change
    by_account = assignments_by_account(state)
    items: list[HealthItem] = []
    for acc in accounts:
        found: dict[str, str] = {}
        cred = credentials.get(acc.id)
        extra = set(rechecked.get(acc.id, ())) if rechecked else set()
        if cred is None:
            found[NEVER_SET] = "No hay contraseña guardada en el llavero."
        else:
            if is_weak(cred, min_score) or WEAK in extra:
                found[WEAK] = f"La contraseña es débil (puntaje {cred.score} de 4; se pide {min_score})."
            if acc.id in shared:
                others = ", ".join(refs[o] for o in shared[acc.id])
                found[REUSED] = f"Repite la contraseña de {others}."
        if MISSING_SECRET in extra:
            found[MISSING_SECRET] = "resguardo la registró, pero no está en el llavero."
        if CHANGED_OUTSIDE in extra:
            found[CHANGED_OUTSIDE] = "La contraseña del llavero cambió fuera de resguardo."
        if BREAKS_RULE in extra:
            found[BREAKS_RULE] = "No cumple la regla de composición vigente."
        if REUSED in extra and REUSED not in found:
            found[REUSED] = "Repite la contraseña de otra cuenta."
        due = _rotation_due(state, acc, now)
        if due is not None and due <= now:
            found[ROTATION_OVERDUE] = f"La rotación venció el {format_date(due.date())}."
        last = state.last_rotation.get(acc.id)
        if last is not None:
            changes = _admin_changes(by_account.get(acc.id, ()), state, local(last).date(), today)
            if changes:
                verb = "debe" if on_change else "conviene"
                found[ADMIN_CHANGED] = (
                    f"Cambió la administración desde la última rotación ({'; '.join(changes)}): {verb} rotarla."
                )
        factor = factors.get(acc.id)
        if factor is None:
            found[NO_2FA] = "No hay segundo factor registrado."
        elif factor.method == SecondFactor.NONE:
            found[NO_2FA] = "La cuenta no usa segundo factor de autenticación."
        elif not factor.recovery_location and not factor.codes_in_keyring:
            label = SECOND_FACTOR_LABELS.get(factor.method, factor.method)
            found.setdefault(NO_2FA + "_codes", f"Usa {label}, pero no consta dónde están sus códigos de recuperación.")
        codes = tuple(code for code in ISSUE_ORDER if code in found)
        messages = tuple(found[code] for code in codes) + tuple(v for k, v in found.items() if k not in ISSUE_ORDER)
        items.append(HealthItem(account=acc, issues=codes, messages=messages))
    return items
