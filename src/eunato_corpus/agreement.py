"""Inter-annotator agreement between two independent annotation passes.

A pass is a folder with the layout of ``annotations/`` (``docs/<doc_id>.json``,
``entities.json``, ``links.json``). Pass A is taken as the reference and pass B
is scored against it, layer by layer:

* **exact** matches: same document, label, start and end;
* **overlap** matches: same document and label, sharing at least one code
  point, paired one-to-one (greedy, largest overlap first), so that no span is
  counted twice.

Attributes (quote kind and speaker, claim claimant, TIMEX3 type, value and mod)
are compared on the overlap-matched pairs, as observed agreement and, for the
closed vocabularies (quote kind, TIMEX3 type), Cohen's kappa.

Agreement is a measurement, not validation: a pass only has to parse. Span
records that cannot be scored (not an object, unknown label, offsets that are
not integers) are counted and reported; document files that do not parse are
reported and left out of the comparison. Only a pass folder that cannot be read
at all raises :class:`AgreementError`.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .io import DOCS_DIR, CorpusPaths
from .model import LABELS

__all__ = [
    "ATTRIBUTES",
    "RENDERERS",
    "AgreementError",
    "AgreementReport",
    "AttributeAgreement",
    "AttributeSpec",
    "DocumentAgreement",
    "LayerAgreement",
    "PassData",
    "ScoredSpan",
    "Scores",
    "UnreadableFile",
    "UnreadableSpan",
    "agree",
    "cohen_kappa",
    "compare_passes",
    "count_exact_matches",
    "match_overlapping",
    "read_pass",
    "render_json",
    "render_markdown",
    "render_text",
]


class AgreementError(Exception):
    """A pass folder cannot be read at all (no ``docs/`` folder, or not listable)."""


# --- what is compared ------------------------------------------------------------


@dataclass(frozen=True)
class AttributeSpec:
    """One span attribute compared on matched pairs; ``kappa`` where its values
    form a closed vocabulary, so that chance agreement is meaningful."""

    layer: str
    attribute: str
    kappa: bool


ATTRIBUTES: tuple[AttributeSpec, ...] = (
    AttributeSpec("quote", "kind", kappa=True),
    AttributeSpec("quote", "speaker", kappa=False),
    AttributeSpec("claim", "claimant", kappa=False),
    AttributeSpec("date", "timex_type", kappa=True),
    AttributeSpec("date", "value", kappa=False),
    AttributeSpec("date", "mod", kappa=False),
)


# --- reading a pass --------------------------------------------------------------


@dataclass(frozen=True)
class ScoredSpan:
    """A span record reduced to what agreement needs: where it is and its record."""

    label: str
    start: int
    end: int
    index: int
    record: Mapping[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class UnreadableFile:
    """A document file of a pass that does not parse; its document is not compared."""

    pass_name: str
    path: str
    reason: str


@dataclass(frozen=True)
class UnreadableSpan:
    """A span record that cannot be scored; ``index`` is its position in ``spans``
    (None when ``spans`` itself is not a list)."""

    pass_name: str
    doc_id: str
    index: int | None
    reason: str


@dataclass(frozen=True)
class PassData:
    """One pass, read: its scoreable spans per document and what could not be read."""

    folder: Path
    documents: Mapping[str, tuple[ScoredSpan, ...]]
    unreadable_files: tuple[UnreadableFile, ...] = ()
    unreadable_spans: tuple[UnreadableSpan, ...] = ()


def scored_span(record: Any, index: int) -> ScoredSpan | str:
    """The span to score, or the reason it cannot be scored."""
    if not isinstance(record, dict):
        return f"span record is a {type(record).__name__}, not an object"
    label = record.get("label")
    if label not in LABELS:
        return f"label {label!r} is not one of {', '.join(LABELS)}"
    start, end = record.get("start"), record.get("end")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return f"start {start!r} and end {end!r} are not both integers"
    if start < 0 or end <= start:
        return f"[{start}, {end}) is not a non-empty range"
    return ScoredSpan(label, start, end, index, record)


def _read_document(path: Path, pass_name: str) -> tuple[tuple[ScoredSpan, ...], list[UnreadableSpan]] | str:
    """A document file's spans and unreadable span records, or why the file does not parse."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        return f"cannot read: {error.strerror or error}"
    except UnicodeDecodeError as error:
        return f"not UTF-8 (byte {error.start})"
    except RecursionError:
        return "JSON nests too deeply to be read"
    except ValueError as error:  # json.JSONDecodeError, NaN, oversized integers
        return f"invalid JSON: {str(error)[:120]}"
    if not isinstance(data, dict):
        return f"top level is a {type(data).__name__}, not an object"
    doc_id = path.stem
    records = data.get("spans")
    if not isinstance(records, list):
        return (), [UnreadableSpan(pass_name, doc_id, None, f"'spans' is {type(records).__name__}, not a list")]
    spans: list[ScoredSpan] = []
    problems: list[UnreadableSpan] = []
    for index, record in enumerate(records):
        result = scored_span(record, index)
        if isinstance(result, str):
            problems.append(UnreadableSpan(pass_name, doc_id, index, result))
        else:
            spans.append(result)
    return tuple(spans), problems


