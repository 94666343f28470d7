"""Issue #11: every hostile input and output target gets a clean answer, and
nothing outside the target is touched. One regression test (or a few) per
item of the issue; the articles are invented for these tests."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import signal
import stat
import subprocess
import sys
import termios
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import local_server
from storylens import Article, compare, ingest
from storylens.errors import BadInput, FetchError, IdenticalText, InputNotFound, TooLarge
from storylens.render import to_html, to_markdown, to_text
from storylens.settings import FactsConfig, Settings

ROOT = Path(__file__).resolve().parents[1]

# Two short invented reports of one invented event, sharing a wire sentence.
STORY_A = (
    "Outlet: Harbour Gazette\nDate: 2031-05-06\nTitle: Ferry strike ends in Morvik\n\n"
    "The ferry strike in Morvik ended on Monday after nine days, the port authority said.\n\n"
    "About 1,200 passengers had been stranded on the islands, officials said.\n"
)
STORY_B = (
    "Outlet: Island Courier\nDate: 2031-05-06\nTitle: Morvik ferries sail again\n\n"
    "The ferry strike in Morvik ended on Monday after nine days, the port authority said.\n\n"
    "Some 900 passengers had been stranded on the islands, according to the ferry company.\n"
)


def one_line(err: str) -> bool:
    return err.startswith("storylens: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture
def pair(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(STORY_A)
    b.write_text(STORY_B)
    return a, b


def cli(*args, stdin=None, **options):
    """The real command in a new process."""
    return subprocess.Popen([sys.executable, "-m", "storylens", *map(str, args)], cwd=ROOT,
                            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **options)


# ---------------------------------------------------------------- 0. parses that never finished


def test_money_under_a_noun_root_finishes():
    """'A $2 billion budget.' is a sentence whose root is a noun above the
    amount: climbing its heads with `is` looped forever. Run in a daemon
    thread, so that a regression fails this test instead of hanging the suite."""
    a = Article(text="The Harlow council met on Monday.\n\nA $2 billion budget.\n\n"
                     "The mayor said the vote would come next week.", outlet="One")
    b = Article(text="The Harlow council met on Monday to debate spending on the port.", outlet="Two")
    result = []
    # The lone amount has no event, so it is listed only when bare findings are shown.
    shown = Settings(facts=FactsConfig(show_bare_uniques=True))
    worker = threading.Thread(target=lambda: result.append(compare([a, b], settings=shown)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "compare did not finish within 60 s"
    assert "amount of money" in [f.what for f in result[0].facts]


def test_leap_day_before_a_leap_year_publication_date():
    """'February 29' in a report of 19 February 2032 is a date ahead; moving it
    a year back, to 2031, has no 29 February and used to crash the comparison."""
    text = "The Arlen county vote is set for February 29, officials said on Thursday."
    articles = [Article(text=text, outlet="One", date=dt.date(2032, 2, 19)),
                Article(text=text, outlet="Two", date=dt.date(2032, 2, 19))]
    with pytest.warns(IdenticalText):  # one text twice: the date is what is tested
        compare(articles)  # finishes without ValueError


# ---------------------------------------------------------------- 1. output targets


def test_dev_null_stays_a_device(pair, run_cli):
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        pytest.skip("/dev/null is not a device here (something replaced it with a file)")
    code, out, err = run_cli(["compare", *pair, "-o", "/dev/null", "--quiet"])
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dev_full_is_an_output_error(pair, run_cli):
    code, out, err = run_cli(["compare", *pair, "--format", "json", "-o", "/dev/full"])
    assert code == 9 and one_line(err) and "/dev/full" in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_fifo_reader_gets_the_output(pair, tmp_path, run_cli):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    code, out, err = run_cli(["compare", *pair, "--format", "json", "-o", fifo])
    reader.join(30)
    assert code == 0, err
    assert json.loads(got[0])["schema_version"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_symlink_target_is_followed(pair, tmp_path, run_cli):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, err = run_cli(["compare", *pair, "--format", "json", "-o", link])
    assert code == 0, err
    assert link.is_symlink() and json.loads(real.read_text())["articles"]


def test_read_only_file_is_refused_and_kept(pair, tmp_path, run_cli):
    target = tmp_path / "keep.md"
    target.write_text("what the user had")
    target.chmod(0o444)
    code, _, err = run_cli(["compare", *pair, "--format", "md", "-o", target])
    assert code == 9 and one_line(err) and str(target) in err and "read-only" in err
    assert target.read_text() == "what the user had"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


# ---------------------------------------------------------------- 2 and 11. signals


def _wait_until(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _unread(fd: int) -> int:
    """Bytes still in a pipe (FIONREAD works on either end on Linux)."""
    buffer = bytearray(4)
    fcntl.ioctl(fd, termios.FIONREAD, buffer)
    return int.from_bytes(buffer, sys.byteorder)


def test_ctrl_c_exits_130_with_one_line_and_no_file(pair, tmp_path):
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    proc = cli("compare", pair[0], "-", "-o", out, "--html", out.with_suffix(".html"),
               stdin=subprocess.PIPE)
    try:
        # Once the process has drained what we wrote, it sits in its read of
        # stdin, inside main(): the moment a user would press Ctrl-C.
        proc.stdin.write(STORY_B.encode())
        proc.stdin.flush()
        assert _wait_until(lambda: _unread(proc.stdin.fileno()) == 0, 60)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.decode() == "storylens: interrupted\n"
    assert list(out.parent.iterdir()) == []


def test_sigterm_while_writing_leaves_no_temporary_file(pair, tmp_path):
    """The HTML report is staged in a temporary file; writing -o to a FIFO
    nobody reads then blocks. SIGTERM at that moment must remove the
    temporary file and leave the directory as it was."""
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    proc = cli("compare", *pair, "--html", folder / "report.html", "-o", fifo, "--quiet")
    try:
        staged = _wait_until(lambda: any(p.name.endswith(".tmp") for p in folder.iterdir()), 120)
        assert staged, proc.stderr.read1().decode() if proc.poll() is not None else "no temporary file"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert err.decode() == "storylens: terminated\n"
    assert [p.name for p in folder.iterdir()] == ["pipe"]


# ---------------------------------------------------------------- 3. long texts


def test_text_over_the_character_limit_is_refused_with_the_size_code(tmp_path, run_cli):
    # 1.2 million characters: under the 5 MB byte limit, over spaCy's 1,000,000
    # (which used to end in E088 as an 'unexpected error') and over ours.
    long = tmp_path / "long.txt"
    long.write_text("The harbour wall held. " * 52_200)
    code, _, err = run_cli(["compare", long, long, "--format", "json"])
    assert code == 7 and one_line(err)
    assert f"{ingest.MAX_CHARS:,} characters" in err and str(long) in err
    with pytest.raises(TooLarge, match="characters"):
        ingest.load(long)


def test_python_api_articles_get_the_same_length_limit():
    # An Article built in Python skips the file reader; the limit must still
    # hold, and before the parse (a 1.2M-character body would otherwise reach
    # spaCy's own limit, or take minutes and gigabytes).
    from storylens import Article, compare

    long = Article(id="long", text="The harbour wall held. " * 52_200)
    short = Article(id="short", text="The harbour wall held through the night, the port authority said.")
    with pytest.raises(TooLarge, match="long has 1,2"):
        compare([long, short])


# ---------------------------------------------------------------- 4. dates from the page's text


def test_a_year_in_the_body_is_not_the_publication_date(tmp_path):
    page = tmp_path / "curfew.html"
    page.write_text(
        "<html><head><title>Curfew lifted in Tarvo</title></head><body><article>"
        "<h1>Curfew lifted in Tarvo</h1>"
        "<p>The council of Tarvo lifted the night curfew on Tuesday, the first since a curfew in 1998 "
        "that lasted three weeks, the mayor told reporters outside the town hall.</p>"
        "<p>Shops stayed open late into the evening and the harbour reopened to fishing boats.</p>"
        "</article></body></html>")
    article = ingest.load(page)
    assert article.date is None
    assert "1998" in article.text


# ---------------------------------------------------------------- 5. terminal escapes


HOSTILE_OUTLET = "Evil\x1b]0;pwned\x07 \x1b[2J\x9b31mNews"
HOSTILE_TITLE = "Title\x1b[31m red\x08\x08 and \x7f del"


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_escape_sequences_never_reach_the_output(tmp_path, fmt, run_cli):
    a = tmp_path / "a.txt"
    a.write_text(STORY_A.replace("Harbour Gazette", HOSTILE_OUTLET)
                 .replace("Ferry strike ends in Morvik", HOSTILE_TITLE))
    b = tmp_path / "b.txt"
    b.write_text(STORY_B.replace("The ferry strike", "The ferry \x1b[5mstrike"))
    code, out, err = run_cli(["compare", a, b, "--format", fmt])
    assert code == 0, err
    assert not any(ch in out for ch in "\x1b\x07\x08\x00\x9b")
    assert "Evil" in out and "pwned" in out  # the printable rest stays visible, inert


def test_renderers_clean_comparisons_built_in_python():
    """The API can hand renderers articles that never went through ingest."""
    a = Article(id="a", outlet="\x1b[31mRed Post", title="T\x9b1m", text="Calm day.\x1b[2J Nothing happened.")
    b = Article(id="b", outlet="Blue\u202e Post", text="Calm day. Nothing happened at all.")
    c = compare([a, b])
    for rendered in (to_text(c), to_markdown(c), to_html(c)):
        assert "\x1b" not in rendered and "\x9b" not in rendered and "\u202e" not in rendered


# ---------------------------------------------------------------- 6. bidirectional overrides


def test_bidi_override_in_metadata_is_stripped_and_text_isolated(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(STORY_A.replace("Harbour Gazette", "\u202eHarbour Gazette\u2066"))
    b = tmp_path / "b.txt"
    b.write_text(STORY_B)
    c = compare([a, b])
    assert c.articles[0].outlet == "Harbour Gazette"
    html = to_html(c)
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert control not in html.split("<div class=\"col-body\">")[0]
    assert "<strong><bdi>Harbour Gazette</bdi></strong>" in html
    # Right-to-left text in a body stays (it is the article), isolated in its column.
    assert ".col-body { unicode-bidi: isolate;" in html


# ---------------------------------------------------------------- 8. URL deadline, tiny pages


class Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server API)
        try:
            if self.path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for ch in b"Twelve bytes":  # one byte at a time, each in time
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                    time.sleep(0.2)
            elif self.path == "/slow-headers":
                for ch in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n":
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/tiny":
                body = b"<html><body><p>Page not found here.</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path == "/plain":
                body = STORY_A.split("\n\n", 1)[1].encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except OSError:
            pass  # the client hung up: that is the point of some of these

    def log_message(self, *args):
        pass


# the local server's URLs must not go through a proxy from the environment
pytestmark = pytest.mark.usefixtures("no_proxy")


@pytest.fixture(scope="module")
def server():
    with local_server(Slow) as url:
        yield url


@pytest.mark.parametrize("route", ["/drip", "/slow-headers"])
def test_one_deadline_for_the_whole_fetch(server, route):
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 1 s"):
        ingest.load(f"{server}{route}", timeout=1)
    assert time.monotonic() - started < 1.8  # each byte came in time; the whole did not


def test_a_page_with_too_little_text_is_refused(server):
    with pytest.raises(BadInput, match="too little text") as caught:
        ingest.load(f"{server}/tiny")
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- 9. bad output paths, checked first


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing" / "out.json", "does not exist"),
    (lambda d: d / "locked" / "out.json", "read-only"),
    (lambda d: d, "is a directory"),
])
def test_bad_output_path_is_refused_before_the_analysis(tmp_path, make, words, run_cli):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    # The inputs would fail to read: an output check that waited for the
    # analysis would report the missing input (3) instead.
    html = tmp_path / "report.html"
    target = make(tmp_path)
    try:
        code, _, err = run_cli(["compare", tmp_path / "no-such-a.txt", tmp_path / "no-such-b.txt",
                            "--html", html, "-o", target])
    finally:
        locked.chmod(0o755)
    assert code == 9 and one_line(err)
    assert str(target) in err and words in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked"]


def test_html_is_not_left_behind_when_o_fails_late(pair, tmp_path, run_cli):
    html = tmp_path / "report.html"
    code, _, err = run_cli(["compare", *pair, "--html", html, "-o", "/dev/full", "--format", "json"])
    assert code == 9 and one_line(err)
    assert not html.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_same_file_for_o_and_html_is_a_usage_error(pair, tmp_path, run_cli):
    code, _, err = run_cli(["compare", *pair, "--html", tmp_path / "x", "-o", tmp_path / "x"])
    assert code == 2 and one_line(err) and "same file" in err


# ---------------------------------------------------------------- 10. other unexpected errors


@pytest.mark.parametrize("content, code, words", [
    ("[" * 100_000 + "]" * 100_000, 4, "nested too deeply"),
    ('{"text": "A quiet day in Morvik.", "id": ' + "7" * 5001 + "}", 4, "too many digits"),
    ('{"text": "A quiet day in Morvik harbour.", "outlet": ["a", "list"]}', 4, "'outlet' must be a string"),
    ('{"text": "A quiet day in Morvik harbour.", "date": "' + "9" * 40_000 + '"}', 4, "bad date"),
])
def test_malformed_json_is_one_short_line(pair, tmp_path, content, code, words, run_cli):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    got, _, err = run_cli(["compare", pair[0], bad])
    assert got == code and one_line(err) and words in err
    assert len(err) < 400


def test_lone_surrogate_in_a_title_is_replaced(pair, tmp_path, run_cli):
    record = tmp_path / "r.json"
    record.write_text('{"text": "The ferry strike in Morvik ended on Monday.", "title": "Strike \\ud800 ends"}')
    code, out, err = run_cli(["compare", pair[0], record, "--format", "json"])
    assert code == 0, err[:300]
    assert json.loads(out)["articles"][1]["title"] == "Strike \ufffd ends"


def test_malformed_url_is_a_fetch_error(pair, run_cli):
    code, _, err = run_cli(["compare", pair[0], "http://[::1"])
    assert code == 6 and one_line(err) and "invalid URL" in err


def test_closed_stdin(pair):
    proc = cli("compare", pair[0], "-", preexec_fn=lambda: os.close(0))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 3
    assert err.decode() == "storylens: stdin is closed\n"


def test_closed_stdout(pair):
    proc = cli("compare", *pair, preexec_fn=lambda: os.close(1))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 9 and one_line(err.decode()) and "standard output" in err.decode()


# ---------------------------------------------------------------- 11. minor


def test_redirect_loop_is_one_line(server):
    with pytest.raises(FetchError, match="redirect loop") as caught:
        ingest.load(f"{server}/loop")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("width", ["-5", "10", "100000"])
def test_width_out_of_range_is_a_usage_error(pair, width, run_cli):
    code, out, err = run_cli(["compare", *pair, "--width", width])
    assert code == 2 and one_line(err) and "--width" in err and out == ""


def test_plain_text_url_gets_its_outlet_from_the_host(server):
    article = ingest.load(f"{server}/plain")
    assert article.outlet == "127.0.0.1"
    assert article.url == f"{server}/plain"


def test_stdin_twice_is_a_usage_error(pair, run_cli):
    code, _, err = run_cli(["compare", "-", "-"])
    assert code == 2 and one_line(err) and "only once" in err


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_text(tmp_path, codec):
    path = tmp_path / "utf16.txt"
    body = STORY_A.split("\n\n", 1)[1].strip()
    path.write_bytes(body.encode(codec))
    assert ingest.load(path).text == body


def test_date_header_takes_an_iso_timestamp():
    article = ingest.parse_text("Date: 2031-05-06T09:30:00Z\n\nThe ferries sailed again.")
    assert article.date == dt.date(2031, 5, 6)


@pytest.mark.parametrize("value, stored", [(17, "17"), (2.5, "2.5"), (None, None)])
def test_json_numbers_become_strings(value, stored):
    [article] = ingest.parse_json(json.dumps({"text": "The ferries sailed.", "id": value}))
    assert article.id == stored


@pytest.mark.parametrize("value", [{"name": "x"}, ["x"], True])
def test_json_fields_of_other_types_are_refused(value):
    with pytest.raises(BadInput, match="'title' must be a string"):
        ingest.parse_json(json.dumps({"text": "The ferries sailed.", "title": value}))


def test_stdin_closed_in_process(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputNotFound, match="stdin is closed"):
        ingest.load("-")


# ---------------------------------------------------------------- 6 and 11, in a browser


def test_report_in_a_browser(tmp_path):
    """Chromium shows the outlet before its date however the outlet name
    starts, and a malformed #fragment throws nothing in the page script."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    a = tmp_path / "a.txt"
    a.write_text(STORY_A.replace("Harbour Gazette", "\u202eHarbour Gazette"))
    b = tmp_path / "b.txt"
    b.write_text(STORY_B.replace("Island Courier", "\u0627\u0644\u062c\u0632\u064a\u0631\u0629 42"))
    report = tmp_path / "report.html"
    report.write_text(to_html(compare([a, b])), encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 800})
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(report.as_uri() + "#%E0%A4%A")
            page.wait_for_timeout(200)
            assert errors == []
            for n in (1, 2):
                outlet = page.locator(f".articles li:nth-child({n}) strong").bounding_box()
                date = page.locator(f".articles li:nth-child({n}) .meta").first.bounding_box()
                assert date["x"] > outlet["x"] + outlet["width"] - 1  # the date stays to the right
            assert page.locator(".articles li:nth-child(1) strong").inner_text() == "Harbour Gazette"
        finally:
            browser.close()
