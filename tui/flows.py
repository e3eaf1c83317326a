"""Where the workbench opens each workflow that is not a main screen: waivers, openings, closings,
administrator changes, settings, the calendar, the inventory's import and export, the history of what
was resolved, the backups, the office's package, the preflight's lists and the forms that open duties (a UTCSyD message, a relevant
matter, a removal request, a change of holder).

One function per workflow, called from the palette (``palette_commands``) and from the screen where a
user looks for it (Cuentas, Personas, Bitácora). Each imports its dialog when called: this module is
imported with the palette, and the first frame of Hoy does not pay for the forms.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from policy.codes import DutyKind
from tui.screens.base import PaletteCommand

if TYPE_CHECKING:
    from policy.records import Account, Person
    from store.bitacora import Entry
    from tui.app import Workbench


def show_waivers(app: Workbench) -> None:
    from tui.forms.waivers import WaiversDialog  # lazy: forms are not for the first frame

    app.push_screen(WaiversDialog(app.workspace))


def show_openings(app: Workbench, opening_id: int | None = None) -> None:
    from tui.forms.openings import OpeningsDialog  # lazy: forms are not for the first frame

    app.push_screen(OpeningsDialog(app.workspace, opening_id))


def new_opening(app: Workbench) -> None:
    from tui.forms.openings import OpeningNewDialog  # lazy: forms are not for the first frame

    app.push_screen(OpeningNewDialog(app.workspace))


def show_closings(app: Workbench, closing_id: int | None = None) -> None:
    from tui.forms.closings import ClosingsDialog  # lazy: forms are not for the first frame

    app.push_screen(ClosingsDialog(app.workspace, closing_id))


def close_account(app: Workbench, account: Account) -> None:
    from tui.forms.closings import ClosingNewDialog  # lazy: forms are not for the first frame

    app.push_screen(ClosingNewDialog(app.workspace, account))


def admin_change(app: Workbench, person: Person) -> None:
    from tui.forms.staff import AdminChangeDialog  # lazy: forms are not for the first frame

    app.push_screen(AdminChangeDialog(app.workspace, person))


def show_admin_changes(app: Workbench) -> None:
    from tui.forms.staff import AdminChangesDialog  # lazy: forms are not for the first frame

    app.push_screen(AdminChangesDialog(app.workspace))


def show_settings(app: Workbench) -> None:
    from tui.forms.settings import SettingsDialog  # lazy: forms are not for the first frame

    app.push_screen(SettingsDialog(app.workspace))


def show_calendar(app: Workbench) -> None:
    from tui.forms.calendar import CalendarDialog  # lazy: forms are not for the first frame

    app.push_screen(CalendarDialog(app.workspace))


def export_inventory(app: Workbench) -> None:
    from tui.forms.transfer import ExportDialog  # lazy: forms are not for the first frame

    app.push_screen(ExportDialog(app.workspace, _start_folder(app)))


def import_inventory(app: Workbench) -> None:
    from tui.forms.transfer import ImportDialog  # lazy: forms are not for the first frame

    app.push_screen(ImportDialog(app.workspace, _start_folder(app)))


def show_backups(app: Workbench) -> None:
    from tui.forms.backups import BackupsDialog  # lazy: forms are not for the first frame

    app.push_screen(BackupsDialog(app.workspace))


def office_package(app: Workbench) -> None:
    from tui.forms.package import PackageDialog  # lazy: forms are not for the first frame

    app.push_screen(PackageDialog(app.workspace, _start_folder(app)))


def export_calendar(app: Workbench) -> None:
    """The agenda as an ICS file for the office's calendar (the command line's calendario exportar)."""
    from tui.forms.calendar_export import CalendarExportDialog  # lazy: forms are not for the first frame

    app.push_screen(CalendarExportDialog(app.workspace, _start_folder(app)))


def review_passwords(app: Workbench) -> None:
    """Every account's password findings (the command line's credencial revisar); Enter goes to the account."""
    from tui.forms.password_review import PasswordReviewDialog  # lazy: forms are not for the first frame

    app.push_screen(PasswordReviewDialog(app.workspace))


def show_history(app: Workbench) -> None:
    from tui.forms.history import HistoryDialog  # lazy: forms are not for the first frame

    app.push_screen(HistoryDialog(app.workspace))


def show_duties(app: Workbench, account: Account | None = None) -> None:
    """Every duty (done ones too), or ``account``'s; a pending one is done from the list."""
    from tui.forms.base import account_options  # lazy: forms are not for the first frame
    from tui.forms.duties import DutiesDialog  # lazy: forms are not for the first frame

    # the accounts' names come with the institution, built just after the first frame
    app.with_institution(
        lambda: app.push_screen(
            DutiesDialog(app.workspace, {account_id: ref for ref, account_id in account_options(app)}, account)
        )
    )


