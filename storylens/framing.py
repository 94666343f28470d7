"""Framing: what kind of change an edit is, which edits recur, and which
words each article uses for the same actors.

- `categorize_edit` classes one word-level edit inside a shared passage;
- `aggregate_substitutions` counts distinct edits over all passages;
- `find_terms` groups words that replace each other into actors and counts
  each article's use of them.

The actor lexicon lives in `data/framing.json` so it can be read and extended
without touching code.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from breame.spelling import get_american_spelling
from scipy.cluster.hierarchy import DisjointSet

from .models import EditCategory, Passage, Substitution


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
            key = (old.lower(), new.lower(), edit.from_.article, edit.to.article, edit.category)
            counts[key] += 1
            shown.setdefault(key, (old, new))
    order = {"framing": 0, "spelling": 1, "other": 2}
    subs = [Substitution(**{"from": shown[k][0], "to": shown[k][1], "from_article": k[2],
                            "to_article": k[3], "count": n, "category": k[4]})
            for k, n in counts.items()]
    return sorted(subs, key=lambda s: (order[s.category], -s.count, s.from_.lower()))


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


def find_terms(features, passages: list[Passage]) -> dict[str, dict[str, dict[str, int]]]:
    """article id -> actor -> term -> count, over each whole article."""
    groups = actor_groups(passages, features)
    counts = {f.id: Counter(_lemma(t) for t in f.tokens if t.is_alpha) for f in features}
    totals = Counter()
    for c in counts.values():
        totals.update(c)
    terms: dict[str, dict[str, dict[str, int]]] = {}
    for f in features:
        per_actor = {}
        for group in groups:
            words = sorted(group, key=lambda w: (-totals[w], w))
            used = {w: counts[f.id][w] for w in words if counts[f.id][w]}
            if used:
                per_actor[" / ".join(words)] = used
        terms[f.id] = per_actor
    return terms
