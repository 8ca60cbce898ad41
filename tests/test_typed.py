"""The typed fast path (:mod:`eunato_corpus.typed`) vouches only for clean files.

``load_schemas().typed.check(raw)`` answers either "valid and canonical, here is
the data" or None ("ask the detailed path"). What it must never do is vouch for
a file about which the detailed path (``read_json_file`` for the file level,
``schema_issues`` for the schema) would report anything. This file pins:

- the package's schema is translated, and only the package's own schemas are;
- every repository document and every document of a generated corpus passes,
  with the data ``orjson`` reads (the speed-up the translation exists for);
- soundness under hundreds of single edits of a valid document, each written
  canonically so that only the schema can object;
- soundness for textual variants that parse to the same data but are not the
  canonical text (spacing, escapes, order, line endings, BOM, ...), and under
  random byte edits of a canonical file;
- free text in any character is accepted when written canonically, and
  rejected when written with needless escapes;
- each shape of schema the translation does not render makes it refuse.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import MINI_DOC_ID, MINI_DOCUMENT, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_benchmark_generator import load_benchmark_module

from eunato_corpus.io import canonicalize, dumps_canonical
from eunato_corpus.issues import Issue
from eunato_corpus.model import LABEL_FIELDS, LABELS, SPAN_COMMON_FIELDS
from eunato_corpus.schema import label_branches, load_schemas, schema_issues
from eunato_corpus.typed import TypedDocuments, document_types
from eunato_corpus.validation import read_clean_file, read_json_file

SCHEMAS = load_schemas()
DISPLAY = "doc.json"
Edit = Callable[[dict[str, Any]], Any]


# --- helpers -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def typed() -> TypedDocuments:
    assert SCHEMAS.typed is not None, "the package's document schema is no longer translated"
    return SCHEMAS.typed


def canonical(data: dict[str, Any]) -> bytes:
    """The canonical text of a document, as the formatter writes it."""
    return dumps_canonical(canonicalize(data, "document")).encode("utf-8")


def detailed_issues(path: Path) -> list[Issue]:
    """What the detailed path reports at file and schema level for ``path``."""
    parsed = read_json_file(path, DISPLAY, "document", MINI_DOC_ID)
    issues = list(parsed.issues)
    if parsed.parsed:
        issues += schema_issues(parsed.data, "document", DISPLAY, SCHEMAS, MINI_DOC_ID)
    return issues


def judge(typed: TypedDocuments, raw: bytes, path: Path, case: object) -> tuple[bool, list[Issue]]:
    """Write ``raw`` to ``path`` and ask both paths. Soundness: when ``check``
    vouches for the file, the detailed path finds nothing and the data is
    orjson's. Returns (vouched, the detailed path's issues)."""
    path.write_bytes(raw)
    result = typed.check(raw)
    issues = detailed_issues(path)
    if result is None:
        return False, issues
    assert issues == [], (case, issues)
    assert result[0] == orjson.loads(raw), case
    assert result[1].spans is result[0]["spans"], case
    return True, issues


def first_of_each_label(document: dict[str, Any]) -> dict[str, int]:
    """The index of the first span of each label."""
    found: dict[str, int] = {}
    for index, span in enumerate(document["spans"]):
        found.setdefault(span["label"], index)
    return found


# --- 1. which schemas are translated ---------------------------------------------------


def test_the_package_schema_is_translated_and_a_copy_elsewhere_is_not(tmp_path: Path) -> None:
    assert load_schemas(None).typed is not None
    copied = tmp_path / "schema"
    shutil.copytree(REPO / "schema", copied)
    elsewhere = load_schemas(copied)
    assert elsewhere.problems == () and "document" in elsewhere.validators
    assert elsewhere.typed is None and not elsewhere.builtin


# --- 2. the documents the project has pass -------------------------------------------


def check_passes(typed: TypedDocuments, path: Path) -> None:
    raw = path.read_bytes()
    result = typed.check(raw)
    assert result is not None, path
    data, columns = result
    assert data == orjson.loads(raw), path
    assert columns.spans is data["spans"]
    assert columns["label"] == [span["label"] for span in data["spans"]]
    # read_clean_file takes the typed path and hands the columns on.
    made: list[Any] = []
    clean = read_clean_file(path, "document", SCHEMAS, made)
    assert clean is not None and clean[0] == data and clean[1] == raw, path
    assert len(made) == 1 and made[0].spans is clean[0]["spans"]


def test_every_repository_document_passes(typed: TypedDocuments) -> None:
    paths = sorted((REPO / "annotations" / "docs").glob("*.json"))
    assert paths
    for path in paths:
        check_passes(typed, path)


def test_every_generated_document_passes(typed: TypedDocuments, tmp_path: Path) -> None:
    generate = load_benchmark_module("generate")
    corpus = generate.generate_corpus(tmp_path / "corpus", 1500, seed=3, spans_per_doc=40)
    paths = sorted((corpus.root / "annotations" / "docs").glob("*.json"))
    assert len(paths) == corpus.n_documents > 20
    for path in paths:
        check_passes(typed, path)


def test_the_mini_document_and_odd_but_valid_ones_pass(typed: TypedDocuments, tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    nothing = copy.deepcopy(MINI_DOCUMENT)
    nothing["spans"] = []
    edges = copy.deepcopy(MINI_DOCUMENT)
    edges["body"] = [{"start": 0, "end": 2**31 - 1}, {"start": 0, "end": 0}]
    edges["doc_id"] = "D" * 128
    edges["title"] = "😀" * 100_000  # maxLength counts code points
    edges["spans"][0]["value"] = "v" * 64
    edges["spans"][0]["mod"] = "APPROX"
    for document in (MINI_DOCUMENT, nothing, edges):
        assert judge(typed, canonical(document), path, document["doc_id"][:10]) == (True, [])


# --- 3. soundness under single edits ----------------------------------------------------

# Values of every JSON type, and strings that break a length, a pattern or a date.
ODD_VALUES: dict[str, Any] = {
    "null": None, "int": 7, "float": 1.0, "bool": True, "empty": "", "long": "x" * 200,
    "bad id": "Bad Id!", "trailing newline": "d1\n", "bad date": "2023-13-45x", "list": [], "object": {},
}
OFFSETS: dict[str, Any] = {"negative": -1, "2**31": 2**31, "2**40": 2**40, "max": 2**31 - 1, "float 6.0": 6.0}
# A value each label-specific field takes on its own label.
OWN_VALUES: dict[str, Any] = {"entity": "nato", "kind": "direct", "speaker": "nato", "speaker_span": None, "cue": "k1",
                              "claimant": "nato", "timex_type": "DATE", "value": "2023", "mod": None}


def _drop(where: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> Edit:
    return lambda doc: where(doc).pop(key)


def _set(where: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Edit:
    return lambda doc: where(doc).__setitem__(key, copy.deepcopy(value))


def _top(doc: dict[str, Any]) -> dict[str, Any]:
    return doc


def _span_at(index: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda doc: doc["spans"][index]


def _range(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["body"][0]


def _field_edits(name: str, where: Callable[[dict[str, Any]], dict[str, Any]], keys: list[str]) -> dict[str, Edit]:
    edits: dict[str, Edit] = {}
    for key in keys:
        edits[f"{name}: drop {key}"] = _drop(where, key)
        for label, value in ODD_VALUES.items():
            edits[f"{name}: {key} = {label}"] = _set(where, key, value)
    edits[f"{name}: unknown field"] = _set(where, "extra", 1)
    return edits


def single_edits() -> dict[str, Edit]:
    """Many single edits of :data:`MINI_DOCUMENT`, by name."""
    edits = _field_edits("document", _top, list(MINI_DOCUMENT))
    edits["document: unknown field Zed"] = _set(_top, "Zed", "x")
    edits["document: span field at the top"] = _set(_top, "entity", "nato")
    for index in first_of_each_label(MINI_DOCUMENT).values():
        span = MINI_DOCUMENT["spans"][index]
        name = f"{span['label']} span"
        edits |= _field_edits(name, _span_at(index), list(span))
        for key in ("start", "end"):
            for label, value in OFFSETS.items():
                edits[f"{name}: {key} = {label}"] = _set(_span_at(index), key, value)
        for key, value in OWN_VALUES.items():
            if key not in span:
                edits[f"{name}: add {key} of another label"] = _set(_span_at(index), key, value)
        for label in LABELS + ("Quote", "other"):
            if label != span["label"]:
                edits[f"{name}: relabelled {label}"] = _set(_span_at(index), "label", label)
        edits[f"{name}: status = done"] = _set(_span_at(index), "status", "done")
    edits |= _field_edits("body range", _range, ["start", "end"])
    for label, value in OFFSETS.items():
        edits[f"body range: start = {label}"] = _set(_range, "start", value)
    edits["body: empty"] = _set(_top, "body", [])
    edits["body: a range without end"] = _set(_top, "body", [{"start": 24}])
    edits["body: a range with an extra key"] = _set(_top, "body", [{"start": 24, "end": 1914, "x": 0}])
    edits["body: a number, not a range"] = _set(_top, "body", [24])
    edits["body: 10001 ranges"] = _set(_top, "body", [{"start": 0, "end": 1}] * 10_001)
    edits["spans: empty"] = _set(_top, "spans", [])
    edits["spans: a string item"] = lambda doc: doc["spans"].append("s9")
    edits["spans: an empty object"] = lambda doc: doc["spans"].append({})
    return edits


SINGLE_EDITS = single_edits()


def test_single_edits_never_pass_what_the_detailed_path_rejects(typed: TypedDocuments, tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    rejected, accepted, refused_yet_clean = 0, 0, []
    for name, edit in SINGLE_EDITS.items():
        document = copy.deepcopy(MINI_DOCUMENT)
        edit(document)
        vouched, issues = judge(typed, canonical(document), path, name)  # soundness: vouched => no issue
        if issues:
            assert not vouched, (name, issues)
            rejected += 1
        elif vouched:
            accepted += 1
        else:
            refused_yet_clean.append(name)
    assert len(SINGLE_EDITS) > 500
    assert rejected >= 400, rejected  # not vacuous: most edits break the schema
    assert accepted >= 20, accepted
    # Stricter than the schema only where JSON Schema calls an integral float
    # an integer: msgspec's int takes no 6.0 (the fast path then just asks).
    assert refused_yet_clean and all(name.endswith(("= float", "= float 6.0")) for name in refused_yet_clean), refused_yet_clean


# --- 4. canonical form: same data, other text -------------------------------------------


def _base_document() -> dict[str, Any]:
    """The mini document with characters that have needless escapes, and a 0 offset."""
    document = copy.deepcopy(MINI_DOCUMENT)
    document["title"] = "Café / NATO and EU"
    document["translated_evidence"] = "unit\x1fseparator, line\nbreak"
    document["body"] = [{"start": 0, "end": 24}, {"start": 24, "end": 1914}]
    return document


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def _swap_first_spans(text: str) -> str:
    """The first two spans of the list swapped (both lines end with a comma)."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith('    {"span_id"'))
    assert lines[first].endswith(",") and lines[first + 1].endswith(",")
    lines[first], lines[first + 1] = lines[first + 1], lines[first]
    return "\n".join(lines)


