"""Issue 6: the fast path (orjson, the compiled schema validator, the fast
canonical writer, the whole-document rule screen, worker chunks) decides only
what the detailed path would decide, and never changes a report."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_DOC_ID, MINI_DOCUMENT, MINI_ENTITIES, REPO, write_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mutations import MUTATIONS, Corpus, materialise

from eunato_corpus import rules
from eunato_corpus.io import (
    _KEY_ORDERS,
    canonical_bytes,
    canonicalize,
    dumps_canonical,
    write_annotation_file,
)
from eunato_corpus.model import (
    LABELS,
    int_offsets_in_canonical_order,
    sort_spans,
    span_sort_key,
    spans_in_canonical_order,
)
from eunato_corpus.schema import SchemaSet, label_branches, load_schemas
from eunato_corpus.validation import read_clean_file, validate

# --- the writer as it was before issue 6: the reference for byte identity --------


def _reference_order_keys(obj: dict[str, Any]) -> list[str]:
    keys = set(obj)
    order = max(_KEY_ORDERS, key=lambda o: len(keys & set(o)))
    return [k for k in order if k in keys] + sorted(keys - set(order))


def _reference_is_leaf(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v))
                   for v in value.values())
    return not isinstance(value, list) or all(not isinstance(x, (dict, list)) for x in value)


def _reference_dump(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict) and not _reference_is_leaf(value):
        out.append("{\n")
        keys = _reference_order_keys(value)
        for i, key in enumerate(keys):
            out.append(f"{pad}  {json.dumps(key, ensure_ascii=False)}: ")
            _reference_dump(value[key], indent + 1, out)
            out.append(",\n" if i < len(keys) - 1 else "\n")
        out.append(pad + "}")
    elif isinstance(value, list) and not _reference_is_leaf(value):
        out.append("[\n")
        for i, item in enumerate(value):
            out.append(pad + "  ")
            _reference_dump(item, indent + 1, out)
            out.append(",\n" if i < len(value) - 1 else "\n")
        out.append(pad + "]")
    elif isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(value[k], ensure_ascii=False)}"
                          for k in _reference_order_keys(value))
        out.append("{" + items + "}")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def reference_dumps(data: Any) -> str:
    out: list[str] = []
    _reference_dump(data, 0, out)
    out.append("\n")
    return "".join(out)


# Strings that stress escaping and the writer's shortcuts: quotes, backslashes,
# control characters, separators the writer splits on, non-ASCII, astral.
TRICKY = ['"', "\\", '\\"', "}, {", "},{", ", ", ": ", "\n", "\r\n", "\t", "\x00", "\x1f", "\x7f", "\u2028",
          "\ufeff", "é", "İ", "ğ", "“quoted”", "😀", "{", "}", "[", "]"]
texts = st.one_of(st.text(), st.lists(st.sampled_from(TRICKY), max_size=6).map("".join))
scalars = st.one_of(texts, st.integers(-(2**70), 2**70), st.booleans(), st.none(),
                    st.floats(allow_nan=False, allow_infinity=False))
span_keys = st.sampled_from(["span_id", "label", "start", "end", "text", "status", "entity", "kind", "speaker",
                             "speaker_span", "cue", "claimant", "timex_type", "value", "mod", "extra", "Zed"])
records = st.dictionaries(st.one_of(span_keys, texts), st.one_of(scalars, st.lists(scalars, max_size=3)), max_size=8)
documents = st.fixed_dictionaries(
    {"doc_id": texts, "title": texts, "translated": st.booleans(), "speaker": st.one_of(st.none(), texts),
     "body": st.lists(st.fixed_dictionaries({"start": st.integers(0, 99), "end": st.integers(0, 99)}), max_size=3),
     "spans": st.lists(records, max_size=6)},
    optional={"language": scalars, "other": st.one_of(scalars, st.lists(scalars, max_size=3))},
)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.one_of(span_keys, texts), inner, max_size=4)),
                           max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_writer_matches_the_reference_on_document_shapes(document: dict[str, Any]) -> None:
    assert dumps_canonical(document) == reference_dumps(document)
    assert canonical_bytes(document) == reference_dumps(document).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_writer_matches_the_reference_on_any_json(value: Any) -> None:
    assert dumps_canonical(value) == reference_dumps(value)


def test_writer_matches_the_reference_on_every_code_point_and_real_files() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    document = copy.deepcopy(MINI_DOCUMENT)
    for index, span in enumerate(document["spans"]):
        span["text"] = every[index * 140_000 : (index + 1) * 140_000]
    assert dumps_canonical(document) == reference_dumps(document)
    for data in (MINI_DOCUMENT, MINI_ENTITIES, {"clusters": []},
                 {"clusters": [{"cluster_id": "qc1", "cluster_type": "quote_cluster", "description": "d, {x}: y",
                                "primary_text": None, "members": [{"doc_id": "a", "span_id": "q1", "relation": None},
                                                                  {"relation": "verbatim", "doc_id": "b", "span_id": "q2"}]}]}):
        assert dumps_canonical(data) == reference_dumps(data)
    for path in sorted((REPO / "annotations").rglob("*.json"))[:20]:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert dumps_canonical(data) == reference_dumps(data)


plain_values = st.one_of(texts, st.integers(-(2**63), 2**63 - 1), st.booleans(), st.none())
plain_documents = st.fixed_dictionaries(
    {"doc_id": texts, "speaker": st.one_of(st.none(), texts),
     "body": st.lists(st.fixed_dictionaries({"start": st.integers(0, 99), "end": st.integers(0, 99)}), min_size=1, max_size=3),
     "spans": st.lists(st.dictionaries(span_keys, plain_values, min_size=1, max_size=8), max_size=6)},
)


@settings(max_examples=300, deadline=None)
@given(plain_documents)
def test_writer_without_the_type_scan_matches_the_reference_on_plain_records(document: dict[str, Any]) -> None:
    # plain_records=True trusts the caller that every record value is plain;
    # given that, it must write exactly what the reference writes.
    assert canonical_bytes(document, plain_records=True) == reference_dumps(document).encode("utf-8")


def _allowed_types(schema: Any, defs: dict[str, Any]) -> set[str]:
    """The JSON types a (small) subschema admits, following $ref and anyOf."""
    if schema is True or schema == {}:
        return {"any"}
    if schema is False:
        return set()
    if "$ref" in schema:
        return _allowed_types(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in schema:
        return set().union(*(_allowed_types(s, defs) for s in schema["anyOf"]))
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {{str: "string", type(None): "null", bool: "boolean", int: "integer"}.get(type(v), "other") for v in values}
    kind = schema.get("type", "any")
    return set(kind) if isinstance(kind, list) else {kind}


def test_the_package_schema_admits_only_plain_values_in_spans_and_body_ranges() -> None:
    # The fast path skips the writer's type scan for documents this schema
    # accepted (validation._document_bytes): that holds only while every
    # field of a span or a body range is a string, an integer, a boolean or
    # null, and no other field is allowed. Floats pass as "integer" in JSON
    # Schema (7.0), which is why the fast path also checks that offsets are ints.
    schema_dir = REPO / "schema"
    document = json.loads((schema_dir / "document.schema.json").read_text(encoding="utf-8"))
    common = json.loads((schema_dir / "common.schema.json").read_text(encoding="utf-8"))
    defs = {**common["$defs"], **document["$defs"]}
    for record in ("span", "range"):
        schema = document["$defs"][record]
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        for name, field_schema in schema["properties"].items():
            assert _allowed_types(field_schema, defs) <= {"string", "integer", "boolean", "null"}, (record, name)
    assert document["properties"]["spans"]["items"] == {"$ref": "#/$defs/span"}
    assert document["properties"]["body"]["items"] == {"$ref": "#/$defs/range"}
    assert load_schemas().builtin and not load_schemas(schema_dir).builtin


# --- the compiled validator's rewrite of the span rules accepts what the schema does --


def _published_and_rewritten() -> tuple[Any, Any, dict[str, Any]]:
    import jsonschema_rs

    schema_dir = REPO / "schema"
    common = json.loads((schema_dir / "common.schema.json").read_text(encoding="utf-8"))
    document = json.loads((schema_dir / "document.schema.json").read_text(encoding="utf-8"))
    rewritten = label_branches(document)
    assert rewritten is not None, "the package's document schema no longer has the shape label_branches rewrites"
    registry = jsonschema_rs.Registry([(common["$id"], common), (document["$id"], document)])
    return (jsonschema_rs.validator_for(document, registry=registry),
            jsonschema_rs.validator_for(rewritten, registry=registry), document)


PUBLISHED, REWRITTEN, DOCUMENT_SCHEMA = _published_and_rewritten()
# Values valid for some field and not others, and values valid for none.
field_values = st.one_of(st.sampled_from(["speaker", "cue", "quote", "claim", "date", "DATE", "DURATION", "direct",
                                          "verified", "draft", "nato", "q1", "1 x", "", "2023-01-10", "BEFORE", "Quote"]),
                         st.none(), st.integers(-2, 500), st.just(3.0), st.booleans(), st.just([]), st.just({}))
# One valid span of each label.
BASE_SPANS = list({span["label"]: span for span in MINI_DOCUMENT["spans"]}.values())
# A value each field accepts on some label: setting one on a span of another
# label is what the per-label rules are about.
GOOD_VALUES = {"span_id": "z9", "label": "quote", "start": 3, "end": 9, "text": "x", "status": "verified", "entity": "nato",
               "kind": "direct", "speaker": "nato", "speaker_span": None, "cue": "k1", "claimant": "nato",
               "timex_type": "DATE", "value": "2023", "mod": "BEFORE", "extra": None, "Zed": 1}
# A valid span of each label, then a few edits: drop a field, set it to a value
# that suits some label, or set it to anything.
edits = st.lists(st.one_of(st.tuples(st.just("drop"), span_keys),
                           span_keys.map(lambda key: ("set", key, GOOD_VALUES[key])),
                           st.tuples(st.just("set"), span_keys, st.one_of(field_values, st.sampled_from(LABELS)))),
                 max_size=3)


def _edited(span: dict[str, Any], changes: list[tuple[Any, ...]]) -> dict[str, Any]:
    span = dict(span)
    for change in changes:
        if change[0] == "drop":
            span.pop(change[1], None)
        else:
            span[change[1]] = change[2]
    return span


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.builds(_edited, st.sampled_from(BASE_SPANS), edits), st.dictionaries(span_keys, field_values, max_size=12)))
def test_rewritten_span_rules_accept_exactly_what_the_published_schema_accepts(span: dict[str, Any]) -> None:
    document = {**MINI_DOCUMENT, "spans": [span]}
    assert REWRITTEN.is_valid(document) == PUBLISHED.is_valid(document)


def test_rewritten_span_rules_agree_on_every_single_field_edit_of_every_label() -> None:
    # Exhaustive where the rules differ by label: each field dropped from, or
    # added with a fitting value to, a valid span of each label.
    for base in BASE_SPANS:
        for key in GOOD_VALUES:
            for change in (("drop", key), ("set", key, GOOD_VALUES[key])):
                document = {**MINI_DOCUMENT, "spans": [_edited(base, [change])]}
                assert REWRITTEN.is_valid(document) == PUBLISHED.is_valid(document), (base["label"], change)


def test_every_valid_span_of_the_corpus_passes_the_rewrite() -> None:
    for path in sorted((REPO / "annotations").rglob("docs/*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert REWRITTEN.is_valid(document) and PUBLISHED.is_valid(document), path


def test_label_branches_refuses_shapes_it_does_not_understand() -> None:
    for change in (lambda span: span.__setitem__("minProperties", 1),
                   lambda span: span["allOf"].append({"if": {"required": ["label"]}, "then": {"required": ["x"]}}),
                   lambda span: span["allOf"][0]["then"]["properties"].__setitem__("kind", {"type": "string"}),
                   lambda span: span["allOf"].append(copy.deepcopy(span["allOf"][0])),
                   lambda span: span.__setitem__("additionalProperties", True)):
        document = copy.deepcopy(DOCUMENT_SCHEMA)
        change(document["$defs"]["span"])
        assert label_branches(document) is None
    assert label_branches({"type": "object"}) is None


# --- read_clean_file vouches only for files the detailed path finds clean ---------


def test_read_clean_file_accepts_a_canonical_valid_file(mini_corpus: Path) -> None:
    path = mini_corpus / "annotations" / "docs" / f"{MINI_DOC_ID}.json"
    clean = read_clean_file(path, "document", load_schemas())
    assert clean is not None and clean[0] == MINI_DOCUMENT and clean[1] == path.read_bytes()


def _variants(path: Path) -> dict[str, bytes]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    reordered = copy.deepcopy(MINI_DOCUMENT)
    reordered["spans"].reverse()
    return {
        "bom": b"\xef\xbb\xbf" + raw,
        "crlf": raw.replace(b"\n", b"\r\n"),
        "duplicate key": text.replace('"title": ', '"title": "x", "title": ', 1).encode(),
        "not canonical spacing": text.replace('"doc_id": ', '"doc_id":  ', 1).encode(),
        "spans out of order": reference_dumps(reordered).encode(),
        "schema invalid": text.replace('"status": "verified"', '"status": "done"', 1).encode(),
        "float offset": text.replace('"start": 6,', '"start": 6.0,', 1).encode(),
        "huge number": text.replace('"start": 6,', '"start": 1e400,', 1).encode(),
        "truncated": raw[:-3],
    }


def _detailed_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn every fast path off: each file goes through the detailed path."""
    import eunato_corpus.validation as validate_module

    monkeypatch.setattr(validate_module, "read_clean_file", lambda *args, **kwargs: None)
    monkeypatch.setattr(rules, "document_is_clean", lambda *args: False)
    monkeypatch.setattr(SchemaSet, "is_valid", lambda *args: False)


