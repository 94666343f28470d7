"""The article phase's output: everything found in one article, as a record
that can be stored, shipped to a worker and compared later without parsing.

`extract(analysis)` turns one parsed article into `ArticleFeatures`;
`ArticleFeatures.to_bytes()` / `from_bytes()` round-trip it losslessly
(msgpack + zlib, versioned). Nothing in a record refers to any other article:
what depends on the group being compared (story aliases, canonical source
names, matching) happens in the story phase (`storylens.story`).

The story phase reads tokens through `Tok`, a small record with the handful
of spaCy `Token` attributes it needs, so the same stage code runs on a fresh
parse or on features loaded from a database row.
"""

from __future__ import annotations

import datetime as dt
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Iterable, Iterator

import msgpack
import numpy as np

from . import __version__
from .actors import Descriptor, GroupLabel, article_actors
from .errors import StorylensError
from .facts import ClaimInfo, Interval, Window, alias_evidence, extract_claims
from .models import Article, Citation, QuoteMention, Span

# Bump when the record's layout or any extractor's output changes, so stored
# features from an older storylens are recomputed rather than misread.
FEATURES_VERSION = 16

# Token flags, packed into one small integer per token.
_PUNCT, _ALPHA, _STOP, _SPACE, _NUM = 1, 2, 4, 8, 16


class FeaturesError(StorylensError):
    """Stored features that cannot be read by this version."""

    exit_code = 4


class Tok:
    """A token as the story phase sees it: the spaCy `Token` attributes that
    align and framing read, and nothing that needs the parse."""

    __slots__ = ("i", "idx", "text", "lower_", "lemma_", "pos_", "is_punct", "is_alpha",
                 "is_stop", "is_space", "like_num")

    def __init__(self, i: int, idx: int, text: str, lemma: str, pos: str, flags: int):
        self.i, self.idx, self.text = i, idx, text
        self.lower_ = text.lower()
        self.lemma_, self.pos_ = lemma, pos
        self.is_punct, self.is_alpha, self.is_stop, self.is_space, self.like_num = _FLAG_VALUES[flags]

    def __repr__(self) -> str:
        return f"Tok({self.text!r}@{self.idx})"


# The five booleans of every flags value, unpacked once: a story phase builds
# a Tok for every token of every article it compares.
_FLAG_VALUES = [tuple(bool(flags & bit) for bit in (_PUNCT, _ALPHA, _STOP, _SPACE, _NUM)) for flags in range(32)]


