r"""Checking a student's convolution: the diagnosis a teaching assistant would write.

Two checkers, one per worked command, through the :class:`~..check.Checker`
protocol:

* :func:`conv_checker` (``workedout conv --check``): the output grid, its size,
  the padded input, the kernel as applied, the im2col and Toeplitz matrices.
  Every output cell is computed from the input and the kernel alone, so a
  wrong cell is a root cause, unless the student's own earlier values explain
  it: a cell that equals the convolution of the student's padded input with
  the student's kernel (or the student's im2col column times the kernel)
  follows from them; so do an im2col matrix recomputed from the student's
  padded input and a Toeplitz matrix recomputed from the student's kernel.
  The misconceptions are recognised by recomputing the whole answer with the
  wrong rule (one of them, or two or three together) and comparing with the
  student's values: a grid of another size (padding or stride ignored) is
  compared with the wrong rule's grid as a whole.
* :func:`backprop_checker` (``workedout conv --backprop --check``): the
  gradients of the convolution layer (each from the givens), then the chain
  ReLU, max-pooling (the gradient recomputed from the student's pooled
  maxima), softmax cross-entropy (the loss and the gradient recomputed from
  the student's softmax) and Adam (the step recomputed from the student's
  moments).

Locations are 0-based (``output[0][1]``); subjects are 1-based like the worked
text (``output cell (1, 2)`` is :math:`y_{12}`).

Marks: one per value, as everywhere; the output size counts one mark (not one
per axis); a grid given with the wrong number of rows or columns is one part
worth all the cells of the expected grid.
"""
from __future__ import annotations

import itertools
import re

import numpy as np
import sympy as sp

from ..check import Checker, Misconception, entry_text, scalar_reason, words_text
from ..exact import parse_expression, parse_number
from ._matrix_forms import im2col_exact, toeplitz_exact

__all__ = ["BACKPROP_CATALOGUE", "CATALOGUE", "Checker", "backprop_checker", "conv_checker"]

CATALOGUE: tuple[Misconception, ...] = (
    Misconception("true-convolution",
                  "The kernel was flipped (rotated by 180 degrees), which is the mathematical convolution; what "
                  "deep-learning libraries call convolution is a cross-correlation: the kernel slides over the "
                  "input as given.", "definition"),
    Misconception("flip-missing",
                  "The mathematical convolution rotates the kernel by 180 degrees before sliding it; it was slid "
                  "as given, which is a cross-correlation.", "flip"),
    Misconception("padding-ignored",
                  "The zero padding was left out: the kernel slid over the input itself instead of over the input "
                  "with its border of zeros.", "padding"),
    Misconception("stride-ignored",
                  "The stride was ignored: the window moved one cell at a time instead of s cells.", "definition"),
    Misconception("bias-missing", "The bias was not added to every output cell.", "definition"),
    Misconception("kernel-transposed",
                  "The kernel was transposed (its rows read as columns); entry w_uv is in row u, column v.",
                  "definition"),
    Misconception("valid-vs-same",
                  "The output has the size of the other padding convention ('same' keeps the input's size, "
                  "'valid' pads nothing); the asked padding p gives floor((n + 2p - k)/s) + 1.", "size_rows"),
)

BACKPROP_CATALOGUE: tuple[Misconception, ...] = (
    Misconception("dx-kernel-not-rotated",
                  "dL/dX is G zero-padded by k-1 and cross-correlated with the kernel rotated by 180 degrees (the "
                  "full convolution of G with W); the kernel was used unrotated.", "dX_rule"),
    Misconception("relu-at-zero",
                  "ReLU's derivative at z = 0 is taken as 0 (as PyTorch does); it was taken as 1.", "relu_rule"),
    Misconception("softmax-grad-sign",
                  "The gradient of softmax cross-entropy is the softmax minus the one-hot vector, p_k - [k = y]; "
                  "it was taken the other way round.", "softmax_rule"),
    Misconception("adam-no-bias-correction",
                  "Adam divides m by 1 - beta1^t and v by 1 - beta2^t before the step (bias correction); the step "
                  "was taken with the uncorrected moments.", "adam_correction"),
)

#: what each rule did, for the reason of a matching value
RULE_WORDS = {
    "true-convolution": "the kernel flipped", "flip-missing": "the kernel not flipped",
    "padding-ignored": "no padding", "stride-ignored": "stride 1", "bias-missing": "no bias",
    "kernel-transposed": "the kernel transposed", "valid-vs-same": "{convention} padding",
}


