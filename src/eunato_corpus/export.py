"""The Hub-ready Parquet build: ``datasets`` features from the field list, streamed,
sharded, deterministic, swapped in atomically.

:func:`build` validates the corpus and writes, in the same pass, a folder that
``datasets.load_dataset(folder, config)`` opens offline, with no loading script::

    README.md                                   YAML front matter + dataset card
    data/<config>/train-00000-of-0000N.parquet  one or more shards per config

Configs: ``documents`` (default; one row per text with its spans nested),
``spans`` (one row per span), ``entities`` (the registry) and ``links`` (one row
per cluster member). Their ``datasets`` features are derived from the field lists
in :mod:`eunato_corpus.model`, so the annotation files, the dataclasses and the
Parquet files cannot drift apart. The build writes them (in the Parquet schema
metadata and the README's YAML) in the forms ``datasets`` itself writes, but
without importing it, which would cost it over a second; :func:`features` gives
the same features as ``datasets.Features`` objects.

Each document is read and parsed once, in a worker process that checks it with
the validator's own code and converts it straight from parsed records into
Arrow columns (:mod:`eunato_corpus.convert`), with no object per span; this
process writes the rows, in corpus order, in row groups, so memory is bounded
by a row group and the chunks in flight, not the corpus. Row order, compression and row-group
boundaries depend only on the input, and nothing time-dependent is written, so
two builds of the same annotations give byte-identical files.

The build goes into a temporary folder next to ``out`` and replaces ``out`` only
when complete; a refused or failed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from .card import (
    card_problems,
    read_card,
    refresh_block,
    render_block,
)
from .convert import DOCUMENTS_SCHEMA, ConvertedChunk, DocumentConverter, arrow_type, spans_rows
from .corpus import load_corpus
from .io import DOCS_DIR, ENTITIES_NAME, LINKS_NAME
from .model import (
    CLUSTER_FIELDS,
    DOCUMENT_FIELDS,
    ENTITY_FIELD_NAMES,
    ENTITY_FIELDS,
    LINK_FIELD_NAMES,
    MEMBER_FIELDS,
    OFFSET_FIELDS,
    SPAN_FIELDS,
    Cluster,
    Entity,
    Field,
)
from .stats import CorpusCounts
from .validation import Progress, ValidationResult, _document_paths, no_cycle_collection, validate, validate_and_convert

if TYPE_CHECKING:
    import datasets

CONFIGS = ("documents", "spans", "entities", "links")
DEFAULT_CONFIG = "documents"
SPLIT = "train"
DATA_DIR = "data"
README_NAME = "README.md"
PRETTY_NAME = "eunato-corpus: reports of the EU-NATO Joint Declaration"
LICENSE = "cc-by-4.0"
TASK_CATEGORIES = ("token-classification",)

# Rows of the spans config per shard; other configs are bounded by the same
# number (a documents row weighs as many rows as it holds spans).
DEFAULT_SHARD_ROWS = 1_000_000
DEFAULT_ROW_GROUP_ROWS = 100_000
# Fixed writer settings: part of what makes builds byte-identical.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
}


# --- features: derived from the field lists ------------------------------------
# The build never imports ``datasets`` (it takes over a second): the features
# are written as the plain dicts that ``datasets.Features.to_dict()`` gives, and
# the Arrow schema is built from the same field lists. ``tests/test_export_metadata.py``
# checks both against features built with ``datasets`` itself. :func:`features`
# reads the same dicts into ``datasets.Features``, for users.

_LINK_FIELD_TYPES = {f.name: f for f in (*CLUSTER_FIELDS, *MEMBER_FIELDS)}


def _value_dict(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _list_dict(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "List"}


def feature_dict(dtype: str) -> dict[str, Any]:
    """The serialized ``datasets`` feature (as ``Features.to_dict()`` writes it) of
    a :data:`eunato_corpus.model.DType`."""
    if dtype == "string_list":
        return _list_dict(_value_dict("string"))
    if dtype == "offsets":
        return _list_dict({name: _value_dict("int64") for name in OFFSET_FIELDS})
    if dtype in ("string", "int64", "bool"):
        return _value_dict(dtype)
    raise ValueError(f"no feature type for dtype {dtype!r}")


def _fields_dict(fields: Iterable[Field]) -> dict[str, Any]:
    return {f.name: feature_dict(f.dtype) for f in fields}


def features_dict(config: str) -> dict[str, Any]:
    """The features of a config, serialized as ``datasets.Features.to_dict()``
    does, computed without ``datasets``. A new dict on each call."""
    if config == "documents":
        # The documents config nests its spans; every other field maps by dtype.
        return {f.name: _list_dict(_fields_dict(SPAN_FIELDS)) if f.name == "spans" else feature_dict(f.dtype)
                for f in DOCUMENT_FIELDS}
    if config == "spans":
        return {"doc_id": _value_dict("string"), **_fields_dict(SPAN_FIELDS)}
    if config == "entities":
        return _fields_dict(ENTITY_FIELDS)
    if config == "links":
        return _fields_dict(_LINK_FIELD_TYPES[name] for name in LINK_FIELD_NAMES)
    raise ValueError(f"unknown config {config!r}")


def _arrow_type_of(feature: dict[str, Any]) -> pa.DataType:
    """The Arrow type ``datasets`` gives a serialized feature (only the kinds that
    :func:`feature_dict` produces)."""
    kind = feature.get("_type")
    if kind == "Value":
        return arrow_type(feature["dtype"])
    if kind == "List":
        return pa.list_(_arrow_type_of(feature["feature"]))
    if kind is None:
        return pa.struct([(name, _arrow_type_of(sub)) for name, sub in feature.items()])
    raise ValueError(f"unsupported feature type {kind!r}")


# The key of the Parquet schema metadata that ``datasets`` reads its features from.
HF_METADATA_KEY = "huggingface"


@functools.cache
def arrow_schema(config: str) -> pa.Schema:
    """The Parquet schema of a config with the ``huggingface`` features metadata,
    equal (metadata bytes included) to ``features()[config].arrow_schema``."""
    features = features_dict(config)
    schema = pa.schema([(name, _arrow_type_of(feature)) for name, feature in features.items()])
    # ``json.dumps`` with its default separators, as ``datasets`` writes it.
    return schema.with_metadata({HF_METADATA_KEY: json.dumps({"info": {"features": features}})})


def _yaml_feature(feature: dict[str, Any]) -> dict[str, Any]:
    """A serialized feature in the shorter form the README's YAML uses (what
    ``datasets.Features._to_yaml_list`` makes of it): a value is its dtype, a
    list of a value or of a struct holds it directly, a struct is a list of
    named fields."""
    kind = feature.get("_type")
    if kind == "Value":
        return {"dtype": feature["dtype"]}
    if kind == "List":
        item = _yaml_feature(feature["feature"])
        if list(item) == ["dtype"]:
            return {"list": item["dtype"]}
        if list(item) == ["struct"]:
            return {"list": item["struct"]}
        return {"list": item}
    if kind is None:
        return {"struct": [{"name": name, **_yaml_feature(sub)} for name, sub in feature.items()]}
    raise ValueError(f"unsupported feature type {kind!r}")


def yaml_features(config: str) -> list[dict[str, Any]]:
    """The ``features`` list of a config in the README's ``dataset_info``."""
    features: list[dict[str, Any]] = _yaml_feature(features_dict(config))["struct"]
    return features


