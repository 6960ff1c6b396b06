r"""Convolution worked by hand, its backpropagation derived, and a small CNN trained.

Public API:

* :func:`convolve` -- one convolution worked exactly: the output size
  :math:`\lfloor (n + 2p - k)/s \rfloor + 1`, every output cell as a sum of
  products with its window boxed in the input grid, the im2col product
  :math:`W P` and the doubly blocked Toeplitz product :math:`T\,\mathrm{vec}(\tilde X)`,
  each checked against the direct sums and against
  :mod:`numerics.convolution` and :func:`scipy.signal.correlate2d`;
  stride, zero padding, several input and output channels with bias, and
  ``flip=True`` for the mathematical convolution (kernel rotated by 180°).
* :func:`backprop` -- the gradients of a convolution layer derived with SymPy
  on explicit dimensions (:math:`\partial L/\partial W = X \star G`,
  :math:`\partial L/\partial X` the full convolution of :math:`G` with the
  kernel, :math:`\partial L/\partial b = \sum G`) and worked on numbers; then
  ReLU, 2x2 max-pooling, softmax with cross-entropy and one Adam step.
* :func:`train_cnn`, :func:`sweep_cnn` -- the numpy CNN of :mod:`numerics.cnn`
  trained on a data set, as a result (tables of metrics) with figures.
* :func:`read_array` -- a matrix or nested array from the command line:
  ``[[1,2],[3,4]]``, a CSV file (one matrix) or a JSON file (nested lists).

Indices in the worked text are 1-based (:math:`y_{11}` is the top-left
output cell, as on paper); locations in the JSON answer are 0-based
(``output[0][0]``).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np
import sympy as sp

from .exact import parse_number, parse_number_array, parse_number_list
from .markup import Tex
from .result import (Chain, Display, Given, InlineMath, Prose, Result, Section, Step, Table,
                                checked, words)

__all__ = ["convolve", "backprop", "train_cnn", "sweep_cnn", "read_array", "parse_pair",
           "demo_examples", "MAX_SIDE"]

MAX_SIDE = 16          # largest input side worked by hand
MAX_CELL_STEPS = 64    # output cells worked one step each; the rest are in the output table
LINE_EM = 38           # widest product displayed, in ems of an A4 page (the JSON holds every matrix in full)


# ================================================================== input
def read_array(value, what: str, *, depth: tuple[int, ...] = (2,)) -> list:
    """A nested list of exact numbers from a string, a CSV file, a JSON file or a list.

    Parameters
    ----------
    value : str or nested list
        ``"[[1,2],[3,4]]"`` (brackets, commas, integers, decimals, fractions
        ``3/4``), a path ending in ``.csv`` (one matrix, no header; read by
        :func:`numerics.io.read_csv`) or ``.json`` (nested lists), or a nested
        list of numbers.
    what : str
        The argument's name for errors (``--input``).
    depth : tuple of int
        The accepted numbers of dimensions.

    Returns
    -------
    nested list of sympy.Rational
    """
    if isinstance(value, (list, tuple, np.ndarray)):
        text = _bracketed(value)
    elif isinstance(value, str) and value.strip().startswith("["):
        text = value
    elif isinstance(value, (str, Path)):
        path = Path(value)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValueError(f"{what}: {str(value)!r} is neither a bracketed array such as [[1,2],[3,4]] "
                             f"nor a .csv or .json file")
        if not path.is_file():
            raise ValueError(f"{what}: file {str(path)!r} does not exist")
        if suffix == ".csv":
            return _read_csv_matrix(path, what, depth)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{what}: cannot read {str(path)!r}: {exc}") from None
    else:
        raise ValueError(f"{what}: expected a bracketed array such as [[1,2],[3,4]], got {value!r}")
    array = parse_number_array(text, what=what)
    levels = _depth(array)
    if levels not in depth:
        names = {1: "a vector", 2: "a matrix", 3: "a 3-D array (channels, rows, columns)",
                 4: "a 4-D array (out channels, in channels, rows, columns)"}
        raise ValueError(f"{what}: expected {' or '.join(names[d] for d in depth)}, got {levels} level(s) "
                         f"of brackets")
    return array


def _bracketed(value) -> str:
    """A nested list written in the hand notation (each number as its exact string)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_bracketed(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace(",", " ").replace("[", " ").replace("]", " ") or "''"


def _read_csv_matrix(path: Path, what: str, depth) -> list:
    if 2 not in depth:
        raise ValueError(f"{what}: a CSV file holds one matrix; give a JSON file for {depth[0]}-D arrays")
    from ..numerics.io import read_csv
    try:
        table = read_csv(path, header=False)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    return [[parse_number(cell, what=f"{what} row {line}, column {j + 1}") for j, cell in enumerate(row)]
            for row, line in zip(table.rows, table.row_numbers)]


def _depth(a) -> int:
    d = 0
    while isinstance(a, list):
        d, a = d + 1, a[0]
    return d


def parse_pair(value, what: str, *, minimum: int) -> tuple[int, int]:
    """``S`` or ``SH,SW`` (or an int or a pair) as (rows, columns), each at least ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        items = [int(value)] * 2
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        items = list(value)
    elif isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if len(parts) not in (1, 2):
            raise ValueError(f"{what}: {value!r}; expected S or SH,SW (rows, columns)")
        items = []
        for p in parts:
            try:
                items.append(int(p))
            except ValueError:
                raise ValueError(f"{what}: {p!r} is not an integer; expected S or SH,SW") from None
        items = items * (3 - len(items))
    else:
        raise ValueError(f"{what}: {value!r}; expected S or SH,SW (rows, columns)")
    out = []
    for axis, v in zip(("rows", "columns"), items):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{what}: {v!r} is not an integer")
        if v < minimum:
            need = "positive" if minimum == 1 else f"at least {minimum}"
            raise ValueError(f"{what}: {v} for the {axis}; must be {need}")
        out.append(int(v))
    return out[0], out[1]


# ============================================================ convolution
def convolve(input, kernel, *, bias=None, stride=1, padding=0, flip: bool = False) -> Result:
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
    X = _as_exact_array(read_array(input, "--input", depth=(2, 3)), "--input")
    K = _as_exact_array(read_array(kernel, "--kernel", depth=(2, 3, 4)), "--kernel")
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
    sh, sw = parse_pair(stride, "--stride", minimum=1)
    ph, pw = parse_pair(padding, "--padding", minimum=0)
    for axis, n, k, p in (("rows", H, kh, ph), ("columns", W, kw, pw)):
        if k > n + 2 * p:
            raise ValueError(f"--kernel: {k} {axis} is larger than the padded input's {n + 2 * p} "
                             f"({n} + 2*{p}); use a smaller kernel or more --padding")
    b = None
    if bias is not None:
        b = (parse_number_list(bias, what="--bias") if isinstance(bias, str)
             else [parse_number(v, what=f"--bias item {i + 1}") for i, v in enumerate(bias)])
        if len(b) != C_out:
            raise ValueError(f"--bias: {len(b)} value(s) for {C_out} output channel(s); give one per channel")
    Kf = K[:, :, ::-1, ::-1] if flip else K
    OH, OW = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    Xp = np.full((C, H + 2 * ph, W + 2 * pw), sp.Integer(0), dtype=object)
    Xp[:, ph:ph + H, pw:pw + W] = X
    Hp, Wp = Xp.shape[1:]
    w = _Work(X, Xp, K, Kf, b, (sh, sw), (ph, pw), flip, channels_out_axis)

    Y = np.empty((C_out, OH, OW), dtype=object)
    for o in range(C_out):
        for i in range(OH):
            for j in range(OW):
                Y[o, i, j] = w.cell_value(o, i, j)
    P = _im2col_exact(Xp, kh, kw, sh, sw, OH, OW)
    T = _toeplitz_exact(Kf, Hp, Wp, sh, sw, OH, OW)
    y_float, y_scipy = _numeric_oracles(X, K, b, (sh, sw), (ph, pw), flip)

    op = "convolution" if flip else "cross-correlation"
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
    steps.append(w.givens_step())
    steps.append(w.definition_step())
    if flip:
        steps.append(w.flip_step())
    steps += [w.size_step("rows", H, kh, ph, sh, OH), w.size_step("columns", W, kw, pw, sw, OW)]
    if (ph, pw) != (0, 0):
        steps.append(w.padding_step())

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
        steps.append(w.cell_step(o, i, j, Y[o, i, j], y_float[o, i, j], y_scipy[o, i, j]))
    steps.append(w.output_step(Y, y_float))

    steps.append(Section("The same as one matrix product: im2col",
                         words("Copy each window into a column of the patch matrix P (one column per output "
                               "cell, in row-major order of the output; rows in the order channel, kernel row, "
                               "kernel column); flatten each output channel's kernel into a row of W. Then "
                               "every output cell is one row of W times one column of P.")))
    steps.append(w.im2col_step(P, Y))
    steps.append(Section("The same as one matrix product: the doubly blocked Toeplitz matrix",
                         words("Flatten the (padded) input row by row into a vector; the convolution is then "
                               "one matrix T times that vector. T is built from the kernel alone.")))
    steps += w.toeplitz_steps(T, Y)

    out = Y.tolist() if channels_out_axis else Y[0].tolist()
    answer = {
        "output": out,
        "output_shape": list(Y.shape) if channels_out_axis else [OH, OW],
        "im2col": P.tolist(),
        "toeplitz": T.tolist(),
        "kernel_used": (Kf.tolist() if channels_out_axis else (Kf[0].tolist() if C > 1 else Kf[0, 0].tolist())),
        "padded_input": Xp.tolist() if C > 1 else Xp[0].tolist(),
        "operation": op,
    }
    sources = {"output": "output", "output_shape": "size_rows", "im2col": "im2col", "toeplitz": "toeplitz",
               "kernel_used": "flip" if flip else "definition", "padded_input": "padding" if (ph or pw) else
               "definition", "output_shape[1]": "size_columns"}
    for n, (o, i, j) in enumerate(cells[:MAX_CELL_STEPS]):
        loc = f"output[{o}][{i}][{j}]" if channels_out_axis else f"output[{i}][{j}]"
        sources[loc] = w.cell_label(o, i, j)
    in_shape = (C, H, W) if C > 1 else (H, W)
    k_shape = K.shape if channels_out_axis else (K.shape[1:] if C > 1 else K.shape[2:])
    givens = [Given(sp.Symbol("X"), "x".join(map(str, in_shape)),
                    "input: " + ("channels, " if C > 1 else "") + "rows, columns"),
              Given(sp.Symbol("W"), "x".join(map(str, k_shape)),
                    "kernel: " + ("output channels, " if channels_out_axis else "")
                    + ("input channels, " if C > 1 else "") + "rows, columns")]
    if b is not None:
        givens.append(Given(sp.Symbol("b"), tuple(b), "bias, one per output channel"))
    givens += [Given(sp.Symbol("s"), (sh, sw), "stride: rows, columns"),
               Given(sp.Symbol("p"), (ph, pw), "zero padding: rows, columns")]
    return Result(kind="conv", title=title, givens=givens, steps=steps, answer=_ints(answer), sources=sources,
                  notes=notes, intro=words(
                      "Deep-learning libraries call this operation convolution, but they compute a "
                      "cross-correlation: the kernel slides over the input unflipped. " +
                      ("Here the kernel is first rotated by 180 degrees, which gives the mathematical "
                       "convolution." if flip else "That is what is computed here (the mathematical "
                                                   "convolution would flip the kernel first: --flip).")))


class _Work:
    """The pieces of one worked convolution (exact arrays of SymPy numbers)."""

    def __init__(self, X, Xp, K, Kf, b, stride, padding, flip, channels_out_axis):
        self.X, self.Xp, self.K, self.Kf, self.b = X, Xp, K, Kf, b
        self.stride, self.padding, self.flip = stride, padding, flip
        self.C_out, self.C, self.kh, self.kw = K.shape
        self.multi_out = channels_out_axis or self.C_out > 1
        OH = (Xp.shape[1] - self.kh) // stride[0] + 1
        OW = (Xp.shape[2] - self.kw) // stride[1] + 1
        self.wide = max(OH, OW, Xp.shape[1], Xp.shape[2]) >= 10

    # --- names --------------------------------------------------------------
    def idx(self, i: int, j: int) -> tuple[str, str]:
        sep = "," if self.wide else ""
        return f"{i + 1}{sep}{j + 1}", f"{i + 1}{',' if self.wide else ''}{j + 1}"

    def y_name(self, o: int, i: int, j: int) -> InlineMath:
        tex, text = self.idx(i, j)
        if self.multi_out:
            return InlineMath(Tex(r"y^{(%d)}_{%s}" % (o + 1, tex)), f"y({o + 1})_{text}")
        return InlineMath(Tex(r"y_{%s}" % tex), f"y_{text}")

    def cell_label(self, o, i, j) -> str:
        return f"y_{o + 1}_{i + 1}_{j + 1}" if self.multi_out else f"y_{i + 1}_{j + 1}"

    def xname(self, c: int) -> tuple[str, str]:
        padded = any(self.padding)
        tex = r"\tilde X" if padded else "X"
        text = "X~" if padded else "X"
        if self.C > 1:
            return tex + "^{(%d)}" % (c + 1), f"{text}({c + 1})"
        return tex, text

    def wname(self, o: int, c: int) -> tuple[str, str]:
        base = r"W'" if self.flip else "W"
        if self.C > 1 or self.multi_out:
            return base + "^{(%d,%d)}" % (o + 1, c + 1), base + f"({o + 1},{c + 1})"
        return base, base

    # --- set-up steps ---------------------------------------------------------
    def givens_step(self) -> Step:
        items = [(("X^{(%d)}" % (c + 1)) if self.C > 1 else "X", f"X({c + 1})" if self.C > 1 else "X",
                  _matrix(self.X[c])) for c in range(self.C)]
        items += [(*(("W^{(%d,%d)}" % (o + 1, c + 1), f"W({o + 1},{c + 1})") if (self.C > 1 or self.multi_out)
                     else ("W", "W")), _matrix(self.K[o, c])) for o in range(self.C_out) for c in range(self.C)]
        if len(items) == 2:
            stmt = Display(InlineMath(Tex(f"X = {sp.latex(items[0][2])},\\qquad W = {sp.latex(items[1][2])}"),
                                      f"X = {_nested_text(items[0][2])};  W = {_nested_text(items[1][2])}"))
        else:
            stmt = _named_matrices(items)
        return Step(stmt, why=words("the input" + (" channels" if self.C > 1 else "") + " and the kernel"
                                    + ("s (one per output and input channel)" if len(items) > 2 else "")),
                    label="givens")

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

    def flip_step(self) -> Step:
        from scipy.signal import convolve2d, correlate2d
        ok = True
        for o in range(self.C_out):
            for c in range(self.C):
                x = np.array(self.Xp[c], dtype=float)
                k = np.array(self.K[o, c], dtype=float)
                ok &= np.allclose(convolve2d(x, k, mode="valid"),
                                  correlate2d(x, np.array(self.Kf[o, c], dtype=float), mode="valid"))
        if self.C == 1 and self.C_out == 1:
            lhs, rhs = InlineMath(Tex("W'"), "W'"), [_matrix(self.Kf[0, 0])]
            stmt = Chain(lhs, rhs)
        else:
            stmt = _named_matrices([(*self.wname(o, c), _matrix(self.Kf[o, c]))
                                    for o in range(self.C_out) for c in range(self.C)])
        return Step(stmt, why=words("the mathematical convolution flips the kernel: ",
                                    InlineMath(Tex(r"w'_{uv} = w_{k_h+1-u,\,k_w+1-v}"), "w'_uv = w_(kh+1-u, kw+1-v)"),
                                    " (a rotation by 180 degrees); then it slides like a cross-correlation"),
                    check=checked("scipy.signal.convolve2d with the kernel equals scipy.signal.correlate2d "
                                  "with the flipped kernel", ok),
                    label="flip")

    def size_step(self, axis, n, k, p, s, out) -> Step:
        from ..numerics.convolution import output_size
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

    def padding_step(self) -> Step:
        ph, pw = self.padding
        ok = all(np.array_equal(np.pad(np.array(self.X[c], dtype=float), ((ph, ph), (pw, pw))),
                                np.array(self.Xp[c], dtype=float)) for c in range(self.C))
        if self.C == 1:
            stmt = Chain(InlineMath(Tex(r"\tilde X"), "X~"), [_matrix(self.Xp[0])])
        else:
            stmt = _named_matrices([(*self.xname(c), _matrix(self.Xp[c])) for c in range(self.C)])
        return Step(stmt, why=words(f"zero padding: {ph} row(s) of zeros above and below, {pw} column(s) "
                                    f"left and right"),
                    check=checked("equals numpy.pad with zeros", ok), label="padding")

    # --- cells -----------------------------------------------------------------
    def window(self, i, j):
        r0, c0 = self.stride[0] * i, self.stride[1] * j
        return r0, r0 + self.kh - 1, c0, c0 + self.kw - 1

    def cell_value(self, o, i, j):
        r0, _, c0, _ = self.window(i, j)
        total = self.b[o] if self.b is not None else sp.Integer(0)
        for c in range(self.C):
            for u in range(self.kh):
                for v in range(self.kw):
                    total += self.Xp[c, r0 + u, c0 + v] * self.Kf[o, c, u, v]
        return total

    def cell_step(self, o, i, j, value, numeric, scipy_value) -> Step:
        r0, r1, c0, c1 = self.window(i, j)
        groups, partial = [], []
        for c in range(self.C):
            terms = [(self.Xp[c, r0 + u, c0 + v], self.Kf[o, c, u, v])
                     for u in range(self.kh) for v in range(self.kw)]
            groups.append(terms)
            partial.append(sum((x * k for x, k in terms), sp.Integer(0)))
        bias = self.b[o] if self.b is not None else None
        links = [_sum_of_products(groups, bias, self.kw)]
        if bias is not None or self.C > 1:
            links.append(_plain_sum(([bias] if bias is not None else []) + partial))
        links.append(value)
        grid_parts = []
        if self.Xp.shape[1] * self.Xp.shape[2] <= 100 and self.C <= 3:
            for c in range(self.C):
                tex, text = self.xname(c)
                grid_parts += [" " if c else ": ",
                               InlineMath(Tex(tex + " = " + _grid_tex(self.Xp[c], (r0, r1, c0, c1))),
                                          text + " = " + _grid_text(self.Xp[c], (r0, r1, c0, c1)))]
        out_desc = f"output channel {o + 1}, " if self.multi_out else ""
        why = words(f"{out_desc}cell ({i + 1}, {j + 1}): the window is rows {r0 + 1}-{r1 + 1}, columns "
                    f"{c0 + 1}-{c1 + 1} of the {'padded ' if any(self.padding) else ''}input", *grid_parts)
        ok = (np.isclose(float(value), numeric, rtol=1e-12, atol=1e-12)
              and np.isclose(float(value), scipy_value, rtol=1e-12, atol=1e-12))
        return Step(Chain(self.y_name(o, i, j), links), why=why,
                    check=checked("equals numerics.convolution.conv2d (im2col + GEMM, float64) and "
                                  "scipy.signal.correlate2d summed over channels", ok),
                    label=self.cell_label(o, i, j))

    def output_step(self, Y, y_float) -> Step:
        ok = np.allclose(np.array(Y, dtype=float), y_float, rtol=1e-12, atol=1e-12)
        if Y.shape[0] == 1:
            stmt = Chain(InlineMath(Tex("Y"), "Y"), [_matrix(Y[0])])
        else:
            stmt = _named_matrices([(r"Y^{(%d)}" % (o + 1), f"Y({o + 1})", _matrix(Y[o]))
                                    for o in range(Y.shape[0])])
        return Step(stmt, why=words("the output, the cells above in place"),
                    check=checked("every cell equals numerics.convolution.conv2d (float64)", ok), label="output")

    # --- matrix forms -------------------------------------------------------------
    def im2col_step(self, P, Y) -> Step:
        from ..numerics.convolution import im2col
        C_out = self.C_out
        Wm = np.array([[self.Kf[o, c, u, v] for c in range(self.C) for u in range(self.kh) for v in range(self.kw)]
                       for o in range(C_out)], dtype=object)
        prod = (sp.Matrix(Wm.tolist()) * sp.Matrix(P.tolist()))
        if self.b is not None:
            prod += sp.Matrix(C_out, P.shape[1], lambda o, _: self.b[o])
        expected = sp.Matrix([[Y[o].flat[n] for n in range(Y.shape[1] * Y.shape[2])] for o in range(C_out)])
        numeric_P = im2col(np.array(self.X, dtype=float)[None], (self.kh, self.kw), self.stride, self.padding)
        ok = prod == expected and np.array_equal(numeric_P, np.array(P, dtype=float))
        show = _fits(Wm.tolist(), P.tolist()) and P.shape[0] <= 30
        lhs = InlineMath(Tex(r"\operatorname{vec}(Y)^\top" if C_out == 1 else r"Y_{\text{rows}}"),
                         "vec(Y)^T" if C_out == 1 else "Y (one row per output channel)")
        if self.b is None:
            links = [InlineMath(Tex("W P"), "W P")]
            if show:
                links.append(sp.MatMul(sp.ImmutableMatrix(Wm.tolist()), sp.ImmutableMatrix(P.tolist()),
                                       evaluate=False))
        else:
            links = [InlineMath(Tex(r"W P + b\,\mathbf{1}^\top = \begin{bmatrix} W & b \end{bmatrix}"
                                    r"\begin{bmatrix} P \\ \mathbf{1}^\top \end{bmatrix}"),
                                "W P + b 1^T = [W b] [P; 1^T]")]
            if show:
                W_aug = [list(Wm[o]) + [self.b[o]] for o in range(C_out)]
                P_aug = P.tolist() + [[sp.Integer(1)] * P.shape[1]]
                links.append(sp.MatMul(sp.ImmutableMatrix(W_aug), sp.ImmutableMatrix(P_aug), evaluate=False))
        links.append(expected)
        orient = ("P is " + f"{P.shape[0]} x {P.shape[1]}: column n holds the window of output cell n "
                  "(cells in row-major order), read row by row; W is "
                  f"{C_out} x {P.shape[0]}, each output channel's kernel flattened the same way"
                  + ("; the bias joins W as a last column, against a row of ones under P"
                     if self.b is not None else ""))
        return Step(Chain(lhs, links), why=words("im2col: " + orient +
                                                ("" if show else "; P is too wide to print here (it is in the "
                                                                 "JSON output as im2col)")),
                    check=checked("W P equals the direct sums exactly, and P equals numerics.convolution.im2col",
                                  ok),
                    label="im2col")

    def toeplitz_steps(self, T, Y) -> list:
        sh, sw = self.stride
        Hp, Wp = self.Xp.shape[1:]
        OH, OW = Y.shape[1:]
        steps = []
        if self.C == 1 and self.C_out == 1:
            Hs = []
            for u in range(self.kh):
                Hu = sp.Matrix(OW, Wp, lambda j, q: self.Kf[0, 0, u, q - sw * j] if 0 <= q - sw * j < self.kw else 0)
                Hs.append(Hu)
            # the blocks of T are exactly the H_u of the pattern
            ok = True
            for i in range(OH):
                for r in range(Hp):
                    block = sp.Matrix(T[i * OW:(i + 1) * OW, r * Wp:(r + 1) * Wp].tolist())
                    d = r - sh * i
                    ok &= block == (Hs[d] if 0 <= d < self.kh else sp.zeros(OW, Wp))
            show_h = _fits(Hs[0].tolist())
            if show_h:
                for u, Hu in enumerate(Hs):
                    where = "padded input column" if any(self.padding) else "input column"
                    start = "j" if sw == 1 else f"{sw}(j-1)+1"
                    steps.append(Step(Chain(sp.Symbol(f"H_{u + 1}"), [Hu]),
                                      why=words(f"kernel row {u + 1} as a banded matrix: row j holds kernel row "
                                                f"{u + 1} starting at column {start} ({OW} x {Wp}: one row per "
                                                f"output column, one column per {where})"),
                                      check=checked("equals the corresponding blocks of T built entry by entry "
                                                    "from the definition", ok),
                                      label=f"toeplitz_H{u + 1}"))
            pattern = sp.Matrix(OH, Hp, lambda i, r: sp.Symbol(f"H_{r - sh * i + 1}")
                                if 0 <= r - sh * i < self.kh else 0)
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
        vec_x = [v for c in range(self.C) for v in self.Xp[c].flatten()]
        vec_y = [v for o in range(self.C_out) for v in Y[o].flatten()]
        Tm = sp.Matrix(T.tolist())
        prod = Tm * sp.Matrix(vec_x)
        if self.b is not None:
            prod += sp.Matrix([self.b[o] for o in range(self.C_out) for _ in range(OH * OW)])
        ok = prod == sp.Matrix(vec_y)
        xt = r"\tilde X" if any(self.padding) else "X"
        lhs = InlineMath(Tex(r"\operatorname{vec}(Y)"), "vec(Y)")
        xtext = "X~" if any(self.padding) else "X"
        if self.b is None:
            links = [InlineMath(Tex(r"T \operatorname{vec}(%s)" % xt), f"T vec({xtext})")]
        else:
            links = [InlineMath(Tex(r"T \operatorname{vec}(%s) + b \otimes \mathbf{1} = \begin{bmatrix} T & "
                                    r"b \otimes \mathbf{1} \end{bmatrix} \begin{bmatrix} \operatorname{vec}(%s)"
                                    r" \\ 1 \end{bmatrix}" % (xt, xt)),
                                f"T vec({xtext}) + b (x) 1 = [T  b (x) 1] [vec({xtext}); 1]")]
        if self.b is None:
            product = sp.MatMul(sp.ImmutableMatrix(T.tolist()), sp.ImmutableMatrix(vec_x), evaluate=False)
            shown_T = T.tolist()
        else:
            shown_T = [list(T[r]) + [self.b[r // (OH * OW)]] for r in range(T.shape[0])]
            product = sp.MatMul(sp.ImmutableMatrix(shown_T), sp.ImmutableMatrix(vec_x + [sp.Integer(1)]),
                                evaluate=False)
        show = _fits(shown_T, [[v] for v in vec_x]) and len(vec_x) <= 40
        if show:
            links.append(product)
        links.append(sp.Transpose(sp.ImmutableMatrix([vec_y])))
        blockwise = not show and self.C == 1 and self.C_out == 1
        steps.append(Step(Chain(lhs, links),
                          why=words(f"T is {T.shape[0]} x {T.shape[1]}: one row per output cell (row-major"
                                    + (", output channel by output channel" if self.C_out > 1 else "")
                                    + "), one column per "
                                    + ("padded " if any(self.padding) else "") + "input pixel (row-major"
                                    + (", channel by channel" if self.C > 1 else "") + "); row n holds the kernel "
                                    "entries at the pixels of window n and zeros elsewhere"
                                    + ("; the bias joins T as a last column, against a 1 under the input vector"
                                       if self.b is not None else "")
                                    + ("" if show else "; T is too wide to print here (it is in the JSON output as "
                                                       "toeplitz)" + ("; below, the product block row by block row"
                                                                      if blockwise else ""))),
                          check=checked("T vec(X) equals the direct sums exactly", ok), label="toeplitz"))
        if blockwise:
            steps += self.toeplitz_block_rows(Y)
        return steps

    def toeplitz_block_rows(self, Y) -> list:
        """vec(Y) = T vec(X~) one block row at a time: y_i = sum_u H_u x~_(s(i-1)+u)."""
        sh, sw = self.stride
        Hp, Wp = self.Xp.shape[1:]
        OH, OW = Y.shape[1:]
        xt, xtext = (r"\tilde x", "x~") if any(self.padding) else ("x", "x")
        steps = []
        for i in range(OH):
            terms, products = [], []
            for u in range(self.kh):
                r = sh * i + u
                Hu = sp.Matrix(OW, Wp, lambda j, q: self.Kf[0, 0, u, q - sw * j] if 0 <= q - sw * j < self.kw else 0)
                col = sp.Matrix(list(self.Xp[0, r]))
                terms.append((u, r, col))
                products.append(Hu * col)
            total = sum(products, sp.zeros(OW, 1))
            if self.b is not None:
                total += sp.Matrix([self.b[0]] * OW)
            ok = list(total) == list(Y[0, i])
            sym_tex = " + ".join(r"H_{%d} %s_{%d}" % (u + 1, xt, r + 1) for u, r, _ in terms)
            sym_text = " + ".join(f"H_{u + 1} {xtext}_{r + 1}" for u, r, _ in terms)
            num_tex = " + ".join(sp.latex(p_) for p_ in products)
            num_text = " + ".join(_nested_text(p_.T) + "^T" for p_ in products)
            if self.b is not None:
                sym_tex += " + b"
                sym_text += " + b"
                num_tex += " + " + sp.latex(self.b[0])
                num_text += f" + {self.b[0]}"
            lhs = InlineMath(Tex(r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(
                r"y_{%s}" % self.idx(i, j)[0] for j in range(OW))), f"(y_{i + 1},1 .. y_{i + 1},{OW})^T")
            steps.append(Step(Chain(lhs, [InlineMath(Tex(sym_tex), sym_text), InlineMath(Tex(num_tex), num_text),
                                          sp.ImmutableMatrix(list(Y[0, i]))]),
                              why=words(f"block row {i + 1} of T times vec(X): output row {i + 1} from input rows "
                                        f"{sh * i + 1}-{sh * i + self.kh}, where ",
                                        InlineMath(Tex(r"%s_r" % xt), f"{xtext}_r"),
                                        " is row r of the " + ("padded " if any(self.padding) else "")
                                        + "input as a column"),
                              check=checked("equals output row %d computed by the direct sums" % (i + 1), ok),
                              label=f"toeplitz_row_{i + 1}"))
        return steps
        return steps


# ----------------------------------------------------------- exact pieces
def _ints(value):
    """Integers of an answer as Python ints (exact, JSON integers); other values unchanged."""
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_ints(v) for v in value]
    if isinstance(value, sp.Integer):
        return int(value)
    return value


def _as_exact_array(nested, what) -> np.ndarray:
    arr = np.empty(_shape(nested), dtype=object)
    for index in np.ndindex(arr.shape):
        v = nested
        for k in index:
            v = v[k]
        arr[index] = sp.Rational(v)
    if arr.size == 0:
        raise ValueError(f"{what}: empty array")
    return arr


def _shape(nested) -> tuple:
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0]
    return tuple(shape)


def _im2col_exact(Xp, kh, kw, sh, sw, OH, OW) -> np.ndarray:
    C = Xp.shape[0]
    P = np.empty((C * kh * kw, OH * OW), dtype=object)
    for c in range(C):
        for u in range(kh):
            for v in range(kw):
                for i in range(OH):
                    for j in range(OW):
                        P[(c * kh + u) * kw + v, i * OW + j] = Xp[c, sh * i + u, sw * j + v]
    return P


def _toeplitz_exact(Kf, Hp, Wp, sh, sw, OH, OW) -> np.ndarray:
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


def _numeric_oracles(X, K, b, stride, padding, flip):
    """conv2d (im2col + GEMM) and scipy.signal.correlate2d/convolve2d, both float64."""
    from scipy.signal import convolve2d, correlate2d
    from ..numerics.convolution import conv2d
    x = np.array(X, dtype=float)
    k = np.array(K, dtype=float)
    kf = k[:, :, ::-1, ::-1] if flip else k
    bb = None if b is None else np.array([float(v) for v in b])
    y = conv2d(x[None], kf, bb, stride, padding)[0]
    xp = np.pad(x, ((0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    ys = []
    for o in range(k.shape[0]):
        acc = sum((convolve2d(xp[c], k[o, c], mode="valid") if flip else correlate2d(xp[c], k[o, c], mode="valid"))
                  for c in range(x.shape[0]))
        ys.append(acc[::stride[0], ::stride[1]] + (bb[o] if bb is not None else 0))
    return y, np.array(ys)


def _named_matrices(items) -> Step | Display:
    """Several named matrices side by side: [(tex name, text name, matrix), ...]."""
    tex = r",\quad ".join(f"{t} = {sp.latex(m)}" for t, _, m in items)
    text = ";  ".join(f"{x} = {_nested_text(m)}" for _, x, m in items)
    return Display(InlineMath(Tex(tex), text))


def _nested_text(m) -> str:
    return "[" + ", ".join("[" + ", ".join(sp.sstr(v) for v in row) + "]" for row in m.tolist()) + "]"


def _fits(*matrices) -> bool:
    """Whether the matrices, side by side, fit on one line of the PDF (estimated width in ems)."""
    width = 0.0
    for m in matrices:
        width += 1.5
        for col in zip(*m):
            width += 0.9 + max(0.5 * len(sp.sstr(v).lstrip("-")) + (0.8 if v < 0 else 0)
                               if v.is_integer else 0.5 * len(sp.sstr(v)) for v in col)
    return width <= LINE_EM


def _matrix(a) -> sp.Matrix:
    return sp.ImmutableMatrix(np.asarray(a, dtype=object).tolist())


def _factor_tex(v) -> str:
    t = sp.latex(v)
    return f"({t})" if v < 0 else t


def _factor_text(v) -> str:
    t = sp.sstr(v)
    return f"({t})" if (v < 0 or not v.is_integer) else t


def _sum_of_products(groups: list[list[tuple]], bias, kw: int) -> InlineMath:
    """``b + (x·w + ...) + (...)``: one group per channel, unevaluated.

    Long sums are set on several lines (an ``aligned`` block), at most about
    nine products a line, breaking only between kernel rows.
    """
    per_line = max(kw, (9 // kw) * kw)
    wrap = len(groups) > 1 or bias is not None
    lines_tex: list[str] = []
    text_parts: list[str] = []
    if bias is not None:
        lines_tex.append(sp.latex(bias))
        text_parts.append(sp.sstr(bias))
    for terms in groups:
        chunks = [terms[s:s + per_line] for s in range(0, len(terms), per_line)]
        for n, chunk in enumerate(chunks):
            t = " + ".join(r"%s \cdot %s" % (_factor_tex(x), _factor_tex(w)) for x, w in chunk)
            if wrap and n == 0:
                t = r"\bigl(" + t
            if wrap and n == len(chunks) - 1:
                t += r"\bigr)"
            lines_tex.append(t)
        text = " + ".join(f"{_factor_text(x)}·{_factor_text(w)}" for x, w in terms)
        text_parts.append(f"({text})" if wrap else text)
    text = " + ".join(text_parts)
    n_products = sum(len(g) for g in groups)
    if n_products <= 9 or len(lines_tex) == 1:
        return InlineMath(Tex(" + ".join(lines_tex)), text)
    body = r" \\ &+ ".join(lines_tex)
    return InlineMath(Tex(r"\begin{aligned} &%s \end{aligned}" % body), text)


def _plain_sum(values) -> InlineMath:
    tex = " + ".join([sp.latex(values[0])] + [_factor_tex(v) for v in values[1:]])
    text = " + ".join([sp.sstr(values[0])] + [_factor_text(v) for v in values[1:]])
    return InlineMath(Tex(tex), text)


def _grid_tex(M, window) -> str:
    r0, r1, c0, c1 = window
    rows = []
    for r in range(M.shape[0]):
        cells = []
        for c in range(M.shape[1]):
            t = sp.latex(M[r, c])
            cells.append(r"\boxed{%s}" % t if r0 <= r <= r1 and c0 <= c <= c1 else t)
        rows.append(" & ".join(cells))
    return r"\left[\begin{array}{%s}%s\end{array}\right]" % ("c" * M.shape[1], r" \\ ".join(rows))


def _grid_text(M, window) -> str:
    r0, r1, c0, c1 = window
    rows = []
    for r in range(M.shape[0]):
        rows.append(" ".join(f"[{sp.sstr(M[r, c])}]" if r0 <= r <= r1 and c0 <= c <= c1 else sp.sstr(M[r, c])
                             for c in range(M.shape[1])))
    return "[" + "; ".join(rows) + "]"


# ================================================================= backprop
def backprop(input=None, kernel=None, grad_output=None, *, bias=None) -> Result:
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

    Returns
    -------
    Result
        Answer keys: ``grad_weight``, ``grad_input``, ``grad_bias``,
        ``relu_grad``, ``maxpool_output``, ``maxpool_grad``, ``softmax``,
        ``cross_entropy``, ``cross_entropy_grad``, ``adam_m``, ``adam_v``,
        ``adam_param``.
    """
    X = _as_exact_array(read_array(input if input is not None else [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                                   "--input", depth=(2,)), "--input")
    K = _as_exact_array(read_array(kernel if kernel is not None else [[1, 0], [0, -1]],
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
        G = _as_exact_array(read_array(grad_output, "--grad-output", depth=(2,)), "--grad-output")
        if G.shape != (OH, OW):
            raise ValueError(f"--grad-output: {G.shape[0]}x{G.shape[1]}, but the output is {OH}x{OW}; give one "
                             f"gradient per output cell")
    b_value = parse_number(bias, what="--bias") if bias is not None else None

    steps: list = []
    answer: dict = {}
    sources: dict = {}
    steps += _conv_backprop_steps(X, K, G, b_value, answer, sources)
    steps += _relu_steps(answer, sources)
    steps += _maxpool_steps(answer, sources)
    steps += _softmax_steps(answer, sources)
    steps += _adam_steps(answer, sources)
    givens = [Given("input X", _matrix(X)), Given("kernel W", _matrix(K)),
              Given("upstream gradient G = dL/dY", _matrix(G))]
    return Result(kind="conv.backprop", title="Backpropagation through a CNN: convolution, ReLU, max-pooling, "
                                              "softmax cross-entropy, Adam",
                  givens=givens, steps=steps, answer=_ints(answer), sources=sources,
                  intro=words("A layer's backward pass receives G, the gradient of the loss L with respect to "
                              "its output, and returns the gradients with respect to its input and its "
                              "parameters, by the chain rule. Each formula below is derived by SymPy with a "
                              "symbol for every entry and proved entry by entry, then worked on numbers."))


def _symbols(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}"))


def _correlate(A: sp.Matrix, B: sp.Matrix) -> sp.Matrix:
    """Valid cross-correlation of two SymPy matrices."""
    return sp.Matrix(A.rows - B.rows + 1, A.cols - B.cols + 1,
                     lambda i, j: sum(A[i + u, j + v] * B[u, v] for u in range(B.rows) for v in range(B.cols)))


def _pad_matrix(A: sp.Matrix, p: int, q: int) -> sp.Matrix:
    out = sp.zeros(A.rows + 2 * p, A.cols + 2 * q)
    out[p:p + A.rows, q:q + A.cols] = A
    return out


def _rot180(A: sp.Matrix) -> sp.Matrix:
    return sp.Matrix(A.rows, A.cols, lambda i, j: A[A.rows - 1 - i, A.cols - 1 - j])


def _conv_backprop_steps(X, K, G, b_value, answer, sources) -> list:
    from ..numerics.convolution import conv2d_backward
    H, W = X.shape
    kh, kw = K.shape
    OH, OW = H - kh + 1, W - kw + 1
    Xs, Ws, Gs = _symbols("x", H, W), _symbols("w", kh, kw), _symbols("g", OH, OW)
    b = sp.Symbol("b")
    Ys = _correlate(Xs, Ws) + sp.Matrix(OH, OW, lambda i, j: b)
    L_lin = sum(Gs[i, j] * Ys[i, j] for i in range(OH) for j in range(OW))
    dW_sym = sp.Matrix(kh, kw, lambda u, v: sp.diff(L_lin, Ws[u, v]))
    dX_sym = sp.Matrix(H, W, lambda r, c: sp.diff(L_lin, Xs[r, c]))
    db_sym = sp.diff(L_lin, b)
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
                            [dX_sym if H * W <= 16 else InlineMath(Tex(r"\Bigl[\frac{\partial L}{\partial x_{rc}}\Bigr]"),
                                                                 "[dL/dx_rc]"),
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

    Xm, Km, Gm = _matrix(X), _matrix(K), _matrix(G)
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
    ok_sub = dW == dW_sym.subs(subs) and dX == dX_sym.subs(subs) and db == db_sym.subs(subs)
    how = "equals SymPy's derivative with the numbers substituted, and numerics.convolution.conv2d_backward (float64)"
    Gp = _pad_matrix(sp.Matrix(Gm), kh - 1, kw - 1)
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial W}"), "dL/dW"),
                            [InlineMath(Tex(sp.latex(Xm) + r"\star" + sp.latex(Gm)), "X ⋆ G"), dW]),
                      why=words("worked: cross-correlate the input with G; for example entry (1, 1) is ",
                                _plain_products([(X[u, v], G[u, v]) for u in range(OH) for v in range(OW)]),
                                " = ", dW[0, 0]),
                      check=checked(how, ok_num and ok_sub), label="dW"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial X}"), "dL/dX"),
                            [InlineMath(Tex(sp.latex(Gp) + r"\star" + sp.latex(_rot180(sp.Matrix(Km)))),
                                        "pad(G) ⋆ rot180(W)"), dX]),
                      why=words("worked: pad G with ", sp.Integer(kh - 1), " row(s) and ", sp.Integer(kw - 1),
                                " column(s) of zeros, rotate the kernel by 180 degrees, cross-correlate"),
                      check=checked(how, ok_num and ok_sub), label="dX"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial b}"), "dL/db"),
                            [_plain_sum(list(G.flatten())), db]),
                      why=words("worked: the sum of G"), check=checked(how, ok_num and ok_sub), label="db"))
    answer.update({"grad_weight": dW.tolist(), "grad_input": dX.tolist(), "grad_bias": db})
    sources.update({"grad_weight": "dW", "grad_input": "dX", "grad_bias": "db"})
    return steps


