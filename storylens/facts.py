"""Claim extraction: the numbers, places, dates and times one article states.

One pass over each sentence of an existing parse (no extra spaCy runs). Each
claim records what it is about (counted thing, event, subject), its value as an
interval or a normalised string, the time window and the attribution of its
sentence, so that `reconcile` can decide which claims of different articles are
about the same thing and whether their values are compatible.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from itertools import product

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token
from text_to_num import text2num

from .analyze import Analysis, doc_text, doc_tokens, token_column, tokens_selected, tokens_where
from .attribution import CLAIM_VERBS
from .sources import according_to

INF = math.inf

# --- vocabularies --------------------------------------------------------

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}
ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$", re.I)
NUMERIC = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")

# Vague quantity words as intervals: the lower bound is the smallest value the
# plural still fits ("dozens" is at least two dozen).
VAGUE = {
    "dozens": (24, 99), "scores": (40, 199), "hundreds": (200, 999),
    "thousands": (2000, 9999), "millions": (2e6, 9.99e8),
}
VAGUE_SCALED = {("tens", "thousands"): (2e4, 99999), ("hundreds", "thousands"): (2e5, 999999)}

# qualifier words before a number -> interval shape
LOWER_OPEN = ("more than", "over", "above", "upwards of", "in excess of", "just over")
LOWER_CLOSED = ("at least", "no fewer than", "no less than", "a minimum of")
UPPER_OPEN = ("fewer than", "less than", "under", "below", "just under")
UPPER_CLOSED = ("up to", "at most", "as many as", "no more than", "a maximum of")
ABOUT = ("about", "around", "some", "roughly", "approximately", "an estimated", "estimated",
         "nearly", "almost", "close to", "circa", "approx.")
NEARLY = ("nearly", "almost", "close to")
QUALIFIERS = sorted(LOWER_OPEN + LOWER_CLOSED + UPPER_OPEN + UPPER_CLOSED + ABOUT,
                    key=lambda q: -len(q.split()))
# a threshold names what it bounds between the qualifier and the figure: 'over the age of 65'
BOUNDED = ("the age of", "age", "ages")
# qualifier words after a number (and its unit): a threshold that takes in the
# figure itself ('65 and older', '100 or more employees', '12 and under')
LOWER_AFTER = ("or more", "and older", "or older", "and over", "or over", "and up", "and above", "or above")
UPPER_AFTER = ("or less", "or fewer", "and younger", "or younger", "and under", "or under", "and below", "or below")
TOLERANCE = 0.1

CURRENCY_SIGNS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
CURRENCY_WORDS = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pounds": "GBP"}
DURATION_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
                  "months": "month", "year": "year", "years": "year", "hour": "hour", "hours": "hour"}
DISTANCE_UNITS = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kilometre": 1.0,
                  "kilometer": 1.0, "miles": 1.609, "mile": 1.609}

# Canonical events: reporters vary the verb, the event stays the same.
EVENT_SYNONYMS = {
    "kill": ("kill", "die", "dead", "death", "slay", "perish", "fatality", "toll"),
    "injure": ("injure", "wound", "hurt", "injured", "wounded", "injury"),
    "evacuate": ("evacuate", "evacuation"),
    "flee": ("flee", "displace", "escape"),
    "trap": ("trap", "besiege", "strand"),
    "detain": ("detain", "arrest", "jail", "detention"),
    "serve": ("serve", "feed"),
    "rescue": ("rescue", "save"),
    "strike": ("strike", "hit", "jolt", "rock", "shake"),
    "start": ("start", "erupt", "begin", "ignite", "spark"),
    "close": ("close", "shut"),
    "raise": ("raise", "lift", "hike", "increase"),
    "support": ("support", "back", "favor", "favour", "endorse"),
    "cut": ("cut", "lower", "reduce", "trim", "slash"),
    "allocate": ("earmark", "allocate", "pledge", "budget"),
    "capture": ("capture", "take", "seize", "retake", "recapture", "fall", "overrun"),
    "say": ("say", "tell", "report", "announce", "state", "add", "confirm", "claim", "warn"),
    "be": ("be", "reach", "stand", "hit_level", "occur", "happen"),
    "campaign": ("offensive", "bombardment", "shelling", "campaign", "assault", "push",
                 "operation", "fighting", "siege", "battle", "strikes", "war", "protest", "strike_action"),
}
EVENT_OF = {w: canon for canon, words in EVENT_SYNONYMS.items() for w in words}
_FACTS_WORDS = json.loads(resources.files("storylens").joinpath("data/facts_words.json").read_text("utf-8"))
NOMINAL_EVENTS: dict[str, str] = _FACTS_WORDS["nominal_events"]
LIGHT_VERBS = frozenset(_FACTS_WORDS["light_verbs"])
# parts of a day between a weekday and the event noun it dates ('Friday night's drone strike')
DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night"})
# 'on behalf of', 'as part of': the noun names no purpose or role of the figure
PREPOSITION_NOUNS = frozenset(_FACTS_WORDS["preposition_nouns"])
# '$1.1 million is the estimated cost': what the amount is names its event
AMOUNT_NOUNS: dict[str, str] = _FACTS_WORDS["amount_nouns"]
PLACE_NOUNS = frozenset(_FACTS_WORDS["place_nouns"])
# 'took $700 billion out of Medicare' removes it: the parse hangs 'out' as a preposition
PARTICLE_EVENTS = {("break", "out"): "start", ("set", "aside"): "allocate", ("shut", "down"): "close",
                   ("take", "out"): "cut"}
LINKING = {"be", "remain", "stay", "become", "get", "have"}
# Things measured rather than counted: the verb that states them carries no event.
MEASURES = {"magnitude", "rate", "inflation", "unemployment", "turnout", "temperature",
            "depth", "growth", "share", "price", "money", "interest"}
THING_SYNONYMS = {"person": "people", "fireman": "firefighter", "kid": "child", "blaze": "fire",
                  "flames": "fire", "quake": "earthquake", "step": "action", "measure": "action", "tremor": "earthquake",
                  "brigade": "service", "staff": "worker", "employee": "worker", "storey": "story",
                  "clash": "violence", "unrest": "violence", "riot": "violence", "rioting": "violence"}
PARTITIVES = {"worst", "most", "bulk", "rest", "majority", "heaviest", "fiercest", "much", "part",
              "thousands", "hundreds", "dozens", "millions", "scores"}
TIME_NOUNS = {"month", "week", "day", "year", "hour", "minute"}
# 'on Monday night', 'for the weekend', 'on behalf of': a time or a phrase, not what a figure is for
_NO_PURPOSE = frozenset(TIME_NOUNS | {"weekend"}) | DAY_PARTS | PREPOSITION_NOUNS
# What can happen to people that a count of them is told by: 'deaths', 'arrests', '12 dead'.
PEOPLE_OUTCOMES = {"kill", "injure", "detain", "evacuate", "rescue"}
OUTCOME_WORDS = {"dead": "kill", "killed": "kill", "wounded": "injure", "injured": "injure", "hurt": "injure",
                 "deaths": "kill", "fatalities": "kill", "injuries": "injure", "arrests": "detain"}
TOLL_NOUNS = {"number", "toll", "tally", "count", "total", "figure"}
SKIP_INTERMEDIATE = {"include", "including", "among"}

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_SET = frozenset(WEEKDAYS)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH_RE = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
YEAR = re.compile(r"1[89]\d\d|20\d\d")
MONTH_DAY = re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_FULL_MONTH_STOP = re.compile(r"(?:" + "|".join(MONTHS) + r")\.$", re.I)
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE}(?:,?\s+(\d{{4}}))?")
CLOCK = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.?\s?m\.?(?![a-z]))"
    r"|\b(?P<h24>[01]\d|2[0-3]|\d):(?P<m24>[0-5]\d)(?!\d)(?!\s*[ap]\.?m)", re.I)
# Words before a clock time that make it a span, in minutes around the time
# ('shortly before 6 p.m.' is a little before 18:00).
CLOCK_HEDGES = {"shortly before": (-30, 0), "just before": (-15, 0), "before": (-60, 0),
                "shortly after": (0, 30), "just after": (0, 15), "after": (0, 60),
                "about": (-15, 15), "around": (-15, 15), "approximately": (-15, 15), "roughly": (-15, 15)}
DISTANCE = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)\s*(?P<u>km|kilometres|kilometers|kilometre|kilometer|miles|mile)\s+"
    r"(?P<d>(?:north|south)-?(?:east|west)|north|south|east|west)\s+of\b", re.I)

EDGE_WORDS = {"edge": "edge", "edges": "edge", "outskirts": "outskirts", "suburb": "suburbs",
              "suburbs": "suburbs", "centre": "centre", "center": "centre", "heart": "centre",
              "border": "border", "fringe": "edge", "fringes": "edge", "side": "side",
              "part": "part", "parts": "part"}
FACILITY_NOUNS = {"hall", "room", "building", "warehouse", "plant", "factory", "mine", "tunnel",
                  "floor", "wing", "basement", "ward", "station", "kitchen", "depot", "shaft",
                  "terminal", "block", "yard", "storeroom", "workshop"}
PLACE_PREPS = {"in", "at", "on", "near", "inside", "outside", "into", "across", "towards", "toward"}


def _direction_words() -> dict[str, frozenset[str]]:
    base = {"north": "n", "south": "s", "east": "e", "west": "w"}
    words: dict[str, frozenset[str]] = {}
    for name, code in base.items():
        for form in (name, name + "ern", name + "erly"):
            words[form] = frozenset(code)
    for ns, ew in product(("north", "south"), ("east", "west")):
        codes = frozenset(base[ns] + base[ew])
        for sep in ("", "-"):
            for suffix in ("", "ern", "erly"):
                words[f"{ns}{sep}{ew}{suffix}"] = codes
    return words


DIRECTIONS = _direction_words()
_DIR_NAMES = {frozenset("n"): "north", frozenset("s"): "south", frozenset("e"): "east",
              frozenset("w"): "west", frozenset("ne"): "northeast", frozenset("nw"): "northwest",
              frozenset("se"): "southeast", frozenset("sw"): "southwest"}


# --- value objects -------------------------------------------------------

@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: "Interval") -> bool:
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        hi_open = not hi_open
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open


@dataclass(frozen=True)
class Window:
    """The period a figure covers; `start`/`end` None where unknown."""

    text: str
    start: dt.date | None = None
    end: dt.date | None = None

    def describe(self) -> str:
        if self.start and self.end and self.start != self.end:
            return f"{self.text} ({self.start:%d %b %Y} to {self.end:%d %b %Y})"
        if self.start:
            return f"{self.text} ({self.start:%d %b %Y})"
        return self.text


@dataclass
class ClaimInfo:
    """One claim with everything reconciliation needs; `to_claim` gives the public form."""

    kind: str                      # number | place | date | time
    article: str
    start: int
    end: int
    text: str
    value: str
    sentence: int
    interval: Interval | None = None
    unit: str = ""
    thing: str | None = None
    event: str | None = None
    event_word: str | None = None
    subject: str | None = None
    anchor: str | None = None
    directions: frozenset[str] = frozenset()
    position: str | None = None
    window: Window | None = None
    attribution: str | None = None
    previous: "ClaimInfo | None" = None   # the earlier figure of a revision ('up from seven')
    is_previous: bool = False
    date: dt.date | None = None
    extra: dict = field(default_factory=dict)
    # A definite common noun ('the district') the story phase may replace by
    # the name the story's articles give that kind of thing (`apply_aliases`).
    alias_noun: str | None = None
    subject_proper: bool = False   # the subject is a name ('Milo Rowley', 'Brackenford'), not a common noun


# --- helpers ---------------------------------------------------------------

def canon_event(word: str | None) -> str | None:
    if not word:
        return None
    return EVENT_OF.get(word.lower(), word.lower())


def canon_thing(word: str | None) -> str | None:
    if not word:
        return None
    word = word.lower()
    return THING_SYNONYMS.get(word, word)


def fmt_number(x: float) -> str:
    if x == INF:
        return "inf"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.6g}"


def format_interval(iv: Interval, unit: str = "") -> str:
    suffix = {"": "", "%": "%", "pp": " pp"}.get(unit, f" {unit}")
    if iv.lo == iv.hi:
        return fmt_number(iv.lo) + suffix
    if iv.hi == INF:
        return (">" if iv.lo_open else "[") + fmt_number(iv.lo) + ("" if iv.lo_open else ",inf)") + suffix
    if iv.lo == 0 and not iv.lo_open:
        return ("<" if iv.hi_open else "<=") + fmt_number(iv.hi) + suffix
    mid = (iv.lo + iv.hi) / 2
    if abs(iv.hi - mid - TOLERANCE * mid) < 1e-9 * max(mid, 1):
        return "~" + fmt_number(round(mid, 6)) + suffix
    return f"[{fmt_number(iv.lo)},{fmt_number(iv.hi)}]" + suffix


# A month and day without a year is in the publication's year, unless that
# puts it more than this many days on the wrong side of publication.
YEAR_WRAP_DAYS = 183


def resolve_weekday(name: str, published: dt.date | None, forward: bool = False,
                    past: bool = False) -> dt.date | None:
    """The latest such weekday on or before publication, or the day after it:
    news reports the past; with `forward` ('until Monday', 'will meet on
    Monday') the next one on or after it; with `past` ('since Friday') never
    after publication."""
    if published is None:
        return None
    if forward:
        return published + dt.timedelta(days=(WEEKDAYS.index(name.lower()) - published.weekday()) % 7)
    delta = (published.weekday() - WEEKDAYS.index(name.lower())) % 7
    if delta == 6 and not past:
        # the day after publication, not six days before: a story dated Thursday that
        # says 'early Friday' was dated the evening before, or looks ahead ('a Friday vote');
        # news says 'last Friday' of six days ago
        return published + dt.timedelta(days=1)
    return published - dt.timedelta(days=delta)


def resolve_month_day(month: str, day: int, year: int | None, published: dt.date | None,
                      forward: bool = False, past: bool = False) -> dt.date | None:
    """'March 3' in a 2015 article is 3 March 2015; 'Dec. 30' in a January
    article is the December before, and 'Jan. 5' said forward in a December
    article the January after. With `past` ('since November 15') a date
    after publication is last year's."""
    m = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(month.lower().rstrip(".")[:3]))
    if year is None and published is None:
        return None
    try:
        date = dt.date(year or published.year, m, day)
    except ValueError:
        return None
    if year is None:
        try:
            if (date - published).days > (0 if past else YEAR_WRAP_DAYS):
                date = date.replace(year=date.year - 1)
            elif forward and (published - date).days > YEAR_WRAP_DAYS:
                date = date.replace(year=date.year + 1)
        except ValueError:  # 29 February moved to a year without one: no such day
            return None
    return date


