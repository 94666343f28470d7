"""Command line: a thin layer over `storylens.compare` and the renderers."""

from __future__ import annotations

import json
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import StorylensError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Show how different outlets report the same event.")


class Format(str, Enum):
    text = "text"
    json = "json"
    md = "md"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storylens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """storylens compares two or more reports of one event."""


@app.command()
def compare(
    inputs: List[str] = typer.Argument(..., help="Files (text, HTML, JSON, JSON Lines), URLs, or - for standard input."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML report here."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the output here instead of standard output."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no text summary (for use with -o, --html or --format json)."),
    width: int = typer.Option(0, "--width", help="Terminal width for text output (default: the terminal's, at most 100)."),
) -> None:
    """Compare reports of one event: reused passages, changed words, facts, quotes, sources."""
    from .pipeline import compare as run_compare
    from .render import to_html, to_markdown, to_text, write_atomic

    with _progress(enabled=not quiet and sys.stderr.isatty()) as step:
        comparison = run_compare(inputs, progress=step)
    to_file = output is not None
    if fmt is Format.json:
        body = comparison.to_json() + "\n"
    elif fmt is Format.md:
        body = to_markdown(comparison)
    else:
        color = not to_file and sys.stdout.isatty()
        body = to_text(comparison, width=width or _terminal_width(), color=color)
    if html is not None:
        write_atomic(html, to_html(comparison))
    if to_file:
        write_atomic(output, body)
    elif not (quiet and fmt is Format.text):
        sys.stdout.write(body)
    if html is not None and not quiet:
        typer.echo(f"HTML report written to {html}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON schema of the comparison output."""
    from .models import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help="The store: a SQLite file or a database URL "
                                                         "(default: $STORYLENS_DB or storylens.db)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but loopback needs --token."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    token: Optional[str] = typer.Option(None, "--token", envvar="STORYLENS_TOKEN",
                                        help="Require this bearer token (or the cookie /login sets) on every request."),
    allow_ingest: bool = typer.Option(False, "--allow-ingest", help="Open the store read-write: Compare now may store articles."),
    no_fetch: bool = typer.Option(False, "--no-fetch", help="Compare now does not fetch URLs."),
    rate: float = typer.Option(20.0, "--rate", help="Requests a second per client address, in bursts of up to 6× that (0: no limit)."),
) -> None:
    """Serve the web app: stories, comparisons, outlet profiles, Compare now, and a JSON API under /api/."""
    try:
        from .web import serve as run_server
    except ImportError as exc:
        raise StorylensError(f"storylens serve needs the web extra (pip install 'storylens[web]'): {exc}") from None
    from .web.security import Limits

    limits = Limits(rate=max(rate, 0.0), burst=max(1, int(rate * 6)))
    run_server(db, host=host, port=port, token=token, allow_ingest=allow_ingest, fetch=not no_fetch, limits=limits)


def _terminal_width() -> int:
    """80 when piped; else the terminal's, kept readable. Some terminals (and
    pseudo-terminals without a size) report 0 columns."""
    if not sys.stdout.isatty():
        return 80
    columns = shutil.get_terminal_size((80, 24)).columns or 80
    return max(60, min(columns, 100))


class _progress:
    """A rich progress bar over the pipeline stages, on a terminal only."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from .pipeline import STAGES

        self.bar = Progress(TextColumn("{task.description:<8}"), BarColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("read", total=len(STAGES))
        return lambda stage: self.bar.update(task, description=stage, advance=1)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


# Corpus mode (ingest, stories, story, analyze, outlets, export) lives in its own module.
from .corpus_cli import register as _register_corpus  # noqa: E402

_register_corpus(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and an exit code."""
    try:
        app(standalone_mode=False)
    except StorylensError as exc:
        _fail(str(exc), exc.code)
    except (typer.Exit, SystemExit) as exc:
        raise SystemExit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except typer.TyperException as exc:  # usage errors from typer's bundled click
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise SystemExit(2)  # the help is already on screen
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _fail(" ".join(message.split()), getattr(exc, "exit_code", 2))
    except Exception as exc:  # anything unexpected: still one line, no traceback
        if os.environ.get("STORYLENS_DEBUG"):
            raise
        _fail(f"unexpected error: {exc!r} (set STORYLENS_DEBUG=1 to see the traceback)", 1)


def _fail(message: str, code: int) -> None:
    typer.echo(f"storylens: {message}", err=True)
    raise SystemExit(code)
