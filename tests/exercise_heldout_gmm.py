"""Held-out check of the gmm-estep and gmm-mstep exercise generators (not collected by pytest).

For seeds 1000-1029 at every level (and, for gmm-mstep, every covariance type), every answer key is
compared with an implementation outside the project (scipy.stats.norm for the E-step; scikit-learn's
``_estimate_gaussian_parameters`` with reg_covar=0 and numpy weighted averages for the M-step), and every
stated property is verified here, independently of the generator's own checks.

Run: ``.venv/bin/python tests/exercise_heldout_gmm.py``; one line per topic and level; exit 1 on a failure.
The test file tests/test_exercise_gmm.py imports the checks below.
"""
from __future__ import annotations

import sys
from fractions import Fraction

import numpy as np
import sympy as sp

LEVEL_COMPONENTS = {"easy": 2, "exam": 2, "hard": 3}
MSTEP_SIZES = {"easy": (4, 1), "exam": (5, 1), "hard": (6, 2)}
COVARIANCES = ("full", "tied", "diag", "spherical")


def exact_float(text: str) -> float:
    """A key's exact string (``"1/(1 + exp(15/8)/2)"``, ``"23/40"``) evaluated by SymPy to a float."""
    if not isinstance(text, str):  # a float the key holds exactly
        return float(text)
    return float(sp.N(sp.sympify(text), 30))


# ------------------------------------------------------------------------------------------- E-step
def estep_reference(givens: dict):
    """``(densities, responsibilities)`` by scipy.stats.norm.pdf and Bayes' rule, in floats."""
    from scipy.stats import norm
    x = float(Fraction(givens["x"]))
    w = np.array([float(Fraction(v)) for v in givens["weights"]])
    m = np.array([float(Fraction(v)) for v in givens["means"]])
    s = np.array([float(Fraction(v)) for v in givens["sds"]])
    dens = norm.pdf(x, loc=m, scale=s)
    num = w * dens
    return dens, num / num.sum()


def estep_problems(ex) -> list[str]:
    """Everything wrong with one gmm-estep exercise (empty when the key and every stated property hold)."""
    g, problems = ex.givens, []
    K = LEVEL_COMPONENTS[ex.level]
    if set(g) != {"x", "weights", "means", "sds"}:
        problems.append(f"givens keys {sorted(g)}")
    if not (len(g["weights"]) == len(g["means"]) == len(g["sds"]) == K):
        problems.append(f"not {K} components")
    weights = [Fraction(v) for v in g["weights"]]
    if sum(weights) != 1 or any(v <= 0 for v in weights):
        problems.append(f"weights {g['weights']} do not sum to 1")
    if any(Fraction(v).denominator != 1 or not -9 <= int(Fraction(v)) <= 9 for v in [g["x"], *g["means"]]):
        problems.append("x or a mean is not a small integer")
    if len(set(g["means"])) != K:
        problems.append("two means are equal")
    if any(v not in ("1", "2") for v in g["sds"]):
        problems.append(f"sds {g['sds']} are not 1 or 2")
    dens, resp = estep_reference(g)
    key = ex.key
    if not np.allclose(key["responsibilities"], resp, rtol=1e-9, atol=1e-15):
        problems.append(f"key responsibilities {key['responsibilities']} != scipy {resp.tolist()}")
    exact = [exact_float(t) for t in key.get("exact", {}).get("responsibilities", key["responsibilities"])]
    if not np.allclose(exact, resp, rtol=1e-9, atol=1e-15):
        problems.append(f"exact responsibilities {key['exact']['responsibilities']} != scipy {resp.tolist()}")
    if not np.allclose(key["densities"], dens, rtol=1e-9):
        problems.append("densities differ from scipy")
    holds = {
        "denominators-at-most-10": all(v.denominator <= 10 for v in weights),
        "close-call": all(0.1 < r < 0.9 for r in resp),
        "equal-sds": len(set(g["sds"])) == 1,
        "sds-differ": len(set(g["sds"])) > 1,
        "weights-decide": int(np.argmax(dens)) != int(np.argmax(resp)),
    }
    for p in ex.properties:
        if not holds.get(p, False):
            problems.append(f"stated property {p} does not hold")
    required = {"denominators-at-most-10", "close-call", "equal-sds" if ex.level == "easy" else "sds-differ"}
    if not required <= set(ex.properties):
        problems.append(f"a level's property is missing: {sorted(required - set(ex.properties))}")
    # weights-decide is stated whenever it clearly holds (no near-tie in either ranking)
    gap = lambda v: np.sort(v)[-1] - np.sort(v)[-2]
    if holds["weights-decide"] and gap(dens) > 1e-6 and gap(resp) > 1e-6 and "weights-decide" not in ex.properties:
        problems.append("weights-decide holds but is not stated")
    return problems


