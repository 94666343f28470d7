"""Same quantity, same thing; dates resolved as a reader would; labels a
reader understands. Every sentence here is invented."""

import datetime as dt

import pytest

from helpers import features_of
from storylens.models import Article
from storylens.pipeline import compare_features

DAY = dt.date(2025, 9, 18)   # a Thursday


def paired(a, b):
    articles = [Article(id="a", text=a, date=DAY), Article(id="b", text=b, date=DAY)]
    return [f for f in compare_features(features_of(articles)).facts if f.status != "unique"]


@pytest.mark.parametrize("a, b", [
    ("The campaign spent tens of thousands of dollars on radio advertising in the final week.",
     "The campaign spent thousands of dollars on catering for the rally, aides said."),
    ("The magnitude 6.4 earthquake struck the valley on Tuesday morning, killing 12 people.",
     "A magnitude 5.1 aftershock rattled the valley hours after the earthquake struck."),
    ("The earthquake killed 12 people in the valley, officials said.",
     "A similar earthquake in 1998 killed 40 people in the valley, officials recalled."),
    ("The nominee needs 51 votes to be confirmed by the Senate.",
     "Opponents would need 41 votes to sustain a filibuster against the nominee."),
], ids=["money-for-different-things", "aftershock-magnitude", "earlier-quake-toll", "votes-for-different-ends"])
def test_look_alike_figures_are_not_paired(a, b):
    assert not [f for f in paired(a, b) if f.kind == "number"]


def claims_of(text):
    (f,) = features_of([Article(id="a", text=text, date=DAY)])
    return f.claims


@pytest.mark.parametrize("text,day", [
    ("The stadium will stay closed until Monday, officials said.", 22),
    ("The council may vote on the levy on Monday, officials said.", 22),
    ("The council will take up the levy as soon as Monday, officials said.", 22),
    ("The council votes on the levy as early as Monday, officials said.", 22),
    ("The stadium closed on Monday after the fire.", 15),
    ("The council may have voted on the levy on Monday, officials said.", 15),
])
def test_until_monday_looks_forward_and_past_tense_looks_back(text, day):
    (c,) = [c for c in claims_of(text) if c.kind == "date"]
    assert c.date == dt.date(2025, 9, day)


def test_a_month_day_without_year_is_in_the_publication_year():
    (march,) = [c for c in claims_of("The council first debated the levy on March 3.") if c.kind == "date"]
    (later,) = [c for c in claims_of("The council will vote on the levy on October 2.") if c.kind == "date"]
    assert march.date == dt.date(2025, 3, 3) and later.date == dt.date(2025, 10, 2)


def test_money_keeps_its_scale():
    (c,) = [c for c in claims_of("The council approved $25 million for the new bridge.") if c.kind == "number"]
    assert c.value == "25000000 USD" and c.text == "$25 million"


def test_labels_never_name_a_pronoun_or_question_word():
    facts = paired("He said the vote was held on Tuesday in the town hall.",
                   "He said the vote was held on Wednesday in the town hall.")
    assert facts and all(not any(w in f.what.split() for w in ("he", "what", "it")) for f in facts)
