r"""The E-step for one point, in log space, with the standard library only.

The worked E-step (a hand-sized exercise: one point, a few components)
cross-checks its exact values against this float computation. It is the
same mathematics as the engine's :func:`~._em.e_step`, written again
without numpy, scipy or numba, so that checking one point costs
microseconds instead of the engine's imports (about a second) and is
independent of the exact (SymPy) arithmetic it checks:

.. math::

    \log\mathcal N(x \mid \mu, \Sigma)
      = -\tfrac12\bigl(d\log 2\pi + \log|\Sigma| + \lVert L^{-1}(x-\mu)\rVert^2\bigr),
    \qquad \Sigma = L L^\top \text{ (Cholesky)},

    \log r_k = \log\pi_k + \log\mathcal N_k - \log\textstyle\sum_j \exp(\log\pi_j + \log\mathcal N_j),

the normaliser by log-sum-exp (shifted by the largest term, so that nothing
overflows or underflows to a zero sum). The engine's own cross-check against
this function is in the tests (``tests/test_latency_imports.py``).
"""
from __future__ import annotations

import math
from typing import Sequence

__all__ = ["log_gaussian_density", "e_step_point"]

_LOG_2PI = math.log(2 * math.pi)


def log_gaussian_density(x: Sequence[float], mean: Sequence[float], covariance: Sequence[Sequence[float]]) -> float:
    r""":math:`\log\mathcal N(x \mid \mu, \Sigma)` for one point in :math:`d` dimensions.

    Parameters
    ----------
    x, mean : sequence of d floats
    covariance : d x d nested sequence of floats
        Symmetric positive definite (a ValueError otherwise).
    """
    d = len(x)
    if len(mean) != d or len(covariance) != d or any(len(row) != d for row in covariance):
        raise ValueError(f"covariance: expected a {d} x {d} matrix and a mean of {d} coordinates, like x")
    L = _cholesky(covariance)
    # forward substitution L z = x - mu; ||z||^2 is the squared Mahalanobis distance
    z = []
    for i in range(d):
        z.append((float(x[i]) - float(mean[i]) - sum(L[i][j] * z[j] for j in range(i))) / L[i][i])
    log_det = 2 * sum(math.log(L[i][i]) for i in range(d))
    return -0.5 * (d * _LOG_2PI + log_det + sum(v * v for v in z))


def e_step_point(x: Sequence[float], weights: Sequence[float], means: Sequence[Sequence[float]],
                 covariances: Sequence[Sequence[Sequence[float]]]) -> tuple[float, list[float], list[float]]:
    r"""One point's E-step in log space: ``(log_evidence, responsibilities, log_weighted_densities)``.

    Parameters
    ----------
    x : sequence of d floats
    weights : sequence of K floats, positive
    means : K sequences of d floats
    covariances : K d x d nested sequences (full covariances; a 1-D variance is ``[[v]]``)

    Returns
    -------
    log_evidence : float
        :math:`\log p(x)`.
    responsibilities : list of K floats
        :math:`r_k = p(z = k \mid x)`, summing to 1.
    log_weighted_densities : list of K floats
        :math:`\log \pi_k + \log\mathcal N(x \mid \mu_k, \Sigma_k)`.
    """
    if not (len(weights) == len(means) == len(covariances)) or not weights:
        raise ValueError(f"weights: {len(weights)} weights, {len(means)} means and {len(covariances)} "
                         "covariances; give one of each per component")
    if any(not w > 0 for w in weights):
        raise ValueError("weights: mixing weights must be positive")
    log_num = [math.log(w) + log_gaussian_density(x, m, c) for w, m, c in zip(weights, means, covariances)]
    top = max(log_num)
    log_evidence = top + math.log(math.fsum(math.exp(v - top) for v in log_num))
    return log_evidence, [math.exp(v - log_evidence) for v in log_num], log_num


def _cholesky(A: Sequence[Sequence[float]]) -> list[list[float]]:
    """The lower Cholesky factor of a small symmetric positive definite matrix (Cholesky-Banachiewicz)."""
    d = len(A)
    L = [[0.0] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1):
            s = float(A[i][j]) - sum(L[i][k] * L[j][k] for k in range(j))
            if i == j:
                if not s > 0:
                    raise ValueError("covariance: not positive definite")
                L[i][i] = math.sqrt(s)
            else:
                L[i][j] = s / L[j][j]
    return L
