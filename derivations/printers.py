"""One printer per output format, one ``_print_<Type>`` per statement type.

Like SymPy's printers, a printer finds the method for an object along its
class's MRO, and keeps its options in a validated ``_default_settings``.

Formats: ``text`` (:class:`TextPrinter`), ``tex`` (:class:`LatexPrinter`, a
fragment for lecture notes: needs ``amsmath``, ``amssymb`` and ``booktabs``),
``tex-document`` (:func:`latex_document`), ``md`` (:class:`MarkdownPrinter`,
``$$`` maths), ``json`` (:func:`json_object`) and ``pdf`` (the document
compiled by :mod:`derivations.pdf`).
"""
from __future__ import annotations

import builtins
import json
import math
import re
import sys
from types import FunctionType, SimpleNamespace
from typing import Any, Iterable

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from .exact import exact_string, to_float
from .markup import (Tex, ascii_latex, escape_control, escape_latex, escape_markdown, escape_mathjax_text,
                     unicode_latex)
from .model import (Chain, Display, Grid, GridCell, InlineMath, Prose, Ref, ResultData,
                    Section, Step, Table)

__all__ = ["TextPrinter", "LatexPrinter", "MarkdownPrinter", "JsonPrinter", "render", "json_object",
           "json_value", "latex_document", "FORMATS", "math_latex", "grid_array"]

from .formats import FORMATS  # noqa: E402  (the names live apart, so --help need not load SymPy)
SCHEMA = "workedout.result/1"
_LATEX_RELATIONS = {"=": "=", "\\approx": "\\approx", "<": "<", ">": ">", "\\le": "\\le",
                    "\\ge": "\\ge", "\\propto": "\\propto", "\\iff": "\\iff", "\\implies": "\\implies"}
_TEXT_RELATIONS = {"=": "=", "\\approx": "≈", "<": "<", ">": ">", "\\le": "≤", "\\ge": "≥",
                   "\\propto": "∝", "\\iff": "⇔", "\\implies": "⇒"}


def math_latex(obj) -> str:
    """LaTeX (math mode) of a value that may appear in a statement or a cell."""
    if isinstance(obj, InlineMath):
        return obj.tex
    if isinstance(obj, Tex):
        return obj
    if isinstance(obj, str):
        return r"\text{%s}" % escape_latex(obj)
    if isinstance(obj, bool):
        return r"\text{%s}" % obj
    if isinstance(obj, (int, float)):
        return sp.latex(sp.sympify(obj))
    if isinstance(obj, sp.Eq):
        return f"{sp.latex(obj.lhs)} = {sp.latex(obj.rhs)}"
    return sp.latex(obj)


def _math_text(obj) -> str:
    """Plain text of a value; control characters in it (user text) shown as escapes (``\\x1b``)."""
    if isinstance(obj, InlineMath):
        return escape_control(obj.text)
    if isinstance(obj, (str, int, float)):
        return escape_control(obj)
    return escape_control(sp.sstr(obj))


class _Printer:
    """What every printer shares: validated settings, the dispatch, and one walk over a result.

    ``_print_ResultData`` walks the result once for every format: the head
    (title, intro, givens), then each :class:`Section` and numbered
    :class:`Step`, then the notes; a printer supplies ``_head``, ``_section``,
    ``_step`` and ``_note``, each returning lines. The per-print state (the
    result being printed, the current step's number and label, which a
    statement's equation tag needs) is created here, in ``__init__``.
    """

    _default_settings: dict = {}

    def __init__(self, result: ResultData | None = None, **settings):
        unknown = set(settings) - set(self._default_settings)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {sorted(unknown)}")
        self.settings = {**self._default_settings, **settings}
        self.result = result
        self._n = 0                      # the number of the step being printed
        self._label_of: str | None = None  # its label (an equation label in LaTeX)

    def _print(self, obj):
        for cls in type(obj).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(obj)
        raise TypeError(f"{type(self).__name__} cannot print {type(obj).__name__}")

    def doprint(self, result: ResultData) -> str:
        self.result = result
        return self._print(result)

    def _ref_number(self, ref: Ref) -> int:
        if self.result is None:
            raise ValueError("a Ref can only be printed inside a result")
        return self.result.step_number(ref.label)

    def words(self, parts: Iterable) -> str:
        return "".join(self._word(p) for p in parts)

    def _shows_checks(self) -> bool:
        """Whether each step says how it was checked (a check report's steps are not claims to check)."""
        return self.result is None or self.result.show_checks

    def _print_ResultData(self, r: ResultData) -> str:
        out = self._head(r)
        if r.theorem:  # a proof: the theorem stated, then the steps as its proof
            out += self._theorem(r)
        n = 0
        for item in r.steps:
            if isinstance(item, Section):
                out += self._section(item)
                continue
            n += 1
            self._n, self._label_of = n, item.label
            out += self._step(n, item)
        if r.theorem:
            out += self._end_proof()
        for note in r.notes:
            out += self._note(note)
        return "\n".join(out).rstrip() + "\n"

    def _mark(self, step: Step, checked: str, unchecked: str = "not machine-checked") -> str:
        """What a step says of its check: how it was checked, or that it is a definition or premise, or not."""
        if step.role is not None:
            return step.role
        return checked if step.check else unchecked


# ====================================================================== text
class _NoQuantity:
    """``Quantity`` while SymPy's unit system is not loaded: no physical quantity can exist then, and no
    object is an instance of this class."""


_UNITS_NOT_LOADED = SimpleNamespace(Quantity=_NoQuantity)


