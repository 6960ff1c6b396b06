r"""Checking a student's E-step and M-step: the root cause, what follows from it, the misconception.

The E-step is a chain (densities, weighted densities, the evidence, the
responsibilities) and so is the M-step (:math:`N_k`, the weights, the means,
the covariances). :func:`estep_checker` and :func:`mstep_checker` build the
:class:`~workedout.derivations.check.Checker` of a worked result: each
location named in the student's terms (``responsibility of component 2``,
``covariance of component 2, entry (1, 2)``), and a ``diagnose`` that

* recomputes every dependent value from the student's own earlier values,
  with the worked solution's exact arithmetic (a decimal counts as the value
  it is): a wrong value equal to that recomputation, to the digits the student
  gave plus what the rounding of those earlier values moves it (first order),
  *follows* from the earlier wrong one (errors carried forward);
* recomputes with each catalogued wrong rule (:data:`ESTEP_CATALOGUE`,
  :data:`MSTEP_CATALOGUE`), from the givens and from the student's own earlier
  values, and names every rule that reproduces a wrong value.

Nothing is guessed from the size of an error: a rule is named only where the
value it gives equals the student's. ``old-mean`` for full covariances without
the previous means is the one fitted rule: the student's covariance minus the
right one must be :math:`v v^\top` (the excess of a scatter about another
centre is rank one); :math:`v` is read from one column and every other entry
must then agree.

The readings of ``sd-as-variance``: in 1-D, sigma taken as the variance,
sigma^2 taken as the standard deviation, sigma in the exponent or sigma^2 in
the normalising constant; in d dimensions, each variance taken as a standard
deviation (Sigma^2), a diagonal Sigma's entries taken as standard deviations,
or |Sigma| in front instead of its square root. ``log-density``: log N, and
pi_k log N or log pi_k + log N as the numerators. ``divide-by-n`` has no
tied form (the tied update divides by N); ``unbiased`` for tied divides by
N - 1 or N - K; ``unweighted`` divides by N_k or by N.

Marks: one per value (the core's default). A full or tied covariance's entry
below the diagonal that repeats the student's own entry above it follows from
that entry (a symmetric matrix is computed once).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from ..check import Checker, Findings, Misconception, scalar_reason, words_text
from ..exact import parse_expression, parse_number

__all__ = ["Checker", "ESTEP_CATALOGUE", "MSTEP_CATALOGUE", "estep_checker", "mstep_checker", "derive_subject",
           "EStepProblem", "MStepProblem"]

# ================================================================ catalogues
ESTEP_CATALOGUE: tuple[Misconception, ...] = (
    Misconception("sd-as-variance",
                  "Sigma and sigma^2 were confused: N(x | mu, sigma^2) has 2 sigma^2 in the exponent and "
                  "sigma sqrt(2 pi) in front; a covariance matrix already holds variances.", "pdf"),
    Misconception("missing-prior",
                  "The mixing weights were left out: the numerator is pi_k times the density.", "bayes"),
    Misconception("unnormalised",
                  "The numerators were not divided by the evidence p(x), so the responsibilities do not "
                  "sum to 1.", "bayes"),
    Misconception("log-density",
                  "Log-densities were used as densities: Bayes' rule needs the densities themselves "
                  "(exp of the log-densities).", "pdf"),
)

MSTEP_CATALOGUE: tuple[Misconception, ...] = (
    Misconception("divide-by-n",
                  "Divided by N, the number of points, instead of N_k, the component's effective number "
                  "of points.", "mu_1"),
    Misconception("old-mean",
                  "The covariance was centred at the previous mean instead of the new one computed just "
                  "before.", "cov_1"),
    Misconception("unbiased",
                  "Divided by N_k - 1 (the unbiased sample covariance) instead of N_k, as the "
                  "maximum-likelihood update does.", "cov_1"),
    Misconception("unweighted",
                  "The responsibilities were ignored: each point counts with its weight gamma_ik in the "
                  "sums.", "mu_1"),
    Misconception("raw-second-moment",
                  "No mean was subtracted: the covariance sums gamma_ik (x_i - mu_k)(x_i - mu_k)^T, not "
                  "gamma_ik x_i x_i^T.", "cov_1"),
    Misconception("equal-weights",
                  "The components' covariances were averaged with equal weights: the tied covariance pools "
                  "the scatters, sum_k N_k Sigma_k / N.", "cov"),
)


# ============================================================ shared helpers
def _value(raw) -> sp.Expr | None:
    """A student's value as the exact number it is (a decimal as written), or None when unreadable."""
    if raw is None or isinstance(raw, (bool, list, dict)):
        return None
    try:
        if isinstance(raw, str):
            try:
                return parse_number(raw.strip())
            except ValueError:
                return parse_expression(raw.strip())
        return parse_number(raw)
    except (ValueError, TypeError):
        return None


