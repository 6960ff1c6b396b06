r"""EM for a Gaussian mixture, derived step by step and checked.

:func:`derive` builds the proof of the EM updates from the expected
complete-data log-likelihood

.. math::

    Q(\theta, \theta^{old}) = \sum_{i=1}^n \sum_{k=1}^K \gamma_{ik}
      \bigl\{\ln\pi_k + \ln\mathcal N(x_i \mid \mu_k, \Sigma_k)\bigr\},

in the order of Bishop's PRML section 9.2: the model, the E-step by Bayes'
rule, the M-step for the means, the weights (Lagrange multiplier), the
covariances (full, tied, diagonal, spherical, each in scikit-learn's
convention), the second-order check, the K-means limit and the 1-D case.

Every step carries a program check (see :mod:`derivations.gmm._explicit` and
:mod:`derivations.matrix_calculus`); each final update is substituted back
into SymPy's own gradient of the explicit objective and shown to make it
vanish, and the updates as written in the answer syntax
(:mod:`derivations.gmm._syntax`) are evaluated against the explicit
solutions and against :mod:`numerics.gmm`.
"""
from __future__ import annotations

import functools
import itertools
import json

import numpy as np
import sympy as sp

from . import _notation as nt
from ._explicit import explicit, is_zero, same
from ._notation import (K, N_, cell, d, decimal, gamma, i, j, k, l, lam, mu, n, pi_, show, tx,
                                       var, x)
from ._syntax import CANONICAL, compare_update, evaluate_update
from ..matrix_calculus import (general_matrix, identity_step, padd, padj, pdet, pmul,
                                         poly_ring, psymmetric, ptrace, ptranspose, symmetric_matrix,
                                         vector)
from ..result import Chain, Checker, Display, Ref, Result, Section, Step, Table, checked, words

__all__ = ["derive", "COVARIANCE_TYPES"]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")

# ------------------------------------------------------------------ notation
TT = r"^{\mathsf T}"
X_ = r"\boldsymbol{x}_i"
MU = r"\boldsymbol{\mu}_k"
SG = r"\boldsymbol{\Sigma}_k"
SGI = r"\boldsymbol{\Sigma}_k^{-1}"
DEV = r"(\boldsymbol{x}_i - \boldsymbol{\mu}_k)"
QF = DEV + TT + SGI + DEV
G = r"\gamma_{ik}"
SI = r"\sum_{i=1}^{n}"
SK = r"\sum_{k=1}^{K}"
SL = r"\sum_{l=1}^{K}"
NK = r"\mathcal{N}(\boldsymbol{x}_i \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k)"
NL = r"\mathcal{N}(\boldsymbol{x}_i \mid \boldsymbol{\mu}_l, \boldsymbol{\Sigma}_l)"
SCAT = r"\boldsymbol{S}_k"
TH = r"\boldsymbol{\theta}"


def w(*parts):
    """words(), with strings starting with '$' read as the project's LaTeX: '$\\gamma_{ik}'."""
    return words(*[tx(p[1:]) if isinstance(p, str) and p.startswith("$") else p for p in parts])


# ---------------------------------------------------------------- the check
def _update_checker(types: tuple) -> Checker:
    """A student's updates are strings in the answer syntax (:mod:`._syntax`), each compared as a formula.

    For each one the report says whether it is the derived update and, if
    not, why not ("divides by N instead of N_k").
    """
    def rule(location: str, expected, given) -> str | None:
        key = location.removeprefix("covariances.")
        if location == "covariances":
            key = types[0]
        if not isinstance(given, str):
            return "expected the update as a string in the answer syntax, e.g. " + json.dumps(CANONICAL["means"])
        return compare_update(key, given)
    return Checker(scalars={name: rule for name in ("responsibilities", "means", "weights", "covariances",
                                                    "covariances.*")})


# ------------------------------------------------------------------ derive
def derive(covariance: str = "all") -> Result:
    r"""Derive the EM updates of a Gaussian mixture, every step checked.

    Parameters
    ----------
    covariance : {'full', 'tied', 'diag', 'spherical', 'all'}
        Which covariance derivations to include (the model, E-step, means,
        weights, K-means limit and 1-D case are always included).

    Returns
    -------
    Result
        A :class:`~derivations.result.Result`. Answer keys (strings in the
        answer syntax of :mod:`derivations.gmm._syntax`):
        ``responsibilities``, ``means``, ``weights``, and ``covariances``
        (one string for a single type, an object keyed by type for ``all``):

        * ``means``: :math:`\mu_k = \frac{1}{N_k}\sum_i \gamma_{ik} x_i`;
        * ``weights``: :math:`\pi_k = N_k / N`;
        * ``full``: :math:`\Sigma_k = \frac1{N_k}\sum_i\gamma_{ik}(x_i-\mu_k)(x_i-\mu_k)^\top`;
        * ``tied``: :math:`\Sigma = \frac1N\sum_k\sum_i\gamma_{ik}(x_i-\mu_k)(x_i-\mu_k)^\top`;
        * ``diag``: :math:`\sigma^2_{kj} = \frac1{N_k}\sum_i\gamma_{ik}(x_{ij}-\mu_{kj})^2`;
        * ``spherical``: :math:`\sigma^2_k = \frac1{d N_k}\sum_i\gamma_{ik}\lVert x_i-\mu_k\rVert^2`.
    """
    if covariance == "all":
        types = list(COVARIANCE_TYPES)
    elif covariance in COVARIANCE_TYPES:
        types = [covariance]
    else:
        raise ValueError(f"--covariance: {covariance!r} is not a covariance type; expected one of "
                         f"{', '.join(COVARIANCE_TYPES)} or all")
    return _build(tuple(types))


@functools.lru_cache(maxsize=8)
def _build(types: tuple) -> Result:
    b = _Builder(types)
    for part in (b.model, b.estep, b.toolbox, b.means, b.weights):
        part()
    for t in types:
        getattr(b, f"cov_{t}")()
    b.second_order()
    b.kmeans()
    b.one_d()
    b.summary()
    which = "all four covariance types" if len(types) == 4 else f"{types[0]} covariances"
    answer = {"responsibilities": CANONICAL["responsibilities"], "means": CANONICAL["means"],
              "weights": CANONICAL["weights"],
              "covariances": ({t: CANONICAL[t] for t in types} if len(types) > 1 else CANONICAL[types[0]])}
    sources = {"responsibilities": "bayes", "means": "solve_mu", "weights": "weights"}
    if len(types) > 1:
        sources.update({f"covariances.{t}": f"solve_{t}" for t in types})
    sources["covariances"] = f"solve_{types[0]}"
    result = Result(
        kind="gmm.derive",
        title=f"EM for a Gaussian mixture, derived ({which})",
        intro=w("We derive the EM updates of a mixture of ", tx("K"), " Gaussians in ", tx("d"),
                " dimensions from the expected complete-data log-likelihood, in the order of Bishop, "
                "Pattern Recognition and Machine Learning, sections 9.2 and 9.3. Every step marked checked was "
                "verified by a program: matrix identities entry by entry in explicit dimensions, sums written "
                "out for explicit ", tx("n, d, K"), " with symbolic entries, each solution substituted back "
                "into SymPy's own gradient, and the final updates evaluated against the independent numeric EM "
                "of numerics.gmm."),
        steps=b.steps, answer=answer, sources=sources,
        notes=["The answer keys hold each update in the answer syntax of workedout gmm derive --check "
               "(see the README): sum(...) over i, sum(..., k) over components, dot, outer."],
        checker=_update_checker(types))
    return result