# ------------------------------------------------------------------ helpers
def _exact(value):
    """A student's value as the exact number it is (a decimal as that decimal), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return parse_number(value)
        except ValueError:
            return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_number(text)
        except ValueError:
            try:
                return parse_expression(text)
            except ValueError:
                return None
    return None


def _agree(exact, given) -> bool:
    """The student's value equals ``exact`` to the digits given (the core's test)."""
    try:
        return scalar_reason(exact, given) is None
    except Exception:  # noqa: BLE001 - anything unreadable disagrees
        return False


def _shape(value):
    """The shape of a rectangular nested list of scalars, or None."""
    if not isinstance(value, (list, tuple)):
        return ()
    if not value:
        return None
    shapes = {_shape(v) for v in value}
    if len(shapes) != 1:
        return None
    inner = shapes.pop()
    return None if inner is None else (len(value),) + inner


def _dims(shape) -> str:
    return "x".join(str(n) for n in shape)


def _leaves(value, prefix=""):
    """(location suffix, leaf) pairs of a nested list in reading order."""
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{prefix}[{i}]")
    else:
        yield prefix, value


def _index(location: str, key: str):
    """The indices of ``key[i][j]...`` as a tuple, or None."""
    if not location.startswith(key + "["):
        return None
    rest = location[len(key):]
    if not re.fullmatch(r"(\[\d+\])+", rest):
        return None
    return tuple(int(n) for n in re.findall(r"\d+", rest))


def _get(value, idx):
    for i in idx:
        value = value[i]
    return value


def _wrong(findings, key):
    """The discrepancies of one answer key (the whole key or its entries), in reading order."""
    return [d for d in findings.found if d.location == key or d.location.startswith(key + "[")]


def _exact_array(value):
    """A nested list of the student's as an object array of exact numbers, or None."""
    shape = _shape(value)
    if not shape:
        return None
    flat = [_exact(v) for _, v in _leaves(value)]
    if any(v is None for v in flat):
        return None
    arr = np.empty(len(flat), dtype=object)
    arr[:] = flat
    return arr.reshape(shape)


def _count(value) -> int:
    return sum(1 for _ in _leaves(value))


def _grid_part(key: str, what: str):
    """Compare a grid cell by cell when the shapes agree, else as one part worth all the expected cells."""
    def part(given, comparer):
        expected = comparer.result.answer[key]
        es, gs = _shape(expected), _shape(given)
        if gs == es:
            return comparer.compare(key, expected, given)
        comparer.counted(1, key)
        if gs:
            reason = f"a {_dims(gs)} grid where {what} is {_dims(es)}"
        elif isinstance(given, (list, tuple)):
            reason = f"not a rectangular grid of numbers; {what} is {_dims(es)}"
        else:
            reason = f"expected a {_dims(es)} grid"
        comparer.differ(key, entry_text(expected), given, reason)
    return part


def _shape_part(key: str):
    """The output size as one part: ``[2, 2]`` or ``"2x2"``."""
    def part(given, comparer):
        expected = list(comparer.result.answer[key])
        comparer.counted(1, key)
        shape = _read_shape(given)
        if shape != expected:
            comparer.differ(key, _dims(expected), given,
                            "differs" if shape is not None else "expected a list of sizes such as [2, 2] or \"2x2\"")
    return part


def _read_shape(given):
    if isinstance(given, str):
        parts = [p.strip() for p in re.split(r"[x×,*]", given.strip().strip("[]()"))]
        try:
            return [int(p) for p in parts]
        except ValueError:
            return None
    if isinstance(given, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in given):
        return list(given)
    return None


def _naming(findings, combos, locations, catalogue, reason: str):
    """Name every combination of misconceptions in ``combos`` on ``locations``.

    The combinations are alternatives (each reproduces the values); the ids of
    one combination were applied together. The id is every id named, joined by
    " + " as the core joins two names; the text says which are alternatives
    ("Or:") and which were applied together ("And:").
    """
    texts = {m.id: m.text for m in catalogue}
    ids = [mid for combo in combos for mid in combo]
    for mid in reversed(ids):  # the first alternative's step is cited
        findings.name(mid, locations)
    if not ids:
        return
    text = " Or: ".join(" And: ".join(texts[m] for m in c) for c in combos)
    for loc in locations:
        d = findings.at(loc)
        if d is None:
            continue
        d.misconception = {"id": " + ".join(dict.fromkeys(ids)), "text": text}
        if reason and reason not in d.reason:
            d.reason = f"{d.reason}; {reason}"


