r"""The derivation, sections 4 and 5: the M-step for the means, and for the weights by a Lagrange multiplier."""
from __future__ import annotations

import sympy as sp

from ..result import Chain, Ref, checked, words
from ._derive_moves import pull_out, same_written_out
from ._explicit import evaluate_canonical, explicit, is_zero, same
from ._notation import (DEVIATION, GAMMA_IK, MU_K, N_, QUADRATIC_FORM, SIGMA_K, SIGMA_K_INV, SUM_I, SUM_K, THETA, X_I,
                        K, gamma, i, join_math, k, l, lam, n, pi_, show, tex)
from ._syntax import CANONICAL


def means(proof) -> None:
    proof.section("4. The M-step for the means",
                  "Maximise ", Ref("Qfull"), " over ", tex(MU_K), " with the responsibilities and the other "
                  "parameters fixed.")
    proof.step(Chain(tex("Q"), [tex(r"-\frac{1}{2} " + SUM_I + " " + GAMMA_IK + " " + QUADRATIC_FORM +
                                    r" + \mathrm{const}")]),
               words("only the ", tex("k"), "-th term of the sum over components depends on ", tex(MU_K),
                     ", and in it only the quadratic form"),
               "Q_mu", _check_Q_mu())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + MU_K + "}"),
                     [tex(r"-\frac{1}{2} " + SUM_I + " " + GAMMA_IK + r" \frac{\partial}{\partial " + MU_K + "} " +
                          QUADRATIC_FORM),
                      tex(SUM_I + " " + GAMMA_IK + " " + SIGMA_K_INV + DEVIATION),
                      tex(SIGMA_K_INV + " " + SUM_I + " " + GAMMA_IK + DEVIATION),
                      tex(SIGMA_K_INV + r"\Bigl(" + SUM_I + " " + GAMMA_IK + " " + X_I + " - " + MU_K + " " + SUM_I +
                          " " + GAMMA_IK + r"\Bigr)"),
                      tex(SIGMA_K_INV + r"\Bigl(" + SUM_I + " " + GAMMA_IK + " " + X_I + r" - N_k " + MU_K +
                          r"\Bigr)")],
                     reasons=[words("differentiate term by term"),
                              words(Ref("id_quad_shift"), " with ", tex(r"\boldsymbol{S} = " + SIGMA_K_INV)),
                              words(tex(SIGMA_K_INV), " does not depend on ", tex("i"), ": pull it out"),
                              words("split the sum; ", tex(MU_K), " does not depend on ", tex("i")),
                              words(tex(r"N_k := " + SUM_I + " " + GAMMA_IK))]),
               words("the gradient; ", tex(r"N_k"), " is the effective number of points of component ", tex("k")),
               "grad_mu", _check_grad_mu())
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial " + MU_K + r"} = \boldsymbol{0}"),
                     [tex(r"N_k " + MU_K + " = " + SUM_I + " " + GAMMA_IK + " " + X_I),
                      tex(MU_K + r" = \frac{1}{N_k} " + SUM_I + " " + GAMMA_IK + " " + X_I)],
                     rel="\\iff",
                     reasons=[words("multiply ", Ref("grad_mu"), " by the invertible ", tex(SIGMA_K)),
                              words("divide by ", tex("N_k > 0"))]),
               words("set the gradient to zero and solve: the mean is the responsibility-weighted average of "
                     "the data"),
               "solve_mu", _check_solve_mu())


