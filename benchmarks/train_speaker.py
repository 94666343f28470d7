"""Train the quote-speaker ranker shipped as storylens/data/quote_speakers.json.

    python benchmarks/train_speaker.py [--cache DIR] [--write]

Data: ../shared/data/polnear-train.jsonl only (dev is never read). Articles
are sorted by id as in eval_quotes.py; the first 150 (the fixed tuning
subset) choose the regularisation and the abstain threshold, the other 690
fit the weights.

Candidates and features come from the pipeline itself
(`SpeakerContext.quote_candidates`, collected through `quotes.RECORD`): for
each quotation, the named mentions of its paragraph and the three before (and
of its own sentence after it), plus the rules' speaker, with distance,
syntactic role, salience, speaker history and pronoun-agreement features. A
candidate is labelled right when it names the gold speaker (eval_quotes.py's
gold rules and name matching); quotes whose gold speaker is unnamed have no
right candidate and teach the model to abstain.

Model: scikit-learn LogisticRegression over candidates; at run time the best
candidate is taken when its probability reaches the threshold, else the quote
is unattributed. C and the threshold give the fewest wrong speakers on the
tuning subset (a wrong speaker reverses who said what) among the settings
whose accuracy there is at least that of the rules alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_quotes as ev  # noqa: E402  (puts the repository first on the path)
from storylens import quotes as q  # noqa: E402
from storylens.speakers import QUOTE_FEATURES  # noqa: E402

OUT = ev.ROOT / "storylens" / "data" / "quote_speakers.json"


def collect(rows, analyses):
    """One entry per predicted quote that overlaps a gold quote:
    (article index, gold speaker or None, [(name, features)])."""
    out = []
    for n, (row, analysis) in enumerate(zip(rows, analyses)):
        gold = ev.Gold(row)
        q.RECORD = []
        try:
            q.article_quotes(analysis)
            recorded = q.RECORD
        finally:
            q.RECORD = None
        for _, start, end, _, cands in recorded:
            hits = [(ev._overlap(gold.text, (start, end), (x["start"], x["end"])), x) for x in gold.quotes]
            hits = [h for h in hits if h[0]]
            if not hits:
                continue
            x = max(hits, key=lambda h: h[0])[1]
            out.append((n, x["speaker"], cands))
    return out


def matrix(entries):
    X, y, group = [], [], []
    for g, (_, speaker, cands) in enumerate(entries):
        for name, f in cands:
            X.append([f[k] for k in QUOTE_FEATURES])
            y.append(bool(speaker) and ev.same_name(name, speaker))
            group.append(g)
    return np.array(X, dtype=float), np.array(y, dtype=int), np.array(group)


def decide(weights, entries, threshold):
    """Scores like `speakers.rank`: accuracy, wrong, unresolved on named gold."""
    ok = wrong = none = total = 0
    for _, speaker, cands in entries:
        if not speaker:
            continue
        total += 1
        best = None
        if cands:
            scored = [(float(np.dot(weights, [f[k] for k in QUOTE_FEATURES])), name) for name, f in cands]
            s, name = max(scored)
            if 1 / (1 + np.exp(-s)) >= threshold:
                best = name
        if best is None:
            none += 1
        elif ev.same_name(best, speaker):
            ok += 1
        else:
            wrong += 1
    return ok / total, wrong / total, none / total


def main(argv=None) -> int:
    from sklearn.linear_model import LogisticRegression

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ev.ROOT)}")
    args = ap.parse_args(argv)
    q.quote_ranker.cache_clear()
    saved = q.quote_ranker
    q.quote_ranker = lambda: None  # candidates from the rules alone
    rows = ev.load_rows("train", None)
    analyses, _ = ev.parse(rows, args.cache)
    entries = collect(rows, analyses)
    q.quote_ranker = saved
    fit = [e for e in entries if e[0] >= ev.TRAIN_SUBSET]
    tune = [e for e in entries if e[0] < ev.TRAIN_SUBSET]
    X, y, _ = matrix(fit)
    print(f"fit: {len(fit)} quotes, {len(y)} candidates, {y.sum()} right; tune: {len(tune)} quotes")
    rule_only = np.array([1.0 if k == "rule" else 0.0 for k in QUOTE_FEATURES]) * 10 - \
        np.array([5.0 if k == "bias" else 0.0 for k in QUOTE_FEATURES])
    floor = decide(rule_only, tune, 0.5)
    print("rules alone (tune): acc %.3f wrong %.3f unresolved %.3f" % floor)
    reach = [e for e in tune if e[1]]
    print("oracle (tune): %.3f of named-gold quotes have a right candidate"
          % (sum(any(ev.same_name(n, e[1]) for n, _ in e[2]) for e in reach) / len(reach)))
    best = None
    for C in (0.03, 0.1, 0.3, 1.0, 3.0):
        model = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(X, y)
        w = model.coef_[0]
        for t in np.arange(0.05, 0.96, 0.05):
            acc, wrong, none = decide(w, tune, t)
            if acc < floor[0]:
                continue
            score = (-round(wrong, 4), acc)
            if best is None or score > best[0]:
                best = (score, C, round(float(t), 2), w, acc, wrong, none)
        print(f"C={C}: " + "  ".join("t=%.2f %.3f/%.3f/%.3f" % ((t,) + decide(w, tune, t))
                                     for t in (0.2, 0.35, 0.5, 0.65)))
    score, C, t, w, acc, wrong, none = best
    print(f"chosen C={C} threshold={t}: tune acc {acc:.3f} wrong {wrong:.3f} unresolved {none:.3f}")
    for k, v in sorted(zip(QUOTE_FEATURES, w), key=lambda kv: -abs(kv[1])):
        print(f"  {k:16s} {v:+.3f}")
    if args.write:
        OUT.write_text(json.dumps({
            "model": "logistic regression over quote-speaker candidates (benchmarks/train_speaker.py)",
            "data": f"polnear-train, articles {ev.TRAIN_SUBSET}+ by id (fit), first {ev.TRAIN_SUBSET} (C, threshold)",
            "C": C, "threshold": t, "features": QUOTE_FEATURES,
            "weights": [round(float(v), 4) for v in w]}, indent=1) + "\n")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
