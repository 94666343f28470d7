"""How explanations name the articles they compare.

Article ids are kept as given, and in a corpus they are often long opaque
strings: an explanation reads 'The Daily Ledger reports 38 people…' when the
outlet tells the articles of a comparison apart, and 'article b reports…'
otherwise. The story phase sets the names once per comparison (`naming`);
the sentence builders ask `who(article_id)`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_NAMES: ContextVar[dict[str, str]] = ContextVar("storylens_article_names", default={})


def names_for(articles) -> dict[str, str]:
    """Article id -> outlet, where the outlet is known and no other article of
    the comparison has the same one."""
    outlets = [a.outlet for a in articles]
    return {a.id: a.outlet for a in articles if a.outlet and outlets.count(a.outlet) == 1}


@contextmanager
def naming(articles) -> Iterator[None]:
    token = _NAMES.set(names_for(articles))
    try:
        yield
    finally:
        _NAMES.reset(token)


def who(article_id: str) -> str:
    """The article's name inside a sentence."""
    return _NAMES.get().get(article_id) or f"article {article_id}"


def Who(article_id: str) -> str:  # noqa: N802 (the capitalised form, for a sentence start)
    """The article's name at the start of a sentence."""
    name = who(article_id)
    return "Article" + name[len("article"):] if name.startswith("article ") else name
