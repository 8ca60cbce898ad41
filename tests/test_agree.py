"""Agreement between two annotation passes: hand-built passes over seed 003
(RIA Novosti, 6 January 2023) whose figures are worked out in the comments."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import MINI_DOC_ID, MINI_DOCUMENT, REPO, write_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from eunato_corpus.agreement import (
    ATTRIBUTES,
    AgreementError,
    ScoredSpan,
    agree,
    cohen_kappa,
    count_exact_matches,
    list_disagreements,
    match_overlapping,
    read_pass,
    render_disagreements,
    render_markdown,
    render_text,
)
from eunato_corpus.cli import cli
from eunato_corpus.io import write_annotation_file
from eunato_corpus.model import LABEL_FIELDS, LABELS

TEXT = (REPO / "seeds" / f"{MINI_DOC_ID}.txt").read_bytes().decode("utf-8")


def span(span_id: str, label: str, phrase: str, *, after: int = 0, widen: tuple[int, int] = (0, 0), **attributes: Any) -> dict[str, Any]:
    """A span record over the first occurrence of ``phrase`` in seed 003 at or
    after ``after``, optionally widened by (left, right) code points."""
    found = TEXT.index(phrase, after)
    start, end = found - widen[0], found + len(phrase) + widen[1]
    defaults: dict[str, Any] = {
        "speaker": {"entity": "nato"},
        "cue": {},
        "quote": {"kind": "indirect", "speaker": "nato", "speaker_span": None, "cue": None},
        "claim": {"claimant": "ria_novosti"},
        "date": {"timex_type": "DATE", "value": "XXXX", "mod": None},
    }[label]
    return {"span_id": span_id, "label": label, "start": start, "end": end, "text": TEXT[start:end], "status": "draft",
            **defaults, **attributes}


def write_pass(folder: Path, docs: dict[str, list[Any]]) -> Path:
    """A pass folder: one document file per doc_id (metadata of the mini corpus), entities and links."""
    for doc_id, spans in docs.items():
        record = copy.deepcopy(MINI_DOCUMENT)
        record["doc_id"] = doc_id
        record["spans"] = spans
        write_annotation_file(folder / "docs" / f"{doc_id}.json", record)
    write_annotation_file(folder / "entities.json", {"entities": []})
    write_annotation_file(folder / "links.json", {"clusters": []})
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


# --- the worked example --------------------------------------------------------------
#
# Dates. A: "January 6" DATE 2023-01-06, "January 10" DATE 2023-01-10, "the end of
# September 2022" DATE 2022-09 END. B: "January 6" (same), "January 10" (same span, value
# 2023-01-11), "September 2022" DATE 2022-09 no mod (overlaps A's third), "11.00 local
# time" TIME (no counterpart).
#   A 3, B 4. Exact TP 2: P 2/4 = 0.5, R 2/3, F1 2*2/(3+4) = 4/7 = 0.571.
#   Overlap TP 3: P 3/4 = 0.75, R 3/3 = 1, F1 6/7 = 0.857.
#   timex_type on 3 pairs, all DATE/DATE: p_o = 1, p_e = 1 -> kappa n/a.
#   value: 2 of 3 agree (0.667). mod: (null,null), (null,null), (END,null) -> 2/3.
#
# Quotes. A: Q1 indirect nato, Q2 indirect nato, Q3 "the time has come" direct
# jens_stoltenberg, Q4 mixed european_sources. B: Q1 same; Q2 same span but direct;
# Q3 with its quotation marks (one code point wider each side); Q4 same span, speaker
# eu_sources.
#   A 4, B 4. Exact TP 3: P = R = F1 = 0.75. Overlap TP 4: P = R = F1 = 1.
#   kind pairs (ind,ind) (ind,dir) (dir,dir) (mix,mix): p_o = 3/4; A ind 2, dir 1, mix 1;
#   B ind 1, dir 2, mix 1; p_e = (2*1 + 1*2 + 1*1)/16 = 5/16;
#   kappa = (3/4 - 5/16) / (1 - 5/16) = (7/16) / (11/16) = 7/11 = 0.636.
#   speaker: 3 of 4 agree (0.75).
#
# All layers (micro): A 7, B 8. Exact TP 5: P 5/8, R 5/7, F1 10/15 = 2/3.
# Overlap TP 7: P 7/8, R 7/7 = 1, F1 14/15.

SUMMER_QUOTE = "the new joint EU-NATO declaration will have to reflect"


def worked_example(root: Path) -> tuple[Path, Path]:
    a = [
        span("d1", "date", "January 6", value="2023-01-06"),
        span("d2", "date", "January 10", value="2023-01-10"),
        span("d3", "date", "the end of September 2022", value="2022-09", mod="END"),
        span("q1", "quote", MINI_DOCUMENT["spans"][2]["text"]),
        span("q2", "quote", "the signing will take place at NATO headquarters at 11.00 local time (13.00 Moscow time)"),
        span("q3", "quote", "the time has come", kind="direct", speaker="jens_stoltenberg"),
        span("q4", "quote", SUMMER_QUOTE, kind="mixed", speaker="european_sources"),
    ]
    b = [
        span("d1", "date", "January 6", value="2023-01-06"),
        span("d2", "date", "January 10", value="2023-01-11"),
        span("d3", "date", "September 2022", value="2022-09"),
        span("d4", "date", "11.00 local time", timex_type="TIME", value="2023-01-10T11:00"),
        span("q1", "quote", MINI_DOCUMENT["spans"][2]["text"]),
        span("q2", "quote", "the signing will take place at NATO headquarters at 11.00 local time (13.00 Moscow time)",
             kind="direct"),
        span("q3", "quote", "the time has come", widen=(1, 1), kind="direct", speaker="jens_stoltenberg"),
        span("q4", "quote", SUMMER_QUOTE, kind="mixed", speaker="eu_sources"),
    ]
    return (write_pass(root / "annotations" / "passes" / "a", {MINI_DOC_ID: a}),
            write_pass(root / "annotations" / "passes" / "b", {MINI_DOC_ID: b}))


def test_worked_example_span_scores(root: Path) -> None:
    report = agree(*worked_example(root), root=root)
    date, quote = report.layer("date"), report.layer("quote")
    assert (date.exact.a, date.exact.b, date.exact.tp, date.overlap.tp) == (3, 4, 2, 3)
    assert date.exact.precision == pytest.approx(0.5)
    assert date.exact.recall == pytest.approx(2 / 3)
    assert date.exact.f1 == pytest.approx(4 / 7)
    assert date.overlap.precision == pytest.approx(0.75)
    assert date.overlap.recall == pytest.approx(1.0)
    assert date.overlap.f1 == pytest.approx(6 / 7)
    assert (quote.exact.a, quote.exact.b, quote.exact.tp, quote.overlap.tp) == (4, 4, 3, 4)
    assert (quote.exact.precision, quote.exact.recall, quote.exact.f1) == pytest.approx((0.75, 0.75, 0.75))
    assert (quote.overlap.precision, quote.overlap.recall, quote.overlap.f1) == pytest.approx((1.0, 1.0, 1.0))
    overall = report.overall
    assert (overall.exact.a, overall.exact.b, overall.exact.tp, overall.overlap.tp) == (7, 8, 5, 7)
    assert (overall.exact.precision, overall.exact.recall, overall.exact.f1) == pytest.approx((5 / 8, 5 / 7, 2 / 3))
    assert (overall.overlap.precision, overall.overlap.recall, overall.overlap.f1) == pytest.approx((7 / 8, 1.0, 14 / 15))
    # Layers without spans in either pass have no defined figures.
    speaker = report.layer("speaker")
    assert (speaker.exact.precision, speaker.exact.recall, speaker.exact.f1) == (None, None, None)
    # One document, so its per-document figures are the overall ones.
    assert [d.doc_id for d in report.documents] == [MINI_DOC_ID]
    assert report.documents[0].exact == overall.exact and report.documents[0].overlap == overall.overlap


def test_worked_example_attributes(root: Path) -> None:
    report = agree(*worked_example(root), root=root)
    kind = report.attribute("quote", "kind")
    assert (kind.pairs, kind.agreements, kind.kappa_applies) == (4, 3, True)
    assert kind.kappa == pytest.approx(7 / 11)
    assert ("indirect", "direct", 1) in kind.confusion
    speaker = report.attribute("quote", "speaker")
    assert (speaker.pairs, speaker.agreements, speaker.kappa_applies, speaker.kappa) == (4, 3, False, None)
    assert speaker.observed == pytest.approx(0.75)
    timex = report.attribute("date", "timex_type")
    # Every pair is DATE/DATE: expected agreement 1, kappa undefined, observed 1.
    assert (timex.pairs, timex.observed, timex.kappa_applies, timex.kappa) == (3, 1.0, True, None)
    assert report.attribute("date", "value").observed == pytest.approx(2 / 3)
    mod = report.attribute("date", "mod")
    assert (mod.pairs, mod.agreements) == (3, 2)  # null == null counts as agreement
    assert ("END", None, 1) in mod.confusion
    claimant = report.attribute("claim", "claimant")
    assert (claimant.pairs, claimant.observed) == (0, None)


def test_swapping_the_passes_swaps_precision_and_recall(root: Path) -> None:
    a, b = worked_example(root)
    forward, backward = agree(a, b, root=root), agree(b, a, root=root)
    for there, back in zip((*forward.layers, forward.overall), (*backward.layers, backward.overall), strict=True):
        assert (there.exact.precision, there.exact.recall) == (back.exact.recall, back.exact.precision)
        assert (there.overlap.precision, there.overlap.recall) == (back.overlap.recall, back.overlap.precision)


# --- identical and disjoint passes ------------------------------------------------


def rich_spans() -> list[dict[str, Any]]:
    """The mini corpus's spans (all five layers, DATE and TIME) plus a direct and a mixed quote."""
    return [*copy.deepcopy(MINI_DOCUMENT["spans"]),
            span("q3", "quote", "the time has come", kind="direct", speaker="jens_stoltenberg"),
            span("q4", "quote", SUMMER_QUOTE, kind="mixed", speaker="european_sources")]


