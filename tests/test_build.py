"""The Parquet build: features from the field list, load_dataset on every config,
byte-identical rebuilds, shards, safe swaps, build --check and the CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import datasets
import huggingface_hub
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import MINI_DOC_ID, MINI_ENTITIES, REPO, write_corpus

from eunato_corpus import export as build_module
from eunato_corpus.card import (
    CARD_NAME,
    END_MARKER,
    START_MARKER,
    CardError,
    collect_stats,
    current_block,
    refresh_block,
    render_block,
    update_card,
)
from eunato_corpus.cli import cli
from eunato_corpus.corpus import load_corpus
from eunato_corpus.export import CONFIGS, FEATURES, BuildError, build, build_check
from eunato_corpus.io import write_annotation_file
from eunato_corpus.model import (
    DOCUMENT_FIELD_NAMES,
    DOCUMENT_FILE_KEYS,
    ENTITY_FIELD_NAMES,
    LINK_FIELD_NAMES,
    SPAN_FIELD_NAMES,
    span_sort_key,
)

# --- a two-document corpus: the mini corpus (003) plus real spans of the DW report (002)

DW_DOC_ID = "002_ab5affbc695f6711"
DW_QUOTE = "Putin wanted to take Ukraine in a few days and divide us. On both counts, he failed,"
DW_CLAIM = "The European Union and the North Atlantic Treaty Organization\u00a0(NATO) on Tuesday formally signed a joint declaration"


def _span(text: str, span_id: str, label: str, surface: str, after: int = 0, **extra: Any) -> dict[str, Any]:
    start = text.index(surface, after)
    return {"span_id": span_id, "label": label, "start": start, "end": start + len(surface), "text": surface,
            "status": "verified", **extra}


def dw_document() -> dict[str, Any]:
    """Spans of seeds/002 (DW, 10 January 2023), located in the text itself."""
    text = (REPO / "seeds" / f"{DW_DOC_ID}.txt").read_bytes().decode("utf-8")
    quote = _span(text, "q1", "quote", DW_QUOTE, kind="direct", speaker="jens_stoltenberg", speaker_span="s1", cue="k1")
    speaker = _span(text, "s1", "speaker", "Stoltenberg", after=quote["end"], entity="jens_stoltenberg")
    cue = _span(text, "k1", "cue", "said", after=speaker["end"])
    title = "EU and NATO sign joint call for cooperation amid Ukraine war"
    body_start = text.index(title)
    return {
        "doc_id": DW_DOC_ID, "title": title, "outlet": "DW", "outlet_entity": "dw", "genre": "news",
        "language": "en", "translated": False, "translated_evidence": "fixture: not decided",
        "published": "2023-01-10", "published_source": "stated", "published_evidence": "dateline 'January 10, 2023'",
        "dct": "2023-01-10", "speaker": None,
        "body": [{"start": body_start, "end": cue["end"]}],
        "spans": [
            _span(text, "d1", "date", "January 10, 2023", timex_type="DATE", value="2023-01-10", mod=None),
            _span(text, "c1", "claim", DW_CLAIM, claimant="dw"),
            _span(text, "d2", "date", "almost a year ago", timex_type="DATE", value="2022", mod="APPROX"),
            quote, speaker, cue,
        ],
    }


ENTITIES: dict[str, Any] = {"entities": [
    *MINI_ENTITIES["entities"],
    {"entity_id": "dw", "type": "organization", "name": "DW", "aliases": ["Deutsche Welle"], "members": []},
    {"entity_id": "jens_stoltenberg", "type": "person", "name": "Jens Stoltenberg",
     "aliases": ["Stoltenberg", "the NATO chief"], "members": []},
]}
LINKS: dict[str, Any] = {"clusters": [
    {"cluster_id": "cc1", "cluster_type": "claim_cluster", "description": "the declaration is signed in Brussels",
     "primary_text": None, "members": [{"doc_id": MINI_DOC_ID, "span_id": "c1", "relation": None},
                                       {"doc_id": DW_DOC_ID, "span_id": "c1", "relation": None}]},
]}


def add_document(root: Path, document: dict[str, Any]) -> None:
    """Copy a real seed (and its manifest line) into ``root`` and write its annotation file."""
    doc_id = document["doc_id"]
    shutil.copyfile(REPO / "seeds" / f"{doc_id}.txt", root / "seeds" / f"{doc_id}.txt")
    line = next(x for x in (REPO / "seeds" / "SHA256SUMS").read_text().splitlines() if doc_id in x)
    manifest = root / "seeds" / "SHA256SUMS"
    manifest.write_text("".join(sorted(manifest.read_text().splitlines(keepends=True) + [line + "\n"])))
    write_annotation_file(root / "annotations" / "docs" / f"{doc_id}.json", document)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two documents, four entities and one cross-document cluster."""
    root = write_corpus(tmp_path / "corpus", entities=ENTITIES, links=LINKS)
    add_document(root, dw_document())
    return root


