"""Personal data in a draft: CURP, RFC, clave de elector, credential numbers, phones, e-mails,
street addresses and minors named with their age (ine, ieeags, ieesonora §6.III; iecm §9.IV, §8.G).

Identity numbers are checked as the authority builds them (the CURP's and the RFC's check
digit), so a folio or a reference that only looks like one does not fire.
"""

from __future__ import annotations

import re

from policy.preflight.base import BLOCKS, EMAIL, REVIEW, Context, Finding, finding, urls
from policy.records import Citation

_STATES = "AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE"
CURP = re.compile(rf"\b[A-Z][AEIOUX][A-Z]{{2}}\d{{6}}[HMX](?:{_STATES})[B-DF-HJ-NP-TV-Z]{{3}}[A-Z\d]\d\b")
RFC = re.compile(r"\b([A-ZÑ&]{3,4})(\d{6})([A-Z\d]{2})([A\d])\b")
CLAVE_ELECTOR = re.compile(r"\b[A-Z]{6}\d{8}[HM]\d{3}\b")
#: The OCR (13 digits) of a credential, or a CIC/OCR/folio number named as such.
CREDENTIAL = re.compile(
    r"\b\d{13}\b|(?:\b(?:CIC|OCR|credencial(?: para votar)?|folio de (?:la )?credencial)\b\D{0,12})(\d{9,13})\b",
    re.IGNORECASE,
)
#: A Mexican phone number: ten digits in the usual groupings, with an optional +52.
PHONE = re.compile(
    r"(?<![\w+])(?:\+?52[\s.-]?)?(?:1[\s.-]?)?"
    r"(?:\(\d{2,3}\)\s?|\d{2,3}[\s.-]?)\d{3,4}[\s.-]?\d{4}(?![\w])"
)
STREET = re.compile(
    r"\b(?:Av\.|Avenida|Calle|Calz\.|Calzada|Blvd\.|Boulevard|Bulevar|Privada|Priv\.|Andador|Cerrada|Callejón"
    r"|Carretera|Periférico|Prolongación|Prol\.|Paseo|Circuito|Retorno)"
    r"\s+(?:[A-ZÁÉÍÓÚÑ\d][\wÁÉÍÓÚÑáéíóúñ.]*\s+){1,6}?"
    r"(?:No\.\s?|Núm\.\s?|núm\.\s?|número\s|#\s?)?\d{1,5}(?:[-\s]?[A-Z]\b)?"
)
MINOR = re.compile(
    r"\b([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+){0,3})"
    r"(?:,\s*(?:de\s+)?|\s+\(|\s+de\s+)(\d{1,2})\s+años"
)

_CURP_CHARS = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
_RFC_CHARS = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"


def curp_check_digit(first17: str) -> str:
    """The CURP's 18th character, computed from the first 17 (RENAPO's algorithm)."""
    total = sum(_CURP_CHARS.index(ch) * (18 - i) for i, ch in enumerate(first17))
    return str((10 - total % 10) % 10)


def valid_curp(value: str) -> bool:
    return bool(CURP.fullmatch(value)) and curp_check_digit(value[:17]) == value[17]


def rfc_check_digit(first: str) -> str:
    """The RFC's homoclave check digit from its first 11 (moral) or 12 (física) characters (SAT's algorithm)."""
    padded = first.rjust(12)
    total = sum(_RFC_CHARS.index(ch) * (13 - i) for i, ch in enumerate(padded))
    rest = 11 - total % 11
    return "0" if rest == 11 else "A" if rest == 10 else str(rest)


def valid_rfc(value: str) -> bool:
    match = RFC.fullmatch(value)
    if not match:
        return False
    month, day = int(match.group(2)[2:4]), int(match.group(2)[4:])
    return 1 <= month <= 12 and 1 <= day <= 31 and rfc_check_digit(value[:-1]) == value[-1]