def test_identical_passes_agree_fully(root: Path) -> None:
    a = write_pass(root / "a", {MINI_DOC_ID: rich_spans()})
    b = write_pass(root / "b", {MINI_DOC_ID: rich_spans()})
    report = agree(a, b, root=root)
    for layer in (*report.layers, report.overall, *report.documents):
        for scores in (layer.exact, layer.overlap):
            assert scores.a > 0
            assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    for attribute in report.attributes:
        assert attribute.pairs > 0 and attribute.observed == 1.0
        # quote kind (3 kinds) and timex_type (DATE, TIME) vary, so kappa is defined and 1.
        assert attribute.kappa == (1.0 if attribute.kappa_applies else None)


def test_disjoint_passes_agree_nowhere(root: Path) -> None:
    # Every layer has spans in both passes, never at the same place; the claim in A
    # and the quote in B cover the same text, but labels differ, so they do not match.
    a = [span("s1", "speaker", "the North Atlantic Alliance"), span("k1", "cue", "said"),
         span("q1", "quote", "the time has come"), span("c1", "claim", MINI_DOCUMENT["spans"][2]["text"]),
         span("d1", "date", "January 6")]
    b = [span("s1", "speaker", "European sources"), span("k1", "cue", "According to"),
         span("q1", "quote", MINI_DOCUMENT["spans"][2]["text"]),
         span("c1", "claim", "The EU-NATO Joint Declaration was supposed to be signed as early as"),
         span("d1", "date", "2021")]
    report = agree(write_pass(root / "a", {MINI_DOC_ID: a}), write_pass(root / "b", {MINI_DOC_ID: b}), root=root)
    for layer in (*report.layers, report.overall):
        for scores in (layer.exact, layer.overlap):
            assert (scores.a, scores.b) == ((5, 5) if layer.layer == "all" else (1, 1))
            assert (scores.tp, scores.precision, scores.recall, scores.f1) == (0, 0.0, 0.0, 0.0)
    assert all(a.pairs == 0 and a.observed is None and a.kappa is None for a in report.attributes)


