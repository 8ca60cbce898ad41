"""Validate a corpus root: every problem of every file, in one run, never a traceback.

The order of work keeps memory bounded by the largest document, not the corpus:

1. the seeds' manifest (``seeds/SHA256SUMS``);
2. what the documents need from the entity registry and the links (small):
   the registry's ids and the span ids that links ask about, per document,
   from a quick parse of each (:func:`_quick_aux`);
3. the documents, streamed one at a time through :func:`check_document_file`
   (a top-level function taking a path and a small picklable context, so that
   it can run in worker processes); each returns its issues and the labels of
   the spans that links asked about, so link membership is checked without
   holding every span of the corpus. Meanwhile this process checks the
   registry and the links in full; should that check read them otherwise
   than the quick parse did, the documents are checked again;
4. seeds without annotation files, and link members against what the documents
   held.

Each file passes three levels: the file itself (bytes, encoding, JSON syntax,
canonical form), its JSON Schema (:mod:`eunato_corpus.schema`) and the corpus
rules (:mod:`eunato_corpus.rules`).

A fast path decides, a detailed path explains. :func:`read_clean_file` parses a
file once with ``orjson``, asks the compiled schema validator whether it is valid
and compares it with its canonical text; only a file failing one of these is
read again by :func:`read_json_file` (the standard ``json`` module, for exact
error positions) and explained by jsonschema's Python validator. Likewise
:func:`eunato_corpus.rules.document_is_clean` answers for a whole document, and
only a document it does not vouch for goes through the rules one by one. So
every report is the one the detailed path gives; a valid corpus costs little
more than parsing it.

:func:`validate_and_convert` is the same pass with a converter: the worker
that checked a chunk of documents also converts it (the build's Arrow columns,
see :mod:`eunato_corpus.convert`), from the data the checks parsed, so the
build reads and parses each document once and reports exactly what
:func:`validate` reports.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import gc
import hashlib
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from . import rules
from .io import (
    ANNOTATIONS_DIR,
    DOCS_DIR,
    ENTITIES_NAME,
    LINKS_NAME,
    CorpusPaths,
    canonical_bytes,
    canonicalize,
    dumps_canonical,
    line_in,
    pointer_lines,
    read_seed,
)
from .issues import RULES, Issue, Severity, issue_sort_key
from .model import OFFICIAL_GENRE, SpanColumns, int_offsets_in_canonical_order, spans_in_canonical_order
from .schema import SchemaSet, load_schemas, schema_issues
from .typed import as_json

__all__ = ["CheckedDocument", "ChunkConverter", "ParsedFile", "Progress", "ValidationResult", "check_document_file",
           "read_clean_file", "read_json_file", "resolve_jobs", "validate", "validate_and_convert"]

# Called after each document with (documents done, documents in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ValidationResult:
    """Everything one validation run found, sorted by (file, line, rule, pointer)."""

    issues: tuple[Issue, ...]
    files_checked: int

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors


# --- reading one JSON file with file-level checks --------------------------------


class _Lossy(list[str]):
    """What parsing could not keep exactly: keys met twice in one object
    (``key:<name>``) and numbers beyond a float's range (``number:<text>``)."""


@dataclass
class ParsedFile:
    """A JSON file read with file-level checks. ``parsed`` is False when the file
    could not be parsed at all (then ``data`` is None). ``exact`` is False when
    writing ``data`` back would change it (a repeated key, a number such as 1e400
    that a float cannot hold): such a file is never rewritten."""

    data: Any
    text: str | None
    parsed: bool
    issues: list[Issue] = field(default_factory=list)
    exact: bool = True


def _file_issue(file: str, rule_id: str, message: str, line: int | None = None, doc_id: str | None = None) -> Issue:
    rule = RULES[rule_id]
    return Issue(file, line, "", rule_id, rule.severity, message, doc_id)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _loads(text: str, lossy: _Lossy) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                lossy.append(f"key:{key}")
            result[key] = value
        return result

    def number(literal: str) -> float:
        value = float(literal)
        if math.isinf(value):
            lossy.append(f"number:{literal}")
        return value

    return json.loads(text, object_pairs_hook=pairs, parse_float=number, parse_constant=_reject_constant)


def _first_difference_line(a: str, b: str) -> int:
    for number, (left, right) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False), start=1):
        if left != right:
            return number
    return min(a.count("\n"), b.count("\n")) + 1


