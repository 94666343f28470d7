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

from dataclasses import dataclass
from itertools import combinations
from typing import Protocol

import numpy as np

from .facts import MEASURES, ClaimInfo, Window, apply_aliases, story_aliases
from .features import copy_claims
from .ids import finding_id
from .settings import FactsConfig
from .models import Citation, Claim, Fact, Passage, Quote
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


def _dates_compatible(a: ClaimInfo, b: ClaimInfo) -> bool:
    if a.date and b.date:
        return a.date == b.date
    if "weekday" in a.extra and "weekday" in b.extra:
        return a.extra["weekday"] == b.extra["weekday"]
    return a.value.lower() == b.value.lower()


def values_compatible(a: ClaimInfo, b: ClaimInfo) -> bool:
    if a.kind == "number":
        return a.interval.overlaps(b.interval)
    if a.kind == "date":
        return _dates_compatible(a, b)
    if a.kind == "time":
        return a.value == b.value
    if "distance" in a.extra:
        return a.interval.overlaps(b.interval) and _directions_compatible(a, b)
    if "facility" in a.extra:
        return _facility_compatible(a.extra["facility"], b.extra["facility"])
    return _directions_compatible(a, b)


class RuleChecker:
    """The default checker: interval overlap for numbers, equality for dates
    and times, direction containment for places."""

    def compare(self, a: ClaimInfo, b: ClaimInfo) -> Verdict:
        if values_compatible(a, b):
            return Verdict("agree", _agree_sentence(a, b), 0.8)
        for earlier, later in ((a, b), (b, a)):
            if earlier.previous is not None and values_compatible(earlier.previous, later):
                return Verdict("agree", _timeline_sentence(earlier, later), 0.6)
        return Verdict("conflict", _conflict_sentence(a, b), 0.8)


# --- descriptions -------------------------------------------------------------

def describe(c: ClaimInfo) -> str:
    """The claim as the article put it, with its window and source."""
    text = c.text
    if c.kind == "place":
        return f"{c.subject or 'it'} at '{c.text}'" if "distance" not in c.extra else f"{c.subject or 'it'} {c.text}"
    if c.kind == "number" and c.event_word and c.event_word.lower() not in text.lower():
        text = f"{text} {c.event_word}"
    if c.kind == "number" and c.window is not None:
        window = c.window.describe()
        text += f" {window[:1].lower()}{window[1:]}"
    if c.kind in ("date",) and c.date and c.value != c.text:
        text += f" ({c.value})"
    if c.kind == "time" and c.value != c.text:
        text += f" ({c.value})"
    return f"{text} ({c.attribution or 'no source given'})" if c.kind == "number" else text


def what(c: ClaimInfo) -> str:
    if c.kind == "number":
        if c.thing in MEASURES or c.unit in ("%", "pp"):
            return c.thing or "figure"
        thing = c.extra.get("thing_text") or c.thing or "figure"
        if c.unit in ("day", "week", "month", "year", "hour"):
            return f"{c.unit}s of the {c.event or 'event'}"
        event = PARTICIPLES.get(c.event or "", c.event_word or "")
        return f"{thing} {event}".strip()
    if c.kind == "place":
        subject = c.subject.title() if c.subject and " " in c.subject else c.subject
        return f"location of {subject or 'the event'}"
    subject = c.subject or c.event or "the event"
    verb = (c.event_word or c.event or "").lower()
    return f"{'time' if c.kind == 'time' else 'date'} of {subject}" + (
        f" ({verb})" if verb and c.event != "say" and c.subject else "")


def _reason(a: ClaimInfo) -> str:
    return {"number": "the figures are incompatible", "date": "the dates differ",
            "time": "the times differ", "place": "the locations differ"}[a.kind]


def _conflict_sentence(a: ClaimInfo, b: ClaimInfo) -> str:
    return (f"Article {a.article} reports {describe(a)}; article {b.article} reports {describe(b)}: "
            f"{_reason(a)} ({a.value} vs {b.value}).")


def _agree_sentence(a: ClaimInfo, b: ClaimInfo) -> str:
    note = "the same value" if a.value == b.value else f"compatible values ({a.value} and {b.value})"
    return f"Article {a.article} reports {describe(a)} and article {b.article} reports {describe(b)}: {note}."


