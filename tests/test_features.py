"""The two phases: per-article features that round-trip through bytes, and a
story phase that compares them without parsing."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import features_of
from storylens.features import FEATURES_VERSION, ArticleFeatures, FeaturesError
from storylens.pipeline import compare, compare_features, read_articles

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples" / "wexley-market").glob("*.txt"))


@pytest.fixture(scope="module")
def example_features():
    return features_of(read_articles(EXAMPLE))


def test_features_round_trip_losslessly(example_features):
    for f in example_features:
        blob = f.to_bytes()
        back = ArticleFeatures.from_bytes(blob)
        assert back.to_bytes() == blob
        assert back.article == f.article
        assert [q.model_dump() for q in back.quotes] == [q.model_dump() for q in f.quotes]
        assert len(back.claims) == len(f.claims) and back.claims[0].value == f.claims[0].value
        assert (back.vectors == f.vectors).all()


def test_features_do_not_depend_on_the_other_articles(example_features):
    """An article analysed alone gives the same record as in a batch."""
    alone = features_of(read_articles(EXAMPLE[:1]))[0]
    assert alone.to_bytes() == example_features[0].to_bytes()


def test_comparison_from_stored_features_in_a_fresh_process(tmp_path, example_features):
    expected = compare_features(example_features).to_dict()
    paths = []
    for n, f in enumerate(example_features):
        path = tmp_path / f"{n}.features"
        path.write_bytes(f.to_bytes())
        paths.append(str(path))
    script = (
        "import json, sys\n"
        "from storylens.features import ArticleFeatures\n"
        "from storylens.pipeline import compare_features\n"
        "from storylens.analyze import load_nlp\n"
        "fs = [ArticleFeatures.from_bytes(open(p, 'rb').read()) for p in sys.argv[1:]]\n"
        "out = compare_features(fs).to_dict()\n"
        "out['_parsed'] = load_nlp.cache_info().currsize\n"
        "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, check=True)
    got = json.loads(done.stdout)
    assert got.pop("_parsed") == 0, "the story phase loaded the spaCy model"
    assert got == json.loads(json.dumps(expected))


def test_compare_is_the_two_phases_together(example_features):
    assert compare(EXAMPLE).to_dict() == compare_features(example_features).to_dict()


def test_finding_ids_are_stable_and_unique(example_features):
    first = compare_features(example_features)
    again = compare_features([ArticleFeatures.from_bytes(f.to_bytes()) for f in example_features])
    for kind in ("passages", "quotes", "facts"):
        ids = [x.id for x in getattr(first, kind)]
        assert ids == [x.id for x in getattr(again, kind)]
        assert len(set(ids)) == len(ids) and all(i.startswith(kind[0] + "-") for i in ids)


def test_input_ids_are_kept_as_given(example_features):
    odd = [f.with_id(name) for f, name in zip(example_features, ["Story 1/a", "story_1.b", "x y z"])]
    c = compare_features(odd)
    assert [a.id for a in c.articles] == ["Story 1/a", "story_1.b", "x y z"]
    assert {s.article for p in c.passages for s in p.spans} <= {"Story 1/a", "story_1.b", "x y z"}


def test_repeated_ids_get_a_suffix(example_features):
    twins = [f.with_id("same") for f in example_features[:2]]
    c = compare_features(twins)
    assert [a.id for a in c.articles] == ["same", "same-2"]
    assert all(q.mentions[0].article in ("same", "same-2") for q in c.quotes)


def test_features_from_another_version_are_refused(example_features):
    import msgpack
    import zlib

    record = msgpack.unpackb(zlib.decompress(example_features[0].to_bytes()), raw=False)
    record["version"] = FEATURES_VERSION + 1
    with pytest.raises(FeaturesError, match="version"):
        ArticleFeatures.from_bytes(zlib.compress(msgpack.packb(record, use_bin_type=True)))
    with pytest.raises(FeaturesError, match="unreadable"):
        ArticleFeatures.from_bytes(b"not features")


def test_a_runaway_token_is_clipped_for_the_embedder_and_kept_out_of_alignment():
    """A 100,000-character 'word' once took 2 GB in align; it is clipped before
    embedding and too long to diff, while the real sentences still align.
    (99,900 characters: the article stays under ingest's length limit, which
    `compare` applies to Articles built in Python too.)"""
    from storylens.features import MAX_EMBED_CHARS, unit_texts
    from storylens.analyze import analyze
    from storylens.models import Article

    word = "x" * 99_900
    a = Article(id="a", text="The council met on Tuesday. " + word + " The vote passed 9-4 after a long debate in the hall.")
    b = Article(id="b", text="The council met on Tuesday. The vote passed 9-4 after a long debate in the hall. " + word)
    assert max(map(len, unit_texts(analyze([a])[0]))) <= MAX_EMBED_CHARS
    c = compare([a, b])
    assert any("vote passed" in s.text for p in c.passages for s in p.spans)
    assert all(len(s.text) < 1000 for p in c.passages for s in p.spans)


def test_unit_vectors_are_the_embedders_own_bit_for_bit():
    """`embed_units` tokenizes sentences only and builds each pair from its two
    sentences' word pieces; the vectors must equal embedding every unit text,
    including clipped, long and odd units."""
    import numpy as np

    from storylens.analyze import analyze, embed, embed_units
    from storylens.features import MAX_EMBED_CHARS, unit_sentences, unit_texts
    from storylens.models import Article

    odd = Article(id="odd", text=(
        "A" * 2500 + ". Short one.\n\nTwo  spaces  here.\u2581 Next\u2581. \"Quoted,\" he said. 12345 678.\n\n"
        + "b" * 1500 + ". " + "c" * 600 + ". Café — naïve “curly” 😀 text.\n\nEnd"))
    analyses = analyze(read_articles(EXAMPLE) + [odd, Article(id="one", text="Only one sentence here.")])
    expected = embed([u for a in analyses for u in unit_texts(a)])
    got = embed_units([unit_sentences(a) for a in analyses], MAX_EMBED_CHARS)
    assert got.shape == expected.shape and np.array_equal(got, expected)


def test_no_word_piece_joins_across_a_space():
    """What makes a pair's pieces its sentences' pieces (analyze._joins_exactly)."""
    import json
    import re

    from storylens.analyze import load_embedder

    vocab = json.loads(load_embedder().tokenizer.to_str())["model"]["vocab"]
    assert not [piece for piece in vocab if re.search("[^\u2581]\u2581", piece)]