# A month without a day ('in May', 'since August 2008', 'early December'): written
# capitalised, and without a year only after a word that makes it a date ('may'
# and 'march' are verbs too)
MONTH_ONLY = re.compile(r"\b(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate)[-\s]+)?"
                        r"(?P<m>(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.|"
                        r"January|February|March|April|May|June|July|August|September|October|November|December)"
                        r"(?:,?\s+(?P<y>1[89]\d\d|20\d\d)\b)?")
_MONTH_BEFORE = {"in", "since", "until", "till", "by", "through", "from", "during", "before", "after", "of", "to"}
# 'last December' is the latest December before publication, 'next May' the first after it
_MONTH_STEPS = {"last": -1, "next": 1}
# the days of a month that 'early', 'mid' and 'late' cover
_MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def resolve_month(month: str, year: int | None, published: dt.date | None, part: str | None = None,
                  forward: bool = False, past: bool = False) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a month written without a day, in the year a
    reader would take ('in May' in a June 2021 article is May 2021, 'in
    December' in a January article the December before; 'will end in
    January' in a June article the January after, 'passed in July' in a
    June article the July before), or of its early, middle or late part."""
    middle = resolve_month_day(month, 15, year, published, forward, past)
    if middle is None:
        return None
    if year is None and published is not None:
        # what is to come is not before the month of publication, what is past not after it
        if forward and (middle.year, middle.month) < (published.year, published.month):
            middle = middle.replace(year=middle.year + 1)
        elif past and (middle.year, middle.month) > (published.year, published.month):
            middle = middle.replace(year=middle.year - 1)
    nxt = dt.date(middle.year + middle.month // 12, middle.month % 12 + 1, 1)
    first, last = middle.replace(day=1), nxt - dt.timedelta(days=1)
    if part:
        lo, hi = _MONTH_PARTS[part.lower()]
        first, last = first.replace(day=lo), last.replace(day=min(hi, last.day))
    return first, last


_COUNT_WORD = r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
# '7-2', '7 to 2' and the hyphenated '220-to-190'
TALLY = re.compile(rf"\b(?P<x>{_COUNT_WORD})\s*(?:[-–]to[-–]|-|–|to)\s*(?P<y>{_COUNT_WORD})\b(?!\s*(?:percent|%|years|days|months|weeks))", re.I)
# words that make 'x-y' a vote's split: a vote's nouns, and the verbs a chamber decides with
# ('the House passed the bill 232-190')
TALLY_WORDS = {"vote", "split", "ballot", "margin", "tally", "pass", "approve", "confirm", "reject", "adopt", "ratify"}
RELATIVE_DATE = re.compile(r"\b(?:(?:earlier|later)\s+)?this\s+(?:year|month|week)\b|\b(?:last|next)\s+(?:year|month|week)\b"
                           r"|\byesterday\b|\b(?:this|last|past|over\s+the)\s+weekend\b", re.I)


def resolve_relative(text: str, published: dt.date, past: bool = False) -> tuple[dt.date, dt.date, str] | None:
    """The first and last day a relative date covers, and its unit: 'last
    month' in a 10 June 2011 article is 1 to 31 May 2011; 'last week' is the
    Monday-to-Sunday week before the one of publication. A weekend told in
    the past (`past`: 'lapsed this weekend', 'over the weekend') or 'last'
    is the latest one on or before publication, else the coming one."""
    words = text.lower().split()
    unit = words[-1]
    if unit == "yesterday":
        day = published - dt.timedelta(days=1)
        return day, day, "day"
    if unit == "weekend":
        saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)   # the latest, on or before
        if words[-2] == "last" and published.weekday() >= 5:
            saturday -= dt.timedelta(weeks=1)   # said during a weekend, 'last weekend' is the one before
        elif words[-2] in ("this", "the") and not past and published.weekday() < 5:
            saturday += dt.timedelta(weeks=1)   # 'will meet this weekend': the coming one
        return saturday, saturday + dt.timedelta(days=1), "weekend"
    step = {"this": 0, "last": -1, "next": 1}[words[-2]]
    if unit == "year":
        year = published.year + step
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif unit == "month":
        month = published.month + step
        year = published.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        first = dt.date(year, month, 1)
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
    else:
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        first, last = monday, monday + dt.timedelta(days=6)
    if words[0] == "earlier":
        last = min(last, published)
    elif words[0] == "later":
        first = max(first, published)
    return first, last, unit


_FORWARD_BEFORE = {"until", "till", "next", "by", "before", "through", "coming"}


def looks_forward(token: Token) -> bool:
    """A date the sentence looks forward to: 'until Monday', 'next Tuesday',
    or a verb in the future ('will vote on Monday', 'is expected to')."""
    doc = token.doc
    before = [t.lower_ for t in doc[max(token.sent.start, token.i - 3):token.i]]
    if any(w in _FORWARD_BEFORE for w in before) or before in (["as", "soon", "as"], ["as", "early", "as"]):
        return True
    verb = token.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX"):
            break
        if verb.head is verb:
            return False
        verb = verb.head
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    # 'may vote on Monday' has not happened yet; 'may have voted on Monday' has
    return bool(aux & {"will", "shall", "'ll", "wo"} or aux & {"may", "might"} and "have" not in aux) or (
        verb.lemma_ in ("expect", "schedule", "plan", "set") and any(c.dep_ == "xcomp" for c in verb.children))


def told_in_past(token: Token) -> bool:
    """A date its clause tells in the past tense ('passed in July', 'has
    risen since May', 'was signed in March')."""
    verb = token.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX"):
            break
        if verb.head.i == verb.i:
            return False
        verb = verb.head
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return verb.tag_ == "VBD" or any(a.tag_ == "VBD" or a.lower_ in ("has", "have", "'ve") for a in aux)


def _dates_past_act(token: Token) -> bool:
    """A date that times a verb told in the past ('marched on Sept. 11' in a
    June article is last year's), not one the verb looks to ('set the
    sentencing for June 28') or one inside a noun phrase ('pushed for a
    postponement of the June 19 vote'), which may lie ahead."""
    head = token.head
    if head.dep_ == "prep" and head.lower_ not in _FORWARD_BEFORE | {"for"}:
        verb = head.head
    elif token.dep_ == "npadvmod":
        verb = head
    else:
        return False
    return verb.pos_ in ("VERB", "AUX") and told_in_past(token)


def _name_of(token: Token) -> str:
    """A noun with its proper-noun compounds: 'Masaken Hanano', 'Old Mill district'."""
    parts = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]
    first = min([token] + [c for p in parts for c in p.subtree], key=lambda t: t.i)
    return token.doc[first.i: token.i + 1].text


