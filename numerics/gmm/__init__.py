r"""Gaussian mixtures fitted by EM: the numeric engine and oracle.

A mixture of :math:`K` Gaussians in :math:`d` dimensions has the density

.. math::

    p(x) = \sum_{k=1}^{K} \pi_k \, \mathcal N(x \mid \mu_k, \Sigma_k),
    \qquad \pi_k \ge 0,\ \sum_k \pi_k = 1 .

EM alternates two steps on data :math:`X` of shape ``(n_samples, n_features)``:

* **E-step** (Bayes' rule, in log space):
  :math:`\log r_{nk} = \log\pi_k + \log\mathcal N(x_n\mid\mu_k,\Sigma_k)
  - \log\sum_j \pi_j\mathcal N(x_n\mid\mu_j,\Sigma_j)`, the normaliser by
  log-sum-exp, the densities from the Cholesky factor :math:`U_k` of the
  precision (:math:`\Sigma_k^{-1} = U_k U_k^\top`):
  :math:`\log\mathcal N = -\tfrac12\bigl(d\log 2\pi + \lVert (x-\mu_k)U_k\rVert^2\bigr)
  + \sum_i \log (U_k)_{ii}`.
* **M-step** (maximise the expected complete-data log-likelihood):
  :math:`N_k = \sum_n r_{nk}`, :math:`\pi_k = N_k / N`,
  :math:`\mu_k = \frac1{N_k}\sum_n r_{nk} x_n`,
  :math:`\Sigma_k = \frac1{N_k}\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top + \epsilon I`
  (``reg_covar`` :math:`=\epsilon`), restricted to the covariance type:

  ============  ==========================  ======================================
  type          ``covariances`` shape       estimate
  ============  ==========================  ======================================
  ``full``      ``(K, d, d)``               :math:`\Sigma_k` as above
  ``tied``      ``(d, d)``                  :math:`\frac1N\sum_k\sum_n r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top`
  ``diag``      ``(K, d)``                  the diagonal of :math:`\Sigma_k`
  ``spherical`` ``(K,)``                    :math:`\frac1d\operatorname{tr}\Sigma_k`
  ============  ==========================  ======================================

Every covariance is computed from centred deviations :math:`x_n-\mu_k`, never
from :math:`E[x^2]-\mu^2` (scikit-learn's tied, diag and spherical estimators
use that form and lose every digit when the data sit far from the origin). The
tied estimate uses the exact identity, valid when the rows of :math:`r` sum to
:math:`s_n`,

.. math::

    \sum_k r_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top
    = s_n (x_n-\bar m_n)(x_n-\bar m_n)^\top
    + \frac1{s_n}\sum_{k<l} r_{nk} r_{nl} (\mu_k-\mu_l)(\mu_k-\mu_l)^\top,
    \qquad \bar m_n = \frac1{s_n}\sum_k r_{nk}\mu_k ,

whose two terms are both sums of centred, non-negative contributions: one
matrix product over the data instead of :math:`K`.

:class:`GaussianMixture` follows scikit-learn's names, defaults and order of
operations exactly (initial responsibilities, M-step, then E/M until the mean
log-likelihood changes by less than ``tol``), so that, started from the same
parameters, it reproduces scikit-learn's fit to rounding.

Speed: the E-step either runs compiled per-row loops (numba; exact centred
distances, no temporaries) when the work per row is small, or sends blocks of
rows through one matrix product across all components (BLAS) when it is
large; log-sum-exp, normalisation and :math:`N_k` are one compiled pass that
exponentiates each entry once; the first M-step statistics are gathered during
the E-step, and the centred scatter is one more compiled pass (or blocks
through BLAS for many features). Temporaries are bounded by the block size, so
peak memory stays below scikit-learn's.

The modules, one job each (as scikit-learn's ``sklearn.mixture``):
:mod:`._mixture` the estimator :class:`GaussianMixture`; :mod:`._estimator` scikit-learn's
estimator protocol (parameters, tags, feature names) without importing scikit-learn; :mod:`._em` the
E-step and M-step; :mod:`._covariance` the four covariance types, one small
function per task and type, picked from a dict; :mod:`._kernels` the
compiled loops; :mod:`._kmeans` k-means++ and Lloyd's algorithm;
:mod:`._metrics` the adjusted Rand index; :mod:`._point` one point's E-step in log space with the
standard library only (the worked E-step's cross-check: no numpy, scipy or numba to import); :mod:`._selection` the BIC/AIC
sweep; :mod:`._validation` the input checks; :mod:`._types` the names of the
covariance types. They are imported on first use of a name, so that reading
:data:`COVARIANCE_TYPES` (the command line does, to offer the choices) does
not load numba.
"""
from __future__ import annotations

from .._lazy import lazy_names
from typing import TYPE_CHECKING

from ._types import COVARIANCE_TYPES

if TYPE_CHECKING:  # what type checkers and linters see; at run time each name is imported on first use
    from ._em import e_step, m_step, n_parameters
    from ._kmeans import KMeansResult, kmeans, kmeans_plusplus
    from ._metrics import adjusted_rand_index
    from ._mixture import GaussianMixture
    from ._point import e_step_point, log_gaussian_density
    from ._selection import SelectionResult, parse_k_values, select
    from ._validation import ConvergenceWarning, NotFittedError, check_random_state

__all__ = [
    "COVARIANCE_TYPES",
    "ConvergenceWarning",
    "NotFittedError",
    "check_random_state",
    "e_step",
    "m_step",
    "n_parameters",
    "e_step_point",
    "log_gaussian_density",
    "kmeans_plusplus",
    "KMeansResult",
    "kmeans",
    "adjusted_rand_index",
    "parse_k_values",
    "SelectionResult",
    "select",
    "GaussianMixture",
]


#: Where each public name lives.
_MODULES = {
    "ConvergenceWarning": "_validation",
    "NotFittedError": "_validation",
    "check_random_state": "_validation",
    "e_step": "_em",
    "m_step": "_em",
    "n_parameters": "_em",
    "e_step_point": "_point",
    "log_gaussian_density": "_point",
    "kmeans_plusplus": "_kmeans",
    "KMeansResult": "_kmeans",
    "kmeans": "_kmeans",
    "adjusted_rand_index": "_metrics",
    "parse_k_values": "_selection",
    "SelectionResult": "_selection",
    "select": "_selection",
    "GaussianMixture": "_mixture",
}


__getattr__, __dir__ = lazy_names(__name__, {name: f".{module}" for name, module in _MODULES.items()}, globals())
