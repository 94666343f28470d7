"""The view model: a `Comparison` arranged for reading, built once and shared
by every renderer (text, Markdown, HTML) and by the web app.

`build_view` makes every ordering decision in one place (conflicts before
agreements before unique facts, shared quotes first, substitutions framing
first and most frequent first...), gives each article a label and a key,
gives each finding a display number (`f1`, `p2`, `e2-1`, `q1`, `c3`) and a
`key` to link it by, and lists the `Mark`s that highlight findings in each
article's text. A reader who switches format finds things in the same place.

Two kinds of key:

- `stable_ids=False` (the self-contained report): the key is the display
  number, short and readable in the page's URL fragment;
- `stable_ids=True` (the web app): the key is the finding's stable id
  (`Fact.id`, `Passage.id`, `Quote.id`, and ids derived the same way for
  edits and citations), so `/stories/12#f-3a45ae98b7` keeps pointing at the
  same fact however the list is ordered or renumbered.

Nothing here escapes text: that is each renderer's job, except `highlight`,
which builds HTML from `markupsafe.escape`d pieces.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Union

from markupsafe import Markup, escape
from rich.cells import cell_len

from .framing import bare_phrase
from .ids import finding_id
from .models import ActorDescriptor, ActorFraming, Article, Citation, Comparison, Edit, Fact, Passage, Quote, StorySource
from .sanitize import clean_body, clean_comparison

__all__ = [
    "ComparisonView", "FactEntry", "PassageEntry", "EditEntry", "QuoteEntry", "CitationEntry", "ActorEntry",
    "SubstitutionRow", "Mark", "build_view", "finding_marks", "segments", "highlight",
    "article_labels", "article_keys", "shared_source_line", "short_labels", "edit_label", "edit_chips", "grouped_edits", "descriptor_list", "EMPTY", "ACTORS_NOTE",
]

STATUS_ORDER = {"conflict": 0, "agree": 1, "unique": 2}

EMPTY = {
    "facts": "No facts: nothing comparable was found in these articles.",
    "passages": "No reused passages: these articles share no text.",
    "substitutions": "No substitutions: no shared passage changes a word.",
    "terms": "No terms: the outlets do not differ in the contested terms of the lexicon.",
    "actors": "No actors described differently: where several outlets describe someone, they use the same "
              "or neutral words.",
    "quotes": "No quotes: none of these articles quotes anyone.",
    "sources": "No sources: none of these articles names a source.",
}

ACTORS_NOTE = ("How each outlet names and describes the same actor. * marks a wording not every other outlet "
               "uses for that actor (offices, party and places aside); 'named only': the outlet names the actor "
               "without describing it.")


# ---------------------------------------------------------------- entries


@dataclass(frozen=True)
class FactEntry:
    number: str  # "f3": shown to the reader
    key: str     # what links the fact's panel item and its spans (number or stable id)
    fact: Fact


@dataclass(frozen=True)
class EditEntry:
    number: str  # "e2-1": edit 1 of passage p2
    key: str
    edit: Edit


@dataclass(frozen=True)
class PassageEntry:
    number: str
    key: str
    passage: Passage
    edits: tuple[EditEntry, ...]


@dataclass(frozen=True)
class QuoteEntry:
    number: str
    key: str
    quote: Quote
    shared: bool
    speakers: dict[str, str]  # article id -> speaker(s) that article names


@dataclass(frozen=True)
class CitationEntry:
    number: str
    key: str
    citation: Citation


@dataclass(frozen=True)
class ActorEntry:
    """One actor the outlets describe in different words, with each
    article's descriptors (an article that describes it in none names it only)."""

    number: str  # "a2"
    key: str
    row: ActorFraming
    cells: dict[str, list[ActorDescriptor]]  # article id -> its descriptors, wordings only it uses first


@dataclass
class SubstitutionRow:
    from_: str
    to: str
    pairs: list[tuple[str, str]]
    count: int
    category: str
    edit_ids: list[str] = field(default_factory=list)  # keys of the edits that make this change


