"""Train the quote-speaker ranker shipped as storylens/data/quote_speakers.json.

    python benchmarks/train_speaker.py [--cache DIR] [--write]

Data: ../shared/data/polnear-train.jsonl only (dev is never read). The
regularisation and the abstain threshold are chosen by 5-fold
cross-validation over the 840 train articles (folds by article; each
setting is judged on the quotes of the folds it was not fitted on), then the
weights are fitted on all of train. The first 150 articles by id (the fixed
tuning subset of eval_quotes.py) are also reported on their own.

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
is unattributed. C and the threshold give the fewest wrong speakers out of
fold (a wrong speaker reverses who said what) among the settings whose
accuracy there is at least that of the rules alone.
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
FOLDS = 5


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
    tune = [e for e in entries if e[0] < ev.TRAIN_SUBSET]
    X, y, _ = matrix(entries)
    print(f"train: {len(entries)} quotes, {len(y)} candidates, {y.sum()} right")
    rule_only = np.array([1.0 if k == "rule" else 0.0 for k in QUOTE_FEATURES]) * 10 - \
        np.array([5.0 if k == "bias" else 0.0 for k in QUOTE_FEATURES])
    floor = decide(rule_only, entries, 0.5)
    print("rules alone (train): acc %.3f wrong %.3f unresolved %.3f" % floor)
    print("rules alone (first %d): acc %.3f wrong %.3f unresolved %.3f" % ((ev.TRAIN_SUBSET,) + decide(rule_only, tune, 0.5)))
    reach = [e for e in entries if e[1]]
    print("oracle (train): %.3f of named-gold quotes have a right candidate"
          % (sum(any(ev.same_name(n, e[1]) for n, _ in e[2]) for e in reach) / len(reach)))
    articles = sorted({e[0] for e in entries})
    order = np.random.RandomState(0).permutation(articles)
    folds = [set(order[i::FOLDS].tolist()) for i in range(FOLDS)]
    thresholds = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05)]
    best = None
    for C in (0.03, 0.1, 0.3, 1.0, 3.0):
        sums = {t: np.zeros(3) for t in thresholds}
        for fold in folds:
            Xf, yf, _ = matrix([e for e in entries if e[0] not in fold])
            w = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(Xf, yf).coef_[0]
            held = [e for e in entries if e[0] in fold]
            n = sum(1 for e in held if e[1])
            for t in thresholds:
                sums[t] += np.array(decide(w, held, t)) * n
        total = sum(1 for e in entries if e[1])
        for t in thresholds:
            acc, wrong, none = sums[t] / total
            if acc >= floor[0] and (best is None or (-round(wrong, 4), acc) > best[0]):
                best = ((-round(wrong, 4), acc), C, t, acc, wrong, none)
        print(f"C={C} (out of fold): " + "  ".join("t=%.2f %.3f/%.3f/%.3f" % ((t,) + tuple(sums[t] / total))
                                                  for t in (0.2, 0.35, 0.5, 0.65)))
    score, C, t, acc, wrong, none = best
    w = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(X, y).coef_[0]
    print(f"chosen C={C} threshold={t}: out of fold acc {acc:.3f} wrong {wrong:.3f} unresolved {none:.3f}")
    print("fitted on all train, on the first %d: acc %.3f wrong %.3f unresolved %.3f"
          % ((ev.TRAIN_SUBSET,) + decide(w, tune, t)))
    for k, v in sorted(zip(QUOTE_FEATURES, w), key=lambda kv: -abs(kv[1])):
        print(f"  {k:16s} {v:+.3f}")
    if args.write:
        OUT.write_text(json.dumps({
            "model": "logistic regression over quote-speaker candidates (benchmarks/train_speaker.py)",
            "data": f"polnear-train, all {len(articles)} articles (fit); C and threshold by {FOLDS}-fold "
                    "cross-validation over them",
            "C": C, "threshold": t, "features": QUOTE_FEATURES,
            "weights": [round(float(v), 4) for v in w]}, indent=1) + "\n")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
