"""`Corpus` over the corpus store (`storylens.store.Store`, `storylens.corpus`).

Read-only unless asked: a SQLite store is opened through a `mode=ro` URI
with `query_only` on, so not even a stray write can reach the file; a
PostgreSQL session is made read-only. Comparisons are the corpus API's
(`storylens.corpus.story_comparison`, cached in the store under
`comparison_key`); read-only, a comparison missing from that cache is built
from the stored features (parsing only articles without features) and kept
in memory by the web app, never written.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

from sqlalchemy import create_engine, event, func, select

from .. import store as store_mod
from ..corpus import comparison_key, row_article, story_comparison
from ..errors import InputNotFound, StorylensError
from ..features import FEATURES_VERSION, ArticleFeatures, analyze_articles
from ..models import Article, Comparison
from ..pipeline import compare_features
from .corpus import Corpus, StoryRow


class StoreCorpus(Corpus):
    def __init__(self, target: str | None, *, read_only: bool = True, revision_every: float = 1.0) -> None:
        self.read_only = read_only
        self.store = _open_read_only(target) if read_only else store_mod.Store(target)
        self._rev: tuple[float, str] = (0.0, "")
        self._revision_every = revision_every
        self._lock = threading.Lock()

    # -- revision: cheap, checked at most once a second

    def revision(self) -> str:
        now = time.monotonic()
        checked, rev = self._rev
        if now - checked < self._revision_every and rev:
            return rev
        a, m, s = store_mod.articles.c, store_mod.story_merges.c, store_mod.stories.c
        with self.store.reader() as conn:
            parts = (tuple(conn.execute(select(func.max(a.seq), func.count())).one()),
                     conn.execute(select(func.max(m.id))).scalar(),
                     conn.execute(select(func.count()).select_from(store_mod.stories)
                                  .where(s.merged_into.is_(None))).scalar())
        rev = repr(parts)
        self._rev = (now, rev)
        return rev

    # -- stories

    def story_rows(self) -> list[StoryRow]:
        return [StoryRow(id=str(s["id"]), title=s.get("title") or "(untitled)", first=s.get("first_date"),
                         last=s.get("last_date"), outlets=tuple(s.get("outlets") or ()),
                         size=len(s.get("articles") or ()))
                for s in self.store.list_stories()]

    def resolve(self, story_id: str) -> str | None:
        """The live story a merged story's id now points to."""
        try:
            live = self.store.resolve_story(int(story_id))
        except ValueError:
            return None
        return None if live is None else str(live)

    def story_articles(self, story_id: str) -> list[Article]:
        return [row_article(r) for r in self.store.get_articles(story=_story_int(story_id))]

    def compare_story(self, story_id: str) -> Comparison:
        sid = _story_int(story_id)
        if not self.read_only:
            return story_comparison(self.store, sid, workers=1)
        articles = self.story_articles(story_id)
        if len(articles) < 2:
            raise StorylensError(f"story {story_id} has {len(articles)} article(s): nothing to compare")
        cached = self.store.get_comparison(comparison_key([a.id for a in articles]))
        if cached is not None:
            try:
                return Comparison.model_validate_json(zlib.decompress(cached))
            except (ValueError, zlib.error):
                pass  # unreadable: compare again
        return compare_features(self._features(articles))

    def _features(self, articles: list[Article]) -> list[ArticleFeatures]:
        stored = self.store.get_features([a.id for a in articles], FEATURES_VERSION)
        out: dict[str, ArticleFeatures] = {}
        for article in articles:
            data = stored.get(article.id)
            if data is not None:
                try:
                    out[article.id] = ArticleFeatures.from_bytes(data)
                except StorylensError:
                    pass
        missing = [a for a in articles if a.id not in out]
        if missing:
            out.update({f.id: f for f in analyze_articles(missing)})
        return [out[a.id] for a in articles]

    def ingest(self, articles: Sequence[Article]) -> list[str]:
        if self.read_only:
            raise PermissionError("this store is open read-only")
        from ..corpus_ingest import ingest

        # Compare now's ids (a, b, …) would collide with stored ones: name them by content.
        named = [a.model_copy(update={"id": "web-" + hashlib.sha256(a.text.encode("utf-8")).hexdigest()[:16]})
                 for a in articles]
        with self._lock:
            report = ingest(named, self.store)
        renamed = dict(report.renamed)
        ids = [renamed.get(a.id, a.id) for a in named]
        self._rev = (0.0, "")
        return sorted({str(r["story_id"]) for r in self.store.get_articles(ids, with_text=False)
                       if r.get("story_id") is not None}, key=lambda x: (len(x), x))


def _story_int(story_id: str) -> int:
    try:
        return int(story_id)
    except ValueError:
        raise KeyError(story_id) from None


def _open_read_only(target: str | None):
    """The store without migrating (a read-only store cannot be upgraded):
    SQLite through a `mode=ro` URI with `query_only` on, PostgreSQL with
    every transaction read-only."""
    url = store_mod.resolve_url(target)
    store = store_mod.Store.__new__(store_mod.Store)
    store.url = url
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        if not path.is_file():
            raise InputNotFound(f"no store at {path}: run `storylens ingest FILE --db {path}` first")
        uri = f"file:{quote(str(path))}?mode=ro"
        store.engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False,
                                                                                  timeout=60))

        @event.listens_for(store.engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA query_only=ON")
            dbapi_conn.execute("PRAGMA busy_timeout=60000")

        @event.listens_for(store.engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")  # one snapshot per read, as the store's own reader has
    else:
        store.engine = store_mod.Store._engine(url)

        @event.listens_for(store.engine, "connect")
        def _read_only(dbapi_conn, _record):
            with dbapi_conn.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    store.is_sqlite = store.engine.dialect.name == "sqlite"
    version = store.schema_version()
    if version != store_mod.SCHEMA_VERSION:
        raise store_mod.StoreError(f"the store has schema {version}, this storylens reads {store_mod.SCHEMA_VERSION}: "
                             "open it once with --allow-ingest (or `storylens ingest`) to upgrade it")
    return store
