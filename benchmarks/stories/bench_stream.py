"""Corpus throughput: ingest + story assignment of a 10,000-article stream,
the baseline's time at the same sizes, and `analyze` against the bare parse.

The stream recombines paragraphs of the shared data (seeded, so every run
sees the same articles): each synthetic article takes a real title and 2-4
paragraphs from articles of one real event, with dates spread over a year.
Writes STREAM.md here.

    python benchmarks/stories/bench_stream.py [--n 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

from storylens.corpus_ingest import ingest  # noqa: E402
from storylens.models import Article  # noqa: E402
from storylens.store import Store  # noqa: E402


def stream(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    events = defaultdict(list)
    for name in ("allsides-2021.jsonl", "basil-2010-2014.jsonl"):
        for line in (DATA / name).open(encoding="utf-8"):
            r = json.loads(line)
            events[r["story"]].append(r)
    keys = sorted(events)
    start = dt.date(2024, 1, 1)
    out = []
    for i in range(n):
        members = events[keys[rng.randrange(len(keys))]]
        paras = [p for r in members for p in r["text"].split("\n\n") if p.strip()]
        body = "\n\n".join(rng.sample(paras, min(len(paras), rng.randint(2, 4))))
        src = rng.choice(members)
        out.append(Article(id=f"syn{i}", outlet=src["outlet"], title=src["title"], text=body,
                           date=start + dt.timedelta(days=i * 365 // n), url=f"https://example.org/syn/{i}"))
    return out


def rss_mb() -> float:
    """Resident memory now (not the peak), MB."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu() -> float:
    """CPU seconds of this process (every thread) and of its finished children:
    the machine is shared, so wall-clock time says little."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def baseline_cpu(articles: list[Article]) -> float:
    """CPU seconds of the baseline: TF-IDF (title twice + text, sublinear tf,
    English stop words) and average-link agglomerative clustering on cosine
    distance at 0.8. The distances come from one sparse product (the same
    clustering as `metric="cosine"` on the dense matrix, which at 10k articles
    would need a 10k x vocabulary dense array)."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    t = cpu()
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [f"{a.title} {a.title} {a.text}" for a in articles])
    distance = 1.0 - (x @ x.T).toarray()        # rows are unit length
    np.clip(distance, 0.0, None, out=distance)
    np.fill_diagonal(distance, 0.0)
    AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                            distance_threshold=0.8).fit_predict(distance)
    del distance
    return cpu() - t


def analyze_rate(articles: list[Article]) -> dict:
    """Articles per CPU second: bare spaCy parse; `analyze --workers 1`; and
    `--workers 2` (CPU of the workers included; wall rate beside it)."""
    from storylens.analyze import load_nlp
    from storylens.corpus import analyze_corpus

    nlp = load_nlp()
    list(nlp.pipe(["Warm up the pipeline."]))
    t = cpu()
    for _ in nlp.pipe((a.text for a in articles), batch_size=16):
        pass
    out = {"bare": len(articles) / (cpu() - t)}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "a.db")
            ingest(articles, store)
            t, w = cpu(), time.perf_counter()
            analyze_corpus(store, workers=workers)
            out[f"w{workers}"] = len(articles) / (cpu() - t)
            out[f"w{workers}_wall"] = len(articles) / (time.perf_counter() - w)
            store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--analyze", type=int, default=200, help="articles for the analyze benchmark (0: skip)")
    args = parser.parse_args()
    articles = stream(args.n)
    marks = [m for m in (1000, 5000, 10000) if m <= args.n] or [args.n]
    rows = []
    from storylens.stories import compute_signals

    compute_signals(articles[:2])               # load the embedding model outside the timing
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "stream.db")
        from storylens.corpus_ingest import corpus_index

        index = corpus_index(store)
        rss0 = rss_mb()
        done, c0, w0 = 0, cpu(), time.perf_counter()
        for mark in marks:
            ingest(articles[done:mark], store, index=index)
            done = mark
            seconds = cpu() - c0
            rows.append({"n": mark, "cpu_seconds": seconds, "rate": mark / seconds,
                         "wall_seconds": time.perf_counter() - w0, "rss_growth_mb": rss_mb() - rss0,
                         "stories": len(index.groups())})
            print(json.dumps(rows[-1]), flush=True)
        store.close()
    for row in rows:
        row["baseline_cpu"] = baseline_cpu(articles[:row["n"]])
        print(json.dumps(row), flush=True)
    lines = ["# Corpus throughput", "",
             "Generated by `benchmarks/stories/bench_stream.py` on a 2-core machine shared with other "
             "jobs, so times are CPU seconds of this process (all threads), not wall-clock. "
             "Ingest = read, deduplicate, signals (wordllama vector, MinHash, names, terms), story "
             "assignment and SQLite commits in batches of 256; no parse. One stream, one store, one "
             "index: each row is cumulative.", "",
             "| articles | ingest + grouping CPU s | articles per CPU s | wall s | RSS growth MB | stories | "
             "baseline CPU s (TF-IDF + average-link) | baseline / ours |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['cpu_seconds']:.1f} | {r['rate']:.0f} | {r['wall_seconds']:.1f} | "
                     f"{r['rss_growth_mb']:.0f} | {r['stories']:,} | {r['baseline_cpu']:.1f} | "
                     f"{r['baseline_cpu'] / r['cpu_seconds']:.2f}× |")
    if args.analyze:
        a = analyze_rate(articles[:args.analyze])
        print(json.dumps(a), flush=True)
        lines += ["", f"`storylens analyze` on {args.analyze} stream articles, articles per CPU second: "
                  f"bare spaCy parse {a['bare']:.1f}; analyze --workers 1: {a['w1']:.1f}; "
                  f"--workers 2: {a['w2']:.1f} (wall: {a['w2_wall']:.1f} articles/s over 2 cores). "
                  f"analyze / bare parse: {a['w1'] / a['bare']:.2f}.", ""]
    (HERE / "STREAM.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
