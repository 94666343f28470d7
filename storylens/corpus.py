"""Corpus mode's Python API: a store of articles grouped into stories.

    >>> import tempfile, os
    >>> from storylens.corpus import Corpus
    >>> corpus = Corpus(os.path.join(tempfile.mkdtemp(), "news.db"))
    >>> report = corpus.ingest(["tests/fixtures/corpus/events.jsonl"])
    >>> report.added
    12
    >>> [s["title"] for s in corpus.stories()][:1]
    ['Fire guts Harlow Mills warehouse in Brenton']
    >>> comparison = corpus.story(corpus.stories()[0]["id"])   # analyses what is missing  # doctest: +SKIP

Article features (the parse) are computed once per article and stored keyed
by article id and `FEATURES_VERSION`; a story's comparison is built from them
without parsing and cached under its member ids and versions, so asking again
is a lookup and a story that grows gets a fresh comparison.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterable, Sequence

from . import __version__
from .corpus_ingest import IngestReport, InputLike, Problem, ingest as _ingest
from .errors import UsageError
from .models import SCHEMA_VERSION, Article, Comparison
from .stories import StorySettings
from .store import Store


def row_article(row: dict) -> Article:
    return Article(id=row["id"], outlet=row.get("outlet"), title=row.get("title"), date=row.get("date"),
                   url=row.get("url"), source=row.get("source"), text=row["text"])


# --- analysis ----------------------------------------------------------------------------------

def analyze_corpus(store: Store, *, workers: int | None = None, chunk: int = 32,
                   progress: Callable[[int], None] | None = None,
                   ids: Sequence[str] | None = None) -> int:
    """Compute and store article features for every article without them (or
    for `ids`); return how many were analysed. Work is split in chunks across
    `workers` processes (default: all cores); each chunk is committed on its
    own, so an interrupted run resumes where it stopped."""
    from .features import FEATURES_VERSION

    todo = store.missing_features(FEATURES_VERSION)
    if ids is not None:
        wanted = set(ids)
        todo = [i for i in todo if i in wanted]
    if not todo:
        return 0
    workers = max(1, workers or os.cpu_count() or 1)
    chunks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    if workers == 1 or len(chunks) == 1:
        for part in chunks:
            _analyze_chunk(store.url, part, store)
            if progress:
                progress(len(part))
        return len(todo)
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks))) as pool:
        futures = {pool.submit(_analyze_chunk, store.url, part): len(part) for part in chunks}
        for future in as_completed(futures):
            future.result()
            if progress:
                progress(futures[future])
    return len(todo)


def _analyze_chunk(url: str, ids: list[str], store: Store | None = None) -> int:
    """One worker's share: read, parse, store (own connection per process)."""
    from .features import FEATURES_VERSION
    from .pipeline import analyze_articles

    store = store or Store(url)
    rows = store.get_articles(ids)
    features = analyze_articles([row_article(r) for r in rows])
    store.put_features([(f.article.id, f.to_bytes()) for f in features], FEATURES_VERSION)
    return len(rows)


# --- stories ----------------------------------------------------------------------------------

def comparison_key(article_ids: Iterable[str]) -> str:
    """Cache key of a story's comparison: its members and every version that
    shapes the result, so a new member or a new storylens misses the cache."""
    from .features import FEATURES_VERSION

    members = "\n".join(sorted(article_ids))
    tag = f"{__version__}|{SCHEMA_VERSION}|{FEATURES_VERSION}\n{members}"
    return hashlib.sha256(tag.encode("utf-8")).hexdigest()


def story_comparison(store: Store, story: int, *, workers: int | None = 1,
                     progress: Callable[[int], None] | None = None) -> Comparison:
    """The comparison of one story's articles, from stored features (analysing
    those that are missing) and cached."""
    from .features import FEATURES_VERSION, ArticleFeatures
    from .pipeline import compare_features

    live = store.resolve_story(story)
    if live is None:
        raise UsageError(f"no story {story} in {store.url}")
    rows = store.get_articles(story=live, with_text=False)
    ids = [r["id"] for r in rows]
    if len(ids) < 2:
        raise UsageError(f"story {story} has one article ({ids[0]}): nothing to compare"
                         if ids else f"story {story} has no articles")
    key = comparison_key(ids)
    cached = store.get_comparison(key)
    if cached is not None:
        return Comparison.model_validate_json(zlib.decompress(cached))
    analyze_corpus(store, workers=workers, ids=ids, progress=progress)
    blobs = store.get_features(ids, FEATURES_VERSION)
    comparison = compare_features([ArticleFeatures.from_bytes(blobs[i]) for i in ids])
    store.put_comparison(key, live, zlib.compress(comparison.to_json().encode("utf-8"), 6))
    return comparison


def cached_comparisons(store: Store, *, compute: bool = True, min_outlets: int = 2,
                       workers: int | None = None,
                       progress: Callable[[int], None] | None = None) -> list[tuple[dict, Comparison]]:
    """(story, comparison) for every story reported by `min_outlets` outlets or
    more; with `compute`, features and comparisons that are missing are made
    first (features in parallel)."""
    shared = [s for s in store.list_stories() if len(s["outlets"]) >= min_outlets]
    if compute and shared:
        analyze_corpus(store, workers=workers, ids=[i for s in shared for i in s["articles"]],
                       progress=progress)
    out = []
    for s in shared:
        if compute:
            out.append((s, story_comparison(store, s["id"])))
        else:
            data = store.get_comparison(comparison_key(s["articles"]))
            if data is not None:
                out.append((s, Comparison.model_validate_json(zlib.decompress(data))))
    return out


# --- the facade ----------------------------------------------------------------------------------

class Corpus:
    """A store and what you do with it; every CLI corpus command is one method.

    `target` is a SQLite path or a SQLAlchemy URL (`postgresql://user@host/db`);
    None means `$STORYLENS_DB` or `storylens.db`.
    """

    def __init__(self, target: str | os.PathLike | None = None,
                 settings: StorySettings = StorySettings()) -> None:
        self.store = Store(target)
        self.settings = settings

    def ingest(self, inputs: Iterable[InputLike], *, progress: Callable[[int], None] | None = None,
               on_problem: Callable[[Problem], None] | None = None) -> IngestReport:
        return _ingest(inputs, self.store, self.settings, progress=progress, on_problem=on_problem)

    def stories(self) -> list[dict]:
        """`[{id, title, articles, outlets, first_date, last_date}]`, by id."""
        return self.store.list_stories()

    def merges(self) -> list[dict]:
        return self.store.list_merges()

    def story(self, story: int, **options) -> Comparison:
        return story_comparison(self.store, story, **options)

    def analyze(self, *, workers: int | None = None, progress=None) -> int:
        return analyze_corpus(self.store, workers=workers, progress=progress)

    def outlets(self, **options):
        from .outlets import outlet_profiles

        return outlet_profiles(self.store, **options)

    def export(self, path_or_stream, fmt: str = "jsonl") -> int:
        from .export import export

        return export(self.store, path_or_stream, fmt)
