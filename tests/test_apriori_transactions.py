"""numerics.transactions: the four input forms, their conventions and their errors."""
import json

import pytest

from workedout.numerics.transactions import parse_transactions, read_transactions


def test_lines_with_spaces_integers_and_blank_lines():
    db = parse_transactions("3 1 2\n\n10 2 2\n# a comment\n% another\n1\n")
    assert db.transactions == ((1, 2, 3), (), (2, 10), (1,))  # integers sort numerically; 2 counts once
    assert db.items == (1, 2, 3, 10) and db.n_empty == 1 and db.format == "lines"
    assert any("counts once" in n for n in db.notes) and any("empty" in n for n in db.notes)


def test_lines_with_commas_keep_spaces_inside_names():
    db = parse_transactions("whole milk, bread ,\nbread\n")
    assert db.transactions == (("bread", "whole milk"), ("bread",))


def test_spmf_item_names_and_non_canonical_integers():
    db = parse_transactions("@CONVERTED_FROM_TEXT\n@ITEM=1=apple\n@ITEM=2=pear & plum\n1 2\n2\n")
    assert db.transactions == (("apple", "pear & plum"), ("pear & plum",))
    assert parse_transactions("01 1\n").items == ("01", "1")  # not plain integers: names


def test_json_form_and_its_errors():
    db = parse_transactions(json.dumps([["b", "a"], [], ["50% off", "back\\slash"]]))
    assert db.transactions == (("a", "b"), (), ("50% off", "back\\slash")) and db.format == "json"
    with pytest.raises(ValueError, match="transaction 2, item 1: expected a string or an integer"):
        parse_transactions('[["a"], [1.5]]')
    with pytest.raises(ValueError, match="transaction 2, item 1: is an integer but transaction 1, item 1"):
        parse_transactions('[["a"], [1]]')
    with pytest.raises(ValueError, match="not valid JSON at line 1"):
        parse_transactions('[["a"]', format="json")
    with pytest.raises(ValueError, match="expected a JSON list"):
        parse_transactions('{"a": 1}', format="json")


def test_csv_baskets_ragged_padded_and_quoted(tmp_path):
    ragged = tmp_path / "groceries.csv"
    ragged.write_text("citrus fruit,semi-finished bread,margarine\nyogurt,coffee\n\nmilk\n")
    db = read_transactions(ragged)
    assert db.transactions == (("citrus fruit", "margarine", "semi-finished bread"), ("coffee", "yogurt"),
                               ("milk",))
    padded = tmp_path / "padded.csv"
    padded.write_text('"bread, white",milk,\ntea,,\n')
    assert read_transactions(padded).transactions == (("bread, white", "milk"), ("tea",))


def test_onehot_csv_with_pandas_index_and_bools(tmp_path):
    path = tmp_path / "onehot.csv"
    path.write_text(",bread,milk,tea\n0,True,False,True\n1,False,False,False\n2,1,1,0\n")
    db = read_transactions(path)
    assert db.format == "onehot"
    assert db.transactions == (("bread", "tea"), (), ("bread", "milk"))
    assert db.items == ("bread", "milk", "tea")


def test_onehot_bad_value_names_line_and_column(tmp_path):
    path = tmp_path / "onehot.csv"
    path.write_text("bread,milk\n1,0\n0,2\n")
    with pytest.raises(ValueError, match=r"line 3, column 2 \('milk'\): expected 0 or 1, got '2'"):
        read_transactions(path, format="onehot")
    path.write_text("bread,milk\n1,0\n0,yes\n1,1\n")
    with pytest.raises(ValueError, match="line 3, column 2"):
        read_transactions(path)  # auto: most cells are 0/1, so one-hot, and 'yes' is refused


def test_empty_inputs_are_empty_databases(tmp_path):
    for name, text in (("e.txt", ""), ("e.json", "[]"), ("e.csv", "")):
        path = tmp_path / name
        path.write_text(text)
        assert read_transactions(path).n_transactions == 0


