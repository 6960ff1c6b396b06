r"""The compiled kernels of :mod:`numerics.alignment` and the bit layout of their arrows.

Every kernel sweeps the DP table by **anti-diagonals**: diagonal ``d`` holds the
cells ``(i, d - i)``, depends only on the two diagonals before it, and is one
vectorisable loop over the row ``i``; ``V[d % 3]`` holds diagonal ``d``'s
``(M, X, Y)``. numba compiles them (``cache=True``): a DP recurrence is a loop
numpy cannot vectorise.

Arrows
------
The predecessor ("arrow") bits of one cell say which predecessor states attain
each state's maximum (:attr:`DPTables.arrows`). Each state's three bits are
consecutive, in the order M, X, Y, so the bit "state q from state r" is
``M_FROM_M << r``, ``X_FROM_M << r`` or ``Y_FROM_M << r``, and
``(bits & X_ARROWS) >> _X_SHIFT`` is X's arrows as a set of states (bit r for
state r, as in the marks of :func:`mark_optimal`). The kernels read these names:
numba compiles module-level integers as constants.

Entry points (the rest is their inner loops): :func:`score_striped` (score
only, striped int16 lanes with a query profile: the fast path, at the end of
this module), :func:`score_linear`, :func:`score_affine` (score in linear
memory; the exact fallback); :func:`forward_checkpoints` and
:func:`traceback_path` (one alignment, checkpointed); :func:`trace_all`,
:func:`mark_optimal`, :func:`count_paths`, :func:`mark_alive` (every cell's
arrows, the states on optimal paths, their exact count, the states a traceback
may visit); :func:`diagonal_offsets` and :func:`unflatten` (the flat,
diagonal-major cell layout).
"""
from __future__ import annotations

import numpy as np
from .._jit import njit

__all__ = ["M_FROM_M", "M_FROM_X", "M_FROM_Y", "M_START", "X_FROM_M", "X_FROM_X", "X_FROM_Y",
           "Y_FROM_M", "Y_FROM_X", "Y_FROM_Y", "M_END", "M_ARROWS", "X_ARROWS", "Y_ARROWS",
           "MARK_M", "MARK_X", "MARK_Y"]

# Arrow bits of one cell (M: diagonal move or a local start; X: vertical move,
# a gap in seq2; Y: horizontal move, a gap in seq1).
M_FROM_M, M_FROM_X, M_FROM_Y, M_START = 1, 2, 4, 8
X_FROM_M, X_FROM_X, X_FROM_Y = 16, 32, 64
Y_FROM_M, Y_FROM_X, Y_FROM_Y = 128, 256, 512
M_END = 1024                              # local: M here is the optimum
_M_SHIFT, _X_SHIFT, _Y_SHIFT = 0, 4, 7    # M_FROM_M = 1 << _M_SHIFT, X_FROM_M = 1 << _X_SHIFT, ...
M_ARROWS = M_FROM_M | M_FROM_X | M_FROM_Y
X_ARROWS = X_FROM_M | X_FROM_X | X_FROM_Y
Y_ARROWS = Y_FROM_M | Y_FROM_X | Y_FROM_Y
# A set of states (the marks of a cell): bit q for state q (0 M, 1 X, 2 Y).
MARK_M, MARK_X, MARK_Y = 1, 2, 4


@njit(cache=True)
def _fill_scores(s, a, rb, S, eq, m, d, lo, hi):
    """s[i] = score(a_i, b_j) for the cells lo <= i < hi of diagonal d (j = d - i)."""
    A = a[lo - 1:hi - 1]
    B = rb[m - d + lo:m - d + hi]    # rb[m - d + i] = b[d - i - 1] = b_j (0-based j-1)
    out = s[lo:hi]
    if eq:
        ms = S[0, 0]
        mm = S[0, 1] if S.shape[0] > 1 else S[0, 0]
        for k in range(hi - lo):
            out[k] = ms if A[k] == B[k] else mm
    else:
        for k in range(hi - lo):
            out[k] = S[A[k], B[k]]