def _reindent(text: str, unit: str) -> str:
    """Every line indented by ``unit`` per level instead of two spaces."""
    lines = [unit * ((len(line) - len(line.lstrip(" "))) // 2) + line.lstrip(" ") for line in text.split("\n")]
    return "\n".join(lines)


def text_variants(data: dict[str, Any]) -> dict[str, bytes]:
    """Texts that parse to ``data`` but are not its canonical form."""
    text = canonical(data).decode("utf-8")
    span = '{"span_id": "k1", "label": "cue", '
    variants = {
        "span keys reordered": _replace_once(text, span, '{"label": "cue", "span_id": "k1", '),
        "two spaces after a colon": _replace_once(text, '"title": ', '"title":  '),
        "a space before a colon": _replace_once(text, '"title": ', '"title" : '),
        "no space after a colon in a span": _replace_once(text, '"label": "cue"', '"label":"cue"'),
        "a space before a comma": _replace_once(text, '"outlet": "RIA Novosti",', '"outlet": "RIA Novosti" ,'),
        "crlf": text.replace("\n", "\r\n"),
        "one crlf": _replace_once(text, "{\n", "{\r\n"),
        "trailing space on a line": _replace_once(text, ",\n", ", \n"),
        "no final newline": text[:-1],
        "two final newlines": text + "\n",
        "a space after the last brace": text[:-1] + " \n",
        "escaped é": _replace_once(text, "é", "\\u00e9"),
        "escaped /": _replace_once(text, " / ", " \\/ "),
        "escaped ASCII letter": _replace_once(text, "Café", "\\u0043afé"),
        "escaped key": _replace_once(text, '"title"', '"\\u0074itle"'),
        "uppercase hex escape": _replace_once(text, "\\u001f", "\\u001F"),
        "long newline escape": _replace_once(text, "line\\nbreak", "line\\u000abreak"),
        "-0 offset": _replace_once(text, '{"start": 0,', '{"start": -0,'),
        "exponent offset": _replace_once(text, '"end": 1914}', '"end": 1.914e3}'),
        "duplicate key in a span": _replace_once(text, '"text": "said", "status": "verified"',
                                                 '"text": "said", "status": "verified", "status": "verified"'),
        "duplicate key at the top": _replace_once(text, '  "genre": "wire",\n', '  "genre": "wire",\n  "genre": "wire",\n'),
        "spans out of order": _swap_first_spans(text),
        "4-space indentation": _reindent(text, "    "),
        "tab indentation": _reindent(text, "\t"),
        "one line": json.dumps(data, ensure_ascii=False) + "\n",
        "compact": orjson.dumps(data).decode("utf-8") + "\n",
        "indent=2 with ASCII escapes": json.dumps(data, ensure_ascii=True, indent=2) + "\n",
        "each span on many lines": text.replace(', "status": ', ',\n      "status": '),
    }
    encoded = {name: variant.encode("utf-8") for name, variant in variants.items()}
    raw = text.encode("utf-8")
    encoded["bom"] = b"\xef\xbb\xbf" + raw
    return encoded


def test_the_variants_are_what_they_claim(typed: TypedDocuments) -> None:
    data = canonicalize(_base_document(), "document")
    assert typed.check(canonical(data)) is not None
    for name, raw in text_variants(data).items():
        assert raw != canonical(data), name
        reread = canonicalize(json.loads(raw.decode("utf-8-sig")), "document")
        assert reread == data, name  # the same data (1914 == 1914.0, 0 == -0)


@pytest.mark.parametrize("name", sorted(text_variants(canonicalize(_base_document(), "document"))))
def test_non_canonical_text_is_refused_and_reported(typed: TypedDocuments, tmp_path: Path, name: str) -> None:
    raw = text_variants(canonicalize(_base_document(), "document"))[name]
    path = tmp_path / "doc.json"
    path.write_bytes(raw)
    assert typed.check(raw) is None
    parsed = read_json_file(path, DISPLAY, "document", MINI_DOC_ID)
    assert parsed.issues, "the detailed path finds this text clean, yet it is not the canonical one"
    assert {issue.rule for issue in parsed.issues} <= {"file-not-canonical", "file-bom", "file-crlf", "json-duplicate-key"}


def test_bytes_that_are_not_json_or_not_utf8_are_refused(typed: TypedDocuments, tmp_path: Path) -> None:
    raw = canonical(_base_document())
    broken = {
        "latin-1 é": raw.replace("é".encode(), b"\xe9", 1),
        "a lone surrogate escape": raw.replace("é".encode(), b"\\ud800", 1),
        "a raw control character": raw.replace(b"\\u001f", b"\x1f", 1),
        "NaN": raw.replace(b'"end": 24}', b'"end": NaN}', 1),
        "truncated": raw[:-3],
        "trailing comma": raw.replace(b'"end": 24}', b'"end": 24,}', 1),
        "empty": b"",
        "a list": b"[]\n",
    }
    path = tmp_path / "doc.json"
    for name, variant in broken.items():
        assert variant != raw, name
        path.write_bytes(variant)
        assert typed.check(variant) is None, name
        assert detailed_issues(path), name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_byte_edits_are_sound(typed: TypedDocuments, tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(canonical(_base_document()))
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        byte = data.draw(st.sampled_from(list(b' \n\r\t"\\,:{}[]0169-eEnul/x') + [0x00, 0x7F, 0xC3, 0xA9, 0xFF]))
        if action == "flip":
            raw[position] = byte
        elif action == "insert":
            raw.insert(position, byte)
        else:
            del raw[position]
    judge(typed, bytes(raw), tmp_path / "doc.json", bytes(raw))


# --- 5. free text in any character -----------------------------------------------------

TRICKY = ['"', "\\", '\\"', "}, {", "},{", ", ", ": ", "\n", "\r", "\r\n", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
          "\x80", "\u2028", "\u2029", "\ufeff", "é", "İ", "“quoted”", "😀", "/", "\\u00e9", "{", "}", "[", "]"]
free_texts = st.one_of(
    st.text(min_size=1, max_size=40),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6).map("".join),
    st.lists(st.one_of(st.sampled_from(TRICKY), st.characters()), min_size=1, max_size=12).map("".join),
)
HEADER_TEXTS = ("title", "outlet", "translated_evidence", "published_evidence")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(HEADER_TEXTS), value=free_texts)
def test_free_text_is_accepted_canonically_and_refused_with_needless_escapes(
    typed: TypedDocuments, tmp_path: Path, field: str, value: str
) -> None:
    document = copy.deepcopy(MINI_DOCUMENT)
    document[field] = value
    raw = canonical(document)
    path = tmp_path / "doc.json"
    assert judge(typed, raw, path, (field, value)) == (True, [])  # vouched for, with orjson's data
    assert orjson.loads(raw)[field] == value
    line = f'  "{field}": {json.dumps(value, ensure_ascii=False)},\n'.encode()
    ascii_line = f'  "{field}": {json.dumps(value, ensure_ascii=True)},\n'.encode()
    assert raw.count(line) == 1
    if ascii_line != line:
        escaped = raw.replace(line, ascii_line)
        path.write_bytes(escaped)
        assert typed.check(escaped) is None, (field, value)
        assert [issue.rule for issue in detailed_issues(path)] == ["file-not-canonical"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=free_texts)
def test_free_text_in_a_span_is_accepted_unless_it_could_split_a_record(typed: TypedDocuments, tmp_path: Path,
                                                                         value: str) -> None:
    document = copy.deepcopy(MINI_DOCUMENT)
    cue = first_of_each_label(document)["cue"]
    document["spans"][cue]["text"] = value
    raw = canonical(document)
    vouched, _ = judge(typed, raw, tmp_path / "doc.json", value)
    # Records are split at "}, {", so a text holding it is left to the detailed path.
    assert vouched or "}, {" in value, value


# --- 6. what the translation refuses ------------------------------------------------------


def _schema_contents() -> dict[str, dict[str, Any]]:
    return {path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "schema").glob("*.schema.json"))}


