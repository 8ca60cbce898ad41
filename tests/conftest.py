"""Shared fixtures: a small, valid corpus built from a real seed.

The mini corpus holds one document, the RIA Novosti wire (seed 003), with a few
real spans of every layer taken from its text; tests copy it into tmp_path and
break it in the one way they test.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eunato_corpus.io import write_annotation_file

REPO = Path(__file__).resolve().parents[1]
MINI_DOC_ID = "003_5a94345587d8207d"

# Spans from seeds/003_5a94345587d8207d.txt (RIA Novosti, 6 January 2023).
MINI_DOCUMENT: dict[str, Any] = {
    "doc_id": MINI_DOC_ID,
    "title": "NATO and EU to sign joint declaration of cooperation on 10 January",
    "outlet": "RIA Novosti",
    "outlet_entity": "ria_novosti",
    "genre": "wire",
    "language": "en",
    "translated": False,
    "translated_evidence": "fixture: not decided",
    "published": "2023-01-06",
    "published_source": "stated",
    "published_evidence": "header line ' date 2023-01-06 World' and dateline 'BRUSSELS, January 6'",
    "dct": "2023-01-06",
    "speaker": None,
    "body": [{"start": 24, "end": 1914}],
    "spans": [
        {"span_id": "d1", "label": "date", "start": 6, "end": 16, "text": "2023-01-06", "status": "verified",
         "timex_type": "DATE", "value": "2023-01-06", "mod": None},
        {"span_id": "d2", "label": "date", "start": 102, "end": 111, "text": "January 6", "status": "verified",
         "timex_type": "DATE", "value": "2023-01-06", "mod": None},
        {"span_id": "q1", "label": "quote", "start": 127, "end": 353,
         "text": "NATO Secretary General Jens Stoltenberg, as well as the heads of the European Council Charles Michel and the European Commission Ursula von der Leyen will sign a third joint declaration on cooperation in Brussels on January 10",
         "status": "verified", "kind": "indirect", "speaker": "nato", "speaker_span": "s1", "cue": "k1"},
        {"span_id": "c1", "label": "claim", "start": 127, "end": 353,
         "text": "NATO Secretary General Jens Stoltenberg, as well as the heads of the European Council Charles Michel and the European Commission Ursula von der Leyen will sign a third joint declaration on cooperation in Brussels on January 10",
         "status": "verified", "claimant": "nato"},
        {"span_id": "d3", "label": "date", "start": 343, "end": 353, "text": "January 10", "status": "verified",
         "timex_type": "DATE", "value": "2023-01-10", "mod": None},
        {"span_id": "s1", "label": "speaker", "start": 355, "end": 382, "text": "the North Atlantic Alliance",
         "status": "verified", "entity": "nato"},
        {"span_id": "k1", "label": "cue", "start": 383, "end": 387, "text": "said", "status": "verified"},
        {"span_id": "d4", "label": "date", "start": 476, "end": 492, "text": "11.00 local time", "status": "verified",
         "timex_type": "TIME", "value": "2023-01-10T11:00", "mod": None},
    ],
}

MINI_ENTITIES: dict[str, Any] = {
    "entities": [
        {"entity_id": "nato", "type": "organization", "name": "NATO", "aliases": ["the North Atlantic Alliance"], "members": []},
        {"entity_id": "ria_novosti", "type": "organization", "name": "RIA Novosti", "aliases": [], "members": []},
    ]
}

MINI_LINKS: dict[str, Any] = {"clusters": []}


def write_corpus(root: Path, document: dict[str, Any] | None = None, entities: dict[str, Any] | None = None,
                 links: dict[str, Any] | None = None) -> Path:
    """Write a corpus root holding the 003 seed and the given annotation files."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "seeds" / f"{MINI_DOC_ID}.txt", root / "seeds" / f"{MINI_DOC_ID}.txt")
    manifest = [line for line in (REPO / "seeds" / "SHA256SUMS").read_text().splitlines() if MINI_DOC_ID in line]
    (root / "seeds" / "SHA256SUMS").write_text("\n".join(manifest) + "\n")
    write_annotation_file(root / "annotations" / "docs" / f"{MINI_DOC_ID}.json", document or MINI_DOCUMENT)
    write_annotation_file(root / "annotations" / "entities.json", entities or MINI_ENTITIES)
    write_annotation_file(root / "annotations" / "links.json", links or MINI_LINKS)
    return root


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    """A valid one-document corpus root in a temporary folder."""
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def mini_document() -> dict[str, Any]:
    """A deep copy of the mini corpus's document record, free to break."""
    return copy.deepcopy(MINI_DOCUMENT)


@pytest.fixture
def hf_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``datasets`` work offline with a private cache; returns the cache folder.

    ``datasets`` reads its settings at import time, so the module attributes are
    patched as well as the environment.
    """
    import datasets
    import huggingface_hub

    cache = tmp_path / "hf-cache"
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    return cache


@pytest.fixture
def edit_json() -> Callable[[Path, Callable[[Any], Any]], None]:
    """Apply ``change(data)`` to a JSON file in place (written non-canonically on purpose)."""

    def edit(path: Path, change: Callable[[Any], Any]) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        result = change(data)
        path.write_text(json.dumps(data if result is None else result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    return edit
