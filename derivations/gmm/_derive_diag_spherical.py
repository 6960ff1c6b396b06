r"""The derivation, sections 8 and 9: the M-step for diagonal and for spherical covariances.

These are scalar derivations: SymPy differentiates the sums itself, and
each line is checked against SymPy's derivative of the explicit objective.
"""
from __future__ import annotations

import functools

import sympy as sp

from ..matrix_calculus import vector
from ..result import Chain, Display, Ref, checked, words
from ._derive_moves import pull_out, scalar_gradient, solve_scalar, split_sums, write_out, zero_with_sums_fixed
from ._explicit import evaluate_canonical, explicit, is_zero
from ._notation import (GAMMA_IK, MU_K, N_, QUADRATIC_FORM, SIGMA_K, SUM_I, X_I, d, gamma, i, j, join_math, k, mu, n,
                        show, tex, var, x)
from ._syntax import CANONICAL


def cov_diag(proof) -> None:
    proof.section("8. Diagonal covariances (covariance_type='diag')",
                  tex(SIGMA_K + r" = \operatorname{diag}(\sigma^2_{k1}, \dots, \sigma^2_{kd})"),
                  ": the derivation is scalar, and SymPy differentiates the sum itself. scikit-learn stores the "
                  "variances as covariances_ of shape ", tex("(K, d)"), ".")
    proof.step(Display(tex(r"\ln |" + SIGMA_K + r"| = \sum_{j=1}^{d} \ln \sigma^2_{kj}, \qquad " + QUADRATIC_FORM +
                           r" = \sum_{j=1}^{d} \frac{(x_{ij} - \mu_{kj})^2}{\sigma^2_{kj}}")),
               words("the determinant and the quadratic form of a diagonal matrix"), "diag_forms",
               _check_diag_forms())
    QD = sp.Sum(gamma[i, k] * (-sp.log(var[k, j]) / 2 - (x[i, j] - mu[k, j]) ** 2 / (2 * var[k, j])),
                (i, 1, n))
    proof.step(Chain(tex("Q"), [join_math(QD, (r" + \mathrm{const}", " + const"))]),
               words("as a function of one variance ", tex(r"\sigma^2_{kj}"), ": only component ", tex("k"),
                     " and coordinate ", tex("j"), " of ", Ref("Qfull"), " involve it"),
               "Q_diag", _check_Q_scalar(QD, "diag"))
    lines = scalar_gradient(QD, var[k, j])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_{kj}}"), [show(e) for e in lines],
                     reasons=[words("SymPy differentiates under the sum"), words("split the sum"),
                              words("pull out what does not depend on ", tex("i")),
                              words(tex(r"N_k = " + SUM_I + " " + GAMMA_IK))]),
               words("the derivative"), "grad_diag", _check_scalar_lines(lines, "diag"))
    sol = solve_scalar(lines[-1], var[k, j])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_{kj}} = 0"), [show(sp.Eq(var[k, j], sol))],
                     rel="\\iff", reasons=[words("SymPy solves for ", tex(r"\sigma^2_{kj}"))]),
               words("the responsibility-weighted variance of coordinate ", tex("j"), " around ", tex(r"\mu_{kj}"),
                     ": the diagonal of the full update ", Ref("solve_full") if "full" in proof.types else ""),
               "solve_diag", _check_solve_scalar(lines[0], var[k, j], sol, "diag"))


