"""Password strength: the composition rule of the criteria and a zxcvbn score threshold.

Pure: no I/O besides reading the packaged Spanish word list once. zxcvbn is
imported inside the functions that need it (deferred: ~45 ms of import the
everyday commands do not pay). zxcvbn 4.5 refuses inputs longer than 72
characters and its matching grows fast with length, so only the first
``ANALYSED_PREFIX`` characters are scored: more characters can only add
guesses, so the score of the prefix is a lower bound and never flatters the
password. The composition rule and the handle check look at the whole input.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from policy.errors import UsageError
from policy.profile import DEFAULT_SETTINGS, Profile

#: Characters of the password handed to zxcvbn (it raises ValueError past 72).
ANALYSED_PREFIX = 64
#: Longest secret accepted at all (anything longer is a paste accident).
MAX_SECRET_LENGTH = 1024
#: Name of the extra zxcvbn dictionary built from ``policy/data/es_words.txt``.
SPANISH_DICTIONARY = "es_resguardo"

#: Reason codes (stable: they reach ``--json`` output and the store).
TOO_SHORT = "too_short"
NO_LETTER = "no_letter"
NO_DIGIT = "no_digit"
NO_SPECIAL = "no_special"
LOW_SCORE = "low_score"
CONTAINS_HANDLE = "contains_handle"

#: Reasons that break the composition rule (letters, numbers, specials, length).
COMPOSITION_REASONS = frozenset({TOO_SHORT, NO_LETTER, NO_DIGIT, NO_SPECIAL})
#: Reasons that make a password weak (below the score threshold or built on the handle).
WEAKNESS_REASONS = frozenset({LOW_SCORE, CONTAINS_HANDLE})

#: Every warning and suggestion zxcvbn 4.5 can emit (``zxcvbn/feedback.py``), in Spanish.
FEEDBACK_ES: dict[str, str] = {
    "Use a few words, avoid common phrases.": "Use varias palabras y evite frases comunes.",
    "No need for symbols, digits, or uppercase letters.": "No hacen falta símbolos, números ni mayúsculas si la frase es larga e inusual.",
    "Add another word or two. Uncommon words are better.": "Agregue una o dos palabras más; mejor si son poco comunes.",
    "Straight rows of keys are easy to guess.": "Las filas seguidas del teclado son fáciles de adivinar.",
    "Short keyboard patterns are easy to guess.": "Los patrones cortos del teclado son fáciles de adivinar.",
    "Use a longer keyboard pattern with more turns.": "Use un patrón de teclado más largo y con más cambios de dirección.",
    'Repeats like "aaa" are easy to guess.': "Las repeticiones como «aaa» son fáciles de adivinar.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': "Repetir como en «abcabcabc» es apenas un poco más difícil de adivinar que «abc».",
    "Avoid repeated words and characters.": "Evite repetir palabras y caracteres.",
    'Sequences like "abc" or "6543" are easy to guess.': "Las secuencias como «abc» o «6543» son fáciles de adivinar.",
    "Avoid sequences.": "Evite las secuencias.",
    "Recent years are easy to guess.": "Los años recientes son fáciles de adivinar.",
    "Avoid recent years.": "Evite los años recientes.",
    "Avoid years that are associated with you.": "Evite los años relacionados con usted o con la institución.",
    "Dates are often easy to guess.": "Las fechas suelen ser fáciles de adivinar.",
    "Avoid dates and years that are associated with you.": "Evite las fechas y los años relacionados con usted o con la institución.",
    "This is a top-10 common password.": "Es una de las 10 contraseñas más usadas.",
    "This is a top-100 common password.": "Es una de las 100 contraseñas más usadas.",
    "This is a very common password.": "Es una contraseña muy común.",
    "This is similar to a commonly used password.": "Se parece a una contraseña de uso común.",
    "A word by itself is easy to guess.": "Una palabra sola es fácil de adivinar.",
    "Names and surnames by themselves are easy to guess.": "Los nombres y apellidos solos son fáciles de adivinar.",
    "Common names and surnames are easy to guess.": "Los nombres y apellidos comunes son fáciles de adivinar.",
    "Capitalization doesn't help very much.": "Empezar con mayúscula no ayuda mucho.",
    "All-uppercase is almost as easy to guess as all-lowercase.": "Todo en mayúsculas es casi tan fácil de adivinar como todo en minúsculas.",
    "Reversed words aren't much harder to guess.": "Las palabras escritas al revés no son mucho más difíciles de adivinar.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.": "Las sustituciones previsibles, como «@» en lugar de «a», no ayudan mucho.",
}

#: Our own warnings, for matches zxcvbn leaves without one.
SPANISH_WORD_WARNING = "Una palabra o contraseña común en español es fácil de adivinar."
USER_INPUT_WARNING = "Contiene datos de la cuenta, de la institución o de quienes la administran."

SCORE_LABELS_ES = ("muy débil", "débil", "regular", "fuerte", "muy fuerte")


@dataclass(frozen=True, slots=True)
class StrengthReport:
    """What a strength check found. Never holds the password itself."""

    score: int
    min_score: int
    min_length: int
    reasons: tuple[str, ...]
    warning: str
    suggestions: tuple[str, ...]
    crack_seconds: float
    analysed_length: int
    length: int
    messages: tuple[str, ...] = field(default=())

    @property
    def meets_composition(self) -> bool:
        return not COMPOSITION_REASONS.intersection(self.reasons)

    @property
    def weak(self) -> bool:
        """Below the score threshold, or built on the account's handle."""
        return bool(WEAKNESS_REASONS.intersection(self.reasons))

    @property
    def acceptable(self) -> bool:
        return not self.reasons

    @property
    def truncated(self) -> bool:
        return self.analysed_length < self.length

    @property
    def score_label(self) -> str:
        return SCORE_LABELS_ES[max(0, min(4, self.score))]

    @property
    def crack_time(self) -> str:
        """Estimated time to guess it offline with a slow hash (10⁴ intentos/s), in Spanish."""
        return display_time_es(self.crack_seconds)


