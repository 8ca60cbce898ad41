"""Issue 4, part 2b: any single random mutation of the valid mini corpus yields at
least one validation error, and the validator never raises."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

from conftest import MINI_DOC_ID, MINI_DOCUMENT, MINI_ENTITIES, MINI_LINKS, write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eunato_corpus.model import (
    DOCUMENT_FILE_KEYS,
    LABEL_FIELDS,
    LABELS,
    SPAN_COMMON_FIELDS,
)
from eunato_corpus.validation import validate

SPANS = MINI_DOCUMENT["spans"]
N = len(SPANS)
Corpus = dict[str, Any]


def fresh() -> Corpus:
    return {"document": copy.deepcopy(MINI_DOCUMENT), "entities": copy.deepcopy(MINI_ENTITIES),
            "links": copy.deepcopy(MINI_LINKS), "seed_edit": None, "raw_cut": None}


def other_type(value: Any) -> Any:
    """A JSON value of a different type than ``value``."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return 42
    if value is None:
        return 3
    return {"not": "a list"}


@st.composite
def shift_offset(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    span = corpus["document"]["spans"][draw(st.integers(0, N - 1))]
    span[draw(st.sampled_from(["start", "end"]))] += draw(st.integers(-6, 6).filter(bool))
    return corpus


@st.composite
def delete_required_key(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    where = draw(st.sampled_from(["span", "document", "entity"]))
    if where == "span":
        span = corpus["document"]["spans"][draw(st.integers(0, N - 1))]
        del span[draw(st.sampled_from(SPAN_COMMON_FIELDS + LABEL_FIELDS[span["label"]]))]
    elif where == "document":
        del corpus["document"][draw(st.sampled_from(DOCUMENT_FILE_KEYS))]
    else:
        entity = corpus["entities"]["entities"][draw(st.integers(0, 1))]
        del entity[draw(st.sampled_from(sorted(entity)))]
    return corpus


@st.composite
def change_type(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    record = corpus["document"]["spans"][draw(st.integers(0, N - 1))] if draw(st.booleans()) else corpus["document"]
    key = draw(st.sampled_from(sorted(record)))
    record[key] = other_type(record[key])
    return corpus


@st.composite
def break_reference(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    doc = corpus["document"]
    quote = next(s for s in doc["spans"] if s["label"] == "quote")
    bogus_span = draw(st.from_regex(r"[a-z][0-9]{2,3}", fullmatch=True))
    bogus_entity = draw(st.from_regex(r"[a-z]{3,8}_x", fullmatch=True))
    target = draw(st.sampled_from(["speaker_span", "cue", "speaker", "claimant", "entity", "outlet_entity", "doc_speaker"]))
    if target in ("speaker_span", "cue"):
        quote[target] = bogus_span
    elif target == "speaker":
        quote["speaker"] = bogus_entity
    elif target == "claimant":
        next(s for s in doc["spans"] if s["label"] == "claim")["claimant"] = bogus_entity
    elif target == "entity":
        next(s for s in doc["spans"] if s["label"] == "speaker")["entity"] = bogus_entity
    elif target == "outlet_entity":
        doc["outlet_entity"] = bogus_entity
    else:
        doc["speaker"] = bogus_entity
    return corpus


@st.composite
def edit_span_text(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    span = corpus["document"]["spans"][draw(st.integers(0, N - 1))]
    position = draw(st.integers(0, len(span["text"]) - 1))
    char = draw(st.characters(codec="utf-8").filter(lambda c: c != span["text"][position]))
    span["text"] = span["text"][:position] + char + span["text"][position + 1:]
    return corpus


@st.composite
def edit_seed(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    span = SPANS[draw(st.integers(0, N - 1))]
    corpus["seed_edit"] = (draw(st.integers(span["start"], span["end"] - 1)), draw(st.sampled_from("xyzQ#é")))
    return corpus


@st.composite
def relabel(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    span = corpus["document"]["spans"][draw(st.integers(0, N - 1))]
    span["label"] = draw(st.sampled_from([label for label in LABELS if label != span["label"]] + ["verb"]))
    return corpus


@st.composite
def duplicate_id(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    i, j = draw(st.lists(st.integers(0, N - 1), min_size=2, max_size=2, unique=True))
    spans = corpus["document"]["spans"]
    spans[i]["span_id"] = spans[j]["span_id"]
    return corpus


@st.composite
def unknown_field(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    record = draw(st.sampled_from([corpus["document"], *corpus["document"]["spans"], *corpus["entities"]["entities"]]))
    record[draw(st.from_regex(r"[a-z]{2,10}_?[A-Z]?", fullmatch=True).filter(lambda k: k not in record and k != "label"))] = 1
    return corpus


@st.composite
def drop_entity(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    del corpus["entities"]["entities"][draw(st.integers(0, 1))]
    return corpus


@st.composite
def bad_link(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    member = {"doc_id": draw(st.sampled_from([MINI_DOC_ID, "999_elsewhere"])),
              "span_id": draw(st.sampled_from(["q9", "c1", "s1", "d1"])), "relation": None}
    cluster_type = "quote_cluster" if member["span_id"] == "c1" else draw(st.sampled_from(["quote_cluster", "claim_cluster"]))
    corpus["links"]["clusters"].append({"cluster_id": "x1", "cluster_type": cluster_type, "description": "d",
                                        "primary_text": draw(st.sampled_from([None, "p"])), "members": [member]})
    return corpus


@st.composite
def bad_timex(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    date = draw(st.sampled_from([s for s in corpus["document"]["spans"] if s["label"] == "date"]))
    date["value"] = draw(st.sampled_from(["tomorrow", "2023-02-30", "P", "2023/01/10", "T11:00", "10 January"]))
    return corpus


@st.composite
def truncate_file(draw: st.DrawFn) -> Corpus:
    corpus = fresh()
    corpus["raw_cut"] = (draw(st.sampled_from(["doc", "entities", "links"])), draw(st.floats(0, 0.99)))
    return corpus


MUTATIONS = st.one_of(shift_offset(), delete_required_key(), change_type(), break_reference(), edit_span_text(),
                      edit_seed(), relabel(), duplicate_id(), unknown_field(), drop_entity(), bad_link(), bad_timex(),
                      truncate_file())


def materialise(root: Path, corpus: Corpus) -> None:
    write_corpus(root, document=corpus["document"], entities=corpus["entities"], links=corpus["links"])
    if corpus["seed_edit"] is not None:
        position, char = corpus["seed_edit"]
        seed = root / "seeds" / f"{MINI_DOC_ID}.txt"
        text = seed.read_text(encoding="utf-8")
        if text[position] == char:
            char = "~"
        seed.write_bytes((text[:position] + char + text[position + 1:]).encode("utf-8"))
    if corpus["raw_cut"] is not None:
        name, fraction = corpus["raw_cut"]
        path = {"doc": root / "annotations" / "docs" / f"{MINI_DOC_ID}.json",
                "entities": root / "annotations" / "entities.json",
                "links": root / "annotations" / "links.json"}[name]
        raw = path.read_bytes()
        path.write_bytes(raw[: int(fraction * (len(raw) - 2))])  # always loses at least the closing brace


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_every_single_mutation_is_an_error(corpus: Corpus) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        materialise(root, corpus)
        result = validate(root)
    assert result.errors, "mutation passed validation"


def test_the_unmutated_corpus_is_valid() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "corpus"
        materialise(root, fresh())
        assert validate(root).issues == ()
