"""Online story assignment: invented close events, near duplicates, merges, real data."""

import datetime as dt
import json

import numpy as np
import pytest

from corpus_helpers import EVENTS, event_records
from storylens.corpus_ingest import ingest
from storylens.models import Article
from storylens.stories import Signals, StoryIndex, StorySettings, compute_signals, group
from storylens.store import Store


def _articles(dated=True):
    recs = sorted(event_records(), key=lambda r: r["date"])
    return recs, [Article(id=r["id"], outlet=r["outlet"], title=r["title"], text=r["text"],
                          date=dt.date.fromisoformat(r["date"]) if dated else None) for r in recs]


def test_close_events_stay_apart_with_dates():
    recs, articles = _articles()
    labels = group(articles)
    gold = [r["story"] for r in recs]
    # Two fires in one city a week apart, two decisions of one bank: four stories.
    assert len(set(labels)) == 4
    assert all((a == b) == (x == y) for a, x in zip(labels, gold) for b, y in zip(labels, gold))


def test_articles_without_dates_are_still_grouped():
    recs, articles = _articles(dated=False)
    labels = group(articles)
    by_gold = {}
    for label, r in zip(labels, recs):
        by_gold.setdefault(r["story"], set()).add(label)
    assert all(len(v) == 1 for v in by_gold.values())       # no event is split
    assert by_gold["fire1"] != by_gold["fire2"]              # the two fires stay apart by content


def test_a_near_duplicate_joins_its_twin_whatever_the_date():
    index = StoryIndex()
    text = event_records()[0]["text"]
    a = Article(id="a", title="Warehouse fire", text=text, date=dt.date(2025, 3, 3))
    b = Article(id="b", title="Blaze in Brenton", text=text + " Updated at noon.", date=dt.date(2025, 5, 1))
    first, second = (index.assign(s) for s in compute_signals([a, b]))
    assert second.story == first.story and second.reason == "near-duplicate"


def _fire_pair(outlet_b):
    recs = [r for r in event_records() if r["story"] == "fire1"][:2]
    return [Article(id=r["id"], outlet=o, title=r["title"], text=r["text"], date=dt.date.fromisoformat(r["date"]))
            for r, o in zip(recs, ("Coastal Times", outlet_b))]


def test_an_outlet_reporting_again_needs_more_evidence():
    # Two reports of one fire join; the same pair from one outlet does not
    # when that costs more than the pair's score (spelling of the name aside).
    strict = StorySettings(same_outlet_penalty=1.0)
    assert len(set(group(_fire_pair("The Daily Ledger"), strict))) == 1
    assert len(set(group(_fire_pair("coastal  TIMES"), strict))) == 2
    assert len(set(group(_fire_pair("coastal  TIMES"), StorySettings(same_outlet_penalty=0.0)))) == 1


def test_the_day_penalty_grows_with_the_density_of_the_stream():
    settings = StorySettings(window_days=3, day_penalty=0.1, dense_window=4)
    index = StoryIndex(settings)
    day = dt.date(2025, 3, 3)
    assert index._day_penalty(day) == 0.0                   # nothing else near that date: a quiet stretch
    for i, sig in enumerate(compute_signals(_articles()[1][:4])):
        sig.date = day + dt.timedelta(days=i % 2 * 5)      # two within the window of `day`, two beyond it
        index.add(sig, i + 1)
    assert index._day_penalty(day) == pytest.approx(0.05)
    assert index._day_penalty(None) == 0.1                  # no date: no gap to pay for anyway


def test_a_story_norm_does_not_depend_on_what_was_scored_against_it():
    """Spark blocks see fewer candidates than the local index: a story's
    TF-IDF norm must come from its own history, not from when it was scored."""
    sigs = compute_signals(_articles()[1])
    quiet, busy = StoryIndex(), StoryIndex()
    for sig in sigs:
        busy._best(sig)                                     # score every story, keep nothing
        quiet.add(sig, 1 if sig.key == sigs[0].key else 2)
        busy.add(sig, 1 if sig.key == sigs[0].key else 2)
    assert quiet._norms[id(quiet.stories[2].terms)] == busy._norms[id(busy.stories[2].terms)]


