"""``resguardo credencial …`` and ``resguardo llavero estado``: passwords kept in the keyring.

Secrets are read with getpass on a terminal, or from standard input when it
is not one; they are printed only by ``mostrar --revelar`` and ``generar``
(once), and never reach the database. The encrypted-file keyring asks for its
master passphrase on the terminal; ``--frase-desde-stdin`` takes it from the
first line of standard input instead (the secret, if any, follows on the
next line), for scripts.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policy.clock import format_date
from policy.codes import SecondFactor
from policy.errors import UsageError
from policy.labels import second_factor_lines
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.cli.spanish_argparse import SpanishFormatter
from tui.core.common import account_of

if TYPE_CHECKING:
    from policy.records import Account
    from store.secrets import Secrets
    from tui.cli.context import Context
    from tui.core.credentials import PasswordSet, SettledSave


COMMAND_NAMES = ("credencial", "llavero")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    keyring_parent = argparse.ArgumentParser(add_help=False, formatter_class=SpanishFormatter)
    keyring_parent.add_argument(
        "--frase-desde-stdin",
        dest="frase_desde_stdin",
        action="store_true",
        help="lee la frase maestra del llavero cifrado de la primera línea de la entrada estándar"
        " (para scripts; en una terminal se pide sin mostrarla)",
    )
    parents = [parent, keyring_parent]

    cred = commands.add_parser(
        "credencial",
        parents=[parent],
        help="contraseñas de las cuentas, guardadas en el llavero",
        description="Guarda, genera, copia y revisa las contraseñas de las cuentas. Las contraseñas viven"
        " solo en el llavero del sistema (o en el llavero cifrado de resguardo), nunca en la base"
        " de datos.",
    )
    sub = subcommands(cred)

    set_cmd = sub.add_parser(
        "fijar",
        parents=parents,
        help="guarda la contraseña de una cuenta y registra la rotación",
        description="Pide la contraseña dos veces en una terminal (o la lee una vez de la entrada estándar),"
        " la evalúa y, si es fuerte, nueva y cumple la regla, la guarda en el llavero y registra"
        " la rotación.",
    )
    set_cmd.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    _rotation_options(set_cmd)
    set_cmd.set_defaults(handler=set_password)

    gen = sub.add_parser(
        "generar",
        parents=parents,
        help="genera, guarda e imprime una contraseña nueva",
        description="Genera una contraseña aleatoria que cumple la regla del perfil, la guarda, registra la"
        " rotación y la imprime una sola vez (o la copia con --copiar).",
    )
    gen.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    gen.add_argument("--longitud", type=positive_int, default=None, metavar="N", help="caracteres (por omisión 20)")
    gen.add_argument("--frase", action="store_true", help="una frase de palabras en español en lugar de caracteres")
    gen.add_argument(
        "--palabras", type=positive_int, default=None, metavar="N", help="palabras de la frase (por omisión 6)"
    )
    gen.add_argument(
        "--copiar", action="store_true", help="la copia al portapapeles (se borra a los 30 s) en lugar de imprimirla"
    )
    _rotation_options(gen)
    gen.set_defaults(handler=generate_password)

    copy = sub.add_parser("copiar", parents=parents, help="copia la contraseña al portapapeles por 30 s")
    copy.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    copy.set_defaults(handler=copy_password)

    show = sub.add_parser("mostrar", parents=parents, help="imprime la contraseña (solo con --revelar)")
    show.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    show.add_argument("--revelar", action="store_true", help="confirma que quiere verla en pantalla")
    show.set_defaults(handler=show_password)

    evaluate = sub.add_parser(
        "evaluar",
        parents=[parent],
        help="evalúa una contraseña candidata sin guardarla",
        description="Lee una contraseña de la entrada estándar (o la pide en la terminal) e imprime su"
        " puntaje, el tiempo estimado para adivinarla y las observaciones. No guarda nada.",
    )
    evaluate.add_argument(
        "--cuenta", metavar="CUENTA", help="evaluarla para esta cuenta (usa su usuario y sus administradores)"
    )
    evaluate.add_argument("--json", action="store_true", help="salida JSON")
    evaluate.set_defaults(handler=evaluate_password)

    review = sub.add_parser(
        "revisar",
        parents=parents,
        help="el estado de las contraseñas de todas las cuentas",
        description="Cuentas con contraseña débil, repetida, sin guardar, con rotación vencida, con cambio"
        " de administración desde la última rotación o sin segundo factor. Usa lo registrado al"
        " guardar cada contraseña; --completo las relee del llavero y las vuelve a evaluar.",
    )
    review.add_argument("--json", action="store_true", help="salida JSON (interfaz estable, ver README)")
    review.add_argument(
        "--completo", action="store_true", help="relee y vuelve a evaluar todas las contraseñas del llavero"
    )
    review.add_argument("--todas", action="store_true", help="lista también las cuentas sin problemas")
    review.set_defaults(handler=review_passwords)

    factor = sub.add_parser(
        "segundo-factor",
        parents=parents,
        help="registra el segundo factor de una cuenta",
        description="Registra el método de segundo factor (app, sms, llave o ninguno) y dónde están sus"
        " códigos de recuperación. Con --guardar-codigos, los códigos (leídos de la entrada"
        " estándar) se guardan en el llavero, nunca en la base de datos.",
    )
    factor.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    factor.add_argument(
        "--metodo", required=True, choices=[m.value for m in SecondFactor], help="método de segundo factor"
    )
    factor.add_argument(
        "--resguardo-codigos",
        dest="resguardo_codigos",
        metavar="TEXTO",
        help="dónde se guardan los códigos de recuperación (p. ej. «sobre en la caja fuerte de la CNCS»)",
    )
    factor.add_argument(
        "--guardar-codigos",
        dest="guardar_codigos",
        action="store_true",
        help="lee los códigos de recuperación y los guarda en el llavero",
    )
    factor.set_defaults(handler=set_second_factor)

    for name, handler, text, description in (
        (
            "confirmar",
            confirm_pending,
            "hace oficial una contraseña nueva que quedó sin confirmar",
            "Un guardado interrumpido (el programa se cerró o el equipo se apagó) puede dejar la contraseña nueva"
            " en el llavero sin su rotación registrada. «confirmar» registra la rotación con los datos de aquel"
            " guardado y la pone en lugar de la anterior.",
        ),
        (
            "descartar",
            discard_pending,
            "descarta una contraseña nueva que quedó sin confirmar",
            "Borra del llavero la contraseña nueva de un guardado interrumpido; sigue vigente la anterior.",
        ),
    ):
        pending_cmd = sub.add_parser(name, parents=parents, help=text, description=description)
        pending_cmd.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
        pending_cmd.add_argument(
            "--codigos", action="store_true", help="los códigos de recuperación pendientes, no la contraseña"
        )
        pending_cmd.set_defaults(handler=handler)

    keyring_cmd = commands.add_parser("llavero", parents=[parent], help="el llavero donde viven las contraseñas")
    ksub = subcommands(keyring_cmd)
    status = ksub.add_parser(
        "estado",
        parents=parents,
        help="qué llavero se usa y si está desbloqueado",
        description="Dice qué llavero usa resguardo (el que elige keyring: PYTHON_KEYRING_BACKEND,"
        " keyringrc.cfg o el del sistema; si no hay ninguno, el llavero cifrado de resguardo)"
        " y si está desbloqueado. Con --probar pide la frase maestra del llavero cifrado y la comprueba.",
    )
    status.add_argument("--probar", action="store_true", help="pide la frase maestra y comprueba que abre el llavero")
    status.add_argument("--json", action="store_true", help="salida JSON")
    status.set_defaults(handler=keyring_status)


def _rotation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--motivo", help="motivo de la rotación (p. ej. «Rotación periódica»)")
    parser.add_argument(
        "--oficio", metavar="REF", help="referencia del oficio (IECM: el cambio se gestiona con la UTCSyD)"
    )
    parser.add_argument("--por", metavar="NOMBRE", help="quién la cambió (por omisión, el usuario del sistema)")


# -- reading secrets --------------------------------------------------------------


class SecretInput:
    """Where secrets come from in this command: the terminal, or standard input."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.passphrase_from_stdin = bool(getattr(args, "frase_desde_stdin", False))
        self._stdin: str | None = None
        self._passphrase_taken = False

    @staticmethod
    def interactive() -> bool:
        try:
            return sys.stdin.isatty()
        except (AttributeError, ValueError):
            return False

    def _read_stdin(self) -> str:
        if self._stdin is None:
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            try:
                self._stdin = data.decode("utf-8")
            except UnicodeDecodeError:
                raise UsageError("La entrada estándar no es texto UTF-8 válido.") from None
        return self._stdin

    def _take_first_line(self) -> str:
        text = self._read_stdin()
        line, sep, rest = text.partition("\n")
        self._stdin = rest
        return line.removesuffix("\r")

    def passphrase(self, new_file: bool) -> str:
        """The master passphrase of the encrypted file (asked twice when the file is new)."""
        from store.secrets import KeyringLockedError, check_new_passphrase  # lazy: not for the parser

        if self.passphrase_from_stdin:
            self._passphrase_taken = True
            return self._take_first_line()
        if not self.interactive():
            raise KeyringLockedError(
                "El llavero cifrado de resguardo está bloqueado y no hay una terminal para pedir la frase"
                " maestra; use --frase-desde-stdin (primera línea de la entrada estándar). No se cambió nada."
            )
        if new_file:
            sys.stderr.write(
                "No hay llavero del sistema: resguardo creará su llavero cifrado. Elija una frase maestra"
                " (12 caracteres o más) y guárdela bien: sin ella no se recuperan las contraseñas.\n"
            )
            first = getpass.getpass("Frase maestra nueva: ")
            second = getpass.getpass("Repita la frase maestra: ")
            check_new_passphrase(first, second)
            return first
        return getpass.getpass("Frase maestra del llavero cifrado: ")

    def secret(self, what: str = "la contraseña", confirm: bool = True, multiline: bool = False) -> str:
        """A secret: getpass twice on a terminal, else all of standard input (one trailing newline dropped)."""
        from policy.strength import check_input  # lazy: not for the parser's start-up

        if self.interactive() and not self.passphrase_from_stdin:
            first = getpass.getpass(f"Escriba {what}: ")
            if confirm:
                second = getpass.getpass(f"Repita {what}: ")
                if first != second:
                    raise UsageError("Las dos entradas no coinciden; no se guardó nada.")
            check_input(first, what)
            return first
        if self.passphrase_from_stdin and not self._passphrase_taken:
            self._take_first_line()  # the keyring needed no passphrase: skip its line
            self._passphrase_taken = True
        text = self._read_stdin()
        self._stdin = ""
        if text.endswith("\r\n"):
            text = text[:-2]
        elif text.endswith("\n"):
            text = text[:-1]
        check_input(text.replace("\r\n", " ").replace("\n", " ") if multiline else text, what)
        return text


