"""Actors: the words each outlet uses to name and describe the same people,
organisations and groups of people.

**Article phase** (`article_actors`, on the parse; kept in `ArticleFeatures`):

- every narrative mention of a named person or organisation (outside
  quotation marks and headline lines) with the words that describe it:
  a *title*, the words before the name in its noun phrase ('embattled Gov.',
  'Texas Sen.', 'Harbor Review Editor'; honorifics such as 'Mr.' are not
  descriptors); an *appositive*, a noun phrase beside the name ('X, a Tea
  Party favorite,'; 'a spokesman for the DNC, Brad Woodcroft'); a
  *description*, a definite noun phrase that refers back to a named person
  ('the billionaire', 'the Texas firebrand'). A description refers to the
  person the article itself ties its noun to (a title or appositive with that
  noun: 'billionaire Jane Roe' … 'the billionaire'); failing that, to the one
  person named in its sentence before it or in the sentence before, when
  its noun is a person noun of the word list; otherwise it is dropped.
  Each mention carries the article's fullest name for the actor
  (`ArticleNames.resolve`: 'Steadman' -> 'Michael Steadman');
- every *group label*: a noun of the word list for a group of people
  ('protesters', 'rioters'), with its role in the sentence (the governing
  verb and relation: 'clash:nsubj', 'arrest:dobj', 'clash:with').

**Story phase** (`actor_rows`, no parse):

- *named actors*: names are matched across articles (`names.same_name`: 'Steadman'
  is 'Michael Steadman' and 'Helen Clanton' is 'Helen Rodham Clanton';
  'Jane Roe' is not 'John Roe'; an organisation's name only as written or
  before a company suffix, so 'Social Security' is not 'Strengthen Social
  Security'), never joining two names one article keeps apart. An actor is a
  row when at least two articles name it and one of them describes it with
  a word that not every other one uses for it and that is not neutral
  (offices, honorifics, party, places, numbers, proper names and the other
  words of `data/actor_words.json`): 'Tea Party favorite' in one outlet
  against 'conservative firebrand' in another is a row, and so is 'real
  estate tycoon' in two outlets against the bare name in the third; 'Sen.'
  against 'senator' or 'Texas Republican' against 'Republican of Texas' is
  not. An article that names the actor without describing it shows the name
  alone ('named only').
- *group labels*: two labels used in the same role by different articles
  ('squatters occupied the mill' / 'residents occupied the mill') are names
  for one group; the connected labels form a cluster. A cluster is a row
  when at least two articles use its labels, they do not all use the same
  ones, and one label is charged ('rioter', 'mob', 'squatter': the word
  list). Clusters the terms table already covers (one lexicon concept, or
  all its labels in the table) are left to it.

Every descriptor keeps its spans, so a reader can check each one in the text.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from scipy.cluster.hierarchy import DisjointSet

from .analyze import doc_ents, doc_tokens, tokens_where
from .ids import finding_id
from .models import ActorDescriptor, ActorFraming, Span
from .names import cluster_names, display_name, same_name

_NAMED_ENTS = {"PERSON", "ORG"}
# Entity types whose words say where or what, never how: 'Texas', 'Republican', '62'.
_NEUTRAL_ENTS = {"GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT",
                 "ORG", "PERSON", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "LANGUAGE"}
_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "VERB", "ADV", "NUM", "X"}
_MAX_APPOSITIVE = 16  # tokens: an appositive is a noun phrase, not a paragraph
_ORG_HEADS = {"group", "organization", "movement", "party", "company", "firm", "coalition", "committee",
              "agency", "association", "network", "tank", "union", "campaign", "faction", "brigade", "militia",
              "charity", "nonprofit", "institute", "foundation", "council", "alliance", "front", "outlet"}
# Singular nouns that name a group ('the mob'); any other label counts only in the plural.
_COLLECTIVE = {"mob", "crowd", "gang", "militia", "police", "opposition", "horde", "elite", "faithful"}
_PLACE_HEADS = {"city", "town", "village", "country", "nation", "state", "district", "neighborhood", "region",
                "province", "county", "capital", "suburb", "island", "port", "borough", "township", "area"}
_APPOSITION_MARKS = {",", "—", "–", "(", ")", ";", "--"}


@dataclass(frozen=True)
class WordLists:
    honorifics: frozenset[str]
    synonyms: dict[str, str]
    neutral: frozenset[str]
    person_nouns: frozenset[str]
    not_referring: frozenset[str]
    group_nouns: frozenset[str]
    charged_groups: frozenset[str]


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    data = json.loads(resources.files("storylens").joinpath("data/actor_words.json").read_text("utf-8"))
    return WordLists(frozenset(data["honorifics"]), dict(data["synonyms"]), frozenset(data["neutral"]),
                     frozenset(data["person_nouns"]), frozenset(data["not_referring"]),
                     frozenset(data["group_nouns"]), frozenset(data["charged_groups"]))


@lru_cache(maxsize=16384)
def normal_word(word: str) -> str:
    """A descriptor word as it is counted: lower case, without a final period,
    in American spelling, its synonym ('Sen.' -> 'senator', 'GOP' -> 'republican')."""
    from breame.spelling import get_american_spelling

    word = word.lower().replace("’", "'").strip(".'")
    word = get_american_spelling(word) or word
    return word_lists().synonyms.get(word, word)


# ------------------------------------------------------------ per-article records

@dataclass(frozen=True)
class Descriptor:
    """One place where an article describes a named actor."""

    actor: str               # the article's fullest name for the actor
    actor_kind: str          # 'person' or 'organization'
    kind: str                # 'name' (the name as written), 'title', 'appositive', 'predicate', 'description'
    start: int
    end: int
    words: tuple[str, ...]   # its content words, counted as `normal_word`
    marked: tuple[str, ...]  # those of them the parse does not make neutral (names, places, numbers)
    head: str = ""           # the noun it is built on ('firebrand' in 'the Texas firebrand')

    def to_list(self) -> list:
        return [self.actor, self.actor_kind, self.kind, self.start, self.end, list(self.words), list(self.marked),
                self.head]

    @classmethod
    def from_list(cls, row: list) -> "Descriptor":
        actor, actor_kind, kind, start, end, words, marked, head = row
        return cls(actor, actor_kind, kind, start, end, tuple(words), tuple(marked), head)


@dataclass(frozen=True)
class GroupLabel:
    """One narrative use of a noun for a group of people."""

    lemma: str
    role: str   # 'clash:nsubj', 'arrest:dobj', 'clash:with'; '' when none
    start: int  # the noun phrase: its modifiers and the noun
    end: int

    def to_list(self) -> list:
        return [self.lemma, self.role, self.start, self.end]

    @classmethod
    def from_list(cls, row: list) -> "GroupLabel":
        return cls(*row)


# ------------------------------------------------------------- article phase

def article_actors(analysis) -> tuple[list[Descriptor], list[GroupLabel]]:
    """The descriptors of named actors and the group labels of one parsed article."""
    return _ArticleActors(analysis).run()


class _ArticleActors:
    def __init__(self, analysis):
        from .narrative import quote_mask
        from .sources import article_names

        self.analysis = analysis
        self.doc = analysis.doc
        self.mask = quote_mask(analysis.article.text)
        self.names = article_names(analysis)
        self.words = word_lists()
        self.sent_of = {}
        for n, sent in enumerate(analysis.sentences):
            self.sent_of.update(dict.fromkeys(range(sent.start, sent.end), n))

    def narrative(self, token) -> bool:
        from .sources import in_title_line

        return not self.mask.is_quoted(token.idx) and not in_title_line(self.doc, token.idx)

    # ---------------------------------------------------------- named actors

    def run(self) -> tuple[list[Descriptor], list[GroupLabel]]:
        from .sources import swallowing

        heads: list[tuple[str, Descriptor]] = []  # (head noun, descriptor)
        mentions: list[tuple[int, int, str, str]] = []  # (token index, sentence, actor, kind)
        seen_heads: set[int] = set()
        known: dict[str, str] = {}

        def mention(head, label: str) -> None:
            seen_heads.add(head.i)
            found = self._mention(head, label)
            if found is None:
                return
            actor, kind, descriptors = found
            known.setdefault(actor, kind)
            mentions.append((head.i, self.sent_of.get(head.i, -1), actor, kind))
            heads.extend(descriptors)

        for ent in doc_ents(self.doc):
            if ent.label_ in _NAMED_ENTS and ent.root.i not in seen_heads and self.narrative(ent.root) \
                    and not swallowing(ent):
                mention(ent.root, ent.label_)
        # A name the model did not tag, where the article names the same actor elsewhere ('Whitcombe').
        for token in tokens_where(self.doc, "pos_", ("PROPN",)):
            if not token.ent_type_ and token.dep_ != "compound" \
                    and token.i not in seen_heads and self.narrative(token):
                label = self._known_label(token, known)
                if label:
                    mention(token, label)
        mentions.sort()
        out = [d for _, d in heads]
        out += self._descriptions(mentions, heads)
        out.sort(key=lambda d: (d.start, d.end))
        return out, self._groups()

    def _known_label(self, token, known: dict[str, str]) -> str | None:
        from .sources import Actor, name_from_tokens, phrase_tokens

        tokens = phrase_tokens(token)
        name = name_from_tokens(tokens)
        if not name:
            return None
        actor = self.names.resolve(Actor(tokens=tokens, name=name, written=name, start=tokens[0].idx,
                                         end=tokens[-1].idx + len(tokens[-1].text)))
        kind = known.get(actor)
        return None if kind is None else "PERSON" if kind == "person" else "ORG"

    def _mention(self, head, label: str):
        from .names import is_proper as _is_proper
        from .sources import Actor, name_from_tokens, phrase_tokens

        if head.dep_ == "compound" and head.head.pos_ == "NOUN":
            return None  # 'the Ted Crane campaign': a name used as a modifier
        tokens = phrase_tokens(head)
        name = name_from_tokens(tokens)
        if not name or not _is_proper(name):
            return None
        text = self.analysis.article.text
        name_start = text.find(name, tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))
        if name_start < 0:
            return None
        actor = self.names.resolve(Actor(tokens=tokens, name=name, written=name, start=name_start,
                                         end=name_start + len(name)))
        if not actor or actor == "unattributed" or not _is_proper(actor):
            return None
        if normal_word(actor.split()[-1]) != normal_word(name.split()[-1]):
            actor = name  # 'Kessling' is not 'Kessling Tenants' Organisation': only a surname stands for a full name
        name_words = {normal_word(w) for w in actor.split()} | {normal_word(w) for w in name.split()}
        prefix = self._title_tokens([t for t in tokens if t.idx < name_start])
        titled = any(normal_word(t.text) in ("senator", "governor", "representative", "president", "mayor",
                                             "sheriff", "judge") or t.lower_.rstrip(".") in self.words.honorifics
                     for t in prefix)
        kind = "person" if label == "PERSON" or titled else "organization"
        descriptors = [("", Descriptor(actor, kind, "name", name_start, name_start + len(name), (), ()))]
        if kind == "organization" and self._head_noun(prefix) not in _ORG_HEADS:
            prefix = []  # 'the lame-duck Congress', 'traditional Medicare': which one, not what it is
        found = [("title", self._head_noun(prefix), self._trim(prefix))]
        found += [("appositive", noun, part) for noun, part in self._appositives(head, name_start, kind)]
        found += [("predicate", noun, part) for noun, part in (self._predicates(head) if kind == "person" else ())]
        for what, noun, part in found:
            d = self._descriptor(actor, kind, what, part, name_words, noun)
            if d:
                if noun in _PLACE_HEADS:
                    return None  # 'Kessling, a port city': a place, not an actor
                descriptors.append((noun, d))
        return actor, kind, descriptors

    def _title_tokens(self, tokens: list) -> list:
        """The words before a name that describe it: modifiers and titles, not
        another person's name ('Osgood leading Rowley') nor a count."""
        tokens = [t for t in tokens if not t.is_space]
        for k, t in enumerate(tokens):
            if t.like_num or t.pos_ == "NUM" or (t.pos_ == "VERB" and t.dep_ not in ("amod", "compound")) \
                    or t.tag_ in ("VBD", "VBZ", "VBP", "MD"):
                return []  # 'Mallory contradicted President Ostrander': a clause, not a title
            if t.ent_type_ == "PERSON" and not (k + 1 < len(tokens) and tokens[k + 1].dep_ == "case"):
                return []
        return tokens

    def _head_noun(self, tokens: list) -> str:
        """The noun a descriptor is built on ('Texas firebrand' -> 'firebrand')."""
        nouns = [t for t in tokens if t.pos_ in ("NOUN", "PROPN") and t.dep_ not in ("poss",)]
        if not nouns:
            return ""
        roots = [t for t in nouns if t.head.i not in {n.i for n in tokens}]
        head = (roots or nouns)[-1]
        return normal_word(head.lemma_ if head.pos_ == "NOUN" else head.text)

    def _trim(self, tokens: list) -> list:
        """Without determiners, possessive pronouns, honorifics, punctuation at the edges."""
        def droppable(t) -> bool:
            return (t.is_punct or t.is_space or t.pos_ in ("DET", "ADP", "CCONJ", "PART")
                    or (t.pos_ == "PRON") or t.lower_.rstrip(".") in self.words.honorifics)

        while tokens and droppable(tokens[0]):
            tokens = tokens[1:]
        while tokens and droppable(tokens[-1]):
            tokens = tokens[:-1]
        return tokens

    def _appositives(self, head, name_start: int, kind: str) -> list[tuple[str, list]]:
        """(head noun, tokens) of noun phrases in apposition to the name, set
        off by a comma or dash: after it ('X, a Tea Party favorite,') or
        before it ('a spokesman for the DNC, Brad Woodcroft')."""
        doc = self.doc
        out = []
        for child in head.children:
            if child.dep_ != "appos" or child.i < head.i or child.pos_ != "NOUN":
                continue
            start = child.left_edge.i
            if start < 1 or doc[start - 1].text not in _APPOSITION_MARKS:
                continue
            cut = min([c.left_edge.i for c in child.rights if c.dep_ in ("relcl", "acl")] + [child.right_edge.i + 1])
            end = next((t.i for t in doc[child.i + 1:cut] if t.text in _APPOSITION_MARKS), cut)
            tokens = list(doc[start:min(end, start + _MAX_APPOSITIVE)])
            if any(t.tag_ in ("WP", "WP$", "WDT", "VBD", "VBZ", "VBP", "MD") for t in tokens) \
                    or tokens and tokens[0].pos_ in ("VERB", "AUX"):
                continue  # 'Clanton, whose appearance …': a clause, not an apposition
            if tokens and all(self.narrative(t) for t in tokens):
                out.append((normal_word(child.lemma_), self._trim(tokens)))
        owner = head.head
        left = head.left_edge.i
        if head.dep_ == "appos" and owner.pos_ == "NOUN" and owner.i < head.i and self.narrative(owner) \
                and (owner.tag_ == "NN" or kind != "person") and left >= 1 and doc[left - 1].text == ",":
            inside = {t.i for t in owner.subtree} - {t.i for t in head.subtree}
            tokens = [t for t in doc[owner.left_edge.i:left - 1]]
            if all(t.i in inside for t in tokens) and len(tokens) <= _MAX_APPOSITIVE \
                    and not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in tokens) \
                    and all(self.narrative(t) for t in tokens):
                out.append((normal_word(owner.lemma_), self._trim(tokens)))
        return [(h, t) for h, t in out if t]

    def _predicates(self, head) -> list[tuple[str, list]]:
        """A noun phrase said of a person's name with 'be', headed by a person
        noun: 'X is a Tea Party favorite', 'X, who is a conservative firebrand,'."""
        verbs = []
        if head.dep_ in ("nsubj",) and head.head.lemma_ == "be":
            verbs.append(head.head)
        for child in head.children:
            if child.dep_ == "relcl" and child.lemma_ == "be" \
                    and any(c.dep_ == "nsubj" and c.tag_ == "WP" for c in child.children):
                verbs.append(child)
        out = []
        for verb in verbs:
            if any(c.dep_ == "neg" for c in verb.children):
                continue
            for attr in verb.children:
                if attr.dep_ != "attr" or attr.pos_ != "NOUN" or not self.narrative(attr) \
                        or normal_word(attr.lemma_) not in self.words.person_nouns:
                    continue
                cut = min([c.left_edge.i for c in attr.rights if c.dep_ in ("relcl", "acl", "punct")]
                          + [attr.right_edge.i + 1])
                tokens = list(self.doc[attr.left_edge.i:min(cut, attr.left_edge.i + _MAX_APPOSITIVE)])
                if any(t.tag_ in ("WP", "WP$", "WDT", "VBD", "VBZ", "VBP", "MD") or not self.narrative(t)
                       for t in tokens):
                    continue
                out.append((normal_word(attr.lemma_), self._trim(tokens)))
        return [(h, t) for h, t in out if t]

    def _descriptor(self, actor: str, actor_kind: str, kind: str, tokens: list, name_words: set,
                    head: str = "") -> Descriptor | None:
        if not tokens:
            return None
        words, marked = [], []
        for t in tokens:
            if t.pos_ not in _CONTENT_POS or t.is_punct:
                continue
            if t.pos_ == "VERB" and t.tag_ not in ("VBN", "VBG"):
                continue  # 'who leads': a clause, not a description
            word = normal_word(t.lemma_ if t.pos_ == "NOUN" else t.text)
            if not word or word in name_words or word in self.words.honorifics:
                continue
            words.append(word)
            # neutral by the parse; the word list's neutral words are set aside in the story phase
            neutral = (t.ent_type_ in _NEUTRAL_ENTS or t.pos_ == "PROPN"
                       or t.dep_ == "poss" or t.tag_ in ("JJS", "RBS") or t.like_num
                       or any(ch.isdigit() for ch in word) or t.pos_ == "ADV")
            if not neutral:
                marked.append(word)
        if not words:
            return None
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        return Descriptor(actor, actor_kind, kind, start, end, tuple(words), tuple(dict.fromkeys(marked)), head)

    # ---------------------------------------------------- definite descriptions

    def _descriptions(self, mentions, heads: list[tuple[str, Descriptor]]) -> list[Descriptor]:
        """'the billionaire', 'the Texas firebrand': a definite noun phrase that
        refers back to a named person (see the module docstring)."""
        if not mentions:
            return []
        kinds = {actor: kind for _, _, actor, kind in mentions}
        # noun -> actors the article ties it to through a title or an appositive
        tied: dict[str, set[str]] = {}
        for noun, d in heads:
            if noun and d.kind != "name":
                tied.setdefault(noun, set()).add(d.actor)
        covered = sorted((d.start, d.end) for _, d in heads if d.kind != "name")
        out = []
        tokens = doc_tokens(self.doc)
        for token in tokens_where(self.doc, "tag_", ("NN",)):
            if token.pos_ != "NOUN" or token.dep_ in ("compound", "appos", "npadvmod"):
                continue
            # The word test first: spaCy finds a token's children by scanning
            # its whole subtree, which on a long run-on sentence is slow.
            noun = normal_word(token.lemma_)
            if noun not in self.words.person_nouns and noun not in tied:
                continue
            if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
                continue
            if any(c.dep_ in ("appos", "flat") and c.pos_ == "PROPN" for c in token.children):
                continue  # 'the senator, Ted Crane' is an appositive
            nxt = tokens[token.i + 1] if token.i + 1 < len(tokens) else None
            if nxt is not None and nxt.pos_ == "PROPN" and nxt.ent_type_ == "PERSON":
                continue
            left = [c for c in token.lefts if c.dep_ != "det"]
            if any(c.lower_ in self.words.not_referring or c.tag_ in ("JJS", "CD") or c.dep_ == "poss"
                   for c in left):
                continue
            if not self.narrative(token) or any(a <= token.idx < b for a, b in covered):
                continue
            actor = self._referent(token, noun, mentions, tied)
            if actor is None:
                continue
            start_i = min([token.i] + [t.i for c in left for t in c.subtree])
            tokens = list(self.doc[start_i:token.i + 1])
            of = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
            if of is not None:
                tail = list(of.subtree)
                if len(tail) <= 5:
                    tokens += list(self.doc[token.i + 1:tail[-1].i + 1])
            tokens = self._trim(tokens)
            name_words = {normal_word(w) for w in actor.split()}
            d = self._descriptor(actor, kinds[actor], "description", tokens, name_words, noun)
            if d and noun in self.words.neutral and not set(d.marked) - self.words.neutral \
                    and actor not in tied.get(noun, ()):
                continue  # an office the article gives no one here ('the governor of Texas') is someone else's
            if d:
                out.append(d)
        return out

    def _referent(self, token, noun: str, mentions, tied) -> str | None:
        before = [(i, s, a, k) for i, s, a, k in mentions if i < token.i]
        if not before:
            return None
        sent = self.sent_of.get(token.i, -1)
        linked = {a for _, _, a, _ in before} & tied.get(noun, set())
        if len(linked) == 1:
            return next(iter(linked))
        if linked:
            near = {a for i, s, a, k in before if a in linked and sent - 1 <= s <= sent}
            return next(iter(near)) if len(near) == 1 else None
        if noun not in self.words.person_nouns:
            return None
        near = {a for i, s, a, k in before if k == "person" and sent - 1 <= s <= sent}
        return next(iter(near)) if len(near) == 1 else None

    # ---------------------------------------------------------------- groups

    def _groups(self) -> list[GroupLabel]:
        out = []
        nouns = self.words.group_nouns
        for token in tokens_where(self.doc, "pos_", ("NOUN",)):
            if token.dep_ == "compound":
                continue
            lemma = normal_group(token.lemma_)
            if lemma not in nouns or not self.narrative(token):
                continue
            if any(c.dep_ in ("compound", "appos") and c.pos_ == "PROPN" for c in token.children):
                continue  # 'Tea Party activist Jane Roe': a title
            if token.tag_ != "NNS" and lemma not in _COLLECTIVE:
                continue  # 'an aid worker' is one person, not a group
            left = [c for c in token.lefts if c.dep_ in ("amod", "compound", "nmod") and c.i >= token.i - 3]
            start_i = min([token.i] + [c.i for c in left])
            # 'not ISIS-K terrorists': a label the sentence denies names no one
            negated = any(t.lower_ in ("not", "no", "never") for t in self.doc[max(0, start_i - 2):start_i])
            role = "" if negated else _role(token)
            out.append(GroupLabel(lemma, role, self.doc[start_i].idx, token.idx + len(token.text)))
        return out


