"""Online story assignment: each article joins a story the moment it arrives.

Grouping must keep up with a stream (hundreds of articles a second) and so
never parses. It uses cheap signals computed once per article (`Signals`):

- a wordllama vector of the title and lead (a static embedding: ~2,000 texts/s);
- the names in the title and lead (capitalised words), weighted by rarity;
- a MinHash of word 3-grams of the whole text, so wire copies and near
  duplicates find each other through an LSH index whatever their date;
- the publication date: only stories active within `window_days` compete, and
  each day apart costs a little, the more the denser the stream around that
  date. Articles without a date compete with every story;
- the outlet: an outlet seldom reports one event twice within a few days, so
  joining a story that already holds an article of the same outlet costs more.

A story is a running sum of its members' vectors plus a bag of their names,
so joining, scoring and merging are constant-time per candidate. When an
article pulls one story close enough to another they merge: the older id
survives and the merge is returned so the caller can record it.

    >>> from storylens.models import Article
    >>> index = StoryIndex()
    >>> a = Article(id="a", text="Fire destroys Harlow Mills warehouse in Brenton. Firefighters battled the blaze overnight.")
    >>> b = Article(id="b", text="Brenton warehouse fire: Harlow Mills site burns overnight as firefighters battle blaze.")
    >>> [index.assign(s).story for s in compute_signals([a, b])]
    [1, 1]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Sequence

import msgpack
import numpy as np

from .blas import one_blas_thread
from .models import Article

if TYPE_CHECKING:
    from datasketch import MinHash

# datasketch is imported where it is used: it pulls in scipy, seconds of
# start-up for commands that only read the store (`storylens stories`).


@dataclass(frozen=True)
class StorySettings:
    """Every threshold of story assignment, in one place. One configuration is
    used for all data sets (see benchmarks/stories/)."""

    window_days: int = 3
    """Stories whose articles are all further apart than this are not candidates."""
    day_penalty: float = 0.14
    """Score lost per day between the article and the story's nearest date,
    in a dense stream (see `dense_window`)."""
    dense_window: int = 10
    """Articles (arrived so far) dated within `window_days` of an article at
    which the day penalty is full; with fewer it shrinks in proportion, down to
    nothing for the first article of a quiet stretch. In a dense stream a topic
    that carries on to another day is often a new development (another event);
    in a sparse one, a later article on the same topic is most likely a late
    report of the same event."""
    same_outlet_penalty: float = 0.2
    """Score lost by a story that already holds an article of the article's outlet."""
    join_threshold: float = 0.26
    """Minimum score for an article to join an existing story; below it, a new story."""
    merge_threshold: float = 0.80
    """Score between two stories' centroids (and names) at which they merge."""
    name_weight: float = 0.1
    """Weight of name overlap (share of the article's rare names the story has)."""
    lexical_weight: float = 0.5
    """Weight of TF-IDF cosine of title (twice) and lead words against the story's."""
    vector_weight: float = 0.4
    """Weight of the wordllama cosine to the story centroid."""
    near_duplicate: float = 0.5
    """Estimated Jaccard of word 3-grams above which an article joins its twin's story."""
    lead_words: int = 80
    """Words of the text (after the title) that go into the vector and the names."""
    num_perm: int = 64
    """MinHash permutations: 64 keeps hashing cheap; LSH recall at 0.5 stays high."""
    candidates: int = 20
    """Stories scored in full (names, dates) after a first pass on vector cosine."""


# --- per-article signals ---------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]{1,}")
# Capitalised only because they start a sentence or a headline word.
_NOT_NAMES = frozenset("""a an the this that these those it its he she they we i you his her their our
in on at of for from to by with as after before over under about into amid during since while when
and but or not no yes if so than then there here what who why how which where new says said say
will would could should can may might must has have had is are was were be been being do does did
mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december today yesterday tomorrow breaking watch video
live update updated exclusive opinion analysis report reports more most some all one two three first
last just also even still only other another us""".split())


