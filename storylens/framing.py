"""Framing: what kind of change an edit is, which edits recur, and which
words each article uses for the same actors and concepts.

- `categorize_edit` classes one word-level edit inside a shared passage;
- `aggregate_substitutions` counts distinct edits over all passages;
- `find_terms` counts, per article, which of several contested alternative
  terms it uses for each concept of the story.

Two sources of concepts, merged:

- the **terms lexicon** (`data/framing_terms.json`): concepts across domains
  (immigration, abortion, guns, protest and policing, war and terrorism,
  religion, economy and taxes, health, climate, social issues, politics), each
  with its alternative terms ('illegal immigrant' / 'undocumented immigrant'
  / 'unauthorized immigrant'). Multi-word terms are matched token by token on
  lemmas (or the exact lower-case word), hyphens optional, longest first;
- the **swap graph**: words that replace each other in framing edits of
  aligned passages name the same actor (rebels → opposition, insurgents →
  opposition); each connected component is a concept, merged into the
  lexicon concept it shares a word with.

Terms are counted in each article's narrative text only: words inside
quotation marks are a speaker's, not the outlet's. A concept is a row of the
terms table only when it is a difference a reader can see: at least two
articles use its terms, and they do not all use the same set of terms (and,
for a concept with `anchors`, at least one article uses an anchor, so that
'government' alone never makes a 'regime / government' row). The row's name
is its terms in use, most used first.

The actor lexicon for edit categories lives in `data/framing.json`; both
files can be read and extended without touching code.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from breame.spelling import get_american_spelling
from scipy.cluster.hierarchy import DisjointSet

from .models import EditCategory, Passage, Substitution
from .narrative import quote_mask


@lru_cache(maxsize=1)
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(actor words, generic words) from the bundled lexicon."""
    data = json.loads(resources.files("storylens").joinpath("data/framing.json").read_text("utf-8"))
    return frozenset(data["actor_words"]), frozenset(data["generic"])


def _lemma(token) -> str:
    return token.lemma_.lower()


def _content(tokens) -> list:
    return [t for t in tokens if not (t.is_punct or t.is_space or t.pos_ in ("DET", "PART"))]


def _spelling_key(word: str) -> str:
    return get_american_spelling(word.lower()) or word.lower()


def categorize_edit(old: list, new: list) -> EditCategory:
    """`spelling` for British/American variants, `framing` for a different
    word for an actor or act, `other` for everything else (tense, trimming,
    word order, names written differently)."""
    old_c, new_c = _content(old), _content(new)
    if len(old_c) == len(new_c) == 1 and old_c[0].lower_ != new_c[0].lower_ \
            and _spelling_key(old_c[0].text) == _spelling_key(new_c[0].text):
        return "spelling"
    if not old_c or not new_c:
        return "other"
    actors, _ = lexicon()
    old_l, new_l = {_lemma(t) for t in old_c}, {_lemma(t) for t in new_c}
    if old_l == new_l:
        return "other"
    if (old_l ^ new_l) & actors:
        return "framing"
    old_t, new_t = _concept_terms(old_c), _concept_terms(new_c)
    if any(concept in new_t and new_t[concept] != terms for concept, terms in old_t.items()):
        return "framing"  # two alternatives of one lexicon concept
    return "other"


def aggregate_substitutions(passages: list[Passage]) -> list[Substitution]:
    """Distinct edits (case-insensitive) with how often each occurs; framing
    first, then spelling, then the rest, most frequent first."""
    counts: Counter = Counter()
    shown: dict[tuple, tuple[str, str]] = {}
    for passage in passages:
        for edit in passage.edits:
            old, new = bare_phrase(edit.from_.text), bare_phrase(edit.to.text)
            if old.lower() == new.lower():
                continue  # only an article changed: 'the rebels' -> 'rebels'
            if not (_WORD.search(old) and _WORD.search(new)):
                continue  # words cut or added ('He added,' -> '—'): no word was changed for another
            key = (old.lower(), new.lower(), edit.from_.article, edit.to.article, edit.category)
            counts[key] += 1
            shown.setdefault(key, (old, new))
    order = {"framing": 0, "spelling": 1, "other": 2}
    subs = [Substitution(**{"from": shown[k][0], "to": shown[k][1], "from_article": k[2],
                            "to_article": k[3], "count": n, "category": k[4]})
            for k, n in counts.items()]
    return sorted(subs, key=lambda s: (order[s.category], -s.count, s.from_.lower()))


_WORD = re.compile(r"\w")


def bare_phrase(text: str) -> str:
    """Without a leading article, so 'the rebels' and 'rebels' count as one."""
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)


