"""Spark against local mode on the same stream: articles/s per stage, and Spark's overhead.

    PYTHONPATH=. SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/bench_spark.py \
        [--sizes 1000 10000] [--feature-sample 300] [--master local[2]]

The stream is AllSides (../shared/data/allsides-2021.jsonl) repeated to the
size wanted: each copy is moved 400 days later and each text gets a copy
number, so copies are new articles and new stories (no duplicates, no
cross-copy merges) with AllSides' own mix of concurrent stories.

Stages timed, each in local mode (one process: what `storylens ingest` and
`storylens analyze` do) and in Spark (`run_ingest`, its own stage timings):
- story assignment: signals + the online rule (local: `Corpus.ingest`);
- features: the article phase (parse); on `--feature-sample` articles when
  the full stream would take too long on this machine;
- comparisons: the story phase over the sample's stories.
Writes benchmarks/spark/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLSIDES = ROOT.parent / "shared" / "data" / "allsides-2021.jsonl"
OUT = ROOT / "benchmarks" / "spark" / "RESULTS.md"


def stream(path: Path, n: int) -> Path:
    records = [json.loads(line) for line in ALLSIDES.open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            copy, r = divmod(i, len(records))
            rec = records[r]
            date = dt.date.fromisoformat(rec["date"]) + dt.timedelta(days=400 * copy)
            handle.write(json.dumps({**rec, "id": f"{rec['id']}-c{copy}", "date": date.isoformat(),
                                     "url": f"{rec['url']}#c{copy}",
                                     "text": f"Copy {copy}. {rec['text']}" if copy else rec["text"]}) + "\n")
    return path


def local_run(src: Path, features_on: int, work: Path) -> dict:
    from storylens.corpus import Corpus
    from storylens.features import analyze_articles
    from storylens.pipeline import compare_features

    corpus = Corpus(work / "local.db")
    start = time.perf_counter()
    report = corpus.ingest([str(src)])
    stories_s = time.perf_counter() - start
    rows = corpus.store.get_articles()[:features_on]
    from storylens.corpus import row_article
    start = time.perf_counter()
    feats = {f.id: f for f in analyze_articles([row_article(r) for r in rows])}
    features_s = time.perf_counter() - start
    groups: dict[int, list] = {}
    for r in rows:
        groups.setdefault(r["story_id"], []).append(feats[r["id"]])
    start = time.perf_counter()
    compared = sum(1 for g in groups.values() if len(g) >= 2 and compare_features(g))
    compare_s = time.perf_counter() - start
    return {"articles": report.added, "stories_s": stories_s, "features_n": len(rows),
            "features_s": features_s, "comparisons": compared, "compare_s": compare_s}


def spark_run(spark, src: Path, features_on: int, work: Path) -> dict:
    from storylens.spark import run_ingest

    start = time.perf_counter()
    stories = run_ingest(spark, str(src), str(work / "spark-stories"), features=False)
    total_stories = time.perf_counter() - start
    sample = work / "sample.jsonl"
    with src.open(encoding="utf-8") as inp, sample.open("w", encoding="utf-8") as out:
        for i, line in enumerate(inp):
            if i >= features_on:
                break
            out.write(line)
    start = time.perf_counter()
    full = run_ingest(spark, str(sample), str(work / "spark-full"))
    total_full = time.perf_counter() - start
    return {"articles": stories.articles, "stories_total_s": total_stories, "stage_s": stories.seconds,
            "features_n": full.articles, "features_s": full.seconds.get("features", 0.0),
            "compare_s": full.seconds.get("comparisons", 0.0), "comparisons": full.comparisons,
            "full_total_s": total_full, "full_stage_s": full.seconds, "largest_block": stories.largest_block,
            "blocks": stories.blocks}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--feature-sample", type=int, default=300)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    from storylens.spark import get_session

    spark = get_session(args.master)
    rows = []
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-spark-{n}-"))
        src = stream(work / "stream.jsonl", n)
        sample = min(n, args.feature_sample)
        local = local_run(src, sample, work)
        remote = spark_run(spark, src, sample, work)
        rows.append((n, local, remote))
        print(json.dumps({"n": n, "local": local, "spark": remote}, default=str), flush=True)
        shutil.rmtree(work, ignore_errors=True)
    spark.stop()
    write(rows, args)


def write(rows, args) -> None:
    rate = lambda n, s: f"{n / s:,.1f}" if s else "–"  # noqa: E731
    lines = ["# Spark against local mode", "",
             f"`python benchmarks/bench_spark.py --sizes {' '.join(map(str, args.sizes))} "
             f"--feature-sample {args.feature_sample} --master {args.master}`, {dt.date.today()}, "
             f"{os.cpu_count()} cores. Articles per second (higher is better).", "",
             "| articles | stage | local | Spark | Spark / local time |", "|---:|---|---:|---:|---:|"]
    for n, lo, sp in rows:
        story_s = sum(sp["stage_s"].get(k, 0) for k in ("articles", "signals", "blocks", "stories"))
        lines.append(f"| {n:,} | stories (read+signals+blocks+rule) | {rate(lo['articles'], lo['stories_s'])} | "
                     f"{rate(sp['articles'], story_s)} | {story_s / lo['stories_s']:.1f}× |")
        lines.append(f"| {lo['features_n']:,} | features (parse) | {rate(lo['features_n'], lo['features_s'])} | "
                     f"{rate(sp['features_n'], sp['features_s'])} | {sp['features_s'] / lo['features_s']:.1f}× |")
        lines.append(f"| {lo['features_n']:,} | comparisons ({sp['comparisons']} stories) | "
                     f"{rate(lo['features_n'], lo['compare_s'])} | {rate(sp['features_n'], sp['compare_s'])} | "
                     f"{sp['compare_s'] / max(lo['compare_s'], 1e-9):.1f}× |")
    lines += ["", "Spark stage seconds (story run): " + "; ".join(
        f"{n:,}: {json.dumps(sp['stage_s'])}, {sp['blocks']} blocks, largest {sp['largest_block']}" for n, _, sp in rows), ""]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(OUT.read_text())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