@dataclass
class Signals:
    """What story assignment knows about one article."""

    key: str
    vector: np.ndarray            # float32, unit length
    names: frozenset[str]
    minhash: np.ndarray           # uint32 MinHash values
    terms: dict[str, float] = field(default_factory=dict)   # sublinear term frequencies
    date: dt.date | None = None
    title: str | None = None
    outlet: str | None = None

    def to_bytes(self) -> bytes:
        """Compact form for the store: float16 vector, uint32 MinHash."""
        return msgpack.packb({
            "v": self.vector.astype(np.float16).tobytes(), "n": sorted(self.names),
            "m": self.minhash.astype(np.uint32).tobytes(), "t": self.terms,
        })

    @classmethod
    def from_bytes(cls, data: bytes, *, key: str, date: dt.date | None = None,
                   title: str | None = None, outlet: str | None = None) -> "Signals":
        raw = msgpack.unpackb(data)
        vector = np.frombuffer(raw["v"], dtype=np.float16).astype(np.float32)
        return cls(key=key, vector=vector, names=frozenset(raw["n"]),
                   minhash=np.frombuffer(raw["m"], dtype=np.uint32).copy(), terms=raw.get("t", {}), date=date,
                   title=title, outlet=outlet)


def lead(article: Article, words: int) -> str:
    """Title and the first `words` words: where a report says what happened."""
    body = " ".join(article.text.split()[:words])
    return f"{article.title}. {body}" if article.title else body


def names_in(text: str) -> frozenset[str]:
    """Capitalised words that are not function words: a cheap stand-in for
    named entities (no parse), lower-cased so headline case does not matter."""
    return frozenset(w.lower().rstrip("'’s") for w in _NAME.findall(text)
                     if w.lower() not in _NOT_NAMES and len(w) > 1)


def terms_in(article: Article, words: int) -> dict[str, float]:
    """Sublinear term frequencies of the title (counted twice: it names the
    event) and the lead, without English stop words."""
    counts: Counter = Counter()
    title = _WORD.findall((article.title or "").lower())
    stop = _stop_words()
    for word in title + title + _WORD.findall(" ".join(article.text.split()[:words]).lower()):
        if word.endswith(("'s", "’s")):
            word = word.rstrip("'’s")
        if len(word) > 1 and word not in stop and not word.isdigit():
            counts[word] += 1
    return {w: 1.0 + math.log(c) for w, c in counts.items()}


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def shingles(text: str) -> list[bytes]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return [" ".join(words).encode()] if words else []
    return [f"{a} {b} {c}".encode() for a, b, c in zip(words, words[1:], words[2:])]


def minhash_values(items: Sequence[bytes], num_perm: int) -> np.ndarray:
    """The uint32 values `datasketch.MinHash(num_perm, seed=1, scheme="affine32")`
    holds after `update_batch(items)`, without building a MinHash per article
    (same SHA-1 input hash, same permutations, so stores stay comparable)."""
    from datasketch.minhash import _fmix

    template = _template(num_perm)
    if not items:
        return template.hashvalues.astype(np.uint32)
    sha1 = hashlib.sha1
    hv = np.fromiter((int.from_bytes(sha1(x).digest()[:4], "little") for x in set(items)),
                     np.uint32).reshape(-1, 1)
    a, b = template.permutations
    return np.minimum(template.hashvalues, (_fmix(hv, 32) * a + b).min(axis=0)).astype(np.uint32)


def compute_signals(articles: Sequence[Article], settings: StorySettings = StorySettings(),
                    keys: Sequence[str] | None = None) -> list[Signals]:
    """Signals for a batch of articles: one embedding call for the whole batch."""
    from .analyze import embed

    leads = [lead(a, settings.lead_words) for a in articles]
    vectors = embed(leads) if leads else np.zeros((0, 1), np.float32)
    out = []
    for i, (article, text, vector) in enumerate(zip(articles, leads, vectors)):
        out.append(Signals(key=keys[i] if keys else (article.id or str(i)), vector=vector,
                           names=names_in(text), terms=terms_in(article, settings.lead_words),
                           minhash=minhash_values(shingles(article.text), settings.num_perm),
                           date=article.date, title=article.title, outlet=article.outlet))
    return out


# --- the index --------------------------------------------------------------------------

@dataclass
class Merge:
    """Story `absorbed` became part of story `into` (the older id survives)."""

    absorbed: int
    into: int
    score: float


@dataclass
class Decision:
    story: int
    new: bool
    score: float
    reason: str                          # "new", "similar" or "near-duplicate"
    merges: list[Merge] = field(default_factory=list)


