"""The claim-pair index of `reconcile._candidate_index` (issue #6): the story
phase judges only the pairs it yields, so it must hold every pair some
pairing rule keeps. Each test runs `_candidate_pairs` twice, once through the
index and once over all pairs of each block (the plain enumeration written
below), and wants the same kept pairs, scores and order: a rule added
without its condition in the index fails here."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from helpers import features_of
from storylens import reconcile
from storylens.facts import INF, ClaimInfo, Interval, Window
from storylens.ingest import load
from storylens.models import Article
from storylens.pipeline import assign_ids, compare_features
from storylens.reconcile import RuleChecker, _Evidence
from storylens.settings import FactsConfig


def _all_pairs(claims, evidence, config):
    """The reference: every pair of different articles inside a block (the same
    kind and, for numbers, the same unit), in `combinations` order."""
    blocks: dict[tuple, list[ClaimInfo]] = {}
    for c in claims:
        blocks.setdefault((c.kind, c.unit if c.kind == "number" else ""), []).append(c)
    return [(a, b) for block in blocks.values() for a, b in combinations(block, 2) if a.article != b.article]


_CANDIDATE_PAIRS, _INDEX = reconcile._candidate_pairs, reconcile._candidate_index


def _kept(claims, evidence, config, index):
    """`_candidate_pairs` judging the pairs `index` yields: the kept pairs, in order, with their scores."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(reconcile, "_candidate_index", index)
        pairs = _CANDIDATE_PAIRS(claims, evidence, RuleChecker(), config)
    return [(id(p.a), id(p.b), p.score, p.strong, p.counterpart, p.similarity) for p in pairs]


def _judged_both_ways(monkeypatch) -> list[tuple[list, list]]:
    """While installed, every story's `_candidate_pairs` also runs over all
    pairs; the list collects (indexed, all pairs) kept pairs per story."""
    runs = []

    def both(claims, evidence, checker, config):
        runs.append((_kept(claims, evidence, config, _INDEX), _kept(claims, evidence, config, _all_pairs)))
        return _CANDIDATE_PAIRS(claims, evidence, checker, config)

    monkeypatch.setattr(reconcile, "_candidate_pairs", both)
    return runs


def test_candidate_index_holds_every_pair_a_rule_keeps_in_the_seed_pair(seed_paths, monkeypatch):
    runs = _judged_both_ways(monkeypatch)
    compare_features(features_of(assign_ids([load(p) for p in seed_paths])))
    assert runs and all(indexed == every for indexed, every in runs)
    assert runs[0][1], "the seed pair keeps some claim pairs"


@pytest.mark.slow
def test_candidate_index_holds_every_pair_a_rule_keeps_in_basil(basil_path, monkeypatch):
    """40 BASIL articles (about a dozen stories) read as one story: many pairs
    of unrelated claims, which the index must leave out only where no rule
    keeps them."""
    articles = []
    for line in basil_path.open():
        r = json.loads(line)
        articles.append(Article(id=str(len(articles)), text=r["text"], outlet=r["outlet"], title=r["title"]))
        if len(articles) == 40:
            break
    runs = _judged_both_ways(monkeypatch)
    compare_features(features_of(articles))
    assert runs and all(indexed == every for indexed, every in runs)
    assert len(runs[0][1]) > 20


# --- generated claim sets ---------------------------------------------------------

_HOME = tempfile.TemporaryDirectory(prefix="storylens-hypothesis-")  # keeps .hypothesis/ out of the checkout
set_hypothesis_home_dir(_HOME.name)

class _Evidence_(_Evidence):
    """Sentence vectors, passages and context words given outright, not read from articles."""

    def __init__(self, vectors, inside, context):
        self.vectors, self.inside, self._context, self.features = vectors, inside, context, {}

    def states_beside(self, c, figure):
        return False


