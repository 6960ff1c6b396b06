"""Figures of Gaussian mixtures: the pictures a course shows.

Every function takes a fitted :class:`numerics.gmm.GaussianMixture` (or its
parameters as a :class:`MixtureParams`) and the data, and returns a
:class:`matplotlib.figure.Figure` built without pyplot on an Agg canvas; save
it with :func:`numerics.figures.save_figure`. Colours are the Okabe-Ito
palette (distinguishable with the common colour-vision deficiencies), and
clusters also differ by marker, so the figures read in greyscale too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch

from .figures import new_figure
from .gmm import COVARIANCE_TYPES, GaussianMixture, SelectionResult
from .gmm._covariance import _ops

__all__ = [
    "PALETTE",
    "MARKERS",
    "MixtureParams",
    "plot_1d",
    "plot_2d",
    "plot_selection",
    "plot_convergence",
]

#: Okabe-Ito colours, ordered for contrast on white (yellow last).
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                            "#000000", "#F0E442")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
_COV_STYLE = {"full": ("#0072B2", "o", "-"), "tied": ("#D55E00", "s", "--"),
              "diag": ("#009E73", "^", "-."), "spherical": ("#CC79A7", "D", ":")}


@dataclass(frozen=True)
class MixtureParams:
    """Mixture parameters, for plotting without a fitted estimator.

    Attributes
    ----------
    weights : array-like of shape (n_components,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like
        In the covariance type's shape (see :func:`numerics.gmm.e_step`).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    """

    weights: Any
    means: Any
    covariances: Any
    covariance_type: str = "full"


def plot_1d(model: GaussianMixture | MixtureParams, x: Any, *, bins: int | str = "auto",
            feature_name: str = "x", title: str | None = None) -> Figure:
    r"""Histogram of one feature with each weighted component density and the mixture.

    Draws the density-normalised histogram of ``x``, the curves
    :math:`\pi_k\,\mathcal N(x\mid\mu_k,\sigma_k^2)` and their sum
    :math:`p(x)` (the classic iris petal-width picture).

    Parameters
    ----------
    model : GaussianMixture or MixtureParams
        Fitted on one feature.
    x : array-like of shape (n_samples,) or (n_samples, 1)
    bins : int or str, default='auto'
        As in :func:`numpy.histogram_bin_edges`.
    feature_name : str
        Label of the x axis.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    weights, means, cov = _full_params(model)
    if means.shape[1] != 1:
        raise ValueError(f"model: has {means.shape[1]} features; plot_1d expects a mixture of one feature")
    x = np.asarray(x, dtype=float).reshape(-1)
    sd = np.sqrt(cov[:, 0, 0])
    lo = min(x.min(), (means[:, 0] - 3.5 * sd).min())
    hi = max(x.max(), (means[:, 0] + 3.5 * sd).max())
    grid = np.linspace(lo, hi, 600)
    comps = weights[:, None] * np.exp(-0.5 * ((grid[None] - means[:, :1]) / sd[:, None]) ** 2) \
        / (sd[:, None] * math.sqrt(2 * math.pi))
    fig = new_figure(7.0, 4.2)
    ax = fig.add_subplot()
    ax.hist(x, bins=np.histogram_bin_edges(x, bins=bins), density=True, color="#DADADA",
            edgecolor="white", linewidth=0.6, label=f"data (n = {x.size})")
    order = np.argsort(means[:, 0])
    ax.plot(grid, comps.sum(axis=0), color="black", linewidth=2.6, alpha=0.8, label=r"mixture $p(x)$",
            zorder=2)
    for rank, k in enumerate(order):
        ax.plot(grid, comps[k], color=PALETTE[rank % len(PALETTE)], linestyle="--", linewidth=2.0, zorder=3,
                label=rf"component {rank + 1}: $\pi$ = {weights[k]:.2f}, $\mu$ = {means[k, 0]:.3g}, "
                      rf"$\sigma$ = {sd[k]:.3g}")
    ax.set_xlabel(feature_name)
    ax.set_ylabel("density")
    ax.set_xlim(lo, hi)
    ax.set_ylim(bottom=0)
    ax.set_title(title or f"Gaussian mixture with {len(weights)} components on {feature_name}")
    ax.legend(frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_2d(model: GaussianMixture | MixtureParams, X: Any, *, labels: Any = None,
            feature_names: Sequence[str] = ("x0", "x1"), title: str | None = None,
            grid_size: int = 400) -> Figure:
    r"""Clusters of a two-feature mixture: points, covariance ellipses and decision boundaries.

    Points are coloured (and marked) by their most probable component
    :math:`\arg\max_k r_{nk}`, or by ``labels`` when given. Each component
    gets its mean and the ellipses :math:`(x-\mu_k)^\top\Sigma_k^{-1}(x-\mu_k) = c^2`
    for :math:`c = 1, 2` (1 and 2 sigma). The background shows the region
    each component wins, and the lines between regions are the decision
    boundaries :math:`\log\pi_k\mathcal N(x\mid\mu_k,\Sigma_k) = \log\pi_l\mathcal N(x\mid\mu_l,\Sigma_l)`
    (straight lines for ``tied`` covariances, conics otherwise).

    Parameters
    ----------
    model : GaussianMixture or MixtureParams
        Fitted on two features.
    X : array-like of shape (n_samples, 2)
    labels : array-like of shape (n_samples,), optional
        Colour points by these instead of the predicted component.
    feature_names : pair of str
    title : str, optional
    grid_size : int, default=400
        Grid resolution of the regions.

    Returns
    -------
    matplotlib.figure.Figure
    """
    weights, means, cov = _full_params(model)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or means.shape[1] != 2:
        raise ValueError(f"X: shape {X.shape}, model with {means.shape[1]} features; plot_2d expects two "
                         "features (choose two columns first)")
    K = len(weights)
    pad = 0.08 * (X.max(axis=0) - X.min(axis=0) + 1e-12)
    lo = np.minimum(X.min(axis=0), (means - 2.2 * np.sqrt(np.diagonal(cov, axis1=1, axis2=2))).min(axis=0)) - pad
    hi = np.maximum(X.max(axis=0), (means + 2.2 * np.sqrt(np.diagonal(cov, axis1=1, axis2=2))).max(axis=0)) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size))
    G = np.column_stack([gx.ravel(), gy.ravel()])
    wlp = _weighted_log_density(G, weights, means, cov)
    region = np.argmax(wlp, axis=1).reshape(gx.shape)
    pred = np.argmax(_weighted_log_density(X, weights, means, cov), axis=1)
    fig = new_figure(7.0, 5.6)
    ax = fig.add_subplot()
    colors = [PALETTE[k % len(PALETTE)] for k in range(K)]
    from matplotlib.colors import ListedColormap
    ax.contourf(gx, gy, region, levels=np.arange(K + 1) - 0.5, cmap=ListedColormap(colors), alpha=0.12,
                antialiased=True)
    for k in range(K):   # boundary of region k: where its score ties with the best other component
        if K == 1:
            break
        others = np.delete(wlp, k, axis=1).max(axis=1)
        margin = (wlp[:, k] - others).reshape(gx.shape)
        ax.contour(gx, gy, margin, levels=[0.0], colors="#333333", linewidths=1.1)
    if labels is None:
        values, groups = list(range(K)), pred
        names, slots = [f"component {k + 1}" for k in range(K)], list(range(K))
    else:
        labels = np.asarray(labels)
        if labels.shape != (X.shape[0],):
            raise ValueError(f"labels: shape {labels.shape}; expected one label per sample, ({X.shape[0]},)")
        values, groups = list(dict.fromkeys(labels.tolist())), labels
        names, slots = [str(v) for v in values], _match_classes(labels, values, pred, K)
    handles = []
    for v, name, slot in zip(values, names, slots):
        mask = groups == v
        h = ax.scatter(X[mask, 0], X[mask, 1], s=22, color=PALETTE[slot % len(PALETTE)],
                       marker=MARKERS[slot % len(MARKERS)], edgecolors="white", linewidths=0.4, alpha=0.9,
                       label=name, zorder=3)
        handles.append(h)
    for k in range(K):
        vals, vecs = np.linalg.eigh(cov[k])
        angle = math.degrees(math.atan2(vecs[1, -1], vecs[0, -1]))
        for c, style in ((1, "-"), (2, "--")):
            ax.add_patch(Ellipse(means[k], 2 * c * math.sqrt(vals[-1]), 2 * c * math.sqrt(vals[0]),
                                 angle=angle, fill=False, edgecolor=colors[k], linewidth=2.0, linestyle=style,
                                 zorder=4))
        ax.plot(*means[k], marker="X", markersize=11, color=colors[k], markeredgecolor="black", zorder=5)
    handles += [Line2D([], [], color="#555555", linestyle="-", linewidth=2, label=r"1$\sigma$ ellipse"),
                Line2D([], [], color="#555555", linestyle="--", linewidth=2, label=r"2$\sigma$ ellipse"),
                Line2D([], [], color="#333333", linewidth=1.1, label="decision boundary"),
                Line2D([], [], marker="X", color="#555555", markeredgecolor="black", linestyle="none",
                       markersize=9, label="component mean")]
    if labels is not None:
        handles.append(Patch(color="#999999", alpha=0.25, label="predicted regions"))
    ax.legend(handles=handles, frameon=True, framealpha=0.9, fontsize="small", loc="best")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ctype = getattr(model, "covariance_type", "full")
    ax.set_title(title or f"{K}-component Gaussian mixture ({ctype} covariance)")
    return fig


def plot_selection(result: SelectionResult | Sequence[dict], *, title: str | None = None) -> Figure:
    """BIC and AIC against the number of components, one line per covariance type.

    Two panels (BIC left, AIC right); each covariance type has its own
    colour, marker and line style; the least value of each criterion is
    circled and labelled.

    Parameters
    ----------
    result : SelectionResult or sequence of dict
        From :func:`numerics.gmm.select` (rows with ``k``, ``covariance``,
        ``bic``, ``aic``).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = list(result.rows if isinstance(result, SelectionResult) else result)
    if not rows:
        raise ValueError("result: no rows to plot; expected the rows of numerics.gmm.select")
    types = [c for c in COVARIANCE_TYPES if any(r["covariance"] == c for r in rows)]
    fig = new_figure(10.0, 4.2)
    axes = fig.subplots(1, 2, sharex=True)
    ks = sorted({r["k"] for r in rows})
    for ax, crit, name in zip(axes, ("bic", "aic"), ("BIC", "AIC")):
        for c in types:
            pts = sorted((r["k"], r[crit]) for r in rows if r["covariance"] == c)
            color, marker, style = _COV_STYLE[c]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, marker=marker, linestyle=style,
                    linewidth=1.8, markersize=6, label=c)
        best = min(rows, key=lambda r: r[crit])   # first on a tie, as select orders them
        ax.plot(best["k"], best[crit], marker="o", markersize=17, markerfacecolor="none",
                markeredgecolor="black", markeredgewidth=1.8, linestyle="none",
                label=f"least {name}: k={best['k']}, {best['covariance']}")
        ax.set_xlabel("number of components k")
        ax.set_ylabel(f"{name} (lower is better)")
        ax.set_title(name)
        ax.set_xticks(ks)
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(title="covariance", frameon=False, fontsize="small")
    fig.suptitle(title or "Model selection: information criteria")
    return fig


