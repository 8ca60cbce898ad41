"""Apply a rule fixture (``tests/cases/{valid,invalid}/**/*.json``) to the mini corpus.

A case file reads like the spec it tests::

    {
      "description": "an off-by-one end: the cue 'said' ends on the space after it",
      "changes": [{"op": "set", "file": "doc", "path": "/spans/6/end", "value": 388}],
      "expected": [["span-edge-whitespace", "/spans/6"], ["span-text-mismatch", "/spans/6/text"]]
    }

``expected`` is the exact flattened report ``[(rule, pointer), ...]`` in report
order; an entry may add a third item, the severity. ``release`` (default false)
validates in release mode.

File names: ``doc``, ``entities``, ``links``, ``seed`` and ``manifest`` stand for
the mini corpus's files; anything else is a path under the corpus root. A path
under ``schema/`` makes the test copy the package's schemas to the root first
and validate with them (``validate(..., schema_dir=root / "schema")``).

Operations:

- ``set`` / ``add`` / ``remove`` with a JSON ``path`` (``-`` appends to an
  array): edit a JSON file, then write it back in canonical form;
- ``write_text``: replace a whole file with ``text``;
- ``replace_text``: replace ``old`` with ``new`` in a file's text (``count``
  occurrences, default all);
- ``append_text``: add ``text`` at the end of a file;
- ``prepend_hex`` / ``replace_bytes`` (``old`` text, ``new_hex`` bytes): raw bytes;
- ``delete``: remove a file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from eunato_corpus.io import write_annotation_file
from eunato_corpus.schema import default_schema_dir

MINI_DOC_ID = "003_5a94345587d8207d"
CASES = Path(__file__).resolve().parent

ALIASES = {
    "doc": f"annotations/docs/{MINI_DOC_ID}.json",
    "entities": "annotations/entities.json",
    "links": "annotations/links.json",
    "seed": f"seeds/{MINI_DOC_ID}.txt",
    "manifest": "seeds/SHA256SUMS",
}


def load_case(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _edit_json(data: Any, op: dict[str, Any]) -> Any:
    tokens = _tokens(op["path"])
    if not tokens:
        return op["value"]
    parent = data
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    if op["op"] == "remove":
        del parent[int(last) if isinstance(parent, list) else last]
    elif isinstance(parent, list):
        if last == "-":
            parent.append(op["value"])
        elif op["op"] == "add":
            parent.insert(int(last), op["value"])
        else:
            parent[int(last)] = op["value"]
    else:
        parent[last] = op["value"]
    return data


def uses_schema_dir(case: dict[str, Any]) -> bool:
    return any(ALIASES.get(op["file"], op["file"]).startswith("schema/") for op in case["changes"])


def apply_case(root: Path, case: dict[str, Any]) -> None:
    """Break the corpus at ``root`` as the case says."""
    if uses_schema_dir(case):
        shutil.copytree(default_schema_dir(), root / "schema")
    for op in case["changes"]:
        path = root / ALIASES.get(op["file"], op["file"])
        kind = op["op"]
        if kind in ("set", "add", "remove"):
            data = _edit_json(json.loads(path.read_text(encoding="utf-8")), op)
            if path.suffix == ".json" and "annotations" in path.parts:
                write_annotation_file(path, data)
            else:
                path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        elif kind == "write_text":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(op["text"].encode("utf-8"))
        elif kind == "replace_text":
            text = path.read_bytes().decode("utf-8")
            assert op["old"] in text, f"case edits text that is not there: {op['old']!r}"
            path.write_bytes(text.replace(op["old"], op["new"], op.get("count", -1)).encode("utf-8"))
        elif kind == "append_text":
            path.write_bytes(path.read_bytes() + op["text"].encode("utf-8"))
        elif kind == "prepend_hex":
            path.write_bytes(bytes.fromhex(op["hex"]) + path.read_bytes())
        elif kind == "replace_bytes":
            raw = path.read_bytes()
            old = op["old"].encode("utf-8")
            assert old in raw
            path.write_bytes(raw.replace(old, bytes.fromhex(op["new_hex"]), 1))
        elif kind == "delete":
            path.unlink()
        else:  # pragma: no cover - a typo in a case file
            raise ValueError(f"unknown case operation {kind!r}")


def invalid_cases() -> list[Path]:
    return sorted((CASES / "invalid").glob("*/*.json"))


def valid_cases() -> list[Path]:
    return sorted((CASES / "valid").glob("*.json"))