def test_fast_and_detailed_paths_report_alike(mini_corpus: Path) -> None:
    path = mini_corpus / "annotations" / "docs" / f"{MINI_DOC_ID}.json"
    for name, raw in _variants(path).items():
        path.write_bytes(raw)
        fast = validate(mini_corpus)
        with pytest.MonkeyPatch.context() as monkeypatch:
            _detailed_only(monkeypatch)
            detailed = validate(mini_corpus)
        assert fast == detailed, name
        if name != "float offset":  # a float offset is valid JSON Schema integer and skipped by the rules
            assert read_clean_file(path, "document", load_schemas()) is None, name
            assert fast.issues, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(MUTATIONS)
def test_fast_and_detailed_paths_report_alike_on_mutations(corpus: Corpus) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        materialise(root, corpus)
        fast = validate(root)
        with pytest.MonkeyPatch.context() as monkeypatch:
            _detailed_only(monkeypatch)
            detailed = validate(root)
        assert fast == detailed


# --- the compiled validator and the rule screen never hide an issue --------------


def _materialise_doc(corpus: Corpus) -> tuple[Any, str]:
    text = (REPO / "seeds" / f"{MINI_DOC_ID}.txt").read_bytes().decode("utf-8")
    if corpus["seed_edit"] is not None:
        position, char = corpus["seed_edit"]
        text = text[:position] + (char if text[position] != char else "~") + text[position + 1:]
    return corpus["document"], text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_screen_and_compiled_validator_imply_the_detailed_answer(corpus: Corpus) -> None:
    doc, text = _materialise_doc(corpus)
    schemas = load_schemas()
    entity_ids = rules.registry_ids(corpus["entities"])
    ctx = rules.DocContext(file="doc.json", doc_id=MINI_DOC_ID, stem=MINI_DOC_ID, entity_ids=entity_ids)
    if rules.document_is_clean(doc, text, ctx):
        assert list(rules.check_document(doc, text, ctx)) == []
    for data, kind in ((doc, "document"), (corpus["entities"], "entities"), (corpus["links"], "links")):
        if schemas.is_valid(data, kind):
            assert list(schemas.validators[kind].iter_errors(data)) == []


