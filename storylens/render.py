"""Stage 4: turn a `Comparison` into text for a terminal, Markdown, or a
self-contained HTML report.

All three share the same ordering decisions (conflicts before agreements
before unique facts, shared quotes first, ...) so a reader who switches
format finds things in the same place.

Every string that comes from an article is untrusted: each renderer first
takes `sanitize.clean_comparison` of its input (no control characters, no
bidirectional overrides), the terminal output never interprets rich markup,
Markdown escapes its special characters, and the HTML template autoescapes
and isolates each piece of article text in `<bdi>`, with the only pre-built
markup being the article bodies assembled here from `markupsafe.escape`d
pieces.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .framing import bare_phrase
from .models import Article, Comparison, Fact, Passage, Quote
from .sanitize import clean_body, clean_comparison

__all__ = ["to_text", "to_markdown", "to_html", "write_atomic", "finding_marks", "segments"]

STATUS_ORDER = {"conflict": 0, "agree": 1, "unique": 2}


# ---------------------------------------------------------------- shared view


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


def word_count(article: Article) -> int:
    return len(article.text.split())


def facts_in_order(comparison: Comparison) -> list[tuple[str, Fact]]:
    """(id, fact) pairs: conflicts, then agreements, then unique facts grouped
    by the article that alone reports them."""
    order = {a.id: n for n, a in enumerate(comparison.articles)}
    numbered = [(f"f{n}", fact) for n, fact in enumerate(comparison.facts, 1)]
    return sorted(numbered, key=lambda item: (
        STATUS_ORDER[item[1].status],
        order.get(item[1].claims[0].article, 0) if item[1].status == "unique" and item[1].claims else 0))


def passages_numbered(comparison: Comparison) -> list[tuple[str, Passage]]:
    return [(f"p{n}", p) for n, p in enumerate(comparison.passages, 1)]


def quotes_in_order(comparison: Comparison) -> list[tuple[str, Quote]]:
    """Quotes that appear in more than one article come first."""
    numbered = [(f"q{n}", q) for n, q in enumerate(comparison.quotes, 1)]
    return sorted(numbered, key=lambda item: not is_shared(item[1]))


def is_shared(quote: Quote) -> bool:
    return len({m.article for m in quote.mentions}) > 1


def quote_speakers(quote: Quote) -> dict[str, str]:
    """article id -> speaker(s) that article names for the quote."""
    speakers: dict[str, list[str]] = defaultdict(list)
    for mention in quote.mentions:
        if mention.speaker not in speakers[mention.article]:
            speakers[mention.article].append(mention.speaker)
    return {article: ", ".join(names) for article, names in speakers.items()}


@dataclass
class SubstitutionRow:
    from_: str
    to: str
    pairs: list[tuple[str, str]]
    count: int
    category: str
    edit_ids: list[str] = field(default_factory=list)


def substitution_rows(comparison: Comparison) -> list[SubstitutionRow]:
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
    for pid, passage in passages_numbered(comparison):
        for n, edit in enumerate(passage.edits, 1):
            key = (bare_phrase(edit.from_.text).casefold(), bare_phrase(edit.to.text).casefold(), edit.category)
            if key in rows:
                rows[key].edit_ids.append(f"e{pid[1:]}-{n}")
    order = {"framing": 0, "spelling": 1, "other": 2}
    return sorted(rows.values(), key=lambda r: (order.get(r.category, 3), -r.count))


def terms_by_actor(comparison: Comparison) -> dict[str, dict[str, list[tuple[str, int]]]]:
    """actor -> article id -> [(term, count)], most used term first."""
    table: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(dict)
    for article_id, actors in comparison.terms.items():
        for actor, terms in actors.items():
            table[actor][article_id] = sorted(terms.items(), key=lambda t: (-t[1], t[0]))
    return dict(table)


def term_list(terms: list[tuple[str, int]]) -> str:
    return ", ".join(f"{term} ×{count}" for term, count in terms) or "—"


def sources_by_article(comparison: Comparison) -> dict[str, list[str]]:
    if comparison.sources:
        return comparison.sources
    names: dict[str, list[str]] = defaultdict(list)
    for citation in comparison.citations:
        if citation.name not in names[citation.article]:
            names[citation.article].append(citation.name)
    return dict(names)


def citation_ids(comparison: Comparison) -> dict[tuple[str, str], list[str]]:
    """(article id, source name) -> ids of the citations naming it there."""
    ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n, citation in enumerate(comparison.citations, 1):
        ids[(citation.article, citation.name)].append(f"c{n}")
    return ids


def edit_label(edit) -> str:
    if not edit.to.text:
        return f"{edit.from_.text} (dropped)"
    if not edit.from_.text:
        return f"(added) {edit.to.text}"
    return f"{edit.from_.text} → {edit.to.text}"


def passage_counts(comparison: Comparison) -> str:
    kinds = [p.kind for p in comparison.passages]
    parts = [f"{kinds.count(k)} {k}" for k in ("verbatim", "edited", "quotation", "paraphrase") if k in kinds]
    return f" ({', '.join(parts)})" if parts else ""


def reuse_part(comparison: Comparison) -> str:
    """Each article's share of narrative text in verbatim/edited passages."""
    if not comparison.reuse:
        return ""
    keys = article_keys(comparison)
    shares = ", ".join(f"{keys.get(a.id, a.id)} {comparison.reuse.get(a.id, 0.0):.0%}" for a in comparison.articles)
    return f"narrative reused: {shares}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_parts(comparison: Comparison) -> list[str]:
    facts = [f.status for f in comparison.facts]
    fact_parts = ", ".join(f"{facts.count(s)} {s}" for s in ("conflict", "agree", "unique") if s in facts)
    shared = sum(is_shared(q) for q in comparison.quotes)
    n_sources = len({name for names in sources_by_article(comparison).values() for name in names})
    return [
        plural(len(comparison.facts), "fact") + (f" ({fact_parts})" if fact_parts else ""),
        plural(len(comparison.passages), "shared passage") + passage_counts(comparison),
        *([reuse_part(comparison)] if comparison.reuse else []),
        plural(len(substitution_rows(comparison)), "substitution"),
        plural(len(comparison.quotes), "quote") + (f" ({shared} shared)" if shared else ""),
        plural(n_sources, "source"),
    ]