@njit(cache=True)
def score_linear(a, rb, S, eq, g, local, free, neg):
    """Linear-gap score: H_ij = max(H_{i-1,j-1} + s, H_{i-1,j} + g, H_{i,j-1} + g [, 0])."""
    n, m = a.size, rb.size
    T = S.dtype.type
    H = np.empty((3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    zero = T(0)
    z = zero if local else neg
    gv = (zero if free[0] or (m == 0 and free[1]) else g)    # vertical moves, column 0
    gh = (zero if free[2] or (n == 0 and free[3]) else g)    # horizontal moves, row 0
    gvm = zero if free[1] else g                               # vertical moves, column m
    ghn = zero if free[3] else g                               # horizontal moves, row n
    best = zero
    H[0, 0] = 0
    for d in range(1, n + m + 1):
        H0, H1, H2 = H[d % 3], H[(d + 2) % 3], H[(d + 1) % 3]
        if d <= m:
            H0[0] = zero if local else T(d * gh)
        if d <= n:
            H0[d] = zero if local else T(d * gv)
        lo, hi = max(1, d - m), min(n, d - 1) + 1
        if hi <= lo:
            continue
        _fill_scores(s, a, rb, S, eq, m, d, lo, hi)
        Hd, Hu, Hl, Ho, So = H2[lo - 1:hi - 1], H1[lo - 1:hi - 1], H1[lo:hi], H0[lo:hi], s[lo:hi]
        top = zero
        for k in range(hi - lo):
            h = max(T(Hd[k] + So[k]), T(max(Hu[k], Hl[k]) + g))
            h = max(h, z)
            Ho[k] = h
            top = max(top, h)
        best = max(best, top)
        if not local:
            # semiglobal: moves along column m / row n may be free
            if free[1] and d - m >= lo:
                i = d - m
                H0[i] = max(max(T(H2[i - 1] + s[i]), T(H1[i - 1] + gvm)),
                            T(H1[i] + (ghn if i == n else g)))
            if free[3] and n < hi:
                j = d - n
                H0[n] = max(max(T(H2[n - 1] + s[n]), T(H1[n] + ghn)),
                            T(H1[n - 1] + (gvm if j == m else g)))
    return best if local else H[(n + m) % 3, n]


@njit(cache=True)
def score_affine(a, rb, S, eq, go, ge, local, free, neg):
    """Affine-gap (Gotoh) score in O(n) memory; local: max(0, max M)."""
    n = a.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    nobits = np.empty(0, np.uint16)
    best = S.dtype.type(0)
    w = -neg
    for d in range(n + rb.size + 1):
        lo, hi = max(0, d - rb.size), min(n, d)
        top = _sweep_diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                              nobits, neg, w, w, S.dtype.type(0))
        best = max(best, top)
    if local:
        return best
    last = V[(n + rb.size) % 3]
    return max(last[0, n], max(last[1, n], last[2, n]))


@njit(cache=True)
def _sweep_diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s, bits,
                    wlo, whi, wend, eps):
    """Cells lo <= i <= hi of anti-diagonal d into V[d % 3]; returns max M (local).

    If ``bits`` is not empty, bits[k] receives the arrows of cell i = lo + k.
    A predecessor state u is an arrow when it attains the maximum (within eps)
    and wlo < u < whi; M_END marks M >= wend.
    """
    n, m = a.size, rb.size
    T = S.dtype.type
    P0, P1, P2 = V[d % 3], V[(d + 2) % 3], V[(d + 1) % 3]
    z = T(0) if local else neg
    ilo, ihi = max(1, lo), min(hi, d - 1)
    top = T(0)
    if ilo <= ihi:
        _fill_scores(s, a, rb, S, eq, m, d, ilo, ihi + 1)
        if bits.size == 0:
            top = _interior(P2, P1, P0, s, ilo, ihi + 1, go, ge, z)
        else:
            top = _interior_with_arrows(P2, P1, P0, s, bits[ilo - lo:ihi + 1 - lo], ilo, ihi + 1,
                                        go, ge, z, local, wlo, whi, wend, eps)
    # border cells and the cells whose moves have other gap scores (free ends)
    if lo == 0:
        _one_cell(0, d, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                  bits, lo, wlo, whi, wend, eps)
    if hi == d and d > 0:
        _one_cell(d, 0, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                  bits, lo, wlo, whi, wend, eps)
    if not local:
        if free[1] and m >= 1 and ilo <= d - m <= ihi:
            _one_cell(d - m, m, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                      bits, lo, wlo, whi, wend, eps)
        if free[3] and n >= 1 and ilo <= n <= ihi and not (free[1] and d - n == m):
            _one_cell(n, d - n, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0,
                      bits, lo, wlo, whi, wend, eps)
    return top


