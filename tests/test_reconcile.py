"""Agree / conflict / unique classification, look-alikes, and the seed pair."""

import datetime as dt
import math
from pathlib import Path

import pytest

from helpers import features_of as analyze
from storylens.models import Article, Quote, QuoteMention
from storylens.facts import ClaimInfo, Interval
from storylens.reconcile import RuleChecker, _Pair, _group, _merge_retold, _rounds_to, _writes_exactly, exact_figures, find_facts

SHARED = Path(__file__).parents[1] / ".." / "shared"
DAY = dt.date(2025, 9, 18)

PAIRS = {
    "spelled": ("Twelve miners were trapped in the mine, the company said.",
                "Rescuers said 12 miners were trapped in the mine."),
    "scaled": ("The bank set aside $1.5 billion for small lenders.",
               "The bank earmarked 1,500 million dollars for small lenders."),
    "more_than": ("Police detained more than 200 people over the weekend.",
                  "Police said 212 people were detained over the weekend."),
    "points": ("The central bank raised its key rate by 75 basis points.",
               "The central bank lifted its key rate by 0.75 percentage points."),
    "clock": ("The power cut began at 9 p.m., the operator said.",
              "The power cut began at 21:00, according to the operator."),
    "counts": ("Since September 8, shelling has killed 212 civilians, according to the Karsk Medical Union.",
               "In 11 days of shelling, more than 500 civilians have been killed, the council said."),
    "district": ("The Old Mill district in northeastern Karsk fell to the army.",
                 "The army took the Old Mill district in southeastern Karsk."),
    "weekday": ("The earthquake struck the town on Tuesday.",
                "The earthquake that hit the town on Wednesday damaged the school."),
    "injured_evacuated": ("In the quake, 300 people were injured.",
                          "After the quake, 300 people were evacuated."),
    "trapped_served": ("More than 250,000 civilians are trapped in the east.",
                       "Three bakeries serve 300,000 civilians in the east."),
    "firefighters_households": ("Forty firefighters fought the blaze.",
                                "The blaze forced 40 households to leave."),
    "revision": ("The number of injured rose to nine, up from seven, doctors said.",
                 "Seven people were injured, doctors said."),
    "money_for_different_things": ("The council approved $4.5 million for the new ring road on Monday.",
                                   "The council extended a $250,000 grant to the town library on Monday."),
    "general_direction": ("Fighting raged in eastern Karsk on Monday.",
                          "The Old Mill district in southeastern Karsk fell on Monday."),
}


@pytest.fixture(scope="module")
def results():
    out = {}
    articles = {name: [Article(id="a", text=a, date=DAY), Article(id="b", text=b, date=DAY)]
                for name, (a, b) in PAIRS.items()}
    for name, pair in articles.items():
        out[name] = find_facts(analyze(pair), [], [])
    return out


def shared(facts, status):
    return [f for f in facts if f.status == status]


def texts(fact):
    return {(c.article, c.text) for c in fact.claims}


@pytest.mark.parametrize("name,a,b", [
    ("spelled", "Twelve miners", "12 miners"),
    ("scaled", "$1.5 billion", "1,500 million dollars"),
    ("points", "75 basis points", "0.75 percentage points"),
    ("clock", "9 p.m.", "21:00"),
])
def test_compatible_values_agree(results, name, a, b):
    agreements = shared(results[name], "agree")
    assert any({("a", a), ("b", b)} <= texts(f) for f in agreements), [f.explanation for f in results[name]]
    assert not shared(results[name], "conflict")


def test_counts_from_different_sources_conflict_and_show_both_sources(results):
    [conflict] = shared(results["counts"], "conflict")
    assert conflict.kind == "number" and conflict.what == "civilians killed"
    assert {c.value for c in conflict.claims} == {"212", ">500"}
    assert {c.attribution for c in conflict.claims} == {"Karsk Medical Union", "council"}
    assert "Karsk Medical Union" in conflict.explanation and "council" in conflict.explanation


def test_opposite_directions_for_one_district_conflict(results):
    [conflict] = shared(results["district"], "conflict")
    assert conflict.kind == "place"
    assert {c.value for c in conflict.claims} == {"northeast", "southeast"}


def test_different_weekdays_for_one_quake_conflict(results):
    [conflict] = shared(results["weekday"], "conflict")
    assert {c.value for c in conflict.claims} == {"2025-09-16", "2025-09-17"}


@pytest.mark.parametrize("name", ["injured_evacuated", "trapped_served", "firefighters_households",
                                  "general_direction"])
def test_look_alikes_are_not_paired(results, name):
    facts = results[name]
    assert not [f for f in facts if f.kind in ("number", "place") and f.status != "unique"], \
        [f.explanation for f in facts if f.status != "unique"]
    assert [f for f in facts if f.status == "unique"]


def test_a_bound_and_a_figure_inside_it_differ_but_are_compatible(results):
    """Issue #8: different figures are never an agreement, even where both can hold."""
    [conflict] = shared(results["more_than"], "conflict")
    assert {c.text for c in conflict.claims} == {"more than 200 people", "212 people"}
    assert conflict.incompatible is False and "could both be true" in conflict.explanation
    assert not [f for f in shared(results["more_than"], "agree") if f.kind == "number"]


def test_revision_is_a_timeline_not_an_incompatible_conflict(results):
    facts = results["revision"]
    [conflict] = [f for f in shared(facts, "conflict") if f.kind == "number"]
    assert conflict.incompatible is False and "timeline" in conflict.explanation


def test_revision_alone_is_explained_as_timeline():
    [analysis] = analyze([Article(id="a", text=PAIRS["revision"][0], date=DAY)])
    facts = find_facts([analysis, *analyze([Article(id="b", text="Doctors were on strike.", date=DAY)])], [], [])
    [fact] = [f for f in facts if f.kind == "number"]
    assert fact.status == "unique" and "not a self-contradiction" in fact.explanation


def _quote(text, speakers):
    mentions = [QuoteMention(article=art, start=0, end=len(text), text=text, speaker=s) for art, s in speakers]
    return Quote(speaker=speakers[0][1], text=text, mentions=mentions)


def _quoted(article, text, quote, speaker):
    start = text.index(quote)
    return QuoteMention(article=article, start=start, end=start + len(quote), text=quote, speaker=speaker)


def test_quote_credited_to_two_people_is_an_attribution_conflict():
    a = '"This bridge will be rebuilt," said Mayor Ana Ruell.\n\n"We asked for help," Ruell added.'
    b = '"This bridge will be rebuilt," Piotr Hale said.\n\n"We asked for help," said Mayor Ana Ruell.'
    analyses = analyze([Article(id="a", text=a, date=DAY), Article(id="b", text=b, date=DAY)])
    bridge, help_ = "This bridge will be rebuilt", "We asked for help"
    quotes = [Quote(speaker="Ana Ruell", text=bridge, mentions=[_quoted("a", a, bridge, "Mayor Ana Ruell"),
                                                               _quoted("b", b, bridge, "Piotr Hale")]),
              Quote(speaker="Ana Ruell", text=help_, mentions=[_quoted("a", a, help_, "Ana Ruell"),
                                                              _quoted("b", b, help_, "Mayor Ana Ruell")])]
    facts = find_facts(analyses, [], quotes)
    statuses = {f.what: f.status for f in facts if f.kind == "attribution"}
    assert statuses == {'speaker of "This bridge will be rebuilt"': "conflict",
                        'speaker of "We asked for help"': "agree"}
    conflict = next(f for f in facts if f.status == "conflict")
    assert "Piotr Hale" in conflict.explanation


