r"""The small language in which the EM updates are written, read and compared.

A final update is written for a generic component ``k`` (and coordinate
``j`` for the diagonal covariance), as in the lecture notes::

    means        sum(gamma_ik*x_i)/N_k
    weights      N_k/N
    full         sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k
    tied         sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k)), k)/N
    diag         sum(gamma_ik*(x_ij - mu_kj)^2)/N_k
    spherical    sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/(d*N_k)
    responsibilities   pi_k*normal(x_i, mu_k, Sigma_k)/sum(pi_k*normal(x_i, mu_k, Sigma_k), k)

Names: ``x_i`` (data point i, a d-vector), ``x_ij`` (its coordinate j),
``gamma_ik`` (responsibility), ``mu_k`` / ``mu_kj`` (the mean of component k:
in the covariance updates the *updated* mean), ``N_k`` (= sum over i of
gamma_ik), ``N`` (= the sum of the N_k, which is n), ``n``, ``d``, ``K``, and
for the E-step the current parameters ``pi_k``, ``mu_k``, ``Sigma_k``.
Functions: ``sum(e)`` over i = 1..n, ``sum(e, k)`` over components,
``sum(e, j)`` over coordinates; ``dot(a, b)`` = a^T b, ``outer(a, b)`` =
a b^T, ``norm(a)``, ``trace(A)``, ``diag(A)`` (the diagonal as a vector),
``normal(x, m, S)``; and ``exp log sqrt``, numbers, ``+ - * / ^``. The text
is read by :func:`derivations.exact.parse_expression` (a whitelist over
Python's syntax tree: nothing is evaluated as code).

Two updates are compared by evaluating both, exactly, on seeded random
instances (rational data, responsibilities whose rows sum to 1): two
different rational functions agree on random points only by accident, and
a wrong answer is then matched against a catalogue of classic mistakes to
say *why* it is wrong.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ..exact import bounded_exp, bounded_power, parse_expression

__all__ = ["CANONICAL", "KEYS", "parse_update", "evaluate_update", "Instance", "random_instance",
           "compare_update", "UpdateError"]

CANONICAL = {
    "responsibilities": "pi_k*normal(x_i, mu_k, Sigma_k)/sum(pi_k*normal(x_i, mu_k, Sigma_k), k)",
    "means": "sum(gamma_ik*x_i)/N_k",
    "weights": "N_k/N",
    "full": "sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k",
    "tied": "sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k)), k)/N",
    "diag": "sum(gamma_ik*(x_ij - mu_kj)^2)/N_k",
    "spherical": "sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/(d*N_k)",
}

#: What each update is, and for which free indices it is evaluated.
KEYS = {
    "responsibilities": ("the responsibility gamma_ik", "scalar", ("i", "k")),
    "means": ("the mean of component k", "vector", ("k",)),
    "weights": ("the weight of component k", "scalar", ("k",)),
    "full": ("the covariance matrix of component k", "matrix", ("k",)),
    "tied": ("the shared covariance matrix", "matrix", ()),
    "diag": ("the variances of component k (one per coordinate)", "vector", ("k",)),
    "spherical": ("the variance of component k", "scalar", ("k",)),
}

# Classic mistakes: (expression, why it is wrong).
MISTAKES = {
    "means": [
        ("sum(gamma_ik*x_i)/N", "divides by N (all points) instead of N_k = sum_i gamma_ik"),
        ("sum(gamma_ik*x_i)", "is not normalised: divide by N_k = sum_i gamma_ik"),
        ("sum(x_i)/n", "ignores the responsibilities: that is the mean of all the data"),
        ("sum(gamma_ik*x_i)/K", "divides by K instead of N_k = sum_i gamma_ik"),
    ],
    "weights": [
        ("N_k", "is not normalised: the weights must sum to 1, divide by N"),
        ("1/K", "ignores the responsibilities: these are uniform weights"),
        ("N_k/K", "divides by K instead of N = sum_k N_k"),
    ],
    "full": [
        ("sum(gamma_ik*outer(x_i, x_i))/N_k", "is not centred: use x_i - mu_k (or subtract outer(mu_k, mu_k))"),
        ("sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N",
         "divides by N instead of N_k: that is the component's share of a tied covariance"),
        ("sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/(N_k - 1)",
         "divides by N_k - 1: the maximum-likelihood update divides by N_k (no Bessel correction)"),
        ("sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))", "is not normalised: divide by N_k"),
        ("sum(outer(x_i - mu_k, x_i - mu_k))/N_k", "drops the responsibilities gamma_ik inside the sum"),
        ("sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/(d*N_k)", "has a spurious factor 1/d"),
    ],
    "tied": [
        ("sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k, k)/K",
         "averages the per-component covariances with equal weights 1/K; the tied update weights "
         "them by N_k/N, i.e. pools all the scatter and divides by N"),
        ("sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k))/N_k, k)",
         "sums the per-component covariances; pool the scatter and divide by N instead"),
        ("sum(sum(gamma_ik*outer(x_i - mu_k, x_i - mu_k)), k)/(N - K)",
         "divides by N - K: the maximum-likelihood update divides by N"),
        ("sum(sum(gamma_ik*outer(x_i, x_i)), k)/N", "is not centred: use x_i - mu_k"),
    ],
    "diag": [
        ("sum(gamma_ik*(x_ij - mu_kj)^2)/N", "divides by N instead of N_k"),
        ("sum(gamma_ik*x_ij^2)/N_k", "is not centred: use x_ij - mu_kj"),
        ("sum(gamma_ik*(x_ij - mu_kj)^2)/(N_k - 1)",
         "divides by N_k - 1: the maximum-likelihood update divides by N_k"),
        ("sum(gamma_ik*(x_ij - mu_kj)^2)", "is not normalised: divide by N_k"),
        ("sum(gamma_ik*x_i)/N_k", "is the mean of component k (the mean update), not its variances"),
    ],
    "spherical": [
        ("sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/N_k",
         "is missing the factor 1/d: sigma_k^2 is the average over the d coordinates"),
        ("sum(gamma_ik*dot(x_i - mu_k, x_i - mu_k))/(d*N)", "divides by d N instead of d N_k"),
        ("sum(gamma_ik*dot(x_i, x_i))/(d*N_k)", "is not centred: use x_i - mu_k"),
    ],
    "responsibilities": [
        ("normal(x_i, mu_k, Sigma_k)/sum(normal(x_i, mu_k, Sigma_k), k)",
         "drops the mixing weights pi_k (prior times likelihood, over the evidence)"),
        ("pi_k*normal(x_i, mu_k, Sigma_k)", "is not normalised: divide by the evidence, sum over k of the same"),
    ],
}


MAX_SUMS = 3  # nested sum()s evaluated: 3 is every update's i, j and k


class UpdateError(ValueError):
    """An update that cannot be read or evaluated (the message says why)."""


# ------------------------------------------------------------------- reading
_i, _j, _k = sp.symbols("i j k", integer=True, positive=True)
_INDEX = {"i": _i, "j": _j, "k": _k}
# name -> (indices it needs); each becomes a plain SymPy symbol while parsing
_NAMES = {"x_i": "i", "x_ij": "ij", "gamma_ik": "ik", "mu_k": "k", "mu_kj": "kj", "N_k": "k", "N": "",
          "n": "", "d": "", "K": "", "pi_k": "k", "Sigma_k": "k"}
_SYMBOLS = {name: sp.Symbol(name) for name in _NAMES}


def _function(name: str, arities: tuple):
    F = sp.Function(name)

    def make(*args):
        if len(args) not in arities:
            want = " or ".join(str(a) for a in arities)
            raise ValueError(f"{name}() takes {want} argument(s), got {len(args)}")
        if name == "sum" and len(args) == 2 and args[1] not in _INDEX.values():
            raise ValueError("the second argument of sum() is the index to sum over: i, j or k")
        return F(*args)
    make.function = F
    return make


_FUNCTIONS = {"sum": _function("sum", (1, 2)), "dot": _function("dot", (2,)), "outer": _function("outer", (2,)),
              "norm": _function("norm", (1,)), "trace": _function("trace", (1,)), "diag": _function("diag", (1,)),
              "normal": _function("normal", (3,))}
_SYMBOLS.update(_INDEX)


def parse_update(text: str, *, what: str = "update") -> sp.Expr:
    """Read an update in the syntax above into a SymPy tree (no evaluation of code)."""
    if not isinstance(text, str):
        raise UpdateError(f"{what}: expected the update as a string such as {CANONICAL['means']!r}, "
                          f"got {text!r}")
    try:
        return parse_expression(text, what=what, symbols=_SYMBOLS, functions=_FUNCTIONS)
    except ValueError as exc:
        raise UpdateError(str(exc)) from None


# ---------------------------------------------------------------- instances
@dataclass
class Instance:
    """Data and responsibilities (and current parameters for the E-step), exact or symbolic.

    X : list of n column vectors (d x 1); resp : n x K matrix whose rows sum to 1;
    weights, means, covariances : the current parameters (E-step only).
    """

    X: list
    resp: sp.Matrix
    weights: list | None = None
    means: list | None = None
    covariances: list | None = None

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def d(self) -> int:
        return self.X[0].rows

    @property
    def K(self) -> int:
        return self.resp.cols

    def describe(self) -> str:
        return f"n = {self.n}, d = {self.d}, K = {self.K}"


def random_instance(n: int, d: int, K: int, seed: int) -> Instance:
    """Seeded exact instance: small rational data, rows of responsibilities summing to 1, SPD covariances."""
    rng = random.Random(seed)
    q = lambda lo, hi: sp.Rational(Fraction(rng.randint(lo * 4, hi * 4), 4))
    X = [sp.Matrix([q(-5, 5) for _ in range(d)]) for _ in range(n)]
    rows = []
    for _ in range(n):
        raw = [rng.randint(1, 6) for _ in range(K)]
        rows.append([sp.Rational(v, sum(raw)) for v in raw])
    raw = [rng.randint(1, 4) for _ in range(K)]
    weights = [sp.Rational(v, sum(raw)) for v in raw]
    means = [sp.Matrix([q(-3, 3) for _ in range(d)]) for _ in range(K)]
    covs = []
    for _ in range(K):
        A = sp.Matrix(d, d, lambda a, b: sp.Rational(rng.randint(-2, 2), 2))
        covs.append(A * A.T + sp.eye(d))
    return Instance(X, sp.Matrix(rows), weights, means, covs)


# --------------------------------------------------------------- evaluating
def _shape(v) -> str:
    if isinstance(v, sp.MatrixBase):
        return "a d-vector" if v.cols == 1 else "a d x d matrix"
    return "a number"


def _is_scalar(v) -> bool:
    return not isinstance(v, sp.MatrixBase)


class _Evaluator:
    def __init__(self, inst: Instance, means: list | None):
        self.inst = inst
        self.means = means  # the updated means (M-step) or None (E-step: the current means)

    def name(self, name: str, env: dict):
        for ix in _NAMES[name]:
            if ix not in env:
                where = {"i": "sum(...)", "k": "sum(..., k)", "j": "sum(..., j)"}[ix]
                raise UpdateError(f"{name} needs the index {ix}, which is not bound here: use it inside {where}")
        if name in ("mu_k", "mu_kj") and self.means == []:
            raise UpdateError(f"the mean update cannot use {name}: it is what the update computes")
        inst = self.inst
        if name == "x_i":
            return inst.X[env["i"]]
        if name == "x_ij":
            return inst.X[env["i"]][env["j"]]
        if name == "gamma_ik":
            if self.means is None:
                raise UpdateError("gamma_ik is what the E-step computes; write it from pi_k, mu_k and Sigma_k")
            return inst.resp[env["i"], env["k"]]
        if name in ("mu_k", "mu_kj"):
            source = self.means if self.means is not None else inst.means
            vec = source[env["k"]]
            return vec if name == "mu_k" else vec[env["j"]]
        if name == "N_k":
            return sum(inst.resp[:, env["k"]])
        if name == "N":
            return sum(inst.resp)
        if name in ("n", "d", "K"):
            return sp.Integer({"n": inst.n, "d": inst.d, "K": inst.K}[name])
        if name in ("pi_k", "Sigma_k"):
            if self.means is not None:
                raise UpdateError(f"{name} is a parameter of the current model; an M-step update is written "
                                  "from the data x_i and the responsibilities gamma_ik")
            return (inst.weights if name == "pi_k" else inst.covariances)[env["k"]]
        raise UpdateError(f"unknown name {name}")  # pragma: no cover - parse_update whitelists names

    def eval(self, e, env: dict):
        if e.is_Number or e in (sp.pi, sp.E):
            return e
        if isinstance(e, sp.Symbol):
            if e.name in ("i", "j", "k"):
                raise UpdateError(f"the index {e.name} on its own is not a value")
            return self.name(e.name, env)
        if isinstance(e, sp.Add):
            vals = [self.eval(a, env) for a in e.args]
            shapes = {_shape(v) for v in vals}
            if len(shapes) > 1:
                raise UpdateError(f"adds {' and '.join(sorted(shapes))}")
            total = vals[0]
            for v in vals[1:]:
                total = total + v
            return total
        if isinstance(e, sp.Mul):
            vals = [self.eval(a, env) for a in e.args]
            arrays = [v for v in vals if not _is_scalar(v)]
            if len(arrays) > 1:
                raise UpdateError("multiplies two vectors or matrices with *: write dot(a, b) for a^T b "
                                  "or outer(a, b) for a b^T")
            out = sp.Integer(1)
            for v in vals:
                if _is_scalar(v):
                    out = out * v
            return arrays[0] * out if arrays else out
        if isinstance(e, sp.Pow):
            base, ex = self.eval(e.base, env), self.eval(e.exp, env)
            if not _is_scalar(base) or not _is_scalar(ex):
                raise UpdateError("raises a vector or matrix to a power: write dot(a, a) for the squared "
                                  "length or outer(a, a) for a a^T")
            return bounded_power(base, ex, what="evaluating it")  # N^N^N^N: refused, not computed
        if isinstance(e, (sp.exp, sp.log)):
            arg = self.eval(e.args[0], env)
            if not _is_scalar(arg):
                raise UpdateError(f"{type(e).__name__}() of {_shape(arg)}")
            return bounded_exp(arg, what="evaluating it") if isinstance(e, sp.exp) else type(e)(arg)
        if isinstance(e, sp.core.function.AppliedUndef):
            return self.function(e.func.__name__, e.args, env)
        raise UpdateError(f"cannot evaluate {e}")  # pragma: no cover

    def function(self, name: str, args, env: dict):
        if name == "sum":
            index = str(args[1]) if len(args) == 2 else "i"  # binds (shadows) the index
            count = {"i": self.inst.n, "k": self.inst.K, "j": self.inst.d}[index]
            depth = env.get("#sums", 0) + 1  # each level multiplies the work by n, K or d
            if depth > MAX_SUMS:
                raise UpdateError(f"has sum() nested {depth} deep; an update needs at most {MAX_SUMS} nested sums "
                                  "(over i, j and k), so a deeper one is not evaluated")
            vals = [self.eval(args[0], {**env, index: t, "#sums": depth}) for t in range(count)]
            total = vals[0]
            for v in vals[1:]:
                if _shape(v) != _shape(total):
                    raise UpdateError("the terms of a sum have different shapes")
                total = total + v
            return total
        vals = [self.eval(a, env) for a in args]
        if name in ("dot", "outer"):
            a, b = vals
            if _is_scalar(a) or _is_scalar(b) or a.cols != 1 or b.cols != 1:
                raise UpdateError(f"{name}(a, b) takes two vectors, got {_shape(a)} and {_shape(b)}")
            return (a.T * b)[0] if name == "dot" else a * b.T
        if name == "norm":
            (a,) = vals
            if _is_scalar(a) or a.cols != 1:
                raise UpdateError(f"norm(a) takes a vector, got {_shape(a)}")
            return sp.sqrt((a.T * a)[0])
        if name in ("trace", "diag"):
            (A,) = vals
            if _is_scalar(A) or A.rows != A.cols:
                raise UpdateError(f"{name}(A) takes a d x d matrix, got {_shape(A)}")
            return A.trace() if name == "trace" else sp.Matrix([A[t, t] for t in range(A.rows)])
        if name == "normal":
            xv, mv, S = vals
            if _is_scalar(xv) or _is_scalar(mv) or xv.cols != 1 or mv.cols != 1 or _is_scalar(S) \
                    or S.rows != S.cols or S.rows != xv.rows:
                raise UpdateError("normal(x, m, S) takes a vector, a vector and a d x d matrix")
            dev = xv - mv
            q = (dev.T * S.inv() * dev)[0]
            return sp.exp(-q / 2) / sp.sqrt((2 * sp.pi) ** S.rows * S.det())
        raise UpdateError(f"unknown function {name}()")  # pragma: no cover


def evaluate_update(key: str, update, inst: Instance, *, means: list | None = None) -> list:
    """Evaluate the update for ``key`` on an instance: one value per free index value.

    Returns a list over the free indices (k; or i, k for the responsibilities;
    nothing for ``tied``); for ``diag`` each entry is a d-vector (an update
    written with the free coordinate ``j`` is evaluated for every j).
    ``means`` are the updated means used for ``mu_k`` in covariance updates
    (computed from the canonical mean update when omitted).
    """
    expr = parse_update(update, what=key) if isinstance(update, str) else update
    kind, _, free = KEYS[key][1], KEYS[key][0], KEYS[key][2]
    if key == "responsibilities":
        ev = _Evaluator(inst, None)
    else:
        if means is None and key != "means":
            means = evaluate_update("means", CANONICAL["means"], inst, means=[])
        ev = _Evaluator(inst, means if key != "means" else [])
    names = {str(s) for s in expr.free_symbols}
    uses_j = "x_ij" in names or "mu_kj" in names
    out = []
    ranges = {"i": range(inst.n), "k": range(inst.K)}
    combos = [{}]
    for ix in free:
        combos = [{**c, ix: t} for c in combos for t in ranges[ix]]
    for env in combos:
        if key == "diag" and uses_j:
            value = sp.Matrix([_scalar(ev.eval(expr, {**env, "j": t}), key) for t in range(inst.d)])
        else:
            value = ev.eval(expr, env)
        _expect_shape(key, kind, value)
        out.append(value)
    return out


def _scalar(v, key):
    if not _is_scalar(v):
        raise UpdateError(f"written with the coordinate j, {key} must give a number for each j, "
                          f"but it gives {_shape(v)}")
    return v


def _expect_shape(key: str, kind: str, value) -> None:
    if not _is_scalar(value) and value.shape == (1, 1) and kind in ("vector", "matrix"):
        return  # d = 1: a 1-vector and a 1 x 1 matrix are the same thing
    got = "scalar" if _is_scalar(value) else ("vector" if value.cols == 1 else "matrix")
    if got != kind:
        words = {"scalar": "a number", "vector": "a d-vector", "matrix": "a d x d matrix"}
        raise UpdateError(f"gives {words[got]}, but {KEYS[key][0]} is {words[kind]}")


# --------------------------------------------------------------- comparing
INSTANCES = ((4, 2, 2, 11), (5, 3, 3, 23))


def _instances():
    return [random_instance(*spec) for spec in INSTANCES]


def _equal(a, b) -> bool:
    if isinstance(a, sp.MatrixBase):
        return a.shape == b.shape and all(_equal(p, q) for p, q in zip(a, b))
    if a == b:
        return True
    diff = sp.N(a - b, 50)
    return bool(diff.is_number and abs(diff) <= sp.Float(10) ** -40 * (1 + abs(sp.N(a, 50))))


def compare_update(key: str, given: str) -> str | None:
    """None when ``given`` is the derived update for ``key``; else the reason it is not."""
    try:
        expr = parse_update(given, what=key)
    except UpdateError as exc:
        return f"cannot read it: {exc}"
    instances = _instances()
    expected = [evaluate_update(key, CANONICAL[key], inst) for inst in instances]
    try:
        got = [evaluate_update(key, expr, inst) for inst in instances]
    except UpdateError as exc:
        return str(exc)
    if all(_equal(a, b) for e, g in zip(expected, got) for a, b in zip(e, g)):
        return None
    for text, why in MISTAKES.get(key, []):
        try:
            wrong = [evaluate_update(key, text, inst) for inst in instances]
        except UpdateError:  # pragma: no cover - the catalogue is well-formed
            continue
        if all(_equal(a, b) for w, g in zip(wrong, got) for a, b in zip(w, g)):
            return f"it {why}"
    inst, e0, g0 = instances[0], expected[0], got[0]
    for pos, (a, b) in enumerate(zip(e0, g0)):
        if not _equal(a, b):
            where = {"responsibilities": f"i = {pos // inst.K + 1}, k = {pos % inst.K + 1}",
                     "tied": ""}.get(key, f"k = {pos + 1}")
            return (f"it differs from the derived update: on seeded test data ({inst.describe()}"
                    f"{', ' + where if where else ''}) it gives {_brief(b)}, the derived update gives {_brief(a)}")
    return "it differs from the derived update on seeded test data"


def _brief(v) -> str:
    if isinstance(v, sp.MatrixBase):
        rows = [[_brief(x) for x in v.row(r)] for r in range(v.rows)]
        if v.cols == 1:
            return "[" + ", ".join(r[0] for r in rows) + "]"
        return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"
    v = sp.nsimplify(v) if isinstance(v, sp.Float) else v
    if v.is_Rational:
        return str(v)
    return f"{float(sp.N(v, 20)):.6g}"
