"""Outlet profiles: how each outlet reports the stories it shares with others.

Built from the stories' comparisons (cached in the store), never from a new
parse of anything already analysed. For each outlet, over stories that at
least one other outlet also reported:

- `terms`: for an actor the outlets name differently, the words this outlet
  uses where the others use different ones, with counts;
- `wire_share`: the share of its text in passages reused (verbatim or edited)
  from or with another outlet;
- `figure_conflicts`: how often a number it reports conflicts with another
  outlet's figure for the same thing (conflicts / number facts it is part of);
- `unique_facts`: facts it alone reports;
- `quotes` and `sources`: whom it quotes and cites, with counts.

    >>> profiles = outlet_profiles(Store("storylens.db"))        # doctest: +SKIP
    >>> write_plot(profiles, "terms.svg")                        # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .corpus import cached_comparisons
from .models import Comparison
from .store import Store


@dataclass
class OutletProfile:
    outlet: str
    stories: int = 0
    articles: int = 0
    terms: dict[str, dict[str, int]] = field(default_factory=dict)
    """actor -> {term this outlet uses: count}, where the others use other terms."""
    others_terms: dict[str, dict[str, int]] = field(default_factory=dict)
    """actor -> {term the other outlets use: count}, in the same stories."""
    wire_chars: int = 0
    text_chars: int = 0
    number_facts: int = 0
    figure_conflicts: int = 0
    unique_facts: list[dict] = field(default_factory=list)
    quotes: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def wire_share(self) -> float:
        return round(self.wire_chars / self.text_chars, 3) if self.text_chars else 0.0

    @property
    def conflict_rate(self) -> float:
        return round(self.figure_conflicts / self.number_facts, 3) if self.number_facts else 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["wire_share"] = self.wire_share
        out["conflict_rate"] = self.conflict_rate
        return out


def outlet_profiles(store: Store, *, compute: bool = True, workers: int | None = None,
                    progress: Callable[[int], None] | None = None) -> list[OutletProfile]:
    """Profiles of every outlet that shares a story with another outlet."""
    return profiles_from(cached_comparisons(store, compute=compute, workers=workers, progress=progress))


def profiles_from(pairs: list[tuple[dict, Comparison]]) -> list[OutletProfile]:
    profiles: dict[str, OutletProfile] = {}
    for story, comparison in pairs:
        outlet_of = {a.id: a.outlet or a.id for a in comparison.articles}
        for outlet in set(outlet_of.values()):
            p = profiles.setdefault(outlet, OutletProfile(outlet=outlet))
            p.stories += 1
        for a in comparison.articles:
            p = profiles[outlet_of[a.id]]
            p.articles += 1
            p.text_chars += len(a.text)
        _terms(comparison, outlet_of, profiles)
        for passage in comparison.passages:
            if passage.kind in ("verbatim", "edited"):
                for span in passage.spans:
                    profiles[outlet_of[span.article]].wire_chars += span.end - span.start
        for fact in comparison.facts:
            outlets = {outlet_of[c.article] for c in fact.claims}
            if fact.kind == "number" and fact.status in ("agree", "conflict"):
                for outlet in outlets:
                    profiles[outlet].number_facts += 1
                    if fact.status == "conflict":
                        profiles[outlet].figure_conflicts += 1
            if fact.status == "unique" and len(outlets) == 1:
                claim = fact.claims[0]
                profiles[outlet_of[claim.article]].unique_facts.append(
                    {"story": story["id"], "what": fact.what, "text": claim.text, "value": claim.value})
        for quote in comparison.quotes:
            for outlet in {outlet_of[m.article] for m in quote.mentions}:
                q = profiles[outlet].quotes
                q[quote.speaker] = q.get(quote.speaker, 0) + 1
        for article_id, names in comparison.sources.items():
            s = profiles[outlet_of[article_id]].sources
            for name in names:
                s[name] = s.get(name, 0) + 1
    out = sorted(profiles.values(), key=lambda p: (-p.articles, p.outlet))
    for p in out:
        p.quotes = dict(Counter(p.quotes).most_common())
        p.sources = dict(Counter(p.sources).most_common())
    return out


def _terms(comparison: Comparison, outlet_of: dict[str, str], profiles: dict[str, OutletProfile]) -> None:
    """Per actor, each outlet's terms that no other outlet in the story uses."""
    by_actor: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for article_id, actors in comparison.terms.items():
        for actor, counts in actors.items():
            by_actor[actor][outlet_of.get(article_id, article_id)].update(counts)
    for actor, per_outlet in by_actor.items():
        if len(per_outlet) < 2:
            continue
        for outlet, counts in per_outlet.items():
            others = Counter()
            for other, c in per_outlet.items():
                if other != outlet:
                    others.update(c)
            own = {t: n for t, n in counts.items() if t not in others}
            if not own:
                continue
            p = profiles[outlet]
            mine = p.terms.setdefault(actor, {})
            for term, n in own.items():
                mine[term] = mine.get(term, 0) + n
            theirs = p.others_terms.setdefault(actor, {})
            for term, n in others.items():
                if term not in counts:
                    theirs[term] = theirs.get(term, 0) + n