# ------------------------------------------------------------ the convolution
class _Conv:
    """The asked convolution and its variants under the catalogue's wrong rules."""

    def __init__(self, problem, answer):
        self.p = problem
        self.answer = answer
        X, K = problem.X, problem.K
        self.C, self.H, self.W = X.shape
        self.C_out, _, self.kh, self.kw = K.shape
        self.four_d = bool(_shape(answer["kernel_used"]) and len(_shape(answer["kernel_used"])) == 4)
        self.out_3d = len(answer["output_shape"]) == 3
        self.cache: dict = {}
        self.rules = self._applicable()

    # --- the rules that change something
    def _applicable(self) -> list[str]:
        p, K = self.p, self.p.K
        rules = []
        if any(not np.array_equal(K[o, c], K[o, c][::-1, ::-1]) for o in range(self.C_out) for c in range(self.C)):
            rules.append("flip-missing" if p.flip else "true-convolution")
        if self.kh != self.kw or any(not np.array_equal(K[o, c], K[o, c].T)
                                     for o in range(self.C_out) for c in range(self.C)):
            rules.append("kernel-transposed")
        if any(p.padding):
            rules.append("padding-ignored")
        if self._same_convention() is not None:
            rules.append("valid-vs-same")
        if p.stride != (1, 1):
            rules.append("stride-ignored")
        if p.b is not None and any(v != 0 for v in p.b):
            rules.append("bias-missing")
        return rules

    def _same_pads(self, n, k, s):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        return total // 2, total - total // 2

    def _same_convention(self):
        """'same' when the asked padding is none (the student used 'same'), 'valid' when it is the 'same'
        padding (the student used none), None otherwise."""
        (sh, sw), (ph, pw) = self.p.stride, self.p.padding
        if (ph, pw) == (0, 0):
            pads = self._same_pads(self.H, self.kh, sh) + self._same_pads(self.W, self.kw, sw)
            return "same" if any(pads) else None
        if (self.H + 2 * ph - self.kh) // sh + 1 == -(-self.H // sh) and \
                (self.W + 2 * pw - self.kw) // sw + 1 == -(-self.W // sw):
            return "valid"
        return None

    def combos(self, max_size=3):
        """Every combination of applicable rules (smallest first), never two padding rules together."""
        out = []
        for n in range(1, max_size + 1):
            for c in itertools.combinations(self.rules, n):
                if "padding-ignored" in c and "valid-vs-same" in c:
                    continue
                out.append(c)
        return out

    def words(self, combo) -> str:
        conv = self._same_convention()
        return ", ".join(RULE_WORDS[r].format(convention=f"'{conv}'") for r in combo)

    # --- a variant's answer
    def variant(self, combo) -> dict | None:
        combo = tuple(combo)
        if combo in self.cache:
            return self.cache[combo]
        p = self.p
        K = p.K
        if "kernel-transposed" in combo:
            K = K.transpose(0, 1, 3, 2)
        flip = p.flip != ("true-convolution" in combo or "flip-missing" in combo)
        Kf = K[:, :, ::-1, ::-1] if flip else K
        kh, kw = Kf.shape[2:]
        sh, sw = (1, 1) if "stride-ignored" in combo else p.stride
        ph, pw = p.padding
        pads = (ph, ph, pw, pw)
        if "padding-ignored" in combo:
            pads = (0, 0, 0, 0)
        elif "valid-vs-same" in combo:
            pads = (0, 0, 0, 0) if any(p.padding) else \
                self._same_pads(self.H, kh, sh) + self._same_pads(self.W, kw, sw)
        b = None if "bias-missing" in combo else p.b
        Xp = _pad(p.X, *pads)
        value = None
        if Xp.shape[1] >= kh and Xp.shape[2] >= kw:
            value = {"Kf": Kf, "Xp": Xp, "stride": (sh, sw), "b": b}
        self.cache[combo] = value
        return value

    def value(self, combo, key):
        """The variant's value of one answer key, in the answer's layout (None when it does not exist)."""
        v = self.variant(combo) if combo else {"Kf": self.p.Kf, "Xp": self.p.Xp, "stride": self.p.stride,
                                                "b": self.p.b}
        if v is None:
            return None
        cached = v.get(key)
        if cached is not None:
            return cached
        Kf, Xp, (sh, sw), b = v["Kf"], v["Xp"], v["stride"], v["b"]
        kh, kw = Kf.shape[2:]
        OH, OW = (Xp.shape[1] - kh) // sh + 1, (Xp.shape[2] - kw) // sw + 1
        if key == "output":
            Y = _correlate(Xp, Kf, b, (sh, sw))
            out = Y.tolist() if self.out_3d else Y[0].tolist()
        elif key == "output_shape":
            out = [self.C_out, OH, OW] if self.out_3d else [OH, OW]
        elif key == "kernel_used":
            out = self.kernel_layout(Kf)
        elif key == "padded_input":
            out = Xp.tolist() if self.C > 1 else Xp[0].tolist()
        elif key == "im2col":
            out = im2col_exact(Xp, kh, kw, sh, sw, OH, OW).tolist()
        elif key == "toeplitz":
            out = toeplitz_exact(Kf, Xp.shape[1], Xp.shape[2], sh, sw, OH, OW).tolist()
        else:
            return None
        v[key] = out
        return out

    def kernel_layout(self, Kf):
        if self.four_d:
            return Kf.tolist()
        return Kf[0].tolist() if self.C > 1 else Kf[0, 0].tolist()

    # --- the student's own arrays in the problem's layout
    def student_kernel(self, given):
        """The student's kernel as applied, as (C_out, C, kh, kw), or None."""
        arr = _exact_array(given)
        if arr is None:
            return None
        if self.four_d and arr.ndim == 4:
            return arr
        if not self.four_d and self.C > 1 and arr.ndim == 3 and self.C_out == 1:
            return arr[None]
        if not self.four_d and self.C == 1 and arr.ndim == 2 and self.C_out == 1:
            return arr[None, None]
        return None

    def student_padded(self, given):
        arr = _exact_array(given)
        if arr is None:
            return None
        if self.C > 1 and arr.ndim == 3 and arr.shape[0] == self.C:
            return arr
        if self.C == 1 and arr.ndim == 2:
            return arr[None]
        return None


