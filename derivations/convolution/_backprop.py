r"""Backpropagation through a convolution layer, derived by SymPy and worked on numbers.

:func:`backprop` is the whole worked result: the convolution layer here
(:math:`\partial L/\partial W = X \star G`, :math:`\partial L/\partial X` the
full convolution of :math:`G` with the kernel, :math:`\partial L/\partial b =
\sum G`), then ReLU, max-pooling, softmax cross-entropy and one Adam step from
:mod:`._layers`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..exact import parse_number
from ..markup import Tex
from ..result import Chain, Given, InlineMath, Result, Section, Step, checked, words
from ._check import backprop_checker
from ._input import exact_array, read_array
from ._layers import adam_steps, maxpool_steps, relu_steps, softmax_steps
from ._notation import Numbers, matrix, plain_products, plain_sum, python_ints, symbol_matrix

__all__ = ["backprop"]


def backprop(input=None, kernel=None, grad_output=None, *, bias=None, digits: int = 4) -> Result:
    r"""Backpropagation through a convolution layer, derived and worked; then
    ReLU, 2x2 max-pooling, softmax with cross-entropy, and one Adam step.

    For :math:`Y = X \star W + b` (valid cross-correlation, stride 1) and a
    loss :math:`L` with upstream gradient :math:`G = \partial L/\partial Y`:

    .. math::

        \frac{\partial L}{\partial W} = X \star G,\qquad
        \frac{\partial L}{\partial X} = \operatorname{pad}_{k-1}(G) \star \operatorname{rot}_{180}(W)
            \;(= G * W\text{, the full convolution}),\qquad
        \frac{\partial L}{\partial b} = \sum_{ij} G_{ij}.

    Each identity is derived by SymPy on the given dimensions (symbols for
    every entry) and proved entry by entry; the numbers are then substituted
    and compared with :func:`numerics.convolution.conv2d_backward`.

    Parameters
    ----------
    input : matrix (H, W), default ``[[1,2,3],[4,5,6],[7,8,9]]``
    kernel : matrix (kh, kw), default ``[[1,0],[0,-1]]``
    grad_output : matrix (H-kh+1, W-kw+1), default 1, 2, 3, ... in row-major order
    bias : number, optional (it does not change the gradients)
    digits : int, default 4
        Significant digits of every decimal rounded for display (the loss, the
        Adam step); with a decimal typed in the input, the kernel or the
        gradient, the worked gradients are shown as exact decimals. The
        answers stay exact.

    Returns
    -------
    Result
        Answer keys: ``grad_weight``, ``grad_input``, ``grad_bias``,
        ``relu_grad``, ``maxpool_output``, ``maxpool_grad``, ``softmax``,
        ``cross_entropy``, ``cross_entropy_grad``, ``adam_m``, ``adam_v``,
        ``adam_param``.
    """
    X = exact_array(read_array(input if input is not None else [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                               "--input", depth=(2,)), "--input")
    K = exact_array(read_array(kernel if kernel is not None else [[1, 0], [0, -1]],
                               "--kernel", depth=(2,)), "--kernel")
    H, W = X.shape
    kh, kw = K.shape
    if max(H, W) > 6:
        raise ValueError(f"--input: {H}x{W}; the backpropagation is derived symbolically for inputs up to 6x6")
    if kh > H or kw > W:
        raise ValueError(f"--kernel: {kh}x{kw} is larger than the {H}x{W} input")
    OH, OW = H - kh + 1, W - kw + 1
    if grad_output is None:
        G = np.array([[sp.Integer(i * OW + j + 1) for j in range(OW)] for i in range(OH)], dtype=object)
    else:
        G = exact_array(read_array(grad_output, "--grad-output", depth=(2,)), "--grad-output")
        if G.shape != (OH, OW):
            raise ValueError(f"--grad-output: {G.shape[0]}x{G.shape[1]}, but the output is {OH}x{OW}; give one "
                             f"gradient per output cell")
    if bias is not None:
        parse_number(bias, what="--bias")  # checked, but the bias does not change any gradient

    show = Numbers.of(input, kernel, grad_output, digits=digits)
    steps: list = []
    answer: dict = {}
    sources: dict = {}
    steps += _conv_layer_steps(X, K, G, answer, sources, show)
    steps += relu_steps(answer, sources)
    steps += maxpool_steps(answer, sources)
    steps += softmax_steps(answer, sources, show)
    steps += adam_steps(answer, sources, show)
    givens = [Given("input X", matrix(show(X))), Given("kernel W", matrix(show(K))),
              Given("upstream gradient G = dL/dY", matrix(show(G)))]
    return Result(kind="conv.backprop", title="Backpropagation through a CNN: convolution, ReLU, max-pooling, "
                                              "softmax cross-entropy, Adam",
                  givens=givens, steps=steps, answer=python_ints(answer), sources=sources,
                  checker=backprop_checker(X, K, G, python_ints(answer)),
                  intro=words("A layer's backward pass receives G, the gradient of the loss L with respect to "
                              "its output, and returns the gradients with respect to its input and its "
                              "parameters, by the chain rule. Each formula below is derived by SymPy with a "
                              "symbol for every entry and proved entry by entry, then worked on numbers."))


def _correlate(A: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    """Valid cross-correlation of two SymPy matrices."""
    return sp.Matrix(A.rows - B.rows + 1, A.cols - B.cols + 1,
                     lambda i, j: sum(A[i + u, j + v] * B[u, v] for u in range(B.rows) for v in range(B.cols)))


def _pad_matrix(A: sp.Matrix, p: int, q: int) -> sp.Matrix:
    """A with p rows of zeros above and below and q columns left and right."""
    out = sp.zeros(A.rows + 2 * p, A.cols + 2 * q)
    out[p:p + A.rows, q:q + A.cols] = A
    return out


def _rot180(A: sp.Matrix) -> sp.Matrix:
    """A rotated by 180 degrees (rows and columns reversed)."""
    return sp.Matrix(A.rows, A.cols, lambda i, j: A[A.rows - 1 - i, A.cols - 1 - j])


def symbolic_gradients(H: int, W: int, kh: int, kw: int) -> tuple:
    """``(X, K, G, dL/dX, dL/dK, dL/db)``: a symbol for every entry of an H x W input, a kh x kw kernel and the
    upstream gradient G, and SymPy's derivatives of L = Σ G ⊙ (X ⋆ K + b) (valid cross-correlation, stride 1)."""
    OH, OW = H - kh + 1, W - kw + 1
    Xs, Ws, Gs = symbol_matrix("x", H, W), symbol_matrix("w", kh, kw), symbol_matrix("g", OH, OW)
    b = sp.Symbol("b")
    Ys = _correlate(Xs, Ws) + sp.Matrix(OH, OW, lambda _i, _j: b)
    L_lin = sum(Gs[i, j] * Ys[i, j] for i in range(OH) for j in range(OW))
    dX_sym = sp.Matrix(H, W, lambda r, c: sp.diff(L_lin, Xs[r, c]))
    dW_sym = sp.Matrix(kh, kw, lambda u, v: sp.diff(L_lin, Ws[u, v]))
    return Xs, Ws, Gs, dX_sym, dW_sym, sp.diff(L_lin, b)