def test_screen_says_no_for_each_kind_of_rule_issue() -> None:
    text = (REPO / "seeds" / f"{MINI_DOC_ID}.txt").read_bytes().decode("utf-8")
    ctx = rules.DocContext(file="doc.json", doc_id=MINI_DOC_ID, stem=MINI_DOC_ID, entity_ids=frozenset({"nato", "ria_novosti"}))
    assert rules.document_is_clean(MINI_DOCUMENT, text, ctx)
    edits = {
        "draft": lambda d: d["spans"][0].update(status="draft"),
        "dangling cue": lambda d: d["spans"][2].update(cue="k9"),
        "edge": lambda d: d["spans"][6].update(start=382, text=" said"),
        "unknown entity": lambda d: d["spans"][3].update(claimant="nobody"),
        "timex": lambda d: d["spans"][0].update(value="2023-02-30"),
        "doc id": lambda d: d.update(doc_id="other"),
    }
    for name, edit in edits.items():
        doc = copy.deepcopy(MINI_DOCUMENT)
        edit(doc)
        assert not rules.document_is_clean(doc, text, ctx), name
        assert list(rules.check_document(doc, text, ctx)) != [], name


def test_requested_labels_keeps_the_first_label_of_an_id() -> None:
    doc = {"spans": [{"span_id": "a", "label": "quote"}, {"span_id": "b", "label": "cue"}, {"span_id": "a", "label": "claim"}]}
    assert rules.requested_labels(doc, frozenset({"a", "b", "z"})) == {"a": "quote", "b": "cue"}
    odd = {"spans": [{"span_id": "a", "label": 3}, {"span_id": ["x"], "label": "cue"}, "junk"]}
    assert rules.requested_labels(odd, frozenset({"a"})) == {"a": ""}


