"""Tests of the ingest stage: every format, the fallbacks and every error."""

from __future__ import annotations

import datetime as dt
import io
import json
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import local_server
from storylens import ingest
from storylens.errors import (
    BadInput, FetchError, InputNotFound, StorylensError, TooLarge, UnsupportedFormat,
)

REPO = Path(__file__).parents[1]
EXAMPLES = REPO / "examples"

BODY = (
    "Flood water reached the old market of Velden on Monday, officials said.\n"
    "\n"
    "About 300 residents left their homes before dawn."
)

PAGE = """<!DOCTYPE html>
<html><head>
<title>River bursts its banks in Velden | The Valley Post</title>
<meta property="og:title" content="River bursts its banks in Velden">
<meta property="og:site_name" content="The Valley Post">
<meta property="article:published_time" content="2024-04-14T08:30:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav>
<article>
<h1>River bursts its banks in Velden</h1>
<p>The river Sel burst its banks in the town of Velden on Monday morning, flooding the old
market square and forcing about 300 residents to leave their homes before dawn.</p>
<p>Emergency crews used boats to reach families trapped on upper floors, and the regional
council opened two school gyms as shelters, a council spokesman said in a statement.</p>
<p>"The water rose faster than anyone expected," said Ilse Marten, who runs a bakery on the
square. "By six o'clock it was at the windows."</p>
</article>
<footer><p>Copyright 2031 The Valley Post. All rights reserved.</p>
<p>Privacy policy | Cookie settings | Contact us</p></footer>
</body></html>
"""


