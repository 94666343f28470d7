"""Corpus ingest: a stream of articles into the store, each assigned a story.

Inputs are files, folders (searched recursively), JSON Lines (streamed line by
line, so any size), HTML files, http(s) URLs and RSS/Atom feeds (every linked
page is fetched and extracted by trafilatura). A bad record or an unreadable
input is reported as a `Problem` and skipped; the rest goes in.

Articles are committed in batches. Each batch is one transaction under the
store's write lock, so a killed ingest loses only the batch in flight, and a
second run skips everything already stored (same id and content, same URL or
same content) and resumes where the first stopped.

    >>> import tempfile, os
    >>> from storylens.store import Store
    >>> from storylens.models import Article
    >>> store = Store(os.path.join(tempfile.mkdtemp(), "c.db"))
    >>> report = ingest([Article(id="x1", text="Fire destroys Harlow Mills warehouse in Brenton.")], store)
    >>> report.added, report.duplicates
    (1, 0)
    >>> ingest([Article(id="x1", text="Fire destroys Harlow Mills warehouse in Brenton.")], store).duplicates
    1
"""

from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from . import ingest as single
from .errors import BadInput, InputNotFound, StorylensError
from .models import Article
from .blas import one_blas_thread
from .stories import Decision, Signals, StoryIndex, StorySettings, compute_signals
from .store import Store, articles as articles_table, content_hash, stories as stories_table, story_merges, _now

InputLike = Union[str, os.PathLike, Article]
_FILE_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".json", ".jsonl", ".ndjson",
                  ".rss", ".atom", ".xml"}
_FEED_SUFFIXES = {".rss", ".atom", ".xml"}


@dataclass
class Problem:
    """An input or record that was skipped, and why."""

    source: str
    message: str
    line: int | None = None
    error: type[StorylensError] = BadInput  # the kind of failure, so its exit code is the documented one

    def __str__(self) -> str:
        if not self.line and self.message.startswith(self.source + " "):
            return self.message  # 'x.txt is empty' already names its input
        where = f"{self.source}, line {self.line}" if self.line else self.source
        return f"{where}: {self.message}"


@dataclass
class IngestReport:
    read: int = 0
    added: int = 0
    duplicates: int = 0
    new_stories: int = 0
    merges: int = 0
    renamed: list[tuple[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.duplicates} already stored",
                 f"{self.new_stories} new stories"]
        if self.merges:
            parts.append(f"{self.merges} merges")
        if self.renamed:
            parts.append(f"{len(self.renamed)} ids renamed")
        if self.problems:
            parts.append(f"{len(self.problems)} skipped")
        return f"read {self.read}: " + ", ".join(parts)


# --- reading -------------------------------------------------------------------------------

def iter_articles(inputs: Iterable[InputLike], on_problem: Callable[[Problem], None] | None = None,
                  *, timeout: float = single.TIMEOUT) -> Iterator[Article]:
    """Articles from every input, lazily. Problems go to `on_problem` (default:
    raise), so one bad record does not stop a stream of millions."""

    def problem(p: Problem) -> None:
        if on_problem is None:
            raise p.error(str(p))
        on_problem(p)

    for item in inputs:
        if isinstance(item, Article):
            yield item
            continue
        src = os.fspath(item)
        try:
            if src == "-":
                yield from _stream_jsonl(sys.stdin, "stdin", problem)
            elif single._is_url(src):
                yield from _from_url(src, problem, timeout)
            elif Path(src).is_dir():
                for path in sorted(p for p in Path(src).rglob("*")
                                   if p.is_file() and p.suffix.lower() in _FILE_SUFFIXES):
                    yield from iter_articles([path], on_problem, timeout=timeout)
            elif Path(src).suffix.lower() in (".jsonl", ".ndjson"):
                if not Path(src).exists():
                    problem(Problem(src, "no such file", error=InputNotFound))
                    continue
                with open(src, encoding="utf-8", errors="replace", newline="") as handle:
                    yield from _stream_jsonl(handle, src, problem)
            elif Path(src).suffix.lower() in _FEED_SUFFIXES and _looks_like_feed(Path(src)):
                yield from _from_feed(Path(src).read_text(encoding="utf-8", errors="replace"),
                                      src, problem, timeout)
            else:
                yield from single.load_all(src)
        except StorylensError as exc:
            problem(Problem(src, str(exc).removeprefix(src + ": "), error=type(exc)))


