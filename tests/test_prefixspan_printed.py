"""PrefixSpan on databases as textbooks print them (issue 14): counts (``20 x <(ab)c>``),
percentages in --min-support, and no ASCII notation in the typeset steps."""
import json
import random

import pytest
from workedout.derivations.prefixspan import PAPER_DB, prefixspan
from workedout.numerics import prefixspan as engine
from workedout.numerics.seqdb import SequenceDatabase, read_hand, read_sequence_db

WEIGHTED = """\
10 20 x <a(abc)(ac)d(cf)>
20 10 x <(ad)c(bc)(ae)>
30 5 x <(ef)(ab)(df)cb>
40 <eg(af)cbc>
"""


def _expanded(db: SequenceDatabase) -> list:
    """The database with each row repeated its count of times: what a count means."""
    return [seq for seq, c in zip(db.sequences, db.counts) for _ in range(c)]


# ------------------------------------------------------------------ reading
@pytest.mark.parametrize("line, sid, count", [
    ("20 x <(ab)c>", "1", 20),
    ("10 2 x <a(bc)>", "10", 2),
    ("10: 2 x <a(bc)>", "10", 2),
    ("T7 3 × <a(bc)>", "T7", 3),
    ("3×<a>", "1", 3),
    ("10 <a(bc)>", "10", 1),
    ("20x <a>", "20x", 1),  # no space before x: an identifier, as before
])
def test_count_prefix_is_read(line, sid, count):
    db = read_hand(line)
    assert db.ids == (sid,) and db.counts == (count,)
    assert db.weighted == (count != 1) and db.total == count


def test_count_of_zero_and_junk_are_refused():
    with pytest.raises(ValueError, match="count 0 at column 1"):
        read_hand("0 x <a>")
    with pytest.raises(ValueError, match="10 20 x"):
        read_hand("a b c <a>")


def test_counts_read_through_the_dispatcher():
    db = read_sequence_db(WEIGHTED)
    assert db.ids == ("10", "20", "30", "40") and db.counts == (20, 10, 5, 1) and db.total == 36


# ------------------------------------------------------------------ engine
def test_engine_counts_a_row_its_number_of_times():
    rng = random.Random(14)
    for _ in range(40):
        seqs = tuple(tuple(tuple(sorted(rng.sample("abcd", rng.randint(1, 2)))) for _ in range(rng.randint(0, 4)))
                     for _ in range(rng.randint(1, 5)))
        db = SequenceDatabase(seqs, counts=tuple(rng.randint(1, 4) for _ in seqs))
        big = _expanded(db)
        ms = rng.randint(1, 6)
        assert engine.prefixspan(db, ms) == engine.prefixspan(big, ms)
        assert engine.prefixspan(db, ms, closed=True) == engine.prefixspan(big, ms, closed=True)
        assert engine.top_k(db, 3) == engine.top_k(big, 3)
        for pattern, sup in engine.prefixspan(db, 1):
            assert engine.support(db, pattern) == sup
        # a fraction of min_support is of the rows counted with their counts
        assert engine.prefixspan(db, "0.5") == engine.prefixspan(big, "0.5")


# ------------------------------------------------------------------ worked
def test_worked_supports_multiply_by_the_counts():
    db = read_sequence_db(WEIGHTED)
    r = prefixspan(db, 18, all_patterns=True)  # every step's check against the engine held (else CheckFailed)
    big = _expanded(db)
    assert {(e["pattern"], e["support"]) for e in r.answer["patterns"]} == \
        {(e["pattern"], e["support"]) for e in prefixspan(big, 18, all_patterns=True).answer["patterns"]}
    first = {e["pattern"]: e["support"] for e in r.answer["frequent_1"]}
    assert first == {"<a>": 36, "<b>": 36, "<c>": 36, "<d>": 35, "<f>": 26}
    text = r.to_text()
    assert "20 + 10 + 5 = 35" in text          # the support worked as a sum of counts
    assert "count" in text and "36 sequences in all" in text
    assert r.check(json.loads(r.to_json())).ok


def test_worked_extension_counts_weighted():
    r = prefixspan(WEIGHTED, 18, prefix="<a>")
    ext = {e["pattern"]: e["support"] for e in r.answer["extensions"]}
    big = _expanded(read_sequence_db(WEIGHTED))
    for pattern, sup in ext.items():
        from workedout.numerics.seqdb import parse_sequence
        assert engine.support(big, parse_sequence(pattern)[0]) == sup


def test_unweighted_output_unchanged():
    text = prefixspan(PAPER_DB, 2, prefix="<a>").to_text()
    assert "count" not in text.split("Step 2")[0].split("SID")[1].splitlines()[0]
    assert "with their counts" not in text


def test_cli_counts_and_ids(run_cli, tmp_path):
    f = tmp_path / "db.txt"
    f.write_text(WEIGHTED)
    status, out, err = run_cli("prefixspan", f, "--min-support", "18", "--prefix", "<a>", "--format", "json")
    assert status == 0, err
    answer = json.loads(out)
    assert answer["min_support"] == 18
    assert {e["pattern"]: e["support"] for e in answer["frequent_1"]}["<d>"] == 35
    assert answer["projected"][0]["sequence_ids"] == ["10", "20", "30", "40"]


# ------------------------------------------------------------------ percentages
def test_cli_min_support_percentage(run_cli, tmp_path):
    """Depends on numerics.thresholds.resolve_min_support reading percentages (another part of issue 14)."""
    f = tmp_path / "db.txt"
    f.write_text(PAPER_DB)
    status, out, err = run_cli("prefixspan", f, "--min-support", "50%", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["min_support"] == 2
    status, out, err = run_cli("prefixspan", f, "--min-support", "50%", "--prefix", "<a>")
    assert status == 0, err
    assert "⌈50% · 4⌉ = 2" in out
    f.write_text(WEIGHTED)
    status, out, err = run_cli("prefixspan", f, "--min-support", "50%", "--format", "json")
    assert status == 0, err
    assert json.loads(out)["min_support"] == 18   # 50% of the 36 rows counted with their counts


def test_percentage_typeset_as_mathematics():
    tex = prefixspan(PAPER_DB, "50%", prefix="<a>").to_latex()
    assert r"\lceil 50\% \cdot 4 \rceil" in tex
    assert r"$c \ge f \cdot n$" in tex


# ------------------------------------------------------------------ notation
_ASCII = ("c >= f", ">=", "<=", "ceil(", " * ")


def test_no_ascii_notation_in_the_steps():
    for r in (prefixspan(PAPER_DB, "0.5", all_patterns=True), prefixspan(WEIGHTED, "50%", prefix="<a>")):
        for _, step in r.numbered_steps():
            for part in step.why:
                if isinstance(part, str):
                    assert not any(a in part for a in _ASCII), part
        text = r.to_text()
        assert "ceil(" not in text and ">=" not in text
