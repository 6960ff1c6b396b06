"""numerics.gmm against scikit-learn, scipy and exact rational arithmetic."""
from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture as SKGaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

from workedout.numerics.gmm import _covariance, _em
from workedout.numerics.gmm import (COVARIANCE_TYPES, ConvergenceWarning, GaussianMixture, NotFittedError,
                          adjusted_rand_index, e_step, kmeans, kmeans_plusplus, m_step, n_parameters,
                          parse_k_values, select)

TYPES = list(COVARIANCE_TYPES)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def blobs(n_per=60, d=3, K=3, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(K, d))
    scales = rng.uniform(0.5, 2.0, size=(K, d))
    X = np.vstack([centres[k] + rng.normal(size=(n_per, d)) * scales[k] for k in range(K)])
    return X + offset, np.repeat(np.arange(K), n_per)


def random_params(rng, K, d, ctype):
    weights = rng.dirichlet(np.ones(K) * 2)
    means = rng.normal(scale=3, size=(K, d))
    A = rng.normal(size=(K, d, d))
    full = A @ np.swapaxes(A, 1, 2) + d * np.eye(d)
    cov = {"full": full, "tied": full[0], "diag": rng.uniform(0.5, 3, size=(K, d)),
           "spherical": rng.uniform(0.5, 3, size=K)}[ctype]
    return weights, means, cov


def to_full(cov, ctype, K, d):
    return {"full": lambda: cov, "tied": lambda: np.broadcast_to(cov, (K, d, d)),
            "diag": lambda: np.stack([np.diag(c) for c in cov]),
            "spherical": lambda: np.stack([c * np.eye(d) for c in cov])}[ctype]()


@pytest.fixture(params=["kernel", "blas"])
def path(request, monkeypatch):
    """Run a test through both code paths: compiled per-row loops and blocks through BLAS."""
    monkeypatch.setattr(_em, "_FORCE_PATH", request.param)
    monkeypatch.setattr(_covariance, "_SCATTER_KERNEL_MAX_FEATURES", 10**6 if request.param == "kernel" else 0)
    return request.param


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# --------------------------------------------------------------------------- sklearn parity

