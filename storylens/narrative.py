"""Narrative text and quoted text: which characters of an article sit inside
quotation marks.

An outlet's own voice is its narrative text; words inside quotation marks are
a speaker's. Passage kinds (`align`), the reuse share and the terms table
(`framing`) read this distinction. Quotation marks follow the quotes stage's
rules (`quotes.quote_spans`: straight or curly double quotes on one line, curly
single quotes standing alone, a mark left open at the end of a paragraph
quoting to its end). The marks themselves count as quoted.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np

from .quotes import quote_spans


class QuoteMask:
    """Counts of non-space characters, all and quoted, over any range of one text."""

    def __init__(self, text: str):
        self.text = text
        self.quoted = np.zeros(len(text), dtype=bool)
        for _, _, mark_start, mark_end in quote_spans(text):
            self.quoted[mark_start:mark_end] = True

    # The counts are made on first use: the article phase asks only
    # `is_quoted`, and the story phase, which counts, may run elsewhere.
    @cached_property
    def _solid(self) -> np.ndarray:
        text = self.text
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4") if text else np.zeros(0, "<u4")
        return ~np.isin(codes, _SPACES)

    @cached_property
    def _all(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self._solid)])

    @cached_property
    def _quoted(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self._solid & self.quoted)])

    def counts(self, start: int, end: int) -> tuple[int, int]:
        """(non-space characters, of which inside quotation marks) in [start, end)."""
        return int(self._all[end] - self._all[start]), int(self._quoted[end] - self._quoted[start])

    def share(self, start: int, end: int) -> float:
        """Share of the non-space characters of [start, end) inside quotation marks."""
        total, quoted = self.counts(start, end)
        return quoted / total if total else 0.0

    def narrative(self, start: int, end: int) -> int:
        """Non-space characters of [start, end) outside quotation marks."""
        total, quoted = self.counts(start, end)
        return total - quoted

    def is_quoted(self, offset: int) -> bool:
        return bool(0 <= offset < len(self.quoted) and self.quoted[offset])


_SPACES = np.array([ord(c) for c in " \t\n\r\f\v\u00a0\u2002\u2003\u2009\u200a\u202f\u3000"], dtype="<u4")


@lru_cache(maxsize=512)
def quote_mask(text: str) -> QuoteMask:
    return QuoteMask(text)


__all__ = ["QuoteMask", "quote_mask"]
