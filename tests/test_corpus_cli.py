"""The corpus commands end to end, as a user runs them."""

import csv
import json

import pytest

from corpus_helpers import EVENTS, run_cli


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    work = tmp_path_factory.mktemp("cli")
    result = run_cli("ingest", EVENTS, cwd=work)
    assert result.returncode == 0, result.stderr
    assert "12 added" in result.stderr
    return work


def test_stories_json(workdir):
    result = run_cli("stories", "--format", "json", cwd=workdir)
    stories = json.loads(result.stdout)
    assert len(stories) == 4
    assert set(stories[0]) == {"id", "title", "articles", "outlets", "first_date", "last_date"}
    assert stories[0]["articles"] == ["fire1-coastal", "fire1-ledger", "fire1-courier"]


def test_story_html_and_export(workdir):
    result = run_cli("story", "1", "--html", "story.html", "--format", "json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["articles"][0]["id"] == "fire1-coastal"
    assert "<html" in (workdir / "story.html").read_text()
    result = run_cli("export", "--format", "csv", "-o", "out.csv", cwd=workdir)
    rows = list(csv.DictReader((workdir / "out.csv").open()))
    assert len(rows) == 12 and rows[0]["story_id"] == "1"
    assert json.loads(rows[0]["facts"])                 # story 1 was compared: its facts are exported
    lines = run_cli("export", cwd=workdir).stdout.splitlines()
    assert len(lines) == 12 and json.loads(lines[3])["story_id"] == 2


def test_db_option_and_environment(tmp_path):
    assert run_cli("ingest", EVENTS, "--db", tmp_path / "x.db", "-q", cwd=tmp_path).returncode == 0
    result = run_cli("stories", cwd=tmp_path, env={"STORYLENS_DB": str(tmp_path / "x.db")})
    assert len(result.stdout.splitlines()) == 4


def test_errors_are_one_line_with_exit_codes(workdir, tmp_path):
    unknown = run_cli("story", "999", cwd=workdir)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "no story 999" in unknown.stderr
    missing = run_cli("ingest", "nope.jsonl", "--db", tmp_path / "y.db", cwd=tmp_path)
    assert missing.returncode == 3 and "nope.jsonl" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "empty").mkdir()
    nothing = run_cli("ingest", tmp_path / "empty", "--db", tmp_path / "y.db", cwd=tmp_path)
    assert nothing.returncode == 4 and "no articles found" in nothing.stderr and nothing.stderr.count("\n") == 1
    bad_db = run_cli("ingest", EVENTS, "--db", tmp_path / "no" / "dir" / "z.db", cwd=tmp_path)
    assert bad_db.returncode == 9 and bad_db.stderr.count("\n") == 1
    for command in (["stories"], ["story", "1"], ["outlets"], ["export"], ["analyze"]):
        absent = run_cli(*command, "--db", tmp_path / "typo.db", cwd=tmp_path)   # only ingest creates a store
        assert absent.returncode == 3 and absent.stderr.count("\n") == 1 and "typo.db" in absent.stderr, command
        assert not (tmp_path / "typo.db").exists()