def _conv_layer_steps(X, K, G, answer, sources, show: Numbers = Numbers()) -> list:
    """dL/dW, dL/dX and dL/db derived with a symbol for every entry, then worked on X, K and G."""
    from ...numerics.convolution import conv2d_backward
    H, W = X.shape
    kh, kw = K.shape
    OH, OW = H - kh + 1, W - kw + 1
    Xs, Ws, Gs, dX_sym, dW_sym, db_sym = symbolic_gradients(H, W, kh, kw)
    dW_rule = _correlate(Xs, Gs)
    dX_rule = _correlate(_pad_matrix(Gs, kh - 1, kw - 1), _rot180(Ws))
    ok_w = all(sp.expand(dW_sym[u, v] - dW_rule[u, v]) == 0 for u in range(kh) for v in range(kw))
    ok_x = all(sp.expand(dX_sym[r, c] - dX_rule[r, c]) == 0 for r in range(H) for c in range(W))
    ok_b = sp.expand(db_sym - sum(Gs)) == 0
    dims = f"X {H}x{W}, W {kh}x{kw}, Y and G {OH}x{OW}"
    steps: list = [Section("Convolution layer",
                           words(InlineMath(Tex(r"Y = X \star W + b"), "Y = X ⋆ W + b"),
                                 f" (valid cross-correlation, stride 1) with {dims}. By the chain rule "
                                 "every gradient is a sum over the outputs, ",
                                 InlineMath(Tex(r"\frac{\partial L}{\partial \theta} = \sum_{ij} g_{ij}\, "
                                                r"\frac{\partial y_{ij}}{\partial \theta}"),
                                            "dL/dtheta = sum_ij g_ij dy_ij/dtheta"),
                                 ", so differentiating ",
                                 InlineMath(Tex(r"\sum_{ij} g_{ij}\, y_{ij}"), "sum_ij g_ij y_ij"),
                                 " with the g's held fixed gives the exact gradients."))]
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial W}"), "dL/dW"),
                            [dW_sym, InlineMath(Tex(r"X \star G"), "X ⋆ G")]),
                      why=words("differentiate with respect to every kernel entry: entry (u, v) collects every "
                                "input pixel that met w_uv, weighted by that output's gradient, which is the "
                                "cross-correlation of the input with G"),
                      check=checked(f"SymPy's derivative equals the cross-correlation of X with G entry by entry "
                                    f"({kh * kw} entries, symbols for every entry)", ok_w),
                      label="dW_rule"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial X}"), "dL/dX"),
                            [dX_sym if H * W <= 16 else
                             InlineMath(Tex(r"\Bigl[\frac{\partial L}{\partial x_{rc}}\Bigr]"), "[dL/dx_rc]"),
                             InlineMath(Tex(r"\operatorname{pad}_{%d,%d}(G) \star \operatorname{rot}_{180}(W)"
                                            % (kh - 1, kw - 1)),
                                        f"pad_{kh - 1},{kw - 1}(G) ⋆ rot180(W)")]),
                      why=words("differentiate with respect to every input pixel: pixel (r, c) sends its gradient "
                                "back through every window that contains it; that is G zero-padded by k-1 and "
                                "cross-correlated with the kernel rotated by 180 degrees, the full convolution "
                                "of G with W"),
                      check=checked(f"SymPy's derivative equals the full convolution entry by entry "
                                    f"({H * W} entries)", ok_x),
                      label="dX_rule"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial b}"), "dL/db"),
                            [db_sym, InlineMath(Tex(r"\sum_{ij} g_{ij}"), "sum_ij g_ij")]),
                      why=words("the bias is added to every output cell, so its gradient is the sum of G"),
                      check=checked("SymPy's derivative equals the sum of G", ok_b), label="db_rule"))

    Xm, Km, Gm = matrix(X), matrix(K), matrix(G)
    subs = {**{Xs[i, j]: X[i, j] for i in range(H) for j in range(W)},
            **{Ws[i, j]: K[i, j] for i in range(kh) for j in range(kw)},
            **{Gs[i, j]: G[i, j] for i in range(OH) for j in range(OW)}}
    dW = _correlate(sp.Matrix(Xm), sp.Matrix(Gm))
    dX = _correlate(_pad_matrix(sp.Matrix(Gm), kh - 1, kw - 1), _rot180(sp.Matrix(Km)))
    db = sum(G.flatten())
    ndx, ndw, ndb = conv2d_backward(np.array(X, dtype=float)[None, None], np.array(K, dtype=float)[None, None],
                                    np.array(G, dtype=float)[None, None])
    ok_num = (np.allclose(ndw[0, 0], np.array(dW, dtype=float), rtol=1e-12, atol=1e-12)
              and np.allclose(ndx[0, 0], np.array(dX, dtype=float), rtol=1e-12, atol=1e-12)
              and np.isclose(ndb[0], float(db)))
    # xreplace: every symbol is replaced by its number in one pass (subs would search for each in turn)
    ok_sub = dW == dW_sym.xreplace(subs) and dX == dX_sym.xreplace(subs) and db == db_sym.xreplace(subs)
    how = "equals SymPy's derivative with the numbers substituted, and numerics.convolution.conv2d_backward (float64)"
    Gp = _pad_matrix(sp.Matrix(Gm), kh - 1, kw - 1)
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial W}"), "dL/dW"),
                            [InlineMath(Tex(sp.latex(show(Xm)) + r"\star" + sp.latex(show(Gm))), "X ⋆ G"),
                             show(dW)]),
                      why=words("worked: cross-correlate the input with G; for example entry (1, 1) is ",
                                plain_products(show([(X[u, v], G[u, v]) for u in range(OH) for v in range(OW)])),
                                " = ", show(dW[0, 0])),
                      check=checked(how, ok_num and ok_sub), label="dW"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial X}"), "dL/dX"),
                            [InlineMath(Tex(sp.latex(show(Gp)) + r"\star" + sp.latex(show(_rot180(sp.Matrix(Km))))),
                                        "pad(G) ⋆ rot180(W)"), show(dX)]),
                      why=words("worked: pad G with ", sp.Integer(kh - 1), " row(s) and ", sp.Integer(kw - 1),
                                " column(s) of zeros, rotate the kernel by 180 degrees, cross-correlate"),
                      check=checked(how, ok_num and ok_sub), label="dX"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial b}"), "dL/db"),
                            [plain_sum(show(list(G.flatten()))), show(db)]),
                      why=words("worked: the sum of G"), check=checked(how, ok_num and ok_sub), label="db"))
    answer.update({"grad_weight": dW.tolist(), "grad_input": dX.tolist(), "grad_bias": db})
    sources.update({"grad_weight": "dW", "grad_input": "dX", "grad_bias": "db"})
    return steps