# --- matching -----------------------------------------------------------------------


def scored(label: str, start: int, end: int, index: int) -> ScoredSpan:
    return ScoredSpan(label, start, end, index, {})


def test_overlap_matching_is_one_to_one_and_prefers_the_largest_overlap() -> None:
    # A [0, 10) and [10, 20); B [5, 15) overlaps both by 5 code points but matches one.
    a = [scored("date", 0, 10, 0), scored("date", 10, 20, 1)]
    b = [scored("date", 5, 15, 0)]
    assert len(match_overlapping(a, b)) == 1
    assert len(match_overlapping(b, a)) == 1
    # A [0, 20); B [0, 4) overlaps by 4, B [6, 20) by 14: the larger wins, the other stays unmatched.
    pairs = match_overlapping([scored("date", 0, 20, 0)], [scored("date", 0, 4, 0), scored("date", 6, 20, 1)])
    assert [(x.start, y.start) for x, y in pairs] == [(0, 6)]
    # Adjacent spans share no code point; different labels never match.
    assert match_overlapping([scored("date", 0, 10, 0)], [scored("date", 10, 12, 0)]) == []
    assert match_overlapping([scored("date", 0, 10, 0)], [scored("claim", 0, 10, 0)]) == []


def test_overlap_matching_on_files_counts_each_span_once(root: Path) -> None:
    # A: "the end of September 2022" [1115, 1140). B: "the end of September" [1115, 1135)
    # (overlap 20) and "September 2022" [1126, 1140) (overlap 14). One match:
    # B against A P 1/2, R 1/1, F1 2/3; the other way round P 1, R 1/2.
    a = write_pass(root / "a", {MINI_DOC_ID: [span("d1", "date", "the end of September 2022")]})
    b = write_pass(root / "b", {MINI_DOC_ID: [span("d1", "date", "the end of September"),
                                              span("d2", "date", "September 2022")]})
    date = agree(a, b, root=root).layer("date").overlap
    assert (date.a, date.b, date.tp) == (1, 2, 1)
    assert (date.precision, date.recall, date.f1) == pytest.approx((0.5, 1.0, 2 / 3))
    back = agree(b, a, root=root).layer("date").overlap
    assert (back.precision, back.recall) == pytest.approx((1.0, 0.5))