@dataclass(frozen=True)
class Mark:
    """One finding's span in one article, as the HTML highlights it."""

    start: int
    end: int
    finding: str
    classes: tuple[str, ...]
    title: str


@dataclass
class ComparisonView:
    """Everything a renderer shows, in the order it shows it."""

    comparison: Comparison
    title: str
    summary_parts: list[str]
    labels: dict[str, str]  # article id -> outlet, or "outlet (id)" when outlets repeat
    keys: dict[str, str]    # article id -> compact key (the id if short, else A, B, C…)
    facts: list[FactEntry]
    passages: list[PassageEntry]
    quotes: list[QuoteEntry]
    citations: list[CitationEntry]
    substitutions: list[SubstitutionRow]
    terms: dict[str, dict[str, list[tuple[str, int]]]]  # actor -> article id -> [(term, count)]
    actors: list[ActorEntry]                             # actors and groups described in different words
    sources: dict[str, list[str]]                        # article id -> source names
    citation_ids: dict[tuple[str, str], list[str]]       # (article id, source name) -> citation keys
    shared_sources: list[StorySource]                    # sources cited by two or more articles
    marks: dict[str, list[Mark]]                         # article id -> highlighted spans
    finding_titles: dict[str, str]                       # key -> one line describing the finding
    stable_ids: bool = False

    @property
    def articles(self) -> list[Article]:
        return self.comparison.articles

    @property
    def summary(self) -> str:
        return " · ".join(self.summary_parts)

    def counts(self) -> dict[str, int]:
        """Numbers for lists and APIs: facts by status, passages, quotes."""
        statuses = [e.fact.status for e in self.facts]
        return {"conflicts": statuses.count("conflict"), "agreements": statuses.count("agree"),
                "unique": statuses.count("unique"), "passages": len(self.passages),
                "substitutions": len(self.substitutions), "quotes": len(self.quotes)}

    def body(self, article_id: str) -> Markup:
        return highlight(self.comparison.article(article_id).text, self.marks.get(article_id, []))

    def key_of(self, any_id: str) -> str | None:
        """The key of a finding named by its display number or its key."""
        if any_id in self.finding_titles:
            return any_id
        for entry in self._all_entries():
            if entry.number == any_id:
                return entry.key
        return None

    def _all_entries(self):
        yield from self.facts
        for p in self.passages:
            yield p
            yield from p.edits
        yield from self.quotes
        yield from self.citations
        yield from self.actors


# ---------------------------------------------------------------- helpers


def article_labels(comparison: Comparison) -> dict[str, str]:
    """Human names for articles: the outlet, or the id when two articles come
    from the same outlet (or have none)."""
    outlets = [a.outlet or a.id or "?" for a in comparison.articles]
    labels = {}
    for article, outlet in zip(comparison.articles, outlets):
        labels[article.id] = outlet if outlets.count(outlet) == 1 else f"{outlet} ({article.id})"
    return labels


def article_keys(comparison: Comparison) -> dict[str, str]:
    """Compact keys for table cells: the ids when they are short, else A, B, C…
    (ids derived from file names are too long for an 80-column table)."""
    ids = [a.id or "" for a in comparison.articles]
    if all(0 < len(i) <= 6 for i in ids):
        return {i: i for i in ids}
    return {i: _letter(n) for n, i in enumerate(ids)}


def _letter(n: int) -> str:
    return chr(ord("A") + n) if n < 26 else f"A{n}"


def short_labels(view: ComparisonView, limit: int = 20) -> dict[str, str]:
    """Labels for narrow label columns: past `limit` cells the key (which the
    header pairs with the outlet) reads better than a truncated name."""
    return {i: label if cell_len(label) <= limit else view.keys[i] for i, label in view.labels.items()}


def word_count(article: Article) -> int:
    return len(article.text.split())


def is_shared(quote: Quote) -> bool:
    return len({m.article for m in quote.mentions}) > 1