# ================================================================= builder
class _Builder:
    def __init__(self, types: tuple):
        self.types = types
        self.steps: list = []

    def section(self, title, *intro):
        self.steps.append(Section(title, w(*intro) if intro else ()))

    def step(self, statement, why, label, check=None):
        self.steps.append(Step(statement, why=why, check=check, label=label))

    # ------------------------------------------------------------- 1. model
    def model(self):
        self.section("1. The model and the complete-data log-likelihood",
                     "The data are ", tx(r"n"), " independent points ", tx(r"\boldsymbol{x}_1, \dots, "
                     r"\boldsymbol{x}_n \in \mathbb{R}^d"), ". Each is generated by choosing a component ",
                     tx("k"), " with probability ", tx(r"\pi_k"), " and drawing from its Gaussian.")
        self.step(Display(tx(r"p(\boldsymbol{x} \mid " + TH + r") = \sum_{k=1}^{K} \pi_k\, \mathcal{N}("
                             r"\boldsymbol{x} \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k), \qquad \pi_k \ge 0, "
                             r"\quad \sum_{k=1}^{K} \pi_k = 1")),
                  w("the mixture density with parameters ", tx(TH + r" = \{\pi_k, \boldsymbol{\mu}_k, "
                                                                    r"\boldsymbol{\Sigma}_k\}_{k=1}^{K}")),
                  "mixture")
        self.step(Display(tx(r"\mathcal{N}(\boldsymbol{x} \mid \boldsymbol{\mu}, \boldsymbol{\Sigma}) = "
                             r"\frac{1}{(2\pi)^{d/2}\, |\boldsymbol{\Sigma}|^{1/2}} \exp\!\Bigl(-\frac{1}{2}"
                             r"(\boldsymbol{x} - \boldsymbol{\mu})^{\mathsf T} \boldsymbol{\Sigma}^{-1}"
                             r"(\boldsymbol{x} - \boldsymbol{\mu})\Bigr)")),
                  w("the d-dimensional normal density, ", tx(r"\boldsymbol{\Sigma}"),
                    " symmetric positive definite"),
                  "gauss", _check_gauss())
        self.step(Chain(tx(r"p(\boldsymbol{x} \mid " + TH + ")"),
                        [tx(r"\sum_{\boldsymbol{z}} p(\boldsymbol{z})\, p(\boldsymbol{x} \mid \boldsymbol{z})"),
                         tx(r"\sum_{\boldsymbol{z}} \prod_{k=1}^{K} \bigl(\pi_k\, \mathcal{N}(\boldsymbol{x} \mid "
                            r"\boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k)\bigr)^{z_k}"),
                         tx(r"\sum_{k=1}^{K} \pi_k\, \mathcal{N}(\boldsymbol{x} \mid \boldsymbol{\mu}_k, "
                            r"\boldsymbol{\Sigma}_k)")],
                        reasons=[w("marginalise the latent one-hot ", tx(r"\boldsymbol{z}")),
                                 w(tx(r"p(\boldsymbol{z}) = \prod_k \pi_k^{z_k}"), ", ",
                                   tx(r"p(\boldsymbol{x} \mid \boldsymbol{z}) = \prod_k \mathcal{N}_k^{z_k}")),
                                 w("one ", tx("z_k = 1"), " per term")]),
                  w("the latent indicator: ", tx(r"z_k \in \{0, 1\}"), ", ", tx(r"\sum_k z_k = 1"), ", ",
                    tx(r"p(z_k = 1) = \pi_k"), "; summing it out gives back the mixture ", Ref("mixture")),
                  "latent", _check_latent())
        self.step(Chain(tx(r"\ln p(\boldsymbol{X}, \boldsymbol{Z} \mid " + TH + ")"),
                        [tx(r"\ln \prod_{i=1}^{n} \prod_{k=1}^{K} \bigl(\pi_k\, " + NK + r"\bigr)^{z_{ik}}"),
                         tx(SI + r" " + SK + r" z_{ik} \bigl\{\ln \pi_k + \ln " + NK + r"\bigr\}")],
                        reasons=[w("independent points, each as in ", Ref("latent")),
                                 w("the log of a product; ", tx(r"\ln a^{z} = z \ln a"))]),
                  w("the complete-data log-likelihood: the data ", tx(r"\boldsymbol{X}"),
                    " together with their indicators ", tx(r"\boldsymbol{Z} = (z_{ik})")),
                  "complete", _check_complete())
        self.step(Chain(tx(r"\ln \mathcal{N}(\boldsymbol{x} \mid \boldsymbol{\mu}, \boldsymbol{\Sigma})"),
                        [tx(r"-\frac{d}{2} \ln 2\pi - \frac{1}{2} \ln |\boldsymbol{\Sigma}| - \frac{1}{2}"
                            r"(\boldsymbol{x} - \boldsymbol{\mu})^{\mathsf T} \boldsymbol{\Sigma}^{-1}"
                            r"(\boldsymbol{x} - \boldsymbol{\mu})")]),
                  w("the log of the density ", Ref("gauss")), "lognormal", _check_lognormal())

    # ------------------------------------------------------------ 2. E-step
    def estep(self):
        self.section("2. The E-step: responsibilities by Bayes' rule",
                     "The indicators are unobserved; EM replaces them by their posterior expectation under "
                     "the current parameters ", tx(TH + r"^{\mathrm{old}}"), ".")
        self.step(Chain(tx(r"\gamma_{ik} \equiv p(z_{ik} = 1 \mid \boldsymbol{x}_i)"),
                        [tx(r"\frac{p(z_{ik} = 1)\, p(\boldsymbol{x}_i \mid z_{ik} = 1)}{\sum_{l=1}^{K} "
                            r"p(z_{il} = 1)\, p(\boldsymbol{x}_i \mid z_{il} = 1)}"),
                         tx(r"\frac{\pi_k\, " + NK + r"}{\sum_{l=1}^{K} \pi_l\, " + NL + "}")],
                        reasons=[w("Bayes' rule"), w("by ", Ref("latent"))]),
                  w("the responsibility of component ", tx("k"), " for point ", tx("i"),
                    ": prior times likelihood over the evidence (computed with ", tx(TH + r"^{\mathrm{old}}"),
                    "); for each ", tx("i"), " they sum to 1"),
                  "bayes", _check_bayes())
        self.step(Chain(tx(r"Q(" + TH + ", " + TH + r"^{\mathrm{old}})"),
                        [tx(r"\mathbb{E}_{\boldsymbol{Z} \mid \boldsymbol{X}, " + TH + r"^{\mathrm{old}}} \bigl["
                            r"\ln p(\boldsymbol{X}, \boldsymbol{Z} \mid " + TH + r")\bigr]"),
                         tx(SI + " " + SK + r" \mathbb{E}[z_{ik}] \bigl\{\ln \pi_k + \ln " + NK + r"\bigr\}"),
                         tx(SI + " " + SK + r" \gamma_{ik} \bigl\{\ln \pi_k + \ln " + NK + r"\bigr\}")],
                        reasons=[w("definition"), w("linearity, ", Ref("complete")),
                                 w(tx(r"\mathbb{E}[z_{ik}] = \gamma_{ik}"), " by ", Ref("bayes"))]),
                  w("the expected complete-data log-likelihood, the function the M-step maximises"),
                  "Q", _check_Q())
        self.step(Display(tx(r"Q = " + SI + " " + SK + r" \gamma_{ik} \Bigl\{\ln \pi_k - \frac{d}{2} \ln 2\pi "
                             r"- \frac{1}{2} \ln |" + SG + r"| - \frac{1}{2} " + QF + r"\Bigr\}")),
                  w("substitute ", Ref("lognormal"), " into ", Ref("Q"), "; the ", tx(G),
                    " are now fixed numbers"),
                  "Qfull", _check_Qfull())

    # ---------------------------------------------------------- 3. toolbox
    def toolbox(self):
        self.section("3. Matrix calculus used below",
                     "SymPy 1.14 returns wrong matrix derivatives for matrix symbols (for example 0 for the "
                     "derivative of ", tx(r"\ln|\boldsymbol{\Sigma}|"), "), so these identities are the "
                     "project's own, each proved entry by entry for explicit ", tx(r"d \times d"),
                     " matrices with symbolic entries, ", tx("d = 1, 2, 3"), ". A derivative with respect to a "
                     "symmetric matrix is taken entry by entry as if the ", tx("d^2"), " entries were "
                     "independent, then evaluated at the symmetric matrix (Bishop, appendix C).")
        why_symmetric = w("imposing the symmetry turns the gradient ", tx(r"\boldsymbol{G}"), " into ",
                          tx(r"2\boldsymbol{G} - \operatorname{diag}\boldsymbol{G}"),
                          ", which vanishes exactly when ", tx(r"\boldsymbol{G}"), " does: the stationary "
                          "points below are the same in both conventions")
        whys = {
            "quad_shift": w("the gradient of a quadratic form in ", tx(r"\boldsymbol{x} - \boldsymbol{\mu}"),
                            ", ", tx(r"\boldsymbol{S}"), " symmetric (the chain rule gives the minus sign)"),
            "logdet": w("the derivative of the log-determinant (Jacobi's formula)"),
            "quad_inv": w("the derivative of a quadratic form in the inverse"),
            "trace_trick": w("the trace trick: a number is its own trace, and ",
                             tx(r"\operatorname{tr}(\boldsymbol{XY}) = \operatorname{tr}(\boldsymbol{YX})")),
            "trace_linear": w("the trace is linear"),
            "trace_inv": w("the derivative of a trace with the inverse, ", tx(r"\boldsymbol{B}"), " symmetric"),
            "symmetric": why_symmetric,
        }
        for name, why in whys.items():
            self.steps.append(identity_step(name, why=why))

    # ------------------------------------------------------------ 4. means
    def means(self):
        self.section("4. The M-step for the means",
                     "Maximise ", Ref("Qfull"), " over ", tx(MU), " with the responsibilities and the other "
                     "parameters fixed.")
        self.step(Chain(tx("Q"), [tx(r"-\frac{1}{2} " + SI + " " + G + " " + QF + r" + \mathrm{const}")]),
                  w("only the ", tx("k"), "-th term of the sum over components depends on ", tx(MU),
                    ", and in it only the quadratic form"),
                  "Q_mu", _check_Q_mu())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + MU + "}"),
                        [tx(r"-\frac{1}{2} " + SI + " " + G + r" \frac{\partial}{\partial " + MU + "} " + QF),
                         tx(SI + " " + G + " " + SGI + DEV),
                         tx(SGI + " " + SI + " " + G + DEV),
                         tx(SGI + r"\Bigl(" + SI + " " + G + " " + X_ + " - " + MU + " " + SI + " " + G + r"\Bigr)"),
                         tx(SGI + r"\Bigl(" + SI + " " + G + " " + X_ + r" - N_k " + MU + r"\Bigr)")],
                        reasons=[w("differentiate term by term"),
                                 w(Ref("id_quad_shift"), " with ", tx(r"\boldsymbol{S} = " + SGI)),
                                 w(tx(SGI), " does not depend on ", tx("i"), ": pull it out"),
                                 w("split the sum; ", tx(MU), " does not depend on ", tx("i")),
                                 w(tx(r"N_k := " + SI + " " + G))]),
                  w("the gradient; ", tx(r"N_k"), " is the effective number of points of component ", tx("k")),
                  "grad_mu", _check_grad_mu())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + MU + r"} = \boldsymbol{0}"),
                        [tx(r"N_k " + MU + " = " + SI + " " + G + " " + X_),
                         tx(MU + r" = \frac{1}{N_k} " + SI + " " + G + " " + X_)],
                        rel="\\iff",
                        reasons=[w("multiply ", Ref("grad_mu"), " by the invertible ", tx(SG)),
                                 w("divide by ", tx("N_k > 0"))]),
                  w("set the gradient to zero and solve: the mean is the responsibility-weighted average of "
                    "the data"),
                  "solve_mu", _check_solve_mu())

    # ---------------------------------------------------------- 5. weights
    def weights(self):
        self.section("5. The M-step for the mixing weights",
                     "Maximise ", Ref("Qfull"), " over the ", tx(r"\pi_k"), " subject to ",
                     tx(r"\sum_k \pi_k = 1"), ", with a Lagrange multiplier ", tx(r"\lambda"), ".")
        self.step(Chain(tx(r"N := \sum_{k=1}^{K} N_k"),
                        [tx(SK + " " + SI + " " + G), tx(SI + " " + SK + " " + G), tx(SI + " 1"), tx("n")],
                        reasons=[w("definition of ", tx("N_k"), " in ", Ref("grad_mu")),
                                 w("swap the finite sums"),
                                 w("each point's responsibilities sum to 1 ", Ref("bayes")),
                                 w(tx("n"), " terms")]),
                  w("the total effective number of points is the number of points"),
                  "N", _check_N())
        L1 = sp.Sum(sp.Sum(gamma[i, l] * sp.log(pi_[l]), (l, 1, K)), (i, 1, n))
        self.step(Chain(tx(r"L(" + TH + r", \lambda)"),
                        [tx(r"Q - \lambda \Bigl(\sum_{l=1}^{K} \pi_l - 1\Bigr)"),
                         nt.tex(L1, (r" - \lambda \Bigl(\sum_{l=1}^{K} \pi_l - 1\Bigr) + \mathrm{const}",
                                     " - λ(∑_{l=1}^{K} π_l - 1) + const"))],
                        reasons=[w("the Lagrangian"), w("the ", tx(r"\ln \pi_l"), " terms of ", Ref("Qfull"))]),
                  w("the constraint enters with a multiplier ", tx(r"\lambda")), "lagrange", _check_lagrange())
        Lk = sp.Sum(gamma[i, k] * sp.log(pi_[k]), (i, 1, n)) - lam * pi_[k]
        g1 = sp.diff(Lk, pi_[k])
        g2 = _pull(g1)
        g3 = g2.subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
        self.step(Chain(tx(r"\frac{\partial L}{\partial \pi_k}"),
                        [nt.tex((r"\frac{\partial}{\partial \pi_k}\Bigl(", "∂/∂π_k("), sp.Add(*Lk.args),
                                (r"\Bigr)", ")")), show(g1), show(g2), show(g3)],
                        reasons=[w("only the terms ", tx("l = k"), " depend on ", tx(r"\pi_k")),
                                 w("SymPy differentiates under the sum"),
                                 w(tx(r"1/\pi_k"), " does not depend on ", tx("i"), ": pull it out"),
                                 w(tx(r"N_k = " + SI + " " + G))]),
                  w("differentiate the Lagrangian ", Ref("lagrange")), "grad_pi", _check_grad_pi(Lk, [g1, g2, g3]))
        self.step(Chain(tx(r"\frac{\partial L}{\partial \pi_k} = 0"), [tx(r"\pi_k = \frac{N_k}{\lambda}")],
                        rel="\\iff", reasons=[w("solve ", Ref("grad_pi"), " for ", tx(r"\pi_k"))]),
                  w("stationarity, for every ", tx("k")), "solve_pi",
                  checked("SymPy's solve of N_k/pi_k - lambda = 0 for pi_k gives exactly N_k/lambda",
                          sp.solve(sp.Eq(g3, 0), pi_[k]) == [N_[k] / lam]))
        self.step(Chain(tx("1"), [tx(r"\sum_{k=1}^{K} \pi_k"), tx(r"\frac{1}{\lambda} \sum_{k=1}^{K} N_k"),
                                  tx(r"\frac{N}{\lambda}")],
                        reasons=[w("the constraint"), w("substitute ", Ref("solve_pi")), w("by ", Ref("N"))]),
                  w("the multiplier from the constraint: ", tx(r"\lambda = N")), "lambda", _check_lambda())
        self.step(Chain(tx(r"\lambda = N"), [tx(r"\pi_k = \frac{N_k}{N}")], rel="\\implies",
                        reasons=[w("substitute into ", Ref("solve_pi"))]),
                  w("the weight of a component is its share of the points"), "weights", _check_weights())

    # ----------------------------------------------------- 6. covariances
    def cov_full(self):
        self.section("6. Full covariances (covariance_type='full')",
                     "Maximise ", Ref("Qfull"), " over ", tx(SG), " for each ", tx("k"), ". scikit-learn stores "
                     "the result as covariances_ of shape ", tx(r"(K, d, d)"), ".")
        self.step(Chain(tx("Q"),
                        [tx(SI + " " + G + r" \Bigl\{-\frac{1}{2} \ln |" + SG + r"| - \frac{1}{2} " + QF +
                            r"\Bigr\} + \mathrm{const}"),
                         tx(r"-\frac{N_k}{2} \ln |" + SG + r"| - \frac{1}{2} " + SI + " " + G + " " + QF +
                            r" + \mathrm{const}")],
                        reasons=[w("only component ", tx("k"), " involves ", tx(SG)),
                                 w("split the sum; ", tx(r"\ln|" + SG + "|"), " does not depend on ", tx("i"))]),
                  w("the objective as a function of ", tx(SG)), "Q_full", _check_Q_full())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + SG + "}"),
                        [tx(r"-\frac{N_k}{2} " + SGI + r" + \frac{1}{2} " + SI + " " + G + " " + SGI + DEV +
                            DEV + TT + SGI),
                         tx(r"-\frac{N_k}{2} " + SGI + r" + \frac{1}{2} " + SGI + " " + SCAT + " " + SGI)],
                        reasons=[w(Ref("id_logdet"), " and ", Ref("id_quad_inv"), " term by term"),
                                 w(tx(SGI), " does not depend on ", tx("i")),
                                 ]),
                  w("the gradient, with the weighted scatter matrix ",
                    tx(SCAT + " := " + SI + " " + G + " " + DEV + DEV + TT)),
                  "grad_full", _check_grad_full())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + SG + r"} = \boldsymbol{0}"),
                        [tx(r"N_k " + SG + " = " + SCAT),
                         tx(SG + r" = \frac{1}{N_k} " + SI + " " + G + " " + DEV + DEV + TT)],
                        rel="\\iff",
                        reasons=[w("multiply by ", tx("2" + SG), " on the left and on the right"),
                                 w("divide by ", tx("N_k > 0"))]),
                  w("set to zero and solve, with ", tx(MU), " the updated mean ", Ref("solve_mu"),
                    ": the responsibility-weighted scatter around the mean (scikit-learn adds reg_covar "
                    "to the diagonal)"),
                  "solve_full", _check_solve_full())

    def cov_tied(self):
        self.section("7. Tied covariance (covariance_type='tied')",
                     "All components share one covariance ", tx(r"\boldsymbol{\Sigma}_k = \boldsymbol{\Sigma}"),
                     "; scikit-learn stores it as covariances_ of shape ", tx(r"(d, d)"), ".")
        S = r"\boldsymbol{\Sigma}"
        self.step(Chain(tx("Q"),
                        [tx(SK + " " + SI + " " + G + r" \Bigl\{-\frac{1}{2} \ln |" + S + r"| - \frac{1}{2} " +
                            DEV + TT + S + "^{-1}" + DEV + r"\Bigr\} + \mathrm{const}"),
                         tx(r"-\frac{N}{2} \ln |" + S + r"| - \frac{1}{2} " + SK + " " + SI + " " + G +
                            r" \operatorname{tr}\bigl(" + S + "^{-1}" + DEV + DEV + TT + r"\bigr) + \mathrm{const}"),
                         tx(r"-\frac{N}{2} \ln |" + S + r"| - \frac{1}{2} \operatorname{tr}\Bigl(" + S +
                            r"^{-1} " + SK + " " + SCAT + r"\Bigr) + \mathrm{const}")],
                        reasons=[w("keep the terms with ", tx(S)),
                                 w(Ref("N"), " and ", Ref("id_trace_trick")),
                                 w(Ref("id_trace_linear"))]),
                  w("the objective as a function of the shared ", tx(S), ", with ", tx(SCAT),
                    " the scatter of ", Ref("grad_full")),
                  "Q_tied", _check_Q_tied())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + S + "}"),
                        [tx(r"-\frac{N}{2} " + S + r"^{-1} + \frac{1}{2} " + S + r"^{-1} \Bigl(" + SK + " " +
                            SCAT + r"\Bigr) " + S + "^{-1}")],
                        reasons=[w(Ref("id_logdet"), " and ", Ref("id_trace_inv"))]),
                  w("the gradient"), "grad_tied", _check_grad_tied())
        self.step(Chain(tx(r"\frac{\partial Q}{\partial " + S + r"} = \boldsymbol{0}"),
                        [tx(S + r" = \frac{1}{N} " + SK + " " + SI + " " + G + " " + DEV + DEV + TT)],
                        rel="\\iff",
                        reasons=[w("multiply by ", tx("2" + S), " on both sides, divide by ", tx("N"))]),
                  w("the pooled scatter of all components over all points"), "solve_tied", _check_solve_tied())

    def cov_diag(self):
        self.section("8. Diagonal covariances (covariance_type='diag')",
                     tx(SG + r" = \operatorname{diag}(\sigma^2_{k1}, \dots, \sigma^2_{kd})"),
                     ": the derivation is scalar, and SymPy differentiates the sum itself. scikit-learn stores the "
                     "variances as covariances_ of shape ", tx("(K, d)"), ".")
        self.step(Display(tx(r"\ln |" + SG + r"| = \sum_{j=1}^{d} \ln \sigma^2_{kj}, \qquad " + QF +
                             r" = \sum_{j=1}^{d} \frac{(x_{ij} - \mu_{kj})^2}{\sigma^2_{kj}}")),
                  w("the determinant and the quadratic form of a diagonal matrix"), "diag_forms",
                  _check_diag_forms())
        QD = sp.Sum(gamma[i, k] * (-sp.log(var[k, j]) / 2 - (x[i, j] - mu[k, j]) ** 2 / (2 * var[k, j])),
                    (i, 1, n))
        self.step(Chain(tx("Q"), [nt.tex(QD, (r" + \mathrm{const}", " + const"))]),
                  w("as a function of one variance ", tx(r"\sigma^2_{kj}"), ": only component ", tx("k"),
                    " and coordinate ", tx("j"), " of ", Ref("Qfull"), " involve it"),
                  "Q_diag", _check_Q_scalar(QD, "diag"))
        lines = _scalar_gradient(QD, var[k, j])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_{kj}}"), [show(e) for e in lines],
                        reasons=[w("SymPy differentiates under the sum"), w("split the sum"),
                                 w("pull out what does not depend on ", tx("i")), w(tx(r"N_k = " + SI + " " + G))]),
                  w("the derivative"), "grad_diag", _check_scalar_lines(QD, var[k, j], lines, "diag"))
        sol = _solve_scalar(lines[-1], var[k, j])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_{kj}} = 0"), [show(sp.Eq(var[k, j], sol))],
                        rel="\\iff", reasons=[w("SymPy solves for ", tx(r"\sigma^2_{kj}"))]),
                  w("the responsibility-weighted variance of coordinate ", tx("j"), " around ", tx(r"\mu_{kj}"),
                    ": the diagonal of the full update ", Ref("solve_full") if "full" in self.types else ""),
                  "solve_diag", _check_solve_scalar(lines[0], var[k, j], sol, "diag"))
        self.diag_solution = sol

    def cov_spherical(self):
        self.section("9. Spherical covariances (covariance_type='spherical')",
                     tx(SG + r" = \sigma^2_k \boldsymbol{I}"), ": one variance per component; scikit-learn "
                     "stores them as covariances_ of shape ", tx("(K,)"), ".")
        self.step(Display(tx(r"\ln |" + SG + r"| = d \ln \sigma^2_k, \qquad " + QF + r" = \frac{\|" + X_ + " - " +
                             MU + r"\|^2}{\sigma^2_k} = \sum_{j=1}^{d} \frac{(x_{ij} - \mu_{kj})^2}{\sigma^2_k}")),
                  w("the determinant and the quadratic form of ", tx(r"\sigma^2_k \boldsymbol{I}")),
                  "sph_forms", _check_sph_forms())
        QS = sp.Sum(gamma[i, k] * (-d * sp.log(var[k]) / 2
                                   - sp.Sum((x[i, j] - mu[k, j]) ** 2, (j, 1, d)) / (2 * var[k])), (i, 1, n))
        self.step(Chain(tx("Q"), [nt.tex(QS, (r" + \mathrm{const}", " + const"))]),
                  w("as a function of ", tx(r"\sigma^2_k"), ", from ", Ref("Qfull")), "Q_spherical",
                  _check_Q_scalar(QS, "spherical"))
        lines = _scalar_gradient(QS, var[k])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_k}"), [show(e) for e in lines],
                        reasons=[w("SymPy differentiates under the sum"), w("split the sum"),
                                 w("pull out what does not depend on ", tx("i")), w(tx(r"N_k = " + SI + " " + G))]),
                  w("the derivative"), "grad_spherical", _check_scalar_lines(QS, var[k], lines, "spherical"))
        sol = _solve_scalar(lines[-1], var[k])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_k} = 0"),
                        [show(sp.Eq(var[k], sol)),
                         tx(r"\sigma^2_k = \frac{1}{d} \sum_{j=1}^{d} \sigma^2_{kj} = \frac{1}{d} "
                            r"\operatorname{tr} \boldsymbol{\Sigma}_k^{\mathrm{full}}")],
                        rel="\\iff", reasons=[w("SymPy solves for ", tx(r"\sigma^2_k")),
                                              w("swap the sums over ", tx("i"), " and ", tx("j"), "; ",
                                                Ref("solve_diag") if "diag" in self.types else "the diagonal update",
                                                ", ", Ref("solve_full") if "full" in self.types else
                                                "the full update")]),
                  w("the mean of the diagonal variances, which is how scikit-learn computes it"),
                  "solve_spherical", _check_solve_scalar(lines[0], var[k], sol, "spherical", also_mean=True))

    # ---------------------------------------------------- 10. second order
    def second_order(self):
        self.section("10. Second-order check: the stationary points are maxima",
                     "Each block of the Hessian is negative definite at the solution (and ", tx("Q"),
                     " is concave in each block), so each update maximises ", tx("Q"), ".")
        self.step(Chain(tx(r"\frac{\partial^2 Q}{\partial " + MU + r"\, \partial " + MU + TT + "}"),
                        [tx(r"-" + SI + " " + G + " " + SGI), tx(r"-N_k " + SGI)],
                        reasons=[w("differentiate ", Ref("grad_mu")), w(tx("N_k"), " as in ", Ref("grad_mu"))]),
                  w("negative definite: ", tx(SGI), " is positive definite and ", tx("N_k > 0")),
                  "hess_mu", _check_hess_mu())
        D = r"\boldsymbol{\Delta}"
        if "full" in self.types or "tied" in self.types:
            self.step(Chain(tx(r"\frac{d^2}{dt^2} Q(" + SG + " + t" + D + r")\Big|_{t=0}"),
                            [tx(r"-\frac{N_k}{2} \operatorname{tr}\bigl(" + SGI + D + SGI + D + r"\bigr)"),
                             tx(r"-\frac{N_k}{2} \bigl\| " + SG + "^{-1/2}" + D + SG + r"^{-1/2} \bigr\|_F^2")],
                            reasons=[w("at ", tx(SG + r" = " + SCAT + "/N_k"), " ", Ref("solve_full") if "full"
                                       in self.types else ""),
                                     w(tx(SG + "^{-1/2}"), " is symmetric; cyclic trace")]),
                      w("for every symmetric direction ", tx(D + r" \neq \boldsymbol{0}"),
                        " this is negative: the covariance update is a maximum (for tied, replace ",
                        tx(r"N_k, " + SCAT), " by ", tx(r"N, \sum_k " + SCAT), ")"),
                      "hess_cov", _check_hess_cov())
        if "diag" in self.types or "spherical" in self.types:
            s = var[k, j]
            QD = sp.Sum(gamma[i, k] * (-sp.log(s) / 2 - (x[i, j] - mu[k, j]) ** 2 / (2 * s)), (i, 1, n))
            h = sp.expand(_pull(_split(sp.diff(QD, s, 2))).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k]), deep=False)
            h = _canonical_squares(h)
            at = sp.cancel(_replace_sum(h, sp.Sum(gamma[i, k] * (x[i, j] - mu[k, j]) ** 2, (i, 1, n)), N_[k] * s))
            self.step(Chain(tx(r"\frac{\partial^2 Q}{\partial (\sigma^2_{kj})^2}"), [show(h), show(at)],
                            reasons=[w("SymPy differentiates twice, sums split and factors pulled out"),
                                     w("at the solution ", Ref("solve_diag") if "diag" in self.types else "",
                                       ": ", tx(SI + r" \gamma_{ik}(x_{ij} - \mu_{kj})^2 = N_k \sigma^2_{kj}"))]),
                      w("negative; likewise ", tx(r"-d N_k / (2 \sigma^4_k)"), " for the spherical variance"),
                      "hess_var", _check_hess_var(at))
        self.step(Chain(tx(r"\frac{\partial^2 L}{\partial \pi_k\, \partial \pi_l}"),
                        [tx(r"-\frac{N_k}{\pi_k^2}\, \delta_{kl}")],
                        reasons=[w("differentiate ", Ref("grad_pi"))]),
                  w("a negative diagonal Hessian: ", tx("L"), " is concave in the weights, and the constraint "
                    "is linear, so ", Ref("weights"), " is the maximum on the simplex"),
                  "hess_pi", _check_hess_pi())

    # ---------------------------------------------------------- 11. K-means
    def kmeans(self):
        self.section("11. The K-means limit",
                     "Fix every covariance to ", tx(r"\varepsilon \boldsymbol{I}"), " and let ",
                     tx(r"\varepsilon \to 0"), " (Bishop, section 9.3.2).")
        self.step(Chain(tx(r"\mathcal{N}(\boldsymbol{x} \mid " + MU + r", \varepsilon \boldsymbol{I})"),
                        [tx(r"\frac{1}{(2\pi\varepsilon)^{d/2}} \exp\Bigl(-\frac{\|\boldsymbol{x} - " + MU +
                            r"\|^2}{2\varepsilon}\Bigr)")],
                        reasons=[w(tx(r"|\varepsilon \boldsymbol{I}| = \varepsilon^d"), ", ",
                                   tx(r"(\varepsilon \boldsymbol{I})^{-1} = \boldsymbol{I}/\varepsilon"))]),
                  w("the density ", Ref("gauss"), " with ", tx(r"\boldsymbol{\Sigma} = \varepsilon\boldsymbol{I}")),
                  "km_density", _check_km_density())
        self.step(Chain(tx(r"\gamma_{ik}"),
                        [tx(r"\frac{\pi_k \exp(-D_{ik}/2\varepsilon)}{\sum_{l=1}^{K} \pi_l \exp(-D_{il}/2\varepsilon)}"),
                         tx(r"\frac{1}{1 + \sum_{l \ne k} \frac{\pi_l}{\pi_k} \exp\bigl(-(D_{il} - D_{ik})/2\varepsilon\bigr)}")],
                        reasons=[w(Ref("bayes"), "; ", tx(r"(2\pi\varepsilon)^{-d/2}"), " cancels"),
                                 w("divide by the numerator")]),
                  w("the responsibilities, with ", tx(r"D_{ik} := \|" + X_ + " - " + MU + r"\|^2")),
                  "km_gamma", _check_km_gamma())
        self.step(Chain(tx(r"\lim_{\varepsilon \to 0} \gamma_{ik}"),
                        [tx(r"r_{ik} := \begin{cases} 1 & k = \arg\min_l D_{il} \\ 0 & \text{otherwise} \end{cases}")],
                        reasons=[w("in ", Ref("km_gamma"))]),
                  w("the soft assignment becomes the hard nearest-mean assignment of K-means (ties aside): "
                    "in ", Ref("km_gamma"), " a term with ", tx(r"D_{il} > D_{ik}"), " vanishes, one with ",
                    tx(r"D_{il} < D_{ik}"), " grows without bound"),
                  "km_limit", _check_km_limit())
        self.step(Chain(tx(MU),
                        [tx(r"\frac{" + SI + r" \gamma_{ik} " + X_ + "}{" + SI + r" \gamma_{ik}}"),
                         tx(r"\frac{" + SI + r" r_{ik} " + X_ + "}{" + SI + r" r_{ik}}")],
                        reasons=[w(Ref("solve_mu")), w("as ", tx(r"\varepsilon \to 0"), ", ", Ref("km_limit"))]),
                  w("the mean update becomes the K-means centroid update: the average of the points nearest ",
                    tx(MU)), "km_means", _check_km_means())
        self.step(Chain(tx(r"\lim_{\varepsilon \to 0} \varepsilon\, Q"),
                        [tx(r"-\frac{1}{2} " + SI + " " + SK + r" r_{ik} \|" + X_ + " - " + MU + r"\|^2"),
                         tx(r"-\frac{1}{2} J")],
                        reasons=[w(tx(r"\varepsilon \ln \mathcal{N} \to -D_{ik}/2"), ", ",
                                   tx(r"\varepsilon \ln \pi_k \to 0")),
                                 w("the K-means distortion ", tx("J"))]),
                  w("maximising the expected complete-data log-likelihood becomes minimising the K-means "
                    "distortion"), "km_objective", _check_km_objective())
        header, rows, caption = _km_table()
        self.step(Table(header, rows, caption=caption, align="cc" + "c" * (len(header) - 2)),
                  w("worked: four points on a line, means ", tx(r"\mu_1 = 1, \mu_2 = 3"), ", equal weights; ",
                    tx(r"\gamma_{i1}"), " as ", tx(r"\varepsilon"), " shrinks"),
                  "km_table", _check_km_table())

    # ---------------------------------------------------------------- 12. 1-D
    def one_d(self):
        self.section("12. The one-dimensional case, written out in full",
                     "With ", tx("d = 1"), " every quantity is a number, SymPy differentiates the sums itself, "
                     "and the steps are what a first course does on the board.")
        Qk = sp.Sum(gamma[i, k] * (sp.log(pi_[k]) - sp.log(2 * sp.pi) / 2 - sp.log(var[k]) / 2
                                   - (x[i] - mu[k]) ** 2 / (2 * var[k])), (i, 1, n))
        Q1 = sp.Sum(Qk.function.subs(k, l), (l, 1, K), (i, 1, n))
        self.step(Chain(tx("Q"), [show(Q1)]),
                  w(Ref("Qfull"), " with ", tx(r"d = 1"), ", ", tx(r"\boldsymbol{\Sigma}_k = \sigma^2_k")),
                  "Q_1d", _check_Q_1d(Q1))
        m_lines = [sp.diff(Qk, mu[k])]
        m_lines.append(_pull(m_lines[-1]))
        m_lines.append(_pull(_split_inner(m_lines[-1])))
        m_lines.append(m_lines[-1].subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k]))
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \mu_k}"), [show(e) for e in m_lines],
                        reasons=[w("only ", tx("l = k"), " depends on ", tx(r"\mu_k"), "; SymPy differentiates"),
                                 w(tx(r"1/\sigma^2_k"), " does not depend on ", tx("i")),
                                 w("split the sum, pull out ", tx(r"\mu_k")),
                                 w(tx(r"N_k = " + SI + " " + G))]),
                  w("the derivative with respect to the mean"), "grad_mu_1d",
                  _check_1d_lines(Q1, Qk, mu[k], m_lines))
        sol_m = _solve_scalar(m_lines[-1], mu[k])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \mu_k} = 0"), [show(sp.Eq(mu[k], sol_m))], rel="\\iff",
                        reasons=[w("SymPy solves")]),
                  w("the 1-D mean update"), "solve_mu_1d", _check_solve_1d(m_lines[0], mu[k], sol_m))
        v_lines = _scalar_gradient(Qk, var[k])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_k}"), [show(e) for e in v_lines],
                        reasons=[w("SymPy differentiates under the sum"), w("split the sum"),
                                 w("pull out what does not depend on ", tx("i")), w(tx(r"N_k = " + SI + " " + G))]),
                  w("the derivative with respect to the variance"), "grad_var_1d",
                  _check_1d_lines(Q1, Qk, var[k], v_lines))
        sol_v = _solve_scalar(v_lines[-1], var[k])
        self.step(Chain(tx(r"\frac{\partial Q}{\partial \sigma^2_k} = 0"), [show(sp.Eq(var[k], sol_v))],
                        rel="\\iff", reasons=[w("SymPy solves")]),
                  w("the 1-D variance update, with ", tx(r"\mu_k"), " from ", Ref("solve_mu_1d")),
                  "solve_var_1d", _check_solve_1d(v_lines[0], var[k], sol_v))
        rows = [[tx(r"\gamma_{ik}"), cell(r"\frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \sigma^2_k)}{\sum_{l=1}^{K} "
                                          r"\pi_l \mathcal{N}(x_i \mid \mu_l, \sigma^2_l)}"), "E-step"],
                [tx(r"\mu_k"), cell(sol_m), "M-step"],
                [tx(r"\sigma^2_k"), cell(sol_v), "M-step"],
                [tx(r"\pi_k"), cell(r"\frac{N_k}{N}"), "M-step"]]
        self.step(Table(["quantity", "update", "step"], rows, align="cll"),
                  w("EM in one dimension: alternate the E-step ", Ref("bayes"), " and the M-step updates ",
                    Ref("solve_mu_1d"), ", ", Ref("solve_var_1d"), ", ", Ref("weights")),
                  "em_1d", _check_em_1d(sol_m, sol_v))

    # ---------------------------------------------------------- summary
    def summary(self):
        self.section("13. Summary: one EM iteration",
                     "E-step with the current parameters, then the M-step updates in this order (the "
                     "covariance updates use the new means).")
        rows = [[tx(r"\gamma_{ik}"), cell(r"\frac{\pi_k " + NK + r"}{\sum_{l=1}^{K} \pi_l " + NL + "}"), "all",
                 "(E-step)"],
                [tx(r"\pi_k"), cell(r"\frac{N_k}{N}"), "all", "weights_ (K,)"],
                [tx(MU), cell(r"\frac{1}{N_k} " + SI + " " + G + " " + X_), "all", "means_ (K, d)"]]
        forms = {"full": (tx(SG), cell(r"\frac{1}{N_k} " + SI + " " + G + " " + DEV + DEV + TT), "(K, d, d)"),
                 "tied": (tx(r"\boldsymbol{\Sigma}"), cell(r"\frac{1}{N} " + SK + " " + SI + " " + G + " " + DEV +
                                                            DEV + TT), "(d, d)"),
                 "diag": (tx(r"\sigma^2_{kj}"), cell(r"\frac{1}{N_k} " + SI + " " + G + r" (x_{ij} - \mu_{kj})^2"),
                          "(K, d)"),
                 "spherical": (tx(r"\sigma^2_k"), cell(r"\frac{1}{d N_k} " + SI + " " + G + r" \|" + X_ + " - " + MU +
                                                       r"\|^2"), "(K,)")}
        for t in self.types:
            p, u, shape = forms[t]
            rows.append([p, u, t, f"covariances_ {shape}"])
        self.step(Table(["parameter", "update", "covariance type", "scikit-learn"], rows, align="clll"),
                  w("the derived updates; the JSON answer holds them in the answer syntax"),
                  "summary", _check_summary(self.types))


