"""Counts over a corpus: spans per layer per document, quote kinds, TIMEX3
types, statuses, entities and clusters.

Documents are read one at a time. Files that do not parse are listed in
``unreadable`` and skipped (``eunato-corpus validate`` explains why).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .io import ANNOTATIONS_DIR, DOCS_DIR, ENTITIES_NAME, LINKS_NAME
from .model import (
    CLUSTER_TYPES,
    ENTITY_TYPES,
    LABELS,
    QUOTE_KINDS,
    STATUSES,
    TIMEX_TYPES,
)
from .rules import iter_spans
from .validation import read_json_file


@dataclass(frozen=True)
class DocumentStats:
    doc_id: str
    spans: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.spans.values())


@dataclass(frozen=True)
class CorpusStats:
    documents: tuple[DocumentStats, ...]
    layers: dict[str, int]
    quote_kinds: dict[str, int]
    timex_types: dict[str, int]
    statuses: dict[str, int]
    entity_types: dict[str, int]
    cluster_types: dict[str, int]
    link_members: int
    unreadable: tuple[str, ...] = field(default=())

    @property
    def spans(self) -> int:
        return sum(self.layers.values())

    @property
    def entities(self) -> int:
        return sum(self.entity_types.values())

    @property
    def clusters(self) -> int:
        return sum(self.cluster_types.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [{"doc_id": d.doc_id, "spans": d.spans, "total": d.total} for d in self.documents],
            "spans": self.spans,
            "layers": self.layers,
            "quote_kinds": self.quote_kinds,
            "timex_types": self.timex_types,
            "statuses": self.statuses,
            "entities": self.entities,
            "entity_types": self.entity_types,
            "clusters": self.clusters,
            "cluster_types": self.cluster_types,
            "link_members": self.link_members,
            "unreadable": list(self.unreadable),
        }


def _ordered(counter: Counter[str], vocabulary: tuple[str, ...]) -> dict[str, int]:
    """Counts in vocabulary order (zeros included), then anything unexpected."""
    result = {name: counter.get(name, 0) for name in vocabulary}
    result.update({str(k): v for k, v in sorted(counter.items(), key=lambda kv: str(kv[0])) if k not in result})
    return result


def corpus_stats(root: str | Path = ".", annotations: str | Path | None = None) -> CorpusStats:
    """Count the annotations of the corpus at ``root``."""
    folder = Path(annotations) if annotations is not None else Path(root) / ANNOTATIONS_DIR
    documents: list[DocumentStats] = []
    layers: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    timex: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    unreadable: list[str] = []
    docs_dir = folder / DOCS_DIR
    for path in sorted(docs_dir.glob("*.json")) if docs_dir.is_dir() else []:
        parsed = read_json_file(path, path.as_posix(), "document", canonical=False)
        if not parsed.parsed:
            unreadable.append(path.as_posix())
            continue
        per_doc: Counter[str] = Counter()
        for _, span in iter_spans(parsed.data):
            label = str(span.get("label"))
            per_doc[label] += 1
            statuses[str(span.get("status"))] += 1
            if label == "quote":
                kinds[str(span.get("kind"))] += 1
            elif label == "date":
                timex[str(span.get("timex_type"))] += 1
        layers.update(per_doc)
        documents.append(DocumentStats(path.stem, _ordered(per_doc, LABELS)))

    entity_types: Counter[str] = Counter()
    entities = read_json_file(folder / ENTITIES_NAME, (folder / ENTITIES_NAME).as_posix(), "entities", canonical=False)
    if entities.parsed and isinstance(entities.data, dict):
        for record in entities.data.get("entities") or []:
            if isinstance(record, dict):
                entity_types[str(record.get("type"))] += 1
    elif (folder / ENTITIES_NAME).exists():
        unreadable.append((folder / ENTITIES_NAME).as_posix())

    cluster_types: Counter[str] = Counter()
    members = 0
    if (folder / LINKS_NAME).exists():
        links = read_json_file(folder / LINKS_NAME, (folder / LINKS_NAME).as_posix(), "links", canonical=False)
        if links.parsed and isinstance(links.data, dict):
            for record in links.data.get("clusters") or []:
                if isinstance(record, dict):
                    cluster_types[str(record.get("cluster_type"))] += 1
                    members += len(record.get("members") or [])
        else:
            unreadable.append((folder / LINKS_NAME).as_posix())

    return CorpusStats(
        documents=tuple(documents),
        layers=_ordered(layers, LABELS),
        quote_kinds=_ordered(kinds, QUOTE_KINDS),
        timex_types=_ordered(timex, TIMEX_TYPES),
        statuses=_ordered(statuses, STATUSES),
        entity_types=_ordered(entity_types, ENTITY_TYPES),
        cluster_types=_ordered(cluster_types, CLUSTER_TYPES),
        link_members=members,
        unreadable=tuple(unreadable),
    )


def render_stats(stats: CorpusStats) -> str:
    """A plain-text table of the counts."""
    width = max([len("document"), *(len(d.doc_id) for d in stats.documents)])
    header = f"{'document':<{width}}  " + "  ".join(f"{label:>7}" for label in LABELS) + f"  {'total':>7}"
    lines = [header, "-" * len(header)]
    for doc in stats.documents:
        lines.append(f"{doc.doc_id:<{width}}  " + "  ".join(f"{doc.spans.get(label, 0):>7}" for label in LABELS) + f"  {doc.total:>7}")
    lines.append(f"{'all':<{width}}  " + "  ".join(f"{stats.layers.get(label, 0):>7}" for label in LABELS) + f"  {stats.spans:>7}")
    lines.append("")

    def row(title: str, counts: dict[str, int]) -> str:
        return f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items())

    lines.append(row("quote kinds", stats.quote_kinds))
    lines.append(row("TIMEX3 types", stats.timex_types))
    lines.append(row("status", stats.statuses))
    lines.append(f"entities: {stats.entities} (" + ", ".join(f"{k} {v}" for k, v in stats.entity_types.items()) + ")")
    lines.append(f"clusters: {stats.clusters} (" + ", ".join(f"{k} {v}" for k, v in stats.cluster_types.items())
                 + f"), {stats.link_members} link members")
    for path in stats.unreadable:
        lines.append(f"skipped (does not parse; run 'eunato-corpus validate'): {path}")
    return "\n".join(lines)
