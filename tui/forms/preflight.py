"""The «Revisar borrador» dialog: paste a draft, see each finding highlighted in the text, jump between them.

It calls the core's ``review_draft`` through ``Workspace.run`` in a thread worker (not exclusive: a
review never waits for another); the findings come back as a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, Select, Static, TextArea
from textual.widgets.text_area import Selection

from tui.core.preflight import Review, review_draft
from tui.workspace import error_text

if TYPE_CHECKING:
    from tui.workspace import Workspace

NETWORKS = (
    ("X", "x"),
    ("Facebook", "facebook"),
    ("Instagram", "instagram"),
    ("TikTok", "tiktok"),
    ("YouTube", "youtube"),
)
SEVERITY_STYLES = {"bloquea": "bold white on red", "revisar": "black on yellow", "sugerencia": "black on cyan"}
SEVERITY_LABELS = {"bloquea": "BLOQUEA", "revisar": "REVISAR", "sugerencia": "SUGERENCIA"}
HINT = "Ctrl+R revisa · F8 observación siguiente · F7 anterior · Esc cierra"


def _location(text: str, offset: int) -> tuple[int, int]:
    """(row, column) of character ``offset`` in ``text``, as the TextArea counts them."""
    before = text[:offset]
    row = before.count("\n")
    return row, offset - (before.rfind("\n") + 1)


class PreflightDialog(ModalScreen[None]):
    """Paste a draft and review it against the institution's content criteria."""

    DEFAULT_CSS = """
    PreflightDialog .dialog.preflight { width: 110; max-width: 100%; height: 90%; }
    PreflightDialog #draft { height: 8; }
    PreflightDialog #options { height: auto; }
    PreflightDialog #options Select { width: 24; }
    PreflightDialog #verdict { margin-top: 1; text-style: bold; }
    PreflightDialog #preview { height: 1fr; border: round $primary; padding: 0 1; }
    PreflightDialog #current { height: auto; min-height: 3; }
    """

    # Priority bindings: the draft's TextArea keeps F7 (select all) and Ctrl+R otherwise.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cerrar", id="borrador.cerrar", tooltip="Cierra el diálogo"),
        Binding("ctrl+r", "review", "Revisar", id="borrador.revisar", tooltip="Revisa el borrador", priority=True),
        Binding(
            "f8",
            "next",
            "Siguiente",
            id="borrador.siguiente",
            tooltip="Salta a la observación siguiente",
            priority=True,
        ),
        Binding(
            "f7",
            "previous",
            "Anterior",
            id="borrador.anterior",
            tooltip="Salta a la observación anterior",
            priority=True,
        ),
    ]

    class Reviewed(Message):
        def __init__(self, review: Review | None, error: str | None = None) -> None:
            super().__init__()
            self.review = review
            self.error = error

    def __init__(self, workspace: Workspace, text: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.workspace = workspace
        self.initial_text = text
        self.review: Review | None = None
        self.current = -1

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog preflight"):
            yield Label("Revisar borrador", classes="dialog-title")
            yield Static("Pegue o escriba el texto de la publicación.", classes="dialog-text")
            yield TextArea(self.initial_text, id="draft", soft_wrap=True)
            with Horizontal(id="options"):
                yield Select(NETWORKS, prompt="Red (opcional)", id="network")
                yield Checkbox("Lleva imagen o video", id="with-image")
            yield Static("", id="verdict")
            with VerticalScroll(id="preview"):
                yield Static("", id="highlighted")
            yield Static("", id="current")
            yield Static(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#draft", TextArea).focus()

    # -- reviewing ---------------------------------------------------------

    def action_review(self) -> None:
        text = self.query_one("#draft", TextArea).text
        network = self.query_one("#network", Select).value
        with_image = self.query_one("#with-image", Checkbox).value
        self.query_one("#verdict", Static).update("Revisando…")
        self._review(text, network if isinstance(network, str) else None, with_image)

    @work(thread=True, exclusive=False, exit_on_error=False, group="preflight")
    def _review(self, text: str, network: str | None, with_image: bool) -> None:
        try:
            review = self.workspace.run(review_draft, text, network=network, with_image=with_image)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, in Spanish
            self.post_message(self.Reviewed(None, error_text(exc)))
            return
        self.post_message(self.Reviewed(review))

    @on(Reviewed)
    def _reviewed(self, event: PreflightDialog.Reviewed) -> None:
        verdict = self.query_one("#verdict", Static)
        if event.review is None:
            verdict.update(Text(event.error or "No se pudo revisar el borrador.", style="bold red"))
            return
        self.review = event.review
        self.current = 0 if event.review.findings else -1
        verdict.update(event.review.verdict)
        self._show()

    # -- jumping between findings ----------------------------------------

    def action_next(self) -> None:
        self._move(1)

    def action_previous(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        if self.review is None or not self.review.findings:
            return
        self.current = (self.current + step) % len(self.review.findings)
        self._show()

    def _show(self) -> None:
        review = self.review
        if review is None:
            return
        text = Text(review.text)
        for index, finding in enumerate(review.findings):
            if finding.span.end > finding.span.start:
                style = SEVERITY_STYLES[finding.severity] + (" underline" if index == self.current else "")
                text.stylize(style, finding.span.start, finding.span.end)
        self.query_one("#highlighted", Static).update(text)
        current = self.query_one("#current", Static)
        if self.current < 0:
            current.update("")
            return
        finding = review.findings[self.current]
        rule = finding.rule
        cite = f"{rule.document} {rule.section}".strip()
        shown = f" «{finding.span.text}»" if finding.span.text else ""
        current.update(
            f"{self.current + 1} de {len(review.findings)} · {SEVERITY_LABELS[finding.severity]}{shown}\n"
            f"{finding.message}\nRegla: {cite}"
        )
        area = self.query_one("#draft", TextArea)
        if area.text == review.text:
            area.selection = Selection(
                _location(review.text, finding.span.start), _location(review.text, finding.span.end)
            )

    def action_close(self) -> None:
        self.dismiss(None)
