"""The checks of the foundation: periodic deadlines and standing findings.

Every function takes the state and ``now`` (aware, Mexico City) and yields
obligations citing the profile's clause. A profile without the rule (or with
its setting cleared) yields nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta

from policy.clock import add_months, by_deadline, end_of_day, format_date, local, start_of_day
from policy.codes import AccountStatus, Kind, Network, Role, Verification
from policy.labels import RANK_LABELS, office_with_article, periodic_label
from policy.obligations import Obligation, State
from policy.profile import content_windows
from policy.records import Account, Assignment

_ROLE_NAMES: dict[str, str] = {
    Role.TITULAR: "titular",
    Role.SUPLENTE: "suplente",
    Role.ENLACE: "enlace",
    Role.COADMIN: "coadministración",
}

# A rank inside a sentence: «X es personal operativo» (the form's list says «operativo»).
_RANK_NAMES: dict[str, str] = {**RANK_LABELS, "operativo": "personal operativo"}


def live_accounts(state: State) -> list[Account]:
    """Accounts in operation: every periodic obligation applies to them."""
    found: list[Account] | None = state.derived.get("live")
    if found is None:
        found = state.derived["live"] = [acc for acc in state.accounts if acc.status == AccountStatus.ACTIVE]
    return found


def designated_accounts(state: State) -> list[Account]:
    """Accounts that must already have administrators (authorized or active)."""
    found: list[Account] | None = state.derived.get("designated")
    if found is None:
        wanted = (AccountStatus.ACTIVE, AccountStatus.AUTHORIZED)
        found = state.derived["designated"] = [acc for acc in state.accounts if acc.status in wanted]
    return found


def current_assignments(state: State, today: date) -> list[tuple[Assignment, Account]]:
    """The assignments in force ``today`` on designated accounts, each with its account."""
    key = ("current", today)
    found: list[tuple[Assignment, Account]] | None = state.derived.get(key)
    if found is None:
        accounts = {acc.id: acc for acc in designated_accounts(state)}
        found = state.derived[key] = [
            (item, accounts[item.account_id])
            for item in state.assignments
            if item.account_id in accounts and item.active_on(today)
        ]
    return found


def assignments_by_account(state: State) -> dict[int, list[Assignment]]:
    """account id -> its assignments, in the state's order (built once per state; read only)."""
    found: dict[int, list[Assignment]] | None = state.derived.get("by_account")
    if found is None:
        grouped: dict[int, list[Assignment]] = defaultdict(list)
        for item in state.assignments:
            grouped[item.account_id].append(item)
        found = state.derived["by_account"] = dict(grouped)
    return found


def first_start_by_person(state: State, today: date, roles: tuple[str, ...] | None = None) -> dict[int, date]:
    """person id -> the earliest start among their assignments in force ``today`` (only of
    ``roles`` when given), in order of first appearance (built once per state; read only)."""
    key = ("first_start", today, roles)
    found: dict[int, date] | None = state.derived.get(key)
    if found is None:
        found = state.derived[key] = {}
        get = found.get
        for item, _acc in current_assignments(state, today):
            if roles is not None and item.role not in roles:
                continue
            person_id, start = item.person_id, item.start
            current = get(person_id)
            if current is None or start < current:
                found[person_id] = start
    return found


def _since(acc: Account, now: datetime) -> datetime:
    """When a standing finding began: the account's registration (or, if unknown, the start of
    today: not ``now`` itself, so the agenda stays the same all day, ``policy.engine.steady_until``)."""
    return local(acc.created_at) if acc.created_at else start_of_day(now.date())


def opening_day(acc: Account, now: datetime) -> date:
    """The day an account's periodic duties run from: its opening, else its registration (else today)."""
    return acc.opened_on or (local(acc.created_at).date() if acc.created_at else now.date())


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " y " + names[-1]


def _beyond(state: State, due: datetime) -> bool:
    """True when ``due`` falls after the agenda being built (no need to word it)."""
    return state.agenda_until is not None and due > state.agenda_until