DAYS = [dt.date(2021, 3, d) for d in (4, 5, 6)]
FRIDAY = DAYS[2] + dt.timedelta(days=3)
# unit vectors: equal ones are alike, the third sits exactly at `related_similarity` from the first
VECTORS = [np.array(v, dtype=np.float32) for v in ([1, 0], [0, 1], [0.72, (1 - 0.72 ** 2) ** 0.5], [0.6, 0.8])]
# each story draws one or two values of every field from here, so that its claims often share them;
# the evidence that supports a pair (sentence vector, passages) is drawn from all values, else it would
# support every pair
SUPPORT = ("vector", "passages")
FIELDS = {
    "kind": ["number", "date", "time", "place"],
    "sentence": [0, 1, 2],
    "event": [None, "kill", "say", "be", "campaign", "vote", "cut"],
    "subject": [None, "vote", "meeting", "fire", "old mill", "mill"],
    "attribution": [None, "Jane Roe", "John Doe"],
    "window": [None, Window("Monday", DAYS[0], DAYS[0]), Window("this week", DAYS[0], DAYS[2]),
               Window("Friday", FRIDAY, FRIDAY)],
    "scope": [{}, {"of": "aftershock"}, {"purpose": "confirm"}, {"era": "earlier"}],
    "unit": ["", "%", "USD", "year", "tally"],
    "thing": [None, "people", "money", "magnitude", "year", "vote", "share"],
    "figure": [1.0, 2.0, 5.0, 900.0, 1000.0, 1100.0, 1250.0, 43000.0, 43350.0, 188829.0],
    "bound": ["exact", "at least", "up to", "about", "hundreds"],
    "date": DAYS + [None],
    "clock": ["18:00", "18:30"],
    "date_extra": [{}, {"year": 2021}, {"weekday": "Friday"}, {"period": [DAYS[0].isoformat(), DAYS[2].isoformat()]}],
    "anchor": [None, "old mill", "river"],
    "directions": [frozenset(), frozenset({"north"}), frozenset({"south"})],
    "vector": list(range(len(VECTORS))),
    "passages": [frozenset(), frozenset(), frozenset(), frozenset({0}), frozenset({1}), frozenset({0, 1})],
    "context": [frozenset(), frozenset({"rolex", "watch"}), frozenset({"rolex", "watch", "council"}),
                frozenset({"ring", "road"})],
}


def _interval(x: float, bound: str) -> Interval:
    return {"exact": Interval(x, x), "at least": Interval(x, INF, lo_open=True), "up to": Interval(0, x),
            "about": Interval(0.9 * x, 1.1 * x), "hundreds": Interval(200, 900)}[bound]


@st.composite
def _claim(draw, article: str, palette: dict) -> tuple[ClaimInfo, int, frozenset[int], frozenset[str]]:
    pick = lambda field: draw(st.sampled_from(palette[field]))  # noqa: E731
    c = ClaimInfo(kind=pick("kind"), article=article, start=0, end=1, text="x", value="x", sentence=pick("sentence"),
                  event=pick("event"), subject=pick("subject"), attribution=pick("attribution"),
                  window=pick("window"))
    if c.kind == "number":
        c.unit, c.thing, x = pick("unit"), pick("thing"), pick("figure")
        c.interval = _interval(x, pick("bound"))
        c.value = c.text = f"{x:g}"
        c.extra = dict(pick("scope"))
    elif c.kind in ("date", "time"):
        c.date = pick("date") if c.kind == "date" else None
        c.value = pick("clock") if c.kind == "time" else c.date.isoformat() if c.date else "Friday"
        c.extra = dict(pick("date_extra"))
    else:
        c.anchor, c.directions = pick("anchor"), pick("directions")
        c.value = c.text = "Old Mill"
    return c, pick("vector"), pick("passages"), pick("context")


@st.composite
def _story(draw):
    palette = {field: values if field in SUPPORT else draw(st.lists(st.sampled_from(values), min_size=1,
                                                                      max_size=2, unique_by=repr))
               for field, values in FIELDS.items()}
    rows = [draw(_claim(article, palette)) for article in "abc" for _ in range(draw(st.integers(0, 6)))]
    claims = [c for c, *_ in rows]
    vectors: dict[tuple[str, int], np.ndarray] = {}
    for c, v, *_ in rows:
        vectors.setdefault((c.article, c.sentence), VECTORS[v])   # one vector a sentence: its first claim's
    evidence = _Evidence_(vectors, {id(c): p for c, _, p, _ in rows}, {id(c): w for c, _, _, w in rows})
    return claims, evidence


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_story())
def test_candidate_index_holds_every_pair_a_rule_keeps_in_generated_claims(story):
    claims, evidence = story
    config = FactsConfig()
    assert _kept(claims, evidence, config, _INDEX) == _kept(claims, evidence, config, _all_pairs)