def test_unreadable_and_non_utf8(tmp_path):
    with pytest.raises(ValueError, match="missing.txt: no such file"):
        read_transactions(tmp_path / "missing.txt")
    path = tmp_path / "latin1.txt"
    path.write_bytes("a b\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="line 2: not UTF-8"):
        read_transactions(path)


# ============================================================ issue 14: ids and counts in one-hot CSV and JSON
import gzip
import io
import os
import sys
from collections import Counter
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.numerics import limits
from workedout.numerics.apriori import frequent_itemsets
from workedout.numerics.limits import LimitError
from workedout.numerics.transactions import read_csv_baskets, read_onehot

ONEHOT_IDS_COUNTS = "TID,bread,milk,tea,count\nT100,1,0,1,3\nT200,1,1,0,1\nT300,0,0,0,2\n"


def test_onehot_id_and_count_columns():
    db = parse_transactions(ONEHOT_IDS_COUNTS, format="csv-auto")
    assert db.format == "onehot" and db.items == ("bread", "milk", "tea")  # neither TID nor count is an item
    assert db.tids == ("T100", "T200", "T300") and db.counts == (3, 1, 2)
    assert db.transactions == (("bread", "tea"),) * 3 + (("bread", "milk"),) + ((),) * 2
    assert db.rows[0] == ("T100", 3, ("bread", "tea")) and db.n_transactions == 6
    assert any("read from column 1 ('TID')" in n for n in db.notes)
    assert any("column 5 ('count') holds each row's count" in n and "N = 6" in n for n in db.notes)


def test_onehot_id_column_pandas_index_and_detected_labels():
    pandas = parse_transactions(",bread,milk\n0,1,0\n1,1,1\n", format="onehot")
    assert pandas.tids == ("0", "1") and pandas.items == ("bread", "milk")
    assert any("pandas' index column" in n for n in pandas.notes)
    labels = parse_transactions("customer,bread,milk\nann,1,0\nbob,0,1\ncid,1,1\n", format="csv-auto")
    assert labels.format == "onehot" and labels.tids == ("ann", "bob", "cid")
    assert any("distinct labels, not 0/1" in n for n in labels.notes)
    # repeated labels are not ids: the first column is an item column, and 'ann' is not 0/1
    with pytest.raises(ValueError, match=r"line 2, column 1 \('customer'\): expected 0 or 1, got 'ann'; .*--tid-col"):
        parse_transactions("customer,bread\nann,1\nann,0\n", format="onehot")
    # an item column of 0/1 is never taken for ids
    assert parse_transactions("bread,milk\n1,0\n0,1\n", format="onehot").tids is None


def test_onehot_tid_column_flags():
    with pytest.raises(ValueError, match=r"column 1 \('TID'\): expected 0 or 1, got 'T100'"):
        parse_transactions(ONEHOT_IDS_COUNTS, format="onehot", tid_column=False)
    forced = parse_transactions("shop,bread\nA1,1\nA1,0\n", format="onehot", tid_column=True)
    assert forced.tids == ("A1", "A1") and forced.items == ("bread",)
    with pytest.raises(ValueError, match="starts with a header of item names"):
        parse_transactions("bread\n1\n", format="onehot", header=False)


@pytest.mark.parametrize("cell,needle", [
    ("0", "the count 0: a row stands for at least one transaction"),
    ("2.5", "expected a positive integer (how many identical transactions the row stands for), got '2.5'"),
    ("-1", "got '-1'"),
    ("", "got ''"),
])
def test_onehot_bad_count_names_line_and_column(cell, needle):
    with pytest.raises(ValueError) as info:
        parse_transactions(f"bread,count\n1,2\n1,{cell}\n", format="onehot")
    assert "line 3, column 2 ('count')" in str(info.value) and needle in str(info.value)


def test_onehot_count_digits_are_limited():
    with pytest.raises(LimitError, match="--limit digits="):
        parse_transactions("bread,count\n1," + "9" * 5000 + "\n", format="onehot")


def test_json_objects_with_ids_and_counts():
    text = json.dumps([{"tid": "T100", "items": ["I1", "I2"], "count": 3}, ["I2", "I3"],
                       {"tid": 200, "items": ["I1", "I3"]}, {"items": [], "count": 2}])
    db = parse_transactions(text)
    assert db.format == "json" and db.tids == ("T100", None, "200", None) and db.counts == (3, 1, 1, 2)
    assert db.n_transactions == 7 and db.n_empty == 2
    assert db.rows[0] == ("T100", 3, ("I1", "I2"))
    assert any("transaction ids T100, 200 read from the \"tid\" keys" in n for n in db.notes)
    assert any("2 transactions (transactions 1, 4) have a \"count\"" in n and "N = 7" in n for n in db.notes)
    assert frequent_itemsets(db, 4) == {frozenset({"I1"}): 4, frozenset({"I2"}): 4}  # 3 + 1 each
    plain = parse_transactions('[{"items": ["a"]}, ["b"]]')
    assert plain.tids is None and plain.counts is None and plain.transactions == (("a",), ("b",))


@pytest.mark.parametrize("text,needle", [
    ('[{"tid": "T1", "itms": ["a"]}]', "transaction 1: unknown key 'itms'; expected \"items\""),
    ('[{"tid": "T1"}]', 'transaction 1: no "items" key'),
    ('[["a"], {"items": ["b"], "count": 0}]', 'transaction 2: "count": expected a positive integer'),
    ('[{"items": ["b"], "count": true}]', 'got true'),
    ('[{"items": ["b"], "count": "3"}]', 'got "3"'),
    ('[{"items": ["b"], "tid": [1]}]', 'transaction 1: "tid": expected a string or an integer, got [1]'),
    ('[{"items": ["b"], "tid": "T\\u001b[2J"}]', 'control character U+001B'),
    ('[{"items": "b"}]', "transaction 1: expected a list of item names, got a JSON string"),
    ('[["a", NaN]]', "line 1: NaN is not a JSON number"),
])
def test_json_object_errors(text, needle):
    with pytest.raises(ValueError) as info:
        parse_transactions(text)
    assert needle in str(info.value) and str(info.value).startswith("DB: ")


def test_json_nesting_and_huge_numbers_are_limited():
    with pytest.raises(LimitError, match="nesting"):
        parse_transactions("[" * 1000 + "]" * 1000)
    with pytest.raises(LimitError, match="digits"):
        parse_transactions("[[" + "1" * 5000 + "]]")


ITEMS = ["I1", "I2", "I3", "I4"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sets(st.sampled_from(ITEMS)), st.integers(1, 4)), max_size=8),
       st.integers(1, 6))
