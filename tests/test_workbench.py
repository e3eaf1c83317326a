"""Pilot tests of the workbench: the main flows driven with keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from conftest import NOW
from keyring.backend import KeyringBackend
from textual.widgets import Select
from workbench_helpers import build_demo_db, make_app, run_async, settle

from policy.codes import Kind, Status
from store import open_store
from tui.commands import applicable_commands
from tui.forms.base import ConfirmDialog
from tui.forms.records import PersonDialog, RotationDialog
from tui.screens.cuentas import CuentasScreen
from tui.screens.hoy import HoyScreen, ObligationScreen
from tui.screens.misc import LockScreen, WizardScreen
from tui.screens.personas import PersonasScreen


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: nothing reaches the system's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        return "Llavero en memoria (pruebas)"

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "demo.db")


@run_async
async def test_first_run_wizard_picks_profile_and_loads_demo(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    db = tmp_path / "nueva.db"
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        # the backend by a Spanish name, never its dotted class path
        keyring_text = str(app.screen.query_one("#keyring").render())
        assert keyring_text == "Almacén de contraseñas: llavero elegido en la configuración de keyring"
        assert app.screen.selected_profile() is None  # nothing preselected: the user picks the institution
        await pilot.press("down", "enter")  # the second profile: IEE Aguascalientes
        await pilot.press("tab", "space")  # load the demo
        await pilot.press("tab", "enter")  # Comenzar
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
        assert app.agenda_snapshot is not None and app.agenda_snapshot.items
        assert "IEE Aguascalientes" in app.summary
    with open_store(db) as store:
        assert store.settings.profile_id == "ieeags"
        assert store.accounts.count() > 0


@run_async
async def test_wizard_without_demo_leaves_an_empty_institution(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    db = tmp_path / "vacia.db"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+s")  # no profile picked: refused, with the reason, and nothing created
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert "Elija primero el perfil" in str(app.screen.query_one("#wizard-error").render())
        await pilot.press("enter", "ctrl+s")  # the first profile (INE)
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
    with open_store(db) as store:
        assert store.settings.profile_id == "ine"
        assert store.accounts.count() == 0


async def select_first(pilot, kind: str):  # type: ignore[no-untyped-def]
    """Move the Hoy cursor down to the first item of ``kind`` (incident notices head the agenda)."""
    screen = pilot.app.screen
    for _ in range(80):
        item = screen.selected_item
        if item is not None and item.kind == kind:
            return item
        await pilot.press("down")
    raise AssertionError(f"no {kind} item in Hoy")


@run_async
async def test_open_overdue_rotation_and_register_it(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HoyScreen)
        item = await select_first(pilot, Kind.ROTATION)
        assert item is not None and item.kind == Kind.ROTATION and item.status is Status.OVERDUE
        key = item.key
        await pilot.press("enter")
        assert isinstance(app.screen, ObligationScreen)
        assert item.rule.quote in str(app.screen.query_one(".quote").render())
        await pilot.press("r")
        assert isinstance(app.screen, RotationDialog)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
        overdue = [i.key for i in app.agenda_snapshot.items if i.status is Status.OVERDUE]
        assert key not in overdue
    with open_store(demo_db) as store:
        latest = store.rotations.for_account(item.account.id, limit=1)[0]
        assert latest.rotated_at == NOW


@run_async
async def test_cancelled_confirmation_records_nothing(demo_db: Path) -> None:
    with open_store(demo_db) as store:
        before = store.query_one("SELECT count(*) FROM rotations")[0]
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select_first(pilot, Kind.ROTATION)
        await pilot.press("enter", "r", "ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        assert isinstance(app.screen, RotationDialog)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
    with open_store(demo_db) as store:
        assert store.query_one("SELECT count(*) FROM rotations")[0] == before


@run_async
async def test_rotation_in_the_future_is_refused_and_the_form_keeps_it(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select_first(pilot, Kind.ROTATION)
        await pilot.press("enter", "r")
        dialog = app.screen
        assert isinstance(dialog, RotationDialog)
        when = dialog.query_one("#when")
        when.value = "2026-04-01 09:00"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert when.value == "2026-04-01 09:00"  # type: ignore[attr-defined]
        assert "futur" in str(dialog.query_one(".dialog-error").render())


@run_async
async def test_filter_accounts_as_you_type(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CuentasScreen)
        total = screen.table.selectable_count
        assert total == 107
        await pilot.press("slash", *"dd07")
        keys = [row.key for row in screen.table.rows]
        refs = {row.account.id: row.account.ref for row in app.institution.accounts}
        assert sorted(refs[k] for k in keys) == ["facebook/IECMDistrito07", "instagram/iecm.dd07", "x/@IECM_DD07"]
        await pilot.press("escape")  # clears the filter
        assert screen.table.selectable_count == total
        await pilot.press("escape")  # empty filter: back to Hoy
        assert isinstance(app.screen, HoyScreen)


@run_async
async def test_filter_ignores_accents_and_case(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonasScreen)
        name = next(row.person.name for row in app.institution.people if "á" in row.person.name.lower())
        plain = name.lower().replace("á", "a")
        await pilot.press("slash", *plain)
        assert any(row.key for row in screen.table.rows)
        chosen = {row.person.id: row.person.name for row in app.institution.people}
        assert name in {chosen[row.key] for row in screen.table.rows}


@run_async
async def test_sort_accounts_by_column(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CuentasScreen)
        await pilot.press("o")  # Usuario -> Área
        assert screen.sort_column == 2
        areas = [screen.table.rows[i].cells[2] for i in range(len(screen.table.rows))]
        assert areas == sorted(areas, key=str.lower)
        await pilot.press("i")
        areas_desc = [row.cells[2] for row in screen.table.rows]
        assert areas_desc[0] >= areas_desc[-1]


@run_async
async def test_add_person(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PersonDialog)
        await pilot.press(*"Ana López Ruiz", "tab", *"ana.lopez@iecm.mx")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonasScreen)
        names = [row.person.name for row in app.institution.people]
        assert "Ana López Ruiz" in names
        await pilot.press("slash", *"lopez ruiz")
        assert screen.table.selectable_count == 1
    with open_store(demo_db) as store:
        person = store.people.find("Ana López Ruiz")
        assert person is not None and person.email == "ana.lopez@iecm.mx"


@run_async
async def test_duplicate_person_is_refused_and_the_form_keeps_its_input(demo_db: Path) -> None:
    with open_store(demo_db) as store:
        existing = store.people.list()[0].name
        count = len(store.people.list())
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", *existing, "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PersonDialog)
        assert dialog.query_one("#name").value == existing  # type: ignore[attr-defined]
        assert "Ya existe" in str(dialog.query_one(".dialog-error").render())
    with open_store(demo_db) as store:
        assert len(store.people.list()) == count


@run_async
async def test_fix_standing_finding_from_the_agenda(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HoyScreen)
        index = next(i for i, item in enumerate(app.agenda_snapshot.items) if item.kind == Kind.PUBLIC_ACCOUNT)
        item = app.agenda_snapshot.items[index]
        screen.query_one("#agenda").move_to_key(index)  # type: ignore[attr-defined]
        await pilot.press("enter", "d")
        assert app.focused is not None and app.focused.id == "public"
        await pilot.press("enter", "up", "enter")  # the list «sin dato / sí / no», from «no» up to «sí»
        assert app.screen.query_one("#public", Select).value == "si"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all(i.key != item.key for i in app.agenda_snapshot.items)


@run_async
async def test_idle_lock_hides_and_any_key_returns(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.idle_minutes == 10
        app._last_input -= 10 * 60 + 1
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("x")
        assert isinstance(app.screen, HoyScreen)


@run_async
async def test_palette_lists_only_what_applies(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.selected_item.kind == Kind.INCIDENT_NOTICE  # type: ignore[attr-defined]
        titles = [c.title for c in applicable_commands(app, app.screen)]
        assert "pendiente: Registrar rotación" not in titles
        await select_first(pilot, Kind.ROTATION)
        titles = [c.title for c in applicable_commands(app, app.screen)]
        assert "pendiente: Registrar rotación" in titles
        assert "vista: Hoy" not in titles and "vista: Cuentas" in titles
        assert not any(t.startswith("cuenta:") for t in titles)
        assert all(": " in t for t in titles)
        await pilot.press("2")
        await settle(pilot)
        titles = [c.title for c in applicable_commands(app, app.screen)]
        assert "cuenta: Registrar rotación" in titles and "vista: Hoy" in titles
        assert not any(t.startswith("pendiente:") for t in titles)


@run_async
async def test_help_lists_the_screen_keys(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        text = str(app.screen.query_one(".dialog-fields Static").render())
        assert "Registra una rotación de contraseña" in text
        await pilot.press("escape")
        assert isinstance(app.screen, CuentasScreen)


def test_command_line_never_imports_textual(demo_db: Path) -> None:
    code = (
        "import sys\n"
        "import tui.cli\n"
        "assert 'textual' not in sys.modules, 'import tui.cli loaded textual'\n"
        "from tui.cli import main\n"
        f"code = main(['pendientes', '--db', {str(demo_db)!r}])\n"
        "assert code == 0\n"
        "assert 'textual' not in sys.modules, 'pendientes loaded textual'\n"
        "import store, policy\n"
        "assert 'textual' not in sys.modules\n"
        "print('limpio')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"RESGUARDO_NOW": NOW.isoformat(), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("limpio")


def test_no_command_opens_the_workbench(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    import tui.app
    from tui.cli import main

    opened: list[str | None] = []
    monkeypatch.setattr(tui.app, "run_workbench", lambda db_path=None, *rest: opened.append(db_path) or 0)
    assert main(["--db", str(demo_db)]) == 0
    assert opened == [str(demo_db)]


@run_async
async def test_assign_then_unassign_with_confirmation(demo_db: Path) -> None:
    from tui.screens.pick import PickScreen

    with open_store(demo_db) as store:
        account = store.accounts.resolve("x/@IECM_DD17")
        holders = {a.person_id for a in store.assignments.for_account(account.id)}
        person = next(p for p in store.people.list() if p.id not in holders)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CuentasScreen)
        await pilot.press("slash", *"iecm_dd17", "down", "a")
        await settle(pilot)
        assert app.screen.query_one("#role").value == "enlace"  # type: ignore[attr-defined]
        await pilot.press(*person.name, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        await pilot.press("x")
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "down", "enter")  # the third holder: the new enlace
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
    with open_store(demo_db) as store:
        mine = [a for a in store.assignments.for_account(account.id) if a.person_id == person.id]
        assert [(a.role, a.end) for a in mine] == [("enlace", NOW.date())]


@run_async
async def test_register_training_from_personas(demo_db: Path) -> None:
    from tui.forms.records import TrainingDialog

    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PersonasScreen)
        person = screen.selected()
        assert person is not None
        await pilot.press("c")
        assert isinstance(app.screen, TrainingDialog)
        await pilot.press("ctrl+s", "enter")
        await settle(pilot)
        assert app.institution is not None
        row = next(r for r in app.institution.people if r.person.id == person.person.id)
        assert row.last_training == NOW.date()


@run_async
async def test_palette_runs_a_command_by_its_spanish_name(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"vista: Personas")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonasScreen)


@run_async
async def test_the_account_form_keeps_an_unknown_public_setting_unknown(tmp_path: Path) -> None:
    """iecm asks whether an account is public and takes private messages; nobody recorded it yet: saving
    another field in the workbench must not record «sí» for them (issue #13, defect 7)."""
    db = build_demo_db(tmp_path / "iecm.db", "iecm")
    with open_store(db) as store:
        account = store.accounts.list()[0]
        store.execute("UPDATE accounts SET public = -1, private_messages = -1 WHERE id = ?", (account.id,))
        account = store.accounts.get(account.id)
        assert (account.public_known, account.private_messages_known) == (False, False)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.edit_account(account)
        await pilot.pause()
        assert app.screen.query_one("#public", Select).value == "sin_dato"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with open_store(db) as store:
        kept = store.accounts.get(account.id)
        assert (kept.public_known, kept.private_messages_known) == (False, False)
