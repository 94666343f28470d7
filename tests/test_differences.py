"""Values that differ in the same slot: passage edits and names across articles.
Every sentence here is invented."""

import datetime as dt

import pytest

from helpers import features_of
from storylens.models import Article
from storylens.pipeline import compare_features

DAY = dt.date(2025, 9, 18)


def facts_of(*texts, date=DAY):
    articles = [Article(id=chr(97 + n), text=t, date=date) for n, t in enumerate(texts)]
    return compare_features(features_of(articles)).facts


def conflicts(facts, kind=None):
    return [f for f in facts if f.status == "conflict" and (kind is None or f.kind == kind)]


BASE = ("The harbour board voted on the new levy at its meeting in Tarnhollow. "
        "Board chairman Osric Pellam said the board would publish the full schedule of charges later. ")


def test_a_figure_changed_inside_one_copied_sentence_is_a_conflict():
    a = BASE + "The plan, which the board unveiled at a hearing, includes 19 separate fee changes for ships."
    b = BASE + "The plan, which the board unveiled at a hearing, includes 23 separate fee changes for ships."
    found = [f for f in conflicts(facts_of(a, b)) if any("19" in c.text for c in f.claims)]
    assert found and found[0].incompatible and any("23" in c.text for c in found[0].claims)
    assert "incompatible" in found[0].explanation


def test_an_edit_changing_a_value_the_extractor_does_not_keep_is_still_a_conflict():
    a = BASE + "Ships that pay the levy late will have to settle their accounts once March is over, the board said."
    b = BASE + "Ships that pay the levy late will have to settle their accounts once May is over, the board said."
    found = [f for f in conflicts(facts_of(a, b)) if {c.text for c in f.claims} == {"March", "May"}]
    assert found and found[0].incompatible and "copy-edited sentence" in found[0].explanation


def test_slot_values_compare_numbers_as_values_and_hedges_as_compatible():
    from types import SimpleNamespace as T
    from storylens.differences import compare_slot

    def toks(*words):
        return [T(lower_=w.lower(), text=w, pos_="NUM" if w[0].isdigit() else "X", is_punct=w == "-")
                for w in words]
    assert compare_slot(toks("nine", "to", "four"), toks("9", "-", "4")) is None
    assert compare_slot(toks("1.5", "million"), toks("1.6", "million")).incompatible
    hedged = compare_slot(toks("some", "16"), toks("15"))
    assert hedged is not None and hedged.incompatible is False


def test_the_same_figure_written_in_words_and_digits_is_no_conflict():
    a = BASE + "The members approved the levy by a vote of nine to four after a long debate on Friday."
    b = BASE + "The members approved the levy by a vote of 9-4 after a long debate on Friday."
    assert not [f for f in conflicts(facts_of(a, b)) if any("nine" in c.text for c in f.claims)]


def test_a_name_spelled_differently_inside_one_quotation_is_a_conflict():
    a = BASE + '"We will not let Commissioner Vardanyan decide this for the port," said Pellam.'
    b = BASE + '"We will not let Commissioner Vardanian decide this for the port," said Pellam.'
    found = conflicts(facts_of(a, b), "name")
    assert found and {c.text for c in found[0].claims} >= {"Vardanyan", "Vardanian"}
    assert found[0].incompatible is False and "spelled" in found[0].explanation


def test_an_editors_bracketed_expansion_is_no_changed_name_or_wording():
    a = BASE + '"We want a fair, open and HPA-led review of the charges," said Pellam.'
    b = BASE + '"We want a fair, open and [Harbour Port Authority]-led review of the charges," said Pellam.'
    assert not conflicts(facts_of(a, b))


def test_british_and_american_spellings_are_not_a_name_conflict():
    a = BASE + "The Harbour Users Organisation said the levy would raise costs for every small ferry operator."
    b = BASE + "The Harbour Users Organization said the levy would raise costs for every small ferry operator."
    assert not conflicts(facts_of(a, b), "name")


@pytest.mark.parametrize("x,y", [
    ("Harbour Disease Control", "Harbour Diseases Control"),   # a plural: another word, not a short first name
    ("Tarnhollow", "Tarnhollowan"),                             # the place and its people
])
def test_a_word_and_a_word_made_from_it_are_no_name_conflict(x, y):
    a = BASE + f"Officials at {x} said on Monday that the levy would fund the new clinic by the docks."
    b = BASE + f"Officials at {y} said on Monday that the levy would fund the new clinic by the docks."
    assert not conflicts(facts_of(a, b), "name")


@pytest.mark.parametrize("x,y,same_word", [
    ("democrats", "democratic", True),    # one word with two endings: two words of the story
    ("vardanyan", "vardanian", False),    # two spellings of one name
])
def test_one_word_with_two_endings_is_derived_not_misspelt(x, y, same_word):
    from storylens.differences import derived
    assert derived(x, y) == same_word


