"""numerics.gmm.GaussianMixture as a scikit-learn estimator: the protocol, check_estimator, Pipeline and
GridSearchCV against scikit-learn's own GaussianMixture, and why k-means++ fits differ at 1e-5."""
from __future__ import annotations

import pickle
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning as SKConvergenceWarning
from sklearn.exceptions import NotFittedError as SKNotFittedError
from sklearn.mixture import GaussianMixture as SKGaussianMixture
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state as sk_check_random_state
from sklearn.utils import estimator_checks, get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks
from workedout.numerics.gmm import ConvergenceWarning, GaussianMixture, NotFittedError
from workedout.numerics.gmm._covariance import _ops
from workedout.numerics.gmm._em import _m_finish, _resp_stats
from workedout.numerics.io import load_dataset

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def iris():
    return load_dataset("iris").X


def blobs(seed=0, n=60, d=3):
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(loc=5 * k, size=(n, d)) for k in range(3)])


# --------------------------------------------------------------------------- check_estimator

#: The checks that do not apply, each with its reason (scikit-learn's ``expected_failed_checks``).
NOT_APPLICABLE = {
    "check_array_api_input": "the engine computes in NumPy (and numba) only; its tags say array_api_support=False, "
                             "as scikit-learn's own GaussianMixture's do, and the check is skipped for both unless "
                             "SCIPY_ARRAY_API=1 and array-api-strict are installed",
}


with warnings.catch_warnings():
    # "does not inherit from sklearn.base.BaseEstimator": by design (numerics must not import scikit-learn,
    # see numerics/gmm/_estimator.py); every check still runs, the same 41 as on scikit-learn's own mixture
    warnings.filterwarnings("ignore", "Estimator GaussianMixture does not inherit", UserWarning)
    _every_check = parametrize_with_checks([GaussianMixture()], expected_failed_checks=lambda e: NOT_APPLICABLE)


@_every_check
def test_check_estimator(estimator, check):
    with warnings.catch_warnings():
        # checks fit on tiny random data, where EM may stop at max_iter: a warning, not a failure
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def test_check_estimator_runs_every_check_scikit_learn_runs_on_its_own_mixture():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = estimator_checks.check_estimator(GaussianMixture(), on_fail=None,
                                                expected_failed_checks=NOT_APPLICABLE)
        theirs = estimator_checks.check_estimator(SKGaussianMixture(), on_fail=None)
    assert {r["check_name"] for r in ours} == {r["check_name"] for r in theirs}
    assert len(ours) >= 40
    failed = {r["check_name"]: r["exception"] for r in ours if r["status"] not in ("passed", "xfail", "skipped")}
    assert failed == {}
    assert {r["check_name"] for r in ours if r["status"] != "passed"} <= set(NOT_APPLICABLE)


@pytest.mark.parametrize("name", ["check_dataframe_column_names_consistency", "check_n_features_in_after_fitting",
                                  "check_requires_y_none", "check_estimators_unfitted"])
def test_checks_outside_check_estimators_default_set(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        getattr(estimator_checks, name)("GaussianMixture", GaussianMixture())


# --------------------------------------------------------------------------- parameters, clone, repr, tags

def test_parameters_and_defaults_are_scikit_learns():
    ours, theirs = GaussianMixture().get_params(), SKGaussianMixture().get_params()
    assert set(ours) == set(theirs)
    assert {k: repr(v) for k, v in ours.items()} == {k: repr(v) for k, v in theirs.items()}


def test_clone_copies_parameters_not_the_fit(iris):
    est = GaussianMixture(3, covariance_type="diag", random_state=0, warm_start=True).fit(iris)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "means_") and hasattr(est, "means_")
    with pytest.raises(SKNotFittedError):
        copy.predict(iris)


def test_set_params_plain_nested_and_invalid():
    est = GaussianMixture()
    assert est.set_params(n_components=4, tol=1e-6) is est
    assert (est.n_components, est.tol) == (4, 1e-6)
    pipe = Pipeline([("scale", StandardScaler()), ("gmm", GaussianMixture())])
    pipe.set_params(gmm__covariance_type="spherical", scale__with_mean=False)
    assert pipe.named_steps["gmm"].covariance_type == "spherical"
    assert pipe.get_params()["gmm__covariance_type"] == "spherical"
    with pytest.raises(ValueError, match=r"Invalid parameter 'n_component' for estimator GaussianMixture\(\)"):
        GaussianMixture().set_params(n_component=3)


