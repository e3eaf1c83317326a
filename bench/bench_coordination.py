"""Benchmark of the coordination office (issue #17): packages, their import, the institution's agenda.

Builds one office database of ``--accounts`` accounts (``synthetic.build``: people, titulares and
suplentes, 25 rotations and evaluations per account) and adds ``--entries`` bitácora entries
directly with SQL (chained, as ``store.bitacora`` chains them). Then:

1. exports ``--full-exports`` packages with ``store.package.export_package`` (the backup-API
   snapshot, the chain's verification, the scrub, the zip and the signature), timed;
2. writes one package per office (``--offices``, each with its own Ed25519 key and office code)
   from that same verified snapshot with ``store.package.write_package`` (zip and signature only:
   redoing the snapshot 332 times would measure the office's export, not the import);
3. registers every office and imports every package into a fresh coordination database with
   ``tui.core.coordination.import_package`` (signature, manifest, the chain from genesis, the
   office's agenda at import), timed per package and in total;
4. times ``resguardo coordinacion pendientes --json`` (median of 5 runs, as a process) and
   Datasette's canned queries (in process, median of 3).

    python bench/bench_coordination.py [--offices 332] [--accounts 50] [--entries 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import NOW, ROOT, build  # noqa: E402

from policy import package as rules  # noqa: E402
from store import coordination as kept  # noqa: E402
from store import open_store  # noqa: E402
from store.bitacora import GENESIS, canonical  # noqa: E402
from store.package import export_package, write_package  # noqa: E402

KINDS = ("publicacion", "respuesta", "comentario_usuario", "moderacion", "nota")


class DictKeyring:
    """A keyring backend in a dict (the benchmark's offices each keep their key here)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, value: str) -> None:
        self.entries[(service, username)] = value

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def add_entries(db: Path, entries: int) -> None:
    """Append bitácora entries up to ``entries``, chained, in batches (one transaction each)."""
    store = open_store(db, clock=lambda: NOW, author="bench")
    try:
        count, last = store.query_one("SELECT count(*), max(id) FROM bitacora")  # type: ignore[misc]
        row = store.query_one("SELECT hash FROM bitacora ORDER BY id DESC LIMIT 1")
        prev = row[0] if row else GENESIS
        accounts = [r[0] for r in store.query("SELECT id FROM accounts ORDER BY id")]
        next_id = (last or 0) + 1
        start = NOW - timedelta(days=900)
        while count < entries:
            batch = []
            for _ in range(min(10_000, entries - count)):
                n = next_id
                at = (start + timedelta(minutes=n * 7 % 1_296_000)).astimezone(UTC).isoformat(timespec="seconds")
                values = (
                    n,
                    accounts[n % len(accounts)] if n % 5 else None,
                    KINDS[n % len(KINDS)],
                    at,
                    at,
                    "bench",
                    f"Entrada sintética {n}: publicación de la jornada y respuesta a comentarios.",
                    None,
                    None,
                    prev,
                )
                prev = hashlib.sha256(canonical(*values)).hexdigest()
                batch.append((*values, prev))
                next_id += 1
                count += 1
            with store.atomic():
                store.conn.executemany(
                    "INSERT INTO bitacora (id, account_id, kind, occurred_at, recorded_at, author, text, refs,"
                    " corrects_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    batch,
                )
    finally:
        store.close()


def _secrets(installation: str, keyring: DictKeyring) -> Any:
    from store.secrets import Secrets

    return Secrets(keyring, installation)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=332)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--full-exports", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path(__file__).resolve().parent / ".data" / "coordinacion")
    parser.add_argument(
        "--solo-consultas",
        action="store_true",
        help="only time the queries on the coordination database a previous run left in --folder",
    )
    args = parser.parse_args()
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    if args.solo_consultas:
        return measure_queries(folder / "coordinacion.db")
    office_db = folder / f"oficina-{args.accounts}-{args.entries}.db"
    started = time.perf_counter()
    if not office_db.exists():
        partial = folder / "oficina.partial.db"
        for leftover in folder.glob("oficina.partial.db*"):
            leftover.unlink()
        build(args.accounts, "ine", path=partial)
        add_entries(partial, args.entries)
        partial.rename(office_db)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    print(f"oficina: {args.accounts} cuentas, {args.entries} entradas ({time.perf_counter() - started:.1f} s)")
    packages = folder / "paquetes"
    shutil.rmtree(packages, ignore_errors=True)
    packages.mkdir()
    keyring = DictKeyring()
    store = open_store(office_db, clock=lambda: NOW, author="bench", auto_backup=False)
    export_times = []
    try:
        for i in range(args.full_exports):
            t = time.perf_counter()
            export_package(
                store,
                _secrets(f"oficina-{i:03d}", keyring),
                office=f"OF-{i:03d}",
                destination=packages / f"OF-{i:03d}.zip",
                now=NOW,
            )
            export_times.append(time.perf_counter() - t)
    finally:
        store.close()
    print(f"exportar (completo): mediana {median_ms(export_times):.0f} ms de {len(export_times)}")
    # the verified, scrubbed snapshot of the first package, wrapped and signed for every other office
    snapshot = folder / "snapshot.sqlite"
    with zipfile.ZipFile(packages / "OF-000.zip") as bundle:
        snapshot.write_bytes(bundle.read(rules.DATABASE_NAME))
        manifest = rules.read_manifest(bundle.read(rules.MANIFEST_NAME))
    from store.package import _private_key

    wrap_times = []
    keys: dict[str, str] = {}
    for i in range(args.offices):
        code = f"OF-{i:03d}"
        secrets = _secrets(f"oficina-{i:03d}", keyring)
        key = _private_key(secrets, create=True)[0]  # type: ignore[index]
        keys[code] = rules.public_key_text(key.public_key().public_bytes_raw())
        if i < args.full_exports:
            continue
        t = time.perf_counter()
        write_package(
            snapshot,
            packages / f"{code}.zip",
            key=key,
            office=code,
            profile=manifest["profile"],
            schema_version=manifest["schema_version"],
            entries=manifest["entries"],
            head_hash=manifest["head_hash"],
            now=NOW,
        )
        wrap_times.append(time.perf_counter() - t)
    package_size = (packages / "OF-000.zip").stat().st_size
    print(f"empaquetar y firmar: mediana {median_ms(wrap_times or [0.0]):.0f} ms; paquete {package_size / 1e6:.1f} MB")

    from tui.core.coordination import import_package, register_office

    coord_path = folder / "coordinacion.db"
    for leftover in folder.glob("coordinacion.db*"):
        leftover.unlink()
    coordination = kept.open_coordination(coord_path, create=True, clock=lambda: NOW)
    import_times = []
    t0 = time.perf_counter()
    try:
        for code, public in keys.items():
            register_office(coordination, code=code, public_key=public)
        for i, code in enumerate(keys):
            t = time.perf_counter()
            result = import_package(coordination, packages / f"{code}.zip")
            import_times.append(time.perf_counter() - t)
            assert result.changed
            if (i + 1) % 25 == 0 or i + 1 == len(keys):
                sys.stderr.write(f"\rimportados {i + 1}/{len(keys)}")
        sys.stderr.write("\n")
        counts = coordination.counts()
    finally:
        coordination.close()
    total = time.perf_counter() - t0
    print(
        f"importar {len(keys)} paquetes: {total:.1f} s en total; por paquete mediana {median_ms(import_times):.0f} ms,"
        f" máximo {max(import_times) * 1000:.0f} ms"
    )
    print(f"base de coordinación: {coord_path.stat().st_size / 1e6:.1f} MB; filas {counts}")
    return measure_queries(coord_path)


