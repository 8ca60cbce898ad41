"""Corpus rules: pure functions from a parsed annotation file to issues.

Each document rule has the shape ``check_x(doc, text, ctx) -> Iterator[Issue]``:
``doc`` is the parsed JSON of one document file (possibly malformed: the schema
reports that, and every rule here skips a value whose type it cannot use),
``text`` the seed text (None where the seed is missing or unreadable, which
disables the rules that need it), and ``ctx`` a small :class:`DocContext`. Rules
print nothing, keep no state and never raise on bad input; the validator chains
them (:data:`DOCUMENT_RULES`). Line numbers are added by the caller, only when
there is something to report.

Registry and link rules take the parsed ``entities.json`` / ``links.json`` and a
:class:`FileContext`.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from .issues import RULES, Issue
from .model import LABEL_FIELDS, OFFSET_FIELDS, SpanColumns

# --- contexts ---------------------------------------------------------------------


@dataclass(frozen=True)
class FileContext:
    """Where issues of one file go, and whether this is a release check."""

    file: str
    release: bool = False
    doc_id: str | None = None

    def issue(self, rule_id: str, pointer: str, message: str, span_id: str | None = None) -> Issue:
        rule = RULES[rule_id]
        return Issue(self.file, None, pointer, rule_id, rule.severity_for(self.release), message, self.doc_id, span_id)


@dataclass(frozen=True)
class DocContext(FileContext):
    """Context of one document file: its stem (the trusted doc_id) and the
    registry's entity ids (None when the registry could not be read, which turns
    entity reference checks off rather than flooding the report)."""

    stem: str = ""
    entity_ids: frozenset[str] | None = None


DocRule = Callable[[Any, "str | None", DocContext], Iterator[Issue]]

# --- tolerant accessors -----------------------------------------------------------


def _str(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def iter_spans(doc: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, span) for every span record that is an object."""
    spans = doc.get("spans") if isinstance(doc, dict) else None
    if isinstance(spans, list):
        for index, span in enumerate(spans):
            if isinstance(span, dict):
                yield index, span


# The schema's bounds for an offset; values outside them are reported by the schema alone.
MAX_OFFSET = 2**31 - 1


def _offsets(span: Mapping[str, Any]) -> tuple[int, int] | None:
    """start, end when both are integers within the schema's bounds (the schema
    reports the rest)."""
    start, end = span.get("start"), span.get("end")
    if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool) and not isinstance(end, bool) \
            and 0 <= start <= MAX_OFFSET and 0 <= end <= MAX_OFFSET:
        return start, end
    return None


def _usable_offsets(span: Mapping[str, Any], text: str | None) -> tuple[int, int] | None:
    """Offsets that delimit a non-empty slice of ``text``."""
    offsets = _offsets(span)
    if offsets is None or text is None:
        return None
    start, end = offsets
    return offsets if start < end <= len(text) else None


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _span_labels(doc: Any) -> dict[str, str]:
    """span_id -> label for spans with a string id (the first one wins)."""
    labels: dict[str, str] = {}
    for _, span in iter_spans(doc):
        span_id, label = _str(span, "span_id"), _str(span, "label")
        if span_id is not None and span_id not in labels:
            labels[span_id] = label or ""
    return labels


# --- document rules ---------------------------------------------------------------


def check_doc_id(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """doc_id equals the file's stem (which is also the seed's stem)."""
    doc_id = doc.get("doc_id") if isinstance(doc, dict) else None
    if isinstance(doc_id, str) and doc_id != ctx.stem:
        yield ctx.issue("doc-id-mismatch", "/doc_id", f"doc_id {_clip(doc_id)!r} differs from the file name {ctx.stem!r}")


_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-](\d{2}):(\d{2}))?)?$")


def _real_iso(value: str) -> bool:
    match = _ISO_DATE.match(value)
    if match is None:
        return True  # the schema's pattern reports the shape
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return False
    hour, minute, second, _, zone_h, zone_m = match.group(2, 3, 4, 5, 6, 7)
    if hour is not None and (int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59)):
        return False
    return zone_h is None or (int(zone_h) <= 14 and int(zone_m) <= 59)