def summary_line(comparison: Comparison) -> str:
    return " · ".join(summary_parts(comparison))


def title_line(comparison: Comparison) -> str:
    return f"storylens: {len(comparison.articles)} reports of one event"


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


EMPTY = {
    "facts": "No facts: nothing comparable was found in these articles.",
    "passages": "No reused passages: these articles share no text.",
    "substitutions": "No substitutions: no shared passage changes a word.",
    "terms": "No terms: no actor is named in these articles.",
    "quotes": "No quotes: none of these articles quotes anyone.",
    "sources": "No sources: none of these articles names a source.",
}


# ---------------------------------------------------------------- terminal


def to_text(comparison: Comparison, width: int = 80, color: bool = False) -> str:
    """A terminal summary, every line at most `width` cells wide."""
    comparison = clean_comparison(comparison)  # no escape sequence reaches the terminal
    buffer = io.StringIO()
    # markup/emoji/highlight off: article text like "[bold]" or ":fire:" is data.
    console = Console(width=width, file=buffer, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, markup=False, emoji=False,
                      highlight=False, legacy_windows=False, force_jupyter=False)
    for part in _text_parts(comparison, width):
        console.print(part)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def short_labels(comparison: Comparison, limit: int = 20) -> dict[str, str]:
    """Labels for narrow label columns: past `limit` cells the key (which the
    header pairs with the outlet) reads better than a truncated name."""
    keys = article_keys(comparison)
    return {i: label if cell_len(label) <= limit else keys[i] for i, label in article_labels(comparison).items()}


