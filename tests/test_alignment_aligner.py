"""numerics.alignment.PairwiseAligner: equal to the module functions, its alignments()
collection (len is the exact count, each co-optimal alignment once, lazily), the scoring
validated once and its errors, semiglobal_ranges; and the worked derivation building one
aligner for all its checks."""
from __future__ import annotations

import math
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_alignment_numerics import brute_force, columns_of, mm_sub, small_problems
from workedout.derivations.alignment import align as worked_align
from workedout.numerics import alignment as aln
from workedout.numerics.alignment import PairwiseAligner, semiglobal_ranges
from workedout.numerics.alignment import _scoring

MODES = ["global", "local", "semiglobal"]


# ------------------------------------------------------- the aligner = the functions

@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=30)
@given(data=st.data())
def test_aligner_equals_module_functions(mode, affine, data):
    x, y, kw = data.draw(small_problems(mode, affine))
    aligner = PairwiseAligner(**kw)
    assert aligner.score(x, y) == aln.score(x, y, **kw)
    assert aligner.align(x, y) == aln.align(x, y, **kw)
    assert aligner.count(x, y) == aln.count_optimal(x, y, **kw)
    ours, theirs = aligner.dp_tables(x, y), aln.dp_tables(x, y, **kw)
    for field in ("H", "M", "X", "Y", "arrows"):
        assert np.array_equal(getattr(ours, field), getattr(theirs, field))
    assert (ours.score, ours.free_ends) == (theirs.score, theirs.free_ends)
    found = aligner.align(x, y)
    if mode != "local":
        assert aligner.alignment_score(found.seq1_aligned, found.seq2_aligned) == \
            aln.alignment_score(found.seq1_aligned, found.seq2_aligned, **kw) == found.score


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=30)
@given(data=st.data())
def test_alignments_are_every_co_optimal_alignment_once(mode, affine, data):
    x, y, kw = data.draw(small_problems(mode, affine, max_len=5))
    aligner = PairwiseAligner(**kw)
    optimal = aligner.alignments(x, y)
    listed = list(optimal)
    assert len(optimal) == optimal.n_optimal == aligner.count(x, y) == len(listed)
    assert bool(optimal) == bool(listed)
    assert optimal.score == aligner.score(x, y) or (mode == "local" and not listed)
    best, expected = brute_force(x, y, mode, mm_sub(kw["match"], kw["mismatch"]), kw["gap_open"],
                                 kw["gap_extend"], kw["free_ends"] or (True,) * 4)
    if mode == "semiglobal":          # ranges: the letters outside free end gaps
        assert sorted(columns_of(a) for a in listed) == sorted(c for c, _, _ in expected)
        for a in listed:
            ops = [0 if "-" not in col else (1 if col[1] == "-" else 2) for col in columns_of(a)]
            assert (a.seq1_range, a.seq2_range) == semiglobal_ranges(ops, aligner.free_ends)
    else:
        assert sorted((columns_of(a), a.seq1_range, a.seq2_range) for a in listed) == sorted(expected)
    assert all(a.score == best for a in listed)
    if listed:
        assert optimal[0] == listed[0] and optimal[-1] == listed[-1]


def test_alignments_are_generated_lazily_past_any_len():
    # 60 x 45 letters scoring 0 everywhere: every one of the Delannoy number of
    # alignments is optimal, far more than len() can return
    x, y = "A" * 60, "C" * 45
    aligner = PairwiseAligner(match=0, mismatch=0, gap_open=0)
    optimal = aligner.alignments(x, y)
    delannoy = sum(math.comb(60, k) * math.comb(45, k) * 2 ** k for k in range(46))
    assert optimal.n_optimal == delannoy == aligner.count(x, y) and bool(optimal)
    with pytest.raises(OverflowError, match="n_optimal"):
        len(optimal)
    first = list(islice(optimal, 3))
    assert len({(a.seq1_aligned, a.seq2_aligned) for a in first}) == 3
    assert all(a.score == 0 and a.seq1_aligned.replace("-", "") == x for a in first)


