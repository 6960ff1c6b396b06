"""Apriori worked level by level, association rules, and a student's answer diagnosed.

Where each part lives:

* ``_worked``   -- :func:`apriori`: the join, the prune step (every infrequent
  subset named), the counts and L_k until L_k is empty; the rules with
  support, confidence, lift, leverage and conviction; a minimum-support
  sweep (:func:`sweep_figure`); every step checked against
  :mod:`workedout.numerics.apriori`;
* ``_check``    -- the :class:`~workedout.derivations.check.Checker` and the
  misconception catalogue; ``_answers`` reads and compares an answer in the
  student's terms, ``_diagnose`` finds roots, consequences and misconceptions;
* ``_demo``     -- :func:`demo_examples`.
"""
from ._demo import demo_examples
from ._worked import ALL_ELECTRONICS, TABLE_ROW_LIMIT, apriori, parse_rule, sweep_figure

__all__ = ["apriori", "parse_rule", "sweep_figure", "demo_examples", "ALL_ELECTRONICS", "TABLE_ROW_LIMIT"]
