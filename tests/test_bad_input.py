"""Issue 4, part 1: every way an annotation file can be wrong gets its exact rule,
a clear message and no traceback. Built on the mini corpus (seed 003)."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_DOC_ID

from eunato_corpus.issues import Issue
from eunato_corpus.rules import TIMEX_CHECKS
from eunato_corpus.validation import validate

DOC = f"annotations/docs/{MINI_DOC_ID}.json"
Edit = Callable[[Path, Callable[[Any], Any]], None]


def found(root: Path, **kwargs: Any) -> list[tuple[str, str]]:
    return [(i.rule, i.pointer) for i in validate(root, **kwargs).issues]


def only(root: Path, rule: str) -> Issue:
    matches = [i for i in validate(root).issues if i.rule == rule]
    assert len(matches) == 1, validate(root).issues
    return matches[0]


def doc_path(root: Path) -> Path:
    return root / DOC


def drop(record: dict[str, Any], key: str) -> None:
    del record[key]


def set_span(index: int, **fields: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["spans"][index].update(fields)

    return change


# --- bytes and syntax ----------------------------------------------------------------


def test_invalid_json_reports_line_and_column(mini_corpus: Path) -> None:
    path = doc_path(mini_corpus)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace('",', '"', 1)  # drop a comma on line 6
    path.write_text("".join(lines), encoding="utf-8")
    issue = only(mini_corpus, "json-invalid")
    assert issue.line == 7 and "line 7 column 3" in issue.message and issue.file == DOC


def test_not_utf8_names_the_line(mini_corpus: Path) -> None:
    path = doc_path(mini_corpus)
    path.write_bytes(path.read_bytes().replace(b"RIA Novosti", b"RIA Novost\xef", 1))
    issue = only(mini_corpus, "file-not-utf8")
    assert issue.line == 4 and "0xef" in issue.message


def test_bom_and_crlf_are_reported_and_the_rest_still_checked(mini_corpus: Path) -> None:
    path = doc_path(mini_corpus)
    text = path.read_text(encoding="utf-8").replace('"text": "said"', '"text": "says"')
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert found(mini_corpus) == [("file-bom", ""), ("file-crlf", ""), ("span-text-mismatch", "/spans/6/text")]


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(mini_corpus: Path, content: bytes) -> None:
    doc_path(mini_corpus).write_bytes(content)
    assert found(mini_corpus) == [("file-empty", "")]


def test_deep_nesting_does_not_crash(mini_corpus: Path) -> None:
    doc_path(mini_corpus).write_text("[" * 10000 + "]" * 10000, encoding="utf-8")
    assert found(mini_corpus) == [("json-too-deep", "")]


def test_nesting_that_parses_is_still_checked(mini_corpus: Path, edit_json: Edit) -> None:
    nested: Any = "x"
    for _ in range(600):
        nested = [nested]
    edit_json(doc_path(mini_corpus), set_span(0, text=nested))
    assert ("schema-type", "/spans/0/text") in found(mini_corpus)


def test_huge_numbers(mini_corpus: Path) -> None:
    path = doc_path(mini_corpus)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"end": 16,', '"end": 1e400,').replace('"start": 102,', f'"start": {10**30},'), encoding="utf-8")
    assert found(mini_corpus) == [("schema-type", "/spans/0/end"), ("schema-range", "/spans/1/start")]
    path.write_text(text.replace('"end": 16,', '"end": 1' + "0" * 5000 + ","), encoding="utf-8")
    assert found(mini_corpus) == [("json-invalid", "")]


def test_nan_is_not_json(mini_corpus: Path) -> None:
    path = doc_path(mini_corpus)
    path.write_text(path.read_text(encoding="utf-8").replace('"end": 16,', '"end": NaN,'), encoding="utf-8")
    assert found(mini_corpus) == [("json-invalid", "")]


# --- schema ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (set_span(0, start="6"), [("schema-type", "/spans/0/start")]),
        (lambda d: d.update(translated="no"), [("schema-type", "/translated")]),
        (lambda d: d.update(spans={}), [("schema-type", "/spans")]),
        (lambda d: d["spans"].__setitem__(0, "d1"), [("schema-type", "/spans/0")]),
        (lambda d: [], [("schema-type", "")]),
        (lambda d: drop(d, "title"), [("schema-required", "")]),
        (lambda d: drop(d["spans"][0], "text"), [("schema-required", "/spans/0")]),
        (set_span(6, label="verb"), [("cue-not-cue", "/spans/2/cue"), ("schema-enum", "/spans/6/label")]),
        (set_span(0, status="checked"), [("schema-enum", "/spans/0/status")]),
        (lambda d: d.update(notes="todo"), [("schema-unknown-field", "/notes")]),
        (set_span(0, Text="2023-01-06"), [("schema-unknown-field", "/spans/0/Text")]),
        (set_span(3, entity="nato"), [("schema-field-not-for-label", "/spans/3/entity")]),
        (set_span(6, speaker="nato", claimant="nato"),
         [("schema-field-not-for-label", "/spans/6/speaker"), ("schema-field-not-for-label", "/spans/6/claimant")]),
        (lambda d: d.update(dct="10 January 2023"), [("schema-pattern", "/dct")]),
        (lambda d: d.update(speaker=5), [("schema-type", "/speaker")]),
    ],
    ids=["offset-string", "bool-string", "spans-object", "span-string", "top-array", "missing-title", "missing-text",
         "unknown-label", "unknown-status", "unknown-top-field", "unknown-span-field", "entity-on-claim",
         "quote-fields-on-cue", "dct-shape", "speaker-int"],
)
def test_schema_errors(mini_corpus: Path, edit_json: Edit, change: Callable[[Any], Any], expected: list[tuple[str, str]]) -> None:
    edit_json(doc_path(mini_corpus), change)
    assert [r for r in found(mini_corpus) if r[0] != "file-not-canonical"] == expected


def test_missing_field_message_names_it(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), lambda d: drop(d["spans"][2], "speaker_span"))
    issue = only(mini_corpus, "schema-required")
    assert issue.message == "missing required field 'speaker_span' in /spans/2" and issue.span_id == "q1"


def test_field_not_for_label_message(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), set_span(5, kind="direct"))
    assert only(mini_corpus, "schema-field-not-for-label").message == "field 'kind' does not apply to a speaker span"


# --- offsets and text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"start": -1}, [("schema-range", "/spans/6/start")]),
        ({"start": 387, "end": 383}, [("span-reversed", "/spans/6/end")]),
        ({"end": 383}, [("span-empty", "/spans/6/end")]),
        ({"end": 5000}, [("offset-out-of-range", "/spans/6/end")]),
        ({"end": 388}, [("span-edge-whitespace", "/spans/6"), ("span-text-mismatch", "/spans/6/text")]),
        ({"start": 384}, [("span-text-mismatch", "/spans/6/text")]),
        ({"start": 382, "text": " said"}, [("span-edge-whitespace", "/spans/6")]),
        ({"text": "Said"}, [("span-text-mismatch", "/spans/6/text")]),
    ],
    ids=["negative", "reversed", "zero-length", "past-end", "off-by-one-end", "off-by-one-start", "leading-space", "case"],
)
def test_offsets(mini_corpus: Path, edit_json: Edit, fields: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    edit_json(doc_path(mini_corpus), set_span(6, **fields))
    assert [r for r in found(mini_corpus) if r[0] != "file-not-canonical"] == expected


def test_offsets_count_code_points(tmp_path: Path) -> None:
    """A curly quote is one code point (three UTF-8 bytes, one UTF-16 unit)."""
    from conftest import MINI_DOCUMENT, write_corpus

    root = write_corpus(tmp_path / "c")
    seed = root / "seeds" / f"{MINI_DOC_ID}.txt"
    text = seed.read_text(encoding="utf-8")
    assert "–" in text[:127]  # an en dash before q1 shifts byte offsets but not code points
    assert validate(root).ok
    assert len(text[:127].encode("utf-8")) != 127 and MINI_DOCUMENT["spans"][2]["start"] == 127


def test_body_ranges(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), lambda d: d.update(body=[{"start": 500, "end": 400}, {"start": 300, "end": 9999}]))
    assert [r for r in found(mini_corpus) if r[0] != "file-not-canonical"] == [("body-range-invalid", "/body/0"), ("body-overlap", "/body/1"), ("body-range-invalid", "/body/1")]


# --- ids and references ----------------------------------------------------------------------


def test_duplicate_ids(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), set_span(7, span_id="d1"))
    edit_json(mini_corpus / "annotations" / "entities.json", lambda d: d["entities"].append(dict(d["entities"][1])))
    cluster = {"cluster_id": "cc1", "cluster_type": "claim_cluster", "description": "x", "primary_text": "p",
               "members": [{"doc_id": MINI_DOC_ID, "span_id": "c1", "relation": None}]}
    edit_json(mini_corpus / "annotations" / "links.json", lambda d: d.update(clusters=[cluster, cluster]))
    rules = {r for r, _ in found(mini_corpus)}
    assert {"span-id-duplicate", "entity-id-duplicate", "cluster-id-duplicate"} <= rules


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (set_span(2, speaker_span="s7"), ("dangling-speaker-span", "/spans/2/speaker_span")),
        (set_span(2, speaker_span="d1"), ("speaker-span-not-speaker", "/spans/2/speaker_span")),
        (set_span(2, cue="k7"), ("dangling-cue", "/spans/2/cue")),
        (set_span(2, cue="q1"), ("cue-not-cue", "/spans/2/cue")),
        (set_span(5, entity="north_atlantic_alliance"), ("unknown-entity", "/spans/5/entity")),
        (set_span(3, claimant="kremlin"), ("unknown-entity", "/spans/3/claimant")),
        (lambda d: d.update(outlet_entity="ria"), ("unknown-entity", "/outlet_entity")),
        (lambda d: d.update(speaker="ursula_von_der_leyen"), ("unknown-entity", "/speaker")),
        (set_span(2, speaker="ria_novosti"), ("speaker-mismatch", "/spans/2/speaker")),
    ],
    ids=["speaker-span", "speaker-span-label", "cue", "cue-label", "speaker-entity", "claimant", "outlet", "doc-speaker", "mismatch"],
)
def test_dangling_references(mini_corpus: Path, edit_json: Edit, change: Callable[[Any], Any], expected: tuple[str, str]) -> None:
    edit_json(doc_path(mini_corpus), change)
    report = found(mini_corpus)
    assert expected in report


def test_unknown_quote_speaker_is_reported_with_the_mismatch(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), set_span(2, speaker="kremlin"))
    assert [r for r in found(mini_corpus) if r[0] != "file-not-canonical"] == [("speaker-mismatch", "/spans/2/speaker"), ("unknown-entity", "/spans/2/speaker")]


def test_dangling_links_and_group_members(mini_corpus: Path, edit_json: Edit) -> None:
    members = [{"doc_id": MINI_DOC_ID, "span_id": "c1", "relation": None},
               {"doc_id": MINI_DOC_ID, "span_id": "c9", "relation": None},
               {"doc_id": "000_elsewhere", "span_id": "c1", "relation": None},
               {"doc_id": MINI_DOC_ID, "span_id": "q1", "relation": "verbatim"}]
    cluster = {"cluster_id": "cc1", "cluster_type": "claim_cluster", "description": "x", "primary_text": None, "members": members}
    edit_json(mini_corpus / "annotations" / "links.json", lambda d: d.update(clusters=[cluster]))
    group = {"entity_id": "leaders", "type": "group", "name": "Leaders", "aliases": [], "members": ["nato", "charles_michel"]}
    edit_json(mini_corpus / "annotations" / "entities.json", lambda d: d["entities"].append(group))
    assert [r for r in found(mini_corpus) if r[0] != "file-not-canonical"] == [
        ("unknown-entity", "/entities/2/members/1"),
        ("link-unknown-span", "/clusters/0/members/1/span_id"),
        ("link-unknown-doc", "/clusters/0/members/2/doc_id"),
        ("link-wrong-label", "/clusters/0/members/3/span_id"),
    ]


@pytest.mark.parametrize(("name", "damage"), [
    ("not JSON", lambda path: path.write_text('{"doc_id": ', encoding="utf-8")),
    ("empty", lambda path: path.write_bytes(b"")),
    ("spans not a list", lambda path: path.write_text(
        path.read_text(encoding="utf-8").replace('"spans": [', '"spans": {"x": [', 1).replace("\n  ]\n}", "\n  ]}\n}"),
        encoding="utf-8")),
])
def test_members_in_an_unreadable_document_are_not_each_reported(mini_corpus: Path, edit_json: Edit, name: str,
                                                                   damage: Callable[[Path], Any]) -> None:
    members = [{"doc_id": MINI_DOC_ID, "span_id": "c1", "relation": None},
               {"doc_id": MINI_DOC_ID, "span_id": "c9", "relation": None}]
    cluster = {"cluster_id": "cc1", "cluster_type": "claim_cluster", "description": "x", "primary_text": None, "members": members}
    edit_json(mini_corpus / "annotations" / "links.json", lambda d: d.update(clusters=[cluster]))
    # While the document reads, its members are checked: c9 names no span.
    assert ("link-unknown-span", "/clusters/0/members/1/span_id") in found(mini_corpus)
    damage(doc_path(mini_corpus))
    rules = [rule for rule, _ in found(mini_corpus)]
    assert rules and not [rule for rule in rules if rule.startswith("link-")], (name, rules)


def test_members_in_a_readable_but_invalid_document_are_still_checked(mini_corpus: Path, edit_json: Edit) -> None:
    members = [{"doc_id": MINI_DOC_ID, "span_id": "c1", "relation": None},
               {"doc_id": MINI_DOC_ID, "span_id": "c9", "relation": None}]
    cluster = {"cluster_id": "cc1", "cluster_type": "claim_cluster", "description": "x", "primary_text": None, "members": members}
    edit_json(mini_corpus / "annotations" / "links.json", lambda d: d.update(clusters=[cluster]))
    edit_json(doc_path(mini_corpus), lambda d: d.update(language="english"))
    assert ("link-unknown-span", "/clusters/0/members/1/span_id") in found(mini_corpus)


# --- TIMEX3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timex_type", "value", "ok"),
    [
        ("DATE", "2023", True), ("DATE", "2023-01", True), ("DATE", "2023-01-10", True), ("DATE", "2023-W02", True),
        ("DATE", "2023-Q1", True), ("DATE", "2022-SU", True), ("DATE", "200X", True), ("DATE", "199", True),
        ("DATE", "19XX", True), ("DATE", "PRESENT_REF", True), ("DATE", "PAST_REF", True), ("DATE", "XXXX-06", True),
        ("DATE", "2023-02-30", False), ("DATE", "2023-13", False), ("DATE", "January 2023", False), ("DATE", "P1Y", False),
        ("DATE", "2023-01-10T11:00", False), ("DATE", "23-01-10", False),
        ("TIME", "2023-01-10T11:00", True), ("TIME", "2023-01-10T13:00+03:00", True), ("TIME", "2023-01-10T11:30:15Z", True),
        ("TIME", "2023-01-10TMO", True), ("TIME", "2023-01-10TEV", True), ("TIME", "2023-01-10", False),
        ("TIME", "2023-01-10T25:00", False), ("TIME", "11:00", False),
        ("DURATION", "P1Y", True), ("DURATION", "PXD", True), ("DURATION", "PT2H", True), ("DURATION", "P2W", True),
        ("DURATION", "P1Y6M", True), ("DURATION", "PT1H30M", True), ("DURATION", "P", False), ("DURATION", "PT", False),
        ("DURATION", "2023", False), ("DURATION", "P1H", False),
        ("SET", "P1W", True), ("SET", "XXXX-WXX-1", True), ("SET", "XXXX-XX-XX", True), ("SET", "weekly", False),
    ],
)
def test_timex_values(timex_type: str, value: str, ok: bool) -> None:
    assert TIMEX_CHECKS[timex_type](value) is ok


def test_timex_value_that_does_not_fit_its_type(mini_corpus: Path, edit_json: Edit) -> None:
    edit_json(doc_path(mini_corpus), set_span(7, timex_type="DURATION"))
    issue = only(mini_corpus, "timex-value-invalid")
    assert issue.pointer == "/spans/7/value" and "'2023-01-10T11:00' is not a valid TIMEX3 DURATION" in issue.message


# --- seeds --------------------------------------------------------------------------------------


def test_seed_edited_by_one_character_names_every_broken_span(mini_corpus: Path) -> None:
    seed = mini_corpus / "seeds" / f"{MINI_DOC_ID}.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_bytes(text.replace("January 10", "January 11").encode("utf-8"))
    result = validate(mini_corpus)
    assert {(i.file, i.rule) for i in result.issues if i.span_id is None} == {(f"seeds/{MINI_DOC_ID}.txt", "seed-checksum-mismatch")}
    assert sorted(i.span_id for i in result.issues if i.rule == "span-text-mismatch") == ["c1", "d3", "q1"]


def test_seed_and_annotation_without_counterpart(mini_corpus: Path) -> None:
    (mini_corpus / "seeds" / "005_new.txt").write_text("A new text.\n", encoding="utf-8")
    orphan = mini_corpus / "annotations" / "docs" / "006_orphan.json"
    orphan.write_text(doc_path(mini_corpus).read_text(encoding="utf-8").replace(MINI_DOC_ID, "006_orphan"), encoding="utf-8")
    assert found(mini_corpus) == [
        ("annotation-no-seed", ""),
        ("seed-no-annotation", ""),
        ("seed-not-in-manifest", ""),
    ]
    assert not validate(mini_corpus).ok


def test_path_traversal_doc_id_is_rejected_and_never_opened(mini_corpus: Path, edit_json: Edit, monkeypatch: pytest.MonkeyPatch) -> None:
    edit_json(doc_path(mini_corpus), lambda d: d.update(doc_id="../../../etc/passwd"))
    member = {"doc_id": "../seeds/003_5a94345587d8207d", "span_id": "q1", "relation": None}
    edit_json(mini_corpus / "annotations" / "links.json",
              lambda d: d.update(clusters=[{"cluster_id": "qc1", "cluster_type": "quote_cluster", "description": "x",
                                            "primary_text": "p", "members": [member]}]))
    opened: list[str] = []
    original = pathlib.Path.read_bytes

    def spy(self: pathlib.Path) -> bytes:
        opened.append(str(self))
        return original(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", spy)
    report = found(mini_corpus)
    assert ("schema-pattern", "/doc_id") in report and ("doc-id-mismatch", "/doc_id") in report
    assert ("schema-pattern", "/clusters/0/members/0/doc_id") in report
    assert ("link-unknown-doc", "/clusters/0/members/0/doc_id") in report
    assert opened and not any(".." in p or "passwd" in p for p in opened)


def test_everything_at_once_is_reported_in_one_run(mini_corpus: Path, edit_json: Edit) -> None:
    def break_all(d: Any) -> None:
        d["spans"][0].update(start=-3)
        d["spans"][2].update(cue="zz")
        d["spans"][6].update(text="sad")
        d.update(dct="2023-02-30")

    edit_json(doc_path(mini_corpus), break_all)
    (mini_corpus / "annotations" / "entities.json").write_text("{", encoding="utf-8")
    (mini_corpus / "annotations" / "links.json").write_bytes(b"\xff")
    rules = [r for r, _ in found(mini_corpus)]
    assert {"schema-range", "dangling-cue", "span-text-mismatch", "date-invalid", "json-invalid", "file-not-utf8"} <= set(rules)


def test_unreadable_registry_does_not_flood_unknown_entity(mini_corpus: Path) -> None:
    (mini_corpus / "annotations" / "entities.json").write_text("{]", encoding="utf-8")
    assert found(mini_corpus) == [("json-invalid", "")]


def test_issue_records_serialise(mini_corpus: Path, edit_json: Edit) -> None:
    from dataclasses import asdict

    edit_json(doc_path(mini_corpus), set_span(6, text="sad"))
    records = [json.loads(json.dumps(asdict(i))) for i in validate(mini_corpus).issues]
    assert records[-1]["severity"] in ("error", "warning") and any(r["rule"] == "span-text-mismatch" for r in records)


@pytest.mark.parametrize("label", [["quote"], {"name": "quote"}])
def test_a_label_that_is_a_list_or_object_is_reported_not_a_traceback(mini_corpus: Path, edit_json: Edit,
                                                                      label: Any) -> None:
    # Sorting spans for the canonical form once hashed the label.
    edit_json(doc_path(mini_corpus), set_span(0, label=label))
    assert ("schema-enum", "/spans/0/label") in found(mini_corpus)
