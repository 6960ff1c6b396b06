r"""The derivation, sections 10 and 11: the second-order check (the updates are maxima) and the K-means limit."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..matrix_calculus import padd, padj, pdet, pmul, poly_ring, ptrace, vector
from ..result import Chain, Ref, Table, checked, words
from ._derive_diag_spherical import explicit_scalar_Q, to_explicit
from ._derive_model import normal_density
from ._derive_moves import data_first_squares, pull_out, replace_sum, split_sums
from ._explicit import explicit, is_zero, same
from ._notation import (GAMMA_IK, MU_K, N_, SCATTER_K, SIGMA_K, SIGMA_K_INV, SUM_I, SUM_K, TRANSPOSE, X_I, decimal,
                        gamma, i, j, k, mu, n, show, tex, var, x)
from ._syntax import CANONICAL, evaluate_update


def second_order(proof) -> None:
    proof.section("10. Second-order check: the stationary points are maxima",
                  "Each block of the Hessian is negative definite at the solution (and ", tex("Q"),
                  " is concave in each block), so each update maximises ", tex("Q"), ".")
    proof.step(Chain(tex(r"\frac{\partial^2 Q}{\partial " + MU_K + r"\, \partial " + MU_K + TRANSPOSE + "}"),
                     [tex(r"-" + SUM_I + " " + GAMMA_IK + " " + SIGMA_K_INV), tex(r"-N_k " + SIGMA_K_INV)],
                     reasons=[words("differentiate ", Ref("grad_mu")), words(tex("N_k"), " as in ", Ref("grad_mu"))]),
               words("negative definite: ", tex(SIGMA_K_INV), " is positive definite and ", tex("N_k > 0")),
               "hess_mu", _check_hess_mu())
    DELTA = r"\boldsymbol{\Delta}"
    if "full" in proof.types or "tied" in proof.types:
        proof.step(Chain(tex(r"\frac{d^2}{dt^2} Q(" + SIGMA_K + " + t" + DELTA + r")\Big|_{t=0}"),
                         [tex(r"-\frac{N_k}{2} \operatorname{tr}\bigl(" + SIGMA_K_INV + DELTA + SIGMA_K_INV + DELTA +
                              r"\bigr)"),
                          tex(r"-\frac{N_k}{2} \bigl\| " + SIGMA_K + "^{-1/2}" + DELTA + SIGMA_K +
                              r"^{-1/2} \bigr\|_F^2")],
                         reasons=[words("at ", tex(SIGMA_K + r" = " + SCATTER_K + "/N_k"), " ",
                                        Ref("solve_full") if "full" in proof.types else ""),
                                  words(tex(SIGMA_K + "^{-1/2}"), " is symmetric; cyclic trace")]),
                   words("for every symmetric direction ", tex(DELTA + r" \neq \boldsymbol{0}"),
                         " this is negative: the covariance update is a maximum (for tied, replace ",
                         tex(r"N_k, " + SCATTER_K), " by ", tex(r"N, \sum_k " + SCATTER_K), ")"),
                   "hess_cov", _check_hess_cov())
    if "diag" in proof.types or "spherical" in proof.types:
        s = var[k, j]
        QD = sp.Sum(gamma[i, k] * (-sp.log(s) / 2 - (x[i, j] - mu[k, j]) ** 2 / (2 * s)), (i, 1, n))
        h = sp.expand(pull_out(split_sums(sp.diff(QD, s, 2))).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k]), deep=False)
        h = data_first_squares(h)
        at = sp.cancel(replace_sum(h, sp.Sum(gamma[i, k] * (x[i, j] - mu[k, j]) ** 2, (i, 1, n)), N_[k] * s))
        proof.step(Chain(tex(r"\frac{\partial^2 Q}{\partial (\sigma^2_{kj})^2}"), [show(h), show(at)],
                         reasons=[words("SymPy differentiates twice, sums split and factors pulled out"),
                                  words("at the solution ", Ref("solve_diag") if "diag" in proof.types else "",
                                        ": ", tex(SUM_I + r" \gamma_{ik}(x_{ij} - \mu_{kj})^2 = N_k \sigma^2_{kj}"))]),
                   words("negative; likewise ", tex(r"-d N_k / (2 \sigma^4_k)"), " for the spherical variance"),
                   "hess_var", _check_hess_var(at))
    proof.step(Chain(tex(r"\frac{\partial^2 L}{\partial \pi_k\, \partial \pi_l}"),
                     [tex(r"-\frac{N_k}{\pi_k^2}\, \delta_{kl}")],
                     reasons=[words("differentiate ", Ref("grad_pi"))]),
               words("a negative diagonal Hessian: ", tex("L"), " is concave in the weights, and the constraint "
                     "is linear, so ", Ref("weights"), " is the maximum on the simplex"),
               "hess_pi", _check_hess_pi())


def kmeans_limit(proof) -> None:
    proof.section("11. The K-means limit",
                  "Fix every covariance to ", tex(r"\varepsilon \boldsymbol{I}"), " and let ",
                  tex(r"\varepsilon \to 0"), " (Bishop, section 9.3.2).")
    proof.step(Chain(tex(r"\mathcal{N}(\boldsymbol{x} \mid " + MU_K + r", \varepsilon \boldsymbol{I})"),
                     [tex(r"\frac{1}{(2\pi\varepsilon)^{d/2}} \exp\Bigl(-\frac{\|\boldsymbol{x} - " + MU_K +
                          r"\|^2}{2\varepsilon}\Bigr)")],
                     reasons=[words(tex(r"|\varepsilon \boldsymbol{I}| = \varepsilon^d"), ", ",
                                    tex(r"(\varepsilon \boldsymbol{I})^{-1} = \boldsymbol{I}/\varepsilon"))]),
               words("the density ", Ref("gauss"), " with ", tex(r"\boldsymbol{\Sigma} = \varepsilon\boldsymbol{I}")),
               "km_density", _check_km_density())
    proof.step(Chain(tex(r"\gamma_{ik}"),
                     [tex(r"\frac{\pi_k \exp(-D_{ik}/2\varepsilon)}{\sum_{l=1}^{K} \pi_l \exp(-D_{il}/2\varepsilon)}"),
                      tex(r"\frac{1}{1 + \sum_{l \ne k} \frac{\pi_l}{\pi_k} "
                          r"\exp\bigl(-(D_{il} - D_{ik})/2\varepsilon\bigr)}")],
                     reasons=[words(Ref("bayes"), "; ", tex(r"(2\pi\varepsilon)^{-d/2}"), " cancels"),
                              words("divide by the numerator")]),
               words("the responsibilities, with ", tex(r"D_{ik} := \|" + X_I + " - " + MU_K + r"\|^2")),
               "km_gamma", _check_km_gamma())
    proof.step(Chain(tex(r"\lim_{\varepsilon \to 0} \gamma_{ik}"),
                     [tex(r"r_{ik} := \begin{cases} 1 & k = \arg\min_l D_{il} \\ 0 & \text{otherwise} \end{cases}")],
                     reasons=[words("in ", Ref("km_gamma"))]),
               words("the soft assignment becomes the hard nearest-mean assignment of K-means (ties aside): "
                     "in ", Ref("km_gamma"), " a term with ", tex(r"D_{il} > D_{ik}"), " vanishes, one with ",
                     tex(r"D_{il} < D_{ik}"), " grows without bound"),
               "km_limit", _check_km_limit())
    proof.step(Chain(tex(MU_K),
                     [tex(r"\frac{" + SUM_I + r" \gamma_{ik} " + X_I + "}{" + SUM_I + r" \gamma_{ik}}"),
                      tex(r"\frac{" + SUM_I + r" r_{ik} " + X_I + "}{" + SUM_I + r" r_{ik}}")],
                     reasons=[words(Ref("solve_mu")), words("as ", tex(r"\varepsilon \to 0"), ", ", Ref("km_limit"))]),
               words("the mean update becomes the K-means centroid update: the average of the points nearest ",
                     tex(MU_K)), "km_means", _check_km_means())
    proof.step(Chain(tex(r"\lim_{\varepsilon \to 0} \varepsilon\, Q"),
                     [tex(r"-\frac{1}{2} " + SUM_I + " " + SUM_K + r" r_{ik} \|" + X_I + " - " + MU_K + r"\|^2"),
                      tex(r"-\frac{1}{2} J")],
                     reasons=[words(tex(r"\varepsilon \ln \mathcal{N} \to -D_{ik}/2"), ", ",
                                    tex(r"\varepsilon \ln \pi_k \to 0")),
                              words("the K-means distortion ", tex("J"))]),
               words("maximising the expected complete-data log-likelihood becomes minimising the K-means "
                     "distortion"), "km_objective", _check_km_objective())
    header, rows, caption = _km_table()
    proof.step(Table(header, rows, caption=caption, align="cc" + "c" * (len(header) - 2)),
               words("worked: four points on a line, means ", tex(r"\mu_1 = 1, \mu_2 = 3"), ", equal weights; ",
                     tex(r"\gamma_{i1}"), " as ", tex(r"\varepsilon"), " shrinks"),
               "km_table", _check_km_table())


# ---------------------------------------------------------------- checks
# ---- second order
def _check_hess_mu():
    E = explicit(3, 2, 2)
    Q = E.Q_precision()
    ok = True
    for q in range(2):
        H = sp.hessian(Q, list(E.M[q]))
        ok &= same(H, -E.Nk(q) * E.P[q])
    # negative definite for a positive definite precision: leading minors alternate in sign
    Hn = -sp.Symbol("N", positive=True) * sp.Matrix([[2, 1], [1, 2]])
    ok &= bool(Hn[0, 0] < 0) and bool(Hn.det() > 0)
    return checked("n = 3, d = 2, K = 2 with symbolic entries: SymPy's Hessian of the explicit Q in mu_k is "
                   "-N_k P_k (P_k = Sigma_k^{-1})", ok)


def _check_hess_cov():
    # f(t) = -N/2 ln D(t) + P(t)/D(t), D(t) = |Sigma + t Delta|, P(t) = -1/2 tr(adj(Sigma + t Delta) B),
    # at the solution B = N Sigma. With D0 = D(0): D0^3 f''(0) =
    #   c (D'' D - D'^2) D + (P'' D - P D'') D - 2 D' (P' D - P D')   (all at t = 0)
    # which must equal -N/2 tr(adj Delta adj Delta) D0 (the first line times D0^3).
    ok = True
    for dv in (1, 2, 3):
        R, mats = poly_ring(dv, general=(), symmetric=("s", "e"), vectors=(), scalars=("N", "t"))
        S, Dl, Nn, t = mats["s"], mats["e"], mats["N"], mats["t"]
        M = padd(S, [[t * e for e in row] for row in Dl])
        D, adjM = pdet(M), padj(M)
        P = -Nn * ptrace(pmul(adjM, S)) / 2  # B = N Sigma
        c = -Nn * R(1) / 2
        at0 = lambda p: p.subs(t, 0)
        D0, D1, D2 = at0(D), at0(D.diff(t)), at0(D.diff(t).diff(t))
        P0, P1, P2 = at0(P), at0(P.diff(t)), at0(P.diff(t).diff(t))
        lhs = c * (D2 * D0 - D1 ** 2) * D0 + (P2 * D0 - P0 * D2) * D0 - 2 * D1 * (P1 * D0 - P0 * D1)
        adj0 = [[at0(e) for e in row] for row in adjM]
        Dl0 = [[at0(e) for e in row] for row in Dl]
        rhs = -Nn * ptrace(pmul(pmul(adj0, Dl0), pmul(adj0, Dl0))) * D0 / 2
        ok &= lhs == rhs
    rng = np.random.default_rng(7)
    for _ in range(20):  # the trace is a squared Frobenius norm, so negative (numbers)
        A_ = rng.normal(size=(3, 3))
        Sg = A_ @ A_.T + np.eye(3)
        Dn = rng.normal(size=(3, 3))
        Dn = Dn + Dn.T
        vals, vecs = np.linalg.eigh(Sg)
        half = vecs @ np.diag(vals ** -0.5) @ vecs.T
        Pn = np.linalg.inv(Sg)
        ok &= bool(np.isclose(np.trace(Pn @ Dn @ Pn @ Dn), np.linalg.norm(half @ Dn @ half) ** 2))
        ok &= bool(np.trace(Pn @ Dn @ Pn @ Dn) > 0)
    return checked("d = 1, 2, 3 with symbolic covariance, direction and N: the second derivative in t at the "
                   "solution (SymPy polynomial arithmetic) equals the first line; on 20 random SPD matrices in "
                   "d = 3 the trace equals the squared Frobenius norm and is positive", ok)


def _check_hess_var(at):
    E = explicit(3, 2, 2)
    Q, V = explicit_scalar_Q(E, "diag")
    ok = True
    for q in range(2):
        for a in range(2):
            vv = V[q][a]
            sol = sum(E.G[p, q] * (E.X[p][a] - E.M[q][a]) ** 2 for p in range(3)) / E.Nk(q)
            h = sp.diff(Q, vv, 2).subs(vv, sol)
            ok &= is_zero(h - to_explicit(at, E, V, "diag", q, a).subs(vv, sol))
    ok &= at == -N_[k] / (2 * var[k, j] ** 2)
    return checked("n = 3, d = 2, K = 2: SymPy's second derivative of the explicit Q at the solution equals "
                   "-N_k/(2 sigma^4)", ok)


def _check_hess_pi():
    E = explicit(3, 2, 3)
    L = sum(E.G[p, q] * sp.log(E.W[q]) for p in range(3) for q in range(3))
    H = sp.hessian(L, E.W)
    return checked("n = 3, K = 3: SymPy's Hessian of the explicit L is diag(-N_k/pi_k^2)",
                   same(H, sp.diag(*[-E.Nk(q) / E.W[q] ** 2 for q in range(3)])))


# ---- K-means
def _check_km_density():
    e = sp.Symbol("epsilon", positive=True)
    ok = True
    for dim in (1, 2, 3):
        xv, mv = vector("x", dim), vector("m", dim)
        D2 = ((xv - mv).T * (xv - mv))[0]
        ok &= is_zero(sp.expand(sp.expand_log(sp.log(normal_density(xv, mv, e * sp.eye(dim))) - sp.log(
                    sp.exp(-D2 / (2 * e)) / (2 * sp.pi * e) ** sp.Rational(dim, 2)), force=True)))
    return checked("d = 1, 2, 3 with symbolic entries: the normal density at Sigma = epsilon I", ok)


def _check_km_gamma():
    e = sp.Symbol("epsilon", positive=True)
    c = sp.Symbol("c", positive=True)  # (2 pi epsilon)^(-d/2)
    p = sp.symbols("p1:4", positive=True)
    D = sp.symbols("D1:4", nonnegative=True)
    num = [p[t] * c * sp.exp(-D[t] / (2 * e)) for t in range(3)]
    ok = True
    for t in range(3):
        g0 = num[t] / sum(num)
        g1 = p[t] * sp.exp(-D[t] / (2 * e)) / sum(p[u] * sp.exp(-D[u] / (2 * e)) for u in range(3))
        g2 = 1 / (1 + sum(p[u] / p[t] * sp.exp(-(D[u] - D[t]) / (2 * e)) for u in range(3) if u != t))
        ok &= is_zero(sp.powsimp(sp.expand(g0 - g1))) and is_zero(sp.powsimp(sp.expand(g1 - g2)))
    return checked("K = 3 with symbolic weights and distances: SymPy simplifies the differences to 0", ok)


def _check_km_limit():
    e = sp.Symbol("epsilon", positive=True)
    a, delta = sp.symbols("a delta", positive=True)  # a = pi_l/pi_k, delta = |D_il - D_ik| > 0
    farther = sp.limit(a * sp.exp(-delta / (2 * e)), e, 0, "+")   # D_il > D_ik
    nearer = sp.limit(a * sp.exp(delta / (2 * e)), e, 0, "+")     # D_il < D_ik
    # so gamma_ik = 1/(1 + sum of such terms) -> 1 when every other mean is farther, else -> 0
    g_all_farther = sp.limit(1 / (1 + 2 * a * sp.exp(-delta / (2 * e))), e, 0, "+")
    g_one_nearer = sp.limit(1 / (1 + a * sp.exp(delta / (2 * e)) + a * sp.exp(-delta / (2 * e))), e, 0, "+")
    return checked("SymPy's limits as epsilon -> 0+ (symbolic a, delta > 0): a exp(-delta/2 epsilon) -> 0, "
                   "a exp(delta/2 epsilon) -> oo, gamma -> 1 when all other means are farther and -> 0 when one is "
                   "nearer", (farther, nearer, g_all_farther, g_one_nearer) == (0, sp.oo, 1, 0))


def _check_km_means():
    from ._syntax import Instance
    X = [sp.Matrix(v) for v in ([0, 0], [1, 0], [5, 5], [6, 4], [0, 1])]
    R = sp.Matrix([[1, 0], [1, 0], [0, 1], [0, 1], [1, 0]])
    means = evaluate_update("means", CANONICAL["means"], Instance(X, R))
    centroids = [sum((X[t] for t in range(5) if R[t, q] == 1), sp.zeros(2, 1)) / sum(R[:, q]) for q in range(2)]
    return checked("with hard 0/1 responsibilities (n = 5, d = 2, K = 2) the derived mean update equals the "
                   "plain average of the assigned points", all(same(a_, b_) for a_, b_ in zip(means, centroids)))


def _check_km_objective():
    e = sp.Symbol("epsilon", positive=True)
    ok = True
    for dim in (1, 2):
        xv, mv = vector("x", dim), vector("m", dim)
        D2 = ((xv - mv).T * (xv - mv))[0]
        logN = -sp.Rational(dim, 2) * sp.log(2 * sp.pi * e) - D2 / (2 * e)
        ok &= is_zero(sp.limit(e * logN, e, 0, "+") + D2 / 2)
    ok &= sp.limit(e * sp.log(sp.Symbol("p", positive=True)), e, 0, "+") == 0
    return checked("d = 1, 2 with symbolic entries: SymPy's limit of epsilon ln N(x | mu, epsilon I) is "
                   "-||x - mu||^2/2, and epsilon ln pi_k -> 0", ok)


_KM_POINTS = (0, sp.Rational(3, 2), sp.Rational(5, 2), 4)
_KM_MEANS = (1, 3)
_KM_EPS = (1, sp.Rational(1, 4), sp.Rational(1, 16))


def _km_gamma1(xv, e):
    d1, d2 = (xv - _KM_MEANS[0]) ** 2, (xv - _KM_MEANS[1]) ** 2
    return 1 / (1 + sp.exp(-(d2 - d1) / (2 * e)))


def _km_table():
    header = [tex("x_i"), "nearest"] + [tex(r"\gamma_{i1},\ \varepsilon = " + sp.latex(e)) for e in _KM_EPS] + \
             [tex(r"r_{i1}")]
    rows = []
    for xv in _KM_POINTS:
        nearest = 1 if abs(xv - 1) < abs(xv - 3) else 2
        rows.append([tex(sp.sstr(sp.Rational(xv)))] + [tex(r"\mu_%d" % nearest)] +
                    [decimal(float(sp.N(_km_gamma1(xv, e), 30))) for e in _KM_EPS] + [1 if nearest == 1 else 0])
    caption = words("the responsibilities harden to the nearest-mean assignment; the new means are ",
                    tex(r"\mu_1 \to \frac{0 + 3/2}{2} = \frac{3}{4}"), " and ",
                    tex(r"\mu_2 \to \frac{5/2 + 4}{2} = \frac{13}{4}"))
    return header, rows, caption


def _check_km_table():
    from ...numerics.gmm._point import e_step_point
    ok = True
    for e in _KM_EPS:
        resp = [e_step_point([float(v)], [0.5, 0.5], [[1.0], [3.0]], [[[float(e)]]] * 2)[1][0] for v in _KM_POINTS]
        ours = [float(sp.N(_km_gamma1(v, e), 30)) for v in _KM_POINTS]
        ok &= bool(np.allclose(ours, resp, rtol=1e-12, atol=1e-300))
    R = [1 if abs(v - 1) < abs(v - 3) else 0 for v in _KM_POINTS]
    ok &= sum(v * rr for v, rr in zip(_KM_POINTS, R)) / sum(R) == sp.Rational(3, 4)
    return checked("each cell equals the log-space E-step numerics.gmm.e_step_point (variance epsilon; proved "
                   "equal to the engine's e_step in tests/test_references.py) to 1e-12; the centroids recomputed "
                   "exactly", ok)
