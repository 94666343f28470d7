"""Story phase: find passages that articles share. Features in, `Passage`s out.

A passage is a sentence (or two adjacent sentences, for splits and merges) of
one article matched to a sentence or two of another. Its kind says what it is:

- `verbatim`: the same narrative words, copied from a common source;
- `edited`: the same narrative passage with word-level changes (word-sequence
  ratio): wire copy edited by each outlet;
- `quotation`: copied words (verbatim or edited) that sit mostly inside
  quotation marks: of the words the articles share (the unchanged runs of the
  word diff), at least `AlignConfig.quotation_share` (0.6) by characters are
  quoted, in at least one of the articles. The shared words are measured, not
  the whole sentence, so that each outlet's own attribution ('Mr. X said at a
  news conference on Friday') does not dilute a short quotation.
  Several outlets reproducing what someone said is not wire copy: each may
  have the statement first-hand. One article is enough because outlets often
  reproduce a whole statement, letter or post as a block without quotation
  marks, while another quotes it (on BASIL, requiring the marks in every
  article left such statements as `edited`). Its edits are still listed;
- `paraphrase`: one fact written up in independent words (sentence
  embeddings agree *and* the sentences share content words: the embedding
  margin alone is too thin). Not copy. A paraphrase stays a paraphrase
  even when its sentences are quoted: the quotations then differ.

`Passage.quoted` keeps the measured share (the largest over the articles;
for a paraphrase, the share of its whole spans), and
`reuse_shares` gives each article's share of narrative characters (outside
quotation marks) that sit in verbatim or edited passages: quotations and
paraphrases are not reuse, and neither is the quoted text inside an edited
passage.

Candidate pairs come from indexes, not from every pair of articles: units that
share a run of three words (an inverted index of word trigrams: a copy-edited
match always keeps such a run) and units whose stored vectors are close (one
blocked matrix product over all units). The cost grows with the number of
units, not with the square of the number of articles.

Matching is a global greedy one-to-one assignment by score per pair of
articles, so reordered passages are found wherever they sit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np
from scipy import sparse
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist
from scipy.cluster.hierarchy import DisjointSet

from .blas import one_blas_thread
from .features import ArticleFeatures, Tok
from .framing import categorize_edit, lexicon
from .ids import finding_id
from .models import Edit, Passage, Span
from .narrative import quote_mask
from .settings import AlignConfig

@dataclass(eq=False)
class _Unit:
    """One sentence, or two adjacent ones, of one article."""

    article: int
    first: int
    last: int
    tokens: list[Tok] = field(repr=False)   # tokens without white space
    words: list[str] = field(repr=False)    # lower-cased word tokens, no punctuation
    lemmas: frozenset[str] = field(repr=False)
    vector: np.ndarray = field(repr=False)
    code: str = ""

    def overlaps(self, other: "_Unit") -> bool:
        return self.article == other.article and self.first <= other.last and other.first <= self.last


def _units(article: int, features: ArticleFeatures, encode: "_Encoder", config: AlignConfig) -> list[_Unit]:
    """Every sentence and pair of adjacent sentences long enough to match.
    Each sentence's tokens are read and encoded once and shared by the units
    holding it (a pair's code is its two sentences' codes joined)."""
    per_sentence = []
    for i in range(len(features.sentences)):
        tokens = [t for t in features.sentence_tokens(i) if not t.is_space]
        words = [t.lower_ for t in tokens if not t.is_punct]
        per_sentence.append((tokens, words, frozenset(t.lemma_.lower() for t in tokens if t.is_alpha and not t.is_stop),
                             encode(words)))
    units = []
    for i, (tokens, words, lemmas, code) in enumerate(per_sentence):
        units.append(_Unit(article, i, i, tokens, words, lemmas, features.sentence_vector(i), code))
        if i + 1 < len(per_sentence):
            t2, w2, l2, c2 = per_sentence[i + 1]
            units.append(_Unit(article, i, i + 1, tokens + t2, words + w2, lemmas | l2, features.pair_vector(i),
                               code + c2))
    # Captions and datelines are too short to match; runaway 'sentences' (a
    # page of tiny spans, a 100,000-character token) are too long to diff.
    return [u for u in units if config.min_words <= len(u.words) <= config.max_unit_words]


class _Encoder:
    """Maps words to private code points so rapidfuzz's C string scorers
    compare word sequences (one character per word) instead of characters.
    Only equality of codes matters, not which word gets which."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def __call__(self, words: list[str]) -> str:
        codes = self.codes
        for w in words:
            if w not in codes:
                codes[w] = chr(0xF0000 + len(codes))
        return "".join([codes[w] for w in words])


