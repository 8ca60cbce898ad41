"""The JSON Schemas of the annotation files, resolved offline, and their errors as Issues.

Schemas are read from the package (``schema/*.schema.json``) into a local
:class:`referencing.Registry`. Giving jsonschema an explicit registry matters:
without one it would fetch unknown remote ``$ref`` targets over the network.
Here a ``$ref`` that the registry cannot resolve becomes a ``schema-invalid``
issue instead.

Validity is decided first by a compiled validator (``jsonschema-rs``, given the
same local resources and run offline, so it cannot fetch either); only a file it
rejects goes through jsonschema's Python validator, which explains the failure.
On a valid corpus that is the whole cost; on an invalid file the report is the
one the Python validator gives.

Errors are turned into :class:`~eunato_corpus.issues.Issue` records with stable
rule ids (``schema-required``, ``schema-type``, ...), a JSON pointer built from
``err.absolute_path`` and a short message written here, never jsonschema's own
message, which may repeat a whole (possibly huge) instance.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import jsonschema_rs
import referencing.exceptions
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .issues import RULES, Issue
from .model import LABEL_FIELDS, SPAN_COMMON_FIELDS, SPAN_FIELD_NAMES
from .typed import TypedDocuments, document_types

KINDS = ("document", "entities", "links")

_RANGE_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
     "minProperties", "maxProperties"}
)
_JSON_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
                    int: "an integer", float: "a number"}


def default_schema_dir() -> Path:
    """Where the package's schemas live: inside the installed package (wheel), or
    the repository's ``schema/`` folder (editable install)."""
    here = Path(__file__).resolve().parent
    packaged = here / "schema"
    return packaged if packaged.is_dir() else here.parents[1] / "schema"


@dataclass(frozen=True)
class SchemaSet:
    """One compiled validator per kind of annotation file, plus any problem met
    while loading them (reported as ``schema-invalid``)."""

    validators: Mapping[str, Draft202012Validator]
    problems: tuple[Issue, ...]
    # Compiled validators that only say valid or not; a kind whose schema they
    # cannot compile is left out and checked by ``validators`` alone.
    fast: Mapping[str, Any] = dataclass_field(default_factory=dict)
    # True for the package's own schemas (no ``schema_dir`` given): what they
    # accept is known well enough for the fast path to skip some scans.
    builtin: bool = False
    # The document schema as msgspec types (see :mod:`eunato_corpus.typed`), for
    # the package's own schemas when the translation understands them.
    typed: TypedDocuments | None = None

    def is_valid(self, data: Any, kind: str) -> bool:
        """True when the compiled validator accepts ``data``; False when it rejects
        it or there is none for ``kind`` (then ask :func:`schema_issues`)."""
        fast = self.fast.get(kind)
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(data))
        except (ValueError, TypeError, RecursionError, OverflowError):
            return False


def _problem(file: str, message: str) -> Issue:
    rule = RULES["schema-invalid"]
    return Issue(file=file, line=None, pointer="", rule=rule.id, severity=rule.severity, message=message)


def _check_schema(schema: Any) -> None:
    """Raise :class:`SchemaError` when ``schema`` is not a valid Draft 2020-12
    schema. The compiled meta-validator answers first (jsonschema's Python one
    takes a tenth of a second for the four schemas, paid before any file is
    checked); only a schema it rejects is checked again by the Python one,
    whose error names the problem."""
    with contextlib.suppress(Exception):  # whatever it cannot take, the Python check explains
        if jsonschema_rs.meta.is_valid(schema):
            return
    Draft202012Validator.check_schema(schema)


@functools.lru_cache(maxsize=8)
def load_schemas(schema_dir: Path | None = None) -> SchemaSet:
    """Read every ``*.schema.json`` of ``schema_dir`` into one local registry and
    compile a validator for each of :data:`KINDS`. Never touches the network."""
    folder = schema_dir if schema_dir is not None else default_schema_dir()
    problems: list[Issue] = []
    contents: dict[str, dict[str, Any]] = {}
    resources: list[tuple[str, Resource[Any]]] = []
    for path in sorted(folder.glob("*.schema.json")):
        try:
            schema = json.loads(path.read_bytes().decode("utf-8"))
            _check_schema(schema)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            problems.append(_problem(path.as_posix(), f"schema file cannot be read: {_short(str(exc), 120)}"))
            continue
        except SchemaError as exc:
            problems.append(_problem(path.as_posix(), f"not a valid Draft 2020-12 schema: {_short(exc.message, 120)}"))
            continue
        kind = path.name.removesuffix(".schema.json")
        contents[kind] = schema
        resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        resources.append((schema.get("$id") or path.resolve().as_uri(), resource))
    registry: Registry[Any] = Registry().with_resources(resources)
    validators: dict[str, Draft202012Validator] = {}
    for kind in KINDS:
        if kind not in contents:
            problems.append(_problem((folder / f"{kind}.schema.json").as_posix(), f"no usable schema for {kind} files"))
            continue
        validators[kind] = Draft202012Validator(contents[kind], registry=registry)
    fast = _compile_fast(contents, [(uri, resource.contents) for uri, resource in resources])
    typed = None
    if schema_dir is None and not problems and "document" in contents:
        branches = label_branches(contents["document"])
        by_id = {str(schema.get("$id")): schema for schema in contents.values()}
        if branches is not None:
            typed = document_types(by_id, str(contents["document"].get("$id")), branches)
    return SchemaSet(validators=validators, problems=tuple(problems), fast=fast, builtin=schema_dir is None, typed=typed)


