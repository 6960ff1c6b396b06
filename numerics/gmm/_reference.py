r"""The M-step in plain numpy, for hand-sized data: the reference the worked M-step is checked against.

The worked M-step (``workedout gmm mstep``, a few points typed by hand)
cross-checks its exact updates against a float computation. Up to
:data:`MAX_REFERENCE_POINTS` points it uses this function: the same
mathematics as the engine's :func:`~._em.m_step`, written again with plain
numpy broadcasting (no numba kernels, so no compilation and no kernel
loading, about a second saved per process), and independent of the exact
(SymPy) arithmetic it checks:

.. math::

    N_k = \sum_n r_{nk} + 10\varepsilon,\quad
    \pi_k = \frac{N_k}{\sum_j N_j},\quad
    \mu_k = \frac1{N_k}\sum_n r_{nk}x_n,\quad
    \Sigma_k = \frac1{N_k}\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top,

``tied`` pooling the scatter of all components over :math:`\sum_k N_k`,
``diag`` keeping the diagonal and ``spherical`` its mean. The deviations are
centred (:math:`x_n-\mu_k`), as in the engine. That the two agree is a
property test (``tests/test_references.py``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["MAX_REFERENCE_POINTS", "m_step_reference"]

#: Up to this many points the worked M-step checks against :func:`m_step_reference`; above, the engine.
MAX_REFERENCE_POINTS = 1000

_EPS = np.finfo(np.float64).eps
_TYPES = ("full", "tied", "diag", "spherical")


def m_step_reference(X, resp, covariance_type: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(weights, means, covariances)`` from data and responsibilities, in the engine's shapes.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    resp : array-like of shape (n_samples, n_components), non-negative
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    """
    if covariance_type not in _TYPES:
        raise ValueError(f"covariance_type: {covariance_type!r} is not a covariance type; expected one of "
                         + ", ".join(_TYPES))
    X = np.asarray(X, dtype=float)
    resp = np.asarray(resp, dtype=float)
    if X.ndim != 2 or resp.ndim != 2 or X.shape[0] != resp.shape[0]:
        raise ValueError(f"resp: expected shape ({X.shape[0] if X.ndim else '?'}, n_components) beside X of "
                         f"shape (n_samples, n_features), got {resp.shape} and {X.shape}")
    nk = resp.sum(axis=0) + 10 * _EPS
    means = (resp.T @ X) / nk[:, None]
    D = X[None, :, :] - means[:, None, :]                     # (K, n, d): x_n - mu_k
    if covariance_type == "full":
        cov = np.einsum("kn,kni,knj->kij", resp.T, D, D) / nk[:, None, None]
    elif covariance_type == "tied":
        cov = np.einsum("kn,kni,knj->ij", resp.T, D, D) / nk.sum()
    else:
        cov = np.einsum("kn,kni->ki", resp.T, D * D) / nk[:, None]
        if covariance_type == "spherical":
            cov = cov.mean(axis=1)
    return nk / nk.sum(), means, cov