# ================================================================ moves
def _pull(expr):
    """Pull the factors that do not depend on a sum's index out of every Sum."""
    def one(s):
        ind, dep = s.function.as_independent(*[lim[0] for lim in s.limits], as_Add=False)
        return ind * sp.Sum(dep, *s.limits) if ind != 1 else s
    return expr.replace(lambda e: isinstance(e, sp.Sum), one)


def _split(expr):
    """Split every Sum of a sum of terms into a sum of Sums (products distributed first)."""
    def one(s):
        terms = sp.Add.make_args(sp.expand_mul(s.function))
        if len(terms) == 1:
            return s
        return sp.Add(*[-sp.Sum(-t, *s.limits) if t.could_extract_minus_sign() else sp.Sum(t, *s.limits)
                        for t in terms])
    return expr.replace(lambda e: isinstance(e, sp.Sum), one)


def _split_inner(expr):
    """Split Sums whose function is a product with a sum factor: gamma*(x - mu) -> gamma*x - gamma*mu."""
    return _split(expr)


def _canonical_squares(expr):
    """Write (mu - x)^2 as (x - mu)^2, the way the notes do."""
    def data_negative(base):
        return base.is_Add and any(t.could_extract_minus_sign() and isinstance(-t, sp.Indexed)
                                   and str((-t).base.label) == "x" for t in base.args)
    return expr.replace(lambda e: e.is_Pow and e.exp == 2 and data_negative(e.base),
                        lambda e: sp.Pow(sp.expand(-e.base), 2, evaluate=False))


