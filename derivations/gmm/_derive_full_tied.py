r"""The derivation, sections 6 and 7: the M-step for full and for tied covariances.

The objectives are :math:`c \ln|A| + P(A)/|A|` with polynomials :math:`c, P`;
their gradients in the :math:`d^2` entries of :math:`A` are computed exactly
in SymPy's polynomial rings (:mod:`..matrix_calculus`).
"""
from __future__ import annotations

import sympy as sp

from ..matrix_calculus import general_matrix, padd, padj, pdet, pmul, poly_ring, psymmetric, ptrace, ptranspose
from ..result import Chain, Ref, checked, words
from ._explicit import evaluate_canonical, explicit, same
from ._notation import (DEVIATION, GAMMA_IK, MU_K, QUADRATIC_FORM, SCATTER_K, SIGMA_K, SIGMA_K_INV, SUM_I, SUM_K,
                        TRANSPOSE, tex)
from ._syntax import CANONICAL, evaluate_update


def cov_full(proof) -> None:
    proof.section("6. Full covariances (covariance_type='full')",
                  "Maximise ", Ref("Qfull"), " over ", tex(SIGMA_K), " for each ", tex("k"), ". scikit-learn stores "
                  "the result as covariances_ of shape ", tex(r"(K, d, d)"), ".")
    proof.step(Chain(tex("Q"),
                     [tex(SUM_I + " " + GAMMA_IK + r" \Bigl\{-\frac{1}{2} \ln |" + SIGMA_K + r"| - \frac{1}{2} " +
                          QUADRATIC_FORM + r"\Bigr\} + \mathrm{const}"),
                      tex(r"-\frac{N_k}{2} \ln |" + SIGMA_K + r"| - \frac{1}{2} " + SUM_I + " " + GAMMA_IK + " " +
                          QUADRATIC_FORM + r" + \mathrm{const}")],
                     reasons=[words("only component ", tex("k"), " involves ", tex(SIGMA_K)),
                              words("split the sum; ", tex(r"\ln|" + SIGMA_K + "|"), " does not depend on ",
                                    tex("i"))]),
               words("the objective as a function of ", tex(SIGMA_K)), "Q_full", _check_Q_full())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + SIGMA_K + "}"),
                     [tex(r"-\frac{N_k}{2} " + SIGMA_K_INV + r" + \frac{1}{2} " + SUM_I + " " + GAMMA_IK + " " +
                          SIGMA_K_INV + DEVIATION + DEVIATION + TRANSPOSE + SIGMA_K_INV),
                      tex(r"-\frac{N_k}{2} " + SIGMA_K_INV + r" + \frac{1}{2} " + SIGMA_K_INV + " " + SCATTER_K + " " +
                          SIGMA_K_INV)],
                     reasons=[words(Ref("id_logdet"), " and ", Ref("id_quad_inv"), " term by term"),
                              words(tex(SIGMA_K_INV), " does not depend on ", tex("i")),
                              ]),
               words("the gradient, with the weighted scatter matrix ",
                     tex(SCATTER_K + " := " + SUM_I + " " + GAMMA_IK + " " + DEVIATION + DEVIATION + TRANSPOSE)),
               "grad_full", _check_grad_full())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + SIGMA_K + r"} = \boldsymbol{0}"),
                     [tex(r"N_k " + SIGMA_K + " = " + SCATTER_K),
                      tex(SIGMA_K + r" = \frac{1}{N_k} " + SUM_I + " " + GAMMA_IK + " " + DEVIATION + DEVIATION +
                          TRANSPOSE)],
                     rel="\\iff",
                     reasons=[words("multiply by ", tex("2" + SIGMA_K), " on the left and on the right"),
                              words("divide by ", tex("N_k > 0"))]),
               words("set to zero and solve, with ", tex(MU_K), " the updated mean ", Ref("solve_mu"),
                     ": the responsibility-weighted scatter around the mean (scikit-learn adds reg_covar "
                     "to the diagonal)"),
               "solve_full", _check_solve_full())