def open_secrets(ctx: Context, source: SecretInput) -> Secrets:
    """The installation's secret store, unlocked (asking for the passphrase if needed)."""
    from tui.core.credentials import open_keyring  # lazy: store.secrets is not for the parser's start-up

    return open_keyring(ctx.store, source.passphrase)


def open_secrets_or_reason(ctx: Context, args: argparse.Namespace) -> tuple[Secrets | None, str | None]:
    """The unlocked keyring, or why there is none, for commands whose keyring work is optional."""
    from store.secrets import SecretStoreError, keyring_problem  # lazy: not for the parser's start-up

    try:
        return open_secrets(ctx, SecretInput(args)), None
    except SecretStoreError as exc:
        return None, keyring_problem(exc.message)


def _iecm_note(reminder: str | None) -> None:
    if reminder:
        sys.stderr.write(f"Aviso: {reminder[0].lower()}{reminder[1:]}; registre la referencia con --oficio.\n")


def _set_summary(result: PasswordSet) -> str:
    report = result.report
    rotation = result.rotation
    text = (
        f"Contraseña de {result.account.ref} guardada en el llavero (puntaje {report.score} de 4,"
        f" {report.score_label}). Rotación registrada el {format_date(rotation.rotated_at.date())}"
        f" (id {rotation.id})"
    )
    if rotation.reference:
        text += f", oficio {rotation.reference}"
    return text + "."


