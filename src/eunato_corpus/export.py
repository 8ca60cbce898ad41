"""The Hub-ready Parquet build: ``datasets.Features`` from the field list, streamed,
sharded, deterministic, swapped in atomically.

:func:`build` validates the corpus, then writes a folder that
``datasets.load_dataset(folder, config)`` opens offline, with no loading script::

    README.md                                   YAML front matter + dataset card
    data/<config>/train-00000-of-0000N.parquet  one or more shards per config

Configs: ``documents`` (default; one row per text with its spans nested),
``spans`` (one row per span), ``entities`` (the registry) and ``links`` (one row
per cluster member). Their ``datasets.Features`` are derived from the field lists
in :mod:`eunato_corpus.model`, so the annotation files, the dataclasses and the
Parquet files cannot drift apart.

Documents are read one at a time, parsed once (``orjson``) and turned straight
from parsed records into columns, with no object per span; rows are written in
row groups, so memory is bounded by a row group, not the corpus. Row order, compression and row-group
boundaries depend only on the input, and nothing time-dependent is written, so
two builds of the same annotations give byte-identical files.

The build goes into a temporary folder next to ``out`` and replaces ``out`` only
when complete; a refused or failed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import datasets
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import DatasetCardData

from .card import (
    CorpusStats,
    card_problems,
    collect_stats,
    read_card,
    refresh_block,
    render_block,
)
from .corpus import Corpus, CorpusDocument, load_corpus
from .model import (
    CLUSTER_FIELDS,
    DOCUMENT_FIELDS,
    ENTITY_FIELD_NAMES,
    ENTITY_FIELDS,
    LINK_FIELD_NAMES,
    MEMBER_FIELDS,
    OFFSET_FIELDS,
    SPAN_FIELD_NAMES,
    SPAN_FIELDS,
    Cluster,
    Entity,
    Field,
    Span,
    sort_spans,
    span_sort_key,
)
from .validation import Progress, validate

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


def feature_of(dtype: str) -> Any:
    """The ``datasets`` feature type of a :data:`eunato_corpus.model.DType`."""
    if dtype == "string_list":
        return datasets.List(datasets.Value("string"))
    if dtype == "offsets":
        return datasets.List({name: datasets.Value("int64") for name in OFFSET_FIELDS})
    if dtype in ("string", "int64", "bool"):
        return datasets.Value(dtype)
    raise ValueError(f"no feature type for dtype {dtype!r}")


def _features(fields: Iterable[Field]) -> dict[str, Any]:
    return {f.name: feature_of(f.dtype) for f in fields}


SPAN_STRUCT: dict[str, Any] = _features(SPAN_FIELDS)
# The documents config nests its spans; every other field maps by dtype.
NESTED_DOCUMENT_FIELDS: dict[str, Any] = {"spans": datasets.List(SPAN_STRUCT)}
_LINK_FIELD_TYPES = {f.name: f for f in (*CLUSTER_FIELDS, *MEMBER_FIELDS)}

FEATURES: dict[str, datasets.Features] = {
    "documents": datasets.Features(
        {f.name: NESTED_DOCUMENT_FIELDS.get(f.name) or feature_of(f.dtype) for f in DOCUMENT_FIELDS}
    ),
    "spans": datasets.Features({"doc_id": datasets.Value("string"), **SPAN_STRUCT}),
    "entities": datasets.Features(_features(ENTITY_FIELDS)),
    "links": datasets.Features(_features(_LINK_FIELD_TYPES[name] for name in LINK_FIELD_NAMES)),
}


@functools.cache
def arrow_schema(config: str) -> pa.Schema:
    """The Parquet schema of a config, carrying the ``huggingface`` features
    metadata. Cached: ``datasets`` derives it anew on each access, at a cost
    that a per-document call would feel."""
    return FEATURES[config].arrow_schema


# --- columns: pure functions from the model to column fragments ------------------

# A fragment of a table: column name -> values, all of the same length.
Columns = dict[str, list[Any]]


def sorted_spans(item: CorpusDocument) -> list[Span]:
    """A document's spans in canonical order (position, layer, id), whatever the
    order of its file."""
    return sorted(item.document.spans, key=lambda span: span_sort_key(span.__dict__))


def span_columns(spans: Sequence[Span]) -> Columns:
    """Spans as columns of every span field (None where a field does not apply to
    the label): the child columns of the documents config's ``spans``."""
    return {name: [getattr(span, name) for span in spans] for name in SPAN_FIELD_NAMES}


def spans_config_columns(doc_id: str, spans: Columns) -> Columns:
    """Rows of the spans config for one document."""
    count = len(spans[SPAN_FIELD_NAMES[0]])
    return {"doc_id": [doc_id] * count, **spans}