def _timeline_sentence(revised: ClaimInfo, other: ClaimInfo) -> str:
    return (f"Article {revised.article} reports a revised figure, {revised.text} up from "
            f"{revised.previous.text}; article {other.article}'s {other.text} matches the earlier figure: "
            f"a timeline, not a contradiction.")


# --- grouping -------------------------------------------------------------------

@dataclass
class _Pair:
    a: ClaimInfo
    b: ClaimInfo
    score: float
    strong: bool
    counterpart: bool
    similarity: float


def _same_name(x: str | None, y: str | None) -> bool:
    """'syrian observatory' and 'observatory' name the same subject; so do
    'fire' and 'blaze' once canonicalised upstream."""
    if not x or not y:
        return False
    if x == y:
        return True
    return x.split()[-1] == y.split()[-1]


def _windows_compatible(a: Window | None, b: Window | None) -> bool:
    if a is None or b is None or not (a.start and b.start and a.end and b.end):
        return True
    overlap = (min(a.end, b.end) - max(a.start, b.start)).days + 1
    if overlap <= 0:
        return False
    shorter = min((a.end - a.start).days, (b.end - b.start).days) + 1
    longer = max((a.end - a.start).days, (b.end - b.start).days) + 1
    return overlap >= 0.5 * shorter and shorter >= 0.5 * longer


# Key levels: how sure we are that two claims are about the same thing.
STRONG, WEAK, AGREE_ONLY = "strong", "weak", "agree-only"
# Strong enough to agree on its own, but a conflict still needs evidence.
AGREE_STRONG = "agree-strong"


def _number_key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if a.unit != b.unit:
        return None
    if a.thing and b.thing and a.thing != b.thing:
        return None
    if not _windows_compatible(a.window, b.window):
        return None
    duration = a.unit in ("day", "week", "month", "year", "hour")
    if a.thing == b.thing == "money":
        # Amounts of money differ by what they pay for: without the same event
        # they may only agree ($1.5 million = $1,500,000), never conflict.
        return AGREE_STRONG if a.event and a.event == b.event else AGREE_ONLY
    measure = a.thing in MEASURES or duration
    if a.event and b.event and a.event != b.event and not (measure and not duration):
        return None
    if measure and a.thing == b.thing:
        return STRONG if not duration or a.event == b.event == "campaign" else WEAK
    return STRONG if (a.thing and b.thing and a.event and b.event) else WEAK


def _date_key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if ("year" in a.extra) != ("year" in b.extra):
        return None
    same_subject = _same_name(a.subject, b.subject)
    if a.event == "say" or b.event == "say":
        # when a statement was made is not a fact about the event: never a conflict
        return AGREE_ONLY if a.event == b.event and same_subject else None
    if a.event and a.event == b.event:
        return STRONG if same_subject else WEAK
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


def _key(a: ClaimInfo, b: ClaimInfo) -> str | None:
    if a.kind != b.kind:
        return None
    if a.kind == "number":
        return _number_key(a, b)
    if a.kind in ("date", "time"):
        return _date_key(a, b)
    return _place_key(a, b)


def _specific(a: ClaimInfo, b: ClaimInfo) -> bool:
    """An identical clock time or full date for the same event is unlikely by chance."""
    return a.kind == "time" or (a.kind == "date" and a.date is not None and b.date is not None)


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

    def similarity(self, a: ClaimInfo, b: ClaimInfo) -> float:
        return float(np.dot(self.vectors[(a.article, a.sentence)], self.vectors[(b.article, b.sentence)]))

    def counterpart(self, a: ClaimInfo, b: ClaimInfo) -> bool:
        return bool(self.inside.get(id(a), frozenset()) & self.inside.get(id(b), frozenset()))


def _swapped_noun(a: ClaimInfo, b: ClaimInfo, evidence: "_Evidence") -> str | None:
    """'thousands of protesters marched' / 'thousands of rioters marched' in one
    aligned passage count the same people under another name (a framing swap).
    Only ever an agreement: a noun swap is no ground for a conflict."""
    if a.kind == b.kind == "number" and a.unit == b.unit and a.event and a.event == b.event \
            and evidence.counterpart(a, b):
        return AGREE_ONLY
    return None


