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

import json
import re
from typing import Any, Iterable

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from derivations.exact import exact_string, to_float
from derivations.markup import Tex, escape_latex, escape_markdown
from derivations.result import (Chain, Display, InlineMath, Prose, Ref, Result, Section, Step,
                                Table)

__all__ = ["TextPrinter", "LatexPrinter", "MarkdownPrinter", "render", "json_object",
           "json_value", "latex_document", "FORMATS", "math_latex"]

FORMATS = ("text", "tex", "tex-document", "md", "json", "pdf")
SCHEMA = "workedout.result/1"
_LATEX_RELATIONS = {"=": "=", "\\approx": "\\approx", "<": "<", ">": ">", "\\le": "\\le",
                    "\\ge": "\\ge", "\\propto": "\\propto"}
_TEXT_RELATIONS = {"=": "=", "\\approx": "≈", "<": "<", ">": ">", "\\le": "≤", "\\ge": "≥",
                   "\\propto": "∝"}


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
    if isinstance(obj, InlineMath):
        return obj.text
    if isinstance(obj, (str, int, float)):
        return str(obj)
    return sp.sstr(obj)


class _Printer:
    _default_settings: dict = {}

    def __init__(self, **settings):
        unknown = set(settings) - set(self._default_settings)
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {sorted(unknown)}")
        self.settings = {**self._default_settings, **settings}
        self.result: Result | None = None

    def _print(self, obj):
        for cls in type(obj).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(obj)
        raise TypeError(f"{type(self).__name__} cannot print {type(obj).__name__}")

    def doprint(self, result: Result) -> str:
        self.result = result
        return self._print(result)

    def _ref_number(self, ref: Ref) -> int:
        if self.result is None:
            raise ValueError("a Ref can only be printed inside a result")
        return self.result.step_number(ref.label)

    def words(self, parts: Iterable) -> str:
        return "".join(self._word(p) for p in parts)


