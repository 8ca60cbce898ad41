"""The data model: one field list for annotation files, dataclasses and Parquet.

Every field of every record the corpus stores is declared once, here, as a
:class:`Field`. The JSON Schemas in ``schema/``, the dataclasses below and the
``datasets.Features`` built in :mod:`eunato_corpus.export` all describe the same
records; ``tests/test_model.py`` fails if they drift apart.

Offsets are Unicode code points (Python ``str`` indices) into the seed text
decoded as UTF-8, half-open ``[start, end)``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from typing import Any, Literal

# --- closed vocabularies -------------------------------------------------------

LABELS = ("speaker", "cue", "quote", "claim", "date")
STATUSES = ("draft", "verified")
QUOTE_KINDS = ("direct", "indirect", "mixed")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
# TimeML TIMEX3 @mod values.
TIMEX_MODS = (
    "BEFORE",
    "AFTER",
    "ON_OR_BEFORE",
    "ON_OR_AFTER",
    "LESS_THAN",
    "MORE_THAN",
    "EQUAL_OR_LESS",
    "EQUAL_OR_MORE",
    "START",
    "MID",
    "END",
    "APPROX",
)
GENRES = ("news", "wire", "official_statement")
# The genre of the primary source, whose words a cluster's primary_text copies.
OFFICIAL_GENRE = "official_statement"
PUBLISHED_SOURCES = ("stated", "inferred")
ENTITY_TYPES = ("person", "organization", "group")
CLUSTER_TYPES = ("quote_cluster", "claim_cluster")
RELATIONS = ("verbatim", "near_verbatim", "paraphrase", "divergent")

DType = Literal["string", "int64", "bool", "string_list", "offsets"]


@dataclass(frozen=True)
class Field:
    """One field of a stored record.

    ``labels`` restricts a span field to the span labels it belongs to (None:
    every label). ``nullable`` fields may hold JSON ``null``; ``required``
    fields must be present in the annotation file (for label-restricted span
    fields: present whenever the label applies). ``derived`` fields are not
    written in annotation files; the build computes them.
    """

    name: str
    dtype: DType
    description: str
    required: bool = True
    nullable: bool = False
    labels: tuple[str, ...] | None = None
    enum: tuple[str, ...] | None = None
    derived: bool = False


# --- spans ---------------------------------------------------------------------

SPAN_FIELDS: tuple[Field, ...] = (
    Field("span_id", "string", "Identifier, unique within its document (e.g. q3)."),
    Field("label", "string", "Annotation layer.", enum=LABELS),
    Field("start", "int64", "First code point of the span."),
    Field("end", "int64", "Code point after the span (half-open)."),
    Field("text", "string", "Surface text; must equal raw[start:end]."),
    Field("status", "string", "draft while under way, verified once checked in context.", enum=STATUSES),
    Field("entity", "string", "Registry id of the source this speaker span names.", labels=("speaker",)),
    Field("kind", "string", "Direct, indirect or mixed reported speech.", labels=("quote",), enum=QUOTE_KINDS),
    Field("speaker", "string", "Registry id of the quote's source.", labels=("quote",)),
    Field(
        "speaker_span",
        "string",
        "span_id of the quote's speaker span; null where the sentence does not express the source.",
        labels=("quote",),
        nullable=True,
    ),
    Field("cue", "string", "span_id of the quote's cue span, or null.", labels=("quote",), nullable=True),
    Field("claimant", "string", "Registry id of who asserts the claim.", labels=("claim",)),
    Field("timex_type", "string", "TIMEX3 type.", labels=("date",), enum=TIMEX_TYPES),
    Field("value", "string", "TIMEX3 normalised value, anchored on the document's dct.", labels=("date",)),
    Field("mod", "string", "TIMEX3 modifier, or null.", labels=("date",), nullable=True, enum=TIMEX_MODS),
)

SPAN_FIELD_NAMES = tuple(f.name for f in SPAN_FIELDS)
# Fields every span carries, whatever its label.
SPAN_COMMON_FIELDS = tuple(f.name for f in SPAN_FIELDS if f.labels is None)
# For each label, the extra fields it carries (all of them required keys).
LABEL_FIELDS: dict[str, tuple[str, ...]] = {
    label: tuple(f.name for f in SPAN_FIELDS if f.labels is not None and label in f.labels) for label in LABELS
}
# Span fields that hold a span_id of the same document.
SPAN_REFERENCE_FIELDS = ("speaker_span", "cue")
# Span fields that hold an entity id.
ENTITY_REFERENCE_FIELDS = ("entity", "speaker", "claimant")

# --- documents -----------------------------------------------------------------

DOCUMENT_FIELDS: tuple[Field, ...] = (
    Field("doc_id", "string", "The seed file's stem."),
    Field("title", "string", "The title as it appears in the text."),
    Field("outlet", "string", "Publisher as named in the text."),
    Field("outlet_entity", "string", "Registry id of the outlet (claimant of the outlet's own claims)."),
    Field("genre", "string", "Text genre.", enum=GENRES),
    Field("language", "string", "Language of the text (ISO 639-1)."),
    Field("translated", "bool", "True where the text shows it was translated into English."),
    Field("translated_evidence", "string", "What in the text shows (or does not show) translation."),
    Field("published", "string", "Publication date (ISO 8601)."),
    Field("published_source", "string", "stated where the text gives the date, inferred otherwise.", enum=PUBLISHED_SOURCES),
    Field("published_evidence", "string", "The evidence for the publication date."),
    Field("dct", "string", "Document creation time (ISO 8601) used to normalise dates."),
    Field(
        "speaker",
        "string",
        "Registry id of the person whose speech the whole text is (official statements); null otherwise.",
        nullable=True,
    ),
    Field("sha256", "string", "SHA-256 of the seed file's bytes.", derived=True),
    Field("text", "string", "The seed text, exactly as it is.", derived=True),
    Field("body", "offsets", "[start, end) ranges of the article proper."),
    Field("spans", "string", "The document's spans (see SPAN_FIELDS)."),
)
DOCUMENT_FIELD_NAMES = tuple(f.name for f in DOCUMENT_FIELDS)
# Keys of an annotation file, in canonical order.
DOCUMENT_FILE_KEYS = tuple(f.name for f in DOCUMENT_FIELDS if not f.derived)
OFFSET_FIELDS = ("start", "end")

# --- entities ------------------------------------------------------------------

ENTITY_FIELDS: tuple[Field, ...] = (
    Field("entity_id", "string", "Stable lowercase slug."),
    Field("type", "string", "person, organization or group.", enum=ENTITY_TYPES),
    Field("name", "string", "Canonical name."),
    Field("aliases", "string_list", "Other names the texts use."),
    Field("members", "string_list", "For a group: the entity ids of its members (may be empty)."),
)
ENTITY_FIELD_NAMES = tuple(f.name for f in ENTITY_FIELDS)

# --- cross-document links ------------------------------------------------------

CLUSTER_FIELDS: tuple[Field, ...] = (
    Field("cluster_id", "string", "Stable cluster identifier."),
    Field("cluster_type", "string", "quote_cluster or claim_cluster.", enum=CLUSTER_TYPES),
    Field("description", "string", "The utterance or proposition, in a few words."),
    Field(
        "primary_text",
        "string",
        "The passage of the primary source (004) that the members' relation refers to, verbatim; null where 004 lacks it.",
        nullable=True,
    ),
    Field("members", "string", "Member spans (see MEMBER_FIELDS)."),
)
MEMBER_FIELDS: tuple[Field, ...] = (
    Field("doc_id", "string", "Document of the member span."),
    Field("span_id", "string", "The member span."),
    Field(
        "relation",
        "string",
        "Relation to the primary source's span (004); null where the primary source lacks it.",
        nullable=True,
        enum=RELATIONS,
    ),
)
# One row of the flat `links` config.
LINK_FIELD_NAMES = ("cluster_id", "cluster_type", "description", "primary_text", "doc_id", "span_id", "relation")


# --- dataclasses ---------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Span:
    """One annotated span. Fields that do not apply to its label are None."""

    span_id: str
    label: str
    start: int
    end: int
    text: str
    status: str
    entity: str | None = None
    kind: str | None = None
    speaker: str | None = None
    speaker_span: str | None = None
    cue: str | None = None
    claimant: str | None = None
    timex_type: str | None = None
    value: str | None = None
    mod: str | None = None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Span:
        values: dict[str, Any] = {name: record.get(name) for name in SPAN_FIELD_NAMES}
        return cls(**values)

    def to_record(self) -> dict[str, Any]:
        """The span as written in an annotation file: only its label's fields."""
        keep = SPAN_COMMON_FIELDS + LABEL_FIELDS[self.label]
        return {name: getattr(self, name) for name in keep}


