"""EM for Gaussian mixtures: numerics.gmm against scikit-learn, seconds per EM iteration.

Both tools get the same seeded data, the same initial parameters
(``weights_init``, ``means_init``, ``precisions_init``, so no k-means runs)
and ``tol=0`` with a fixed ``max_iter``, so both run exactly that many
EM iterations; times are divided by it. Run ``python -m benchmarks gmm``.
"""
from __future__ import annotations

import platform
import warnings

import numpy as np

from benchmarks._harness import Case

__all__ = ["cases", "environment", "make_problem", "prepare_ours", "prepare_sklearn"]

TYPES = ("full", "tied", "diag", "spherical")
SIZES = ((100_000, 8, 5), (1_000_000, 2, 3), (100_000, 32, 8))
QUICK_SIZES = ((5_000, 8, 5), (20_000, 2, 3), (5_000, 32, 8))


def make_problem(n: int, d: int, k: int, covariance_type: str, seed: int = 0):
    """Seeded data (k Gaussian blobs) and initial parameters in the type's shape."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(k, d))
    scales = rng.uniform(0.5, 2.0, size=(k, d))
    labels = rng.integers(k, size=n)
    X = centres[labels] + rng.normal(size=(n, d)) * scales[labels]
    means = X[rng.choice(n, size=k, replace=False)].copy()
    prec = 1.0 / float(np.mean(np.var(X, axis=0)))
    precisions = {"full": np.stack([np.eye(d) * prec] * k), "tied": np.eye(d) * prec,
                  "diag": np.full((k, d), prec), "spherical": np.full(k, prec)}[covariance_type]
    return X, dict(weights_init=np.full(k, 1.0 / k), means_init=means, precisions_init=precisions)


def _prepare(cls, n, d, k, covariance_type, n_iter, seed):
    X, init = make_problem(n, d, k, covariance_type, seed)

    def work():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # tol=0: both warn that max_iter was reached
            model = cls(k, covariance_type=covariance_type, tol=0.0, max_iter=n_iter, **init).fit(X)
        assert model.n_iter_ == n_iter
    return work


def prepare_ours(n: int, d: int, k: int, covariance_type: str, n_iter: int, seed: int = 0):
    from workedout.numerics.gmm import GaussianMixture
    return _prepare(GaussianMixture, n, d, k, covariance_type, n_iter, seed)


def prepare_sklearn(n: int, d: int, k: int, covariance_type: str, n_iter: int, seed: int = 0):
    from sklearn.mixture import GaussianMixture
    return _prepare(GaussianMixture, n, d, k, covariance_type, n_iter, seed)


def cases(quick: bool) -> list[Case]:
    sizes, n_iter, repeats = (QUICK_SIZES, 3, 2) if quick else (SIZES, 10, 5)
    out = []
    for n, d, k in sizes:
        for ctype in TYPES:
            kwargs = dict(n=n, d=d, k=k, covariance_type=ctype, n_iter=n_iter)
            workload = f"{ctype} n={n} d={d} k={k}"
            out.append(Case(workload, "workedout", "benchmarks.gmm:prepare_ours", kwargs,
                            peer="scikit-learn", repeats=repeats, per=n_iter, unit="s/iter"))
            out.append(Case(workload, "scikit-learn", "benchmarks.gmm:prepare_sklearn", kwargs,
                            repeats=repeats, per=n_iter, unit="s/iter"))
    return out


def environment() -> str:
    """One Markdown comment naming the versions and the BLAS threads."""
    import numba
    import scipy
    import sklearn
    try:
        from threadpoolctl import threadpool_info
        blas = ", ".join(f"{i['internal_api']} {i['version']} x{i['num_threads']}" for i in threadpool_info()
                         if i.get("user_api") == "blas")
    except Exception:  # pragma: no cover - threadpoolctl comes with scikit-learn
        blas = "?"
    return (f"<!-- gmm: numpy {np.__version__}, scipy {scipy.__version__}, numba {numba.__version__}, "
            f"scikit-learn {sklearn.__version__}, BLAS {blas}, {platform.node()}; "
            "seconds per EM iteration, median of the timed runs -->")
