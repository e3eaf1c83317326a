"""The line of keys under a dialog: its own bindings, as the user's keymap has them."""

from __future__ import annotations

from textual.widgets import Static

#: Textual's key names as a Spanish keyboard user reads them
KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "space": "Espacio",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "pageup": "RePág",
    "pagedown": "AvPág",
    "home": "Inicio",
    "end": "Fin",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "delete": "Supr",
}


#: the actions that leave a dialog: its hint line names them last
LEAVING = frozenset({"close", "cancel", "later", "dismiss_none"})


def key_name(key: str) -> str:
    """«ctrl+g», «Esc», «?»: one key as the hints and the help name it."""
    key = key.strip()
    modifiers, _, last = key.rpartition("+")
    name = KEY_NAMES.get(last, last)
    return f"{modifiers}+{name}" if modifiers else name


def key_label(keys: str) -> str:
    """Several keys of one binding (``"escape,n"``) joined: «Esc, n»."""
    return ", ".join(key_name(k) for k in keys.split(",") if k.strip())


class KeyHints(Static):
    """«ctrl+g Generar · ctrl+s Guardar · Esc Cancelar»: the keys the dialog itself binds (those with
    an id: Textual's own Tab and copy keys are left to the help).

    Read from the screen's bindings, so a key the user remapped in the keymap
    shows its new key, and an action that does not apply now is left out.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name for it
        super().__init__("", classes="dialog-hint key-hints", id=id)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        self.update(self.hint_text())

    def hint_text(self) -> str:
        screen = self.screen
        app = screen.app
        keys: dict[tuple[str, str], list[str]] = {}
        # The screen's own link of the binding chain (the user's keymap applied, the keys a focused
        # input types left out), not ``active_bindings``: there a key the focused widget also binds (a
        # table's ←/→ scroll, which it leaves to the screen when it cannot scroll sideways) hides the
        # dialog's own use of it.
        own = next((found for node, found in screen._binding_chain if node is screen), screen._bindings)
        for key, binding in own:
            if not binding.description or not binding.id:
                continue
            if app._check_action_state(binding.action, screen) is False:  # does not apply now
                continue
            keys.setdefault((binding.action, binding.description), []).append(key_name(key))
        # the dialog's own keys first, the way out last («a Nueva · r Revocar · Esc Cerrar»): a subclass's
        # keys would otherwise follow its base's «Esc»
        ordered = sorted(keys.items(), key=lambda entry: entry[0][0] in LEAVING)
        return " · ".join(f"{'/'.join(names)} {description}" for (_, description), names in ordered)