def dataset_info(configs: Sequence[str]) -> dict[str, Any] | list[dict[str, Any]] | None:
    """The README's ``dataset_info`` entry, as ``datasets`` writes it for a
    ``DatasetInfo`` per config holding only its features: one mapping for a
    single config, else a list sorted by config name; None without configs.
    (``datasets`` would also drop the name of a single config called
    ``default``; no config of this corpus is.)"""
    entries = {config: {"config_name": config, "features": yaml_features(config)} for config in configs}
    if not entries:
        return None
    if len(entries) == 1:
        return next(iter(entries.values()))
    return [entries[config] for config in sorted(entries)]


@functools.cache
def features() -> dict[str, datasets.Features]:
    """The ``datasets.Features`` of each config (also :data:`FEATURES`), read
    from :func:`features_dict`; imports ``datasets``, which the build does not."""
    import datasets

    return {config: datasets.Features.from_dict(features_dict(config)) for config in CONFIGS}


def __getattr__(name: str) -> Any:
    """``FEATURES``, computed (and ``datasets`` imported) on first access."""
    if name == "FEATURES":
        return features()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- columns of the registry and the links ------------------------------------------
# (documents and spans are converted in the worker processes: see convert.py)

# A fragment of a table: column name -> values, all of the same length.
Columns = dict[str, list[Any]]