def _pad(X, top, bottom, left, right):
    C, H, W = X.shape
    out = np.full((C, H + top + bottom, W + left + right), sp.Integer(0), dtype=object)
    out[:, top:top + H, left:left + W] = X
    return out


def _correlate(Xp, Kf, b, stride):
    """The cross-correlation of ``Xp`` (C, Hp, Wp) with ``Kf`` (C_out, C, kh, kw), exactly: (C_out, OH, OW)."""
    C_out, _, kh, kw = Kf.shape
    sh, sw = stride
    OH, OW = (Xp.shape[1] - kh) // sh + 1, (Xp.shape[2] - kw) // sw + 1
    Y = np.empty((C_out, max(OH, 0), max(OW, 0)), dtype=object)
    for o in range(C_out):
        for i in range(OH):
            for j in range(OW):
                total = b[o] if b is not None else sp.Integer(0)
                window = Xp[:, sh * i:sh * i + kh, sw * j:sw * j + kw]
                Y[o, i, j] = total + sum((window * Kf[o]).flatten(), sp.Integer(0))
    return Y


def conv_checker(problem, answer) -> Checker:
    """How a student's answer to ``workedout conv`` is compared and diagnosed (see the module docstring)."""
    conv = _Conv(problem, answer)
    sizes = {k: _count(v) for k, v in answer.items() if isinstance(v, list)}
    OH, OW = answer["output_shape"][-2:]
    kh, kw = conv.kh, conv.kw
    C = conv.C
    Hp, Wp = problem.Xp.shape[1:]

    def subject(location: str) -> str:
        plain = location.removeprefix("exact.")
        whole = {"output": "the output grid", "output_shape": "the output size", "padded_input": "the padded input",
                 "kernel_used": "the kernel as applied", "im2col": "the im2col matrix",
                 "toeplitz": "the Toeplitz matrix", "operation": "the operation"}
        if plain in whole:
            return whole[plain]
        if (idx := _index(plain, "output")) is not None:
            if len(idx) == 3:
                return f"output channel {idx[0] + 1}, cell ({idx[1] + 1}, {idx[2] + 1})"
            if len(idx) == 2:
                return f"output cell ({idx[0] + 1}, {idx[1] + 1})"
        if (idx := _index(plain, "padded_input")) is not None:
            if len(idx) == 3:
                return f"padded input channel {idx[0] + 1}, cell ({idx[1] + 1}, {idx[2] + 1})"
            if len(idx) == 2:
                return f"padded input cell ({idx[0] + 1}, {idx[1] + 1})"
        if (idx := _index(plain, "kernel_used")) is not None and len(idx) >= 2:
            lead = ""
            if len(idx) == 4:
                lead = f"output channel {idx[0] + 1}, input channel {idx[1] + 1}, "
            elif len(idx) == 3:
                lead = f"input channel {idx[0] + 1}, "
            return f"kernel as applied, {lead}entry ({idx[-2] + 1}, {idx[-1] + 1})"
        if (idx := _index(plain, "im2col")) is not None and len(idx) == 2:
            r, col = idx
            c, rest = divmod(r, kh * kw)
            u, v = divmod(rest, kw)
            i, j = divmod(col, OW) if OW else (0, col)
            ch = f"channel {c + 1}, " if C > 1 else ""
            return (f"im2col entry ({r + 1}, {col + 1}): {ch}kernel entry ({u + 1}, {v + 1}) "
                    f"for output cell ({i + 1}, {j + 1})")
        if (idx := _index(plain, "toeplitz")) is not None and len(idx) == 2:
            r, q = idx
            o, rest = divmod(r, OH * OW) if OH * OW else (0, r)
            i, j = divmod(rest, OW) if OW else (0, rest)
            c, pix = divmod(q, Hp * Wp)
            a, b = divmod(pix, Wp)
            out = f"output channel {o + 1}, cell" if conv.C_out > 1 else "output cell"
            inp = f"padded input channel {c + 1}, cell" if C > 1 else "padded input cell"
            return f"Toeplitz entry ({r + 1}, {q + 1}): {out} ({i + 1}, {j + 1}), {inp} ({a + 1}, {b + 1})"
        return plain

    def weight(location: str) -> int:
        if location == "output_shape":
            return 1
        return sizes.get(location, 1)

    parts = {key: _grid_part(key, what) for key, what in (
        ("output", "the output"), ("padded_input", "the padded input"), ("kernel_used", "the kernel"),
        ("im2col", "the im2col matrix"), ("toeplitz", "the Toeplitz matrix"))}
    parts["output_shape"] = _shape_part("output_shape")
    return Checker(parts=parts, subject=subject, weight=weight, catalogue=CATALOGUE,
                   diagnose=lambda findings, result: _diagnose_conv(conv, findings))