@dataclass(frozen=True)
class Offsets:
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A document's metadata and spans (the annotation file), without its text."""

    doc_id: str
    title: str
    outlet: str
    outlet_entity: str
    genre: str
    language: str
    translated: bool
    translated_evidence: str
    published: str
    published_source: str
    published_evidence: str
    dct: str
    speaker: str | None
    body: tuple[Offsets, ...]
    spans: tuple[Span, ...] = field(default=())

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Document:
        values: dict[str, Any] = {name: record.get(name) for name in DOCUMENT_FILE_KEYS}
        values["body"] = tuple(Offsets(int(b["start"]), int(b["end"])) for b in record.get("body") or ())
        values["spans"] = tuple(Span.from_record(s) for s in record.get("spans") or ())
        return cls(**values)

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {name: getattr(self, name) for name in DOCUMENT_FILE_KEYS}
        record["body"] = [{"start": b.start, "end": b.end} for b in self.body]
        record["spans"] = [s.to_record() for s in self.spans]
        return record


@dataclass(frozen=True)
class Entity:
    entity_id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Entity:
        return cls(
            entity_id=record["entity_id"],
            type=record["type"],
            name=record["name"],
            aliases=tuple(record.get("aliases") or ()),
            members=tuple(record.get("members") or ()),
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "members": list(self.members),
        }


