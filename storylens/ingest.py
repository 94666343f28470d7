"""Stage 1: read reports into `Article`s.

Accepts plain text (with optional `Outlet:`/`Date:`/`Title:`/`URL:` header
lines), HTML files, http(s) URLs, JSON and JSON Lines, and `-` for standard
input. Every problem the user can cause becomes a one-line `StorylensError`
that names the source.

Bodies and metadata are cleaned here, once (`storylens.sanitize`): no control
characters, no lone surrogates, and no bidirectional overrides in metadata.
Offsets computed later refer to the cleaned body.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import json
import os
import re
import socket
import sys
import threading
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura

from .errors import BadInput, FetchError, InputNotFound, TooLarge, UnsupportedFormat
from .models import Article
from .sanitize import clean_body, clean_field

MAX_BYTES = 5_000_000
# About 17,000 words, three times the longest of the 1,000-odd real articles
# in the test data. Memory grows with article length (mostly the parse): two
# articles of 100,000 characters peak at 0.92 GB in one compare, two of
# 190,000 at 1.55 GB; the goal is under 1 GB for any input within the limits.
# spaCy itself refuses texts over 1,000,000 characters (error E088).
MAX_CHARS = 100_000
TIMEOUT = 15.0  # seconds for a whole fetch: connecting, redirects, every byte
# A fetched page with less text than this is an error page, a stub or a cut-off
# transfer, not a report.
MIN_FETCHED_WORDS = 20

_HEADER_LINE = re.compile(r"^(outlet|date|title|url)[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_FORMAT_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}
_UNSUPPORTED_SUFFIX = {
    ".pdf": "PDF", ".doc": "Word (.doc)", ".docx": "Word (.docx)", ".odt": "OpenDocument text",
    ".rtf": "RTF", ".epub": "EPUB", ".xls": "Excel", ".xlsx": "Excel", ".pptx": "PowerPoint",
    ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".gif": "GIF image",
    ".webp": "WebP image", ".zip": "zip archive", ".gz": "gzip archive",
    ".mp3": "audio", ".mp4": "video",
}
# Files named .txt can still be PDFs or images; these signatures catch that.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "zip-based document (docx/odt/epub)"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document (.doc)"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
)
_UNSUPPORTED_CONTENT_TYPES = {
    "application/pdf": "PDF",
    "application/msword": "Word (.doc)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/epub+zip": "EPUB",
}
_HTML_START = re.compile(r"<(!doctype\s+html|html|head|body|article|div|p|meta|title)\b", re.IGNORECASE)
_TERMINAL = tuple('.!?:;,"”’\'')


# --- public API ---------------------------------------------------------------

def load(source: str | os.PathLike, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> Article:
    """Read one article from a file path, an http(s) URL or `-` (standard input).

    Raises `BadInput` if the source holds several records (use `load_all`).
    """
    articles = load_all(source, max_bytes=max_bytes, timeout=timeout)
    if len(articles) > 1:
        raise BadInput(f"{articles[0].source} holds {len(articles)} articles; use load_all to read them all")
    return articles[0]


def load_all(source: str | os.PathLike, *, max_bytes: int = MAX_BYTES,
             timeout: float = TIMEOUT, public_only: bool = False) -> list[Article]:
    """Read every article from a file path, an http(s) URL or `-` (standard input).

    The format comes from the file extension or, failing that, from the content.
    `public_only` refuses URLs whose server (or any redirect's) is a loopback,
    private, link-local or otherwise non-global address: a server that fetches
    for its visitors must not become their way into its own network.
    """
    src = os.fspath(source)
    label = "stdin" if src == "-" else src
    url = src if _is_url(src) else None
    if src == "-":
        data, fmt = _read_stdin(max_bytes), None
    elif url:
        data, fmt = _fetch(src, max_bytes, timeout, public_only)
    else:
        data, fmt = _read_file(Path(src), max_bytes, src), _format_of(Path(src))
    _reject_magic(data, label)
    articles = _parse(_decode(data, label), fmt, label, url=url)
    for article in articles:
        check_length(article, label)
        if url and len(article.text.split()) < MIN_FETCHED_WORDS:
            raise BadInput(f"{label}: too little text for an article "
                           f"({len(article.text.split())} words; at least {MIN_FETCHED_WORDS} expected)")
    return articles


def check_length(article: Article, label: str | None = None) -> None:
    """Raise `TooLarge` if the body is over `MAX_CHARS` characters."""
    if len(article.text) > MAX_CHARS:
        where = label or article.source or article.id or "an article"
        raise TooLarge(f"{where} has {len(article.text):,} characters of text, "
                       f"over the limit of {MAX_CHARS:,} characters")


def parse_text(raw: str, name: str | None = None) -> Article:
    """Parse a plain-text report: optional header lines, a blank line, the body."""
    return _text_article(raw, name, None)


def _text_article(raw: str, name: str | None, fetched_from: str | None) -> Article:
    """A plain-text report; `fetched_from` is the URL it came from, if any,
    the fallback for the `URL:` header and so for the outlet."""
    label = name or "input"
    raw = _normalise(raw)
    fields, body = _split_headers(raw, label)
    body = _clean_body(body)
    if not body:
        raise BadInput(f"{label} is empty" if not fields else f"{label} has header lines but no body text")
    url = fields.get("url") or fetched_from
    return Article(
        text=body,
        outlet=fields.get("outlet") or _outlet_fallback(url, name),
        title=fields.get("title") or clean_field(_headline(body)),
        date=fields.get("date"),
        url=url,
        source=name,
    )


def parse_html(html: str, url: str | None = None) -> Article:
    """Extract the main text and metadata of a web page (via trafilatura)."""
    return _html_article(html, url, url)


def parse_json(raw: str, name: str | None = None) -> list[Article]:
    """Parse a JSON object, a JSON list of objects, or JSON Lines into articles.

    Each record needs a non-empty `text`; `id`, `outlet`, `date`, `title` and
    `url` are optional.
    """
    label = name or "input"
    raw = _normalise(raw)
    if not raw.strip():
        raise BadInput(f"{label} is empty")
    try:
        value = _json_loads(raw, label)
    except json.JSONDecodeError as whole_error:
        # Several top-level objects mean JSON Lines; report the error in that
        # reading only if it really is JSON Lines (its first line parses).
        if whole_error.msg == "Extra data":
            return _parse_jsonl(raw, label, name)
        raise BadInput(f"{label}: invalid JSON at line {whole_error.lineno}, "
                       f"column {whole_error.colno}: {whole_error.msg}") from None
    records = value if isinstance(value, list) else [value]
    return _records_to_articles([(f"record {i}", r) for i, r in enumerate(records, 1)], label, name)


# --- reading bytes ---------------------------------------------------------------

# 'www.example.com/news/a' or 'example.org': a host name, not a file name.
_HOST_LIKE = re.compile(r"(www\.|[\w-]+\.(com|org|net)(/|$))", re.IGNORECASE)


def _is_url(src: str) -> bool:
    # Decided on the scheme alone: urlsplit raises on 'http://[::1', which is
    # still a URL, just a bad one (`_fetch` says so).
    return re.match(r"https?://", src, re.IGNORECASE) is not None


def _read_file(path: Path, max_bytes: int, label: str) -> bytes:
    """The file's bytes; `label` is the input as the user wrote it, for
    messages (`Path` folds 'ftp://x' into 'ftp:/x')."""
    if not path.exists():
        if re.match(r"[a-z][a-z0-9+.-]*://", label, re.IGNORECASE):
            raise FetchError(f"{label}: only http:// and https:// URLs are fetched "
                             "(for a local file, give its path)")
        hint = " (for a web page, give the URL with http:// or https://)" if _HOST_LIKE.match(label) else ""
        raise InputNotFound(f"{label}: no such file{hint}")
    if path.is_dir():
        raise BadInput(f"{label} is a directory, not a file; give the files in it ({os.path.join(label, '*')}) "
                       "or use `storylens ingest`, which reads folders")
    suffix = path.suffix.lower()
    if suffix in _UNSUPPORTED_SUFFIX:
        raise UnsupportedFormat(f"{path}: {_UNSUPPORTED_SUFFIX[suffix]} files are not supported; "
                                "convert to plain text or HTML first")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"{path} is {size:,} bytes, over the limit of {max_bytes:,}")
        with path.open("rb") as handle:
            # Sizes can change between stat and read (pipes, growing files).
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise BadInput(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"{path} is over the limit of {max_bytes:,} bytes")
    return data


def _read_stdin(max_bytes: int) -> bytes:
    # `storylens compare a.txt - <&-` starts Python with no stdin at all.
    if sys.stdin is None:
        raise InputNotFound("stdin is closed")
    stream = getattr(sys.stdin, "buffer", None)
    try:
        data = stream.read(max_bytes + 1) if stream is not None else sys.stdin.read(max_bytes + 1).encode()
    except (OSError, ValueError) as error:  # a closed or unreadable descriptor
        raise InputNotFound(f"stdin cannot be read: {_one_line(getattr(error, 'strerror', None) or error)}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"stdin is over the limit of {max_bytes:,} bytes")
    return data


def _fetch(url: str, max_bytes: int, timeout: float, public_only: bool = False) -> tuple[bytes, str | None]:
    """GET a URL with one deadline for the whole fetch and a hard size limit;
    return (body, format).

    urllib's own timeout applies to each socket operation, so a server that
    sends a byte every few seconds would never time out. A watchdog shuts the
    connection's sockets at the deadline instead, which ends any read.
    """
    try:
        urlsplit(url).port  # noqa: B018 (raises on a malformed host or port)
    except ValueError as error:
        raise FetchError(f"could not fetch {url}: invalid URL ({_one_line(error)})") from None
    request = urllib.request.Request(url, headers={"User-Agent": "storylens (+offline news comparison)"})
    deadline = _Deadline(timeout, public_only)
    opener = urllib.request.build_opener(
        _DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline))
    timed_out = FetchError(f"could not fetch {url}: timed out after {timeout:g} s")
    try:
        with deadline, opener.open(request, timeout=timeout) as response:
            if response.status != 200:
                raise FetchError(f"could not fetch {url}: HTTP {response.status} {_one_line(response.reason)}")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise TooLarge(f"{url} is {int(length):,} bytes, over the limit of {max_bytes:,}")
            data = response.read(max_bytes + 1)
            headers = response.headers
    except urllib.error.HTTPError as error:
        if deadline.expired:
            raise timed_out from None
        reason = _one_line(error.reason)
        if "infinite loop" in reason:  # urllib's three-line message for a redirect loop
            reason = "too many redirects (a redirect loop)"
        raise FetchError(f"could not fetch {url}: HTTP {error.code} {reason}") from None
    except urllib.error.URLError as error:
        if deadline.expired or isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise timed_out from None
        raise FetchError(f"could not fetch {url}: {_one_line(error.reason)}") from None
    except (TimeoutError, socket.timeout):
        raise timed_out from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        if deadline.expired:
            raise timed_out from None
        raise FetchError(f"could not fetch {url}: {_one_line(error) or type(error).__name__}") from None
    if deadline.expired:  # a shut socket can look like a normal end of the body
        raise timed_out
    if len(data) > max_bytes:
        raise TooLarge(f"{url} is over the limit of {max_bytes:,} bytes")
    return _with_declared_charset(data, headers), _format_of_content_type(url, headers)


class PrivateAddress(OSError):
    """A fetch that would connect to a non-global address, refused."""


class _Deadline:
    """A context that, once `seconds` have passed, shuts every socket handed to
    `watch` (blocked reads then return at once) and sets `expired`."""

    def __init__(self, seconds: float, public_only: bool = False) -> None:
        self.expired = False
        self.public_only = public_only
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> socket.socket:
        if self.public_only:
            # Checked on the connected socket, not on the host name: this
            # covers every redirect and a name that resolves differently
            # the second time (DNS rebinding).
            peer = sock.getpeername()[0].split("%")[0]
            if not ipaddress.ip_address(peer).is_global:
                sock.close()
                raise PrivateAddress(f"{peer} is a local or private address, which this server does not fetch")
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _watched_connection(base: type, deadline: _Deadline) -> type:
    class Connection(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            create = self._create_connection
            # http.client opens its socket through this attribute: watching it
            # here covers the TLS handshake, headers and body alike.
            self._create_connection = lambda *a, **k: deadline.watch(create(*a, **k))
    return Connection


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = _watched_connection(http.client.HTTPConnection, deadline)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._connection = _watched_connection(http.client.HTTPSConnection, deadline)

    def https_open(self, req):
        options = {"context": self._context}
        if hasattr(self, "_check_hostname"):  # Python < 3.12
            options["check_hostname"] = self._check_hostname
        return self.do_open(self._connection, req, **options)


def _with_declared_charset(data: bytes, headers: Message) -> bytes:
    """Re-encode the body as UTF-8 when the server declares a charset."""
    charset = headers.get_content_charset()
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: let detection decide
    return data


def _format_of_content_type(url: str, headers: Message) -> str | None:
    ctype = headers.get_content_type()
    if ctype in _UNSUPPORTED_CONTENT_TYPES or ctype.startswith(("image/", "audio/", "video/")):
        raise UnsupportedFormat(f"{url}: {_UNSUPPORTED_CONTENT_TYPES.get(ctype, ctype)} "
                                "content is not supported")
    if "html" in ctype:
        return "html"
    if ctype in ("application/x-ndjson", "application/jsonl"):
        return "jsonl"
    if ctype == "application/json":
        return "json"
    return None


def _format_of(path: Path) -> str | None:
    return _FORMAT_BY_SUFFIX.get(path.suffix.lower())


def _reject_magic(data: bytes, label: str) -> None:
    for signature, kind in _MAGIC:
        if data.startswith(signature):
            raise UnsupportedFormat(f"{label} looks like a {kind}, which is not supported; "
                                    "convert it to plain text or HTML first")


def _decode(data: bytes, label: str) -> str:
    if not data.strip():
        raise BadInput(f"{label} is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with a BOM (Windows "Unicode" text) is text despite its NULs.
        return _checked(data.decode("utf-16", errors="replace"), label)
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return _checked(text, label)
        raise BadInput(f"{label} looks like a binary file (it contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8-sig"), label)
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise BadInput(f"{label} looks like a binary file (no text encoding fits)")
    # On English text with a few accents charset-normalizer rates cp1250/cp1257
    # as good as or slightly better than cp1252 and turns 'déjà' into 'déją'.
    # For English news cp1252 is by far the likelier legacy encoding, so it wins
    # unless clearly worse; text in other scripts never lists it as a match.
    for match in matches:
        if match.chaos <= best.chaos + 0.1 and "cp1252" in match.could_be_from_charset:
            return _checked(data.decode("cp1252", errors="replace"), label)
    return _checked(str(best), label)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, if `data` is that.

    English in UTF-16 has a NUL in every other byte: the high byte of each
    ASCII character, second in little-endian order, first in big-endian. A
    binary file does not keep that pattern over its whole length.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    for codec, zeros, other in (("utf-16-le", data[1::2], data[0::2]),
                                ("utf-16-be", data[0::2], data[1::2])):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= len(other) // 100:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _checked(text: str, label: str) -> str:
    # ESC is left out of the count: terminal colour codes make text that is
    # still text (they are removed later, with every other control character).
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v\x1b")
    if controls > max(8, len(text) // 100):
        raise BadInput(f"{label} looks like a binary file (control characters)")
    return text


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


# --- parsing ---------------------------------------------------------------------

def _parse(text: str, fmt: str | None, label: str, url: str | None) -> list[Article]:
    sniffed = _sniff(text)
    # Saved web pages often end up named .txt; markup is never a plain-text body.
    fmt = "html" if sniffed == "html" and fmt in (None, "text") else fmt or sniffed
    if fmt == "html":
        return [_html_article(text, url, label)]
    if fmt == "json":
        return parse_json(text, label)
    if fmt == "jsonl":
        return _parse_jsonl(_normalise(text), label, label)
    return [_text_article(text, label, url)]


def _sniff(text: str) -> str:
    head = text.lstrip("\ufeff \t\r\n")[:2000]
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<") and _HTML_START.search(head):
        return "html"
    return "text"


def _normalise(raw: str) -> str:
    return raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _split_headers(raw: str, label: str) -> tuple[dict, str]:
    """Split leading `Key: value` header lines from the body."""
    fields: dict = {}
    lines = raw.split("\n")
    index = 0
    for index, line in enumerate(lines):
        match = _HEADER_LINE.match(line)
        if not match:
            break
        key, value = match.group(1).lower(), clean_field(match.group(2))
        fields[key] = _parse_date(value, label, index + 1) if key == "date" else value
    else:
        index = len(lines)
    if not fields:
        return {}, raw
    return fields, "\n".join(lines[index:])


def _parse_date(value: str | None, label: str, line: int) -> dt.date | None:
    if not value:
        return None
    date = _loose_date(value)  # the same dates JSON records accept
    if date is None:
        raise BadInput(f"{label}, line {line}: bad Date: value {_brief(value)} "
                       "(expected yyyy-mm-dd or an ISO timestamp)")
    return date


def _clean_body(body: str) -> str:
    """Drop control characters, leading blank lines and trailing whitespace;
    keep everything else, since every later offset refers to this exact text."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", clean_body(body)).rstrip()


