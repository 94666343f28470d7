"""Every threshold in `Settings` matters: moving it far enough changes the
result on the bundled example (so none of them is dead)."""

from dataclasses import replace
from pathlib import Path

import pytest

from helpers import features_of
from storylens.pipeline import compare_features, read_articles
from storylens.settings import Settings

EXAMPLE = sorted((Path(__file__).resolve().parents[1] / "examples" / "wexley-market").glob("*.txt"))


@pytest.fixture(scope="module")
def features():
    return features_of(read_articles(EXAMPLE))


@pytest.fixture(scope="module")
def default(features):
    return compare_features(features)


def _with(group: str, **changes) -> Settings:
    base = Settings()
    return replace(base, **{group: replace(getattr(base, group), **changes)})


def _summary(c):
    return ([(p.kind, len(p.spans), len(p.edits)) for p in c.passages],
            [len(q.mentions) for q in c.quotes],
            [(f.status, len(f.claims)) for f in c.facts])


MOVES = [
    ("align", {"edited_ratio": 0.95}),
    ("align", {"edited_coverage": 0.99}),
    ("align", {"verbatim_ratio": 0.5}),
    ("align", {"paraphrase_cosine": 0.95}),
    ("align", {"paraphrase_overlap": 0.95}),
    ("align", {"paraphrase_score": 0.95}),
    ("align", {"merge_penalty": -0.3}),
    ("align", {"min_words": 40}),
    ("align", {"max_unit_words": 10}),
    ("quotes", {"min_match_words": 50, "ratio_min": 101, "partial_min": 101}),
]


@pytest.mark.parametrize("group,changes", MOVES, ids=[f"{g}.{','.join(c)}" for g, c in MOVES])
def test_moving_a_threshold_changes_the_result(features, default, group, changes):
    moved = compare_features(features, settings=_with(group, **changes))
    assert _summary(moved) != _summary(default)
