"""The agenda patched from a kept one after a change to a few accounts (``tui.core.agenda.patched_agenda``).

After a change, the workbench's first frame need not compute the whole agenda:
the kept agenda of the state before, with the items of the accounts the change
names computed again from their own state. Each test compares the patched
agenda with the one computed from the whole database: the same obligations, in
the same order, with the same statuses and header figures. What reaches beyond
a few accounts (a setting, an account's own record, a person, a training…) is
computed afresh instead.
"""

from __future__ import annotations

import marshal
import random
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from policy import engine
from policy.clock import end_of_day, local
from policy.codes import EntryKind, Kind, Status
from policy.errors import ResguardoError
from policy.obligations import Obligation
from policy.records import Citation
from policy.rows import agenda_rows
from store import agenda_cache
from store.db import Store, open_store
from store.demo import build_demo
from store.state import load_state
from tests.conftest import NOW, make_runner
from tests.test_agenda_cache import exact
from tests.workbench_helpers import build_demo_db, make_app, run_async, settle
from tui.core.agenda import (
    DEFAULT_HORIZON_DAYS,
    PatchedObligations,
    agenda_listing,
    compute_agenda,
    patched_agenda,
    recent_agenda,
)
from tui.core.bitacora import add_entry
from tui.core.incidents import open_incident
from tui.core.records import (
    assign,
    edit_account,
    edit_person,
    record_evaluation,
    record_rotation,
    record_training,
    set_setting,
    unassign,
)
from tui.core.waivers import add_waiver
from tui.core.workflows import (
    add_consultation,
    add_opening,
    add_request,
    notify_admin_change,
    record_admin_change,
    record_person_document,
    resolve_consultation,
)

CITATION = Citation("ine", "Lineamientos", "1", "Cita.")

PROFILES = ["ine", "iecm", "ieeags", "ieesonora"]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 64 rows: a demo's few hundred items span several blocks, as 50,000 do."""
    monkeypatch.setattr(agenda_cache, "BLOCK_ROWS", 64)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def kept_demo(path: Path, profile: str, clock: Clock | None = None) -> Store:
    """A demo institution whose agenda of now is kept beside it."""
    store = open_store(str(path), clock=clock or (lambda: NOW), author="pruebas", create=True)
    build_demo(store, profile, NOW)
    compute_agenda(store)  # the first agenda writes the holiday years it needs
    agenda_listing(store)  # kept
    assert agenda_cache.read_kept(store, local(store.now()), DEFAULT_HORIZON_DAYS) is not None
    return store


def live_accounts(store: Store) -> list[int]:
    return [row[0] for row in store.rows("SELECT id FROM accounts WHERE status = 'activa' ORDER BY id")]


def assert_patched_is_computed(store: Store) -> PatchedObligations:
    now = local(store.now())
    patched = patched_agenda(store, now)
    assert patched is not None, "the change should have been patched"
    computed = compute_agenda(store, at=now)
    assert isinstance(patched.items, PatchedObligations)
    assert len(patched.items) == len(computed.items)
    assert exact(list(patched.items)) == exact(list(computed.items))  # the types too
    assert list(patched.statuses) == [item.status for item in computed.items]
    assert patched.spans() == computed.spans()
    assert (patched.accounts, patched.open_incidents, patched.horizon_days) == (
        computed.accounts,
        computed.open_incidents,
        computed.horizon_days,
    )
    # ``pendientes``: the same rows, made from the stored ones (the kept file is not rewritten)
    kept = agenda_cache.cache_path(store.path)
    assert kept is not None
    stamp = kept.stat().st_mtime_ns
    assert list(agenda_listing(store).rows) == agenda_rows(computed.items, computed.profile)
    assert kept.stat().st_mtime_ns == stamp
    return patched.items


# -- the changes a day brings, each to one account ---------------------------------------------------


def _entry(store: Store, rng: random.Random) -> None:
    kind = rng.choice([EntryKind.NOTE, EntryKind.POST, EntryKind.REPLY, EntryKind.USER_COMMENT])
    add_entry(store, kind=kind, text="Entrada de prueba.", account=rng.choice(live_accounts(store)))


def _old_entry(store: Store, rng: random.Random) -> None:
    # declared long ago: the account's latest activity stays what it was
    add_entry(
        store,
        kind=EntryKind.POST,
        text="Publicación de hace un año.",
        account=rng.choice(live_accounts(store)),
        occurred_at=store.now() - timedelta(days=400),
    )


def _rotation(store: Store, rng: random.Random) -> None:
    record_rotation(store, rng.choice(live_accounts(store)), reason="programada")


