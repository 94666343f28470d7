"""Claim extraction per kind, qualifier and notation (invented sentences)."""

import datetime as dt
import math

import pytest

from helpers import features_of
from storylens.analyze import analyze
from storylens.facts import (YEAR, Interval, _day_or_year, _Extractor, _number_starts, _tally_words, apply_aliases,
                             resolve_weekday, story_aliases)
from storylens.models import Article

TEXTS = {
    "counts": "Twelve miners were trapped. Rescuers said 212 people were detained. "
              "More than 500 civilians were killed. At least 11 workers died. "
              "About 180 shops closed. Nearly 60 people were injured. Up to 300 jobs will go. "
              "Dozens of households were evacuated. Hundreds of stores closed. "
              "Officials said five hundred volunteers served meals.",
    "scaled": "The bank set aside $1.5 billion. The bank earmarked 1,500 million dollars. "
              "Sales rose 5 percent. The rate rose by 75 basis points. Turnout fell by 0.75 percentage points.",
    "window": "Since November 15, shelling has killed 212 civilians, according to the Karsk Medical Union.\n\n"
              "In 12 days of shelling, 500 civilians were killed, the council said.\n\n"
              "Looters stole 40 cars overnight.",
    "places": "The Old Mill district in northeastern Karsk fell. Fighting continued on the southern edges of Korra. "
              "The epicentre was 35 km northwest of the town. A fire broke out in the mixing hall.",
    "dates": "The quake struck on Tuesday. The rebels took the town in 2012. "
             "The fire started at 11:47 p.m. Power returned at 23:47. The alarm sounded at 11.47pm. "
             "Shops closed at 9 p.m. on September 16.",
    "revision": "The number of injured rose to nine, up from seven, doctors said.",
}


@pytest.fixture(scope="module")
def claims():
    articles = [Article(id=k, text=v, date=dt.date(2025, 9, 18)) for k, v in TEXTS.items()]
    features = features_of(articles)
    aliases = story_aliases([f.alias_counts for f in features])
    for f in features:
        apply_aliases(f.claims, aliases)
    return {f.id: f.claims for f in features}


def find(claims, text, kind=None):
    hits = [c for c in claims if text in c.text and (kind is None or c.kind == kind)]
    assert hits, f"no claim containing {text!r}: {[c.text for c in claims]}"
    return hits[0]


@pytest.mark.parametrize("text,value,thing,event", [
    ("Twelve miners", "12", "miner", "trap"),
    ("212 people", "212", "people", "detain"),
    ("More than 500 civilians", ">500", "civilian", "kill"),
    ("At least 11 workers", "[11,inf)", "worker", "kill"),
    ("About 180 shops", "~180", "shop", "close"),
    ("Nearly 60 people", "[54,60]", "people", "injure"),
    ("Up to 300 jobs", "<=300", "job", None),
    ("Dozens of households", "[24,99]", "household", "evacuate"),
    ("Hundreds of stores", "[200,999]", "store", "close"),
    ("five hundred volunteers", "500", "volunteer", "serve"),
])
def test_counts_with_qualifiers_things_and_events(claims, text, value, thing, event):
    c = find(claims["counts"], text, "number")
    assert (c.value, c.thing) == (value, thing)
    if event:
        assert c.event == event


def test_intervals_follow_qualifiers(claims):
    more = find(claims["counts"], "More than 500", "number").interval
    assert more.lo == 500 and more.lo_open and more.hi == math.inf
    assert not more.overlaps(Interval(212, 212))
    assert more.overlaps(Interval(501, 501)) and not more.overlaps(Interval(500, 500))
    at_least = find(claims["counts"], "At least 11", "number").interval
    assert at_least.overlaps(Interval(11, 11))


def test_scaled_currency_and_points(claims):
    got = {c.text: c.value for c in claims["scaled"] if c.kind == "number"}
    assert got["$1.5 billion"] == got["1,500 million dollars"] == "1500000000 USD"
    assert got["5 percent"] == "5%"
    assert got["75 basis points"] == got["0.75 percentage points"] == "0.75 pp"


def test_time_windows_resolved_against_publication(claims):
    since = find(claims["window"], "212 civilians", "number")
    # November 15 after a September publication date is last year's
    assert since.window.start == dt.date(2024, 11, 15)
    assert since.window.end == dt.date(2025, 9, 18)
    assert since.attribution == "Karsk Medical Union"
    in_days = find(claims["window"], "500 civilians", "number")
    assert in_days.window.start == dt.date(2025, 9, 7)
    assert in_days.attribution == "council"
    assert find(claims["window"], "40 cars", "number").window.text == "overnight"