def _one_quote_facts(a, b, quote, a_speaker, b_speaker):
    """Facts for two articles carrying `quote`, credited to the given speakers."""
    analyses = analyze([Article(id="a", text=a, date=DAY), Article(id="b", text=b, date=DAY)])
    q = Quote(speaker=a_speaker, text=quote, mentions=[_quoted("a", a, quote, a_speaker),
                                                       _quoted("b", b, quote, b_speaker)])
    return find_facts(analyses, [], [q])


def test_same_surname_different_first_names_are_different_speakers():
    facts = _one_quote_facts('"The dam will hold through the winter," said Jane Smith.',
                             '"The dam will hold through the winter," said John Smith.',
                             "The dam will hold through the winter", "Jane Smith", "John Smith")
    [fact] = [f for f in facts if f.kind == "attribution"]
    assert fact.status == "conflict"


def test_no_attribution_conflict_when_a_speaker_is_only_inferred():
    facts = _one_quote_facts('"This bridge will be rebuilt by spring," said Ana Ruell.',
                             'Critics were unconvinced.\n\n"This bridge will be rebuilt by spring," he said.',
                             "This bridge will be rebuilt by spring", "Ana Ruell", "Piotr Hale")
    assert not [f for f in facts if f.status == "conflict"]


def test_amounts_paying_for_different_things_do_not_conflict(results):
    assert not shared(results["money_for_different_things"], "conflict")


@pytest.mark.parametrize("text, a_speaker, b_speaker", [
    ("reckless gamble", "Ana Ruell", "Piotr Hale"),                       # a phrase others repeat
    ("This bridge will be rebuilt by spring", "Ana Ruell", "the mayor"),   # a description, not a name
    ("This bridge will be rebuilt by spring", "Ana Ruell", "statement"),
])
def test_no_attribution_conflict_without_two_named_speakers_of_a_real_quote(text, a_speaker, b_speaker):
    analyses = analyze([Article(id="a", text="x", date=DAY), Article(id="b", text="y", date=DAY)])
    facts = find_facts(analyses, [], [_quote(text, [("a", a_speaker), ("b", b_speaker)])])
    assert not [f for f in facts if f.kind == "attribution" and f.status == "conflict"]


def test_no_attribution_conflict_when_the_other_speaker_is_named_beside_the_quote():
    quoted = "Hale repeated what Ruell had told him: This bridge will be rebuilt by spring."
    analyses = analyze([Article(id="a", text="x", date=DAY), Article(id="b", text=quoted, date=DAY)])
    start = quoted.index("This bridge")
    mentions = [QuoteMention(article="a", start=0, end=1, text="x", speaker="Ana Ruell"),
                QuoteMention(article="b", start=start, end=len(quoted) - 1, text=quoted[start:-1], speaker="Piotr Hale")]
    quote = Quote(speaker="Ana Ruell", text="This bridge will be rebuilt by spring", mentions=mentions)
    assert not [f for f in find_facts(analyses, [], [quote]) if f.status == "conflict"]


class _AlwaysConflict(RuleChecker):
    def compare(self, a, b):
        verdict = super().compare(a, b)
        verdict.status = "conflict"
        return verdict


def test_checker_is_pluggable(results):
    pair = [Article(id="a", text=PAIRS["spelled"][0], date=DAY), Article(id="b", text=PAIRS["spelled"][1], date=DAY)]
    facts = find_facts(analyze(pair), [], [], checker=_AlwaysConflict())
    assert shared(facts, "conflict")


# --- the seed pair ------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_facts():
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if len(seeds) < 2:
        pytest.skip("seed articles not available in ../shared/seeds")
    from storylens.align import align
    from storylens.quotes import match_quotes
    articles = [Article(id=i, text=p.read_text(), date=dt.date(2016, 11, 26)) for i, p in zip("ab", seeds)]
    analyses = analyze(articles)
    return find_facts(analyses, align(analyses), match_quotes(analyses))


def test_seed_has_exactly_its_two_conflicts(seed_facts):
    conflicts = shared(seed_facts, "conflict")
    assert len(conflicts) == 2, [f.explanation for f in conflicts]
    counts = next(f for f in conflicts if f.kind == "number")
    assert {(c.article, c.value) for c in counts.claims} == {("a", "212"), ("b", ">500")}
    sources = {c.article: c.attribution for c in counts.claims}
    assert "Syrian Observatory" in sources["a"] and sources["b"] is None
    assert "since November 15" in counts.explanation and "in 12 days" in counts.explanation
    place = next(f for f in conflicts if f.kind == "place")
    assert {(c.article, c.value) for c in place.claims} == {("a", "northeast"), ("b", "southeast")}
    assert "masaken hanano" in place.what.lower()


def test_seed_shared_figures_agree(seed_facts):
    agreed = [{c.value for c in f.claims} for f in shared(seed_facts, "agree")]
    for values in ({">250000"}, {"2012"}, {"12 day"}, {"2016-11-26"}, {"south edge"}):
        assert values in agreed, agreed


def test_seed_look_alikes_stay_apart(seed_facts):
    for f in seed_facts:
        values = {c.value for c in f.claims}
        assert not ({">250000", "300000"} <= values)
    families = next(f for f in seed_facts if any("southeastern" in c.text for c in f.claims)
                    and f.status == "unique")
    assert families.claims[0].article == "b"


# --- issue #8: invented cases for each error class ------------------------------------

from storylens.models import QuoteMention as _QM  # noqa: E402
from storylens.reconcile import compare_wording, _wording_facts  # noqa: E402
from storylens.settings import FactsConfig  # noqa: E402


def _pair_facts(a, b, day=DAY, **config):
    arts = [Article(id="a", text=a, date=day), Article(id="b", text=b, date=day)]
    return find_facts(analyze(arts), [], [], settings=FactsConfig(**config))


def test_two_lower_bounds_that_differ_are_a_compatible_conflict():
    facts = _pair_facts("At least 48 people were killed in the flood, officials said.",
                        "At least 61 people were killed in the flood, officials said.")
    [conflict] = shared(facts, "conflict")
    assert conflict.incompatible is False and "lower bounds" in conflict.explanation
    assert not [f for f in shared(facts, "agree") if f.kind == "number"]


def test_amounts_for_one_approval_in_one_session_conflict():
    facts = _pair_facts("The Fenwick council approved a $4.52 billion budget for the next year early Thursday.",
                        "The Fenwick council approved a $4.6 billion budget for the next year on Wednesday night.")
    [conflict] = [f for f in shared(facts, "conflict") if f.kind == "number"]
    assert conflict.incompatible is True