def show_holiday_notices(app: Workbench) -> None:
    """The notices before non-working days (the dialog shows the core's refusal where the profile has none)."""
    from tui.forms.notices import NoticesDialog  # lazy: forms are not for the first frame

    app.push_screen(NoticesDialog(app.workspace))


def show_rotations(app: Workbench, account: Account) -> None:
    from tui.forms.history import RotationHistoryDialog  # lazy: forms are not for the first frame

    app.push_screen(RotationHistoryDialog(app.workspace, account))


def show_lists(app: Workbench) -> None:
    from tui.forms.lists import ListsDialog  # lazy: forms are not for the first frame

    app.push_screen(ListsDialog(app.workspace))


def correct_entry(app: Workbench, entry: Entry) -> None:
    from tui.forms.bitacora import CorrectionDialog  # lazy: forms are not for the first frame

    app.push_screen(CorrectionDialog(app.workspace, entry))


def moderate_comment(app: Workbench, account_id: int | None = None) -> None:
    """A moderation action on a comment, checked against the profile with its legal basis."""
    from tui.forms.base import account_options  # lazy: forms are not for the first frame
    from tui.forms.bitacora import ModerationDialog  # lazy: forms are not for the first frame

    # the account picker needs the accounts, built just after the first frame
    app.with_institution(lambda: app.push_screen(ModerationDialog(app.workspace, account_options(app), account_id)))


def show_seal(app: Workbench) -> None:
    """The bitácora's seal, to quote in an oficio or an e-mail (and copy)."""
    from tui.forms.bitacora import SealDialog  # lazy: forms are not for the first frame

    app.push_screen(SealDialog(app.workspace))


def export_journal(
    app: Workbench, *, account_id: int | None = None, kind: str | None = None, since: str = "", until: str = ""
) -> None:
    """The bitácora's entries with their hashes to a CSV or JSON file (the Bitácora screen's filters first)."""
    from tui.forms.base import account_options  # lazy: forms are not for the first frame
    from tui.forms.bitacora import ExportEntriesDialog  # lazy: forms are not for the first frame

    app.with_institution(
        lambda: app.push_screen(
            ExportEntriesDialog(
                app.workspace,
                account_options(app),
                _start_folder(app),
                account_id=account_id,
                kind=kind,
                since=since,
                until=until,
            )
        )
    )


def register_message(app: Workbench, account_id: int | None = None) -> None:
    """iecm: a UTCSyD message to publish (offered only where the profile has the rule)."""
    _open_duty_form(app, "MessageNewDialog", account_id)


def report_matter(app: Workbench, account_id: int | None = None) -> None:
    """A relevant matter (in iecm, a crisis of image): the day's notices."""
    _open_duty_form(app, "MatterNewDialog", account_id)


def request_removal(app: Workbench, account_id: int | None = None) -> None:
    """ieeags: a content-removal request and its two steps."""
    _open_duty_form(app, "RemovalNewDialog", account_id)


def _open_duty_form(app: Workbench, name: str, account_id: int | None) -> None:
    from tui.forms import duties  # lazy: forms are not for the first frame
    from tui.forms.base import account_options  # lazy: forms are not for the first frame

    dialog = getattr(duties, name)
    # the account picker needs the accounts, built just after the first frame
    app.with_institution(lambda: app.push_screen(dialog(app.workspace, account_options(app), account_id)))


def second_factor(app: Workbench, account: Account) -> None:
    """The account's second factor and its recovery codes (kept in the keyring)."""
    from tui.forms.second_factor import SecondFactorDialog  # lazy: forms are not for the first frame

    def show() -> None:  # the current state is in the institution, built just after the first frame
        institution = app.institution
        current = institution.second_factors.get(account.id) if institution is not None else None
        app.push_screen(SecondFactorDialog(app.workspace, account, current))

    app.with_institution(show)