@pytest.mark.parametrize("other,slipped", [("Tarnhallow", True), ("Varnhollow", False)])
def test_a_long_name_one_letter_apart_is_one_name_slipped_only_with_its_first_letter(other, slipped):
    # sentences that share nothing: only the slip rule can pair the two names
    found = conflicts(facts_of("Drones struck a compound in Tarnhollow Province late on Friday.",
                               f"Elders from {other} buried the dead the next morning, a witness told reporters."),
                      "name")
    assert bool(found) == slipped


def test_a_weekday_and_the_month_day_it_falls_on_are_one_date():
    a = BASE + "The board approved the new harbour levy on 16 September after a long debate."
    b = BASE + "The board approved the new harbour levy on Tuesday after a long debate."
    assert not [f for f in conflicts(facts_of(a, b)) if f.what.startswith("date in")]


def test_a_place_name_spelled_differently_in_the_same_context_is_a_conflict():
    a = ("Pellam first spoke about the levy to dock workers gathered in Norwalk in March. "
         "Dock workers in Norwalk have opposed the levy for years.")
    b = ("Pellam first spoke about the levy at a 2024 meeting of dock workers in Norfolk. "
         "The workers said the levy would cost them jobs.")
    found = conflicts(facts_of(a, b), "name")
    assert found and {c.text for c in found[0].claims} == {"Norwalk", "Norfolk"}
    assert found[0].incompatible   # two letters apart: different names, not one letter slipped


@pytest.mark.parametrize("short,long", [("Joe", "Joseph"), ("Steve", "Steven")])
def test_a_short_first_name_is_the_same_person_but_still_reported(short, long):
    a = (f"The criticism grew after {short} Fenwick, editor of the Harbour Ledger, called for a recount. "
         "Fenwick said the vote was rushed.")
    b = (f"Harbour Ledger editor {long} Fenwick called for a recount of the vote. "
         "Fenwick wrote that the board rushed it.")
    found = conflicts(facts_of(a, b), "name")
    assert found and found[0].what == "first name of Fenwick"
    assert found[0].incompatible is False and "both can be right" in found[0].explanation


@pytest.mark.parametrize("x,y,words", [
    # a first name spelled two ways after other words of the name
    ("Elder Mohammad Hassan Qureshi", "Mohammad Hasan Qureshi", {"Hassan", "Hasan"}),
    # ... or before a middle name, with a title and a place before the one
    ("Councillor Shelley Moore Vantongeren", "Calder Councillor Shelly Moore Vantongeren", {"Shelley", "Shelly"}),
])
def test_a_word_of_one_name_spelled_two_ways_is_a_conflict(x, y, words):
    a = BASE + f"{x} voted against the levy, saying it would hurt the small ferry operators most."
    b = BASE + f"{y} voted against the levy, saying small ferry operators would be hurt most."
    found = conflicts(facts_of(a, b), "name")
    assert found and found[0].incompatible is False
    assert any(w in c.text for c in found[0].claims for w in words)


def test_two_relatives_both_named_in_each_article_are_no_conflict():
    a = ("Mara Quist, the board's treasurer, backed the levy, while her sister Ilse Quist opposed it. "
         "Quist said the port needed the money.")
    b = ("Ilse Quist spoke against the levy; Mara Quist, the treasurer, spoke for it. "
         "Quist said the port needed the money.")
    assert not conflicts(facts_of(a, b), "name")


def test_two_different_first_names_for_one_role_are_incompatible():
    a = ("The levy was drafted by deputy harbour master Anselm Grote, the board said. "
         "Grote declined to comment.")
    b = ("The levy was drafted by deputy harbour master Konrad Grote, the board said. "
         "Grote declined to comment.")
    found = conflicts(facts_of(a, b), "name")
    assert found and found[0].incompatible and {c.text for c in found[0].claims} >= {"Anselm", "Konrad"}


def test_one_person_under_two_exclusive_offices_is_a_conflict():
    a = "Gov. Alma Mendez of Calder signed the water bill on Monday. Mendez said the law was overdue."
    b = "Lt. Gov. Alma Mendez signed the water bill on Monday, her office said. Mendez called it overdue."
    [found] = [f for f in conflicts(facts_of(a, b), "name") if f.what.startswith("title of")]
    assert found.what == "title of Alma Mendez" and found.incompatible
    assert {c.value for c in found.claims} == {"governor", "lieutenant governor"}


def test_offices_one_person_holds_at_once_or_held_before_are_no_conflict():
    a = "Speaker Tom Halvey opened the session on Monday. Halvey said the vote would wait."
    b = "Rep. Tom Halvey opened the session on Monday. Halvey said the vote would wait a week."
    c = "Former Gov. Alma Mendez spoke on Monday. Mendez backed the bill."
    d = "Lt. Gov. Alma Mendez spoke on Monday. Mendez backed the bill."
    assert not [f for f in conflicts(facts_of(a, b)) if f.what.startswith("title of")]
    assert not [f for f in conflicts(facts_of(c, d)) if f.what.startswith("title of")]


