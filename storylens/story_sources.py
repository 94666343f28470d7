"""Story phase: the sources of a story, each counted once per independent report.

Per article, citations say whom the article got something from. Across a
story the question changes: how many independent reports rest on a source?
Two outlets that print the same wire story both cite the wire's sources, but
that is one report of them, not two. So a source's citations are grouped
across articles (one name canonicaliser: `names.same_person`), and two
citing articles are joined when a passage of shared copy (`verbatim` or
`edited`, never a shared `quotation`) holds a citation of the source in
both. Each group of joined articles is one report.

    >>> from storylens.models import Citation, Passage, Span
    >>> text = "Jane Roe of the Harbour Trust said the pier was closed."
    >>> cite = lambda a: Citation(article=a, name="Jane Roe", kind="person", start=0, end=8, text="Jane Roe")
    >>> copy = Passage(kind="edited", similarity=0.9,
    ...                spans=[Span.over("a", text, 0, len(text)), Span.over("b", text, 0, len(text))])
    >>> [(s.name, s.articles, s.reports, s.shared_copy) for s in story_sources([cite("a"), cite("b")], [copy])]
    [('Jane Roe', ['a', 'b'], 1, ['a', 'b'])]
"""

from __future__ import annotations

from collections import Counter

from scipy.cluster.hierarchy import DisjointSet

from .models import Citation, Passage, StorySource
from .names import name_words, same_actor, same_person

# Passage kinds that are copy from a common source. A `quotation` is the
# speaker's words reproduced by each outlet: citing the speaker there is
# each outlet's own report.
SHARED_COPY = ("verbatim", "edited")

# Bylines and photo credits name who made the article, not whom it got
# something from: they are kept per article but are not a story's sources.
NOT_STORY_SOURCES = ("contributor", "photo")


def _letters(name: str) -> str:
    words = [w for w in name.lower().split() if w != "the"]
    return "".join(ch for w in words for ch in w if ch.isalnum())


def names_own_outlet(name: str, outlet: str | None) -> bool:
    """'The Huffington Post' in a HuffPost article, 'Breitbart News' in
    Breitbart's: the outlet naming itself ('told The Huffington Post'). The
    short form keeps the long form's first and last four letters
    ('huffpost' / 'huffingtonpost'), which no alias list has to spell out."""
    if not outlet:
        return False
    a, b = _letters(name), _letters(outlet)
    if not a or not b:
        return False
    if a == b or same_actor(name, outlet):
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 8 and short[:4] == long_[:4] and short[-4:] == long_[-4:]


def own_outlet_as_contributor(citations: list[Citation], outlets: dict[str, str | None]) -> list[Citation]:
    """An article that names its own outlet cites no source: it is the
    maker of the article, like a byline, so it becomes a `contributor`."""
    return [c.model_copy(update={"kind": "contributor"})
            if c.kind != "contributor" and names_own_outlet(c.name, outlets.get(c.article)) else c
            for c in citations]


def _group(citations: list[Citation]) -> list[list[Citation]]:
    """Citations of one source across articles. Greedy in order of first
    appearance: `same_person` is strict (a word-run or surname of the other
    name, or 'Bill' for 'William' before one surname), so the order rarely
    matters, and a story has tens of names."""
    groups: list[list[Citation]] = []
    # Each group's distinct names, and each pair's answer: a source is cited
    # by a few names many times, and `same_person` reads only the names.
    names: list[set[str]] = []
    same: dict[tuple[str, str], bool] = {}
    # word -> the groups with a name holding it. Two names that share no word
    # are never `same_person` (one's words run inside the other's, or both
    # end in one surname), so only these groups are tried, in order.
    by_word: dict[str, set[int]] = {}

    def joins(name: str, other: str) -> bool:
        key = (name, other)
        if key not in same:
            same[key] = same_person(name, other)
        return same[key]

    for citation in citations:
        words = name_words(citation.name)
        near = sorted({k for w in words for k in by_word.get(w, ())})
        home = next((k for k in near if any(joins(citation.name, n) for n in names[k])), None)
        if home is None:
            home = len(groups)
            groups.append([])
            names.append(set())
        groups[home].append(citation)
        names[home].add(citation.name)
        for w in words:
            by_word.setdefault(w, set()).add(home)
    return groups


def _inside(citation: Citation, passage: Passage) -> bool:
    return any(s.article == citation.article and s.start <= citation.start < s.end for s in passage.spans)


def _source(group: list[Citation], copies: list[Passage], order: dict[str, int]) -> StorySource:
    articles = sorted({c.article for c in group}, key=order.__getitem__)
    joined = DisjointSet(articles)
    shared: set[int] = set()  # indexes into `group` of citations in copy another citing article shares
    for passage in copies:
        held = [i for i, c in enumerate(group) if _inside(c, passage)]
        holders = sorted({group[i].article for i in held})
        if len(holders) < 2:
            continue
        for other in holders[1:]:
            joined.merge(holders[0], other)
        shared.update(held)
    names = Counter(c.name for c in group)
    # The fullest spelling names the source ('Syrian Observatory for Human
    # Rights' over 'the Observatory'); the most used one breaks ties.
    name = max(names, key=lambda n: (len(n.split()), names[n]))
    kind = Counter(c.kind for c in group).most_common(1)[0][0]
    only_copy = [a for a in articles
                 if all(i in shared for i, c in enumerate(group) if c.article == a)]
    return StorySource(name=name, kind=kind, articles=articles, reports=len(joined.subsets()),
                       shared_copy=only_copy)


def story_sources(citations: list[Citation], passages: list[Passage]) -> list[StorySource]:
    """The story's sources, most independent reports first, then by first
    appearance. A citation inside shared copy is the wire's; an article
    that cites a source only there (`shared_copy`) adds no report of it."""
    order: dict[str, int] = {}
    for c in citations:
        order.setdefault(c.article, len(order))
    wanted = [c for c in citations if c.kind not in NOT_STORY_SOURCES]
    copies = [p for p in passages if p.kind in SHARED_COPY]
    sources = [_source(g, copies, order) for g in _group(wanted)]
    return sorted(sources, key=lambda s: (-s.reports, -len(s.articles)))  # stable: ties keep first appearance
