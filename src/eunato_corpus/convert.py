"""Checked documents to Arrow columns: the build's work in the worker processes.

The build checks and converts each document in one pass
(:func:`eunato_corpus.validation.validate_and_convert`): the worker that read,
parsed and checked a chunk of documents also turns them into one Arrow record
batch of the ``documents`` config (the spans nested, in canonical order) and
counts them (:func:`eunato_corpus.stats.count_document`). The batch crosses to
the parent process as Arrow IPC bytes, which cost a copy rather than a pickle
of every array; the parent derives the ``spans`` config from the same batch.

This module needs only ``pyarrow``: the schema comes from the parent (derived
there from the field lists, see :func:`eunato_corpus.export.arrow_schema`), and
no process of a build imports ``datasets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .model import DOCUMENT_FIELDS, OFFSET_FIELDS, SPAN_FIELDS, SpanColumns, sort_spans
from .stats import DocumentCounts, count_document
from .validation import CheckedDocument

__all__ = ["DOCUMENTS_SCHEMA", "ConvertedChunk", "DocumentConverter", "arrow_type", "spans_rows"]


def arrow_type(dtype: str) -> pa.DataType:
    """The Arrow type of a :data:`eunato_corpus.model.DType`: what ``datasets``
    makes of its feature type (``tests/test_build.py`` checks they agree)."""
    simple = {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_()}
    if dtype in simple:
        return simple[dtype]
    if dtype == "string_list":
        return pa.list_(pa.string())
    if dtype == "offsets":
        return pa.list_(pa.struct([(name, pa.int64()) for name in OFFSET_FIELDS]))
    raise ValueError(f"no Arrow type for dtype {dtype!r}")


# The documents config's columns, without the ``datasets`` metadata: the spans
# nested as a list of structs, every other field by its dtype.
DOCUMENTS_SCHEMA = pa.schema([
    (f.name, pa.list_(pa.struct([(s.name, arrow_type(s.dtype)) for s in SPAN_FIELDS])) if f.name == "spans"
     else arrow_type(f.dtype))
    for f in DOCUMENT_FIELDS
])


@dataclass(frozen=True)
class ConvertedChunk:
    """A chunk of documents as the parent receives it: one record batch of the
    documents config (serialized without its schema) and each document's counts."""

    batch: bytes
    counts: list[DocumentCounts]

    def record_batch(self, schema: pa.Schema) -> pa.RecordBatch:
        """The batch, read back (without copying) under ``schema``, which may carry
        metadata that the serialized batch left out."""
        batch = pa.ipc.read_record_batch(pa.py_buffer(self.batch), schema.remove_metadata())
        return pa.RecordBatch.from_arrays(batch.columns, schema=schema)


def _derived_values(document: CheckedDocument) -> dict[str, Any]:
    """The documents config's fields that are not copied from the file."""
    return {
        "sha256": document.sha256,
        "text": document.text,
        "body": [{"start": int(b["start"]), "end": int(b["end"])} for b in document.data.get("body") or ()],
    }


def _span_columns(document: CheckedDocument) -> SpanColumns:
    """The columns of a document's spans in canonical order: those the checks
    made when the file was canonical, else new ones over the sorted spans."""
    if document.canonical and document.columns is not None and document.columns.spans is document.data.get("spans"):
        return document.columns
    spans = document.data["spans"] if document.canonical else sort_spans(list(document.data.get("spans") or ()))
    return SpanColumns(spans)


# For each span field, the labels whose spans carry it (None: every span).
_FIELD_LABELS = {f.name: f.labels for f in SPAN_FIELDS}


def _span_field_arrays(columns: list[SpanColumns], struct: pa.StructType) -> list[pa.Array]:
    """One Arrow array per span field over a chunk's spans (its documents' span
    columns, in order). A field that only some labels carry is converted from
    those spans' values alone, then spread to its place among all spans with
    ``take``: null for a span whose label does not carry it, which a checked
    document's span lacks (the schema allows it on no other label)."""
    label_array = pa.array(list(chain.from_iterable(c["label"] for c in columns)), pa.string())
    ranks: dict[str, pa.Array] = {}

    def rank(label: str) -> pa.Array:
        """Each span's place among the chunk's spans labelled ``label``; null for the others."""
        if label not in ranks:
            mask = pc.equal(label_array, label)
            places = pc.subtract(pc.cumulative_sum(mask.cast(pa.int64())), 1)
            ranks[label] = pc.if_else(mask, places, pa.scalar(None, pa.int64()))
        return ranks[label]

    arrays: list[pa.Array] = []
    for field in struct:
        labels = _FIELD_LABELS[field.name]
        if labels is None:
            arrays.append(label_array if field.name == "label" and field.type == pa.string() else
                          pa.array(list(chain.from_iterable(c[field.name] for c in columns)), type=field.type))
            continue
        spread = [pa.array(list(chain.from_iterable(c.values(label, field.name) for c in columns)), type=field.type)
                  .take(rank(label)) for label in labels]
        arrays.append(spread[0] if len(spread) == 1 else pc.coalesce(*spread))
    return arrays


@dataclass(frozen=True)
class DocumentConverter:
    """Turns the checked documents of a chunk into a :class:`ConvertedChunk`.
    Picklable (a top-level class holding an Arrow schema), so it can be handed
    to worker processes.

    ``schema`` is the documents config's Arrow schema: a ``spans`` column of
    ``list<struct>`` and one column per document field."""

    schema: pa.Schema

    def __call__(self, documents: list[CheckedDocument]) -> ConvertedChunk:
        columns = [_span_columns(document) for document in documents]
        derived = [_derived_values(document) for document in documents]
        arrays = []
        for column in self.schema:
            if column.name == "spans":
                offsets = pa.array([0, *accumulate(len(c.spans) for c in columns)], pa.int32())
                struct = column.type.value_type
                values = pa.StructArray.from_arrays(_span_field_arrays(columns, struct), fields=list(struct))
                arrays.append(pa.ListArray.from_arrays(offsets, values, type=column.type))
            else:
                arrays.append(pa.array([extra[column.name] if column.name in extra else document.data.get(column.name)
                                        for document, extra in zip(documents, derived, strict=True)], type=column.type))
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema.remove_metadata())
        counts = [count_document(document.doc_id, document.data, len(document.text), document.columns) for document in documents]
        return ConvertedChunk(batch.serialize().to_pybytes(), counts)


def spans_rows(documents: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The rows of the ``spans`` config (``doc_id`` then the span fields) for a
    batch of the documents config, sharing its span data."""
    spans = documents.column("spans")
    doc_ids = documents.column("doc_id").take(pc.list_parent_indices(spans))
    return pa.RecordBatch.from_arrays([doc_ids, *spans.flatten().flatten()], schema=schema)