@pytest.fixture
def load(hf_offline: Path) -> Callable[[Path, str], datasets.Dataset]:
    """``load(out, config)``: plain load_dataset of a local folder, offline, with a
    private cache, no loading script and no trust_remote_code."""

    def _load(out: Path, config: str) -> datasets.Dataset:
        dataset = datasets.load_dataset(str(out), config, cache_dir=str(hf_offline))
        assert list(dataset) == ["train"]
        return dataset["train"]

    return _load


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def file_spans(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every span of the annotation files as (doc_id, record with every span field)."""
    spans = []
    for path in sorted((root / "annotations" / "docs").glob("*.json")):
        data = read_json(path)
        spans += [(data["doc_id"], {name: s.get(name) for name in SPAN_FIELD_NAMES}) for s in data["spans"]]
    return spans


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- features ---------------------------------------------------------------------


def test_features_follow_the_field_list() -> None:
    assert tuple(FEATURES["documents"]) == DOCUMENT_FIELD_NAMES
    assert tuple(FEATURES["spans"]) == ("doc_id", *SPAN_FIELD_NAMES)
    assert tuple(FEATURES["entities"]) == ENTITY_FIELD_NAMES
    assert tuple(FEATURES["links"]) == LINK_FIELD_NAMES
    nested = FEATURES["documents"]["spans"]
    assert isinstance(nested, datasets.List)
    assert tuple(nested.feature) == SPAN_FIELD_NAMES
    assert isinstance(FEATURES["documents"]["body"], datasets.List)
    assert FEATURES["documents"]["translated"] == datasets.Value("bool")
    assert FEATURES["spans"]["start"] == datasets.Value("int64")
    assert FEATURES["entities"]["aliases"] == datasets.List(datasets.Value("string"))


def test_parquet_files_carry_the_features(corpus: Path, tmp_path: Path) -> None:
    result = build(corpus, tmp_path / "hub")
    for config in CONFIGS:
        for name in result.shards[config]:
            schema = pq.read_schema(tmp_path / "hub" / "data" / config / name)
            assert datasets.Features.from_arrow_schema(schema) == FEATURES[config]


def test_readme_declares_configs_and_features_and_no_script(corpus: Path, tmp_path: Path) -> None:
    out = build(corpus, tmp_path / "hub").out
    readme = (out / "README.md").read_text(encoding="utf-8")
    card = huggingface_hub.DatasetCard(readme).data.to_dict()
    assert card["license"] == "cc-by-4.0"
    assert [c["config_name"] for c in card["configs"]] == list(CONFIGS)
    assert [c["config_name"] for c in card["configs"] if c.get("default")] == ["documents"]
    for entry in card["configs"]:
        assert entry["data_files"] == [{"split": "train", "path": f"data/{entry['config_name']}/*.parquet"}]
    for info in card["dataset_info"]:
        assert datasets.Features._from_yaml_list(info["features"]) == FEATURES[info["config_name"]]
    assert not list(out.rglob("*.py"))
    assert START_MARKER in readme and "- Documents: 2" in readme


# --- load_dataset equals the annotation files, both ways ---------------------------


def test_spans_config_equals_the_annotation_files(corpus: Path, tmp_path: Path, load: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    rows = load(out, "spans").to_list()
    from_files = file_spans(corpus)
    built = [(row.pop("doc_id"), row) for row in rows]
    # every span in the files is in the build with identical values ...
    for item in from_files:
        assert item in built
    # ... and every row of the build comes from the files
    for item in built:
        assert item in from_files
    assert len(built) == len(from_files) == 14
    # rows are ordered by document, then canonical span order
    assert built == sorted(built, key=lambda x: (x[0], span_sort_key(x[1])))


def test_documents_config_equals_the_annotation_files(corpus: Path, tmp_path: Path, load: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    rows = load(out, "documents").to_list()
    files = [read_json(p) for p in sorted((corpus / "annotations" / "docs").glob("*.json"))]
    assert [r["doc_id"] for r in rows] == [f["doc_id"] for f in files] == [DW_DOC_ID, MINI_DOC_ID]
    for row, data in zip(rows, files, strict=True):
        seed = (corpus / "seeds" / f"{data['doc_id']}.txt").read_bytes()
        assert row["text"] == seed.decode("utf-8")
        assert row["sha256"] == hashlib.sha256(seed).hexdigest()
        for key in DOCUMENT_FILE_KEYS:
            if key == "spans":
                expected = sorted(({n: s.get(n) for n in SPAN_FIELD_NAMES} for s in data["spans"]), key=span_sort_key)
                assert row["spans"] == expected
            else:
                assert row[key] == data[key], key
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]


def test_entities_and_links_configs_equal_the_annotation_files(corpus: Path, tmp_path: Path, load: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    entities = load(out, "entities").to_list()
    assert entities == sorted(ENTITIES["entities"], key=lambda e: e["entity_id"])
    links = load(out, "links").to_list()
    expected = [
        {"cluster_id": c["cluster_id"], "cluster_type": c["cluster_type"], "description": c["description"],
         "primary_text": c["primary_text"], **m}
        for c in LINKS["clusters"] for m in c["members"]
    ]
    assert links == sorted(expected, key=lambda r: (r["cluster_id"], r["doc_id"], r["span_id"]))


def test_default_config_is_documents(corpus: Path, tmp_path: Path, load: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    dataset = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "hf-cache"))
    assert dataset["train"].column_names == list(DOCUMENT_FIELD_NAMES)


def test_a_config_without_rows_is_left_out(mini_corpus: Path, tmp_path: Path) -> None:
    # datasets cannot load an empty split, so the empty links config is not declared
    result = build(mini_corpus, tmp_path / "hub")
    assert result.rows["links"] == 0 and result.shards["links"] == []
    assert not (tmp_path / "hub" / "data" / "links").exists()
    readme = (tmp_path / "hub" / "README.md").read_text(encoding="utf-8")
    assert "config_name: links" not in readme and "config_name: spans" in readme


# --- determinism and shards ----------------------------------------------------------


def test_two_builds_are_byte_identical(corpus: Path, tmp_path: Path) -> None:
    first = snapshot(build(corpus, tmp_path / "a").out)
    second = snapshot(build(corpus, tmp_path / "b").out)
    assert first == second
    assert "data/spans/train-00000-of-00001.parquet" in first


def test_span_order_in_the_file_does_not_change_the_build(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    before = snapshot(build(corpus, tmp_path / "a").out)
    edit_json(corpus / "annotations" / "docs" / f"{DW_DOC_ID}.json", lambda d: d["spans"].reverse())
    assert snapshot(build(corpus, tmp_path / "b").out) == before


def test_a_multi_shard_build_loads_as_one_split(corpus: Path, tmp_path: Path, load: Any) -> None:
    whole = build(corpus, tmp_path / "whole")
    sharded = build(corpus, tmp_path / "sharded", shard_rows=3, row_group_rows=2)
    assert sharded.shards["spans"] == [f"train-{i:05d}-of-00005.parquet" for i in range(5)]
    assert len(sharded.shards["documents"]) == 2  # one document per shard: each holds more than 3 spans
    for name in sharded.shards["spans"]:
        metadata = pq.ParquetFile(tmp_path / "sharded" / "data" / "spans" / name).metadata
        assert metadata.num_rows <= 3 and all(metadata.row_group(i).num_rows <= 2 for i in range(metadata.num_row_groups))
    for config in ("documents", "spans"):
        assert load(sharded.out, config).to_list() == load(whole.out, config).to_list()
    assert len(load(sharded.out, "spans")) == whole.rows["spans"] == 14


# --- safety: refuse, fail, swap -------------------------------------------------------


def test_an_invalid_corpus_is_refused_and_the_previous_build_kept(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    before = snapshot(out)

    def break_text(data: dict[str, Any]) -> None:
        data["spans"][0]["text"] = data["spans"][0]["text"] + "x"

    edit_json(corpus / "annotations" / "docs" / f"{MINI_DOC_ID}.json", break_text)
    with pytest.raises(BuildError) as error:
        build(corpus, out)
    assert any("span-text-mismatch" in reason for reason in error.value.reasons)
    assert snapshot(out) == before


def test_a_registry_that_cannot_be_converted_is_refused_with_its_issue(corpus: Path, tmp_path: Path,
                                                                        edit_json: Any) -> None:
    # The registry's rows are made while documents are still being checked,
    # before its own check has answered: an entity without a name must end in
    # the refusal that names the problem, not in a traceback or a build.
    def drop_name(data: dict[str, Any]) -> None:
        del data["entities"][0]["name"]

    edit_json(corpus / "annotations" / "entities.json", drop_name)
    with pytest.raises(BuildError) as error:
        build(corpus, tmp_path / "hub")
    assert any("schema-required" in reason for reason in error.value.reasons)
    assert not (tmp_path / "hub").exists()


def test_release_refuses_drafts(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    def draft(data: dict[str, Any]) -> None:
        data["spans"][0]["status"] = "draft"

    edit_json(corpus / "annotations" / "docs" / f"{MINI_DOC_ID}.json", draft)
    with pytest.raises(BuildError) as error:
        build(corpus, tmp_path / "release", release=True)
    assert any("span-draft" in reason for reason in error.value.reasons)
    assert not (tmp_path / "release").exists()
    assert build(corpus, tmp_path / "work").rows["spans"] == 14


def test_a_failure_mid_build_leaves_the_previous_output_untouched(corpus: Path, tmp_path: Path, edit_json: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = build(corpus, tmp_path / "hub").out
    before = snapshot(out)
    edit_json(corpus / "annotations" / "entities.json", lambda d: d["entities"][0].update(name="Changed"))

    def explode(*_: Any) -> dict[str, list[Any]]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "link_columns", explode)  # after documents, spans and entities are written
    with pytest.raises(RuntimeError, match="disk full"):
        build(corpus, out)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "hub"]  # no staging folder left behind
    monkeypatch.undo()
    assert snapshot(build(corpus, out).out) != before


def test_a_folder_that_is_not_a_build_is_never_replaced(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="refusing to replace"):
        build(corpus, corpus)
    assert (corpus / "annotations" / "entities.json").is_file()


# --- build --check -----------------------------------------------------------------------


def test_check_passes_on_a_fresh_build_and_finds_a_changed_annotation(corpus: Path, tmp_path: Path,
                                                                      edit_json: Any) -> None:
    out = build(corpus, tmp_path / "hub").out
    assert build_check(corpus, out) == []

    def retype(data: dict[str, Any]) -> None:
        data["spans"][1]["timex_type"] = "TIME"
        data["spans"][1]["value"] = "2023-01-06T10:00"

    edit_json(corpus / "annotations" / "docs" / f"{MINI_DOC_ID}.json", retype)
    problems = build_check(corpus, out)
    # the DW document's 6 spans come first, then the mini document's d1 and d2
    assert any("data/spans/train-00000-of-00001.parquet: row 7 differs" in p for p in problems)
    assert any("data/documents" in p for p in problems)
    assert any("README.md" in p for p in problems)  # the TIMEX statistics changed


def test_check_compares_content_not_bytes(corpus: Path, tmp_path: Path) -> None:
    out = build(corpus, tmp_path / "hub").out
    shard = out / "data" / "spans" / "train-00000-of-00001.parquet"
    table = pq.read_table(shard)
    pq.write_table(table, shard, compression="snappy", use_dictionary=False)  # as another writer would
    assert build_check(corpus, out) == []
    pq.write_table(table.slice(1), shard)
    assert build_check(corpus, out) == [f"{shard}: 13 rows, the annotations give 14"]


def test_check_reports_a_missing_build_and_stray_files(corpus: Path, tmp_path: Path) -> None:
    assert build_check(corpus, tmp_path / "nothing") == [f"{tmp_path / 'nothing'}: no build found; run `eunato-corpus build`"]
    out = build(corpus, tmp_path / "hub").out
    (out / "loader.py").write_text("print('no code on load')\n")
    assert build_check(corpus, out) == [f"{out / 'loader.py'}: not part of a build"]


# --- the dataset card's generated block ------------------------------------------------


def test_the_statistics_are_counted_from_the_corpus(corpus: Path) -> None:
    stats = collect_stats(load_corpus(corpus))
    spans = file_spans(corpus)
    assert stats.documents == 2 and stats.spans == len(spans)
    for label in ("speaker", "cue", "quote", "claim", "date"):
        assert stats.spans_by_label[label] == sum(1 for _, s in spans if s["label"] == label)
    assert stats.timex_types == {"DATE": 5, "TIME": 1}
    assert stats.quote_kinds == {"indirect": 1, "direct": 1}
    assert stats.entities_by_type == {"organization": 3, "person": 1}
    assert stats.clusters_by_type == {"claim_cluster": 1}
    block = render_block(stats)
    assert "| date | 6 | 0 | 6 |" in block and "| DURATION | 0 |" in block
    assert f"| `{DW_DOC_ID}` | 1 | 1 | 1 | 1 | 2 | 6 |" in block


def test_refresh_block_replaces_only_the_generated_part() -> None:
    card = f"# Card\n\nProse.\n\n{START_MARKER}\nold numbers\n{END_MARKER}\n\nMore prose.\n"
    new = refresh_block(card, "new numbers")
    assert new == f"# Card\n\nProse.\n\n{START_MARKER}\nnew numbers\n{END_MARKER}\n\nMore prose.\n"
    assert current_block(new) == "new numbers"
    assert refresh_block("# Card\n", "n") == f"# Card\n\n{START_MARKER}\nn\n{END_MARKER}\n"
    with pytest.raises(CardError):
        refresh_block(f"{END_MARKER}\n{START_MARKER}\n", "n")


def test_a_stale_card_is_reported_and_updated(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    card = corpus / CARD_NAME
    card.write_text(f"# Card\n\n{START_MARKER}\n{END_MARKER}\n", encoding="utf-8")
    out = build(corpus, tmp_path / "hub").out
    assert build_check(corpus, out) == [f"{CARD_NAME}: the statistics block is stale; run `eunato-corpus build --update-card`"]
    assert update_card(corpus) is True
    assert update_card(corpus) is False
    assert build_check(corpus, out) == []
    assert current_block(card.read_text(encoding="utf-8")) == render_block(collect_stats(load_corpus(corpus)))
    # the Hub README carries the card's prose with the same block
    assert (out / "README.md").read_text(encoding="utf-8").endswith(card.read_text(encoding="utf-8"))


# --- the command line ------------------------------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_build_then_check(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    out = tmp_path / "hub"
    result = invoke("build", "--root", str(corpus), "--out", str(out), "--shard-rows", "5")
    assert result.exit_code == 0, result.output
    assert "spans 14 rows in 3 shard(s)" in result.output
    assert invoke("build", "--root", str(corpus), "--out", str(out), "--check", "--shard-rows", "5").exit_code == 0
    edit_json(corpus / "annotations" / "entities.json", lambda d: d["entities"][0].update(name="NATO (changed)"))
    stale = invoke("build", "--root", str(corpus), "--out", str(out), "--check", "--shard-rows", "5")
    assert stale.exit_code == 1
    assert "data/entities/train-00000-of-00001.parquet: row 0 differs" in stale.output  # dw, first by id
    assert "Traceback" not in stale.output


def test_cli_default_out_is_under_the_root(corpus: Path) -> None:
    assert invoke("build", "--root", str(corpus)).exit_code == 0
    assert (corpus / "hub" / "data" / "documents" / "train-00000-of-00001.parquet").is_file()


def test_cli_refuses_an_invalid_corpus_without_a_traceback(corpus: Path, tmp_path: Path, edit_json: Any) -> None:
    edit_json(corpus / "annotations" / "docs" / f"{DW_DOC_ID}.json", lambda d: d["spans"][0].update(start=-1))
    result = invoke("build", "--root", str(corpus), "--out", str(tmp_path / "hub"))
    assert result.exit_code == 1
    assert "the corpus is invalid" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "hub").exists()


def test_cli_update_card(corpus: Path, tmp_path: Path) -> None:
    (corpus / CARD_NAME).write_text(f"# Card\n\n{START_MARKER}\nstale\n{END_MARKER}\n", encoding="utf-8")
    out = str(tmp_path / "hub")
    assert invoke("build", "--root", str(corpus), "--out", out).exit_code == 0
    stale = invoke("build", "--root", str(corpus), "--out", out, "--check")
    assert stale.exit_code == 1 and "DATASET_CARD.md: the statistics block is stale" in stale.output
    updated = invoke("build", "--root", str(corpus), "--out", out, "--update-card")
    assert updated.exit_code == 0 and "statistics updated" in updated.output
    assert invoke("build", "--root", str(corpus), "--out", out, "--check").exit_code == 0


@pytest.mark.parametrize("args", [["--shard-rows", "0"], ["--bogus"], ["--shard-rows", "many"]])
def test_cli_usage_errors_exit_2(corpus: Path, args: list[str]) -> None:
    assert invoke("build", "--root", str(corpus), *args).exit_code == 2


def test_check_notices_missing_features_metadata(corpus: Path, tmp_path: Path) -> None:
    out = build(corpus, tmp_path / "hub").out
    shard = out / "data" / "entities" / "train-00000-of-00001.parquet"
    table = pq.read_table(shard)
    pq.write_table(table.replace_schema_metadata(None), shard)
    assert build_check(corpus, out) == [f"{shard}: the datasets features metadata differs"]


@pytest.mark.parametrize(("shard_rows", "row_group_rows"), [(10, 4), (7, 7), (3, 2), (1000, 5)])
def test_weighted_rows_in_one_call_write_what_row_by_row_writes(tmp_path: Path, shard_rows: int, row_group_rows: int) -> None:
    # The build hands a chunk's documents over in one call; shard and row-group
    # boundaries must fall where adding them one at a time puts them.
    import pyarrow as pa

    schema = pa.schema([("doc_id", pa.string()), ("weight", pa.int64())])
    weights = [1, 3, 0, 5, 12, 2, 2, 1, 4, 9, 1, 1]  # 12 outweighs a shard of 10; 0 counts as 1
    batch = pa.RecordBatch.from_arrays([pa.array([f"d{i}" for i in range(len(weights))]), pa.array(weights)], schema=schema)
    whole = build_module.ShardedWriter(tmp_path / "whole", schema, shard_rows, row_group_rows)
    whole.add_weighted_rows(batch, weights)
    single = build_module.ShardedWriter(tmp_path / "single", schema, shard_rows, row_group_rows)
    for row, weight in enumerate(weights):
        single.add_weighted_rows(batch.slice(row, 1), [weight])
    names = whole.close()
    assert names == single.close() and whole.rows == single.rows == len(weights)
    for name in names:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "single" / name).read_bytes()
    groups = [pq.ParquetFile(tmp_path / "whole" / name).metadata.num_row_groups for name in names]
    assert sum(groups) >= len(names) and len(names) > (1 if shard_rows < 1000 else 0)
