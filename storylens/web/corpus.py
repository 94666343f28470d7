"""What the web app reads: stories, their comparisons, outlet profiles.

`Corpus` is the narrow interface the pages need; `StoreCorpus` (in
`storylens.web.store_corpus`) implements it over the corpus store and
`MemoryCorpus` over a list of articles held in memory (Compare now results,
tests). `Catalogue` sits on top of either: it keeps the story rows and a
word index for search in memory, and caches comparisons and their view
models, all keyed by the corpus revision so an ingest invalidates them.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..models import Article, Comparison
from ..pipeline import analyze_articles, assign_ids, compare_features
from ..view import ComparisonView, build_view


@dataclass(frozen=True)
class StoryRow:
    """One line of the stories list."""

    id: str
    title: str
    first: dt.date | None
    last: dt.date | None
    outlets: tuple[str, ...]
    size: int  # articles

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "first": self.first and self.first.isoformat(),
                "last": self.last and self.last.isoformat(), "outlets": list(self.outlets), "size": self.size}


class Corpus:
    """The store, as the web app sees it."""

    read_only: bool = True

    def revision(self) -> str:
        """Changes whenever stories or articles change."""
        raise NotImplementedError

    def story_rows(self) -> list[StoryRow]:
        raise NotImplementedError

    def story_articles(self, story_id: str) -> list[Article]:
        raise NotImplementedError

    def compare_story(self, story_id: str) -> Comparison:
        """The comparison of a story's articles (the store may keep it)."""
        raise NotImplementedError

    def ingest(self, articles: Sequence[Article]) -> list[str]:
        """Store articles; the ids of the stories they went to."""
        raise PermissionError("this corpus is read-only")


class MemoryCorpus(Corpus):
    """Articles grouped into stories by the caller, held in memory."""

    def __init__(self, stories: dict[str, Sequence[Article]] | None = None, *, read_only: bool = True) -> None:
        self.read_only = read_only
        self._stories: dict[str, list[Article]] = {}
        self._rev = 0
        self._lock = threading.Lock()
        for sid, articles in (stories or {}).items():
            self._stories[str(sid)] = assign_ids(list(articles))

    def revision(self) -> str:
        return str(self._rev)

    def story_rows(self) -> list[StoryRow]:
        return [row_of(sid, arts) for sid, arts in self._stories.items()]

    def story_articles(self, story_id: str) -> list[Article]:
        return list(self._stories[story_id])

    def compare_story(self, story_id: str) -> Comparison:
        return compare_features(list(analyze_articles(self._stories[story_id])))

    def ingest(self, articles: Sequence[Article]) -> list[str]:
        if self.read_only:
            raise PermissionError("this corpus is read-only")
        with self._lock:
            sid = str(len(self._stories) + 1)
            self._stories[sid] = assign_ids(list(articles))
            self._rev += 1
        return [sid]


def row_of(story_id: str, articles: Sequence[Article], title: str | None = None) -> StoryRow:
    dates = sorted(a.date for a in articles if a.date)
    outlets = tuple(dict.fromkeys(a.outlet or "?" for a in articles))
    title = title or next((a.title for a in articles if a.title), None) or "(untitled)"
    return StoryRow(str(story_id), title, dates[0] if dates else None, dates[-1] if dates else None,
                    outlets, len(articles))


# ---------------------------------------------------------------- catalogue

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text or "")}


@dataclass
class StoryEntry:
    row: StoryRow
    words: frozenset[str]
    outlets_cf: frozenset[str]


@dataclass
class OutletProfile:
    name: str
    stories: list[StoryRow]
    compared: int  # stories shared with another outlet whose comparisons the figures come from
    terms: list[dict] = field(default_factory=list)         # [{actor, mine: [{term, count, width}], others: [...]}]
    wire_share: float | None = None                           # share of its text in verbatim or edited shared passages
    number_facts: int = 0                                     # figures it reports that another outlet also reports
    figure_conflicts: int = 0                                 # ... of which conflict
    quotes: dict[str, int] = field(default_factory=dict)      # speaker -> quotes, top 10
    sources: dict[str, int] = field(default_factory=dict)     # source -> citations, top 10
    contradicted: list[dict] = field(default_factory=list)   # its figures another outlet contradicts, with links
    unique: list[dict] = field(default_factory=list)         # facts only it reports, with links

    def to_dict(self) -> dict:
        return {"name": self.name, "stories": [s.to_dict() for s in self.stories],
                "compared_stories": self.compared, "preferred_terms": self.terms, "wire_share": self.wire_share,
                "number_facts": self.number_facts, "figure_conflicts": self.figure_conflicts,
                "quotes": self.quotes, "sources": self.sources,
                "contradicted": self.contradicted, "unique_facts": self.unique}


