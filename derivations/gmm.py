r"""Gaussian mixtures by EM, worked and derived.

The E-step by Bayes' rule: for a point :math:`x` and a mixture
:math:`p(x) = \sum_k \pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)`, the
responsibility of component :math:`k` is the posterior of the latent
indicator,

.. math::

    \gamma_k(x) = p(z = k \mid x)
      = \frac{\pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)}
             {\sum_j \pi_j \mathcal N(x \mid \mu_j, \sigma_j^2)}.
"""
from __future__ import annotations

import functools
from typing import Sequence

import numpy as np
import sympy as sp

from derivations.exact import parse_number, significant, to_float
from derivations.markup import Tex
from derivations.result import Chain, Display, Given, InlineMath, Result, Step, checked, words

__all__ = ["estep", "gaussian_pdf", "demo_examples"]

x_, mu_, sigma_ = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)


def gaussian_pdf(x, mu, sigma) -> sp.Expr:
    r"""The 1-D normal density :math:`\frac{1}{\sigma\sqrt{2\pi}} e^{-(x-\mu)^2 / (2\sigma^2)}`."""
    return sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * sp.sqrt(2 * sp.pi))


def estep(x, weights: Sequence, means: Sequence, sds: Sequence) -> Result:
    r"""Work the responsibilities of a 1-D Gaussian mixture for one point.

    Parameters
    ----------
    x : number
        The point (int, fraction string such as ``"1/2"``, decimal, or SymPy).
    weights : sequence of K numbers
        Mixing weights :math:`\pi_k > 0`, summing to exactly 1.
    means : sequence of K numbers
        Component means :math:`\mu_k`.
    sds : sequence of K numbers
        Component standard deviations :math:`\sigma_k > 0`.

    Returns
    -------
    Result
        Steps: Bayes' rule, each density, each numerator, the evidence, each
        responsibility (exact and to 6 significant digits), their sum. Answer
        keys: ``responsibilities`` (K), ``densities`` (K), ``weighted_densities``
        (K), ``evidence``.
    """
    x = parse_number(x, what="--x")
    weights = _numbers(weights, "--weights")
    means = _numbers(means, "--means")
    sds = _numbers(sds, "--sds")
    K = len(weights)
    for name, seq in (("--means", means), ("--sds", sds)):
        if len(seq) != K:
            raise ValueError(f"{name}: {len(seq)} values given, but --weights has {K}; give one per component")
    for k, w in enumerate(weights):
        if w <= 0:
            raise ValueError(f"--weights: item {k + 1} is {w}; mixing weights must be positive")
    if sum(weights) != 1:
        raise ValueError(f"--weights: the weights sum to {sum(weights)}, expected exactly 1")
    for k, s in enumerate(sds):
        if s <= 0:
            raise ValueError(f"--sds: item {k + 1} is {s}; a standard deviation must be positive")

    pi = [sp.Symbol(f"pi_{k + 1}") for k in range(K)]
    gamma = [sp.Symbol(f"gamma_{k + 1}") for k in range(K)]
    dens = [gaussian_pdf(x, m, s) for m, s in zip(means, sds)]
    num = [w * d for w, d in zip(weights, dens)]
    evidence = sp.Add(*num)
    resp = [_log_odds_form(num, k) for k in range(K)]

    pdf = gaussian_pdf(x_, mu_, sigma_)
    steps = [
        Step(Display(InlineMath(
            Tex(r"\gamma_k(x) = p(z = k \mid x) = \frac{\pi_k\, \mathcal{N}(x \mid \mu_k, \sigma_k^2)}"
                r"{\sum_{j=1}^{K} \pi_j\, \mathcal{N}(x \mid \mu_j, \sigma_j^2)}"),
            "gamma_k(x) = p(z=k | x) = pi_k N(x | mu_k, sigma_k^2) / sum_j pi_j N(x | mu_j, sigma_j^2)")),
            why=words("Bayes' rule: the posterior of the latent component z is prior times likelihood "
                      "over the evidence, the sum of the same over all components"),
            label="bayes"),
        Step(Chain(InlineMath(Tex(r"\mathcal{N}(x \mid \mu, \sigma^2)"), "N(x | mu, sigma^2)"),
                   [InlineMath(Tex(r"\frac{1}{\sigma\sqrt{2\pi}} \exp\!\left(-\frac{(x - \mu)^2}{2\sigma^2}\right)"),
                               "1/(sigma sqrt(2 pi)) exp(-(x - mu)^2 / (2 sigma^2))")]),
             why=words("the normal density"),
             check=_pdf_normalised(),
             label="pdf"),
    ]
    from scipy.stats import norm
    for k in range(K):
        scipy_value = float(weights[k]) * norm.pdf(float(x), float(means[k]), float(sds[k]))
        steps.append(Step(
            Chain(InlineMath(Tex(r"\pi_{%d}\, \mathcal{N}(x \mid \mu_{%d}, \sigma_{%d}^2)" % (k + 1, k + 1, k + 1)),
                             f"pi_{k + 1} N(x | mu_{k + 1}, sigma_{k + 1}^2)"),
                  [_substituted(weights[k], x, means[k], sds[k]), num[k], sp.Float(significant(num[k]), 6)]),
            why=words(f"component {k + 1}: substitute ", sp.Eq(x_, x), ", ",
                      sp.Eq(pi[k], weights[k]), ", ", sp.Eq(sp.Symbol(f"mu_{k + 1}"), means[k]), ", ",
                      sp.Eq(sp.Symbol(f"sigma_{k + 1}"), sds[k])),
            check=checked("equals scipy.stats.norm.pdf times the weight to 1e-12 relative",
                          np.isclose(to_float(num[k]), scipy_value, rtol=1e-12, atol=0)),
            label=f"numerator_{k + 1}"))
    steps.append(Step(
        Chain(InlineMath(Tex(r"p(x) = \sum_{j=1}^{%d} \pi_j\, \mathcal{N}(x \mid \mu_j, \sigma_j^2)" % K),
                         f"p(x) = sum_j pi_j N(x | mu_j, sigma_j^2)"),
              [evidence, sp.Float(significant(evidence), 6)]),
        why=words("the evidence: the sum of the numerators"),
        check=checked("the sum re-added in floats agrees to 1e-12 relative",
                      np.isclose(sum(to_float(n) for n in num), to_float(evidence), rtol=1e-12, atol=0)),
        label="evidence"))

    oracle = _numeric_responsibilities(x, weights, means, sds)
    for k in range(K):
        steps.append(Step(
            Chain(gamma[k], [_over(num[k], evidence), resp[k], sp.Float(significant(resp[k]), 6)]),
            why=words(f"responsibility of component {k + 1}: numerator over evidence; dividing through "
                      f"by the numerator gives the log-odds form"),
            check=checked("symbolically equal to numerator/evidence, and equal to numerics.gmm.e_step "
                          "(log-space) to 1e-12",
                          sp.simplify(resp[k] - num[k] / evidence) == 0
                          and np.isclose(to_float(resp[k]), oracle[k], rtol=1e-12, atol=1e-300)),
            label=f"gamma_{k + 1}"))
    total = sp.Add(*gamma)
    steps.append(Step(
        Chain(total, [sp.Add(*resp), sp.Integer(1)]),
        why=words("the responsibilities of a point sum to 1"),
        check=checked("SymPy simplifies the sum minus 1 to 0", sp.simplify(sp.Add(*resp) - 1) == 0),
        label="sum"))

    givens = [Given(x_, x)]
    givens += [Given(sp.Symbol(f"pi_{k + 1}"), weights[k]) for k in range(K)]
    givens += [Given(sp.Symbol(f"mu_{k + 1}"), means[k]) for k in range(K)]
    givens += [Given(sp.Symbol(f"sigma_{k + 1}"), sds[k]) for k in range(K)]
    return Result(
        kind="gmm.estep",
        title=f"E-step of a {K}-component 1-D Gaussian mixture by Bayes' rule",
        givens=givens,
        steps=steps,
        answer={"responsibilities": resp, "densities": dens, "weighted_densities": num,
                "evidence": evidence},
        sources={"responsibilities": "gamma_1",
                 **{f"responsibilities[{k}]": f"gamma_{k + 1}" for k in range(K)},
                 "densities": "pdf", "weighted_densities": "numerator_1",
                 **{f"weighted_densities[{k}]": f"numerator_{k + 1}" for k in range(K)},
                 "evidence": "evidence"},
    )