def test_requested_speakers_follow_the_first_span_of_an_id() -> None:
    doc = {"spans": [{"span_id": "a", "label": "quote", "speaker": "nato"}, {"span_id": "b", "label": "claim"},
                     {"span_id": "a", "label": "quote", "speaker": "eu"}, {"span_id": "c", "label": "quote", "speaker": None}]}
    found = rules.requested_labels(doc, frozenset({"a", "b", "c", "z"}))
    assert rules.requested_speakers(doc, found) == {"a": "nato"}  # b is no quote, c names nobody, z is absent
    # Malformed records are read one at a time (a quote without a speaker, an id that is a list).
    odd = {"spans": [{"span_id": "a", "label": "quote"}, {"span_id": ["x"], "label": "quote", "speaker": "eu"},
                     {"span_id": "b", "label": "quote", "speaker": "eu"}, "junk"]}
    assert rules.requested_speakers(odd, {"a": "quote", "b": "quote"}) == {"b": "eu"}
    assert rules.requested_speakers({"spans": "junk"}, {"a": "quote"}) == {}


def test_quote_cluster_speakers_reports_each_mixed_cluster_once() -> None:
    def ref(cluster: int, member: int, doc: str, span: str, label: str | None = "quote") -> rules.MemberRef:
        return rules.MemberRef(f"/clusters/{cluster}/members/{member}", f"qc{cluster}", doc, span, label)

    members = [ref(0, 0, "d1", "q1"), ref(0, 1, "d2", "q1"), ref(0, 2, "d2", "q2"), ref(0, 3, "d2", "q9"),
               ref(1, 0, "d1", "q1"), ref(1, 1, "d2", "q1"),  # one speaker: fine
               ref(2, 0, "d1", "c1", "claim"), ref(2, 1, "d2", "c1", "claim")]  # claims are not asked
    speakers = {"d1": {"q1": "nato", "c1": "eu"}, "d2": {"q1": "nato", "q2": "eu", "c1": "nato"}}
    issues = list(rules.check_quote_cluster_speakers(members, speakers, rules.FileContext(file="links.json")))
    assert [(i.rule, i.pointer) for i in issues] == [("quote-cluster-speakers", "/clusters/0")]
    assert issues[0].message == "quote cluster qc0 joins quotes of different speakers: eu (member 2); nato (members 0, 1)"


