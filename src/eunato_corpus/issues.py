"""One record for every problem the validator finds, and the catalogue of rules.

Every check, whether it reads bytes, runs the JSON Schema or compares spans with
the seed text, reports through the same :class:`Issue`. Each issue names a rule
from :data:`RULES` by a slug id that never changes (``span-text-mismatch``), so
that tests, CI logs and other tools can rely on it. ``docs/rules.md`` is
generated from this catalogue (``eunato-corpus rules --markdown``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal


class Severity(str, Enum):
    """An error makes the corpus invalid; a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem at one place.

    ``file`` is the path shown to the user (relative to the corpus root where
    possible), ``line`` the 1-based line where the offending value starts (None
    where it cannot be told), ``pointer`` the JSON pointer of that value (``""``
    for the whole file).
    """

    file: str
    line: int | None
    pointer: str
    rule: str
    severity: Severity
    message: str
    doc_id: str | None = None
    span_id: str | None = None


def issue_sort_key(issue: Issue) -> tuple[str, int, str, str, str]:
    """The order of every report: by file, line, rule, pointer (then message)."""
    return (issue.file, issue.line if issue.line is not None else 0, issue.rule, issue.pointer, issue.message)


Level = Literal["file", "schema", "corpus", "release"]


@dataclass(frozen=True)
class Rule:
    """A kind of problem, with a stable id and an explanation for people.

    ``release_severity`` is the severity under ``validate --release`` where it
    differs from the usual one (drafts are tolerated while work is under way).
    """

    id: str
    level: Level
    severity: Severity
    title: str
    explanation: str
    release_severity: Severity | None = None

    def severity_for(self, release: bool) -> Severity:
        return self.release_severity if release and self.release_severity is not None else self.severity


E = Severity.ERROR
W = Severity.WARNING

_RULE_LIST: tuple[Rule, ...] = (
    # --- file level -------------------------------------------------------------
    Rule("file-missing", "file", E, "A required file is missing",
         "The corpus layout needs seeds/SHA256SUMS and annotations/entities.json; without them the seeds "
         "cannot be checked or entity references cannot be resolved."),
    Rule("file-empty", "file", E, "Empty file",
         "An annotation file holds nothing (or only whitespace). Write the file with the tools or delete it."),
    Rule("file-not-utf8", "file", E, "File is not UTF-8",
         "Annotation files are UTF-8 text. Re-save the file as UTF-8; the line shows the first byte that does "
         "not decode."),
    Rule("file-bom", "file", E, "File starts with a byte order mark",
         "Annotation files are UTF-8 without a BOM. Some editors add one on Windows; save without it or run "
         "'eunato-corpus fmt'."),
    Rule("file-crlf", "file", E, "Windows (CRLF) line endings",
         "Annotation files use '\\n' line endings only, so that diffs stay clean. Run 'eunato-corpus fmt' or set "
         "your editor (or git's core.autocrlf) to keep LF."),
    Rule("json-invalid", "file", E, "Invalid JSON",
         "The file does not parse as JSON; the message gives the line and column of the first syntax error. "
         "Nothing else in the file can be checked until it parses."),
    Rule("json-duplicate-key", "file", E, "Key repeated in one JSON object",
         "A JSON object names the same key twice; parsers silently keep only the last value, so one of the two "
         "edits would be lost. Keep one."),
    Rule("json-too-deep", "file", E, "JSON nested too deeply",
         "The file nests arrays or objects so deeply that it cannot be read safely. No annotation file needs "
         "more than a few levels."),
    Rule("file-not-canonical", "file", W, "File not in canonical form",
         "The tools write every annotation file in one canonical form (key order, span order, one span per "
         "line, two-space indent, trailing newline) so that diffs stay readable. Run 'eunato-corpus fmt'."),
    # --- schema level -----------------------------------------------------------
    Rule("schema-invalid", "schema", E, "Schema cannot be used",
         "A JSON Schema file is unreadable or refers ($ref) to something that cannot be resolved from the "
         "package's own schema files. Schemas are never fetched from the network."),
    Rule("schema-required", "schema", E, "Missing required field",
         "A field that the file format requires is absent. See docs/file-format.md for the fields of each "
         "record and of each span label."),
    Rule("schema-type", "schema", E, "Wrong JSON type",
         "A value has the wrong JSON type (e.g. a string where an integer offset belongs, or a number that "
         "JSON cannot hold exactly, such as 1e400)."),
    Rule("schema-enum", "schema", E, "Value not in the closed vocabulary",
         "Labels, statuses, quote kinds, TIMEX3 types and mods, genres, entity types, cluster types and "
         "relations come from closed lists (docs/file-format.md)."),
    Rule("schema-pattern", "schema", E, "Malformed identifier or date",
         "Ids are slugs (letters, digits, '_' and '-'; entity ids lowercase), so a doc_id can never name a path "
         "outside seeds/; dates are ISO 8601."),
    Rule("schema-unknown-field", "schema", E, "Unknown field",
         "The record has a field the file format does not define (often a typo of a real field name)."),
    Rule("schema-field-not-for-label", "schema", E, "Field does not apply to this span label",
         "Each span label carries exactly its own fields: entity for speaker; kind, speaker, speaker_span and "
         "cue for quote; claimant for claim; timex_type, value and mod for date; none for cue."),
    Rule("schema-range", "schema", E, "Value out of range",
         "A number is below its minimum or above its maximum (offsets are 0 to 2**31-1), or a string or list "
         "is too short or too long (e.g. empty text, a body with no range)."),
    Rule("schema-other", "schema", E, "Other schema violation",
         "The value breaks a constraint of the JSON Schema not covered by a more specific rule."),
    # --- seeds --------------------------------------------------------------------
    Rule("manifest-malformed", "corpus", E, "Malformed line in SHA256SUMS",
         "Each line of seeds/SHA256SUMS is '<64 hex digits>  <file name>', as written by sha256sum."),
    Rule("manifest-entry-no-seed", "corpus", E, "Manifest names a seed that does not exist",
         "seeds/SHA256SUMS lists a file that is not in seeds/. Restore the seed or remove the line."),
    Rule("seed-not-in-manifest", "corpus", E, "Seed missing from SHA256SUMS",
         "Every seed text is listed in seeds/SHA256SUMS so that any change to it is noticed."),
    Rule("seed-checksum-mismatch", "corpus", E, "Seed text changed",
         "The seed's SHA-256 differs from seeds/SHA256SUMS: the raw text was edited. Seeds are never edited "
         "(not even to fix a typo); restore it byte for byte. Spans whose text no longer matches are reported "
         "as span-text-mismatch."),
    Rule("seed-not-utf8", "corpus", E, "Seed is not UTF-8",
         "Seed texts are decoded as UTF-8 and offsets count code points of that text."),
    Rule("seed-no-annotation", "corpus", W, "Seed without annotation file",
         "A seed in seeds/ has no annotation file in docs/. Tolerated while annotation is under way; an error "
         "in --release mode.", release_severity=E),
    Rule("annotation-no-seed", "corpus", E, "Annotation file without seed",
         "An annotation file's name (its doc_id) matches no seeds/<doc_id>.txt, so its offsets point nowhere."),
    # --- documents ------------------------------------------------------------------
    Rule("doc-id-mismatch", "corpus", E, "doc_id differs from the file name",
         "A document's doc_id is the stem of its file name and of its seed; the file name is what the tools "
         "trust."),
    Rule("date-invalid", "corpus", E, "Not a real calendar date",
         "dct and published must be real dates and times (e.g. not 2023-02-30 or 25:00)."),
    Rule("body-range-invalid", "corpus", E, "Body range outside the text or empty",
         "Each body range is a non-empty [start, end) inside the seed text."),
    Rule("body-overlap", "corpus", E, "Body ranges out of order or overlapping",
         "Body ranges are listed in text order and do not overlap."),
    # --- spans ----------------------------------------------------------------------
    Rule("span-id-duplicate", "corpus", E, "Duplicate span id",
         "span_id is unique within its document; references and links would be ambiguous otherwise."),
    Rule("offset-not-integer", "corpus", E, "Offset written as a decimal number",
         "Offsets are whole numbers written without a decimal point or exponent (7, not 7.0). JSON Schema counts "
         "7.0 as an integer, so the schema lets it through; tools that read offsets as integers would not."),
    Rule("offset-out-of-range", "corpus", E, "Offset past the end of the text",
         "start and end are code-point offsets into the seed text and must not exceed its length."),
    Rule("span-reversed", "corpus", E, "Span ends before it starts",
         "Offsets are half-open [start, end) with start < end."),
    Rule("span-empty", "corpus", E, "Zero-length span",
         "A span covers at least one character (start < end)."),
    Rule("span-text-mismatch", "corpus", E, "Span text differs from the seed",
         "A span's text must equal raw[start:end], counted in Unicode code points (Python str indices), not "
         "bytes or UTF-16 units. Usually an off-by-one offset or an edited seed."),
    Rule("span-edge-whitespace", "corpus", E, "Span starts or ends with whitespace",
         "Span edges sit on the expression itself, never on spaces, newlines or NBSPs."),
    Rule("unknown-entity", "corpus", E, "Entity id not in the registry",
         "entity, speaker, claimant, outlet_entity, the document speaker and group members name entities of "
         "annotations/entities.json."),
    Rule("dangling-speaker-span", "corpus", E, "speaker_span names no span",
         "A quote's speaker_span is the span_id of a span in the same document, or null."),
    Rule("speaker-span-not-speaker", "corpus", E, "speaker_span is not a speaker span",
         "A quote's speaker_span must name a span labelled speaker."),
    Rule("dangling-cue", "corpus", E, "cue names no span",
         "A quote's cue is the span_id of a span in the same document, or null."),
    Rule("cue-not-cue", "corpus", E, "cue is not a cue span",
         "A quote's cue must name a span labelled cue."),
    Rule("speaker-mismatch", "corpus", E, "Quote speaker differs from its speaker span",
         "A quote's speaker is the entity of its speaker span; one of the two is wrong."),
    Rule("timex-value-invalid", "corpus", E, "TIMEX3 value does not fit its type",
         "DATE: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Www, YYYY-Qn, YYYY-SP/SU/FA/WI, 200X, 199, 19XX, PRESENT_REF, "
         "PAST_REF, FUTURE_REF; TIME: a date with Thh:mm[:ss][Z|+hh:mm] or TMO/TAF/TEV/TNI; DURATION: P1Y, PXD, "
         "PT2H; SET: a duration (P1W) or a date pattern with X (XXXX-WXX-1)."),
    # --- registry and links ---------------------------------------------------------------
    Rule("entity-id-duplicate", "corpus", E, "Duplicate entity id",
         "Each entity_id appears once in the registry."),
    Rule("entity-members-mismatch", "corpus", E, "Members on a non-group entity",
         "Only entities of type group list members; a person or organization has members []."),
    Rule("cluster-id-duplicate", "corpus", E, "Duplicate cluster id",
         "Each cluster_id appears once in links.json."),
    Rule("cluster-too-small", "corpus", E, "Cluster links nothing",
         "A cluster has at least two members, or one member and a primary_text."),
    Rule("link-member-duplicate", "corpus", E, "Span listed twice in one cluster",
         "A cluster lists each member span once."),
    Rule("link-unknown-doc", "corpus", E, "Link member in an unknown document",
         "A link member's doc_id must have an annotation file in docs/."),
    Rule("link-unknown-span", "corpus", E, "Link member names no span",
         "A link member's span_id must exist in the named document. Not reported for a document whose "
         "spans cannot be read (a file that does not parse): that file's own error is the one to fix."),
    Rule("link-wrong-label", "corpus", E, "Link member has the wrong label",
         "quote_cluster members are quote spans; claim_cluster members are claim spans."),
    Rule("primary-text-not-in-source", "corpus", W, "primary_text not found in the primary source",
         "A cluster's primary_text is the primary source's sentence(s), copied exactly, so it must occur "
         "verbatim in the text of a document of genre official_statement. A warning while work is under way, "
         "an error under --release.", release_severity=E),
    Rule("quote-cluster-speakers", "corpus", E, "Quote cluster mixes speakers",
         "A quote_cluster groups the reports of one utterance by one speaker, so every member quote "
         "names the same speaker entity."),
    # --- release ---------------------------------------------------------------------------
    Rule("span-draft", "release", W, "Span still a draft",
         "Every span is read in context and confirmed by a person before release (status verified). Drafts "
         "are warnings while work is under way and errors under 'validate --release'.", release_severity=E),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULE_LIST}


def rules_markdown() -> str:
    """The rule catalogue as Markdown: the text of ``docs/rules.md``."""
    lines = [
        "# Validation rules",
        "",
        "Generated from `eunato_corpus.issues.RULES` by `eunato-corpus rules --markdown`; do not edit by hand",
        "(`tests/test_rules.py` fails when this page is stale). Rule ids never change: tools and CI logs may",
        "rely on them. `validate --release` raises the severity of the rules marked so.",
        "",
        "| id | level | severity | title |",
        "|---|---|---|---|",
    ]
    for rule in _RULE_LIST:
        severity = rule.severity.value
        if rule.release_severity is not None:
            severity += f" ({rule.release_severity.value} with --release)"
        lines.append(f"| `{rule.id}` | {rule.level} | {severity} | {rule.title} |")
    lines.append("")
    for rule in _RULE_LIST:
        lines += [f"## `{rule.id}`", "", f"*{rule.level} level, {rule.severity.value}.* {rule.title}.", "", rule.explanation, ""]
    return "\n".join(lines)


def rules_text() -> str:
    """The rule catalogue as plain text, one rule a line."""
    width = max(len(rule.id) for rule in _RULE_LIST)
    return "\n".join(f"{rule.id:<{width}}  {rule.level:<6}  {rule.severity.value:<7}  {rule.title}" for rule in _RULE_LIST)
