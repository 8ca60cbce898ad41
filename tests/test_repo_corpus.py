"""The released corpus in this repository: valid, built, and described truthfully.

These tests read the real annotation files. They assert properties that must hold
whatever the annotations say (valid in release mode, build and card up to date, the
agreement figures in the card exactly as `agree` measures them), never counts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from eunato_corpus.agreement import agree, render_markdown
from eunato_corpus.corpus import load_corpus
from eunato_corpus.export import build_check
from eunato_corpus.io import parse_manifest
from eunato_corpus.validation import validate

REPO = Path(__file__).resolve().parents[1]
SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def test_release_validation_passes() -> None:
    result = validate(REPO, release=True)
    assert [(i.file, i.rule, i.message) for i in result.errors] == []
    assert result.files_checked >= 7


@pytest.mark.parametrize("annotator", ["a", "b"])
def test_both_annotation_passes_are_valid(annotator: str) -> None:
    result = validate(REPO, release=True, annotations=REPO / "annotations" / "passes" / annotator)
    assert [(i.file, i.rule, i.message) for i in result.errors] == []


def test_every_released_span_is_verified_and_points_at_its_text() -> None:
    corpus = load_corpus(REPO)
    seen = 0
    for doc in corpus.documents():
        for span in doc.document.spans:
            assert span.status == "verified", (doc.document.doc_id, span.span_id)
            assert doc.text[span.start : span.end] == span.text
            seen += 1
    assert seen > 0


def test_seeds_are_the_manifested_bytes() -> None:
    manifest = parse_manifest((REPO / "seeds" / "SHA256SUMS").read_text(encoding="utf-8"))
    assert sorted(manifest) == sorted(p.name for p in (REPO / "seeds").glob("*.txt"))
    for name, digest in manifest.items():
        assert hashlib.sha256((REPO / "seeds" / name).read_bytes()).hexdigest() == digest


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared folder is not beside this checkout")
def test_seeds_are_byte_identical_to_the_shared_originals() -> None:
    for original in sorted(SHARED_SEEDS.iterdir()):
        assert (REPO / "seeds" / original.name).read_bytes() == original.read_bytes(), original.name


def test_committed_build_and_card_statistics_are_up_to_date() -> None:
    assert build_check(REPO, release=True) == []


def test_card_agreement_block_is_exactly_what_agree_measures() -> None:
    card = (REPO / "DATASET_CARD.md").read_text(encoding="utf-8")
    start, end = "<!-- agreement:start -->", "<!-- agreement:end -->"
    assert card.count(start) == 1 and card.count(end) == 1
    block = card[card.index(start) + len(start) : card.index(end)].strip()
    report = agree(REPO / "annotations" / "passes" / "a", REPO / "annotations" / "passes" / "b", root=REPO)
    assert block == render_markdown(report).strip()
