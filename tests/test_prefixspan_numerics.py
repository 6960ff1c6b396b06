"""PrefixSpan's engine against the definition (brute force), PrefixSpan-py, and the paper; the readers."""
from collections import Counter
from itertools import combinations, product

import pytest
from hypothesis import given, settings, strategies as st

from workedout.numerics.prefixspan import contains, prefixspan, projected_database, support, top_k
from workedout.numerics.seqdb import (format_sequence, from_sequences, hand_dialect, parse_sequence, read_hand,
                            read_sequence_db, read_spmf)

PAPER = [["a", "abc", "ac", "d", "cf"], ["ad", "c", "bc", "ae"], ["ef", "ab", "df", "c", "b"],
         ["e", "g", "af", "c", "b", "c"]]  # an itemset given as a string is its characters


# ------------------------------------------------------------ the definition
def _contains_bf(seq, pat) -> bool:
    """Every embedding tried (no greedy shortcut)."""
    if not pat:
        return True
    return any(set(pat[0]) <= set(seq[j]) and _contains_bf(seq[j + 1:], pat[1:]) for j in range(len(seq)))


def _subsets(itemset):
    items = sorted(set(itemset))
    return [c for r in range(len(items) + 1) for c in combinations(items, r)]


def brute_force(db, minsup: int) -> dict:
    """Every subsequence of every sequence, counted once per sequence."""
    counts = Counter()
    for seq in db:
        subs = set()
        for choice in product(*[_subsets(a) for a in seq]):
            pat = tuple(c for c in choice if c)
            if pat:
                subs.add(pat)
        counts.update(subs)
    return {p: c for p, c in counts.items() if c >= minsup}


def brute_closed(found: dict) -> dict:
    return {p: s for p, s in found.items()
            if not any(s2 == s and q != p and _contains_bf(q, p) for q, s2 in found.items())}


itemsets = st.lists(st.sampled_from("abcd"), min_size=1, max_size=3)
databases = st.lists(st.lists(itemsets, min_size=0, max_size=4), min_size=0, max_size=6)


@settings(max_examples=80)
@given(databases, st.integers(1, 4))
def test_equals_brute_force(db, minsup):
    found = prefixspan(db, minsup)
    assert dict(found) == brute_force(db, minsup)
    assert [p for p, _ in found] == sorted(p for p, _ in found)  # lexicographic order
    assert all(all(list(a) == sorted(set(a)) for a in p) for p, _ in found)


@given(databases, st.integers(1, 3), st.integers(1, 4))
def test_max_length_and_closed_equal_the_definition(db, minsup, max_length):
    everything = brute_force(db, minsup)
    bounded = {p: s for p, s in everything.items() if sum(map(len, p)) <= max_length}
    assert dict(prefixspan(db, minsup, max_length=max_length)) == bounded
    closed = brute_closed(everything)
    assert dict(prefixspan(db, minsup, closed=True)) == closed
    assert dict(prefixspan(db, minsup, closed=True, max_length=max_length)) == {
        p: s for p, s in closed.items() if sum(map(len, p)) <= max_length}


@given(databases, st.integers(1, 12), st.booleans())
def test_top_k(db, k, closed):
    everything = brute_force(db, 1)
    pool = brute_closed(everything) if closed else everything
    expected = sorted(pool.items(), key=lambda ps: (-ps[1], ps[0]))[:k]
    assert top_k(db, k, closed=closed) == expected


@given(st.lists(st.lists(st.integers(1, 5), max_size=7), max_size=8), st.integers(1, 4))
def test_single_items_equal_prefixspan_py(db, minsup):
    from prefixspan import PrefixSpan
    theirs = {tuple((x,) for x in patt): sup for sup, patt in PrefixSpan(db).frequent(minsup)}
    ours = dict(prefixspan([[[x] for x in seq] for seq in db], minsup))
    assert ours == theirs


