"""Round trip: annotation files -> build -> load_dataset -> annotation files.

Hypothesis generates small valid corpora (texts with curly quotes, NBSPs, dashes
and Turkish letters; spans of every label with code-point offsets; a registry;
cross-document clusters). After a build, the records read back with
``datasets.load_dataset`` are turned into annotation files again and must equal
the originals byte for byte: nothing lost, nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eunato_corpus.export import build
from eunato_corpus.io import canonicalize, dumps_canonical, write_annotation_file
from eunato_corpus.model import (
    DOCUMENT_FILE_KEYS,
    GENRES,
    LINK_FIELD_NAMES,
    MEMBER_FIELDS,
    PUBLISHED_SOURCES,
    QUOTE_KINDS,
    RELATIONS,
    STATUSES,
    TIMEX_MODS,
    Span,
)

# Word characters: never whitespace or punctuation, so span edges are always valid.
WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789çğıöşüÇĞİÖŞÜéß"
# What lies between words: spaces, NBSPs, curly quotes, dashes, newlines.
SEPARATORS = (" ", "\u00a0", " \u2014 ", ", \u201c", "\u201d ", " \u2018", "\u2019 ", "\n", ". ", "\u00a0\u2013\u00a0")
# Free text for titles, names and evidence: anything printable, non-ASCII included.
FREE_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s.strip() != "")
# (TIMEX3 type, a value well formed for it).
TIMEX_VALUES = (
    ("DATE", "2023-01-10"), ("DATE", "2022-06"), ("DATE", "200X"), ("DATE", "PRESENT_REF"),
    ("TIME", "2023-01-10T11:00"), ("TIME", "2023-01-10T13:00+03:00"),
    ("DURATION", "P1Y"), ("DURATION", "PXD"), ("SET", "P1W"),
)
ENTITY_IDS = ("jens_stoltenberg", "ursula_von_der_leyen", "nato", "dw", "diplomats")


@dataclass
class GeneratedDocument:
    doc_id: str
    text: str
    record: dict[str, Any]


@dataclass
class GeneratedCorpus:
    documents: list[GeneratedDocument]
    entities: dict[str, Any]
    links: dict[str, Any]


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text and the [start, end) code-point offsets of its words."""
    words = draw(st.lists(st.text(WORD_CHARS, min_size=1, max_size=8), min_size=3, max_size=30))
    parts: list[str] = [draw(st.sampled_from(("", "\u201c", "\u00a0")))]
    offsets = []
    position = len(parts[0])
    for i, word in enumerate(words):
        if i:
            separator = draw(st.sampled_from(SEPARATORS))
            parts.append(separator)
            position += len(separator)
        offsets.append((position, position + len(word)))
        parts.append(word)
        position += len(word)
    parts.append(draw(st.sampled_from(("", ".", "\u201d\n", "\n"))))
    return "".join(parts), offsets


@st.composite
def entity_registry(draw: st.DrawFn) -> list[dict[str, Any]]:
    entities = []
    for entity_id in ENTITY_IDS:
        kind = "group" if entity_id == "diplomats" else draw(st.sampled_from(("person", "organization")))
        members = draw(st.lists(st.sampled_from(ENTITY_IDS[:2]), unique=True)) if kind == "group" else []
        entities.append({"entity_id": entity_id, "type": kind, "name": draw(FREE_TEXT),
                         "aliases": draw(st.lists(FREE_TEXT, max_size=3)), "members": members})
    return entities


