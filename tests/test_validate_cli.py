"""The validate, fmt, stats, show and rules commands, through click's CliRunner
(catch_exceptions=False, so any traceback fails the test)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINI_DOC_ID

from eunato_corpus.cli import cli
from eunato_corpus.issues import RULES, rules_markdown
from eunato_corpus.validation import validate

DOC = f"annotations/docs/{MINI_DOC_ID}.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def break_cue_text(root: Path) -> None:
    path = root / DOC
    path.write_text(path.read_text(encoding="utf-8").replace('"text": "said"', '"text": "says"'), encoding="utf-8")


# --- validate --------------------------------------------------------------------------


def test_clean_corpus_exits_0(mini_corpus: Path) -> None:
    result = run("validate", "--root", str(mini_corpus))
    assert result.exit_code == 0
    assert result.output.strip() == "*** PASSED *** 3 files"


def test_invalid_corpus_exits_1_with_ud_style_lines(mini_corpus: Path) -> None:
    break_cue_text(mini_corpus)
    result = run("validate", "--root", str(mini_corpus))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    issue = validate(mini_corpus).issues[0]
    assert lines[0] == (f"{DOC}:{issue.line} [ERROR span-text-mismatch] span k1 text 'says' != raw[383:387] 'said' "
                        "(at /spans/6/text)")
    assert lines[1].startswith("    A span's text must equal raw[start:end]")
    assert lines[-1] == "*** FAILED *** 1 error, 0 warnings"


def test_explanation_once_per_rule_and_quiet(mini_corpus: Path) -> None:
    path = mini_corpus / DOC
    path.write_text(path.read_text(encoding="utf-8").replace('"text": "said"', '"text": "says"')
                    .replace('"text": "January 6"', '"text": "January 7"'), encoding="utf-8")
    loud = run("validate", "--root", str(mini_corpus)).output
    assert loud.count("A span's text must equal") == 1 and loud.count("[ERROR span-text-mismatch]") == 2
    for flag in ("--quiet", "--no-explain"):
        quiet = run("validate", "--root", str(mini_corpus), flag).output
        assert "A span's text must equal" not in quiet and quiet.count("[ERROR span-text-mismatch]") == 2


def test_warnings_alone_exit_0(mini_corpus: Path) -> None:
    path = mini_corpus / DOC
    path.write_text(path.read_text(encoding="utf-8").replace('"status": "verified"', '"status": "draft"', 1), encoding="utf-8")
    result = run("validate", "--root", str(mini_corpus))
    assert result.exit_code == 0 and "[WARNING span-draft]" in result.output
    assert result.output.splitlines()[-1] == "*** PASSED *** 3 files, 1 warning"
    release = run("validate", "--root", str(mini_corpus), "--release")
    assert release.exit_code == 1 and "[ERROR span-draft]" in release.output


def test_json_format_matches_the_api(mini_corpus: Path) -> None:
    break_cue_text(mini_corpus)
    result = run("validate", "--root", str(mini_corpus), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    api = validate(mini_corpus)
    assert [(i["rule"], i["pointer"], i["line"], i["severity"]) for i in payload["issues"]] == [
        (i.rule, i.pointer, i.line, i.severity.value) for i in api.issues
    ]
    assert payload["summary"] == {"ok": False, "files_checked": 3, "errors": 1, "warnings": 0,
                                  "text": "*** FAILED *** 1 error, 0 warnings"}
    explicit = json.loads(run("validate", "--root", str(mini_corpus), "--format", "json", "--annotations",
                              str(mini_corpus / "annotations")).output)
    assert explicit == payload


@pytest.mark.parametrize(
    "args",
    [["validate", "--format", "xml"], ["validate", "--root", "/nonexistent/corpus"], ["validate", "--bogus"],
     ["validate", "--jobs", "-1"], ["fmt", "--root", "/nonexistent/corpus"], ["stats", "--format", "csv"]],
)
def test_usage_errors_exit_2(mini_corpus: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "Error" in result.output


def test_jobs_zero_means_one_process_per_cpu(mini_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eunato_corpus import validation

    asked: list[int] = []
    real = validation.resolve_jobs
    monkeypatch.setattr(validation, "resolve_jobs", lambda jobs: asked.append(jobs) or real(jobs))
    result = run("validate", "--root", str(mini_corpus), "--jobs", "0")
    assert result.exit_code == 0, result.output
    assert asked == [0] and real(0) == max(1, os.cpu_count() or 1)


def test_annotations_option_validates_a_pass(mini_corpus: Path) -> None:
    passes = mini_corpus / "annotations" / "passes" / "b"
    shutil.copytree(mini_corpus / "annotations" / "docs", passes / "docs")
    shutil.copy(mini_corpus / "annotations" / "entities.json", passes / "entities.json")
    break_cue_text(mini_corpus)  # the main annotations break; the pass stays valid
    assert run("validate", "--root", str(mini_corpus)).exit_code == 1
    result = run("validate", "--root", str(mini_corpus), "--annotations", str(passes))
    assert result.exit_code == 0, result.output
    path = passes / "docs" / f"{MINI_DOC_ID}.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"entity": "nato"', '"entity": "otan"'), encoding="utf-8")
    broken = run("validate", "--root", str(mini_corpus), "--annotations", str(passes), "-q")
    assert broken.exit_code == 1
    assert f"annotations/passes/b/docs/{MINI_DOC_ID}.json:" in broken.output and "[ERROR unknown-entity]" in broken.output


def test_root_defaults_to_the_current_directory(mini_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini_corpus)
    assert run("validate").exit_code == 0
    break_cue_text(mini_corpus)
    assert run("validate").exit_code == 1


# --- fmt ----------------------------------------------------------------------------------------


def test_fmt_check_then_rewrite(mini_corpus: Path) -> None:
    path = mini_corpus / DOC
    canonical = path.read_bytes()
    data = json.loads(canonical)
    data["spans"].reverse()
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    assert "[WARNING file-not-canonical]" in run("validate", "--root", str(mini_corpus)).output
    check = run("fmt", "--root", str(mini_corpus), "--check")
    assert check.exit_code == 1 and f"{DOC}: not canonical" in check.output.replace(str(mini_corpus) + "/", "")
    assert path.read_bytes() != canonical
    fixed = run("fmt", "--root", str(mini_corpus))
    assert fixed.exit_code == 0 and "reformatted" in fixed.output
    assert path.read_bytes() == canonical
    assert run("fmt", "--root", str(mini_corpus), "--check").exit_code == 0


def test_fmt_fixes_bom_and_crlf(mini_corpus: Path) -> None:
    path = mini_corpus / DOC
    canonical = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + canonical.replace(b"\n", b"\r\n"))
    assert run("fmt", "--root", str(mini_corpus)).exit_code == 0
    assert path.read_bytes() == canonical


@pytest.mark.parametrize(
    "content",
    [b'{"doc_id": ', b"\xff\xfe", b"", b'{"doc_id": "a", "doc_id": "b"}', b'{"spans": [{"end": 1e400}]}'],
    ids=["invalid-json", "not-utf8", "empty", "duplicate-key", "huge-number"],
)
def test_fmt_never_touches_a_file_it_cannot_parse_exactly(mini_corpus: Path, content: bytes) -> None:
    path = mini_corpus / DOC
    path.write_bytes(content)
    result = run("fmt", "--root", str(mini_corpus))
    assert result.exit_code == 1 and "left alone" in result.output
    assert path.read_bytes() == content


# --- stats, show, rules ---------------------------------------------------------------------------


def test_stats_text_and_json(mini_corpus: Path) -> None:
    text = run("stats", "--root", str(mini_corpus))
    assert text.exit_code == 0
    row = next(line for line in text.output.splitlines() if line.startswith(MINI_DOC_ID))
    assert row.split()[1:] == ["1", "1", "1", "1", "4", "8"]
    assert "TIMEX3 types: DATE 3, TIME 1, DURATION 0, SET 0" in text.output
    payload = json.loads(run("stats", "--root", str(mini_corpus), "--format", "json").output)
    assert payload["layers"] == {"speaker": 1, "cue": 1, "quote": 1, "claim": 1, "date": 4}
    assert payload["quote_kinds"]["indirect"] == 1 and payload["entities"] == 2 and payload["clusters"] == 0
    assert payload["documents"] == [{"doc_id": MINI_DOC_ID, "spans": payload["layers"], "total": 8}]


def test_stats_on_unparsable_file_exits_1(mini_corpus: Path) -> None:
    (mini_corpus / DOC).write_text("{", encoding="utf-8")
    result = run("stats", "--root", str(mini_corpus))
    assert result.exit_code == 1 and "skipped" in result.output


def test_show_marks_spans(mini_corpus: Path) -> None:
    result = run("show", MINI_DOC_ID, "--root", str(mini_corpus))
    assert result.exit_code == 0
    assert "[s1:speaker the North Atlantic Alliance] [k1:cue said] in a statement" in result.output
    assert "[q1:quote [c1:claim NATO Secretary General" in result.output
    assert "in Brussels on [d3:date January 10]]]," in result.output
    assert "\x1b[" not in result.output  # no colour when not on a terminal
    dates = run("show", MINI_DOC_ID, "--root", str(mini_corpus), "--layer", "date").output
    assert "[d4:date 11.00 local time]" in dates and "[q1:" not in dates


def test_show_colours_on_a_terminal(mini_corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["show", MINI_DOC_ID, "--root", str(mini_corpus)], color=True, catch_exceptions=False)
    assert "\x1b[" in result.output


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "999_missing", "a/b"])
def test_show_rejects_unknown_or_unsafe_ids(mini_corpus: Path, doc_id: str) -> None:
    result = run("show", doc_id, "--root", str(mini_corpus))
    assert result.exit_code == 2 and "DOC_ID" in result.output


def test_rules_command(tmp_path: Path) -> None:
    listing = run("rules")
    assert listing.exit_code == 0 and len(listing.output.splitlines()) == len(RULES)
    assert run("rules", "--markdown").output == rules_markdown()


# --- hooks and CI reuse the command -------------------------------------------------------------


def test_pre_commit_hook_and_ci_run_the_validator() -> None:
    import re

    import yaml

    repo = Path(__file__).resolve().parents[1]
    (hook,) = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "eunato-corpus-validate" and hook["entry"] == "eunato-corpus validate"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("annotations/docs/002.json") and files.search("seeds/SHA256SUMS") and not files.search("src/x.py")
    own = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert any(h["id"] == "eunato-corpus-validate" for r in own["repos"] for h in r["hooks"])
    steps = [step.get("run", "") for step in yaml.safe_load((repo / ".github" / "workflows" / "ci.yml").read_text())["jobs"]["test"]["steps"]]
    assert "python -m pip install -e '.[test]'" in steps and "eunato-corpus validate --release" in steps
    assert any(step.startswith("python -m pytest") for step in steps)