@njit(cache=True)
def _interior(P2, P1, P0, s, lo, hi, go, ge, z):
    """Vectorised interior cells lo <= i < hi (no arrows); returns max M."""
    T = s.dtype.type
    Md, Xd, Yd = P2[0, lo - 1:hi - 1], P2[1, lo - 1:hi - 1], P2[2, lo - 1:hi - 1]
    Mu, Xu, Yu = P1[0, lo - 1:hi - 1], P1[1, lo - 1:hi - 1], P1[2, lo - 1:hi - 1]
    Ml, Xl, Yl = P1[0, lo:hi], P1[1, lo:hi], P1[2, lo:hi]
    Mo, Xo, Yo, So = P0[0, lo:hi], P0[1, lo:hi], P0[2, lo:hi], s[lo:hi]
    top = T(0)
    for k in range(hi - lo):
        mk = T(max(max(Md[k], max(Xd[k], Yd[k])), z) + So[k])
        Mo[k] = mk
        Xo[k] = max(T(max(Mu[k], Yu[k]) + go), T(Xu[k] + ge))
        Yo[k] = max(T(max(Ml[k], Xl[k]) + go), T(Yl[k] + ge))
        top = max(top, mk)
    return top


@njit(cache=True)
def _interior_with_arrows(P2, P1, P0, s, bits, lo, hi, go, ge, z, local, wlo, whi, wend, eps):
    """As :func:`_interior`, and the arrows of each cell into bits[0:hi-lo]."""
    T = s.dtype.type
    Md, Xd, Yd = P2[0, lo - 1:hi - 1], P2[1, lo - 1:hi - 1], P2[2, lo - 1:hi - 1]
    Mu, Xu, Yu = P1[0, lo - 1:hi - 1], P1[1, lo - 1:hi - 1], P1[2, lo - 1:hi - 1]
    Ml, Xl, Yl = P1[0, lo:hi], P1[1, lo:hi], P1[2, lo:hi]
    Mo, Xo, Yo, So = P0[0, lo:hi], P0[1, lo:hi], P0[2, lo:hi], s[lo:hi]
    top = T(0)
    for k in range(hi - lo):
        hd = max(Md[k], max(Xd[k], Yd[k]))
        t = max(hd, z)
        mk = T(t + So[k])
        xm, xx, xy = T(Mu[k] + go), T(Xu[k] + ge), T(Yu[k] + go)
        ym, yx, yy = T(Ml[k] + go), T(Xl[k] + go), T(Yl[k] + ge)
        x = max(xm, max(xx, xy))
        y = max(ym, max(yx, yy))
        Mo[k], Xo[k], Yo[k] = mk, x, y
        top = max(top, mk)
        tm, tx, ty = t - eps, x - eps, y - eps
        b = ((Md[k] >= tm) & (Md[k] > wlo) & (Md[k] < whi)) * M_FROM_M
        b |= ((Xd[k] >= tm) & (Xd[k] > wlo) & (Xd[k] < whi)) * M_FROM_X
        b |= ((Yd[k] >= tm) & (Yd[k] > wlo) & (Yd[k] < whi)) * M_FROM_Y
        b |= (local & (hd <= eps)) * M_START
        b |= ((xm >= tx) & (Mu[k] > wlo) & (Mu[k] < whi)) * X_FROM_M
        b |= ((xx >= tx) & (Xu[k] > wlo) & (Xu[k] < whi)) * X_FROM_X
        b |= ((xy >= tx) & (Yu[k] > wlo) & (Yu[k] < whi)) * X_FROM_Y
        b |= ((ym >= ty) & (Ml[k] > wlo) & (Ml[k] < whi)) * Y_FROM_M
        b |= ((yx >= ty) & (Xl[k] > wlo) & (Xl[k] < whi)) * Y_FROM_X
        b |= ((yy >= ty) & (Yl[k] > wlo) & (Yl[k] < whi)) * Y_FROM_Y
        b |= (mk >= wend) * M_END
        bits[k] = b
    return top