def normal_group(lemma: str) -> str:
    lemma = lemma.lower()
    return {"protestor": "protester", "militiamen": "militiaman", "policemen": "policeman"}.get(lemma, lemma)


def _role(token) -> str:
    """The slot a noun fills: governing verb and relation ('clash:nsubj'), or
    the verb and preposition for a prepositional object ('clash:with')."""
    t = token
    while t.dep_ == "conj" and t.head.i != t.i:
        t = t.head
    head = t.head
    if t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd") and head.pos_ in ("VERB", "AUX"):
        return f"{head.lemma_.lower()}:{t.dep_}"
    if t.dep_ == "pobj" and head.dep_ in ("prep", "agent") and head.head.pos_ in ("VERB", "NOUN"):
        return f"{head.head.lemma_.lower()}:{head.lower_}"
    return ""


# -------------------------------------------------------------- story phase

def actor_rows(features, shown_terms: set[str] = frozenset()) -> list[ActorFraming]:
    """Rows of named actors, then group labels, on which the articles differ.
    `shown_terms` are the terms of the story's terms table: a group cluster
    all of whose labels are among them is left to that table."""
    return _named_rows(features) + _group_rows(features, shown_terms)


def _cluster_names(features) -> dict[tuple[str, str], int]:
    """(article id, actor name) -> cluster number, across articles."""
    nodes, kinds = [], {}
    for f in features:
        for d in f.descriptors:
            kinds.setdefault((f.id, d.actor), Counter())[d.actor_kind] += 1
        for name in dict.fromkeys(d.actor for d in f.descriptors):
            nodes.append((f.id, name))
    person = [kinds[node]["person"] >= kinds[node]["organization"] for node in nodes]
    return dict(zip(nodes, cluster_names(nodes, person)))


