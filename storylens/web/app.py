"""The web app: server-rendered pages over the corpus store, and a JSON API
under /api/ mirroring each page (OpenAPI spec at /api/openapi.json).

    from storylens.web import create_app
    app = create_app("sqlite:///storylens.db")          # read-only, no token

Pages: /stories (search, outlet and date filters), /stories/{id} (the
comparison, the report's view), /outlets and /outlets/{name} (profiles),
/compare (Compare now). Article text and metadata are untrusted: every page
is a Jinja template with autoescaping, the only pre-built markup being the
article bodies from `view.highlight`, and every HTML response carries a
Content-Security-Policy that allows scripts and styles from this origin only
(see `security.CSP`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, urlencode

import anyio
import jinja2
from fastapi import Body, FastAPI, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUpload

from .. import __version__
from ..errors import StorylensError, TooLarge, UsageError
from ..models import Article, Comparison
from ..pipeline import assign_ids, compare as run_compare, identical_texts
from ..render import _safe_url, html_context
from ..view import build_view
from .compare_now import CompareLimits, gather
from .corpus import Catalogue, Corpus, StoryRow
from .security import LOOPBACK_NAMES, SESSION_COOKIE, Guard, Limits, session_value

HERE = Path(__file__).parent
PAGE_SIZE = 50


# ---------------------------------------------------------------- API models


class StoryOut(BaseModel):
    id: str
    title: str
    first: Optional[dt.date] = None
    last: Optional[dt.date] = None
    outlets: list[str]
    size: int = Field(description="Number of articles.")
    conflicts: Optional[int] = Field(None, description="Conflicting facts; null until the story is compared.")
    url: str = Field(description="The story's page.")


class StoriesOut(BaseModel):
    total: int
    offset: int
    limit: int
    stories: list[StoryOut]


class StoryDetailOut(BaseModel):
    story: StoryOut
    comparison: Optional[Comparison] = Field(None, description="Null for a story with a single article.")
    articles: Optional[list[Article]] = Field(None, description="Only for a story with a single article.")


class OutletOut(BaseModel):
    name: str
    stories: int
    url: str


class OutletProfileOut(BaseModel):
    name: str
    stories: list[StoryOut]
    compared_stories: int = Field(description="Stories shared with another outlet that the figures come from (the newest 200).")
    preferred_terms: list[dict[str, Any]] = Field(description="Per actor, the terms it uses where the other outlets in "
                                                              "the same stories use others, and theirs.")
    wire_share: Optional[float] = Field(None, description="Share of its text in verbatim or edited passages shared with other outlets.")
    number_facts: int = Field(description="Figures it reports that another outlet also reports.")
    figure_conflicts: int = Field(description="Of those, how many conflict.")
    quotes: dict[str, int] = Field(description="Speakers it quotes most, with counts.")
    sources: dict[str, int] = Field(description="Sources it cites most, with counts.")
    contradicted: list[dict[str, Any]]
    unique_facts: list[dict[str, Any]]


class ArticleIn(BaseModel):
    text: str
    outlet: Optional[str] = None
    title: Optional[str] = None
    date: Optional[dt.date] = None
    url: Optional[str] = None


class CompareIn(BaseModel):
    texts: list[str] = Field(default_factory=list, description="Plain texts, optionally with Outlet:/Date:/Title:/URL: header lines.")
    articles: list[ArticleIn] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list, description="http(s) URLs to fetch.")
    store: bool = Field(False, description="Also store the articles (only with --allow-ingest).")


class StatusOut(BaseModel):
    version: str
    stories: int
    multi_article_stories: int = Field(description="Stories with two or more articles: the ones with a comparison.")
    compared: int = Field(description="Stories compared so far (cached in memory).")
    read_only: bool


# ---------------------------------------------------------------- factory


def create_app(store_url: str | None = None, *, corpus: Corpus | None = None, read_only: bool = True,
               token: str | None = None, limits: Limits | None = None,
               compare_limits: CompareLimits | None = None, allowed_hosts: tuple[str, ...] | None = None,
               warm: bool = False, compare_workers: int = 2) -> FastAPI:
    """The storylens web app over the store at `store_url` (or over `corpus`).

    - `read_only`: the store is opened read-only; Compare now never stores.
    - `token`: every request needs `Authorization: Bearer <token>` or the
      session cookie /login sets from it.
    - `limits`: request rate and body size (`security.Limits`);
      `compare_limits`: Compare now's upload count and sizes.
    - `allowed_hosts`: `Host` names to answer (None: any).
    - `warm`: compare every story in a background thread, newest first, so
      pages and conflict counts are ready.
    - `compare_workers`: Compare now runs this many comparisons at once and
      answers 503 beyond that.
    """
    if corpus is None:  # store_url None: $STORYLENS_DB or storylens.db, as for `storylens ingest`
        from .store_corpus import StoreCorpus
        corpus = StoreCorpus(store_url, read_only=read_only)
    catalogue = Catalogue(corpus)
    state = _State(catalogue, read_only=corpus.read_only, compare_limits=compare_limits or CompareLimits(),
                   workers=compare_workers)

    app = FastAPI(title="storylens", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Stories, comparisons and outlet profiles from a storylens corpus. "
                              "Each page of the web app has a JSON twin here.")
    app.state.storylens = state
    app.state.token = token
    _routes(app, state)
    if warm:
        threading.Thread(target=state.warm, name="storylens-warm", daemon=True).start()
    return Guard(_InFlight(app, state), token=token, limits=limits,  # type: ignore[return-value]
                 allowed_hosts=allowed_hosts)


class _InFlight:
    """Counts requests being served, so the warm-up can step aside for them."""

    def __init__(self, app, state: "_State") -> None:
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.state.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.in_flight -= 1


class _State:
    def __init__(self, catalogue: Catalogue, *, read_only: bool, compare_limits: CompareLimits, workers: int):
        self.catalogue = catalogue
        self.read_only = read_only
        self.compare_limits = compare_limits
        self.compare_slots = threading.BoundedSemaphore(workers)
        self.env = _environment()
        self.comparison_js = self.env.get_template("_comparison.js.j2").render(stable_keys=True).strip() + "\n"
        self.web_css = (HERE / "static" / "web.css").read_text(encoding="utf-8")
        self.conflicts: dict[tuple[str, str], int] = {}  # (revision, story id) -> conflicts
        self.pages: OrderedDict[tuple, str] = OrderedDict()  # rendered story pages and story JSON
        self.profiles: dict[tuple[str, str], Any] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.in_flight = 0  # requests being served (see _InFlight)
        self.lists: OrderedDict[tuple, str] = OrderedDict()  # rendered stories list pages

    def view(self, story_id: str):
        view = self.catalogue.view(story_id)
        rev = self.catalogue.revision()
        with self.lock:
            if any(r != rev for r, _ in list(self.conflicts)[:1]):  # the store changed: forget the old figures
                self.conflicts.clear()
                self.profiles.clear()
            self.conflicts[(rev, story_id)] = view.counts()["conflicts"]
        return view

    def conflicts_of(self, story_id: str) -> int | None:
        return self.conflicts.get((self.catalogue.revision(), story_id))

    def profile(self, name: str):
        key = (self.catalogue.revision(), name)
        if key not in self.profiles:
            self.profiles[key] = self.catalogue.outlet(name)
        return self.profiles[key]

    def warm(self) -> None:
        rows, _ = self.catalogue.stories(limit=10 ** 9)
        for row in rows:
            if self.stop.is_set():
                return
            if row.size >= 2 and self.conflicts_of(row.id) is None:
                # Comparing holds the interpreter for a while: never while a
                # request waits, so pages stay fast during the warm-up.
                while self.in_flight and not self.stop.is_set():
                    time.sleep(0.02)
                try:
                    self.view(row.id)
                except Exception:  # a story that cannot be compared shows "—"
                    continue

    def render(self, name: str, **context) -> str:
        return self.env.get_template(name).render(read_only=self.read_only, nav=context.pop("nav", ""), **context)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(HERE / "templates"),
                                    jinja2.FileSystemLoader(HERE.parent / "templates")]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["urlpart"] = lambda s: quote(str(s), safe="")
    env.filters["size"] = lambda n: f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} kB"
    env.filters["pct"] = lambda x: "—" if x is None else f"{100 * x:.0f}%"
    env.globals["story_url"] = lambda sid: f"/stories/{quote(str(sid), safe='')}"
    env.globals["outlet_url"] = lambda name: f"/outlets/{quote(str(name), safe='')}"
    return env


def _story_out(state: _State, row: StoryRow) -> StoryOut:
    return StoryOut(**row.to_dict(), conflicts=state.conflicts_of(row.id), url=f"/stories/{quote(row.id, safe='')}")


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a date like 2014-03-21") from None


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


# ---------------------------------------------------------------- routes


def _routes(app: FastAPI, state: _State) -> None:
    catalogue = state.catalogue

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        html = state.render("error.html.j2", status=exc.status_code, message=str(exc.detail))
        return HTMLResponse(html, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(_Moved)
    async def moved(request: Request, exc: _Moved):
        return RedirectResponse(exc.location, status_code=308)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return HTMLResponse(state.render("error.html.j2", status=422, message=message), status_code=422)

    # -- static

    @app.get("/static/comparison.js", include_in_schema=False)
    def comparison_js():
        return Response(state.comparison_js, media_type="text/javascript; charset=utf-8",
                        headers={"cache-control": "public, max-age=3600"})

    @app.get("/static/web.css", include_in_schema=False)
    def web_css():
        return Response(state.web_css, media_type="text/css; charset=utf-8",
                        headers={"cache-control": "public, max-age=3600"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/stories", status_code=303)

    # -- login (only meaningful with a token)

    @app.get("/login", include_in_schema=False, response_class=HTMLResponse)
    def login_form():
        return state.render("login.html.j2", failed=False)

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form("", max_length=1000)):
        guard_token = getattr(app.state, "token", None)
        if not guard_token or not _equal(token, guard_token):
            return HTMLResponse(state.render("login.html.j2", failed=True), status_code=401)
        response = RedirectResponse("/stories", status_code=303)
        response.set_cookie(SESSION_COOKIE, session_value(guard_token), httponly=True, samesite="strict",
                            path="/", secure=request.url.scheme == "https")
        return response

    # -- stories

    def list_stories(q, outlet, since, until, page, multi=False):
        since_d, until_d = _date(since, "from"), _date(until, "to")
        page = max(1, page)
        rows, total = catalogue.stories(q=q or "", outlet=outlet or "", since=since_d, until=until_d,
                                        min_size=2 if multi else 1,
                                        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return rows, total, page

    @app.get("/api/stories", response_model=StoriesOut, tags=["stories"])
    def api_stories(q: str = Query("", max_length=200, description="Words, each matching a title or outlet word prefix."),
                    outlet: str = Query("", max_length=200), since: str = Query("", alias="from", max_length=10),
                    until: str = Query("", alias="to", max_length=10), page: int = Query(1, ge=1, le=100_000),
                    multi: bool = Query(False, description="Only stories with two or more articles.")):
        """Stories, newest first, 50 a page."""
        rows, total, page = list_stories(q, outlet, since, until, page, multi)
        return StoriesOut(total=total, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                          stories=[_story_out(state, r) for r in rows])

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(q: str = Query("", max_length=200), outlet: str = Query("", max_length=200),
                     since: str = Query("", alias="from", max_length=10),
                     until: str = Query("", alias="to", max_length=10), page: int = Query(1, ge=1, le=100_000),
                     multi: bool = Query(False)):
        key = (catalogue.revision(), len(state.conflicts), q, outlet, since, until, page, multi)
        with state.lock:
            cached = state.lists.get(key)
        if cached is not None:
            return HTMLResponse(cached)
        rows, total, page = list_stories(q, outlet, since, until, page, multi)
        params = {k: v for k, v in (("q", q), ("outlet", outlet), ("from", since), ("to", until),
                                    ("multi", "1" if multi else "")) if v}
        pages = max(1, math.ceil(total / PAGE_SIZE))
        link = lambda p: "/stories?" + urlencode({**params, "page": p})  # noqa: E731
        html = state.render("stories.html.j2", nav="stories", rows=[_story_out(state, r) for r in rows],
                            total=total, page=page, pages=pages, q=q, outlet=outlet, since=since, until=until,
                            multi=multi,
                            outlets=catalogue.outlets(), prev=page > 1 and link(page - 1),
                            next=page < pages and link(page + 1), filtered=bool(params))
        with state.lock:
            state.lists[key] = html
            while len(state.lists) > 128:
                state.lists.popitem(last=False)
        return HTMLResponse(html)

    def story_or_404(story_id: str, request: Request | None = None) -> StoryRow:
        row = catalogue.story(story_id)
        if row is None:
            resolve = getattr(catalogue.corpus, "resolve", None)
            live = resolve(story_id) if resolve else None
            if live and live != story_id and request is not None:  # merged into another story since
                raise _Moved(request.url.path.rsplit("/", 1)[0] + "/" + quote(live, safe=""))
            raise HTTPException(404, "no story with this id")
        return row

    async def story_view(story_id: str):
        row = story_or_404(story_id)
        return row, await anyio.to_thread.run_sync(state.view, story_id)

    @app.get("/api/stories/{story_id}", response_model=StoryDetailOut, tags=["stories"])
    async def api_story(story_id: str, request: Request):
        """A story and the comparison of its articles (the JSON of `storylens compare`);
        a story with a single article has no comparison, only its article."""
        row = story_or_404(story_id, request)
        story = json.loads(_story_out(state, row).model_dump_json())
        if row.size < 2:
            articles = await anyio.to_thread.run_sync(catalogue.corpus.story_articles, story_id)
            return JSONResponse({"story": story, "comparison": None,
                                 "articles": [a.model_dump(mode="json") for a in articles]})
        key = ("json", catalogue.revision(), story_id)
        with state.lock:
            body = state.pages.get(key)
        if body is None:
            row, view = await story_view(story_id)
            story["conflicts"] = view.counts()["conflicts"]
            body = json.dumps({"story": story, "comparison": view.comparison.to_dict()}, ensure_ascii=False)
            with state.lock:
                state.pages[key] = body
                while len(state.pages) > 512:
                    state.pages.popitem(last=False)
        return Response(body, media_type="application/json")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: str, request: Request):
        row = story_or_404(story_id, request)
        key = (catalogue.revision(), story_id)
        with state.lock:
            html = state.pages.get(key)
        if html is None and row.size < 2:
            articles = await anyio.to_thread.run_sync(catalogue.corpus.story_articles, story_id)
            html = state.render("single.html.j2", nav="stories", story=_story_out(state, row), articles=articles,
                                safe_url=_safe_url)
        elif html is None:
            _, view = await story_view(story_id)
            html = comparison_page(view, story=_story_out(state, row))
            with state.lock:
                state.pages[key] = html
                while len(state.pages) > 512:
                    state.pages.popitem(last=False)
        return HTMLResponse(html)

    def comparison_page(view, *, story=None, note: str = "") -> str:
        context = html_context(view)
        context["show_ids"] = False  # store ids are long and mean nothing to a reader; the JSON has them
        if story is not None:
            context["title"] = story.title
        return state.render("comparison.html.j2", nav="stories" if story else "compare",
                            story=story, note=note, **context)

    # -- outlets

    @app.get("/api/outlets", response_model=list[OutletOut], tags=["outlets"])
    def api_outlets():
        """Outlets, with the number of stories each appears in."""
        return [OutletOut(name=n, stories=c, url=f"/outlets/{quote(n, safe='')}") for n, c in catalogue.outlets()]

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page():
        return state.render("outlets.html.j2", nav="outlets", outlets=catalogue.outlets())

    async def profile_or_404(name: str):
        profile = await anyio.to_thread.run_sync(state.profile, name)
        if profile is None:
            raise HTTPException(404, "no outlet with this name")
        return profile

    @app.get("/api/outlets/{name}", response_model=OutletProfileOut, tags=["outlets"])
    async def api_outlet(name: str):
        """An outlet's profile: preferred terms, wire-copy share, contradicted figures, unique facts, stories."""
        profile = await profile_or_404(name)
        data = profile.to_dict()
        data["stories"] = [_story_out(state, r) for r in profile.stories]
        return OutletProfileOut(**data)

    @app.get("/outlets/{name}", response_class=HTMLResponse, include_in_schema=False)
    async def outlet_page(name: str):
        key = ("outlet", catalogue.revision(), len(state.conflicts), name)
        with state.lock:
            html = state.lists.get(key)
        if html is None:
            profile = await profile_or_404(name)
            html = state.render("outlet.html.j2", nav="outlets", p=profile,
                                stories=[_story_out(state, r) for r in profile.stories])
            with state.lock:
                state.lists[key] = html
                while len(state.lists) > 128:
                    state.lists.popitem(last=False)
        return HTMLResponse(html)

    # -- compare now

    async def run(texts, uploads, urls, articles=(), store=False):
        if store and state.read_only:
            raise HTTPException(403, "this server opened the store read-only: start it with --allow-ingest to store articles")
        if not state.compare_slots.acquire(blocking=False):
            raise HTTPException(503, "the server is busy comparing other articles; try again in a moment",
                                headers={"retry-after": "5"})
        try:
            def work():
                given = gather(texts, uploads, urls, state.compare_limits) if (texts or uploads or urls) else []
                found = list(articles) + given
                if len(found) > state.compare_limits.max_articles:
                    raise UsageError(f"Compare now takes at most {state.compare_limits.max_articles} articles at a time")
                if len(found) < 2:
                    raise UsageError("give at least two articles to compare (paste texts, upload files or list URLs)")
                found = assign_ids(found)
                comparison = run_compare(found)
                stored = catalogue.corpus.ingest(found) if store else []
                return comparison, stored
            return await anyio.to_thread.run_sync(work)
        except StorylensError as exc:
            status = 413 if isinstance(exc, TooLarge) else 400
            raise HTTPException(status, str(exc)) from None
        finally:
            state.compare_slots.release()

    @app.post("/api/compare", response_model=Comparison, tags=["compare"])
    async def api_compare(body: CompareIn = Body(...)):
        """Compare two or more articles now (texts, article records or URLs); nothing is stored unless `store`."""
        articles = [Article(**a.model_dump()) for a in body.articles]
        comparison, _ = await run(body.texts, [], body.urls, articles, store=body.store)
        return JSONResponse(comparison.to_dict())

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_form():
        return state.render("compare.html.j2", nav="compare", limits=state.compare_limits, error=None, texts=["", ""], urls="")

    @app.post("/compare", response_class=HTMLResponse, include_in_schema=False)
    async def compare_submit(request: Request):
        limits = state.compare_limits
        try:
            form = await request.form(max_files=limits.max_articles, max_fields=50,
                                      max_part_size=limits.max_file_bytes + 1)
        except Exception as exc:  # multipart limits: too many files or fields, a part too large
            raise HTTPException(413 if "size" in str(exc).lower() else 400,
                                f"the form could not be read: {exc}. Compare now takes at most "
                                f"{limits.max_articles} inputs of {limits.max_file_bytes // 1000:,} kB each") from None
        texts = [v for v in form.getlist("text") if isinstance(v, str)]
        urls = [u for v in form.getlist("urls") if isinstance(v, str) for u in v.splitlines()]
        uploads = []
        for item in form.getlist("files"):
            if isinstance(item, StarletteUpload) and (item.filename or item.size):
                data = await item.read(limits.max_file_bytes + 1)
                uploads.append((item.filename or "upload", data))
        store = form.get("store") == "on"
        try:
            comparison, stored = await run(texts, uploads, urls, store=store)
        except HTTPException as exc:
            if exc.status_code == 503:
                raise
            html = state.render("compare.html.j2", nav="compare", limits=limits, error=str(exc.detail),
                                texts=(texts + ["", ""])[:max(2, len(texts))], urls="\n".join(urls))
            return HTMLResponse(html, status_code=exc.status_code)
        note = (f"Stored in story {', '.join(stored)}." if stored else "Not stored: this comparison exists only on this page.")
        # Two inputs with one text (a file uploaded twice) show as copies: say so, as the CLI does.
        note = " ".join([*(f"Note: {m}." for m in identical_texts(comparison.articles)), note])
        return HTMLResponse(comparison_page(build_view(comparison, stable_ids=True), note=note))

    @app.get("/api/status", response_model=StatusOut, tags=["status"])
    def api_status():
        """Stories in the store and how many are compared (cached)."""
        rev = catalogue.revision()
        rows, total = catalogue.stories(limit=10 ** 9)
        compared = sum(1 for (r, _s) in list(state.conflicts) if r == rev)
        return StatusOut(version=__version__, stories=total, multi_article_stories=sum(r.size >= 2 for r in rows),
                         compared=compared, read_only=state.read_only)