def quote_speakers(quote: Quote) -> dict[str, str]:
    """article id -> speaker(s) that article names for the quote."""
    speakers: dict[str, list[str]] = defaultdict(list)
    for mention in quote.mentions:
        if mention.speaker not in speakers[mention.article]:
            speakers[mention.article].append(mention.speaker)
    return {article: ", ".join(names) for article, names in speakers.items()}


def term_list(terms: list[tuple[str, int]]) -> str:
    return ", ".join(f"{term} ×{count}" for term, count in terms) or "—"


def descriptor_list(descriptors: list[ActorDescriptor], mark: str = "*") -> str:
    """'outspoken critic of the president* ×1; Fox News host ×1': `mark` after
    a wording not every other outlet uses for the actor; a name alone reads
    'named only: Beck ×3'."""
    parts = []
    for d in descriptors:
        if d.kind == "name":
            parts.append(f"named only: {d.text} ×{d.count}")
        else:
            parts.append(f"{d.text}{mark if d.differs else ''} ×{d.count}")
    return "; ".join(parts) or "—"


def edit_label(edit) -> str:
    if not edit.to.text:
        return f"{edit.from_.text} (dropped)"
    if not edit.from_.text:
        return f"(added) {edit.to.text}"
    return f"{edit.from_.text} → {edit.to.text}"


def edit_chips(entry: PassageEntry) -> list[tuple[str, str, list[str]]]:
    """`(label, category, edit keys)` per distinct change of a passage, for the
    HTML panel: one chip for a change made alike in several pairs, which
    lights up every pair's spans (as `grouped_edits` lists it once in text)."""
    keys: dict[tuple[str, str], list[str]] = {}
    for e in entry.edits:
        keys.setdefault((edit_label(e.edit), e.edit.category), []).append(e.key)
    return [(label, category, found) for (label, category), found in keys.items()]


def grouped_edits(passage, keys: dict[str, str]) -> list[str]:
    """A passage's edits as text labels, each change once: between three or
    more articles one change is often made alike by several outlets ('11 March
    → Tuesday' in b and in c), and listing it per pair reads as a repetition.
    Where the passage spans more than two articles each label names its pairs."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for edit in passage.edits:
        pair = f"{keys.get(edit.from_.article, edit.from_.article)}→{keys.get(edit.to.article, edit.to.article)}"
        pairs.setdefault((edit_label(edit), edit.category), []).append(pair)
    many = len({span.article for span in passage.spans}) > 2
    return [f"{label} [{category}{'; ' + ', '.join(dict.fromkeys(found)) if many else ''}]"
            for (label, category), found in pairs.items()]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters, cut after a whole word
    where one ends in the second half (a cut word reads as a misspelling)."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def title_line(comparison: Comparison) -> str:
    return f"storylens: {len(comparison.articles)} reports of one event"


# ---------------------------------------------------------------- building


def build_view(comparison: Comparison, *, stable_ids: bool = False) -> ComparisonView:
    """Arrange `comparison` for reading; see the module docstring for `stable_ids`.
    Every renderer starts here, so this is where article text loses control
    characters and bidirectional overrides (`sanitize.clean_comparison`)."""
    comparison = clean_comparison(comparison)  # no escape sequence reaches a terminal or a page
    keyer = _Keyer(stable_ids)
    facts = _facts(comparison, keyer)
    passages = _passages(comparison, keyer)
    quotes = _quotes(comparison, keyer)
    citations = [CitationEntry(f"c{n}", keyer(f"c{n}", finding_id("c", c.kind, [(c.article, c.start, c.end)])), c)
                 for n, c in enumerate(comparison.citations, 1)]
    substitutions = _substitution_rows(comparison, passages)
    sources = _sources_by_article(comparison)
    citation_ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in citations:
        citation_ids[(entry.citation.article, entry.citation.name)].append(entry.key)
    view = ComparisonView(
        comparison=comparison, title=title_line(comparison), summary_parts=[],
        labels=article_labels(comparison), keys=article_keys(comparison),
        facts=facts, passages=passages, quotes=quotes, citations=citations,
        substitutions=substitutions, terms=_terms_by_actor(comparison), actors=_actors(comparison, keyer),
        sources=sources,
        citation_ids=dict(citation_ids), shared_sources=[s for s in comparison.story_sources if len(s.articles) > 1], marks={}, finding_titles={}, stable_ids=stable_ids)
    view.summary_parts = _summary_parts(view)
    view.marks = _marks(view)
    view.finding_titles = _finding_titles(view)
    return view


class _Keyer:
    """Keys for findings: display numbers, or stable ids kept unique (a
    hand-built finding may have no id, two may share one)."""

    def __init__(self, stable: bool) -> None:
        self.stable = stable
        self.taken: set[str] = set()

    def __call__(self, number: str, stable_id: str | None) -> str:
        if not self.stable or not stable_id:
            key = number
        else:
            key, n = stable_id, 2
            while key in self.taken:
                key, n = f"{stable_id}-{n}", n + 1
        self.taken.add(key)
        return key


def _facts(comparison: Comparison, keyer: _Keyer) -> list[FactEntry]:
    """Conflicts, then agreements, then unique facts grouped by the article
    that alone reports them; numbers follow the comparison's own order."""
    order = {a.id: n for n, a in enumerate(comparison.articles)}
    entries = [FactEntry(f"f{n}", keyer(f"f{n}", fact.id), fact) for n, fact in enumerate(comparison.facts, 1)]
    return sorted(entries, key=lambda e: (
        STATUS_ORDER[e.fact.status],
        order.get(e.fact.claims[0].article, 0) if e.fact.status == "unique" and e.fact.claims else 0))