@st.composite
def document(draw: st.DrawFn, doc_id: str) -> GeneratedDocument:
    text, words = draw(texts())
    counters: dict[str, int] = {}

    def span(label: str, **extra: Any) -> dict[str, Any]:
        first = draw(st.integers(0, len(words) - 1))
        last = draw(st.integers(first, min(first + 4, len(words) - 1)))
        start, end = words[first][0], words[last][1]
        counters[label] = counters.get(label, 0) + 1
        return {"span_id": f"{label[0] if label != 'cue' else 'k'}{counters[label]}", "label": label, "start": start,
                "end": end, "text": text[start:end], "status": draw(st.sampled_from(STATUSES)), **extra}

    entity = st.sampled_from(ENTITY_IDS)
    speakers = [span("speaker", entity=draw(entity)) for _ in range(draw(st.integers(0, 2)))]
    cues = [span("cue") for _ in range(draw(st.integers(0, 2)))]
    quotes = []
    for _ in range(draw(st.integers(0, 3))):
        speaker = draw(st.sampled_from([None, *speakers]))
        cue = draw(st.sampled_from([None, *cues]))
        quotes.append(span("quote", kind=draw(st.sampled_from(QUOTE_KINDS)),
                           speaker=speaker["entity"] if speaker else draw(entity),
                           speaker_span=speaker["span_id"] if speaker else None,
                           cue=cue["span_id"] if cue else None))
    claims = [span("claim", claimant=draw(entity)) for _ in range(draw(st.integers(0, 3)))]
    dates = []
    for _ in range(draw(st.integers(0, 3))):
        timex_type, value = draw(st.sampled_from(TIMEX_VALUES))
        dates.append(span("date", timex_type=timex_type, value=value, mod=draw(st.sampled_from((None, *TIMEX_MODS)))))
    split = draw(st.integers(0, len(words) - 1))
    body = [{"start": words[0][0], "end": words[split][1]}]
    if split + 1 < len(words) and draw(st.booleans()):
        body.append({"start": words[split + 1][0], "end": words[-1][1]})
    day = f"2023-01-{draw(st.integers(1, 28)):02d}"
    record = {
        "doc_id": doc_id, "title": draw(FREE_TEXT), "outlet": draw(FREE_TEXT), "outlet_entity": draw(entity),
        "genre": draw(st.sampled_from(GENRES)), "language": "en", "translated": draw(st.booleans()),
        "translated_evidence": draw(FREE_TEXT), "published": day,
        "published_source": draw(st.sampled_from(PUBLISHED_SOURCES)), "published_evidence": draw(FREE_TEXT),
        "dct": draw(st.sampled_from((day, f"{day}T09:30"))), "speaker": draw(st.sampled_from((None, *ENTITY_IDS))),
        "body": body, "spans": speakers + cues + quotes + claims + dates,
    }
    return GeneratedDocument(doc_id, text, record)


@st.composite
def clusters(draw: st.DrawFn, documents: list[GeneratedDocument]) -> list[dict[str, Any]]:
    result = []
    for cluster_type, label in (("quote_cluster", "quote"), ("claim_cluster", "claim")):
        spans = [(d.doc_id, s) for d in documents for s in d.record["spans"] if s["label"] == label]
        if label == "quote" and spans:  # the quotes of one cluster report one speaker
            speaker = draw(st.sampled_from(sorted({s["speaker"] for _, s in spans})))
            spans = [(d, s) for d, s in spans if s["speaker"] == speaker]
        candidates = [(d, s["span_id"]) for d, s in spans]
        if not candidates or not draw(st.booleans()):
            continue
        chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique=True))
        primary_text = draw(st.one_of(st.none(), FREE_TEXT)) if len(chosen) > 1 else draw(FREE_TEXT)
        members = [{"doc_id": d, "span_id": s, "relation": draw(st.sampled_from((None, *RELATIONS)))} for d, s in chosen]
        result.append({"cluster_id": f"{label[:2]}c1", "cluster_type": cluster_type, "description": draw(FREE_TEXT),
                       "primary_text": primary_text, "members": members})
    return result


@st.composite
def corpora(draw: st.DrawFn) -> GeneratedCorpus:
    count = draw(st.integers(1, 3))
    documents = [draw(document(f"{i:03d}_gen")) for i in range(count)]
    return GeneratedCorpus(documents, {"entities": draw(entity_registry())}, {"clusters": draw(clusters(documents))})


