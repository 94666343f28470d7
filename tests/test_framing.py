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


# The terms lexicon across domains (data/framing_terms.json), on invented texts.

def _terms(*texts):
    analyses = analyze(assign_ids([Article(text=t) for t in texts]))
    return find_terms(analyses, align(analyses))


def _row(terms, word):
    rows = [k for k in terms["a"] if word in k.split(" / ")]
    assert len(rows) == 1, terms
    return rows[0]


def test_immigration_terms_make_a_row():
    terms = _terms(
        "The council in Dunmere voted to help illegal immigrants find lawyers. Two illegal aliens spoke.",
        "Dunmere will fund lawyers for undocumented immigrants, the council decided on Monday.")
    row = _row(terms, "illegal immigrant")
    assert set(row.split(" / ")) == {"illegal immigrant", "illegal alien", "undocumented immigrant"}
    assert terms["a"][row] == {"illegal immigrant": 1, "illegal alien": 1}
    assert terms["b"][row] == {"undocumented immigrant": 1}


def test_abortion_terms_make_a_row():
    terms = _terms("Pro-life groups rallied outside the Velmar statehouse against the clinic bill.",
                   "Anti-abortion activists rallied in Velmar as abortion-rights groups held a vigil.")
    row = _row(terms, "pro-life")
    assert terms["a"][row] == {"pro-life": 1} and terms["b"][row] == {"anti-abortion": 1}


def test_climate_terms_make_a_row():
    terms = _terms("The mayor of Ostrel called global warming the city's biggest threat.",
                   "Ostrel's mayor said climate change was the biggest threat to the city, and the climate crisis was here.")
    row = _row(terms, "global warming")
    assert terms["b"][row] == {"climate change": 1, "climate crisis": 1}


def test_the_same_term_everywhere_is_no_row():
    assert _terms("Undocumented immigrants in Corvel marched.", "Undocumented immigrants marched in Corvel.") \
        == {"a": {}, "b": {}}


def test_quoted_words_are_not_the_outlets_terms():
    terms = _terms("Undocumented immigrants in Corvel marched on Sunday.",
                   "\u201cThese illegal aliens must go home,\u201d a councillor said as undocumented immigrants marched.")
    assert terms == {"a": {}, "b": {}}


def test_a_generic_alternative_needs_an_anchor():
    # 'government' alone never makes a 'regime / government' row.
    assert _terms("The government of Tarsk raised fuel prices.", "Tarsk's government put up fuel prices.") \
        == {"a": {}, "b": {}}
    terms = _terms("The regime in Tarsk raised fuel prices.", "Tarsk's government put up fuel prices.")
    row = _row(terms, "regime")
    assert terms["b"][row] == {"government": 1}


def test_lexicon_alternatives_are_framing_edits():
    assert categorize_edit(_tokens("tax relief"), _tokens("tax cuts")) == "framing"
    assert categorize_edit(_tokens("Obamacare"), _tokens("the Affordable Care Act")) == "framing"


def test_a_cut_replaced_by_punctuation_is_no_substitution():
    # one outlet drops the attribution and writes a dash: words cut, not a word changed
    analyses = analyze(assign_ids([
        Article(text="The senator spoke for an hour on Tuesday. He added, the vote on the Harlow bill will wait "
                     "until the committee meets next month in the capital."),
        Article(text="The senator spoke for an hour on Tuesday \u2014 the vote on the Harlow bill will wait "
                     "until the committee meets next month in the capital.")]))
    passages = align(analyses)
    assert any(e.from_.text.strip() or e.to.text.strip() for p in passages for e in p.edits)
    assert all(any(ch.isalnum() for ch in s.from_) and any(ch.isalnum() for ch in s.to)
               for s in aggregate_substitutions(passages))


def test_a_protest_and_a_terror_attack_are_not_one_concept():
    # a protest is a protest: only 'spontaneous protest' stands against 'terror attack'
    terms = _terms("Officials called it a terror attack on the consulate in Veldt, the minister said.",
                   "Officials called it a protest at the consulate in Veldt that turned violent.")
    for rows in terms.values():
        for row in rows:
            words = set(row.split(" / "))
            assert not ({"protest", "protester"} & words and {"terror attack", "terrorist attack"} & words), row