def _months_after(months: int) -> Callable[[date], datetime]:
    """``day -> end_of_day(add_months(day, months))``, each day computed once: the periodic checks
    ask it for thousands of subjects whose latest records fall on a few hundred days."""
    done: dict[date, datetime] = {}

    def due(day: date) -> datetime:
        found = done.get(day)
        if found is None:
            found = done[day] = end_of_day(add_months(day, months))
        return found

    return due


def rotation(state: State, now: datetime) -> Iterator[Obligation]:
    """Password rotation: every N months, and (iecm) at once after an administrator change."""
    profile = state.profile
    months = profile.settings.rotation_months
    on_change = profile.settings.rotation_on_admin_change
    if not months and not on_change:
        return
    by_account = assignments_by_account(state) if on_change else {}
    periodic = bool(months)
    rule = profile.setting_rule("rotation") if periodic else None
    last_rotation = state.last_rotation.get
    until = state.agenda_until
    due_after = _months_after(months or 0)  # (asked only when periodic)
    for acc in live_accounts(state):
        last = last_rotation(acc.id)
        last_day = local(last).date() if last else None
        if rule is not None:
            # The due date first: the message is worded only for what the agenda shows.
            if last_day is not None:
                due = due_after(last_day)
            elif acc.opened_on is not None:
                due = due_after(acc.opened_on)
            else:
                due = _since(acc, now)
            if until is None or due <= until:  # (not _beyond)
                if last_day is not None:
                    message = (
                        f"Rotar la contraseña: la última rotación fue el {format_date(last_day)}"
                        f" y el plazo es de {months} meses; rótela {by_deadline(due)}."
                    )
                elif acc.opened_on is not None:
                    message = (
                        f"Rotar la contraseña: no hay rotación registrada desde la apertura"
                        f" ({format_date(acc.opened_on)}); el plazo es de {months} meses; rótela {by_deadline(due)}."
                    )
                else:
                    message = (
                        "Rotar la contraseña: no hay ninguna rotación registrada para esta cuenta"
                        f" (plazo de {months} meses)."
                    )
                yield Obligation(kind=Kind.ROTATION, due=due, rule=rule, message=message, account=acc)
        if on_change:
            key = "rotation_admin_change" if profile.has_rule("rotation_admin_change") else "rotation"
            if not profile.has_rule(key):
                continue
            changes = [
                item
                for item in by_account.get(acc.id, ())
                if item.end is not None and item.role != Role.COADMIN and (last_day is None or item.end > last_day)
            ]
            if not changes:
                continue
            first = min(changes, key=lambda item: (item.end, item.id))
            assert first.end is not None
            person = state.people.get(first.person_id)
            who = person.name if person else "la persona administradora"
            yield Obligation(
                kind=Kind.ROTATION,
                due=end_of_day(first.end),
                rule=profile.rule(key),
                message=(
                    f"Cambiar la contraseña: {who} dejó de administrar la cuenta"
                    f" el {format_date(first.end)} y no hay rotación posterior; cámbiela {by_deadline(end_of_day(first.end))}."
                ),
                account=acc,
                person=person,
                ref_id=first.id,
            )


def evaluation(state: State, now: datetime) -> Iterator[Obligation]:
    """Evaluation of every account at least every N months (six in the criteria)."""
    profile = state.profile
    months = profile.settings.evaluation_months
    if not months:
        return
    rule = profile.setting_rule("evaluation")
    last_evaluation = state.last_evaluation.get
    until = state.agenda_until
    due_after = _months_after(months)
    for acc in live_accounts(state):
        last = last_evaluation(acc.id)
        base = last if last is not None else opening_day(acc, now)
        due = due_after(base)
        if until is not None and due > until:  # _beyond
            continue
        if last is not None:
            what = f"la última evaluación fue el {format_date(last)}"
        else:
            what = f"no hay evaluación registrada desde el {format_date(base)}"
        yield Obligation(
            kind=Kind.EVALUATION,
            due=due,
            rule=rule,
            message=f"Evaluar la cuenta: {what} (cada {months} meses); evalúela {by_deadline(due)}.",
            label=periodic_label("Evaluación", months),
            account=acc,
        )


