"""Sources: who each article cites, with kinds and per-article canonical names.

The short article is invented (a flood in the made-up town of Bravik); the
end-to-end tests read the real seed pair from ../shared when present.
"""

import json
from pathlib import Path

import pytest

from helpers import features_of
from storylens.models import Article
from storylens.analyze import analyze
from storylens.sources import article_citations, same_actor, source_names

SHARED = Path(__file__).parents[1] / ".." / "shared"

S = """Flooded streets in Bravik on Monday
Flooded streets in Bravik on MondayAFP

BRAVIK, Norland (Reuters) - The river Alda burst its banks on Monday, according to the Norland Hydrological Observatory.

Norland state television said two bridges had been closed. The official NRA news agency said rescue teams had reached the old town.

Interior Minister Karl Odden said the army would help. "We are doing everything we can," Odden told the Bravik Gazette.

The Observatory said water levels would peak on Wednesday.

A spokeswoman for the Red Cross, Ana Lind, said shelters were open.

"We will not reopen the bridge before Friday," the Bravik Port Authority said.

Local fisherman Nils Aas said his boat was lost.

Rescuers said they had found no victims. Officials said the roads were closed. He said more rain was coming.

The mayor met Finance Minister Petra Holm on Tuesday.

Jon Berg contributed to this report.
"""

QUIET = "The river rose slowly on Monday and fell again by the evening.\n"


@pytest.fixture(scope="module")
def cited():
    return [c for f in features_of([Article(id="s", text=S), Article(id="q", text=QUIET)]) for c in f.citations]


def kinds(citations):
    out = {}
    for c in citations:
        out.setdefault(c.name, set()).add(c.kind)
    return out


def test_every_source_kind_and_nothing_else(cited):
    assert kinds(cited) == {
        "AFP": {"photo"},
        "Reuters": {"contributor"},  # the dateline credits the wire that wrote it
        "Norland Hydrological Observatory": {"monitor"},
        "Norland state television": {"media"},
        "NRA": {"agency"},
        "Karl Odden": {"official"},
        "Bravik Gazette": {"media"},
        "Ana Lind": {"official"},
        "Bravik Port Authority": {"organization"},
        "Nils Aas": {"person"},
        "Jon Berg": {"contributor"},
    }


def test_spans_are_text_as_written(cited):
    for c in cited:
        assert S[c.start:c.end] == c.text
    written = {c.text for c in cited}
    assert {"Odden", "The Observatory", "Interior Minister Karl Odden", "The official NRA news agency"} <= written
    glued = next(c for c in cited if c.kind == "photo")
    assert S[glued.start - 6:glued.end] == "MondayAFP"


def test_short_forms_canonicalised(cited):
    names = {c.text: c.name for c in cited}
    assert names["Odden"] == "Karl Odden"
    assert names["The Observatory"] == "Norland Hydrological Observatory"


RESOLVE = ("Marjorie Taylor-Greene spoke in Rome, Georgia, on Monday. Greene said the vote was a mistake.\n\n"
           "Tom Hale, the county clerk, said he agreed. Hale said the count would be repeated.\n\n"
           "The Kestrel Harbour Trust said it would pay. The trust said the pier would reopen.")


@pytest.mark.parametrize("written, resolved", [
    ("Greene", "Marjorie Taylor-Greene"),  # the last part of a double-barrelled surname, no whole word shared
    ("Hale", "Tom Hale"),
    ("Tom Hale", "Tom Hale"),
    ("Kestrel Harbour Trust", "Kestrel Harbour Trust"),
    ("trust", "trust"),  # a common noun is not a short form of a name
])
def test_a_speaker_resolves_to_the_fullest_name_the_article_gives(written, resolved):
    from storylens.sources import article_names

    names = article_names(analyze([Article(id="r", text=RESOLVE)])[0])
    assert {s.name: names.resolve(s) for s in names.speakers}[written] == resolved


def test_no_pronouns_generic_nouns_or_people_merely_mentioned(cited):
    names = {c.name.lower() for c in cited}
    assert not names & {"he", "they", "rescuers", "officials", "mayor", "the mayor"}
    assert not [n for n in names if "holm" in n]


def test_source_names_lists_every_article_in_order(cited):
    names = source_names(cited, ["s", "q"])
    assert names["q"] == []
    assert names["s"][:3] == ["AFP", "Reuters", "Norland Hydrological Observatory"]
    assert len(names["s"]) == len(set(names["s"])) == 11


def test_same_actor_is_strict():
    assert same_actor("Youssef", "Yasser al-Youssef")
    assert same_actor("Observatory", "Syrian Observatory for Human Rights")
    assert not same_actor("state broadcaster", "regime-run broadcaster")


# ------------------------------------------------------------ seeds

@pytest.fixture(scope="module")
def seed_sources():
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if len(seeds) < 2:
        pytest.skip("seed articles not found in ../shared/seeds")
    articles = [Article(id="a", text=seeds[0].read_text()), Article(id="b", text=seeds[1].read_text())]
    return [c for f in features_of(articles) for c in f.citations]


