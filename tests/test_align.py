"""Passage alignment: verbatim, edited, paraphrase, splits, reordering."""

from pathlib import Path

import pytest

from storylens.align import align
from helpers import features_of as analyze
from storylens.models import Article
from storylens.pipeline import assign_ids

# An invented event: a dam spillway failure in the invented town of Corvel.
WIRE_A = (
    "Engineers opened the emergency gates of the Tarrow dam on Monday after cracks appeared in the spillway.\n\n"
    "Protesters blocked the road to the dam for six hours, demanding that the regional authority release the inspection reports.\n\n"
    "The water board said the reservoir would be lowered by three metres over the coming week.\n\n"
    "Local farmers said their fields downstream had been flooded twice since the spring.\n\n"
    "Nobody was hurt."
)
WIRE_B = (
    "Nobody was hurt.\n\n"
    "Demonstrators blocked the road to the dam for six hours, demanding that the regional government release the inspection reports.\n\n"
    "Engineers opened the emergency gates of the Tarrow dam on Monday. They acted after cracks appeared in the spillway.\n\n"
    "The water board said the reservoir would be lowered by three metres over the coming week.\n\n"
    "Farmers downstream say floods have swamped their fields twice since spring."
)
UNRELATED = (
    "The city orchestra announced its winter programme, which includes three new commissions.\n\n"
    "Tickets go on sale next month at the box office and online."
)


def _align(*texts):
    articles = assign_ids([Article(text=t) for t in texts])
    return align(analyze(articles))


@pytest.fixture(scope="module")
def wire_passages():
    return _align(WIRE_A, WIRE_B)


def _find(passages, phrase):
    return [p for p in passages if any(phrase in s.text for s in p.spans)]


def test_verbatim_passage(wire_passages):
    (p,) = _find(wire_passages, "reservoir would be lowered")
    assert p.kind == "verbatim"
    assert p.edits == []
    assert [s.article for s in p.spans] == ["a", "b"]


def test_edited_passage_is_found_despite_reordering(wire_passages):
    (p,) = _find(wire_passages, "blocked the road")
    assert p.kind == "edited"
    changes = {(e.from_.text, e.to.text, e.category) for e in p.edits}
    assert ("Protesters", "Demonstrators", "framing") in changes
    assert ("authority", "government", "framing") in changes


def test_split_sentence_is_one_passage(wire_passages):
    (p,) = _find(wire_passages, "emergency gates")
    a_span, b_span = p.spans
    assert a_span.text.endswith("cracks appeared in the spillway.")
    assert b_span.text.startswith("Engineers opened") and b_span.text.endswith("in the spillway.")
    assert "They acted after" in b_span.text


def test_paraphrase(wire_passages):
    (p,) = _find(wire_passages, "flooded")
    assert p.kind == "paraphrase"
    assert p.spans[1].text.startswith("Farmers downstream say floods")


def test_same_topic_is_not_a_paraphrase():
    a = "The Tarrow dam was completed in 1974 and supplies water to 40,000 homes in the valley."
    b = "Inspectors last examined the Tarrow dam in 2019 and found no cracks in the spillway."
    assert _align(a, b) == []


def test_short_lines_are_not_passages(wire_passages):
    assert not _find(wire_passages, "Nobody was hurt")


def test_spans_point_into_the_article_text(wire_passages):
    texts = {"a": WIRE_A, "b": WIRE_B}
    for p in wire_passages:
        for s in p.spans:
            assert texts[s.article][s.start:s.end] == s.text
        for e in p.edits:
            for side in (e.from_, e.to):
                assert texts[side.article][side.start:side.end] == side.text


def test_unrelated_articles_share_nothing():
    assert _align(WIRE_A, UNRELATED) == []


def test_a_passage_shared_by_three_articles_is_one_passage():
    third = WIRE_A.replace("Protesters", "Activists").replace("six hours", "several hours")
    passages = _align(WIRE_A, WIRE_B, third)
    (p,) = _find(passages, "blocked the road")
    assert sorted(s.article for s in p.spans) == ["a", "b", "c"]
    assert {(e.to.article, e.to.text) for e in p.edits} >= {("b", "Demonstrators"), ("c", "Activists")}


# The seed pair: two real reports of the battle for Masaken Hanano (Aleppo, 2016).

@pytest.fixture(scope="module")
def seed_passages(seed_paths):
    articles = assign_ids([Article(text=Path(p).read_text(encoding="utf-8")) for p in seed_paths])
    return align(analyze(articles))


def test_seed_pair_has_six_edited_and_two_paraphrased_passages(seed_passages):
    kinds = sorted(p.kind for p in seed_passages)
    assert kinds == ["edited"] * 6 + ["paraphrase"] * 2


@pytest.mark.parametrize("a_start, b_start", [
    ("Masaken Hanano was the first district the rebels", "Masaken Hanano was the first district opposition"),
    ("Since then, more than 250,000", "More than 250,000"),
    ('"The armed forces retook', '"The armed forces retook'),
    ("But Yasser al-Youssef", "Yasser al-Youssef"),
    ("Youssef warned", "Al-Youssef warned"),
    ("The Observatory also said", "Syrian Observatory for Human Rights, a monitoring"),
])
def test_seed_edited_passages(seed_passages, a_start, b_start):
    matches = [p for p in seed_passages
               if p.spans[0].text.startswith(a_start) and p.spans[1].text.startswith(b_start)]
    assert len(matches) == 1 and matches[0].kind == "edited"


def test_seed_paraphrase_covers_the_split_opening(seed_passages):
    (p,) = [p for p in seed_passages if p.spans[0].text.startswith("Syrian state media")]
    assert p.kind == "paraphrase"
    assert p.spans[1].text.startswith("Syrian regime forces say")
    assert "major breakthrough" in p.spans[1].text  # the second sentence of the split


def test_seed_paraphrase_of_the_casualty_sentence(seed_passages):
    (p,) = [p for p in seed_passages if p.spans[0].text.startswith("Since November 15")]
    assert p.kind == "paraphrase"
    assert p.spans[1].text.startswith("In 12 days since the renewed bombardment")