def one_line_naming(error: StorylensError, source: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert "Traceback" not in message
    assert source in message


# --- plain text -----------------------------------------------------------------

def test_text_headers_any_order_and_case(tmp_path):
    path = tmp_path / "valley.txt"
    path.write_text("title: Flood in Velden\nURL: https://www.valley.example.org/flood\n"
                    "DATE: 2031-04-14\nOutlet:  The Valley Post \n\n" + BODY, encoding="utf-8")
    article = ingest.load(path)
    assert article.text == BODY
    assert article.outlet == "The Valley Post"
    assert article.title == "Flood in Velden"
    assert article.date == dt.date(2031, 4, 14)
    assert article.url == "https://www.valley.example.org/flood"
    assert article.source == str(path)
    assert article.id is None


def test_text_without_headers_is_all_body(tmp_path):
    path = tmp_path / "river-report.txt"
    path.write_text(BODY + "\n", encoding="utf-8")
    article = ingest.load(path)
    assert article.text == BODY
    assert article.outlet == "river-report"  # the file name stem
    assert article.date is None and article.url is None


def test_headers_only_at_the_very_top(tmp_path):
    path = tmp_path / "late.txt"
    path.write_text(BODY + "\n\nDate: not a header here\n", encoding="utf-8")
    article = ingest.load(path)
    assert article.text.endswith("Date: not a header here")
    assert article.date is None


def test_bom_and_crlf_are_normalised(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(("\ufeffOutlet: Valley Post\r\n\r\n" + BODY.replace("\n", "\r\n")).encode("utf-8"))
    article = ingest.load(path)
    assert article.text == BODY
    assert article.outlet == "Valley Post"


def test_outlet_falls_back_to_url_host():
    article = ingest.parse_text("URL: https://www.harbour.example.org/a/b\n\n" + BODY)
    assert article.outlet == "harbour.example.org"


def test_title_falls_back_to_a_headline_first_line():
    article = ingest.parse_text("Flood water reaches Velden market\n\n" + BODY, name="x.txt")
    assert article.title == "Flood water reaches Velden market"
    assert article.text.startswith("Flood water reaches Velden market\n\n")  # body kept whole
    assert ingest.parse_text(BODY).title is None  # a sentence is not a headline


def test_bad_date_names_the_line(tmp_path):
    path = tmp_path / "bad-date.txt"
    path.write_text("Outlet: Valley Post\nDate: 14 April 2031\n\n" + BODY, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))
    assert "line 2" in str(caught.value)


def test_headers_without_body(tmp_path):
    path = tmp_path / "no-body.txt"
    path.write_text("Outlet: Valley Post\nTitle: Flood\n\n  \n", encoding="utf-8")
    with pytest.raises(BadInput, match="no body"):
        ingest.load(path)


# --- encodings ------------------------------------------------------------------

ACCENTED = ("Le maire de Saint-Étienne a déclaré que le café de la place était fermé. "
            "« Nous avons évacué à midi », a dit Hélène Moreau, née à Nîmes.\n")


# English with a few accents is where detection alone goes wrong (it picks
# cp1257 and turns 'à' into 'ą').
FEW_ACCENTS = "Flood water reached the café in Velden on Monday, and the mayor said the town was déjà used to it.\n"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("text", [ACCENTED, FEW_ACCENTS])
def test_legacy_encodings_are_detected(tmp_path, encoding, text):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert ingest.load(path).text == text.strip()


def test_cp1252_curly_quotes(tmp_path):
    text = "“Déjà vu,” said the owner of the café à la mode in Velden — twice.\n"
    path = tmp_path / "quotes.txt"
    path.write_bytes(text.encode("cp1252"))
    assert ingest.load(path).text == text.strip()


def test_utf16_with_bom_is_text(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(BODY.encode("utf-16"))
    assert ingest.load(path).text == BODY


def test_binary_file_is_bad_input(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"abc\x00\x01\x02" * 50)
    with pytest.raises(BadInput, match="binary") as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


# --- HTML -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_article(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "valley.html"
    path.write_text(PAGE, encoding="utf-8")
    return ingest.load(path)


def test_html_main_text_without_boilerplate(page_article):
    text = page_article.text
    assert text.startswith("The river Sel burst its banks")
    assert "Ilse Marten" in text
    for boilerplate in ("Subscribe", "Copyright", "Privacy policy", "Home"):
        assert boilerplate not in text
    assert len(text.split("\n\n")) == 3  # paragraphs joined with blank lines


def test_html_metadata(page_article):
    assert page_article.title == "River bursts its banks in Velden"
    assert page_article.outlet == "The Valley Post"
    assert page_article.date == dt.date(2024, 4, 14)
    assert page_article.source.endswith("valley.html")


def test_html_sniffed_without_extension(tmp_path):
    path = tmp_path / "saved-page"
    path.write_text(PAGE, encoding="utf-8")
    assert ingest.load(path).text.startswith("The river Sel burst its banks")


def test_html_saved_as_txt(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_text(PAGE, encoding="utf-8")
    assert ingest.load(path).title == "River bursts its banks in Velden"


def test_html_without_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")
    with pytest.raises(BadInput, match="no article text") as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


def test_parse_html_uses_url_for_source_and_outlet():
    page = PAGE.replace('<meta property="og:site_name" content="The Valley Post">', "")
    article = ingest.parse_html(page, url="https://www.valley.example.org/flood")
    assert article.source == "https://www.valley.example.org/flood"
    assert article.outlet == "valley.example.org"


# --- JSON and JSON Lines --------------------------------------------------------

RECORDS = [
    {"id": "a1", "outlet": "Valley Post", "date": "2031-04-14", "title": "Flood", "text": BODY,
     "story": "ignored"},
    {"text": "Second report of the flood in Velden.", "url": "https://www.river.example.org/x"},
]


def test_json_list(tmp_path):
    path = tmp_path / "reports.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    first, second = ingest.load_all(path)
    assert (first.id, first.outlet, first.date, first.title, first.text) == (
        "a1", "Valley Post", dt.date(2031, 4, 14), "Flood", BODY)
    assert second.id is None
    assert second.outlet == "river.example.org"
    assert first.source == second.source == str(path)


def test_json_single_object_loads(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(RECORDS[0]), encoding="utf-8")
    assert ingest.load(path).id == "a1"


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".data"])
def test_json_lines(tmp_path, suffix):
    path = tmp_path / f"reports{suffix}"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    articles = ingest.load_all(path)
    assert [a.text for a in articles] == [BODY, RECORDS[1]["text"]]


def test_load_refuses_several_records(tmp_path):
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    with pytest.raises(BadInput, match="load_all") as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


def test_broken_json_names_the_position(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"text": "fine"},\n  {"text": oops}\n]', encoding="utf-8")
    with pytest.raises(BadInput, match="line 3") as caught:
        ingest.load_all(path)
    one_line_naming(caught.value, str(path))


def test_broken_json_line_names_the_line(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n\n" + '{"text": "cut off', encoding="utf-8")
    with pytest.raises(BadInput, match="line 3"):
        ingest.load_all(path)


@pytest.mark.parametrize("record", [{"title": "no text"}, {"text": "   "}, {"text": 42}])
def test_record_without_text(tmp_path, record):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([RECORDS[0], record]), encoding="utf-8")
    with pytest.raises(BadInput, match="record 2") as caught:
        ingest.load_all(path)
    one_line_naming(caught.value, str(path))


def test_json_without_records(tmp_path):
    path = tmp_path / "none.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(BadInput, match="no articles"):
        ingest.load_all(path)


