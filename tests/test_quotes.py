"""Quotes: extraction, speakers, and matching across articles.

The short articles are invented (a storm in the made-up town of Port Milo);
the end-to-end tests read the real seed pair from ../shared when present.
"""

from pathlib import Path

import pytest

from helpers import features_of
from storylens.models import Article
from storylens.quotes import match_quotes, normalise, quote_spans, same_speaker

SHARED = Path(__file__).parents[1] / ".." / "shared"

X = """Harbour officials in Port Milo said on Tuesday that the eastern pier had collapsed after the storm.

"The eastern pier is gone and we will need at least two years to rebuild it," the city broadcaster said, citing the harbour master.

Mayor Elena Vostrikova told reporters the damage was "beyond anything we expected".

"We have asked the national government for emergency funds," she added.

The council uses the word “disaster” only for events that kill people.

Vostrikova warned that "fishing families will lose their income this winter unless the ferry resumes".

Fire chief Tomas Reyk said the delay in closing the pier was "simply unacceptable".

"The water was freezing," said Tomas Reyk, who led the rescue.

The storm was "the worst in a century for this coast", according to the Port Milo Weather Bureau.

A leaflet titled "Stay Safe At Sea" was handed out at the quay.
"""

Y = """"The eastern pier is gone and we will need at least two years to rebuild it," the municipal broadcaster said.

Elena Vostrikova, the town's mayor, visited the harbour on Wednesday.

"Fishing families will lose their income this winter," Vostrikova said.

"Nobody is missing tonight," Reyk said.
"""

# Credits the fire chief's sentence to the mayor, and trims a long quote to
# two words, which must not glue onto the long one.
Z = """Mayor Elena Vostrikova spoke at the quay on Thursday.

"Nobody is missing tonight," Vostrikova said.

The fire chief said the pier was "gone" now.
"""


@pytest.fixture(scope="module")
def quotes():
    articles = [Article(id="x", text=X), Article(id="y", text=Y), Article(id="z", text=Z)]
    return match_quotes(features_of(articles))


def by_words(quotes, words):
    found = [q for q in quotes if any(words.lower() in m.text.lower() for m in q.mentions)]
    assert found, f"no quote with {words!r}"
    return found[0]


def mentions_in(quote, article):
    return [m for m in quote.mentions if m.article == article]


def test_speaker_after_quote_and_different_wording_matched(quotes):
    pier = by_words(quotes, "eastern pier is gone")
    assert {m.article for m in pier.mentions} == {"x", "y"}
    speakers = {m.article: m.speaker for m in pier.mentions}
    assert speakers == {"x": "city broadcaster", "y": "municipal broadcaster"}
    assert pier.speaker == "municipal broadcaster"  # the longer of the two wordings


def test_span_is_quoted_words_without_marks(quotes):
    pier = by_words(quotes, "eastern pier is gone")
    for m in pier.mentions:
        text = {"x": X, "y": Y}[m.article]
        assert text[m.start:m.end] == m.text
        assert m.text.startswith("The eastern pier") and m.text.endswith("rebuild it")


def test_partial_quote_with_told(quotes):
    q = by_words(quotes, "beyond anything we expected")
    assert q.mentions[0].text == "beyond anything we expected"
    assert q.speaker == "Elena Vostrikova"


def test_pronoun_resolves_to_latest_named_person(quotes):
    q = by_words(quotes, "emergency funds")
    assert q.speaker == "Elena Vostrikova"  # 'she added', not the broadcaster


def test_scare_quote_skipped_but_short_attributed_quote_kept(quotes):
    assert not [q for q in quotes if "disaster" in q.text]
    unacceptable = by_words(quotes, "simply unacceptable")
    assert unacceptable.speaker == "Tomas Reyk"


def test_inverted_said_and_according_to(quotes):
    assert by_words(quotes, "water was freezing").speaker == "Tomas Reyk"
    assert by_words(quotes, "worst in a century").speaker == "Port Milo Weather Bureau"


def test_title_in_quotes_is_not_a_quote(quotes):
    assert not [q for q in quotes if "Stay Safe" in q.text]


def test_trimmed_quote_matched_and_surname_resolved(quotes):
    q = by_words(quotes, "fishing families")
    assert {m.article for m in q.mentions} == {"x", "y"}
    assert q.text.endswith("unless the ferry resumes")  # the longest mention
    assert {m.speaker for m in q.mentions} == {"Elena Vostrikova"}


def test_two_word_fragment_does_not_glue_onto_long_quote(quotes):
    gone = [q for q in quotes if q.text == "gone"]
    assert len(gone) == 1 and [m.article for m in gone[0].mentions] == ["z"]
    assert gone[0].speaker == "fire chief"


def test_same_quote_credited_to_different_people_keeps_both(quotes):
    q = by_words(quotes, "Nobody is missing tonight")
    speakers = {m.article: m.speaker for m in q.mentions}
    assert speakers == {"y": "Reyk", "z": "Elena Vostrikova"}
    assert not same_speaker(speakers["y"], speakers["z"])


def test_shared_quotes_come_first(quotes):
    shared = [len({m.article for m in q.mentions}) > 1 for q in quotes]
    assert shared == sorted(shared, reverse=True)
    assert sum(shared) == 3