def actor_groups(passages: list[Passage], features) -> list[set[str]]:
    """Sets of actor words that replace each other in framing edits.

    Words swapped for one another inside aligned passages name the same actor
    (rebels → opposition, insurgents → opposition), so the groups are the
    connected components of the swap graph.
    """
    actors, generic = lexicon()
    by_id = {f.id: f for f in features}
    sets = DisjointSet()
    for passage in passages:
        for edit in passage.edits:
            if edit.category != "framing":
                continue
            old = _actor_lemmas(by_id[edit.from_.article], edit.from_, actors, generic)
            new = _actor_lemmas(by_id[edit.to.article], edit.to, actors, generic)
            for x in old - new:
                for y in new - old:
                    sets.add(x)
                    sets.add(y)
                    sets.merge(x, y)
    return [set(g) for g in sets.subsets() if len(g) > 1]


def _actor_lemmas(features, span, actors, generic) -> set[str]:
    tokens = features.tokens_in(span.start, span.end) if span.end > span.start else []
    return {_lemma(t) for t in tokens if _lemma(t) in actors and _lemma(t) not in generic}


# ------------------------------------------------------------- terms lexicon

@dataclass(frozen=True)
class Concept:
    domain: str
    name: str
    terms: tuple[str, ...]
    anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _TermLexicon:
    concepts: tuple[Concept, ...]
    # word sequence -> (concept index, term as written); concept -1: ignored phrase
    phrases: dict[tuple[str, ...], tuple[int, str]]
    longest: int