def read_pass(folder: Path, pass_name: str = "") -> PassData:
    """Read every ``docs/*.json`` of a pass folder (the document id is the file's stem).

    Raises :class:`AgreementError` only when the folder or its ``docs/`` cannot be listed.
    """
    name = pass_name or folder.as_posix()
    docs_dir = folder / DOCS_DIR
    if not folder.is_dir():
        raise AgreementError(f"pass {name}: {folder} is not a folder")
    if not docs_dir.is_dir():
        raise AgreementError(f"pass {name}: {folder} has no {DOCS_DIR}/ folder of document files")
    try:
        paths = sorted(p for p in docs_dir.iterdir() if p.suffix == ".json")
    except OSError as error:
        raise AgreementError(f"pass {name}: cannot list {docs_dir}: {error.strerror or error}") from None
    documents: dict[str, tuple[ScoredSpan, ...]] = {}
    files: list[UnreadableFile] = []
    spans: list[UnreadableSpan] = []
    for path in paths:
        result = _read_document(path, name)
        if isinstance(result, str):
            files.append(UnreadableFile(name, path.as_posix(), result))
            continue
        documents[path.stem], problems = result
        spans.extend(problems)
    return PassData(folder, documents, tuple(files), tuple(spans))


# --- scores ----------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Scores:
    """B scored against A: ``tp`` matched pairs out of ``a`` reference and ``b`` spans.

    Precision is None when B has no spans, recall when A has none, F1
    (``2 tp / (a + b)``, the harmonic mean of the two) when neither has any.
    """

    a: int
    b: int
    tp: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.b)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.a)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, self.a + self.b)

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.a + other.a, self.b + other.b, self.tp + other.tp)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "tp": self.tp, "precision": self.precision, "recall": self.recall, "f1": self.f1}


ZERO = Scores(0, 0, 0)


def count_exact_matches(spans_a: Sequence[ScoredSpan], spans_b: Sequence[ScoredSpan]) -> int:
    """Pairs with the same label, start and end, each span used at most once."""
    keys_a = Counter((s.label, s.start, s.end) for s in spans_a)
    keys_b = Counter((s.label, s.start, s.end) for s in spans_b)
    return sum((keys_a & keys_b).values())


def _overlap(a: ScoredSpan, b: ScoredSpan) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _candidate_pairs(spans_a: Sequence[ScoredSpan], spans_b: Sequence[ScoredSpan]) -> list[tuple[ScoredSpan, ScoredSpan]]:
    """Every (a, b) of the same label sharing at least one code point, found by
    bisecting B's starts instead of trying every pair."""
    pairs: list[tuple[ScoredSpan, ScoredSpan]] = []
    for label in LABELS:
        layer_b = sorted((s for s in spans_b if s.label == label), key=lambda s: (s.start, s.end, s.index))
        if not layer_b:
            continue
        starts = [s.start for s in layer_b]
        longest = max(s.end - s.start for s in layer_b)
        for a in (s for s in spans_a if s.label == label):
            # b overlaps a iff b.start < a.end and b.end > a.start; b.end <= b.start + longest.
            low = bisect_right(starts, a.start - longest)
            high = bisect_left(starts, a.end)
            pairs.extend((a, b) for b in layer_b[low:high] if _overlap(a, b) > 0)
    return pairs


