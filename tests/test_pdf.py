"""PDF through a real pdflatex: hostile strings stay literal, compiles end, bytes are reproducible."""
import subprocess
import unicodedata

import pytest

from workedout.derivations.pdf import CompileError, compile_pdf
from workedout.derivations.printers import latex_document
from workedout.derivations.result import Given, Prose, Result, Section, Step, Table
from tests.conftest import require_pdflatex

HOSTILE = [r"\input{/etc/hostname}", "^^5cinput{/etc/hostname}", r"\def\x{\x}\x",
           "100% & $5 #1 _a ~b {c} <d> |e|", r"\write18{touch /tmp/pwned}", "\\", "}{", "--"]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # accents come out as separate marks: compose them; ^ and ~ are drawn as accent glyphs
    return unicodedata.normalize("NFC", text).replace("ˆ", "^").replace("˜", "~")


def visible(s: str) -> str:
    """What pdftotext can see of a literal string: the underscore is drawn as a rule."""
    return s.replace("_", " ")


@pytest.mark.parametrize("where", ["title", "given", "section", "prose", "table", "note"])
def test_hostile_strings_come_out_literally(where, tmp_path):
    require_pdflatex()
    strings = HOSTILE
    places = {
        "title": lambda s: Result(kind="t", title=s),
        "given": lambda s: Result(kind="t", title="t", givens=[Given("n", 1, s)]),
        "section": lambda s: Result(kind="t", title="t", steps=[Section(s)]),
        # text after the string: pdftotext joins a line ending in '-' with the next (dehyphenation)
        "prose": lambda s: Result(kind="t", title="t", steps=[Step(Prose((s, " end")))]),
        # a second column: pdftotext joins a line ending in '-' with the next (dehyphenation)
        "table": lambda s: Result(kind="t", title="t", steps=[Step(Table(["item", "n"], [[s, "1"]]))]),
        "note": lambda s: Result(kind="t", title="t", notes=[s]),
    }
    results = [places[where](s) for s in strings]
    text = " ".join(pdf_text(compile_pdf(latex_document(results), timeout=30), tmp_path).split())
    for s in strings:
        assert " ".join(visible(s).split()) in text, s


def test_hostname_never_read(tmp_path):
    require_pdflatex()
    try:
        hostname = open("/etc/hostname").read().strip()
    except OSError:
        pytest.skip("no /etc/hostname")
    doc = latex_document([Result(kind="t", title=r"\input{/etc/hostname}ZZ")])
    text = pdf_text(compile_pdf(doc), tmp_path)
    assert r"\input{/etc/hostname}ZZ" in text
    assert f"{hostname}ZZ" not in text.replace(r"\input{/etc/hostname}ZZ", "")


def test_paranoid_file_access_refuses_absolute_paths(tmp_path):
    """Defence in depth: even a raw (unescaped) document cannot read outside its directory."""
    require_pdflatex()
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRETTOKEN42")
    raw = r"\documentclass{article}\begin{document}\input{%s}\end{document}" % secret
    with pytest.raises(CompileError):
        compile_pdf(raw)


def test_a_runaway_macro_is_stopped(tmp_path):
    require_pdflatex()
    raw = r"\documentclass{article}\begin{document}\def\x{\x}\x\end{document}"
    with pytest.raises(CompileError, match="did not finish"):
        compile_pdf(raw, timeout=3)


def test_same_input_same_bytes():
    """Two compiles in different seconds give the same bytes: no timestamp, no random ID."""
    require_pdflatex()
    import time
    from workedout.derivations.gmm import estep
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    first = r.to_pdf()
    time.sleep(1.05 - time.time() % 1)  # into the next second: a clock in the PDF would show
    second = r.to_pdf()
    assert first.startswith(b"%PDF") and first == second
    assert b"/CreationDate" not in first and b"/ModDate" not in first


def test_accented_and_greek_text_compiles(tmp_path):
    require_pdflatex()
    s = "café ß Ωμ naïve Łódź Ærø ≤ ≈ ∞"
    text = pdf_text(compile_pdf(latex_document([Result(kind="t", title=s)])), tmp_path)
    # (pdftotext reads \L, an L with an overlaid stroke, as a plain L)
    assert "café" in text and "ß" in text and "Ærø" in text and "∞" in text


def test_generated_documents_never_input_or_write():
    from workedout.derivations.gmm import estep
    doc = estep(2, ["1/2", "1/2"], [0, 1], [1, 1]).to_latex_document()
    for forbidden in (r"\input", r"\include{", r"\write", r"\openout", r"\immediate"):
        assert forbidden not in doc