def _refuse_retrieval(uri: str) -> Any:
    raise LookupError(f"{uri} is not a local schema; nothing is fetched")


_FAST_ID_SUFFIX = ":label-branches"


def label_branches(document: Any) -> dict[str, Any] | None:
    """The document schema with its span rules rewritten for speed, or None when
    the span schema is not of the shape this rewrite understands.

    The published span schema lists every field once (``additionalProperties:
    false``) and adds, per label, an ``if`` (the label is X) / ``then`` (these
    fields are required, those are ``false``). A validator evaluates every
    ``if`` for every span. The rewrite states the same thing as ``anyOf`` one
    branch per label, each a closed object with exactly that label's fields:
    a branch fails at once on the label's ``const``, so a span costs about one
    branch. The two accept the same spans: with the label being X, the
    published schema requires the base fields and X's ``then.required`` and
    allows the fields not set ``false`` for X, which is X's branch; a label
    outside the ``enum`` fails both. Only the compiled fast validator uses it;
    errors are still explained from the published schema.
    """
    try:
        span = document["$defs"]["span"]
        if set(span) != {"type", "required", "additionalProperties", "properties", "allOf"}:
            return None
        if span["type"] != "object" or span["additionalProperties"] is not False:
            return None
        fields, base_required = span["properties"], list(span["required"])
        if set(fields["label"]) != {"enum"} or "label" not in base_required:
            return None
        rules: dict[Any, tuple[list[Any], set[Any]]] = {}
        for rule in span["allOf"]:
            condition = rule["if"]
            if set(rule) != {"if", "then"} or set(condition) != {"required", "properties"} or condition["required"] != ["label"]:
                return None
            if set(condition["properties"]) != {"label"} or set(condition["properties"]["label"]) != {"const"}:
                return None
            label, then = condition["properties"]["label"]["const"], rule["then"]
            if label in rules or not set(then) <= {"required", "properties"}:
                return None
            if any(value is not False for value in then.get("properties", {}).values()):
                return None
            rules[label] = (list(then.get("required", [])), set(then.get("properties", {})))
        branches = []
        for label in fields["label"]["enum"]:
            required, banned = rules.get(label, ([], set()))
            allowed = {name: schema for name, schema in fields.items() if name not in banned}
            allowed["label"] = {"const": label}
            branches.append({"type": "object", "required": base_required + required, "additionalProperties": False,
                             "properties": allowed})
    except (KeyError, TypeError, AttributeError):
        return None
    fast: dict[str, Any] = copy.deepcopy(document)
    # Another id: "#/$defs/..." must resolve inside this copy, not in the published schema.
    fast["$id"] = f"{document.get('$id', 'urn:eunato-corpus:schema:document')}{_FAST_ID_SUFFIX}"
    fast["$defs"]["span"] = {"anyOf": branches}
    return fast