def weights(proof) -> None:
    proof.section("5. The M-step for the mixing weights",
                  "Maximise ", Ref("Qfull"), " over the ", tex(r"\pi_k"), " subject to ",
                  tex(r"\sum_k \pi_k = 1"), ", with a Lagrange multiplier ", tex(r"\lambda"), ".")
    proof.step(Chain(tex(r"N := \sum_{k=1}^{K} N_k"),
                     [tex(SUM_K + " " + SUM_I + " " + GAMMA_IK), tex(SUM_I + " " + SUM_K + " " + GAMMA_IK),
                      tex(SUM_I + " 1"), tex("n")],
                     reasons=[words("definition of ", tex("N_k"), " in ", Ref("grad_mu")),
                              words("swap the finite sums"),
                              words("each point's responsibilities sum to 1 ", Ref("bayes")),
                              words(tex("n"), " terms")]),
               words("the total effective number of points is the number of points"),
               "N", _check_N())
    L1 = sp.Sum(sp.Sum(gamma[i, l] * sp.log(pi_[l]), (l, 1, K)), (i, 1, n))
    proof.step(Chain(tex(r"L(" + THETA + r", \lambda)"),
                     [tex(r"Q - \lambda \Bigl(\sum_{l=1}^{K} \pi_l - 1\Bigr)"),
                      join_math(L1, (r" - \lambda \Bigl(\sum_{l=1}^{K} \pi_l - 1\Bigr) + \mathrm{const}",
                                     " - λ(∑_{l=1}^{K} π_l - 1) + const"))],
                     reasons=[words("the Lagrangian"), words("the ", tex(r"\ln \pi_l"), " terms of ", Ref("Qfull"))]),
               words("the constraint enters with a multiplier ", tex(r"\lambda")), "lagrange", _check_lagrange())
    Lk = sp.Sum(gamma[i, k] * sp.log(pi_[k]), (i, 1, n)) - lam * pi_[k]
    g1 = sp.diff(Lk, pi_[k])
    g2 = pull_out(g1)
    g3 = g2.subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    proof.step(Chain(tex(r"\frac{\partial L}{\partial \pi_k}"),
                     [join_math((r"\frac{\partial}{\partial \pi_k}\Bigl(", "∂/∂π_k("), sp.Add(*Lk.args),
                                (r"\Bigr)", ")")), show(g1), show(g2), show(g3)],
                     reasons=[words("only the terms ", tex("l = k"), " depend on ", tex(r"\pi_k")),
                              words("SymPy differentiates under the sum"),
                              words(tex(r"1/\pi_k"), " does not depend on ", tex("i"), ": pull it out"),
                              words(tex(r"N_k = " + SUM_I + " " + GAMMA_IK))]),
               words("differentiate the Lagrangian ", Ref("lagrange")), "grad_pi", _check_grad_pi(Lk, [g1, g2, g3]))
    proof.step(Chain(tex(r"\frac{\partial L}{\partial \pi_k} = 0"), [tex(r"\pi_k = \frac{N_k}{\lambda}")],
                     rel="\\iff", reasons=[words("solve ", Ref("grad_pi"), " for ", tex(r"\pi_k"))]),
               words("stationarity, for every ", tex("k")), "solve_pi",
               checked("SymPy's solve of N_k/pi_k - lambda = 0 for pi_k gives exactly N_k/lambda",
                       sp.solve(sp.Eq(g3, 0), pi_[k]) == [N_[k] / lam]))
    proof.step(Chain(tex("1"), [tex(r"\sum_{k=1}^{K} \pi_k"), tex(r"\frac{1}{\lambda} \sum_{k=1}^{K} N_k"),
                                tex(r"\frac{N}{\lambda}")],
                     reasons=[words("the constraint"), words("substitute ", Ref("solve_pi")), words("by ", Ref("N"))]),
               words("the multiplier from the constraint: ", tex(r"\lambda = N")), "lambda", _check_lambda())
    proof.step(Chain(tex(r"\lambda = N"), [tex(r"\pi_k = \frac{N_k}{N}")], rel="\\implies",
                     reasons=[words("substitute into ", Ref("solve_pi"))]),
               words("the weight of a component is its share of the points"), "weights", _check_weights())


# ---------------------------------------------------------------- checks
def _grad(f, vec):
    return sp.Matrix([sp.diff(f, v) for v in vec])


def _check_Q_mu():
    E = explicit(3, 2, 2)
    ok = True
    for q in range(E.K):
        line = -sum(E.G[p, q] * E.quad(p, q, E.P[q]) for p in range(E.n)) / 2
        ok &= is_zero(E.grad_mean(q) - _grad(line, E.M[q]))
    return checked("n = 3, d = 2, K = 2 with symbolic entries: Q minus this has zero gradient in every mu_k", ok)


def _check_grad_mu():
    E = explicit(3, 2, 2)
    ok = True
    for q in range(E.K):
        P, Mq = E.P[q], E.M[q]
        g = E.grad_mean(q)
        lines = [-sum((E.G[p, q] * _grad(E.quad(p, q, P), Mq) for p in range(E.n)), sp.zeros(2, 1)) / 2,
                 sum((E.G[p, q] * P * E.dev(p, q) for p in range(E.n)), sp.zeros(2, 1)),
                 P * sum((E.G[p, q] * E.dev(p, q) for p in range(E.n)), sp.zeros(2, 1)),
                 P * (sum((E.G[p, q] * E.X[p] for p in range(E.n)), sp.zeros(2, 1)) - Mq * E.Nk(q)),
                 P * (sum((E.G[p, q] * E.X[p] for p in range(E.n)), sp.zeros(2, 1)) - E.Nk(q) * Mq)]
        ok &= all(same(g, line) for line in lines)
    return checked("n = 3, d = 2, K = 2 with symbolic entries: SymPy's gradient of the explicit Q equals every "
                   "line", ok)