def training(state: State, now: datetime) -> Iterator[Obligation]:
    """Annual training of every person who administers a live account."""
    profile = state.profile
    months = profile.settings.training_months
    if not months:
        return
    rule = profile.setting_rule("training")
    people = state.people.get
    last_training = state.last_training.get
    until = state.agenda_until
    due_after = _months_after(months)
    for person_id, start in first_start_by_person(state, now.date()).items():
        person = people(person_id)
        if person is None:
            continue
        last = last_training(person_id)
        due = due_after(last if last is not None else start)
        if until is not None and due > until:  # _beyond
            continue
        if last is not None:
            what = f"la última fue el {format_date(last)}"
        else:
            what = f"no tiene capacitación registrada desde que administra ({format_date(start)})"
        yield Obligation(
            kind=Kind.TRAINING,
            due=due,
            rule=rule,
            message=f"Capacitación de {person.name}: {what}; capacítela {by_deadline(due)}.",
            label=periodic_label("Capacitación", months),
            person=person,
        )


def missing_admin(state: State, now: datetime) -> Iterator[Obligation]:
    """Accounts without the administrators the profile requires (titular/suplente, enlace)."""
    profile = state.profile
    roles: list[str] = list(profile.settings.admin_roles)
    if not roles or not profile.has_rule("administrators"):
        return
    rule = profile.rule("administrators")
    today = now.date()
    by_account = assignments_by_account(state)
    for acc in designated_accounts(state):
        items = by_account.get(acc.id, ())
        held = {a.role for a in items if a.start <= today and (a.end is None or today <= a.end)}  # active_on
        missing = [role for role in roles if role not in held]
        if not missing:
            continue
        since = _since(acc, now)
        ended = [a.end for a in items if a.role in missing and a.end is not None and a.end < today]
        if ended:
            since = max(since, end_of_day(max(ended)))
        names = [_ROLE_NAMES.get(role, role) for role in missing]
        yield Obligation(
            kind=Kind.MISSING_ADMIN,
            due=since,
            rule=rule,
            message=f"Falta designar {_join(names)} de la cuenta.",
            account=acc,
            standing=True,
        )


def restricted_access(state: State, now: datetime) -> Iterator[Obligation]:
    """ine §5.1: only the designated administrators (and the area's head) have access to an
    account, so a co-administrator is a finding (issue #13 defect 9)."""
    profile = state.profile
    if not profile.has_rule("access") or Role.COADMIN in profile.settings.admin_roles:
        return
    rule = profile.rule("access")
    today = now.date()
    for item, acc in current_assignments(state, today):
        if item.role != Role.COADMIN:
            continue
        person = state.people.get(item.person_id)
        who = person.name if person else "Una persona"
        yield Obligation(
            kind=Kind.ACCESS,
            due=max(_since(acc, now), start_of_day(item.start)),
            rule=rule,
            message=(
                f"{who} es coadministradora de la cuenta desde el {format_date(item.start)}: solo tienen"
                " acceso las personas designadas como titular y suplente, y la persona titular del área."
            ),
            account=acc,
            person=person,
            standing=True,
        )


#: ine §7.X: the one YouTube account of the Instituto.
_INETV = "inetv"


def youtube_homologation(state: State, now: datetime) -> Iterator[Obligation]:
    """ine §7.X: there is one YouTube account, INETV, run only by the CNCS; any other area's
    YouTube account is a finding (POLICY.md §11)."""
    profile = state.profile
    if not profile.has_rule("youtube_homologation"):
        return
    rule = profile.rule("youtube_homologation")
    for acc in designated_accounts(state):
        if acc.network != Network.YOUTUBE or acc.handle.lstrip("@").lower() == _INETV:
            continue
        yield Obligation(
            kind=Kind.YOUTUBE_HOMOLOGATION,
            due=_since(acc, now),
            rule=rule,
            message=(
                f"La cuenta de YouTube {acc.handle} no es INETV: los criterios prevén una sola cuenta de"
                " YouTube, a cargo de la CNCS; solicite la difusión a la CNCS o dé de baja la cuenta."
            ),
            account=acc,
            standing=True,
        )