def _text_parts(comparison: Comparison, width: int) -> list[RenderableType]:
    keys = article_keys(comparison)
    labels = short_labels(comparison)
    return [
        Text(title_line(comparison), style="bold"),
        _text_articles(comparison, keys, width),
        Text(_wrap_parts(summary_parts(comparison), width), style="dim"),
        _heading("FACTS"), _text_facts(comparison, labels),
        _heading("REUSED PASSAGES"), _text_passages(comparison, labels, width),
        _heading("SUBSTITUTIONS"), _text_substitutions(comparison, keys),
        _heading("TERMS"), _text_terms(comparison, labels),
        _heading("QUOTES"), _text_quotes(comparison, labels, width),
        _heading("SOURCES"), _text_sources(comparison, labels),
    ]


def _wrap_parts(parts: list[str], width: int) -> str:
    """Join with ' · ', breaking lines only between parts so that a count
    never gets separated from what it counts."""
    lines = [""]
    for part in parts:
        candidate = f"{lines[-1]} · {part}" if lines[-1] else part
        if lines[-1] and len(candidate) > width:
            lines.append(part)
        else:
            lines[-1] = candidate
    return "\n".join(lines)


def _heading(name: str) -> Group:
    return Group(Text(""), Rule(Text(name, style="bold"), align="left", style="dim"))


def _grid(*widths: int | None) -> Table:
    """A borderless table whose last column wraps with a hanging indent."""
    grid = Table.grid(padding=(0, 1))
    for w in widths:
        grid.add_column(width=w, no_wrap=w is not None, overflow="ellipsis")
    return grid


def _text_articles(comparison: Comparison, keys: dict[str, str], width: int) -> Table:
    # The title gets what the fixed columns leave, truncated here: a no_wrap
    # column would make rich squeeze the key and date columns instead.
    rows = [[Text(keys[a.id], style="bold"), Text(a.outlet or "?"), Text(str(a.date or "")),
             Text(one_line(a.title or "(untitled)")), Text(f"{word_count(a)} words")]
            for a in comparison.articles]
    widths = [max(row[i].cell_len for row in rows) for i in range(5)]
    widths[1] = min(widths[1], 22)
    widths[3] = max(8, width - sum(widths) + widths[3] - 4)
    grid = Table.grid(padding=(0, 1))
    for i, w in enumerate(widths):
        grid.add_column(width=w, no_wrap=True, overflow="ellipsis", justify="right" if i == 4 else "left")
    for row in rows:
        row[3].truncate(widths[3], overflow="ellipsis")
        grid.add_row(*row)
    return grid


def _claim_text(claim, labels) -> Text:
    line = Text(f"“{one_line(claim.text)}”")
    extras = [e for e in (claim.value, claim.attribution and f"per {claim.attribution}") if e]
    if extras:
        line.append(f"  ({'; '.join(extras)})", style="dim")
    return line


def _text_facts(comparison: Comparison, labels: dict[str, str]) -> RenderableType:
    if not comparison.facts:
        return Text(EMPTY["facts"])
    styles = {"conflict": ("CONFLICT", "bold red"), "agree": ("AGREE", "bold green"),
              "unique": ("ONLY IN", "bold")}
    parts: list[RenderableType] = []
    for fid, fact in facts_in_order(comparison):
        tag, style = styles[fact.status]
        head = Text(tag, style=style)
        if fact.status == "unique" and fact.claims:
            head.append(f" {labels.get(fact.claims[0].article, fact.claims[0].article)}", style="bold")
        head.append(f": {one_line(fact.what)} ({fact.kind})")
        parts.append(_numbered(fid, head))
        grid = _grid(5, _label_width(labels), None)
        for claim in fact.claims:
            grid.add_row("", Text(labels.get(claim.article, claim.article)), _claim_text(claim, labels))
        grid.add_row("", "", Text(one_line(fact.explanation), style="italic dim"))
        parts.append(grid)
    return Group(*parts)


def _label_width(labels: dict[str, str]) -> int:
    return max([cell_len(label) for label in labels.values()] + [5])  # 5 fits "edits"


def _numbered(finding_id: str, line: Text) -> Table:
    grid = _grid(4, None)
    grid.add_row(Text(f"{finding_id:>4}"), line)
    return grid