def test_places_with_directions_positions_distances_and_rooms(claims):
    c = claims["places"]
    district = find(c, "northeastern Karsk", "place")
    assert (district.value, district.subject, district.anchor) == ("northeast", "old mill district", "karsk")
    edge = find(c, "southern edges", "place")
    assert edge.value == "south edge" and edge.anchor == "korra"
    distance = find(c, "35 km northwest", "place")
    assert distance.value == "35 km northwest" and distance.subject == "epicentre"
    assert find(c, "mixing hall", "place").value == "mixing hall"


def test_dates_resolve_weekdays_and_years(claims):
    c = claims["dates"]
    assert find(c, "Tuesday", "date").value == "2025-09-16"
    assert find(c, "Tuesday", "date").event == "strike"
    assert find(c, "2012", "date").value == "2012"
    assert find(c, "September 16", "date").value == "2025-09-16"


def test_weekday_on_publication_day_is_that_day():
    assert resolve_weekday("thursday", dt.date(2025, 9, 18)) == dt.date(2025, 9, 18)
    assert resolve_weekday("saturday", None) is None


def test_weekday_the_day_after_publication_is_that_day_unless_since():
    # a story dated Thursday saying 'early Friday' was dated the evening before
    assert resolve_weekday("friday", dt.date(2025, 9, 18)) == dt.date(2025, 9, 19)
    assert resolve_weekday("friday", dt.date(2025, 9, 18), past=True) == dt.date(2025, 9, 12)
    assert resolve_weekday("wednesday", dt.date(2025, 9, 18)) == dt.date(2025, 9, 17)


@pytest.mark.parametrize("text,value", [("11:47 p.m.", "23:47"), ("23:47", "23:47"),
                                        ("11.47pm", "23:47"), ("9 p.m.", "21:00")])
def test_clock_time_notations(claims, text, value):
    assert find(claims["dates"], text, "time").value == value


def test_revision_is_marked_as_earlier_figure(claims):
    c = claims["revision"]
    nine, seven = find(c, "nine", "number"), find(c, "seven", "number")
    assert seven.is_previous and not nine.is_previous
    assert nine.previous is seven
    assert (nine.thing, nine.event) == ("people", "injure")


# --- issue #8, round 3: relative dates, qualifiers before a currency sign, hedged clock times ---

from storylens.facts import resolve_relative  # noqa: E402


@pytest.mark.parametrize("text,first,last,unit", [
    ("earlier this year", dt.date(2018, 1, 1), dt.date(2018, 6, 20), "year"),
    ("last year", dt.date(2017, 1, 1), dt.date(2017, 12, 31), "year"),
    ("last month", dt.date(2018, 5, 1), dt.date(2018, 5, 31), "month"),
    ("last week", dt.date(2018, 6, 11), dt.date(2018, 6, 17), "week"),
    ("yesterday", dt.date(2018, 6, 19), dt.date(2018, 6, 19), "day"),
    # a weekend: the coming one, unless told in the past or 'last'
    ("this weekend", dt.date(2018, 6, 23), dt.date(2018, 6, 24), "weekend"),
    ("last weekend", dt.date(2018, 6, 16), dt.date(2018, 6, 17), "weekend"),
    ("over the weekend", dt.date(2018, 6, 23), dt.date(2018, 6, 24), "weekend"),
])
def test_relative_dates_resolve_as_a_reader_would(text, first, last, unit):
    # 20 June 2018 is a Wednesday: last week is Monday 11 to Sunday 17 June
    assert resolve_relative(text, dt.date(2018, 6, 20)) == (first, last, unit)


@pytest.mark.parametrize("text, first", [
    ("The ferry ban lapsed this weekend, the port said.", "2018-06-16"),
    ("The ferry ban will lapse this weekend, the port said.", "2018-06-23"),
    ("The harbour board met over the weekend.", "2018-06-16"),
])
def test_a_weekend_told_in_the_past_is_the_one_before_publication(text, first):
    [claim] = [c for c in _claims_of(text) if c.kind == "date"]
    assert claim.extra["period"][0] == first


def _claims_of(text, day=dt.date(2018, 6, 20)):
    [f] = features_of([Article(id="a", text=text, date=day)])
    return f.claims


