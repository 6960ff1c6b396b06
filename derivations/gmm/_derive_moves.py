r"""Moves on SymPy sums, as a lecture makes them on the board, and sums written out for explicit sizes.

The derivation's scalar lines are real SymPy objects (``Sum`` over
``Indexed``); these functions make the textbook moves on them (pull a
factor out of a sum, split a sum, solve with the sums held fixed) and write
a general sum out term by term for explicit :math:`n, d, K` to check it.
"""
from __future__ import annotations

import sympy as sp

from ._explicit import is_zero
from ._notation import N_, K, d, gamma, i, k, n


def pull_out(expr):
    """Pull the factors that do not depend on a sum's index out of every Sum."""
    def one(s):
        ind, dep = s.function.as_independent(*[lim[0] for lim in s.limits], as_Add=False)
        return ind * sp.Sum(dep, *s.limits) if ind != 1 else s
    return expr.replace(lambda e: isinstance(e, sp.Sum), one)


def split_sums(expr):
    """Split every Sum of a sum of terms into a sum of Sums (products distributed first)."""
    def one(s):
        terms = sp.Add.make_args(sp.expand_mul(s.function))
        if len(terms) == 1:
            return s
        return sp.Add(*[-sp.Sum(-t, *s.limits) if t.could_extract_minus_sign() else sp.Sum(t, *s.limits)
                        for t in terms])
    return expr.replace(lambda e: isinstance(e, sp.Sum), one)


def data_first_squares(expr):
    """Write (mu - x)^2 as (x - mu)^2, the way the notes do."""
    def data_negative(base):
        return base.is_Add and any(t.could_extract_minus_sign() and isinstance(-t, sp.Indexed)
                                   and str((-t).base.label) == "x" for t in base.args)
    return expr.replace(lambda e: e.is_Pow and e.exp == 2 and data_negative(e.base),
                        lambda e: sp.Pow(sp.expand(-e.base), 2, evaluate=False))


def drop_zero_sums(expr):
    """SymPy leaves Sum(0, ...) where a summand does not depend on the variable: drop them."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.function.is_zero, lambda e: sp.Integer(0))


def replace_sum(expr, target: sp.Sum, value):
    """Replace every Sum equal to ``target`` (same limits, summands equal after expanding) by ``value``."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.limits == target.limits
                        and sp.expand(e.function - target.function) == 0, lambda e: value)


def scalar_gradient(Qs, v) -> list:
    """SymPy's derivative, then split, pull out, and N_k: the four lines of a scalar gradient."""
    g1 = drop_zero_sums(sp.diff(Qs, v))
    g2 = split_sums(g1)
    g3 = pull_out(g2)
    g4 = g3.subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    return [g1, g2, g3, g4]


def opaque_sums(expr):
    sums = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    dummies = [sp.Dummy(f"S{t}") for t in range(len(sums))]
    return expr.subs(dict(zip(sums, dummies))), dict(zip(dummies, sums))


def solve_scalar(expr, v):
    """Solve expr = 0 for v, the Sums held fixed (opaque)."""
    e, back = opaque_sums(expr)
    # v is a variance or a mean: a root that makes a denominator vanish (v = 0 for a variance) is excluded
    sols = [s_ for s_ in sp.solve(sp.Eq(e, 0), v, check=False, simplify=False)
            if not (v.is_positive and s_ == 0)]
    if len(sols) != 1:
        raise AssertionError(f"expected one solution for {v}, got {sols}")
    return sp.factor_terms(sols[0].subs(back))


def zero_with_sums_fixed(expr) -> bool:
    """expr is identically 0 when its Sums are treated as unknowns (equal Sums as the same unknown)."""
    canon = expr.replace(lambda e: isinstance(e, sp.Sum),
                         lambda e: sp.Sum(sp.expand(e.function), *e.limits))
    opaque, _ = opaque_sums(canon)
    return is_zero(opaque)


def write_out(expr, nv=3, Kv=2, dv=2):
    """Write the sums out term by term for explicit n, K, d (innermost sums first)."""
    def write_out(s):
        f = s.function
        for v, a, b in s.limits:
            f = sp.Add(*[f.xreplace({v: sp.Integer(t)}) for t in range(int(a), int(b) + 1)])
        return f
    return expr.xreplace({n: sp.Integer(nv), K: sp.Integer(Kv), d: sp.Integer(dv)}).replace(
        lambda e: isinstance(e, sp.Sum), write_out)


def same_written_out(a, b, **sizes) -> bool:
    return is_zero(write_out(a, **sizes) - write_out(b, **sizes))
