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
  titles ('Yousri', 'the envoy') resolve to the article's full name, initials
  to the name the article spells out ('FDA'); 'the company' or 'the
  drugmakers' to the organisations named just before, a document ('the
  release', 'the ad') to whoever put it out. A report by someone unnamed
  inside a named person's report ('X said a whistle-blower told him "…"') is
  the named person's.
- A quote with no attribution of its own takes, in order: a transcript label
  or a signature line after it ('— Sen. X, in a tweet'), a colon
  introduction, a name right next to it, another quote of its paragraph, the
  quote of the previous paragraph it continues, or the named speaker of the
  previous paragraph's last attribution ('X sent a tweet …' then the tweet).
- A quote of at most two words without a governing reporting verb is a term
  or scare quote ('uses the term “terrorists”') and is skipped, unless the
  text ends inside it (a lead cut off after '“It...').
- Across articles, quotes match when their normalised words are equal, when
  one contains the other or nearly does (only if the shorter has four words or
  more, so 2-word fragments do not glue onto long quotes), or when they differ
  by small edits.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq
from rapidfuzz.process import cpdist
from scipy.cluster.hierarchy import DisjointSet
from spacy.tokens import Token

from .analyze import Analysis, doc_text, doc_tokens, head_indices
from .attribution import QUOTE_ONLY_VERBS, QUOTE_VERBS
from .ids import finding_id
from .models import Quote, QuoteMention
from .names import DETERMINERS, same_actor
from .settings import QuoteConfig
from .sources import (GENERIC_HEADS, MEDIA_KINDS, ORG_WORDS, STUDY_NOUNS, TITLE_WORDS, Actor, _is_proper, ArticleNames, according_to, article_names, in_title_line,
                      is_pronoun, name_words, not_a_speaker, same_speaker, subject_heads)
from .speakers import CUE_WORDS, PARTY_WORDS, ROLE_NOUNS, SpeakerContext, can_speak, is_named, is_person_description, is_role_subject, quote_ranker, rank

UNATTRIBUTED = "unattributed"
SCARE_MAX_WORDS = 2
ANY_VERB = True
_TERM_CUES = {"term", "terms", "word", "words", "phrase", "label", "so-called", "dubbed",
              "branded", "slogan", "name", "nickname", "title", "headline"}

