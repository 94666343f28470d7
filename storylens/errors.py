"""Errors a user can cause, each with its own exit code.

The CLI prints `storylens: <message>` on one line and exits with `code`;
the Python API raises them like any other exception.
"""


class StorylensError(Exception):
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
    code = 7


class ModelUnavailable(StorylensError):
    """A model package is missing; storylens never downloads one."""
    code = 8