def test_exact_matching_counts_duplicates_once() -> None:
    a = [scored("date", 0, 4, 0), scored("date", 0, 4, 1)]
    assert count_exact_matches(a, [scored("date", 0, 4, 0)]) == 1
    assert count_exact_matches(a, a) == 2
    assert count_exact_matches(a, [scored("claim", 0, 4, 0)]) == 0


spans_strategy = st.lists(
    st.tuples(st.sampled_from(("date", "claim")), st.integers(0, 30), st.integers(1, 10)), max_size=12,
).map(lambda items: [scored(label, start, start + length, i) for i, (label, start, length) in enumerate(items)])


@settings(deadline=None, max_examples=200)
@given(spans_strategy, spans_strategy)
def test_overlap_matching_properties(a: list[ScoredSpan], b: list[ScoredSpan]) -> None:
    pairs = match_overlapping(a, b)
    assert len({x.index for x, _ in pairs}) == len(pairs) == len({y.index for _, y in pairs})
    assert all(x.label == y.label and min(x.end, y.end) > max(x.start, y.start) for x, y in pairs)
    # Every exact match can also be an overlap match, and the greedy order keeps it so.
    assert count_exact_matches(a, b) <= len(pairs) <= min(len(a), len(b))


# --- kappa --------------------------------------------------------------------------


