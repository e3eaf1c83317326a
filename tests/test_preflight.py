"""The draft preflight: the checks' clauses, each profile's reach, the store's lists, the core and the CLI."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from policy.errors import ResguardoError, UsageError
from policy.preflight import BLOCKS, CHECKS, KINDS, PROCESS_NEUTRALITY, Context, run
from policy.preflight.base import fold
from policy.preflight.personal import curp_check_digit, rfc_check_digit, valid_curp, valid_rfc
from policy.preflight.spelling import suggestion_for
from policy.profile import PROFILE_IDS, load_profile
from store.errors import ConflictError, NotFoundError
from tui.core.preflight import add_to_list, list_entries, remove_from_list, review_draft

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"

#: One draft that trips every check there is (when the profile asks for it).
EVERYTHING = (
    "ATENCIÓN CIUDADANÍA DE TODO EL PAÍS: la eleccion es el domingo. Bienvenidos a los ciudadanos. "
    "CURP HEGG560427MVZRRL04, RFC GODE561231GR8, clave GMVLMR80070501M100, OCR 1234567890123. "
    "Llama al 55 4321 8765 o escribe a pepe.perez@gmail.com; vivo en Calle Hidalgo 123. "
    "Valentina, de 10 años, votó. Info: bit.ly/abc RT @desconocido. Votemos por Morena y la candidata Ana Torres. "
    "¡Que Dios los bendiga! #Uno #Uno #Dos #Tres #Cuatro #Cinco #Seis " + "relleno " * 30
)


@pytest.fixture(autouse=True)
def word_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The spelling index in a folder of the test run, not the user's cache."""
    from tui.core import preflight

    folder = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("RESGUARDO_CACHE", str(folder))
    preflight._lexicon.cache_clear()
    yield folder
    preflight._lexicon.cache_clear()


def test_the_word_index_is_built_once_and_rebuilt_when_the_list_changes(tmp_path: Path) -> None:
    from store.lexicon import FILE_NAME, open_lexicon

    source = tmp_path / "es.json.gz"
    source.write_bytes(gzip.compress(json.dumps({"elección": 10, "eleccion": 1}).encode()))
    lexicon = open_lexicon(source)
    assert lexicon is not None
    assert lexicon(["elección", "nada", "elección"]) == {"elección": 10}
    assert (Path(os.environ["RESGUARDO_CACHE"]) / FILE_NAME).exists()
    source.write_bytes(gzip.compress(json.dumps({"votación": 7}).encode()))
    os.utime(source, ns=(1, 1))
    again = open_lexicon(source)
    assert again is not None and again(["elección", "votación"]) == {"votación": 7}


def test_an_unusable_cache_falls_back_to_the_list_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.lexicon import open_lexicon

    blocker = tmp_path / "un-archivo"
    blocker.write_text("no es una carpeta", encoding="utf-8")
    monkeypatch.setenv("RESGUARDO_CACHE", str(blocker / "cache"))
    source = tmp_path / "es.json.gz"
    source.write_bytes(gzip.compress(b'{"a": 1}'))
    assert open_lexicon(source) is None


def test_the_index_and_the_list_in_memory_agree() -> None:
    from policy.preflight.spelling import dictionary_path, memory_lexicon
    from store.lexicon import open_lexicon

    lexicon = open_lexicon(dictionary_path())
    assert lexicon is not None
    words = ["elección", "eleccion", "publicar", "méxico", "zzzz"]
    assert lexicon(words) == memory_lexicon(words)
    text = "La eleccion y la pagina de Mexico."
    profile = load_profile("ine")
    with_index = run(text, Context(profile, with_image=True, lexicon=lexicon))
    in_memory = run(text, Context(profile, with_image=True))
    assert [(f.span.text, f.suggestion) for f in with_index] == [(f.span.text, f.suggestion) for f in in_memory]
    assert [f.suggestion for f in with_index] == ["elección", "página", "México"]


def _context(profile_id: str, **kwargs: object) -> Context:
    profile = load_profile(profile_id)
    options: dict[str, object] = {
        "network": "x",
        "with_image": False,
        "candidate_names": ("Ana Torres",),
        "campaign_hashtags": ("#CampañaEnMarcha",),
        "institutional_domains": profile.settings.email_domains,
    }
    options.update(kwargs)
    return Context(profile, **options)  # type: ignore[arg-type]