def _same(value, raw) -> bool:
    """The student's ``raw`` equals ``value`` to the digits given (at least 3 significant)."""
    if value is None or raw is None:
        return False
    try:
        if isinstance(value, sp.Basic) and (value.is_finite is False or value.has(sp.nan, sp.zoo)):
            return False
        if not math.isfinite(float(value)):   # beyond a float: scalar_reason's tolerance would be infinite
            return False
        return scalar_reason(value, raw) is None
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        return False


class _Recomp:
    """A value recomputed from the student's own values: ``fn(*args)``, each arg rounded by ``units``.

    A student who rounds an intermediate value and carries on from the
    unrounded one writes a result that differs from the recomputation from the
    rounded value by what that rounding moves it: the match allows for it (to
    first order), so that an answer rounded at every step is judged fairly,
    and an exact answer is compared exactly.
    """

    def __init__(self, fn: Callable, args, units):
        self.fn, self.args, self.units = fn, tuple(args), tuple(units)
        try:
            self.value = fn(*self.args)
        except (ZeroDivisionError, ArithmeticError, TypeError):
            self.value = None

    def matches(self, raw) -> bool:
        if self.value is None or raw is None:
            return False
        if _same(self.value, raw):
            return True
        own = _half_unit(raw)
        if not any(self.units) or not own:
            return False
        try:
            base = [float(v) for v in self.args]
            e = float(self.fn(*base))
            spread = 0.0
            for i, u in enumerate(self.units):
                if u:
                    moved = list(base)
                    moved[i] += u
                    spread += abs(float(self.fn(*moved)) - e)
            return abs(float(_value(raw)) - e) <= (own + spread) * (1 + 1e-9)
        except (ZeroDivisionError, ArithmeticError, TypeError, ValueError):
            return False


def _matches(candidate, raw) -> bool:
    if isinstance(candidate, _Recomp):
        return candidate.matches(raw)
    return _same(candidate, raw)


def _exact(candidate):
    return candidate.value if isinstance(candidate, _Recomp) else candidate


class _Answer:
    """The student's normalised answer read by location: raw values, exact values, discrepancies."""

    def __init__(self, findings: Findings):
        self.findings = findings
        self.given = findings.given
        exact = self.given.get("exact")
        self.exact = exact if isinstance(exact, dict) else {}
        self.ecf: dict = {}   # path -> the right rule applied to the student's own earlier values

    @staticmethod
    def _walk(obj, path):
        for p in path:
            if isinstance(p, int):
                if not isinstance(obj, (list, tuple)) or p >= len(obj):
                    return None
            elif not isinstance(obj, dict) or p not in obj:
                return None
            obj = obj[p]
        return obj

    def raw(self, path: tuple):
        v = self._walk(self.given, path)
        if v is None or isinstance(v, (list, dict)):
            v = self._walk(self.exact, path)
        return None if isinstance(v, (list, dict)) else v

    def value(self, path: tuple):
        return _value(self.raw(path))

    def unit(self, path: tuple) -> float:
        """Half a unit in the last digit of the student's value at ``path`` (0 when exact or not given)."""
        raw = self.raw(path)
        return (_half_unit(raw, min_digits=1) or 0.0) if raw is not None else 0.0

    def wrong(self, path: tuple) -> str | None:
        """The location of the discrepancy at ``path`` (plain or under ``exact``), None where it agrees."""
        loc = _loc(path)
        for where in (loc, f"exact.{loc}"):
            if self.findings.at(where) is not None:
                return where
        return None

    def follows(self, path: tuple, upstream: str | None, recomputed) -> bool:
        """Mark ``path`` as following from ``upstream`` when it is wrong and equals ``recomputed``."""
        self.ecf[path] = recomputed
        loc = self.wrong(path)
        if loc is None or upstream is None:
            return False
        if _matches(recomputed, self.raw(path)):
            self.findings.follows(loc, upstream)
            return True
        return False


def _loc(path: tuple) -> str:
    head, *rest = path
    return head + "".join(f"[{i}]" for i in rest)


def _first(*locs):
    return next((loc for loc in locs if loc), None)