def _drop_zero_sums(expr):
    """SymPy leaves Sum(0, ...) where a summand does not depend on the variable: drop them."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.function.is_zero, lambda e: sp.Integer(0))


def _replace_sum(expr, target: sp.Sum, value):
    """Replace every Sum equal to ``target`` (same limits, summands equal after expanding) by ``value``."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.limits == target.limits
                        and sp.expand(e.function - target.function) == 0, lambda e: value)


def _scalar_gradient(Qs, v) -> list:
    """SymPy's derivative, then split, pull out, and N_k: the four lines of a scalar gradient."""
    g1 = _drop_zero_sums(sp.diff(Qs, v))
    g2 = _split(g1)
    g3 = _pull(g2)
    g4 = g3.subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    return [g1, g2, g3, g4]


def _opaque_sums(expr):
    sums = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    dummies = [sp.Dummy(f"S{t}") for t in range(len(sums))]
    return expr.subs(dict(zip(sums, dummies))), dict(zip(dummies, sums))


def _solve_scalar(expr, v):
    """Solve expr = 0 for v, the Sums held fixed (opaque)."""
    e, back = _opaque_sums(expr)
    # v is a variance or a mean: a root that makes a denominator vanish (v = 0 for a variance) is excluded
    sols = [s_ for s_ in sp.solve(sp.Eq(e, 0), v, check=False, simplify=False)
            if not (v.is_positive and s_ == 0)]
    if len(sols) != 1:
        raise AssertionError(f"expected one solution for {v}, got {sols}")
    return sp.factor_terms(sols[0].subs(back))


