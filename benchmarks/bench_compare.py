"""Speed and memory of both phases of `storylens compare`, written to
benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_compare.py [--repeat 3]

Every figure is a median of CPU time over repeated runs in one process, next
to the bare spaCy parse of the same texts measured in the same process (the
floor the article phase cannot beat). Inputs: the seed pair, and 10, 40 and
80 full-length BASIL articles. Needs ../shared.

Both sides are measured alike: every timed block starts after a full garbage
collection (so a collection set off by one block's garbage does not fall in
the next), and the parse and the article phase take turns at going first.
Small inputs are timed several times per run, the sides alternating, so that
each side's share of a run lasts at least `MIN_LAP_SECONDS`: a single parse
of the seed pair is too short to outlast a burst of load from other
processes, which made its single-run ratios spread from 0.9 to 1.7.
Each timed storylens block also starts with storylens's memo caches empty
(`cold_caches`): the benchmark analyses the same texts again and again, and
caches keyed by a text or a name would otherwise serve a repeat what a user's
first run has to compute.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
BATCH_SIZE = 16  # `analyze_articles`'s default batch
MIN_LAP_SECONDS = 0.6  # each side's share of a lap, at least (see `turns` in `main`)


def median_time(fn, repeat: int) -> float:
    """Median CPU seconds of this process (not wall time: the machine is shared).
    Each run starts from a full collection, so no run pays for the garbage
    of the block before it."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def cold_caches() -> None:
    """Empty every memo cache of the loaded storylens modules that is keyed by
    data (a text, a name, a word): all `functools` caches but the one-slot
    loaders of models and word lists, which a user's process also fills once."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("storylens.") or module is None:
            continue
        for obj in vars(module).values():
            params = getattr(obj, "cache_parameters", None)
            if callable(params) and params().get("maxsize") != 1 and getattr(obj, "__module__", None) == name:
                obj.cache_clear()


def cold(fn):
    """`fn`, run after `cold_caches`."""
    def run():
        cold_caches()
        return fn()
    return run


def basil_articles(n: int):
    """The first `n` full-length BASIL articles, in file order."""
    from storylens.models import Article

    out = []
    for line in (SHARED / "data" / "basil-2010-2014.jsonl").open():
        r = json.loads(line)
        out.append(Article(id=f"{len(out)}", text=r["text"], outlet=r["outlet"], title=r["title"]))
        if len(out) == n:
            break
    return out


def ten_articles():
    return basil_articles(10)


def cold_process(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def end_to_end(seeds: list[Path], repeat: int) -> float:
    """Median wall seconds of the whole command (a child process: CPU time of
    this one would not see it)."""
    cli = Path(sys.executable).with_name("storylens")
    cmd = [str(cli), "compare", *map(str, seeds), "--format", "json", "-o", "/dev/null", "--quiet"]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


PEAK = """
import resource, sys
sys.path.insert(0, {bench!r})
from bench_compare import basil_articles
from storylens import compare
compare(basil_articles(80))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

