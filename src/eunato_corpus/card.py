"""The dataset card's statistics: computed from the annotations, never typed.

``DATASET_CARD.md`` holds prose written by people and one generated block
between :data:`START_MARKER` and :data:`END_MARKER`. This module computes the
numbers in that block from the corpus (streaming the documents, one at a time),
renders them as Markdown, and replaces the block. ``build`` refreshes the block
in the Hub README; :func:`card_problems` tells CI when the repository's card is
stale; :func:`update_card` rewrites it atomically.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import Corpus, load_corpus
from .io import write_text_atomic
from .model import (
    CLUSTER_TYPES,
    ENTITY_TYPES,
    LABELS,
    QUOTE_KINDS,
    STATUSES,
    TIMEX_TYPES,
    Cluster,
    Document,
    Entity,
)

CARD_NAME = "DATASET_CARD.md"
START_MARKER = "<!-- generated:start -->"
END_MARKER = "<!-- generated:end -->"
# Above this many documents the card summarises spans per document instead of
# listing every document.
PER_DOCUMENT_TABLE_LIMIT = 25

DEFAULT_CARD = f"""# Dataset card

An annotated corpus in the eunato-corpus format: documents with their metadata,
speaker, cue, quote, claim and date spans, an entity registry and cross-document
links. Edit the files under `annotations/`, never the built Parquet files.

## Statistics

{START_MARKER}
{END_MARKER}
"""


class CardError(ValueError):
    """The card's generated block cannot be located (unbalanced markers)."""


@dataclass
class CorpusStats:
    """Counts that describe a corpus; every figure in the card's generated block."""

    documents: int = 0
    characters: int = 0
    languages: set[str] = field(default_factory=set)
    spans_by_label: Counter[str] = field(default_factory=Counter)
    spans_by_document: dict[str, Counter[str]] = field(default_factory=dict)
    status_by_label: Counter[tuple[str, str]] = field(default_factory=Counter)
    quote_kinds: Counter[str] = field(default_factory=Counter)
    timex_types: Counter[str] = field(default_factory=Counter)
    entities_by_type: Counter[str] = field(default_factory=Counter)
    clusters_by_type: Counter[str] = field(default_factory=Counter)
    members_by_cluster_type: Counter[str] = field(default_factory=Counter)

    def add_document(self, document: Document, text: str) -> None:
        """Count one document's spans; called once per document while streaming."""
        self.documents += 1
        self.characters += len(text)
        self.languages.add(document.language)
        per_label: Counter[str] = Counter()
        for span in document.spans:
            per_label[span.label] += 1
            self.status_by_label[(span.label, span.status)] += 1
            if span.label == "quote" and span.kind is not None:
                self.quote_kinds[span.kind] += 1
            if span.label == "date" and span.timex_type is not None:
                self.timex_types[span.timex_type] += 1
        self.spans_by_label.update(per_label)
        self.spans_by_document[document.doc_id] = per_label

    def add_span_columns(self, doc_id: str, language: str, characters: int, spans: Mapping[str, list[Any]]) -> None:
        """:meth:`add_document` for a document given as span columns (one list per
        span field, as the build holds them): the same counts, without a Python
        step per span."""
        self.documents += 1
        self.characters += characters
        self.languages.add(language)
        labels = spans["label"]
        per_label: Counter[str] = Counter(labels)
        self.status_by_label.update(zip(labels, spans["status"], strict=True))
        self.quote_kinds.update(kind for label, kind in zip(labels, spans["kind"], strict=True) if label == "quote" and kind is not None)
        self.timex_types.update(t for label, t in zip(labels, spans["timex_type"], strict=True) if label == "date" and t is not None)
        self.spans_by_label.update(per_label)
        self.spans_by_document[doc_id] = per_label

    def add_entities(self, entities: Iterable[Entity]) -> None:
        self.entities_by_type.update(e.type for e in entities)

    def add_clusters(self, clusters: Iterable[Cluster]) -> None:
        for cluster in clusters:
            self.clusters_by_type[cluster.cluster_type] += 1
            self.members_by_cluster_type[cluster.cluster_type] += len(cluster.members)

    @property
    def spans(self) -> int:
        return sum(self.spans_by_label.values())


def collect_stats(corpus: Corpus) -> CorpusStats:
    """Statistics of a (valid) corpus, reading one document at a time."""
    stats = CorpusStats()
    for item in corpus.documents():
        stats.add_document(item.document, item.text)
    stats.add_entities(corpus.entities())
    stats.add_clusters(corpus.clusters())
    return stats


