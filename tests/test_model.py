"""One field list: the JSON Schemas, the dataclasses and the Parquet features agree.

style.md §12: the field names live in ``model.py``; this test fails as soon as a
schema, a dataclass or ``datasets.Features`` names a field the others do not.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import datasets

from eunato_corpus import model
from eunato_corpus.export import FEATURES

SCHEMA = Path(__file__).resolve().parents[1] / "schema"


def schema(name: str) -> dict:
    return json.loads((SCHEMA / f"{name}.schema.json").read_text(encoding="utf-8"))


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def test_span_fields_agree_across_schema_dataclass_and_features() -> None:
    from_schema = list(schema("document")["$defs"]["span"]["properties"])
    assert from_schema == list(model.SPAN_FIELD_NAMES)
    assert field_names(model.Span) == list(model.SPAN_FIELD_NAMES)
    assert list(FEATURES["spans"]) == ["doc_id", *model.SPAN_FIELD_NAMES]
    nested = FEATURES["documents"]["spans"]
    assert isinstance(nested, datasets.List)
    assert list(nested.feature) == list(model.SPAN_FIELD_NAMES)


def test_label_specific_fields_are_the_ones_the_schema_requires() -> None:
    rules = schema("document")["$defs"]["span"]["allOf"]
    for rule in rules:
        label = rule["if"]["properties"]["label"]["const"]
        required = set(rule["then"].get("required", []))
        forbidden = {name for name, sub in rule["then"].get("properties", {}).items() if sub is False}
        assert required == set(model.LABEL_FIELDS[label]), label
        optional = set(model.SPAN_FIELD_NAMES) - set(model.SPAN_COMMON_FIELDS)
        assert forbidden == optional - set(model.LABEL_FIELDS[label]), label


def test_document_fields_agree() -> None:
    doc_schema = schema("document")
    assert list(doc_schema["properties"]) == list(model.DOCUMENT_FILE_KEYS)
    assert doc_schema["required"] == list(model.DOCUMENT_FILE_KEYS)
    assert field_names(model.Document) == list(model.DOCUMENT_FILE_KEYS)
    assert list(FEATURES["documents"]) == [f.name for f in model.DOCUMENT_FIELDS]


def test_entity_fields_agree() -> None:
    props = schema("entities")["$defs"]["entity"]["properties"]
    assert list(props) == list(model.ENTITY_FIELD_NAMES)
    assert field_names(model.Entity) == list(model.ENTITY_FIELD_NAMES)
    assert list(FEATURES["entities"]) == list(model.ENTITY_FIELD_NAMES)


def test_link_fields_agree() -> None:
    links = schema("links")["$defs"]
    cluster_fields = [f.name for f in model.CLUSTER_FIELDS]
    member_fields = [f.name for f in model.MEMBER_FIELDS]
    assert list(links["cluster"]["properties"]) == cluster_fields
    assert list(links["member"]["properties"]) == member_fields
    assert field_names(model.Cluster) == cluster_fields
    assert field_names(model.Member) == member_fields
    flat = [name for name in cluster_fields if name != "members"] + member_fields
    assert list(model.LINK_FIELD_NAMES) == flat
    assert list(FEATURES["links"]) == flat


def test_closed_vocabularies_match_schema_enums() -> None:
    span_props = schema("document")["$defs"]["span"]["properties"]
    assert tuple(span_props["label"]["enum"]) == model.LABELS
    assert tuple(span_props["status"]["enum"]) == model.STATUSES
    assert tuple(span_props["kind"]["enum"]) == model.QUOTE_KINDS
    assert tuple(span_props["timex_type"]["enum"]) == model.TIMEX_TYPES
    assert tuple(span_props["mod"]["enum"]) == (*model.TIMEX_MODS, None)
    doc_props = schema("document")["properties"]
    assert tuple(doc_props["genre"]["enum"]) == model.GENRES
    assert tuple(doc_props["published_source"]["enum"]) == model.PUBLISHED_SOURCES
    assert tuple(schema("entities")["$defs"]["entity"]["properties"]["type"]["enum"]) == model.ENTITY_TYPES
    links = schema("links")["$defs"]
    assert tuple(links["cluster"]["properties"]["cluster_type"]["enum"]) == model.CLUSTER_TYPES
    assert tuple(links["member"]["properties"]["relation"]["enum"]) == (*model.RELATIONS, None)


def test_package_exports_the_documented_api() -> None:
    import eunato_corpus
    from eunato_corpus.agreement import agree
    from eunato_corpus.corpus import load_corpus
    from eunato_corpus.export import build
    from eunato_corpus.validation import validate

    assert eunato_corpus.validate is validate
    assert eunato_corpus.build is build
    assert eunato_corpus.load_corpus is load_corpus
    assert eunato_corpus.agree is agree
    assert set(eunato_corpus.__all__) >= {"validate", "build", "load_corpus", "agree"}