@njit(cache=True)
def _one_cell(i, j, a, rb, S, eq, go, ge, local, free, neg, P2, P1, P0, bits, lo,
              wlo, whi, wend, eps):
    """One cell by the scalar recurrence, with the gap scores of its own moves."""
    n, m = a.size, rb.size
    T = S.dtype.type
    zero = T(0)
    M = X = Y = neg
    b = 0
    if i == 0 and j == 0:
        M = neg if local else zero
    elif local and (i == 0 or j == 0):
        pass                                   # local borders: no alignment ends here
    else:
        if i >= 1 and j >= 1:
            hd = max(P2[0, i - 1], max(P2[1, i - 1], P2[2, i - 1]))
            t = max(hd, zero if local else neg)
            M = T(t + S[a[i - 1], rb[m - j]])
            for q in range(3):
                u = P2[q, i - 1]
                if u >= t - eps and u > wlo and u < whi:
                    b |= M_FROM_M << q
            if local and hd <= eps:
                b |= M_START
            if M >= wend:
                b |= M_END
        if i >= 1:                             # vertical move (a_i, -)
            fv = (j == 0 and free[0]) or (j == m and free[1])
            o, e = (zero, zero) if fv else (go, ge)
            c0, c1, c2 = T(P1[0, i - 1] + o), T(P1[1, i - 1] + e), T(P1[2, i - 1] + o)
            X = max(c0, max(c1, c2))
            for q, c in ((0, c0), (1, c1), (2, c2)):
                u = P1[q, i - 1]
                if c >= X - eps and u > wlo and u < whi:
                    b |= X_FROM_M << q
        if j >= 1:                             # horizontal move (-, b_j)
            fh = (i == 0 and free[2]) or (i == n and free[3])
            o, e = (zero, zero) if fh else (go, ge)
            c0, c1, c2 = T(P1[0, i] + o), T(P1[1, i] + o), T(P1[2, i] + e)
            Y = max(c0, max(c1, c2))
            for q, c in ((0, c0), (1, c1), (2, c2)):
                u = P1[q, i]
                if c >= Y - eps and u > wlo and u < whi:
                    b |= Y_FROM_M << q
    P0[0, i], P0[1, i], P0[2, i] = M, X, Y
    if bits.size > 0:
        bits[i - lo] = b


@njit(cache=True)
def forward_checkpoints(a, rb, S, eq, go, ge, local, free, neg, K, ckpt):
    """Forward sweep keeping diagonals (c*K - 1, c*K - 2) in ckpt[c]; local: the
    optimum and the first cell (row-major) where M reaches it."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    V[:] = neg
    s = np.empty(n + 1, S.dtype)
    nobits = np.empty(0, np.uint16)
    T = S.dtype.type
    best, bi, bj = T(0), 0, 0
    w = -neg
    for d in range(n + m + 1):
        if d % K == 0:
            c = d // K
            ckpt[c, 0] = V[(d + 2) % 3]       # diagonal d - 1
            ckpt[c, 1] = V[(d + 1) % 3]       # diagonal d - 2
        lo, hi = max(0, d - m), min(n, d)
        top = _sweep_diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                              nobits, neg, w, w, T(0))
        if local and top >= best and top > 0:
            M0 = V[d % 3, 0]
            for i in range(max(1, lo), min(hi, d - 1) + 1):
                if M0[i] == top:
                    if top > best or i < bi or (i == bi and d - i < bj):
                        best, bi, bj = top, i, d - i
                    break
    if not local:
        P = V[(n + m) % 3]
        best, bi, bj = max(P[0, n], max(P[1, n], P[2, n])), n, m
    return best, bi, bj


@njit(cache=True)
def traceback_path(a, rb, S, eq, go, ge, local, free, neg, K, ckpt, ei, ej,
                   wlo, whi, wend, eps):
    """Column codes (reversed) of one optimal path ending at cell (ei, ej), and
    its start cell. Each block is recomputed from its checkpoint inside the
    band of cells reachable backwards from the block's entry cell."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    band = np.zeros((K + 1) * (K + 1), np.uint16)
    band_lo = np.zeros(K + 1, np.int64)
    ops = np.empty(n + m, np.int8)
    nops = 0
    i, j = ei, ej
    state = -1                                  # 0 M, 1 X, 2 Y; -1: choose at the end cell
    while i + j > 0:
        dt = i + j                              # block entry diagonal
        c = dt // K
        dc = c * K
        V[(dc + 2) % 3] = ckpt[c, 0]
        V[(dc + 1) % 3] = ckpt[c, 1]
        for d in range(dc, dt + 1):
            lo = max(max(0, d - m), i - (dt - d))
            hi = min(min(n, d), i)
            if lo > hi:
                continue
            row = band[(d - dc) * (K + 1):(d - dc) * (K + 1) + (hi - lo + 1)]
            _sweep_diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s, row,
                            wlo, whi, wend, eps)
            band_lo[d - dc] = lo
        if state == -1:
            P = V[dt % 3]
            if local:
                state = 0
            else:
                hmax = max(P[0, i], max(P[1, i], P[2, i]))
                state = 0 if P[0, i] >= hmax - eps else (1 if P[1, i] >= hmax - eps else 2)
        # follow arrows while inside this block
        while i + j >= dc and i + j > 0:
            d = i + j
            b = band[(d - dc) * (K + 1) + (i - band_lo[d - dc])]
            if state == 0:
                if local and (b & M_START):
                    ops[nops] = 0
                    nops += 1
                    i -= 1
                    j -= 1
                    return ops[:nops], i, j
                nxt = 0 if b & M_FROM_M else (1 if b & M_FROM_X else 2)
                ops[nops] = 0
                i -= 1
                j -= 1
            elif state == 1:
                nxt = 0 if b & X_FROM_M else (1 if b & X_FROM_X else 2)
                ops[nops] = 1
                i -= 1
            else:
                nxt = 0 if b & Y_FROM_M else (1 if b & Y_FROM_X else 2)
                ops[nops] = 2
                j -= 1
            nops += 1
            state = nxt
    return ops[:nops], i, j


