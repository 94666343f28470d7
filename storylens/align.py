"""Stage 3: find passages that articles share. Analyses in, `Passage`s out.

A passage is a sentence (or two adjacent sentences, for splits and merges) of
one article matched to a sentence or two of another:

- `verbatim`: the same words;
- `edited`: the same passage with word-level changes (word-sequence ratio);
- `paraphrase`: the same content rewritten (sentence embeddings agree *and*
  the sentences share content words: the embedding margin alone is too thin).

Matching is a global greedy one-to-one assignment by score, so reordered
passages are found wherever they sit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from .analyze import Analysis, embed
from .framing import categorize_edit, lexicon
from .models import Edit, Passage, Span


@dataclass(frozen=True)
class AlignConfig:
    edited_ratio: float = 0.55      # word-sequence similarity for copy-edited text
    edited_coverage: float = 0.5    # share of the shorter side in runs of >= 3 shared words
    verbatim_ratio: float = 0.98
    paraphrase_cosine: float = 0.70
    paraphrase_overlap: float = 0.40  # content-lemma overlap coefficient
    paraphrase_score: float = 0.62    # mean of the two; below it, same topic is not same content
    merge_penalty: float = 0.03     # paraphrase score handicap of a two-sentence unit
    min_words: int = 6              # shorter units are captions and datelines


@dataclass
class _Unit:
    """One sentence, or two adjacent ones, of one article."""

    article: int
    first: int
    last: int
    tokens: list = field(repr=False)        # spaCy tokens without white space
    words: list[str] = field(repr=False)    # lower-cased word tokens, no punctuation
    lemmas: frozenset[str] = field(repr=False)
    text: str = ""

    def overlaps(self, other: "_Unit") -> bool:
        return self.article == other.article and self.first <= other.last and other.first <= self.last


def _units(article: int, analysis: Analysis) -> list[_Unit]:
    sents = analysis.sentences
    units = []
    for i in range(len(sents)):
        for j in (i, i + 1):
            if j < len(sents):
                units.append(_make_unit(article, i, j, sents[i:j + 1]))
    return units


def _make_unit(article: int, first: int, last: int, sents) -> _Unit:
    tokens = [t for s in sents for t in s if not t.is_space]
    words = [t.lower_ for t in tokens if not t.is_punct]
    lemmas = frozenset(t.lemma_.lower() for t in tokens if t.is_alpha and not t.is_stop)
    text = " ".join(s.text.strip() for s in sents)
    return _Unit(article, first, last, tokens, words, lemmas, text)


class _Encoder:
    """Maps words to private code points so rapidfuzz's C string scorers
    compare word sequences (one character per word) instead of characters."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def __call__(self, words: list[str]) -> str:
        return "".join(self.codes.setdefault(w, chr(0xF0000 + len(self.codes))) for w in words)


@dataclass
class _Match:
    a: _Unit
    b: _Unit
    kind: str
    score: float


def align(analyses: list[Analysis], config: AlignConfig = AlignConfig()) -> list[Passage]:
    """Every passage shared by two or more of the analysed articles."""
    units = [_units(i, a) for i, a in enumerate(analyses)]
    flat = [u for us in units for u in us]
    vectors = dict(zip(map(id, flat), embed([u.text for u in flat])))
    encode = _Encoder()
    coded = {id(u): encode(u.words) for u in flat}
    matches = []
    for i, j in combinations(range(len(analyses)), 2):
        matches += _match_pair(units[i], units[j], vectors, coded, config)
    return _merge(matches, analyses)


def _match_pair(units_a, units_b, vectors, coded, config) -> list[_Match]:
    if not units_a or not units_b:
        return []
    ratios = cdist([coded[id(u)] for u in units_a], [coded[id(u)] for u in units_b],
                   scorer=fuzz.ratio, dtype=np.float32) / 100
    cosines = np.stack([vectors[id(u)] for u in units_a]) @ np.stack([vectors[id(u)] for u in units_b]).T
    copied, rewritten = [], []
    for x, y in zip(*np.nonzero((ratios >= config.edited_ratio) | (cosines >= config.paraphrase_cosine))):
        a, b = units_a[x], units_b[y]
        if a.first != a.last and b.first != b.last:
            continue  # two-to-two adds nothing over two one-to-one matches
        if min(len(a.words), len(b.words)) < config.min_words:
            continue
        kind = _copy_kind(coded[id(a)], coded[id(b)], float(ratios[x, y]), config)
        if kind:
            copied.append(_Match(a, b, kind, float(ratios[x, y])))
        elif cosines[x, y] >= config.paraphrase_cosine and _overlap(a, b) >= config.paraphrase_overlap:
            # Ranked by meaning and shared words together: either alone has a thin margin.
            score = (float(cosines[x, y]) + _overlap(a, b)) / 2
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


def _merge(matches: list[_Match], analyses: list[Analysis]) -> list[Passage]:
    """Turn pairwise matches into passages. Matches that share a unit (A~B and
    B~C, or A~B and A~C) describe one passage several articles carry."""
    parent: dict[tuple, tuple] = {}

    def find(key: tuple) -> tuple:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for m in matches:
        parent[find(_key(m.a))] = find(_key(m.b))
    groups: dict[tuple, list[_Match]] = {}
    for m in matches:
        groups.setdefault(find(_key(m.a)), []).append(m)
    passages = [_passage(ms, analyses) for ms in groups.values()]
    return sorted(passages, key=lambda p: _order(p, analyses))


def _key(unit: _Unit) -> tuple[int, int, int]:
    return unit.article, unit.first, unit.last


def _order(passage: Passage, analyses: list[Analysis]) -> tuple[int, int]:
    ids = [a.id for a in analyses]
    first = passage.spans[0]
    return ids.index(first.article), first.start


_KIND_RANK = {"paraphrase": 0, "edited": 1, "verbatim": 2}


def _passage(matches: list[_Match], analyses: list[Analysis]) -> Passage:
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
    spans = [_unit_span(units[k], analyses) for k in sorted(units)]
    edits = [e for m in tree if m.kind == "edited" for e in _edits(m, analyses)]
    weakest = min(matches, key=lambda m: _KIND_RANK[m.kind])
    return Passage(kind=weakest.kind, spans=spans, edits=edits,
                   similarity=round(min(m.score for m in matches), 3))


def _unit_span(unit: _Unit, analyses: list[Analysis]) -> Span:
    return analyses[unit.article].token_span(unit.tokens)


def _edits(match: _Match, analyses: list[Analysis]) -> list[Edit]:
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
            "from": _side(analyses[match.a.article], a_tokens, a_lo, a_hi),
            "to": _side(analyses[match.b.article], b_tokens, b_lo, b_hi),
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


def _side(analysis: Analysis, tokens: list, lo: int, hi: int) -> Span:
    """The changed tokens' span; an insertion or deletion leaves an empty
    span where the words would have stood."""
    if hi > lo:
        return analysis.token_span(tokens[lo:hi])
    at = tokens[lo].idx if lo < len(tokens) else tokens[-1].idx + len(tokens[-1].text)
    return Span(article=analysis.id, start=at, end=at, text="")
