r"""Gaussian mixtures fitted by the numeric EM engine, reported as results.

:func:`fit` runs :class:`numerics.gmm.GaussianMixture` on a data set and
reports the data, every EM iteration's log-likelihood, the fitted components
and the information criteria

.. math::

    \mathrm{BIC} = -2 \log L + p \log n, \qquad \mathrm{AIC} = -2 \log L + 2p,

with :math:`\log L = \sum_i \log p(x_i)` and :math:`p` free parameters.
:func:`select` sweeps numbers of components and covariance types and picks
the model of least BIC. Both are numeric results: floats, not exact values.
"""
from __future__ import annotations

import math
import os
import warnings

import numpy as np
import sympy as sp

from ...numerics import gmm as _engine  # its names load on first use: the E-step and M-step never load numba
from ...numerics.gmm import COVARIANCE_TYPES
from ...numerics.gmm._validation import _check_int, _check_nonneg_real
from ...numerics.io import load_dataset
from ...numerics.inputs import load_json, read_text
from ..markup import Tex
from ..result import Chain, Given, InlineMath, Prose, Result, Step, Table, checked, words
from ..shown import decimal, validate_digits

__all__ = ["fit", "select", "read_init", "plot_fit", "plot_select"]

_MAX_ITERATION_ROWS = 25


