"""The attribution lexicon: the verbs that credit what is said or stated to
someone, kept in `data/attribution.json` and loaded here, once, for every
stage that reads them (sources, speakers, quotes, facts).

- `SOURCE_VERBS`: reporting verbs whose subject is the source of what follows
  ('X said', 'X told reporters'): a cited source and a quotation's speaker;
- `QUOTE_ONLY_VERBS`: verbs that attribute a quotation ('which he called
  "strategic"') but are too loose to make their subject a cited source;
- `QUOTE_VERBS`: both, every verb that can attribute a quotation;
- `CLAIM_VERBS`: the source verbs whose subject the figures, dates and places
  of the same sentence are credited to (facts).

All are sets of lemmas. 'according to X' is parsed in one place,
`storylens.sources.according_to`.
"""

from __future__ import annotations

import json
from importlib import resources

_LEXICON = json.loads(resources.files("storylens").joinpath("data/attribution.json").read_text("utf-8"))

SOURCE_VERBS: frozenset[str] = frozenset(_LEXICON["source_verbs"])
QUOTE_ONLY_VERBS: frozenset[str] = frozenset(_LEXICON["quote_only_verbs"])
QUOTE_VERBS: frozenset[str] = SOURCE_VERBS | QUOTE_ONLY_VERBS
CLAIM_VERBS: frozenset[str] = frozenset(_LEXICON["claim_verbs"])

__all__ = ["CLAIM_VERBS", "QUOTE_ONLY_VERBS", "QUOTE_VERBS", "SOURCE_VERBS"]
