"""A keyring backend for tests: in memory, or in a JSON file so subprocesses share it.

Select it with ``PYTHON_KEYRING_BACKEND=tests.memory_keyring.MemoryKeyring`` (the
repository root must be on PYTHONPATH). ``RESGUARDO_TEST_KEYRING`` names the
JSON file; without it the entries live in the process. ``RESGUARDO_TEST_KEYRING_FAIL``
makes it misbehave: ``set`` (writes raise), ``get`` (reads raise), ``locked``
(everything raises KeyringLocked), ``set-after`` (the N-th write raises, N in
``RESGUARDO_TEST_KEYRING_FAIL_AT``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError

ENV_FILE = "RESGUARDO_TEST_KEYRING"
ENV_FAIL = "RESGUARDO_TEST_KEYRING_FAIL"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, str] = {}
        self.fail = os.environ.get(ENV_FAIL, "")
        self.writes = 0

    # -- storage ---------------------------------------------------------

    def _file(self) -> Path | None:
        name = os.environ.get(ENV_FILE)
        return Path(name) if name else None

    def _load(self) -> dict[str, str]:
        path = self._file()
        if path is None:
            return self.entries
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def _save(self, entries: dict[str, str]) -> None:
        path = self._file()
        if path is None:
            self.entries = entries
        else:
            path.write_text(json.dumps(entries), "utf-8")

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x00{username}"

    # -- keyring API -----------------------------------------------------

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail in ("get", "locked"):
            raise KeyringLocked("locked") if self.fail == "locked" else RuntimeError("backend exploded")
        return self._load().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        if self.fail == "locked":
            raise KeyringLocked("locked")
        if self.fail == "set":
            raise PasswordSetError("cannot write")
        if self.fail == "set-after" and self.writes >= int(os.environ.get("RESGUARDO_TEST_KEYRING_FAIL_AT", "1")):
            raise PasswordSetError("cannot write")
        entries = dict(self._load())
        entries[self._key(service, username)] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = dict(self._load())
        if entries.pop(self._key(service, username), None) is None:
            raise PasswordDeleteError("not found")
        self._save(entries)