def _passages(comparison: Comparison, keyer: _Keyer) -> list[PassageEntry]:
    entries = []
    for n, passage in enumerate(comparison.passages, 1):
        key = keyer(f"p{n}", passage.id)
        edits = tuple(EditEntry(f"e{n}-{m}", keyer(f"e{n}-{m}", passage.id and f"{key}-e{m}"), edit)
                      for m, edit in enumerate(passage.edits, 1))
        entries.append(PassageEntry(f"p{n}", key, passage, edits))
    return entries


def _quotes(comparison: Comparison, keyer: _Keyer) -> list[QuoteEntry]:
    """Quotes that appear in more than one article come first."""
    entries = [QuoteEntry(f"q{n}", keyer(f"q{n}", q.id), q, is_shared(q), quote_speakers(q))
               for n, q in enumerate(comparison.quotes, 1)]
    return sorted(entries, key=lambda e: not e.shared)


def _substitution_rows(comparison: Comparison, passages: list[PassageEntry]) -> list[SubstitutionRow]:
    """One row per distinct word change, whichever article pairs made it;
    framing first, then spelling, then other, most frequent first (the order
    of `Comparison.substitutions`). `edit_ids` link a row to its edits."""
    rows: dict[tuple[str, str, str], SubstitutionRow] = {}
    for sub in comparison.substitutions:
        key = (sub.from_.casefold(), sub.to.casefold(), sub.category)
        row = rows.setdefault(key, SubstitutionRow(sub.from_, sub.to, [], 0, sub.category))
        row.count += sub.count
        if (sub.from_article, sub.to_article) not in row.pairs:
            row.pairs.append((sub.from_article, sub.to_article))
    for entry in passages:
        for edit in entry.edits:
            e = edit.edit
            key = (bare_phrase(e.from_.text).casefold(), bare_phrase(e.to.text).casefold(), e.category)
            if key in rows:
                rows[key].edit_ids.append(edit.key)
    order = {"framing": 0, "spelling": 1, "other": 2}
    return sorted(rows.values(), key=lambda r: (order.get(r.category, 3), -r.count))