def fit(data, *, k: int, covariance: str = "full", columns=None, standardize: bool = False,
        init=None, max_iter: int = 100, tol: float = 1e-3, n_init: int = 1, random_state: int | None = 0,
        reg_covar: float = 1e-6, digits: int = 4) -> Result:
    r"""Fit a Gaussian mixture by EM and report it step by step.

    Parameters
    ----------
    data : str, path or Dataset
        A built-in data set name (``iris``) or a CSV file (see
        :func:`numerics.io.load_dataset`), or a loaded ``Dataset``.
    k : int
        Number of components :math:`K`.
    covariance : {'full', 'tied', 'diag', 'spherical'}
    columns : str or list, optional
        Feature columns by name or 0-based index (``"petal_length,petal_width"``).
    standardize : bool
        Scale each feature to mean 0 and variance 1 first.
    init : str, path or dict, optional
        Initial ``weights``, ``means`` and ``covariances`` (in the type's
        shape) as a JSON file or dict: EM then starts from exactly these.
    max_iter, tol, n_init, random_state, reg_covar
        As in :class:`numerics.gmm.GaussianMixture`: ``reg_covar`` (default
        1e-6, as scikit-learn) is added to every covariance's diagonal; 0 is
        allowed, but a component on a single point, or a constant column,
        then has a singular covariance and the fit stops with an error.
        ``tol = 0`` runs exactly ``max_iter`` iterations.
    digits : int, default 4
        Significant digits of every decimal shown (the answer is unaffected).

    Returns
    -------
    Result
        Answer keys: ``weights`` (K), ``means`` (K x d), ``covariances`` (the
        type's shape), ``lower_bound`` (mean log-likelihood per sample),
        ``n_iter``, ``converged``, ``labels`` (n), ``log_likelihood`` (total),
        ``bic``, ``aic``, ``n_parameters``, ``covariance_type``, ``lower_bounds``
        (the mean log-likelihood after each iteration).
    """
    digits = validate_digits(digits)
    # the engine's checks, first: fit('iris', k='3') names k instead of comparing str and int below
    k, max_iter, n_init = _check_int(k, "k", 1), _check_int(max_iter, "max_iter", 1), _check_int(n_init, "n_init", 1)
    tol, reg_covar = _check_nonneg_real(tol, "tol"), _check_nonneg_real(reg_covar, "reg_covar")
    dataset = _load(data, columns, standardize)
    X = dataset.X
    n, d = X.shape
    _check_covariance(covariance)
    if k > n:
        raise ValueError(f"k: {k} components but only {n} data points; use at most {n} components")
    start = read_init(init, k, d, covariance) if init is not None else {}
    model = _engine.GaussianMixture(k, covariance_type=covariance, tol=tol, reg_covar=reg_covar, max_iter=max_iter,
                            n_init=n_init, random_state=random_state, **start)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", _engine.ConvergenceWarning)
        model.fit(X)
    notes = [str(w.message) for w in caught if issubclass(w.category, _engine.ConvergenceWarning) and tol > 0]
    if tol == 0:
        notes.append(f"tol = 0: EM ran the {max_iter} iterations asked for (max_iter), without a convergence test.")
    labels = model.predict(X)
    total = float(np.sum(model.score_samples(X)))
    p = _engine.n_parameters(k, d, covariance)
    bic, aic = -2 * total + p * math.log(n), -2 * total + 2 * p

    dec = lambda v: decimal(v, digits)
    steps = [_data_step(dataset, standardize, digits)]
    steps.append(_iterations_step(model, tol, "the given initial parameters" if start else
                                  f"k-means initialisation ({n_init} run{'s' if n_init > 1 else ''}, "
                                  f"seed {random_state})", notes, digits))
    steps.append(_components_step(model, labels, covariance, digits))
    steps.append(Step(
        Chain(InlineMath(Tex(r"\mathrm{BIC}"), "BIC"),
              [InlineMath(Tex(r"-2 \cdot (%s) + %d \cdot \log %d" % (dec(total), p, n)),
                          f"-2 * ({dec(total)}) + {p} * log({n})"), dec(bic)]),
        why=words(f"the Bayesian information criterion: log-likelihood {dec(total)} summed over the {n} points, "
                  f"{p} free parameters ({_parameter_count_text(k, d, covariance)}); AIC = {dec(aic)}"),
        check=checked("recomputed from numerics.gmm.n_parameters and score_samples; equals model.bic(X)",
                      np.isclose(bic, model.bic(X), rtol=1e-12)),
        label="bic"))
    cols = ", ".join(dataset.feature_names)
    return Result(
        kind="gmm.fit",
        title=f"Gaussian mixture by EM: K = {k}, {covariance} covariances, on {dataset.name} ({cols})",
        givens=[Given("data", dataset.name), Given("n", n), Given("d", d), Given("K", k),
                Given("covariance type", covariance), Given("tol", tol), Given("reg_covar", reg_covar),
                Given("max iterations", max_iter)],
        steps=steps,
        answer={"weights": model.weights_, "means": model.means_, "covariances": model.covariances_,
                "lower_bound": float(model.lower_bound_), "n_iter": int(model.n_iter_),
                "converged": bool(model.converged_), "labels": labels.astype(int).tolist(),
                "log_likelihood": total, "bic": bic, "aic": aic, "n_parameters": p,
                "covariance_type": covariance, "lower_bounds": [float(b) for b in model.lower_bounds_]},
        sources={"weights": "components", "means": "components", "covariances": "components",
                 "labels": "components", "lower_bound": "iterations", "n_iter": "iterations",
                 "converged": "iterations", "log_likelihood": "bic", "bic": "bic", "aic": "bic",
                 "n_parameters": "bic", "covariance_type": "components", "lower_bounds": "iterations"},
        notes=notes)