@dataclass
class ArticleFeatures:
    """Everything the story phase needs from one article.

    - `sentences`: (start char, end char, first token, end token) of every
      non-blank sentence, in order; claim `sentence` numbers index this list;
    - token columns (`tok_start`, `tok_end`, `lemmas`, `pos`, `flags`) for every
      token of the article;
    - `vectors`: unit sentence vectors, one row per sentence, then one per pair
      of adjacent sentences (alignment matches splits and merges);
    - `quotes`, `citations`, `claims`: the per-article findings;
    - `alias_counts`: noun -> name -> count, the evidence from which the story
      phase learns that 'the district' is 'Masaken Hanano' across articles;
    - `descriptors`, `groups`: how the article names and describes named
      actors ('Sen.', 'a Tea Party favorite', 'the billionaire') and which
      words it uses for groups of people, with their roles (`storylens.actors`).
    """

    article: Article
    sentences: list[tuple[int, int, int, int]]
    tok_start: np.ndarray
    tok_end: np.ndarray
    lemmas: list[str]
    pos: list[str]
    flags: np.ndarray
    vectors: np.ndarray
    quotes: list[QuoteMention] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    claims: list[ClaimInfo] = field(default_factory=list)
    alias_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    descriptors: list[Descriptor] = field(default_factory=list)
    groups: list[GroupLabel] = field(default_factory=list)
    version: int = FEATURES_VERSION
    storylens_version: str = __version__

    # ------------------------------------------------------------ access

    @property
    def id(self) -> str:
        return self.article.id or ""

    @property
    def text(self) -> str:
        return self.article.text

    @cached_property
    def tokens(self) -> list[Tok]:
        text = self.article.text
        starts = self.tok_start.tolist()
        texts = [text[s:e] for s, e in zip(starts, self.tok_end.tolist())]
        return list(map(Tok, range(len(starts)), starts, texts, self.lemmas, self.pos, self.flags.tolist()))

    def sentence_text(self, index: int) -> str:
        start, end, _, _ = self.sentences[index]
        return self.article.text[start:end]

    def sentence_tokens(self, index: int) -> list[Tok]:
        _, _, lo, hi = self.sentences[index]
        return self.tokens[lo:hi]

    def sentence_vector(self, index: int) -> np.ndarray:
        return self.vectors[index]

    def pair_vector(self, index: int) -> np.ndarray:
        """The vector of sentences `index` and `index + 1` read as one."""
        return self.vectors[len(self.sentences) + index]

    def tokens_in(self, start: int, end: int) -> list[Tok]:
        """Tokens overlapping [start, end): spaCy's `char_span(..., 'expand')`."""
        lo = bisect_right(self._ends, start)
        hi = bisect_left(self._starts, end)
        return self.tokens[lo:hi]

    @cached_property
    def _starts(self) -> list[int]:
        return self.tok_start.tolist()

    @cached_property
    def _ends(self) -> list[int]:
        return self.tok_end.tolist()

    def span(self, start: int, end: int) -> Span:
        """A result `Span` over this article's text, trimmed of white space."""
        return Span.over(self.id, self.article.text, start, end)

    def token_span(self, tokens: list[Tok]) -> Span:
        return self.span(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))

    def with_id(self, article_id: str) -> "ArticleFeatures":
        """The same features under another article id (every span says whose it is)."""
        if article_id == self.id:
            return self
        return replace(
            self, article=self.article.model_copy(update={"id": article_id}),
            quotes=[q.model_copy(update={"article": article_id}) for q in self.quotes],
            citations=[c.model_copy(update={"article": article_id}) for c in self.citations],
            claims=_relabel_claims(self.claims, article_id))

    # ------------------------------------------------------- serialisation

    def to_bytes(self) -> bytes:
        record = {
            "version": self.version,
            "storylens_version": self.storylens_version,
            "article": self.article.model_dump(mode="json"),
            "sentences": [list(s) for s in self.sentences],
            "tok_start": self.tok_start.astype("<i4").tobytes(),
            "tok_end": self.tok_end.astype("<i4").tobytes(),
            "lemmas": self.lemmas,
            "pos": self.pos,
            "flags": self.flags.astype("u1").tobytes(),
            "vectors": self.vectors.astype("<f4").tobytes(),
            "dim": int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0,
            "quotes": [q.model_dump(mode="json") for q in self.quotes],
            "citations": [c.model_dump(mode="json") for c in self.citations],
            "claims": _claims_to_list(self.claims),
            "alias_counts": self.alias_counts,
            "descriptors": [d.to_list() for d in self.descriptors],
            "groups": [g.to_list() for g in self.groups],
        }
        return zlib.compress(msgpack.packb(record, use_bin_type=True), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> "ArticleFeatures":
        try:
            record = msgpack.unpackb(zlib.decompress(data), raw=False, strict_map_key=False)
        except (zlib.error, ValueError, msgpack.UnpackException) as exc:
            raise FeaturesError(f"stored features are unreadable ({exc.__class__.__name__})") from None
        version = record.get("version") if isinstance(record, dict) else None
        if version != FEATURES_VERSION:
            raise FeaturesError(f"stored features have version {version}; this storylens reads "
                                f"version {FEATURES_VERSION}: analyse the article again")
        dim = record["dim"]
        vectors = np.frombuffer(record["vectors"], dtype="<f4")
        vectors = vectors.reshape(-1, dim) if dim else np.zeros((0, 1), dtype=np.float32)
        return cls(
            article=Article.model_validate(record["article"]),
            sentences=[tuple(s) for s in record["sentences"]],
            tok_start=np.frombuffer(record["tok_start"], dtype="<i4").astype(np.int32),
            tok_end=np.frombuffer(record["tok_end"], dtype="<i4").astype(np.int32),
            lemmas=list(record["lemmas"]),
            pos=list(record["pos"]),
            flags=np.frombuffer(record["flags"], dtype="u1").copy(),
            vectors=vectors.astype(np.float32),
            quotes=[QuoteMention.model_validate(q) for q in record["quotes"]],
            citations=[Citation.model_validate(c) for c in record["citations"]],
            claims=_claims_from_list(record["claims"]),
            alias_counts=record["alias_counts"],
            descriptors=[Descriptor.from_list(d) for d in record["descriptors"]],
            groups=[GroupLabel.from_list(g) for g in record["groups"]],
            version=version,
            storylens_version=record["storylens_version"],
        )


# ------------------------------------------------------------ claims as data

def _claims_to_list(claims: list[ClaimInfo]) -> list[dict]:
    index = {id(c): n for n, c in enumerate(claims)}
    out = []
    for c in claims:
        d = {}
        for f in fields(ClaimInfo):
            value = getattr(c, f.name)
            if f.name == "previous":
                value = index.get(id(value)) if value is not None else None
            elif isinstance(value, Interval):
                value = [value.lo, value.hi, value.lo_open, value.hi_open]
            elif isinstance(value, Window):
                value = [value.text, _iso(value.start), _iso(value.end)]
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, frozenset):
                value = sorted(value)
            d[f.name] = value
        out.append(d)
    return out


def _claims_from_list(rows: list[dict]) -> list[ClaimInfo]:
    claims = []
    for d in rows:
        d = dict(d)
        if d.get("interval") is not None:
            lo, hi, lo_open, hi_open = d["interval"]
            d["interval"] = Interval(lo, hi, lo_open, hi_open)
        if d.get("window") is not None:
            text, start, end = d["window"]
            d["window"] = Window(text, _date(start), _date(end))
        d["date"] = _date(d.get("date"))
        d["directions"] = frozenset(d.get("directions") or ())
        claims.append(ClaimInfo(**d))
    for claim in claims:
        if claim.previous is not None:
            claim.previous = claims[claim.previous]
    return claims


