"""Evaluate per-article quotes, speakers and sources on PolNeAR.

    python benchmarks/eval_quotes.py [--split train|dev|all] [--limit N] [--cache DIR] [--baseline[=COMMIT]] [--write] [-v]
    make eval-quotes          # dev (held out) + the fixed train subset -> quotes_eval/RESULTS.md

Data: ../shared/data/polnear-{train,dev}.jsonl (PolNeAR, Newell et al. 2018):
real political news articles with gold attribution relations, each a
`{source, cue, content}` of character spans. Train is for tuning (the fixed
subset `--split train --limit 150` is the first 150 articles by id); dev is
held out and measured once at the end.

What is run: `storylens.analyze.analyze([article])`, then, per article,
`storylens.quotes.article_quotes(analysis)` and
`storylens.sources.article_citations(analysis)`. Nothing crosses articles.

Gold, made from the PolNeAR annotations by fixed rules (no model):

- *Quoted regions.* Each paragraph (line) is scanned for double quotation
  marks: curly “ ” (which may nest) and straight " (which alternate). A mark
  left open at the end of a paragraph quotes to the paragraph's end (the
  convention for quotes running over paragraphs). Single marks are not used:
  in this corpus they are apostrophes or nested quotes.
- *Gold direct quotes* are the parts of gold `content` spans that lie inside a
  quoted region (the intersection of the two). Quoted regions inside a gold
  content that are title-like (every word capitalised, at most 8 words) or of
  one or two words are *ambiguous* (a show title or a scare quote inside
  reported speech, or a two-word partial quote): they are neither required
  nor counted as errors. A quoted region that overlaps no gold content is
  *not a quote* (title, scare quote, label, nickname outside any attribution).
- *Quote precision* = predicted quotes overlapping a gold quote / predicted
  quotes that are not ambiguous. *Recall* = gold quotes overlapped by a
  predicted quote / gold quotes. Overlap means at least one shared word
  character.
- *Gold speaker* of a gold quote: the `source` of the attribution whose
  content covers it (several nest: the one with the longest content, i.e. the
  outermost). Sources are resolved:
    - named (contains a capitalised word that is a name word, see below):
      kept as written;
    - he/she/him/his/her/they/them/their/it/its: the nearest preceding
      *named* gold source of the article (by offset, ending before the
      pronoun); for he/she, one whose gender the article does not contradict
      ('Mr. X' makes X male, 'Mrs./Ms. X' female), and when that source is a
      definite description ('The Ohio governor said … . He added'), whom
      the description resolves to (below);
    - a definite description ('the Vermont senator', 'The GOP nominee',
      'the Wisconsin Republican': 'the' + words ending in a lower-case head
      or a party word): as for 'it', without gender;
    - who/whom/which/that: the last run of capitalised words before it in its
      sentence, else as for 'he';
    - anything else ('a source', 'the senator', 'I', 'officials'): unnamed.
  A *name word* is a capitalised word that is not a pronoun, determiner or
  title and is either not sentence-initial or never written in lower case in
  the article ('Officials said' is not named; 'Republicans said' is).
- *Speaker accuracy* is measured on matched gold quotes whose gold speaker is
  named (after resolution). A prediction is right when the capitalised name
  words of one side are all among those of the other ('Trump' ~ 'Donald
  Trump' ~ 'Mr. Trump'; of a name set off by commas, the first part that
  has name words, and there an owner ("Carter's") only when no part has
  other name words: 'A top strategist, John Weaver,' ~ 'John Weaver',
  "Carter's press secretary, Peter Cook" ~ 'Peter Cook'); 'unattributed' counts as wrong and is also reported
  as the unresolved rate. Wrong = a different name.
- *Sources*: per article, distinct predicted citation names (photo and
  contributor credits excluded: PolNeAR does not annotate credits) against
  distinct named gold source texts (grouped by the same name-word match, so
  'Trump', 'Mr. Trump' and 'Donald Trump' are one). Precision = predicted
  names matching a gold group / predicted names; recall = gold groups matched
  / gold groups. Gold sources include the subjects of any attribution cue
  ('Trump believes', 'polls show'), so recall has a low ceiling.

Limits of this gold: the pronoun rule is a proxy for a reader's resolution
(it does not know every gender); name matching by containment forgives
'Trump campaign' for 'Trump'.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "e9c2e7b"  # the rule-based version issue #7 started from
for _arg in sys.argv:
    if _arg.startswith("--baseline="):  # another starting point: --baseline=f4d819c
        BASELINE = _arg.split("=", 1)[1]
        sys.argv[sys.argv.index(_arg)] = "--baseline"
if "--baseline" in sys.argv:
    # Evaluate the starting version's code: its storylens/ from git, first on the path.
    import tarfile
    import tempfile
    _tmp = Path(tempfile.mkdtemp(prefix="storylens-baseline-"))
    _tar = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE, "storylens"],
                          capture_output=True, check=True).stdout
    import io
    tarfile.open(fileobj=io.BytesIO(_tar)).extractall(_tmp)
    sys.path.insert(0, str(_tmp))
else:
    sys.path.insert(0, str(ROOT))

from storylens.analyze import PARSE_VERSION, Analysis, analyze, load_nlp  # noqa: E402
from storylens.models import Article  # noqa: E402
from storylens.quotes import article_quotes  # noqa: E402
from storylens.sources import article_citations  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = Path(__file__).parent / "quotes_eval"
TRAIN_SUBSET = 150

_WORDCH = re.compile(r"\w")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
PRONOUN_3 = {"he", "she", "him", "his", "her", "they", "them", "their", "it", "its", "hers"}
MALE, FEMALE = {"he", "him", "his"}, {"she", "her", "hers"}
RELATIVE = {"who", "whom", "which", "that"}
STOP_CAPS = {"the", "a", "an", "this", "that", "these", "those", "some", "many", "most", "several",
             "other", "others", "another", "one", "two", "three", "four", "both", "all", "each",
             "her", "his", "their", "its", "our", "my", "your", "he", "she", "they", "it", "we", "i",
             "you", "who", "which", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president",
             "senator", "governor", "secretary", "former", "but", "and", "in", "when", "as", "after",
             "if", "while", "so", "yet", "at", "on", "for", "of", "to", "by", "with", "then", "also",
             # titles written before a name on train ('Anchor DeMarco Morgan' ~ 'co-Anchor DeMarco
             # Morgan', 'Treasurer Gary Casteel', 'Chief Williams' ~ 'Calvin Williams')
             "chief", "anchor", "treasurer"}


# ------------------------------------------------------------------ gold

def quoted_regions(text: str) -> list[tuple[int, int]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        opened, depth = None, 0
        for i, ch in enumerate(line):
            if ch == "“" or (ch == '"' and opened is None):
                if opened is None:
                    opened = i
                depth += 1
            elif ch in '”"' and opened is not None:
                depth = 0 if ch == '"' else depth - 1
                if depth <= 0:
                    out.append((offset + opened + 1, offset + i))
                    opened, depth = None, 0
        if opened is not None:
            out.append((offset + opened + 1, offset + len(line.rstrip())))
        offset += len(line)
    return [(s, e) for s, e in out if _WORDCH.search(text[s:e])]


def _title_like(words: list[str]) -> bool:
    minor = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "or", "is"}
    return 0 < len(words) <= 8 and all(w[:1].isupper() or w.lower() in minor for w in words) \
        and words[-1][:1].isupper()


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t“\"‘'(—-":
        i -= 1
    return i < 0 or text[i] in ".!?:\n"


def _description(written: str) -> bool:
    """'the Vermont senator', 'The GOP nominee', 'the Wisconsin Republican':
    'the' + words ending in a lower-case head or a party word (of the part
    before any comma)."""
    head = _WORD.findall(written.split(",")[0])
    return bool(head) and head[0].lower() == "the" and len(head) > 1 and (
        not head[-1][:1].isupper() or head[-1].rstrip("’'s") in ("Republican", "Democrat"))


class Gold:
    def __init__(self, row: dict):
        self.text = text = row["text"]
        self.lower_words = set(re.findall(r"\b[a-z][a-z'’-]*\b", text))
        atts = [a for a in row["attributions"] if a.get("content")]
        self.genders = self._genders(text)
        named_sources = sorted(((a["source"][0], a["source"][1], a["source"][2]) for a in row["attributions"]
                                if a.get("source") and self.is_named(a["source"][0], a["source"][2])))
        self.named_sources = named_sources
        self.quotes: list[dict] = []   # {start, end, speaker (named or None), source}
        self.ambiguous: list[tuple[int, int]] = []
        self.non_quotes: list[tuple[int, int]] = []
        for qs, qe in quoted_regions(text):
            covering = [a for a in atts if a["content"][0] < qe and qs < a["content"][1]]
            if not covering:
                self.non_quotes.append((qs, qe))
                continue
            words = _WORD.findall(text[qs:qe])
            if _title_like(text[qs:qe].rstrip(".,;:!?").split()) or len(words) <= 2:
                self.ambiguous.append((qs, qe))
                continue
            best = max(covering, key=lambda a: (min(qe, a["content"][1]) - max(qs, a["content"][0]),
                                                a["content"][1] - a["content"][0]))
            s, e = max(qs, best["content"][0]), min(qe, best["content"][1])
            if not _WORDCH.search(text[s:e]):
                continue
            self.quotes.append({"start": s, "end": e, "source": best["source"][2] if best["source"] else None,
                                "speaker": self.resolve(best["source"])})

    def _genders(self, text: str) -> dict[str, str]:
        out = {}
        for m in re.finditer(r"\b(Mr|Mrs|Ms)\.? ([A-Z][\w'’-]+)", text):
            out.setdefault(m.group(2).lower(), "m" if m.group(1) == "Mr" else "f")
        return out

    def is_named(self, start: int, written: str) -> bool:
        for m in _WORD.finditer(written):
            w = m.group(0).rstrip(".'’")
            if not w[:1].isupper() or w.lower().rstrip("s'’") in STOP_CAPS or w.lower() in STOP_CAPS:
                continue
            if not _sentence_initial(self.text, start + m.start()) or w.lower() not in self.lower_words:
                return True
        return False

    def resolve(self, source) -> str | None:
        if not source:
            return None
        start, end, written = source
        description = _description(written)
        if self.is_named(start, written) and not description:
            return written
        low = written.lower().strip()
        if low in RELATIVE:
            sent_start = max(self.text.rfind(". ", 0, start), self.text.rfind("\n", 0, start)) + 1
            runs = list(re.finditer(r"(?:[A-Z][\w'’.-]*(?:\s+|$))+", self.text[sent_start:start]))
            for run in reversed(runs):
                if self.is_named(sent_start + run.start(), run.group(0)):
                    return run.group(0).strip(" ,")
        if low not in PRONOUN_3 | RELATIVE and not description:
            return None
        for s, e, name in reversed(self.named_sources):
            if e > start:
                continue
            gender = self.genders.get(name.split()[-1].lower().strip("'’s"))
            if (low in MALE and gender == "f") or (low in FEMALE and gender == "m"):
                continue
            # 'The Florida senator said … . He added': 'he' is the person the
            # description stands for, as for a description itself.
            return self.resolve((s, e, name)) if low in MALE | FEMALE and _description(name) else name
        return None


# --------------------------------------------------------------- matching

def name_key(name: str) -> set[str]:
    """The name words of the first comma-separated part that has any: 'Brent
    Bozell III, founder of the Media Research Center' -> {brent, bozell, iii};
    'A top strategist, John Weaver,' -> {john, weaver}."""
    parts = [p.split(" who ")[0] for p in name.split(",")]
    # "Carter's press secretary, Peter Cook" -> {peter, cook}; "Harry Reid's office" keeps {harry, reid}.
    for owners in ((False, True) if len(parts) > 1 else (True,)):
        for part in parts:
            words = [w.rstrip(".'’") for w in _WORD.findall(part)]
            words = [w.removesuffix("’s").removesuffix("'s") for w in words
                     if owners or not w.endswith(("’s", "'s"))]
            key = {w.lower() for w in words if w[:1].isupper() and w.lower() not in STOP_CAPS}
            if key:
                return key
    return set()


def same_name(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    return bool(ka) and bool(kb) and (ka <= kb or kb <= ka)


def _overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> int:
    s, e = max(a[0], b[0]), min(a[1], b[1])
    return len(_WORDCH.findall(text[s:e])) if e > s else 0


# ---------------------------------------------------------------- running

def load_rows(split: str, limit: int | None) -> list[dict]:
    path = DATA / f"polnear-{split}.jsonl"
    rows = sorted((json.loads(line) for line in path.open()), key=lambda r: r["id"])
    return rows[:limit] if limit else rows


def parse(rows: list[dict], cache: Path | None) -> tuple[list[Analysis], float]:
    """Analyses (parsed once, cached as a DocBin when `cache` is given) and
    the parse time in seconds (from the cache when cached)."""
    from spacy.tokens import DocBin

    articles = [Article(id=r["id"], text=r["text"]) for r in rows]
    # PARSE_VERSION in the key: a change to what spaCy is given is never
    # served an old parse.
    key = hashlib.sha1("\n".join([r["id"] for r in rows] + [str(PARSE_VERSION)]).encode()).hexdigest()[:12]
    path = cache / f"{key}.spacy" if cache else None
    nlp = load_nlp()
    if path and path.exists():
        meta = json.loads(path.with_suffix(".json").read_text())
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        return [Analysis(article=a, doc=d) for a, d in zip(articles, docs)], meta["parse_s"]
    t0 = time.perf_counter()
    analyses = analyze(articles)
    parse_s = time.perf_counter() - t0
    if path:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(docs=[a.doc for a in analyses], store_user_data=False).to_disk(path)
        path.with_suffix(".json").write_text(json.dumps({"parse_s": parse_s}))
    return analyses, parse_s


def evaluate(rows: list[dict], analyses: list[Analysis], verbose: bool = False) -> dict:
    c = dict(pred=0, pred_ok=0, gold=0, gold_found=0, spk=0, spk_ok=0, spk_none=0, spk_wrong=0,
             src_pred=0, src_pred_ok=0, src_gold=0, src_gold_found=0, unnamed_given_name=0, unnamed=0)
    errors: list[str] = []
    t0 = time.perf_counter()
    extracted = [(article_quotes(a), [x for x in article_citations(a) if x.kind not in ("photo", "contributor")])
                 for a in analyses]
    extract_s = time.perf_counter() - t0
    for row, (quotes, cites) in zip(rows, extracted):
        g = Gold(row)
        text = g.text
        spans = [(q.start, q.end) for q in quotes]
        for q, sp in zip(quotes, spans):
            if any(_overlap(text, sp, a) for a in g.ambiguous) and not any(_overlap(text, sp, (x["start"], x["end"])) for x in g.quotes):
                continue
            c["pred"] += 1
            if any(_overlap(text, sp, (x["start"], x["end"])) for x in g.quotes):
                c["pred_ok"] += 1
            elif verbose:
                errors.append(f"FP  {row['id']} [{q.text[:70]}]")
        for x in g.quotes:
            c["gold"] += 1
            hits = [(o, q) for q, sp in zip(quotes, spans) if (o := _overlap(text, sp, (x["start"], x["end"])))]
            if not hits:
                if verbose:
                    errors.append(f"FN  {row['id']} [{text[x['start']:x['end']][:70]}]")
                continue
            c["gold_found"] += 1
            pred = max(hits, key=lambda h: h[0])[1].speaker
            if x["speaker"] is None:
                c["unnamed"] += 1
                if pred != "unattributed" and name_key(pred) and not same_name(pred, x["source"] or ""):
                    c["unnamed_given_name"] += 1
                continue
            c["spk"] += 1
            if same_name(pred, x["speaker"]):
                c["spk_ok"] += 1
                continue
            if pred == "unattributed":
                c["spk_none"] += 1
                kind = "NONE"
            else:
                c["spk_wrong"] += 1
                kind = "WRONG"
            if verbose:
                errors.append(f"{kind} {row['id']}@{x['start']} gold={x['speaker']!r} (src {x['source']!r}) "
                              f"pred={pred!r} [{text[x['start']:x['end']][:50]}]")
        # sources
        groups: list[list[str]] = []
        for _, _, name in g.named_sources:
            for grp in groups:
                if any(same_name(name, o) for o in grp):
                    grp.append(name)
                    break
            else:
                groups.append([name])
        names = list(dict.fromkeys(x.name for x in cites))
        c["src_pred"] += len(names)
        c["src_gold"] += len(groups)
        for n in names:
            if any(same_name(n, o) for grp in groups for o in grp):
                c["src_pred_ok"] += 1
            elif verbose:
                errors.append(f"SRC-FP {row['id']} {n!r}")
        c["src_gold_found"] += sum(1 for grp in groups if any(same_name(n, o) for n in names for o in grp))

    def ratio(a, b):
        return round(c[a] / c[b], 3) if c[b] else 0.0

    return {
        "articles": len(rows),
        "words": sum(len(r["text"].split()) for r in rows),
        "quote_precision": ratio("pred_ok", "pred"),
        "quote_recall": ratio("gold_found", "gold"),
        "speaker_accuracy": ratio("spk_ok", "spk"),
        "speaker_wrong": ratio("spk_wrong", "spk"),
        "speaker_unresolved": ratio("spk_none", "spk"),
        "named_where_gold_unnamed": ratio("unnamed_given_name", "unnamed"),
        "source_precision": ratio("src_pred_ok", "src_pred"),
        "source_recall": ratio("src_gold_found", "src_gold"),
        "counts": c,
        "extract_s": round(extract_s, 2),
        "errors": errors,
    }


def commit_id() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "storylens"],
                               capture_output=True, text=True).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except Exception:
        return "unknown"


ROW = ("| {label} | {articles} | {quote_precision:.3f} | {quote_recall:.3f} | {speaker_accuracy:.3f} | "
       "{speaker_wrong:.3f} | {speaker_unresolved:.3f} | {source_precision:.3f} | {source_recall:.3f} |")
HEAD = ("| run | articles | quote P | quote R | speaker acc | wrong | unresolved | source P | source R |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|")


def run(split: str = "dev", limit: int | None = None, cache: Path | None = None, verbose: bool = False) -> dict:
    rows = load_rows(split, limit)
    analyses, parse_s = parse(rows, cache)
    report = evaluate(rows, analyses, verbose)
    report.update(split=split, limit=limit, parse_s=round(parse_s, 2), commit=commit_id())
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["train", "dev", "all"], default="all",
                    help="'all' = dev (held out) and the fixed train subset")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--cache", type=Path, default=None, help="cache parses here (DocBin)")
    ap.add_argument("--write", action="store_true", help="append the figures to quotes_eval/RESULTS.md")
    ap.add_argument("--label", default="", help="row label for --write")
    ap.add_argument("--baseline", action="store_true", help=f"evaluate the starting version ({BASELINE})")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if not (DATA / "polnear-dev.jsonl").exists():
        print(f"PolNeAR not found in {DATA}", file=sys.stderr)
        return 2
    splits = [("dev", None), ("train", TRAIN_SUBSET)] if args.split == "all" else [(args.split, args.limit)]
    lines = []
    for split, limit in splits:
        if args.split != "all" and args.limit is None and split == "train":
            limit = TRAIN_SUBSET
        report = run(split, limit, args.cache, args.verbose)
        for e in report.pop("errors"):
            print(e)
        print(json.dumps(report, indent=1))
        label = f"{args.label or (BASELINE + ' (baseline)' if args.baseline else report['commit'])} {split}" + (f"[:{limit}]" if limit else "")
        lines.append(ROW.format(label=label, **report))
        print(f"extraction {report['extract_s']} s vs parse {report['parse_s']} s "
              f"({1 + report['extract_s'] / max(report['parse_s'], 1e-9):.2f}x)")
    print(HEAD)
    print("\n".join(lines))
    if args.write:
        OUT.mkdir(exist_ok=True)
        path = OUT / "RESULTS.md"
        if not path.exists():
            path.write_text("# Quotes and sources on PolNeAR\n\nWritten by `benchmarks/eval_quotes.py --write`; "
                            "gold and metrics are defined in its docstring.\n\n" + HEAD + "\n")
        with path.open("a") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