def match_overlapping(spans_a: Sequence[ScoredSpan], spans_b: Sequence[ScoredSpan]) -> list[tuple[ScoredSpan, ScoredSpan]]:
    """One-to-one pairs of same-label spans that share at least one code point.

    Greedy: candidate pairs are taken by largest overlap first (ties: the pair
    whose boundaries differ least, then by position), and a pair is kept when
    neither of its spans is already matched. Returned in A's order.
    """

    def priority(pair: tuple[ScoredSpan, ScoredSpan]) -> tuple[int, ...]:
        a, b = pair
        return (-_overlap(a, b), abs(a.start - b.start) + abs(a.end - b.end), a.start, a.end, a.index, b.start, b.end, b.index)

    used_a: set[int] = set()
    used_b: set[int] = set()
    matched: list[tuple[ScoredSpan, ScoredSpan]] = []
    for a, b in sorted(_candidate_pairs(spans_a, spans_b), key=priority):
        if a.index in used_a or b.index in used_b:
            continue
        used_a.add(a.index)
        used_b.add(b.index)
        matched.append((a, b))
    return sorted(matched, key=lambda pair: (pair[0].start, pair[0].end, pair[0].index))


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters over ``(a_value, b_value)`` pairs.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o`` the observed agreement and
    ``p_e = sum_k p_a(k) * p_b(k)`` the agreement expected by chance from each
    rater's own distribution. None when there are no pairs, or when ``p_e`` is 1
    (both raters used one and the same value throughout): kappa is undefined
    there, and dividing by zero would hide that. Computed in exact fractions.
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = Fraction(sum(1 for a, b in pairs if a == b), n)
    counts_a = Counter(a for a, _ in pairs)
    counts_b = Counter(b for _, b in pairs)
    expected = sum((Fraction(counts_a[k] * counts_b[k], n * n) for k in counts_a), Fraction(0))
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def attribute_value(record: Mapping[str, Any], attribute: str) -> str | None:
    """An attribute as a comparable string (ids compared as strings); null stays None."""
    value = record.get(attribute)
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- the report ------------------------------------------------------------------


@dataclass(frozen=True)
class LayerAgreement:
    """One layer (or ``all``): exact and overlap scores."""

    layer: str
    exact: Scores
    overlap: Scores

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "exact": self.exact.to_dict(), "overlap": self.overlap.to_dict()}


@dataclass(frozen=True)
class AttributeAgreement:
    """Agreement on one attribute over the overlap-matched pairs of its layer.

    ``kappa`` is None where it does not apply (``kappa_applies`` False) or is
    undefined (no pairs, or expected agreement 1). ``confusion`` lists
    ``(value in A, value in B, pairs)``.
    """

    layer: str
    attribute: str
    pairs: int
    agreements: int
    kappa_applies: bool
    kappa: float | None
    confusion: tuple[tuple[str | None, str | None, int], ...] = ()

    @property
    def observed(self) -> float | None:
        return _ratio(self.agreements, self.pairs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "attribute": self.attribute,
            "pairs": self.pairs,
            "agreements": self.agreements,
            "observed": self.observed,
            "kappa_applies": self.kappa_applies,
            "kappa": self.kappa,
            "confusion": [{"a": a, "b": b, "pairs": n} for a, b, n in self.confusion],
        }


@dataclass(frozen=True)
class DocumentAgreement:
    """One document compared, all layers micro-averaged."""

    doc_id: str
    exact: Scores
    overlap: Scores

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "exact": self.exact.to_dict(), "overlap": self.overlap.to_dict()}


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of pass B against pass A over the documents present in both."""

    pass_a: str
    pass_b: str
    layers: tuple[LayerAgreement, ...]
    overall: LayerAgreement
    attributes: tuple[AttributeAgreement, ...]
    documents: tuple[DocumentAgreement, ...]
    only_in_a: tuple[str, ...] = ()
    only_in_b: tuple[str, ...] = ()
    not_annotated: tuple[str, ...] = ()
    unreadable_files: tuple[UnreadableFile, ...] = ()
    unreadable_spans: tuple[UnreadableSpan, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every document file of both passes parsed."""
        return not self.unreadable_files

    def layer(self, name: str) -> LayerAgreement:
        return next(layer for layer in self.layers if layer.layer == name)

    def attribute(self, layer: str, attribute: str) -> AttributeAgreement:
        return next(a for a in self.attributes if a.layer == layer and a.attribute == attribute)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass_a": self.pass_a,
            "pass_b": self.pass_b,
            "reference": "a",
            "attributes_on": "overlap matches",
            "documents_compared": len(self.documents),
            "layers": [layer.to_dict() for layer in self.layers],
            "overall": self.overall.to_dict(),
            "attributes": [a.to_dict() for a in self.attributes],
            "documents": [d.to_dict() for d in self.documents],
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "not_annotated": list(self.not_annotated),
            "unreadable_files": [{"pass": f.pass_name, "path": f.path, "reason": f.reason} for f in self.unreadable_files],
            "unreadable_spans": [{"pass": s.pass_name, "doc_id": s.doc_id, "index": s.index, "reason": s.reason}
                                 for s in self.unreadable_spans],
        }


