"""Issue #14 part A, without a terminal: names folded in lookups, plural agreement, keyring names,
the keymap file, and the wording of waivers in the bitácora."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policy.errors import NotFoundError, UsageError
from policy.labels import counted, fold, keyring_label, plural
from tui.core.common import account_of, person_of
from tui.keymap import read_keymap, unknown_actions, valid_key
from tui.screens import VIEWS
from tui.widgets.status import status_text

# -- names with accents folded ---------------------------------------------------------------


def test_a_person_is_found_without_accents_or_capitals(store) -> None:  # type: ignore[no-untyped-def]
    jose = store.people.add(name="José Pérez Núñez")
    store.people.add(name="Josefina Ramírez")
    assert person_of(store, "jose perez nunez").id == jose.id
    assert person_of(store, "JOSÉ PÉREZ NÚÑEZ").id == jose.id
    assert person_of(store, "perez").id == jose.id  # every word, in any order


def test_an_ambiguous_name_lists_the_candidates(store) -> None:  # type: ignore[no-untyped-def]
    store.people.add(name="José Pérez")
    store.people.add(name="José Pérez Luna")
    store.people.add(name="María José Pérez")
    with pytest.raises(UsageError) as caught:
        person_of(store, "jose")
    message = caught.value.message
    assert message.startswith("Varias personas coinciden con «jose»:")
    assert "José Pérez, José Pérez Luna, María José Pérez" in message
    assert person_of(store, "jose perez").name == "José Pérez"  # the exact (folded) name wins


def test_an_unknown_name_is_still_not_found(store) -> None:  # type: ignore[no-untyped-def]
    store.people.add(name="José Pérez")
    with pytest.raises(NotFoundError):
        person_of(store, "Rosa Gómez")


def test_an_account_is_found_with_folded_accents(store) -> None:  # type: ignore[no-untyped-def]
    account = store.accounts.add(network="facebook", handle="ComunicaciónINE")
    assert account_of(store, "facebook/comunicacionine").id == account.id
    assert account_of(store, "comunicacionine").id == account.id


def test_fold() -> None:
    assert fold("José PÉREZ Ñandú") == "jose perez nandu"


# -- plural agreement ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [(1, "entrada", "1 entrada"), (2, "entrada", "2 entradas"), (1, "día", "1 día"), (3, "día", "3 días")],
)
def test_plural(n: int, word: str, expected: str) -> None:
    assert plural(n, word) == expected


def test_plural_of_nouns_ending_in_a_consonant() -> None:
    assert plural(2, "rotación", "rotaciones") == "2 rotaciones"
    assert plural(0, "cuenta") == "0 cuentas"
    assert counted(1, "cuenta evaluada", "cuentas evaluadas") == "1 cuenta evaluada"


# -- keyring names ---------------------------------------------------------------------------


def test_keyring_backends_are_named_in_spanish() -> None:
    assert keyring_label("store.secrets.EncryptedFileKeyring") == "archivo cifrado de resguardo"
    assert keyring_label("keyring.backends.Windows.WinVaultKeyring") == "llavero del sistema (Windows)"
    assert keyring_label("keyring.backends.macOS.Keyring") == "llavero del sistema (macOS)"
    assert keyring_label("keyring.backends.SecretService.Keyring") == "llavero del sistema (Secret Service)"
    assert "." not in keyring_label("some.other.Backend")


# -- the keymap ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_reads_valid_lines_and_warns_in_spanish(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[keymap]\n"app.salir" = "ctrl+q,f10"\n"hoy.filtrar" = "ctrl+f"\n"contrasena.generar" = "ctrl+quux"\n'
        '"hoy.marcar" = 3\n',
    )
    read = read_keymap(path)
    assert dict(read.keys) == {"app.salir": "ctrl+q,f10", "hoy.filtrar": "ctrl+f"}
    assert len(read.warnings) == 2
    assert "«ctrl+quux» no es una tecla" in read.warnings[0] and "se queda la tecla de siempre" in read.warnings[0]
    assert "«hoy.marcar» debe ser un texto" in read.warnings[1]


def test_keymap_unknown_action_is_a_warning(tmp_path: Path) -> None:
    read = read_keymap(write(tmp_path, '[keymap]\n"app.volar" = "f2"\n"app.salir" = "f10"\n'))
    assert unknown_actions(read, {"app.salir"}) == [
        f"En {read.path}, «app.volar» no es una acción de resguardo; se ignora (vea la lista en la guía)."
    ]


def test_a_broken_or_missing_config_keeps_the_defaults(tmp_path: Path) -> None:
    assert read_keymap(tmp_path / "nada.toml").keys == {}
    assert read_keymap(tmp_path / "nada.toml").warnings == ()
    broken = read_keymap(write(tmp_path, "[keymap\n"))
    assert broken.keys == {} and "no es un TOML válido" in broken.warnings[0]


@pytest.mark.parametrize("key", ["a", "?", "f5", "ctrl+g", "shift+tab", "question_mark", "ctrl+shift+left"])
def test_valid_keys(key: str) -> None:
    assert valid_key(key)


@pytest.mark.parametrize("key", ["", "ctrl+", "control+g", "ctrl+ctrl+g", "f99", "foo"])
def test_invalid_keys(key: str) -> None:
    assert not valid_key(key)


def test_every_action_id_is_listed_in_the_guide() -> None:
    from tui.app import binding_catalog

    guide = (Path(__file__).parent.parent / "docs" / "guia.md").read_text(encoding="utf-8")
    section = guide.split("### Teclas propias", 1)[1]
    missing = [binding_id for binding_id in binding_catalog() if f"`{binding_id}`" not in section]
    assert not missing, missing


# -- waivers in the bitácora -----------------------------------------------------------------


def test_a_one_item_waiver_is_logged_by_its_kind_and_account(store) -> None:  # type: ignore[no-untyped-def]
    account = store.accounts.add(network="x", handle="@INEMexico")
    store.waivers.add(until=date(2026, 12, 31), reason="Se gestiona con TI", key=f"email_generic:a{account.id}")
    text = store.query_one("SELECT text FROM bitacora ORDER BY id DESC LIMIT 1")[0]
    assert "email_generic" not in text and "la obligación" not in text
    assert text.startswith("Dispensa 1: Correo genérico institucional de x/@INEMexico hasta el 31/12/2026.")


@pytest.mark.parametrize("mode", [view.mode for view in VIEWS])
def test_every_tab_is_named_at_80_columns_on_every_screen(mode: str) -> None:
    line = status_text(mode, "32 vencidos · 5 por vencer", 80).plain
    assert len(line) <= 80
    for view in VIEWS:
        assert f"{view.key} {view.short_label}" in line or f"{view.key} {view.label}" in line, (view.mode, line)
