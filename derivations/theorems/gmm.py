"""The theorems of mixtures and K-means: EM never decreases the likelihood, K-means as the small-variance limit
of EM, and Lloyd's algorithm never increases the within-cluster sum of squares.

Every check is named in its step: symbolic ones in SymPy with a symbol for every quantity (K = 2 and 3
components), exhaustive ones over a finite family of exact rational cases (every pair of distributions on
3 points with probabilities in multiples of 1/6; every 1-D data set of 4 points on {0, 1, 2, 3} with 2
centres), seeded random ones with the distribution and the seed named (the project's SplitMix64 stream or
NumPy's ``default_rng``), and runs of the project's own engines (``numerics.gmm.GaussianMixture``,
``numerics.gmm.e_step`` / ``m_step``, ``numerics.gmm.kmeans``). ``tests/test_theorems_gmm.py`` checks the
same claims by hypothesis on other random cases.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import combinations_with_replacement, pairwise, product

from .base import FalseVariant, Theorem, math, search

__all__ = ["THEOREMS"]


def _frac(v) -> str:
    v = Fraction(v)
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


def _vec(vs) -> str:
    return "(" + ", ".join(_frac(v) for v in vs) + ")"


# ====================================================================== EM never decreases the likelihood
def _grid_distributions(m: int, den: int):
    """Every distribution on m points with probabilities in multiples of 1/den (exact)."""
    for parts in product(range(den + 1), repeat=m - 1):
        if sum(parts) <= den:
            yield tuple(Fraction(a, den) for a in parts + (den - sum(parts),))


_GIBBS_FAMILY = "every pair (q, p) of distributions on 3 points with probabilities in multiples of 1/6 (784 pairs)"
_GIBBS_RANDOM = ("500 random pairs of distributions on 2-6 points (q from integer weights 0-9, p from integer "
                 "weights 1-9, each normalised; SplitMix64 stream 'theorems/gmm/gibbs', seed 0)")


def _gibbs_pairs():
    grid = list(_grid_distributions(3, 6))
    return ((q, p) for q in grid for p in grid)


def _gibbs_random():
    from ..exercise.rng import Rng
    rng = Rng(0, stream="theorems/gmm/gibbs")
    for _ in range(500):
        m = rng.integer(2, 6)
        a = [rng.integer(0, 9) for _ in range(m)]
        if not any(a):
            a[rng.below(m)] = 1
        b = [rng.integer(1, 9) for _ in range(m)]
        yield tuple(Fraction(v, sum(a)) for v in a), tuple(Fraction(v, sum(b)) for v in b)


def _exp_neg_kl(q, p) -> Fraction | None:
    """exp(-N KL(q||p)) exactly, N the common denominator of q: prod_i (p_i/q_i)^(N q_i) over q_i > 0.

    KL(q||p) = sum_i q_i ln(q_i/p_i) >= 0 exactly when this is <= 1 (the logarithm is increasing). None
    when some p_i = 0 < q_i (then KL = +oo)."""
    from math import lcm
    N = lcm(*(v.denominator for v in q))
    out = Fraction(1)
    for qi, pi in zip(q, p):
        if qi:
            if not pi:
                return None
            out *= (pi / qi) ** int(qi * N)
    return out


def _kl_nonnegative(case) -> bool:
    """The claim KL(q||p) >= 0, decided exactly."""
    q, p = case
    e = _exp_neg_kl(q, p)
    return e is None or e <= 1


def _kl_zero_iff_equal(case) -> bool:
    q, p = case
    return (_exp_neg_kl(q, p) == 1) == (q == p)


def _kl_float(q, p) -> float:
    from math import log
    return sum(float(qi) * log(qi / pi) for qi, pi in zip(q, p) if qi)


def _jensen(case) -> bool:
    """sum_i q_i ln r_i <= ln sum_i q_i r_i for r_i = p_i/q_i (q_i > 0): prod r_i^(N q_i) <= (sum q_i r_i)^N."""
    from math import lcm
    q, p = case
    N = lcm(*(v.denominator for v in q))
    support = [(qi, pi / qi) for qi, pi in zip(q, p) if qi]
    if any(r == 0 for _, r in support):
        return True  # the left side is -oo
    left = Fraction(1)
    for qi, r in support:
        left *= r ** int(qi * N)
    return left <= sum(qi * r for qi, r in support) ** N


def _decomposition_ok(K: int) -> bool:
    """ln p(x) = L(q) + KL(q || p(z|x)) for K components, with sum q = 1 (q_K eliminated)."""
    import sympy as sp
    q = sp.symbols(f"q_1:{K + 1}", positive=True)
    a = sp.symbols(f"a_1:{K + 1}", positive=True)  # a_k = p(x, z = k)
    px = sum(a)
    lower = sum(q[k] * sp.log(a[k] / q[k]) for k in range(K))
    kl = -sum(q[k] * sp.log((a[k] / px) / q[k]) for k in range(K))
    diff = sp.expand_log(sp.log(px) - lower - kl, force=True)
    diff = sp.expand(diff.subs(q[-1], 1 - sum(q[:-1])))
    return sp.simplify(diff) == 0


def _estep_ok(K: int) -> bool:
    """With q = p(z|x): KL = 0 and L(q) = ln p(x)."""
    import sympy as sp
    a = sp.symbols(f"a_1:{K + 1}", positive=True)
    px = sum(a)
    post = [v / px for v in a]
    lower = sum(post[k] * sp.log(a[k] / post[k]) for k in range(K))
    kl = -sum(post[k] * sp.log(post[k] / post[k]) for k in range(K))
    return kl == 0 and sp.simplify(sp.expand_log(lower - sp.log(px), force=True)) == 0


_EM_TYPES = ("full", "tied", "diag", "spherical")
_EM_SEEDS = range(2)
_EM_TOL = 1e-10
_EM_DATA = ("90 points in the plane, 30 from each of N((0,0), I), N((3,0), I), N((0,3), I) (NumPy default_rng(seed), "
            "seeds 0 and 1)")


def _em_data(seed: int):
    import numpy as np
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(c, 1.0, size=(30, 2)) for c in ((0, 0), (3, 0), (0, 3))])


@lru_cache(maxsize=1)
def _em_histories() -> tuple:
    """(covariance type, seed, the mean log-likelihood after each iteration) of 8 runs of the engine."""
    import warnings

    from ...numerics.gmm import GaussianMixture
    out = []
    for seed in _EM_SEEDS:
        X = _em_data(seed)
        for ct in _EM_TYPES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # max_iter is reached on purpose (tol = 0)
                gm = GaussianMixture(3, covariance_type=ct, reg_covar=0.0, tol=0.0, max_iter=20,
                                     init_params="random", random_state=seed).fit(X)
            out.append((ct, seed, tuple(gm.lower_bounds_)))
    return tuple(out)


def _monotone_history(case, tol: float = _EM_TOL) -> bool:
    _, _, h = case
    return all(b >= a - tol for a, b in pairwise(h))


def _full_covariances(cov, ct: str, K: int, d: int):
    import numpy as np
    if ct == "full":
        return np.asarray(cov)
    if ct == "tied":
        return np.repeat(np.asarray(cov)[None], K, axis=0)
    if ct == "diag":
        return np.array([np.diag(c) for c in cov])
    return np.array([c * np.eye(d) for c in cov])


def _log_joint(X, weights, means, covs, ct):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), shape (n, K), from the covariances by NumPy's Cholesky factor
    (independent of the engine, which works from the precisions' factors)."""
    import numpy as np
    K, d = means.shape
    full = _full_covariances(covs, ct, K, d)
    cols = []
    for k in range(K):
        C = np.linalg.cholesky(full[k])
        z = np.linalg.solve(C, (X - means[k]).T)
        cols.append(np.log(weights[k]) - 0.5 * (d * np.log(2 * np.pi) + (z * z).sum(axis=0))
                    - np.log(np.diag(C)).sum())
    return np.column_stack(cols)