def test_cohen_kappa_by_hand() -> None:
    # 7/11, as in the worked example.
    pairs = [("indirect", "indirect"), ("indirect", "direct"), ("direct", "direct"), ("mixed", "mixed")]
    assert cohen_kappa(pairs) == pytest.approx(7 / 11)
    # Systematic disagreement: p_o 0, p_e (1*1 + 1*1)/4 = 1/2, kappa -1.
    assert cohen_kappa([("DATE", "TIME"), ("TIME", "DATE")]) == pytest.approx(-1.0)
    # p_o 3/4; A DATE 4; B DATE 3, TIME 1; p_e = (4*3)/16 = 3/4: kappa 0 (chance level).
    assert cohen_kappa([("DATE", "DATE")] * 3 + [("DATE", "TIME")]) == pytest.approx(0.0)


def test_cohen_kappa_degenerate_cases_are_none() -> None:
    # Both raters used one and the same value throughout: p_e = 1, kappa undefined.
    assert cohen_kappa([("DATE", "DATE")] * 5) is None
    assert cohen_kappa([(None, None)]) is None
    assert cohen_kappa([]) is None


# --- documents and unreadable input ----------------------------------------------------


def test_documents_in_one_pass_are_reported_not_compared(root: Path) -> None:
    (root / "seeds" / "900_unannotated.txt").write_text("nothing here\n", encoding="utf-8")
    spans = rich_spans()
    a = write_pass(root / "a", {MINI_DOC_ID: spans, "901_only_a": [span("d1", "date", "2021")]})
    b = write_pass(root / "b", {MINI_DOC_ID: spans, "902_only_b": [span("d1", "date", "2021")]})
    report = agree(a, b, root=root)
    assert (report.only_in_a, report.only_in_b, report.not_annotated) == (("901_only_a",), ("902_only_b",), ("900_unannotated",))
    assert [d.doc_id for d in report.documents] == [MINI_DOC_ID]
    assert report.layer("date").exact.a == sum(1 for s in spans if s["label"] == "date")
    assert report.overall.exact.f1 == 1.0
    assert "only in A (not compared): 901_only_a" in render_text(report)


def test_per_document_figures(root: Path) -> None:
    # 003: identical (F1 1). 900_other: A one date, B one claim elsewhere (F1 0).
    # Micro over both: A n+1, B n+1, TP n.
    spans = rich_spans()
    n = len(spans)
    a = write_pass(root / "a", {MINI_DOC_ID: spans, "900_other": [span("d1", "date", "2021")]})
    b = write_pass(root / "b", {MINI_DOC_ID: spans, "900_other": [span("c1", "claim", "The EU-NATO Joint")]})
    report = agree(a, b, root=root)
    by_id = {d.doc_id: d for d in report.documents}
    assert by_id[MINI_DOC_ID].exact.f1 == 1.0
    assert (by_id["900_other"].exact.a, by_id["900_other"].exact.b, by_id["900_other"].overlap.f1) == (1, 1, 0.0)
    assert (report.overall.exact.a, report.overall.exact.tp) == (n + 1, n)
    assert report.overall.exact.f1 == pytest.approx(2 * n / (2 * n + 2))


def test_unreadable_span_records_are_counted_not_crashed_on(root: Path) -> None:
    good = span("d1", "date", "January 6")
    broken = ["not a span", {**good, "label": "opinion"}, {**good, "start": "102"}, {**good, "end": 90}, {**good, "end": 102}]
    a = write_pass(root / "a", {MINI_DOC_ID: [good]})
    b = write_pass(root / "b", {MINI_DOC_ID: [good, *broken]})
    report = agree(a, b, root=root)
    assert [(s.pass_name, s.index) for s in report.unreadable_spans] == [("B", 1), ("B", 2), ("B", 3), ("B", 4), ("B", 5)]
    assert report.layer("date").exact.b == 1 and report.overall.exact.f1 == 1.0
    assert report.complete
    assert "5 span record(s) could not be scored" in render_text(report)