def cov_spherical(proof) -> None:
    proof.section("9. Spherical covariances (covariance_type='spherical')",
                  tex(SIGMA_K + r" = \sigma^2_k \boldsymbol{I}"), ": one variance per component; scikit-learn "
                  "stores them as covariances_ of shape ", tex("(K,)"), ".")
    proof.step(Display(tex(r"\ln |" + SIGMA_K + r"| = d \ln \sigma^2_k, \qquad " + QUADRATIC_FORM + r" = \frac{\|" +
                           X_I + " - " + MU_K +
                           r"\|^2}{\sigma^2_k} = \sum_{j=1}^{d} \frac{(x_{ij} - \mu_{kj})^2}{\sigma^2_k}")),
               words("the determinant and the quadratic form of ", tex(r"\sigma^2_k \boldsymbol{I}")),
               "sph_forms", _check_sph_forms())
    QS = sp.Sum(gamma[i, k] * (-d * sp.log(var[k]) / 2
                               - sp.Sum((x[i, j] - mu[k, j]) ** 2, (j, 1, d)) / (2 * var[k])), (i, 1, n))
    proof.step(Chain(tex("Q"), [join_math(QS, (r" + \mathrm{const}", " + const"))]),
               words("as a function of ", tex(r"\sigma^2_k"), ", from ", Ref("Qfull")), "Q_spherical",
               _check_Q_scalar(QS, "spherical"))
    lines = scalar_gradient(QS, var[k])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_k}"), [show(e) for e in lines],
                     reasons=[words("SymPy differentiates under the sum"), words("split the sum"),
                              words("pull out what does not depend on ", tex("i")),
                              words(tex(r"N_k = " + SUM_I + " " + GAMMA_IK))]),
               words("the derivative"), "grad_spherical", _check_scalar_lines(lines, "spherical"))
    sol = solve_scalar(lines[-1], var[k])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_k} = 0"),
                     [show(sp.Eq(var[k], sol)),
                      tex(r"\sigma^2_k = \frac{1}{d} \sum_{j=1}^{d} \sigma^2_{kj} = \frac{1}{d} "
                          r"\operatorname{tr} \boldsymbol{\Sigma}_k^{\mathrm{full}}")],
                     rel="\\iff", reasons=[words("SymPy solves for ", tex(r"\sigma^2_k")),
                                           words("swap the sums over ", tex("i"), " and ", tex("j"), "; ",
                                                 Ref("solve_diag") if "diag" in proof.types else "the diagonal update",
                                                 ", ", Ref("solve_full") if "full" in proof.types else
                                                 "the full update")]),
               words("the mean of the diagonal variances, which is how scikit-learn computes it"),
               "solve_spherical", _check_solve_scalar(lines[0], var[k], sol, "spherical", also_mean=True))


# ---------------------------------------------------------------- checks
def _check_diag_forms():
    ok = True
    for dim in (1, 2, 3):
        s = sp.symbols(f"v1:{dim + 1}", positive=True)
        xv, mv = vector("x", dim), vector("m", dim)
        S = sp.diag(*s)
        ok &= is_zero(sp.expand_log(sp.log(S.det()), force=True) - sum(sp.log(v) for v in s))
        ok &= is_zero(((xv - mv).T * S.inv() * (xv - mv))[0] - sum((xv[a] - mv[a]) ** 2 / s[a] for a in range(dim)))
    return checked("d = 1, 2, 3 with symbolic entries", ok)


@functools.lru_cache(maxsize=None)
def explicit_scalar_dQ(E, kind, v):
    """SymPy's derivative of the explicit Q in one variance symbol (built once per process)."""
    Q, _ = explicit_scalar_Q(E, kind)
    return sp.diff(Q, v)


@functools.lru_cache(maxsize=None)
def explicit_scalar_Q(E, kind):
    """The explicit Q (n, d, K from E) with diagonal or spherical covariances: symbols v_kj or v_k."""
    if kind == "diag":
        V = [[sp.Symbol(f"v{q + 1}_{a + 1}", positive=True) for a in range(E.d)] for q in range(E.K)]
        covs = [sp.diag(*V[q]) for q in range(E.K)]
    else:
        V = [[sp.Symbol(f"v{q + 1}", positive=True)] for q in range(E.K)]
        covs = [V[q][0] * sp.eye(E.d) for q in range(E.K)]
    return E.Q_covariance(covs), V


