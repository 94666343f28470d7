"""Stage 4: turn a `Comparison` into text for a terminal, Markdown, or a
self-contained HTML report.

All three consume one view model (`storylens.view.build_view`), which makes
the ordering decisions once (conflicts before agreements before unique
facts, shared quotes first, ...) so a reader who switches format finds
things in the same place. The web app uses the same view model and the same
Jinja parts (`templates/_comparison*.j2`) through `html_context`.

Every string that comes from an article is untrusted: the view model first
takes `sanitize.clean_comparison` of its input (no control characters, no
bidirectional overrides), the terminal output never interprets rich markup,
Markdown escapes its special characters, and the HTML template autoescapes
and isolates each piece of article text in `<bdi>`, with the only pre-built
markup being the article bodies assembled from `markupsafe.escape`d pieces.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .models import Article, Comparison
from .view import (ACTORS_NOTE, EMPTY, ComparisonView, Mark, SubstitutionRow, build_view,  # noqa: F401
                   descriptor_list, edit_chips, edit_label, finding_marks, grouped_edits, highlight, one_line, plural,
                   segments, shorten, shared_source_line, short_labels, term_list, word_count)

__all__ = ["to_text", "to_markdown", "to_html", "html_context", "write_atomic", "finding_marks",
           "segments", "template_environment"]


# ---------------------------------------------------------------- terminal


def to_text(comparison: Comparison | ComparisonView, width: int = 80, color: bool = False) -> str:
    """A terminal summary, every line at most `width` cells wide."""
    buffer = io.StringIO()
    # markup/emoji/highlight off: article text like "[bold]" or ":fire:" is data.
    console = Console(width=width, file=buffer, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, markup=False, emoji=False,
                      highlight=False, legacy_windows=False, force_jupyter=False)
    for part in _text_parts(_view(comparison), width):
        console.print(part)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _view(comparison: Comparison | ComparisonView) -> ComparisonView:
    return comparison if isinstance(comparison, ComparisonView) else build_view(comparison)


def summary_line(comparison: Comparison | ComparisonView) -> str:
    """The one-line summary every format starts with: facts, passages, reuse, quotes, sources."""
    return _view(comparison).summary


def _text_parts(view: ComparisonView, width: int) -> list[RenderableType]:
    keys = view.keys
    labels = short_labels(view)
    return [
        Text(view.title, style="bold"),
        _text_articles(view, keys, width),
        Text(_wrap_parts(view.summary_parts, width), style="dim"),
        _heading("FACTS"), _text_facts(view, labels),
        _heading("REUSED PASSAGES"), _text_passages(view, labels, width),
        _heading("SUBSTITUTIONS"), _text_substitutions(view, keys),
        _heading("TERMS"), _text_terms(view, labels),
        _heading("ACTORS"), _text_actors(view, labels),
        _heading("QUOTES"), _text_quotes(view, labels, width),
        _heading("SOURCES"), _text_sources(view, labels),
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


def _text_articles(view: ComparisonView, keys: dict[str, str], width: int) -> Table:
    # The title gets what the fixed columns leave, truncated here: a no_wrap
    # column would make rich squeeze the key and date columns instead.
    rows = [[Text(keys[a.id], style="bold"), Text(a.outlet or "?"), Text(str(a.date or "")),
             Text(one_line(a.title or "(untitled)")), Text(f"{word_count(a)} word{'' if word_count(a) == 1 else 's'}")]
            for a in view.articles]
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


def _text_facts(view: ComparisonView, labels: dict[str, str]) -> RenderableType:
    if not view.facts:
        return Text(EMPTY["facts"])
    styles = {"conflict": ("CONFLICT", "bold red"), "agree": ("AGREE", "bold green"),
              "unique": ("ONLY IN", "bold")}
    parts: list[RenderableType] = []
    for entry in view.facts:
        fid, fact = entry.number, entry.fact
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


def _text_passages(view: ComparisonView, labels: dict[str, str], width: int) -> RenderableType:
    if not view.passages:
        return Text(EMPTY["passages"])
    parts: list[RenderableType] = []
    for entry in view.passages:
        pid, passage = entry.number, entry.passage
        edits = grouped_edits(passage, view.keys)  # counted as listed: a change made alike in two pairs is one
        head = Text(passage.kind, style="bold")
        head.append(f" · similarity {passage.similarity:.2f}"
                    + (f" · {plural(len(edits), 'edit')}" if edits else ""), style="dim")
        parts.append(_numbered(pid, head))
        grid = _grid(5, _label_width(labels), None)
        room = max(width - 7 - _label_width(labels), 20)  # the text column: width less key, label, padding
        for span in passage.spans:
            quoted = Text(f"“{shorten(span.text, room - 2)}”")
            grid.add_row("", Text(labels.get(span.article, span.article)), quoted)
        if edits:
            grid.add_row("", Text("edits"), Text("; ".join(edits)))
        parts.append(grid)
    return Group(*parts)


def _text_substitutions(view: ComparisonView, keys: dict[str, str]) -> RenderableType:
    rows = view.substitutions
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


def _text_terms(view: ComparisonView, labels: dict[str, str]) -> RenderableType:
    table_data = view.terms
    if not table_data:
        return Text(EMPTY["terms"])
    parts: list[RenderableType] = []
    for actor, per_article in table_data.items():
        parts.append(Text(f"  {actor}", style="bold"))
        grid = _grid(3, _label_width(labels), None)
        for article in view.articles:
            grid.add_row("", Text(labels[article.id]), Text(term_list(per_article.get(article.id, []))))
        parts.append(grid)
    return Group(*parts)


def _text_actors(view: ComparisonView, labels: dict[str, str]) -> RenderableType:
    if not view.actors:
        return Text(EMPTY["actors"])
    parts: list[RenderableType] = [Text(ACTORS_NOTE, style="dim")]
    for entry in view.actors:
        parts.append(_numbered(entry.number, Text(f"{entry.row.actor} ({entry.row.kind})", style="bold")))
        grid = _grid(3, _label_width(labels), None)
        for article in view.articles:
            if article.id in entry.cells:
                grid.add_row("", Text(labels[article.id]), Text(descriptor_list(entry.cells[article.id])))
        parts.append(grid)
    return Group(*parts)


def _text_quotes(view: ComparisonView, labels: dict[str, str], width: int) -> RenderableType:
    if not view.quotes:
        return Text(EMPTY["quotes"])
    parts: list[RenderableType] = []
    for entry in view.quotes:
        qid, quote = entry.number, entry.quote
        head = Text("shared " if entry.shared else "", style="bold")
        head.append(f"“{one_line(quote.text)}”")
        head.truncate(max(width - 6, 20), overflow="ellipsis")
        parts.append(_numbered(qid, head))
        grid = _grid(5, _label_width(labels), None)
        for article_id, speaker in entry.speakers.items():
            grid.add_row("", Text(labels.get(article_id, article_id)), Text(speaker))
        parts.append(grid)
    return Group(*parts)


def _text_sources(view: ComparisonView, labels: dict[str, str]) -> RenderableType:
    sources = view.sources
    if not any(sources.values()):
        return Text(EMPTY["sources"])
    grid = _grid(1, _label_width(labels), None)
    for article in view.articles:
        grid.add_row("", Text(labels[article.id]), Text("; ".join(sources.get(article.id, [])) or "—"))
    if not view.shared_sources:
        return grid
    shared = _grid(1, 1, None)
    for source in view.shared_sources:
        shared.add_row("", "•", Text(shared_source_line(source, labels)))
    return Group(grid, Text(""), Text("  Cited by more than one article (wire copy counted once):", style="dim"), shared)


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


def to_markdown(comparison: Comparison | ComparisonView) -> str:
    view = _view(comparison)
    labels = {k: md(v) for k, v in view.labels.items()}
    keys = view.keys
    out = [f"# {md(view.title)}", ""]
    out += _md_table(["", "Outlet", "Date", "Title", "Words"], [
        [md(keys[a.id]), md(a.outlet or "?"), md(str(a.date or "")), _md_title(a), str(word_count(a))]
        for a in view.articles])
    out += [f"**{md(view.summary)}**", ""]
    out += _md_facts(view, labels)
    out += _md_passages(view, labels)
    out += _md_substitutions(view, keys)
    out += _md_terms(view, labels)
    out += _md_actors(view, labels)
    out += _md_quotes(view, labels)
    out += _md_sources(view, labels)
    return "\n".join(out).rstrip() + "\n"


def _md_title(article: Article) -> str:
    title = md(article.title or "(untitled)")
    url = article.url or ""
    if re.match(r"https?://", url) and not re.search(r"[\s()<>]", url):
        return f"[{title}]({url})"
    return title


def _md_facts(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Facts", ""]
    if not view.facts:
        return out + [EMPTY["facts"], ""]
    headings = {"conflict": "Conflicts", "agree": "Agreements", "unique": "Only in one report"}
    current = None
    for entry in view.facts:
        fact = entry.fact
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


def _md_passages(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Reused passages", ""]
    if not view.passages:
        return out + [EMPTY["passages"], ""]
    for entry in view.passages:
        pid, passage = entry.number, entry.passage
        out += [f"### {pid}: {passage.kind} (similarity {passage.similarity:.2f})", ""]
        out += _md_table(["Article", "Text"], [
            [labels.get(s.article, md(s.article)), md(shorten(s.text, 240))] for s in passage.spans])
        if passage.edits:
            out.append("Edits: " + "; ".join(md(label) for label in grouped_edits(passage, view.keys)))
            out.append("")
    return out


def _md_substitutions(view: ComparisonView, keys: dict[str, str]) -> list[str]:
    out = ["## Substitutions", ""]
    rows = view.substitutions
    if not rows:
        return out + [EMPTY["substitutions"], ""]
    return out + _md_table(["From", "To", "Articles", "Count", "Category"], [
        [md(r.from_) or "—", md(r.to) or "—", ", ".join(f"{md(keys.get(a, a))} → {md(keys.get(b, b))}" for a, b in r.pairs),
         str(r.count), r.category] for r in rows])


def _md_terms(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Terms", ""]
    data = view.terms
    if not data:
        return out + [EMPTY["terms"], ""]
    return out + _md_table(["Actor"] + [labels[a.id] for a in view.articles], [
        [md(actor)] + [md(term_list(per.get(a.id, []))) for a in view.articles]
        for actor, per in data.items()])


def _md_actors(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Actors", ""]
    if not view.actors:
        return out + [EMPTY["actors"], ""]
    out += [md(ACTORS_NOTE), ""]
    return out + _md_table(["", "Actor"] + [labels[a.id] for a in view.articles], [
        [entry.number, f"{md(entry.row.actor)} ({entry.row.kind})"]
        + [md(descriptor_list(entry.cells.get(a.id, []))) for a in view.articles]
        for entry in view.actors])


def _md_quotes(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Quotes", ""]
    if not view.quotes:
        return out + [EMPTY["quotes"], ""]
    rows = []
    for entry in view.quotes:
        speakers = entry.speakers
        rows.append([entry.number, "yes" if entry.shared else "", f"“{md(shorten(entry.quote.text, 160))}”"]
                    + [md(speakers.get(a.id, "")) for a in view.articles])
    return out + _md_table(["", "Shared", "Quote"] + [f"Speaker ({labels[a.id]})" for a in view.articles], rows)


def _md_sources(view: ComparisonView, labels: dict[str, str]) -> list[str]:
    out = ["## Sources", ""]
    sources = view.sources
    if not any(sources.values()):
        return out + [EMPTY["sources"], ""]
    out += _md_table(["Article", "Sources"], [
        [labels[a.id], "; ".join(md(s) for s in sources.get(a.id, [])) or "—"] for a in view.articles])
    if view.shared_sources:
        out += ["Cited by more than one article (wire copy counted once):", ""]
        out += [f"- {md(shared_source_line(s, view.labels))}" for s in view.shared_sources] + [""]
    return out


# ---------------------------------------------------------------- html


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """The report's Jinja environment (autoescaping, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["csp_hash"] = _csp_hash
    return env


def html_context(view: ComparisonView, *, label_limit: int = 24) -> dict:
    """What `templates/_comparison.html.j2` needs: the report and the web
    app's story page both render it from here."""
    return {
        "view": view,
        "title": view.title,
        "summary": view.summary,
        "comparison": view.comparison,
        "labels": short_labels(view, label_limit),
        "keys": view.keys,
        "word_count": word_count,
        "bodies": {a.id: view.body(a.id) for a in view.articles},
        "term_list": term_list,
        "actors_note": ACTORS_NOTE,
        "shorten": shorten,
        "edit_chips": edit_chips,
        "shared_source_line": shared_source_line,
        "empty": EMPTY,
        "finding_titles": view.finding_titles,
        "safe_url": _safe_url,
    }


def to_html(comparison: Comparison | ComparisonView) -> str:
    """A single self-contained HTML page: no external fetches of any kind."""
    return template_environment().get_template("report.html.j2").render(**html_context(_view(comparison)))


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links: a `javascript:` URL in the input must not become a link."""
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None


# ---------------------------------------------------------------- files


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path`, all or nothing: `output.write_output`,
    kept under its old name for existing callers."""
    from .output import write_output

    write_output(path, text)