def write_generated(root: Path, corpus: GeneratedCorpus) -> None:
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    manifest = []
    for doc in corpus.documents:
        raw = doc.text.encode("utf-8")
        (seeds / f"{doc.doc_id}.txt").write_bytes(raw)
        manifest.append(f"{hashlib.sha256(raw).hexdigest()}  {doc.doc_id}.txt\n")
        write_annotation_file(root / "annotations" / "docs" / f"{doc.doc_id}.json", doc.record)
    (seeds / "SHA256SUMS").write_text("".join(manifest), encoding="utf-8")
    write_annotation_file(root / "annotations" / "entities.json", corpus.entities)
    write_annotation_file(root / "annotations" / "links.json", corpus.links)


# --- from load_dataset rows back to annotation files ---------------------------------


def document_file_from_row(row: dict[str, Any]) -> dict[str, Any]:
    record = {key: row[key] for key in DOCUMENT_FILE_KEYS}
    record["spans"] = [Span.from_record(s).to_record() for s in row["spans"]]
    return record


def document_files_from_span_rows(rows: list[dict[str, Any]], documents: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    spans: dict[str, list[dict[str, Any]]] = {doc_id: [] for doc_id in documents}
    for row in rows:
        spans[row["doc_id"]].append(Span.from_record(row).to_record())
    return spans


def links_file_from_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    member_keys = tuple(f.name for f in MEMBER_FIELDS)
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        head = {k: row[k] for k in LINK_FIELD_NAMES if k not in member_keys}
        cluster = found.setdefault(row["cluster_id"], {**head, "members": []})
        assert {k: cluster[k] for k in head} == head  # every member row repeats the same cluster
        cluster["members"].append({k: row[k] for k in member_keys})
    return {"clusters": list(found.values())}


def load_rows(out: Path, config: str, cache: Path) -> list[dict[str, Any]]:
    """The config's rows; a config without rows is not declared (datasets cannot
    load an empty split), so it reads as no rows."""
    if not (out / "data" / config).is_dir():
        return []
    dataset = datasets.load_dataset(str(out), config, cache_dir=str(cache))
    assert list(dataset) == ["train"]
    return dataset["train"].to_list()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(corpus=corpora())
def test_annotation_files_survive_build_and_load_dataset(corpus: GeneratedCorpus, hf_offline: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "corpus"
        write_generated(root, corpus)
        out = build(root, Path(scratch) / "hub").out
        cache = Path(scratch) / "hf-cache"
        files = {doc.doc_id: (root / "annotations" / "docs" / f"{doc.doc_id}.json").read_text(encoding="utf-8")
                 for doc in corpus.documents}

        # documents config: every annotation file comes back byte for byte, with its text
        rows = load_rows(out, "documents", cache)
        assert [row["doc_id"] for row in rows] == sorted(files)
        for row, doc in zip(rows, sorted(corpus.documents, key=lambda d: d.doc_id), strict=True):
            assert row["text"] == doc.text
            assert row["sha256"] == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
            assert dumps_canonical(canonicalize(document_file_from_row(row), "document")) == files[row["doc_id"]]

        # spans config: the same spans, document by document
        originals = {doc_id: json.loads(text) for doc_id, text in files.items()}
        spans = document_files_from_span_rows(load_rows(out, "spans", cache), originals)
        for doc_id, original in originals.items():
            rebuilt = {**original, "spans": spans[doc_id]}
            assert dumps_canonical(canonicalize(rebuilt, "document")) == files[doc_id]

        # entities and links
        entities = {"entities": load_rows(out, "entities", cache)}
        assert dumps_canonical(entities) == (root / "annotations" / "entities.json").read_text(encoding="utf-8")
        links = links_file_from_rows(load_rows(out, "links", cache))
        assert dumps_canonical(canonicalize(links, "links")) == (root / "annotations" / "links.json").read_text(encoding="utf-8")
