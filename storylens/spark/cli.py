"""`storylens spark ingest`: the Spark job from the command line."""

from __future__ import annotations

import glob
import json
from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True, help="Run the corpus pipeline on Apache Spark (needs pyspark and a Java runtime: the 'spark' extra).")


@app.command()
def ingest(
    input: str = typer.Argument(..., help="JSON Lines or Parquet of articles: a path or any Hadoop URL (hdfs://, s3a://…)."),
    out: str = typer.Option(..., "--out", help="Output directory (Parquet tables); a re-run resumes it."),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master URL (default local[*])."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl or parquet (default: from the name)."),
    no_features: bool = typer.Option(False, "--no-features", help="Stop after story assignment (no parse)."),
    partitions: Optional[int] = typer.Option(None, "--partitions", help="Minimum partitions per stage."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the final summary."),
) -> None:
    """Read articles, compute features, assign stories, compare each story, profile outlets: Parquet out."""
    if "://" not in input and not glob.glob(input):  # said at once, not after Spark and Java start
        from ..errors import InputNotFound

        raise InputNotFound(f"{input}: no such file")
    from .job import run_ingest
    from .session import get_session

    say = (lambda m: None) if quiet else (lambda m: typer.echo(f"storylens spark: {m}", err=True))
    spark = get_session(master)
    try:
        result = run_ingest(spark, input, out, fmt=fmt, features=not no_features,
                            partitions=partitions, log=say)
    finally:
        spark.stop()
    typer.echo(json.dumps({"out": result.out, "articles": result.articles, "stories": result.stories,
                           "comparisons": result.comparisons, "rejects": result.rejects,
                           "seconds": result.seconds, "resumed": result.skipped}))


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="spark")
