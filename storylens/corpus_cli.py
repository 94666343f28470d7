"""Corpus mode commands: ingest, stories, story, analyze, outlets, export.

Each is a thin layer over `storylens.corpus`; `register(app)` adds them to the
main typer app. The store is `--db`, else `$STORYLENS_DB`, else `storylens.db`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

DB_HELP = "SQLite file or SQLAlchemy URL (postgresql://…); default $STORYLENS_DB or storylens.db."


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class StoryFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@contextmanager
def _bar(label: str, total: int | None, quiet: bool = False):
    """A rich progress bar on a terminal; a no-op callback when piped."""
    if quiet or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.update(task, advance=n)


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _corpus(db: Optional[str], create: bool = False):
    """The store; only `ingest` creates a SQLite file, so a mistyped --db (or
    a run from the wrong directory) is reported, not answered from an empty
    new store."""
    from .corpus import Corpus
    from .errors import InputNotFound
    from .store import resolve_url

    url = resolve_url(db)
    if not create and url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise InputNotFound(f"no store at {url.removeprefix('sqlite:///')} (`storylens ingest` creates one)")
    return Corpus(db)


def _new_sqlite_file(db: Optional[str]) -> Optional[Path]:
    """The SQLite file `--db` names, when it does not exist yet (ingest will create it)."""
    from .store import resolve_url

    url = resolve_url(db)
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    return path if path is not None and not path.exists() else None


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        inputs: List[str] = typer.Argument(..., help="Files, folders, JSON Lines, HTML, URLs, RSS/Atom feeds, or -."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    ) -> None:
        """Add articles to the store and assign each one to a story."""
        new_file = _new_sqlite_file(db)
        corpus = _corpus(db, create=True)

        total = _line_total(inputs)
        with _bar("ingest", total, quiet) as step:
            report = corpus.ingest(inputs, progress=step)
        if report.read == 0:
            from .errors import BadInput

            if new_file is not None:  # a mistyped input leaves no empty store behind to answer later commands
                corpus.store.close()
                for path in (new_file, *(Path(f"{new_file}{end}") for end in ("-wal", "-shm"))):
                    path.unlink(missing_ok=True)

            if not report.problems:   # a folder with no article files in it, say: not a silent 'read 0'
                raise BadInput(f"no articles found in {', '.join(inputs)}")
            first = report.problems[0]  # its own exit code, as `compare` gives for the same input
            raise first.error(str(first) + (f" (and {len(report.problems) - 1} more problems)"
                                            if len(report.problems) > 1 else ""))
        for p in report.problems[:50]:
            typer.echo(f"storylens: skipped {p}", err=True)
        if len(report.problems) > 50:
            typer.echo(f"storylens: skipped {len(report.problems) - 50} more", err=True)
        if not quiet:
            for old, new in report.renamed[:20]:
                typer.echo(f"storylens: id {old} was taken by another article; stored as {new}", err=True)
            typer.echo(report.summary(), err=True)

    @app.command()
    def stories(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    ) -> None:
        """List the stories: id, title, articles, outlets, dates."""
        items = _corpus(db).stories()
        if fmt is ListFormat.json:
            sys.stdout.write(json.dumps(items, default=_json_default, ensure_ascii=False, indent=1) + "\n")
            return
        for s in items:
            dates = f"{s['first_date'] or '?'}…{s['last_date'] or '?'}" if s["first_date"] else "undated"
            typer.echo(f"{s['id']:>6}  {len(s['articles']):>3} art  {len(s['outlets']):>3} outlets  "
                       f"{dates:<22}  {(s['title'] or '')[:70]}")

    @app.command()
    def story(
        story_id: int = typer.Argument(..., metavar="ID", help="A story id from `storylens stories` (merged ids work too)."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        fmt: StoryFormat = typer.Option(StoryFormat.text, "--format", "-f"),
        html: Optional[Path] = typer.Option(None, "--html", help="Also write the HTML report here."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
    ) -> None:
        """Compare the articles of one story (from stored features; cached)."""
        from .render import to_html, to_markdown, to_text, write_atomic

        corpus = _corpus(db)
        with _bar("analyse", None, quiet) as step:
            comparison = corpus.story(story_id, progress=step)
        if fmt is StoryFormat.json:
            body = comparison.to_json() + "\n"
        elif fmt is StoryFormat.md:
            body = to_markdown(comparison)
        else:
            body = to_text(comparison, color=sys.stdout.isatty())
        if html is not None:
            write_atomic(html, to_html(comparison))
        if not (quiet and fmt is StoryFormat.text):
            sys.stdout.write(body)

    @app.command()
    def analyze(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        workers: int = typer.Option(0, "--workers", "-w", help="Processes (default: all cores)."),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
    ) -> None:
        """Compute article features for every article not yet analysed (resumable)."""
        from .features import FEATURES_VERSION

        corpus = _corpus(db)
        total = len(corpus.store.missing_features(FEATURES_VERSION))
        with _bar("analyse", total, quiet) as step:
            n = corpus.analyze(workers=workers or None, progress=step)
        if not quiet:
            typer.echo(f"analysed {n} articles", err=True)

    @app.command()
    def outlets(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
        plot: Optional[Path] = typer.Option(None, "--plot", help="Write the term-choice plot (.png or .svg)."),
        html: Optional[Path] = typer.Option(None, "--html", help="Write the profiles and plot as HTML."),
        workers: int = typer.Option(0, "--workers", "-w"),
        quiet: bool = typer.Option(False, "--quiet", "-q"),
    ) -> None:
        """Profile each outlet over the stories it shares with others."""
        from .outlets import to_html, to_text, write_plot
        from .render import write_atomic

        if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
            from .errors import UsageError

            raise UsageError(f"--plot {plot}: use a .png or .svg file name")
        corpus = _corpus(db)
        with _bar("analyse", None, quiet) as step:
            profiles = corpus.outlets(workers=workers or None, progress=step)
        if plot is not None:
            write_plot(profiles, plot)
        if html is not None:
            write_atomic(html, to_html(profiles))
        if fmt is ListFormat.json:
            sys.stdout.write(json.dumps([p.to_dict() for p in profiles], ensure_ascii=False, indent=1) + "\n")
        elif not quiet:
            sys.stdout.write(to_text(profiles))

    @app.command()
    def export(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f"),
        output: str = typer.Option("-", "-o", "--output", help="Output file (default: standard output)."),
    ) -> None:
        """Articles with story ids, facts, substitutions and quotes, one row each."""
        if output != "-":
            from .output import check_target

            check_target(output)  # a bad path is exit 9 with its reason, as for compare's -o
        n = _corpus(db).export(output, fmt.value)
        if output != "-":
            typer.echo(f"exported {n} articles to {output}", err=True)


def _line_total(inputs: list[str]) -> int | None:
    """Progress total for a single local JSON Lines file (a cheap line count)."""
    if len(inputs) != 1 or not inputs[0].endswith((".jsonl", ".ndjson")) or not Path(inputs[0]).is_file():
        return None
    with open(inputs[0], "rb") as handle:
        return sum(1 for line in handle if line.strip())
