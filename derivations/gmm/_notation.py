r"""The notation of the GMM derivations: symbols, and how they print.

Scalar statements are real SymPy objects (``Sum`` over ``Indexed``) printed
the way a lecture note writes them: :math:`\gamma_{ik}` rather than SymPy's
``{\gamma}_{i,k}``, :math:`x_i - \mu_k` rather than :math:`-\mu_k + x_i`,
the responsibility first in a product, :math:`\sigma^2_k` for the variance.
Vector and matrix statements (general :math:`n, d, K`) are the project's
own LaTeX, built from the macros below, each checked on explicit instances.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

from ..markup import Tex
from ..model import InlineMath

__all__ = ["i", "j", "k", "l", "n", "d", "K", "x", "gamma", "mu", "var", "pi_", "N_", "lam",
           "latex", "show", "join_math", "plain", "tex", "cell", "decimal",
           "TRANSPOSE", "X_I", "MU_K", "SIGMA_K", "SIGMA_K_INV", "DEVIATION", "QUADRATIC_FORM", "GAMMA_IK",
           "SUM_I", "SUM_K", "NORMAL_K", "NORMAL_L", "SCATTER_K", "THETA"]

# indices: i a data point, k a component, l another component, j a coordinate
i, j, k, l = sp.symbols("i j k l", integer=True, positive=True)
n, d, K = sp.symbols("n d K", integer=True, positive=True)
x = sp.IndexedBase("x", real=True)            # x[i] (1-D) or x[i, j] (coordinate j)
gamma = sp.IndexedBase("gamma", positive=True)  # gamma[i, k]
mu = sp.IndexedBase("mu", real=True)          # mu[k] or mu[k, j]
var = sp.IndexedBase("sigma2", positive=True)  # sigma2[k] or sigma2[k, j]: a variance
pi_ = sp.IndexedBase("pi", positive=True)     # pi[k]
N_ = sp.IndexedBase("N", positive=True)       # N[k] = sum_i gamma[i, k]
lam = sp.Symbol("lambda", real=True)

# The vector and matrix statements of the derivation (general n, d, K) are the project's own
# LaTeX; these are their recurring pieces.
TRANSPOSE = r"^{\mathsf T}"
X_I = r"\boldsymbol{x}_i"
MU_K = r"\boldsymbol{\mu}_k"
SIGMA_K = r"\boldsymbol{\Sigma}_k"
SIGMA_K_INV = r"\boldsymbol{\Sigma}_k^{-1}"
DEVIATION = r"(\boldsymbol{x}_i - \boldsymbol{\mu}_k)"
QUADRATIC_FORM = DEVIATION + TRANSPOSE + SIGMA_K_INV + DEVIATION   # (x_i - mu_k)^T Sigma_k^{-1} (x_i - mu_k)
GAMMA_IK = r"\gamma_{ik}"
SUM_I = r"\sum_{i=1}^{n}"
SUM_K = r"\sum_{k=1}^{K}"
NORMAL_K = r"\mathcal{N}(\boldsymbol{x}_i \mid \boldsymbol{\mu}_k, \boldsymbol{\Sigma}_k)"
NORMAL_L = r"\mathcal{N}(\boldsymbol{x}_i \mid \boldsymbol{\mu}_l, \boldsymbol{\Sigma}_l)"
SCATTER_K = r"\boldsymbol{S}_k"   # the responsibility-weighted scatter of component k
THETA = r"\boldsymbol{\theta}"

_TEX_NAMES = {"gamma": r"\gamma", "mu": r"\mu", "pi": r"\pi", "lambda": r"\lambda", "epsilon": r"\varepsilon",
              "delta": r"\delta"}
_RANK = {"gamma": 0, "r": 0}  # responsibilities first in a product


def _term_key(t):
    """Positive terms first; among the rest, constants before terms in the data x."""
    has_x = any(isinstance(a, sp.Indexed) and str(a.base.label) == "x" for a in sp.preorder_traversal(t))
    return (t.could_extract_minus_sign(), has_x, len(t.free_symbols))


def _factor_rank(f) -> int:
    if f.is_Number:
        return -1
    if isinstance(f, sp.Indexed):
        return _RANK.get(str(f.base.label), 2)
    if isinstance(f, sp.Symbol):
        return 2
    if isinstance(f, sp.Pow):
        return 3
    if isinstance(f, sp.Function):
        return 4
    if isinstance(f, sp.Add):
        return 5
    if isinstance(f, sp.Sum):
        return 7
    return 6


class _Tex(LatexPrinter):
    """SymPy's LaTeX printer in the notation of the lecture notes."""

    def __init__(self):
        super().__init__({"ln_notation": True})

    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        parts = [self._print(ix) for ix in expr.indices]
        idx = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
        if name == "sigma2":
            return r"\sigma^{2}_{%s}" % idx
        return "%s_{%s}" % (_TEX_NAMES.get(name, name), idx)

    def _print_Symbol(self, expr, style="plain"):
        name = expr.name
        if name in _TEX_NAMES:
            return _TEX_NAMES[name]
        return super()._print_Symbol(expr)

    def _print_Pow(self, expr):
        base, e = expr.base, expr.exp
        if isinstance(base, sp.Indexed) and str(base.base.label) == "sigma2" and e.is_Integer and e > 0:
            idx = self._print_Indexed(base).split("_", 1)[1]
            return r"\sigma^{%d}_%s" % (2 * int(e), idx)
        if isinstance(base, sp.Indexed) and e.is_Integer and e > 0:
            return r"%s^{%s}" % (self._print(base), self._print(e))
        return super()._print_Pow(expr)

    def _as_ordered_terms(self, expr, order=None):
        return sorted(super()._as_ordered_terms(expr, order=order), key=_term_key)

    def _print_log(self, expr, exp=None):
        arg = expr.args[0]
        body = self._print(arg)
        if not (arg.is_Atom or isinstance(arg, sp.Indexed)) or exp is not None:
            body = r"\left(%s\right)" % body
        tex = r"\ln %s" % body
        return tex if exp is None else r"\ln^{%s} %s" % (exp, body)

    def _factors(self, factors, integer: int) -> str:
        out = [] if integer == 1 else [str(integer)]
        ordered = sorted(factors, key=_factor_rank)
        for pos, f in enumerate(ordered):
            s = self._print(f)
            if isinstance(f, sp.Add) or (isinstance(f, sp.Sum) and pos < len(ordered) - 1):
                s = r"\left(%s\right)" % s
            out.append(s)
        return " ".join(out)

    def _print_Mul(self, expr):
        if not expr.is_commutative:
            return super()._print_Mul(expr)
        coeff, factors = expr.as_coeff_mul()
        sign = ""
        if coeff.is_negative:
            sign, coeff = "- ", -coeff
        if not coeff.is_Rational:
            return super()._print_Mul(expr)
        num = [f for f in factors if not (f.is_Pow and f.exp.is_Rational and f.exp.is_negative)]
        den = [f.base ** (-f.exp) for f in factors if f.is_Pow and f.exp.is_Rational and f.exp.is_negative]
        p, q = int(coeff.p), int(coeff.q)
        if den and any(isinstance(f, sp.Sum) or (isinstance(f, sp.Add) and f.has(sp.Sum)) for f in num):
            # a factor pulled out of a sum is written in front of it: (1/N_k) sum_i ...
            sums = [f for f in num if isinstance(f, (sp.Sum, sp.Add))]
            rest = [f for f in num if not isinstance(f, (sp.Sum, sp.Add))]
            return sign + r"\frac{%s}{%s} %s" % (self._factors(rest, p) or "1", self._factors(den, q),
                                                 self._factors(sums, 1))
        if not den:
            body = self._factors(num, 1)
            if q == 1:
                head = "" if p == 1 else str(p)
                return sign + (f"{head} {body}".strip() if body else (head or "1"))
            return sign + r"\frac{%d}{%d} %s" % (p, q, body)
        return sign + r"\frac{%s}{%s}" % (self._factors(num, p) or "1", self._factors(den, q))

    def _print_Sum(self, expr):
        limits = expr.limits
        tex = "".join(r"\sum_{%s=%s}^{%s} " % tuple(self._print(v) for v in lim) for lim in reversed(limits))
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = r"\left(%s\right)" % body
        return tex + body


