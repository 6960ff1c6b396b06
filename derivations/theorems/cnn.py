"""The theorems of a CNN's backward pass: the softmax cross-entropy gradient is p - y, the ReLU and max-pool
gradients, and convolution backprop as a correlation with the rotated kernel.

Symbolic checks differentiate explicit losses in SymPy with a symbol for every entry (K = 2, 3, 4 classes;
every input size n = 2..5 with every kernel size k = 1..n). Non-smooth layers are checked by exact one-sided
difference quotients on rational inputs (ReLU and max are piecewise linear, so a quotient with a step below
half the gap to the nearest kink is the derivative itself), and against the project's engine
``numerics.convolution``. The convolution helpers and the exact max derivative are the worked derivation's
own (``derivations.convolution``). ``tests/test_theorems_cnn.py`` checks the same claims by hypothesis on
other random cases.
"""
from __future__ import annotations

from fractions import Fraction
from functools import cache
from itertools import product

from .base import FalseVariant, Theorem, math, search

__all__ = ["THEOREMS"]


# ====================================================================== softmax cross-entropy
_SOFTMAX_SIZES = (2, 3, 4)


def _softmax(K: int):
    import sympy as sp
    z = sp.symbols(f"z_1:{K + 1}", real=True)
    norm = sum(sp.exp(v) for v in z)
    return z, [sp.exp(v) / norm for v in z]


def _targets(K: int):
    """Every one-hot target, then a soft target with symbols y_1..y_(K-1) and y_K = 1 - (y_1 + ... + y_(K-1))."""
    import sympy as sp
    for c in range(K):
        yield f"one-hot, class {c + 1}", [sp.Integer(int(k == c)) for k in range(K)]
    ys = list(sp.symbols(f"y_1:{K}", real=True))
    yield "soft (Σ y = 1)", ys + [1 - sum(ys)]


def _softmax_cases():
    for K in _SOFTMAX_SIZES:
        for name, y in _targets(K):
            for k in range(K):
                yield K, name, y, k


def _true_rule(p, y, k):
    return p[k] - y[k]


def _sign_rule(p, y, k):  # false: the sign turned round
    return y[k] - p[k]


def _softmax_claim(rule):
    """dL/dz_k of L = -sum_j y_j ln p_j, by SymPy, minus rule(p, y, k), cancelled to 0."""
    import sympy as sp

    def claim(case) -> bool:
        K, _, y, k = case
        z, p = _softmax(K)
        loss = -sum(y[j] * sp.log(p[j]) for j in range(K))
        return sp.cancel(sp.expand(sp.diff(loss, z[k]) - rule(p, y, k))) == 0
    return claim