def _plain_products(terms) -> InlineMath:
    return InlineMath(Tex(" + ".join(r"%s \cdot %s" % (_factor_tex(x), _factor_tex(w)) for x, w in terms)),
                      " + ".join(f"{_factor_text(x)}·{_factor_text(w)}" for x, w in terms))


def _relu_steps(answer, sources) -> list:
    from ..numerics.convolution import relu_backward
    z = sp.Symbol("z", real=True)
    zs = [sp.Integer(-2), sp.Integer(0), sp.Integer(3)]
    gs = [sp.Integer(5), sp.Integer(6), sp.Integer(7)]
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


def _maxpool_steps(answer, sources) -> list:
    from ..numerics.convolution import maxpool2d, maxpool2d_backward
    Xv = [[1, 3, 2, 2], [4, 2, 0, 1], [5, 5, 1, 0], [0, 1, 2, 3]]
    Gv = [[1, 2], [3, 4]]
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
    # where a window has a single maximum, the gradient is SymPy's derivative of Max
    syms = _symbols("x", 4, 4)
    sub = {syms[r, c]: Xv[r][c] for r in range(4) for c in range(4)}
    ok_sym = True
    for i in range(2):
        for j in range(2):
            if any(t[:2] == (i, j) for t in ties):
                continue
            window = [(2 * i + u, 2 * j + v) for u in range(2) for v in range(2)]
            m = sp.Max(*[syms[p] for p in window])
            for p in window:
                ok_sym &= Gv[i][j] * sp.diff(m, syms[p]).subs(sub) == dX[p]
    tie_text = "; ".join(f"window ({i + 1}, {j + 1}) has a tie, and its first maximum in row-major order, "
                         f"at ({r + 1}, {c + 1}), takes the gradient" for i, j, (r, c) in ties)
    grid = _grid_tex(X, (0, -1, 0, -1))
    steps = [Section("Max-pooling, 2x2 windows, stride 2",
                     words(InlineMath(Tex(r"y_{ij}"), "y_ij"), " is the largest of the four inputs of window (i, j)."))]
    steps.append(Step(Chain(InlineMath(Tex(r"\operatorname{maxpool}\Bigl(%s\Bigr)" % grid), "maxpool(X)"),
                            [_matrix(Y)]),
                      why=words("each 2x2 block's maximum"),
                      check=checked("equals numerics.convolution.maxpool2d", ok_forward), label="maxpool_forward"))
    steps.append(Step(Chain(InlineMath(Tex(r"\frac{\partial L}{\partial X}\Big|_{G = %s}" % sp.latex(_matrix(
        np.array(Gv, dtype=object)))), "dL/dX for G = [[1, 2], [3, 4]]"), [_matrix(dX)]),
                      why=words("the maximum depends only on its arg-max, so each window's gradient goes to the "
                                "position of its maximum and the other three get 0. Tie rule: when several "
                                "entries share the maximum, the first in row-major order within the window "
                                "takes the whole gradient (as PyTorch's CPU kernel does)" +
                                (f"; here {tie_text}" if ties else "")),
                      check=checked("equals numerics.convolution.maxpool2d_backward; for the windows without a "
                                    "tie it equals SymPy's derivative of Max", ok_backward and ok_sym),
                      label="maxpool_backward"))
    answer["maxpool_output"] = Y.tolist()
    answer["maxpool_grad"] = dX.tolist()
    sources.update({"maxpool_output": "maxpool_forward", "maxpool_grad": "maxpool_backward"})
    return steps


