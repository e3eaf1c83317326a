"""tui.core.bitacora's seal (``bitacora sello``) and moderation (``bitacora moderar``), and their sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policy.codes import ModerationAction
from policy.entries.moderation import moderation_recorded
from policy.errors import NotFoundError, PolicyError, UsageError
from policy.moderation import ModerationDecision
from store import open_store
from store.bitacora import GENESIS
from store.db import Store
from store.secrets import Secrets
from tests.conftest import NOW
from tests.inprocess import cli_environment, run
from tests.memory_keyring import MemoryKeyring
from tui.core.bitacora import add_entry, moderate_comment, seal_journal

QUOTE = (
    "Eliminación por decisión de la Coordinación de Comunicación Social (Criterios IEE Ags. §6.XVIII: «si la"
    " Coordinación considera que las manifestaciones vulneran los derechos e integridad de otra persona, podrá"
    " borrar los comentarios correspondientes.»)."
)


def test_the_sentence_is_the_action_its_basis_then_the_persons_words() -> None:
    decision = ModerationDecision(ModerationAction.HIDE, None, ("Primera nota.", "Segunda."))
    assert moderation_recorded(decision, "Spam.") == (
        "Moderación: ocultar el comentario (ocultar). Primera nota. Segunda. Spam."
    )
    assert moderation_recorded(ModerationDecision(ModerationAction.REPLY, None), "Se respondió.") == (
        "Moderación: responder institucionalmente (responder). Se respondió."
    )


def test_a_moderation_entry_names_who_decided_where_the_profile_says(make_store) -> None:  # type: ignore[no-untyped-def]
    store: Store = make_store("ieeags")
    account = store.accounts.add(network="x", handle="@IEEAgs")
    entry = moderate_comment(store, "x/@IEEAgs", "eliminar", "  Spam con enlaces. ", refs=["https://x.com/c/1"])
    assert entry.text == f"Moderación: eliminar el comentario (eliminar). {QUOTE} Spam con enlaces."
    assert (entry.kind, entry.account_id, entry.refs, entry.occurred) == (
        "moderacion",
        account.id,
        ("https://x.com/c/1",),
        NOW,
    )


def test_a_forbidden_or_unknown_action_or_an_empty_text_writes_nothing(make_store) -> None:  # type: ignore[no-untyped-def]
    store: Store = make_store("iecm")
    account = store.accounts.add(network="x", handle="@IECM")
    with pytest.raises(PolicyError, match="iecm|IECM"):
        moderate_comment(store, account.id, "bloquear", "Insultos racistas", hate_or_violence=True)
    with pytest.raises(UsageError, match="Acción de moderación desconocida «expulsar»"):
        moderate_comment(store, account.id, "expulsar", "Insultos")
    with pytest.raises(UsageError, match="texto"):
        moderate_comment(store, account.id, "ignorar", "   ")
    with pytest.raises(NotFoundError):
        moderate_comment(store, "x/@Nadie", "ignorar", "Insultos")
    assert store.bitacora.count() == 0


def test_a_seal_without_the_keyring_says_why_no_checkpoint(store: Store) -> None:
    empty = seal_journal(store, None, keyring_problem="el llavero está bloqueado")
    assert (empty.seal.total, empty.seal.head, empty.seal.head_id) == (0, GENESIS, None)
    add_entry(store, kind="nota", text="Una nota")
    sealed = seal_journal(store, None, keyring_problem="el llavero está bloqueado")
    assert (sealed.seal.total, sealed.seal.head_id, sealed.at) == (1, 1, NOW)
    assert sealed.seal.head == store.bitacora.get(1).hash
    assert (sealed.checkpoint, sealed.checkpoint_note) == (None, "el llavero está bloqueado")


def test_a_seal_with_the_keyring_writes_a_checkpoint_first(tmp_path: Path) -> None:
    with open_store(tmp_path / "r.db", clock=lambda: NOW, create=True) as store:
        store.settings.set_profile("ine")
        add_entry(store, kind="nota", text="Una nota")
        secrets = Secrets(MemoryKeyring(), store.credentials.installation_id())
        sealed = seal_journal(store, secrets)
        assert sealed.checkpoint is not None and sealed.checkpoint_note is None
        row = store.query_one("SELECT entries, head_hash FROM bitacora_checkpoints WHERE id = ?", (sealed.checkpoint,))
        assert row is not None and tuple(row) == (1, sealed.seal.head)


def test_the_command_line_prints_the_cores_seal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_DB", str(tmp_path / "r.db"))
    assert run("iniciar", "--perfil", "ieeags").code == 0
    assert run("cuentas", "agregar", "--red", "x", "--usuario", "@IEEAgs").code == 0
    done = run("bitacora", "moderar", "x/@IEEAgs", "--accion", "eliminar", "--texto", "Spam con enlaces.")
    assert done.out == (
        "Moderación registrada en la bitácora: entrada 1.\n"
        f"Moderación: eliminar el comentario (eliminar). {QUOTE} Spam con enlaces.\n"
    )
    data = json.loads(run("bitacora", "sello", "--json").out)
    assert (data["count"], data["head_id"], data["at"]) == (1, 1, NOW.isoformat())
    # A checkpoint when this process's keyring holds the key, else the reason (the backend is per process).
    assert (data["checkpoint"] is None) == isinstance(data["checkpoint_note"], str)
