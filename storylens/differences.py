"""Story phase: values that differ in the same slot, where the claim extractor
cannot see them.

- **Inside one sentence.** Where two outlets carry versions of one sentence (a
  passage), the passage's word-level edits say exactly what changed. An edit
  whose two sides both hold a number, a date word (weekday, month) or a
  proper name, and whose values differ, is the strongest sign of a conflict
  there is: the rest of the sentence is the same, so the two values fill the
  same slot (`edit_facts`).
- **Names across articles.** A name spelled differently by two outlets
  ('Norwalk' / 'Norfolk', 'Prieto' / 'Preito'), or one surname under two
  different first names ('William Kestrel' / 'Bill Kestrel'), in the same
  context: similar sentences, a shared passage, or shared words around the
  name. Neither outlet may use the other's form anywhere, else both are
  simply in the story (two sisters, two towns) (`name_facts`).

Everything here reads the stored tokens of `ArticleFeatures`; nothing is parsed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist
from text_to_num import text2num

from .facts import MONTHS, WEEKDAYS
from .models import Claim, Fact, Passage
from .names import first_name_same, nickname_same
from .naming import Who, who
from .settings import FactsConfig

# Words of a title or honorific before a name: a different title is a style,
# not a different name ('Senator' / 'Sen.').
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "representative", "gov", "governor",
          "president", "sec", "secretary", "gen", "general", "judge", "justice", "chief", "speaker",
          "minister", "prime", "mayor", "lt", "lieutenant", "col", "colonel", "capt", "captain", "sgt",
          "adm", "admiral", "rev", "reverend", "sir", "lord", "lady", "king", "queen", "prince", "pope",
          "vice", "former", "attorney", "chairman", "chairwoman", "leader", "majority", "minority",
          "house", "jr", "sr", "ii", "iii", "the", "u.s", "us", "d", "r", "i"}
# Title words that may follow a name: a generation or a party letter ('John Smith Jr.', 'D').
_SUFFIXES = {"jr", "sr", "ii", "iii", "d", "r", "i"}
ABBREVIATIONS = {"ft": "fort", "mt": "mount", "st": "saint", "pt": "port"}
_INITIAL = re.compile(r"^[a-z]\.?$")
_LETTERS = re.compile(r"[a-z]+")
_NUMBER_WORD = re.compile(r"^(?:\d[\d,]*(?:\.\d+)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                          r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|"
                          r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|"
                          r"trillion)$", re.I)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_QUALIFIERS = {"about", "around", "some", "nearly", "almost", "roughly", "approximately", "over", "more",
               "less", "fewer", "under", "least", "most", "up", "than", "estimated"}
_DATE_WORDS = set(WEEKDAYS) | set(MONTHS) | {m[:3] for m in MONTHS} | {"sept"}


_REGIONAL = ((re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"), (re.compile(r"our"), "or"),
             (re.compile(r"tre$"), "ter"), (re.compile(r"ll(ed|ing|er)$"), r"l\1"))


def regional(word: str) -> str:
    """British and American spellings as one: 'organisation' / 'organization', 'centre' / 'center'."""
    for pattern, repl in _REGIONAL:
        word = pattern.sub(repl, word)
    return word


# Endings that make another word of a name: a plural ('Disease' / 'Diseases'), the
# name of its people ('Florida' / 'Floridian', 'America' / 'American', 'Texas' / 'Texan'),
# or an adjective ('Democrat' / 'Democratic').
_DERIVED_ENDINGS = ("s", "es", "n", "an", "ian", "ese", "ish", "i", "ic")


def plural(x: str, y: str) -> bool:
    """'Disease' / 'Diseases': one word, not a short form of a first name."""
    short, long = sorted((x, y), key=len)
    return long in (short + "s", short + "es")


def derived(x: str, y: str) -> bool:
    """One word is the other with an ending that makes another word of it,
    not another spelling of it: two words of the story, not a misspelling."""
    if nickname_same(x, y):
        return False   # 'Steve' / 'Steven': a short form of one first name
    short, long = sorted((x, y), key=len)
    if any(long.endswith(end) and long[:-len(end)] in (short, short[:-1])
           for end in _DERIVED_ENDINGS if len(long) - len(end) >= len(short) - 1):
        return True
    # or both are one word with two endings ('Democrats' / 'Democratic')
    return bool(_stems(short) & _stems(long))


def _stems(word: str) -> set[str]:
    return {word[:-len(end)] for end in _DERIVED_ENDINGS if word.endswith(end) and len(word) - len(end) >= 4}


# --- values of an edit side ------------------------------------------------------

def _numbers(tokens) -> tuple[float, ...] | None:
    """The figures a few words state, in order: 'nine to four' and '9-4' are (9, 4)."""
    out: list[float] = []
    words: list[str] = []

    def flush() -> bool:
        if not words:
            return True
        scale = 1.0
        while words and words[-1] in _SCALES:
            scale *= _SCALES[words.pop()]
        if not words:
            out.append(scale)
            return True
        if len(words) == 1 and re.match(r"^\d", words[0]):
            out.append(float(words[0].replace(",", "")) * scale)
        else:
            try:
                out.append(float(text2num(" ".join(words), "en")) * scale)
            except ValueError:
                return False
        words.clear()
        return True

    for t in tokens:
        low = t.lower_
        if _NUMBER_WORD.match(low) or (low == "and" and words):
            if re.match(r"^\d", low) and words and not all(w in _SCALES for w in words):
                if not flush():
                    return None
            words.append(low)
        else:
            if words and words[-1] == "and":
                words.pop()
            if not flush():
                return None
    if words and words[-1] == "and":
        words.pop()
    if not flush():
        return None
    return tuple(out) or None


def _dates(tokens) -> tuple[str, ...]:
    return tuple(t.lower_.rstrip(".") for t in tokens if t.lower_.rstrip(".") in _DATE_WORDS)


def _name_words(tokens) -> tuple[str, ...]:
    # dots dropped first: 'F.B.I.' is the word 'fbi', as 'FBI' is
    return tuple(w for t in tokens if t.pos_ == "PROPN" and t.lower_.rstrip(".") not in _DATE_WORDS
                 for w in _LETTERS.findall(t.lower_.replace(".", "")) if w not in TITLES)


def _mostly_names(tokens) -> bool:
    """A side that is a name, perhaps with a title: not a rewritten clause that holds one."""
    words = [t for t in tokens if not t.is_punct]
    return sum(t.pos_ == "PROPN" for t in words) * 2 >= len(words)


def _qualified(tokens) -> bool:
    return any(t.lower_ in _QUALIFIERS for t in tokens)


@dataclass
class _Slot:
    kind: str          # number | date | name
    a: tuple
    b: tuple
    incompatible: bool
    why: str


def compare_slot(a_tokens, b_tokens, config: FactsConfig = FactsConfig(), dates=None) -> _Slot | None:
    """What two versions of one slot say, when both hold a value of one kind and
    the values differ; None when they agree or hold no comparable value.
    `dates` are the two sides' resolved dates, where the claim extractor
    resolved them against publication."""
    words = max(len([t for t in a_tokens if not t.is_punct]), len([t for t in b_tokens if not t.is_punct]))
    if not a_tokens or not b_tokens or words > config.edit_max_words:
        return None
    na, nb = _numbers(a_tokens), _numbers(b_tokens)
    if na and nb:
        if na == nb:
            return None
        bound = _qualified(a_tokens) or _qualified(b_tokens)
        return _Slot("number", na, nb, not bound,
                     "one figure is hedged, so both could hold" if bound else "the figures are incompatible")
    da, db = _dates(a_tokens), _dates(b_tokens)
    if da and db:
        if da == db:
            return None
        if dates is not None and all(dates):
            if dates[0] == dates[1]:
                return None   # 'Tuesday' and '11 March' are one day here
            return _Slot("date", da, db, True, f"the dates are incompatible ({dates[0]:%d %b %Y} vs {dates[1]:%d %b %Y})")
        if (set(da) <= set(WEEKDAYS)) != (set(db) <= set(WEEKDAYS)):
            return None   # a weekday against a month day, neither resolved: cannot tell
        return _Slot("date", da, db, True, "the dates are incompatible")
    pa, pb = _name_words(a_tokens), _name_words(b_tokens)
    if pa and pb and not (na or nb or da or db) and _mostly_names(a_tokens) and _mostly_names(b_tokens):
        pa, pb = tuple(regional(w) for w in pa), tuple(regional(w) for w in pb)
        if pa == pb or set(pa) <= set(pb) or set(pb) <= set(pa):
            return None   # a name with and without its first name or initial
        if len(pa) == len(pb) and all(x == y or derived(x, y) for x, y in zip(pa, pb)):
            return None   # 'Florida' / 'Floridian': the sentence's grammar, not the name
        if len(pa) == len(pb) and all(first_name_same(x, y) for x, y in zip(pa, pb)):
            return _Slot("name", pa, pb, False, "the same name in another form (a short first name)")
        close = all(x == y or Levenshtein.normalized_similarity(x, y) >= config.name_spelling_similarity
                    for x, y in zip(pa, pb)) and len(pa) == len(pb)
        if close:
            return _Slot("name", pa, pb, False, "the same name spelled differently: a variant spelling or a "
                                                "misspelling, one outlet's form is not the usual one")
        return _Slot("name", pa, pb, True, "different names in the same place of the sentence")
    return None


def _counted(f, span) -> str | None:
    """The noun a changed figure counts: '19 executive actions' -> 'actions'."""
    after = f.tokens_in(span.end, span.end + 40)[:4]
    noun = next((t for t in after if t.pos_ == "NOUN"), None)
    if noun is None or any(t.pos_ in ("VERB", "AUX", "ADP") for t in after[:after.index(noun)]):
        return None
    return noun.lower_


def _date_in(f, span):
    """The date the claim extractor resolved inside a span, if one."""
    return next((c.date for c in f.claims if c.kind == "date" and c.date
                 and span.start <= c.start and c.end <= span.end), None)


def edit_facts(passages: list[Passage], features, config: FactsConfig = FactsConfig()) -> list[Fact]:
    """A conflict for every passage edit that changes a number, date or name;
    edits of one kind in one passage between two articles make one fact
    ('Muammar al-Qaradi' / 'Moammar Garadi')."""
    by_id = {f.id: f for f in features}
    groups: dict[tuple, list] = {}
    for p in passages:
        for e in p.edits:
            fa, fb = by_id.get(e.from_.article), by_id.get(e.to.article)
            if fa is None or fb is None or e.from_.start == e.from_.end or e.to.start == e.to.end:
                continue
            if "[" in e.from_.text or "[" in e.to.text:
                continue   # an editor's bracketed words stand for the other's ('[World Health Organization]' / 'WHO')
            dates = (_date_in(fa, e.from_), _date_in(fb, e.to))
            slot = compare_slot(fa.tokens_in(e.from_.start, e.from_.end), fb.tokens_in(e.to.start, e.to.end), config,
                                dates)
            if slot is None or (p.kind == "paraphrase" and (slot.kind == "name" or not slot.incompatible)):
                continue   # independent wording: a changed name there may be another person
            groups.setdefault((p.id, e.from_.article, e.to.article, slot.kind), []).append((p, e, slot, fb))
    facts = []
    for (_, a, b, kind), found in groups.items():
        p = found[0][0]
        if p.kind == "paraphrase":
            where = ("sentences written independently that say the same thing (a paraphrase), so the two "
                     "values most likely fill the same slot")
        else:
            where = {"verbatim": "copies of one sentence", "edited": "versions of one copy-edited sentence",
                     "quotation": "versions of one quotation"}[p.kind]
        changes = "; ".join(f"where {who(a)} has '{e.from_.text}', {who(b)} has '{e.to.text}'"
                            for _, e, _, _ in found)
        slots = [slot for _, _, slot, _ in found]
        incompatible = any(s.incompatible for s in slots)
        why = next((s.why for s in slots if s.incompatible), slots[0].why)
        noun = _counted(found[0][3], found[0][1].to) if kind == "number" else None
        what = {"number": f"number of {noun}" if noun else "figure in a shared sentence",
                "date": "date in a shared sentence", "name": "name in a shared sentence"}[kind]
        claims = [Claim(article=s.article, start=s.start, end=s.end, text=s.text, value=s.text)
                  for _, e, _, _ in found for s in (e.from_, e.to)]
        facts.append(Fact(what=what, kind=kind, status="conflict", claims=claims,
                          explanation=f"{Who(a)} and {who(b)} carry {where}; {changes}: {why}.",
                          confidence=0.9 if p.kind != "paraphrase" else 0.7, incompatible=incompatible))
    return facts


# --- names across articles ----------------------------------------------------------

@dataclass
class _Mention:
    article: str
    start: int
    end: int
    text: str
    words: tuple[str, ...]       # lower-case name words, titles dropped
    sentence: int
    surname_alone: bool = False  # the article also names its last word alone ('Kestrel said'): a person
    office: str | None = None    # the office the article writes before this form of the name ('Gen.'): a person


def _first_name(m: _Mention) -> str | None:
    """The word before the surname, past middle initials ('Christopher J. Dobbs')."""
    for w in reversed(m.words[:-1]):
        if not _INITIAL.match(w):
            return w
    return None


def name_mentions(f) -> list[_Mention]:
    """Runs of proper-noun tokens ('Sen. Chris Dobbs', 'al-Qaradi', 'Parris
    Island'), with the article's sentence index."""
    tokens = f.tokens
    starts = [s[0] for s in f.sentences]
    out: list[_Mention] = []
    run: list = []

    def close() -> None:
        while run and not run[-1].is_alpha:
            run.pop()
        if run:
            # titles stand before a name; one after the first name word is part of
            # it ('White House', 'Foreign Affairs Committee'), not a person's title
            words: list[str] = []
            for w in (w for t in run for w in _LETTERS.findall(t.lower_) if w not in _DATE_WORDS):
                if w not in TITLES or (words and w not in _SUFFIXES):
                    words.append(ABBREVIATIONS.get(w, w))
            words = tuple(words)
            if words:
                s, e = run[0].idx, run[-1].idx + len(run[-1].text)
                out.append(_Mention(f.id, s, e, f.text[s:e], words, max(0, bisect_right(starts, s) - 1)))
        run.clear()

    for n, t in enumerate(tokens):
        if t.pos_ == "PROPN" and not t.like_num:
            if run and run[-1].idx + len(run[-1].text) < t.idx - 1:
                close()
            run.append(t)
        elif run and t.text == "-" and run[-1].idx + len(run[-1].text) == t.idx \
                and n + 1 < len(tokens) and tokens[n + 1].pos_ == "PROPN" and tokens[n + 1].idx == t.idx + 1:
            run.append(t)
        elif run:
            close()
    close()
    alone = {m.words[0] for m in out if len(m.words) == 1}
    offices: dict[tuple[str, ...], str | None] = {}
    for m in out:
        if offices.get(m.words) is None:
            offices[m.words] = _role_before(f, m)
    for m in out:
        m.surname_alone = m.words[-1] in alone
        m.office = offices[m.words]
    return out


def _words(f) -> set[str]:
    """Every run of letters inside a token (one pattern pass: NUL keeps tokens apart)."""
    return set(_LETTERS.findall("\0".join(t.lower_ for t in f.tokens)))


def _full_names(mentions: list[_Mention]) -> set[tuple[str, str]]:
    return {(_first_name(m), m.words[-1]) for m in mentions if len(m.words) >= 2}


class _Context:
    """How sure two mentions sit in the same context: 3 inside one passage,
    2 in similar sentences, 1 sharing content words nearby or one office
    written before both names, 0 none."""

    def __init__(self, features, passages: list[Passage], config: FactsConfig):
        self.by_id = {f.id: f for f in features}
        self.config = config
        self.spans: dict[str, list[tuple[int, int, int]]] = {}
        for n, p in enumerate(passages):
            for sp in p.spans:
                self.spans.setdefault(sp.article, []).append((sp.start, sp.end, n))
        self._near: dict[tuple, frozenset] = {}

    def _inside(self, m: _Mention) -> set[int]:
        return {n for s, e, n in self.spans.get(m.article, ()) if s <= m.start and m.end <= e}

    def near(self, m: _Mention) -> frozenset[str]:
        key = (m.article, m.start)
        if key not in self._near:
            f = self.by_id[m.article]
            _, _, lo, hi = f.sentences[m.sentence]
            inside = f.tokens_in(m.start, m.end)
            width = self.config.name_context_words
            toks = f.tokens[max(lo, inside[0].i - width):inside[0].i] + f.tokens[inside[-1].i + 1:min(hi, inside[-1].i + 1 + width)]
            self._near[key] = frozenset(t.lemma_.lower() for t in toks
                                        if t.pos_ in ("NOUN", "VERB", "PROPN", "ADJ", "NUM") and not t.is_stop)
        return self._near[key]

    def __call__(self, x: _Mention, y: _Mention) -> int:
        if self._inside(x) & self._inside(y):
            return 3
        fx, fy = self.by_id[x.article], self.by_id[y.article]
        sim = float(fx.sentence_vector(x.sentence) @ fy.sentence_vector(y.sentence))
        if sim >= self.config.name_context_similarity:
            return 2
        if len(self.near(x) & self.near(y)) >= self.config.name_context_shared:
            return 1
        # one office before both names ('Gen. Frank McKinnon' / 'Gen. Kenneth McKinnon'): one role
        office = _role_before(fx, x)
        return int(office is not None and office == _role_before(fy, y))


def name_facts(features, passages: list[Passage], config: FactsConfig = FactsConfig()) -> list[Fact]:
    """Conflicts over names: spelled differently, or one surname with two
    different first names, in the same context (see the module docstring)."""
    context = _Context(features, passages, config)
    mentions = {f.id: name_mentions(f) for f in features}
    words = {f.id: _words(f) for f in features}
    full = {k: _full_names(v) for k, v in mentions.items()}
    indexes = {k: _index(v) for k, v in mentions.items()}
    # Spellings are compared once over the story's name words, not once per
    # pair of articles; each article keeps its words that have a look-alike,
    # ranked in index order.
    alike = _spelled_alike({w for index in indexes.values() for w in index}, config)
    ranked = {k: {w: n for n, w in enumerate(w for w in index if w in alike)} for k, index in indexes.items()}
    found: list[tuple[_Mention, _Mention, bool, str, str]] = []
    # Whether two forms can differ at all, whatever the two articles write
    # besides: `_judge` with no words of either article. What an article
    # writes only ever rejects a pair, so a pair of forms rejected without it
    # is rejected in every pair of articles, and most are (a story repeats
    # its pairs of forms across its pairs of articles).
    viable: dict[tuple, bool] = {}
    for fa, fb in _article_pairs(features, indexes, ranked, alike):
        words_a, words_b, full_a, full_b = words[fa.id], words[fb.id], full[fa.id], full[fb.id]
        best: dict[tuple, tuple] = {}
        for xs, ys in _candidate_pairs(indexes[fa.id], indexes[fb.id], words_a, words_b,
                                       ranked[fa.id], ranked[fb.id], alike):
            # a form's mentions share their words, `surname_alone` and `office` (one article's)
            forms = (xs[0].words, ys[0].words, xs[0].surname_alone, ys[0].surname_alone, xs[0].office, ys[0].office)
            if forms not in viable:
                viable[forms] = _judge(xs[0], ys[0], set(), set(), set(), set(), config) is not None
            if not viable[forms]:
                continue
            # the verdict depends on the two forms alone; the context on each pair of mentions
            judged = _judge(xs[0], ys[0], words_a, words_b, full_a, full_b, config)
            if judged is None:
                continue
            key, incompatible, why, what, needs_context = judged
            for x in xs:
                for y in ys:
                    strength = context(x, y) if needs_context else 3
                    if strength >= 1 and (key not in best or strength > best[key][0]):
                        best[key] = (strength, x, y, incompatible, why, what)
        found += [(x, y, inc, why, what) for _, x, y, inc, why, what in best.values()]
    return _merge(found)


def _article_pairs(features, indexes: dict, ranked: dict, alike: dict[str, set[str]]) -> list[tuple]:
    """The pairs of articles `_candidate_pairs` can find a pair of forms in,
    in the order of `combinations` (which the facts keep), from an inverted
    index over name words rather than by trying every pair. Its two
    necessary conditions, one per kind of key:

    - a word in both articles' indexes (forms sharing a last or first word);
    - a word of one article's `ranked` spelled alike (`alike`) to a word of
      the other's `ranked` (two forms written alike).
    """
    holders: dict[str, list[int]] = {}   # index word -> the articles whose index holds it
    for n, f in enumerate(features):
        for w in indexes[f.id]:
            holders.setdefault(w, []).append(n)
    partners: list[set[int]] = []
    for f in features:
        found = set()
        for w in indexes[f.id]:
            found.update(holders[w])
        for u in ranked[f.id]:
            for v in alike[u]:
                found.update(n for n in holders.get(v, ()) if v in ranked[features[n].id])
        partners.append(found)
    return [(features[i], features[j]) for i, j in combinations(range(len(features)), 2) if j in partners[i]]


def _index(ms: list[_Mention]) -> dict[str, dict[tuple[str, ...], list[_Mention]]]:
    """Last or first name word -> the article's name forms (word tuples) with
    that word -> their mentions, in text order. An article repeats its names,
    so pairs are judged per pair of forms, not per pair of mentions."""
    out: dict[str, dict[tuple[str, ...], list[_Mention]]] = {}
    for m in ms:
        for w in dict.fromkeys((m.words[-1], m.words[0])):
            out.setdefault(w, {}).setdefault(m.words, []).append(m)
    return out


def _spelled_alike(words: set[str], config: FactsConfig) -> dict[str, set[str]]:
    """Name word -> the story's other name words spelled alike (normalised
    Levenshtein similarity at least `name_spelling_similarity`, both words at
    least `name_min_letters` long): one distance matrix, in blocks of rows."""
    vocab = sorted(w for w in words if len(w) >= config.name_min_letters)
    alike: dict[str, set[str]] = {}
    block = 512
    for lo in range(0, len(vocab), block):
        scores = cdist(vocab[lo:lo + block], vocab, scorer=Levenshtein.normalized_similarity,
                       score_cutoff=config.name_spelling_similarity)
        for i, j in zip(*np.nonzero(scores)):
            if lo + i != j:
                alike.setdefault(vocab[lo + i], set()).add(vocab[j])
    return alike


def _candidate_pairs(ia: dict, ib: dict, words_a: set[str], words_b: set[str], ranked_a: dict[str, int],
                     ranked_b: dict[str, int], alike: dict[str, set[str]]):
    """Pairs of name forms worth judging, as their two lists of mentions, from
    indexes rather than every pair: different forms with the same last or
    first word, or with a word written only by one article each and spelled
    alike (`alike`; `ranked_a`/`ranked_b`: each article's words that have a
    look-alike, in index order, which sets the order pairs are judged in)."""
    keys = [(w, w) for w in ia if w in ib]
    for u in ranked_a:
        if u not in words_b:
            others = sorted((v for v in alike[u] if v in ranked_b and v not in words_a), key=ranked_b.__getitem__)
            keys += [(u, v) for v in others]
    seen = set()
    for u, v in keys:
        for fx, xs in ia[u].items():
            for fy, ys in ib[v].items():
                if fx != fy and (fx, fy) not in seen:
                    seen.add((fx, fy))
                    yield xs, ys


def _judge(x: _Mention, y: _Mention, words_a: set[str], words_b: set[str], full_a: set, full_b: set,
           config: FactsConfig):
    """(key, incompatible, why, label, needs_context) when two mentions name one
    thing differently; `needs_context`: only where they stand in the same context."""
    if x.words == y.words:
        return None
    lx, ly = x.words[-1], y.words[-1]
    fx, fy = _first_name(x), _first_name(y)
    if lx == ly and fx and fy and len(fx) >= 2 and len(fy) >= 2 and fx != fy and first_name_same(fx, fy) \
            and not plural(fx, fy) and (fx, lx) not in full_b and (fy, ly) not in full_a:
        # one first name written short and long ('Dave' / 'David Bratton'): the pair of
        # names says it is one person, wherever in the stories the two stand
        return ((fx, fy, lx), False, f"the same person under another form of the first name "
                f"('{_as_written(fx, x)}' / '{_as_written(fy, y)}'): a style, both can be right", f"first name of {_as_written(lx, x, y)}", False)
    if lx == ly and len(x.words) >= 2 and len(y.words) >= 2 and (
            x.surname_alone or y.surname_alone or x.office is not None and x.office == y.office):
        # a person, named as the press names people: 'Bill Kestrel' ... 'Kestrel said', or
        # under one office in both articles ('Gen. Frank McKinnon' / 'Gen. Kenneth McKinnon')
        if fx is None or fy is None or len(fx) < 2 or len(fy) < 2:
            return None
        if fx != fy:
            # either outlet naming the other's person anywhere: both are in the story
            if (fx, lx) in full_b or (fy, ly) in full_a:
                return None
            # spelled two ways, whatever other words stand before it ('Mullah Mahmud Hassim' /
            # 'Mahmud Hasim')
            if Levenshtein.normalized_similarity(fx, fy) >= config.name_spelling_similarity and \
                    min(len(fx), len(fy)) >= config.name_min_letters:
                return ((fx, fy, lx), False, f"the first name is spelled differently ('{_as_written(fx, x)}' / "
                        f"'{_as_written(fy, y)}'): the same person, one spelling is wrong or a variant",
                        f"spelling of {_as_written(lx, x, y)}'s first name", True)
            # a middle name or a word before the name added ('Helen Rodham Clanton'): one first name;
            # an office is no first name ('surly President Ostrander', an adjective parsed as a name)
            if set(x.words[:-1]) & set(y.words[:-1]) or fx in TITLES or fy in TITLES:
                return None
            return ((fx, fy, lx), True, f"two different first names for the surname {_as_written(lx, x, y)} in the same "
                    f"context: two different people for one role, or one outlet has the name wrong",
                    f"first name of {_as_written(lx, x, y)}", True)
        # one first name: another word of the name may still be spelled two ways
        # ('Shelley Moore Capra' / 'Shelly Moore Capra'), as below
    # a name word spelled differently: compare the last words, then the first
    for wx, wy in _spelling_candidates(x, y):
        # each test only rejects, so the cheapest come first: most pairs are one name written alike
        if wx == wy or min(len(wx), len(wy)) < config.name_min_letters:
            continue
        if wx in words_b or wy in words_a:
            continue   # the other outlet writes this form too: two names in the story
        sim = Levenshtein.normalized_similarity(wx, wy)
        if sim < config.name_spelling_similarity:
            continue
        if regional(wx) == regional(wy) or first_name_same(wx, wy) or derived(wx, wy):
            continue
        one_letter = Levenshtein.distance(wx, wy) <= 1
        why = (f"'{_as_written(wx, x)}' and '{_as_written(wy, y)}' in the same context: "
               + ("one letter apart, a misspelling or a variant spelling of one name (a transliteration "
                  "can have several)" if one_letter else
                  "a name spelled differently, or two different names that look alike; at most one is right "
                  "unless both are transliterations"))
        # a long word one letter apart is one name slipped, wherever the two stand; a slip keeps
        # the first letter ('Nangahar' / 'Nangarhar'), while 'Hernandez' / 'Fernandez' are two names
        slip = one_letter and wx[0] == wy[0] and min(len(wx), len(wy)) >= config.name_slip_min_letters
        return (tuple(sorted((wx, wy))), not one_letter, why, f"spelling of {_as_written(min(wx, wy), x, y)}", not slip)
    return None


def _as_written(word: str, *mentions: _Mention) -> str:
    """A name word as the article writes it ('McKinnon', 'al-Qaradi'), not
    as title case would ('Mckinnon'); title case where no mention holds it."""
    for m in mentions:
        hit = re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", m.text, re.I)
        if hit:
            return hit.group()
    return word.title()


def _spelling_candidates(x: _Mention, y: _Mention) -> list[tuple[str, str]]:
    """Words in the same position: the last words, and the first where either
    mention has more than one word ('Paris Island' / 'Parris Island'); with
    one last word, the words before it, counted from the end."""
    out = [(x.words[-1], y.words[-1])]
    if x.words[-1] == y.words[-1]:
        # one surname: the words before it, from the end ('Mahmud Hassim Akhram' /
        # 'Mahmud Hasim Akhram', 'Sen. Shelly Moore Capra')
        return list(zip(x.words[-2::-1], y.words[-2::-1]))
    if len(x.words) >= 2 or len(y.words) >= 2:   # 'Nangahar Province' / 'Nangarhar' too
        out.append((x.words[0], y.words[0]))
    return out


def _merge(found) -> list[Fact]:
    """One fact per difference, over every article that writes either form."""
    groups: dict[tuple, dict] = {}
    for x, y, incompatible, why, what in found:
        key = what
        g = groups.setdefault(key, {"claims": {}, "incompatible": False, "why": [], "what": what})
        for m in (x, y):
            g["claims"].setdefault(m.article, m)
        g["incompatible"] |= incompatible
        sentence = (f"{who(x.article)} writes '{x.text}' and {who(y.article)} writes '{y.text}'")
        g["why"].append((sentence, why))
    facts = []
    for g in groups.values():
        sentences = "; ".join(s for s, _ in g["why"])
        explanation = sentences[:1].upper() + sentences[1:] + ": " + g["why"][0][1] + "."
        claims = [Claim(article=m.article, start=m.start, end=m.end, text=m.text, value=m.text)
                  for m in sorted(g["claims"].values(), key=lambda m: m.article)]
        facts.append(Fact(what=g["what"], kind="name", status="conflict", claims=claims, explanation=explanation,
                          confidence=0.7 if g["incompatible"] else 0.6, incompatible=g["incompatible"]))
    return facts


# --- a person's title across articles -------------------------------------------

# Title words before a name, as the office they name ('Lt. Gov.' -> lieutenant governor).
ROLE_WORDS = {"gov": "governor", "governor": "governor", "lt": "lieutenant", "lieutenant": "lieutenant",
              "sen": "senator", "senator": "senator", "rep": "representative", "representative": "representative",
              "congressman": "representative", "congresswoman": "representative", "president": "president",
              "vice": "vice", "mayor": "mayor", "deputy": "deputy", "gen": "general", "secretary": "secretary", "speaker": "speaker",
              "attorney": "attorney", "general": "general", "chief": "chief", "judge": "judge", "justice": "justice"}
_PAST = {"former", "ex", "then", "late", "onetime", "retired"}


def _role_before(f, m: _Mention) -> str | None:
    """The office written just before a name, in the name's own run or before
    it: 'Lt. Gov. Alma Mendez' -> 'lieutenant governor', 'Marine Corps Gen.
    Kenneth McKinnon' -> 'general'. None with 'former'."""
    toks = f.tokens_in(max(0, m.start - 40), m.end)
    role = [i for i, t in enumerate(toks[:-1]) if t.idx >= m.start and t.lower_.rstrip(".") in ROLE_WORDS]
    # the name starts after the last office word inside the run (a unit's name may stand before it)
    name_first = next((i for i, t in enumerate(toks) if t.idx >= m.start and i > (role[-1] if role else -1)
                       and t.text != "." and t.lower_.rstrip(".") not in ROLE_WORDS), None)
    if name_first is None:
        return None
    words = []
    for t in reversed(toks[:name_first]):
        w = t.lower_.rstrip(".")
        if w in ROLE_WORDS:
            words.append(ROLE_WORDS[w])
        elif w in _PAST:
            return None
        elif t.text not in ("-", "."):
            break
    if not words:
        return None
    role = " ".join(reversed(words))
    return role if role.split()[-1] in ("governor", "senator", "representative", "president", "mayor", "secretary",
                                        "speaker", "general", "judge", "justice") else None


