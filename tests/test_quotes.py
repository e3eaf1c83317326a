"""Every quote of every profile is the documents' words (issue #13, «Words»).

The seeds (``tests/seeds/``, copies of ``../shared/seeds/``) are the documents as
distilled in POLICY.md. A quote must appear in its seed once whitespace, line
breaks and hyphenation are folded. ``[sic]`` after a word marks the source's own
error, quoted as it is. The INE's documents (``001_…``, ``003_…``) are OCR scans
without reliable accents; for those seeds only, the comparison also folds accents,
case and the scan's recurring confusions (ó read as é, á as d, ñ as fi/fl, ú as
i, o as 0) and a few misread words (``OCR_WORDS``): a quote may fix the scan's
spelling, never change a word (the source's «INTEL» stays «INTEL»).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from policy.profile import PROFILE_IDS, load_profile

SEEDS = Path(__file__).resolve().parent / "seeds"
#: Seeds that are OCR scans (folded further, see the module's docstring).
OCR_SEEDS = frozenset({"001_9f12755741449c01.txt", "003_b09fd486a27a0697.txt"})
#: Words the scan misread beyond its recurring confusions, as they are in the seed -> the word.
OCR_WORDS = {
    "deberéa": "deberá",
    "desaparicibn": "desaparición",
    "nimeros": "números",
    "propdésitos": "propósitos",
    "mayuUsculas": "mayúsculas",
    "mindsculas": "minúsculas",
    "informacién o0": "información o",
}


def fold(text: str, *, ocr: bool = False) -> str:
    text = text.replace(" [sic]", "")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # a word split at the end of a line
    text = re.sub(r"\s+", " ", text).strip()
    if not ocr:
        return text
    for wrong, right in OCR_WORDS.items():
        text = text.replace(wrong, right)
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()
    return bare.replace("fi", "n").replace("fl", "n").translate(str.maketrans("edu0", "oaio"))


def _quotes() -> list[tuple[str, str, str, str]]:
    found = []
    for profile_id in PROFILE_IDS:
        profile = load_profile(profile_id)
        seeds = {doc.title: doc.seed for doc in profile.documents.values()}
        for key, rule in profile.rules.items():
            if rule.section or rule.quote:  # a rule the documents are silent about quotes nothing
                found.append((profile_id, key, seeds[rule.document], rule.quote))
    return found


@pytest.mark.parametrize(("profile_id", "key", "seed", "quote"), _quotes(), ids=lambda v: str(v)[:30])
def test_every_quote_is_in_its_seed(profile_id: str, key: str, seed: str, quote: str) -> None:
    assert quote.strip(), (profile_id, key)
    ocr = seed in OCR_SEEDS
    assert fold(quote, ocr=ocr) in fold((SEEDS / seed).read_text(encoding="utf-8"), ocr=ocr), (profile_id, key)


def test_a_rule_without_a_quote_is_one_the_documents_are_silent_about() -> None:
    for profile_id in PROFILE_IDS:
        for key, rule in load_profile(profile_id).rules.items():
            if not rule.quote:
                assert not rule.section and rule.note.startswith(("Los criterios no", "Los lineamientos no")), key


def test_the_fold_catches_a_changed_word() -> None:
    seed = fold((SEEDS / "001_9f12755741449c01.txt").read_text(encoding="utf-8"), ocr=True)
    assert fold("la posibilidad de obtener vía INTEL o a través", ocr=True) in seed
    assert fold("la posibilidad de obtener vía INETEL o a través", ocr=True) not in seed


def test_the_seeds_are_the_shared_ones() -> None:
    shared = SEEDS.parent.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("no ../shared/seeds beside the repository")
    for path in shared.glob("*.txt"):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes(), path.name
