"""The ``eunato-corpus`` command line: a thin layer over the library API.

Each command parses its options, calls the API, hands the result to a reporter
and exits with 0 (clean), 1 (invalid input) or 2 (usage error).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

# A corpus with more documents than this shows a progress bar on a terminal.
PROGRESS_MIN_DOCUMENTS = 200

_JOBS_OPTION = click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
                            help="Worker processes checking documents; 0 means one per CPU (more does not pay off).")
_PROGRESS_OPTION = click.option("--progress/--no-progress", default=None,
                                help="Show a progress bar on stderr  [default: on a terminal, for more than "
                                f"{PROGRESS_MIN_DOCUMENTS} documents, unless CI is set]")


def show_progress(forced: bool | None, documents: int) -> bool:
    """Whether to draw a progress bar: as forced, else only on a terminal, for a
    large corpus, and never in CI."""
    if forced is not None:
        return forced
    return documents > PROGRESS_MIN_DOCUMENTS and sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_reporter(forced: bool | None, label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar on stderr (tqdm) once
    it knows the total and decides a bar is wanted; counting that starts again
    (a second phase, e.g. writing after validating) starts a new bar."""
    state: dict[str, Any] = {"bar": None, "total": None, "phase": 0, "done": 0}

    def progress(done: int, total: int) -> None:
        if state["total"] != total or done <= state["done"]:  # counting starts again: a new phase
            if state["bar"] is not None:
                state["bar"].close()
            state.update(bar=None, total=total, phase=state["phase"] + 1)
            if show_progress(forced, total):
                from tqdm import tqdm

                name = label if state["phase"] == 1 else f"{label} ({state['phase']})"
                state["bar"] = tqdm(total=total, desc=name, unit="doc", file=sys.stderr, leave=False,
                                    dynamic_ncols=True)
        state["done"] = done
        if state["bar"] is not None:
            state["bar"].update(done - state["bar"].n)

    try:
        yield progress
    finally:
        if state["bar"] is not None:
            state["bar"].close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eunato-corpus")
def cli() -> None:
    """Validate, build and inspect the eunato-corpus annotations."""


@cli.command("build")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Corpus root holding seeds/ and annotations/.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder for the Hub-ready dataset  [default: ROOT/hub]")
@click.option("--release", is_flag=True, help="Refuse draft spans as well as invalid ones.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if OUT or DATASET_CARD.md is not up to date.")
@click.option("--shard-rows", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="Maximum spans per Parquet shard.")
@click.option("--update-card", is_flag=True, help="Rewrite the statistics block of ROOT/DATASET_CARD.md first.")
@_JOBS_OPTION
@_PROGRESS_OPTION
@click.pass_context
def build_command(ctx: click.Context, root: Path, out: Path | None, release: bool, check: bool, shard_rows: int,
                  update_card: bool, jobs: int, progress: bool | None) -> None:
    """Validate the corpus and write its Parquet build for `datasets.load_dataset`."""
    # Imported here: pyarrow (and, for --check, datasets) is slow to import and other commands do not need it.
    from .card import CARD_NAME
    from .card import update_card as rewrite_card
    from .export import BuildError, build, build_check, check_valid

    out = out if out is not None else root / "hub"
    try:
        if update_card:
            check_valid(root, release=release, jobs=jobs)
            changed = rewrite_card(root)
            click.echo(f"{root / CARD_NAME}: {'statistics updated' if changed else 'up to date'}")
        if check:
            problems = build_check(root, out, release=release, shard_rows=shard_rows, jobs=jobs)
            for problem in problems:
                click.echo(problem, err=True)
            if problems:
                click.echo(f"*** STALE *** {len(problems)} problem(s); run `eunato-corpus build`", err=True)
                ctx.exit(1)
            click.echo(f"{out}: up to date")
            return
        with progress_reporter(progress, "build") as report_progress:
            result = build(root, out, release=release, shard_rows=shard_rows, jobs=jobs, progress=report_progress)
    except BuildError as error:
        for reason in error.reasons:
            click.echo(reason, err=True)
        ctx.exit(1)
    except OSError as error:
        click.echo(f"error: {error}", err=True)
        ctx.exit(1)
    summary = ", ".join(f"{config} {result.rows[config]} rows in {len(shards)} shard(s)"
                        for config, shards in result.shards.items())
    click.echo(f"built {result.out}: {summary}")


# --- validate, fmt, stats, show, rules -------------------------------------------

_ROOT_OPTION = click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
                            show_default=True, help="Corpus root holding seeds/ and annotations/.")
_ANNOTATIONS_OPTION = click.option("--annotations", type=click.Path(exists=True, file_okay=False, path_type=Path),
                                   default=None, help="Another annotation folder with the same layout, e.g. "
                                   "annotations/passes/b  [default: ROOT/annotations]")


@cli.command("validate")
@_ROOT_OPTION
@_ANNOTATIONS_OPTION
@click.option("--release", is_flag=True, help="Release mode: draft spans and unannotated seeds are errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report for people (text) or for other tools (json).")
@click.option("--quiet", "-q", is_flag=True, help="Only the problem lines and the summary, no explanations.")
@click.option("--no-explain", is_flag=True, help="Do not print each rule's explanation after its first occurrence.")
@_JOBS_OPTION
@_PROGRESS_OPTION
@click.pass_context
def validate_command(ctx: click.Context, root: Path, annotations: Path | None, release: bool, output_format: str,
                     quiet: bool, no_explain: bool, jobs: int, progress: bool | None) -> None:
    """Check seeds and annotations; report every problem. Exit 0 clean, 1 invalid."""
    from .report import REPORTERS
    from .validation import validate

    with progress_reporter(progress, "validate") as report_progress:
        result = validate(root, release=release, annotations=annotations, jobs=jobs, progress=report_progress)
    reporter = REPORTERS[output_format](explain=not no_explain, quiet=quiet, color=True)
    click.echo(reporter.render(result))
    ctx.exit(0 if result.ok else 1)


