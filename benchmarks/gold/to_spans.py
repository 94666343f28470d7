"""Turn a blind reader's gold on real articles (BASIL or AllSides) (evidence as copied words) into the
committed form (evidence as character offsets), so the repository holds no
article text:

    python benchmarks/gold/to_spans.py READER_DIR OUT_DIR

Each side's `evidence` (3 to 12 words the reader copied) becomes
`evidence_span`, its first occurrence in the article (exact, else ignoring
case and the kind of quotation mark). A side's `value` is kept as the
reader wrote it when it is at most four words or is not the article's own
words (a reader's normalised value such as 'Thursday, 2011-04-07'); a longer
value found in the article (a quotation) becomes `value_span`. The
evaluation (`eval_facts_real.py`) puts the words back at run time.
Snippets that cannot be found are reported and the file is not written.

A quotes key (`articles` maps each article to a list of quoted stretches)
is converted the same way: each item's `snippet` becomes `span`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent.parent / "shared" / "data"
# a reader's key names its story; stories are looked up in both real sets
DATASETS = (SHARED / "basil-2010-2014.jsonl", SHARED / "allsides-2021.jsonl")

_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def find(text: str, snippet: str, near: int | None = None, quoted: bool = False) -> tuple[int, int] | None:
    """The snippet's span in `text`; case and quotation-mark style are folded
    (same length, so offsets carry over). The occurrence nearest `near` wins;
    with `quoted`, the first one right after an opening quotation mark (a
    reader copies a quotation's first words, and a short one such as 'Mo' may
    also occur outside the marks)."""
    for hay, needle in ((text, snippet), (text.translate(_FOLD).lower(), snippet.translate(_FOLD).lower())):
        starts, k = [], hay.find(needle)
        while needle and k >= 0:
            starts.append(k)
            k = hay.find(needle, k + 1)
        if quoted:
            starts = [x for x in starts if any(m in text[max(0, x - 3):x + 1] for m in '"\u201c')] or starts
        if starts:
            s = min(starts, key=lambda x: abs(x - near)) if near is not None else starts[0]
            return s, s + len(needle)
    return None


def convert(gold: dict, texts: dict[str, str]) -> tuple[dict, list[str]]:
    missing = []
    for item in gold.get("conflicts", []) + gold.get("agreements", []):
        for side in item.get("sides", []):
            text = texts[side["article"]]
            span = find(text, side.pop("evidence", ""))
            if span is None:
                missing.append(f"{gold['story'][:8]} {item.get('what')!r}: evidence not found")
                continue
            side["evidence_span"] = list(span)
            value = side.get("value")
            if value and len(value.split()) > 4:
                inner = find(text, value, near=span[0])
                if inner is not None:
                    side["value_span"] = list(inner)
                    del side["value"]
    return hide_copied_values(gold, texts), missing


def hide_copied_values(gold: dict, texts: dict[str, str]) -> dict:
    """A value of more than four words that is some article's own words (a
    reader's agreement value that is a quotation, or a side's value found in
    another article than its own) becomes `value_span` with `value_article`,
    so no article text is committed; the evaluation puts the words back."""
    for item in gold.get("conflicts", []) + gold.get("agreements", []):
        for holder in [item] + item.get("sides", []):
            value = holder.get("value")
            if not value or len(value.split()) <= 4:
                continue
            for article, text in texts.items():
                span = find(text, value)
                if span is not None and article in gold["articles"]:
                    holder["value_span"], holder["value_article"] = list(span), article
                    del holder["value"]
                    break
    return gold


def convert_quotes(gold: dict, texts: dict[str, str]) -> tuple[dict, list[str]]:
    """A quotes key: each item's `snippet` (the first words inside the
    quotation marks) becomes `span`; `is_quote`, `speaker`, `speaker_kind`
    and the reader's `note` are kept."""
    missing = []
    for article, items in gold["articles"].items():
        for item in items:
            snippet = item.pop("snippet", "")
            span = find(texts[article], snippet, quoted=True)
            if span is None:
                missing.append(f"{gold['story'][:8]} {article[:8]}: snippet not found")
                continue
            item["span"] = list(span)
            item.setdefault("speaker", None)   # a non-quotation has none (round 6's readers left it out)
            if item.get("speaker_kind") == "organisation":   # one spelling, the scorer's
                item["speaker_kind"] = "organization"
    return gold, missing


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    rows = [json.loads(line) for data in DATASETS if data.exists()
            for line in data.read_text().splitlines() if line.strip()]
    out.mkdir(parents=True, exist_ok=True)
    problems = 0
    for path in sorted(source.glob("*.json")):
        gold = json.loads(path.read_text())
        texts = {r["id"]: r["text"] for r in rows if r["story"] == gold["story"]}
        quotes_key = any(isinstance(v, list) for v in gold["articles"].values())
        converted, missing = (convert_quotes if quotes_key else convert)(gold, texts)
        for line in missing:
            print(line)
        problems += len(missing)
        if not missing:
            (out / path.name).write_text(json.dumps(converted, indent=1, ensure_ascii=False) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