def to_explicit(expr, E, V, kind, q, a=None):
    """Write a Sum/Indexed expression out on E's symbols for component q (and coordinate a)."""
    e = expr.subs({k: q + 1}) if a is None else expr.subs({k: q + 1, j: a + 1})
    e = write_out(e, nv=E.n, Kv=E.K, dv=E.d)
    rep = {}
    for p in range(E.n):
        for b in range(E.d):
            rep[x[p + 1, b + 1]] = E.X[p][b]
        for qq in range(E.K):
            rep[gamma[p + 1, qq + 1]] = E.G[p, qq]
    for qq in range(E.K):
        rep[N_[qq + 1]] = E.Nk(qq)
        for b in range(E.d):
            rep[mu[qq + 1, b + 1]] = E.M[qq][b]
            if kind == "diag":
                rep[var[qq + 1, b + 1]] = V[qq][b]
        if kind == "spherical":
            rep[var[qq + 1]] = V[qq][0]
    return e.xreplace(rep)


def _check_Q_scalar(Qs, kind):
    E = explicit(3, 2, 2)
    _, V = explicit_scalar_Q(E, kind)
    ok = True
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            v = V[q][a if a is not None else 0]
            ok &= is_zero(explicit_scalar_dQ(E, kind, v) - sp.diff(to_explicit(Qs, E, V, kind, q, a), v))
    return checked("n = 3, d = 2, K = 2 with symbolic entries: SymPy's derivative of the explicit Q in each "
                   "variance equals that of this sum written out", ok)


def _check_scalar_lines(lines, kind):
    E = explicit(3, 2, 2)
    _, V = explicit_scalar_Q(E, kind)
    ok = True
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            vv = V[q][a if a is not None else 0]
            target = explicit_scalar_dQ(E, kind, vv)
            ok &= all(is_zero(target - to_explicit(e, E, V, kind, q, a)) for e in lines)
    return checked("n = 3, d = 2, K = 2 with symbolic entries: every line, written out, equals SymPy's "
                   "derivative of the explicit Q", ok)


def _check_solve_scalar(first, v, sol, kind, also_mean=False):
    back = first.subs(v, sol)
    split = pull_out(split_sums(back)).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    ok = zero_with_sums_fixed(split)
    E = explicit(3, 2, 2)
    _, V = explicit_scalar_Q(E, kind)
    vals = evaluate_canonical(kind, E, means=E.M)
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            vv = V[q][a if a is not None else 0]
            value = to_explicit(sol, E, V, kind, q, a)
            ok &= is_zero(explicit_scalar_dQ(E, kind, vv).subs(vv, value))
            ok &= is_zero(value - (vals[q][a] if kind == "diag" else vals[q]))
    if also_mean:
        diag = evaluate_canonical("diag", E, means=E.M)
        full = evaluate_canonical("full", E, means=E.M)
        ok &= all(is_zero(vals[q] - sum(diag[q]) / 2) and is_zero(vals[q] - full[q].trace() / 2) for q in range(2))
    return checked("(a) substituted back, the derivative vanishes (symbolically, the sums held fixed, and "
                   "written out for n = 3, d = 2, K = 2 in SymPy's derivative of the explicit Q); the answer "
                   f"{kind} = " + CANONICAL[kind] + " evaluates to it" +
                   ("; it equals the mean of the diagonal update and tr(full)/d" if also_mean else ""), ok)


def _check_sph_forms():
    ok = True
    v = sp.Symbol("v", positive=True)
    for dim in (1, 2, 3):
        xv, mv = vector("x", dim), vector("m", dim)
        S = v * sp.eye(dim)
        ok &= is_zero(sp.expand_log(sp.log(S.det()), force=True) - dim * sp.log(v))
        ok &= is_zero(((xv - mv).T * S.inv() * (xv - mv))[0] - ((xv - mv).T * (xv - mv))[0] / v)
    return checked("d = 1, 2, 3 with symbolic entries", ok)