@functools.lru_cache(maxsize=None)
def _pdf_normalised():
    """The density integrates to 1 (the same symbolic check for every input: run once)."""
    pdf = gaussian_pdf(x_, mu_, sigma_)
    return checked("SymPy integrates it to 1 over the real line",
                   sp.simplify(sp.integrate(pdf, (x_, -sp.oo, sp.oo)) - 1) == 0)


def _numbers(values, what: str) -> list[sp.Rational]:
    if isinstance(values, str):
        from derivations.exact import parse_number_list
        return parse_number_list(values, what=what)
    return [parse_number(v, what=f"{what} item {i + 1}") for i, v in enumerate(values)]


def _log_odds_form(num: list, k: int) -> sp.Expr:
    """gamma_k as 1 / (1 + sum_j num_j/num_k), or SymPy's simplest form if shorter."""
    ratios = sp.Add(*[sp.powsimp(sp.simplify(num[j] / num[k]), combine="exp")
                      for j in range(len(num)) if j != k])
    log_odds = 1 / (1 + ratios)
    plain = sp.simplify(num[k] / sp.Add(*num))
    return plain if sp.count_ops(plain) < sp.count_ops(log_odds) else log_odds


def _over(a, b) -> InlineMath:
    """a / b written as a fraction, unevaluated (SymPy would cancel it)."""
    return InlineMath(Tex(r"\frac{%s}{%s}" % (sp.latex(a), sp.latex(b))), f"({sp.sstr(a)}) / ({sp.sstr(b)})")