def cov_tied(proof) -> None:
    proof.section("7. Tied covariance (covariance_type='tied')",
                  "All components share one covariance ", tex(r"\boldsymbol{\Sigma}_k = \boldsymbol{\Sigma}"),
                  "; scikit-learn stores it as covariances_ of shape ", tex(r"(d, d)"), ".")
    SIGMA = r"\boldsymbol{\Sigma}"
    proof.step(Chain(tex("Q"),
                     [tex(SUM_K + " " + SUM_I + " " + GAMMA_IK + r" \Bigl\{-\frac{1}{2} \ln |" + SIGMA +
                          r"| - \frac{1}{2} " +
                          DEVIATION + TRANSPOSE + SIGMA + "^{-1}" + DEVIATION + r"\Bigr\} + \mathrm{const}"),
                      tex(r"-\frac{N}{2} \ln |" + SIGMA + r"| - \frac{1}{2} " + SUM_K + " " + SUM_I + " " + GAMMA_IK +
                          r" \operatorname{tr}\bigl(" + SIGMA + "^{-1}" + DEVIATION + DEVIATION + TRANSPOSE +
                          r"\bigr) + \mathrm{const}"),
                      tex(r"-\frac{N}{2} \ln |" + SIGMA + r"| - \frac{1}{2} \operatorname{tr}\Bigl(" + SIGMA +
                          r"^{-1} " + SUM_K + " " + SCATTER_K + r"\Bigr) + \mathrm{const}")],
                     reasons=[words("keep the terms with ", tex(SIGMA)),
                              words(Ref("N"), " and ", Ref("id_trace_trick")),
                              words(Ref("id_trace_linear"))]),
               words("the objective as a function of the shared ", tex(SIGMA), ", with ", tex(SCATTER_K),
                     *((" the scatter of ", Ref("grad_full")) if "full" in proof.types else
                       (" := ", tex(SUM_I + " " + GAMMA_IK + " " + DEVIATION + DEVIATION + TRANSPOSE),
                        ", the scatter of component ", tex("k")))),
               "Q_tied", _check_Q_tied())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + SIGMA + "}"),
                     [tex(r"-\frac{N}{2} " + SIGMA + r"^{-1} + \frac{1}{2} " + SIGMA + r"^{-1} \Bigl(" + SUM_K + " " +
                          SCATTER_K + r"\Bigr) " + SIGMA + "^{-1}")],
                     reasons=[words(Ref("id_logdet"), " and ", Ref("id_trace_inv"))]),
               words("the gradient"), "grad_tied", _check_grad_tied())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + SIGMA + r"} = \boldsymbol{0}"),
                     [tex(SIGMA + r" = \frac{1}{N} " + SUM_K + " " + SUM_I + " " + GAMMA_IK + " " + DEVIATION +
                          DEVIATION + TRANSPOSE)],
                     rel="\\iff",
                     reasons=[words("multiply by ", tex("2" + SIGMA), " on both sides, divide by ", tex("N"))]),
               words("the pooled scatter of all components over all points"), "solve_tied", _check_solve_tied())


# ---------------------------------------------------------------- checks
# Explicit matrices; gradients in the d^2 independent entries. The objectives are c ln|A| + P(A)/|A|
# with polynomials c, P. Their entry gradients are computed exactly in SymPy's polynomial rings:
# d ln u = u'/u and the quotient rule give the numerator over |A|^2, c |A|' |A| + P' |A| - P |A|',
# compared as polynomials (fast and exact).
def _grad_num(c, P, A, det):
    d_ = len(A)
    return [[c * det.diff(A[a][b]) * det + P.diff(A[a][b]) * det - P * det.diff(A[a][b]) for b in range(d_)]
            for a in range(d_)]


def _sym_zero(M, A) -> bool:
    """Every entry of the polynomial matrix M vanishes at a symmetric A."""
    return all(psymmetric(e, A) == 0 for row in M for e in row)


def _data_ring(nv: int, dv: int, extra=()):
    """A ring with A (general d x d), data x_i, responsibilities g_i, a mean m, and extra scalars."""
    R, mats = poly_ring(dv, general=("s",), vectors=tuple(f"x{p + 1}" for p in range(nv)) + ("m",),
                        scalars=tuple(f"g{p + 1}" for p in range(nv)) + tuple(extra))
    X = [mats[f"x{p + 1}"] for p in range(nv)]
    g = [mats[f"g{p + 1}"] for p in range(nv)]
    return R, mats["s"], X, g, mats["m"], mats


def _quad_adj(dev, adj):
    return pmul(pmul(ptranspose(dev), adj), dev)[0][0]