def _diagnose_conv(conv: _Conv, f) -> None:
    """Errors carried forward from the student's own values, then the wrong rules that reproduce the roots."""
    given = f.given
    named: dict = {}
    # the set-up values: the kernel as applied and the padded input come from the givens alone
    for key in ("kernel_used", "padded_input"):
        if _wrong(f, key):
            named[key] = _recognise(conv, f, key)
    s_kernel = conv.student_kernel(given["kernel_used"]) if _wrong(f, "kernel_used") else None
    s_padded = conv.student_padded(given["padded_input"]) if _wrong(f, "padded_input") else None
    Kf = s_kernel if s_kernel is not None else conv.p.Kf
    Xp = s_padded if s_padded is not None else conv.p.Xp
    sh, sw = conv.p.stride
    kh, kw = Kf.shape[2:]
    # im2col from the student's padded input; Toeplitz from the student's kernel
    if _wrong(f, "im2col"):
        if s_padded is not None and Xp.shape[1] >= kh and Xp.shape[2] >= kw:
            OH, OW = (Xp.shape[1] - kh) // sh + 1, (Xp.shape[2] - kw) // sw + 1
            own = im2col_exact(Xp, kh, kw, sh, sw, OH, OW).tolist()
            _follow(f, "im2col", own, lambda idx: _first(f, "padded_input"))
        _recognise(conv, f, "im2col")
    if _wrong(f, "toeplitz"):
        if s_kernel is not None or s_padded is not None:
            OH, OW = (Xp.shape[1] - kh) // sh + 1, (Xp.shape[2] - kw) // sw + 1
            if OH > 0 and OW > 0:
                own = toeplitz_exact(Kf, Xp.shape[1], Xp.shape[2], sh, sw, OH, OW).tolist()
                _follow(f, "toeplitz", own, lambda idx: _first(f, "kernel_used") or _first(f, "padded_input"))
        _recognise(conv, f, "toeplitz")
    # the output from the student's own padded input and kernel, or from their im2col
    if _wrong(f, "output"):
        if (s_kernel is not None or s_padded is not None) and Xp.shape[1] >= kh and Xp.shape[2] >= kw \
                and Kf.shape[1] == Xp.shape[0]:
            Y = _correlate(Xp, Kf, conv.p.b, (sh, sw))
            own = Y.tolist() if conv.out_3d else Y[0].tolist()

            def source(idx):
                if s_kernel is not None and _first(f, "kernel_used"):
                    return _first(f, "kernel_used")
                return _window_root(f, conv, idx, kh, kw) or _first(f, "padded_input")
            _follow(f, "output", own, source)
        s_cols = _exact_array(given.get("im2col")) if _wrong(f, "im2col") else None
        if s_cols is not None and s_cols.ndim == 2 and _shape(given["im2col"]) == _shape(conv.answer["im2col"]):
            _follow_im2col(f, conv, s_cols, Kf if Kf.shape == conv.p.Kf.shape else conv.p.Kf)
        named["output"] = _recognise(conv, f, "output")
    # the output size: what the rules named on the grid give, else any rule that gives it
    if _wrong(f, "output_shape"):
        student = _read_shape(given["output_shape"])
        combos = [c for c in named.get("output") or [] if conv.value(c, "output_shape") == student]
        if not combos and student is not None:
            for n in (1, 2):
                combos = [c for c in conv.combos(n) if len(c) == n and conv.value(c, "output_shape") == student]
                if combos:
                    break
        if combos:
            _naming(f, combos, ["output_shape"], CATALOGUE,
                    "the size with " + " or with ".join(conv.words(c) for c in combos))
            if f.result is not None:  # the size is fixed by the output-size formula
                d = f.at("output_shape")
                d.step = f.result.step_number("size_rows")
                d.step_why = words_text(dict(f.result.numbered_steps())[d.step].why, f.result)
    # the operation named as the other one
    d = f.at("operation")
    if d is not None and given.get("operation") in ("convolution", "cross-correlation"):
        _naming(f, [("flip-missing" if conv.p.flip else "true-convolution",)], ["operation"], CATALOGUE, "")


def _first(f, key):
    ds = [d for d in _wrong(f, key) if d.cause == "root"] or _wrong(f, key)
    return ds[0].location if ds else None