def test_bare_weekdays_are_not_listed_unless_asked():
    text_a = "The mayor spoke on Friday about the weather."
    text_b = "Rain fell across the valley."
    assert not [f for f in _pair_facts(text_a, text_b) if f.status == "unique" and f.kind == "date"]
    shown = _pair_facts(text_a, text_b, show_bare_uniques=True)
    assert [f for f in shown if f.status == "unique" and f.kind == "date"]


def test_a_lone_figure_of_a_vague_noun_is_not_listed_unless_asked():
    text_a = "That is the one thing you never do in a campaign, the senator said."
    text_b = "Rain fell across the valley."
    assert not [f for f in _pair_facts(text_a, text_b) if f.status == "unique" and f.kind == "number"]
    shown = _pair_facts(text_a, text_b, show_bare_uniques=True)
    assert [f for f in shown if f.status == "unique" and f.kind == "number"]


def test_a_lone_figure_that_counts_nothing_named_is_not_listed_unless_asked():
    text_a = ("The council imposed a curfew in the harbour and split the Dunmore district into two "
              "with steel barriers, a move criticised by traders.")
    text_b = "Rain fell across the valley."
    assert not [f for f in _pair_facts(text_a, text_b) if f.status == "unique" and f.kind == "number"]
    shown = _pair_facts(text_a, text_b, show_bare_uniques=True)
    assert [f.what for f in shown if f.status == "unique" and f.kind == "number"] == ["figure"]


def test_an_edge_of_something_that_is_no_place_is_no_location():
    text_a = ("The senator said the party stood on the wrong side of history. "
              "Crowds gathered on the outskirts of the city on Monday.")
    places = [f for f in _pair_facts(text_a, "Rain fell across the valley.", show_bare_uniques=True)
              if f.kind == "place"]
    assert [c.text for f in places for c in f.claims] == ["the outskirts of the city"]


def test_one_weekday_in_articles_published_a_week_apart_is_one_day():
    text = "Voters in Calder go to the polls on Thursday to elect a new harbour board, officials said."
    arts = [Article(id="a", text=text, date=DAY), Article(id="b", text=text, date=DAY + dt.timedelta(days=7))]
    facts = find_facts(analyze(arts), [], [])
    assert not [f for f in facts if f.status == "conflict" and f.kind == "date"]
    assert [f for f in facts if f.status == "agree" and f.kind == "date"]