_OPEN, _CLOSE, _BOTH = "“", "”", '"'
_SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n]*?\w[^‘’\n]*?)’(?![\w’'])")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


# ------------------------------------------------------------ quote marks

@lru_cache(maxsize=64)
def quote_spans(text: str) -> tuple[tuple[int, int, int, int], ...]:
    """(start, end, mark_start, mark_end) of every quotation in `text`. Kept
    for the last texts: the quotes stage and the narrative mask of the actors
    stage each ask for the same article's."""
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
    return tuple(out)


_MARKS = re.compile('[“”"]')


def _line_quotes(line: str) -> list[tuple[int, int, int, int]]:
    # Curly marks nest (some outlets write inner quotes with “ ” too);
    # straight marks cannot, so they alternate. Only the marks move the
    # state: visit them alone, not every character of the line.
    out, opened, depth = [], None, 0
    for match in _MARKS.finditer(line):
        i, ch = match.start(), match.group()
        if ch == _OPEN and opened is not None and line[i - 1] in ",.!?" and line[i + 1:i + 2] in ("", " ", "\n"):
            ch = _CLOSE  # 'consequences,“ the secretary said': an opening mark typed for the closing one
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

def _reporting_verb(analysis: Analysis, mark_start: int, mark_end: int,
                    quoted=lambda offset: False) -> tuple[Token | None, bool]:
    """The reporting verb (or 'according') for a quote, and whether it
    governs the quote in the parse (rather than merely sharing its sentence).
    A verb inside any quotation (`quoted(offset)`) is the quoted person's
    word, not the writer's: in 'said that Grell "asserts his innocence" and
    "will be vindicated"' the second quote is not Grell's assertion."""
    doc = analysis.doc

    def inside(t: Token) -> bool:
        return mark_start <= t.idx < mark_end

    def reporting(t: Token) -> bool:
        return _is_reporting(t) and not quoted(t.idx) and not _in_label(doc_text(doc), t.idx, mark_start)

    sents = [s for s in analysis.sentences if s.start_char < mark_end and s.end_char > mark_start]
    if not sents:
        return None, False
    after = sents[-1].end
    if after < len(doc):
        nxt = doc[after].sent
        # '"…" he added.' split off as its own short sentence; after a quote
        # that ends in '?' or '!' the parser splits off any attribution:
        # '"Why not?" Ortiz told reporters during a call.'
        gap = doc_text(doc)[mark_end:nxt.start_char]
        asked = doc_text(doc)[max(0, mark_end - 3):mark_end].rstrip("”\"’' ")[-1:] in ("?", "!")
        if (len(nxt) <= 8 or asked) and "\n" not in gap:
            sents.append(nxt)
    verb = _climb_from_quote(sents, inside, reporting)
    if verb is not None:
        return _reported_person(sents, inside, verb) or _outer_report(verb, inside, reporting) or verb, True
    frame = [t for s in sents for t in doc_tokens(doc)[s.start:s.end]
             if not inside(t) and (reporting(t) or t.lower_ == "according")]
    if not frame:
        verb = _any_governing_verb(sents, inside) if ANY_VERB else None
        # '"…you are protected." Updated CDC guidance will still call …': a
        # quote ending its sentence, which the parser ran on into the next.
        # ('"Fantastic!" beamed Ann Lo' goes on after '!' or '?'.)
        ended = doc_text(doc)[mark_start:mark_end].rstrip("”\"’' ")[-1:] == "."
        return (None if verb is not None and verb.idx >= mark_end and ended else verb), False
    return min(frame, key=lambda t: min(abs(t.idx - mark_start), abs(t.idx - mark_end))), False


def _reported_person(sents, inside, verb: Token) -> Token | None:
    """'Dr. Ana Ruiz wrote to a colleague, calling it "…", a new report
    revealed': a document reports what a named person said; the verb of
    that person's clause, up from the quote (the parser may credit the
    participle to the document)."""
    heads = subject_heads(verb)
    if not heads or not all(h.lemma_ in DOCUMENT_NOUNS for h in heads):
        return None
    return _climb_from_quote(sents, inside, lambda n: n.i != verb.i and n.pos_ == "VERB"
                             and any(h.ent_type_ == "PERSON" for h in subject_heads(n)))


def _outer_report(verb: Token, inside, reporting) -> Token | None:
    """'Carlson said a government whistle-blower had told him the agency was
    watching him for "political reasons"': a report by someone unnamed inside
    a named person's report; the quotation marks give the named reporter's
    words. The reporting verb whose reported clause holds `verb`, when its
    subject is a name."""
    heads = subject_heads(verb)
    if not heads or any(h.pos_ == "PROPN" or h.ent_type_ in ("PERSON", "ORG") or is_pronoun(h) for h in heads):
        return None
    node = verb
    while node.dep_ in ("ccomp", "xcomp") and node.head.i != node.i:
        node = node.head
        if not inside(node) and reporting(node) and node.pos_ in ("VERB", "AUX"):
            above = subject_heads(node)
            return node if above and all(h.pos_ == "PROPN" or h.ent_type_ == "PERSON" for h in above) else None
    return None


_LABEL = re.compile(r"[^\n:“”\"]{1,30}:[^\S\n]+(?=\S)")


def _in_label(text: str, offset: int, mark_start: int) -> bool:
    """'What he's saying: Newsom thanked voters for "…"': a section label
    opening the paragraph, whose verb reports nothing that follows it (unless
    the quote comes right after the colon: 'Dorland told the crowd: "…"')."""
    para = text.rfind("\n", 0, offset) + 1
    label = _LABEL.match(text, para)
    return label is not None and offset < label.end() < mark_start


def _any_governing_verb(sents, inside) -> Token | None:
    """'X thanked him for "…"', 'X is questioning whether Y would have come
    "…"': without a reporting verb, the topmost verb up from the quote that
    has a subject (the clause nearest the quote is often about someone else:
    its subject is the topic, the main clause's subject the speaker)."""
    first = _climb_from_quote(sents, inside, lambda n: n.pos_ in ("VERB", "AUX") and bool(subject_heads(n)))
    if first is None:
        return None
    chain, node = [first], first
    for _ in range(len(first.sent) + 1):
        if node.head.i == node.i or node.dep_ in ("conj", "parataxis"):
            break  # 'Boos rained down …, and the crowd chanted "…"': another clause
        node = node.head
        if node.pos_ in ("VERB", "AUX") and not inside(node) and subject_heads(node):
            chain.append(node)
    # The topmost whose subject can speak: not 'a turn that called to mind …'.
    speaking = [v for v in chain if any(is_pronoun(h) or can_speak(h) for h in subject_heads(v))]
    return (speaking or chain)[-1]


def _climb_from_quote(sents, inside, accept) -> Token | None:
    """The first token outside the quote, up the heads from the quoted words,
    that `accept`s. Bounded by the sentence length: a head chain is a tree path."""
    for sent in sents:
        # the doc's own tokens and head table: no new Token per position or step
        tokens, heads = doc_tokens(sent.doc), head_indices(sent.doc)
        for i in range(sent.start, sent.end):
            if not inside(tokens[i]) or inside(tokens[heads[i]]):
                continue
            node = heads[i]
            for _ in range(len(sent) + 1):
                if not inside(tokens[node]) and accept(tokens[node]):
                    return tokens[node]
                if heads[node] == node:
                    break
                node = heads[node]
    return None


def _is_reporting(token: Token) -> bool:
    if token.pos_ == "NOUN":
        # 'his claim that "..."': a statement noun owned by its speaker.
        return token.lemma_ in REPORT_NOUNS and any(c.dep_ == "poss" for c in token.children)
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if token.lemma_ == "go":  # '"…," Dorland went on'
        return any(c.dep_ == "prt" and c.lower_ == "on" for c in token.children)
    if token.lemma_ == "continue" and any(c.dep_ == "xcomp" for c in token.children):
        return False  # 'Rudell will continue to be "…"' reports nothing
    return token.lemma_ in QUOTE_VERBS


REPORT_NOUNS = {"claim", "statement", "remark", "comment", "word", "warning", "description",
                "assertion", "promise", "pledge", "message", "tweet", "speech", "vow", "call",
                "contention", "insistence", "accusation", "allegation", "suggestion"}


def _speaker(names: ArticleNames, ctx: SpeakerContext, verb: Token | None, mark_start: int, mark_end: int,
             how: dict | None = None) -> str:
    """The speaker of the verb's subject(s); `how` gets the way it was found
    ('verb', 'pronoun', 'role', 'described') and the pronoun."""
    how = {} if how is None else how
    if verb is None:
        return UNATTRIBUTED
    owners: set[int] = set()  # writers of a document subject: a place may be one ('the lawsuit from Nebraska says')
    if verb.lower_ == "according":
        # 'according to a press release from the ministry': a document speaks for its writer here too.
        found = according_to(verb)
        heads = [_owner(h) for h in found]
        owners = {h.i for h in heads} - {h.i for h in found}
    elif verb.pos_ == "NOUN":
        heads = [c for c in verb.children if c.dep_ == "poss"]
    else:
        subjects = subject_heads(verb)
        heads = [_owner(h) for h in subjects]
        owners = {h.i for h in heads} - {h.i for h in subjects}
        agents = _passive_agents(verb)
        if agents:
            heads = agents
    # 'Senate Majority Leader Chuck Schuyler, D-N.Y., called', 'Democratic
    # Sen. Mark Lee (Ariz.) criticized': the parser makes the title the
    # subject and the person its apposition (with plain spaces too: still
    # needed since unusual spaces reach spaCy as plain ones).
    heads = [next((c for c in h.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), h)
             if h.lower_ in ROLE_NOUNS or h.lower_ in TITLE_WORDS else h for h in heads]
    heads = [h for h in heads if not (mark_start <= h.idx < mark_end)
             and h.ent_type_ not in ("DATE", "TIME")  # 'Tuesday said' is a mis-parse
             and h.pos_ not in ("VERB", "AUX")  # a clause as subject: 'Continuing to … will be key'
             and (not not_a_speaker(h, None if h.i in owners else verb) or _named_again(ctx, h))
             and not in_title_line(h.doc, h.idx)
             and not _line_label(h)]
    resolved = []
    for head in heads:
        how.setdefault("via", "verb")
        if is_pronoun(head):
            if head.lower_ in ("who", "which", "that"):
                name = names.resolve(names.actor(head))
            else:
                name = ctx.resolve_pronoun(head) or UNATTRIBUTED
                how.update(via="pronoun", pronoun=head.lower_)
        else:
            name = names.resolve(names.actor(head))
            role = is_role_subject(head)
            if name_words(name) and name_words(name)[-1] == head.lower_:
                if role:
                    name = ctx.resolve_pronoun(head, role=role) or name
                    how["via"] = "role"
                if not _is_proper(name) and is_person_description(head):
                    name = ctx.resolve_pronoun(head, described=True) or name
                    how["via"] = "described"
            if _role_description(head, name) or _owned_role(head, name):
                # 'The Arizona Republican said', 'the Fox News host complained':
                # a description of someone named before, not a name.
                described = ctx.resolve_pronoun(head, described=True)
                if described:
                    name = described
                    how["via"] = "described"
            if not is_named(name) or head.lower_ in PARTY_WORDS and name_words(name)[-1:] == [head.lower_]:
                named = _named_after_lead(ctx, head)
                if named:
                    name = named
                    how["via"] = "described"
            if not is_named(name):
                name = _named_institution(ctx, head, mark_start) or name
            if not is_named(name):
                described = _described_organisation(ctx, head)
                if described:
                    name = described
                    how["via"] = "described"
            if not is_named(name) and not can_speak(head):
                continue  # "Clanton's track record said", 'his eyes gleaming, as if to say'
        if name and name != UNATTRIBUTED and name not in resolved:
            resolved.append(name)
    return " and ".join(resolved) or UNATTRIBUTED


def _named_again(ctx: SpeakerContext, head: Token) -> bool:
    """'…of Ohio, Pellow said', the surname tagged a place: a mention of a
    name the article gave before ('House Speaker Dana Pellow'), no town."""
    return any(m.start == head.idx and len(m.name.split()) > 1 for m in ctx.mentions_between(head.idx, head.idx + 1))


def _named_after_lead(ctx: SpeakerContext, head: Token) -> str | None:
    """'A federal judge ordered …, calling it an "…"', then 'The order by
    U.S. District Judge Ann Roe …': a news lead describes its speaker and
    the next paragraph names her. The person of that paragraph with the
    description's title, else the person subject of its first sentence when
    no title of hers says she is someone else ('the fire chief' is no mayor)."""
    p = ctx.para_index(head.idx)
    if ctx.text[:ctx.para_starts[p]].strip() or head.tag_ not in ("NN", "NNP") or not (
            head.lower_ in ROLE_NOUNS or is_person_description(head, ("a", "an", "the"))) \
            or head.left_edge.lower_ not in ("a", "an", "the"):
        return None
    following = [m for m in ctx.mentions_in_paras(p + 1, p + 1) if m.person or ctx.gender(m.name)]
    titled = [m for m in following if head.lower_ in m.titles]
    if titled:
        return titled[0].name
    first = next(iter(following), None)
    if first is None or not first.subject or first.sent != ctx.sent_index(ctx.para_starts[p + 1]):
        return None
    # A party word or 'chief' ('the WHO chief', then 'WHO Director-General
    # Ada Lin') fits any title.
    roles = set(first.titles) & ROLE_NOUNS
    if roles and head.lower_ in ROLE_NOUNS and head.lower_ not in PARTY_WORDS | {"chief"} and head.lower_ not in roles:
        return None
    return first.name


def _named_institution(ctx: SpeakerContext, head: Token, before: int) -> str | None:
    """'the central bank said', after 'the People's Bank of China': the
    latest institution of this or the previous paragraph whose name holds
    the word."""
    if head.pos_ != "NOUN" or head.lower_ not in ORG_WORDS or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return None
    p0 = ctx.para_index(before)
    for m in reversed(ctx.mentions_between(0, before)):
        if m.para < p0 - 1:
            break
        if not m.person and head.lower_ in name_words(m.name):
            return m.name
    return None


# How many paragraphs back 'the company' looks for the organisation it means:
# news keeps the company's name within a few short paragraphs of its 'the company'.
_ORG_LOOKBACK = 2


def _described_organisation(ctx: SpeakerContext, head: Token) -> str | None:
    """'Pfizer and BioNTech’s vaccine …, the drugmakers announced', 'the
    company said' after 'Facebook says': a definite description that is no
    person stands for the latest organisation named before it, in its own
    paragraph or the `_ORG_LOOKBACK` before (outside quotation marks); a
    plural one for the organisations named together there ('X and Y')."""
    # One organisation is named by an organisation word ('the company', 'the
    # ministry'); several by any plural that can speak ('the drugmakers').
    if head.pos_ != "NOUN" or not (head.lemma_ in ORG_WORDS if head.tag_ != "NNS" else can_speak(head)) \
            or head.lemma_ in DOCUMENT_NOUNS or head.lower_ in GENERIC_HEADS | MEDIA_KINDS \
            or head.lower_ in ROLE_NOUNS or not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) \
            or any(c.dep_ in ("compound", "poss", "appos") for c in head.children):
        return None
    p = ctx.para_index(head.idx)
    orgs = [m for m in ctx.mentions_in_paras(p - _ORG_LOOKBACK, p) if m.end <= head.left_edge.idx and m.org
            and not m.in_quote and not ctx.in_quote(m.start) and ctx.gender(m.name) is None]
    if not orgs:
        return None
    if head.tag_ != "NNS":
        return orgs[-1].name
    # The names joined to the latest one by 'and' or commas: 'Pfizer and BioNTech'.
    group = [orgs[-1]]
    for m in reversed(orgs[:-1]):
        if not re.fullmatch(r"\s*(?:,|,?\s+and)\s*", ctx.text[m.end:group[0].start]):
            break
        group.insert(0, m)
    if len(group) < 2 and " and " not in group[0].name:
        return None  # one organisation for several speakers: not what the plural means
    return " and ".join(dict.fromkeys(m.name for m in group))


def _owned_role(head: Token, name: str) -> bool:
    """'the committee's ranking Republican', 'the federal government's top
    health official': a role owned by an institution stands for the person
    of that role named before, when the rules' name is only the role ('Dorland's
    spokesman' is not Dorland: the owner must be a common noun)."""
    owners = [c for c in head.children if c.dep_ == "poss"]
    return bool(owners) and head.lower_ in ROLE_NOUNS \
        and (not is_named(name) or name_words(name)[-1:] == [head.lower_]) \
        and all(o.pos_ == "NOUN" and any(d.lower_ == "the" for d in o.children)
                or o.ent_type_ == "GPE" for o in owners)  # "Ohio's governor" is a place's role too


def _line_label(token: Token) -> bool:
    """'UPDATE: 7:19 p.m. -- The Post reports …': a capitalised label before
    a colon, which the parser may take for a second subject."""
    nxt = token.i + 1
    return token.text.isupper() and len(token.text) > 1 and nxt < len(token.doc) and token.doc[nxt].text == ":"


def _role_description(head: Token, name: str) -> bool:
    """'the Arizona Republican' (a role word the parser takes for a name) or
    'the Fox News host' (whose name is the outlet's): a definite description
    by a role word, where the rules' name is not a person's name."""
    if head.lower_ not in ROLE_NOUNS or not any(c.lower_ == "the" for c in head.children if c.dep_ == "det"):
        return False
    if any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in head.children):
        return False  # 'the aide, Elizabeth Laudel,': named on the spot
    words = name_words(name)
    return head.pos_ == "PROPN" and bool(words) and words[-1] == head.lower_ or \
        head.pos_ == "NOUN" and (head.lower_ not in words or not is_named(name))


