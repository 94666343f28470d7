"""One name canonicaliser: when two written names denote the same actor.

Used in the article phase (`sources.ArticleNames` maps 'Yousri' to the
article's 'Yasser al-Yousri'; `speakers` and `quotes` group speakers) and in
the story phase (`actors` joins an actor's names across articles,
`reconcile` compares claim sources). Everything here works on strings, so it
runs on a parse or on stored features alike. Word lists: `data/names.json`.

Three strengths, strictest first:

- `same_actor`: one name is a word-run of the other ('Observatory' /
  'Syrian Observatory for Human Rights', 'Yousri' / 'Yasser al-Yousri');
- `same_speaker`: also the same last word, unless both are full personal
  names with different first names ('Jane Smith' / 'John Smith'), so
  descriptions with one head noun ('state broadcaster' / 'regime-run
  broadcaster') match;
- `same_name`: across articles, where a wrong join shows: a person's name and
  its end ('Steadman' / 'Michael Steadman') or the same first and last words
  ('Helen Clanton' / 'Helen Rodham Clanton'), an organisation only before
  a company suffix ('Wal-Mart' / 'Wal-Mart Stores Inc.').
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Hashable, Sequence

from scipy.cluster.hierarchy import DisjointSet

_DATA = json.loads(resources.files("storylens").joinpath("data/names.json").read_text("utf-8"))
DETERMINERS = frozenset(_DATA["determiners"])
# Hand-written because no installed package lists news agencies; the names are
# stable and a short list covers the wire services that appear in credits.
AGENCIES: dict[str, str] = dict(_DATA["agencies"])
CORPORATE_SUFFIXES = frozenset(_DATA["corporate_suffixes"])
GENERATIONAL_SUFFIXES = frozenset(_DATA["generational_suffixes"])
# First names and their usual short forms ('bill' -> 'william'), lower case.
NICKNAMES: dict[str, str] = dict(_DATA["nicknames"])

_AL_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|at|az|ar)[-‑]", re.I)


def name_words(name: str) -> list[str]:
    """Lower-cased words of a name, without determiners and 'al-' prefixes."""
    return list(_name_words(name))


@lru_cache(maxsize=8192)
def _name_words(name: str) -> tuple[str, ...]:
    # Cached: name resolution compares every speaker with every full name.
    words = [w for w in re.split(r"[\s]+", name.lower().replace("’", "'")) if w]
    words = [w for w in words if w not in DETERMINERS]
    return tuple(_AL_PREFIX.sub("", w).strip(".,'") for w in words if _AL_PREFIX.sub("", w).strip(".,'"))


def contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    """`shorter` occurs in `longer` as a run of consecutive words."""
    n = len(shorter)
    if n == 0:
        return False
    first = shorter[0]
    # Slices only where the first word matches: names can be whole phrases.
    return any(longer[i] == first and longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


@lru_cache(maxsize=8192)
def is_proper(name: str) -> bool:
    """The name's first word after any determiner is capitalised. (Cached:
    the extractors ask it of the same few hundred names some 300 times an article.)"""
    words = [w for w in name.split() if w.lower() not in DETERMINERS]
    return bool(words) and words[0][:1].isupper()


def same_actor(a: str, b: str) -> bool:
    """Strict: one name is a word-run of the other ('Observatory' in 'Syrian
    Observatory for Human Rights') or a surname of it ('Yousri', 'Al-Yousri'
    in 'Yasser al-Yousri')."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    short, long_ = sorted((wa, wb), key=len)
    if len(short) == len(long_):
        return False
    return contains(long_, short)


def nickname_same(x: str, y: str) -> bool:
    """'bill' and 'william' are one first name (lower case, from the list)."""
    return x == y or NICKNAMES.get(x, x) == NICKNAMES.get(y, y)


def first_name_same(x: str, y: str) -> bool:
    """'chris' and 'christopher', 'bill' and 'william' are one first name. The
    prefix rule is for two spellings already known to name one person."""
    if len(x) >= 3 and len(y) >= 3 and (x.startswith(y) or y.startswith(x)):
        return True
    return nickname_same(x, y)


def same_person(a: str, b: str) -> bool:
    """`same_actor`, or two full personal names with one surname whose first
    names are the same name written short and long ('Bill Kestrel' /
    'William Kestrel'): how a story's sources are joined across outlets."""
    if same_actor(a, b):
        return True
    wa, wb = _name_words(a), _name_words(b)
    return (len(wa) > 1 and len(wb) > 1 and wa[-1] == wb[-1] and is_proper(a) and is_proper(b)
            and nickname_same(wa[0], wb[0]))