_TEX = _Tex()


def latex(expr) -> str:
    """LaTeX of a SymPy object in the notes' notation."""
    if isinstance(expr, sp.Eq):
        return f"{_TEX.doprint(expr.lhs)} = {_TEX.doprint(expr.rhs)}"
    return _TEX.doprint(expr)


def show(expr) -> InlineMath:
    """A SymPy object as a statement part, printed in the notes' notation (text: its LaTeX made plain)."""
    src = latex(expr)
    return InlineMath(Tex(src), plain(src))


def join_math(*parts) -> InlineMath:
    """Concatenate LaTeX and SymPy parts into one InlineMath: strings are LaTeX, tuples (tex, text)."""
    ts, xs = [], []
    for p in parts:
        if isinstance(p, InlineMath):
            ts.append(p.tex)
            xs.append(p.text)
        elif isinstance(p, sp.Basic):
            ts.append(latex(p))
            xs.append(plain(latex(p)))
        elif isinstance(p, tuple):
            ts.append(p[0])
            xs.append(p[1])
        else:
            raise TypeError(f"join_math: unsupported part {p!r}")
    return InlineMath(Tex("".join(ts)), "".join(xs))


# ------------------------------------------------------------ LaTeX -> text
_PLAIN_COMMANDS = {
    r"\gamma": "γ", r"\mu": "μ", r"\Sigma": "Σ", r"\sigma": "σ", r"\pi": "π", r"\lambda": "λ",
    r"\varepsilon": "ε", r"\epsilon": "ε", r"\theta": "θ", r"\Delta": "Δ", r"\delta": "δ", r"\ell": "ℓ",
    r"\partial": "∂", r"\sum": "∑", r"\prod": "∏", r"\ln": "ln ", r"\exp": "exp", r"\lim": "lim",
    r"\iff": "⇔", r"\implies": "⇒", r"\to": "→", r"\le": "≤", r"\ge": "≥", r"\succ": "≻", r"\prec": "≺",
    r"\mid": "|", r"\cdot": "·", r"\infty": "∞", r"\in": "∈", r"\neq": "≠", r"\ne": "≠", r"\approx": "≈",
    r"\quad": "   ", r"\qquad": "     ", r"\,": " ", r"\;": " ", r"\!": "", r"\ ": " ", r"\|": "‖",
    r"\{": "{", r"\}": "}", r"\left": "", r"\right": "", r"\bigl": "", r"\bigr": "", r"\Bigl": "",
    r"\Bigr": "", r"\biggl": "", r"\biggr": "", r"\big": "", r"\Big": "", r"\tfrac": r"\frac",
    r"\dfrac": r"\frac", r"\textstyle": "", r"\displaystyle": "", r"\min": "min", r"\max": "max",
    r"\arg": "arg", r"\det": "det", r"\ldots": "...", r"\dots": "...", r"\cdots": "...", r"\times": "×",
    r"\propto": "∝", r"\forall": "for all", r"\equiv": "≡", r"\operatorname": "", r"\setminus": "∖", r"\top": "ᵀ", r"\circ": "∘", r"\otimes": "⊗",
}
_SUPERSCRIPTS = {"2": "²", "3": "³", "4": "⁴", "-1": "⁻¹", r"\mathsf T": "ᵀ", r"\mathrm T": "ᵀ", "T": "ᵀ",
                 r"\mathsf{T}": "ᵀ"}