def _outlet_fallback(url: str | None, name: str | None) -> str | None:
    if url:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:  # 'http://[::1' has no host to speak of
            host = ""
        host = host.removeprefix("www.")
        if host:
            return host
    if name and name not in ("stdin", "input") and not _is_url(name):
        return PurePosixPath(name.replace("\\", "/")).stem or None
    return None


def _headline(body: str) -> str | None:
    """The first line, if it stands alone and reads like a headline."""
    first, _, rest = body.partition("\n")
    first = first.strip()
    if not rest.strip() or not rest.lstrip(" \t").startswith("\n"):
        return None
    words = first.split()
    if 2 <= len(words) <= 14 and first[:1].isupper() and not first.endswith(_TERMINAL):
        return first
    return None


def _html_article(html: str, url: str | None, source: str | None) -> Article:
    label = source or url or "input"
    # No extensive date search: it takes any year in the body ('a curfew in
    # 1998') for the publication date, and facts are resolved against it.
    # Only the page's metadata and markup say when it was published.
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, date_extraction_params={
        "extensive_search": False, "original_date": True})
    lines = [line.strip() for line in clean_body(doc.text if doc and doc.text else "").split("\n")]
    paragraphs = [line for line in lines if line]
    title = clean_field(doc.title) if doc else None
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the headline is metadata, not body
    if not paragraphs:
        raise BadInput(f"{label}: no article text found in the HTML")
    page_url = url or (clean_field(doc.url) if doc else None)
    return Article(
        text="\n\n".join(paragraphs),
        outlet=(clean_field(doc.sitename) if doc else None) or _outlet_fallback(page_url, source),
        title=title,
        date=_loose_date(doc.date),
        url=page_url,
        source=source,
    )


