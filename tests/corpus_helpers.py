"""Shared helpers for the corpus-mode tests."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "tests" / "fixtures" / "corpus" / "events.jsonl"


def event_records() -> list[dict]:
    return [json.loads(line) for line in EVENTS.open(encoding="utf-8")]


def synthetic_jsonl(path: Path, n: int) -> Path:
    """n distinct articles made from the fixture sentences (a counter keeps
    each text unique), for kill and concurrency tests."""
    recs = event_records()
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            r = recs[i % len(recs)]
            handle.write(json.dumps({"id": f"syn{i}", "outlet": r["outlet"], "date": r["date"],
                                     "title": r["title"], "text": f"Update {i}. " + r["text"]}) + "\n")
    return path


def run_cli(*args, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "storylens", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