def _compile_fast(contents: Mapping[str, dict[str, Any]], resources: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """A ``jsonschema-rs`` validator per kind, over a registry of the same local
    schemas, with retrieval disabled (``offline``): a ``$ref`` outside the registry
    makes compiling fail, and that kind is then left to the Python validator,
    which reports the ``$ref`` as ``schema-invalid``."""
    try:
        registry = jsonschema_rs.Registry(list(resources), draft=jsonschema_rs.Draft202012, retriever=_refuse_retrieval)
    except Exception:
        return {}
    fast: dict[str, Any] = {}
    for kind in KINDS:
        if kind in contents:
            schema = (label_branches(contents[kind]) if kind == "document" else None) or contents[kind]
            with contextlib.suppress(Exception):  # e.g. an unresolvable $ref: the Python validator reports it
                fast[kind] = jsonschema_rs.Draft202012Validator(schema, registry=registry, offline=True)
    return fast


# --- turning jsonschema errors into issues ----------------------------------------


def _short(value: Any, limit: int = 60) -> str:
    """A bounded repr for messages: instances may be huge or deeply nested."""
    if isinstance(value, (dict, list)):
        text = "an object" if isinstance(value, dict) else "an array"
    elif isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _pointer(path: Sequence[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _field_name(path: Sequence[Any]) -> str:
    return str(path[-1]) if path else "document"


def _resolve(data: Any, path: Sequence[Any]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _explain(err: ValidationError, root: Any) -> tuple[str, str, str]:
    """(rule id, pointer, message) for one jsonschema error."""
    path = list(err.absolute_path)
    pointer = _pointer(path)
    field = _field_name(path)
    keyword = err.validator
    if err.schema is False:
        parent = _resolve(root, path[:-1])
        return "schema-field-not-for-label", pointer, _not_for_label(field, parent)
    if keyword == "required":
        where = f"/{pointer[1:]}" if path else "the file"
        return "schema-required", pointer, f"missing required field {_missing(err)!r} in {where}"
    if keyword == "type":
        expected = err.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
        return "schema-type", pointer, f"field {field!r} must be {wanted}, not {_type_name(err.instance)} {_short(err.instance)}"
    if keyword in ("enum", "const"):
        allowed = err.validator_value if keyword == "enum" else [err.validator_value]
        choices = ", ".join(json.dumps(a) for a in allowed)
        return "schema-enum", pointer, f"field {field!r} is {_short(err.instance)}, not one of {choices}"
    if keyword == "pattern":
        return "schema-pattern", pointer, f"field {field!r} value {_short(err.instance)} does not match {err.validator_value}"
    if keyword in _RANGE_KEYWORDS:
        return "schema-range", pointer, f"field {field!r} value {_short(err.instance)} breaks {keyword} {err.validator_value}"
    return "schema-other", pointer, f"field {field!r}: {_short(err.message, 160)}"


def _not_for_label(field: str, record: Any) -> str:
    label = record.get("label") if isinstance(record, dict) else None
    where = f"a {label} span" if isinstance(label, str) else "this record"
    return f"field {field!r} does not apply to {where}"


def _misplaced_fields(record: Any) -> list[str]:
    """Span fields that the record's label does not carry (from the model's field list)."""
    if not isinstance(record, dict) or record.get("label") not in LABEL_FIELDS:
        return []
    allowed = set(SPAN_COMMON_FIELDS) | set(LABEL_FIELDS[record["label"]])
    return [name for name in SPAN_FIELD_NAMES if name in record and name not in allowed]


def _missing(err: ValidationError) -> str:
    """The field a ``required`` error is about (jsonschema yields one error per
    missing field and names it only in its message)."""
    match = re.match(r"^'(.*)' is a required property$", err.message)
    return match.group(1) if match else _short(err.message)


def _leaves(err: ValidationError) -> Iterator[ValidationError]:
    """The errors to report for one top-level error: anyOf/oneOf collapse to the
    best matching alternative; additionalProperties splits per unknown field."""
    if err.validator in ("anyOf", "oneOf") and err.context:
        yield from _leaves(best_match(err.context))
        return
    yield err


def _unknown_fields(err: ValidationError) -> list[str]:
    schema = err.schema if isinstance(err.schema, dict) else {}
    known = set(schema.get("properties", {}))
    instance = err.instance if isinstance(err.instance, dict) else {}
    return sorted(str(key) for key in instance if key not in known)


def schema_issues(data: Any, kind: str, file: str, schemas: SchemaSet, doc_id: str | None = None) -> list[Issue]:
    """Every schema violation of one parsed annotation file, as issues without
    line numbers (the caller adds them from the file's text)."""
    validator = schemas.validators.get(kind)
    if validator is None or schemas.is_valid(data, kind):
        return []
    issues: list[Issue] = []

    def add(rule_id: str, pointer: str, message: str) -> None:
        rule = RULES[rule_id]
        issues.append(Issue(file, None, pointer, rule_id, rule.severity, message, doc_id, _span_id(data, pointer)))

    misplaced_done: set[str] = set()
    try:
        for top in validator.iter_errors(data):
            for err in _leaves(top):
                if err.schema is False and isinstance(_resolve(data, list(err.absolute_path)), dict):
                    # jsonschema reports a false subschema under "properties" at the
                    # object, not the field: name the fields from the model instead.
                    base = _pointer(list(err.absolute_path))
                    if base not in misplaced_done:
                        misplaced_done.add(base)
                        record = _resolve(data, list(err.absolute_path))
                        for name in _misplaced_fields(record):
                            add("schema-field-not-for-label", f"{base}/{name}", _not_for_label(name, record))
                    continue
                if err.validator == "additionalProperties" and err.schema is not False:
                    base = _pointer(list(err.absolute_path))
                    for name in _unknown_fields(err):
                        add("schema-unknown-field", f"{base}/{_pointer([name])[1:]}", f"unknown field {name!r}")
                    continue
                add(*_explain(err, data))
    except referencing.exceptions.Unresolvable as exc:
        add("schema-invalid", "", f"a $ref of the {kind} schema cannot be resolved locally: {_short(str(exc), 120)}")
    except RecursionError:
        add("json-too-deep", "", "the file nests too deeply to check against the schema")
    # A value of the wrong type is reported once, as such, not also as out of range.
    mistyped = {i.pointer for i in issues if i.rule == "schema-type"}
    return [i for i in issues if i.rule == "schema-type" or i.pointer not in mistyped]


def _span_id(data: Any, pointer: str) -> str | None:
    """The span_id of the span a pointer lies in (``/spans/3/...``), if any."""
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[1] == "spans" and parts[2].isdigit() and isinstance(data, dict):
        spans = data.get("spans")
        index = int(parts[2])
        if isinstance(spans, list) and index < len(spans) and isinstance(spans[index], dict):
            span_id = spans[index].get("span_id")
            return span_id if isinstance(span_id, str) else None
    return None