@given(st.fixed_dictionaries({}, optional={
    "n_components": st.integers(1, 9), "covariance_type": st.sampled_from(["full", "tied", "diag", "spherical"]),
    "tol": st.floats(0, 1), "reg_covar": st.floats(0, 1), "max_iter": st.integers(0, 500),
    "n_init": st.integers(1, 5), "init_params": st.sampled_from(["kmeans", "k-means++", "random", "random_from_data"]),
    "random_state": st.none() | st.integers(0, 2**32 - 1), "warm_start": st.booleans(),
    "verbose": st.integers(0, 2), "verbose_interval": st.integers(1, 20)}))
@settings(max_examples=60, deadline=None)
def test_get_set_params_clone_and_repr_agree_with_scikit_learn(params):
    ours, theirs = GaussianMixture(**params), SKGaussianMixture(**params)
    assert clone(ours).get_params() == ours.get_params()
    assert GaussianMixture().set_params(**params).get_params() == ours.get_params()
    assert repr(ours) == repr(theirs).replace("\n", "").replace(" " * 16, " ")


def test_tags_are_scikit_learns():
    assert get_tags(GaussianMixture()) == get_tags(SKGaussianMixture())
    assert get_tags(GaussianMixture()).estimator_type == "density_estimator"


def test_scikit_learn_is_not_imported_by_the_engine():
    code = ("import sys, warnings, numpy as np\n"
            "from workedout.numerics.gmm import GaussianMixture, NotFittedError\n"
            "X = np.random.default_rng(0).normal(size=(40, 2))\n"
            "try:\n    GaussianMixture().predict(X)\nexcept NotFittedError as e:\n    kind = type(e)\n"
            "gm = GaussianMixture(2, random_state=0).fit(X)\n"
            "gm.predict(X); gm.score(X); repr(gm); gm.get_params()\n"
            "assert kind is NotFittedError, kind\n"
            "assert not any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- errors as scikit-learn's

def test_not_fitted_is_scikit_learns_and_ours_and_pickles(iris):
    for method in ("predict", "predict_proba", "score", "score_samples", "bic", "aic"):
        with pytest.raises(SKNotFittedError, match="This GaussianMixture instance is not fitted yet"):
            getattr(GaussianMixture(), method)(iris)
    with pytest.raises(NotFittedError):
        GaussianMixture().sample(3)
    try:
        GaussianMixture().predict(iris)
    except NotFittedError as exc:
        again = pickle.loads(pickle.dumps(exc))
        assert isinstance(again, SKNotFittedError) and str(again) == str(exc)


def test_convergence_warning_is_scikit_learns_and_ours(iris):
    with pytest.warns(SKConvergenceWarning, match="max_iter=1") as caught:
        GaussianMixture(3, max_iter=1, tol=0, random_state=0).fit(iris)
    assert all(issubclass(w.category, ConvergenceWarning) for w in caught if "max_iter" in str(w.message))


@pytest.mark.parametrize("bad, kind, words", [
    (np.ones((4, 2)) * (1 + 1j), ValueError, "X: Complex data not supported"),
    (scipy.sparse.csr_matrix(np.eye(4)), TypeError, r"X: sparse input \(csr_matrix\) is not supported.*toarray"),
    (scipy.sparse.csr_array(np.eye(4)), TypeError, r"X: sparse input \(csr_array\) is not supported"),
    (np.array([[1.0, np.nan], [2.0, 3.0]]), ValueError, r"X: contains NaN or inf: row 0, column 1"),
    (np.array([[1.0, 2.0], [np.inf, 3.0]]), ValueError, r"X: contains NaN or inf: row 1, column 0"),
    (np.arange(5.0), ValueError, r"X: 1-D array.*Reshape your data"),
    (np.empty((4, 0)), ValueError, r"X: Found array with 0 feature\(s\) \(shape=\(4, 0\)\)"),
    (np.empty((0, 2)), ValueError, r"X: Found array with 0 sample\(s\)"),
    (np.array([["a", "b"], ["c", "d"]]), TypeError, r"X: an array of <U1 values; expected real numbers"),
])
def test_bad_input_errors_as_scikit_learns(bad, kind, words):
    with pytest.raises(kind, match=words):
        GaussianMixture().fit(bad)
    fitted = GaussianMixture().fit(np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]))
    with pytest.raises(kind, match=words):
        fitted.predict(bad)


