"""Reading and writing corpus files: layout, canonical JSON, atomic writes.

A corpus root is laid out as::

    seeds/<doc_id>.txt          raw texts, never edited
    seeds/SHA256SUMS            their SHA-256 manifest (sha256sum format)
    annotations/docs/<doc_id>.json   one document's metadata and spans
    annotations/entities.json   the entity registry
    annotations/links.json      cross-document clusters

Annotation files are written in one canonical form (see :func:`dumps_canonical`)
so that diffs stay readable and hand edits can be told apart from tool output.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import orjson

from .model import (
    CLUSTER_FIELDS,
    DOCUMENT_FILE_KEYS,
    ENTITY_FIELD_NAMES,
    MEMBER_FIELDS,
    SPAN_FIELD_NAMES,
    span_sort_key,
)

SEEDS_DIR = "seeds"
MANIFEST_NAME = "SHA256SUMS"
ANNOTATIONS_DIR = "annotations"
DOCS_DIR = "docs"
ENTITIES_NAME = "entities.json"
LINKS_NAME = "links.json"


@dataclass(frozen=True)
class CorpusPaths:
    """Where the files of one corpus root live."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / SEEDS_DIR

    @property
    def manifest(self) -> Path:
        return self.seeds / MANIFEST_NAME

    @property
    def annotations(self) -> Path:
        return self.root / ANNOTATIONS_DIR

    @property
    def docs(self) -> Path:
        return self.annotations / DOCS_DIR

    @property
    def entities(self) -> Path:
        return self.annotations / ENTITIES_NAME

    @property
    def links(self) -> Path:
        return self.annotations / LINKS_NAME

    def seed(self, doc_id: str) -> Path:
        return self.seeds / f"{doc_id}.txt"

    def doc(self, doc_id: str) -> Path:
        return self.docs / f"{doc_id}.json"

    def seed_ids(self) -> list[str]:
        return sorted(p.stem for p in self.seeds.glob("*.txt")) if self.seeds.is_dir() else []

    def doc_ids(self) -> list[str]:
        return sorted(p.stem for p in self.docs.glob("*.json")) if self.docs.is_dir() else []

    def relative(self, path: Path) -> str:
        """A path as shown in reports: relative to the root where possible."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


# --- seeds ----------------------------------------------------------------------


def read_seed(path: Path) -> str:
    """A seed text exactly as it is: UTF-8, no newline translation, no stripping."""
    return path.read_bytes().decode("utf-8")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_manifest(text: str) -> dict[str, str]:
    """``sha256sum`` output -> {file name: hex digest}. Malformed lines are skipped
    here; the validator reports them."""
    entries: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and len(parts[0]) == 64:
            entries[parts[1].lstrip("*")] = parts[0].lower()
    return entries


# --- canonical JSON -------------------------------------------------------------

_KEY_ORDERS: tuple[tuple[str, ...], ...] = (
    DOCUMENT_FILE_KEYS,
    SPAN_FIELD_NAMES,
    ENTITY_FIELD_NAMES,
    tuple(f.name for f in CLUSTER_FIELDS),
    tuple(f.name for f in MEMBER_FIELDS),
    ("start", "end"),
    ("entities",),
    ("clusters",),
)


def _order_keys(obj: dict[str, Any]) -> list[str]:
    return list(_key_order(tuple(obj)))


@functools.lru_cache(maxsize=4096)
def _key_order(keys_in_file_order: tuple[str, ...]) -> tuple[str, ...]:
    """The canonical order of a set of keys: the field list sharing most keys
    with it (the first such list on a tie), then the other keys sorted. Cached:
    a corpus has a handful of key sets (one per span label), met millions of
    times."""
    keys = set(keys_in_file_order)
    order = max(_KEY_ORDERS, key=lambda o: len(keys & set(o)))
    return tuple([k for k in order if k in keys] + sorted(keys - set(order)))


def canonical_key_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The order in which the canonical form writes an object with these keys."""
    return _key_order(tuple(keys))


def _scalar_list(value: list[Any]) -> bool:
    return all(not isinstance(x, (dict, list)) for x in value)


def _is_leaf(value: Any) -> bool:
    """A value written on one line: no object or list of objects inside."""
    if isinstance(value, dict):
        return all(not isinstance(v, dict) and not (isinstance(v, list) and not _scalar_list(v)) for v in value.values())
    return not isinstance(value, list) or _scalar_list(value)


