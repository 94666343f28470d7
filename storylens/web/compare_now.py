"""Compare now: articles from pasted texts, uploaded files and URLs.

Nothing from a request is ever used as a file-system path: an upload's name
only chooses the parser (by its suffix) and labels the article; its bytes
are parsed in memory. URLs are fetched through `storylens.ingest`, which
applies its timeout and size limit, and only `http(s)://` strings get there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .. import ingest
from ..errors import BadInput, StorylensError, TooLarge, UsageError
from ..models import Article

URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


@dataclass(frozen=True)
class CompareLimits:
    max_articles: int = 8           # texts + files + URLs in one comparison
    max_file_bytes: int = 1_000_000  # one upload or one pasted text
    max_url_bytes: int = 2_000_000   # one fetched page
    fetch_timeout: float = 10.0
    allow_fetch: bool = True
    fetch_private: bool = False     # fetch loopback / private addresses (only for a server on one's own machine)


class InputError(StorylensError):
    """A Compare now input the user can fix; the message says how."""
    code = 4


def from_text(raw: str, n: int, limits: CompareLimits) -> list[Article]:
    if len(raw.encode("utf-8")) > limits.max_file_bytes:
        raise TooLarge(f"text {n} is over the limit of {limits.max_file_bytes // 1000:,} kB")
    return [ingest.parse_text(raw, f"text {n}")]


def from_upload(name: str, data: bytes, limits: CompareLimits) -> list[Article]:
    label = _upload_label(name)
    if len(data) > limits.max_file_bytes:
        raise TooLarge(f"{label} is over the limit of {limits.max_file_bytes // 1000:,} kB")
    fmt = ingest._FORMAT_BY_SUFFIX.get(PurePosixPath(label).suffix.lower())
    if fmt is None and PurePosixPath(label).suffix.lower() in ingest._UNSUPPORTED_SUFFIX:
        raise InputError(f"{label}: {ingest._UNSUPPORTED_SUFFIX[PurePosixPath(label).suffix.lower()]} files "
                         "are not supported; upload plain text, HTML or JSON")
    ingest._reject_magic(data, label)
    articles = ingest._parse(ingest._decode(data, label), fmt, label, url=None)
    for article in articles:
        article.source = None  # the upload's name is a label, not a path on this machine
    return articles


def from_url(url: str, limits: CompareLimits) -> list[Article]:
    url = url.strip()
    if not URL.match(url):
        raise InputError(f"not an http(s) URL: {url[:80]!r}")
    if not limits.allow_fetch:
        raise InputError("this server does not fetch URLs; paste the text instead")
    return ingest.load_all(url, max_bytes=limits.max_url_bytes, timeout=limits.fetch_timeout,
                           public_only=not limits.fetch_private)


def gather(texts: list[str], uploads: list[tuple[str, bytes]], urls: list[str],
           limits: CompareLimits) -> list[Article]:
    """All the articles to compare, in the order given; blank fields are
    skipped. Raises a `StorylensError` naming the input that is wrong."""
    texts = [t for t in texts if t and t.strip()]
    uploads = [(n, d) for n, d in uploads if n or d]
    urls = [u.strip() for u in urls if u and u.strip()]
    count = len(texts) + len(uploads) + len(urls)
    if count > limits.max_articles:
        raise UsageError(f"{count} inputs: Compare now takes at most {limits.max_articles} at a time")
    articles: list[Article] = []
    for n, text in enumerate(texts, 1):
        articles += from_text(text, n, limits)
    for name, data in uploads:
        articles += from_upload(name, data, limits)
    for url in urls:
        articles += from_url(url, limits)
    if len(articles) > limits.max_articles:
        raise UsageError(f"the inputs hold {len(articles)} articles: Compare now takes at most "
                         f"{limits.max_articles} at a time")
    if len(articles) < 2:
        raise UsageError("give at least two articles to compare (paste texts, upload files or list URLs)")
    return articles


def _upload_label(name: str) -> str:
    """A display name for an upload: its last path component, printable, short."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "upload"
    if len(base) > 80:
        base = base[:60] + "…" + base[-19:]
    return base


__all__ = ["CompareLimits", "InputError", "gather", "BadInput"]
