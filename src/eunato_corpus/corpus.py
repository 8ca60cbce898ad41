"""Loading a corpus lazily: documents one at a time, with their texts.

``load_corpus(root)`` reads nothing up front; iterating ``corpus.documents()``
reads one annotation file and its seed at a time, so that memory stays bounded
by the largest document, not the corpus. Loading assumes the files are valid;
run :func:`eunato_corpus.validate` first to get readable reports on bad input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .io import CorpusPaths, read_seed
from .model import Cluster, Document, Entity


@dataclass(frozen=True)
class CorpusDocument:
    """A document's annotations together with its raw text."""

    document: Document
    text: str
    sha256: str
    path: Path


@dataclass(frozen=True)
class Corpus:
    """A corpus root, read lazily. ``annotations`` may point at another annotation
    folder with the same layout (e.g. ``annotations/passes/b``)."""

    paths: CorpusPaths
    annotations: Path

    @property
    def docs_dir(self) -> Path:
        return self.annotations / "docs"

    def doc_ids(self) -> list[str]:
        return sorted(p.stem for p in self.docs_dir.glob("*.json")) if self.docs_dir.is_dir() else []

    def read_document(self, doc_id: str) -> CorpusDocument:
        path = self.docs_dir / f"{doc_id}.json"
        document = Document.from_record(json.loads(path.read_bytes().decode("utf-8")))
        seed = self.paths.seed(document.doc_id)
        raw = seed.read_bytes()
        return CorpusDocument(document, read_seed(seed), hashlib.sha256(raw).hexdigest(), path)

    def documents(self) -> Iterator[CorpusDocument]:
        for doc_id in self.doc_ids():
            yield self.read_document(doc_id)

    def entities(self) -> list[Entity]:
        path = self.annotations / "entities.json"
        data = json.loads(path.read_bytes().decode("utf-8"))
        return [Entity.from_record(e) for e in data["entities"]]

    def clusters(self) -> list[Cluster]:
        path = self.annotations / "links.json"
        if not path.exists():
            return []
        data = json.loads(path.read_bytes().decode("utf-8"))
        return [Cluster.from_record(c) for c in data["clusters"]]


def load_corpus(root: str | Path = ".", annotations: str | Path | None = None) -> Corpus:
    """Open the corpus at ``root`` (default: the current directory)."""
    paths = CorpusPaths(Path(root))
    folder = Path(annotations) if annotations is not None else paths.annotations
    return Corpus(paths, folder)
