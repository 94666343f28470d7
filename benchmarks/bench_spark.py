"""Spark against local mode on the same stream: articles/s per stage, and Spark's overhead.

    PYTHONPATH=. SPARK_LOCAL_IP=127.0.0.1 .venv/bin/python benchmarks/bench_spark.py \
        [--sizes 1000 10000] [--feature-sample 300] [--master local[2]]

The stream is AllSides (../shared/data/allsides-2021.jsonl) repeated to the
size wanted: each copy is moved 400 days later and each text gets a copy
number, so copies are new articles (no duplicates: another text and URL).
They are near-duplicates of their originals, though, and the rule puts a
near-duplicate in its twin's story whatever the date: copies join the
original's stories (10,000 articles make about 514 stories, and blocks grow
with the number of copies). Measured that way on 2026-11-22; a stream whose
copies are new stories would need reworded texts.

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


def tree_cpu(root: int | None = None) -> float:
    """CPU seconds (user + system) of this process and all its descendants,
    live or already reaped: the driver, the JVM, the Python workers. On a
    shared machine this, not wall time, is the fair cost of a stage."""
    root = root or os.getpid()
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        times[pid] = sum(int(x) for x in fields[11:15]) / tick   # utime stime cutime cstime
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


class Clock:
    """Wall and tree-CPU seconds since the last `lap`."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), tree_cpu()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), tree_cpu()
        out = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return out


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
    """Local mode in this process: `storylens ingest` (signals + the online
    rule + the store), then the parse and the story phase on the sample."""
    from storylens.corpus import Corpus, row_article
    from storylens.features import analyze_articles
    from storylens.pipeline import compare_features

    corpus = Corpus(work / "local.db")
    clock = Clock()
    report = corpus.ingest([str(src)])
    stories = clock.lap()
    if not features_on:
        return {"articles": report.added, "stories": stories, "features_n": 0}
    rows = corpus.store.get_articles()[:features_on]          # arrival order
    clock.lap()
    feats = {f.id: f for f in analyze_articles([row_article(r) for r in rows])}
    features = clock.lap()
    groups: dict[int, list] = {}
    for r in rows:
        groups.setdefault(r["story_id"], []).append(feats[r["id"]])
    clock.lap()
    compared = sum(1 for g in groups.values() if len(g) >= 2 and compare_features(g))
    compare = clock.lap()
    return {"articles": report.added, "stories": stories, "features_n": len(rows), "features": features,
            "comparisons": compared, "compare": compare}


def spark_run(spark, src: Path, features_on: int, work: Path) -> dict:
    """`run_ingest` twice: story assignment on the whole stream (no parse),
    then every stage on the first `features_on` lines. Each stage's wall and
    CPU seconds are read when the job reports it done."""
    from storylens.spark import run_ingest

    def timed(path: Path, out: Path, **kwargs):
        laps: dict[str, list[float]] = {}
        clock = Clock()

        def log(message: str) -> None:
            name = message.split(":")[0].split()[0]
            wall, cpu = clock.lap()
            old = laps.get(name, [0.0, 0.0])
            laps[name] = [old[0] + wall, old[1] + cpu]

        total = Clock()
        result = run_ingest(spark, str(path), str(out), log=log, **kwargs)
        laps["rest"] = list(clock.lap())   # counts and the result summary after the last stage
        return result, laps, total.lap()

    stories, story_laps, story_total = timed(src, work / "spark-stories", features=False)
    base = {"articles": stories.articles, "stories_total": story_total, "story_stages": story_laps,
            "largest_block": stories.largest_block, "blocks": stories.blocks, "stories_n": stories.stories}
    if not features_on:
        return {**base, "features_n": 0}
    sample = work / "sample.jsonl"
    with src.open(encoding="utf-8") as inp, sample.open("w", encoding="utf-8") as out:
        for i, line in enumerate(inp):
            if i >= features_on:
                break
            out.write(line)
    full, full_laps, full_total = timed(sample, work / "spark-full")
    return {**base, "features_n": full.articles, "features": tuple(full_laps.get("features", (0.0, 0.0))),
            "compare": tuple(full_laps.get("comparisons", (0.0, 0.0))), "comparisons": full.comparisons,
            "full_total": full_total, "full_stages": full_laps}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--feature-sample", type=int, default=300)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    from storylens.spark import get_session

    clock = Clock()
    spark = get_session(args.master)
    spark.range(1).count()
    startup = clock.lap()
    rows = []
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix=f"bench-spark-{n}-"))
        src = stream(work / "stream.jsonl", n)
        # Features and comparisons on the stream's first `--feature-sample`
        # articles at every size, so each stage's growth shows.
        sample = min(n, args.feature_sample)
        local = local_run(src, sample, work)
        remote = spark_run(spark, src, sample, work)
        rows.append((n, local, remote))
        print(json.dumps({"n": n, "local": local, "spark": remote}, default=str), flush=True)
        shutil.rmtree(work, ignore_errors=True)
    spark.stop()
    write(rows, args, startup)


