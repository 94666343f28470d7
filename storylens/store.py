"""The corpus store: articles, their stories, features and cached comparisons.

SQLAlchemy Core over SQLite (the default: one file, WAL journal so readers
never block the writer) or PostgreSQL (a SQLAlchemy URL, for a team).

    >>> import tempfile, os
    >>> store = Store(os.path.join(tempfile.mkdtemp(), "corpus.db"))
    >>> store.schema_version() == SCHEMA_VERSION
    True

Writers are serialised: `Store.writer()` opens a transaction that holds the
store's write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), so
two ingests at once take turns batch by batch and see each other's articles.
Every schema change is a numbered migration; opening a store applies the
missing ones, so an old store upgrades itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from sqlalchemy import (
    Column, Date, DateTime, Float, Integer, LargeBinary, MetaData, String, Table, Text,
    create_engine, event, func, inspect, select, text, update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from .errors import StorylensError, UsageError
from .models import Article

SCHEMA_VERSION = 2
DEFAULT_DB = "storylens.db"
ENV_VAR = "STORYLENS_DB"
# Any 64-bit constant: the PostgreSQL advisory lock that serialises writers.
_PG_LOCK = 0x5354_4F52_594C_454E & 0x7FFF_FFFF_FFFF_FFFF


class StoreError(StorylensError):
    """The store cannot be opened or is from a newer storylens."""
    code = 9


metadata = MetaData()

schema_table = Table("storylens_schema", metadata, Column("version", Integer, nullable=False))

articles = Table(
    "articles", metadata,
    # Arrival order: the story index catches up on other writers by `seq`.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("url", String(2000), unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("outlet", String(300)),
    Column("title", Text),
    Column("date", Date),
    Column("source", Text),
    Column("text", Text, nullable=False),
    Column("story_id", Integer, index=True),
    Column("signals", LargeBinary),
    Column("added_at", DateTime),
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("title", Text),
    Column("created_seq", Integer),
    Column("merged_into", Integer),
)

story_merges = Table(
    "story_merges", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("absorbed", Integer, nullable=False),
    Column("into", Integer, nullable=False),
    Column("score", Float),
    Column("at_seq", Integer),
    Column("at", DateTime),
)

# Schema 2: the two-phase analysis (per-article features, cached comparisons).
features = Table(
    "features", metadata,
    Column("article_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

comparisons = Table(
    "comparisons", metadata,
    Column("key", String(64), primary_key=True),
    Column("story_id", Integer, index=True),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime),
)

_V1 = (articles, stories, story_merges)
_V2 = (features, comparisons)
# version -> tables it adds. A later column change would add a function here.
MIGRATIONS: dict[int, Sequence[Table]] = {1: _V1, 2: _V2}


def resolve_url(target: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL from a path, a URL, `$STORYLENS_DB` or the default file."""
    target = os.fspath(target) if target is not None else os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in target:
        return "sqlite:///" + str(Path(target).expanduser().resolve())
    # The bare scheme means psycopg2 to SQLAlchemy; psycopg 3 is what we install.
    return re.sub(r"^(postgres|postgresql)://", "postgresql+psycopg://", target)