class _Moved(Exception):
    """A story merged into another: its old URL redirects to the new one."""

    def __init__(self, location: str) -> None:
        self.location = location


def _equal(a: str, b: str) -> bool:
    import hmac
    return hmac.compare_digest(a.encode(), b.encode())


def serve(store_url: str | None = None, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          allow_ingest: bool = False, limits: Limits | None = None, fetch: bool = True,
          fetch_private: bool = False, warm: bool = True, log_level: str = "warning") -> None:
    """Run the app with uvicorn. Binding to anything but loopback needs a token."""
    import uvicorn

    loopback = host in LOOPBACK_NAMES
    if not loopback and not token:
        raise UsageError(f"refusing to listen on {host} without --token: anyone who can reach it could "
                         "read the store. Pass --token SECRET (then every request needs it) or bind to 127.0.0.1")
    app = create_app(store_url, read_only=not allow_ingest, token=token, limits=limits, warm=warm,
                     compare_limits=CompareLimits(allow_fetch=fetch, fetch_private=fetch_private),
                     allowed_hosts=None if token else LOOPBACK_NAMES)
    import sys
    shown = f"[{host}]" if ":" in host else host
    from ..store import resolve_url

    print(f"storylens: serving {resolve_url(store_url)} on http://{shown}:{port}/ "
          f"({'read-write' if allow_ingest else 'read-only'}{', token required' if token else ''})", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                limit_concurrency=200, timeout_keep_alive=5, timeout_graceful_shutdown=5, h11_max_incomplete_event_size=64 * 1024)
