"""FASTA as real files come (issue 16, item 5): comment lines, Pearson-style free text, aligned
FASTA with gaps (``--ungap``), gzip; read by ``numerics.seqio`` and worked by ``workedout align``.
The fixtures are small files written here, in the shapes the real ones have."""
from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given, strategies as st

from workedout.numerics import seqio

PLAIN = ">a first\nGATTACA\n>b\nGCATGCU\n"
EXPECTED = [("a", "GATTACA"), ("b", "GCATGCU")]


def records(path, **kw):
    return [(r.id, r.sequence) for r in seqio.read_fasta(path, **kw)]


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


# ------------------------------------------------------------------ the reader

def test_hash_and_semicolon_comment_lines_are_skipped_silently(tmp_path):
    path = tmp_path / "c.fa"
    path.write_text("# made by a script\n#   on 2024-01-01\n>a first\nGATT\n; a Pearson comment\nACA\n"
                    "# between records\n;another\n>b\nGCATGCU\n")
    assert records(path) == EXPECTED
    assert seqio.read_fasta(path).notes == ()
    assert seqio.read_fasta_record(path).notes == ()


def test_pearson_free_text_before_the_first_header_is_skipped_with_a_note(tmp_path):
    path = tmp_path / "pearson.fa"
    path.write_text("Sequences from chapter 2\nsee the figure on page 12\n\n# tool output\n"
                    "ACGT is not a record\n" + PLAIN)
    read = seqio.read_fasta(path)
    assert [(r.id, r.sequence) for r in read] == EXPECTED
    assert read.notes == (f"{path}: 3 lines of text before the first '>' header skipped "
                          "(lines 1-2, 5; Pearson-style free text).",)
    one = seqio.read_fasta_record(path, 1)
    assert (one.id, one.sequence) == ("b", "GCATGCU") and one.notes == read.notes
    assert seqio.load_sequence_record(str(path)).notes == read.notes


def test_a_single_line_of_free_text_is_named_as_one_line():
    read = seqio.parse_fasta("Title\n>x\nAC\n", source="t.fa")
    assert read.notes == ("t.fa: 1 line of text before the first '>' header skipped "
                          "(line 1; Pearson-style free text).",)


@pytest.mark.parametrize("text, what", [("", "empty file"), ("# only a comment\n; and another\n", "no line"),
                                        ("GATTACA\nGCATGCU\n", "no line")])
def test_a_file_without_a_header_is_still_an_error(text, what):
    with pytest.raises(ValueError, match=f"x.fa: no FASTA record \\({what}"):
        seqio.parse_fasta(text, source="x.fa")


def test_aligned_fasta_keeps_its_gaps_unless_ungapped(tmp_path):
    path = tmp_path / "aln.fa"
    path.write_text(">a\nGA-TT.ACA\n>b\nGCATG--CU\n>c\nGGG\n")
    assert records(path) == [("a", "GA-TT.ACA"), ("b", "GCATG--CU"), ("c", "GGG")]
    assert [seqio.gap_characters(s) for _, s in records(path)] == ["-.", "-", ""]
    read = seqio.read_fasta(path, ungap=True)
    assert [(r.id, r.sequence) for r in read] == [("a", "GATTACA"), ("b", "GCATGCU"), ("c", "GGG")]
    assert read.notes == (f"{path}: 4 gap characters ('-' and '.') removed from 2 records "
                          "(aligned FASTA, ungapped).",)
    assert seqio.read_fasta_record(path, 1, ungap=True).sequence == "GCATGCU"
    assert seqio.load_sequence(str(path), ungap=True) == "GATTACA"
    assert seqio.read_fasta(tmp_path / "aln.fa", ungap=True)[2].notes == ()   # the records themselves carry none


def test_ungap_of_letters_given_directly():
    found = seqio.load_sequence_record("GA-TT.ACA", ungap=True)
    assert found.sequence == "GATTACA"
    assert found.notes == ("2 gap characters ('-' and '.') removed from the letters 'GA-TT.ACA' (ungapped).",)
    assert seqio.load_sequence_record("GATTACA", ungap=True).notes == ()
    assert seqio.load_sequence_record("GA-T").sequence == "GA-T"       # kept without ungap


def test_ungap_must_be_a_bool():
    with pytest.raises(TypeError, match="ungap: expected True or False, got 'yes'"):
        seqio.parse_fasta(PLAIN, ungap="yes")


def test_notes_do_not_change_record_equality():
    assert seqio.FastaRecord("a", "a", "AC", notes=("x",)) == seqio.FastaRecord("a", "a", "AC")


def test_crlf_gzip_utf16_comments_free_text_and_gaps_together(tmp_path):
    text = "Exported alignment\r\n# comment\r\n>a first\r\nGA-TTACA\r\n>b\r\nGCATG.CU\r\n"
    path = tmp_path / "all.fa.gz"
    path.write_bytes(gzip.compress(("\ufeff" + text).encode("utf-16")))
    read = seqio.read_fasta(path, ungap=True)
    assert [(r.id, r.sequence) for r in read] == EXPECTED
    assert len(read.notes) == 2 and "1 line of text" in read.notes[0] and "2 gap characters" in read.notes[1]


@given(st.lists(st.text("ACGT", min_size=0, max_size=12), min_size=1, max_size=4),
       st.data())