def _import_units_only_if_loaded(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__``, except that ``from sympy.physics.units import Quantity`` gives :class:`_NoQuantity`
    until something else has imported the unit system."""
    if name == "sympy.physics.units" and fromlist == ("Quantity",) and level == 0 and name not in sys.modules:
        return _UNITS_NOT_LOADED
    return builtins.__import__(name, globals, locals, fromlist, level)


def _without_importing_units(method):
    """SymPy's ``method`` itself (its code object, unchanged), run with ``__import__`` resolved by
    :func:`_import_units_only_if_loaded`.

    ``PrettyPrinter._print_Mul`` (SymPy 1.14) begins with ``from sympy.physics.units import Quantity``, only
    to move physical quantities to the end of a product: the first product the text printer set imported
    the whole unit system (0.13-0.20 s, half of ``import sympy``). A quantity can exist only once that
    module is imported, so before then every factor's ``isinstance(x, Quantity)`` is false, for the real
    class as for :class:`_NoQuantity`; after, the real class is imported as SymPy does. The output is
    SymPy's character for character (``tests/test_latency_imports.py`` compares them, with quantities and
    without). Only this function sees the changed ``__import__``; the rest of the process does not.
    """
    namespace = {**method.__globals__, "__builtins__": {**vars(builtins), "__import__": _import_units_only_if_loaded}}
    function = FunctionType(method.__code__, namespace, method.__name__, method.__defaults__, method.__closure__)
    function.__qualname__, function.__doc__ = method.__qualname__, method.__doc__
    return function


class _TextPretty(PrettyPrinter):
    """SymPy's pretty printer, with the base of a power parenthesised when it is a fraction or a negative
    number: SymPy sets ``(3/2)**2`` as ``3/2`` with a superscript 2, which reads as 3/2², and
    ``(-1/2)**2`` as ``-1/2`` squared; products are SymPy's, without importing its unit system
    (:func:`_without_importing_units`)."""

    _print_Mul = _without_importing_units(PrettyPrinter._print_Mul)

    def _print_Pow(self, power):
        b, e = power.as_base_exp()
        if b.is_Rational and (not b.is_Integer or b < 0) and not (e.is_Rational and (e < 0 or not e.is_Integer)):
            return prettyForm(*self._print(b).parens()) ** self._print(e)
        return super()._print_Pow(power)


def _text_pretty(obj, unicode: bool = True) -> prettyForm:
    return _TextPretty({"use_unicode": unicode, "wrap_line": False})._print(obj)


class TextPrinter(_Printer):
    """Plain text for a terminal: Unicode pretty-printed maths, aligned tables."""

    _default_settings = {"width": 100, "unicode": True}

    def doprint(self, result: ResultData) -> str:
        # user text is escaped where it is printed; this catches what reached the output another way
        # (a symbol named from a CSV header inside a pretty-printed formula): nothing drives a terminal
        return escape_control(super().doprint(result), keep="\n")

    def _pretty(self, obj) -> prettyForm:
        if isinstance(obj, (InlineMath, str, int, float)):
            return prettyForm(_math_text(obj))
        return _text_pretty(obj, self.settings["unicode"])

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return f"({self._ref_number(part)})"
        if isinstance(part, sp.Basic):
            return self._inline(part)
        return _math_text(part)

    def _inline(self, obj) -> str:
        """One-line Unicode form when it fits on one line (``π₁ = 1/2``), else sstr."""
        pretty = _text_pretty(obj, self.settings["unicode"]).render(wrap_line=False)
        if "\n" not in pretty:
            return pretty
        if isinstance(obj, sp.Eq):
            return f"{sp.sstr(obj.lhs)} = {sp.sstr(obj.rhs)}"
        return sp.sstr(obj)

    def _head(self, r: ResultData) -> list[str]:
        title = escape_control(r.title)
        out = [title, "=" * min(len(title), self.settings["width"]), ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            out.append("Given:")
            for g in r.givens:
                line = f"  {self._word(g.name)} = {_value_text(g.value)}"
                out.append(line + (f"   ({escape_control(g.description)})" if g.description else ""))
            out.append("")
        return out

    def _section(self, section: Section) -> list[str]:
        title = escape_control(section.title)
        out = [title, "-" * len(title)]
        if section.intro:
            out.append(self.words(section.intro))
        return out + [""]

    def _theorem(self, r: ResultData) -> list[str]:
        return [f"Theorem. {self.words(r.theorem)}", "", "Proof.", ""]

    def _end_proof(self) -> list[str]:
        return ["∎" if self.settings["unicode"] else "QED", ""]

    def _step(self, n: int, step: Step) -> list[str]:
        head = f"({n}) {self.words(step.why)}".rstrip()
        mark = "    [%s]" % self._mark(step, f"checked: {escape_control(step.check.how) if step.check else ''}")
        body = self._print(step.statement)
        indented = "\n".join("    " + line if line else line for line in body.splitlines())
        return [f"{head}\n{indented}" + (f"\n{mark}" if self._shows_checks() else ""), ""]

    def _note(self, note: str) -> list[str]:
        return [f"Note: {escape_control(note)}"]

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        obj = d.expr
        if isinstance(obj, sp.Eq):
            return self._join([self._pretty(obj.lhs), prettyForm(" = "), self._pretty(obj.rhs)])
        return self._pretty(obj).render(wrap_line=False)

    def _print_Chain(self, c: Chain) -> str:
        rels = _link_relations(c, _TEXT_RELATIONS)
        if c.reasons:
            return self._reasoned_chain(c, rels)
        forms = [self._pretty(c.lhs)]
        for rel, rhs in zip(rels, c.rhs):
            forms += [prettyForm(f" {rel} "), self._pretty(rhs)]
        one_line = self._join(forms)
        if max(len(line) for line in one_line.splitlines()) <= self.settings["width"]:
            return one_line
        lines = [self._pretty(c.lhs).render(wrap_line=False)]
        for rel, rhs in zip(rels, c.rhs):
            lines.append(self._join([prettyForm(f"{rel} "), self._pretty(rhs)]))
        return "\n".join(lines)

    def _reasoned_chain(self, c: Chain, rels: list[str]) -> str:
        """One link per line, its reason as a trailing ``# ...`` comment."""
        lhs = self._pretty(c.lhs)
        pad = prettyForm(" " * lhs.width())
        lines = []
        for n, (rel, rhs, why) in enumerate(zip(rels, c.rhs, c.reasons)):
            forms = [lhs if n == 0 else pad, prettyForm(f" {rel} "), self._pretty(rhs)]
            if why:
                forms.append(prettyForm("    # " + self.words(why)))
            lines.append("\n".join(line.rstrip() for line in self._join(forms).splitlines()))
        return "\n".join(lines)

    @staticmethod
    def _join(forms) -> str:
        return prettyForm(*stringPict.next(*forms)).render(wrap_line=False)

    def _print_Table(self, t: Table) -> str:
        cells = [[_cell_text(c) for c in t.header]] + [[_cell_text(c) for c in row] for row in t.rows]
        widths = [max(len(row[j]) for row in cells) for j in range(len(t.header))]
        fmt = lambda row: "  ".join(c.rjust(w) if _numeric_cell(c) else c.ljust(w)
                                    for c, w in zip(row, widths)).rstrip()
        lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]]
        if t.caption:
            lines.append(self.words(t.caption))
        return "\n".join(lines)

    def _print_Grid(self, g: Grid) -> str:
        """Each panel as aligned columns (highlighted cells in brackets), side by side when they fit."""
        blocks = [_grid_text_panel(g, title, rows, self) for title, rows in g.panels]
        widths = [max(len(line) for line in b) for b in blocks]
        if len(blocks) > 1 and sum(widths) + 4 * (len(blocks) - 1) <= self.settings["width"]:
            height = max(len(b) for b in blocks)
            lines = ["    ".join((b[k] if k < len(b) else "").ljust(w) for b, w in zip(blocks, widths)).rstrip()
                     for k in range(height)]
        else:
            lines = []
            for b in blocks:
                lines += (b + [""])
            lines = lines[:-1]
        if g.caption:
            lines.append(self.words(g.caption))
        return "\n".join(lines)


