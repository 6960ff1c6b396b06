"""The result types of Apriori, shared by the engine (:mod:`numerics.apriori`) and the
pure-Python reference (:mod:`numerics.apriori_reference`), kept apart so the
reference returns them without importing numba."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Level", "Rule", "WorkEstimate"]


@dataclass(frozen=True)
class Level:
    r"""One level of Apriori, as the worked side shows it.

    Attributes
    ----------
    k : int
        The itemset size.
    joined : tuple of (p, q, candidate)
        The join step: two frequent (k-1)-itemsets sharing their first k-2
        items and the candidate :math:`p \cup q` (empty at level 1, where the
        candidates are the items).
    candidates : dict of Itemset to int
        :math:`C_k` after pruning, each with its support count.
    pruned : dict of Itemset to tuple of Itemset
        Each pruned candidate with *every* infrequent (k-1)-subset.
    frequent : dict of Itemset to int
        :math:`L_k`.
    """

    k: int
    joined: tuple
    candidates: dict
    pruned: dict
    frequent: dict


@dataclass(frozen=True)
class Rule:
    r"""An association rule :math:`A \Rightarrow B` with its metrics.

    Attributes
    ----------
    antecedent, consequent : tuple
        :math:`A` and :math:`B`, sorted tuples of items.
    support : int
        :math:`\sigma(A \cup B)`, a count.
    antecedent_support, consequent_support : int
        :math:`\sigma(A)` and :math:`\sigma(B)`.
    n_transactions : int
        :math:`N`.
    confidence, lift, leverage, conviction : float
        As defined in the module docstring; conviction is ``math.inf`` when
        the confidence is 1.
    """

    antecedent: tuple
    consequent: tuple
    support: int
    antecedent_support: int
    consequent_support: int
    n_transactions: int
    confidence: float
    lift: float
    leverage: float
    conviction: float


@dataclass(frozen=True)
class WorkEstimate:
    """What a level-by-level Apriori run will go through, counted before it is worked.

    Attributes
    ----------
    candidates : int
        Every candidate of every level: the items (:math:`C_1`) and every
        joined candidate of the later levels, pruned ones included.
    frequent : int
        The frequent itemsets.
    rules : int
        The association rules they give, :math:`\\sum_X (2^{|X|} - 2)`.
    complete : bool
        False when the count stopped early, past ``stop_after`` candidates
        (``candidates`` is then a lower bound above ``stop_after``, the other two
        count the levels reached).
    """

    candidates: int
    frequent: int
    rules: int
    complete: bool