def _blocks(claims: list[ClaimInfo]) -> list[list[ClaimInfo]]:
    """Claims that could pair: the same kind and, for numbers, the same unit
    (every key below requires both). Pairs are only formed inside a block."""
    blocks: dict[tuple, list[ClaimInfo]] = {}
    for c in claims:
        blocks.setdefault((c.kind, c.unit if c.kind == "number" else ""), []).append(c)
    return list(blocks.values())


def _candidate_pairs(claims: list[ClaimInfo], evidence: _Evidence, checker: Checker,
                     config: FactsConfig) -> list[_Pair]:
    pairs = []
    for a, b in (pair for block in _blocks(claims) for pair in combinations(block, 2)):
        if a.article == b.article:
            continue
        level = _key(a, b) or _swapped_noun(a, b, evidence)
        if level is None:
            continue
        sim = evidence.similarity(a, b)
        counterpart = evidence.counterpart(a, b)
        compatible = checker.compare(a, b).status == "agree"
        supported = level in (STRONG, AGREE_STRONG) or counterpart or sim >= config.related_similarity
        if not supported and not (compatible and a.event == b.event and a.event and _specific(a, b)):
            continue
        if not compatible and (level == AGREE_ONLY or not (
                level == STRONG or counterpart or sim >= config.conflict_similarity)):
            continue
        strong = level == STRONG
        score = 1.0 * strong + 1.0 * counterpart + sim + 0.5 * compatible
        pairs.append(_Pair(a, b, score, strong, counterpart, sim))
    return sorted(pairs, key=lambda p: -p.score)


def _group(claims: list[ClaimInfo], pairs: list[_Pair]) -> list[list[ClaimInfo]]:
    """Greedy by score: each group holds at most one claim per article and
    every two members must form a candidate pair."""
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
            if all((id(m), id(new)) in related for m in g):
                g.append(new)
                group_of[id(new)] = g
    return groups


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
    return Fact(what=what(primaries[0]), kind=_public_kind(primaries[0]), status=status,
                claims=[_claim(c) for c in ordered], explanation=explanation, confidence=round(confidence, 2))


def _unique_fact(c: ClaimInfo) -> Fact:
    extra = ""
    if c.previous is not None:
        extra = f" It revises an earlier figure ({c.previous.text}): a timeline, not a self-contradiction."
    claims = [_claim(c)] + ([_claim(c.previous)] if c.previous is not None else [])
    return Fact(what=what(c), kind=_public_kind(c), status="unique", claims=claims,
                explanation=f"Only article {c.article} reports {describe(c)}.{extra}", confidence=0.6)


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
            explanation = (f"Article {a.article} credits \"{short}\" to {a.speaker}; article {b.article} "
                           f"credits it to {b.speaker}: the same words, different speakers.")
            facts.append(Fact(what=f"speaker of \"{short}\"", kind="attribution", status="conflict",
                              claims=claims, explanation=explanation, confidence=0.8))
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


def find_facts(features, passages: list[Passage], quotes: list[Quote],
               checker: Checker | None = None, citations: list[Citation] | None = None,
               settings: FactsConfig = FactsConfig()) -> list[Fact]:
    """Facts ordered conflicts, agreements, then unique claims by article.

    `features` are the articles' `ArticleFeatures` in order. Their claims are
    copied before the story phase annotates them: the story's names for
    definite nouns ('the district' -> 'Masaken Hanano') and, with the sources
    stage's `citations`, each claim's attribution under the name the
    article's source list uses ('Youssef' -> 'Yasser al-Youssef').
    """
    checker = checker or RuleChecker()
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
    order = {f.id: i for i, f in enumerate(features)}
    rank = {"conflict": 0, "agree": 1}
    facts.sort(key=lambda f: (rank[f.status], order.get(f.claims[0].article, 0), f.claims[0].start))
    uniques = sorted(leftovers, key=lambda c: (order.get(c.article, 0), c.start))
    facts += [_unique_fact(c) for c in uniques]
    return [f.model_copy(update={"id": finding_id("f", f.kind, ((c.article, c.start, c.end) for c in f.claims))})
            for f in facts]
