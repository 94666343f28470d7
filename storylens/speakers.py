"""Per-article speaker resolution: pronouns, role nouns and quotes without a
reporting verb of their own.

- *Mentions.* Every named person or organisation of the article (entity spans,
  proper-noun subjects, reporting-verb subjects) in text order, with its
  canonical name (`ArticleNames.resolve`), sentence, paragraph, whether it is a
  subject, a speaker, or sits inside a quotation.
- *Gender* of a name comes from the article itself: 'Mr./Mrs./Ms. X', a short
  list of common first names, and the subject pronoun ('he'/'she') that
  follows a sentence whose subject the name is.
- *Pronouns* ('he said', 'she added', 'they said') resolve to an earlier
  mention that agrees in gender and number: never a later paragraph, never a
  non-subject of the pronoun's own sentence ('she said of him'), and
  never a name inside a quotation. Candidates are ranked by a hand-weighted
  score of recency, syntactic role and salience features (`_FALLBACK`). A
  learned model over the same features can be shipped as
  `data/speaker_ranker.json` ({features, weights, threshold}); none is yet.

Nothing here keeps spaCy objects beyond the call that builds it; the context
lives in `doc.user_data` like `ArticleNames`.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path

from spacy.tokens import Token

from .analyze import Analysis, doc_ents, doc_tokens, tokens_where
from .attribution import QUOTE_VERBS
from .sources import (GENERIC_HEADS, MEDIA_HEADS, MEDIA_KINDS, MONITOR_WORDS, OFFICIAL_WORDS, ORG_WORDS, SERVICE_HEADS, TITLE_WORDS, Actor, ArticleNames, name_from_tokens, _is_proper, according_to, in_title_line, is_pronoun,
                      name_words, not_a_speaker, same_actor, subject_heads, swallowing, tag_owner)

MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
PLURAL_PRONOUNS = {"they", "them", "their", "we"}
NEUTER_PRONOUNS = {"it", "its"}
# Common given names, to know 'he' from 'she' when the article gives no 'Mr.'/'Ms.'.
MALE_NAMES = set("""aaron adam alan albert alex alexander andrew anthony ben benjamin bernie bill bob brad
brian bruce carl charles charlie chris christopher chuck dan daniel darrell dave david dennis donald doug
douglas ed edward eric frank fred gary george gerald greg gregory harold harry henry jack jacob james jason
jeb jeff jeffrey jerry jim jimmy joe joel john johnny jon jonathan jose joseph josh joshua juan justin
keith ken kenneth kevin larry lindsey marco mark martin matt matthew michael mike mitch mitt newt nicholas
patrick paul pete peter phil philip ralph rand randy ray richard rick robert roger ron ronald roy rudy
russell ryan sam samuel scott sean stephen steve steven ted thomas tim timothy todd tom tony travis
vladimir walter wayne william willie barack reince chris corey kellyanne ben mike""".split()) - {"kellyanne"}
FEMALE_NAMES = set("""abigail alice amanda amy andrea angela ann anna anne barbara betty beverly brenda
carly carol caroline catherine chelsea cheryl christina christine cindy claire cynthia debbie deborah
debra diana diane donna dorothy elizabeth ellen emily emma evelyn frances gloria hannah heather helen
hillary huma jane janet janice jean jennifer jessica jill joan joyce judith judy julia julie karen
katherine kathleen kathy kayleigh kelly kellyanne kimberly laura lauren linda lisa loretta lori madeleine
margaret maria marie marilyn martha mary megyn melania melissa michelle nancy nicole nikki olivia pamela
patricia rachel rebecca rose ruth sandra sara sarah sharon shirley stephanie susan susana teresa theresa
tiffany virginia elizabeth ivanka condoleezza sarah jan dana donna""".split())
ROLE_NOUNS = OFFICIAL_WORDS | {"candidate", "nominee", "businessman", "businesswoman", "billionaire",
                               "congressman", "congresswoman", "senator", "lawmaker", "frontrunner",
                               "front-runner", "contender", "democrat", "republican", "mogul", "actor",
                               "actress", "host", "anchor", "author", "founder", "pastor", "ceo"}
# A party word describes any politician ('Sen. John McCallum …, The Arizona
# Republican said'); a legislator's titles describe one another.
PARTY_WORDS = {"republican", "democrat"}
LEGISLATOR_WORDS = {"lawmaker", "legislator", "congressman", "congresswoman", "senator", "representative"}


def _kin(word: str, titles: set[str]) -> bool:
    """'the lawmaker' fits 'Rep.' (congressman) and 'Sen.' (senator); 'the
    official' any office ('Secretary Ana Ruiz')."""
    return word in titles or word in LEGISLATOR_WORDS and bool(titles & LEGISLATOR_WORDS) \
        or word == "official" and bool(titles & OFFICIAL_WORDS)


_NON_SPEAKER_ROLES = {"official", "officials", "aide", "source", "spokesman", "spokeswoman", "spokesperson",
                      "adviser", "advisor", "diplomat", "diplomats"}
