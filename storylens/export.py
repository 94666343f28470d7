"""Export the corpus as one row per article, for pandas, polars or DuckDB.

Each row: the article's fields, its `story_id`, and, where the story's
comparison is cached (`storylens story` or `storylens outlets` made it), the
facts, substitutions and quotes that involve this article. Lists are nested in
JSON Lines and Parquet, JSON-encoded strings in CSV.

    >>> export(Store("storylens.db"), "articles.jsonl", "jsonl")   # doctest: +SKIP
    150
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import zlib
from pathlib import Path
from typing import IO, Iterator

from .corpus import comparison_key
from .errors import ModelUnavailable, UsageError
from .models import Comparison
from .store import Store

FORMATS = ("jsonl", "csv", "parquet")
COLUMNS = ("id", "story_id", "outlet", "date", "title", "url", "text", "facts", "substitutions", "quotes")


def rows(store: Store) -> Iterator[dict]:
    """Export rows, streamed in arrival order."""
    findings: dict[str, dict[str, list]] = {}
    for story in store.list_stories():
        data = store.get_comparison(comparison_key(story["articles"])) if len(story["articles"]) > 1 else None
        if data is not None:
            findings.update(_by_article(Comparison.model_validate_json(zlib.decompress(data))))
    for row in store.iter_articles():
        found = findings.get(row["id"], {})
        yield {
            "id": row["id"], "story_id": row["story_id"], "outlet": row["outlet"],
            "date": row["date"].isoformat() if row["date"] else None, "title": row["title"],
            "url": row["url"], "text": row["text"], "facts": found.get("facts", []),
            "substitutions": found.get("substitutions", []), "quotes": found.get("quotes", []),
        }


def _by_article(c: Comparison) -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {a.id: {"facts": [], "substitutions": [], "quotes": []} for a in c.articles}
    for fact in c.facts:
        for claim in fact.claims:
            out[claim.article]["facts"].append({"id": fact.id, "what": fact.what, "kind": fact.kind,
                                                "status": fact.status, "text": claim.text, "value": claim.value})
    for sub in c.substitutions:
        entry = {"from": sub.from_, "to": sub.to, "count": sub.count, "category": sub.category,
                 "from_article": sub.from_article, "to_article": sub.to_article}
        for aid in {sub.from_article, sub.to_article}:
            out[aid]["substitutions"].append(entry)
    for quote in c.quotes:
        for mention in quote.mentions:
            out[mention.article]["quotes"].append({"id": quote.id, "speaker": mention.speaker,
                                                   "text": mention.text})
    return out


def export(store: Store, target: str | os.PathLike | IO[str], fmt: str = "jsonl") -> int:
    """Write every article row to `target` (a path, '-' or a text stream); return the count."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        return _parquet(store, target)
    if isinstance(target, (str, os.PathLike)) and os.fspath(target) != "-":
        path = Path(target)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                n = _write(store, handle, fmt)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return n
    return _write(store, sys.stdout if not hasattr(target, "write") else target, fmt)


def _write(store: Store, handle: IO[str], fmt: str) -> int:
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
    for row in rows(store):
        if fmt == "jsonl":
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})
        n += 1
    return n


def _parquet(store: Store, target) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ModelUnavailable("parquet export needs the package pyarrow, which is not installed "
                               "(pip install pyarrow); jsonl and csv work without it") from None
    if not isinstance(target, (str, os.PathLike)) or os.fspath(target) == "-":
        raise UsageError("parquet export needs an output file (-o FILE)")
    table = pa.Table.from_pylist(list(rows(store)))
    path = Path(target)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return table.num_rows