@cli.command("fmt")
@_ROOT_OPTION
@_ANNOTATIONS_OPTION
@click.option("--check", is_flag=True, help="Change nothing; list files not in canonical form and exit 1 if any.")
@click.pass_context
def fmt_command(ctx: click.Context, root: Path, annotations: Path | None, check: bool) -> None:
    """Rewrite annotation files into canonical form (files that do not parse are left alone)."""
    from .fmt import annotation_folders, format_annotations

    folders = [annotations] if annotations is not None else annotation_folders(root)
    result = format_annotations(folders, check=check)
    for path in result.changed:
        click.echo(f"{path}: {'not canonical' if check else 'reformatted'}")
    for path, reason in result.skipped:
        click.echo(f"{path}: left alone ({reason}); run 'eunato-corpus validate'", err=True)
    click.echo(f"{len(result.changed)} {'to reformat' if check else 'reformatted'}, {len(result.unchanged)} already canonical, "
               f"{len(result.skipped)} skipped")
    ctx.exit(1 if result.skipped or (check and result.changed) else 0)


@cli.command("stats")
@_ROOT_OPTION
@_ANNOTATIONS_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def stats_command(ctx: click.Context, root: Path, annotations: Path | None, output_format: str) -> None:
    """Spans per layer per document, quote kinds, TIMEX3 types, entities and clusters."""
    import json

    from .stats import corpus_stats, render_stats

    stats = corpus_stats(root, annotations)
    if output_format == "json":
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_stats(stats))
    ctx.exit(1 if stats.unreadable else 0)


@cli.command("show")
@click.argument("doc_id")
@_ROOT_OPTION
@_ANNOTATIONS_OPTION
@click.option("--layer", "layers", type=click.Choice(["speaker", "cue", "quote", "claim", "date"]), multiple=True,
              help="Mark only this layer (repeatable)  [default: all]")
@click.pass_context
def show_command(ctx: click.Context, doc_id: str, root: Path, annotations: Path | None, layers: tuple[str, ...]) -> None:
    """Print DOC_ID's text with its spans marked as [id:label ...]."""
    import re

    from .io import read_seed
    from .rules import iter_spans
    from .show import render_marked
    from .validation import read_json_file

    # The doc_id names files: accept only the schema's slug form, never a path.
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}", doc_id):
        raise click.BadParameter("not a doc_id (letters, digits, '_' and '-' only)", param_hint="DOC_ID")
    folder = annotations if annotations is not None else root / "annotations"
    path = folder / "docs" / f"{doc_id}.json"
    if not path.is_file():
        raise click.BadParameter(f"no annotation file {path}", param_hint="DOC_ID")
    parsed = read_json_file(path, path.as_posix(), "document", canonical=False)
    seed = root / "seeds" / f"{doc_id}.txt"
    if not parsed.parsed or not isinstance(parsed.data, dict):
        click.echo(f"{path} does not parse; run 'eunato-corpus validate'", err=True)
        ctx.exit(1)
    try:
        text = read_seed(seed)
    except (OSError, UnicodeDecodeError) as error:
        click.echo(f"cannot read the seed {seed}: {error}", err=True)
        ctx.exit(1)
    doc = parsed.data
    click.echo(click.style(f"{doc_id}: {doc.get('title')} ({doc.get('outlet')}, dct {doc.get('dct')})", bold=True))
    click.echo(render_marked(text, [span for _, span in iter_spans(doc)], layers or None))


@cli.command("rules")
@click.option("--markdown", is_flag=True, help="Print the catalogue as Markdown (the text of docs/rules.md).")
def rules_command(markdown: bool) -> None:
    """List the validation rules with their stable ids."""
    from .issues import rules_markdown, rules_text

    click.echo(rules_markdown() if markdown else rules_text(), nl=not markdown)


@cli.command("agree")
@click.argument("pass_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("pass_b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_ROOT_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Tables for the terminal, JSON for tools, or Markdown for DATASET_CARD.md.")
@click.option("--details", is_flag=True, help="Also list every disagreement, for adjudication.")
@click.pass_context
def agree_command(ctx: click.Context, pass_a: Path, pass_b: Path, root: Path, output_format: str,
                  details: bool) -> None:
    """Agreement of annotation pass PASS_B against PASS_A, per layer and attribute.

    Exit 0 when measured; 1 when a pass folder, or one of its document files, cannot be read.
    """
    import json

    from .agreement import RENDERERS, AgreementError, agree, list_disagreements, read_pass, render_disagreements

    try:
        report = agree(pass_a, pass_b, root=root)
    except AgreementError as error:
        click.echo(f"error: {error}", err=True)
        ctx.exit(1)
    if details and output_format == "json":
        found = list_disagreements(read_pass(pass_a, "A"), read_pass(pass_b, "B"))
        payload = {**report.to_dict(), "disagreements": [d.to_dict() for d in found]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(RENDERERS[output_format](report), nl=output_format != "markdown")
        if details:
            found = list_disagreements(read_pass(pass_a, "A"), read_pass(pass_b, "B"))
            click.echo("\n" + render_disagreements(found))
    if not report.complete:
        click.echo(f"*** INCOMPLETE *** {len(report.unreadable_files)} document file(s) do not parse and were not "
                   "compared; run 'eunato-corpus validate --annotations PASS'", err=True)
        ctx.exit(1)


def main() -> None:
    cli()
