"""Stage: direct quotations, who said them, and which articles share them.

Rules:
- A quotation is text between double quotes (straight or curly) on one line,
  or between curly single quotes ‘…’ standing alone (not an apostrophe). An
  opening mark left open at the end of a paragraph quotes to its end, the
  usual convention for quotes that run over several paragraphs.
- The speaker is the subject of the reporting verb that governs the quote in
  the dependency parse (the nearest reporting verb up from the quoted words,
  e.g. '"...," X said', 'said "..."', 'which he called "..."'), else the nearest
  reporting verb or 'according to X' in the same sentence. Pronouns resolve to
  the latest earlier speaker of the article that fits; short names and bare
  titles ('Youssef', 'the envoy') resolve to the article's full name.
- A quote of at most two words without a governing reporting verb is a term
  or scare quote ('uses the term “terrorists”') and is skipped.
- Across articles, quotes match when their normalised words are equal, when
  one contains the other or nearly does (only if the shorter has four words or
  more, so 2-word fragments do not glue onto long quotes), or when they differ
  by small edits.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from scipy.cluster.hierarchy import DisjointSet
from spacy.tokens import Token

from .analyze import Analysis, doc_text
from .ids import finding_id
from .models import Quote, QuoteMention
from .settings import QuoteConfig
from .sources import QUOTE_VERBS, ArticleNames, according_to, article_names, same_speaker, subject_heads

UNATTRIBUTED = "unattributed"
SCARE_MAX_WORDS = 2
_TERM_CUES = {"term", "terms", "word", "words", "phrase", "label", "so-called", "dubbed",
              "branded", "slogan", "name", "nickname", "title", "headline"}

_OPEN, _CLOSE, _BOTH = "“", "”", '"'
_SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n]*?\w[^‘’\n]*?)’(?![\w’'])")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


# ------------------------------------------------------------ quote marks

def quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, mark_start, mark_end) of every quotation in `text`."""
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        spans += [(s + offset, e + offset, ms + offset, me + offset) for s, e, ms, me in _line_quotes(line)]
        offset += len(line)
    for m in _SINGLE.finditer(text):
        if not any(ms <= m.start() < me for _, _, ms, me in spans):
            spans.append((m.start(1), m.end(1), m.start(), m.end()))
    out = []
    for s, e, ms, me in sorted(spans):
        s, e = _trim(text, s, e)
        if e > s and _WORD.search(text[s:e]):
            out.append((s, e, ms, me))
    return out