def _softmax_steps(answer, sources) -> list:
    from ..numerics.convolution import softmax_cross_entropy
    K = 3
    z = sp.symbols("z_1:4", real=True)
    norm = sum(sp.exp(v) for v in z)
    p = [sp.exp(v) / norm for v in z]
    ok_rule = True
    for y in range(K):
        L = -sp.log(p[y])
        for k in range(K):
            ok_rule &= sp.simplify(sp.diff(L, z[k]) - (p[k] - (1 if k == y else 0))) == 0
    zv = [sp.log(3), sp.log(2), sp.Integer(0)]
    label = 0
    pv = [sp.nsimplify(sp.simplify(pk.subs(dict(zip(z, zv))))) for pk in p]
    loss = sp.simplify(-sp.log(pv[label]))
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
                      check=checked("SymPy differentiates -log p_y for K = 3 and every y, k and simplifies the "
                                    "difference from p_k - [k = y] to 0", ok_rule),
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
                                             sp.Float(float(loss), 6)]),
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


def _adam_steps(answer, sources) -> list:
    from ..numerics.convolution import Adam
    theta0, g = sp.Integer(1), sp.Rational(1, 2)
    lr, b1, b2, eps = sp.Rational(1, 1000), sp.Rational(9, 10), sp.Rational(999, 1000), sp.Rational(1, 10 ** 8)
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
                                                InlineMath(Tex(r"0.9 \cdot 0 + 0.1 \cdot \tfrac12"), "0.9*0 + 0.1*(1/2)"),
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
                      check=checked("SymPy: the corrected moments equal g and g squared exactly", mhat == g and vhat == g ** 2),
                      label="adam_correction"))
    steps.append(Step(Chain(sp.Symbol("theta_1"),
                            [InlineMath(Tex(r"\theta_0 - \eta\, \frac{\hat m_1}{\sqrt{\hat v_1} + \epsilon}"),
                                        "theta_0 - eta m^_1 / (sqrt(v^_1) + eps)"),
                             InlineMath(Tex(r"1 - 10^{-3} \cdot \frac{1/2}{1/2 + 10^{-8}}"),
                                        "1 - 1e-3 * (1/2) / (1/2 + 1e-8)"),
                             theta1, sp.Float(float(theta1), 12)]),
                      why=words("the step: its size is about ", InlineMath(Tex(r"\eta"), "eta"),
                                " whatever the scale of g (without the bias correction this first step would be ",
                                sp.Float(float(uncorrected), 4), ", about ",
                                sp.Float(float(uncorrected / lr), 3), " times as large)"),
                      check=checked("equals numerics.convolution.Adam.step to 1e-15 relative", ok_num),
                      label="adam_step"))
    answer.update({"adam_m": m1, "adam_v": v1, "adam_param": theta1})
    sources.update({"adam_m": "adam_m", "adam_v": "adam_v", "adam_param": "adam_step"})
    return steps