_ABBREVIATED = {"sen": "senator", "rep": "congressman", "gov": "governor", "pres": "president",
                "gen": "general", "lt": "lieutenant", "col": "colonel", "capt": "captain"}
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.? ([A-Z][\w'’-]+)")
_MODEL = Path(__file__).parent / "data" / "speaker_ranker.json"

FEATURES = ["bias", "sent0", "sent1", "sent2", "sent3p", "para0", "para1", "para2p", "subject", "speaker",
            "last_speaker", "in_quote", "gender_agree", "gender_unknown", "person", "log_count", "rank0",
            "rank1", "rank2p", "role_match", "sent_first"]
# Subjects and speakers over the last quote's speaker (a reader follows the
# latest attribution); chosen on polnear-train's first 150 articles.
_FALLBACK = {"bias": 0.0, "sent0": 1.5, "sent1": 1.0, "sent2": 0.4, "sent3p": -0.5, "para0": 0.5,
             "para1": 0.2, "para2p": -0.5, "subject": 1.5, "speaker": 1.5, "last_speaker": 0.4,
             "in_quote": -1.5, "gender_agree": 0.8, "gender_unknown": 0.0, "person": 0.5,
             "log_count": 0.3, "rank0": 0.2, "rank1": 0.2, "rank2p": 0.0, "role_match": 1.0, "sent_first": 0.2}


@lru_cache(maxsize=1)
def ranker_weights() -> tuple[dict[str, float], float]:
    """(weights, threshold) of the shipped model, or the hand-set fallback."""
    try:
        data = json.loads(_MODEL.read_text())
        return dict(zip(data["features"], data["weights"])), float(data.get("threshold", 0.0))
    except (OSError, ValueError, KeyError):
        return _FALLBACK, 0.0


def want_gender(pronoun: str) -> str | None:
    """'m' for he/him/his, 'f' for she/her, else None."""
    return "m" if pronoun in MALE_PRONOUNS else "f" if pronoun in FEMALE_PRONOUNS else None


@dataclass
class Mention:
    start: int
    end: int
    name: str
    sent: int
    para: int
    subject: bool
    speaker: bool
    in_quote: bool
    person: bool
    sent_first: bool
    titles: tuple[str, ...] = ()
    affiliation: bool = False  # 'Fox News' of 'the Fox News host': qualifies a person, is none
    main: bool = False  # subject of its sentence's main verb, not of a clause inside it ('X said Y had …')
    org: bool = False  # tagged an organisation ('Fox News confirmed'), with no sign of a person


def _main_subject(head: Token) -> bool:
    """Whether `head` (a subject, or a name compounded or apposed to one) is
    the subject of its sentence's main verb or of a verb joined to it ('X
    arrived and said'), not of a clause below it ('X said Y had reported')."""
    if head.dep_ in ("compound", "appos"):
        head = head.head
    if head.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = head.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


class SpeakerContext:
    """Mentions of one article and the resolution of pronoun speakers."""

    def __init__(self, analysis: Analysis, names: ArticleNames, quotes: list[tuple[int, int]]):
        self.analysis = analysis
        self.names = names
        self.text = analysis.article.text
        self.quotes = sorted(quotes)
        self._quote_starts = [s for s, _ in self.quotes]
        self.sent_starts = [s.start_char for s in analysis.sentences]
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", self.text)]
        self.mentions = self._mentions()
        self._mention_starts = [m.start for m in self.mentions]
        # Mentions come in the order of their head tokens, so their paragraphs never decrease.
        self._mention_paras = [m.para for m in self.mentions]
        self.counts: dict[str, int] = {}
        for m in self.mentions:
            self.counts[m.name] = self.counts.get(m.name, 0) + 1
        self.genders = self._genders()
        self.name_titles: dict[str, set[str]] = {}
        for m in self.mentions:
            self.name_titles.setdefault(m.name, set()).update(m.titles)
        self.last_speaker: tuple[int, str] | None = None  # set by the quote stage as it goes
        # (offset, pronoun, name) of the latest quote whose 'he said' resolved: set by the quote stage.
        self.last_pronoun: tuple[int, str, str] | None = None

    # ------------------------------------------------------------ indexes

    def sent_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, offset) - 1)

    def para_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, offset) - 1)

    def mentions_in_paras(self, first: int, last: int) -> list[Mention]:
        """The mentions of paragraphs `first` to `last` (inclusive), in order:
        the rankers look a few paragraphs back, not through the whole article."""
        return self.mentions[bisect.bisect_left(self._mention_paras, first):
                             bisect.bisect_right(self._mention_paras, last)]

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """The mentions that start at `start` or later and before `end`, in order."""
        return self.mentions[bisect.bisect_left(self._mention_starts, start):
                             bisect.bisect_left(self._mention_starts, end)]

    def in_quote(self, offset: int) -> bool:
        i = bisect.bisect_right(self._quote_starts, offset) - 1
        return i >= 0 and self.quotes[i][0] <= offset < self.quotes[i][1]

    # ------------------------------------------------------------ mentions

    def _mentions(self) -> list[Mention]:
        doc = self.analysis.doc
        speaker_heads = {t.i for a in self.names.speakers for t in a.tokens}
        every = doc_tokens(doc)  # slices of it, not walks over spaCy spans (a new Token per step)
        heads: dict[int, tuple[Token, list[Token] | None]] = {}
        for ent in doc_ents(doc):
            if ent.label_ in ("PERSON", "ORG") and not self.in_quote(ent.start_char) and not swallowing(ent):
                heads[ent.root.i] = (ent.root, every[ent.start:ent.end])
        # 'Transport Secretary Alina Marquand …', then 'Marquand
        # commented' tagged a place: the last word of a name the article gave
        # before is that name, whatever the tagger says.
        surnames: dict[str, int] = {}
        for i, (head, tokens) in heads.items():
            if len(tokens) > 1 and head.pos_ == "PROPN":
                surnames.setdefault(head.text, i)
        named_again = set()
        for token in tokens_where(doc, "pos_", ("PROPN",)):
            if token.dep_ in ("nsubj", "nsubjpass") and token.i not in heads \
                    and (token.ent_type_ in ("", "PERSON", "ORG") or surnames.get(token.text, token.i) < token.i) \
                    and not self.in_quote(token.idx):
                heads[token.i] = (token, None)
                if surnames.get(token.text, token.i) < token.i:
                    named_again.add(token.i)  # no town of 'in Texas, Marquand said' either
        out = []
        for i in sorted(heads):
            head, tokens = heads[i]
            if in_title_line(doc, head.idx) or not_a_speaker(head) and i not in named_again or tag_owner(head) is not None:
                continue
            if is_pronoun(head):
                continue
            if tokens is None:
                actor = self.names.actor(head)
                tokens, written_start, written_end, description = actor.tokens, actor.start, actor.end, actor.description
                name = self.names.resolve(actor)
            else:
                written_start, written_end, description = tokens[0].idx, tokens[-1].idx + len(tokens[-1]), ""
                # Titles written just before the entity: 'Sen. Ted Crane', 'the senator, …'.
                left = every[max(0, tokens[0].i - 3):tokens[0].i]
                tokens = [t for t in tokens if "\n" not in t.text]
                bare = name_from_tokens(tokens)
                tokens = [t for t in left if t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in ROLE_NOUNS] + tokens
                name = self.names.resolve(Actor(tokens=tokens, name=bare, written=bare, start=written_start,
                                                end=written_end)) if bare else ""
            if not name or name == "unattributed" or not _is_proper(name):
                continue
            # 'Rylan's office said' is Rylan's, but 'GOP lawmakers are expected' is no subject 'GOP'.
            subj = head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ in ("compound", "appos") and head.head.dep_ in ("nsubj", "nsubjpass")
                                                           and not (head.dep_ == "compound" and head.head.tag_ in ("NNS", "NNPS")))
            # 'the Fox News host said': the outlet only qualifies the subject.
            # (an entity 'the Fox News' may have 'the' for its root).
            affiliation = head.dep_ in ("compound", "det") and head.head.pos_ == "NOUN" \
                and head.head.lower_ in ROLE_NOUNS and not written_start <= head.head.idx < written_end
            subj = subj and not affiliation
            person = head.ent_type_ == "PERSON" or any(t.lower_.rstrip(".") in ("mr", "mrs", "ms", "sen", "rep", "gov")
                                                        for t in tokens)
            titles = tuple(_ABBREVIATED.get(t.lower_.rstrip("."), t.lower_) for t in tokens) + tuple(description.split())
            si = self.sent_index(head.idx)
            out.append(Mention(start=written_start, end=written_end, name=name, sent=si,
                               para=self.para_index(head.idx), subject=subj,
                               speaker=head.i in speaker_heads, in_quote=False,
                               person=person, sent_first=written_start <= self.sent_starts[si] + 2 if self.sent_starts else True, titles=titles,
                               affiliation=affiliation, org=head.ent_type_ == "ORG" and not person,
                               main=subj and _main_subject(head)))
        return out

    def _headline_end(self) -> int:
        """End of a Title Case first line ('Dorland May Not Have Suggested …'),
        whose words are not mentions of anyone."""
        first = self.text.split("\n", 1)[0]
        words = re.findall(r"[A-Za-z][\w'’-]*", first)
        minor = {"a", "an", "the", "of", "to", "in", "on", "for", "at", "with", "by", "or", "and", "as", "vs"}
        if len(words) >= 4 and all(w[:1].isupper() or w.lower() in minor for w in words):
            return len(first)
        return 0

    def _genders(self) -> dict[str, str]:
        votes: dict[str, list[int]] = {}

        def vote(name: str, g: int, weight: int = 1) -> None:
            v = votes.setdefault(name, [0, 0])
            v[g] += weight

        by_surname: dict[str, list[str]] = {}
        for m in self.mentions:
            words = name_words(m.name)
            if words:
                by_surname.setdefault(words[-1], []).append(m.name)
        for match in _HONORIFIC.finditer(self.text):
            g = 0 if match.group(1) == "Mr" else 1
            for name in set(by_surname.get(match.group(2).lower(), [])):
                vote(name, g, 5)
        for m in self.mentions:
            first = m.name.split()[0].lower()
            if first in MALE_NAMES:
                vote(m.name, 0, 3)
            elif first in FEMALE_NAMES:
                vote(m.name, 1, 3)
        # 'X said ... . He added': the next subject pronoun.
        doc = self.analysis.doc
        every = doc_tokens(doc)
        sents = self.analysis.sentences
        subjects_by_sent: dict[int, list[Mention]] = {}
        # Only the main clause's subject: in 'She said she cannot see where
        # the Republican Party is today. "…," she said' the party is no 'she'.
        for m in self.mentions:
            if m.main and not m.in_quote:
                subjects_by_sent.setdefault(m.sent, []).append(m)
        for si, ms in subjects_by_sent.items():
            if len({m.name for m in ms}) != 1:
                continue
            # 'Simmons, an Osgood supporter, said he saw …': the first subject
            # pronoun after the main subject in its own sentence, before the
            # next sentence's.
            # (slices of the doc's token list: a walk over a spaCy span makes a new Token per step)
            after = [t for t in every[sents[si].start:sents[si].end] if t.idx >= ms[-1].end]
            for t in after + (every[sents[si + 1].start:sents[si + 1].end] if si + 1 < len(sents) else []):
                if self.in_quote(t.idx):
                    continue
                if t.dep_ == "nsubj" and t.lower_ in ("he", "she"):
                    vote(ms[0].name, 0 if t.lower_ == "he" else 1)
                    break
                if t.ent_type_ == "PERSON" or t.pos_ == "PROPN" and t.dep_ == "nsubj":
                    break
        del doc
        return {n: ("m" if v[0] > v[1] else "f") for n, v in votes.items() if v[0] != v[1]}

    def gender(self, name: str) -> str | None:
        return self.genders.get(name)

    # ------------------------------------------------------------ ranking

    def features(self, m: Mention, pronoun: Token, rank: int, role: str | None = None) -> dict[str, float]:
        sd = self.sent_index(pronoun.idx) - m.sent
        pd = self.para_index(pronoun.idx) - m.para
        word = pronoun.lower_
        g = self.gender(m.name)
        want = "m" if word in MALE_PRONOUNS else "f" if word in FEMALE_PRONOUNS else None
        f = {"bias": 1.0, "sent0": sd == 0, "sent1": sd == 1, "sent2": sd == 2, "sent3p": sd >= 3,
             "para0": pd == 0, "para1": pd == 1, "para2p": pd >= 2, "subject": m.subject, "speaker": m.speaker,
             "last_speaker": bool(self.last_speaker and self.last_speaker[1] == m.name),
             "in_quote": m.in_quote, "gender_agree": bool(want and g == want), "gender_unknown": g is None,
             "person": m.person or g is not None, "log_count": math.log1p(self.counts.get(m.name, 1)),
             "rank0": rank == 0, "rank1": rank == 1, "rank2p": rank >= 2,
             "role_match": bool(role and role in self.name_titles.get(m.name, ())), "sent_first": m.sent_first}
        return {k: float(v) for k, v in f.items()}

    def candidates(self, pronoun: Token, role: str | None = None,
                   described: bool = False) -> list[tuple[Mention, dict[str, float]]]:
        """Earlier mentions that may be what `pronoun` (or a role noun) refers
        to, latest first per name, with their features."""
        word = pronoun.lower_
        here_sent, here_para = self.sent_index(pronoun.idx), self.para_index(pronoun.idx)
        plural = word in PLURAL_PRONOUNS
        neuter = word in NEUTER_PRONOUNS
        personal = word in MALE_PRONOUNS | FEMALE_PRONOUNS or role is not None or described
        want = "m" if word in MALE_PRONOUNS else "f" if word in FEMALE_PRONOUNS else None
        seen: dict[str, Mention] = {}
        inside = pronoun.left_edge.idx  # 'the Fox News host': not the outlet it names
        for m in reversed(self.mentions[bisect.bisect_left(self._mention_paras, here_para - 4):]):
            if m.start >= inside:
                continue
            titles = self.name_titles.get(m.name, set())
            if m.sent == here_sent and (described or not m.subject) and not (described and _kin(word, titles)):
                # never the object or topic of the speaker's own sentence, but
                # 'a video showed Rep. Bob Lin …, the lawmaker said': a
                # description that fits the title given there. A description
                # is not the subject of another clause of its sentence either:
                # in '"Steen must go," the Vermont Republican said' Steen is
                # who the words are about.
                continue
            g = self.gender(m.name)
            if personal and (want and g and g != want or m.affiliation or want and m.org and g is None):
                continue  # 'he' is no organisation
            if personal and not (m.person or g) and len(name_words(m.name)) < 2:
                continue
            if (plural or neuter) and (m.person or g):
                continue
            if role and role not in titles:
                continue
            if described and word in OFFICIAL_WORDS and word not in titles and titles & ROLE_NOUNS \
                    and not _kin(word, titles):
                # 'the fire chief' is not the person known as the mayor; but a
                # role that is no office ('the presidential candidate', 'the
                # billionaire', 'the Republican') fits a senator too.
                continue
            if m.name not in seen:
                seen[m.name] = m
        ordered = list(seen.values())
        return [(m, self.features(m, pronoun, r, role)) for r, m in enumerate(ordered[:8])]

    def resolve_pronoun(self, pronoun: Token, role: str | None = None, described: bool = False) -> str | None:
        """The name a pronoun (or, with `role`, a role noun that must match a
        title of the name; with `described`, a definite description of a
        person) stands for, or None."""
        chained = self._chained(pronoun) if role is None and not described else None
        if role is None and not described and pronoun.lower_ in ("they", "we") and self.last_speaker:
            # '"…," Udall and Wyden said. … "…," they said.': the joint speakers before.
            offset, name = self.last_speaker
            if " and " in name and self.para_index(pronoun.idx) - self.para_index(offset) <= 2:
                return name
        if role is None and not described and pronoun.lower_ == "they":
            joint = self._joint_subject(pronoun)
            if joint:
                return joint
        cands = self.candidates(pronoun, role, described)
        if not cands:
            return chained
        # 'He declared that …, Dorland would have a path, which he declared …':
        # the sentence's own pronoun subject comes first.
        root = pronoun.sent.root
        lead = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < pronoun.i
                and c.lower_ == pronoun.lower_ and c.i != pronoun.i]
        if lead and role is None and not described:
            return self.resolve_pronoun(lead[0])
        if chained:
            return chained
        # 'X said …, which he called …': a subject earlier in the same sentence.
        here = self.sent_index(pronoun.idx)
        local = [m for m, _ in cands if m.sent == here and m.subject and not m.in_quote]
        if local:
            return local[0].name
        # 'Mr. Bratton spoke of the difficulty … . "I met with all of them," he
        # said.': the one person subject of the sentence before, in the same
        # paragraph, whose gender the pronoun fits, is who 'he' is.
        if role is None and not described and want_gender(pronoun.lower_):
            para = self.para_index(pronoun.idx)
            before = {m.name for m, _ in cands if m.subject and m.sent == here - 1 and m.para == para
                      and (m.person or self.gender(m.name)) and self.gender(m.name) == want_gender(pronoun.lower_)}
            if len(before) == 1:
                return before.pop()
        weights, threshold = ranker_weights()
        scored = [(sum(weights.get(k, 0.0) * v for k, v in f.items()), m) for m, f in cands]
        best = max(scored, key=lambda s: s[0])
        return best[1].name if best[0] >= threshold else None


    def _joint_subject(self, pronoun: Token) -> str | None:
        """'Sen. Ann Lo and Sen. Bo Hu wrote a letter … . "…," they wrote':
        two or more people, the subject of the sentence before (in this
        paragraph or the one before), are who 'they' are."""
        # 'Now Harwell and its partner Ridgeway will seek approval "…," they
        # said': the named subjects of the clause 'they' reports are who 'they' are.
        for clause in pronoun.head.children:
            if clause.dep_ == "ccomp" and clause.i < pronoun.i:
                joint = self._joint_names(subject_heads(clause), ("PERSON", "ORG"))
                if joint:
                    return joint
        here = self.sent_index(pronoun.idx)
        if here == 0:
            return None
        before = self.analysis.sentences[here - 1]
        if self.para_index(pronoun.idx) - self.para_index(before.start_char) > 1:
            return None
        return self._joint_names(subject_heads(before.root), ("PERSON",))

    def _joint_names(self, heads: list[Token], kinds: tuple[str, ...]) -> str | None:
        """'A and B' for two or more subject heads that are all names of `kinds`
        ('its partner Ridgeway Therapeutics': a role with a name in apposition)."""
        heads = [next((c for c in h.children if c.dep_ == "appos" and c.ent_type_ in kinds), h)
                 if h.pos_ == "NOUN" else h for h in heads]
        if len(heads) < 2 or not all(h.ent_type_ in kinds for h in heads):
            return None
        names = list(dict.fromkeys(self.names.resolve(self.names.actor(h)) for h in heads))
        return " and ".join(names) if len(names) > 1 and all(_is_proper(n) for n in names) else None

    def _chained(self, pronoun: Token) -> str | None:
        """A run of 'he said' quotes about one person long after his name
        ('Glenn Beckett …' then ten paragraphs of 'he said'): the same pronoun
        as the latest resolved one, within four paragraphs, with no other
        named subject of fitting gender in between, is the same person."""
        if self.last_pronoun is None:
            return None
        offset, word, name = self.last_pronoun
        if word != pronoun.lower_ or self.para_index(pronoun.idx) - self.para_index(offset) > 4:
            return None
        want = "m" if word in MALE_PRONOUNS else "f" if word in FEMALE_PRONOUNS else None
        if want is None:
            return None
        for m in self.mentions_between(offset + 1, pronoun.idx):
            g = self.gender(m.name)
            if m.subject and not same_actor(m.name, name) and (m.person or g) and g in (want, None):
                return None
        return name

    # ------------------------------------------------------- quote ranking

    def adjacent_names(self, mark_start: int, mark_end: int) -> list[str]:
        """Names right next to the quote with at most a cue verb between, in
        text order: '"…," delegate Bill Ness, wearing a hat, said', '"…," said
        X', 'Rylan said, "…"'."""
        p0 = self.para_index(mark_start)
        out: list[str] = []
        for m in self.mentions_between(mark_start - 200, mark_end + 40):
            if m.para != p0 or m.name in out:
                continue
            if mark_end <= m.start < mark_end + 40 and _ADJ_AFTER.match(self.text, mark_end, m.start):
                out.append(m.name)
            elif mark_start - 40 < m.end <= mark_start and _ADJ_BEFORE.match(self.text, m.end, mark_start):
                out.append(m.name)
        return out

    def quote_candidates(self, mark_start: int, mark_end: int, rule: str, via: str, pronoun: str | None,
                         earlier: list[tuple[int, str]], rules: list[tuple[int, str]]
                         ) -> list[tuple[str, dict[str, float]]]:
        """Who may have said the quote at `mark_start`: the named mentions of
        its paragraph and the three before (never a later paragraph; after the
        quote only in its own or the next sentence of the paragraph, '"…," X
        said'), the named speakers the rules gave the article's earlier
        quotes, and the rules' pick `rule` (found `via` a verb subject,
        pronoun, role noun, description, colon, transcript label, paragraph
        or continuation). `earlier` holds the rules' (offset, speaker) of the
        article's earlier quotes, `rules` of all of them. Features in
        `QUOTE_FEATURES`."""
        s0, s1 = self.sent_index(mark_start), self.sent_index(max(mark_start, mark_end - 1))
        p0 = self.para_index(mark_start)
        opens = self.text[self.para_starts[p0]:mark_start].strip() == ""
        nearest: dict[str, Mention] = {}
        ranks: dict[str, int] = {}
        for m in reversed(self.mentions_in_paras(p0 - 3, p0)):
            if mark_start <= m.start < mark_end:
                continue
            if (m.affiliation or m.org and self.gender(m.name) is None) and pronoun in MALE_PRONOUNS | FEMALE_PRONOUNS:
                continue  # 'he' is the Fox News host, not Fox News; no organisation
            if m.start >= mark_end and not (m.para == p0 and m.sent <= s1 + 1):
                continue
            if m.name not in nearest or (m.start < mark_start <= nearest[m.name].start):
                nearest[m.name] = m
        before = sorted((m for m in nearest.values() if m.start < mark_start), key=lambda m: -m.start)
        for r, m in enumerate(before):
            ranks[m.name] = r
        names = list(nearest)
        named_rule = rule != "unattributed"
        if named_rule and not any(n == rule for n in names):
            names.append(rule)
        # The speakers the rules gave the article's earlier quotes, however far
        # back: a run of quotes by one person long after the name (on
        # polnear-train, a quarter of the quotes whose gold speaker no mention
        # of the window names).
        for _, o in reversed(earlier):
            if o != "unattributed" and is_named(o) and not any(n == o or same_actor(n, o) for n in names):
                names.append(o)
        last = next((n for _, n in reversed(earlier) if n != "unattributed"), None)
        para_spoke = {n for o, n in rules if o != mark_start and self.para_index(o) == p0 and n != "unattributed"}
        prev_spoke = {n for o, n in earlier if self.para_index(o) in (p0 - 1, p0 - 2) and n != "unattributed"}
        want = "m" if pronoun in MALE_PRONOUNS else "f" if pronoun in FEMALE_PRONOUNS else None
        # Salience before the quote: the latest speakers (subjects of a
        # reporting verb) and subjects whose gender does not clash with the
        # pronoun, as a reader would resolve 'he said' in a run of attributions.
        spk_order: list[str] = []
        subj_order: list[str] = []
        for m in reversed(self.mentions_between(0, mark_start)):
            if m.para < p0 - 3:
                break
            g = self.gender(m.name)
            if want and g and g != want:
                continue
            if m.speaker and not any(same_actor(m.name, o) for o in spk_order):
                spk_order.append(m.name)
            if m.subject and not any(same_actor(m.name, o) for o in subj_order):
                subj_order.append(m.name)
        after_speakers = {m.name for m in self.mentions_in_paras(p0, p0)
                          if m.start >= mark_end and m.sent <= s1 + 1 and m.speaker}
        adjacent = set(self.adjacent_names(mark_start, mark_end))
        # Subjects of the sentence before the quote's ('Kellan spoke next. "…"').
        prev_subjects = {m.name for m in self.mentions_between(self.sent_starts[s0 - 1] if s0 else 0, mark_start)
                         if m.subject and m.sent == s0 - 1 and m.para >= p0 - 1}
        in_window: dict[str, int] = {}
        for m in self.mentions_in_paras(p0 - 3, p0):
            if m.start < mark_start:
                in_window[m.name] = in_window.get(m.name, 0) + 1
        # A name inside the quotation is whom it speaks of or to, seldom who speaks.
        quoted = set(re.findall(r"[a-z][\w'-]*", self.text[mark_start:mark_end].lower().replace("’", "'")))
        out = []
        for n in names:
            m = nearest.get(n)
            is_rule = named_rule and (n == rule or same_actor(n, rule))
            g = self.gender(n)
            f = dict.fromkeys(QUOTE_FEATURES, 0.0)
            f["bias"] = 1.0
            f["rule"] = is_rule
            f["rule_" + _VIA_GROUP.get(via, "ctx")] = is_rule
            f["rule_improper"] = is_rule and not is_named(n)
            f["no_rule"] = not named_rule
            f["opens"] = opens
            f["missing"] = m is None and is_rule  # the rules' pick from outside the window
            if m is not None:
                sd, pd = s0 - m.sent, p0 - m.para
                f["same_sent"] = s0 <= m.sent <= s1
                f["after"] = m.start >= mark_end
                f["sd1"], f["sd2"], f["sd3p"] = sd == 1, sd == 2, sd >= 3
                f["pd0"], f["pd1"], f["pd2p"] = pd == 0, pd == 1, pd >= 2
                f["subject"], f["speaker"], f["sent_first"] = m.subject, m.speaker, m.sent_first
                r = ranks.get(n)
                f["rank0"], f["rank1"], f["rank2p"] = r == 0, r == 1, r is not None and r >= 2
            f["person"] = bool((m is not None and m.person) or g is not None)
            f["multi"] = len(name_words(n)) >= 2
            f["proper"] = is_named(n)
            f["log_count"] = math.log1p(self.counts.get(n, 0))
            f["last_speaker"] = bool(last and (n == last or same_actor(n, last)))
            f["para_speaker"] = any(n == o or same_actor(n, o) for o in para_spoke)
            f["prev_speaker"] = any(n == o or same_actor(n, o) for o in prev_spoke)
            f["g_agree"] = bool(want and g == want)
            f["g_clash"] = bool(want and g and g != want)
            f["plural_person"] = pronoun in PLURAL_PRONOUNS and f["person"]
            f["opens_last"] = opens and f["last_speaker"]
            spk = next((i for i, o in enumerate(spk_order) if n == o or same_actor(n, o)), None)
            subj = next((i for i, o in enumerate(subj_order) if n == o or same_actor(n, o)), None)
            f["spk_rank0"], f["spk_rank1"] = spk == 0, spk == 1
            f["subj_rank0"], f["subj_rank1"] = subj == 0, subj == 1
            f["after_speaker"] = n in after_speakers
            f["adjacent"] = n in adjacent
            f["sent_subject"] = m is not None and s0 <= m.sent <= s1 and m.subject and m.start < mark_start
            f["sent_object"] = m is not None and s0 <= m.sent <= s1 and not m.subject
            f["earlier_only"] = m is None and not is_rule  # an earlier quote's speaker only
            f["prev_subject"] = n in prev_subjects
            f["window_count"] = math.log1p(in_window.get(n, 0))
            words = name_words(n)
            f["in_quote_text"] = bool(words) and words[-1] in quoted
            out.append((n, f))
        # The one candidate whose gender fits the pronoun ('she said' after Clara Voss and Tom Hale).
        agree = [f for _, f in out if f["g_agree"]] or \
            ([f for _, f in out if not f["g_clash"]] if want and any(f["g_clash"] for _, f in out) else [])
        if len(agree) == 1:
            agree[0]["only_agree"] = True
            agree[0]["rule_only_agree"] = agree[0]["rule"]
        # 'she said' is never a man the article has shown to be one (nor 'he' a woman).
        kept = [(n, f) for n, f in out if not f.pop("g_clash")]
        return [(n, dict(zip(f, map(float, f.values())))) for n, f in kept]


