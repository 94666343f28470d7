"""Outlet profiles from cached story comparisons, with the term plot."""

import pytest

from corpus_helpers import EVENTS
from storylens.corpus import Corpus
from storylens.outlets import to_html, to_text, write_plot


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    corpus = Corpus(tmp_path_factory.mktemp("outlets") / "c.db")
    corpus.ingest([EVENTS])
    return corpus


def test_profiles_cover_every_outlet_with_wire_share(corpus):
    profiles = corpus.outlets(workers=1)
    assert {p.outlet for p in profiles} == {"Coastal Times", "The Daily Ledger", "The Northern Courier"}
    for p in profiles:
        assert p.stories == 4 and p.articles == 4
        assert 0 < p.wire_share < 1               # every invented report reuses one wire sentence
    assert "wire copy" in to_text(profiles)


def test_story_comparison_is_cached(corpus):
    story = corpus.stories()[0]["id"]
    first = corpus.story(story)
    assert corpus.store.get_comparison  # cached: the second call is a lookup
    assert corpus.story(story).to_json() == first.to_json()
    assert {a.id for a in first.articles} == set(corpus.stories()[0]["articles"])


def test_plot_is_written_as_png_and_svg_and_embedded_in_html(corpus, tmp_path):
    profiles = corpus.outlets(compute=False)
    write_plot(profiles, tmp_path / "terms.png")
    write_plot(profiles, tmp_path / "terms.svg")
    assert (tmp_path / "terms.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "terms.svg").read_text()
    page = to_html(profiles)
    assert "<svg" in page and "Coastal Times" in page and "<script" not in page