def _stream_jsonl(handle, label: str, problem) -> Iterator[Article]:
    """One record per line; a bad line is reported with its number and skipped."""
    first = True
    for number, line in enumerate(handle, 1):
        if first:
            line, first = line.lstrip("\ufeff"), False
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem(Problem(label, f"invalid JSON at column {exc.colno}: {exc.msg}", number))
            continue
        try:
            yield from single._records_to_articles([(f"line {number}", record)], label, label)
        except BadInput as exc:
            message = str(exc).removeprefix(f"{label}, line {number}: ")
            problem(Problem(label, message, number))


def _from_url(url: str, problem, timeout: float) -> Iterator[Article]:
    data, fmt = single._fetch(url, single.MAX_BYTES, timeout)
    text = single._decode(data, url)
    if _is_feed_text(text):
        yield from _from_feed(text, url, problem, timeout)
    else:
        yield from single._parse(text, fmt, url, url=url)


def _looks_like_feed(path: Path) -> bool:
    with open(path, "rb") as handle:
        return _is_feed_text(handle.read(2000).decode("utf-8", "replace"))


def _is_feed_text(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    return head.startswith("<?xml") or head.startswith(("<rss", "<feed", "<rdf")) and (
        "<rss" in head or "<feed" in head or "<rdf" in head)


def feed_links(xml: str) -> list[str]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in feed order."""
    try:
        root = ET.fromstring(xml.lstrip("\ufeff"))
    except ET.ParseError as exc:
        raise BadInput(f"not a readable feed: {exc}") from None
    links = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in ("item", "entry"):
            continue
        for child in element:
            ctag = child.tag.rsplit("}", 1)[-1]
            if ctag != "link":
                continue
            href = child.get("href") or (child.text or "").strip()
            if href and child.get("rel", "alternate") == "alternate":
                links.append(href)
                break
    if not links and root.tag.rsplit("}", 1)[-1] not in ("rss", "feed", "RDF"):
        raise BadInput("not an RSS or Atom feed")
    return links


def _from_feed(xml: str, label: str, problem, timeout: float) -> Iterator[Article]:
    for link in feed_links(xml):
        try:
            yield from single.load_all(link, timeout=timeout)
        except StorylensError as exc:
            problem(Problem(link, str(exc).removeprefix(link + ": "), error=type(exc)))


# --- writing ---------------------------------------------------------------------------------

def ingest(inputs: Iterable[InputLike], store: Store, settings: StorySettings = StorySettings(), *,
           batch_size: int = 256, index: StoryIndex | None = None,
           progress: Callable[[int], None] | None = None,
           on_problem: Callable[[Problem], None] | None = None) -> IngestReport:
    """Store every new article and assign it a story; return what happened.

    `progress(n)` is called after each committed batch with the articles it read.
    Pass the same `index` to successive calls to avoid reloading it.
    """
    report = IngestReport()

    def collect(p: Problem) -> None:
        report.problems.append(p)
        if on_problem:
            on_problem(p)

    index = index if index is not None else corpus_index(store, settings)
    stream = iter_articles(inputs, collect)
    while True:
        batch = list(islice(stream, batch_size))
        if not batch:
            break
        report.read += len(batch)
        with one_blas_thread():
            _ingest_batch(batch, store, index, report)
        if progress:
            progress(len(batch))
    return report


def corpus_index(store: Store, settings: StorySettings = StorySettings()) -> StoryIndex:
    """A story index holding everything already in the store."""
    index = StoryIndex(settings)
    with store.reader() as conn:
        _catch_up(store, conn, index)
    return index


def _catch_up(store: Store, conn, index: StoryIndex) -> None:
    """Replay what other writers (or earlier runs) stored since we last looked."""
    for seq, aid, story, date, title, outlet, blob in store.signals_since(conn, index.last_seq):
        if blob is not None and story is not None and aid not in index.article_story:
            index.add(Signals.from_bytes(blob, key=aid, date=date, title=title, outlet=outlet), story)
        index.last_seq = seq
    for merge_id, absorbed, into in store.merges_since(conn, index.last_merge):
        index.merge(absorbed, into)
        index.last_merge = merge_id


def _ingest_batch(batch: list[Article], store: Store, index: StoryIndex, report: IngestReport) -> None:
    # Drop what is already stored or repeated within the batch before paying
    # for signals; check again under the lock (another writer may have won).
    rows = _dedupe(batch, report)
    with store.reader() as conn:
        rows = _unknown(store, conn, rows, report)
    if not rows:
        return
    sigs = compute_signals([r[0] for r in rows], index.settings, [str(i) for i in range(len(rows))])
    with store.writer() as conn:
        _catch_up(store, conn, index)
        keep = {id(r) for r in _unknown(store, conn, rows, report, count=False)}
        report.duplicates += len(rows) - len(keep)
        pairs = [(r, s) for r, s in zip(rows, sigs) if id(r) in keep]
        if not pairs:
            return
        final_ids = _final_ids(store, conn, [r[0] for r, _ in pairs], report)
        now = _now()
        new_articles, new_stories, merges = [], [], []
        for ((article, digest), sig), aid in zip(pairs, final_ids):
            sig.key = aid
            decision: Decision = index.assign(sig)
            if decision.new:
                new_stories.append({"id": decision.story, "title": article.title or _first_words(article.text),
                                    "created_seq": None, "merged_into": None})
            merges += decision.merges
            new_articles.append({
                "id": aid, "url": article.url, "content_hash": digest, "outlet": article.outlet,
                "title": article.title, "date": article.date, "source": article.source,
                "text": article.text, "story_id": decision.story, "signals": sig.to_bytes(),
                "added_at": now,
            })
        if new_stories:
            conn.execute(stories_table.insert(), new_stories)
        conn.execute(articles_table.insert(), new_articles)
        for merge in merges:
            conn.execute(articles_table.update().where(articles_table.c.story_id == merge.absorbed)
                         .values(story_id=merge.into))
            conn.execute(stories_table.update().where(stories_table.c.id == merge.absorbed)
                         .values(merged_into=merge.into))
            conn.execute(stories_table.update().where(stories_table.c.merged_into == merge.absorbed)
                         .values(merged_into=merge.into))
            conn.execute(story_merges.insert().values(absorbed=merge.absorbed, into=merge.into,
                                                      score=merge.score, at=now))
        # Everything up to here is ours: skip it when catching up next time.
        from sqlalchemy import func, select
        index.last_seq = conn.execute(select(func.max(articles_table.c.seq))).scalar_one() or 0
        index.last_merge = conn.execute(select(func.max(story_merges.c.id))).scalar_one() or 0
    report.added += len(new_articles)
    report.new_stories += len(new_stories)
    report.merges += len(merges)


def _dedupe(batch: list[Article], report: IngestReport) -> list[tuple[Article, str]]:
    seen_urls, seen_hashes, out = set(), set(), []
    for article in batch:
        digest = content_hash(article.text)
        if digest in seen_hashes or (article.url and article.url in seen_urls):
            report.duplicates += 1
            continue
        seen_hashes.add(digest)
        if article.url:
            seen_urls.add(article.url)
        out.append((article, digest))
    return out


def _unknown(store: Store, conn, rows, report: IngestReport, count: bool = True):
    ids, urls, hashes = store.known(conn, [a.id for a, _ in rows if a.id],
                                    [a.url for a, _ in rows if a.url], [h for _, h in rows])
    out = []
    for row in rows:
        article, digest = row
        if digest in hashes or (article.url and article.url in urls):
            if count:
                report.duplicates += 1
            continue
        out.append(row)  # the same tuple: callers match rows by identity
    return out


def _final_ids(store: Store, conn, batch: list[Article], report: IngestReport) -> list[str]:
    """Keep each given id; an id already used by a different article gets a
    suffix (`id-2`), as `compare` does, and is reported. Articles without an id
    get one from their content."""
    wanted = [a.id or "a" + content_hash(a.text)[:12] for a in batch]
    counts = Counter(wanted)
    taken = store.taken_ids(conn, sorted(counts), [w for w, c in counts.items() if c > 1])
    out = []
    for article, base in zip(batch, wanted):
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        if name != base:
            report.renamed.append((base, name))
        out.append(name)
    return out


def _first_words(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")
