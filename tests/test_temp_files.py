"""The temporary files of the exports that a crash leaves behind are removed on the next start
(beside the database) and by the next export (in its folder), once they are ten minutes old."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from store.files import STALE_AFTER_SECONDS, sweep_stale_temp_files
from tests.conftest import NOW
from tests.inprocess import cli_environment, run


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)


def initialized(path: Path) -> Path:
    result = run("iniciar", "--perfil", "ine", "--db", str(path))
    assert result.code == 0, result.err
    return path


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_stale_temporary_files_are_removed_on_the_next_start(tmp_path: Path):
    target = initialized(tmp_path / "r.db")
    stale = [tmp_path / ".resguardo-a1b2.tmp", tmp_path / ".resguardo-c3d4.csv"]
    fresh = tmp_path / ".resguardo-e5f6.tmp"
    others = [tmp_path / ".llavero-x1.tmp", tmp_path / ".resguardo-g7.txt", tmp_path / "resguardo-h8.tmp"]
    for path in [*stale, fresh, *others]:
        path.write_text("a medias")
        _age(path, 3600)
    _age(fresh, 30)  # a concurrent export may still be writing it
    assert run("pendientes", "--db", str(target)).code == 0
    assert [p for p in stale if p.exists()] == []
    assert fresh.exists()
    assert all(p.exists() for p in others)


@pytest.mark.parametrize("argv", [("exportar",), ("bitacora", "exportar", "--formato", "csv")])
def test_an_export_removes_stale_temporary_files_in_its_folder(tmp_path: Path, argv: tuple[str, ...]):
    target = initialized(tmp_path / "r.db")
    out = tmp_path / "salidas"
    out.mkdir()
    stale, fresh = out / ".resguardo-zz.csv", out / ".resguardo-yy.tmp"
    stale.write_text("a medias")
    fresh.write_text("en curso")
    _age(stale, 3600)
    result = run(*argv, "--salida", str(out / "inventario.csv"), "--db", str(target))
    assert result.code == 0, result.err
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in out.iterdir()) == [".resguardo-yy.tmp", "inventario.csv"]


def test_the_workbench_start_removes_stale_temporary_files(tmp_path: Path):
    from tui.workspace import Workspace

    target = initialized(tmp_path / "r.db")
    stale = tmp_path / ".resguardo-old.tmp"
    stale.write_text("a medias")
    _age(stale, 3600)
    Workspace(target, lambda: NOW).startup()
    assert not stale.exists()


def test_only_stale_regular_files_with_the_exports_names(tmp_path: Path):
    now = time.time()
    names = [".resguardo-a.tmp", ".resguardo-b.csv", ".resguardo-.tmp", ".resguardo-c.db", "x.resguardo-d.tmp"]
    for name in names:
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (now - 2 * STALE_AFTER_SECONDS,) * 2)
    (tmp_path / ".resguardo-carpeta.tmp").mkdir()
    assert sweep_stale_temp_files(tmp_path, now=now) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".resguardo-.tmp",
        ".resguardo-c.db",
        ".resguardo-carpeta.tmp",
        "x.resguardo-d.tmp",
    ]
    assert sweep_stale_temp_files(tmp_path / "no-existe", now=now) == 0


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The workbench's export (``store.files.write_text_atomically``): a failure at the rename (a full
    disk, a crash) leaves the previous file whole and removes its temporary file."""
    from store.files import write_text_atomically

    target = tmp_path / "inventario.csv"
    write_text_atomically(target, "a,b\n1,2\n")
    assert target.read_text(encoding="utf-8-sig") == "a,b\n1,2\n"

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_text_atomically(target, "x" * 10_000)
    assert target.read_text(encoding="utf-8-sig") == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventario.csv"]
