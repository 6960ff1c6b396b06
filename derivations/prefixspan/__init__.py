"""PrefixSpan worked by hand, in the paper's notation, and a student's answer diagnosed.

Where each part lives:

* ``_worked``   -- :func:`prefixspan`: the frequent 1-sequences, the projected
  databases, the extensions, the mining tree; every step checked against
  :mod:`workedout.numerics.prefixspan`;
* ``_rules``    -- the textbook rules (projection, extension counts) that both
  the worked solution and the diagnosis apply;
* ``_check``    -- the :class:`~workedout.derivations.check.Checker` and the
  misconception catalogue; ``_answers`` reads and compares an answer in the
  student's terms, ``_diagnose`` finds roots, consequences and misconceptions;
* ``_demo``     -- :func:`demo_examples`.
"""
from ._demo import demo_examples
from ._rules import PROJECTIONS
from ._worked import PAPER_DB, prefixspan

__all__ = ["prefixspan", "PAPER_DB", "PROJECTIONS", "demo_examples"]
