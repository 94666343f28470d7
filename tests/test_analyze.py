"""The per-doc tables the extractors read instead of spaCy `Token` attributes:
they must say exactly what the tokens say."""

import pytest

from storylens.analyze import analyze, doc_ents, doc_tokens, head_indices, sent_start, token_column, tokens_where
from storylens.models import Article
from storylens.sources import article_names, subject_heads

TEXT = ("Harbour Trust chair Jane Roe said on Friday the pier would close.\n"
        "Officials in Wexley, a port town, disagreed. \"It is safe,\" said Tom Poe, the mayor.\n\n"
        "Roe's deputy told The Coastal Times that 40 boats were moved.")


@pytest.fixture(scope="module")
def analysis():
    return analyze([Article(id="a", text=TEXT)])[0]


@pytest.mark.parametrize("attr", ["pos_", "tag_", "dep_", "lemma_", "lower_", "ent_type_"])
def test_a_column_is_the_tokens_own_attribute(analysis, attr):
    assert token_column(analysis.doc, attr) == [getattr(t, attr) for t in analysis.doc]


def test_selected_tokens_are_the_docs_tokens_in_order(analysis):
    doc = analysis.doc
    assert [t.i for t in doc_tokens(doc)] == list(range(len(doc)))
    nouns = tokens_where(doc, "pos_", ("NOUN", "PROPN"))
    assert [t.i for t in nouns] == [t.i for t in doc if t.pos_ in ("NOUN", "PROPN")]
    nouns.pop()  # a caller's copy: the doc's selection stays whole
    assert len(tokens_where(doc, "pos_", ("NOUN", "PROPN"))) == len(nouns) + 1


def test_a_sentences_selection_is_the_docs_selection_in_its_range(analysis):
    doc = analysis.doc
    for sent in doc.sents:
        got = tokens_where(doc, "pos_", ("NOUN", "PROPN"), sent.start, sent.end)
        assert [t.i for t in got] == [t.i for t in sent if t.pos_ in ("NOUN", "PROPN")]
    assert [t.i for t in tokens_where(doc, "pos_", ("NOUN",), 5)] == [t.i for t in doc[5:] if t.pos_ == "NOUN"]


def test_entities_are_the_docs_made_once(analysis):
    doc = analysis.doc
    assert [(e.start, e.end, e.label_) for e in doc_ents(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    assert doc_ents(doc) is doc_ents(doc)


def test_head_indices_are_the_tokens_heads(analysis):
    assert head_indices(analysis.doc) == [t.head.i for t in analysis.doc]


def test_sentence_starts_are_the_tokens_sentences(analysis):
    assert [sent_start(t) for t in analysis.doc] == [t.sent.start for t in analysis.doc]


def test_memoised_answers_are_copies(analysis):
    names = article_names(analysis)
    said = next(t for t in analysis.doc if t.lower_ == "said")
    heads = subject_heads(said)
    heads.clear()
    assert [t.text for t in subject_heads(said)] == ["Roe"]
    actor = names.actor(subject_heads(said)[0])
    actor.description += " changed"
    actor.tokens.clear()
    again = names.actor(subject_heads(said)[0])
    assert again.tokens and not again.description.endswith("changed")


def test_loading_the_model_freezes_what_lives_as_long_as_the_process():
    import gc

    from storylens.analyze import load_nlp

    load_nlp()
    assert gc.get_freeze_count() > 10_000  # the model's objects: full collections skip them


@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f"])
def test_unusual_spaces_parse_as_plain_spaces_and_keep_every_offset(space):
    # spaCy splits on the plain space only: a no-break space inside 'Sen. Ann
    # Lo' became a token of its own and the name was lost to the recogniser
    text = f"Sen.{space}Ann Lo of Wexley said{space}the pier would close on{space}Friday."
    plain = analyze([Article(id="p", text=text.replace(space, " "))])[0]
    odd = analyze([Article(id="o", text=text)])[0]
    assert [(t.idx, t.text, t.pos_, t.ent_type_) for t in odd.doc] == [(t.idx, t.text, t.pos_, t.ent_type_) for t in plain.doc]
    # what is quoted back keeps the article's own characters
    name = next(e for e in odd.doc.ents if e.label_ == "PERSON")
    assert odd.span(name.start_char - 5, name.end_char).text == f"Sen.{space}Ann Lo"


@pytest.mark.parametrize("enabled", [True, False])
def test_a_paused_collector_is_left_as_the_caller_had_it(enabled):
    import gc

    from storylens.analyze import gc_paused

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(ValueError), gc_paused():
            raise ValueError  # an error inside still restores it
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()