def _logsumexp(A, axis=1):
    import numpy as np
    top = A.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(A - top).sum(axis=axis, keepdims=True))).squeeze(axis)


@lru_cache(maxsize=1)
def _em_chains() -> tuple:
    """For 5 EM steps of 8 runs of the engine's e_step / m_step: the terms of the monotonicity chain."""
    import numpy as np

    from ...numerics.gmm import e_step, m_step
    out = []
    for seed in range(2):
        X = _em_data(seed)
        rng = np.random.default_rng(100 + seed)
        for ct in _EM_TYPES:
            resp = rng.random((len(X), 3))
            resp /= resp.sum(axis=1, keepdims=True)
            theta = m_step(X, resp, ct)
            for _ in range(5):
                _, q = e_step(X, *theta, ct)                      # the E-step: q = p(z | x, theta_old)
                new = m_step(X, q, ct)                            # the M-step: theta_new
                old_joint, new_joint = _log_joint(X, *theta, ct), _log_joint(X, *new, ct)
                with np.errstate(divide="ignore", invalid="ignore"):
                    logq = np.where(q > 0, np.log(q), 0.0)
                    L_old = float(np.sum(q * (old_joint - logq)))
                    L_new = float(np.sum(q * (new_joint - logq)))
                    ll_old = float(_logsumexp(old_joint).sum())
                    ll_new = float(_logsumexp(new_joint).sum())
                    post_new = new_joint - _logsumexp(new_joint)[:, None]
                    kl_new = float(np.sum(np.where(q > 0, q * (logq - post_new), 0.0)))
                out.append((ct, seed, ll_old, L_old, L_new, kl_new, ll_new))
                theta = new
    return tuple(out)


def _chain_holds(case, tol: float = 1e-8) -> bool:
    _, _, ll_old, L_old, L_new, kl_new, ll_new = case
    scale = tol * max(1.0, abs(ll_old))
    return (abs(L_old - ll_old) <= scale and L_new >= L_old - scale and kl_new >= -scale
            and abs(ll_new - (L_new + kl_new)) <= scale and ll_new >= ll_old - scale)