def _softmax_gradient():
    import sympy as sp

    from ..model import Chain, Prose, Step, checked
    from ..result import Result
    ok_log = True
    ok_lse = True
    for K in _SOFTMAX_SIZES:
        z, p = _softmax(K)
        lse = sp.log(sum(sp.exp(v) for v in z))
        for k in range(K):
            ok_log &= sp.simplify(sp.expand_log(sp.log(p[k]), force=True) - (z[k] - lse)) == 0
            ok_lse &= sp.cancel(sp.diff(lse, z[k]) - p[k]) == 0
    bad, n = search(_softmax_cases(), _softmax_claim(_true_rule))
    steps = [
        Step(Prose(("For logits ", math(r"z \in \mathbb{R}^K", "z ∈ R^K"), " the softmax is ",
                    math(r"p_k = e^{z_k} / \sum_j e^{z_j}", "p_k = exp(z_k) / Σ_j exp(z_j)"),
                    " and the cross-entropy with a target ", math("y", "y"), " is ",
                    math(r"L = -\sum_k y_k \ln p_k", "L = -Σ_k y_k ln p_k"), ".")),
             why="Softmax and cross-entropy.", role="definition"),
        Step(Prose(("The target is a distribution: ", math(r"\sum_k y_k = 1", "Σ_k y_k = 1"),
                    " (a one-hot label ", math(r"y_k = [k = c]", "y_k = [k = c]"), " is one).")),
             why="The premise (used in the last step).", role="premise"),
        Step(Chain(math(r"\ln p_k", "ln p_k"), [math(r"z_k - \ln \sum_j e^{z_j}", "z_k - ln Σ_j exp(z_j)")]),
             why="The log of a quotient.",
             check=checked("symbolically in SymPy for K = 2, 3, 4 and every k: the logarithm expanded and the "
                           "difference simplified to 0", ok_log)),
        Step(Chain(math(r"\frac{\partial}{\partial z_k} \ln \sum_j e^{z_j}", "d/dz_k ln Σ_j exp(z_j)"),
                   [math(r"\frac{e^{z_k}}{\sum_j e^{z_j}} = p_k", "exp(z_k) / Σ_j exp(z_j) = p_k")]),
             why="The derivative of log-sum-exp is the softmax.",
             check=checked("SymPy's derivative for K = 2, 3, 4 and every k, the difference from p_k cancelled to 0",
                           ok_lse)),
        Step(Chain(math(r"\frac{\partial L}{\partial z_k}", "dL/dz_k"),
                   [math(r"-\sum_j y_j \Bigl([j = k] - p_k\Bigr)", "-Σ_j y_j ([j = k] - p_k)"),
                    math(r"-y_k + p_k \sum_j y_j", "-y_k + p_k Σ_j y_j"), math(r"p_k - y_k", "p_k - y_k")],
                   reasons=["the two previous steps", None, math(r"\sum_j y_j = 1", "Σ_j y_j = 1")]),
             why="The gradient with respect to the logits is the softmax minus the target.",
             check=checked(f"symbolically in SymPy for K = 2, 3, 4: L differentiated with respect to every z_k, "
                           f"for every one-hot target and for a soft target with symbols y_1, ..., y_(K-1) and "
                           f"y_K = 1 - (y_1 + ... + y_(K-1)), and the difference from p_k - y_k cancelled to 0 "
                           f"({n} cases)", bad is None)),
    ]
    return Result(kind="theorem.softmax_ce_gradient", title="The gradient of softmax cross-entropy is p - y",
                  theorem=("For logits z, softmax probabilities p and a target distribution y, the cross-entropy ",
                           math(r"L = -\sum_k y_k \ln p_k", "L = -Σ_k y_k ln p_k"), " has ",
                           math(r"\nabla_z L = p - y", "∇_z L = p - y"), "."),
                  steps=steps)


def _softmax_false() -> FalseVariant:
    import sympy as sp
    case, n = search(_softmax_cases(), _softmax_claim(_sign_rule))
    text, detail = None, {}
    if case is not None:
        K, name, y, k = case
        z, p = _softmax(K)
        loss = -sum(y[j] * sp.log(p[j]) for j in range(K))
        at = {v: 0 for v in z}
        true = sp.nsimplify(sp.diff(loss, z[k]).subs(at))
        claimed = sp.nsimplify(_sign_rule(p, y, k).subs(at))
        text = (f"K = {K}, {name}, at z = 0 (p = 1/{K} each): dL/dz_{k + 1} = {true}, but y_{k + 1} - p_{k + 1} = "
                f"{claimed}")
        detail = {"K": K, "target": name, "k": k + 1, "z": [0] * K, "gradient": str(true), "claimed": str(claimed)}
    return FalseVariant("softmax-ce-gradient", "The gradient of softmax cross-entropy is y - p.",
                        "The proof's SymPy comparison of dL/dz_k with the claimed gradient, for K = 2, 3, 4, and the "
                        "first difference evaluated at z = 0.", text, detail, n)


# ====================================================================== ReLU and max-pool
_RELU_GRID = tuple(Fraction(a, 4) for a in range(-12, 13) if a)  # -3, ..., 3 in steps of 1/4, without 0
_WINDOWS = tuple(v for v in product(range(4), repeat=4) if list(v).count(max(v)) == 1)
_WINDOW_FAMILY = f"every 2x2 window with entries in {{0, 1, 2, 3}} and a unique maximum ({len(_WINDOWS)} windows)"