# -- handlers ----------------------------------------------------------------------
# ``tui.core.credentials`` is imported inside each handler (lazy): it pulls in store.secrets and
# policy.strength, which the parser (built for every command) must not pay for.


def set_password(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    account = account_of(ctx.store, args.cuenta)
    source = SecretInput(args)
    secrets = open_secrets(ctx, source)
    password = source.secret("la contraseña nueva")
    result = core.set_password(
        ctx.store, secrets, account.id, password, reason=args.motivo, author=args.por, reference=args.oficio
    )
    print(_set_summary(result))
    _iecm_note(result.reminder)
    return 0


def generate_password(ctx: Context, args: argparse.Namespace) -> int:
    from tui import clipboard  # lazy: only the commands that copy need it
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    if args.frase and args.longitud is not None:
        raise UsageError("Use --longitud para contraseñas o --palabras para frases, no ambas.")
    if args.palabras is not None and not args.frase:
        raise UsageError("--palabras solo aplica con --frase.")
    store = ctx.store
    account = account_of(store, args.cuenta)
    tools = clipboard.require_tools() if args.copiar else None  # before anything is stored
    password = core.generate_password(store, account.id, phrase=args.frase, length=args.longitud, words=args.palabras)
    secrets = open_secrets(ctx, SecretInput(args))
    result = core.set_password(
        store,
        secrets,
        account.id,
        password,
        generated=True,
        reason=args.motivo,
        author=args.por,
        reference=args.oficio,
    )
    if tools is not None:
        clipboard.copy(password, tools)
        clipboard.schedule_clear(password)
        print(_set_summary(result))
        print(f"Copiada al portapapeles; se borrará en {clipboard.clear_delay()} segundos.")
    else:
        sys.stderr.write(_set_summary(result) + " Se muestra una sola vez:\n")
        sys.stderr.flush()
        print(password)
    _iecm_note(result.reminder)
    return 0


def copy_password(ctx: Context, args: argparse.Namespace) -> int:
    from tui import clipboard  # lazy: only the commands that copy need it
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    account = account_of(ctx.store, args.cuenta)
    tools = clipboard.require_tools()
    secrets = open_secrets(ctx, SecretInput(args))
    stored = core.read_password(ctx.store, secrets, account.id)
    clipboard.copy(stored.password, tools)
    clipboard.schedule_clear(stored.password)
    print(f"Contraseña de {account.ref} copiada al portapapeles; se borrará en {clipboard.clear_delay()} segundos.")
    _warn_unconfirmed(ctx, account)
    return 0


def _warn_unconfirmed(ctx: Context, account: Account) -> None:
    """Say on stderr that a newer password of the account waits for confirmation (the one given is the official one)."""
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    waiting = core.pending_secret(ctx.store, account.id, "password")
    if waiting is None or waiting.pending.committed:
        return
    sys.stderr.write(
        f"Aviso: esta es la contraseña vigente de {account.ref}, pero hay una nueva sin confirmar (guardado"
        f" interrumpido el {_moment(waiting.pending.started_at)}); confírmela con «resguardo credencial confirmar"
        f" {account.ref}» o descártela con «resguardo credencial descartar {account.ref}».\n"
    )


def show_password(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    if not args.revelar:
        raise UsageError(
            "La contraseña no se muestra sin --revelar (para verla: resguardo credencial mostrar CUENTA"
            " --revelar; para usarla sin verla: resguardo credencial copiar CUENTA)."
        )
    account = account_of(ctx.store, args.cuenta)
    secrets = open_secrets(ctx, SecretInput(args))
    print(core.read_password(ctx.store, secrets, account.id).password)
    _warn_unconfirmed(ctx, account)
    return 0


def evaluate_password(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    store = ctx.store
    account = account_of(store, args.cuenta) if args.cuenta else None
    candidate = SecretInput(args).secret("la contraseña a evaluar", confirm=False)
    report = core.evaluate_password(store, account.id if account else None, candidate).report
    del candidate
    if args.json:
        print_json(
            {
                "account": account.ref if account else None,
                "score": report.score,
                "min_score": report.min_score,
                "acceptable": report.acceptable,
                "weak": report.weak,
                "meets_composition": report.meets_composition,
                "reasons": list(report.reasons),
                "messages": list(report.messages),
                "crack_time": report.crack_time,
                "crack_time_seconds": report.crack_seconds,
                "warning": report.warning,
                "suggestions": list(report.suggestions),
                "analysed_length": report.analysed_length,
            }
        )
        return 0
    short_name = store.settings.profile().short_name
    print(f"Puntaje: {report.score} de 4 ({report.score_label}); el perfil {short_name} pide {report.min_score}.")
    print(f"Tiempo estimado para adivinarla: {report.crack_time} (ataque sin conexión, 10 000 intentos por segundo).")
    verdict = "se aceptaría" if report.acceptable else "se rechazaría"
    print(f"Veredicto: {verdict}.")
    for message in report.messages:
        print(f"  • {message}")
    if report.warning:
        print(f"Advertencia: {report.warning}")
    if report.suggestions:
        print("Sugerencias:")
        for suggestion in report.suggestions:
            print(f"  • {suggestion}")
    if report.truncated:
        print(f"(Se analizaron los primeros {report.analysed_length} caracteres.)")
    return 0


def review_passwords(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    secrets = open_secrets(ctx, SecretInput(args)) if args.completo else None
    review = core.review_passwords(ctx.store, secrets=secrets)
    _pending_notices(review.settled, quiet=args.json)
    items = review.items
    shown = items if args.todas else [item for item in items if item.issues]
    if args.json:
        print_json(
            [
                {
                    "id": item.account.id,
                    "account": item.account.ref,
                    "account_id": item.account.id,
                    "issues": list(item.issues),
                    "message": item.message,
                }
                for item in shown
            ]
        )
        return 0
    print(review.summary)
    if not shown:
        print("\nTodo en orden.")
        return 0
    rows = [
        [item.account.id, item.account.ref, ", ".join(item.issues) or "—", item.message or "en orden"] for item in shown
    ]
    print()
    print(table(["Id", "Cuenta", "Problemas", "Detalle"], rows, wrap=3))
    return 0


def set_second_factor(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    store = ctx.store
    account = account_of(store, args.cuenta)
    codes, secrets = None, None
    if args.guardar_codigos:
        source = SecretInput(args)
        secrets = open_secrets(ctx, source)
        codes = source.secret("los códigos de recuperación", confirm=False, multiline=True)
    state = core.set_second_factor(
        store, account.id, args.metodo, recovery_location=args.resguardo_codigos, codes=codes, secrets=secrets
    )
    for line in second_factor_lines(account.ref, state.method, state.recovery_location, state.codes_in_keyring):
        print(line)
    return 0


def _pending_kind(args: argparse.Namespace) -> str:
    return "recovery" if args.codigos else "password"


def confirm_pending(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    account = account_of(ctx.store, args.cuenta)
    secrets = open_secrets(ctx, SecretInput(args))
    pending = core.confirm_pending(ctx.store, secrets, account.id, _pending_kind(args)).pending
    what = pending.label[0].upper() + pending.label[1:]
    if pending.kind == "password":
        print(
            f"{what} nueva de {account.ref} quedó confirmada y en su lugar; rotación registrada con fecha del"
            f" {_moment(pending.started_at)}."
        )
    else:
        print(f"{what} nuevos de {account.ref} quedaron confirmados y en su lugar.")
    return 0


def discard_pending(ctx: Context, args: argparse.Namespace) -> int:
    from store.credentials import COMPLETED  # lazy: not for the parser's start-up
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    account = account_of(ctx.store, args.cuenta)
    secrets = open_secrets(ctx, SecretInput(args))
    kind = _pending_kind(args)
    outcome = core.discard_pending(ctx.store, secrets, account.id, kind).outcome
    label = "la contraseña" if kind == "password" else "los códigos de recuperación"
    if outcome == COMPLETED:
        print(f"El cambio de {label} de {account.ref} ya estaba registrado: no se descartó, se terminó de guardar.")
    else:
        print(f"Se descartó {label} nueva de {account.ref}; sigue vigente la anterior.")
    return 0


def _moment(moment: datetime) -> str:
    return f"{format_date(moment.date())} a las {moment:%H:%M}"


def _pending_notices(settled: Sequence[SettledSave], *, quiet: bool) -> list[dict[str, Any]]:
    """Print (unless ``quiet``) what interrupted saves left and what was settled; return it for --json."""
    found = []
    for done in settled:
        pending, ref, outcome = done.save.pending, done.save.account_ref, done.outcome
        found.append(
            {
                "account": ref,
                "account_id": pending.account_id,
                "kind": pending.kind,
                "started_at": pending.started_at.isoformat(),
                "outcome": outcome,
                "verified": done.verified,
            }
        )
        text = done.notice
        if not done.verified:
            text += "; ábralo con «resguardo llavero estado --probar» para terminarlo o decidir qué hacer."
        elif done.waits:
            option = " --codigos" if pending.kind == "recovery" else ""
            text += (
                f": confírmela con «resguardo credencial confirmar {ref}{option}» o descártela con «resguardo"
                f" credencial descartar {ref}{option}»."
            )
        if not quiet:
            print(f"Aviso: {text}")
    return found


def keyring_status(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core import credentials as core  # lazy: store.secrets, policy.strength

    store = ctx.store
    secrets = core.open_keyring(store, SecretInput(args).passphrase if args.probar else None)
    status = secrets.status()
    settled = core.settle_interrupted_saves(store, secrets if status.unlocked else None)
    pending = _pending_notices(settled, quiet=args.json)
    if args.json:
        print_json(
            {
                "backend": status.backend,
                "description": status.description,
                "encrypted_file": status.encrypted_file,
                "path": status.path,
                "exists": status.exists,
                "unlocked": status.unlocked,
                "detail": status.detail or None,
                "pending": pending,
            }
        )
        return 0
    print(f"Llavero: {status.description}")
    print(f"  Clase:   {status.backend}")
    if status.encrypted_file:
        print(
            f"  Archivo: {status.path}"
            + ("" if status.exists else " (aún no existe; se crea al guardar la primera contraseña)")
        )
    if status.unlocked is True:
        state = "desbloqueado"
    elif status.unlocked is False:
        state = (
            "bloqueado (resguardo pide la frase maestra en cada orden que lo usa; compruébela con --probar)"
            if status.encrypted_file
            else "bloqueado"
        )
    else:
        state = f"no disponible: {status.detail}"
    print(f"  Estado:  {state}")
    return 0
