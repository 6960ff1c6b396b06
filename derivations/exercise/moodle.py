"""One Moodle XML question bank from generated exercises: one Cloze question per exercise.

Moodle's XML format (docs.moodle.org, "Moodle XML format"): a ``<quiz>`` holding a
``<question type="category">`` that names where the questions go, then one
``<question type="cloze">`` per exercise with ``<name><text>``, ``<questiontext
format="html"><text><![CDATA[...]]></text>``, ``<generalfeedback>``, ``<penalty>``
and ``<hidden>0</hidden>``. The question text is HTML: the question in words
(escaped), the data as HTML tables (or ``<pre>``), and one numbered answer per
quiz part (:meth:`~.base.Exercise.quiz_parts`):

* a number as ``{1:NUMERICAL:=value:tolerance}``, the tolerance accepting the key
  rounded to 4 significant digits (0 for an integer);
* a word as ``{1:SHORTANSWER:=word}``, with what a Cloze sub-question reads as
  syntax (``}``, ``#``, ``~``, ``/``, ``"``, ``\\``) escaped by a backslash, as
  Moodle's "Embedded Answers (Cloze) question type" page asks.

CDATA never holds ``]]>`` (the HTML is escaped, and :func:`cdata` splits it anyway),
and characters XML 1.0 forbids are dropped.
"""
from __future__ import annotations

import html
import math
import re
from decimal import Decimal
from fractions import Fraction

__all__ = ["moodle_xml", "cloze_part", "cloze_escape", "tolerance", "cdata", "question_html"]

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CLOZE_SPECIAL = re.compile(r'([\\}#~/"])')


def _xml_text(text: str) -> str:
    return html.escape(_XML_FORBIDDEN.sub("", str(text)), quote=False)


def cdata(text: str) -> str:
    """``text`` in a CDATA section; a ``]]>`` inside is split across two sections."""
    text = _XML_FORBIDDEN.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def cloze_escape(text: str) -> str:
    """A word answer as a Cloze sub-question reads it: ``} # ~ / " \\`` escaped by a backslash."""
    return _CLOZE_SPECIAL.sub(r"\\\1", text)


