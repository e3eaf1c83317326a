"""Installation settings: the institution profile and the administrator's overrides."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from policy.profile import PROFILE_IDS, Profile, load_profile, validate_setting
from store.errors import StoreError, UsageError

if TYPE_CHECKING:
    from store.db import Store

PROFILE_KEY = "profile"
OVERRIDES_KEY = "profile_overrides"


class Settings:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str, default: Any = None) -> Any:
        row = self._store.query_one("SELECT value FROM settings WHERE key = ?", (key,))
        if row is None:
            return default
        try:
            return json.loads(row["value"])
        except json.JSONDecodeError:
            raise StoreError(f"El ajuste «{key}» guardado en la base de datos está dañado.") from None

    def set(self, key: str, value: Any) -> None:
        with self._store.atomic():
            self._store.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    # -- the profile -----------------------------------------------------

    @property
    def profile_id(self) -> str | None:
        value = self.get(PROFILE_KEY)
        return str(value) if value else None

    def set_profile(self, profile_id: str) -> None:
        """Choose the institution profile (UsageError for an unknown id)."""
        if profile_id not in PROFILE_IDS:
            raise UsageError(f"Perfil desconocido «{profile_id}». Use uno de: {', '.join(PROFILE_IDS)}.")
        self.set(PROFILE_KEY, profile_id)

    def overrides(self) -> dict[str, Any]:
        value = self.get(OVERRIDES_KEY, {})
        return dict(value) if isinstance(value, dict) else {}

    def set_override(self, key: str, value: Any) -> None:
        """Override one profile setting (validated); ``None`` clears an optional one."""
        clean = validate_setting(key, value)
        overrides = self.overrides()
        overrides[key] = clean
        self.set(OVERRIDES_KEY, overrides)

    def reset_override(self, key: str) -> None:
        overrides = self.overrides()
        overrides.pop(key, None)
        self.set(OVERRIDES_KEY, overrides)

    def profile(self) -> Profile:
        """The effective profile. StoreError when ``resguardo iniciar`` has not run yet."""
        profile_id = self.profile_id
        if profile_id is None:
            raise StoreError(
                "La base de datos aún no tiene perfil de institución: ejecute"
                " «resguardo iniciar --perfil {ine,ieeags,ieesonora,iecm}» o «resguardo demo»."
            )
        return load_profile(profile_id, self.overrides())
