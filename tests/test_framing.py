"""Edit categories, substitution counts and each article's terms for actors."""

from pathlib import Path

import pytest

from storylens.align import align
from helpers import features_of as analyze
from storylens.analyze import load_nlp
from storylens.framing import aggregate_substitutions, categorize_edit, find_terms
from storylens.models import Article
from storylens.pipeline import assign_ids


def _tokens(text):
    return list(load_nlp()(text))


@pytest.mark.parametrize("old, new, category", [
    ("rebels", "opposition fighters", "framing"),
    ("government forces", "the regime", "framing"),
    ("state", "regime-run", "framing"),
    ("protesters", "rioters", "framing"),
    ("neighborhood", "neighbourhood", "spelling"),
    ("organisation", "organization", "spelling"),
    ("centre", "center", "spelling"),
    ("in", "into", "other"),
    ("dwindling", "decreasing", "other"),
    ("Youssef", "Al-Youssef", "other"),
    ("the", "a", "other"),
    ("said", "says", "other"),
])
def test_categorize_edit(old, new, category):
    assert categorize_edit(_tokens(old), _tokens(new)) == category


def test_insertions_and_deletions_are_other():
    assert categorize_edit(_tokens("rebels"), []) == "other"
    assert categorize_edit([], _tokens("opposition")) == "other"


# Two invented outlets rewrite one invented wire story about a strike.
COURIER = (
    "Strikers marched to the port on Friday, and strikers later blocked the main gate.\n\n"
    "Police said the strikers had damaged two cranes at the northern terminal of the harbour.\n\n"
    "The union leader said the strikers would stay until the company reopened talks.\n\n"
    "The strikers left the centre of town by evening."
)
LEDGER = (
    "Militant workers marched to the port on Friday, and militant workers later blocked the main gate.\n\n"
    "Police said the militants had damaged two cranes at the northern terminal of the harbor.\n\n"
    "The union leader said the militants would stay until the company reopened talks.\n\n"
    "Militants left the center of town by evening; a militant was arrested."
)


@pytest.fixture(scope="module")
def strike():
    analyses = analyze(assign_ids([Article(text=COURIER), Article(text=LEDGER)]))
    return analyses, align(analyses)


def test_substitutions_are_counted_across_passages(strike):
    _, passages = strike
    subs = {(s.from_, s.to, s.category): s.count for s in aggregate_substitutions(passages)}
    assert subs[("strikers", "militants", "framing")] == 2
    assert subs[("harbour", "harbor", "spelling")] == 1


def test_substitutions_list_framing_first(strike):
    _, passages = strike
    categories = [s.category for s in aggregate_substitutions(passages)]
    assert categories == sorted(categories, key=["framing", "spelling", "other"].index)


def test_terms_group_words_that_replace_each_other(strike):
    analyses, passages = strike
    terms = find_terms(analyses, passages)
    (actor_a,) = terms["a"]
    assert set(actor_a.split(" / ")) == {"striker", "militant"}
    assert terms["a"][actor_a] == {"striker": 5}
    assert terms["b"][actor_a] == {"militant": 6}


def test_no_passages_no_terms():
    analyses = analyze(assign_ids([Article(text="One thing happened."), Article(text="Another did.")]))
    assert find_terms(analyses, []) == {"a": {}, "b": {}}


def test_seed_terms(seed_paths):
    analyses = analyze(assign_ids([Article(text=Path(p).read_text()) for p in seed_paths]))
    passages = align(analyses)
    subs = {(s.from_.lower(), s.to.lower(), s.category) for s in aggregate_substitutions(passages)}
    assert {("rebels", "opposition fighters", "framing"), ("government forces", "regime", "framing"),
            ("state", "regime-run", "framing"), ("insurgents", "opposition", "framing"),
            ("neighborhood", "neighbourhood", "spelling"), ("in", "into", "other")} <= subs
    assert not any(cat == "framing" and old in ("the", "but", "also", "can") for old, _, cat in subs)
    terms = find_terms(analyses, passages)
    rebels = next(k for k in terms["a"] if "rebel" in k.split(" / "))
    assert set(rebels.split(" / ")) == {"rebel", "opposition", "insurgent"}
    assert terms["a"][rebels]["rebel"] > terms["b"][rebels].get("rebel", 0)
    assert terms["b"][rebels]["opposition"] > terms["a"][rebels].get("opposition", 0)
