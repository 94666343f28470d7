"""Stage: whom each article cites (agencies, monitors, officials, media, people).

Heuristics, all on the spaCy parse plus small word lists:

- A *reporting verb* (say, tell, warn, add, ...) makes its grammatical subject a
  source; 'according to X' makes X one; 'told X' / 'speaking to X' / 'reported by
  X' make X one when X is a news outlet; '<X> contributed to this report' and
  'Reporting by X' name contributors; a short caption line without final
  punctuation that ends with a wire/photo agency name is a photo credit; a
  dateline '(Reuters) -' credits the agency as contributor (it wrote the
  report; it is not a source the report cites).
- A subject counts as a source only when it is name-like: a proper name, a known
  agency/outlet, or a common noun whose head says it speaks for someone
  (broadcaster, television, spokesman, ...). Pronouns and bare group nouns
  ('rebels say', 'officials said') are left out on purpose: precision first.
- Entity *types* from the small model are unreliable on unfamiliar names
  (see notes/dependencies.md) so kinds come from word lists and context, and
  entity *boundaries* only delimit names.
- Names are canonicalised per article: leading determiners, descriptors
  ('Britain-based') and titles are dropped; a short form ('Yousri', 'the
  Observatory', 'the envoy') maps to the full form the article gives elsewhere.

`quotes.py` reuses the attribution helpers here (reporting verbs, subject
phrases, per-article name resolution).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property

from spacy.tokens import Token

from .analyze import Analysis, doc_ents, doc_text, doc_tokens, head_indices, sent_start, token_column, tokens_where
from .attribution import QUOTE_ONLY_VERBS, QUOTE_VERBS, SOURCE_VERBS  # one lexicon: data/attribution.json
from .models import Citation
# Name matching lives in storylens.names (one canonicaliser for sources, quotes,
# speakers, actors and reconcile); re-exported here for existing callers.
from .names import (AGENCIES, DETERMINERS, canonical_agency, contains as _contains, core_words,  # noqa: F401
                    GENERATIONAL_SUFFIXES,
                    is_proper as _is_proper, name_words, same_actor, same_speaker)

# Agencies that sign photos; matched at the end of caption lines.
PHOTO_AGENCIES = ["Reuters", "AFP", "AP", "Associated Press", "Getty Images", "EPA",
                  "EPA-EFE", "Anadolu Agency", "Anadolu", "Xinhua", "Sipa", "PA",
                  "AAP", "Bloomberg", "TASS", "SANA"]
KNOWN_MEDIA = {
    "bbc", "cnn", "al jazeera", "al arabiya", "fox news", "msnbc", "nbc", "abc", "cbs", "npr",
    "the new york times", "new york times", "the washington post", "washington post",
    "the guardian", "guardian", "the times", "financial times", "wall street journal",
    "the wall street journal", "politico", "huffpost", "huffington post", "rt", "sky news",
    "al-mayadeen", "al mayadeen", "press tv", "haaretz", "le monde", "der spiegel",
}
# Common nouns for an outlet ('the newspaper said', 'the network reported').
MEDIA_KINDS = {"television", "tv", "broadcaster", "media", "radio", "newspaper", "paper",
               "daily", "channel", "network", "station", "outlet", "website", "magazine",
               "weekly", "tabloid", "newswire", "broadcast", "journal", "news", "press", "review"}
# Words that end an outlet's name ('The Hollywood Reporter', 'The Observer')
# but in lower case mean something else, often a person ('a reporter said').
MEDIA_NAME_WORDS = {"times", "post", "gazette", "herald", "tribune", "chronicle", "telegraph",
                    "courier", "observer", "reporter", "mirror", "express"}
MEDIA_HEADS = MEDIA_KINDS | MEDIA_NAME_WORDS
MONITOR_WORDS = {"observatory", "monitor", "monitors", "monitoring"}
OFFICIAL_WORDS = {
    "minister", "ministers", "spokesman", "spokeswoman", "spokesperson", "official",
    "officials", "envoy", "ambassador", "president", "governor", "mayor", "secretary",
    "commander", "general", "chief", "premier", "chancellor", "senator", "congressman",
    "congresswoman", "lawmaker", "representative", "prosecutor", "judge", "diplomat",
    "diplomats", "spokespeople", "director", "chairman", "chairwoman", "sheriff",
    "lieutenant", "colonel", "captain", "major", "admiral", "sergeant", "king", "queen",
    "prince", "sheikh", "attorney", "adviser", "advisor", "aide", "leader",
    "commissioner", "superintendent", "inspector", "councillor", "councilor", "alderman",
}
# Public services cited like officials: 'the fire service said'.
SERVICE_HEADS = {"service", "brigade", "department", "police", "administration", "government",
                 "authorities", "authority"}
ORG_WORDS = {
    "ministry", "council", "committee", "army", "front", "party", "union", "organization",
    "organisation", "nations", "group", "coalition", "brigade", "brigades", "command",
    "cross", "crescent", "commission", "agency", "department", "government", "office",
    "institute", "foundation", "association", "bank", "fund", "court", "police", "church",
    "university", "company", "corporation", "inc", "ltd", "watch", "amnesty", "unicef",
    "who", "unhcr", "nato", "pentagon", "kremlin", "house", "senate", "congress", "board",
    "federation", "alliance", "movement", "forces", "service", "services", "authority",
    "administration", "center", "centre", "network", "program", "programme",
    "conference", "bishops", "school", "college", "society", "trust", "institution",
}
# Titles dropped from the front of a name: 'UN envoy Sten de Varga' ->
# 'Sten de Varga', 'Foreign Minister Walid Haddar' -> 'Walid Haddar'.
TITLE_WORDS = OFFICIAL_WORDS | {
    "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "gen", "gen.", "col", "col.",
    "lt", "lt.", "capt", "capt.", "sen", "sen.", "rep", "rep.", "gov", "gov.", "pres",
    "foreign", "prime", "defence", "defense", "interior", "deputy", "vice", "former",
    "acting", "pope", "justice", "un", "u.n.", "us", "u.s.", "editor", "publisher",
    "columnist", "correspondent", "reporter", "analyst", "state", "communications",
    "father", "bishop", "cardinal", "rev", "rev.", "reverend", "rabbi", "imam", "sister",
}
_TITLE_ABBREVIATIONS = {"sen", "rep", "gov", "gen", "col", "lt", "capt", "adm", "sgt", "pres"}
NAME_PARTICLES = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le",
                  "al", "el", "bin", "ibn", "abu", "ben", "du", "dos", "das", "y"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us",
            "who", "which", "that", "one", "someone", "anyone", "everyone", "this"}
# Generic group nouns never cited on their own ('rebels said').
GENERIC_HEADS = {"people", "residents", "rebels", "forces", "fighters", "troops", "witnesses",
                 "activists", "sources", "source", "analysts", "experts", "observers",
                 "critics", "supporters", "protesters", "civilians", "journalists", "reports",
                 "report", "statement", "agencies", "groups", "others", "many", "some",
                 "both", "all", "most", "man", "woman", "men", "women", "study", "survey",
                 "data", "figures", "poll", "plan", "deal", "documents", "members",
                 "senators", "lawmakers", "republicans", "democrats", "leaders", "voters",
                 "conservatives", "liberals", "americans", "officers", "soldiers", "police"}

_NOT_NAME = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_TERMINAL_PUNCT = tuple('.!?:;"”’,')
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


# ---------------------------------------------------------------- name helpers

def is_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" or token.lower_ in PRONOUNS


# ------------------------------------------------------------- phrase helpers

def phrase_tokens(head: Token) -> list[Token]:
    """`_phrase_tokens`, memoised per doc: names, speakers, quotes, citations
    and actors all ask for the phrases of the same heads."""
    cache = head.doc.user_data.setdefault("storylens_phrases", {})
    tokens = cache.get(head.i)
    if tokens is None:
        tokens = cache[head.i] = _phrase_tokens(head)
    return list(tokens)


def _phrase_tokens(head: Token) -> list[Token]:
    """The noun phrase headed by `head`: its left modifiers, the head, the rest
    of a named entity it sits in, and 'of/for <Name>' complements of names.
    Appositions and relative clauses are left out."""
    doc, first = head.doc, sent_start(head)
    every = doc_tokens(doc)
    start = head.i
    while start - 1 >= first:
        prev = every[start - 1]
        if prev.is_space or (prev.is_punct and prev.text not in "-‑" and prev.dep_ != "case") \
                or not _governs(head, prev) \
                or prev.dep_ in ("advmod", "cc", "preconj", "prep", "mark", "neg"):
            break
        start -= 1
    end = head.i + 1
    if head.ent_iob_ != "O":
        ent = _entity_of(head)
        if ent is not None:
            start, end = min(start, ent[0]), max(end, ent[1])
    # 'Ministry of Defence', 'spokesman for the UN'; not 'Joe Ardell of Calder County'.
    if head.lower_ in ORG_WORDS | MONITOR_WORDS | OFFICIAL_WORDS | {"observatory"}:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "for") and child.i == end:
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and objs[0].pos_ == "PROPN":
                    end = max(end, objs[0].i + 1)
                    if objs[0].ent_iob_ != "O":
                        ent = _entity_of(objs[0])
                        if ent is not None:
                            end = max(end, ent[1])
    tokens = every[start:end]
    # 'on Friday state television said' mis-attaches the date to the name.
    while len(tokens) > 1 and tokens[0].ent_type_ in _NOT_NAME and tokens[0].i != head.i:
        tokens = tokens[1:]
    while tokens and tokens[-1].dep_ == "case":  # "Nadif 's"
        tokens.pop()
    return tokens


def _entity_of(token: Token) -> tuple[int, int] | None:
    """(start, end) token indices of the entity holding `token`. `doc.ents`
    rebuilds every span on each access, so the index is built once per doc."""
    index = token.doc.user_data.get("storylens_ents")
    if index is None:
        index = {}
        for ent in doc_ents(token.doc):
            for i in range(ent.start, ent.end):
                index[i] = (ent.start, ent.end)
        token.doc.user_data["storylens_ents"] = index
    return index.get(token.i)


_MINOR_WORDS = {"a", "an", "the", "of", "to", "in", "on", "for", "at", "with", "by", "or", "and", "as",
                "vs", "be", "is", "are", "from", "into", "about", "after", "over", "but", "not"}


def title_lines(doc) -> list[tuple[int, int]]:
    """(start, end) of headline-like lines: four or more words (three on the
    first line) all in Title Case but for short function words ('Benny
    Sandell Pins The Rise Of ISIS On Iraq'). Their names are no one's mention."""
    spans = doc.user_data.get("storylens_title_lines")
    if spans is None:
        spans, offset = [], 0
        for n, line in enumerate(doc_text(doc).splitlines(keepends=True)):
            words = re.findall(r"[A-Za-z][\w'’-]*", line)
            major = [w for w in words if w.lower() not in _MINOR_WORDS]
            caps = sum(1 for w in major if w[:1].isupper())
            if major and caps == len(major) and not line.rstrip().endswith(":") \
                    and (len(words) >= 4 or n == 0 and len(words) >= 3):
                spans.append((offset, offset + len(line)))
            offset += len(line)
        doc.user_data["storylens_title_lines"] = spans
    return spans


def in_title_line(doc, offset: int) -> bool:
    spans = title_lines(doc)
    return bool(spans) and any(s <= offset < e for s, e in spans)


def _verb_led(ent) -> bool:
    """'Stated Stone:', 'Continued Stone:' opening a line: the entity has
    swallowed the reporting verb of an inverted introduction."""
    first, doc = ent[0], ent.doc
    if len(ent) < 2 or ent.end >= len(doc) or doc[ent.end].text != ":":
        return False
    if first.i > 0 and "\n" not in doc[first.i - 1].whitespace_ + doc[first.i - 1].text:
        return False
    word = first.lower_
    return bool({word, word[:-1], word[:-2]} & (QUOTE_VERBS | {"state", "continue"}))


def swallowing(ent) -> bool:
    """'the Ted Crane South Carolina victory party': a long name used as a
    modifier of a common noun has likely run into the next name; 'Stated
    Stone:' has swallowed a verb. Memoised per doc: names, actors and
    speakers each test every entity."""
    cache = ent.doc.user_data.setdefault("storylens_swallowing", {})
    key = (ent.start, ent.end)
    if key not in cache:
        cache[key] = _swallowing(ent)
    return cache[key]


def _swallowing(ent) -> bool:
    if _verb_led(ent):
        return True
    words = [t for t in ent if t.lower_ not in DETERMINERS]
    if len(words) < 3 or ent.end >= len(ent.doc):
        return False
    nxt = ent.doc[ent.end]
    return nxt.pos_ == "NOUN" and nxt.text[:1].islower() and any(
        t.head.i >= ent.end and t.head.pos_ == "NOUN" and t.head.text[:1].islower() for t in ent)


def not_a_speaker(token: Token, verb: Token | None = None) -> bool:
    """Datelines ('PHILADELPHIA, July 25 (AP) —') are never speakers, and a
    place is one only as the plain subject of the verb ('Iowa said'; the
    model tags some people as places), not through a loose parse."""
    if _is_dateline(token):
        return True
    doc = token.doc
    if token.ent_type_ == "GPE" and token.i >= 2 and doc[token.i - 1].text == "," \
            and doc[token.i - 2].ent_type_ in ("GPE", "LOC", "FAC"):
        return True  # 'in Berea, OH, …, Gov. Kessel said': the state of a town
    if token.ent_type_ in ("GPE", "LOC", "FAC") and verb is not None:
        return not (token.dep_ in ("nsubj", "nsubjpass") and token.head.i == verb.i)
    return False


def _governs(head: Token, token: Token) -> bool:
    heads, i = head_indices(token.doc), token.i
    while heads[i] != i:
        if heads[i] == head.i:
            return True
        i = heads[i]
    return False


def _text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    return doc_text(tokens[0].doc)[tokens[0].idx: tokens[-1].idx + len(tokens[-1].text)]


def name_from_tokens(tokens: list[Token]) -> str:
    """`_name_from_tokens`, memoised per doc (the same phrases are named by
    every extractor)."""
    if not tokens:
        return ""
    cache = tokens[0].doc.user_data.setdefault("storylens_phrase_names", {})
    key = tuple(t.i for t in tokens)
    name = cache.get(key)
    if name is None:
        name = cache[key] = _name_from_tokens(tokens)
    return name


def _name_from_tokens(tokens: list[Token]) -> str:
    """Canonical form of a phrase: no determiners, descriptors or titles in
    front of a proper name; a common-noun phrase keeps its modifiers."""
    tokens = [t for t in tokens if not t.is_space]
    while tokens and (tokens[0].lower_ in DETERMINERS or tokens[0].dep_ in ("det", "poss", "case")
                      and tokens[0].pos_ in ("DET", "PRON")):
        tokens = tokens[1:]
    if not tokens:
        return ""
    head = tokens[-1]
    proper = [t for t in tokens if t.pos_ == "PROPN" and t.text[:1].isupper()]
    if head.pos_ == "PROPN" or (proper and head.lower_ in ("agency", "news")):
        tokens = _proper_run(tokens)
    text = _text(tokens)
    return _POSSESSIVE.sub("", text).strip(" ,-")


def _after_last_title(run: list[Token]) -> list[Token]:
    """'Harbor Review Editor Bill Kestrel' -> 'Bill Kestrel', 'Secretary of
    State Helen Clanton' -> 'Helen Clanton'; but 'State Department' stays."""
    titles = [k for k, t in enumerate(run) if t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in TITLE_WORDS]
    if not titles:
        return run
    rest = run[titles[-1] + 1:]
    if rest and (rest[0].dep_ == "case" or rest[0].text[:1] in "'’"):
        return run  # "District Attorney's Office" is a name, not "'s Office"
    single_name = len(rest) == 1 and rest[0].pos_ == "PROPN" and rest[0].lower_ not in ORG_WORDS | MEDIA_HEADS
    if len(rest) >= 2 or single_name:
        return rest
    return run


def _org_only(tokens: list[Token]) -> bool:
    """'Department', "'s Office": no name left without the word before."""
    return all(t.lower_ in ORG_WORDS | MEDIA_HEADS | {"of", "for", "and"} or t.dep_ == "case"
               or t.text[:1] in "'’" for t in tokens)


def _proper_run(tokens: list[Token]) -> list[Token]:
    """The trailing name inside a phrase, minus any leading titles."""
    # 'the official SANA news agency' -> 'SANA': generic head after a name.
    while len(tokens) > 1 and tokens[-1].lower_ in ("agency", "news") and tokens[-1].text.islower():
        tokens = tokens[:-1]
    # Walk back from the end while tokens still look like parts of one name.
    i = len(tokens) - 1
    while i > 0:
        prev = tokens[i - 1]
        joins_names = (prev.lower_ in ("for", "of", "and") and i >= 2
                       and tokens[i - 2].text[:1].isupper() and tokens[i].text[:1].isupper())
        # "Quay Road Traders' Association": a plural possessive inside a name.
        joins_names |= prev.dep_ == "case" and i >= 2 and tokens[i - 2].text[:1].isupper()
        if prev.text[:1].isupper() or prev.lower_ in NAME_PARTICLES or prev.text in "-‑" or joins_names:
            i -= 1
        else:
            break
    run = _after_last_title(tokens[i:])
    while len(run) > 1 and not _org_only(run[1:]) and (run[0].lower_.rstrip(".") in TITLE_WORDS or run[0].lower_ in TITLE_WORDS
                            or run[0].lower_.endswith("-based") or run[0].text[:1].islower()
                            and run[0].lower_ not in NAME_PARTICLES):
        run = run[1:]
    while run and run[0].text in "-‑":
        run = run[1:]
    return run


# -------------------------------------------------------------- attributions

@dataclass
class Actor:
    """One mention of someone who speaks: where, the phrase as written, and
    its canonical name."""

    tokens: list[Token]
    name: str
    written: str
    start: int
    end: int
    pronoun: bool = False
    description: str = ""  # apposition / title words, used to pick the kind


def subject_heads(verb: Token) -> list[Token]:
    """The subject token(s) of a reporting verb, following conjunctions,
    relative clauses, participles and one common mis-parse. A party/state tag
    ('John Kessel (R-OH) said') stands for the name before it. Memoised
    per doc: the speakers registry, citations and quotes ask about the same verbs."""
    cache = verb.doc.user_data.setdefault("storylens_subjects", {})
    heads = cache.get(verb.i)
    if heads is None:
        heads = cache[verb.i] = [tag_owner(h) or h for h in _subject_heads(verb)]
    return list(heads)


_PARTY_TAG = re.compile(r"\((?:[RDI]|Rep|Dem|Ind|GOP)\s?[-–—,.]\s?[A-Z][A-Za-z. ]{0,14}\)")


def tag_owner(token: Token) -> Token | None:
    """'Gov. John Kessel (R-OH)': a token inside a party/state tag -> the last
    token of the name the tag follows; None for any other token."""
    doc = token.doc
    lower, tokens = token_column(doc, "lower_"), doc_tokens(doc)  # a token's lower case is '(' only when it is '('
    i = token.i
    while i > 0 and token.i - i < 6 and lower[i] != "(":
        i -= 1
    if lower[i] != "(" or i == 0:
        return None
    m = _PARTY_TAG.match(doc_text(doc), tokens[i].idx)
    if not m or not (m.start() <= token.idx < m.end()):
        return None
    owner = tokens[i - 1]
    return owner if owner.pos_ == "PROPN" or owner.text[:1].isupper() else None


def _subject_heads(verb: Token) -> list[Token]:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    # 'PHILADELPHIA, July 25 (UPI) — The committee said': the dateline is no subject.
    dated = [c for c in subjects if _is_dateline(c)]
    subjects = [c for c in subjects if c not in dated] or \
        [t for d in dated for t in _with_conjuncts(d)[1:] if not _is_dateline(t)][:1] or subjects
    # 'in Salem, New Hampshire, Dorland went': two subjects; the place is not the one.
    # (list.sort empties the list while it sorts: its length is taken before.)
    several = len(subjects) > 1
    # Of several, a place last and the one nearest before the verb first: 'the
    # Department of Health and Human Services Secretary Xavier Bellamo said'
    # parses 'Department' and 'Bellamo' both as subjects.
    # A subject in quotation marks ('Citing "statements and actions" …, Pellow
    # said', a mis-parse) is someone's words, not who speaks: after the others.
    subjects.sort(key=lambda c: (several and _opens_quote(c),
                                 several and c.ent_type_ in ("GPE", "LOC", "FAC"),
                                 several and (verb.i - c.i if c.i < verb.i else len(verb.doc))))
    for child in subjects:
        if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
            return _with_conjuncts(verb.head)
        if child.lower_ in ("who", "which") and child.i >= 2 and child.nbor(-1).text == "," \
                and child.nbor(-2).pos_ == "PROPN":
            return [child.nbor(-2)]  # 'provider Fastly, which said …' parsed without the relative clause
        return [t for t in _with_conjuncts(child) if not _is_dateline(t)] or [child]
    recipient = verb.head
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and recipient.dep_ == "pobj" and recipient.head.lower_ == "to" \
            and recipient.head.head.pos_ in ("VERB", "AUX"):
        # 'Dunlop sent an e-mail to RNC members saying …': the sender says it, not the recipients.
        return _subject_heads(recipient.head.head)
    # Inverted order without nsubj label: 'said the ministry' parsed as dobj.
    # 'on Friday state television said' parses 'television' as pobj of 'on':
    # a noun right before the verb is its subject.
    prev = verb.doc[verb.i - 1] if verb.i > verb.sent.start else None
    if prev is not None and prev.pos_ in ("NOUN", "PROPN") and prev.dep_ in ("pobj", "compound", "npadvmod", "dobj", "appos"):
        return [prev]
    inverted = _inverted_subject(verb)
    if inverted is not None:
        return [inverted]
    if verb.dep_ in ("conj", "advcl", "xcomp", "acl") and verb.head.pos_ in ("VERB", "AUX"):
        if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl") and verb.head.lemma_ not in QUOTE_VERBS:
            # 'X told a paper that Y "…," adding, "…"': the participle
            # reports for the reporting verb above, not for the clause it hangs on.
            node = verb.head
            while node.head.i != node.i and node.lemma_ not in QUOTE_VERBS:
                node = node.head
            if node.lemma_ in QUOTE_VERBS and node.pos_ in ("VERB", "AUX"):
                return _subject_heads(node)
        above = _subject_heads(verb.head)
        if above or verb.tag_ != "VBG":
            return above
    if verb.dep_ == "relcl":
        return _with_conjuncts(verb.head)
    # 'On Friday, the aide, Jo Lane, who …, was at the time a spokeswoman …,
    # wrote a letter': the parser hangs the subject on a clause before the
    # verb, which it makes the verb's complement, and leaves the verb none.
    ahead = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i]
    if ahead and not any(c.dep_ == "punct" and c.text in _QUOTE_MARKS for c in ahead[0].subtree):
        return [c for c in ahead[0].children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")][:1]
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "pcomp"):
        # 'Ostrander reacted … by saying', 'Pellman granted the request to block …
        # and denied …, saying': the subject of the nearest clause above.
        for node in verb.ancestors:
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if node.pos_ in ("VERB", "AUX") and subjects:
                return subjects[:1]
    return []


