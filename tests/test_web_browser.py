"""The web app in a real browser: Debian's Chromium driven by Playwright.

No browser is ever downloaded: the tests use /usr/bin/chromium (`apt-get
install chromium`) and skip, saying why, only when it is missing or cannot
start. The server runs in this process on a free loopback port.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

pytest.importorskip("playwright")
uvicorn = pytest.importorskip("uvicorn")
from playwright.sync_api import Error as PlaywrightError, expect, sync_playwright  # noqa: E402

from storylens.web import create_app  # noqa: E402
from storylens.web.security import Limits  # noqa: E402
from web_fixtures import BRIDGE_A, BRIDGE_B, make_store  # noqa: E402

CHROMIUM = os.environ.get("STORYLENS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = create_app(**make_store(tmp_path_factory.mktemp("browser")), limits=Limits(rate=0), warm=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (no browser is downloaded)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except PlaywrightError as exc:
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.csp_errors = []
    pg.on("console", lambda m: "Content Security Policy" in m.text and pg.csp_errors.append(m.text))
    pg.on("dialog", lambda d: (pg.csp_errors.append("dialog: " + d.message), d.dismiss()))
    yield pg
    context.close()


def test_stories_story_and_conflict_highlight(server, page):
    page.goto(server + "/stories")
    expect(page.locator("table.list tbody tr")).to_have_count(4)
    page.get_by_role("link", name="Tollan Bridge closed after cracks found in cables").click()
    expect(page.locator("article.col")).to_have_count(3)
    conflict = page.locator("#panel li.item.conflict").first
    key = conflict.get_attribute("data-finding")
    conflict.click()
    active = page.locator(f".col-body mark.active[data-finding~='{key}']")
    expect(active.first).to_be_visible()
    columns = page.locator(".col").filter(has=page.locator(f".col-body mark[data-finding~='{key}']"))
    assert columns.count() >= 2
    for i in range(columns.count()):  # each column scrolled so its span shows
        body = columns.nth(i).locator(".col-body")
        mark = body.locator("mark.active").first
        b, m = body.bounding_box(), mark.bounding_box()
        assert b["y"] <= m["y"] and m["y"] + m["height"] <= b["y"] + b["height"], (b, m)
    assert page.url.endswith("#" + key)
    expect(page.locator("#status")).to_be_visible()
    # a link to the finding opens the page with it selected
    page.goto(page.url.split("#")[0] + "#" + key)
    expect(page.locator(f".col-body mark.active[data-finding~='{key}']").first).to_be_visible()
    assert not page.csp_errors


@pytest.mark.parametrize("width, story", [(1280, True), (420, False)])
def test_pages_fit_the_screen(server, browser, width, story):
    """Three articles' columns fit a 1280-pixel screen beside the findings
    (the third was cut off by 20 pixels); on a phone the list of stories
    scrolls inside itself, not the page."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        pg = context.new_page()
        pg.goto(server + "/stories")
        if story:
            pg.get_by_role("link", name="Tollan Bridge closed after cracks found in cables").click()
            expect(pg.locator("article.col")).to_have_count(3)
        right = pg.evaluate("Math.max(...[...document.querySelectorAll('article.col, table.list, body')]"
                            ".map(e => e.getBoundingClientRect().right))")
        assert right <= width and pg.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_outlet_page(server, page):
    page.goto(server + "/stories")
    page.locator("td.outlets a", has_text="Valley Ledger").first.click()
    expect(page.get_by_role("heading", name="Valley Ledger", exact=True)).to_be_visible()
    expect(page.locator(".card .big")).to_contain_text("%")
    expect(page.locator(".term").first).to_be_visible()
    page.locator("table.list a[href*='#f-']").first.click()  # a contradicted figure opens its story at the fact
    expect(page.locator("#panel li.item.active")).to_have_count(1)
    assert not page.csp_errors


def test_compare_now(server, page):
    page.goto(server + "/compare")
    boxes = page.locator("textarea[name=text]")
    boxes.nth(0).fill("Outlet: Valley Ledger\nTitle: Bridge closed\n\n" + BRIDGE_A)
    boxes.nth(1).fill("Outlet: Ostrava Courier\nTitle: Bridge shut\n\n" + BRIDGE_B)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("article.col")).to_have_count(2, timeout=60_000)
    expect(page.locator(".storybar")).to_contain_text("Not stored")
    page.locator("#panel li.item.conflict").first.click()
    expect(page.locator(".col-body mark.active")).not_to_have_count(0)
    assert not page.csp_errors


def test_hostile_article_runs_nothing(server, page):
    page.goto(server + "/stories")
    page.locator("a", has_text="<script>").first.click()
    expect(page.locator("article.col")).to_have_count(2)
    page.locator(".col-body").first.hover()
    page.locator(".col-head").first.hover()
    page.locator("#panel li.item").first.click()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0
    expect(page.locator(".col-body").first).to_contain_text("<script>window.__pwned = 3</script>")
    for path in ("/stories", "/outlets"):
        page.goto(server + path)
        assert page.evaluate("window.__pwned") is None
    page.locator("a", has_text="Evil Gazette").first.click()
    assert page.evaluate("window.__pwned") is None
    assert not [e for e in page.csp_errors if e.startswith("dialog")]
