"""Counts over a corpus, computed in one place: spans per layer per document,
verification statuses, quote kinds, TIMEX3 types, entities and clusters.

:class:`CorpusCounts` is the only code that counts. Three readers feed it:

* ``eunato-corpus stats`` (:func:`corpus_stats`), which reads every file
  tolerantly: files that do not parse are listed in ``unreadable`` and skipped
  (``eunato-corpus validate`` explains why);
* the dataset card (:func:`eunato_corpus.card.collect_stats`), which renders the
  same counts as the card's generated block;
* the build, whose workers count each document they convert
  (:func:`count_document`) and whose parent adds the counts up.

Values are counted as text (``str(value)``), so a malformed record never
breaks a count; on a valid corpus every value already is text.

Documents are read one at a time.
"""

from __future__ import annotations

import contextlib
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path
from typing import Any

from .io import ANNOTATIONS_DIR, DOCS_DIR, ENTITIES_NAME, LINKS_NAME, read_seed
from .model import (
    CLUSTER_TYPES,
    ENTITY_TYPES,
    LABELS,
    QUOTE_KINDS,
    STATUSES,
    TIMEX_TYPES,
    SpanColumns,
)
from .validation import read_json_file

# --- counting: the one computation ----------------------------------------------------


@dataclass(frozen=True)
class DocumentCounts:
    """The counts of one document's spans. Small and picklable: build workers
    return it to the parent."""

    doc_id: str
    language: str
    characters: int
    by_label: Counter[str]
    by_label_status: Counter[tuple[str, str]]
    quote_kinds: Counter[str]
    timex_types: Counter[str]


def span_records(document: Any) -> list[dict[str, Any]]:
    """The span records of a parsed document that are objects (others are skipped)."""
    spans = document.get("spans") if isinstance(document, dict) else None
    if not isinstance(spans, list):
        return []
    return spans if set(map(type, spans)) <= {dict} else [span for span in spans if isinstance(span, dict)]


def _as_text(raw: Counter[Any]) -> Counter[str]:
    """Counts keyed by text: the few distinct raw keys turned into ``str``."""
    counts: Counter[str] = Counter()
    for value, count in raw.items():
        counts[str(value)] += count
    return counts


def _values(spans: Iterable[dict[str, Any]], key: str) -> Counter[str]:
    """How often each value of ``key`` occurs among ``spans``, counted on the raw
    values (a step per span in C, not Python), then keyed by text."""
    try:
        return _as_text(Counter(map(dict.get, spans, repeat(key))))
    except TypeError:  # an unhashable value (a list, an object) in a malformed record
        return Counter(map(str, map(dict.get, spans, repeat(key))))


def _column(spans: list[dict[str, Any]], key: str, columns: SpanColumns | None) -> list[Any]:
    """Each span's value of ``key`` (None where it lacks it), from ``columns``
    when they hold these very spans and every span has the field."""
    if columns is not None and columns.spans is spans:
        with contextlib.suppress(KeyError):
            return columns[key]
    return list(map(dict.get, spans, repeat(key)))


def _label_statuses(spans: list[dict[str, Any]], by_label: Counter[str],
                    columns: SpanColumns | None = None) -> Counter[tuple[str, str]]:
    try:
        statuses = _as_text(Counter(_column(spans, "status", columns)))
    except TypeError:  # an unhashable value in a malformed record
        statuses = _values(spans, "status")
    return _by_label_status(by_label, statuses, lambda: zip(map(str, map(dict.get, spans, repeat("label"))),
                                                           map(str, map(dict.get, spans, repeat("status"))), strict=True))


def _by_label_status(by_label: Counter[str], statuses: Collection[str],
                     pairs: Callable[[], Iterable[tuple[str, str]]]) -> Counter[tuple[str, str]]:
    """Counts of (label, status): from the label counts alone when every span
    has the same status (the usual case), else of ``pairs()``."""
    if len(statuses) == 1:
        (status,) = statuses
        return Counter({(label, status): count for label, count in by_label.items()})
    return Counter(pairs())


def _count_typed(doc_id: str, document: dict[str, Any], characters: int, columns: SpanColumns) -> DocumentCounts:
    """:func:`count_document` for spans that the typed fast path read: every
    field is there and of its type, so the columns are counted as they are."""
    by_label = Counter(columns["label"])
    by_label_status = _by_label_status(by_label, set(columns["status"]),
                                       lambda: zip(columns["label"], columns["status"], strict=True))
    return DocumentCounts(
        doc_id=doc_id,
        language=str(document.get("language")),
        characters=characters,
        by_label=by_label,
        by_label_status=by_label_status,
        quote_kinds=Counter(columns.values("quote", "kind")),
        timex_types=Counter(columns.values("date", "timex_type")),
    )