def _noun_phrase(token: Token) -> str:
    """Subject or source phrase without determiners, relative clauses and appositions."""
    cut = set()
    for child in token.children:
        if child.dep_ in ("relcl", "appos", "acl", "punct", "cc", "conj") or (
                child.dep_ == "prep" and child.lower_ not in ("of", "for")):
            cut.update(t.i for t in child.subtree)
    words = [t for t in token.subtree if t.i not in cut and t.dep_ != "det"]
    if not words:
        return token.text
    return token.doc[words[0].i: words[-1].i + 1].text.strip(" ,")


def _subject_key(token: Token | None) -> str | None:
    """What a claim is about, as a label can name it: never a pronoun or a
    question word ('he', 'what'), which say nothing out of context."""
    if token is None or token.pos_ == "PRON" or token.tag_ in ("WP", "WDT", "PRP", "PRP$") \
            or token.lower_ in ("what", "who", "which", "that", "this", "it"):
        return None
    if token.pos_ == "PROPN" or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children):
        return _name_of(token).lower()
    return canon_thing(token.lemma_)


def _is_age(last: Token) -> bool:
    """'the 150-year-old market': an age describing a noun, not a count."""
    doc, k = last.doc, last.i
    words = [t.lower_ for t in doc[k + 1:k + 4]]
    return len(words) == 3 and words[0] == "-" and words[1] in ("year", "month", "week", "day") \
        and words[2] == "-" and doc[k + 4].lower_ == "old" if k + 4 < len(doc) else False


def _takes_place(verb: Token) -> bool:
    """'X took place in ...' says where X happened; 'take' is no capture here."""
    return verb.lemma_ == "take" and any(c.dep_ == "dobj" and c.lemma_ == "place" for c in verb.children)


def _of_partitive(token: Token | None) -> Token | None:
    """'the worst of the clashes' is about the clashes."""
    if token is None or token.lower_ not in PARTITIVES:
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), token) if of is not None else token


def _of_object(token: Token) -> Token | None:
    """The object of a token's 'of': 'voters' in '45 percent of voters'."""
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None


def _event_of_verb(verb: Token) -> tuple[str | None, str | None]:
    """Canonical event of a verb, looking through 'remain trapped' and particles."""
    if _takes_place(verb):
        return "be", verb.text
    if verb.lemma_ in LINKING:
        for c in verb.children:
            if c.dep_ in ("acomp", "xcomp", "oprd", "attr") and c.pos_ in ("VERB", "ADJ"):
                return canon_event(c.lemma_), c.text
            if c.dep_ == "attr" and c.pos_ == "NOUN" and c.lemma_.lower() in AMOUNT_NOUNS:
                return canon_event(AMOUNT_NOUNS[c.lemma_.lower()]), c.text
    for c in verb.children:
        if c.dep_ in ("prt", "advmod", "prep") and (verb.lemma_, c.lower_) in PARTICLE_EVENTS:
            return PARTICLE_EVENTS[(verb.lemma_, c.lower_)], f"{verb.text} {c.text}"
    return canon_event(verb.lemma_), verb.text


def _governing_verb(token: Token) -> Token | None:
    """The nearest verb (or predicative adjective) above a token, skipping 'including'."""
    node = token
    for _ in range(6):
        # spaCy builds a new Token on every access, so `is` never matches: compare indices.
        if node.head.i == node.i:
            return node if node.pos_ in ("VERB", "AUX", "ADJ") else None
        node = node.head
        if node.lemma_.lower() in SKIP_INTERMEDIATE or node.lower_ in SKIP_INTERMEDIATE:
            continue
        if node.pos_ == "VERB" or (node.pos_ == "AUX" and node.dep_ == "ROOT"):
            return node
    return None


def _subject_of_verb(verb: Token | None) -> Token | None:
    if verb is None:
        return None
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.pos_ == "PRON" and verb.dep_ == "relcl":
                return verb.head
            return c
    if verb.dep_ in ("relcl", "acl"):
        return verb.head
    return None


EARLIER = {"earlier", "previous", "prior", "similar", "last", "former", "another", "past"}


