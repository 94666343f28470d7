"""Shared test helpers: the article phase on in-memory articles."""

from storylens.pipeline import analyze_articles


def features_of(articles):
    """`ArticleFeatures` for each article, in order (the article phase)."""
    return list(analyze_articles(list(articles)))


def run_cli_here(argv, capsys, monkeypatch):
    """Run the command line in this process (the models stay loaded between
    tests): -> (exit code, stdout, stderr)."""
    import sys

    from storylens.cli import main

    monkeypatch.setattr(sys, "argv", ["storylens", *map(str, argv)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err
