"""The facts evaluation runs and holds the goals the README quotes."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import eval_facts  # noqa: E402


def test_facts_evaluation_meets_the_goals_on_held_out_cases():
    report = eval_facts.run()
    held = report["heldout"]
    assert held["cases"] >= 5 and report["dev"]["cases"] >= 5
    assert held["conflict"]["precision"] >= 0.9
    assert held["conflict"]["recall"] >= 0.8
    assert held["agree"]["recall"] >= 0.8
    assert held["look_alike_violations"] == 0 and report["dev"]["look_alike_violations"] == 0