def test_parameter_errors_name_the_parameter(iris):
    with pytest.raises(TypeError, match="warm_start: got 'yes'"):
        GaussianMixture(warm_start="yes").fit(iris)
    with pytest.raises(ValueError, match="verbose: got -1"):
        GaussianMixture(verbose=-1).fit(iris)
    with pytest.raises(ValueError, match="verbose_interval: got 0"):
        GaussianMixture(verbose_interval=0).fit(iris)


# --------------------------------------------------------------------------- feature names

def test_data_frame_sets_feature_names_and_refit_on_arrays_drops_them(iris):
    df = pd.DataFrame(iris, columns=["sl", "sw", "pl", "pw"])
    est = GaussianMixture(2, random_state=0).fit(df)
    assert list(est.feature_names_in_) == ["sl", "sw", "pl", "pw"] and est.n_features_in_ == 4
    sk = SKGaussianMixture(2, random_state=0).fit(df)
    assert np.array_equal(est.feature_names_in_, sk.feature_names_in_)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # the same names: no warning
        assert np.array_equal(est.predict(df), sk.predict(df))
    est.fit(iris)
    assert not hasattr(est, "feature_names_in_")
    assert not hasattr(GaussianMixture(2).fit(pd.DataFrame(iris)), "feature_names_in_")   # integer names


def test_feature_name_mismatch_warns_or_raises_as_scikit_learn(iris):
    df = pd.DataFrame(iris, columns=["sl", "sw", "pl", "pw"])
    ours = GaussianMixture(2, random_state=0).fit(df)
    theirs = SKGaussianMixture(2, random_state=0).fit(df)
    for est in (ours, theirs):
        with pytest.warns(UserWarning, match="X does not have valid feature names, but GaussianMixture "
                                             "was fitted with feature names"):
            est.predict(iris)
        with pytest.raises(ValueError, match="Feature names must be in the same order as they were in fit"):
            est.score(df[["sw", "sl", "pl", "pw"]])
        with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- petal\n"
                                             "Feature names seen at fit time, yet now missing:\n- pw\n"):
            est.score_samples(df.rename(columns={"pw": "petal"}))
    for est in (GaussianMixture(2, random_state=0).fit(iris), SKGaussianMixture(2, random_state=0).fit(iris)):
        with pytest.warns(UserWarning, match="X has feature names, but GaussianMixture was fitted without"):
            est.predict_proba(df)
    with pytest.raises(TypeError, match="Feature names are only supported if all input features have string names"):
        GaussianMixture().fit(pd.DataFrame(iris, columns=["a", 1, "c", "d"]))


def test_feature_count_mismatch(iris):
    est = GaussianMixture(2, random_state=0).fit(iris)
    for method in ("predict", "predict_proba", "score", "score_samples", "bic", "aic"):
        with pytest.raises(ValueError, match="X has 3 features, but GaussianMixture is expecting 4 features "
                                             r"as input \(it was fitted on shape \(n_samples, 4\)\)"):
            getattr(est, method)(iris[:, :3])


# --------------------------------------------------------------------------- warm_start and verbose