@pytest.mark.parametrize("ctype", TYPES)
def test_fit_from_same_initial_parameters_matches_sklearn(ctype, path):
    X, _ = blobs()
    start = SKGaussianMixture(3, covariance_type=ctype, max_iter=1, init_params="random_from_data",
                              random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start.fit(X)
    init = dict(weights_init=start.weights_, means_init=start.means_, precisions_init=start.precisions_)
    sk = SKGaussianMixture(3, covariance_type=ctype, tol=1e-8, max_iter=500, **init).fit(X)
    ours = GaussianMixture(3, covariance_type=ctype, tol=1e-8, max_iter=500, **init).fit(X)
    assert ours.n_iter_ == sk.n_iter_ and ours.converged_ == sk.converged_
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        assert rel(getattr(ours, name), getattr(sk, name)) < 1e-8, name
    assert abs(ours.lower_bound_ - sk.lower_bound_) <= 1e-8 * abs(sk.lower_bound_)
    assert rel(ours.lower_bounds_, sk.lower_bounds_) < 1e-8


@pytest.mark.parametrize("ctype", TYPES)
def test_default_kmeans_initialisation_reproduces_sklearn(ctype):
    X, _ = blobs(seed=3)
    sk = SKGaussianMixture(3, covariance_type=ctype, random_state=0).fit(X)
    ours = GaussianMixture(3, covariance_type=ctype, random_state=0).fit(X)
    assert ours.n_iter_ == sk.n_iter_
    assert rel(ours.means_, sk.means_) < 1e-8
    assert rel(ours.covariances_, sk.covariances_) < 1e-8


@pytest.mark.parametrize("ctype", TYPES)
def test_predictions_equal_sklearn_on_the_fitted_parameters(ctype):
    X, _ = blobs(seed=2)
    ours = GaussianMixture(3, covariance_type=ctype, random_state=0).fit(X)
    sk = SKGaussianMixture(3, covariance_type=ctype)
    for name in ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_"):
        setattr(sk, name, getattr(ours, name))
    sk.n_features_in_, sk.converged_, sk.n_iter_, sk.lower_bound_ = 3, True, ours.n_iter_, ours.lower_bound_
    Xn = np.random.default_rng(9).normal(scale=6, size=(300, 3))
    assert np.array_equal(ours.predict(Xn), sk.predict(Xn))
    np.testing.assert_allclose(ours.predict_proba(Xn), sk.predict_proba(Xn), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.score_samples(Xn), sk.score_samples(Xn), rtol=1e-10)
    assert ours.score(Xn) == pytest.approx(sk.score(Xn), rel=1e-12)
    assert ours.bic(Xn) == pytest.approx(sk.bic(Xn), rel=1e-12)
    assert ours.aic(Xn) == pytest.approx(sk.aic(Xn), rel=1e-12)
    assert np.array_equal(ours.fit_predict(X), ours.predict(X))


@pytest.mark.parametrize("ctype", TYPES)
def test_e_step_matches_sklearn_and_scipy(ctype, path):
    rng = np.random.default_rng(4)
    K, d = 3, 2
    X = rng.normal(scale=3, size=(200, d))
    weights, means, cov = random_params(rng, K, d, ctype)
    ll, resp = e_step(X, weights, means, cov, ctype)
    full = to_full(cov, ctype, K, d)
    dens = np.column_stack([weights[k] * stats.multivariate_normal(means[k], full[k]).pdf(X) for k in range(K)])
    assert ll == pytest.approx(np.mean(np.log(dens.sum(axis=1))), rel=1e-12)
    np.testing.assert_allclose(resp, dens / dens.sum(axis=1, keepdims=True), rtol=1e-10, atol=1e-14)
    sk = SKGaussianMixture(K, covariance_type=ctype)
    sk.weights_, sk.means_ = weights, means
    sk.precisions_cholesky_ = _covariance._precision_cholesky(np.asarray(cov, float), _covariance._ops(ctype))
    log_norm, log_resp = sk._estimate_log_prob_resp(X)
    assert ll == pytest.approx(np.mean(log_norm), rel=1e-12)
    np.testing.assert_allclose(resp, np.exp(log_resp), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("ctype", TYPES)
@pytest.mark.parametrize("reg", [0.0, 1e-3])
def test_m_step_matches_sklearn(ctype, reg, path):
    rng = np.random.default_rng(5)
    X = rng.normal(scale=2, size=(150, 3))
    resp = rng.dirichlet(np.ones(4), size=150)
    weights, means, cov = m_step(X, resp, ctype, reg_covar=reg)
    nk, sk_means, sk_cov = _estimate_gaussian_parameters(X, resp, reg, ctype)
    assert rel(weights, nk / nk.sum()) < 1e-12
    assert rel(means, sk_means) < 1e-12
    assert rel(cov, sk_cov) < 1e-10


def test_m_step_with_unnormalised_and_empty_rows(path):
    """Rows of resp need not sum to 1 (hard or partial assignments, unassigned samples)."""
    rng = np.random.default_rng(17)
    X = rng.normal(size=(30, 3))
    resp = rng.random((30, 4))
    resp[:5] = 0.0
    resp[5:10] *= 3.0
    nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
    mu = resp.T @ X / nk[:, None]
    S = np.stack([(resp[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(4)])
    expected = {"full": S / nk[:, None, None], "tied": S.sum(axis=0) / nk.sum(),
                "diag": np.stack([np.diag(S[k]) for k in range(4)]) / nk[:, None],
                "spherical": np.array([np.trace(S[k]) / 3 for k in range(4)]) / nk}
    for ctype in TYPES:
        weights, means, cov = m_step(X, resp, ctype)
        assert rel(means, mu) < 1e-13 and rel(weights, nk / nk.sum()) < 1e-14
        np.testing.assert_allclose(cov, expected[ctype], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("ctype", TYPES)
def test_m_step_far_from_origin_is_exact_where_sklearn_is_not(ctype, path):
    """Data offset by 1e8 with variances 1-4: our centred estimates against exact rationals."""
    rng = np.random.default_rng(6)
    n, d, K = 40, 2, 2
    X = 1e8 + rng.normal(size=(n, d)) * np.array([1.0, 2.0])
    resp = rng.dirichlet(np.ones(K), size=n)
    _, means, cov = m_step(X, resp, ctype)
    Xq = [[Fraction(v) for v in row] for row in X]
    Rq = [[Fraction(v) for v in row] for row in resp]
    nk = [sum(Rq[i][k] for i in range(n)) for k in range(K)]
    mu = [[sum(Rq[i][k] * Xq[i][a] for i in range(n)) / nk[k] for a in range(d)] for k in range(K)]
    S = [[[sum(Rq[i][k] * (Xq[i][a] - mu[k][a]) * (Xq[i][b] - mu[k][b]) for i in range(n))
           for b in range(d)] for a in range(d)] for k in range(K)]
    exact_full = np.array([[[float(S[k][a][b] / nk[k]) for b in range(d)] for a in range(d)] for k in range(K)])
    exact = {"full": exact_full,
             "tied": np.array([[float(sum(S[k][a][b] for k in range(K)) / n) for b in range(d)]
                               for a in range(d)]),
             "diag": np.array([[float(S[k][a][a] / nk[k]) for a in range(d)] for k in range(K)]),
             "spherical": np.array([float(sum(S[k][a][a] for a in range(d)) / (d * nk[k])) for k in range(K)])
             }[ctype]
    assert rel(means, np.array([[float(v) for v in m] for m in mu])) < 1e-14
    assert np.max(np.abs(cov - exact)) <= 1e-6 * np.max(np.abs(exact))
    # scikit-learn's tied/diag/spherical estimators use E[x^2] - mu^2: at an offset of 1e8
    # x^2 ~ 1e16 carries rounding errors of about 2, the size of the variances themselves.
    _, _, sk_cov = _estimate_gaussian_parameters(X, resp, 0.0, ctype)
    sk_error = np.max(np.abs(sk_cov - exact)) / np.max(np.abs(exact))
    if ctype == "full":
        assert sk_error < 1e-6        # sklearn's full estimator is centred too
    else:
        assert sk_error > 1e-2        # off by whole units


@pytest.mark.parametrize("ctype", TYPES)
def test_fit_far_from_origin_equals_fit_near_it(ctype, path):
    X, _ = blobs(n_per=50, d=2, seed=7)
    X = np.round(X * 2**20) / 2**20            # so that X + 1e8 is exact: the same data, shifted
    a = GaussianMixture(3, covariance_type=ctype, random_state=0, max_iter=20).fit(X)
    init = dict(weights_init=a.weights_, precisions_init=a.precisions_, max_iter=30, tol=0.0)
    means0 = np.round(a.means_ * 2**20) / 2**20
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = GaussianMixture(3, covariance_type=ctype, means_init=means0, **init).fit(X)
        b = GaussianMixture(3, covariance_type=ctype, means_init=means0 + 1e8, **init).fit(X + 1e8)
    assert np.max(np.abs(b.covariances_ - a.covariances_)) < 1e-6 * np.max(np.abs(a.covariances_))
    assert np.max(np.abs(b.means_ - 1e8 - a.means_)) < 1e-6


# --------------------------------------------------------------------------- laws (hypothesis)

@st.composite
def mixture_data(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    d = draw(st.integers(1, 3))
    K = draw(st.integers(1, 3))
    n_per = draw(st.integers(8, 30))
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=draw(st.floats(0.5, 6)), size=(K, d))
    X = np.vstack([centres[k] + rng.normal(size=(n_per, d)) * rng.uniform(0.3, 2, size=d) for k in range(K)])
    return X, K, seed


@SETTINGS
@given(data=mixture_data(), ctype=st.sampled_from(TYPES), init=st.sampled_from(["random", "kmeans"]))
def test_log_likelihood_never_decreases(data, ctype, init):
    """EM's law, with reg_covar=0 so that each M-step maximises exactly.

    Runs where a component collapses onto one sample (variance at rounding level, the
    likelihood unbounded) are set aside: there every implementation's rounding is
    amplified by a precision of 1e15 and no ordering survives ('random_from_data'
    starts exactly there).
    """
    X, K, seed = data
    model = GaussianMixture(K, covariance_type=ctype, init_params=init, reg_covar=0.0, tol=0.0, max_iter=25,
                            random_state=seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X)
    except ValueError as exc:            # a component collapsed onto too few points: no covariance
        assert "reg_covar" in str(exc)
        assume(False)
    full = _covariance._ops(ctype).to_full(model.covariances_, K, X.shape[1])
    assume(np.linalg.eigvalsh(full).min() > 1e-8 * X.var())
    ll = np.array(model.lower_bounds_)
    assert np.all(np.isfinite(ll))
    assert np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:]).clip(1.0))


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), ctype=st.sampled_from(TYPES), K=st.integers(1, 5),
       d=st.integers(1, 4), scale=st.floats(0.1, 1e3))