def _norm(text: str) -> str:
    return re.sub(r"[^a-zñ0-9]+", " ", fold(text.replace("*", ""))).strip()


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_preflight_quote_is_the_documents_words(profile_id: str) -> None:
    if not SEEDS.is_dir():  # the seeds live in shared/, beside the checkout, not in the repository
        pytest.skip(f"no están los documentos fuente en {SEEDS}")
    profile = load_profile(profile_id)
    rules = {key: rule for key, rule in profile.rules.items() if key.startswith("preflight_")}
    assert rules
    for key, rule in rules.items():
        assert rule.section and rule.quote, key
        seed = next(doc.seed for doc in profile.documents.values() if doc.title == rule.document)
        source = _norm((SEEDS / seed).read_text("utf-8", errors="replace"))
        quote = _norm(rule.quote)
        if quote in source:
            continue
        # the INE's seed is OCR («mayuUsculas», «acompafiadas»): the closest passage must be nearly the quote
        window = len(quote)
        best = max(
            difflib.SequenceMatcher(None, quote, source[i : i + window]).ratio()
            for i in range(0, len(source) - window, 8)
        )
        assert profile_id == "ine" and best > 0.9, f"{profile_id} {key}: «{rule.quote}» is not in {seed}"


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_no_finding_fires_for_a_check_the_document_does_not_ask(profile_id: str) -> None:
    profile = load_profile(profile_id)
    found = run(EVERYTHING, _context(profile_id))
    asked = {kind for kind, rule in KINDS.items() if not rule or profile.has_rule(rule)}
    kinds = {f.kind for f in found}
    assert kinds <= asked
    # ... and every check it asks for fires on the draft that has them all
    assert kinds == asked
    for finding in found:
        assert finding.rule.profile == profile_id
        assert finding.rule.section, finding.kind
        assert finding.span.text == EVERYTHING[finding.span.start : finding.span.end]


def test_a_declared_electoral_process_makes_neutrality_reviewable_everywhere() -> None:
    text = "El PRI y Movimiento Ciudadano registraron a su candidata."
    for profile_id in ("ine", "ieeags", "ieesonora"):
        assert not [f for f in run(text, _context(profile_id)) if f.kind == "neutralidad"]
        during = [f for f in run(text, _context(profile_id, electoral_process=True)) if f.kind == "neutralidad"]
        assert {f.span.text for f in during} == {"PRI", "Movimiento Ciudadano", "candidata"}
        assert {f.severity for f in during} == {"revisar"}
        assert {f.rule for f in during} == {load_profile(profile_id).rule(PROCESS_NEUTRALITY)}
    iecm = [f for f in run(text, _context("iecm")) if f.kind == "neutralidad"]
    assert [(f.span.text, f.severity) for f in iecm] == [
        ("PRI", BLOCKS),
        ("Movimiento Ciudadano", BLOCKS),
        ("candidata", "revisar"),
    ]


def test_check_digits_follow_the_authorities_algorithms() -> None:
    assert valid_curp("HEGG560427MVZRRL04")  # RENAPO's example
    assert not valid_curp("HEGG560427MVZRRL05")
    assert curp_check_digit("HEGG560427MVZRRL0") == "4"
    assert valid_rfc("GODE561231GR8")  # the SAT's example
    assert not valid_rfc("GODE561231GR9")
    assert rfc_check_digit("ABC680524P7") == "3"  # a persona moral: 12 characters
    assert not valid_rfc("GODE561331GR8")  # no 13th month


def test_spelling_reports_missing_accents_and_keeps_what_is_meant() -> None:
    assert suggestion_for("eleccion") == "elección"
    assert suggestion_for("Tambien") == "También"
    assert suggestion_for("sesion") == "sesión"
    assert suggestion_for("pagina", after_determiner=True) == "página"
    assert suggestion_for("pagina") is None  # «pagina» (paginar)
    assert suggestion_for("publica") is None
    assert suggestion_for("ganó") is None
    assert suggestion_for("Tlalpan") is None
    assert suggestion_for("eleccion", frozenset({"eleccion"})) is None


def test_the_findings_say_what_to_do_with_a_span_and_a_suggestion() -> None:
    found = run("Invitamos a los ciudadanos.", _context("iecm", network=None))
    assert [(f.kind, f.severity, f.span.text, f.suggestion) for f in found] == [
        ("lenguaje_incluyente", "sugerencia", "los ciudadanos", "la ciudadanía")
    ]
    assert "«la ciudadanía»" in found[0].message


def test_lists_are_unique_without_case_or_accents(store) -> None:  # type: ignore[no-untyped-def]
    entry = add_to_list(store, "candidatos", "  Ana   Torres ")
    assert entry.value == "Ana Torres"
    with pytest.raises(ConflictError):
        add_to_list(store, "candidatos", "ANA TÓRRES")
    assert add_to_list(store, "campanas", "SonoraVota").value == "#SonoraVota"
    assert add_to_list(store, "enlaces", "https://www.X.com/INEMexico/").value == "x.com/inemexico"
    with pytest.raises(UsageError):
        add_to_list(store, "palabras", "dos palabras")
    with pytest.raises(UsageError):
        add_to_list(store, "otra", "x")
    assert [e.value for e in list_entries(store, "candidatos")] == ["Ana Torres"]
    assert remove_from_list(store, "candidatos", "ana torres").value == "Ana Torres"
    assert list_entries(store, "candidatos") == []
    with pytest.raises(NotFoundError):
        remove_from_list(store, "candidatos", "Ana Torres")