# ------------------------------------------------------------------------------------------- M-step
def mstep_reference(givens: dict):
    """``(nk, weights, means, covariances)`` by scikit-learn (reg_covar=0), weights by numpy."""
    from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters
    X = np.array([[float(Fraction(v)) for v in row] for row in givens["data"]])
    R = np.array([[float(Fraction(v)) for v in row] for row in givens["resp"]])
    nk, means, covs = _estimate_gaussian_parameters(X, R, 0.0, givens["covariance"])
    # sklearn adds 10 * eps to nk; the weights are the plain column sums over n
    weights = R.sum(axis=0) / len(X)
    return nk, weights, means, covs


def mstep_numpy(givens: dict):
    """The same updates as numpy weighted averages written here (means and the covariance of each type)."""
    X = np.array([[float(Fraction(v)) for v in row] for row in givens["data"]])
    R = np.array([[float(Fraction(v)) for v in row] for row in givens["resp"]])
    nk = R.sum(axis=0)
    means = np.array([np.average(X, axis=0, weights=R[:, k]) for k in range(R.shape[1])])
    full = np.array([(R[:, k, None] * (X - means[k])).T @ (X - means[k]) / nk[k] for k in range(R.shape[1])])
    kind = givens["covariance"]
    covs = {"full": full, "tied": sum(nk[k] * full[k] for k in range(len(nk))) / nk.sum(),
            "diag": np.array([np.diag(c) for c in full]),
            "spherical": np.array([np.trace(c) / X.shape[1] for c in full])}[kind]
    return nk, nk / nk.sum(), means, covs


def _exact_array(value):
    if isinstance(value, list):
        return np.array([_exact_array(v) for v in value])
    return exact_float(value)