def _is_title(quoted: str, before: str) -> bool:
    """'on "Fox News Sunday"', 'told NBC's "Today"': a capitalised name of a
    show, book or event rather than speech."""
    words = quoted.rstrip(".,;:!?").split()
    previous = _WORD.findall(before.lower())
    if words and previous and previous[-1] in ("titled", "entitled", "headlined", "headline"):
        return True  # 'a story entitled "The Vice President pushed back …"', 'under the headline "…"', whatever its case
    # 'known only as "Executive Assistant #1"': a label of capitalised words and numbers.
    if words and "known" in previous[-3:] and previous[-1] == "as" \
            and all(w[:1].isupper() or not any(c.isalpha() for c in w) for w in words):
        return True
    # Numbers and signs go with any case: '“60 Minutes”', '“Fox & Friends”'.
    if not words or not all(w[:1].isupper() or w.lower() in _MINOR or not w[:1].isalpha() for w in words) \
            or not words[-1][:1].isupper():
        return False
    if 2 <= len(words) <= 8:
        return True
    # 'told NBC's “Today”', 'Fox News’ “Hannity”'
    return len(words) == 1 and bool(previous) and (previous[-1] in ("on", "told", "s", "in", "to", "show")
                                                   or before.rstrip().endswith(("’", "'")))