def _name_where(answer: _Answer, mid: str, candidates: dict, found: dict, *, stage: bool = False) -> None:
    """Collect ``mid`` for every wrong location whose student value equals the wrong rule's value there.

    ``stage``: the wrong rule applied to the student's own earlier values. A
    value that the right rule already gives from those values follows from
    them (equal weights make "weights left out" harmless in the
    responsibilities): the stage rule explains nothing there and is not named.
    """
    for path, values in candidates.items():
        loc = answer.wrong(path)
        if loc is None:
            continue
        raw = answer.raw(path)
        if stage and path in answer.ecf and _matches(answer.ecf[path], raw):
            continue
        if any(v is not None and _exact(v) is not None and _matches(v, raw) for v in values):
            found.setdefault(loc, []).append(mid)


def _apply_names(findings: Findings, result, found: dict, cite: Callable[[str, str], str | None]) -> None:
    """Name the collected misconceptions and cite, per location, the step whose rule was broken."""
    for loc, ids in found.items():
        for mid in dict.fromkeys(ids):
            findings.name(mid, [loc])
        label = cite(loc.removeprefix("exact."), ids[0])
        d = findings.at(loc)
        if label and d is not None:
            try:
                n = result.step_number(label)
            except KeyError:
                continue
            d.step = n
            d.step_why = words_text(dict(result.numbered_steps())[n].why, result)


def _guarded(diagnose: Callable) -> Callable:
    """A diagnosis that a student's outlandish number (1e400, a zero N_k) cannot crash: the report stands
    without it (every difference stays a root)."""
    def run(findings: Findings, result) -> None:
        try:
            diagnose(findings, result)
        except (ArithmeticError, ValueError, TypeError):
            for d in findings.found:
                d.cause, d.follows_from = "root", None
    return run


def _add(candidates: dict, path: tuple, value) -> None:
    candidates.setdefault(path, []).append(value)


# ==================================================================== E-step
@dataclass
class EStepProblem:
    """The givens of an E-step: weights and each component's density, right and by the wrong rules.

    ``density(k, rule)`` gives component k's density by ``rule`` (``"right"``,
    ``"log"`` or one of the sd-as-variance readings).
    """

    weights: list
    density: Callable[[int, str], sp.Expr]
    sd_rules: tuple[str, ...]
    K: int = field(init=False)

    def __post_init__(self):
        self.K = len(self.weights)


def estep_problem_1d(x, weights, means, sds) -> EStepProblem:
    """The 1-D E-step: sigma read as a variance, or sigma^2 where sigma belongs (in part or whole)."""
    from ._density import gaussian_pdf

    def density(k, rule):
        m, s = means[k], sds[k]
        if rule == "right":
            return gaussian_pdf(x, m, s)
        if rule == "log":
            return sp.expand_log(sp.log(gaussian_pdf(x, m, s)), force=True)
        if rule == "variance-read-as-sd":      # N(x | mu, sigma): sigma taken as the variance
            return gaussian_pdf(x, m, sp.sqrt(s))
        if rule == "sd-squared-again":         # sigma^2 used as the standard deviation
            return gaussian_pdf(x, m, s ** 2)
        if rule == "exponent-sigma":           # sigma in the exponent instead of sigma^2
            return sp.exp(-(x - m) ** 2 / (2 * s)) / (s * sp.sqrt(2 * sp.pi))
        if rule == "normaliser-sigma2":        # sigma^2 in the normalising constant
            return sp.exp(-(x - m) ** 2 / (2 * s ** 2)) / (s ** 2 * sp.sqrt(2 * sp.pi))
        raise KeyError(rule)
    return EStepProblem(list(weights), density,
                        ("variance-read-as-sd", "sd-squared-again", "exponent-sigma", "normaliser-sigma2"))


def estep_problem_nd(X, weights, means, covs) -> EStepProblem:
    """The d-dimensional E-step: a variance read as a standard deviation (Sigma^2), or |Sigma| without the root."""
    from ._density import gaussian_pdf_nd

    def density(k, rule):
        C = covs[k]
        if rule == "right":
            return gaussian_pdf_nd(X, means[k], C)
        if rule == "log":
            return sp.expand_log(sp.log(gaussian_pdf_nd(X, means[k], C)), force=True)
        if rule == "variance-read-as-sd":       # each variance taken as a standard deviation: Sigma^2
            return gaussian_pdf_nd(X, means[k], C * C)
        if rule == "sd-read-as-variance":       # the matrix square root taken: entries' roots on a diagonal
            if not C.is_diagonal():
                return None
            return gaussian_pdf_nd(X, means[k], C.applyfunc(sp.sqrt))
        if rule == "determinant-without-root":  # |Sigma| where |Sigma|^(1/2) belongs
            dev = X - means[k]
            q = (dev.T * C.inv() * dev)[0]
            return sp.exp(-q / 2) / (sp.sqrt((2 * sp.pi) ** C.rows) * C.det())
        raise KeyError(rule)
    return EStepProblem(list(weights), density,
                        ("variance-read-as-sd", "sd-read-as-variance", "determinant-without-root"))