def _window_root(f, conv, idx, kh, kw):
    """The first wrong padded-input cell in the window of output cell ``idx`` (a location), or None."""
    if f.at("padded_input") is not None:
        return "padded_input"
    i, j = idx[-2], idx[-1]
    sh, sw = conv.p.stride
    for d in _wrong(f, "padded_input"):
        pos = _index(d.location, "padded_input")
        if pos and sh * i <= pos[-2] < sh * i + kh and sw * j <= pos[-1] < sw * j + kw:
            return d.location
    return None


def _follow(f, key, own, source) -> None:
    """Mark the wrong values of ``key`` that equal ``own`` (recomputed from the student's values) as following."""
    given = f.given[key]
    whole = f.at(key)
    if whole is not None:
        if _shape(own) and _shape(own) == _shape(given) and \
                all(_agree(e, g) for (_, e), (_, g) in zip(_leaves(own), _leaves(given))):
            root = source(None) if source else None
            if root:
                f.follows(key, root)
        return
    if _shape(own) != _shape(given):
        return
    for d in _wrong(f, key):
        idx = _index(d.location, key)
        if idx is None or d.cause != "root":
            continue
        try:
            g = _get(given, idx)
            e = _get(own, idx)
        except (IndexError, TypeError):
            continue
        if _agree(e, g):
            root = source(idx)
            if root:
                f.follows(d.location, root)


def _follow_im2col(f, conv, P, Kf) -> None:
    """Output cells that equal the student's im2col column times the kernel row follow from that column."""
    given = f.given["output"]
    if f.at("output") is not None:
        return
    OW = conv.answer["output_shape"][-1]
    b = conv.p.b
    for d in _wrong(f, "output"):
        idx = _index(d.location, "output")
        if idx is None or d.cause != "root":
            continue
        o = idx[0] if len(idx) == 3 else 0
        col = idx[-2] * OW + idx[-1]
        value = (b[o] if b is not None else 0) + sum((a * w for a, w in zip(P[:, col], Kf[o].flatten())),
                                                     sp.Integer(0))
        if _agree(value, _get(given, idx)):
            roots = [e.location for e in _wrong(f, "im2col") if (_index(e.location, "im2col") or (0, -1))[1] == col]
            if roots:
                f.follows(d.location, roots[0])


def _recognise(conv: _Conv, f, key):
    """Name the smallest combinations of wrong rules that reproduce the student's root values of ``key``.

    A grid of another shape is compared as a whole with each rule's grid; a
    grid of the right shape cell by cell: a rule is named on the student's
    wrong cells when the student gives its value in every cell it changes,
    or (with a slip besides) in at least 2 and more than half of them.
    Returns the combinations named.
    """
    given = f.given.get(key)
    roots = [d for d in _wrong(f, key) if d.cause == "root"]
    if not roots or given is None:
        return []
    expected = conv.answer[key]
    whole = f.at(key)
    full, partial = [], []
    for size in (1, 2, 3):
        for combo in conv.combos(size):
            if len(combo) != size:
                continue
            value = conv.value(combo, key)
            if value is None:
                continue
            if whole is not None and whole.cause == "root":
                if _shape(value) != _shape(given):
                    continue
                pairs = list(zip(_leaves(value), _leaves(given)))
                hits = sum(_agree(e, g) for (_, e), (_, g) in pairs)
                if hits == len(pairs):
                    full.append(combo)
                elif size <= 2 and hits >= 2 and hits * 2 > len(pairs):
                    partial.append((combo, [key], hits, len(pairs)))
                continue
            if _shape(value) != _shape(expected):
                continue
            changed = {loc for loc, e in _leaves(value, key) if e != _get(expected, _index(loc, key))}
            if not changed:
                continue
            hits = [d.location for d in roots if d.location in changed
                    and _agree(_get(value, _index(d.location, key)), _get(given, _index(d.location, key)))]
            agree_all = len(hits) == len(changed) and all(
                not _agree(_get(expected, _index(loc, key)), _get(given, _index(loc, key))) for loc in changed)
            if agree_all and all(d.location in changed for d in roots):
                full.append(combo)
            elif size <= 2 and len(hits) >= 2 and len(hits) * 2 > len(changed):
                partial.append((combo, hits, len(hits), len(changed)))
        if full:
            break
    what = {"output": "output grid", "padded_input": "padded input", "kernel_used": "kernel",
            "im2col": "im2col matrix", "toeplitz": "Toeplitz matrix"}[key]
    if full:
        locations = [whole.location] if whole is not None else [d.location for d in roots]
        reason = f"the whole {what} equals the one computed with " + " or with ".join(conv.words(c) for c in full)
        _naming(f, full, locations, CATALOGUE, reason)
        return full
    if partial:
        best = max(p[2] for p in partial)
        chosen = [p for p in partial if p[2] == best]
        smallest = min(len(p[0]) for p in chosen)
        chosen = [p for p in chosen if len(p[0]) == smallest]
        by_cells: dict = {}  # combinations that explain the same cells are alternatives: named together
        for combo, hits, n, total in chosen:
            by_cells.setdefault((tuple(hits), n, total), []).append(combo)
        for (hits, n, total), combos in by_cells.items():
            rule = ("that rule changes" if len(combos) == 1 and len(combos[0]) == 1 else
                    "each of them changes" if all(len(c) == 1 for c in combos) else "those rules change")
            reason = ("equals the value computed with " + " or with ".join(conv.words(c) for c in combos)
                      + f" (as {n} of the {total} {'cells' if whole is None else 'values'} {rule} do)")
            _naming(f, combos, list(hits), CATALOGUE, reason)
        return [p[0] for p in chosen]
    return []


