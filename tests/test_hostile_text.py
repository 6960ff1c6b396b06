"""Hostile text in every format (issue 15, items 6, 7, 9, 10): any Unicode in text, Markdown and JSON,
control characters shown escaped, every string the LaTeX escaper accepts compiles (Type 1 fonts only),
and JSON that is always valid."""
import json
import math
import subprocess
import unicodedata

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.markup import escape_control, escape_latex, escape_markdown, is_control
from workedout.derivations.pdf import compile_pdf
from workedout.derivations.printers import json_object, latex_document
from workedout.derivations.result import Given, Prose, Result, Section, Step, Table
from tests.conftest import require_pdflatex

ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1"]
FORGED = "\x1b[2J\x1b[HAll 4 given value(s) agree"
CONTROLS = "".join(map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def _hostile_result(s: str) -> Result:
    """``s`` in every place a user's string reaches: title, givens, section, prose, table cells, note."""
    return Result(kind="t", title=f"title {s}", givens=[Given(f"n{s}", 1, f"given {s}")],
                  steps=[Section(f"section {s}"), Step(Prose((f"prose {s}", " end"))),
                         Step(Table(["item", f"h{s}"], [[f"cell {s}", "1"]]))],
                  notes=[f"note {s}"], answer={"value": s})


def _raw_controls(text: str, keep: str = "\n") -> list[str]:
    return [ch for ch in text if is_control(ch) and ch not in keep]


# ------------------------------------------------------------------ item 6: any Unicode outside LaTeX
@pytest.mark.parametrize("s", ["牛奶", "😀", "Ω≠Ω 😀 ☃ 東京", "a\u200db"])
def test_text_markdown_json_carry_any_unicode(s):
    r = _hostile_result(s)
    assert s in r.render("text") and s in r.render("md")
    obj = json.loads(r.render("json"))
    assert obj["title"] == f"title {s}" and obj["value"] == s
    unset = [ch for ch in s if not ch.isspace() and ch not in ACCEPTED]
    latex = "".join(step["statement"]["latex"] for step in obj["steps"])
    assert unset and all(ch in latex for ch in unset)  # for MathJax and Unicode engines: passed through


@pytest.mark.parametrize("fmt", ["tex", "tex-document"])
def test_only_latex_refuses_naming_character_and_position(fmt):
    with pytest.raises(ValueError, match=r"character '牛' \(U\+725B CJK UNIFIED IDEOGRAPH-725B\) at position 7 "
                                         r"of 'title 牛奶' cannot be typeset by the PDF backend"):
        _hostile_result("牛奶").render(fmt)


def test_cjk_item_names_in_apriori(run_cli, tmp_path):
    db = tmp_path / "cjk.csv"
    db.write_text("牛奶,面包\n牛奶,黄油\n面包,牛奶,黄油\n", encoding="utf-8")
    for fmt in ("text", "md"):
        status, out, err = run_cli("apriori", db, "--min-support", "1/2", "--format", fmt)
        assert status == 0 and "牛奶" in out and not err
    status, out, err = run_cli("apriori", db, "--min-support", "1/2", "--format", "json")
    assert status == 0 and not err
    assert "牛奶" in json.dumps(json.loads(out), ensure_ascii=False)
    status, out, err = run_cli("apriori", db, "--min-support", "1/2", "--format", "pdf", "-o", tmp_path / "a.pdf")
    assert status == 2 and "character '牛' (U+725B" in err and "cannot be typeset by the PDF backend" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "a.pdf").exists()


def test_emoji_in_an_answer_json_and_pdf(run_cli, tmp_path):
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"responsibilities": ["1/2😀", "1/2"]}), encoding="utf-8")
    status, out, err = run_cli(*ESTEP, "--check", answer, "--format", "json")
    assert status == 1 and not err and "1/2😀" in out
    json.loads(out)
    status, out, err = run_cli(*ESTEP, "--check", answer, "--format", "pdf", "-o", tmp_path / "r.pdf")
    assert status == 2 and "character '😀' (U+1F600 GRINNING FACE) at position 4 of '1/2😀'" in err
    assert not (tmp_path / "r.pdf").exists()


