"""Errors a user can cause, each with its own exit code.

The CLI prints `storylens: <message>` on one line and exits with `code`;
the Python API raises them like any other exception.
"""


class StorylensError(Exception):
    """Exit code 1 is left for errors storylens did not foresee (a bug)."""
    code = 1


class UsageError(StorylensError):
    """Wrong call: fewer than two articles, an unknown option value."""
    code = 2


class InputNotFound(StorylensError):
    code = 3


class BadInput(StorylensError):
    """Empty, binary, undecodable or malformed input."""
    code = 4


class UnsupportedFormat(StorylensError):
    code = 5


class FetchError(StorylensError):
    """A URL could not be fetched."""
    code = 6


class TooLarge(StorylensError):
    """Over the size limit in bytes (files, URLs, stdin) or in characters (a body)."""
    code = 7


class ModelUnavailable(StorylensError):
    """A model package is missing; storylens never downloads one."""
    code = 8


class OutputError(StorylensError):
    """An output target (`-o`, `--html`, standard output) cannot be written."""
    code = 9


class IdenticalText(UserWarning):
    """Two inputs hold the same text: they will be compared, and show as copies."""


# Exit codes of the command line that are not errors of the input: a signal
# ends the run as shells report it (128 + the signal number).
INTERRUPTED = 130  # Ctrl-C (SIGINT)
TERMINATED = 143   # SIGTERM
