"""numerics.alignment against Biopython's PairwiseAligner: scores, exact counts, the
co-optimal alignments themselves, and the shipped substitution matrices. Skipped when
Biopython is not installed (the other alignment tests do not need it)."""
from __future__ import annotations

import random

import numpy as np
import pytest

from workedout.numerics import alignment as aln
from workedout.numerics import seqio

Bio = pytest.importorskip("Bio")
from Bio.Align import PairwiseAligner, substitution_matrices  # noqa: E402

MODES = ["global", "local", "semiglobal"]
AMINO = "ARNDCQEGHILKMFPSTWYV"


def biopython_aligner(mode, *, match=1, mismatch=-1, matrix=None, gap_open=-1,
                      gap_extend=None, free_ends=None):
    al = PairwiseAligner(mode="local" if mode == "local" else "global")
    if matrix is None:
        al.match_score, al.mismatch_score = match, mismatch
    else:
        al.substitution_matrix = substitution_matrices.load(matrix)
    al.open_gap_score = gap_open
    al.extend_gap_score = gap_open if gap_extend is None else gap_extend
    if mode == "semiglobal":
        free = free_ends or (True,) * 4
        # seq1 = target, seq2 = query: leading (x,-) columns are a deletion (gaps in the query)
        names = ("left_deletion", "right_deletion", "left_insertion", "right_insertion")
        for flag, name in zip(free, names):
            if flag:
                setattr(al, f"open_{name}_score", 0)
                setattr(al, f"extend_{name}_score", 0)
    return al


def biopython_count(al, x, y):
    try:
        return len(al.align(x, y))
    except OverflowError:
        return None


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
def test_dna_equals_biopython(mode, affine):
    rng = random.Random(2 * MODES.index(mode) + affine)
    for _ in range(40):
        x = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 40)))
        y = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 40)))
        kw = dict(mode=mode, match=rng.choice([1, 2, 5]), mismatch=rng.choice([-1, -3, 0]),
                  gap_open=rng.choice([-1, -2, -5]),
                  gap_extend=rng.choice([-1, -2, 0]) if affine else None)
        if mode == "semiglobal" and rng.random() < 0.5:
            kw["free_ends"] = tuple(rng.random() < 0.5 for _ in range(4))
        bio = biopython_aligner(**kw)
        assert aln.score(x, y, **kw) == bio.score(x, y)
        expected = biopython_count(bio, x, y)
        if expected is not None:
            assert aln.count_optimal(x, y, **kw) == expected
        found = aln.align(x, y, **kw)
        assert found.score == bio.score(x, y)
        if mode != "local":
            assert aln.alignment_score(found.seq1_aligned, found.seq2_aligned, **kw) == found.score


@pytest.mark.parametrize("mode", MODES)
def test_blosum62_proteins_equal_biopython(mode):
    rng = random.Random(62)
    for _ in range(25):
        x = "".join(rng.choice(AMINO) for _ in range(rng.randint(1, 60)))
        y = "".join(rng.choice(AMINO) for _ in range(rng.randint(1, 60)))
        kw = dict(mode=mode, matrix="BLOSUM62", gap_open=-11, gap_extend=-1)
        bio = biopython_aligner(**kw)
        assert aln.score(x, y, **kw) == bio.score(x, y)
        expected = biopython_count(bio, x, y)
        if expected is not None:
            assert aln.count_optimal(x, y, **kw) == expected
        found = aln.align(x.lower(), y, **kw)          # letters are case-insensitive
        assert found.score == bio.score(x, y)
        if mode == "local":
            s1, s2 = found.seq1_range, found.seq2_range
            assert found.seq1_aligned.replace("-", "") == x[s1[0]:s1[1]]
            assert found.seq2_aligned.replace("-", "") == y[s2[0]:s2[1]]
            assert aln.alignment_score(found.seq1_aligned, found.seq2_aligned,
                                       **{**kw, "mode": "global"}) == found.score


