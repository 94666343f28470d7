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
    """Compare two or more articles (Article objects, paths or URLs): both phases."""
    from .pipeline import compare as _compare

    return _compare(inputs, **options)


def analyze_articles(articles, **options):
    """The article phase: one `ArticleFeatures` per article, in order (a generator)."""
    from .pipeline import analyze_articles as _analyze_articles

    return _analyze_articles(articles, **options)


def analyze(article: Article):
    """The article phase for one article: its `ArticleFeatures`."""
    return next(iter(analyze_articles([article])))


def compare_features(features, **options) -> Comparison:
    """The story phase: compare stored `ArticleFeatures` without parsing."""
    from .pipeline import compare_features as _compare_features

    return _compare_features(features, **options)


__all__ = [
    "Article", "Comparison", "Fact", "Passage", "Quote", "Substitution", "SCHEMA_VERSION",
    "StorylensError", "analyze", "analyze_articles", "compare", "compare_features", "json_schema", "load",
    "__version__",
]