def test_responsibilities_sum_to_one(seed, ctype, K, d, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=scale, size=(50, d))
    weights, means, cov = random_params(rng, K, d, ctype)
    ll, resp = e_step(X, weights, means, cov, ctype)
    assert math.isfinite(ll)
    assert np.all(resp >= 0)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5)), min_size=0, max_size=60))
def test_adjusted_rand_index_equals_sklearn(pairs):
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


def test_adjusted_rand_index_on_strings_and_errors():
    assert adjusted_rand_index(["a", "a", "b"], [1, 1, 0]) == 1.0
    with pytest.raises(ValueError, match="lengths differ"):
        adjusted_rand_index([0, 1], [0])


# --------------------------------------------------------------------------- k-means, parameters, selection

def test_kmeans_matches_sklearn_from_the_same_centres():
    X, _ = blobs(n_per=80, d=2, K=4, seed=8)
    init = X[[0, 1, 2, 3]]
    ours = kmeans(X, 4, init=init)
    sk = KMeans(4, init=init, n_init=1, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(ours.centers, sk.cluster_centers_, rtol=1e-10)
    assert np.array_equal(ours.labels, sk.labels_)
    assert ours.inertia == pytest.approx(sk.inertia_, rel=1e-10)
    assert ours.n_iter == sk.n_iter_
    centers, labels, inertia, n_iter = ours     # unpacks like a tuple


def test_kmeans_plusplus_makes_sklearns_draws():
    X, _ = blobs(seed=9)
    c1, i1 = kmeans_plusplus(X, 4, random_state=0)
    c2, i2 = sk_kmeans_plusplus(X, 4, random_state=0)
    assert np.array_equal(i1, i2) and np.array_equal(c1, c2)


def test_kmeans_with_duplicates_and_empty_clusters():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 10, axis=0)
    res = kmeans(X, 3, random_state=0)
    assert np.all(np.isfinite(res.centers)) and res.inertia == pytest.approx(0.0, abs=1e-9)
    assert set(np.unique(res.labels)) <= {0, 1, 2}


