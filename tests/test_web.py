"""The web app through FastAPI's TestClient: pages, JSON API, limits, access.

Articles are invented (tests/web_fixtures.py) and go in through the store API.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.errors import IdenticalText, UsageError  # noqa: E402
from storylens.web import create_app, serve  # noqa: E402
from storylens.web.compare_now import CompareLimits  # noqa: E402
from storylens.web.security import CSP, Limits  # noqa: E402
from web_fixtures import BRIDGE_A, BRIDGE_B, XSS_BODY, XSS_TITLE, make_store  # noqa: E402

NO_LIMIT = Limits(rate=0)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return make_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(source):
    with TestClient(create_app(**source, limits=NO_LIMIT)) as c:
        yield c


@pytest.fixture(scope="module")
def ids(client):
    stories = client.get("/api/stories").json()["stories"]
    by_outlets = {}
    for s in stories:
        if "Ostrava Courier" in s["outlets"]:
            by_outlets["bridge"] = s["id"]
        elif any("Evil Gazette" in o for o in s["outlets"]):
            by_outlets["hostile"] = s["id"]
        elif "Morning Post" in s["outlets"] and "Valley Ledger" in s["outlets"]:
            by_outlets["harbour"] = s["id"]
        elif s["size"] == 1:
            by_outlets["lone"] = s["id"]
    assert set(by_outlets) == {"bridge", "hostile", "harbour", "lone"}, stories
    return by_outlets


def test_stories_list_newest_first(client, ids):
    data = client.get("/api/stories").json()
    assert data["total"] == 4
    assert [s["id"] for s in data["stories"]] == [ids["bridge"], ids["harbour"], ids["hostile"], ids["lone"]]
    bridge = data["stories"][0]
    assert bridge["size"] == 3 and set(bridge["outlets"]) == {"Valley Ledger", "Ostrava Courier", "Morning Post"}
    page = client.get("/stories")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    tree = lxml.html.document_fromstring(page.text)
    assert len(tree.xpath("//table[@class='list']/tbody/tr")) == 4


@pytest.mark.parametrize("query, expected", [
    ({"q": "tollan"}, {"bridge"}),
    ({"q": "dock strike"}, {"harbour"}),
    ({"q": "nothing-like-this"}, set()),
    ({"outlet": "Morning Post"}, {"bridge", "harbour"}),
    ({"outlet": "Valley Ledger", "multi": "1"}, {"bridge", "harbour"}),
    ({"q": "library"}, {"lone"}),
    ({"q": "kessvik", "multi": "1"}, set()),
    ({"from": "2031-03-01", "to": "2031-03-31"}, {"harbour"}),
    ({"from": "2031-05-07"}, {"bridge"}),
])
def test_stories_search_and_filters(client, ids, query, expected):
    got = {s["id"] for s in client.get("/api/stories", params=query).json()["stories"]}
    assert got == {ids[k] for k in expected}
    assert client.get("/stories", params=query).status_code == 200


def test_bad_date_is_a_clear_400(client):
    r = client.get("/api/stories", params={"from": "yesterday"})
    assert r.status_code == 400 and "date like" in r.json()["detail"]


def test_story_page_is_the_report_view_with_stable_ids(client, ids):
    data = client.get(f"/api/stories/{ids['bridge']}").json()
    comparison = data["comparison"]
    assert len(comparison["articles"]) == 3
    conflicts = [f for f in comparison["facts"] if f["status"] == "conflict"]
    assert conflicts, "the invented bridge story has conflicting figures"
    page = client.get(f"/stories/{ids['bridge']}")
    assert page.status_code == 200
    tree = lxml.html.document_fromstring(page.text)
    panel_keys = [li.get("data-finding") for li in tree.xpath("//aside[@id='panel']//li[contains(@class, 'item')][@data-finding]")]
    assert {f["id"] for f in comparison["facts"]} <= set(panel_keys)
    first_fact = tree.xpath("//aside[@id='panel']//li[contains(@class,'item')]")[0]
    assert "conflict" in first_fact.get("class")  # conflicts first, as in the report
    for fact in conflicts:
        marks = tree.xpath(f"//div[@class='col-body']//mark[contains(concat(' ', @data-finding, ' '), ' {fact['id']} ')]")
        assert len(marks) >= 2
    assert tree.xpath("//script[@src='/static/comparison.js']")
    assert not [s for s in tree.xpath("//script[not(@src)]") if s.get("type") != "application/json"]
    assert data["story"]["conflicts"] == len(conflicts)


def test_static_script_is_the_report_script(client):
    js = client.get("/static/comparison.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "data-finding" in js.text and "titles[id] || id" in js.text


def test_untrusted_text_is_escaped(client, ids):
    page = client.get(f"/stories/{ids['hostile']}")
    assert page.status_code == 200
    html = page.text
    assert "<script>window.__pwned" not in html and "<img" not in html and "<b onmouseover" not in html
    assert "javascript:" not in html
    tree = lxml.html.document_fromstring(html)
    assert XSS_BODY in tree.xpath("//div[@class='col-body']")[0].text_content()
    assert XSS_TITLE in tree.text_content()
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert not any(name.startswith("on") for name in el.attrib), el.tag
    listing = client.get("/stories").text
    assert "<script>window.__pwned" not in listing and "<img" not in listing


def test_single_article_story(client, ids):
    data = client.get(f"/api/stories/{ids['lone']}").json()
    assert data["comparison"] is None and data["articles"][0]["title"].startswith("Library in Kessvik")
    page = client.get(f"/stories/{ids['lone']}")
    assert page.status_code == 200 and "nothing to compare" in page.text and "About 300 residents" in page.text


def test_unknown_story_and_outlet_are_404(client):
    assert client.get("/stories/999999").status_code == 404
    assert client.get("/api/stories/999999").json()["detail"]
    assert client.get("/outlets/No%20Such%20Outlet").status_code == 404


def test_outlet_profile(client, ids):
    outlets = {o["name"]: o["stories"] for o in client.get("/api/outlets").json()}
    assert outlets["Valley Ledger"] == 3
    profile = client.get("/api/outlets/Valley%20Ledger").json()
    assert {s["id"] for s in profile["stories"]} == {ids["bridge"], ids["harbour"], ids["lone"]}
    assert profile["wire_share"] is not None and 0 < profile["wire_share"] <= 1
    assert profile["contradicted"], "the Ledger's driver count and strike size are contradicted"
    assert all(c["link"].startswith("/stories/") and "#f-" in c["link"] for c in profile["contradicted"])
    page = client.get("/outlets/Valley%20Ledger")
    assert page.status_code == 200 and "Wire-copy share" in page.text and "Preferred terms" in page.text


def test_compare_now_api_stores_nothing(client):
    before = client.get("/api/stories").json()["total"]
    r = client.post("/api/compare", json={"texts": [
        "Outlet: Valley Ledger\nTitle: Bridge\n\n" + BRIDGE_A, "Outlet: Ostrava Courier\n\n" + BRIDGE_B]})
    assert r.status_code == 200, r.text
    assert [a["outlet"] for a in r.json()["articles"]] == ["Valley Ledger", "Ostrava Courier"]
    assert r.json()["passages"]
    assert client.get("/api/stories").json()["total"] == before


def test_compare_now_form(client):
    r = client.post("/compare", data={"text": [BRIDGE_A, BRIDGE_B]})
    assert r.status_code == 200 and "Not stored" in r.text and "same text" not in r.text
    tree = lxml.html.document_fromstring(r.text)
    assert len(tree.xpath("//article[@class='col']")) == 2


def test_compare_now_says_when_two_inputs_hold_one_text(client):
    with pytest.warns(IdenticalText):
        r = client.post("/compare", files=[("files", (name, BRIDGE_A.encode(), "text/plain"))
                                           for name in ("bridge.txt", "bridge copy.txt")])
    assert r.status_code == 200
    note = lxml.html.document_fromstring(r.text).xpath("//div[@class='storybar']")[0].text_content()
    assert note.startswith("Note: a (bridge) and b (bridge copy) have the same text: the comparison shows them")


def test_compare_now_upload_name_is_never_a_path(client):
    files = [("files", ("../../../../etc/passwd", BRIDGE_A.encode(), "text/plain")),
             ("files", ("C:\\Windows\\win.ini", BRIDGE_B.encode(), "text/plain"))]
    r = client.post("/compare", files=files)
    assert r.status_code == 200, r.text
    assert "root:" not in r.text and "Tollan Bridge" in r.text
    assert "passwd" in r.text and "../" not in r.text


def test_compare_now_errors_are_clear(client):
    r = client.post("/api/compare", json={"texts": [BRIDGE_A]})
    assert r.status_code == 400 and "at least two" in r.json()["detail"]
    r = client.post("/api/compare", json={"texts": [BRIDGE_A] * 9})
    assert r.status_code == 400 and "at most 8" in r.json()["detail"]
    r = client.post("/api/compare", json={"texts": [BRIDGE_A], "urls": ["file:///etc/passwd"]})
    assert r.status_code == 400 and "not an http(s) URL" in r.json()["detail"]
    r = client.post("/compare", data={"text": [BRIDGE_A, ""]})
    assert r.status_code == 400 and "at least two" in r.text and "<form" in r.text
    r = client.post("/compare", files=[("files", ("a.pdf", b"%PDF-1.4 x", "application/pdf")),
                                       ("files", ("b.txt", BRIDGE_B.encode(), "text/plain"))])
    assert r.status_code == 400 and "not supported" in r.text


def test_compare_now_upload_limits(source):
    app = create_app(**source, limits=Limits(rate=0, max_body=200_000),
                     compare_limits=CompareLimits(max_file_bytes=5_000, max_articles=3))
    with TestClient(app) as c:
        r = c.post("/compare", files=[("files", ("big.txt", b"word " * 2_000, "text/plain")),
                                      ("files", ("b.txt", BRIDGE_B.encode(), "text/plain"))])
        assert r.status_code == 413 and "5 kB" in r.text
        r = c.post("/compare", files=[("files", (f"{n}.txt", BRIDGE_B.encode(), "text/plain")) for n in range(4)])
        assert r.status_code in (400, 413) and "at most 3" in r.text
        r = c.post("/api/compare", content=b"x" * 300_000, headers={"content-type": "application/json"})
        assert r.status_code == 413 and "limit" in r.json()["detail"]


@pytest.fixture()
def page_server():
    """A page with an invented article, served on loopback: the kind of
    address a visitor must not make the server fetch (its own network)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = f"<html><head><title>Tollan Bridge</title></head><body><article><p>{BRIDGE_B}</p></article></body></html>"

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/bridge.html"
    httpd.shutdown()
    httpd.server_close()


