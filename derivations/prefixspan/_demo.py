"""The built-in PrefixSpan example of ``workedout demo``: the paper's database."""
from __future__ import annotations

from ._worked import PAPER_DB, prefixspan

__all__ = ["demo_examples"]


def demo_examples() -> list:
    """The PrefixSpan paper's example for ``workedout demo``."""
    from ..demo import Example
    return [Example("prefixspan-paper", lambda: prefixspan(PAPER_DB, 2, all_patterns=True, projection="paper"))]