@dataclass
class _Match:
    a: _Unit
    b: _Unit
    kind: str
    score: float


def align(features: list[ArticleFeatures], config: AlignConfig = AlignConfig()) -> list[Passage]:
    """Every passage shared by two or more of the articles."""
    encode = _Encoder()
    units = [u for i, f in enumerate(features) for u in _units(i, f, encode, config)]
    by_pair: dict[tuple[int, int], list[tuple[_Unit, _Unit, float, float]]] = defaultdict(list)
    for x, y, cosine, ratio in _candidates(units, config):
        a, b = (units[x], units[y]) if units[x].article < units[y].article else (units[y], units[x])
        by_pair[(a.article, b.article)].append((a, b, cosine, ratio))
    matches = []
    for key in sorted(by_pair):
        matches += _match_pair(by_pair[key], config)
    return _merge(matches, features, config)


COPY_KINDS = ("verbatim", "edited")


def reuse_shares(features: list[ArticleFeatures], passages: list[Passage]) -> dict[str, float]:
    """article id -> share of its narrative characters (non-space, outside
    quotation marks) inside verbatim or edited passages. Quotations and
    paraphrases are not copy, and quoted words inside a copied passage are not
    counted either."""
    out = {}
    for f in features:
        mask = quote_mask(f.text)
        total = mask.narrative(0, len(f.text))
        covered = np.zeros(len(f.text), dtype=bool)
        for p in passages:
            if p.kind in COPY_KINDS:
                for s in p.spans:
                    if s.article == f.id:
                        covered[s.start:s.end] = True
        solid = ~np.isin(np.frombuffer(f.text.encode("utf-32-le"), dtype="<u4"),
                         [ord(c) for c in set(f.text) if c.isspace()])   # not str.isspace, in bulk
        reused = int(np.count_nonzero(covered & solid & ~mask.quoted))
        out[f.id] = round(reused / total, 3) if total else 0.0
    return out