def test_alignments_golden_examples():
    nw = PairwiseAligner().alignments("GATTACA", "GCATGCU")
    assert [(a.seq1_aligned, a.seq2_aligned) for a in nw] == [
        ("G-ATTACA", "GCA-TGCU"), ("G-ATTACA", "GCAT-GCU"), ("G-ATTACA", "GCATG-CU")]
    local = PairwiseAligner(mode="local").alignments("CAC", "CGC")
    assert [(a.seq1_range, a.seq2_range) for a in local] == [((0, 1), (0, 1)), ((0, 1), (2, 3)),
                                                             ((2, 3), (0, 1)), ((2, 3), (2, 3))]
    nothing = PairwiseAligner(mode="local").alignments("AAA", "TTT")
    assert (len(nothing), list(nothing), bool(nothing), nothing.score) == (0, [], False, 0)
    with pytest.raises(IndexError):
        nothing[0]
    empty = PairwiseAligner().alignments("", "")
    assert [(a.seq1_aligned, a.seq2_aligned, a.score) for a in empty] == [("", "", 0)]
    assert "3 co-optimal" in repr(nw)


def test_arrows_use_only_the_named_bits():
    named = 0
    for name in ("M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START", "X_FROM_M", "X_FROM_X", "X_FROM_Y",
                 "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END"):
        named |= getattr(aln, name)
    assert named == 2 ** 11 - 1
    for mode in MODES:
        arrows = aln.dp_tables("HEAGAWGHEE", "PAWHEAE", mode=mode, matrix="BLOSUM50", gap_open=-8,
                               gap_extend=-2).arrows
        assert not np.any(arrows & ~np.uint16(named))


# ------------------------------------------------------------- validated once

def test_scoring_is_validated_once(monkeypatch, tmp_path):
    checked, loaded = [], []
    number, load_matrix = _scoring._number, _scoring.load_matrix
    monkeypatch.setattr(_scoring, "_number", lambda name, value: checked.append(name) or number(name, value))
    monkeypatch.setattr(_scoring, "load_matrix", lambda m: loaded.append(m) or load_matrix(m))
    matrix = tmp_path / "dna.txt"
    matrix.write_text("   A  C  G  T\nA  2 -1 -1 -1\nC -1  2 -1 -1\nG -1 -1  2 -1\nT -1 -1 -1  2\n")
    aligner = PairwiseAligner(mode="semiglobal", matrix=str(matrix), gap_open=-3, gap_extend=-1)
    assert (checked, loaded) == (["gap_open", "gap_extend"], [str(matrix)])
    for _ in range(3):
        aligner.score("ACGT", "AGT")
        aligner.align("ACGT", "AGT")
        aligner.count("ACGT", "AGT")
        aligner.dp_tables("ACGT", "AGT")
        list(aligner.alignments("ACGT", "AGT"))
        aligner.alignment_score("ACGT", "A-GT")
    assert (checked, loaded) == (["gap_open", "gap_extend"], [str(matrix)])
    with pytest.raises(AttributeError):
        aligner.gap_open = 1                          # the scoring cannot change after it was checked
    assert (aligner.mode, aligner.gap_open, aligner.gap_extend, aligner.linear, aligner.match) == \
        ("semiglobal", -3, -1, False, None)
    assert aligner.free_ends == (True,) * 4 and aligner.matrix.name == "dna.txt"
    assert repr(aligner) == ("PairwiseAligner(mode='semiglobal', matrix='dna.txt', gap_open=-3, gap_extend=-1, "
                             "free_ends=(True, True, True, True))")


