"""``informe estado|evaluacion`` (PDF, DOCX), ``evaluaciones registrar --informe`` and
``calendario exportar`` (ICS), run in this process on the demo institution.

The PDF's text is read back with pypdf and the DOCX's XML from its zip; the ICS
is parsed by icalendar and by vobject and compared with ``pendientes --json``.
"""

from __future__ import annotations

import json
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run

STRONG = "x7#Gq9!mVb2$Lpz-Secreto"


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING", str(tmp_path / "llavero.json"))
    db = tmp_path / "r.db"
    monkeypatch.setenv("RESGUARDO_DB", str(db))
    result = run("demo", "--perfil", "ine")
    assert result.code == 0, result.err
    return db


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))


def docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def agenda(days: int = 30) -> list[dict]:
    result = run("pendientes", "--json", "--dias", str(days))
    assert result.code == 0, result.err
    return json.loads(result.out)


def seal() -> dict:
    result = run("bitacora", "sello", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_status_pdf_holds_every_account_every_overdue_item_and_the_head_hash(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "estado.pdf"
    result = run("informe", "estado", "--salida", str(target))
    assert result.code == 0, result.err
    assert target.read_bytes().startswith(b"%PDF")
    text = flat(pdf_text(target))
    accounts = json.loads(run("cuentas", "listar", "--json").out)
    assert len(accounts) > 10
    for account in accounts:
        assert f"{account['network']}/{account['handle']}" in text
    overdue = [item for item in agenda() if item["status"] == "overdue"]
    assert overdue
    for item in overdue:
        assert flat(item["message"]) in text, item["message"]
    head = seal()
    assert head["head"] in text and len(head["head"]) == 64
    assert "Informe de cumplimiento al 12 de marzo de 2026" in text
    pages = text.count("Página ")
    assert pages >= 2 and f"Página {pages} de {pages}" in text
    assert text.count("resguardo 0.1.0 · generado el 12 de marzo de 2026 a las 10:00") == pages
    assert "Elaboró" in text and "Revisó" in text and "Nombre, cargo y firma" in text
    assert f"SHA-256: {__import__('hashlib').sha256(target.read_bytes()).hexdigest()}" in result.out


def test_status_docx_has_the_same_facts(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "estado.docx"
    assert run("informe", "estado", "--salida", str(target)).code == 0
    text = flat(docx_text(target))
    for account in json.loads(run("cuentas", "listar", "--json").out):
        assert f"{account['network']}/{account['handle']}" in text
    for item in agenda():
        if item["status"] == "overdue":
            assert flat(item["message"]) in text
    assert seal()["head"] in text
    xml = docx_xml(target)
    assert 'w:instr="PAGE"' in xml and 'w:instr="NUMPAGES"' in xml  # page numbers as Word fields
    assert "generado el 12 de marzo de 2026 a las 10:00" in xml


def test_a_stored_password_never_appears_in_a_report(demo: Path, tmp_path: Path) -> None:
    stored = run("credencial", "fijar", "x/@INEMexico", "--motivo", "Prueba", stdin=STRONG + "\n")
    assert stored.code == 0, stored.err
    assert STRONG in (tmp_path / "llavero.json").read_text(encoding="utf-8")  # it is in the keyring
    for name in ("estado.pdf", "estado.docx"):
        assert run("informe", "estado", "--salida", str(tmp_path / name)).code == 0
    for name in ("eval.pdf", "eval.docx"):
        assert (
            run("informe", "evaluacion", "x/@INEMexico", "--periodo", "2026-S1", "--salida", str(tmp_path / name)).code
            == 0
        )
    for name in ("estado.pdf", "eval.pdf"):
        assert STRONG not in pdf_text(tmp_path / name)
        assert STRONG.encode() not in (tmp_path / name).read_bytes()
    for name in ("estado.docx", "eval.docx"):
        assert STRONG not in docx_xml(tmp_path / name)
    # the account's health is there: the score, never the secret
    assert "puntaje 4 de 4" in flat(pdf_text(tmp_path / "eval.pdf"))


def test_evaluation_report_by_month_with_blank_fields_and_its_hash_recorded(demo: Path, tmp_path: Path) -> None:
    assert run("bitacora", "agregar", "x/@INEMexico", "--tipo", "publicacion", "--texto", "Infografía «casillas» — año",
               "--fecha-hora", "2026-02-05T10:00").code == 0  # fmt: skip
    target = tmp_path / "eval.pdf"
    result = run("informe", "evaluacion", "x/@INEMexico", "--periodo", "2026-S1", "--salida", str(target))
    assert result.code == 0, result.err
    text = flat(pdf_text(target))
    assert "Evaluación semestral de x/@INEMexico" in text
    assert "Primer semestre de 2026 (2026-S1): del 1 de enero de 2026 al 30 de junio de 2026" in text
    for month in ("enero 2026", "febrero 2026", "marzo 2026", "abril 2026", "mayo 2026", "junio 2026"):
        assert month in text
    assert "febrero 2026 1 0 0 0" in text  # one publication in February
    assert "Valoración del desempeño de la cuenta" in text and "Evaluó" in text
    digest = __import__("hashlib").sha256(target.read_bytes()).hexdigest()
    recorded = run("evaluaciones", "registrar", "x/@INEMexico", "--informe", str(target))
    assert recorded.code == 0, recorded.err
    assert digest in recorded.out
    entries = json.loads(run("bitacora", "buscar", "--tipo", "evaluacion", "--json").out)
    assert entries[0]["refs"] == [f"sha256:{digest}"] and digest in entries[0]["text"]


def test_bad_requests_are_refused_in_spanish_and_write_nothing(demo: Path, tmp_path: Path) -> None:
    refused(run("informe", "estado", "--salida", str(tmp_path / "estado.txt")), ".pdf o .docx")
    refused(run("informe", "estado", "--salida", str(tmp_path / "no" / "estado.pdf")), "no existe la carpeta")
    refused(run("informe", "evaluacion", "x/@INEMexico", "--periodo", "2026-S3", "--salida", str(tmp_path / "e.pdf")),
            "AAAA-S1")  # fmt: skip
    refused(run("informe", "evaluacion", "x/@INEMexico", "--periodo", "2027-S2", "--salida", str(tmp_path / "e.pdf")),
            "todavía no empieza")  # fmt: skip
    refused(run("informe", "evaluacion", "x/@Nadie", "--periodo", "2026-S1", "--salida", str(tmp_path / "e.pdf")))
    refused(run("evaluaciones", "registrar", "x/@INEMexico", "--informe", str(tmp_path / "falta.pdf")), "no existe")
    refused(run("calendario", "exportar", "--salida", str(tmp_path / "agenda.txt")), ".ics")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".docx", ".ics", ".txt", ".tmp")) == []


def test_a_failed_render_leaves_the_previous_file_and_no_temporary(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.render.pdf

    target = tmp_path / "estado.pdf"
    target.write_bytes(b"%PDF-anterior")

    def broken(outline: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr(tui.render.pdf, "render_pdf", broken)
    refused(run("informe", "estado", "--salida", str(target)), "no se pudo componer el pdf")
    assert target.read_bytes() == b"%PDF-anterior"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".resguardo-")] == []


def test_two_writers_of_the_same_report_leave_one_whole_file(demo: Path, tmp_path: Path) -> None:
    from store import open_store
    from tui.core.reports import status_report
    from tui.render import save_report

    store = open_store(demo, clock=lambda: NOW)
    report = status_report(store)
    store.close()
    target = tmp_path / "estado.pdf"
    digests: list[str] = []
    threads = [threading.Thread(target=lambda: digests.append(save_report(report, target).sha256)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(digests) == 2 and digests[0] == digests[1]
    assert __import__("hashlib").sha256(target.read_bytes()).hexdigest() == digests[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".resguardo-")] == []


# -- the ICS calendar --------------------------------------------------------------------


def _icalendar_events(path: Path) -> dict[str, datetime]:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    found: dict[str, datetime] = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        if uid.startswith("inhabil-"):
            continue
        assert uid not in found
        assert event.walk("VALARM"), uid
        found[uid] = event.decoded("DTSTART")
    return found


def _vobject_events(path: Path) -> dict[str, datetime]:
    import vobject

    calendar = vobject.readOne(path.read_text(encoding="utf-8"))
    return {
        event.uid.value: event.dtstart.value
        for event in calendar.vevent_list
        if not event.uid.value.startswith("inhabil-")
    }


@pytest.mark.parametrize("days", [0, 30, 90])
def test_the_ics_holds_exactly_the_agenda_with_the_same_due_times(demo: Path, tmp_path: Path, days: int) -> None:
    target = tmp_path / "agenda.ics"
    result = run("calendario", "exportar", "--salida", str(target), "--dias", str(days))
    assert result.code == 0, result.err
    expected = {f"{item['key']}@resguardo": datetime.fromisoformat(item["due"]) for item in agenda(days)}
    assert len(expected) == len(agenda(days))  # one key per obligation: the UIDs never collide
    assert _icalendar_events(target) == expected
    assert _vobject_events(target) == expected
    assert f"{len(expected)} obligaciones" in result.out


def test_exporting_twice_gives_the_same_uids_and_non_working_days_are_all_day(demo: Path, tmp_path: Path) -> None:
    assert run("inhabiles", "agregar", "2026-03-30", "--hasta", "2026-03-31", "--motivo", "Aniversario").code == 0
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run("calendario", "exportar", "--salida", str(first)).code == 0
    assert run("calendario", "exportar", "--salida", str(second)).code == 0
    from icalendar import Calendar

    def uids(path: Path) -> list[str]:
        return [str(e["UID"]) for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")]

    assert uids(first) == uids(second) and len(uids(first)) > 10
    days = {
        str(e["UID"]): (e.decoded("DTSTART"), str(e["SUMMARY"]))
        for e in Calendar.from_ical(first.read_bytes()).walk("VEVENT")
        if str(e["UID"]).startswith("inhabil-")
    }
    from datetime import date

    assert days["inhabil-20260330@resguardo"] == (date(2026, 3, 30), "Día inhábil: Aniversario")
    assert days["inhabil-20260331@resguardo"][0] == date(2026, 3, 31)
    clause = [
        e for e in Calendar.from_ical(first.read_bytes()).walk("VEVENT") if "Cláusula" in str(e.get("DESCRIPTION", ""))
    ]
    assert clause, "the clause is in each obligation's description"


# -- killed at each write, and two processes at once -------------------------------------


def _subprocess_env(db: Path, **extra: str) -> dict[str, str]:
    from write_harness import env  # lazy: as the imports of this section

    return env(db, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", **extra)


def _resguardo(db: Path, *args: str, **extra: str):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    script = str(Path(sys.executable).with_name("resguardo"))
    return subprocess.Popen(
        [script, *args], env=_subprocess_env(db, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".ics"])
def test_killed_at_each_write_the_previous_file_stays_or_the_new_one_is_whole(
    demo: Path, tmp_path: Path, suffix: str
) -> None:
    from store import faults

    target = tmp_path / f"salida{suffix}"
    args = ("calendario", "exportar") if suffix == ".ics" else ("informe", "estado")
    trace = tmp_path / "traza.txt"
    done = _resguardo(demo, *args, "--salida", str(target), **{faults.ENV_TRACE: str(trace)})
    assert done.wait(120) == 0, done.stderr.read()  # type: ignore[union-attr]
    whole = target.read_bytes()
    labels = [line.split()[1] for line in trace.read_text(encoding="utf-8").splitlines()]
    assert labels[-3:] == ["report:write", "report:replace", "report:replaced"]
    first = len(labels) - 3 + 1  # the points before are the store's (the daily backup…), tested elsewhere
    for number in range(first, len(labels) + 1):
        target.write_bytes(b"anterior")
        killed = _resguardo(demo, *args, "--salida", str(target), **{faults.ENV: f"kill:{number}"})
        assert killed.wait(120) == faults.KILLED_STATUS
        left = target.read_bytes()
        if left != b"anterior":  # then the whole new file (the DOCX's zip stamps each entry's time)
            if suffix == ".pdf":
                assert left == whole
            elif suffix == ".docx":
                assert "Informe de cumplimiento" in docx_text(target)
            else:
                assert left.startswith(b"BEGIN:VCALENDAR") and left.rstrip().endswith(b"END:VCALENDAR")
        if labels[number - 1] == "report:replaced":
            assert left != b"anterior"


def test_two_processes_writing_the_same_report_leave_a_whole_one(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "estado.pdf"
    runs = [_resguardo(demo, "informe", "estado", "--salida", str(target)) for _ in range(2)]
    assert [run.wait(120) for run in runs] == [0, 0]
    from pypdf import PdfReader

    assert len(PdfReader(target).pages) >= 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".resguardo-")] == []
