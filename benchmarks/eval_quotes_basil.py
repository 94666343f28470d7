"""Quote speakers on real articles, against a blind reader's key.

    PYTHONPATH=. .venv/bin/python benchmarks/eval_quotes_basil.py [--set basil|allsides|allsides2|allsides3|allsides4|allsides5|invented2] [--label L] [--json FILE] [-v]

`--set allsides` scores the leads of 120 AllSides stories instead (key in
`benchmarks/gold/allsides_quotes/`, made the same way in round 5, tuning data
since round 6); `--set allsides2` scores 120 other AllSides stories (key in
`benchmarks/gold/allsides_quotes2/`, read blind in round 6, tuning data since
round 7); `--set allsides3` scores 120 more (`benchmarks/gold/allsides_quotes3/`,
read blind in round 7, tuning data since round 8); `--set allsides4` scores
120 more (`benchmarks/gold/allsides_quotes4/`, read blind in round 8, tuning data
since round 9); `--set allsides5` scores the last 25 (`benchmarks/gold/allsides_quotes5/`,
read blind in round 9). `--set invented2` scores the invented events of
`benchmarks/gold/invented/heldout2/`, written with their keys in round 10 by
writer sessions that had seen neither the code nor its output: the reports
are committed beside the key (they are ours), so each item keeps its
`snippet` and is located when the key is read.

Gold (`benchmarks/gold/basil_quotes/`, made as `benchmarks/gold/README.md`
says): for every stretch in double quotation marks of 42 articles (14 BASIL
events, 3 outlets each), a reader who had seen neither the code nor its
output said whether it is a quotation (someone's words) or not (a title, a
scare quote, a nickname), and for a quotation who said it, with the full
name the article gives, a description ('a White House spokesman') when the
article names no one, or 'unclear' when a careful reader could not tell.
The files hold character offsets of the first words inside the marks.

What is run: `analyze_articles` and `compare_features` on each event's three
articles, as `storylens compare` does; a gold item is matched by the quote
mentions of the comparison that overlap its span by a word character.

- *Quote recall*: gold quotations with a matching mention / gold quotations.
- *Non-quotes reported*: gold non-quotations with a matching mention.
- *Speaker accuracy*, on matched gold quotations with a named speaker
  (person or organisation): right when the name words of one side are all
  among the other's ('Boehner' ~ 'John Boehner'; `eval_quotes.same_name`),
  *unresolved* when the tool says 'unattributed', *wrong* otherwise.
- *Unclear*: gold quotations a careful reader could not attribute, and how
  many of them the tool gave a name anyway.

Run it on another version with `PYTHONPATH=/path/to/that/checkout` (the gold
and this script stay the ones here), so a baseline and the current code are
measured by the same rules in one session.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"
# gold set -> (key folder, articles); allsides: leads of 120 AllSides stories read blind in round 5
# (tuning data since round 6); allsides2: 120 other AllSides stories read blind in round 6
# (tuning data since round 7); allsides3: 120 more, read blind in round 7 (tuning data since
# round 8); allsides4: 120 more, read blind in round 8 (tuning data since round 9);
# allsides5: the last 25, read blind in round 9; invented2: round 10's invented events, whose
# reports sit beside their key (data None: nothing to read from ../shared)
SETS = {"basil": (HERE / "gold" / "basil_quotes", SHARED / "basil-2010-2014.jsonl"),
        "allsides": (HERE / "gold" / "allsides_quotes", SHARED / "allsides-2021.jsonl"),
        "allsides2": (HERE / "gold" / "allsides_quotes2", SHARED / "allsides-2021.jsonl"),
        "allsides3": (HERE / "gold" / "allsides_quotes3", SHARED / "allsides-2021.jsonl"),
        "allsides4": (HERE / "gold" / "allsides_quotes4", SHARED / "allsides-2021.jsonl"),
        "allsides5": (HERE / "gold" / "allsides_quotes5", SHARED / "allsides-2021.jsonl"),
        "invented2": (HERE / "gold" / "invented" / "heldout2", None)}
# storylens comes from PYTHONPATH (this checkout or a baseline's), imported
# before eval_quotes, which puts this checkout first on the path for itself.
import storylens  # noqa: E402

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "gold"))
from eval_quotes import same_name  # noqa: E402  (the PolNeAR evaluation's name rule)
from to_spans import find  # noqa: E402  (the rule that turns a reader's snippet into offsets)

UNATTRIBUTED = "unattributed"
NAMED = ("person", "organization")


def invented_events(gold_dir: Path) -> list[tuple[dict, list]]:
    """Invented events whose key.json carries a `quotes` list per report:
    each item's `snippet` becomes `span` as `to_spans.py` does for readers'
    keys (the first occurrence right after an opening quotation mark)."""
    from storylens.ingest import load

    out = []
    for folder in sorted(p for p in gold_dir.iterdir() if p.is_dir()):
        key = json.loads((folder / "key.json").read_text())
        articles = [load(folder / f"{name}.txt").model_copy(update={"id": name}) for name in key["articles"]]
        texts = {a.id: a.text for a in articles}
        gold = {"story": folder.name, "articles": {}}
        for article, items in key.get("quotes", {}).items():
            gold["articles"][article] = []
            for item in items:
                span = find(texts[article], item["snippet"], quoted=True)
                if span is None:
                    raise ValueError(f"{folder.name}/{article}: snippet not found: {item['snippet']!r}")
                kind = "organization" if item.get("speaker_kind") == "organisation" else item.get("speaker_kind")
                gold["articles"][article].append({**item, "span": list(span), "speaker_kind": kind})
        out.append((gold, articles))
    return out


def events(gold_set: str = "basil") -> list[tuple[dict, list]]:
    from storylens.models import Article

    gold_dir, data = SETS[gold_set]
    if data is None:
        return invented_events(gold_dir)
    rows = [json.loads(line) for line in data.read_text().splitlines() if line.strip()]
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text())
        story = [r for r in rows if r["story"] == gold["story"]]   # ids repeat across stories ('empty')
        articles = [Article(id=r["id"], outlet=r.get("outlet"), title=r.get("title"), text=r["text"],
                            date=dt.date.fromisoformat(r["date"]) if r.get("date") else None)
                    for r in story if r["id"] in gold["articles"]]
        out.append((gold, articles))
    return out


def evaluate(verbose: bool = False, gold_set: str = "basil") -> dict:
    from storylens.pipeline import analyze_articles, compare_features

    n = {k: 0 for k in ("quotes", "found", "non_quotes", "non_quotes_reported", "named", "right", "wrong",
                        "unresolved", "unclear", "unclear_named", "description")}
    for gold, articles in events(gold_set):
        comparison = compare_features(list(analyze_articles(articles)))
        mentions = [m for q in comparison.quotes for m in q.mentions]
        texts = {a.id: a.text for a in articles}
        for article_id, items in gold["articles"].items():
            for item in items:
                start, end = item["span"]
                hits = [m for m in mentions if m.article == article_id and m.start < end and start < m.end
                        and any(ch.isalnum() for ch in texts[article_id][max(start, m.start):min(end, m.end)])]
                if not item["is_quote"]:
                    n["non_quotes"] += 1
                    n["non_quotes_reported"] += bool(hits)
                    if verbose and hits:
                        print(f"{gold['story'][:8]} {article_id[:8]} non-quote reported: {hits[0].speaker!r} "
                              f"| {texts[article_id][start:end][:60]!r}")
                    continue
                n["quotes"] += 1
                if not hits:
                    if verbose:
                        print(f"{gold['story'][:8]} {article_id[:8]} missed: {item.get('speaker')!r} "
                              f"| {texts[article_id][start:end][:60]!r}")
                    continue
                n["found"] += 1
                said = hits[0].speaker
                kind = item.get("speaker_kind")
                if kind in NAMED:
                    n["named"] += 1
                    verdict = ("unresolved" if said == UNATTRIBUTED else
                               "right" if same_name(said, item["speaker"]) else "wrong")
                    n[verdict] += 1
                    if verbose and verdict != "right":
                        print(f"{gold['story'][:8]} {article_id[:8]} {verdict}: {said!r} for {item['speaker']!r} "
                              f"| {texts[article_id][start:end][:60]!r}")
                elif kind == "unclear":
                    n["unclear"] += 1
                    n["unclear_named"] += said != UNATTRIBUTED
                else:
                    n["description"] += 1
    return n


def row(label: str, n: dict) -> str:
    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    return (f"| {label} | {ratio(n['found'], n['quotes'])} | {n['non_quotes_reported']} of {n['non_quotes']} | "
            f"{ratio(n['right'], n['named'])} | {ratio(n['wrong'], n['named'])} | "
            f"{ratio(n['unresolved'], n['named'])} | {n['unclear_named']} of {n['unclear']} |")


HEADER = ("| run | quote recall | non-quotes reported | speaker accuracy (named) | wrong | unresolved "
          "| unclear given a name |\n|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=tuple(SETS), default="basil", help="which blind key (default: basil)")
    parser.add_argument("--label", default="this checkout")
    parser.add_argument("--json", help="also write the counts as JSON to this file")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    data = SETS[args.set][1]
    if data is not None and not data.exists():
        print(f"{data} is absent", file=sys.stderr)
        return 2
    print(f"storylens from {Path(storylens.__file__).parent}", file=sys.stderr)
    counts = evaluate(args.verbose, args.set)
    print(HEADER)
    print(row(args.label, counts))
    if args.json:
        Path(args.json).write_text(json.dumps(counts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
