"""Web app benchmark: page latency and 50 concurrent clients on loopback.

    python benchmarks/bench_web.py --db storylens-bench.db [--build]

`--build` first ingests ../shared/data/basil-2010-2014.jsonl and
../shared/data/allsides-2021.jsonl into the store (a fresh file). Then:

1. starts `storylens serve` on a free 127.0.0.1 port (rate limit off: all 50
   clients come from one address) and waits until the server has compared
   every story (the warm-up the app does on start, bounded by --warm-timeout);
2. times the stories list and story pages one request at a time, warm (each
   page fetched once before timing);
3. runs 50 clients for 10 s, each looping over a mix of the stories list,
   searches, story pages and their JSON, and counts errors;
4. if Datasette runs (--datasette PATH to its executable), serves the same
   SQLite file with it and runs the same load on its table pages.

Everything is bounded: loopback only, fixed durations, the servers are
stopped at the end. Results go to benchmarks/web/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "web" / "RESULTS.md"
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def wait_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not come up in {timeout:.0f} s")


def build(db: Path) -> float:
    if db.exists():
        db.unlink()
    started = time.monotonic()
    for name in ("basil-2010-2014.jsonl", "allsides-2021.jsonl"):
        subprocess.run([PY, "-m", "storylens", "ingest", str(SHARED / name), "--db", str(db)], check=True,
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.monotonic() - started


def warm(base: str, timeout: float) -> tuple[int, int, float]:
    started = time.monotonic()
    while True:
        status = httpx.get(base + "/api/status", timeout=10).json()
        if status["compared"] >= status["multi_article_stories"] or time.monotonic() - started > timeout:
            return status["compared"], status["multi_article_stories"], time.monotonic() - started
        time.sleep(2)


def sequential(base: str, story_ids: list[str]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"stories list": [], "stories search": [], "story page (warm)": [],
                                     "story JSON (warm)": []}
    with httpx.Client(base_url=base, timeout=30) as c:
        for sid in story_ids:  # warm each page once
            c.get(f"/stories/{sid}")
        for _ in range(3):
            for sid in story_ids:
                for name, path in (("story page (warm)", f"/stories/{sid}"), ("story JSON (warm)", f"/api/stories/{sid}")):
                    t = time.perf_counter()
                    r = c.get(path)
                    times[name].append(time.perf_counter() - t)
                    assert r.status_code == 200, (path, r.status_code)
        for _ in range(50):
            for name, path in (("stories list", "/stories"), ("stories search", "/stories?q=police&page=1")):
                t = time.perf_counter()
                r = c.get(path)
                times[name].append(time.perf_counter() - t)
                assert r.status_code == 200
    return times


async def load(base: str, paths: list[str], clients: int = 50, seconds: float = 10.0) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(n: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(n)
        while time.monotonic() < stop:
            path = rng.choice(paths)
            t = time.perf_counter()
            try:
                r = await http.get(path)
                ok = r.status_code == 200
                key = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                ok, key = False, type(exc).__name__
            latencies.append(time.perf_counter() - t)
            if not ok:
                errors[key] = errors.get(key, 0) + 1

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    elapsed = time.monotonic() - started
    return {"requests": len(latencies), "errors": errors, "seconds": elapsed,
            "rps": len(latencies) / elapsed, "p50": pct(latencies, 50), "p99": pct(latencies, 99)}


def datasette_run(executable: str, db: Path) -> dict | None:
    port = free_port()
    proc = subprocess.Popen([executable, "serve", str(db), "--host", "127.0.0.1", "--port", str(port),
                             "--immutable", str(db), "--setting", "num_sql_threads", "3"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(base + "/-/versions.json", 60)
        name = db.stem
        tables = [r[0] for r in sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
            "select name from sqlite_master where type='table' order by name")]
        paths = [f"/{name}/{t}?_size=50" for t in tables] + [f"/{name}/{t}.json?_size=50" for t in tables]
        version = httpx.get(base + "/-/versions.json").json()["datasette"]["version"]
        result = asyncio.run(load(base, paths))
        result["version"] = version
        result["paths"] = paths[:4]
        return result
    finally:
        proc.terminate()
        proc.wait(10)


LOAD = os.getloadavg()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "storylens-bench.db")
    parser.add_argument("--build", action="store_true", help="ingest BASIL and AllSides into a fresh --db first")
    parser.add_argument("--warm-timeout", type=float, default=1800,
                        help="seconds to wait for the server to compare every story before timing")
    parser.add_argument("--outlet-budget", type=float, default=180, help="seconds to spend warming outlet profiles")
    parser.add_argument("--datasette", default=None, help="path to a datasette executable (reference run)")
    args = parser.parse_args()

    build_seconds = build(args.db) if args.build else None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([PY, "-m", "storylens", "serve", "--db", str(args.db), "--port", str(port), "--rate", "0"],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        wait_up(base + "/api/status")
        compared, total, warm_seconds = warm(base, args.warm_timeout)
        rows = []
        page = 1
        while True:
            data = httpx.get(base + "/api/stories", params={"page": page}, timeout=30).json()
            rows += data["stories"]
            if page * data["limit"] >= data["total"]:
                break
            page += 1
        multi = [r for r in rows if r["size"] >= 2]
        rng = random.Random(7)
        sample = [r["id"] for r in rng.sample(multi, min(20, len(multi)))]
        times = sequential(base, sample)
        started = time.monotonic()
        # Outlet profiles need every story of the outlet compared: warm the
        # smallest outlets' (bounded), and load only those that are ready.
        outlets = []
        for o in sorted(httpx.get(base + "/api/outlets", timeout=30).json(), key=lambda o: o["stories"]):
            if len(outlets) >= 5 or time.monotonic() - started > args.outlet_budget:
                break
            if o["stories"] >= 2:
                try:
                    if httpx.get(base + o["url"], timeout=args.outlet_budget).status_code == 200:
                        outlets.append(o["url"])
                except httpx.HTTPError:
                    pass
        paths = (["/stories", "/stories?q=police", "/api/stories", "/stories?page=2"] * 5
                 + [f"/stories/{s}" for s in sample] + [f"/api/stories/{s}" for s in sample[:10]] + outlets)
        loaded = asyncio.run(load(base, paths))
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()

    reference = None
    if args.datasette:
        try:
            reference = datasette_run(args.datasette, args.db)
        except Exception as exc:  # the reference is optional
            reference = {"error": repr(exc)}

    write(args, build_seconds, rows, multi, compared, total, warm_seconds, times, loaded, reference, paths)
    print(OUT.read_text())


def write(args, build_seconds, rows, multi, compared, total, warm_seconds, times, loaded, reference, paths) -> None:
    ms = lambda s: f"{1000 * s:.1f}"  # noqa: E731
    lines = [
        "# Web app benchmark", "",
        f"`python benchmarks/bench_web.py --db {args.db.name}{' --build' if args.build else ''}"
        f"{' --datasette …' if args.datasette else ''}` on {platform.platform()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}. "
        f"Load average during the run: {LOAD[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        "(other work shared the machine).", "",
        f"Store: {args.db.name}, {args.db.stat().st_size / 1e6:.1f} MB, {len(rows)} stories "
        f"({len(multi)} with two or more articles) from the 150 BASIL articles and the 1,479 AllSides leads."
        + (f" Ingest took {build_seconds:.0f} s." if build_seconds else ""),
        f"Warm-up: the server had compared {compared} of {total} multi-article stories after {warm_seconds:.0f} s "
        "(a background thread, once per process, newest first; comparisons are kept in memory; the timed "
        "story pages were each fetched once before timing).", "",
        "## One request at a time (warm)", "",
        "| Request | n | p50 ms | p99 ms | max ms |", "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, values in times.items():
        lines.append(f"| {name} | {len(values)} | {ms(statistics.median(values))} | {ms(pct(values, 99))} | {ms(max(values))} |")
    lines += ["", "Targets: story page under 200 ms warm, stories list under 100 ms.", "",
              "## 50 concurrent clients, 10 s, loopback", "",
              f"Each client loops over a mix of the stories list, a search, page 2, the list's JSON, 20 story pages, "
              f"10 story JSONs and {sum(p.startswith('/outlets/') for p in paths)} outlet profiles. Rate limiting is off for this run (`--rate 0`): every client "
              "comes from 127.0.0.1.", "",
              "| Server | requests | req/s | p50 ms | p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: | --- |",
              _load_row("storylens serve", loaded)]
    if reference and "error" not in reference:
        lines.append(_load_row(f"Datasette {reference['version']} (same SQLite file, table pages)", reference))
    lines.append("")
    if reference is None:
        lines.append("Datasette was not run (no --datasette).")
    elif "error" in reference:
        lines.append(f"Datasette did not run: {reference['error']}")
    else:
        lines.append("Datasette serves the same SQLite file (`--immutable`) and the clients fetch its HTML and JSON "
                     "table pages (50 rows), e.g. " + ", ".join(f"`{p}`" for p in reference["paths"][:2])
                     + ". It is a reference point for serving this file, not the same work: storylens pages "
                       "render comparisons.")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


def _load_row(name: str, r: dict) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "none"
    return f"| {name} | {r['requests']} | {r['rps']:.0f} | {1000 * r['p50']:.1f} | {1000 * r['p99']:.1f} | {errors} |"


if __name__ == "__main__":
    main()
