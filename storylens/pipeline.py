"""The driver: articles in, one `Comparison` out.

Each stage is a plain function over the previous stages' outputs, so a corpus
driver (or a Spark job) can call the same stages on its own batches.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterable, Sequence, Union

from . import __version__
from .align import AlignConfig, align
from .analyze import analyze
from .errors import UsageError
from .framing import aggregate_substitutions, find_terms
from .ingest import load_all
from .models import Article, Comparison
from .quotes import find_quotes
from .reconcile import find_facts
from .sources import find_citations, source_names

ArticleLike = Union[Article, str, os.PathLike]
STAGES = ("read", "parse", "align", "framing", "quotes", "sources", "facts")


def read_articles(inputs: Iterable[ArticleLike]) -> list[Article]:
    """Articles as given, or loaded from paths, URLs, '-' (JSON Lines may hold several)."""
    articles: list[Article] = []
    for item in inputs:
        articles += [item] if isinstance(item, Article) else load_all(item)
    return assign_ids(articles)


def assign_ids(articles: list[Article]) -> list[Article]:
    """Give every article a short unique id: its own if it has one, else a, b, c…"""
    taken: set[str] = set()
    out = []
    for index, article in enumerate(articles):
        base = _slug(article.id) if article.id else _letters(index)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        out.append(article.model_copy(update={"id": name}))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "article"


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord("a") + rem) + name
    return name


def compare(inputs: Sequence[ArticleLike], *, align_config: AlignConfig = AlignConfig(),
            progress: Callable[[str], None] | None = None) -> Comparison:
    """Compare two or more reports of one event.

    >>> c = compare(["examples/wexley-market/northern-courier.txt", "examples/wexley-market/coastal-times.txt"])  # doctest: +SKIP
    >>> [p.kind for p in c.passages]  # doctest: +SKIP
    """
    step = progress or (lambda stage: None)
    step("read")
    articles = read_articles(inputs)
    if len(articles) < 2:
        raise UsageError(f"need at least two articles to compare, got {len(articles)}")
    step("parse")
    analyses = analyze(articles)
    step("align")
    passages = align(analyses, align_config)
    step("framing")
    substitutions = aggregate_substitutions(passages)
    terms = find_terms(analyses, passages)
    step("quotes")
    quotes = find_quotes(analyses)
    step("sources")
    citations = find_citations(analyses)
    step("facts")
    facts = find_facts(analyses, passages, quotes, citations=citations)
    return Comparison(
        storylens_version=__version__, articles=articles, passages=passages,
        substitutions=substitutions, terms=terms, quotes=quotes,
        sources=source_names(citations, [a.id for a in analyses]), citations=citations, facts=facts,
    )
