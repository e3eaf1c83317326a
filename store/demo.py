"""A realistic example institution, for trying resguardo and for its screenshots.

Deterministic (a fixed seed) and relative to the clock it is given, so the
agenda it produces always has something overdue, something due soon and
standing findings to fix, whatever the date.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from policy.clock import local, start_of_day
from policy.profile import load_profile
from policy.workflows import handover_is_a_change

if TYPE_CHECKING:
    from policy.profile import Profile
    from policy.records import Account, Assignment, Person
    from store.db import Store

FIRST_NAMES = (
    "María Fernanda",
    "José Luis",
    "Ana Karen",
    "Juan Carlos",
    "Guadalupe",
    "Luis Ángel",
    "Alejandra",
    "Jorge",
    "Verónica",
    "Miguel Ángel",
    "Rosa Isela",
    "Ricardo",
    "Daniela",
    "Francisco Javier",
    "Claudia",
    "Héctor",
    "Mariana",
    "Arturo",
    "Patricia",
    "Óscar",
    "Lucía",
    "Eduardo",
    "Brenda",
    "Sergio",
    "Itzel",
    "Raúl",
    "Ximena",
    "Fernando",
    "Gabriela",
    "Martín",
    "Paola",
    "Iván",
    "Adriana",
)
SURNAMES = (
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Castillo",
    "Moreno",
    "Romero",
    "Álvarez",
    "Chávez",
    "Ramos",
    "Herrera",
    "Medina",
    "Vargas",
    "Castro",
    "Juárez",
    "Domínguez",
    "Ríos",
    "Salazar",
    "Nava",
)


@dataclass(frozen=True)
class Area:
    name: str
    handles: dict[str, str]  # network -> handle
    email: str


def _areas(profile_id: str) -> list[Area]:
    if profile_id == "iecm":
        areas = []
        for n in range(1, 34):
            code = f"{n:02d}"
            handles = {"facebook": f"IECMDistrito{code}", "x": f"@IECM_DD{code}", "instagram": f"iecm.dd{code}"}
            if n % 4 == 0:
                handles["tiktok"] = f"@iecm.dd{code}"
            areas.append(Area(f"Dirección Distrital {code}", handles, f"dd{code}.redes@iecm.mx"))
        return areas
    if profile_id == "ine":
        central = [
            Area(
                "Coordinación Nacional de Comunicación Social",
                {
                    "x": "@INEMexico",
                    "facebook": "INEMexico",
                    "instagram": "inemexico",
                    "youtube": "INETV",
                    "tiktok": "@inemexico",
                },
                "redes.cncs@ine.mx",
            ),
            Area("INETEL", {"x": "@INEtelMX", "facebook": "INEtelMX"}, "inetel.redes@ine.mx"),
            Area(
                "Dirección Ejecutiva de Capacitación Electoral y Educación Cívica",
                {"x": "@INE_DECEyEC", "facebook": "DECEyEC.INE"},
                "deceyec.redes@ine.mx",
            ),
            Area(
                "Unidad Técnica de Igualdad de Género y No Discriminación",
                {"x": "@INEIgualdad", "instagram": "ine.igualdad"},
                "igualdad.redes@ine.mx",
            ),
        ]
        states = (
            "Aguascalientes",
            "BajaCalifornia",
            "Chiapas",
            "Chihuahua",
            "CDMX",
            "Guanajuato",
            "Guerrero",
            "Jalisco",
            "Edomex",
            "Michoacan",
            "NuevoLeon",
            "Oaxaca",
            "Puebla",
            "Sonora",
            "Veracruz",
            "Yucatan",
        )
        for state in states:
            central.append(
                Area(
                    f"Junta Local Ejecutiva {state}",
                    {"x": f"@INE{state}", "facebook": f"INE{state}"},
                    f"jle.{state.lower()}.redes@ine.mx",
                )
            )
        return central
    if profile_id == "ieeags":
        return [
            Area(
                "Coordinación de Comunicación Social",
                {
                    "facebook": "IEEAguascalientes",
                    "x": "@IEEAgs",
                    "instagram": "ieeags",
                    "youtube": "IEEAgsTV",
                    "tiktok": "@ieeags",
                },
                "comunicacion@ieeags.mx",
            ),
            Area(
                "Dirección de Educación Cívica",
                {"facebook": "EducacionCivicaIEEAgs", "instagram": "civica.ieeags"},
                "educacion.civica@ieeags.org.mx",
            ),
            Area("Unidad de Igualdad", {"facebook": "IgualdadIEEAgs"}, "igualdad@ieeags.mx"),
        ]
    return [
        Area(
            "Subdirección de Comunicación Social",
            {
                "facebook": "IEESonora",
                "x": "@IEESonora",
                "instagram": "ieesonora",
                "youtube": "IEESonoraTV",
                "tiktok": "@ieesonora",
            },
            "comunicacion@ieesonora.org.mx",
        ),
        Area(
            "Dirección de Educación Cívica",
            {"facebook": "EducacionCivicaIEESonora", "x": "@CivicaIEESonora"},
            "civica@ieesonora.org.mx",
        ),
        Area("Unidad de Transparencia", {"facebook": "TransparenciaIEESonora"}, "transparencia@ieesonora.org.mx"),
    ]


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def next(self) -> str:
        while True:
            name = f"{self._rng.choice(FIRST_NAMES)} {self._rng.choice(SURNAMES)} {self._rng.choice(SURNAMES)}"
            if name not in self._used:
                self._used.add(name)
                return name


def _email(name: str, domain: str) -> str:
    table = str.maketrans("áéíóúñü", "aeiounu")
    parts = name.lower().translate(table).split()
    return f"{parts[0]}.{parts[-2]}@{domain}"


class DemoCounts(NamedTuple):
    """What the demo institution holds."""

    accounts: int
    people: int
    rotations: int


def build_demo(store: Store, profile_id: str, now: datetime) -> DemoCounts:
    """Write the example institution for ``profile_id`` into the store, in one transaction.

    The caller checked the database is empty (``tui.core.setup.load_demo``).
    """
    profile = load_profile(profile_id)
    rng = random.Random(2026)
    names = _Names(rng)
    now = local(now)
    today = now.date()
    domain = (profile.settings.email_domains or ("example.mx",))[0]
    counts = {"accounts": 0, "people": 0, "rotations": 0}
    with store.atomic():
        store.settings.set_profile(profile_id)
        areas = _areas(profile_id)
        coadmins = []
        if profile_id == "iecm":
            for _ in range(2):
                name = names.next()
                coadmins.append(store.people.add(name=name, email=_email(name, domain), rank="mando_medio"))
        for index, area in enumerate(areas):
            _build_area(store, profile, area, index, rng, names, today, now, coadmins, counts)
        _build_workflows(store, profile, rng, now)
        counts["people"] = len(store.people.list())
    return DemoCounts(counts["accounts"], counts["people"], counts["rotations"])


def _build_area(
    store: Store,
    profile: Profile,
    area: Area,
    index: int,
    rng: random.Random,
    names: _Names,
    today: date,
    now: datetime,
    coadmins: list[Person],
    counts: dict[str, int],
) -> None:
    domain = (profile.settings.email_domains or ("example.mx",))[0]
    roles: list[str] = list(profile.settings.admin_roles)
    opened = today - timedelta(days=rng.randint(500, 2400))
    # Who administers the area's accounts, and whether someone left recently.
    holders = {}
    for role in roles:
        name = names.next()
        rank = "mando_medio" if role in ("titular", "enlace") else rng.choice(["mando_medio", "operativo"])
        if index == 3 and role == "titular":
            rank = "operativo"  # an appointment the rules do not allow (ine, ieesonora)
        holders[role] = store.people.add(name=name, email=_email(name, domain), rank=rank)
    changed_on: date | None = None
    previous = None
    if index in (1, 6, 11, 20, 27):
        changed_on = today - timedelta(days=rng.randint(3, 40))
        previous = store.people.add(name=names.next(), rank="mando_medio")
    vacant = index == 16 and len(roles) == 1  # a district left without enlace
    leaving_soon = index == 8
    # The handovers, recorded as the command line records them (``cuentas desasignar``/``asignar``):
    # who left which roles, and who took over (issue #13: ``personas cambios`` lists them).
    handed: dict[int, tuple[Person, list[Assignment], date]] = {}
    successors: list[Assignment] = []
    for network, handle in area.handles.items():
        odd = (index * 7 + len(network)) % 11
        email = area.email
        generic = True
        if index == 5 and network == "facebook":
            email = _email(names.next(), "gmail.com")
            generic = False
        elif index == 2 and profile.settings.email_generic_required:
            generic = False
        if index == 4 and network == "x":
            handle = f"@Distrito{index + 1:02d}Redes"  # lacks the institution's token
        account = store.accounts.add(
            network=network,
            handle=handle,
            area=area.name,
            email=email,
            email_generic=generic,
            url=_url(network, handle),
            opened_on=opened,
            verification="verificada" if odd % 3 else ("solicitada" if odd % 2 else "no"),
            public=not (index == 9 and network == "instagram"),
            private_messages=not (index == 22 and network == "facebook"),
            # iecm §11.1 a: the accounts' institutional phones (one district has not recorded its own)
            phone=f"55 5483 {3800 + index:04d}"
            if profile.settings.require_institutional_phone and index != 13
            else None,
            status="activa",
        )
        counts["accounts"] += 1
        for role, person in holders.items():
            start = opened
            if changed_on is not None and previous is not None and role == roles[0]:
                store.assignments.assign(account, previous, role, opened)
                _handed(handed, previous, store.assignments.unassign(account, previous, changed_on), changed_on)
                start = changed_on + timedelta(days=1)
                if start > today:
                    start = today
            if vacant and role == roles[0]:
                store.assignments.assign(account, person, role, opened)
                last_day = today - timedelta(days=9)
                _handed(handed, person, store.assignments.unassign(account, person, last_day), last_day)
                continue
            assignment = store.assignments.assign(account, person, role, start)
            if previous is not None and role == roles[0]:
                successors.append(assignment)
            if leaving_soon and role == roles[0]:
                last_day = today + timedelta(days=4)
                _handed(handed, person, store.assignments.unassign(account, person, last_day), last_day)
        for coadmin in coadmins:
            store.assignments.assign(account, coadmin, "coadministrador", opened)
        _history(store, profile, account, opened, index, changed_on, rng, now, counts)
    if handed and handover_is_a_change(profile, roles[0]):
        for leaver, ended, last_day in handed.values():
            change = store.admin_changes.record_handover(leaver, ended, start=last_day + timedelta(days=1))
            if leaver is previous:
                for started in successors:
                    store.admin_changes.add_successor(change.id, started)


def _handed(
    handed: dict[int, tuple[Person, list[Assignment], date]], person: Person, ended: list[Assignment], last_day: date
) -> None:
    """Collect ``person``'s roles ended on ``last_day`` on the area's accounts: one change per person."""
    handed.setdefault(person.id, (person, [], last_day))[1].extend(ended)


def _url(network: str, handle: str) -> str:
    bare = handle.lstrip("@")
    hosts = {
        "facebook": "facebook.com",
        "x": "x.com",
        "instagram": "instagram.com",
        "tiktok": "tiktok.com/@",
        "youtube": "youtube.com/@",
    }
    host = hosts.get(network, "example.org")
    return f"https://{host}{'' if host.endswith('@') else '/'}{bare}"


def _history(
    store: Store,
    profile: Profile,
    account: Account,
    opened: date,
    index: int,
    changed_on: date | None,
    rng: random.Random,
    now: datetime,
    counts: dict[str, int],
) -> None:
    today = now.date()
    months = profile.settings.rotation_months or 6
    span = months * 30
    # The opening password, then a few rotations; the last one lands so that
    # some accounts are overdue and a few are due within days.
    moments = [start_of_day(opened)]
    roll = rng.random()
    if roll < 0.18:
        last_age = span + rng.randint(3, 40)  # overdue
    elif roll < 0.30:
        last_age = span - rng.randint(1, 6)  # due within a week
    else:
        last_age = rng.randint(5, span - 10)  # in time
    last = today - timedelta(days=last_age)
    for k in (3, 2, 1):
        moment = last - timedelta(days=span * k - rng.randint(0, 10))
        if moment > opened:
            moments.append(start_of_day(moment))
    moments.append(start_of_day(last) + timedelta(hours=rng.randint(9, 18)))
    if changed_on is not None and index in (1, 11):
        moments.append(start_of_day(changed_on + timedelta(days=1)) + timedelta(hours=11))
    for moment in sorted(moments):
        if moment.date() > today:
            continue
        reason = "Apertura de la cuenta" if moment.date() == opened else "Rotación periódica"
        store.rotations.record(account, moment, reason=reason, author="demo")
        counts["rotations"] += 1
    if profile.settings.evaluation_months:
        age = rng.randint(20, 200)
        store.evaluations.record(account, today - timedelta(days=age), note="Evaluación semestral", author="demo")
    if profile.settings.training_months:
        for item in store.assignments.for_account(account.id):
            if item.active_on(today) and not store.trainings.history(item.person_id, limit=1):
                age = rng.randint(30, 420)
                store.trainings.record(
                    store.people.get(item.person_id),
                    today - timedelta(days=age),
                    note="Curso de administración de redes sociales",
                    author="demo",
                )


def _build_workflows(store: Store, profile: Profile, rng: random.Random, now: datetime) -> None:
    """Records of the daily work: signed documents, consultations, requests, an incident, notes."""
    today = now.date()
    accounts = [a for a in store.accounts.list() if a.status == "activa"]
    people = store.people.list()
    if profile.settings.email_generic_required:
        # Most administrators signed their designation form and responsiva; two did not.
        for person in people[2:]:
            signed = today - timedelta(days=rng.randint(60, 900))
            store.person_documents.record(person, "designation_form", on=signed, reference="Formulario firmado")
            store.person_documents.record(person, "responsiva", on=signed, reference="Responsiva firmada")
    if len(accounts) < 4:
        return
    first, second, third, fourth = accounts[0], accounts[1], accounts[2], accounts[3]
    # Recorded in the order they happened, as an office would, so the bitácora reads in order.
    steps: list[tuple[datetime, Callable[[], object]]] = []

    def later(moment: datetime, action: Callable[[], object]) -> None:
        steps.append((moment, action))

    subjects = (
        "Infografía sobre la ubicación de casillas",
        "Respuesta a una pregunta sobre credencial para votar",
        "Video de la sesión del Consejo",
    )
    # One consultation waiting inside its window, one past it, one already answered.
    later(
        now - timedelta(hours=40),
        lambda: store.consultations.add(
            first,
            subject=subjects[0],
            sent_at=now - timedelta(hours=40),
            text="Borrador de la infografía para su revisión.",
        ),
    )
    later(
        now - timedelta(days=9),
        lambda: store.consultations.add(second, subject=subjects[1], sent_at=now - timedelta(days=9)),
    )

    def answered() -> None:
        item = store.consultations.add(third, subject=subjects[2], sent_at=now - timedelta(days=4))
        store.consultations.resolve(item.id, "aprobada", at=now - timedelta(days=3), note="Procede sin cambios.")

    later(now - timedelta(days=4), answered)
    # Information requests from the public: one just in, one waiting too long.
    later(
        now - timedelta(hours=5),
        lambda: store.information_requests.add(
            first,
            requester="Usuario de la red",
            received_at=now - timedelta(hours=5),
            subject="¿Dónde tramito mi credencial para votar?",
        ),
    )
    later(
        now - timedelta(days=8),
        lambda: store.information_requests.add(
            fourth,
            requester="Usuaria de la red",
            received_at=now - timedelta(days=8),
            subject="Solicita el calendario de sesiones del Consejo",
        ),
    )
    # A suspected intrusion reported this morning, its notices still to give.
    later(
        now - timedelta(hours=3),
        lambda: store.incidents.open(
            fourth,
            "Publicación no autorizada en la madrugada; se sospecha acceso indebido.",
            at=now - timedelta(hours=3),
            author="demo",
        ),
    )

    def post(account: Account, moment: datetime) -> None:
        store.bitacora.append(
            kind="publicacion",
            account=account,
            occurred_at=moment,
            text="Publicación de la convocatoria para observadores electorales.",
            refs=[account.url or account.ref],
            author="demo",
        )

    for offset, account in enumerate(accounts[:6]):
        moment = now - timedelta(days=1, hours=2, minutes=-offset)
        later(moment, functools.partial(post, account, moment))
    if profile.has_rule("content_current"):
        # Content kept current (§6.XXII and its peers): every other account posted within its network's
        # window, but for the last two, which show the finding.
        for offset, account in enumerate(accounts[6:-2]):
            if account.network == "x":
                moment = now - timedelta(hours=4 + offset % 12, minutes=offset)
            else:
                moment = now - timedelta(days=1 + offset % 5, hours=3, minutes=offset)
            later(moment, functools.partial(post, account, moment))
    later(
        now - timedelta(hours=20),
        lambda: store.bitacora.append(
            kind="comentario_usuario",
            account=first,
            occurred_at=now - timedelta(hours=20),
            text="Una usuaria pregunta por los horarios de los módulos de atención.",
            author="demo",
        ),
    )
    later(
        now - timedelta(hours=18),
        lambda: store.bitacora.append(
            kind="nota",
            occurred_at=now - timedelta(hours=18),
            text="Revisión semanal de la bitácora sin observaciones.",
            author="demo",
        ),
    )
    for _, action in sorted(steps, key=lambda step: step[0]):
        action()