def mstep_problems(ex) -> list[str]:
    """Everything wrong with one gmm-mstep exercise (empty when the key and every stated property hold)."""
    g, problems = ex.givens, []
    n, d = MSTEP_SIZES[ex.level]
    if set(g) != {"data", "resp", "covariance"}:
        problems.append(f"givens keys {sorted(g)}")
    X = [[Fraction(v) for v in row] for row in g["data"]]
    R = [[Fraction(v) for v in row] for row in g["resp"]]
    if len(X) != n or any(len(r) != d for r in X) or any(len(r) != 2 for r in R) or len(R) != n:
        problems.append(f"not {n} points in {d}-D with 2 components")
    if any(v.denominator != 1 or v < 0 for row in X for v in row) or len({tuple(r) for r in X}) != n:
        problems.append("points are not distinct small integers")
    if any(sum(row) != 1 or min(row) < 0 for row in R) or any(sum(col) == 0 for col in zip(*R)):
        problems.append("a row of responsibilities does not sum to 1, or a component has N_k = 0")
    key = ex.key
    nk, weights, means, covs = mstep_reference(g)
    nk_np, weights_np, means_np, covs_np = mstep_numpy(g)
    # the key's exact strings; a value whose float is exact (an integer, 5/2) is left out of "exact"
    exact = {name: key.get("exact", {}).get(name, key[name]) for name in ("nk", "weights", "means", "covariances")}
    for name, ours, sk, npv in (("nk", exact["nk"], nk, nk_np), ("weights", exact["weights"], weights, weights_np),
                                ("means", exact["means"], means, means_np),
                                ("covariances", exact["covariances"], covs, covs_np)):
        value = _exact_array(ours)
        if value.shape != np.shape(sk) or not np.allclose(value, sk, rtol=1e-9, atol=1e-12):
            problems.append(f"{name}: key {ours} != scikit-learn {np.asarray(sk).tolist()}")
        if not np.allclose(value, npv, rtol=1e-9, atol=1e-12):
            problems.append(f"{name}: key {ours} != numpy {np.asarray(npv).tolist()}")
        if not np.allclose(np.asarray(key[name], dtype=float), value, rtol=1e-12, atol=1e-15):
            problems.append(f"{name}: the key's floats differ from its exact strings")
    # properties, recomputed with fractions (and numpy's eigenvalues for definiteness)
    Nk = [sum(col) for col in zip(*R)]
    exact_weights = [v / sum(Nk) for v in Nk]
    exact_means = [[sum(R[i][k] * X[i][j] for i in range(len(X))) / Nk[k] for j in range(d)] for k in range(2)]
    cov_arr = np.asarray(covs_np, dtype=float)
    if g["covariance"] == "full":
        definite = all(np.linalg.eigvalsh(c).min() > 1e-9 for c in cov_arr)
    elif g["covariance"] == "tied":
        definite = np.linalg.eigvalsh(cov_arr).min() > 1e-9
    else:
        definite = cov_arr.min() > 1e-9
    holds = {
        "denominators-at-most-10": all(v.denominator <= 10 for row in R for v in row),
        "short-fractions": all(v.denominator <= 20 for v in exact_weights)
        and all(v.denominator <= 20 for m in exact_means for v in m),
        "soft-assignments": 2 * sum(all(0 < v < 1 for v in row) for row in R) >= len(R),
        "nonsingular-covariances": definite,
        "zero-responsibility": any(v == 0 for row in R for v in row),
        "means-apart": exact_means[0] != exact_means[1],
    }
    for p in ex.properties:
        if not holds.get(p, False):
            problems.append(f"stated property {p} does not hold")
    required = {"denominators-at-most-10", "short-fractions", "soft-assignments", "nonsingular-covariances",
                "means-apart"}
    if not required <= set(ex.properties):
        problems.append(f"a required property is missing: {sorted(required - set(ex.properties))}")
    if holds["zero-responsibility"] != ("zero-responsibility" in ex.properties):
        problems.append("zero-responsibility stated wrongly")
    return problems


# ------------------------------------------------------------------------------------------- the run
def run(seeds=range(1000, 1030)) -> bool:
    from workedout.derivations.exercise import exercise
    ok = True
    cases = [("gmm-estep", level, {}) for level in ("easy", "exam", "hard")]
    cases += [("gmm-mstep", level, {"covariance": c}) for level in ("easy", "exam", "hard") for c in COVARIANCES]
    for topic, level, options in cases:
        exercises = [exercise(topic, seed=s, level=level, **options) for s in seeds]
        check = estep_problems if topic == "gmm-estep" else mstep_problems
        problems = [f"seed {ex.seed}: {p}" for ex in exercises for p in check(ex)]
        sizes = {repr(ex.sizes) for ex in exercises}
        steps = {len(ex.solution.numbered_steps()) for ex in exercises}
        distinct = len({repr(ex.givens) for ex in exercises})
        if len(sizes) != 1:
            problems.append(f"sizes differ: {sorted(sizes)}")
        if len(steps) != 1:
            problems.append(f"step counts differ: {sorted(steps)}")
        if distinct != len(exercises):
            problems.append(f"only {distinct} distinct givens")
        shown = ",".join(f"{k}={v}" for k, v in options.items()) or "-"
        print(f"{topic:9} {level:4} {shown:20} seeds {seeds[0]}-{seeds[-1]}: "
              f"{'ok' if not problems else 'FAIL'}  sizes {next(iter(sizes))}  steps {sorted(steps)}  "
              f"distinct {distinct}/{len(exercises)}  "
              f"properties {sorted({p for ex in exercises for p in ex.properties})}")
        for p in problems[:10]:
            print("   ", p)
        ok = ok and not problems
    return ok


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