def test_counts_mean_the_same_in_every_form(rows, s):
    """Law: a row with count c is c identical transactions, in lines, JSON and one-hot alike, and every
    support is the count-weighted number of rows holding the itemset."""
    lines = "".join(f"T{i} {c} x {', '.join(sorted(t)) or 'I1'}\n" for i, (t, c) in enumerate(rows, 1))
    rows = [(t or {"I1"}, c) for t, c in rows]  # a line needs an item to carry its count
    as_json = json.dumps([{"tid": f"T{i}", "items": sorted(t), "count": c} for i, (t, c) in enumerate(rows, 1)])
    onehot = "TID," + ",".join(ITEMS) + ",count\n" + "".join(
        f"T{i}," + ",".join("1" if x in t else "0" for x in ITEMS) + f",{c}\n" for i, (t, c) in enumerate(rows, 1))
    dbs = [parse_transactions(lines), parse_transactions(as_json), parse_transactions(onehot, format="onehot")]
    expected = Counter()
    for t, c in rows:
        for k in range(1, len(t) + 1):
            for sub in combinations(sorted(t), k):
                expected[frozenset(sub)] += c
    frequent = {x: n for x, n in expected.items() if n >= s}
    for db in dbs:
        if rows:
            assert db.tids == tuple(f"T{i}" for i in range(1, len(rows) + 1))
        assert db.n_transactions == sum(c for _, c in rows)
        assert frequent_itemsets(db, s) == frequent