# ------------------------------------------------------------------ item 7: terminal injection
def test_forged_answer_is_shown_escaped_in_the_check_report(run_cli, tmp_path):
    answer = tmp_path / "a.json"
    answer.write_text(json.dumps({"responsibilities": [FORGED + "\u202e", "1/2"]}), encoding="utf-8")
    for fmt in ("text", "md"):
        status, out, err = run_cli(*ESTEP, "--check", answer, "--format", fmt)
        assert status == 1 and not _raw_controls(out) and not _raw_controls(err)
        assert "\\x1b" in out.replace("\\\\", "\\") and "\\u202e" in out.replace("\\\\", "\\")
    status, out, err = run_cli(*ESTEP, "--check", answer, "--format", "json")
    assert FORGED + "\u202e" in [row.get("given") for row in _rows(json.loads(out))]  # the original string


def _rows(obj):
    """Every dict inside a JSON object (a check report's rows)."""
    if isinstance(obj, dict):
        yield obj
        for v in obj.values():
            yield from _rows(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _rows(v)


def test_spmf_item_names_fasta_ids_are_shown_escaped(run_cli, tmp_path):
    db = tmp_path / "items.txt"
    db.write_text("@CONVERTED_FROM_TEXT\n@ITEM=1=\x1b[2Jmilk\n@ITEM=2=bread\n1 2\n1\n2 1\n", encoding="utf-8")
    fasta = tmp_path / "pair.fa"
    fasta.write_text(">s\x1b[31mone\nACGT\n>two\u202e\nAGT\n", encoding="utf-8")
    for argv in (["apriori", db, "--min-support", "2"], ["align", fasta]):
        for fmt in ("text", "md"):
            status, out, err = run_cli(*argv, "--format", fmt)
            if status == 2:  # a reader may refuse a control character outright: one clear line
                assert len(err.strip().splitlines()) == 1 and not _raw_controls(err)
                continue
            assert status == 0 and not _raw_controls(out), (argv, fmt)
            assert "x1b" in out


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_every_control_character_is_escaped_everywhere(fmt):
    out = _hostile_result(CONTROLS).render(fmt)
    assert not _raw_controls(out)
    assert "\\x1b" in out.replace("\\\\", "\\") and "\\u202e" in out.replace("\\\\", "\\")


def test_json_keeps_the_original_string():
    obj = json.loads(_hostile_result(FORGED).render("json"))
    assert obj["value"] == FORGED and obj["title"] == "title " + FORGED


@given(st.text())
def test_escape_control_law(s):
    out = escape_control(s)
    assert not _raw_controls(out, keep="")
    if not any(is_control(ch) for ch in s):
        assert out == s
    assert not _raw_controls(escape_markdown(s), keep="")
    assert escape_control(s, keep="\n").count("\n") == s.count("\n")


def test_escape_control_forms():
    assert escape_control("a\x1b[2Jb\u202ec\x7f\x85\td\ne") == r"a\x1b[2Jb\u202ec\x7f\x85\td\ne"
    assert escape_control("a\tb\nc", keep="\n\t") == "a\tb\nc"
    assert escape_latex("a\x1bb") == r"a\textbackslash{}x1bb"


# ------------------------------------------------------------------ item 9: every accepted string compiles
def _accepted() -> list[str]:
    """Every character escape_latex accepts: the whole BMP up to the CJK blocks, tried one by one."""
    out = []
    for cp in range(0, 0x3000):
        ch = chr(cp)
        try:
            escape_latex(ch)
        except ValueError:
            continue
        out.append(ch)
    return out


ACCEPTED = _accepted()


def _type3_fonts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines()[2:] if "Type 1" not in line]