def write(rows, args, startup) -> None:
    rate = lambda n, s: f"{n / s:,.0f}" if s else "–"  # noqa: E731
    story_keys = ("articles", "signals", "blocks", "stories")
    lines = ["# Spark against local mode", "",
             f"`python benchmarks/bench_spark.py --sizes {' '.join(map(str, args.sizes))} "
             f"--feature-sample {args.feature_sample} --master {args.master}`, {dt.date.today()}, "
             f"{os.cpu_count()} cores shared with other jobs (load average "
             f"{os.getloadavg()[0]:.1f} at the end). Spark session start: {startup[0]:.1f} s wall, "
             f"{startup[1]:.1f} s CPU, not counted below.", "",
             "Articles per second, from wall time and from CPU time (user + system of every process: "
             "for Spark the driver, the JVM and the Python workers; local mode is one process). "
             "On a machine other jobs share, the CPU columns are the comparable ones.", "",
             "| articles | stage | local /s (wall) | Spark /s (wall) | local /s (CPU) | Spark /s (CPU) "
             "| Spark / local CPU |", "|---:|---|---:|---:|---:|---:|---:|"]
    for n, lo, sp in rows:
        sw = sum(sp["story_stages"].get(k, (0, 0))[0] for k in story_keys)
        sc = sum(sp["story_stages"].get(k, (0, 0))[1] for k in story_keys)
        lw, lc = lo["stories"]
        lines.append(f"| {n:,} | story assignment (read, signals, blocks, rule) | {rate(n, lw)} | {rate(n, sw)} | "
                     f"{rate(n, lc)} | {rate(n, sc)} | {sc / lc:.1f}× |")
        m = lo["features_n"]
        for label, key in ((("features (parse)", "features"), (f"comparisons ({sp['comparisons']} stories)", "compare"))
                           if m else ()):
            (lw, lc), (sw, sc) = lo[key], sp[key]
            lines.append(f"| {m:,} | {label} | {rate(m, lw)} | {rate(m, sw)} | {rate(m, lc)} | {rate(m, sc)} | "
                         f"{sc / max(lc, 1e-9):.1f}× |")
    lines += ["", "Spark stages of the story run, wall s / CPU s:", "",
              "| articles | read | signals | blocks | rule | after | blocks (largest) | stories |",
              "|---:|" + "---:|" * (len(story_keys) + 3)]
    for n, _, sp in rows:
        st = sp["story_stages"]
        lines.append(f"| {n:,} | " + " | ".join(f"{st.get(k, (0, 0))[0]:.1f} / {st.get(k, (0, 0))[1]:.1f}"
                                              for k in story_keys)
                     + f" | {st['rest'][0]:.1f} / {st['rest'][1]:.1f} | {sp['blocks']:,} ({sp['largest_block']}) "
                       f"| {sp['stories_n']:,} |")
    lines += ["", "Overhead of Spark over local mode, whole runs (wall s / CPU s):", "",
              "| articles | local stories | Spark stories run | local sample (features + comparisons) "
              "| Spark sample run (all stages) |", "|---:|---:|---:|---:|---:|"]
    for n, lo, sp in rows:
        if not lo["features_n"]:
            lines.append(f"| {n:,} | {lo['stories'][0]:.1f} / {lo['stories'][1]:.1f} | {sp['stories_total'][0]:.1f} / "
                         f"{sp['stories_total'][1]:.1f} | (the same sample) | |")
            continue
        lf = (lo["features"][0] + lo["compare"][0], lo["features"][1] + lo["compare"][1])
        lines.append(f"| {n:,} | {lo['stories'][0]:.1f} / {lo['stories'][1]:.1f} | {sp['stories_total'][0]:.1f} / "
                     f"{sp['stories_total'][1]:.1f} | {lf[0]:.1f} / {lf[1]:.1f} ({lo['features_n']}) | "
                     f"{sp['full_total'][0]:.1f} / {sp['full_total'][1]:.1f} |")
    lines += ["", "Raw figures: " + json.dumps([{"n": n, "local": lo, "spark": sp} for n, lo, sp in rows],
                                                default=str), ""]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(OUT.read_text())


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
