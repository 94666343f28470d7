"""Framing terms, actor descriptors and passage kinds on real articles (BASIL, 50 events x 3 outlets).

    python benchmarks/eval_framing.py [--data ../shared/data/basil-2010-2014.jsonl]
                                      [--split dev|heldout|all] [--cache FILE]

Events are grouped by `story` (article ids repeat across events) and
numbered in file order of first appearance: even positions are the
development split, odd positions the held-out split.

It prints, per split, the share of events whose terms table is non-empty
and the number of rows, the same for the actors table (named actors and
groups of people described in different words, `storylens.actors`) and for
either table, and over the chosen events the passage-kind breakdown. For
reading, it writes to `benchmarks/framing_eval/out/` (git-ignored: it quotes
the articles, which must not enter the repository):

- `terms-<split>.md`: every terms row, its concept and domain, and for each
  article every counted term with the text around it;
- `actors-<split>.md`: every actors row, each outlet's descriptors with the
  sentence each comes from;
- `judge-<split>.md`: the actors rows alone, numbered, as a reader who has
  not seen the code judges them (outlet, actor, words, sentences; no
  "differs" flags, no kinds);
- `passages-sample.md`: 20 passages drawn at random (fixed seed) over all
  events, with their kind, quoted share and spans.

Precision is judged by reading those files; the judgements and figures are
in `benchmarks/framing_eval/RESULTS.md`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storylens.features import ArticleFeatures, analyze_articles  # noqa: E402
from storylens.framing import term_occurrences, term_rows  # noqa: E402
from storylens.models import Article  # noqa: E402
from storylens.pipeline import compare_features  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "basil-2010-2014.jsonl"
OUT = ROOT / "benchmarks" / "framing_eval" / "out"
KINDS = ("verbatim", "edited", "quotation", "paraphrase")


def load_events(path: Path) -> list[tuple[str, list[Article]]]:
    """(story, articles) in file order of first appearance; ids made unique per story."""
    events: OrderedDict[str, list[Article]] = OrderedDict()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        events.setdefault(r["story"], []).append(Article(
            id=f"{r['story'][:8]}-{len(events.get(r['story'], [])) + 1}", outlet=r.get("outlet"),
            title=r.get("title"), date=r.get("date") or None, url=r.get("url"), text=r["text"]))
    return list(events.items())


def features_for(events, cache: Path | None) -> dict[str, list[ArticleFeatures]]:
    import msgpack

    if cache and cache.exists():
        stored = msgpack.unpackb(cache.read_bytes(), raw=False)
        try:
            return {story: [ArticleFeatures.from_bytes(b) for b in blobs] for story, blobs in stored.items()}
        except Exception:  # an older features version: analyse again
            pass
    articles = [a for _, arts in events for a in arts]
    feats = iter(analyze_articles(articles))
    out = {story: [next(feats) for _ in arts] for story, arts in events}
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(msgpack.packb({s: [f.to_bytes() for f in fs] for s, fs in out.items()}))
    return out


def sentence_of(features: ArticleFeatures, offset: int) -> str:
    """The sentence holding `offset`, on one line."""
    for start, end, _, _ in features.sentences:
        if start <= offset < end:
            return " ".join(features.text[start:end].split())
    return snippet(features.text, offset)


def snippet(text: str, at: int, width: int = 70) -> str:
    lo, hi = max(0, at - width), min(len(text), at + width)
    return " ".join(("…" + text[lo:hi] + "…").split())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    ap.add_argument("--cache", type=Path, default=None, help="store/reuse article features here")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is absent", file=sys.stderr)
        return 3
    events = load_events(args.data)
    features = features_for(events, args.cache)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT.parent / "out" / ".gitignore").write_text("*\n")

    splits = {"dev": [i for i in range(len(events)) if i % 2 == 0],
              "heldout": [i for i in range(len(events)) if i % 2 == 1]}
    chosen = list(range(len(events))) if args.split == "all" else splits[args.split]

    kinds: Counter = Counter()
    all_passages = []
    nonempty = {name: 0 for name in splits}
    rows_per = {name: 0 for name in splits}
    domains: Counter = Counter()
    lines = [f"# Terms rows ({args.split})", ""]
    alines = [f"# Actors rows ({args.split})", ""]
    jlines = [f"# Rows to judge ({args.split})", "",
              "Each row names one actor (a person, an organisation, or a group of people) and, per outlet, the "
              "words that outlet uses to name or describe it, each with the sentence it comes from. Mark each row "
              "\"same actor, different words: yes/no\" with a one-line reason: yes when every listed wording "
              "refers to the actor the row names and the outlets' wordings differ; no otherwise.", ""]
    actor_rows_per = {name: 0 for name in splits}
    actor_nonempty = {name: 0 for name in splits}
    either_nonempty = {name: 0 for name in splits}
    kinds_of_rows: Counter = Counter()
    judged = 0
    for i in chosen:
        story, arts = events[i]
        fs = features[story]
        c = compare_features(fs)
        split = "dev" if i % 2 == 0 else "heldout"
        for p in c.passages:
            kinds[p.kind] += 1
            all_passages.append((i, p))
        rows = term_rows(fs, c.passages)
        if rows:
            nonempty[split] += 1
        rows_per[split] += len(rows)
        actor_rows_per[split] += len(c.actors)
        actor_nonempty[split] += bool(c.actors)
        either_nonempty[split] += bool(c.actors or rows)
        by_id = {f.id: f for f in fs}
        alines += [f"## event {i} ({split}): {arts[0].title}", ""]
        if not c.actors:
            alines += ["(no row)", ""]
        for row in c.actors:
            kinds_of_rows[row.kind] += 1
            judged += 1
            alines += [f"### {row.actor} [{row.kind}]", ""]
            jlines += [f"## row {judged} (event {i}): {row.actor}", ""]
            for d in row.descriptors:
                outlet = by_id[d.article].article.outlet
                flag = " **(differs: " + ", ".join(d.differs) + ")**" if d.differs else ""
                alines.append(f"- **{outlet}** {d.kind}: `{d.text}` ×{d.count}{flag}")
                jlines.append(f"- **{outlet}**: \"{d.text}\" ×{d.count}")
                for span in d.spans[:3]:
                    sentence = sentence_of(by_id[d.article], span.start)
                    alines.append(f"    - {sentence}")
                    jlines.append(f"    - {sentence}")
            alines.append("")
            jlines.append("")
        concepts, occurrences = term_occurrences(fs, c.passages)
        outlets = {f.id: f.article.outlet for f in fs}
        texts = {f.id: f.text for f in fs}
        lines += [f"## event {i} ({split}): {arts[0].title}", ""]
        if not rows:
            lines += ["(no row)", ""]
        for n, concept, name, using in rows:
            domains[concept.domain] += 1
            lines += [f"### {name}  [{concept.domain}: {concept.name}]", ""]
            for aid, used in using.items():
                lines.append(f"- **{outlets[aid]}**: " + ", ".join(f"{t} ×{k}" for t, k in used.items()))
                shown: Counter = Counter()
                for k, term, at in occurrences[aid]:
                    if k == n and shown[term] < 3:   # three examples of each term are enough to judge
                        shown[term] += 1
                        lines.append(f"    - `{term}`: {snippet(texts[aid], at)}")
            lines.append("")
    (OUT / f"terms-{args.split}.md").write_text("\n".join(lines), encoding="utf-8")
    (OUT / f"actors-{args.split}.md").write_text("\n".join(alines), encoding="utf-8")
    (OUT / f"judge-{args.split}.md").write_text("\n".join(jlines), encoding="utf-8")

    rng = random.Random(8)
    sample = rng.sample(all_passages, min(20, len(all_passages)))
    plines = ["# 20 passages drawn at random", ""]
    for n, (i, p) in enumerate(sample, 1):
        plines += [f"## {n}. event {i}: {p.kind} (similarity {p.similarity}, quoted {p.quoted})", ""]
        for s in p.spans:
            plines.append(f"- {s.article}: {' '.join(s.text.split())}")
        plines.append("")
    (OUT / "passages-sample.md").write_text("\n".join(plines), encoding="utf-8")

    print(f"events: {len(chosen)} ({args.split})")
    for name in splits:
        n = len([i for i in chosen if i in splits[name]])
        if n:
            print(f"  {name}: non-empty terms table {nonempty[name]}/{n} = {nonempty[name] / n:.0%}, "
                  f"{rows_per[name]} rows; actors table {actor_nonempty[name]}/{n} = "
                  f"{actor_nonempty[name] / n:.0%}, {actor_rows_per[name]} rows; either {either_nonempty[name]}/{n} "
                  f"= {either_nonempty[name] / n:.0%}")
    print("rows by domain: " + ", ".join(f"{d} {k}" for d, k in domains.most_common()))
    print("actors rows by kind: " + ", ".join(f"{d} {k}" for d, k in kinds_of_rows.most_common()))
    total = sum(kinds.values())
    print(f"passages: {total} (" + ", ".join(f"{k} {kinds[k]}" for k in KINDS) + ")")
    print(f"read: {OUT / f'terms-{args.split}.md'}, {OUT / f'actors-{args.split}.md'} and "
          f"{OUT / 'passages-sample.md'}; to judge blind: {OUT / f'judge-{args.split}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
