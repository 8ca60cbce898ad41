"""A generator of realistic synthetic corpora in eunato-corpus's own file format.

The benchmark (``benchmarks/run.py``) and anyone who wants to try the tools at
scale need a corpus far larger than the five real texts, laid out and annotated
exactly like them. This module writes one:

* ``seeds/<doc_id>.txt``: news-like articles (a header line, a headline, a
  dateline, paragraphs of reported speech in curly quotes, a footer) with the
  characters real texts carry: Turkish, Nordic and Central European names
  (Ö, ğ, ş, İ, é, ł ...), en and em dashes, curly apostrophes and NBSPs;
* ``seeds/SHA256SUMS``: their manifest;
* ``annotations/docs/<doc_id>.json``: every layer (speaker, cue, quote with its
  speaker span and cue, claim, date with TIMEX3 values of all four types),
  written in canonical form with :func:`eunato_corpus.io.write_annotation_file`;
* ``annotations/entities.json``: the registry of every entity the spans use;
* ``annotations/links.json``: quote and claim clusters across documents.

Every span satisfies ``text == raw[start:end]`` in code points, has no
whitespace at its edges and is ``verified``. The corpus holds exactly the
requested number of spans and is a pure function of ``seed`` (each document
draws from its own ``random.Random`` seeded by ``(seed, index)``).

Documents are generated and written one at a time; what stays in memory is
bounded by one document plus small indexes (manifest lines, link members, the
ids of entities in use) and the texts of the official statements (about one
document in twenty), whose words a cluster's ``primary_text`` must copy.

Usage::

    python benchmarks/generate.py OUT --spans 1000000 [--seed 0] [--spans-per-doc 300]

The people, outlets and organisations are invented; the quotations are
synthetic and attributed to no real person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eunato_corpus.io import (
    CorpusPaths,
    write_annotation_file,
    write_bytes_atomic,
    write_text_atomic,
)
from eunato_corpus.model import LABELS, OFFICIAL_GENRE

DEFAULT_SPANS_PER_DOC = 300

# --- invented people, organisations and outlets ------------------------------------

FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Ayşe", "f"), ("Mehmet", "m"), ("Gökhan", "m"), ("Özlem", "f"), ("Ingrid", "f"), ("Björn", "m"),
    ("Élodie", "f"), ("Jürgen", "m"), ("Zoë", "f"), ("Łukasz", "m"), ("Tomáš", "m"), ("Renée", "f"),
    ("Nuño", "m"), ("Şebnem", "f"), ("Çağla", "f"), ("Søren", "m"), ("Małgorzata", "f"), ("Iñaki", "m"),
    ("Dóra", "f"), ("Matthias", "m"), ("Leonor", "f"), ("Kostas", "m"), ("Anneli", "f"), ("Niklas", "m"),
    ("Eléonore", "f"), ("Radosław", "m"), ("Aurélie", "f"), ("Tuğba", "f"), ("Oğuz", "m"), ("Mārtiņš", "m"),
)
LAST_NAMES: tuple[str, ...] = (
    "Öztürk", "Yılmaz", "Şahin", "Doğan", "Söderström", "Ågren", "Marchand", "Weiß", "Ćosić", "Wróbel",
    "Dvořák", "Lefèvre", "Peña", "Kağan", "Nørgaard", "Kowalczyk", "Etxeberria", "Szabó", "Müller",
    "Häkkinen", "Jovanović", "Brânzei", "Castaño", "Grönholm", "Kühn", "Zieliński", "Ferreira",
    "Vukčević", "İnce", "Lindqvist",
)
ROLES: tuple[str, ...] = (
    "Foreign Minister", "Defence Minister", "Deputy Secretary General", "Commissioner for Security",
    "Deputy Prime Minister", "Ambassador", "Chief Negotiator", "Chair of the Military Committee",
    "Minister for European Affairs", "Senior Adviser",
)
ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("alliance_press_service", "the Alliance press service"),
    ("council_secretariat", "the Council secretariat"),
    ("ministry_of_foreign_affairs", "the Ministry of Foreign Affairs"),
    ("defence_ministry", "the Defence Ministry"),
    ("joint_security_committee", "the Joint Committee on Security"),
    ("northern_policy_institute", "the Northern Policy Institute"),
    ("maritime_task_force", "the Maritime Task Force"),
)
COLLECTIVES: tuple[tuple[str, str], ...] = (
    ("diplomats", "diplomats"),
    ("european_sources", "European sources"),
    ("officials_familiar", "officials familiar with the talks"),
    ("alliance_officials", "Alliance officials"),
)
# (name, entity id, genre, language the wire translates from or None)
OUTLETS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Baltic Ledger", "baltic_ledger", "news", None),
    ("Anatolian Wire Service", "anatolian_wire", "wire", "Turkish"),
    ("Rhine Courier", "rhine_courier", "news", None),
    ("Danube Post", "danube_post", "news", None),
    ("Aegean Herald", "aegean_herald", "news", "Greek"),
    ("Nordic Dispatch", "nordic_dispatch", "wire", None),
    ("Iberia Today", "iberia_today", "news", "Spanish"),
)
STATEMENT_OUTLET = ("Council Press Office", "council_press_office")
DATELINES = ("BRUSSELS", "ANKARA", "İSTANBUL", "VILNIUS", "WARSAW", "BUCHAREST", "REYKJAVÍK", "TALLINN", "MADRID")
PLACES = ("Brussels", "İstanbul", "Kraków", "Reykjavík", "Tromsø", "Gdańsk", "Thessaloniki", "Köln", "Tartu", "Constanța")
SECTIONS = ("World", "Europe", "Politics", "Security")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")
NUMBER_VALUES = (2, 3, 4, 5, 6, 7, 8, 9, 10, 12)
AGREEMENTS = (
    "joint declaration", "security pact", "memorandum on cyber defence", "maritime cooperation plan",
    "road map on military mobility", "EU–NATO task force mandate",
)
INITIATIVES = ("air-policing mission", "cyber-response network", "military-mobility project", "Black Sea demining group")
UNITS = ("engineers", "air-defence crews", "medical teams", "naval officers", "logistics specialists")

# (direct form, indirect form) of opinions, promises and value judgements: quotes, never claims.
OPINIONS: tuple[tuple[str, str], ...] = (
    ("We will stand together for as long as it takes", "the allies would stand together for as long as it takes"),
    ("This is a historic step for our partnership", "the agreement was a historic step for the partnership"),
    ("Our unity is our strength – and our answer", "unity was the allies’ strength and their answer"),
    ("We must do more, and we must do it faster", "Europe had to do more, and faster"),
    ("Nobody should doubt our resolve", "nobody should doubt the Alliance’s resolve"),
    ("The door remains open to dialogue, but not at any price", "the door remained open to dialogue, but not at any price"),
    ("Security in Europe is indivisible", "security in Europe was indivisible"),
    ("We owe this to the people of Ukraine", "the partners owed this to the people of Ukraine"),
    ("Cooperation between our institutions has never been closer", "cooperation between the institutions had never been closer"),
    ("Words must now be followed by deeds", "words now had to be followed by deeds"),
    ("There is no room for complacency — none at all", "there was no room for complacency"),
    ("Our citizens expect results, not communiqués", "citizens expected results rather than communiqués"),
)
OPINION_TAILS: tuple[str, ...] = (
    "and we will not be divided", "but we cannot do it alone", "because our security depends on it",
    "and we will keep our word", "and that is the message we send to Moscow", "whatever the cost",
)
FILLERS: tuple[str, ...] = (
    "The meeting drew reporters from across the region.",
    "Analysts were divided on what the step would mean in practice.",
    "The ceremony was broadcast live on several channels.",
    "Details of the financing were not made public.",
    "Critics called the text vague — supporters called it overdue.",
    "The atmosphere in the hall was described as businesslike.",
)
CUES_POST: tuple[str, ...] = ("said", "stressed", "added", "noted", "warned", "insisted", "told reporters", "wrote", "recalled")
CUES_THAT: tuple[str, ...] = ("said", "stressed", "noted", "warned", "insisted", "told reporters", "argued", "explained")
CUES_MIXED: tuple[str, ...] = ("called", "has called")


# Letters that NFKD does not decompose into an ASCII base letter.
_FOLD: dict[int, str] = {ord(k): v for k, v in {"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d"}.items()}


def slug(name: str) -> str:
    """A registry id for a name: ASCII-folded, lowercase, underscores."""
    folded = name.translate(_FOLD)
    ascii_name = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii").lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_name).split()
    return "_".join(words)


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    gender: str
    role: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @functools.cached_property
    def entity_id(self) -> str:
        return slug(self.name)

    @property
    def description(self) -> str:
        return f"the {self.role.lower()}"

    @property
    def pronoun(self) -> str:
        return "she" if self.gender == "f" else "he"

    def record(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "type": "person", "name": self.name,
                "aliases": [self.last, self.description], "members": []}


@functools.cache  # at most N_PEOPLE entries
def person(index: int) -> Person:
    """The index-th invented person (a pure function of the index)."""
    first, gender = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return Person(first, last, gender, ROLES[(index * 7) % len(ROLES)])


N_PEOPLE = len(FIRST_NAMES) * len(LAST_NAMES)

# --- TIMEX3 expressions -------------------------------------------------------------


@dataclass(frozen=True)
class Timex:
    """A temporal expression as written, with its TIMEX3 annotation."""

    text: str
    timex_type: str
    value: str
    mod: str | None = None


def _month_before(dct: dt.date, month: int) -> str:
    """"last <Month>": the most recent such month before the dct's month."""
    year = dct.year if month < dct.month else dct.year - 1
    return f"{year:04d}-{month:02d}"