def check_input(secret: str, what: str = "la contraseña") -> None:
    """Refuse inputs no password can be: empty, control characters, over 1,024 characters.

    Raises UsageError with a Spanish message that never quotes the input.
    """
    if not secret:
        raise UsageError(f"No se recibió {what}: la entrada está vacía.")
    if len(secret) > MAX_SECRET_LENGTH:
        raise UsageError(f"La entrada ({what}) tiene {len(secret)} caracteres; el máximo es {MAX_SECRET_LENGTH}.")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in secret):
        raise UsageError(
            f"La entrada ({what}) contiene caracteres de control (NUL, tabuladores, saltos de línea…),"
            " que no se pueden escribir en el formulario de una red social."
        )


def composition_problems(password: str, min_length: int) -> list[str]:
    """The composition rule: letters, numbers, special characters and a minimum length."""
    problems: list[str] = []
    if len(password) < min_length:
        problems.append(TOO_SHORT)
    if not any(ch.isalpha() for ch in password):
        problems.append(NO_LETTER)
    if not any(ch.isdigit() for ch in password):
        problems.append(NO_DIGIT)
    if not any(not ch.isalnum() for ch in password):
        problems.append(NO_SPECIAL)
    return problems


def bare_handle(handle: str) -> str:
    return handle.strip().lstrip("@").strip()