def _zero_with_sums_fixed(expr) -> bool:
    """expr is identically 0 when its Sums are treated as unknowns (equal Sums as the same unknown)."""
    canon = expr.replace(lambda e: isinstance(e, sp.Sum),
                         lambda e: sp.Sum(sp.expand(e.function), *e.limits))
    opaque, _ = _opaque_sums(canon)
    return is_zero(opaque)


def _inst(expr, nv=3, Kv=2, dv=2):
    """Write the sums out term by term for explicit n, K, d (innermost sums first)."""
    def write_out(s):
        f = s.function
        for v, a, b in s.limits:
            f = sp.Add(*[f.xreplace({v: sp.Integer(t)}) for t in range(int(a), int(b) + 1)])
        return f
    return expr.xreplace({n: sp.Integer(nv), K: sp.Integer(Kv), d: sp.Integer(dv)}).replace(
        lambda e: isinstance(e, sp.Sum), write_out)


def _inst_same(a, b, **sizes) -> bool:
    return is_zero(_inst(a, **sizes) - _inst(b, **sizes))


# ================================================================ checks
# Each returns a Check (raises CheckFailed when it does not hold). The explicit
# objects come from derivations.gmm._explicit; sizes are named in the text.

def _check_gauss():
    from ._estep import _pdf_normalised, gaussian_pdf
    xs, ms = sp.symbols("x m", real=True)
    s2 = sp.Symbol("s", positive=True)
    ok1 = is_zero(_gauss(sp.Matrix([xs]), sp.Matrix([ms]), sp.Matrix([[s2 ** 2]])) - gaussian_pdf(xs, ms, s2))
    _pdf_normalised()  # raises unless SymPy integrates the 1-D density to 1
    ok2 = True
    for dim in (2, 3):
        xv, mv = vector("x", dim), vector("m", dim)
        sds = sp.symbols(f"s1:{dim + 1}", positive=True)
        prod = sp.Mul(*[gaussian_pdf(xv[a], mv[a], sds[a]) for a in range(dim)])
        ok2 &= is_zero(sp.expand(sp.expand_log(sp.log(_gauss(xv, mv, sp.diag(*[s ** 2 for s in sds])))
                                               - sp.log(prod), force=True)))
    return checked("d = 1: it is the 1-D normal density, which SymPy integrates to 1; d = 2, 3 with a diagonal "
                   "covariance (symbolic entries): it factorises into 1-D densities", ok1 and ok2)


