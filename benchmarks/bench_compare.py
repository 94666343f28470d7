"""Speed and memory of `storylens compare`, written to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_compare.py [--repeat 7]

Every figure is a median over repeated runs in one process, next to the bare
spaCy parse of the same texts measured in the same process (the floor the
pipeline cannot beat). Needs ../shared (the seed pair and BASIL articles).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stage_times(compare, articles, repeat: int) -> dict[str, float]:
    """Median seconds per pipeline stage, from the progress callback's ticks."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        marks: list[tuple[str, float]] = []
        compare(articles, progress=lambda stage: marks.append((stage, time.perf_counter())))
        marks.append(("end", time.perf_counter()))
        runs.append({a[0]: b[1] - a[1] for a, b in zip(marks, marks[1:])})
    return {stage: statistics.median(r[stage] for r in runs) for stage in runs[0]}


def ten_articles(words: int = 800):
    """Ten real BASIL articles cut to about `words` words at a paragraph end."""
    from storylens.models import Article

    records = [json.loads(line) for line in (SHARED / "data" / "basil-2010-2014.jsonl").open()]
    records = [r for r in records if len(r["text"].split()) >= words][:10]
    articles = []
    for r in records:
        kept, count = [], 0
        for para in r["text"].split("\n\n"):
            if count >= words:
                break
            kept.append(para)
            count += len(para.split())
        articles.append(Article(text="\n\n".join(kept), outlet=r["outlet"], title=r["title"]))
    return articles


def cold_process(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def end_to_end(seeds: list[Path], repeat: int) -> float:
    cli = Path(sys.executable).with_name("storylens")
    cmd = [str(cli), "compare", *map(str, seeds), "--format", "json", "-o", "/dev/null", "--quiet"]
    return median_time(lambda: subprocess.run(cmd, check=True), repeat)


PEAK = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {bench!r})
from bench_compare import ten_articles
from storylens import compare
compare(ten_articles())
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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if len(seeds) < 2:
        sys.exit("bench_compare: ../shared/seeds is missing; the benchmark needs the seed pair")

    from storylens import compare
    from storylens.analyze import load_nlp
    from storylens.ingest import load

    seed_articles = [load(p) for p in seeds]
    corpus = ten_articles()
    nlp = load_nlp()
    compare(seed_articles)  # warm-up: models loaded, caches filled

    rows = []
    for name, articles in (("seed pair", seed_articles), ("10 BASIL articles, ~800 words", corpus)):
        texts = [a.text for a in articles]
        words = sum(len(t.split()) for t in texts)
        parse = median_time(lambda: list(nlp.pipe(texts)), args.repeat)
        stages = stage_times(compare, articles, args.repeat)
        total = sum(stages.values())
        rows.append((name, words, parse, total, stages))

    load_s = cold_process(LOAD, 3)
    peak_mb = float(subprocess.run([sys.executable, "-c", PEAK.format(bench=str(ROOT / "benchmarks"))],
                                   capture_output=True, text=True, check=True).stdout.split()[-1])
    e2e = end_to_end(seeds, 3)
    report = render(rows, load_s, peak_mb, e2e, args.repeat)
    RESULTS.write_text(report)
    print(report)


def render(rows, load_s, peak_mb, e2e, repeat) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_compare.py --repeat {repeat}`  ",
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"run on {time.strftime('%Y-%m-%d')}. Medians of {repeat} warm runs in one process.",
        "",
        "| input | words | spaCy parse (floor) | compare | compare / parse | facts stage | facts / rest |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, words, parse, total, stages in rows:
        facts = stages.get("facts", 0.0)
        lines.append(f"| {name} | {words} | {parse * 1000:.0f} ms | {total * 1000:.0f} ms | "
                     f"{total / parse:.2f}× | {facts * 1000:.0f} ms | {facts / (total - facts):.0%} |")
    lines += ["", "Per stage (ms):", "", "| input | " + " | ".join(rows[0][4]) + " |",
              "|---|" + "---:|" * len(rows[0][4])]
    for name, _, _, _, stages in rows:
        lines.append(f"| {name} | " + " | ".join(f"{v * 1000:.0f}" for v in stages.values()) + " |")
    lines += [
        "",
        f"- Model load (spaCy + wordllama, fresh process, median of 3): {load_s:.2f} s",
        f"- Peak memory, fresh process comparing the 10 articles: {peak_mb:.0f} MB",
        f"- `storylens compare` on the seed pair end to end (process start to output, median of 3): {e2e:.2f} s",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
