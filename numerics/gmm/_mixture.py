"""The Gaussian mixture estimator: :class:`GaussianMixture`, fitted by EM."""
from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._covariance import _check_positive_definite, _ops, _precision_cholesky
from ._em import _e_pass, _m_finish, _resp_stats, n_parameters
from ._estimator import (
    _check_feature_names,
    _check_n_features,
    _convergence_warning,
    _Estimator,
    _feature_names,
    _not_fitted,
)
from ._kmeans import _kmeans_plusplus, kmeans
from ._validation import (
    RandomState,
    _check_array_shape,
    _check_int,
    _check_means,
    _check_n_components,
    _check_nonneg_real,
    _check_weights,
    _check_X,
    check_random_state,
)

#: The initialisation methods of :class:`GaussianMixture`.
INIT_METHODS: tuple[str, ...] = ("kmeans", "k-means++", "random", "random_from_data")


class GaussianMixture(_Estimator):
    """Gaussian mixture fitted by EM, with scikit-learn's names and conventions.

    A scikit-learn estimator (``get_params``/``set_params``, ``clone``,
    ``Pipeline``, ``GridSearchCV``, ``check_estimator``) without depending on
    scikit-learn: see :mod:`._estimator` for why it does not inherit from
    ``sklearn.base.BaseEstimator``. Fitted on a data frame whose column names
    are all strings it keeps them in ``feature_names_in_`` and, like
    scikit-learn, warns or raises when later data's names differ.

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
        initialisations can lead to different tied fits. The same two
        initialisations give diag and spherical fits that differ from
        scikit-learn's by up to about 1e-4 in the means (iris): a component on
        one sample has variance exactly ``reg_covar`` here, while
        scikit-learn's :math:`E[x^2]-\\mu^2` leaves a rounding residue of up to
        1.4e-13 on top, a relative 1.4e-7 of ``reg_covar`` = 1e-6; the first
        E-step divides squared distances of order 1-10 by that variance, so the
        residue moves log-densities by up to 2.3 and the responsibilities of
        samples between two components by up to 0.01 (iris, 20 seeds).
        Started from the same initial parameters the fits agree to 1e-9.
    random_state : int, RandomState, Generator or None
        Seeds the initialisation and :meth:`sample`.
    warm_start : bool, default=False
        As scikit-learn's: a second ``fit`` on an already fitted mixture
        starts from its fitted parameters (one run, ``n_init`` ignored, no
        initialisation) and from its ``lower_bound_``.
    verbose : int, default=0
        As scikit-learn's, printed to standard output: 1 prints each
        initialisation, every ``verbose_interval``-th iteration and whether
        it converged; 2 adds the time and the change of the lower bound.
    verbose_interval : int, default=10
        Iterations between two messages.

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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The column names of the data frame ``fit`` got, when they are all
        strings (otherwise the attribute is absent).
    """

    def __init__(self, n_components: int = 1, *, covariance_type: str = "full", tol: float = 1e-3,
                 reg_covar: float = 1e-6, max_iter: int = 100, n_init: int = 1, init_params: str = "kmeans",
                 weights_init: ArrayLike | None = None, means_init: ArrayLike | None = None,
                 precisions_init: ArrayLike | None = None, random_state: RandomState = None,
                 warm_start: bool = False, verbose: int = 0, verbose_interval: int = 10):
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
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "precisions_cholesky_")

    # ---- fitting
    def fit(self, X: ArrayLike, y: Any = None) -> GaussianMixture:
        """Estimate the parameters by EM (``n_init`` runs, the best kept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        self._fit(_check_X(X), _feature_names(X))
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
        names = _feature_names(X)
        X = _check_X(X)
        self._fit(X, names)
        return self._labels(X)

    def _fit(self, X: np.ndarray, names: np.ndarray | None) -> None:
        ops = _ops(self.covariance_type)
        K = _check_n_components(self.n_components, X.shape[0], "n_components")
        tol = _check_nonneg_real(self.tol, "tol")
        reg = _check_nonneg_real(self.reg_covar, "reg_covar")
        max_iter = _check_int(self.max_iter, "max_iter", 0)
        n_init = _check_int(self.n_init, "n_init", 1)
        if self.init_params not in INIT_METHODS:
            raise ValueError(f"init_params: {self.init_params!r} is not an initialisation; expected one of "
                             + ", ".join(INIT_METHODS))
        if not isinstance(self.warm_start, (bool, np.bool_)):
            raise TypeError(f"warm_start: got {self.warm_start!r} of type {type(self.warm_start).__name__}; "
                            "expected True or False")
        verbose = int(self.verbose) if isinstance(self.verbose, (bool, np.bool_)) else \
            _check_int(self.verbose, "verbose", 0)
        interval = _check_int(self.verbose_interval, "verbose_interval", 1)
        n, d = X.shape
        w0 = None if self.weights_init is None else _check_weights(self.weights_init, K, "weights_init")
        m0 = None if self.means_init is None else _check_means(self.means_init, K, d, "means_init")
        p0 = None
        if self.precisions_init is not None:
            p0 = _check_array_shape(self.precisions_init, ops.shape(K, d), "precisions_init")
            p0 = _check_positive_definite(p0, ops, "precisions_init")
        do_init = not (self.warm_start and hasattr(self, "converged_"))   # scikit-learn's rule
        if not do_init:
            self._check_warm_start(K, d, ops)
            n_init = 1
        rng = check_random_state(self.random_state)
        resp = np.empty((n, K))
        best = None
        for init in range(n_init):
            clock = started = self._say_init_begins(verbose, init)
            if not do_init:
                weights, means = self.weights_.copy(), self.means_.copy()
                covariances, prec_chol = self.covariances_.copy(), self.precisions_cholesky_.copy()
            elif w0 is not None and m0 is not None and p0 is not None:
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
            lower_bound = -np.inf if do_init else self.lower_bound_
            history, converged, n_iter = [], False, 0
            for n_iter in range(1, max_iter + 1):
                previous = lower_bound
                lower_bound, nk, sums = _e_pass(X, weights, means, prec_chol, ops, resp, stats=True)
                nk, means, covariances = _m_finish(X, resp, nk, sums, ops, reg)
                weights = nk / nk.sum()
                prec_chol = _precision_cholesky(covariances, ops)
                history.append(lower_bound)
                clock = self._say_iteration(verbose, interval, n_iter, lower_bound - previous, clock)
                if abs(lower_bound - previous) < tol:
                    converged = True
                    break
            if max_iter > 0:
                self._say_init_ends(verbose, lower_bound, converged, started)
            if best is None or lower_bound > best[0] or best[0] == -np.inf:
                best = (lower_bound, (weights, means, covariances, prec_chol), n_iter, history, converged)
        lower_bound, params, n_iter, history, converged = best
        if not converged and max_iter > 0:
            warnings.warn(f"GaussianMixture: EM stopped at max_iter={max_iter} before the mean "
                          f"log-likelihood changed by less than tol={tol:g}; increase max_iter or tol, "
                          "try other initial parameters, or check for degenerate data",
                          _convergence_warning(), stacklevel=3)
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        self.precisions_ = ops.precisions_from_chol(self.precisions_cholesky_)
        self.converged_ = converged
        self.n_iter_ = n_iter
        self.lower_bound_ = float(lower_bound)
        self.lower_bounds_ = [float(v) for v in history]
        self.n_features_in_ = d
        if names is not None:
            self.feature_names_in_ = names
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _check_warm_start(self, K: int, d: int, ops) -> None:
        fitted = (len(self.weights_), self.means_.shape[1], np.shape(self.covariances_))
        if fitted != (K, d, ops.shape(K, d)):
            raise ValueError(f"warm_start: the fitted mixture has {fitted[0]} components, {fitted[1]} features "
                             f"and covariances of shape {fitted[2]}, but this fit asks for {K} components, "
                             f"{d} features and covariance_type={self.covariance_type!r}; set warm_start=False "
                             "to start afresh")

    # ---- verbose output, scikit-learn's messages
    @staticmethod
    def _say_init_begins(verbose: int, init: int) -> float:
        if verbose >= 1:
            print(f"Initialization {init}")
        return time.perf_counter()

    @staticmethod
    def _say_iteration(verbose: int, interval: int, n_iter: int, change: float, clock: float) -> float:
        if verbose >= 1 and n_iter % interval == 0:
            if verbose == 1:
                print(f"  Iteration {n_iter}")
            else:
                now = time.perf_counter()
                print(f"  Iteration {n_iter}\t time lapse {now - clock:.5f}s\t ll change {change:.5f}")
                return now
        return clock

    @staticmethod
    def _say_init_ends(verbose: int, lower_bound: float, converged: bool, clock: float) -> None:
        message = "converged" if converged else "did not converge"
        if verbose == 1:
            print(f"Initialization {message}.")
        elif verbose >= 2:
            print(f"Initialization {message}. time lapse {time.perf_counter() - clock:.5f}s\t "
                  f"lower bound {lower_bound:.5f}.")

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
            raise _not_fitted(self)
        _check_feature_names(self, X)
        X = _check_X(X)
        _check_n_features(self, X)
        return X

    def _resp(self, X: np.ndarray) -> np.ndarray:
        resp = np.empty((X.shape[0], len(self.weights_)))
        _e_pass(X, self.weights_, self.means_, self.precisions_cholesky_, _ops(self.covariance_type),
                resp, stats=False)
        return resp

    def _labels(self, X: np.ndarray) -> np.ndarray:
        return np.argmax(self._resp(X), axis=1)

    def score_samples(self, X: ArrayLike) -> np.ndarray:
        r"""Log-density :math:`\log p(x_n)` of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        return self._log_density(self._check_fitted_X(X))

    def _log_density(self, X: np.ndarray) -> np.ndarray:
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
        return self._resp(self._check_fitted_X(X))

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
        return -2.0 * float(np.mean(self._log_density(X))) * X.shape[0] + self._n_parameters() * math.log(X.shape[0])

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
        return -2.0 * float(np.mean(self._log_density(X))) * X.shape[0] + 2.0 * self._n_parameters()

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
            raise _not_fitted(self)
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
