"""End to end through the public API: the bundled example against its answer
key (examples/README.md), and the real seed pair."""

import json
import re
from pathlib import Path

import pytest

import storylens

ROOT = Path(__file__).resolve().parents[1]
KEY = json.loads(re.search(r"```json\n(.*?)```", (ROOT / "examples" / "README.md").read_text(), re.S).group(1))
NAMES = list(KEY["articles"])  # courier, ledger, times: the order they are compared in


@pytest.fixture(scope="module")
def example():
    comparison = storylens.compare([ROOT / "examples" / p for p in KEY["articles"].values()])
    ids = {name: a.id for name, a in zip(NAMES, comparison.articles)}
    texts = {a.id: a.text for a in comparison.articles}
    return comparison, ids, texts


def _where(texts, article, snippet):
    start = texts[article].index(snippet)
    return start, start + len(snippet)


def _overlaps(span, start, end):
    return span.start < end and start < span.end


@pytest.mark.parametrize("passage", KEY["passages"], ids=[p["name"] for p in KEY["passages"]])
def test_example_passages(example, passage):
    comparison, ids, texts = example
    found = []
    for name, sentence in passage["sentences"].items():
        start, end = _where(texts, ids[name], sentence)
        found.append({i for i, p in enumerate(comparison.passages)
                      if any(s.article == ids[name] and _overlaps(s, start, end) for s in p.spans)})
    assert set.intersection(*found), f"{passage['name']}: not one passage across {list(passage['sentences'])}"


@pytest.mark.parametrize("sub", KEY["substitutions"], ids=lambda s: f"{s['from']}->{s['to']}")
def test_example_substitutions(example, sub):
    comparison, ids, _ = example
    # The key quotes edits with their function words ('on Tuesday'); storylens
    # reports the minimal change ('Tuesday'), so the key's words contain ours.
    assert any(s.from_article == ids[sub["from_article"]] and s.to_article == ids[sub["to_article"]]
               and s.category == sub["category"] and s.from_ and s.to
               and s.from_.lower() in sub["from"].lower() and s.to.lower() in sub["to"].lower()
               for s in comparison.substitutions)


def test_example_shared_quotes(example):
    comparison, ids, _ = example
    shared = [q for q in comparison.quotes if len({m.article for m in q.mentions}) > 1]
    want = [q for q in KEY["quotes"] if q.get("shared")]
    assert len(shared) == len(want)
    for quote in want:
        names = list(quote.get("mentions") or quote.get("descriptions"))
        match = [q for q in shared if {m.article for m in q.mentions} == {ids[n] for n in names}]
        assert match and match[0].speaker.endswith(quote["speaker"].split()[-1])


@pytest.mark.parametrize("fact", [f for f in KEY["facts"] if f["status"] in ("agree", "conflict")
                                  and "known_miss" not in f], ids=lambda f: f"{f['status']}:{f['what']}")
def test_example_facts(example, fact):
    comparison, ids, texts = example
    def covered(f):
        return all(any(c.article == ids[name] and _overlaps(c, *_where(texts, ids[name], claim["text"]))
                       for c in f.claims) for name, claim in fact["claims"].items())
    assert any(f.status == fact["status"] and covered(f) for f in comparison.facts), fact["what"]


def test_example_revised_figure_is_a_timeline_not_a_conflict(example):
    comparison, ids, texts = example
    (revised,) = [f for f in KEY["facts"] if f["status"] == "revised"]
    start, end = _where(texts, ids["times"], revised["claims"]["times"]["text"])
    about = [f for f in comparison.facts if any(c.article == ids["times"] and _overlaps(c, start, end) for c in f.claims)]
    assert about and all(f.status != "conflict" for f in about)
    assert any("timeline" in f.explanation for f in about)


def test_example_figure_told_again_is_labelled_by_what_it_counts(example):
    # 'two' in all three reports and 'two vans' told again in two of them are one finding,
    # labelled by the noun an outlet counts it in, not 'figure'
    comparison, _, _ = example
    [vans] = [f for f in comparison.facts if any(c.text == "two vans" for c in f.claims)]
    assert vans.what == "vans" and any(c.text == "two" for c in vans.claims)