def test_worked_apriori_uses_onehot_ids_and_counts():
    from workedout.derivations.apriori import apriori
    db = parse_transactions(ONEHOT_IDS_COUNTS, format="onehot")
    r = apriori(db, 4)
    assert r.answer["n_transactions"] == 6
    assert {tuple(e["itemset"]): e["support"] for e in r.answer["frequent_itemsets"]} == {("bread",): 4}
    text = r.to_text()
    assert "N = 3 + 1 + 2 = 6 transactions" in text and "T100" in text and "T300" in text


# ============================================================ reading through numerics.inputs
def test_gzip_files_in_every_form(tmp_path):
    for name, text in (("db.txt.gz", "I1 I2\nI2\n"), ("db.csv.gz", "I1,I2\nI2\n"),
                       ("db.json.gz", '[["I1", "I2"], ["I2"]]'), ("packed", "I1 I2\nI2\n")):
        path = tmp_path / name
        path.write_bytes(gzip.compress(text.encode()))
        db = read_transactions(path)
        assert db.transactions == (("I1", "I2"), ("I2",)), name
    assert read_transactions(tmp_path / "db.csv.gz").format == "csv"
    assert read_transactions(tmp_path / "db.json.gz").format == "json"


def test_gzip_bomb_is_refused_by_the_size_limit(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"I1 I2\n" * 200_000))
    with limits.raised(file_size=100_000), pytest.raises(LimitError, match="file-size"):
        read_transactions(path)


def test_devices_fifos_and_directories_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not a regular file"):
        read_transactions("/dev/zero")
    link = tmp_path / "db.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="not a regular file"):
        read_transactions(link)
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        read_transactions(fifo)
    with pytest.raises(ValueError, match="is a directory"):
        read_transactions(tmp_path)


def test_bom_and_utf16_files(tmp_path):
    path = tmp_path / "db.csv"
    path.write_bytes("\ufeffmilk,bread\nmilk\n".encode("utf-8"))
    assert read_transactions(path).items == ("bread", "milk")
    path.write_bytes("milk,bread\nmilk\n".encode("utf-16"))  # with its byte-order mark
    assert read_transactions(path).items == ("bread", "milk")


def test_file_size_limit(tmp_path):
    path = tmp_path / "db.txt"
    path.write_text("I1 I2\n" * 100)
    with limits.raised(file_size=100), pytest.raises(LimitError) as info:
        read_transactions(path)
    assert "--limit file-size=" in str(info.value) and "db.txt" in str(info.value)


def test_standard_input_text_and_bytes(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("I1 I2\nI2\n"))
    assert read_transactions("-").transactions == (("I1", "I2"), ("I2",))
    raw = io.TextIOWrapper(io.BytesIO(gzip.compress("I1 I2\nI2\n".encode("utf-16"))))
    monkeypatch.setattr(sys, "stdin", raw)
    assert read_transactions("-").transactions == (("I1", "I2"), ("I2",))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a\n\xff\n")))
    with pytest.raises(ValueError, match=r"^DB: line 2: not UTF-8 text \(byte 3\)"):
        read_transactions("-")


# ============================================================ issue 15.11: quoted ragged CSV baskets
def test_quoted_csv_baskets_of_different_lengths(tmp_path):
    path = tmp_path / "baskets.csv"
    path.write_text('"bread, white",milk,tea\n"jam"\n"say ""cheese""",milk\n')
    db = read_transactions(path)
    assert db.format == "csv"
    assert db.transactions == (("bread, white", "milk", "tea"), ("jam",), ('milk', 'say "cheese"'))
    path.write_text('"multi\nline",x\ny\n')  # a quoted line break is a control character in a name
    with pytest.raises(ValueError, match=r"line 2, column 1: item name 'multi\\nline' holds control character"):
        read_transactions(path)


def test_malformed_csv_names_the_line():
    with pytest.raises(ValueError, match=r"DB: line 2: malformed CSV \(field larger than field limit"):
        read_csv_baskets('a,b\nc,"' + "d" * 200_000 + '"\n')  # over the csv module's field limit


# ============================================================ issue 16: pandas-written basket CSVs
RETAIL = ("0,1,2,3\n"
          "Bread,Wine,Eggs,Meat\n"
          "Bread,Cheese,,\n"
          "Eggs,,,\n")