def _candidates(units: list[_Unit], config: AlignConfig):
    """(x, y, cosine, ratio) for unit pairs of different articles that share a
    word trigram or whose vectors are at least `paraphrase_cosine` close, in
    (x, y) order, with the word-sequence ratio of their codes (0-1); pairs
    that cannot match are left out (see `_viable`)."""
    if not units:
        return
    vectors = np.stack([u.vector for u in units]).astype(np.float32)
    articles = np.array([u.article for u in units])
    found: list[tuple[np.ndarray, np.ndarray]] = []
    # Lexical: units that share a word trigram, as a sparse unit x trigram
    # incidence matrix times its transpose (the inverted index, in C). A
    # trigram found in very many units ('said in a statement') pairs nothing
    # by itself, so its column is dropped.
    incidence = _trigram_incidence(units)
    if incidence.nnz:
        common = max(50, len(units) // 10)
        incidence = incidence[:, np.nonzero(np.asarray(incidence.sum(axis=0)).ravel() <= common)[0]]
        shared = (incidence @ incidence.T).tocoo()
        keep = (shared.row < shared.col) & (articles[shared.row] != articles[shared.col])
        found.append((shared.row[keep], shared.col[keep]))
    # Semantic: blocked matrix products, so memory stays bounded; each block
    # of rows only against the units after it, since pairs are taken once
    # (x < y). BLAS is held to one thread: its default threading is several
    # times slower on a busy machine for matrices this small.
    block = 512
    with one_blas_thread():
        for lo in range(0, len(units), block):
            xs, ys = np.nonzero(vectors[lo:lo + block] @ vectors[lo:].T >= config.paraphrase_cosine)
            xs, ys = xs + lo, ys + lo
            keep = (xs < ys) & (articles[xs] != articles[ys])
            found.append((xs[keep], ys[keep]))
        # Each pair once, in (x, y) order: a pair is one integer x·n + y.
        n = len(units)
        keys = np.unique(np.concatenate([x.astype(np.int64) * n + y for x, y in found]))
        if not len(keys):
            return
        xs, ys = keys // n, keys % n
        # Row by row, in chunks: gathering every pair's two vectors at once
        # takes hundreds of megabytes at 80 articles, mostly spent faulting in pages.
        chunk = 4096
        cosines = np.concatenate([np.einsum("ij,ij->i", vectors[xs[k:k + chunk]], vectors[ys[k:k + chunk]])
                                  for k in range(0, len(xs), chunk)])
    xs, ys, cosines, ratios = _viable(units, xs, ys, cosines, config)
    yield from zip(xs.tolist(), ys.tolist(), cosines.tolist(), ratios.tolist())


def _trigram_incidence(units: list[_Unit]) -> sparse.csr_matrix:
    """Unit x word-trigram matrix, 1 where the unit holds the trigram, built
    from the word codes in bulk: a trigram is its three code points packed
    into one integer (each is below 2**21)."""
    lengths = np.array([len(u.code) for u in units], dtype=np.int64)
    codes = np.frombuffer("".join(u.code for u in units).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner = np.repeat(np.arange(len(units)), lengths)
    at = np.arange(max(0, len(codes) - 2))
    at = at[owner[at] == owner[at + 2]]   # the three words lie in one unit
    grams = codes[at] << 42 | codes[at + 1] << 21 | codes[at + 2]
    gram_ids, cols = np.unique(grams, return_inverse=True)
    incidence = sparse.csr_matrix((np.ones(len(at), dtype=np.float32), (owner[at], cols.ravel())),
                                  shape=(len(units), len(gram_ids)))
    incidence.data[:] = 1   # a trigram repeated in a unit counts once
    return incidence


def _viable(units: list[_Unit], xs: np.ndarray, ys: np.ndarray, cosines: np.ndarray, config: AlignConfig):
    """The candidate pairs `_match_pair` can accept, judged in bulk: most pairs
    that share a trigram share nothing else. A pair of two-sentence units adds
    nothing over two one-to-one matches; a pair below both the edited ratio
    and the paraphrase cosine is neither copy nor paraphrase. The ratios are
    rapidfuzz's `fuzz.ratio` of the word codes, computed in one C call."""
    merged = np.array([u.first != u.last for u in units])
    keep = ~(merged[xs] & merged[ys])
    xs, ys, cosines = xs[keep], ys[keep], cosines[keep].astype(np.float64)
    codes = [u.code for u in units]
    ratios = cpdist([codes[x] for x in xs.tolist()], [codes[y] for y in ys.tolist()],
                    scorer=fuzz.ratio, dtype=np.float64) / 100
    keep = (ratios >= config.edited_ratio) | (cosines >= config.paraphrase_cosine)
    return xs[keep], ys[keep], cosines[keep], ratios[keep]


def _match_pair(candidates: list[tuple[_Unit, _Unit, float, float]], config: AlignConfig) -> list[_Match]:
    copied, rewritten = [], []
    for a, b, cosine, ratio in candidates:
        kind = _copy_kind(a.code, b.code, ratio, config)
        if kind:
            copied.append(_Match(a, b, kind, ratio))
        elif cosine >= config.paraphrase_cosine and _overlap(a, b) >= config.paraphrase_overlap:
            # Ranked by meaning and shared words together: either alone has a thin margin.
            score = (cosine + _overlap(a, b)) / 2
            if a.first != a.last or b.first != b.last:
                # A merged unit must clearly beat its parts, or a neighbouring
                # sentence on the same topic rides along.
                score -= config.merge_penalty
            if score >= config.paraphrase_score:
                rewritten.append(_Match(a, b, "paraphrase", round(score, 3)))
    # Copy-edited matches are the stronger evidence, so they claim sentences first.
    chosen = _greedy(copied, [])
    return chosen + _greedy(rewritten, chosen)


def _copy_kind(code_a: str, code_b: str, ratio: float, config: AlignConfig) -> str | None:
    if ratio >= config.verbatim_ratio:
        return "verbatim"
    if ratio < config.edited_ratio:
        return None
    runs = sum(op.src_end - op.src_start for op in Levenshtein.opcodes(code_a, code_b)
               if op.tag == "equal" and op.src_end - op.src_start >= 3)
    return "edited" if runs / min(len(code_a), len(code_b)) >= config.edited_coverage else None


def _overlap(a: _Unit, b: _Unit) -> float:
    if not a.lemmas or not b.lemmas:
        return 0.0
    return len(a.lemmas & b.lemmas) / min(len(a.lemmas), len(b.lemmas))


def _greedy(candidates: list[_Match], taken: list[_Match]) -> list[_Match]:
    chosen: list[_Match] = []
    used = [u for m in taken for u in (m.a, m.b)]
    for m in sorted(candidates, key=lambda m: -m.score):
        if any(m.a.overlaps(u) or m.b.overlaps(u) for u in used):
            continue
        chosen.append(m)
        used += [m.a, m.b]
    return chosen


def _merge(matches: list[_Match], features: list[ArticleFeatures], config: AlignConfig) -> list[Passage]:
    """Turn pairwise matches into passages. Matches that share a unit (A~B and
    B~C, or A~B and A~C) describe one passage several articles carry."""
    sets = DisjointSet()
    for m in matches:
        sets.add(_key(m.a))
        sets.add(_key(m.b))
        sets.merge(_key(m.a), _key(m.b))
    groups: dict[tuple, list[_Match]] = {}
    for m in matches:
        groups.setdefault(sets[_key(m.a)], []).append(m)
    passages = [_passage(ms, features, config) for ms in groups.values()]
    return sorted(passages, key=lambda p: _order(p, features))


def _key(unit: _Unit) -> tuple[int, int, int]:
    return unit.article, unit.first, unit.last


def _order(passage: Passage, features: list[ArticleFeatures]) -> tuple[int, int]:
    ids = [f.id for f in features]
    first = passage.spans[0]
    return ids.index(first.article), first.start


_KIND_RANK = {"paraphrase": 0, "edited": 1, "verbatim": 2}


def _passage(matches: list[_Match], features: list[ArticleFeatures], config: AlignConfig) -> Passage:
    """One passage from the matches of one group. Edits are shown from the
    earliest article's text to each other article's: a spanning tree of the
    matches, so every article's changes appear once."""
    units = {_key(u): u for m in matches for u in (m.a, m.b)}
    base = min(units)
    reached, tree = {base}, []
    while len(reached) < len(units):
        m = next(m for m in matches if (_key(m.a) in reached) != (_key(m.b) in reached))
        tree.append(m if _key(m.a) in reached else _Match(m.b, m.a, m.kind, m.score))
        reached |= {_key(m.a), _key(m.b)}
    spans = [_unit_span(units[k], features) for k in sorted(units)]
    edits = [e for m in tree if m.kind == "edited" for e in _edits(m, features)]
    weakest = min(matches, key=lambda m: _KIND_RANK[m.kind])
    kind = weakest.kind
    if kind in COPY_KINDS:
        quoted = _shared_quoted(matches, features)
    else:
        by_id = {f.id: f for f in features}
        quoted = max(quote_mask(by_id[s.article].text).share(s.start, s.end) for s in spans)
    if kind in COPY_KINDS and quoted >= config.quotation_share:
        kind = "quotation"
    return Passage(id=finding_id("p", "passage", ((s.article, s.start, s.end) for s in spans)),
                   kind=kind, spans=spans, edits=edits,
                   similarity=round(min(m.score for m in matches), 3), quoted=round(quoted, 3))


def _shared_quoted(matches: list[_Match], features: list[ArticleFeatures]) -> float:
    """The largest share, over the articles, of the characters of the shared
    words (unchanged runs between matched units) that sit inside quotation
    marks."""
    shared: dict[int, dict[int, Tok]] = defaultdict(dict)
    for m in matches:
        a_words = [t for t in m.a.tokens if not t.is_punct]
        b_words = [t for t in m.b.tokens if not t.is_punct]
        ops = SequenceMatcher(None, [t.lower_ for t in a_words], [t.lower_ for t in b_words],
                              autojunk=False).get_matching_blocks()
        for a_lo, b_lo, size in ops:
            for t in a_words[a_lo:a_lo + size]:
                shared[m.a.article][t.idx] = t
            for t in b_words[b_lo:b_lo + size]:
                shared[m.b.article][t.idx] = t
    best = 0.0
    for article, tokens in shared.items():
        mask = quote_mask(features[article].text)
        total = sum(len(t.text) for t in tokens.values())
        quoted = sum(len(t.text) for t in tokens.values() if mask.is_quoted(t.idx))
        if total:
            best = max(best, quoted / total)
    return best


def _unit_span(unit: _Unit, features: list[ArticleFeatures]) -> Span:
    return features[unit.article].token_span(unit.tokens)


def _edits(match: _Match, features: list[ArticleFeatures]) -> list[Edit]:
    """Word-level edits from A to B; adjacent changes are one edit, and
    changes of punctuation alone are dropped as noise."""
    a_tokens, b_tokens = match.a.tokens, match.b.tokens
    # difflib anchors on the longest shared runs, which reads like a human
    # diff; a minimal edit script can pair unrelated insertions and deletions.
    ops = SequenceMatcher(None, [t.lower_ for t in a_tokens], [t.lower_ for t in b_tokens],
                          autojunk=False).get_opcodes()
    edits = []
    for a_lo, a_hi, b_lo, b_hi in _changed_runs(ops):
        if (a_lo == a_hi) != (b_lo == b_hi):
            a_hi, b_hi = _with_head(a_tokens, a_lo, a_hi, b_tokens, b_lo, b_hi)
        old, new = a_tokens[a_lo:a_hi], b_tokens[b_lo:b_hi]
        if all(t.is_punct for t in old + new):
            continue
        edits.append(Edit(**{
            "from": _side(features[match.a.article], a_tokens, a_lo, a_hi),
            "to": _side(features[match.b.article], b_tokens, b_lo, b_hi),
            "category": categorize_edit(old, new),
        }))
    return edits


def _with_head(a_tokens, a_lo, a_hi, b_tokens, b_lo, b_hi) -> tuple[int, int]:
    """A modifier added or dropped before an unchanged noun ('police' ->
    'riot police') is shown as a change of the whole noun phrase, so it can be
    judged as a different word for the same actor."""
    actors, _ = lexicon()
    if a_hi < len(a_tokens) and b_hi < len(b_tokens) and a_tokens[a_hi].lemma_.lower() in actors \
            and a_tokens[a_hi].lower_ == b_tokens[b_hi].lower_ \
            and all(t.pos_ in ("ADJ", "NOUN", "PROPN") for t in (a_tokens[a_lo:a_hi] or b_tokens[b_lo:b_hi])):
        return a_hi + 1, b_hi + 1
    return a_hi, b_hi


def _changed_runs(ops) -> list[tuple[int, int, int, int]]:
    runs: list[list[int]] = []
    for tag, a_lo, a_hi, b_lo, b_hi in ops:
        if tag == "equal":
            continue
        if runs and runs[-1][1] == a_lo and runs[-1][3] == b_lo:
            runs[-1][1], runs[-1][3] = a_hi, b_hi
        else:
            runs.append([a_lo, a_hi, b_lo, b_hi])
    return [tuple(r) for r in runs]


def _side(features: ArticleFeatures, tokens: list[Tok], lo: int, hi: int) -> Span:
    """The changed tokens' span; an insertion or deletion leaves an empty
    span where the words would have stood."""
    if hi > lo:
        return features.token_span(tokens[lo:hi])
    at = tokens[lo].idx if lo < len(tokens) else tokens[-1].idx + len(tokens[-1].text)
    return Span(article=features.id, start=at, end=at, text="")