# ====================================================================== text
class TextPrinter(_Printer):
    """Plain text for a terminal: Unicode pretty-printed maths, aligned tables."""

    _default_settings = {"width": 100, "unicode": True}

    def _pretty(self, obj) -> prettyForm:
        if isinstance(obj, (InlineMath, str, int, float)):
            return prettyForm(_math_text(obj))
        return PrettyPrinter({"use_unicode": self.settings["unicode"], "wrap_line": False})._print(obj)

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return f"({self._ref_number(part)})"
        if isinstance(part, sp.Basic):
            return self._inline(part)
        return _math_text(part)

    def _inline(self, obj) -> str:
        """One-line Unicode form when it fits on one line (``π₁ = 1/2``), else sstr."""
        pretty = sp.pretty(obj, use_unicode=self.settings["unicode"], wrap_line=False)
        if "\n" not in pretty:
            return pretty
        if isinstance(obj, sp.Eq):
            return f"{sp.sstr(obj.lhs)} = {sp.sstr(obj.rhs)}"
        return sp.sstr(obj)

    def _print_Result(self, r: Result) -> str:
        out = [r.title, "=" * min(len(r.title), self.settings["width"]), ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            out.append("Given:")
            for g in r.givens:
                line = f"  {self._word(g.name) if not isinstance(g.name, str) else g.name} = {_value_text(g.value)}"
                out.append(line + (f"   ({g.description})" if g.description else ""))
            out.append("")
        n = 0
        for item in r.steps:
            if isinstance(item, Section):
                out += [item.title, "-" * len(item.title)]
                if item.intro:
                    out.append(self.words(item.intro))
                out.append("")
                continue
            n += 1
            out.append(self._step(n, item))
            out.append("")
        for note in r.notes:
            out.append(f"Note: {note}")
        return "\n".join(out).rstrip() + "\n"

    def _step(self, n: int, step: Step) -> str:
        head = f"({n}) {self.words(step.why)}".rstrip()
        mark = f"    [checked: {step.check.how}]" if step.check else "    [not machine-checked]"
        body = self._print(step.statement)
        indented = "\n".join("    " + line if line else line for line in body.splitlines())
        return f"{head}\n{indented}\n{mark}"

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        obj = d.expr
        if isinstance(obj, sp.Eq):
            return self._join([self._pretty(obj.lhs), prettyForm(" = "), self._pretty(obj.rhs)])
        return self._pretty(obj).render(wrap_line=False)

    def _print_Chain(self, c: Chain) -> str:
        rels = _link_relations(c, _TEXT_RELATIONS)
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


def _link_relations(c: Chain, table: dict) -> list[str]:
    """The relation before each link: a decimal (sp.Float) after exact '=' is '≈'."""
    return [table["\\approx"] if c.rel == "=" and isinstance(r, sp.Float) else table[c.rel]
            for r in c.rhs]


def _cell_text(cell) -> str:
    if isinstance(cell, float):
        return f"{cell:.6g}"
    return _math_text(cell) if not isinstance(cell, sp.Basic) else sp.sstr(cell)


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

    _default_settings = {"heading": "section"}

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return r"\eqref{%s}" % self._label(part.label)
        if isinstance(part, (sp.Basic, InlineMath, Tex)):
            return f"${math_latex(part)}$"
        return escape_latex(str(part))

    def _label(self, label: str) -> str:
        return "eq:%s:%s" % (self.result.kind.replace(".", "-"), label) if self.result else label

    def _print_Result(self, r: Result) -> str:
        h = self.settings["heading"]
        sub = {"section": "subsection", "subsection": "subsubsection"}.get(h, "paragraph")
        out = [r"\%s*{%s}" % (h, escape_latex(r.title, what="title")), ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            items = ", ".join(f"${_given_latex(g)}$" + (f" ({escape_latex(g.description)})" if g.description else "")
                              for g in r.givens)
            out += [r"\noindent\textbf{Given:} " + items + ".", ""]
        n = 0
        for item in r.steps:
            if isinstance(item, Section):
                out += [r"\%s*{%s}" % (sub, escape_latex(item.title, what="section title")), ""]
                if item.intro:
                    out += [self.words(item.intro), ""]
                continue
            n += 1
            out += [self._step(n, item), ""]
        for note in r.notes:
            out += [r"\noindent\emph{Note:} " + escape_latex(note), ""]
        return "\n".join(out).rstrip() + "\n"

    def _step(self, n: int, step: Step) -> str:
        why = self.words(step.why)
        mark = (r"$\checkmark$\,checked: %s" % escape_latex(step.check.how) if step.check
                else "not machine-checked")
        self._n, self._label_of = n, step.label
        return ("\\par\\noindent\\textbf{%d.}\\ %s\n%s\n{\\raggedleft\\footnotesize\\itshape %s\\par}"
                % (n, why, self._print(step.statement), mark))

    def _tag(self) -> str:
        label = r"\label{%s}" % self._label(self._label_of) if self._label_of else ""
        return r"\tag{%d}%s" % (self._n, label)

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        obj = d.expr
        body = (f"{math_latex(obj.lhs)} &= {math_latex(obj.rhs)}" if isinstance(obj, sp.Eq)
                else math_latex(obj))
        return "\\begin{align}\n  %s %s\n\\end{align}" % (body, self._tag())

    def _print_Chain(self, c: Chain) -> str:
        rels = _link_relations(c, _LATEX_RELATIONS)
        lines = [f"{math_latex(c.lhs)} &{rels[0]} {math_latex(c.rhs[0])}"]
        lines += [f"&{rel} {math_latex(r)}" for rel, r in zip(rels[1:], c.rhs[1:])]
        lines = [line + r" \notag" for line in lines[:-1]] + [lines[-1] + " " + self._tag()]
        return "\\begin{align}\n  " + " \\\\\n  ".join(lines) + "\n\\end{align}"

    def _print_Table(self, t: Table) -> str:
        spec = t.align or "c" * len(t.header)
        row = lambda cells: " & ".join(_cell_latex(c) for c in cells) + r" \\"
        lines = [r"\begin{center}", r"\begin{tabular}{%s}" % spec, r"\toprule", row(t.header), r"\midrule"]
        lines += [row(r) for r in t.rows]
        lines += [r"\bottomrule", r"\end{tabular}"]
        if t.caption:
            lines.append(r"\\[2pt]{\small %s}" % self.words(t.caption))
        lines.append(r"\end{center}")
        return "\n".join(lines)


def _cell_latex(cell) -> str:
    if isinstance(cell, str) and not isinstance(cell, Tex):
        return escape_latex(cell)
    if isinstance(cell, float):
        return f"${cell:.6g}$"
    return f"${math_latex(cell)}$"


def _given_latex(g) -> str:
    name = escape_latex(g.name) if isinstance(g.name, str) and not isinstance(g.name, Tex) else math_latex(g.name)
    value = g.value
    if isinstance(value, (list, tuple)):
        inner = ", ".join(math_latex(v) for v in value)
        return f"{name} = ({inner})"
    return f"{name} = {math_latex(value)}"


def latex_document(results: list[Result], *, title: str | None = None,
                   figures: list[tuple[str, str]] = ()) -> str:
    """A standalone document holding one or more results, and figures.

    Only packages from Debian's texlive-latex-base, -latex-recommended and
    -pictures; no ``\\input`` or ``\\write``; pdfTeX's date and ID omitted so
    the same input gives the same PDF bytes.

    Parameters
    ----------
    figures : list of (file name, caption)
        Image files (in the compile directory) shown after the results.
    """
    lines = [
        r"\pdfinfoomitdate=1", r"\pdftrailerid{}", r"\pdfsuppressptexinfo=-1",
        r"\documentclass[11pt]{article}",
        r"\usepackage[a4paper,margin=2.2cm]{geometry}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage{booktabs,array}",
        r"\usepackage{graphicx}",
        r"\usepackage{microtype}",
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

    _default_settings = {"heading_level": 2}

    def _word(self, part) -> str:
        if isinstance(part, Ref):
            return f"({self._ref_number(part)})"
        if isinstance(part, (sp.Basic, InlineMath, Tex)):
            return f"${math_latex(part)}$"
        return escape_markdown(str(part))

    def _print_Result(self, r: Result) -> str:
        hashes = "#" * self.settings["heading_level"]
        out = [f"{hashes} {escape_markdown(r.title)}", ""]
        if r.intro:
            out += [self.words(r.intro), ""]
        if r.givens:
            items = ", ".join(f"${_given_latex(g)}$" for g in r.givens)
            out += [f"**Given:** {items}.", ""]
        n = 0
        for item in r.steps:
            if isinstance(item, Section):
                out += [f"{hashes}# {escape_markdown(item.title)}", ""]
                if item.intro:
                    out += [self.words(item.intro), ""]
                continue
            n += 1
            mark = f" *(✓ {escape_markdown(item.check.how)})*" if item.check else " *(not machine-checked)*"
            out += [f"**{n}.** {self.words(item.why)}{mark}", ""]
            self._n = n
            out += [self._print(item.statement), ""]
        for note in r.notes:
            out += [f"*Note:* {escape_markdown(note)}", ""]
        return "\n".join(out).rstrip() + "\n"

    def _print_Prose(self, p: Prose) -> str:
        return self.words(p.parts)

    def _print_Display(self, d: Display) -> str:
        obj = d.expr
        body = (f"{math_latex(obj.lhs)} = {math_latex(obj.rhs)}" if isinstance(obj, sp.Eq)
                else math_latex(obj))
        return f"$$\n{body} \\tag{{{self._n}}}\n$$"

    def _print_Chain(self, c: Chain) -> str:
        rels = _link_relations(c, _LATEX_RELATIONS)
        lines = [f"{math_latex(c.lhs)} &{rels[0]} {math_latex(c.rhs[0])}"]
        lines += [f"&{rel} {math_latex(r)}" for rel, r in zip(rels[1:], c.rhs[1:])]
        return "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + f"\n\\end{{aligned}} \\tag{{{self._n}}}\n$$"

    def _print_Table(self, t: Table) -> str:
        def cell(c):
            if isinstance(c, str) and not isinstance(c, Tex):
                return escape_markdown(c)
            if isinstance(c, float):
                return f"{c:.6g}"
            return "$" + math_latex(c).replace("|", r"\vert ") + "$"
        lines = ["| " + " | ".join(cell(c) for c in t.header) + " |",
                 "|" + "|".join(":---:" for _ in t.header) + "|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in t.rows]
        if t.caption:
            lines += ["", self.words(t.caption)]
        return "\n".join(lines)


# ====================================================================== JSON
def json_value(value) -> tuple[Any, Any, bool]:
    """``(plain, exact, has_exact)`` for an answer value.

    plain: floats for non-integer exact numbers, ints for integers (Python's
    json writes big ones exactly), lists/dicts recursively. exact: the same
    structure with exact numbers as plain SymPy strings (``"3/4"``).
    """
    import numpy as np
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value, value, False
    if isinstance(value, (sp.Integer, int, np.integer)):
        return int(value), int(value), False
    if isinstance(value, sp.Basic):
        if value.is_number:
            return to_float(value), exact_string(value), True
        return exact_string(value), exact_string(value), True
    if isinstance(value, (float, np.floating)):
        return float(value), float(value), False
    if isinstance(value, np.ndarray):
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


def json_object(r: Result) -> dict:
    text = TextPrinter()
    text.result = r
    latex = LatexPrinter()
    latex.result = r
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
        entry = {"name": g.name if isinstance(g.name, str) else sp.sstr(g.name), "value": plain}
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
                          "text": text._print(item.statement), "latex": latex._print(item.statement)},
            "justification": text.words(item.why),
            "checked": item.check is not None,
            "check": item.check.how if item.check else None,
        })
    obj["steps"] = steps
    obj["notes"] = list(r.notes)
    return obj


# ==================================================================== render
def render(result: Result, fmt: str):
    """Render ``result`` in one of :data:`FORMATS` (``pdf`` gives bytes)."""
    if fmt == "text":
        return TextPrinter().doprint(result)
    if fmt == "tex":
        return LatexPrinter().doprint(result)
    if fmt == "tex-document":
        return latex_document([result])
    if fmt == "md":
        return MarkdownPrinter().doprint(result)
    if fmt == "json":
        return json.dumps(json_object(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "pdf":
        from derivations.pdf import compile_pdf
        return compile_pdf(latex_document([result]))
    raise ValueError(f"--format: {fmt!r} is not a format; expected one of {', '.join(FORMATS)}")
