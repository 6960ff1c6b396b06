r"""The E-step worked: responsibilities of one point by Bayes' rule, exactly.

For a point :math:`x` and a mixture
:math:`p(x) = \sum_k \pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)` (or
:math:`\mathcal N(x \mid \mu_k, \Sigma_k)` in d dimensions), the
responsibility of component :math:`k` is the posterior of the latent
indicator,

.. math::

    \gamma_k(x) = p(z = k \mid x)
      = \frac{\pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)}
             {\sum_j \pi_j \mathcal N(x \mid \mu_j, \sigma_j^2)}.
"""
from __future__ import annotations

import functools
import math
from decimal import Decimal
from typing import Sequence

import sympy as sp

from ...numerics import limits
from ...numerics.gmm import COVARIANCE_TYPES
from ...numerics.gmm._point import e_step_point, log_gaussian_density
from ..exact import parse_number, to_float
from ..shown import (atom_tex, atom_text, decimal, exact_fraction, is_short, read_shown, read_shown_list, tex_of,
                     text_of, validate_digits)
from ..markup import Tex
from ..result import Chain, Display, Given, InlineMath, Result, Step, checked, words
from ._check import estep_checker, estep_problem_1d, estep_problem_nd
from ._density import NORMAL_DENSITY_INTEGRATES_TO_ONE, gaussian_pdf, gaussian_pdf_nd

__all__ = ["estep", "gaussian_pdf", "gaussian_pdf_nd"]

x_, mu_, sigma_ = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)