@pytest.mark.parametrize("text, value", [
    # timing a verb told in the past in a June article, September is last year's
    ("Hundreds marched in Calder on Sept. 11 to remember the flood.", "2017-09-11"),
    ("The flood has destroyed the old harbour wall on Sept. 11.", "2017-09-11"),
    # said without a tense, or ahead, it is this year's; so is a day a past act looks to
    ("Calder will remember the flood on Sept. 11.", "2018-09-11"),
    ("The judge set the hearing for Sept. 11 at noon.", "2018-09-11"),
    ("Some councillors pushed for a delay of the Sept. 11 vote on the harbour wall.", "2018-09-11"),
    ("The harbour wall is to be rebuilt by Sept. 11.", "2018-09-11"),
])
def test_a_day_told_in_the_past_is_not_after_publication(text, value):
    [claim] = [c for c in _claims_of(text) if c.kind == "date"]
    assert claim.value == value


@pytest.mark.parametrize("text, period", [
    ("The board sued the ferry company last December.", ("2017-12-01", "2017-12-31")),
    ("The board sued the ferry company last June.", ("2017-06-01", "2017-06-30")),
    ("The board will sue the ferry company next June.", ("2019-06-01", "2019-06-30")),
    ("The board will sue the ferry company next March.", ("2019-03-01", "2019-03-31")),
])
def test_last_and_next_month_are_the_nearest_such_month_before_or_after_publication(text, period):
    [claim] = [c for c in _claims_of(text) if c.kind == "date"]
    assert claim.extra["period"] == period


def test_relative_year_is_a_year_claim_and_a_month_a_period():
    claims = _claims_of("The councillor repaid the loan earlier this year. The audit was issued last month.")
    year = next(c for c in claims if c.text == "earlier this year")
    month = next(c for c in claims if c.text == "last month")
    assert year.value == "2018" and year.extra["year"] == 2018
    assert month.extra["period"] == ("2018-05-01", "2018-05-31")


def test_qualifier_before_a_currency_sign_is_kept():
    [c] = [c for c in _claims_of("The governor took more than $700 billion out of the fund.") if c.kind == "number"]
    assert c.text == "more than $700 billion" and c.interval.lo == 7e11 and c.interval.hi == math.inf


def test_money_keeps_its_scale():
    [c] = [c for c in _claims_of("The city will spend $25 million on the bridge.") if c.kind == "number"]
    assert c.interval.lo == c.interval.hi == 25e6


def test_hedged_clock_time_is_a_span():
    [c] = [c for c in _claims_of("The fire began shortly before 6 p.m. in the east stand.") if c.kind == "time"]
    assert c.value == "18:00" and tuple(c.extra["minutes"]) == (17 * 60 + 30, 18 * 60)


def test_an_amount_without_an_object_keeps_its_verb():
    [c] = [c for c in _claims_of("The council passed the plan, cutting $14 million from the police department.")
           if c.kind == "number"]
    assert c.thing == "money" and c.event == "cut"


def test_figure_hung_on_a_name_counts_the_noun_after_it():
    [c] = [c for c in _claims_of("The suit covers women who worked at the more than 4,300 Bellmart and "
                                 "Cosco Club stores in the country.") if c.kind == "number"]
    assert c.thing == "store"


def test_role_of_a_figure():
    [c] = [c for c in _claims_of("Alma Mendez served one term as lieutenant governor of Calder.") if c.kind == "number"]
    assert c.extra["role"] == "lieutenant governor"


def test_according_to_is_read_by_the_one_parser():
    """Claims are credited through `sources.according_to`, as the source list
    credits them: 'according to figures from X' is X's figure."""
    [c] = [c for c in _claims_of("Floods destroyed 40 homes, according to figures from the Norland Red Cross.")
           if c.kind == "number"]
    assert c.attribution == "Norland Red Cross"


def test_per_doc_selections_are_the_tokens_the_rules_test():
    text = ("On Tuesday, 1,500 people and twenty-one boats left; a dozen stayed, one man said. "
            "In 1998 the vote was 7-2, the 3rd in 2 years, with hundreds of fans and tens of thousands "
            "watching at 9 p.m. One of them, SUNDAY, approved 40.5 percent of the 2012 plan.")
    doc = analyze([Article(id="t", text=text)])[0].doc
    assert _number_starts(doc) == [t.i for t in doc if _Extractor._starts_number(t)]
    assert {"1,500", "twenty", "dozen", "3rd", "hundreds", "40.5"} <= {doc[i].text for i in _number_starts(doc)}
    assert _day_or_year(doc) == [t.i for t in doc if t.lower_ in ("tuesday", "sunday")
                                 or len(t.text) == 4 and YEAR.fullmatch(t.text)]
    assert [doc[i].lemma_ for i in _tally_words(doc)] == ["vote", "approve"]


# --- issue #8, round 8: a hyphenated length is a length ---

