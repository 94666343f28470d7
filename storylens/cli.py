"""Command line: a thin layer over `storylens.compare`, the renderers and
`storylens.output`.

Every failure ends as one line on stderr and an exit code from `errors.py`
(listed in the README); Ctrl-C and SIGTERM end with 130 and 143 and leave no
file behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import warnings
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import INTERRUPTED, TERMINATED, IdenticalText, OutputError, StorylensError, UsageError

MIN_WIDTH, MAX_WIDTH = 40, 1000  # narrower tables lose their columns; wider is no terminal

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
    width: int = typer.Option(0, "--width", help=f"Terminal width for text output, {MIN_WIDTH} to {MAX_WIDTH} (default: the terminal's, at most 100)."),
) -> None:
    """Compare reports of one event: reused passages, changed words, facts, quotes, sources."""
    from .output import check_target, write_outputs

    # Everything the user can get wrong is checked before the analysis, which
    # can take a while: a bad output path should not cost that wait.
    if width and not MIN_WIDTH <= width <= MAX_WIDTH:
        raise UsageError(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH} (or 0 for the terminal's), not {width}")
    if inputs.count("-") > 1:
        raise UsageError("standard input ('-') can be read only once")
    targets = {name: check_target(path) for name, path in (("--html", html), ("-o", output)) if path is not None}
    for name, path in (("--html", html), ("-o", output)):
        if path is not None and (source := _input_at(path, inputs)) is not None:
            raise UsageError(f"{name} {path} is the input {source}: writing there would destroy it")
    if len(targets) == 2 and targets["--html"].path == targets["-o"].path and targets["-o"].how != "through":
        raise UsageError(f"-o and --html name the same file ({output}); give each its own")
    to_stdout = output is None and not (quiet and fmt is Format.text)
    if to_stdout and sys.stdout is None:
        raise OutputError("standard output is closed; use -o FILE")

    from .pipeline import compare as run_compare  # spaCy: imported once the call is known good
    from .render import to_html, to_markdown, to_text

    with _progress(enabled=not quiet and _isatty(sys.stderr)) as step, _warnings_on_stderr():
        comparison = run_compare(inputs, progress=step)
    if fmt is Format.json:
        body = comparison.to_json() + "\n"
    elif fmt is Format.md:
        body = to_markdown(comparison)
    else:
        color = output is None and _isatty(sys.stdout)
        body = to_text(comparison, width=width or _terminal_width(), color=color)
    files = {}
    if html is not None:
        files[html] = to_html(comparison)
    if output is not None:
        files[output] = body
    write_outputs(files)  # all or nothing: a failing -o leaves no --html behind
    if to_stdout:
        _print(body)
    if html is not None and not quiet:
        typer.echo(f"HTML report written to {html}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON schema of the comparison output."""
    from .models import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@contextmanager