def _mean_solution(E, q):
    return sum((E.G[p, q] * E.X[p] for p in range(E.n)), sp.zeros(E.d, 1)) / E.Nk(q)


def _check_solve_mu():
    E = explicit(3, 2, 2)
    ok = True
    for q in range(E.K):
        sol = _mean_solution(E, q)
        g = E.grad_mean(q).subs(dict(zip(E.M[q], sol)))
        ok &= is_zero(g)
        solved = list(sp.linsolve(list(E.grad_mean(q)), list(E.M[q])))
        ok &= len(solved) == 1 and all(is_zero(solved[0][a] - sol[a]) for a in range(E.d))
        # the answer syntax evaluates to the same
        ok &= same(evaluate_canonical("means", E)[q], sol)
    return checked("(a) substituted back, SymPy's gradient of the explicit Q (n = 3, d = 2, K = 2, symbolic) "
                   "vanishes identically; SymPy's solve of that linear system gives the same; the answer "
                   "means = " + CANONICAL["means"] + " evaluates to it", ok)


def _check_N():
    f = gamma[i, k]
    a = sp.Sum(sp.Sum(f, (i, 1, n)), (k, 1, K))
    b = sp.Sum(sp.Sum(f, (k, 1, K)), (i, 1, n))
    ok = same_written_out(a, b, nv=3, Kv=3)
    E = explicit(3, 2, 3, True)
    ok &= is_zero(sum(E.Nk(q) for q in range(3)) - 3)
    return checked("n = 3, K = 3: the swapped sums agree term by term; with rows of responsibilities summing to "
                   "1 (symbolic) the total is n", ok)


def _check_lagrange():
    E = explicit(3, 2, 3)
    lam_ = sp.Symbol("lambda")
    Q = E.Q_precision()
    L = Q - lam_ * (sum(E.W) - 1)
    line = sum(E.G[p, q] * sp.log(E.W[q]) for p in range(3) for q in range(3)) - lam_ * (sum(E.W) - 1)
    return checked("n = 3, d = 2, K = 3: L minus the line has zero derivative in every pi_k",
                   all(sp.simplify(sp.diff(L - line, wq)) == 0 for wq in E.W))


def _check_grad_pi(Lk, lines):
    ok = all(same_written_out(sp.diff(Lk, pi_[k]), e.subs(N_[k], sp.Sum(gamma[i, k], (i, 1, n))), nv=3)
             for e in lines)
    E = explicit(3, 2, 3)
    lam_ = sp.Symbol("lambda")
    L = sum(E.G[p, q] * sp.log(E.W[q]) for p in range(3) for q in range(3)) - lam_ * (sum(E.W) - 1)
    ok &= all(is_zero(sp.diff(L, E.W[q]) - (E.Nk(q) / E.W[q] - lam_)) for q in range(3))
    return checked("each line written out for n = 3 equals SymPy's derivative of the written-out sum; for "
                   "n = 3, K = 3 SymPy's derivative of the explicit L is N_k/pi_k - lambda", ok)


def _check_lambda():
    Ns = sp.symbols("N1:4", positive=True)
    lam_ = sp.Symbol("lambda")
    ok = sp.solve(sp.Eq(sum(Nq / lam_ for Nq in Ns), 1), lam_) == [sum(Ns)]
    return checked("K = 3: SymPy solves sum_k N_k/lambda = 1 for lambda = N_1 + N_2 + N_3", ok)


def _check_weights():
    Ns = sp.symbols("N1:4", positive=True)
    ps = sp.symbols("p1:4", positive=True)
    lam_ = sp.Symbol("lambda")
    eqs = [Nq / pq - lam_ for Nq, pq in zip(Ns, ps)] + [sum(ps) - 1]
    sol = sp.solve(eqs, [*ps, lam_], dict=True)
    total = sum(Ns)
    ok = len(sol) == 1 and all(is_zero(sol[0][pq] - Nq / total) for pq, Nq in zip(ps, Ns))
    ok &= all(is_zero((Nq / pq - lam_).subs({**{p: Nq2 / total for p, Nq2 in zip(ps, Ns)}, lam_: total}))
              for Nq, pq in zip(Ns, ps))
    E = explicit(3, 2, 3, True)
    ok &= same(sp.Matrix(evaluate_canonical("weights", E)), sp.Matrix([E.Nk(q) / 3 for q in range(3)]))
    return checked("(a) substituted back (K = 3, symbolic N_k), every derivative of L vanishes and the weights "
                   "sum to 1; SymPy's solve of the stationarity and constraint equations gives exactly pi_k = N_k/N, "
                   "lambda = N; the answer weights = " +
                   CANONICAL["weights"] + " evaluates to it (n = 3, rows summing to 1)", ok)