def _em_monotone():
    import sympy as sp

    from ..model import Chain, Prose, Step, checked
    from ..result import Result
    ok_dec = _decomposition_ok(2) and _decomposition_ok(3)
    ln_second = sp.diff(sp.log(sp.Symbol("t", positive=True)), sp.Symbol("t", positive=True), 2)
    ok_concave = ln_second == -1 / sp.Symbol("t", positive=True) ** 2 and bool(ln_second.is_negative)
    bad_j, n_j = search(_gibbs_pairs(), _jensen)
    bad_g, n_g = search(_gibbs_pairs(), _kl_nonnegative)
    bad_gr, n_gr = search(_gibbs_random(), _kl_nonnegative)
    bad_eq, n_eq = search(_gibbs_pairs(), _kl_zero_iff_equal)
    ok_estep = _estep_ok(2) and _estep_ok(3)
    chains = _em_chains()
    bad_chain, n_chain = search(chains, _chain_holds)
    histories = _em_histories()
    bad_h, n_h = search(histories, _monotone_history)
    n_iters = sum(len(h) for _, _, h in histories)
    steps = [
        Step(Prose(("A model with observed ", math("X", "X"), ", a discrete latent ", math("Z", "Z"),
                    " and parameters ", math(r"\theta", "θ"), ". For any distribution ", math("q", "q"),
                    " over Z, the lower bound is ",
                    math(r"\mathcal{L}(q, \theta) = \sum_Z q(Z) \ln \frac{p(X, Z \mid \theta)}{q(Z)}",
                         "L(q, θ) = Σ_Z q(Z) ln(p(X, Z | θ)/q(Z))"),
                    " and the Kullback-Leibler divergence ",
                    math(r"\mathrm{KL}(q \,\|\, p) = -\sum_Z q(Z) \ln \frac{p(Z)}{q(Z)}",
                         "KL(q || p) = -Σ_Z q(Z) ln(p(Z)/q(Z))"), " (a term with q(Z) = 0 counts 0).")),
             why="The lower bound and the divergence.", role="definition"),
        Step(Prose(("q is a probability distribution (", math(r"q \ge 0,\ \sum_Z q(Z) = 1", "q ≥ 0, Σ_Z q(Z) = 1"),
                    "); the posterior is ", math(r"p(Z \mid X, \theta) = p(X, Z \mid \theta) / p(X \mid \theta)",
                                                 "p(Z | X, θ) = p(X, Z | θ) / p(X | θ)"),
                    ". EM's E-step sets q to the posterior at the current ", math(r"\theta^{\mathrm{old}}", "θ_old"),
                    "; its M-step chooses ", math(r"\theta^{\mathrm{new}}", "θ_new"), " with ",
                    math(r"\mathcal{L}(q, \theta^{\mathrm{new}}) \ge \mathcal{L}(q, \theta^{\mathrm{old}})",
                         "L(q, θ_new) ≥ L(q, θ_old)"),
                    " (for a Gaussian mixture it maximises L exactly, as `workedout gmm derive` proves; with "
                    "independent points every sum below is a sum over the points).")),
             why="The premises: normalised distributions, and what the two steps do.", role="premise"),
        Step(Chain(math(r"\ln p(X \mid \theta)", "ln p(X | θ)"),
                   [math(r"\sum_Z q(Z) \ln \frac{p(X, Z \mid \theta)}{q(Z)} - "
                         r"\sum_Z q(Z) \ln \frac{p(Z \mid X, \theta)}{q(Z)}",
                         "Σ_Z q(Z) ln(p(X, Z | θ)/q(Z)) - Σ_Z q(Z) ln(p(Z | X, θ)/q(Z))"),
                    math(r"\mathcal{L}(q, \theta) + \mathrm{KL}\bigl(q \,\|\, p(Z \mid X, \theta)\bigr)",
                         "L(q, θ) + KL(q || p(Z | X, θ))")]),
             why=("The two logarithms differ by ",
                  math(r"\ln \frac{p(X, Z \mid \theta)}{p(Z \mid X, \theta)} = \ln p(X \mid \theta)",
                       "ln(p(X, Z | θ)/p(Z | X, θ)) = ln p(X | θ)"), ", which q's weights sum to once."),
             check=checked("symbolically in SymPy for K = 2 and K = 3 latent values, with positive symbols q_k "
                           "and a_k = p(x, z = k): the logarithms expanded, q_K replaced by 1 - (q_1 + ... + "
                           "q_(K-1)), and ln p(x) - L - KL simplified to 0", ok_dec)),
        Step(Prose(("The logarithm is strictly concave, ",
                    math(r"(\ln t)'' = -1/t^2 < 0", "(ln t)'' = -1/t² < 0"), ", so by Jensen's inequality ",
                    math(r"\sum_i q_i \ln r_i \le \ln \sum_i q_i r_i", "Σ_i q_i ln r_i ≤ ln Σ_i q_i r_i"),
                    " for weights ", math("q_i", "q_i"), " summing to 1 and ", math("r_i > 0", "r_i > 0"), ".")),
             why="Jensen's inequality for the concave logarithm.",
             check=checked("SymPy's second derivative of ln t is -1/t^2, negative for t > 0; Jensen's inequality "
                           f"with r_i = p_i/q_i exactly over {_GIBBS_FAMILY} ({n_j:,} cases, compared as "
                           "prod_i r_i^(N q_i) ≤ (Σ_i q_i r_i)^N with N the denominator of q, in exact rationals)",
                           ok_concave and bad_j is None)),
        Step(Chain(math(r"-\mathrm{KL}(q \,\|\, p) = \sum_{q_i > 0} q_i \ln \frac{p_i}{q_i}",
                        "-KL(q || p) = Σ_(q_i > 0) q_i ln(p_i/q_i)"),
                   [math(r"\ln \sum_{q_i > 0} p_i", "ln Σ_(q_i > 0) p_i"), math(r"\ln 1 = 0", "ln 1 = 0")],
                   rel="\\le", reasons=[("Jensen, with ", math(r"r_i = p_i / q_i", "r_i = p_i/q_i")),
                                        ("p is normalised: ", math(r"\sum_i p_i = 1", "Σ_i p_i = 1"))]),
             why="Gibbs' inequality: KL(q || p) ≥ 0 for distributions q and p.",
             check=checked(f"exactly over {_GIBBS_FAMILY} ({n_g:,} cases: KL ≥ 0 decided as "
                           "prod_i (p_i/q_i)^(N q_i) ≤ 1 in exact rationals), and on "
                           f"{_GIBBS_RANDOM} ({n_gr:,} cases, the same exact test)", bad_g is None and bad_gr is None)),
        Step(Prose(("Equality holds exactly when ", math("q = p", "q = p"), ". The E-step sets ",
                    math(r"q = p(Z \mid X, \theta^{\mathrm{old}})", "q = p(Z | X, θ_old)"), ", so ",
                    math(r"\mathrm{KL} = 0", "KL = 0"), " and ",
                    math(r"\mathcal{L}(q, \theta^{\mathrm{old}}) = \ln p(X \mid \theta^{\mathrm{old}})",
                         "L(q, θ_old) = ln p(X | θ_old)"), ": the bound touches the log-likelihood.")),
             why="The E-step closes the gap.",
             check=checked(f"KL = 0 exactly when q = p over {_GIBBS_FAMILY} ({n_eq:,} cases, exact); "
                           "symbolically in SymPy for K = 2 and 3 with q_k = a_k/(a_1 + ... + a_K): KL is 0 and "
                           "L - ln p(x) simplifies to 0", bad_eq is None and ok_estep)),
        Step(Chain(math(r"\ln p(X \mid \theta^{\mathrm{new}})", "ln p(X | θ_new)"),
                   [math(r"\mathcal{L}(q, \theta^{\mathrm{new}})", "L(q, θ_new)"),
                    math(r"\mathcal{L}(q, \theta^{\mathrm{old}}) = \ln p(X \mid \theta^{\mathrm{old}})",
                         "L(q, θ_old) = ln p(X | θ_old)")],
                   rel="\\ge", reasons=[("it is ", math(r"\mathcal{L} + \mathrm{KL}", "L + KL"), " at ",
                                          math(r"\theta^{\mathrm{new}}", "θ_new"), ", and ",
                                          math(r"\mathrm{KL} \ge 0", "KL ≥ 0"), " (Gibbs)"),
                                         "the M-step raises L; the E-step made KL = 0"]),
             why="Chain the steps: one EM iteration cannot lower the log-likelihood.",
             check=checked(f"on {n_chain} EM steps of a 3-component Gaussian mixture (the engine's "
                           "numerics.gmm.e_step and m_step, reg_covar = 0, all four covariance types, 5 steps from "
                           f"random responsibilities (default_rng(100 + seed)) on {_EM_DATA}): "
                           "every term of the chain computed independently from the Gaussian densities (NumPy's Cholesky factor of each covariance), each "
                           "equality to 1e-8 relative and each inequality to the same tolerance", bad_chain is None)),
        Step(Prose(("Hence the log-likelihood is non-decreasing along EM's iterations: ",
                    math(r"\ln p(X \mid \theta^{(t+1)}) \ge \ln p(X \mid \theta^{(t)})",
                         "ln p(X | θ^(t+1)) ≥ ln p(X | θ^(t))"), " for every t.")),
             why="By induction on the iterations.",
             check=checked(f"on {n_h} runs of numerics.gmm.GaussianMixture (3 components, each covariance type, "
                           "reg_covar = 0, tol = 0, 20 iterations, init_params 'random', random_state = seed) on "
                           f"{_EM_DATA}: the mean log-likelihood per sample recorded after each iteration "
                           f"(lower_bounds_, {n_iters} values) never falls by more than {_EM_TOL:g}",
                           bad_h is None)),
    ]
    return Result(kind="theorem.em_monotone", title="EM never decreases the likelihood",
                  theorem=("For any distribution q over the latent variables, ",
                           math(r"\ln p(X \mid \theta) = \mathcal{L}(q, \theta) + "
                                r"\mathrm{KL}\bigl(q \,\|\, p(Z \mid X, \theta)\bigr)",
                                "ln p(X | θ) = L(q, θ) + KL(q || p(Z | X, θ))"),
                           " with KL ≥ 0; hence an E-step followed by an M-step never decreases the "
                           "log-likelihood: ", math(r"\ln p(X \mid \theta^{\mathrm{new}}) \ge "
                                                    r"\ln p(X \mid \theta^{\mathrm{old}})",
                                                    "ln p(X | θ_new) ≥ ln p(X | θ_old)"), "."),
                  steps=steps)