def test_float_matrix_and_float_gaps_equal_biopython():
    rng = random.Random(5)
    half = seqio.SubstitutionMatrix("half", "ACGT",
                                    np.where(np.eye(4, dtype=bool), 2.5, -1.5))
    for mode in MODES:
        for _ in range(15):
            x = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 25)))
            y = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 25)))
            bio = PairwiseAligner(mode="local" if mode == "local" else "global",
                                  match_score=2.5, mismatch_score=-1.5,
                                  open_gap_score=-2.5, extend_gap_score=-0.5)
            if mode == "semiglobal":
                bio.end_gap_score = 0
            kw = dict(mode=mode, matrix=half, gap_open=-2.5, gap_extend=-0.5)
            value = aln.score(x, y, **kw)
            assert isinstance(value, float) and value == bio.score(x, y)
            expected = biopython_count(bio, x, y)
            if expected is not None:
                assert aln.count_optimal(x, y, **kw) == expected
            assert aln.align(x, y, **kw).score == value


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
def test_long_sequences_score_equals_biopython(mode, affine):
    rng = np.random.default_rng(200 + 10 * MODES.index(mode) + affine)
    for n, m, alphabet in [(200, 200, "ACGT"), (230, 170, "AC"), (1, 200, "ACGT")]:
        x = "".join(rng.choice(list(alphabet), n))
        y = "".join(rng.choice(list(alphabet), m))
        kw = dict(mode=mode, match=2, mismatch=-1, gap_open=-3, gap_extend=-1 if affine else None)
        assert aln.score(x, y, **kw) == biopython_aligner(**kw).score(x, y)
        assert aln.align(x, y, **kw).score == biopython_aligner(**kw).score(x, y)


@pytest.mark.parametrize("mode", MODES)
def test_every_co_optimal_alignment_equals_biopythons(mode):
    # the alignments themselves, not only their number: the same rows and ranges
    # (Biopython's rows of a local alignment are the aligned parts, as ours)
    rng = random.Random(11 + MODES.index(mode))
    for _ in range(30):
        x = "".join(rng.choice("ACG") for _ in range(rng.randint(1, 9)))
        y = "".join(rng.choice("ACG") for _ in range(rng.randint(1, 9)))
        kw = dict(mode=mode, match=rng.choice([1, 2]), mismatch=-1, gap_open=rng.choice([-1, -2]),
                  gap_extend=rng.choice([None, -1]))
        ours = aln.PairwiseAligner(**kw).alignments(x, y)
        theirs = biopython_aligner(**kw).align(x, y)
        assert len(ours) == len(theirs)
        listed = [(a.seq1_aligned, a.seq2_aligned) + ((a.seq1_range, a.seq2_range) if mode == "local" else ())
                  for a in ours]
        expected = [(a[0], a[1]) + (((int(a.coordinates[0, 0]), int(a.coordinates[0, -1])),
                                     (int(a.coordinates[1, 0]), int(a.coordinates[1, -1])))
                                    if mode == "local" else ()) for a in theirs]
        assert len(set(listed)) == len(listed) and sorted(listed) == sorted(expected)


def test_durbin_count_equals_biopython():
    kw = dict(matrix="BLOSUM50", gap_open=-8)
    assert aln.count_optimal("HEAGAWGHEE", "PAWHEAE", **kw) == \
        len(biopython_aligner("global", **kw).align("HEAGAWGHEE", "PAWHEAE"))


def test_biopython_matrix_is_accepted():
    biop = substitution_matrices.load("BLOSUM62")            # float64 Biopython array
    assert aln.score("HEAGAWGHEE", "PAWHEAE", matrix=biop, gap_open=-11, gap_extend=-1) == \
        aln.score("HEAGAWGHEE", "PAWHEAE", matrix="blosum62", gap_open=-11, gap_extend=-1)
    aligner = aln.PairwiseAligner(matrix=biop, gap_open=-11, gap_extend=-1)
    assert aligner.matrix.alphabet == "".join(biop.alphabet)


@pytest.mark.parametrize("name", seqio.MATRIX_NAMES)
def test_shipped_matrix_equals_biopython(name):
    ours = seqio.load_matrix(name)
    bio = substitution_matrices.load(name)
    assert ours.alphabet == "".join(bio.alphabet)
    assert ours.is_integer and np.array_equal(ours.scores, np.asarray(bio))
