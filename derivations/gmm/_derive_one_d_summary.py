r"""The derivation, sections 12 and 13: the one-dimensional case written out, and the summary of one EM iteration."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..result import Chain, Ref, Table, checked, words
from ._derive_moves import pull_out, scalar_gradient, solve_scalar, split_sums, write_out, zero_with_sums_fixed
from ._explicit import explicit, is_zero
from ._notation import (DEVIATION, GAMMA_IK, MU_K, N_, NORMAL_K, NORMAL_L, SIGMA_K, SUM_I, SUM_K, TRANSPOSE, X_I, K,
                        cell, gamma, i, k, l, mu, n, pi_, show, tex, var, x)
from ._syntax import CANONICAL, evaluate_update


def one_d(proof) -> None:
    proof.section("12. The one-dimensional case, written out in full",
                  "With ", tex("d = 1"), " every quantity is a number, SymPy differentiates the sums itself, "
                  "and the steps are what a first course does on the board.")
    Qk = sp.Sum(gamma[i, k] * (sp.log(pi_[k]) - sp.log(2 * sp.pi) / 2 - sp.log(var[k]) / 2
                               - (x[i] - mu[k]) ** 2 / (2 * var[k])), (i, 1, n))
    Q1 = sp.Sum(Qk.function.subs(k, l), (l, 1, K), (i, 1, n))
    proof.step(Chain(tex("Q"), [show(Q1)]),
               words(Ref("Qfull"), " with ", tex(r"d = 1"), ", ", tex(r"\boldsymbol{\Sigma}_k = \sigma^2_k")),
               "Q_1d", _check_Q_1d(Q1))
    m_lines = [sp.diff(Qk, mu[k])]
    m_lines.append(pull_out(m_lines[-1]))
    m_lines.append(pull_out(split_sums(m_lines[-1])))
    m_lines.append(m_lines[-1].subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k]))
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \mu_k}"), [show(e) for e in m_lines],
                     reasons=[words("only ", tex("l = k"), " depends on ", tex(r"\mu_k"), "; SymPy differentiates"),
                              words(tex(r"1/\sigma^2_k"), " does not depend on ", tex("i")),
                              words("split the sum, pull out ", tex(r"\mu_k")),
                              words(tex(r"N_k = " + SUM_I + " " + GAMMA_IK))]),
               words("the derivative with respect to the mean"), "grad_mu_1d",
               _check_1d_lines(Q1, mu[k], m_lines))
    sol_m = solve_scalar(m_lines[-1], mu[k])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \mu_k} = 0"), [show(sp.Eq(mu[k], sol_m))], rel="\\iff",
                     reasons=[words("SymPy solves")]),
               words("the 1-D mean update"), "solve_mu_1d", _check_solve_1d(m_lines[0], mu[k], sol_m))
    v_lines = scalar_gradient(Qk, var[k])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_k}"), [show(e) for e in v_lines],
                     reasons=[words("SymPy differentiates under the sum"), words("split the sum"),
                              words("pull out what does not depend on ", tex("i")),
                              words(tex(r"N_k = " + SUM_I + " " + GAMMA_IK))]),
               words("the derivative with respect to the variance"), "grad_var_1d",
               _check_1d_lines(Q1, var[k], v_lines))
    sol_v = solve_scalar(v_lines[-1], var[k])
    proof.step(Chain(tex(r"\frac{\partial Q}{\partial \sigma^2_k} = 0"), [show(sp.Eq(var[k], sol_v))],
                     rel="\\iff", reasons=[words("SymPy solves")]),
               words("the 1-D variance update, with ", tex(r"\mu_k"), " from ", Ref("solve_mu_1d")),
               "solve_var_1d", _check_solve_1d(v_lines[0], var[k], sol_v))
    rows = [[tex(r"\gamma_{ik}"), cell(r"\frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma^2_k)}{\sum_{l=1}^{K} "
                                       r"\pi_l \mathcal{N}(x_i \mid \mu_l, \sigma^2_l)}"), "E-step"],
            [tex(r"\mu_k"), cell(sol_m), "M-step"],
            [tex(r"\sigma^2_k"), cell(sol_v), "M-step"],
            [tex(r"\pi_k"), cell(r"\frac{N_k}{N}"), "M-step"]]
    proof.step(Table(["quantity", "update", "step"], rows, align="cll"),
               words("EM in one dimension: alternate the E-step ", Ref("bayes"), " and the M-step updates ",
                     Ref("solve_mu_1d"), ", ", Ref("solve_var_1d"), ", ", Ref("weights")),
               "em_1d", _check_em_1d(sol_m, sol_v))


def summary(proof) -> None:
    proof.section("13. Summary: one EM iteration",
                  "E-step with the current parameters, then the M-step updates in this order (the "
                  "covariance updates use the new means).")
    rows = [[tex(r"\gamma_{ik}"), cell(r"\frac{\pi_k " + NORMAL_K + r"}{\sum_{l=1}^{K} \pi_l " + NORMAL_L + "}"), "all",
             "(E-step)"],
            [tex(r"\pi_k"), cell(r"\frac{N_k}{N}"), "all", "weights_ (K,)"],
            [tex(MU_K), cell(r"\frac{1}{N_k} " + SUM_I + " " + GAMMA_IK + " " + X_I), "all", "means_ (K, d)"]]
    forms = {"full": (tex(SIGMA_K), cell(r"\frac{1}{N_k} " + SUM_I + " " + GAMMA_IK + " " + DEVIATION + DEVIATION +
                                         TRANSPOSE), "(K, d, d)"),
             "tied": (tex(r"\boldsymbol{\Sigma}"), cell(r"\frac{1}{N} " + SUM_K + " " + SUM_I + " " + GAMMA_IK + " " +
                                                        DEVIATION + DEVIATION + TRANSPOSE), "(d, d)"),
             "diag": (tex(r"\sigma^2_{kj}"), cell(r"\frac{1}{N_k} " + SUM_I + " " + GAMMA_IK +
                                                  r" (x_{ij} - \mu_{kj})^2"),
                      "(K, d)"),
             "spherical": (tex(r"\sigma^2_k"), cell(r"\frac{1}{d N_k} " + SUM_I + " " + GAMMA_IK + r" \|" + X_I +
                                                    " - " + MU_K + r"\|^2"), "(K,)")}
    for t in proof.types:
        p, u, shape = forms[t]
        rows.append([p, u, t, f"covariances_ {shape}"])
    proof.step(Table(["parameter", "update", "covariance type", "scikit-learn"], rows, align="clll"),
               words("the derived updates; the JSON answer holds them in the answer syntax"),
               "summary", _check_summary(proof.types))


# ---------------------------------------------------------------- checks
def _check_Q_1d(Q1):
    E = explicit(2, 1, 2)
    s = [sp.Symbol(f"v{q + 1}", positive=True) for q in range(2)]
    Qe = E.Q_covariance([sp.Matrix([[sv]]) for sv in s])
    written = write_out(Q1, nv=2, Kv=2)
    rep = {x[p + 1]: E.X[p][0] for p in range(2)}
    rep.update({gamma[p + 1, q + 1]: E.G[p, q] for p in range(2) for q in range(2)})
    rep.update({mu[q + 1]: E.M[q][0] for q in range(2)})
    rep.update({var[q + 1]: s[q] for q in range(2)})
    rep.update({pi_[q + 1]: E.W[q] for q in range(2)})
    return checked("n = 2, K = 2: written out, it equals the d-dimensional Q with d = 1 (symbolic)",
                   is_zero(sp.expand_log(written.xreplace(rep) - Qe, force=True)))


def _check_1d_lines(Q1, v, lines):
    # SymPy's derivative of the whole double sum, written out, equals each line written out
    ok = True
    for q in (1, 2):
        target = sp.diff(write_out(Q1, nv=3, Kv=2), v.subs(k, q))
        back = {N_[q]: sp.Sum(gamma[i, q], (i, 1, n))}
        ok &= all(is_zero(target - write_out(e.subs(k, q).subs(back), nv=3, Kv=2)) for e in lines)
    return checked("n = 3, K = 2: every line, written out, equals SymPy's derivative of the written-out double "
                   "sum", ok)


def _check_solve_1d(first, v, sol):
    back = first.subs(v, sol)
    e = pull_out(split_sums(back)).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    ok = zero_with_sums_fixed(e)
    inst = write_out(first.subs(v, sol).subs(N_[k], sp.Sum(gamma[i, k], (i, 1, n))), nv=3)
    ok &= is_zero(inst)
    return checked("(a) substituted back, the derivative vanishes: symbolically (sums held fixed) and written out "
                   "for n = 3", ok)


def _check_em_1d(sol_m, sol_v):
    from ...numerics.gmm._reference import m_step_reference as m_step
    rng = np.random.default_rng(3)
    ok = True
    for _ in range(5):
        nv, Kv = 6, 2
        X = rng.normal(size=nv)
        R = rng.random((nv, Kv))
        R /= R.sum(axis=1, keepdims=True)
        weights, means, covs = m_step(X[:, None], R, "spherical")
        for q in range(Kv):
            rep = {x[p + 1]: X[p] for p in range(nv)}
            rep.update({gamma[p + 1, q + 1]: R[p, q] for p in range(nv)})
            Nq = R[:, q].sum()
            m_val = float(write_out(sol_m.subs(k, q + 1), nv=nv).xreplace(rep).subs(N_[q + 1], Nq))
            rep[mu[q + 1]] = m_val
            v_val = float(write_out(sol_v.subs(k, q + 1), nv=nv).xreplace(rep).subs(N_[q + 1], Nq))
            ok &= bool(np.isclose(m_val, means[q, 0], rtol=1e-10) and np.isclose(v_val, covs[q], rtol=1e-10))
            ok &= bool(np.isclose(Nq / nv, weights[q], rtol=1e-10))
    return checked("the derived 1-D updates, evaluated on 5 random data sets (n = 6, K = 2), equal the "
                   "plain-numpy M-step numerics.gmm.m_step_reference (d = 1; proved equal to the engine's m_step "
                   "in tests/test_references.py) to 1e-10", ok)


def _check_summary(types):
    from ...numerics.gmm._reference import m_step_reference as m_step
    from ._derive_model import _e_step_floats
    from ._syntax import random_instance
    ok = True
    for spec in ((5, 2, 2, 101), (6, 3, 3, 202)):
        inst = random_instance(*spec)
        Xf = np.array([[float(v) for v in xv] for xv in inst.X])
        Rf = np.array([[float(v) for v in inst.resp.row(p)] for p in range(inst.n)])
        means = evaluate_update("means", CANONICAL["means"], inst)
        weights = evaluate_update("weights", CANONICAL["weights"], inst)
        for t in types:
            w_num, m_num, c_num = m_step(Xf, Rf, t)
            ok &= np.allclose([float(v) for v in weights], w_num, rtol=1e-10)
            ok &= np.allclose([[float(v) for v in m] for m in means], m_num, rtol=1e-10)
            cov = evaluate_update(t, CANONICAL[t], inst, means=means)
            ours = np.array([np.array(c.tolist(), dtype=float).squeeze() if hasattr(c, "tolist") else float(c)
                             for c in cov])
            ok &= np.allclose(ours.reshape(np.shape(c_num)), c_num, rtol=1e-10, atol=1e-12)
        resp = evaluate_update("responsibilities", CANONICAL["responsibilities"], inst)
        r_num = _e_step_floats(inst)
        ok &= np.allclose(np.array([float(sp.N(v, 30)) for v in resp]).reshape(r_num.shape), r_num, rtol=1e-10)
    return checked("(b) the updates of the JSON answer, evaluated exactly on seeded random data (n = 5, d = 2, "
                   "K = 2 and n = 6, d = 3, K = 3), equal the float references numerics.gmm.m_step_reference and "
                   "e_step_point (proved equal to the engine in tests/test_references.py) to 1e-10", bool(ok))
