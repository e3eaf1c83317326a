"""The labelled corpus of institutional posts (tests/preflight_corpus/): precision and recall per check.

Each post names the kinds it must produce; every other kind must not fire. Counted per post and
kind: a true positive is an expected kind that fired, a false positive one that fired unasked,
a miss one that was expected and did not. The figures and every miss are printed (``pytest -s``).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from policy.preflight import KINDS, Context, run
from policy.profile import PROFILE_IDS, load_profile

CORPUS = Path(__file__).resolve().parent / "preflight_corpus"
THRESHOLD = 0.95


def posts() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in sorted(CORPUS.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for number, post in enumerate(data["post"], 1):
            found.append((f"{path.stem}#{number}", data, post))
    return found


def review(data: dict[str, Any], post: dict[str, Any]) -> set[str]:
    profile = load_profile(data["profile"])
    context = Context(
        profile=profile,
        network=post.get("network", "facebook"),
        with_image=post.get("image", True),
        electoral_process=post.get("process", False),
        candidate_names=tuple(post.get("candidates", ())),
        campaign_hashtags=tuple(post.get("campaigns", ())),
        official_handles=frozenset(data.get("official_handles", ())),
        institutional_domains=profile.settings.email_domains,
    )
    return {finding.kind for finding in run(post["text"], context)}


def test_the_corpus_is_large_and_covers_every_profile() -> None:
    all_posts = posts()
    assert len(all_posts) >= 150
    per_profile = Counter(data["profile"] for _, data, _ in all_posts)
    assert set(per_profile) == set(PROFILE_IDS)
    assert min(per_profile.values()) >= 35
    expected = {kind for _, _, post in all_posts for kind in post["expect"]}
    assert expected == set(KINDS), f"kinds without a positive example: {set(KINDS) - expected}"


def test_precision_and_recall_per_check(capsys: pytest.CaptureFixture[str]) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    for name, data, post in posts():
        expected = set(post["expect"])
        assert expected <= set(KINDS), f"{name}: unknown kinds {expected - set(KINDS)}"
        got = review(data, post)
        for kind in got & expected:
            tp[kind] += 1
        for kind in got - expected:
            fp[kind] += 1
            misses.append(f"{name} falso positivo {kind}: {post['text'][:90]}")
        for kind in expected - got:
            fn[kind] += 1
            misses.append(f"{name} omisión {kind}: {post['text'][:90]}")
    lines = []
    failing = []
    for kind in sorted(KINDS):
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        recall = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 1.0
        lines.append(
            f"{kind:<20} precisión {precision:.2f}  exhaustividad {recall:.2f}  (vp {tp[kind]}, fp {fp[kind]}, fn {fn[kind]})"
        )
        if precision < THRESHOLD or recall < THRESHOLD:
            failing.append(kind)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        for miss in misses:
            print("  " + miss)
    assert failing == [], "\n".join(misses)