def _unnormalised_pairs():
    """q on the 1/6 grid, p any weights in {1/6, ..., 6/6} on 3 points (most not summing to 1)."""
    weights = [Fraction(a, 6) for a in range(1, 7)]
    return ((q, p) for q in _grid_distributions(3, 6) for p in product(weights, repeat=3))


def _em_monotone_false() -> FalseVariant:
    case, n = search(_unnormalised_pairs(), _kl_nonnegative)
    text, detail = None, {}
    if case is not None:
        q, p = case
        text = (f"q = {_vec(q)}, p = {_vec(p)} (Σ p = {_frac(sum(p))}): KL(q || p) = "
                f"{_kl_float(q, p):.4f} < 0 (exactly: prod (p_i/q_i)^(6 q_i) = {_frac(_exp_neg_kl(q, p))} > 1)")
        detail = {"q": [_frac(v) for v in q], "p": [_frac(v) for v in p], "kl": _kl_float(q, p)}
    return FalseVariant("em-monotone", "Gibbs' inequality without normalisation: KL(q || p) ≥ 0 for every "
                        "distribution q and all positive weights p, whether or not they sum to 1.",
                        "The proof's exact test of KL(q || p) ≥ 0, over q with probabilities in multiples of 1/6 "
                        "and p with weights in {1/6, ..., 1} on 3 points (6,048 pairs).", text, detail, n)


# ====================================================================== K-means as the small-variance limit
def _hard_limit(d, pi):
    """The K-means assignment with ties split by the weights: pi_k / (sum of the tied pi_j) at the nearest."""
    import sympy as sp
    best = min(d)
    tied = [k for k, v in enumerate(d) if v == best]
    total = sum(pi[k] for k in tied)
    return [sp.nsimplify(pi[k] / total) if k in tied else sp.Integer(0) for k in range(len(d))]


def _limit_claim(case) -> bool:
    """SymPy's limit as sigma -> 0+ of the responsibilities of N(x | mu_k, c_k sigma² I) (dimension D, squared
    distances d_k, weights pi_k) equals the nearest-mean assignment (ties split by the weights)."""
    import sympy as sp
    d, c, pi, D = case
    s = sp.Symbol("sigma", positive=True)
    dens = [pi[k] * (2 * sp.pi * c[k] * s ** 2) ** sp.Rational(-D, 2) * sp.exp(-sp.Integer(d[k]) / (2 * c[k] * s ** 2))
            for k in range(len(d))]
    total = sum(dens)
    want = _hard_limit(d, pi)
    return all(sp.limit(dens[k] / total, s, 0, "+") == want[k] for k in range(len(d)))