def check_dates(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """dct and published are real calendar dates (the schema checks their shape)."""
    if not isinstance(doc, dict):
        return
    for key in ("dct", "published"):
        value = doc.get(key)
        if isinstance(value, str) and not _real_iso(value):
            yield ctx.issue("date-invalid", f"/{key}", f"{key} {_clip(value)!r} is not a real date or time")


def check_body(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """Body ranges are non-empty, inside the text, in order and disjoint."""
    body = doc.get("body") if isinstance(doc, dict) else None
    if not isinstance(body, list):
        return
    previous_end: int | None = None
    for index, item in enumerate(body):
        if isinstance(item, dict):
            yield from _decimal_offsets(item, f"/body/{index}", f"body range {index}", ctx)
        offsets = _offsets(item) if isinstance(item, dict) else None
        if offsets is None:
            continue
        start, end = offsets
        pointer = f"/body/{index}"
        if start >= end:
            yield ctx.issue("body-range-invalid", pointer, f"body range [{start}, {end}) is empty or reversed")
        elif text is not None and end > len(text):
            yield ctx.issue("body-range-invalid", pointer, f"body range [{start}, {end}) ends past the text ({len(text)} code points)")
        if previous_end is not None and start < previous_end:
            yield ctx.issue("body-overlap", pointer, f"body range [{start}, {end}) starts before the previous range ends ({previous_end})")
        previous_end = max(end, previous_end or 0)


def _repeated_ids(records: Iterable[tuple[int, Mapping[str, Any]]], key: str) -> Iterator[tuple[int, str, int]]:
    """(index, id, index of its first use) for every record whose string ``key``
    was already used by an earlier record."""
    first: dict[str, int] = {}
    for index, record in records:
        value = _str(record, key)
        if value is None:
            continue
        if value in first:
            yield index, value, first[value]
        else:
            first[value] = index


def check_span_ids(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """span_id is unique within the document."""
    for index, span_id, first in _repeated_ids(iter_spans(doc), "span_id"):
        yield ctx.issue("span-id-duplicate", f"/spans/{index}/span_id",
                        f"span id {span_id!r} already used by /spans/{first}", span_id)


def _decimal_offsets(record: Mapping[str, Any], pointer: str, name: str, ctx: DocContext,
                     span_id: str | None = None) -> Iterator[Issue]:
    """Offsets such as 7.0: whole, finite floats, which the schema accepts as integers."""
    for field in OFFSET_FIELDS:
        value = record.get(field)
        if isinstance(value, float) and value.is_integer():
            yield ctx.issue("offset-not-integer", f"{pointer}/{field}",
                            f"{name} {field} is written {value!r}; write the whole number {int(value)}", span_id)


def check_offsets(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """Offsets are whole numbers, start < end, and end within the text."""
    for index, span in iter_spans(doc):
        yield from _decimal_offsets(span, f"/spans/{index}", f"span {_str(span, 'span_id') or f'#{index}'}", ctx,
                                    _str(span, "span_id"))
        offsets = _offsets(span)
        if offsets is None:
            continue
        start, end = offsets
        span_id = _str(span, "span_id")
        name = span_id or f"#{index}"
        if start > end:
            yield ctx.issue("span-reversed", f"/spans/{index}/end", f"span {name} ends ({end}) before it starts ({start})", span_id)
        elif start == end:
            yield ctx.issue("span-empty", f"/spans/{index}/end", f"span {name} is empty (start = end = {start})", span_id)
        if text is not None and max(start, end) > len(text):
            field = "end" if end > len(text) else "start"
            yield ctx.issue("offset-out-of-range", f"/spans/{index}/{field}",
                            f"span {name} {field} {max(start, end)} is past the end of the text ({len(text)} code points)", span_id)


def check_span_text(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """text == raw[start:end], counted in code points."""
    for index, span in iter_spans(doc):
        offsets = _usable_offsets(span, text)
        surface = _str(span, "text")
        if offsets is None or surface is None or text is None:
            continue
        start, end = offsets
        raw = text[start:end]
        if raw != surface:
            span_id = _str(span, "span_id")
            shown, seed_shown = _around_difference(surface, raw)
            yield ctx.issue("span-text-mismatch", f"/spans/{index}/text",
                            f"span {span_id or f'#{index}'} text {shown!r} != raw[{start}:{end}] {seed_shown!r}", span_id)


def _around_difference(a: str, b: str, width: int = 60) -> tuple[str, str]:
    """Both strings whole when short, else the stretch around their first
    difference, so that a one-character change stays visible."""
    if len(a) <= width and len(b) <= width:
        return a, b
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    begin = max(0, first - width // 3)

    def cut(value: str) -> str:
        piece = value[begin : begin + width]
        return ("..." if begin else "") + piece + ("..." if begin + width < len(value) else "")

    return cut(a), cut(b)


def check_span_edges(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """No span starts or ends on whitespace (spaces, newlines, NBSP)."""
    for index, span in iter_spans(doc):
        offsets = _usable_offsets(span, text)
        if offsets is None or text is None:
            continue
        start, end = offsets
        edges = [name for name, char in (("starts", text[start]), ("ends", text[end - 1])) if char.isspace()]
        if edges:
            span_id = _str(span, "span_id")
            yield ctx.issue("span-edge-whitespace", f"/spans/{index}",
                            f"span {span_id or f'#{index}'} {' and '.join(edges)} with whitespace: {_clip(text[start:end])!r}", span_id)


def check_span_references(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """A quote's speaker_span names a speaker span and its cue a cue span."""
    labels = _span_labels(doc)
    wanted = {"speaker_span": ("speaker", "dangling-speaker-span", "speaker-span-not-speaker"),
              "cue": ("cue", "dangling-cue", "cue-not-cue")}
    for index, span in iter_spans(doc):
        if span.get("label") != "quote":
            continue
        span_id = _str(span, "span_id")
        for field, (label, dangling, wrong) in wanted.items():
            target = _str(span, field)
            if target is None:
                continue
            pointer = f"/spans/{index}/{field}"
            if target not in labels:
                yield ctx.issue(dangling, pointer, f"quote {span_id} {field} {_clip(target)!r} names no span in this document", span_id)
            elif labels[target] != label:
                yield ctx.issue(wrong, pointer, f"quote {span_id} {field} {target!r} is a {labels[target]} span, not a {label} span", span_id)


def check_speaker_agreement(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """A quote's speaker equals the entity of its speaker span."""
    entities: dict[str, str] = {}
    for _, span in iter_spans(doc):
        span_id, entity = _str(span, "span_id"), _str(span, "entity")
        if span.get("label") == "speaker" and span_id is not None and entity is not None:
            entities.setdefault(span_id, entity)
    for index, span in iter_spans(doc):
        if span.get("label") != "quote":
            continue
        speaker, target = _str(span, "speaker"), _str(span, "speaker_span")
        if speaker is not None and target in entities and entities[target] != speaker:
            span_id = _str(span, "span_id")
            yield ctx.issue("speaker-mismatch", f"/spans/{index}/speaker",
                            f"quote {span_id} speaker {speaker!r} differs from speaker span {target} entity {entities[target]!r}", span_id)


def check_entity_references(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """outlet_entity, the document speaker and every span's entity, speaker and
    claimant name entities of the registry."""
    if ctx.entity_ids is None or not isinstance(doc, dict):
        return
    for key in ("outlet_entity", "speaker"):
        value = doc.get(key)
        if isinstance(value, str) and value not in ctx.entity_ids:
            yield ctx.issue("unknown-entity", f"/{key}", f"document {key} {_clip(value)!r} is not in the entity registry")
    for index, span in iter_spans(doc):
        label = _str(span, "label")
        fields = LABEL_FIELDS.get(label or "", ())
        for key in ("entity", "speaker", "claimant"):
            value = _str(span, key)
            if key in fields and value is not None and value not in ctx.entity_ids:
                span_id = _str(span, "span_id")
                yield ctx.issue("unknown-entity", f"/spans/{index}/{key}",
                                f"{label} {span_id} {key} {_clip(value)!r} is not in the entity registry", span_id)


def check_timex(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """A date span's TIMEX3 value is well formed for its type."""
    for index, span in iter_spans(doc):
        if span.get("label") != "date":
            continue
        timex_type, value = _str(span, "timex_type"), _str(span, "value")
        if timex_type in TIMEX_CHECKS and value is not None and not TIMEX_CHECKS[timex_type](value):
            span_id = _str(span, "span_id")
            yield ctx.issue("timex-value-invalid", f"/spans/{index}/value",
                            f"date {span_id} value {_clip(value)!r} is not a valid TIMEX3 {timex_type} value", span_id)


def check_draft(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """Spans still marked draft (errors under --release)."""
    for index, span in iter_spans(doc):
        if span.get("status") == "draft":
            span_id = _str(span, "span_id")
            yield ctx.issue("span-draft", f"/spans/{index}/status", f"span {span_id} is still a draft", span_id)


DOCUMENT_RULES: tuple[DocRule, ...] = (
    check_doc_id,
    check_dates,
    check_body,
    check_span_ids,
    check_offsets,
    check_span_text,
    check_span_edges,
    check_span_references,
    check_speaker_agreement,
    check_entity_references,
    check_timex,
    check_draft,
)


def check_document(doc: Any, text: str | None, ctx: DocContext) -> Iterator[Issue]:
    """Every document rule, in turn."""
    for rule in DOCUMENT_RULES:
        yield from rule(doc, text, ctx)


# --- the fast path: is there anything to report at all? ---------------------------

_LABELS = frozenset(LABEL_FIELDS)
_DOCUMENT_LEVEL_RULES: tuple[DocRule, ...] = (check_doc_id, check_dates, check_body)


def document_is_clean(doc: Any, text: str | None, ctx: DocContext, columns: SpanColumns | None = None) -> bool:
    """True only when no rule of :data:`DOCUMENT_RULES` has anything to report.

    Meant for documents that passed their schema, where running every rule span
    by span costs more than parsing the file. It asks, corpus-wide and mostly in
    C (``map``, ``set``, slicing), the questions the span rules ask one span at a
    time, and is stricter than each of them: anything unusual (a draft, a missing
    or mistyped field, an unknown label) answers False. False decides nothing:
    the caller then runs :func:`check_document`, whose issues are the report, so
    the report never depends on this function. ``tests/test_fast_path.py`` checks
    that True implies :func:`check_document` yields nothing.
    """
    if not isinstance(doc, dict) or text is None:
        return False
    spans = doc.get("spans")
    if not isinstance(spans, list):
        return False
    # Span records are dicts, or typed records that come with their columns.
    if not (columns is not None and columns.spans is spans and columns.typed) and not set(map(type, spans)) <= {dict}:
        return False
    for rule in _DOCUMENT_LEVEL_RULES:
        if next(rule(doc, text, ctx), None) is not None:
            return False
    try:
        columns = SpanColumns.of(spans, columns)
        return _spans_are_clean(doc, spans, text, ctx.entity_ids, columns)
    except (KeyError, TypeError, AttributeError, IndexError, ValueError):
        return False


# A value no span field holds: what a dict lookup gives for a missing key.
_ABSENT = object()


def _spans_are_clean(doc: dict[str, Any], spans: list[Any], text: str, entity_ids: frozenset[str] | None,
                     columns: SpanColumns) -> bool:
    # Each question is asked of whole columns (map, compress, set, slicing),
    # so a document costs a few C-level passes, not a Python step per span.
    ids, labels, surfaces = columns["span_id"], columns["label"], columns["text"]
    if len(set(ids)) != len(ids) or "draft" in columns["status"]:  # span-id-duplicate, span-draft
        return False
    if not set(labels) <= _LABELS:
        return False
    if not set(map(type, surfaces)) <= {str} or list(map(str.strip, surfaces)) != surfaces:  # span-edge-whitespace
        return False
    # span-reversed, span-empty, offset-out-of-range, span-text-mismatch
    starts, ends = columns["start"], columns["end"]
    if spans and (not columns.int_offsets() or min(starts) < 0 or max(ends) > len(text)
                  or not all(map(operator.lt, starts, ends))
                  or list(map(text.__getitem__, map(slice, starts, ends))) != surfaces):
        return False
    # dangling-*, *-not-*, speaker-mismatch: a quote's speaker span is a speaker
    # span naming the quote's speaker; its cue is a cue span.
    speaker_names = columns.values("speaker", "entity")
    speaker_entity = dict(zip(columns.values("speaker", "span_id"), speaker_names, strict=True))
    quote_speakers = columns.values("quote", "speaker")
    speaker_spans = columns.values("quote", "speaker_span")
    linked = list(map(operator.is_not, speaker_spans, repeat(None)))
    if not all(map(operator.eq, map(speaker_entity.get, compress(speaker_spans, linked), repeat(_ABSENT)),
                   compress(quote_speakers, linked))):
        return False
    cue_ids = set(columns.values("cue", "span_id"))
    if not set(columns.values("quote", "cue")) - {None} <= cue_ids:
        return False
    # timex-value-invalid, each distinct (type, value) checked once
    if not _timex_values_ok(set(zip(columns.values("date", "timex_type"), columns.values("date", "value"), strict=True))):
        return False
    if entity_ids is None:
        return True
    named = {doc.get("outlet_entity"), doc.get("speaker")} - {None}  # unknown-entity
    named.update(speaker_names)
    named.update(quote_speakers)
    named.update(columns.values("claim", "claimant"))
    return named <= entity_ids


# --- TIMEX3 values ----------------------------------------------------------------

_NUM = r"(?:\d+(?:\.\d+)?|X+)"
_YEAR = r"(?:\d{4}|XXXX)"
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_DAY = r"(?:0[1-9]|[12]\d|3[01]|XX)"
_WEEK = r"(?:0[1-9]|[1-4]\d|5[0-3]|XX)"
_DAY_DATE = rf"{_YEAR}-(?:{_MONTH}-{_DAY}|W{_WEEK}-(?:[1-7]|X))"
_DATE = re.compile(
    rf"^(?:PRESENT_REF|PAST_REF|FUTURE_REF|\d{{3}}X?|\d{{2}}(?:XX)?|"
    rf"{_YEAR}(?:-{_MONTH}(?:-{_DAY})?|-W{_WEEK}(?:-(?:[1-7]|X|WE))?|-Q(?:[1-4]|X)|-(?:SP|SU|FA|WI)|-H[12])?)$"
)
_CLOCK = r"(?:[01]\d|2[0-4])(?::[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
_TIME = re.compile(rf"^{_DAY_DATE}T(?:{_CLOCK}|MO|MI|AF|EV|NI|DT)$")
_DURATION = re.compile(rf"^P(?!$)(?!T$)(?:{_NUM}(?:DE|CE|ML|Y|Q|M|W|D))*(?:T(?:{_NUM}[HMS])+)?$")


def _real_calendar_date(value: str) -> bool:
    """A concrete YYYY-MM-DD prefix must be a real day (no 2023-02-30)."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
    if match is None:
        return True
    try:
        dt.date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return True


def timex_date_ok(value: str) -> bool:
    return _DATE.match(value) is not None and _real_calendar_date(value)


def timex_time_ok(value: str) -> bool:
    return _TIME.match(value) is not None and _real_calendar_date(value)


def timex_duration_ok(value: str) -> bool:
    return _DURATION.match(value) is not None


def timex_set_ok(value: str) -> bool:
    """SET values are durations (P1W) or date/time patterns (XXXX-WXX-1)."""
    return timex_duration_ok(value) or timex_date_ok(value) or timex_time_ok(value)


TIMEX_CHECKS: dict[str, Callable[[str], bool]] = {
    "DATE": timex_date_ok,
    "TIME": timex_time_ok,
    "DURATION": timex_duration_ok,
    "SET": timex_set_ok,
}


# (type, value) pairs already found valid in this process: a corpus repeats its
# values (a million synthetic spans hold about seven dates per distinct value),
# so most of a document's pairs are answered by one set difference.
_VALID_TIMEX: set[tuple[Any, Any]] = set()
_VALID_TIMEX_LIMIT = 1 << 16


def _timex_values_ok(pairs: set[tuple[Any, Any]]) -> bool:
    """Whether every (timex_type, value) pair passes :data:`TIMEX_CHECKS`."""
    unseen = pairs - _VALID_TIMEX
    for timex_type, value in unseen:
        check = TIMEX_CHECKS.get(timex_type) if isinstance(timex_type, str) else None
        if type(value) is not str or check is None or not check(value):
            return False
    if len(_VALID_TIMEX) + len(unseen) > _VALID_TIMEX_LIMIT:
        _VALID_TIMEX.clear()
    _VALID_TIMEX.update(unseen)
    return True


# --- registry rules ---------------------------------------------------------------


def _records(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def registry_ids(entities: Any) -> frozenset[str]:
    """Every string entity_id of a parsed registry."""
    return frozenset(e["entity_id"] for _, e in _records(entities, "entities") if isinstance(e.get("entity_id"), str))


def check_registry(entities: Any, ctx: FileContext) -> Iterator[Issue]:
    """Unique entity ids; members only on groups; members name known entities."""
    known = registry_ids(entities)
    for index, repeated, first in _repeated_ids(_records(entities, "entities"), "entity_id"):
        yield ctx.issue("entity-id-duplicate", f"/entities/{index}/entity_id",
                        f"entity id {repeated!r} already used by /entities/{first}")
    for index, entity in _records(entities, "entities"):
        entity_id = _str(entity, "entity_id")
        members = entity.get("members")
        if not isinstance(members, list):
            continue
        if members and entity.get("type") in ("person", "organization"):
            yield ctx.issue("entity-members-mismatch", f"/entities/{index}/members",
                            f"entity {entity_id} is a {entity['type']} but lists members")
        for m_index, member in enumerate(members):
            if isinstance(member, str) and member not in known:
                yield ctx.issue("unknown-entity", f"/entities/{index}/members/{m_index}",
                                f"group {entity_id} member {_clip(member)!r} is not in the entity registry")


# --- link rules -------------------------------------------------------------------

CLUSTER_MEMBER_LABELS = {"quote_cluster": "quote", "claim_cluster": "claim"}


def check_links(links: Any, ctx: FileContext) -> Iterator[Issue]:
    """Unique cluster ids; clusters large enough; no member twice in a cluster.
    (Whether members exist is checked while documents stream by.)"""
    for index, repeated, first in _repeated_ids(_records(links, "clusters"), "cluster_id"):
        yield ctx.issue("cluster-id-duplicate", f"/clusters/{index}/cluster_id",
                        f"cluster id {repeated!r} already used by /clusters/{first}")
    for index, cluster in _records(links, "clusters"):
        cluster_id = _str(cluster, "cluster_id")
        members = cluster.get("members")
        if not isinstance(members, list):
            continue
        seen: set[tuple[str, str]] = set()
        for m_index, member in enumerate(members):
            if not isinstance(member, dict):
                continue
            doc_id, span_id = _str(member, "doc_id"), _str(member, "span_id")
            if doc_id is None or span_id is None:
                continue
            key = (doc_id, span_id)
            if key in seen:
                yield ctx.issue("link-member-duplicate", f"/clusters/{index}/members/{m_index}",
                                f"cluster {cluster_id} lists {key[0]}/{key[1]} twice")
            seen.add(key)
        has_primary = isinstance(cluster.get("primary_text"), str)
        if len(members) < 2 and not (len(members) == 1 and has_primary):
            yield ctx.issue("cluster-too-small", f"/clusters/{index}/members",
                            f"cluster {cluster_id} has {len(members)} member(s) and no primary_text")


@dataclass(frozen=True)
class MemberRef:
    """One link member to look up while the documents stream by."""

    pointer: str
    cluster_id: str
    doc_id: str
    span_id: str
    label: str | None  # the label its cluster type demands


def link_members(links: Any) -> Iterator[MemberRef]:
    """Every well-typed link member of a parsed links file."""
    for index, cluster in _records(links, "clusters"):
        label = CLUSTER_MEMBER_LABELS.get(cluster.get("cluster_type"))  # type: ignore[arg-type]
        cluster_id = str(cluster.get("cluster_id"))
        for m_index, member in _records(cluster, "members"):
            doc_id, span_id = _str(member, "doc_id"), _str(member, "span_id")
            if doc_id is not None and span_id is not None:
                yield MemberRef(f"/clusters/{index}/members/{m_index}", cluster_id, doc_id, span_id, label)


def check_link_member(ref: MemberRef, found: Mapping[str, str] | None, ctx: FileContext) -> Iterator[Issue]:
    """One member against what its document holds: ``found`` maps the document's
    requested span ids to their labels, or is None when no such document exists."""
    if found is None:
        yield ctx.issue("link-unknown-doc", f"{ref.pointer}/doc_id",
                        f"cluster {ref.cluster_id} member {_clip(ref.doc_id)!r} has no annotation file")
    elif ref.span_id not in found:
        yield ctx.issue("link-unknown-span", f"{ref.pointer}/span_id",
                        f"cluster {ref.cluster_id} member {ref.doc_id}/{ref.span_id} names no span")
    elif ref.label is not None and found[ref.span_id] != ref.label:
        yield ctx.issue("link-wrong-label", f"{ref.pointer}/span_id",
                        f"cluster {ref.cluster_id} member {ref.doc_id}/{ref.span_id} is a {found[ref.span_id]} span, not a {ref.label} span")


@dataclass(frozen=True)
class PrimaryText:
    """A cluster's ``primary_text``: the primary source's words, to be found there."""

    pointer: str
    cluster_id: str
    text: str


def primary_texts(links: Any) -> Iterator[PrimaryText]:
    """Every cluster's primary_text that is a non-empty string."""
    for index, cluster in _records(links, "clusters"):
        text = _str(cluster, "primary_text")
        if text:
            yield PrimaryText(f"/clusters/{index}/primary_text", str(cluster.get("cluster_id")), text)


def check_primary_texts(texts: Iterable[PrimaryText], sources: Mapping[str, str], ctx: FileContext) -> Iterator[Issue]:
    """primary-text-not-in-source: a primary_text is copied exactly from the
    primary source, so it occurs verbatim in the text of a document of genre
    official_statement. ``sources`` maps those documents' ids to their texts."""
    named = ", ".join(sorted(sources)) if sources else "the corpus has none"
    for primary in texts:
        if not any(primary.text in text for text in sources.values()):
            yield ctx.issue("primary-text-not-in-source", primary.pointer,
                            f"cluster {_clip(primary.cluster_id)}: primary_text {_clip(primary.text)!r} does not occur "
                            f"verbatim in any official statement ({named})")


def check_quote_cluster_speakers(members: Iterable[MemberRef], speakers: Mapping[str, Mapping[str, str]],
                                 ctx: FileContext) -> Iterator[Issue]:
    """quote-cluster-speakers: a quote cluster groups reports of one utterance by
    one speaker, so its member quotes name one speaker entity. ``speakers``
    maps a document to the speakers of its quotes that links ask about
    (:func:`requested_speakers`); members not found there are left to the
    member checks."""
    clusters: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for ref in members:
        speaker = speakers.get(ref.doc_id, {}).get(ref.span_id) if ref.label == "quote" else None
        if speaker is not None:
            pointer, _, index = ref.pointer.rpartition("/members/")
            clusters.setdefault(pointer, (ref.cluster_id, {}))[1].setdefault(speaker, []).append(index)
    for pointer, (cluster_id, by_speaker) in clusters.items():
        if len(by_speaker) > 1:
            named = "; ".join(f"{_clip(speaker)} (member{'s' if len(indexes) > 1 else ''} {', '.join(indexes)})"
                              for speaker, indexes in sorted(by_speaker.items()))
            yield ctx.issue("quote-cluster-speakers", pointer,
                            f"quote cluster {_clip(cluster_id)} joins quotes of different speakers: {named}")


def requested_speakers(doc: Any, found: Mapping[str, str], columns: SpanColumns | None = None) -> dict[str, str]:
    """The speaker entity of each span that ``found`` (:func:`requested_labels`)
    labels a quote, where it is a string; the first quote with an id wins."""
    quote_ids = [span_id for span_id, label in found.items() if label == "quote"]
    spans = doc.get("spans") if isinstance(doc, dict) else None
    if not quote_ids or not isinstance(spans, list):
        return {}
    try:
        made = SpanColumns.of(spans, columns)
        first = dict(zip(reversed(made.values("quote", "span_id")), reversed(made.values("quote", "speaker")), strict=True))
    except (KeyError, TypeError, AttributeError):  # a malformed record: one at a time
        first = {}
        for span in spans:
            if isinstance(span, dict) and span.get("label") == "quote":
                span_id = _str(span, "span_id")
                if span_id is not None:
                    first.setdefault(span_id, span.get("speaker"))
    return {span_id: first[span_id] for span_id in quote_ids if isinstance(first.get(span_id), str)}


def requested_labels(doc: Any, wanted: frozenset[str], columns: SpanColumns | None = None) -> dict[str, str]:
    """Labels of the spans of ``doc`` whose ids links ask about (the first span
    with an id wins, as in :func:`_span_labels`). ``columns``: the spans'
    columns, if already at hand."""
    spans = doc.get("spans") if isinstance(doc, dict) else None
    if isinstance(spans, list):
        made = SpanColumns.of(spans, columns)
        try:
            ids, labels = made["span_id"], made["label"]
        except (KeyError, TypeError):
            ids = labels = []
        # Typed records' ids and labels are strings by type.
        if ids and (made.typed or (set(map(type, ids)) <= {str} and set(map(type, labels)) <= {str})):
            # Well-formed spans (the usual case), at C speed: built back to front,
            # the dict keeps each id's first label.
            first = dict(zip(reversed(ids), reversed(labels), strict=True))
            return {span_id: first[span_id] for span_id in wanted if span_id in first}
    return {span_id: label for span_id, label in _span_labels(doc).items() if span_id in wanted}