LOAD = """
import time
t = time.perf_counter()
from storylens.analyze import load_nlp, load_embedder
load_nlp(); load_embedder()
print(time.perf_counter() - t)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if len(seeds) < 2:
        sys.exit("bench_compare: ../shared/seeds is missing; the benchmark needs the seed pair")

    from storylens.analyze import load_nlp
    from storylens.features import ArticleFeatures
    from storylens.ingest import load
    from storylens.pipeline import analyze_articles, compare_features

    nlp = load_nlp()
    inputs = [("seed pair", [load(p) for p in seeds])] + [
        (f"{n} BASIL articles", basil_articles(n)) for n in (10, 40, 80)]
    compare_features(list(analyze_articles(inputs[0][1])))  # warm-up: models loaded, caches filled

    rows = []
    for name, articles in inputs:
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)
        features = list(analyze_articles(articles))
        blobs = [f.to_bytes() for f in features]
        # Each repeat times the floor, the article phase and the story phase
        # back to back and keeps their ratio: on a shared machine the load
        # drifts between blocks of repeats, much less within one repeat. The
        # floor parses in the article phase's own batches (BATCH_SIZE), so
        # batching flatters neither side.
        # Odd repeats time the article phase before the floor, even ones after
        # it, so neither side always runs on the caches the other left warm.
        sides = {"parse": lambda: list(nlp.pipe(texts, batch_size=BATCH_SIZE)),
                 "article": cold(lambda: list(analyze_articles(articles)))}
        # A lap of a small input times each side several times, taking
        # turns (parse, article, article, parse, ...), and sums them: one
        # parse of the seed pair lasts a fifth of a second, short enough for
        # a burst of load on the shared machine to swing a single ratio by a
        # third.
        turns = max(1, math.ceil(MIN_LAP_SECONDS / median_time(sides["parse"], 1)))
        laps = []
        for lap in range(args.repeat):
            timed = {"parse": 0.0, "article": 0.0}
            for turn in range(turns):
                order = ("parse", "article") if (lap + turn) % 2 == 0 else ("article", "parse")
                for side in order:
                    timed[side] += median_time(sides[side], 1) / turns
            parse, article_phase = timed["parse"], timed["article"]
            load_s = sum(median_time(lambda: [ArticleFeatures.from_bytes(b) for b in blobs], 1)
                         for _ in range(turns)) / turns
            story_phase = sum(median_time(cold(lambda: compare_features([ArticleFeatures.from_bytes(b) for b in blobs])),
                                          1) for _ in range(turns)) / turns - load_s
            laps.append((parse, article_phase, story_phase, load_s))
        parse, article_phase, story_phase, load_s = (statistics.median(col) for col in zip(*laps))
        rows.append({"name": name, "words": words, "parse": parse, "article": article_phase,
                     "story": story_phase, "bytes": statistics.median(map(len, blobs)),
                     "load": load_s / len(blobs),
                     "ratios": sorted((a + s) / p for p, a, s, _ in laps)})
        print(rows[-1], flush=True)

    model_load = cold_process(LOAD, 3)
    peak_mb = float(subprocess.run([sys.executable, "-c", PEAK.format(bench=str(ROOT / "benchmarks"))],
                                   capture_output=True, text=True, check=True).stdout.split()[-1])
    e2e = end_to_end(seeds, 3)
    report = render(rows, model_load, peak_mb, e2e, args.repeat)
    RESULTS.write_text(report)
    print(report)


def render(rows, model_load, peak_mb, e2e, repeat) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_compare.py --repeat {repeat}`  ",
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"run on {time.strftime('%Y-%m-%d')}. Medians of {repeat} warm runs of CPU time in one process; "
        "each run times the parse, the article phase and the story phase back to back.",
        "",
        "| input | words | spaCy parse (floor) | article phase | story phase | compare / parse (median; all runs) "
        "| parse / story phase | features per article | load per article |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        runs = ", ".join(f"{x:.2f}" for x in r["ratios"])
        lines.append(
            f"| {r['name']} | {r['words']} | {r['parse'] * 1000:.0f} ms | {r['article'] * 1000:.0f} ms | "
            f"{r['story'] * 1000:.0f} ms | {statistics.median(r['ratios']):.2f}× ({runs}) | "
            f"{r['parse'] / max(r['story'], 1e-9):.0f}× | {r['bytes'] / 1024:.0f} KiB | {r['load'] * 1000:.1f} ms |")
    lines += [
        "",
        "- *article phase*: parse plus per-article features (sentence vectors, quotes, citations, claims, actors);",
        "  *story phase*: `compare_features` on features loaded from bytes (load time excluded, shown per article).",
        f"- Model load (spaCy + wordllama, fresh process, median of 3): {model_load:.2f} s",
        f"- Peak memory, fresh process comparing 80 BASIL articles: {peak_mb:.0f} MB",
        f"- `storylens compare` on the seed pair end to end (process start to output, median of 3): {e2e:.2f} s",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