def _check_Q_full():
    # Q's terms with Sigma_k, as (ln|Sigma_k| coefficient, numerator over |Sigma_k|): the log of each
    # density contributes -g_i/2 ln|A| - g_i/2 q_i^T adj(A) q_i / |A| (and terms free of A).
    ok = True
    for nv, dv in ((2, 2), (3, 2), (2, 3)):
        R, A, det, adj, devs, g, Nk, c, P, scatter = _full_parts(nv, dv)
        c_line1 = sum((-gp / 2 for gp in g), R.zero)
        P_line1 = sum((-gp * _quad_adj(dv_, adj) / 2 for gp, dv_ in zip(g, devs)), R.zero)
        c_line2 = -Nk / 2
        ok &= c == c_line1 == c_line2 and P == P_line1
    # and in the explicit objective with two components nothing else involves Sigma_k
    E = explicit(2, 2, 2)
    A2 = [general_matrix(f"s{q + 1}", 2) for q in range(2)]
    Q = sum(E.G[p, q] * (sp.log(E.W[q]) - sp.log(2 * sp.pi) - sp.log(A2[q].det()) / 2
                         - E.quad(p, q, A2[q].adjugate()) / A2[q].det() / 2) for p in range(2) for q in range(2))
    for q in range(2):
        others = [t for t in sp.Add.make_args(sp.expand(Q)) if t.free_symbols & set(A2[q])]
        ok &= all(t.free_symbols.isdisjoint(A2[1 - q]) for t in others)
    return checked("n = 2, 3 and d = 2, 3 with symbolic entries: the coefficient of ln|Sigma_k| and the remaining "
                   "numerator of Q's Sigma_k terms equal those of both lines (polynomial identities); with K = 2 no "
                   "term of Q mixes the two covariances", ok)


def _full_parts(nv, dv):
    R, A, X, g, m, _ = _data_ring(nv, dv)
    det, adj = pdet(A), padj(A)
    devs = [padd(xp, m, -1) for xp in X]
    Nk = sum(g, R.zero)
    c = -Nk * R(1) / 2
    P = sum((-gp * _quad_adj(dv_, adj) / 2 for gp, dv_ in zip(g, devs)), R.zero)
    scatter = [[sum((gp * dv_[a][0] * dv_[b][0] for gp, dv_ in zip(g, devs)), R.zero) for b in range(dv)]
               for a in range(dv)]
    return R, A, det, adj, devs, g, Nk, c, P, scatter


def _check_grad_full():
    ok = True
    for nv, dv in ((2, 2), (2, 3)):
        R, A, det, adj, devs, g, Nk, c, P, scatter = _full_parts(nv, dv)
        Gn = _grad_num(c, P, A, det)
        adjT = ptranspose(adj)
        first = [[-Nk * adjT[a][b] * det / 2 for b in range(dv)] for a in range(dv)]
        line1 = first
        for gp, dv_ in zip(g, devs):
            outer = pmul(dv_, ptranspose(dv_))
            term = pmul(pmul(adjT, outer), adjT)
            line1 = padd(line1, [[gp * e / 2 for e in row] for row in term])
        line2 = padd(first, [[e / 2 for e in row] for row in pmul(pmul(adjT, scatter), adjT)])
        ok &= _sym_zero(padd(Gn, line1, -1), A) and _sym_zero(padd(Gn, line2, -1), A)
    return checked("n = 2, d = 2 and 3, every entry symbolic (data, responsibilities, mean, covariance): the "
                   "gradient of the explicit objective in the d^2 entries of Sigma_k (SymPy polynomial "
                   "arithmetic, quotient rule), at a symmetric Sigma_k, equals both lines", ok)


def _trace_form_stationary(dims=(2, 3)) -> bool:
    """The gradient of -N/2 ln|S| - 1/2 tr(S^{-1} B) vanishes at S = B/N (symbolic B, N): put B = N S."""
    ok = True
    for dv in dims:
        R, mats = poly_ring(dv, general=("s",), symmetric=("b",), vectors=(), scalars=("N",))
        A, B, Nn = mats["s"], mats["b"], mats["N"]
        det, adj = pdet(A), padj(A)
        Gn = _grad_num(-Nn * R(1) / 2, -ptrace(pmul(adj, B)) / 2, A, det)
        pairs = [(B[a][b], Nn * A[a][b]) for a in range(dv) for b in range(a, dv)]
        ok &= _sym_zero([[e.compose(pairs) for e in row] for row in Gn], A)
    return ok


def _exact_data_stationary(tied: bool) -> bool:
    """Exact rational data: the gradient of the explicit objective vanishes at the derived covariance."""
    from ._syntax import random_instance
    inst = random_instance(4, 2, 2, seed=31)
    means = evaluate_update("means", CANONICAL["means"], inst)
    key = "tied" if tied else "full"
    covs = evaluate_update(key, CANONICAL[key], inst, means=means)
    R, mats = poly_ring(2, general=("s",), vectors=(), scalars=())
    A = mats["s"]
    det, adj = pdet(A), padj(A)
    ok = True
    for q in (range(1) if tied else range(inst.K)):
        comps = range(inst.K) if tied else [q]
        c = R.zero
        P = R.zero
        for qq in comps:
            for p in range(inst.n):
                gam = inst.resp[p, qq]
                dev = [[R(sp.Rational(v))] for v in (inst.X[p] - means[qq])]
                c -= R(gam) / 2
                P -= R(gam) * _quad_adj(dev, adj) / 2
        Gn = _grad_num(c, P, A, det)
        sol = covs[0] if tied else covs[q]
        at = [(A[a][b], sol[a, b]) for a in range(2) for b in range(2)]
        ok &= all(e.evaluate(at) == 0 for row in Gn for e in row) and sol.det() != 0
    return ok