def estep(x, weights: Sequence, means: Sequence, sds: Sequence | None = None, *,
          variances: Sequence | None = None, covariances=None, covariance_type: str = "full",
          normalize_weights: bool = False, digits: int = 4) -> Result:
    r"""Work the responsibilities of a Gaussian mixture for one point.

    The 1-D form takes ``sds`` or ``variances``; the d-dimensional form takes
    ``covariances`` (and then ``x`` is a d-vector and ``means`` K d-vectors).

    Parameters
    ----------
    x : number, or sequence of d numbers
        The point (int, fraction string such as ``"1/2"``, decimal, or SymPy;
        in d dimensions a list or a string ``"[1, 2]"``). A decimal typed as
        ``"3.19"`` is shown as 3.19 (the arithmetic is exact).
    weights : sequence of K numbers
        Mixing weights :math:`\pi_k > 0`, summing to exactly 1 (or any
        positive sum with ``normalize_weights``).
    means : sequence of K numbers, or K x d
        Component means :math:`\mu_k` (``"[[0, 0], [1, 1]]"`` in d dimensions).
    sds : sequence of K numbers, optional
        Component standard deviations :math:`\sigma_k > 0` (1-D form); exact
        roots such as ``"sqrt(2)"`` are accepted.
    variances : sequence of K numbers, optional
        Component variances :math:`\sigma_k^2 > 0` instead of ``sds`` (1-D).
    covariances : array-like, optional
        Symmetric positive definite covariances in scikit-learn's shape for
        ``covariance_type``: full (K, d, d), tied (d, d), diag (K, d),
        spherical (K,) (d-dimensional form; a string such as
        ``"[[[1, 0], [0, 1]], [[2, 0], [0, 2]]]"`` is read exactly).
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
    normalize_weights : bool, default False
        Divide the weights by their sum (weights printed rounded, such as
        0.33, 0.33, 0.35); a note says so. Without it a sum other than 1 is
        an error.
    digits : int, default 4
        Significant digits of every decimal shown; the exact values and the
        JSON are unaffected.

    Returns
    -------
    Result
        Steps: Bayes' rule, each density, each weighted density, the
        evidence, each responsibility (as decimals to ``digits`` digits, the
        exact form beside when short), their sum. Answer keys, in the order
        they are computed: ``densities`` (K), ``weighted_densities`` (K),
        ``evidence``, ``responsibilities`` (K), all exact.
        Its ``check`` diagnoses a student's answer (:mod:`._check`): what
        follows from an earlier wrong value, and the misconceptions of
        :data:`~._check.ESTEP_CATALOGUE`.
    """
    digits = validate_digits(digits)
    if covariances is not None:
        if sds is not None or variances is not None:
            raise ValueError(f"{'sds' if sds is not None else 'variances'}: give either sds or variances (1-D) "
                             "or covariances (d dimensions), not both")
        return _estep_nd(x, weights, means, covariances, covariance_type, normalize_weights, digits)
    if sds is not None and variances is not None:
        raise ValueError("variances: give either sds or variances, not both")
    if sds is None and variances is None:
        raise ValueError("sds: missing; give sds or variances (1-D) or covariances (d dimensions)")
    if isinstance(x, str) and x.strip().startswith("["):
        raise ValueError("x: a vector needs covariances (the d-dimensional form); sds is for 1-D points")
    x, x_shown = read_shown(x, what="x")
    if not x.is_Rational:
        raise ValueError(f"x: {x} is not a rational number; give an integer, a decimal or a fraction")
    weights, w_shown = read_shown_list(weights, what="weights")
    means, m_shown = read_shown_list(means, what="means")
    scale_name = "sds" if sds is not None else "variances"
    scales, s_shown = read_shown_list(sds if sds is not None else variances, what=scale_name)
    K = len(weights)
    _require_components(K)
    for name, seq in (("means", means), (scale_name, scales)):
        if len(seq) != K:
            raise ValueError(f"{name}: {len(seq)} values given, but weights has {K}; give one per component")
    for k, w in enumerate(weights):
        if not w.is_Rational:
            raise ValueError(f"weights: item {k + 1} is {w}; a mixing weight is a rational number")
        if w <= 0:
            raise ValueError(f"weights: item {k + 1} is {w}; mixing weights must be positive")
    for k, m in enumerate(means):
        if not m.is_Rational:
            raise ValueError(f"means: item {k + 1} is {m}; give an integer, a decimal or a fraction")
    for k, s in enumerate(scales):
        if s <= 0:
            raise ValueError(f"{scale_name}: item {k + 1} is {s_shown[k]}; a "
                             f"{'standard deviation' if sds is not None else 'variance'} must be positive")
    notes = []
    weights, w_shown = _normalised(weights, w_shown, normalize_weights, notes, digits)
    sds_ = scales if sds is not None else [sp.sqrt(v) for v in scales]

    gamma = [sp.Symbol(f"gamma_{k + 1}") for k in range(K)]
    for k, (m, s) in enumerate(zip(means, sds_)):
        _require_exponent_digits((x - m) ** 2 / (2 * s ** 2), k)
    dens = [gaussian_pdf(x, m, s) for m, s in zip(means, sds_)]
    num = [w * d for w, d in zip(weights, dens)]
    evidence = sp.Add(*num)
    resp = [_log_odds_form(num, k) for k in range(K)]
    dec = functools.lru_cache(maxsize=None)(lambda v: decimal(v, digits))  # each value is shown several times

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
    for k in range(K):
        c = k + 1
        density_lhs = InlineMath(Tex(r"\mathcal{N}(x \mid \mu_{%d}, \sigma_{%d}^2)" % (c, c)),
                                 f"N(x | mu_{c}, sigma_{c}^2)")
        float_density = _float_density(x, means[k], sds_[k])
        given = [", ", sp.Eq(sp.Symbol(f"mu_{c}"), m_shown[k]), ", ",
                 sp.Eq(sp.Symbol(f"sigma_{c}"), s_shown[k]) if sds is not None else _variance_given(c, s_shown[k])]
        steps.append(Step(
            Chain(density_lhs, [_substituted(x_shown, m_shown[k], s_shown[k], variance=sds is None),
                                *([dens[k]] if is_short(dens[k]) else []), dec(dens[k])]),
            why=words(f"component {c}: substitute ", sp.Eq(x_, x_shown), *given),
            check=checked(f"equals {_FLOAT_DENSITY} to 1e-12 relative",
                          _close(to_float(dens[k]), float_density)),
            label=f"density_{c}"))
        steps.append(Step(
            Chain(InlineMath(Tex(r"\pi_{%d}\, \mathcal{N}(x \mid \mu_{%d}, \sigma_{%d}^2)" % (c, c, c)),
                             f"pi_{c} N(x | mu_{c}, sigma_{c}^2)"),
                  [*([num[k]] if is_short(num[k]) else []), dec(num[k])],
                  reasons=[*([None] if is_short(num[k]) else []),
                           words(InlineMath(Tex(r"%s \times %s" % (tex_of(w_shown[k]), tex_of(dec(dens[k])))),
                                            f"{text_of(w_shown[k])} * {text_of(dec(dens[k]))}"))]),
            why=words(f"component {c}: weight times density, ", sp.Eq(sp.Symbol(f"pi_{c}"), w_shown[k])),
            check=checked(f"equals {_FLOAT_DENSITY} times the weight to 1e-12 relative",
                          _close(to_float(num[k]), float(weights[k]) * float_density)),
            label=f"numerator_{c}"))
    added = " + ".join(text_of(dec(n)) for n in num)
    steps.append(Step(
        Chain(InlineMath(Tex(r"p(x) = \sum_{j=1}^{%d} \pi_j\, \mathcal{N}(x \mid \mu_j, \sigma_j^2)" % K),
                         "p(x) = sum_j pi_j N(x | mu_j, sigma_j^2)"),
              [*([evidence] if is_short(evidence) else []), dec(evidence)],
              reasons=[*([None] if is_short(evidence) else []),
                       words(InlineMath(Tex(" + ".join(tex_of(dec(n)) for n in num)), added))]),
        why=words("the evidence: the sum of the weighted densities"),
        check=checked("the sum re-added in floats agrees to 1e-12 relative",
                      _close(math.fsum(to_float(n) for n in num), to_float(evidence))),
        label="evidence"))

    faithful = _floats_resolve(x, means, sds_)
    oracle = _numeric_responsibilities(x, weights, means, sds_) if faithful else None
    for k in range(K):
        ratio = (r"\frac{%s}{%s}" % (tex_of(dec(num[k])), tex_of(dec(evidence))),
                 f"{text_of(dec(num[k]))} / {text_of(dec(evidence))}")
        steps.append(Step(
            Chain(gamma[k], [*([resp[k]] if is_short(resp[k]) else []), dec(resp[k])],
                  reasons=[*([words("dividing through by the numerator")] if is_short(resp[k]) else []),
                           words(InlineMath(Tex(ratio[0]), ratio[1]))]),
            why=words(f"responsibility of component {k + 1}: weighted density over evidence"),
            check=checked("exactly equal to numerator/evidence (1/gamma and evidence/numerator expand to the "
                          "same terms), and " + (f"equal to {_FLOAT_ESTEP} to 1e-12" if faithful else
                          "not compared with numerics.gmm.e_step: in 64-bit floats the squared distances "
                          "(x - mu_k)^2 lose the differences that decide the answer"),
                          _verified_responsibility(resp[k], num, k)
                          and (not faithful or _close(to_float(resp[k]), oracle[k], atol=1e-300))),
            label=f"gamma_{k + 1}"))
    total = sp.Add(*gamma)
    steps.append(Step(
        Chain(total, [*([sp.Add(*resp)] if all(is_short(r) for r in resp) else []), sp.Integer(1)],
              reasons=[None] * (1 if all(is_short(r) for r in resp) else 0)
              + [words(InlineMath(Tex(" + ".join(tex_of(dec(r)) for r in resp)),
                                  " + ".join(text_of(dec(r)) for r in resp)), " to the digits shown")]),
        why=words("the responsibilities of a point sum to 1"),
        check=checked("each responsibility is exactly its numerator over the evidence (checked above), and the "
                      "numerators add up to the evidence term by term",
                      all(_verified_responsibility(r, num, k) for k, r in enumerate(resp))
                      and sp.expand(sp.Add(*num) - evidence) == 0),
        label="sum"))

    givens = [Given(x_, x_shown)]
    givens += [Given(sp.Symbol(f"pi_{k + 1}"), w_shown[k]) for k in range(K)]
    givens += [Given(sp.Symbol(f"mu_{k + 1}"), m_shown[k]) for k in range(K)]
    givens += [Given(sp.Symbol(f"sigma_{k + 1}") if sds is not None else _variance_name(k + 1), s_shown[k])
               for k in range(K)]
    return Result(
        kind="gmm.estep",
        title=f"E-step of a {K}-component 1-D Gaussian mixture by Bayes' rule",
        givens=givens,
        steps=steps,
        notes=notes,
        answer={"densities": dens, "weighted_densities": num, "evidence": evidence,
                "responsibilities": resp},
        sources={"responsibilities": "gamma_1",
                 **{f"responsibilities[{k}]": f"gamma_{k + 1}" for k in range(K)},
                 "densities": "density_1",
                 **{f"densities[{k}]": f"density_{k + 1}" for k in range(K)},
                 "weighted_densities": "numerator_1",
                 **{f"weighted_densities[{k}]": f"numerator_{k + 1}" for k in range(K)},
                 "evidence": "evidence"},
        checker=estep_checker(estep_problem_1d(x, weights, means, sds_)),
    )


