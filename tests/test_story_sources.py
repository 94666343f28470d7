"""The story's sources across articles: wire reprints counted once, a shared
quotation never taken for wire copy."""

import json

import pytest

from storylens.models import Citation, Passage, Span
from storylens.render import to_html, to_markdown, to_text
from storylens.story_sources import story_sources

TEXT = "Jane Roe of the Harbour Trust said the pier was closed. Later, officials said more. " * 2


def cite(article: str, name: str = "Jane Roe", start: int = 0, kind: str = "person") -> Citation:
    return Citation(article=article, name=name, kind=kind, start=start, end=start + len(name), text=name)


def passage(kind: str, *articles: str, start: int = 0, end: int = 55) -> Passage:
    return Passage(kind=kind, similarity=0.9, spans=[Span.over(a, TEXT, start, end) for a in articles])


def test_wire_copy_citing_the_source_in_both_articles_is_one_report():
    [source] = story_sources([cite("a"), cite("b")], [passage("edited", "a", "b")])
    assert (source.articles, source.reports, source.shared_copy) == (["a", "b"], 1, ["a", "b"])


def test_a_shared_quotation_is_not_wire_copy():
    [source] = story_sources([cite("a"), cite("b")], [passage("quotation", "a", "b")])
    assert (source.reports, source.shared_copy) == (2, [])


def test_without_shared_copy_each_article_is_its_own_report():
    sources = story_sources([cite("a"), cite("b"), cite("c")], [passage("paraphrase", "a", "b", "c")])
    assert [(s.reports, s.shared_copy) for s in sources] == [(3, [])]


def test_copy_joins_only_the_articles_whose_copy_cites_the_source():
    # a and b share copy citing Roe; c cites her in its own words elsewhere.
    citations = [cite("a"), cite("b"), cite("c", start=84)]
    copy = passage("verbatim", "a", "b", "c", start=0, end=55)
    [source] = story_sources(citations, [copy])
    assert (source.articles, source.reports, source.shared_copy) == (["a", "b", "c"], 2, ["a", "b"])


def test_an_own_citation_outside_the_copy_keeps_the_article_off_the_reprint_list():
    citations = [cite("a"), cite("a", start=84), cite("b")]
    [source] = story_sources(citations, [passage("edited", "a", "b")])
    assert (source.reports, source.shared_copy) == (1, ["b"])


def test_names_group_by_surname_and_the_fullest_name_is_shown():
    citations = [cite("a", "Jane Roe"), cite("b", "Roe", start=84)]
    [source] = story_sources(citations, [])
    assert (source.name, source.articles, source.reports) == ("Jane Roe", ["a", "b"], 2)


def test_bylines_and_photo_credits_are_not_story_sources():
    citations = [cite("a", "Reuters", kind="photo"), cite("b", "AFP", kind="contributor"), cite("a")]
    assert [s.name for s in story_sources(citations, [])] == ["Jane Roe"]


def test_most_independent_reports_first():
    citations = [cite("a", "Tom Poe", start=84), cite("a"), cite("b"), cite("c")]
    assert [s.name for s in story_sources(citations, [])] == ["Jane Roe", "Tom Poe"]


# ------------------------------------------------------ on the seed pair


@pytest.fixture(scope="module")
def seed(seed_paths):
    from storylens import compare

    return compare([str(p) for p in seed_paths])


def test_seed_wire_copy_sources_count_once(seed):
    by_name = {s.name: s for s in seed.story_sources}
    # Both articles carry the same wire paragraphs quoting al-Youssef.
    youssef = by_name["Yasser al-Youssef"]
    assert (youssef.reports, len(youssef.articles), len(youssef.shared_copy)) == (1, 2, 2)
    # The first article also cites the Observatory in a paragraph of its own.
    observatory = by_name["Syrian Observatory for Human Rights"]
    assert (observatory.reports, observatory.shared_copy) == (1, [seed.articles[1].id])
    assert "AFP" not in by_name and "Reuters" not in by_name  # byline, photo credit


def test_seed_renders_the_cross_article_sources(seed):
    text, md, html = to_text(seed, width=80), to_markdown(seed), to_html(seed)
    for out in (text, md, html):
        assert "Cited by more than one article (wire copy counted once)" in out
    assert "Yasser al-Youssef: cited by" in md
    assert "1 independent report" in html
    assert json.loads(seed.to_json())["story_sources"][0]["reports"] == 1


def test_source_names_are_escaped_in_html():
    from storylens.models import Article, Comparison

    name = "<script>alert(1)</script> Roe"
    articles = [Article(id=i, text=TEXT, outlet=f"Outlet {i}") for i in "ab"]
    comparison = Comparison(articles=articles, citations=[cite("a", name), cite("b", name)],
                            story_sources=story_sources([cite("a", name), cite("b", name)], []))
    html = to_html(comparison)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("name, outlet, own", [
    ("The Huffington Post", "HuffPost", True),
    ("Breitbart News", "Breitbart", True),
    ("New York Times", "The New York Times", True),
    ("Reuters", "New York Times", False),
    ("Washington Post", "Washington Times", False),
    ("Yahoo News", "Yahoo Finance", False),
    ("Reuters", None, False),
])
def test_an_outlet_naming_itself(name, outlet, own):
    from storylens.story_sources import names_own_outlet

    assert names_own_outlet(name, outlet) is own


def test_the_own_outlet_is_a_contributor_not_a_story_source():
    from storylens.story_sources import own_outlet_as_contributor

    citations = own_outlet_as_contributor(
        [cite("a", "The Huffington Post", kind="media"), cite("a"), cite("b", "The Huffington Post", kind="media")],
        {"a": "HuffPost", "b": "Fox News"})
    assert [c.kind for c in citations] == ["contributor", "person", "media"]
    assert [s.name for s in story_sources(citations, [])] == ["Jane Roe", "The Huffington Post"]


def test_a_short_first_name_is_the_same_source():
    sources = story_sources([cite("a", "William Kristol"), cite("b", "Bill Kristol")], [])
    assert [(s.name, s.articles, s.reports) for s in sources] == [("William Kristol", ["a", "b"], 2)]


def test_a_citation_joins_the_first_group_that_names_it_whatever_the_word_order():
    # 'Harbour Trust' shares no word with 'Jane Roe' or 'Tom Poe' and opens its
    # own group; 'Roe' and 'Jane Roe' join the first group; 'Trust' joins the
    # Trust's group, found through its word though three groups came before.
    citations = [cite("a", "Tom Poe"), cite("a", "Jane Roe", start=10), cite("b", "Harbour Trust", start=20),
                 cite("b", "Roe", start=30), cite("c", "Trust", start=40), cite("c", "Jane Roe", start=50)]
    sources = story_sources(citations, [])
    assert sorted((s.name, s.articles) for s in sources) == [
        ("Harbour Trust", ["b", "c"]), ("Jane Roe", ["a", "b", "c"]), ("Tom Poe", ["a"])]
