"""Facts across articles: group claims about the same thing, then classify
each group as agree, conflict or unique, each with a one-sentence reason.

Grouping needs the same *what* (counted thing and event, subject, unit),
compatible time windows, and support from the text: the claims sit in
counterpart spans of an aligned passage, or their sentences are close in
embedding space. Conflicts need stronger evidence than agreements, because a
false conflict costs the reader more than a missed one.

Value comparison goes through a `Checker`; `RuleChecker` is the default and a
model-based checker can be plugged in with the same signature.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from functools import lru_cache
from difflib import SequenceMatcher
from itertools import combinations
from typing import Protocol

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from text_to_num import text2num

from .blas import one_blas_thread
from .facts import (EVENT_SYNONYMS, INF, MEASURES, NOMINAL_EVENTS, TOLERANCE, ClaimInfo, Window, apply_aliases,
                    fmt_number, story_aliases)
from .differences import edit_facts, name_facts, title_facts
from .features import copy_claims
from .ids import finding_id
from .naming import Who, naming, who
from .settings import FactsConfig
from .models import Citation, Claim, Fact, Passage, Quote
from .names import GENERATIONAL_SUFFIXES
from .sources import same_actor, same_speaker

PARTICIPLES = {"kill": "killed", "injure": "injured", "evacuate": "evacuated", "flee": "fled",
               "trap": "trapped", "detain": "detained", "serve": "served", "rescue": "rescued",
               "strike": "struck", "start": "started", "close": "closed", "raise": "raised",
               "cut": "cut", "allocate": "allocated", "capture": "captured", "say": "said"}


@dataclass
class Verdict:
    status: str          # 'agree' | 'conflict'
    explanation: str
    confidence: float
    incompatible: bool | None = None   # for a conflict: cannot both be true


class Checker(Protocol):
    """Decides whether two claims about the same thing agree."""

    def compare(self, a: ClaimInfo, b: ClaimInfo) -> Verdict: ...


# --- value compatibility ------------------------------------------------------

def _directions_compatible(a: ClaimInfo, b: ClaimInfo) -> bool:
    if a.directions and b.directions and not (a.directions <= b.directions or b.directions <= a.directions):
        return False
    return not (a.position and b.position and a.position != b.position)


def _facility_compatible(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def _period(c: ClaimInfo):
    """The days a date claim covers: one day, a month or week ('last month'), a year."""
    if "period" in c.extra:
        return tuple(dt.date.fromisoformat(x) for x in c.extra["period"])
    if "year" in c.extra:
        return dt.date(c.extra["year"], 1, 1), dt.date(c.extra["year"], 12, 31)
    return (c.date, c.date) if c.date else None


def _dates_compatible(a: ClaimInfo, b: ClaimInfo) -> bool:
    if "period" in a.extra or "period" in b.extra:
        pa, pb = _period(a), _period(b)
        if pa and pb:
            return pa[0] <= pb[1] and pb[0] <= pa[1]
    if "weekday" in a.extra and a.extra["weekday"] == b.extra.get("weekday"):
        # one weekday written by both, resolved against publication dates a week apart:
        # the one Thursday of the election, not two
        return True
    if a.date and b.date:
        return a.date == b.date
    if "weekday" in a.extra and "weekday" in b.extra:
        return a.extra["weekday"] == b.extra["weekday"]
    return a.value.lower() == b.value.lower()


def _minutes(c: ClaimInfo) -> tuple[int, int]:
    """A clock time as a span of minutes after midnight ('shortly before 6 p.m.')."""
    if "minutes" in c.extra:
        return tuple(c.extra["minutes"])
    hour, minute = (int(x) for x in c.value.split(":"))
    return hour * 60 + minute, hour * 60 + minute


def values_compatible(a: ClaimInfo, b: ClaimInfo) -> bool:
    if a.kind == "number":
        return a.interval.overlaps(b.interval)
    if a.kind == "date":
        return _dates_compatible(a, b)
    if a.kind == "time":
        if "minutes" in a.extra or "minutes" in b.extra:
            (lo_a, hi_a), (lo_b, hi_b) = (_minutes(c) for c in (a, b))
            return lo_a <= hi_b and lo_b <= hi_a
        return a.value == b.value
    if "distance" in a.extra:
        return a.interval.overlaps(b.interval) and _directions_compatible(a, b)
    if "facility" in a.extra:
        return _facility_compatible(a.extra["facility"], b.extra["facility"])
    return _directions_compatible(a, b)


def stated_number(c: ClaimInfo) -> float | None:
    """The figure an article wrote, whatever its qualifier: 200 in 'more than
    200', 'up to 200', 'about 200'. None for vague words ('hundreds')."""
    iv = c.interval
    if c.unit == "tally":
        return None   # '7-2' is no count: it pairs by its key, never as a sole figure
    if iv is None:
        return None
    if iv.lo == iv.hi:
        return iv.lo
    if iv.hi == INF:
        return iv.lo
    if iv.lo == 0:
        return iv.hi
    mid = (iv.lo + iv.hi) / 2
    if abs(iv.hi - mid - TOLERANCE * mid) < 1e-9 * max(mid, 1):
        return mid      # about
    if abs(iv.lo - iv.hi * (1 - TOLERANCE)) < 1e-9 * max(iv.hi, 1):
        return iv.hi    # nearly
    return None