def _none_last(value: str | None) -> tuple[bool, str]:
    return (value is None, value or "")


def _attribute_agreement(spec: AttributeSpec, matched: Sequence[tuple[ScoredSpan, ScoredSpan]]) -> AttributeAgreement:
    pairs = [(attribute_value(a.record, spec.attribute), attribute_value(b.record, spec.attribute))
             for a, b in matched if a.label == spec.layer]
    confusion = Counter(pairs)
    return AttributeAgreement(
        layer=spec.layer,
        attribute=spec.attribute,
        pairs=len(pairs),
        agreements=sum(1 for a, b in pairs if a == b),
        kappa_applies=spec.kappa,
        kappa=cohen_kappa(pairs) if spec.kappa else None,
        confusion=tuple((a, b, n) for (a, b), n in sorted(confusion.items(),
                                                          key=lambda kv: (_none_last(kv[0][0]), _none_last(kv[0][1])))),
    )


def _layer_scores(spans_a: Sequence[ScoredSpan], spans_b: Sequence[ScoredSpan],
                  matched: Sequence[tuple[ScoredSpan, ScoredSpan]]) -> dict[str, tuple[Scores, Scores]]:
    """Per label: (exact, overlap) scores of one document."""
    result: dict[str, tuple[Scores, Scores]] = {}
    for label in LABELS:
        layer_a = [s for s in spans_a if s.label == label]
        layer_b = [s for s in spans_b if s.label == label]
        exact = count_exact_matches(layer_a, layer_b)
        overlap = sum(1 for a, _ in matched if a.label == label)
        result[label] = (Scores(len(layer_a), len(layer_b), exact), Scores(len(layer_a), len(layer_b), overlap))
    return result


def compare_passes(pass_a: PassData, pass_b: PassData, *, seed_ids: Sequence[str] = (),
                   names: tuple[str, str] | None = None) -> AgreementReport:
    """Score pass B against pass A (pure: no file access).

    Documents present in only one pass, or whose file did not parse in either,
    are listed and left out of every figure: a missing document says nothing
    about the spans it would have held.
    """
    unreadable_ids = {Path(f.path).stem for f in (*pass_a.unreadable_files, *pass_b.unreadable_files)}
    ids_a, ids_b = set(pass_a.documents) - unreadable_ids, set(pass_b.documents) - unreadable_ids
    common = sorted(ids_a & ids_b)
    totals = {label: (ZERO, ZERO) for label in LABELS}
    all_matched: list[tuple[ScoredSpan, ScoredSpan]] = []
    documents: list[DocumentAgreement] = []
    for doc_id in common:
        spans_a, spans_b = pass_a.documents[doc_id], pass_b.documents[doc_id]
        matched = match_overlapping(spans_a, spans_b)
        all_matched.extend(matched)
        per_layer = _layer_scores(spans_a, spans_b, matched)
        doc_exact, doc_overlap = ZERO, ZERO
        for label, (exact, overlap) in per_layer.items():
            totals[label] = (totals[label][0] + exact, totals[label][1] + overlap)
            doc_exact, doc_overlap = doc_exact + exact, doc_overlap + overlap
        documents.append(DocumentAgreement(doc_id, doc_exact, doc_overlap))
    layers = tuple(LayerAgreement(label, *totals[label]) for label in LABELS)
    overall = LayerAgreement("all", sum((x.exact for x in layers), ZERO), sum((x.overlap for x in layers), ZERO))
    name_a, name_b = names or (pass_a.folder.as_posix(), pass_b.folder.as_posix())
    annotated = set(pass_a.documents) | set(pass_b.documents) | unreadable_ids
    return AgreementReport(
        pass_a=name_a,
        pass_b=name_b,
        layers=layers,
        overall=overall,
        attributes=tuple(_attribute_agreement(spec, all_matched) for spec in ATTRIBUTES),
        documents=tuple(documents),
        only_in_a=tuple(sorted(ids_a - ids_b)),
        only_in_b=tuple(sorted(ids_b - ids_a)),
        not_annotated=tuple(sorted(set(seed_ids) - annotated)),
        unreadable_files=(*pass_a.unreadable_files, *pass_b.unreadable_files),
        unreadable_spans=(*pass_a.unreadable_spans, *pass_b.unreadable_spans),
    )