@pytest.mark.parametrize("ctype", TYPES)
def test_n_parameters_equals_sklearn(ctype):
    for K in (1, 2, 5):
        for d in (1, 2, 7):
            sk = SKGaussianMixture(K, covariance_type=ctype)
            sk.means_ = np.zeros((K, d))
            assert n_parameters(K, d, ctype) == sk._n_parameters()


def test_select_rows_best_and_ari():
    rng = np.random.default_rng(10)
    y = np.repeat(np.arange(3), 40)
    X = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])[y] + rng.normal(size=(120, 2))
    res = select(X, "1-4", "full,spherical", random_state=0, labels=y, progress=False)
    assert [(r["k"], r["covariance"]) for r in res.rows] == [(k, c) for k in range(1, 5)
                                                              for c in ("full", "spherical")]
    assert res.best is min(res.rows, key=lambda r: r["bic"])
    assert set(res.rows[0]) == {"k", "covariance", "bic", "aic", "log_likelihood", "n_parameters", "ari",
                                "converged", "n_iter"}
    for r in res.rows:      # every row is reproducible by one fit with the same seed
        m = GaussianMixture(r["k"], covariance_type=r["covariance"], random_state=0).fit(X)
        assert r["bic"] == pytest.approx(m.bic(X), rel=1e-12)
        assert r["log_likelihood"] == pytest.approx(m.score(X) * len(X), rel=1e-12)
    assert res.best["k"] == 3 and res.best["ari"] > 0.9
    assert res.to_dict()["best"] == {"k": 3, "covariance": res.best["covariance"]}
    assert res.best_model.n_components == 3


def test_parse_k_values():
    assert parse_k_values("1-6") == [1, 2, 3, 4, 5, 6]
    assert parse_k_values("2-3,5,2") == [2, 3, 5]
    assert parse_k_values(range(1, 3)) == [1, 2]
    for bad in ("1-x", "3-1", "", "0"):
        with pytest.raises(ValueError, match="k_values"):
            parse_k_values(bad)


def test_sample_is_seeded_and_shaped():
    X, _ = blobs(seed=11)
    m = GaussianMixture(3, covariance_type="full", random_state=5).fit(X)
    Xs, ys = m.sample(500)
    Xs2, _ = m.sample(500)
    assert Xs.shape == (500, 3) and ys.shape == (500,) and np.array_equal(Xs, Xs2)
    assert np.abs(Xs[ys == 0].mean(axis=0) - m.means_[0]).max() < 1.0


# --------------------------------------------------------------------------- bad and degenerate input

def test_degenerate_duplicates_regularised_or_clear_error():
    X = np.ones((20, 2))
    for ctype in TYPES:
        m = GaussianMixture(2, covariance_type=ctype, random_state=0).fit(X)
        assert all(np.all(np.isfinite(getattr(m, a))) for a in ("weights_", "means_", "covariances_"))
        with pytest.raises(ValueError, match="increase reg_covar"):
            GaussianMixture(2, covariance_type=ctype, reg_covar=0.0, random_state=0).fit(X)