def measure_queries(coord_path: Path) -> int:
    env = {**os.environ, kept.ENV_PATH: str(coord_path), "RESGUARDO_NOW": NOW.isoformat()}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = str(Path(sys.executable).with_name("resguardo"))
    samples = []
    size = 0
    for n in range(7):
        t = time.perf_counter()
        done = subprocess.run([exe, "coordinacion", "pendientes", "--json"], env=env, capture_output=True, check=True)
        if n >= 2:
            samples.append(time.perf_counter() - t)
        size = len(done.stdout)
    print(f"coordinacion pendientes --json: mediana {median_ms(samples):.0f} ms ({size / 1e6:.1f} MB de salida)")

    from datasette.app import Datasette

    from tui import datasette_guard

    datasette_guard.register()
    ds = Datasette(immutables=[str(coord_path)], metadata=kept.datasette_metadata(coord_path.stem))

    async def canned() -> dict[str, float]:
        found: dict[str, float] = {}
        for name in kept.CANNED_QUERIES:
            times = []
            for _ in range(4):
                t = time.perf_counter()
                response = await ds.client.get(f"/{coord_path.stem}/{name}.json?_shape=array&dias=7")
                times.append(time.perf_counter() - t)
                assert response.status_code == 200, response.text[:200]
            found[name] = median_ms(times[1:])
        return found

    for name, ms in asyncio.run(canned()).items():
        print(f"Datasette {name}: mediana {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