def read_json_file(path: Path, display: str, kind: str, doc_id: str | None = None, *, canonical: bool = True) -> ParsedFile:
    """Read and parse one annotation file, reporting file-level problems: empty,
    not UTF-8, BOM, CRLF, invalid JSON (with line and column), repeated keys,
    nesting too deep, and (as a warning) a file not in canonical form."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ParsedFile(None, None, False, [_file_issue(display, "file-missing", f"cannot read file: {exc.strerror}", doc_id=doc_id)])
    issues: list[Issue] = []
    if not raw.strip():
        return ParsedFile(None, None, False, [_file_issue(display, "file-empty", "file is empty", doc_id=doc_id)])
    if raw.startswith(codecs.BOM_UTF8):
        issues.append(_file_issue(display, "file-bom", "file starts with a UTF-8 byte order mark", 1, doc_id))
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        issues.append(_file_issue(display, "file-not-utf8",
                                  f"byte 0x{raw[exc.start]:02x} at line {line} column {column} is not UTF-8", line, doc_id))
        return ParsedFile(None, None, False, issues)
    crlf = text.find("\r\n")
    if crlf >= 0:
        issues.append(_file_issue(display, "file-crlf", "file uses CRLF line endings", text.count("\n", 0, crlf) + 1, doc_id))
    lossy = _Lossy()
    try:
        data = _loads(text, lossy)
    except json.JSONDecodeError as exc:
        issues.append(_file_issue(display, "json-invalid", f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                                  exc.lineno, doc_id))
        return ParsedFile(None, text, False, issues)
    except RecursionError:
        issues.append(_file_issue(display, "json-too-deep", "JSON nests too deeply to be read", None, doc_id))
        return ParsedFile(None, text, False, issues)
    except ValueError as exc:  # e.g. NaN, or an integer of more than 4300 digits
        issues.append(_file_issue(display, "json-invalid", f"invalid JSON: {str(exc)[:120]}", None, doc_id))
        return ParsedFile(None, text, False, issues)
    for key in sorted({item[4:] for item in lossy if item.startswith("key:")}):
        issues.append(_file_issue(display, "json-duplicate-key", f"key {key[:60]!r} appears twice in one object", None, doc_id))
    if lossy:  # the schema reports a huge number as not an integer
        return ParsedFile(data, text, True, issues, exact=False)
    if canonical and not issues:
        try:
            expected = dumps_canonical(canonicalize(data, kind))
        except RecursionError:
            issues.append(_file_issue(display, "json-too-deep", "JSON nests too deeply to be written back", None, doc_id))
            return ParsedFile(data, text, True, issues)
        if expected != text:
            issues.append(_file_issue(display, "file-not-canonical", "file is not in canonical form (run 'eunato-corpus fmt')",
                                      _first_difference_line(text, expected), doc_id))
    return ParsedFile(data, text, True, issues)


# --- the fast path: a file with nothing to report at file or schema level --------


def read_clean_file(path: Path, kind: str, schemas: SchemaSet, columns: list[SpanColumns] | None = None,
                    read: tuple[bytes, Any] | None = None, *, records: bool = False) -> tuple[Any, bytes] | None:
    """(data, bytes) of an annotation file about which neither :func:`read_json_file`
    nor :func:`eunato_corpus.schema.schema_issues` would report anything; None
    when it may have something to report (ask them).

    For a document under the package's own schema: the typed decoder and its
    checks (:mod:`eunato_corpus.typed`). Otherwise one ``orjson`` parse, the
    compiled schema validator, and a comparison with the canonical text. Being canonical also proves what the detailed reader
    checks one by one: no byte order mark, no CRLF, no key twice in an object,
    no number a float cannot hold (each would make the texts differ), and
    ``orjson`` accepts only UTF-8 and standard JSON.

    For a document, ``columns`` (a list, when given) receives the
    :class:`~eunato_corpus.model.SpanColumns` that the order check made, for
    the rule screen to reuse. ``read``: the file's bytes and their ``orjson``
    parse, when the caller already has them. ``records=True``: a document's
    spans may be left as the typed fast path's records (see
    :meth:`eunato_corpus.typed.TypedDocuments.check`).
    """
    if kind == "document" and schemas.typed is not None:
        try:
            raw = read[0] if read is not None else path.read_bytes()
        except OSError:
            return None
        typed = schemas.typed.check(raw, records=records)
        if typed is None:
            return None
        if columns is not None:
            columns.append(typed[1])
        return typed[0], raw
    if read is not None:
        raw, data = read
    else:
        try:
            raw = path.read_bytes()
            data = orjson.loads(raw)
        except (OSError, orjson.JSONDecodeError):
            return None
    if not schemas.is_valid(data, kind):
        return None
    try:
        if kind == "document":
            span_columns = SpanColumns(data["spans"])
            if columns is not None:
                columns.append(span_columns)
            expected = _document_bytes(data, schemas, span_columns)
        else:
            expected = canonical_bytes(canonicalize(data, kind))
    except (KeyError, TypeError, ValueError, RecursionError):
        return None
    return (data, raw) if expected == raw else None


def _document_bytes(data: dict[str, Any], schemas: SchemaSet, columns: SpanColumns) -> bytes | None:
    """The canonical text of a document that its schema accepted, or None when
    its spans are not in canonical order (so the file cannot be canonical).

    When the package's own schema accepted it and every offset is an int, each
    value of a span or a body range is a str, int, bool or null (the schema
    allows nothing else; ``test_fast_path`` checks that it still says so), and
    the writer need not scan their types."""
    spans = data["spans"]
    if int_offsets_in_canonical_order(spans, columns):
        body_offsets = itertools.chain.from_iterable(map(dict.values, data["body"]))
        plain = schemas.builtin and set(map(type, body_offsets)) <= {int}
        return canonical_bytes(data, plain_records=plain)
    return canonical_bytes(data) if spans_in_canonical_order(spans) else None


def _with_lines(issues: Iterable[Issue], text: str | None) -> list[Issue]:
    """Fill in missing line numbers from the file's text (error path only)."""
    issues = list(issues)
    if text is None or all(i.line is not None for i in issues):
        return issues
    lines = pointer_lines(text)
    return [i if i.line is not None else replace(i, line=line_in(lines, i.pointer)) for i in issues]


