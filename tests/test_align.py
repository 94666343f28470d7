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


def test_seed_pair_has_five_edited_one_quotation_and_two_paraphrased_passages(seed_passages):
    # The six edited wire passages of the seeds are still found; the one whose
    # shared words are mostly the state broadcaster's quoted words is a shared
    # quotation, not wire copy (deliberately changed from 'edited').
    kinds = sorted(p.kind for p in seed_passages)
    assert kinds == ["edited"] * 5 + ["paraphrase"] * 2 + ["quotation"]


def _seed_opening(seed_paths, seed: int, line: int, chars: int = 40) -> str:
    """The first words of one paragraph of a seed article (its line number, from 1),
    read at test time so that no real article text is written into the tests."""
    return Path(seed_paths[seed]).read_text(encoding="utf-8").splitlines()[line - 1][:chars]


# each copied passage by the line of its paragraph in the first and in the second seed
@pytest.mark.parametrize("a_line, b_line, kind", [
    (6, 5, "edited"),
    (8, 7, "edited"),
    (18, 11, "quotation"),
    (24, 13, "edited"),
    (26, 15, "edited"),
    (28, 17, "edited"),
])
def test_seed_copied_passages(seed_paths, seed_passages, a_line, b_line, kind):
    a_start, b_start = _seed_opening(seed_paths, 0, a_line), _seed_opening(seed_paths, 1, b_line)
    matches = [p for p in seed_passages
               if p.spans[0].text.startswith(a_start) and p.spans[1].text.startswith(b_start)]
    assert len(matches) == 1 and matches[0].kind == kind


def test_seed_quotation_keeps_its_narrative_edits(seed_passages):
    (p,) = [p for p in seed_passages if p.spans[0].text.startswith('"The armed forces retook')]
    assert p.quoted >= 0.6
    assert {(e.from_.text, e.to.text) for e in p.edits} == {("state", "regime-run"), ("rebels", "opposition fighters")}


def test_seed_paraphrase_covers_the_split_opening(seed_passages):
    (p,) = [p for p in seed_passages if p.spans[0].text.startswith("Syrian state media")]
    assert p.kind == "paraphrase"
    assert p.spans[1].text.startswith("Syrian regime forces say")
    assert "major breakthrough" in p.spans[1].text  # the second sentence of the split


def test_seed_paraphrase_of_the_casualty_sentence(seed_paths, seed_passages):
    (p,) = [p for p in seed_passages if p.spans[0].text.startswith(_seed_opening(seed_paths, 0, 12))]
    assert p.kind == "paraphrase"
    assert p.spans[1].text.startswith(_seed_opening(seed_paths, 1, 9))


# Passage kinds that say what they are: a shared quotation is not wire copy.
# An invented budget story told by two invented outlets.

GAZETTE = (
    "Mayor Ilse Varnow defended the city budget on Tuesday.\n\n"
    "\u201cWe have balanced the books without closing a single library or cutting a single bus route,\u201d "
    "Varnow told reporters.\n\n"
    "The council voted seven to two on Monday to close the Brenna ferry terminal, which officials called "
    "\u201ca relic\u201d, after a four-hour debate.\n\n"
    "Opposition councillors said the savings were an illusion."
)
HERALD = (
    "\u201cWe have balanced the books without closing a single library or cutting a single bus route,\u201d "
    "the mayor said in a statement to the Herald on Tuesday afternoon.\n\n"
    "The council voted seven to two on Monday night to shut the Brenna ferry terminal, which officials called "
    "\u201ca relic\u201d, after a debate lasting four hours.\n\n"
    "Residents of the harbour district plan a petition against the closure."
)


@pytest.fixture(scope="module")
def budget():
    articles = assign_ids([Article(text=GAZETTE), Article(text=HERALD)])
    features = analyze(articles)
    return features, align(features)


def test_a_shared_quotation_is_a_quotation_not_verbatim(budget):
    _, passages = budget
    (p,) = _find(passages, "balanced the books")
    assert p.kind == "quotation"
    assert p.quoted >= 0.9


def test_wire_copy_with_a_short_quote_stays_edited(budget):
    _, passages = budget
    (p,) = _find(passages, "Brenna ferry terminal")
    assert p.kind == "edited"
    assert p.quoted < 0.6
    assert ("close", "shut") in {(e.from_.text, e.to.text) for e in p.edits}


def test_reuse_share_counts_narrative_copy_only(budget):
    from storylens.align import reuse_shares

    features, passages = budget
    reuse = reuse_shares(features, passages)

    def solid(text):
        return sum(not c.isspace() for c in text)

    wire = next(p for p in passages if p.kind == "edited").spans[0].text
    quoted_in_wire = solid("\u201ca relic\u201d")
    narrative_total = solid(GAZETTE) - solid(GAZETTE[GAZETTE.index("\u201cWe"):GAZETTE.index("\u201d") + 1]) \
        - quoted_in_wire
    assert reuse["a"] == pytest.approx((solid(wire) - quoted_in_wire) / narrative_total, abs=0.002)
    # Without the wire sentence, the quotation alone is no reuse at all.
    only_quote = [p for p in passages if p.kind == "quotation"]
    assert reuse_shares(features, only_quote) == {"a": 0.0, "b": 0.0}


def test_quotation_share_is_a_setting(budget):
    from storylens.settings import AlignConfig

    features, _ = budget
    passages = align(features, AlignConfig(quotation_share=1.01))
    (p,) = _find(passages, "balanced the books")
    assert p.kind in ("verbatim", "edited")


def test_trigram_incidence_marks_each_unit_trigram_once():
    """The bulk-built index matches the plain definition: the set of word
    trigrams inside each unit, none across two units."""
    import numpy as np

    from storylens.align import _Encoder, _trigram_incidence, _Unit

    encode = _Encoder()
    texts = ["a b c a b c a b", "c a b", "x y", "b c a b c d", ""]
    units = [_Unit(0, n, n, [], t.split(), frozenset(), np.zeros(1), encode(t.split())) for n, t in enumerate(texts)]
    incidence = _trigram_incidence(units).toarray()
    grams = [{u.code[k:k + 3] for k in range(len(u.code) - 2)} for u in units]
    every = sorted(set().union(*grams))
    assert incidence.shape == (len(units), len(every))
    assert set(incidence.ravel().tolist()) <= {0.0, 1.0}
    # Columns may come in any order: compare which units share each trigram.
    assert sorted(map(tuple, incidence.T.tolist())) == sorted(tuple(float(g in unit) for unit in grams) for g in every)
