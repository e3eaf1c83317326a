"""Datasette, read-only: ``resguardo coordinacion servir`` runs ``python -m tui.datasette_guard serve …``.

The coordination database is opened immutable (``-i``), and this plugin refuses
every request that is not a read (GET, HEAD, OPTIONS) with 405 before Datasette
sees it: its write API (``/-/create``, ``…/-/insert``, ``-/upsert``, ``-/update``,
``-/delete``, ``-/drop``), the POST of canned queries and any endpoint a future
Datasette adds are refused the same way, whatever its version and settings.
Imported only in that process (and by its test): nothing else loads Datasette.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette import hookimpl

PLUGIN_NAME = "resguardo-solo-lectura"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSAL = "Solo lectura: la base de coordinación no admite cambios desde el navegador.".encode()

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def read_only(scope: Scope, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
                headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS")]
                await send({"type": "http.response.start", "status": 405, "headers": headers})
                await send({"type": "http.response.body", "body": REFUSAL})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


def register() -> None:
    """Register the guard with Datasette's plugin manager (once per process)."""
    from datasette.plugins import pm  # lazy: the plugin manager, only when registering

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(sys.modules[__name__], name=PLUGIN_NAME)


def main(argv: list[str]) -> int:
    register()
    from datasette.cli import cli  # lazy: after the guard is registered

    try:
        cli.main(args=argv, prog_name="datasette", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
