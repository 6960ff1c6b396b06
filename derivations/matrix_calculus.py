r"""The project's own matrix-calculus identities, each proved element-wise.

SymPy 1.14 gets some matrix derivatives wrong for ``MatrixSymbol`` (for
example it returns 0 for :math:`\partial \ln|\Sigma| / \partial \Sigma`), so a
derivation never asks SymPy for a matrix derivative. It uses these
identities instead, and each one is *proved* before it is used: written out
for explicit :math:`d \times d` matrices (:math:`d = 1, 2, 3`) whose entries
are independent SymPy symbols, every entry of both sides is computed with
ordinary scalar calculus and the difference is expanded to the zero
polynomial (quotients are compared by cross-multiplying, which keeps the
proof polynomial and fast).

Convention (Bishop, PRML, appendix C; the Matrix Cookbook): the derivative
of a scalar :math:`f` with respect to a matrix :math:`S` is the matrix
:math:`G` of the partial derivatives :math:`\partial f / \partial s_{ab}`,
the :math:`d^2` entries treated as independent, evaluated at a symmetric
:math:`S`. Identity ``symmetric`` proves that imposing the symmetry
(:math:`s_{ab} = s_{ba}` one variable) gives :math:`G + G^\top -
\operatorname{diag} G`, which for a symmetric :math:`G` vanishes exactly when
:math:`G` does: stationary points are the same in both conventions.

>>> from derivations.matrix_calculus import prove
>>> prove("logdet")
True
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import sympy as sp
from sympy.polys.rings import ring

from .markup import Tex
from .model import Display, InlineMath, Step, checked, words

__all__ = ["Identity", "IDENTITIES", "DIMENSIONS", "prove", "identity_step", "general_matrix",
           "symmetric_matrix", "vector", "symmetric_point", "entry_gradient", "is_zero",
           "poly_ring", "pdet", "padj", "pmul", "padd", "ptrace", "ptranspose", "psymmetric"]

#: The dimensions every identity is proved in.
DIMENSIONS = (1, 2, 3)


# ------------------------------------------------------------ explicit objects
def general_matrix(name: str, d: int) -> sp.Matrix:
    """A d x d matrix of independent real symbols ``name_ab``."""
    return sp.Matrix(d, d, lambda a, b: sp.Symbol(f"{name}_{a + 1}{b + 1}", real=True))


def symmetric_matrix(name: str, d: int) -> sp.Matrix:
    """A symmetric d x d matrix: the symbol ``name_ab`` (a <= b) in both places."""
    return sp.Matrix(d, d, lambda a, b: sp.Symbol(f"{name}_{min(a, b) + 1}{max(a, b) + 1}", real=True))


def vector(name: str, d: int) -> sp.Matrix:
    """A d x 1 column of real symbols ``name_a``."""
    return sp.Matrix(d, 1, lambda a, _: sp.Symbol(f"{name}_{a + 1}", real=True))


def symmetric_point(A: sp.Matrix) -> dict:
    """The substitution that makes a general matrix symmetric (a_ba -> a_ab, a < b)."""
    d = A.rows
    return {A[b, a]: A[a, b] for a in range(d) for b in range(d) if a < b}


def entry_gradient(f: sp.Expr, A: sp.Matrix) -> sp.Matrix:
    r"""The matrix of partial derivatives :math:`\partial f / \partial a_{ab}` (independent entries)."""
    return sp.Matrix(A.rows, A.cols, lambda a, b: sp.diff(f, A[a, b]))


def is_zero(expr) -> bool:
    """True when ``expr`` (a scalar or a matrix) is identically zero: numerators expand to 0."""
    items = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    for e in items:
        e = sp.sympify(e)
        if e == 0:
            continue
        if not any(p.exp.is_negative for p in e.atoms(sp.Pow)):  # a polynomial: expand it
            if sp.expand(e) != 0:
                return False
        elif sp.expand(sp.numer(sp.together(e))) != 0:  # a rational function: its numerator
            return False
    return True


# ------------------------------------------------------------------ identities
@dataclass(frozen=True)
class Identity:
    """One identity: its statement (LaTeX and text), the words, and its proof in dimension d."""

    name: str
    tex: Tex
    text: str
    description: str
    proof: Callable[[int], bool]
    matrices: str = "symmetric"


# The proofs work in SymPy's sparse polynomial rings over QQ (sympy.polys.rings): every
# entry is an exact polynomial in the symbols, quotients are compared by
# cross-multiplying, and equality of polynomials is equality of coefficients.
def _ring(d: int, *, general=("s",), symmetric=(), vectors=("a",), scalars=()):
    """A polynomial ring over QQ holding the entries; returns (ring, dict of matrices)."""
    names, layout = [], {}
    for m in general:
        layout[m] = ("general", [[f"{m}_{a + 1}{b + 1}" for b in range(d)] for a in range(d)])
        names += [n for row in layout[m][1] for n in row]
    for m in symmetric:
        layout[m] = ("symmetric", [[f"{m}_{min(a, b) + 1}{max(a, b) + 1}" for b in range(d)] for a in range(d)])
        names += [f"{m}_{a + 1}{b + 1}" for a in range(d) for b in range(a, d)]
    for v in vectors:
        layout[v] = ("vector", [[f"{v}_{a + 1}"] for a in range(d)])
        names += [f"{v}_{a + 1}" for a in range(d)]
    names += list(scalars)
    R, *gens = ring(",".join(names), sp.QQ)
    g = dict(zip(names, gens))
    mats = {m: [[g[n] for n in row] for row in rows] for m, (_, rows) in layout.items()}
    mats.update({n: g[n] for n in scalars})
    return R, mats


def _mul(A, B):
    return [[sum((A[i][k] * B[k][j] for k in range(len(B))), A[0][0].ring.zero)
             for j in range(len(B[0]))] for i in range(len(A))]


def _add(A, B, c=1):
    return [[a + c * b for a, b in zip(ra, rb)] for ra, rb in zip(A, B)]


def _T(A):
    return [list(col) for col in zip(*A)]


def _det(A):
    if len(A) == 1:
        return A[0][0]
    return sum(((-1) ** j * A[0][j] * _det([row[:j] + row[j + 1:] for row in A[1:]]) for j in range(len(A))),
               A[0][0].ring.zero)


def _adj(A):
    d = len(A)
    if d == 1:
        return [[A[0][0].ring.one]]
    minor = lambda r, c: [row[:c] + row[c + 1:] for i, row in enumerate(A) if i != r]
    return [[(-1) ** (a + b) * _det(minor(b, a)) for b in range(d)] for a in range(d)]


def _trace(A):
    return sum((A[i][i] for i in range(len(A))), A[0][0].ring.zero)


def _to_symmetric(p, A):
    """Substitute a_ba -> a_ab (a < b): evaluate at a symmetric matrix."""
    d = len(A)
    pairs = [(A[b][a], A[a][b]) for a in range(d) for b in range(d) if a < b]
    return p.compose(pairs) if pairs else p


def _prove_logdet(d: int) -> bool:
    # Jacobi: d|A|/da_ab = adj(A)_ba, so d ln|A|/dA = adj(A)^T/|A| = A^{-T};
    # at a symmetric point adj(A) is symmetric, so the gradient is S^{-1}.
    _, m = _ring(d)
    A = m["s"]
    det, adj = _det(A), _adj(A)
    jacobi = all(det.diff(A[a][b]) == adj[b][a] for a in range(d) for b in range(d))
    return jacobi and all(_to_symmetric(adj[a][b] - adj[b][a], A) == 0 for a in range(d) for b in range(d))


def _prove_quad_inv(d: int) -> bool:
    # f = a^T adj(A) a / |A|: the numerator of df/dA_ab over |A|^2 against -(A^{-T} a a^T A^{-T})_ab.
    _, m = _ring(d)
    A, v = m["s"], m["a"]
    det, adj = _det(A), _adj(A)
    q = _mul(_mul(_T(v), adj), v)[0][0]
    target = _mul(_mul(_mul(_T(adj), v), _T(v)), _T(adj))
    same = all(q.diff(A[a][b]) * det - q * det.diff(A[a][b]) == -target[a][b]
               for a in range(d) for b in range(d))
    sym = _mul(_mul(_mul(adj, v), _T(v)), adj)  # S^{-1} a a^T S^{-1} (times |S|^2)
    return same and all(_to_symmetric(target[a][b] - sym[a][b], A) == 0 for a in range(d) for b in range(d))


def _prove_trace_inv(d: int) -> bool:
    # f = tr(adj(A) B)/|A|, B symmetric: df/dA = -(A^{-1} B A^{-1})^T, = -S^{-1} B S^{-1} at symmetric A.
    _, m = _ring(d, symmetric=("b",), vectors=())
    A, B = m["s"], m["b"]
    det, adj = _det(A), _adj(A)
    t = _trace(_mul(adj, B))
    target = _T(_mul(_mul(adj, B), adj))
    same = all(t.diff(A[a][b]) * det - t * det.diff(A[a][b]) == -target[a][b]
               for a in range(d) for b in range(d))
    sym = _mul(_mul(adj, B), adj)
    return same and all(_to_symmetric(target[a][b] - sym[a][b], A) == 0 for a in range(d) for b in range(d))


def _prove_quad_grad(d: int) -> bool:
    _, m = _ring(d, general=(), symmetric=("s",))
    S, v = m["s"], m["a"]
    f = _mul(_mul(_T(v), S), v)[0][0]
    Sv = _mul(S, v)
    return all(f.diff(v[a][0]) == 2 * Sv[a][0] for a in range(d))


def _prove_quad_shift(d: int) -> bool:
    _, m = _ring(d, general=(), symmetric=("s",), vectors=("x", "m"))
    S, x, mu = m["s"], m["x"], m["m"]
    r = _add(x, mu, -1)
    f = _mul(_mul(_T(r), S), r)[0][0]
    Sr = _mul(S, r)
    return all(f.diff(mu[a][0]) == -2 * Sr[a][0] for a in range(d))


def _prove_trace_trick(d: int) -> bool:
    _, m = _ring(d, general=("b",))
    B, v = m["b"], m["a"]
    return _mul(_mul(_T(v), B), v)[0][0] == _trace(_mul(_mul(B, v), _T(v)))


def _prove_trace_linear(d: int) -> bool:
    R, m = _ring(d, general=("b", "m1", "m2", "m3"), vectors=(), scalars=("c1", "c2", "c3"))
    B, c, As = m["b"], [m["c1"], m["c2"], m["c3"]], [m["m1"], m["m2"], m["m3"]]
    lhs = sum((ci * _trace(_mul(B, Ai)) for ci, Ai in zip(c, As)), R.zero)
    total = [[R.zero] * d for _ in range(d)]
    for ci, Ai in zip(c, As):
        total = _add(total, Ai, ci)
    return lhs == _trace(_mul(B, total))


def _prove_symmetric(d: int) -> bool:
    # For f = ln|S| and f = tr(S^{-1} B): the derivative in the tied entry s_ab (a < b)
    # is G_ab + G_ba, on the diagonal G_aa, where G is the independent-entry gradient
    # (computed on a general matrix, then evaluated at the symmetric point); and G is symmetric.
    _, m = _ring(d, symmetric=("t", "b"), vectors=())
    A, S, B = m["s"], m["t"], m["b"]
    to_S = lambda p: p.compose([(A[a][b], S[a][b]) for a in range(d) for b in range(d)])
    detA, adjA, detS = _det(A), _adj(A), _det(S)
    tA = _trace(_mul(adjA, B))
    tS = _trace(_mul(_adj(S), B))
    # numerators over |S| (log-det) and over |S|^2 (trace form)
    G1 = [[to_S(detA.diff(A[a][b])) for b in range(d)] for a in range(d)]
    G2 = [[to_S(tA.diff(A[a][b]) * detA - tA * detA.diff(A[a][b])) for b in range(d)] for a in range(d)]
    names = {(a, b): S[a][b] for a in range(d) for b in range(a, d)}
    for (a, b), s_ab in names.items():
        tied1 = detS.diff(s_ab)
        tied2 = tS.diff(s_ab) * detS - tS * detS.diff(s_ab)
        for tied, G in ((tied1, G1), (tied2, G2)):
            expected = G[a][b] if a == b else G[a][b] + G[b][a]
            if tied != expected or G[a][b] != G[b][a]:
                return False
    return True


# Polynomial-matrix helpers, public for other exact proofs (matrices are lists of rows of
# ring elements of SymPy's sparse polynomial rings).
poly_ring, pdet, padj, pmul, padd, ptrace, ptranspose, psymmetric = (
    _ring, _det, _adj, _mul, _add, _trace, _T, _to_symmetric)


IDENTITIES: dict[str, Identity] = {i.name: i for i in [
    Identity("logdet", Tex(r"\frac{\partial}{\partial \boldsymbol{S}} \ln|\boldsymbol{S}| = \boldsymbol{S}^{-1}"),
             "d/dS ln|S| = S^{-1}",
             "the derivative of the log-determinant (Jacobi's formula)", _prove_logdet),
    Identity("quad_inv", Tex(r"\frac{\partial}{\partial \boldsymbol{S}}\, \boldsymbol{a}^{\mathsf T}"
                             r"\boldsymbol{S}^{-1}\boldsymbol{a} = -\boldsymbol{S}^{-1}\boldsymbol{a}"
                             r"\boldsymbol{a}^{\mathsf T}\boldsymbol{S}^{-1}"),
             "d/dS a^T S^{-1} a = -S^{-1} a a^T S^{-1}",
             "the derivative of a quadratic form in the inverse", _prove_quad_inv),
    Identity("trace_inv", Tex(r"\frac{\partial}{\partial \boldsymbol{S}} \operatorname{tr}\!\left("
                              r"\boldsymbol{S}^{-1}\boldsymbol{B}\right) = -\boldsymbol{S}^{-1}"
                              r"\boldsymbol{B}\boldsymbol{S}^{-1}"),
             "d/dS tr(S^{-1} B) = -S^{-1} B S^{-1}   (B symmetric)",
             "the derivative of a trace with the inverse (B symmetric)", _prove_trace_inv),
    Identity("quad_grad", Tex(r"\frac{\partial}{\partial \boldsymbol{a}}\, \boldsymbol{a}^{\mathsf T}"
                              r"\boldsymbol{S}\boldsymbol{a} = 2\boldsymbol{S}\boldsymbol{a}"),
             "d/da a^T S a = 2 S a",
             "the gradient of a quadratic form", _prove_quad_grad),
    Identity("quad_shift", Tex(r"\frac{\partial}{\partial \boldsymbol{\mu}}\, (\boldsymbol{x}-\boldsymbol{\mu})"
                               r"^{\mathsf T}\boldsymbol{S}(\boldsymbol{x}-\boldsymbol{\mu}) = -2\boldsymbol{S}"
                               r"(\boldsymbol{x}-\boldsymbol{\mu})"),
             "d/dmu (x - mu)^T S (x - mu) = -2 S (x - mu)",
             "the gradient of a quadratic form in x - mu (the chain rule adds a minus sign)", _prove_quad_shift),
    Identity("trace_trick", Tex(r"\boldsymbol{a}^{\mathsf T}\boldsymbol{B}\boldsymbol{a} = \operatorname{tr}"
                                r"\!\left(\boldsymbol{B}\boldsymbol{a}\boldsymbol{a}^{\mathsf T}\right)"),
             "a^T B a = tr(B a a^T)",
             "the trace trick: a scalar is its own trace, and tr(XY) = tr(YX)", _prove_trace_trick,
             matrices="general"),
    Identity("trace_linear", Tex(r"\textstyle\sum_i c_i \operatorname{tr}(\boldsymbol{B}\boldsymbol{A}_i) = "
                                 r"\operatorname{tr}\!\left(\boldsymbol{B} \sum_i c_i \boldsymbol{A}_i\right)"),
             "sum_i c_i tr(B A_i) = tr(B sum_i c_i A_i)",
             "the trace is linear (proved with three terms)", _prove_trace_linear, matrices="general"),
    Identity("symmetric", Tex(r"\frac{\partial f}{\partial s_{ab}}\Big|_{s_{ab} = s_{ba}} = "
                              r"\Bigl(\boldsymbol{G} + \boldsymbol{G}^{\mathsf T} - \operatorname{diag}"
                              r"\boldsymbol{G}\Bigr)_{ab},\quad \boldsymbol{G} = \frac{\partial f}"
                              r"{\partial \boldsymbol{S}}"),
             "d f/d s_ab with s_ab = s_ba tied = (G + G^T - diag G)_ab, G = df/dS",
             "with the symmetry imposed the gradient is 2G minus its diagonal, zero exactly when G is "
             "(proved for f = ln|S| and f = tr(S^{-1}B))", _prove_symmetric),
]}


@functools.lru_cache(maxsize=None)
def _prove_in(name: str, d: int) -> bool:
    return bool(IDENTITIES[name].proof(d))


def prove(name: str, dims=DIMENSIONS) -> bool:
    """Prove identity ``name`` element-wise in each dimension of ``dims`` (cached per process)."""
    if name not in IDENTITIES:
        raise ValueError(f"identity: {name!r} is unknown; known: {', '.join(IDENTITIES)}")
    return all(_prove_in(name, d) for d in dims)


def identity_step(name: str, *, label: str | None = None, why=None) -> Step:
    """The identity as a derivation step, checked by :func:`prove` in d = 1, 2, 3."""
    ident = IDENTITIES[name]
    kind = "symmetric d x d matrices" if ident.matrices == "symmetric" else "general d x d matrices"
    return Step(Display(InlineMath(ident.tex, ident.text)),
                why=why if why is not None else words(ident.description),
                check=checked(f"proved entry by entry for {kind} with symbolic entries, "
                              f"d = {', '.join(map(str, DIMENSIONS))} (SymPy polynomial arithmetic)", prove(name)),
                label=label or f"id_{name}")