def test_ungap_recovers_the_sequences_gaps_were_put_into(seqs, data):
    lines, n_gaps = [], 0
    for k, seq in enumerate(seqs):
        gapped = []
        for letter in seq + "$":
            gaps = data.draw(st.text("-.", max_size=2))
            n_gaps += len(gaps)
            gapped.append(gaps + letter)
        lines += [f">s{k}", "".join(gapped)[:-1]]
    read = seqio.parse_fasta("\n".join(lines) + "\n", source="g.fa", ungap=True)
    assert [r.sequence for r in read] == seqs
    if n_gaps:
        assert read.notes[0].startswith(f"g.fa: {n_gaps:,} gap character")
    else:
        assert read.notes == ()
    kept = seqio.parse_fasta("\n".join(lines) + "\n", source="g.fa")
    assert sum(len(r.sequence) for r in kept) == sum(map(len, seqs)) + n_gaps


# ------------------------------------------------------------------ workedout align

def write_both(tmp_path, name, text):
    plain = tmp_path / name
    plain.write_text(text)
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(text.encode()))
    return plain, packed


def test_align_reads_a_gzip_fasta_like_the_plain_one(tmp_path, run_cli):
    plain, packed = write_both(tmp_path, "pair.fa", PLAIN)
    want = run_cli("align", plain, "--format", "json")
    assert want[0] == 0
    for argv in [(packed,), (packed, packed, "--record", "0,1")]:
        status, out, err = run_cli("align", *argv, "--format", "json")
        assert status == 0 and err == "", err
        assert json.loads(out) == json.loads(want[1])
    assert json.loads(want[1])["score"] == 0


def test_align_refuses_aligned_fasta_without_ungap(tmp_path, run_cli):
    path = tmp_path / "aln.fa"
    path.write_text(">a\nGA-TTACA\n>b\nGCATG.CU\n")
    status, out, err = run_cli("align", path)
    assert status == 2 and out == ""
    assert one_line(err) == (f"workedout: error: SEQ1: {path}: record 'a' holds gap characters '-' "
                             "(aligned FASTA?); give --ungap to remove them")
    status, out, err = run_cli("align", path, "--record", "1,0")
    assert status == 2 and one_line(err).endswith(
        "SEQ1: " + str(path) + ": record 'b' holds gap characters '.' (aligned FASTA?); give --ungap to remove them")
    two = tmp_path / "b.fa"
    two.write_text(">b\nGC-AT.GCU\n")
    status, out, err = run_cli("align", "GATTACA", two)
    assert status == 2 and one_line(err) == (f"workedout: error: SEQ2: {two}: record 'b' holds gap characters "
                                             "'-' and '.' (aligned FASTA?); give --ungap to remove them")


def test_align_ungap_removes_gaps_and_says_so(tmp_path, run_cli):
    plain, packed = write_both(tmp_path, "aln.fa", "CLUSTAL-like export\n>a\nGA-TTACA\n>b\nGCATG.CU\n")
    want = json.loads(run_cli("align", "GATTACA", "GCATGCU", "--format", "json")[1])
    for path in (plain, packed):
        status, out, err = run_cli("align", path, "--ungap", "--format", "json")
        assert status == 0 and err == "", err
        got = json.loads(out)
        assert {k: got[k] for k in ("score", "n_optimal", "table")} == \
            {k: want[k] for k in ("score", "n_optimal", "table")}
        assert got["notes"][:2] == [
            f"{path}: 1 line of text before the first '>' header skipped (line 1; Pearson-style free text).",
            f"{path}: 2 gap characters ('-' and '.') removed from 2 records (aligned FASTA, ungapped)."]
    status, out, err = run_cli("align", plain, "--ungap")      # the text output says so too
    assert status == 0 and "2 gap characters ('-' and '.') removed from 2 records" in out


def test_align_with_two_files_names_each_files_notes_once(tmp_path, run_cli):
    path = tmp_path / "p.fa"
    path.write_text("# a comment\nTitle line\n>a\nGATTACA\n>b\nGCATGCU\n")
    status, out, err = run_cli("align", path, path, "--record", "0,1", "--format", "json")
    assert status == 0
    notes = json.loads(out)["notes"]
    assert notes.count(f"{path}: 1 line of text before the first '>' header skipped "
                       "(line 2; Pearson-style free text).") == 1


def test_align_ungap_of_letters(run_cli):
    status, out, err = run_cli("align", "GA-TTACA", "GCATGCU", "--ungap", "--format", "json")
    assert status == 0
    got = json.loads(out)
    assert got["score"] == 0 and got["notes"][0] == (
        "1 gap character ('-') removed from the letters 'GA-TTACA' (ungapped).")
    status, out, err = run_cli("align", "GA-TTACA", "GCATGCU")       # without --ungap: the engine's refusal
    assert status == 2 and "'-' at position 3 is the gap symbol" in one_line(err)


def test_align_comment_lines_before_header(tmp_path, run_cli):
    path = tmp_path / "c.fa"
    path.write_text("# generated\n; old style\n>a\nGATTACA\n# next\n>b\nGCATGCU\n")
    status, out, err = run_cli("align", path, "--format", "json")
    assert status == 0 and json.loads(out)["notes"] == [] and json.loads(out)["score"] == 0


def test_align_reads_a_gzip_substitution_matrix_too(tmp_path, run_cli):
    packed = tmp_path / "blosum62.txt.gz"
    packed.write_bytes(gzip.compress(seqio.format_matrix(seqio.load_matrix("BLOSUM62")).encode()))
    assert seqio.load_matrix(str(packed)) == seqio.load_matrix("BLOSUM62")
    want = run_cli("align", "HEAGAWGHEE", "PAWHEAE", "--matrix", "BLOSUM62", "--gap", "-8", "--format", "json")
    got = run_cli("align", "HEAGAWGHEE", "PAWHEAE", "--matrix", packed, "--gap", "-8", "--format", "json")
    assert got[0] == 0 and json.loads(got[1])["score"] == json.loads(want[1])["score"]