_MINOR = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "is", "or", "from", "by", "as"}


def _passive_agents(verb: Token) -> list[Token]:
    """'Rudell was asked by moderator Gerard Bakewell whether "…"': the agent of a
    passive reporting verb spoke ('was quoted by CNN as saying' excepted)."""
    if verb.lemma_ in ("quote", "cite") or not any(c.dep_ == "nsubjpass" for c in verb.children):
        return []
    return [o for a in verb.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]


DOCUMENT_NOUNS = {"statement", "report", "letter", "release", "document", "post", "message", "communique",
                  "lawsuit", "suit", "complaint", "filing", "website", "memo", "email", "e-mail", "tweet",
                  "ad", "advertisement", "ruling", "opinion", "indictment", "affidavit", "datum"} | STUDY_NOUNS
# Words for one document: 'the lawsuit from Nebraska' is 'the suit' after;
# 'data released by the agency' is 'the report' after.
_SAME_DOCUMENT = [{"lawsuit", "suit", "complaint", "filing", "indictment", "affidavit"}, {"statement", "release"},
                  {"email", "e-mail"}, {"ruling", "opinion"}, STUDY_NOUNS | {"datum", "finding", "findings"}]


# Verbs whose subject wrote or put out the document they take as object:
# 'Steadman issued a statement saying "…"' is Steadman's. 'Police found a letter
# saying' is not the police's, so the list is short and explicit.
AUTHORING_VERBS = {"issue", "release", "send", "post", "write", "publish", "put", "circulate", "distribute"}
# How far back a definite 'the statement' looks for the one it refers to.
_DOCUMENT_LOOKBACK = 1000


def _owner(head: Token) -> Token:
    """'a statement from the ministry said' -> the ministry; 'Steadman issued a
    statement saying' -> Steadman; 'the suit says', after 'the lawsuit from
    Nebraska', -> Nebraska: a document speaks for whoever wrote it."""
    if head.lemma_ not in DOCUMENT_NOUNS:
        return head
    owner = _document_owner(head)
    if owner is None and any(c.dep_ == "det" and c.lower_ in ("the", "that", "this") for c in head.children):
        owner = _earlier_document_owner(head)
    return head if owner is None else owner