_VIA_GROUP = {"verb": "verb", "pronoun": "pronoun", "role": "role", "described": "described",
              "adjacent": "verb", "transcript": "ctx", "colon": "ctx", "paragraph": "ctx", "continued": "ctx", "none": "ctx"}
QUOTE_FEATURES = ["bias", "rule", "rule_verb", "rule_pronoun", "rule_role", "rule_described", "rule_ctx",
                  "rule_improper", "no_rule", "opens", "missing", "same_sent", "after", "sd1", "sd2", "sd3p",
                  "pd0", "pd1", "pd2p", "subject", "speaker", "sent_first", "rank0", "rank1", "rank2p", "person",
                  "multi", "proper", "log_count", "last_speaker", "para_speaker", "prev_speaker", "g_agree",
                  "plural_person", "opens_last", "only_agree", "rule_only_agree", "spk_rank0",
                  "spk_rank1", "subj_rank0", "subj_rank1", "after_speaker", "sent_subject", "sent_object",
                  "adjacent", "earlier_only", "prev_subject", "window_count", "in_quote_text"]
CUE_WORDS = r"(?:said|says|say|added|adds|asked|asks|told|tells|wrote|writes|tweeted|continued|explained|" \
             r"insisted|replied|responded|noted|recalled|argued|warned|declared|shouted|quipped|retorted)"