def full_date(rng: random.Random, anchor: dt.date) -> Timex:
    day = anchor + dt.timedelta(days=rng.randint(-400, 30))
    sep = "\u00a0" if rng.random() < 0.25 else " "  # NBSP between day and month, as some sites set it
    if rng.random() < 0.5:
        return Timex(f"{day.day}{sep}{MONTHS[day.month - 1]} {day.year}", "DATE", day.isoformat())
    return Timex(f"{MONTHS[day.month - 1]} {day.day}, {day.year}", "DATE", day.isoformat())


def _year(rng: random.Random, dct: dt.date) -> Timex:
    year = dct.year - rng.randint(1, 6)
    return Timex(str(year), "DATE", str(year))


def _end_of_month(rng: random.Random, dct: dt.date) -> Timex:
    month = rng.randint(1, 12)
    year = dct.year - 1
    return Timex(f"the end of {MONTHS[month - 1]} {year}", "DATE", f"{year:04d}-{month:02d}", "END")


def _month_day(rng: random.Random, dct: dt.date) -> Timex:
    day = dct - dt.timedelta(days=rng.randint(0, min(60, dct.timetuple().tm_yday - 1)))
    return Timex(f"{MONTHS[day.month - 1]} {day.day}", "DATE", day.isoformat())


def _last_month(rng: random.Random, dct: dt.date) -> Timex:
    month = rng.randint(1, 12)
    return Timex(f"last {MONTHS[month - 1]}", "DATE", _month_before(dct, month))


def _clock_time(rng: random.Random, dct: dt.date) -> Timex:
    hour, minute = rng.randint(8, 19), rng.choice((0, 15, 30, 45))
    zone_text, offset = rng.choice((("local time", ""), ("Moscow time", "+03:00"), ("Ankara time", "+03:00"), ("CET", "+01:00")))
    return Timex(f"{hour:02d}.{minute:02d} {zone_text}", "TIME", f"{dct.isoformat()}T{hour:02d}:{minute:02d}{offset}")