def test_constant_column_and_more_components_than_points():
    X, _ = blobs(n_per=20, d=2, seed=12)
    X[:, 1] = 3.0
    m = GaussianMixture(2, random_state=0).fit(X)
    assert np.all(np.isfinite(m.covariances_))
    with pytest.raises(ValueError, match="reg_covar"):
        GaussianMixture(2, reg_covar=0.0, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"n_components: 5 components but only 4 samples; use at most 4"):
        GaussianMixture(5).fit(X[:4])


def test_emptied_component_keeps_finite_parameters():
    X, _ = blobs(n_per=30, d=2, K=2, seed=13)
    means = np.array([X.mean(axis=0), X.mean(axis=0) + 1e3])       # the second component gets no sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = GaussianMixture(2, means_init=means, max_iter=5, random_state=0).fit(X)
    for a in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert np.all(np.isfinite(getattr(m, a))), a
    assert m.weights_[1] < 1e-12


def test_non_finite_and_badly_shaped_input_named():
    X = np.zeros((5, 3))
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"X: contains NaN or inf: row 3, column 2"):
        GaussianMixture(1).fit(X)
    with pytest.raises(ValueError, match="reshape"):
        GaussianMixture(1).fit(np.arange(5.0))
    with pytest.raises(ValueError, match="covariance_type: 'ful' is not a covariance type; expected one of full, "
                                         "tied, diag, spherical"):
        GaussianMixture(1, covariance_type="ful").fit(np.ones((4, 2)))
    with pytest.raises(ValueError, match="init_params"):
        GaussianMixture(1, init_params="kmean").fit(np.ones((4, 2)))
    with pytest.raises(TypeError, match="n_components"):
        GaussianMixture(1.5).fit(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"weights: sum to"):
        e_step(np.ones((4, 2)), [0.5, 0.6], np.zeros((2, 2)), np.ones(2), "spherical")
    with pytest.raises(ValueError, match=r"covariances: shape \(2,\); expected \(2, 2\)"):
        e_step(np.ones((4, 2)), [0.5, 0.5], np.zeros((2, 2)), np.ones(2), "diag")
    with pytest.raises(NotFittedError):
        GaussianMixture(2).predict(np.ones((3, 2)))
    with pytest.raises(ValueError, match="precisions_init"):
        GaussianMixture(1, covariance_type="tied", precisions_init=[[1.0, 2.0], [2.0, 1.0]]).fit(np.eye(3)[:, :2])


def test_convergence_warning():
    X, _ = blobs(seed=14)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        GaussianMixture(3, max_iter=2, tol=0.0, random_state=0).fit(X)
    assert issubclass(ConvergenceWarning, UserWarning)


def test_random_state_forms():
    X, _ = blobs(seed=15)
    a = GaussianMixture(3, init_params="random", random_state=np.random.RandomState(3)).fit(X)
    b = GaussianMixture(3, init_params="random", random_state=3).fit(X)
    c = GaussianMixture(3, init_params="random", random_state=np.random.default_rng(3)).fit(X)
    assert np.array_equal(a.means_, b.means_) and np.all(np.isfinite(c.means_))
    with pytest.raises(TypeError, match="random_state"):
        GaussianMixture(3, random_state="x").fit(X)


# --------------------------------------------------------------------------- figures

def test_figures_render_deterministically(tmp_path):
    from workedout.numerics.figures import save_figure
    from workedout.numerics.gmm_plots import MixtureParams, plot_1d, plot_2d, plot_convergence, plot_selection
    X, y = blobs(n_per=30, d=2, K=3, seed=16)
    m = GaussianMixture(3, covariance_type="tied", random_state=0).fit(X)
    m1 = GaussianMixture(2, random_state=0).fit(X[:, :1])
    res = select(X, "1-3", "full,diag", random_state=0, progress=False)
    figs = {"1d": lambda: plot_1d(m1, X[:, 0]), "2d": lambda: plot_2d(m, X, labels=y),
            "2dp": lambda: plot_2d(MixtureParams(m.weights_, m.means_, m.covariances_, "tied"), X),
            "sel": lambda: plot_selection(res), "conv": lambda: plot_convergence(m)}
    for name, make in figs.items():
        a = save_figure(make(), tmp_path / f"{name}-a.png").read_bytes()
        b = save_figure(make(), tmp_path / f"{name}-b.png").read_bytes()
        assert a == b and a[:8] == b"\x89PNG\r\n\x1a\n", name
    with pytest.raises(ValueError, match="two features"):
        plot_2d(m1, X[:, :1])