def document_columns(item: CorpusDocument, spans: Columns) -> Columns:
    """The one row of the documents config for ``item``; its ``spans`` value is the
    columns of its spans (see :func:`struct_list_array`)."""
    document = item.document
    computed: dict[str, Any] = {
        "sha256": item.sha256,
        "text": item.text,
        "body": [{"start": b.start, "end": b.end} for b in document.body],
        "spans": spans,
    }
    return {f.name: [computed[f.name] if f.name in computed else getattr(document, f.name)] for f in DOCUMENT_FIELDS}


# The spans' struct type (without doc_id): the child of the documents config's
# ``spans`` list and, flattened, the columns of the spans config.
SPAN_ARROW_STRUCT = pa.struct([f for f in FEATURES["spans"].arrow_schema if f.name != "doc_id"])


def span_struct_array(spans: Sequence[dict[str, Any]]) -> pa.StructArray:
    """Parsed span records as one Arrow struct array, converted in C++ (a field
    a record lacks, because its label does not carry it, is null)."""
    return pa.array(spans, type=SPAN_ARROW_STRUCT)


def spans_config_batch(doc_id: str, spans: pa.StructArray) -> pa.RecordBatch:
    """Rows of the spans config for one document."""
    doc_ids = pa.array([doc_id] * len(spans), type=pa.string())
    return pa.RecordBatch.from_arrays([doc_ids, *spans.flatten()], schema=arrow_schema("spans"))


@dataclass(frozen=True)
class DocumentRecord:
    """One parsed annotation file with its seed text: what a build row needs."""

    record: dict[str, Any]
    text: str
    sha256: str

    @property
    def doc_id(self) -> str:
        return str(self.record["doc_id"])

    @property
    def spans(self) -> list[dict[str, Any]]:
        """The spans in canonical order (position, layer, id)."""
        return sort_spans(list(self.record.get("spans") or ()))


def read_document_record(corpus: Corpus, doc_id: str) -> DocumentRecord:
    """Parse one annotation file (once, with ``orjson``) and read its seed, as
    :meth:`Corpus.read_document` does but without building dataclasses."""
    record = orjson.loads((corpus.docs_dir / f"{doc_id}.json").read_bytes())
    raw = corpus.paths.seed(record["doc_id"]).read_bytes()
    return DocumentRecord(record, raw.decode("utf-8"), hashlib.sha256(raw).hexdigest())


def document_batch(item: DocumentRecord, spans: pa.StructArray) -> pa.RecordBatch:
    """The one row of the documents config for a parsed document; its ``spans``
    value is ``spans`` as one list."""
    record = item.record
    computed: dict[str, Any] = {
        "sha256": item.sha256,
        "text": item.text,
        "body": [{"start": int(b["start"]), "end": int(b["end"])} for b in record.get("body") or ()],
    }
    schema = arrow_schema("documents")
    arrays = [
        pa.ListArray.from_arrays(pa.array([0, len(spans)], pa.int32()), spans, type=f.type) if f.name == "spans"
        else pa.array([computed[f.name] if f.name in computed else record.get(f.name)], type=f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


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


def struct_list_array(rows: list[Columns], list_type: pa.ListType) -> pa.Array:
    """A ``list<struct>`` column from one columns-dict per row: the children are
    converted column by column, which is far faster than row dicts."""
    struct_type = list_type.value_type
    children: Columns = {f.name: [] for f in struct_type}
    offsets = [0]
    first = struct_type[0].name
    for row in rows:
        for name, values in children.items():
            values.extend(row[name])
        offsets.append(offsets[-1] + len(row[first]))
    struct = pa.StructArray.from_arrays([pa.array(children[f.name], type=f.type) for f in struct_type],
                                        fields=list(struct_type))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), struct, type=list_type)


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

    def add_row(self, batch: pa.RecordBatch, weight: int) -> None:
        """Add one row that must not be split (a document) weighing ``weight``."""
        weight = max(1, weight)
        if self._filled and self._filled + weight > self.shard_rows:
            self._close_shard()
        self._extend(batch, 1, weight)

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


def front_matter(stats: CorpusStats, configs: Sequence[str] = CONFIGS) -> str:
    """The README's YAML metadata: configs, data files and explicit features."""
    config_entries = [
        {
            "config_name": config,
            "data_files": [{"split": SPLIT, "path": f"{DATA_DIR}/{config}/*.parquet"}],
            **({"default": True} if config == DEFAULT_CONFIG else {}),
        }
        for config in configs
    ]
    card_data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        license=LICENSE,
        language=sorted(stats.languages) or ["en"],
        task_categories=list(TASK_CATEGORIES),
        size_categories=[size_category(stats.documents)],
        configs=config_entries,
    )
    infos = datasets.info.DatasetInfosDict(
        {config: datasets.DatasetInfo(config_name=config, features=FEATURES[config]) for config in configs}
    )
    infos.to_dataset_card_data(card_data)
    return f"---\n{card_data.to_yaml()}\n---\n"