# One C-accelerated encoder for every value written on one line. With no indent
# its separators are ", " and ": ", the canonical ones, and it writes a str key
# exactly as ``json.dumps(key, ensure_ascii=False)`` does, so a one-line object
# encoded whole reads the same as one joined key by key.
_ONE_LINE = json.JSONEncoder(ensure_ascii=False)


def _dump_leaf_dict(value: dict[str, Any]) -> str:
    keys = tuple(value)
    if all(type(k) is str for k in keys):
        order = _key_order(keys)
        return _ONE_LINE.encode(value if order == keys else {k: value[k] for k in order})
    # Keys that are not strings (never in parsed JSON): write them as they are.
    items = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(value[k], ensure_ascii=False)}"
                      for k in _order_keys(value))
    return "{" + items + "}"


def _in_canonical_order(keys: tuple[Any, ...]) -> bool:
    return all(type(k) is str for k in keys) and _key_order(keys) == keys


# Values that orjson writes exactly as json.dumps(ensure_ascii=False) does (not
# float: its shortest form differs, e.g. 1e16 against 1e+16).
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
# Where one flat record ends and the next begins on one line (the canonical
# form breaks the line there).
RECORD_BREAK = b"}, {"


def spaced_records(compact: bytes, count: int, item_pad: bytes) -> bytes | None:
    """Flat records one per line, as the canonical form writes them, from a
    compact JSON list of ``count`` of them: ``msgspec``'s formatter
    (``indent=0``) adds the canonical ``": "`` and ``", "`` between tokens,
    copying every string token as it is. Adjacent records are then separated
    by ``}, {``; splitting there is right only when those are the sole
    occurrences (none inside a string), which the count proves, since the
    pattern cannot overlap itself. None otherwise."""
    text = msgspec.json.format(compact, indent=0)
    if text.count(RECORD_BREAK) != count - 1:
        return None
    return item_pad + text[1:-1].replace(RECORD_BREAK, b"},\n" + item_pad + b"{")


def _record_lines(records: list[Any], item_pad: bytes) -> bytes | None:
    """:func:`spaced_records` of ``records`` written compactly by ``orjson``;
    None when orjson cannot write a value (an int beyond 64 bits)."""
    try:
        compact = orjson.dumps(records)
    except orjson.JSONEncodeError:
        return None
    return spaced_records(compact, len(records), item_pad)


def _plain_records(records: list[Any]) -> bool:
    """Every item a dict whose values are all of :data:`_PLAIN_TYPES` or lists
    of such values (an entity's aliases): what one line holds."""
    if not set(map(type, records)) <= {dict}:
        return False
    values = list(itertools.chain.from_iterable(map(dict.values, records)))
    kinds = set(map(type, values))
    if not kinds <= _PLAIN_TYPES | {list}:
        return False
    if list in kinds:
        # Stops at the first item that is not plain (a document's first span).
        inner = itertools.chain.from_iterable(value for value in values if type(value) is list)
        return all(map(_PLAIN_TYPES.__contains__, map(type, inner)))
    return True


def _one_line_records(records: list[Any], item_pad: str) -> str | None:
    """A list of flat records (entities, link members), one per line, as the
    general writer's text; None when the list is not such a list (the caller
    then writes record by record)."""
    if not records or not _plain_records(records):
        return None
    if not all(_in_canonical_order(keys) for keys in set(map(tuple, records))):
        return None
    lines = _record_lines(records, item_pad.encode("utf-8"))
    return None if lines is None else lines.decode("utf-8")


class _NotFast(Exception):
    """A value :func:`_fast_text` does not write (the general writer does)."""


def _one_line(value: Any) -> bytes:
    """A value on one line, with the canonical ``": "`` and ``", "``."""
    try:
        return msgspec.json.format(orjson.dumps(value), indent=0)
    except orjson.JSONEncodeError as exc:  # e.g. an int beyond 64 bits
        raise _NotFast from exc


