"""Typed decoding: the fast path's check of a document file in a few compiled passes.

``msgspec`` decodes a document file straight into typed records whose types are
read off the package's JSON Schema (:func:`document_types`): every field's JSON
type, closed vocabulary, length and range bounds, and the absence of unknown
fields are then checked by the decoder itself, in C, while it parses. What a
type cannot say is checked after it, over whole columns:

- which fields a span carries depends on its label (the schema's per-label
  ``if``/``then``): the decoded span type holds every span field, the
  label-specific ones optional, and the check counts each span's fields
  against its label's;
- patterns (identifiers, dates) are matched once per distinct value, with the
  same ``re.search`` that jsonschema's Python validator uses;
- the file must be in canonical form: the records are written back by
  ``msgspec`` (fields in their canonical order, strings escaped exactly as
  ``json.dumps(ensure_ascii=False)`` does) and the text compared byte for byte.

A document that passes is one about which neither the detailed reader nor the
schema would report anything (``tests/test_typed.py`` tries the cases one by
one). Anything the translation does not understand (a keyword, a shape) makes
:func:`document_types` return None, and the compiled schema validator does the
job instead: this module only ever answers "valid, and here is the data" or
"ask the detailed path".
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec

from .io import RECORD_BREAK, canonical_key_order, spaced_records
from .model import (
    DOCUMENT_FILE_KEYS,
    LABEL_FIELDS,
    LABELS,
    SPAN_COMMON_FIELDS,
    SPAN_FIELD_NAMES,
    SpanColumns,
    int_offsets_in_canonical_order,
)

__all__ = ["TypedDocuments", "as_json", "document_types"]

# Keywords that only document a schema.
_NOTES = frozenset({"description", "title", "$comment"})
# Keywords of a schema's root that say nothing about the instance.
_ROOT_KEYWORDS = frozenset({"$schema", "$id", "$defs"})
_LEAF_KEYWORDS = frozenset({"type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
                            "anyOf", "$ref"}) | _NOTES


# msgspec.Meta, called with keyword arguments built from the schema.
_META: Any = msgspec.Meta


class _Refused(Exception):
    """The schema holds something this translation does not render as a type."""


@dataclass(frozen=True)
class _Leaf:
    """One field's type, and its pattern (checked after decoding), if any."""

    annotation: Any
    pattern: str | None = None


class _Resolver:
    """Follows ``$ref`` within the package's schemas (local ids only)."""

    def __init__(self, schemas: Mapping[str, Any], base: str) -> None:
        self.schemas, self.base = schemas, base

    def __call__(self, node: Any, base: str | None = None) -> tuple[Any, str]:
        base = base or self.base
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            if set(node) - _NOTES != {"$ref"} or seen > 16:
                raise _Refused("a $ref beside other keywords")
            uri, _, pointer = str(node["$ref"]).partition("#")
            base = uri or base
            node = self.schemas.get(base)
            for part in [p for p in pointer.split("/") if p]:
                if not isinstance(node, dict) or part not in node:
                    raise _Refused(f"unresolved $ref {node!r}")
                node = node[part]
            seen += 1
        if not isinstance(node, dict):
            raise _Refused("a schema that is not an object")
        return node, base


def _bounds(node: Mapping[str, Any], low: str, high: str, low_name: str, high_name: str) -> dict[str, Any]:
    meta = {}
    for keyword, name in ((low, low_name), (high, high_name)):
        if keyword in node:
            value = node[keyword]
            if type(value) is not int:
                raise _Refused(f"{keyword} {value!r}")
            meta[name] = value
    return meta