def _limit_cases():
    """K = 2: every d in {0, 1, 2}²; K = 3: every d_1 <= d_2 <= d_3 in {0, 1, 2} (equal weights: the other
    orders are the same cases with the components renamed)."""
    half, third = _rational(1, 2), _rational(1, 3)
    for d in product(range(3), repeat=2):
        yield d, (1, 1), (half, half), 2
    for d in combinations_with_replacement(range(3), 3):
        yield d, (1, 1, 1), (third, third, third), 2


def _rational(a, b):
    import sympy as sp
    return sp.Rational(a, b)


def _own_variance_cases():
    """The same distances without ties, but component k has its own variance c_k sigma² (c_k in {1, 4})."""
    half = _rational(1, 2)
    for c in product((1, 4), repeat=2):
        for d in product(range(4), repeat=2):
            if d[0] != d[1]:
                yield d, c, (half, half), 2


def _kmeans_limit():
    import itertools

    import sympy as sp

    from ..model import Chain, Prose, Step, checked
    from ..result import Result
    s = sp.Symbol("sigma", positive=True)
    # the normaliser cancels: D = 1, 2 and K = 2, 3 with symbolic distances and weights
    ok_cancel = True
    for K, D in itertools.product((2, 3), (1, 2)):
        d = sp.symbols(f"d_1:{K + 1}", nonnegative=True)
        pi = sp.symbols(f"pi_1:{K + 1}", positive=True)
        dens = [pi[k] * (2 * sp.pi * s ** 2) ** sp.Rational(-D, 2) * sp.exp(-d[k] / (2 * s ** 2)) for k in range(K)]
        plain = [pi[k] * sp.exp(-d[k] / (2 * s ** 2)) for k in range(K)]
        form = [1 / (1 + sum(pi[j] / pi[k] * sp.exp(-(d[j] - d[k]) / (2 * s ** 2)) for j in range(K) if j != k))
                for k in range(K)]
        for k in range(K):
            ok_cancel &= sp.cancel(dens[k] / sum(dens) - plain[k] / sum(plain)) == 0
            ok_cancel &= sp.cancel(sp.expand(sp.powsimp(plain[k] / sum(plain) - form[k], force=True))) == 0
    # the limit of 1 / (1 + r_1 exp(-e_1 delta_1/2 sigma²) + r_2 exp(-e_2 delta_2/2 sigma²)) for every sign pattern
    r1, r2, d1, d2 = sp.symbols("r_1 r_2 delta_1 delta_2", positive=True)
    want = {(1, 1): 1, (1, 0): 1 / (1 + r2), (0, 1): 1 / (1 + r1), (0, 0): 1 / (1 + r1 + r2)}
    ok_lim = True
    n_lim = 0
    for e in itertools.product((1, 0, -1), repeat=2):
        g = 1 / (1 + r1 * sp.exp(-e[0] * d1 / (2 * s ** 2)) + r2 * sp.exp(-e[1] * d2 / (2 * s ** 2)))
        ok_lim &= sp.simplify(sp.limit(g, s, 0, "+") - want.get(e, 0)) == 0
        n_lim += 1
    for e in (1, 0, -1):
        g = 1 / (1 + r1 * sp.exp(-e * d1 / (2 * s ** 2)))
        ok_lim &= sp.simplify(sp.limit(g, s, 0, "+") - {1: 1, 0: 1 / (1 + r1), -1: 0}[e]) == 0
        n_lim += 1
    bad, n = search(_limit_cases(), _limit_claim)
    gamma = math(r"\gamma_k(x)", "γ_k(x)")
    steps = [
        Step(Prose(("A mixture of K Gaussians in D dimensions, ",
                    math(r"p(x) = \sum_k \pi_k \mathcal{N}(x \mid \mu_k, \Sigma_k)", "p(x) = Σ_k π_k N(x | μ_k, Σ_k)"),
                    "; the responsibility of component k for x is ",
                    math(r"\gamma_k(x) = \frac{\pi_k \mathcal{N}(x \mid \mu_k, \Sigma_k)}"
                         r"{\sum_j \pi_j \mathcal{N}(x \mid \mu_j, \Sigma_j)}",
                         "γ_k(x) = π_k N(x | μ_k, Σ_k) / Σ_j π_j N(x | μ_j, Σ_j)"),
                    ", and ", math(r"d_k = \lVert x - \mu_k \rVert^2", "d_k = ||x - μ_k||²"),
                    " is the squared distance to mean k.")),
             why="The responsibilities (the E-step).", role="definition"),
        Step(Prose(("Every component has the same spherical covariance ",
                    math(r"\Sigma_k = \sigma^2 I", "Σ_k = σ² I"), " (one σ for all k), the weights are fixed and "
                    "positive, ", math(r"\pi_k > 0", "π_k > 0"), ", and ", math(r"\sigma \to 0^+", "σ → 0+"), ".")),
             why="The premises (a shared variance is essential: see the false variant).", role="premise"),
        Step(Chain(gamma,
                   [math(r"\frac{\pi_k e^{-d_k / 2\sigma^2}}{\sum_j \pi_j e^{-d_j / 2\sigma^2}}",
                         "π_k exp(-d_k/2σ²) / Σ_j π_j exp(-d_j/2σ²)"),
                    math(r"\Bigl(1 + \sum_{j \ne k} \frac{\pi_j}{\pi_k}\, e^{-(d_j - d_k) / 2\sigma^2}\Bigr)^{-1}",
                         "1 / (1 + Σ_(j≠k) (π_j/π_k) exp(-(d_j - d_k)/2σ²))")]),
             why=("The normaliser ", math(r"(2\pi\sigma^2)^{-D/2}", "(2πσ²)^(-D/2)"),
                  " is common to every component and cancels; then divide by the numerator."),
             check=checked("symbolically in SymPy for K = 2, 3 components in D = 1, 2 dimensions, with symbols for "
                           "the distances and the weights: both differences (the exponentials combined) cancelled to 0", ok_cancel)),
        Step(Prose(("As ", math(r"\sigma \to 0^+", "σ → 0+"), ", a term with ", math("d_j > d_k", "d_j > d_k"),
                    " tends to 0 and one with ", math("d_j < d_k", "d_j < d_k"), " grows without bound, so ",
                    math(r"\gamma_k(x) \to 1", "γ_k(x) → 1"), " when mean k is strictly the nearest and ",
                    math(r"\gamma_k(x) \to 0", "γ_k(x) → 0"),
                    " when another mean is nearer: the hard nearest-mean assignment of K-means. When t means tie "
                    "for the nearest the tied terms stay ", math(r"\pi_j / \pi_k", "π_j/π_k"), " and ",
                    math(r"\gamma_k \to \pi_k / \sum_{j \text{ tied}} \pi_j", "γ_k → π_k / Σ_(j tied) π_j"),
                    ": 1/2 for two tied means of equal weight.")),
             why="The limit, term by term.",
             check=checked(f"SymPy's limit as σ → 0+ of the last form with symbolic ratios r_j = π_j/π_k > 0 and gaps "
                           f"δ_j > 0, for every sign pattern of d_j - d_k (positive, tie, negative) with one and two "
                           f"other components ({n_lim} limits); and the limit of every responsibility computed from "
                           "the full Gaussian densities (D = 2) for explicit squared distances, every d in "
                           "{0, 1, 2}^2 (K = 2, weights 1/2) and every d_1 ≤ d_2 ≤ d_3 in {0, 1, 2} (K = 3, weights "
                           f"1/3; the other orders rename the components), ties included ({n} configurations), equal to the nearest-mean assignment with ties split "
                           "by the weights", ok_lim and bad is None)),
    ]
    return Result(kind="theorem.kmeans_limit", title="K-means is the small-variance limit of EM",
                  theorem=("For a Gaussian mixture whose components share the covariance ",
                           math(r"\sigma^2 I", "σ² I"), ", as ", math(r"\sigma \to 0^+", "σ → 0+"),
                           " the responsibilities tend to the hard assignment of K-means: ",
                           math(r"\gamma_k(x) \to 1", "γ_k(x) → 1"), " if ", math(r"\mu_k", "μ_k"),
                           " is the unique nearest mean to x and 0 otherwise (t means tied for the nearest share "
                           "the responsibility in proportion to their weights, 1/t each for equal weights)."),
                  steps=steps)