def test_retail_dataset_header_row_is_detected():
    db = parse_transactions(RETAIL, format="csv-auto")
    assert db.n_transactions == 3 and db.format == "csv"      # not 4: the header is not a transaction
    assert "0" not in db.items and db.tids is None
    assert any("line 1 (0,1,2,3) is a header row, skipped: its cells are numbered column names" in n
               for n in db.notes)
    kept = parse_transactions(RETAIL, format="csv", header=False)
    assert kept.n_transactions == 4 and "3" in kept.items


def test_pandas_index_column_and_header():
    text = ",0,1,2\n0,Bread,Wine,\n1,Eggs,,\n2,Milk,Bread,Jam\n"
    db = parse_transactions(text, format="csv-auto")
    assert db.n_transactions == 3 and db.tids == ("0", "1", "2")
    assert db.transactions == (("Bread", "Wine"), ("Eggs",), ("Bread", "Jam", "Milk"))
    assert any("its first cell is empty, as pandas writes the header of its index column" in n for n in db.notes)
    assert any("transaction ids 0, 1, 2 read from the first column" in n for n in db.notes)
    items = parse_transactions(text, format="csv", tid_column=False)
    assert items.tids is None and "0" in items.items and items.n_transactions == 3


def test_transaction_and_item_headers():
    db = parse_transactions("Transaction,Item1,Item2,Item3\nT1,bread,milk,\nT2,eggs,,\n", format="csv-auto")
    assert db.tids == ("T1", "T2") and db.transactions == (("bread", "milk"), ("eggs",))
    assert any("its first cell 'Transaction' names an id column" in n for n in db.notes)
    numbered = parse_transactions("Item 1,Item 2\nbread,milk\neggs,\n", format="csv")
    assert numbered.transactions == (("bread", "milk"), ("eggs",))
    grocery = parse_transactions("Transaction,Items\n1,MILK\n2,BREAD\n", format="csv")
    assert grocery.tids == ("1", "2") and grocery.items == ("BREAD", "MILK")


@pytest.mark.parametrize("text", [
    "I1,I2\nI3,I4\n",            # textbook items, not column names
    "0,1,2\n0,3\n1,2\n",        # integer items: a basket
    "1,2\n3,4\n",               # integer items, even when none repeats
    "0,1\nbread,0\n",            # a name of the header occurs below
    "Item1,Item3\nbread,milk\n",  # not consecutive
    "bread,milk\neggs\n",
])
def test_no_header_where_the_first_row_is_a_basket(text):
    db = parse_transactions(text, format="csv")
    assert not any("header" in n for n in db.notes)
    assert db.n_transactions == text.count("\n")


def test_header_forced():
    db = parse_transactions("bread,milk\neggs\n", format="csv", header=True)
    assert db.transactions == (("eggs",),) and any("given (--header)" in n for n in db.notes)
    lines = parse_transactions("items bought\nI1 I2\nI2\n", format="lines", header=True)
    assert lines.transactions == (("I1", "I2"), ("I2",))
    han = "TID  List of item_IDs\nT100 I1, I2\nT200 I2\n"
    assert parse_transactions(han).n_transactions == 2
    assert parse_transactions(han, header=False, tid_column=False).n_transactions == 3


# ------------------------------------------------------------------ spaces around names
GROCERIES = "cream cheese ,whole milk\ncream cheese,bread\n"


def test_stripping_merges_with_a_note_and_no_strip_keeps_them_apart():
    db = parse_transactions(GROCERIES, format="csv")
    assert db.items == ("bread", "cream cheese", "whole milk")
    assert any("'cream cheese' and 'cream cheese ' as 'cream cheese'" in n and "--no-strip" in n
               for n in db.notes)
    kept = parse_transactions(GROCERIES, format="csv", strip=False)
    assert kept.items == ("bread", "cream cheese", "cream cheese ", "whole milk")
    assert not any("trailing" in n for n in kept.notes)
    lines = parse_transactions("cream cheese , milk\ncream cheese, bread\n", strip=False)
    assert lines.items == ("bread", "cream cheese", "cream cheese ", "milk")   # leading spaces always go
    assert not any("trailing" in n for n in parse_transactions("I1, I2\nI2, I3\n").notes)


