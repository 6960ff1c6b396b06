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

import contextlib
import contextvars
import re
import unicodedata

__all__ = ["Tex", "escape_latex", "escape_markdown", "escape_mathjax_text", "safe_identifier", "as_tex",
           "escape_control", "is_control", "unicode_latex", "ascii_latex"]


class Tex(str):
    """Trusted LaTeX markup written by the project (never user text)."""

    __slots__ = ()

    def __add__(self, other):  # keep the type when trusted parts are joined
        if isinstance(other, Tex):
            return Tex(str.__add__(self, other))
        return NotImplemented


# ---------------------------------------------------------- control characters
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_control(ch: str) -> bool:
    """Whether ``ch`` may act on a terminal or reorder text: C0 controls, DEL, C1 controls,
    and the bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069)."""
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # exactly what is_control() is


def _control_escape(ch: str) -> str:
    o = ord(ch)
    return _SHORT_ESCAPES.get(ch) or (f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")


def escape_control(text, *, keep: str = "") -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``, ``\\n``).

    What a terminal or an editor would act on (an ANSI escape that clears the
    screen, a bidi override that reverses the text after it) is printed as
    the characters of its escape instead, so user text shown by the text and
    Markdown printers can never drive the reader's terminal. Characters in
    ``keep`` (``"\\n\\t"`` where a layout has lines) pass through.
    """
    text = str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else _control_escape(m.group(0)), text)


# LaTeX for the characters no 8-bit font can set: pass through for Unicode engines (JSON's latex, Markdown)
_UNICODE_LATEX: contextvars.ContextVar[bool] = contextvars.ContextVar("workedout_unicode_latex", default=False)


@contextlib.contextmanager
def unicode_latex():
    """Within this block :func:`escape_latex` passes a character it has no pdfTeX form for through
    as itself instead of refusing it: the LaTeX is then for MathJax, KaTeX or a Unicode engine
    (the ``latex`` fields of JSON, Markdown's maths), never for the PDF backend."""
    token = _UNICODE_LATEX.set(True)
    try:
        yield
    finally:
        _UNICODE_LATEX.reset(token)


# The ten specials, < > | (OT1 prints them as other glyphs), and characters
# that form ligatures in text fonts (-- ---, `` '', ?` !`).
_LATEX_ASCII = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"{\upshape\char36}",  # not \$: LaTeX sets it from TS1 (bitmap fonts without cm-super)
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
    "\u030c": "v", "\u0327": "c", "\u0328": "k", "\u0323": "d", "\u0331": "b",
}
# OT1 has no ogonek (\k needs T1, whose fonts would be bitmaps here): the cedilla glyph (OT1
# slot 24, in every Computer Modern text font) mirrored, at the letter's lower right (graphicx).
_OGONEK = r"{\ooalign{%s\crcr\hidewidth\reflectbox{\char24}\kern.02em\crcr}}"

