"""Actors: how each outlet names and describes the same people, organisations
and groups of people. All articles here are invented."""

import pytest

from helpers import features_of
from storylens.actors import actor_rows, normal_word
from storylens.features import ArticleFeatures
from storylens.models import ActorDescriptor, ActorFraming, Article, Comparison, Span
from storylens.pipeline import compare_features
from storylens.render import to_html, to_markdown, to_text

HERALD = """Sen. Dana Whitcombe, a Tea Party favorite, said on Monday that she would vote against the Harlow Bridge budget.

The bill would raise tolls on the bridge by two dollars. Whitcombe said the tolls would hurt commuters.

The Tea Party favorite has opposed every toll increase since 2011, and she said she would do so again.
"""

BEACON = """Dana Whitcombe, a conservative firebrand, vowed on Monday to sink the Harlow Bridge budget.

The budget would raise tolls by two dollars. Whitcombe, who is a longtime critic of the bridge authority, said commuters would pay.

The firebrand has fought toll increases for years.
"""

LEDGER = """Sen. Dana Whitcombe said on Monday she would vote against the Harlow Bridge budget, which raises tolls by two dollars.

Senator Whitcombe said commuters already pay enough.
"""


@pytest.fixture(scope="module")
def senator():
    articles = [Article(id="h", outlet="Herald", text=HERALD), Article(id="b", outlet="Beacon", text=BEACON),
                Article(id="l", outlet="Ledger", text=LEDGER)]
    return features_of(articles)


def _row(rows, name):
    return next(r for r in rows if r.actor == name)


def test_each_outlets_descriptors_of_one_person(senator):
    rows = actor_rows(senator)
    row = _row(rows, "Dana Whitcombe")
    assert row.kind == "person"
    by_article = {}
    for d in row.descriptors:
        by_article.setdefault(d.article, []).append(d)
    herald = {d.text: d for d in by_article["h"]}
    assert herald["Tea Party favorite"].count == 2  # the appositive and 'the Tea Party favorite' later
    assert {d.kind for d in senator[0].descriptors} >= {"name", "title", "appositive", "description"}
    assert "favorite" in herald["Tea Party favorite"].differs
    beacon = {d.text: d for d in by_article["b"]}
    assert "firebrand" in beacon["conservative firebrand"].differs
    assert beacon["firebrand"].kind == "description"  # 'the firebrand' refers back to her
    assert beacon["longtime critic of the bridge authority"].kind == "predicate"
    # The Ledger only gives her office: shown, never a difference.
    assert all(not d.differs for d in by_article["l"])
    assert {d.text for d in by_article["l"]} <= {"Sen.", "Senator"}


def test_every_descriptor_has_spans_into_its_article(senator):
    texts = {f.id: f.text for f in senator}
    for row in actor_rows(senator):
        for d in row.descriptors:
            assert d.spans and all(texts[s.article][s.start:s.end] == s.text for s in d.spans)
            assert all(s.article == d.article for s in d.spans)


def test_quoted_words_are_the_speakers_not_the_outlets():
    quoted = ('Dana Whitcombe spoke on Monday. "Whitcombe, a reckless demagogue, will sink this city," '
              'said Mayor Tom Ruiz.\n')
    plain = "Sen. Dana Whitcombe spoke on Monday about the bridge.\n"
    fs = features_of([Article(id="q", text=quoted), Article(id="p", text=plain)])
    assert not any("demagogue" in d.text for r in actor_rows(fs) for d in r.descriptors)


def test_neutral_and_identical_descriptions_make_no_row():
    a = "Sen. Dana Whitcombe, a Republican, said on Monday that the bridge budget was too high.\n"
    b = "Senator Dana Whitcombe, a Republican from Harlow, said the bridge budget was too high.\n"
    c = "Dana Whitcombe, a Republican, said the budget was too high.\n"
    fs = features_of([Article(id=x, text=t) for x, t in zip("abc", (a, b, c))])
    assert actor_rows(fs) == []


def test_group_labels_in_the_same_role():
    a = ("Squatters occupied the old Harlow mill on Tuesday. Police removed the squatters at dawn.\n")
    b = ("Residents occupied the old Harlow mill on Tuesday. Police removed the residents at dawn.\n")
    fs = features_of([Article(id="a", outlet="Herald", text=a), Article(id="b", outlet="Beacon", text=b)])
    groups = [r for r in actor_rows(fs) if r.kind == "group"]
    assert len(groups) == 1
    row = groups[0]
    assert {(d.article, d.text, d.count) for d in row.descriptors} == {("a", "squatter", 2), ("b", "resident", 2)}
    assert all(d.kind == "label" and d.differs for d in row.descriptors)


def test_group_labels_the_terms_table_already_shows_are_left_to_it():
    a = "Rioters clashed with police near City Hall on Tuesday.\n"
    b = "Protesters clashed with police near City Hall on Tuesday.\n"
    fs = features_of([Article(id="a", text=a), Article(id="b", text=b)])
    c = compare_features(fs)
    assert any("rioter" in used for used in c.terms["a"].values())
    assert [r for r in c.actors if r.kind == "group"] == []


def test_descriptors_round_trip_through_bytes(senator):
    for f in senator:
        back = ArticleFeatures.from_bytes(f.to_bytes())
        assert back.descriptors == f.descriptors and back.groups == f.groups
    assert any(d.kind == "description" for f in senator for d in f.descriptors)


def test_descriptor_words_are_counted_alike():
    assert normal_word("Sen.") == "senator" and normal_word("GOP") == "republican"
    assert normal_word("neighbourhood") == normal_word("neighborhood")


def _hostile_comparison() -> Comparison:
    text = "Mx. <script>alert(1)</script> Roe spoke. [bold]Roe[/bold] left."
    articles = [Article(id="a", outlet="A <i>", text=text), Article(id="b", outlet="B", text=text)]
    span = Span.over("a", text, 4, 33)
    row = ActorFraming(id="a-1", actor="Roe <img src=x onerror=alert(1)>", kind="person", descriptors=[
        ActorDescriptor(article="a", kind="appositive", text="<script>alert(1)</script>", count=1,
                        differs=["script"], spans=[span]),
        ActorDescriptor(article="b", kind="name", text="[bold]Roe[/bold] | *x*", count=1,
                        spans=[Span.over("b", text, 34, 50)])])
    return Comparison(articles=articles, actors=[row])


def test_actor_rows_render_escaped_in_every_format():
    c = _hostile_comparison()
    html = to_html(c)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = to_markdown(c)
    assert "## Actors" in md and "\\[bold\\]Roe\\[/bold\\] \\| \\*x\\*" in md and "&lt;script&gt;" in md
    text = to_text(c, width=80)
    assert "ACTORS" in text and "[bold]Roe[/bold]" in text  # rich markup is data, not style
    assert all(len(line) <= 80 for line in text.splitlines())


def test_actors_section_of_a_report(senator):
    c = compare_features(senator)
    text = to_text(c, width=80)
    section = text[text.index("ACTORS"):text.index("QUOTES")]
    assert "Dana Whitcombe (person)" in section and "Tea Party favorite* ×2" in section
    assert all(len(line) <= 80 for line in text.splitlines())
    html = to_html(c)
    assert 'class="actors"' in html and "mark class=\"a" in html
