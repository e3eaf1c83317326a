"""Benchmark of the safekeeping of passwords in the encrypted-file keyring (issue 11).

Prints, for this checkout and (with ``--antes RUTA``) another checkout of
resguardo measured in the same run, alternating:

1. concurrent saves: 2, 4 and 8 ``resguardo credencial fijar`` on different
   accounts started together, for ``--rondas`` rounds (default 50): how many
   saves were reported «guardada», and how many of those the keyring no longer
   holds afterwards (goal: 0 lost);
2. the whole-process time of one ``credencial fijar`` with the real key
   derivation (Argon2id, 64 MiB, 3 passes), median of ``--veces`` runs
   (goal: ≤ 1 s).

Each checkout runs from its own source folder (PYTHONPATH) with this
interpreter, on its own database and keyring in a temporary folder.
Run: ``.venv/bin/python bench/bench_keyring.py [--antes /ruta/a/otra/copia]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import bare_start_ms, describe, load_average  # noqa: E402

PASSPHRASE = "frase maestra del banco de pruebas"
NOW = "2026-03-12T10:00:00-06:00"
LAUNCH = "import sys; from tui.cli import run; sys.argv[0] = 'resguardo'; run()"


def strong() -> str:
    return f"Rs{secrets.token_urlsafe(12)}!7q"


class Checkout:
    """One copy of resguardo's source, with its own database and keyring file."""

    def __init__(self, source: Path, folder: Path, label: str) -> None:
        self.source = source
        self.label = label
        self.folder = folder
        folder.mkdir()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "RESGUARDO_DB": str(folder / "resguardo.db"),
            "RESGUARDO_NOW": NOW,
            "RESGUARDO_LOCK_TIMEOUT": "60",
            "PYTHON_KEYRING_BACKEND": "store.secrets.EncryptedFileKeyring",
            "RESGUARDO_SIN_RESPALDO_AUTOMATICO": "1",
        }
        for name in ("RESGUARDO_LLAVERO", "RESGUARDO_LLAVERO_COSTO", "RESGUARDO_TEST_KEYRING"):
            self.env.pop(name, None)

    def start(self, *args: str, stdin: str = "") -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            cwd=self.folder,
        )
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        return proc

    @staticmethod
    def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        return proc.returncode, out, err

    def run(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        return self.finish(self.start(*args, stdin=stdin))

    def prepare(self, accounts: int) -> None:
        code, _, err = self.run("iniciar", "--perfil", "ine")
        assert code == 0, err
        for number in range(1, accounts + 1):
            code, _, err = self.run("cuentas", "agregar", "--red", "x", "--usuario", f"@Banco{number}")
            assert code == 0, err
        self.save(1, strong())  # the keyring file exists before the concurrent rounds

    def save(self, account: int, password: str) -> tuple[int, str, str]:
        return self.run("credencial", "fijar", str(account), "--frase-desde-stdin", stdin=f"{PASSPHRASE}\n{password}\n")

    def stored(self) -> dict[int, str]:
        """Account id -> the password the keyring file holds now, read in this process.

        Both versions write the same file format, so one reader serves both
        (and costs one key derivation per round instead of one per account).
        """
        import json
        import sqlite3

        from store.secrets import SERVICE, encrypted_file_class

        with sqlite3.connect(self.folder / "resguardo.db") as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'installation_id'").fetchone()
        installation = json.loads(row[0])
        backend = encrypted_file_class()(self.folder / "llavero-resguardo.json")
        backend.unlock(PASSPHRASE)
        found = {}
        for number in range(1, 64):
            value = backend.get_password(SERVICE, f"{installation}:account-{number}")
            if value is not None:
                found[number] = value
        return found

    def concurrent_round(self, writers: int) -> tuple[int, int]:
        """(saves reported, saves lost) of one round of ``writers`` saves started together."""
        chosen = {number: strong() for number in range(1, writers + 1)}
        procs = {
            number: self.start(
                "credencial", "fijar", str(number), "--frase-desde-stdin", stdin=f"{PASSPHRASE}\n{value}\n"
            )
            for number, value in chosen.items()
        }
        reported = [number for number, proc in procs.items() if "guardada" in self.finish(proc)[1]]
        held = self.stored()
        lost = sum(1 for number in reported if held.get(number) != chosen[number])
        return len(reported), lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--antes", type=Path, help="otra copia de resguardo a medir al lado (p. ej. la versión anterior)"
    )
    parser.add_argument("--rondas", type=int, default=50, help="rondas de guardados simultáneos (50)")
    parser.add_argument("--veces", type=int, default=9, help="guardados medidos uno a uno (9)")
    parser.add_argument("--escritores", default="2,4,8", help="procesos simultáneos por ronda (2,4,8)")
    args = parser.parse_args()
    writers_list = [int(w) for w in args.escritores.split(",")]
    work = Path(tempfile.mkdtemp(prefix="resguardo-bench-llavero-"))
    checkouts = [Checkout(ROOT, work / "ahora", "esta copia")]
    if args.antes:
        checkouts.insert(0, Checkout(args.antes.resolve(), work / "antes", f"antes ({args.antes})"))
    print(f"carga: {load_average(five=True)}; datos en {work}")
    for checkout in checkouts:
        checkout.prepare(max(writers_list))

    print("\n1. guardados simultáneos en cuentas distintas (llavero cifrado, derivación real)")
    for writers in writers_list:
        totals = {c.label: [0, 0] for c in checkouts}
        for _ in range(args.rondas):
            for checkout in checkouts:  # alternating, so both see the same minutes
                reported, lost = checkout.concurrent_round(writers)
                totals[checkout.label][0] += reported
                totals[checkout.label][1] += lost
        for label, (reported, lost) in totals.items():
            print(
                f"   {writers} a la vez × {args.rondas} rondas, {label}: {reported} reportados «guardada»,"
                f" {lost} perdidos"
            )

    print("\n2. un «credencial fijar» completo (proceso, derivación de clave incluida)")
    samples: dict[str, list[float]] = {c.label: [] for c in checkouts}
    yardstick: list[float] = []
    for _ in range(args.veces):
        for checkout in checkouts:
            start = time.perf_counter()
            code, _, err = checkout.save(2, strong())
            samples[checkout.label].append((time.perf_counter() - start) * 1000)
            assert code == 0, err
        yardstick.append(bare_start_ms())
    for label, values in samples.items():
        print(f"   {label}: mediana {statistics.median(values):.0f} ms (mín {min(values):.0f}, máx {max(values):.0f})")
    if len(checkouts) == 2:
        before, after = (statistics.median(samples[c.label]) for c in checkouts)
        print(f"   razón esta copia / antes: {after / before:.2f}")
    print(f"   {describe(yardstick)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
