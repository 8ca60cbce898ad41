"""The dataset card's statistics: computed from the annotations, never typed.

``DATASET_CARD.md`` holds prose written by people and one generated block
between :data:`START_MARKER` and :data:`END_MARKER`. This module renders the
counts of :mod:`eunato_corpus.stats` (the one place that counts; the build adds
them up as it converts) as Markdown, and replaces the block. ``build`` refreshes the block
in the Hub README; :func:`card_problems` tells CI when the repository's card is
stale; :func:`update_card` rewrites it atomically.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from .corpus import Corpus, load_corpus
from .io import write_text_atomic
from .model import (
    CLUSTER_TYPES,
    ENTITY_TYPES,
    LABELS,
    QUOTE_KINDS,
    STATUSES,
    TIMEX_TYPES,
)
from .stats import CorpusCounts, count_corpus

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


def collect_stats(corpus: Corpus) -> CorpusCounts:
    """Statistics of a (valid) corpus, reading one document at a time: the
    counting of :mod:`eunato_corpus.stats`, with the texts' lengths."""
    return count_corpus(corpus.paths.root, corpus.annotations, texts=True)


# --- rendering -------------------------------------------------------------------


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _per_document(stats: CorpusCounts) -> list[str]:
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


def render_block(stats: CorpusCounts) -> str:
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


def card_problems(root: str | Path, stats: CorpusCounts | None = None) -> list[str]:
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


def update_card(root: str | Path, stats: CorpusCounts | None = None) -> bool:
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