def _actors(comparison: Comparison, keyer: _Keyer) -> list[ActorEntry]:
    entries = []
    for n, row in enumerate(comparison.actors, 1):
        cells: dict[str, list[ActorDescriptor]] = defaultdict(list)
        for d in row.descriptors:
            cells[d.article].append(d)
        for article in cells:
            cells[article].sort(key=lambda d: (not d.differs, -d.count))
        entries.append(ActorEntry(f"a{n}", keyer(f"a{n}", row.id), row, dict(cells)))
    return entries


def _terms_by_actor(comparison: Comparison) -> dict[str, dict[str, list[tuple[str, int]]]]:
    table: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(dict)
    for article_id, actors in comparison.terms.items():
        for actor, terms in actors.items():
            table[actor][article_id] = sorted(terms.items(), key=lambda t: (-t[1], t[0]))
    return dict(table)


def _sources_by_article(comparison: Comparison) -> dict[str, list[str]]:
    if comparison.sources:
        return comparison.sources
    names: dict[str, list[str]] = defaultdict(list)
    for citation in comparison.citations:
        if citation.name not in names[citation.article]:
            names[citation.article].append(citation.name)
    return dict(names)


def shared_source_line(source: StorySource, labels: dict[str, str]) -> str:
    """'Yasser al-Yousri: cited by A, B; 1 independent report (B only in shared wire copy)'."""
    line = (f"{source.name}: cited by {', '.join(labels.get(a, a) for a in source.articles)}; "
            f"{plural(source.reports, 'independent report')}")
    if source.shared_copy:
        line += f" ({', '.join(labels.get(a, a) for a in source.shared_copy)} only in shared wire copy)"
    return line


def _passage_counts(comparison: Comparison) -> str:
    kinds = [p.kind for p in comparison.passages]
    parts = [f"{kinds.count(k)} {k}" for k in ("verbatim", "edited", "quotation", "paraphrase") if k in kinds]
    return f" ({', '.join(parts)})" if parts else ""


def _reuse_part(view: "ComparisonView") -> str:
    """Each article's share of narrative text in verbatim/edited passages."""
    comparison = view.comparison
    shares = ", ".join(f"{view.keys.get(a.id, a.id)} {comparison.reuse.get(a.id, 0.0):.0%}"
                       for a in comparison.articles)
    return f"narrative reused: {shares}"


def _summary_parts(view: ComparisonView) -> list[str]:
    comparison = view.comparison
    facts = [f.status for f in comparison.facts]
    fact_parts = ", ".join(f"{facts.count(s)} {s}" for s in ("conflict", "agree", "unique") if s in facts)
    shared = sum(e.shared for e in view.quotes)
    n_sources = len({name for names in view.sources.values() for name in names})
    return [
        plural(len(comparison.facts), "fact") + (f" ({fact_parts})" if fact_parts else ""),
        plural(len(comparison.passages), "shared passage") + _passage_counts(comparison),
        *([_reuse_part(view)] if comparison.reuse else []),
        plural(len(view.substitutions), "substitution"),
        plural(len(comparison.quotes), "quote") + (f" ({shared} shared)" if shared else ""),
        plural(n_sources, "source"),
    ]


def _marks(view: ComparisonView) -> dict[str, list[Mark]]:
    """article id -> every highlighted span in it, with the finding's key."""
    marks: dict[str, list[Mark]] = defaultdict(list)

    def add(span, key, classes, title):
        marks[span.article].append(Mark(span.start, span.end, key, classes, title))

    for entry in view.passages:
        passage = entry.passage
        for span in passage.spans:
            add(span, entry.key, ("p", f"p-{passage.kind}"),
                f"{passage.kind} passage {entry.number} (similarity {passage.similarity:.2f})")
        for edit in entry.edits:
            title = f"{edit_label(edit.edit)} ({edit.edit.category})"
            for span in (edit.edit.from_, edit.edit.to):
                add(span, edit.key, ("e", f"e-{edit.edit.category}"), title)
    for entry in view.quotes:
        for mention in entry.quote.mentions:
            add(mention, entry.key, ("q",), f"quote {entry.number}, speaker: {mention.speaker}")
    for entry in view.citations:
        c = entry.citation
        marks[c.article].append(Mark(c.start, c.end, entry.key, ("c",), f"source: {c.name} ({c.kind})"))
    for entry in view.facts:
        fact = entry.fact
        for claim in fact.claims:
            value = f" = {claim.value}" if claim.value else ""
            add(claim, entry.key, ("f", f"f-{fact.status}"), f"{fact.status}: {fact.what}{value}")
    for entry in view.actors:
        for d in entry.row.descriptors:
            if d.kind == "name":
                continue
            for span in d.spans:
                add(span, entry.key, ("a",) + (("a-differs",) if d.differs else ()),
                    f"{entry.row.actor}: {d.kind} “{d.text}”")
    return dict(marks)