def _variance_name(c: int) -> InlineMath:
    sub = str(c).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    return InlineMath(Tex(r"\sigma_{%d}^2" % c), f"σ{sub}²")


def _variance_given(c: int, value) -> InlineMath:
    name = _variance_name(c)
    return InlineMath(Tex(f"{name.tex} = {tex_of(value)}"), f"{name.text} = {text_of(value)}")


def _normalised(weights, shown, normalize: bool, notes: list, digits: int):
    """The weights, divided by their sum when asked; an error suggesting it when they do not sum to 1."""
    total = sum(weights, sp.Integer(0))
    if total == 1:
        return weights, shown
    typed = ", ".join(text_of(v) for v in shown)
    as_decimal = any(isinstance(v, sp.Float) for v in shown) and not exact_fraction(total)
    total_text = str(Decimal(int(total.p)) / Decimal(int(total.q))) if as_decimal else sp.sstr(total)
    if not normalize:
        raise ValueError(f"weights: the weights sum to {total_text} ({' + '.join(text_of(v) for v in shown)}), "
                         "expected exactly 1; if they are "
                         "printed rounded, use --normalize-weights (Python: normalize_weights=True) to divide "
                         "them by their sum")
    out = [w / total for w in weights]
    notes.append(f"The weights {typed} sum to {total_text}, not 1 (printed rounded?): each is divided by their "
                 "sum (normalize weights), giving " + ", ".join(sp.sstr(w) for w in out) + ".")
    return out, out