@pytest.mark.parametrize("ctype", ["full", "tied", "diag", "spherical"])
def test_warm_start_continues_as_scikit_learns(iris, ctype, capsys):
    kw = {"n_components": 3, "covariance_type": ctype, "max_iter": 2, "tol": 1e-10, "warm_start": True,
          "random_state": 0}
    ours, theirs = GaussianMixture(**kw), SKGaussianMixture(**kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            ours.fit(iris)
            theirs.fit(iris)
            assert ours.n_iter_ == theirs.n_iter_ and ours.converged_ == theirs.converged_
            np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-10)
    warm = GaussianMixture(**kw)
    cold = GaussianMixture(**{**kw, "warm_start": False, "max_iter": 6})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            warm.fit(iris)
        cold.fit(iris)
    # three warm fits of 2 iterations continue one another: the same as one run of 6 from the same start
    np.testing.assert_allclose(warm.means_, cold.means_, rtol=1e-12)
    assert warm.lower_bounds_ == cold.lower_bounds_[4:]
    # n_init is ignored once fitted: one run, no initialisation
    several = GaussianMixture(**{**kw, "n_init": 3, "verbose": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        several.fit(iris)
        assert capsys.readouterr().out.count("Initialization") == 6     # 3 begin + 3 end
        several.fit(iris)
        assert capsys.readouterr().out == "Initialization 0\nInitialization did not converge.\n"


def test_warm_start_with_other_shape_is_refused(iris):
    est = GaussianMixture(2, warm_start=True, random_state=0).fit(iris)
    with pytest.raises(ValueError, match="warm_start: the fitted mixture has 2 components, 4 features"):
        est.set_params(n_components=3).fit(iris)
    with pytest.raises(ValueError, match="warm_start: .* 3 features"):
        GaussianMixture(2, warm_start=True, random_state=0).fit(iris).fit(iris[:, :3])


def test_verbose_prints_scikit_learns_messages(iris, capsys):
    kw = {"n_components": 3, "n_init": 2, "random_state": 0, "verbose_interval": 2}
    GaussianMixture(verbose=1, **kw).fit(iris)
    ours = capsys.readouterr().out
    SKGaussianMixture(verbose=1, **kw).fit(iris)
    assert ours == capsys.readouterr().out
    assert ours.startswith("Initialization 0\n  Iteration 2\n")
    GaussianMixture(verbose=2, **kw).fit(iris)
    ours = capsys.readouterr().out
    SKGaussianMixture(verbose=2, **kw).fit(iris)
    theirs = capsys.readouterr().out
    blank = lambda text: re.sub(r"time lapse \d+\.\d{5}s", "time lapse Ts", text)
    assert blank(ours) == blank(theirs)
    assert "ll change" in ours and "lower bound" in ours
    GaussianMixture(**kw).fit(iris)
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------------------- in scikit-learn's tools

def test_pipeline_methods_and_cross_val_score(iris):
    pipe = Pipeline([("scale", StandardScaler()), ("gmm", GaussianMixture(3, random_state=0))]).fit(iris)
    Z = StandardScaler().fit_transform(iris)
    gm = GaussianMixture(3, random_state=0).fit(Z)
    assert np.array_equal(pipe.predict(iris), gm.predict(Z))
    np.testing.assert_allclose(pipe.predict_proba(iris), gm.predict_proba(Z))
    np.testing.assert_allclose(pipe.score_samples(iris), gm.score_samples(Z))
    assert pipe.score(iris) == pytest.approx(gm.score(Z))
    assert np.array_equal(pipe.fit_predict(iris), gm.predict(Z))
    cv = KFold(5, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = cross_val_score(pipe, iris, cv=cv)
        theirs = cross_val_score(clone(pipe).set_params(gmm=SKGaussianMixture(3, random_state=0)), iris, cv=cv)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_grid_search_in_a_pipeline_picks_scikit_learns_best(iris):
    grid = {"gmm__n_components": [1, 2, 3, 4, 5], "gmm__covariance_type": ["full", "tied", "diag", "spherical"]}
    cv = KFold(5, shuffle=True, random_state=0)
    searches = {}
    for name, cls in (("ours", GaussianMixture), ("sklearn", SKGaussianMixture)):
        pipe = Pipeline([("scale", StandardScaler()), ("gmm", cls(init_params="kmeans", random_state=0))])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            searches[name] = GridSearchCV(pipe, grid, cv=cv, error_score="raise").fit(iris)
    ours, theirs = searches["ours"], searches["sklearn"]
    assert ours.best_params_ == theirs.best_params_ == {"gmm__covariance_type": "full", "gmm__n_components": 3}
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"],
                               rtol=1e-9)
    assert isinstance(ours.best_estimator_.named_steps["gmm"], GaussianMixture)


# --------------------------------------------------------------------------- k-means++ against scikit-learn

def _initial(X, ctype, init, seed):
    """Our initial parameters and scikit-learn's, from the same seed."""
    ours = GaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed)
    resp = ours._initial_resp(X, 3, sk_check_random_state(seed))
    nk, means, cov = _m_finish(X, resp, *_resp_stats(X, resp), _ops(ctype), ours.reg_covar)
    theirs = SKGaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed)
    theirs._initialize_parameters(X, sk_check_random_state(seed))
    return (nk, means, cov, resp), theirs


