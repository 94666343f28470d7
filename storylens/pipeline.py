"""The driver: articles in, one `Comparison` out, in two phases.

- The **article phase** (`analyze_articles`) parses each article once and
  keeps what it found as `ArticleFeatures`, a record with no reference to any
  other article, which can be stored and loaded later.
- The **story phase** (`compare_features`) compares any group of such records
  without parsing: align, framing, quote matching, sources, reconcile.

`compare` is the two together. A corpus store, a web app or a Spark job call
the same two functions on their own batches.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Callable, Iterable, Sequence, Union

from . import __version__
from .actors import actor_rows
from .align import align, reuse_shares
from .analyze import gc_paused
from .errors import IdenticalText, UsageError
from .features import ArticleFeatures, analyze_articles
from .framing import aggregate_substitutions, find_terms
from .ingest import _is_url, check_length, load_all
from .models import Article, Comparison
from .quotes import match_quotes
from .reconcile import find_facts
from .settings import Settings
from .sources import _unify_kinds, source_names
from .story_sources import own_outlet_as_contributor, story_sources

ArticleLike = Union[Article, str, os.PathLike]
STAGES = ("read", "parse", "align", "framing", "quotes", "sources", "facts")
__all__ = ["analyze_articles", "compare", "compare_features", "read_articles", "ArticleFeatures"]


def read_articles(inputs: Iterable[ArticleLike]) -> list[Article]:
    """Articles as given, or loaded from paths, URLs, '-' (JSON Lines may hold several).

    An `Article` built in Python gets the same length limit as one read from a
    file: an over-long body is refused before the parse, not part-way into it.

    An input given twice (the same path, file, URL or `Article` object) is a
    `UsageError`: a report compared with itself only shows itself as a copy.
    Two different inputs with the same text are compared, with an
    `IdenticalText` warning that they will show as copies of each other."""
    articles: list[Article] = []
    seen: set[tuple] = set()
    for item in inputs:
        key = _input_key(item)
        if key in seen:
            raise UsageError(f"{_input_name(item)} is given twice; a report compared with itself shows "
                             "nothing but copies")
        seen.add(key)
        if isinstance(item, Article):
            check_length(item)
            articles.append(item)
        else:
            articles += load_all(item)
    articles = assign_ids(articles)
    _warn_identical(articles)
    return articles


def _input_key(item: ArticleLike) -> tuple:
    """What makes two inputs one: the object for an `Article`, the file itself
    for a local path (so `a.txt`, `./a.txt` and a link to it are one), else the
    string (a URL, '-', a path that does not exist and will fail to load)."""
    if isinstance(item, Article):
        return ("article", id(item))
    src = os.fspath(item)
    if src != "-" and not _is_url(src):
        try:
            stat = os.stat(src)
        except (OSError, ValueError):
            pass
        else:
            return ("file", stat.st_dev, stat.st_ino)
    return ("name", src)


def _input_name(item: ArticleLike) -> str:
    if isinstance(item, Article):
        return f"article {item.id or (item.outlet or item.text[:30])!r}"
    src = os.fspath(item)
    return "standard input ('-')" if src == "-" else src


def identical_texts(articles: Sequence[Article]) -> list[str]:
    """A sentence for each article whose text an earlier one already has."""
    first: dict[str, Article] = {}
    found = []
    for article in articles:
        earlier = first.setdefault(article.text.strip(), article)
        if earlier is not article:
            found.append(f"{_article_name(earlier)} and {_article_name(article)} have the same text: "
                         "the comparison shows them as copies of each other")
    return found


def _warn_identical(articles: list[Article]) -> None:
    for message in identical_texts(articles):
        warnings.warn(IdenticalText(message), stacklevel=3)


def _article_name(article: Article) -> str:
    where = article.source or article.outlet  # the file it came from, else whose it is
    return f"{article.id} ({where})" if where else str(article.id)


def assign_ids(articles: list[Article]) -> list[Article]:
    """Keep every article's own id as given; an article without one gets a,
    b, c…; a repeated id gets a suffix (-2, -3) so every span stays unambiguous."""
    taken: set[str] = set()
    out = []
    for index, article in enumerate(articles):
        base = article.id if article.id else _letters(index)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        out.append(article if name == article.id else article.model_copy(update={"id": name}))
    return out


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord("a") + rem) + name
    return name


def compare_features(features: Sequence[ArticleFeatures], *, settings: Settings | None = None,
                     progress: Callable[[str], None] | None = None) -> Comparison:
    """The story phase: compare two or more analysed articles without parsing.

    >>> from storylens.pipeline import analyze_articles, compare_features, read_articles
    >>> features = list(analyze_articles(read_articles(["examples/wexley-market/northern-courier.txt",
    ...                                                 "examples/wexley-market/coastal-times.txt"])))
    >>> blobs = [f.to_bytes() for f in features]            # store them anywhere
    >>> c = compare_features([ArticleFeatures.from_bytes(b) for b in blobs])
    >>> sorted({p.kind for p in c.passages})
    ['edited', 'paraphrase', 'quotation']
    """
    if len(features) < 2:
        raise UsageError(f"need at least two articles to compare, got {len(features)}")
    with gc_paused():
        return _compare(features, settings or Settings(), progress or (lambda stage: None))


def _compare(features: Sequence[ArticleFeatures], settings: Settings, step: Callable[[str], None]) -> Comparison:
    ids = [f.id for f in features]
    if len(set(ids)) != len(ids):
        fixed = assign_ids([f.article for f in features])
        features = [f.with_id(a.id) for f, a in zip(features, fixed)]
    step("align")
    passages = align(features, settings.align)
    step("framing")
    substitutions = aggregate_substitutions(passages)
    terms = find_terms(features, passages)
    actors = actor_rows(features, {term for used in terms.values() for row in used.values() for term in row})
    step("quotes")
    quotes = match_quotes(features, settings.quotes)
    step("sources")
    citations = own_outlet_as_contributor(_unify_kinds([c for f in features for c in f.citations]),
                                          {f.id: f.article.outlet for f in features})
    step("facts")
    facts = find_facts(features, passages, quotes, citations=citations, settings=settings.facts)
    return Comparison(
        storylens_version=__version__, articles=[f.article for f in features], passages=passages,
        substitutions=substitutions, terms=terms, actors=actors, quotes=quotes,
        sources=source_names(citations, ids), citations=citations,
        story_sources=story_sources(citations, passages), facts=facts,
        reuse=reuse_shares(features, passages),
    )


def compare(inputs: Sequence[ArticleLike], *, settings: Settings | None = None,
            progress: Callable[[str], None] | None = None) -> Comparison:
    """Compare two or more reports of one event: both phases.

    >>> c = compare(["examples/wexley-market/northern-courier.txt", "examples/wexley-market/coastal-times.txt"])
    >>> [a.outlet for a in c.articles]
    ['The Northern Courier', 'Coastal Times']
    """
    step = progress or (lambda stage: None)
    step("read")
    articles = read_articles(inputs)
    if len(articles) < 2:
        raise UsageError(f"need at least two articles to compare, got {len(articles)}")
    step("parse")
    features = list(analyze_articles(articles))
    return compare_features(features, settings=settings, progress=progress)
