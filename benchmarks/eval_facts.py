"""Evaluate fact reconciliation on the labelled cases in benchmarks/facts_eval/.

    .venv/bin/python benchmarks/eval_facts.py [--verbose] [--write]

Runs storylens.compare's two phases on every case and prints precision and
recall of conflicts and agreements per split (dev, heldout); with --write it
also writes the table to benchmarks/facts_eval/RESULTS.md (the committed
record, so an exploratory run leaves the tree clean). See facts_eval/README.md
for the gold format and the matching rule.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from storylens.models import Article, Fact
from storylens.pipeline import analyze_articles, compare_features

ROOT = Path(__file__).parent / "facts_eval"
SPLITS = ("dev", "heldout")
STATUSES = ("conflict", "agree")


def load_case(path: Path) -> tuple[dict, list[Article]]:
    case = json.loads(path.read_text())
    articles = [Article(id=a["id"], text=a["text"], outlet=a.get("outlet"),
                        date=dt.date.fromisoformat(a["date"]) if a.get("date") else None)
                for a in case["articles"]]
    return case, articles


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    out, start = [], text.find(needle)
    while start >= 0:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def covers(fact: Fact, gold_claim: dict, texts: dict[str, str]) -> bool:
    """The gold text occurs in its article where it overlaps one of the fact's claims."""
    spans = [(c.start, c.end) for c in fact.claims if c.article == gold_claim["article"]]
    return any(s < ce and cs < e for s, e in occurrences(texts[gold_claim["article"]], gold_claim["text"])
               for cs, ce in spans)


def effective(fact: Fact) -> Fact:
    """These cases predate issue #8: their 'agree' items include different but
    compatible figures ('more than 200' / '212'), which storylens now reports as
    conflicts marked `incompatible: false`. Such a conflict is scored as the
    agreement these cases ask for; only incompatible conflicts score as conflicts."""
    if fact.status == "conflict" and fact.incompatible is False and fact.kind in ("number", "date", "place"):
        return fact.model_copy(update={"status": "agree"})
    return fact


def score_case(case: dict, facts: list[Fact], texts: dict[str, str]) -> dict:
    facts = [effective(f) for f in facts]
    result = {s: {"tp": 0, "pred": 0, "gold": 0, "missed": [], "false": []} for s in STATUSES}
    used: set[int] = set()
    for status in STATUSES:
        preds = [f for f in facts if f.status == status]
        golds = [g for g in case["gold"] if g["status"] == status]
        r = result[status]
        r["pred"], r["gold"] = len(preds), len(golds)
        for g in golds:
            hit = next((i for i, f in enumerate(facts) if i not in used and f.status == status
                        and all(covers(f, c, texts) for c in g["claims"])), None)
            if hit is None:
                r["missed"].append(g["what"])
            else:
                used.add(hit)
                r["tp"] += 1
        r["false"] = [f.what + ": " + " | ".join(c.text for c in f.claims)
                      for i, f in enumerate(facts) if f.status == status and i not in used]
    result["look_alikes"] = [
        pair for pair in case.get("must_not_pair", [])
        if any(f.status != "unique" and all(covers(f, c, texts) for c in pair) for f in facts)]
    return result


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def run(verbose: bool = False) -> dict:
    report = {}
    for split in SPLITS:
        totals = {s: {"tp": 0, "pred": 0, "gold": 0} for s in STATUSES}
        violations, cases, details = 0, 0, []
        for path in sorted((ROOT / split).glob("*.json")):
            case, articles = load_case(path)
            facts = compare_features(list(analyze_articles(articles))).facts
            result = score_case(case, facts, {a.id: a.text for a in articles})
            cases += 1
            violations += len(result["look_alikes"])
            for s in STATUSES:
                for k in ("tp", "pred", "gold"):
                    totals[s][k] += result[s][k]
            details.append((case["id"], result))
        report[split] = {"cases": cases, "look_alike_violations": violations, **{
            s: {"precision": ratio(totals[s]["tp"], totals[s]["pred"]),
                "recall": ratio(totals[s]["tp"], totals[s]["gold"]), **totals[s]} for s in STATUSES}}
        if verbose:
            for case_id, result in details:
                for s in STATUSES:
                    if result[s]["missed"] or result[s]["false"]:
                        print(f"  [{split}] {case_id} {s}: missed={result[s]['missed']} extra={result[s]['false']}")
                if result["look_alikes"]:
                    print(f"  [{split}] {case_id} look-alikes paired: {result['look_alikes']}")
    return report


def results_table(report: dict, seconds: float) -> str:
    lines = ["# Fact reconciliation: evaluation results", "",
             "Generated by `benchmarks/eval_facts.py`; gold format and matching rule in `README.md`.", "",
             "| split | cases | conflicts P | conflicts R | agreements P | agreements R | look-alikes paired |",
             "|---|---|---|---|---|---|---|"]
    for split, r in report.items():
        lines.append(f"| {split} | {r['cases']} | {fmt(r['conflict']['precision'])} ({r['conflict']['tp']}/{r['conflict']['pred']}) "
                     f"| {fmt(r['conflict']['recall'])} ({r['conflict']['tp']}/{r['conflict']['gold']}) "
                     f"| {fmt(r['agree']['precision'])} ({r['agree']['tp']}/{r['agree']['pred']}) "
                     f"| {fmt(r['agree']['recall'])} ({r['agree']['tp']}/{r['agree']['gold']}) "
                     f"| {r['look_alike_violations']} |")
    lines += ["", f"Run time: {seconds:.1f} s (including model load).", "",
              "Agreement precision is a lower bound: gold lists the agreements that matter, "
              "not every repeated figure, so a true but unlisted agreement counts as a false positive.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--write", action="store_true", help="write the table to facts_eval/RESULTS.md")
    args = ap.parse_args()
    started = time.perf_counter()
    text = results_table(run(verbose=args.verbose), time.perf_counter() - started)
    print(text)
    if args.write:
        (ROOT / "RESULTS.md").write_text(text)


if __name__ == "__main__":
    main()