def select(data, *, k="1-6", covariance="all", columns=None, standardize: bool = False, labels=None,
           n_init: int = 1, random_state: int | None = 0, max_iter: int = 100, tol: float = 1e-3,
           digits: int = 4) -> Result:
    r"""Model selection: every number of components in ``k`` times every covariance type, by BIC.

    Parameters
    ----------
    k : str or list of int
        ``"1-6"``, ``"2,4,8"`` or a list.
    covariance : str or list
        ``"all"`` or some of full, tied, diag, spherical (comma-separated).
    labels : str or int, optional
        A column of true classes: each row then reports the adjusted Rand
        index of the model's clustering against it (built-in sets use their own
        when ``labels`` is ``True``).

    Returns
    -------
    Result
        Answer keys: ``table`` (rows with ``k``, ``covariance``, ``bic``,
        ``aic``, ``log_likelihood``, ``n_parameters``, ``converged``, and
        ``ari`` with labels) and ``best`` (``k``, ``covariance``).
    """
    digits = validate_digits(digits)
    dec = lambda v: decimal(v, digits)
    dataset = _load(data, columns, standardize, labels=labels)
    types = covariance
    if isinstance(covariance, str) and covariance != "all":
        types = [c.strip() for c in covariance.split(",")]
        for c in types:
            _check_covariance(c)
    try:
        ks = _engine.parse_k_values(k)
    except ValueError as exc:
        raise ValueError(str(exc).replace("k_values:", "k:", 1)) from None
    if max(ks) > dataset.X.shape[0]:
        raise ValueError(f"k: {max(ks)} components but only {dataset.X.shape[0]} data points")
    target = dataset.target if labels is not None else None
    outcome = _engine.select(dataset.X, ks, types, n_init=n_init, random_state=random_state, labels=target,
                            max_iter=max_iter, tol=tol)
    rows = [dict(r) for r in outcome.rows]
    best = {"k": outcome.best["k"], "covariance": outcome.best["covariance"]}
    header = ["K", "covariance", "parameters", "log-likelihood", "BIC", "AIC"]
    if target is not None:
        header.append("ARI")
    header.append("")
    body = []
    for r in rows:
        row = [sp.Integer(r["k"]), r["covariance"], sp.Integer(r["n_parameters"]), dec(r["log_likelihood"]),
               dec(r["bic"]), dec(r["aic"])]
        if target is not None:
            row.append(dec(r["ari"]))
        row.append("best" if r is rows[outcome.rows.index(outcome.best)] else "")
        body.append(row)
    n = dataset.X.shape[0]
    steps = [
        Step(Prose(words(
            "For each model, EM is run to convergence; then ",
            InlineMath(Tex(r"\mathrm{BIC} = -2\log L + p \log n"), "BIC = -2 log L + p log n"), " and ",
            InlineMath(Tex(r"\mathrm{AIC} = -2\log L + 2p"), "AIC = -2 log L + 2p"),
            f", with log L the log-likelihood summed over the n = {n} points and p the number of free "
            "parameters: K - 1 weights, K d means, and per covariance type K d(d+1)/2 (full), d(d+1)/2 (tied), "
            "K d (diag) or K (spherical). Lower is better; BIC penalises parameters more as n grows.")),
            why=words("the criteria"), label="criteria"),
        Step(Table(header, body, align="rl" + "r" * (len(header) - 3) + "l"),
             why=words(f"{len(rows)} models fitted (n_init = {n_init}, seed {random_state})"),
             check=checked("every row's BIC and AIC recomputed from its log-likelihood and "
                           "numerics.gmm.n_parameters",
                           all(np.isclose(r["bic"], -2 * r["log_likelihood"] + _engine.n_parameters(
                               r["k"], dataset.X.shape[1], r["covariance"]) * math.log(n), rtol=1e-12)
                               and np.isclose(r["aic"], -2 * r["log_likelihood"] + 2 * r["n_parameters"],
                                              rtol=1e-12) for r in rows)),
             label="table"),
        Step(Prose(words(f"The least BIC, {dec(outcome.best['bic'])}, is reached with K = {best['k']} "
                         f"and {best['covariance']} covariances.")),
             why=words("the best model"),
             check=checked("it is the minimum of the BIC column", outcome.best["bic"] == min(r["bic"] for r in rows)),
             label="best"),
    ]
    return Result(
        kind="gmm.select",
        title=f"Model selection by BIC on {dataset.name} ({', '.join(dataset.feature_names)})",
        givens=[Given("data", dataset.name), Given("n", n), Given("d", dataset.X.shape[1])],
        steps=steps,
        answer={"table": rows, "best": best},
        sources={"table": "table", "best": "best"},
    )


