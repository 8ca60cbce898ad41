"""Reporters: the same ValidationResult as text for people or JSON for tools.

Text follows UD's validate.py: one line per problem,
``FILE:LINE [SEVERITY rule-id] message (at /json/pointer)``, sorted by (file,
line, rule, pointer); each rule's explanation once, after its first occurrence;
a summary line at the end (``*** PASSED *** 5 files`` or ``*** FAILED *** 3
errors, 1 warning``). JSON is a list of ``dataclasses.asdict(issue)`` records
plus the same summary.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from typing import Any, Protocol

import click

from .issues import RULES, Issue, Severity, issue_sort_key
from .validation import ValidationResult

_SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: ValidationResult) -> str:
    """``*** PASSED *** 5 files`` (plus warnings, if any) or ``*** FAILED *** 3 errors, 1 warning``."""
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        return f"*** FAILED *** {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    tail = f", {_plural(warnings, 'warning')}" if warnings else ""
    return f"*** PASSED *** {_plural(result.files_checked, 'file')}{tail}"


def format_issue(issue: Issue) -> str:
    """One report line for one issue."""
    where = issue.file if issue.line is None else f"{issue.file}:{issue.line}"
    at = f" (at {issue.pointer})" if issue.pointer else ""
    return f"{where} [{issue.severity.value.upper()} {issue.rule}] {issue.message}{at}"


class Reporter(Protocol):
    def render(self, result: ValidationResult) -> str: ...


class TextReporter:
    """Lines for a terminal or a CI log."""

    def __init__(self, *, explain: bool = True, quiet: bool = False, color: bool = False) -> None:
        self.explain = explain and not quiet
        self.quiet = quiet
        self.color = color

    def render(self, result: ValidationResult) -> str:
        lines: list[str] = []
        explained: set[str] = set()
        for issue in sorted(result.issues, key=issue_sort_key):
            line = format_issue(issue)
            if self.color:
                line = click.style(line, fg=_SEVERITY_COLOURS[issue.severity])
            lines.append(line)
            rule = RULES.get(issue.rule)
            if self.explain and rule is not None and rule.id not in explained:
                explained.add(rule.id)
                lines.extend(textwrap.wrap(rule.explanation, width=100, initial_indent="    ", subsequent_indent="    "))
        summary = summary_line(result)
        if self.color:
            summary = click.style(summary, fg="red" if result.errors else "green", bold=True)
        lines.append(summary)
        return "\n".join(lines)


class JsonReporter:
    """A JSON object with every issue (``asdict``) and the summary."""

    def __init__(self, **_: Any) -> None:
        pass

    def render(self, result: ValidationResult) -> str:
        payload = {
            "issues": [asdict(issue) for issue in sorted(result.issues, key=issue_sort_key)],
            "summary": {
                "ok": result.ok,
                "files_checked": result.files_checked,
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "text": summary_line(result),
            },
        }
        return json.dumps(payload, ensure_ascii=False, indent=2)


REPORTERS: dict[str, type[TextReporter | JsonReporter]] = {"text": TextReporter, "json": JsonReporter}