def agree(pass_a: Path, pass_b: Path, *, root: Path = Path(".")) -> AgreementReport:
    """Agreement of the pass folder ``pass_b`` against ``pass_a``.

    ``root`` is the corpus root; its ``seeds/`` are used only to list the texts
    that neither pass annotates. Raises :class:`AgreementError` when a pass
    folder cannot be read at all.
    """
    data_a = read_pass(Path(pass_a), "A")
    data_b = read_pass(Path(pass_b), "B")
    return compare_passes(data_a, data_b, seed_ids=CorpusPaths(Path(root)).seed_ids(),
                          names=(Path(pass_a).as_posix(), Path(pass_b).as_posix()))


# --- disagreements, for adjudication -------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """One thing the passes disagree on, as an adjudicator reads it.

    ``kind`` is ``only_in_a`` / ``only_in_b`` (a span the other pass has no
    overlapping span of the same label for), ``boundary`` (overlap-matched spans
    with different offsets) or ``attribute`` (matched spans whose attribute
    differs; ``detail`` names it)."""

    doc_id: str
    kind: str
    label: str
    a: str | None
    b: str | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "kind": self.kind, "label": self.label, "a": self.a, "b": self.b,
                "detail": self.detail}


def _describe(span: ScoredSpan) -> str:
    text = str(span.record.get("text", ""))
    return f"{span.record.get('span_id')} [{span.start}:{span.end}] {text!r}"


def list_disagreements(pass_a: PassData, pass_b: PassData) -> tuple[Disagreement, ...]:
    """Every disagreement between two passes, document by document, in text order.

    Uses the same one-to-one overlap matching as the scores, so each unmatched
    span here is one missing true positive there."""
    found: list[Disagreement] = []
    for doc_id in sorted(set(pass_a.documents) & set(pass_b.documents)):
        spans_a, spans_b = pass_a.documents[doc_id], pass_b.documents[doc_id]
        matched = match_overlapping(spans_a, spans_b)
        seen_a = {a.index for a, _ in matched}
        seen_b = {b.index for _, b in matched}
        items: list[tuple[int, Disagreement]] = []
        for a in spans_a:
            if a.index not in seen_a:
                items.append((a.start, Disagreement(doc_id, "only_in_a", a.label, _describe(a), None)))
        for b in spans_b:
            if b.index not in seen_b:
                items.append((b.start, Disagreement(doc_id, "only_in_b", b.label, None, _describe(b))))
        for a, b in matched:
            if (a.start, a.end) != (b.start, b.end):
                items.append((a.start, Disagreement(doc_id, "boundary", a.label, _describe(a), _describe(b))))
            for spec in ATTRIBUTES:
                if spec.layer != a.label:
                    continue
                value_a, value_b = attribute_value(a.record, spec.attribute), attribute_value(b.record, spec.attribute)
                if value_a != value_b:
                    detail = f"{spec.attribute}: {value_a!r} vs {value_b!r}"
                    items.append((a.start, Disagreement(doc_id, "attribute", a.label, _describe(a), _describe(b), detail)))
        found.extend(d for _, d in sorted(items, key=lambda item: (item[0], item[1].label, item[1].kind)))
    return tuple(found)


def render_disagreements(disagreements: Sequence[Disagreement]) -> str:
    """One line per disagreement (two for a pair), grouped by document."""
    lines: list[str] = [f"Disagreements: {len(disagreements)}"]
    current = None
    for item in disagreements:
        if item.doc_id != current:
            current = item.doc_id
            lines.append(f"== {current}")
        head = f"  {item.kind:<10} {item.label:<7}"
        if item.kind == "only_in_a":
            lines.append(f"{head} A {item.a}")
        elif item.kind == "only_in_b":
            lines.append(f"{head} B {item.b}")
        else:
            suffix = f"  ({item.detail})" if item.detail else ""
            lines.append(f"{head} A {item.a}{suffix}")
            lines.append(f"{'':<21} B {item.b}")
    return "\n".join(lines)


# --- renderers -------------------------------------------------------------------


def _figure(value: float | None) -> str:
    """A figure with 3 decimals, or ``n/a`` where it is undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def _score_cells(scores: Scores) -> list[str]:
    return [str(scores.tp), _figure(scores.precision), _figure(scores.recall), _figure(scores.f1)]