# --- output --------------------------------------------------------------------------------------

def to_text(profiles: list[OutletProfile], top: int = 5) -> str:
    lines = []
    for p in profiles:
        lines.append(f"{p.outlet}: {p.articles} articles in {p.stories} shared stories")
        lines.append(f"  wire copy shared with others: {p.wire_share:.0%} of its text")
        lines.append(f"  figures that conflict with another outlet's: {p.figure_conflicts} of "
                     f"{p.number_facts} ({p.conflict_rate:.0%})")
        ranked = sorted(p.terms.items(), key=lambda kv: -sum(kv[1].values()))[:top]
        for actor, terms in ranked:
            own = ", ".join(f"{t} ×{n}" for t, n in sorted(terms.items(), key=lambda kv: -kv[1]))
            others = ", ".join(f"{t} ×{n}" for t, n in
                               sorted(p.others_terms.get(actor, {}).items(), key=lambda kv: -kv[1])[:3])
            lines.append(f"  {actor}: {own}" + (f"   (others: {others})" if others else ""))
        for fact in p.unique_facts[:top]:
            lines.append(f"  only here (story {fact['story']}): {fact['what']}: “{fact['text']}”")
        if p.quotes:
            lines.append("  quotes: " + ", ".join(f"{k} ×{v}" for k, v in list(p.quotes.items())[:top]))
        if p.sources:
            lines.append("  sources: " + ", ".join(f"{k} ×{v}" for k, v in list(p.sources.items())[:top]))
        lines.append("")
    return "\n".join(lines) if lines else "no outlet shares a story with another outlet yet\n"


def plot_terms(profiles: list[OutletProfile], top_actors: int = 6):
    """A matplotlib figure: for the actors named most differently, which term
    each outlet prefers (bars of counts, one panel per actor)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    actors = Counter()
    for p in profiles:
        for actor, terms in p.terms.items():
            actors[actor] += sum(terms.values())
    chosen = [a for a, _ in actors.most_common(top_actors)]
    fig, axes = plt.subplots(max(1, len(chosen)), 1, figsize=(8, 1.2 + 1.6 * max(1, len(chosen))),
                             squeeze=False)
    if not chosen:
        axes[0][0].text(0.5, 0.5, "no differing terms yet", ha="center", va="center")
        axes[0][0].axis("off")
    for ax, actor in zip((row[0] for row in axes), chosen):
        rows = [(p.outlet, term, n) for p in profiles for term, n in p.terms.get(actor, {}).items()]
        rows.sort(key=lambda r: (r[0], -r[2]))
        labels = [f"{o} — {t}" for o, t, _ in rows]
        ax.barh(range(len(rows)), [n for _, _, n in rows], color="#4a7ab0")
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"“{actor}”: the term each outlet prefers", fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    return fig


def write_plot(profiles: list[OutletProfile], path: str | Path) -> None:
    """The term plot as PNG or SVG (by the file's suffix)."""
    import matplotlib.pyplot as plt

    fig = plot_terms(profiles)
    fig.savefig(path, format=Path(path).suffix.lstrip(".").lower() or "png")
    plt.close(fig)


def to_html(profiles: list[OutletProfile]) -> str:
    """A self-contained page: the term plot (inline SVG) and one table per outlet."""
    import matplotlib.pyplot as plt

    fig = plot_terms(profiles)
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.find("<svg"):]
    esc = html.escape
    parts = ["<!doctype html><html><head><meta charset='utf-8'>",
             "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
             "<title>storylens: outlet profiles</title><style>body{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}</style>"
             "</head><body><h1>Outlet profiles</h1><h2>Term choice by outlet</h2>", svg]
    for p in profiles:
        parts.append(f"<h2>{esc(p.outlet)}</h2><p>{p.articles} articles in {p.stories} shared stories; "
                     f"wire copy {p.wire_share:.0%} of its text; figures in conflict "
                     f"{p.figure_conflicts} of {p.number_facts}.</p>")
        if p.terms:
            parts.append("<table><tr><th>actor</th><th>its terms</th><th>others'</th></tr>")
            for actor, terms in sorted(p.terms.items(), key=lambda kv: -sum(kv[1].values())):
                own = ", ".join(f"{esc(t)} ×{n}" for t, n in terms.items())
                others = ", ".join(f"{esc(t)} ×{n}" for t, n in p.others_terms.get(actor, {}).items())
                parts.append(f"<tr><td>{esc(actor)}</td><td>{own}</td><td>{others}</td></tr>")
            parts.append("</table>")
        if p.unique_facts:
            parts.append("<h3>Facts only it reports</h3><ul>" + "".join(
                f"<li>story {f['story']}: {esc(f['what'])}: “{esc(f['text'])}”</li>" for f in p.unique_facts)
                + "</ul>")
        if p.quotes or p.sources:
            parts.append("<p>Quotes: " + esc(", ".join(f"{k} ×{v}" for k, v in p.quotes.items()))
                         + "<br>Sources: " + esc(", ".join(f"{k} ×{v}" for k, v in p.sources.items())) + "</p>")
    parts.append("</body></html>\n")
    return "".join(parts)