def diagonal_offsets(n: int, m: int) -> np.ndarray:
    """Start of each anti-diagonal in the flat (diagonal-major) cell layout."""
    d = np.arange(n + m + 1)
    lengths = np.minimum(n, d) - np.maximum(0, d - m) + 1
    return np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)


@njit(cache=True)
def trace_all(a, rb, S, eq, go, ge, local, free, neg, wlo, whi, wend, eps, offsets,
              tables=None):
    """Arrows of every cell in the flat layout; (M, X, Y) at (n, m); optionally
    every value into tables[state, i, j]."""
    n, m = a.size, rb.size
    V = np.empty((3, 3, n + 1), S.dtype)
    s = np.empty(n + 1, S.dtype)
    bits = np.empty(offsets[-1], np.uint16)
    for d in range(n + m + 1):
        lo, hi = max(0, d - m), min(n, d)
        _sweep_diagonal(d, lo, hi, a, rb, S, eq, go, ge, local, free, neg, V, s,
                        bits[offsets[d]:offsets[d + 1]], wlo, whi, wend, eps)
        if tables is not None:
            for i in range(lo, hi + 1):
                for q in range(3):
                    tables[q, i, d - i] = V[d % 3, q, i]
    P = V[(n + m) % 3]
    return bits, (P[0, n], P[1, n], P[2, n])


@njit(cache=True)
def unflatten(bits, offsets, out):
    n, m = out.shape[0] - 1, out.shape[1] - 1
    for d in range(n + m + 1):
        lo = max(0, d - m)
        for i in range(lo, min(n, d) + 1):
            out[i, d - i] = bits[offsets[d] + i - lo]


@njit(cache=True)
def mark_optimal(bits, offsets, n, m, local, ends):
    """Backward pass: bit q of marks[cell] when state q lies on an optimal path."""
    marks = np.zeros(bits.size, np.uint8)
    if not local:
        marks[bits.size - 1] = ends
    for d in range(n + m, 0, -1):
        lo = max(0, d - m)
        base = offsets[d]
        for i in range(lo, min(n, d) + 1):
            k = base + i - lo
            b = bits[k]
            mk = marks[k]
            if local and (b & M_END):
                mk |= MARK_M
                marks[k] = mk
            if mk == 0:
                continue
            if mk & MARK_M and (b & M_ARROWS):      # M <- diagonal (i-1, j-1)
                kk = offsets[d - 2] + (i - 1) - max(0, d - 2 - m)
                marks[kk] |= (b & M_ARROWS) >> _M_SHIFT
            if mk & MARK_X and (b & X_ARROWS):      # X <- up (i-1, j)
                kk = offsets[d - 1] + (i - 1) - max(0, d - 1 - m)
                marks[kk] |= (b & X_ARROWS) >> _X_SHIFT
            if mk & MARK_Y and (b & Y_ARROWS):      # Y <- left (i, j-1)
                kk = offsets[d - 1] + i - max(0, d - 1 - m)
                marks[kk] |= (b & Y_ARROWS) >> _Y_SHIFT
    return marks