def _compiles_with_type1_fonts(strings: list[str], tmp_path):
    """One document: each string as a title, a table cell, prose, a given and a note."""
    results = [_hostile_result(s) for s in strings]
    pdf = compile_pdf(latex_document(results), timeout=60)
    assert pdf.startswith(b"%PDF")
    assert _type3_fonts(pdf, tmp_path) == []  # no bitmap (TS1/T1) font: they are missing without cm-super


def test_the_accepted_set():
    for ch in "$£©§¶•ąęĄĘǫ" + "éøßαΩΑ€"[:-1] + "\x1b\u202e":
        assert ch in ACCEPTED, ch
    assert "牛" not in ACCEPTED and "😀" not in ACCEPTED and "€" not in ACCEPTED
    assert len(ACCEPTED) > 500


def test_every_accepted_character_compiles(tmp_path):
    require_pdflatex()
    chunks = ["".join(ACCEPTED[k:k + 24]) for k in range(0, len(ACCEPTED), 24)]
    _compiles_with_type1_fonts(chunks, tmp_path)


@settings(max_examples=3)
@given(st.lists(st.text(alphabet=st.sampled_from(ACCEPTED), min_size=1, max_size=30), min_size=8, max_size=8))
def test_accepted_strings_compile(tmp_path_factory, strings):
    require_pdflatex()
    _compiles_with_type1_fonts(strings, tmp_path_factory.mktemp("pdf"))


@pytest.mark.parametrize("argv", [["align", "A$C", "AC"], ["align", "Aą£©§¶•", "A"], ["align", "Aα", "A"]])
def test_reported_pdfs_compile(run_cli, tmp_path, argv):
    require_pdflatex()
    out = tmp_path / "x.pdf"
    status, _, err = run_cli(*argv, "--format", "pdf", "-o", out)
    assert status == 0, err
    assert _type3_fonts(out.read_bytes(), tmp_path) == []


def test_fasta_ids_and_file_names_with_specials_compile(run_cli, tmp_path):
    require_pdflatex()
    fasta = tmp_path / "d$1.fa"
    fasta.write_text(">s$1£© x\nACGT\n>t§¶•ąę\nAGT\n", encoding="utf-8")
    out = tmp_path / "x.pdf"
    status, _, err = run_cli("align", fasta, "--format", "pdf", "-o", out)
    assert status == 0, err
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "s$1£" in text and "§¶•" in unicodedata.normalize("NFC", text)


# ------------------------------------------------------------------ item 10: valid JSON always
def _strict_loads(text: str):
    def refuse(token):
        raise ValueError(f"invalid JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def test_nonfinite_floats_become_null_with_a_note():
    r = Result(kind="t", title="t", answer={"loss": [0.5, math.nan, math.nan, math.inf], "best": -math.inf,
                                           "conviction": sp.oo})
    obj = _strict_loads(r.render("json"))
    assert obj["loss"] == [0.5, None, None, None] and obj["best"] is None and obj["conviction"] is None
    note = obj["notes"][-1]
    assert "loss[1..2] (NaN)" in note and "loss[3] (Infinity)" in note and "best (-Infinity)" in note
    assert "conviction (Infinity)" in note and obj["exact"]["conviction"] == "oo"
    assert json_object(r)["loss"][1] is None  # the Python dict too


_FLOATS = st.floats(allow_nan=True, allow_infinity=True)
_NESTED = st.recursive(_FLOATS | st.integers() | st.text(max_size=3),
                       lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text("abc", min_size=1, max_size=2), inner, max_size=3), max_leaves=12)


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), _NESTED, max_size=3))
def test_any_result_gives_valid_json(answer):
    obj = _strict_loads(Result(kind="t", title="t", answer=answer).render("json"))
    for key, value in answer.items():
        if isinstance(value, float) and not math.isfinite(value):
            assert obj[key] is None and key in obj["notes"][-1]


def test_cnn_with_a_huge_learning_rate_writes_valid_json(run_cli):
    status, out, err = run_cli("cnn", "train", "--lr", "1e308", "--epochs", "2", "--format", "json")
    assert status == 0, err
    obj = _strict_loads(out)
    assert any("not finite, written as null" in n for n in obj["notes"])
