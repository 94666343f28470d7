"""Renderer tests on small hand-built comparisons of invented articles.

The comparisons are built by hand (the renderer's input contract), with
every offset found by searching the article text, so a renderer that
misplaces a span cannot pass by accident.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import lxml.html
import pytest
from rich.cells import cell_len

from storylens.models import (Article, Citation, Claim, Comparison, Edit, Fact, Passage, Quote,
                              QuoteMention, Span, Substitution)
from storylens.render import finding_marks, segments, to_html, to_markdown, to_text

XSS_BODY = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'

TEXT_A = (
    "Rebels held the Ḥanano district on Saturday, the Velmora Monitor said. 🌊 Floodwaters rose overnight.\n"
    "\n"
    "At least 12 people were killed, officials said. “We will rebuild every house,” Mayor Ilse Varga said.\n"
    + XSS_BODY + "\n"
)
TEXT_B = (
    "Opposition fighters held the Hanano district on Saturday, the Velmora Monitor said. Floodwaters rose overnight.\n"
    "\n"
    "At least 30 people were killed, according to the health ministry. "
    "“We will rebuild every house,” said Ilse Varga, the mayor. A | pipe and *stars*.\n"
)
TEXT_C = "Two bridges collapsed in Velmora. “We will rebuild every house,” the mayor told reporters. " + XSS_ATTR


def span(article: Article, needle: str, cls=Span, nth: int = 0, **extra):
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(needle, start + 1)
    return cls(article=article.id, start=start, end=start + len(needle), text=needle, **extra)


@pytest.fixture(scope="module")
def articles():
    return [
        Article(id="a", outlet="Wire Daily", title="Floods | rebels <b>hold</b> Ḥanano", text=TEXT_A,
                date=dt.date(2031, 4, 5), url="https://example.invalid/a"),
        Article(id="b", outlet="Harbor Times", title="Opposition holds district", text=TEXT_B,
                date=dt.date(2031, 4, 6), url="javascript:alert(1)"),
        Article(id="c", outlet="Gazette", title=XSS_ATTR, text=TEXT_C),
    ]


@pytest.fixture(scope="module")
def comparison(articles):
    a, b, c = articles
    p1 = Passage(
        kind="edited", similarity=0.86,
        spans=[span(a, "Rebels held the Ḥanano district on Saturday, the Velmora Monitor said."),
               span(b, "Opposition fighters held the Hanano district on Saturday, the Velmora Monitor said.")],
        edits=[Edit(**{"from": span(a, "Rebels"), "to": span(b, "Opposition fighters"), "category": "framing"}),
               Edit(**{"from": span(a, "Ḥanano"), "to": span(b, "Hanano"), "category": "spelling"})])
    p2 = Passage(kind="verbatim", similarity=1.0,
                 spans=[span(a, "Floodwaters rose overnight."), span(b, "Floodwaters rose overnight.")])
    quote_text = "We will rebuild every house,"
    q1 = Quote(speaker="Ilse Varga", text=quote_text, mentions=[
        span(a, quote_text, QuoteMention, speaker="Mayor Ilse Varga"),
        span(b, quote_text, QuoteMention, speaker="Ilse Varga"),
        span(c, quote_text, QuoteMention, speaker="the mayor")])
    facts = [
        # Deliberately out of display order: the renderer must sort them.
        Fact(what="flooding", kind="other", status="unique", confidence=0.5,
             claims=[span(a, "🌊 Floodwaters rose", Claim)],  # crosses the start of p2
             explanation="Only Wire Daily mentions the flood with an emoji."),
        Fact(what="day district was held", kind="date", status="agree", confidence=0.9,
             claims=[span(a, "Saturday", Claim, value="2031-04-05"),
                     span(b, "Saturday", Claim, value="2031-04-05")],
             explanation="Both say Saturday."),
        Fact(what="people killed", kind="number", status="conflict", confidence=0.8,
             claims=[span(a, "At least 12 people", Claim, value="12", attribution="officials"),
                     span(b, "At least 30 people", Claim, value="30", attribution="health ministry")],
             explanation="12 vs 30: the death tolls differ."),
        Fact(what="bridges collapsed", kind="number", status="unique", confidence=0.7,
             claims=[span(c, "Two bridges", Claim, value="2")], explanation="Only Gazette reports bridges."),
    ]
    citations = [
        Citation(kind="monitor", name="Velmora Monitor", **span(a, "Velmora Monitor").model_dump()),
        Citation(kind="monitor", name="Velmora Monitor", **span(b, "Velmora Monitor").model_dump()),
        Citation(kind="official", name="officials", **span(a, "officials").model_dump()),
        Citation(kind="official", name="health ministry", **span(b, "health ministry").model_dump()),
    ]
    return Comparison(
        articles=articles, passages=[p1, p2], quotes=[q1], facts=facts, citations=citations,
        substitutions=[
            Substitution(**{"from": "Rebels", "to": "Opposition fighters", "from_article": "a",
                            "to_article": "b", "count": 1, "category": "framing"}),
            Substitution(**{"from": "Ḥanano", "to": "Hanano", "from_article": "a",
                            "to_article": "b", "count": 1, "category": "spelling"})],
        terms={"a": {"rebels": {"rebel": 3, "insurgent": 1}}, "b": {"rebels": {"opposition": 7}},
               "c": {"mayor": {"mayor": 1}}},
        sources={"a": ["Velmora Monitor", "officials"], "b": ["Velmora Monitor", "health ministry"], "c": []},
    )


@pytest.fixture(scope="module")
def empty_comparison(articles):
    return Comparison(articles=articles[:2])


@pytest.fixture(scope="module")
def html(comparison):
    return to_html(comparison)


@pytest.fixture(scope="module")
def tree(html):
    return lxml.html.document_fromstring(html)


# ---------------------------------------------------------------- text


@pytest.mark.parametrize("width", [80, 60])
def test_text_fits_width(comparison, width):
    text = to_text(comparison, width=width)
    too_wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_wide


def test_text_orders_sections_and_facts(comparison):
    text = to_text(comparison)
    heads = ["FACTS", "REUSED PASSAGES", "SUBSTITUTIONS", "TERMS", "QUOTES", "SOURCES"]
    positions = [text.index(h) for h in heads]
    assert positions == sorted(positions)
    assert text.index("people killed") < text.index("day district was held") < text.index("flooding")
    assert text.index("12 vs 30") < text.index("Both say Saturday")
    assert "Rebels → Opposition fighters [framing]" in text
    assert "rebel ×3, insurgent ×1" in text and "opposition ×7" in text
    assert "“At least 12 people”" in text and "Harbor Times" in text


def test_text_treats_article_text_as_data(articles):
    tricky = Article(id="x", outlet="[b]O[/b] :fire:", text="t", title="[red]T[/red]")
    text = to_text(Comparison(articles=[tricky, articles[1]]))
    assert "[b]O[/b] :fire:" in text and "[red]T[/red]" in text
    assert "\x1b" not in text


def test_text_color_emits_ansi(comparison):
    assert "\x1b[" in to_text(comparison, color=True)


def test_text_uses_keys_for_long_outlet_names(articles):
    long = [a.model_copy(update={"outlet": f"{a.id}_0123456789abcdef0123"}) for a in articles[:2]]
    comp = Comparison(articles=long, sources={"a": ["Velmora Monitor"], "b": ["health ministry"]})
    text = to_text(comp)
    assert re.search(r"^  a +Velmora Monitor$", text, re.M)
    assert re.search(r"^  b +health ministry$", text, re.M)


def test_edit_labels_name_insertions_and_deletions(articles):
    from storylens.render import edit_label
    a, b = articles[:2]
    assert edit_label(Edit(**{"from": span(a, "Rebels"), "to": Span(article="b", start=0, end=0, text=""),
                              "category": "other"})) == "Rebels (dropped)"
    assert edit_label(Edit(**{"from": Span(article="a", start=0, end=0, text=""), "to": span(b, "Opposition"),
                              "category": "other"})) == "(added) Opposition"


def test_an_edit_made_alike_in_two_pairs_is_listed_once_with_its_pairs():
    from storylens.render import grouped_edits

    def edit(a, old, b, new, category="framing"):
        return Edit(**{"from": Span(article=a, start=0, end=len(old), text=old),
                       "to": Span(article=b, start=0, end=len(new), text=new), "category": category})

    spans = [Span(article=a, start=0, end=7, text="Velmora") for a in "abc"]
    keys = {a: a for a in "abc"}
    two = Passage(kind="edited", similarity=0.9, spans=spans[:2], edits=[edit("a", "Rebels", "b", "Opposition")])
    assert grouped_edits(two, keys) == ["Rebels → Opposition [framing]"]
    three = Passage(kind="edited", similarity=0.9, spans=spans, edits=[
        edit("a", "Rebels", "b", "Opposition"), edit("a", "Rebels", "c", "Opposition"),
        edit("a", "Rebels", "c", "Velmora", "other")])
    assert grouped_edits(three, keys) == ["Rebels → Opposition [framing; a→b, a→c]", "Rebels → Velmora [other; a→c]"]


@pytest.mark.parametrize("text, limit, short", [
    ("Thousands of demonstrators marched on City Hall", 100, "Thousands of demonstrators marched on City Hall"),
    ("Thousands of demonstrators marched on City Hall", 30, "Thousands of demonstrators…"),   # not 'marc…'
    ("Thousands of demonstrators marched on City Hall", 28, "Thousands of demonstrators…"),   # ends at a word
    ("Thousandsofdemonstratorsmarched", 12, "Thousandsof…"),                                 # no word to end at
    ("Rebels, officials said", 9, "Rebels…"),                                                # no trailing comma
])
def test_shorten_cuts_after_a_whole_word(text, limit, short):
    from storylens.view import shorten
    assert shorten(text, limit) == short and len(short) <= limit


def test_text_empty_sections_say_so(empty_comparison):
    text = to_text(empty_comparison)
    assert "No reused passages: these articles share no text." in text
    assert "No facts" in text and "No quotes" in text and "No sources" in text


def test_a_one_word_article_is_one_word():
    one = Comparison(articles=[Article(id="a", outlet="Pier Post", text="Closed."),
                               Article(id="b", outlet="Dock Daily", text="The pier closed.")])
    for out in (to_text(one), to_html(one)):
        assert "1 word" in out and "1 words" not in out and "3 words" in out


# ---------------------------------------------------------------- markdown


def test_markdown_tables_and_escaping(comparison):
    out = to_markdown(comparison)
    assert "| From | To | Articles | Count | Category |" in out
    assert "| Rebels | Opposition fighters | a → b | 1 | framing |" in out
    assert "Floods \\| rebels &lt;b&gt;hold&lt;/b&gt; Ḥanano" in out
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    # every table row has the same number of unescaped pipes as its header
    for block in re.split(r"\n\n", out):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            counts = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
            assert len(counts) == 1, block
    assert out.index("### Conflicts") < out.index("### Agreements") < out.index("### Only in one report")
    assert "(javascript:" not in out


def test_markdown_escape_function():
    from storylens.render import md
    assert md("a|b *c* _d_ [e](f) `g` <h> #1\nnext") == (
        "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` &lt;h&gt; \\#1 next")


def test_markdown_empty(empty_comparison):
    assert "No reused passages: these articles share no text." in to_markdown(empty_comparison)


# ---------------------------------------------------------------- html


def test_html_is_self_contained(html, tree):
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in {"img", "iframe", "object", "embed", "link", "video", "audio", "source", "base"}
        for name, value in el.attrib.items():
            assert not name.startswith("on"), (el.tag, name)
            if name in {"src", "href", "srcset", "action", "poster", "data"}:
                assert el.tag == "a" and name == "href" and value.startswith("https://"), (el.tag, name, value)
    style = " ".join(s.text_content() for s in tree.iter("style"))
    assert "url(" not in style and "@import" not in style
    scripts = list(tree.iter("script"))
    assert scripts and all("src" not in s.attrib for s in scripts)
    links = tree.xpath("//a[@href]")
    assert [a.get("href") for a in links] == ["https://example.invalid/a"]
    assert all("noopener" in a.get("rel") for a in links)
    # only that one link may name a remote address
    assert re.findall(r"https?://[^\s\"'<]+", html) == ["https://example.invalid/a"]
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp


def test_html_escapes_untrusted_text(html, tree):
    assert not tree.xpath("//img")
    for script in tree.iter("script"):
        assert "alert" not in script.text_content()
    assert XSS_BODY in tree.xpath("//article[@data-article='a']//div[@class='col-body']")[0].text_content()
    assert XSS_ATTR in tree.xpath("//article[@data-article='c']//header[@class='col-head']")[0].text_content()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;hold" in html


def test_html_findings_json_is_script_safe(articles):
    evil = Article(id="z", outlet="O", text="x </script><script>alert(2)</script> y")
    comp = Comparison(articles=[evil, articles[0]], quotes=[Quote(speaker="</script>", text="x", mentions=[
        QuoteMention(article="z", start=0, end=1, text="x", speaker="</script><b>")])])
    html = to_html(comp)
    tree = lxml.html.document_fromstring(html)
    assert len(list(tree.iter("script"))) == 2
    assert html.count("</script>") == 2


def column_segments(tree, article_id):
    """(start, end, finding ids) of every marked segment in a column, with
    offsets recomputed from the text the browser would show."""
    body = tree.xpath(f"//article[@data-article='{article_id}']//div[@class='col-body']")[0]
    offset, found = len(body.text or ""), []
    for el in body:
        text = el.text_content()
        found.append((offset, offset + len(text), set(el.get("data-finding", "").split())))
        offset += len(text) + len(el.tail or "")
    return body.text_content(), found


def assert_marks_honoured(comparison, tree):
    """Each column shows its article's text unchanged, and the characters
    marked with a finding id are exactly those its spans cover."""
    marks = finding_marks(comparison)
    for article in comparison.articles:
        shown, segs = column_segments(tree, article.id)
        assert shown == article.text
        for mark in marks[article.id]:
            covered = {i for s, e, ids in segs if mark.finding in ids for i in range(s, e)}
            wanted = {i for m in marks[article.id] if m.finding == mark.finding for i in range(m.start, m.end)}
            assert covered == wanted, mark
    return marks


def test_html_spans_carry_their_finding_ids(comparison, tree):
    marks = assert_marks_honoured(comparison, tree)
    assert {m.finding for ms in marks.values() for m in ms} >= {"p1", "p2", "e1-1", "e1-2", "q1", "f1", "f4", "c1"}
    # the spans themselves, as the models state them
    a_text, a_segs = column_segments(tree, "a")
    flood = "".join(a_text[s:e] for s, e, ids in a_segs if "f1" in ids)
    assert flood == "🌊 Floodwaters rose"
    hanano = "".join(a_text[s:e] for s, e, ids in a_segs if "e1-2" in ids)
    assert hanano == "Ḥanano"


def test_panel_links_findings(comparison, tree):
    panel_ids = {i for el in tree.xpath("//aside[@id='panel']//*[@data-finding]") for i in el.get("data-finding").split()}
    assert {"f1", "f2", "f3", "f4", "p1", "p2", "e1-1", "e1-2", "q1", "c1", "c2", "c3", "c4"} <= panel_ids
    facts = [el.get("data-finding") for el in tree.xpath("//aside[@id='panel']//li[starts-with(@data-finding, 'f')]")]
    assert facts == ["f3", "f2", "f1", "f4"]


def test_segments_overlap_and_order():
    from storylens.render import Mark
    text = "abcdefghij"
    marks = [Mark(0, 6, "p1", ("p",), ""), Mark(4, 9, "f1", ("f",), ""), Mark(2, 3, "e1-1", ("e",), ""),
             Mark(8, 20, "c1", ("c",), ""), Mark(5, 5, "q1", ("q",), "")]
    got = [(piece, [m.finding for m in ms]) for piece, ms in segments(text, marks)]
    assert "".join(piece for piece, _ in got) == text
    assert got == [("ab", ["p1"]), ("c", ["e1-1", "p1"]), ("d", ["p1"]), ("ef", ["f1", "p1"]),
                   ("gh", ["f1"]), ("i", ["c1", "f1"]), ("j", ["c1"])]


def test_html_empty_sections(empty_comparison):
    tree = lxml.html.document_fromstring(to_html(empty_comparison))
    assert "No reused passages: these articles share no text." in tree.text_content()
    assert not tree.xpath("//div[@class='col-body']//*[@data-finding]")


# Writing files is tested in test_output.py (render.write_atomic delegates there).


# ---------------------------------------------------------------- real reports

SEEDS = Path(__file__).parents[1] / ".." / "shared" / "seeds"


@pytest.fixture(scope="module")
def seed_comparison():
    paths = sorted(SEEDS.glob("*.txt"))[:2]
    if len(paths) < 2:
        pytest.skip(f"the two seed reports are not in {SEEDS}")
    from storylens import compare
    return compare([str(p) for p in paths])


def test_seed_reports_render(seed_comparison):
    text = to_text(seed_comparison)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    tree = lxml.html.document_fromstring(to_html(seed_comparison))
    marks = assert_marks_honoured(seed_comparison, tree)
    assert sum(len(ms) for ms in marks.values()) >= len(seed_comparison.passages) * 2
    md = to_markdown(seed_comparison)
    assert md.count("\n### p") == len(seed_comparison.passages)


def test_html_keeps_each_date_on_one_line(tree):
    """A narrow column broke '2031-04-05' at its hyphen, which reads as two values."""
    dates = [span.text for span in tree.xpath("//header[@class='col-head']//span[@class='whole']")]
    assert dates == ["2031-04-05", "2031-04-06"]
    assert "white-space: nowrap" in tree.xpath("//style")[0].text.split(".whole", 1)[1].split("}", 1)[0]


def test_html_shows_an_edit_made_alike_in_two_pairs_as_one_chip_for_both(articles):
    a, b, c = articles
    alike = [Edit(**{"from": span(a, "Rebels"), "to": span(other, "Velmora"), "category": "other"}) for other in (b, c)]
    passage = Passage(kind="edited", similarity=0.8, edits=alike,
                      spans=[span(a, "Velmora Monitor"), span(b, "Velmora Monitor"), span(c, "Velmora")])
    page = lxml.html.document_fromstring(to_html(Comparison(articles=articles, passages=[passage])))
    chips = page.xpath("//span[contains(@class,'chip')]")
    assert [(chip.text_content(), len(chip.get("data-finding").split())) for chip in chips] == [("Rebels → Velmora", 2)]