def estep_checker(problem: EStepProblem) -> Checker:
    """The checker of a worked E-step: subjects, and the diagnosis over densities -> evidence -> responsibilities."""
    return Checker(subject=_estep_subject, diagnose=_guarded(lambda f, r: _estep_diagnose(problem, f, r)),
                   catalogue=ESTEP_CATALOGUE)


def _estep_subject(location: str) -> str:
    import re
    m = re.fullmatch(r"(\w+)\[(\d+)\]", location)
    if m:
        k = int(m.group(2)) + 1
        return {"responsibilities": f"responsibility of component {k}",
                "densities": f"density of component {k}",
                "weighted_densities": f"weighted density of component {k} (pi_{k} times its density)",
                }.get(m.group(1), location)
    return {"evidence": "the evidence p(x)", "responsibilities": "the responsibilities (how many)",
            "densities": "the densities (how many)",
            "weighted_densities": "the weighted densities (how many)"}.get(location, location)


def _estep_diagnose(problem: EStepProblem, findings: Findings, result) -> None:
    a = _Answer(findings)
    K, w = problem.K, problem.weights
    right = [problem.density(k, "right") for k in range(K)]

    # ---- errors carried forward: each value from the student's own earlier values, in the worked order.
    # dens/num/evidence: the student's value where given, else the recomputation (what they would have used);
    # u_*: its rounding; taint_*: the first wrong given value it depends on.
    dens, u_d, taint_d = [], [], []
    for k in range(K):
        v = a.value(("densities", k))
        dens.append(v if v is not None else right[k])
        u_d.append(a.unit(("densities", k)))
        taint_d.append(a.wrong(("densities", k)))
    num, u_n, taint_n = [], [], []
    for k in range(K):
        rec = _Recomp(lambda v, wk=w[k]: wk * v, [dens[k]], [u_d[k]])
        a.follows(("weighted_densities", k), taint_d[k], rec)
        v = a.value(("weighted_densities", k))
        num.append(v if v is not None else rec.value)
        u_n.append(a.unit(("weighted_densities", k)) if v is not None else float(w[k]) * u_d[k])
        taint_n.append(a.wrong(("weighted_densities", k)) if v is not None else taint_d[k])
    rec = _Recomp(lambda *v: sum(v[1:], v[0]), num, u_n)
    a.follows(("evidence",), _first(*taint_n), rec)
    v = a.value(("evidence",))
    evidence = v if v is not None else rec.value
    u_e = a.unit(("evidence",)) if v is not None else sum(u_n)
    taint_e = a.wrong(("evidence",)) if v is not None else _first(*taint_n)
    for k in range(K):
        a.follows(("responsibilities", k), _first(taint_n[k], taint_e),
                  _Recomp(lambda p_, q_: p_ / q_, [num[k], evidence], [u_n[k], u_e]))

    # ---- the misconceptions: each wrong rule recomputed, whole chain from the givens and stage by stage
    found: dict = {}

    def chain(mid, dens_w, weighted=None):
        if any(d is None for d in dens_w):
            return
        nums = weighted if weighted is not None else [w[k] * dens_w[k] for k in range(K)]
        ev = sp.Add(*nums)
        cand: dict = {}
        for k in range(K):
            _add(cand, ("densities", k), dens_w[k])
            _add(cand, ("weighted_densities", k), nums[k])
            if ev != 0:
                _add(cand, ("responsibilities", k), nums[k] / ev)
        _add(cand, ("evidence",), ev)
        _name_where(a, mid, cand, found)

    for rule in problem.sd_rules:
        chain("sd-as-variance", [problem.density(k, rule) for k in range(K)])
    logs = [problem.density(k, "log") for k in range(K)]
    chain("log-density", logs)
    chain("log-density", logs, [sp.log(w[k]) + logs[k] for k in range(K)])   # log pi + log N
    chain("missing-prior", right, list(right))
    # stage by stage, from the student's own values
    stage: dict = {}
    for k in range(K):
        _add(stage, ("weighted_densities", k), _Recomp(lambda v: v, [dens[k]], [u_d[k]]))
    _add(stage, ("evidence",), _Recomp(lambda *v: sum(v[1:], v[0]), dens, u_d))
    for k in range(K):
        _add(stage, ("responsibilities", k),
             _Recomp(lambda *v, k=k: v[k] / sum(v[1:], v[0]), dens, u_d))
    _name_where(a, "missing-prior", stage, found, stage=True)
    unnorm = {("responsibilities", k): [_Recomp(lambda v: v, [num[k]], [u_n[k]]), w[k] * right[k]]
              for k in range(K)}
    _name_where(a, "unnormalised", unnorm, found, stage=True)

    _apply_names(findings, result, found, lambda loc, mid: None)