def _gauss(xv, mv, S):
    dv = xv - mv
    dim = S.rows
    return sp.exp(-(dv.T * S.inv() * dv)[0] / 2) / sp.sqrt((2 * sp.pi) ** dim * S.det())


def _one_hot(Kv):
    return [[1 if a == b else 0 for a in range(Kv)] for b in range(Kv)]


def _check_latent():
    a = sp.symbols("a1:4", positive=True)
    total = sum(sp.Mul(*[a[t] ** z[t] for t in range(3)]) for z in _one_hot(3))
    return checked("K = 3: the sum over the 3 one-hot vectors of prod_k a_k^z_k equals sum_k a_k (symbolic)",
                   is_zero(total - sum(a)))


def _check_complete():
    a = sp.Matrix(2, 2, lambda p, q: sp.Symbol(f"a{p + 1}{q + 1}", positive=True))
    z = sp.Matrix(2, 2, lambda p, q: sp.Symbol(f"z{p + 1}{q + 1}", real=True))
    lhs = sp.expand_log(sp.log(sp.Mul(*[a[p, q] ** z[p, q] for p in range(2) for q in range(2)])), force=True)
    rhs = sum(z[p, q] * sp.log(a[p, q]) for p in range(2) for q in range(2))
    return checked("n = 2, K = 2 with symbolic positive factors: SymPy expands the log of the product to the "
                   "double sum", sp.expand(lhs - rhs) == 0)


