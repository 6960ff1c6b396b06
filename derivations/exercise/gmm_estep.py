"""Exercises of one E-step by hand: the responsibilities of one point under a small 1-D Gaussian mixture.

Every variant of a level has the same number of components (so the same
number of steps: Bayes' rule, the density, then per component its density and
weighted density, the evidence, per component its responsibility, their sum;
3K + 4 steps). The numbers are what a student works with a calculator: an
integer point and integer means in [-9, 9], standard deviations 1 or 2, and
weights that are fractions with denominators at most 10 summing to 1.

* easy -- 2 components sharing one standard deviation (the constants 1/(sigma sqrt(2 pi)) cancel);
* exam -- 2 components with standard deviations 1 and 2 (the constants matter);
* hard -- 3 components, standard deviations 1 or 2, not all equal.

Every variant is a close call: each responsibility lies strictly between 0.1
and 0.9, so the answer cannot be guessed from the picture.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "GmmEStepGenerator"]

_LOW, _HIGH = -9, 9          # x and the means
_MARGIN = 1e-9               # a stated bound holds with this much room (floats decide it safely)
# level -> (components, the standard deviations a component may have, whether they are all equal / differ)
_LEVELS = {
    "easy": (2, (1, 2), "equal"),
    "exam": (2, (1, 2), "differ"),
    "hard": (3, (1, 2), "differ"),
}


def _weight_sets(K: int) -> list[tuple[Fraction, ...]]:
    """Every K-tuple of positive fractions a/d summing to 1 with a common denominator d in 2..10, listed
    in a fixed order (denominator, then numerators), without repeats."""
    out, seen = [], set()
    for d in range(2, 11):
        def rec(prefix, left):
            if len(prefix) == K - 1:
                if left >= 1:
                    t = tuple(Fraction(a, d) for a in prefix + [left])
                    if t not in seen:
                        seen.add(t)
                        out.append(t)
                return
            for a in range(1, left):
                rec(prefix + [a], left - a)
        rec([], d)
    return out


_WEIGHTS = {K: _weight_sets(K) for K in (2, 3)}


def responsibilities(x: int, weights, means, sds) -> tuple[list[float], list[float]]:
    """``(densities, responsibilities)`` in floats, by the log-sum-exp of log pi_k + log N(x | mu_k, sigma_k^2)."""
    logs = [-0.5 * math.log(2 * math.pi) - math.log(s) - (x - m) ** 2 / (2 * s * s) for m, s in zip(means, sds)]
    terms = [math.log(w) + v for w, v in zip(weights, logs)]
    top = max(terms)
    z = sum(math.exp(t - top) for t in terms)
    return [math.exp(v) for v in logs], [math.exp(t - top) / z for t in terms]


def _argmax_strict(values: list[float], gap: float) -> int | None:
    """The index of the largest value when it beats every other by more than ``gap`` (relative), else None."""
    order = sorted(range(len(values)), key=lambda k: -values[k])
    first, second = values[order[0]], values[order[1]]
    return order[0] if first - second > gap * max(first, 1e-300) else None


def properties_of(x: int, weights, means, sds) -> list[str]:
    """The properties of the vocabulary that hold for these givens (exact numbers: ints and Fractions)."""
    dens, resp = responsibilities(x, [float(w) for w in weights], means, sds)
    props = []
    if all(w.denominator <= 10 for w in weights):
        props.append("denominators-at-most-10")
    if all(0.1 + _MARGIN < r < 0.9 - _MARGIN for r in resp):
        props.append("close-call")
    if len(set(sds)) == 1:
        props.append("equal-sds")
    else:
        props.append("sds-differ")
    best_density, best_resp = _argmax_strict(dens, 1e-9), _argmax_strict(resp, 1e-9)
    if best_density is not None and best_resp is not None and best_density != best_resp:
        props.append("weights-decide")
    return sorted(props)


class GmmEStepGenerator(Generator):
    name = "gmm-estep"
    answer_keys = ("densities", "weighted_densities", "evidence", "responsibilities")
    title = "the E-step of a Gaussian mixture by hand"
    properties = {
        "denominators-at-most-10": "every mixing weight is a fraction with denominator at most 10",
        "close-call": "every responsibility lies strictly between 0.1 and 0.9: the answer cannot be guessed",
        "equal-sds": "the components share one standard deviation, so the constants 1/(sigma sqrt(2 pi)) cancel",
        "sds-differ": "the standard deviations differ, so the constants 1/(sigma sqrt(2 pi)) do not cancel",
        "weights-decide": "the component with the largest density is not the one with the largest "
                          "responsibility: the mixing weights change the answer",
    }
    level_sizes = {
        "easy": {"components": 2, "dimensions": 1, "sds": "one shared, 1 or 2"},
        "exam": {"components": 2, "dimensions": 1, "sds": "1 and 2"},
        "hard": {"components": 3, "dimensions": 1, "sds": "1 or 2, not all equal"},
    }

    def draw(self, rng: Rng, level: str) -> Draft | None:
        K, choices, kind = _LEVELS[level]
        means = rng.sample(list(range(_LOW, _HIGH + 1)), K)
        x = rng.integer(_LOW, _HIGH)
        if kind == "equal":
            sds = [rng.choice(choices)] * K
        else:
            sds = [rng.choice(choices) for _ in range(K)]
            if len(set(sds)) == 1:
                return None
        weights = rng.choice(_WEIGHTS[K])
        props = properties_of(x, weights, means, sds)
        if "close-call" not in props or "denominators-at-most-10" not in props:
            return None
        givens = {"x": str(x), "weights": [str(w) for w in weights], "means": [str(m) for m in means],
                  "sds": [str(s) for s in sds]}
        return Draft(givens, tuple(props), {"components": K, "dimensions": 1})

    def solve(self, givens: dict):
        from ..gmm import estep
        return estep(givens["x"], givens["weights"], givens["means"], givens["sds"])

    def command(self, givens: dict, paths: dict) -> list[str]:
        # --opt=value: a value such as -1,2 would otherwise be taken for an option
        return ["workedout", "gmm", "estep", f"--x={givens['x']}", f"--weights={','.join(givens['weights'])}",
                f"--means={','.join(givens['means'])}", f"--sds={','.join(givens['sds'])}"]

    def question(self, draft: Draft) -> tuple[str, list]:
        import sympy as sp

        from ..gmm._notation import cell, tex
        from ..model import Step, Table
        g = draft.givens
        K = len(g["weights"])
        text = (f"A 1-D Gaussian mixture has {K} components with the mixing weights, means and standard deviations "
                f"in the table. For the point x = {g['x']}, compute each component's density N(x | μₖ, σₖ²), "
                f"the weighted densities πₖ N(x | μₖ, σₖ²), the evidence p(x), and the responsibility "
                f"γₖ(x) = p(z = k | x) of every component (to 4 significant digits).")
        rows = [[k + 1, cell(sp.Rational(g["weights"][k])), sp.Integer(g["means"][k]), sp.Integer(g["sds"][k])]
                for k in range(K)]
        table = Table([tex("k"), tex(r"\pi_k"), tex(r"\mu_k"), tex(r"\sigma_k")], rows, align="cccc")
        return text, [Step(sp.Eq(sp.Symbol("x"), sp.Integer(g["x"]), evaluate=False), why="The point."),
                      Step(table, why=f"The mixture ({K} components).")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        return [QuizPart(f"responsibility of component {k + 1}", float(v), f"responsibilities[{k}]")
                for k, v in enumerate(key["responsibilities"])]


GENERATOR = GmmEStepGenerator()