def change_holder(app: Workbench, account: Account) -> None:
    """ine, ieesonora: the account's holder changed: the notice it owes."""
    from tui.forms.duties import HolderChangeDialog  # lazy: forms are not for the first frame

    app.push_screen(HolderChangeDialog(app.workspace, account))


#: the forms that open duties, offered only where the profile has the duty's rule (the core refuses
#: them elsewhere): the duty's kind, the palette's title and help, and the function above
DUTY_FORMS = (
    (
        DutyKind.UTCSYD_MESSAGE,
        "deberes: Registrar mensaje de la UTCSyD",
        "Para publicarlo sin cambios",
        register_message,
    ),
    (DutyKind.MATTER_NOTICE, "deberes: Registrar asunto (crisis de imagen)", "Sus avisos del día", report_matter),
    (DutyKind.REMOVAL_REQUEST, "deberes: Registrar solicitud de retiro", "A la Coordinación", request_removal),
)


def duty_commands(app: Workbench, account_id: int | None = None) -> list[PaletteCommand]:
    """The palette's entries of ``DUTY_FORMS`` the profile offers (with the selected account, if any)."""
    return [
        PaletteCommand(title, partial(opener, app, account_id), help_text)
        for kind, title, help_text, opener in DUTY_FORMS
        if app.offers(kind)
    ]


def _start_folder(app: Workbench) -> Path:
    """Where the file pickers start: the user's home folder."""
    return Path.home()


def palette_commands(app: Workbench) -> list[PaletteCommand]:
    """The palette's entries for every workflow above that needs no selected row."""
    return [
        *duty_commands(app),
        PaletteCommand("altas: Solicitudes de apertura", partial(show_openings, app), "Altas de cuentas por oficio"),
        PaletteCommand("altas: Nueva solicitud de apertura", partial(new_opening, app), "Registra el oficio"),
        PaletteCommand("bajas: Bajas de cuentas", partial(show_closings, app), "Sus pasos y el llavero"),
        PaletteCommand(
            "personas: Cambios de administración", partial(show_admin_changes, app), "Quién dejó de administrar"
        ),
        PaletteCommand("dispensas: Ver y revocar", partial(show_waivers, app), "Pendientes dispensados"),
        PaletteCommand("ajustes: Ajustes del perfil", partial(show_settings, app), "Plazos y reglas de la institución"),
        PaletteCommand(
            "calendario: Días inhábiles y procesos electorales",
            partial(show_calendar, app),
            "Los días que cuentan para los plazos",
        ),
        PaletteCommand("inventario: Exportar a CSV", partial(export_inventory, app), "Las cuentas a una hoja"),
        PaletteCommand("inventario: Importar de CSV", partial(import_inventory, app), "Revisa y luego importa"),
        PaletteCommand("historial: Lo ya resuelto", partial(show_history, app), "Incidentes cerrados, consultas…"),
        PaletteCommand("deberes: Lista de deberes", partial(show_duties, app), "Pendientes y cumplidos; cumplir uno"),
        PaletteCommand(
            "avisos: Avisos de días inhábiles", partial(show_holiday_notices, app), "Su fecha límite; marcar uno dado"
        ),
        PaletteCommand(
            "respaldos: Respaldos de la base de datos", partial(show_backups, app), "Crear, verificar y restaurar"
        ),
        PaletteCommand(
            "paquete: Paquete de la oficina", partial(office_package, app), "La huella de la llave y el paquete firmado"
        ),
        PaletteCommand(
            "borrador: Listas de la revisión", partial(show_lists, app), "Candidaturas, palabras, campañas, enlaces"
        ),
        PaletteCommand("bitácora: Sello para citar", partial(show_seal, app), "Huella y total de entradas; lo copia"),
        PaletteCommand("bitácora: Moderar un comentario", partial(moderate_comment, app), "Con su fundamento"),
        PaletteCommand("bitácora: Exportar", partial(export_journal, app), "Las entradas con sus huellas, CSV o JSON"),
        PaletteCommand(
            "calendario: Exportar la agenda (ICS)",
            partial(export_calendar, app),
            "Los pendientes y los días inhábiles para Outlook, Thunderbird o GNOME Calendar",
        ),
        PaletteCommand(
            "contraseñas: Revisar todas las cuentas",
            partial(review_passwords, app),
            "Débiles, repetidas, sin guardar, sin segundo factor… (sin mostrar ninguna)",
        ),
    ]