_QUOTE_MARKS = set('"“”')


def _opens_quote(token: Token) -> bool:
    """Whether `token` opens a quotation: right after an opening mark ('“X',
    '"X'; not the closing mark of '"…," X said')."""
    if token.i == 0:
        return False
    mark = token.doc[token.i - 1]
    return mark.text == "“" or mark.text == '"' and not mark.whitespace_


def _inverted_subject(verb: Token) -> Token | None:
    """'"…," summarized Senn.': right after a closing quotation mark, a name
    that follows the verb and that the parser took for its attribute or
    object is its subject."""
    doc = verb.doc
    if verb.i < 2 or verb.i + 1 >= len(doc) or doc[verb.i - 1].text not in _CLOSING and doc[verb.i - 2].text not in _CLOSING:
        return None
    for child in verb.rights:
        if child.dep_ in ("attr", "dobj", "oprd", "npadvmod") and child.pos_ == "PROPN" and child.text.istitle() \
                and child.left_edge.i == verb.i + 1:
            return child
    return None


_CLOSING = {"”", '"', "’", "'"}


def _with_conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN"):
            out.extend(_with_conjuncts(child))
    return out


def according_to(token: Token) -> list[Token]:
    """'according to X' -> [X, ...]; 'according to figures from X' -> [X]."""
    if token.lower_ != "according":
        return []
    for prep in token.children:
        if prep.lower_ == "to":
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if not objs:
                continue
            obj = objs[0]
            if obj.lower_ in GENERIC_HEADS | {"data", "figures", "statement", "report", "reports"}:
                for p in obj.children:
                    if p.dep_ == "prep" and p.lower_ in ("from", "by", "of"):
                        inner = [c for c in p.children if c.dep_ == "pobj"]
                        if inner:
                            return _with_conjuncts(inner[0])
            return _with_conjuncts(obj)
    return []