def _quotients(f, values, p, h):
    """(right, left) difference quotients of f along entry p with step h, exact."""
    moved = lambda t: f([v + t if q == p else v for q, v in enumerate(values)])
    base = f(values)
    return (moved(h) - base) / h, (moved(-h) - base) / -h


def _relu_claim(z) -> bool:
    """Both one-sided quotients of max(z, 0) at z, step |z|/2 (no kink within), equal [z > 0]; and so does
    max_partial_derivatives (the worked derivation's exact derivative of max)."""
    from ..convolution._layers import max_partial_derivatives
    want = Fraction(int(z > 0))
    h = abs(z) / 2
    ours = _quotients(lambda v: max(v[0], 0), [z], 0, h)
    theirs = max_partial_derivatives([z, 0])[0]
    return ours == (want, want) and all(Fraction(str(q)) == want for q in theirs)


def _route_argmax(values, g):
    top = max(values)
    return [g if v == top else 0 for v in values]


def _route_evenly(values, g):  # false: the gradient shared like average pooling
    return [Fraction(g, len(values))] * len(values)


def _routing_claim(route):
    """For a window with a unique maximum and upstream g: route(values, g) equals g times both exact one-sided
    quotients of max at every entry (step: half the gap between the largest and the second largest)."""
    def claim(case) -> bool:
        values, g = case
        values = [Fraction(v) for v in values]
        top = max(values)
        h = (top - max(v for v in values if v != top)) / 2
        got = route(values, g)
        return all(_quotients(max, values, p, h) == (got[p] / g, got[p] / g) for p in range(len(values)))
    return claim


def _window_cases():
    return ((v, 1) for v in _WINDOWS)


