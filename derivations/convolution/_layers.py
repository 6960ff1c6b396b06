r"""The other layers of a CNN, backpropagated and worked on small examples.

ReLU (the derivative at 0 taken as 0), 2x2 max-pooling (the gradient goes to
the first maximum of each window), softmax with cross-entropy (softmax minus
one-hot) and one Adam step with its bias correction; each checked by SymPy
and against :mod:`numerics.convolution`. Each function appends its answers
and their step labels to ``answer`` and ``sources`` and returns its steps.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..markup import Tex
from ..result import Chain, InlineMath, Section, Step, checked, words
from ._notation import Numbers, boxed_grid_tex, matrix

__all__ = ["relu_steps", "maxpool_steps", "max_partial_derivatives", "softmax_steps", "adam_steps", "RELU_Z",
           "RELU_G", "MAXPOOL_INPUT", "MAXPOOL_GRAD", "SOFTMAX_LABEL", "ADAM"]

#: the worked examples' numbers (also used by the check of an answer, :mod:`._check`)
RELU_Z, RELU_G = (-2, 0, 3), (5, 6, 7)
MAXPOOL_INPUT = ((1, 3, 2, 2), (4, 2, 0, 1), (5, 5, 1, 0), (0, 1, 2, 3))
MAXPOOL_GRAD = ((1, 2), (3, 4))
SOFTMAX_LABEL = 0
_B1, _B2 = sp.Rational(9, 10), sp.Rational(999, 1000)
ADAM = {"theta0": sp.Integer(1), "g": sp.Rational(1, 2), "lr": sp.Rational(1, 1000), "b1": _B1, "b2": _B2,
        "eps": sp.Rational(1, 10 ** 8), "m1": (1 - _B1) * sp.Rational(1, 2), "v1": (1 - _B2) * sp.Rational(1, 4)}


def relu_steps(answer, sources) -> list:
    from ...numerics.convolution import relu_backward
    z = sp.Symbol("z", real=True)
    zs = [sp.Integer(v) for v in RELU_Z]
    gs = [sp.Integer(v) for v in RELU_G]
    derivative = sp.Heaviside(z, 0)  # the derivative at 0 taken as 0
    grads = [g * derivative.subs(z, v) for v, g in zip(zs, gs)]
    numeric = relu_backward(np.array([float(v) for v in zs]), np.array([float(g) for g in gs]))
    d_left = sp.diff(sp.Max(z, 0), z).subs(z, -1)
    d_right = sp.diff(sp.Max(z, 0), z).subs(z, 1)
    steps = [Section("ReLU", words(InlineMath(Tex(r"r(z) = \max(z, 0)"), "r(z) = max(z, 0)"), ", elementwise."))]
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial z}"), "dL/dz"),
                            [InlineMath(Tex(r"g \cdot r'(z), \quad r'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0"
                                            r"\end{cases}"), "g * r'(z), r'(z) = 1 if z > 0 else 0")]),
                      why=words("the derivative is 1 where the unit is active and 0 where it is not; at z = 0 "
                                "it does not exist and is taken as 0 (as PyTorch does)"),
                      check=checked("SymPy differentiates max(z, 0) to 0 at z = -1 and 1 at z = 1",
                                    d_left == 0 and d_right == 1),
                      label="relu_rule"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial z}\Big|_{z = (-2,\,0,\,3),\ g = (5,\,6,\,7)}"),
                                       "dL/dz at z = (-2, 0, 3), g = (5, 6, 7)"),
                            [InlineMath(Tex(r"(5 \cdot 0,\ 6 \cdot 0,\ 7 \cdot 1)"), "(5*0, 6*0, 7*1)"),
                             InlineMath(Tex(r"(%s)" % r",\ ".join(sp.latex(g) for g in grads)),
                                        "(" + ", ".join(sp.sstr(g) for g in grads) + ")")]),
                      why=words("worked: the entry at z = 0 gets no gradient"),
                      check=checked("equals numerics.convolution.relu_backward",
                                    np.array_equal(numeric, np.array([float(g) for g in grads]))),
                      label="relu"))
    answer["relu_grad"] = grads
    sources["relu_grad"] = "relu"
    return steps


def max_partial_derivatives(values) -> list[tuple]:
    r"""The partial derivatives of :math:`m(v) = \max(v_1, \dots, v_n)` at ``values``, computed exactly.

    ``values`` are exact numbers with one largest entry. Let :math:`h` be half
    the gap between the largest and the second largest (1 when there is one
    entry). Moving one entry by at most :math:`h` either way leaves the arg-max
    where it is, so along every axis :math:`m` is linear on :math:`[-h, h]`
    and its partial derivative there equals both one-sided difference
    quotients, :math:`(m(v + h e_p) - m(v))/h` and
    :math:`(m(v - h e_p) - m(v))/(-h)`. Returns the pair (right, left) for
    every entry :math:`p`, in order: (1, 1) at the arg-max, (0, 0) elsewhere.
    That this is SymPy's derivative of ``Max`` is proved in
    ``tests/test_convolution_maxpool.py``.

    Raises
    ------
    ValueError
        If the largest value occurs more than once (``max`` has no derivative there).
    """
    values = [sp.Rational(v) for v in values]
    top = max(values)
    rest = [v for v in values if v != top]
    if len(rest) != len(values) - 1:
        raise ValueError(f"values: the maximum {top} occurs more than once; max has no derivative there")
    h = (top - max(rest)) / 2 if rest else sp.Integer(1)

    def moved(p, t):
        return max(v + t if q == p else v for q, v in enumerate(values))

    return [((moved(p, h) - top) / h, (moved(p, -h) - top) / -h) for p in range(len(values))]


def maxpool_steps(answer, sources) -> list:
    from ...numerics.convolution import maxpool2d, maxpool2d_backward
    Xv = [list(row) for row in MAXPOOL_INPUT]
    Gv = [list(row) for row in MAXPOOL_GRAD]
    X = np.array([[sp.Integer(v) for v in row] for row in Xv], dtype=object)
    Y = np.empty((2, 2), dtype=object)
    dX = np.full((4, 4), sp.Integer(0), dtype=object)
    ties = []
    for i in range(2):
        for j in range(2):
            window = [(2 * i + u, 2 * j + v) for u in range(2) for v in range(2)]
            best = max(X[p] for p in window)
            first = next(p for p in window if X[p] == best)  # row-major: the first maximum
            Y[i, j] = best
            dX[first] += Gv[i][j]
            if sum(X[p] == best for p in window) > 1:
                ties.append((i, j, first))
    xn = np.array(Xv, dtype=float)[None, None]
    ok_forward = np.array_equal(maxpool2d(xn)[0, 0], np.array(Y, dtype=float))
    ok_backward = np.array_equal(maxpool2d_backward(xn, np.array(Gv, dtype=float)[None, None])[0, 0],
                                 np.array(dX, dtype=float))
    # where a window has a single maximum, each entry's gradient is G times the derivative of max there,
    # computed exactly by max_partial_derivatives (both one-sided difference quotients)
    ok_sym = True
    for i in range(2):
        for j in range(2):
            if any(t[:2] == (i, j) for t in ties):
                continue
            window = [(2 * i + u, 2 * j + v) for u in range(2) for v in range(2)]
            for p, quotients in zip(window, max_partial_derivatives([X[p] for p in window])):
                ok_sym &= all(Gv[i][j] * q == dX[p] for q in quotients)
    tie_text = "; ".join(f"window ({i + 1}, {j + 1}) has a tie, and its first maximum in row-major order, "
                         f"at ({r + 1}, {c + 1}), takes the gradient" for i, j, (r, c) in ties)
    grid = boxed_grid_tex(X, (0, -1, 0, -1))
    steps = [Section("Max-pooling, 2x2 windows, stride 2",
                     words(InlineMath(Tex(r"y_{ij}"), "y_ij"), " is the largest of the four inputs of window (i, j)."))]
    steps.append(Step(Chain(InlineMath(Tex(r"\operatorname{maxpool}\Bigl(%s\Bigr)" % grid), "maxpool(X)"),
                            [matrix(Y)]),
                      why=words("each 2x2 block's maximum"),
                      check=checked("equals numerics.convolution.maxpool2d", ok_forward), label="maxpool_forward"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial X}\Big|_{G = %s}" % sp.latex(matrix(
        np.array(Gv, dtype=object)))), "dL/dX for G = [[1, 2], [3, 4]]"), [matrix(dX)]),
                      why=words("the maximum depends only on its arg-max, so each window's gradient goes to the "
                                "position of its maximum and the other three get 0. Tie rule: when several "
                                "entries share the maximum, the first in row-major order within the window "
                                "takes the whole gradient (as PyTorch's CPU kernel does)" +
                                (f"; here {tie_text}" if ties else "")),
                      check=checked("equals numerics.convolution.maxpool2d_backward; for the windows without a "
                                    "tie it equals G times the derivative of max, both one-sided difference "
                                    "quotients computed exactly with a step under half the gap to the runner-up",
                                    ok_backward and ok_sym),
                      label="maxpool_backward"))
    answer["maxpool_output"] = Y.tolist()
    answer["maxpool_grad"] = dX.tolist()
    sources.update({"maxpool_output": "maxpool_forward", "maxpool_grad": "maxpool_backward"})
    return steps


def softmax_steps(answer, sources, show: Numbers = Numbers()) -> list:
    from ...numerics.convolution import softmax_cross_entropy
    K = 3
    z = sp.symbols("z_1:4", real=True)
    norm = sum(sp.exp(v) for v in z)
    p = [sp.exp(v) / norm for v in z]
    ok_rule = True
    for y in range(K):
        # each link of the chain shown: -log p_y = -(z_y - log sum_j e^{z_j}) by SymPy's expand_log; its
        # derivative (SymPy's) is -[k = y] + e^{z_k} / sum_j e^{z_j}, which is p_k - [k = y] (equal as
        # expressions: no simplification needed, none trusted)
        log_sum_exp_form = -(z[y] - sp.log(norm))
        ok_rule &= sp.expand_log(-sp.log(p[y])) == log_sum_exp_form
        for k in range(K):
            derivative = sp.diff(log_sum_exp_form, z[k])
            ok_rule &= derivative == -(1 if k == y else 0) + sp.exp(z[k]) / norm
            ok_rule &= derivative == p[k] - (1 if k == y else 0)
    zv = [sp.log(3), sp.log(2), sp.Integer(0)]
    label = SOFTMAX_LABEL
    pv = [sp.nsimplify(pk.subs(dict(zip(z, zv)))) for pk in p]  # exp(log 3) = 3: already rational
    loss = -sp.log(pv[label])  # SymPy writes -log(1/q) as log(q) itself
    grad = [pv[k] - (1 if k == label else 0) for k in range(K)]
    nloss, ngrad = softmax_cross_entropy(np.array([[float(v) for v in zv]]), np.array([label]))
    ok_num = np.isclose(nloss, float(loss), rtol=1e-12) and np.allclose(ngrad[0], [float(g) for g in grad],
                                                                        rtol=1e-12, atol=1e-15)
    steps = [Section("Softmax with cross-entropy",
                     words("For class scores z (logits) and the true class y: ",
                           InlineMath(Tex(r"p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}, \quad L = -\log p_y"),
                                      "p_k = exp(z_k) / sum_j exp(z_j), L = -log p_y"),
                           "; over a batch of N examples the loss is the mean, so each gradient is divided by N."))]
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial z_k}"), "dL/dz_k"),
                            [InlineMath(Tex(r"-\frac{\partial}{\partial z_k}\Bigl(z_y - \log \sum_j e^{z_j}\Bigr)"),
                                        "-d/dz_k (z_y - log sum_j exp(z_j))"),
                             InlineMath(Tex(r"-[k = y] + \frac{e^{z_k}}{\sum_j e^{z_j}}"),
                                        "-[k = y] + exp(z_k) / sum_j exp(z_j)"),
                             InlineMath(Tex(r"p_k - [k = y]"), "p_k - [k = y]")]),
                      why=words("the log of the softmax is ",
                                InlineMath(Tex(r"\log p_y = z_y - \log \sum_j e^{z_j}"),
                                           "log p_y = z_y - log sum_j exp(z_j)"),
                                "; the derivative of the log-sum-exp is the softmax itself: the gradient is "
                                "softmax minus one-hot"),
                      check=checked("for K = 3 and every y, k: SymPy expands -log p_y to the log-sum-exp form, "
                                    "differentiates it, and the derivative is p_k - [k = y] as an expression",
                                    ok_rule),
                      label="softmax_rule"))
    steps.append(Step(Chain(sp.Symbol("p"),
                            [InlineMath(Tex(r"\frac{(3,\ 2,\ 1)}{3 + 2 + 1}"), "(3, 2, 1) / (3 + 2 + 1)"),
                             InlineMath(Tex(r"\left(%s\right)" % r",\ ".join(sp.latex(v) for v in pv)),
                                        "(" + ", ".join(sp.sstr(v) for v in pv) + ")")]),
                      why=words("worked: z = (log 3, log 2, 0), so ", InlineMath(Tex(r"e^{z} = (3, 2, 1)"),
                                                                                 "exp(z) = (3, 2, 1)")),
                      check=checked("equals the softmax of numerics.convolution.softmax_cross_entropy", ok_num),
                      label="softmax"))
    steps.append(Step(Chain(sp.Symbol("L"), [InlineMath(Tex(r"-\log p_1"), "-log p_1"), loss,
                                             show.rounded(loss)]),
                      why=words("worked: the true class is y = 1"),
                      check=checked("equals numerics.convolution.softmax_cross_entropy's loss", ok_num),
                      label="cross_entropy"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial z}"), "dL/dz"),
                            [InlineMath(Tex(r"\left(%s - 1,\ %s,\ %s\right)" % tuple(sp.latex(v) for v in pv)),
                                        f"({pv[0]} - 1, {pv[1]}, {pv[2]})"),
                             InlineMath(Tex(r"\left(%s\right)" % r",\ ".join(sp.latex(g) for g in grad)),
                                        "(" + ", ".join(sp.sstr(g) for g in grad) + ")")]),
                      why=words("worked: softmax minus one-hot; the entries sum to 0"),
                      check=checked("equals numerics.convolution.softmax_cross_entropy's gradient (N = 1)",
                                    ok_num and sum(grad) == 0),
                      label="cross_entropy_grad"))
    answer.update({"softmax": pv, "cross_entropy": loss, "cross_entropy_grad": grad})
    sources.update({"softmax": "softmax", "cross_entropy": "cross_entropy", "cross_entropy_grad": "cross_entropy_grad"})
    return steps


def adam_steps(answer, sources, show: Numbers = Numbers()) -> list:
    from ...numerics.convolution import Adam
    theta0, g = ADAM["theta0"], ADAM["g"]
    lr, b1, b2, eps = ADAM["lr"], ADAM["b1"], ADAM["b2"], ADAM["eps"]
    m1 = (1 - b1) * g
    v1 = (1 - b2) * g ** 2
    mhat = m1 / (1 - b1)
    vhat = v1 / (1 - b2)
    theta1 = theta0 - lr * mhat / (sp.sqrt(vhat) + eps)
    uncorrected = lr * m1 / (sp.sqrt(v1) + eps)
    param = np.array([1.0])
    opt = Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    opt.step([param], [np.array([0.5])])
    ok_num = np.isclose(param[0], float(theta1), rtol=1e-15, atol=0) and np.isclose(opt.m[0][0], float(m1)) \
        and np.isclose(opt.v[0][0], float(v1))
    steps = [Section("One Adam step",
                     words("Adam keeps running means of the gradient (m) and of its square (v), both started "
                           "at 0, and divides the bias-corrected mean by the root of the bias-corrected square. "
                           "Worked for one parameter ",
                           InlineMath(Tex(r"\theta_0 = 1"), "theta_0 = 1"), " with gradient ",
                           InlineMath(Tex(r"g = \tfrac12"), "g = 1/2"), ", ",
                           InlineMath(Tex(r"\eta = 10^{-3},\ \beta_1 = 0.9,\ \beta_2 = 0.999,\ \epsilon = 10^{-8}"),
                                      "eta = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8"), "."))]
    steps.append(Step(Chain(sp.Symbol("m_1"), [InlineMath(Tex(r"\beta_1 m_0 + (1 - \beta_1)\, g"),
                                                           "beta1 m_0 + (1 - beta1) g"),
                                                InlineMath(Tex(r"0.9 \cdot 0 + 0.1 \cdot \tfrac12"),
                                                           "0.9*0 + 0.1*(1/2)"),
                                                m1]),
                      why=words("first moment: a running mean of the gradient"),
                      check=checked("equals numerics.convolution.Adam's m after one step", ok_num), label="adam_m"))
    steps.append(Step(Chain(sp.Symbol("v_1"), [InlineMath(Tex(r"\beta_2 v_0 + (1 - \beta_2)\, g^2"),
                                                           "beta2 v_0 + (1 - beta2) g^2"),
                                                InlineMath(Tex(r"0.999 \cdot 0 + 0.001 \cdot \tfrac14"),
                                                           "0.999*0 + 0.001*(1/4)"),
                                                v1]),
                      why=words("second moment: a running mean of the squared gradient"),
                      check=checked("equals numerics.convolution.Adam's v after one step", ok_num), label="adam_v"))
    steps.append(Step(Chain(InlineMath(Tex(r"(\hat m_1,\ \hat v_1)"), "(m^_1, v^_1)"),
                            [InlineMath(Tex(r"\Bigl(\frac{m_1}{1 - \beta_1^1},\ \frac{v_1}{1 - \beta_2^1}\Bigr)"),
                                        "(m_1 / (1 - beta1), v_1 / (1 - beta2))"),
                             InlineMath(Tex(r"\bigl(%s,\ %s\bigr)" % (sp.latex(mhat), sp.latex(vhat))),
                                        f"({mhat}, {vhat})")]),
                      why=words("bias correction: m and v start at 0, so after t steps they are too small by the "
                                "factors ", InlineMath(Tex(r"1 - \beta_1^t"), "1 - beta1^t"), " and ",
                                InlineMath(Tex(r"1 - \beta_2^t"), "1 - beta2^t"),
                                "; dividing undoes that (after one step they recover ",
                                InlineMath(Tex("g"), "g"), " and ", InlineMath(Tex("g^2"), "g^2"), ")"),
                      check=checked("SymPy: the corrected moments equal g and g squared exactly",
                                    mhat == g and vhat == g ** 2),
                      label="adam_correction"))
    steps.append(Step(Chain(sp.Symbol("theta_1"),
                            [InlineMath(Tex(r"\theta_0 - \eta\, \frac{\hat m_1}{\sqrt{\hat v_1} + \epsilon}"),
                                        "theta_0 - eta m^_1 / (sqrt(v^_1) + eps)"),
                             InlineMath(Tex(r"1 - 10^{-3} \cdot \frac{1/2}{1/2 + 10^{-8}}"),
                                        "1 - 1e-3 * (1/2) / (1/2 + 1e-8)"),
                             theta1, show.rounded(theta1)],
                            reasons=[None, None, None, words(
                                "the change ", InlineMath(Tex(r"\Delta\theta = \theta_1 - \theta_0 \approx %s"
                                                              % sp.latex(show.rounded(theta1 - theta0))),
                                                          f"Δθ = θ_1 - θ_0 ≈ {sp.sstr(show.rounded(theta1 - theta0))}"))]),
                      why=words("the step: its size is about ", InlineMath(Tex(r"\eta"), "eta"),
                                " whatever the scale of g (without the bias correction this first step would be ",
                                show.rounded(uncorrected), ", about ",
                                show.rounded(uncorrected / lr), " times as large)"),
                      check=checked("equals numerics.convolution.Adam.step to 1e-15 relative", ok_num),
                      label="adam_step"))
    answer.update({"adam_m": m1, "adam_v": v1, "adam_param": theta1})
    sources.update({"adam_m": "adam_m", "adam_v": "adam_v", "adam_param": "adam_step"})
    return steps