def outlet_objects(verb: Token) -> list[Token]:
    """'told Anadolu Agency', 'speaking to Reuters', 'reported by AFP',
    'in an interview with the BBC': the outlet the speaker talked to."""
    out = []
    if verb.lemma_ == "tell":
        out += [c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj")]
    for prep in verb.children:
        if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ in ("to", "by", "with"):
            if prep.lower_ == "by" and verb.lemma_ not in ("report", "quote", "cite"):
                continue
            out += [c for c in prep.children if c.dep_ == "pobj"]
        if prep.dep_ == "prep" and prep.lower_ == "in":
            for obj in prep.children:
                if obj.lemma_ == "interview":
                    for p in obj.children:
                        if p.lower_ == "with":
                            out += [c for c in p.children if c.dep_ == "pobj"]
    return out


def _description(head: Token, tokens: list[Token]) -> str:
    """Words around a name that tell what it is: titles inside the phrase and
    an apposition ('Syrian Observatory ..., a monitoring organisation')."""
    words = [t.lower_ for t in tokens]
    for child in head.children:
        if child.dep_ == "appos":
            words += [t.lower_ for t in child.subtree][:8]
    return " ".join(words)


def _may_expand(short: list[str], full: list[str]) -> bool:
    """A one-word surname stands for a person's full name that ends in it
    ('Bishop' for 'Billie Jean Bishop') or a short name it opens ('Benny'), not
    for an organisation named after someone ('King Street Baptist Church');
    organisation words ('Observatory') match anywhere."""
    if len(short) != 1 or not full or short[0] in ORG_WORDS | MONITOR_WORDS | MEDIA_HEADS | {"observatory"}:
        return True
    if full[-1] in GENERATIONAL_SUFFIXES and len(full) > 2:
        full = full[:-1]  # 'Jarrow' for 'Jesse Jarrow Jr.'
    return full[-1] == short[0] or full[0] == short[0] and len(full) <= 3 and full[-1] not in ORG_WORDS \
        or _last_of_double_barrel(short, full)


def _last_of_double_barrel(short: list[str], full: list[str]) -> bool:
    """'Greenway' for 'Marjorie Tate-Greenway': the last part of a hyphenated surname."""
    return len(short) == 1 and len(full) > 1 and "-" in full[-1] and full[-1].rsplit("-", 1)[1] == short[0]


# Who speak for a client, like an 'attorney': 'A lawyer for Mr. Grell, William
# McGarrity, said' is McGarrity. Not official titles: 'lawyer for Grell' is no name of Grell's.
_COUNSEL_WORDS = {"lawyer", "lawyers", "counsel"}
_BINDABLE_MEDIA = {"newspaper", "paper", "network", "magazine", "outlet", "website", "broadcaster",
                   "channel", "tabloid", "daily", "weekly"}


class ArticleNames:
    """Per-article actor registry: every reporting-verb subject in text order,
    the full names the article gives, and title nouns bound to a person
    ('UN envoy Sten de Varga' binds 'envoy')."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.doc = analysis.doc

    def actor(self, head: Token) -> Actor:
        """The actor a head token names, memoised per head (quotes, citations
        and mentions ask for the same heads); each caller gets its own copy."""
        cache = self.__dict__.setdefault("_actors", {})
        found = cache.get(head.i)
        if found is None:
            found = cache[head.i] = self._actor(head)
        return replace(found, tokens=list(found.tokens))

    def _actor(self, head: Token) -> Actor:
        # The parser often hangs the name on the organisation instead:
        # 'a spokeswoman for [the Red Cross, Ana Lind]'.
        owners = [head] + [o for p in head.children if p.dep_ == "prep" and p.lower_ in ("for", "of", "at")
                           for o in p.children if o.dep_ == "pobj"]
        named = [c for o in owners for c in o.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                 and c.ent_type_ in ("PERSON", "")]
        direct = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                  and c.ent_type_ in ("PERSON", "ORG", "") and tag_owner(c) is None  # not '(D-Nev.)'
                  and not (c.left_edge.i > 0 and c.doc[c.left_edge.i - 1].text == "(")]
        if head.pos_ == "NOUN" and head.dep_ == "appos" and head.head.pos_ == "PROPN" \
                and head.head.ent_type_ in ("PERSON", ""):
            # 'Enter Ms. Laudel — a former party aide who describes herself …':
            # the description stands beside the name it describes.
            actor = self.actor(head.head)
            actor.description += " " + head.lower_
            return actor
        if head.pos_ == "NOUN" and (named and head.lower_ in OFFICIAL_WORDS | _COUNSEL_WORDS or direct):
            # 'A spokesman for the DNC, Brad Woodcroft, said', 'A top strategist,
            # John Wexler, tells': the name speaks.
            actor = self.actor((named if head.lower_ in OFFICIAL_WORDS | _COUNSEL_WORDS and named else direct)[0])
            actor.description += " " + head.lower_
            return actor
        tokens = phrase_tokens(head)
        written = tokens[:]
        name = name_from_tokens(tokens)
        return Actor(tokens=written, name=name, written=_text(written), start=written[0].idx,
                     end=written[-1].idx + len(written[-1].text), pronoun=is_pronoun(head),
                     description=_description(head, tokens))

    @cached_property
    def full_names(self) -> list[tuple[int, str]]:
        """(offset, name) of multi-word proper names: entity spans and
        reporting-verb subjects, used to expand short forms."""
        out = []
        every = doc_tokens(self.doc)
        for ent in doc_ents(self.doc):
            if ent.label_ in _NOT_NAME or in_title_line(self.doc, ent.start_char) or swallowing(ent):
                continue
            name = name_from_tokens(every[ent.start:ent.end])  # a slice: `list(ent)` makes new Tokens
            if len(name.split()) > 1:
                out.append((ent.start_char, name))
        for actor in self.speakers:
            if not actor.pronoun and len(actor.name.split()) > 1 and _is_proper(actor.name) \
                    and actor.name.split()[-1][:1].isupper() \
                    and not in_title_line(self.doc, actor.start):  # not 'Rylan spokesman'
                out.append((actor.start, actor.name))
        return sorted(out)

    @cached_property
    def titles(self) -> list[tuple[int, str, str]]:
        """(offset, title word, person) for names written after a lower-case
        title: 'UN envoy Sten de Varga', 'the spokesman, John Doe'."""
        out = []
        for token in tokens_where(self.doc, "pos_", ("PROPN",)):
            if token.dep_ == "compound" or in_title_line(self.doc, token.idx):
                continue  # not a headline's 'Governor Appoints Ex-Aide'
            tokens = phrase_tokens(token)
            titled = [t for t in tokens if t.lower_ in OFFICIAL_WORDS and t.i < token.i]
            name = name_from_tokens(tokens) if titled else ""  # named only when titled
            for t in titled:
                if name:
                    out.append((tokens[0].idx, t.lower_, name))
        return out

    @cached_property
    def speakers(self) -> list[Actor]:
        """Subjects of reporting verbs (and 'according to' objects) in order."""
        out = []
        lemma, pos, lower = (token_column(self.doc, attr) for attr in ("lemma_", "pos_", "lower_"))
        found = tokens_where(self.doc, "lemma_", QUOTE_VERBS) + tokens_where(self.doc, "lower_", ("according",))
        for token in sorted({t.i: t for t in found}.values(), key=lambda t: t.i):
            i = token.i
            if lemma[i] in QUOTE_VERBS and pos[i] in ("VERB", "AUX"):
                heads = subject_heads(token)
            elif lower[i] == "according":
                heads = according_to(token)
            else:
                continue
            out += [self.actor(h) for h in heads]
        return sorted(out, key=lambda a: a.start)

    def resolve(self, actor: Actor) -> str:
        """The fullest name the article gives for this actor."""
        if actor.pronoun:
            return self.antecedent(actor)
        name = actor.name
        words = name_words(name)
        # 'the envoy' stands for the named envoy; 'Bishop' is Billie Jean Bishop's surname.
        if len(words) == 1 and words[0] in OFFICIAL_WORDS and not (
                name[:1].isupper() and any(name_words(n)[-1:] == words for n in self._full_name_set)):
            bound = [p for off, title, p in self.titles if title == words[0] and off < actor.start]
            if bound:
                return bound[-1]
            return name
        if not _is_proper(name):
            return self._outlet_named_before(actor) or name
        cache = self.__dict__.setdefault("_resolved", {})
        if name not in cache:
            # (name, first offset, how often the article writes it or a part of it in full)
            candidates = [n for n, full, full_set in self._full_name_words if len(n) > len(name) and (
                not full_set.isdisjoint(words) and same_actor(n, name) or _last_of_double_barrel(words, full))
                and _may_expand(words, full)]
            first, written = self._full_name_stats
            cache[name] = [(n, first[n], sum(k for m, k in written.items() if same_actor(m, n)) if len(candidates) > 1 else 0)
                           for n in candidates]
        candidates = cache[name]
        if not candidates:
            return name
        # Prefer a name that ends in the short form ('Richard Blumfeld', not
        # a quoted 'Blumfeld Bombshell'; 'Jesse Jarrow Jr.' ends in
        # 'Jarrow' too), one the article gave before this mention (the
        # 'Jarrow' of the lead is not the 'Michael Jarrow' of a later
        # aside), then a first name over a title ('Joe Ardell' over 'Sheriff
        # Ardell'), then the name written in full more often.
        return max(candidates, key=lambda c: (core_words(c[0])[-1:] == tuple(words[-1:]), c[1] < actor.start,
                                              c[0].split()[0].lower().rstrip(".") not in TITLE_WORDS,
                                              c[2], len(name_words(c[0])), len(c[0])))[0]

    def _outlet_named_before(self, actor: Actor) -> str | None:
        """'the newspaper', 'the conservative-leaning newspaper', 'the network':
        the outlet the article named last before it."""
        words = name_words(actor.name)
        if not words or words[-1] not in _BINDABLE_MEDIA or any(w[:1].isupper() for w in actor.name.split()):
            return None
        if not actor.tokens or not any(t.lower_ == "the" for t in actor.tokens):
            return None
        before = actor.tokens[0].i
        named = [name for end, name in self._outlets if end < before]
        return named[-1] if named else None

    @cached_property
    def _outlets(self) -> list[tuple[int, str]]:
        """(end token, name) of every outlet the article names, found in one
        pass: scanning the text before each 'the newspaper' again made this
        quadratic in the article's length."""
        run: list[Token] = []
        out = []
        pos = token_column(self.doc, "pos_")
        for i, token in enumerate(doc_tokens(self.doc)):  # runs of proper nouns: 'The Kestrel Tribune'
            if pos[i] == "PROPN" and not in_title_line(self.doc, token.idx):
                run.append(token)
                continue
            if not run:
                continue
            name = name_from_tokens(run)
            if name and classify(name) == "media":
                out.append((i, name))
            run = []
        return out

    @cached_property
    def _full_name_stats(self) -> tuple[dict[str, int], Counter]:
        """The first offset of each full name, and how often it is written."""
        first: dict[str, int] = {}
        for off, n in self.full_names:
            first.setdefault(n, off)
        return first, Counter(n for _, n in self.full_names)

    @cached_property
    def _full_name_set(self) -> list[str]:
        return list(dict.fromkeys(n for _, n in self.full_names))

    @cached_property
    def _full_name_words(self) -> list[tuple[str, list[str], frozenset[str]]]:
        """Each full name with its words, as a list and as a set: `resolve`
        tests every full name against every short name, and only one that
        shares a word with it can be the same actor."""
        return [(n, name_words(n), frozenset(name_words(n))) for n in self._full_name_set]

    def antecedent(self, actor: Actor) -> str:
        """A pronoun's speaker: the latest earlier speaker that fits (a person
        for he/she, anything else for it/they)."""
        pronoun = actor.tokens[-1].lower_ if actor.tokens else ""
        personal = pronoun in ("he", "she", "him", "her", "his", "i")
        if personal:
            local = self._sentence_person(actor.tokens[-1])
            if local:
                return local
        for other in reversed(self.speakers):
            if other.start >= actor.start or other.pronoun:
                continue
            name = self.resolve(other)
            kind = classify(name, other.description, other.tokens)
            if personal and kind in ("person", "official") and _is_proper(name):
                return name
            if not personal and pronoun in ("it", "its", "they", "we") and kind not in ("person",):
                return name
        if personal:
            return self._sentence_person(actor.tokens[-1], subjects_only=False) or "unattributed"
        return "unattributed"

    def _sentence_person(self, pronoun: Token, subjects_only: bool = True) -> str | None:
        """A named person earlier in the pronoun's sentence: its subject
        ('Yasser al-Yousri ... said ..., which he called'), or with
        `subjects_only` off, any name the model tags as a person."""
        if not subjects_only:
            people = [e for e in pronoun.sent.ents if e.label_ == "PERSON" and e.end <= pronoun.i]
            for ent in reversed(people):
                name = name_from_tokens(list(ent))
                if name:
                    return self.resolve(Actor(tokens=list(ent), name=name, written=ent.text,
                                              start=ent.start_char, end=ent.end_char))
            return None
        for token in reversed(pronoun.sent[: pronoun.i - pronoun.sent.start]):
            if token.pos_ != "PROPN" or token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            actor = self.actor(token)
            name = self.resolve(actor)
            if _is_proper(name) and classify(name, actor.description, actor.tokens) in ("person", "official"):
                return name
        return None


# --------------------------------------------------------------- kinds

def classify(name: str, description: str = "", tokens: list[Token] | None = None) -> str:
    """Kind of a cited name, from word lists and the phrase around it."""
    words = name_words(name)
    if not words:
        return "other"
    context = set(re.findall(r"[a-z]+", description.lower())) | set(words)
    lowered = " ".join(name.lower().split())
    if canonical_agency(name) or {"news", "agency"} <= context or "newswire" in context:
        return "agency"
    if context & MONITOR_WORDS:
        return "monitor"
    if lowered in KNOWN_MEDIA or words[-1] in MEDIA_HEADS:
        return "media"
    if words[-1] in OFFICIAL_WORDS or (set(words) | context) & {"spokesman", "spokeswoman",
                                                                "spokesperson", "minister", "envoy", "ambassador"}:
        return "official"
    if set(words) & ORG_WORDS or (name.isupper() and len(name) > 1):
        return "organization"
    if context & (OFFICIAL_WORDS | _TITLE_ABBREVIATIONS) and _is_proper(name):
        return "official"
    ents = {t.ent_type_ for t in tokens or []}
    if _is_proper(name) and len(words) >= 2 and not ents & {"GPE", "LOC", "NORP", "FAC"}:
        return "person"
    if _is_proper(name) and len(words) == 1 and "PERSON" in ents:
        return "person"
    if _is_proper(name) and ents & {"ORG"}:
        return "organization"
    return "other"


def _name_like(name: str, head: Token, tokens: list[Token]) -> bool:
    """Precision filter: only proper names, known outlets and speaking roles."""
    words = name_words(name)
    if not words or words[-1] in GENERIC_HEADS or head.lower_ in PRONOUNS or head.ent_type_ in _NOT_NAME:
        return False
    # Tagged proper nouns, not capitals: 'Officials said' opens a sentence.
    proper = head.pos_ == "PROPN" or _is_proper(name) and any(t.pos_ == "PROPN" for t in tokens)
    if proper or canonical_agency(name) or name.lower() in KNOWN_MEDIA:
        return True
    if words[-1] in MEDIA_HEADS | MONITOR_WORDS | {"agency", "ministry", "observatory"}:
        return True
    # Generic roles need a modifier to be a citable source: 'a Kremlin
    # spokesman', 'Syrian officials', 'the ambulance service' yes; 'officials' alone no.
    return words[-1] in OFFICIAL_WORDS | SERVICE_HEADS and len(words) > 1


# ------------------------------------------------------------- extraction

def article_names(analysis: Analysis) -> "ArticleNames":
    """One per article, kept on the doc: quotes and sources share its speakers."""
    names = analysis.doc.user_data.get("storylens_names")
    if names is None:
        names = analysis.doc.user_data["storylens_names"] = ArticleNames(analysis)
    return names


def _article_citations(analysis: Analysis) -> list[Citation]:
    names = article_names(analysis)
    found: list[Citation] = []
    # The tests on each token read the doc's columns: most tokens pass none.
    lemma, pos, lower = (token_column(analysis.doc, attr) for attr in ("lemma_", "pos_", "lower_"))
    for i, token in enumerate(doc_tokens(analysis.doc)):
        heads: list[Token] = []
        if lemma[i] in SOURCE_VERBS and pos[i] in ("VERB", "AUX"):
            heads = subject_heads(token)
            heads += [o for o in outlet_objects(token) if _is_outlet(names.actor(o).name)]
        elif lemma[i] in QUOTE_ONLY_VERBS and pos[i] == "VERB" and _governs_quote(token):
            # 'Rudell called the statement "offensive"', 'Bartolo asked, "…"'.
            heads = subject_heads(token)
        elif lemma[i] in ("speak", "talk", "interview") and pos[i] == "VERB":
            heads = [o for o in outlet_objects(token) if _is_outlet(names.actor(o).name)]
        elif lower[i] == "according":
            heads = according_to(token)
        elif lemma[i] in ("show", "find", "suggest", "indicate") and pos[i] == "VERB":
            heads = [h for h in subject_heads(token) if h.lemma_.lower() in STUDY_NOUNS]
        elif lemma[i] == "contribute" and _about_report(token):
            found += [_citation(analysis, names.actor(h), names.actor(h).name, "contributor")
                      for h in subject_heads(token) if not is_pronoun(h)]
            continue
        if not heads:
            continue
        # 'according to a new Associated Press-GfK poll', 'a count by The
        # Associated Press', 'a Gallup poll shows': the pollster is the source.
        heads = [_study_owner(h) or h for h in heads]
        for head in heads:
            actor = names.actor(head)
            if actor.pronoun or _is_dateline(head) or in_title_line(analysis.doc, head.idx):
                continue
            name = names.resolve(actor)
            # 'the envoy' counts once bound to the named envoy.
            if not _name_like(actor.name, head, actor.tokens) and (name == actor.name or not _is_proper(name)):
                continue
            found.append(_citation(analysis, actor, name, classify(name, actor.description, actor.tokens)))
    found += _headline_speaker(analysis, names)
    found += _photo_credits(analysis) + _datelines(analysis) + _reporting_lines(analysis)
    found = _unify_kinds(_dedupe(found))
    affiliations = article_affiliations(analysis)
    found = [c.model_copy(update={"affiliation": affiliations[c.name]})
             if c.name in affiliations and c.kind not in ("photo", "contributor") else c for c in found]
    return sorted(found, key=lambda c: c.start)


STUDY_NOUNS = {"poll", "polls", "survey", "surveys", "study", "count", "tally", "average", "analysis",
               "estimate", "estimates", "data", "figures", "report", "reports", "polling"}


def _study_owner(head: Token) -> Token | None:
    """The named maker of a poll, count or study: 'a count by The Associated
    Press' -> Associated Press, 'a national Gallup Poll' -> Gallup; None when
    the study names no one."""
    if head.lemma_.lower() not in STUDY_NOUNS:
        return None
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
            objs = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "PROPN"]
            if objs:
                return objs[0]
    named = [t for t in head.lefts if t.pos_ == "PROPN" and t.lemma_.lower() not in STUDY_NOUNS
             and t.ent_type_ not in ("GPE", "NORP", "DATE", "LOC")]
    return named[-1] if named else None