_ADJ_AFTER = re.compile(rf"[\s,]*(?:{CUE_WORDS}\s+)?(?:the\s+|[A-Z][\w.'’-]*\s+(?:[a-z][\w-]*\s+)?)?$")
_ADJ_BEFORE = re.compile(rf"(?:,[^,“”\"]{{0,30}},)?\s+{CUE_WORDS}(?:\s+\w+)?\s*[,:]?\s*$")
_QUOTE_MODEL = Path(__file__).parent / "data" / "quote_speakers.json"


@lru_cache(maxsize=1)
def quote_ranker() -> dict | None:
    """The shipped quote-speaker ranker ({features, weights, threshold}), or
    None (then the rules' speakers stand)."""
    try:
        data = json.loads(_QUOTE_MODEL.read_text())
        return {"weights": dict(zip(data["features"], data["weights"])), "threshold": float(data["threshold"])}
    except (OSError, ValueError, KeyError):
        return None


def rank(model: dict, candidates: list[tuple[str, dict[str, float]]]) -> str | None:
    """The most probable candidate, or None when its probability is below the
    model's threshold (the quote stays unattributed)."""
    if not candidates:
        return None
    w = model["weights"]
    # the same products summed in the same order, without a generator per candidate
    score, name = max((sum(map(mul, map(w.get, f, repeat(0.0)), f.values())), n) for n, f in candidates)
    p = 1.0 / (1.0 + math.exp(-score))
    return name if p >= model["threshold"] else None