# --- one document: a top-level function, so worker processes can run it -----------


@dataclass(frozen=True)
class CheckedDocument:
    """A document in which the checks found no error, as they read it: what a
    converter (the build) needs, so that nothing is read or parsed twice."""

    doc_id: str
    data: dict[str, Any]
    text: str
    sha256: str
    # True when the file was found canonical, so its spans are in canonical order.
    canonical: bool = False
    # The spans' columns as the checks made them (None on the detailed path).
    columns: SpanColumns | None = None


# Turns the checked documents of one chunk (in corpus order) into something the
# parent process consumes: runs in the worker processes, so it must be
# picklable (a top-level function or an instance of a top-level class).
ChunkConverter = Callable[[list[CheckedDocument]], Any]


@dataclass(frozen=True)
class SharedContext:
    """What every document check needs from the corpus: small and picklable.
    ``convert``, when set, also converts each chunk whose documents have no error."""

    entity_ids: frozenset[str] | None
    release: bool
    schema_dir: Path | None = None
    convert: ChunkConverter | None = None


@dataclass(frozen=True)
class DocJob:
    """One document to check: its annotation file and its seed."""

    path: Path
    display: str
    stem: str
    seed: Path | None
    seed_display: str
    seed_digest: str | None
    wanted_spans: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DocOutcome:
    """Issues of one document, the labels of the spans that links asked about
    (None when the document's spans could not be read at all) and the
    speakers of those that are quotes."""

    issues: tuple[Issue, ...]
    found: dict[str, str] | None
    speakers: dict[str, str] = field(default_factory=dict)
    official: bool = False  # of genre official_statement: the primary source of primary_text


@dataclass(frozen=True)
class SeedRead:
    """A document's seed as the checks read it: its text (None when it cannot
    be read or decoded), the SHA-256 of its bytes, and the problems found."""

    text: str | None
    sha256: str | None
    issues: list[Issue]


def _read_seed(job: DocJob) -> SeedRead:
    if job.seed is None:
        return SeedRead(None, None, [_file_issue(job.display, "annotation-no-seed",
                                                 f"no seed text seeds/{job.stem}.txt for this annotation file", 1, job.stem)])
    try:
        raw = job.seed.read_bytes()
    except OSError as exc:
        return SeedRead(None, None, [_file_issue(job.seed_display, "seed-not-utf8", f"cannot read seed: {exc.strerror}",
                                                 doc_id=job.stem)])
    issues = []
    digest = hashlib.sha256(raw).hexdigest()
    if job.seed_digest is not None and digest != job.seed_digest:
        issues.append(_file_issue(job.seed_display, "seed-checksum-mismatch",
                                  "seed text differs from its SHA-256 in seeds/SHA256SUMS (the raw text was edited)", doc_id=job.stem))
    try:
        return SeedRead(raw.decode("utf-8"), digest, issues)
    except UnicodeDecodeError as exc:
        issues.append(_file_issue(job.seed_display, "seed-not-utf8", f"byte {exc.start} of the seed is not UTF-8", doc_id=job.stem))
        return SeedRead(None, digest, issues)


