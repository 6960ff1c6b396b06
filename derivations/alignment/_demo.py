"""The course's alignment examples for ``workedout demo``."""
from __future__ import annotations

from ._worked import align

__all__ = ["EXAMPLES", "demo_examples"]

#: Classic textbook examples: (name, seq1, seq2, keywords, source).
EXAMPLES = [
    ("align-nw-gattaca", "GATTACA", "GCATGCU", dict(mode="global"),
     "Wikipedia, Needleman-Wunsch algorithm: match 1, mismatch -1, gap -1; score 0"),
    ("align-sw-wikipedia", "TGTTACGG", "GGTTGACTA", dict(mode="local", match=3, mismatch=-3, gap_open=-2),
     "Wikipedia, Smith-Waterman algorithm: s = +3/-3, linear gap W_k = 2k; GTT-AC / GTTGAC, score 13"),
    ("align-durbin-global", "HEAGAWGHEE", "PAWHEAE", dict(mode="global", matrix="BLOSUM50", gap_open=-8),
     "Durbin et al., Biological Sequence Analysis (1998), Fig. 2.5: BLOSUM50, d = 8; HEAGAWGHE-E / --P-AW-HEAE"),
    ("align-durbin-local", "HEAGAWGHEE", "PAWHEAE", dict(mode="local", matrix="BLOSUM50", gap_open=-8),
     "Durbin et al., Biological Sequence Analysis (1998), Fig. 2.6: BLOSUM50, d = 8; AWGHE / AW-HE"),
    ("align-gotoh", "ACGT", "AGT", dict(mode="global", match=2, mismatch=-1, gap_open=-3, gap_extend=-1),
     "affine gaps (Gotoh), small enough to check by hand"),
]


def demo_examples() -> list:
    """The course's alignment examples for ``workedout demo``."""
    from ..demo import Example
    return [Example(name, (lambda a=a, b=b, kw=kw: align(a, b, **kw))) for name, a, b, kw, _ in EXAMPLES]