def _evaluation(store: Store, rng: random.Random) -> None:
    record_evaluation(store, rng.choice(live_accounts(store)))


def _shared_password(store: Store, rng: random.Random) -> None:
    """An account's password becomes another's (both are then named by a reuse finding)."""
    rows = store.rows("SELECT account_id, fingerprint FROM credential_status ORDER BY account_id")
    if len(rows) < 2:
        return
    (mine, _), (_, theirs) = rng.sample(rows, 2)
    store.execute("UPDATE credential_status SET fingerprint = ? WHERE account_id = ?", (theirs, mine))


def _own_password(store: Store, rng: random.Random) -> None:
    """An account sharing its password gets one of its own (the others' findings change too)."""
    rows = store.rows(
        "SELECT account_id FROM credential_status WHERE fingerprint IN"
        " (SELECT fingerprint FROM credential_status GROUP BY fingerprint HAVING count(*) > 1) ORDER BY account_id"
    )
    if not rows:
        return
    (mine,) = rng.choice(rows)
    store.execute(
        "UPDATE credential_status SET fingerprint = ?, weak = 1, score = 1 WHERE account_id = ?",
        (f"propia-{rng.random()}", mine),
    )


def _consultation(store: Store, rng: random.Random) -> None:
    add_consultation(store, rng.choice(live_accounts(store)), subject="Consulta de prueba")


def _answer(store: Store, rng: random.Random) -> None:
    pending = store.rows("SELECT id FROM consultations WHERE state = 'pendiente' ORDER BY id")
    if pending:
        resolve_consultation(store, rng.choice(pending)[0], "aprobada")


def _request(store: Store, rng: random.Random) -> None:
    add_request(store, rng.choice(live_accounts(store)), requester="Persona del público", subject="Pregunta")


def _incident(store: Store, rng: random.Random) -> None:
    open_incident(store, rng.choice(live_accounts(store)), "Acceso no reconocido")


def _second_factor(store: Store, rng: random.Random) -> None:
    rows = store.rows("SELECT account_id FROM second_factors ORDER BY account_id")
    if rows:
        store.execute("UPDATE second_factors SET method = 'ninguno' WHERE account_id = ?", rng.choice(rows))


def _account_area(store: Store, rng: random.Random) -> None:
    edit_account(store, rng.choice(live_accounts(store)), {"area": f"Área {rng.randint(1, 99)}"})


def _account_handle(store: Store, rng: random.Random) -> None:
    """A new handle: the account's place in the order and every message naming it change."""
    edit_account(store, rng.choice(live_accounts(store)), {"handle": f"@Cuenta{rng.randint(1000, 9999)}"})


def _account_status(store: Store, rng: random.Random) -> None:
    """An account still requested is authorized (it then needs its administrators and e-mail)."""
    rows = store.rows("SELECT id FROM accounts WHERE status = 'solicitada' ORDER BY id")
    if rows:
        edit_account(store, rng.choice(rows)[0], {"status": "autorizada"})


def _training(store: Store, rng: random.Random) -> None:
    record_training(store, rng.choice(store.rows("SELECT id FROM people ORDER BY id"))[0])


def _person_record(store: Store, rng: random.Random) -> None:
    person = rng.choice(store.rows("SELECT id FROM people ORDER BY id"))[0]
    edit_person(store, person, email=f"p{rng.randint(1, 99)}@x.mx", rank=rng.choice(["mando_medio", "operativo"]))


def _person_document(store: Store, rng: random.Random) -> None:
    if store.settings.profile().id == "ine":
        person = rng.choice(store.rows("SELECT id FROM people ORDER BY id"))[0]
        record_person_document(store, person, rng.choice(["designation_form", "responsiva"]))


def _first_accepted(attempt: Callable[[], object]) -> None:
    """Try random choices until the use case accepts one (a role taken, one that starts later or
    nobody to replace that day is refused, and changes nothing)."""
    for _ in range(50):
        try:
            attempt()
        except ResguardoError:
            continue
        return


def _assign(store: Store, rng: random.Random) -> None:
    """Someone takes a role the account does not have yet."""
    people = store.rows("SELECT id FROM people ORDER BY id")
    roles = ["suplente", "enlace"]
    _first_accepted(
        lambda: assign(store, rng.choice(live_accounts(store)), rng.choice(people)[0], role=rng.choice(roles))
    )


def _unassign(store: Store, rng: random.Random) -> None:
    """A role ended by hand (a handover: an administrator change where the profile asks its notice)."""
    rows = store.rows("SELECT account_id, person_id FROM assignments WHERE end_date IS NULL ORDER BY id")
    _first_accepted(lambda: unassign(store, *rng.choice(rows)))