# ==================================================================== M-step
@dataclass
class MStepProblem:
    """The givens of an M-step and its right values (exact)."""

    X: list              # n points, each a d x 1 sp.Matrix
    R: sp.Matrix         # n x K responsibilities
    type: str
    nk: list
    N: sp.Expr
    mu: list             # K d x 1 matrices
    previous: list | None = None   # K d x 1 matrices, or None
    labels: set = field(default_factory=set)

    @property
    def n(self):
        return len(self.X)

    @property
    def d(self):
        return self.X[0].rows

    @property
    def K(self):
        return self.R.cols


def mstep_checker(problem: MStepProblem) -> Checker:
    """The checker of a worked M-step: subjects, and the diagnosis over N_k -> weights -> means -> covariances."""
    return Checker(subject=lambda loc: _mstep_subject(problem.type, loc),
                   diagnose=_guarded(lambda f, r: _mstep_diagnose(problem, f, r)), catalogue=MSTEP_CATALOGUE)


def _mstep_subject(ctype: str, location: str) -> str:
    import re
    idx = [int(i) + 1 for i in re.findall(r"\[(\d+)\]", location)]
    head = re.match(r"\w*", location).group(0)
    if head == "nk" and len(idx) == 1:
        return f"N_{idx[0]}"
    if head == "weights" and len(idx) == 1:
        return f"weight pi_{idx[0]} of component {idx[0]}"
    if head == "means" and len(idx) == 2:
        return f"mean of component {idx[0]}, coordinate {idx[1]}"
    if head == "means" and len(idx) == 1:
        return f"mean of component {idx[0]}"
    if head == "covariances":
        if ctype == "full" and len(idx) == 3:
            return f"covariance of component {idx[0]}, entry ({idx[1]}, {idx[2]})"
        if ctype == "tied" and len(idx) == 2:
            return f"tied covariance, entry ({idx[0]}, {idx[1]})"
        if ctype == "diag" and len(idx) == 2:
            return f"variance of component {idx[0]}, coordinate {idx[1]}"
        if ctype == "spherical" and len(idx) == 1:
            return f"variance of component {idx[0]}"
        if ctype in ("full", "diag") and len(idx) == 1:
            return f"covariance of component {idx[0]}"
    return {"nk": "the N_k (how many)", "weights": "the weights (how many)", "means": "the means (how many)",
            "covariances": "the covariances (their shape)"}.get(location, location)


def _scatter(X, R, k, centre, weighted=True) -> sp.Matrix:
    d = X[0].rows
    S = sp.zeros(d, d)
    for i, x in enumerate(X):
        dev = x - centre
        g = R[i, k] if weighted else 1
        if g != 0:
            S += g * dev * dev.T
    return S


def _cov_paths(ctype: str, K: int, d: int):
    """(path, component or None, (a, b)) of every value of the covariance answer."""
    if ctype == "full":
        return [(("covariances", k, a_, b_), k, (a_, b_)) for k in range(K) for a_ in range(d) for b_ in range(d)]
    if ctype == "tied":
        return [(("covariances", a_, b_), None, (a_, b_)) for a_ in range(d) for b_ in range(d)]
    if ctype == "diag":
        return [(("covariances", k, j), k, (j, j)) for k in range(K) for j in range(d)]
    return [(("covariances", k), k, None) for k in range(K)]


def _cov_values(ctype: str, mats: list, d: int) -> dict:
    """The covariance answer's values from K per-component matrices (one matrix for tied): path -> value."""
    out = {}
    for path, k, ab in _cov_paths(ctype, len(mats), d):
        M = mats[0] if ctype == "tied" else mats[k]
        if M is None:
            continue
        out[path] = M.trace() / d if ab is None else M[ab[0], ab[1]]
    return out


