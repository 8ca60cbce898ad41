"""The build in one pass: each document read and parsed once, checked by the
validator's own code, converted in the worker that checked it; shards written
by the parent in corpus order (byte-identical whatever --jobs is); a corpus
with errors refused with exactly the errors ``validate`` reports, the previous
build untouched. And one statistics computation for ``stats``, the card and
the build."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_benchmark_generator import load_benchmark_module

from eunato_corpus.card import collect_stats, render_block
from eunato_corpus.cli import cli
from eunato_corpus.convert import DOCUMENTS_SCHEMA
from eunato_corpus.corpus import load_corpus
from eunato_corpus.export import BuildError, arrow_schema, build, build_check, describe_issue
from eunato_corpus.io import write_annotation_file
from eunato_corpus.stats import corpus_stats, count_document
from eunato_corpus.validation import validate

generate = load_benchmark_module("generate")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid corpus of a dozen documents with every layer, a registry and links."""
    root = tmp_path_factory.mktemp("one-pass") / "corpus"
    generate.generate_corpus(root, 3_000, seed=11, spans_per_doc=250)
    return root


@pytest.fixture
def corpus(synthetic: Path, tmp_path: Path) -> Path:
    """A private copy of the synthetic corpus, free to break."""
    return Path(shutil.copytree(synthetic, tmp_path / "corpus"))


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def first_doc(root: Path) -> Path:
    return sorted((root / "annotations" / "docs").glob("*.json"))[0]


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    write_annotation_file(path, data)


def expected_refusal(root: Path, **options: Any) -> list[str]:
    """The reasons a refused build must give: the errors of ``validate``."""
    result = validate(root, **options)
    assert not result.ok
    return ["the corpus is invalid; run `eunato-corpus validate` for details:"] + [describe_issue(i) for i in result.errors]


# --- byte-identical whatever --jobs is ---------------------------------------------------------


@pytest.mark.parametrize(("shard_rows", "row_group_rows"), [(1_000_000, 100_000), (700, 150)])
def test_the_build_is_byte_identical_whatever_jobs(synthetic: Path, tmp_path: Path, shard_rows: int,
                                                   row_group_rows: int) -> None:
    one = build(synthetic, tmp_path / "one", jobs=1, shard_rows=shard_rows, row_group_rows=row_group_rows)
    two = build(synthetic, tmp_path / "two", jobs=2, shard_rows=shard_rows, row_group_rows=row_group_rows)
    assert tree_bytes(one.out) == tree_bytes(two.out)
    assert one.rows == two.rows and one.shards == two.shards
    if shard_rows == 700:  # small bounds: several shards and row groups, cut the same way
        assert len(one.shards["spans"]) > 1 and len(one.shards["documents"]) > 1


def test_each_document_file_is_read_once(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    original = Path.read_bytes

    def counting_read_bytes(self: Path) -> bytes:
        if self.parent.name == "docs":
            reads.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting_read_bytes)
    build(synthetic, tmp_path / "hub", jobs=1)  # in this process, so every read is seen
    names = sorted(p.name for p in (synthetic / "annotations" / "docs").glob("*.json"))
    assert sorted(reads) == names


def test_the_cli_builds_with_jobs(synthetic: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--root", str(synthetic), "--out", str(tmp_path / "hub"), "--jobs", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert tree_bytes(tmp_path / "hub") == tree_bytes(build(synthetic, tmp_path / "again", jobs=1).out)
    check = CliRunner().invoke(cli, ["build", "--root", str(synthetic), "--out", str(tmp_path / "hub"), "--check", "--jobs", "2"],
                               catch_exceptions=False)
    assert check.exit_code == 0, check.output


# --- refusals: exactly validate's errors, the previous build untouched ---------------------------


def break_a_document(root: Path) -> None:
    def dangle(data: dict[str, Any]) -> None:
        quote = next(s for s in data["spans"] if s["label"] == "quote" and s.get("cue"))
        quote["cue"] = "k999"

    edit(first_doc(root), dangle)


def break_a_link(root: Path) -> None:
    edit(root / "annotations" / "links.json", lambda data: data["clusters"][0]["members"][0].update(span_id="nowhere"))


def break_the_registry(root: Path) -> None:
    edit(root / "annotations" / "entities.json", lambda data: data["entities"].pop(0))


def break_the_manifest(root: Path) -> None:
    manifest = root / "seeds" / "SHA256SUMS"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "not a manifest line\n", encoding="utf-8")


def draft_a_span(root: Path) -> None:
    edit(first_doc(root), lambda data: data["spans"][0].update(status="draft"))