def test_onehot_header_names_differing_in_spaces():
    text = "cream cheese ,cream cheese\n1,0\n1,1\n"
    with pytest.raises(ValueError, match="differ only in surrounding spaces: --no-strip"):
        read_onehot(text)
    db = read_onehot(text, strip=False)
    assert db.transactions == (("cream cheese ",), ("cream cheese", "cream cheese "))


def test_parameters_are_checked():
    with pytest.raises(TypeError, match="strip: expected True or False"):
        parse_transactions("a\n", strip="no")
    with pytest.raises(TypeError, match="header: expected True, False or None"):
        parse_transactions("a\n", header=1)


# ------------------------------------------------------------------ the command line
def test_cli_flags_pass_through(run_cli, tmp_path):
    path = tmp_path / "retail.csv"
    path.write_text(RETAIL)
    status, out, _ = run_cli("apriori", path, "--min-support", "1", "--format", "json")
    assert status == 0 and json.loads(out)["n_transactions"] == 3
    status, out, _ = run_cli("apriori", path, "--min-support", "1", "--no-header", "--format", "json")
    assert status == 0 and json.loads(out)["n_transactions"] == 4
    groceries = tmp_path / "groceries.csv"
    groceries.write_text(GROCERIES)
    status, out, _ = run_cli("apriori", groceries, "--min-support", "2", "--no-strip", "--format", "json")
    assert status == 0 and json.loads(out)["frequent_itemsets"] == []
    status, out, _ = run_cli("apriori", groceries, "--min-support", "2", "--strip", "--format", "json")
    assert status == 0 and json.loads(out)["frequent_itemsets"] == [{"itemset": ["cream cheese"], "support": 2}]


@pytest.mark.parametrize("make,needle", [
    (lambda d: "/dev/zero", "/dev/zero: not a regular file"),
    (lambda d: (d / "c.txt").write_text("1" * 5000 + " x I1\n") and d / "c.txt", "--limit digits="),
    (lambda d: (d / "o.csv").write_text("bread,count\n1,0\n") and d / "o.csv", "line 2, column 2 ('count')"),
    (lambda d: (d / "j.json").write_text('[{"items": ["a"], "cnt": 2}]') and d / "j.json", "unknown key 'cnt'"),
])
def test_cli_bad_input_is_one_line_exit_2(run_cli, tmp_path, make, needle):
    target = make(tmp_path)
    status, out, err = run_cli("apriori", target, "--min-support", "1")
    assert status == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert needle in err, err


def test_transaction_ids_with_control_characters_are_refused():
    with pytest.raises(ValueError, match=r"DB: line 1: transaction id 'T\\x1b\[2J1' holds control character U\+001B"):
        parse_transactions("T\x1b[2J1 I1\nT2 I2\n", tid_column=True)
    with pytest.raises(ValueError, match=r"DB: line 2: transaction id 'T\\x07' holds control character U\+0007"):
        parse_transactions("TID,a\nT\x07,1\n", format="onehot")


def test_count_note_grammar():
    db = parse_transactions('[{"items": ["a"], "count": 2}, ["b"]]')
    assert any(n.startswith('1 transaction (transaction 1) has a "count"') for n in db.notes)


def test_transactions_printed_as_sets_in_braces():
    """Han's Exercise 6.6 prints each transaction as a set, ``T100 {M, O, N, K, E, Y}``: the braces are notation."""
    db = parse_transactions("T100 {M, O, N, K, E, Y}\nT200 {D, O, N, K, E, Y}\nT500 {C, O, O, K, I, E}\n")
    assert [sorted(t) for t in db.transactions] == [sorted("MONKEY"), sorted("DONKEY"), sorted("COKIE")]
    assert list(db.tids) == ["T100", "T200", "T500"]
    assert any("braces" in note for note in db.notes)
    # a brace that is part of one line's item names only is kept as typed
    db = parse_transactions("{a}, b\nc\n")
    assert sorted(db.transactions[0]) == ["b", "{a}"]
