"""The command line: formats, output files, exit codes, errors without tracebacks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storylens import SCHEMA_VERSION, __version__
from storylens.store import Store
from helpers import run_cli_here

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "wexley-market").glob("*.txt"))


def run(argv, capsys, monkeypatch):
    """Run the CLI in this process (models stay loaded between tests)."""
    return run_cli_here(argv, capsys, monkeypatch)


def test_version(capsys, monkeypatch):
    code, out, _ = run(["--version"], capsys, monkeypatch)
    assert code == 0 and out.strip() == f"storylens {__version__}"


def test_schema_is_json_schema_of_the_output(capsys, monkeypatch):
    code, out, _ = run(["schema"], capsys, monkeypatch)
    schema = json.loads(out)
    assert code == 0
    assert SCHEMA_VERSION in schema["title"]
    assert {"articles", "passages", "substitutions", "terms", "quotes", "sources", "facts"} <= set(schema["properties"])


def test_compare_json_contract(capsys, monkeypatch):
    code, out, err = run(["compare", *EXAMPLE, "--format", "json"], capsys, monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert data["schema_version"] == SCHEMA_VERSION
    ids = [a["id"] for a in data["articles"]]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert {a["outlet"] for a in data["articles"]} == {"Coastal Times", "The Daily Ledger", "The Northern Courier"}
    texts = {a["id"]: a["text"] for a in data["articles"]}
    assert data["passages"], "the bundled example shares wire passages"
    for passage in data["passages"]:
        assert passage["kind"] in ("verbatim", "edited", "quotation", "paraphrase")
        for span in passage["spans"]:
            assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
        for edit in passage["edits"]:
            assert set(edit) == {"from", "to", "category"}
    assert any(s["category"] == "framing" for s in data["substitutions"])
    assert set(data["sources"]) == set(ids) and set(data["terms"]) == set(ids)
    for key in ("quotes", "facts"):
        assert isinstance(data[key], list)


def test_text_summary_fits_80_columns(capsys, monkeypatch):
    code, out, _ = run(["compare", *EXAMPLE], capsys, monkeypatch)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Northern Courier" in out


def test_markdown_and_output_file(tmp_path, capsys, monkeypatch):
    target = tmp_path / "out.md"
    code, out, _ = run(["compare", *EXAMPLE, "--format", "md", "-o", target], capsys, monkeypatch)
    assert code == 0 and out == ""
    assert target.read_text().startswith("#")
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left behind


def test_html_report_is_written(tmp_path, capsys, monkeypatch):
    report = tmp_path / "report.html"
    code, _, err = run(["compare", *EXAMPLE, "--html", report, "--quiet"], capsys, monkeypatch)
    assert code == 0
    assert report.read_text().lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize("make_input, code, words", [
    (lambda d: [EXAMPLE[0]], 2, "at least two"),
    (lambda d: [EXAMPLE[0], d / "missing.txt"], 3, "no such file"),
    (lambda d: [EXAMPLE[0], _write(d / "empty.txt", b"  \n")], 4, "empty"),
    (lambda d: [EXAMPLE[0], _write(d / "blob.txt", bytes(range(256)) * 8)], 4, "binary"),
    (lambda d: [EXAMPLE[0], _write(d / "broken.json", b'{"text": "a",')], 4, "json"),
    (lambda d: [EXAMPLE[0], _write(d / "paper.pdf", b"%PDF-1.4 ...")], 5, "pdf"),
    (lambda d: [EXAMPLE[0], "http://127.0.0.1:9/article"], 6, "could not fetch"),
    (lambda d: [EXAMPLE[0], _write(d / "huge.txt", b"word " * 1_100_000)], 7, "over the limit"),
])
def test_bad_input_is_one_line_and_a_distinct_exit_code(tmp_path, capsys, monkeypatch, make_input, code, words):
    target = tmp_path / "keep.json"
    target.write_text("what the user had")
    got, out, err = run(["compare", *make_input(tmp_path), "--format", "json", "-o", target], capsys, monkeypatch)
    assert got == code
    assert len(err.strip().splitlines()) == 1 and err.startswith("storylens: ")
    assert words in err.lower()
    assert "Traceback" not in err
    assert target.read_text() == "what the user had"


# One kind of bad input gets one exit code whatever the command (the README's table).
_BAD = {
    "missing file": (lambda d: d / "missing.txt", 3, "no such file"),
    "unreadable file": (lambda d: "/proc/self/mem", 4, "cannot read"),  # open works, read fails (EIO)
    "empty file": (lambda d: _write(d / "empty.txt", b"  \n"), 4, "empty"),
    "bad JSON": (lambda d: _write(d / "broken.json", b'{"text": "a",'), 4, "json"),
    "unsupported format": (lambda d: _write(d / "paper.pdf", b"%PDF-1.4 ..."), 5, "pdf"),
    "input as -o": (lambda d: _write(d / "x.txt", b"The Velmont bridge reopened on Tuesday."), None, None),
    "malformed URL": (lambda d: "http://[::1", 6, "could not fetch"),
    "URL of another scheme": (lambda d: "ftp://example.com/a.txt", 6, "ftp://example.com/a.txt: only http"),
    "URL without a scheme": (lambda d: "www.example.com/news/a", 3, "give the url with http"),
}
_STORE_COMMANDS = (["stories"], ["story", "1"], ["analyze"], ["outlets"], ["export"], ["serve", "--port", "9"])


@pytest.mark.parametrize("argv, bad, code, words", [
    *[(["compare", EXAMPLE[0], "{bad}"], name, code, words) for name, (_, code, words) in _BAD.items() if code],
    *[(["ingest", "--db", "{dir}/store.db", "{bad}"], name, code, words) for name, (_, code, words) in _BAD.items()
      if code],
    *[([*command, "--db", "{dir}/none.db"], None, 3, "no store") for command in _STORE_COMMANDS],
    (["spark", "ingest", "{bad}", "--out", "{dir}/out"], "missing file", 3, "no such file"),
    (["compare", EXAMPLE[0], "{bad}"], "directory", 4, "use `storylens ingest`"),
    (["ingest", "--db", "{dir}/store.db", "{bad}"], "directory", 4, "no articles"),
    (["ingest", "--db", "{dir}/no/such/dir/store.db", EXAMPLE[0]], None, 9, "no such directory"),
    (["export", "--db", "{dir}/store.db", "-o", "{dir}/no/such/dir/out.jsonl"], "store", 9, "does not exist"),
    (["serve", "--db", "{dir}/store.db", "--port", "9"], "old store", 9, "upgrade it"),  # read-only: no upgrade
    (["compare", "{bad}", EXAMPLE[1], "-o", "{bad}"], "input as -o", 2, "would destroy it"),
    (["compare", EXAMPLE[0], "{bad}", "--html", "{dir}/./x.txt"], "input as -o", 2, "would destroy it"),
    (["compare", EXAMPLE[0], EXAMPLE[1], EXAMPLE[0].parent / "." / EXAMPLE[0].name], None, 2, "given twice"),
])
def test_each_command_gives_the_documented_code_for_a_bad_input(tmp_path, capsys, monkeypatch, argv, bad, code, words):
    if bad == "unreadable file" and not Path("/proc/self/mem").exists():
        pytest.skip("needs Linux's /proc")
    if bad in ("store", "old store"):
        Store(tmp_path / "store.db", **({"upgrade_to": 1} if bad == "old store" else {})).close()
    path = tmp_path if bad == "directory" else _BAD[bad][0](tmp_path) if bad in _BAD else None
    argv = [str(a).format(dir=tmp_path, bad=path) for a in argv]
    before = path.read_bytes() if isinstance(path, Path) and path.is_file() else None
    got, out, err = run(argv, capsys, monkeypatch)
    assert (got, len(err.strip().splitlines())) == (code, 1), err
    assert err.startswith("storylens: ") and words in err.lower() and "Traceback" not in err
    assert before is None or path.read_bytes() == before  # a bad call changes no file, inputs least of all
    if argv[0] == "ingest" and bad != "store":
        assert not (tmp_path / "store.db").exists()  # nor leaves a new, empty store to answer `stories`


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_unrelated_articles_are_not_an_error(tmp_path, capsys, monkeypatch):
    one = _write(tmp_path / "one.txt", b"The library reopened on Monday after a six-month renovation of its reading rooms.")
    two = _write(tmp_path / "two.txt", b"A late goal gave the visitors a narrow win in the cup semi-final on Sunday night.")
    code, out, _ = run(["compare", one, two, "--format", "json"], capsys, monkeypatch)
    assert code == 0
    assert json.loads(out)["passages"] == []


def _cli(*args, stdin=None):
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "storylens", *map(str, args)], capture_output=True,
                          text=True, input=stdin, env=env, cwd=ROOT)


def test_real_process_reads_stdin_and_stays_quiet_when_piped():
    stdin = EXAMPLE[1].read_text()
    done = _cli("compare", EXAMPLE[0], "-", "--format", "json", stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar when not on a terminal
    sources = [a["source"] for a in json.loads(done.stdout)["articles"]]
    assert sources[1] == "stdin"


def test_real_process_error_has_no_traceback(tmp_path):
    done = _cli("compare", EXAMPLE[0], tmp_path / "nope.txt")
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_terminal_without_a_size_still_gets_the_summary(capsys, monkeypatch):
    """Pseudo-terminals can report 0 columns; the summary must not vanish."""
    import os
    import shutil

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): os.terminal_size((0, 0)))
    code, out, _ = run(["compare", *EXAMPLE], capsys, monkeypatch)
    assert code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # on a terminal the summary is in colour
    assert "REUSED PASSAGES" in plain
    assert max(len(line) for line in plain.splitlines()) <= 80


@pytest.mark.parametrize("argv, words", [
    (["compare", "a.txt", "b.txt", "--format", "xml"], "--format"),
    (["compare", "a.txt", "b.txt", "--bogus"], "no such option"),
    (["compare", "a.txt", "b.txt", "--width", "wide"], "--width"),
])
def test_usage_errors_exit_2_with_one_line(capsys, monkeypatch, argv, words):
    code, _, err = run(argv, capsys, monkeypatch)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and words in err.lower()
    assert "unexpected" not in err


def test_two_files_with_the_same_text_get_a_one_line_warning(tmp_path, capsys, monkeypatch):
    text = b"The harbour bridge at Velmont reopened on Tuesday after three weeks of repairs."
    one, two = _write(tmp_path / "one.txt", text), _write(tmp_path / "two.txt", text)
    code, out, err = run(["compare", one, two, "--format", "json"], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["passages"]
    assert err.count("\n") == 1 and err.startswith("storylens: warning: ") and "one.txt" in err and "two.txt" in err
