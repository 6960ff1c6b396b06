r"""Checking a student's Apriori answer: the student's terms, errors carried forward, the misconceptions.

The answer is a chain: the counts of each level, then ``L_k`` (the counts at
least :math:`\sigma_{\min}`), then the next level's join (from the student's
own ``L_k``), its prune step (against the student's ``L_k``), its counts, and
at the end the rules (support, confidence, lift, leverage, conviction from the
student's own counts). :func:`apriori_checker` builds the
:class:`~.check.Checker` of one worked result; its ``diagnose`` walks the
chain in the order the worked solution computes it and, for every value that
differs, recomputes it from the student's earlier values: when the
recomputation equals what the student wrote, the value follows from an earlier
wrong one (``cause: follows``); otherwise it is a root, and the catalogued
misconceptions (:data:`CATALOGUE`) are tried by recomputing with each wrong
rule.

Marks (``weight``): one mark for every value (a support, each rule metric,
``meets_min_confidence``, ``N``, ``sigma_min``); one mark for each entry of a
list without values (a joined pair, a pruned candidate, an infrequent
subset), carried by its first item; the other items of an itemset are the
entry's identity (entries are matched by them) and carry no mark. A missing
or an unexpected entry is one mark.
"""
from __future__ import annotations

from ..check import Checker, Misconception, Unordered
from ._answers import (_SUPPORT_KEYS, AprioriProblem, _items_key, _normalize, _subject,
                       _support_rule, _weight)
from ._diagnose import _Diagnosis

__all__ = ["CATALOGUE", "AprioriProblem", "apriori_checker", "Checker"]

#: The classic wrong rules of Apriori, each recognised by recomputing with it.
#: A ``step`` ending in ``_k`` is the step of that name at the level of the discrepancy.
CATALOGUE = (
    Misconception("no-prune", "A candidate with an infrequent (k-1)-subset was kept: the prune step removes it "
                              "before counting (every subset of a frequent itemset is frequent).", "prune_k"),
    Misconception("confidence-denominator", "The confidence divides by the antecedent's support: conf(A ⇒ B) = "
                                            "σ(AB) / σ(A) (σ(AB): the transactions holding A and B), not σ(AB) / σ(B) "
                                            "nor σ(AB) / N.", "rule_defs"),
    Misconception("lift-formula", "With counts the lift is N·σ(AB) / (σ(A)·σ(B)) = conf / (σ(B)/N): "
                                  "σ(AB) / (σ(A)·σ(B)) forgets the N.", "rule_defs"),
    Misconception("strict-threshold", "Frequent means a support of at least σ_min (≥, not >): support exactly σ_min "
                                      "is frequent (and confidence exactly c_min meets the minimum).", "sigma_min"),
    Misconception("join-prefix", "The join pairs two sorted (k-1)-itemsets of L_(k-1) only when they share their "
                                 "first k-2 items; other unions are not joined.", "join_k"),
    Misconception("duplicate-items", "A transaction is a set: an item repeated in it counts once; the support is "
                                     "the number of transactions containing the itemset.", "count_k"),
    Misconception("one-subset-only", "A pruned candidate lists every infrequent (k-1)-subset, not only the first "
                                     "one found (one is enough to prune it).", "prune_k"),
)

# ------------------------------------------------------------ the checker
def apriori_checker(problem: AprioriProblem) -> Checker:
    """The checker of one worked Apriori (``problem``): see the module docstring."""
    items = Unordered(str, "item")
    support = _support_rule(problem)  # confidence, lift, ...: the core's comparison (it reads 66.7% too)
    scalars = {**{f"levels[*].{p}[*].support": support for p in ("candidates", "frequent")},
               "min_support_count": support,
               "frequent_itemsets[*].support": support,
               **{f"rules[*].{k}": support for k in _SUPPORT_KEYS},
               **{f"{key}[*].support": support for key in ("closed", "maximal")},
               **{f"rule{sub}.{k}": support for sub in ("", "[*]") for k in _SUPPORT_KEYS}}
    unordered = {
        "levels": Unordered(lambda e: int(e["k"]), "level", complete=False),
        "levels[*].join": Unordered(lambda e: _items_key(e["candidate"]), "joined candidate"),
        "levels[*].join[*].left": items,
        "levels[*].join[*].right": items,
        "levels[*].join[*].candidate": items,
        "levels[*].candidates": Unordered(lambda e: _items_key(e["itemset"]), "candidate"),
        "levels[*].candidates[*].itemset": items,
        "levels[*].pruned": Unordered(lambda e: _items_key(e["itemset"]), "pruned candidate"),
        "levels[*].pruned[*].itemset": items,
        "levels[*].pruned[*].infrequent_subset": Unordered(_items_key, "infrequent subset"),
        "levels[*].pruned[*].infrequent_subset[*]": items,
        "levels[*].frequent": Unordered(lambda e: _items_key(e["itemset"]), "frequent itemset"),
        "levels[*].frequent[*].itemset": items,
        "frequent_itemsets": Unordered(lambda e: _items_key(e["itemset"]), "frequent itemset"),
        "frequent_itemsets[*].itemset": items,
        "rules": Unordered(lambda e: (_items_key(e["antecedent"]), _items_key(e["consequent"])), "rule",
                           complete=False),
        "closed": Unordered(lambda e: _items_key(e["itemset"]), "closed itemset"),
        "closed[*].itemset": items,
        "maximal": Unordered(lambda e: _items_key(e["itemset"]), "maximal itemset"),
        "maximal[*].itemset": items,
        "rule": Unordered(lambda e: (_items_key(e["antecedent"]), _items_key(e["consequent"])), "rule",
                          complete=False),
        "rule.antecedent": items,
        "rule.consequent": items,
        "rule[*].antecedent": items,
        "rule[*].consequent": items,
        "rules[*].antecedent": items,
        "rules[*].consequent": items,
    }
    return Checker(normalize=_normalize, unordered=unordered, scalars=scalars,
                   subject=lambda loc: _subject(problem, loc), weight=_weight,
                   diagnose=lambda findings, result: _Diagnosis(problem, findings, result).run(),
                   catalogue=CATALOGUE)
