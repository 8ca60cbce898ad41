"""Executable documentation: the README's commands and Python example are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(rf"```{language}\n(.*?)```", README, re.S)]


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.index("```")
    assert README[:first_block].count("\n") < 6, "the commands come first"
    main_job, tests = code_blocks("bash")[:2]
    for command in (main_job, tests):
        assert command.startswith("python3 -m venv .venv && ")
        assert "\n" not in command
    assert "eunato-corpus validate --release" in main_job
    assert "eunato-corpus build" in main_job
    assert "pytest" in tests and "'.[test]'" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    tests = code_blocks("bash")[1]
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1] == tests


def test_readme_python_example_runs(hf_offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    example = next(block for block in code_blocks("python") if "load_dataset" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["documents"].num_rows == len(list((REPO / "annotations" / "docs").glob("*.json")))
    assert namespace["spans"].num_rows == sum(len(d["spans"]) for d in namespace["documents"])