def _text_passages(comparison: Comparison, labels: dict[str, str], width: int) -> RenderableType:
    if not comparison.passages:
        return Text(EMPTY["passages"])
    parts: list[RenderableType] = []
    for pid, passage in passages_numbered(comparison):
        head = Text(passage.kind, style="bold")
        head.append(f" · similarity {passage.similarity:.2f}"
                    + (f" · {plural(len(passage.edits), 'edit')}" if passage.edits else ""), style="dim")
        parts.append(_numbered(pid, head))
        grid = _grid(5, _label_width(labels), None)
        for span in passage.spans:
            quoted = Text(f"“{one_line(span.text)}”")
            quoted.truncate(max(width - 24, 20), overflow="ellipsis")
            grid.add_row("", Text(labels.get(span.article, span.article)), quoted)
        if passage.edits:
            edits = "; ".join(f"{edit_label(e)} [{e.category}]" for e in passage.edits)
            grid.add_row("", Text("edits"), Text(edits))
        parts.append(grid)
    return Group(*parts)


def _text_substitutions(comparison: Comparison, keys: dict[str, str]) -> RenderableType:
    rows = substitution_rows(comparison)
    if not rows:
        return Text(EMPTY["substitutions"])
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("from", ratio=3, overflow="fold")
    table.add_column("to", ratio=3, overflow="fold")
    table.add_column("articles", ratio=2, overflow="fold")
    table.add_column("×", justify="right", no_wrap=True)
    table.add_column("category", no_wrap=True)
    for row in rows:
        pairs = ", ".join(f"{keys.get(a, a)}→{keys.get(b, b)}" for a, b in row.pairs)
        table.add_row(Text(row.from_ or "—"), Text(row.to or "—"), Text(pairs), Text(str(row.count)),
                      Text(row.category, style="red" if row.category == "framing" else ""))
    return table


def _text_terms(comparison: Comparison, labels: dict[str, str]) -> RenderableType:
    table_data = terms_by_actor(comparison)
    if not table_data:
        return Text(EMPTY["terms"])
    parts: list[RenderableType] = []
    for actor, per_article in table_data.items():
        parts.append(Text(f"  {actor}", style="bold"))
        grid = _grid(3, _label_width(labels), None)
        for article in comparison.articles:
            grid.add_row("", Text(labels[article.id]), Text(term_list(per_article.get(article.id, []))))
        parts.append(grid)
    return Group(*parts)


def _text_quotes(comparison: Comparison, labels: dict[str, str], width: int) -> RenderableType:
    if not comparison.quotes:
        return Text(EMPTY["quotes"])
    parts: list[RenderableType] = []
    for qid, quote in quotes_in_order(comparison):
        head = Text("shared " if is_shared(quote) else "", style="bold")
        head.append(f"“{one_line(quote.text)}”")
        head.truncate(max(width - 6, 20), overflow="ellipsis")
        parts.append(_numbered(qid, head))
        grid = _grid(5, _label_width(labels), None)
        for article_id, speaker in quote_speakers(quote).items():
            grid.add_row("", Text(labels.get(article_id, article_id)), Text(speaker))
        parts.append(grid)
    return Group(*parts)


def _text_sources(comparison: Comparison, labels: dict[str, str]) -> RenderableType:
    sources = sources_by_article(comparison)
    if not any(sources.values()):
        return Text(EMPTY["sources"])
    grid = _grid(1, _label_width(labels), None)
    for article in comparison.articles:
        grid.add_row("", Text(labels[article.id]), Text("; ".join(sources.get(article.id, [])) or "—"))
    return grid


# ---------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|~#!])")


def md(text: str | None) -> str:
    """Escape untrusted text for a Markdown paragraph or table cell."""
    text = one_line(text or "")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def to_markdown(comparison: Comparison) -> str:
    comparison = clean_comparison(comparison)
    labels = {k: md(v) for k, v in article_labels(comparison).items()}
    keys = article_keys(comparison)
    out = [f"# {md(title_line(comparison))}", ""]
    out += _md_table(["", "Outlet", "Date", "Title", "Words"], [
        [md(keys[a.id]), md(a.outlet or "?"), md(str(a.date or "")), _md_title(a), str(word_count(a))]
        for a in comparison.articles])
    out += [f"**{md(summary_line(comparison))}**", ""]
    out += _md_facts(comparison, labels)
    out += _md_passages(comparison, labels)
    out += _md_substitutions(comparison, keys)
    out += _md_terms(comparison, labels)
    out += _md_quotes(comparison, labels)
    out += _md_sources(comparison, labels)
    return "\n".join(out).rstrip() + "\n"