def utcsyd_coadmin(state: State, now: datetime) -> Iterator[Obligation]:
    """iecm §6.VI: the UTCSyD co-administers every district account: an account without a current
    co-administrator is a finding (POLICY.md §11)."""
    profile = state.profile
    if not profile.has_rule("utcsyd_coadmin"):
        return
    rule = profile.rule("utcsyd_coadmin")
    today = now.date()
    by_account = assignments_by_account(state)
    for acc in designated_accounts(state):
        if any(a.role == Role.COADMIN and a.active_on(today) for a in by_account.get(acc.id, ())):
            continue
        yield Obligation(
            kind=Kind.UTCSYD_COADMIN,
            due=_since(acc, now),
            rule=rule,
            message=(
                "La cuenta no tiene registrada a la persona coadministradora de la UTCSyD;"
                " regístrela como coadministradora."
            ),
            account=acc,
            standing=True,
        )


def admin_rank(state: State, now: datetime) -> Iterator[Obligation]:
    """A titular or suplente whose recorded rank the profile does not allow."""
    profile = state.profile
    if not profile.has_rule("admin_rank"):
        return
    allowed: dict[str, set[str]] = {
        Role.TITULAR.value: set(profile.settings.titular_ranks),
        Role.SUPLENTE.value: set(profile.settings.suplente_ranks),
    }
    rule = profile.rule("admin_rank")
    today = now.date()
    for item, acc in current_assignments(state, today):
        ranks = allowed.get(item.role)  # a StrEnum key matches its plain string
        if not ranks:
            continue
        person = state.people.get(item.person_id)
        if person is None or not person.rank or person.rank in ranks:
            continue
        expected = " o ".join(_RANK_NAMES.get(r, r) for r in sorted(ranks))
        yield Obligation(
            kind=Kind.ADMIN_RANK,
            due=start_of_day(item.start),
            rule=rule,
            message=(
                f"{person.name} es {_RANK_NAMES.get(person.rank, person.rank)} y figura como"
                f" {_ROLE_NAMES.get(item.role, item.role)}; el puesto pide {expected}."
            ),
            account=acc,
            person=person,
            ref_id=item.id,
            standing=True,
        )


def _domain_ok(email: str, domains: Sequence[str]) -> bool:
    host = email.rsplit("@", 1)[-1].lower().strip()
    return any(host == d or host.endswith("." + d) for d in domains)


def email_domain(state: State, now: datetime) -> Iterator[Obligation]:
    """The e-mail tied to each account must belong to the institution's domain."""
    profile = state.profile
    domains = [d.lower() for d in profile.settings.email_domains]
    if not domains or not profile.has_rule("email_domain"):
        return
    rule = profile.rule("email_domain")
    listed = " o ".join(domains)
    known: dict[str, bool] = {}  # most accounts share a handful of addresses' hosts
    for acc in designated_accounts(state):
        email = acc.email
        if email and "@" in email:
            host = email.rsplit("@", 1)[-1]
            fine = known.get(host)
            if fine is None:
                fine = known[host] = _domain_ok(email, domains)
        if not email:
            message = f"Registre el correo asociado a la cuenta (dominio {listed})."
        elif "@" not in email or not fine:
            message = f"El correo asociado ({acc.email}) no es del dominio {listed}."
        else:
            continue
        yield Obligation(
            kind=Kind.EMAIL_DOMAIN,
            due=_since(acc, now),
            rule=rule,
            message=message,
            account=acc,
            standing=True,
        )