def read_init(init, k: int, d: int, covariance: str) -> dict:
    """``weights``, ``means`` and ``covariances`` from a JSON file or dict, as GaussianMixture's
    ``weights_init``, ``means_init`` and ``precisions_init`` (the inverse covariances)."""
    if isinstance(init, (str, os.PathLike)):
        # regular files only, within file-size, gzip, any BOM; JSON within the nesting limit, no NaN
        init = load_json(read_text(init, what="init"), what=f"init: {os.fspath(init)}")
    if not isinstance(init, dict):
        raise ValueError("init: expected a JSON object with weights, means and covariances")
    missing = [key for key in ("weights", "means", "covariances") if key not in init]
    if missing:
        raise ValueError(f"init: missing {', '.join(missing)}; give weights (K), means (K x d) and "
                         f"covariances in the {covariance} shape")
    shapes = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}
    arrays = {}
    for key, shape in (("weights", (k,)), ("means", (k, d)), ("covariances", shapes[covariance])):
        try:
            arr = np.asarray(init[key], dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"init: {key} must be numbers in nested lists of shape {shape}") from None
        if arr.shape != shape:
            raise ValueError(f"init: {key} has shape {arr.shape}; expected {shape} for K = {k}, d = {d}, "
                             f"{covariance} covariances")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"init: {key} holds NaN or infinity")
        arrays[key] = arr
    cov = arrays["covariances"]
    if covariance in ("diag", "spherical"):
        if np.any(cov <= 0):
            raise ValueError("init: covariances must be positive")
        precisions = 1.0 / cov
    else:
        try:
            precisions = np.linalg.inv(cov)
            np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError("init: covariances must be symmetric positive definite") from None
    return {"weights_init": arrays["weights"], "means_init": arrays["means"], "precisions_init": precisions}


def plot_fit(result: Result, dataset, path) -> None:
    """The picture of a :func:`fit` result on its data: 1-D histogram with the component
    densities, 2-D clusters with 1- and 2-sigma ellipses and decision boundaries, or
    (d > 2) the log-likelihood per iteration."""
    from ...numerics.figures import save_figure
    from ...numerics.gmm_plots import MixtureParams, plot_1d, plot_2d, plot_convergence
    a = result.answer
    params = MixtureParams(a["weights"], a["means"], a["covariances"], a["covariance_type"])
    X = dataset.X
    if X.shape[1] == 1:
        fig = plot_1d(params, X[:, 0], feature_name=dataset.feature_names[0])
    elif X.shape[1] == 2:
        fig = plot_2d(params, X, feature_names=dataset.feature_names)
    else:
        fig = plot_convergence(a["lower_bounds"])
    save_figure(fig, path)
    result.add_figure(fig)  # shown with the result in a notebook


def plot_select(result: Result, path) -> None:
    """BIC and AIC against K, one line per covariance type, the best marked."""
    from ...numerics.figures import save_figure
    from ...numerics.gmm_plots import plot_selection
    fig = plot_selection(result.answer["table"])
    save_figure(fig, path)
    result.add_figure(fig)  # shown with the result in a notebook


# --------------------------------------------------------------------------- helpers
def _load(data, columns, standardize, labels=None):
    if hasattr(data, "X") and hasattr(data, "feature_names"):
        return data
    label_column = None if labels in (None, True) else labels
    return load_dataset(data, columns=columns, standardize=standardize, labels=label_column)


def _check_covariance(covariance: str) -> None:
    if covariance not in COVARIANCE_TYPES:
        raise ValueError(f"covariance: {covariance!r} is not a covariance type; expected one of "
                         f"{', '.join(COVARIANCE_TYPES)}")


def _data_step(dataset, standardize: bool, digits: int = 4) -> Step:
    X = dataset.X
    dec = lambda v: decimal(float(v), digits)
    rows = [[name, dec(X[:, j].mean()), dec(X[:, j].std()), dec(X[:, j].min()), dec(X[:, j].max())]
            for j, name in enumerate(dataset.feature_names)]
    what = " (after standardising each feature to mean 0 and variance 1)" if standardize else ""
    return Step(Table(["feature", "mean", "sd", "min", "max"], rows, align="lrrrr"),
                why=words(f"the data: {X.shape[0]} points, {X.shape[1]} feature(s){what}"), label="data")


