"""The synthetic corpus generator and the benchmark harness (benchmarks/).

The generator must write corpora that the project's own schema and rules
accept, with every layer, exactly the requested number of spans, and the same
bytes for the same seed. The harness must run every step end to end on a tiny
corpus, print its table, and report a failing step instead of crashing.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from eunato_corpus.io import CorpusPaths, dumps_canonical, parse_manifest, read_seed
from eunato_corpus.model import LABELS, QUOTE_KINDS, TIMEX_TYPES, span_sort_key
from eunato_corpus.validation import validate

REPO = Path(__file__).resolve().parents[1]


def load_benchmark_module(name: str) -> ModuleType:
    """Import benchmarks/<name>.py (a script folder, not a package)."""
    module_name = f"eunato_benchmarks_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, REPO / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generate = load_benchmark_module("generate")
bench = load_benchmark_module("run")

N_SPANS = 2_000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate.generate_corpus(tmp_path_factory.mktemp("synthetic") / "corpus", N_SPANS, seed=7)


def documents(root: Path) -> list[tuple[dict[str, Any], str]]:
    paths = CorpusPaths(root)
    pairs = []
    for doc_id in paths.doc_ids():
        record = json.loads(paths.doc(doc_id).read_text(encoding="utf-8"))
        pairs.append((record, read_seed(paths.seed(record["doc_id"]))))
    return pairs


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- the generated corpus ------------------------------------------------------------------


def test_the_schema_accepts_every_file(corpus: Any) -> None:
    schemas = {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8")) for p in (REPO / "schema").glob("*.schema.json")}
    registry: Registry[Any] = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
    paths = CorpusPaths(corpus.root)
    files = [(paths.doc(d), "document") for d in paths.doc_ids()] + [(paths.entities, "entities"), (paths.links, "links")]
    errors = []
    for path, kind in files:
        validator = Draft202012Validator(schemas[kind], registry=registry)
        errors += [(path.name, list(e.absolute_path), e.message) for e in validator.iter_errors(json.loads(path.read_bytes()))]
    assert errors == []
    assert len(files) == corpus.n_documents + 2


def test_every_span_is_its_text_exactly_and_verified(corpus: Any) -> None:
    spans = 0
    for record, raw in documents(corpus.root):
        for span in record["spans"]:
            spans += 1
            assert raw[span["start"]:span["end"]] == span["text"], (record["doc_id"], span["span_id"])
            assert not span["text"][0].isspace() and not span["text"][-1].isspace(), span
            assert span["status"] == "verified"
        assert all(0 <= b["start"] < b["end"] <= len(raw) for b in record["body"])
    assert spans == corpus.n_spans == N_SPANS


def test_files_are_canonical_and_seeds_match_the_manifest(corpus: Any) -> None:
    paths = CorpusPaths(corpus.root)
    manifest = parse_manifest(paths.manifest.read_text(encoding="utf-8"))
    assert sorted(manifest) == sorted(f"{d}.txt" for d in paths.doc_ids())
    for name, digest in manifest.items():
        assert hashlib.sha256((paths.seeds / name).read_bytes()).hexdigest() == digest
    for doc_id in paths.doc_ids():
        text = paths.doc(doc_id).read_text(encoding="utf-8")
        data = json.loads(text)
        assert data["spans"] == sorted(data["spans"], key=span_sort_key)
        assert dumps_canonical(data) == text


def test_every_layer_and_kind_appears(corpus: Any) -> None:
    labels: Counter[str] = Counter()
    kinds, timex_types, mods = set(), set(), set()
    quotes_with_speaker_and_cue = quotes_without_speaker_span = 0
    for record, _raw in documents(corpus.root):
        for span in record["spans"]:
            labels[span["label"]] += 1
            if span["label"] == "quote":
                kinds.add(span["kind"])
                if span["speaker_span"] is not None and span["cue"] is not None:
                    quotes_with_speaker_and_cue += 1
                if span["speaker_span"] is None:
                    quotes_without_speaker_span += 1
            if span["label"] == "date":
                timex_types.add(span["timex_type"])
                mods.add(span["mod"])
    assert set(labels) == set(LABELS)
    assert labels == Counter(corpus.label_counts)
    assert kinds == set(QUOTE_KINDS)
    assert timex_types == set(TIMEX_TYPES)
    assert {"APPROX", "MORE_THAN", "START", "END", None} <= mods
    assert quotes_with_speaker_and_cue > 0 and quotes_without_speaker_span > 0


def test_references_resolve_within_documents_registry_and_links(corpus: Any) -> None:
    paths = CorpusPaths(corpus.root)
    entities = {e["entity_id"]: e for e in json.loads(paths.entities.read_text(encoding="utf-8"))["entities"]}
    span_ids: dict[str, set[str]] = {}
    for record, _raw in documents(corpus.root):
        by_id = {s["span_id"]: s for s in record["spans"]}
        assert len(by_id) == len(record["spans"])
        span_ids[record["doc_id"]] = set(by_id)
        assert record["outlet_entity"] in entities
        for span in record["spans"]:
            for name in ("entity", "speaker", "claimant"):
                if name in span:
                    assert span[name] in entities, span
            if span["label"] == "quote" and span["speaker_span"] is not None:
                assert by_id[span["speaker_span"]]["label"] == "speaker"
                assert by_id[span["speaker_span"]]["entity"] == span["speaker"]
            if span["label"] == "quote" and span["cue"] is not None:
                assert by_id[span["cue"]]["label"] == "cue"
    for entity in entities.values():
        assert all(member in entities for member in entity["members"])
    assert any(e["type"] == "group" and e["members"] for e in entities.values())
    clusters = json.loads(paths.links.read_text(encoding="utf-8"))["clusters"]
    assert {c["cluster_type"] for c in clusters} == {"quote_cluster", "claim_cluster"}
    docs_in_links = set()
    for cluster in clusters:
        assert len(cluster["members"]) >= 2 or (cluster["members"] and cluster["primary_text"])
        for member in cluster["members"]:
            assert member["span_id"] in span_ids[member["doc_id"]]
            docs_in_links.add(member["doc_id"])
    assert len(docs_in_links) > 1  # clusters reach across documents
    assert corpus.n_clusters == len(clusters)


def test_a_corpus_passes_release_validation_without_a_single_issue(tmp_path: Path) -> None:
    generated = generate.generate_corpus(tmp_path / "corpus", 20_000, seed=2)
    assert validate(generated.root, release=True, jobs=2).issues == ()
    # primary_text copies an official statement's words: this corpus has some to check.
    clusters = json.loads(CorpusPaths(generated.root).links.read_text(encoding="utf-8"))["clusters"]
    assert [c for c in clusters if c["primary_text"]]


def test_texts_carry_the_characters_real_news_does(corpus: Any) -> None:
    text = "".join(raw for _record, raw in documents(corpus.root))
    for char in ("Ö", "ğ", "ş", "é", "İ", "\u00a0", "–", "—", "“", "”", "’"):
        assert char in text, repr(char)


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path: Path) -> None:
    first = generate.generate_corpus(tmp_path / "a", 700, seed=3, spans_per_doc=120)
    second = generate.generate_corpus(tmp_path / "b", 700, seed=3, spans_per_doc=120)
    other = generate.generate_corpus(tmp_path / "c", 700, seed=4, spans_per_doc=120)
    assert tree_bytes(first.root) == tree_bytes(second.root)
    assert tree_bytes(first.root) != tree_bytes(other.root)


@pytest.mark.parametrize(("n_spans", "spans_per_doc"), [(1, 300), (5, 300), (301, 30), (999, 100)])
def test_exactly_the_requested_number_of_spans(tmp_path: Path, n_spans: int, spans_per_doc: int) -> None:
    corpus = generate.generate_corpus(tmp_path / "corpus", n_spans, seed=1, spans_per_doc=spans_per_doc)
    per_doc = [len(record["spans"]) for record, _raw in documents(corpus.root)]
    assert sum(per_doc) == corpus.n_spans == n_spans
    assert len(per_doc) == corpus.n_documents
    if n_spans >= spans_per_doc:
        assert min(per_doc) >= (2 * spans_per_doc) // 3
        assert max(per_doc) < 2 * ((4 * spans_per_doc) // 3)


def test_document_budgets_sum_exactly() -> None:
    budgets = list(generate.document_budgets(1_000_000, 300, 0))
    assert sum(budgets) == 1_000_000
    assert all(200 <= b < 800 for b in budgets)


def test_refuses_to_write_over_a_corpus(tmp_path: Path) -> None:
    generate.generate_corpus(tmp_path / "corpus", 10)
    with pytest.raises(FileExistsError):
        generate.generate_corpus(tmp_path / "corpus", 10)


def test_command_line_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main([str(tmp_path / "out"), "--spans", "40", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["spans"] == 40
    assert len(list((tmp_path / "out" / "annotations" / "docs").glob("*.json"))) == summary["documents"]
    assert generate.main([str(tmp_path / "out"), "--spans", "40"]) == 1
    assert "not empty" in capsys.readouterr().err


# --- the benchmark harness ----------------------------------------------------------------------


def test_benchmark_runs_every_step_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--spans", "300", "--spans-per-doc", "100", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("corpus: ") and "300 spans" in lines[0]
    for title in bench.STEP_TITLES.values():
        row = next(line for line in lines if line.startswith(title))
        assert row.rstrip().endswith("ok"), row
    assert next(line for line in lines if line.startswith("json.loads (floor)")).split()[-2] == "1.00"
    for target in bench.TARGETS:
        assert any(target.name in line and line.strip()[:4] in ("PASS", "FAIL") for line in lines), target.name


def test_benchmark_json_reuses_the_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--spans", "200", "--workdir", str(tmp_path), "--steps", "naive,floor", "--json"]
    assert bench.main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["generation"]["status"] == "ok"
    assert [s["step"] for s in first["steps"]] == ["floor", "naive"]  # pipeline order
    assert all(s["status"] == "ok" and s["spans"] == 200 for s in first["steps"])
    assert first["steps"][0]["ratio_to_floor"] == 1.0
    assert first["steps"][1]["peak_rss_bytes"] > 0
    assert [t["verdict"] for t in first["targets"]] == ["n/a"] * len(bench.TARGETS)
    assert bench.main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["generation"] is None
    assert second["corpus"]["root"] == first["corpus"]["root"]


def test_rounds_run_the_steps_in_turn_and_keep_the_median(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--spans", "200", "--workdir", str(tmp_path), "--steps", "floor,validate", "--rounds", "3",
                       "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["environment"]["rounds"] == 3
    for step in report["steps"]:
        walls = step["round_walls"]
        assert len(walls) == 3 and step["wall_seconds"] == sorted(walls)[1]


def test_the_parallel_floor_parses_every_file_and_gives_the_speedup(tmp_path: Path) -> None:
    report = bench.run_benchmark(bench.BenchConfig(n_spans=300, workdir=tmp_path, jobs=2,
                                                   steps=("floor", "parallel_floor")), log=None)
    parallel = report.step("parallel_floor")
    assert parallel is not None and parallel.ok and parallel.spans == 300
    floor = report.step("floor")
    assert floor is not None and floor.wall_seconds and parallel.wall_seconds
    speedup = f"parallel speedup of the floor: {floor.wall_seconds / parallel.wall_seconds:.2f}x with 2 processes"
    assert any(line.startswith(speedup) for line in bench.format_table(report).splitlines())


def test_the_median_round_stands_for_a_step_and_a_failed_round_wins() -> None:
    def run(wall: float, rss: int, status: str = "ok") -> bench.StepResult:
        return bench.StepResult("validate", "v", status, wall_seconds=wall, peak_rss_bytes=rss)

    chosen = bench._median_round([run(3.0, 10), run(1.0, 30), run(2.0, 20), run(9.0, 5)])
    assert (chosen.wall_seconds, chosen.round_walls, chosen.peak_rss_bytes) == (2.0, [3.0, 1.0, 2.0, 9.0], 30)
    failed = bench._median_round([run(1.0, 10), run(2.0, 10, "failed")])
    assert failed.status == "failed" and failed.wall_seconds == 2.0


def test_a_failing_step_is_reported_not_raised() -> None:
    command = [sys.executable, "-c", "import sys; print('no such command', file=sys.stderr); sys.exit(2)"]
    result = bench.measure("validate", command)
    assert (result.status, result.exit_code) == ("failed", 2)
    assert "no such command" in result.detail
    report = bench.BenchmarkReport(
        corpus={"root": "x", "documents": 1, "spans": 10, "annotation_mib": 0.1, "seed_mib": 0.1},
        environment={"cpus": 2, "python": "3", "jobs": None},
        steps=[bench.StepResult("floor", "json.loads (floor)", "ok", wall_seconds=1.0, peak_rss_bytes=2**20), result],
    )
    table = bench.format_table(report)
    assert "no such command" in table
    verdicts = {t.name: t.verdict for t in report.targets()}
    assert verdicts["validate <= 2x floor"] == "FAIL"
    assert verdicts["build <= 4x floor"] == "n/a"


def test_targets_compare_against_the_floor() -> None:
    steps = [
        bench.StepResult("floor", "floor", "ok", wall_seconds=2.0, peak_rss_bytes=10),
        bench.StepResult("validate", "validate", "ok", wall_seconds=3.9, peak_rss_bytes=2 * bench.GIB),
        bench.StepResult("build", "build", "ok", wall_seconds=8.2, peak_rss_bytes=bench.GIB - 1),
    ]
    report = bench.BenchmarkReport(corpus={"spans": 100}, environment={}, steps=steps)
    assert [(t.name, t.verdict) for t in report.targets()] == [
        ("validate <= 2x floor", "PASS"),
        ("build <= 4x floor", "FAIL"),
        ("validate peak RSS < 1 GiB", "FAIL"),
        ("build peak RSS < 1 GiB", "PASS"),
    ]
