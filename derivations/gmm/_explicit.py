r"""Explicit instances for the checks: small n, d, K with symbolic entries.

A general statement of the derivation (any n, d, K) is checked by writing it
out for explicit sizes, every entry a SymPy symbol, and letting SymPy do the
scalar calculus: gradients entry by entry, sums written out, identities
expanded to zero. Matrix derivatives are never asked of SymPy (see
:mod:`derivations.matrix_calculus`); a gradient with respect to a covariance
is the matrix of partial derivatives in its d^2 independent entries,
evaluated at a symmetric point.
"""
from __future__ import annotations

import functools

import sympy as sp

from ..matrix_calculus import is_zero, symmetric_matrix
from ._syntax import CANONICAL, Instance, evaluate_update

__all__ = ["Explicit", "explicit", "is_zero", "same", "evaluate_canonical"]


class Explicit:
    """Data x_i (d-vectors), responsibilities g_ik, means m_k, precisions P_k, weights w_k.

    With ``rows_sum_to_one`` the last responsibility of each row is 1 minus the others.
    """

    def __init__(self, n: int, d: int, K: int, *, rows_sum_to_one: bool = False):
        self.n, self.d, self.K = n, d, K
        self.X = [sp.Matrix([sp.Symbol(f"x{i + 1}_{a + 1}", real=True) for a in range(d)]) for i in range(n)]
        g = [[sp.Symbol(f"g{i + 1}_{k + 1}", positive=True) for k in range(K)] for i in range(n)]
        if rows_sum_to_one:
            for row in g:
                row[-1] = 1 - sum(row[:-1])
        self.G = sp.Matrix(g)
        self.M = [sp.Matrix([sp.Symbol(f"m{k + 1}_{a + 1}", real=True) for a in range(d)]) for k in range(K)]
        self.P = [symmetric_matrix(f"p{k + 1}", d) for k in range(K)]
        self.W = [sp.Symbol(f"w{k + 1}", positive=True) for k in range(K)]

    def Nk(self, k: int) -> sp.Expr:
        return sum(self.G[:, k])

    def dev(self, i: int, k: int, M=None) -> sp.Matrix:
        return self.X[i] - (M or self.M)[k]

    def quad(self, i: int, k: int, S: sp.Matrix, M=None) -> sp.Expr:
        dv = self.dev(i, k, M)
        return (dv.T * S * dv)[0]

    def scatter(self, k: int, M=None) -> sp.Matrix:
        total = sp.zeros(self.d, self.d)
        for i in range(self.n):
            dv = self.dev(i, k, M)
            total += self.G[i, k] * dv * dv.T
        return total

    @functools.cached_property
    def Qp(self) -> sp.Expr:
        """:meth:`Q_precision`, built once."""
        return self.Q_precision()

    def grad_mean(self, k: int) -> sp.Matrix:
        """SymPy's gradient of :attr:`Qp` in the entries of m_k (cached)."""
        cache = self.__dict__.setdefault("_grad_mean", {})
        if k not in cache:
            cache[k] = sp.Matrix([sp.diff(self.Qp, v) for v in self.M[k]])
        return cache[k]

    def Q_precision(self) -> sp.Expr:
        """Q with each covariance given by its precision P_k (for the means)."""
        d = self.d
        return sum(self.G[i, k] * (sp.log(self.W[k]) - sp.Rational(d, 2) * sp.log(2 * sp.pi)
                                   + sp.log(self.P[k].det()) / 2 - self.quad(i, k, self.P[k]) / 2)
                   for i in range(self.n) for k in range(self.K))

    def Q_covariance(self, covs: list) -> sp.Expr:
        """Q with explicit covariance matrices (any symbolic or numeric d x d)."""
        d = self.d
        out = sp.Integer(0)
        for k in range(self.K):
            S = covs[k]
            det, inv = S.det(), S.adjugate() / S.det()
            for i in range(self.n):
                out += self.G[i, k] * (sp.log(self.W[k]) - sp.Rational(d, 2) * sp.log(2 * sp.pi)
                                       - sp.log(det) / 2 - self.quad(i, k, inv) / 2)
        return out


@functools.lru_cache(maxsize=None)
def explicit(n: int, d: int, K: int, rows_sum_to_one: bool = False) -> Explicit:
    """A cached :class:`Explicit` (the same symbols every time)."""
    return Explicit(n, d, K, rows_sum_to_one=rows_sum_to_one)


def same(a, b) -> bool:
    """a and b (scalars or matrices) are identically equal."""
    return is_zero(a - b)


def evaluate_canonical(key: str, E: Explicit, means=None):
    """The derived update ``key``, as written in the answer syntax (:data:`._syntax.CANONICAL`), evaluated on ``E``."""
    return evaluate_update(key, CANONICAL[key], Instance(E.X, E.G), means=means)