def _braced(s: str, pos: int) -> tuple[str, int]:
    """The content of the brace group starting at s[pos] == '{' and the index after it."""
    depth = 0
    for q in range(pos, len(s)):
        if s[q] == "{":
            depth += 1
        elif s[q] == "}":
            depth -= 1
            if depth == 0:
                return s[pos + 1:q], q + 1
    return s[pos + 1:], len(s)


def _arg(s: str, pos: int) -> tuple[str, int]:
    while pos < len(s) and s[pos] == " ":
        pos += 1
    if pos < len(s) and s[pos] == "{":
        return _braced(s, pos)
    if pos < len(s) and s[pos] == "\\":
        q = pos + 1
        while q < len(s) and s[q].isalpha():
            q += 1
        return s[pos:q], q
    return s[pos:pos + 1], pos + 1


def plain(src: str) -> str:
    """A readable Unicode text twin of the project's own LaTeX (for the terminal)."""
    out, pos = [], 0
    while pos < len(src):
        ch = src[pos]
        if ch == "\\":
            q = pos + 1
            while q < len(src) and src[q].isalpha():
                q += 1
            if q == pos + 1:
                q += 1
            cmd = src[pos:q]
            if cmd in (r"\sum", r"\prod"):
                head = _PLAIN_COMMANDS[cmd]
                while q < len(src) and src[q] in "_^ ":
                    if src[q] == " ":
                        q += 1
                        continue
                    mark = src[q]
                    a, q = _arg(src, q + 1)
                    head += mark + "{" + plain(a) + "}"
                out.append(head + " ")
            elif cmd in (r"\frac", r"\tfrac", r"\dfrac"):
                a, q = _arg(src, q)
                b, q = _arg(src, q)
                pa, pb = plain(a), plain(b)
                wrap = lambda t: t if len(t) <= 2 or t.replace("_", "").isalnum() else f"({t})"
                out.append(f"{wrap(pa)}/{wrap(pb)} ")
            elif cmd == r"\sqrt":
                a, q = _arg(src, q)
                out.append(f"√({plain(a)})")
            elif cmd in (r"\boldsymbol", r"\mathbf", r"\mathrm", r"\mathsf", r"\mathcal", r"\operatorname",
                         r"\text", r"\textnormal", r"\mathit", r"\hat", r"\bar"):
                a, q = _arg(src, q)
                out.append(plain(a) if cmd != r"\text" else a)
            elif cmd == r"\mathbb":
                a, q = _arg(src, q)
                out.append({"R": "ℝ", "E": "𝔼", "N": "ℕ", "Z": "ℤ"}.get(a, a))
            elif cmd in (r"\begin", r"\end"):
                _, q = _arg(src, q)
                out.append("{ " if cmd == r"\begin" else " }")
            elif cmd == "\\\\":
                out.append("; ")
            elif cmd in (r"\tag", r"\label", r"\notag"):
                if cmd != r"\notag":
                    _, q = _arg(src, q)
            else:
                out.append(_PLAIN_COMMANDS.get(cmd, cmd.lstrip("\\")))
            pos = q
        elif ch in "^_":
            a, q = _arg(src, pos + 1)
            if ch == "^" and a.strip() in _SUPERSCRIPTS:
                out.append(_SUPERSCRIPTS[a.strip()])
            else:
                pa = plain(a)
                out.append(ch + (pa if len(pa) == 1 or pa.replace(",", "").isalnum() else "{" + pa + "}"))
            pos = q
        elif ch in "{}&":
            pos += 1
        else:
            out.append(ch)
            pos += 1
    text = " ".join("".join(out).split()).replace("( ", "(").replace(" )", ")").replace("∂ ", "∂")
    return text.replace(" ,", ",").replace(" ᵀ", "ᵀ")


def tex(tex_src: str) -> InlineMath:
    """The project's own LaTeX, with its text twin made by :func:`plain`."""
    return InlineMath(Tex(tex_src), plain(tex_src))


_STRUT = r"\rule[-2.6ex]{0pt}{6.6ex}"


def cell(content) -> InlineMath:
    """A table cell in display style with room above and below (LaTeX); the text twin unchanged."""
    if isinstance(content, sp.Basic):
        content = show(content)
    if isinstance(content, str):
        content = tex(content)
    return InlineMath(Tex(r"\displaystyle " + content.tex + _STRUT), content.text)


def decimal(value: float, digits: int = 6) -> InlineMath:
    """A decimal to ``digits`` significant digits, 1.2 \times 10^{-7} style in LaTeX."""
    s = f"{value:.{digits}g}"
    if "e" in s:
        mant, ex = s.split("e")
        return InlineMath(Tex(r"%s \times 10^{%d}" % (mant, int(ex))), s)
    return InlineMath(Tex(s), s)