def test_json_bad_date(tmp_path):
    path = tmp_path / "dated.json"
    path.write_text(json.dumps({"text": BODY, "date": "last Tuesday"}), encoding="utf-8")
    with pytest.raises(BadInput, match="bad date"):
        ingest.load(path)
    path.write_text(json.dumps({"text": BODY, "date": "2031-04-14T08:30:00Z"}), encoding="utf-8")
    assert ingest.load(path).date == dt.date(2031, 4, 14)  # a timestamp's date part


def test_parse_json_directly():
    articles = ingest.parse_json(json.dumps(RECORDS))
    assert [a.id for a in articles] == ["a1", None]


# --- standard input -------------------------------------------------------------

def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_text(monkeypatch):
    feed_stdin(monkeypatch, ("Outlet: Valley Post\n\n" + BODY).encode())
    article = ingest.load("-")
    assert article.source == "stdin"
    assert article.outlet == "Valley Post"
    assert article.text == BODY


def test_stdin_sniffs_json_lines(monkeypatch):
    feed_stdin(monkeypatch, "\n".join(json.dumps(r) for r in RECORDS).encode())
    assert [a.id for a in ingest.load_all("-")] == ["a1", None]


def test_stdin_sniffs_html(monkeypatch):
    feed_stdin(monkeypatch, PAGE.encode())
    assert ingest.load("-").title == "River bursts its banks in Velden"


def test_stdin_legacy_encoding(monkeypatch):
    feed_stdin(monkeypatch, FEW_ACCENTS.encode("cp1252"))
    assert ingest.load("-").text == FEW_ACCENTS.strip()


def test_stdin_too_large(monkeypatch):
    feed_stdin(monkeypatch, BODY.encode())
    with pytest.raises(TooLarge, match="stdin"):
        ingest.load("-", max_bytes=20)


# --- file errors ----------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_input(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(BadInput, match="empty") as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(InputNotFound) as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


def test_directory(tmp_path):
    with pytest.raises(BadInput, match="directory") as caught:
        ingest.load(tmp_path)
    one_line_naming(caught.value, str(tmp_path))


