"""The build read by a real query engine: DuckDB SQL over the Parquet files,
checked against counts computed in Python from the annotation files."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
from conftest import write_corpus
from hypothesis import HealthCheck, assume, given, settings
from test_build import ENTITIES, LINKS, add_document, dw_document
from test_roundtrip import GeneratedCorpus, corpora, write_generated

from eunato_corpus.export import build

# The query of docs/querying.md: quotes per outlet.
QUOTES_PER_OUTLET = """
    SELECT d.outlet, count(*) AS quotes
    FROM read_parquet('{out}/data/spans/*.parquet') AS s
    JOIN read_parquet('{out}/data/documents/*.parquet') AS d USING (doc_id)
    WHERE s.label = 'quote'
    GROUP BY d.outlet
    ORDER BY quotes DESC, d.outlet
"""
SPANS_PER_DOCUMENT_AND_LABEL = """
    SELECT doc_id, label, count(*) FROM read_parquet('{out}/data/spans/*.parquet') GROUP BY ALL ORDER BY ALL
"""
# The nested spans of the documents config, flattened in SQL.
NESTED_SPANS = """
    SELECT doc_id, span.span_id, span.label, span.start, span."end", span.text
    FROM (SELECT doc_id, unnest(spans) AS span FROM read_parquet('{out}/data/documents/*.parquet'))
    ORDER BY ALL
"""
# Link members joined to the spans they name.
LINKED_SPANS = """
    SELECT l.cluster_id, l.doc_id, l.span_id, s.label, s.text
    FROM read_parquet('{out}/data/links/*.parquet') AS l
    JOIN read_parquet('{out}/data/spans/*.parquet') AS s USING (doc_id, span_id)
    ORDER BY ALL
"""
# Span texts cut out of the document text in SQL: DuckDB counts code points, as
# the offsets do, so every span matches (docs/querying.md says so).
SPANS_MATCHING_SUBSTRING = """
    SELECT count(*) FILTER (WHERE substring(d.text, s.start + 1, s."end" - s.start) = s.text), count(*)
    FROM read_parquet('{out}/data/spans/*.parquet') AS s
    JOIN read_parquet('{out}/data/documents/*.parquet') AS d USING (doc_id)
"""
QUOTE_SPEAKERS_BY_ENTITY_TYPE = """
    SELECT e.type, count(*)
    FROM read_parquet('{out}/data/spans/*.parquet') AS s
    JOIN read_parquet('{out}/data/entities/*.parquet') AS e ON s.speaker = e.entity_id
    WHERE s.label = 'quote'
    GROUP BY ALL ORDER BY ALL
"""


def sql(query: str, out: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect() as connection:
        return connection.execute(query.format(out=out.as_posix())).fetchall()


def annotation_files(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "annotations" / "docs").glob("*.json"))]
    entities = json.loads((root / "annotations" / "entities.json").read_text(encoding="utf-8"))["entities"]
    clusters = json.loads((root / "annotations" / "links.json").read_text(encoding="utf-8"))["clusters"]
    return documents, entities, clusters


def expected_quotes_per_outlet(documents: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(d["outlet"] for d in documents for s in d["spans"] if s["label"] == "quote")
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def check_queries(root: Path, out: Path) -> None:
    """Every query's answer equals what Python computes from the annotation files."""
    documents, entities, clusters = annotation_files(root)
    assert sql(QUOTES_PER_OUTLET, out) == expected_quotes_per_outlet(documents)

    per_label = Counter((d["doc_id"], s["label"]) for d in documents for s in d["spans"])
    assert sql(SPANS_PER_DOCUMENT_AND_LABEL, out) == sorted((doc, label, n) for (doc, label), n in per_label.items())

    nested = sorted((d["doc_id"], s["span_id"], s["label"], s["start"], s["end"], s["text"])
                    for d in documents for s in d["spans"])
    assert sql(NESTED_SPANS, out) == nested

    total = sum(len(d["spans"]) for d in documents)
    assert sql(SPANS_MATCHING_SUBSTRING, out) == [(total, total)]

    spans = {(d["doc_id"], s["span_id"]): s for d in documents for s in d["spans"]}
    linked = sorted((c["cluster_id"], m["doc_id"], m["span_id"], spans[m["doc_id"], m["span_id"]]["label"],
                     spans[m["doc_id"], m["span_id"]]["text"]) for c in clusters for m in c["members"])
    if clusters:  # a corpus without links has no links config to query
        assert sql(LINKED_SPANS, out) == linked

    entity_type = {e["entity_id"]: e["type"] for e in entities}
    by_type = Counter(entity_type[s["speaker"]] for d in documents for s in d["spans"] if s["label"] == "quote")
    if any(s["label"] == "quote" for d in documents for s in d["spans"]):
        assert sql(QUOTE_SPEAKERS_BY_ENTITY_TYPE, out) == sorted(by_type.items())


def test_duckdb_over_a_build_of_real_seeds(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "corpus", entities=ENTITIES, links=LINKS)
    add_document(root, dw_document())
    out = build(root, tmp_path / "hub", shard_rows=4).out  # several shards: globs read them all
    assert sql(QUOTES_PER_OUTLET, out) == [("DW", 1), ("RIA Novosti", 1)]
    check_queries(root, out)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpora())
def test_duckdb_answers_equal_counts_from_the_annotation_files(corpus: GeneratedCorpus) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "corpus"
        write_generated(root, corpus)
        out = build(root, Path(scratch) / "hub", shard_rows=5).out
        # a corpus without spans has no spans config to query
        assume((out / "data" / "spans").is_dir())
        check_queries(root, out)