# --- rendering -------------------------------------------------------------------


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _per_document(stats: CorpusStats) -> list[str]:
    if len(stats.spans_by_document) <= PER_DOCUMENT_TABLE_LIMIT:
        rows: list[list[object]] = [
            [f"`{doc_id}`", *(counts[label] for label in LABELS), sum(counts.values())]
            for doc_id, counts in sorted(stats.spans_by_document.items())
        ]
        return _table(["document", *LABELS, "total"], rows)
    totals = [sum(c.values()) for c in stats.spans_by_document.values()]
    median = statistics.median(totals)
    return _table(
        ["spans per document", "min", "median", "max"],
        [["all layers", min(totals), f"{median:g}", max(totals)]],
    )


def render_block(stats: CorpusStats) -> str:
    """The Markdown between the card's markers (markers excluded)."""
    lines = [
        "_Generated from `annotations/` by `eunato-corpus build --update-card`; do not edit by hand._",
        "",
        f"- Documents: {stats.documents}",
        f"- Characters of text: {stats.characters}",
        f"- Spans: {stats.spans}",
        f"- Entities: {sum(stats.entities_by_type.values())}",
        f"- Cross-document clusters: {sum(stats.clusters_by_type.values())}",
        "",
        "Spans per layer and their verification status:",
        "",
        *_table(
            ["layer", "spans", *STATUSES],
            [[label, stats.spans_by_label[label], *(stats.status_by_label[(label, s)] for s in STATUSES)] for label in LABELS]
            + [["all", stats.spans, *(sum(stats.status_by_label[(label, s)] for label in LABELS) for s in STATUSES)]],
        ),
        "",
        "Spans per document:",
        "",
        *(_per_document(stats) if stats.documents else ["(no documents)"]),
        "",
        "Quotes by kind:",
        "",
        *_table(["kind", "quotes"], [[kind, stats.quote_kinds[kind]] for kind in QUOTE_KINDS]),
        "",
        "Dates by TIMEX3 type:",
        "",
        *_table(["type", "dates"], [[t, stats.timex_types[t]] for t in TIMEX_TYPES]),
        "",
        "Entities by type:",
        "",
        *_table(["type", "entities"], [[t, stats.entities_by_type[t]] for t in ENTITY_TYPES]),
        "",
        "Cross-document clusters by type:",
        "",
        *_table(
            ["type", "clusters", "member spans"],
            [[t, stats.clusters_by_type[t], stats.members_by_cluster_type[t]] for t in CLUSTER_TYPES],
        ),
    ]
    return "\n".join(lines)


def _block_bounds(card: str) -> tuple[int, int] | None:
    """Positions of the text between the markers, or None when there are none."""
    starts, ends = card.count(START_MARKER), card.count(END_MARKER)
    if starts == 0 and ends == 0:
        return None
    if starts != 1 or ends != 1 or card.index(START_MARKER) > card.index(END_MARKER):
        raise CardError(f"the card needs exactly one {START_MARKER} followed by one {END_MARKER}")
    return card.index(START_MARKER) + len(START_MARKER), card.index(END_MARKER)


def refresh_block(card: str, block: str) -> str:
    """``card`` with its generated block replaced by ``block``; a card without
    markers gets the block appended at its end."""
    bounds = _block_bounds(card)
    if bounds is None:
        return card.rstrip("\n") + f"\n\n{START_MARKER}\n{block}\n{END_MARKER}\n"
    begin, end = bounds
    return card[:begin] + "\n" + block + "\n" + card[end:]


def current_block(card: str) -> str | None:
    """The text between the markers, or None when the card has none."""
    bounds = _block_bounds(card)
    return None if bounds is None else card[bounds[0] : bounds[1]].strip("\n")


# --- the repository's card ------------------------------------------------------


def card_path(root: str | Path) -> Path:
    return Path(root) / CARD_NAME


def read_card(root: str | Path) -> str:
    """The corpus's card text, or a default one for corpora that have none."""
    path = card_path(root)
    return path.read_bytes().decode("utf-8") if path.is_file() else DEFAULT_CARD


def card_problems(root: str | Path, stats: CorpusStats | None = None) -> list[str]:
    """Why the repository's DATASET_CARD.md block is stale (empty when current or
    when the corpus has no card)."""
    path = card_path(root)
    if not path.is_file():
        return []
    stats = stats if stats is not None else collect_stats(load_corpus(root))
    try:
        block = current_block(read_card(root))
    except CardError as error:
        return [f"{CARD_NAME}: {error}"]
    if block is None:
        return [f"{CARD_NAME}: no generated statistics block ({START_MARKER} ... {END_MARKER})"]
    if block != render_block(stats):
        return [f"{CARD_NAME}: the statistics block is stale; run `eunato-corpus build --update-card`"]
    return []


def update_card(root: str | Path, stats: CorpusStats | None = None) -> bool:
    """Rewrite the generated block of the repository's card atomically (creating
    the card from the default template when missing). True when it changed."""
    stats = stats if stats is not None else collect_stats(load_corpus(root))
    old = read_card(root)
    new = refresh_block(old, render_block(stats))
    path = card_path(root)
    if path.is_file() and new == old:
        return False
    write_text_atomic(path, new)
    return True
