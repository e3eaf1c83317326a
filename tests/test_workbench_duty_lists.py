"""Issue #14 E2: the duties' list and the holiday notices' list, run end to end from the keyboard.

Each test opens its list the way a user would (a screen's key or the palette), reads the rows on
screen, does a pending one through its form (validate, then confirm) and checks the database with
the core functions the command line calls (``deberes listar``, ``avisos listar``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, make_app, palette, run_async, settle, shown

from policy.duties import SPECS
from policy.labels import KIND_LABELS
from store import open_store
from tui.core.duties import duties, fulfil_duty, report_matter
from tui.core.notices import notice_periods
from tui.forms.agenda_items import HolidayNoticeDialog
from tui.forms.base import ConfirmDialog
from tui.forms.duties import DutiesDialog, DutyDialog
from tui.forms.notices import NoticesDialog
from tui.screens.cuentas import CuentasScreen

MATTER = KIND_LABELS[SPECS["aviso_asunto"].kind]  # «Aviso de asunto relevante», as Hoy names the item


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    """The ine demo with two relevant matters on two accounts: the older one already notified."""
    db = build_demo_db(tmp_path / "ine.db", "ine")
    with open_store(db, clock=lambda: NOW) as store:
        first, second = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[:2]
        (done,) = report_matter(store, first.id, "Circula un video falso", at=NOW - timedelta(hours=3))
        fulfil_duty(store, done.id, at=NOW - timedelta(hours=2))
        report_matter(store, second.id, "Cuenta apócrifa", at=NOW - timedelta(hours=1))
    return db


async def save_and_confirm(pilot) -> None:  # type: ignore[no-untyped-def]
    """ctrl+s, then the confirmation (asked only once the rehearsal found nothing to refuse)."""
    form = pilot.app.screen
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog), form.query_one(".dialog-error").render()
    await pilot.press("y")
    await settle(pilot)


def table_lines(text: str) -> list[str]:
    """The table's lines of the screen (a row starts with the duty's kind; the detail, with «Deber N»)."""
    return [line for line in text.splitlines() if MATTER[:12] in line and "Deber " not in line]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@run_async
async def test_the_duties_list_from_hoy_filters_and_does_a_pending_duty(ine_db: Path, size: tuple[int, int]) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DutiesDialog)
        with open_store(ine_db) as store:
            assert [d.id for d in dialog.items] == [d.id for d in duties(store)]
        lines = table_lines(shown(app))
        assert len(lines) == 2, shown(app)
        # newest first, each with its state in the command line's words
        assert "Cuenta apó" in lines[0] and "pendiente (12/03/2026)" in lines[0], lines
        assert "Circula un" in lines[1] and "cumplido el 12/03/2026" in lines[1], lines

        await pilot.press("p")  # only the pending ones
        await settle(pilot)
        assert [d.subject for d in dialog.items] == ["Cuenta apócrifa"]
        assert "Deberes pendientes" in shown(app)
        assert len(table_lines(shown(app))) == 1
        await pilot.press("p")  # all of them again
        await settle(pilot)
        assert len(dialog.items) == 2

        await pilot.press("enter")  # the pending one (the newest, selected) opens the form that does it
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DutyDialog) and form.ref_id == dialog.items[0].id
        await save_and_confirm(pilot)
        assert app.screen is dialog
        lines = table_lines(shown(app))
        assert all("cumplido el 12/03/2026" in line for line in lines) and len(lines) == 2, lines
        await pilot.press("h")  # a done duty: nothing to do
        await settle(pilot)
        assert app.screen is dialog
    with open_store(ine_db) as store:
        found = duties(store)
        assert [d.done_at is not None for d in found] == [True, True]
        newest = found[0]
        assert newest.subject == "Cuenta apócrifa" and newest.done_at == NOW
        entry = store.bitacora.get(newest.done_entry_id)
        assert entry.kind == "nota" and entry.account_id == newest.account_id
        assert duties(store, open_only=True) == []


@run_async
async def test_the_duties_list_from_the_palette_and_of_one_account_from_cuentas(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "deberes: Lista de")
        assert isinstance(dialog, DutiesDialog) and dialog.account is None and len(dialog.items) == 2
        await pilot.press("escape")
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CuentasScreen)
        row = screen.selected()
        assert row is not None
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DutiesDialog) and dialog.account is not None
        assert dialog.account.id == row.account.id
        with open_store(ine_db) as store:
            expected = duties(store, account=row.account.id)
        assert [d.id for d in dialog.items] == [d.id for d in expected]
        assert all(d.account_id == row.account.id for d in dialog.items)
        assert f"Deberes de {row.account.ref}" in shown(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@run_async
async def test_the_holiday_notices_from_calendario_and_marking_one_given(tmp_path: Path, size: tuple[int, int]) -> None:
    db = build_demo_db(tmp_path / "ine.db", "ine")
    with open_store(db, clock=lambda: NOW) as store:
        before = notice_periods(store, NOW)
    assert before and all(n.done_on is None for n in before)
    first = before[0].period
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NoticesDialog)
        assert [n.period for n in dialog.items] == [n.period for n in before]
        text = shown(app)
        row = next(line for line in text.splitlines() if first.start.strftime("%d/%m/%Y") in line)
        assert before[0].due.strftime("%d/%m/%Y") in row and row.strip("█ ").split()[-1] == "no", row

        await pilot.press("enter")  # the first period: its notice, given today
        await settle(pilot)
        assert isinstance(app.screen, HolidayNoticeDialog)
        await save_and_confirm(pilot)
        assert app.screen is dialog
        row = next(line for line in shown(app).splitlines() if first.start.strftime("%d/%m/%Y") in line)
        assert row.strip("█ ").split()[-1] == "12/03/2026", row
        await pilot.press("m")  # given already: nothing to mark
        await settle(pilot)
        assert app.screen is dialog
    with open_store(db, clock=lambda: NOW) as store:
        after = notice_periods(store, NOW)
    assert after[0].period == first and after[0].done_on == NOW.date()
    assert all(n.done_on is None for n in after[1:])


@run_async
async def test_the_holiday_notices_from_the_palette_where_the_profile_has_none(tmp_path: Path) -> None:
    db = build_demo_db(tmp_path / "iecm.db", "iecm")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await palette(pilot, "avisos: Avisos de")
        assert isinstance(dialog, NoticesDialog) and dialog.items == []
        said = "El perfil IECM no prevé avisos al público antes de los días inhábiles."
        assert str(dialog.query_one(".dialog-error").render()) == said
        text = shown(app)
        assert "El perfil IECM no prevé avisos al público antes de los días" in text, text
        assert "Sin avisos que mostrar." in text, text
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is dialog
    with open_store(db) as store:
        assert store.holiday_notices.done() == {}