def _fold(text: str) -> str:
    """Lower case without accents, so «López» and «lopez» compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def contains_handle(password: str, handle: str) -> bool:
    """True when the handle without '@' appears in the password (any case, any accents)."""
    bare = _fold(bare_handle(handle))
    return len(bare) >= 3 and bare in _fold(password)


def build_user_inputs(
    handle: str,
    network: str | None = None,
    institution: Sequence[str] = (),
    people: Sequence[str] = (),
    extra: Sequence[str] = (),
) -> list[str]:
    """zxcvbn's ``user_inputs``, most important first (it ranks earlier inputs as likelier).

    The handle without '@' comes first, then the network, the institution's
    names and the administrators' names; multi-word names are also split into
    their words, with and without accents. Duplicates keep their first place.
    """
    ordered: list[str] = []
    seen: set[str] = set()

    def add(forms: tuple[str, ...]) -> None:
        for form in forms:
            if form not in seen:
                seen.add(form)
                ordered.append(form)

    bare = bare_handle(handle)
    add(_forms(bare))
    for part in bare.replace(".", " ").replace("_", " ").replace("-", " ").split():
        add(_forms(part))
    if network:
        add(_forms(network))
    for group in (institution, people, extra):
        for value in group:
            if value:
                add(_name_forms(value))
    return ordered


@lru_cache(maxsize=8192)
def _forms(value: str) -> tuple[str, ...]:
    """A value as zxcvbn compares it: lower case, with and without accents (two letters or more)."""
    forms = []
    for form in (value.strip().lower(), _fold(value.strip())):
        if len(form) >= 2 and form not in forms:
            forms.append(form)
    return tuple(forms)


@lru_cache(maxsize=8192)
def _name_forms(value: str) -> tuple[str, ...]:
    """A name and each of its words of three letters or more (cached: an institution has hundreds)."""
    forms = list(_forms(value))
    for word in value.replace(",", " ").replace("(", " ").replace(")", " ").split():
        if len(word) >= 3:
            forms.extend(f for f in _forms(word) if f not in forms)
    return tuple(forms)


@lru_cache(maxsize=1)
def spanish_words() -> tuple[str, ...]:
    """The ranked Spanish list shipped in ``policy/data/es_words.txt`` (most common first)."""
    text = resources.files("policy").joinpath("data", "es_words.txt").read_text("utf-8")
    words: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        word = line.strip().lower()
        if not word or word.startswith("#") or word in seen:
            continue
        seen.add(word)
        words.append(word)
    return tuple(words)


_registered = False


def _zxcvbn() -> Callable[..., dict[str, Any]]:
    """zxcvbn with the Spanish list added to its dictionaries (once per process)."""
    global _registered
    from zxcvbn import matching, zxcvbn  # lazy: ~45 ms, only when a password is checked

    if not _registered:
        # zxcvbn 4.5 exposes add_frequency_lists; ranked like its own lists.
        matching.add_frequency_lists({SPANISH_DICTIONARY: list(spanish_words())})
        _registered = True
    scorer: Callable[..., dict[str, Any]] = zxcvbn  # zxcvbn ships no type hints
    return scorer


def translate_feedback(message: str) -> str:
    """zxcvbn's English message in Spanish (unknown ones pass through, never silently dropped)."""
    return FEEDBACK_ES.get(message, message)


def _own_warning(sequence: Iterable[dict[str, Any]]) -> str:
    longest = None
    for match in sequence:
        if longest is None or len(match.get("token", "")) > len(longest.get("token", "")):
            longest = match
    if longest is None or longest.get("pattern") != "dictionary":
        return ""
    name = longest.get("dictionary_name")
    if name == SPANISH_DICTIONARY:
        return SPANISH_WORD_WARNING
    if name == "user_inputs":
        return USER_INPUT_WARNING
    return ""


