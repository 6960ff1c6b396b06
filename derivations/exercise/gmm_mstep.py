"""Exercises of one M-step by hand: a few small integer points and their responsibilities for 2 components.

Every variant of a level has the same number of points, dimensions and
components (2), and one covariance type per option set, so the same number of
steps. Each responsibility is a fraction with denominator at most 10 (one
denominator per exercise, from 2, 4, 5 and 10), each row sums to 1, and the
draw is kept only when every updated weight and mean is a short fraction
(denominator at most 20), the two updated means differ and every updated
covariance is non-singular.

* easy -- 4 points in 1-D (distinct integers 0..9);
* exam -- 5 points in 1-D (distinct integers 0..9);
* hard -- 6 points in 2-D (distinct, coordinates 0..6).
"""
from __future__ import annotations

from fractions import Fraction

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "GmmMStepGenerator", "COVARIANCES", "updates"]

COVARIANCES = ("full", "tied", "diag", "spherical")
SHORT = 20                    # the largest denominator of a "short" weight or mean
_DENOMINATORS = (2, 4, 5, 10)
# level -> (points, dimensions, largest coordinate)
_LEVELS = {"easy": (4, 1, 9), "exam": (5, 1, 9), "hard": (6, 2, 6)}
K = 2


def updates(X, R, covariance: str):
    """One M-step in exact fractions: ``(nk, weights, means, covariances)``, the covariances in
    scikit-learn's shape for ``covariance`` (full: K d x d, tied: d x d, diag: K x d, spherical: K)."""
    n, d, k_ = len(X), len(X[0]), len(R[0])
    nk = [sum((R[i][k] for i in range(n)), Fraction(0)) for k in range(k_)]
    N = sum(nk, Fraction(0))
    weights = [v / N for v in nk]
    means = [[sum((R[i][k] * X[i][j] for i in range(n)), Fraction(0)) / nk[k] for j in range(d)]
             for k in range(k_)]
    scatter = [[[sum((R[i][k] * (X[i][a] - means[k][a]) * (X[i][b] - means[k][b]) for i in range(n)), Fraction(0))
                 for b in range(d)] for a in range(d)] for k in range(k_)]
    if covariance == "full":
        cov = [[[v / nk[k] for v in row] for row in scatter[k]] for k in range(k_)]
    elif covariance == "tied":
        cov = [[sum((scatter[k][a][b] for k in range(k_)), Fraction(0)) / N for b in range(d)] for a in range(d)]
    elif covariance == "diag":
        cov = [[scatter[k][j][j] / nk[k] for j in range(d)] for k in range(k_)]
    else:
        cov = [sum((scatter[k][j][j] for j in range(d)), Fraction(0)) / (d * nk[k]) for k in range(k_)]
    return nk, weights, means, cov


def _positive_definite(M) -> bool:
    """Leading minors of a 1x1 or 2x2 matrix all positive."""
    if len(M) == 1:
        return M[0][0] > 0
    return M[0][0] > 0 and M[0][0] * M[1][1] - M[0][1] * M[1][0] > 0


def _nonsingular(cov, covariance: str) -> bool:
    if covariance == "full":
        return all(_positive_definite(M) for M in cov)
    if covariance == "tied":
        return _positive_definite(cov)
    if covariance == "diag":
        return all(v > 0 for row in cov for v in row)
    return all(v > 0 for v in cov)


def properties_of(X, R, covariance: str) -> list[str]:
    """The properties of the vocabulary that hold for these points and responsibilities (Fractions)."""
    props = []
    if all(v.denominator <= 10 for row in R for v in row):
        props.append("denominators-at-most-10")
    if all(sum(row, Fraction(0)) == 1 for row in R) and all(sum(col) > 0 for col in zip(*R)):
        nk, weights, means, cov = updates(X, R, covariance)
        if all(v.denominator <= SHORT for v in weights) and all(v.denominator <= SHORT for m in means for v in m):
            props.append("short-fractions")
        if _nonsingular(cov, covariance):
            props.append("nonsingular-covariances")
        if means[0] != means[1]:
            props.append("means-apart")
    if 2 * sum(all(0 < v < 1 for v in row) for row in R) >= len(R):
        props.append("soft-assignments")
    if any(v == 0 for row in R for v in row):
        props.append("zero-responsibility")
    return sorted(props)


_REQUIRED = ("denominators-at-most-10", "means-apart", "nonsingular-covariances", "short-fractions",
             "soft-assignments")


