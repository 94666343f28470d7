"""Regression tests for issue #7's error classes, on short invented articles,
plus a floor on the PolNeAR dev figures when ../shared is present."""

import sys
from pathlib import Path

import pytest

from storylens.analyze import analyze
from storylens.models import Article
from storylens.quotes import article_quotes
from storylens.sources import article_affiliations

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT.parent / "shared" / "data" / "polnear-dev.jsonl"


def speakers(text):
    analysis = analyze([Article(id="t", text=text)])[0]
    return {q.text: q.speaker for q in article_quotes(analysis)}


def test_attack_is_not_credited_to_its_target():
    got = speakers('Senator Maria Dorn attacked Governor Paul Fenwick on Monday.\n\n'
                   '"He has failed every family in this state," she said of Fenwick.\n')
    assert got["He has failed every family in this state"] == "Maria Dorn"


def test_pronoun_skips_the_co_defendant_of_the_other_gender():
    got = speakers('Congressman Walter Brisk was charged on Tuesday. His wife, Helen Brisk, was named as a co-defendant.\n\n'
                   '"I have done nothing wrong and I will prove it," he said.\n')
    assert got["I have done nothing wrong and I will prove it"] == "Walter Brisk"


def test_never_a_speaker_from_a_later_paragraph():
    got = speakers('The plan drew fire across the capital.\n\n'
                   '"This is a disgrace to the whole city council."\n\n'
                   'Officials at the Harbour Office, including Jon Tarr, declined to comment.\n')
    assert got["This is a disgrace to the whole city council."] == "unattributed"


def test_she_said_agrees_in_gender_with_the_speaker():
    got = speakers('Mayor Clara Voss met Tom Hale, her rival, at the quay.\n\n'
                   'Hale criticised the budget.\n\n'
                   '"We cannot keep spending money we do not have," she said.\n')
    assert got["We cannot keep spending money we do not have"] == "Clara Voss"


def test_continuation_paragraph_keeps_the_speaker():
    got = speakers('"We will rebuild the pier before winter," Mayor Clara Voss said.\n\n'
                   '"Nobody in this town will be left behind."\n')
    assert got["Nobody in this town will be left behind."] == "Clara Voss"


def test_titles_scare_quotes_and_labels_are_not_quotes():
    got = speakers('Governor Paul Fenwick appeared on "Morning Harbour Hour" on Sunday.\n\n'
                   'Critics called the plan "reckless" and mocked the "Clean Port" slogan.\n\n'
                   '<tweet id="123" author="@pfenwick">Great day.</tweet>\n')
    assert not [t for t in got if t in ("Morning Harbour Hour", "reckless", "Clean Port", "123", "@pfenwick")]


def test_affiliation_is_kept():
    analysis = analyze([Article(id="t", text="Jana Velik, from the farmers' group Green Valley Union, "
                                              "said the harvest was lost.\n")])[0]
    assert article_affiliations(analysis) == {"Jana Velik": "Green Valley Union"}


def test_polnear_dev_floor():
    if not POLNEAR.exists():
        pytest.skip("../shared/data/polnear-dev.jsonl is absent: PolNeAR is not in this checkout")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import eval_quotes

    report = eval_quotes.run("dev")
    assert report["quote_recall"] >= 0.95
    assert report["quote_precision"] >= 0.90
    assert report["speaker_accuracy"] >= 0.70
