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
"""
from __future__ import annotations

import math
import numbers
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numba
import numpy as np
from numpy.typing import ArrayLike
from scipy import linalg

__all__ = [
    "COVARIANCE_TYPES",
    "ConvergenceWarning",
    "NotFittedError",
    "check_random_state",
    "e_step",
    "m_step",
    "n_parameters",
    "kmeans_plusplus",
    "KMeansResult",
    "kmeans",
    "adjusted_rand_index",
    "parse_k_values",
    "SelectionResult",
    "select",
    "GaussianMixture",
]

#: The four covariance types, in scikit-learn's spelling and order.
COVARIANCE_TYPES: tuple[str, ...] = ("full", "tied", "diag", "spherical")

#: The initialisation methods of :class:`GaussianMixture`.
INIT_METHODS: tuple[str, ...] = ("kmeans", "k-means++", "random", "random_from_data")

RandomState = int | np.random.RandomState | np.random.Generator | None


class ConvergenceWarning(UserWarning):
    """EM (or Lloyd's algorithm) stopped at ``max_iter`` before converging."""


class NotFittedError(ValueError, AttributeError):
    """A method that needs fitted parameters was called before ``fit``."""


def check_random_state(random_state: RandomState) -> np.random.RandomState | np.random.Generator:
    """Turn ``random_state`` into a random generator, as scikit-learn does.

    Parameters
    ----------
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None
        ``None``: numpy's global ``RandomState``; an int: a new
        ``RandomState(random_state)`` (so the same seed gives scikit-learn's
        random choices); a generator: used as it is.

    Returns
    -------
    numpy.random.RandomState or numpy.random.Generator
    """
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= int(random_state) < 2**32:
            raise ValueError(f"random_state: {random_state} is out of range; expected an int in [0, 2**32)")
        return np.random.RandomState(int(random_state))
    raise TypeError(f"random_state: got {random_state!r} of type {type(random_state).__name__}; "
                    "expected an int, None, numpy.random.RandomState or numpy.random.Generator")


# --------------------------------------------------------------------------- E and M steps

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


# --------------------------------------------------------------------------- k-means

@dataclass(frozen=True)
class KMeansResult:
    """The outcome of :func:`kmeans`.

    Attributes
    ----------
    centers : ndarray of shape (n_clusters, n_features)
    labels : ndarray of shape (n_samples,)
        Index of the nearest centre of each sample.
    inertia : float
        :math:`\\sum_n \\lVert x_n - c_{\\text{label}(n)}\\rVert^2`.
    n_iter : int
        Lloyd iterations of the best run.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int

    def __iter__(self):
        return iter((self.centers, self.labels, self.inertia, self.n_iter))


def kmeans_plusplus(X: ArrayLike, n_clusters: int,
                    random_state: RandomState = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Greedy k-means++ seeding (Arthur & Vassilvitskii, 2007).

    The first centre is a uniformly random sample; each further centre is
    the best of :math:`2 + \lfloor\ln K\rfloor` candidates drawn with
    probability proportional to :math:`D(x)^2`, the squared distance to the
    nearest centre chosen so far, "best" meaning the smallest potential
    :math:`\sum_n \min_c \lVert x_n - c\rVert^2` (scikit-learn's variant,
    making the same random draws).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
        Number of seeds, at most ``n_samples``.
    random_state : int, RandomState, Generator or None

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    indices : ndarray of shape (n_clusters,)
        Rows of ``X`` chosen: ``X[indices] == centers``.
    """
    X = _check_X(X)
    K = _check_n_components(n_clusters, X.shape[0], "n_clusters")
    return _kmeans_plusplus(X, K, check_random_state(random_state))


def kmeans(X: ArrayLike, n_clusters: int, *, init: str | ArrayLike = "k-means++", n_init: int = 1,
           max_iter: int = 300, tol: float = 1e-4, random_state: RandomState = None) -> KMeansResult:
    r"""K-means by Lloyd's algorithm from k-means++ seeds.

    Minimises the inertia :math:`\sum_n \min_k \lVert x_n - c_k\rVert^2` by
    alternating assignment (each sample to its nearest centre) and update
    (each centre to the mean of its samples). It stops when the assignment no
    longer changes, or when the squared centre shift
    :math:`\sum_k\lVert c_k^{new}-c_k\rVert^2` is at most
    ``tol`` times the mean per-feature variance of ``X``, or after
    ``max_iter`` iterations (with a :class:`ConvergenceWarning`); then the
    labels are recomputed from the final centres. A cluster that empties is
    moved to the sample farthest from its centre. This is the limit of EM
    for a spherical mixture as the variance goes to 0, and the default
    initialisation of :class:`GaussianMixture`. Computations run on
    mean-centred data, as scikit-learn's.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    init : {'k-means++', 'random'} or array-like of shape (n_clusters, n_features)
        Seeding: k-means++ (:func:`kmeans_plusplus`), ``n_clusters`` distinct
        random samples, or the given centres (then ``n_init`` must be 1).
    n_init : int, default=1
        Runs from different seeds; the one of least inertia is returned.
    max_iter : int, default=300
    tol : float, default=1e-4
    random_state : int, RandomState, Generator or None

    Returns
    -------
    KMeansResult
        ``centers``, ``labels``, ``inertia``, ``n_iter`` (also unpacks as a tuple).
    """
    X = _check_X(X)
    K = _check_n_components(n_clusters, X.shape[0], "n_clusters")
    n_init = _check_int(n_init, "n_init", 1)
    max_iter = _check_int(max_iter, "max_iter", 1)
    tol = _check_nonneg_real(tol, "tol")
    given = None
    if isinstance(init, str):
        if init not in ("k-means++", "random"):
            raise ValueError(f"init: {init!r} is not a seeding method; expected 'k-means++', "
                             "'random' or an array of shape (n_clusters, n_features)")
    else:
        given = _check_means(init, K, X.shape[1], name="init")
        if n_init != 1:
            raise ValueError(f"n_init: {n_init} runs from the same given centres would repeat "
                             "one another; pass n_init=1 with explicit init centres")
    rng = check_random_state(random_state)
    x_mean = X.mean(axis=0)
    Xc = X - x_mean
    tol_scaled = float(np.mean(np.var(X, axis=0))) * tol if tol else 0.0
    x_sq = np.einsum("ij,ij->i", Xc, Xc)
    best = None
    for _ in range(n_init):
        if given is not None:
            centers = given - x_mean
        elif init == "k-means++":
            centers, _ = _kmeans_plusplus(Xc, K, rng, x_sq)
        else:
            centers = Xc[rng.choice(Xc.shape[0], size=K, replace=False)].copy()
        labels, inertia, centers, n_iter, converged = _lloyd(Xc, x_sq, centers, max_iter, tol_scaled)
        if best is None or inertia < best[1]:
            best = (labels, inertia, centers, n_iter, converged)
    labels, inertia, centers, n_iter, converged = best
    if not converged:
        warnings.warn(f"kmeans: Lloyd's algorithm stopped at max_iter={max_iter} before converging; "
                      "increase max_iter or tol", ConvergenceWarning, stacklevel=2)
    return KMeansResult(centers + x_mean, labels, float(inertia), n_iter)


def adjusted_rand_index(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    r"""Adjusted Rand index of two clusterings (Hubert & Arabie, 1985).

    From the contingency table :math:`n_{ij}` (samples in true class
    :math:`i` and predicted cluster :math:`j`) with row sums :math:`a_i` and
    column sums :math:`b_j`:

    .. math::

        \mathrm{ARI} = \frac{\sum_{ij}\binom{n_{ij}}2 - \sum_i\binom{a_i}2\sum_j\binom{b_j}2\big/\binom n2}
        {\tfrac12\bigl[\sum_i\binom{a_i}2+\sum_j\binom{b_j}2\bigr]
         - \sum_i\binom{a_i}2\sum_j\binom{b_j}2\big/\binom n2},

    evaluated in exact integer arithmetic; 1 for identical partitions, about
    0 for independent ones, and 1 by convention when the denominator vanishes
    (both partitions trivial: one cluster, or all singletons, in both).
    Invariant to renaming the labels.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
    labels_pred : array-like of shape (n_samples,)
        Any hashable labels (ints, strings).

    Returns
    -------
    float
    """
    a = np.asarray(labels_true)
    b = np.asarray(labels_pred)
    for name, v in (("labels_true", a), ("labels_pred", b)):
        if v.ndim != 1:
            raise ValueError(f"{name}: expected a 1-D array of labels, got shape {v.shape}")
    if a.shape != b.shape:
        raise ValueError(f"labels_true and labels_pred: lengths differ ({a.shape[0]} and {b.shape[0]}); "
                         "expected one label per sample in each")
    n = a.shape[0]
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    nb = int(ib.max()) + 1 if n else 1
    table = np.bincount(ia.ravel() * nb + ib.ravel(), minlength=0)
    comb2 = lambda counts: sum(int(c) * (int(c) - 1) // 2 for c in counts if c > 1)  # noqa: E731
    index = comb2(table)
    sa = comb2(np.bincount(ia.ravel()))
    sb = comb2(np.bincount(ib.ravel()))
    pairs = n * (n - 1) // 2
    num = 2 * (pairs * index - sa * sb)
    den = pairs * (sa + sb) - 2 * sa * sb
    if den == 0:
        return 1.0
    return num / den


# --------------------------------------------------------------------------- model selection

def parse_k_values(k_values: int | str | Iterable[int]) -> list[int]:
    """Parse a set of component counts: ``3``, ``"1-6"``, ``"1,2,5"``, ``"2-4,8"``, ``range(1, 7)``.

    Parameters
    ----------
    k_values : int, str or iterable of int

    Returns
    -------
    list of int
        Positive, in the order given, duplicates removed.
    """
    out: list[int] = []
    if isinstance(k_values, str):
        text = k_values.strip()
        if not text:
            raise ValueError("k_values: empty; expected a range like 1-6 or a list like 1,2,5")
        for part in text.split(","):
            part = part.strip()
            lo, sep, hi = part.partition("-")
            try:
                if sep:
                    a, b = int(lo), int(hi)
                    if a > b:
                        raise ValueError
                    out.extend(range(a, b + 1))
                else:
                    out.append(int(part))
            except ValueError:
                raise ValueError(f"k_values: {part!r} in {k_values!r} does not parse; expected a range "
                                 "like 1-6 (low <= high) or a list like 1,2,5") from None
    elif isinstance(k_values, numbers.Integral) and not isinstance(k_values, bool):
        out = [int(k_values)]
    else:
        try:
            items = list(k_values)
        except TypeError:
            raise TypeError(f"k_values: got {k_values!r}; expected an int, a string like '1-6' "
                            "or a sequence of ints") from None
        for i, k in enumerate(items):
            if not isinstance(k, numbers.Integral) or isinstance(k, bool):
                raise TypeError(f"k_values: item {i} is {k!r}; expected an int")
            out.append(int(k))
    if not out:
        raise ValueError("k_values: empty; expected at least one number of components")
    for k in out:
        if k < 1:
            raise ValueError(f"k_values: {k} components; expected numbers >= 1")
    return list(dict.fromkeys(out))


def _parse_covariance_types(covariance_types: str | Iterable[str]) -> list[str]:
    if isinstance(covariance_types, str):
        items = [c.strip() for c in covariance_types.split(",")]
        if items == ["all"]:
            items = list(COVARIANCE_TYPES)
    else:
        items = list(covariance_types)
    if not items:
        raise ValueError(f"covariance_types: empty; expected some of {', '.join(COVARIANCE_TYPES)} or 'all'")
    for c in items:
        _ops(c, "covariance_types")
    return list(dict.fromkeys(items))


@dataclass
class SelectionResult:
    """The outcome of :func:`select`.

    Attributes
    ----------
    rows : list of dict
        One per fitted model, in the order fitted: ``k``, ``covariance``,
        ``bic``, ``aic``, ``log_likelihood`` (total, :math:`\\sum_n\\log p(x_n)`),
        ``n_parameters``, ``converged``, ``n_iter`` and, when labels were
        given, ``ari``.
    best : dict
        The row of least BIC (the first in order on a tie).
    best_model : GaussianMixture
        The fitted model of that row.
    """

    rows: list[dict[str, Any]]
    best: dict[str, Any]
    best_model: "GaussianMixture" = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"table": rows, "best": {"k": ..., "covariance": ...}}``."""
        return {"table": [dict(r) for r in self.rows],
                "best": {"k": self.best["k"], "covariance": self.best["covariance"]}}


def select(X: ArrayLike, k_values: int | str | Iterable[int], covariance_types: str | Iterable[str] = "all", *,
           n_init: int = 1, random_state: RandomState = None, labels: ArrayLike | None = None,
           progress: bool | None = None, init_params: str = "kmeans", max_iter: int = 100,
           tol: float = 1e-3, reg_covar: float = 1e-6) -> SelectionResult:
    r"""Model selection: fit every (K, covariance type) and rank by BIC.

    For each :math:`K` in ``k_values`` (outer loop) and each type in
    ``covariance_types`` (inner loop) a :class:`GaussianMixture` is fitted;
    with the final log-likelihood :math:`\log L = \sum_n \log p(x_n)` and
    :math:`p` = :func:`n_parameters`,

    .. math::

        \mathrm{BIC} = -2\log L + p\log N, \qquad \mathrm{AIC} = -2\log L + 2p .

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k_values : int, str or iterable of int
        See :func:`parse_k_values` (``"1-6"``, ``[1, 2, 3]``).
    covariance_types : str or iterable of str, default='all'
        Some of ``full``, ``tied``, ``diag``, ``spherical`` (a list or a
        comma-separated string), or ``'all'``.
    n_init, init_params, max_iter, tol, reg_covar
        As in :class:`GaussianMixture`.
    random_state : int, RandomState, Generator or None
        An int seeds every fit alike, so a row is reproduced by
        ``GaussianMixture(k, covariance_type=c, random_state=seed)``.
    labels : array-like of shape (n_samples,), optional
        True classes; each row then gets the adjusted Rand index of the
        model's ``predict(X)``.
    progress : bool or None
        A tqdm bar on stderr; ``None`` shows it only when stderr is a terminal.

    Returns
    -------
    SelectionResult
        ``rows``, ``best`` (least BIC, ties broken by order) and ``best_model``.
    """
    X = _check_X(X)
    ks = parse_k_values(k_values)
    types = _parse_covariance_types(covariance_types)
    for k in ks:
        _check_n_components(k, X.shape[0], "k_values")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (X.shape[0],):
            raise ValueError(f"labels: shape {labels.shape}; expected one label per sample, ({X.shape[0]},)")
    if progress is None:
        progress = _stderr_is_terminal()
    from tqdm.auto import tqdm

    rows: list[dict[str, Any]] = []
    best_i, best_model = -1, None
    with tqdm(total=len(ks) * len(types), desc="gmm select", file=sys.stderr, disable=not progress,
              leave=False) as bar:
        for k in ks:
            for cov in types:
                bar.set_postfix_str(f"k={k} {cov}")
                model = GaussianMixture(k, covariance_type=cov, tol=tol, reg_covar=reg_covar,
                                        max_iter=max_iter, n_init=n_init, init_params=init_params,
                                        random_state=random_state)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    model.fit(X)
                total = float(np.sum(model.score_samples(X)))
                p = n_parameters(k, X.shape[1], cov)
                row = {"k": k, "covariance": cov,
                       "bic": -2.0 * total + p * math.log(X.shape[0]),
                       "aic": -2.0 * total + 2.0 * p,
                       "log_likelihood": total, "n_parameters": p,
                       "converged": bool(model.converged_), "n_iter": int(model.n_iter_)}
                if labels is not None:
                    row["ari"] = adjusted_rand_index(labels, model.predict(X))
                rows.append(row)
                if best_i < 0 or row["bic"] < rows[best_i]["bic"]:
                    best_i, best_model = len(rows) - 1, model
                bar.update(1)
    return SelectionResult(rows, rows[best_i], best_model)


# --------------------------------------------------------------------------- the estimator

class GaussianMixture:
    """Gaussian mixture fitted by EM, with scikit-learn's names and conventions.

    Parameters
    ----------
    n_components : int, default=1
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
    tol : float, default=1e-3
        EM stops when the mean log-likelihood per sample changes by less.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance: keeps them positive
        definite on degenerate data (duplicate points, a constant column,
        a component that empties).
    max_iter : int, default=100
        A :class:`ConvergenceWarning` is issued when reached.
    n_init : int, default=1
        Initialisations; the one of highest final lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
        Initial responsibilities: hard labels of :func:`kmeans` (Lloyd from
        k-means++ seeds), hard assignment of each k-means++ seed to its
        component, uniform random numbers normalised per row, or
        ``n_components`` random samples as one-point components. The
        parameters then start from one M-step on them.
    weights_init : array-like of shape (n_components,), optional
    means_init : array-like of shape (n_components, n_features), optional
    precisions_init : array-like, optional
        Inverse covariances in the type's shape (see :func:`e_step`).
        Given initial parameters replace those of ``init_params``; with all
        three given no random initialisation is made.

        The order of operations is scikit-learn's, and so are the random draws
        (an int seed gives the same k-means++ seeds and the same fit). One
        deliberate difference: for ``tied`` covariances scikit-learn's M-step
        pools :math:`X^\\top X` over every sample whatever its responsibilities,
        which is right only when each row of the responsibilities sums to 1;
        with ``init_params`` 'k-means++' or 'random_from_data' (one sample per
        component) its initial tied covariance is therefore not the M-step's,
        while here it is (``reg_covar`` times the identity), so those two
        initialisations can lead to different tied fits.
    random_state : int, RandomState, Generator or None
        Seeds the initialisation and :meth:`sample`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_, precisions_, precisions_cholesky_ : ndarray
        In the type's shape; ``precisions_cholesky_`` holds upper-triangular
        :math:`U_k` with :math:`\\Sigma_k^{-1} = U_k U_k^\\top`.
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Mean log-likelihood per sample at the last E-step of the best run.
    lower_bounds_ : list of float
        Its value after every iteration of the best run.
    n_features_in_ : int
    """

    def __init__(self, n_components: int = 1, *, covariance_type: str = "full", tol: float = 1e-3,
                 reg_covar: float = 1e-6, max_iter: int = 100, n_init: int = 1, init_params: str = "kmeans",
                 weights_init: ArrayLike | None = None, means_init: ArrayLike | None = None,
                 precisions_init: ArrayLike | None = None, random_state: RandomState = None):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state

    def __repr__(self) -> str:
        return (f"GaussianMixture(n_components={self.n_components!r}, "
                f"covariance_type={self.covariance_type!r})")

    # ---- fitting
    def fit(self, X: ArrayLike, y: Any = None) -> "GaussianMixture":
        """Estimate the parameters by EM (``n_init`` runs, the best kept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self._fit(_check_X(X))
        return self

    def fit_predict(self, X: ArrayLike, y: Any = None) -> np.ndarray:
        """Fit, then label every sample by its most probable component.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = _check_X(X)
        self._fit(X)
        return self.predict(X)

    def _fit(self, X: np.ndarray) -> None:
        ops = _ops(self.covariance_type)
        K = _check_n_components(self.n_components, X.shape[0], "n_components")
        tol = _check_nonneg_real(self.tol, "tol")
        reg = _check_nonneg_real(self.reg_covar, "reg_covar")
        max_iter = _check_int(self.max_iter, "max_iter", 0)
        n_init = _check_int(self.n_init, "n_init", 1)
        if self.init_params not in INIT_METHODS:
            raise ValueError(f"init_params: {self.init_params!r} is not an initialisation; expected one of "
                             + ", ".join(INIT_METHODS))
        n, d = X.shape
        w0 = None if self.weights_init is None else _check_weights(self.weights_init, K, "weights_init")
        m0 = None if self.means_init is None else _check_means(self.means_init, K, d, "means_init")
        p0 = None
        if self.precisions_init is not None:
            p0 = _check_array_shape(self.precisions_init, ops.shape(K, d), "precisions_init")
            p0 = _check_positive_definite(p0, ops, "precisions_init")
        rng = check_random_state(self.random_state)
        resp = np.empty((n, K))
        best = None
        for _ in range(n_init):
            if w0 is not None and m0 is not None and p0 is not None:
                weights, means = w0.copy(), m0.copy()
                prec_chol = ops.chol_from_precisions(p0)
                covariances = ops.covariances_from_chol(prec_chol)
            else:
                init_resp = self._initial_resp(X, K, rng)
                nk, means, covariances = _m_finish(X, init_resp, *_resp_stats(X, init_resp), ops, reg)
                weights = nk / n if w0 is None else w0.copy()   # N_k / n_samples at initialisation
                means = means if m0 is None else m0.copy()
                if p0 is None:
                    prec_chol = _precision_cholesky(covariances, ops)
                else:
                    prec_chol = ops.chol_from_precisions(p0)
                    covariances = ops.covariances_from_chol(prec_chol)
            lower_bound, history, converged, n_iter = -np.inf, [], False, 0
            for n_iter in range(1, max_iter + 1):
                previous = lower_bound
                lower_bound, nk, sums = _e_pass(X, weights, means, prec_chol, ops, resp, stats=True)
                nk, means, covariances = _m_finish(X, resp, nk, sums, ops, reg)
                weights = nk / nk.sum()
                prec_chol = _precision_cholesky(covariances, ops)
                history.append(lower_bound)
                if abs(lower_bound - previous) < tol:
                    converged = True
                    break
            if best is None or lower_bound > best[0] or best[0] == -np.inf:
                best = (lower_bound, (weights, means, covariances, prec_chol), n_iter, history, converged)
        lower_bound, params, n_iter, history, converged = best
        if not converged and max_iter > 0:
            warnings.warn(f"GaussianMixture: EM stopped at max_iter={max_iter} before the mean "
                          f"log-likelihood changed by less than tol={tol:g}; increase max_iter or tol, "
                          "try other initial parameters, or check for degenerate data",
                          ConvergenceWarning, stacklevel=3)
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        self.precisions_ = ops.precisions_from_chol(self.precisions_cholesky_)
        self.converged_ = converged
        self.n_iter_ = n_iter
        self.lower_bound_ = float(lower_bound)
        self.lower_bounds_ = [float(v) for v in history]
        self.n_features_in_ = d

    def _initial_resp(self, X: np.ndarray, K: int, rng) -> np.ndarray:
        n = X.shape[0]
        resp = np.zeros((n, K))
        if self.init_params == "kmeans":
            labels = kmeans(X, K, n_init=1, random_state=rng).labels
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "k-means++":
            _, idx = _kmeans_plusplus(X, K, rng)
            resp[idx, np.arange(K)] = 1.0
        elif self.init_params == "random":
            resp = np.asarray(rng.uniform(size=(n, K)), dtype=float)
            resp /= resp.sum(axis=1)[:, None]
        else:  # random_from_data
            idx = rng.choice(n, size=K, replace=False)
            resp[idx, np.arange(K)] = 1.0
        return resp

    # ---- using the fitted model
    def _check_fitted_X(self, X: ArrayLike) -> np.ndarray:
        if not hasattr(self, "precisions_cholesky_"):
            raise NotFittedError("This GaussianMixture is not fitted yet; call fit(X) first")
        X = _check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X: {X.shape[1]} features, but the mixture was fitted on "
                             f"{self.n_features_in_}; expected shape (n_samples, {self.n_features_in_})")
        return X

    def score_samples(self, X: ArrayLike) -> np.ndarray:
        r"""Log-density :math:`\log p(x_n)` of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._check_fitted_X(X)
        resp = np.empty((X.shape[0], len(self.weights_)))
        log_norm = np.empty(X.shape[0])
        _e_pass(X, self.weights_, self.means_, self.precisions_cholesky_, _ops(self.covariance_type),
                resp, stats=False, log_norm_out=log_norm)
        return log_norm

    def score(self, X: ArrayLike, y: Any = None) -> float:
        """Mean log-likelihood per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        float
        """
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Posterior probability of each component (the responsibilities).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        resp : ndarray of shape (n_samples, n_components)
        """
        X = self._check_fitted_X(X)
        resp = np.empty((X.shape[0], len(self.weights_)))
        _e_pass(X, self.weights_, self.means_, self.precisions_cholesky_, _ops(self.covariance_type),
                resp, stats=False)
        return resp

    def predict(self, X: ArrayLike) -> np.ndarray:
        r"""The most probable component :math:`\arg\max_k \pi_k\mathcal N(x_n\mid\mu_k,\Sigma_k)`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return np.argmax(self.predict_proba(X), axis=1)

    def bic(self, X: ArrayLike) -> float:
        r"""Bayesian information criterion :math:`-2\log L + p\log N` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        float
        """
        X = self._check_fitted_X(X)
        return -2.0 * self.score(X) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

    def aic(self, X: ArrayLike) -> float:
        r"""Akaike information criterion :math:`-2\log L + 2p` (lower is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        float
        """
        X = self._check_fitted_X(X)
        return -2.0 * self.score(X) * X.shape[0] + 2.0 * self._n_parameters()

    def _n_parameters(self) -> int:
        return n_parameters(len(self.weights_), self.means_.shape[1], self.covariance_type)

    def sample(self, n_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples from the fitted mixture.

        The component counts are multinomial with the weights; each
        component's samples are :math:`\\mu_k + z L_k^\\top` with
        :math:`z` standard normal and :math:`L_k` the Cholesky factor of
        :math:`\\Sigma_k`. Draws come from ``check_random_state(random_state)``.

        Parameters
        ----------
        n_samples : int, default=1

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Sorted by component.
        y : ndarray of shape (n_samples,)
            The component of each sample.
        """
        if not hasattr(self, "precisions_cholesky_"):
            raise NotFittedError("This GaussianMixture is not fitted yet; call fit(X) first")
        n_samples = _check_int(n_samples, "n_samples", 1)
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        full = _ops(self.covariance_type).to_full(self.covariances_, len(self.weights_), self.means_.shape[1])
        d = self.means_.shape[1]
        parts = []
        for k, c in enumerate(counts):
            L = np.linalg.cholesky(full[k])
            parts.append(self.means_[k] + rng.standard_normal(size=(int(c), d)) @ L.T)
        y = np.repeat(np.arange(len(counts)), counts)
        return np.vstack(parts), y


# =========================================================================== private helpers

_LOG_2PI = math.log(2.0 * math.pi)
_EPS = np.finfo(np.float64).eps
_CHUNK_BYTES = 1 << 24   # rows per block chosen so the widest block temporary is about this size


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# ---- validation

def _check_int(value: Any, name: str, minimum: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name}: got {value!r} of type {type(value).__name__}; expected an int >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name}: got {value}; expected an int >= {minimum}")
    return int(value)


def _check_nonneg_real(value: Any, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name}: got {value!r} of type {type(value).__name__}; expected a number >= 0")
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{name}: got {value}; expected a finite number >= 0")
    return float(value)


def _check_n_components(value: Any, n_samples: int, name: str) -> int:
    K = _check_int(value, name, 1)
    if K > n_samples:
        raise ValueError(f"{name}: {K} components but only {n_samples} samples; use at most {n_samples} "
                         "components (n_samples >= n_components)")
    return K


def _as_float_array(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: cannot be read as an array of numbers ({exc})") from None
    return arr


def _where_not_finite(arr: np.ndarray) -> str:
    bad = np.argwhere(~np.isfinite(arr))[0]
    value = arr[tuple(bad)]
    if arr.ndim == 2:
        return f"row {bad[0]}, column {bad[1]} (0-based) is {value}"
    return f"index {tuple(int(b) for b in bad)} is {value}"


def _check_X(X: ArrayLike, name: str = "X") -> np.ndarray:
    raw = np.asarray(X)
    if raw.dtype.kind in "USVcmM":
        raise TypeError(f"{name}: an array of {raw.dtype} values; expected real numbers "
                        "(read text with numerics.io.read_matrix)")
    arr = _as_float_array(raw, name)
    if arr.ndim == 1:
        raise ValueError(f"{name}: 1-D array of shape {arr.shape}; expected shape (n_samples, n_features) "
                         "(for one feature use X.reshape(-1, 1))")
    if arr.ndim != 2:
        raise ValueError(f"{name}: {arr.ndim}-D array; expected shape (n_samples, n_features)")
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{name}: shape {arr.shape}; expected at least one sample and one feature")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or inf: {_where_not_finite(arr)}; remove or impute it")
    return np.ascontiguousarray(arr)


def _infer_n_components(weights: ArrayLike) -> int:
    w = _as_float_array(weights, "weights")
    if w.ndim != 1 or w.shape[0] < 1:
        raise ValueError(f"weights: shape {w.shape}; expected shape (n_components,)")
    return w.shape[0]


def _check_array_shape(value: ArrayLike, shape: tuple[int, ...], name: str) -> np.ndarray:
    arr = _as_float_array(value, name)
    if arr.shape != shape:
        raise ValueError(f"{name}: shape {arr.shape}; expected {shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or inf: {_where_not_finite(arr)}")
    return arr


def _check_weights(weights: ArrayLike, K: int, name: str = "weights") -> np.ndarray:
    w = _check_array_shape(weights, (K,), name)
    if (w < 0).any() or (w > 1).any():
        i = int(np.argmax((w < 0) | (w > 1)))
        raise ValueError(f"{name}: entry {i} is {w[i]}; expected weights in [0, 1]")
    if abs(w.sum() - 1.0) > 1e-8:
        raise ValueError(f"{name}: sum to {w.sum():.10g}; expected them to sum to 1")
    return w


def _check_means(means: ArrayLike, K: int, d: int, name: str = "means") -> np.ndarray:
    return _check_array_shape(means, (K, d), name)


def _check_resp(resp: ArrayLike, n: int) -> np.ndarray:
    r = _as_float_array(resp, "resp")
    if r.ndim != 2 or r.shape[0] != n or r.shape[1] < 1:
        raise ValueError(f"resp: shape {r.shape}; expected (n_samples, n_components) with n_samples={n}")
    if not np.isfinite(r).all():
        raise ValueError(f"resp: contains NaN or inf: {_where_not_finite(r)}")
    if (r < 0).any():
        bad = np.argwhere(r < 0)[0]
        raise ValueError(f"resp: row {bad[0]}, column {bad[1]} is {r[tuple(bad)]}; expected responsibilities >= 0")
    return np.ascontiguousarray(r)


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


# ---- the passes over the data

def _block_rows(n: int, width: int) -> int:
    return max(64, min(n, _CHUNK_BYTES // (8 * max(width, 1))))


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
        step = _block_rows(n, ops.width(K, d))
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


#: The centred scatter of full and tied covariances runs in a compiled loop up to this many
#: features (thin matrix products are slow there); above it, blocks of rows go through BLAS.
_SCATTER_KERNEL_MAX_FEATURES = 48


def _m_finish(X, resp, nk, sums, ops, reg_covar):
    """N_k (+10 eps), means and covariances from N_k, sum r x and a second pass for the scatter."""
    nk = nk + 10 * _EPS
    means = sums / nk[:, None]
    covariances = ops.covariances(X, resp, nk, means, reg_covar)
    return nk, means, covariances


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
        step = _block_rows(n, d)
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
        step = _block_rows(n, max(d, K))
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




# ---- k-means internals

def _kmeans_plusplus(X, K, rng, x_sq=None):
    n = X.shape[0]
    if x_sq is None:
        x_sq = np.einsum("ij,ij->i", X, X)
    trials = 2 + int(np.log(K))
    weights = np.ones(n)
    centers = np.empty((K, X.shape[1]))
    indices = np.full(K, -1, dtype=int)
    first = rng.choice(n, p=weights / weights.sum())
    centers[0], indices[0] = X[first], first
    closest = _sq_dist(X[first][None], X, x_sq)[0]
    potential = closest.sum()
    for c in range(1, K):
        targets = rng.uniform(size=trials) * potential
        cand = np.searchsorted(np.cumsum(closest), targets)
        np.clip(cand, None, n - 1, out=cand)
        dist = _sq_dist(X[cand], X, x_sq)
        np.minimum(closest, dist, out=dist)
        pots = dist.sum(axis=1)
        best = int(np.argmin(pots))
        potential, closest = pots[best], dist[best]
        centers[c], indices[c] = X[cand[best]], cand[best]
    return centers, indices


def _sq_dist(A, X, x_sq):
    """Squared distances between the rows of A (m, d) and X (n, d), shape (m, n), clipped at 0."""
    D = A @ X.T
    D *= -2.0
    D += x_sq[None, :]
    D += np.einsum("ij,ij->i", A, A)[:, None]
    np.maximum(D, 0.0, out=D)
    return D


def _assign(Xc, x_sq, centers):
    n = Xc.shape[0]
    labels = np.empty(n, dtype=np.intp)
    mind = np.empty(n)
    step = _block_rows(n, centers.shape[0])
    c_sq = np.einsum("ij,ij->i", centers, centers)
    for start in range(0, n, step):
        stop = min(start + step, n)
        D = Xc[start:stop] @ centers.T
        D *= -2.0
        D += c_sq
        labels[start:stop] = np.argmin(D, axis=1)
        mind[start:stop] = D[np.arange(stop - start), labels[start:stop]] + x_sq[start:stop]
    np.maximum(mind, 0.0, out=mind)
    return labels, mind


def _lloyd(Xc, x_sq, centers, max_iter, tol):
    K, d = centers.shape
    centers = centers.copy()
    labels_old = np.full(Xc.shape[0], -1, dtype=np.intp)
    strict = converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        labels, mind = _assign(Xc, x_sq, centers)
        counts = np.bincount(labels, minlength=K).astype(float)
        new = np.stack([np.bincount(labels, weights=Xc[:, j], minlength=K) for j in range(d)], axis=1)
        empty = np.flatnonzero(counts == 0)
        if empty.size:                          # move empty clusters to the farthest samples
            far = np.argsort(-mind, kind="stable")[:empty.size]
            for e, i in zip(empty, far):
                old = labels[i]
                counts[old] -= 1
                new[old] -= Xc[i]
                counts[e] = 1
                new[e] = Xc[i]
                labels[i] = e
        nonzero = counts > 0
        new[nonzero] /= counts[nonzero, None]
        new[~nonzero] = centers[~nonzero]
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if np.array_equal(labels, labels_old):
            strict = converged = True
            break
        if shift <= tol:
            converged = True
            break
        labels_old = labels
    if not strict:
        labels, mind = _assign(Xc, x_sq, centers)
    else:
        _, mind = _assign(Xc, x_sq, centers)
    inertia = float(mind.sum())
    return labels, inertia, centers, n_iter, converged


# ---- compiled kernels (numba): the loops numpy would run as many passes

@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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

@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
def _shifted_sums_kernel(X, ref, R, sums):  # pragma: no cover - compiled
    """sums[k, j] += sum_n R[n, k] (X[n, j] - ref[j])."""
    n, d = X.shape
    K = R.shape[1]
    for i in range(n):
        for k in range(K):
            r = R[i, k]
            for j in range(d):
                sums[k, j] += r * (X[i, j] - ref[j])


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