def context(analysis: Analysis, names: ArticleNames, quotes: list[tuple[int, int]]) -> SpeakerContext:
    return SpeakerContext(analysis, names, quotes)


_NOT_PERSON_HEADS = {"ad", "letter", "complaint", "crowd", "report", "statement", "campaign", "poll", "survey",
                     "study", "website", "site", "email", "memo", "book", "article", "story", "video", "group",
                     "groups", "committee", "party", "administration", "government", "court", "lawsuit", "suit",
                     "bill", "law", "platform", "document", "release", "post", "tweet", "page", "network",
                     "show", "paper", "newspaper", "magazine", "agency", "company", "firm", "organization", "team"}


def is_named(name: str) -> bool:
    """A name, not a description: capitalised first and last word
    ('Brent Bozeman III', 'Bashir al-Nadif'; not "Clanton's track record",
    'Christie supporter')."""
    words = name.split()
    if not _is_proper(name):
        return False
    # "Harry Reddin's office", 'Justice Department': an organisation named by a name.
    return any(c.isupper() for c in words[-1]) or words[-1].lower() in ORG_WORDS and \
        any(c.isupper() for w in words[1:-1] for c in w)


# Heads of phrases that can speak: people, groups, outlets and documents.
_SPEAKING_HEADS = (ROLE_NOUNS | OFFICIAL_WORDS | MEDIA_HEADS | ORG_WORDS | MONITOR_WORDS | SERVICE_HEADS
                   | GENERIC_HEADS | _NOT_PERSON_HEADS | {"person", "crowd", "audience", "family", "friend",
                                                          "wife", "husband", "mother", "father", "son",
                                                          "daughter", "brother", "sister", "child", "guy",
                                                          "star", "camp", "staff", "host", "narrator", "tycoon",
                                                          "magnate", "hopeful", "veteran", "native", "icon",
                                                          "legend", "celebrity", "couple", "side"})
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "man", "woman", "person", "ent", "ant", "ee")
_NOT_AGENTS = {"danger", "answer", "number", "matter", "order", "power", "water", "border", "corner",
               "error", "factor", "sector", "behavior", "behaviour", "labor", "favor", "rumor", "honor",
               "event", "moment", "comment", "argument", "element", "extent", "percent", "content",
               "intent", "incident", "want", "grant", "plant", "fee", "degree"}