class _Covariances:
    """Covariance entries by a rule, as :class:`_Recomp` of the student's means and N_k.

    A rule: ``weighted`` (the responsibilities in the sums, or not), ``centre``
    (``"own"``: the means given, ``"zero"``, ``"previous"``), ``divide``
    (``fn(N_k, N, n, K)``: the divisor of a component's scatter; for tied, of
    the pooled one) and for tied ``pool`` (``"pool"``: the scatters summed,
    ``"equal"``: the components' covariances averaged).
    """

    def __init__(self, p: MStepProblem, mu, u_mu, nk, u_nk):
        self.p = p
        self.mu, self.u_mu, self.nk, self.u_nk = mu, u_mu, nk, u_nk
        self.Xe = [[x[j] for j in range(p.d)] for x in p.X]
        self.Re = [[p.R[i, k] for k in range(p.K)] for i in range(p.n)]
        self.Xf = [[float(v) for v in row] for row in self.Xe]
        self.Rf = [[float(v) for v in row] for row in self.Re]

    def _s(self, fl, k, centre, r, c, weighted):
        Xs, Rs = (self.Xf, self.Rf) if fl else (self.Xe, self.Re)
        total = 0
        for i in range(len(Xs)):
            g = Rs[i][k] if weighted else 1
            if g:
                total += g * (Xs[i][r] - centre[r]) * (Xs[i][c] - centre[c])
        return total

    def _entry(self, fl, k, centre, ab, weighted):
        d = self.p.d
        if ab is None:
            return sum((self._s(fl, k, centre, j, j, weighted) for j in range(d)), 0) / d
        return self._s(fl, k, centre, ab[0], ab[1], weighted)

    def _centres(self, centre):
        p = self.p
        if centre == "own":
            return self.mu, self.u_mu
        if centre == "zero":
            return [[sp.Integer(0)] * p.d for _ in range(p.K)], [[0.0] * p.d for _ in range(p.K)]
        return [list(m) for m in p.previous], [[0.0] * p.d for _ in range(p.K)]

    def values(self, *, weighted=True, centre="own", divide=lambda nk, N, n, K: nk, pool="pool") -> dict:
        """path -> _Recomp for every value of the covariance answer."""
        p = self.p
        d, K, N, n = p.d, p.K, p.N, p.n
        cs, us = self._centres(centre)
        out = {}
        for path, k, ab in _cov_paths(p.type, K, d):
            if p.type != "tied":
                def fn(*args, k=k, ab=ab):
                    fl = isinstance(args[0], float)
                    return self._entry(fl, k, args[:d], ab, weighted) / divide(args[d], N, n, K)
                out[path] = _Recomp(fn, [*cs[k], self.nk[k]], [*us[k], self.u_nk[k]])
                continue

            def fn(*args, ab=ab):
                fl = isinstance(args[0], float)
                cents = [args[q * d:(q + 1) * d] for q in range(K)]
                nks = args[K * d:]
                if pool == "pool":
                    return sum((self._entry(fl, q, cents[q], ab, weighted) for q in range(K)), 0) / divide(
                        None, N, n, K)
                return sum((self._entry(fl, q, cents[q], ab, weighted) / nks[q] for q in range(K)), 0) / K
            out[path] = _Recomp(fn, [v for c in cs for v in c] + list(self.nk),
                                [u for c in us for u in c] + list(self.u_nk))
        return out