def _leaf(node: Any, resolve: _Resolver, base: str | None = None) -> _Leaf:
    """The type of a field whose schema is a scalar one (with ``anyOf``
    only to admit ``null``)."""
    node, base = resolve(node, base)
    if not set(node) <= _LEAF_KEYWORDS:
        raise _Refused(f"keywords {sorted(set(node) - _LEAF_KEYWORDS)}")
    if "anyOf" in node:
        branches = node["anyOf"]
        if set(node) - _NOTES != {"anyOf"} or not isinstance(branches, list) or len(branches) != 2:
            raise _Refused("anyOf other than a type or null")
        nulls = [b for b in branches if resolve(b, base)[0] == {"type": "null"}]
        if len(nulls) != 1:
            raise _Refused("anyOf other than a type or null")
        other = _leaf(branches[1 - branches.index(nulls[0])], resolve, base)
        return _Leaf(other.annotation | None, other.pattern)
    if "enum" in node or "const" in node:
        values = list(node["enum"]) if "enum" in node else [node["const"]]
        if set(node) - _NOTES not in ({"enum"}, {"const"}) or not values:
            raise _Refused("enum with other keywords")
        strings = tuple(v for v in values if type(v) is str)
        if not strings or len(strings) + values.count(None) != len(values):
            raise _Refused("enum of values other than strings and null")
        literal: Any = Literal[strings]
        return _Leaf(literal | None if None in values else literal)
    kind = node.get("type")
    if kind == "string":
        if not set(node) - _NOTES <= {"type", "pattern", "minLength", "maxLength"}:
            raise _Refused("string keywords")
        meta = _bounds(node, "minLength", "maxLength", "min_length", "max_length")
        pattern = node.get("pattern")
        if pattern is not None:
            if not isinstance(pattern, str):
                raise _Refused("pattern")
            re.compile(pattern)
        return _Leaf(Annotated[str, _META(**meta)] if meta else str, pattern)
    if kind == "integer":
        if not set(node) - _NOTES <= {"type", "minimum", "maximum"}:
            raise _Refused("integer keywords")
        meta = _bounds(node, "minimum", "maximum", "ge", "le")
        # msgspec's int takes no 1.0, which the schema would: stricter, so safe.
        return _Leaf(Annotated[int, _META(**meta)] if meta else int)
    if kind == "boolean" and set(node) - _NOTES == {"type"}:
        return _Leaf(bool)
    raise _Refused(f"type {kind!r}")


def _closed_object(node: Any, resolve: _Resolver, base: str | None = None) -> tuple[dict[str, Any], str]:
    """The properties of an object schema that requires every one of them and
    allows nothing else."""
    node, base = resolve(node, base)
    if set(node) - _NOTES - _ROOT_KEYWORDS != {"type", "required", "additionalProperties", "properties"}:
        raise _Refused("object keywords")
    if node["type"] != "object" or node["additionalProperties"] is not False:
        raise _Refused("an open object")
    properties = node["properties"]
    if sorted(node["required"]) != sorted(properties) or len(set(node["required"])) != len(node["required"]):
        raise _Refused("an optional property")
    return properties, base


def _array(node: Any, resolve: _Resolver, base: str) -> tuple[Any, dict[str, int], str]:
    node, base = resolve(node, base)
    if not set(node) - _NOTES <= {"type", "items", "minItems", "maxItems"} or node.get("type") != "array":
        raise _Refused("array keywords")
    return node["items"], _bounds(node, "minItems", "maxItems", "min_length", "max_length"), base


def _ordered(names: tuple[str, ...]) -> tuple[str, ...]:
    order = canonical_key_order(names)
    if order != names:
        raise _Refused("fields not in canonical order")
    return order


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    document_fields: tuple[str, ...]
    span_fields: tuple[str, ...]


def document_types(schemas: Mapping[str, Any], document_id: str, label_branches: Mapping[str, Any]) -> TypedDocuments | None:
    """The typed fast path for the document schema ``schemas[document_id]``, or
    None when that schema says something the translation does not render.

    ``schemas``: every local schema by its ``$id``. ``label_branches``: the span
    schema as one closed branch per label (see
    :func:`eunato_corpus.schema.label_branches`)."""
    try:
        return _document_types(schemas, document_id, label_branches)
    except (_Refused, KeyError, TypeError, ValueError, re.error):
        return None