# The name matching lives in storylens.names; the old private name stays for callers and tests.
_same_name = same_name


def _named_rows(features) -> list[ActorFraming]:
    clusters = _cluster_names(features)
    by_cluster: dict[int, dict[str, list[Descriptor]]] = {}
    for f in features:
        for d in f.descriptors:
            by_cluster.setdefault(clusters[(f.id, d.actor)], {}).setdefault(f.id, []).append(d)
    texts = {f.id: f.text for f in features}
    order = {f.id: k for k, f in enumerate(features)}
    neutral = word_lists().neutral
    rows = []
    for per_article in by_cluster.values():
        if len(per_article) < 2:
            continue
        words = {a: {w for d in ds for w in d.words} for a, ds in per_article.items()}
        descriptors = []
        for article, ds in per_article.items():
            # a word every other article uses for the actor too is no difference
            shared = set.intersection(*(w for a, w in words.items() if a != article))
            described = [d for d in ds if d.kind != "name"]
            groups: dict[tuple, list[Descriptor]] = {}
            for d in described or [d for d in ds if d.kind == "name"]:
                key = ("name",) if d.kind == "name" else tuple(sorted(set(d.words)))
                groups.setdefault(key, []).append(d)
            for key, group in groups.items():
                differs = [w for w in dict.fromkeys(w for d in group for w in d.marked)
                           if w not in shared and w not in neutral]
                spans = [Span.over(article, texts[article], d.start, d.end) for d in group]
                descriptors.append(ActorDescriptor(
                    article=article, kind=group[0].kind, text=_shown(spans), count=len(group),
                    differs=differs, spans=spans))
        if not any(d.differs for d in descriptors):
            continue
        kinds = Counter(d.actor_kind for ds in per_article.values() for d in ds)
        heads = {d.head for ds in per_article.values() for d in ds if d.kind in ("title", "appositive", "predicate")}
        if heads & _ORG_HEADS:
            kinds["organization"] += 100  # 'a monitoring organisation', 'the opposition group'
        elif heads & word_lists().person_nouns:
            kinds["person"] += 100        # 'a diplomat', 'the contractor'
        kind = "person" if kinds["person"] >= kinds["organization"] else "organization"
        name = _display_name([d.actor for ds in per_article.values() for d in ds], kind == "person")
        descriptors.sort(key=lambda d: (order[d.article], not d.differs, -d.count, d.spans[0].start))
        rows.append(ActorFraming(
            id=finding_id("a", "actor", ((s.article, s.start, s.end) for d in descriptors for s in d.spans)),
            actor=name, kind=kind, descriptors=descriptors))
    rows.sort(key=lambda r: (-len({d.article for d in r.descriptors if d.differs}),
                             -sum(d.count for d in r.descriptors), r.actor))
    return rows