def _parse_jsonl(raw: str, label: str, name: str | None) -> list[Article]:
    records = []
    for number, line in enumerate(raw.split("\n"), 1):
        if not line.strip():
            continue
        try:
            records.append((f"line {number}", _json_loads(line, f"{label}, line {number}")))
        except json.JSONDecodeError as error:
            raise BadInput(f"{label}: invalid JSON at line {number}, column {error.colno}: "
                           f"{error.msg}") from None
    return _records_to_articles(records, label, name)


def _records_to_articles(records: list[tuple[str, object]], label: str,
                         name: str | None) -> list[Article]:
    if not records:
        raise BadInput(f"{label} holds no articles")
    articles = []
    for where, record in records:
        if not isinstance(record, dict):
            raise BadInput(f"{label}, {where}: expected a JSON object, got {type(record).__name__}")
        text = record.get("text")
        if not isinstance(text, str) or not _clean_body(text):
            raise BadInput(f"{label}, {where}: the record has no text")
        fields = {key: _record_field(record, key, label, where) for key in ("id", "outlet", "title", "url")}
        url = fields["url"]
        date = record.get("date")
        articles.append(Article(
            text=_clean_body(_normalise(text)),
            id=fields["id"],
            outlet=fields["outlet"] or _outlet_fallback(url, _record_name(name, where, len(records))),
            title=fields["title"],
            date=_record_date(date, label, where),
            url=url,
            source=name,
        ))
    return articles


