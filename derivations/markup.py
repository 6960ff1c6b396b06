"""The one place where text meets markup: LaTeX and Markdown escaping.

Two kinds of string reach a LaTeX document:

* the project's own markup (``\\frac{a}{b}``, environments, SymPy's printer
  output), wrapped in :class:`Tex` to say "trusted, pass through";
* everything a user typed (titles, item names, sequence names), which goes
  through :func:`escape_latex`, one character at a time, and comes out as
  literal text: the ten LaTeX specials, ``< > |``, the ligature-forming
  characters, and non-ASCII letters are mapped to commands that typeset
  them; a character with no safe mapping is refused with a clear error.

Markdown gets :func:`escape_markdown` (outside maths) and
:func:`escape_mathjax_text` (user text inside ``\\text{...}`` of display
maths, which MathJax and KaTeX read differently from LaTeX).

User identifiers that become SymPy symbols go through
:func:`safe_identifier` first (SymPy prints symbol names verbatim into LaTeX).
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["Tex", "escape_latex", "escape_markdown", "escape_mathjax_text", "safe_identifier", "as_tex"]


class Tex(str):
    """Trusted LaTeX markup written by the project (never user text)."""

    __slots__ = ()

    def __add__(self, other):  # keep the type when trusted parts are joined
        if isinstance(other, Tex):
            return Tex(str.__add__(self, other))
        return NotImplemented


# The ten specials, < > | (OT1 prints them as other glyphs), and characters
# that form ligatures in text fonts (-- ---, `` '', ?` !`).
_LATEX_ASCII = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "%": r"\%",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "-": r"-{}",
    "`": r"`{}",
    "'": r"'{}",
    '"': r"{\ttfamily\char34}",
    "?": r"?{}",
    "!": r"!{}",
    "\t": " ",
}

# Combining marks (after NFD decomposition) and the text accent for each.
_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
    "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H",
    "\u030c": "v", "\u0327": "c", "\u0328": "k",
}

# Letters and symbols with no decomposition. Only glyphs of the OT1, OML and
# OMS encodings (Type 1 Computer Modern, in texlive-base): without cm-super,
# T1 and TS1 (textcomp) glyphs would be bitmaps or missing.
_LATEX_SPECIAL_LETTERS = {
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}",
    "œ": r"\oe{}", "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}",
    "¿": r"\textquestiondown{}", "¡": r"\textexclamdown{}",
    "£": r"\pounds{}", "©": r"\textcopyright{}",
    "°": r"\ensuremath{^\circ}", "µ": r"\ensuremath{\mu}", "§": r"\S{}", "¶": r"\P{}",
    "×": r"\ensuremath{\times}", "÷": r"\ensuremath{\div}", "±": r"\ensuremath{\pm}",
    "–": r"\textendash{}", "—": r"\textemdash{}", "…": r"\dots{}",
    "‘": r"\textquoteleft{}", "’": r"\textquoteright{}",
    "“": r"\textquotedblleft{}", "”": r"\textquotedblright{}",
    "\u00a0": "~", "·": r"\ensuremath{\cdot}", "•": r"\textbullet{}",
    "≈": r"\ensuremath{\approx}", "≤": r"\ensuremath{\le}", "≥": r"\ensuremath{\ge}",
    "≠": r"\ensuremath{\ne}", "→": r"\ensuremath{\to}", "←": r"\ensuremath{\leftarrow}",
    "∞": r"\ensuremath{\infty}", "−": r"\ensuremath{-}",
    "∪": r"\ensuremath{\cup}", "∩": r"\ensuremath{\cap}", "∅": r"\ensuremath{\emptyset}",
    "⇒": r"\ensuremath{\Rightarrow}", "∈": r"\ensuremath{\in}", "⊆": r"\ensuremath{\subseteq}",
    "✓": r"\ensuremath{\checkmark}",
}

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}


def _latex_char(ch: str, pos: int, what: str) -> str:
    if ch in _LATEX_ASCII:
        return _LATEX_ASCII[ch]
    if " " <= ch <= "~":
        return ch
    if ch in _LATEX_SPECIAL_LETTERS:
        return _LATEX_SPECIAL_LETTERS[ch]
    if ch in _GREEK:
        return r"\ensuremath{\%s}" % _GREEK[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if marks and " " <= base <= "~" and base.isalpha() and all(m in _ACCENTS for m in marks):
        out = {"i": r"\i{}", "j": r"\j{}"}.get(base, base) if marks[0] not in "\u0327\u0328" else base
        for mark in marks:
            out = "\\%s{%s}" % (_ACCENTS[mark], out)
        return out
    name = unicodedata.name(ch, "unnamed")
    raise ValueError(
        f"{what}: character {ch!r} (U+{ord(ch):04X} {name}) at position {pos + 1} "
        "cannot be typeset by the PDF backend; use ASCII, a Latin letter with an "
        "accent, or a Greek letter")


def escape_latex(text: str, *, what: str = "text") -> Tex:
    """Return ``text`` as LaTeX markup that typesets it literally.

    Every character is handled on its own: specials become commands, Latin
    letters with accents become accent commands, Greek letters math symbols.

    Parameters
    ----------
    text : str
        User-supplied text.
    what : str
        Where the text comes from, for the error message ("item name").

    Raises
    ------
    ValueError
        For a character that has no safe LaTeX form (named with its position).
    """
    if isinstance(text, Tex):
        raise TypeError(f"{what}: escape_latex got trusted Tex markup; pass user text only")
    if not isinstance(text, str):
        raise TypeError(f"{what}: expected a string, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    out = []
    for pos, ch in enumerate(text):
        if ch in "\r\n":
            out.append(" ")
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            raise ValueError(f"{what}: control character U+{ord(ch):04X} at position {pos + 1} is not allowed")
        out.append(_latex_char(ch, pos, what))
    return Tex("".join(out))


def as_tex(value) -> Tex:
    """Trusted markup passes through; anything else is escaped as user text."""
    return value if isinstance(value, Tex) else escape_latex(str(value))


_MD_INLINE = set("\\`*_{}[]|$~")
_MD_LINE_START = re.compile(r"([#+=-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape text for a Markdown paragraph or table cell (outside math).

    Characters with inline meaning (emphasis, code, links, tables, maths,
    HTML) are always escaped; ``# + = -`` and ``1.`` only where a line starts,
    which is the only place they mean anything.
    """
    out = []
    for ch in str(text):
        if ch in "\r\n":
            out.append(" ")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in _MD_INLINE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    m = _MD_LINE_START.match(escaped)
    if m:
        escaped = escaped[:m.end() - 1] + "\\" + escaped[m.end() - 1:]
    return escaped


# characters that mean something inside \text{...} in MathJax and KaTeX
_MATHJAX_TEXT = {"\\": "/", "{": "(", "}": ")", "$": "\\$", "&": "\\&", "#": "\\#", "%": "\\%",
                 "_": "\\_", "^": "'", "~": "-", "\r": " ", "\n": " "}


def escape_mathjax_text(text: str) -> str:
    """User text for ``\\text{...}`` in display maths that MathJax, KaTeX and LaTeX all read."""
    return "".join(_MATHJAX_TEXT.get(ch, ch) for ch in str(text))


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)?\Z")


def safe_identifier(name: str, *, what: str = "name") -> str:
    """Check a user-chosen name before it becomes a SymPy symbol.

    SymPy prints symbol names verbatim into LaTeX, so only letters and digits
    are allowed, with at most one ``_subscript`` (``x``, ``mu_1``, ``sigma2``).
    """
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(
            f"{what}: {name!r} is not a valid symbol name; expected letters and digits "
            "starting with a letter, optionally one _subscript (e.g. x, mu_1)")
    return name