def _governs_quote(verb: Token) -> bool:
    """A quotation mark among the verb's own dependents' words (not its subject's)."""
    return any(t.text in ("“", '"') for c in verb.children if c.dep_ not in ("nsubj", "nsubjpass")
               for t in c.subtree)


_HEADLINE_LABEL = re.compile(r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):\s+\S")


def _headline_speaker(analysis: Analysis, names: ArticleNames) -> list[Citation]:
    """'Lyle: No outside influence on FBI probe': a headline that opens with
    a name and a colon attributes its words to the person the article names
    in full ('Loretta Lyle'); a label that names no one in the body
    ('News Guide:') is no source."""
    text = analysis.article.text
    first = text.split("\n", 1)[0]
    m = _HEADLINE_LABEL.match(first)
    if not m:
        return []
    label = m.group(1)
    body = [n for off, n in names.full_names if off > len(first)]
    full = next((n for n in body if same_actor(n, label)), None)
    if full is None:
        return []
    span = analysis.span(m.start(1), m.end(1))
    return [Citation(article=analysis.id, name=full, kind=classify(full), start=span.start, end=span.end,
                     text=span.text)]


_KIND_RANK = ["agency", "monitor", "media", "official", "organization", "person", "other"]


def _unify_kinds(citations: list[Citation]) -> list[Citation]:
    """One kind per name in an article: 'UN envoy Sten de Varga' makes
    the later bare 'De Varga' an official too."""
    best: dict[str, str] = {}
    for c in citations:
        if c.kind in _KIND_RANK:
            old = best.get(c.name, "other")
            best[c.name] = min(old, c.kind, key=_KIND_RANK.index)
    return [c.model_copy(update={"kind": best[c.name]}) if c.kind in _KIND_RANK else c
            for c in citations]


