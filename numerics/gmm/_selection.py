"""Model selection: fit every (number of components, covariance type) and rank by BIC and AIC."""
from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
from numpy.typing import ArrayLike

from .. import limits
from ._covariance import _ops
from ._em import n_parameters
from ._metrics import adjusted_rand_index
from ._mixture import GaussianMixture
from ._types import COVARIANCE_TYPES
from ._validation import ConvergenceWarning, RandomState, _check_n_components, _check_X


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
                    limits.require("models", len(out) + b - a + 1,
                                   what=f"k_values: {k_values!r} asks for this many numbers of components")
                    out.extend(range(a, b + 1))
                else:
                    out.append(int(part))
            except limits.LimitError:
                raise
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
        A tqdm bar on stderr; ``None`` shows it when stderr is a terminal or in a notebook
        (:func:`numerics.progress.enabled`).

    Returns
    -------
    SelectionResult
        ``rows``, ``best`` (least BIC, ties broken by order) and ``best_model``.
    """
    X = _check_X(X)
    ks = parse_k_values(k_values)
    types = _parse_covariance_types(covariance_types)
    limits.require("models", len(ks) * len(types),
                   what=f"k_values and covariance_types: {len(ks)} numbers of components times {len(types)} "
                        "covariance types")
    for k in ks:
        _check_n_components(k, X.shape[0], "k_values")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (X.shape[0],):
            raise ValueError(f"labels: shape {labels.shape}; expected one label per sample, ({X.shape[0]},)")
    from ..progress import bar as progress_bar

    rows: list[dict[str, Any]] = []
    best_i, best_model = -1, None
    with progress_bar(total=len(ks) * len(types), desc="gmm select", unit="fit", progress=progress) as bar:
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
