"""Issue #14 C2: the forms show and take dates as people write them (dd/mm/aaaa, dd/mm/aaaa HH:MM), accept
d/m/aaaa and ISO too, and refuse an impossible or ambiguous date on its field with the format named."""

from __future__ import annotations

import ast
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
from conftest import NOW
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input
from workbench_helpers import build_demo_db, run_async, settle

from policy.clock import YEARS, ZONE, format_date, format_moment, parse_date, parse_datetime
from policy.errors import UsageError
from store import open_store
from tui import flows
from tui.app import Workbench
from tui.forms.base import ConfirmDialog, FormDialog

FORMS = Path(__file__).resolve().parents[1] / "tui" / "forms"
SCREENS = FORMS.parent / "screens"
SPANISH_DAY = re.compile(r"\d{2}/\d{2}/\d{4}")
SPANISH_MOMENT = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

days = st.dates(min_value=date(YEARS[0], 1, 1), max_value=date(YEARS[1], 12, 31))
moments = st.builds(
    lambda day, hour, minute: datetime.combine(day, time(hour, minute), tzinfo=ZONE),
    days,
    st.integers(0, 23),
    st.integers(0, 59),
)


# -- the rule, in one place (policy.clock), shared by the forms and the command line ----------------------


@given(days)
def test_a_day_as_shown_reads_back_the_same(day: date) -> None:
    shown = format_date(day)
    assert SPANISH_DAY.fullmatch(shown)
    assert parse_date(shown) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day  # d/m/aaaa, without the zeros
    assert parse_date(day.isoformat()) == day  # ISO stays accepted for whoever pastes it
    assert parse_datetime(shown) == datetime.combine(day, time(0, 0), tzinfo=ZONE)  # a bare date: its start


@given(moments)
def test_a_moment_as_shown_reads_back_the_same(moment: datetime) -> None:
    shown = format_moment(moment)
    assert SPANISH_MOMENT.fullmatch(shown)
    assert parse_datetime(shown) == moment
    assert parse_datetime(f"{moment.day}/{moment.month}/{moment.year} {moment.hour}:{moment.minute:02d}") == moment
    assert parse_datetime(moment.strftime("%Y-%m-%d %H:%M")) == moment
    assert parse_datetime(moment.strftime("%Y-%m-%dT%H:%M")) == moment


@pytest.mark.parametrize(
    ("text", "parse"),
    [
        ("31/02/2026", parse_date),  # impossible
        ("13/13/2026", parse_date),
        ("mañana", parse_date),
        ("03/04/26", parse_date),  # a two-digit year: which century?
        ("2026/04/03", parse_date),  # year first with slashes: ambiguous
        ("", parse_date),
        ("31/02/2026 10:00", parse_datetime),
        ("12/03/2026 25:00", parse_datetime),
        ("12/03/2026 10:75", parse_datetime),
        ("mañana a las 10", parse_datetime),
    ],
)
def test_an_impossible_or_ambiguous_date_is_refused_naming_the_format(text: str, parse: Callable[..., object]) -> None:
    with pytest.raises(UsageError) as refused:
        parse(text, "fecha de la evaluación")
    message = refused.value.message
    assert "dd/mm/aaaa" in message and "fecha de la evaluación" in message and f"«{text}»" in message


# -- every form that has a date or moment field --------------------------------------------------------------


def _shown_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings (what a form may show)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_form_asks_for_iso_dates() -> None:
    """A form labels its date fields dd/mm/aaaa (ISO is accepted, never asked for); a new form too."""
    asking = [
        f"{path.name}:{line}"
        for path in sorted([*FORMS.glob("*.py"), SCREENS / "bitacora.py"])
        for line, text in _shown_strings(path)
        if "AAAA-MM-DD" in text
    ]
    assert asking == []


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