def _number(value):
    """A quiz part's value as an int or a Decimal (exact), or None for a word."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"quiz part: {value!r} is not a finite number")
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            return Decimal(text)
        if re.fullmatch(r"[+-]?\d+/\d+", text):
            f = Fraction(text)
            return f.numerator if f.denominator == 1 else Decimal(f.numerator) / Decimal(f.denominator)
        return None
    try:  # SymPy numbers, numpy scalars
        f = Fraction(str(value))
    except (ValueError, TypeError):
        return None
    return f.numerator if f.denominator == 1 else Decimal(f.numerator) / Decimal(f.denominator)


def tolerance(value) -> Decimal:
    """The absolute tolerance of a numeric part: 0 for an integer, else 1.01 half-units of the 4th significant digit.

    So the key rounded to 4 significant digits is accepted (it is at most half a unit away) and a value
    1% off is refused (it is at least ten units of the 4th digit away, for a value of 4 significant digits
    or more; a 1% error of a value such as 1.2 is 120 units of the 4th digit).
    """
    if isinstance(value, int) or value == 0:
        return Decimal(0)
    exponent = value.adjusted()  # the position of the first significant digit
    return Decimal("5.05").scaleb(exponent - 4)


def _plain(d: Decimal) -> str:
    """A Decimal in positional notation (Moodle reads plain decimals), at most 15 significant digits."""
    d = +d.normalize() if d.adjusted() >= -30 else d
    q = d.quantize(Decimal(1).scaleb(min(0, d.adjusted() - 14))) if d != 0 else Decimal(0)
    text = format(q.normalize(), "f")
    return "0" if text in ("-0", "") else text


def cloze_part(value) -> str:
    """One Cloze sub-question: ``{1:NUMERICAL:=v:tol}`` for a number, ``{1:SHORTANSWER:=word}`` for a word."""
    n = _number(value)
    if n is None:
        word = "true" if value is True else "false" if value is False else str(value)
        return "{1:SHORTANSWER:=" + cloze_escape(html.escape(word, quote=False)) + "}"
    if isinstance(n, int):
        return f"{{1:NUMERICAL:={n}:0}}"
    return f"{{1:NUMERICAL:={_plain(n)}:{_plain(tolerance(n))}}}"


def _matrix_table(rows) -> str:
    body = "".join("<tr>" + "".join(f'<td style="text-align:right;padding:0 0.6em">{html.escape(str(c))}</td>'
                                    for c in row) + "</tr>" for row in rows)
    return f'<table border="1" style="border-collapse:collapse">{body}</table>'


def _statement_html(step) -> str:
    """One statement of the question (a matrix, a table, prose) as HTML."""
    import sympy as sp

    from ..model import Display, Prose, Table
    from ..printers import _cell_text
    from ..result import Result
    s = getattr(step, "statement", step)
    if isinstance(s, Display):
        s = s.expr
    why = "".join(str(w) for w in getattr(step, "why", ()) if isinstance(w, str))
    caption = f"<p>{html.escape(why)}</p>" if why else ""
    if isinstance(s, sp.Equality) and isinstance(s.rhs, sp.MatrixBase):
        return (caption + f"<p>{html.escape(sp.sstr(s.lhs))} =</p>"
                + _matrix_table([[sp.sstr(v) for v in row] for row in s.rhs.tolist()]))
    if isinstance(s, Table):
        head = "<tr>" + "".join(f"<th>{html.escape(_cell_text(h))}</th>" for h in s.header) + "</tr>"
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell_text(c))}</td>" for c in row) + "</tr>"
                       for row in s.rows)
        return caption + f'<table border="1" style="border-collapse:collapse">{head}{body}</table>'
    if isinstance(s, Prose):
        return f"<p>{html.escape(''.join(str(p) for p in s.parts))}</p>"
    text = Result(kind="moodle", title="", steps=[step], show_checks=False).render("text")
    return f"<pre>{html.escape(re.sub(r'^[(]1[)] ', '', text.strip()))}</pre>"


def question_html(exercise) -> str:
    """The question text of one Cloze question: the words, the data, one numbered answer per quiz part."""
    parts = exercise.quiz_parts()
    out = [f"<p>{html.escape(exercise.question)}</p>"]
    out += [_statement_html(step) for step in exercise.statements]
    out.append("<ol>")
    out += [f"<li>{html.escape(p.label)}: {cloze_part(p.value)}</li>" for p in parts]
    out.append("</ol>")
    return "\n".join(out)


def moodle_xml(questions, *, category: str = "workedout") -> str:
    """A Moodle XML question bank: ``questions`` is a list of ``(name, Exercise)``, one Cloze question each."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>",
             '  <question type="category">',
             f"    <category><text>{_xml_text('$course$/top/' + category)}</text></category>",
             '    <info format="html"><text></text></info>',
             "  </question>"]
    for name, ex in questions:
        feedback = (f"<p>Worked solution: run <code>{html.escape(' '.join(_quoted(a) for a in ex.command))}"
                    "</code></p>")
        lines += ['  <question type="cloze">',
                  f"    <name><text>{_xml_text(name)}</text></name>",
                  f'    <questiontext format="html"><text>{cdata(question_html(ex))}</text></questiontext>',
                  f'    <generalfeedback format="html"><text>{cdata(feedback)}</text></generalfeedback>',
                  "    <penalty>0.3333333</penalty>",
                  "    <hidden>0</hidden>",
                  f"    <idnumber>{_xml_text(name.replace(' ', '-'))}</idnumber>",
                  "  </question>"]
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def _quoted(arg: str) -> str:
    import shlex
    return shlex.quote(arg)
