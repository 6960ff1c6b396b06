r"""The convolution as one matrix product, two ways, checked against the direct sums.

* im2col: :math:`W P` with one column of the patch matrix :math:`P` per
  output cell and one row of :math:`W` per output channel's kernel;
* the doubly blocked Toeplitz matrix :math:`T`, built from the kernel alone,
  times the row-major vectorised (padded) input; for one channel its blocks
  :math:`H_u` (kernel row :math:`u` as a banded matrix) are shown, and when
  :math:`T` is too wide to print, the product block row by block row.

The step builders take the :class:`~._forward.ConvProblem` being worked.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..markup import Tex
from ..result import Chain, InlineMath, Step, checked, words
from ._notation import fits_on_line, nested_text

BLOCK_ROW_CELLS = 16   # T's product is worked block row by block row up to this many output columns

__all__ = ["im2col_exact", "toeplitz_exact", "kernel_row_band", "im2col_step", "toeplitz_steps",
           "toeplitz_block_rows"]


def im2col_exact(Xp, kh, kw, sh, sw, OH, OW) -> np.ndarray:
    """The patch matrix P (C*kh*kw x OH*OW) of the padded input ``Xp`` (C, Hp, Wp), exactly.

    Column ``i*OW + j`` is the window of output cell (i, j); row ``(c*kh + u)*kw + v``
    is its entry at channel c, kernel row u, kernel column v (the layout of
    :func:`numerics.convolution.im2col`).
    """
    C = Xp.shape[0]
    P = np.empty((C * kh * kw, OH * OW), dtype=object)
    for c in range(C):
        for u in range(kh):
            for v in range(kw):
                for i in range(OH):
                    for j in range(OW):
                        P[(c * kh + u) * kw + v, i * OW + j] = Xp[c, sh * i + u, sw * j + v]
    return P


def toeplitz_exact(Kf, Hp, Wp, sh, sw, OH, OW) -> np.ndarray:
    """The matrix T (C_out*OH*OW x C*Hp*Wp) with vec(Y) = T vec(Xp), built from the applied kernel ``Kf`` alone.

    Row n (output cells row-major, output channel by output channel) holds the
    kernel entries at the pixels of window n, zeros elsewhere.
    """
    C_out, C, kh, kw = Kf.shape
    T = np.full((C_out * OH * OW, C * Hp * Wp), sp.Integer(0), dtype=object)
    for o in range(C_out):
        for i in range(OH):
            for j in range(OW):
                row = (o * OH + i) * OW + j
                for c in range(C):
                    for u in range(kh):
                        for v in range(kw):
                            T[row, (c * Hp + sh * i + u) * Wp + sw * j + v] = Kf[o, c, u, v]
    return T


def kernel_row_band(problem, u: int, OW: int, Wp: int) -> sp.Matrix:
    """H_u (OW x Wp): kernel row u of a single-channel kernel as a banded matrix, row j shifted by the stride."""
    sw, kw = problem.stride[1], problem.kw
    return sp.Matrix(OW, Wp, lambda j, q: problem.Kf[0, 0, u, q - sw * j] if 0 <= q - sw * j < kw else 0)


def im2col_step(problem, P, Y) -> Step:
    """Y as W P (each output channel's kernel flattened into a row of W), checked against the direct sums."""
    from ...numerics.convolution import im2col
    C_out, C, kh, kw = problem.Kf.shape
    Wm = np.array([[problem.Kf[o, c, u, v] for c in range(C) for u in range(kh) for v in range(kw)]
                   for o in range(C_out)], dtype=object)
    prod = (sp.Matrix(Wm.tolist()) * sp.Matrix(P.tolist()))
    if problem.b is not None:
        prod += sp.Matrix(C_out, P.shape[1], lambda o, _: problem.b[o])
    expected = sp.Matrix([[Y[o].flat[n] for n in range(Y.shape[1] * Y.shape[2])] for o in range(C_out)])
    numeric_P = im2col(np.array(problem.X, dtype=float)[None], (kh, kw), problem.stride, problem.padding)
    ok = prod == expected and np.array_equal(numeric_P, np.array(P, dtype=float))
    show = fits_on_line(Wm.tolist(), P.tolist()) and P.shape[0] <= 30
    lhs = InlineMath(Tex(r"\operatorname{vec}(Y)^\top" if C_out == 1 else r"Y_{\text{rows}}"),
                     "vec(Y)^T" if C_out == 1 else "Y (one row per output channel)")
    if problem.b is None:
        links = [InlineMath(Tex("W P"), "W P")]
        if show:
            links.append(sp.MatMul(sp.ImmutableMatrix(problem.show(Wm.tolist())),
                                   sp.ImmutableMatrix(problem.show(P.tolist())), evaluate=False))
    else:
        links = [InlineMath(Tex(r"W P + b\,\mathbf{1}^\top = \begin{bmatrix} W & b \end{bmatrix}"
                                r"\begin{bmatrix} P \\ \mathbf{1}^\top \end{bmatrix}"),
                            "W P + b 1^T = [W b] [P; 1^T]")]
        if show:
            W_aug = [list(Wm[o]) + [problem.b[o]] for o in range(C_out)]
            P_aug = P.tolist() + [[sp.Integer(1)] * P.shape[1]]
            links.append(sp.MatMul(sp.ImmutableMatrix(problem.show(W_aug)), sp.ImmutableMatrix(problem.show(P_aug)),
                                   evaluate=False))
    if fits_on_line(expected.tolist()):
        links.append(problem.show(expected))
    else:  # as wide as the output has cells: the output step above shows the same numbers in place
        links.append(InlineMath(Tex(r"\text{the output above, each channel's cells in row-major order}"),
                                "the output above, each channel's cells in row-major order"))
    orient = ("P is " + f"{P.shape[0]} x {P.shape[1]}: column n holds the window of output cell n "
              "(cells in row-major order), read row by row; W is "
              f"{C_out} x {P.shape[0]}, each output channel's kernel flattened the same way"
              + ("; the bias joins W as a last column, against a row of ones under P"
                 if problem.b is not None else ""))
    return Step(Chain(lhs, links), why=words("im2col: " + orient +
                                            ("" if show else "; P is too wide to print here (it is in the "
                                                             "JSON output as im2col)")),
                check=checked("W P equals the direct sums exactly, and P equals numerics.convolution.im2col",
                              ok),
                label="im2col")


def toeplitz_steps(problem, T, Y) -> list:
    """vec(Y) as T vec(X~); for one channel first the blocks H_u of T and their pattern."""
    sh, sw = problem.stride
    Hp, Wp = problem.Xp.shape[1:]
    OH, OW = Y.shape[1:]
    steps = []
    if problem.C == 1 and problem.C_out == 1:
        Hs = [kernel_row_band(problem, u, OW, Wp) for u in range(problem.kh)]
        # the blocks of T are exactly the H_u of the pattern
        ok = True
        for i in range(OH):
            for r in range(Hp):
                block = sp.Matrix(T[i * OW:(i + 1) * OW, r * Wp:(r + 1) * Wp].tolist())
                d = r - sh * i
                ok &= block == (Hs[d] if 0 <= d < problem.kh else sp.zeros(OW, Wp))
        show_h = fits_on_line(Hs[0].tolist())
        if show_h:
            for u, Hu in enumerate(Hs):
                where = "padded input column" if any(problem.padding) else "input column"
                start = "j" if sw == 1 else f"{sw}(j-1)+1"
                steps.append(Step(Chain(sp.Symbol(f"H_{u + 1}"), [problem.show(Hu)]),
                                  why=words(f"kernel row {u + 1} as a banded matrix: row j holds kernel row "
                                            f"{u + 1} starting at column {start} ({OW} x {Wp}: one row per "
                                            f"output column, one column per {where})"),
                                  check=checked("equals the corresponding blocks of T built entry by entry "
                                                "from the definition", ok),
                                  label=f"toeplitz_H{u + 1}"))
        pattern = sp.Matrix(OH, Hp, lambda i, r: sp.Symbol(f"H_{r - sh * i + 1}")
                            if 0 <= r - sh * i < problem.kh else 0)
        steps.append(Step(Chain(sp.Symbol("T"), [pattern]),
                          why=words(f"the blocks: block row i (output row i) holds H_u in block column "
                                    f"{'i-1+u' if sh == 1 else f'{sh}(i-1)+u'} (the input row that kernel row u "
                                    "meets), zeros elsewhere: a block Toeplitz matrix of Toeplitz blocks"
                                    if sh == 1 and sw == 1 else
                                    f"the blocks: block row i holds H_u in block column {sh}(i-1)+u; with "
                                    "stride > 1 the blocks shift by the stride, so T is block-banded rather "
                                    "than strictly Toeplitz"),
                          check=checked("every block of T equals the pattern's H_u or zero", ok),
                          label="toeplitz_blocks"))
    vec_x = [v for c in range(problem.C) for v in problem.Xp[c].flatten()]
    vec_y = [v for o in range(problem.C_out) for v in Y[o].flatten()]
    Tm = sp.Matrix(T.tolist())
    prod = Tm * sp.Matrix(vec_x)
    if problem.b is not None:
        prod += sp.Matrix([problem.b[o] for o in range(problem.C_out) for _ in range(OH * OW)])
    ok = prod == sp.Matrix(vec_y)
    xt = r"\tilde X" if any(problem.padding) else "X"
    lhs = InlineMath(Tex(r"\operatorname{vec}(Y)"), "vec(Y)")
    xtext = "X~" if any(problem.padding) else "X"
    if problem.b is None:
        links = [InlineMath(Tex(r"T \operatorname{vec}(%s)" % xt), f"T vec({xtext})")]
    else:
        links = [InlineMath(Tex(r"T \operatorname{vec}(%s) + b \otimes \mathbf{1} = \begin{bmatrix} T & "
                                r"b \otimes \mathbf{1} \end{bmatrix} \begin{bmatrix} \operatorname{vec}(%s)"
                                r" \\ 1 \end{bmatrix}" % (xt, xt)),
                            f"T vec({xtext}) + b (x) 1 = [T  b (x) 1] [vec({xtext}); 1]")]
    if problem.b is None:
        product = sp.MatMul(sp.ImmutableMatrix(problem.show(T.tolist())), sp.ImmutableMatrix(problem.show(vec_x)),
                            evaluate=False)
        shown_T = T.tolist()
    else:
        shown_T = [list(T[r]) + [problem.b[r // (OH * OW)]] for r in range(T.shape[0])]
        product = sp.MatMul(sp.ImmutableMatrix(problem.show(shown_T)),
                            sp.ImmutableMatrix(problem.show(vec_x + [sp.Integer(1)])), evaluate=False)
    show = fits_on_line(shown_T, [[v] for v in vec_x]) and len(vec_x) <= 40
    if show:
        links.append(product)
    if fits_on_line([problem.show(vec_y)]):
        links.append(sp.Transpose(sp.ImmutableMatrix([problem.show(vec_y)])))
    else:  # as long as the output has cells: the output step above shows the same numbers in place
        links.append(InlineMath(Tex(r"\text{the output above, each channel's cells in row-major order}"),
                                "the output above, each channel's cells in row-major order"))
    blockwise = not show and problem.C == 1 and problem.C_out == 1 and OW <= BLOCK_ROW_CELLS
    steps.append(Step(Chain(lhs, links),
                      why=words(f"T is {T.shape[0]} x {T.shape[1]}: one row per output cell (row-major"
                                + (", output channel by output channel" if problem.C_out > 1 else "")
                                + "), one column per "
                                + ("padded " if any(problem.padding) else "") + "input pixel (row-major"
                                + (", channel by channel" if problem.C > 1 else "") + "); row n holds the kernel "
                                "entries at the pixels of window n and zeros elsewhere"
                                + ("; the bias joins T as a last column, against a 1 under the input vector"
                                   if problem.b is not None else "")
                                + ("" if show else "; T is too wide to print here (it is in the JSON output as "
                                                   "toeplitz)" + ("; below, the product block row by block row"
                                                                  if blockwise else ""))),
                      check=checked("T vec(X) equals the direct sums exactly", ok), label="toeplitz"))
    if blockwise:
        steps += toeplitz_block_rows(problem, Y)
    return steps


def toeplitz_block_rows(problem, Y) -> list:
    """vec(Y) = T vec(X~) one block row at a time: y_i = sum_u H_u x~_(s(i-1)+u)."""
    sh = problem.stride[0]
    Wp = problem.Xp.shape[2]
    OH, OW = Y.shape[1:]
    xt, xtext = (r"\tilde x", "x~") if any(problem.padding) else ("x", "x")
    steps = []
    for i in range(OH):
        terms, products = [], []
        for u in range(problem.kh):
            r = sh * i + u
            col = sp.Matrix(list(problem.Xp[0, r]))
            terms.append((u, r, col))
            products.append(kernel_row_band(problem, u, OW, Wp) * col)
        total = sum(products, sp.zeros(OW, 1))
        if problem.b is not None:
            total += sp.Matrix([problem.b[0]] * OW)
        ok = list(total) == list(Y[0, i])
        sym_tex = " + ".join(r"H_{%d} %s_{%d}" % (u + 1, xt, r + 1) for u, r, _ in terms)
        sym_text = " + ".join(f"H_{u + 1} {xtext}_{r + 1}" for u, r, _ in terms)
        num_tex = " + ".join(sp.latex(problem.show(p_)) for p_ in products)
        num_text = " + ".join(nested_text(problem.show(p_.T)) + "^T" for p_ in products)
        if problem.b is not None:
            sym_tex += " + b"
            sym_text += " + b"
            num_tex += " + " + sp.latex(problem.show(problem.b[0]))
            num_text += f" + {sp.sstr(problem.show(problem.b[0]))}"
        lhs = InlineMath(Tex(r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(
            r"y_{%s}" % problem.cell_index(i, j) for j in range(OW))), f"(y_{i + 1},1 .. y_{i + 1},{OW})^T")
        steps.append(Step(Chain(lhs, [InlineMath(Tex(sym_tex), sym_text), InlineMath(Tex(num_tex), num_text),
                                      sp.ImmutableMatrix(problem.show(list(Y[0, i])))]),
                          why=words(f"block row {i + 1} of T times vec(X): output row {i + 1} from input rows "
                                    f"{sh * i + 1}-{sh * i + problem.kh}, where ",
                                    InlineMath(Tex(r"%s_r" % xt), f"{xtext}_r"),
                                    " is row r of the " + ("padded " if any(problem.padding) else "")
                                    + "input as a column"),
                          check=checked("equals output row %d computed by the direct sums" % (i + 1), ok),
                          label=f"toeplitz_row_{i + 1}"))
    return steps