def _md_title(article: Article) -> str:
    title = md(article.title or "(untitled)")
    url = article.url or ""
    if re.match(r"https?://", url) and not re.search(r"[\s()<>]", url):
        return f"[{title}]({url})"
    return title


def _md_facts(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    out = ["## Facts", ""]
    if not comparison.facts:
        return out + [EMPTY["facts"], ""]
    headings = {"conflict": "Conflicts", "agree": "Agreements", "unique": "Only in one report"}
    current = None
    for fid, fact in facts_in_order(comparison):
        if fact.status != current:
            if current is not None:
                out.append("")
            current = fact.status
            out += [f"### {headings[current]}", ""]
        where = f" — only in {labels.get(fact.claims[0].article, '?')}" if fact.status == "unique" and fact.claims else ""
        out.append(f"- **{md(fact.what)}** ({fact.kind}{where}): {md(fact.explanation)}")
        for claim in fact.claims:
            extras = "; ".join(md(e) for e in (claim.value, claim.attribution and f"per {claim.attribution}") if e)
            out.append(f"  - {labels.get(claim.article, md(claim.article))}: “{md(claim.text)}”"
                       + (f" ({extras})" if extras else ""))
    return out + [""]


def _md_passages(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    out = ["## Reused passages", ""]
    if not comparison.passages:
        return out + [EMPTY["passages"], ""]
    for pid, passage in passages_numbered(comparison):
        out += [f"### {pid}: {passage.kind} (similarity {passage.similarity:.2f})", ""]
        out += _md_table(["Article", "Text"], [
            [labels.get(s.article, md(s.article)), md(shorten(s.text, 240))] for s in passage.spans])
        if passage.edits:
            out.append("Edits: " + "; ".join(
                f"{md(edit_label(e))} \\[{e.category}\\]" for e in passage.edits))
            out.append("")
    return out


def _md_substitutions(comparison: Comparison, keys: dict[str, str]) -> list[str]:
    out = ["## Substitutions", ""]
    rows = substitution_rows(comparison)
    if not rows:
        return out + [EMPTY["substitutions"], ""]
    return out + _md_table(["From", "To", "Articles", "Count", "Category"], [
        [md(r.from_) or "—", md(r.to) or "—", ", ".join(f"{md(keys.get(a, a))} → {md(keys.get(b, b))}" for a, b in r.pairs),
         str(r.count), r.category] for r in rows])


def _md_terms(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    out = ["## Terms", ""]
    data = terms_by_actor(comparison)
    if not data:
        return out + [EMPTY["terms"], ""]
    return out + _md_table(["Actor"] + [labels[a.id] for a in comparison.articles], [
        [md(actor)] + [md(term_list(per.get(a.id, []))) for a in comparison.articles]
        for actor, per in data.items()])


def _md_quotes(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    out = ["## Quotes", ""]
    if not comparison.quotes:
        return out + [EMPTY["quotes"], ""]
    rows = []
    for qid, quote in quotes_in_order(comparison):
        speakers = quote_speakers(quote)
        rows.append([qid, "yes" if is_shared(quote) else "", f"“{md(shorten(quote.text, 160))}”"]
                    + [md(speakers.get(a.id, "")) for a in comparison.articles])
    return out + _md_table(["", "Shared", "Quote"] + [f"Speaker ({labels[a.id]})" for a in comparison.articles], rows)


def _md_sources(comparison: Comparison, labels: dict[str, str]) -> list[str]:
    out = ["## Sources", ""]
    sources = sources_by_article(comparison)
    if not any(sources.values()):
        return out + [EMPTY["sources"], ""]
    return out + _md_table(["Article", "Sources"], [
        [labels[a.id], "; ".join(md(s) for s in sources.get(a.id, [])) or "—"] for a in comparison.articles])


# ---------------------------------------------------------------- html


@dataclass(frozen=True)
class Mark:
    """One finding's span in one article, as the HTML highlights it."""

    start: int
    end: int
    finding: str
    classes: tuple[str, ...]
    title: str


def finding_marks(comparison: Comparison) -> dict[str, list[Mark]]:
    """article id -> every highlighted span in it, with the finding's id."""
    marks: dict[str, list[Mark]] = defaultdict(list)

    def add(span, fid, classes, title):
        marks[span.article].append(Mark(span.start, span.end, fid, classes, title))

    for pid, passage in passages_numbered(comparison):
        for span in passage.spans:
            add(span, pid, ("p", f"p-{passage.kind}"), f"{passage.kind} passage {pid} (similarity {passage.similarity:.2f})")
        for n, edit in enumerate(passage.edits, 1):
            title = f"{edit_label(edit)} ({edit.category})"
            for span in (edit.from_, edit.to):
                add(span, f"e{pid[1:]}-{n}", ("e", f"e-{edit.category}"), title)
    for qid, quote in quotes_in_order(comparison):
        for mention in quote.mentions:
            add(mention, qid, ("q",), f"quote {qid}, speaker: {mention.speaker}")
    for n, citation in enumerate(comparison.citations, 1):
        marks[citation.article].append(Mark(citation.start, citation.end, f"c{n}", ("c",),
                                            f"source: {citation.name} ({citation.kind})"))
    for fid, fact in facts_in_order(comparison):
        for claim in fact.claims:
            value = f" = {claim.value}" if claim.value else ""
            add(claim, fid, ("f", f"f-{fact.status}"), f"{fact.status}: {fact.what}{value}")
    return marks


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


def finding_labels(comparison: Comparison) -> dict[str, str]:
    """finding id -> one line describing the whole finding (a mark's title
    only describes its own span)."""
    labels = {}
    for pid, passage in passages_numbered(comparison):
        labels[pid] = f"{passage.kind} passage, similarity {passage.similarity:.2f}"
        for n, edit in enumerate(passage.edits, 1):
            labels[f"e{pid[1:]}-{n}"] = f"{edit_label(edit)} ({edit.category})"
    for qid, quote in quotes_in_order(comparison):
        labels[qid] = f"quote “{shorten(quote.text, 80)}” ({quote.speaker})"
    for n, citation in enumerate(comparison.citations, 1):
        labels[f"c{n}"] = f"source: {citation.name} ({citation.kind})"
    for fid, fact in facts_in_order(comparison):
        labels[fid] = f"{fact.status}: {fact.what} — {shorten(fact.explanation, 120)}"
    return labels


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["csp_hash"] = _csp_hash
    return env


def to_html(comparison: Comparison) -> str:
    """A single self-contained HTML page: no external fetches of any kind."""
    comparison = clean_comparison(comparison)
    labels = short_labels(comparison, 24)
    marks = finding_marks(comparison)
    finding_titles = finding_labels(comparison)
    context = {
        "title": title_line(comparison),
        "summary": summary_line(comparison),
        "comparison": comparison,
        "labels": labels,
        "keys": article_keys(comparison),
        "word_count": word_count,
        "bodies": {a.id: highlight(a.text, marks.get(a.id, [])) for a in comparison.articles},
        "facts": facts_in_order(comparison),
        "passages": passages_numbered(comparison),
        "substitutions": substitution_rows(comparison),
        "terms": terms_by_actor(comparison),
        "term_list": term_list,
        "quotes": quotes_in_order(comparison),
        "quote_speakers": quote_speakers,
        "is_shared": is_shared,
        "sources": sources_by_article(comparison),
        "citation_ids": citation_ids(comparison),
        "shorten": shorten,
        "edit_label": edit_label,
        "empty": EMPTY,
        "finding_titles": finding_titles,
        "safe_url": _safe_url,
    }
    return _environment().get_template("report.html.j2").render(**context)


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links: a `javascript:` URL in the input must not become a link."""
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None


# ---------------------------------------------------------------- files


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path`, all or nothing: `output.write_output`,
    kept under its old name for existing callers."""
    from .output import write_output

    write_output(path, text)