def email_generic(state: State, now: datetime) -> Iterator[Obligation]:
    """ine: the e-mail must be a generic institutional address, not a person's."""
    profile = state.profile
    if not profile.settings.email_generic_required or not profile.has_rule("email_generic"):
        return
    rule = profile.rule("email_generic")
    since_text = profile.settings.email_generic_since
    days = profile.settings.email_generic_business_days
    deadline = None
    if since_text and days:
        deadline = end_of_day(state.calendar.add_business_days(date.fromisoformat(since_text), days))
    for acc in designated_accounts(state):
        if acc.email_generic:
            continue
        # The agreement's deadline binds the accounts that existed then: an account opened
        # before it is overdue since the deadline even if it was registered here later; a
        # later one owes the address from its opening (or, if unknown, its registration).
        start = start_of_day(acc.opened_on) if acc.opened_on else _since(acc, now)
        due = max(deadline, start) if deadline else start
        when = f" (el plazo venció el {format_date(deadline.date())})" if deadline and due == deadline else ""
        yield Obligation(
            kind=Kind.EMAIL_GENERIC,
            due=due,
            rule=rule,
            message=f"El correo de la cuenta no está registrado como genérico institucional{when}.",
            account=acc,
            standing=True,
        )


_SEPARATORS = "_-."


def _boundary(text: str, at: int) -> bool:
    """Whether a word part of ``text`` may begin at ``at`` (the end and the start count)."""
    if at <= 0 or at >= len(text):
        return True
    before, here = text[at - 1], text[at]
    if before in _SEPARATORS or here in _SEPARATORS or before.isdigit() != here.isdigit():
        return True
    if before.islower() and here.isupper():  # camelCase: «Somos|INE»
        return True
    # an acronym before a capitalized word: «INE|Mexico»
    return before.isupper() and here.isupper() and at + 1 < len(text) and text[at + 1].islower()


def token_in_handle(handle: str, token: str) -> bool:
    """Whether ``token`` is a word part of the handle, in any case: at its start, at its end, or
    between case or separator boundaries (@INEMexico, @Mexico_INE, @SomosINEMx; not @LineaCiudadanaMx)."""
    text = handle.lstrip("@")
    low, key = text.lower(), token.lower()
    if not key:
        return True
    at = low.find(key)
    while at >= 0:
        end = at + len(key)
        if at == 0 or end == len(text) or (_boundary(text, at) and _boundary(text, end)):
            return True
        at = low.find(key, at + 1)
    return False


def handle_token(state: State, now: datetime) -> Iterator[Obligation]:
    """X handles must carry the institution's token as a word part (any case: see the profile note)."""
    profile = state.profile
    token = profile.settings.handle_token
    if not token or not profile.has_rule("handle_token"):
        return
    rule = profile.rule("handle_token")
    for acc in designated_accounts(state):
        if acc.network != Network.X or token_in_handle(acc.handle, token):
            continue
        yield Obligation(
            kind=Kind.HANDLE_TOKEN,
            due=_since(acc, now),
            rule=rule,
            message=f"El usuario {acc.handle} no lleva «{token}» como parte propia del nombre.",
            account=acc,
            standing=True,
        )


def _account_setting(
    state: State, now: datetime, kind: Kind, wanted: str, *, unknown: str, refused: str
) -> Iterator[Obligation]:
    """iecm: a yes/no of every live account that must be «sí» (``wanted``: ``public`` or
    ``private_messages``); a value never recorded is a «sin dato» finding (issue #13 defect 7)."""
    profile = state.profile
    required = profile.settings.require_public if wanted == "public" else profile.settings.require_private_messages
    if not required or not profile.has_rule(kind.value):
        return
    rule = profile.rule(kind.value)
    for acc in live_accounts(state):
        known = acc.public_known if wanted == "public" else acc.private_messages_known
        value = acc.public if wanted == "public" else acc.private_messages
        if known and value:
            continue
        yield Obligation(
            kind=kind,
            due=_since(acc, now),
            rule=rule,
            message=refused if known else unknown,
            account=acc,
            standing=True,
        )


def public_account(state: State, now: datetime) -> Iterator[Obligation]:
    """iecm: accounts must be public."""
    return _account_setting(
        state,
        now,
        Kind.PUBLIC_ACCOUNT,
        "public",
        unknown="Sin dato: no consta si la cuenta es pública; regístrelo.",
        refused="La cuenta no es pública.",
    )


