"""The scale benchmark: validate and build a large synthetic corpus, read it back.

Generates (or reuses) one synthetic corpus of N spans with ``benchmarks/generate.py``
and measures, in one run, each step in a fresh subprocess:

* ``floor``: parsing every annotation file with the standard ``json`` module alone;
* ``naive``: validating every file with ``jsonschema``'s pure-Python
  ``Draft202012Validator`` against ``schema/*.json`` (local ``referencing.Registry``);
* ``validate``: ``eunato-corpus validate --root CORPUS`` (schema and all corpus rules);
* ``build``: ``eunato-corpus build --root CORPUS --out DIR``;
* ``load_dataset``: ``datasets.load_dataset(DIR, "spans")`` (cold cache, offline);
* ``read_parquet``: ``pyarrow.parquet.read_table`` over the ``spans`` shards.

It prints wall time, spans per second, peak RSS and the ratio of each wall time
to the floor, then the issue's targets (validate within 2x the floor, build
within 4x, peak RSS under 1 GiB for both) with PASS or FAIL.

How peak RSS is measured (standard library only, no psutil): each step is
reaped with ``os.wait4``, whose ``ru_maxrss`` is the kernel's exact high-water
mark for that one child (``getrusage(RUSAGE_CHILDREN)`` would mix all steps
together). With ``--jobs N`` a step runs several processes at once and the
kernel figure covers only the largest one, so on Linux a thread also samples
the RSS of the child's whole process tree from ``/proc`` every 20 ms; the
table shows the larger of the two.

Wall time is that of the whole subprocess, interpreter start-up and imports
included: what a user waits for.

This module imports only the standard library at top level, so that the
measured children carry no weight from the harness.

Usage::

    python benchmarks/run.py [--spans 1000000] [--workdir DIR] [--jobs N] [--steps floor,naive,...] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMA_DIR = REPO / "schema"
GENERATOR = HERE / "generate.py"

STEPS = ("floor", "parallel_floor", "naive", "validate", "build", "load_dataset", "read_parquet")
STEP_TITLES = {
    "floor": "json.loads (floor)",
    "parallel_floor": "json.loads, --jobs processes",
    "naive": "jsonschema (pure Python)",
    "validate": "eunato-corpus validate",
    "build": "eunato-corpus build",
    "load_dataset": "datasets.load_dataset spans",
    "read_parquet": "pyarrow read_table spans",
}
# Steps that read the build, and so need the build step to have succeeded in this run.
READS_BUILD = ("load_dataset", "read_parquet")
GIB = 1024**3
DEFAULT_SPANS = 1_000_000
DEFAULT_SPANS_PER_DOC = 300
RESULT_PREFIX = "BENCH-RESULT "


# --- results ------------------------------------------------------------------------


@dataclass
class StepResult:
    """One measured step. ``status`` is ok, failed, timeout or skipped."""

    step: str
    title: str
    status: str
    wall_seconds: float | None = None
    cpu_seconds: float | None = None  # user + system time of the child and its reaped children
    peak_rss_bytes: int | None = None
    kernel_max_rss_bytes: int | None = None
    sampled_tree_rss_bytes: int | None = None
    spans: int | None = None
    exit_code: int | None = None
    command: list[str] = field(default_factory=list)
    detail: str = ""
    output: str = field(default="", repr=False)  # the child's stdout, minus the result line
    # With --rounds N: the wall seconds of every round, in order; the figures
    # above are those of the round with the median wall time.
    round_walls: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def spans_per_second(self, n_spans: int) -> float | None:
        if not self.ok or not self.wall_seconds:
            return None
        return n_spans / self.wall_seconds


@dataclass(frozen=True)
class Target:
    name: str
    step: str
    metric: str  # "ratio" (wall time / floor) or "rss" (bytes)
    limit: float


TARGETS = (
    Target("validate <= 2x floor", "validate", "ratio", 2.0),
    Target("build <= 4x floor", "build", "ratio", 4.0),
    Target("validate peak RSS < 1 GiB", "validate", "rss", GIB),
    Target("build peak RSS < 1 GiB", "build", "rss", GIB),
)


@dataclass(frozen=True)
class TargetResult:
    name: str
    verdict: str  # PASS, FAIL or n/a
    value: str


@dataclass
class BenchmarkReport:
    corpus: dict[str, Any]
    environment: dict[str, Any]
    steps: list[StepResult]
    generation: StepResult | None = None

    def step(self, name: str) -> StepResult | None:
        return next((s for s in self.steps if s.step == name), None)

    @property
    def n_spans(self) -> int:
        return int(self.corpus["spans"])

    def floor_seconds(self) -> float | None:
        floor = self.step("floor")
        return floor.wall_seconds if floor is not None and floor.ok else None

    def ratio(self, result: StepResult) -> float | None:
        floor = self.floor_seconds()
        if floor is None or not result.ok or result.wall_seconds is None or floor <= 0:
            return None
        return result.wall_seconds / floor

    def targets(self) -> list[TargetResult]:
        return [evaluate_target(self, target) for target in TARGETS]


def evaluate_target(report: BenchmarkReport, target: Target) -> TargetResult:
    """PASS or FAIL for one target; n/a where its step was not asked for."""
    result = report.step(target.step)
    if result is None:
        return TargetResult(target.name, "n/a", "not run")
    if not result.ok:
        return TargetResult(target.name, "FAIL", f"step {result.status}")
    if target.metric == "ratio":
        ratio = report.ratio(result)
        if ratio is None:
            return TargetResult(target.name, "n/a", "no floor measured")
        return TargetResult(target.name, "PASS" if ratio <= target.limit else "FAIL", f"{ratio:.2f}x")
    rss = result.peak_rss_bytes
    if rss is None:
        return TargetResult(target.name, "n/a", "RSS unknown")
    return TargetResult(target.name, "PASS" if rss < target.limit else "FAIL", f"{rss / 2**20:.0f} MiB")


# --- measuring one subprocess ---------------------------------------------------------


def _max_rss_bytes(ru_maxrss: int) -> int:
    """ru_maxrss is in KiB on Linux and in bytes on macOS."""
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def _process_tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc/<pid>/task/<tid>/children (Linux)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped (Linux /proc only)."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.stopped = threading.Event()
        self.available = os.path.isdir(f"/proc/{pid}/task")

    def run(self) -> None:
        while self.available and not self.stopped.is_set():
            total = sum(_rss_bytes(p) for p in _process_tree(self.pid))
            self.peak = max(self.peak, total)
            self.stopped.wait(self.interval)


def measure(step: str, command: list[str], *, env: dict[str, str] | None = None,
            timeout: float | None = None) -> StepResult:
    """Run ``command`` in a fresh process and measure wall time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        except OSError as exc:
            return StepResult(step, STEP_TITLES.get(step, step), "failed", command=command, detail=f"cannot start: {exc}")
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # e.g. Ctrl-C: never leave the step running on its own
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        sampler.stopped.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    kernel = _max_rss_bytes(usage.ru_maxrss)
    sampled = sampler.peak if sampler.available else None
    spans, lines = None, []
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            spans = json.loads(line[len(RESULT_PREFIX):]).get("spans")
        else:
            lines.append(line)
    status_text = "timeout" if timed_out.is_set() else ("ok" if proc.returncode == 0 else "failed")
    detail = "\n".join(lines + stderr.splitlines()).strip() if status_text != "ok" else ""
    return StepResult(
        step=step, title=STEP_TITLES.get(step, step), status=status_text, wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=max(kernel, sampled or 0), kernel_max_rss_bytes=kernel, sampled_tree_rss_bytes=sampled,
        spans=spans, exit_code=proc.returncode, command=command, detail=_tail(detail), output="\n".join(lines),
    )