@njit(cache=True)
def _add_limbs(dst, src, L):
    """dst += src over L uint64 limbs; returns the carry out."""
    carry = np.uint64(0)
    for limb in range(L):
        x = dst[limb]
        t = x + src[limb]
        c1 = t < x
        t2 = t + carry
        c2 = t2 < t
        dst[limb] = t2
        carry = np.uint64(c1 | c2)
    return carry


@njit(cache=True)
def count_paths(bits, marks, offsets, n, m, local, L):
    """Forward pass: exact path counts over the marked states, L limbs each."""
    C = np.zeros((3, 3, n + 1, L), np.uint64)      # [diagonal % 3, state, i, limb]
    total = np.zeros(L, np.uint64)
    overflow = False
    one = np.uint64(1)
    for d in range(n + m + 1):
        lo = max(0, d - m)
        base = offsets[d]
        g0 = d % 3
        for i in range(lo, min(n, d) + 1):
            k = base + i - lo
            mk = marks[k]
            if mk == 0:
                continue
            b = bits[k]
            j = d - i
            for q in range(3):
                if not (mk >> q) & 1:
                    continue
                acc = C[g0, q, i]
                acc[:] = 0
                if q == 0:
                    if d == 0 or (local and (b & M_START)):
                        acc[0] = one
                    if d >= 2 and i >= 1 and j >= 1:
                        for r in range(3):
                            if b & (M_FROM_M << r):
                                overflow |= _add_limbs(acc, C[(d + 1) % 3, r, i - 1], L) != 0
                elif q == 1:
                    for r in range(3):
                        if b & (X_FROM_M << r):
                            overflow |= _add_limbs(acc, C[(d + 2) % 3, r, i - 1], L) != 0
                else:
                    for r in range(3):
                        if b & (Y_FROM_M << r):
                            overflow |= _add_limbs(acc, C[(d + 2) % 3, r, i], L) != 0
                if (local and q == 0 and (b & M_END)) or (not local and d == n + m):
                    overflow |= _add_limbs(total, acc, L) != 0
    return total, overflow


@njit(cache=True)
def mark_alive(bits, marks, offsets, n, m, local):
    """Forward pass: bit q of alive[cell] when state q is marked (on a path to an end)
    and reachable from a start through arrows, so that a traceback through it reaches
    a start (in local mode an arrow may lead to a state no start reaches)."""
    alive = np.zeros(bits.size, np.uint8)
    for d in range(n + m + 1):
        lo = max(0, d - m)
        base = offsets[d]
        for i in range(lo, min(n, d) + 1):
            k = base + i - lo
            mk = marks[k]
            if mk == 0:
                continue
            b = bits[k]
            out = 0
            if mk & MARK_M:
                if d == 0 or (local and (b & M_START)):
                    out |= MARK_M
                elif b & M_ARROWS:                                # from diagonal (i-1, j-1)
                    kk = offsets[d - 2] + (i - 1) - max(0, d - 2 - m)
                    if alive[kk] & ((b & M_ARROWS) >> _M_SHIFT):
                        out |= MARK_M
            if mk & MARK_X and (b & X_ARROWS):                    # from up (i-1, j)
                kk = offsets[d - 1] + (i - 1) - max(0, d - 1 - m)
                if alive[kk] & ((b & X_ARROWS) >> _X_SHIFT):
                    out |= MARK_X
            if mk & MARK_Y and (b & Y_ARROWS):                    # from left (i, j-1)
                kk = offsets[d - 1] + i - max(0, d - 1 - m)
                if alive[kk] & ((b & Y_ARROWS) >> _Y_SHIFT):
                    out |= MARK_Y
            alive[k] = out
    return alive


# --- score only, striped (Farrar) in 16-bit lanes ----------------------------
#
# The fast path of :func:`score_striped`: seq1 is cut into LANES segments of p
# = ceil(n / LANES) letters, and slot t*LANES + l of a column holds row
# i = l*p + t + 1 (Farrar's striped layout). One column of the DP table (one
# letter b_j of seq2) is then p steps of LANES independent cells, each step a
# loop over the lanes that LLVM compiles to a few 512- (or 256-) bit
# instructions on int16: the substitution scores come from a query profile
# (prof[c, slot] = s(a_i, c), contiguous per letter c), so no table lookup is
# left in the inner loop. Scores saturate at the int16 range, and a column's
# min and max decide whether any value came near it (the caller then redoes
# the work in int32 with the anti-diagonal kernels above).

LANES = 32                      # int16 lanes per step: one 512-bit vector