def _scalar(value: Any) -> bytes:
    """A plain scalar's text (nothing to space out)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as exc:  # e.g. an int beyond 64 bits
        raise _NotFast from exc


def _fast_value(value: Any, indent: int, plain_records: bool) -> bytes:
    """The canonical text of ``value`` at ``indent``, as :func:`_dump` writes it,
    for the values it is written for here: plain scalars, lists of them,
    objects with keys already in canonical order, and lists of such objects.
    Anything else (a float, a key out of order, a list of lists) raises
    :class:`_NotFast`."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return _scalar(value)
    if kind is dict:
        if not _in_canonical_order(tuple(value)):
            raise _NotFast
        if _plain_records([value]):  # a leaf: one line
            return _one_line(value)
        pad = b"  " * indent
        last = len(value) - 1
        out = [b"{\n"]
        for index, (key, item) in enumerate(value.items()):
            text = _scalar(item) if type(item) in _PLAIN_TYPES else _fast_value(item, indent + 1, False)
            out += (pad, b"  ", orjson.dumps(key), b": ", text, b",\n" if index < last else b"\n")
        out += (pad, b"}")
        return b"".join(out)
    if kind is not list:
        raise _NotFast
    if not (plain_records and value) and set(map(type, value)) <= _PLAIN_TYPES:  # a scalar list (or empty): one line
        return _one_line(value)
    pad = b"  " * indent
    item_pad = pad + b"  "
    if plain_records or _plain_records(value):  # flat records, one per line
        if not all(_in_canonical_order(keys) for keys in set(map(tuple, value))):
            raise _NotFast
        lines = _record_lines(value, item_pad)
        if lines is None:
            raise _NotFast
        return b"[\n" + lines + b"\n" + pad + b"]"
    if not set(map(type, value)) <= {dict}:
        raise _NotFast
    items = [item_pad + _fast_value(item, indent + 1, False) for item in value]
    return b"[\n" + b",\n".join(items) + b"\n" + pad + b"]"


def _fast_text(data: Any, *, plain_records: bool = False) -> bytes | None:
    """The canonical text of an annotation file's value, as UTF-8 bytes,
    written by ``orjson`` and ``msgspec`` (which escape strings exactly as
    ``json.dumps(ensure_ascii=False)`` does); None for a value it does not
    write (the general writer then runs).

    ``plain_records=True`` skips the scan of the types of the records in the
    top-level object's lists and of their values: for a caller that knows
    each to be a dict of plain values (a document that the package's own
    schema accepted and whose offsets are ints), where that scan is a
    sizeable share of the cost.
    """
    if type(data) is not dict or not _in_canonical_order(tuple(data)):
        return None
    try:
        if _plain_records([data]):
            return _one_line(data) + b"\n"
        last = len(data) - 1
        out = [b"{\n"]
        for index, (key, value) in enumerate(data.items()):
            text = _scalar(value) if type(value) in _PLAIN_TYPES else _fast_value(value, 1, plain_records and type(value) is list)
            out += (b"  ", orjson.dumps(key), b": ", text, b",\n" if index < last else b"\n")
    except _NotFast:
        return None
    out.append(b"}\n")
    return b"".join(out)


def _dump(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict) and not _is_leaf(value):
        out.append("{\n")
        keys = _order_keys(value)
        for i, key in enumerate(keys):
            out.append(f"{pad}  {json.dumps(key, ensure_ascii=False)}: ")
            _dump(value[key], indent + 1, out)
            out.append(",\n" if i < len(keys) - 1 else "\n")
        out.append(pad + "}")
    elif isinstance(value, list) and not _is_leaf(value):
        out.append("[\n")
        item_pad = pad + "  "
        lines = _one_line_records(value, item_pad)
        if lines is not None:
            out.append(lines)
            out.append("\n" + pad + "]")
            return
        last = len(value) - 1
        for i, item in enumerate(value):
            out.append(item_pad)
            if isinstance(item, dict) and _is_leaf(item):
                out.append(_dump_leaf_dict(item))  # the common case: a span, an entity, a member
            else:
                _dump(item, indent + 1, out)
            out.append(",\n" if i < last else "\n")
        out.append(pad + "]")
    elif isinstance(value, dict):
        out.append(_dump_leaf_dict(value))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def dumps_canonical(data: Any) -> str:
    """The canonical text of an annotation file.

    Keys follow the field lists of :mod:`eunato_corpus.model`; an object that
    holds no nested object (a span, a body range, an entity, a link member) is
    written on one line; everything else is indented by two spaces; the file
    ends with one newline. Nothing is escaped that need not be (``ensure_ascii``
    off), so curly quotes and Turkish letters stay readable.
    """
    fast = _fast_text(data)
    if fast is not None:
        return fast.decode("utf-8")
    out: list[str] = []
    _dump(data, 0, out)
    out.append("\n")
    return "".join(out)


def canonical_bytes(data: Any, *, plain_records: bool = False) -> bytes:
    """``dumps_canonical(data)`` encoded as UTF-8, for comparing with a file's
    bytes without decoding either. ``plain_records``: see :func:`_fast_text`."""
    fast = _fast_text(data, plain_records=plain_records)
    return fast if fast is not None else dumps_canonical(data).encode("utf-8")