@functools.lru_cache(maxsize=None)
def _pdf_normalised():
    """The density integrates to 1: a fixed fact, the same for every input, proved once in the test suite.

    Integrating it here took most of a second of every ``gmm estep``; the step cites the proof
    (:data:`~._density.NORMAL_DENSITY_INTEGRATES_TO_ONE`), and checks that the density shown is the
    very expression the test integrates.
    """
    return checked(f"SymPy integrates it to 1 over the real line ({NORMAL_DENSITY_INTEGRATES_TO_ONE})",
                   gaussian_pdf(x_, mu_, sigma_)
                   == sp.exp(-(x_ - mu_) ** 2 / (2 * sigma_ ** 2)) / (sigma_ * sp.sqrt(2 * sp.pi)))


#: The float twins of the exact values: one point's E-step in log space with the standard library
#: (:mod:`workedout.numerics.gmm._point`), independent of SymPy and far lighter than scipy.stats or the
#: engine (whose own agreement with it is tested in tests/test_latency_imports.py).
_FLOAT_DENSITY = "numerics.gmm.log_gaussian_density (floats, exponentiated)"
_FLOAT_ESTEP = "numerics.gmm.e_step_point (log-space, floats)"


def _float_density(x, mean, sd) -> float:
    """The 1-D normal density in floats, from its logarithm (0.0 where it underflows)."""
    return math.exp(log_gaussian_density([float(x)], [float(mean)], [[float(sd) ** 2]]))


def _close(a: float, b: float, *, atol: float = 0.0) -> bool:
    """``a`` agrees with ``b`` to 1e-12 relative (numpy's ``isclose`` rule, without numpy)."""
    return abs(a - b) <= atol + 1e-12 * abs(b)


def _numbers(values, what: str) -> list[sp.Rational]:
    if isinstance(values, str):
        from ..exact import parse_number_list
        return parse_number_list(values, what=what)
    return [parse_number(v, what=f"{what} item {i + 1}") for i, v in enumerate(values)]