def same_speaker(a: str, b: str) -> bool:
    """True when two speaker names plausibly denote the same actor.

    Same words; one contained in the other; same surname (ignoring 'al-');
    or, for descriptions, the same head noun ('state broadcaster' /
    'regime-run broadcaster'). Two full personal names with different first
    names are different people (a nickname is the same name: 'Bill' /
    'William'), and so are different heads ('mayor' / 'fire chief').
    """
    if "unattributed" in (a, b):
        return False
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    if same_actor(a, b):
        return True
    if wa[-1] != wb[-1]:
        return False
    if is_proper(a) and is_proper(b) and len(wa) > 1 and len(wb) > 1:
        # 'Jane Smith' vs 'John Smith'; but 'Yasser al-Yousri' vs 'Yasser
        # Yousri', and 'Bill Kestrel' vs 'William Kestrel' (one first name).
        return nickname_same(wa[0], wb[0])
    return True


def canonical_agency(name: str) -> str | None:
    """'the associated press' -> 'AP'; None for a name that is no agency."""
    return AGENCIES.get(" ".join(name.lower().split()))


def core_words(name: str) -> tuple[str, ...]:
    """The words that identify a name across articles: no initials, no 'Jr.'."""
    return tuple(w for w in _name_words(name) if len(w) > 1 and w not in GENERATIONAL_SUFFIXES)


def same_name(a: str, b: str, people: bool = True) -> bool:
    """One actor's names across articles: the same words, or one the end of
    the other ('Steadman' / 'Michael Steadman': people only), or its start before a
    company suffix ('Wal-Mart' / 'Wal-Mart Stores Inc.'), or the same first
    and last names ('Helen Clanton' / 'Helen Rodham Clanton'), initials
    and 'Jr.' aside; never two different first names ('Jane Roe' / 'John Roe')."""
    wa, wb = core_words(a), core_words(b)
    if not wa or not wb or not same_speaker(a, b):
        return False
    short, long_ = sorted((wa, wb), key=len)
    n = len(short)
    if long_[:n] == short and set(long_[n:]) <= CORPORATE_SUFFIXES:
        return True
    return people and (long_[len(long_) - n:] == short or n >= 2 and short[0] == long_[0] and short[-1] == long_[-1])


def cluster_names(nodes: Sequence[tuple[Hashable, str]], person: Sequence[bool]) -> list[int]:
    """Cluster (owner, name) pairs into actors: a cluster number per node.

    Names are joined by `same_name` (people's names only when both are
    people), exact matches first, then word-runs, then the looser matches;
    two clusters are never joined when one owner (an article) keeps two of
    their names apart ('George W. Busby', 'Jeb Busby').
    """
    sets = DisjointSet(range(len(nodes)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(nodes))}
    # Names of one actor share their first or last word: compare within those buckets only.
    buckets: dict[str, list[int]] = {}
    for i, (_, name) in enumerate(nodes):
        words = core_words(name)
        for w in {words[0], words[-1]} if words else ():
            buckets.setdefault(w, []).append(i)
    candidates = {(i, j) for ids in buckets.values() for x, i in enumerate(ids) for j in ids[x + 1:]}
    pairs = []
    for i, j in candidates:
        (a1, n1), (a2, n2) = nodes[i], nodes[j]
        if not same_name(n1, n2, person[i] and person[j]):
            continue
        strength = 0 if _name_words(n1) == _name_words(n2) else 1 if same_actor(n1, n2) else 2
        pairs.append((strength, a1 == a2, i, j))
    for _, _, i, j in sorted(pairs):
        ri, rj = sets[i], sets[j]
        if ri == rj:
            continue
        mi, mj = members[ri], members[rj]
        if any(nodes[x][0] == nodes[y][0] and not same_name(nodes[x][1], nodes[y][1], person[x] and person[y])
               for x in mi for y in mj):
            continue  # one article names two different actors
        sets.merge(i, j)
        members[sets[i]] = mi + mj
    return [sets[k] for k in range(len(nodes))]


def display_name(names: Sequence[str], person: bool, leading_neutral) -> str:
    """The name used most, without titles run into it ('House Majority Whip
    Kevin McCartan' -> 'Kevin McCartan'); for a person, a full name first.
    `leading_neutral(word)` says whether a leading word is a title to drop."""
    def bare(name: str) -> str:
        words = name.split()
        while len(words) > 2 and leading_neutral(words[0]):
            words = words[1:]
        return " ".join(words)

    counts = Counter(bare(n) for n in names)
    return max(counts, key=lambda n: (person and len(n.split()) > 1, counts[n], len(n), n))