@dataclass
class _Story:
    id: int
    title: str | None
    total: np.ndarray
    count: int = 0
    names: Counter = field(default_factory=Counter)
    terms: Counter = field(default_factory=Counter)
    first: int | None = None             # date ordinals
    last: int | None = None
    alive: bool = True
    outlets: set = field(default_factory=set)


class StoryIndex:
    """Stories in memory, fed one article at a time.

    `assign` decides an article's story and updates the index; `add` replays a
    decision made elsewhere (another process, an earlier run) and `merge`
    replays a recorded merge, so a store can rebuild the index and catch up.
    """

    def __init__(self, settings: StorySettings = StorySettings()) -> None:
        self.settings = settings
        self.stories: dict[int, _Story] = {}
        self.alias: dict[int, int] = {}
        self.article_story: dict[str, int] = {}
        self.minhashes: dict[str, np.ndarray] = {}
        self.lsh = _Bands(settings.near_duplicate, settings.num_perm)
        self.df: Counter = Counter()
        self.tdf: Counter = Counter()
        # Articles so far dated within `window_days` of a day (key: `day_key`).
        self.days: Counter = Counter()
        self._norms: dict[int, tuple] = {}
        self.articles = 0
        self.next_id = 1
        # How far a store-backed index has caught up (article seq, merge id).
        self.last_seq = 0
        self.last_merge = 0
        # Centroids as a matrix for one matrix-vector product per article.
        self._ids: list[int] = []
        self._row: dict[int, int] = {}
        self._matrix = np.zeros((64, 0), np.float32)
        self._first = np.zeros(64, np.float64)
        self._last = np.zeros(64, np.float64)
        self._norm = np.zeros(64, np.float32)       # 0 for absorbed stories

    # -- public ---------------------------------------------------------------

    def resolve(self, story: int) -> int:
        while story in self.alias:
            story = self.alias[story]
        return story

    def assign(self, sig: Signals) -> Decision:
        """Put one article in a story (possibly a new one) and return why."""
        twin = self._near_duplicate(sig)
        if twin is not None:
            story, score, reason = twin[0], twin[1], "near-duplicate"
        else:
            story, score = self._best(sig)
            reason = "similar"
            if story is None or score < self.settings.join_threshold:
                story, reason = None, "new"
        new = story is None
        if new:
            story = self.next_id
        self.add(sig, story)
        merges = [] if new else self._merge_around(story)
        return Decision(story=self.resolve(story), new=new, score=round(float(score), 4),
                        reason=reason, merges=merges)

    def add(self, sig: Signals, story: int, title: str | None = None) -> None:
        """Record that the article belongs to `story` (creating it if unknown)."""
        story = self.resolve(story)
        s = self.stories.get(story)
        if s is None:
            s = self.stories[story] = _Story(id=story, title=title or sig.title,
                                             total=np.zeros_like(sig.vector))
            self._add_row(s)
            self.next_id = max(self.next_id, story + 1)
        s.total = s.total + sig.vector
        s.count += 1
        s.names.update(sig.names)
        if sig.outlet:
            s.outlets.add(outlet_key(sig.outlet))
        self._grow_norm(s.terms, sig.terms)
        if sig.date is not None:
            day = sig.date.toordinal()
            s.first = day if s.first is None else min(s.first, day)
            s.last = day if s.last is None else max(s.last, day)
        self._sync_row(s)
        self.df.update(sig.names)
        self.tdf.update(sig.terms.keys())
        if sig.date is not None:
            self.days.update(day_keys(sig.date, self.settings.window_days))
        self.articles += 1
        self.article_story[sig.key] = story
        if sig.key not in self.minhashes:
            self.minhashes[sig.key] = sig.minhash
            self.lsh.insert(sig.key, sig.minhash)

    def merge(self, absorbed: int, into: int) -> None:
        """Fold story `absorbed` into `into` (both resolved through earlier merges)."""
        absorbed, into = self.resolve(absorbed), self.resolve(into)
        if absorbed == into or absorbed not in self.stories or into not in self.stories:
            return
        a, b = self.stories[absorbed], self.stories[into]
        b.total = b.total + a.total
        b.count += a.count
        b.names.update(a.names)
        b.terms.update(a.terms)
        b.outlets |= a.outlets
        n = self.articles + 2
        self._norms[id(b.terms)] = (n, self._norm2_now(b.terms, n))
        self._norms.pop(id(a.terms), None)
        b.first = _opt(min, b.first, a.first)
        b.last = _opt(max, b.last, a.last)
        a.alive = False
        self.alias[absorbed] = into
        self._sync_row(b)
        self._sync_row(a)

    def groups(self) -> dict[int, list[str]]:
        """Live story id -> article keys, in arrival order."""
        out: dict[int, list[str]] = {}
        for key, story in self.article_story.items():
            out.setdefault(self.resolve(story), []).append(key)
        return out

    # -- scoring ----------------------------------------------------------------

    def _near_duplicate(self, sig: Signals) -> tuple[int, float] | None:
        if not self.minhashes:
            return None
        best = None
        for key in self.lsh.query(sig.minhash):
            jaccard = float(np.mean(self.minhashes[key] == sig.minhash))
            if jaccard >= self.settings.near_duplicate and (best is None or jaccard > best[1]):
                best = (self.resolve(self.article_story[key]), jaccard)
        return best

    def _best(self, sig: Signals) -> tuple[int | None, float]:
        n = len(self._ids)
        if n == 0:
            return None, 0.0
        # Only stories alive and within the window are candidates: select
        # them first, then one matrix-vector product over those rows.
        gap = self._gaps(sig.date, n)
        rows = np.flatnonzero((self._norm[:n] > 0) & (gap <= self.settings.window_days))
        if not rows.size:
            return None, 0.0
        cos = (self._matrix[rows] @ sig.vector) / np.maximum(self._norm[rows], 1e-9)
        k = min(self.settings.candidates, rows.size)
        top = np.argpartition(-cos, k - 1)[:k] if k < rows.size else np.arange(rows.size)
        names, terms = self._weigh(sig.names, sig.terms)
        per_day = self._day_penalty(sig.date)
        outlet = outlet_key(sig.outlet) if sig.outlet else None
        best, best_score = None, -1.0
        for i in top:
            row = rows[i]
            story = self.stories[self._ids[row]]
            score = self._score(float(cos[i]), names, story.names, float(gap[row]), terms, story.terms, per_day)
            if outlet is not None and outlet in story.outlets:
                score -= self.settings.same_outlet_penalty
            if score > best_score:
                best, best_score = story.id, score
        return best, best_score

    def _weigh(self, names: Iterable[str], terms: dict) -> tuple[tuple, tuple]:
        """The article's side of the name and TF-IDF scores, computed once per
        article rather than once per candidate story (same arithmetic)."""
        n = self.articles + 2
        weights = [(name, math.log(n / (self.df.get(name, 0) + 1))) for name in names]
        total = 0.0
        for _, weight in weights:
            total += weight
        words, na = [], 0.0
        for word, tf in terms.items():
            idf = math.log(n / (self.tdf.get(word, 0) + 1)) + 1
            a = tf * idf
            na += a * a
            words.append((word, a, idf))
        return (weights, total), (words, na, n)

    def _score(self, cos: float, names: tuple, story_names: Counter, gap: float,
               terms: tuple, story_terms: Counter, per_day: float) -> float:
        """`names` and `terms` are the article's side from `_weigh`; `per_day`
        from `_day_penalty`."""
        st = self.settings
        return (st.vector_weight * cos + st.name_weight * self._name_overlap(names, story_names)
                + st.lexical_weight * self._lexical(terms, story_terms) - per_day * gap)

    def _day_penalty(self, date: dt.date | None) -> float:
        """Score lost per day apart for an article of `date`: `day_penalty`
        scaled by how many articles so far are dated within the window, full
        from `dense_window` of them on."""
        st = self.settings
        if date is None or st.dense_window <= 0:
            return st.day_penalty
        return st.day_penalty * min(1.0, self.days.get(day_key(date), 0) / st.dense_window)

    def _lexical(self, terms: tuple, story_terms: Counter) -> float:
        """TF-IDF cosine with document frequencies as of now (the stream's own)."""
        words, na, n = terms
        dot = 0.0
        get = story_terms.get
        for word, a, idf in words:
            b = get(word)
            if b:
                dot += a * b * idf
        if not dot:
            return 0.0
        return dot / math.sqrt(na * self._story_norm2(story_terms, n))

    def _story_norm2(self, story_terms: Counter, n: int) -> float:
        """Squared TF-IDF norm of a story, kept by `_grow_norm` and `merge`:
        recomputing it over a big story's vocabulary for every candidate
        dominated ingest time. It changes only when the story does (an article
        joins, a merge), never because the story was looked at: so it depends on
        the story's own history alone, and a Spark block, which sees fewer
        stories and scores other candidates, keeps the same value."""
        cached = self._norms.get(id(story_terms))
        if cached is None:                  # not kept (a story built by hand): as of now
            cached = self._norms[id(story_terms)] = (n, self._norm2_now(story_terms, n))
        return cached[1]

    def _norm2_now(self, story_terms: Counter, n: int) -> float:
        nb = 0.0
        for word, b in story_terms.items():
            idf = math.log(n / (self.tdf.get(word, 0) + 1)) + 1
            nb += (b * idf) ** 2
        return nb

    def _name_overlap(self, names: tuple, story_names: Counter) -> float:
        """Share of the article's name weight (rarer names weigh more) that the story has."""
        weights, total = names
        shared = 0.0
        for name, weight in weights:
            if name in story_names:
                shared += weight
        return shared / total if total else 0.0

    def _gaps(self, date: dt.date | None, n: int) -> np.ndarray:
        """Days between the article and each story's date range (0 inside it,
        0 when either side has no date)."""
        if date is None:
            return np.zeros(n)
        day = float(date.toordinal())
        first, last = self._first[:n], self._last[:n]
        gap = np.maximum(first - day, 0) + np.maximum(day - last, 0)
        return np.where(np.isnan(first), 0.0, gap)

    def _merge_around(self, story: int) -> list[Merge]:
        """Merge stories that the growth of `story` has made indistinguishable from it."""
        merges = []
        while True:
            s = self.stories[self.resolve(story)]
            n = len(self._ids)
            date = dt.date.fromordinal(s.last) if s.last is not None else None
            gap = self._gaps(date, n) if s.first is None else self._range_gaps(s, n)
            ok = (self._norm[:n] > 0) & (gap <= self.settings.window_days)
            ok[self._row[s.id]] = False
            rows = np.flatnonzero(ok)
            if not rows.size:
                return merges
            unit = s.total / max(float(np.linalg.norm(s.total)), 1e-9)
            cos = (self._matrix[rows] @ unit) / np.maximum(self._norm[rows], 1e-9)
            best = int(np.argmax(cos))
            row = int(rows[best])
            other = self.stories[self._ids[row]]
            score = self._pair_score(s, other, float(cos[best]), float(gap[row]))
            if score < self.settings.merge_threshold:
                return merges
            into, absorbed = sorted((s.id, other.id))
            self.merge(absorbed, into)
            merges.append(Merge(absorbed=absorbed, into=into, score=round(score, 4)))
            story = into

    def _pair_score(self, s: _Story, other: _Story, cos: float, gap: float) -> float:
        """`_score` of story `s` (as if one article) against `other`, in time
        proportional to the smaller story: the lexical side uses both stories'
        cached norms. Returns early when even full name and word overlap could
        not reach the merge threshold."""
        st = self.settings
        bound = st.vector_weight * cos + st.name_weight + st.lexical_weight - st.day_penalty * gap
        if bound < st.merge_threshold:
            return bound
        n = self.articles + 2
        total = shared = 0.0
        for name in s.names:
            weight = math.log(n / (self.df.get(name, 0) + 1))
            total += weight
            if name in other.names:
                shared += weight
        names = shared / total if total else 0.0
        small, big = (s.terms, other.terms) if len(s.terms) <= len(other.terms) else (other.terms, s.terms)
        dot = 0.0
        for word, a in small.items():
            b = big.get(word)
            if b:
                idf = math.log(n / (self.tdf.get(word, 0) + 1)) + 1
                dot += a * b * idf * idf
        lexical = dot / math.sqrt(self._story_norm2(s.terms, n) * self._story_norm2(other.terms, n)) if dot else 0.0
        return st.vector_weight * cos + st.name_weight * names + st.lexical_weight * lexical - st.day_penalty * gap

    def _grow_norm(self, story_terms: Counter, terms: dict) -> None:
        """Add an article's words to a story and keep its TF-IDF norm current:
        only the article's words change (recomputing the whole vocabulary of a
        big story on every join made assignment quadratic), except when the
        stream has grown by a tenth since the last full computation, whose
        document frequencies are then refreshed."""
        key = id(story_terms)
        cached = self._norms.get(key)
        n = self.articles + 2
        if cached is None or n > cached[0] * 1.1:
            story_terms.update(terms)
            self._norms[key] = (n, self._norm2_now(story_terms, n))
            return
        nb = cached[1]
        for word, tf in terms.items():
            old = story_terms.get(word, 0.0)
            idf = math.log(n / (self.tdf.get(word, 0) + 1)) + 1
            nb += ((old + tf) ** 2 - old ** 2) * idf * idf
        story_terms.update(terms)
        self._norms[key] = (cached[0], nb)

    def _range_gaps(self, s: _Story, n: int) -> np.ndarray:
        first, last = self._first[:n], self._last[:n]
        gap = np.maximum(first - s.last, 0) + np.maximum(s.first - last, 0)
        return np.where(np.isnan(first), 0.0, gap)

    # -- matrix bookkeeping -------------------------------------------------------

    def _add_row(self, s: _Story) -> None:
        n = len(self._ids)
        if self._matrix.shape[1] != s.total.shape[0]:
            self._matrix = np.zeros((max(64, self._matrix.shape[0]), s.total.shape[0]), np.float32)
        if n == self._matrix.shape[0]:
            grow = n * 2
            self._matrix = np.resize(self._matrix, (grow, self._matrix.shape[1]))
            self._first = np.resize(self._first, grow)
            self._last = np.resize(self._last, grow)
            self._norm = np.resize(self._norm, grow)
        self._row[s.id] = n
        self._ids.append(s.id)

    def _sync_row(self, s: _Story) -> None:
        row = self._row[s.id]
        self._matrix[row] = s.total if s.alive else 0.0
        self._norm[row] = np.sqrt(np.add.reduce(self._matrix[row] * self._matrix[row]))
        self._first[row] = np.nan if s.first is None else s.first
        self._last[row] = np.nan if s.last is None else s.last