def columns_batch(columns: Columns, schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema], schema=schema)


def entity_columns(entities: Iterable[Entity]) -> Columns:
    """Rows of the entities config, by entity_id."""
    rows = sorted((e.to_record() for e in entities), key=lambda r: str(r["entity_id"]))
    return {name: [row[name] for row in rows] for name in ENTITY_FIELD_NAMES}


def link_columns(clusters: Iterable[Cluster]) -> Columns:
    """Rows of the links config: one per cluster member, by cluster then member."""
    rows = []
    for cluster in clusters:
        head = cluster.to_record()
        for member in cluster.members:
            rows.append({**head, "doc_id": member.doc_id, "span_id": member.span_id, "relation": member.relation})
    rows.sort(key=lambda r: (str(r["cluster_id"]), str(r["doc_id"]), str(r["span_id"])))
    return {name: [row[name] for row in rows] for name in LINK_FIELD_NAMES}


# --- sharded, batched Parquet writing --------------------------------------------


def shard_name(index: int, count: int) -> str:
    return f"{SPLIT}-{index:05d}-of-{count:05d}.parquet"


class ShardedWriter:
    """Writes the rows of one config into shards of bounded weight, in row groups.

    A row weighs 1 in the flat configs and as many as it holds spans in the
    documents config, so a shard never holds more than ``shard_rows`` spans (a
    document with more spans than that gets a shard of its own). Rows arrive as
    Arrow record batches and are buffered until a row group is full. Shards get
    temporary names until :meth:`close` knows their count.
    """

    def __init__(self, folder: Path, schema: pa.Schema, shard_rows: int, row_group_rows: int) -> None:
        self.folder = folder
        self.schema = schema
        self.shard_rows = shard_rows
        self.row_group_rows = row_group_rows
        self.rows = 0
        self._parts: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._shard_weight = 0
        self._buffer: list[pa.RecordBatch] = []
        self._buffer_rows = 0
        self._buffer_weight = 0
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def _filled(self) -> int:
        return self._shard_weight + self._buffer_weight

    def add_weighted_rows(self, batch: pa.RecordBatch, weights: Sequence[int]) -> None:
        """Add the rows of ``batch`` in turn, each a row that must not be split
        (a document) weighing ``weights[i]``: a row that would overfill the
        shard starts a new one, and a row group ends once it weighs
        ``row_group_rows``. The buffer gets one slice per run of rows between
        such boundaries, not one per row."""
        start = 0  # the first row of ``batch`` not yet in the buffer
        for index, weight in enumerate(weights):
            weight = max(1, weight)
            if self._filled and self._filled + weight > self.shard_rows:
                self._take(batch, start, index)
                start = index
                self._close_shard()
            self._buffer_rows += 1
            self._buffer_weight += weight
            self.rows += 1
            if self._buffer_weight >= self.row_group_rows:
                self._take(batch, start, index + 1)
                start = index + 1
                self._flush()
        self._take(batch, start, len(weights))

    def _take(self, batch: pa.RecordBatch, start: int, stop: int) -> None:
        """Put rows ``start:stop`` of ``batch``, already counted, in the buffer."""
        if stop > start:
            self._buffer.append(batch.slice(start, stop - start))

    def add_rows(self, batch: pa.RecordBatch) -> None:
        """Add the rows of ``batch``, each of weight 1, split across row groups
        and shards."""
        rows = batch.num_rows
        position = 0
        while position < rows:
            if self._filled >= self.shard_rows:
                self._close_shard()
            take = min(rows - position, self.shard_rows - self._filled, self.row_group_rows - self._buffer_weight)
            self._extend(batch.slice(position, take), take, take)
            position += take

    def _extend(self, batch: pa.RecordBatch, rows: int, weight: int) -> None:
        self._buffer.append(batch)
        self._buffer_rows += rows
        self._buffer_weight += weight
        self.rows += rows
        if self._buffer_weight >= self.row_group_rows:
            self._flush()

    def _table(self) -> pa.Table:
        # One chunk per column, so that pages depend on the rows alone.
        return pa.Table.from_batches(self._buffer, schema=self.schema).combine_chunks()

    def _flush(self) -> None:
        if not self._buffer_rows:
            return
        if self._writer is None:
            part = self.folder / f".part-{len(self._parts):05d}.parquet"
            self._parts.append(part)
            self._writer = pq.ParquetWriter(part, self.schema, **PARQUET_OPTIONS)
        self._writer.write_table(self._table(), row_group_size=self._buffer_rows)
        self._shard_weight += self._buffer_weight
        self._buffer = []
        self._buffer_rows = 0
        self._buffer_weight = 0

    def _close_shard(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._shard_weight = 0

    def close(self) -> list[str]:
        """Finish the last shard and give the shards their final names. A config
        without rows gets no shard and no folder: ``datasets`` cannot load an
        empty split, so such a config is left out of the README's configs."""
        self._close_shard()
        if not self._parts:
            with contextlib.suppress(OSError):
                self.folder.rmdir()
            return []
        names = [shard_name(i, len(self._parts)) for i in range(len(self._parts))]
        for part, name in zip(self._parts, names, strict=True):
            os.replace(part, self.folder / name)
        return names

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


# --- the Hub README ----------------------------------------------------------------


def size_category(rows: int) -> str:
    """The Hub's size category for a number of examples."""
    bounds = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"))
    return next((name for bound, name in bounds if rows < bound), "n>1T" if rows >= 10**12 else "1B<n<10B")


def front_matter(stats: CorpusCounts, configs: Sequence[str] = CONFIGS) -> str:
    """The README's YAML metadata: configs, data files and explicit features."""
    config_entries = [
        {
            "config_name": config,
            "data_files": [{"split": SPLIT, "path": f"{DATA_DIR}/{config}/*.parquet"}],
            **({"default": True} if config == DEFAULT_CONFIG else {}),
        }
        for config in configs
    ]
    from huggingface_hub import DatasetCardData

    card_data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        license=LICENSE,
        language=sorted(stats.languages) or ["en"],
        task_categories=list(TASK_CATEGORIES),
        size_categories=[size_category(stats.documents)],
        configs=config_entries,
    )
    # Set after the other keys, where ``DatasetInfosDict.to_dataset_card_data``
    # puts it, so the YAML keeps the order ``datasets`` gives it.
    info = dataset_info(configs)
    if info is not None:
        card_data["dataset_info"] = info
    return f"---\n{card_data.to_yaml()}\n---\n"


