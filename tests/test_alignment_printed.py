"""Alignment as textbooks print it (issue 14): one FASTA file with both sequences, and the
notation of every worked step set as mathematics (LaTeX) or Unicode (text), never ASCII."""
from __future__ import annotations

import json
import re

import pytest
from workedout.derivations.alignment import align
from workedout.derivations.model import InlineMath

PAIR = ">human\nGATTACA\n>mouse\nGCATGCU\n>rat\nGATT\n"


@pytest.fixture
def pair_file(tmp_path):
    f = tmp_path / "pair.fa"
    f.write_text(PAIR)
    return f


# ------------------------------------------------------------------ one FASTA file, two records
def test_one_fasta_file_gives_both_sequences(run_cli, pair_file):
    status, out, err = run_cli("align", pair_file, "--format", "json")
    assert status == 0, err
    assert json.loads(out)["score"] == 0          # GATTACA / GCATGCU, the Wikipedia example
    status, out, err = run_cli("align", pair_file)
    assert status == 0 and "of human and mouse" in out.splitlines()[0]


def test_record_picks_the_two_records(run_cli, pair_file):
    status, out, err = run_cli("align", pair_file, "--record", "0,2")
    assert status == 0, err
    assert "of human and rat" in out.splitlines()[0]
    # two files, as before
    status, out, err = run_cli("align", pair_file, pair_file, "--record", "1,2")
    assert status == 0 and "of mouse and rat" in out.splitlines()[0]
    status, out, err = run_cli("align", pair_file, "GATTACA", "--record", "2")
    assert status == 0 and "of rat and" in out.splitlines()[0]


@pytest.mark.parametrize("args, needle", [
    (["--record", "1"], "--record: 1 number; with SEQ1 alone"),
    (["--record", "0,7"], "--record: 7 is out of range"),
])
def test_one_file_record_errors(run_cli, pair_file, args, needle):
    status, _, err = run_cli("align", pair_file, *args)
    assert status == 2 and needle in err


def test_one_record_or_letters_alone_are_refused(run_cli, tmp_path):
    one = tmp_path / "one.fa"
    one.write_text(">only\nGATTACA\n")
    status, _, err = run_cli("align", one)
    assert status == 2 and "holds one FASTA record" in err
    status, _, err = run_cli("align", "GATTACA")
    assert status == 2 and "SEQ2: missing" in err
    status, _, err = run_cli("align", tmp_path / "nothere.fa")
    assert status == 2 and "does not exist" in err


# ------------------------------------------------------------------ notation
_ASCII = [r"[ab]_\d", r"[ab]_[ijnm]\b", r"\.\.", r"\(k-1\)", r"-/-", r"= -[A-Za-z]", r">=", r"<=", r"->", r"=>",
          r"\bV - 1\b", r"[ab]_\{"]
_EXAMPLES = [
    {"seq1": "GATTACA", "seq2": "GCATGCU"},
    {"seq1": "TGTTACGG", "seq2": "GGTTGACTA", "mode": "local", "match": 3, "mismatch": -3, "gap_open": -2},
    {"seq1": "HEAGAWG", "seq2": "PAWHE", "matrix": "BLOSUM50", "gap_open": -12, "gap_extend": -2},
    {"seq1": "HEAGAWG", "seq2": "PAWHE", "matrix": "BLOSUM50", "gap_open": -12, "gap_extend": -2, "mode": "local"},
    {"seq1": "ACGT", "seq2": "CG", "mode": "semiglobal"},
    {"seq1": "A" * 45, "seq2": "AC" * 22},   # past the table: the large result's steps
]


def _prose(r):
    """Every plain-text part of the words of the intro, the givens and the steps."""
    parts = [x for x in r.intro if isinstance(x, str)]
    parts += [g.description for g in r.givens]
    for item in r.steps:
        for attr in ("why", "intro"):
            parts += [x for x in getattr(item, attr, ()) or () if isinstance(x, str)]
        caption = getattr(getattr(item, "statement", None), "caption", None)
        parts += [x for x in caption or () if isinstance(x, str)]
    return parts


@pytest.mark.parametrize("kw", _EXAMPLES)
def test_no_ascii_notation_in_typeset_prose(kw):
    kw = dict(kw)
    r = align(kw.pop("seq1"), kw.pop("seq2"), **kw)
    for part in _prose(r):
        for pattern in _ASCII:
            assert not re.search(pattern, part), (pattern, part)
    text = r.to_text()
    for ascii_form in ("a_1..a_i", "o + (k-1)e", "A-/-C", "d = -H", "s(a_i, b_j)", "rows i = 0.."):
        assert ascii_form not in text


def test_notation_is_mathematics_in_latex_and_unicode_in_text():
    r = align("HEAGAWG", "PAWHE", matrix="BLOSUM50", gap_open=-12, gap_extend=-2)
    tex, text = r.to_latex(), r.to_text()
    assert r"$a_{1} \dots a_{i}$" in tex and "a₁…aᵢ" in text
    assert r"$o + (k-1)\,e$" in tex and "o + (k−1)e" in text
    assert r"\begin{array}{@{}c@{}}\texttt{A-}\\ \texttt{-C}\end{array}" in tex and "A- over -C" in text
    assert r"$d = -H$" in tex and "d = −H" in text
    assert r"$a_{7} = \texttt{G}$" in tex and "Row 7 (a₇ = G)" in text
    assert r"$i = 0, \dots, 7$" in tex


def test_inline_math_twins_are_unicode():
    r = align("GATTACA", "GCATGCU")
    for item in r.steps:
        for part in getattr(item, "why", ()) or ():
            if isinstance(part, InlineMath):
                assert "_" not in part.text and ".." not in part.text, part


@pytest.mark.parametrize("name, seq1, seq2, scores, expected", [
    # Rosalind OAP (overlap alignment) and SIMS (fitting alignment), as the problems print them
    ("overlap", "CTAAGGGATTCCGGTAATTAGACAG", "ATAGACCATATGTCAGTGACTGTGTAA", ("1", "-2", "-2"), 1),
    ("fitting", "GCAAACCATAAGCCCTACGTGCCGCCTGTTTAAACTCGCGAACTGAATCTTCTGCTTCACGGTGAAAGTACCACAATGGTATCACACCCC"
                "AAGGAAAC", "GCCGTCAGGCTGGTGTCCG", ("1", "-1", "-1"), 5),
])
def test_free_ends_by_their_textbook_names(capsys, name, seq1, seq2, scores, expected):
    from workedout.derivations.cli import main
    match, mismatch, gap = scores
    assert main(["align", seq1, seq2, "--mode", "semiglobal", "--free-ends", name, "--match", match,
                 "--mismatch", mismatch, "--gap", gap, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["score"] == expected
    top = out["alignments"][0]
    if name == "fitting":  # SEQ2 lies wholly inside SEQ1
        assert top["seq2_range"] == [0, len(seq2)]
    else:  # a suffix of SEQ1 against a prefix of SEQ2
        assert top["seq1_range"][1] == len(seq1) and top["seq2_range"][0] == 0
    assert main(["align", "AC", "AC", "--mode", "semiglobal", "--free-ends", "fiting"]) == 2
    assert "or none, fitting, overlap" in capsys.readouterr().err
