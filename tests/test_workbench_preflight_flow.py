"""Pilot tests of the preflight in the workbench's flow (issue #15): a consultation's kept findings
on Consultas, the «Nueva consulta» form's verdict, and the bitácora entry's «Revisar con los criterios»."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from store import open_store
from tui.app import Workbench
from tui.core.preflight import review_draft
from tui.forms.base import ConfirmDialog

#: Three things to look at for the INE: no image, a person's e-mail and a phone number.
DRAFT = "Escríbenos a juan.perez@gmail.com o llama al 55 1234 5678. Todos los ciudadanos pueden participar."


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


@run_async
async def test_a_new_consultation_is_reviewed_and_its_findings_show_on_consultas(ine_db: Path) -> None:
    from tui.forms.workflows import ConsultationNewDialog
    from tui.screens.workflows import ConsultasScreen

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsultasScreen)
        before = {c.id for c in screen.items}
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, ConsultationNewDialog)
        await pilot.press("enter", "down", "enter")
        dialog.query_one("#subject").value = "Convocatoria"  # type: ignore[attr-defined]
        dialog.query_one("#text").value = DRAFT  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        [new_id] = {c.id for c in screen.items} - before
        messages = [n.message for n in app._notifications]
        assert any(
            m.startswith(f"Consulta {new_id} registrada para ")
            and m.endswith("Revisión del borrador: Puede publicar tras revisar: 3 por revisar.")
            for m in messages
        ), messages
        # select the new consultation: its detail shows the verdict and each finding
        while (selected := screen.selected()) is not None and selected.id != new_id:
            await pilot.press("down")
            await settle(pilot)
        assert selected is not None and selected.id == new_id
        shown = " ".join(str(screen.query_one("#detail-left").render()).split())
        assert "Revisión del borrador: Puede publicar tras revisar: 3 por revisar." in shown
        assert "REVISAR «juan.perez@gmail.com» Hay un correo electrónico que no es de un dominio institucional" in shown
        assert "REVISAR «55 1234 5678» Hay un número telefónico" in shown
        assert "REVISAR La publicación va sin imagen ni video" in shown
    with open_store(ine_db) as store:
        kept = store.consultations.get(new_id)
        assert kept.text == DRAFT and kept.review is not None
        account = kept.account_id
        expected = review_draft(store, DRAFT, account=account)
        from tui.core.workflows import consultation_review

        assert consultation_review(kept) == expected


@run_async
async def test_the_entry_forms_checkbox_appends_the_verdict_of_a_publication(ine_db: Path) -> None:
    from textual.widgets import Checkbox, Select

    from tui.forms.bitacora import EntryDialog
    from tui.screens.bitacora import BitacoraScreen

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, BitacoraScreen)
        # a note cannot carry a review: refused in the form, nothing written
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        dialog.query_one("#text").value = DRAFT  # type: ignore[attr-defined]
        dialog.query_one("#review", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "Solo una entrada de tipo «publicacion»" in str(dialog.query_one(".dialog-error").render())
        # a publication can
        dialog.query_one("#kind", Select).value = "publicacion"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BitacoraScreen)
    with open_store(ine_db) as store:
        newest = store.bitacora.search(None, limit=1)[0]
        verdict = review_draft(store, DRAFT).verdict
        assert newest.kind == "publicacion" and newest.account_id is None
        assert newest.text == f"{DRAFT} [Revisión con los criterios: {verdict}]"
        assert store.bitacora.search("juan.perez", limit=5) == [newest]