@pytest.mark.parametrize("kw, words", [
    (dict(mode="glocal"), ["mode", "'glocal'", "semiglobal"]),
    (dict(gap_open=2), ["gap_open", "positive", "negative scores"]),
    (dict(gap_extend=1), ["gap_extend", "positive"]),
    (dict(gap_open=float("nan")), ["gap_open", "finite"]),
    (dict(match=float("inf")), ["match", "finite"]),
    (dict(mismatch=np.float64("nan")), ["mismatch", "finite"]),
    (dict(free_ends=(True,) * 4), ["free_ends", "semiglobal"]),
    (dict(mode="semiglobal", free_ends=(True, False)), ["free_ends", "4 booleans"]),
    (dict(matrix="BLOSUM62", match=2), ["match", "matrix", "not both"]),
    (dict(matrix="BLOSUM63"), ["matrix", "BLOSUM63", "BLOSUM45"]),
])
def test_bad_scoring_raises_value_error_naming_the_parameter(kw, words):
    with pytest.raises(ValueError) as info:
        PairwiseAligner(**kw)
    message = str(info.value)
    assert message.startswith(words[0]) and all(w in message for w in words)


def test_wrong_types_raise_type_error_naming_the_parameter():
    with pytest.raises(TypeError, match="^match: expected a number"):
        PairwiseAligner(match="1")
    with pytest.raises(TypeError, match="^matrix: expected a matrix name"):
        PairwiseAligner(matrix=62)
    with pytest.raises(TypeError):
        PairwiseAligner("local")                       # keywords only, as the module functions
    aligner = PairwiseAligner(matrix="BLOSUM62")
    with pytest.raises(ValueError, match="seq2: letter 'J' at position 3 is not in matrix BLOSUM62"):
        aligner.score("ACD", "ACJD")                   # the sequences are checked on each call
    with pytest.raises(ValueError, match="seq1: letter 'J'"):
        aligner.alignment_score("A-J", "ACD")


# ------------------------------------------------------------- semiglobal ranges

def test_semiglobal_ranges():
    # ---ACGT-- over TTTACGTTT, read inside genome: genome's ends in free gaps
    ops = [2, 2, 2, 0, 0, 0, 0, 2, 2]
    assert semiglobal_ranges(ops) == ((0, 4), (3, 7))
    assert semiglobal_ranges(np.array(ops, dtype=np.int8), (True, True, False, False)) == ((0, 4), (0, 9))
    assert semiglobal_ranges([1, 1, 0, 2]) == ((2, 3), (0, 1))
    assert semiglobal_ranges([1, 1, 1]) == ((3, 3), (0, 0))     # all of seq1 in end gaps: an empty range
    assert semiglobal_ranges([]) == ((0, 0), (0, 0))
    found = aln.align("TTTACGTTT", "ACGT", mode="semiglobal")
    codes = [0 if "-" not in (a, b) else (1 if b == "-" else 2) for a, b in zip(found.seq1_aligned, found.seq2_aligned)]
    assert semiglobal_ranges(codes) == (found.seq1_range, found.seq2_range) == ((3, 7), (0, 4))
    with pytest.raises(ValueError, match="ops: expected column codes"):
        semiglobal_ranges([0, 3])
    with pytest.raises(ValueError, match="free_ends"):
        semiglobal_ranges([0], (True,))


# ---------------------------------------------------- the derivation: one aligner

@pytest.mark.parametrize("kw", [dict(), dict(mode="local", gap_open=-3, gap_extend=-1),
                                dict(mode="semiglobal", matrix="BLOSUM62"), dict(max_table=3)])
def test_the_derivation_builds_one_aligner(monkeypatch, kw):
    built = []

    class Counting(_scoring.Scoring):
        def __init__(self, *args):
            built.append(args)
            super().__init__(*args)

    monkeypatch.setattr(_scoring, "Scoring", Counting)  # both aligners build it in their shared base, ScoredAligner
    r = worked_align("HEAGAWGHEE", "PAWHEAE", **kw)
    assert len(built) == 1 and r.answer["n_optimal"] >= 1
    assert r.check({"score": r.answer["score"]}).ok and len(built) == 1