# Letters and symbols with no decomposition. Only glyphs of the OT1, OML and
# OMS encodings (Type 1 Computer Modern, in texlive-base): without cm-super,
# T1 and TS1 (textcomp) glyphs would be bitmaps or missing.
_LATEX_SPECIAL_LETTERS = {
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ø": r"\o{}", "Ø": r"\O{}",
    "œ": r"\oe{}", "Œ": r"\OE{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}",
    "¿": r"\textquestiondown{}", "¡": r"\textexclamdown{}",
    # \pounds \copyright \S \P \textbullet come from TS1 now (bitmaps here): OT1 italic's
    # pound sign, the circle and section, paragraph and bullet signs of the maths symbol font
    "£": r"{\fontfamily{cmr}\fontshape{it}\selectfont\char36}",
    "©": r"{\ooalign{\hfil\raise.07ex\hbox{c}\hfil\crcr\mathhexbox20D}}",
    "°": r"\ensuremath{^\circ}", "µ": r"\ensuremath{\mu}", "§": r"\mathhexbox278{}", "¶": r"\mathhexbox27B{}",
    "×": r"\ensuremath{\times}", "÷": r"\ensuremath{\div}", "±": r"\ensuremath{\pm}",
    "–": r"\textendash{}", "—": r"\textemdash{}", "…": r"\dots{}",
    "‘": r"\textquoteleft{}", "’": r"\textquoteright{}",
    "“": r"\textquotedblleft{}", "”": r"\textquotedblright{}",
    "\u00a0": "~", "·": r"\ensuremath{\cdot}", "•": r"\ensuremath{\bullet}",
    "≈": r"\ensuremath{\approx}", "≤": r"\ensuremath{\le}", "≥": r"\ensuremath{\ge}",
    "≠": r"\ensuremath{\ne}", "→": r"\ensuremath{\to}", "←": r"\ensuremath{\leftarrow}",
    "∞": r"\ensuremath{\infty}", "−": r"\ensuremath{-}",
    "∪": r"\ensuremath{\cup}", "∩": r"\ensuremath{\cap}", "∅": r"\ensuremath{\emptyset}",
    "⇒": r"\ensuremath{\Rightarrow}", "∈": r"\ensuremath{\in}", "⊆": r"\ensuremath{\subseteq}",
    "✓": r"\ensuremath{\checkmark}",
    # the set and logic symbols of proofs (amssymb's and the maths fonts' glyphs)
    "⊂": r"\ensuremath{\subset}", "⊇": r"\ensuremath{\supseteq}", "⊃": r"\ensuremath{\supset}",
    "∖": r"\ensuremath{\setminus}", "∉": r"\ensuremath{\notin}", "∀": r"\ensuremath{\forall}",
    "∃": r"\ensuremath{\exists}", "⇔": r"\ensuremath{\Leftrightarrow}", "↦": r"\ensuremath{\mapsto}",
    "∑": r"\ensuremath{\sum}", "∏": r"\ensuremath{\prod}", "∂": r"\ensuremath{\partial}",
    "∇": r"\ensuremath{\nabla}", "⊙": r"\ensuremath{\odot}", "⋆": r"\ensuremath{\star}",
    "√": r"\ensuremath{\surd}", "∎": r"\ensuremath{\blacksquare}", "□": r"\ensuremath{\square}",
    "∘": r"\ensuremath{\circ}", "⌊": r"\ensuremath{\lfloor}", "⌋": r"\ensuremath{\rfloor}",
    "⟨": r"\ensuremath{\langle}", "⟩": r"\ensuremath{\rangle}", "‖": r"\ensuremath{\|}",
    # subscript and superscript digits and signs of plain-text names (μ₁, σ₂², x⁻¹), as maths scripts
    **{chr(0x2080 + d): r"\ensuremath{_{%d}}" % d for d in range(10)},
    **{ch: r"\ensuremath{^{%d}}" % d for d, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    "₊": r"\ensuremath{_{+}}", "₋": r"\ensuremath{_{-}}", "⁺": r"\ensuremath{^{+}}", "⁻": r"\ensuremath{^{-}}",
    "ₖ": r"\ensuremath{_{k}}", "ᵢ": r"\ensuremath{_{i}}", "ⱼ": r"\ensuremath{_{j}}", "ₙ": r"\ensuremath{_{n}}",
    "\u00ad": r"\-", "\u200b": r"\hspace{0pt}",  # soft hyphen, zero-width space: invisible break points
}

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon",
    "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    "ϑ": "vartheta", "ϕ": "varphi", "ϵ": "varepsilon", "ϱ": "varrho", "ς": "varsigma", "ϖ": "varpi",
}
# Greek letters drawn like Latin ones have no command of their own: set as the upright Latin letter
_GREEK_AS_LATIN = {"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
                   "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "ο": "o"}


def _latex_char(ch: str) -> str | None:
    """The LaTeX of one character (NFC), or None when pdfTeX with OT1 fonts cannot set it."""
    if ch in _LATEX_ASCII:
        return _LATEX_ASCII[ch]
    if " " <= ch <= "~":
        return ch
    if ch in _LATEX_SPECIAL_LETTERS:
        return _LATEX_SPECIAL_LETTERS[ch]
    if ch in _GREEK:
        return r"\ensuremath{\%s}" % _GREEK[ch]
    if ch in _GREEK_AS_LATIN:
        return r"\ensuremath{\mathrm{%s}}" % _GREEK_AS_LATIN[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if marks and " " <= base <= "~" and base.isalpha() and all(m in _ACCENTS for m in marks):
        out = {"i": r"\i{}", "j": r"\j{}"}.get(base, base) if marks[0] not in _BELOW else base
        for mark in marks:
            out = _OGONEK % out if mark == "\u0328" else "\\%s{%s}" % (_ACCENTS[mark], out)
        return out
    return None


_BELOW = "\u0327\u0328\u0323\u0331"  # marks below the letter: an i keeps its dot


def _shown(text: str, limit: int = 40, at: int = 0) -> str:
    """The user's text, with control characters escaped and shortened to ``limit`` characters
    around position ``at``, to quote in an error."""
    if len(text) > limit:
        start = max(0, min(at - limit // 2, len(text) - limit))
        text = ("…" if start else "") + text[start:start + limit] + ("…" if start + limit < len(text) else "")
    return repr(escape_control(text))


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
        For a character that has no form in pdfTeX's fonts (CJK, emoji, an
        invisible format character), named with its position in ``text``
        (after NFC composition). Inside :func:`unicode_latex` such a
        character passes through as itself instead.

    Line breaks and tabs become spaces; the other control characters (an
    ANSI escape, a bidi override) are typeset visibly as their escape
    (``\\x1b``), as the text printer shows them.
    """
    if isinstance(text, Tex):
        raise TypeError(f"{what}: escape_latex got trusted Tex markup; pass user text only")
    if not isinstance(text, str):
        raise TypeError(f"{what}: expected a string, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    out = []
    for pos, ch in enumerate(text):
        if ch in "\r\n\t":
            out.append(" ")
            continue
        if is_control(ch):
            out.append(r"\textbackslash{}" + _control_escape(ch)[1:])
            continue
        tex = _latex_char(ch) if unicodedata.category(ch) != "Cf" or ch in _LATEX_SPECIAL_LETTERS else None
        if tex is None:
            if _UNICODE_LATEX.get():
                out.append(ch)
                continue
            kind = "format character" if unicodedata.category(ch) == "Cf" else "character"
            raise ValueError(
                f"{what}: {kind} {ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}) at position "
                f"{pos + 1} of {_shown(text, at=pos)} cannot be typeset by the PDF backend; use ASCII, a Latin "
                "letter with an accent, or a Greek letter (text, Markdown and JSON carry any Unicode)")
        out.append(tex)
    return Tex("".join(out))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def ascii_latex(latex: str, *, what: str = "LaTeX") -> str:
    """Finished LaTeX with no character left that pdfTeX's 8-bit fonts cannot set.

    User text is escaped where it enters (:func:`escape_latex`); this is the
    last guard for text that reached markup another way (a sequence's letters
    inside ``\\texttt``): a non-ASCII character with a form is replaced by it
    (in ``\\text{}``, which works in text and maths), any other is refused,
    named with the words around it. Inside :func:`unicode_latex` the markup
    is returned as it is.
    """
    if _UNICODE_LATEX.get() or not _NON_ASCII.search(latex):
        return latex

    def one(m: re.Match) -> str:
        ch = m.group(0)
        tex = None if is_control(ch) or unicodedata.category(ch) == "Cf" else _latex_char(ch)
        if tex is None:
            near = latex[max(0, m.start() - 30):m.end() + 30]
            raise ValueError(
                f"{what}: character {ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}) near "
                f"{_shown(near, 70)} cannot be typeset by the PDF backend; use ASCII, a Latin letter with an "
                "accent, or a Greek letter (text, Markdown and JSON carry any Unicode)")
        return r"\text{%s}" % tex
    return _NON_ASCII.sub(one, unicodedata.normalize("NFC", latex))


def as_tex(value) -> Tex:
    """Trusted markup passes through; anything else is escaped as user text."""
    return value if isinstance(value, Tex) else escape_latex(str(value))


_MD_INLINE = set("\\`*_{}[]|$~")
_MD_LINE_START = re.compile(r"([#+=-]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape text for a Markdown paragraph or table cell (outside math).

    Characters with inline meaning (emphasis, code, links, tables, maths,
    HTML) are always escaped; ``# + = -`` and ``1.`` only where a line starts,
    which is the only place they mean anything. Control characters (an ANSI
    escape, a bidi override) are shown as their escape (``\\x1b``), never raw.
    """
    out = []
    for ch in str(text):
        if ch in "\r\n":
            out.append(" ")
        elif is_control(ch):  # shown as its escape, the backslash escaped for Markdown
            out.append("\\" + _control_escape(ch))
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
    """User text for ``\\text{...}`` in display maths that MathJax, KaTeX and LaTeX all read.

    A control character is shown as its escape, the backslash set as maths (``$\\backslash$x1b``)."""
    return "".join(_MATHJAX_TEXT.get(ch) or (r"$\backslash$" + _control_escape(ch)[1:] if is_control(ch) else ch)
                   for ch in str(text))


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