def _record_name(name: str | None, where: str, count: int) -> str | None:
    # Several records of one file would otherwise share one outlet name.
    if name is None or count == 1:
        return name
    return f"{PurePosixPath(name).stem} {where}"


def _record_date(value: object, label: str, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    date = _loose_date(value) if isinstance(value, str) else None
    if date is None:
        raise BadInput(f"{label}, {where}: bad date {_brief(value)} (expected yyyy-mm-dd or an ISO timestamp)")
    return date


def _loose_date(value: str | None) -> dt.date | None:
    """An ISO date, also when it is the start of an ISO timestamp."""
    if not value or not _ISO_DATE.match(value[:10]) or value[10:11] not in ("", "T", " "):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _record_field(record: dict, key: str, label: str, where: str) -> str | None:
    """A metadata field of a JSON record: a string, or a number written as one.
    Anything else (a list, an object, true) is refused rather than stored as
    its Python repr."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        kind = {dict: "an object", list: "a list", bool: "true or false"}.get(type(value), type(value).__name__)
        raise BadInput(f"{label}, {where}: '{key}' must be a string, not {kind}")
    return clean_field(str(value))


def _json_loads(raw: str, label: str):
    """`json.loads`, with its non-syntax failures as one-line `BadInput`."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise BadInput(f"{label}: JSON nested too deeply") from None
    except ValueError as error:
        if "digits" in str(error):  # Python refuses integers of over 4,300 digits
            raise BadInput(f"{label}: invalid JSON: a number has too many digits") from None
        raise BadInput(f"{label}: invalid JSON: {_one_line(error)}") from None


def _brief(value: object, limit: int = 60) -> str:
    """A value quoted in an error message, cut short: the message stays one
    readable line however long the value."""
    text = repr(clean_field(value) if isinstance(value, str) else value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