def _log_odds_form(num: list, k: int) -> sp.Expr:
    """gamma_k as 1 / (1 + sum_j num_j/num_k).

    Each ratio num_j/num_k is a constant times one exponential, which SymPy's
    automatic evaluation already combines (exp(a)/exp(b) = exp(a - b)); no
    ``simplify`` is needed. ``simplify`` used to be called here and in the
    checks: with a tiny standard deviation (exp(-500000)), a point far out
    (x = 1e6) or 30 components it ran for minutes deciding signs by
    ever more precise numerics.
    """
    ratios = sp.Add(*[sp.powsimp(num[j] / num[k], combine="exp") for j in range(len(num)) if j != k])
    return 1 / (1 + ratios)


def _verified_responsibility(gamma: sp.Expr, num: list, k: int) -> bool:
    """``gamma == num[k] / sum(num)`` exactly, without ``simplify``.

    1/gamma expanded is 1 + sum_j num_j/num_k; so is sum(num)/num[k] expanded,
    term by term, by SymPy's exact automatic evaluation. A form that is not
    term-by-term equal falls back to ``simplify`` on hand-sized inputs only.
    """
    difference = sp.expand(1 / gamma) - sp.expand(sp.Add(*num) / num[k])
    if difference == 0:
        return True
    if len(num) <= 4 and all(_exponent_size(n) <= 1000 for n in num):
        return sp.simplify(gamma - num[k] / sp.Add(*num)) == 0
    return False


def _exponent_size(expr: sp.Expr) -> sp.Rational:
    """The largest |a| over the exp(a) in ``expr`` (0 when there is none)."""
    sizes = [abs(e.exp) for e in expr.atoms(sp.exp) if e.exp.is_number] if expr.has(sp.exp) else []
    return max(sizes, default=sp.Integer(0))


def _over(a, b) -> InlineMath:
    """a / b written as a fraction, unevaluated (SymPy would cancel it)."""
    return InlineMath(Tex(r"\frac{%s}{%s}" % (sp.latex(a), sp.latex(b))), f"({sp.sstr(a)}) / ({sp.sstr(b)})")


def _substituted(x, m, s, *, variance: bool = False) -> InlineMath:
    """N(x | mu, sigma^2) with the numbers written in as given, unevaluated (``s`` a variance when ``variance``)."""
    lm = atom_tex(m) if not (isinstance(m, (sp.Integer, sp.Float)) and m >= 0) else tex_of(m)
    tm = atom_text(m)
    if variance:
        tex = (r"\frac{1}{\sqrt{2\pi \cdot %s}}\, \exp\!\left(-\frac{(%s - %s)^2}{2 \cdot %s}\right)"
               % (atom_tex(s), tex_of(x), lm, atom_tex(s)))
        text = f"1/sqrt(2*pi*{atom_text(s)}) * exp(-({text_of(x)} - {tm})^2/(2*{atom_text(s)}))"
    else:
        tex = (r"\frac{1}{%s\sqrt{2\pi}}\, \exp\!\left(-\frac{(%s - %s)^2}{2 \cdot %s^2}\right)"
               % (atom_tex(s), tex_of(x), lm, atom_tex(s, base=True)))
        text = f"1/({atom_text(s)}*sqrt(2*pi)) * exp(-({text_of(x)} - {tm})^2/(2*{atom_text(s)}^2))"
    return InlineMath(Tex(tex), text)


_ENGINE = "workedout.numerics.gmm (e_step) computes the responsibilities in floating point"


def _require_components(K: int) -> None:
    limits.require("components", K, what="gmm estep: --weights gives this many components", engine=_ENGINE)


def _require_exponent_digits(exponent: sp.Rational, k: int) -> None:
    """The exponent (x - mu)^2 / (2 sigma^2) of exp(-...) is shown and evaluated: bound its digits."""
    if exponent.is_Rational:
        size = max(len(str(abs(exponent.p))), len(str(exponent.q))) if max(abs(exponent.p), exponent.q) < 10 ** 4000 \
            else 4001
        limits.require("digits", size, what=f"gmm estep: the exponent (x - mu_{k + 1})^2/(2 sigma_{k + 1}^2) of "
                       f"component {k + 1}", engine=_ENGINE)


