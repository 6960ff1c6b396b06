"""Comparing clusterings: the adjusted Rand index."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


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