def _check_solve_full():
    ok1 = _trace_form_stationary()
    ok2 = _exact_data_stationary(tied=False)
    F = explicit(3, 2, 2)
    means = evaluate_canonical("means", F)
    full = evaluate_canonical("full", F, means=means)
    ok3 = all(same(full[q], F.scatter(q, means) / F.Nk(q)) for q in range(2))
    return checked("(a) substituted back, the gradient in the entries of Sigma_k vanishes: symbolically for the "
                   "trace form -N_k/2 ln|Sigma| - 1/2 tr(Sigma^{-1} S_k) with a symbolic scatter in d = 2, 3, and "
                   "exactly for the explicit objective on seeded rational data (n = 4, d = 2, K = 2); the answer "
                   "full = " + CANONICAL["full"] + " evaluates to S_k/N_k (n = 3, d = 2, K = 2, symbolic)",
                   ok1 and ok2 and ok3)


def _check_Q_tied():
    ok = True
    # lines 2 and 3 with the trace: compare numerators over |A| and the ln|A| coefficient
    R, mats = poly_ring(2, general=("s",), vectors=("x1", "x2", "m1", "m2"), scalars=("g1", "g2"))
    adj = padj(mats["s"])
    g = [[mats["g1"], 1 - mats["g1"]], [mats["g2"], 1 - mats["g2"]]]
    X, M = [mats["x1"], mats["x2"]], [mats["m1"], mats["m2"]]
    c1 = sum((-g[p][q] / 2 for p in range(2) for q in range(2)), R.zero)
    P1 = sum((-g[p][q] * _quad_adj(padd(X[p], M[q], -1), adj) / 2 for p in range(2) for q in range(2)), R.zero)
    P2 = sum((-g[p][q] * ptrace(pmul(adj, pmul(padd(X[p], M[q], -1), ptranspose(padd(X[p], M[q], -1))))) / 2
              for p in range(2) for q in range(2)), R.zero)
    S = [[R.zero] * 2 for _ in range(2)]
    for q in range(2):
        for p in range(2):
            dv_ = padd(X[p], M[q], -1)
            S = padd(S, [[g[p][q] * e for e in row] for row in pmul(dv_, ptranspose(dv_))])
    P3 = -ptrace(pmul(adj, S)) / 2
    ok &= c1 == R(-1) and P1 == P2 == P3  # N = n = 2
    return checked("n = 2, d = 2, K = 2 with symbolic entries and rows of responsibilities summing to 1: the "
                   "ln|Sigma| coefficients (-N/2 = -1) and the "
                   "remaining numerators of the three lines agree as polynomials", ok)


def _check_grad_tied():
    ok = True
    for dv in (2, 3):
        R, mats = poly_ring(dv, general=("s",), symmetric=("b",), vectors=(), scalars=("N",))
        A, B, Nn = mats["s"], mats["b"], mats["N"]
        det, adj = pdet(A), padj(A)
        Gn = _grad_num(-Nn * R(1) / 2, -ptrace(pmul(adj, B)) / 2, A, det)
        adjT = ptranspose(adj)
        F = padd([[-Nn * e * det / 2 for e in row] for row in adjT],
                 [[e / 2 for e in row] for row in pmul(pmul(adjT, B), adjT)])
        ok &= _sym_zero(padd(Gn, F, -1), A)
    return checked("d = 2, 3 with a symbolic symmetric B = sum_k S_k and symbolic N: the gradient in the d^2 "
                   "entries of Sigma (SymPy polynomial arithmetic, quotient rule), at a symmetric Sigma, equals "
                   "this", ok)


def _check_solve_tied():
    ok = _trace_form_stationary() and _exact_data_stationary(tied=True)
    F = explicit(3, 2, 2, True)
    means = evaluate_canonical("means", F)
    tied = evaluate_canonical("tied", F, means=means)[0]
    ok &= same(tied, (F.scatter(0, means) + F.scatter(1, means)) / 3)
    return checked("(a) substituted back, the gradient vanishes: symbolically for the trace form with symbolic "
                   "B, N in d = 2, 3, and exactly for the explicit objective on seeded rational data (n = 4, "
                   "d = 2, K = 2); the answer tied = " + CANONICAL["tied"] + " evaluates to sum_k S_k / N "
                   "(n = 3, d = 2, K = 2, symbolic, rows summing to 1)", ok)