def _kmeans_limit_false() -> FalseVariant:
    case, n = search(_own_variance_cases(), _limit_claim)
    text, detail = None, {}
    if case is not None:
        import sympy as sp
        d, c, pi, D = case
        s = sp.Symbol("sigma", positive=True)
        dens = [pi[k] * (2 * sp.pi * c[k] * s ** 2) ** sp.Rational(-D, 2) * sp.exp(-sp.Integer(d[k]) / (2 * c[k] * s ** 2))
                for k in range(len(d))]
        lims = [sp.limit(v / sum(dens), s, 0, "+") for v in dens]
        text = (f"squared distances d = {_vec(d)}, variances ({', '.join('σ^2' if v == 1 else f'{v}σ^2' for v in c)}), "
                f"weights 1/2: "
                f"the limits of the responsibilities are ({', '.join(str(v) for v in lims)}), but the nearest "
                f"mean is mean {d.index(min(d)) + 1} (d_k / c_k decides, not d_k)")
        detail = {"distances": list(d), "variance_factors": list(c), "limits": [str(v) for v in lims]}
    return FalseVariant("kmeans-limit", "The small-variance limit gives the nearest-mean assignment even when "
                        "each component has its own variance c_k σ^2 (c_k in {1, 4}), for every point with a unique "
                        "nearest mean.",
                        "The proof's SymPy limit of every responsibility against the nearest-mean assignment, "
                        "over every d in {0, ..., 3}^2 without a tie (K = 2, D = 2) and every c in {1, 4}^2.", text, detail, n)


# ====================================================================== Lloyd's algorithm never increases the SSE
def _sse(points, labels, centres) -> Fraction:
    return sum((sum((a - b) ** 2 for a, b in zip(x, centres[c])) for x, c in zip(points, labels)), Fraction(0))


def _assign(points, centres):
    return tuple(min(range(len(centres)), key=lambda k: sum((a - b) ** 2 for a, b in zip(x, centres[k])))
                 for x in points)


def _mean(cluster):
    return tuple(sum(c) / len(cluster) for c in zip(*cluster))