class Catalogue:
    """Stories, search and cached comparisons over a `Corpus`."""

    def __init__(self, corpus: Corpus, *, cache_size: int = 512, profile_stories: int = 200) -> None:
        self.corpus = corpus
        self.cache_size = cache_size
        self.profile_stories = profile_stories  # an outlet profile uses at most this many (newest) stories
        self._lock = threading.RLock()
        self._rev: str | None = None
        self._entries: list[StoryEntry] = []
        self._by_id: dict[str, StoryEntry] = {}
        self._outlets: Counter = Counter()
        self._views: OrderedDict[str, ComparisonView] = OrderedDict()
        self._computing: dict[str, threading.Lock] = defaultdict(threading.Lock)

    # -- rows and search

    def _refresh(self) -> None:
        rev = self.corpus.revision()
        if rev == self._rev:
            return
        with self._lock:
            if rev == self._rev:
                return
            entries = []
            outlets: Counter = Counter()
            for row in self.corpus.story_rows():
                text = " ".join([row.title, *row.outlets])
                entries.append(StoryEntry(row, frozenset(words(text)), frozenset(o.casefold() for o in row.outlets)))
                outlets.update(row.outlets)
            entries.sort(key=lambda e: (e.row.last or dt.date.min, e.row.id), reverse=True)
            self._entries, self._by_id, self._outlets = entries, {e.row.id: e for e in entries}, outlets
            self._views.clear()
            self._rev = rev

    def revision(self) -> str:
        self._refresh()
        return self._rev or ""

    def stories(self, *, q: str = "", outlet: str = "", since: dt.date | None = None,
                until: dt.date | None = None, min_size: int = 1, limit: int = 50,
                offset: int = 0) -> tuple[list[StoryRow], int]:
        """Newest first; every word of `q` must appear in the title or an
        outlet name (as a word prefix); `outlet` is an exact outlet name;
        `since`/`until` keep stories with an article dated in the range;
        `min_size` drops stories with fewer articles."""
        self._refresh()
        wanted = sorted(words(q))
        outlet_cf = outlet.casefold().strip()
        out = []
        for entry in self._entries:
            row = entry.row
            if row.size < min_size:
                continue
            if outlet_cf and outlet_cf not in entry.outlets_cf:
                continue
            if since and not (row.last and row.last >= since):
                continue
            if until and not (row.first and row.first <= until):
                continue
            if wanted and not all(w in entry.words or any(x.startswith(w) for x in entry.words) for w in wanted):
                continue
            out.append(row)
        return out[offset:offset + limit], len(out)

    def story(self, story_id: str) -> StoryRow | None:
        self._refresh()
        entry = self._by_id.get(story_id)
        return entry.row if entry else None

    def outlets(self) -> list[tuple[str, int]]:
        """(outlet, number of stories), most stories first."""
        self._refresh()
        return sorted(self._outlets.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    # -- comparisons

    def view(self, story_id: str) -> ComparisonView:
        """The story's comparison as a view model with stable keys, cached."""
        self._refresh()
        with self._lock:
            cached = self._views.get(story_id)
            if cached is not None:
                self._views.move_to_end(story_id)
                return cached
        with self._computing[story_id]:  # one computation per story at a time
            with self._lock:
                cached = self._views.get(story_id)
            if cached is None:
                cached = build_view(self.corpus.compare_story(story_id), stable_ids=True)
            with self._lock:
                self._views[story_id] = cached
                self._views.move_to_end(story_id)
                while len(self._views) > self.cache_size:
                    self._views.popitem(last=False)
        return cached

    def cached_view(self, story_id: str) -> ComparisonView | None:
        with self._lock:
            return self._views.get(story_id)

    # -- outlets

    def outlet(self, name: str) -> OutletProfile | None:
        """The outlet's profile from `storylens.outlets.profiles_from` (what
        `storylens outlets` prints) over its newest stories shared with
        another outlet, plus the contradicted figures and unique facts as
        links to the findings."""
        from ..outlets import profiles_from

        self._refresh()
        if name not in self._outlets:
            return None
        rows, _ = self.stories(outlet=name, limit=10 ** 9)
        shared = [r for r in rows if len(r.outlets) >= 2][: self.profile_stories]
        pairs, contradicted, unique = [], [], []
        for row in shared:
            view = self.view(row.id)
            pairs.append(({"id": row.id, "title": row.title}, view.comparison))
            mine = {a.id for a in view.articles if (a.outlet or a.id) == name}
            for entry in view.facts:
                fact = entry.fact
                claims = [c for c in fact.claims if c.article in mine]
                if not claims:
                    continue
                item = {"story": row.id, "story_title": row.title, "what": fact.what, "id": entry.key,
                        "link": f"/stories/{row.id}#{entry.key}"}
                if fact.status == "conflict" and fact.kind == "number":
                    contradicted.append({**item, "mine": claims[0].text, "others": [
                        f"{view.labels.get(c.article, c.article)}: {c.text}" for c in fact.claims if c.article not in mine]})
                elif fact.status == "unique" and len({c.article for c in fact.claims}) == 1:
                    unique.append({**item, "text": claims[0].text})
        base = next((p for p in profiles_from(pairs) if p.outlet == name), None)
        return OutletProfile(name=name, stories=rows, compared=len(shared),
                             terms=_term_chart(base.terms, base.others_terms) if base else [],
                             wire_share=base.wire_share if base else None,
                             number_facts=base.number_facts if base else 0,
                             figure_conflicts=base.figure_conflicts if base else 0,
                             quotes=dict(list(base.quotes.items())[:10]) if base else {},
                             sources=dict(list(base.sources.items())[:10]) if base else {},
                             contradicted=contradicted, unique=unique)


def _term_chart(mine: dict[str, dict[str, int]], others: dict[str, dict[str, int]], actors: int = 8,
                per_side: int = 4) -> list[dict]:
    """Per actor (most mentioned first): the terms this outlet uses where the
    other outlets in the same stories use different ones, and theirs, each
    with its count and its bar's length relative to the actor's largest."""
    out = []
    for actor, own in sorted(mine.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:actors]:
        theirs = others.get(actor, {})
        top_own = sorted(own.items(), key=lambda kv: (-kv[1], kv[0]))[:per_side]
        top_theirs = sorted(theirs.items(), key=lambda kv: (-kv[1], kv[0]))[:per_side]
        largest = max([n for _, n in top_own + top_theirs] + [1])
        out.append({"actor": actor, "mine": [{"term": t, "count": n, "width": n / largest} for t, n in top_own],
                    "others": [{"term": t, "count": n, "width": n / largest} for t, n in top_theirs]})
    return out