def _duration(rng: random.Random) -> Timex:
    i = rng.randrange(len(NUMBER_WORDS))
    return rng.choice((
        Timex("a few days", "DURATION", "PXD"),
        Timex(f"{NUMBER_WORDS[i]} weeks", "DURATION", f"P{NUMBER_VALUES[i]}W"),
        Timex("more than a year", "DURATION", "P1Y", "MORE_THAN"),
        Timex(f"{NUMBER_WORDS[i]} hours", "DURATION", f"PT{NUMBER_VALUES[i]}H"),
        Timex("18 months", "DURATION", "P18M"),
        Timex("almost two years", "DURATION", "P2Y", "APPROX"),
    ))


def _set(rng: random.Random) -> Timex:
    return rng.choice((
        Timex("every week", "SET", "P1W"),
        Timex("every Monday", "SET", "XXXX-WXX-1"),
        Timex("every year", "SET", "P1Y"),
        Timex("every month", "SET", "P1M"),
    ))


# --- sentences with spans -----------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A reference to another span of the same sentence, by its position."""

    index: int


@dataclass
class Sentence:
    """Text under construction with spans at offsets relative to its start."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    # (label, start, end, label fields)
    spans: list[tuple[str, int, int, dict[str, Any]]] = field(default_factory=list)
    # (cluster key, span position, relation)
    links: list[tuple[tuple[str, int], int, str | None]] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def mark(self) -> int:
        return self.length

    def enclose(self, label: str, start: int, **fields: Any) -> int:
        """Close a span from ``start`` to the current end; returns its position."""
        self.spans.append((label, start, self.length, fields))
        return len(self.spans) - 1

    def span(self, label: str, text: str, **fields: Any) -> int:
        start = self.length
        self.add(text)
        return self.enclose(label, start, **fields)

    def date(self, timex: Timex) -> int:
        return self.span("date", timex.text, timex_type=timex.timex_type, value=timex.value, mod=timex.mod)

    def extend(self, other: Sentence) -> None:
        """Append another sentence's text and spans (links are not carried over)."""
        base, offset = len(self.spans), self.length
        for label, start, end, fields in other.spans:
            shifted = {k: Ref(v.index + base) if isinstance(v, Ref) else v for k, v in fields.items()}
            self.spans.append((label, start + offset, end + offset, shifted))
        for part in other.parts:
            self.add(part)

    @property
    def n_spans(self) -> int:
        return len(self.spans)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- one document's context ----------------------------------------------------------


@dataclass
class Speaker:
    """A source as the text names it."""

    text: str
    entity_id: str
    person: Person | None = None


@dataclass
class DocContext:
    rng: random.Random
    dct: dt.date
    outlet_entity: str
    claimant: str  # who asserts the text's own claims: the outlet, or the statement's speaker
    statement: bool
    quote_pool: int
    claim_pool: int
    seed: int
    used_people: set[int]
    used_groups: dict[str, tuple[str, tuple[int, ...]]]
    last_person: Person | None = None
    last_speaker: str | None = None
    mentioned: set[int] = field(default_factory=set)

    def pick_person(self) -> int:
        # A few people per document, so that they recur as last names, descriptions and pronouns.
        if self.mentioned and self.rng.random() < 0.7:
            return self.rng.choice(sorted(self.mentioned))
        return self.rng.randrange(N_PEOPLE)

    def person_speaker(self, index: int, *, at_start: bool) -> Speaker:
        who = person(index)
        self.used_people.add(index)
        if index in self.mentioned:
            roll = self.rng.random()
            if self.last_person == who and roll < 0.35:
                text = who.pronoun
            elif roll < 0.7:
                text = who.last
            else:
                text = who.description
        else:
            text = f"{who.role} {who.name}"
        self.mentioned.add(index)
        self.last_person = who
        self.last_speaker = who.entity_id
        return Speaker(capitalise(text) if at_start else text, who.entity_id, who)

    def speaker(self, *, at_start: bool) -> Speaker:
        roll = self.rng.random()
        if roll < 0.75:
            return self.person_speaker(self.pick_person(), at_start=at_start)
        if roll < 0.87:
            entity_id, name = self.rng.choice(ORGANISATIONS)
        else:
            entity_id, name = self.rng.choice(COLLECTIVES)
        self.last_speaker = entity_id
        return Speaker(capitalise(name) if at_start else name, entity_id)

    def group_speaker(self) -> Speaker:
        members = tuple(sorted(self.rng.sample(range(N_PEOPLE), 3)))
        people = [person(i) for i in members]
        name = f"{people[0].name}, {people[1].name} and {people[2].name}"
        entity_id = "group_" + "_".join(p.entity_id for p in people)
        self.used_groups[entity_id] = (name, members)
        self.used_people.update(members)
        self.mentioned.update(members)
        self.last_person = None
        self.last_speaker = entity_id
        return Speaker(name, entity_id)


# --- facts (claims) and reported contents ---------------------------------------------