@pytest.mark.parametrize("space", [" ", "\u00a0"])
def test_the_day_of_one_letter_said_before_the_noun_conflicts(space):
    # 'a Tuesday letter' dates the letter as 'wrote a letter on Wednesday' does; the words
    # around the two days are counted as words, whatever space stands between them
    facts = _pair_facts("Two senators wrote a letter to port director Osric Pellam on Wednesday, asking him for the accounts.",
                        f"In a Tuesday{space}letter{space}to{space}port director Osric Pellam, two senators asked for the accounts.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "date"]
    assert {c.text for c in conflict.claims} == {"Wednesday", "Tuesday"} and conflict.incompatible
    assert conflict.what == "date of the letter"


@pytest.mark.parametrize("a,b,value", [
    # the same day as a date and as a weekday, said of two different things
    ("The harbour board approved the new levy on September 17, the chairman said.",
     "Ferry owners protested outside the harbour board's office on Wednesday.", "September 17"),
    # the same clock time, said of two different things
    ("The harbour board approved the new levy at 11:30 p.m. after a long debate.",
     "Ferry owners blocked the quay until 11:30 p.m., when police moved them on.", "11:30 p.m."),
])
def test_a_day_or_time_another_article_gives_is_not_unique_whatever_happened_then(a, b, value):
    facts = _pair_facts(a, b)
    assert not [f for f in facts if f.status == "unique" and any(value in c.text for c in f.claims)]


def test_unique_is_not_listed_when_another_article_states_the_value():
    facts = _pair_facts("Rescuers pulled 17 miners from the shaft, the company said.",
                        "In all, 17 miners were pulled out by rescuers after a long night underground.")
    assert not [f for f in facts if f.status == "unique" and any("17" in c.text for c in f.claims)]


@pytest.mark.parametrize("x,y,changed,dropped", [
    ("We will rebuild every school in this valley by spring", "We will rebuild every school in the valley by spring",
     True, False),
    ("We will rebuild every school in this valley by spring", "We will rebuild every school in this valley", False, False),
    ("We will rebuild, I promise you, every school in this valley", "We will rebuild every school in this valley",
     False, True),
    ("It's the best harbour on the whole coast", "It is the best harbour on the whole coast", False, False),
    ("the ferries will run to the island by June", "the ferries will run of the island by June", True, False),
])
def test_quote_wording(x, y, changed, dropped):
    diff = compare_wording(x, y)
    assert diff is not None
    assert bool(diff.changed) == changed and bool(diff.dropped) == dropped


@pytest.mark.parametrize("x,y,changed,dropped", [
    # a short quotation against the longer one it comes from: its first word replaces one there
    ("the town should tend its harbours", "tend its harbours", False, False),
    ("the town should guard, not plunder, its harbours", "guard its harbours", False, True),
    ("we were told to keep the harbours rather than sell its harbours", "husband its harbours", True, False),
    ("a seat at the table", "dress for the office, not a seat at a table", True, False),
    # a word that is no stop word, a few words past the rest in one version only
    ("I know you are under a lot of pressure to win back votes", "I know you are under pressure", False, True),
    # a stop word beside the rest in one version, one inserted word from it in the other
    ("What the devil were they thinking at the harbour board?",
     "I was stunned. What in the devil were they thinking at the harbour board?", False, True),
    # one version quotes a long passage before the other's; the stretch both quote is long
    ("The vote went late into the night. After hours of talks with the growers and the unions, "
     "we can see much more clearly how the levy will land. We pledge to review it",
     "After hours of talks with the growers and the unions, we can see much more clearly just how "
     "the levy will land. Please know we heard every one of you tonight and we thank you. We pledge to review it",
     False, True),
])
def test_quote_wording_short_and_long_versions(x, y, changed, dropped):
    diff = compare_wording(x, y)
    assert diff is not None
    assert bool(diff.changed) == changed and bool(diff.dropped) == dropped


@pytest.mark.parametrize("x,y", [
    # a '...' marks the cut: the words it stands for are not left out silently
    ("the board promises any levy, charge, fee, toll or other payment to any shipper",
     "the board promises any levy, charge ... toll ... to any shipper"),
    # an initialism with and without its dots
    ("a decorated F.B.I. special agent and a harbour pilot", "a decorated FBI special agent and a harbour pilot"),
    # a stop word alike where the two go on differently is where two statements part, not a changed word
    ("board decided a new harbour levy is not in the best interest ...",
     "The chairman said the board decided a new harbour levy is not warranted for the first ships to dock this year"),
])
def test_quote_wording_that_is_no_difference(x, y):
    diff = compare_wording(x, y)
    assert diff is not None and not diff.differs


def test_short_quotations_from_two_named_speakers_are_two_statements():
    same = [_QM(article="a", start=0, end=10, text="husband its harbours", speaker="Ilse Quist"),
            _QM(article="b", start=0, end=10, text="we must steward its harbours, not sell them", speaker="Quist")]
    [fact] = _wording_facts(same, FactsConfig())
    assert fact.incompatible is True
    two = [_QM(article="a", start=0, end=10, text="husband its harbours", speaker="Ilse Quist"),
           _QM(article="b", start=0, end=10, text="we must steward its harbours, not sell them", speaker="Osric Pellam")]
    assert _wording_facts(two, FactsConfig()) == []


def test_quote_wording_fact_marks_changed_words_incompatible_and_trims_not():
    changed = [_QM(article="a", start=0, end=10, text="We will rebuild every school in this valley by spring", speaker="Mayor Oda"),
               _QM(article="b", start=5, end=20, text="We will rebuild every school in the valley by spring", speaker="Oda")]
    [fact] = _wording_facts(changed, FactsConfig())
    assert fact.kind == "quote" and fact.status == "conflict" and fact.incompatible is True
    assert {c.article for c in fact.claims} == {"a", "b"}
    trimmed = [_QM(article="a", start=0, end=10, text="We will rebuild, I promise you, every school in this valley", speaker="Oda"),
               _QM(article="b", start=5, end=20, text="We will rebuild every school in this valley", speaker="Oda")]
    [fact] = _wording_facts(trimmed, FactsConfig())
    assert fact.incompatible is False and "trimmed" in fact.explanation
    extent = [_QM(article="a", start=0, end=10, text="We will rebuild every school in this valley by spring", speaker="Oda"),
              _QM(article="b", start=5, end=20, text="We will rebuild every school in this valley", speaker="Oda")]
    assert _wording_facts(extent, FactsConfig()) == []


# --- issue #8, round 3: sole figures, relative dates, meetings, uniques, labels, speakers ---

from storylens.pipeline import compare_features  # noqa: E402


def _story(*texts, day=dt.date(2018, 6, 20)):
    arts = [Article(id=chr(97 + n), outlet=f"Outlet {n}", text=t, date=day) for n, t in enumerate(texts)]
    return compare_features(analyze(arts)).facts


def test_the_sole_figure_of_a_thing_in_each_article_pairs_whatever_the_verb():
    facts = _story("The White House plan lays out 19 executive actions on guns, aides said.",
                   "The president's package includes 23 executive actions that take effect at once.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.incompatible is True and conflict.what == "actions"
    assert {c.value for c in conflict.claims} == {"19", "23"}


@pytest.mark.parametrize("second", ["The count for the month before was 4,250.",
                                    "The tally for the month before was revised up to 4,250."])
def test_a_figure_two_articles_state_but_no_rule_pairs_is_shown_once(second):
    # the forecast's conflict is dropped (the second article also writes 4,250), and each
    # 4,250 would hide the other as 'stated elsewhere': the story had no facts at all
    facts = _story("Applications for housing grants in Pellow reached 4,250, the council said on Tuesday.",
                   "Planners had expected that applications for housing grants in Pellow would reach 3,900. "
                   + second)
    [shared] = [f for f in facts if f.kind == "number" and f.status != "unique"]
    assert shared.status == "agree" and [c.article for c in shared.claims] == ["a", "b"]
    assert all("4,250" in c.text for c in shared.claims)


@pytest.mark.parametrize("a, b, values", [
    # the one length in hours each article gives: a bound and a hedge that differ
    ("The blackout at the Norvale port lasted nearly nine hours, the operator said on Monday.",
     "For more than eight hours on Monday, cranes at the Norvale port stood idle.", {"[8.1,9] hour", ">8 hour"}),
    # ... and one article's second length in the unit leaves which is the counterpart open
    ("The blackout at the Norvale port lasted nearly nine hours, the operator said on Monday.",
     "For more than eight hours on Monday, cranes at the Norvale port stood idle, "
     "and ships waited six hours to dock.", None),
    # a threshold in years is a line, not a length
    ("The Norvale pension rises for residents 65 years and older, the council said.",
     "Pensioners in Norvale say their payments have not risen in more than 50 years.", None),
])
def test_the_sole_length_in_a_unit_in_each_article_pairs(a, b, values):
    conflicts = [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]
    if values is None:
        assert not conflicts
    else:
        [conflict] = conflicts
        assert conflict.incompatible is False and {c.value for c in conflict.claims} == values


def test_sole_figures_far_apart_do_not_pair():
    facts = _story("The White House plan lays out 19 executive actions on guns, aides said.",
                   "The president's package includes 60 executive actions that take effect at once.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]


def test_sole_figures_of_two_outcomes_do_not_pair():
    facts = _story("More than 250,000 civilians are trapped in the east.",
                   "Three bakeries serve 300,000 civilians in the east.")
    assert not [f for f in facts if f.status != "unique" and f.kind == "number"]


def test_the_one_amount_cut_in_each_article_pairs():
    facts = _story("The council approved the budget, cutting $14 million from the police department.",
                   "The budget trims $12 million from the police department and adds staff to parks.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.what == "amount cut" and conflict.incompatible is True


def test_a_year_against_earlier_this_year_is_a_date_conflict():
    facts = _story("Councillor Dana Ruiz repaid the campaign loan in 2017, records show.",
                   "Councillor Dana Ruiz repaid the campaign loan earlier this year, according to records.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "date"]
    assert {c.value for c in conflict.claims} == {"2017", "2018"} and conflict.what == "date of the repayment"


def test_this_year_against_the_same_year_agrees():
    facts = _story("Councillor Dana Ruiz repaid the campaign loan in 2018, records show.",
                   "Councillor Dana Ruiz repaid the campaign loan earlier this year, according to records.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "date"]


def test_dates_of_one_meeting_conflict_whatever_the_verb():
    facts = _story("The bank's next policy meeting is scheduled for June 11, officials said.",
                   "Markets now look to the next policy meeting, which is set for June 12.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "date"]
    assert conflict.what == "date of the meeting"


def test_terms_in_different_offices_are_not_paired():
    facts = _story("Alma Mendez, who is running for the Senate, served two terms as governor of Calder.",
                   "Alma Mendez, who is running for the Senate, served one term as lieutenant governor of Calder.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]


def test_a_hedged_time_that_fits_is_no_conflict():
    facts = _story("The blaze started at about 5:40 p.m. in the north stand.",
                   "The fire began shortly before 6 p.m. in the north stand.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "date"]


def test_a_figure_stated_in_other_words_is_not_unique():
    facts = _story("The referee halted play in the 71st minute as smoke filled the ground.",
                   "The match was abandoned in the 71st minute after the flare.")
    assert not [f for f in facts if f.status == "unique" and any("71st" in c.text for c in f.claims)]


def test_labels_are_noun_phrases_not_agents():
    facts = _story("A rioter was arrested on Tuesday near the courthouse in Varden, police said.",
                   "Police said the rioter was arrested on Tuesday at the courthouse in Varden.")
    labels = {f.what for f in facts}
    assert not [w for w in labels if "rioter" in w and w.startswith("date")]
    assert "date of the arrests" in labels or "date of the event" in labels


def test_a_figure_is_labelled_by_the_noun_an_article_counts_it_in():
    facts = _story("Payrolls in Norvale rose by 235,000 in August, the statistics office said on Friday.",
                   "Norvale employers added 235,000 jobs in August, the statistics office said on Friday.")
    assert [f.what for f in facts if f.kind == "number" and f.status == "agree"] == ["jobs"]


def test_a_speaker_conflict_points_at_the_names():
    words = "It is a miracle that nobody was killed in the stand"
    a = f'"{words}," Fire Chief Aldo Brandt told reporters at the scene on Saturday evening.'
    b = f'"{words}," Deputy Fire Chief Miriam Kovac said on Sunday morning outside the ground.'
    arts = [Article(id="a", outlet="The Post", text=a, date=DAY), Article(id="b", outlet="The Observer", text=b, date=DAY)]
    features = analyze(arts)
    quote = Quote(speaker="Aldo Brandt", text=words, mentions=[
        QuoteMention(article="a", start=1, end=1 + len(words), text=words, speaker="Aldo Brandt"),
        QuoteMention(article="b", start=1, end=1 + len(words), text=words, speaker="Miriam Kovac")])
    facts = find_facts(features, [], [quote])
    [conflict] = [f for f in facts if f.kind == "attribution" and f.status == "conflict"]
    assert {c.text for c in conflict.claims} >= {"Aldo Brandt", "Miriam Kovac"}


def test_quote_wording_changed_near_the_end_is_found():
    diff = compare_wording("Raising rates now risks choking a recovery that has barely begun",
                           "Raising rates now risks strangling a recovery that has only just begun")
    assert diff is not None and ("choking", "strangling") in diff.changed and ("barely", "only just") in diff.changed


def test_a_long_cut_alone_is_no_wording_conflict_but_a_changed_word_beside_it_is():
    long = ("We did not come to this valley to take from it what we could carry off the water is there to be shared "
            "and used with care by every farm along the river but nobody here owns the river and the river does not "
            "wait for anyone")
    cut = "We did not come to this valley to take from it what we could carry but nobody here owns the river and the river does not wait for anyone"
    changed = "We did not come to this valley to take from it what we could carry but nobody here owns the river and that does not wait for anyone"
    assert compare_wording(long, cut) is not None and not compare_wording(long, cut).differs
    assert compare_wording(long, changed).differs


def test_a_quote_one_outlet_splits_in_two_is_compared_with_each_part():
    whole = _QM(article="a", start=0, end=100, speaker="Dana Ruiz",
                text="Our crews found out something very hard about this coast in the winter I spent keeping the lighthouse. "
                     "Whatever we decide about the harbour wall, we owe the fishing families a straight answer")
    first = _QM(article="b", start=0, end=60, speaker="Dana Ruiz",
                text="Our crews found out something hard about this coast in the winter I spent keeping the lighthouse")
    second = _QM(article="b", start=200, end=260, speaker="Dana Ruiz",
                 text="Whatever we decide about the harbour wall, we owe the fishing families a straight answer")
    [fact] = _wording_facts([whole, first, second], FactsConfig())
    assert {c.start for c in fact.claims if c.article == "b"} == {0} and "very" in fact.explanation


def test_a_vote_split_is_one_value_and_another_split_contradicts_it():
    facts = _story("The policy committee voted seven to two for the increase, the bank said.",
                   "The bank's policy committee split 6-3 on the decision.",
                   "The policy committee voted 7-2 for the move.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.what == "split of the vote" and conflict.incompatible
    assert sorted(c.value for c in conflict.claims) == ["6-3", "7-2", "7-2"]


def test_a_date_on_an_event_noun_is_the_date_of_that_event():
    facts = _story("The east stand was renovated in 2019 at a cost of $38 million, the club said.",
                   "A new barrier was installed during the stand's renovation in 2021, the club said.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "date"]
    assert {c.value for c in conflict.claims} == {"2019", "2021"} and conflict.what == "date of the renovation"


# --- issue #8, round 4: figures that name their quantity another way ---

def test_a_sole_figure_pairs_when_the_article_also_counts_the_thing_far_below():
    # 'on behalf of' names no purpose; '544 women' is far from 1.5 million, so 1.6 million is the one near figure
    facts = _story("The lawsuit covers 1.5 million women who worked at the chain.",
                   "The court may block a lawsuit on behalf of up to 1.6 million women. "
                   "Lawyers named at least 544 women as managers.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.incompatible is False
    assert {c.text for c in conflict.claims} == {"1.5 million women", "up to 1.6 million women"}


def test_two_near_figures_in_one_article_are_not_the_sole_figure():
    facts = _story("The lawsuit covers 1.5 million women who worked at the chain.",
                   "The court may block a lawsuit on behalf of 1.6 million women. "
                   "Another suit names 1.4 million women.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]


def test_an_amount_named_as_a_cost_pairs_with_a_cost():
    facts = _story("According to Lena Hartwig at the Corvell Ledger, $2.3 million is the estimated cost of the "
                   "council's plans to repaint the old tram depot by hand.",
                   "Yet for everyone who called the repainting a vanity project, the Corvell Ledger newspaper among "
                   "them, a paper that estimated it as costing more than $2 million, residents argued the depot "
                   "deserved it.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.incompatible is False


def test_money_taken_out_of_a_programme_is_a_cut():
    facts = _story("Just when families need it most, Governor Asha Moreno has cut $412 million from the school meals fund.",
                   "While the governor's office has pointed to the opposition's own budget, her rivals have answered "
                   "by noting that Moreno took more than $400 million out of the school meals fund as part of her tax "
                   "overhaul.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert {c.text for c in conflict.claims} == {"$412 million", "more than $400 million"}


def test_a_hyphenated_number_word_is_one_number():
    facts = _story("Forty-eight people were killed in the blast, officials said.", "The blast killed 47 people.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert {c.text for c in conflict.claims} == {"Forty-eight people", "47 people"}
    assert not [f for f in facts if f.status == "unique" and f.kind == "number"]


@pytest.mark.parametrize("a, b, values", [
    ("The bill passed the House 232-190 on Thursday.",
     "The House approved the bill by a vote of 230 to 192 on Thursday.", {"232-190", "230-192"}),
    # the hyphenated split: 'the 220-to-190 vote'
    ("The 220-to-190 party-line vote sent the bill to the Senate on Thursday.",
     "The House passed the bill 222-190 on Thursday.", {"220-190", "222-190"}),
])
def test_a_split_with_a_chamber_verb_is_a_vote(a, b, values):
    [conflict] = [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]
    assert conflict.what == "split of the vote" and {c.value for c in conflict.claims} == values


@pytest.mark.parametrize("a, b", [
    ("The flu caused 48 deaths in the state this winter.", "The flu killed 47 people in the state this winter."),
    ("Border agents made roughly 520,000 arrests in 2018.", "Border agents arrested 400,000 people in 2018."),
    ("The attack left 12 dead and 30 wounded.", "Eleven people died and 30 were injured in the attack."),
])
def test_people_counted_by_what_happened_to_them(a, b):
    facts = _story(a, b)
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.what in ("people killed", "people detained")


def test_outcome_counts_of_different_outcomes_do_not_pair():
    facts = _story("The flu caused 48 deaths in the state this winter.",
                   "Hospitals across the region treated 47 people with severe symptoms, officials said.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]


def test_a_share_of_people_counts_those_people():
    facts = _story("The poll found 45 percent of voters support the plan.",
                   "Forty-seven percent of voters back the plan, the poll found.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert conflict.what == "share of voters"
    assert {c.text for c in conflict.claims} == {"45 percent", "Forty-seven percent"}


def test_figures_an_article_writes_side_by_side_do_not_conflict():
    # the second article writes both counts: they are of two nights, not one count told two ways
    facts = _story("Police in Tarnhollow made 31 arrests overnight as the harbour protests went on.",
                   "The police chief said there were nine arrests on Wednesday, compared with 31 the night before.")
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]
    facts = _story("Police in Tarnhollow made 31 arrests overnight as the harbour protests went on.",
                   "The police chief said there were nine arrests overnight as the harbour protests went on.")
    assert [f for f in facts if f.status == "conflict" and f.kind == "number"]


@pytest.mark.parametrize("text, writes", [
    # the article writes 500 million doses exactly: its 300 million doses are another quantity
    ("Velmar is purchasing 500 million doses of the vaccine. It will ship 300 million doses next year.", True),
    # roughly 500 million may be another article's figure rounded: no telling them apart
    ("Velmar is purchasing roughly 500 million doses of the vaccine. It will ship 300 million doses next year.", False),
])
def test_an_article_writing_the_other_figure_exactly_tells_them_apart(text, writes):
    claims = [c for f in analyze([Article(id="b", text=text, date=dt.date(2018, 6, 20))]) for c in f.claims]
    [shipped] = [c for c in claims if c.text.startswith("300")]
    assert _writes_exactly(exact_figures(claims), shipped, 500_000_000) is writes


def test_the_one_day_each_article_gives_an_act_conflicts_though_one_names_no_doer():
    a = ("A harbour board clerk on Friday apologized for a Facebook post mocking the growers, "
         "saying she had written it in anger.")
    b = ("Growers staged a protest at the quay over the remarks, and the clerk had to apologize Saturday "
         "for the Facebook post.")
    found = [f for f in _story(a, b, day=dt.date(2018, 6, 24)) if f.status == "conflict" and f.kind == "date"]
    assert found and {c.text for c in found[0].claims} == {"Friday", "Saturday"}


def test_close_amounts_said_of_the_same_purchase_conflict_whatever_the_verb():
    a = ("Court papers list what the councillor bought with the harbour fund, including a $21,000 Brannock "
         "wristwatch and fur coats.")
    b = ("Among the items was a $21,450 gold-plated Brannock wristwatch, prosecutors said, along with "
         "a sailing dinghy.")
    found = [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]
    assert found and {c.text for c in found[0].claims} == {"$21,000", "$21,450"}
    # far apart, the amounts pay for different things
    b_far = b.replace("$21,450", "$31,450")
    assert not [f for f in _story(a, b_far) if f.status == "conflict" and f.kind == "number"]


def test_a_unique_figure_is_explained_in_words_not_with_a_raw_verb():
    a = ("The ministry will send 3,000 more troops to the border, officials said. "
         "The poll put support for the plan at about 64 percent, the statement said.")
    b = "Officials met at the border on Monday to discuss the crisis."
    explanations = [f.explanation for f in _story(a, b) if f.status == "unique"]
    assert "Only Outlet 0 reports 3,000 more troops (officials)." in explanations
    assert not any(" send " in e or " put " in e for e in explanations)


# a figure stated with a linking verb still counts what it names; 'the number' names nothing
@pytest.mark.parametrize("a, unique", [
    ("About 300 families are without power in Norvale after the storm.", True),
    ("The number is 300 in Norvale after the storm.", False),
])
def test_a_figure_stated_with_a_linking_verb_is_reported_by_one_outlet(a, unique):
    b = "Crews worked through the night in Norvale after the storm."
    found = [f for f in _story(a, b) if f.status == "unique" and f.kind == "number"]
    assert bool(found) is unique


# One figure told two ways under different nouns (or none): paired by the
# figure, its size and the words around it; a conflict that says whether both
# could hold, never an agreement.
@pytest.mark.parametrize("a, b, incompatible, why", [
    ("Organisers of the recall drive against Governor Vell gathered roughly 1.5 million signatures, "
     "officials said on Monday.",
     "To force the recall of Governor Vell, 1,495,709 were needed, the state's election office said on Monday.",
     False, "rounding"),
    ("Agents made more than 178,000 arrests at the southern border in June, officials said.",
     "More than 188,000 migrants were stopped at the southern border in June, officials said.",
     False, "two lower bounds"),
    ("The Senate on Tuesday advanced the $1.2 trillion infrastructure bill for roads and bridges.",
     "Senators voted on Tuesday to start debate on the nearly $1 trillion infrastructure bill.",
     True, "incompatible"),
    # 331 million is 331.5 million cut to fewer digits: different, not incompatible
    ("The census counted 331.5 million residents in the country.",
     "The country's population topped 331 million people, according to the census.",
     False, "rounded"),
    # ... and a past year only one sentence names tells no other time
    ("The 2010 census counted 308.7 million residents in the country.",
     "The country's population topped 308 million people, according to the census.",
     False, "rounded"),
    # a precise amount and its rounding pair in unlike words, whatever each is 'to' do
    ("The trust will promptly release $54.6 million of funding for the Dunmere hospices.",
     "Officials committed $55 million to halt the closures, a trust spokeswoman said.",
     False, "rounded"),
])
def test_one_figure_under_two_nouns_is_a_conflict(a, b, incompatible, why):
    [conflict] = [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]
    assert conflict.incompatible is incompatible and why in conflict.explanation
    assert not [f for f in _story(a, b) if f.status == "agree" and f.kind == "number"]


@pytest.mark.parametrize("a, b", [
    # the article that writes $1.2 trillion also writes the other's $1.5 trillion: two amounts
    ("The Senate on Tuesday advanced the $1.2 trillion infrastructure bill, while the House weighs a "
     "$1.5 trillion plan.",
     "Senators voted on Tuesday to start debate on the $1.5 trillion spending package."),
    # an earlier flood's count is not this week's
    ("In 2016, more than 1.2 million people fled the floods along the Varna river.",
     "Officials said 1.25 million residents fled the floods along the Varna river this week."),
    # 1.6 million is nearest 1.5 million, but 1.35 million is nearly as near: no telling which
    ("The lawsuit covers 1.5 million workers at the chain, lawyers said.",
     "The court may block a lawsuit by 1.6 million women at the chain. "
     "Another suit filed by the union counts 1.35 million shoppers."),
    # the second article writes 318,000 too, of the week before: its 296,000 is another figure
    ("First-time claims for jobless aid in Dunmere came to 318,000, the labour office said on Thursday.",
     "Forecasters had expected first-time claims for jobless aid in Dunmere to come to 296,000. "
     "The level for the week before was revised up to 318,000."),
    # a share of children is not a share of families
    ("The Treasury said on Monday that 88% of children will get the monthly payments starting in July.",
     "The Treasury said on Monday that about 90 percent of families will get the monthly payments starting in July."),
    # 105 million rounds to 100 million, but a rounding that loose in unlike words may be another figure
    ("Over 105 million residents of Norvale are now fully vaccinated, officials said.",
     "The plan means about 100 million more shots across the next two months."),
    # small counts recur by chance: 50 votes to pass are not 60 to end a filibuster
    ("The measure needs 50 votes in the Senate to pass.",
     "Sixty votes would be needed to break a filibuster in the Senate."),
    # a hyphenated count names another thing: a minority of 50 seats, a threshold of 60 votes
    ("The opposition stalled the tariff bill, the first such blockade this session by the Assembly's 50-vote minority.",
     "Most opposition members declined to support the bill, denying the governing bloc the 60-vote threshold it needed to open debate."),
])
def test_near_figures_that_are_two_quantities_do_not_conflict(a, b):
    assert not [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]


def test_one_precise_figure_in_unlike_words_agrees():
    [agree] = [f for f in _story("The agency counted 188,829 border crossers last month.",
                                 "Officials reported that 188,829 migrants were encountered, a new high.")
               if f.status == "agree" and f.kind == "number"]
    assert {c.text for c in agree.claims} == {"188,829 border crossers", "188,829 migrants"}



@pytest.mark.parametrize("fine, coarse, rounds", [
    (138.7e6, 139e6, True),     # rounded
    (138.7e6, 138e6, True),     # cut
    (46.7, 47, True),
    (212_672, 200_000, True),
    (331.5e6, 331e6, True),
    (138e6, 139e6, False),      # as precise as each other: two figures
    (25, 20, False),            # 25 rounds to 30, not 20
    (600_000, 600_000, False),  # one figure, not a rounding
])
def test_a_figure_written_to_fewer_digits_rounds_the_precise_one(fine, coarse, rounds):
    assert _rounds_to(fine, coarse) is rounds


@pytest.mark.parametrize("a, b, incompatible", [
    # a round count may stand for more than itself: different, not incompatible
    ("More than 600,000 people have died of the fever in Norvale, officials said.",
     "Officials said 600,000 people have died of the fever in Norvale.", False),
    # a share written to fewer digits
    ("The turnout in the Norvale by-election reached 46.7 percent, officials said.",
     "The turnout in the Norvale by-election reached 47 percent, officials said.", False),
    # small counts are written exactly: 28 killed and more than 28 cannot both hold
    ("Officials said 28 people were killed in the Norvale flood.",
     "More than 28 people were killed in the Norvale flood, officials said.", True),
    # one threshold worded two ways: 'over 70' leaves 70 out, '70 and older' takes it in
    ("The council made the Norvale ferry pass free for residents over the age of 70 on Monday.",
     "The council on Monday made the Norvale ferry pass free for residents 70 and older.", False),
])
def test_a_rounded_figure_differs_without_contradicting(a, b, incompatible):
    [conflict] = [f for f in _story(a, b) if f.status == "conflict" and f.kind == "number"]
    assert conflict.incompatible is incompatible


@pytest.mark.parametrize("a, b", [
    # 'under 18' and '18 and older' draw one line from either side
    ("The council on Monday barred residents under the age of 18 from the Norvale casino.",
     "The council on Monday opened the Norvale casino to residents 18 and older."),
    # two bounds on a count that could both hold are no threshold: 'at least' and 'more than' agree
    ("At least 400 people were evacuated from Norvale on Monday, officials said.",
     "More than 400 people were evacuated from Norvale on Monday, officials said."),
])
def test_one_line_drawn_from_either_side_is_no_conflict(a, b):
    facts = _story(a, b)
    assert not [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert [f for f in facts if f.status == "agree" and f.kind == "number"]


def test_a_figure_paired_with_one_of_two_agreeing_articles_joins_both_as_a_conflict():
    facts = _story("The Assembly passed a $2 billion cross-party flood defence plan on Wednesday.",
                   "Assembly members on Wednesday passed the $2 billion bill, 71 to 28, after months of haggling.",
                   "A far-reaching, $2.3 billion cross-party flood defence package sailed through the Assembly.")
    [conflict] = [f for f in facts if f.status == "conflict" and f.kind == "number"]
    assert sorted(c.text for c in conflict.claims) == ["$2 billion", "$2 billion", "$2.3 billion"]


# ... and 'roughly 1 trillion' states the figure '1 trillion' does, under a hedge
@pytest.mark.parametrize("hedge", ["", "roughly "])
@pytest.mark.parametrize("order", ["agreement first", "conflict first"])
def test_two_articles_giving_one_figure_group_as_one_whatever_the_pair_order(order, hedge):
    def claim(article, value, interval=None):
        return ClaimInfo(kind="number", article=article, start=0, end=5, text=value, value=value, sentence=0,
                         interval=interval)
    a = claim("a", "1 trillion", Interval(1e12, 1e12))
    b = claim("b", hedge + "1 trillion", Interval(0.9e12, 1.1e12) if hedge else Interval(1e12, 1e12))
    c = claim("c", "1.2 trillion", Interval(1.2e12, 1.2e12))
    agree, conflict = _Pair(a, b, 3.0, True, True, 0.9), _Pair(a, c, 2.0, True, False, 0.6)
    pairs = [agree, conflict] if order == "agreement first" else [conflict, agree]
    assert [sorted(x.article for x in g) for g in _group([a, b, c], pairs)] == [["a", "b", "c"]]
    # two different figures each paired with one side are no such twin
    d = claim("d", "0.9 trillion", Interval(0.9e12, 0.9e12))
    assert [sorted(x.article for x in g) for g in _group([a, c, d], [conflict, _Pair(a, d, 1.0, True, False, 0.6)])] \
        == [["a", "c"]]


def test_a_quantity_told_again_in_each_article_is_one_finding():
    def claim(article, lo, hi=None, start=0):
        return ClaimInfo(kind="number", article=article, start=start, end=start + 5, text=str(lo), value=str(lo),
                         sentence=0, unit="USD", interval=Interval(lo, lo if hi is None else hi))
    first = [claim("a", 716e9), claim("b", 700e9)]
    again = [claim("a", 716e9, start=90), claim("b", 700e9, math.inf, start=90)]   # 'more than $700 billion'
    other = [claim("a", 716e9, start=200), claim("b", 800e9, start=200)]           # another figure in b
    assert [len(g) for g in _merge_retold([first, again, other])] == [4, 2]


def test_storeys_and_stories_count_one_thing():
    [conflict] = [f for f in _story("It was not clear why the 15-storey building in Tarvel was targeted, the army said.",
                                    "An air strike demolished an 11-story building in Tarvel on Saturday.")
                  if f.status == "conflict" and f.kind == "number"]
    assert {c.value for c in conflict.claims} == {"15", "11"}


# --- issue #8, round 8: the one figure in each version of one sentence fills one slot ---

@pytest.mark.parametrize("a, b, status", [
    # other counted nouns and other verbs, one slot: the figures differ, both could hold
    ("A federal judge on Monday dismissed the antitrust case that 48 state attorneys general filed against Brindle.",
     "A federal judge on Monday threw out the antitrust lawsuit brought against Brindle by more than 40 states.",
     "conflict"),
    # a vague figure fills its slot too, and agrees
    ("The storm forced tens of thousands of dockworkers from their homes along the coast, the union said.",
     "Tens of thousands of people along the coast were driven out by the storm, according to the union.", "agree"),
    # far apart: two sentences alike in their words may say two things
    ("On Monday a federal judge dismissed the antitrust case that 70 companies brought against Brindle.",
     "A federal judge on Monday dismissed the antitrust lawsuit brought against Brindle by nearly 32 firms.", None),
])
def test_the_only_figure_in_each_version_of_one_sentence_fills_one_slot(a, b, status):
    found = [f for f in _story(a, b) if f.kind == "number" and f.status != "unique"]
    assert [f.status for f in found] == ([status] if status else [])
    if status == "conflict":
        assert found[0].incompatible is False


@pytest.mark.parametrize("a, b, status", [
    # the one figure in each of two sentences alike, counted in other nouns: one quantity told twice
    ("The flooding in Norvale has left about 200 families without power since the weekend, the utility said.",
     "Some 200 households in Norvale still had no electricity on Monday after the weekend floods.", "agree"),
    ("Tens of thousands of dockworkers walked off the job across the Varna coast, the union said.",
     "Tens of thousands of port employees along the Varna coast joined the strike, according to union leaders.",
     "agree"),
    # different figures there: alike sentences may count two things, so no conflict on that ground
    ("The flooding in Norvale has left about 200 families without power since the weekend, the utility said.",
     "Some 900 households in Norvale still had no electricity on Monday after the weekend floods.", None),
])
def test_the_only_figure_in_each_of_two_sentences_alike_agrees(a, b, status):
    found = [f.status for f in _story(a, b) if f.kind == "number" and f.status != "unique"]
    assert found == ([status] if status else [])


# --- issue #8, round 8: dates and the events they belong to ---

@pytest.mark.parametrize("a, b, status", [
    # one doer, one day, two verbs: the day agrees
    ("Senator Ilse Varga on Thursday said she would oppose the harbour levy.",
     "Varga made clear Thursday that the harbour levy would not pass with her vote.", "agree"),
    # a generational suffix is no other surname
    ("Senator Anton Varga Jr. on Thursday said he would oppose the harbour levy.",
     "Varga made clear Thursday that his vote was not for sale.", "agree"),
    ("A federal appeals court on Thursday granted the port authority's request.",
     "The appeals court said Thursday it will allow the port authority to collect the fee.", "agree"),
    # one doer acts on many days: two days are no conflict
    ("Senator Ilse Varga on Thursday said she would oppose the harbour levy.",
     "Varga made clear Wednesday that the harbour levy would not pass with her vote.", None),
    # each article's first sentence dates the news it reports, whoever is its subject
    ("The Calder port board on Friday intensified its fight against cargo smuggling. Inspectors will double.",
     "Calder's customs chief said on Friday that the new checks would stop smuggling. Traders objected.", "agree"),
    ("The Calder port board on Friday intensified its fight against cargo smuggling. Inspectors will double.",
     "Calder's customs chief said on Thursday that the new checks would stop smuggling. Traders objected.", None),
    # ... but two named doers are two acts
    ("Mayor Ana Ruell said on Monday that the bridge would be rebuilt within a year.",
     "Transport minister Piotr Hale said on Monday that the state would help.", None),
    # a later sentence may date anything ...
    ("Inspectors will double. The Calder port board on Friday intensified its fight against cargo smuggling.",
     "Traders objected. The harbour café in Calder reopened on Friday after a month of repairs.", None),
    # ... but one day in alike sentences dates one act, whatever the verbs and doers (`day_similarity`)
    ("Inspectors will double. The Calder port board on Friday intensified its fight against cargo smuggling.",
     "Traders objected. Calder's customs chief said on Friday that the new checks would stop smuggling.", "agree"),
    ("Households in Dunmere face higher bills. The water authority said on Tuesday that it would raise prices.",
     "Rates for homes in Dunmere will go up. The regional utility announced the increase on Tuesday.", "agree"),
    # ... and so does one month
    ("Ferry fares doubled in Calder. The harbour board sued the ferry company last December over the fares.",
     "Calder's fares have doubled. In December the harbour board took the ferry company to court.", "agree"),
])
def test_days_of_one_act_agree_whatever_the_verb(a, b, status):
    dates = [f for f in _story(a, b) if f.kind == "date" and f.status != "unique"]
    assert [f.status for f in dates] == ([status] if status else [])


@pytest.mark.parametrize("b, status", [
    ("Harbour fees rose at the fastest pace since June 2008, the port office said.", "conflict"),
    ("Harbour fees rose at the fastest pace since August 2008, the port office said.", "agree"),
])
def test_two_months_of_one_year_are_two_dates(b, status):
    facts = _story("Harbour fees rose at the fastest pace since August 2008, the port office said.", b)
    assert [f.status for f in facts if f.kind == "date" and f.status != "unique"] == [status]


@pytest.mark.parametrize("b, status", [
    # 'last week' in a Wednesday 20 June article is 11 to 17 June: Monday the 18th is outside it
    ("The Calder harbour levy expired last week, the port office said.", "conflict"),
    # 'this week' holds Monday the 18th: the two tell one time, one more exactly, and neither is a finding
    ("The Calder harbour levy expired this week, the port office said.", None),
])
def test_a_day_outside_the_week_another_article_gives_conflicts(b, status):
    facts = _story("The Calder harbour levy expired on Monday, the port office said.", b)
    assert [f.status for f in facts if f.kind == "date" and f.status != "unique"] == ([status] if status else [])


def test_a_benchmark_month_is_not_the_month_something_happened():
    facts = _story("Harbour fees rose at the fastest pace since August 2008, the port office said.",
                   "Harbour fees rose last month at the fastest pace in years, the port office said.")
    assert not [f for f in facts if f.kind == "date" and f.status == "conflict"]


def test_one_month_for_one_event_agrees_without_like_sentences():
    facts = _story("Flu cases are rising. "
                   "The Calder health board said that pharmacies will start distributing flu shots next month.",
                   "Doctors are worried. "
                   "Long queues and angry patients are feared as clinics start distributing vaccines next month.")
    assert [f.status for f in facts if f.kind == "date" and "next month" in {c.text for c in f.claims}] == ["agree"]