def can_speak(head: Token) -> bool:
    """'the man', 'the campaign', 'the ad' can say something; 'his eyes',
    "Clanton's track record", 'the timing' cannot."""
    if head.pos_ == "PROPN" or head.ent_type_ in ("PERSON", "ORG", "NORP"):
        return True
    lemma = head.lemma_.lower()
    return head.lower_ in _SPEAKING_HEADS or lemma in _SPEAKING_HEADS or \
        lemma.endswith(_AGENT_SUFFIXES) and lemma not in _NOT_AGENTS


def is_person_description(head: Token, determiners: tuple[str, ...] = ("the",)) -> bool:
    """'the businessman', 'the gambling tycoon': a definite description of a
    person (or, with `determiners` ('a', 'the'), 'a reporter' too)."""
    return head.pos_ == "NOUN" and head.tag_ == "NN" and head.lower_ not in _NOT_PERSON_HEADS and can_speak(head) \
        and head.lower_ not in MEDIA_KINDS | ORG_WORDS | MONITOR_WORDS | SERVICE_HEADS | GENERIC_HEADS \
        and head.lower_ not in _NON_SPEAKER_ROLES \
        and any(c.lower_ in determiners for c in head.children if c.dep_ == "det")


def is_role_subject(head: Token) -> str | None:
    """'the senator', 'the Republican nominee': a definite role noun that
    stands for a person named earlier. Returns the role word."""
    if head.pos_ != "NOUN" or head.lower_ not in ROLE_NOUNS or head.lower_ in _NON_SPEAKER_ROLES:
        return None
    if not any(c.lower_ == "the" for c in head.children if c.dep_ == "det"):
        return None
    return head.lower_


__all__ = ["SpeakerContext", "Mention", "context", "is_role_subject", "ranker_weights", "FEATURES",
           "QUOTE_FEATURES", "quote_ranker", "rank",
           "QUOTE_VERBS", "according_to", "subject_heads", "same_actor", "OFFICIAL_WORDS"]
