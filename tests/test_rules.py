"""Every rule of the catalogue, one broken fixture each (tests/cases/invalid/<rule-id>/),
with the exact flattened report it must give; and the catalogue against its docs."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from cases.casekit import (
    apply_case,
    invalid_cases,
    load_case,
    uses_schema_dir,
    valid_cases,
)
from conftest import MINI_DOC_ID, write_corpus

from eunato_corpus import rules as rules_module
from eunato_corpus import validation as validate_module
from eunato_corpus.issues import RULES, Severity, rules_markdown
from eunato_corpus.validation import ValidationResult, validate

REPO = Path(__file__).resolve().parents[1]


def run_case(tmp_path: Path, case_path: Path) -> tuple[dict[str, Any], ValidationResult]:
    case = load_case(case_path)
    root = write_corpus(tmp_path / "corpus")
    apply_case(root, case)
    schema_dir = root / "schema" if uses_schema_dir(case) else None
    return case, validate(root, release=case.get("release", False), schema_dir=schema_dir)


def flatten(result: ValidationResult, with_severity: list[bool]) -> list[list[str]]:
    return [[i.rule, i.pointer, i.severity.value][: 3 if sev else 2] for i, sev in zip(result.issues, with_severity, strict=True)]


@pytest.mark.parametrize("case_path", invalid_cases(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_invalid_case_gives_exact_report(tmp_path: Path, case_path: Path) -> None:
    case, result = run_case(tmp_path, case_path)
    expected = case["expected"]
    severities = [len(e) == 3 for e in expected] + [False] * max(0, len(result.issues) - len(expected))
    assert flatten(result, severities) == expected, case["description"]
    assert not result.ok or all(len(e) == 3 and e[2] == "warning" for e in expected)


@pytest.mark.parametrize("case_path", valid_cases(), ids=lambda p: p.stem)
def test_valid_case_passes(tmp_path: Path, case_path: Path) -> None:
    _, result = run_case(tmp_path, case_path)
    assert [(i.rule, i.pointer, i.message) for i in result.issues] == []
    assert result.ok and result.files_checked == 3


def test_mini_corpus_is_clean(mini_corpus: Path) -> None:
    result = validate(mini_corpus)
    assert result.issues == () and result.ok and result.files_checked == 3


def test_every_rule_has_a_fixture_and_every_emitted_rule_is_catalogued(tmp_path: Path) -> None:
    fixture_rules = {p.parent.name for p in invalid_cases()}
    assert set(RULES) <= fixture_rules, f"rules without a fixture: {sorted(set(RULES) - fixture_rules)}"
    assert fixture_rules <= set(RULES), f"fixture folders naming no rule: {sorted(fixture_rules - set(RULES))}"
    emitted: set[str] = set()
    for index, case_path in enumerate(invalid_cases()):
        _, result = run_case(tmp_path / str(index), case_path)
        emitted |= {i.rule for i in result.issues}
        # each fixture triggers the rule it is named after
        assert case_path.parent.name in {i.rule for i in result.issues}, case_path
    assert emitted <= set(RULES)


def test_rule_ids_are_stable_slugs() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id
        assert rule.title and rule.explanation.endswith((".", ")"))


def test_release_raises_only_what_work_in_progress_leaves() -> None:
    raised = {r.id for r in RULES.values() if r.severity_for(True) is not r.severity_for(False)}
    assert raised == {"span-draft", "seed-no-annotation", "primary-text-not-in-source"}
    assert RULES["span-draft"].severity_for(True) is Severity.ERROR


def test_rules_doc_is_generated_from_the_catalogue() -> None:
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `eunato-corpus rules --markdown > docs/rules.md`"
    )


def test_messages_name_both_texts(tmp_path: Path) -> None:
    _, result = run_case(tmp_path, next(p for p in invalid_cases() if p.parent.name == "span-text-mismatch" and p.stem == "off-by-one"))
    mismatch = next(i for i in result.issues if i.rule == "span-text-mismatch")
    assert mismatch.message == "span k1 text 'said' != raw[383:388] 'said '"
    assert mismatch.span_id == "k1" and mismatch.doc_id == MINI_DOC_ID
    assert mismatch.file == f"annotations/docs/{MINI_DOC_ID}.json" and mismatch.line is not None


def test_lines_point_at_the_offending_span(tmp_path: Path) -> None:
    _, result = run_case(tmp_path, next(p for p in invalid_cases() if p.parent.name == "dangling-cue"))
    (issue,) = result.issues
    text = (tmp_path / "corpus" / "annotations" / "docs" / f"{MINI_DOC_ID}.json").read_text(encoding="utf-8")
    assert '"span_id": "q1"' in text.splitlines()[issue.line - 1]  # type: ignore[operator]


# --- order independence ------------------------------------------------------------


def _broken_corpus(root: Path) -> Path:
    """A corpus with problems in every file, so the report has many lines to order."""
    write_corpus(root)
    for name in ("seed-checksum-mismatch", "unknown-entity", "link-unknown-span", "span-draft", "entity-members-mismatch"):
        apply_case(root, load_case(next(p for p in invalid_cases() if p.parent.name == name)))
    extra = root / "annotations" / "docs" / "999_orphan.json"
    extra.write_text(json.dumps({"doc_id": "999_orphan"}), encoding="utf-8")
    return root


def test_report_does_not_depend_on_processing_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _broken_corpus(tmp_path / "corpus")
    reference = validate(root)
    assert len(reference.issues) >= 8
    original_paths = validate_module._document_paths
    for seed in range(3):
        shuffler = random.Random(seed)

        def shuffled_paths(folder: Path, shuffler: random.Random = shuffler) -> list[Path]:
            found = original_paths(folder)
            shuffler.shuffle(found)
            return found

        order = list(rules_module.DOCUMENT_RULES)
        shuffler.shuffle(order)
        monkeypatch.setattr(validate_module, "_document_paths", shuffled_paths)
        monkeypatch.setattr(rules_module, "DOCUMENT_RULES", tuple(order))
        assert validate(root) == reference


def test_reordered_spans_give_the_same_findings(tmp_path: Path) -> None:
    root = _broken_corpus(tmp_path / "corpus")
    path = root / "annotations" / "docs" / f"{MINI_DOC_ID}.json"

    def findings() -> list[tuple[str, str | None, str]]:
        result = validate(root)
        return sorted((i.rule, i.span_id, i.message) for i in result.issues if i.rule != "file-not-canonical")

    reference = findings()
    data = json.loads(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(data["spans"])
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert findings() == reference
    assert "file-not-canonical" in {i.rule for i in validate(root).issues}


def test_parallel_jobs_give_the_same_report(tmp_path: Path) -> None:
    root = _broken_corpus(tmp_path / "corpus")
    assert validate(root, jobs=2) == validate(root, jobs=1)
