"""Rewrite annotation files into canonical form (``eunato-corpus fmt``).

A file is rewritten only when it parses cleanly: a file that is not UTF-8, is
not JSON, nests too deeply, or repeats a key in one object (parsing would keep
only one of the values) is never touched, so formatting can never lose data.
Writes are atomic (:func:`eunato_corpus.io.write_annotation_file`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .io import (
    ANNOTATIONS_DIR,
    DOCS_DIR,
    ENTITIES_NAME,
    LINKS_NAME,
    canonicalize,
    dumps_canonical,
    kind_of,
    write_annotation_file,
)
from .validation import read_json_file

# File-level findings after which a file is left alone.
_UNSAFE = frozenset({"file-empty", "file-not-utf8", "json-invalid", "json-too-deep", "json-duplicate-key", "file-missing"})


@dataclass(frozen=True)
class FormatResult:
    """Files already canonical, files (to be) rewritten, and files left alone with the reason."""

    unchanged: tuple[Path, ...]
    changed: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...]


def annotation_folders(root: Path) -> list[Path]:
    """``annotations/`` and every pass kept under ``annotations/passes/``."""
    main = root / ANNOTATIONS_DIR
    passes = main / "passes"
    return [main, *sorted(p for p in passes.iterdir() if p.is_dir())] if passes.is_dir() else [main]


def annotation_files(folder: Path) -> Iterator[Path]:
    """The annotation files of one folder: documents, then registry, then links."""
    docs = folder / DOCS_DIR
    if docs.is_dir():
        yield from sorted(docs.glob("*.json"))
    for name in (ENTITIES_NAME, LINKS_NAME):
        if (folder / name).is_file():
            yield folder / name


def format_annotations(folders: list[Path], *, check: bool = False) -> FormatResult:
    """Bring every annotation file of ``folders`` into canonical form; with
    ``check`` only report which files are not canonical."""
    unchanged: list[Path] = []
    changed: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for folder in folders:
        for path in annotation_files(folder):
            kind = kind_of(path)
            parsed = read_json_file(path, path.as_posix(), kind, canonical=False)
            unsafe = [i for i in parsed.issues if i.rule in _UNSAFE]
            if not parsed.parsed or unsafe:
                skipped.append((path, unsafe[0].message if unsafe else "does not parse"))
                continue
            if not parsed.exact:
                skipped.append((path, "holds a number that cannot be written back exactly"))
                continue
            try:
                expected = dumps_canonical(canonicalize(parsed.data, kind))
            except RecursionError:
                skipped.append((path, "nests too deeply"))
                continue
            if path.read_bytes() == expected.encode("utf-8"):
                unchanged.append(path)
                continue
            changed.append(path)
            if not check:
                write_annotation_file(path, parsed.data)
    return FormatResult(tuple(unchanged), tuple(changed), tuple(skipped))