def _layer_cases():
    """Seeded inputs with distinct integer entries: (X, G, window size, stride), pooling non-overlapping and
    overlapping windows."""
    from ..exercise.rng import Rng
    rng = Rng(0, stream="theorems/cnn/maxpool")
    for shape, size, stride in (((4, 4), 2, 2), ((6, 6), 2, 2), ((6, 6), 3, 3), ((4, 4), 2, 1), ((5, 5), 3, 2)):
        for _ in range(8):
            h, w = shape
            vals = rng.shuffled(list(range(-h * w // 2, h * w - h * w // 2)))
            X = [vals[r * w:(r + 1) * w] for r in range(h)]
            oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
            G = [[rng.integer(-5, 5) for _ in range(ow)] for _ in range(oh)]
            yield X, G, size, stride


def _pool(X, size, stride):
    h, w = len(X), len(X[0])
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    return [[max(X[i * stride + u][j * stride + v] for u in range(size) for v in range(size)) for j in range(ow)]
            for i in range(oh)]


def _routed(X, G, size, stride):
    """dL/dX by routing: each window's upstream gradient to its (first, row-major) maximum, summed over windows."""
    h, w = len(X), len(X[0])
    dX = [[0] * w for _ in range(h)]
    for i, row in enumerate(G):
        for j, g in enumerate(row):
            cells = [(i * stride + u, j * stride + v) for u in range(size) for v in range(size)]
            top = max(X[r][c] for r, c in cells)
            r, c = next(rc for rc in cells if X[rc[0]][rc[1]] == top)
            dX[r][c] += g
    return dX


def _layer_claim(case) -> bool:
    """The routed gradient equals both exact one-sided quotients of L = Σ G ⊙ maxpool(X) at every entry (distinct
    integer entries: a step of 1/2 crosses no kink), and numerics.convolution.maxpool2d_backward."""
    import numpy as np

    from ...numerics.convolution import maxpool2d_backward
    X, G, size, stride = case
    h, w = len(X), len(X[0])
    flat = [Fraction(v) for row in X for v in row]

    def loss(vals):
        Xm = [vals[r * w:(r + 1) * w] for r in range(h)]
        return sum(g * y for grow, yrow in zip(G, _pool(Xm, size, stride)) for g, y in zip(grow, yrow))

    dX = _routed(X, G, size, stride)
    exact = all(_quotients(loss, flat, r * w + c, Fraction(1, 2)) == (dX[r][c], dX[r][c])
                for r in range(h) for c in range(w))
    engine = maxpool2d_backward(np.array(X, dtype=float)[None, None], np.array(G, dtype=float)[None, None],
                                size=size, stride=stride)[0, 0]
    return exact and np.array_equal(engine, np.array(dX, dtype=float))


def _tie_cases():
    """Every 2x2 window with entries in {0, 1, 2} whose maximum is tied, upstream gradient 1."""
    return (v for v in product(range(3), repeat=4) if list(v).count(max(v)) > 1)


def _tie_claim(values) -> bool:
    """At a tie each tied entry has right quotient 1 and left quotient 0 (no derivative: a kink), the others
    (0, 0); and numerics.convolution.maxpool2d_backward gives the whole gradient to the first tied entry."""
    import numpy as np

    from ...numerics.convolution import maxpool2d_backward
    vals = [Fraction(v) for v in values]
    top = max(vals)
    rest = [v for v in vals if v != top]
    h = (top - max(rest)) / 2 if rest else Fraction(1)
    ok = all(_quotients(max, vals, p, h) == ((1, 0) if vals[p] == top else (0, 0)) for p in range(4))
    engine = maxpool2d_backward(np.array(values, dtype=float).reshape(1, 1, 2, 2), np.ones((1, 1, 1, 1)))
    first = vals.index(top)
    return ok and engine.ravel().tolist() == [float(p == first) for p in range(4)]


def _relu_engine() -> bool:
    import numpy as np

    from ...numerics.convolution import relu_backward
    z = np.array([float(v) for v in _RELU_GRID] + [0.0])
    g = np.arange(1.0, len(z) + 1)
    return np.array_equal(relu_backward(z, g), g * (z > 0))


def _relu_maxpool():
    from ..model import Prose, Step, checked
    from ..result import Result
    bad_r, n_r = search(_RELU_GRID, _relu_claim)
    steps_at_zero = (Fraction(1), Fraction(1, 2), Fraction(1, 10), Fraction(1, 1000))
    right = [(max(h, 0) - 0) / h for h in steps_at_zero]
    left = [(max(-h, 0) - 0) / -h for h in steps_at_zero]
    ok_zero = right == [1] * 4 and left == [0] * 4
    ok_engine = _relu_engine()
    bad_w, _ = search(_window_cases(), _routing_claim(_route_argmax))
    bad_l, n_l = search(_layer_cases(), _layer_claim)
    bad_t, n_t = search(_tie_cases(), _tie_claim)
    steps = [
        Step(Prose(("ReLU is ", math(r"r(z) = \max(z, 0)", "r(z) = max(z, 0)"), ", elementwise. Its derivative "
                    "at 0 does not exist; backpropagation uses ", math("r'(0) := 0", "r'(0) := 0"),
                    ", one of its subgradients (as PyTorch does).")),
             why="ReLU, and the convention at the kink.", role="definition"),
        Step(Prose(("Max-pooling takes ", math(r"y_{ij} = \max_{(r, c) \in W_{ij}} x_{rc}", "y_ij = max over W_ij of x_rc"),
                    " over windows ", math("W_{ij}", "W_ij"), " of s x s inputs (stride t). Tie convention: when "
                    "several entries of a window share the maximum, the first in row-major order takes the whole "
                    "gradient (as PyTorch's CPU kernel does).")),
             why="Max-pooling, and the convention at a tie.", role="definition"),
        Step(Prose(("The loss depends on the layer's output only, with upstream gradient ",
                    math(r"G = \partial L / \partial Y", "G = ∂L/∂Y"), ", so by the chain rule ",
                    math(r"\partial L / \partial x = \sum_{ij} g_{ij}\, \partial y_{ij} / \partial x",
                         "∂L/∂x = Σ_ij g_ij ∂y_ij/∂x"), " wherever the derivatives exist.")),
             why="The premise: backpropagation by the chain rule.", role="premise"),
        Step(Prose(("For ", math(r"z \ne 0", "z ≠ 0"), ", ", math(r"r'(z) = [z > 0]", "r'(z) = [z > 0]"),
                    ": r is linear on ", math(r"(z - |z|, z + |z|)", "(z - |z|, z + |z|)"),
                    ", the identity for z > 0 and zero for z < 0, so ",
                    math(r"\partial L / \partial z = g \cdot [z > 0]", "∂L/∂z = g · [z > 0]"), ".")),
             why="ReLU's gradient is the indicator of a positive input.",
             check=checked(f"exactly on every rational z in [-3, 3] in steps of 1/4 except 0 ({n_r} inputs): both "
                           "one-sided difference quotients of max(z, 0) with step |z|/2 equal [z > 0], as does the "
                           "worked derivation's max_partial_derivatives; numerics.convolution.relu_backward gives "
                           "g · [z > 0] on the same inputs and 0 at z = 0", bad_r is None and ok_engine)),
        Step(Prose(("At ", math("z = 0", "z = 0"), " the right quotient is 1 and the left quotient 0 for every step ",
                    math("h > 0", "h > 0"), ": r has no derivative there, every value in ",
                    math("[0, 1]", "[0, 1]"), " is a subgradient, and the convention picks 0.")),
             why="The kink.",
             check=checked("exact one-sided quotients of max(z, 0) at 0 with h = 1, 1/2, 1/10, 1/1000", ok_zero)),
        Step(Prose(("In a window whose maximum is unique, moving the arg-max entry by less than half the gap to the "
                    "runner-up moves the maximum with it, and moving any other entry leaves it: ",
                    math(r"\partial y_{ij} / \partial x_{rc} = [(r, c) = \arg\max_{W_{ij}} x]",
                         "∂y_ij/∂x_rc = [(r, c) = argmax over W_ij of x]"),
                    ". So each window routes its upstream gradient ", math("g_{ij}", "g_ij"),
                    " to its arg-max and sends 0 to its other entries.")),
             why="The derivative of max.",
             check=checked(f"exactly over {_WINDOW_FAMILY}, upstream gradient 1: both one-sided difference "
                           "quotients of max at every entry (step half the gap to the runner-up) equal the routed "
                           "gradient", bad_w is None)),
        Step(Prose(("For the whole layer the chain rule sums over the windows: ",
                    math(r"\partial L / \partial x_{rc} = \sum_{ij :\, (r, c) = \arg\max W_{ij}} g_{ij}",
                         "∂L/∂x_rc = Σ over windows whose arg-max is (r, c) of g_ij"),
                    " (one term at most when the windows do not overlap).")),
             why="Max-pool backprop routes each window's gradient to its arg-max.",
             check=checked(f"exactly on {n_l} seeded inputs with distinct integer entries (SplitMix64 stream "
                           "'theorems/cnn/maxpool', seed 0; 8 each of 4x4 and 6x6 with 2x2 windows stride 2, 6x6 "
                           "with 3x3 stride 3, 4x4 with 2x2 stride 1 and 5x5 with 3x3 stride 2, upstream gradients "
                           "in -5..5): both one-sided quotients of L = Σ G ⊙ maxpool(X) with step 1/2 at every "
                           "entry equal the routed gradient, and so does numerics.convolution.maxpool2d_backward",
                           bad_l is None)),
        Step(Prose("At a tie the tied entries have right quotient 1 and left quotient 0: max has no derivative "
                    "there, and any split of g among the tied entries with weights summing to 1 is a subgradient; "
                    "the convention gives all of g to the first in row-major order."),
             why="Ties.",
             check=checked(f"exactly over every 2x2 window with entries in {{0, 1, 2}} and a tied maximum ({n_t} "
                           "windows): the one-sided quotients are (1, 0) at each tied entry and (0, 0) elsewhere, "
                           "and numerics.convolution.maxpool2d_backward gives the whole gradient to the first tied "
                           "entry", bad_t is None)),
    ]
    return Result(kind="theorem.relu_maxpool_gradient", title="The gradients of ReLU and max-pooling",
                  theorem=("ReLU's gradient is the indicator of a positive input, ",
                           math(r"\partial L / \partial z = g \cdot [z > 0]", "∂L/∂z = g · [z > 0]"),
                           " (at z = 0 the subgradient 0 by convention); max-pooling routes each window's upstream "
                           "gradient to the window's arg-max and gives the other entries 0 (at a tie, to the first "
                           "maximum in row-major order by convention)."),
                  steps=steps)


def _relu_maxpool_false() -> FalseVariant:
    case, n = search(_window_cases(), _routing_claim(_route_evenly))
    text, detail = None, {}
    if case is not None:
        values, g = case
        vals = [Fraction(v) for v in values]
        top = max(vals)
        h = (top - max(v for v in vals if v != top)) / 2
        true = [_quotients(max, vals, p, h)[0] for p in range(4)]
        text = (f"window [[{values[0]}, {values[1]}], [{values[2]}, {values[3]}]], upstream gradient {g}: the exact "
                f"quotients give ({', '.join(str(v) for v in true)}), the even split "
                f"({', '.join(str(v) for v in _route_evenly(vals, g))})")
        detail = {"window": [list(values[:2]), list(values[2:])], "gradient": [str(v) for v in true],
                  "claimed": [str(v) for v in _route_evenly(vals, g)]}
    return FalseVariant("relu-maxpool-gradient", "Max-pooling shares each window's upstream gradient equally among "
                        "its entries (g/4 each for a 2x2 window), as average pooling does.",
                        f"The proof's exact difference quotients of max, over {_WINDOW_FAMILY}.", text, detail, n)


# ====================================================================== convolution backprop
_CONV_SIZES = tuple((n, k) for n in range(2, 6) for k in range(1, n + 1))


def _conv_derivatives(n: int, k: int):
    """Symbols X (n x n), W (k x k), G, b; SymPy's derivatives of L = Σ G ⊙ (X ⋆ W + b)."""
    from ..convolution._backprop import symbolic_gradients
    return symbolic_gradients(n, n, k, k)


def _rotated(G, W, k):
    from ..convolution._backprop import _correlate, _pad_matrix, _rot180
    return _correlate(_pad_matrix(G, k - 1, k - 1), _rot180(W))


def _not_rotated(G, W, k):  # false: the kernel used as it is
    from ..convolution._backprop import _correlate, _pad_matrix
    return _correlate(_pad_matrix(G, k - 1, k - 1), W)


@cache
def _derivatives_cached(n: int, k: int):
    return _conv_derivatives(n, k)


def _first_difference(n, k, rule):
    import sympy as sp
    _, W, G, dX, _, _ = _derivatives_cached(n, k)
    want = rule(G, W, k)
    for r in range(n):
        for c in range(n):
            if sp.expand(dX[r, c] - want[r, c]) != 0:
                return r, c, dX[r, c], want[r, c]
    return None


def _dx_claim(rule):
    def claim(case) -> bool:
        n, k = case
        return _first_difference(n, k, rule) is None
    return claim


def _dw_db_claim(case) -> bool:
    import sympy as sp

    from ..convolution._backprop import _correlate
    n, k = case
    X, _, G, _, dW, db = _derivatives_cached(n, k)
    want = _correlate(X, G)
    return (all(sp.expand(dW[u, v] - want[u, v]) == 0 for u in range(k) for v in range(k))
            and sp.expand(db - sum(G)) == 0)


def _conv_engine() -> bool:
    """numerics.convolution.conv2d_backward on seeded integer inputs equals the three rules evaluated exactly."""
    import numpy as np
    import sympy as sp

    from ...numerics.convolution import conv2d_backward
    from ..convolution._backprop import _correlate
    rng = np.random.default_rng(0)
    ok = True
    for n, k in _CONV_SIZES:
        o = n - k + 1
        X, W, G = (rng.integers(-4, 5, size=s) for s in ((n, n), (k, k), (o, o)))
        dx, dw, db = conv2d_backward(X[None, None].astype(float), W[None, None].astype(float),
                                     G[None, None].astype(float))
        Xs, Ws, Gs = (sp.Matrix(A.tolist()) for A in (X, W, G))
        ok &= np.array_equal(dx[0, 0], np.array(_rotated(Gs, Ws, k), dtype=float))
        ok &= np.array_equal(dw[0, 0], np.array(_correlate(Xs, Gs), dtype=float))
        ok &= float(db[0]) == float(G.sum())
    return bool(ok)


def _conv_backprop():
    from ..model import Chain, Prose, Step, checked
    from ..result import Result
    bad_x, _ = search(_CONV_SIZES, _dx_claim(_rotated))
    bad_w, _ = search(_CONV_SIZES, _dw_db_claim)
    ok_engine = _conv_engine()
    entries = sum(n * n + k * k + 1 for n, k in _CONV_SIZES)
    sizes = f"every n = 2, ..., 5 and every k = 1, ..., n ({len(_CONV_SIZES)} size pairs, {entries} entries in all)"
    steps = [
        Step(Prose(("A convolution layer (a cross-correlation, as CNNs compute it) with an n x n input X, a k x k "
                    "kernel W, stride 1 and no padding: ",
                    math(r"y_{ij} = \sum_{u, v = 0}^{k-1} x_{i+u,\, j+v}\, w_{uv} + b",
                         "y_ij = Σ_(u,v=0..k-1) x_(i+u, j+v) w_uv + b"),
                    " for ", math(r"0 \le i, j \le n - k", "0 ≤ i, j ≤ n - k"), ". ",
                    math(r"A \star B", "A ⋆ B"), " is the valid cross-correlation, ",
                    math(r"\operatorname{rot}_{180}", "rot180"), " reverses rows and columns, ",
                    math(r"\operatorname{pad}_{k-1}", "pad_(k-1)"), " adds k - 1 rows and columns of zeros on every "
                    "side.")),
             why="The layer and the operations.", role="definition"),
        Step(Prose(("The upstream gradient ", math(r"G = \partial L / \partial Y", "G = ∂L/∂Y"),
                    " is given ((n - k + 1) x (n - k + 1)), and L depends on X, W and b only through Y, so ",
                    math(r"\partial L / \partial \theta = \sum_{ij} g_{ij}\, \partial y_{ij} / \partial \theta",
                         "∂L/∂θ = Σ_ij g_ij ∂y_ij/∂θ"), ": the gradients are those of ",
                    math(r"\sum_{ij} g_{ij}\, y_{ij}", "Σ_ij g_ij y_ij"), " with G held fixed.")),
             why="The premise: the chain rule.", role="premise"),
        Step(Chain(math(r"\frac{\partial L}{\partial w_{uv}}", "∂L/∂w_uv"),
                   [math(r"\sum_{ij} g_{ij}\, x_{i+u,\, j+v}", "Σ_ij g_ij x_(i+u, j+v)"),
                    math(r"(X \star G)_{uv}", "(X ⋆ G)_uv")]),
             why=("Each weight meets the input shifted by (u, v); the bias meets every output once, so ",
                  math(r"\partial L / \partial b = \sum_{ij} g_{ij}", "∂L/∂b = Σ_ij g_ij"), "."),
             check=checked(f"symbolically in SymPy for {sizes}: the explicit loss Σ G ⊙ (X ⋆ W + b) with a symbol for "
                           "every entry differentiated with respect to every w_uv and b, and the differences from "
                           "X ⋆ G and Σ G expanded to 0", bad_w is None)),
        Step(Chain(math(r"\frac{\partial L}{\partial x_{rc}}", "∂L/∂x_rc"),
                   [math(r"\sum_{u, v} g_{r-u,\, c-v}\, w_{uv}", "Σ_(u,v) g_(r-u, c-v) w_uv"),
                    math(r"\sum_{u', v'} \hat g_{r+u',\, c+v'}\, w_{k-1-u',\, k-1-v'}",
                         "Σ_(u',v') ĝ_(r+u', c+v') w_(k-1-u', k-1-v')"),
                    math(r"\bigl(\operatorname{pad}_{k-1}(G) \star \operatorname{rot}_{180}(W)\bigr)_{rc}",
                         "(pad_(k-1)(G) ⋆ rot180(W))_rc")],
                   reasons=[("pixel (r, c) is ", math(r"x_{i+u,\, j+v}", "x_(i+u, j+v)"), " for ",
                             math(r"i = r - u,\ j = c - v", "i = r - u, j = c - v"), "; g is 0 outside its range"),
                            (math("u' = k - 1 - u", "u' = k - 1 - u"), "; ", math(r"\hat g = \operatorname{pad}_{k-1}(G)",
                             "ĝ = pad_(k-1)(G)"), ", indices shifted by k - 1"), None]),
             why=("Each pixel sends its gradient back through every window that contains it: G padded with zeros, "
                  "cross-correlated with the kernel turned by 180 degrees (the full convolution of G with W)."),
             check=checked(f"symbolically in SymPy for {sizes}: the explicit loss differentiated with respect to "
                           "every x_rc and the difference from pad(G) ⋆ rot180(W) (the worked derivation's "
                           "_correlate, _pad_matrix and _rot180) expanded to 0", bad_x is None)),
        Step(Prose(("The three rules are what the project's engine computes.",)),
             why="The engine agrees.",
             check=checked(f"numerics.convolution.conv2d_backward on seeded integer inputs (NumPy default_rng(0), "
                           f"entries in -4..4) for {sizes.split(' (')[0]} equals the three rules evaluated exactly",
                           ok_engine)),
    ]
    return Result(kind="theorem.conv_backprop", title="Convolution backprop is a correlation with the rotated kernel",
                  theorem=("For a convolution layer ", math(r"Y = X \star W + b", "Y = X ⋆ W + b"),
                           " (n x n input, k x k kernel, stride 1, no padding) and upstream gradient G: ",
                           math(r"\frac{\partial L}{\partial X} = \operatorname{pad}_{k-1}(G) \star "
                                r"\operatorname{rot}_{180}(W)", "∂L/∂X = pad_(k-1)(G) ⋆ rot180(W)"),
                           " (the full convolution), ", math(r"\frac{\partial L}{\partial W} = X \star G",
                                                             "∂L/∂W = X ⋆ G"), " and ",
                           math(r"\frac{\partial L}{\partial b} = \sum_{ij} g_{ij}", "∂L/∂b = Σ_ij g_ij"), "."),
                  steps=steps)


def _conv_false() -> FalseVariant:
    case, n = search(_CONV_SIZES, _dx_claim(_not_rotated))
    text, detail = None, {}
    if case is not None:
        size, k = case
        r, c, true, wrong = _first_difference(size, k, _not_rotated)
        text = (f"n = {size}, k = {k}: entry ({r + 1}, {c + 1}) of dL/dX is {true}, but pad(G) ⋆ W gives {wrong}")
        detail = {"n": size, "k": k, "entry": [r + 1, c + 1], "derivative": str(true), "claimed": str(wrong)}
    return FalseVariant("conv-backprop", "dL/dX = pad_(k-1)(G) ⋆ W: the kernel is not rotated (the checker's "
                        "misconception dx-kernel-not-rotated).",
                        "The proof's entry-by-entry SymPy comparison of dL/dX, over every n = 2, ..., 5 and "
                        "k = 1, ..., n.", text, detail, n)


THEOREMS = [
    Theorem("softmax-ce-gradient", "cnn", "The gradient of softmax cross-entropy with respect to the logits is p - y.",
            _softmax_gradient, _softmax_false),
    Theorem("relu-maxpool-gradient", "cnn", "ReLU's gradient is the indicator of a positive input; max-pooling routes "
            "each window's gradient to its arg-max.", _relu_maxpool, _relu_maxpool_false),
    Theorem("conv-backprop", "cnn", "Conv backprop is a correlation with the rotated kernel: dL/dX = pad(G) ⋆ "
            "rot180(W), dL/dW = X ⋆ G, dL/db = Σ G.", _conv_backprop, _conv_false),
]
