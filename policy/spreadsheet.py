"""Adoption from the offices' spreadsheets: the inventory's CSV, read and written (pure).

One row per account. Columns (Spanish headers, any order; only ``red`` and
``usuario`` are required): see ``COLUMNS``. UTF-8 with or without BOM, comma
or semicolon separated (as Excel in Spanish writes it); dates as
``AAAA-MM-DD`` or ``DD/MM/AAAA``; yes/no as ``sí``/``no``.

Import is all or nothing: ``parse`` checks every row first (the first bad
row rejects the file with its line number), then ``store.spreadsheet`` writes
everything in one transaction; importing the same file twice changes nothing
the second time. ``tui.core.transfer`` joins the two.

Exports neutralize formulas (OWASP's CSV-injection rule): a cell that would
start with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
``'`` so a spreadsheet shows it as text instead of evaluating it; the import
takes that ``'`` away again, so an exported file round-trips (``neutralize``
and ``restore``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policy.clock import parse_date
from policy.codes import AccountStatus, Network, Rank, Role, Verification
from policy.errors import UsageError

ROLES = [r.value for r in Role]
COLUMNS: tuple[str, ...] = (
    "red",
    "usuario",
    "url",
    "area",
    "correo",
    "correo_generico",
    "telefono",
    "estado",
    "verificacion",
    "publica",
    "mensajes_privados",
    "apertura",
    *[f"{role}{suffix}" for role in ROLES for suffix in ("", "_correo", "_nivel", "_desde")],
    "ultima_rotacion",
    "ultima_evaluacion",
)
#: Roles one person at a time may hold; co-administrators may be several, separated by «; ».
SINGLE_ROLES = {Role.TITULAR.value, Role.SUPLENTE.value, Role.ENLACE.value}
MULTI_SEPARATOR = "; "
MAX_ROWS = 50000
MAX_BYTES = 20 * 1024 * 1024

#: A cell starting with one of these is a formula to Excel, LibreOffice Calc and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: The spreadsheets' own "this cell is text" mark.
TEXT_MARK = "'"

#: What an imported rotation and evaluation say they are (their reason and note).
IMPORTED_ROTATION_REASON = "Importada de hoja de cálculo"
IMPORTED_EVALUATION_NOTE = "Importada de hoja de cálculo"

_YES = {"si", "sí", "s", "1", "x", "verdadero", "true", "yes"}
_NO = {"no", "n", "0", "falso", "false", ""}


class ImportRowError(UsageError):
    """A bad row: the message names its line."""


@dataclass
class PersonSpec:
    name: str
    email: str | None
    rank: str | None
    since: date | None


@dataclass
class RowSpec:
    line: int
    account: dict[str, Any]
    #: (role, person) in the order of the file; a role may list several people (co-administrators).
    people: list[tuple[str, PersonSpec]] = field(default_factory=list)
    last_rotation: date | None = None
    last_evaluation: date | None = None


def neutralize(cell: str) -> str:
    """The text of an exported cell that no spreadsheet evaluates as a formula.

    A cell whose first character is a formula trigger (``FORMULA_TRIGGERS``)
    gets a ``'`` in front: ``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``,
    ``@INEMexico`` ``'@INEMexico`` and ``-2+3`` ``'-2+3``. So that ``restore``
    can tell the added mark from a ``'`` that was already there, a cell of one
    or more ``'`` followed by a trigger gets one more (``'=x`` becomes ``''=x``);
    any other cell, a lone ``'`` or ``'texto`` included, is written as it is.

    Every *text* cell goes through this, also when it looks like a negative
    number (``-5``): the rule cannot know a number from a formula, and a text
    column is text. Genuinely numeric columns (the ids of the bitácora export)
    are written as numbers and never neutralized (see ``neutralize_row``); the
    inventory has no numeric column, and its dates are ``AAAA-MM-DD``, which
    starts with a digit.
    """
    if cell.lstrip(TEXT_MARK).startswith(FORMULA_TRIGGERS):
        return TEXT_MARK + cell
    return cell


def restore(cell: str) -> str:
    """The value ``neutralize`` was given: ``restore(neutralize(x)) == x`` for every string."""
    if cell.startswith(TEXT_MARK) and cell.lstrip(TEXT_MARK).startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def neutralize_row(values: Iterable[object]) -> list[object]:
    """A CSV row with every text cell neutralized; numbers and None are written as they are."""
    return [neutralize(value) if isinstance(value, str) else value for value in values]


def _bool(value: str, column: str, line: int) -> bool | None:
    text = value.strip().lower()
    if text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ImportRowError(f"Línea {line}: la columna «{column}» espera sí o no, no «{value}».")


def _date(value: str, column: str, line: int, today: date) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        parsed = parse_date(text, column)
    except UsageError as exc:
        raise ImportRowError(f"Línea {line}: {exc.message}") from None
    if parsed > today:
        raise ImportRowError(f"Línea {line}: la fecha de «{column}» ({text}) está en el futuro.")
    return parsed


def _choice(value: str, column: str, line: int, allowed: list[str]) -> str | None:
    text = value.strip().lower()
    if not text:
        return None
    if text not in allowed:
        raise ImportRowError(f"Línea {line}: «{value}» no es válido en «{column}» (use {', '.join(allowed)}).")
    return text


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; a clear error for anything else (e.g. ANSI from old Excel)."""
    if len(data) > MAX_BYTES:
        raise UsageError(f"El archivo es demasiado grande (más de {MAX_BYTES // (1024 * 1024)} MB).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(
            "El archivo no está en UTF-8. En Excel use «Guardar como» → «CSV UTF-8 (delimitado por comas)»."
        ) from None