# ---------------------------------------------------------------- backprop
def backprop_checker(X, K, G, answer) -> Checker:
    """How a student's answer to ``workedout conv --backprop`` is compared and diagnosed."""
    from ._layers import RELU_Z
    sizes = {k: _count(v) for k, v in answer.items() if isinstance(v, list)}

    def subject(location: str) -> str:
        plain = location.removeprefix("exact.")
        whole = {"grad_weight": "dL/dW", "grad_input": "dL/dX", "grad_bias": "dL/db",
                 "relu_grad": "the ReLU gradient", "maxpool_output": "the max-pool output",
                 "maxpool_grad": "the max-pool gradient", "softmax": "the softmax",
                 "cross_entropy": "the cross-entropy loss L", "cross_entropy_grad": "dL/dz (softmax cross-entropy)",
                 "adam_m": "Adam's m_1", "adam_v": "Adam's v_1", "adam_param": "Adam's theta_1"}
        if plain in whole:
            return whole[plain]
        for key, name in (("grad_weight", "dL/dW"), ("grad_input", "dL/dX"), ("maxpool_output", "max-pool output"),
                          ("maxpool_grad", "max-pool gradient dL/dX")):
            if (idx := _index(plain, key)) is not None and len(idx) == 2:
                return f"{name} cell ({idx[0] + 1}, {idx[1] + 1})"
        if (idx := _index(plain, "relu_grad")) is not None and len(idx) == 1 and idx[0] < len(RELU_Z):
            return f"ReLU gradient dL/dz at z = {RELU_Z[idx[0]]} (entry {idx[0] + 1})"
        if (idx := _index(plain, "softmax")) is not None and len(idx) == 1:
            return f"softmax p_{idx[0] + 1}"
        if (idx := _index(plain, "cross_entropy_grad")) is not None and len(idx) == 1:
            return f"dL/dz_{idx[0] + 1}"
        return plain

    def weight(location: str) -> int:
        return sizes.get(location, 1) if location in ("grad_weight", "grad_input", "maxpool_output",
                                                       "maxpool_grad") else 1

    parts = {key: _grid_part(key, what) for key, what in (
        ("grad_weight", "dL/dW"), ("grad_input", "dL/dX"), ("maxpool_output", "the max-pool output"),
        ("maxpool_grad", "the max-pool gradient"))}
    return Checker(parts=parts, subject=subject, weight=weight, catalogue=BACKPROP_CATALOGUE,
                   diagnose=lambda findings, result: _diagnose_backprop(X, K, G, answer, findings))