def _admin_change(store: Store, rng: random.Random) -> None:
    rows = store.rows("SELECT DISTINCT person_id FROM assignments WHERE end_date IS NULL ORDER BY person_id")
    back = store.now().date() + timedelta(days=10)
    _first_accepted(lambda: record_admin_change(store, rng.choice(rows)[0], "vacaciones", until=back))


def _admin_change_notified(store: Store, rng: random.Random) -> None:
    rows = store.rows("SELECT id FROM admin_changes WHERE notified_on IS NULL ORDER BY id")
    if rows:
        notify_admin_change(store, rng.choice(rows)[0])


CHANGES: list[Callable[[Store, random.Random], None]] = [
    _entry,
    _old_entry,
    _rotation,
    _evaluation,
    _shared_password,
    _own_password,
    _consultation,
    _answer,
    _request,
    _incident,
    _second_factor,
    _account_area,
    _account_handle,
    _account_status,
    _training,
    _person_record,
    _person_document,
    _assign,
    _unassign,
    _admin_change,
    _admin_change_notified,
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_each_kind_of_change_is_patched_to_the_computed_agenda(tmp_path: Path, profile: str, change) -> None:  # type: ignore[no-untyped-def]
    store = kept_demo(tmp_path / "r.db", profile)
    for seed in range(3):  # three of them, one after another, over the same kept agenda
        change(store, random.Random(seed))
        assert_patched_is_computed(store)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("profile", PROFILES)
def test_a_day_of_mixed_changes_is_patched_to_the_computed_agenda(tmp_path: Path, profile: str, seed: int) -> None:
    clock = Clock()
    store = kept_demo(tmp_path / "r.db", profile, clock)
    rng = random.Random(f"{profile}-{seed}")
    for step in range(20):
        rng.choice(CHANGES)(store, rng)
        clock.now = NOW + timedelta(minutes=step)  # within the kept agenda's steady span
        assert_patched_is_computed(store)


def test_with_nothing_changed_the_patch_is_the_kept_agenda(tmp_path: Path) -> None:
    store = kept_demo(tmp_path / "r.db", "ine")
    items = assert_patched_is_computed(store)
    assert items._fresh == []  # nothing computed again


def test_the_workbench_starts_from_the_patched_agenda(tmp_path: Path) -> None:
    store = kept_demo(tmp_path / "r.db", "iecm")
    _entry(store, random.Random(7))
    agenda, key = recent_agenda(store)
    assert key is None  # nothing to keep: the background preparation computes it whole
    assert isinstance(agenda.items, PatchedObligations)
    assert list(agenda.items) == list(compute_agenda(store).items)


# -- what is computed afresh instead -----------------------------------------------------------------


def _setting(store: Store) -> None:
    set_setting(store, "rotacion_meses", "4")


def _opening(store: Store) -> None:
    add_opening(store, network="x", handle="@INE_nueva", reference="OF-1")


def _waiver(store: Store) -> None:
    add_waiver(store, reason="Prueba", kind="evaluation")


def _institution_entry_duty(store: Store) -> None:
    store.execute(
        "INSERT INTO duties (kind, subject, arose_at, created_at) VALUES ('aviso_titulares', 'Aviso', ?, ?)",
        (store.stamp(), store.stamp()),
    )


@pytest.mark.parametrize("change", [_setting, _opening, _waiver, _institution_entry_duty])
def test_a_change_beyond_accounts_and_people_is_computed(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    store = kept_demo(tmp_path / "r.db", "ine")
    _entry(store, random.Random(1))
    assert patched_agenda(store, local(store.now())) is not None
    change(store)
    assert patched_agenda(store, local(store.now())) is None
    agenda, key = recent_agenda(store)
    assert key is not None and not isinstance(agenda.items, PatchedObligations)


def test_another_day_or_other_code_is_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    store = kept_demo(tmp_path / "r.db", "ine", clock)
    _entry(store, random.Random(2))
    clock.now = end_of_day(NOW.date()) + timedelta(hours=10)  # the kept agenda's day is over
    assert patched_agenda(store, local(store.now())) is None
    clock.now = NOW
    assert patched_agenda(store, local(store.now())) is not None
    stamp = agenda_cache.code_stamp()
    monkeypatch.setattr(agenda_cache, "_stamp", (stamp[0], stamp[1] + 1, stamp[2]))  # an update
    assert patched_agenda(store, local(store.now())) is None


def test_a_copy_whose_history_differs_is_computed(tmp_path: Path) -> None:
    """A kept agenda made from another copy of the database (its chains ahead of this one's, or
    apart from them) is no base: the changes between them cannot be told."""
    store = kept_demo(tmp_path / "a.db", "ine")
    store.close()
    copy = tmp_path / "b.db"
    copy.write_bytes((tmp_path / "a.db").read_bytes())
    store = open_store(str(tmp_path / "a.db"), clock=lambda: NOW, author="pruebas")
    _rotation(store, random.Random(3))
    agenda_cache.discard(store)  # computed whole and kept after the rotation: ahead of the copy
    agenda_listing(store)
    Path(f"{copy}-agenda").write_bytes(Path(f"{tmp_path / 'a.db'}-agenda").read_bytes())
    other = open_store(str(copy), clock=lambda: NOW, author="pruebas")
    assert patched_agenda(other, local(NOW)) is None
    _evaluation(other, random.Random(4))  # as many records as the original, different ones
    _rotation(store, random.Random(5))
    assert patched_agenda(other, local(NOW)) is None


def test_too_many_accounts_changed_is_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = kept_demo(tmp_path / "r.db", "ine")
    for account_id in live_accounts(store)[:3]:
        record_evaluation(store, account_id)
    monkeypatch.setattr("tui.core.agenda.PATCH_MOST_ACCOUNTS", 2)
    assert patched_agenda(store, local(store.now())) is None
    monkeypatch.setattr("tui.core.agenda.PATCH_MOST_ACCOUNTS", 3)
    assert_patched_is_computed(store)


def test_a_damaged_base_is_not_patched(tmp_path: Path) -> None:
    store = kept_demo(tmp_path / "r.db", "ine")
    _entry(store, random.Random(6))
    path = agenda_cache.cache_path(store.path)
    assert path is not None
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF  # fails the CRC
    path.write_bytes(bytes(blob))
    assert patched_agenda(store, local(store.now())) is None


# -- the pieces ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_a_few_accounts_state_gives_them_their_items(tmp_path: Path, profile: str) -> None:
    """``load_state`` with ``accounts``: every check gives those accounts the items the whole state
    gives them."""
    store = kept_demo(tmp_path / "r.db", profile)
    now = local(store.now())
    whole = engine.agenda(load_state(store, now), now, DEFAULT_HORIZON_DAYS)
    ids = [row[0] for row in store.rows("SELECT id FROM accounts ORDER BY id")]
    rng = random.Random(profile)
    for _ in range(15):
        scope = set(rng.sample(ids, rng.choice([1, 2, min(5, len(ids))])))
        part = engine.agenda(load_state(store, now, accounts=scope), now, DEFAULT_HORIZON_DAYS)
        assert [i for i in part if i.account and i.account.id in scope] == [
            i for i in whole if i.account and i.account.id in scope
        ]


def test_the_order_never_ties_two_accounts(tmp_path: Path) -> None:
    """Items alike in all but their account (two handles differing only in case, which the
    database refuses today) still have an order: the merge needs one the sort gives."""
    store = kept_demo(tmp_path / "r.db", "ine")
    state = load_state(store, local(NOW))
    first, second = state.accounts[:2]
    twin = second._replace(network=first.network, handle=first.handle.upper())
    alike = [
        Obligation(Kind.EVALUATION, NOW, CITATION, "Evaluar.", Status.OVERDUE, account) for account in (twin, first)
    ]
    keys = [engine.sort_key(item) for item in alike]
    assert keys[0] != keys[1] and keys[0][:6] == keys[1][:6] and keys[0][7] == keys[1][7] == 0
    assert sorted(alike, key=engine.sort_key)[0].account == min((first, twin), key=lambda a: a.id)


# -- the workbench --------------------------------------------------------------------------------------


@run_async
async def test_hoy_opens_on_the_patched_agenda_after_another_process_changed_an_account(tmp_path: Path) -> None:
    """The command line records an evaluation meanwhile: Hoy's first frame is the kept agenda with
    that account's items computed again: its overdue evaluation gone, the counts those of the database."""
    db = build_demo_db(tmp_path / "r.db", "ine")
    with open_store(str(db), clock=lambda: NOW) as store:
        agenda_listing(store)  # kept
        before = compute_agenda(store)
        evaluation = next(i for i in before.items if i.kind == Kind.EVALUATION and i.status is Status.OVERDUE)
    assert evaluation.account is not None
    ref = evaluation.account.ref
    assert make_runner(db)("evaluaciones", "registrar", ref, "--nota", "semestral").code == 0
    with open_store(str(db), clock=lambda: NOW) as store:
        after = compute_agenda(store)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        snapshot = app.agenda_snapshot
        assert snapshot is not None and isinstance(snapshot.items, PatchedObligations)
        assert exact(list(snapshot.items)) == exact(list(after.items))
        screen = app.screen
        counts = {status: shown for status, (shown, _total) in screen.counts.items()}  # type: ignore[attr-defined]
        assert counts[Status.OVERDUE] == after.count(Status.OVERDUE) == before.count(Status.OVERDUE) - 1
        table = screen.query_one("#agenda")
        keys = [row.key for row in table.rows if row.kind != "section"]  # type: ignore[attr-defined]
        assert [snapshot.items[key].key for key in keys] == [item.key for item in after.items]
        assert evaluation.key not in {item.key for item in snapshot.items}


def rewrite_kept(path: Path, change: Callable[[list[bytes], list[bytes], bytes], bytes | None]) -> None:
    """Rebuild the kept file after ``change`` (which edits the blocks' rows and records in place,
    and returns another index or None), with matching offsets and CRC: a file made elsewhere."""
    blob = path.read_bytes()
    start = len(agenda_cache.MAGIC) + 12
    size = int.from_bytes(blob[len(agenda_cache.MAGIC) + 4 : start], "big")
    key, head, rules, runs, spans, (at, length) = marshal.loads(blob[start : start + size])
    body = blob[start + size :]
    rows = [body[a : a + b] for a, b, _, _ in spans]
    records = [body[c : c + d] for _, _, c, d in spans]
    index = change(rows, records, body[at : at + length]) or body[at : at + length]
    parts, spans, offset = [], [], 0
    for row_blob, record_blob in zip(rows, records, strict=True):
        spans.append((offset, len(row_blob), offset + len(row_blob), len(record_blob)))
        parts += (row_blob, record_blob)
        offset += len(row_blob) + len(record_blob)
    header = marshal.dumps((key, head, rules, runs, spans, (offset, len(index))))
    rest = header + b"".join(parts) + index
    path.write_bytes(agenda_cache.MAGIC + zlib.crc32(rest).to_bytes(4, "big") + len(header).to_bytes(8, "big") + rest)


def test_a_base_whose_index_does_not_match_its_rows_is_not_patched(tmp_path: Path) -> None:
    """A kept file made elsewhere that passes its CRC but whose index of rows' accounts is one
    short: never trusted to find an account's rows."""
    store = kept_demo(tmp_path / "r.db", "ine")
    _entry(store, random.Random(8))
    assert patched_agenda(store, local(store.now())) is not None
    path = agenda_cache.cache_path(store.path)
    assert path is not None

    def one_short(rows: list[bytes], records: list[bytes], index: bytes) -> bytes:
        accounts, people, kinds, codes = marshal.loads(index)
        return marshal.dumps((accounts[:-1], people, kinds, codes))

    rewrite_kept(path, one_short)
    assert agenda_cache.read_base(store, local(store.now()), DEFAULT_HORIZON_DAYS) is not None  # the file reads
    assert patched_agenda(store, local(store.now())) is None
    agenda, key_read = recent_agenda(store)
    assert key_read is not None and exact(list(agenda.items)) == exact(list(compute_agenda(store).items))


def test_pendientes_over_a_base_with_an_unsound_block_computes_and_discards_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of its blocks names a clause the file lacks: ``pendientes`` reads every block when it
    patches, finds it, computes the agenda instead and keeps it in place of the file."""
    monkeypatch.setattr(agenda_cache, "BLOCK_ROWS", 8)  # many blocks: the patch reads a few
    store = kept_demo(tmp_path / "r.db", "ine")
    _evaluation(store, random.Random(9))
    path = agenda_cache.cache_path(store.path)
    assert path is not None

    probed = patched_agenda(store, local(store.now()))
    assert probed is not None and isinstance(probed.items, PatchedObligations)
    # a block the patch does not read (its binary search probes a few): only pendientes reads it
    unread = [number for number, rows in enumerate(probed.items._stored[0]._plain) if rows is None]
    assert unread and unread[-1] > 0

    def bad_clause(rows: list[bytes], records: list[bytes], index: bytes) -> None:
        block = marshal.loads(rows[unread[-1]])
        block[-1] = (*block[-1][:9], 999, *block[-1][10:])
        rows[unread[-1]] = marshal.dumps(block)

    rewrite_kept(path, bad_clause)
    assert patched_agenda(store, local(store.now())) is not None  # the blocks it reads are sound
    listing = agenda_listing(store)
    computed = compute_agenda(store)
    assert list(listing.rows) == agenda_rows(computed.items, computed.profile)
    # computed whole and kept again (the damaged file was removed first)
    assert agenda_cache.read_kept(store, local(store.now()), DEFAULT_HORIZON_DAYS) is not None