def _substituted(w, x, m, s) -> InlineMath:
    """pi N(x | mu, sigma^2) with the numbers written in, unevaluated."""
    lx, lw, ls = (sp.latex(v) for v in (x, w, s))
    lm = sp.latex(m) if m >= 0 else r"\left(%s\right)" % sp.latex(m)
    ls2 = ls if s.is_integer and s > 0 else r"\left(%s\right)" % ls
    tex = (r"%s \cdot \frac{1}{%s\sqrt{2\pi}}\, \exp\!\left(-\frac{(%s - %s)^2}{2 \cdot %s^2}\right)"
           % (lw, ls, lx, lm, ls2))
    text = f"{w} * 1/({s}*sqrt(2*pi)) * exp(-({x} - {m if m >= 0 else f'({m})'})^2/(2*{s}^2))"
    return InlineMath(Tex(tex), text)


def _numeric_responsibilities(x, weights, means, sds) -> np.ndarray:
    """The independent oracle: numerics.gmm.e_step with 1-D spherical components."""
    from numerics.gmm import e_step
    X = np.array([[float(x)]])
    _, resp = e_step(X, np.array([float(w) for w in weights]), np.array([[float(m)] for m in means]),
                     np.array([float(s) ** 2 for s in sds]), "spherical")
    return resp[0]


def demo_examples() -> list:
    """The course's examples for ``workedout demo``."""
    from derivations.demo import Example
    return [
        Example("gmm-estep", lambda: estep(2, ["1/2", "1/2"], [0, 1], [1, 1])),
        Example("gmm-estep-unequal", lambda: estep("1/2", ["1/3", "2/3"], [0, 2], [1, "1/2"])),
    ]