def _line_quotes(line: str) -> list[tuple[int, int, int, int]]:
    # Curly marks nest (some outlets write inner quotes with “ ” too);
    # straight marks cannot, so they alternate.
    out, opened, depth = [], None, 0
    for i, ch in enumerate(line):
        if ch == _OPEN or (ch == _BOTH and opened is None):
            if opened is None:
                opened = i
            depth += 1
        elif (ch == _CLOSE or ch == _BOTH) and opened is not None:
            depth = 0 if ch == _BOTH else depth - 1
            if depth <= 0:
                out.append((opened + 1, i, opened, i + 1))
                opened, depth = None, 0
    if opened is not None:
        end = len(line.rstrip())
        out.append((opened + 1, end, opened, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "‘’'"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end


def normalise(text: str) -> str:
    """Case, quote marks, punctuation and white space do not matter."""
    return " ".join(_WORD.findall(text.lower().replace("’", "'")))


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# ------------------------------------------------------------- speakers

def _reporting_verb(analysis: Analysis, mark_start: int, mark_end: int) -> tuple[Token | None, bool]:
    """The reporting verb (or 'according') for a quote, and whether it
    governs the quote in the parse (rather than merely sharing its sentence)."""
    doc = analysis.doc

    def inside(t: Token) -> bool:
        return mark_start <= t.idx < mark_end

    sents = [s for s in analysis.sentences if s.start_char < mark_end and s.end_char > mark_start]
    if not sents:
        return None, False
    after = sents[-1].end
    if after < len(doc):
        nxt = doc[after].sent
        # '"…" \n he added.' split off as its own short sentence.
        if len(nxt) <= 8 and "\n" not in doc_text(doc)[mark_end:nxt.start_char]:
            sents.append(nxt)
    for sent in sents:
        for token in sent:
            if not inside(token) or inside(token.head):
                continue
            node = token.head
            while True:
                if not inside(node) and _is_reporting(node):
                    return node, True
                if node.head.i == node.i:
                    break
                node = node.head
    frame = [t for s in sents for t in s if not inside(t) and (_is_reporting(t) or t.lower_ == "according")]
    if not frame:
        return None, False
    return min(frame, key=lambda t: min(abs(t.idx - mark_start), abs(t.idx - mark_end))), False


def _is_reporting(token: Token) -> bool:
    if token.pos_ == "NOUN":
        # 'his claim that "..."': a statement noun owned by its speaker.
        return token.lemma_ in REPORT_NOUNS and any(c.dep_ == "poss" for c in token.children)
    return token.lemma_ in QUOTE_VERBS and token.pos_ in ("VERB", "AUX")


REPORT_NOUNS = {"claim", "statement", "remark", "comment", "word", "warning", "description",
                "assertion", "promise", "pledge", "message", "tweet", "speech", "vow", "call"}


def _speaker(names: ArticleNames, verb: Token | None, mark_start: int, mark_end: int) -> str:
    if verb is None:
        return UNATTRIBUTED
    if verb.lower_ == "according":
        heads = according_to(verb)
    elif verb.pos_ == "NOUN":
        heads = [c for c in verb.children if c.dep_ == "poss"]
    else:
        heads = [_owner(h) for h in subject_heads(verb)]
    heads = [h for h in heads if not (mark_start <= h.idx < mark_end)
             and h.ent_type_ not in ("DATE", "TIME")]  # 'Tuesday said' is a mis-parse
    resolved = []
    for head in heads:
        name = names.resolve(names.actor(head))
        if name and name != UNATTRIBUTED and name not in resolved:
            resolved.append(name)
    return " and ".join(resolved) or UNATTRIBUTED


def _is_title(quoted: str, before: str) -> bool:
    """'on "Fox News Sunday"', 'told NBC's "Today"': a capitalised name of a
    show, book or event rather than speech."""
    words = quoted.rstrip(".,;:!?").split()
    if not words or not all(w[:1].isupper() or w.lower() in _MINOR for w in words) \
            or not words[-1][:1].isupper():
        return False
    if 2 <= len(words) <= 5:
        return True
    previous = _WORD.findall(before.lower())
    return len(words) == 1 and bool(previous) and previous[-1] in ("on", "told", "s", "in", "to", "show")


_MINOR = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with"}


DOCUMENT_NOUNS = {"statement", "report", "letter", "release", "document", "post", "message", "communique"}


def _owner(head: Token) -> Token:
    """'a statement from the ministry said' -> the ministry."""
    if head.lemma_ not in DOCUMENT_NOUNS:
        return head
    for child in head.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    return head


def _is_term_mention(text: str, mark_start: int) -> bool:
    before = _WORD.findall(text[max(0, mark_start - 30):mark_start].lower())
    return bool(before) and before[-1] in _TERM_CUES


def article_quotes(analysis: Analysis) -> list[QuoteMention]:
    """Every quotation of one article with its speaker."""
    names = article_names(analysis)
    text = analysis.article.text
    out = []
    for start, end, mark_start, mark_end in quote_spans(text):
        quoted = text[start:end]
        verb, governs = _reporting_verb(analysis, mark_start, mark_end)
        short = word_count(quoted) <= SCARE_MAX_WORDS
        if short and (not governs or _is_term_mention(text, mark_start)) or _is_title(quoted, text[max(0, mark_start - 20):mark_start]):
            continue
        speaker = _speaker(names, verb, mark_start, mark_end)
        span = analysis.span(start, end)
        out.append(QuoteMention(**span.model_dump(), speaker=speaker))
    return out


# ------------------------------------------------------------- matching

def _same_quote(na: str, nb: str, config: QuoteConfig = QuoteConfig()) -> bool:
    """Compare two normalised quotes."""
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    if len(short.split()) >= config.min_match_words:
        if f" {short} " in f" {long_} " or fuzz.partial_ratio(short, long_, score_cutoff=config.partial_min):
            return True
    return min(len(na.split()), len(nb.split())) >= 3 and bool(fuzz.ratio(na, nb, score_cutoff=config.ratio_min))


def _common_speaker(speakers: list[str]) -> str:
    """The largest group of speakers naming one actor; its longest wording."""
    named = [s for s in speakers if s != UNATTRIBUTED]
    if not named:
        return UNATTRIBUTED
    groups: list[list[str]] = []
    for s in named:
        for g in groups:
            if any(same_speaker(s, o) for o in g):
                g.append(s)
                break
        else:
            groups.append([s])
    best = max(groups, key=len)  # max keeps the first of equal-size groups
    return max(best, key=lambda s: (len(s.split()), len(s)))


def match_quotes(features, config: QuoteConfig = QuoteConfig()) -> list[Quote]:
    """Quotes of all articles (each with `.id` and `.quotes`, in article
    order), merged across articles; shared ones first.

    Candidate pairs come from an inverted index of word bigrams (quotes of one
    statement share at least one, trimmed or lightly edited) plus exact
    equality for one-word quotes, so the cost follows the number of quotes
    rather than its square.
    """
    order = {f.id: i for i, f in enumerate(features)}
    mentions = [m for f in features for m in f.quotes]
    normal = [normalise(m.text) for m in mentions]
    sets = DisjointSet(range(len(mentions)))
    index: dict[str, list[int]] = {}
    for i, text in enumerate(normal):
        words = text.split()
        for gram in {" ".join(words[k:k + 2]) for k in range(max(1, len(words) - 1))}:
            index.setdefault(gram, []).append(i)
    tried: set[tuple[int, int]] = set()   # a pair shares many bigrams: judge it once
    for members in index.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if (i, j) in tried or sets.connected(i, j):
                    continue
                tried.add((i, j))
                if _same_quote(normal[i], normal[j], config):
                    sets.merge(i, j)
    quotes = []
    for group_ids in sorted(sets.subsets(), key=min):
        group = sorted((mentions[i] for i in group_ids), key=lambda m: (order[m.article], m.start))
        text = max(group, key=lambda m: len(m.text)).text
        quotes.append(Quote(id=finding_id("q", "quote", ((m.article, m.start, m.end) for m in group)),
                            speaker=_common_speaker([m.speaker for m in group]), text=text, mentions=group))

    def key(q: Quote):
        shared = len({m.article for m in q.mentions}) > 1
        first = q.mentions[0]
        return (not shared, order[first.article], first.start)

    return sorted(quotes, key=key)