def test_same_speaker():
    assert same_speaker("the state broadcaster", "the regime-run broadcaster")
    assert same_speaker("Youssef", "Yasser al-Youssef")
    assert same_speaker("Al-Youssef", "Yasser al-Youssef")
    assert same_speaker("Observatory", "Syrian Observatory for Human Rights")
    assert not same_speaker("Yasser al-Youssef", "Muhammed Mesleti")
    assert not same_speaker("the mayor", "the fire chief")
    assert not same_speaker("Jane Smith", "John Smith")
    assert not same_speaker("unattributed", "unattributed")


@pytest.mark.parametrize("text, quoted", [
    ("He said ‘we stay’ and the rebels’ guns fell silent. It’s “over” now.\n\n“A long quote runs on\n",
     ["we stay", "over", "A long quote runs on"]),
    ("“The chair said “no” to us,” she wrote.", ["The chair said “no” to us"]),  # curly marks nest
    ('"Stay," he said. "Go."', ["Stay", "Go."]),  # straight marks alternate
    ("“It ends here,“ the mayor said.", ["It ends here"]),  # an opening mark typed for the closing one
    ('She said: "open to the end\nNext line.', ["open to the end"]),  # left open: to the end of its line
])
def test_quote_marks_and_apostrophes(text, quoted):
    assert [text[s:e] for s, e, _, _ in quote_spans(text)] == quoted


def test_normalise_ignores_case_marks_and_punctuation():
    assert normalise("“Over,” he SAID.") == normalise('"over" he said')


# ------------------------------------------------------------ seeds

@pytest.fixture(scope="module")
def seed_quotes():
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if len(seeds) < 2:
        pytest.skip("seed articles not found in ../shared/seeds")
    articles = [Article(id="a", text=seeds[0].read_text()), Article(id="b", text=seeds[1].read_text())]
    return match_quotes(features_of(articles))


def _articles(q):
    return {m.article for m in q.mentions}


def test_seed_shared_quotes(seed_quotes):
    shared = [q for q in seed_quotes if _articles(q) == {"a", "b"}]
    assert len(shared) == 2
    control, importance = shared
    assert control.text.startswith("The armed forces retook full control")
    assert {m.speaker for m in control.mentions} == {"state broadcaster", "regime-run broadcaster"}
    assert control.speaker == "regime-run broadcaster"
    assert importance.text == "strategic importance"
    assert {m.speaker for m in importance.mentions} == {"Yasser al-Youssef"}


def test_seed_single_article_quotes(seed_quotes):
    only_a = {q.text: q.speaker for q in seed_quotes if _articles(q) == {"a"}}
    only_b = {q.text: q.speaker for q in seed_quotes if _articles(q) == {"b"}}
    starts = {t.split()[0] + " " + t.split()[1]: s for t, s in only_a.items()}
    assert starts == {
        "from three": "state television",
        "full control": "state broadcaster and SANA",
        "army engineers": "SANA",
        "running out": "Staffan de Mistura",
        "We are": "Staffan de Mistura",
        "instead of": "Staffan de Mistura",
        "an acceleration": "Staffan de Mistura",
        "By Christmas...": "Staffan de Mistura",  # 'he added'
    }
    assert [s for t, s in only_b.items()] == ["Muhammed Mesleti"]
    assert next(iter(only_b)).startswith("The bakeries lack flour")


def test_seed_scare_quote_and_order(seed_quotes):
    assert not [q for q in seed_quotes if normalise(q.text) == "terrorists"]
    a_only = [q.mentions[0].start for q in seed_quotes if _articles(q) == {"a"}]
    assert a_only == sorted(a_only)


def test_partial_match_prefilter_agrees_with_partial_ratio():
    """The LCS bound in front of partial_ratio only skips pairs it would reject,
    including a trimmed copy at an end of the longer text, where partial_ratio
    scores a window shorter than the quote (the case that sets the bound)."""
    import random

    from rapidfuzz import fuzz

    from storylens.quotes import _partial_matches

    rng = random.Random(6)
    shorts, longs = [], []
    for _ in range(3000):
        short = "".join(rng.choice("abcd ") for _ in range(rng.randint(1, 90)))
        trim = rng.randint(0, len(short) // 5)
        copy = list(short[trim:] if rng.random() < 0.5 else short[:len(short) - trim])
        for _ in range(rng.randint(0, len(short) // 10 + 1)):   # light edits
            k = rng.randrange(len(copy) + 1)
            copy[k:k + rng.randint(0, 1)] = rng.choice(["", rng.choice("abcd ")])
        # Noise of other letters, often none: the copy then sits at an end.
        noise = lambda: "".join(rng.choice("xyz") for _ in range(rng.choice([0, rng.randint(0, 60)])))  # noqa: E731
        short, long_ = sorted((short, noise() + "".join(copy) + noise()), key=len)
        shorts.append(short)
        longs.append(long_)
    for cutoff in (80, 90, 95):
        expected = [bool(fuzz.partial_ratio(s, x, score_cutoff=cutoff)) for s, x in zip(shorts, longs)]
        assert _partial_matches(shorts, longs, cutoff).tolist() == expected
