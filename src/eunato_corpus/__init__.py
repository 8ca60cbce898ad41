"""eunato-corpus: an annotated corpus of reports of the EU-NATO Joint Declaration,
and the tools that keep it correct.

The public API::

    from eunato_corpus import load_corpus, validate, build, agree

    result = validate(".", release=True)      # ValidationResult(issues, files_checked)
    build(".", "hub", release=True)           # the Hub-ready Parquet folder
    for doc in load_corpus(".").documents():  # one document at a time
        ...
    report = agree("annotations/passes/a", "annotations/passes/b")

Names are imported on first use, so that ``import eunato_corpus`` (and the CLI)
pays only for the modules a command uses (``pyarrow`` for a build; ``datasets``
only for ``build --check`` and :data:`eunato_corpus.export.FEATURES`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .agreement import agree
    from .corpus import load_corpus
    from .export import build, build_check
    from .validation import validate

__all__ = ["agree", "build", "build_check", "load_corpus", "validate"]

# Where each public name lives. The modules are named for their concern
# (validation, export, agreement) so that no submodule shadows a function here.
_HOMES = {
    "agree": "agreement",
    "build": "export",
    "build_check": "export",
    "load_corpus": "corpus",
    "validate": "validation",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