def _display_latex(d: Display, equals: str) -> str:
    """The maths of a Display; an equation's sides joined by ``equals`` (``&=`` to align)."""
    obj = d.expr
    if isinstance(obj, sp.Eq):
        return f"{math_latex(obj.lhs)} {equals} {math_latex(obj.rhs)}"
    return math_latex(obj)


def _chain_lines(c: Chain, reason_text, *, wrap_reasons: bool = False) -> list[str]:
    """A Chain's ``align``/``aligned`` lines (``lhs &= a``, ``&= b``, ...), each link's
    reason, rendered by ``reason_text``, in a ``&& \\text{...}`` column."""
    rels = _link_relations(c, _LATEX_RELATIONS)
    lines = [f"{math_latex(c.lhs)} &{rels[0]} {math_latex(c.rhs[0])}"]
    lines += [f"&{rel} {math_latex(r)}" for rel, r in zip(rels[1:], c.rhs[1:])]
    if c.reasons:
        box = _reason_box if wrap_reasons else (lambda tex, words: tex)  # MathJax has no \parbox
        lines = [line + (r" && \text{%s}" % box(reason_text(why), why) if why else "")
                 for line, why in zip(lines, c.reasons)]
    return lines


REASON_CHARACTERS = 40  # a longer reason wraps in a column of its own width instead of widening the line


def _reason_box(tex: str, words) -> str:
    """A reason's LaTeX, wrapped in a narrow ragged column when it is long (so the line stays on the page)."""
    plain = words if isinstance(words, str) else " ".join(str(w) for w in words) if isinstance(words, (list, tuple)) \
        else str(words)
    if len(plain) <= REASON_CHARACTERS:
        return tex
    return r"\parbox[t]{0.3\linewidth}{\raggedright\small %s}" % tex


def _link_relations(c: Chain, table: dict) -> list[str]:
    """The relation before each link: a decimal (sp.Float) after exact '=' is '≈' (not an exact decimal)."""
    return [table["\\approx"] if c.rel == "=" and (isinstance(r, sp.Float) and not getattr(r, "exact", False)
                                                  or getattr(r, "approximate", False))
            else table[c.rel]
            for r in c.rhs]


def _cell_text(cell) -> str:
    if isinstance(cell, float):
        return f"{cell:.6g}"
    if isinstance(cell, sp.MatrixBase):  # one line: [[1, 0], [0, 1]]
        rows = ["[" + ", ".join(sp.sstr(v) for v in row) + "]" for row in cell.tolist()]
        return escape_control(rows[0] if cell.rows == 1 else "[" + ", ".join(rows) + "]")
    return _math_text(cell)


def _numeric_cell(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _value_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_value_text(v) for v in value) + ")"
    return _cell_text(value)