def write_fact(rng: random.Random, dct: dt.date, s: Sentence, *, capital: bool, absolute_only: bool = False) -> None:
    """Write a check-worthy factual clause (no final period), usually with a date span.

    ``absolute_only`` keeps to dates whose value does not depend on the document's
    dct, for propositions that several documents share word for word."""
    place, agreement = rng.choice(PLACES), rng.choice(AGREEMENTS)
    n = rng.randrange(len(NUMBER_WORDS))
    pick = rng.randrange(5 if absolute_only else 12)

    def start(text: str) -> None:
        s.add(capitalise(text) if capital else text)

    if pick == 0:
        start(f"the {agreement} was signed in {place} on ")
        s.date(full_date(rng, dct))
    elif pick == 1:
        start(f"{NUMBER_WORDS[n]} member states have joined the {rng.choice(INITIATIVES)} since ")
        s.date(_year(rng, dct))
    elif pick == 2:
        start("the first joint declaration was adopted in ")
        s.date(Timex("the early 2000s", "DATE", "200X", "START"))
    elif pick == 3:
        start(f"defence spending rose by {rng.randint(2, 9)}.{rng.randint(0, 9)} per cent in ")
        s.date(_year(rng, dct))
    elif pick == 4:
        start(f"{NUMBER_WORDS[n]} countries took part in the exercise off {place}")
    elif pick == 5:
        start(f"{rng.randint(2, 9)}00 {rng.choice(UNITS)} were deployed to {place} ")
        s.date(_last_month(rng, dct))
    elif pick == 6:
        start("the joint press conference began at ")
        s.date(_clock_time(rng, dct))
    elif pick == 7:
        start(f"talks on the {rng.choice(INITIATIVES)} have lasted ")
        s.date(_duration(rng))
    elif pick == 8:
        start("the working group on hybrid threats meets ")
        s.date(_set(rng))
    elif pick == 9:
        start(f"the foreign ministers met in {place} ")
        roll = rng.random()
        if roll < 0.3:
            s.date(Timex("today", "DATE", dct.isoformat()))
        elif roll < 0.6:
            s.date(Timex("almost a year ago", "DATE", str(dct.year - 1), "APPROX"))
        else:
            s.add("on ")
            s.date(_month_day(rng, dct))
    elif pick == 10:
        start(f"the {agreement} expired at ")
        s.date(_end_of_month(rng, dct))
    else:
        start("the task force ")
        s.date(Timex("now", "DATE", "PRESENT_REF"))
        s.add(f" has {rng.randint(12, 480)} staff")


def shared_quote(seed: int, key: int) -> tuple[int, str, str, Sentence | None]:
    """The key-th utterance that several documents report: (person index, direct text,
    indirect text, factual content or None). Derived from the seed alone."""
    rng = random.Random(f"{seed}:quote-cluster:{key}")
    who = rng.randrange(N_PEOPLE)
    if rng.random() < 0.5:
        direct, indirect = rng.choice(OPINIONS)
        return who, direct, indirect, None
    fact = Sentence()
    write_fact(rng, dt.date(2023, 1, 10), fact, capital=True, absolute_only=True)
    return who, "", "", fact


def shared_claim(seed: int, key: int) -> Sentence:
    """The key-th proposition that several documents assert (absolute dates only)."""
    rng = random.Random(f"{seed}:claim-cluster:{key}")
    fact = Sentence()
    write_fact(rng, dt.date(2023, 1, 10), fact, capital=True, absolute_only=True)
    return fact


def primary_cluster(key: int) -> bool:
    """Whether the key-th quote cluster's utterance appears in the primary source."""
    return key % 3 == 0


# --- sentence templates ---------------------------------------------------------------


def content(ctx: DocContext, s: Sentence, speaker: str, *, capital: bool, factual: bool) -> None:
    """Reported content: a fact (with a claim span and usually a date) or an opinion."""
    if factual:
        mark = s.mark()
        write_fact(ctx.rng, ctx.dct, s, capital=capital)
        s.enclose("claim", mark, claimant=speaker)
    else:
        direct, indirect = ctx.rng.choice(OPINIONS)
        s.add(direct if capital else indirect)


def direct_quote(ctx: DocContext) -> Sentence:
    """“Content,” Speaker said."""
    s = Sentence()
    rng = ctx.rng
    s.add("“")
    mark = s.mark()
    # The speaker is chosen first so that the quote and claim can carry its id.
    speaker_first = rng.random() < 0.5
    who = ctx.speaker(at_start=False)
    content(ctx, s, who.entity_id, capital=True, factual=rng.random() < 0.5)
    s.add(",")
    quote = s.enclose("quote", mark, kind="direct", speaker=who.entity_id)
    s.add("” ")
    cue_text = rng.choice(CUES_POST)
    if speaker_first or cue_text != "said" or who.text in ("he", "she"):
        speaker = s.span("speaker", who.text, entity=who.entity_id)
        s.add(" ")
        cue = s.span("cue", cue_text)
    else:
        cue = s.span("cue", cue_text)
        s.add(" ")
        speaker = s.span("speaker", who.text, entity=who.entity_id)
    s.add(".")
    s.spans[quote][3].update(speaker_span=Ref(speaker), cue=Ref(cue))
    return s


def attribution_opening(ctx: DocContext, s: Sentence, cues: tuple[str, ...]) -> tuple[Speaker, int, int]:
    """Open a sentence with "Speaker cue": the speaker, and the indexes of its speaker and cue spans."""
    who = ctx.speaker(at_start=True)
    speaker = s.span("speaker", who.text, entity=who.entity_id)
    s.add(" ")
    cue = s.span("cue", ctx.rng.choice(cues))
    return who, speaker, cue


def indirect_quote(ctx: DocContext) -> Sentence:
    """Speaker said that content."""
    s = Sentence()
    who, speaker, cue = attribution_opening(ctx, s, CUES_THAT)
    s.add(" that ")
    mark = s.mark()
    content(ctx, s, who.entity_id, capital=False, factual=ctx.rng.random() < 0.6)
    s.enclose("quote", mark, kind="indirect", speaker=who.entity_id, speaker_span=Ref(speaker), cue=Ref(cue))
    s.add(".")
    return s