def content_hash(text: str) -> str:
    """The same words in the same order are the same content, whatever the spacing."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Store:
    """One corpus store. Cheap to open; safe to use from several processes."""

    def __init__(self, target: str | os.PathLike | None = None, *,
                 upgrade_to: int = SCHEMA_VERSION) -> None:
        self.url = resolve_url(target)
        self.engine = self._engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._upgrade(upgrade_to)

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- connections ------------------------------------------------------------

    @staticmethod
    def _engine(url: str) -> Engine:
        try:
            if url.startswith("sqlite"):
                path = url.split("///", 1)[-1]
                if path and not Path(path).parent.is_dir():
                    raise StoreError(f"cannot create the store {path}: no such directory")  # an output target, like -o
                engine = create_engine(url, connect_args={"timeout": 60})
                _sqlite_setup(engine)
                return engine
            return create_engine(url, pool_pre_ping=True)
        except (ArgumentError, ModuleNotFoundError) as exc:
            raise UsageError(f"cannot open store {url!r}: {exc}") from None

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise StoreError(f"store {self}: {_one_line(exc.orig or exc)}") from None

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A transaction holding the write lock; commits on success."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(storylens_write=True)
                with conn.begin():
                    if not self.is_sqlite:
                        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                    yield conn
        except OperationalError as exc:
            raise StoreError(f"store {self}: {_one_line(exc.orig or exc)}") from None

    def close(self) -> None:
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------

    def schema_version(self) -> int:
        with self.reader() as conn:
            return _version(conn)

    def _upgrade(self, target: int) -> None:
        with self.writer() as conn:
            current = _version(conn)
            if current > SCHEMA_VERSION:
                raise StoreError(f"the store {self.url} has schema version {current}, newer than "
                                 f"this storylens supports ({SCHEMA_VERSION}); upgrade storylens")
            if current == 0:
                schema_table.create(conn, checkfirst=True)
                conn.execute(schema_table.insert().values(version=0))
            for version in range(current + 1, target + 1):
                for table in MIGRATIONS[version]:
                    table.create(conn, checkfirst=True)
                conn.execute(update(schema_table).values(version=version))

    # -- articles ---------------------------------------------------------------

    def known(self, conn: Connection, ids: Sequence[str], urls: Sequence[str],
              hashes: Sequence[str]) -> tuple[dict[str, str], set[str], set[str]]:
        """Which of these are stored: {id: content_hash}, urls, content hashes."""
        found_ids: dict[str, str] = {}
        found_urls: set[str] = set()
        found_hashes: set[str] = set()
        a = articles.c
        for chunk in _chunks(list(ids), 500):
            found_ids.update(conn.execute(select(a.id, a.content_hash).where(a.id.in_(chunk))).all())
        for chunk in _chunks([u for u in urls if u], 500):
            found_urls.update(r[0] for r in conn.execute(select(a.url).where(a.url.in_(chunk))))
        for chunk in _chunks(list(hashes), 500):
            found_hashes.update(r[0] for r in conn.execute(
                select(a.content_hash).where(a.content_hash.in_(chunk))))
        return found_ids, found_urls, found_hashes

    def taken_ids(self, conn: Connection, prefix_of: Sequence[str],
                  repeated: Iterable[str] = ()) -> set[str]:
        """Stored ids among the given ids, with the stored suffixed variants
        (`id-2`) of those taken and of the `repeated` ones (given more than
        once by the caller): every id a caller naming them could collide with."""
        # One IN query for the ids, then a LIKE query per id that needs its
        # variants; one LIKE query per id was most of a batch's store time.
        out: set[str] = set()
        a = articles.c
        for chunk in _chunks(list(prefix_of), 500):
            out.update(r[0] for r in conn.execute(select(a.id).where(a.id.in_(chunk))))
        for base in sorted(out | set(repeated)):
            out.update(r[0] for r in conn.execute(
                select(a.id).where(a.id.like(_like_prefix(base) + "-%", escape="\\"))))
        return out

    def article_count(self) -> int:
        with self.reader() as conn:
            return conn.execute(select(func.count()).select_from(articles)).scalar_one()

    def get_articles(self, ids: Sequence[str] | None = None, *, story: int | None = None,
                     with_text: bool = True) -> list[dict]:
        """Stored articles as dicts (ordered by arrival)."""
        cols = [c for c in articles.c if c.name != "signals" and (with_text or c.name != "text")]
        query = select(*cols).order_by(articles.c.seq)
        if ids is not None:
            query = query.where(articles.c.id.in_(list(ids)))
        if story is not None:
            query = query.where(articles.c.story_id == story)
        with self.reader() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def iter_articles(self, *, batch: int = 500, with_text: bool = True) -> Iterator[dict]:
        """Every article, streamed in arrival order (constant memory)."""
        cols = [c for c in articles.c if c.name != "signals" and (with_text or c.name != "text")]
        last = 0
        while True:
            with self.reader() as conn:
                rows = [dict(r._mapping) for r in conn.execute(
                    select(*cols).where(articles.c.seq > last).order_by(articles.c.seq).limit(batch))]
            if not rows:
                return
            yield from rows
            last = rows[-1]["seq"]

    def signals_since(self, conn: Connection, seq: int) -> Iterator[tuple]:
        """(seq, id, story_id, date, title, outlet, signals) of articles after `seq`."""
        a = articles.c
        result = conn.execute(select(a.seq, a.id, a.story_id, a.date, a.title, a.outlet, a.signals)
                              .where(a.seq > seq).order_by(a.seq))
        yield from result

    def merges_since(self, conn: Connection, merge_id: int) -> list[tuple[int, int, int]]:
        m = story_merges.c
        return [tuple(r) for r in conn.execute(
            select(m.id, m.absorbed, m.into).where(m.id > merge_id).order_by(m.id))]

    # -- stories ----------------------------------------------------------------

    def resolve_story(self, story: int) -> int | None:
        """The live story an id refers to, following merges; None if unknown."""
        with self.reader() as conn:
            seen = set()
            while story not in seen:
                seen.add(story)
                row = conn.execute(select(stories.c.merged_into).where(stories.c.id == story)).first()
                if row is None:
                    return None
                if row[0] is None:
                    return story
                story = row[0]
        return story

    def list_stories(self) -> list[dict]:
        """Live stories with their article ids, outlets and date range, by id."""
        a, s = articles.c, stories.c
        out: dict[int, dict] = {}
        with self.reader() as conn:
            for sid, title in conn.execute(select(s.id, s.title).where(s.merged_into.is_(None)).order_by(s.id)):
                out[sid] = {"id": sid, "title": title, "articles": [], "outlets": [],
                            "first_date": None, "last_date": None}
            for sid, aid, outlet, date in conn.execute(
                    select(a.story_id, a.id, a.outlet, a.date).order_by(a.seq)):
                story = out.get(sid)
                if story is None:
                    continue
                story["articles"].append(aid)
                if outlet and outlet not in story["outlets"]:
                    story["outlets"].append(outlet)
                if date is not None:
                    story["first_date"] = min(filter(None, (story["first_date"], date)))
                    story["last_date"] = max(filter(None, (story["last_date"], date)))
        return [s for s in out.values() if s["articles"]]

    def list_merges(self) -> list[dict]:
        with self.reader() as conn:
            return [dict(r._mapping) for r in conn.execute(select(story_merges).order_by(story_merges.c.id))]

    # -- features and comparisons ---------------------------------------------------

    def get_features(self, ids: Sequence[str], version: int) -> dict[str, bytes]:
        f = features.c
        out: dict[str, bytes] = {}
        with self.reader() as conn:
            for chunk in _chunks(list(ids), 500):
                out.update(conn.execute(select(f.article_id, f.data)
                                        .where(f.article_id.in_(chunk), f.version == version)).all())
        return out

    def put_features(self, rows: Sequence[tuple[str, bytes]], version: int) -> None:
        """Store features; a row already there (another worker got there first) is kept."""
        if not rows:
            return
        with self.writer() as conn:
            have = set(self.get_features_ids(conn, [r[0] for r in rows], version))
            new = [{"article_id": i, "version": version, "data": d} for i, d in rows if i not in have]
            if new:
                conn.execute(features.insert(), new)

    def get_features_ids(self, conn: Connection, ids: Sequence[str], version: int) -> list[str]:
        f = features.c
        out = []
        for chunk in _chunks(list(ids), 500):
            out += [r[0] for r in conn.execute(
                select(f.article_id).where(f.article_id.in_(chunk), f.version == version))]
        return out

    def missing_features(self, version: int) -> list[str]:
        """Ids of articles without features of this version, in arrival order."""
        a, f = articles.c, features.c
        done = select(f.article_id).where(f.version == version)
        with self.reader() as conn:
            return [r[0] for r in conn.execute(
                select(a.id).where(a.id.not_in(done)).order_by(a.seq))]

    def get_comparison(self, key: str) -> bytes | None:
        with self.reader() as conn:
            row = conn.execute(select(comparisons.c.data).where(comparisons.c.key == key)).first()
        return row[0] if row else None

    def put_comparison(self, key: str, story: int, data: bytes) -> None:
        with self.writer() as conn:
            if conn.execute(select(comparisons.c.key).where(comparisons.c.key == key)).first() is None:
                conn.execute(comparisons.insert().values(key=key, story_id=story, data=data,
                                                         created_at=_now()))


# --- helpers -------------------------------------------------------------------------------

def _sqlite_setup(engine: Engine) -> None:
    """WAL for concurrent readers, and explicit BEGINs: pysqlite's own
    transaction handling would defer the write lock to the first write and let
    two writers deadlock on upgrade; writers take it up front instead."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        immediate = conn.get_execution_options().get("storylens_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _version(conn: Connection) -> int:
    if not inspect(conn).has_table("storylens_schema"):
        return 0
    row = conn.execute(select(schema_table.c.version)).first()
    return row[0] if row else 0


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())
