"""The corpus store: schema versions, deduplication, resumable and concurrent ingest."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from corpus_helpers import EVENTS, ROOT, event_records, synthetic_jsonl
from storylens.corpus_ingest import ingest, iter_articles
from storylens.models import Article
from storylens.store import SCHEMA_VERSION, Store, StoreError


def test_new_store_has_current_schema_and_wal(tmp_path):
    store = Store(tmp_path / "c.db")
    assert store.schema_version() == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "c.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_old_store_upgrades_itself_and_keeps_its_articles(tmp_path):
    old = Store(tmp_path / "c.db", upgrade_to=1)
    assert old.schema_version() == 1
    ingest([EVENTS], old)
    old.close()
    store = Store(tmp_path / "c.db")
    assert store.schema_version() == SCHEMA_VERSION
    assert store.article_count() == 12
    store.put_comparison("k", 1, b"x")          # a table schema 2 added
    assert store.get_comparison("k") == b"x"


def test_store_from_a_newer_storylens_is_refused(tmp_path):
    Store(tmp_path / "c.db").close()
    sqlite3.connect(tmp_path / "c.db").execute("UPDATE storylens_schema SET version = 99").connection.commit()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "c.db")


def test_store_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLENS_DB", str(tmp_path / "env.db"))
    Store().close()
    assert (tmp_path / "env.db").exists()


def test_ingesting_again_changes_nothing(tmp_path):
    store = Store(tmp_path / "c.db")
    first = ingest([EVENTS], store)
    assert (first.added, first.duplicates) == (12, 0)
    before = store.list_stories()
    again = ingest([EVENTS], store)
    assert (again.added, again.duplicates, again.new_stories) == (0, 12, 0)
    assert store.list_stories() == before


def test_the_same_file_twice_in_one_ingest_is_stored_once(tmp_path):
    store = Store(tmp_path / "c.db")
    report = ingest([EVENTS, EVENTS.parent / "." / EVENTS.name], store)
    assert (report.read, report.added, report.duplicates) == (24, 12, 12)
    assert store.article_count() == 12


def test_same_url_or_same_content_is_stored_once_and_ids_are_kept(tmp_path):
    store = Store(tmp_path / "c.db")
    text = "Fire destroys Harlow Mills warehouse in Brenton. Forty firefighters fought the blaze."
    report = ingest([
        Article(id="a", url="https://example.org/1", text=text),
        Article(id="b", url="https://example.org/1", text="Other words entirely about the fire."),
        Article(id="c", text="  " + text.replace(" ", "  ")),          # same words, other spacing
        Article(id="a", text="A different article that reuses the id a."),
        Article(text="No id given, so one is made from the content."),
    ], store)
    assert report.added == 3 and report.duplicates == 2
    ids = [r["id"] for r in store.get_articles()]
    assert ids[:2] == ["a", "a-2"] and ids[2].startswith("a") and len(ids[2]) == 13
    assert report.renamed == [("a", "a-2")]


def test_bad_json_lines_are_reported_with_line_numbers_and_skipped(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = EVENTS.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([good[0], "{not json", good[1], '{"id": "x", "text": ""}', "[1, 2]", good[2]]) + "\n",
                    encoding="utf-8")
    problems = []
    articles = list(iter_articles([path], problems.append))
    assert [a.id for a in articles] == ["fire1-coastal", "fire1-ledger", "fire1-courier"]
    assert [p.line for p in problems] == [2, 4, 5]
    assert "invalid JSON" in str(problems[0]) and "line 2" in str(problems[0])


def test_jsonl_is_streamed_not_read_whole(tmp_path):
    path = synthetic_jsonl(tmp_path / "big.jsonl", 50)
    stream = iter_articles([path])
    first = next(stream)
    assert first.id == "syn0"          # a generator: nothing else was read or parsed yet


def test_folders_are_read_recursively(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("Outlet: Coastal Times\n\nThe Brenton fire burned for six hours.")
    (tmp_path / "in" / "sub" / "b.html").write_text(
        "<html><head><title>Brenton fire</title></head><body><article><p>The Brenton fire burned "
        "for six hours and destroyed the Harlow Mills warehouse on Canal Road.</p></article></body></html>")
    (tmp_path / "in" / "notes.bin").write_bytes(b"\x00\x01")
    articles = list(iter_articles([tmp_path / "in"]))
    assert len(articles) == 2 and articles[0].outlet == "Coastal Times"


def _ingest_process(db, path):
    code = ("import sys; from storylens.store import Store; from storylens.corpus_ingest import ingest;"
            "ingest([sys.argv[2]], Store(sys.argv[1]), batch_size=64)")
    return subprocess.Popen([sys.executable, "-c", code, str(db), str(path)],
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_killed_ingest_keeps_what_was_committed_and_resumes(tmp_path):
    path = synthetic_jsonl(tmp_path / "big.jsonl", 800)
    db = tmp_path / "c.db"
    Store(db).close()
    proc = _ingest_process(db, path)
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline and proc.poll() is None:
        count = sqlite3.connect(db, timeout=30).execute("SELECT count(*) FROM articles").fetchone()[0]
        if count >= 64:
            break
        time.sleep(0.2)
    if proc.poll() is not None:
        pytest.skip("the ingest finished before it could be killed")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = Store(db)
    kept = store.article_count()
    assert kept >= count and kept % 64 == 0          # whole batches only
    report = ingest([path], store)
    assert report.added == 800 - kept and report.duplicates == kept
    assert store.article_count() == 800
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_ingests_at_once_lose_nothing(tmp_path):
    a = synthetic_jsonl(tmp_path / "a.jsonl", 192)          # three batches of 64 each
    db = tmp_path / "c.db"
    Store(db).close()
    procs = [_ingest_process(db, a), _ingest_process(db, a)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    store = Store(db)
    assert store.article_count() == 192
    stories = store.list_stories()
    assert sorted(i for s in stories for i in s["articles"]) == sorted(f"syn{i}" for i in range(192))
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_id_repeated_in_a_batch_skips_stored_suffixes(tmp_path):
    # "x" is free but "x-2" is taken: the second "x" of the batch becomes "x-3".
    store = Store(tmp_path / "c.db")
    ingest([Article(id="x-2", text="Fire destroys Harlow Mills warehouse in Brenton.")], store)
    report = ingest([Article(id="x", text="Central bank raises its rate by half a point."),
                     Article(id="x", text="Brenton council votes to rebuild the old bridge.")], store)
    assert report.renamed == [("x", "x-3")]
    assert sorted(a["id"] for a in store.get_articles(with_text=False)) == ["x", "x-2", "x-3"]