class GmmMStepGenerator(Generator):
    name = "gmm-mstep"
    answer_keys = ("nk", "weights", "means", "covariances")
    title = "the M-step of a Gaussian mixture by hand"
    properties = {
        "denominators-at-most-10": "every responsibility is a fraction with denominator at most 10",
        "short-fractions": f"every updated mixing weight and mean coordinate is a fraction with denominator at "
                           f"most {SHORT}",
        "soft-assignments": "at least half of the points are shared between the components (0 < gamma < 1): a "
                            "weighted average, not k-means' hard one",
        "nonsingular-covariances": "every updated covariance is positive definite (every variance positive): "
                                   "the next E-step is defined",
        "means-apart": "the two updated means differ: the components stay apart",
        "zero-responsibility": "some point has responsibility 0 for a component and adds nothing to its sums",
    }
    level_sizes = {level: {"points": n, "dimensions": d, "components": K} for level, (n, d, _) in _LEVELS.items()}

    def add_options(self, parser) -> None:
        parser.add_argument("--covariance", choices=COVARIANCES, default="full",
                            help="the covariance type of the M-step (default: full)")

    def options(self, args) -> dict:
        return {"covariance": args.covariance}

    def draw(self, rng: Rng, level: str, covariance: str = "full") -> Draft | None:
        if covariance not in COVARIANCES:
            raise ValueError(f"covariance: {covariance!r} is not a covariance type; expected one of "
                             f"{', '.join(COVARIANCES)}")
        n, d, top = _LEVELS[level]
        if d == 1:
            X = [[v] for v in rng.sample(list(range(top + 1)), n)]
        else:
            grid = [(a, b) for a in range(top + 1) for b in range(top + 1)]
            X = [list(p) for p in rng.sample(grid, n)]
        D = rng.choice(_DENOMINATORS)
        R = []
        for _ in range(n):
            a = Fraction(rng.integer(0, D), D)
            R.append([a, 1 - a])
        props = properties_of([[Fraction(v) for v in row] for row in X], R, covariance)
        if any(p not in props for p in _REQUIRED):
            return None
        givens = {"data": [[str(v) for v in row] for row in X], "resp": [[str(v) for v in row] for row in R],
                  "covariance": covariance}
        files = {"data.csv": "".join(",".join(row) + "\n" for row in givens["data"]),
                 "resp.csv": "".join(",".join(row) + "\n" for row in givens["resp"])}
        sizes = {"points": n, "dimensions": d, "components": K}
        return Draft(givens, tuple(props), sizes, files)

    def solve(self, givens: dict):
        from ..gmm import mstep
        return mstep(givens["data"], givens["resp"], givens["covariance"])

    def command(self, givens: dict, paths: dict) -> list[str]:
        return ["workedout", "gmm", "mstep", "--data", paths["data.csv"], "--resp", paths["resp.csv"],
                "--covariance", givens["covariance"]]

    def question(self, draft: Draft) -> tuple[str, list]:
        import sympy as sp

        from ..gmm._notation import cell, tex
        from ..model import Step, Table
        g = draft.givens
        n, d = len(g["data"]), len(g["data"][0])
        kind = g["covariance"]
        what = {"full": "the covariance matrices Σₖ" if d > 1 else "the variances σₖ² (full 1x1 covariances)",
                "tied": "the tied covariance Σ shared by both components" if d > 1 else
                        "the tied variance σ² shared by both components",
                "diag": "the diagonal variances σₖⱼ²" if d > 1 else "the variances σₖ² (diagonal)",
                "spherical": "the spherical variances σₖ²"}[kind]
        text = (f"After an E-step, the {n} points xᵢ below ({d}-D) have the responsibilities γᵢ₁, γᵢ₂ for 2 "
                f"components. Work one M-step with {kind} covariances: the effective numbers Nₖ, the mixing "
                f"weights πₖ, the means μₖ, and {what}, computed with the new means. Give exact fractions.")

        def number(v):
            r = sp.Rational(v)
            return r if r.is_Integer else cell(r)
        coordinates = [tex("x_i")] if d == 1 else [tex(f"x_{{i{j + 1}}}") for j in range(d)]
        header = [tex("i")] + coordinates + [tex(rf"\gamma_{{i{k + 1}}}") for k in range(K)]
        rows = [[i + 1] + [number(v) for v in g["data"][i]] + [number(v) for v in g["resp"][i]] for i in range(n)]
        return text, [Step(Table(header, rows, align="c" * len(header)),
                           why=f"The points and their responsibilities ({n} points, 2 components).")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        parts = [QuizPart(f"weight pi_{k + 1}", float(w), f"weights[{k}]") for k, w in enumerate(key["weights"])]
        d = len(key["means"][0])
        for k, mean in enumerate(key["means"]):
            for j, v in enumerate(mean):
                label = f"mean mu_{k + 1}" + (f", coordinate {j + 1}" if d > 1 else "")
                parts.append(QuizPart(label, float(v), f"means[{k}][{j}]"))
        cov = key["covariances"]
        if isinstance(cov, (int, float)) or not cov:
            return parts
        if not isinstance(cov[0], list):                       # spherical: K variances
            parts += [QuizPart(f"variance sigma_{k + 1}^2", float(v), f"covariances[{k}]") for k, v in enumerate(cov)]
        elif not isinstance(cov[0][0], list):                  # tied (d x d) or diag (K x d)
            if d == 1:                                         # 1-D: one tied variance, or one per component
                parts += ([QuizPart("tied variance sigma^2", float(cov[0][0]), "covariances[0][0]")]
                          if len(cov) == 1 else
                          [QuizPart(f"variance sigma_{k + 1}^2", float(row[0]), f"covariances[{k}][0]")
                           for k, row in enumerate(cov)])
            else:  # with d = K = 2 the key alone does not tell tied from diag: name the entry by its place
                parts += [QuizPart(f"covariances (scikit-learn's shape) row {r + 1}, column {c + 1}", float(v),
                                   f"covariances[{r}][{c}]") for r, row in enumerate(cov) for c, v in enumerate(row)]
        else:                                                  # full: K d x d matrices
            for k, M in enumerate(cov):
                for a in range(d):
                    for b in range(a, d):
                        label = (f"variance sigma_{k + 1}^2" if d == 1 else
                                 f"covariance Sigma_{k + 1} entry ({a + 1}, {b + 1})")
                        parts.append(QuizPart(label, float(M[a][b]), f"covariances[{k}][{a}][{b}]"))
        return parts


GENERATOR = GmmMStepGenerator()
