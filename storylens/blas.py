"""One BLAS thread for the small matrix products of alignment, claim pairing
and story assignment.

OpenBLAS spreads each product over every core by default; for matrices this
small its threads spin on a busy machine, which made these stages several
times slower in CPU time (4x per article at 8,000 articles in story
assignment; 8 ms against 0.6 ms per story in the claim index). The thread
pools are found once: `threadpool_limits` scans every loaded library on each
call, which was a quarter of the story phase on two articles.
"""

from __future__ import annotations

from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _pools() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread."""
    return _pools().limit(limits=1, user_api="blas")


__all__ = ["one_blas_thread"]
