"""One settings object for every threshold of the story phase.

`Settings()` holds the defaults, tuned on the development data; pass another
to `compare` or `compare_features` to change any of them:

    >>> from storylens.settings import Settings, AlignConfig
    >>> strict = Settings(align=AlignConfig(edited_ratio=0.7))
    >>> strict.align.edited_ratio
    0.7
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AlignConfig:
    edited_ratio: float = 0.55      # word-sequence similarity for copy-edited text
    edited_coverage: float = 0.5    # share of the shorter side in runs of >= 3 shared words
    verbatim_ratio: float = 0.98
    paraphrase_cosine: float = 0.70
    paraphrase_overlap: float = 0.40  # content-lemma overlap coefficient
    paraphrase_score: float = 0.62    # mean of the two; below it, same topic is not same content
    merge_penalty: float = 0.03     # paraphrase score handicap of a two-sentence unit
    min_words: int = 6              # shorter units are captions and datelines
    max_unit_words: int = 400       # longer 'sentences' are runaway markup, not prose
    quotation_share: float = 0.6    # copied text this much inside quote marks, in every article, is a shared quotation


@dataclass(frozen=True)
class QuoteConfig:
    min_match_words: int = 4   # shorter side of a containment / partial match
    partial_min: float = 90    # rapidfuzz partial_ratio for trimmed quotes
    ratio_min: float = 90      # rapidfuzz ratio for lightly edited quotes


@dataclass(frozen=True)
class FactsConfig:
    related_similarity: float = 0.72   # sentence cosine that lets a partly-known key pair (agreements only)
    money_conflict_similarity: float = 0.75  # sentence cosine for amounts of money for one event to conflict
    context_overlap: float = 0.5       # ... or this share of the content words near the two amounts
    context_min_shared: int = 2        # ... and at least this many of them
    sole_figure_max_ratio: float = 1.5  # the sole figures of one counted thing in two articles pair up to this ratio
    figure_max_ratio: float = 1.25     # one figure told two ways (rounded, a bound, an update) lies this close ...
    figure_min_count: float = 1000     # ... and, without a unit (%, $), is a count at least this large ...
    key_figure_max_ratio: float = 4.0  # figures a key alone pairs as a conflict lie this close: further apart, two quantities
    figure_similarity: float = 0.6     # ... with its sentences this close, or `context_min_shared` words near both
    figure_nearest_margin: float = 2.0  # ... each the other's closest figure, every other one this many times as far
    figure_precise_digits: int = 4     # one figure this precise ('188,829') in two articles is one quantity in any words
    figure_rounded_digits: int = 3     # ... and so is one this precise ('$138.7 million') and its rounding ('$139 million') ...
    figure_rounded_ratio: float = 1.03  # ... this close ('212,672' rounded to '200,000' may be another quantity)
    figure_distinct_digits: int = 3    # a figure this precise that an article writes for one claim is not its figure for another
    purchase_max_ratio: float = 1.1    # amounts of money said of the same thing (shared words near both) pair up to this ratio
    day_similarity: float = 0.4        # sentence cosine at which one day in two articles dates one act (agreements only)
    unique_distinct_from: float = 10   # a count this large found in another article, in any words, is not unique
    unique_period_max_days: int = 32   # a day inside a shorter period another article gives ('last month') is not unique
    show_bare_uniques: bool = False    # list bare weekdays, years and event-less figures as 'unique'
    # wording of one quotation across outlets
    quote_min_shared_words: int = 5    # words two versions share, in order, to be one statement
    quote_min_shared_share: float = 0.6  # ... and that share of the shorter version
    quote_min_run: int = 4             # ... with at least one unbroken run this long
    quote_long_shared_words: int = 12  # a shared stretch this long is one statement however much more one version quotes
    quote_short_min_words: int = 3     # a shorter quotation is one statement with another holding all its words but one
    quote_edge_words: int = 3          # words replaced at both ends of the shared stretch that still count as a change
    quote_edge_inserted_words: int = 1  # words inserted beside a stop word at the end of the shared stretch that still extend it
    quote_max_changed_share: float = 0.6  # changed words (cuts aside) per shared word above which two versions are two statements
    # values that differ in the same slot (storylens.differences)
    edit_max_words: int = 6            # longer passage edits are rewrites, not one value replaced
    name_spelling_similarity: float = 0.7  # Levenshtein similarity of two spellings of one name word
    name_min_letters: int = 5          # shorter name words are compared only when equal
    name_slip_min_letters: int = 8     # a name word this long, one letter apart in two outlets, is one name anywhere
    name_context_similarity: float = 0.6   # sentence cosine that puts two name mentions in the same context
    name_context_shared: int = 2       # ... or this many content words shared near the two mentions
    name_context_words: int = 6        # ... counted this many tokens either side, inside the sentence


@dataclass(frozen=True)
class Settings:
    align: AlignConfig = field(default_factory=AlignConfig)
    quotes: QuoteConfig = field(default_factory=QuoteConfig)
    facts: FactsConfig = field(default_factory=FactsConfig)


__all__ = ["AlignConfig", "FactsConfig", "QuoteConfig", "Settings"]