def test_example_conflicts_are_exactly_the_designed_ones(example):
    comparison, _, _ = example
    designed = [f for f in KEY["facts"] if f["status"] == "conflict"]
    assert len([f for f in comparison.facts if f.status == "conflict"]) == len(designed)


def test_example_look_alikes_are_not_paired(example):
    comparison, ids, texts = example
    for pair in KEY["look_alikes"]:
        spans = [(ids[n], *_where(texts, ids[n], c["text"])) for n, c in pair["claims"].items()]
        for fact in comparison.facts:
            if fact.status != "unique":
                hit = [any(c.article == a and _overlaps(c, s, e) for c in fact.claims) for a, s, e in spans]
                assert not all(hit), pair["note"]


# The seed pair: every kind of finding, and nothing false.

@pytest.fixture(scope="module")
def seeds(seed_paths):
    return storylens.compare(seed_paths)


def test_seed_findings_end_to_end(seeds):
    # One of the six copied passages is mostly the state broadcaster's quoted words: a quotation.
    assert sorted(p.kind for p in seeds.passages) == ["edited"] * 5 + ["paraphrase"] * 2 + ["quotation"]
    conflicts = [f for f in seeds.facts if f.status == "conflict"]
    assert sorted(f.kind for f in conflicts) == ["number", "place"]
    casualties = next(f for f in conflicts if f.kind == "number")
    assert {c.text for c in casualties.claims} == {"212 civilians", "more than 500 civilians"}
    # Attributions carry the name the source list uses, not the phrase as written.
    assert "Syrian Observatory for Human Rights" in {c.attribution for c in casualties.claims}
    place = next(f for f in conflicts if f.kind == "place")
    assert {c.value for c in place.claims} == {"northeast", "southeast"}
    assert len([q for q in seeds.quotes if len({m.article for m in q.mentions}) == 2]) == 2
    a, b = (art.id for art in seeds.articles)
    assert "AFP" in seeds.sources[a] and "Anadolu Agency" in seeds.sources[b]
    framing = {(s.from_.lower(), s.to.lower()) for s in seeds.substitutions if s.category == "framing"}
    assert ("state", "regime-run") in framing and ("rebels", "opposition fighters") in framing


def test_seed_json_round_trips(seeds):
    data = json.loads(seeds.to_json())
    assert storylens.Comparison.model_validate(data).to_dict() == data


# Named in the key but not cited by a reporting verb: an organisation's
# criticism ('criticised by X') and a speaker's affiliation ('an observer for X').
NOT_CITATIONS = {"Kessling Tenants' Organization", "Kessling Tenants' Organisation", "Citizens' Rights Watch"}


def test_example_sources(example):
    comparison, ids, _ = example
    for name, sources in KEY["sources"].items():
        got = [n.lower() for n in comparison.sources[ids[name]]]
        for source in sources:
            if source["name"] in NOT_CITATIONS:
                continue
            wanted = source["name"].lower().removeprefix("the ")
            assert any(wanted in g or g in wanted for g in got), (name, source["name"], got)


_HARBOUR = storylens.Article(text="The harbour bridge at Velmont reopened on Tuesday after three weeks of repairs.")


@pytest.mark.parametrize("inputs", [
    [_HARBOUR, _HARBOUR],                                                        # one object twice
    [ROOT / "examples/wexley-market/coastal-times.txt",
     str(ROOT / "examples/wexley-market/./coastal-times.txt")],                  # one file, two spellings
])
def test_an_input_given_twice_is_a_usage_error(inputs):
    with pytest.raises(storylens.errors.UsageError, match="given twice"):
        storylens.compare(inputs)


def test_two_inputs_with_the_same_text_are_compared_with_a_warning():
    twin = _HARBOUR.model_copy(update={"outlet": "The Velmont Echo"})
    with pytest.warns(storylens.errors.IdenticalText, match="same text"):
        comparison = storylens.compare([_HARBOUR, twin])
    assert [p.kind for p in comparison.passages] == ["verbatim"]
