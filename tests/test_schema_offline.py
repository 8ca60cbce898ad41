"""Issue 4, part 4: schema $refs resolve from the package only; nothing is fetched.

Every test here runs with socket connections and urllib openers replaced by a
function that fails the test, so an attempted fetch cannot pass unnoticed.
"""

from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_DOCUMENT

from eunato_corpus.schema import default_schema_dir, load_schemas, schema_issues
from eunato_corpus.validation import validate


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise AssertionError(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def test_package_schemas_load_offline() -> None:
    schemas = load_schemas()
    assert schemas.problems == ()
    assert set(schemas.validators) == {"document", "entities", "links"}
    for path in default_schema_dir().glob("*.schema.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$id"].startswith("urn:eunato-corpus:schema:")


def test_remote_ref_is_reported_not_fetched(tmp_path: Path, no_network: list[str]) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder)
    path = folder / "document.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["title"] = {"$ref": "https://json-schema.example/remote/title.schema.json"}
    path.write_text(json.dumps(schema), encoding="utf-8")
    issues = schema_issues(MINI_DOCUMENT, "document", "doc.json", load_schemas(folder))
    assert [(i.rule, i.pointer) for i in issues] == [("schema-invalid", "")]
    assert "cannot be resolved locally" in issues[0].message and "title.schema.json" in issues[0].message
    assert no_network == []


def test_validate_with_a_remote_ref_reports_it(mini_corpus: Path, tmp_path: Path, no_network: list[str]) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder)
    path = folder / "entities.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$defs"]["entity"]["properties"]["name"] = {"$ref": "http://example.invalid/name.json"}
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = validate(mini_corpus, schema_dir=folder)
    assert [(i.file, i.rule) for i in result.issues] == [("annotations/entities.json", "schema-invalid")]
    assert not result.ok and no_network == []


def test_broken_schema_file_is_an_issue(mini_corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder)
    (folder / "links.schema.json").write_text("{not json", encoding="utf-8")
    result = validate(mini_corpus, schema_dir=folder)
    assert {i.rule for i in result.issues} == {"schema-invalid"}
    assert any("links" in i.message for i in result.issues)


@pytest.mark.parametrize("change", [{"type": 12}, {"minLength": -1}, {"required": "title"}])
def test_a_schema_that_breaks_the_meta_schema_is_an_issue(mini_corpus: Path, tmp_path: Path, change: dict[str, Any]) -> None:
    # The compiled meta-validator answers first; the Python one must still
    # explain each schema the compiled one rejects.
    folder = tmp_path / "schema"
    shutil.copytree(default_schema_dir(), folder)
    path = folder / "links.schema.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **change}), encoding="utf-8")
    result = validate(mini_corpus, schema_dir=folder)
    messages = [i.message for i in result.issues if i.rule == "schema-invalid"]
    assert any("links.schema.json" in i.file and "not a valid Draft 2020-12 schema" in i.message
               for i in result.issues), messages
    assert not result.ok


def test_whole_validation_runs_offline(mini_corpus: Path, no_network: list[str]) -> None:
    assert validate(mini_corpus).ok and no_network == []