# ===================================================================== LaTeX
class LatexPrinter(_Printer):
    """A LaTeX fragment for lecture notes (needs amsmath, amssymb, booktabs).

    Each step: its number and justification in words, then the statement in
    an ``align`` environment, tagged with the step number so ``(n)`` means the
    same in every format; continuation lines of a calculation are untagged.
    """

    _default_settings = {"heading": "section", "table_rows": 42}

    def doprint(self, result: ResultData) -> str:
        # the last guard for pdfTeX: a character that reached the markup unescaped is set or refused here
        return ascii_latex(super().doprint(result), what=result.title)

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return r"\eqref{%s}" % self._label(part.label)
        if isinstance(part, (sp.Basic, InlineMath, Tex)):
            return f"${math_latex(part)}$"
        return escape_latex(str(part))

    def _label(self, label: str) -> str:
        return "eq:%s:%s" % (self.result.kind.replace(".", "-"), label) if self.result else label

    def _head(self, r: ResultData) -> list[str]:
        out = [r"\%s*{%s}" % (self.settings["heading"], _unbroken_words(r.title)), ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            items = ", ".join(f"${_given_latex(g)}$" + (f" ({escape_latex(g.description)})" if g.description else "")
                              for g in r.givens)
            out += [r"\noindent\textbf{Given:} " + items + ".", ""]
        return out

    def _section(self, section: Section) -> list[str]:
        sub = {"section": "subsection", "subsection": "subsubsection"}.get(self.settings["heading"], "paragraph")
        out = [r"\%s*{%s}" % (sub, escape_latex(section.title, what="section title")), ""]
        if section.intro:
            out += [self.words(section.intro), ""]
        return out

    def _theorem(self, r: ResultData) -> list[str]:
        return [r"\begin{theorem}%s\end{theorem}" % self.words(r.theorem), r"\begin{proof}", ""]

    def _end_proof(self) -> list[str]:
        return [r"\end{proof}", ""]

    def _step(self, n: int, step: Step) -> list[str]:
        why = self.words(step.why)
        mark = self._mark(step, r"$\checkmark$\,checked: %s" % escape_latex(step.check.how) if step.check else "")
        # \par ends a Prose statement's paragraph before the right-aligned check note
        note = "\n\\par{\\raggedleft\\footnotesize\\itshape %s\\par}" % mark if self._shows_checks() else "\n\\par"
        return ["\\par\\noindent\\textbf{%d.}\\ %s\n%s%s" % (n, why, self._print(step.statement), note), ""]

    def _note(self, note: str) -> list[str]:
        return [r"\noindent\emph{Note:} " + escape_latex(note, what="note"), ""]

    def _tag(self) -> str:
        label = r"\label{%s}" % self._label(self._label_of) if self._label_of else ""
        return r"\tag{%d}%s" % (self._n, label)

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        return "\\begin{align}\n  %s %s\n\\end{align}" % (_display_latex(d, "&="), self._tag())

    def _print_Chain(self, c: Chain) -> str:
        lines = _chain_lines(c, self.words, wrap_reasons=True)
        lines = [line + r" \notag" for line in lines[:-1]] + [lines[-1] + " " + self._tag()]
        return "\\begin{align}\n  " + " \\\\\n  ".join(lines) + "\n\\end{align}"

    def _print_Table(self, t: Table) -> str:
        """A booktabs tabular; a table longer than the setting ``table_rows`` (lines, divided by the
        table's ``row_height``) becomes several tabulars, the header repeated, so that each fits on a page."""
        spec = t.align or "c" * len(t.header)
        row = lambda cells: " & ".join(_cell_latex(c) for c in cells) + r" \\"
        size = max(t.group, int(self.settings["table_rows"] / t.row_height) // t.group * t.group)
        pieces = [t.rows[k:k + size] for k in range(0, len(t.rows), size)] or [[]]
        out = []
        for k, rows in enumerate(pieces):
            lines = [r"\begin{center}"]
            if k:
                lines.append(r"{\small (continued: rows %d to %d of %d)}\\[2pt]"
                             % (k * size + 1, k * size + len(rows), len(t.rows)))
            lines += [r"\begin{tabular}{%s}" % spec, r"\toprule", row(t.header), r"\midrule"]
            lines += [row(r) for r in rows]
            lines += [r"\bottomrule", r"\end{tabular}"]
            if t.caption and k == len(pieces) - 1:
                lines.append(r"\\[2pt]{\small %s}" % self.words(t.caption))
            lines.append(r"\end{center}")
            out.append("\n".join(lines))
        return "\n".join(out)

    def _print_Grid(self, g: Grid) -> str:
        """One tabular per panel, side by side (TeX wraps them when they do not fit);
        a cell's arrows sit where they point (above-left, above, left of the value),
        highlighted values are boxed. Wide panels are shrunk to the line (graphicx)."""
        ncols = len(g.col_labels) + (2 if g.numbered else 1)
        size = r"\small" if ncols <= 10 else (r"\footnotesize" if ncols <= 14 else r"\scriptsize")
        panels = []
        for title, rows in g.panels:
            # a panel wider than the line is shrunk to it (graphicx)
            panels.append(r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%"
                          "\n" + _grid_latex_panel(g, title, rows) + "}")
        sep = "2.5pt" if any(c.arrows for _, rows in g.panels for row in rows for c in row) else "5pt"
        # no page break between the step's words and its grid (a grid block fits on a page)
        lines = [r"\nopagebreak\par\nopagebreak\smallskip", r"{\centering",
                 "{%s\\setlength{\\tabcolsep}{%s}%%" % (size, sep), "\n\\quad\n".join(panels), "}"]
        if g.caption:
            lines.append(r"\\[2pt]{\small %s}" % self.words(g.caption))
        lines += [r"\par}", r"\smallskip"]
        return "\n".join(lines)


def _unbroken_words(title: str) -> str:
    """A title whose words are never hyphenated across lines (a hyphen in ``HEA-GAWG`` would read as a gap).

    Set ragged right: with no hyphenation a justified heading often has no
    line break TeX finds good enough, and it then runs the line off the page.
    """
    escape_latex(title, what="title")  # refuses what cannot be typeset, naming its position in the whole title
    return r"\raggedright " + " ".join(r"\mbox{%s}" % escape_latex(word, what="title") for word in title.split())


def _cell_latex(cell) -> str:
    if isinstance(cell, str) and not isinstance(cell, Tex):
        return escape_latex(cell, what="table cell")
    if isinstance(cell, float):
        return f"${cell:.6g}$"
    return f"${math_latex(cell)}$"


def _given_latex(g) -> str:
    name = math_latex(g.name)  # a plain-string name is text (\text{...}), a symbol is maths
    value = g.value
    if isinstance(value, (list, tuple)):
        inner = ", ".join(math_latex(v) for v in value)
        return f"{name} = ({inner})"
    return f"{name} = {math_latex(value)}"


def latex_document(results: list[ResultData], *, title: str | None = None,
                   figures: list[tuple[str, str]] = (), headings: dict[int, str] | None = None) -> str:
    """A standalone document holding one or more results, and figures.

    Only packages from Debian's texlive-latex-base, -latex-recommended and
    -pictures; no ``\\input`` or ``\\write``; pdfTeX's date and ID omitted so
    the same input gives the same PDF bytes.

    Parameters
    ----------
    figures : list of (file name, caption)
        Image files (in the compile directory) shown after the results.
    headings : dict of int to str, optional
        A chapter heading set on a page of its own before the result of that index (the demo's proofs).
    """
    lines = [
        r"\pdfinfoomitdate=1", r"\pdftrailerid{}", r"\pdfsuppressptexinfo=-1",
        r"\documentclass[11pt]{article}",
        r"\usepackage[a4paper,margin=2.2cm]{geometry}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage{booktabs,array}",
        r"\usepackage{graphicx}",
        r"\usepackage{microtype}",
        r"\usepackage{amsthm}", r"\newtheorem{theorem}{Theorem}",
        r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{4pt}",
        r"\allowdisplaybreaks",
        r"\begin{document}",
    ]
    if title:
        lines += [r"\begin{center}{\LARGE %s}\end{center}" % escape_latex(title, what="title"), ""]
    for i, r in enumerate(results):
        if i:
            lines.append(r"\clearpage")
        if headings and i in headings:
            lines += [r"\vspace*{0.3\textheight}\begin{center}{\Huge %s}\end{center}"
                      % escape_latex(headings[i], what="heading"), r"\clearpage"]
        lines.append(LatexPrinter().doprint(r))
    for name, caption in figures:
        lines += [r"\begin{figure}[p]\centering",
                  r"\includegraphics[width=\linewidth,height=0.8\textheight,keepaspectratio]{%s}" % _safe_file(name),
                  r"\par{\small %s}" % escape_latex(caption, what="caption"),
                  r"\end{figure}"]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _safe_file(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_-]+\.(png|pdf|jpg)", name):
        raise ValueError(f"figure file name {name!r}: expected letters, digits, - or _ and .png/.pdf/.jpg")
    return name


# ================================================================== Markdown
class MarkdownPrinter(_Printer):
    """Markdown with ``$$`` display maths and ``$`` inline maths (MathJax/KaTeX)."""

    _default_settings = {"heading_level": 2, "grid": "table"}

    def __init__(self, **settings):
        super().__init__(**settings)
        if self.settings["grid"] not in ("table", "array"):
            raise ValueError(f"MarkdownPrinter: grid must be 'table' or 'array', got {self.settings['grid']!r}")

    def doprint(self, result: ResultData) -> str:
        # the maths is for MathJax/KaTeX, which set any Unicode; control characters that reached the
        # output inside a formula (a symbol named from a CSV header) are shown escaped, never raw
        with unicode_latex():
            return escape_control(super().doprint(result), keep="\n")

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return f"({self._ref_number(part)})"
        if isinstance(part, (sp.Basic, InlineMath, Tex)):
            return f"${math_latex(part)}$"
        return escape_markdown(str(part))

    def _head(self, r: ResultData) -> list[str]:
        out = [f"{'#' * self.settings['heading_level']} {escape_markdown(r.title)}", ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            items = ", ".join(f"${_given_latex(g)}$" for g in r.givens)
            out += [f"**Given:** {items}.", ""]
        return out

    def _section(self, section: Section) -> list[str]:
        out = [f"{'#' * (self.settings['heading_level'] + 1)} {escape_markdown(section.title)}", ""]
        if section.intro:
            out += [self.words(section.intro), ""]
        return out

    def _theorem(self, r: ResultData) -> list[str]:
        return [f"**Theorem.** {self.words(r.theorem)}", "", "*Proof.*", ""]

    def _end_proof(self) -> list[str]:
        return ["∎", ""]

    def _step(self, n: int, step: Step) -> list[str]:
        mark = " *(%s)*" % self._mark(step, f"✓ {escape_markdown(step.check.how)}" if step.check else "")
        mark = mark if self._shows_checks() else ""
        return [f"**{n}.** {self.words(step.why)}{mark}", "", self._print(step.statement), ""]

    def _note(self, note: str) -> list[str]:
        return [f"*Note:* {escape_markdown(note)}", ""]

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        return f"$$\n{_display_latex(d, '=')} \\tag{{{self._n}}}\n$$"

    def _print_Chain(self, c: Chain) -> str:
        lines = _chain_lines(c, self._math_text_words)
        return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + f"\n\\end{{aligned}} \\tag{{{self._n}}}\n$$"

    def _math_text_words(self, parts) -> str:
        """Words for ``\\text{...}`` inside display maths (MathJax/KaTeX): maths as ``$...$``."""
        out = []
        for p in parts:
            if isinstance(p, Ref):
                out.append(f"({self._ref_number(p)})")
            elif isinstance(p, (sp.Basic, InlineMath, Tex)):
                out.append(f"${math_latex(p)}$")
            else:
                out.append(escape_mathjax_text(str(p)))
        return "".join(out)

    def _print_Table(self, t: Table) -> str:
        def cell(c):
            if isinstance(c, str) and not isinstance(c, Tex):
                return escape_markdown(c)
            if isinstance(c, float):
                return f"{c:.6g}"
            # a | would end the Markdown cell: \| (a norm) becomes \Vert, a lone | \vert
            return "$" + math_latex(c).replace(r"\|", r"\Vert ").replace("|", r"\vert ") + "$"
        lines = ["| " + " | ".join(cell(c) for c in t.header) + " |",
                 "|" + "|".join(":---:" for _ in t.header) + "|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in t.rows]
        if t.caption:
            lines += ["", self.words(t.caption)]
        return "\n".join(lines)

    def _print_Grid(self, g: Grid) -> str:
        """A Markdown table per panel, or (setting ``grid="array"``) one math-mode array."""
        if self.settings["grid"] == "array":
            out = "$$\n" + grid_array(g) + "\n$$"
        else:
            parts = []
            for title, rows in g.panels:
                if len(g.panels) > 1 or title:
                    parts += [f"*{self._grid_title(title)}*", ""]
                parts += [_grid_markdown_table(g, rows), ""]
            out = "\n".join(parts).rstrip()
        if g.caption:
            out += "\n\n" + self.words(g.caption)
        return out

    def _grid_title(self, title) -> str:
        if isinstance(title, InlineMath):
            return f"${title.tex}$"
        return escape_markdown(str(title)) if title else ""


# ====================================================================== Grid
_GRID_TEXT_ARROWS = {"diag": "↖", "up": "↑", "left": "←", "start": "∘"}
_GRID_TEXT_BOLD = {"diag": "⇖", "up": "⇑", "left": "⇐", "start": "•"}
_GRID_TEX_ARROWS = {"diag": r"\nwarrow", "up": r"\uparrow", "left": r"\leftarrow", "start": r"\circ"}


def _grid_value_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, sp.Basic) and value.is_infinite:
        return "-∞" if value.is_extended_negative else "∞"
    if isinstance(value, float) and math.isinf(value):
        return "-∞" if value < 0 else "∞"
    return _cell_text(value)


def _grid_grouped(c: GridCell) -> list[tuple[str, list[tuple[str, bool]], bool]]:
    """The arrows of a cell by direction: (direction, [(tag, highlighted)], any highlighted)."""
    out: dict = {}
    for d, tag, on in c.arrows:
        out.setdefault(d, []).append((tag, on))
    return [(d, tags, any(on for _, on in tags)) for d, tags in out.items()]


def _grid_text_panel(g: Grid, title, rows, printer: "TextPrinter") -> list[str]:
    def cell(c: GridCell) -> str:
        arrows = "".join((_GRID_TEXT_BOLD if on else _GRID_TEXT_ARROWS)[d] + "".join(t for t, _ in tags)
                         for d, tags, on in _grid_grouped(c))
        v = _grid_value_text(c.value)
        return (arrows + (f"[{v}]" if c.highlight else f" {v} ")).rstrip() if (v or arrows) else ""
    label = lambda x: printer._word(x) if not isinstance(x, str) else escape_control(x)
    head = [[""] * (2 if g.numbered else 1) for _ in range(2 if g.numbered else 1)]
    if g.numbered:
        head[0] += [f"{j + g.col_start} " for j in range(len(g.col_labels))]
    head[-1] += [label(x) + " " for x in g.col_labels]
    body = [([str(i + g.row_start)] if g.numbered else []) + [label(x)] + [cell(c) for c in row]
            for i, (x, row) in enumerate(zip(g.row_labels, rows))]
    table = head + body
    widths = [max(len(r[k]) for r in table) for k in range(len(table[0]))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    t = label(title) if title else ""
    return ([t] if t else []) + lines


def _grid_arrow_math(d: str, tags: list, on: bool, text) -> str:
    """One arrow with its tags: bold and full size on the highlighted path (the highlighted
    tags bold too), small otherwise."""
    sub = "".join(r"\boldsymbol{%s}" % text(t) if t_on else text(t) for t, t_on in tags if t)
    sym = _GRID_TEX_ARROWS[d]
    if on:
        return r"\boldsymbol{%s}" % sym + (r"_{%s}" % sub if sub else "")
    return r"{\scriptstyle %s}" % (sym + (r"_{%s}" % sub if sub else ""))


def _grid_value_math(c: GridCell, text) -> str:
    v = c.value
    if v is None:
        return ""
    value = text(v) if isinstance(v, str) else math_latex(v)
    return r"\boxed{%s}" % value if c.highlight else value


def _grid_slots(c: GridCell, text) -> tuple[str, str, str]:
    """The arrows of a cell in its three places: above-left (diagonal, start), above, left."""
    slots = {"diag": [], "up": [], "left": []}
    for d, tags, on in _grid_grouped(c):
        slots["diag" if d in ("diag", "start") else d].append(_grid_arrow_math(d, tags, on, text))
    return tuple(r"\,".join(slots[k]) for k in ("diag", "up", "left"))


def _grid_rows(g: Grid, rows, text, wrap, index, sep: str) -> list[str]:
    """Body lines of one panel. With arrows, each DP cell takes two columns and two lines (the
    textbook layout): the diagonal arrow above-left of the value, the up arrow above it, the left
    arrow left of it, so every arrow points at the neighbour it came from."""
    lead = 2 if g.numbered else 1
    arrows = any(c.arrows for row in rows for c in row)
    label = lambda x: "" if x == "" else wrap(x)
    out = []
    if g.numbered:
        out.append(" & " * lead + " & ".join(("& " if arrows else "") + index(j + g.col_start)
                                            for j in range(len(g.col_labels)))
                   + r" \\")
    out.append(" & " * (lead - 1) + " & " + " & ".join(("& " if arrows else "") + label(x) for x in g.col_labels)
               + r" \\ \hline")
    m = (lambda t: ("$%s$" % t if t else "")) if sep == "$" else (lambda t: t)
    for i, (x, row) in enumerate(zip(g.row_labels, rows)):
        first = ([index(i + g.row_start)] if g.numbered else []) + [label(x)]
        if not arrows:
            out.append(" & ".join(first + [m(_grid_value_math(c, text)) for c in row]) + r" \\")
            continue
        slots = [_grid_slots(c, text) for c in row]
        if any(s[0] or s[1] for s in slots):
            out.append(" & " * (lead - 1) + " & " + " & ".join(f"{m(s[0])} & {m(s[1])}" for s in slots)
                       + r" \\[-1pt]")
        out.append(" & ".join(first + [f"{m(s[2])} & {m(_grid_value_math(c, text))}" for s, c in zip(slots, row)])
                   + r" \\")
    return out


def _grid_spec(g: Grid, rows, array: bool) -> str:
    arrows = any(c.arrows for row in rows for c in row)
    pair = ("rc" if array else r"@{\hspace{5pt}}r@{\hspace{2pt}}c") if arrows else "c"
    return ("r" if g.numbered else "") + "c|" + pair * len(g.col_labels)


def _grid_latex_panel(g: Grid, title, rows) -> str:
    lead = 2 if g.numbered else 1
    width = lead + len(g.col_labels) * (2 if any(c.arrows for row in rows for c in row) else 1)
    out = [r"\begin{tabular}[t]{%s}" % _grid_spec(g, rows, False)]
    if title:
        out.append(r"\multicolumn{%d}{c}{%s}\\[2pt]" % (width, _cell_latex(title)))
    out += _grid_rows(g, rows, math_latex, _cell_latex, lambda k: r"{\scriptsize %d}" % k, "$")
    out.append(r"\end{tabular}")
    return "\n".join(out)


def _mathjax_text(value) -> str:
    """``\\text{...}`` that MathJax, KaTeX and LaTeX all read (user text)."""
    if isinstance(value, InlineMath):
        return value.tex
    return r"\text{%s}" % escape_mathjax_text(str(value))


def _grid_markdown_table(g: Grid, rows) -> str:
    def cell(c: GridCell) -> str:
        arrows = "".join(_grid_arrow_math(d, tags, on, _mathjax_text) for d, tags, on in _grid_grouped(c))
        v = _grid_value_math(c, _mathjax_text)
        if not v and not arrows:
            return ""
        return "$" + (arrows + r"\," if arrows else "") + v + "$"
    label = lambda x: (f"${x.tex}$" if isinstance(x, InlineMath) else escape_markdown(str(x)))
    num = lambda k: f"{k} " if g.numbered else ""
    lines = ["| | " + " | ".join((num(j + g.col_start) + label(x)).strip() for j, x in enumerate(g.col_labels))
             + " |",
             "|---:|" + "|".join(":---:" for _ in g.col_labels) + "|"]
    for i, (x, row) in enumerate(zip(g.row_labels, rows)):
        lines.append("| " + (num(i + g.row_start) + label(x)).strip() + " | " + " | ".join(cell(c) for c in row)
                     + " |")
    return "\n".join(lines)


def grid_array(g: Grid) -> str:
    """A :class:`Grid` as math-mode ``array`` (one per panel, side by side), for notebooks
    (MathJax, KaTeX) and LaTeX alike; user text goes in ``\\text{}``."""
    out = []
    for title, rows in g.panels:
        lines = _grid_rows(g, rows, _mathjax_text, _mathjax_text, lambda k: r"\scriptstyle %d" % k, "")
        array = r"\begin{array}{%s}" % _grid_spec(g, rows, True) + "\n" + "\n".join(lines) + "\n" + r"\end{array}"
        if title:
            array = r"\begin{array}{c}%s\\%s\end{array}" % (_mathjax_text(title), array)
        out.append(array)
    return "\n\\qquad\n".join(out)


# ====================================================================== JSON
def json_value(value) -> tuple[Any, Any, bool]:
    """``(plain, exact, has_exact)`` for an answer value.

    plain: floats for non-integer exact numbers, ints for integers (Python's
    json writes big ones exactly), lists/dicts recursively. exact: the same
    structure with exact numbers as plain SymPy strings (``"3/4"``).
    """
    np = sys.modules.get("numpy")  # a numpy value exists only once numpy is imported: never import it for JSON
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value, value, False
    if isinstance(value, (sp.Integer, int)) or (np is not None and isinstance(value, np.integer)):
        return int(value), int(value), False
    if isinstance(value, sp.Basic):
        if value.is_number:
            plain = to_float(value)  # JSON has no Infinity or NaN: null, the exact string says which
            return (plain if math.isfinite(plain) else None), exact_string(value), True
        return exact_string(value), exact_string(value), True
    if isinstance(value, float) or (np is not None and isinstance(value, np.floating)):
        return float(value), float(value), False
    if np is not None and isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        parts = [json_value(v) for v in value]
        return [p[0] for p in parts], [p[1] for p in parts], any(p[2] for p in parts)
    if isinstance(value, dict):
        parts = {k: json_value(v) for k, v in value.items()}
        return ({k: p[0] for k, p in parts.items()}, {k: p[1] for k, p in parts.items()},
                any(p[2] for p in parts.values()))
    if isinstance(value, sp.MatrixBase):
        return json_value(value.tolist())
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


class JsonPrinter(_Printer):
    """The ``workedout.result/1`` JSON object: metadata, the answer keys at top level, ``exact``,
    the givens, and every step with its statement as text and LaTeX."""

    _default_settings = {"indent": 2}

    def doprint(self, result: ResultData) -> str:
        self.result = result
        # allow_nan=False: a NaN or Infinity token (invalid JSON) can never be written
        return json.dumps(self.to_object(result), indent=self.settings["indent"], ensure_ascii=False,
                          allow_nan=False) + "\n"

    def to_object(self, r: ResultData) -> dict:
        """The JSON object; a non-finite float becomes ``null``, named in a note. Text of any script is
        carried as it is (the ``latex`` fields pass what pdfTeX cannot set through, for MathJax)."""
        with unicode_latex():
            obj = self._object(r)
        found: list[tuple[str, str]] = []
        obj = _finite(obj, "", found)
        _infinite_exact(obj, found)
        if found:
            obj["notes"].append(_nonfinite_note(found))
        return obj

    def _object(self, r: ResultData) -> dict:
        text = TextPrinter(result=r)
        latex = LatexPrinter(result=r)
        obj: dict = {"schema": SCHEMA, "kind": r.kind, "title": r.title}
        exact = {}
        for key, value in r.answer.items():
            plain, ex, has = json_value(value)
            obj[key] = plain
            if has:
                exact[key] = ex
        obj["exact"] = exact
        obj["givens"] = []
        for g in r.givens:
            plain, ex, has = json_value(list(g.value) if isinstance(g.value, tuple) else g.value)
            name = g.name if isinstance(g.name, str) else (g.name.text if isinstance(g.name, InlineMath)
                                                             else sp.sstr(g.name))
            entry = {"name": name, "value": plain}
            if has:
                entry["exact"] = ex
            obj["givens"].append(entry)
        steps, section, n = [], None, 0
        for item in r.steps:
            if isinstance(item, Section):
                section = item.title
                continue
            n += 1
            latex._n, latex._label_of = n, None
            steps.append({
                "number": n, "section": section, "label": item.label,
                "statement": {"type": type(item.statement).__name__.lower(),
                              "text": text._print(item.statement), "latex": latex._print(item.statement),
                              **({"reasons": [text.words(w) if w else None for w in item.statement.reasons]}
                                 if isinstance(item.statement, Chain) and item.statement.reasons else {}),
                              **({"array": grid_array(item.statement)} if isinstance(item.statement, Grid) else {})},
                "justification": text.words(item.why),
                "checked": item.check is not None,
                "check": item.check.how if item.check else None,
                "role": item.role,
            })
        obj["steps"] = steps
        obj["notes"] = list(r.notes)
        if r.theorem:
            obj["theorem"] = {"text": text.words(r.theorem), "latex": latex.words(r.theorem)}
        return obj


def _finite(value, path: str, found: list):
    """``value`` with every non-finite float replaced by None, its path and kind added to ``found``."""
    if isinstance(value, float) and not math.isfinite(value):
        found.append((path, "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")))
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{path}.{k}" if path else str(k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    return value


_EXACT_NONFINITE = {"oo": "Infinity", "-oo": "-Infinity", "zoo": "complex infinity", "nan": "NaN"}


def _infinite_exact(obj: dict, found: list) -> None:
    """Answer values that are exact infinities (``oo``): null beside their exact string, named too."""
    def walk(plain, exact, path):
        if plain is None and isinstance(exact, str) and exact in _EXACT_NONFINITE:
            found.append((path, _EXACT_NONFINITE[exact]))
        elif isinstance(plain, list) and isinstance(exact, list):
            for i, (p, e) in enumerate(zip(plain, exact)):
                walk(p, e, f"{path}[{i}]")
        elif isinstance(plain, dict) and isinstance(exact, dict):
            for k in plain:
                if k in exact:
                    walk(plain[k], exact[k], f"{path}.{k}")
    for key, exact in obj.get("exact", {}).items():
        walk(obj.get(key), exact, key)


def _nonfinite_note(found: list[tuple[str, str]]) -> str:
    """One note naming the values written as null, runs of a list's items as ranges (``loss[0..9]``)."""
    groups: dict = {}
    for path, kind in found:
        m = re.fullmatch(r"([^\[]*)\[(\d+)\]", path)
        if m:  # an item of a top-level list: runs of indices as ranges
            groups.setdefault((m.group(1), kind), []).append(int(m.group(2)))
        else:  # deeper (rules[3].conviction): one entry per path shape, with its count
            groups.setdefault((re.sub(r"\[\d+\]", "[*]", path), kind), []).append(None)
    parts = []
    for (head, kind), indices in groups.items():
        if None in indices:
            many = f", {len(indices):,} values" if len(indices) > 1 else ""
            parts.append(f"{head} ({kind}{many})")
            continue
        runs, start = [], None
        nums = sorted(i for i in indices if i is not None)
        for a, b in zip(nums, nums[1:] + [None]):
            start = a if start is None else start
            if b != a + 1:
                runs.append(f"{start}" if start == a else f"{start}..{a}")
                start = None
        shown = runs if len(runs) <= 8 else runs[:8] + [f"and {len(runs) - 8} more"]
        parts.append(f"{head}[{', '.join(shown)}] ({kind})")
    return ("not finite, written as null (JSON has no NaN or Infinity): " + "; ".join(parts))


def json_object(r: ResultData) -> dict:
    """The JSON object of a result (see :class:`JsonPrinter`)."""
    return JsonPrinter(result=r).to_object(r)


# ==================================================================== render
def render(result: ResultData, fmt: str):
    """Render ``result`` in one of :data:`FORMATS` (``pdf`` gives bytes)."""
    printer = _PRINTERS.get(fmt)
    if printer is not None:
        return printer().doprint(result)
    if fmt == "tex-document":
        return latex_document([result])
    if fmt == "pdf":
        from .pdf import compile_pdf
        return compile_pdf(latex_document([result]))
    raise ValueError(f"--format: {fmt!r} is not a format; expected one of {', '.join(FORMATS)}")


_PRINTERS = {"text": TextPrinter, "tex": LatexPrinter, "md": MarkdownPrinter, "json": JsonPrinter}
