"""Shared test helpers: the article phase on in-memory articles."""

from storylens.pipeline import analyze_articles


def features_of(articles):
    """`ArticleFeatures` for each article, in order (the article phase)."""
    return list(analyze_articles(list(articles)))