@pytest.mark.parametrize("name, kind", [
    ("report.pdf", "PDF"), ("report.docx", "Word"), ("report.doc", "Word"),
    ("report.odt", "OpenDocument"), ("book.epub", "EPUB"), ("photo.png", "PNG"), ("photo.jpg", "JPEG"),
])
def test_unsupported_types_by_extension(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(b"whatever")
    with pytest.raises(UnsupportedFormat, match=kind) as caught:
        ingest.load(path)
    one_line_naming(caught.value, str(path))


def test_unsupported_type_by_content(tmp_path):
    path = tmp_path / "renamed.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(UnsupportedFormat, match="PDF"):
        ingest.load(path)


def test_file_too_large(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(BODY * 10, encoding="utf-8")
    with pytest.raises(TooLarge) as caught:
        ingest.load(path, max_bytes=100)
    one_line_naming(caught.value, str(path))
    assert ingest.load(path, max_bytes=10_000).text  # the same file under a higher limit


# --- URLs (a local server only) ---------------------------------------------------

ROUTES: dict[str, tuple[int, str, bytes, bool]] = {
    # path: (status, content type, body, send Content-Length)
    "/flood": (200, "text/html; charset=utf-8", PAGE.encode(), True),
    "/plain": (200, "text/plain; charset=windows-1252",
               ("Outlet: Valley Radio\n\n" + ACCENTED).encode("cp1252"), True),
    "/big": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>", True),
    "/big-unsized": (200, "text/html", b"<p>" + b"x" * 5000 + b"</p>", False),
    "/report.pdf": (200, "application/pdf", b"%PDF-1.7", True),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server API)
        if self.path == "/slow":
            time.sleep(1.5)
        status, ctype, body, sized = ROUTES.get(self.path, (404, "text/plain", b"not here", True))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if sized:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # keep test output clean


# the local server's URLs must not go through a proxy from the environment
pytestmark = pytest.mark.usefixtures("no_proxy")


@pytest.fixture(scope="module")
def server():
    with local_server(Handler) as url:
        yield url


def test_url_html(server):
    article = ingest.load(f"{server}/flood")
    assert article.source == article.url == f"{server}/flood"
    assert article.title == "River bursts its banks in Velden"
    assert article.text.startswith("The river Sel burst its banks")
    assert "Copyright" not in article.text


def test_url_plain_text_with_declared_charset(server):
    article = ingest.load(f"{server}/plain")
    assert article.outlet == "Valley Radio"
    assert article.text == ACCENTED.strip()
    assert article.url == f"{server}/plain"


def test_url_not_found(server):
    with pytest.raises(FetchError, match="404") as caught:
        ingest.load(f"{server}/missing")
    assert str(caught.value).startswith(f"could not fetch {server}/missing")
    one_line_naming(caught.value, f"{server}/missing")


def test_url_unreachable():
    with socket.socket() as probe:  # a port that was free a moment ago is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/story"
    with pytest.raises(FetchError, match="could not fetch") as caught:
        ingest.load(url, timeout=2)
    one_line_naming(caught.value, url)


def test_url_timeout(server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        ingest.load(f"{server}/slow", timeout=0.3)
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("route", ["/big", "/big-unsized"])
def test_url_too_large(server, route):
    with pytest.raises(TooLarge) as caught:
        ingest.load(f"{server}{route}", max_bytes=1000)
    one_line_naming(caught.value, f"{server}{route}")


def test_url_unsupported_content(server):
    with pytest.raises(UnsupportedFormat, match="PDF"):
        ingest.load(f"{server}/report.pdf")


# --- real data (read from ../shared by conftest's fixtures, never copied) ----------

def test_seed_files_load(seed_paths):
    for path in seed_paths:
        raw = path.read_text(encoding="utf-8")
        article = ingest.load(path)
        assert article.source == str(path)
        assert article.outlet == path.stem
        assert article.date is None  # the seeds have no header lines
        assert article.text == raw.lstrip("\ufeff").replace("\r\n", "\n").strip("\n").rstrip()


def test_basil_lines(basil_path):
    path = basil_path
    with path.open(encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(4)]
    articles = ingest.parse_json("".join(lines), name=str(path))
    assert len(articles) == 4
    for line, article in zip(lines, articles):
        record = json.loads(line)
        assert article.id == record["id"]
        assert article.outlet == record["outlet"]
        assert article.title == record["title"]
        assert article.date == dt.date.fromisoformat(record["date"])
        assert article.text == record["text"].strip()
        assert article.source == str(path)


# --- the bundled example ----------------------------------------------------------

def test_example_articles_load():
    paths = sorted(EXAMPLES.glob("*/*.txt"))
    if not paths:
        pytest.skip("no example articles under examples/")
    for path in paths:
        article = ingest.load(path)
        assert article.outlet and article.title and article.date and article.url
        assert 300 <= len(article.text.split()) <= 500, path.name


def example_key() -> tuple[dict, dict]:
    readme = EXAMPLES / "README.md"
    if not readme.exists():
        pytest.skip("examples/README.md is absent")
    block = readme.read_text(encoding="utf-8").split("```json\n", 1)[1].split("\n```", 1)[0]
    key = json.loads(block)
    texts = {name: ingest.load(EXAMPLES / path).text for name, path in key["articles"].items()}
    return key, texts


def test_example_key_matches_the_texts():
    """Every string of the answer key occurs in the article it names."""
    key, texts = example_key()
    for passage in key["passages"]:
        for name, sentence in passage["sentences"].items():
            assert sentence in texts[name], (passage["name"], name)
    for passage in key["passages"]:
        sentences = passage["sentences"]
        for sub in key["substitutions"]:
            pair = (sub["from_article"], sub["to_article"])
            if all(n in sentences for n in pair) and sub["from"] in sentences[pair[0]]:
                assert sub["to"] in sentences[pair[1]], (passage["name"], sub)
    for sub in key["substitutions"]:  # each substitution is in some passage
        assert any(sub["from"] in p["sentences"].get(sub["from_article"], "")
                   and sub["to"] in p["sentences"].get(sub["to_article"], "")
                   for p in key["passages"]), sub
    for quote in key["quotes"]:
        for name, text in quote["mentions"].items():
            assert text in texts[name] and quote["speaker"] in texts[name], quote["speaker"]
    for name, sources in key["sources"].items():
        for source in sources:
            assert source["text"] in texts[name] and source["name"] in texts[name], source
    for fact in key["facts"] + key["look_alikes"]:
        for name, claim in fact["claims"].items():
            assert claim["text"] in texts[name], (fact.get("what"), name)
    for name, snippets in key["unique"].items():
        for snippet in snippets:
            assert snippet in texts[name]
            assert not any(snippet in texts[other] for other in texts if other != name)


def test_example_passage_split_and_verbatim():
    key, texts = example_key()
    by_name = {p["name"]: p for p in key["passages"]}
    police = by_name["police"]
    assert police["sentences"][police["split_in"]].count(". ") == 1
    vote = by_name["vote"]["sentences"]
    assert vote["courier"] == vote["ledger"] != vote["times"]