def _check_lognormal():
    ok = True
    for dim in (1, 2, 3):
        xv, mv = vector("x", dim), vector("m", dim)
        P = symmetric_matrix("p", dim)  # the inverse covariance
        D = sp.Symbol("D", positive=True)  # |Sigma|
        q = ((xv - mv).T * P * (xv - mv))[0]
        dens = sp.exp(-q / 2) / ((2 * sp.pi) ** sp.Rational(dim, 2) * sp.sqrt(D))
        lhs = sp.expand_log(sp.log(dens), force=True)
        rhs = -sp.Rational(dim, 2) * sp.log(2 * sp.pi) - sp.log(D) / 2 - q / 2
        ok &= sp.expand(sp.expand_log(lhs - rhs, force=True)) == 0
    return checked("d = 1, 2, 3 with symbolic entries: SymPy expands the log of the density to this", ok)


def _check_bayes():
    a = sp.symbols("a1:4", positive=True)  # a_k = pi_k N(x | mu_k, Sigma_k)
    joint = [sp.Mul(*[a[t] ** z[t] for t in range(3)]) for z in _one_hot(3)]
    post = [jt / sum(joint) for jt in joint]
    ok = all(is_zero(post[t] - a[t] / sum(a)) for t in range(3)) and is_zero(sum(post) - 1)
    # numbers: the exact formula on explicit data against numerics.gmm.e_step
    from ._syntax import random_instance
    inst = random_instance(3, 2, 2, seed=5)
    resp = evaluate_update("responsibilities", CANONICAL["responsibilities"], inst)
    from ...numerics.gmm import e_step
    _, oracle = e_step(np.array([[float(v) for v in xv] for xv in inst.X]),
                       np.array([float(v) for v in inst.weights]),
                       np.array([[float(v) for v in m] for m in inst.means]),
                       np.array([[[float(v) for v in S.row(r)] for r in range(S.rows)] for S in inst.covariances]),
                       "full")
    ours = np.array([float(sp.N(v, 30)) for v in resp]).reshape(3, 2)
    ok2 = np.allclose(ours, oracle, rtol=1e-12, atol=0)
    return checked("K = 3 (symbolic): the posterior of the one-hot z from p(z) p(x|z) is this, and the three sum "
                   "to 1; on explicit data (n = 3, d = 2, K = 2) the exact values equal numerics.gmm.e_step "
                   "to 1e-12", ok and ok2)


def _check_Q():
    # n = 2, K = 3: the posterior over (z_1, z_2) factorises; E[ln p] = sum gamma * L
    a = sp.Matrix(2, 3, lambda p, q: sp.Symbol(f"a{p + 1}{q + 1}", positive=True))  # old pi N
    L = sp.Matrix(2, 3, lambda p, q: sp.Symbol(f"L{p + 1}{q + 1}", real=True))    # new ln(pi N)
    total, norm = 0, 0
    for z1, z2 in itertools.product(_one_hot(3), repeat=2):
        weight = sp.Mul(*[a[0, t] ** z1[t] * a[1, t] ** z2[t] for t in range(3)])
        value = sum(z1[t] * L[0, t] + z2[t] * L[1, t] for t in range(3))
        total += weight * value
        norm += weight
    gam = [[a[p, t] / sum(a.row(p)) for t in range(3)] for p in range(2)]
    expected = sum(gam[p][t] * L[p, t] for p in range(2) for t in range(3))
    return checked("n = 2, K = 3: the expectation over the 9 joint configurations of (z_1, z_2) under the "
                   "posterior equals the gamma-weighted sum (symbolic)", is_zero(total / norm - expected))


def _check_Qfull():
    E = explicit(2, 2, 2)
    Q = E.Q_precision()
    direct = sum(E.G[p, q] * sp.log(E.W[q] * sp.sqrt(E.P[q].det()) / (2 * sp.pi) ** sp.Rational(E.d, 2)
                                   * sp.exp(-E.quad(p, q, E.P[q]) / 2))
                 for p in range(E.n) for q in range(E.K))
    ok = sp.expand(sp.expand_log(direct - Q, force=True)) == 0
    return checked("n = 2, d = 2, K = 2 with symbolic entries (precision P_k = Sigma_k^{-1}): equals "
                   "sum_i sum_k gamma_ik ln(pi_k N(x_i | mu_k, Sigma_k))", ok)


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
        ok &= same(_syntax_value("means", E)[q], sol)
    return checked("(a) substituted back, SymPy's gradient of the explicit Q (n = 3, d = 2, K = 2, symbolic) "
                   "vanishes identically; SymPy's solve of that linear system gives the same; the answer "
                   "means = " + CANONICAL["means"] + " evaluates to it", ok)


def _syntax_value(key, E, means=None):
    from ._syntax import Instance
    inst = Instance(E.X, E.G)
    return evaluate_update(key, CANONICAL[key], inst, means=means)