def check_document_file(job: DocJob, shared: SharedContext) -> DocOutcome:
    """Every check of one document file and its seed. Never raises on bad input."""
    return _check_document(job, shared)[0]


def _check_document(job: DocJob, shared: SharedContext) -> tuple[DocOutcome, CheckedDocument | None]:
    """:func:`check_document_file`, and the document as read when no check found
    an error in it (else None)."""
    seed = _read_seed(job)
    made: list[SpanColumns] = []
    clean = read_clean_file(job.path, "document", load_schemas(shared.schema_dir), made, records=True)
    if clean is None:
        outcome, data = _explain_document_file(job, shared, seed.text, seed.issues)
        canonical, columns = False, None
    else:
        canonical = True
        data, raw = clean
        columns = made[0] if made else None
        ctx = rules.DocContext(file=job.display, release=shared.release, doc_id=job.stem, stem=job.stem,
                               entity_ids=shared.entity_ids)
        found = rules.requested_labels(data, job.wanted_spans, columns) if job.wanted_spans else {}
        speakers = rules.requested_speakers(data, found, columns)
        if rules.document_is_clean(data, seed.text, ctx, columns):
            outcome = DocOutcome(tuple(seed.issues), found, speakers)
        else:
            data, columns = as_json(data), None  # the rules read dicts
            outcome = DocOutcome(tuple(seed.issues + _with_lines(rules.check_document(data, seed.text, ctx), raw.decode("utf-8"))),
                                 found, speakers)
    if isinstance(data, dict) and data.get("genre") == OFFICIAL_GENRE:
        outcome = replace(outcome, official=True)
    if (seed.text is None or seed.sha256 is None or not isinstance(data, dict)
            or any(issue.severity is Severity.ERROR for issue in outcome.issues)):
        return outcome, None
    return outcome, CheckedDocument(job.stem, data, seed.text, seed.sha256, canonical, columns)


def _explain_document_file(job: DocJob, shared: SharedContext, seed_text: str | None,
                           issues: list[Issue]) -> tuple[DocOutcome, Any]:
    """The detailed path: the standard json reader, the Python schema validator
    and every rule, for a document the fast path could not vouch for. Returns
    the outcome and the parsed data (None when the file does not parse)."""
    parsed = read_json_file(job.path, job.display, "document", job.stem)
    doc_issues = list(parsed.issues)
    found: dict[str, str] | None = None
    speakers: dict[str, str] = {}
    if parsed.parsed:
        ctx = rules.DocContext(file=job.display, release=shared.release, doc_id=job.stem, stem=job.stem,
                               entity_ids=shared.entity_ids)
        try:
            doc_issues += schema_issues(parsed.data, "document", job.display, load_schemas(shared.schema_dir), job.stem)
            doc_issues += rules.check_document(parsed.data, seed_text, ctx)
            if isinstance(parsed.data, dict) and isinstance(parsed.data.get("spans"), list):
                found = rules.requested_labels(parsed.data, job.wanted_spans) if job.wanted_spans else {}
                speakers = rules.requested_speakers(parsed.data, found)
        except RecursionError:
            doc_issues.append(_file_issue(job.display, "json-too-deep", "the file nests too deeply to check", None, job.stem))
    doc_issues = _with_lines(doc_issues, parsed.text)  # pointer_lines is iterative: no depth limit
    return DocOutcome(tuple(issues + doc_issues), found, speakers), parsed.data


# --- the manifest -------------------------------------------------------------------