def _exclusive(x: str, y: str) -> bool:
    """Two offices one person cannot hold at once: a governor and a lieutenant
    governor, a president and a vice president, a senator and a
    representative. A speaker is also a representative; a senator may be a
    majority leader: those are not told apart."""
    if x.split()[-1] == y.split()[-1]:
        return x != y
    return {x, y} == {"senator", "representative"}


def title_facts(features) -> list[Fact]:
    """One person under two different offices in two articles ('Gov. Alma
    Mendez' / 'Lt. Gov. Alma Mendez'), where neither article gives the other's
    office to that person anywhere: at most one title is current."""
    roles: dict[str, dict[tuple[str, str], list[tuple[str, _Mention]]]] = {}
    for f in features:
        slot = roles.setdefault(f.id, {})
        for m in name_mentions(f):
            if len(m.words) < 2:
                continue
            role = _role_before(f, m)
            if role:
                slot.setdefault((_first_name(m) or "", m.words[-1]), []).append((role, m))
    facts = []
    for fa, fb in combinations(features, 2):
        for person, seen_a in roles[fa.id].items():
            seen_b = roles[fb.id].get(person)
            if not seen_b:
                continue
            ra, rb = {r for r, _ in seen_a}, {r for r, _ in seen_b}
            if ra & rb or not any(_exclusive(x, y) for x in ra for y in rb):
                continue
            (role_a, ma), (role_b, mb) = seen_a[0], seen_b[0]
            name = " ".join(w.title() for w in person if w)
            explanation = (f"{Who(fa.id)} writes '{ma.text}' where {who(fb.id)} writes '{mb.text}': "
                           f"one person under two offices ({role_a} / {role_b}); at most one is current, "
                           f"unless one outlet names an earlier office.")
            facts.append(Fact(what=f"title of {name}", kind="name", status="conflict",
                              claims=[Claim(article=x.article, start=x.start, end=x.end, text=x.text, value=r)
                                      for r, x in ((role_a, ma), (role_b, mb))],
                              explanation=explanation, confidence=0.6, incompatible=True))
    return facts
