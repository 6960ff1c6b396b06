"""The shared printing core: one printer per format over one walk, golden strings as SymPy's printer tests."""
from __future__ import annotations

import json

import pytest
import sympy as sp

from workedout.derivations.model import Chain, Display, Given, Grid, GridCell, Prose, Ref, Section, Step, Table, \
    checked, words
from workedout.derivations.printers import FORMATS, JsonPrinter, LatexPrinter, MarkdownPrinter, TextPrinter, \
    json_object, render
from workedout.derivations.result import Result

x = sp.Symbol("x")


def _result(**kw) -> Result:
    steps = [Section("First part", words("An intro.")),
             Step(Chain(x, [sp.Integer(1) + 1, sp.Integer(2)]), why=words("add ", x), label="add",
                  check=checked("recomputed", True)),
             Step(Prose(words("as in ", Ref("add"), ", a_1 & 50% #1"))),
             Step(Table(["k", "v"], [["a", sp.Rational(1, 2)], ["b_c", 3]]), why=("a table",))]
    return Result(kind="demo.x", title="Title & more", givens=[Given(x, 2, "the point")], steps=steps,
                  answer={"value": sp.Rational(1, 2), "n": 3}, notes=["a note"], **kw)


def test_text_golden():
    assert TextPrinter().doprint(_result()) == (
        "Title & more\n============\n\nGiven:\n  x = 2   (the point)\n\nFirst part\n----------\nAn intro.\n\n"
        "(1) add x\n    x = 2 = 2\n    [checked: recomputed]\n\n"
        "(2)\n    as in (1), a_1 & 50% #1\n    [not machine-checked]\n\n"
        "(3) a table\n    k    v\n    ---  ---\n    a    1/2\n    b_c    3\n    [not machine-checked]\n\n"
        "Note: a note\n")


def test_latex_escapes_user_text_and_tags_each_step():
    tex = LatexPrinter().doprint(_result())
    assert tex.startswith("\\section*{\\raggedright \\mbox{Title} \\mbox{\\&} \\mbox{more}}\n")
    assert "\\subsection*{First part}" in tex
    assert "\\tag{1}\\label{eq:demo-x:add}" in tex
    assert "as in \\eqref{eq:demo-x:add}, a\\_1 \\& 50\\% \\#1" in tex
    assert "b\\_c & $3$ \\\\" in tex


def test_markdown_escapes_user_text_and_numbers_steps():
    md = MarkdownPrinter().doprint(_result())
    assert md.startswith("## Title &amp; more\n")
    assert "### First part" in md and "**1.** add $x$ *(✓ recomputed)*" in md
    assert "\\tag{1}" in md and "as in (1), a\\_1 &amp; 50% #1" in md


def test_json_printer_is_the_json_format():
    r = _result()
    data = json.loads(JsonPrinter().doprint(r))
    assert data == json_object(r) == json.loads(render(r, "json"))
    assert data["schema"] == "workedout.result/1" and data["value"] == 0.5 and data["exact"] == {"value": "1/2"}
    assert [s["number"] for s in data["steps"]] == [1, 2, 3] and data["steps"][0]["section"] == "First part"
    assert data["steps"][0]["statement"]["latex"].count("\\tag{1}") == 1


def test_a_printer_keeps_no_state_between_results():
    printer = LatexPrinter()
    first = printer.doprint(_result())
    assert printer.doprint(_result()) == first == LatexPrinter().doprint(_result())


def test_long_tables_are_split_by_the_latex_printer_only():
    rows = [[str(k), k] for k in range(95)]
    r = Result(kind="t", title="t", steps=[Step(Table(["name", "k"], rows, caption=("the end",)))])
    tex = LatexPrinter().doprint(r)
    assert tex.count("\\begin{tabular}") == 3 and tex.count("\\toprule") == 3
    assert "(continued: rows 43 to 84 of 95)" in tex and "(continued: rows 85 to 95 of 95)" in tex
    assert tex.count("the end") == 1 and tex.rindex("the end") > tex.rindex("\\begin{tabular}")
    assert LatexPrinter(table_rows=100).doprint(r).count("\\begin{tabular}") == 1
    assert TextPrinter().doprint(r).count("name") == 1 and MarkdownPrinter().doprint(r).count("| name |") == 1
    tall = Result(kind="t", title="t", steps=[Step(Table(["name", "k"], rows[:12], row_height=4, group=2))])
    assert LatexPrinter().doprint(tall).count("\\begin{tabular}") == 2      # 42 lines / 4 = 10 rows, in pairs


def test_grid_in_every_text_format():
    g = Grid(["A"], ["B", "C"], [("H", [[GridCell(1, ("diag",), True), GridCell(-sp.oo, ("up", "left"))]])])
    r = Result(kind="g", title="g", steps=[Step(g)])
    assert "[1]" in TextPrinter().doprint(r)
    assert "\\boxed" in LatexPrinter().doprint(r) or "\\fbox" in LatexPrinter().doprint(r)
    assert "| A |" in MarkdownPrinter().doprint(r).replace("0 A", "A")


def test_unknown_settings_and_formats_are_refused():
    with pytest.raises(TypeError, match="unknown setting"):
        LatexPrinter(colour="red")
    with pytest.raises(ValueError, match="--format: 'docx' is not a format"):
        render(_result(), "docx")
    assert FORMATS == ("text", "tex", "tex-document", "md", "json", "pdf")


def test_display_of_an_equation():
    r = Result(kind="d", title="d", steps=[Step(Display(sp.Eq(x, sp.Rational(1, 2))))])
    assert "x &= \\frac{1}{2} \\tag{1}" in LatexPrinter().doprint(r)


def test_a_title_is_never_hyphenated():
    """A hyphen in an alignment title would read as a gap: each word of a title is kept whole."""
    r = Result(kind="t", title="Alignment of HEAGAWGHEE and PAWHEAE", steps=[])
    assert LatexPrinter().doprint(r).startswith(
        r"\section*{\raggedright \mbox{Alignment} \mbox{of} \mbox{HEAGAWGHEE} \mbox{and} \mbox{PAWHEAE}}")
    with pytest.raises(ValueError, match="title: character '☃' .* at position 3"):
        LatexPrinter().doprint(Result(kind="t", title="ab☃", steps=[]))
