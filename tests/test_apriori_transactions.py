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
    with pytest.raises(ValueError, match="cannot read"):
        read_transactions(tmp_path / "missing.txt")
    path = tmp_path / "latin1.txt"
    path.write_bytes("a b\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="line 2: not UTF-8"):
        read_transactions(path)