def _relabel_claims(claims: list[ClaimInfo], article_id: str) -> list[ClaimInfo]:
    return _copied(claims, article=article_id)


def copy_claims(claims: list[ClaimInfo]) -> list[ClaimInfo]:
    """Independent copies (the story phase annotates claims in place)."""
    return _copied(claims)


def _copied(claims: list[ClaimInfo], **changes) -> list[ClaimInfo]:
    """New claim records, `previous` pointing into the new list (None when it
    pointed outside the list). Shallow like a round trip through
    `_claims_to_list`: the field values are immutable but for `extra`, which
    that round trip shared too."""
    index = {id(c): n for n, c in enumerate(claims)}
    out = [replace(c, **changes) for c in claims]
    for new, old in zip(out, claims):
        if old.previous is not None:
            k = index.get(id(old.previous))
            new.previous = out[k] if k is not None else None
    return out


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# ------------------------------------------------------------- extraction

def _token_columns(doc) -> tuple[np.ndarray, np.ndarray, list[str], list[str], np.ndarray]:
    """Token columns read in one `Doc.to_array` call: spaCy's per-token
    Python attributes cost a sixth of the article phase on short articles."""
    from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LENGTH, LIKE_NUM

    from .analyze import token_column

    if not len(doc):
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty.copy(), [], [], np.zeros(0, dtype=np.uint8)
    cols = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_ALPHA, IS_STOP, IS_SPACE, LIKE_NUM])
    starts = cols[:, 0].astype(np.int32)
    ends = (cols[:, 0] + cols[:, 1]).astype(np.int32)
    flags = (_PUNCT * cols[:, 2] | _ALPHA * cols[:, 3] | _STOP * cols[:, 4] | _SPACE * cols[:, 5]
             | _NUM * cols[:, 6]).astype(np.uint8)
    # the extractors' own columns, read once per doc (copies: a record owns its lists)
    return starts, ends, list(token_column(doc, "lemma_")), list(token_column(doc, "pos_")), flags


# A sentence vector is a mean over word pieces: a few thousand characters fix
# it, and a runaway 'sentence' (a 100,000-character token, a page of markup)
# would otherwise cost seconds and hundreds of megabytes in the tokenizer.
MAX_EMBED_CHARS = 2000


def unit_texts(analysis) -> list[str]:
    """The texts whose vectors a record keeps: each sentence, then each pair of
    adjacent sentences, as alignment compares them (clipped for the embedder)."""
    sents = unit_sentences(analysis)
    units = sents + [f"{a} {b}" for a, b in zip(sents, sents[1:])]
    return [u[:MAX_EMBED_CHARS] for u in units]


def unit_sentences(analysis) -> list[str]:
    """The sentence texts the units are made of (`analyze.embed_units`)."""
    text = analysis.article.text
    return [text[s.start_char:s.end_char].strip() for s in analysis.sentences]


def extract(analysis, vectors: np.ndarray) -> ArticleFeatures:
    """One parsed article's features. `vectors` are the unit vectors of
    `unit_texts(analysis)`, computed by the caller in batches across articles."""
    from .quotes import article_quotes
    from .sources import article_citations

    doc = analysis.doc
    starts, ends, lemmas, pos, flags = _token_columns(doc)
    sentences = [(s.start_char, s.end_char, s.start, s.end) for s in analysis.sentences]
    descriptors, groups = article_actors(analysis)
    return ArticleFeatures(
        article=analysis.article, sentences=sentences, tok_start=starts, tok_end=ends,
        lemmas=lemmas, pos=pos, flags=flags, vectors=np.asarray(vectors, dtype=np.float32),
        quotes=article_quotes(analysis), citations=article_citations(analysis),
        claims=extract_claims(analysis), alias_counts=alias_evidence(analysis),
        descriptors=descriptors, groups=groups,
    )


def analyze_articles(articles: Iterable[Article], *, batch_size: int = 16,
                     progress=None) -> Iterator[ArticleFeatures]:
    """The article phase over a stream: parse in batches, yield one record per
    article in input order. `progress(n)` is called after each article."""
    from .analyze import analyze, embed_units, gc_paused

    batch: list[Article] = []

    def flush() -> Iterator[ArticleFeatures]:
        analyses = analyze(batch, batch_size=batch_size)
        # the collector paused for extraction, not for the parse nor across a yield
        with gc_paused():
            sentences = [unit_sentences(a) for a in analyses]
            # the vectors of unit_texts(a), without tokenizing each pair again
            vectors = embed_units(sentences, MAX_EMBED_CHARS)
        offset = 0
        for analysis, sents in zip(analyses, sentences):
            n = 2 * len(sents) - 1 if sents else 0
            with gc_paused():
                record = extract(analysis, vectors[offset:offset + n] if n else np.zeros((0, 1), np.float32))
            offset += n
            if progress:
                progress(1)
            yield record

    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
