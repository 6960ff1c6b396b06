"""The E-step and the M-step: the public steps and the passes over the data that EM runs.

The E-step either runs the compiled per-row kernels (exact centred distances,
no temporaries) when the work per row is small, or sends blocks of rows
through one matrix product across all components (BLAS) when it is large;
the covariance type's functions come from :mod:`._covariance`.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._covariance import _ops, _precision_cholesky
from ._kernels import _normalise_block, _shifted_sums_kernel, block_rows
from ._validation import (_check_array_shape, _check_int, _check_means, _check_nonneg_real, _check_resp, _check_weights,
                          _check_X, _infer_n_components)

_LOG_2PI = math.log(2.0 * math.pi)
_EPS = np.finfo(np.float64).eps


def e_step(X: ArrayLike, weights: ArrayLike, means: ArrayLike, covariances: ArrayLike,
           covariance_type: str) -> tuple[float, np.ndarray]:
    r"""E-step: the mean log-likelihood and the responsibilities.

    .. math::

        r_{nk} = \frac{\pi_k\,\mathcal N(x_n\mid\mu_k,\Sigma_k)}
                      {\sum_j \pi_j\,\mathcal N(x_n\mid\mu_j,\Sigma_j)},
        \qquad
        \ell = \frac1N\sum_n \log\sum_k \pi_k\,\mathcal N(x_n\mid\mu_k,\Sigma_k),

    computed in log space (log-sum-exp) from Cholesky factors of the precisions.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_components,)
        Non-negative, summing to 1.
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        Symmetric positive definite; shape ``(n_components, n_features, n_features)``
        for ``full``, ``(n_features, n_features)`` for ``tied``,
        ``(n_components, n_features)`` for ``diag``, ``(n_components,)`` for
        ``spherical``.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}

    Returns
    -------
    log_likelihood : float
        The mean log-likelihood per sample :math:`\ell` (scikit-learn's lower bound).
    resp : ndarray of shape (n_samples, n_components)
        The responsibilities :math:`r_{nk}`; each row sums to 1.
    """
    ops = _ops(covariance_type)
    X = _check_X(X)
    n_components = _infer_n_components(weights)
    weights = _check_weights(weights, n_components)
    means = _check_means(means, n_components, X.shape[1])
    covariances = _check_array_shape(covariances, ops.shape(n_components, X.shape[1]), "covariances")
    prec_chol = _precision_cholesky(covariances, ops)
    resp = np.empty((X.shape[0], n_components))
    log_likelihood, _, _ = _e_pass(X, weights, means, prec_chol, ops, resp, stats=False)
    return log_likelihood, resp


def m_step(X: ArrayLike, resp: ArrayLike, covariance_type: str,
           reg_covar: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""M-step: weights, means and covariances from responsibilities.

    .. math::

        N_k = \sum_n r_{nk} + 10\varepsilon,\quad
        \pi_k = \frac{N_k}{\sum_j N_j},\quad
        \mu_k = \frac1{N_k}\sum_n r_{nk}x_n,\quad
        \Sigma_k = \frac1{N_k}\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top + \epsilon I,

    with :math:`\varepsilon` the machine epsilon (scikit-learn's guard
    against an empty component, whose mean then comes out as 0) and
    :math:`\epsilon` = ``reg_covar``. ``tied`` pools the scatter of all
    components and divides by :math:`\sum_k N_k`; ``diag`` keeps the diagonal;
    ``spherical`` its mean. Every covariance is computed from centred
    deviations :math:`x_n-\mu_k` (see the module docstring), so it stays
    accurate when the data sit far from the origin.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    resp : array-like of shape (n_samples, n_components)
        Non-negative responsibilities (rows usually sum to 1; hard 0/1
        assignments give the k-means statistics).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    reg_covar : float, default=0.0
        Non-negative number added to the diagonal of every covariance.

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray
        In the covariance type's shape (see :func:`e_step`).
    """
    ops = _ops(covariance_type)
    X = _check_X(X)
    resp = _check_resp(resp, X.shape[0])
    reg_covar = _check_nonneg_real(reg_covar, "reg_covar")
    nk, means, covariances = _m_finish(X, resp, *_resp_stats(X, resp), ops, reg_covar)
    return nk / nk.sum(), means, covariances


def n_parameters(n_components: int, n_features: int, covariance_type: str) -> int:
    r"""The number of free parameters of a Gaussian mixture.

    .. math::

        p = \underbrace{c(K, d)}_{\text{covariances}} + \underbrace{K d}_{\text{means}}
          + \underbrace{K - 1}_{\text{weights}},\qquad
        c = \begin{cases}
            K\,d(d+1)/2 & \text{full}\\
            d(d+1)/2 & \text{tied}\\
            K\,d & \text{diag}\\
            K & \text{spherical}
        \end{cases}

    Parameters
    ----------
    n_components : int
        :math:`K \ge 1`.
    n_features : int
        :math:`d \ge 1`.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}

    Returns
    -------
    int
        The :math:`p` used by BIC :math:`= -2\log L + p\log N` and
        AIC :math:`= -2\log L + 2p`.
    """
    ops = _ops(covariance_type)
    K = _check_int(n_components, "n_components", 1)
    d = _check_int(n_features, "n_features", 1)
    return ops.n_cov_params(K, d) + K * d + K - 1


def _resp_stats(X: np.ndarray, resp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """N_k and sum_n r_nk x_n."""
    return resp.sum(axis=0), resp.T @ X


def _e_pass(X, weights, means, prec_chol, ops, resp_out, *, stats, log_norm_out=None):
    """One E-step, writing the responsibilities into ``resp_out``.

    Returns the mean log-likelihood and, with ``stats``, the M-step's first
    statistics :math:`N_k` and :math:`\\sum_n r_{nk}x_n` gathered on the way.
    Blocks of rows go through matrix products on data shifted by ``ref`` =
    the mixture mean (so the expanded forms do not cancel when the data sit
    far from 0), then through the compiled log-sum-exp normalisation.
    """
    n, d = X.shape
    K = means.shape[0]
    ref = weights @ means
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    const = log_w + ops.log_det_chol(prec_chol, d) - 0.5 * d * _LOG_2PI
    nk = np.zeros(K)
    sums = np.zeros((K, d))
    log_norm = np.empty(n) if log_norm_out is None else log_norm_out
    if _use_kernels(ops, K, d):                  # small rows: compiled passes, no temporaries
        ops.maha_kernel(X, ref, means, prec_chol, resp_out)
        _normalise_block(resp_out, const, log_norm, nk)
    else:                                        # wide rows: blocks through BLAS
        ctx = ops.prepare(means - ref, prec_chol)
        step = block_rows(n, ops.width(K, d))
        for start in range(0, n, step):
            stop = min(start + step, n)
            R = resp_out[start:stop]
            ops.maha(X[start:stop] - ref, ctx, R)     # R <- squared Mahalanobis distances
            _normalise_block(R, const, log_norm[start:stop], nk)
    if stats:
        # compiled rather than R.T @ X: a thin product whose threaded BLAS stalls when cores are busy
        _shifted_sums_kernel(X, ref, resp_out, sums)
    total = float(np.sum(log_norm))
    if not math.isfinite(total):
        i = int(np.argmax(~np.isfinite(log_norm)))
        raise ValueError(f"X: sample {i} has zero density under every component (collapsed or "
                         "ill-conditioned components); increase reg_covar, use fewer components, "
                         "or scale the data")
    if stats:
        sums += np.outer(nk, ref)                # back from shifted to plain sum_n r_nk x_n
    return total / n, nk, sums


#: The E-step runs compiled per-row loops (exact centred distances) while the multiply-adds per
#: row, ``row_work(K, d)``, are at most this; above it, blocks of rows go through BLAS.
_KERNEL_MAX_ROW_WORK = 400
_FORCE_PATH: str | None = None   # "kernel" or "blas": to test and time both paths


def _use_kernels(ops, K, d):
    if _FORCE_PATH is not None:
        return _FORCE_PATH == "kernel"
    return ops.row_work(K, d) <= _KERNEL_MAX_ROW_WORK


def _m_finish(X, resp, nk, sums, ops, reg_covar):
    """N_k (+10 eps), means and covariances from N_k, sum r x and a second pass for the scatter."""
    nk = nk + 10 * _EPS
    means = sums / nk[:, None]
    covariances = ops.covariances(X, resp, nk, means, reg_covar)
    return nk, means, covariances
