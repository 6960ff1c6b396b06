"""numerics.alignment and numerics.seqio against brute force, scipy's Bellman-Ford,
closed forms and textbook examples (Biopython: tests/test_alignment_biopython.py, skipped
without it; the aligner object: tests/test_alignment_aligner.py)."""
from __future__ import annotations

import functools
import io
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.numerics import alignment as aln
from workedout.numerics import seqio

MODES = ["global", "local", "semiglobal"]
AMINO = "ARNDCQEGHILKMFPSTWYV"


# ------------------------------------------------- brute force, from the definition

@functools.lru_cache(maxsize=None)
def all_alignments(x: str, y: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Every column sequence aligning x with y (columns (a,b), (a,-), (-,b))."""
    if not x and not y:
        return ((),)
    out = []
    if x and y:
        out += [((x[0], y[0]),) + rest for rest in all_alignments(x[1:], y[1:])]
    if x:
        out += [((x[0], "-"),) + rest for rest in all_alignments(x[1:], y)]
    if y:
        out += [(("-", y[0]),) + rest for rest in all_alignments(x, y[1:])]
    return tuple(out)


def columns_score(cols, sub, gap_open, gap_extend, free=(False,) * 4):
    """Substitutions plus, per maximal gap run of length L, open + (L-1)*extend;
    a run is free when it lies before/after all letters of the other sequence
    at a free end (free = seq1_start, seq1_end, seq2_start, seq2_end)."""
    extend = gap_open if gap_extend is None else gap_extend
    total = sum(sub(x, y) for x, y in cols if x != "-" and y != "-")
    # gapped = 1: runs of (x, -) columns, an overhang of seq1 when no letter of
    # seq2 comes before (start) or after (end) the run; gapped = 0: seq2's.
    for gapped, (f_start, f_end) in ((1, free[0:2]), (0, free[2:4])):
        k = 0
        while k < len(cols):
            if cols[k][gapped] != "-":
                k += 1
                continue
            start = k
            while k < len(cols) and cols[k][gapped] == "-":
                k += 1
            before = any(c[gapped] != "-" for c in cols[:start])
            after = any(c[gapped] != "-" for c in cols[k:])
            is_free = (not before and f_start) or (not after and f_end)
            if not is_free:
                total += gap_open + (k - start - 1) * extend
    return total


def brute_force(x, y, mode, sub, gap_open, gap_extend, free=None):
    """(optimal score, list of counted optimal alignments as (cols, range1, range2))."""
    if mode == "local":
        cands = [(c, (i0, i1), (j0, j1))
                 for i0 in range(len(x) + 1) for i1 in range(i0, len(x) + 1)
                 for j0 in range(len(y) + 1) for j1 in range(j0, len(y) + 1)
                 for c in all_alignments(x[i0:i1], y[j0:j1]) if c]
        scores = [columns_score(c, sub, gap_open, gap_extend) for c, _, _ in cands]
        best = max(scores, default=0)
        if best <= 0:
            return 0, []

        def untrimmable(cols):
            return all(0 < columns_score(cols[:k], sub, gap_open, gap_extend) < best
                       for k in range(1, len(cols)))
        return best, [a for a, s in zip(cands, scores) if s == best and untrimmable(a[0])]
    free = free if mode == "semiglobal" else (False,) * 4
    cands = all_alignments(x, y)
    scores = [columns_score(c, sub, gap_open, gap_extend, free) for c in cands]
    best = max(scores)
    return best, [(c, (0, len(x)), (0, len(y))) for c, s in zip(cands, scores) if s == best]


def mm_sub(match, mismatch):
    return lambda a, b: match if a == b else mismatch


def columns_of(al: aln.Alignment):
    return tuple(zip(al.seq1_aligned, al.seq2_aligned))


@st.composite
def small_problems(draw, mode, affine, max_len=6):
    alphabet = draw(st.sampled_from(["AC", "ACG", "ACGT"]))
    x = draw(st.text(alphabet, max_size=max_len))
    y = draw(st.text(alphabet, max_size=max_len))
    match = draw(st.integers(0, 3))
    mismatch = draw(st.integers(-3, 1))
    gap_open = draw(st.integers(-4, 0))
    gap_extend = draw(st.integers(-3, 0)) if affine else None
    free = None
    if mode == "semiglobal":
        free = draw(st.one_of(st.none(), st.tuples(*[st.booleans()] * 4)))
    return x, y, dict(mode=mode, match=match, mismatch=mismatch, gap_open=gap_open,
                      gap_extend=gap_extend, free_ends=free)


@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=40)
@given(data=st.data())
def test_score_count_align_equal_brute_force(mode, affine, data):
    x, y, kw = data.draw(small_problems(mode, affine, max_len=5 if mode == "local" else 6))
    sub = mm_sub(kw["match"], kw["mismatch"])
    best, optimal = brute_force(x, y, mode, sub, kw["gap_open"], kw["gap_extend"],
                                kw["free_ends"] or (True,) * 4)
    assert aln.score(x, y, **kw) == best
    assert aln.count_optimal(x, y, **kw) == len(optimal)
    found = aln.align(x, y, **kw)
    assert found.score == best
    if optimal and mode == "semiglobal":       # ranges: letters outside free end gaps
        assert columns_of(found) in [c for c, _, _ in optimal]
    elif optimal:
        assert (columns_of(found), found.seq1_range, found.seq2_range) in optimal
    else:
        assert (found.seq1_aligned, found.seq2_aligned) == ("", "")
    tables = aln.dp_tables(x, y, **kw)
    assert tables.score == best
    if mode != "local":
        assert aln.alignment_score(found.seq1_aligned, found.seq2_aligned, **kw) == best


# ------------------------------------------------------ the edit graph, scipy

def test_global_score_is_minus_bellman_ford_shortest_path():
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import bellman_ford
    rng = random.Random(7)
    for _ in range(20):
        x = "".join(rng.choice("ACGT") for _ in range(rng.randint(0, 15)))
        y = "".join(rng.choice("ACGT") for _ in range(rng.randint(0, 15)))
        match, mismatch, gap = rng.choice([1, 2]), rng.choice([-1, -2]), rng.choice([-1, -3])
        n, m = len(x), len(y)
        node = lambda i, j: i * (m + 1) + j          # noqa: E731
        rows, cols, weights = [], [], []
        for i in range(n + 1):
            for j in range(m + 1):
                if i < n and j < m:                  # no zero weights: csgraph drops them
                    rows.append(node(i, j)), cols.append(node(i + 1, j + 1))
                    weights.append(-(match if x[i] == y[j] else mismatch))
                if i < n:
                    rows.append(node(i, j)), cols.append(node(i + 1, j)), weights.append(-gap)
                if j < m:
                    rows.append(node(i, j)), cols.append(node(i, j + 1)), weights.append(-gap)
        size = (n + 1) * (m + 1)
        graph = coo_matrix((weights, (rows, cols)), shape=(size, size)).tocsr()
        dist = bellman_ford(graph, directed=True, indices=0)
        assert aln.score(x, y, match=match, mismatch=mismatch, gap_open=gap) == -dist[-1]


# --------------------------------------------------- longer sequences, closed forms

@pytest.mark.parametrize("affine", [False, True], ids=["linear", "affine"])
@pytest.mark.parametrize("mode", MODES)
def test_linear_memory_alignment_is_optimal_on_long_sequences(mode, affine):
    rng = np.random.default_rng(200 + 10 * MODES.index(mode) + affine)
    for n, m, alphabet in [(200, 200, "ACGT"), (230, 170, "AC"), (1, 200, "ACGT"), (150, 0, "A")]:
        x = "".join(rng.choice(list(alphabet), n))
        y = "".join(rng.choice(list(alphabet), m))
        kw = dict(mode=mode, match=2, mismatch=-1, gap_open=-3, gap_extend=-1 if affine else None)
        best = aln.score(x, y, **kw)
        found = aln.align(x, y, **kw)
        assert found.score == best
        s1, s2 = found.seq1_range, found.seq2_range
        if mode == "local":
            assert found.seq1_aligned.replace("-", "") == x[s1[0]:s1[1]]
            assert found.seq2_aligned.replace("-", "") == y[s2[0]:s2[1]]
            if best > 0:
                assert aln.alignment_score(found.seq1_aligned, found.seq2_aligned,
                                           **{**kw, "mode": "global"}) == best
        else:
            assert found.seq1_aligned.replace("-", "") == x
            assert found.seq2_aligned.replace("-", "") == y
            assert aln.alignment_score(found.seq1_aligned, found.seq2_aligned, **kw) == best


def python_count_global_linear(x, y, match, mismatch, gap):
    """Needleman-Wunsch with path counts in Python ints (independent oracle)."""
    n, m = len(x), len(y)
    H = [[0] * (m + 1) for _ in range(n + 1)]
    N = [[0] * (m + 1) for _ in range(n + 1)]
    N[0][0] = 1
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            cands = []
            if i and j:
                cands.append((H[i - 1][j - 1] + (match if x[i - 1] == y[j - 1] else mismatch),
                              N[i - 1][j - 1]))
            if i:
                cands.append((H[i - 1][j] + gap, N[i - 1][j]))
            if j:
                cands.append((H[i][j - 1] + gap, N[i][j - 1]))
            H[i][j] = max(c for c, _ in cands)
            N[i][j] = sum(k for c, k in cands if c == H[i][j])
    return H[n][m], N[n][m]


def test_big_counts_are_exact():
    rng = random.Random(3)
    x = "".join(rng.choice("ACGT") for _ in range(500))
    y = "".join(rng.choice("ACGT") for _ in range(480))
    expected = python_count_global_linear(x, y, 1, -1, -1)
    assert expected[1] > 2 ** 64
    assert (aln.score(x, y), aln.count_optimal(x, y)) == expected
    assert aln.count_optimal(x, y, gap_open=-1, gap_extend=-1) == expected[1]


def delannoy(n, m):
    return sum(math.comb(n, k) * math.comb(m, k) * 2 ** k for k in range(min(n, m) + 1))


@pytest.mark.parametrize("n, m", [(0, 0), (0, 5), (3, 4), (60, 45), (120, 120)])
def test_all_alignments_optimal_when_everything_scores_zero(n, m):
    x, y = "A" * n, "C" * m
    zero = dict(match=0, mismatch=0, gap_open=0)
    assert aln.count_optimal(x, y, **zero) == delannoy(n, m)
    assert aln.count_optimal(x, y, **zero, gap_extend=0) == delannoy(n, m)
    assert aln.count_optimal(x, y, mode="semiglobal", **zero) == delannoy(n, m)
    assert aln.count_optimal(x, y, mode="local", **zero) == 0


def test_count_is_binomial_when_every_substitution_scores_one():
    # match = mismatch = 1, free gaps: the optimal alignments pair all of the
    # shorter sequence with a choice of C(m, n) letters of the longer one.
    # (Biopython's count wraps silently here: 7886597962249166133 for 38 x 94.)
    rng = random.Random(5)
    for n, m in [(3, 5), (10, 20), (38, 94)]:
        x = "".join(rng.choice("ACGT") for _ in range(n))
        y = "".join(rng.choice("ACGT") for _ in range(m))
        kw = dict(match=1, mismatch=1, gap_open=0, gap_extend=0)
        assert aln.score(x, y, **kw) == n
        assert aln.count_optimal(x, y, **kw) == math.comb(m, n)


def test_dp_tables_recurrence_and_arrow_counts():
    x, y = "GATTACA", "GCATGCU"
    t = aln.dp_tables(x, y)
    H = t.H
    assert H.shape == (8, 8) and t.score == 0 and H[7, 7] == 0
    assert list(H[0]) == list(range(0, -8, -1)) and list(H[:, 0]) == list(range(0, -8, -1))
    for i in range(1, 8):
        for j in range(1, 8):
            s = 1 if x[i - 1] == y[j - 1] else -1
            assert H[i, j] == max(H[i - 1, j - 1] + s, H[i - 1, j] - 1, H[i, j - 1] - 1)
    # count paths along the arrows of the single (linear) table
    ways = np.zeros((8, 8), dtype=object)
    ways[0, 0] = 1
    for i in range(8):
        for j in range(8):
            if i or j:
                ways[i, j] = ((ways[i - 1, j - 1] if i and j and t.M[i, j] == H[i, j] else 0)
                              + (ways[i - 1, j] if i and t.X[i, j] == H[i, j] else 0)
                              + (ways[i, j - 1] if j and t.Y[i, j] == H[i, j] else 0))
    assert ways[7, 7] == aln.count_optimal(x, y) == 3
    local = aln.dp_tables("CAC", "CGC", mode="local")
    assert local.H.min() == 0 and local.score == 1
    ends = np.argwhere(local.arrows & aln.M_END)
    assert [tuple(e) for e in ends] == [(1, 1), (1, 3), (3, 1), (3, 3)]
    assert np.isneginf(aln.dp_tables("AC", "G", gap_open=-2, gap_extend=-1).M[0, 1])


# ------------------------------------------------------------ textbook examples

def test_durbin_hemoglobin_example():
    # Durbin, Eddy, Krogh & Mitchison (1998), Biological Sequence Analysis,
    # section 2.3, figures 2.5 (global, score 1) and 2.6 (local, score 28):
    # BLOSUM50, linear gap -8.
    kw = dict(matrix="BLOSUM50", gap_open=-8)
    g = aln.align("HEAGAWGHEE", "PAWHEAE", **kw)
    assert g.score == 1 == aln.score("HEAGAWGHEE", "PAWHEAE", **kw)
    assert aln.alignment_score("HEAGAWGHE-E", "--P-AW-HEAE", **kw) == 1
    loc = aln.align("HEAGAWGHEE", "PAWHEAE", mode="local", **kw)
    assert (loc.seq1_aligned, loc.seq2_aligned, loc.score) == ("AWGHE", "AW-HE", 28)
    assert (loc.seq1_range, loc.seq2_range) == ((4, 9), (1, 5))
    assert aln.count_optimal("HEAGAWGHEE", "PAWHEAE", mode="local", **kw) == 1


def test_wikipedia_smith_waterman_example():
    # Wikipedia, "Smith-Waterman algorithm", example: TGTTACGG / GGTTGACTA,
    # match +3, mismatch -3, linear gap -2: score 13, GTT-AC over GTTGAC.
    kw = dict(mode="local", match=3, mismatch=-3, gap_open=-2)
    found = aln.align("TGTTACGG", "GGTTGACTA", **kw)
    assert (found.seq1_aligned, found.seq2_aligned, found.score) == ("GTT-AC", "GTTGAC", 13)
    assert (found.seq1_range, found.seq2_range) == ((1, 6), (1, 7))


def test_column_convention_counts_insertion_deletion_orders_separately():
    # A-/-C and -A/C- are two alignments (both score -2 with gap -1, mismatch -3)
    kw = dict(match=1, mismatch=-3, gap_open=-1)
    assert aln.score("A", "C", **kw) == -2
    assert aln.count_optimal("A", "C", **kw) == 2
    assert aln.count_optimal("A", "C", mode="semiglobal", **kw) == 2
    assert aln.count_optimal("CAC", "CGC", mode="local") == 4        # not CAC/CGC itself


def test_semiglobal_free_ends_meaning_and_ranges():
    read, genome = "ACGT", "TTTACGTTT"
    fit = dict(mode="semiglobal", free_ends=(True, True, False, False))
    found = aln.align(genome, read, **fit)
    assert found.score == 4 and found.seq1_range == (3, 7) and found.seq2_range == (0, 4)
    assert found.seq1_aligned == genome and found.seq2_aligned == "---ACGT--"
    # the other way round the overhang is in seq2: its ends must be free instead
    assert aln.score(read, genome, **fit) == 4 - 5
    assert aln.score(read, genome, mode="semiglobal", free_ends=(False, False, True, True)) == 4
    assert aln.score(genome, read, mode="global") == 4 - 5


def test_empty_sequences():
    assert aln.score("", "") == 0 and aln.count_optimal("", "") == 1
    assert aln.score("ACG", "", gap_open=-3, gap_extend=-1) == -5
    assert aln.score("", "ACGT") == -4 and aln.count_optimal("", "ACGT") == 1
    assert aln.score("", "ACGT", mode="semiglobal") == 0
    assert aln.score("", "ACGT", mode="semiglobal", free_ends=(True, True, False, False)) == -4
    found = aln.align("AC", "")
    assert (found.seq1_aligned, found.seq2_aligned, found.score) == ("AC", "--", -2)
    for x, y in [("", ""), ("AC", ""), ("", "G"), ("A", "C")]:
        assert aln.score(x, y, mode="local") == 0
        assert aln.count_optimal(x, y, mode="local") == 0
        empty = aln.align(x, y, mode="local")
        assert (empty.seq1_aligned, empty.seq2_aligned, empty.score) == ("", "", 0)


def test_integer_and_float_results():
    assert isinstance(aln.score("ACGT", "AGT"), int)
    assert isinstance(aln.score("ACGT", "AGT", gap_open=-1.0), float)
    assert isinstance(aln.score("ACGT", "ACT", matrix="BLOSUM62"), int)
    assert aln.score("ACGT", "AGT", gap_open=-0.5) == 2.5


# ------------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, kind, words", [
    (lambda: aln.score("ACD", "ACJD", matrix="BLOSUM62"), ValueError,
     ["seq2", "'J'", "position 3", "BLOSUM62"]),
    (lambda: aln.score("AC", "AC", matrix="BLOSUM63"), ValueError,
     ["BLOSUM63", "BLOSUM45", "PAM250"]),
    (lambda: aln.score("AC", "AC", gap_open=2), ValueError,
     ["gap_open", "positive", "negative scores"]),
    (lambda: aln.score("AC", "AC", gap_extend=1), ValueError, ["gap_extend", "positive"]),
    (lambda: aln.score("AC", "AC", mode="glocal"), ValueError, ["mode", "'glocal'", "semiglobal"]),
    (lambda: aln.score("AC", "AC", match="1"), TypeError, ["match", "'1'", "number"]),
    (lambda: aln.score("AC", "AC", gap_open=float("nan")), ValueError, ["gap_open", "finite"]),
    (lambda: aln.score("A-C", "AC"), ValueError, ["seq1", "'-'", "position 2"]),
    (lambda: aln.score("AC", b"AC"), TypeError, ["seq2", "bytes"]),
    (lambda: aln.score("AC", "AC", free_ends=(True,) * 4), ValueError,
     ["free_ends", "semiglobal"]),
    (lambda: aln.score("AC", "AC", mode="semiglobal", free_ends=(True, False)), ValueError,
     ["free_ends", "4 booleans"]),
    (lambda: aln.score("AC", "AC", matrix="BLOSUM62", match=2), ValueError,
     ["match", "matrix"]),
    (lambda: aln.alignment_score("A-", "-"), ValueError, ["seq2_aligned", "length"]),
    (lambda: aln.alignment_score("A-", "C-"), ValueError, ["column 2"]),
])
def test_errors_name_parameter_value_and_expectation(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    for word in words:
        assert word in str(info.value)


# ------------------------------------------------------------------ FASTA files

def test_fasta_multi_record_and_record_index(tmp_path):
    path = tmp_path / "two.fa"
    path.write_text(">seq1 first one\nACGT\nac gt\n\n; old comment\n>seq2\n>seq3 x\nGG\n")
    records = seqio.read_fasta(path)
    assert [r.id for r in records] == ["seq1", "seq2", "seq3"]
    assert records[0] == seqio.FastaRecord("seq1", "seq1 first one", "ACGTacgt")
    assert records[1].sequence == ""
    assert seqio.read_fasta_record(path).sequence == "ACGTacgt"
    assert seqio.read_fasta_record(path, record=2).sequence == "GG"
    assert seqio.load_sequence(str(path), record=2) == "GG"
    assert seqio.load_sequence("GATTACA") == "GATTACA"
    assert seqio.load_sequence_record(str(path), record=2) == seqio.FastaRecord("seq3", "seq3 x", "GG")
    assert seqio.load_sequence_record("GATTACA") == seqio.FastaRecord("", "", "GATTACA")
    unnamed = tmp_path / "unnamed.fa"
    unnamed.write_text(">\nAC\n")
    assert seqio.load_sequence_record(str(unnamed)).id == "unnamed.fa"      # the file names an empty header
    for missing in ("reads.fa", "data/genome", "x.FASTA"):
        with pytest.raises(ValueError, match=f"file '{missing}' does not exist"):
            seqio.load_sequence(missing)
    with pytest.raises(ValueError, match=r"record: 3 is out of range.*3 record\(s\)"):
        seqio.read_fasta_record(path, record=3)
    with pytest.raises(TypeError, match="record"):
        seqio.read_fasta_record(path, record="1")


def test_fasta_errors(tmp_path):
    empty = tmp_path / "empty.fa"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty.fa: no FASTA record \\(empty file\\)"):
        seqio.read_fasta(empty)
    headless = tmp_path / "headless.fa"
    headless.write_text("\nACGT\n>x\nA\n")   # free text before the first header: skipped, with a note (issue 16)
    assert seqio.read_fasta(headless).notes == (
        f"{headless}: 1 line of text before the first '>' header skipped (line 2; Pearson-style free text).",)
    (tmp_path / "none.fa").write_text("ACGT\n")
    with pytest.raises(ValueError, match="none.fa: no FASTA record \\(no line starts with '>'\\)"):
        seqio.read_fasta(tmp_path / "none.fa")


# ------------------------------------------------------- substitution matrices

@pytest.mark.parametrize("name", seqio.MATRIX_NAMES)
def test_shipped_matrix_round_trips(name):
    ours = seqio.load_matrix(name)
    assert ours.is_integer and ours.scores.shape == (len(ours.alphabet),) * 2
    assert np.array_equal(ours.scores, ours.scores.T)                 # substitution matrices are symmetric
    assert seqio.load_matrix(name.lower()) is ours
    again = seqio.parse_matrix(seqio.format_matrix(ours), name=name)
    assert again == ours
    buffer = io.StringIO()
    seqio.write_matrix(ours, buffer)
    assert seqio.parse_matrix(buffer.getvalue()) == ours


def test_matrix_reader_user_file_and_errors(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("# two letters\n   a   c\nA 1.5 -1\nC  -1  2\n")
    mine = seqio.load_matrix(str(path))
    assert mine.name == "mine.txt" and mine.alphabet == "AC" and not mine.is_integer
    assert mine["a", "C"] == -1.0 and mine["A", "A"] == 1.5
    assert seqio.parse_matrix(seqio.format_matrix(mine)) == mine
    assert aln.score("AAC", "ac", matrix=str(path)) == 2.5
    bad = {
        "   A  C\nA 1 x\nC 0 1\n": "row 'A', column 'C': 'x' is not a number",
        "   A  C\nA 1\nC 0 1\n": "row 'A' has 1 scores, expected 2",
        "   A  a\nA 1 0\n": "letter 'A' appears twice",
        "   A  C\nA 1 0\n": "no row for letter(s) 'C'",
        "   A  C\nG 1 0\n": "row letter 'G' is not among",
        "  AB  C\n": "'AB' is not a single-letter label",
        "# only a comment\n": "no header line",
    }
    for text, message in bad.items():
        with pytest.raises(ValueError) as info:
            seqio.parse_matrix(text, name="bad")
        assert message in str(info.value)
    with pytest.raises(ValueError, match="unknown matrix 'nope'; known names are BLOSUM45"):
        seqio.load_matrix("nope")
    with pytest.raises(TypeError, match="matrix"):
        seqio.load_matrix(62)
