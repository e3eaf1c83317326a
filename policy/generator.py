"""Password and passphrase generation that meets the profile's rule.

Randomness comes from ``secrets`` (the OS's CSPRNG); the source can be
injected so tests stay deterministic where they need to.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from typing import Protocol

from policy.errors import PolicyError, UsageError
from policy.profile import DEFAULT_SETTINGS, Profile
from policy.strength import check_password, spanish_words

DEFAULT_LENGTH = 20
MIN_GENERATED = 12
MAX_GENERATED = 128
DEFAULT_WORDS = 6
#: Special characters every social network's form accepts (no quotes, backslash or spaces).
SPECIALS = "!#$%&*+-.:;=?@_~"
#: Letters and digits without the look-alikes (O/0, l/1/I), for passwords read aloud or copied by hand.
LETTERS = "".join(ch for ch in string.ascii_letters if ch not in "OlI")
DIGITS = "23456789"
_ATTEMPTS = 50


class RandomSource(Protocol):
    def choice(self, seq: Sequence[str]) -> str: ...
    def randbelow(self, n: int) -> int: ...


class _SystemSource:
    choice = staticmethod(secrets.choice)
    randbelow = staticmethod(secrets.randbelow)


def _shuffle(chars: list[str], rng: RandomSource) -> None:
    for i in range(len(chars) - 1, 0, -1):
        j = rng.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]


def generate_password(
    length: int = DEFAULT_LENGTH,
    *,
    min_length: int = DEFAULT_SETTINGS.min_length,
    min_score: int = DEFAULT_SETTINGS.min_zxcvbn_score,
    handle: str = "",
    user_inputs: Sequence[str] = (),
    rng: RandomSource | None = None,
) -> str:
    """A random password with letters, digits and specials that passes ``check_password``.

    UsageError when ``length`` is below the profile's minimum (or 12) or above 128.
    """
    floor = max(MIN_GENERATED, min_length)
    if length < floor or length > MAX_GENERATED:
        raise UsageError(f"La longitud debe estar entre {floor} y {MAX_GENERATED} caracteres.")
    source = rng or _SystemSource()
    alphabet = LETTERS + DIGITS + SPECIALS
    for _ in range(_ATTEMPTS):
        chars = [source.choice(LETTERS), source.choice(DIGITS), source.choice(SPECIALS)]
        chars += [source.choice(alphabet) for _ in range(length - len(chars))]
        _shuffle(chars, source)
        candidate = "".join(chars)
        report = check_password(
            candidate, min_length=min_length, min_score=min_score, handle=handle, user_inputs=user_inputs
        )
        if report.acceptable:
            return candidate
    raise PolicyError("No se pudo generar una contraseña que cumpla la regla; intente con más caracteres.")


def passphrase_words() -> tuple[str, ...]:
    """Spanish words for passphrases: ASCII letters only (easy to type anywhere), 4 to 10 letters."""
    return tuple(w for w in spanish_words() if w.isascii() and w.isalpha() and 4 <= len(w) <= 10)


def generate_passphrase(
    words: int = DEFAULT_WORDS,
    *,
    min_length: int = DEFAULT_SETTINGS.min_length,
    min_score: int = DEFAULT_SETTINGS.min_zxcvbn_score,
    handle: str = "",
    user_inputs: Sequence[str] = (),
    rng: RandomSource | None = None,
) -> str:
    """Spanish words joined by random separators, one capitalized, with a two-digit number.

    ``Faro-cielo7trigo.mesa=43`` style: memorable, and it still meets the
    composition rule (letters, digits, specials) and the score threshold.
    UsageError for fewer than 4 or more than 12 words.
    """
    if words < 4 or words > 12:
        raise UsageError("La frase debe tener entre 4 y 12 palabras.")
    source = rng or _SystemSource()
    vocabulary = passphrase_words()
    separators = "-.#_=+"
    for _ in range(_ATTEMPTS):
        chosen = [source.choice(vocabulary) for _ in range(words)]
        upper = source.randbelow(words)
        chosen[upper] = chosen[upper].capitalize()
        parts: list[str] = []
        for index, word in enumerate(chosen):
            if index:
                parts.append(source.choice(separators))
            parts.append(word)
        parts.append(source.choice(separators))
        parts.append(source.choice(DIGITS) + source.choice(DIGITS))
        candidate = "".join(parts)
        report = check_password(
            candidate, min_length=min_length, min_score=min_score, handle=handle, user_inputs=user_inputs
        )
        if report.acceptable:
            return candidate
    raise PolicyError("No se pudo generar una frase que cumpla la regla; pida más palabras.")


def generate_for_profile(
    profile: Profile,
    *,
    phrase: bool = False,
    length: int | None = None,
    words: int | None = None,
    handle: str = "",
    user_inputs: Sequence[str] = (),
    rng: RandomSource | None = None,
) -> str:
    """A new password (or, with ``phrase``, a passphrase) that passes the profile's rule.

    The defaults live here, once for both faces: ``DEFAULT_LENGTH`` characters,
    never fewer than the profile's minimum length; ``DEFAULT_WORDS`` words.
    UsageError when ``words`` is given without ``phrase``, or ``length`` with it.
    """
    settings = profile.settings
    rule = {"min_length": settings.min_length, "min_score": settings.min_zxcvbn_score}
    if phrase:
        if length is not None:
            raise UsageError("Una frase se mide en palabras, no en caracteres: indique las palabras o la longitud.")
        return generate_passphrase(
            DEFAULT_WORDS if words is None else words, handle=handle, user_inputs=user_inputs, rng=rng, **rule
        )
    if words is not None:
        raise UsageError("El número de palabras solo aplica a una frase.")
    chosen = max(DEFAULT_LENGTH, settings.min_length) if length is None else length
    return generate_password(chosen, handle=handle, user_inputs=user_inputs, rng=rng, **rule)