def interrupted_quote(ctx: DocContext) -> Sentence:
    """“Part one,” she said, “part two.” (two quotes sharing speaker and cue)."""
    s = Sentence()
    who = ctx.speaker(at_start=False)
    s.add("“")
    first = s.mark()
    s.add(ctx.rng.choice(OPINIONS)[0] + ",")
    q1 = s.enclose("quote", first, kind="direct", speaker=who.entity_id)
    s.add("” ")
    speaker = s.span("speaker", who.text, entity=who.entity_id)
    s.add(" ")
    cue = s.span("cue", "said")
    s.add(", “")
    second = s.mark()
    s.add(ctx.rng.choice(OPINION_TAILS) + ".")
    s.enclose("quote", second, kind="direct", speaker=who.entity_id, speaker_span=Ref(speaker), cue=Ref(cue))
    s.spans[q1][3].update(speaker_span=Ref(speaker), cue=Ref(cue))
    s.add("”")
    return s


def continued_quote(ctx: DocContext) -> Sentence | None:
    """“Content.” (the source is not expressed: speaker from context, no speaker span)."""
    if ctx.last_speaker is None:
        return None
    s = Sentence()
    s.add("“")
    mark = s.mark()
    content(ctx, s, ctx.last_speaker, capital=True, factual=ctx.rng.random() < 0.4)
    s.add(".")
    s.enclose("quote", mark, kind="direct", speaker=ctx.last_speaker, speaker_span=None, cue=None)
    s.add("”")
    return s


def according_to(ctx: DocContext) -> Sentence:
    """According to speaker, content."""
    s = Sentence()
    cue = s.span("cue", "According to")
    s.add(" ")
    who = ctx.speaker(at_start=False)
    speaker = s.span("speaker", who.text, entity=who.entity_id)
    s.add(", ")
    mark = s.mark()
    content(ctx, s, who.entity_id, capital=False, factual=True)
    s.enclose("quote", mark, kind="indirect", speaker=who.entity_id, speaker_span=Ref(speaker), cue=Ref(cue))
    s.add(".")
    return s


def impersonal(ctx: DocContext) -> Sentence:
    """It is reported that content (no speaker span; the cue is the whole phrase)."""
    s = Sentence()
    source = ctx.last_speaker or ctx.outlet_entity
    cue = s.span("cue", ctx.rng.choice(("It is reported that", "It was reported that")))
    s.add(" ")
    mark = s.mark()
    content(ctx, s, source, capital=False, factual=True)
    s.enclose("quote", mark, kind="indirect", speaker=source, speaker_span=None, cue=Ref(cue))
    s.add(".")
    return s


def mixed_quote(ctx: DocContext) -> Sentence:
    """Speaker called the plan “a fragment” (reported content embedding a quoted fragment)."""
    s = Sentence()
    who, speaker, cue = attribution_opening(ctx, s, CUES_MIXED)
    s.add(" ")
    mark = s.mark()
    s.add(f"the {ctx.rng.choice(AGREEMENTS)} “{ctx.rng.choice(('a turning point', 'long overdue', 'a signal to Moscow', 'our strongest answer yet'))}”")
    s.enclose("quote", mark, kind="mixed", speaker=who.entity_id, speaker_span=Ref(speaker), cue=Ref(cue))
    s.add(".")
    return s


def group_quote(ctx: DocContext) -> Sentence:
    """A, B and C said that content (one speaker span for a group entity)."""
    s = Sentence()
    who = ctx.group_speaker()
    speaker = s.span("speaker", who.text, entity=who.entity_id)
    s.add(" ")
    cue = s.span("cue", "said in a joint statement")
    s.add(" that ")
    mark = s.mark()
    content(ctx, s, who.entity_id, capital=False, factual=ctx.rng.random() < 0.5)
    s.enclose("quote", mark, kind="indirect", speaker=who.entity_id, speaker_span=Ref(speaker), cue=Ref(cue))
    s.add(".")
    return s


def outlet_claim(ctx: DocContext) -> Sentence:
    """A fact the text itself asserts: a claim of the outlet (or of the statement's speaker)."""
    s = Sentence()
    mark = s.mark()
    write_fact(ctx.rng, ctx.dct, s, capital=True)
    s.enclose("claim", mark, claimant=ctx.claimant)
    s.add(".")
    return s


def forecast(ctx: DocContext) -> Sentence:
    """A forecast with a temporal expression: a date span, not a claim."""
    s = Sentence()
    s.add(ctx.rng.choice(("Observers expect the debate to go on for ", "Diplomats hope to settle the details within ")))
    s.date(_duration(ctx.rng))
    s.add(ctx.rng.choice((".", ", though nothing is certain.")))
    return s


def filler(ctx: DocContext) -> Sentence:
    s = Sentence()
    s.add(ctx.rng.choice(FILLERS))
    return s


def linked_quote(ctx: DocContext) -> Sentence:
    """A report of a shared utterance: a member of a quote cluster."""
    key = ctx.rng.randrange(ctx.quote_pool)
    who_index, direct, indirect, fact = shared_quote(ctx.seed, key)
    primary = primary_cluster(key)
    s = Sentence()
    if ctx.rng.random() < 0.5:
        who = ctx.person_speaker(who_index, at_start=False)
        s.add("“")
        mark = s.mark()
        relation = "verbatim"
        if fact is not None:
            claim_mark = s.mark()
            s.extend(fact)
            s.enclose("claim", claim_mark, claimant=who.entity_id)
        elif ctx.rng.random() < 0.2:
            s.add(direct.replace("We ", "We all ", 1) if direct.startswith("We ") else "Indeed, " + direct[0].lower() + direct[1:])
            relation = "near_verbatim"
        else:
            s.add(direct)
        s.add(",")
        quote = s.enclose("quote", mark, kind="direct", speaker=who.entity_id)
        s.add("” ")
        speaker = s.span("speaker", who.text, entity=who.entity_id)
        s.add(" ")
        cue = s.span("cue", "said")
        s.add(".")
    else:
        who = ctx.person_speaker(who_index, at_start=True)
        speaker = s.span("speaker", who.text, entity=who.entity_id)
        s.add(" ")
        cue = s.span("cue", ctx.rng.choice(CUES_THAT))
        s.add(" that ")
        mark = s.mark()
        relation = "paraphrase"
        if fact is not None:
            lowered = Sentence()
            lowered.extend(fact)
            lowered.parts[0] = lowered.parts[0][0].lower() + lowered.parts[0][1:]
            s.extend(lowered)
            s.enclose("claim", mark, claimant=who.entity_id)
        elif ctx.rng.random() < 0.1:
            prefix = "the allies would "
            s.add("the allies would not " + indirect[len(prefix):] if indirect.startswith(prefix) else "it was not true that " + indirect)
            relation = "divergent"
        else:
            s.add(indirect)
        quote = s.enclose("quote", mark, kind="indirect", speaker=who.entity_id)
        s.add(".")
    s.spans[quote][3].update(speaker_span=Ref(speaker), cue=Ref(cue))
    s.links.append((("q", key), quote, relation if primary else None))
    return s