_DATELINE_PREFIX = re.compile(r"[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+)*(?:,(?: [A-Z][\w.'’-]*)+\.?(?: \d{1,2})?)*"
                              r"(?: \([^()\n]{1,30}\))?\s*(?:—|--|–|-)")


def _is_dateline(token: Token) -> bool:
    """'WASHINGTON — ...', 'COLUMBIA, S.C. (AP) — ...', 'PHILADELPHIA, July 25
    (UPI) — ...': a place line the parser may take for a subject."""
    doc = token.doc
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, token.idx) + 1
    if token.idx - line_start > 60:
        return False
    m = _DATELINE_PREFIX.match(text, line_start)
    if m and line_start <= token.idx < m.end():
        return True
    at_line_start = token.i == 0 or "\n" in doc[token.i - 1].text_with_ws
    nxt = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
    return token.text.isupper() and at_line_start and nxt in ("—", "--", "-", "–", ",", "(")


def _is_outlet(name: str) -> bool:
    return classify(name) in ("agency", "media")


def _about_report(verb: Token) -> bool:
    """'contributed to this report', 'contributed reporting'."""
    return any(t.lemma_ in ("report", "reporting", "story", "article") for t in verb.subtree)


def _citation(analysis: Analysis, actor: Actor, name: str, kind: str) -> Citation:
    span = analysis.span(actor.start, actor.end)
    return Citation(article=analysis.id, name=name, kind=kind, start=span.start, end=span.end, text=span.text)