# ================================================================ training
def _load(dataset, data_dir, seed):
    from ..numerics.images import load_dataset
    try:
        return load_dataset(dataset, data_dir, random_state=seed).standardized()
    except ValueError as exc:
        message = str(exc)
        if message.startswith("data_dir:"):
            message = "--data-dir:" + message[len("data_dir:"):]
        elif message.startswith("dataset:"):
            message = "--dataset:" + message[len("dataset:"):]
        raise ValueError(message) from None


def _architecture_table(model, input_shape) -> Table:
    rows = []
    x = np.zeros((1, *input_shape), dtype=np.float32)
    for layer in model.layers:
        x = layer.forward(x, train=False)
        n = sum(p.size for p in layer.params)
        rows.append([repr(layer), " x ".join(str(s) for s in x.shape[1:]), sp.Integer(n)])
    return Table(["layer", "output shape", "parameters"], rows, align="llr")


def train_cnn(dataset: str = "digits", *, data_dir=None, conv_layers: int = 2, kernel_size: int = 3,
              lr: float = 1e-3, epochs: int = 20, batch_size: int = 64, seed: int = 0, plot=None,
              progress: bool | None = None) -> Result:
    """Train the numpy CNN of :func:`numerics.cnn.build_cnn` with Adam and report it.

    Parameters
    ----------
    dataset : "digits", "fashion-mnist", "mnist" or "cifar10"
    data_dir : path, optional
        Where the IDX files or CIFAR-10 batches are (digits are shipped).
    conv_layers, kernel_size, lr, epochs, batch_size, seed
        The model and the training (the seed fixes the digits split, the
        initial weights and the batches).
    plot : path, optional
        Write the learning curve (loss and accuracy per epoch) there.

    Returns
    -------
    Result
        Answer keys: ``test_accuracy`` and ``test_loss`` (after the last epoch),
        ``history`` (``train_loss``, ``train_accuracy``, ``test_loss``,
        ``test_accuracy``: one value per epoch), ``n_params``, ``architecture``.
    """
    from ..numerics.cnn import build_cnn, evaluate, plot_learning_curve, train
    _check_positive_int(epochs, "--epochs")
    _check_positive_int(batch_size, "--batch-size")
    _check_lr(lr)
    data = _load(dataset, data_dir, seed)
    try:
        model = build_cnn(data.input_shape, data.n_classes, conv_layers=conv_layers, kernel_size=kernel_size,
                          random_state=seed)
    except ValueError as exc:
        raise ValueError("--" + str(exc).replace("_", "-", 1)) from None
    arch = _architecture_table(model, data.input_shape)
    h = train(model, data.X_train, data.y_train, data.X_test, data.y_test, epochs=epochs, batch_size=batch_size,
              lr=lr, random_state=seed, progress=progress)
    loss, acc = evaluate(model, data.X_test, data.y_test)
    if plot:
        plot_learning_curve(h, plot, title=f"{dataset}: {conv_layers} conv layer(s), kernel {kernel_size}, "
                                           f"lr {lr:g}, batch {batch_size}")
    rows = [[sp.Integer(e + 1), h.train_loss[e], h.train_accuracy[e], h.test_loss[e], h.test_accuracy[e]]
            for e in range(h.epochs)]
    steps = [
        Step(arch, why=words(f"the model: {conv_layers} block(s) of convolution ({kernel_size}x{kernel_size}, "
                             f"zero padding {kernel_size // 2} so the size is kept), ReLU and 2x2 max-pooling, "
                             f"then a linear layer to the {data.n_classes} class scores; weights drawn as "
                             f"PyTorch's defaults with seed {seed}")),
        Step(Table(["epoch", "train loss", "train accuracy", "test loss", "test accuracy"], rows, align="rrrrr"),
             why=words(f"Adam (lr {lr:g}, betas 0.9, 0.999) on the mean softmax cross-entropy, mini-batches of "
                       f"{batch_size} in a new seeded order each epoch; the train columns are means over the "
                       f"epoch's batches, the test columns are measured after it"),
             label="history"),
        Step(Chain(InlineMath(Tex(r"\text{test accuracy}"), "test accuracy"), [sp.Float(acc, 6)]),
             why=words(f"after {epochs} epoch(s), on {len(data.y_test)} held-out images"),
             check=checked("recomputed from the trained model's predictions on the test set, equal to the "
                           "last epoch's value", np.isclose(acc, h.test_accuracy[-1])),
             label="accuracy"),
    ]
    split = ("a fixed 80/20 split of the 1797 images (seed " + str(seed) + ")" if dataset == "digits"
             else "the official train/test split")
    notes = [f"Learning curve written to {plot}."] if plot else []
    return Result(
        kind="cnn.train", title=f"A CNN trained on {dataset} with Adam (numpy)",
        givens=[Given("data set", dataset, f"{len(data.y_train)} training and {len(data.y_test)} test images "
                                           f"of shape {' x '.join(map(str, data.input_shape))}, {split}"),
                Given("conv layers", sp.Integer(conv_layers)), Given("kernel size", sp.Integer(kernel_size)),
                Given("learning rate", f"{lr:g}"), Given("epochs", sp.Integer(epochs)),
                Given("batch size", sp.Integer(batch_size)), Given("seed", sp.Integer(seed))],
        steps=steps,
        answer={"test_accuracy": acc, "test_loss": loss,
                "history": {"train_loss": h.train_loss, "train_accuracy": h.train_accuracy,
                            "test_loss": h.test_loss, "test_accuracy": h.test_accuracy},
                "n_params": model.n_params, "architecture": [repr(layer) for layer in model.layers]},
        sources={"test_accuracy": "accuracy", "test_loss": "history", "history": "history"},
        notes=notes,
        intro=words("Images are standardised per channel with the training set's mean and standard deviation."))