def readme_text(root: str | Path, stats: CorpusCounts, configs: Sequence[str] = CONFIGS) -> str:
    """The Hub README: front matter, then the corpus's card with fresh statistics."""
    return front_matter(stats, configs) + "\n" + refresh_block(read_card(root), render_block(stats))


# --- build -----------------------------------------------------------------------


class BuildError(Exception):
    """The build was refused; ``reasons`` say why, one line each."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("\n".join(reasons))
        self.reasons = list(reasons)


def describe_issue(issue: Any) -> str:
    """One line for a validation issue (file:line [severity rule] message)."""
    location = str(getattr(issue, "file", "") or "")
    line = getattr(issue, "line", None)
    if line is not None:
        location += f":{line}"
    severity = getattr(getattr(issue, "severity", None), "value", getattr(issue, "severity", "error"))
    rule = getattr(issue, "rule", "")
    message = getattr(issue, "message", str(issue))
    return f"{location} [{severity} {rule}] {message}".strip()


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the folder, the rows and shard names of each config, and
    the corpus statistics that went into the card."""

    out: Path
    rows: dict[str, int]
    shards: dict[str, list[str]]
    stats: CorpusCounts = field(repr=False)


def default_out(root: str | Path) -> Path:
    return Path(root) / "hub"


def refusal(result: ValidationResult) -> BuildError:
    """Why a corpus with validation errors is not built: its errors, as
    ``validate`` reports them."""
    return BuildError(["the corpus is invalid; run `eunato-corpus validate` for details:"]
                      + [describe_issue(issue) for issue in result.errors])