def check_password(
    password: str,
    *,
    min_length: int = DEFAULT_SETTINGS.min_length,
    min_score: int = DEFAULT_SETTINGS.min_zxcvbn_score,
    handle: str = "",
    user_inputs: Sequence[str] = (),
) -> StrengthReport:
    """Judge a password against the composition rule and the zxcvbn threshold.

    ``reasons`` lists every problem (codes above); the password is weak when
    its score is below ``min_score`` or it contains ``handle`` without '@'.
    Any length is accepted (only a bounded prefix is scored); callers that
    take a password from the user run ``check_input`` first. UsageError when
    ``password`` is empty.
    """
    if not password:
        raise UsageError("No se recibió la contraseña: la entrada está vacía.")
    reasons = composition_problems(password, min_length)
    prefix = password[:ANALYSED_PREFIX]
    inputs = list(user_inputs) or (build_user_inputs(handle) if handle else [])
    result = _zxcvbn()(prefix, user_inputs=inputs)
    score = int(result["score"])
    if score < min_score:
        reasons.append(LOW_SCORE)
    if handle and contains_handle(password, handle):
        reasons.append(CONTAINS_HANDLE)
    feedback = result.get("feedback") or {}
    warning = translate_feedback(feedback.get("warning") or "")
    if not warning and score < min_score:
        warning = _own_warning(result.get("sequence") or [])
    suggestions = tuple(translate_feedback(s) for s in feedback.get("suggestions") or [])
    seconds = float(result["crack_times_seconds"]["offline_slow_hashing_1e4_per_second"])
    report = StrengthReport(
        score=score,
        min_score=min_score,
        min_length=min_length,
        reasons=tuple(reasons),
        warning=warning,
        suggestions=suggestions,
        crack_seconds=seconds,
        analysed_length=len(prefix),
        length=len(password),
    )
    return _with_messages(report, handle)


def judge_password(
    password: str, profile: Profile, *, handle: str = "", user_inputs: Sequence[str] = ()
) -> StrengthReport:
    """The verdict on a candidate under the institution's profile: its minimum length and score.

    The one place the profile's password settings meet ``check_password``:
    ``credencial fijar``/``generar``/``evaluar`` and the workbench's meter all judge here.
    """
    return check_password(
        password,
        min_length=profile.settings.min_length,
        min_score=profile.settings.min_zxcvbn_score,
        handle=handle,
        user_inputs=user_inputs,
    )


def rejection_message(report: StrengthReport) -> str:
    """Why a password was refused, in Spanish: the rule's findings, then zxcvbn's warning and suggestions."""
    parts = list(report.messages)
    if report.warning:
        parts.append(report.warning)
    parts.extend(report.suggestions)
    return "La contraseña no se guardó. " + " ".join(parts)


def reason_message(code: str, report: StrengthReport | None = None, handle: str = "") -> str:
    """One reason in Spanish."""
    min_length = report.min_length if report else 12
    min_score = report.min_score if report else 3
    if code == TOO_SHORT:
        length = f" (tiene {report.length})" if report else ""
        return f"Debe tener al menos {min_length} caracteres{length}."
    if code == NO_LETTER:
        return "Debe incluir letras."
    if code == NO_DIGIT:
        return "Debe incluir números."
    if code == NO_SPECIAL:
        return "Debe incluir caracteres especiales (por ejemplo ! # $ % & * - _ .)."
    if code == LOW_SCORE:
        score = f"{report.score} ({report.score_label})" if report else "insuficiente"
        return f"Es fácil de adivinar: puntaje {score}; se pide al menos {min_score} de 4."
    if code == CONTAINS_HANDLE:
        name = f" ({bare_handle(handle)})" if handle else ""
        return f"Contiene el nombre de usuario de la cuenta{name}; eso la hace débil."
    return code


def _with_messages(report: StrengthReport, handle: str) -> StrengthReport:
    return replace(report, messages=tuple(reason_message(code, report, handle) for code in report.reasons))


def display_time_es(seconds: float) -> str:
    """A duration in plain Spanish, like zxcvbn's display but translated."""
    minute = 60
    hour = minute * 60
    day = hour * 24
    month = day * 31
    year = month * 12
    century = year * 100
    if seconds < 1:
        return "menos de un segundo"
    units = (
        (century, None, None),
        (year, "año", "años"),
        (month, "mes", "meses"),
        (day, "día", "días"),
        (hour, "hora", "horas"),
        (minute, "minuto", "minutos"),
        (1, "segundo", "segundos"),
    )
    for size, one, many in units:
        if seconds >= size:
            if one is None:
                return "siglos"
            count = round(seconds / size)
            return f"{count} {one if count == 1 else many}"
    return "menos de un segundo"