def sweep_cnn(dataset: str = "digits", *, data_dir=None, conv_layers: Sequence[int] = (1, 2),
              kernel_sizes: Sequence[int] = (3, 5), lrs: Sequence[float] = (1e-3, 1e-2), epochs: int = 10,
              batch_size: int = 64, seed: int = 0, plot=None, progress: bool | None = None) -> Result:
    """Train one CNN per combination of conv layers, kernel size and learning rate.

    Returns
    -------
    Result
        Answer key ``runs``: one object per combination (``conv_layers``,
        ``kernel_size``, ``lr``, ``n_params``, ``final_test_accuracy``,
        ``best_test_accuracy``, ``final_test_loss``, ``final_train_loss``), and
        ``best`` (the run with the highest final test accuracy).
    """
    from ..numerics.cnn import plot_sweep, sweep
    _check_positive_int(epochs, "--epochs")
    _check_positive_int(batch_size, "--batch-size")
    for v in conv_layers:
        if not isinstance(v, int) or v < 0:
            raise ValueError(f"--conv-layers: {v!r}; expected integers >= 0")
    for v in kernel_sizes:
        if not isinstance(v, int) or v < 1 or v % 2 == 0:
            raise ValueError(f"--kernel-size: {v!r}; expected odd integers >= 1")
    for v in lrs:
        _check_lr(v)
    data = _load(dataset, data_dir, seed)
    rows = sweep(data, conv_layers=tuple(conv_layers), kernel_sizes=tuple(kernel_sizes), lrs=tuple(lrs),
                 epochs=epochs, batch_size=batch_size, random_state=seed, progress=progress)
    if plot:
        plot_sweep(rows, plot, title=f"{dataset}: final test accuracy after {epochs} epoch(s)")
    runs = [{k: v for k, v in r.items() if k != "history"} for r in rows]
    best = max(range(len(runs)), key=lambda n: (runs[n]["final_test_accuracy"], -n))
    table = Table(["conv layers", "kernel", "lr", "parameters", "final test acc.", "best test acc.",
                   "final test loss"],
                  [[sp.Integer(r["conv_layers"]), sp.Integer(r["kernel_size"]), f"{r['lr']:g}",
                    sp.Integer(r["n_params"]), r["final_test_accuracy"], r["best_test_accuracy"],
                    r["final_test_loss"]] for r in runs], align="rrrrrrr")
    steps = [Step(table, why=words(f"{len(runs)} models, each trained for {epochs} epoch(s) with the same seed "
                                   f"({seed}) and batch size ({batch_size})"), label="runs"),
             Step(Prose(words(f"Best: {runs[best]['conv_layers']} conv layer(s), kernel {runs[best]['kernel_size']}, "
                              f"lr {runs[best]['lr']:g}: final test accuracy "
                              f"{runs[best]['final_test_accuracy']:.4f}.")),
                  why=words("the run with the highest final test accuracy (the first of equals)"), label="best")]
    return Result(kind="cnn.sweep", title=f"Hyperparameter sweep of the CNN on {dataset}",
                  givens=[Given("data set", dataset), Given("epochs", sp.Integer(epochs)),
                          Given("batch size", sp.Integer(batch_size)), Given("seed", sp.Integer(seed))],
                  steps=steps, answer={"runs": runs, "best": runs[best]},
                  sources={"runs": "runs", "best": "best"},
                  notes=[f"Figure written to {plot}."] if plot else [])