def _document_owner(head: Token) -> Token | None:
    """Who wrote the document `head`, from its own phrase: a possessive, 'from
    X', 'by X', 'of X'; the subject of the verb putting it out ('X issued a
    statement'); or, for 'in a statement', the clause's subject ('In a letter,
    Wexford told …')."""
    if head.dep_ == "dobj" and head.head.lemma_ in AUTHORING_VERBS:
        # 'X teamed up to issue a statement': an infinitive's subject is its governing verb's.
        verb = head.head
        while not any(c.dep_ == "nsubj" for c in verb.children) and verb.dep_ in ("xcomp", "advcl") \
                and verb.head.i != verb.i:
            verb = verb.head
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if subjects:
            return subjects[0]
    for child in head.children:
        # "FreedomWorks’ website": the parser makes a name before a bare ’ a modifier.
        if child.dep_ == "poss" or child.dep_ == "nmod" and child.ent_type_ in ("ORG", "PERSON") \
                and child.i + 1 < len(child.doc) and child.doc[child.i + 1].lower_ in ("'s", "’s", "'", "’"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
        # 'data released Friday from the agency', 'a report published by X'
        if child.dep_ == "acl" and child.lemma_ in AUTHORING_VERBS:
            for prep in child.children:
                objs = [c for c in prep.children if c.dep_ == "pobj"] \
                    if prep.dep_ in ("prep", "agent") and prep.lower_ in ("from", "by") else []
                if objs:
                    return objs[0]
    # 'a Pentagon report', 'the U.S. intel report': a name written before the
    # document is its issuer (a day is not: 'a Saturday press release').
    named = [c for c in head.lefts if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN"
             and c.ent_type_ in ("ORG", "GPE", "PERSON", "NORP")]
    if named:
        return named[-1]
    if head.dep_ == "pobj" and head.head.lower_ == "in" and head.head.head.pos_ in ("VERB", "AUX"):
        subjects = [c for c in head.head.head.children if c.dep_ == "nsubj" and not is_pronoun(c)]
        if subjects:
            return subjects[0]
    return None


def _earlier_document_owner(head: Token) -> Token | None:
    """'The statement said …' after 'the statement from Grell's attorney': the
    owner of the latest earlier mention of that document."""
    kin = next((g for g in _SAME_DOCUMENT if head.lemma_ in g), {head.lemma_})
    for token in reversed(head.doc[max(0, head.i - _DOCUMENT_LOOKBACK):head.i]):
        if token.lemma_ in kin and token.pos_ == "NOUN":
            owner = _document_owner(token)
            if owner is not None:
                return owner
    return None


TERM_MAX_WORDS = 2
MODIFIER_MAX_WORDS = 4  # a quoted phrase qualifying the writer's noun ('the "notice and comment" process')
SO_CALLED_MAX_WORDS = 4  # 'the so-called "lab leak hypothesis"': a named term, not speech


def _embedded_term(analysis: Analysis, start: int, end: int, mark_start: int) -> bool:
    """A short bare noun phrase set in a phrase of the writer's: 'on
    "religious freedom" grounds', 'an "amnesty" policy', 'a "back door" to
    their systems', 'referred to as "principles"'. A scare quote or a term,
    not speech. Quoted words that
    bring their own determiner ('called for "a balanced approach"') or are
    no noun phrase ('is "without merit"') are someone's words."""
    short = _short(analysis.article.text[start:end], TERM_MAX_WORDS)
    if not short and not _short(analysis.article.text[start:end], MODIFIER_MAX_WORDS):
        return False
    span = analysis.doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    roots = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    if len(roots) != 1:
        return False
    root = roots[0]
    if root.pos_ not in ("NOUN", "PROPN") or any(t.dep_ in ("det", "poss") or t.pos_ in ("VERB", "AUX") for t in span):
        return False
    if root.dep_ in ("compound", "amod", "nmod") or root.head.pos_ in ("NOUN", "PROPN"):
        # 'the normal "notice and comment" process': a phrase that only
        # qualifies the writer's noun is a label, however many words it has.
        return short or root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ == "NOUN"
    if not short:
        return False
    # A judgement in the quoted words ('the "final extension" of the pause',
    # 'calling it an "offensive deprivation"', 'as a "compassionate
    # disruptor"') is someone's wording; a bare noun after the writer's
    # article ('a "back door"') or a label after 'as' ('referred to as
    # "principles"') is a term.
    if any(t.pos_ == "ADJ" for t in span):
        return False
    before = analysis.doc[span.start - 2] if span.start >= 2 else None  # the token before the opening mark
    determined = before is not None and before.head.i == root.i and before.dep_ in ("det", "poss", "amod")
    # A label after 'as' ('referred to as "principles"'), but not 'which he
    # called a district of "strategic importance"': his words.
    labelled = root.dep_ == "pobj" and root.head.lower_ == "as"
    return labelled or determined


def _short(quoted: str, most: int = SCARE_MAX_WORDS) -> bool:
    """At most `most` words, a hyphenated compound counting as one
    (a 'vote-a-rama', a 'door-to-door' campaign)."""
    return word_count(quoted) <= most or len(quoted.split()) == 1


def _is_term_mention(text: str, mark_start: int) -> bool:
    before = _WORD.findall(text[max(0, mark_start - 30):mark_start].lower())
    return bool(before) and before[-1] in _TERM_CUES or _so_called(text, mark_start)


def _so_called(text: str, mark_start: int) -> bool:
    """'the so-called "lab leak hypothesis"': the writer names a term, however many words."""
    return text[max(0, mark_start - 12):mark_start].rstrip().lower().endswith("so-called")


def _cut_off(text: str, mark_end: int) -> bool:
    """A quotation still open where the text ends: a lead cut off inside it
    ('"It...'). However short, the writer had opened someone's words."""
    return mark_end >= len(text.rstrip()) and text[mark_end - 1] not in (_CLOSE, _BOTH)


def _in_markup(text: str, offset: int) -> bool:
    """Inside an HTML-like tag: '<tweet id="…" author="…">'."""
    open_ = text.rfind("<", max(0, offset - 300), offset)
    return open_ >= 0 and text.find(">", open_, offset) < 0 and re.match(r"<\w+[\s>]", text[open_:open_ + 20]) is not None


def _not_speech(quoted: str, verb: Token | None, governs: bool) -> bool:
    """One-word labels ('critics called him "stupid"'), handles and numbers."""
    words = _WORD.findall(quoted)
    if not any(any(c.isalpha() for c in w) and len(w) > 1 for w in words) or quoted.lstrip().startswith("@"):
        return True
    # 'calling it "liberating"' is a named person's word; 'critics called the
    # plan "reckless"' a label.
    return len(words) == 1 and not (governs and verb is not None and (
        verb.lemma_ not in QUOTE_ONLY_VERBS or any(h.pos_ == "PROPN" for h in subject_heads(verb))))


_NOT_LABELS = {"VIDEO", "AUDIO", "PHOTO", "PHOTOS", "UPDATE", "NOTE", "EDITOR'S NOTE", "EDITOR’S NOTE",
               "WATCH", "READ", "CLIP", "TRANSCRIPT", "BREAKING", "CORRECTION", "SOURCE", "SOURCES"}
_TRANSCRIPT = re.compile(r"^\s*([A-Z][A-Z.\'’ -]{1,40}):\s")


def article_quotes(analysis: Analysis) -> list[QuoteMention]:
    """Every quotation of one article with its speaker."""
    names = article_names(analysis)
    text = analysis.article.text
    spans = [q for q in quote_spans(text) if not _in_markup(text, q[2])]
    ctx = SpeakerContext(analysis, names, [(ms, me) for _, _, ms, me in spans])
    kept = []  # [start, end, mark_start, mark_end, speaker, from_verb]
    for start, end, mark_start, mark_end in spans:
        quoted = text[start:end]
        verb, governs = _reporting_verb(analysis, mark_start, mark_end, ctx.in_quote)
        short = _short(quoted)
        if not _cut_off(text, mark_end) and (
                short and (not governs or _is_term_mention(text, mark_start))
                or _so_called(text, mark_start) and word_count(quoted) <= SO_CALLED_MAX_WORDS
                or _is_title(quoted, text[max(0, mark_start - 20):mark_start]) or _not_speech(quoted, verb, governs)
                or _embedded_term(analysis, start, end, mark_start)):
            continue
        how: dict = {}
        speaker = _speaker(names, ctx, verb, mark_start, mark_end, how)
        if speaker != UNATTRIBUTED:
            ctx.last_speaker = (mark_start, speaker)
            if how.get("via") == "pronoun":
                ctx.last_pronoun = (mark_start, how["pronoun"], speaker)
        kept.append([start, end, mark_start, mark_end, speaker, speaker != UNATTRIBUTED,
                     how.get("via", "none") if speaker != UNATTRIBUTED else "none", how.get("pronoun")])
    _fill_from_context(analysis, names, ctx, kept)
    _rank_speakers(analysis, ctx, kept)
    out = []
    for start, end, _, _, speaker, *_ in kept:
        speaker = _spelled_out(text, speaker)
        if _unnamed_document(speaker):
            # 'the report says' by a writer the article never names: a reader cannot tell who speaks
            # (kept as the rules' description until here, so the ranker does not guess a name for it)
            speaker = UNATTRIBUTED
        span = analysis.span(start, end)
        out.append(QuoteMention(**span.model_dump(), speaker=speaker))
    return out


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_NAME_RUN = re.compile(r"[A-Z][\w'’-]*(?:[^\S\n]+(?:(?:of|and|for|the|on)[^\S\n]+)*[A-Z][\w'’-]*)+")


def _unnamed_document(speaker: str) -> bool:
    """'report', 'the memo': a document with no name in it ('One Club for
    Growth ad' names its writer)."""
    words = speaker.split()
    return bool(words) and words[-1].lower() in DOCUMENT_NOUNS \
        and not any(w[:1].isupper() for w in words if w.lower() not in DETERMINERS)


def _spelled_out(text: str, speaker: str) -> str:
    """'FDA' -> 'Food and Drug Administration' when the article spells the
    initials out: one name for the speaker however the sentence wrote it."""
    if not _ACRONYM.fullmatch(speaker):
        return speaker
    for run in _NAME_RUN.finditer(text):
        words = run.group().split()
        capital = [i for i, w in enumerate(words) if w[0].isupper()]
        n = len(speaker)
        for k in range(len(capital) - n + 1):  # 'The US Food and Drug Administration on Wednesday' holds it
            if "".join(words[i][0] for i in capital[k:k + n]) == speaker:
                return " ".join(words[capital[k]:capital[k + n - 1] + 1])
        # 'BOE' for 'Board of Elections': initials that keep the small words'.
        for a in capital:
            for b in capital:
                if b > a and "".join(w[0] for w in words[a:b + 1]).upper() == speaker:
                    return " ".join(words[a:b + 1])
    return speaker


def _fill_from_context(analysis: Analysis, names: ArticleNames, ctx: SpeakerContext, kept: list) -> None:
    """Speakers of quotes without a reporting verb of their own: a transcript
    label ('SANDELL: …'), an introduction ending in a colon, another quote of
    the same paragraph, or the previous paragraph's quote when this paragraph
    continues it. Never a later paragraph."""
    text = analysis.article.text
    para = [ctx.para_index(k[2]) for k in kept]
    for i, k in enumerate(kept):
        if k[4] != UNATTRIBUTED:
            continue
        p_start = ctx.para_starts[para[i]]
        # 'SANDELL: "…"', or a quoted transcript line '"RAMIRO: Secretary Clanton, …"'.
        label, base = _TRANSCRIPT.match(text[p_start:k[2] + 1]), p_start
        if not label:
            label, base = _TRANSCRIPT.match(text[k[0]:k[1]]), k[0]
        if label and label.group(1).strip(" .").upper() in _NOT_LABELS:
            label = None
        if label:
            written = " ".join(label.group(1).split()).title()
            start = base + label.start(1)
            k[4] = names.resolve(Actor(tokens=[], name=written, written=written, start=start,
                                       end=start + len(label.group(1))))
            k[6] = "transcript"
            continue
        intro = _colon_intro(analysis, names, ctx, k[2])
        if intro:
            k[4], k[6] = intro, "colon"
            continue
        signed = _dash_signature(ctx, k[2], k[3])
        if signed:
            k[4], k[6] = signed, "transcript"
            continue
        # '"…," Texas delegate Bill Ness, wearing a hat, said matter-of-factly':
        # a name right next to the quote with a cue verb, which the parse missed.
        adjacent = ctx.adjacent_names(k[2], k[3])
        if text[k[2]:k[3]].rstrip("”\"’' ")[-1:] == ".":
            # '"…you are protected." Updated CDC guidance will …': after a
            # quote that ends its sentence, a name opens the next one.
            before = {m.name for m in ctx.mentions_between(k[2] - 200, k[2])}
            adjacent = [n for n in adjacent if n in before]
        adjacent = adjacent or _inverted_after(ctx, k[3])
        if len(adjacent) == 1:
            k[4], k[6] = adjacent[0], "adjacent"
            k[5] = True  # as good as a verb's subject for the next quote of its paragraph
            continue
        aged = _aged_after(ctx, k[2], k[3])
        if aged:
            k[4], k[6] = aged, "described"
            k[5] = True
            continue
        same = [j for j in range(len(kept)) if j != i and para[j] == para[i] and kept[j][5]]
        if same:
            before = [j for j in same if j < i]
            j = before[-1] if before else same[0]
            k[4], k[6] = kept[j][4], "paragraph"
            continue
        # Continuation: the paragraph opens with the quote, and the latest
        # earlier quote sits in the previous paragraph (or the one before,
        # across a paragraph that is all quotation).
        opens = text[ctx.para_starts[para[i]]:k[2]].strip() == ""
        prev = [j for j in range(i) if para[j] < para[i] and kept[j][4] != UNATTRIBUTED]
        if opens and prev and para[i] - para[prev[-1]] <= 1:
            k[4], k[6] = kept[prev[-1]][4], "continued"
            continue
        # 'Fastly said in a status update …' or 'Wingard sent a tweet …', then a
        # paragraph of quotation with no attribution of its own (often a lead
        # cut off before it): the previous paragraph's speaker introduced it.
        if opens and para[i] > 0 and not prev or opens and prev and para[i] - para[prev[-1]] > 1:
            intro = _introducer(analysis, names, ctx, para[i] - 1, k[2])
            if intro is None and _cut_off(text, k[3]):
                intro = _actor_before(analysis, names, ctx, para[i] - 1, k[2])
            if intro:
                k[4], k[6] = intro, "introduced"
            continue
        # 'The gymnast explained that she needed rest. "This year, I …"': a
        # quotation opening a sentence after the attribution of the
        # paragraph's sentence before it, in a lead cut off before the
        # quote's own attribution.
        s = ctx.sent_index(k[2])
        if not opens and s > 0 and _cut_off(text, k[3]) and not text[ctx.sent_starts[s]:k[2]].strip() \
                and ctx.sent_starts[s - 1] >= ctx.para_starts[para[i]] \
                and text[:k[2]].rstrip()[-1:] in (".", "?", "!"):  # not a sentence the parser split at the quote
            intro = _introducer(analysis, names, ctx, para[i], k[2], (ctx.sent_starts[s - 1], ctx.sent_starts[s]))
            if intro:
                k[4], k[6] = intro, "introduced"


# '"…," said Harbor Jobs Lab director of research Nick Bunting.': a cue verb,
# then a long title the parser cannot read, ending in the name.
_INVERTED_AFTER = re.compile(rf"[\s,]*{CUE_WORDS}\s+[^.;:!?\"“”\n]{{0,80}}?(?=[.,;]|$)")


def _inverted_after(ctx: SpeakerContext, mark_end: int) -> list[str]:
    """The name that ends the inverted attribution right after a quote."""
    match = _INVERTED_AFTER.match(ctx.text, mark_end)
    if match is None:
        return []
    return [m.name for m in ctx.mentions_between(mark_end + 1, match.end()) if m.end == match.end()][:1]


# '"…," the 46-year-old said': an age for a person, which the parser reads as no subject.
_AGE_AFTER = re.compile(r"[\s,]*the\s+\d{1,3}-year-old\b")


def _aged_after(ctx: SpeakerContext, mark_start: int, mark_end: int) -> str | None:
    """The person 'the 46-year-old' right after a quote stands for: the
    latest named person of this paragraph or the one before (a subject
    first), outside quotation marks."""
    if _AGE_AFTER.match(ctx.text, mark_end) is None:
        return None
    p = ctx.para_index(mark_start)
    people = [m for m in ctx.mentions_in_paras(p - 1, p) if m.end <= mark_start and not ctx.in_quote(m.start)
              and (m.person or ctx.gender(m.name))]
    subjects = [m for m in people if m.subject]
    return (subjects or people)[-1].name if people else None


_DASH_LINE = re.compile(r"\n\s*[—–-]+[ \t]*")


def _dash_signature(ctx: SpeakerContext, mark_start: int, mark_end: int) -> str | None:
    """'“…”' as a paragraph of its own, signed on the next line '— Sen. Tom
    Hale (R-Ark.), in a tweet': the one later paragraph that names a speaker."""
    p = ctx.para_index(mark_start)
    end = ctx.para_starts[p + 1] if p + 1 < len(ctx.para_starts) else len(ctx.text)
    if ctx.text[ctx.para_starts[p]:mark_start].strip() or ctx.text[mark_end:end].strip():
        return None
    dash = _DASH_LINE.match(ctx.text, mark_end)
    if dash is None:
        return None
    # The last name before the signature's first comma or bracket:
    # 'Harbour Party Chair Nora Lind, in a tweet' is Nora Lind's.
    head = re.match(r"[^,(\n]{1,80}", ctx.text[dash.end():])
    if head is None:
        return None
    signed = ctx.mentions_between(dash.end(), dash.end() + head.end())
    return signed[-1].name if signed else None


def _introducer(analysis: Analysis, names: ArticleNames, ctx: SpeakerContext, para: int, mark_start: int,
                within: tuple[int, int] | None = None) -> str | None:
    """The named speaker of the last sentence of paragraph `para` (or of the
    text `within`) with an attribution outside quotation marks: a reporting
    verb, 'according to', or a verb putting out a document ('sent a tweet',
    'issued a statement'); of several, the highest in the parse that names
    someone ('A memo said that …, so the Treasury must release the
    documents' is the memo's)."""
    start = ctx.para_starts[para]
    end = ctx.para_starts[para + 1] if para + 1 < len(ctx.para_starts) else len(analysis.article.text)
    if within is not None:
        start, end = within
    span = analysis.doc.char_span(start, end, alignment_mode="expand")
    cues = [t for t in (span if span is not None else []) if not ctx.in_quote(t.idx) and (
        _is_reporting(t) or t.lower_ == "according" or t.lemma_ in AUTHORING_VERBS and any(
            c.dep_ == "dobj" and c.lemma_ in DOCUMENT_NOUNS for c in t.children) or _in_document(t))]
    if not cues:
        return None
    last = cues[-1].sent.start
    for cue in sorted((t for t in cues if t.sent.start == last), key=lambda t: len(list(t.ancestors))):
        name = _speaker(names, ctx, cue, mark_start, mark_start)
        if is_named(name):
            return name
    return None


def _actor_before(analysis: Analysis, names: ArticleNames, ctx: SpeakerContext, para: int, mark_start: int) -> str | None:
    """'Sen. Mark Lee criticized the plan on Wednesday.' then a lead cut off
    inside a paragraph of quotation, before its attribution: the person who
    acts in the last sentence of paragraph `para` (its main verb's subject)
    speaks next. (In a whole article the attribution follows the quote.)"""
    start = ctx.para_starts[para]
    sents = [s for s in analysis.sentences if start <= s.start_char < mark_start]
    if not sents:
        return None
    root = sents[-1].root
    heads = subject_heads(root) if root.pos_ in ("VERB", "AUX") else []
    if len(heads) != 1 or is_pronoun(heads[0]):
        return None  # a pronoun there is resolved with less certainty than a verb's 'he said'
    name = _speaker(names, ctx, root, mark_start, mark_start)
    # a person, not 'The agency announced …' nor 'Police arrested …'
    person = ctx.gender(name) or any(m.person and m.name == name for m in ctx.mentions_between(start, mark_start))
    return name if is_named(name) and person else None


def _in_document(verb: Token) -> bool:
    """'X assailed him in a tweet': a verb said in a document, whose words
    the next paragraph may quote."""
    return verb.pos_ == "VERB" and any(
        p.dep_ == "prep" and p.lower_ == "in" and any(o.dep_ == "pobj" and o.lemma_ in DOCUMENT_NOUNS for o in p.children)
        for p in verb.children)


RECORD: list | None = None  # set by benchmarks/train_speaker.py to collect candidates


def _rank_speakers(analysis: Analysis, ctx: SpeakerContext, kept: list) -> None:
    """The learned ranker (`data/quote_speakers.json`) re-judges every quote:
    the rules' speaker is one feature among the named mentions around the
    quote; below the ranker's threshold the quote is left unattributed."""
    model = quote_ranker()
    if model is None and RECORD is None:
        return
    rules = [(k[2], k[4]) for k in kept]
    decided = []
    for i, k in enumerate(kept):
        cands = ctx.quote_candidates(k[2], k[3], k[4], k[6], k[7], rules[:i], rules)
        if RECORD is not None:
            RECORD.append((analysis.id, k[0], k[1], k[4], cands))
        if model is None:
            continue
        decided.append(rank(model, cands))
    if model is not None:
        para = [ctx.para_index(k[2]) for k in kept]
        # The ranker's own picks: a quote the rules credit by its paragraph
        # ('"…," he said. "…"') or as a continuation keeps its speaker when
        # the ranker is unsure but has credited that speaker the quote it
        # was taken from.
        accepted = [name is not None and name == k[4] for k, name in zip(kept, decided)]
        for i, (k, name) in enumerate(zip(kept, decided)):
            if name is None and k[6] in ("paragraph", "continued") and any(
                    accepted[j] and kept[j][4] == k[4] and (para[j] == para[i] if k[6] == "paragraph"
                                                            else j < i and para[i] - para[j] <= 2)
                    for j in range(len(kept)) if j != i):
                decided[i] = k[4]
        for k, name in zip(kept, decided):
            if k[6] == "transcript":
                continue  # a speaker's label ('RAMIRO:') says who speaks
            # A description the rules found ('the fire chief said') stays
            # unless the ranker is sure of a name.
            if name is None and k[4] != UNATTRIBUTED and not is_named(k[4]):
                continue
            # So does the person a description of the verb's own subject
            # refers to ('Rep. Bob Lin …, the lawmaker said'), when the
            # ranker, which weighs such a non-subject low, is unsure.
            if name is None and k[6] in ("described", "role"):
                continue
            # 'X and Y's vaccine …, the drugmakers announced': the ranker
            # weighs single mentions, so it picks one of a joint speaker the
            # rules found; a reader names both.
            if name is not None and name != k[4] and _one_of_joint(name, k[4]):
                continue
            k[4] = name or UNATTRIBUTED


def _one_of_joint(name: str, joint: str) -> bool:
    """'Harwell' of 'Harwell and BioLume' (the rules join several speakers with 'and')."""
    parts = joint.split(" and ")
    return len(parts) > 1 and all(is_named(p) for p in parts) and any(same_actor(name, p) for p in parts)


def _token_at(analysis: Analysis, offset: int) -> Token | None:
    doc = analysis.doc
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


# 'Stated Stone:', 'Continued Stone:' — a verb-first introduction the parser reads as a noun phrase.
_INVERTED_INTRO = re.compile(r"(?:^|\n)[ \t]*([A-Z][a-z]+)[ \t]+([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}):$")


def _colon_intro(analysis: Analysis, names: ArticleNames, ctx: SpeakerContext, mark_start: int) -> str | None:
    """'Dorland told the crowd:' right before the quote (same or previous paragraph)."""
    text = analysis.article.text
    before = text[:mark_start].rstrip()
    if not before.endswith(":"):
        return None
    inverted = _INVERTED_INTRO.search(before)
    if inverted:
        word = inverted.group(1).lower()
        if {word, word[:-1], word[:-2]} & (QUOTE_VERBS | {"state", "continue"}):
            written = inverted.group(2)
            return names.resolve(Actor(tokens=[], name=written, written=written, start=inverted.start(2),
                                       end=inverted.end(2)))
    token = _token_at(analysis, len(before) - 1)
    if token is None:
        return None
    verbs = [t for t in token.sent if t.idx < len(before) and t.pos_ in ("VERB", "AUX")]
    # A reporting verb first ('X told the crowd:'), then any verb with a subject ('X echoed:').
    others = sorted((v for v in verbs if not _is_reporting(v)), key=lambda v: (v.dep_ != "ROOT", len(before) - v.idx))
    for t in [v for v in verbs if _is_reporting(v)] + others:
        name = _speaker(names, ctx, t, mark_start, mark_start)
        if name != UNATTRIBUTED:
            return name
    return None


# ------------------------------------------------------------- matching

def _same_quotes(normal: list[str], counts: list[int], pairs, config: QuoteConfig = QuoteConfig()) -> set[tuple[int, int]]:
    """The `pairs` (i, j) of normalised quotes that are one quote: equal; or
    the shorter has `min_match_words` words or more and sits inside the longer,
    exactly or nearly (rapidfuzz `partial_ratio`); or both have three words or
    more and differ by small edits (`ratio`). `counts` are the word counts.
    Each fuzzy score is computed for all its pairs in one rapidfuzz call."""
    found, partial, edited = set(), [], []
    for i, j in pairs:
        na, nb = normal[i], normal[j]
        if not na or not nb:
            continue
        if na == nb:
            found.add((i, j))
            continue
        short, long_, short_words = (na, nb, counts[i]) if len(na) <= len(nb) else (nb, na, counts[j])
        if short_words >= config.min_match_words:
            if f" {short} " in f" {long_} ":
                found.add((i, j))
                continue
            partial.append((i, j, short, long_))
        if min(counts[i], counts[j]) >= 3:
            edited.append((i, j))
    near = _partial_matches([p[2] for p in partial], [p[3] for p in partial], config.partial_min)
    found.update((i, j) for (i, j, _, _), ok in zip(partial, near) if ok)
    edited = [p for p in edited if p not in found]
    close = _reach(fuzz.ratio, [normal[i] for i, _ in edited], [normal[j] for _, j in edited], config.ratio_min)
    found.update(p for p, ok in zip(edited, close) if ok)
    return found


def _reach(scorer, xs: list[str], ys: list[str], cutoff: float) -> np.ndarray:
    """Whether `scorer(x, y, score_cutoff=cutoff)` is non-zero, for every pair
    in one rapidfuzz call. Its bulk form refuses a cutoff outside 0-100,
    which the single-pair scorers take: above 100 nothing passes."""
    if cutoff > 100 or not xs:
        return np.zeros(len(xs), dtype=bool)
    return cpdist(xs, ys, scorer=scorer, score_cutoff=max(cutoff, 0)) != 0


def _partial_matches(shorts: list[str], longs: list[str], cutoff: float) -> np.ndarray:
    """rapidfuzz's `partial_ratio(short, long_) >= cutoff` for each pair,
    behind a cheap test that never rejects a pair partial_ratio would accept.

    partial_ratio scores `short` against every window of `long_` at most as
    long as `short` (shorter ones at its ends); a score r (as a fraction)
    needs a window w with 2·LCS(short, w) >= r·(|short| + |w|), and since
    LCS <= |w| that implies LCS(short, long_) >= r/(2-r)·|short|. One
    bit-parallel LCS over `long_` is far cheaper than scoring every window of
    it: on 80 BASIL articles it turns away 86% of the pairs, and most of the
    long quotes, whose windows cost partial_ratio the most.
    """
    if cutoff > 100 or not shorts:
        return np.zeros(len(shorts), dtype=bool)
    r = max(cutoff, 0) / 100
    need = np.floor(r / (2 - r) * np.array([len(x) for x in shorts], dtype=np.float64)) - 1   # slack for rounding
    maybe = np.nonzero(cpdist(shorts, longs, scorer=LCSseq.similarity) >= need)[0].tolist()
    out = np.zeros(len(shorts), dtype=bool)
    out[maybe] = _reach(fuzz.partial_ratio, [shorts[k] for k in maybe], [longs[k] for k in maybe], cutoff)
    return out


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
    counts = [len(text.split()) for text in normal]
    index: dict[str, list[int]] = {}
    for i, text in enumerate(normal):
        words = text.split()
        for gram in {" ".join(words[k:k + 2]) for k in range(max(1, len(words) - 1))}:
            index.setdefault(gram, []).append(i)
    # A pair shares many bigrams: judge it once. Groups are the connected
    # parts of the accepted pairs, so the order they are judged in does not matter.
    pairs = {(i, j) for members in index.values() for x, i in enumerate(members) for j in members[x + 1:]}
    sets = DisjointSet(range(len(mentions)))
    for i, j in _same_quotes(normal, counts, pairs, config):
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