def count_document(doc_id: str, document: Any, characters: int = 0, columns: SpanColumns | None = None) -> DocumentCounts:
    """Count one parsed document's spans. ``characters``: the length of its
    text, when the caller read it. ``columns``: the spans' columns, if the
    checks already made them."""
    if columns is not None and columns.typed and isinstance(document, dict) and columns.spans is document.get("spans"):
        return _count_typed(doc_id, document, characters, columns)
    spans = span_records(document)
    labels = _column(spans, "label", columns)  # raw values: only the text "quote" equals "quote"
    try:
        by_label = _as_text(Counter(labels))
    except TypeError:  # an unhashable label in a malformed record
        by_label = Counter(map(str, labels))
    return DocumentCounts(
        doc_id=doc_id,
        language=str(document.get("language")) if isinstance(document, dict) else "None",
        characters=characters,
        by_label=by_label,
        by_label_status=_label_statuses(spans, by_label, columns),
        quote_kinds=_values(compress(spans, map(operator.eq, labels, repeat("quote"))), "kind"),
        timex_types=_values(compress(spans, map(operator.eq, labels, repeat("date"))), "timex_type"),
    )


@dataclass
class CorpusCounts:
    """Counts that describe a corpus, added up one document at a time: every
    figure of ``eunato-corpus stats`` and of the card's generated block."""

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
    unreadable: list[str] = field(default_factory=list)

    def add(self, counts: DocumentCounts) -> None:
        """Add one document's counts (documents in corpus order)."""
        self.documents += 1
        self.characters += counts.characters
        self.languages.add(counts.language)
        self.spans_by_label.update(counts.by_label)
        self.spans_by_document[counts.doc_id] = counts.by_label
        self.status_by_label.update(counts.by_label_status)
        self.quote_kinds.update(counts.quote_kinds)
        self.timex_types.update(counts.timex_types)

    def add_registry(self, registry: Any) -> None:
        """Count the entities of a parsed ``entities.json`` by type."""
        records = registry.get("entities") if isinstance(registry, dict) else None
        self.entities_by_type.update(str(r.get("type")) for r in records or () if isinstance(r, dict))

    def add_links(self, links: Any) -> None:
        """Count the clusters of a parsed ``links.json`` by type, and their members."""
        records = links.get("clusters") if isinstance(links, dict) else None
        for record in records or ():
            if isinstance(record, dict):
                cluster_type = str(record.get("cluster_type"))
                self.clusters_by_type[cluster_type] += 1
                self.members_by_cluster_type[cluster_type] += len(record.get("members") or [])

    @property
    def spans(self) -> int:
        return sum(self.spans_by_label.values())

    @property
    def statuses(self) -> Counter[str]:
        """Spans per status, over all layers."""
        result: Counter[str] = Counter()
        for (_, status), count in self.status_by_label.items():
            result[status] += count
        return result


def count_corpus(root: str | Path = ".", annotations: str | Path | None = None, *, texts: bool = False) -> CorpusCounts:
    """Count the annotations of the corpus at ``root``, reading every file
    tolerantly. ``texts``: also read each document's seed to count characters
    (the card shows them; ``stats`` does not)."""
    folder = Path(annotations) if annotations is not None else Path(root) / ANNOTATIONS_DIR
    counts = CorpusCounts()
    docs_dir = folder / DOCS_DIR
    for path in sorted(docs_dir.glob("*.json")) if docs_dir.is_dir() else []:
        parsed = read_json_file(path, path.as_posix(), "document", canonical=False)
        if not parsed.parsed:
            counts.unreadable.append(path.as_posix())
            continue
        characters = len(read_seed(Path(root) / "seeds" / f"{path.stem}.txt")) if texts else 0
        counts.add(count_document(path.stem, parsed.data, characters))
    entities = read_json_file(folder / ENTITIES_NAME, (folder / ENTITIES_NAME).as_posix(), "entities", canonical=False)
    if entities.parsed and isinstance(entities.data, dict):
        counts.add_registry(entities.data)
    elif (folder / ENTITIES_NAME).exists():
        counts.unreadable.append((folder / ENTITIES_NAME).as_posix())
    if (folder / LINKS_NAME).exists():
        links = read_json_file(folder / LINKS_NAME, (folder / LINKS_NAME).as_posix(), "links", canonical=False)
        if links.parsed and isinstance(links.data, dict):
            counts.add_links(links.data)
        else:
            counts.unreadable.append((folder / LINKS_NAME).as_posix())
    return counts


# --- the report of ``eunato-corpus stats`` ----------------------------------------------


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
    """Count the annotations of the corpus at ``root`` (see :func:`count_corpus`)."""
    return summarize(count_corpus(root, annotations))


def summarize(counts: CorpusCounts) -> CorpusStats:
    """The report of ``eunato-corpus stats``: counts in vocabulary order, zeros included."""
    return CorpusStats(
        documents=tuple(DocumentStats(doc_id, _ordered(per_doc, LABELS)) for doc_id, per_doc in counts.spans_by_document.items()),
        layers=_ordered(counts.spans_by_label, LABELS),
        quote_kinds=_ordered(counts.quote_kinds, QUOTE_KINDS),
        timex_types=_ordered(counts.timex_types, TIMEX_TYPES),
        statuses=_ordered(counts.statuses, STATUSES),
        entity_types=_ordered(counts.entities_by_type, ENTITY_TYPES),
        cluster_types=_ordered(counts.clusters_by_type, CLUSTER_TYPES),
        link_members=sum(counts.members_by_cluster_type.values()),
        unreadable=tuple(counts.unreadable),
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