def private_messages(state: State, now: datetime) -> Iterator[Obligation]:
    """iecm: accounts must have private messages enabled."""
    return _account_setting(
        state,
        now,
        Kind.PRIVATE_MESSAGES,
        "private_messages",
        unknown="Sin dato: no consta si la cuenta tiene habilitados los mensajes privados; regístrelo.",
        refused="La cuenta no tiene habilitados los mensajes privados.",
    )


def verification(state: State, now: datetime) -> Iterator[Obligation]:
    """Request the network's verification as soon as the requirements are met."""
    profile = state.profile
    if not profile.settings.require_verification or not profile.has_rule("verification"):
        return
    rule = profile.rule("verification")
    for acc in live_accounts(state):
        if acc.verification == Verification.NO:
            yield Obligation(
                kind=Kind.VERIFICATION,
                due=_since(acc, now),
                rule=rule,
                message="Solicitar a la red la verificación (autenticidad) de la cuenta.",
                account=acc,
                standing=True,
            )


def incident_notice(state: State, now: datetime) -> Iterator[Obligation]:
    """Each pending notice of an incident is overdue from the moment the incident was opened.

    The rules ask to notify "tan pronto como" the administrators learn of it, so
    there is no grace period; a notice stays pending even after the incident is
    closed, until it is ticked.
    """
    profile = state.profile
    if not state.incident_notices or not profile.has_rule("incident"):
        return
    rule = profile.rule("incident")
    accounts = {acc.id: acc for acc in state.accounts}
    for notice in state.incident_notices:
        opened = local(notice.opened_at)
        yield Obligation(
            kind=Kind.INCIDENT_NOTICE,
            due=opened,
            rule=rule,
            message=(
                f"Incidente {notice.incident_id}: notificar a {office_with_article(notice.recipient)}"
                f" (abierto el {format_date(opened.date())} a las {opened.strftime('%H:%M')})."
            ),
            account=accounts.get(notice.account_id),
            ref_id=notice.id,
            standing=True,
        )


def institutional_phone(state: State, now: datetime) -> Iterator[Obligation]:
    """iecm §11.1 a: every account is tied to an institutional phone; one with no phone recorded
    reads «sin dato» until someone records it."""
    profile = state.profile
    if not profile.settings.require_institutional_phone or not profile.has_rule("institutional_phone"):
        return
    rule = profile.rule("institutional_phone")
    for acc in live_accounts(state):
        if acc.phone and acc.phone.strip():
            continue
        yield Obligation(
            kind=Kind.INSTITUTIONAL_PHONE,
            due=_since(acc, now),
            rule=rule,
            message="Sin dato: no consta el teléfono institucional asociado a la cuenta; regístrelo.",
            account=acc,
            standing=True,
        )


def content_current(state: State, now: datetime) -> Iterator[Obligation]:
    """ine §6.XXII, ieeags §6.XXIV, ieesonora §6.XX: content renewed daily or weekly per network:
    a finding when an account's latest ``publicacion`` entry (else its opening) is older than its
    network's window (the setting ``content_windows``; a network not listed is not checked)."""
    profile = state.profile
    if state.last_post is None or not profile.settings.content_windows or not profile.has_rule("content_current"):
        return
    windows = content_windows(profile.settings.content_windows)
    rule = profile.rule("content_current")
    last_post = state.last_post
    for acc in live_accounts(state):
        days = windows.get(acc.network)
        if days is None:
            continue
        last = last_post.get(acc.id)
        base = local(last).date() if last is not None else opening_day(acc, now)
        due = end_of_day(base + timedelta(days=days))
        if due > now:
            continue
        every = "cada día" if days == 1 else f"cada {days} días"
        if last is not None:
            what = f"la última publicación registrada es del {format_date(base)}"
        else:
            what = f"no hay publicaciones registradas desde el {format_date(base)}"
        yield Obligation(
            kind=Kind.CONTENT_CURRENT,
            due=due,
            rule=rule,
            message=f"Actualizar el contenido: {what} y en {acc.network} se publica {every}.",
            account=acc,
            standing=True,
        )
