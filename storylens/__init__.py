"""storylens: show how different outlets report the same event.

    >>> import storylens
    >>> c = storylens.compare(["a.txt", "b.html"])          # doctest: +SKIP
    >>> print(c.to_json())                                   # doctest: +SKIP
"""

__version__ = "0.1.0"

from .errors import StorylensError  # noqa: E402
from .models import (  # noqa: E402
    SCHEMA_VERSION, Article, Comparison, Fact, Passage, Quote, Substitution, json_schema,
)


def load(source, **options) -> Article:
    """One article from a path, URL or '-' (standard input)."""
    from .ingest import load as _load

    return _load(source, **options)


def compare(inputs, **options) -> Comparison:
    """Compare two or more articles (Article objects, paths or URLs)."""
    from .pipeline import compare as _compare

    return _compare(inputs, **options)


__all__ = [
    "Article", "Comparison", "Fact", "Passage", "Quote", "Substitution", "SCHEMA_VERSION",
    "StorylensError", "compare", "json_schema", "load", "__version__",
]