def linked_claim(ctx: DocContext) -> Sentence:
    """An outlet's claim of a shared proposition: a member of a claim cluster."""
    key = ctx.rng.randrange(ctx.claim_pool)
    s = Sentence()
    s.extend(shared_claim(ctx.seed, key))
    claim = s.enclose("claim", 0, claimant=ctx.claimant)
    s.add(".")
    s.links.append((("c", key), claim, None))
    return s


Template = Callable[[DocContext], "Sentence | None"]
NEWS_TEMPLATES: tuple[tuple[Template, int], ...] = (
    (direct_quote, 14), (indirect_quote, 14), (interrupted_quote, 5), (continued_quote, 6), (according_to, 6),
    (impersonal, 3), (mixed_quote, 4), (group_quote, 2), (outlet_claim, 14), (forecast, 5), (filler, 6),
    (linked_quote, 4), (linked_claim, 3),
)
# An official statement is one person's speech: its own facts are that person's claims,
# and only words attributed to someone else are quotes.
STATEMENT_TEMPLATES: tuple[tuple[Template, int], ...] = (
    (outlet_claim, 14), (indirect_quote, 4), (forecast, 4), (filler, 4), (linked_claim, 2),
)


def fitting_sentence(ctx: DocContext, templates: tuple[tuple[Template, int], ...], room: int) -> Sentence:
    """A sentence of at most ``room`` spans (``room`` >= 1)."""
    funcs = [t for t, _ in templates]
    weights = [w for _, w in templates]
    for _ in range(8):
        sentence = ctx.rng.choices(funcs, weights)[0](ctx)
        if sentence is not None and sentence.n_spans <= room:
            return sentence
    sentence = outlet_claim(ctx)
    if sentence.n_spans <= room:
        return sentence
    s = Sentence()  # one span: a claim without a date
    mark = s.mark()
    s.add(f"{ctx.rng.choice(NUMBER_WORDS).capitalize()} countries took part in the exercise off {ctx.rng.choice(PLACES)}")
    s.enclose("claim", mark, claimant=ctx.claimant)
    s.add(".")
    return s


# --- assembling a document -------------------------------------------------------------


