"""Exercises of one convolution by hand: a small integer input, a 2x2 or 3x3 kernel, stride and padding.

Every variant of a level has the same input side, kernel side, stride and
padding (so the same output size and the same number of steps); the numbers
are small integers, so every output cell is an integer a student sums by
hand. The input side is the smallest in the level's range for which the
stride divides ``n + 2p - k`` (every window fits exactly).
"""
from __future__ import annotations

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "ConvGenerator"]

# level -> (input sides to choose from, kernel side, input values, kernel values)
_LEVELS = {
    "easy": ((5, 6, 7), 2, (0, 3), (-1, 1)),
    "exam": ((6, 7, 5), 3, (0, 4), (-1, 2)),
    "hard": ((7, 6, 5), 3, (-3, 4), (-2, 2)),
}


def _side(level: str, stride: int, padding: int) -> int:
    sides, k = _LEVELS[level][:2]
    for n in sides:
        if (n + 2 * padding - k) % stride == 0 and n + 2 * padding >= k:
            return n
    raise ValueError(f"stride: {stride} with padding {padding} fits no input side of 5 to 7 at level {level}")


class ConvGenerator(Generator):
    name = "conv"
    answer_keys = ("output_shape", "output")
    title = "a convolution by hand"
    properties = {
        "integer-outputs": "every output cell is an integer (integer input, kernel and bias)",
        "padding-used": "zero padding is part of the exercise (padding >= 1): some windows overlap the border",
        "negative-weights": "the kernel has negative and positive weights, so the output has cancellations",
    }
    level_sizes = {level: {"input": f"{spec[0][0]}x{spec[0][0]} (stride 1, no padding; 5x5 to 7x7 as the stride "
                                     "and padding need)", "kernel": f"{spec[1]}x{spec[1]}"}
                   for level, spec in _LEVELS.items()}

    def add_options(self, parser) -> None:
        from ..commands.base import integer
        parser.add_argument("--stride", type=integer(minimum=1), default=1, metavar="S", help="stride (default 1)")
        parser.add_argument("--padding", type=integer(minimum=0), default=0, metavar="P",
                            help="zeros added on each side (default 0)")

    def options(self, args) -> dict:
        return {"stride": args.stride, "padding": args.padding}

    def draw(self, rng: Rng, level: str, stride: int = 1, padding: int = 0) -> Draft | None:
        for what, value, low in (("stride", stride, 1), ("padding", padding, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{what}: expected a whole number >= {low}, got {value!r}")
        if stride > 3 or padding > 2:
            raise ValueError(f"stride, padding: at most 3 and 2 for a hand-sized exercise, got {stride} and {padding}")
        n = _side(level, stride, padding)
        _, k, (lo, hi), (klo, khi) = _LEVELS[level]
        X = [[rng.integer(lo, hi) for _ in range(n)] for _ in range(n)]
        W = [[rng.integer(klo, khi) for _ in range(k)] for _ in range(k)]
        flat = [w for row in W for w in row]
        if not (any(w < 0 for w in flat) and any(w > 0 for w in flat)) or sum(w == 0 for w in flat) > k:
            return None  # a kernel worth working: both signs, mostly non-zero
        bias = rng.integer(-1, 1)
        out = (n + 2 * padding - k) // stride + 1
        properties = ["integer-outputs", "negative-weights"] + (["padding-used"] if padding else [])
        givens = {"input": [[str(v) for v in row] for row in X], "kernel": [[str(w) for w in row] for row in W],
                  "bias": str(bias), "stride": str(stride), "padding": str(padding)}
        sizes = {"input": [n, n], "kernel": [k, k], "stride": stride, "padding": padding, "output": [out, out]}
        return Draft(givens, tuple(sorted(properties)), sizes)

    def solve(self, givens: dict):
        from ..convolution import convolve
        return convolve(givens["input"], givens["kernel"], bias=[givens["bias"]], stride=int(givens["stride"]),
                        padding=int(givens["padding"]))

    def command(self, givens: dict, paths: dict) -> list[str]:
        def bracketed(m):
            return "[" + ",".join("[" + ",".join(row) + "]" for row in m) + "]"
        return ["workedout", "conv", "--input", bracketed(givens["input"]), "--kernel", bracketed(givens["kernel"]),
                "--bias", givens["bias"], "--stride", givens["stride"], "--padding", givens["padding"]]

    def question(self, draft: Draft) -> tuple[str, list]:
        import sympy as sp
        g = draft.givens
        n, k = draft.sizes["input"][0], draft.sizes["kernel"][0]
        padding = "no padding" if g["padding"] == "0" else f"zero padding {g['padding']} on each side"
        text = (f"Compute the cross-correlation (the convolution of deep learning: the kernel is not flipped) of "
                f"the {n}x{n} input X with the {k}x{k} kernel W, stride {g['stride']}, {padding}, and bias "
                f"b = {g['bias']}. Give the output size and every output cell.")
        X = sp.Matrix([[sp.Integer(v) for v in row] for row in g["input"]])
        W = sp.Matrix([[sp.Integer(v) for v in row] for row in g["kernel"]])
        from ..model import Step
        return text, [Step(sp.Eq(sp.Symbol("X"), X, evaluate=False), why=f"The input ({n}x{n})."),
                      Step(sp.Eq(sp.Symbol("W"), W, evaluate=False), why=f"The kernel ({k}x{k}).")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        parts = [QuizPart("output rows", key["output_shape"][0], "output_shape[0]"),
                 QuizPart("output columns", key["output_shape"][1], "output_shape[1]")]
        for i, row in enumerate(key["output"]):
            for j, v in enumerate(row):
                parts.append(QuizPart(f"output cell ({i + 1}, {j + 1})", v, f"output[{i}][{j}]"))
        return parts


GENERATOR = ConvGenerator()