def test_timex_pairs_found_valid_never_vouch_for_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "_VALID_TIMEX", set())
    monkeypatch.setattr(rules, "_VALID_TIMEX_LIMIT", 3)
    remembered = rules._VALID_TIMEX
    assert rules._timex_values_ok({("DATE", "2023-01-10"), ("DURATION", "P1D")})
    assert remembered == {("DATE", "2023-01-10"), ("DURATION", "P1D")}
    # The same value under another type, a day that does not exist, odd types.
    for bad in [("DURATION", "2023-01-10"), ("DATE", "2023-02-30"), ("DATE", 2023), (None, "2023"), ("WEEK", "2023")]:
        assert not rules._timex_values_ok({("DATE", "2023-01-10"), bad}), bad
    assert len(remembered) == 2  # a failed check remembers nothing
    # Bounded: past the limit the memory starts again.
    assert rules._timex_values_ok({("DATE", "2024"), ("DATE", "2025")})
    assert remembered == {("DATE", "2024"), ("DATE", "2025")}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"start": st.one_of(st.integers(0, 5), st.just(2.0), st.none()),
                                       "end": st.integers(0, 5), "label": st.sampled_from(["quote", "cue", "x"]),
                                       "span_id": st.sampled_from(["a", "b", "c"])}), max_size=6))
