"""Stable finding ids, derived from content and spans.

A passage, quote or fact gets the same id on every run and machine for the
same articles, so a URL, a database row or a bookmark can point at it. Ids are
a short prefix and the first 10 hex digits of a SHA-1 over the finding's kind
and its spans (article id, start, end): 40 bits, enough to keep the findings
of any one story apart.
"""

from __future__ import annotations

import hashlib
from typing import Iterable


def finding_id(prefix: str, kind: str, spans: Iterable[tuple[str, int, int]]) -> str:
    key = kind + "|" + ";".join(f"{a}:{s}:{e}" for a, s, e in sorted(spans))
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