def test_spans_that_are_not_a_list_are_reported(root: Path) -> None:
    a = write_pass(root / "a", {MINI_DOC_ID: [span("d1", "date", "January 6")]})
    b = write_pass(root / "b", {MINI_DOC_ID: []})
    path = b / "docs" / f"{MINI_DOC_ID}.json"
    path.write_text(json.dumps({"doc_id": MINI_DOC_ID, "spans": {"d1": "?"}}), encoding="utf-8")
    report = agree(a, b, root=root)
    assert [(s.pass_name, s.index) for s in report.unreadable_spans] == [("B", None)]
    assert (report.overall.exact.a, report.overall.exact.b, report.overall.exact.recall) == (1, 0, 0.0)


def test_unparseable_document_file_is_left_out(root: Path) -> None:
    spans = rich_spans()
    a = write_pass(root / "a", {MINI_DOC_ID: spans, "900_other": spans})
    b = write_pass(root / "b", {MINI_DOC_ID: spans, "900_other": spans})
    (a / "docs" / "900_other.json").write_text('{"spans": [', encoding="utf-8")
    report = agree(a, b, root=root)
    assert not report.complete
    assert [(f.pass_name, Path(f.path).name) for f in report.unreadable_files] == [("A", "900_other.json")]
    assert "invalid JSON" in report.unreadable_files[0].reason
    assert [d.doc_id for d in report.documents] == [MINI_DOC_ID]
    assert report.only_in_b == ()


def test_pass_folder_without_docs_raises(root: Path) -> None:
    a = write_pass(root / "a", {MINI_DOC_ID: rich_spans()})
    (root / "empty").mkdir()
    with pytest.raises(AgreementError, match="no docs/ folder"):
        agree(a, root / "empty", root=root)


def test_compared_attributes_are_fields_of_the_model() -> None:
    for spec in ATTRIBUTES:
        assert spec.layer in LABELS and spec.attribute in LABEL_FIELDS[spec.layer]


# --- renderers and the command line -----------------------------------------------------