@given(databases, st.lists(itemsets, min_size=1, max_size=2))
def test_projection_is_the_suffix_after_the_first_occurrence(db, prefix):
    """The pseudo-projection, written out, against a direct search for the first occurrence."""
    prefix = tuple(tuple(sorted(set(a))) for a in prefix)
    expected = []
    for k, seq in enumerate(from_sequences(db).sequences):
        for end in range(len(seq)):  # the earliest itemset that can end an occurrence
            if set(prefix[-1]) <= set(seq[end]) and _contains_bf(seq[:end], prefix[:-1]):
                rest = tuple(x for x in seq[end] if x > prefix[-1][-1])
                suffix = ((rest,) if rest else ()) + seq[end + 1:]
                if suffix:
                    expected.append((k, suffix, bool(rest)))
                break
    assert [(p.index, p.suffix, p.partial) for p in projected_database(db, prefix)] == expected


def test_the_paper_example():
    found = dict(prefixspan(PAPER, 2))
    assert len(found) == 53
    assert {p[0][0]: s for p, s in found.items() if len(p) == 1 and len(p[0]) == 1} == {
        "a": 4, "b": 4, "c": 4, "d": 3, "e": 3, "f": 3}
    assert found[(("a",), ("b",))] == 4 and found[(("a", "b"),)] == 2 and found[(("e",), ("a",), ("c",), ("b",))] == 2
    assert [format_sequence(p.suffix, partial=p.partial) for p in projected_database(PAPER, [["a"]])] == [
        "<(abc)(ac)d(cf)>", "<(_d)c(bc)(ae)>", "<(_b)(df)cb>", "<(_f)cbc>"]
    assert prefixspan(PAPER, "0.5") == prefixspan(PAPER, 2)        # 0.5 of 4 sequences
    assert prefixspan(PAPER, "1.0") == [((("a",),), 4), ((("a",), ("b",)), 4), ((("a",), ("c",)), 4),
                                        ((("b",),), 4), ((("c",),), 4)]
    assert prefixspan(PAPER, 5) == [] and prefixspan([], 1) == [] and prefixspan([[]], "0.5") == []
    assert support(PAPER, [["a", "b"]]) == 2 and contains(PAPER[0], [["a"], ["c", "f"]])


def test_items_of_any_hashable_type_and_integer_items():
    db = [[[10, 2], [2]], [[2, 10, 10], [3]]]
    assert dict(prefixspan(db, 2)) == {((2,),): 2, ((10,),): 2, ((2, 10),): 2}
    assert dict(prefixspan([[[("x", 1)], [None]], [[("x", 1)]]], 2)) == {((("x", 1),),): 2}


@pytest.mark.parametrize("db,exc,needle", [
    ("abc", TypeError, "expected a list of sequences"),
    ([[1, 2]], TypeError, "sequence 0, itemset 0: expected an iterable of items"),
    ([[[]]], ValueError, "sequence 0, itemset 0: empty itemset"),
    ([[[[1]]]], TypeError, "not hashable"),
])
def test_bad_databases(db, exc, needle):
    with pytest.raises(exc, match=needle):
        prefixspan(db, 1)


def test_bad_parameters():
    for bad, message in [(0, "at least 1"), (-1, "at least 1"), ("1.5", "at most 1")]:
        with pytest.raises(ValueError, match=f"min_support: .*{message}"):
            prefixspan(PAPER, bad)
    with pytest.raises(ValueError, match="max_length"):
        prefixspan(PAPER, 2, max_length=0)
    with pytest.raises(ValueError, match="k: expected a positive integer"):
        top_k(PAPER, 0)