@dataclass(frozen=True)
class Member:
    doc_id: str
    span_id: str
    relation: str | None = None


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    cluster_type: str
    description: str
    primary_text: str | None = None
    members: tuple[Member, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Cluster:
        return cls(
            cluster_id=record["cluster_id"],
            cluster_type=record["cluster_type"],
            description=record["description"],
            primary_text=record.get("primary_text"),
            members=tuple(Member(m["doc_id"], m["span_id"], m.get("relation")) for m in record.get("members") or ()),
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "cluster_type": self.cluster_type,
            "description": self.description,
            "primary_text": self.primary_text,
            "members": [{"doc_id": m.doc_id, "span_id": m.span_id, "relation": m.relation} for m in self.members],
        }


# Canonical order of spans in a file: by position, then layer, then id.
LABEL_ORDER = {label: i for i, label in enumerate(LABELS)}


def span_sort_key(record: dict[str, Any]) -> tuple[Any, ...]:
    """Sort key for span records; tolerant of malformed records."""

    def as_int(v: Any) -> int:
        return v if isinstance(v, int) and not isinstance(v, bool) else -1

    return (
        as_int(record.get("start")),
        as_int(record.get("end")),
        label_order(record.get("label")),
        str(record.get("span_id")),
    )


def label_order(label: Any) -> int:
    """A label's place in :data:`LABELS`; after them for anything else (a
    malformed record's label may be a list, which a dict lookup cannot take)."""
    return LABEL_ORDER.get(label, len(LABELS)) if isinstance(label, str) else len(LABELS)




class SpanColumns:
    """The values of one field across a document's span records, each list
    made once, when first asked for: the order check, the rule screen and the
    link lookup read the same columns. ``columns["start"]`` raises KeyError
    when a span lacks the field, as ``span["start"]`` would.

    The records are dicts (parsed JSON), or, from :meth:`of_records`, typed
    records whose fields are attributes and whose absent fields hold an
    ``absent`` marker (the typed fast path's spans) in the fields named
    ``optional`` (the others always hold a value)."""

    __slots__ = ("_absent", "_getter", "_groups", "_int_offsets", "_made", "_optional", "_values", "spans")

    def __init__(self, spans: list[Any]) -> None:
        self.spans = spans
        self._made: dict[str, list[Any]] = {}
        self._groups: dict[Any, list[Any]] = {}
        self._values: dict[tuple[str, str], list[Any]] = {}
        self._int_offsets: bool | None = None
        self._getter: Callable[[str], Callable[[Any], Any]] = operator.itemgetter
        self._absent: Any = None
        self._optional: frozenset[str] = frozenset()

    @classmethod
    def of_records(cls, spans: list[Any], absent: Any, optional: Iterable[str], *, int_offsets: bool = False) -> SpanColumns:
        """Columns of typed span records (fields read as attributes), which
        hold ``absent`` for a field they lack, only ever in ``optional`` ones.
        ``int_offsets``: the records' type makes every start and end an int."""
        columns = cls(spans)
        columns._getter, columns._absent, columns._optional = operator.attrgetter, absent, frozenset(optional)
        columns._int_offsets = True if int_offsets else None
        return columns

    @property
    def typed(self) -> bool:
        """Whether the records are typed records rather than dicts."""
        return self._getter is operator.attrgetter

    @classmethod
    def of(cls, spans: list[dict[str, Any]], columns: SpanColumns | None = None) -> SpanColumns:
        """``columns`` when they are these very spans' columns, else new ones."""
        return columns if columns is not None and columns.spans is spans else cls(spans)

    def int_offsets(self) -> bool:
        """Whether every start and end is an int (asked once)."""
        if self._int_offsets is None:
            self._int_offsets = set(map(type, self["start"])) | set(map(type, self["end"])) <= {int}
        return self._int_offsets

    def __getitem__(self, name: str) -> list[Any]:
        column = self._made.get(name)
        if column is None:
            column = list(map(self._getter(name), self.spans))
            if name in self._optional and self._absent in column:
                raise KeyError(name)
            self._made[name] = column
        return column

    def of_label(self, label: str) -> list[Any]:
        """The span records whose label is ``label``, in order (made once)."""
        group = self._groups.get(label)
        if group is None:
            group = self._groups[label] = list(compress(self.spans, map(operator.eq, self["label"], repeat(label))))
        return group

    def values(self, label: str, name: str) -> list[Any]:
        """``name`` of each span labelled ``label`` (KeyError when one lacks
        it), made once."""
        column = self._values.get((label, name))
        if column is None:
            column = list(map(self._getter(name), self.of_label(label)))
            if name in self._optional and self._absent in column:
                raise KeyError(name)
            self._values[label, name] = column
        return column


def _int_offsets_in_order(spans: list[dict[str, Any]], columns: SpanColumns | None = None) -> bool | None:
    """Whether spans whose offsets are all ints follow :func:`span_sort_key`;
    None when an offset is missing or not an int.

    With int offsets the key starts with ``start``, so the spans are in order
    when the starts never decrease and each pair with equal starts is in
    order: one C-level pass over the starts, and a Python step only per tie."""
    columns = SpanColumns.of(spans, columns)
    try:
        if not columns.int_offsets():
            return None
    except (KeyError, TypeError):
        return None
    starts = columns["start"]
    if not all(map(operator.le, starts, islice(starts, 1, None))):
        return False
    ties = list(compress(range(len(starts)), map(operator.eq, starts, islice(starts, 1, None))))
    if not ties:
        return True
    # The rest of the key, (end, label order, str(span_id)), for each tied
    # pair: the ends first, in C (ints, as checked); a Python step only for a
    # pair whose ends tie too.
    try:
        ends, labels, ids = columns["end"], columns["label"], columns["span_id"]
    except KeyError:  # a span without a label or id: the whole key decides
        return None
    after = list(map((1).__add__, ties))
    ends_here, ends_after = list(map(ends.__getitem__, ties)), list(map(ends.__getitem__, after))
    if not all(map(operator.le, ends_here, ends_after)):
        return False

    same_ends = list(compress(ties, map(operator.eq, ends_here, ends_after)))
    if not same_ends:
        return True

    def key_rest(indexes: list[int]) -> list[tuple[int, str]]:
        """(label order, str(span_id)) at each index: the key after the ends."""
        return list(zip(map(label_order, map(labels.__getitem__, indexes)), map(str, map(ids.__getitem__, indexes)), strict=True))

    return all(map(operator.le, key_rest(same_ends), key_rest(list(map((1).__add__, same_ends)))))


def spans_in_canonical_order(spans: list[dict[str, Any]]) -> bool:
    """Whether span records already follow :func:`span_sort_key`; spans with
    int offsets are answered mostly in C."""
    in_order = _int_offsets_in_order(spans)
    if in_order is not None:
        return in_order
    keys = list(map(span_sort_key, spans))
    return all(map(tuple.__le__, keys, islice(keys, 1, None)))


def int_offsets_in_canonical_order(spans: list[dict[str, Any]], columns: SpanColumns | None = None) -> bool:
    """True only when every span's offsets are ints and the spans follow
    :func:`span_sort_key`. ``columns``: the spans' columns, if already at hand."""
    return _int_offsets_in_order(spans, columns) is True


def sort_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Span records in canonical order (the same list when already sorted)."""
    return spans if spans_in_canonical_order(spans) else sorted(spans, key=span_sort_key)