def test_markdown_table_has_three_decimals(root: Path) -> None:
    markdown = render_markdown(agree(*worked_example(root), root=root))
    assert "| date | 3 | 4 | 2 | 0.500 | 0.667 | 0.571 | 3 | 0.750 | 1.000 | 0.857 |" in markdown
    assert "| quote `kind` | 4 | 3 | 0.750 | 0.636 |" in markdown
    assert "| date `timex_type` | 3 | 3 | 1.000 | n/a |" in markdown
    assert "| quote `speaker` | 4 | 3 | 0.750 | - |" in markdown


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_json_carries_the_same_numbers(root: Path) -> None:
    a, b = worked_example(root)
    result = run("agree", str(a), str(b), "--root", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    report = agree(a, b, root=root)
    assert data == json.loads(json.dumps(report.to_dict()))
    date = next(x for x in data["layers"] if x["layer"] == "date")
    assert date["exact"]["f1"] == pytest.approx(4 / 7)
    assert next(x for x in data["attributes"] if x["attribute"] == "kind")["kappa"] == pytest.approx(7 / 11)
    assert next(x for x in data["attributes"] if x["attribute"] == "timex_type")["kappa"] is None
    assert data["overall"]["overlap"]["f1"] == pytest.approx(14 / 15)


def test_cli_text_and_markdown(root: Path) -> None:
    a, b = worked_example(root)
    text = run("agree", str(a), str(b), "--root", str(root))
    assert text.exit_code == 0
    assert "date" in text.output and "0.571" in text.output and "0.636" in text.output
    markdown = run("agree", str(a), str(b), "--root", str(root), "--format", "markdown")
    assert markdown.exit_code == 0 and "| :--- |" in markdown.output


def test_cli_missing_folder_is_a_usage_error(root: Path) -> None:
    a, _ = worked_example(root)
    result = run("agree", str(a), str(root / "nowhere"), "--root", str(root))
    assert result.exit_code == 2
    assert run("agree", str(a), str(a), "--root", str(root / "nowhere")).exit_code == 2


def test_cli_unreadable_pass_exits_1_with_a_message(root: Path) -> None:
    a, b = worked_example(root)
    (root / "empty").mkdir()
    result = run("agree", str(a), str(root / "empty"), "--root", str(root))
    assert result.exit_code == 1
    assert "no docs/ folder" in result.output and "Traceback" not in result.output
    (b / "docs" / f"{MINI_DOC_ID}.json").write_bytes(b"\xff\xfe not json")
    result = run("agree", str(a), str(b), "--root", str(root))
    assert result.exit_code == 1
    assert "does not parse" in result.output and "INCOMPLETE" in result.output


# --- disagreements for adjudication ------------------------------------------------


def test_disagreements_list_every_unmatched_span_boundary_and_attribute(tmp_path: Path) -> None:
    # A and B agree on "January 6"; B widens the quote by nothing but changes its kind;
    # B's claim is shorter than A's; A alone has the date "January 10"; B alone has a cue.
    quote_a = span("q1", "quote", "the signing will take place", kind="indirect")
    quote_b = span("q1", "quote", "the signing will take place", kind="mixed")
    claim_a = span("c1", "claim", "the signing will take place at NATO headquarters")
    claim_b = span("c1", "claim", "the signing will take place")
    pass_a = write_pass(tmp_path / "a", {MINI_DOC_ID: [span("d1", "date", "January 6"), span("d2", "date", "January 10"),
                                                       quote_a, claim_a]})
    pass_b = write_pass(tmp_path / "b", {MINI_DOC_ID: [span("d1", "date", "January 6"), span("k1", "cue", "said"),
                                                       quote_b, claim_b]})
    found = list_disagreements(read_pass(pass_a, "A"), read_pass(pass_b, "B"))
    flat = sorted((d.kind, d.label, d.detail) for d in found)
    assert flat == [
        ("attribute", "quote", "kind: 'indirect' vs 'mixed'"),
        ("boundary", "claim", ""),
        ("only_in_a", "date", ""),
        ("only_in_b", "cue", ""),
    ]
    rendered = render_disagreements(found)
    assert rendered.startswith("Disagreements: 4")
    assert "'January 10'" in rendered and "'said'" in rendered


def test_identical_passes_have_no_disagreements(tmp_path: Path) -> None:
    spans = [span("d1", "date", "January 6"), span("q1", "quote", "the signing will take place")]
    pass_a = write_pass(tmp_path / "a", {MINI_DOC_ID: spans})
    pass_b = write_pass(tmp_path / "b", {MINI_DOC_ID: copy.deepcopy(spans)})
    assert list_disagreements(read_pass(pass_a, "A"), read_pass(pass_b, "B")) == ()


def test_cli_details_adds_the_listing_in_text_and_json(tmp_path: Path, root: Path) -> None:
    pass_a = write_pass(tmp_path / "a", {MINI_DOC_ID: [span("d1", "date", "January 6")]})
    pass_b = write_pass(tmp_path / "b", {MINI_DOC_ID: [span("d1", "date", "January 6", value="2023-01-06")]})
    runner = CliRunner()
    text = runner.invoke(cli, ["agree", str(pass_a), str(pass_b), "--root", str(root), "--details"],
                         catch_exceptions=False)
    assert text.exit_code == 0
    assert "Disagreements: 1" in text.output and "value: 'XXXX' vs '2023-01-06'" in text.output
    as_json = runner.invoke(cli, ["agree", str(pass_a), str(pass_b), "--root", str(root), "--details", "--format", "json"],
                            catch_exceptions=False)
    payload = json.loads(as_json.output)
    assert [d["kind"] for d in payload["disagreements"]] == ["attribute"]
    assert payload["layers"] == json.loads(runner.invoke(cli, ["agree", str(pass_a), str(pass_b), "--root", str(root),
                                                               "--format", "json"]).output)["layers"]