def _tail(text: str, lines: int = 25) -> str:
    kept = text.splitlines()
    return "\n".join((["…"] if len(kept) > lines else []) + kept[-lines:])


# --- what each step runs (in the child) ---------------------------------------------------


def _annotation_files(root: Path) -> list[Path]:
    docs = sorted((root / "annotations" / "docs").glob("*.json"))
    return docs + [root / "annotations" / "entities.json", root / "annotations" / "links.json"]


def _emit(spans: int, **extra: Any) -> None:
    print(RESULT_PREFIX + json.dumps({"spans": spans, **extra}), flush=True)


def child_floor(root: Path) -> int:
    """The floor: every annotation file parsed by the json module, nothing else."""
    spans = 0
    for path in _annotation_files(root):
        data = json.loads(path.read_bytes())
        if path.parent.name == "docs":
            spans += len(data["spans"])
    _emit(spans)
    return 0


def _parse_files(paths: list[str]) -> int:
    """Spans in the document files among ``paths``, each parsed by json."""
    spans = 0
    for name in paths:
        path = Path(name)
        data = json.loads(path.read_bytes())
        if path.parent.name == "docs":
            spans += len(data["spans"])
    return spans


def child_parallel_floor(root: Path, jobs: int) -> int:
    """The floor's work split across ``jobs`` processes (files dealt out in
    turn): how much faster this machine does the same work with that many
    processes, which bounds what ``--jobs`` can gain for validate and build."""
    import multiprocessing

    files = [str(path) for path in _annotation_files(root)]
    parts = [files[i::jobs] for i in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        _emit(sum(pool.map(_parse_files, parts)))
    return 0


def child_naive(root: Path, schema_dir: Path) -> int:
    """The naive anchor: jsonschema's pure-Python Draft 2020-12 validator, file by file."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {path.name.split(".")[0]: json.loads(path.read_bytes()) for path in sorted(schema_dir.glob("*.schema.json"))}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    validators = {kind: Draft202012Validator(schema, registry=registry) for kind, schema in schemas.items()}
    spans = errors = 0
    for path in _annotation_files(root):
        kind = {"entities.json": "entities", "links.json": "links"}.get(path.name, "document")
        data = json.loads(path.read_bytes())
        errors += sum(1 for _ in validators[kind].iter_errors(data))
        if kind == "document":
            spans += len(data["spans"])
    _emit(spans, errors=errors)
    if errors:
        print(f"jsonschema found {errors} schema error(s)", file=sys.stderr)
    return 1 if errors else 0


def spans_shards(build_dir: Path) -> list[Path]:
    """The Parquet files of the ``spans`` config of a build."""
    shards = sorted((build_dir / "data" / "spans").glob("**/*.parquet"))
    return shards or sorted(p for p in build_dir.glob("**/*.parquet") if "spans" in p.relative_to(build_dir).parts[:-1])


def child_load_dataset(build_dir: Path, cache_dir: Path) -> int:
    import datasets

    datasets.disable_progress_bars()
    loaded = datasets.load_dataset(str(build_dir), "spans", cache_dir=str(cache_dir))
    _emit(sum(split.num_rows for split in loaded.values()))
    return 0


def child_read_parquet(build_dir: Path) -> int:
    import pyarrow.parquet as pq

    shards = spans_shards(build_dir)
    if not shards:
        print(f"no spans shards under {build_dir}", file=sys.stderr)
        return 1
    table = pq.read_table([str(p) for p in shards])
    _emit(table.num_rows, shards=len(shards))
    return 0


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="run.py _child")
    parser.add_argument("step", choices=("floor", "parallel_floor", "naive", "load_dataset", "read_parquet"))
    parser.add_argument("--root", type=Path)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--build", type=Path)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args(argv)
    if args.step == "floor":
        return child_floor(args.root)
    if args.step == "parallel_floor":
        return child_parallel_floor(args.root, args.jobs or os.cpu_count() or 1)
    if args.step == "naive":
        return child_naive(args.root, SCHEMA_DIR)
    if args.step == "load_dataset":
        return child_load_dataset(args.build, args.cache)
    return child_read_parquet(args.build)


# --- the harness ------------------------------------------------------------------------------


def cli_command() -> list[str]:
    """How to run ``eunato-corpus``: the console script beside this interpreter, else via -c."""
    beside = Path(sys.executable).parent / "eunato-corpus"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("eunato-corpus")
    if found:
        return [found]
    return [sys.executable, "-c", "from eunato_corpus.cli import main; main()"]


def quiet_env(workdir: Path) -> dict[str, str]:
    """The environment for the children: offline, no progress bars, private HF cache."""
    env = dict(os.environ)
    env.update({
        "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
        "HF_HOME": str(workdir / "hf-home"), "TQDM_DISABLE": "1", "PYTHONHASHSEED": "0",
    })
    return env


def corpus_dir(workdir: Path, n_spans: int, seed: int, spans_per_doc: int) -> Path:
    return workdir / f"corpus-{n_spans}-seed{seed}-spd{spans_per_doc}"


def ensure_corpus(workdir: Path, n_spans: int, seed: int, spans_per_doc: int,
                  env: dict[str, str], log: Any) -> tuple[Path, dict[str, Any], StepResult | None]:
    """Reuse the generated corpus for these parameters, or generate it (measured).

    The generator writes into a temporary folder that is renamed only once it is
    complete, so a folder with the final name is always a whole corpus."""
    final = corpus_dir(workdir, n_spans, seed, spans_per_doc)
    summary_path = final.with_suffix(".json")
    if final.is_dir() and summary_path.is_file():
        print(f"reusing {final}", file=log)
        return final, json.loads(summary_path.read_text(encoding="utf-8")), None
    workdir.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=workdir))
    print(f"generating {n_spans} spans into {final} …", file=log, flush=True)
    try:
        command = [sys.executable, str(GENERATOR), str(partial), "--spans", str(n_spans), "--seed", str(seed),
                   "--spans-per-doc", str(spans_per_doc), "--json"]
        result = measure("generate", command, env=env)
        if not result.ok:
            raise RuntimeError(f"the generator failed:\n{result.detail}")
        summary = json.loads(result.output.strip().splitlines()[-1])
        if final.exists():
            shutil.rmtree(final)
        partial.chmod(0o755)  # mkdtemp makes it private; the corpus is ordinary data
        partial.rename(final)
        summary["root"] = str(final)
        staged = summary_path.with_name(f".{summary_path.name}.tmp")
        staged.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        os.replace(staged, summary_path)  # the summary marks the corpus as complete: write it whole
        return final, summary, result
    finally:
        if partial.exists():
            shutil.rmtree(partial)


# What the table says about the page cache: run_benchmark reads every file of
# the corpus (corpus_sizes) before it times anything.
WARM_CACHE_NOTE = "warm (every annotation and seed file was read once before the first timed step)"


def corpus_sizes(root: Path) -> dict[str, float]:
    """Sizes on disk, reading every file once: this also warms the page cache, so
    that the floor and every step read from memory, not from the disk."""
    annotation_bytes = sum(len(p.read_bytes()) for p in _annotation_files(root))
    seed_bytes = sum(len(p.read_bytes()) for p in (root / "seeds").glob("*.txt"))
    return {"annotation_mib": round(annotation_bytes / 2**20, 1), "seed_mib": round(seed_bytes / 2**20, 1)}


@dataclass(frozen=True)
class BenchConfig:
    n_spans: int = DEFAULT_SPANS
    workdir: Path = Path(tempfile.gettempdir()) / "eunato-corpus-bench"
    seed: int = 0
    spans_per_doc: int = DEFAULT_SPANS_PER_DOC
    jobs: int | None = None
    steps: tuple[str, ...] = STEPS
    timeout: float | None = None
    rounds: int = 1


def step_command(step: str, root: Path, build_dir: Path, cache_dir: Path, jobs: int | None) -> list[str]:
    jobs_args = ["--jobs", str(jobs)] if jobs is not None else []
    me = [sys.executable, str(Path(__file__).resolve()), "_child"]
    if step == "floor":
        return me + ["floor", "--root", str(root)]
    if step == "parallel_floor":
        return me + ["parallel_floor", "--root", str(root)] + jobs_args
    if step == "naive":
        return me + ["naive", "--root", str(root)]
    if step == "validate":
        return cli_command() + ["validate", "--root", str(root)] + jobs_args
    if step == "build":
        return cli_command() + ["build", "--root", str(root), "--out", str(build_dir)] + jobs_args
    if step == "load_dataset":
        return me + ["load_dataset", "--build", str(build_dir), "--cache", str(cache_dir)]
    return me + ["read_parquet", "--build", str(build_dir)]


def _run_step(step: str, root: Path, build_dir: Path, cache_dir: Path, config: BenchConfig, n_spans: int,
              done: list[StepResult], env: dict[str, str], log: Any, label: str) -> StepResult:
    """Measure one step, or skip it when it reads a build this round did not make."""
    if step in READS_BUILD:
        built = next((r for r in done if r.step == "build"), None)
        if built is None and not spans_shards(build_dir):
            return StepResult(step, STEP_TITLES[step], "skipped", detail="no build: run the build step too")
        if built is not None and not built.ok:
            return StepResult(step, STEP_TITLES[step], "skipped", detail="the build step failed")
    if step == "build" and build_dir.exists():
        shutil.rmtree(build_dir)  # time a build from scratch
    if step == "load_dataset" and cache_dir.exists():
        shutil.rmtree(cache_dir)  # a cold load: load_dataset converts the Parquet into its Arrow cache
    if log is not None:
        print(f"running {step}{label} …", file=log, flush=True)
    result = measure(step, step_command(step, root, build_dir, cache_dir, config.jobs), env=env, timeout=config.timeout)
    if result.ok and result.spans is not None and result.spans != n_spans:
        result.status = "failed"
        result.detail = f"counted {result.spans} spans, the corpus holds {n_spans}"
    return result


def _median_round(results: list[StepResult]) -> StepResult:
    """The round that stands for a step: the first that did not succeed, if
    any; else the one with the median wall time (the lower middle one of an
    even number). It carries the wall times of all rounds, and the largest
    peak RSS of any round (a memory bound holds only if it held every time)."""
    failed = [r for r in results if not r.ok]
    chosen = failed[0] if failed else sorted(results, key=lambda r: r.wall_seconds or 0.0)[(len(results) - 1) // 2]
    chosen.round_walls = [r.wall_seconds for r in results if r.wall_seconds is not None]
    peaks = [r.peak_rss_bytes for r in results if r.peak_rss_bytes is not None]
    chosen.peak_rss_bytes = max(peaks) if peaks else chosen.peak_rss_bytes
    return chosen


def run_benchmark(config: BenchConfig, log: Any = sys.stderr) -> BenchmarkReport:
    """Generate or reuse the corpus, then measure each requested step in order."""
    workdir = config.workdir.resolve()
    env = quiet_env(workdir)
    root, summary, generation = ensure_corpus(workdir, config.n_spans, config.seed, config.spans_per_doc, env, log)
    corpus = {"root": str(root), "documents": summary["documents"], "spans": summary["spans"],
              "labels": summary.get("labels"), "entities": summary.get("entities"), "clusters": summary.get("clusters"),
              "seed": config.seed, "spans_per_doc": config.spans_per_doc, **corpus_sizes(root)}
    build_dir = workdir / f"build-{root.name}"
    cache_dir = workdir / f"hf-cache-{root.name}"
    # Rounds run the steps in turn (floor, validate, build, floor, ...), so a
    # machine that speeds up or slows down during the run affects every step
    # alike; each step is then represented by its median round.
    rounds: dict[str, list[StepResult]] = {step: [] for step in config.steps}
    for number in range(1, config.rounds + 1):
        done: list[StepResult] = []
        for step in config.steps:
            result = _run_step(step, root, build_dir, cache_dir, config, corpus["spans"], done, env, log,
                               f" (round {number} of {config.rounds})" if config.rounds > 1 else "")
            done.append(result)
            rounds[step].append(result)
    results = [_median_round(rounds[step]) for step in config.steps]
    environment = {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "jobs": config.jobs, "rounds": config.rounds, "rss_method": "os.wait4 ru_maxrss, and /proc tree sampling every 20 ms (the larger)",
        "page_cache": WARM_CACHE_NOTE, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    return BenchmarkReport(corpus=corpus, environment=environment, steps=results, generation=generation)


# --- reporting ----------------------------------------------------------------------------


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(report: BenchmarkReport) -> str:
    """The benchmark's table and its targets, as printed."""
    c, e = report.corpus, report.environment
    lines = [
        (f"corpus: {c['documents']:,} documents, {c['spans']:,} spans, {c['annotation_mib']} MiB of annotation JSON, "
         f"{c['seed_mib']} MiB of text ({c['root']})"),
        f"machine: {e['cpus']} CPUs, Python {e['python']}, jobs {e['jobs'] if e['jobs'] is not None else 'default'}",
        *([f"rounds: {e['rounds']}, the steps in turn; each row is the round with the median wall time "
            "(peak RSS: the largest of any round)"]
          if e.get("rounds", 1) > 1 else []),
        *([f"date: {e['date']}"] if e.get("date") else []),
        *([f"page cache: {e['page_cache']}"] if e.get("page_cache") else []),
        "",
    ]
    header = f"{'step':<30} {'wall s':>8} {'CPU s':>8} {'spans/s':>12} {'peak RSS MiB':>13} {'x floor':>8}  status"
    lines += [header, "-" * len(header)]
    rows = ([report.generation] if report.generation is not None else []) + report.steps
    for r in rows:
        rss = r.peak_rss_bytes / 2**20 if r.peak_rss_bytes is not None else None
        ratio = report.ratio(r) if r.step != "generate" else None
        title = "generate corpus (setup)" if r.step == "generate" else r.title
        lines.append(f"{title:<30} {_fmt(r.wall_seconds, '8.2f'):>8} {_fmt(r.cpu_seconds, '8.2f'):>8} {_fmt(r.spans_per_second(report.n_spans), '12,.0f'):>12} "
                     f"{_fmt(rss, '13.0f'):>13} {_fmt(ratio, '8.2f'):>8}  {r.status}")
    floor, parallel = report.step("floor"), report.step("parallel_floor")
    if floor is not None and parallel is not None and floor.ok and parallel.ok and parallel.wall_seconds:
        processes = e["jobs"] if e["jobs"] is not None else e["cpus"]
        lines += ["", (f"parallel speedup of the floor: {floor.wall_seconds / parallel.wall_seconds:.2f}x with {processes} "
                       f"processes (the most --jobs {processes} can gain; ideally {processes}x)")]
    spread = [r for r in report.steps if len(r.round_walls) > 1]
    if spread:
        lines += ["", "wall s of each round:"]
        lines += [f"  {r.title:<28} " + ", ".join(f"{w:.2f}" for w in r.round_walls) for r in spread]
    lines += ["", "targets:"]
    for t in report.targets():
        lines.append(f"  {t.verdict:<4}  {t.name:<28} {t.value}")
    problems = [r for r in report.steps if not r.ok]
    for r in problems:
        lines += ["", f"{r.title}: {r.status}" + (f" (exit {r.exit_code})" if r.exit_code is not None else "")]
        if r.command:
            lines.append("  $ " + " ".join(r.command))
        lines += ["  " + line for line in r.detail.splitlines()]
    return "\n".join(lines)


def report_json(report: BenchmarkReport) -> dict[str, Any]:
    def step_record(r: StepResult) -> dict[str, Any]:
        record = asdict(r)
        del record["output"]
        return {**record, "spans_per_second": r.spans_per_second(report.n_spans),
                "ratio_to_floor": report.ratio(r) if r.step != "generate" else None}

    return {
        "corpus": report.corpus,
        "environment": report.environment,
        "generation": step_record(report.generation) if report.generation is not None else None,
        "steps": [step_record(r) for r in report.steps],
        "targets": [asdict(t) for t in report.targets()],
    }


def parse_steps(text: str) -> tuple[str, ...]:
    steps = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in steps if s not in STEPS]
    if unknown or not steps:
        raise argparse.ArgumentTypeError(f"unknown step(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(STEPS)}")
    return tuple(s for s in STEPS if s in steps)  # always in pipeline order


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description="Benchmark eunato-corpus on a synthetic corpus.")
    parser.add_argument("--spans", type=positive, default=DEFAULT_SPANS, help="spans in the synthetic corpus (default 1,000,000)")
    parser.add_argument("--workdir", type=Path, default=BenchConfig.workdir,
                        help="where the corpus, build and caches go; a corpus generated there before is reused")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spans-per-doc", type=positive, default=DEFAULT_SPANS_PER_DOC)
    parser.add_argument("--jobs", type=positive, default=None, help="passed to validate and build as --jobs N")
    parser.add_argument("--steps", type=parse_steps, default=STEPS, help=f"comma-separated subset of {','.join(STEPS)}")
    parser.add_argument("--timeout", type=float, default=None, help="seconds before a step is killed")
    parser.add_argument("--rounds", type=positive, default=1,
                        help="run the steps this many times in turn and report each step's median round (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    args = parser.parse_args(argv)
    config = BenchConfig(n_spans=args.spans, workdir=args.workdir, seed=args.seed, spans_per_doc=args.spans_per_doc,
                         jobs=args.jobs, steps=args.steps, timeout=args.timeout, rounds=args.rounds)
    try:
        report = run_benchmark(config)
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report_json(report), indent=2) if args.json else format_table(report))
    return 0 if all(r.ok for r in report.steps) else 1


if __name__ == "__main__":
    sys.exit(main())