def _flow(name: str) -> Callable[[Workbench], None]:
    def account(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            found = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[2]
        flows.close_account(app, found)

    def person(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            found = sorted(store.people.list(), key=lambda p: p.name)[1]
        flows.admin_change(app, found)

    def entry(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            found = store.bitacora.search(limit=1)[0]
        flows.correct_entry(app, found)

    return {"baja": account, "cambio": person, "correccion": entry, "alta": flows.new_opening}[name]


async def _keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


def keys(*pressed: str) -> Callable[..., Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await _keys(pilot, *pressed)

    return run


def on_item(kind: str, key: str) -> Callable[..., Awaitable[None]]:
    """Hoy's first item of ``kind``, resolved with ``key``."""

    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for _ in range(150):
            item = pilot.app.screen.selected_item
            if item is not None and item.kind == kind:
                break
            await pilot.press("down")
        else:
            raise AssertionError(f"no {kind} in Hoy")
        await _keys(pilot, key)

    return run


def flow(name: str) -> Callable[..., Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        _flow(name)(pilot.app)
        await settle(pilot)

    return run


#: how a user reaches each form with a date or moment field (from Hoy, by keys, or by a workbench flow)
OPENERS: dict[str, Callable[..., Awaitable[None]]] = {
    "rotacion": keys("2", "r"),
    "evaluacion": keys("2", "v"),
    "bitacora_nueva": keys("4", "n"),
    "incidente_nuevo": keys("5", "a"),
    "incidente_cerrar": keys("5", "z"),
    "consulta_nueva": keys("6", "a"),
    "solicitud_nueva": keys("7", "a"),
    "dispensa": keys("x"),
    "aviso_incidente": on_item("incident_notice", "n"),
    "consulta_resolver": on_item("consultation", "p"),
    "solicitud_atender": on_item("information_request", "s"),
    "firma_documento": on_item("designation_form", "f"),
    "aviso_dado": on_item("holiday_notice", "m"),
    "capacitacion": on_item("training", "c"),
    "baja": flow("baja"),
    "cambio": flow("cambio"),
    "correccion": flow("correccion"),
    "alta": flow("alta"),
}


@pytest.mark.parametrize("name", list(OPENERS))
@run_async
async def test_each_form_shows_its_dates_in_the_spanish_format(ine_db: Path, name: str) -> None:
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await OPENERS[name](pilot)
        form = app.screen
        assert isinstance(form, FormDialog), form
        values = [box.value for box in form.query(Input)]
        labels = " ".join(str(label.render()) for label in form.query(".field-label"))
        assert any(SPANISH_DAY.match(v) for v in values), values  # its date field, filled with today or now
        assert not any(ISO_DAY.search(v) for v in values), values
        assert "dd/mm/aaaa" in labels and "AAAA-MM-DD" not in labels


# -- two forms end to end, from the keyboard -----------------------------------------------------------------


async def _retype(pilot, box: Input, text: str) -> None:  # type: ignore[no-untyped-def]
    box.focus()
    box.value = ""
    await pilot.press(*text)


@run_async
async def test_the_evaluation_form_refuses_an_impossible_day_on_its_field_and_takes_d_m_aaaa(ine_db: Path) -> None:
    from tui.forms.records import EvaluationDialog

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        account = app.screen.selected().account  # type: ignore[attr-defined]
        with open_store(ine_db) as store:
            before = store.evaluations.history(account.id, limit=1000)
        await pilot.press("v")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EvaluationDialog)
        day = form.query_one("#day", Input)
        assert day.value == "12/03/2026"
        for wrong in ("31/02/2026", "13/13/2026", "mañana"):
            await _retype(pilot, day, wrong)
            form.query_one("#note", Input).focus()
            await pilot.press("ctrl+s")
            await settle(pilot)
            error = str(form.query_one(".dialog-error").render())
            assert app.screen is form, wrong  # no confirmation asked for what cannot be read
            assert f"«{wrong}»" in error and "dd/mm/aaaa" in error, error
            assert day.has_class("-invalid") and app.focused is day  # the field is marked and has the focus
        await pilot.press(*"x")
        assert not day.has_class("-invalid")  # typing clears the mark
        await _retype(pilot, day, "5/3/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "05/03/2026" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, (EvaluationDialog, ConfirmDialog))
    with open_store(ine_db) as store:
        after = store.evaluations.history(account.id, limit=1000)
    assert len(after) == len(before) + 1 and after[0].day == date(2026, 3, 5)


@run_async
async def test_the_rotation_form_takes_a_moment_as_dd_mm_aaaa_hh_mm_and_refuses_a_bad_hour(ine_db: Path) -> None:
    from tui.forms.records import RotationDialog

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        account = app.screen.selected().account  # type: ignore[attr-defined]
        with open_store(ine_db) as store:
            before = store.rotations.for_account(account.id, limit=1000)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RotationDialog)
        when = form.query_one("#when", Input)
        assert when.value == "12/03/2026 10:00"
        await _retype(pilot, when, "11/03/2026 25:10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(form.query_one(".dialog-error").render())
        assert app.screen is form and "dd/mm/aaaa HH:MM" in error and when.has_class("-invalid"), error
        await _retype(pilot, when, "11/03/2026 09:15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "11/03/2026" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
    with open_store(ine_db) as store:
        after = store.rotations.for_account(account.id, limit=1000)
    assert len(after) == len(before) + 1
    assert after[0].rotated_at == datetime(2026, 3, 11, 9, 15, tzinfo=ZONE)


# -- what else a person reads in the workbench -----------------------------------------------------------------


@run_async
async def test_a_holiday_notice_on_hoy_names_its_day_as_dd_mm_aaaa(ine_db: Path) -> None:
    """The agenda's sentence for a holiday notice named the notice by its ISO id («aviso 2026-03-16»)."""
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notices = [i for i in app.agenda_snapshot.items if i.kind == "holiday_notice"]
        assert notices
        for item in notices:
            assert not ISO_DAY.search(item.message), item.message
            assert re.search(r"\(aviso del \d{2}/\d{2}/\d{4}\)\.$", item.message), item.message


def test_a_holiday_notice_is_marked_by_its_day_as_the_agenda_names_it(cli, tmp_path: Path) -> None:
    """The command line takes the notice's day as the agenda now writes it (dd/mm/aaaa), as it took ISO."""
    build_demo_db(cli.db, "ine")
    import json

    listed = json.loads(cli("avisos", "listar", "--json").out)
    assert listed
    day = date.fromisoformat(listed[0]["id"])  # the JSON id keeps its ISO form for programs
    done = cli("avisos", "cumplir", format_date(day))
    assert done.code == 0, done.err
    assert f"Aviso del {format_date(day)} " in done.out


def test_every_date_field_is_named_so_that_its_refusal_agrees() -> None:
    """The refusal reads «La {nombre} «…» no existe en el calendario»: every form names its date
    fields as a «fecha …» (a «último día» once read «La último día»)."""
    import re
    from pathlib import Path

    forms = Path(__file__).resolve().parent.parent / "tui" / "forms"
    names = [
        name
        for source in forms.glob("*.py")
        for name in re.findall(
            r"self\.(?:day|moment)\(\s*\"[^\"]+\",\s*\"([^\"]+)\"", source.read_text(encoding="utf-8")
        )
    ]
    assert len(names) > 20
    assert [name for name in names if not name.startswith("fecha")] == []