def _document_types(schemas: Mapping[str, Any], document_id: str, branches_schema: Mapping[str, Any]) -> TypedDocuments:
    resolve = _Resolver(schemas, document_id)
    top, base = _closed_object(schemas[document_id], resolve)
    if set(top) != set(DOCUMENT_FILE_KEYS) or DOCUMENT_FILE_KEYS[-2:] != ("body", "spans"):
        raise _Refused("document fields")
    patterns: dict[str, tuple[list[str], list[str]]] = {}

    def note(pattern: str | None, field: str, in_span: bool) -> None:
        if pattern is not None:
            patterns.setdefault(pattern, ([], []))[in_span].append(field)

    # The ranges of body.
    range_items, body_bounds, range_base = _array(top["body"], resolve, base)
    range_props, range_base = _closed_object(range_items, resolve, range_base)
    if set(range_props) != {"start", "end"}:
        raise _Refused("body ranges")
    range_fields = []
    for name in _ordered(tuple(range_props)):
        leaf = _leaf(range_props[name], resolve, range_base)
        if leaf.pattern is not None:
            raise _Refused("a pattern on a range")
        range_fields.append((name, leaf.annotation))
    # gc=False: a range or span holds only strings, ints and None, so it can be in
    # no reference cycle, and the cycle collector need not track it.
    range_type = msgspec.defstruct("BodyRange", range_fields, forbid_unknown_fields=True, gc=False)

    # The spans: one type with every field, the label-specific ones optional.
    span_items, span_bounds, span_base = _array(top["spans"], resolve, base)
    if span_bounds or span_items != {"$ref": "#/$defs/span"} or span_base != document_id:
        raise _Refused("spans")
    branches = branches_schema["$defs"]["span"]["anyOf"]
    by_label: dict[str, tuple[str, ...]] = {}
    field_schema: dict[str, Any] = {}
    for branch in branches:
        properties, _ = _closed_object(branch, resolve, span_base)
        label = properties["label"]["const"]
        by_label[label] = tuple(properties)
        for name, schema in properties.items():
            if name == "label":
                continue
            if name in field_schema and field_schema[name] != schema:
                raise _Refused(f"field {name!r} typed differently by label")
            field_schema[name] = schema
    if tuple(by_label) != LABELS:
        raise _Refused("labels")
    for label, names in by_label.items():
        expected = SPAN_COMMON_FIELDS + LABEL_FIELDS[label]
        if set(names) != set(expected) or canonical_key_order(tuple(names)) != tuple(n for n in SPAN_FIELD_NAMES if n in names):
            raise _Refused(f"fields of {label} spans")
    span_fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for name in SPAN_FIELD_NAMES:
        if name == "label":
            span_fields.append((name, Literal[LABELS]))
            continue
        leaf = _leaf(field_schema[name], resolve, span_base)
        note(leaf.pattern, name, True)
        if name in SPAN_COMMON_FIELDS:
            span_fields.append((name, leaf.annotation))
        else:
            span_fields.append((name, leaf.annotation | msgspec.UnsetType, msgspec.UNSET))
    span_type = msgspec.defstruct("Span", span_fields, forbid_unknown_fields=True, gc=False)

    document_fields: list[tuple[str, Any]] = []
    for name in _ordered(tuple(top)):
        if name == "body":
            document_fields.append((name, Annotated[list[range_type], _META(**body_bounds)]  # type: ignore[valid-type]
                                    if body_bounds else list[range_type]))  # type: ignore[valid-type]
        elif name == "spans":
            document_fields.append((name, list[span_type]))  # type: ignore[valid-type]
        else:
            leaf = _leaf(top[name], resolve, base)
            note(leaf.pattern, name, False)
            document_fields.append((name, leaf.annotation))
    document_type = msgspec.defstruct("Document", document_fields, forbid_unknown_fields=True)
    return TypedDocuments(
        decoder=msgspec.json.Decoder(document_type),
        scalar_fields=tuple(name for name in DOCUMENT_FILE_KEYS if name not in ("body", "spans")),
        patterns=tuple(_Pattern(re.compile(p), tuple(d), tuple(s)) for p, (d, s) in patterns.items()),
        int_offsets=all(_is_int(next(f[1] for f in span_fields if f[0] == name)) for name in ("start", "end")),
    )


def _is_int(annotation: Any) -> bool:
    """Whether a field typed ``annotation`` can only hold an int (msgspec's int
    takes no bool and no float)."""
    return annotation is int or (get_origin(annotation) is Annotated and get_args(annotation)[0] is int)


_ENCODER = msgspec.json.Encoder()
# A typed record holds the marker UNSET in a field it lacks. For each label, a
# getter of every other label's fields (all UNSET in its spans).
_OPTIONAL_FIELDS = tuple(name for name in SPAN_FIELD_NAMES if name not in SPAN_COMMON_FIELDS)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    return operator.attrgetter(*names) if len(names) > 1 else (lambda record: (getattr(record, names[0]),))


_OTHERS = {label: _getter(tuple(n for n in _OPTIONAL_FIELDS if n not in LABEL_FIELDS[label])) for label in LABELS}
_NONE_OF_THEM = {label: tuple(msgspec.UNSET for n in _OPTIONAL_FIELDS if n not in LABEL_FIELDS[label]) for label in LABELS}
_LABELS_OF = {name: tuple(label for label in LABELS if name in LABEL_FIELDS[label]) for name in SPAN_FIELD_NAMES}


def _records(records: list[Any], pad: bytes) -> bytes | None:
    """A list of flat records as the canonical form writes it, one per line at
    ``pad``, from ``msgspec``'s compact text of them."""
    if not records:
        return b"[]"
    lines = spaced_records(_ENCODER.encode(records), len(records), pad)
    return None if lines is None else b"[\n" + lines + b"\n" + pad[:-2] + b"]"