@njit(cache=True, inline="always")
def _sat16(x):
    """An int32 clamped to the int16 range (LLVM emits a saturating add)."""
    return np.int16(min(max(x, -32768), 32767))


@njit(cache=True)
def striped_score16(prof, codes, n, p, go, ge, linear, local, col0, row0):
    """Striped Gotoh score in int16; returns (H_nm, max_i H_im, max_j H_nj, min H, max H).

    Recurrence (gap scores go <= ge <= 0, so that the three states of
    :func:`score_affine` reduce to Farrar's H, E, F exactly):
    ``M = max(H_{i-1,j-1}, z) + s(a_i, b_j)`` (z = 0 local, -inf otherwise),
    ``E_ij = max(H_{i,j-1} + go, E_{i,j-1} + ge)`` (horizontal, Y),
    ``F_ij = max(H_{i-1,j} + go, F_{i-1,j} + ge)`` (vertical, X),
    ``H = max(M, E, F)``. Loop order: columns j; inside a column the segment
    steps t, each over all lanes (vectorised). F runs down a lane within the
    step loop; what crosses from lane l-1 into lane l is fixed afterwards by
    :func:`_carry_f`. col0/row0 are the border columns (striped) and row;
    n = len(seq1). Min/max are over every interior H computed
    (and padding slots), for the caller's overflow check; in local mode max H
    equals max M, so the local score is max(0, max H).
    """
    V = LANES
    W = p * V
    slot_n = ((n - 1) % p) * V + (n - 1) // p
    # go, ge are int16 so that LLVM sees every sum as int16 + int16 and emits
    # saturating adds (vpaddsw); an int32 argument would widen the lanes.
    # H[0:V]: the diagonal predecessors of step 0 (lane l-1's last slot);
    # H[V:]: the column itself. Two buffers: column j-1 and column j.
    H = np.empty(W + V, np.int16)
    Hn = np.empty(W + V, np.int16)
    H[V:] = col0
    E = np.empty(W, np.int16)
    for q in range(W):
        E[q] = _sat16(np.int32(col0[q]) + go)
    F = np.empty(V, np.int16)
    carry = np.empty(V, np.int16)
    z = np.int16(0) if local else np.int16(-32768)
    lo, hi = np.int16(32767), np.int16(-32768)
    rowmax = np.int16(-32768)
    for j in range(1, codes.size + 1):
        H[0] = row0[j - 1]
        for l in range(1, V):
            H[l] = H[W + l - 1]
        F[0] = _sat16(np.int32(row0[j]) + go)      # X(1, j) from row 0
        for l in range(1, V):
            F[l] = -32768                          # fixed by _carry_f
        P = prof[codes[j - 1]]
        if linear:
            _column_linear(H, Hn, F, P, p, z, go)
        else:
            _column_affine(H, Hn, E, F, P, p, z, go, ge)
        _carry_f(Hn, E, F, carry, p, go, ge, linear)
        for q in range(V, W + V):                  # vectorised min/max of the column
            h = Hn[q]
            lo = min(lo, h)
            hi = max(hi, h)
        rowmax = max(rowmax, Hn[V + slot_n])
        H, Hn = Hn, H
    colmax = np.int16(-32768)
    for i in range(n):
        colmax = max(colmax, H[V + (i % p) * V + i // p])
    return H[V + slot_n], colmax, rowmax, lo, hi


@njit(cache=True, inline="always")
def _column_affine(H, Hn, E, F, P, p, z, go, ge):
    """One column, affine gaps: step t reads H[t*V:] (diagonal, shifted by one
    step) and writes Hn[V + t*V:]; E and F are updated in place."""
    V = LANES
    for t in range(p):
        b = t * V
        for l in range(V):
            m = _sat16(np.int32(max(H[b + l], z)) + np.int32(P[b + l]))
            e = E[b + l]
            f = F[l]
            h = max(m, max(e, f))
            Hn[V + b + l] = h
            hg = _sat16(np.int32(h) + go)
            E[b + l] = max(hg, _sat16(np.int32(e) + ge))
            F[l] = max(hg, _sat16(np.int32(f) + ge))


@njit(cache=True, inline="always")
def _column_linear(H, Hn, F, P, p, z, g):
    """One column, linear gaps: E_ij = H_{i,j-1} + g (H >= E), so no E array."""
    V = LANES
    for t in range(p):
        b = t * V
        for l in range(V):
            m = _sat16(np.int32(max(H[b + l], z)) + np.int32(P[b + l]))
            e = _sat16(np.int32(H[V + b + l]) + g)
            f = F[l]
            h = max(m, max(e, f))
            Hn[V + b + l] = h
            F[l] = _sat16(np.int32(h) + g)             # h >= f


@njit(cache=True)
def _carry_f(Hn, E, F, carry, p, go, ge, linear):
    """Carry vertical gaps across lane boundaries (Farrar's "lazy F", in one pass).

    With go <= ge, the true F of lane l at step t is max(F_first(t), c_l + t*ge),
    where c_l is the F entering the lane: c_0 is exact already, and
    c_{l+1} = max(F_out[l], c_l + p*ge) (a scan over the lanes). One pass over
    the steps then raises H (and E) wherever c_l + t*ge wins; a lane's carry is
    dropped once c_l + (t+1)*ge <= H_first(t) + go, since F_first(t+1) is at
    least that, and the pass stops when every carry is dropped (usually
    after a few steps).
    """
    V = LANES
    pg = np.int32(p) * np.int32(ge)
    c = np.int32(-32768)
    for l in range(V):                      # carry[l] = F entering lane l
        carry[l] = _sat16(c)
        c = max(np.int32(F[l]), c + pg) if l > 0 else np.int32(F[0])
        c = max(c, np.int32(-32768))
    # carry[0] is lane 0's own start, already exact: drop it
    carry[0] = -32768
    for t in range(p):
        b = V + t * V
        alive = np.int16(-32768)
        for l in range(V):
            old = Hn[b + l]
            f = carry[l]
            h = max(old, f)
            Hn[b + l] = h
            if not linear:
                E[b - V + l] = max(E[b - V + l], _sat16(np.int32(h) + go))
            nf = _sat16(np.int32(f) + ge)
            nf = nf if np.int32(nf) > np.int32(old) + go else np.int16(-32768)
            carry[l] = nf
            alive = max(alive, nf)
        if alive == -32768:
            break


def score_striped(a, rb, S, go, ge, local, free, linear):
    """The score by :func:`striped_score16`, or None when the int16 kernel does not apply.

    It applies to integer scores with ``go <= ge <= 0`` (an open at least as
    costly as an extension) whose border rows fit in int16 with a margin K of
    twice the largest score magnitude; it gives way (None) when any H of the
    table came within K of the int16 range, so that every value it returns
    is exact. The caller then runs :func:`score_linear` or :func:`score_affine`.
    """
    n, m = a.size, rb.size
    if n == 0 or m == 0 or S.dtype.kind != "i":
        return None
    go, ge = int(go), int(ge)
    if go > ge:
        return None
    big = max(abs(go), abs(ge), int(np.abs(S).max()))
    margin = 2 * big + 2
    lowest, highest = -32768 + margin, 32767 - margin
    if lowest >= highest:
        return None
    if not local and ((not free[0] and go + (n - 1) * ge < lowest)
                      or (not free[2] and go + (m - 1) * ge < lowest)):
        return None                                  # a border row does not fit
    V = LANES
    p = -(-n // V)
    order = (np.arange(V)[None, :] * p + np.arange(p)[:, None]).ravel()   # slot -> row - 1
    real = order < n
    letters, codes = np.unique(rb[::-1], return_inverse=True)              # b_1..b_m as profile rows
    prof = np.zeros((letters.size, p * V), np.int16)
    prof[:, real] = S[a[order[real]]][:, letters].T
    if local:
        col0 = np.full(p * V, -32768, np.int16)
        row0 = np.full(m + 1, -32768, np.int16)
    else:
        rows = np.minimum(order, n - 1)                                    # padding: as row n
        col0 = (np.zeros(p * V, np.int64) if free[0] else go + rows * ge).astype(np.int16)
        row0 = np.zeros(m + 1, np.int16)
        if not free[2]:
            row0[1:] = go + np.arange(m) * ge
    H_nm, colmax, rowmax, lo, hi = striped_score16(prof, codes, n, p, np.int16(go), np.int16(ge),
                                                   linear, local, col0, row0)
    if lo < lowest or hi > highest:
        return None
    if local:
        return max(0, int(hi))
    value = int(H_nm)
    if free[1]:                                  # free gaps down column m
        value = max(value, int(colmax), int(row0[m]))
    if free[3]:                                  # free gaps along row n
        value = max(value, int(rowmax), int(col0[(n - 1) % p * V + (n - 1) // p]))
    return value