def check_valid(root: str | Path, *, release: bool, jobs: int = 1, progress: Progress | None = None) -> None:
    """Refuse (BuildError) a corpus with validation errors; in release mode the
    validator also reports drafts as errors. ``jobs``: worker processes for the
    validation (0: one per CPU)."""
    result = validate(root, release=release, jobs=jobs, progress=progress)
    if not result.ok:
        raise refusal(result)


# Entries a build folder may hold; anything else means ``out`` is not a build
# and must not be replaced.
_BUILD_ENTRIES = {README_NAME, DATA_DIR, ".gitattributes"}


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that does not look like a previous build."""
    if out.exists() and not out.is_dir():
        raise BuildError([f"{out} exists and is not a folder"])
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in _BUILD_ENTRIES)
        if foreign:
            listed = ", ".join(foreign[:5])
            reason = f"{out} holds files that a build does not write ({listed}); refusing to replace it"
            raise BuildError([reason + ": choose another --out"])


def _read_json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


@dataclass(frozen=True)
class _Auxiliary:
    """The registry and the links as parsed, and their configs' rows."""

    registry: Any
    links: Any
    entities: pa.RecordBatch
    clusters: pa.RecordBatch


def write_hub(root: str | Path, folder: Path, *, release: bool = False, jobs: int = 1,
              shard_rows: int = DEFAULT_SHARD_ROWS, row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
              progress: Progress | None = None) -> tuple[ValidationResult, BuildResult | None]:
    """Validate the corpus at ``root`` and write its build into ``folder`` (which
    should be new and empty) in the same pass; the build is None when the
    corpus is invalid (``folder`` then holds a partial build, to discard).

    ``jobs`` worker processes read, parse, check and convert the documents,
    each once (:func:`eunato_corpus.validation.validate_and_convert`); this
    process writes the shards, in corpus order whatever ``jobs`` is, so builds
    are byte-identical. ``progress(done, total)`` is called after each document.
    """
    if shard_rows < 1 or row_group_rows < 1:
        raise ValueError("shard_rows and row_group_rows must be positive")
    row_group_rows = min(row_group_rows, shard_rows)
    # Writers are made when first needed, once the worker processes run.
    writers: dict[str, ShardedWriter] = {}

    def writer(config: str) -> ShardedWriter:
        if config not in writers:
            writers[config] = ShardedWriter(folder / DATA_DIR / config, arrow_schema(config), shard_rows, row_group_rows)
        return writers[config]

    counts = CorpusCounts()
    annotations = load_corpus(root).annotations

    def registry_and_links() -> _Auxiliary:
        # The two files parsed again (the checks kept no data) and turned into
        # their configs' rows.
        with no_cycle_collection():
            registry = _read_json(annotations / ENTITIES_NAME)
            entities = [Entity.from_record(record) for record in registry["entities"]]
            links_path = annotations / LINKS_NAME
            links = _read_json(links_path) if links_path.exists() else {"clusters": []}
            clusters = [Cluster.from_record(record) for record in links["clusters"]]
            return _Auxiliary(registry, links, columns_batch(entity_columns(entities), arrow_schema("entities")),
                              columns_batch(link_columns(clusters), arrow_schema("links")))

    prepared: list[_Auxiliary] = []

    def prepare_registry_and_links() -> None:
        # Made while the workers check documents, so that the build does not
        # end with it; written only once the checks have found no error. The
        # files are checked while the first documents are, so they may not be
        # valid yet: anything unexpected leaves the work to the end.
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
            prepared.append(registry_and_links())

    def write_registry_and_links() -> None:
        auxiliary = prepared[0] if prepared else registry_and_links()
        counts.add_registry(auxiliary.registry)
        writer("entities").add_rows(auxiliary.entities)
        counts.add_links(auxiliary.links)
        writer("links").add_rows(auxiliary.clusters)

    def write_documents(chunk: ConvertedChunk) -> None:
        # Called only while no error has been found.
        if counts.documents == 0:
            prepare_registry_and_links()
        batch = chunk.record_batch(arrow_schema("documents"))
        for document in chunk.counts:
            counts.add(document)
        writer("documents").add_weighted_rows(batch, [sum(document.by_label.values()) for document in chunk.counts])
        writer("spans").add_rows(spans_rows(batch, arrow_schema("spans")))

    try:
        result = validate_and_convert(root, convert=DocumentConverter(DOCUMENTS_SCHEMA), consume=write_documents,
                                      release=release, jobs=jobs, progress=progress)
        if not result.ok:
            return result, None
        expected = len(_document_paths(annotations / DOCS_DIR))
        if counts.documents != expected:  # never seen; a build missing documents must not be swapped in
            raise BuildError([f"internal error: the build received {counts.documents} of {expected} documents; "
                              "nothing was written"])
        write_registry_and_links()
        shards = {config: writer(config).close() for config in CONFIGS}
    finally:
        for open_writer in writers.values():
            open_writer.abort()
    loadable = [config for config in CONFIGS if shards[config]]
    (folder / README_NAME).write_bytes(readme_text(root, counts, loadable).encode("utf-8"))
    return result, BuildResult(folder, {c: writers[c].rows for c in CONFIGS}, shards, counts)


