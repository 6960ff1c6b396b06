"""The minimum-support sweep figure: frequent itemsets of each size against the minimum support.

:func:`sweep` mines a database at several minimum supports;
:func:`plot_sweep` draws the number of frequent itemsets of each size
:math:`|L_k|` (and their total) against the minimum support count, on a
figure built without pyplot (save it with
:func:`numerics.figures.save_figure`). Colours are the Okabe-Ito palette and
the levels also differ by marker, so the figure reads in greyscale.
"""
from __future__ import annotations

from typing import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .figures import new_figure

__all__ = ["sweep", "plot_sweep"]

_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def sweep(transactions, min_supports: Sequence, *, max_len: int | None = None,
          algorithm: str = "apriori") -> list[tuple[int, list[int]]]:
    """Mine at each minimum support; return ``(count, [|L_1|, |L_2|, ...])`` per minimum support.

    Parameters
    ----------
    transactions
        As in :func:`numerics.apriori.frequent_itemsets`.
    min_supports : sequence
        Counts or fractions, each resolved by
        :func:`numerics.thresholds.resolve_min_support`.
    max_len : int, optional
    algorithm : {"apriori", "fpgrowth"}
    """
    from .apriori import encode, frequent_itemsets
    from .thresholds import resolve_min_support
    db = encode(transactions)
    out = []
    for value in min_supports:
        s = resolve_min_support(value, db.n_transactions)
        found = frequent_itemsets(db, s, max_len=max_len, algorithm=algorithm)
        depth = max((len(x) for x in found), default=0)
        out.append((s, [sum(1 for x in found if len(x) == k) for k in range(1, depth + 1)]))
    return out


def plot_sweep(min_support_counts: Sequence[int], n_frequent: Sequence[Sequence[int]], n_transactions: int,
               *, labels: Sequence[str] | None = None, title: str | None = None) -> Figure:
    r"""Frequent itemsets of each size :math:`k` against the minimum support count.

    Parameters
    ----------
    min_support_counts : sequence of int
        :math:`\sigma_{\min}` of each run.
    n_frequent : sequence of sequences of int
        For each run, :math:`|L_1|, |L_2|, \dots` (shorter lists mean zeros).
    n_transactions : int
        N, for the top axis (the minimum support as a fraction of N).
    labels : sequence of str, optional
        The minimum supports as typed (unused in the drawing; kept for callers' legends).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        A logarithmic count axis when the counts span more than a factor of
        50 (zero counts are then left out of the lines).
    """
    if len(min_support_counts) != len(n_frequent):
        raise ValueError(f"n_frequent: {len(n_frequent)} runs, but min_support_counts has "
                         f"{len(min_support_counts)}; give one list of counts per minimum support")
    if not min_support_counts:
        raise ValueError("min_support_counts: empty; expected at least one minimum support")
    order = sorted(range(len(min_support_counts)), key=lambda i: min_support_counts[i])
    x = [min_support_counts[i] for i in order]
    depth = max((len(n_frequent[i]) for i in order), default=0)
    per_level = [[(n_frequent[i][k] if k < len(n_frequent[i]) else 0) for i in order] for k in range(depth)]
    total = [sum(n_frequent[i]) for i in order]
    positive = [v for v in total + [v for row in per_level for v in row] if v > 0]
    log = bool(positive) and max(positive) > 50 * min(positive)

    fig = new_figure(6.4, 4.2)
    ax = fig.add_subplot()
    for k, counts in enumerate(per_level):
        xs, ys = zip(*[(a, b) for a, b in zip(x, counts) if b > 0 or not log]) if any(
            b > 0 or not log for b in counts) else ((), ())
        ax.plot(xs, ys, marker=_MARKERS[k % len(_MARKERS)], color=_PALETTE[k % len(_PALETTE)],
                linestyle="-" if k < len(_PALETTE) else "--", label=f"$|L_{{{k + 1}}}|$ ({k + 1}-itemsets)")
    xs, ys = zip(*[(a, b) for a, b in zip(x, total) if b > 0 or not log]) if any(
        b > 0 or not log for b in total) else ((), ())
    ax.plot(xs, ys, color="black", linestyle="--", linewidth=1.2, marker=".", label="total")
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if all(float(v).is_integer() for v in x) and max(x) - min(x) <= 20:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(r"minimum support count $\sigma_{\min}$")
    ax.set_ylabel("number of frequent itemsets")
    ax.grid(True, which="major", alpha=0.3)
    if n_transactions > 0:
        top = ax.secondary_xaxis("top", functions=(lambda c: c / n_transactions, lambda f: f * n_transactions))
        top.set_xlabel(f"as a fraction of the N = {n_transactions} transactions")
    ax.legend(fontsize="small", frameon=False)
    if title:
        ax.set_title(title.replace("$", r"\$"), fontsize="medium")
    return fig