@dataclass
class DocumentText:
    """A document's text and span records, built sentence by sentence."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: list[dict[str, Any]] = field(default_factory=list)
    counters: Counter[str] = field(default_factory=Counter)
    links: list[tuple[tuple[str, int], str, str | None]] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def commit(self, sentence: Sentence) -> None:
        text = "".join(sentence.parts)
        ids: list[str] = []
        for label, *_ in sentence.spans:
            self.counters[label] += 1
            ids.append(f"{SPAN_ID_PREFIX[label]}{self.counters[label]}")
        for span_id, (label, start, end, fields) in zip(ids, sentence.spans, strict=True):
            surface = text[start:end]
            if not surface or surface[0].isspace() or surface[-1].isspace():
                raise AssertionError(f"generator bug: span {label} {surface!r} has whitespace at an edge")
            record: dict[str, Any] = {"span_id": span_id, "label": label, "start": self.length + start,
                                      "end": self.length + end, "text": surface, "status": "verified"}
            record.update({k: ids[v.index] if isinstance(v, Ref) else v for k, v in fields.items()})
            self.spans.append(record)
        for key, position, relation in sentence.links:
            self.links.append((key, ids[position], relation))
        self.add(text)

    def text(self) -> str:
        return "".join(self.parts)


SPAN_ID_PREFIX = {"speaker": "s", "cue": "k", "quote": "q", "claim": "c", "date": "d"}


@dataclass(frozen=True)
class GeneratedDocument:
    doc_id: str
    text: str
    record: dict[str, Any]
    links: list[tuple[tuple[str, int], str, str | None]]


def generate_document(index: int, budget: int, *, seed: int, quote_pool: int, claim_pool: int,
                      used_people: set[int], used_groups: dict[str, tuple[str, tuple[int, ...]]]) -> GeneratedDocument:
    """The index-th document, holding exactly ``budget`` spans."""
    rng = random.Random(f"{seed}:doc:{index}")
    dct = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    statement = rng.random() < 0.05
    if statement:
        outlet, outlet_entity = STATEMENT_OUTLET
        genre, from_language = "official_statement", None
    else:
        outlet, outlet_entity, genre, from_language = rng.choice(OUTLETS)
    translated = from_language is not None and rng.random() < 0.5
    stated = rng.random() < 0.9
    statement_speaker = rng.randrange(N_PEOPLE) if statement else None
    if statement_speaker is not None:
        used_people.add(statement_speaker)
    claimant = person(statement_speaker).entity_id if statement_speaker is not None else outlet_entity
    ctx = DocContext(rng, dct, outlet_entity, claimant, statement, quote_pool, claim_pool, seed, used_people, used_groups)
    doc = DocumentText()
    room = budget

    # Header: outlet, section and (where stated) the publication date; then the headline.
    header = Sentence()
    header.add(f"{outlet} · {rng.choice(SECTIONS)}")
    published_text = ""
    if stated:
        header.add(" · ")
        mark = header.mark()
        header.add(f"{dct.day} {MONTHS[dct.month - 1]} {dct.year}")
        published_text = "".join(header.parts)[mark:]
        if room > 0:
            header.enclose("date", mark, timex_type="DATE", value=dct.isoformat(), mod=None)
    header.add("\n\n")
    doc.commit(header)
    room -= header.n_spans

    headline = Sentence()
    if statement:
        speaker = person(statement_speaker or 0)
        headline.add(f"Statement by {speaker.role} {speaker.name} on the {rng.choice(AGREEMENTS)}")
    else:
        mark = headline.mark()
        write_fact(rng, dct, headline, capital=True)
        if headline.n_spans + 1 <= room:
            headline.enclose("claim", mark, claimant=outlet_entity)
        else:
            headline = Sentence()
            headline.add(f"Allies meet in {rng.choice(PLACES)} as talks go on")
    title = "".join(headline.parts)
    headline.add("\n\n")
    doc.commit(headline)
    room -= headline.n_spans

    # Body: a dateline, then paragraphs of sentences until the span budget is spent.
    body_start = doc.length
    dateline = Sentence()
    dateline.add(f"{rng.choice(DATELINES)}, ")
    day_text = f"{MONTHS[dct.month - 1]} {dct.day}"
    if room > 0:
        dateline.span("date", day_text, timex_type="DATE", value=dct.isoformat(), mod=None)
    else:
        dateline.add(day_text)
    dateline.add(f" – {outlet}. ")
    doc.commit(dateline)
    room -= dateline.n_spans
    templates = STATEMENT_TEMPLATES if statement else NEWS_TEMPLATES
    in_paragraph = 0
    paragraph_length = rng.randint(3, 6)
    wrote_sentence = False
    while room > 0 or not wrote_sentence:
        sentence = fitting_sentence(ctx, templates, room) if room > 0 else filler(ctx)
        if wrote_sentence:
            if in_paragraph >= paragraph_length:
                doc.add("\n\n")
                in_paragraph, paragraph_length = 0, rng.randint(3, 6)
            else:
                doc.add(" ")
        doc.commit(sentence)
        room -= sentence.n_spans
        in_paragraph += 1
        wrote_sentence = True
    body_end = doc.length

    # Footer: outside the body, as comment notices and copyright lines are.
    footer = "\n\nComments on this article are moderated.\n"
    if translated:
        footer += f"Translated from {from_language} by the {outlet} desk.\n"
    footer += f"© {outlet} {dct.year}. All rights reserved.\n"
    doc.add(footer)

    text = doc.text()
    doc_id = f"{index:06d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"
    record = {
        "doc_id": doc_id,
        "title": title,
        "outlet": outlet,
        "outlet_entity": outlet_entity,
        "genre": genre,
        "language": "en",
        "translated": translated,
        "translated_evidence": (f"footer line 'Translated from {from_language} by the {outlet} desk.'" if translated
                                else "no translation credit or translated wording in the text"),
        "published": dct.isoformat(),
        "published_source": "stated" if stated else "inferred",
        "published_evidence": (f"header line '{published_text}'" if stated
                               else f"dateline '{day_text}' and the copyright year {dct.year}"),
        "dct": dct.isoformat(),
        "speaker": person(statement_speaker).entity_id if statement_speaker is not None else None,
        "body": [{"start": body_start, "end": body_end}],
        "spans": doc.spans,
    }
    return GeneratedDocument(doc_id, text, record, doc.links)


# --- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedCorpus:
    """What :func:`generate_corpus` wrote."""

    root: Path
    seed: int
    n_documents: int
    n_spans: int
    label_counts: dict[str, int]
    n_entities: int
    n_clusters: int
    n_link_members: int

    def summary(self) -> dict[str, Any]:
        return {"root": str(self.root), "seed": self.seed, "documents": self.n_documents, "spans": self.n_spans,
                "labels": self.label_counts, "entities": self.n_entities, "clusters": self.n_clusters,
                "link_members": self.n_link_members}


def document_budgets(n_spans: int, spans_per_doc: int, seed: int) -> Iterator[int]:
    """Span counts per document: uniform in [2/3, 4/3] of ``spans_per_doc``, summing to
    exactly ``n_spans``; a remainder too small for a document of its own joins the last."""
    rng = random.Random(f"{seed}:budgets")
    low, high = max(1, (2 * spans_per_doc) // 3), max(1, (4 * spans_per_doc) // 3)
    remaining = n_spans
    while remaining > 0:
        budget = rng.randint(low, high)
        if remaining - budget < low:
            budget = remaining
        yield budget
        remaining -= budget


def entity_records(used_people: set[int], used_groups: dict[str, tuple[str, tuple[int, ...]]],
                   used_outlets: set[str]) -> list[dict[str, Any]]:
    records = [person(i).record() for i in used_people]
    records += [{"entity_id": eid, "type": "organization", "name": name.removeprefix("the "),
                 "aliases": [name], "members": []} for eid, name in ORGANISATIONS]
    records += [{"entity_id": eid, "type": "group", "name": name, "aliases": [], "members": []} for eid, name in COLLECTIVES]
    records += [{"entity_id": eid, "type": "group", "name": name, "aliases": [],
                 "members": [person(i).entity_id for i in members]} for eid, (name, members) in used_groups.items()]
    outlets = {eid: name for name, eid, _, _ in OUTLETS} | {STATEMENT_OUTLET[1]: STATEMENT_OUTLET[0]}
    records += [{"entity_id": eid, "type": "organization", "name": outlets[eid], "aliases": [], "members": []}
                for eid in sorted(used_outlets)]
    # Organisations and collectives are listed whether used or not: a registry may hold more than the spans use.
    unique = {r["entity_id"]: r for r in records}
    return [unique[k] for k in sorted(unique)]


def cluster_records(members: dict[tuple[str, int], list[tuple[str, str, str | None]]], seed: int,
                    official_texts: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Link clusters from the members collected while writing documents.

    A quote cluster whose utterance the primary source carries has the words as
    its ``primary_text``, if an official statement of the corpus holds them
    verbatim; otherwise its ``primary_text`` and relations are null. A cluster
    needs two members, or one member and the primary source's passage."""
    clusters: list[dict[str, Any]] = []
    for (kind, key), found in sorted(members.items()):
        if kind == "q":
            who, direct, _indirect, fact = shared_quote(seed, key)
            said = direct if fact is None else "".join(fact.parts)
            primary_text = said if primary_cluster(key) and any(said in text for text in official_texts) else None
            description = f"{person(who).name}: {said}"
            cluster_type, cluster_id = "quote_cluster", f"qc{key}"
        else:
            primary_text = None
            description = "".join(shared_claim(seed, key).parts)
            cluster_type, cluster_id = "claim_cluster", f"cc{key}"
        if len(found) < 2 and not (found and primary_text):
            continue
        clusters.append({"cluster_id": cluster_id, "cluster_type": cluster_type, "description": description,
                         "primary_text": primary_text,
                         "members": [{"doc_id": d, "span_id": s, "relation": r if primary_text else None}
                                     for d, s, r in found]})
    return clusters