def _check_positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}: {value!r}; expected a positive integer")


def _check_lr(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"--lr: {value!r}; expected a positive number such as 1e-3")


# ==================================================================== demo
EDGE_IMAGE = [[0, 0, 0, 9, 9, 9]] * 6
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
FIVE_BY_FIVE = [[1, 2, 0, 1, 3], [0, 1, 2, 3, 1], [1, 0, 1, 2, 0], [2, 1, 0, 1, 1], [0, 2, 1, 0, 2]]
THREE_BY_THREE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]


@functools.lru_cache(maxsize=1)
def _demo_training():
    """A short digits run shared by the demo's result and figure (a few seconds)."""
    return train_cnn("digits", epochs=6, lr=3e-3, progress=False)


def demo_examples() -> list:
    """The course's examples for ``workedout demo``."""
    from .demo import Example, Figure

    def curve(path):
        from ..numerics.cnn import History, plot_learning_curve
        h = _demo_training().answer["history"]
        plot_learning_curve(History(**h), path, title="digits: 2 conv layers, kernel 3, lr 0.003, batch 64")

    return [
        Example("conv-3x3", lambda: convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])),
        Example("conv-5x5", lambda: convolve(FIVE_BY_FIVE, THREE_BY_THREE)),
        Example("conv-edge", lambda: convolve(EDGE_IMAGE, SOBEL_X)),
        Example("conv-stride-padding", lambda: convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 1], [1, 1]],
                                                        stride=2, padding=1)),
        Example("conv-channels", lambda: convolve([[[1, 0, 2], [0, 1, 0], [2, 0, 1]], [[0, 1, 0], [1, 0, 1],
                                                                                       [0, 1, 0]]],
                                                  [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]],
                                                   [[[1, 1], [0, 0]], [[0, 0], [1, -1]]]], bias=[1, -1])),
        Example("conv-flip", lambda: convolve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2], [3, 4]], flip=True)),
        Example("conv-backprop", lambda: backprop()),
        Example("cnn-digits", _demo_training),
        Figure("cnn-digits-learning-curve", "Learning curve of the numpy CNN on the 8x8 digits (6 epochs of Adam, "
                                            "lr 0.003): loss and accuracy per epoch, train and test.", curve),
    ]