def _mstep_diagnose(p: MStepProblem, findings: Findings, result) -> None:
    a = _Answer(findings)
    n, d, K, X, R, N = p.n, p.d, p.K, p.X, p.R, p.N
    wsum = [sum((R[i, k] * X[i] for i in range(n)), sp.zeros(d, 1)) for k in range(K)]
    total = sum(X, sp.zeros(d, 1))

    # ---- errors carried forward, in the worked order: N_k, weights, means, covariances
    nk, u_nk, taint_nk = [], [], []
    for k in range(K):
        v = a.value(("nk", k))
        nk.append(v if v is not None else p.nk[k])
        u_nk.append(a.unit(("nk", k)))
        taint_nk.append(a.wrong(("nk", k)))
    for k in range(K):
        a.follows(("weights", k), taint_nk[k], _Recomp(lambda v: v / N, [nk[k]], [u_nk[k]]))
    mu, u_mu, taint_mu = [], [], []
    for k in range(K):
        col, units, taints = [], [], []
        for j in range(d):
            rec = _Recomp(lambda v, s_=wsum[k][j]: s_ / v, [nk[k]], [u_nk[k]])
            a.follows(("means", k, j), taint_nk[k], rec)
            v = a.value(("means", k, j))
            col.append(v if v is not None else rec.value if rec.value is not None else p.mu[k][j])
            units.append(a.unit(("means", k, j)))
            taints.append(a.wrong(("means", k, j)) if v is not None else taint_nk[k])
        mu.append(col)
        u_mu.append(units)
        taint_mu.append(taints)
    means_given = any(a.value(("means", k, j)) is not None for k in range(K) for j in range(d))

    covs = _Covariances(p, mu, u_mu, nk, u_nk)
    tied_divide = (lambda nk_, N_, n_, K_: N_)
    right = covs.values(divide=tied_divide if p.type == "tied" else (lambda nk_, N_, n_, K_: nk_))
    for path, k, ab in _cov_paths(p.type, K, d):
        if ab is not None and ab[0] > ab[1] and p.type in ("full", "tied"):
            mirror = path[:-2] + (ab[1], ab[0])
            up = a.wrong(mirror)
            if up is not None and _same(a.value(mirror), a.raw(path)):
                a.follows(path, up, a.value(mirror))
                continue
        if p.type == "tied":
            ups = [t for kk in range(K) for t in (taint_mu[kk][ab[0]], taint_mu[kk][ab[1]])]
        elif ab is None:
            ups = [taint_nk[k], *taint_mu[k]]
        else:
            ups = [taint_nk[k], taint_mu[k][min(ab)], taint_mu[k][max(ab)]]
        a.follows(path, _first(*ups), right.get(path))

    # ---- the misconceptions
    found: dict = {}
    wrong_means = {
        "divide-by-n": [[list(wsum[k] / N) for k in range(K)]],
        "unweighted": [[[_Recomp(lambda v, s_=total[j]: s_ / v, [nk[k]], [u_nk[k]]) for j in range(d)]
                        for k in range(K)],
                       [list(total / n) for _ in range(K)]],
    }
    for mid, variants in wrong_means.items():
        cand: dict = {}
        for means in variants:
            for k in range(K):
                for j in range(d):
                    _add(cand, ("means", k, j), means[k][j])
        _name_where(a, mid, cand, found)

    def centred(mid):
        """The covariance calculators: at the student's means, and (means not given) at the rule's own means."""
        out = [covs]
        if not means_given:
            for means in wrong_means.get(mid, []):
                vals = [[_exact(v) for v in m] for m in means]
                if all(v is not None for m in vals for v in m):
                    out.append(_Covariances(p, vals, [[0.0] * d for _ in range(K)], nk, u_nk))
        return out

    t = p.type
    rules = {
        "divide-by-n": [] if t == "tied" else [dict(divide=lambda nk_, N_, n_, K_: N_)],
        "unbiased": ([dict(divide=lambda nk_, N_, n_, K_: N_ - 1), dict(divide=lambda nk_, N_, n_, K_: N_ - K_)]
                     if t == "tied" else [dict(divide=lambda nk_, N_, n_, K_: nk_ - 1)]),
        "unweighted": ([dict(weighted=False, divide=lambda nk_, N_, n_, K_: N_),
                        dict(weighted=False, divide=lambda nk_, N_, n_, K_: K_ * N_)] if t == "tied" else
                       [dict(weighted=False), dict(weighted=False, divide=lambda nk_, N_, n_, K_: n_)]),
        "raw-second-moment": [dict(centre="zero", divide=tied_divide)] if t == "tied" else [dict(centre="zero")],
        "old-mean": ([] if p.previous is None else
                     [dict(centre="previous", divide=tied_divide)] if t == "tied" else [dict(centre="previous")]),
        "equal-weights": [dict(pool="equal")] if t == "tied" else [],
    }
    for m in MSTEP_CATALOGUE:
        cand: dict = {}
        for rule in rules.get(m.id, []):
            for calc in centred(m.id) if "centre" not in rule else [covs]:
                for path, rec in calc.values(**rule).items():
                    _add(cand, path, rec)
        if m.id == "old-mean" and t == "full" and d >= 2:
            for path, value in _cov_values(t, _rank_one_old_mean(a, p, nk), d).items():
                _add(cand, path, value)
        _name_where(a, m.id, cand, found)

    _apply_names(findings, result, found, lambda loc, mid: _mstep_cite(p, loc, mid))


def _rank_one_old_mean(a: _Answer, p: MStepProblem, nk: list) -> list:
    """Full covariances from the answer alone: the student's Sigma_k minus S_k(mu_k)/N_k as v v^T.

    The scatter about another centre m exceeds the scatter about the weighted
    mean by N_k (mu_k - m)(mu_k - m)^T: rank one. ``v v^T`` is read from the
    column of the largest diagonal excess; the matrices returned (right +
    v v^T) are kept when every other entry agrees to the digits given
    (:func:`_agrees_within_rounding`).
    """
    d, K, X, R = p.d, p.K, p.X, p.R
    out = []
    for k in range(K):
        vals = [[a.value(("covariances", k, i, j)) for j in range(d)] for i in range(d)]
        if any(v is None for row in vals for v in row) or nk[k] == 0:
            out.append(None)
            continue
        true_mean = sum((R[i, k] * X[i] for i in range(p.n)), sp.zeros(d, 1)) / p.nk[k]
        base = _scatter(X, R, k, true_mean) / nk[k]
        E = sp.Matrix(d, d, lambda i, j: vals[min(i, j)][max(i, j)] - base[min(i, j), max(i, j)])
        j = max(range(d), key=lambda i: E[i, i])
        if E[j, j] <= 0:
            out.append(None)
            continue
        M = base + E[:, j] * E[j, :] / E[j, j]
        # agreeing, the student's own matrix is what the rule gives (to the digits given)
        rel = a.unit(("nk", k)) / abs(float(nk[k]))   # the rounding of the student's N_k moves the base too
        out.append(sp.Matrix(vals) if _agrees_within_rounding(M, E, j, a, k, base, rel) else None)
    return out