def _kappa_cell(attribute: AttributeAgreement) -> str:
    return _figure(attribute.kappa) if attribute.kappa_applies else "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


_SPAN_HEADER = ("", "A", "B", "exact TP", "P", "R", "F1", "overlap TP", "P", "R", "F1")
_ATTRIBUTE_HEADER = ("attribute", "pairs", "agree", "observed", "kappa")


def _span_row(name: str, exact: Scores, overlap: Scores) -> list[str]:
    return [name, str(exact.a), str(exact.b), *_score_cells(exact), *_score_cells(overlap)]


def _notes(report: AgreementReport) -> list[str]:
    lines: list[str] = []
    if report.only_in_a:
        lines.append(f"only in A (not compared): {', '.join(report.only_in_a)}")
    if report.only_in_b:
        lines.append(f"only in B (not compared): {', '.join(report.only_in_b)}")
    if report.not_annotated:
        lines.append(f"seeds annotated in neither pass: {', '.join(report.not_annotated)}")
    for f in report.unreadable_files:
        lines.append(f"pass {f.pass_name}: {f.path} does not parse, its document is not compared ({f.reason})")
    if report.unreadable_spans:
        lines.append(f"{len(report.unreadable_spans)} span record(s) could not be scored and are not counted:")
        lines.extend(f"  pass {s.pass_name} {s.doc_id}" + ("" if s.index is None else f" /spans/{s.index}") + f": {s.reason}"
                     for s in report.unreadable_spans)
    return lines


def render_text(report: AgreementReport) -> str:
    """Tables for a terminal."""
    lines = [(f"Agreement of B ({report.pass_b}) against A ({report.pass_a}), "
             f"{len(report.documents)} document(s) in both passes"), ""]
    rows = [_span_row(x.layer, x.exact, x.overlap) for x in report.layers]
    rows.append(_span_row("all (micro)", report.overall.exact, report.overall.overlap))
    lines += _table(("layer", *_SPAN_HEADER[1:]), rows)
    lines += ["", "Attributes, on the overlap-matched pairs (kappa '-': not applicable; 'n/a': undefined):"]
    lines += _table(_ATTRIBUTE_HEADER, [[f"{a.layer}.{a.attribute}", str(a.pairs), str(a.agreements), _figure(a.observed),
                                         _kappa_cell(a)] for a in report.attributes])
    lines += ["", "Per document, all layers (micro):"]
    lines += _table(("document", *_SPAN_HEADER[1:]), [_span_row(d.doc_id, d.exact, d.overlap) for d in report.documents])
    notes = _notes(report)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def render_json(report: AgreementReport) -> str:
    """The report as JSON, figures unrounded."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GitHub-flavoured Markdown table: names left-aligned, figures right-aligned."""
    marks = [":---"] + ["---:"] * (len(header) - 1)
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |",
            *("| " + " | ".join(row) + " |" for row in rows)]


def render_markdown(report: AgreementReport) -> str:
    """Markdown tables for DATASET_CARD.md, figures with 3 decimals."""
    header = ("Layer", "Spans A", "Spans B", "Exact TP", "Exact P", "Exact R", "Exact F1",
              "Overlap TP", "Overlap P", "Overlap R", "Overlap F1")
    rows = [_span_row(x.layer, x.exact, x.overlap) for x in report.layers]
    rows.append(_span_row("**all (micro)**", report.overall.exact, report.overall.overlap))
    lines = [(f"Span agreement of pass B against pass A (the reference) over {len(report.documents)} document(s); "
             "exact: same start, end and label; overlap: same label sharing at least one code point, matched one-to-one."),
             "", *_markdown_table(header, rows), "",
             ("Attribute agreement on the overlap-matched pairs: observed agreement, and Cohen's kappa for the "
             "closed vocabularies (- where kappa does not apply, n/a where it is undefined: no pairs, or expected "
             "agreement 1)."), "",
             *_markdown_table(("Attribute", "Pairs", "Agreeing", "Observed", "Kappa"),
                              [[f"{a.layer} `{a.attribute}`", str(a.pairs), str(a.agreements), _figure(a.observed),
                                _kappa_cell(a)] for a in report.attributes]),
             "", "Per document, all layers micro-averaged.", "",
             *_markdown_table(("Document", *header[1:]), [_span_row(f"`{d.doc_id}`", d.exact, d.overlap)
                                                          for d in report.documents])]
    notes = _notes(report)
    if notes:
        lines += ["", *(f"- {note.strip()}" for note in notes)]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[AgreementReport], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