def test_seed_sources_article_a(seed_sources):
    a = kinds([c for c in seed_sources if c.article == "a"])
    assert a == {
        "Reuters": {"photo"},
        "Syrian state media": {"media"},
        "Syrian Observatory for Human Rights": {"monitor"},
        "state television": {"media"},
        "state broadcaster": {"media"},
        "SANA": {"agency"},
        "Yasser al-Youssef": {"person"},
        "Staffan de Mistura": {"official"},
        "AFP": {"contributor"},
    }


def test_seed_sources_article_b(seed_sources):
    b = kinds([c for c in seed_sources if c.article == "b"])
    assert b == {
        "regime-run broadcaster": {"media"},
        "Yasser al-Youssef": {"person"},
        "Syrian Observatory for Human Rights": {"monitor"},
        "Muhammed Mesleti": {"person"},
        "Anadolu Agency": {"agency"},
    }


def test_seed_canonical_forms(seed_sources):
    written = {(c.article, c.text): c.name for c in seed_sources}
    assert written[("a", "Youssef")] == "Yasser al-Youssef"
    assert written[("b", "Al-Youssef")] == "Yasser al-Youssef"
    assert written[("a", "De Mistura")] == "Staffan de Mistura"
    assert written[("a", "the envoy")] == "Staffan de Mistura"
    assert written[("a", "The Observatory")] == "Syrian Observatory for Human Rights"
    assert written[("b", "Mesleti")] == "Muhammed Mesleti"
    names = {c.name.lower() for c in seed_sources}
    assert not names & {"he", "walid muallem", "muallem", "aid agencies", "rebels"}


def test_basil_runs_without_crashing():
    path = SHARED / "data" / "basil-2010-2014.jsonl"
    if not path.is_file():
        pytest.skip("BASIL sample not found in ../shared/data")
    with path.open() as f:
        rows = [json.loads(next(f)) for _ in range(6)]
    features = features_of(Article(id=str(i), text=r["text"]) for i, r in enumerate(rows))
    cited = [c for f in features for c in f.citations]
    for c in cited:
        assert features[int(c.article)].text[c.start:c.end] == c.text
        assert c.name.lower() not in {"he", "she", "they", "it"}
    assert len(source_names(cited, [f.id for f in features])) == 6


def test_no_cut_off_names_and_affiliation_on_citations():
    text = ("The Kestrel County Attorney’s Office said on Friday that it would appeal.\n\n"
            "A spokesman for the State Department said the talks would go on.\n\n"
            "Jana Velik, from the farmers' group Green Valley Union, said the harvest was lost.\n")
    analysis = analyze([Article(id="t", text=text)])[0]
    cites = {c.name: c for c in article_citations(analysis)}
    assert "Kestrel County Attorney’s Office" in cites and "State Department" in cites
    assert not any(n.startswith(("’s", "'s")) or n == "Department" for n in cites)
    assert cites["Jana Velik"].affiliation == "Green Valley Union"
    assert cites["State Department"].affiliation is None


def test_speakers_of_direct_quotes_and_headline_labels_are_sources():
    text = ("Brannick: No outside influence on the harbour probe\n\n"
            "KESTREL — Attorney General Orla Brannick said on Tuesday that the inquiry would go on.\n\n"
            "Sen. Marco Delane called the pledge \u201chollow and years too late.\u201d\n\n"
            "Critics called the plan reckless.\n")
    analysis = analyze([Article(id="t", text=text)])[0]
    names = {c.name for c in article_citations(analysis)}
    assert {"Orla Brannick", "Marco Delane"} <= names
    assert not any("Critics" in n for n in names)


def test_pollsters_and_the_newspaper_named_before_are_sources():
    text = ("Support for the harbour plan rose to 54 percent, according to a new Kestrel Tribune poll.\n\n"
            "A count by the Norland Wire Service found 12 towns in favour.\n\n"
            "The Kestrel Tribune ran the figures on Monday. According to the newspaper, the vote is close.\n")
    analysis = analyze([Article(id="t", text=text)])[0]
    names = {c.name for c in article_citations(analysis)}
    assert "Kestrel Tribune" in names and "Norland Wire Service" in names
    assert "newspaper" not in names


def test_one_attribution_lexicon():
    """Every stage reads the reporting verbs of data/attribution.json, loaded once."""
    from storylens import attribution, facts, quotes, speakers, sources

    assert sources.SOURCE_VERBS is attribution.SOURCE_VERBS
    assert quotes.QUOTE_VERBS is speakers.QUOTE_VERBS is sources.QUOTE_VERBS is attribution.QUOTE_VERBS
    assert quotes.QUOTE_ONLY_VERBS is attribution.QUOTE_ONLY_VERBS
    assert facts.CLAIM_VERBS is attribution.CLAIM_VERBS
    assert attribution.QUOTE_VERBS == attribution.SOURCE_VERBS | attribution.QUOTE_ONLY_VERBS
    assert not attribution.SOURCE_VERBS & attribution.QUOTE_ONLY_VERBS
    assert attribution.CLAIM_VERBS <= attribution.SOURCE_VERBS