def _median(cluster):
    out = []
    for coords in zip(*cluster):
        v = sorted(coords)
        m = len(v)
        out.append(v[m // 2] if m % 2 else (v[m // 2 - 1] + v[m // 2]) / 2)
    return tuple(out)


def _update(points, labels, centres, rule=_mean):
    """Each centre to ``rule`` of its points; a centre with no points stays where it is."""
    return tuple(rule([x for x, c in zip(points, labels) if c == k]) if k in labels else centres[k]
                 for k in range(len(centres)))


def _assignment_claim(case) -> bool:
    points, labels, centres = case
    return _sse(points, _assign(points, centres), centres) <= _sse(points, labels, centres)


def _update_claim(rule):
    def claim(case) -> bool:
        points, labels, centres = case
        return _sse(points, labels, _update(points, labels, centres, rule)) <= _sse(points, labels, centres)
    return claim


_LLOYD_FAMILY = ("every data set of 3 points on the line with coordinates in {0, 1, 2, 3} (20 multisets), every "
                 "labelling into 2 clusters (8) and every pair of centres in {0, 1, 2, 3} (16)")
_LLOYD_RANDOM = ("150 random data sets of 3-8 points in the plane with integer coordinates 0-9, K = 2 or 3, "
                 "initial centres random points with coordinates 0-9 (SplitMix64 stream 'theorems/gmm/lloyd', "
                 "seed 0), Lloyd's two steps iterated to convergence in exact rationals")


def _lloyd_grid():
    grid = [Fraction(v) for v in range(4)]
    for pts in combinations_with_replacement(grid, 3):
        points = tuple((v,) for v in pts)
        for labels in product(range(2), repeat=3):
            for c in product(grid, repeat=2):
                yield points, labels, tuple((v,) for v in c)


def _lloyd_random():
    """Every intermediate state (points, labels, centres) of Lloyd runs on random data sets."""
    from ..exercise.rng import Rng
    rng = Rng(0, stream="theorems/gmm/lloyd")
    for _ in range(150):
        n, K = rng.integer(3, 8), rng.integer(2, 3)
        points = tuple((Fraction(rng.integer(0, 9)), Fraction(rng.integer(0, 9))) for _ in range(n))
        centres = tuple((Fraction(rng.integer(0, 9)), Fraction(rng.integer(0, 9))) for _ in range(K))
        labels = tuple(rng.integer(0, K - 1) for _ in range(n))
        for _ in range(20):
            yield points, labels, centres                 # before the assignment step
            labels = _assign(points, centres)
            yield points, labels, centres                 # before the update step
            new = _update(points, labels, centres)
            if new == centres:
                break
            centres = new


def _engine_inertias():
    """numerics.gmm.kmeans from given centres with max_iter = 1..8: the inertia after each number of iterations."""
    import warnings

    import numpy as np

    from ...numerics.gmm import kmeans
    out = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(40, 2)) + rng.integers(0, 3, size=(40, 1)) * np.array([3.0, 0.0])
        init = X[:3].copy()
        series = []
        for t in range(1, 9):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                series.append(kmeans(X, 3, init=init, max_iter=t, tol=0.0).inertia)
        out.append((seed, tuple(series)))
    return out


def _non_increasing(case) -> bool:
    _, series = case
    return all(b <= a * (1 + 1e-12) + 1e-12 for a, b in pairwise(series))


def _mean_minimises() -> tuple[bool, bool]:
    """d/dm sum (x_i - m)² = 0 at the mean, second derivative 2n; and the identity
    sum ||x_i - m||² = sum ||x_i - xbar||² + n ||m - xbar||² in the plane, n = 1..4."""
    import sympy as sp
    ok_stat = True
    for n in range(1, 6):
        x = sp.symbols(f"x_1:{n + 1}", real=True)
        m = sp.Symbol("m", real=True)
        f = sum((xi - m) ** 2 for xi in x)
        sol = sp.solve(sp.diff(f, m), m)
        ok_stat &= len(sol) == 1 and sp.simplify(sol[0] - sum(x) / n) == 0 and sp.diff(f, m, 2) == 2 * n
    ok_id = True
    for n in range(1, 5):
        xs = [sp.symbols(f"x_{i}1 x_{i}2", real=True) for i in range(1, n + 1)]
        m = sp.symbols("m_1 m_2", real=True)
        bar = [sum(v[j] for v in xs) / n for j in range(2)]
        left = sum((v[j] - m[j]) ** 2 for v in xs for j in range(2))
        right = sum((v[j] - bar[j]) ** 2 for v in xs for j in range(2)) + n * sum((m[j] - bar[j]) ** 2 for j in range(2))
        ok_id &= sp.expand(left - right) == 0
    return ok_stat, ok_id


def _lloyd_monotone():
    from ..model import Chain, Prose, Step, checked
    from ..result import Result
    ok_stat, ok_id = _mean_minimises()
    bad_a, n_a = search(_lloyd_grid(), _assignment_claim)
    bad_u, n_u = search(_lloyd_grid(), _update_claim(_mean))
    states = list(_lloyd_random())
    bad_ar, n_ar = search(states, _assignment_claim)
    bad_ur, n_ur = search(states, _update_claim(_mean))
    bad_e, n_e = search(_engine_inertias(), _non_increasing)
    steps = [
        Step(Prose(("For points ", math("x_1, \\dots, x_n", "x_1, ..., x_n"), ", an assignment ",
                    math(r"c(i) \in \{1, \dots, K\}", "c(i) ∈ {1, ..., K}"), " and centres ",
                    math(r"\mu_1, \dots, \mu_K", "μ_1, ..., μ_K"), ", the within-cluster sum of squares is ",
                    math(r"J(c, \mu) = \sum_i \lVert x_i - \mu_{c(i)} \rVert^2",
                         "J(c, μ) = Σ_i ||x_i - μ_c(i)||²"),
                    ". Lloyd's algorithm alternates the assignment step, each point to its nearest centre (ties to "
                    "the lowest index), and the update step, each centre to the mean of its points (a centre with "
                    "no points stays).")),
             why="The objective and the two steps.", role="definition"),
        Step(Prose(("The distance is the Euclidean one, squared (the squared norm is a sum over coordinates).",)),
             why="The premise: the objective the mean minimises.", role="premise"),
        Step(Chain(math(r"J(c', \mu) = \sum_i \min_k \lVert x_i - \mu_k \rVert^2",
                        "J(c', μ) = Σ_i min_k ||x_i - μ_k||²"),
                   [math(r"\sum_i \lVert x_i - \mu_{c(i)} \rVert^2 = J(c, \mu)", "Σ_i ||x_i - μ_c(i)||² = J(c, μ)")],
                   rel="\\le", reasons=["a minimum is at most any one of its values"]),
             why=("The assignment step gives each point its nearest centre, ",
                  math(r"c'(i) = \arg\min_k \lVert x_i - \mu_k \rVert^2", "c'(i) = argmin_k ||x_i - μ_k||²"),
                  ": for fixed centres it minimises J over the assignments, term by term."),
             check=checked(f"exactly over {_LLOYD_FAMILY} ({n_a:,} cases), and at every assignment step of "
                           f"{_LLOYD_RANDOM} ({n_ar:,} states, including the update states)",
                           bad_a is None and bad_ar is None)),
        Step(Chain(math(r"\sum_{i \in C_k} \lVert x_i - m \rVert^2", "Σ_(i ∈ C_k) ||x_i - m||²"),
                   [math(r"\sum_{i \in C_k} \lVert x_i - \bar{x}_k \rVert^2 + |C_k|\, \lVert m - \bar{x}_k \rVert^2",
                         "Σ_(i ∈ C_k) ||x_i - x̄_k||² + |C_k| ||m - x̄_k||²")],
                   reasons=[("expand around ", math(r"\bar{x}_k", "x̄_k"), ": the cross term is 0")]),
             why=("The mean ", math(r"\bar{x}_k", "x̄_k"), " of cluster ", math("C_k", "C_k"),
                  " minimises the sum of squared distances: the second term is ≥ 0 and 0 only at ",
                  math(r"m = \bar{x}_k", "m = x̄_k"), " (equivalently, the derivative ",
                  math(r"-2\sum_i (x_i - m)", "-2 Σ_i (x_i - m)"),
                  " vanishes only at the mean and the second derivative is ", math("2|C_k| > 0", "2|C_k| > 0"), ")."),
             check=checked("symbolically in SymPy: d/dm Σ (x_i - m)^2 = 0 solved to the mean with second derivative "
                           "2n for n = 1..5 points (one coordinate); the identity Σ ||x_i - m||^2 = Σ ||x_i - mean||^2 + "
                           "n ||m - mean||^2 expanded to 0 for n = 1..4 points in the plane", ok_stat and ok_id)),
        Step(Chain(math(r"J(c', \mu')", "J(c', μ')"), [math(r"J(c', \mu)", "J(c', μ)")], rel="\\le"),
             why="The update step minimises J over the centres for the fixed assignment, cluster by cluster.",
             check=checked(f"exactly over {_LLOYD_FAMILY} ({n_u:,} cases), and at every update step of "
                           f"{_LLOYD_RANDOM} ({n_ur:,} states)", bad_u is None and bad_ur is None)),
        Step(Prose(("Hence each iteration gives ", math(r"J(c', \mu') \le J(c', \mu) \le J(c, \mu)",
                                                        "J(c', μ') ≤ J(c', μ) ≤ J(c, μ)"),
                    ": J never increases from one iteration to the next.")),
             why="Chain the two steps.",
             check=checked(f"on the project's engine numerics.gmm.kmeans: {n_e} data sets of 40 points in the plane "
                           "(NumPy default_rng(seed), seeds 0-9, 3 clusters from the first 3 points), the inertia "
                           "after 1, 2, ..., 8 iterations never increases (to 1e-12 relative)", bad_e is None)),
    ]
    return Result(kind="theorem.lloyd_monotone", title="Lloyd's algorithm never increases the within-cluster "
                                                       "sum of squares",
                  theorem=("Each step of Lloyd's algorithm is a minimisation of ",
                           math(r"J = \sum_i \lVert x_i - \mu_{c(i)} \rVert^2", "J = Σ_i ||x_i - μ_c(i)||²"),
                           " (over the assignment with the centres fixed, then over the centres with the assignment "
                           "fixed), so J never increases from one iteration to the next."),
                  steps=steps)


def _lloyd_false() -> FalseVariant:
    case, n = search(_lloyd_grid(), _update_claim(_median))
    text, detail = None, {}
    if case is not None:
        points, labels, centres = case
        new = _update(points, labels, centres, _median)
        shown = ", ".join(_frac(x[0]) for x in points)
        text = (f"points ({shown}) labelled {tuple(c + 1 for c in labels)}, centres "
                f"({', '.join(_frac(c[0]) for c in centres)}): J = {_frac(_sse(points, labels, centres))}; the "
                f"medians ({', '.join(_frac(c[0]) for c in new)}) give J = {_frac(_sse(points, labels, new))}")
        detail = {"points": [_frac(x[0]) for x in points], "labels": [c + 1 for c in labels],
                  "centres": [_frac(c[0]) for c in centres], "medians": [_frac(c[0]) for c in new],
                  "sse_before": _frac(_sse(points, labels, centres)), "sse_after": _frac(_sse(points, labels, new))}
    return FalseVariant("lloyd-monotone", "The update step with the coordinate-wise median in place of the mean "
                        "never increases the within-cluster sum of squares.",
                        f"The proof's exact check of the update step, over {_LLOYD_FAMILY}.", text, detail, n)


THEOREMS = [
    Theorem("em-monotone", "gmm", "EM never decreases the likelihood: ln p(X | θ) = L(q, θ) + KL(q || p(Z | X, θ)) "
            "with KL ≥ 0.", _em_monotone, _em_monotone_false),
    Theorem("kmeans-limit", "kmeans", "As a shared variance σ^2 → 0, EM's responsibilities become K-means' hard "
            "nearest-mean assignment.", _kmeans_limit, _kmeans_limit_false),
    Theorem("lloyd-monotone", "kmeans", "Lloyd's algorithm never increases the within-cluster sum of squares: "
            "both of its steps minimise it.", _lloyd_monotone, _lloyd_false),
]
