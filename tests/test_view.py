"""The view model: one ordering for every renderer; stable keys for the web."""

from __future__ import annotations

from storylens.models import Article, Claim, Comparison, Fact, Passage, Span
from storylens.view import build_view


def comparison() -> Comparison:
    a = Article(id="a", outlet="Wire Daily", text="At least 12 people died on Saturday.")
    b = Article(id="b", outlet="Harbor Times", text="At least 30 people died on Saturday.")
    claim = lambda art, s, e, v: Claim(article=art.id, start=s, end=e, text=art.text[s:e], value=v)  # noqa: E731
    return Comparison(articles=[a, b], facts=[
        Fact(id="f-aaaaaaaaaa", what="day", kind="date", status="agree", confidence=1,
             claims=[claim(a, 27, 35, "sat"), claim(b, 27, 35, "sat")], explanation="Both say Saturday."),
        Fact(id="f-bbbbbbbbbb", what="people died", kind="number", status="conflict", confidence=1,
             claims=[claim(a, 0, 18, "12"), claim(b, 0, 18, "30")], explanation="12 vs 30."),
    ], passages=[Passage(id="p-cccccccccc", kind="edited", similarity=0.8, spans=[
        Span(article="a", start=19, end=36, text=a.text[19:36]), Span(article="b", start=19, end=36, text=b.text[19:36])])])


def test_report_keys_are_display_numbers():
    view = build_view(comparison())
    assert [(e.number, e.key) for e in view.facts] == [("f2", "f2"), ("f1", "f1")]  # conflicts first
    assert {m.finding for m in view.marks["a"]} == {"f1", "f2", "p1"}
    assert view.finding_titles["f2"].startswith("conflict: people died")


def test_web_keys_are_stable_ids():
    view = build_view(comparison(), stable_ids=True)
    assert [(e.number, e.key) for e in view.facts] == [("f2", "f-bbbbbbbbbb"), ("f1", "f-aaaaaaaaaa")]
    assert view.passages[0].key == "p-cccccccccc"
    assert {m.finding for m in view.marks["b"]} == {"f-aaaaaaaaaa", "f-bbbbbbbbbb", "p-cccccccccc"}
    assert view.finding_titles["f-bbbbbbbbbb"].startswith("f2 · conflict")
    assert view.key_of("f2") == "f-bbbbbbbbbb"
    assert view.counts()["conflicts"] == 1


def test_duplicate_or_missing_stable_ids_stay_unique():
    c = comparison()
    c.facts[0].id = c.facts[1].id
    c.passages[0].id = ""
    view = build_view(c, stable_ids=True)
    assert sorted(e.key for e in view.facts) == ["f-bbbbbbbbbb", "f-bbbbbbbbbb-2"]
    assert view.passages[0].key == "p1"