_MANIFEST_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def _check_manifest(paths: CorpusPaths, display: str, seeds: dict[str, tuple[bool, bool]]) -> tuple[dict[str, str] | None, list[Issue]]:
    """{seed file name: digest}, or None when the manifest is missing or unreadable."""
    try:
        text = paths.manifest.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None, [_file_issue(display, "file-missing", "the seeds' manifest SHA256SUMS is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [_file_issue(display, "manifest-malformed", f"manifest cannot be read: {exc}")]
    entries: dict[str, str] = {}
    issues: list[Issue] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _MANIFEST_LINE.match(line.rstrip("\r"))
        name = match.group(2) if match else None
        if match is None or name is None or "/" in name or "\\" in name or name in (".", ".."):
            issues.append(_file_issue(display, "manifest-malformed", f"line {number} is not '<sha256>  <file name>'", number))
            continue
        entries[name] = match.group(1).lower()
        if not seeds.get(name, (False, False))[0]:
            issues.append(_file_issue(display, "manifest-entry-no-seed", f"manifest lists {name[:80]!r}, which is not in seeds/", number))
    return entries, issues


# --- the registry and the links -------------------------------------------------------


def _check_aux_file(path: Path, display: str, kind: str, release: bool, schema_dir: Path | None,
                    read: tuple[bytes, Any] | None = None) -> tuple[ParsedFile, list[Issue]]:
    ctx = rules.FileContext(file=display, release=release)
    clean = read_clean_file(path, kind, load_schemas(schema_dir), read=read)
    if clean is not None:
        data, raw = clean
        found = list(rules.check_registry(data, ctx) if kind == "entities" else rules.check_links(data, ctx))
        return ParsedFile(data, raw.decode("utf-8"), True), found
    parsed = read_json_file(path, display, kind)
    issues = list(parsed.issues)
    if parsed.parsed:
        ctx = rules.FileContext(file=display, release=release)
        try:
            issues += schema_issues(parsed.data, kind, display, load_schemas(schema_dir))
            issues += rules.check_registry(parsed.data, ctx) if kind == "entities" else rules.check_links(parsed.data, ctx)
        except RecursionError:
            issues.append(_file_issue(display, "json-too-deep", "the file nests too deeply to check"))
    return parsed, issues


def _scan(folder: Path) -> dict[str, tuple[bool, bool]]:
    """Each entry of ``folder``: name -> (is a file, is a symlink), from one
    ``os.scandir`` (no stat per file but for symlinks); empty when the folder
    cannot be read."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name: (entry.is_file(), entry.is_symlink()) for entry in entries}
    except OSError:
        return {}


def _stem(name: str) -> str:
    return os.path.splitext(name)[0]  # as Path(name).stem


@dataclass(frozen=True)
class _AuxChecked:
    """The registry and the links, checked: their issues, and what the
    documents' checks need from them."""

    issues: list[Issue]
    files_checked: int
    entity_ids: frozenset[str] | None
    members: list[rules.MemberRef]
    links_text: str | None
    primary_texts: list[rules.PrimaryText] = field(default_factory=list)


@dataclass(frozen=True)
class _AuxGuess:
    """What a quick parse of the registry and the links says the documents
    need, and each file's bytes and parse (None for a missing file), for the
    full check to reuse."""

    entity_ids: frozenset[str] | None
    members: list[rules.MemberRef]
    entities_read: tuple[bytes, Any] | None
    links_read: tuple[bytes, Any] | None


def _check_aux(entities_path: Path, links_path: Path, show: Callable[[Path], str], release: bool,
               schema_dir: Path | None, guess: _AuxGuess | None = None) -> _AuxChecked:
    """Check the registry and the links in full. With ``guess``, the files are
    not read again, and where the check keeps the guess's own parse (a clean
    file) what the guess derived from it is kept too."""
    issues: list[Issue] = []
    files_checked = 0
    entity_ids: frozenset[str] | None = None
    if entities_path.is_file():
        read = guess.entities_read if guess is not None else None
        parsed, found = _check_aux_file(entities_path, show(entities_path), "entities", release, schema_dir, read)
        issues += _with_lines(found, parsed.text)
        files_checked += 1
        if guess is not None and read is not None and parsed.data is read[1]:
            entity_ids = guess.entity_ids
        else:
            entity_ids = _registry_ids(parsed.data) if parsed.parsed else None
    else:
        issues.append(_file_issue(show(entities_path), "file-missing", "the entity registry is missing"))
    members: list[rules.MemberRef] = []
    links_text: str | None = None
    primary: list[rules.PrimaryText] = []
    if links_path.is_file():
        read = guess.links_read if guess is not None else None
        parsed, found = _check_aux_file(links_path, show(links_path), "links", release, schema_dir, read)
        issues += _with_lines(found, parsed.text)
        files_checked += 1
        if parsed.parsed:
            kept = guess is not None and read is not None and parsed.data is read[1]
            members = guess.members if guess is not None and kept else list(rules.link_members(parsed.data))
            links_text = parsed.text
            primary = list(rules.primary_texts(parsed.data))
    return _AuxChecked(issues, files_checked, entity_ids, members, links_text, primary)


def _seed_texts(stems: Iterable[str], seed_files: dict[str, Path]) -> dict[str, str]:
    """The seed texts of these documents, read again (the official statements:
    a few small files); a seed that cannot be read is left out, its own
    problem being reported already."""
    texts = {}
    for stem in stems:
        path = seed_files.get(stem)
        if path is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                texts[stem] = read_seed(path)
    return texts


def _registry_ids(data: Any) -> frozenset[str] | None:
    """The registry's ids, or None when it has no list of entities to take them from."""
    if isinstance(data, dict) and isinstance(data.get("entities"), list):
        return rules.registry_ids(data)
    return None


def _quick_aux(entities_path: Path, links_path: Path) -> _AuxGuess | None:
    """What :func:`_check_aux` will find for the documents (entity ids, link
    members), from one ``orjson`` parse of each file; None when a file that
    exists cannot be parsed so (then nothing is guessed).

    For a file in canonical form the check reads the very same data, so the
    guess is right; it can differ only where the standard ``json`` module
    reads a file otherwise (a key twice in an object, an integer too large for
    orjson), and each such file has an error of its own, so the result is not
    ``ok`` and no build is made from it."""
    try:
        entities_raw = entities_path.read_bytes() if entities_path.is_file() else None
        links_raw = links_path.read_bytes() if links_path.is_file() else None
        entities = orjson.loads(entities_raw) if entities_raw is not None else None
        links = orjson.loads(links_raw) if links_raw is not None else None
    except (OSError, orjson.JSONDecodeError):
        return None
    return _AuxGuess(_registry_ids(entities), list(rules.link_members(links)) if links_raw is not None else [],
                     (entities_raw, entities) if entities_raw is not None else None,
                     (links_raw, links) if links_raw is not None else None)


def _wanted_spans(members: Iterable[rules.MemberRef]) -> dict[str, set[str]]:
    """The span ids that links ask about, by document."""
    wanted: dict[str, set[str]] = {}
    for member in members:
        wanted.setdefault(member.doc_id, set()).add(member.span_id)
    return wanted


def _document_paths(docs_dir: Path) -> list[Path]:
    """The document files of an annotation folder (``*.json``), in doc_id order."""
    return [docs_dir / name for name in sorted(_scan(docs_dir)) if name.endswith(".json")]


# What each worker process checks documents against: set once per process by
# the pool's initializer, so tasks carry only their documents' paths.
_WORKER_SHARED: SharedContext | None = None


def _init_worker(shared: SharedContext) -> None:
    global _WORKER_SHARED  # one value per worker process, set once
    _WORKER_SHARED = shared


@dataclass(frozen=True)
class ChunkOutcome:
    """The outcomes of a chunk of documents, in order, and what the context's
    converter made of them (None without a converter, or when a document of
    the chunk has an error: such a corpus is not converted)."""

    outcomes: list[DocOutcome]
    converted: Any = None


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for a chunk. A parsed document is a tree
    (no reference cycles), freed by reference counting the moment it is done
    with; the collector would only walk its many young records again and
    again while they are alive, for nothing. Afterwards it runs as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_chunk(jobs: list[DocJob], shared: SharedContext) -> ChunkOutcome:
    """Check a chunk of documents and, when the context has a converter and no
    document of the chunk has an error, convert them all in one call."""
    with no_cycle_collection():
        # The documents are freed when _check_chunk returns, while the collector
        # is still paused: once resumed, it would walk them all before they go.
        return _check_chunk(jobs, shared)


def _check_chunk(jobs: list[DocJob], shared: SharedContext) -> ChunkOutcome:
    checked = [_check_document(job, shared) for job in jobs]
    outcomes = [outcome for outcome, _ in checked]
    documents = [document for _, document in checked if document is not None]
    if shared.convert is None or len(documents) < len(checked):
        return ChunkOutcome(outcomes)
    return ChunkOutcome(outcomes, shared.convert(documents))


def _check_chunk_in_worker(jobs: list[DocJob]) -> ChunkOutcome:
    if _WORKER_SHARED is None:
        raise RuntimeError("worker started without its context")
    return check_chunk(jobs, _WORKER_SHARED)


def resolve_jobs(jobs: int) -> int:
    """The number of processes for ``jobs``: 0 means one per CPU."""
    return max(1, os.cpu_count() or 1) if jobs <= 0 else jobs


def chunk_size(documents: int, workers: int) -> int:
    """Documents per task: enough to amortise a round trip to a worker, few
    enough that every worker gets several tasks (balance) and results stream."""
    return max(1, min(32, documents // (workers * 8)))


def _map_chunks(jobs: Iterable[DocJob], shared: SharedContext, workers: int, chunk: int = 16,
                on_start: Callable[[], None] | None = None) -> Iterator[ChunkOutcome]:
    """Check documents in chunks, in this process or in ``workers`` processes;
    chunks come back in job order either way. At most four chunks per worker
    are in flight, so memory stays bounded however large the corpus.
    ``on_start`` runs in this process once the first chunks are on their way
    (work that can overlap theirs)."""
    job_iter = iter(jobs)
    if workers <= 1:
        if on_start is not None:
            on_start()
        while batch := list(islice(job_iter, chunk)):
            yield check_chunk(batch, shared)
        return
    pending: collections.deque[Future[ChunkOutcome]] = collections.deque()
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(shared,)) as pool:
        while True:
            while len(pending) < 4 * workers:
                batch = list(islice(job_iter, chunk))
                if not batch:
                    break
                pending.append(pool.submit(_check_chunk_in_worker, batch))
            if on_start is not None:
                on_start()
                on_start = None
            if not pending:
                return
            yield pending.popleft().result()


def validate(
    root: str | Path = ".",
    *,
    release: bool = False,
    annotations: str | Path | None = None,
    jobs: int = 1,
    schema_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> ValidationResult:
    """Validate the corpus at ``root`` and return every issue found.

    ``annotations`` validates another annotation folder with the same layout
    (``docs/``, ``entities.json``, ``links.json``), e.g. ``annotations/passes/b``,
    against the seeds of ``root``. ``release`` turns drafts and unannotated
    seeds into errors. ``jobs`` > 1 checks documents in that many processes
    (0: one per CPU). ``progress(done, total)`` is called after each document.
    ``schema_dir`` replaces the package's schemas (for tests and tools); they are
    still resolved offline.
    """
    return validate_and_convert(root, release=release, annotations=annotations, jobs=jobs, schema_dir=schema_dir,
                                progress=progress)


def validate_and_convert(
    root: str | Path = ".",
    *,
    convert: ChunkConverter | None = None,
    consume: Callable[[Any], None] | None = None,
    release: bool = False,
    annotations: str | Path | None = None,
    jobs: int = 1,
    schema_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> ValidationResult:
    """:func:`validate`, converting the documents in the same pass: each document
    is read and parsed once, checked, and (when no error has been found so far)
    handed with the rest of its chunk to ``convert`` in the worker that checked
    it; ``consume`` receives each chunk's conversion in this process, in corpus
    order. Once an error is found nothing more is handed to ``consume``: the
    caller must then discard what it received (the result is not ``ok``). The
    issues are exactly those of :func:`validate`.
    """
    root_path = Path(root)
    paths = CorpusPaths(root_path)
    folder = Path(annotations) if annotations is not None else root_path / ANNOTATIONS_DIR
    schemas_at = Path(schema_dir) if schema_dir is not None else None
    base = root_path.resolve()

    def show(path: Path) -> str:
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:
            return path.as_posix()

    issues: list[Issue] = list(load_schemas(schemas_at).problems)
    files_checked = 0

    seed_entries = _scan(paths.seeds)
    manifest, found_issues = _check_manifest(paths, show(paths.manifest), seed_entries)
    issues += found_issues
    seed_files = {_stem(name): paths.seeds / name for name in sorted(seed_entries) if name.endswith(".txt")}
    if manifest is not None:
        issues += [_file_issue(show(p), "seed-not-in-manifest", f"{p.name} has no line in seeds/SHA256SUMS", doc_id=stem)
                   for stem, p in seed_files.items() if p.name not in manifest]

    # What the documents need from the registry and the links (the entity ids,
    # the spans links ask about) comes from a quick parse, so that the
    # documents start at once and the two files are checked meanwhile; if the
    # full check reads them otherwise, the documents are checked again with
    # what it read.
    failed = any(issue.severity is Severity.ERROR for issue in issues)
    entities_path, links_path = folder / ENTITIES_NAME, folder / LINKS_NAME
    checked: list[_AuxChecked] = []

    guess = _quick_aux(entities_path, links_path)

    def check_aux() -> None:
        nonlocal failed
        checked.append(_check_aux(entities_path, links_path, show, release, schemas_at, guess))
        failed = failed or any(issue.severity is Severity.ERROR for issue in checked[0].issues)

    if guess is None:
        check_aux()
        entity_ids, members = checked[0].entity_ids, checked[0].members
    else:
        entity_ids, members = guess.entity_ids, guess.members
    wanted = _wanted_spans(members)

    doc_paths = _document_paths(folder / DOCS_DIR)
    stems = [_stem(p.name) for p in doc_paths]
    docs_shown, seeds_shown = show(folder / DOCS_DIR), show(paths.seeds)
    doc_symlinks = {name for name, (_, symlink) in _scan(folder / DOCS_DIR).items() if symlink}
    seed_symlinks = {name for name, (_, symlink) in seed_entries.items() if symlink}

    def show_in(folder: Path, name: str, folder_shown: str, symlinks: set[str]) -> str:
        """show(folder / name) for a file of a folder already shown, without
        resolving each file (a symlinked file is still shown where it points)."""
        return show(folder / name) if name in symlinks else f"{folder_shown}/{name}"

    workers = resolve_jobs(jobs)

    def check_documents(entity_ids: frozenset[str] | None, wanted: dict[str, set[str]], convert: ChunkConverter | None,
                        on_start: Callable[[], None] | None,
                        report: Progress | None) -> tuple[list[Issue], dict[str, DocOutcome], list[str]]:
        nonlocal failed
        doc_jobs = (
            DocJob(path=p, display=show_in(p.parent, p.name, docs_shown, doc_symlinks), stem=stem, seed=seed_files.get(stem),
                   seed_display=show_in(paths.seeds, f"{stem}.txt", seeds_shown, seed_symlinks),
                   seed_digest=manifest.get(f"{stem}.txt") if manifest is not None else None,
                   wanted_spans=frozenset(wanted.get(stem, ())))
            for p, stem in zip(doc_paths, stems, strict=True)
        )
        shared = SharedContext(entity_ids=entity_ids, release=release, schema_dir=schemas_at, convert=convert)
        doc_issues: list[Issue] = []
        linked: dict[str, DocOutcome] = {}  # the outcomes of documents that links name
        official: list[str] = []
        stem_iter = iter(stems)
        done = 0
        for chunk in _map_chunks(doc_jobs, shared, workers, chunk_size(len(doc_paths), workers), on_start):
            for outcome in chunk.outcomes:
                stem = next(stem_iter)
                doc_issues += outcome.issues
                failed = failed or any(issue.severity is Severity.ERROR for issue in outcome.issues)
                done += 1
                if stem in wanted:
                    linked[stem] = outcome
                if outcome.official:
                    official.append(stem)
                if report is not None:
                    report(done, len(doc_paths))
            if consume is not None and chunk.converted is not None and not failed:
                consume(chunk.converted)
        return doc_issues, linked, official

    doc_issues, linked, official = check_documents(entity_ids, wanted, convert, None if checked else check_aux, progress)
    aux = checked[0]
    if (aux.entity_ids, aux.members) != (entity_ids, members):  # the guess was wrong: check again, report only
        failed = True  # nothing more for ``consume``; the result is not ok (see _quick_aux)
        members = aux.members
        doc_issues, linked, official = check_documents(aux.entity_ids, _wanted_spans(members), None, None, None)
    issues += aux.issues + doc_issues
    files_checked += aux.files_checked + len(doc_paths)
    links_text = aux.links_text

    annotated = set(stems)
    seed_rule = RULES["seed-no-annotation"]
    for stem, seed in seed_files.items():
        if stem in annotated:
            continue
        issues.append(Issue(show(seed), None, "", seed_rule.id, seed_rule.severity_for(release),
                            f"seed {seed.name} has no annotation file {DOCS_DIR}/{stem}.json", stem))
        digest = manifest.get(seed.name) if manifest is not None else None
        if digest is not None and hashlib.sha256(seed.read_bytes()).hexdigest() != digest:
            issues.append(_file_issue(show(seed), "seed-checksum-mismatch",
                                      "seed text differs from its SHA-256 in seeds/SHA256SUMS (the raw text was edited)", doc_id=stem))

    link_ctx = rules.FileContext(file=show(links_path), release=release)
    # Members in a document whose spans could not be read are not checked: they
    # would all be reported as naming no span, when the file is what is broken.
    found_by_doc = {stem: outcome.found for stem, outcome in linked.items()}
    unread = {stem for stem, found in found_by_doc.items() if found is None}
    link_issues = [issue for ref in members if ref.doc_id not in unread
                   for issue in rules.check_link_member(ref, found_by_doc.get(ref.doc_id) if ref.doc_id in annotated else None, link_ctx)]
    link_issues += rules.check_quote_cluster_speakers(members, {stem: outcome.speakers for stem, outcome in linked.items()},
                                                      link_ctx)
    if aux.primary_texts:
        link_issues += rules.check_primary_texts(aux.primary_texts, _seed_texts(official, seed_files), link_ctx)
    issues += _with_lines(link_issues, links_text)

    return ValidationResult(tuple(sorted(issues, key=issue_sort_key)), files_checked)