def test_a_short_first_name_is_reported_wherever_the_two_forms_stand():
    # no surname alone, and the two mentions in unrelated sentences: the two
    # forms of one first name with one surname are one person all the same
    a = ("The harbour levy passed by two votes on Tuesday night. "
         "Among those cheering was the economist Dave Lindqvist, who had lobbied for it.")
    b = ("Economist David Lindqvist has written about ports for years. "
         "The levy vote on Tuesday was closer than expected, with two votes in it.")
    found = conflicts(facts_of(a, b), "name")
    assert [f.what for f in found] == ["first name of Lindqvist"] and found[0].incompatible is False


def test_a_middle_name_or_a_title_word_is_no_other_first_name():
    a = ("Secretary of State Maren Tollef Aske spoke at the harbour on Monday. "
         "Aske said the levy would hold.")
    b = ("State Maren Aske, the secretary, spoke at the harbour on Monday. "
         "Aske said the levy would hold.")
    assert not [f for f in conflicts(facts_of(a, b), "name") if f.what.startswith("first name")]


def test_a_title_word_after_a_name_is_part_of_it_not_a_person():
    a = ("Senior Harbour House aides briefed reporters about the levy. "
         "The Harbour House said the levy would hold.")
    b = ("Outgoing Harbour House adviser Ilse Quist told growers on Monday that nothing would change. "
         "Quist said the Harbour House stood by the levy.")
    assert not conflicts(facts_of(a, b), "name")


@pytest.mark.parametrize("office, alone, conflict", [
    ("Gen. ", " McTorvik declined to comment.", True), ("", " McTorvik declined to comment.", False),
    # no surname written alone: the one office before both names alone says they name a person
    ("Gen. ", "", True), ("", "", False)])
def test_one_office_before_two_first_names_is_one_role(office, alone, conflict):
    # unrelated sentences, no passage, no words shared near the names: only the office ties them
    a = f"The convoy reached the northern pass late in the evening under Coast Guard {office}Anselm McTorvik.{alone}"
    b = f"{office}Konrad McTorvik told reporters that the harbour would stay shut until March."
    found = [f for f in conflicts(facts_of(a, b), "name") if f.what.startswith("first name")]
    # the label writes the name as the articles do, not in title case ('Mctorvik')
    assert [(f.what, f.incompatible) for f in found] == ([("first name of McTorvik", True)] if conflict else [])


def test_an_office_is_no_first_name():
    from storylens.differences import _judge, _Mention
    from storylens.settings import FactsConfig
    # 'surly President Venn': an adjective parsed as part of the name leaves the office where the first name stands
    x = _Mention("a", 0, 19, "surly President Venn", ("surly", "president", "venn"), 0, surname_alone=True)
    y = _Mention("b", 0, 9, "Arlo Venn", ("arlo", "venn"), 0, surname_alone=True)
    assert _judge(x, y, set(x.words), set(y.words), set(), set(), FactsConfig()) is None


def test_name_facts_shortcuts_leave_out_only_pairs_that_yield_nothing(monkeypatch):
    """`name_facts` judges only the article pairs its inverted index finds and
    only the pairs of forms that can differ whatever the articles write; the
    same facts as judging every pair of articles and every pair of forms."""
    from itertools import combinations

    from storylens import differences
    from storylens.differences import name_facts
    texts = [
        BASE + "Elder Mohammad Hassan Qureshi voted against the levy. Qureshi said ferries would suffer.",
        BASE + "Mohammad Hasan Qureshi voted against the levy. Osric Pelam said it would pass.",
        "The levy was drafted by deputy harbour master Anselm Grote, the board said. Grote declined to comment.",
        "The levy was drafted by deputy harbour master Konrad Grote, the board said. Grote declined to comment.",
        "Harbour Ledger editor Joseph Fenwick called for a recount of the vote. Fenwick wrote that it was rushed.",
        "Joe Fenwick of the Harbour Ledger called for a recount in Norwalk. Dock workers in Norfolk agreed.",
        "Gov. Alma Mendez of Calder signed the water bill on Monday. Mendez said the law was overdue.",
    ]
    features = features_of([Article(id=chr(97 + n), text=t, date=DAY) for n, t in enumerate(texts)])
    passages = compare_features(features).passages
    shortcut = name_facts(features, passages)
    real_judge = differences._judge

    def judge_every_form(x, y, words_a, words_b, full_a, full_b, config):
        if not words_a and not words_b:   # the shortcut's probe: call every pair of forms viable
            return ("viable",)
        return real_judge(x, y, words_a, words_b, full_a, full_b, config)

    monkeypatch.setattr(differences, "_judge", judge_every_form)
    monkeypatch.setattr(differences, "_article_pairs", lambda features, *_: list(combinations(features, 2)))
    assert len(shortcut) >= 3 and name_facts(features, passages) == shortcut