def generate_corpus(root: Path, n_spans: int, *, seed: int = 0, spans_per_doc: int = DEFAULT_SPANS_PER_DOC) -> GeneratedCorpus:
    """Write a synthetic corpus of exactly ``n_spans`` spans under ``root``.

    ``root`` must not hold a corpus already (its ``seeds/`` and ``annotations/``
    must be absent or empty). Documents are written one at a time.
    """
    if n_spans < 1:
        raise ValueError("n_spans must be at least 1")
    if spans_per_doc < 1:
        raise ValueError("spans_per_doc must be at least 1")
    paths = CorpusPaths(Path(root))
    for folder in (paths.seeds, paths.annotations):
        if folder.exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder} is not empty; generate into a fresh folder")
    paths.seeds.mkdir(parents=True, exist_ok=True)
    paths.docs.mkdir(parents=True, exist_ok=True)

    estimated_docs = max(1, n_spans // spans_per_doc)
    quote_pool = max(4, estimated_docs // 2)
    claim_pool = max(4, estimated_docs // 2)
    used_people: set[int] = set()
    used_groups: dict[str, tuple[str, tuple[int, ...]]] = {}
    used_outlets: set[str] = set()
    members: dict[tuple[str, int], list[tuple[str, str, str | None]]] = {}
    official_texts: list[str] = []
    manifest: list[str] = []
    labels: Counter[str] = Counter()
    n_documents = 0

    for index, budget in enumerate(document_budgets(n_spans, spans_per_doc, seed)):
        doc = generate_document(index, budget, seed=seed, quote_pool=quote_pool, claim_pool=claim_pool,
                                used_people=used_people, used_groups=used_groups)
        raw = doc.text.encode("utf-8")
        write_bytes_atomic(paths.seed(doc.doc_id), raw)
        write_annotation_file(paths.doc(doc.doc_id), doc.record)
        manifest.append(f"{hashlib.sha256(raw).hexdigest()}  {doc.doc_id}.txt")
        used_outlets.add(doc.record["outlet_entity"])
        if doc.record["genre"] == OFFICIAL_GENRE:
            official_texts.append(doc.text)
        labels.update(span["label"] for span in doc.record["spans"])
        for key, span_id, relation in doc.links:
            members.setdefault(key, []).append((doc.doc_id, span_id, relation))
        n_documents += 1

    write_text_atomic(paths.manifest, "\n".join(manifest) + "\n")
    entities = entity_records(used_people, used_groups, used_outlets)
    write_annotation_file(paths.entities, {"entities": entities})
    clusters = cluster_records(members, seed, official_texts)
    write_annotation_file(paths.links, {"clusters": clusters})
    return GeneratedCorpus(
        root=Path(root), seed=seed, n_documents=n_documents, n_spans=sum(labels.values()),
        label_counts={label: labels[label] for label in LABELS}, n_entities=len(entities),
        n_clusters=len(clusters), n_link_members=sum(len(c["members"]) for c in clusters),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic eunato-corpus corpus of N spans.")
    parser.add_argument("out", type=Path, help="corpus root to create (its seeds/ and annotations/ must not exist yet)")
    parser.add_argument("--spans", type=int, required=True, help="number of spans to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    parser.add_argument("--spans-per-doc", type=int, default=DEFAULT_SPANS_PER_DOC,
                        help="mean spans per document (each document draws from 2/3 to 4/3 of it)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if args.spans < 1 or args.spans_per_doc < 1:
        parser.error("--spans and --spans-per-doc must be at least 1")
    try:
        corpus = generate_corpus(args.out, args.spans, seed=args.seed, spans_per_doc=args.spans_per_doc)
    except (FileExistsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        import json

        print(json.dumps(corpus.summary()))
    else:
        labels = ", ".join(f"{k} {v}" for k, v in corpus.label_counts.items())
        print(f"wrote {corpus.n_documents} documents, {corpus.n_spans} spans ({labels}), "
              f"{corpus.n_entities} entities, {corpus.n_clusters} clusters to {corpus.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