def _half_unit(raw, min_digits: int = 3) -> float | None:
    """Half a unit in the last digit the student wrote (0 for an exact form; None below ``min_digits``).

    A zero written as a decimal (``0.000``) has its unit in the last place too.
    """
    from decimal import Decimal, InvalidOperation
    from ..check import significant_digits
    text = raw if isinstance(raw, str) else repr(raw) if isinstance(raw, float) else None
    if text is None:
        return 0.0
    text = text.strip()
    if not ("." in text or "e" in text.lower()):
        return 0.0
    try:
        dec = Decimal(text)
    except InvalidOperation:
        return 0.0
    if not dec.is_finite():
        return None
    if dec != 0 and significant_digits(text) < min_digits:
        return None
    try:
        return 0.5 * 10.0 ** dec.as_tuple().exponent
    except OverflowError:
        return None


def _agrees_within_rounding(M, E, j: int, a: _Answer, k: int, base, rel: float) -> bool:
    """Every entry of the student's Sigma_k equals ``M`` (right + v v^T, v read from column j of ``E``).

    The entries of column j agree by construction; each other entry must agree
    to its own digits plus what the rounding of the entries it was read from
    (and of the student's N_k, relative ``rel``, in ``base``) can move it, to
    first order: a rounded answer is judged fairly and an exact one exactly.
    """
    d = M.rows
    raw = [[a.raw(("covariances", k, min(r, c), max(r, c))) for c in range(d)] for r in range(d)]
    unit = [[_half_unit(v) for v in row] for row in raw]
    if any(u is None for row in unit for u in row):
        return False
    unit = [[unit[r][c] + abs(float(base[r, c])) * rel for c in range(d)] for r in range(d)]
    Ef = [[float(E[r, c]) for c in range(d)] for r in range(d)]
    for r in range(d):
        for c in range(d):
            if j in (r, c):
                continue
            spread = (abs(Ef[j][c] / Ef[j][j]) * unit[r][j] + abs(Ef[r][j] / Ef[j][j]) * unit[j][c]
                      + abs(Ef[r][j] * Ef[j][c]) / Ef[j][j] ** 2 * unit[j][j])
            if spread == 0 and unit[r][c] == 0:
                if sp.simplify(M[r, c] - _value(raw[r][c])) != 0:
                    return False
                continue
            if abs(float(M[r, c]) - float(_value(raw[r][c]))) > (unit[r][c] + spread) * (1 + 1e-9):
                return False
    return True


def _mstep_cite(p: MStepProblem, loc: str, mid: str) -> str | None:
    """The step whose rule ``mid`` broke at ``loc``: the division, or the sums it weights or centres."""
    import re
    idx = [int(i) for i in re.findall(r"\[(\d+)\]", loc)]
    if loc.startswith("means"):
        k = idx[0] + 1
        return f"wsum_{k}" if mid == "unweighted" else f"mu_{k}"
    if not loc.startswith("covariances"):
        return None
    k = 1 if p.type == "tied" else idx[0] + 1
    division = "cov" if p.type == "tied" else f"cov_{k}"
    if mid in ("divide-by-n", "unbiased", "equal-weights"):
        return division
    for label in (f"scatter_terms_{k}", f"sq_{k}", f"scatter_{k}"):
        if label in p.labels:
            return label
    return division


# ==================================================================== derive
def derive_subject(location: str) -> str:
    """``gmm derive``'s answer keys in words (for its checker's ``subject``)."""
    names = {"responsibilities": "the E-step update gamma_ik", "means": "the mean update mu_k",
             "weights": "the weight update pi_k", "covariances": "the covariance update",
             "covariances.full": "the full covariance update Sigma_k",
             "covariances.tied": "the tied covariance update Sigma",
             "covariances.diag": "the diagonal variance update sigma^2_kj",
             "covariances.spherical": "the spherical variance update sigma^2_k"}
    return names.get(location, location)