def plot_convergence(model: GaussianMixture | Sequence[float], *, tol: float | None = None,
                     title: str | None = None) -> Figure:
    """Mean log-likelihood per sample after each EM iteration.

    Parameters
    ----------
    model : GaussianMixture or sequence of float
        A fitted model (its ``lower_bounds_``) or the values themselves.
    tol : float, optional
        Shown in the subtitle; defaults to the model's ``tol``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = np.asarray(getattr(model, "lower_bounds_", model), dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("model: no log-likelihood history; fit the model first (max_iter >= 1)")
    tol = getattr(model, "tol", None) if tol is None else tol
    its = np.arange(1, values.size + 1)
    fig = new_figure(7.0, 4.2)
    ax = fig.add_subplot()
    ax.plot(its, values, color=PALETTE[0], marker="o", markersize=4, linewidth=1.8)
    ax.set_xlabel("EM iteration")
    ax.set_ylabel("mean log-likelihood per sample")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(True, color="#DDDDDD", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    note = f"{values.size} iterations, final {values[-1]:.6g}"
    if hasattr(model, "converged_"):
        note += ", converged" if model.converged_ else ", not converged"
    if tol is not None:
        note += f" (tol = {tol:g})"
    ax.set_title(title or "EM convergence", loc="left")
    ax.text(1.0, 1.01, note, transform=ax.transAxes, ha="right", va="bottom", fontsize="small", color="#444444")
    return fig


# ---- helpers

def _match_classes(labels, values, pred, K) -> list[int]:
    """Colour slot of each class: the component most of its samples fall in (greedy, largest first),
    so that classes and components that agree share a colour; other classes get colours after K."""
    counts = np.array([[np.sum((labels == v) & (pred == k)) for k in range(K)] for v in values])
    slots = [-1] * len(values)
    free = set(range(K))
    for idx in np.argsort(-counts.max(axis=1), kind="stable"):
        if free:
            k = max(free, key=lambda c: (counts[idx, c], -c))
            slots[idx] = k
            free.discard(k)
    extra = K
    for i, slot in enumerate(slots):
        if slot < 0:
            slots[i] = extra
            extra += 1
    return slots


def _full_params(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """weights (K,), means (K, d), covariances as full matrices (K, d, d)."""
    if isinstance(model, GaussianMixture):
        if not hasattr(model, "covariances_"):
            raise ValueError("model: not fitted; call fit(X) first")
        weights, means, cov, ctype = model.weights_, model.means_, model.covariances_, model.covariance_type
    elif isinstance(model, MixtureParams):
        weights, means, cov, ctype = model.weights, model.means, model.covariances, model.covariance_type
    else:
        raise TypeError(f"model: got {type(model).__name__}; expected a fitted GaussianMixture or MixtureParams")
    weights = np.asarray(weights, dtype=float)
    means = np.asarray(means, dtype=float)
    K, d = means.shape
    full = np.array(_ops(ctype).to_full(np.asarray(cov, dtype=float), K, d))
    return weights, means, full


def _weighted_log_density(X, weights, means, cov):
    """log pi_k + log N(x | mu_k, Sigma_k), shape (n, K), from Cholesky factors of the full covariances."""
    n, d = X.shape
    out = np.empty((n, len(weights)))
    with np.errstate(divide="ignore"):
        logw = np.log(weights)
    for k in range(len(weights)):
        L = np.linalg.cholesky(cov[k])
        z = np.linalg.solve(L, (X - means[k]).T)
        out[:, k] = logw[k] - 0.5 * (d * math.log(2 * math.pi) + (z * z).sum(axis=0)) - np.log(np.diag(L)).sum()
    return out
