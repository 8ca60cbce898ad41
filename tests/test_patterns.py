"""The schemas' patterns mean the same in every validator.

JSON Schema patterns are ECMA-262 regular expressions, where ``$`` matches only
at the end of the string. The ``jsonschema`` package runs them with Python's
``re.search``, where ``$`` also matches before a final newline, so ``^a$``
would accept ``"a\\n"``: an id, a date or a language code with a trailing
newline would pass the detailed path. Every pattern therefore ends in
``(?!\\n)$``, which both dialects read alike.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from conftest import MINI_DOC_ID, MINI_DOCUMENT, MINI_ENTITIES, write_corpus

from eunato_corpus.schema import default_schema_dir
from eunato_corpus.validation import validate

# One valid value for each pattern-bearing definition of the package's schemas.
EXAMPLES = {"doc_id": "001_reuters", "span_id": "q1", "entity_id": "jens_stoltenberg", "iso_date": "2023-01-10T12:30Z",
            "language": "en"}


def patterns(node: Any, name: str = "") -> Iterator[tuple[str, str]]:
    """(the name of the property or definition holding it, pattern) for every
    pattern in a schema."""
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield name, node["pattern"]
        for key, value in node.items():
            yield from patterns(value, key if key not in ("properties", "$defs") else name)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value, name)


def package_patterns() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(default_schema_dir().glob("*.schema.json")):
        found.update(patterns(json.loads(path.read_text(encoding="utf-8"))))
    return found


def test_every_pattern_has_an_example() -> None:
    assert set(package_patterns()) == set(EXAMPLES)


@pytest.mark.parametrize(("name", "pattern"), sorted(package_patterns().items()))
def test_a_trailing_newline_fails_every_pattern_in_every_validator(name: str, pattern: str) -> None:
    schema = {"type": "string", "pattern": pattern}
    python, compiled = jsonschema.Draft202012Validator(schema), jsonschema_rs.validator_for(schema)
    good = EXAMPLES[name]
    assert python.is_valid(good) and compiled.is_valid(good) and re.search(pattern, good)
    for bad in (good + "\n", good + "\n\n", "\n" + good, good + "\r\n"):
        assert not python.is_valid(bad), repr(bad)
        assert not compiled.is_valid(bad), repr(bad)
        assert not re.search(pattern, bad), repr(bad)


def _set(document: dict[str, Any], pointer: str, change: Any) -> None:
    *path, last = [int(part) if part.isdigit() else part for part in pointer.strip("/").split("/")]
    record: Any = document
    for part in path:
        record = record[part]
    record[last] = change(record[last])


SPEAKER = next(index for index, span in enumerate(MINI_DOCUMENT["spans"]) if span["label"] == "speaker")


@pytest.mark.parametrize("pointer", ["/language", "/published", "/dct", "/outlet_entity", "/spans/0/span_id",
                                     f"/spans/{SPEAKER}/entity"])
def test_validate_reports_a_trailing_newline_in_a_document(tmp_path: Path, pointer: str) -> None:
    document = copy.deepcopy(MINI_DOCUMENT)
    _set(document, pointer, lambda value: value + "\n")
    root = write_corpus(tmp_path / "corpus", document=document)  # canonical text: the fast path reads it first
    found = {(issue.file, issue.rule, issue.pointer) for issue in validate(root).issues}
    assert (f"annotations/docs/{MINI_DOC_ID}.json", "schema-pattern", pointer) in found


def test_validate_reports_a_trailing_newline_in_the_registry(tmp_path: Path) -> None:
    entities = copy.deepcopy(MINI_ENTITIES)
    entities["entities"][0]["entity_id"] += "\n"
    root = write_corpus(tmp_path / "corpus", entities=entities)
    found = {(issue.file, issue.rule, issue.pointer) for issue in validate(root).issues}
    assert ("annotations/entities.json", "schema-pattern", "/entities/0/entity_id") in found
