"""``resguardo credencial …`` and ``llavero estado`` as subprocesses, with a test keyring.

The keyring is ``tests.memory_keyring.MemoryKeyring`` selected through
PYTHON_KEYRING_BACKEND, its entries in a JSON file so the subprocess and the
test see the same ones. Subprocesses start in a new session: without a
controlling terminal nothing can ever wait for a passphrase.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
STRONG = "x7#Gq9!mVb2$Lpz"
OTHER_STRONG = "Tq4%wZ8@cR1!nHy"
PASSPHRASE = "frase maestra de prueba"


@dataclass
class Result:
    code: int
    out: str
    err: str


class Runner:
    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "resguardo.db"
        self.keyring_file = tmp_path / "keyring.json"
        self.outputs: list[str] = []
        self.env = {
            **os.environ,
            "RESGUARDO_DB": str(self.db),
            "RESGUARDO_NOW": NOW.isoformat(),
            "RESGUARDO_LOCK_TIMEOUT": "0.2",
            "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
            "RESGUARDO_TEST_KEYRING": str(self.keyring_file),
            "RESGUARDO_LLAVERO_COSTO": "ligero",
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "COLUMNS": "120",
        }
        for name in ("RESGUARDO_DEBUG", "RESGUARDO_TEST_KEYRING_FAIL", "RESGUARDO_LLAVERO"):
            self.env.pop(name, None)
        self.script = Path(sys.executable).with_name("resguardo")

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        merged = {**self.env, **(env or {})}
        for key, value in (env or {}).items():
            if value is None:
                merged.pop(key, None)
        proc = subprocess.run(
            [str(self.script), *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=merged,
            timeout=60,
            start_new_session=True,
        )
        self.outputs.append(proc.stdout + proc.stderr)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def keyring(self) -> dict[str, str]:
        return json.loads(self.keyring_file.read_text("utf-8")) if self.keyring_file.exists() else {}

    def rotations(self, account: str = "1") -> list[dict]:
        result = self("rotaciones", "listar", account, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """An initialized database with two accounts, built once (iniciar materializes holidays: slow)."""
    folder = tmp_path_factory.mktemp("plantilla")
    runner = Runner(folder)
    assert runner("iniciar", "--perfil", "ine").code == 0
    assert runner("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").out.strip() == "1"
    assert runner("cuentas", "agregar", "--red", "facebook", "--usuario", "INEMexico").out.strip() == "2"
    return runner.db


@pytest.fixture
def run(tmp_path, template_db) -> Runner:
    runner = Runner(tmp_path)
    for file in template_db.parent.glob(template_db.name + "*"):
        shutil.copyfile(file, tmp_path / file.name)
    return runner


def test_set_then_reveal_and_the_secret_never_leaks(run):
    result = run("credencial", "fijar", "x/@INEMexico", "--motivo", "Rotación periódica", input=STRONG + "\n")
    assert result.code == 0, result.err
    assert "guardada en el llavero" in result.out and "Rotación registrada" in result.out
    assert [r["reason"] for r in run.rotations()] == ["Rotación periódica"]

    refused = run("credencial", "mostrar", "1")
    assert refused.code == 2 and "--revelar" in refused.err and STRONG not in refused.out + refused.err
    revealed = run("credencial", "mostrar", "1", "--revelar")
    assert revealed.code == 0 and revealed.out == STRONG + "\n"
    leaky = len(run.outputs) - 1  # the reveal is the one output allowed to carry it

    generated = run("credencial", "generar", "2")
    assert generated.code == 0, generated.err
    new_password = generated.out.strip()
    assert len(new_password) == 20 and "\n" not in new_password
    assert run("credencial", "mostrar", "2", "--revelar").out.strip() == new_password
    generated_outputs = {len(run.outputs) - 2, len(run.outputs) - 1}

    for args in (
        ("credencial", "revisar"),
        ("credencial", "revisar", "--json", "--completo"),
        ("pendientes", "--json"),
        ("llavero", "estado"),
        ("cuentas", "mostrar", "1"),
        ("rotaciones", "listar", "1"),
        ("exportar", "--formato", "csv"),
    ):
        assert run(*args).code in (0, 2)
    run("credencial", "fijar", "1", input="Democracia2026!\n")
    run("credencial", "fijar", "2", input=STRONG + "\n")  # reuse across accounts: refused

    for index, text in enumerate(run.outputs):
        assert "Democracia2026!" not in text
        if index != leaky:
            assert STRONG not in text, index
        if index not in generated_outputs:
            assert new_password not in text, index
    data = b"".join(p.read_bytes() for p in run.db.parent.glob("resguardo.db*"))
    for secret in (STRONG, new_password, "Democracia2026!"):
        assert secret.encode() not in data
    assert STRONG in run.keyring().values()


def test_weak_reused_and_rule_breaking_passwords_are_refused_with_reasons(run):
    assert run("credencial", "fijar", "1", input=STRONG + "\n").code == 0
    before_db, before_keyring = run.db.read_bytes(), run.keyring()
    cases = {
        "INEMexico2026!": "nombre de usuario",
        "Democracia2026!": "fácil de adivinar",
        "abcdefghijklmnop": "números",
        STRONG: "ya se usó",
    }
    for password, reason in cases.items():
        result = run("credencial", "fijar", "1", input=password + "\n")
        assert result.code == 1, password
        assert reason in result.err and result.err.count("\n") == 1
    shared = run("credencial", "fijar", "2", input=STRONG + "\n")
    assert shared.code == 1 and "x/@INEMexico" in shared.err
    assert len(run.rotations()) == 1
    assert run.keyring() == before_keyring
    assert run.db.read_bytes() == before_db or len(run.rotations("2")) == 0


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [("", "vacía"), ("abc\x00defghij1!\n", "control"), ("a" * 1100, "1024"), ("uno\ndos\n", "control")],
    ids=["empty", "nul", "too-long", "two-lines"],
)
def test_bad_input_is_refused_and_nothing_is_stored(run, stdin, fragment):
    result = run("credencial", "fijar", "1", input=stdin)
    assert result.code != 0 and fragment in result.err
    assert run.keyring() == {}
    assert run.rotations() == []


def test_unknown_account(run):
    result = run("credencial", "fijar", "x/@NoExiste", input=STRONG + "\n")
    assert result.code == 1 and "No existe la cuenta" in result.err


@pytest.mark.parametrize(
    ("mode", "fragment"), [("locked", "bloqueado"), ("set", "falló al guardar"), ("get", "falló al leer")]
)
def test_keyring_failures_leave_no_rotation(run, mode, fragment):
    result = run("credencial", "fijar", "1", input=STRONG + "\n", env={"RESGUARDO_TEST_KEYRING_FAIL": mode})
    assert result.code == 1 and fragment in result.err
    assert STRONG not in result.err and "Traceback" not in result.err
    assert run.rotations() == []


def test_encrypted_file_keyring_from_the_command_line(run, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "store.secrets.EncryptedFileKeyring"}
    status = run("llavero", "estado", "--json", env=env)
    assert json.loads(status.out)["encrypted_file"] is True
    assert json.loads(status.out)["unlocked"] is False
    locked = run("credencial", "fijar", "1", input=STRONG + "\n", env=env)
    assert locked.code == 1 and "--frase-desde-stdin" in locked.err
    stored = run("credencial", "fijar", "1", "--frase-desde-stdin", input=f"{PASSPHRASE}\n{STRONG}\n", env=env)
    assert stored.code == 0, stored.err
    sealed = (tmp_path / "llavero-resguardo.json").read_bytes()
    assert STRONG.encode() not in sealed
    wrong = run(
        "credencial", "mostrar", "1", "--revelar", "--frase-desde-stdin", input="otra frase cualquiera\n", env=env
    )
    assert wrong.code == 1 and "no abre" in wrong.err
    sealed_before = (tmp_path / "llavero-resguardo.json").read_bytes()
    refused = run(
        "credencial", "fijar", "1", "--frase-desde-stdin", input=f"otra frase cualquiera\n{OTHER_STRONG}\n", env=env
    )
    assert refused.code == 1 and "no abre" in refused.err
    assert (tmp_path / "llavero-resguardo.json").read_bytes() == sealed_before
    right = run("credencial", "mostrar", "1", "--revelar", "--frase-desde-stdin", input=PASSPHRASE + "\n", env=env)
    assert right.out == STRONG + "\n"
    probe = run("llavero", "estado", "--probar", "--frase-desde-stdin", input=PASSPHRASE + "\n", env=env)
    assert "desbloqueado" in probe.out
    assert len(run.rotations()) == 1


def test_iecm_accepts_and_shows_the_oficio(tmp_path):
    run = Runner(tmp_path)
    run("iniciar", "--perfil", "iecm")
    run("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD01")
    result = run("credencial", "fijar", "1", "--oficio", "IECM/UTCSyD/0123/2026", input=STRONG + "\n")
    assert result.code == 0 and "oficio IECM/UTCSyD/0123/2026" in result.out
    assert run.rotations()[0]["reference"] == "IECM/UTCSyD/0123/2026"
    other = run("credencial", "generar", "1")
    assert "UTCSyD" in other.err


def test_evaluate_prints_score_time_and_spanish_feedback(run):
    result = run("credencial", "evaluar", input="Democracia2026!\n")
    assert result.code == 0
    assert "Puntaje:" in result.out and "Tiempo estimado" in result.out and "se rechazaría" in result.out
    assert "español" in result.out
    data = json.loads(run("credencial", "evaluar", "--json", "--cuenta", "1", input="INEMexico2026!\n").out)
    assert data["acceptable"] is False and "contains_handle" in data["reasons"]
    assert run.keyring() == {} and run.rotations() == []


def test_review_json_and_pendientes_kinds(run):
    assert run("credencial", "fijar", "1", input=STRONG + "\n").code == 0
    assert (
        run("credencial", "segundo-factor", "1", "--metodo", "app", "--resguardo-codigos", "Caja fuerte CNCS").code == 0
    )
    review = json.loads(run("credencial", "revisar", "--json").out)
    by_account = {item["account"]: item for item in review}
    assert "x/@INEMexico" not in by_account
    assert set(by_account["facebook/INEMexico"]["issues"]) == {"never_set", "no_2fa"}
    assert by_account["facebook/INEMexico"]["message"]
    assert by_account["facebook/INEMexico"]["id"] == 2
    later = (NOW + timedelta(days=40)).isoformat()
    items = json.loads(run("pendientes", "--json", env={"RESGUARDO_NOW": later}).out)
    kinds = {(item["kind"], item["account_id"]) for item in items}
    assert ("no_password", 2) in kinds and ("no_password", 1) not in kinds


def test_second_factor_codes_go_to_the_keyring(run):
    result = run(
        "credencial", "segundo-factor", "1", "--metodo", "llave", "--guardar-codigos", input="1234-5678\n9876-5432\n"
    )
    assert result.code == 0 and "guardados en el llavero" in result.out
    assert "1234-5678\n9876-5432" in run.keyring().values()
    assert b"1234-5678" not in b"".join(p.read_bytes() for p in run.db.parent.glob("resguardo.db*"))


def _fake_clipboard(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    store = tmp_path / "clipboard.txt"
    copy = bin_dir / "wl-copy"
    copy.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(store)!r}, 'w').write('' if '--clear' in sys.argv"
        " else sys.stdin.read())\n"
    )
    paste = bin_dir / "wl-paste"
    paste.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write(open({str(store)!r}).read())\n")
    copy.chmod(0o755)
    paste.chmod(0o755)
    return bin_dir, store


@pytest.mark.skipif(os.name != "posix", reason="the fake clipboard tools are POSIX scripts")
def test_copy_uses_the_clipboard_and_clears_it(run, tmp_path):
    bin_dir, clip = _fake_clipboard(tmp_path)
    env = {"PATH": str(bin_dir), "WAYLAND_DISPLAY": "wayland-test", "RESGUARDO_CLIPBOARD_SECONDS": "1"}
    assert run("credencial", "fijar", "1", input=STRONG + "\n").code == 0
    result = run("credencial", "copiar", "1", env=env)
    assert result.code == 0, result.err
    assert "se borrará en 1 segundos" in result.out and STRONG not in result.out
    assert clip.read_text() == STRONG
    deadline = time.monotonic() + 15
    while clip.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert clip.read_text() == ""


def test_no_clipboard_tool_is_a_clear_message_and_generar_stores_nothing(run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": str(empty), "WAYLAND_DISPLAY": "", "DISPLAY": ""}
    result = run("credencial", "generar", "1", "--copiar", env=env)
    assert result.code == 1 and "portapapeles" in result.err
    assert run.keyring() == {} and run.rotations() == []


def test_keyring_status_names_the_backend(run):
    result = run("llavero", "estado")
    assert result.code == 0
    assert "tests.memory_keyring.MemoryKeyring" in result.out and "desbloqueado" in result.out
