"""Typed objects that flow between the pipeline stages and make up the result.

Every finding is pinned to a `Span`: character offsets into `Article.text`
of the article it belongs to. The JSON produced by `Comparison.to_json()` is
the public contract; `SCHEMA_VERSION` changes whenever a field is added
(minor) or changed/removed (major).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.7"

PassageKind = Literal["verbatim", "edited", "quotation", "paraphrase"]
EditCategory = Literal["framing", "spelling", "other"]
FactKind = Literal["number", "place", "date", "attribution", "quote", "name", "other"]
FactStatus = Literal["agree", "conflict", "unique"]
SourceKind = Literal[
    "agency", "monitor", "official", "media", "person", "organization",
    "contributor", "photo", "other",
]


class _Model(BaseModel):
    # `from` is a Python keyword, so edits and substitutions use `from_`
    # internally and serialise under the alias.
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Article(_Model):
    """One report. `text` is the body every offset refers to."""

    id: str | None = None
    outlet: str | None = None
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source: str | None = Field(None, description="The path or URL the article was read from.")
    text: str = Field(description="The body every offset refers to.")


class Span(_Model):
    article: str = Field(description="Article id.")
    start: int = Field(description="Character offset into the article text (inclusive).")
    end: int = Field(description="Character offset into the article text (exclusive).")
    text: str

    @classmethod
    def over(cls, article: str, text: str, start: int, end: int) -> "Span":
        """The span of `text[start:end]`, trimmed of white space at both ends."""
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return cls(article=article, start=start, end=end, text=text[start:end])


class Edit(_Model):
    from_: Span = Field(alias="from")
    to: Span
    category: EditCategory


class Passage(_Model):
    """Text two or more articles share.

    `verbatim` and `edited` passages are narrative text copied from a common
    source (wire copy); a `quotation` is the same quotation reproduced by
    several outlets (mostly inside quotation marks in at least one article:
    a speaker's words, not shared copy); a `paraphrase` is one fact written
    up in independent words.
    """

    id: str = Field("", description="Stable id derived from the spans, e.g. 'p-3f9a0c1d2e'.")
    kind: PassageKind
    spans: list[Span]
    edits: list[Edit] = []
    similarity: float = Field(description="0..1; word overlap for verbatim/edited/quotation, meaning for paraphrase.")
    quoted: float = Field(0.0, description="0..1; share of the shared words' characters inside quotation marks "
                                           "(of the spans' characters for a paraphrase), the largest over the articles.")


class Substitution(_Model):
    """A distinct word-level edit, counted over all passages."""

    from_: str = Field(alias="from")
    to: str
    from_article: str
    to_article: str
    count: int
    category: EditCategory


class QuoteMention(Span):
    speaker: str


class Quote(_Model):
    id: str = Field("", description="Stable id derived from the mention spans, e.g. 'q-…'.")
    speaker: str = Field(description="Who said it; 'unattributed' where no article says.")
    text: str
    mentions: list[QuoteMention]


class Citation(_Model):
    """One place where an article names whom it got something from."""

    article: str
    name: str
    kind: SourceKind
    start: int
    end: int
    text: str
    affiliation: str | None = Field(None, description="The organisation the article ties the source to "
                                    "('Jane Roe of the Harbour Trust' -> 'Harbour Trust'), if any.")


class StorySource(_Model):
    """One source of the story across articles, counted once per independent report."""

    name: str = Field(description="The fullest name the articles give it.")
    kind: SourceKind
    articles: list[str] = Field(description="Ids of the articles that cite it, in input order.")
    reports: int = Field(description="Independent reports of it: citing articles joined by wire copy "
                                     "(a verbatim or edited passage citing it in both) count once together.")
    shared_copy: list[str] = Field(default_factory=list, description="Articles that cite it only inside "
                                   "copy they share with another citing article: wire reprints.")


class Claim(Span):
    value: str | None = Field(None, description="Normalised value, e.g. '212', '>500', 'northeast', '2016-11-26'.")
    attribution: str | None = None


class Fact(_Model):
    id: str = Field("", description="Stable id derived from the kind and claim spans, e.g. 'f-…'.")
    what: str = Field(description="What the claims are about, e.g. 'civilians killed'.")
    kind: FactKind
    status: FactStatus
    claims: list[Claim]
    explanation: str
    confidence: float
    incompatible: bool | None = Field(
        None, description="For a conflict: true when the values cannot both be true, false when they only "
                          "differ (a bound, rounding, an update, a trimmed quote); null otherwise.")


class ActorDescriptor(_Model):
    """How one article names or describes an actor: one wording, all its places."""

    article: str = Field(description="Article id.")
    kind: Literal["name", "title", "appositive", "predicate", "description", "label"] = Field(
        description="'name': the name alone, for an article that names the actor without describing it; "
                    "'title': words before the name ('embattled Gov.'); 'appositive': a noun phrase beside "
                    "the name ('a Tea Party favorite'); 'predicate': said of it with 'be' ('X is a "
                    "conservative firebrand'); 'description': a definite phrase referring back "
                    "('the billionaire'); 'label': a word for a group of people ('rioters').")
    text: str = Field(description="The wording, as the article most often writes it.")
    count: int
    differs: list[str] = Field(default_factory=list, description="Its words that not every other article "
                               "uses for this actor, neutral ones (offices, party, places) aside: empty when all do.")
    spans: list[Span]


class ActorFraming(_Model):
    """One actor the articles name or describe in different words."""

    id: str = Field("", description="Stable id derived from the spans, e.g. 'a-…'.")
    actor: str = Field(description="The actor's name; for a group, its labels in use, most used first.")
    kind: Literal["person", "organization", "group"]
    descriptors: list[ActorDescriptor]


class Comparison(_Model):
    """The result of comparing two or more reports of one event."""

    schema_version: str = SCHEMA_VERSION
    storylens_version: str = ""
    articles: list[Article]
    passages: list[Passage] = []
    substitutions: list[Substitution] = []
    terms: dict[str, dict[str, dict[str, int]]] = Field(
        default_factory=dict, description="article id -> actor -> term -> count")
    actors: list[ActorFraming] = Field(
        default_factory=list, description="Named actors and groups of people the articles describe in different words")
    quotes: list[Quote] = []
    sources: dict[str, list[str]] = Field(default_factory=dict, description="article id -> cited source names")
    citations: list[Citation] = []
    story_sources: list[StorySource] = Field(
        default_factory=list, description="The story's sources across articles, wire reprints counted once "
                                          "(bylines and photo credits left out)")
    facts: list[Fact] = []
    reuse: dict[str, float] = Field(
        default_factory=dict,
        description="article id -> share (0..1) of its narrative characters (outside quotation marks) "
                    "that sit in verbatim or edited passages: how much of it is shared copy")

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.id == article_id)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def json_schema() -> dict:
    """The JSON schema of `Comparison`, as printed by `storylens schema`."""
    schema = Comparison.model_json_schema(by_alias=True)
    schema["$id"] = f"https://storylens.invalid/schema/comparison-{SCHEMA_VERSION}.json"
    schema["title"] = f"storylens Comparison (schema {SCHEMA_VERSION})"
    return schema
