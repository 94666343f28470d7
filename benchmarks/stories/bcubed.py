"""BCubed precision, recall and F1 of a clustering against gold labels."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Hashable, Sequence


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """Amigó et al. (2009): for every item, the share of its predicted cluster
    that shares its gold class (precision) and the share of its gold class
    that shares its predicted cluster (recall), averaged over items."""
    assert len(predicted) == len(gold) and gold
    pair = Counter(zip(predicted, gold))
    size_p, size_g = Counter(predicted), Counter(gold)
    precision = sum(pair[(p, g)] / size_p[p] for p, g in zip(predicted, gold)) / len(gold)
    recall = sum(pair[(p, g)] / size_g[g] for p, g in zip(predicted, gold)) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
