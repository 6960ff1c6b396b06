"""The striped int16 score kernel against the anti-diagonal kernels it stands in for."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from workedout.numerics.alignment import PairwiseAligner
from workedout.numerics.alignment import _kernels as K
from workedout.numerics.alignment._scoring import EncodedPair, Scoring

DNA, AMINO = "ACGT", "ARNDCQEGHILKMFPSTWYV"


def _both(seq1, seq2, scoring):
    """(striped score or None, anti-diagonal score) of one pair."""
    p = EncodedPair(scoring, seq1, seq2)
    fast = K.score_striped(p.a, p.rb, p.S, p.go, p.ge, p.local, p.free, scoring.linear)
    if scoring.linear:
        slow = K.score_linear(p.a, p.rb, p.S, p.eq, p.go, p.local, p.free, p.neg)
    else:
        slow = K.score_affine(p.a, p.rb, p.S, p.eq, p.go, p.ge, p.local, p.free, p.neg)
    return fast, int(slow)


@st.composite
def _cases(draw):
    protein = draw(st.booleans())
    alphabet = AMINO if protein else DNA
    # lengths around the 32 lanes and the 4-step blocks, and past several lanes
    seq1 = draw(st.text(alphabet, min_size=1, max_size=140))
    seq2 = draw(st.text(alphabet, min_size=1, max_size=140))
    mode = draw(st.sampled_from(["global", "local", "semiglobal"]))
    free = (tuple(draw(st.lists(st.booleans(), min_size=4, max_size=4)))
            if mode == "semiglobal" and draw(st.booleans()) else None)
    go = -draw(st.integers(0, 12))
    ge = draw(st.integers(go, 0))                      # go <= ge <= 0: the kernel applies
    extend = None if ge == go else ge
    if protein:
        scoring = Scoring(mode, 1, -1, "BLOSUM62", go, extend, free)
    else:
        scoring = Scoring(mode, draw(st.integers(-3, 6)), draw(st.integers(-6, 3)), None, go,
                          extend, free)
    return seq1, seq2, scoring


@settings(max_examples=400, deadline=None)
@given(_cases())
def test_striped_equals_antidiagonal(case):
    seq1, seq2, scoring = case
    fast, slow = _both(seq1, seq2, scoring)
    assert fast is not None
    assert fast == slow


@settings(max_examples=60, deadline=None)
@given(st.text(DNA, min_size=1, max_size=300), st.text(DNA, min_size=1, max_size=300))
def test_striped_long_random_equals_antidiagonal(seq1, seq2):
    for mode in ("global", "local"):
        fast, slow = _both(seq1, seq2, Scoring(mode, 2, -3, None, -5, -2, None))
        assert fast == slow


def test_overflow_gives_way_and_the_score_stays_exact():
    # 40 matches of 1000: H reaches 40000, past int16; the kernel must refuse
    seq = "ACGT" * 10
    scoring = Scoring("global", 1000, -1, None, -1, None, None)
    fast, slow = _both(seq, seq, scoring)
    assert fast is None
    assert slow == 40000
    assert PairwiseAligner(match=1000, mismatch=-1, gap_open=-1).score(seq, seq) == 40000


def test_low_overflow_gives_way():
    # free start gaps keep the borders at 0, but every interior cell costs
    # -1000 a column: H falls below the int16 range inside the table
    ends = (True, False, True, False)
    scoring = Scoring("semiglobal", 1, -1000, None, -1000, None, ends)
    fast, slow = _both("A" * 40, "C" * 40, scoring)
    assert fast is None
    assert slow == -40000
    assert PairwiseAligner(mode="semiglobal", match=1, mismatch=-1000, gap_open=-1000,
                           free_ends=ends).score("A" * 40, "C" * 40) == slow


def test_border_too_long_for_int16_is_not_tried():
    scoring = Scoring("global", 1, -1, None, -2, None, None)
    p = EncodedPair(scoring, "A" * 20000, "A")
    assert K.score_striped(p.a, p.rb, p.S, p.go, p.ge, p.local, p.free, True) is None


def test_open_cheaper_than_extend_is_not_tried():
    # go > ge: Y -> Y through a new open differs from Farrar's E; the kernel declines
    scoring = Scoring("global", 1, -1, None, -1, -3, None)
    fast, slow = _both("ACGTTGCA", "AGTTA", scoring)
    assert fast is None
    assert PairwiseAligner(match=1, mismatch=-1, gap_open=-1, gap_extend=-3).score("ACGTTGCA", "AGTTA") == slow


def test_float_scores_are_not_tried():
    scoring = Scoring("global", 1.5, -1, None, -1, None, None)
    p = EncodedPair(scoring, "ACGT", "AGT")
    assert K.score_striped(p.a, p.rb, p.S, p.go, p.ge, p.local, p.free, True) is None