def _words(term: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[\w']+", term.lower()))


@lru_cache(maxsize=1)
def term_lexicon() -> _TermLexicon:
    """The bundled concepts and their alternative terms."""
    data = json.loads(resources.files("storylens").joinpath("data/framing_terms.json").read_text("utf-8"))
    # A term 'a|b|c' is one alternative written three ways, counted as 'a'.
    concepts = tuple(Concept(c["domain"], c["concept"], tuple(t.split("|")[0] for t in c["terms"]),
                             frozenset(c.get("anchors", ()))) for c in data["concepts"])
    phrases: dict[tuple[str, ...], tuple[int, str]] = {}
    for phrase in data.get("ignore", ()):
        phrases[_words(phrase)] = (-1, phrase)
    for n, c in enumerate(data["concepts"]):
        for term in c["terms"]:
            variants = term.split("|")
            for variant in variants:
                phrases.setdefault(_words(variant), (n, variants[0]))
    return _TermLexicon(concepts, phrases, max(len(k) for k in phrases))


_WORD_PARTS = re.compile(r"[\w']+")


def _token_words(tokens, mask=None) -> list[tuple[str, str, int] | None]:
    """(lemma, lower-case word, character offset) per word; None is a barrier (punctuation other
    than a hyphen, or a quoted word when `mask` is given). Hyphenated tokens
    are split, so 'pro-life' and 'pro life' read alike."""
    out: list[tuple[str, str, int] | None] = []
    quoted = mask.quoted.tolist() if mask is not None else None   # one list lookup per token
    for t in tokens:
        if t.is_space or t.text in ("-", "‐", "‑"):
            continue
        if t.is_punct or (quoted is not None and quoted[t.idx]):
            out.append(None)
            continue
        parts = _WORD_PARTS.findall(t.lower_)
        if len(parts) == 1:
            out.append((t.lemma_.lower(), parts[0], t.idx))
        else:
            out += [(p, p, t.idx) for p in parts]
    return out


def _scan(words: list[tuple[str, str, int] | None], phrases: dict[tuple[str, ...], tuple[int, str]],
          longest: int, spans: list | None = None) -> Counter:
    """(concept, term) -> count, longest phrase first, without overlaps. A
    term right before another term of its concept modifies it ('jihadist
    rebels' are rebels, a kind of them, not another name): only the head
    counts."""
    hits: list[tuple[int, int, tuple[int, str]]] = []
    # Most words start no phrase: test a word's windows only when it can, and
    # none longer than the longest phrase that starts with it.
    reach: dict[str, int] = {}
    for k in phrases:
        if k:
            reach[k[0]] = max(reach.get(k[0], 0), len(k))
    # A phrase never spans a barrier: the longest window at i ends before the next one.
    barrier = [len(words)] * (len(words) + 1)
    for k in range(len(words) - 1, -1, -1):
        barrier[k] = k if words[k] is None else barrier[k + 1]
    i = 0
    while i < len(words):
        hit = None
        if words[i] is not None and (words[i][0] in reach or words[i][1] in reach):
            longest_here = max(reach.get(words[i][0], 0), reach.get(words[i][1], 0))
            for n in range(min(longest, longest_here, barrier[i] - i), 0, -1):
                window = words[i:i + n]
                for key in _candidates_for(window):
                    if key in phrases:
                        hit = (n, phrases[key])
                        break
                if hit:
                    break
        if hit:
            n, found = hit
            hits.append((i, n, found))
            i += n
        else:
            i += 1
    counts: Counter = Counter()
    for k, (at, n, found) in enumerate(hits):
        if found[0] < 0:
            continue
        if k + 1 < len(hits) and hits[k + 1][0] == at + n and hits[k + 1][2][0] == found[0]:
            continue
        counts[found] += 1
        if spans is not None:
            spans.append((found[0], found[1], words[at][2]))
    return counts


def _candidates_for(window: list[tuple[str, str]]):
    """Keys to try for a window of words: each word as its lemma or as written."""
    keys = [()]
    for lemma, lower, _ in window:
        options = (lemma,) if lemma == lower else (lemma, lower)
        keys = [k + (o,) for k in keys for o in options]
        if len(keys) > 16:
            keys = keys[:16]
    return keys


def _concept_terms(tokens) -> dict[int, set[str]]:
    lex = term_lexicon()
    out: dict[int, set[str]] = {}
    for (concept, term), _ in _scan(_token_words(tokens), lex.phrases, lex.longest).items():
        out.setdefault(concept, set()).add(term)
    return out


def story_concepts(passages: list[Passage], features) -> tuple[list[Concept], dict[tuple[str, ...], tuple[int, str]], int]:
    """The lexicon's concepts with the story's swap groups merged in: a swap
    group sharing a single-word term with a concept joins it, any other is a
    concept of its own ('swap' domain)."""
    lex = term_lexicon()
    concepts = list(lex.concepts)
    phrases = dict(lex.phrases)
    for group in actor_groups(passages, features):
        joined = sorted({phrases[(w,)][0] for w in group if (w,) in phrases and phrases[(w,)][0] >= 0})
        if joined:
            n = joined[0]
        else:
            n = len(concepts)
            concepts.append(Concept("swap", " / ".join(sorted(group)), tuple(sorted(group))))
        for word in sorted(group):
            if (word,) not in phrases or phrases[(word,)][0] < 0:
                phrases[(word,)] = (n, word)
            elif phrases[(word,)][0] != n:
                # a word of another lexicon concept: the swap evidence moves it here for this story
                phrases[(word,)] = (n, word)
        if n < len(lex.concepts):
            old = concepts[n]
            concepts[n] = Concept(old.domain, old.name, tuple(dict.fromkeys(old.terms + tuple(sorted(group)))),
                                  old.anchors)
    return concepts, phrases, max(lex.longest, 1)


def term_counts(features, passages: list[Passage]) -> tuple[list[Concept], dict[str, Counter]]:
    """Every concept of the story and, per article id, (concept, term) -> count
    in its narrative text, before any row is chosen."""
    concepts, phrases, longest = story_concepts(passages, features)
    counts = {}
    for f in features:
        counts[f.id] = _scan(_token_words(f.tokens, quote_mask(f.text)), phrases, longest)
    return concepts, counts


def term_occurrences(features, passages: list[Passage]) -> tuple[list[Concept], dict[str, list[tuple[int, str, int]]]]:
    """Per article id, every counted (concept index, term, character offset):
    for reading the terms table against the text."""
    concepts, phrases, longest = story_concepts(passages, features)
    out = {}
    for f in features:
        spans: list = []
        _scan(_token_words(f.tokens, quote_mask(f.text)), phrases, longest, spans)
        out[f.id] = spans
    return concepts, out


def term_rows(features, passages: list[Passage]) -> list[tuple[int, Concept, str, dict[str, dict[str, int]]]]:
    """(concept index, concept, row name, article id -> term -> count) for
    every concept on which the articles differ (see the module docstring)."""
    concepts, counts = term_counts(features, passages)
    rows = []
    for n, concept in enumerate(concepts):
        per_article = {f.id: {term: c for (k, term), c in counts[f.id].items() if k == n} for f in features}
        using = {a: used for a, used in per_article.items() if used}
        if len(using) < 2 or len({frozenset(u) for u in using.values()}) < 2:
            continue
        if concept.anchors and not any(set(u) & concept.anchors for u in using.values()):
            continue
        totals: Counter = Counter()
        for used in using.values():
            totals.update(used)
        rows.append((n, concept, " / ".join(sorted(totals, key=lambda t: (-totals[t], t))), using))
    return rows


def find_terms(features, passages: list[Passage]) -> dict[str, dict[str, dict[str, int]]]:
    """article id -> concept -> term -> count, over each article's narrative
    text, for the concepts on which the articles differ."""
    terms: dict[str, dict[str, dict[str, int]]] = {f.id: {} for f in features}
    for _, _, name, using in term_rows(features, passages):
        for article, used in using.items():
            terms[article][name] = used
    return terms