def _floats_resolve(x, means, sds) -> bool:
    """Whether 64-bit floats keep the exponents' differences (x = 1e20 with means 0 and 1 does not)."""
    exact = [(x - m) ** 2 / (2 * s ** 2) for m, s in zip(means, sds)]
    try:
        approx = [(float(x) - float(m)) ** 2 / (2 * float(s) ** 2) for m, s in zip(means, sds)]
    except (OverflowError, ZeroDivisionError):
        return False
    if not all(math.isfinite(a) for a in approx):
        return False
    for j in range(1, len(exact)):
        gap = to_float(exact[j] - exact[0])
        if not abs((approx[j] - approx[0]) - gap) <= 1e-6 * max(1.0, abs(gap)):
            return False
    return True


def _numeric_responsibilities(x, weights, means, sds) -> list[float]:
    """The independent oracle: one point's E-step in log space, in floats (:func:`e_step_point`)."""
    _, resp, _ = e_step_point([float(x)], [float(w) for w in weights], [[float(m)] for m in means],
                              [[[float(s) ** 2]] for s in sds])
    return resp


# ====================================================================== d-dim
def _array(value, what: str, depth: int) -> list:
    from ..exact import parse_number_array
    if isinstance(value, str):
        text = value.strip()
        if depth == 1 and not text.startswith("["):
            from ..exact import parse_number_list
            return parse_number_list(text, what=what)
        return parse_number_array(text, what=what, depth=depth)
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):  # an array, without importing numpy
        value = value.tolist()
    if depth == 0:
        return parse_number(value, what=what)
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{what}: expected a list, got {value!r}")
    out = [_array(v, f"{what} item {i + 1}", depth - 1) for i, v in enumerate(value)]
    if depth > 1 and len({len(v) for v in out}) > 1:
        raise ValueError(f"{what}: the rows have different lengths")
    return out


def _row(v: sp.Matrix) -> str:
    return "[" + ", ".join(sp.sstr(e) for e in v) + "]"


def _rows(M: sp.Matrix) -> str:
    return "[" + ", ".join(_row(M.row(r)) for r in range(M.rows)) + "]"


def _full_covariances(covariances, covariance_type: str, K: int, d: int) -> list[sp.Matrix]:
    shapes = {"full": 3, "tied": 2, "diag": 2, "spherical": 1}
    if covariance_type not in shapes:
        raise ValueError(f"covariance_type: {covariance_type!r} is not a covariance type; expected one of "
                         f"{', '.join(COVARIANCE_TYPES)}")
    arr = _array(covariances, "covariances", shapes[covariance_type])
    expected = {"full": f"{K} matrices of {d} x {d}", "tied": f"one {d} x {d} matrix",
                "diag": f"{K} lists of {d} variances", "spherical": f"{K} variances"}[covariance_type]
    def bad():
        return ValueError(f"covariances: for covariance type {covariance_type} give {expected} "
                          f"(scikit-learn's shape), e.g. " + {
                              "full": "[[[1,0],[0,1]], [[2,0],[0,2]]]", "tied": "[[1,0],[0,1]]",
                              "diag": "[[1,1], [2,2]]", "spherical": "[1, 2]"}[covariance_type])
    if covariance_type == "full":
        if len(arr) != K or any(len(m) != d or any(len(r) != d for r in m) for m in arr):
            raise bad()
        mats = [sp.Matrix(m) for m in arr]
    elif covariance_type == "tied":
        if len(arr) != d or any(len(r) != d for r in arr):
            raise bad()
        mats = [sp.Matrix(arr)] * K
    elif covariance_type == "diag":
        if len(arr) != K or any(len(r) != d for r in arr):
            raise bad()
        mats = [sp.diag(*r) for r in arr]
    else:
        if len(arr) != K:
            raise bad()
        mats = [v * sp.eye(d) for v in arr]
    for k, M in enumerate(mats):
        where = f"item {k + 1}" if covariance_type != "tied" else "the matrix"
        if M != M.T:
            raise ValueError(f"covariances: {where} is not symmetric; a covariance matrix is symmetric")
        minors = [M[:m, :m].det() for m in range(1, d + 1)]
        if any(v <= 0 for v in minors):
            raise ValueError(f"covariances: {where} is not positive definite (a leading minor is "
                             f"{next(v for v in minors if v <= 0)}); a covariance must be positive definite")
    return mats


