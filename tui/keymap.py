"""The user's own keys: the ``[keymap]`` section of ``config.toml`` in the user's config folder.

Each line names an action by its id (the ids ``?`` lists in the help, such as
``app.salir`` or ``contrasena.generar``) and gives the keys that run it,
several separated by commas::

    [keymap]
    "app.salir" = "ctrl+q,f10"
    "hoy.filtrar" = "ctrl+f"

A file that cannot be read, an unknown action or a key that does not exist
is reported as a Spanish warning when the workbench starts; the defaults stay
for whatever was wrong, the rest applies. The file is read with tomllib; this
module imports nothing of Textual's (the checks of the actions' ids need the
screens, and run after the first frame).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: a path that replaces the user's config file (tests; a second installation)
ENV_CONFIG = "RESGUARDO_CONFIG"
CONFIG_NAME = "config.toml"
SECTION = "keymap"
_MODIFIERS = frozenset({"ctrl", "alt", "shift", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(
    {
        "escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown",
        "up", "down", "left", "right", "question_mark", "slash", "backslash", "comma", "full_stop", "colon",
        "semicolon", "minus", "plus", "equals_sign", "asterisk", "number_sign", "exclamation_mark",
        "underscore", "apostrophe", "quotation_mark", "left_square_bracket", "right_square_bracket",
        *(f"f{n}" for n in range(1, 25)),
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class KeymapRead:
    """What the config file asked: binding id -> keys (only the valid lines), and the warnings."""

    path: Path
    keys: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def config_path() -> Path:
    """``RESGUARDO_CONFIG``, or ``config.toml`` in platformdirs' user config folder for resguardo."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    from platformdirs import user_config_path  # lazy: only when no override is given

    return user_config_path("resguardo", appauthor=False) / CONFIG_NAME


def valid_key(key: str) -> bool:
    """One key as Textual names it: «a», «?», «f5», «ctrl+g», «shift+tab», «question_mark»."""
    text = key.strip()
    if not text:
        return False
    if len(text) == 1:
        return text.isprintable() and not text.isspace()
    *modifiers, last = text.lower().split("+")
    if any(modifier not in _MODIFIERS for modifier in modifiers) or len(set(modifiers)) != len(modifiers):
        return False
    return (len(last) == 1 and last.isprintable() and not last.isspace()) or last in _NAMED_KEYS


def read_keymap(path: Path | None = None) -> KeymapRead:
    """The ``[keymap]`` section of the config file (no file: nothing to change, no warning)."""
    path = config_path() if path is None else path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return KeymapRead(path)
    except OSError as exc:
        return KeymapRead(
            path, warnings=(f"No se pudo leer {path} ({exc.strerror or exc}); se usan las teclas de siempre.",)
        )
    import tomllib  # lazy: only when there is a config file to read

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return KeymapRead(path, warnings=(f"{path} no es un TOML válido ({exc}); se usan las teclas de siempre.",))
    section = data.get(SECTION, {})
    if not isinstance(section, dict):
        return KeymapRead(
            path, warnings=(f"En {path}, [{SECTION}] debe ser una sección; se usan las teclas de siempre.",)
        )
    keys: dict[str, str] = {}
    warnings: list[str] = []
    for action, value in section.items():
        if not isinstance(value, str):
            warnings.append(f"En {path}, «{action}» debe ser un texto con sus teclas; se queda la tecla de siempre.")
            continue
        wrong = [key.strip() for key in value.split(",") if not valid_key(key)]
        if wrong:
            warnings.append(
                f"En {path}, «{action}»: {', '.join(f'«{w}»' for w in wrong)} no es una tecla;"
                " se queda la tecla de siempre."
            )
            continue
        keys[action] = ",".join(key.strip() for key in value.split(","))
    return KeymapRead(path, keys, tuple(warnings))


def unknown_actions(read: KeymapRead, known: Iterable[str]) -> list[str]:
    """A warning for each action the file names that no binding has."""
    ids = set(known)
    return [
        f"En {read.path}, «{action}» no es una acción de resguardo; se ignora (vea la lista en la guía)."
        for action in read.keys
        if action not in ids
    ]