def _different_figures(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Two articles wrote different figures, even if both could be true."""
    if a.kind != "number" or "distance" in a.extra:
        return False
    x, y = stated_number(a), stated_number(b)
    return x is not None and y is not None and abs(x - y) > 1e-9 * max(abs(x), abs(y), 1)


def _edge_side(c: ClaimInfo) -> str | None:
    """Which side of its threshold a bound puts the figure itself: 'over 65'
    leaves 65 below the line, '65 and older' and 'under 65' put it above.
    None for an exact figure or a hedge, which say nothing of the edge."""
    iv = c.interval
    if iv.hi == INF:
        return "below" if iv.lo_open else "above"
    if iv.lo == 0 and iv.lo != iv.hi:
        return "above" if iv.hi_open else "below"
    return None


def _threshold(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Two figures at one threshold, an age or a bound worded as a class ('65
    and older', 'over the age of 65'): the line they draw, not a count, so
    'under 21' and '21 and older' draw one line from either side."""
    x = stated_number(a)
    return a.kind == "number" and x is not None and x == stated_number(b) and any(
        c.extra.get("threshold") or c.thing == "age" for c in (a, b))


def _why_compatible(a: ClaimInfo, b: ClaimInfo) -> str:
    lower = [c for c in (a, b) if c.interval.hi == INF]
    upper = [c for c in (a, b) if c.interval.lo == 0 and c.interval.hi != INF]
    if len(lower) == 2:
        return "two lower bounds, both of which can hold"
    if lower or upper:
        return "a bound and a figure that fits inside it"
    return "approximate figures that overlap (rounding)"


def _place(x: float) -> float:
    """The value of the last significant digit: 0.1 for 46.7 and for 5.9,
    1 million for 331 million, 100,000 for 600,000."""
    return 10.0 ** (math.floor(math.log10(x)) - _significant_digits(x) + 1)


def _rounds_to(fine: float | None, coarse: float | None) -> bool:
    """`coarse` is `fine` written with fewer digits, rounded or cut: 139 or 138
    for 138.7, 47 for 46.7, 200,000 for 212,672, 331 million for 331.5 million.
    Nobody cuts 25 to 20: a one-digit figure is only ever a rounding."""
    if not fine or not coarse or fine <= 0 or coarse <= 0 or fine == coarse:
        return False
    place = _place(coarse)
    if _place(fine) >= place:
        return False
    q = fine / place
    ways = (math.floor(q + 0.5), math.floor(q + 1e-9)) if _significant_digits(coarse) > 1 else (math.floor(q + 0.5),)
    return any(math.isclose(n * place, coarse, rel_tol=1e-9) for n in ways)


def _rounded(a: ClaimInfo, b: ClaimInfo, config: FactsConfig) -> bool:
    """One figure may be the other as written to fewer digits: '$138 million'
    for $138.7 million, '600,000' for 'more than 600,000'. Only a share, an
    amount or a large count is written rounded; '28 killed' is 28."""
    if a.kind != "number" or a.unit == "tally" or a.unit in ("day", "week", "month", "year", "hour"):
        return False
    x, y = stated_number(a), stated_number(b)
    if x is None or y is None or not _near(x, y, config.figure_max_ratio):
        return False
    for coarse, fine in ((a, b), (b, a)):
        iv, figure = coarse.interval, stated_number(coarse)
        if iv.lo != iv.hi or (not coarse.unit and figure < config.figure_min_count):
            continue   # a bound or a hedge says where it stands itself; a small count is exact
        if _rounds_to(stated_number(fine), figure) or (figure == stated_number(fine) and _place(figure) > 1):
            return True
    return False


class RuleChecker:
    """The default checker: interval overlap for numbers, equality for dates
    and times, direction containment for places. Different figures for the
    same quantity are a conflict even where both could hold (then
    `incompatible` is False and the explanation says why): a figure one
    article rounds (`_rounded`) is no contradiction of the precise one."""

    def __init__(self, config: FactsConfig = FactsConfig()):
        self.config = config

    def compare(self, a: ClaimInfo, b: ClaimInfo) -> Verdict:
        for earlier, later in ((a, b), (b, a)):
            if earlier.previous is not None and values_compatible(earlier.previous, later) \
                    and not values_compatible(earlier, later):
                return Verdict("conflict", _timeline_sentence(earlier, later), 0.6, incompatible=False)
        if _threshold(a, b):
            if None not in (_edge_side(a), _edge_side(b)) and _edge_side(a) != _edge_side(b):
                why = f"one threshold drawn two ways, once taking in {fmt_number(stated_number(a))} and once leaving it out"
                return Verdict("conflict", _conflict_sentence(a, b, why), 0.6, incompatible=False)
            return Verdict("agree", _agree_sentence(a, b), 0.8)
        if values_compatible(a, b):
            if _different_figures(a, b):
                return Verdict("conflict", _conflict_sentence(a, b, _why_compatible(a, b)), 0.6, incompatible=False)
            return Verdict("agree", _agree_sentence(a, b), 0.8)
        if _rounded(a, b, self.config):
            bound = any(c.interval.lo != c.interval.hi for c in (a, b))
            why = "a bound and a rounded figure that may fit inside it" if bound else "one figure is the other rounded"
            return Verdict("conflict", _conflict_sentence(a, b, why), 0.6, incompatible=False)
        return Verdict("conflict", _conflict_sentence(a, b), 0.8, incompatible=True)


# --- descriptions -------------------------------------------------------------

def describe(c: ClaimInfo) -> str:
    """The claim as the article put it, with its window and source."""
    text = c.text
    if c.kind == "place":
        return f"{c.subject or 'it'} at '{c.text}'" if "distance" not in c.extra else f"{c.subject or 'it'} {c.text}"
    # the event as a participle the vocabulary knows ('killed'); a raw verb
    # after the figure ('30,000 troops send') is not English
    participle = PARTICIPLES.get(c.event or "") if c.kind == "number" and c.event != "say" else None
    if participle and c.event_word and c.event_word.lower() not in text.lower() and participle not in text.lower():
        text = f"{text} {participle}"
    if c.kind == "number" and c.window is not None:
        window = c.window.describe()
        text += f" {window[:1].lower()}{window[1:]}"
    if c.kind in ("date",) and c.date and c.value != c.text:
        text += f" ({c.value})"
    if c.kind == "time" and c.value != c.text:
        text += f" ({c.value})"
    return f"{text} ({c.attribution or 'no source given'})" if c.kind == "number" else text


def what(c: ClaimInfo) -> str:
    """A short noun phrase for what the claim is about: 'people killed',
    'stores', 'amount cut', 'date of the vote', 'location of the fire'."""
    if c.kind == "number":
        if c.unit == "tally":
            return "split of the vote"
        if c.unit in ("day", "week", "month", "year", "hour"):
            return f"{c.unit}s of the {c.event}" if c.event == "campaign" else f"length in {c.unit}s"
        participle = PARTICIPLES.get(c.event or "")
        if c.thing == "money" or c.unit in ("USD", "EUR", "GBP"):
            return f"amount {participle}" if participle and c.event != "say" else "amount of money"
        if c.extra.get("share_of"):
            return f"share of {c.extra['share_of']}"   # '45 percent of voters'
        if c.thing in MEASURES:
            return c.thing if c.thing != "share" else "percentage"
        if c.unit in ("%", "pp"):
            return "percentage"   # a percent of a counted noun ('statement') is a parse slip, not a measure
        thing = c.extra.get("thing_text") or c.thing
        if not thing or thing == "figure":
            return "figure"
        if c.extra.get("thing_proper") or _proper(c, thing):
            return f"figure about {thing.title()}"   # '21 percent' for a candidate, 'Marvon 51'

        # only a verb the vocabulary knows reads as a participle after the noun
        # ('people killed'); 'stores worked', 'troops send' say nothing
        return f"{thing} {participle}" if participle and c.event != "say" else thing
    noun = {"time": "time", "date": "date", "place": "location"}[c.kind]
    subject = c.subject
    if subject and (len(subject) < 3 or subject.endswith(".") or subject in STOP_WORDS):
        subject = None   # a parse fragment ('re', 'sept.', 'many') names nothing
    if c.kind == "place" and subject and c.subject_proper and subject not in EVENT_NOUNS:
        return f"location of {subject.title()}"
    if c.kind == "place" and subject and subject not in EVENT_NOUNS:
        return f"location of the {subject}"   # a place is of a thing too: 'location of the factory'
    if not subject or subject not in EVENT_NOUNS:
        # a date is of an event, not of a person or a body ('date of the rioter'); a date
        # hung on an event noun is of that noun ('a Tuesday letter': 'date of the letter')
        if c.event_word and c.event_word.lower() in NOMINAL_EVENTS:
            return f"{noun} of the {c.event_word.lower()}"
        event = _EVENT_NOUNS.get(c.event or "")
        return f"{noun} of the {event}" if event else f"{noun} of the event"
    return f"{noun} of the {subject}"


def _proper(c: ClaimInfo, word: str) -> bool:
    """The counted word is written as a name in the claim ('51 Marvons')."""
    return word[:1].upper() + word[1:] in c.text and word not in c.text


# the noun a reader expects for a canonical event ('date of the vote')
_EVENT_NOUNS = {"kill": "killings", "injure": "injuries", "evacuate": "evacuation", "detain": "arrests",
                "rescue": "rescue", "strike": "strike", "start": "start", "close": "closure", "raise": "increase",
                "cut": "cut", "capture": "capture", "vote": "vote", "approve": "approval", "elect": "election",
                "meet": "meeting", "sign": "signing", "announce": "announcement", "die": "death",
                "resign": "resignation", "arrest": "arrest", "open": "opening", "launch": "launch",
                "release": "release", "file": "filing", "rule": "ruling", "testify": "testimony", "repay": "repayment",
                "pass": "passage", "schedule": "meeting", "hold": "event", "renovate": "renovation", "win": "win"}


def _reason(a: ClaimInfo) -> str:
    return {"number": "the figures are incompatible", "date": "the dates differ",
            "time": "the times differ", "place": "the locations differ"}[a.kind]


def _conflict_sentence(a: ClaimInfo, b: ClaimInfo, compatible_because: str | None = None) -> str:
    reason = _reason(a) if compatible_because is None else f"the figures differ but could both be true: {compatible_because}"
    return (f"{Who(a.article)} reports {describe(a)}; {who(b.article)} reports {describe(b)}: "
            f"{reason} ({a.value} vs {b.value}).")


def _agree_sentence(a: ClaimInfo, b: ClaimInfo) -> str:
    note = "the same value" if a.value == b.value else f"compatible values ({a.value} and {b.value})"
    return f"{Who(a.article)} reports {describe(a)} and {who(b.article)} reports {describe(b)}: {note}."


def _timeline_sentence(revised: ClaimInfo, other: ClaimInfo) -> str:
    return (f"{Who(revised.article)} reports a revised figure, {revised.text} up from "
            f"{revised.previous.text}; {who(other.article)}'s {other.text} matches the earlier figure: "
            f"an update over time (a timeline), not a contradiction.")


# --- grouping -------------------------------------------------------------------

@dataclass
class _Pair:
    a: ClaimInfo
    b: ClaimInfo
    score: float
    strong: bool
    counterpart: bool
    similarity: float


def _last_word(name: str) -> str:
    """The last word of a subject, past a generational suffix: 'barrack' for
    'thomas barrack jr.', as for 'barrack'."""
    words = name.split()
    while len(words) > 1 and words[-1].strip(".,") in GENERATIONAL_SUFFIXES:
        words.pop()
    return words[-1]


def _same_name(x: str | None, y: str | None) -> bool:
    """'syrian observatory' and 'observatory' name the same subject; so do
    'fire' and 'blaze' once canonicalised upstream, and 'Tom Barrack Jr.'
    and 'Barrack'."""
    if not x or not y:
        return False
    if x == y:
        return True
    return _last_word(x) == _last_word(y)


def _windows_compatible(a: Window | None, b: Window | None, adjacent_days: bool = False) -> bool:
    if a is None or b is None or not (a.start and b.start and a.end and b.end):
        return True
    if adjacent_days and a.start == a.end and b.start == b.end and abs((a.start - b.start).days) <= 1:
        return True   # one night session told as 'Wednesday night' and 'early Thursday'
    overlap = (min(a.end, b.end) - max(a.start, b.start)).days + 1
    if overlap <= 0:
        return False
    shorter = min((a.end - a.start).days, (b.end - b.start).days) + 1
    longer = max((a.end - a.start).days, (b.end - b.start).days) + 1
    return overlap >= 0.5 * shorter and shorter >= 0.5 * longer


# Key levels: how sure we are that two claims are about the same thing.
STRONG, WEAK, AGREE_ONLY = "strong", "weak", "agree-only"
# Money for the same event: agrees on its own, conflicts only in the same sentence.
MONEY = "money"


def _same_scope(a: ClaimInfo, b: ClaimInfo, keys: tuple[str, ...] = ("of", "purpose", "role", "share_of"),
                one_year: bool = False) -> bool:
    """Figures of one kind that count or measure different things: an
    aftershock's magnitude is not the main shock's, votes to confirm are not
    votes to sustain a filibuster, a term as governor is not a term as
    lieutenant governor, an earlier quake's toll is not today's, a share of
    children is not a share of families. With `one_year`, a past year only
    one of the two sentences names ('331.5 million in the 2020 census' /
    'topped 331 million') tells no other time: the other may leave it unsaid."""
    for key in keys:
        x, y = a.extra.get(key), b.extra.get(key)
        if x and y and x != y:
            return False
    x, y = a.extra.get("era"), b.extra.get("era")
    if one_year and None in (x, y) and "earlier" not in (x, y):
        return True
    return x == y


def _number_key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if a.unit != b.unit or not _same_scope(a, b):
        return None
    if a.thing and b.thing and a.thing != b.thing:
        return None
    # an amount decided in one night session may be dated either side of midnight;
    # a count on one day and a count on the next are a timeline
    if not _windows_compatible(a.window, b.window, adjacent_days=a.thing == b.thing == "money"):
        return None
    duration = a.unit in ("day", "week", "month", "year", "hour")
    if a.thing == b.thing == "money":
        # Amounts of money differ by what they pay for: without the same event
        # they may only agree ($1.5 million = $1,500,000); with it, a conflict
        # still needs the same sentence (`money_conflict_similarity`).
        return MONEY if a.event and a.event == b.event else AGREE_ONLY
    measure = a.thing in MEASURES or duration
    if a.event and b.event and a.event != b.event and not (measure and not duration):
        return None
    if measure and a.thing == b.thing:
        return STRONG if not duration or a.event == b.event == "campaign" else WEAK
    return STRONG if (a.thing and b.thing and a.event and b.event) else WEAK


def _day_outside_period(a: ClaimInfo, b: ClaimInfo) -> bool:
    """A day one article gives outside the month or week the other gives
    ('expired on Monday' / 'ended this weekend'; 'on Sept. 20' / 'last
    week'). A day inside it tells the same time more exactly, which both may
    hold: no finding either way."""
    day, period = (a, b) if "period" not in a.extra else (b, a)
    if day.date is None or "year" in day.extra or "since" in period.extra:
        return False
    first, last = _period(period)
    return not first <= day.date <= last


def _date_key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if ("year" in a.extra) != ("year" in b.extra) or (
            ("period" in a.extra) != ("period" in b.extra) and not _day_outside_period(a, b)):
        return None   # a year, a month or week, and a day inside it are not told against each other
    if a.extra.get("since") != b.extra.get("since"):
        return None   # nor a benchmark ('since August 2008') and a time something happened ('last month')
    same_subject = _same_name(a.subject, b.subject)
    if a.event == "say" or b.event == "say":
        # when a statement was made is not a fact about the event: never a conflict, but
        # the day of one statement, or of one act told as a statement, agrees (`_one_act`)
        return AGREE_ONLY if same_subject and a.event == b.event or _one_act(a, b) else None
    if a.event and a.event == b.event:
        return STRONG if same_subject else WEAK
    if same_subject and a.subject == b.subject and a.subject in DATED_EVENTS:
        return STRONG   # the date of the meeting, whether 'scheduled for' or 'set for'
    return AGREE_ONLY


def _place_key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if ("distance" in a.extra) != ("distance" in b.extra) or ("facility" in a.extra) != ("facility" in b.extra):
        return None
    if a.anchor and b.anchor and a.anchor.split()[-1] != b.anchor.split()[-1]:
        return None
    if not _same_name(a.subject, b.subject):
        return None
    if a.subject and " " in a.subject or a.event == b.event == "locate":
        return STRONG   # a named place stays where it is whatever happened there
    if a.event and a.event == b.event:
        return STRONG
    return None


_WORDS = json.loads(resources.files("storylens").joinpath("data/facts_words.json").read_text("utf-8"))
GENERIC_COUNTED = frozenset(_WORDS["generic_counted"])
VAGUE_COUNTED = frozenset(_WORDS["vague_counted"])
DATED_EVENTS = frozenset(_WORDS["dated_events"])
EVENT_NOUNS = frozenset(_WORDS["event_nouns"])
# The one figure each article gives of a counted thing: pairs on its own, verb or no verb.
SOLE = "sole"


def sole_figures(claims: list[ClaimInfo]) -> dict[int, frozenset[float]]:
    """Claim -> every figure its article states of the same counted thing and
    unit, for claims a story can pair as the one figure of that thing ('19
    actions' where the article counts no other actions). When each article
    gives one figure of a specific thing near the other's, the figures count
    the same thing, whatever verb each article uses ('covers 1.5 million
    women' / 'on behalf of up to 1.6 million women', in an article that also
    counts '544 women' far below: see `_sole_key`). A length counts as the
    one figure of its unit: an article giving two lengths in hours leaves
    which one another article's hours answer open."""
    counts: dict[tuple, list[ClaimInfo]] = {}
    for c in claims:
        if c.kind != "number" or c.is_previous or stated_number(c) is None:   # 'thousands of stores' is no figure of them
            continue
        if c.unit in ("day", "week", "month", "year", "hour"):
            # the one length an article gives in a unit: the outage 'lasted nearly six
            # hours' / 'for more than five hours', whatever verb each article tells it by;
            # a threshold ('65 years and older') draws a line, it is no length
            if c.thing and not c.extra.get("threshold"):
                counts.setdefault((c.article, c.unit), []).append(c)
        elif c.thing == "money" and c.event not in (None, "be", "say"):
            counts.setdefault((c.article, c.thing, c.unit, c.event), []).append(c)   # the one amount cut
        elif c.thing and c.thing not in GENERIC_COUNTED and c.thing not in MEASURES:
            counts.setdefault((c.article, c.thing, c.unit), []).append(c)
    # an article repeating its figure ('19 actions ... the 19 steps') still gives one
    out: dict[int, frozenset[float]] = {}
    for cs in counts.values():
        figures = frozenset(stated_number(c) for c in cs)
        out.update((id(c), figures) for c in cs)
    return out


def sole_dates(claims: list[ClaimInfo]) -> dict[tuple[str, str], frozenset]:
    """(article, event) -> the days an article gives for that event: where
    each of two articles gives one, and says it of the same thing, 'on Friday
    apologized for a post' and 'apologize Saturday for a post' are the one day
    of one apology, though only one names who apologized (`_candidate_pairs`)."""
    days: dict[tuple[str, str], set] = {}
    for c in claims:
        if c.kind == "date" and c.date is not None and c.event not in (None, "be", "say") and not c.is_previous:
            days.setdefault((c.article, c.event), set()).add(c.date)
    return {k: frozenset(v) for k, v in days.items()}


def _sole_date(a: ClaimInfo, b: ClaimInfo, days: dict[tuple[str, str], frozenset]) -> bool:
    if a.kind != "date" or b.kind != "date" or not a.event or a.event != b.event or a.date is None or b.date is None:
        return False
    if a.subject_proper and b.subject_proper and not _same_name(a.subject, b.subject):
        return False   # two named doers: two acts ('the senators' may be 'the Democrats')
    return len(days.get((a.article, a.event), ())) == 1 == len(days.get((b.article, b.event), ()))


def _same_purchase(a: ClaimInfo, b: ClaimInfo, evidence: "_Evidence", config: FactsConfig) -> bool:
    """Two amounts of money a few percent apart said of the same thing ('a
    $43,000 Rolex watch' / 'a $43,350 gold-plated Rolex watch'): the words
    around both share content, whatever verb each article uses, or none."""
    if not (a.kind == b.kind == "number" and a.thing == b.thing == "money" and a.unit == b.unit):
        return False
    x, y = stated_number(a), stated_number(b)
    if x is None or y is None or not _near(x, y, config.purchase_max_ratio):
        return False
    for key in ("of", "purpose", "role", "era"):
        if a.extra.get(key) and b.extra.get(key) and a.extra[key] != b.extra[key]:
            return False
    # two named sources quoting two figures clash as sources, not over one purchase
    if a.attribution and b.attribution and not same_speaker(a.attribution, b.attribution):
        return False
    # in a list of purchases the words around an amount name others too: a share is no test
    return evidence.context_overlap(a, b)[0] >= config.context_min_shared


def _closeness(a: ClaimInfo, b: ClaimInfo) -> float:
    """1 for one figure, toward 0 as two figures part: of two ways to pair a
    figure, the closer one is likelier the same quantity ('37.3%' of adults
    fully vaccinated with '39%', not with 'over 55%')."""
    x, y = (stated_number(c) if c.kind == "number" else None for c in (a, b))
    return min(x, y) / max(x, y) if x and y and x > 0 and y > 0 else 0.0


def _near(x: float, y: float, ratio: float) -> bool:
    return min(x, y) > 0 and max(x, y) / min(x, y) <= ratio


def _sole_key(a: ClaimInfo, b: ClaimInfo, sole: dict[int, frozenset[float]], config: FactsConfig) -> str | None:
    if id(a) not in sole or id(b) not in sole or a.thing != b.thing or a.unit != b.unit or not _same_scope(a, b):
        return None
    if a.thing == "money" and a.event != b.event:
        return None
    # civilians trapped are not civilians served: two outcomes the vocabulary
    # tells apart are two counts, however few figures each article gives
    if a.event != b.event and all(e in EVENT_SYNONYMS and e not in ("be", "say") for e in (a.event, b.event)):
        return None
    if not _windows_compatible(a.window, b.window):
        return None
    x, y = stated_number(a), stated_number(b)
    ratio = config.sole_figure_max_ratio
    if not _near(x, y, ratio):
        return None   # far apart: more likely two quantities than one reported two ways
    # each must be its article's only figure of the thing anywhere near the
    # other's: two near figures in one article may be two quantities
    if any(_near(z, y, ratio) for z in sole[id(a)] - {x}) or any(_near(z, x, ratio) for z in sole[id(b)] - {y}):
        return None
    return SOLE


# The same distinctive figure, near enough, said in like words: one quantity
# whatever noun each article's parse hung it on ('1,495,709' / 'roughly 1.5
# million signatures').
FIGURE = "figure"


def stated_figures(claims: list[ClaimInfo]) -> dict[tuple[str, str], list[float]]:
    """(article, unit) -> the figures the article states in that unit, sorted."""
    out: dict[tuple[str, str], list[float]] = {}
    for c in claims:
        if c.kind == "number" and (n := stated_number(c)) is not None and n > 0:
            out.setdefault((c.article, c.unit), []).append(n)
    return {k: sorted(v) for k, v in out.items()}


def _nearest(x: float, y: float, figures: list[float], margin: float) -> bool:
    """`x` is the figure in `figures` (sorted) closest to `y`, by ratio, and
    every other one is `margin` times as far: with 1.4 and 1.6 million in one
    article, which is another's 1.5 million is anyone's guess."""
    i = bisect.bisect_left(figures, y)
    gap = math.log(max(x, y) / min(x, y))
    return all(z == x or math.log(max(z, y) / min(z, y)) >= margin * gap for z in figures[max(0, i - 1):i + 1])


def exact_figures(claims: list[ClaimInfo]) -> dict[tuple[str, str, str | None], frozenset[float]]:
    """(article, unit, counted thing) -> the exact figures the article writes ('500 million doses')."""
    out: dict[tuple, set[float]] = {}
    for c in claims:
        if c.kind == "number" and c.interval is not None and c.interval.lo == c.interval.hi and c.unit != "tally":
            out.setdefault((c.article, c.unit, c.thing), set()).add(c.interval.lo)
    return {k: frozenset(v) for k, v in out.items()}


def _writes_exactly(exact: dict, c: ClaimInfo, figure: float | None) -> bool:
    """The article of `c` writes `figure` exactly, of the thing `c` counts, for another claim."""
    return figure is not None and figure != stated_number(c) and figure in exact.get((c.article, c.unit, c.thing), ())


def _precise_pair(x: float, y: float, config: FactsConfig) -> bool:
    """One precise figure twice ('188,829'), or once and rounded ('$138.7
    million' / '$139 million'): not a coincidence, whatever the words around it."""
    if x == y:
        return _significant_digits(x) >= config.figure_precise_digits
    fine, coarse = sorted((x, y), key=_significant_digits, reverse=True)
    return _rounds_to(fine, coarse) and _significant_digits(fine) >= config.figure_rounded_digits \
        and _near(x, y, config.figure_rounded_ratio)


def _writes_distinctive(figures: dict[tuple[str, str], list[float]], c: ClaimInfo, figure: float | None,
                        config: FactsConfig) -> bool:
    """The article of `c` states `figure`, a precise amount, share or large
    count ('507,000', not '40,000', which recurs by chance), for another
    claim, whatever it counts: that claim, not `c`, is the counterpart of the
    other article's figure."""
    return figure is not None and figure != stated_number(c) and (bool(c.unit) or figure >= config.figure_min_count) \
        and _significant_digits(figure) >= config.figure_distinct_digits and figure in figures.get((c.article, c.unit), ())


def _same_figure(a: ClaimInfo, b: ClaimInfo, evidence: "_Evidence", figures: dict[tuple[str, str], list[float]],
                 config: FactsConfig) -> bool:
    """Two figures of one unit within `figure_max_ratio` of each other, each
    large or measured (a share, an amount: unlikely to recur by chance), with
    the words around them or their sentences alike: the same quantity told
    twice, though the counted noun each claim carries differs ('331 million
    people' / '331.5 million'). Scope words still tell quantities apart
    (`_same_scope`): votes to confirm are not votes to end a filibuster; but
    what a precise figure is 'to' do ('$138.7 million to reverse the trend')
    names no other quantity (`_precise_pair`), nor does a past year beside
    only one of the two ('331.5 million' of the 2020 census)."""
    if a.kind != "number" or a.unit == "tally" or a.unit in ("day", "week", "month", "year", "hour") \
            or a.is_previous or b.is_previous:
        return False
    x, y = stated_number(a), stated_number(b)
    if x is None or y is None or not _near(x, y, config.figure_max_ratio):
        return False
    if not a.unit and min(x, y) < config.figure_min_count:
        return False
    precise = _precise_pair(x, y, config)
    if not _same_scope(a, b, ("of", "role", "share_of") if precise else ("of", "purpose", "role", "share_of"),
                       one_year=precise):
        return False
    # each the other's closest figure: '$1.2 trillion' is not another article's
    # '$1.5 trillion' where its own article also writes $1.5 trillion
    margin = config.figure_nearest_margin
    if not (_nearest(x, y, figures[(a.article, a.unit)], margin) and _nearest(y, x, figures[(b.article, b.unit)], margin)):
        return False
    if a.window is not None and b.window is not None and not _windows_compatible(a.window, b.window):
        return False
    if precise:
        return True
    shared, _ = evidence.context_overlap(a, b)
    return shared >= config.context_min_shared or evidence.similarity(a, b) >= config.figure_similarity


# The only figure of its unit in each of two versions of one sentence (an
# aligned passage): the two fill one slot, whatever noun each parse counts
# ('48 state attorneys general' / 'more than 40 states').
SLOT = "slot"


def slot_figures(claims: list[ClaimInfo], evidence: "_Evidence") -> dict[int, frozenset[int]]:
    """Claim -> the passages in whose span of its article it is the only
    figure of its unit. A second figure beside it there ('$14 billion ... of
    the $24 billion') leaves which one the other version changed open."""
    def figure(c: ClaimInfo) -> bool:
        return c.kind == "number" and c.unit != "tally" and c.interval is not None

    count: dict[tuple, int] = {}
    for c in filter(figure, claims):
        for n in evidence.inside.get(id(c), ()):
            count[(n, c.article, c.unit)] = count.get((n, c.article, c.unit), 0) + 1
    return {id(c): frozenset(n for n in evidence.inside.get(id(c), ()) if count[(n, c.article, c.unit)] == 1)
            for c in filter(figure, claims)}


def _slot_key(a: ClaimInfo, b: ClaimInfo, slots: dict[int, frozenset[int]]) -> str | None:
    """SLOT where `a` and `b` are each their article's only figure of the unit
    in one passage, and no scope word tells them apart (`_same_scope`)."""
    if a.unit != b.unit or not (slots.get(id(a), frozenset()) & slots.get(id(b), frozenset())):
        return None
    return SLOT if _same_scope(a, b, ("of", "role", "share_of")) else None


# The only figure of its unit in each of two sentences alike ('tens of thousands of
# dockworkers' / 'tens of thousands of workers' along one coast): the same figure
# there is one quantity told twice. Agreements only: alike sentences may still count
# two things, so different figures there are no conflict.
ALIKE = "alike"


def alone_in_sentence(claims: list[ClaimInfo]) -> set[int]:
    """Claims that are the only figure of their unit in their sentence."""
    count: dict[tuple, list[ClaimInfo]] = {}
    for c in claims:
        if c.kind == "number" and c.unit != "tally" and c.interval is not None:
            count.setdefault((c.article, c.sentence, c.unit), []).append(c)
    return {id(cs[0]) for cs in count.values() if len(cs) == 1}


def _alike_key(a: ClaimInfo, b: ClaimInfo, alone: set[int], evidence: "_Evidence", config: FactsConfig) -> str | None:
    """ALIKE where each is alone in its sentence, the sentences are alike, and
    no outcome the vocabulary tells apart says they count two groups ('300
    injured' / '300 evacuated'). Scope words and windows, the parse's guesses,
    do not part one figure in alike sentences ('4.2%' / '4.2 percent')."""
    if id(a) not in alone or id(b) not in alone or a.unit != b.unit:
        return None
    if a.event != b.event and all(e in EVENT_SYNONYMS and e not in ("be", "say") for e in (a.event, b.event)):
        return None
    return ALIKE if evidence.similarity(a, b) >= config.figure_similarity else None


def _single_day(c: ClaimInfo) -> bool:
    return c.kind == "date" and c.date is not None and "period" not in c.extra


def _same_time(a: ClaimInfo, b: ClaimInfo) -> bool:
    """One day (the same date, or the same weekday resolved a week apart),
    or one month or week ('last December' / 'in December'), never a
    benchmark ('since June')."""
    if _single_day(a) and _single_day(b):
        return _dates_compatible(a, b)
    return a.kind == b.kind == "date" and "period" in a.extra and a.extra["period"] == b.extra.get("period") \
        and not a.extra.get("since") and not b.extra.get("since")


def _same_time_key(a: ClaimInfo, b: ClaimInfo, evidence: "_Evidence", config: FactsConfig) -> str | None:
    """ALIKE for one day or month written by two articles in sentences this
    alike (`day_similarity`), whatever verb and doer each names: outlets tell
    the day of the news with other verbs ('sued the state on Friday' /
    'announced Friday it is suing') and other names for the doer. Agreement
    only: two alike sentences may still date two acts."""
    if not _same_time(a, b):
        return None
    return ALIKE if evidence.similarity(a, b) >= config.day_similarity else None


def _significant_digits(x: float) -> int:
    """3 for 37.3 and for 331,000,000; 6 for 188,829."""
    return len(f"{x:.10g}".replace(".", "").replace("-", "").strip("0").split("e")[0])


def _key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if a.kind != b.kind:
        return None
    if a.kind == "number":
        return _number_key(a, b)
    if a.kind in ("date", "time"):
        return _date_key(a, b)
    return _place_key(a, b)


def _specific(a: ClaimInfo, b: ClaimInfo) -> bool:
    """An identical clock time, full date, or month or week ('next month')
    for the same event is unlikely by chance."""
    return a.kind == "time" or (a.kind == "date" and all(c.date is not None or "period" in c.extra for c in (a, b)))


def _one_act(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Two exact days that date one act, whatever the verbs: told of one doer
    ('Manchin on Thursday said' / 'Manchin made clear Thursday'; 'the court
    on Thursday granted' / 'the court said Thursday'), as outlets vary the
    verb of an act more than its doer; or each in its article's first
    sentence, which dates the news the article reports. Agreement only,
    never a conflict: a doer acts on many days, and a first sentence may
    date what led to the news."""
    if not (a.kind == b.kind == "date" and _specific(a, b)):
        return False
    if _same_name(a.subject, b.subject):
        return True
    # two named doers are two acts ('Mayor Ruell said on Monday' / 'minister Hale said on Monday')
    return a.sentence == b.sentence == 0 and not (a.subject_proper and b.subject_proper)


class _Evidence:
    """Stored sentence vectors and passage counterparts, looked up once per claim."""

    def __init__(self, features, claims: list[ClaimInfo], passages: list[Passage]):
        by_id = {f.id: f for f in features}
        self.vectors = {(c.article, c.sentence): by_id[c.article].sentence_vector(c.sentence) for c in claims}
        # Which passages hold each claim: a claim pair is a counterpart pair when
        # both sit in one passage. Indexed per article, not scanned per pair.
        spans: dict[str, list[tuple[int, int, int]]] = {}
        for n, p in enumerate(passages):
            for sp in p.spans:
                spans.setdefault(sp.article, []).append((sp.start, sp.end, n))
        self.inside: dict[int, frozenset[int]] = {
            id(c): frozenset(n for start, end, n in spans.get(c.article, ()) if start <= c.start and c.end <= end)
            for c in claims}

        self.features = by_id
        self._context: dict[int, frozenset[str]] = {}

    def context(self, c: ClaimInfo, width: int = 6) -> frozenset[str]:
        """Content lemmas near a claim, inside its sentence: what a figure is
        said about, where the sentence around it is long and says much else."""
        if id(c) not in self._context:
            f = self.features[c.article]
            _, _, lo, hi = f.sentences[c.sentence]
            toks = f.tokens
            inside = [t.i for t in f.tokens_in(c.start, c.end)]
            if not inside:
                self._context[id(c)] = frozenset()
                return self._context[id(c)]
            # `width` words either side: a non-breaking space between two words is a token, not a word
            before = [t for t in toks[lo:inside[0]] if not t.is_space][-width:]
            after = [t for t in toks[inside[-1] + 1:hi] if not t.is_space][:width]
            near = before + after
            self._context[id(c)] = frozenset(t.lemma_.lower() for t in near
                                             if t.pos_ in ("NOUN", "VERB", "PROPN", "ADJ") and not t.is_stop)
        return self._context[id(c)]

    def context_overlap(self, a: ClaimInfo, b: ClaimInfo) -> tuple[int, float]:
        x, y = self.context(a), self.context(b)
        shared = len(x & y)
        return shared, shared / min(len(x), len(y)) if x and y else 0.0

    def similarity(self, a: ClaimInfo, b: ClaimInfo) -> float:
        return float(np.dot(self.vectors[(a.article, a.sentence)], self.vectors[(b.article, b.sentence)]))

    def counterpart(self, a: ClaimInfo, b: ClaimInfo) -> bool:
        return bool(self.inside.get(id(a), frozenset()) & self.inside.get(id(b), frozenset()))

    def states_beside(self, c: ClaimInfo, figure: float | None) -> bool:
        """The sentence of `c` also writes `figure`, outside the claim ('six
        arrests Wednesday, compared to 47 the previous night')."""
        if figure is None:
            return False
        f = self.features[c.article]
        _, _, lo, hi = f.sentences[c.sentence]
        for t in f.tokens[lo:hi]:
            if not t.like_num or c.start <= t.idx < c.end:
                continue
            try:
                value = float(t.text.replace(",", "")) if t.text[:1].isdigit() else float(text2num(t.lower_, "en"))
            except ValueError:
                continue
            if value == figure:
                return True
        return False


def _swapped_noun(a: ClaimInfo, b: ClaimInfo, evidence: "_Evidence") -> str | None:
    """'thousands of protesters marched' / 'thousands of rioters marched' in one
    aligned passage count the same people under another name (a framing swap).
    Only ever an agreement: a noun swap is no ground for a conflict."""
    if a.kind == b.kind == "number" and a.unit == b.unit and a.event and a.event == b.event \
            and _same_scope(a, b) and evidence.counterpart(a, b):   # an earlier flood's evacuees are others
        return AGREE_ONLY
    return None


# Two sentence vectors compared in one matrix product may round a little
# differently from one dot product: the index keeps pairs this much below the
# similarity the rules ask for, and the rules themselves decide.
_SIMILARITY_ROUNDING = 1e-4


def _candidate_index(claims: list[ClaimInfo], evidence: _Evidence,
                     config: FactsConfig) -> list[tuple[ClaimInfo, ClaimInfo]]:
    """The claim pairs `_candidate_pairs` judges: pairs of different articles
    in one block (the same kind and, for numbers, the same unit: every key
    requires both) that some rule could keep, found by hashing and sorting,
    not by forming all pairs. In block order, then claim order: the order of
    `combinations` over each block, which ties in the pairs' scores keep.

    A pair is kept with a level, and each level has a necessary condition,
    which the index looks up (a new rule adds its condition here; the test
    `test_candidate_index_holds_every_pair_a_rule_keeps` checks the index
    against all pairs):

    - STRONG, numbers (`_number_key`): the same counted thing (any events,
      for a measure such as a magnitude), or, neither counting a thing, the
      same event (the length of one campaign);
    - STRONG, dates and times (`_date_key`): the same event, or the same
      subject naming a dated event (`DATED_EVENTS`);
    - STRONG, places (`_place_key`): subjects with the same last word (`_same_name`);
    - MONEY (`_number_key`): amounts of money for the same event;
    - MONEY (`_same_purchase`): amounts within `purchase_max_ratio`;
    - SOLE: the same counted thing (for a length, its unit), and for money the same event
      (`_sole_key`), or dates of the same event (`_sole_date`);
    - FIGURE (`_same_figure`): figures within `figure_max_ratio`, with a
      unit or at least `figure_min_count`;
    - SLOT (`_slot_key`): figures in one aligned passage (a conflict also
      needs them within `figure_max_ratio`);
    - ALIKE (`alone_in_sentence`): figures in sentences at least
      `figure_similarity` alike (agreements only); (`_same_time_key`) one
      day, the same date or weekday, or one month or week (agreements only);
    - WEAK and AGREE_ONLY (also `_swapped_noun`): kept only when supported,
      the two in one aligned passage (`_Evidence.counterpart`) or their
      sentences at least `related_similarity` alike, or else when both tell
      of the same event and the checker finds them compatible; the last
      only for dates and times (`_specific`), and a date of a statement
      ('say') pairs only with one by the same subject (`_date_key`); or
      when both are days of one act (`_one_act`: subjects with the same
      last word, or both in their articles' first sentences).
    """
    blocks: dict[tuple, int] = {}
    block = [blocks.setdefault((c.kind, c.unit if c.kind == "number" else ""), len(blocks)) for c in claims]
    buckets: dict[tuple, list[int]] = {}
    for n, c in enumerate(claims):
        last = _last_word(c.subject) if c.subject else None
        keys = [("passage", p) for p in evidence.inside.get(id(c), ())]
        if c.kind == "number":
            keys.append(("thing", c.thing, c.event) if c.thing == "money" else
                        ("thing", c.thing) if c.thing else ("event", c.event))
        elif c.kind == "place":
            keys.append(("subject", last))
        else:
            if c.event != "say":
                keys.append(("event", c.event))
            # a statement by its sayer (`_date_key`), any day by its doer (`_one_act`)
            keys.append(("doer", last))
            if c.sentence == 0:
                keys.append(("first sentence", True))   # `_one_act`
            if c.subject in DATED_EVENTS:
                keys.append(("subject", c.subject))
            if _single_day(c):   # `_same_time_key`: one day, resolved or written as the same weekday
                keys.append(("day", c.date))
                keys.append(("weekday", c.extra.get("weekday")))
            elif "period" in c.extra:   # ... or one month or week
                keys.append(("period", tuple(c.extra["period"])))
        for key in keys:
            if key[1] is not None:
                buckets.setdefault((block[n],) + key, []).append(n)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        pairs.update(combinations(members, 2))
    # figures close by ratio: neighbours in sorted order, per block
    ratio = max(config.figure_max_ratio, config.purchase_max_ratio)
    figures: dict[int, list[tuple[float, int]]] = {}
    for n, c in enumerate(claims):
        if c.kind == "number" and (x := stated_number(c)) is not None and x > 0 and (
                c.unit or c.thing == "money" or x >= config.figure_min_count):
            figures.setdefault(block[n], []).append((x, n))
    for row in figures.values():
        row.sort()
        for i, (x, n) in enumerate(row):
            for y, m in row[i + 1:]:
                if y > x * ratio:
                    break
                pairs.add((n, m) if n < m else (m, n))
    # sentences alike: one matrix product per block, on one BLAS thread
    if claims:
        sentences = {key: i for i, key in enumerate(dict.fromkeys((c.article, c.sentence) for c in claims))}
        vectors = np.array([evidence.vectors[key] for key in sentences], dtype=np.float32)
        row_of = np.array([sentences[(c.article, c.sentence)] for c in claims])
        members: dict[int, list[int]] = {}
        for n, b in enumerate(block):
            members.setdefault(b, []).append(n)
        # figures alone in their sentences pair at `figure_similarity` (ALIKE)
        numbers = min(config.related_similarity, config.figure_similarity)
        kinds = {n: kind for (kind, _), n in blocks.items()}
        with one_blas_thread():
            for b, ns in ((b, ns) for b, ns in members.items() if len(ns) > 1):
                idx = np.array(ns)
                vs = vectors[row_of[idx]]
                least = numbers if kinds[b] == "number" else config.related_similarity
                first, second = np.triu(vs @ vs.T >= least - _SIMILARITY_ROUNDING, 1).nonzero()
                pairs.update(zip(idx[first].tolist(), idx[second].tolist()))
    return [(claims[n], claims[m]) for n, m in sorted(pairs, key=lambda p: (block[p[0]], p))
            if claims[n].article != claims[m].article]


def _candidate_pairs(claims: list[ClaimInfo], evidence: _Evidence, checker: Checker,
                     config: FactsConfig) -> list[_Pair]:
    pairs = []
    sole, days, figures = sole_figures(claims), sole_dates(claims), stated_figures(claims)
    exact, slots, alone = exact_figures(claims), slot_figures(claims, evidence), alone_in_sentence(claims)
    for a, b in _candidate_index(claims, evidence, config):
        level = _key(a, b) or _swapped_noun(a, b, evidence)
        if level in (None, AGREE_ONLY, WEAK, MONEY):
            level = _sole_key(a, b, sole, config) or level
        purchase = level in (None, AGREE_ONLY) and _same_purchase(a, b, evidence, config)
        if purchase:
            level = MONEY
        if level == WEAK and _sole_date(a, b, days) and \
                evidence.context_overlap(a, b)[0] >= config.context_min_shared:
            level = SOLE   # and said of the same thing: 'apologized for a Facebook post'
        if level in (None, AGREE_ONLY, WEAK) and _same_figure(a, b, evidence, figures, config):
            level = FIGURE
        if level in (None, AGREE_ONLY) and _slot_key(a, b, slots):
            level = SLOT
        if level is None:
            level = _alike_key(a, b, alone, evidence, config)
        if level in (None, AGREE_ONLY):
            level = _same_time_key(a, b, evidence, config) or level
        if level is None:
            continue
        sim = evidence.similarity(a, b)
        counterpart = evidence.counterpart(a, b)
        supported = level in (STRONG, MONEY, SOLE, FIGURE, ALIKE) or counterpart or sim >= config.related_similarity
        if not supported and not (a.event == b.event and a.event and _specific(a, b) or _one_act(a, b)):
            continue   # decided before the checker, which writes an explanation for every pair it sees
        verdict = checker.compare(a, b)
        if level == ALIKE and verdict.status != "agree":
            continue
        # a figure and its rounding may both hold, but only a key or a precise figure pairs them
        compatible = (verdict.status == "agree" or verdict.incompatible is False) and not (
            a.kind == "number" and a.previous is None and b.previous is None and not values_compatible(a, b))
        if not supported and not compatible:
            continue
        # an article that writes both figures tells them apart: they count different things or
        # times (a revision, 'rose to nine, up from seven', is a timeline and stays). Beside the
        # claim in any words; elsewhere in the article exactly, of the same thing ('500 million
        # doses' bought, and '300 million doses' of them next year); or, for figures that cannot
        # both hold, a distinctive figure anywhere in the article, of anything ('up to 507,000'
        # claims last week, beside the '475,000' economists expected)
        if verdict.status == "conflict" and a.kind == b.kind == "number" and a.previous is None \
                and b.previous is None and (
                evidence.states_beside(b, stated_number(a)) or evidence.states_beside(a, stated_number(b))
                or _writes_exactly(exact, b, stated_number(a)) or _writes_exactly(exact, a, stated_number(b))
                or verdict.incompatible and (_writes_distinctive(figures, b, stated_number(a), config)
                                             or _writes_distinctive(figures, a, stated_number(b), config))):
            continue
        # A conflict needs a key that names the quantity (or the sole figure of
        # it in each article, or one figure in like words: `_same_figure`), or
        # the two claims in one aligned passage:
        # sentence similarity alone lets claims agree, never conflict.
        if not compatible and level != MONEY and (level == AGREE_ONLY or not (level in (STRONG, SOLE, FIGURE) or counterpart)):
            continue
        # a key alone names the quantity by its words: figures many times apart under one
        # key count two ('more than 1,500 deaths' a day, '651,690 deaths' in all), not one
        # misreported, unless the two stand in one aligned passage
        if level == STRONG and not counterpart and verdict.status == "conflict" and a.kind == "number" \
                and (x := stated_number(a) or 0) > 0 and (y := stated_number(b) or 0) > 0 \
                and not _near(x, y, config.key_figure_max_ratio):
            continue
        # one slot with two far-apart figures: more likely two sentences saying two things
        if level == SLOT and verdict.status == "conflict" and not _near(
                stated_number(a) or 0, stated_number(b) or 0, config.figure_max_ratio):
            continue
        if level == MONEY and verdict.status == "conflict" and not purchase:
            shared, overlap = evidence.context_overlap(a, b)
            if not (counterpart or sim >= config.money_conflict_similarity or (
                    shared >= config.context_min_shared and overlap >= config.context_overlap)):
                continue
        strong = level in (STRONG, FIGURE)
        score = 1.0 * strong + 1.0 * counterpart + sim + 0.5 * compatible + 0.5 * _closeness(a, b)
        pairs.append(_Pair(a, b, score, strong, counterpart, sim))
    return sorted(pairs, key=lambda p: -p.score)


def _group(claims: list[ClaimInfo], pairs: list[_Pair]) -> list[list[ClaimInfo]]:
    """Greedy by score: each group holds at most one claim per article and
    every two members must form a candidate pair, or, for figures, the member
    a newcomer does not pair with states the very value of one it does (or
    the newcomer that of one it pairs with): two articles' '$1 trillion' are
    one figure, so a third article's '$1.2 trillion', paired with one of them,
    joins both as a conflict, in whichever order the pairs come. The value is
    the figure written, whatever its hedge (`_same_figure_written`)."""
    related = {(id(p.a), id(p.b)) for p in pairs} | {(id(p.b), id(p.a)) for p in pairs}
    group_of: dict[int, list[ClaimInfo]] = {}
    groups: list[list[ClaimInfo]] = []
    for p in pairs:
        ga, gb = group_of.get(id(p.a)), group_of.get(id(p.b))
        if ga is None and gb is None:
            g = [p.a, p.b]
            groups.append(g)
            group_of[id(p.a)] = group_of[id(p.b)] = g
        elif (ga is None) != (gb is None):
            g, new = (ga, p.b) if ga is not None else (gb, p.a)
            if new.article in {c.article for c in g}:
                continue
            paired = [m for m in g if (id(m), id(new)) in related]
            twin = new.kind == "number" and any(_same_figure_written(o, new) for o in paired)
            # (never where time or scope tells the two apart: a count on one day and one on the next)
            if paired and all((id(m), id(new)) in related or new.kind == "number" and _apart_only_in_words(m, new) and (
                    twin or any(_same_figure_written(o, m) for o in paired)) for m in g):
                g.append(new)
                group_of[id(new)] = g
    return _merge_retold(groups)


def _same_figure_written(a: ClaimInfo, b: ClaimInfo) -> bool:
    """One value, or one figure in one unit under another hedge: '$1 trillion'
    and 'roughly $1 trillion' state one figure."""
    x = stated_number(a)
    return a.value == b.value or (a.kind == b.kind == "number" and a.unit == b.unit
                                  and x is not None and x == stated_number(b))


def _apart_only_in_words(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Two figures no window or scope word tells apart (what each is 'to' do
    is the parse's guess, and says little of a figure told twice)."""
    return _windows_compatible(a.window, b.window) and _same_scope(a, b, ("of", "role", "share_of"))


def _merge_retold(groups: list[list[ClaimInfo]]) -> list[list[ClaimInfo]]:
    """A group of figures each of which its article also gives in an earlier
    group ('$716 billion' in an ad, and '$716 billion' again in a statement;
    '$700 billion' and 'more than $700 billion') is that quantity told again:
    one finding, not two."""
    out: list[list[ClaimInfo]] = []
    for g in groups:
        home = next((h for h in out if g[0].kind == h[0].kind == "number" and all(
            stated_number(c) is not None and any(
                m.article == c.article and m.unit == c.unit and stated_number(m) == stated_number(c) for m in h)
            for c in g)), None)
        if home is None:
            out.append(g)
        else:
            home.extend(g)
    return out


def _attach_repeats(groups: list[list[ClaimInfo]], leftovers: list[ClaimInfo]) -> list[ClaimInfo]:
    """An article repeating a grouped claim ('on Saturday' three times) joins
    that group instead of standing alone as unique."""
    rest = []
    for c in leftovers:
        home = next((g for g in groups for m in g if m.article == c.article and m.kind == c.kind
                     and m.value == c.value and _key(m, c) is not None), None)
        if home is not None:
            home.append(c)
        else:
            rest.append(c)
    return rest


# --- facts ------------------------------------------------------------------------

def _claim(c: ClaimInfo) -> Claim:
    return Claim(article=c.article, start=c.start, end=c.end, text=c.text, value=c.value,
                 attribution=c.attribution)


def _public_kind(c: ClaimInfo) -> str:
    return "date" if c.kind == "time" else c.kind


def _group_fact(group: list[ClaimInfo], pairs: dict, checker: Checker) -> Fact:
    primaries = []
    for c in group:
        if c.article not in {p.article for p in primaries}:
            primaries.append(c)
    verdicts = [(checker.compare(a, b), pairs.get((id(a), id(b))) or pairs.get((id(b), id(a))))
                for a, b in combinations(primaries, 2)]
    conflicts = [(v, p) for v, p in verdicts if v.status == "conflict"]
    status = "conflict" if conflicts else "agree"
    verdict, pair = (conflicts or verdicts)[0]
    confidence = verdict.confidence
    if pair is not None:
        confidence = min(1.0, 0.45 + 0.2 * pair.strong + 0.2 * pair.counterpart + 0.25 * max(0.0, pair.similarity - 0.5))
    if len(verdicts) > 1:
        others = "; ".join(v.explanation for v, _ in verdicts if v is not verdict and v.status == status)
        explanation = verdict.explanation + (f" Also: {others}" if others and status == "conflict" else "")
    else:
        explanation = verdict.explanation
    ordered = sorted(group, key=lambda c: (c.article, c.start))
    incompatible = any(v.incompatible for v, _ in conflicts) if conflicts else None
    # the label names what is counted in the words of an article that says it ('943,000 jobs';
    # 'two vans' told again after a bare 'two'), not the noun the parse supplied for a bare
    # figure ('943,000' of workers raised); otherwise the most specific label any article's
    # claim gives ('date of the letter', not 'of the event')
    named = next((c for c in primaries + group if c.kind == "number" and c.extra.get("thing_text")), None)
    labels = [what(named)] if named is not None else [what(c) for c in primaries]
    label = next((x for x in labels if not x.endswith(" of the event")), labels[0])
    return Fact(what=label, kind=_public_kind(primaries[0]), status=status,
                claims=[_claim(c) for c in ordered], explanation=explanation, confidence=round(confidence, 2),
                incompatible=incompatible)


def _unique_fact(c: ClaimInfo) -> Fact:
    extra = ""
    if c.previous is not None:
        extra = f" It revises an earlier figure ({c.previous.text}): a timeline, not a self-contradiction."
    claims = [_claim(c)] + ([_claim(c.previous)] if c.previous is not None else [])
    return Fact(what=what(c), kind=_public_kind(c), status="unique", claims=claims,
                explanation=f"Only {who(c.article)} reports {describe(c)}.{extra}", confidence=0.6)


# Group nouns that end a capitalised phrase without naming a person.
_GROUPS = {"republicans", "democrats", "officials", "leaders", "members", "lawmakers", "statement",
           "statements", "spokesman", "spokeswoman", "lawyer", "lawyers", "aides", "governor", "president"}


def _named_person(speaker: str) -> bool:
    words = speaker.replace("’s", "").split()
    return bool(words) and words[-1].lower() not in _GROUPS and all(
        w[:1].isupper() or w.lower() in ("de", "van", "von", "bin", "al", "la") or w.lower().startswith("al-")
        for w in words)


def _credible_misattribution(quote: Quote, a, b, texts: dict[str, str]) -> bool:
    """The same words credited to two people is a conflict only when both are
    named people, the quote is more than a re-used phrase, and neither article
    names the other's speaker around the quote, while each names its own (else
    it is a parse slip, or a quote of a quote)."""
    if len(quote.text.split()) < 4 or not (_named_person(a.speaker) and _named_person(b.speaker)):
        return False
    for mention, other in ((a, b), (b, a)):
        text = texts.get(mention.article, "")
        lo = text.rfind("\n", 0, mention.start) + 1
        hi = text.find("\n", mention.end)
        paragraph = text[lo:hi if hi >= 0 else len(text)].lower()
        own, theirs = mention.speaker.split()[-1].lower(), other.speaker.split()[-1].lower()
        if own == theirs:  # Jane Smith / John Smith: only the full names tell them apart
            own, theirs = mention.speaker.lower(), other.speaker.lower()
        # A speaker found only through 'he said' elsewhere is where slips come from.
        if theirs in paragraph or own not in paragraph:
            return False
    return True


def _speaker_claim(mention, text: str) -> Claim | None:
    """Where the article names a quotation's speaker: the occurrence of the
    name nearest the quotation, in its paragraph (the full name, else the
    surname)."""
    lo = text.rfind("\n", 0, mention.start) + 1
    hi = text.find("\n", mention.end)
    hi = hi if hi >= 0 else len(text)
    for name in (mention.speaker, mention.speaker.split()[-1]):
        hits = [m.start() for m in re.finditer(re.escape(name), text[lo:hi])]
        if hits:
            start = lo + min(hits, key=lambda h: min(abs(lo + h - mention.start), abs(lo + h - mention.end)))
            return Claim(article=mention.article, start=start, end=start + len(name),
                         text=text[start:start + len(name)], value=mention.speaker, attribution=mention.speaker)
    return None


def _quote_facts(quotes: list[Quote], texts: dict[str, str]) -> list[Fact]:
    facts = []
    for q in quotes:
        first: dict[str, object] = {}
        for m in q.mentions:
            if m.article not in first and m.speaker and m.speaker != "unattributed":
                first[m.article] = m
        mentions = list(first.values())
        if len(mentions) < 2:
            continue
        differing = [(a, b) for a, b in combinations(mentions, 2) if not same_speaker(a.speaker, b.speaker)]
        words = q.text.split()
        short = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        claims = [Claim(article=m.article, start=m.start, end=m.end, text=m.text, value=m.speaker,
                        attribution=m.speaker) for m in mentions]
        if differing and not any(_credible_misattribution(q, a, b, texts) for a, b in differing):
            continue  # different wording for the speaker, or an extraction slip: no finding
        if differing:
            a, b = next((a, b) for a, b in differing if _credible_misattribution(q, a, b, texts))
            explanation = (f"{Who(a.article)} credits \"{short}\" to {a.speaker}; {who(b.article)} "
                           f"credits it to {b.speaker}: the same words, different speakers.")
            # the words that name each speaker are where the two articles differ
            named = [c for m in mentions if (c := _speaker_claim(m, texts.get(m.article, ""))) is not None]
            facts.append(Fact(what=f"speaker of \"{short}\"", kind="attribution", status="conflict",
                              claims=sorted(claims + named, key=lambda c: (c.article, c.start)),
                              explanation=explanation, confidence=0.8))
        else:
            names = " and ".join(sorted({m.speaker for m in mentions}))
            facts.append(Fact(what=f"speaker of \"{short}\"", kind="attribution", status="agree", claims=claims,
                              explanation=f"All articles credit \"{short}\" to the same speaker ({names}).",
                              confidence=0.8))
    return facts


def _canonical_attributions(claims: list[ClaimInfo], citations: list[Citation]) -> None:
    names: dict[str, list[str]] = {}
    for citation in citations:
        names.setdefault(citation.article, []).append(citation.name)
    for claim in claims:
        if claim.attribution:
            claim.attribution = _canonical_name(claim.attribution, names.get(claim.article, []))


def _canonical_name(attribution: str, names: list[str]) -> str:
    lowered = attribution.lower()
    for name in sorted(set(names), key=len, reverse=True):
        if name.lower() in lowered or same_actor(attribution, name):
            return name
    return attribution


def _bare(c: ClaimInfo) -> bool:
    """A weekday, month or year standing alone, or a figure tied to no event:
    true, but no finding a reader can use."""
    if c.kind == "date" and ("weekday" in c.extra or "year" in c.extra or "relative" in c.extra or "month" in c.extra):
        return True
    if c.kind == "number" and c.thing in VAGUE_COUNTED:   # 'the one thing you don't do'
        return True
    if c.kind == "number" and what(c) == "figure":   # counts nothing named: 'split the district in two'
        return True
    # a linking verb names no event, but the figure still counts what its subject
    # names: 'the death toll is 12' is a finding, 'the number is 12' is not
    if c.kind == "number" and c.event == "be" and c.thing and c.thing not in GENERIC_COUNTED:
        return False
    return c.event in (None, "be", "say") and c.kind in ("number", "date", "time")


def _told_apart(a: ClaimInfo, b: ClaimInfo) -> bool:
    """Two figures the vocabulary says count different things: people injured
    and people evacuated, firefighters and households."""
    canonical = [e for e in (a.event, b.event) if e in EVENT_SYNONYMS and e not in ("be", "say")]
    if len(canonical) == 2 and a.event != b.event:
        return True
    specific = [t for t in (a.thing, b.thing) if t and t not in GENERIC_COUNTED]
    return len(specific) == 2 and a.thing != b.thing


def _told_twice(leftovers: list[ClaimInfo], config: FactsConfig) -> list[list[ClaimInfo]]:
    """Claims no rule paired that state one distinctive figure in two or more
    articles ('318,000' claims in one, 'the figure ... was 318,000' in
    another): `_reported_once` would hide each as stated by the other, and the
    figure would vanish from the story. Told twice, it is a shared figure: one
    group, one claim per article (the first each gives), where nothing tells
    the two apart: no thing or event either names differently ('150 people'
    injured are not '150 homes'; 'was' or 'said' names no event), no time or scope."""
    def alike(x: str | None, y: str | None, blank: tuple = (None,)) -> bool:
        return x in blank or y in blank or x == y

    by_figure: dict[tuple, list[ClaimInfo]] = {}
    for c in leftovers:
        n = stated_number(c) if c.kind == "number" else None
        if n is not None and (c.unit or n >= config.unique_distinct_from):
            by_figure.setdefault((c.unit, n), []).append(c)
    groups = []
    for cs in by_figure.values():
        group: list[ClaimInfo] = []
        for c in sorted(cs, key=lambda c: c.start):
            if c.article not in {m.article for m in group} and all(
                    alike(m.thing, c.thing) and alike(m.event, c.event, (None, "be", "say"))
                    and _apart_only_in_words(m, c) for m in group):
                group.append(c)
        if len({c.article for c in group}) > 1:
            groups.append(group)
    return groups


def _reported_once(leftovers: list[ClaimInfo], claims: list[ClaimInfo], config: FactsConfig) -> list[ClaimInfo]:
    """Claims no other article states: one whose value another article also
    gives for the same kind of thing is not 'reported by one outlet only',
    even where the pairing rules could not tie the two together."""
    stated: dict[tuple, list[ClaimInfo]] = {}
    for c in claims:
        stated.setdefault((c.kind, c.unit, c.value), []).append(c)
        if c.kind == "number" and (n := stated_number(c)) is not None:
            stated.setdefault(("figure", c.unit, n), []).append(c)

    def same(x: str | None, y: str | None) -> bool:
        return x is None or y is None or x == y

    def distinctive(c: ClaimInfo) -> bool:
        """A figure unlikely to recur by chance: an amount, a share, or a
        count of ten or more ('31,500 people' / 'the crowd of 31,500')."""
        n = stated_number(c)
        return n is not None and (bool(c.unit) or n >= config.unique_distinct_from)

    # the weeks and months articles give ('last month'): a day inside one is stated there in fewer words
    periods = [(o.article, *_period(o)) for o in claims if o.kind == "date" and "period" in o.extra]
    periods = [(a, lo, hi) for a, lo, hi in periods if (hi - lo).days < config.unique_period_max_days]

    out = []
    for c in leftovers:
        if c.kind == "date" and c.date is not None and any(
                a != c.article and lo <= c.date <= hi for a, lo, hi in periods):
            continue
        # a day, a clock time or a place another article gives is stated there, whatever it
        # says happened then or there ('Sept. 3' / 'on Friday', the same day); a figure counts
        # something, and the same figure of another thing is another figure
        anything = c.kind in ("date", "time", "place")
        if any(o.article != c.article and (anything or same(o.thing, c.thing) and same(o.event, c.event))
               for o in stated.get((c.kind, c.unit, c.value), ())):
            continue
        # the same figure in other words elsewhere ('halted play in the 71st minute' /
        # 'abandoned in the 71st minute') is not reported by one outlet only
        if c.kind == "number" and distinctive(c) and any(
                o.article != c.article and not _told_apart(o, c)
                for o in stated.get(("figure", c.unit, stated_number(c)), ())):
            continue
        if not config.show_bare_uniques and _bare(c):
            continue
        out.append(c)
    return out


def find_facts(features, passages: list[Passage], quotes: list[Quote],
               checker: Checker | None = None, citations: list[Citation] | None = None,
               settings: FactsConfig = FactsConfig()) -> list[Fact]:
    """Facts ordered conflicts, agreements, then unique claims by article.

    `features` are the articles' `ArticleFeatures` in order. Their claims are
    copied before the story phase annotates them: the story's names for
    definite nouns ('the district' -> 'Masaken Hanano') and, with the sources
    stage's `citations`, each claim's attribution under the name the
    article's source list uses ('Yousri' -> 'Yasser al-Yousri').
    Explanations name each article by its outlet where that tells them apart.
    """
    with naming([f.article for f in features]):
        return _find_facts(features, passages, quotes, checker, citations, settings)


def _find_facts(features, passages, quotes, checker, citations, settings) -> list[Fact]:
    checker = checker or RuleChecker(settings)
    aliases = story_aliases([f.alias_counts for f in features])
    per_article = [copy_claims(f.claims) for f in features]
    for claims in per_article:
        apply_aliases(claims, aliases)
    _canonical_attributions([c for cs in per_article for c in cs], citations or [])
    claims = [c for cs in per_article for c in cs if not c.is_previous]
    evidence = _Evidence(features, claims, passages)
    pairs = _candidate_pairs(claims, evidence, checker, settings)
    groups = _group(claims, pairs)
    grouped = {id(c) for g in groups for c in g}
    leftovers = _attach_repeats(groups, [c for c in claims if id(c) not in grouped])
    pair_index = {(id(p.a), id(p.b)): p for p in pairs}
    facts = [_group_fact(g, pair_index, checker) for g in groups] + _quote_facts(quotes, {f.id: f.text for f in features})
    facts += _wording_facts([m for f in features for m in f.quotes], settings)
    facts += _slot_facts(features, passages, facts, settings)
    # a figure told twice joins no finding above: a value changed inside a shared sentence says more
    shown = [c for f in facts for c in f.claims]
    told_twice = [g for g in _told_twice(leftovers, settings) if not any(
        o.article == c.article and o.start < c.end and c.start < o.end for c in g for o in shown)]
    twice = {id(c) for g in told_twice for c in g}
    leftovers = [c for c in leftovers if id(c) not in twice]
    facts += [_group_fact(g, pair_index, checker) for g in told_twice]
    order = {f.id: i for i, f in enumerate(features)}
    rank = {"conflict": 0, "agree": 1}
    facts.sort(key=lambda f: (rank[f.status], order.get(f.claims[0].article, 0), f.claims[0].start))
    uniques = sorted(_reported_once(leftovers, claims, settings), key=lambda c: (order.get(c.article, 0), c.start))
    facts += [_unique_fact(c) for c in uniques]
    return [f.model_copy(update={"id": finding_id("f", f.kind, ((c.article, c.start, c.end) for c in f.claims))})
            for f in facts]


def _slot_facts(features, passages: list[Passage], facts: list[Fact], settings: FactsConfig) -> list[Fact]:
    """Values changed inside one shared sentence, and names written two ways
    (`storylens.differences`), where no finding above already holds them."""
    def covered(f: Fact, by: list[Fact], kinds: tuple[str, ...], any_status: bool = False) -> bool:
        return all(any(o.kind in kinds and (any_status or o.status == "conflict") and any(
            oc.article == c.article and oc.start < c.end and c.start < oc.end for oc in o.claims) for o in by)
            for c in f.claims)

    # a figure the claim pairing already judged (agreement, bound, timeline) keeps that judgement
    judged = [f for f in facts if f.kind in ("number", "date")]
    revisions = {(c.article, c.start, c.end) for f in features for c in f.claims
                 if c.previous is not None or c.is_previous or c.extra.get("revision_verb")}

    def revision(f: Fact) -> bool:
        return any(a == c.article and s < c.end and c.start < e for c in f.claims for a, s, e in revisions)

    def other_scope(f: Fact) -> bool:
        """The figures in the two sides count different things or times (see `_same_scope`)."""
        inside = [[c for c in by_article.get(side.article, ()) if side.start <= c.start < side.end
                   or c.start <= side.start < c.end] for side in f.claims]
        return any(x.kind == y.kind == "number" and not _same_scope(x, y)
                   for xs, ys in zip(inside[::2], inside[1::2]) for x in xs for y in ys)

    by_article: dict[str, list[ClaimInfo]] = {}
    for feat in features:
        by_article[feat.id] = feat.claims
    edits = [f for f in edit_facts(passages, features, settings) if not other_scope(f)
             and not any(covered(Fact(**{**f.model_dump(), "claims": [c]}), judged, ("number", "date"), any_status=True)
                        for c in f.claims) and not revision(f)]
    names = [f for f in name_facts(features, passages, settings) if not covered(f, edits, ("name",))]
    names += title_facts(features)
    return edits + names


# --- wording of the same quotation, and changed words in shared sentences -----------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": " ", "\u2013": " ",
                              "-": " ", "\u2026": " ... "})
_PRONOUN_S = {"it", "he", "she", "that", "there", "what", "who", "here", "where", "let"}
_CONTRACTION_TAILS = {"n't": "not", "'m": "am", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would"}
_WORD = re.compile(r"\.\.\.|[a-z0-9]+(?:'[a-z]+)?")


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_INITIALISM = re.compile(r"\b(?:[A-Za-z]\.){2,}")   # 'F.B.I.', 'U.S.': one word, as 'FBI', 'US'


def quote_words(text: str) -> list[str]:
    """A quotation as lower-case words, contractions spelled out, '...' kept
    as a marker of a cut; punctuation (also in initialisms: 'F.B.I.'), case,
    hyphens and quote styles dropped. An editor's bracketed words ('(local)',
    '[World Health Organization]') become a '...' too: they may stand for
    the speaker's own words ('WHO'), which another version quotes; a bracketed
    letter ('[W]e') is kept."""
    out: list[str] = []
    text = _BRACKETED.sub(lambda m: m.group(0)[1:-1] if len(m.group(0)) <= 3 else " ... ", text)
    text = _INITIALISM.sub(lambda m: m.group(0).replace(".", ""), text)
    for w in _WORD.findall(text.translate(_APOSTROPHES).lower()):
        if w == "...":
            out.append(w)
            continue
        if w.endswith("n't"):
            stem = {"won": "will", "can": "can", "shan": "shall"}.get(w[:-3], w[:-3])
            out += [stem, "not"]
            continue
        tail = next((t for t in _CONTRACTION_TAILS if w.endswith(t)), None)
        if tail:
            out += [w[:-len(tail)], _CONTRACTION_TAILS[tail]]
        elif w.endswith("'s") and w[:-2] in _PRONOUN_S:
            out += [w[:-2], "us" if w[:-2] == "let" else "is"]
        else:
            out.append(w)
    return out


@lru_cache(maxsize=8192)
def _quote_words(text: str) -> tuple[str, ...]:
    """`quote_words`, remembered: every mention is compared with many others."""
    return tuple(quote_words(text))


@dataclass
class WordingDiff:
    shared: int                         # words both versions have, in order
    changed: list[tuple[str, str]]      # (words of a, words of b) replaced
    dropped: list[tuple[str, str]]      # words only one version has, inside the shared stretch
    a_span: tuple[int, int] = (0, 0)    # the shared stretch, as word positions in a
    b_span: tuple[int, int] = (0, 0)    # ... and in b

    edge: int = 3
    short: bool = False                 # fewer shared words than a statement needs: a short quotation

    @property
    def differs(self) -> bool:
        """Words changed, or a few words left out inside the shared stretch; a
        long stretch left out is a cut, like quoting less at either end."""
        return bool(self.changed) or any(len((x or y).split()) <= self.edge for x, y in self.dropped)


def _cut_positions(words: tuple[str, ...]) -> set[int]:
    """Positions, among the words other than '...', at which a '...' stands."""
    out, n = set(), 0
    for w in words:
        if w == "...":
            out.add(n)
        else:
            n += 1
    return out


def _same_word(x: str, y: str) -> bool:
    """A transcription variant, not a different word: singular / plural."""
    return x.rstrip("s") == y.rstrip("s")


def compare_wording(a: str, b: str, config: FactsConfig = FactsConfig()) -> WordingDiff | None:
    """How two versions of one quotation differ inside the stretch they share.

    Words one outlet quotes beyond the other's start or end are a different
    extent, not a different wording; replaced words at both ends (the same
    stretch ending 'finding' / 'talking') are a change. None when the two
    share too little to be one statement."""
    wa, wb = _quote_words(a), _quote_words(b)
    ca, cb = [w for w in wa if w != "..."], [w for w in wb if w != "..."]
    # where each version marks a cut: the word position its '...' stands before
    cuts_a, cuts_b = _cut_positions(wa), _cut_positions(wb)
    if not ca or not cb:
        return None
    matcher = SequenceMatcher(None, ca, cb, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size]
    # a lone word matched far from the rest ('the') is chance, not the edge of the
    # shared stretch; one a few words past the rest ('... barely begun' / '... only
    # just begun') closes it, and so does a word that is no stop word a few words
    # past the rest in one version only ('under a lot of duress' / 'under duress'); so
    # does any word beside the rest in one version and `quote_edge_inserted_words` from it
    # in the other: a word inserted there ('what the hell' / 'what in the hell')
    edge = config.quote_edge_words

    def far(x, y, word: str) -> bool:
        gaps = (y.a - x.a - x.size, y.b - x.b - x.size)
        if word not in STOP_WORDS and all(0 < g <= edge for g in gaps):   # only a replaced word or two between them
            return False   # a stop word there ('in the best' / 'for the first') is where two statements part
        return not min(gaps) == 0 < max(gaps) <= (edge if word not in STOP_WORDS else config.quote_edge_inserted_words)

    while len(blocks) > 1 and blocks[0].size == 1 and far(blocks[0], blocks[1], ca[blocks[0].a]):
        blocks.pop(0)
    while len(blocks) > 1 and blocks[-1].size == 1 and far(blocks[-2], blocks[-1], ca[blocks[-1].a]):
        blocks.pop()
    shared = sum(m.size for m in blocks)
    first, last = blocks[0], blocks[-1]
    shorter = min(len(ca), len(cb))
    if shared < config.quote_min_shared_words:
        # a short quotation ('steward its resources') is one statement with a
        # version that holds all its words but one
        if shorter < config.quote_short_min_words or shared < shorter - 1 or max(m.size for m in blocks) < 2:
            return None
    elif max(m.size for m in blocks) < config.quote_min_run:
        return None
    elif shared < config.quote_min_shared_share * shorter:
        # the share is of the words both versions quote: one may quote a long
        # passage before or after the other's, but then the stretch must be long
        extent = min(last.a + last.size - first.a, last.b + last.size - first.b)
        if shared < config.quote_long_shared_words or shared < config.quote_min_shared_share * extent:
            return None
    changed, dropped = [], []
    head_a, head_b = ca[:first.a], cb[:first.b]
    tail_a, tail_b = ca[last.a + last.size:], cb[last.b + last.size:]
    if shorter <= config.quote_min_shared_words:
        # a short quotation starts and ends where the statement's words do: its
        # words before or after the shared stretch replace the other version's
        # words there ('steward its resources' / '... as opposed to husband its resources')
        head_a, head_b = (head_a[-len(head_b):] if head_b else []), (head_b[-len(head_a):] if head_a else [])
        tail_a, tail_b = tail_a[:len(tail_b)], tail_b[:len(tail_a)]
    for xa, xb in ((head_a, head_b), (tail_a, tail_b)):
        if xa and xb and len(xa) <= edge and len(xb) <= edge and not _same_word(" ".join(xa), " ".join(xb)):
            changed.append((" ".join(xa), " ".join(xb)))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 < first.a or j1 < first.b or i2 > last.a + last.size or j2 > last.b + last.size or tag == "equal":
            continue
        pair = (" ".join(ca[i1:i2]), " ".join(cb[j1:j2]))
        if tag == "replace" and _same_word(*pair):
            continue
        # words the other version leaves out at its '...' are a marked cut
        if tag == "delete" and j1 in cuts_b or tag == "insert" and i1 in cuts_a:
            continue
        (changed if tag == "replace" else dropped).append(pair)
    # A long stretch only one version has is a cut (with or without '...'), not
    # a changed wording: it does not make the versions less alike.
    differing = sum(len(x.split()) + len(y.split()) for x, y in changed + dropped
                    if x and y or len((x or y).split()) <= edge)
    if differing > max(edge * 2, config.quote_max_changed_share * shared):
        return None   # more different than alike: two statements that share a phrase
    return WordingDiff(shared, changed, dropped, (first.a, last.a + last.size), (first.b, last.b + last.size), edge,
                       shared < config.quote_min_shared_words)


def _wording_sentence(a, b, diff: WordingDiff) -> str:
    parts = []
    if diff.changed:
        parts.append("words changed (" + "; ".join(f"'{x}' / '{y}'" for x, y in diff.changed[:3]) + ")")
    if diff.dropped:
        parts.append("words left out (" + "; ".join(f"'{x or y}'" for x, y in diff.dropped[:3]) + ")")
    verdict = ("the wording differs" if diff.changed else
               "one version is trimmed; the words it keeps are the same")
    return (f"{Who(a.article)} and {who(b.article)} quote the same statement in different words: "
            f"{', '.join(parts)}: {verdict}.")


def _wording_candidates(mentions: list, run: int, short: int) -> list[tuple]:
    """Mention pairs of different articles, in article order, that share a run
    of `run` words: `compare_wording` needs one, so an inverted index of word
    n-grams finds every pair it could accept without comparing all pairs. A
    quotation of at most `short` words needs only a shared pair of words, one
    of them not a stop word ('its resources')."""
    index: dict[tuple, list[int]] = {}
    pairs_of_short: dict[tuple, list[int]] = {}
    words = [[w for w in _quote_words(m.text) if w != "..."] for m in mentions]
    for n, ws in enumerate(words):
        for gram in {tuple(ws[k:k + run]) for k in range(len(ws) - run + 1)}:
            index.setdefault(gram, []).append(n)
        if len(ws) <= short:
            for gram in {tuple(ws[k:k + 2]) for k in range(len(ws) - 1)}:
                if not all(w in STOP_WORDS for w in gram):
                    pairs_of_short.setdefault(gram, []).append(n)
    pairs: set[tuple[int, int]] = set()

    def add(x: int, y: int) -> None:
        if mentions[x].article != mentions[y].article:
            pairs.add((x, y) if mentions[x].article < mentions[y].article else (y, x))

    for members in index.values():
        for i, x in enumerate(members):
            for y in members[i + 1:]:
                add(x, y)
    if pairs_of_short:
        for n, ws in enumerate(words):
            for gram in {tuple(ws[k:k + 2]) for k in range(len(ws) - 1)}:
                for x in pairs_of_short.get(gram, ()):
                    add(x, n)
    return [(mentions[x], mentions[y]) for x, y in sorted(pairs, key=lambda p: (
        mentions[p[0]].article, mentions[p[1]].article, p[0], p[1]))]


def _two_speakers(x: str, y: str) -> bool:
    return "unattributed" not in (x, y) and not same_speaker(x, y)


def _wording_facts(mentions: list, config: FactsConfig) -> list[Fact]:
    """One finding per statement whose versions in different articles differ in
    words, not only in extent. Mentions of different articles that share a
    run of words are compared (the quote stage's grouping misses short and
    heavily edited versions); each keeps its best counterpart per article."""
    words = {id(m): set(_quote_words(m.text)) for m in mentions}
    judged = []
    for x, y in _wording_candidates(mentions, config.quote_min_run, config.quote_min_shared_words):
        if len(words[id(x)] & words[id(y)]) < min(config.quote_min_shared_words, len(words[id(x)]) - 1,
                                                  len(words[id(y)]) - 1):
            continue
        diff = compare_wording(x.text, y.text, config)
        # a few words alike from two named speakers are two statements
        if diff is not None and not (diff.short and _two_speakers(x.speaker, y.speaker)):
            judged.append((x, y, diff))
    # Each mention keeps its best counterparts per other article, most shared
    # words first; a long mention may hold two of the other article's (a
    # quotation one outlet splits in two), as long as they match different
    # stretches of it.
    taken: dict[tuple[int, str], list[tuple[int, int]]] = {}

    def free(m, other: str, span: tuple[int, int]) -> bool:
        return all(span[1] <= s or e <= span[0] for s, e in taken.get((id(m), other), ()))

    pairs = {}
    for x, y, d in sorted(judged, key=lambda t: -t[2].shared):
        if free(x, y.article, d.a_span) and free(y, x.article, d.b_span):
            taken.setdefault((id(x), y.article), []).append(d.a_span)
            taken.setdefault((id(y), x.article), []).append(d.b_span)
            pairs[(id(x), id(y))] = (x, y, d)
    groups: list[dict] = []
    home: dict[int, dict] = {}
    for x, y, diff in pairs.values():
        if not diff.differs:
            continue
        g = home.get(id(x)) or home.get(id(y))
        if g is None:
            g = {"mentions": {}, "diffs": []}
            groups.append(g)
        if (x.article in g["mentions"] and g["mentions"][x.article] is not x) or (
                y.article in g["mentions"] and g["mentions"][y.article] is not y):
            continue
        g["mentions"][x.article], g["mentions"][y.article] = x, y
        g["diffs"].append((x, y, diff))
        home[id(x)] = home[id(y)] = g
    facts = []
    for g in groups:
        found = g["diffs"]
        incompatible = any(d.changed for _, _, d in found)
        explanation = " ".join(_wording_sentence(x, y, d) for x, y, d in found)
        first = max(g["mentions"].values(), key=lambda m: len(m.text))
        short_words = first.text.split()
        short = " ".join(short_words[:8]) + ("…" if len(short_words) > 8 else "")
        values = {}
        for x, y, d in found:
            # a long cut is told in the explanation; the value shows the words that differ
            kept = d.changed + [p for p in d.dropped if len((p[0] or p[1]).split()) <= config.quote_edge_words]
            values.setdefault(x.article, "; ".join(p[0] for p in kept if p[0]) or "(fewer words)")
            values.setdefault(y.article, "; ".join(p[1] for p in kept if p[1]) or "(fewer words)")
        claims = [Claim(article=m.article, start=m.start, end=m.end, text=m.text, value=values.get(m.article),
                        attribution=m.speaker if m.speaker != "unattributed" else None)
                  for m in sorted(g["mentions"].values(), key=lambda m: m.article)]
        facts.append(Fact(what=f"wording of \"{short}\"", kind="quote", status="conflict", claims=claims,
                          explanation=explanation, confidence=0.8 if incompatible else 0.6,
                          incompatible=incompatible))
    return facts
