"""The summary line names the passage kinds and each article's reuse share."""

from storylens.models import Article, Comparison, Passage, Span
from storylens.render import summary_line, to_html, to_markdown, to_text

A = "The ferry terminal will close. \u201cIt is a relic,\u201d the mayor said."
B = "The ferry terminal will shut. \u201cIt is a relic,\u201d Mayor Varnow said."


def _comparison():
    def span(article, text, needle):
        start = text.index(needle)
        return Span(article=article, start=start, end=start + len(needle), text=needle)

    return Comparison(
        articles=[Article(id="a", outlet="Gazette", text=A), Article(id="b", outlet="Herald", text=B)],
        passages=[
            Passage(kind="edited", similarity=0.8, spans=[span("a", A, "The ferry terminal will close."),
                                                           span("b", B, "The ferry terminal will shut.")]),
            Passage(kind="quotation", similarity=1.0, quoted=1.0,
                    spans=[span("a", A, "\u201cIt is a relic,\u201d"), span("b", B, "\u201cIt is a relic,\u201d")]),
        ],
        reuse={"a": 0.625, "b": 0.5},
    )


def test_summary_counts_quotations_and_shows_reuse():
    line = summary_line(_comparison())
    assert "2 shared passages (1 edited, 1 quotation)" in line
    assert "narrative reused: a 62%, b 50%" in line


def test_every_format_shows_the_quotation_kind():
    c = _comparison()
    assert "quotation" in to_text(c, width=80)
    assert "quotation" in to_markdown(c)
    html = to_html(c)
    assert "p-quotation" in html and "narrative reused" in html


def test_reuse_is_in_the_json():
    data = _comparison().to_dict()
    assert data["reuse"] == {"a": 0.625, "b": 0.5}
    assert data["passages"][1]["kind"] == "quotation" and data["passages"][1]["quoted"] == 1.0