def _iterations_step(model, tol, init_text, notes, digits: int = 4) -> Step:
    bounds = list(model.lower_bounds_)
    rows = []
    for i, b in enumerate(bounds):
        change = "" if i == 0 else bounds[i] - bounds[i - 1]
        rows.append([sp.Integer(i + 1), decimal(b, digits), change if change == "" else decimal(change, digits)])
    shown = rows
    if len(rows) > _MAX_ITERATION_ROWS:
        half = _MAX_ITERATION_ROWS // 2
        shown = rows[:half] + [["...", "", ""]] + rows[-half:]
    rises = all(b2 >= b1 - 1e-9 * max(1.0, abs(b1)) for b1, b2 in zip(bounds, bounds[1:]))
    if not rises:
        notes.append("the log-likelihood fell between some iterations (reg_covar perturbs the M-step)")
    status = (f"converged after {model.n_iter_} iterations (change below tol = {tol:g})" if model.converged_
              else f"stopped at max_iter = {model.n_iter_} without converging")
    return Step(Table(["iteration", "mean log-likelihood", "change"], shown, align="rrr"),
                why=words(f"EM from {init_text}: each iteration an E-step (responsibilities by Bayes' rule, in "
                          f"log space) and an M-step (weighted means and covariances); {status}"),
                check=checked("the log-likelihood rose at every iteration (to 1e-9 relative)", True)
                if rises else None,
                label="iterations")


def _components_step(model, labels, covariance, digits: int = 4) -> Step:
    K = model.n_components
    sizes = np.bincount(labels, minlength=K)
    rows = []
    for k in range(K):
        cov = model.covariances_ if covariance == "tied" else model.covariances_[k]
        rows.append([sp.Integer(k + 1), decimal(float(model.weights_[k]), digits), _vector(model.means_[k], digits),
                     _covariance_cell(cov, digits), sp.Integer(int(sizes[k]))])
    ok = bool(np.isclose(model.weights_.sum(), 1.0, rtol=0, atol=1e-12))
    full = np.asarray([model.covariances_] * K) if covariance == "tied" else model.covariances_
    for k in range(K):
        c = full[k]
        if covariance == "full" or covariance == "tied":
            ok = ok and bool(np.all(np.linalg.eigvalsh(c) > 0))
        else:
            ok = ok and bool(np.all(np.asarray(c) > 0))
    cov_name = {"full": (r"\Sigma_k", "Σ_k"), "tied": (r"\Sigma \text{ (shared)}", "Σ (shared)"),
                "diag": (r"\operatorname{diag}(\Sigma_k)", "diag(Σ_k)"),
                "spherical": (r"\sigma_k^2", "σ_k²")}[covariance]
    header = [sp.Symbol("k"), sp.Symbol("pi_k"), sp.Symbol("mu_k"), InlineMath(Tex(cov_name[0]), cov_name[1]),
              "points"]
    return Step(Table(header, rows, align="rrccr"),
                why=words("the fitted components; each point is labelled by its most probable component"),
                check=checked("the weights sum to 1 (1e-12) and every covariance is positive definite", ok),
                label="components")


def _fmt(x: float, digits: int = 4) -> str:
    return sp.sstr(decimal(x, digits))


def _vector(v, digits: int = 4) -> InlineMath:
    items = [_fmt(float(x), digits) for x in np.atleast_1d(v)]
    if len(items) == 1:
        return InlineMath(Tex(items[0]), items[0])
    return InlineMath(Tex(r"\begin{pmatrix}%s\end{pmatrix}" % r" \\ ".join(items)), "(" + ", ".join(items) + ")")


def _covariance_cell(cov, digits: int = 4) -> InlineMath:
    cov = np.asarray(cov, dtype=float)
    if cov.ndim == 2:
        body = r" \\ ".join(" & ".join(_fmt(x, digits) for x in row) for row in cov)
        text = "[" + "; ".join(", ".join(_fmt(x, digits) for x in row) for row in cov) + "]"
        return InlineMath(Tex(r"\begin{pmatrix}%s\end{pmatrix}" % body), text)
    return _vector(cov, digits)


def _parameter_count_text(k: int, d: int, covariance: str) -> str:
    cov = _engine.n_parameters(k, d, covariance) - (k - 1) - k * d   # what is not a weight or a mean
    return f"{k - 1} weights, {k * d} means, {cov} covariance entries"
