"""The Spark job gives the local corpus mode's results.

Story assignment, comparisons and outlet profiles of `run_ingest` on
`local[2]` are compared with a local `Corpus` ingest of the same stream:
BASIL in full (features, stories, comparisons, outlets) and AllSides for
story assignment (no parse). Skipped only when pyspark or Java is missing.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import sys
from bisect import bisect_left
from pathlib import Path

import pytest

from storylens.corpus import Corpus
from storylens.spark.blocks import (BlockSettings, assign_block, band_keys, components, day_tokens,
                                    encode_signals, jaccard, signal_tokens, similar_pairs)
from storylens.stories import StorySettings, compute_signals, group

from conftest import SHARED
from corpus_helpers import EVENTS, event_records

ALLSIDES = SHARED / "data" / "allsides-2021.jsonl"


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'storylens[spark]')"
    home = os.environ.get("JAVA_HOME")
    if not (shutil.which("java") or (home and Path(home, "bin", "java").exists())):
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


needs_spark = pytest.mark.skipif(_spark_missing() is not None, reason=_spark_missing() or "")


@pytest.fixture(scope="module")
def spark():
    from storylens.spark import get_session

    root = str(Path(__file__).resolve().parents[1])
    # Executors are separate Python processes: they must import this checkout.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # One session for the module; few shuffle partitions: the data here is
    # small, and every partition is a task (and a Python worker round trip).
    session = get_session("local[2]", conf={"spark.sql.shuffle.partitions": "4"})
    yield session
    session.stop()


def _partition(assignment: dict[str, int]) -> set[frozenset[str]]:
    groups = collections.defaultdict(set)
    for article, story in assignment.items():
        groups[story].add(article)
    return {frozenset(g) for g in groups.values()}


# --- the block formulation, without Spark --------------------------------------------------

def _replay_in_blocks(articles, settings=StorySettings(), block=BlockSettings()) -> list[int]:
    """What the Spark job computes, in one process: edges, blocks, the rule per block."""
    sigs = compute_signals(articles, settings, [str(i) for i in range(len(articles))])
    rows = [dict(seq=i, article_id=str(i), date=a.date, title=a.title, outlet=a.outlet, signals=encode_signals(s))
            for i, (a, s) in enumerate(zip(articles, sigs))]
    edges = set()
    bands = collections.defaultdict(list)
    for r in rows:
        for k in band_keys(r["signals"], settings):
            bands[k].append(r["seq"])
    for seqs in bands.values():
        edges.update((i, j) for i in seqs for j in seqs
                     if i < j and jaccard(rows[i]["signals"], rows[j]["signals"]) >= settings.near_duplicate)
    pairs = [(r["seq"], r["signals"]) for r in rows]
    edges.update(similar_pairs(pairs, pairs, settings, block))   # all dated within the window here
    comp = components(edges, range(len(rows)))
    def tokens(r):
        return (*signal_tokens(r["signals"]), day_tokens(r["date"], settings))

    postings = {"n": collections.defaultdict(list), "t": collections.defaultdict(list),
                "d": collections.defaultdict(list)}
    for r in rows:
        for kind, words in zip("ntd", tokens(r)):
            for w in words:
                postings[kind][w].append(r["seq"])
    out = {}
    for b in set(comp.values()):
        rs = [r for r in rows if comp[r["seq"]] == b]
        lo, hi = rs[0]["seq"], rs[-1]["seq"]
        tables = {}
        for k, kind in enumerate("ntd"):
            words = {w for r in rs for w in tokens(r)[k]}
            tables[kind] = {w: (bisect_left(postings[kind][w], lo), [s for s in postings[kind][w] if lo <= s <= hi])
                            for w in words}
        for d in assign_block(rs, tables["n"], tables["t"], settings, tables["d"]):
            out[d["seq"]] = d
    created = sorted(d["seq"] for d in out.values() if d["created"])
    rank = {s: i + 1 for i, s in enumerate(created)}
    return [rank[out[i]["story_seq"]] for i in range(len(rows))]


def test_blocks_replay_the_local_rule_on_invented_events():
    from storylens.ingest import load_all

    articles = load_all(EVENTS)
    local = group(articles)
    assert len(set(local)) > 1, "the fixture has several events"
    assert _replay_in_blocks(articles) == local


def test_stream_counts_matter_across_blocks():
    """Word rarity comes from the whole stream: a block that counted only its
    own articles would score differently, which `PrefixCounts` prevents."""
    from storylens.spark.blocks import PrefixCounts

    counts = PrefixCounts({"fire": (3, [10, 12, 20])})
    counts.cut = 12
    assert counts.get("fire") == 4          # 3 before the block, then seq 10
    counts.cut = 13
    assert counts.get("fire") == 5
    assert counts.get("absent") == 0


def test_components_union_find():
    assert components([(1, 2), (3, 4), (2, 5)], range(1, 7)) == {1: 1, 2: 1, 5: 1, 3: 3, 4: 3, 6: 6}


# --- the job on local[2] ------------------------------------------------------------------

@needs_spark
def test_distributed_components_match_union_find(spark):
    from storylens.spark.job import distributed_components

    edges = [(1, 2), (2, 3), (3, 9), (4, 5), (7, 8), (8, 6)]
    e = spark.createDataFrame(edges, "a long, b long")
    v = spark.createDataFrame([(i,) for i in range(1, 11)], "seq long")
    got = {r["seq"]: r["block"] for r in distributed_components(spark, e, v).collect()}
    assert got == components(edges, range(1, 11))


@needs_spark
def test_basil_spark_equals_local(spark, basil_path, tmp_path):
    """Features, stories, comparisons and outlets: the Spark run's equal the local store's."""
    from storylens.spark import read_output, run_ingest

    result = run_ingest(spark, str(basil_path), str(tmp_path / "out"))
    corpus = Corpus(tmp_path / "local.db")
    report = corpus.ingest([str(basil_path)])
    out = read_output(tmp_path / "out")

    assert result.articles == report.added
    local_stories = corpus.stories()
    assert out.stories() == local_stories
    shared = [s for s in local_stories if len(s["articles"]) >= 2]
    assert shared, "BASIL has stories of two or more articles"
    spark_comparisons = out.comparisons()
    assert set(spark_comparisons) == {s["id"] for s in shared}
    for s in shared:
        assert spark_comparisons[s["id"]].to_dict() == corpus.story(s["id"]).to_dict()
    assert out.outlets() == json.loads(json.dumps([p.to_dict() for p in corpus.outlets()], default=str))
    assert out.story(shared[0]["id"])["comparison"].to_dict() == corpus.story(shared[0]["id"]).to_dict()


@needs_spark
def test_allsides_story_assignment_equals_local(spark, tmp_path):
    if not ALLSIDES.exists():
        pytest.skip("../shared/data/allsides-2021.jsonl is absent")
    from storylens.spark import read_output, run_ingest

    result = run_ingest(spark, str(ALLSIDES), str(tmp_path / "out"), features=False)
    corpus = Corpus(tmp_path / "local.db")
    report = corpus.ingest([str(ALLSIDES)])
    out = read_output(tmp_path / "out")
    assert result.articles == report.added
    assert result.rejects["read"] == report.duplicates       # the repeated URLs, rejected alike
    assert out.stories() == corpus.stories()
    assert result.largest_block < result.articles / 4         # blocks, not one sequential run


@needs_spark
def test_bad_records_are_rejected_with_reasons_and_reruns_resume(spark, tmp_path):
    from storylens.spark import read_output, run_ingest

    good = event_records()[:4]
    lines = [json.dumps(good[0]), "{not json", json.dumps({"id": "x", "title": "no text"}),
             json.dumps({**good[1], "date": "last Tuesday"}), json.dumps(good[1]), "",
             json.dumps(good[0]), json.dumps({**good[2], "id": good[1]["id"]}), json.dumps(good[3])]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = run_ingest(spark, str(src), str(tmp_path / "out"), features=False)
    rejects = read_output(tmp_path / "out").rejects().sort_values("where")
    assert first.articles == 4
    assert list(rejects["where"]) == ["line 2", "line 3", "line 4", "line 7"]
    reasons = " | ".join(rejects["reason"])
    assert "JSONDecodeError" in reasons and "no text" in reasons and "bad date" in reasons
    assert "duplicate" in rejects["reason"].iloc[-1]
    ids = [a for s in read_output(tmp_path / "out").stories() for a in s["articles"]]
    assert f"{good[1]['id']}-2" in ids                       # a reused id gets a suffix, as locally

    again = run_ingest(spark, str(src), str(tmp_path / "out"), features=False)
    assert set(again.skipped) >= {"articles", "signals", "blocks", "stories"}
    assert again.stories == first.stories and again.rejects == first.rejects

    # Interrupted after the read stage: only the later stages run again.
    shutil.rmtree(tmp_path / "out" / "stories")
    third = run_ingest(spark, str(src), str(tmp_path / "out"), features=False)
    assert "stories" in third.seconds and "articles" in third.skipped
    assert read_output(tmp_path / "out").stories() == read_output(tmp_path / "out").stories()
    assert third.stories == first.stories


@needs_spark
def test_another_input_in_the_same_directory_is_refused(spark, tmp_path):
    from storylens.errors import UsageError
    from storylens.spark import run_ingest

    (tmp_path / "a.jsonl").write_text(EVENTS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "_storylens.json").write_text(json.dumps({"input": "elsewhere.jsonl"}))
    with pytest.raises(UsageError, match="another input"):
        run_ingest(spark, str(tmp_path / "a.jsonl"), str(tmp_path / "out"), features=False)