def _finding_titles(view: ComparisonView) -> dict[str, str]:
    """key -> one line describing the whole finding (a mark's title only
    describes its own span). With stable keys the line starts with the
    display number, which the reader sees in the panel."""
    titles = {}

    def put(entry, text):
        titles[entry.key] = f"{entry.number} · {text}" if view.stable_ids else text

    for entry in view.passages:
        put(entry, f"{entry.passage.kind} passage, similarity {entry.passage.similarity:.2f}")
        for edit in entry.edits:
            put(edit, f"{edit_label(edit.edit)} ({edit.edit.category})")
    for entry in view.quotes:
        put(entry, f"quote “{shorten(entry.quote.text, 80)}” ({entry.quote.speaker})")
    for entry in view.citations:
        put(entry, f"source: {entry.citation.name} ({entry.citation.kind})")
    for entry in view.facts:
        put(entry, f"{entry.fact.status}: {entry.fact.what} — {shorten(entry.fact.explanation, 120)}")
    for entry in view.actors:
        put(entry, f"how the outlets describe {entry.row.actor}")
    return titles


# ---------------------------------------------------------------- highlighting


def finding_marks(comparison: Union[Comparison, ComparisonView]) -> dict[str, list[Mark]]:
    """article id -> every highlighted span in it, with the finding's key."""
    view = comparison if isinstance(comparison, ComparisonView) else build_view(comparison)
    return view.marks


def segments(text: str, marks: list[Mark]) -> list[tuple[str, list[Mark]]]:
    """Cut `text` at every mark boundary into (piece, marks covering it),
    innermost (shortest) mark first. Marks outside the text are clipped and
    empty ones dropped, so bad offsets cannot break the page."""
    valid = []
    for mark in marks:
        start, end = max(0, mark.start), min(len(text), mark.end)
        if start < end:
            valid.append((start, end, mark))
    bounds = sorted({0, len(text)} | {s for s, _, _ in valid} | {e for _, e, _ in valid})
    opening, closing = defaultdict(list), defaultdict(list)
    for index, (start, end, _) in enumerate(valid):
        opening[start].append(index)
        closing[end].append(index)
    active: set[int] = set()
    pieces = []
    for left, right in zip(bounds, bounds[1:]):
        active.difference_update(closing[left])
        active.update(opening[left])
        covering = sorted(active, key=lambda i: (valid[i][1] - valid[i][0], i))
        pieces.append((text[left:right], [valid[i][2] for i in covering]))
    return pieces


def highlight(text: str, marks: list[Mark]) -> Markup:
    """The article body as HTML: plain text with one <mark> per segment that
    any finding covers; `data-finding` lists the findings, innermost first."""
    out = []
    for piece, covering in segments(text, marks):
        piece = clean_body(piece)  # a body built in Python skipped ingest's cleaning
        if not covering:
            out.append(escape(piece))
            continue
        ids = list(dict.fromkeys(m.finding for m in covering))
        classes = sorted({c for m in covering for c in m.classes})
        title = "\n".join(dict.fromkeys(m.title for m in covering))
        out.append(Markup('<mark class="{}" data-finding="{}" title="{}">{}</mark>').format(
            " ".join(classes), " ".join(ids), title, piece))
    return Markup("").join(out)