@dataclass(frozen=True)
class TypedDocuments:
    """The document schema as ``msgspec`` types, and the checks that complete them."""

    decoder: msgspec.json.Decoder[Any]
    scalar_fields: tuple[str, ...]
    patterns: tuple[_Pattern, ...]
    int_offsets: bool  # every span's start and end is an int by type

    def check(self, raw: bytes, *, records: bool = False) -> tuple[dict[str, Any], SpanColumns] | None:
        """The parsed document and its spans' columns when the file is valid
        under the schema and canonical; None when it may not be (ask the
        detailed path).

        The document is parsed JSON (dicts and lists), except with
        ``records=True``: its spans are then the typed records themselves,
        which :func:`as_json` turns into dicts, and the columns read them."""
        try:
            document = self.decoder.decode(raw)
        except (msgspec.MsgspecError, ValueError):  # UnicodeDecodeError among the latter
            return None
        try:
            checked = self._complete(raw, document)
        except (KeyError, ValueError, TypeError, msgspec.MsgspecError):
            return None
        if checked is None or records:
            return checked
        data = as_json(checked[0])
        return data, SpanColumns(data["spans"])

    def _complete(self, raw: bytes, document: Any) -> tuple[dict[str, Any], SpanColumns] | None:
        spans = document.spans
        columns = SpanColumns.of_records(spans, msgspec.UNSET, _OPTIONAL_FIELDS, int_offsets=self.int_offsets)
        # Each span carries exactly its label's fields: every one of its own
        # (the common ones the type requires), and no field of another label.
        for label in LABELS:
            group = columns.of_label(label)
            if not group:
                continue
            for name in LABEL_FIELDS[label]:
                columns.values(label, name)  # KeyError when a span lacks it (made once, read again below)
            if set(map(_OTHERS[label], group)) != {_NONE_OF_THEM[label]}:
                return None
        data = msgspec.structs.asdict(document)
        data["body"] = msgspec.to_builtins(document.body)
        for pattern in self.patterns:
            values = set(map(data.__getitem__, pattern.document_fields))
            for name in pattern.span_fields:
                values.update(columns[name] if name in SPAN_COMMON_FIELDS else
                              chain.from_iterable(columns.values(label, name) for label in _LABELS_OF[name]))
            values.discard(None)
            if not all(map(pattern.regex.search, values)):
                return None
        if not int_offsets_in_canonical_order(spans, columns):
            return None
        return (data, columns) if self._is_canonical(document, raw) else None

    def _is_canonical(self, document: Any, raw: bytes) -> bool:
        """Whether ``raw`` is the canonical text of ``document``: written here
        piece by piece (the spans by ``msgspec``, one record per line) and
        compared with ``raw`` in place."""
        head = [b"{\n"]
        for name in self.scalar_fields:
            head += (b"  ", _ENCODER.encode(name), b": ", _ENCODER.encode(getattr(document, name)), b",\n")
        body = _records(document.body, b"    ")
        if body is None:
            return False
        head += (b'  "body": ', body, b',\n  "spans": ')
        start = sum(map(len, head))
        if not raw.startswith(b"".join(head)):
            return False
        if not document.spans:
            return len(raw) == start + len(_NO_SPANS) and raw.endswith(_NO_SPANS)
        # Records on one line each: "}, {" is where one ends and the next
        # begins, unless it is inside a string; a replacement there would put
        # a line break in the string, which the parsed raw cannot hold, so the
        # comparison fails and the detailed path decides.
        lines = msgspec.json.format(_ENCODER.encode(document.spans), indent=0).replace(RECORD_BREAK, _LINE_BREAK)
        return (len(raw) == start + len(_SPANS_OPEN) + len(lines) - 2 + len(_SPANS_CLOSE)
                and raw.startswith(_SPANS_OPEN, start) and raw.endswith(_SPANS_CLOSE)
                and raw.startswith(lines[1:-1], start + len(_SPANS_OPEN)))


_LINE_BREAK = RECORD_BREAK.replace(b" ", b"\n    ")  # "}, {" -> "},\n    {"
_SPANS_OPEN, _SPANS_CLOSE, _NO_SPANS = b"[\n    ", b"\n  ]\n}\n", b"[]\n}\n"


def as_json(document: dict[str, Any]) -> dict[str, Any]:
    """A document whose spans may be typed records, as parsed JSON."""
    spans = document.get("spans")
    if isinstance(spans, list) and spans and not isinstance(spans[0], dict):
        return {**document, "spans": msgspec.to_builtins(spans)}
    return document
