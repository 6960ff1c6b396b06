r"""One convolution worked by hand: the output size, every output cell as a
sum of products with its window boxed, and the output; then the two matrix
forms of :mod:`._matrix_forms`.

:class:`ConvProblem` holds the exact arrays of one convolution (input,
padded input, kernel as given and as applied, bias, stride, padding) and
writes its steps; :func:`convolve` reads the arguments, computes the output
exactly and assembles the :class:`~..result.Result`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ...numerics import limits
from ..exact import parse_number, parse_number_list
from ..markup import Tex
from ..result import Chain, Display, Given, InlineMath, Result, Section, Step, checked, words
from ._check import conv_checker
from ._input import exact_array, parse_pair, read_array
from ._matrix_forms import im2col_exact, im2col_step, toeplitz_exact, toeplitz_steps
from ._notation import (Numbers, boxed_grid_tex, boxed_grid_text, fits_on_line, matrix, matrix_steps,
                        named_matrices, nested_text,
                        plain_sum, python_ints, sum_of_products)

__all__ = ["convolve", "ConvProblem", "MAX_SIDE", "MAX_PADDED_SIDE", "MAX_CELL_STEPS", "MAX_FORM_ENTRIES"]

MAX_SIDE = 16          # largest input side (and kernel side) worked by hand
MAX_PADDED_SIDE = 3 * MAX_SIDE  # largest padded input side: padding up to 16 around a 16x16 input
MAX_CELL_STEPS = 64    # output cells worked one step each; the rest are in the output table
MAX_FORM_ENTRIES = 1_000_000  # im2col or Toeplitz matrix larger than this: left out of the steps and the answer


def convolve(input, kernel, *, bias=None, stride=1, padding=0, flip: bool = False, digits: int = 4) -> Result:
    r"""Work one convolution by hand, exactly.

    .. math::

        y^{(o)}_{ij} = b_o + \sum_{c}\sum_{u=1}^{k_h}\sum_{v=1}^{k_w}
            \tilde x^{(c)}_{s_h(i-1)+u,\; s_w(j-1)+v}\; w^{(o,c)}_{uv}

    (cross-correlation, what deep-learning libraries call convolution); with
    ``flip`` the kernel is rotated by 180° first, which is the mathematical
    convolution :math:`\sum_m x_m w_{n-m}`.

    Parameters
    ----------
    input : matrix (H, W) or array (C_in, H, W)
        Numbers (int, decimal or fraction strings, SymPy), or a string/file as
        accepted by :func:`read_array`. At most :data:`MAX_SIDE` per side.
    kernel : matrix (kh, kw), array (C_in, kh, kw) or (C_out, C_in, kh, kw)
    bias : sequence of C_out numbers, or "b1,b2,...", optional
    stride, padding : int, (int, int) or "S" / "SH,SW"
    flip : bool
        Rotate the kernel by 180° (mathematical convolution).
    digits : int, default 4
        Significant digits of a decimal rounded for display (none here: with
        a decimal typed in the input, the kernel or the bias, every value is
        shown as its exact decimal, ``0.5`` not ``1/2``; the answers stay exact).

    Returns
    -------
    Result
        Answer keys: ``output`` (H_out x W_out nested lists, or C_out x H_out x
        W_out when the kernel is 4-D), ``output_shape``, ``im2col`` (the patch
        matrix, C_in*kh*kw x H_out*W_out: one column per output cell in
        row-major order, rows in the order channel, kernel row, kernel column),
        ``kernel_used`` (the kernel as applied: flipped with ``flip``),
        ``toeplitz`` (C_out*H_out*W_out x C_in*Hp*Wp, acting on the row-major
        vectorised padded input), ``padded_input``, ``operation``.
    """
    X, K, b, (sh, sw), (ph, pw), channels_out_axis = _read_convolution(input, kernel, bias, stride, padding)
    C, H, W = X.shape
    C_out, _, kh, kw = K.shape
    Kf = K[:, :, ::-1, ::-1] if flip else K
    OH, OW = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    Xp = np.full((C, H + 2 * ph, W + 2 * pw), sp.Integer(0), dtype=object)
    Xp[:, ph:ph + H, pw:pw + W] = X
    Hp, Wp = Xp.shape[1:]
    problem = ConvProblem(X, Xp, K, Kf, b, (sh, sw), (ph, pw), flip, channels_out_axis)
    problem.show = show = Numbers.of(input, kernel, bias, digits=digits)

    Y = np.empty((C_out, OH, OW), dtype=object)
    for o in range(C_out):
        for i in range(OH):
            for j in range(OW):
                Y[o, i, j] = problem.cell_value(o, i, j)
    # a matrix form past MAX_FORM_ENTRIES is left out (the output is the same; a 16x16 input padded by 16
    # would give T 10^7 entries): neither built, nor worked, nor in the answer
    P_shape, T_shape = (C * kh * kw, OH * OW), (C_out * OH * OW, C * Hp * Wp)
    P = im2col_exact(Xp, kh, kw, sh, sw, OH, OW) if P_shape[0] * P_shape[1] <= MAX_FORM_ENTRIES else None
    T = toeplitz_exact(Kf, Hp, Wp, sh, sw, OH, OW) if T_shape[0] * T_shape[1] <= MAX_FORM_ENTRIES else None
    y_float, y_scipy = numeric_oracles(X, K, b, (sh, sw), (ph, pw), flip)

    shape_text = "x".join(str(n) for n in ((C, H, W) if C > 1 else (H, W)))
    k_text = "x".join(str(n) for n in K.shape[(0 if channels_out_axis else (1 if C > 1 else 2)):])
    title = (f"{'Convolution (kernel flipped)' if flip else 'Cross-correlation (deep-learning convolution)'}"
             f" of a {shape_text} input with a {k_text} kernel")
    extras = [f"stride {sh}" if sh == sw else f"stride ({sh}, {sw})"] if (sh, sw) != (1, 1) else []
    if (ph, pw) != (0, 0):
        extras.append(f"padding {ph}" if ph == pw else f"padding ({ph}, {pw})")
    if extras:
        title += ", " + ", ".join(extras)

    steps: list = [Section("The operation and the output size")]
    steps += problem.givens_steps()
    steps.append(problem.definition_step())
    if flip:
        steps += problem.flip_steps()
    steps += [problem.size_step("rows", H, kh, ph, sh, OH), problem.size_step("columns", W, kw, pw, sw, OW)]
    if (ph, pw) != (0, 0):
        steps += problem.padding_steps()

    steps.append(Section("Every output cell as a sum of products",
                         words("Each output cell is the sum, over the window of the input it sees (boxed), of "
                               "input times kernel entry" + (", plus the bias of its output channel" if b else "")
                               + ". Rows and columns are numbered from 1.")))
    cells = [(o, i, j) for o in range(C_out) for i in range(OH) for j in range(OW)]
    notes = []
    for n, (o, i, j) in enumerate(cells):
        if n >= MAX_CELL_STEPS:
            notes.append(f"Only the first {MAX_CELL_STEPS} of {len(cells)} output cells are worked one by one; "
                         f"the others are computed the same way and appear in the output.")
            break
        steps.append(problem.cell_step(o, i, j, Y[o, i, j], y_float[o, i, j], y_scipy[o, i, j]))
    steps += problem.output_steps(Y, y_float)

    steps.append(Section("The same as one matrix product: im2col",
                         words("Copy each window into a column of the patch matrix P (one column per output "
                               "cell, in row-major order of the output; rows in the order channel, kernel row, "
                               "kernel column); flatten each output channel's kernel into a row of W. Then "
                               "every output cell is one row of W times one column of P."
                               + ("" if P is not None else " " + _left_out("P", "im2col", P_shape)))))
    if P is not None:
        steps.append(im2col_step(problem, P, Y))
    steps.append(Section("The same as one matrix product: the doubly blocked Toeplitz matrix",
                         words("Flatten the (padded) input row by row into a vector; the convolution is then "
                               "one matrix T times that vector. T is built from the kernel alone."
                               + ("" if T is not None else " " + _left_out("T", "toeplitz", T_shape)))))
    if T is not None:
        steps += toeplitz_steps(problem, T, Y)
    notes += [_left_out(name, key, shape) for name, key, shape, m in (("P", "im2col", P_shape, P),
                                                                      ("T", "toeplitz", T_shape, T)) if m is None]

    out = Y.tolist() if channels_out_axis else Y[0].tolist()
    answer = {  # in the order the worked solution computes them (a check report lists roots in this order)
        "operation": "convolution" if flip else "cross-correlation",
        "kernel_used": (Kf.tolist() if channels_out_axis else (Kf[0].tolist() if C > 1 else Kf[0, 0].tolist())),
        "output_shape": list(Y.shape) if channels_out_axis else [OH, OW],
        "padded_input": Xp.tolist() if C > 1 else Xp[0].tolist(),
        "output": out,
        **({"im2col": P.tolist()} if P is not None else {}),
        **({"toeplitz": T.tolist()} if T is not None else {}),
    }
    sources = {"output": "output", "output_shape": "size_rows", "im2col": "im2col", "toeplitz": "toeplitz",
               "kernel_used": "flip" if flip else "definition", "padded_input": "padding" if (ph or pw) else
               "definition", "output_shape[1]": "size_columns"}
    for key in [k for k in ("im2col", "toeplitz") if k not in answer]:
        del sources[key]
    for o, i, j in cells[:MAX_CELL_STEPS]:
        loc = f"output[{o}][{i}][{j}]" if channels_out_axis else f"output[{i}][{j}]"
        sources[loc] = problem.cell_label(o, i, j)
    in_shape = (C, H, W) if C > 1 else (H, W)
    k_shape = K.shape if channels_out_axis else (K.shape[1:] if C > 1 else K.shape[2:])
    givens = [Given(sp.Symbol("X"), "x".join(map(str, in_shape)),
                    "input: " + ("channels, " if C > 1 else "") + "rows, columns"),
              Given(sp.Symbol("W"), "x".join(map(str, k_shape)),
                    "kernel: " + ("output channels, " if channels_out_axis else "")
                    + ("input channels, " if C > 1 else "") + "rows, columns")]
    if b is not None:
        givens.append(Given(sp.Symbol("b"), tuple(show(b)), "bias, one per output channel"))
    givens += [Given(sp.Symbol("s"), (sh, sw), "stride: rows, columns"),
               Given(sp.Symbol("p"), (ph, pw), "zero padding: rows, columns")]
    answer = python_ints(answer)
    return Result(kind="conv", title=title, givens=givens, steps=steps, answer=answer, sources=sources,
                  checker=conv_checker(problem, answer), notes=notes, intro=words(
                      "Deep-learning libraries call this operation convolution, but they compute a "
                      "cross-correlation: the kernel slides over the input unflipped. " +
                      ("Here the kernel is first rotated by 180 degrees, which gives the mathematical "
                       "convolution." if flip else "That is what is computed here (the mathematical "
                                                   "convolution would flip the kernel first: --flip).")))


def _left_out(name: str, key: str, shape) -> str:
    """The sentence that says a matrix form is too large to write out, and that it is left out."""
    return (f"{name} would be {shape[0]} x {shape[1]} ({shape[0] * shape[1]:,} entries, more than "
            f"{MAX_FORM_ENTRIES:,}), so it is left out here and from the answer ({key}); the output above "
            f"is the same product.")


def _read_convolution(input, kernel, bias, stride, padding):
    """The arguments of :func:`convolve` as exact arrays, checked against each other.

    Returns ``(X, K, b, stride, padding, channels_out_axis)``: the input as
    (C, H, W), the kernel as (C_out, C, kh, kw), the bias (a list or None),
    the stride and padding as (rows, columns) pairs, and whether the kernel
    was given with its output-channel axis (4-D).
    """
    X = exact_array(read_array(input, "--input", depth=(2, 3)), "--input")
    K = exact_array(read_array(kernel, "--kernel", depth=(2, 3, 4)), "--kernel")
    channels_out_axis = K.ndim == 4
    if K.ndim == 2 and X.ndim == 3 and X.shape[0] > 1:
        raise ValueError(f"--kernel: a matrix fits a single-channel input, but --input has {X.shape[0]} channels; "
                         f"give one kernel per channel, (C_in, kh, kw), or (C_out, C_in, kh, kw)")
    if X.ndim == 2:
        X = X[None]
    if K.ndim == 2:
        K = K[None, None]
    elif K.ndim == 3:
        K = K[None]
    C, H, W = X.shape
    C_out, C_in, kh, kw = K.shape
    if C_in != C:
        raise ValueError(f"--kernel: {C_in} input channel(s), but --input has {C}; the kernel's "
                         f"{'second' if channels_out_axis else 'first'} axis must match the input's channels")
    if max(H, W) > MAX_SIDE or C > 8 or C_out > 8:
        raise ValueError(f"--input: {C}x{H}x{W} is too large to work by hand (at most {MAX_SIDE}x{MAX_SIDE} "
                         f"and 8 channels); numerics.convolution.conv2d computes any size")
    if max(kh, kw) > MAX_SIDE:
        raise ValueError(f"--kernel: {kh}x{kw} is too large to work by hand (at most {MAX_SIDE}x{MAX_SIDE}); "
                         f"numerics.convolution.conv2d computes any size")
    sh, sw = parse_pair(stride, "--stride", minimum=1)
    ph, pw = parse_pair(padding, "--padding", minimum=0)
    limits.require("padding", max(ph, pw), what="--padding")
    if max(H + 2 * ph, W + 2 * pw) > MAX_PADDED_SIDE:
        raise ValueError(f"--padding: the padded input would be {H + 2 * ph}x{W + 2 * pw}, too large to work by "
                         f"hand (at most {MAX_PADDED_SIDE} per side: at most padding "
                         f"{(MAX_PADDED_SIDE - H) // 2} for {H} rows"
                         + (f" and {(MAX_PADDED_SIDE - W) // 2} for {W} columns" if W != H else "")
                         + "); numerics.convolution.conv2d pads any amount")
    for axis, n, k, p in (("rows", H, kh, ph), ("columns", W, kw, pw)):
        if k > n + 2 * p:
            raise ValueError(f"--kernel: {k} {axis} is larger than the padded input's {n + 2 * p} "
                             f"({n} + 2*{p}); use a smaller kernel or more --padding")
    out_cells = ((H + 2 * ph - kh) // sh + 1) * ((W + 2 * pw - kw) // sw + 1) * C_out
    limits.require("output-cells", out_cells, what=f"--input and --kernel: the output has {C_out} channel(s) of "
                   f"{(H + 2 * ph - kh) // sh + 1}x{(W + 2 * pw - kw) // sw + 1}, in cells")
    limits.require("products", out_cells * C * kh * kw,
                   what=f"--input and --kernel: {out_cells:,} output cells, each a sum of {C * kh * kw:,} products")
    b = None
    if bias is not None:
        b = (parse_number_list(bias, what="--bias") if isinstance(bias, str)
             else [parse_number(v, what=f"--bias item {i + 1}") for i, v in enumerate(bias)])
        if len(b) != C_out:
            raise ValueError(f"--bias: {len(b)} value(s) for {C_out} output channel(s); give one per channel")
    return X, K, b, (sh, sw), (ph, pw), channels_out_axis


class ConvProblem:
    """One convolution being worked, and the builder of its steps.

    Attributes (exact NumPy object arrays of SymPy numbers)
    ----------
    X : (C, H, W)
        The input, channels first (a matrix is one channel).
    Xp : (C, H + 2 ph, W + 2 pw)
        The zero-padded input.
    K, Kf : (C_out, C, kh, kw)
        The kernel as given, and as applied (``Kf`` is ``K`` rotated by 180
        degrees with ``flip``, else ``K`` itself).
    b : list of C_out numbers, or None
        The bias.
    stride, padding : (int, int)
        Rows, columns.
    multi_out : bool
        Whether the output is named by channel (``y^(o)_ij``): a 4-D kernel
        or several output channels.
    wide : bool
        Whether an index needs a comma (``y_{10,2}``): any side of 10 or more.
    show : Numbers
        How the steps show the numbers (exact decimals when decimals were typed).
    """

    show = Numbers()

    def __init__(self, X, Xp, K, Kf, b, stride, padding, flip, channels_out_axis):
        self.X, self.Xp, self.K, self.Kf, self.b = X, Xp, K, Kf, b
        self.stride, self.padding, self.flip = stride, padding, flip
        self.C_out, self.C, self.kh, self.kw = K.shape
        self.multi_out = channels_out_axis or self.C_out > 1
        OH = (Xp.shape[1] - self.kh) // stride[0] + 1
        OW = (Xp.shape[2] - self.kw) // stride[1] + 1
        self.wide = max(OH, OW, Xp.shape[1], Xp.shape[2]) >= 10

    # --- names --------------------------------------------------------------
    def cell_index(self, i: int, j: int) -> str:
        """The 1-based subscript of output cell (i, j): ``12``, or ``10,2`` when a side reaches 10."""
        return f"{i + 1}{',' if self.wide else ''}{j + 1}"

    def output_name(self, o: int, i: int, j: int) -> InlineMath:
        """``y_12`` or, with several output channels, ``y^(o)_12``."""
        index = self.cell_index(i, j)
        if self.multi_out:
            return InlineMath(Tex(r"y^{(%d)}_{%s}" % (o + 1, index)), f"y({o + 1})_{index}")
        return InlineMath(Tex(r"y_{%s}" % index), f"y_{index}")

    def cell_label(self, o, i, j) -> str:
        """The label of output cell (o, i, j)'s step (and its answer location's source)."""
        return f"y_{o + 1}_{i + 1}_{j + 1}" if self.multi_out else f"y_{i + 1}_{j + 1}"

    def input_name(self, c: int) -> tuple[str, str]:
        """(LaTeX, text) name of input channel c: X, or X~ once padded, with the channel when several."""
        padded = any(self.padding)
        tex = r"\tilde X" if padded else "X"
        text = "X~" if padded else "X"
        if self.C > 1:
            return tex + "^{(%d)}" % (c + 1), f"{text}({c + 1})"
        return tex, text

    def kernel_name(self, o: int, c: int) -> tuple[str, str]:
        """(LaTeX, text) name of the applied kernel for output o and input c (W', flipped)."""
        base = r"W'" if self.flip else "W"
        if self.C > 1 or self.multi_out:
            return base + "^{(%d,%d)}" % (o + 1, c + 1), base + f"({o + 1},{c + 1})"
        return base, base

    # --- set-up steps ---------------------------------------------------------
    def givens_steps(self) -> list:
        items = [(("X^{(%d)}" % (c + 1)) if self.C > 1 else "X", f"X({c + 1})" if self.C > 1 else "X",
                  matrix(self.show(self.X[c]))) for c in range(self.C)]
        items += [(*(("W^{(%d,%d)}" % (o + 1, c + 1), f"W({o + 1},{c + 1})") if (self.C > 1 or self.multi_out)
                     else ("W", "W")), matrix(self.show(self.K[o, c])))
                  for o in range(self.C_out) for c in range(self.C)]
        why = words("the input" + (" channels" if self.C > 1 else "") + " and the kernel"
                    + ("s (one per output and input channel)" if len(items) > 2 else ""))
        if not fits_on_line(*(m.tolist() for _, _, m in items), named=True):
            return matrix_steps(items, why=why, label="givens")
        if len(items) == 2:
            stmt = Display(InlineMath(Tex(f"X = {sp.latex(items[0][2])},\\qquad W = {sp.latex(items[1][2])}"),
                                      f"X = {nested_text(items[0][2])};  W = {nested_text(items[1][2])}"))
        else:
            stmt = named_matrices(items)
        return [Step(stmt, why=why, label="givens")]

    def definition_step(self) -> Step:
        sh, sw = self.stride
        pos_r = ("i-1+u" if sh == 1 else r"%d(i-1)+u" % sh)
        pos_c = ("j-1+v" if sw == 1 else r"%d(j-1)+v" % sw)
        x = r"\tilde x" if any(self.padding) else "x"
        wsym = "w'" if self.flip else "w"
        bias = "b_o + " if self.b is not None else ""
        if self.C > 1 or self.multi_out:
            tex = (r"y^{(o)}_{ij} = %s\sum_{c=1}^{%d} \sum_{u=1}^{%d} \sum_{v=1}^{%d} "
                   r"%s^{(c)}_{%s,\,%s}\; %s^{(o,c)}_{uv}" % (bias, self.C, self.kh, self.kw, x, pos_r, pos_c, wsym))
            text = (f"y(o)_ij = {bias}sum_c sum_u sum_v {x.replace(chr(92) + 'tilde ', '~')}(c)_(row {pos_r}, "
                    f"col {pos_c}) {wsym}(o,c)_uv")
        else:
            tex = (r"y_{ij} = %s\sum_{u=1}^{%d} \sum_{v=1}^{%d} %s_{%s,\,%s}\; %s_{uv}"
                   % (bias.replace("b_o", "b"), self.kh, self.kw, x, pos_r, pos_c, wsym))
            text = (f"y_ij = {bias.replace('b_o', 'b')}sum_u sum_v {x.replace(chr(92) + 'tilde ', '~')}"
                    f"_(row {pos_r}, col {pos_c}) {wsym}_uv")
        why = words("cross-correlation: slide the kernel over the input without flipping it and add up the "
                    "products" + (" (here with the flipped kernel w', which makes it the mathematical "
                                  "convolution)" if self.flip else "")
                    + (f"; stride {self.stride} moves the window by that many rows and columns"
                       if self.stride != (1, 1) else "")
                    + ("; the input is zero-padded first" if any(self.padding) else ""))
        return Step(Display(InlineMath(Tex(tex), text)), why=why, label="definition")

    def flip_steps(self) -> list:
        ok = True
        for o in range(self.C_out):
            for c in range(self.C):
                x = np.array(self.Xp[c], dtype=float)
                k = np.array(self.K[o, c], dtype=float)
                ok &= np.allclose(_convolve_valid(x, k), _correlate_valid(x, np.array(self.Kf[o, c], dtype=float)))
        why = words("the mathematical convolution flips the kernel: ",
                    InlineMath(Tex(r"w'_{uv} = w_{k_h+1-u,\,k_w+1-v}"), "w'_uv = w_(kh+1-u, kw+1-v)"),
                    " (a rotation by 180 degrees); then it slides like a cross-correlation")
        check = checked("the convolution sum with the kernel (x[i+k_h-1-u, j+k_w-1-v] w_uv) equals the "
                        "cross-correlation sum with the flipped kernel, both in floats", ok)
        items = [(*self.kernel_name(o, c), matrix(self.show(self.Kf[o, c])))
                 for o in range(self.C_out) for c in range(self.C)]
        if not fits_on_line(*(m.tolist() for _, _, m in items), named=True):
            return matrix_steps(items, why=why, check=check, label="flip")
        if self.C == 1 and self.C_out == 1:
            stmt = Chain(InlineMath(Tex("W'"), "W'"), [items[0][2]])
        else:
            stmt = named_matrices(items)
        return [Step(stmt, why=why, check=check, label="flip")]

    def size_step(self, axis, n, k, p, s, out) -> Step:
        from ...numerics.convolution import output_size
        sym = "H" if axis == "rows" else "W"
        tex_general = r"\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1"
        filled = r"\left\lfloor \frac{%d + 2 \cdot %d - %d}{%d} \right\rfloor + 1" % (n, p, k, s)
        num = n + 2 * p - k
        frac = sp.Rational(num, s)
        middle = (r"\left\lfloor %s \right\rfloor + 1" % sp.latex(frac))
        chain = Chain(InlineMath(Tex(r"%s_{\text{out}}" % sym), f"{sym}_out"),
                      [InlineMath(Tex(tex_general), "floor((n + 2p - k)/s) + 1"),
                       InlineMath(Tex(filled), f"floor(({n} + 2*{p} - {k})/{s}) + 1"),
                       InlineMath(Tex(middle), f"floor({frac}) + 1"),
                       sp.Integer(out)])
        return Step(chain, why=words(f"output size along the {axis}: n = {n} input {axis}, padding p = {p} on "
                                     f"each side, kernel k = {k}, stride s = {s}"),
                    check=checked("equals numerics.convolution.output_size and the shape of the computed output",
                                  output_size(n, k, s, p) == out),
                    label=f"size_{axis}")

    def padding_steps(self) -> list:
        ph, pw = self.padding
        ok = all(np.array_equal(np.pad(np.array(self.X[c], dtype=float), ((ph, ph), (pw, pw))),
                                np.array(self.Xp[c], dtype=float)) for c in range(self.C))
        why = words(f"zero padding: {ph} row(s) of zeros above and below, {pw} column(s) left and right")
        check = checked("equals numpy.pad with zeros", ok)
        items = [(*self.input_name(c), matrix(self.show(self.Xp[c]))) for c in range(self.C)]
        if not fits_on_line(*(m.tolist() for _, _, m in items), named=True):
            return matrix_steps(items, why=why, check=check, label="padding")
        if self.C == 1:
            stmt = Chain(InlineMath(Tex(r"\tilde X"), "X~"), [items[0][2]])
        else:
            stmt = named_matrices(items)
        return [Step(stmt, why=why, check=check, label="padding")]

    # --- cells -----------------------------------------------------------------
    def window(self, i, j):
        """First row, last row, first column, last column (0-based, padded input) that output cell (i, j) sees."""
        r0, c0 = self.stride[0] * i, self.stride[1] * j
        return r0, r0 + self.kh - 1, c0, c0 + self.kw - 1

    def cell_value(self, o, i, j):
        """Output cell (o, i, j) exactly: the bias plus the sum of the window's products."""
        r0, _, c0, _ = self.window(i, j)
        total = self.b[o] if self.b is not None else sp.Integer(0)
        for c in range(self.C):
            for u in range(self.kh):
                for v in range(self.kw):
                    total += self.Xp[c, r0 + u, c0 + v] * self.Kf[o, c, u, v]
        return total

    def cell_step(self, o, i, j, value, numeric, scipy_value) -> Step:
        """One output cell as a sum of products, its window boxed, checked against both numeric oracles."""
        r0, r1, c0, c1 = self.window(i, j)
        groups, partial = [], []
        for c in range(self.C):
            terms = [(self.Xp[c, r0 + u, c0 + v], self.Kf[o, c, u, v])
                     for u in range(self.kh) for v in range(self.kw)]
            groups.append(self.show(terms))
            partial.append(sum((x * k for x, k in terms), sp.Integer(0)))
        bias = self.show(self.b[o]) if self.b is not None else None
        links = [sum_of_products(groups, bias, self.kw)]
        if bias is not None or self.C > 1:
            links.append(plain_sum(([bias] if bias is not None else []) + self.show(partial)))
        links.append(self.show(value))
        grid_parts = []
        if self.Xp.shape[1] * self.Xp.shape[2] <= 100 and self.C <= 3:
            for c in range(self.C):
                tex, text = self.input_name(c)
                grid_parts += [" " if c else ": ",
                               InlineMath(Tex(tex + " = " + boxed_grid_tex(self.show(self.Xp[c]), (r0, r1, c0, c1))),
                                          text + " = " + boxed_grid_text(self.show(self.Xp[c]), (r0, r1, c0, c1)))]
        out_desc = f"output channel {o + 1}, " if self.multi_out else ""
        why = words(f"{out_desc}cell ({i + 1}, {j + 1}): the window is rows {r0 + 1}-{r1 + 1}, columns "
                    f"{c0 + 1}-{c1 + 1} of the {'padded ' if any(self.padding) else ''}input", *grid_parts)
        ok = (np.isclose(float(value), numeric, rtol=1e-12, atol=1e-12)
              and np.isclose(float(value), scipy_value, rtol=1e-12, atol=1e-12))
        return Step(Chain(self.output_name(o, i, j), links), why=why,
                    check=checked("equals numerics.convolution.conv2d (im2col + GEMM, float64) and "
                                  "the direct shift-and-add sum over the kernel offsets and channels", ok),
                    label=self.cell_label(o, i, j))

    def output_steps(self, Y, y_float) -> list:
        ok = np.allclose(np.array(Y, dtype=float), y_float, rtol=1e-12, atol=1e-12)
        why = words("the output, the cells above in place")
        check = checked("every cell equals numerics.convolution.conv2d (float64)", ok)
        items = [(r"Y^{(%d)}" % (o + 1) if Y.shape[0] > 1 else "Y", f"Y({o + 1})" if Y.shape[0] > 1 else "Y",
                  matrix(self.show(Y[o]))) for o in range(Y.shape[0])]
        if not fits_on_line(*(m.tolist() for _, _, m in items), named=True):
            return matrix_steps(items, why=why, check=check, label="output")
        if Y.shape[0] == 1:
            stmt = Chain(InlineMath(Tex("Y"), "Y"), [items[0][2]])
        else:
            stmt = named_matrices(items)
        return [Step(stmt, why=why, check=check, label="output")]


def numeric_oracles(X, K, b, stride, padding, flip):
    """conv2d (im2col + GEMM) and the direct shift-and-add sums, both float64.

    The second oracle was scipy.signal.correlate2d/convolve2d, whose import (1.4 s) cost more than the
    whole hand-sized command; the sums below are the definitions themselves, vectorised over the output.
    """
    from ...numerics.convolution import conv2d
    x = np.array(X, dtype=float)
    k = np.array(K, dtype=float)
    kf = k[:, :, ::-1, ::-1] if flip else k
    bb = None if b is None else np.array([float(v) for v in b])
    y = conv2d(x[None], kf, bb, stride, padding)[0]
    xp = np.pad(x, ((0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    ys = []
    for o in range(k.shape[0]):
        acc = sum((_convolve_valid(xp[c], k[o, c]) if flip else _correlate_valid(xp[c], k[o, c]))
                  for c in range(x.shape[0]))
        ys.append(acc[::stride[0], ::stride[1]] + (bb[o] if bb is not None else 0))
    return y, np.array(ys)


def _correlate_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Cross-correlation, 'valid' part: y[i, j] = sum_uv x[i+u, j+v] k[u, v], one shifted slice per offset."""
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    y = np.zeros((oh, ow))
    for u in range(kh):
        for v in range(kw):
            y += k[u, v] * x[u:u + oh, v:v + ow]
    return y


def _convolve_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Convolution, 'valid' part: y[i, j] = sum_uv x[i+kh-1-u, j+kw-1-v] k[u, v] (the kernel not flipped first)."""
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    y = np.zeros((oh, ow))
    for u in range(kh):
        for v in range(kw):
            y += k[u, v] * x[kh - 1 - u:kh - 1 - u + oh, kw - 1 - v:kw - 1 - v + ow]
    return y