def swap_in(new: Path, out: Path) -> None:
    """Replace ``out`` by ``new`` with renames: the old build is moved aside, the new
    one renamed in, the old one deleted; on failure the old one is put back."""
    if not out.exists():
        os.replace(new, out)
        return
    aside = out.parent / f".{out.name}.old-{uuid.uuid4().hex}"
    os.replace(out, aside)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(aside, out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def _staging_folder(out: Path) -> Iterator[Path]:
    """A temporary folder next to ``out`` (same file system, so renames are atomic),
    removed afterwards unless it was moved away."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        yield staging / "hub"
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build(root: str | Path = ".", out: str | Path | None = None, *, release: bool = False,
          shard_rows: int = DEFAULT_SHARD_ROWS, row_group_rows: int = DEFAULT_ROW_GROUP_ROWS, jobs: int = 1,
          progress: Progress | None = None) -> BuildResult:
    """Validate the corpus at ``root`` and write its Hub-ready build to ``out``
    (default ``<root>/hub``), in one pass over the documents, replacing a
    previous build only when complete and valid.

    Raises :class:`BuildError` when the corpus is invalid (``release``: drafts
    count as errors too; the reasons are the errors ``validate`` reports) or
    ``out`` is not a build folder. ``jobs`` worker processes read, check and
    convert the documents (0: one per CPU); the output does not depend on it.
    ``progress(done, total)`` is called per document.
    """
    out_path = Path(out) if out is not None else default_out(root)
    check_replaceable(out_path)
    with _staging_folder(out_path) as staging:
        validation, result = write_hub(root, staging, release=release, jobs=jobs, shard_rows=shard_rows,
                                       row_group_rows=row_group_rows, progress=progress)
        if result is None:
            raise refusal(validation)
        swap_in(staging, out_path)
    return BuildResult(out_path, result.rows, result.shards, result.stats)


# --- build --check: compare by content, not bytes ---------------------------------


def _parquet_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.parquet")) if folder.is_dir() else []


def _declared_features(schema: pa.Schema) -> datasets.Features | None:
    """The features a Parquet schema declares in its ``huggingface`` metadata, parsed
    (so that a different serialisation of the same features compares equal)."""
    import datasets

    raw = (schema.metadata or {}).get(b"huggingface")
    if raw is None:
        return None
    try:
        return datasets.Features.from_dict(json.loads(raw)["info"]["features"])
    except (ValueError, KeyError, TypeError):
        return None


def _compare_parquet(label: str, expected: Path, actual: Path, batch_rows: int) -> list[str]:
    """Differences between two Parquet files' schemas (with HF features) and rows,
    read in batches so memory stays bounded."""
    want, have = pq.ParquetFile(expected), pq.ParquetFile(actual)
    want_schema, have_schema = want.schema_arrow, have.schema_arrow
    problems = []
    if not want_schema.remove_metadata().equals(have_schema.remove_metadata()):
        problems.append(f"{label}: the columns differ from what the field list gives")
    if _declared_features(want_schema) != _declared_features(have_schema):
        problems.append(f"{label}: the datasets features metadata differs")
    if want.metadata.num_rows != have.metadata.num_rows:
        problems.append(f"{label}: {have.metadata.num_rows} rows, the annotations give {want.metadata.num_rows}")
    if problems:
        return problems
    offset = 0
    for a, b in zip(want.iter_batches(batch_size=batch_rows), have.iter_batches(batch_size=batch_rows), strict=True):
        if not a.equals(b):
            first = next((i for i in range(a.num_rows) if a.slice(i, 1).to_pylist() != b.slice(i, 1).to_pylist()), 0)
            return [f"{label}: row {offset + first} differs from the annotations"]
        offset += a.num_rows
    return []


def compare_builds(expected: Path, actual: Path, *, batch_rows: int = 10_000) -> list[str]:
    """Why the build in ``actual`` differs from ``expected`` (empty when equal)."""
    problems = []
    readme = actual / README_NAME
    if not readme.is_file():
        problems.append(f"{readme}: missing")
    elif readme.read_bytes() != (expected / README_NAME).read_bytes():
        problems.append(f"{readme}: differs from the card and statistics the annotations give")
    extra = sorted(p.name for p in actual.iterdir() if p.name not in {README_NAME, DATA_DIR})
    problems += [f"{actual / name}: not part of a build" for name in extra]
    data = actual / DATA_DIR
    extra_configs = sorted(p.name for p in data.iterdir() if p.name not in CONFIGS) if data.is_dir() else []
    problems += [f"{data / name}: not a config of this corpus" for name in extra_configs]
    for config in CONFIGS:
        want_files = _parquet_files(expected / DATA_DIR / config)
        have_files = _parquet_files(actual / DATA_DIR / config)
        folder = actual / DATA_DIR / config
        if want_files != have_files:
            problems.append(f"{folder}: shards {have_files}, the annotations give {want_files}")
            continue
        unexpected = sorted(p.name for p in folder.iterdir() if p.name not in have_files)
        problems += [f"{folder / name}: not part of a build" for name in unexpected]
        for name in want_files:
            problems += _compare_parquet(str(folder / name), expected / DATA_DIR / config / name, folder / name, batch_rows)
    return problems


def build_check(root: str | Path = ".", out: str | Path | None = None, *, release: bool = False,
                shard_rows: int = DEFAULT_SHARD_ROWS, row_group_rows: int = DEFAULT_ROW_GROUP_ROWS,
                jobs: int = 1) -> list[str]:
    """Reasons why the build in ``out`` is not what the annotations at ``root``
    produce, compared by content (schemas, rows, README text), plus a stale
    DATASET_CARD.md block. Empty when everything is up to date."""
    out_path = Path(out) if out is not None else default_out(root)
    with _staging_folder(out_path) as staging:
        validation, expected = write_hub(root, staging, release=release, jobs=jobs, shard_rows=shard_rows,
                                         row_group_rows=row_group_rows)
        if expected is None:
            return refusal(validation).reasons
        if not (out_path / README_NAME).exists() and not (out_path / DATA_DIR).exists():
            problems = [f"{out_path}: no build found; run `eunato-corpus build`"]
        else:
            problems = compare_builds(staging, out_path)
    return problems + card_problems(root, expected.stats)


__all__ = [
    "CONFIGS",
    "DEFAULT_CONFIG",
    "BuildError",
    "BuildResult",
    "arrow_schema",
    "build",
    "build_check",
    "compare_builds",
    "features",
    "features_dict",
]
