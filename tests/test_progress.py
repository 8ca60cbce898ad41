"""Issue 6, part 5: a progress bar on a terminal for large corpora, silence in CI
and in pipes, and --progress/--no-progress to decide."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from eunato_corpus import cli as cli_module
from eunato_corpus.cli import (
    PROGRESS_MIN_DOCUMENTS,
    cli,
    progress_reporter,
    show_progress,
)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_by_default_under_a_runner(mini_corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--root", str(mini_corpus)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "validate" not in result.stderr and "doc/s" not in result.stderr


def test_forced_progress_is_drawn_on_stderr(mini_corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--root", str(mini_corpus), "--progress"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "validate:" in result.stderr and "/1 [" in result.stderr and "doc/s" in result.stderr
    assert "doc/s" not in result.stdout


def test_build_progress_is_one_phase(mini_corpus: Path, tmp_path: Path) -> None:
    # The build checks and converts each document in one pass: one bar, not two.
    out = tmp_path / "hub"
    result = CliRunner().invoke(cli, ["build", "--root", str(mini_corpus), "--out", str(out), "--progress"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "build:" in result.stderr and "/1 [" in result.stderr and "build (2)" not in result.stderr
    quiet = CliRunner().invoke(cli, ["build", "--root", str(mini_corpus), "--out", str(out), "--no-progress"],
                               catch_exceptions=False)
    assert quiet.exit_code == 0 and "build" not in quiet.stderr


def test_automatic_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli_module.sys, "stderr", _Terminal())
    assert show_progress(None, PROGRESS_MIN_DOCUMENTS + 1)
    assert not show_progress(None, PROGRESS_MIN_DOCUMENTS)  # small corpora finish before a bar helps
    monkeypatch.setenv("CI", "true")
    assert not show_progress(None, PROGRESS_MIN_DOCUMENTS + 1)
    assert show_progress(True, 1) and not show_progress(False, 10**6)
    monkeypatch.delenv("CI")
    monkeypatch.setattr(cli_module.sys, "stderr", io.StringIO())  # a pipe or a file
    assert not show_progress(None, 10**6)


def test_reporter_draws_on_a_terminal_when_large(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(cli_module.sys, "stderr", terminal)
    total = PROGRESS_MIN_DOCUMENTS + 50
    with progress_reporter(None, "validate") as progress:
        for done in range(1, total + 1):
            progress(done, total)
    assert "validate:" in terminal.getvalue() and f"/{total} [" in terminal.getvalue()