# ------------------------------------------------------------------ readers
def test_three_formats_read_the_same_database():
    hand = read_sequence_db("10 <a(abc)(ac)d(cf)>\n20: <(da)c(bc)(ae)>\n# a comment\n\n30 <(ef)(ab)(df)cb>\n")
    assert hand.format == "hand" and hand.ids == ("10", "20", "30") and hand.dialect == "compact"
    assert hand.sequences[1][0] == ("a", "d") and "(da) read as (ad)" in hand.notes[0]
    spmf = read_sequence_db("@CONVERTED_FROM_TEXT\n1 -1 1 2 3 -1 -2\n2 1 -1 3 -1 -2\n")
    assert spmf.format == "spmf" and spmf.sequences == (((1,), (1, 2, 3)), ((1, 2), (3,)))
    named = read_spmf("@ITEM=1=bread\n@ITEM=2=milk\n1 2 -1 -2\n")
    assert named.sequences == ((("bread", "milk"),),)
    js = read_sequence_db('[[["a&b", "é"], ["x"]], []]')
    assert js.format == "json" and js.sequences == ((("a&b", "é"), ("x",)), ()) and js.dialect == "separated"
    assert read_sequence_db("").sequences == ()


@pytest.mark.parametrize("text,needle", [
    ("<a(bc>\n", "line 1: unclosed parenthesis opened at column 3"),
    ("<ab\n", "line 1: missing '>'"),
    ("<a(b(c)>\n", "line 1: nested parenthesis at column 5"),
    ("<ab)>\n", "line 1: ')' at column 4 closes no parenthesis"),
    ("<a()>\n", "line 1: empty itemset '()' at column 3"),
    ("<ab> x\n", "line 1: unexpected text after '>' at column 6"),
    ("<a>\n<(_b)>\n", "line 2: unexpected '_' at column 3"),
    ("<a, (b, c>\n", "line 1: unclosed parenthesis opened at column 5"),
    ("1 -1 2 -1 -2\n1 -1\n", "line 2: does not end in -2"),
    ("1 -1 x -1 -2\n", "line 1, token 3: 'x' is not an integer"),
    ("1 -1 -1 -2\n", "line 1, token 3: empty itemset"),
    ("1 -2 2 -1 -2\n", "line 1, token 2: -2 ends the sequence but more tokens follow"),
    ("1 -3 -2\n", "line 1, token 2: -3 is not a positive item number"),
    ('[["a"]]', "sequence 1, itemset 1: expected a list of item names, got a string"),
    ('[[["a", null]]]', "sequence 1, itemset 1, item 2: expected an item name"),
    ('[[["a"]', "not valid JSON at line 1"),
    ('{"a": 1}', "expected a JSON list of sequences, got a object"),
])
def test_reader_errors_say_where(text, needle):
    with pytest.raises(ValueError, match="^DB: " + needle.replace("(", r"\(").replace(")", r"\)")):
        read_sequence_db(text)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=4)


@given(st.lists(st.lists(st.lists(names, min_size=1, max_size=3), min_size=1, max_size=3), max_size=4))
def test_the_writer_reads_back(db):
    data = from_sequences(db)
    dialect = hand_dialect(x for s in data.sequences for a in s for x in a)
    text = "\n".join(format_sequence(s, dialect=dialect) for s in data.sequences if s)
    again = read_hand(text, dialect=dialect)
    assert again.sequences == tuple(s for s in data.sequences if s)
    for s in data.sequences:
        if s:
            assert parse_sequence(format_sequence(s, dialect=dialect, partial=True), dialect=dialect,
                                  partial=True) == (s, True)


def test_hand_notation_dialects():
    assert parse_sequence("<a (bc) d>") == ((("a",), ("b", "c"), ("d",)), False)
    assert parse_sequence("<bread roll, (tea, milk)>") == ((("bread roll",), ("milk", "tea")), False)
    assert parse_sequence("<(_, d), c>", partial=True) == ((("d",), ("c",)), True)
    assert format_sequence([("a",), ("b", "c")]) == "<a(bc)>"
    assert format_sequence([("d",), ("c",)], partial=True) == "<(_d)c>"
    assert format_sequence([(10,), (2, 30)], dialect="separated") == "<10, (2, 30)>"
    assert format_sequence([("a,b", "_", " x")], dialect="separated") == '<(" x", "_", "a,b")>'
