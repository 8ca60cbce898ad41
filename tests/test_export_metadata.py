"""The build's ``datasets`` metadata, made without importing ``datasets``.

The build writes the features of each config twice: in the ``huggingface`` key of
each Parquet file's schema metadata, and in the README's ``dataset_info``. It
computes both from the field lists alone; these tests check that the result is
exactly what ``datasets`` itself produces, and that a build leaves ``datasets``
unimported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import datasets
import pytest
from huggingface_hub import DatasetCardData

from eunato_corpus import export
from eunato_corpus.export import CONFIGS, arrow_schema, features, features_dict, front_matter
from eunato_corpus.model import (
    CLUSTER_FIELDS,
    DOCUMENT_FIELDS,
    ENTITY_FIELDS,
    LINK_FIELD_NAMES,
    MEMBER_FIELDS,
    OFFSET_FIELDS,
    SPAN_FIELDS,
)
from eunato_corpus.stats import CorpusCounts

# --- the Parquet schema and its features metadata ------------------------------------


def _feature(dtype: str) -> object:
    """The ``datasets`` feature type of a model dtype, built with ``datasets``
    itself: the reference the package's dicts are compared with."""
    if dtype == "string_list":
        return datasets.List(datasets.Value("string"))
    if dtype == "offsets":
        return datasets.List({name: datasets.Value("int64") for name in OFFSET_FIELDS})
    return datasets.Value(dtype)


def reference_features() -> dict[str, datasets.Features]:
    span_struct = {f.name: _feature(f.dtype) for f in SPAN_FIELDS}
    links = {f.name: f for f in (*CLUSTER_FIELDS, *MEMBER_FIELDS)}
    return {
        "documents": datasets.Features({f.name: datasets.List(span_struct) if f.name == "spans" else _feature(f.dtype)
                                        for f in DOCUMENT_FIELDS}),
        "spans": datasets.Features({"doc_id": datasets.Value("string"), **span_struct}),
        "entities": datasets.Features({f.name: _feature(f.dtype) for f in ENTITY_FIELDS}),
        "links": datasets.Features({name: _feature(links[name].dtype) for name in LINK_FIELD_NAMES}),
    }


REFERENCE = reference_features()


@pytest.mark.parametrize("config", CONFIGS)
def test_features_are_the_reference(config: str) -> None:
    assert features()[config] == REFERENCE[config]


@pytest.mark.parametrize("config", CONFIGS)
def test_features_dict_is_what_datasets_serializes(config: str) -> None:
    reference = REFERENCE[config].to_dict()
    ours = features_dict(config)
    assert ours == reference
    # Key order matters too: it is part of the bytes written.
    assert json.dumps(ours) == json.dumps(reference)


@pytest.mark.parametrize("config", CONFIGS)
def test_arrow_schema_is_the_one_datasets_gives(config: str) -> None:
    reference = REFERENCE[config].arrow_schema
    ours = arrow_schema(config)
    assert ours.equals(reference, check_metadata=True)
    assert ours.metadata == reference.metadata
    assert ours.serialize().to_pybytes() == reference.serialize().to_pybytes()


def test_features_dict_is_a_new_dict_each_time() -> None:
    first = features_dict("documents")
    first["spans"]["feature"].clear()
    assert features_dict("documents") == REFERENCE["documents"].to_dict()


def test_unknown_config_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown config"):
        features_dict("nonsense")


# --- the README's front matter ----------------------------------------------------


def reference_front_matter(stats: CorpusCounts, configs: Sequence[str] = CONFIGS) -> str:
    """The front matter as the build wrote it before it stopped importing
    ``datasets``: its ``dataset_info`` written by ``datasets`` itself."""
    config_entries = [
        {
            "config_name": config,
            "data_files": [{"split": export.SPLIT, "path": f"{export.DATA_DIR}/{config}/*.parquet"}],
            **({"default": True} if config == export.DEFAULT_CONFIG else {}),
        }
        for config in configs
    ]
    card_data = DatasetCardData(
        pretty_name=export.PRETTY_NAME,
        license=export.LICENSE,
        language=sorted(stats.languages) or ["en"],
        task_categories=list(export.TASK_CATEGORIES),
        size_categories=[export.size_category(stats.documents)],
        configs=config_entries,
    )
    infos = datasets.info.DatasetInfosDict(
        {config: datasets.DatasetInfo(config_name=config, features=REFERENCE[config]) for config in configs}
    )
    infos.to_dataset_card_data(card_data)
    return f"---\n{card_data.to_yaml()}\n---\n"


def _stats(documents: int, languages: set[str]) -> CorpusCounts:
    return CorpusCounts(documents=documents, languages=set(languages))


# Every subset of the configs, in corpus order: a build lists only the configs
# that got rows, so one, some or none of them may be there.
CONFIG_SUBSETS = [list(subset) for size in range(len(CONFIGS) + 1) for subset in combinations(CONFIGS, size)]


@pytest.mark.parametrize("configs", CONFIG_SUBSETS, ids=lambda c: "+".join(c) or "none")
def test_front_matter_is_what_datasets_writes(configs: list[str]) -> None:
    stats = _stats(336, {"en"})
    assert front_matter(stats, configs) == reference_front_matter(stats, configs)


@pytest.mark.parametrize("stats", [_stats(0, set()), _stats(5_000, {"fr", "en", "de"}), _stats(2_000_000, {"en"})],
                         ids=["empty", "languages", "large"])
def test_front_matter_follows_the_statistics_as_before(stats: CorpusCounts) -> None:
    assert front_matter(stats) == reference_front_matter(stats)


def test_front_matter_lists_the_features_in_dataset_info() -> None:
    # Not only equal to the reference: the reference does hold the features.
    text = front_matter(_stats(1, {"en"}))
    assert "dataset_info:\n- config_name: documents\n  features:\n  - name: doc_id\n    dtype: string\n" in text
    assert "  - name: aliases\n    list: string\n" in text


# --- a build does not import datasets -----------------------------------------------

_PROBE = """
import sys
from pathlib import Path
from eunato_corpus.export import build
build(Path(sys.argv[1]), Path(sys.argv[2]))
{extra}
print("datasets" in sys.modules)
"""

_CLI_PROBE = """
import sys
from eunato_corpus.cli import cli
cli(["build", "--root", sys.argv[1], "--out", sys.argv[2], "--no-progress"], standalone_mode=False)
print("datasets" in sys.modules)
"""


def _run(script: str, corpus: Path, out: Path) -> str:
    done = subprocess.run([sys.executable, "-c", script, str(corpus), str(out)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_build_does_not_import_datasets(mini_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "hub"
    assert _run(_PROBE.format(extra=""), mini_corpus, out) == "False"
    assert (out / export.README_NAME).is_file()
    # The mini corpus has no clusters, so no links config.
    assert sorted(p.name for p in (out / export.DATA_DIR).iterdir()) == ["documents", "entities", "spans"]
    assert "dataset_info:" in (out / export.README_NAME).read_text(encoding="utf-8")


def test_the_probe_would_see_datasets(mini_corpus: Path, tmp_path: Path) -> None:
    # The same probe, with ``features()`` called: it reports the import.
    assert _run(_PROBE.format(extra="from eunato_corpus.export import features; features()"), mini_corpus,
                tmp_path / "hub") == "True"


def test_cli_build_does_not_import_datasets(mini_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "hub"
    assert _run(_CLI_PROBE, mini_corpus, out) == "False"
    assert (out / export.README_NAME).is_file()