def _diagnose_backprop(X, K, G, answer, f) -> None:
    from ._layers import ADAM, MAXPOOL_INPUT, RELU_G, RELU_Z, SOFTMAX_LABEL
    given = f.given
    # dL/dX with the kernel unrotated (from the givens)
    if _wrong(f, "grad_input"):
        kh, kw = K.shape
        Gp = _pad(np.array(G, dtype=object)[None], kh - 1, kh - 1, kw - 1, kw - 1)
        wrong = _correlate(Gp, np.array(K, dtype=object)[None, None], None, (1, 1))[0].tolist()
        _recognise_simple(f, "grad_input", wrong, "dx-kernel-not-rotated", "the kernel not rotated")
    # ReLU with the derivative 1 at 0
    if _wrong(f, "relu_grad"):
        wrong = [g if z >= 0 else 0 for z, g in zip(RELU_Z, RELU_G)]
        _recognise_simple(f, "relu_grad", wrong, "relu-at-zero", "the derivative 1 at z = 0")
    # max-pooling: the gradient to the first position of the student's own maximum
    if _wrong(f, "maxpool_grad") and f.at("maxpool_grad") is None:
        pooled = _exact_array(given.get("maxpool_output")) if _wrong(f, "maxpool_output") else None
        if pooled is not None and pooled.shape == (2, 2):
            own = _maxpool_grad(MAXPOOL_INPUT, pooled)
            for d in _wrong(f, "maxpool_grad"):
                idx = _index(d.location, "maxpool_grad")
                if idx and d.cause == "root" and _agree(own[idx[0]][idx[1]], _get(given["maxpool_grad"], idx)):
                    root = f.at(f"maxpool_output[{idx[0] // 2}][{idx[1] // 2}]")
                    if root is not None:
                        f.follows(d.location, root.location)
    # softmax cross-entropy from the student's softmax
    p = [_exact(v) for v in given.get("softmax", [])] if isinstance(given.get("softmax"), list) else []
    if len(p) != len(answer["softmax"]) or any(v is None for v in p):
        p = None
    if p is not None and _wrong(f, "softmax"):
        y = SOFTMAX_LABEL
        d = f.at("cross_entropy")
        if d is not None and p[y] > 0 and _agree(-sp.log(p[y]), given["cross_entropy"]):
            root = f.at(f"softmax[{y}]")
            if root is not None:
                f.follows("cross_entropy", root.location)
        for k, v in enumerate(p):
            d = f.at(f"cross_entropy_grad[{k}]")
            if d is not None and _agree(v - (1 if k == y else 0), given["cross_entropy_grad"][k]):
                root = f.at(f"softmax[{k}]")
                if root is not None:
                    f.follows(d.location, root.location)
    if _wrong(f, "cross_entropy_grad"):
        probs = p if p is not None else list(answer["softmax"])
        wrong = [(1 if k == SOFTMAX_LABEL else 0) - v for k, v in enumerate(probs)]
        _recognise_simple(f, "cross_entropy_grad", wrong, "softmax-grad-sign", "one-hot minus softmax",
                          every=True)
    # Adam's step from the student's moments
    if f.at("adam_param") is not None:
        m = _exact(given.get("adam_m")) if f.at("adam_m") is not None else ADAM["m1"]
        v = _exact(given.get("adam_v")) if f.at("adam_v") is not None else ADAM["v1"]
        theta0, lr, b1, b2, eps = ADAM["theta0"], ADAM["lr"], ADAM["b1"], ADAM["b2"], ADAM["eps"]
        d = f.at("adam_param")
        if m is not None and v is not None and v >= 0:
            own = theta0 - lr * (m / (1 - b1)) / (sp.sqrt(v / (1 - b2)) + eps)
            if (f.at("adam_m") or f.at("adam_v")) and _agree(own, given["adam_param"]):
                f.follows("adam_param", (f.at("adam_m") or f.at("adam_v")).location)
            if d.cause == "root":
                wrong = theta0 - lr * m / (sp.sqrt(v) + eps)
                if _agree(wrong, given["adam_param"]):
                    _naming(f, [("adam-no-bias-correction",)], ["adam_param"], BACKPROP_CATALOGUE,
                            "equals the step with the uncorrected moments")


def _recognise_simple(f, key, wrong, mid, words, every=False):
    """Name ``mid`` on the root values of ``key`` when the student gives the wrong rule's value in every
    value it changes (or, with a slip besides, in at least 2 and more than half of them)."""
    given = f.given.get(key)
    expected = f.result.answer[key] if f.result is not None else None
    roots = [d for d in _wrong(f, key) if d.cause == "root"]
    if not roots or given is None or expected is None:
        return
    whole = f.at(key)
    if whole is not None:
        if _shape(wrong) == _shape(given) and all(_agree(e, g) for (_, e), (_, g) in zip(_leaves(wrong),
                                                                                         _leaves(given))):
            _naming(f, [(mid,)], [key], BACKPROP_CATALOGUE, f"the whole value equals the one with {words}")
        return
    changed = [loc for loc, e in _leaves(wrong, key) if sp.sympify(e) != sp.sympify(_get(expected, _index(loc, key)))]
    hits = [d.location for d in roots if d.location in changed
            and _agree(_get(wrong, _index(d.location, key)), _get(given, _index(d.location, key)))]
    if changed and (len(hits) == len(changed) or (not every and len(hits) >= 2 and len(hits) * 2 > len(changed))):
        _naming(f, [(mid,)], hits, BACKPROP_CATALOGUE, f"equals the value with {words}")


def _maxpool_grad(Xv, pooled, Gv=((1, 2), (3, 4))):
    """The 2x2 max-pool gradient with each window's gradient at the first position of the given maximum."""
    dX = [[sp.Integer(0)] * 4 for _ in range(4)]
    for i in range(2):
        for j in range(2):
            window = [(2 * i + u, 2 * j + v) for u in range(2) for v in range(2)]
            target = next((p for p in window if Xv[p[0]][p[1]] == pooled[i, j]), None)
            if target is None:
                best = max(Xv[r][c] for r, c in window)
                target = next(p for p in window if Xv[p[0]][p[1]] == best)
            dX[target[0]][target[1]] += Gv[i][j]
    return dX