@pytest.mark.parametrize("ctype", ["diag", "spherical"])
@pytest.mark.parametrize("init", ["k-means++", "random_from_data"])
def test_one_sample_initialisation_differs_from_scikit_learn_only_by_its_rounding(iris, ctype, init):
    for seed in range(6):
        (_, means, cov, resp), theirs = _initial(iris, ctype, init, seed)
        assert np.array_equal(resp.sum(axis=0), np.ones(3))          # one sample per component
        assert np.array_equal(means, theirs.means_)                  # the same seeds, the same means
        assert np.all(cov == 1e-6)                                   # exact: no spread about one point
        # scikit-learn's E[x^2] - mu^2 leaves a rounding residue of 25 * eps-ish on the data's scale
        assert np.max(np.abs(theirs.covariances_ - 1e-6)) < 1e-12


def _first_resp(X, weights, means, variances):
    v = np.broadcast_to(np.reshape(variances, (len(weights), -1)), means.shape)
    log_p = (np.log(weights) - 0.5 * np.sum(np.log(2 * np.pi * v), axis=1)
             - 0.5 * np.sum((X[:, None, :] - means) ** 2 / v, axis=2))
    log_p -= log_p.max(axis=1, keepdims=True)
    r = np.exp(log_p)
    return r / r.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("ctype", ["diag", "spherical"])
def test_first_e_step_amplifies_scikit_learns_residue(iris, ctype):
    """Initial variances 1e-13 apart give first responsibilities 1e-3 apart: the fits part from there."""
    worst = 0.0
    for seed in range(6):
        (nk, means, cov, _), theirs = _initial(iris, ctype, "k-means++", seed)
        ours_r = _first_resp(iris, nk / nk.sum(), means, cov)
        theirs_r = _first_resp(iris, theirs.weights_ / theirs.weights_.sum(), theirs.means_, theirs.covariances_)
        worst = max(worst, float(np.max(np.abs(ours_r - theirs_r))))
    assert worst > 1e-3


@pytest.mark.parametrize("ctype", ["diag", "spherical"])
@pytest.mark.parametrize("init", ["k-means++", "random_from_data"])
def test_from_the_same_initial_parameters_the_fits_agree(iris, ctype, init):
    for seed in range(6):
        (nk, means, cov, _), theirs = _initial(iris, ctype, init, seed)
        # weights are N_k / n at initialisation; normalised they give the same first E-step
        ours_from_theirs = GaussianMixture(3, covariance_type=ctype, weights_init=theirs.weights_ / theirs.weights_.sum(),
                                           means_init=theirs.means_, precisions_init=1 / theirs.covariances_).fit(iris)
        theirs_end = SKGaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed).fit(iris)
        theirs_from_ours = SKGaussianMixture(3, covariance_type=ctype, weights_init=nk / nk.sum(), means_init=means,
                                             precisions_init=1 / cov).fit(iris)
        ours_end = GaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed).fit(iris)
        np.testing.assert_allclose(ours_from_theirs.means_, theirs_end.means_, rtol=1e-9)
        np.testing.assert_allclose(ours_end.means_, theirs_from_ours.means_, rtol=1e-9)


@pytest.mark.parametrize("ctype", ["diag", "spherical"])
@pytest.mark.parametrize("init", ["k-means++", "random_from_data"])
def test_end_to_end_one_sample_initialisations_agree_to_2e_4(iris, ctype, init):
    worst = 0.0
    for seed in range(20):
        ours = GaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed).fit(iris)
        theirs = SKGaussianMixture(3, covariance_type=ctype, init_params=init, random_state=seed).fit(iris)
        assert ours.n_iter_ == theirs.n_iter_
        assert np.array_equal(ours.predict(iris), theirs.predict(iris))
        worst = max(worst, float(np.max(np.abs(ours.means_ - theirs.means_))))
    assert worst < 2e-4
