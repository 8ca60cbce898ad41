"""Issue 6: the registry and the links are checked while the first documents
are, from a quick guess of what the documents need of them (entity ids, the
spans links ask about). The report must be the one the plain order gives, the
guess or not, and a build must never be made from documents checked against a
wrong guess."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_DOC_ID, MINI_DOCUMENT, MINI_ENTITIES, write_corpus

from eunato_corpus import validation
from eunato_corpus.export import BuildError, build
from eunato_corpus.io import write_annotation_file
from eunato_corpus.validation import validate

LINKS = {"clusters": [{"cluster_id": "qc1", "cluster_type": "quote_cluster", "description": "one quote",
                       "primary_text": "the signing will take place", "members": [
                           {"doc_id": MINI_DOC_ID, "span_id": "q1", "relation": "paraphrase"}]}]}


def _corpora(root: Path) -> dict[str, Path]:
    """Corpora whose registry or links make the guess easy, hard or impossible."""
    made: dict[str, Path] = {}

    def corpus(name: str, **files: Any) -> Path:
        # The document is the primary source, which holds the cluster's primary_text.
        made[name] = write_corpus(root / name, {**MINI_DOCUMENT, "genre": "official_statement"}, **files)
        return made[name]

    corpus("clean", links=LINKS)
    corpus("unknown entity", entities={"entities": MINI_ENTITIES["entities"][1:]}, links=LINKS)
    corpus("dangling link member", links={"clusters": [{**LINKS["clusters"][0], "members": [
        {"doc_id": MINI_DOC_ID, "span_id": "q99", "relation": None}]}]})
    path = corpus("big integer cluster id", links=LINKS) / "annotations" / "links.json"
    # orjson reads this number as a float, the json module as an int: the guess differs.
    path.write_text(path.read_text(encoding="utf-8").replace('"qc1"', "123456789012345678901234567890"), encoding="utf-8")
    path = corpus("registry with a byte order mark", links=LINKS) / "annotations" / "entities.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # orjson refuses it: no guess
    path = corpus("registry key twice", links=LINKS) / "annotations" / "entities.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"entity_id": "nato",', '"entity_id": "x", "entity_id": "nato",'),
                    encoding="utf-8")
    (corpus("no registry") / "annotations" / "entities.json").unlink()
    (corpus("no links") / "annotations" / "links.json").unlink()
    path = corpus("links not JSON") / "annotations" / "links.json"
    path.write_text("{not json", encoding="utf-8")
    return made


def _report(root: Path, jobs: int) -> list[tuple[Any, ...]]:
    return [(i.file, i.line, i.rule, i.pointer, i.message) for i in validate(root, jobs=jobs).issues]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_report_is_the_one_without_a_guess(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    corpora = _corpora(tmp_path)
    guessed = {name: _report(root, jobs) for name, root in corpora.items()}
    monkeypatch.setattr(validation, "_quick_aux", lambda *paths: None)  # the plain order: check, then documents
    plain = {name: _report(root, jobs) for name, root in corpora.items()}
    assert guessed == plain
    assert guessed["clean"] == []
    assert any(rule == "unknown-entity" for _, _, rule, _, _ in guessed["unknown entity"])
    assert any(rule == "link-unknown-span" for _, _, rule, _, _ in guessed["dangling link member"])
    assert any(rule == "file-bom" for _, _, rule, _, _ in guessed["registry with a byte order mark"])


def test_a_guess_the_check_contradicts_is_checked_again(mini_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A guess without the registry: the first pass finds unknown entities,
    # the check of the registry says otherwise, and the documents are checked again.
    calls: list[frozenset[str] | None] = []
    real_check = validation.check_chunk

    def recording(jobs: list[Any], shared: Any) -> Any:
        calls.append(shared.entity_ids)
        return real_check(jobs, shared)

    monkeypatch.setattr(validation, "check_chunk", recording)
    monkeypatch.setattr(validation, "_quick_aux", lambda *paths: validation._AuxGuess(frozenset(), [], None, None))
    result = validate(mini_corpus)
    assert result.ok and result.issues == ()
    assert calls == [frozenset(), frozenset({"nato", "ria_novosti"})]


def test_no_build_from_documents_checked_against_a_wrong_guess(mini_corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "hub"
    build(mini_corpus, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(validation, "_quick_aux", lambda *paths: validation._AuxGuess(frozenset(), [], None, None))
    with pytest.raises(BuildError, match="internal error: the build received 0 of 1 documents"):
        build(mini_corpus, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_invalid_registry_found_late_still_refuses_the_build(tmp_path: Path,
                                                                edit_json: Callable[[Path, Callable[[Any], Any]], None]) -> None:
    # The registry is checked while the first documents are converted: its
    # errors must still refuse the build, with no traceback from reading it.
    root = write_corpus(tmp_path / "corpus", links=LINKS)
    edit_json(root / "annotations" / "entities.json",
              lambda data: data["entities"][1].pop("name") and None)
    with pytest.raises(BuildError) as refused:
        build(root, tmp_path / "hub")
    assert any("schema-required" in reason for reason in refused.value.reasons)
    assert not (tmp_path / "hub").exists()


def test_many_documents_with_a_late_registry_error(tmp_path: Path) -> None:
    # Enough documents for several chunks in two processes, and a registry
    # error: the same report with one process and with two.
    root = write_corpus(tmp_path / "corpus", entities={"entities": [*MINI_ENTITIES["entities"], {"entity_id": "Bad Id"}]})
    seed = root / "seeds" / f"{MINI_DOC_ID}.txt"
    manifest = (root / "seeds" / "SHA256SUMS").read_text()
    for index in range(60):
        doc_id = f"{index:03d}_copy"
        shutil.copyfile(seed, root / "seeds" / f"{doc_id}.txt")
        manifest += manifest.splitlines()[0].replace(f"{MINI_DOC_ID}.txt", f"{doc_id}.txt") + "\n"
        document = copy.deepcopy(MINI_DOCUMENT)
        document["doc_id"] = doc_id
        write_annotation_file(root / "annotations" / "docs" / f"{doc_id}.json", document)
    (root / "seeds" / "SHA256SUMS").write_text(manifest)
    one, two = _report(root, 1), _report(root, 2)
    assert one == two and any(file == "annotations/entities.json" for file, *_ in one)
