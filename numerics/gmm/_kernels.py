"""The loops over the data: compiled kernels (numba) and the block size of the BLAS paths.

The kernels are the loops numpy would run as many passes: the log-sum-exp
normalisation of the E-step, the centred scatter of the M-step, the exact
centred squared Mahalanobis distances for small rows. Where the work per row
is large, blocks of :func:`block_rows` rows go through matrix products instead.
"""
from __future__ import annotations

from .._jit import njit
import numpy as np

_CHUNK_BYTES = 1 << 24   # rows per block chosen so the widest block temporary is about this size


def block_rows(n: int, width: int) -> int:
    """Rows per block so that a block temporary of ``width`` columns is about ``_CHUNK_BYTES``."""
    return max(64, min(n, _CHUNK_BYTES // (8 * max(width, 1))))


@njit(cache=True, nogil=True)
def _normalise_block(R, const, log_norm, nk):  # pragma: no cover - compiled
    """In place: R (c, K) of squared distances -> responsibilities; log p(x_n) into log_norm; nk += column sums."""
    c, K = R.shape
    for i in range(c):
        m = -np.inf
        for k in range(K):
            v = const[k] - 0.5 * R[i, k]
            R[i, k] = v
            if v > m:
                m = v
        if not (m > -np.inf):
            log_norm[i] = -np.inf
            continue
        s = 0.0
        for k in range(K):
            e = np.exp(R[i, k] - m)
            R[i, k] = e
            s += e
        for k in range(K):
            r = R[i, k] / s
            R[i, k] = r
            nk[k] += r
        log_norm[i] = m + np.log(s)


@njit(cache=True, nogil=True)
def _block_sq_dist(Y, b, d, out):  # pragma: no cover - compiled
    """out[i, k] = sum_j (Y[i, k d + j] - b[k d + j])^2 for Y of shape (c, K d)."""
    c, K = out.shape
    for i in range(c):
        for k in range(K):
            acc = 0.0
            o = k * d
            for j in range(d):
                t = Y[i, o + j] - b[o + j]
                acc += t * t
            out[i, k] = acc


@njit(cache=True, nogil=True)
def _diag_scatter_kernel(X, R, means, out):  # pragma: no cover - compiled
    """out[k, j] += sum_n R[n, k] (X[n, j] - means[k, j])^2 (centred)."""
    n, d = X.shape
    K = means.shape[0]
    for i in range(n):
        for k in range(K):
            r = R[i, k]
            if r == 0.0:
                continue
            for j in range(d):
                t = X[i, j] - means[k, j]
                out[k, j] += r * t * t


@njit(cache=True, nogil=True)
def _full_scatter_kernel(X, R, means, out):  # pragma: no cover - compiled
    """out[k] += sum_n R[n, k] (x_n - mu_k)(x_n - mu_k)^T, four rows at a time (a rank-4 update
    per pass over the d x d accumulator, whose inner loop vectorises)."""
    n, d = X.shape
    K = means.shape[0]
    T = np.empty((4, d))
    W = np.empty((4, d))
    for k in range(K):
        acc = np.zeros((d, d))
        i = 0
        while i + 4 <= n:
            for q in range(4):
                r = R[i + q, k]
                for a in range(d):
                    t = X[i + q, a] - means[k, a]
                    T[q, a] = t
                    W[q, a] = r * t
            for a in range(d):
                w0 = W[0, a]
                w1 = W[1, a]
                w2 = W[2, a]
                w3 = W[3, a]
                for b in range(d):
                    acc[a, b] += w0 * T[0, b] + w1 * T[1, b] + w2 * T[2, b] + w3 * T[3, b]
            i += 4
        while i < n:
            r = R[i, k]
            for a in range(d):
                T[0, a] = X[i, a] - means[k, a]
            for a in range(d):
                ra = r * T[0, a]
                for b in range(d):
                    acc[a, b] += ra * T[0, b]
            i += 1
        for a in range(d):
            for b in range(d):
                out[k, a, b] += acc[a, b]


@njit(cache=True, nogil=True)
def _tied_scatter_kernel(X, ref, R, Ms, within, G):  # pragma: no cover - compiled
    """within += sum_n s_n (x_n - mbar_n)(x_n - mbar_n)^T, G += sum_n r_n r_n^T / s_n (see module doc)."""
    n, d = X.shape
    K = Ms.shape[0]
    dev = np.empty(d)
    for i in range(n):
        s = 0.0
        for k in range(K):
            s += R[i, k]
        if s == 0.0:
            continue
        for a in range(d):
            acc = 0.0
            for k in range(K):
                acc += R[i, k] * Ms[k, a]
            dev[a] = (X[i, a] - ref[a]) - acc / s
        for a in range(d):
            sa = s * dev[a]
            for b in range(d):
                within[a, b] += sa * dev[b]
        for k in range(K):
            rk = R[i, k] / s
            for l in range(k + 1, K):
                G[k, l] += rk * R[i, l]


# Exact centred squared distances ||(x_n - mu_k) U_k||^2 for the whole data, one compiled pass;
# used instead of block matrix products when the work per row is small (see _use_kernels).

@njit(cache=True, nogil=True)
def _full_maha_kernel(X, ref, means, chol, out):  # pragma: no cover - compiled
    n, d = X.shape
    K = means.shape[0]
    t = np.empty(d)
    y = np.empty(d)
    for i in range(n):
        for k in range(K):
            for a in range(d):
                t[a] = X[i, a] - means[k, a]
                y[a] = 0.0
            for a in range(d):                 # y = (x - mu_k) U_k, U_k upper triangular
                ta = t[a]
                for j in range(d):        # U is upper triangular; the full row vectorises
                    y[j] += ta * chol[k, a, j]
            acc = 0.0
            for j in range(d):
                acc += y[j] * y[j]
            out[i, k] = acc


@njit(cache=True, nogil=True)
def _tied_maha_kernel(X, ref, means, chol, out):  # pragma: no cover - compiled
    n, d = X.shape
    K = means.shape[0]
    B = np.zeros((K, d))                       # (mu_k - ref) U
    for k in range(K):
        for a in range(d):
            ma = means[k, a] - ref[a]
            for j in range(d):        # U is upper triangular; the full row vectorises
                B[k, j] += ma * chol[a, j]
    y = np.empty(d)
    for i in range(n):
        for j in range(d):
            y[j] = 0.0
        for a in range(d):                     # y = (x - ref) U
            ta = X[i, a] - ref[a]
            for j in range(d):        # U is upper triangular; the full row vectorises
                y[j] += ta * chol[a, j]
        for k in range(K):                     # |y - B_k|^2 = |(x - mu_k) U|^2
            acc = 0.0
            for j in range(d):
                u = y[j] - B[k, j]
                acc += u * u
            out[i, k] = acc


@njit(cache=True, nogil=True)
def _diag_maha_kernel(X, ref, means, chol, out):  # pragma: no cover - compiled
    n, d = X.shape
    K = means.shape[0]
    for i in range(n):
        for k in range(K):
            acc = 0.0
            for j in range(d):
                u = (X[i, j] - means[k, j]) * chol[k, j]
                acc += u * u
            out[i, k] = acc


@njit(cache=True, nogil=True)
def _spherical_maha_kernel(X, ref, means, chol, out):  # pragma: no cover - compiled
    n, d = X.shape
    K = means.shape[0]
    for i in range(n):
        for k in range(K):
            acc = 0.0
            for j in range(d):
                u = X[i, j] - means[k, j]
                acc += u * u
            out[i, k] = acc * (chol[k] * chol[k])


@njit(cache=True, nogil=True)
def _shifted_sums_kernel(X, ref, R, sums):  # pragma: no cover - compiled
    """sums[k, j] += sum_n R[n, k] (X[n, j] - ref[j])."""
    n, d = X.shape
    K = R.shape[1]
    for i in range(n):
        for k in range(K):
            r = R[i, k]
            for j in range(d):
                sums[k, j] += r * (X[i, j] - ref[j])