def _purpose_of(token: Token) -> str | None:
    """What a figure is for: the verb of a 'to' clause ('votes to confirm'),
    or the object of 'on' / 'for' ('spent on catering')."""
    for c in token.children:
        if c.dep_ in ("xcomp", "advcl", "acl", "relcl") and c.pos_ in ("VERB", "AUX") and any(
                a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            if c.lemma_ == "be":
                c = next((x for x in c.children if x.dep_ in ("acomp", "attr")), c)
                if c.like_num or c.pos_ == "NUM":
                    continue   # 'is going to be $1 million': the figure itself, no purpose
            return c.lemma_.lower()
        if c.dep_ == "prep" and c.lower_ in ("on", "for") and token.pos_ in ("VERB", "NOUN"):
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None and (obj.pos_ == "NOUN" or obj.tag_ == "VBG") and not obj.ent_type_ \
                    and obj.lemma_.lower() not in _NO_PURPOSE:
                return canon_thing(obj.lemma_)
    return None




def _nominal_event(token: Token) -> tuple[Token, Token | None] | None:
    """A date hung on an event noun ('the renovation in 2021', 'the stand's
    renovation in 2021'), standing before it ('a Tuesday letter', 'Friday's
    vote', 'Friday night's drone strike') or right after it ('the strike
    Saturday'): the noun, and whose event it is (its possessor or 'of' object)."""
    prep = token.head
    if prep.lower_ in DAY_PARTS and prep.i == token.i + 1 and token.dep_ in ("compound", "nmod", "npadvmod"):
        token, prep = prep, prep.head   # 'Friday night's strike' is the night's strike
    if token.dep_ in ("compound", "poss", "nmod") and prep.i > token.i:
        candidates = [prep]
    elif token.dep_ in ("npadvmod", "appos") and prep.i < token.i:
        candidates = [prep]
    elif prep.dep_ != "prep" or prep.i == 0:
        return None
    else:
        # the parse often hangs 'in 2021' on the clause verb; the noun right before it is what it dates
        candidates = [prep.head, prep.doc[prep.i - 1]]
    noun = next((n for n in candidates if n.pos_ == "NOUN" and n.lemma_.lower() in NOMINAL_EVENTS), None)
    if noun is None:
        return None
    return noun, _owner(noun)


def _owner(noun: Token) -> Token | None:
    """Whose event a noun names: its possessor ('the stand's renovation'),
    never a day ('Tuesday's vote'); its 'of' object ('the renovation of the
    stand'); or the subject of a light verb carrying it ('the Senate held a
    vote') or of an active clause it is told in ('Ostrander said in a statement')."""
    owner = next((c for c in noun.children if c.dep_ == "poss" and c.pos_ != "PRON"
                  and c.ent_type_ not in ("DATE", "TIME") and c.lower_ not in DAY_PARTS), None)
    if owner is None:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        owner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if owner is None and noun.dep_ == "dobj" and noun.head.lemma_.lower() in LIGHT_VERBS:
        owner = _subject_of_verb(noun.head)
    elif owner is None and noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB":
        # 'Ostrander said in a statement': the active clause's doer made the statement
        owner = next((c for c in noun.head.head.children if c.dep_ == "nsubj"), None)
    return owner


def _carried_event(verb: Token | None) -> tuple[Token, Token | None] | None:
    """The event noun a light verb carries or times ('held a vote on Monday',
    'issued a statement on Saturday', 'the ruling, issued Monday', 'a vote
    was set for Saturday'): a date on the verb is the noun's."""
    if verb is None or verb.lemma_.lower() not in LIGHT_VERBS:
        return None
    nouns = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "nsubj")]
    if verb.dep_ in ("acl", "relcl"):
        nouns.append(verb.head)
    noun = next((n for n in nouns if n.pos_ == "NOUN" and n.lemma_.lower() in NOMINAL_EVENTS), None)
    if noun is None:
        return None
    if noun.dep_ == "dobj" and noun.head.i == verb.i:
        return noun, _owner(noun)   # 'the Senate held a vote': the Senate's
    # else the clause is about the event itself: 'the bank's meeting is scheduled for June 11'
    # and 'the meeting, which is set for June 12' date one meeting (`DATED_EVENTS`)
    return noun, noun