def translate(contents: dict[str, dict[str, Any]], branches: dict[str, Any] | None = None) -> TypedDocuments | None:
    """``document_types`` called as ``load_schemas`` calls it."""
    document = contents["document"]
    if branches is None:
        branches = label_branches(document)
    assert branches is not None
    return document_types({str(s["$id"]): s for s in contents.values()}, str(document["$id"]), branches)


def _span_properties(contents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return contents["document"]["$defs"]["span"]["properties"]


def _properties(contents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return contents["document"]["properties"]


REFUSED: dict[str, Callable[[dict[str, dict[str, Any]]], Any]] = {
    "format beside a $ref": lambda c: _properties(c)["published"].__setitem__("format", "date"),
    "format on a shared definition": lambda c: c["common"]["$defs"]["iso_date"].__setitem__("format", "date"),
    "an optional document property": lambda c: c["document"]["required"].remove("title"),
    "a property required twice": lambda c: c["document"]["required"].append("title"),
    "an open document": lambda c: c["document"].__setitem__("additionalProperties", True),
    "no additionalProperties": lambda c: c["document"].pop("additionalProperties"),
    "an unresolved $ref pointer": lambda c: _properties(c).__setitem__(
        "title", {"$ref": "urn:eunato-corpus:schema:common#/$defs/nope"}),
    "a $ref to an unknown schema": lambda c: _properties(c).__setitem__("title", {"$ref": "urn:elsewhere#/$defs/text"}),
    "a new document property": lambda c: (_properties(c).__setitem__("extra", {"type": "string"}),
                                          c["document"]["required"].append("extra")),
    "a type list": lambda c: _properties(c).__setitem__("language", {"type": ["string", "null"]}),
    "a number type": lambda c: _properties(c).__setitem__("language", {"type": "number"}),
    "a float bound": lambda c: c["common"]["$defs"]["offset"].__setitem__("minimum", 0.5),
    "exclusiveMaximum": lambda c: c["common"]["$defs"]["offset"].__setitem__("exclusiveMaximum", 10),
    "multipleOf": lambda c: c["common"]["$defs"]["offset"].__setitem__("multipleOf", 2),
    "an integer enum": lambda c: _properties(c).__setitem__("genre", {"enum": [1, 2]}),
    "an enum beside a type": lambda c: _properties(c)["genre"].__setitem__("type", "string"),
    "anyOf of two types": lambda c: _properties(c).__setitem__(
        "speaker", {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
    "anyOf of three branches": lambda c: _properties(c)["speaker"]["anyOf"].append({"type": "boolean"}),
    "oneOf": lambda c: _properties(c).__setitem__("speaker", {"oneOf": [{"type": "string"}, {"type": "null"}]}),
    "a body with uniqueItems": lambda c: _properties(c)["body"].__setitem__("uniqueItems", True),
    "a range with a third field": lambda c: (c["document"]["$defs"]["range"]["properties"].__setitem__("x", {"type": "integer"}),
                                             c["document"]["$defs"]["range"]["required"].append("x")),
    "a range with a pattern": lambda c: c["document"]["$defs"]["range"]["properties"].__setitem__(
        "start", {"type": "string", "pattern": "^[0-9]+$"}),
    "spans with minItems": lambda c: _properties(c)["spans"].__setitem__("minItems", 1),
    "spans of another definition": lambda c: _properties(c)["spans"].__setitem__("items", {"$ref": "#/$defs/range"}),
    "a new label": lambda c: _span_properties(c)["label"]["enum"].append("event"),
    "a new span field": lambda c: _span_properties(c).__setitem__("note", {"type": "string"}),
    "a string minLength not an int": lambda c: c["common"]["$defs"]["nonempty_text"].__setitem__("minLength", 1.5),
    "a bad pattern": lambda c: c["common"]["$defs"]["span_id"].__setitem__("pattern", "(["),
    "a boolean subschema": lambda c: _properties(c).__setitem__("title", True),
}


def test_the_unchanged_schema_is_translated() -> None:
    assert translate(_schema_contents()) is not None


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_translation_refuses_what_it_does_not_render(name: str) -> None:
    contents = _schema_contents()
    REFUSED[name](contents)
    branches = label_branches(contents["document"])
    assert branches is not None  # the change is the translation's to refuse, not label_branches'
    assert translate(contents, branches) is None


def _branch_of(branches: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in branches["$defs"]["span"]["anyOf"] if b["properties"]["label"] == {"const": label})


BRANCH_CHANGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "a field typed differently by label": lambda b: _branch_of(b, "quote")["properties"].__setitem__("text", {"type": "string"}),
    "an optional span field": lambda b: _branch_of(b, "quote")["required"].remove("cue"),
    "an open span branch": lambda b: _branch_of(b, "cue").__setitem__("additionalProperties", True),
    "a label branch missing": lambda b: b["$defs"]["span"]["anyOf"].pop(),
    "labels in another order": lambda b: b["$defs"]["span"]["anyOf"].reverse(),
    "a label with a field of another": lambda b: (_branch_of(b, "cue")["properties"].__setitem__("entity", {"type": "string"}),
                                                  _branch_of(b, "cue")["required"].append("entity")),
}


@pytest.mark.parametrize("name", sorted(BRANCH_CHANGES))
def test_the_translation_refuses_label_branches_it_does_not_expect(name: str) -> None:
    contents = _schema_contents()
    branches = label_branches(contents["document"])
    assert branches is not None
    BRANCH_CHANGES[name](branches)
    assert translate(contents, branches) is None


def test_the_label_fields_match_the_model() -> None:
    # The translation counts a span's fields against its label's, from the model.
    contents = _schema_contents()
    branches = label_branches(contents["document"])
    assert branches is not None
    for label in LABELS:
        assert set(_branch_of(branches, label)["properties"]) == set(SPAN_COMMON_FIELDS + LABEL_FIELDS[label])