def readme_text(root: str | Path, stats: CorpusStats, configs: Sequence[str] = CONFIGS) -> str:
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
    stats: CorpusStats = field(repr=False)


def default_out(root: str | Path) -> Path:
    return Path(root) / "hub"


def check_valid(root: str | Path, *, release: bool, jobs: int = 1, progress: Progress | None = None) -> None:
    """Refuse (BuildError) a corpus with validation errors; in release mode the
    validator also reports drafts as errors. ``jobs``: worker processes for the
    validation (0: one per CPU)."""
    result = validate(root, release=release, jobs=jobs, progress=progress)
    if not result.ok:
        raise BuildError(["the corpus is invalid; run `eunato-corpus validate` for details:"]
                         + [describe_issue(issue) for issue in result.errors])


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


def write_hub(corpus: Corpus, root: str | Path, folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
              row_group_rows: int = DEFAULT_ROW_GROUP_ROWS, progress: Progress | None = None) -> BuildResult:
    """Write a complete build into ``folder`` (which should be new and empty).
    ``progress(done, total)`` is called after each document."""
    if shard_rows < 1 or row_group_rows < 1:
        raise ValueError("shard_rows and row_group_rows must be positive")
    row_group_rows = min(row_group_rows, shard_rows)
    writers = {config: ShardedWriter(folder / DATA_DIR / config, arrow_schema(config), shard_rows, row_group_rows)
               for config in CONFIGS}
    stats = CorpusStats()
    try:
        doc_ids = corpus.doc_ids()
        for done, doc_id in enumerate(doc_ids, start=1):
            item = read_document_record(corpus, doc_id)
            records = item.spans
            spans = span_struct_array(records)
            counted = {name: list(map(dict.get, records, repeat(name))) for name in ("label", "status", "kind", "timex_type")}
            stats.add_span_columns(item.doc_id, str(item.record.get("language")), len(item.text), counted)
            writers["documents"].add_row(document_batch(item, spans), weight=len(records))
            writers["spans"].add_rows(spans_config_batch(item.doc_id, spans))
            if progress is not None:
                progress(done, len(doc_ids))
        entities = corpus.entities()
        stats.add_entities(entities)
        writers["entities"].add_rows(columns_batch(entity_columns(entities), arrow_schema("entities")))
        clusters = corpus.clusters()
        stats.add_clusters(clusters)
        writers["links"].add_rows(columns_batch(link_columns(clusters), arrow_schema("links")))
        shards = {config: writer.close() for config, writer in writers.items()}
    finally:
        for writer in writers.values():
            writer.abort()
    loadable = [config for config in CONFIGS if shards[config]]
    (folder / README_NAME).write_bytes(readme_text(root, stats, loadable).encode("utf-8"))
    return BuildResult(folder, {c: w.rows for c, w in writers.items()}, shards, stats)


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
    (default ``<root>/hub``), replacing a previous build only when complete.

    Raises :class:`BuildError` when the corpus is invalid (``release``: drafts
    count as errors too) or ``out`` is not a build folder. ``jobs`` worker
    processes validate (0: one per CPU); ``progress(done, total)`` is called per
    document, first while validating, then while writing.
    """
    out_path = Path(out) if out is not None else default_out(root)
    check_replaceable(out_path)
    check_valid(root, release=release, jobs=jobs, progress=progress)
    with _staging_folder(out_path) as staging:
        result = write_hub(load_corpus(root), root, staging, shard_rows=shard_rows, row_group_rows=row_group_rows,
                           progress=progress)
        swap_in(staging, out_path)
    return BuildResult(out_path, result.rows, result.shards, result.stats)


# --- build --check: compare by content, not bytes ---------------------------------


def _parquet_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.parquet")) if folder.is_dir() else []


def _declared_features(schema: pa.Schema) -> datasets.Features | None:
    """The features a Parquet schema declares in its ``huggingface`` metadata, parsed
    (so that a different serialisation of the same features compares equal)."""
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
    try:
        check_valid(root, release=release, jobs=jobs)
    except BuildError as error:
        return error.reasons
    if not (out_path / README_NAME).exists() and not (out_path / DATA_DIR).exists():
        problems = [f"{out_path}: no build found; run `eunato-corpus build`"]
        stats = collect_stats(load_corpus(root))
    else:
        with _staging_folder(out_path) as staging:
            expected = write_hub(load_corpus(root), root, staging, shard_rows=shard_rows, row_group_rows=row_group_rows)
            problems = compare_builds(staging, out_path)
            stats = expected.stats
    return problems + card_problems(root, stats)


__all__ = [
    "CONFIGS",
    "DEFAULT_CONFIG",
    "FEATURES",
    "BuildError",
    "BuildResult",
    "arrow_schema",
    "build",
    "build_check",
    "compare_builds",
]