def _role_of(token: Token) -> str | None:
    """The role a figure is counted in: 'two terms as governor' and 'one term
    as lieutenant governor' count different offices."""
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ == "as":
            obj = next((x for x in c.children if x.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.lemma_.lower() not in PREPOSITION_NOUNS:
                words = [t for t in obj.subtree if t.i <= obj.i and t.dep_ in ("compound", "amod") or t.i == obj.i]
                return " ".join(t.lemma_.lower() for t in words)
    return None


# --- per-sentence context: window and attribution ---------------------------

_SINCE = re.compile(rf"\bsince\s+(?:(?P<wd>{'|'.join(WEEKDAYS)})|(?P<md>{_MONTH_RE}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH_RE}))", re.I)
_SPAN_DAYS = re.compile(r"\b(?:in|over|during|for|after|within)\s+(?:the\s+(?:past|last)\s+)?(?P<n>\d+|[a-z]+)\s+(?P<u>days|weeks|months)\b", re.I)
_ON_DAY = re.compile(rf"\b(?:on|late|early)\s+(?:on\s+)?(?P<wd>{'|'.join(WEEKDAYS)})\b", re.I)
_OTHER_WINDOWS = re.compile(r"\b(overnight|over the weekend|last week|this week|yesterday|today)\b", re.I)


def _as_int(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    try:
        return int(text2num(word.lower(), "en"))
    except ValueError:
        return None


def sentence_window(text: str, published: dt.date | None) -> Window | None:
    """The time window a sentence's figures cover, resolved against publication."""
    m = _SINCE.search(text)
    if m:
        start = None
        if m.group("wd"):
            start = resolve_weekday(m.group("wd"), published, past=True)
        else:
            start = _parse_month_day(m.group("md"), published, past=True)
        return Window(m.group(0), start, published if start else None)
    m = _SPAN_DAYS.search(text)
    if m and (n := _as_int(m.group("n"))):
        days = n * {"days": 1, "weeks": 7, "months": 30}[m.group("u").lower()]
        if published:
            return Window(m.group(0), published - dt.timedelta(days=days - 1), published)
        return Window(m.group(0))
    m = _ON_DAY.search(text)
    if m:
        day = resolve_weekday(m.group("wd"), published)
        return Window(m.group(0), day, day)
    m = _OTHER_WINDOWS.search(text)
    if m:
        word = m.group(1).lower()
        if published and word in ("yesterday", "today"):
            day = published - dt.timedelta(days=1 if word == "yesterday" else 0)
            return Window(m.group(0), day, day)
        return Window(m.group(0))
    return None


def _parse_month_day(text: str, published: dt.date | None, forward: bool = False,
                     past: bool = False) -> dt.date | None:
    m = MONTH_DAY.search(text)
    if m:
        return resolve_month_day(m.group(1), int(m.group(2)), int(m.group(3)) if m.group(3) else None, published,
                                 forward, past)
    m = DAY_MONTH.search(text)
    if m:
        return resolve_month_day(m.group(2), int(m.group(1)), int(m.group(3)) if m.group(3) else None, published,
                                 forward, past)
    return None


def sentence_attribution(sent: SpacySpan) -> str | None:
    """Who the sentence credits: 'according to X', else the subject of a reporting verb."""
    for t in tokens_where(sent.doc, "lower_", ("according",), sent.start, sent.end):
        heads = according_to(t)
        if heads:
            return _noun_phrase(heads[0])
    for t in tokens_where(sent.doc, "lemma_", CLAIM_VERBS, sent.start, sent.end):
        if t.pos_ == "VERB":
            subj = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.pos_ != "PRON":
                return _noun_phrase(subj)
    return None


# --- extraction ----------------------------------------------------------------

class _Sentence:
    """A sentence span whose text and tokens are read once: spaCy rebuilds
    `Span.text` and a `Token` per position on every access, and each rule
    below reads the sentence again. Anything else goes to the span."""

    def __init__(self, span: SpacySpan, text: str):
        self.span, self.doc = span, span.doc
        self.start, self.end = span.start, span.end
        self.start_char, self.end_char = span.start_char, span.end_char
        self.text = text[self.start_char:self.end_char]
        self.tokens = doc_tokens(span.doc)[self.start:self.end]

    def __iter__(self):
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def __getattr__(self, name: str):
        return getattr(self.span, name)


class _Extractor:
    def __init__(self, analysis: Analysis):
        self.a = analysis
        self.published = analysis.article.date
        self.claims: list[ClaimInfo] = []

    def run(self) -> list[ClaimInfo]:
        text = doc_text(self.a.doc)
        for index, sent in enumerate(self.a.sentences):
            self._sentence(index, _Sentence(sent, text))
        return self.claims

    def _sentence(self, index: int, sent: _Sentence) -> None:
        used: set[int] = set()
        tokens, text = sent.tokens, sent.text   # made once, shared by every pass below
        # Most sentences hold no figure: only one with a number needs its time
        # window, and only one with a claim its attribution (a fifth of this
        # stage when computed for every sentence).
        numbered = tokens_selected(sent.doc, "number_start", _number_starts, sent.start, sent.end)
        window = sentence_window(text, self.published) if numbered else None
        found: list[ClaimInfo] = []
        found += self._times(index, sent, used, text)
        found += self._distances(index, sent, used, text)
        found += self._dates(index, sent, used, text)
        found += self._tallies(index, sent, used, text)
        found += self._numbers(index, sent, used, window, tokens)
        found += self._places(index, sent, used)
        source = sentence_attribution(sent) if found else None
        for claim in found:
            claim.attribution = source
        self.claims += found

    # clock times in any notation: '11:47 p.m.', '23:47', '11.47pm', '9 p.m.'
    def _times(self, index, sent, used, text) -> list[ClaimInfo]:
        out = []
        for m in CLOCK.finditer(text):
            if m.group("h") is not None:
                hour, minute = int(m.group("h")), int(m.group("m") or 0)
                if hour > 12:
                    continue
                pm = m.group("ap").lower().startswith("p")
                hour = hour % 12 + (12 if pm else 0)
            else:
                hour, minute = int(m.group("h24")), int(m.group("m24"))
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            tokens = self._tokens_in(start, end)
            if not tokens:
                continue
            used.update(t.i for t in tokens)
            claim = self._dated("time", index, tokens, start, end, f"{hour:02d}:{minute:02d}")
            at = hour * 60 + minute
            before = text[:m.start()].lower().split()[-2:]
            slack = next((v for k, v in CLOCK_HEDGES.items() if k in before[-1:] or " ".join(before) == k), None)
            if slack is not None:
                # 'shortly before 6 p.m.' is a span of time, not 18:00
                claim.extra["minutes"] = (at + slack[0], at + slack[1])
            out.append(claim)
        return out

    def _dated(self, kind, index, tokens, start, end, value) -> ClaimInfo:
        verb = _governing_verb(tokens[-1])
        nominal = _nominal_event(tokens[-1]) or _carried_event(verb)
        if nominal is not None:
            # 'during the stand's renovation in 2021': the date of the renovation, of the stand
            noun, subj = nominal
            event, word = canon_event(NOMINAL_EVENTS[noun.lemma_.lower()]), noun.text
        else:
            event, word = _event_of_verb(verb) if verb is not None else (None, None)
            subj = _subject_of_verb(verb)
        return ClaimInfo(kind=kind, article=self.a.id, start=start, end=end,
                         text=self.a.article.text[start:end], value=value, sentence=index,
                         event=event, event_word=word, **self._subject(subj))

    def _distances(self, index, sent, used, text) -> list[ClaimInfo]:
        out = []
        for m in DISTANCE.finditer(text):
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            tokens = self._tokens_in(start, end)
            used.update(t.i for t in tokens)
            km = float(m.group("n")) * DISTANCE_UNITS[m.group("u").lower()]
            dirs = DIRECTIONS[m.group("d").lower()]
            of = tokens[-1]
            anchor = next((c for c in of.children if c.dep_ == "pobj"), None)
            verb = _governing_verb(tokens[0])
            subj = _subject_of_verb(verb)
            out.append(ClaimInfo(
                kind="place", article=self.a.id, start=start, end=end,
                text=self.a.article.text[start:end],
                value=f"{fmt_number(round(km, 1))} km {_DIR_NAMES[dirs]}", sentence=index,
                directions=dirs, anchor=canon_thing(anchor.lemma_) if anchor is not None else None,
                **self._subject(subj), event="locate", interval=Interval(km * 0.95, km * 1.05),
                extra={"distance": km}))
        return out

    def _dates(self, index, sent, used, text) -> list[ClaimInfo]:
        out = []
        spans = []
        for m in list(MONTH_DAY.finditer(text)) + list(DAY_MONTH.finditer(text)):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            if _FULL_MONTH_STOP.search(m.group(0)):
                end -= 1  # 'on 10 March.': the sentence's full stop, not an abbreviation
            tokens = self._tokens_in(start, end)
            used.update(t.i for t in tokens)
            if text[max(0, m.start() - 6):m.start()].lower().strip() == "since":
                continue  # a window start, recorded with the sentence's figures
            forward = bool(tokens) and looks_forward(tokens[0])
            date = _parse_month_day(m.group(0), self.published, forward,
                                    past=bool(tokens) and not forward and _dates_past_act(tokens[0]))
            value = date.isoformat() if date else m.group(0)
            if tokens:
                claim = self._dated("date", index, tokens, start, end, value)
                claim.date = date
                out.append(claim)
        out += self._months(index, sent, used, text)
        out += self._relative_dates(index, sent, used, text)
        for t in tokens_selected(sent.doc, "day_or_year", _day_or_year, sent.start, sent.end):
            if t.i in used:
                continue
            if t.lower_ in WEEKDAYS:
                prev = t.doc[t.i - 1] if t.i > 0 else None
                if prev is not None and prev.lower_ == "since":
                    continue
                date = resolve_weekday(t.lower_, self.published, looks_forward(t))
                used.add(t.i)
                claim = self._dated("date", index, [t], t.idx, t.idx + len(t.text),
                                    date.isoformat() if date else t.text.capitalize())
                claim.date = date
                claim.extra["weekday"] = t.lower_
                out.append(claim)
            elif len(t.text) == 4 and YEAR.fullmatch(t.text) and self._is_year(t):
                used.add(t.i)
                claim = self._dated("date", index, [t], t.idx, t.idx + len(t.text), t.text)
                claim.extra["year"] = int(t.text)
                out.append(claim)
        return out

    def _tallies(self, index, sent, used, text) -> list[ClaimInfo]:
        """A vote's split, '7-2' or 'seven to two', as one value: the two
        figures are one finding, and '6-3' elsewhere contradicts it."""
        if not tokens_selected(sent.doc, "tally_word", _tally_words, sent.start, sent.end):
            return []
        out = []
        for m in TALLY.finditer(text):
            x, y = _as_int(m.group("x")), _as_int(m.group("y"))
            if x is None or y is None or x < y or x > 999:
                continue   # a split is written winners first: '2-7' is a score or a range
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            tokens = self._tokens_in(start, end)
            if not tokens or any(t.i in used for t in tokens):
                continue
            used.update(t.i for t in tokens)
            claim = self._dated("number", index, tokens, start, end, f"{x}-{y}")
            claim.unit, claim.thing = "tally", "vote"
            claim.interval = Interval(x * 1000 + y, x * 1000 + y)   # equal only when both figures are
            claim.event, claim.event_word = "vote", None
            out.append(claim)
        return out

    def _months(self, index, sent, used, text) -> list[ClaimInfo]:
        """A month without a day as the period it covers: 'since August 2008'
        and 'since June 2008' are two months, though one year."""
        out = []
        for m in MONTH_ONLY.finditer(text):
            before = (text[:m.start()].split()[-1:] or [""])[0].lower()
            if m.group("y") is None and m.group("part") is None and before not in _MONTH_BEFORE | _MONTH_STEPS.keys():
                continue
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            tokens = self._tokens_in(start, end)
            if not tokens or any(t.i in used for t in tokens):
                continue
            step = _MONTH_STEPS.get(before) if m.group("y") is None else None
            forward = step == 1 or step is None and looks_forward(tokens[0])
            since = before == "since"
            resolved = resolve_month(m.group("m"), int(m.group("y")) if m.group("y") else None, self.published,
                                     m.group("part"), forward, past=step == -1 or not forward and (
                                         since or told_in_past(tokens[0])))
            if resolved is None:
                continue
            if step and self.published and (resolved[0].year, resolved[0].month) == (
                    self.published.year, self.published.month):
                # 'last May' in a May article is a year ago, 'next May' a year ahead
                resolved = resolve_month(m.group("m"), self.published.year + step, self.published, m.group("part"))
            used.update(t.i for t in tokens)
            first, last = resolved
            claim = self._dated("date", index, tokens, start, end, f"{first.isoformat()}/{last.isoformat()}")
            claim.extra["period"] = (first.isoformat(), last.isoformat())
            claim.extra["month"] = True
            if since:
                claim.extra["since"] = True   # a benchmark ('the fastest since August 2008'), not when it happened
            out.append(claim)
        return out

    def _relative_dates(self, index, sent, used, text) -> list[ClaimInfo]:
        """'earlier this year', 'last year', 'last month', 'last week',
        'yesterday', resolved as a reader of the article would: 'earlier this
        year' in a 2018 article is 2018, so a repayment 'in 2017' elsewhere is
        another date. A year becomes a year claim; a month or week a period."""
        out = []
        if self.published is None:
            return out
        for m in RELATIVE_DATE.finditer(text):
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            tokens = self._tokens_in(start, end)
            if not tokens or any(t.i in used for t in tokens):
                continue
            resolved = resolve_relative(m.group(0), self.published, past=told_in_past(tokens[0]))
            if resolved is None:
                continue
            used.update(t.i for t in tokens)
            first, last, unit = resolved
            if unit == "year":
                claim = self._dated("date", index, tokens, start, end, str(first.year))
                claim.extra["year"] = first.year
            elif first == last:
                claim = self._dated("date", index, tokens, start, end, first.isoformat())
                claim.date = first
            else:
                claim = self._dated("date", index, tokens, start, end, f"{first.isoformat()}/{last.isoformat()}")
                claim.extra["period"] = (first.isoformat(), last.isoformat())
            claim.extra["relative"] = m.group(0).lower()
            out.append(claim)
        return out

    @staticmethod
    def _is_year(t: Token) -> bool:
        prev = t.doc[t.i - 1].lower_ if t.i > 0 else ""
        return t.ent_type_ == "DATE" or prev in ("in", "of", "since", "by", "until", "from")

    def _numbers(self, index, sent, used, window, tokens) -> list[ClaimInfo]:
        out: list[ClaimInfo] = []
        i = 0  # tokens before this one are taken by an earlier group
        for t in tokens_selected(sent.doc, "number_start", _number_starts, sent.start, sent.end):
            if t.i - sent.start < i or t.i in used:
                continue
            i = t.i - sent.start
            j = i + 1
            while j < len(tokens) and tokens[j].i not in used and self._continues_number(tokens, j):
                j += 1
            group = tokens[i:j]
            if _is_age(group[-1]):
                i = j
                continue
            claim = self._number_claim(index, sent, group, window, out)
            if claim is not None:
                out.append(claim)
            i = j
        return out

    @staticmethod
    def _starts_number(t: Token) -> bool:
        low = t.lower_
        if low in VAGUE or low == "tens" or ORDINAL_DIGITS.match(t.text):
            return True
        if NUMERIC.match(t.text):
            return True
        if t.like_num and t.is_alpha and low not in SCALES and low not in ("one",) and not low.endswith(("th", "st", "nd", "rd")):
            return True
        if low == "one" and t.pos_ == "NUM" and t.dep_ == "nummod":
            return True
        return low in ("dozen",) and t.i > 0 and t.doc[t.i - 1].lower_ in ("a", "one")

    @staticmethod
    def _continues_number(tokens, j) -> bool:
        t = tokens[j]
        low = t.lower_
        if low in SCALES and low != "m":
            return True
        if low == "of" and j + 1 < len(tokens) and tokens[j - 1].lower_ in ("tens", "hundreds") and tokens[j + 1].lower_ == "thousands":
            return True
        if low == "thousands" and tokens[j - 1].lower_ == "of":
            return True
        prev = tokens[j - 1]
        if t.like_num and t.is_alpha and prev.like_num and prev.is_alpha and not low.endswith("th"):
            return True
        # 'forty-eight': the tokenizer splits the hyphen off; the two words are one number
        if t.text == "-" and prev.like_num and prev.is_alpha and j + 1 < len(tokens) and not prev.whitespace_ \
                and not t.whitespace_ and tokens[j + 1].like_num and tokens[j + 1].is_alpha:
            return True
        if t.like_num and t.is_alpha and prev.text == "-" and j >= 2 and tokens[j - 2].like_num \
                and tokens[j - 2].is_alpha and not low.endswith("th"):
            return True
        return low == "and" and prev.is_alpha and j + 1 < len(tokens) and tokens[j + 1].like_num and tokens[j + 1].is_alpha

    def _group_value(self, group: list[Token]) -> tuple[Interval, float] | None:
        words = [t.lower_ for t in group]
        if words[0] in VAGUE or words[0] == "tens":
            key = (words[0], words[-1]) if len(words) > 2 else None
            lo, hi = VAGUE_SCALED.get(key) or VAGUE.get(words[0], (None, None))
            if lo is None:
                return None
            return Interval(lo, hi), lo
        if m := ORDINAL_DIGITS.match(group[0].text):
            v = float(m.group(1))
            return Interval(v, v), v
        if NUMERIC.match(group[0].text):
            v = float(group[0].text.replace(",", ""))
            digits_after_point = len(group[0].text.split(".")[1]) if "." in group[0].text else 0
            scale = 1.0
            for w in words[1:]:
                scale *= SCALES.get(w, 1.0)
            exact = Interval(v * scale, v * scale)
            return exact, v * scale
        try:
            v = float(text2num(" ".join(w for w in words if w != "a").replace(" - ", "-"), "en"))
        except ValueError:
            return None
        return Interval(v, v), v

    def _number_claim(self, index, sent, group, window, earlier) -> ClaimInfo | None:
        doc = self.a.doc
        first, last = group[0], group[-1]
        if first.lower_ == "one" and last.i + 1 < len(doc) and doc[last.i + 1].lower_ == "of":
            return None
        parsed = self._group_value(group)
        if parsed is None:
            return None
        iv, v = parsed
        # 'more than $700 billion': the qualifier stands before the currency sign
        sign = int(first.i > sent.start and doc[first.i - 1].lower_ in CURRENCY_SIGNS)
        before = " ".join(t.lower_ for t in doc[max(sent.start, first.i - sign - 7):first.i - sign])
        bounded = next((w for w in BOUNDED if before.endswith(" " + w)), None)
        skip = len(bounded.split()) if bounded else 0
        if bounded:
            before = before[:-len(bounded) - 1]
        start = first.idx
        qualifier = next((q for q in QUALIFIERS if before.endswith(" " + q) or before == q), None)
        if qualifier and bounded and qualifier not in LOWER_OPEN + LOWER_CLOSED + UPPER_OPEN + UPPER_CLOSED:
            qualifier = None   # 'about the age of 40' hedges a figure; only a bound bounds an age
        if qualifier and v:
            iv = self._qualify(qualifier, v)
            start = doc[first.i - sign - skip - len(qualifier.split())].idx
        after = doc[last.i + 1: last.i + 4]
        unit, end_tok = self._unit(first, last, after)
        if unit in ("EUR", "USD", "GBP") and first.i > 0 and doc[first.i - 1].lower_ in CURRENCY_SIGNS:
            start = min(start, doc[first.i - 1].idx)
        if unit == "pp" and "basis" in [t.lower_ for t in after[:1]]:
            iv = Interval(iv.lo / 100, iv.hi / 100, iv.lo_open, iv.hi_open)
        postposed = " ".join(t.lower_ for t in doc[end_tok.i + 1:end_tok.i + 3])
        # a bound on an age, or worded after the figure, draws a line ('65 and older'), not a count
        threshold = bool(qualifier and bounded) or postposed in LOWER_AFTER + UPPER_AFTER and not qualifier
        if postposed in LOWER_AFTER + UPPER_AFTER and not qualifier:
            iv = Interval(iv.lo, INF) if postposed in LOWER_AFTER else Interval(0, iv.hi)
            end_tok = doc[end_tok.i + 2]
        if v and 1800 <= v <= 2100 and not unit and self._is_year(first):
            return None
        claim = ClaimInfo(kind="number", article=self.a.id, start=start, end=end_tok.idx + len(end_tok.text),
                          text="", value="", sentence=index, interval=iv, unit=unit, window=window)
        self._about(claim, group, unit, earlier)
        if claim.thing is None and claim.event is None:
            return None
        self._scope(claim, group, sent)
        if threshold:
            claim.extra["threshold"] = True
        claim.end = max(claim.end, claim.extra.pop("thing_end", claim.end))
        claim.text = self.a.article.text[claim.start:claim.end]
        claim.value = format_interval(iv, unit)
        return claim

    def _scope(self, claim: ClaimInfo, group, sent) -> None:
        """What else tells two figures of one kind apart: what a measure
        measures ('a magnitude 5.1 aftershock'), what a count or amount is for
        ('votes to confirm' / 'votes to sustain a filibuster'; 'spent on radio'
        / 'on catering'), and whether it belongs to an earlier occurrence ('a
        similar quake in 1998 killed 40')."""
        root = next((t for t in group if t.head not in group or t.head is t), group[-1])
        noun = root.head if root.head.pos_ in ("NOUN", "PROPN") and root.dep_ in ("nummod", "compound", "amod",
                                                                                  "quantmod", "nmod") else None
        if claim.thing in MEASURES and claim.thing != "money" and not claim.unit and noun is not None \
                and noun.lemma_.lower() not in MEASURES:
            claim.extra["of"] = canon_thing(noun.lemma_)
        elif noun is not None and noun.dep_ in ("compound", "amod") and noun.head.pos_ == "NOUN" \
                and noun.i > 0 and noun.doc[noun.i - 1].text == "-":
            # a hyphenated count modifies another noun: a '60-vote threshold' and a '50-vote
            # minority' are two things, neither a count of votes cast
            claim.extra["of"] = canon_thing(noun.head.lemma_)
        verb = _governing_verb(noun if noun is not None else root)
        of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        counted = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        for node in filter(None, (noun, root, counted, verb)):
            purpose = _purpose_of(node)
            if purpose:
                claim.extra["purpose"] = purpose
                break
        for node in filter(None, (noun, root, verb)):
            role = _role_of(node)
            if role:
                claim.extra["role"] = role
                break
        subj = _subject_of_verb(verb)
        for t in filter(None, (subj, noun)):
            if any(c.dep_ == "amod" and c.lower_ in EARLIER for c in t.children):
                claim.extra["era"] = "earlier"
        if self.published is not None:
            for t in tokens_selected(sent.doc, "day_or_year", _day_or_year, sent.start, sent.end):
                if len(t.text) == 4 and YEAR.fullmatch(t.text) and self._is_year(t) and int(t.text) < self.published.year:
                    claim.extra["era"] = t.text
                    break

    @staticmethod
    def _qualify(q: str, v: float) -> Interval:
        if q in LOWER_OPEN:
            return Interval(v, INF, lo_open=True)
        if q in LOWER_CLOSED:
            return Interval(v, INF)
        if q in UPPER_OPEN:
            return Interval(0, v, hi_open=True)
        if q in UPPER_CLOSED:
            return Interval(0, v)
        if q in NEARLY:
            return Interval(v * (1 - TOLERANCE), v)
        return Interval(v * (1 - TOLERANCE), v * (1 + TOLERANCE))

    def _unit(self, first: Token, last: Token, after) -> tuple[str, Token]:
        doc = self.a.doc
        words = [t.lower_ for t in after]
        if words[:1] in (["percent"], ["%"]) or words[:2] == ["per", "cent"]:
            return "%", after[1] if words[:2] == ["per", "cent"] else after[0]
        if words[:2] in (["percentage", "points"], ["percentage", "point"], ["basis", "points"], ["basis", "point"]):
            return "pp", after[1]
        if first.i > 0 and doc[first.i - 1].lower_ in CURRENCY_SIGNS:
            return CURRENCY_SIGNS[doc[first.i - 1].lower_], last
        if words[:1] and words[0] in CURRENCY_WORDS:
            return CURRENCY_WORDS[words[0]], after[0]
        if words[:2] and words[0] == "of" and words[1:2] and words[1] in CURRENCY_WORDS and (first.lower_ in VAGUE or first.lower_ == "tens"):
            return CURRENCY_WORDS[words[1]], after[1]   # 'thousands of dollars
        if words[:1] and words[0] in DURATION_UNITS:
            return DURATION_UNITS[words[0]], after[0]
        # '19-month freeze', 'a six-week extension': a length, as '19 months' is; an age
        # ('65-year-old') is no length
        if words[:2] and words[0] == "-" and words[1] in DURATION_UNITS and words[2:3] != ["-"] \
                and after[0].idx == last.idx + len(last.text) and after[1].idx == after[0].idx + 1:
            return DURATION_UNITS[words[1]], after[1]
        return "", last

    def _about(self, claim: ClaimInfo, group, unit, earlier) -> None:
        """Fill in the counted thing, the event and the subject of a number."""
        doc = self.a.doc
        root = next((t for t in group if t.head not in group or t.head.i == t.i), group[-1])
        first, last = group[0], group[-1]
        if first.i > 0 and doc[first.i - 1].lower_ == "magnitude":
            claim.thing = "magnitude"
            return
        head = root.head
        if unit in DURATION_UNITS.values():
            claim.thing = unit
            claim.event = self._campaign_near(root)
            return
        if unit in ("%", "pp") or unit in CURRENCY_WORDS.values():
            if unit in ("%", "pp"):
                unit_tok = doc[root.i + 1] if root.i + 1 < len(doc) else root
                unit_tok = unit_tok if unit_tok.lower_ not in ("percentage", "basis", "per") else doc[min(root.i + 2, len(doc) - 1)]
            else:
                unit_tok = root
                # Compare by index (spaCy makes a new Token per access, so `is`
                # never holds at the root) and bound the climb by the parse's size.
                for _ in range(len(doc)):
                    if unit_tok.head.i == unit_tok.i or unit_tok.head.pos_ not in ("NUM", "NOUN", "SYM") \
                            or unit_tok.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass"):
                        break
                    unit_tok = unit_tok.head
            verb = _governing_verb(unit_tok)
            obj = None
            share_of = _of_object(unit_tok) if unit in ("%", "pp") else None
            if share_of is not None and share_of.pos_ == "NOUN":
                # '45 percent of voters support the plan': a share of the voters, who support it
                claim.thing = canon_thing(share_of.lemma_)
                claim.extra["share_of"] = share_of.lower_
                if verb is not None:
                    claim.event, claim.event_word = _event_of_verb(verb)
                return
            if verb is not None:
                obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i != unit_tok.i and c.pos_ == "NOUN"), None)
                obj = obj or next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"), None)
            claim.thing = canon_thing(obj.lemma_) if obj is not None else ("money" if unit not in ("%", "pp") else None)
            # 'cutting $14 million from ...': an amount with no other object still has its verb
            if (claim.thing not in MEASURES or obj is None and claim.thing == "money") and verb is not None:
                claim.event, claim.event_word = _event_of_verb(verb)
            if unit not in ("%", "pp") and claim.thing not in MEASURES:
                claim.thing = "money"
            return
        noun = None
        if root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
            noun = head.head  # 'a magnitude of 6.1', 'a toll of 40'
        elif head.pos_ in ("NOUN", "PROPN") and root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod"):
            noun = head
        elif root.lower_ in VAGUE or root.lower_ in ("dozen", "tens"):
            of = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is not None and obj.lower_ == "thousands":
                of2 = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                obj = next((c for c in of2.children if c.dep_ == "pobj"), None) if of2 is not None else None
            noun = obj
        if noun is not None and noun.lower_ in ("%", "percent", "point", "points"):
            noun = None
        # '4,300 Wal-Mart and Sam's Club stores': the figure counts the common
        # noun after the names, whatever the parse hung it on
        if (noun is None or noun.pos_ == "PROPN" and noun.i == last.i + 1) and last.i + 1 < len(doc) \
                and doc[last.i + 1].pos_ == "PROPN" and not unit:
            k = last.i + 1
            while k < min(len(doc), last.i + 9) and (doc[k].pos_ in ("PROPN", "PART", "CCONJ")
                                                       or doc[k].text in ("-", "&", "'s")):
                k += 1
            if k < len(doc) and doc[k].pos_ == "NOUN" and doc[k].tag_ in ("NNS", "NN"):
                noun = doc[k]
        if noun is not None:
            claim.thing = canon_thing(noun.lemma_)
            claim.extra["thing_text"] = noun.lower_
            if noun.pos_ == "PROPN" and (noun.i != noun.sent.start or noun.ent_type_):
                claim.extra["thing_proper"] = True
            claim.extra["thing_end"] = noun.idx + len(noun.text) if noun.i > root.i else claim.end
            anchor = noun
        else:
            anchor = root
        # a participle on the noun names the event better than the clause verb:
        # 'reach 12 miners trapped', 'the wounded civilians'
        amod_event = next((c for c in (noun.children if noun is not None else [])
                           if c.dep_ in ("amod", "acl") and (canon_event(c.lemma_) in EVENT_SYNONYMS
                                                             or c.tag_ == "VBN")), None)
        verb = _governing_verb(anchor)
        outcome = self._outcome(noun, last)
        if outcome is not None:
            # '48 deaths', '520,000 arrests', 'left 12 dead': people, counted by what happened to them
            claim.thing, (claim.event, claim.event_word) = "people", outcome
            claim.extra.pop("thing_proper", None)
            claim.extra["thing_text"] = "people"   # the label reads 'people killed', not 'deaths killed'
            return
        if amod_event is not None:
            claim.event, claim.event_word = canon_event(amod_event.lemma_), amod_event.text
        elif verb is not None:
            claim.event, claim.event_word = _event_of_verb(verb)
        if noun is None:
            self._elliptical(claim, root, verb, earlier)

    def _outcome(self, noun: Token | None, last: Token) -> tuple[str, str] | None:
        """What happened to the people a figure counts, where the figure names
        no people: an outcome noun ('48 deaths', '520,000 arrests') or an
        outcome word right after it ('left 12 dead and 30 wounded')."""
        doc = self.a.doc
        word = noun if noun is not None else (doc[last.i + 1] if last.i + 1 < len(doc) else None)
        if word is None or (noun is None and word.pos_ not in ("ADJ", "VERB")) or (noun is not None and word.pos_ != "NOUN"):
            return None
        event = canon_event(word.lemma_.lower()) if word.lower_ not in OUTCOME_WORDS else OUTCOME_WORDS[word.lower_]
        return (event, word.text) if event in PEOPLE_OUTCOMES and word.lemma_.lower() not in TOLL_NOUNS else None

    def _elliptical(self, claim, root, verb, earlier) -> None:
        """'rose to nine' counts what the subject names; '300 were injured' what
        the previous figure of the sentence counted."""
        subj = _subject_of_verb(verb)
        if subj is not None and subj.lemma_ in TOLL_NOUNS:
            of = next((c for c in subj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is not None and canon_event(obj.lemma_) in EVENT_SYNONYMS:
                claim.thing, claim.event, claim.event_word = "people", canon_event(obj.lemma_), obj.text
            elif any(c.lemma_ == "death" for c in subj.children) or subj.lemma_ == "toll":
                claim.thing, claim.event, claim.event_word = "people", "kill", "killed"
            elif obj is not None:
                claim.thing = canon_thing(obj.lemma_)
            claim.extra["revision_verb"] = verb.lemma_ if verb is not None else None
            return
        if earlier and earlier[-1].thing and earlier[-1].unit == claim.unit:
            claim.thing = earlier[-1].thing
        elif subj is not None and subj.i != root.i and subj.pos_ in ("NOUN", "PROPN") and claim.event not in ("say",):
            claim.thing = canon_thing(subj.lemma_)
            if subj.pos_ == "PROPN":
                claim.extra["thing_proper"] = True

    def _campaign_near(self, root: Token) -> str | None:
        """Durations belong to the campaign they measure: 'day 12 of the offensive'."""
        nodes = [root] + list(root.ancestors)[:3]
        for node in nodes:
            for t in node.subtree:
                if EVENT_OF.get(t.lemma_.lower()) == "campaign" or EVENT_OF.get(t.lower_) == "campaign":
                    return "campaign"
        return None

    # places ------------------------------------------------------------------

    def _places(self, index, sent, used) -> list[ClaimInfo]:
        out = []
        for prep in tokens_where(sent.doc, "dep_", ("prep",), sent.start, sent.end):
            if prep.lower_ not in PLACE_PREPS:
                continue
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is None or obj.i in used:
                continue
            claim = self._place_claim(index, prep, obj)
            if claim is not None:
                out.append(claim)
        return out

    def _place_claim(self, index, prep: Token, obj: Token) -> ClaimInfo | None:
        doc = self.a.doc
        cut = {t.i for c in obj.children if c.dep_ in ("conj", "cc", "relcl", "acl", "appos", "punct")
               or (c.dep_ == "prep" and not EDGE_WORDS.get(obj.lower_)) for t in c.subtree}
        phrase = [t for t in obj.subtree if t.i >= prep.i and t.i not in cut]
        mods = [t for t in phrase if t.i <= obj.i]
        dirs: frozenset[str] = frozenset()
        for t in mods:
            for part in t.lower_.split("-") + [t.lower_]:
                if part in DIRECTIONS and (t.dep_ in ("amod", "compound", "pobj", "nmod") or t.i == obj.i):
                    dirs = DIRECTIONS[t.lower_] if t.lower_ in DIRECTIONS else dirs | DIRECTIONS[part]
        position = EDGE_WORDS.get(obj.lower_)
        anchor = None
        if position:
            of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            target = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if target is not None:
                # 'the wrong side of history', 'the heart of the matter': an
                # edge of something that is no place, name or facility
                if not dirs and target.pos_ == "NOUN" and not target.ent_type_ \
                        and target.lemma_.lower() not in PLACE_NOUNS | FACILITY_NOUNS:
                    return None
                anchor = _subject_key(target)
                phrase = [t for t in phrase if t.i <= target.i]
        elif obj.pos_ in ("PROPN",) and dirs:
            anchor = _name_of(obj).lower()
        facility = None
        if not dirs and not position:
            if obj.lemma_.lower() in FACILITY_NOUNS and obj.pos_ == "NOUN":
                facility = " ".join(t.lower_ for t in mods if t.dep_ in ("compound", "amod") and t.i > prep.i) + " " + obj.lemma_.lower()
                facility = facility.strip()
            else:
                return None
        if not phrase:
            return None
        start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        # the place is where the thing the preposition hangs on is, or where its verb happened
        head = prep.head
        if head.lemma_ in TIME_NOUNS:
            head = _governing_verb(head) or head
        verb = head if head.pos_ in ("VERB", "AUX") else _governing_verb(head)
        if head.pos_ in ("NOUN", "PROPN"):
            subject_tok = head
            if EVENT_OF.get(head.lemma_.lower()) not in (None, "campaign") or head.lemma_ == "capture":
                of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                subject_tok = next((c for c in of.children if c.dep_ == "pobj"), head) if of is not None else head
        elif _takes_place(head):
            subject_tok = _subject_of_verb(head)
        else:
            subject_tok = next((c for c in head.children if c.dep_ == "dobj"), None) or _subject_of_verb(verb)
        subject_tok = _of_partitive(subject_tok)
        event, word = _event_of_verb(verb) if verb is not None else (None, None)
        if head.pos_ == "NOUN" and EVENT_OF.get(head.lemma_.lower()):
            event, word = EVENT_OF[head.lemma_.lower()], head.text
        if dirs or position:
            value = " ".join(filter(None, [_DIR_NAMES.get(dirs, "".join(sorted(dirs))) if dirs else None, position]))
        else:
            value = facility
        return ClaimInfo(kind="place", article=self.a.id, start=start, end=end, text=doc_text(doc)[start:end],
                         value=value, sentence=index, directions=dirs, position=position,
                         anchor=anchor, **self._subject(subject_tok), event=event, event_word=word,
                         extra={"facility": facility} if facility else {})

    # shared --------------------------------------------------------------------

    def _subject(self, token: Token | None) -> dict:
        """The subject key, and whether it is a definite common noun ('the
        district') that the story phase may replace by the name the story's
        articles give that kind of thing ('Masaken Hanano'): that name depends
        on the other articles, so it cannot be settled here."""
        token = _of_partitive(token)
        key = _subject_key(token)
        alias = None
        if token is not None and token.pos_ == "NOUN":
            if not any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children):
                if any(c.lower_ in ("the", "this", "that") for c in token.children) or token.dep_ == "dobj":
                    alias = key
        # a capitalised first word ('Fire broke out') is often tagged a name
        proper = token is not None and bool(key) and (
            token.pos_ == "PROPN" and (token.i != token.sent.start or bool(token.ent_type_))
            or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in token.children))
        return {"subject": key, "alias_noun": alias, "subject_proper": proper}

    def _tokens_in(self, start: int, end: int) -> list[Token]:
        span = self.a.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []


# Per-doc selections of the tokens the rules above test one by one
# (`analyze.tokens_selected`): read from the token columns once, a sentence
# finds its few candidates by bisection. Each string is tested once per doc.

def _day_or_year(doc) -> list[int]:
    """Weekday names and four-digit years ('1998'), as `_dates` and `_scope`
    test them; a token's lower case is its text when it is a year."""
    lower = token_column(doc, "lower_")
    words = {w for w in set(lower) if w in _WEEKDAY_SET or len(w) == 4 and YEAR.fullmatch(w)}
    return [i for i, w in enumerate(lower) if w in words]


def _tally_words(doc) -> list[int]:
    """The words that make 'x-y' a vote's split (`_tallies`)."""
    lemmas = token_column(doc, "lemma_")
    words = {w for w in set(lemmas) if w.lower() in TALLY_WORDS}
    return [i for i, w in enumerate(lemmas) if w in words]


def _number_starts(doc) -> list[int]:
    """The tokens `_Extractor._starts_number` accepts. Every one is a number
    word or digit spaCy calls `like_num`, starts with a digit, or is one of the
    words the test names; only those are tested."""
    from spacy.attrs import LIKE_NUM

    tokens, lower = doc_tokens(doc), token_column(doc, "lower_")
    words = {w for w in set(lower) if w[:1].isdecimal() or w in VAGUE or w in ("tens", "one", "dozen")}
    like_num = doc.to_array(LIKE_NUM).tolist() if len(doc) else []
    return [i for i, (w, num) in enumerate(zip(lower, like_num))
            if (num or w in words) and _Extractor._starts_number(tokens[i])]


def alias_evidence(analysis: Analysis) -> dict[str, dict[str, int]]:
    """Common noun -> name -> count in one article: 'Masaken Hanano district',
    'the district of Masaken Hanano', 'Masaken Hanano was the first district'.
    The story phase adds these up over its articles (`story_aliases`)."""
    counts: dict[str, dict[str, int]] = {}

    def add(noun: Token, name: str) -> None:
        slot = counts.setdefault(noun.lemma_.lower(), {})
        slot[name.lower()] = slot.get(name.lower(), 0) + 1

    for t in tokens_where(analysis.doc, "pos_", ("NOUN",)):
        children = list(t.children)  # made once: spaCy makes a new Token per child on each walk
        propn = [c for c in children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if propn and not any(p.like_num or p.lower_ in WEEKDAYS or p.ent_type_ in ("DATE", "TIME") for p in propn):
            add(t, _token_range_text(t.doc, min(x.i for p in propn for x in p.subtree), propn[-1].i + 1))
        if t.dep_ == "attr":
            subj = next((c for c in t.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
            if subj is not None:
                add(t, _name_of(subj))
        of = next((c for c in children if c.dep_ == "prep" and c.lower_ == "of"), None)
        target = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if target is not None and target.pos_ == "PROPN" and target.ent_type_ not in ("GPE",):
            if any(c.dep_ == "det" and c.lower_ == "the" for c in children):
                add(t, _name_of(target))
    return counts


def story_aliases(per_article: list[dict[str, dict[str, int]]]) -> dict[str, str]:
    """Common noun -> the one name the story gives it, from every article's
    `alias_evidence`. Only nouns with a single dominant name are kept, so the
    mapping stays safe."""
    counts: dict[str, dict[str, int]] = {}
    for article_counts in per_article:
        for noun, names in article_counts.items():
            slot = counts.setdefault(noun, {})
            for name, n in names.items():
                slot[name] = slot.get(name, 0) + n
    aliases = {}
    for noun, names in counts.items():
        # sorted() is stable: among equal counts the first seen name wins, as it did
        ranked = sorted(names.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            aliases[noun] = ranked[0][0]
    return aliases


def apply_aliases(claims: list[ClaimInfo], aliases: dict[str, str]) -> None:
    """Give definite common-noun subjects the story's name for them."""
    for claim in claims:
        if claim.alias_noun and claim.alias_noun in aliases:
            claim.subject = aliases[claim.alias_noun]


def _token_range_text(doc, start: int, end: int) -> str:
    return doc[start:end].text


def extract_claims(analysis: Analysis) -> list[ClaimInfo]:
    """Every number, place, date and clock-time claim of one article, in text order."""
    claims = _Extractor(analysis).run()
    _mark_revisions(analysis, claims)
    return sorted(claims, key=lambda c: (c.start, c.end))


def _mark_revisions(analysis: Analysis, claims: list[ClaimInfo]) -> None:
    """'rose to nine, up from seven': the figure after 'from' is the earlier
    state of the figure after 'to', a timeline rather than a second claim."""
    doc = analysis.doc
    numbers = [c for c in claims if c.kind == "number"]
    for claim in numbers:
        tok = doc.char_span(claim.start, claim.end, alignment_mode="expand")
        if tok is None or tok.start == 0:
            continue
        before = [t.lower_ for t in doc[max(0, tok.start - 2):tok.start]]
        if not before or before[-1] != "from":
            continue
        current = next((c for c in numbers if c is not claim and c.sentence == claim.sentence
                        and c.end <= claim.start and c.unit == claim.unit), None)
        if current is None:
            continue
        claim.is_previous = True
        claim.thing, claim.event, claim.event_word = current.thing, current.event, current.event_word
        current.previous = claim