def parse(text: str, today: date) -> list[RowSpec]:
    """Check every row of a CSV text; raises ImportRowError at the first bad one."""
    if not text.strip():
        raise UsageError("El archivo está vacío.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise UsageError(f"No se pudo leer el encabezado del CSV: {_csv_problem(exc)}.") from None
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise UsageError(
            f"Línea 1: columnas desconocidas: {', '.join(unknown)}. Columnas válidas: {', '.join(COLUMNS)}."
        )
    for required in ("red", "usuario"):
        if required not in header:
            raise UsageError(f"Línea 1: falta la columna obligatoria «{required}».")
    if len(set(header)) != len(header):
        raise UsageError("Línea 1: hay columnas repetidas en el encabezado.")
    rows: list[RowSpec] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise ImportRowError(f"Línea {line}: tiene {len(values)} columnas y el encabezado {len(header)}.")
            if len(rows) >= MAX_ROWS:
                raise UsageError(f"El archivo tiene más de {MAX_ROWS} filas.")
            rows.append(_row(dict(zip(header, values, strict=True)), line, today, seen))
    except csv.Error as exc:
        raise UsageError(f"Línea {reader.line_num}: el CSV está mal formado ({_csv_problem(exc)}).") from None
    if not rows:
        raise UsageError("El archivo no tiene filas de datos.")
    return rows


def _csv_problem(exc: Exception) -> str:
    """What the csv module's (English) complaint means, in Spanish."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"un campo es demasiado largo, más de {csv.field_size_limit()} caracteres"
    if "new-line character seen in unquoted field" in text:
        return "hay un retorno de carro suelto fuera de comillas; guárdelo de nuevo como «CSV UTF-8»"
    if "NUL" in text:
        return "contiene un carácter nulo"
    if "end of data" in text:
        return "termina a mitad de un campo entre comillas"
    if isinstance(exc, StopIteration):
        return "no tiene encabezado"
    return "no se reconoce el formato"


def _row(raw: dict[str, str], line: int, today: date, seen: dict[tuple[str, str], int]) -> RowSpec:
    # A «'» that the export put before a formula character comes off again (see ``restore``).
    def get(key: str) -> str:
        return restore((raw.get(key) or "").strip())

    network = _choice(get("red"), "red", line, [n.value for n in Network])
    handle = get("usuario")
    if network is None or not handle:
        raise ImportRowError(f"Línea {line}: «red» y «usuario» son obligatorios.")
    key = (network, handle.lstrip("@").lower())
    if key in seen:
        raise ImportRowError(f"Línea {line}: la cuenta {network}/{handle} ya aparece en la línea {seen[key]}.")
    seen[key] = line
    account: dict[str, Any] = {"network": network, "handle": handle}
    for column, target in (("url", "url"), ("area", "area"), ("correo", "email"), ("telefono", "phone")):
        if get(column):
            account[target] = get(column)
    for column, target in (
        ("correo_generico", "email_generic"),
        ("publica", "public"),
        ("mensajes_privados", "private_messages"),
    ):
        value = _bool(get(column), column, line)
        if value is not None:
            account[target] = value
    status = _choice(get("estado"), "estado", line, [s.value for s in AccountStatus])
    if status:
        account["status"] = status
    verification = _choice(get("verificacion"), "verificacion", line, [v.value for v in Verification])
    if verification:
        account["verification"] = verification
    opened = _date(get("apertura"), "apertura", line, today)
    if opened:
        account["opened_on"] = opened
    spec = RowSpec(line=line, account=account)
    for role in ROLES:
        names = _split(get(role))
        if not names:
            for suffix in ("_correo", "_nivel", "_desde"):
                if get(role + suffix):
                    raise ImportRowError(f"Línea {line}: hay «{role}{suffix}» pero falta el nombre en «{role}».")
            continue
        if len(names) > 1 and role in SINGLE_ROLES:
            raise ImportRowError(f"Línea {line}: «{role}» admite una sola persona, no {len(names)}.")
        if len(set(name.lower() for name in names)) != len(names) or not all(names):
            raise ImportRowError(f"Línea {line}: «{role}» tiene un nombre vacío o repetido.")
        extra: dict[str, list[str]] = {}
        for suffix in ("_correo", "_nivel", "_desde"):
            values = _split(get(role + suffix))
            if len(values) > len(names):
                raise ImportRowError(
                    f"Línea {line}: «{role}{suffix}» tiene {len(values)} valores y «{role}» {len(names)} personas."
                )
            extra[suffix] = values + [""] * (len(names) - len(values))
        for index, name in enumerate(names):
            spec.people.append(
                (
                    role,
                    PersonSpec(
                        name=name,
                        email=extra["_correo"][index] or None,
                        rank=_choice(extra["_nivel"][index], role + "_nivel", line, [r.value for r in Rank]),
                        since=_date(extra["_desde"][index], role + "_desde", line, today),
                    ),
                )
            )
    spec.last_rotation = _date(get("ultima_rotacion"), "ultima_rotacion", line, today)
    spec.last_evaluation = _date(get("ultima_evaluacion"), "ultima_evaluacion", line, today)
    return spec


def _split(value: str) -> list[str]:
    """The people of one cell: several co-administrators go separated by «;»."""
    if not value.strip():
        return []
    return [part.strip() for part in value.split(MULTI_SEPARATOR.strip())]


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: neutralize(value) for column, value in row.items()} for row in rows)
    return buffer.getvalue()