def test_signals_round_trip_through_bytes():
    sig = compute_signals(_articles()[1][:1])[0]
    back = Signals.from_bytes(sig.to_bytes(), key=sig.key)
    assert back.names == sig.names and np.array_equal(back.minhash, sig.minhash)
    assert np.allclose(back.vector, sig.vector, atol=1e-3) and back.terms == sig.terms


def test_merges_are_recorded_and_old_ids_resolve(tmp_path):
    # A low merge threshold forces merges on the fixture stream.
    settings = StorySettings(merge_threshold=0.25, window_days=400, day_penalty=0.0)
    store = Store(tmp_path / "c.db")
    report = ingest([EVENTS], store, settings)
    merges = store.list_merges()
    assert report.merges == len(merges) > 0
    live = {s["id"] for s in store.list_stories()}
    for m in merges:
        assert m["absorbed"] not in live and m["into"] < m["absorbed"]
        assert store.resolve_story(m["absorbed"]) in live
    assert sum(len(s["articles"]) for s in store.list_stories()) == 12


def test_story_ids_are_stable_across_runs(tmp_path):
    store = Store(tmp_path / "c.db")
    recs = event_records()
    ingest([EVENTS], store)
    before = {a: s["id"] for s in store.list_stories() for a in s["articles"]}
    extra = dict(recs[0], id="fire1-extra", url=None, text="Brenton fire update. " + recs[0]["text"])
    (tmp_path / "more.jsonl").write_text(json.dumps(extra) + "\n")
    ingest([tmp_path / "more.jsonl"], store)
    after = {a: s["id"] for s in store.list_stories() for a in s["articles"]}
    assert all(after[a] == s for a, s in before.items())
    assert after["fire1-extra"] == after["fire1-coastal"]


def test_basil_bcubed(basil_path):
    from collections import Counter

    recs = sorted((json.loads(line) for line in basil_path.open()), key=lambda r: r["date"])
    articles = [Article(id=str(i), title=r["title"], text=r["text"], date=dt.date.fromisoformat(r["date"]))
                for i, r in enumerate(recs)]
    labels = group(articles)
    gold = [r["story"] for r in recs]
    pair, sp, sg = Counter(zip(labels, gold)), Counter(labels), Counter(gold)
    p = sum(pair[(a, b)] / sp[a] for a, b in zip(labels, gold)) / len(gold)
    r = sum(pair[(a, b)] / sg[b] for a, b in zip(labels, gold)) / len(gold)
    assert 2 * p * r / (p + r) >= 0.95


def test_minhash_and_bands_match_datasketch():
    # Stored signals from earlier versions stay comparable, and the Spark
    # job's band keys (datasketch's band ranges) still find the same twins.
    from datasketch import MinHash, MinHashLSH

    from storylens.stories import _Bands, minhash_values, shingles

    recs = event_records()
    values = []
    for r in recs:
        mh = MinHash(num_perm=64, seed=1, scheme="affine32")
        mh.update_batch(shingles(r["text"]))
        values.append(minhash_values(shingles(r["text"]), 64))
        assert np.array_equal(values[-1], mh.hashvalues.astype(np.uint32))
    lsh, bands = MinHashLSH(threshold=0.5, num_perm=64), _Bands(0.5, 64)
    for i, v in enumerate(values[:-1]):
        lsh.insert(str(i), MinHash(num_perm=64, seed=1, scheme="affine32", hashvalues=v.astype(np.uint32)))
        bands.insert(str(i), v)
    twin = values[0].copy()
    twin[:20] = 0
    for probe in values + [twin]:
        ref = MinHash(num_perm=64, seed=1, scheme="affine32", hashvalues=probe)
        assert sorted(bands.query(probe)) == sorted(lsh.query(ref))
