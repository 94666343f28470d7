"""Story assignment split into independent blocks, with the local rule's exact result.

The local rule (`storylens.stories.StoryIndex`) is sequential: each article,
in arrival order, joins the best story so far or starts one. It cannot be
spread over workers as it stands, but most of its decisions only look at a
few earlier articles:

- an article joins a story only if it is close to it: a MinHash near-duplicate
  of one of its articles (any date), or similar in vector and words within
  `window_days`;
- so if the articles are cut into *blocks*, the connected components of a
  graph whose edges join every pair that could be related (LSH band collision
  with estimated Jaccard at the near-duplicate threshold; vector and word
  similarity of at least `edge_score` within the date window), no story crosses a block and
  each block can replay the local rule on its own articles, in arrival order.

What a block cannot see by itself are the stream-wide counts the rule weighs
words and names with (document frequencies as of each arrival, and the number
of articles so far), and how dense the stream is around each date (articles so
far within the date window, which scales the day penalty). `BlockIndex` takes
them from `PrefixCounts`: for every word of the block (and every day key, see
`day_tokens`), how many earlier articles of the *whole* stream had it, which
the Spark job computes with a join. The outlet comes with each row. With those the block's decisions
are the local ones, provided the edges never leave out a pair the rule would
have joined; `edge_score` is set below any pair score at which the rule
joins, and the equality tests check the result against the local run.

Everything here is plain Python and numpy: the Spark job only moves rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, Sequence

import msgpack
import numpy as np

from ..stories import Signals, StoryIndex, StorySettings, day_keys


@dataclass(frozen=True)
class BlockSettings:
    edge_score: float = 0.2
    """Pair score (vector weight x cosine + lexical weight x TF-IDF cosine)
    from which two articles in the date window share a block. Below what an
    article needs to join a story, so blocks do not cut stories; lower means
    larger blocks, not different stories."""


# --- signals as columns ------------------------------------------------------------------

def encode_signals(sig: Signals) -> bytes:
    """Signals without loss (float32 vector: the store's float16 would change scores)."""
    return msgpack.packb({"v": np.asarray(sig.vector, "<f4").tobytes(), "n": sorted(sig.names),
                          "m": np.asarray(sig.minhash, "<u4").tobytes(), "t": sig.terms})


def decode_signals(data: bytes, *, key: str, date: dt.date | None, title: str | None = None,
                   outlet: str | None = None) -> Signals:
    raw = msgpack.unpackb(data)
    return Signals(key=key, vector=np.frombuffer(raw["v"], "<f4").copy(), names=frozenset(raw["n"]),
                   minhash=np.frombuffer(raw["m"], "<u4").copy(), terms=raw["t"], date=date,
                   title=title, outlet=outlet)


def signal_tokens(data: bytes) -> tuple[list[str], list[str]]:
    """(names, terms) of encoded signals: the words whose stream counts the rule reads."""
    raw = msgpack.unpackb(data)
    return list(raw["n"]), list(raw["t"])


def day_tokens(date: dt.date | None, settings: StorySettings) -> list[str]:
    """The day keys an article counts towards (`StoryIndex.days`): postings of
    kind 'd', beside names ('n') and terms ('t')."""
    return day_keys(date, settings.window_days) if date is not None else []


def signal_vector(data: bytes) -> np.ndarray:
    return np.frombuffer(msgpack.unpackb(data)["v"], "<f4")


def band_keys(data: bytes, settings: StorySettings) -> list[int]:
    """One key per LSH band, as `MinHashLSH` hashes them: two articles share a
    key exactly when the local index would return one for the other."""
    from datasketch import MinHashLSH

    values = np.frombuffer(msgpack.unpackb(data)["m"], "<u4").astype(np.uint64)
    ranges = MinHashLSH(threshold=settings.near_duplicate, num_perm=settings.num_perm).hashranges
    keys = []
    for band, (start, end) in enumerate(ranges):
        digest = hashlib.blake2b(values[start:end].tobytes(), digest_size=7).digest()
        keys.append(band << 56 | int.from_bytes(digest, "big"))
    return keys


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard of two encoded signals, as `StoryIndex` computes it."""
    ma = np.frombuffer(msgpack.unpackb(a)["m"], "<u4")
    mb = np.frombuffer(msgpack.unpackb(b)["m"], "<u4")
    return float(np.mean(ma == mb))


def signal_terms(data: bytes) -> dict[str, float]:
    return msgpack.unpackb(data)["t"]


def similar_pairs(left: Sequence[tuple[int, bytes]], right: Sequence[tuple[int, bytes]],
                  settings: StorySettings, block: "BlockSettings",
                  ordered: bool = True) -> list[tuple[int, int]]:
    """(seq, seq) pairs that could be related: their pair score (the rule's
    vector and word terms, the words weighted by rarity among the articles at
    hand) reaches `block.edge_score`. With `ordered`, only pairs whose left
    seq is the smaller (each pair once when both sides hold everyone);
    otherwise every pair of two articles, as (smaller, larger)."""
    if not left or not right:
        return []
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.preprocessing import normalize

    a = np.vstack([signal_vector(d) for _, d in left])
    b = np.vstack([signal_vector(d) for _, d in right])
    sa = np.array([s for s, _ in left])
    sb = np.array([s for s, _ in right])
    terms = DictVectorizer().fit([signal_terms(d) for _, d in left + right])
    ta = terms.transform([signal_terms(d) for _, d in left])
    tb = terms.transform([signal_terms(d) for _, d in right])
    df = np.asarray((tb > 0).sum(axis=0)).ravel()
    idf = np.log((len(right) + 2) / (df + 1)) + 1
    ta = normalize(ta.multiply(idf).tocsr())
    tb = normalize(tb.multiply(idf).tocsr())
    score = settings.vector_weight * (a @ b.T) + settings.lexical_weight * (ta @ tb.T).toarray()
    order = (sa[:, None] < sb[None, :]) if ordered else (sa[:, None] != sb[None, :])
    i, j = np.nonzero((score >= block.edge_score) & order)
    if ordered:
        return list(zip(sa[i].tolist(), sb[j].tolist()))
    return sorted({(min(x, y), max(x, y)) for x, y in zip(sa[i].tolist(), sb[j].tolist())})


# --- the rule inside a block ------------------------------------------------------------------

class PrefixCounts:
    """Stream-wide document frequencies as of a position, for the words of one block.

    `table[word] = (base, seqs)`: `base` earlier articles had the word before the
    block's first article; `seqs` are the sorted positions of the articles from
    there to the block's last one that had it (in any block). `get` answers
    what `Counter.get` answers in the local index at position `cut`.
    """

    def __init__(self, table: dict[str, tuple[int, list[int]]]) -> None:
        self.table = table
        self.cut = 0

    def get(self, word: str, default: int = 0) -> int:
        entry = self.table.get(word)
        if entry is None:
            return default
        base, seqs = entry
        return base + bisect_left(seqs, self.cut)

    def update(self, _words: Iterable[str]) -> None:
        """The counts are the stream's, known in advance: nothing to add."""


class BlockIndex(StoryIndex):
    """`StoryIndex` over one block's articles, reading stream-wide counts.

    The local index counts articles and word frequencies itself as they
    arrive; here they are set from the stream position before each article,
    and moved past it once it is added (the merge step that follows sees it).
    """

    def __init__(self, settings: StorySettings, names: PrefixCounts, terms: PrefixCounts,
                 days: PrefixCounts | None = None) -> None:
        super().__init__(settings)
        self.df, self.tdf = names, terms
        self.days = days if days is not None else PrefixCounts({})

    def assign_at(self, sig: Signals, seq: int):
        self.articles = seq
        self.df.cut = self.tdf.cut = self.days.cut = seq
        return self.assign(sig)

    def add(self, sig: Signals, story: int, title: str | None = None) -> None:
        super().add(sig, story, title)
        self.df.cut = self.tdf.cut = self.days.cut = self.articles


def assign_block(rows: Sequence[dict], names: dict[str, tuple[int, list[int]]],
                 terms: dict[str, tuple[int, list[int]]], settings: StorySettings,
                 days: dict[str, tuple[int, list[int]]] | None = None) -> list[dict]:
    """Replay the local rule over one block.

    `rows`: dicts with `seq`, `article_id`, `date`, `title`, `outlet` (may be
    absent: no outlet), `signals`, in any order (sorted here by `seq`, the
    stream position). `names`, `terms`, `days`: `PrefixCounts` tables of the
    block's names, terms and day keys. Returns one dict per
    article: `created` (it started a story), `story_seq` (the position of the
    article that started its final story, which makes story ids global),
    `reason`, `score`.
    """
    rows = sorted(rows, key=lambda r: r["seq"])
    index = BlockIndex(settings, PrefixCounts(names), PrefixCounts(terms), PrefixCounts(days or {}))
    creator: dict[int, int] = {}          # block-local story id -> seq that created it
    decided = []
    for row in rows:
        seq = int(row["seq"])
        sig = decode_signals(row["signals"], key=str(seq), date=row["date"], title=row["title"],
                             outlet=row.get("outlet"))
        decision = index.assign_at(sig, seq)
        if decision.new:
            creator[decision.story] = seq
        decided.append((row, seq, decision))
    out = []
    for row, seq, decision in decided:
        story = index.resolve(index.article_story[str(seq)])
        out.append({"seq": seq, "article_id": row["article_id"], "created": decision.new,
                    "story_seq": creator[story], "reason": decision.reason,
                    "score": float(decision.score)})
    return out


def components(edges: Iterable[tuple[int, int]], vertices: Iterable[int]) -> dict[int, int]:
    """Vertex -> smallest vertex of its connected component (union-find)."""
    parent = {v: v for v in vertices}

    def find(v: int) -> int:
        root = v
        while parent[root] != root:
            root = parent[root]
        while parent[v] != root:
            parent[v], v = root, parent[v]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {v: find(v) for v in parent}