def test_span_order_matches_the_sort_key(spans: list[dict[str, Any]]) -> None:
    assert sort_spans(spans) == sorted(spans, key=span_sort_key)
    # Compare positions, not values: {"start": 2} == {"start": 2.0} in Python, but the
    # sort key tells them apart, so value equality cannot say whether the order holds.
    in_order = [id(s) for s in spans] == [id(s) for s in sorted(spans, key=span_sort_key)]
    assert spans_in_canonical_order(spans) == in_order
    all_int = all(type(s["start"]) is int and type(s["end"]) is int for s in spans)
    assert int_offsets_in_canonical_order(spans) == (in_order and all_int)


# --- whole runs: worker chunks, reports, other roots -------------------------------


def _broken_corpus(root: Path, documents: int) -> Path:
    """``documents`` copies of the mini document under other doc_ids, every
    third one broken in a different way."""
    write_corpus(root)
    seed = (root / "seeds" / f"{MINI_DOC_ID}.txt").read_bytes()
    manifest = []
    for index in range(documents):
        doc_id = f"{index:03d}_copy"
        (root / "seeds" / f"{doc_id}.txt").write_bytes(seed)
        manifest.append(f"{hashlib.sha256(seed).hexdigest()}  {doc_id}.txt")
        doc = copy.deepcopy(MINI_DOCUMENT)
        doc["doc_id"] = doc_id
        if index % 3 == 1:
            doc["spans"][2]["cue"] = "k9"
        write_annotation_file(root / "annotations" / "docs" / f"{doc_id}.json", doc)
        if index % 3 == 2:
            path = root / "annotations" / "docs" / f"{doc_id}.json"
            path.write_bytes(path.read_bytes().replace(b'"start": 6,', b'"start": "6",', 1))
    with (root / "seeds" / "SHA256SUMS").open("a") as handle:
        handle.write("\n".join(manifest) + "\n")
    return root


def test_jobs_give_the_same_report(tmp_path: Path) -> None:
    root = _broken_corpus(tmp_path / "corpus", 40)
    one = validate(root)
    two = validate(root, jobs=2)
    assert one == two and not one.ok and one.files_checked == 43
    assert {i.rule for i in one.issues} == {"dangling-cue", "schema-type"}
    seen: list[tuple[int, int]] = []
    validate(root, jobs=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 41) for n in range(1, 42)]


def test_a_corpus_root_elsewhere_validates_and_builds(tmp_path: Path) -> None:
    from eunato_corpus.export import build

    root = _broken_corpus(tmp_path / "elsewhere", 6)
    for path in (root / "annotations" / "docs").glob("*_copy.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["spans"] = MINI_DOCUMENT["spans"]
        write_annotation_file(path, data)
    assert validate(root, jobs=2).ok
    result = build(root, tmp_path / "out", jobs=2)
    assert result.rows["documents"] == 7 and result.rows["spans"] == 7 * len(MINI_DOCUMENT["spans"])
    shutil.rmtree(tmp_path / "out")


def test_canonicalize_then_write_is_stable() -> None:
    doc = copy.deepcopy(MINI_DOCUMENT)
    doc["spans"].reverse()
    once = dumps_canonical(canonicalize(doc, "document"))
    assert once == reference_dumps(canonicalize(doc, "document"))
    assert dumps_canonical(canonicalize(json.loads(once), "document")) == once