def _warnings_on_stderr():
    """A warning for the user (two inputs with the same text) as one
    `storylens: warning: …` line, not Python's two-line file:line format."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", IdenticalText)
        previous = warnings.showwarning

        def show(message, category, *args, **kwargs):
            if not issubclass(category, IdenticalText):
                return previous(message, category, *args, **kwargs)
            from .sanitize import clean_field

            if sys.stderr is not None:
                typer.echo(f"storylens: warning: {clean_field(str(message))}", err=True)

        warnings.showwarning = show
        yield


def _input_at(target: Path, inputs: List[str]) -> Optional[str]:
    """The input that is the file `target` names (under any spelling or link), if any."""
    try:
        wanted = os.stat(target)
    except (OSError, ValueError):
        return None  # a new file is no input
    for source in inputs:
        try:
            found = os.stat(source) if source != "-" and "://" not in source else None
        except (OSError, ValueError):
            continue
        if found is not None and (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
            return source
    return None


def _isatty(stream) -> bool:
    return stream is not None and stream.isatty()


def _print(body: str) -> None:
    """Write the result to stdout; a reader that went away (`| head`) is an
    output error, not a crash at exit."""
    try:
        sys.stdout.write(body)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would try to flush again at exit and complain about it.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise OutputError("standard output was closed before the result was written") from None
    except OSError as error:
        raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None


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
    fetch_private: bool = typer.Option(False, "--fetch-private",
                                       help="Compare now may fetch loopback and private-network addresses."),
    rate: float = typer.Option(20.0, "--rate", help="Requests a second per client address, in bursts of up to 6× that (0: no limit)."),
) -> None:
    """Serve the web app: stories, comparisons, outlet profiles, Compare now, and a JSON API under /api/."""
    try:
        from .web import serve as run_server
    except ImportError as exc:
        raise StorylensError(f"storylens serve needs the web extra (pip install 'storylens[web]'): {exc}") from None
    from .web.security import Limits

    limits = Limits(rate=max(rate, 0.0), burst=max(1, int(rate * 6)))
    run_server(db, host=host, port=port, token=token, allow_ingest=allow_ingest, fetch=not no_fetch,
               fetch_private=fetch_private, limits=limits)


def _terminal_width() -> int:
    """80 when piped; else the terminal's, kept readable. Some terminals (and
    pseudo-terminals without a size) report 0 columns."""
    if not _isatty(sys.stdout):
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


class _Signalled(BaseException):
    """Raised by the signal handlers: a BaseException, so that no library's
    `except Exception` swallows it, and `output.write_outputs` still removes
    its temporary files on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signal(signum, frame) -> None:
    raise _Signalled(signum)


# Corpus mode (ingest, stories, story, analyze, outlets, export) lives in its own module.
from .corpus_cli import register as _register_corpus  # noqa: E402

_register_corpus(app)

# Scale-out on Spark: `storylens spark ingest`; pyspark is imported only when it runs.
from .spark.cli import register as _register_spark  # noqa: E402

_register_spark(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and an exit code."""
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, _raise_signal)
    except ValueError:  # not the main thread: leave signals alone
        pass
    try:
        _main()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _main() -> None:
    try:
        code = app(standalone_mode=False)
    except StorylensError as exc:
        _fail(str(exc), exc.code)
    except _Signalled as exc:
        _fail("interrupted" if exc.signum == signal.SIGINT else "terminated",
              INTERRUPTED if exc.signum == signal.SIGINT else TERMINATED)
    except (typer.Exit, SystemExit) as exc:
        raise SystemExit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        _fail("aborted", INTERRUPTED)
    except KeyboardInterrupt:
        _fail("interrupted", INTERRUPTED)
    except typer.TyperException as exc:  # usage errors from typer's bundled click
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise SystemExit(2)  # the help is already on screen
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        _fail(message, getattr(exc, "exit_code", 2))
    except Exception as exc:  # anything unexpected: still one line, no traceback
        if os.environ.get("STORYLENS_DEBUG"):
            raise
        _fail(f"unexpected error: {exc!r} (set STORYLENS_DEBUG=1 to see the traceback)", 1)
    # Without standalone mode typer turns Ctrl-C into a return value of 130,
    # and a command's own return value (None) means success.
    if code == INTERRUPTED:
        _fail("interrupted", INTERRUPTED)
    raise SystemExit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    """One line on stderr, whatever the message holds: control characters and
    lone surrogates removed, line breaks joined, at most `_MAX_MESSAGE` long."""
    from .sanitize import clean_field

    line = clean_field(message) or "error"
    if len(line) > _MAX_MESSAGE:
        line = line[: _MAX_MESSAGE - 1] + "…"
    if sys.stderr is not None:
        try:
            typer.echo(f"storylens: {line}", err=True)
        except (OSError, ValueError):
            pass  # stderr closed too: the exit code still tells
    raise SystemExit(code)


_MAX_MESSAGE = 1000  # room for a long path; a message quoting a whole input gets cut
