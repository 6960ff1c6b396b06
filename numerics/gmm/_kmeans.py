"""K-means: k-means++ seeding and Lloyd's algorithm (the default initialisation of EM)."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._kernels import block_rows
from ._validation import (ConvergenceWarning, RandomState, _check_int, _check_means, _check_n_components,
                          _check_nonneg_real, _check_X, check_random_state)


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
    step = block_rows(n, centers.shape[0])
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