def test_review_reads_the_store(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("iecm")
    store.accounts.add(network="x", handle="@IECM_DD14")
    add_to_list(store, "candidatos", "Ana Torres")
    add_to_list(store, "palabras", "Xochimilko")
    add_to_list(store, "enlaces", "facebook.com/ColectivoAmigo")
    text = (
        "RT @IECM_DD14: Ana Torres visitó Xochimilko. https://facebook.com/ColectivoAmigo"
        " https://facebook.com/OtroColectivo"
    )
    review = review_draft(store, text, account="x/@IECM_DD14")
    assert review.network == "x" and review.account == "x/@IECM_DD14"
    assert [(f.kind, f.span.text) for f in review.findings] == [
        ("neutralidad", "Ana Torres"),
        ("repost", "https://facebook.com/OtroColectivo"),
    ]
    assert review.blocked
    assert review.verdict == "No publique todavía: 1 bloquea, 1 por revisar."


def test_review_sees_a_declared_electoral_process(make_store) -> None:  # type: ignore[no-untyped-def]
    store = make_store("ine")
    text = "El candidato presentó su registro."
    assert review_draft(store, text, with_image=True).findings == ()
    store.calendar.add_electoral_period(date(2026, 1, 1), date(2026, 6, 30), "Proceso 2026")
    review = review_draft(store, text, with_image=True)
    assert review.electoral_process
    assert [(f.kind, f.severity) for f in review.findings] == [("neutralidad", "revisar")]
    assert not review.blocked


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "El borrador está vacío"),
        ({"text": "x" * 100_001}, "el máximo que se revisa es 100,000"),
        ({"text": "Hola", "network": "myspace"}, "Red desconocida «myspace»"),
    ],
)
def test_review_refuses_bad_input_in_spanish(store, kwargs, message) -> None:  # type: ignore[no-untyped-def]
    text = kwargs.pop("text")
    with pytest.raises(ResguardoError, match=message):
        review_draft(store, text, **kwargs)


def test_cli_review_exit_status_and_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("iniciar", "--perfil", "iecm").code == 0
    draft = tmp_path / "borrador.txt"
    draft.write_text("Consulta la convocatoria en bit.ly/abc y participa.", encoding="utf-8")
    result = cli("borrador", "revisar", str(draft), "--json")
    assert result.code == 1, result.err
    data = json.loads(result.out)
    assert data["blocked"] is True
    [finding] = data["findings"]
    assert finding["kind"] == "acortador" and finding["severity"] == "bloquea"
    assert finding["span"] == {"start": 28, "end": 38, "text": "bit.ly/abc"}
    assert finding["rule"]["section"] == "§9.X"
    assert finding["rule"]["quote"].startswith("Las personas administradoras evitarán utilizar acortadores")
    ok = cli("borrador", "revisar", "-", "--red", "x", input="Participa en la consulta de este domingo.")
    assert ok.code == 0, ok.err
    assert ok.out.strip() == "Sin observaciones: el borrador cumple los criterios que resguardo revisa."
    text = cli("borrador", "revisar", str(draft))
    assert "BLOQUEA" in text.out and "Regla: Lineamientos" in text.out and "§9.X" in text.out


def test_cli_review_bad_input(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("iniciar", "--perfil", "ine").code == 0
    missing = cli("borrador", "revisar", str(tmp_path / "no-existe.txt"))
    assert missing.code == 2 and "No existe el archivo" in missing.err and "Traceback" not in missing.err
    binary = tmp_path / "imagen.png"
    binary.write_bytes(b"\x89PNG\xff\xfe\x00")
    bad = cli("borrador", "revisar", str(binary))
    assert bad.code == 2 and "no es texto UTF-8" in bad.err
    empty = cli("borrador", "revisar", "-", input="")
    assert empty.code == 2 and "vacío" in empty.err
    unknown = cli("borrador", "revisar", "-", "--cuenta", "x/@nadie", input="Hola")
    assert unknown.code != 0 and unknown.err.startswith("resguardo: ")


def test_cli_lists(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("iniciar", "--perfil", "ieesonora").code == 0
    assert cli("campanas", "agregar", "#SonoraVota").out.strip() == "Agregado a la lista de campanas: #SonoraVota"
    assert cli("campanas", "listar").out.strip() == "#SonoraVota"
    again = cli("campanas", "agregar", "sonoravota")
    assert again.code == 1 and "ya está en la lista" in again.err
    missing = cli("borrador", "revisar", "-", "--con-imagen", input="Hoy sesiona el Consejo General.")
    assert missing.code == 0 and "hashtag_campana" in missing.out and "#SonoraVota" in missing.out
    assert cli("campanas", "quitar", "#sonoravota").code == 0
    assert cli("campanas", "listar").out.strip() == "La lista de campanas está vacía."
    assert json.loads(cli("candidatos", "listar", "--json").out) == []
    assert cli("candidatos", "agregar", "Ana Torres").code == 0
    assert [e["value"] for e in json.loads(cli("candidatos", "listar", "--json").out)] == ["Ana Torres"]


def test_every_check_is_registered_once_per_kind() -> None:
    kinds = [kind for spec in CHECKS for kind in spec.kinds]
    assert len(kinds) == len(set(kinds))
    assert set(KINDS) == {*kinds, "longitud"}