def identity_numbers(text: str, context: Context, rule: Citation) -> list[Finding]:
    """CURP, RFC, clave de elector and credential numbers: never in an official post."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for match in CURP.finditer(text):
        if valid_curp(match.group()):
            taken.append(match.span())
            found.append(
                finding(
                    "curp",
                    BLOCKS,
                    text,
                    *match.span(),
                    "Hay una CURP: es un dato personal. Quítela antes de publicar.",
                    rule,
                )
            )
    for match in CLAVE_ELECTOR.finditer(text):
        if not _overlaps(match.span(), taken):
            taken.append(match.span())
            found.append(
                finding(
                    "clave_elector",
                    BLOCKS,
                    text,
                    *match.span(),
                    "Hay una clave de elector: es un dato personal. Quítela antes de publicar.",
                    rule,
                )
            )
    for match in RFC.finditer(text):
        if valid_rfc(match.group()) and not _overlaps(match.span(), taken):
            taken.append(match.span())
            found.append(
                finding(
                    "rfc",
                    BLOCKS,
                    text,
                    *match.span(),
                    "Hay un RFC: es un dato personal o fiscal. Quítelo antes de publicar.",
                    rule,
                )
            )
    for match in CREDENTIAL.finditer(text):
        start, end = match.span(1) if match.group(1) else match.span()
        if not _overlaps((start, end), taken):
            taken.append((start, end))
            found.append(
                finding(
                    "credencial",
                    BLOCKS,
                    text,
                    start,
                    end,
                    "Hay un número de credencial para votar (OCR o CIC): es un dato personal. Quítelo antes de publicar.",
                    rule,
                )
            )
    return found


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def phones(text: str, context: Context, rule: Citation) -> list[Finding]:
    """Mexican ten-digit phone numbers; toll-free 800 numbers (INETEL and the like) are institutional."""
    links = [(s, e) for s, e, _ in urls(text)]
    found = []
    for match in PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        national = len(digits) == 10 or (len(digits) == 12 and digits.startswith("52"))
        national = national or (len(digits) == 13 and digits.startswith("521"))
        if not national or digits[-10:].startswith(("800", "900")) or _overlaps(match.span(), links):
            continue
        found.append(
            finding(
                "telefono",
                REVIEW,
                text,
                *match.span(),
                "Hay un número telefónico: si es de una persona, quítelo; publique solo teléfonos institucionales.",
                rule,
            )
        )
    return found


def emails(text: str, context: Context, rule: Citation) -> list[Finding]:
    """E-mail addresses outside the institution's domains (a person's address is personal data)."""
    found = []
    for match in EMAIL.finditer(text):
        domain = match.group(1).lower()
        if any(domain == d or domain.endswith("." + d) for d in (*context.institutional_domains, "gob.mx")):
            continue
        found.append(
            finding(
                "correo",
                REVIEW,
                text,
                *match.span(),
                "Hay un correo electrónico que no es de un dominio institucional: si es de una persona, quítelo.",
                rule,
            )
        )
    return found


def addresses(text: str, context: Context, rule: Citation) -> list[Finding]:
    """Street addresses with a number: a person's home is personal data (an office's is fine: review it)."""
    return [
        finding(
            "domicilio",
            REVIEW,
            text,
            *match.span(),
            "Hay un domicilio con número: si es de una persona, quítelo; el de una sede institucional puede quedar.",
            rule,
        )
        for match in STREET.finditer(text)
    ]


def minors(text: str, context: Context, rule: Citation) -> list[Finding]:
    """A minor named together with their age (iecm §8.G: protect the identity of children and adolescents)."""
    found = []
    for match in MINOR.finditer(text):
        if int(match.group(2)) >= 18:
            continue
        found.append(
            finding(
                "menor",
                REVIEW,
                text,
                *match.span(),
                "Se nombra a una persona menor de edad junto con su edad: omita su nombre, salvo consentimiento"
                " de su madre, padre o tutor.",
                rule,
            )
        )
    return found
