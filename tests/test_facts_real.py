"""The blind gold sets: the dev split of the real (BASIL) events keeps its floors.

Held-out events are never run here: they are measured once, by hand, with
`make eval-facts`."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import eval_facts_real  # noqa: E402


@pytest.mark.skipif(not eval_facts_real.BASIL.exists(), reason="../shared/data/basil-2010-2014.jsonl is absent")
def test_dev_real_events_keep_their_floors():
    report = eval_facts_real.run(("basil", "invented"), ("dev",))
    basil, invented = report[("basil", "dev")], report[("invented", "dev")]
    # floors at the figures this version reaches, so that a change that loses ground fails
    # (conflict recall 17/39 since round 3 of the quotes work: a quote once credited to 'Senate', a
    # parse slip that met the gold's 'statement from Reid's office', now goes to that office)
    # (20/39 since round 4 of the facts work: sole figures near one another, amounts named by what they are)
    assert basil["conflict_precision"] >= 0.85 and basil["conflict_recall"] >= 0.51
    assert invented["conflict_precision"] >= 0.9 and invented["conflict_recall"] >= 0.8
    assert basil["agree_precision"] >= 0.9 and invented["agree_recall"] >= 0.5
    assert basil["unique_precision"] >= 0.85 and invented["unique_precision"] >= 0.8
    assert invented["traps"] == 0