def _dedupe(citations: list[Citation]) -> list[Citation]:
    seen, out = set(), []
    for c in citations:
        key = (c.start, c.end)
        if key not in seen and c.name:
            seen.add(key)
            out.append(c)
    return out


_AGENCY_ALT = "|".join(re.escape(a) for a in sorted(PHOTO_AGENCIES, key=len, reverse=True))
# Credit at the end of a caption: '... AleppoReuters', '... Photo: AFP',
# '(John Doe/Getty Images)'. A glued credit follows a lower-case letter.
_CREDIT = re.compile(rf"(?:(?<=[a-z\s/(:|,\-])|^)({_AGENCY_ALT})\)?\s*$")
_CREDIT_LINE = re.compile(r"^\s*(?:Photograph|Photo|Picture|Image|Credit)s?(?: by)?\s*:\s*"
                          r"([^/\n]+?)\s*(?:/\s*([^/\n]+?))?\s*$", re.I)
_DATELINE = re.compile(rf"^[A-Z]{{2,}}[A-Za-z .,'\-]{{0,60}}\(({_AGENCY_ALT}|Agence France-Presse)\)\s*[-—–]")
_REPORTING_BY = re.compile(r"(?:^|\n)\s*(?:Additional\s+)?[Rr]eporting\s+by\s+([^;\n.]+)")