@pytest.mark.parametrize("text, claim, value, unit", [
    ("The 19-month freeze on rents ended on Monday.", "19-month", "19 month", "month"),
    ("Congress passed a six-week extension of the levy.", "six-week", "6 week", "week"),
    ("The hurricane season lasted more than 18 months.", "more than 18 months", ">18 month", "month"),
    # an age is no length
    ("A 65-year-old dockworker was hurt in the fire.", None, None, None),
])
def test_a_length_written_before_its_noun_is_a_length(text, claim, value, unit):
    found = [(c.value, c.unit) for c in _claims_of(text) if c.kind == "number" and c.text.startswith(claim or "")]
    assert found == ([(value, unit)] if claim else [])


# --- issue #8, round 9: a threshold is a bound, worded before or after the figure ---

@pytest.mark.parametrize("text, claim, lo, hi, lo_open", [
    ("The Norvale clinic opened its doors to residents over the age of 70.", "over the age of 70", 70, math.inf, True),
    ("The ferry pass is free for islanders above age 70.", "above age 70", 70, math.inf, True),
    ("The ferry pass is free for islanders 70 and older.", "70 and older", 70, math.inf, False),
    ("The levy applies to Norvale firms with 50 percent or more of their staff abroad.", "50 percent or more", 50, math.inf, False),
    ("Passengers 12 and under travel free on the Norvale ferry.", "12 and under", 0, 12, False),
    # a hedge on an age is no bound
    ("The Norvale man, about the age of 70, was rescued by the ferry crew.", "70", 70, 70, False),
])
def test_a_threshold_is_a_bound_whichever_side_of_the_figure_its_words_stand(text, claim, lo, hi, lo_open):
    [c] = [c for c in _claims_of(text) if c.kind == "number"]
    assert (c.text, c.interval.lo, c.interval.hi, c.interval.lo_open) == (claim, lo, hi, lo_open)


@pytest.mark.parametrize("text, day, event, subject", [
    # a day after the event noun it dates, or before it through a part of the day
    ("The order Wednesday by the district judge blocked the levy.", "Wednesday", "order", None),
    ("Two guards were hurt in Friday night's drone strike near Velka.", "Friday", "strike", None),
    # a day never owns the event it dates
    ("Tuesday's vote in the harbour board was close.", "Tuesday", "vote", None),
    # a light verb carries its noun's event, of the verb's subject
    ("The harbour board held a procedural vote on Wednesday morning.", "Wednesday", "vote", "board"),
    ("Mayor Ana Ruell issued a statement on Saturday.", "Saturday", "say", "mayor ana ruell"),
    ("The ruling, issued Monday, struck down the levy.", "Monday", "rule", "ruling"),
    ("A procedural vote in the harbour board was set for Saturday.", "Saturday", "vote", "vote"),
    ("Mayor Ana Ruell said in a statement on Saturday that the levy would stay.", "Saturday", "say", "mayor ana ruell"),
    # a verb that is the event itself keeps it
    ("The harbour board voted on Tuesday to raise the levy.", "Tuesday", "vote", "board"),
])
def test_a_date_is_linked_to_the_event_it_dates(text, day, event, subject):
    [claim] = [c for c in features_of([Article(id="a", text=text, date=dt.date(2025, 9, 18))])[0].claims
               if c.kind == "date"]
    assert claim.text == day and (claim.event, claim.subject) == (event, subject)


@pytest.mark.parametrize("text, month, value", [
    ("Harbour fees rose at the fastest pace since August 2008.", "August 2008", "2008-08-01/2008-08-31"),
    # in the year a reader takes: the past before publication, what is to come after it
    ("The levy passed in July.", "July", "2024-07-01/2024-07-31"),
    ("The levy will end in January.", "January", "2026-01-01/2026-01-31"),
    ("The levy ended in May.", "May", "2025-05-01/2025-05-31"),
    ("Funding for the ferries runs out in late September.", "late September", "2025-09-21/2025-09-30"),
])
def test_a_month_without_a_day_is_the_period_it_covers(text, month, value):
    [claim] = [c for c in features_of([Article(id="a", text=text, date=dt.date(2025, 6, 18))])[0].claims
               if c.kind == "date"]
    assert (claim.text, claim.value) == (month, value)


@pytest.mark.parametrize("text", ["You may go now, she said.", "Protesters march on the harbour every week."])
def test_a_month_name_that_is_a_verb_is_no_date(text):
    claims = features_of([Article(id="a", text=text, date=dt.date(2025, 6, 18))])[0].claims
    assert not [c for c in claims if c.kind == "date"]
