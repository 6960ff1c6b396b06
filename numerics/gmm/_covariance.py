"""The four covariance types: one small function per task and type, picked from a dict.

:func:`_ops` returns the :class:`_CovarianceOps` of a type: its
array shape and parameter count, the Cholesky factors of its precisions,
its log-determinant, its squared Mahalanobis distances (per row block through
BLAS, or the compiled kernel) and its centred M-step estimate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import linalg

from ._kernels import (_block_sq_dist, _diag_maha_kernel, _diag_scatter_kernel, _full_maha_kernel, _full_scatter_kernel,
                       _spherical_maha_kernel, _tied_maha_kernel, _tied_scatter_kernel, block_rows)
from ._types import COVARIANCE_TYPES

#: The centred scatter of full and tied covariances runs in a compiled loop up to this many
#: features (thin matrix products are slow there); above it, blocks of rows go through BLAS.
_SCATTER_KERNEL_MAX_FEATURES = 48


class _IllDefined(Exception):
    def __init__(self, component):
        super().__init__(component)
        self.component = component


def _precision_cholesky(covariances, ops):
    try:
        return ops.precision_cholesky(covariances)
    except _IllDefined as exc:
        which = "the tied covariance" if exc.component is None else f"component {exc.component}"
        raise ValueError(f"covariances: {which} is not positive definite (singular or collapsed: duplicate "
                         "points, a component with one sample, or a constant column); increase reg_covar, "
                         "use fewer components, or scale the data") from None


def _check_positive_definite(prec: np.ndarray, ops: "_CovarianceOps", name: str) -> np.ndarray:
    if ops.matrix and not np.allclose(prec, np.swapaxes(prec, -1, -2)):
        raise ValueError(f"{name}: not symmetric; expected symmetric positive definite precisions")
    try:
        ops.chol_from_precisions(prec)
    except (np.linalg.LinAlgError, _IllDefined) as exc:
        where = f" (component {exc.component})" if isinstance(exc, _IllDefined) else ""
        raise ValueError(f"{name}: not symmetric positive definite{where}; expected valid precisions "
                         "(inverse covariances) in the covariance type's shape") from None
    return prec


def _ops(covariance_type: Any, name: str = "covariance_type") -> "_CovarianceOps":
    try:
        return _COVARIANCE_OPS[covariance_type]
    except (KeyError, TypeError):
        raise ValueError(f"{name}: {covariance_type!r} is not a covariance type; expected one of "
                         + ", ".join(COVARIANCE_TYPES)) from None


# ---- covariance types: one small function per task and type

def _chol_upper_inverse(cov, component):
    """U with cov^{-1} = U U^T: U = L^{-T} for cov = L L^T."""
    try:
        L = linalg.cholesky(cov, lower=True, check_finite=False)
    except linalg.LinAlgError:
        raise _IllDefined(component) from None
    if not np.all(np.diag(L) > 0):
        raise _IllDefined(component)
    return linalg.solve_triangular(L, np.eye(cov.shape[0]), lower=True, check_finite=False).T


def _chol_from_precision(prec, component):
    """Upper-triangular U with prec = U U^T, via the row/column-reversed Cholesky factor."""
    try:
        L = linalg.cholesky(prec[::-1, ::-1], lower=True, check_finite=False)
    except linalg.LinAlgError:
        raise _IllDefined(component) from None
    return np.ascontiguousarray(L[::-1, ::-1])


def _full_precision_cholesky(cov):
    return np.stack([_chol_upper_inverse(c, k) for k, c in enumerate(cov)])


def _tied_precision_cholesky(cov):
    return _chol_upper_inverse(cov, None)


def _first_nonpositive(v):
    bad = (v <= 0.0).reshape(v.shape[0], -1).any(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def _vector_precision_cholesky(cov):
    k = _first_nonpositive(cov)
    if k is not None:
        raise _IllDefined(k)
    return 1.0 / np.sqrt(cov)


def _full_chol_from_precisions(prec):
    return np.stack([_chol_from_precision(p, k) for k, p in enumerate(prec)])


def _tied_chol_from_precisions(prec):
    return _chol_from_precision(prec, None)


def _vector_chol_from_precisions(prec):
    k = _first_nonpositive(prec)
    if k is not None:
        raise _IllDefined(k)
    return np.sqrt(prec)


def _matrix_precisions(chol):
    return chol @ np.swapaxes(chol, -1, -2)


def _vector_precisions(chol):
    return chol ** 2


def _matrix_covariances_from_chol(chol):
    inv = np.linalg.inv(chol)                 # U^{-1}; Sigma = U^{-T} U^{-1}
    return np.swapaxes(inv, -1, -2) @ inv


def _vector_covariances_from_chol(chol):
    return 1.0 / chol ** 2


def _full_log_det(chol, d):
    return np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)


def _tied_log_det(chol, d):
    return np.log(np.diagonal(chol)).sum()


def _diag_log_det(chol, d):
    return np.log(chol).sum(axis=1)


def _spherical_log_det(chol, d):
    return d * np.log(chol)


# E-step: squared Mahalanobis distances of a block of shifted rows, written into out (c, K)

def _full_prepare(means, chol):
    K, d = means.shape
    P = np.ascontiguousarray(chol.transpose(1, 0, 2).reshape(d, K * d))   # [U_1 ... U_K]
    b = np.einsum("kd,kde->ke", means, chol).reshape(K * d)
    return P, b, K, d


def _full_maha(Xs, ctx, out):
    P, b, K, d = ctx
    _block_sq_dist(Xs @ P, b, d, out)


def _tied_prepare(means, chol):
    B = means @ chol
    return chol, B, np.einsum("kd,kd->k", B, B)


def _tied_maha(Xs, ctx, out):
    U, B, bb = ctx
    Y = Xs @ U
    np.matmul(Y, B.T, out=out)
    out *= -2.0
    out += bb
    out += np.einsum("ij,ij->i", Y, Y)[:, None]


def _diag_prepare(means, chol):
    prec = chol ** 2
    return np.ascontiguousarray(prec.T), np.ascontiguousarray((-2.0 * means * prec).T), \
        np.einsum("kd,kd->k", means * means, prec)


def _diag_maha(Xs, ctx, out):
    precT, AT, c = ctx
    np.matmul(Xs * Xs, precT, out=out)
    out += Xs @ AT
    out += c


def _spherical_prepare(means, chol):
    prec = chol ** 2
    return prec, np.ascontiguousarray(-2.0 * means.T), np.einsum("kd,kd->k", means, means)


def _spherical_maha(Xs, ctx, out):
    prec, AT, mm = ctx
    np.matmul(Xs, AT, out=out)
    out += mm
    out += np.einsum("ij,ij->i", Xs, Xs)[:, None]
    out *= prec


# M-step: the centred scatter, one function per type

def _full_covariances(X, resp, nk, means, reg):
    n, d = X.shape
    K = means.shape[0]
    cov = np.zeros((K, d, d))
    if d <= _SCATTER_KERNEL_MAX_FEATURES:
        _full_scatter_kernel(X, resp, means, cov)
    else:
        step = block_rows(n, d)
        for start in range(0, n, step):
            stop = min(start + step, n)
            Xb = X[start:stop]
            sq = np.sqrt(resp[start:stop])
            for k in range(K):
                D = Xb - means[k]
                D *= sq[:, k:k + 1]
                cov[k] += D.T @ D
    cov += np.swapaxes(cov, 1, 2)               # exactly symmetric
    cov /= 2.0 * nk[:, None, None]
    idx = np.arange(d)
    cov[:, idx, idx] += reg
    return cov


def _tied_covariances(X, resp, nk, means, reg):
    n, d = X.shape
    K = means.shape[0]
    ref = means.mean(axis=0)
    Ms = means - ref
    within = np.zeros((d, d))
    G = np.zeros((K, K))
    if d <= _SCATTER_KERNEL_MAX_FEATURES:
        _tied_scatter_kernel(X, ref, resp, Ms, within, G)
    else:
        step = block_rows(n, max(d, K))
        for start in range(0, n, step):
            stop = min(start + step, n)
            R = resp[start:stop]
            s = R.sum(axis=1)
            pos = s > 0
            inv_sqrt = np.zeros_like(s)
            inv_sqrt[pos] = 1.0 / np.sqrt(s[pos])
            W = R * inv_sqrt[:, None]                          # r_nk / sqrt(s_n)
            D = (X[start:stop] - ref) * np.sqrt(s)[:, None]    # sqrt(s_n) (x_n - ref)
            D -= W @ Ms                                        # sqrt(s_n) (x_n - mbar_n)
            within += D.T @ D
            G += W.T @ W                                       # sum_n r_nk r_nl / s_n
    diff = Ms[:, None, :] - Ms[None, :, :]                     # mu_k - mu_l
    between = np.einsum("kl,kli,klj->ij", np.triu(G, 1), diff, diff)
    cov = (within + within.T + between + between.T) / (2.0 * nk.sum())
    cov[np.diag_indices(d)] += reg
    return cov


def _diag_scatter(X, resp, means):
    out = np.zeros(means.shape)
    _diag_scatter_kernel(X, resp, means, out)
    return out


def _diag_covariances(X, resp, nk, means, reg):
    cov = _diag_scatter(X, resp, means) / nk[:, None]
    cov += reg
    return cov


def _spherical_covariances(X, resp, nk, means, reg):
    return _diag_covariances(X, resp, nk, means, reg).mean(axis=1)


def _full_to_full(cov, K, d):
    return np.asarray(cov)


def _tied_to_full(cov, K, d):
    return np.broadcast_to(cov, (K, d, d))


def _diag_to_full(cov, K, d):
    return np.stack([np.diag(c) for c in cov])


def _spherical_to_full(cov, K, d):
    return np.stack([c * np.eye(d) for c in cov])


# ---- the dispatch table: one small function per task and covariance type

@dataclass(frozen=True)
class _CovarianceOps:
    matrix: bool
    row_work: Callable[[int, int], int]
    maha_kernel: Callable
    shape: Callable[[int, int], tuple[int, ...]]
    n_cov_params: Callable[[int, int], int]
    precision_cholesky: Callable
    chol_from_precisions: Callable
    precisions_from_chol: Callable
    covariances_from_chol: Callable
    log_det_chol: Callable
    prepare: Callable
    maha: Callable
    width: Callable[[int, int], int]
    covariances: Callable
    to_full: Callable


_COVARIANCE_OPS: dict[str, _CovarianceOps] = {
    "full": _CovarianceOps(
        matrix=True, row_work=lambda K, d: K * d * (d + 3) // 2, maha_kernel=_full_maha_kernel,
        shape=lambda K, d: (K, d, d), n_cov_params=lambda K, d: K * d * (d + 1) // 2,
        precision_cholesky=_full_precision_cholesky, chol_from_precisions=_full_chol_from_precisions,
        precisions_from_chol=_matrix_precisions, covariances_from_chol=_matrix_covariances_from_chol,
        log_det_chol=_full_log_det, prepare=_full_prepare, maha=_full_maha, width=lambda K, d: K * d,
        covariances=_full_covariances, to_full=_full_to_full),
    "tied": _CovarianceOps(
        matrix=True, row_work=lambda K, d: d * (d + 1) // 2 + K * d, maha_kernel=_tied_maha_kernel,
        shape=lambda K, d: (d, d), n_cov_params=lambda K, d: d * (d + 1) // 2,
        precision_cholesky=_tied_precision_cholesky, chol_from_precisions=_tied_chol_from_precisions,
        precisions_from_chol=_matrix_precisions, covariances_from_chol=_matrix_covariances_from_chol,
        log_det_chol=_tied_log_det, prepare=_tied_prepare, maha=_tied_maha, width=lambda K, d: max(K, d),
        covariances=_tied_covariances, to_full=_tied_to_full),
    "diag": _CovarianceOps(
        matrix=False, row_work=lambda K, d: K * d, maha_kernel=_diag_maha_kernel,
        shape=lambda K, d: (K, d), n_cov_params=lambda K, d: K * d,
        precision_cholesky=_vector_precision_cholesky, chol_from_precisions=_vector_chol_from_precisions,
        precisions_from_chol=_vector_precisions, covariances_from_chol=_vector_covariances_from_chol,
        log_det_chol=_diag_log_det, prepare=_diag_prepare, maha=_diag_maha, width=lambda K, d: max(K, d),
        covariances=_diag_covariances, to_full=_diag_to_full),
    "spherical": _CovarianceOps(
        matrix=False, row_work=lambda K, d: K * d, maha_kernel=_spherical_maha_kernel,
        shape=lambda K, d: (K,), n_cov_params=lambda K, d: K,
        precision_cholesky=_vector_precision_cholesky, chol_from_precisions=_vector_chol_from_precisions,
        precisions_from_chol=_vector_precisions, covariances_from_chol=_vector_covariances_from_chol,
        log_det_chol=_spherical_log_det, prepare=_spherical_prepare, maha=_spherical_maha,
        width=lambda K, d: max(K, d), covariances=_spherical_covariances, to_full=_spherical_to_full),
}


assert tuple(_COVARIANCE_OPS) == COVARIANCE_TYPES