def outlet_key(outlet: str) -> str:
    """Outlet names compared case- and space-insensitively."""
    return " ".join(outlet.split()).casefold()


def day_key(date: dt.date) -> str:
    return str(date.toordinal())


def day_keys(date: dt.date, window_days: int) -> list[str]:
    """The days within `window_days` of `date`: an article counts towards the
    density of each (`StoryIndex.days`)."""
    day = date.toordinal()
    return [str(d) for d in range(day - window_days, day + window_days + 1)]


def _opt(fn, a, b):
    if a is None:
        return b
    if b is None:
        return a
    return fn(a, b)


@lru_cache(maxsize=4)
def _template(num_perm: int) -> "MinHash":
    """Building a MinHash draws its permutations again; it was a third of
    assignment time. Copies of one template share the same permutations."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=1, scheme="affine32")


class _Bands:
    """MinHash LSH as `datasketch.MinHashLSH` bands it (same band ranges, so
    the same candidates; `spark.blocks.band_keys` relies on it), on the uint32
    values directly: no MinHash object per insert or query. Candidates come
    back in insertion order, so ties between twins go to the earliest."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        from datasketch import MinHashLSH

        self.hashranges = MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges
        self.tables: list[dict[bytes, list]] = [{} for _ in self.hashranges]
        self.order: dict = {}

    def insert(self, key, values: np.ndarray) -> None:
        values = np.asarray(values, np.uint32)
        self.order.setdefault(key, len(self.order))
        for (start, end), table in zip(self.hashranges, self.tables):
            table.setdefault(values[start:end].tobytes(), []).append(key)

    def query(self, values: np.ndarray) -> list:
        values = np.asarray(values, np.uint32)
        found = set()
        for (start, end), table in zip(self.hashranges, self.tables):
            found.update(table.get(values[start:end].tobytes(), ()))
        return sorted(found, key=self.order.__getitem__)


def group(articles: Sequence[Article], settings: StorySettings = StorySettings(),
          batch: int = 256) -> list[int]:
    """Story ids for articles taken in the order given (no store): the same
    online assignment `storylens ingest` performs, for experiments and tests."""
    index = StoryIndex(settings)
    for start in range(0, len(articles), batch):
        chunk = articles[start:start + batch]
        keys = [str(start + i) for i in range(len(chunk))]
        sigs = compute_signals(chunk, settings, keys)
        with one_blas_thread():
            for sig in sigs:
                index.assign(sig)
    return [index.resolve(index.article_story[str(i)]) for i in range(len(articles))]