def seed_without_annotations(root: Path) -> None:
    first_doc(root).unlink()


BREAKS = {
    "document rule": (break_a_document, False),
    "schema and file level": (lambda root: first_doc(root).write_bytes(first_doc(root).read_bytes()[:-40]), False),
    "link member (cross-file)": (break_a_link, False),
    "registry (cross-file)": (break_the_registry, False),
    "manifest": (break_the_manifest, False),
    "draft in a release": (draft_a_span, True),
    "seed without annotations in a release": (seed_without_annotations, True),
}


@pytest.mark.parametrize("name", BREAKS)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_refused_build_gives_validates_errors_and_keeps_the_previous_build(corpus: Path, tmp_path: Path, name: str,
                                                                            jobs: int) -> None:
    out = build(corpus, tmp_path / "hub").out
    before = tree_bytes(out)
    breaking, release = BREAKS[name]
    breaking(corpus)
    with pytest.raises(BuildError) as refused:
        build(corpus, out, jobs=jobs, release=release)
    assert refused.value.reasons == expected_refusal(corpus, release=release)
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "hub"]  # no staging folder left behind
    assert build_check(corpus, out, jobs=jobs, release=release) == expected_refusal(corpus, release=release)


def test_a_warning_does_not_refuse_the_build(corpus: Path, tmp_path: Path) -> None:
    path = first_doc(corpus)
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False), encoding="utf-8")
    assert {i.rule for i in validate(corpus).issues} == {"file-not-canonical"}
    assert tree_bytes(build(corpus, tmp_path / "a", jobs=2).out) == tree_bytes(build(corpus, tmp_path / "b", jobs=1).out)


def test_spans_of_a_non_canonical_file_are_written_in_canonical_order(corpus: Path, tmp_path: Path) -> None:
    expected = build(corpus, tmp_path / "sorted").out
    path = first_doc(corpus)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["spans"].reverse()
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    assert [i.rule for i in validate(corpus).issues] == ["file-not-canonical"]
    assert tree_bytes(build(corpus, tmp_path / "reversed", jobs=2).out) == tree_bytes(expected)


# --- one statistics computation -------------------------------------------------------------------


def test_the_build_counts_what_stats_and_the_card_count(synthetic: Path, tmp_path: Path) -> None:
    built = build(synthetic, tmp_path / "hub", jobs=2).stats
    card = collect_stats(load_corpus(synthetic))
    assert built == card
    assert render_block(built) == render_block(card)
    report = corpus_stats(synthetic)
    assert report.layers == {label: card.spans_by_label[label] for label in report.layers}
    assert [d.doc_id for d in report.documents] == list(card.spans_by_document)
    assert report.quote_kinds == {kind: card.quote_kinds[kind] for kind in report.quote_kinds}
    assert report.timex_types == {t: card.timex_types[t] for t in report.timex_types}
    assert report.statuses == {s: card.statuses[s] for s in report.statuses}
    assert report.entities == sum(card.entities_by_type.values()) > 0
    assert report.clusters == sum(card.clusters_by_type.values()) > 0
    assert report.link_members == sum(card.members_by_cluster_type.values())
    assert card.characters == sum(len(p.read_text(encoding="utf-8")) for p in (synthetic / "seeds").glob("*.txt"))


def test_counting_never_breaks_on_malformed_spans() -> None:
    document = {"language": "en", "spans": [
        {"label": ["not", "text"], "status": "verified"},
        {"label": "quote", "status": {"odd": 1}, "kind": None},
        {"label": "quote", "status": "verified", "kind": "direct"},
        {"label": "date", "status": "verified"},
        "not a span",
    ]}
    counts = count_document("x", document)
    assert counts.by_label == {"['not', 'text']": 1, "quote": 2, "date": 1}
    assert counts.quote_kinds == {"None": 1, "direct": 1}
    assert counts.timex_types == {"None": 1}
    assert sum(counts.by_label_status.values()) == 4 and counts.by_label_status[("quote", "verified")] == 1


def test_the_workers_schema_is_the_features_schema() -> None:
    assert DOCUMENTS_SCHEMA.equals(arrow_schema("documents").remove_metadata())


# --- the benchmark says how it measured the floor ------------------------------------------------


def test_the_benchmark_table_says_the_page_cache_was_warm(tmp_path: Path) -> None:
    bench = load_benchmark_module("run")
    report = bench.run_benchmark(bench.BenchConfig(n_spans=300, workdir=tmp_path, steps=("floor",)), log=None)
    table = bench.format_table(report)
    assert f"page cache: {bench.WARM_CACHE_NOTE}" in table.splitlines()
    assert report.step("floor").ok and "date: " in table