def _lines(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def _photo_credits(analysis: Analysis) -> list[Citation]:
    out = []
    for offset, line in _lines(analysis.article.text):
        stripped = line.strip()
        if not stripped or stripped.endswith(_TERMINAL_PUNCT) or len(stripped.split()) > 30:
            continue
        labelled = _CREDIT_LINE.match(line)
        if labelled:
            # 'Photograph: Name/Agency' credits the agency; without one, the photographer.
            start = offset + labelled.start(2) if labelled.group(2) else offset + labelled.start(1)
            span = analysis.span(start, offset + labelled.end(0))
            name = canonical_agency(span.text) or span.text
            out.append(Citation(article=analysis.id, name=name, kind="photo", start=span.start,
                                end=span.end, text=span.text))
            continue
        match = _CREDIT.search(line)
        if match:
            span = analysis.span(offset + match.start(1), offset + match.end(1))
            name = canonical_agency(match.group(1)) or match.group(1)
            out.append(Citation(article=analysis.id, name=name, kind="photo", start=span.start,
                                end=span.end, text=span.text))
    return out


def _datelines(analysis: Analysis) -> list[Citation]:
    out = []
    for offset, line in _lines(analysis.article.text):
        match = _DATELINE.match(line)
        if match:
            span = analysis.span(offset + match.start(1), offset + match.end(1))
            name = canonical_agency(match.group(1)) or match.group(1)
            # A credit like 'Jon Berg contributed to this report', not a source.
            out.append(Citation(article=analysis.id, name=name, kind="contributor", start=span.start,
                                end=span.end, text=span.text))
    return out


def _reporting_lines(analysis: Analysis) -> list[Citation]:
    """'Reporting by Jane Doe and John Roe in Beirut; Editing by ...'."""
    out = []
    text = analysis.article.text
    for match in _REPORTING_BY.finditer(text):
        names = match.group(1)
        base = match.start(1)
        for part in re.finditer(r"[A-Z][\w'\-]*(?:\s+(?:[A-Z][\w'\-]*|de|al|van|von|bin))*", names):
            if part.group(0) in ("Additional",):
                continue
            # Stop at 'in Beirut' style locations.
            before = names[:part.start()].rstrip()
            if before.endswith(" in") or before == "in":
                continue
            span = analysis.span(base + part.start(), base + part.end())
            out.append(Citation(article=analysis.id, name=span.text, kind="contributor",
                                start=span.start, end=span.end, text=span.text))
    return out


def source_names(citations: list[Citation], article_ids: list[str] | None = None) -> dict[str, list[str]]:
    """Article id -> distinct canonical names in order of first appearance.

    Pass `article_ids` to list articles without any citation too; otherwise
    only articles that appear in `citations` are keys.
    """
    out: dict[str, list[str]] = {i: [] for i in article_ids or []}
    for c in citations:
        names = out.setdefault(c.article, [])
        if c.name not in names:
            names.append(c.name)
    return out


def article_citations(analysis: Analysis) -> list[Citation]:
    """Every place where one article names whom it got something from (the
    article phase's part of the sources stage)."""
    return _article_citations(analysis)


# ------------------------------------------------------------- affiliations

_AFFILIATION_PREPS = ("from", "of", "with", "at", "for")


def article_affiliations(analysis: Analysis) -> dict[str, str]:
    """Canonical speaker name -> the organisation the article ties them to:
    'Yasser al-Yousri, from the rebel group Nureddin al-Zinki' -> the group;
    'Jane Roe of the Harbour Trust', 'a spokesman for the Red Cross, Ana Lind',
    'Harbour Trust director Jane Roe'. Only speakers (subjects of reporting
    verbs) are looked at; the first affiliation given wins."""
    names = article_names(analysis)
    out: dict[str, str] = {}
    for actor in names.speakers:
        if actor.pronoun or not actor.tokens:
            continue
        name = names.resolve(actor)
        if not name or name in out or not _is_proper(name):
            continue
        org = _affiliation(actor)
        if org and not same_actor(org, name):
            out[name] = org
    return out


def _affiliation(actor: Actor) -> str | None:
    head = max(actor.tokens, key=lambda t: (t.dep_ in ("nsubj", "nsubjpass"), t.i))
    # 'X, from the rebel group Y,' / 'X of Y' / 'a spokesman for Y, X'
    owners = [head, head.head] if head.dep_ == "appos" else [head]
    for owner in owners:
        for prep in owner.children:
            if prep.dep_ == "prep" and prep.lower_ in _AFFILIATION_PREPS:
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs:
                    org = _org_phrase(objs[0])
                    if org:
                        return org
        for appos in owner.children:
            if appos.dep_ == "appos" and appos.pos_ == "NOUN":
                for prep in appos.children:
                    if prep.dep_ == "prep" and prep.lower_ in _AFFILIATION_PREPS:
                        objs = [c for c in prep.children if c.dep_ == "pobj"]
                        if objs and (org := _org_phrase(objs[0])):
                            return org
    # 'Yasser al-Yousri, from the rebel group Y, said': the parser hangs the
    # phrase set off by commas on the verb.
    verb = head.head
    if head.dep_ in ("nsubj", "nsubjpass") and verb.i > head.i:
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in ("from", "of", "with", "at") and head.i < prep.i < verb.i \
                    and head.doc[prep.i - 1].text == ",":
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs and (org := _org_phrase(objs[0])):
                    return org
    # 'Harbour Trust director Jane Roe': a proper name before a title word.
    words = actor.tokens
    titles = [k for k, t in enumerate(words) if t.lower_ in OFFICIAL_WORDS]
    if titles and titles[0] > 0:
        before = [t for t in words[:titles[0]] if t.lower_ not in DETERMINERS]
        if before and all(t.pos_ == "PROPN" for t in before):
            return _text(before)
    return None


def _org_phrase(token: Token) -> str | None:
    """A named organisation: 'the rebel group Nureddin al-Zinki' -> 'Nureddin al-Zinki'."""
    named = [c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if token.pos_ == "NOUN" and named:
        token = named[0]
    name = name_from_tokens(phrase_tokens(token))
    if not name or not _is_proper(name) or token.ent_type_ in ("GPE", "LOC", "DATE", "TIME") and token.lower_ not in ORG_WORDS:
        return None
    return name