def _check_N():
    f = gamma[i, k]
    a = sp.Sum(sp.Sum(f, (i, 1, n)), (k, 1, K))
    b = sp.Sum(sp.Sum(f, (k, 1, K)), (i, 1, n))
    ok = _inst_same(a, b, nv=3, Kv=3)
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
    ok = all(_inst_same(sp.diff(Lk, pi_[k]), e.subs(N_[k], sp.Sum(gamma[i, k], (i, 1, n))), nv=3)
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
    ok &= same(sp.Matrix(_syntax_value("weights", E)), sp.Matrix([E.Nk(q) / 3 for q in range(3)]))
    return checked("(a) substituted back (K = 3, symbolic N_k), every derivative of L vanishes and the weights "
                   "sum to 1; SymPy's solve of the stationarity and constraint equations gives exactly pi_k = N_k/N, "
                   "lambda = N; the answer weights = " +
                   CANONICAL["weights"] + " evaluates to it (n = 3, rows summing to 1)", ok)


# ---- covariances (explicit matrices; gradients in the d^2 independent entries)
# The objectives are c ln|A| + P(A)/|A| with polynomials c, P. Their entry gradients are
# computed exactly in SymPy's polynomial rings: d ln u = u'/u and the quotient rule give the
# numerator over |A|^2, c |A|' |A| + P' |A| - P |A|', compared as polynomials (fast and exact).
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


def _cov_Q_line(E, q, A, M=None):
    """-1/2 sum_i g_iq (ln|A| + dev^T A^{-1} dev) with a general matrix A (adjugate over determinant)."""
    det, adj = A.det(), A.adjugate()
    return -sum(E.G[p, q] * (sp.log(det) + E.quad(p, q, adj, M) / det) for p in range(E.n)) / 2


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
    means = _syntax_value("means", F)
    full = _syntax_value("full", F, means=means)
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
    means = _syntax_value("means", F)
    tied = _syntax_value("tied", F, means=means)[0]
    ok &= same(tied, (F.scatter(0, means) + F.scatter(1, means)) / 3)
    return checked("(a) substituted back, the gradient vanishes: symbolically for the trace form with symbolic "
                   "B, N in d = 2, 3, and exactly for the explicit objective on seeded rational data (n = 4, "
                   "d = 2, K = 2); the answer tied = " + CANONICAL["tied"] + " evaluates to sum_k S_k / N "
                   "(n = 3, d = 2, K = 2, symbolic, rows summing to 1)", ok)


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
def _explicit_scalar_dQ(E, kind, v):
    """SymPy's derivative of the explicit Q in one variance symbol (built once per process)."""
    Q, _ = _explicit_scalar_Q(E, kind)
    return sp.diff(Q, v)


@functools.lru_cache(maxsize=None)
def _explicit_scalar_Q(E, kind):
    """The explicit Q (n, d, K from E) with diagonal or spherical covariances: symbols v_kj or v_k."""
    if kind == "diag":
        V = [[sp.Symbol(f"v{q + 1}_{a + 1}", positive=True) for a in range(E.d)] for q in range(E.K)]
        covs = [sp.diag(*V[q]) for q in range(E.K)]
    else:
        V = [[sp.Symbol(f"v{q + 1}", positive=True)] for q in range(E.K)]
        covs = [V[q][0] * sp.eye(E.d) for q in range(E.K)]
    return E.Q_covariance(covs), V


def _to_explicit(expr, E, V, kind, q, a=None):
    """Write a Sum/Indexed expression out on E's symbols for component q (and coordinate a)."""
    e = expr.subs({k: q + 1}) if a is None else expr.subs({k: q + 1, j: a + 1})
    e = _inst(e, nv=E.n, Kv=E.K, dv=E.d)
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
    Q, V = _explicit_scalar_Q(E, kind)
    ok = True
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            v = V[q][a if a is not None else 0]
            ok &= is_zero(_explicit_scalar_dQ(E, kind, v) - sp.diff(_to_explicit(Qs, E, V, kind, q, a), v))
    return checked("n = 3, d = 2, K = 2 with symbolic entries: SymPy's derivative of the explicit Q in each "
                   "variance equals that of this sum written out", ok)


def _check_scalar_lines(Qs, v, lines, kind):
    E = explicit(3, 2, 2)
    Q, V = _explicit_scalar_Q(E, kind)
    ok = True
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            vv = V[q][a if a is not None else 0]
            target = _explicit_scalar_dQ(E, kind, vv)
            ok &= all(is_zero(target - _to_explicit(e, E, V, kind, q, a)) for e in lines)
    return checked("n = 3, d = 2, K = 2 with symbolic entries: every line, written out, equals SymPy's "
                   "derivative of the explicit Q", ok)


def _check_solve_scalar(first, v, sol, kind, also_mean=False):
    back = first.subs(v, sol)
    split = _pull(_split(back)).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    ok = _zero_with_sums_fixed(split)
    E = explicit(3, 2, 2)
    Q, V = _explicit_scalar_Q(E, kind)
    vals = _syntax_value(kind, E, means=E.M)
    for q in range(2):
        for a in (range(2) if kind == "diag" else [None]):
            vv = V[q][a if a is not None else 0]
            value = _to_explicit(sol, E, V, kind, q, a)
            ok &= is_zero(_explicit_scalar_dQ(E, kind, vv).subs(vv, value))
            ok &= is_zero(value - (vals[q][a] if kind == "diag" else vals[q]))
    if also_mean:
        diag = _syntax_value("diag", E, means=E.M)
        full = _syntax_value("full", E, means=E.M)
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
    Q, V = _explicit_scalar_Q(E, "diag")
    ok = True
    for q in range(2):
        for a in range(2):
            vv = V[q][a]
            sol = sum(E.G[p, q] * (E.X[p][a] - E.M[q][a]) ** 2 for p in range(3)) / E.Nk(q)
            h = sp.diff(Q, vv, 2).subs(vv, sol)
            ok &= is_zero(h - _to_explicit(at, E, V, "diag", q, a).subs(vv, sol))
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
        ok &= is_zero(sp.expand(sp.expand_log(sp.log(_gauss(xv, mv, e * sp.eye(dim))) - sp.log(
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
    header = [tx("x_i"), "nearest"] + [tx(r"\gamma_{i1},\ \varepsilon = " + sp.latex(e)) for e in _KM_EPS] + \
             [tx(r"r_{i1}")]
    rows = []
    for xv in _KM_POINTS:
        nearest = 1 if abs(xv - 1) < abs(xv - 3) else 2
        rows.append([tx(sp.sstr(sp.Rational(xv)))] + [tx(r"\mu_%d" % nearest)] +
                    [decimal(float(sp.N(_km_gamma1(xv, e), 30))) for e in _KM_EPS] + [1 if nearest == 1 else 0])
    caption = w("the responsibilities harden to the nearest-mean assignment; the new means are ",
                tx(r"\mu_1 \to \frac{0 + 3/2}{2} = \frac{3}{4}"), " and ",
                tx(r"\mu_2 \to \frac{5/2 + 4}{2} = \frac{13}{4}"))
    return header, rows, caption


def _check_km_table():
    from ...numerics.gmm import e_step
    X = np.array([[float(v)] for v in _KM_POINTS])
    ok = True
    for e in _KM_EPS:
        _, resp = e_step(X, np.array([0.5, 0.5]), np.array([[1.0], [3.0]]), np.array([float(e)] * 2), "spherical")
        ours = [float(sp.N(_km_gamma1(v, e), 30)) for v in _KM_POINTS]
        ok &= bool(np.allclose(ours, resp[:, 0], rtol=1e-12, atol=1e-300))
    R = [1 if abs(v - 1) < abs(v - 3) else 0 for v in _KM_POINTS]
    ok &= sum(v * rr for v, rr in zip(_KM_POINTS, R)) / sum(R) == sp.Rational(3, 4)
    return checked("each cell equals numerics.gmm.e_step (spherical, variance epsilon) to 1e-12; the centroids "
                   "recomputed exactly", ok)


# ---- 1-D
def _check_Q_1d(Q1):
    E = explicit(2, 1, 2)
    s = [sp.Symbol(f"v{q + 1}", positive=True) for q in range(2)]
    Qe = E.Q_covariance([sp.Matrix([[sv]]) for sv in s])
    written = _inst(Q1, nv=2, Kv=2)
    rep = {x[p + 1]: E.X[p][0] for p in range(2)}
    rep.update({gamma[p + 1, q + 1]: E.G[p, q] for p in range(2) for q in range(2)})
    rep.update({mu[q + 1]: E.M[q][0] for q in range(2)})
    rep.update({var[q + 1]: s[q] for q in range(2)})
    rep.update({pi_[q + 1]: E.W[q] for q in range(2)})
    return checked("n = 2, K = 2: written out, it equals the d-dimensional Q with d = 1 (symbolic)",
                   is_zero(sp.expand_log(written.xreplace(rep) - Qe, force=True)))


def _check_1d_lines(Q1, Qk, v, lines):
    # SymPy's derivative of the whole double sum, written out, equals each line written out
    ok = True
    for q in (1, 2):
        target = sp.diff(_inst(Q1, nv=3, Kv=2), v.subs(k, q))
        back = {N_[q]: sp.Sum(gamma[i, q], (i, 1, n))}
        ok &= all(is_zero(target - _inst(e.subs(k, q).subs(back), nv=3, Kv=2)) for e in lines)
    return checked("n = 3, K = 2: every line, written out, equals SymPy's derivative of the written-out double "
                   "sum", ok)


def _check_solve_1d(first, v, sol):
    back = first.subs(v, sol)
    e = _pull(_split(back)).subs(sp.Sum(gamma[i, k], (i, 1, n)), N_[k])
    ok = _zero_with_sums_fixed(e)
    inst = _inst(first.subs(v, sol).subs(N_[k], sp.Sum(gamma[i, k], (i, 1, n))), nv=3)
    ok &= is_zero(inst)
    return checked("(a) substituted back, the derivative vanishes: symbolically (sums held fixed) and written out "
                   "for n = 3", ok)


def _check_em_1d(sol_m, sol_v):
    from ...numerics.gmm import m_step
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
            m_val = float(_inst(sol_m.subs(k, q + 1), nv=nv).xreplace(rep).subs(N_[q + 1], Nq))
            rep[mu[q + 1]] = m_val
            v_val = float(_inst(sol_v.subs(k, q + 1), nv=nv).xreplace(rep).subs(N_[q + 1], Nq))
            ok &= bool(np.isclose(m_val, means[q, 0], rtol=1e-10) and np.isclose(v_val, covs[q], rtol=1e-10))
            ok &= bool(np.isclose(Nq / nv, weights[q], rtol=1e-10))
    return checked("the derived 1-D updates, evaluated on 5 random data sets (n = 6, K = 2), equal "
                   "numerics.gmm.m_step (d = 1) to 1e-10", ok)


def _check_summary(types):
    from ...numerics.gmm import e_step, m_step
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
        _, r_num = e_step(Xf, np.array([float(v) for v in inst.weights]),
                          np.array([[float(v) for v in m] for m in inst.means]),
                          np.array([np.array(S.tolist(), dtype=float) for S in inst.covariances]), "full")
        ok &= np.allclose(np.array([float(sp.N(v, 30)) for v in resp]).reshape(r_num.shape), r_num, rtol=1e-10)
    return checked("(b) the updates of the JSON answer, evaluated exactly on seeded random data (n = 5, d = 2, "
                   "K = 2 and n = 6, d = 3, K = 3), equal numerics.gmm.m_step and e_step to 1e-10", bool(ok))