def canonicalize(data: Any, kind: str) -> Any:
    """Sort the lists of a parsed annotation file into canonical order.

    ``kind`` is ``document``, ``entities`` or ``links``. Malformed parts are
    left where they are, so that formatting never loses data.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if kind == "document" and isinstance(data.get("spans"), list):
        if all(isinstance(s, dict) for s in data["spans"]):
            data["spans"] = sorted(data["spans"], key=span_sort_key)
    elif kind == "entities" and isinstance(data.get("entities"), list):
        if all(isinstance(e, dict) for e in data["entities"]):
            data["entities"] = sorted(data["entities"], key=lambda e: str(e.get("entity_id")))
    elif kind == "links" and isinstance(data.get("clusters"), list):
        clusters = []
        for cluster in data["clusters"]:
            if isinstance(cluster, dict) and isinstance(cluster.get("members"), list) and all(isinstance(m, dict) for m in cluster["members"]):
                cluster = dict(cluster)
                cluster["members"] = sorted(cluster["members"], key=lambda m: (str(m.get("doc_id")), str(m.get("span_id"))))
            clusters.append(cluster)
        if all(isinstance(c, dict) for c in clusters):
            clusters.sort(key=lambda c: str(c.get("cluster_id")))
        data["clusters"] = clusters
    return data


def kind_of(path: Path) -> str:
    """Which schema an annotation file follows, by its place in the layout."""
    if path.parent.name == DOCS_DIR:  # a document whose doc_id happens to be "entities" or "links"
        return "document"
    if path.name == ENTITIES_NAME:
        return "entities"
    if path.name == LINKS_NAME:
        return "links"
    return "document"


# --- atomic writes --------------------------------------------------------------


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` so that readers see the old file or the
    new one, never a half-written one."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; give the file the mode an ordinary write would.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_annotation_file(path: Path, data: Any) -> None:
    """Write a parsed annotation file in canonical form, atomically."""
    write_text_atomic(path, dumps_canonical(canonicalize(data, kind_of(path))))


# --- locating JSON pointers in a file's text ----------------------------------


def pointer_lines(text: str) -> dict[str, int]:
    """Map each JSON pointer of a valid JSON text to the 1-based line where its
    value starts. Used only on the error path, to give reports a line number."""
    lines: dict[str, int] = {}
    line = 1
    i = 0
    n = len(text)
    # Stack of [container type, current key or index, pointer prefix].
    stack: list[list[Any]] = []
    pending_key: str | None = None

    def current_pointer() -> str:
        if not stack:
            return ""
        frame = stack[-1]
        token = str(frame[1]).replace("~", "~0").replace("/", "~1")
        return f"{frame[2]}/{token}"

    def record() -> str:
        pointer = current_pointer()
        lines.setdefault(pointer, line)
        return pointer

    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch in " \t\r," or ch == ":":
            i += 1
        elif ch in "{[":
            pointer = record()
            stack.append(["o", None, pointer] if ch == "{" else ["a", 0, pointer])
            pending_key = None
            i += 1
        elif ch in "}]":
            stack.pop()
            i += 1
            if stack and stack[-1][0] == "a":
                stack[-1][1] += 1
        elif ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            token = text[i : j + 1]
            i = j + 1
            if stack and stack[-1][0] == "o" and pending_key is None:
                # an object key: the next value belongs to it
                k = i
                while k < n and text[k] in " \t\r\n":
                    k += 1
                if k < n and text[k] == ":":
                    pending_key = json.loads(token)
                    stack[-1][1] = pending_key
                    continue
            record()
            pending_key = None
            if stack and stack[-1][0] == "a":
                stack[-1][1] += 1
            continue
        else:
            j = i
            while j < n and text[j] not in ",]}\n \t\r":
                j += 1
            record()
            i = j
            if stack and stack[-1][0] == "a":
                stack[-1][1] += 1
            pending_key = None
            continue
    return lines


def line_of(text: str, pointer: str) -> int | None:
    """The line of the closest enclosing value of ``pointer`` in ``text``."""
    return line_in(pointer_lines(text), pointer)


def line_in(lines: dict[str, int], pointer: str) -> int | None:
    """The line of the closest enclosing value of ``pointer``, given the map
    :func:`pointer_lines` made of the file (computed once for many pointers)."""
    while True:
        if pointer in lines:
            return lines[pointer]
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]


def iter_document_files(paths: CorpusPaths) -> Iterator[Path]:
    """Annotation files of documents, in doc_id order, one at a time."""
    yield from (paths.doc(doc_id) for doc_id in paths.doc_ids())