def _estep_nd(x, weights, means, covariances, covariance_type, normalize_weights=False, digits=4) -> Result:
    xv = _array(x, "x", 1)
    d = len(xv)
    if isinstance(weights, str) and weights.strip().startswith("["):
        weights = weights.strip()[1:-1] if weights.strip().endswith("]") else weights
    weights, w_shown = read_shown_list(weights, what="weights")
    if not all(w.is_Rational for w in weights):
        raise ValueError("weights: a mixing weight is a rational number")
    K = len(weights)
    _require_components(K)
    limits.require("columns", d, what="gmm estep: --x has this many coordinates",
                   engine="workedout.numerics.gmm (e_step) computes the responsibilities in floating point")
    mus = _array(means, "means", 2)
    if len(mus) != K or any(len(m) != d for m in mus):
        raise ValueError(f"means: expected {K} means of {d} coordinates (one per weight, as long as x), "
                         f"got {len(mus)} of {len(mus[0]) if mus else 0}")
    for k, w_ in enumerate(weights):
        if w_ <= 0:
            raise ValueError(f"weights: item {k + 1} is {w_}; mixing weights must be positive")
    notes = []
    weights, w_shown = _normalised(weights, w_shown, normalize_weights, notes, digits)
    covs = _full_covariances(covariances, covariance_type, K, d)
    X = sp.Matrix(xv)
    M = [sp.Matrix(m) for m in mus]

    from ._notation import tex
    B = r"\boldsymbol"
    steps = [
        Step(Display(tex(r"\gamma_k(" + B + r"{x}) = p(z = k \mid " + B + r"{x}) = \frac{\pi_k\, \mathcal{N}(" + B +
                        r"{x} \mid " + B + r"{\mu}_k, " + B + r"{\Sigma}_k)}{\sum_{j=1}^{K} \pi_j\, \mathcal{N}(" + B +
                        r"{x} \mid " + B + r"{\mu}_j, " + B + r"{\Sigma}_j)}")),
             why=words("Bayes' rule: the posterior of the latent component is prior times likelihood over the "
                       "evidence"), label="bayes"),
        Step(Display(tex(r"\mathcal{N}(" + B + r"{x} \mid " + B + r"{\mu}, " + B + r"{\Sigma}) = \frac{1}{(2\pi)^{d/2}"
                        r" |" + B + r"{\Sigma}|^{1/2}} \exp\!\Bigl(-\frac{1}{2} (" + B + r"{x} - " + B + r"{\mu})^{"
                        r"\mathsf T} " + B + r"{\Sigma}^{-1} (" + B + r"{x} - " + B + r"{\mu})\Bigr)")),
             why=words("the d-dimensional normal density"), label="pdf"),
    ]
    dens, num = [], []
    for k in range(K):
        dev = X - M[k]
        inv = covs[k].inv()
        det = covs[k].det()
        q = (dev.T * inv * dev)[0]
        dk = gaussian_pdf_nd(X, M[k], covs[k])
        nk_ = weights[k] * dk
        float_value = float(weights[k]) * math.exp(log_gaussian_density(
            [float(v) for v in xv], [float(v) for v in mus[k]], _float_matrix(covs[k])))
        steps.append(Step(
            Chain(tex(r"(" + B + r"{x} - " + B + r"{\mu}_{%d})^{\mathsf T} " % (k + 1) + B + r"{\Sigma}_{%d}^{-1} (" %
                     (k + 1) + B + r"{x} - " + B + r"{\mu}_{%d})" % (k + 1)),
                  [InlineMath(Tex(sp.latex(dev.T) + sp.latex(inv) + sp.latex(dev)),
                              f"{_row(dev)} {_rows(inv)} {_row(dev)}ᵀ"), q],
                  reasons=[words(tex(r"|" + B + r"{\Sigma}_{%d}| = %s" % (k + 1, sp.latex(det)))), None]),
            why=words(f"component {k + 1}: the squared Mahalanobis distance of x from its mean"),
            check=checked("recomputed with the adjugate over the determinant",
                          _exactly_zero(q - (dev.T * covs[k].adjugate() * dev)[0] / det)),
            label=f"quad_{k + 1}"))
        steps.append(Step(
            Chain(tex(r"\pi_{%d}\, \mathcal{N}(" % (k + 1) + B + r"{x} \mid " + B + r"{\mu}_{%d}, " % (k + 1) + B +
                     r"{\Sigma}_{%d})" % (k + 1)),
                  [tex(r"%s \cdot \frac{1}{\sqrt{(2\pi)^{%d} \cdot %s}} \exp\!\Bigl(-\frac{1}{2} \cdot %s\Bigr)"
                      % (sp.latex(weights[k]), d, sp.latex(det), sp.latex(q))), nk_, decimal(nk_, digits)]),
            why=words(f"component {k + 1}: weight times density"),
            check=checked(f"equals {_FLOAT_DENSITY} times the weight to 1e-12 relative",
                          _close(to_float(nk_), float_value)),
            label=f"numerator_{k + 1}"))
        dens.append(dk)
        num.append(nk_)
    evidence = sp.Add(*num)
    steps.append(Step(
        Chain(tex(r"p(" + B + r"{x}) = \sum_{j=1}^{%d} \pi_j\, \mathcal{N}(" % K + B + r"{x} \mid " + B + r"{\mu}_j, " +
                 B + r"{\Sigma}_j)"), [evidence, decimal(evidence, digits)]),
        why=words("the evidence: the sum of the numerators"),
        check=checked("the sum re-added in floats agrees to 1e-12 relative",
                      _close(math.fsum(to_float(v) for v in num), to_float(evidence))),
        label="evidence"))
    _, oracle, _ = e_step_point([float(v) for v in xv], [float(w_) for w_ in weights],
                                [[float(v) for v in m] for m in mus], [_float_matrix(C) for C in covs])
    resp = [_log_odds_form(num, k) for k in range(K)]
    gamma = [sp.Symbol(f"gamma_{k + 1}") for k in range(K)]
    for k in range(K):
        steps.append(Step(
            Chain(gamma[k], [_over(num[k], evidence), resp[k], decimal(resp[k], digits)]),
            why=words(f"responsibility of component {k + 1}: numerator over evidence"),
            check=checked("exactly equal to numerator/evidence (1/gamma and evidence/numerator expand to the "
                          f"same terms), and equal to {_FLOAT_ESTEP} to 1e-12",
                          _verified_responsibility(resp[k], num, k)
                          and _close(to_float(resp[k]), oracle[k], atol=1e-300)),
            label=f"gamma_{k + 1}"))
    steps.append(Step(Chain(sp.Add(*gamma), [sp.Add(*resp), sp.Integer(1)]),
                      why=words("the responsibilities of a point sum to 1"),
                      check=checked("each responsibility is exactly its numerator over the evidence (checked "
                                    "above), and the numerators add up to the evidence term by term",
                                    all(_verified_responsibility(r, num, k) for k, r in enumerate(resp))
                                    and sp.expand(sp.Add(*num) - evidence) == 0),
                      label="sum"))
    givens = [Given(tex(r"\boldsymbol{x}"), tuple(xv))]
    givens += [Given(sp.Symbol(f"pi_{k + 1}"), w_shown[k]) for k in range(K)]
    givens += [Given(tex(r"\boldsymbol{\mu}_{%d}" % (k + 1)), tuple(mus[k])) for k in range(K)]
    givens += [Given(tex(r"\boldsymbol{\Sigma}_{%d}" % (k + 1)), covs[k]) for k in range(K)]
    return Result(
        kind="gmm.estep",
        title=f"E-step of a {K}-component Gaussian mixture in {d} dimensions by Bayes' rule",
        givens=givens, steps=steps, notes=notes,
        answer={"densities": dens, "weighted_densities": num, "evidence": evidence, "responsibilities": resp},
        sources={"responsibilities": "gamma_1", **{f"responsibilities[{k}]": f"gamma_{k + 1}" for k in range(K)},
                 "densities": "pdf", "weighted_densities": "numerator_1",
                 **{f"weighted_densities[{k}]": f"numerator_{k + 1}" for k in range(K)}, "evidence": "evidence"},
        checker=estep_checker(estep_problem_nd(X, weights, M, covs)))


def _float_matrix(M: sp.Matrix) -> list[list[float]]:
    return [[to_float(v) for v in M.row(r)] for r in range(M.rows)]


def _exactly_zero(difference: sp.Expr) -> bool:
    """``difference == 0`` for exact numbers; ``simplify`` only when it is not already a plain zero or
    nonzero rational (entries such as sqrt(2))."""
    if difference == 0:
        return True
    if difference.is_Rational:
        return False
    return sp.simplify(difference) == 0
