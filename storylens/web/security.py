"""Limits and access control for the web app, as plain ASGI middleware.

Why hand-written: none of the rate-limiting libraries for Starlette is in
the lock file, and what is needed is small enough to read in one sitting:

- `Guard` wraps the whole app and, in this order:
  1. answers 400 to a `Host` header that is not allowed (when the server
     binds to loopback, only loopback names are: a web page elsewhere cannot
     reach it by DNS rebinding);
  2. answers 429 when a client (by address) exceeds its request rate, a
     token bucket of `rate` requests a second with bursts of `burst`;
  3. answers 413 when a request body is over `max_body` bytes, by its
     Content-Length or, for a streamed body, as soon as it passes the limit;
  4. with a token, answers 401 unless the request carries
     `Authorization: Bearer <token>` or the session cookie set by /login
     (a browser asking for a page is sent to /login instead);
  5. answers 403 to a POST from another site (an `Origin` header naming
     another host), so a page elsewhere cannot make a browser on this
     machine submit the forms;
  6. adds the security headers (the Content-Security-Policy on HTML pages).

What it answers itself is a short JSON message that never echoes the request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Awaitable, Callable
from urllib.parse import urlsplit

SESSION_COOKIE = "storylens_session"

# The report's policy (no fetch of any kind, scripts only as hashed or
# same-origin files, no images, no <base>), except that the app's scripts and
# stylesheet come from this origin and its forms post to it.
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def session_value(token: str) -> str:
    """The session cookie's value: derived from the token, never the token."""
    return hmac.new(token.encode("utf-8"), b"storylens session v1", hashlib.sha256).hexdigest()


@dataclass
class Limits:
    max_body: int = 8_000_000   # bytes in one request body (Compare now uploads)
    rate: float = 20.0          # requests a second per client address, sustained...
    burst: int = 120            # ...with bursts up to this many; rate 0 turns limiting off
    clients: int = 10_000       # addresses tracked at once (least recently seen dropped)


class _Buckets:
    def __init__(self, rate: float, burst: int, size: int) -> None:
        self.rate, self.burst, self.size = rate, burst, size
        self.state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self.state.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        ok = tokens >= 1
        self.state[client] = (tokens - 1 if ok else tokens, now)
        if len(self.state) > self.size:
            self.state.popitem(last=False)
        return ok


class _TooLarge(Exception):
    pass


class Guard:
    def __init__(self, app, *, token: str | None = None, limits: Limits | None = None,
                 allowed_hosts: tuple[str, ...] | None = None, open_paths: tuple[str, ...] = ("/login", "/static/web.css")) -> None:
        self.app = app
        self.token = token
        self.session = session_value(token) if token else None
        self.limits = limits or Limits()
        self.buckets = _Buckets(self.limits.rate, self.limits.burst, self.limits.clients) if self.limits.rate > 0 else None
        self.allowed_hosts = allowed_hosts
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.allowed_hosts is not None and _host_name(headers.get("host", "")) not in self.allowed_hosts:
            await _plain(send, 400, "storylens: this server only answers requests addressed to it by a loopback name")
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self.buckets is not None and not self.buckets.allow(client):
            await _plain(send, 429, "storylens: too many requests; wait a moment and try again",
                         [(b"retry-after", b"1")])
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.max_body:
            await _plain(send, 413, f"storylens: the request body is over the limit of "
                                    f"{self.limits.max_body // 1_000_000} MB")
            return
        if self.token and scope["path"] not in self.open_paths and not self._authorised(headers):
            if scope["method"] == "GET" and "text/html" in headers.get("accept", "") \
                    and not scope["path"].startswith("/api/"):
                await send({"type": "http.response.start", "status": 303,
                            "headers": _with_security_headers([(b"location", b"/login"), (b"content-length", b"0")])})
                await send({"type": "http.response.body", "body": b""})
                return
            await _plain(send, 401, "storylens: this server needs a token: send 'Authorization: Bearer TOKEN' "
                                    "or sign in at /login", [(b"www-authenticate", b'Bearer realm="storylens"')])
            return
        if scope["method"] == "POST" and not _same_origin(headers):
            await _plain(send, 403, "storylens: cross-site form submissions are refused")
            return
        await self._forward(scope, receive, send)

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and hmac.compare_digest(auth[7:].strip().encode(), self.token.encode()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            return False
        morsel = cookie.get(SESSION_COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(), self.session.encode())

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        limit = self.limits.max_body
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = dict(message)
                message["headers"] = _with_security_headers(list(message.get("headers", [])))
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            if not started:
                await _plain(send, 413, f"storylens: the request body is over the limit of {limit // 1_000_000} MB")


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(headers: dict[str, str]) -> bool:
    """Browsers say where a request comes from in Sec-Fetch-Site; older ones
    only in Origin (which is "null" under our no-referrer policy, so it is
    only trusted when it names a host). No header: not a browser."""
    site = headers.get("sec-fetch-site")
    if site:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


def _with_security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {k.lower() for k, _ in headers}
    ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
    extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
             (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]
    if ctype.startswith(b"text/html"):
        extra.append((b"content-security-policy", CSP.encode()))
    return headers + [(k, v) for k, v in extra if k not in names]


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": text}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status,
                "headers": _with_security_headers(headers + (extra or []))})
    await send({"type": "http.response.body", "body": body})