def _display_name(names: list[str], person: bool) -> str:
    """The name used most, without neutral words (titles) run into it."""
    neutral = word_lists().neutral
    return display_name(names, person, lambda word: normal_word(word) in neutral)


def _shown(spans: list[Span]) -> str:
    """The descriptor as a reader sees it: its most frequent wording, on one line."""
    texts = Counter(" ".join(s.text.split()) for s in spans)
    return max(texts, key=lambda t: (texts[t], -len(t)))


# Two sentences that give one group different labels in the same role tell
# the same event: their sentence vectors are this close (a wordllama cosine;
# unrelated sentences of one story sit near 0.4-0.6).
SAME_EVENT = 0.5


def _same_event(xs: list, ys: list) -> bool:
    return any(x is not None and y is not None and float(x @ y) >= SAME_EVENT for x in xs for y in ys)


def _group_rows(features, shown_terms) -> list[ActorFraming]:
    from .framing import lexicon, term_lexicon

    lists = word_lists()
    generic = lexicon()[1]
    # role -> article -> lemma -> unit sentence vectors of its uses in that role
    by_role: dict[str, dict[str, dict[str, list]]] = {}
    for f in features:
        starts = [s[0] for s in f.sentences]
        for g in f.groups:
            if g.role and g.lemma not in generic:
                sentence = max(0, bisect_right(starts, g.start) - 1)
                vector = f.vectors[sentence] if sentence < len(f.sentences) else None
                by_role.setdefault(g.role, {}).setdefault(f.id, {}).setdefault(g.lemma, []).append(vector)
    sets = DisjointSet()
    for per_article in by_role.values():
        for a, xs in per_article.items():
            for b, ys in per_article.items():
                if a >= b:
                    continue
                for x in xs.keys() - ys.keys():
                    for y in ys.keys() - xs.keys():
                        if (x in lists.charged_groups or y in lists.charged_groups) \
                                and _same_event(xs[x], ys[y]):
                            sets.add(x)
                            sets.add(y)
                            sets.merge(x, y)
    lex = term_lexicon()
    concept_of = {words[0]: n for words, (n, _) in lex.phrases.items() if len(words) == 1 and n >= 0}
    texts = {f.id: f.text for f in features}
    order = {f.id: k for k, f in enumerate(features)}
    rows = []
    for cluster in sets.subsets():
        if len(cluster) < 2 or not cluster & lists.charged_groups:
            continue
        if len({concept_of.get(w, -1 - k) for k, w in enumerate(sorted(cluster))}) == 1 or cluster <= shown_terms:
            continue  # one concept of the terms lexicon, or all in the terms table: that table shows it
        uses: dict[str, dict[str, list]] = {}
        for f in features:
            for g in f.groups:
                if g.lemma in cluster:
                    uses.setdefault(f.id, {}).setdefault(g.lemma, []).append(g)
        if len(uses) < 2 or len({frozenset(u) for u in uses.values()}) < 2:
            continue
        descriptors = []
        for article, used in uses.items():
            shared = set.intersection(*(set(u) for a, u in uses.items() if a != article))
            for lemma, gs in used.items():
                spans = [Span.over(article, texts[article], g.start, g.end) for g in gs]
                descriptors.append(ActorDescriptor(
                    article=article, kind="label", text=lemma, count=len(gs),
                    differs=[lemma] if lemma not in shared else [], spans=spans))
        descriptors.sort(key=lambda d: (order[d.article], not d.differs, -d.count, d.text))
        counted: Counter = Counter()
        for d in descriptors:
            counted[d.text] += d.count
        rows.append(ActorFraming(
            id=finding_id("a", "group", ((s.article, s.start, s.end) for d in descriptors for s in d.spans)),
            actor=" / ".join(sorted(counted, key=lambda w: (-counted[w], w))), kind="group",
            descriptors=descriptors))
    return rows