def test_compare_now_does_not_fetch_local_addresses(source, page_server, monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with TestClient(create_app(**source, limits=NO_LIMIT)) as c:
        r = c.post("/api/compare", json={"texts": [BRIDGE_A], "urls": [page_server]})
        assert r.status_code == 400 and "local or private address" in r.json()["detail"], r.text
    # The operator of a server on their own machine may allow it (serve --fetch-private).
    with TestClient(create_app(**source, limits=NO_LIMIT,
                               compare_limits=CompareLimits(fetch_private=True))) as c:
        r = c.post("/api/compare", json={"texts": [BRIDGE_A], "urls": [page_server]})
        assert r.status_code == 200, r.text
        assert len(r.json()["articles"]) == 2


def test_read_only_store_refuses_to_store(client):
    r = client.post("/api/compare", json={"texts": [BRIDGE_A, BRIDGE_B], "store": True})
    assert r.status_code == 403 and "--allow-ingest" in r.json()["detail"]


def test_cross_site_post_refused(client):
    r = client.post("/api/compare", json={"texts": [BRIDGE_A, BRIDGE_B]},
                    headers={"origin": "https://elsewhere.invalid"})
    assert r.status_code == 403


def test_token_required_when_set(source):
    with TestClient(create_app(**source, token="s3cret-token", limits=NO_LIMIT)) as c:
        assert c.get("/api/stories").status_code == 401
        assert c.get("/stories").status_code == 401
        r = c.get("/stories", headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert c.get("/login").status_code == 200
        assert c.get("/api/stories", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/stories", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.post("/login", data={"token": "nope"}).status_code == 401
        r = c.post("/login", data={"token": "s3cret-token"}, follow_redirects=False)
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "s3cret-token" not in cookie
        assert c.get("/stories").status_code == 200  # the client keeps the cookie


def test_rate_limit(source):
    with TestClient(create_app(**source, limits=Limits(rate=0.01, burst=3))) as c:
        codes = [c.get("/api/status").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_host_check_against_dns_rebinding(source):
    with TestClient(create_app(**source, limits=NO_LIMIT, allowed_hosts=("127.0.0.1", "localhost"))) as c:
        assert c.get("/api/status", headers={"host": "127.0.0.1:8000"}).status_code == 200
        assert c.get("/api/status", headers={"host": "attacker.invalid"}).status_code == 400


def test_serve_refuses_public_bind_without_token(source):
    with pytest.raises(UsageError, match="--token"):
        serve("sqlite:///unused.db", host="0.0.0.0", port=0)


def test_openapi_lists_the_api(client):
    spec = client.get("/api/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/outlets", "/api/outlets/{name}",
            "/api/compare"} <= set(spec["paths"])
    assert not [p for p in spec["paths"] if not p.startswith("/api/")]


def test_security_headers_everywhere(client):
    for path in ("/stories", "/api/stories", "/static/web.css", "/nope"):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    csp = client.get("/compare").headers["content-security-policy"]
    assert re.search(r"default-src 'none'", csp) and "script-src 'self'" in csp


def test_cross_site_form_post_refused_by_fetch_metadata(client):
    r = client.post("/compare", data={"text": [BRIDGE_A, BRIDGE_B]}, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_serve_starts_and_stops(source, tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "storylens", "serve", "--db", source["store_url"], "--port", str(port)],
                            cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2).json()
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() is not None else "timeout"
                time.sleep(0.2)
        assert status["stories"] == 4 and status["read_only"] is True
        # loopback only answers loopback names (DNS rebinding)
        assert httpx.get(f"http://127.0.0.1:{port}/api/status", headers={"host": "evil.invalid"}).status_code == 400
    finally:
        proc.terminate()
        proc.wait(20)


def test_missing_store_is_a_clear_error(tmp_path):
    from storylens.errors import StorylensError
    with pytest.raises(StorylensError, match="no store at"):
        create_app(str(tmp_path / "none.db"))
