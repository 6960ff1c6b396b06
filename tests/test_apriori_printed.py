"""Apriori exercises typed in as textbooks print them (issue 14): percentages, transaction ids, counts,
closed and maximal itemsets, one rule worked alone, percentages in the display, one arrow, --digits."""
import json
import re
from fractions import Fraction

import pytest
from workedout.derivations.apriori import ALL_ELECTRONICS, apriori
from workedout.numerics.apriori import (
    association_rules,
    frequent_itemsets,
    resolve_min_confidence,
)
from workedout.numerics.thresholds import resolve_min_support
from workedout.numerics.transactions import parse_transactions

#: Han, Kamber & Pei, Table 6.1, as printed: a header, then "T100 I1, I2, I5" ...
HAN = ("TID  List of item_IDs\nT100 I1, I2, I5\nT200 I2, I4\nT300 I2, I3\nT400 I1, I2, I4\nT500 I1, I3\n"
       "T600 I2, I3\nT700 I1, I3\nT800 I1, I2, I3, I5\nT900 I1, I2, I3\n")


# ------------------------------------------------------------- percentages
@pytest.mark.parametrize("typed,count", [("22%", 2), ("100%", 9), ("12.5%", 2), ("50%", 5), (" 22 % ", 2)])
def test_min_support_as_a_percentage(typed, count):
    assert resolve_min_support(typed, 9) == count
    assert resolve_min_support(typed.strip(), 9) == resolve_min_support(Fraction(typed.strip()[:-1]) / 100, 9)


@pytest.mark.parametrize("typed,position,char", [("2x%", 2, "x"), ("abc", 1, "a"), ("1.2.3", 4, "."),
                                                 ("22%%", 4, "%")])
def test_an_error_points_at_the_offending_character(typed, position, char):
    with pytest.raises(ValueError, match=re.escape(f"(at character {position}: {char!r})")):
        resolve_min_support(typed, 9, what="--min-support")


def test_percentages_out_of_range_and_confidence():
    with pytest.raises(ValueError, match="at most 100%"):
        resolve_min_support("150%", 9)
    assert resolve_min_confidence("70%") == Fraction(7, 10) and resolve_min_confidence("7/10") == Fraction(7, 10)
    with pytest.raises(ValueError, match=re.escape("at character 2: 'o'")):
        resolve_min_confidence("7o%")
    rules = association_rules(frequent_itemsets(ALL_ELECTRONICS, "22%"), 9, "70%")
    assert len(rules) == 6  # the book's strong rules at min_conf 70%
    r = apriori(ALL_ELECTRONICS, "22%", min_confidence="70%")
    assert r.answer["min_support_count"] == 2
    assert sum(e["meets_min_confidence"] for e in r.answer["rules"]) == 6
    assert "ceil(22% * 9) = ceil(1.98) = 2" in r.to_text()


def test_cli_percentages_and_error_position(run_cli, tmp_path):
    path = tmp_path / "han.txt"
    path.write_text(HAN)
    code, out, err = run_cli("apriori", str(path), "--min-support", "22%", "--min-confidence", "70%",
                             "--format", "json")
    assert code == 0 and json.loads(out)["min_support_count"] == 2
    code, out, err = run_cli("apriori", str(path), "--min-support", "2x%")
    assert code == 2 and "--min-support" in err and "at character 2: 'x'" in err


# ------------------------------------------------------- transaction ids
def test_han_table_with_ids_and_header_is_detected():
    db = parse_transactions(HAN)
    assert db.tids == tuple(f"T{i}00" for i in range(1, 10))
    assert [list(t) for t in db.transactions] == ALL_ELECTRONICS
    assert not any(" " in x for x in db.items)  # never an item named "T100 I1"
    assert any("transaction ids T100" in n and "header" in n for n in db.notes)


@pytest.mark.parametrize("text", ["T100 I1 I2 I5\nT200 I2 I4\n", "T100: I1, I2, I5\nT200: I2, I4\n",
                                  "T100\tI1, I2, I5\nT200\tI2, I4\n"])
def test_id_layouts(text):
    db = parse_transactions(text)
    assert db.tids == ("T100", "T200") and db.transactions == (("I1", "I2", "I5"), ("I2", "I4"))


def test_ids_not_detected_where_they_could_be_items():
    assert parse_transactions("I1 I2\nI3 I4\n").tids is None          # same shape as the items
    assert parse_transactions("3 1 2\n10 2\n").tids is None           # integers among integers
    assert parse_transactions("whole milk, bread\nbread\n").tids is None
    forced = parse_transactions("I1 I2\nI3 I4\n", tid_column=True)
    assert forced.tids == ("I1", "I3") and forced.transactions == (("I2",), ("I4",))
    off = parse_transactions("T100 I1 I2\nT200 I2\n", tid_column=False)
    assert off.tids is None and "T100" in off.items
    repeated = parse_transactions("T100 I1, I2\nT100 I3\n")  # not distinct: not ids, and a note says so
    assert repeated.tids is None and any("--tid-column" in n for n in repeated.notes)


def test_csv_baskets_with_an_id_cell(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("T100,I1,I2,I5\nT200,I2,I4\n")
    from workedout.numerics.transactions import read_transactions
    db = read_transactions(path)
    assert db.tids == ("T100", "T200") and db.transactions == (("I1", "I2", "I5"), ("I2", "I4"))


def test_worked_steps_show_the_ids(run_cli, tmp_path):
    path = tmp_path / "han.txt"
    path.write_text(HAN)
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2")
    assert code == 0 and "T100  {I1, I2, I5}" in out and "T900  {I1, I2, I3}" in out
    assert "transaction ids T100, T200, T300, ..., T900 read from the first column" in out
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--no-tid-column", "--format", "json")
    assert code == 0  # the first word read as an item: T100 ... become items
    assert ["T100", "I1"] not in [e["itemset"] for e in json.loads(out)["frequent_itemsets"]]


# ------------------------------------------------------------------ counts
def test_a_count_multiplies_its_row_everywhere():
    db = parse_transactions("3 x I1, I2\nI2, I3\nT 2 x I1\n".replace("T 2 x I1", "2 × I1, I3"))
    assert db.counts == (3, 1, 2) and db.n_transactions == 6
    r = apriori(db, "50%", rules=["I1 => I2"])
    assert r.answer["n_transactions"] == 6 and r.answer["min_support_count"] == 3
    sup = {tuple(e["itemset"]): e["support"] for e in r.answer["frequent_itemsets"]}
    assert sup == {("I1",): 5, ("I2",): 4, ("I3",): 3, ("I1", "I2"): 3}
    assert r.answer["rule"]["support"] == 3 and r.answer["rule"]["confidence"] == Fraction(3, 5)
    text = r.to_text()
    assert "N = 3 + 1 + 2 = 6 transactions" in text and "count" in text
    assert frequent_itemsets(db, 3) == {frozenset(k): v for k, v in sup.items()}  # the numerics agree


def test_counts_with_ids_and_errors():
    db = parse_transactions("T100 3 x I1, I2\nT200 I2\n")
    assert db.tids == ("T100", "T200") and db.counts == (3, 1) and db.n_transactions == 4
    assert [(tid, c) for tid, c, _ in db.rows] == [("T100", 3), ("T200", 1)]
    with pytest.raises(ValueError, match="line 1: the count 0 x"):
        parse_transactions("0 x I1\nI2\n")


# --------------------------------------------------- closed and maximal
def test_closed_and_maximal_itemsets_of_the_book():
    r = apriori(ALL_ELECTRONICS, 2, closed=True, maximal=True)
    closed = {tuple(e["itemset"]): e["support"] for e in r.answer["closed"]}
    maximal = {tuple(e["itemset"]): e["support"] for e in r.answer["maximal"]}
    assert maximal == {("I2", "I4"): 2, ("I1", "I2", "I3"): 2, ("I1", "I2", "I5"): 2}
    # {I4} (2) has {I2, I4} (2); {I5} and {I1, I5}, {I2, I5} have {I1, I2, I5} (2): not closed
    assert set(closed) == {("I1",), ("I2",), ("I3",), ("I1", "I2"), ("I1", "I3"), ("I2", "I3"), ("I2", "I4"),
                           ("I1", "I2", "I3"), ("I1", "I2", "I5")}
    text = r.to_text()
    assert "Closed and maximal itemsets" in text and "{I4}          2  {I2, I4} (2)" in text


def test_closed_and_maximal_brute_force_on_random_databases():
    import random
    rng = random.Random(14)
    for _ in range(15):
        db = [rng.sample("abcdef", rng.randint(0, 4)) for _ in range(rng.randint(1, 12))]
        r = apriori(db, rng.randint(1, 3), closed=True, maximal=True)
        freq = {frozenset(e["itemset"]): e["support"] for e in r.answer["frequent_itemsets"]}
        want_closed = {x for x in freq if not any(x < y and freq[y] == freq[x] for y in freq)}
        want_max = {x for x in freq if not any(x < y for y in freq)}
        assert {frozenset(e["itemset"]) for e in r.answer["closed"]} == want_closed
        assert {frozenset(e["itemset"]) for e in r.answer["maximal"]} == want_max


def test_cli_closed_maximal_json(run_cli, tmp_path):
    path = tmp_path / "han.txt"
    path.write_text(HAN)
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--closed", "--maximal", "--format", "json")
    data = json.loads(out)
    assert code == 0 and {"itemset": ["I2", "I4"], "support": 2} in data["maximal"]
    assert all(set(e) == {"itemset", "support"} for e in data["closed"] + data["maximal"])


# ------------------------------------------------------------ one rule
def test_one_rule_worked_alone(run_cli, tmp_path):
    path = tmp_path / "han.txt"
    path.write_text(HAN)
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--rule", "{I1, I2} => {I5}",
                           "--format", "json")
    rule = json.loads(out)["rule"]
    assert code == 0 and rule["antecedent"] == ["I1", "I2"] and rule["consequent"] == ["I5"]
    assert rule["support"] == 2 and rule["confidence"] == 0.5 and rule["lift"] == 2.25
    assert {"leverage", "conviction"} <= set(rule)
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--rule", "{I1, I2} => {I5}")
    assert code == 0 and "Rule 1: {I1, I2} ⇒ {I5}" in out
    assert "{I1} ⇒ {I2}  " not in out  # the table of every rule is left out without --min-confidence
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--min-confidence", "70%",
                           "--rule", "{I1, I2} => {I5}")
    assert "{I5} ⇒ {I1, I2}" in out  # with --min-confidence every rule is listed, as before


def test_rule_forms():
    for form in ("{I1, I2} => {I5}", "I1, I2 => I5", "{I1,I2}->{I5}", "I1, I2 ⇒ I5", '[["I1", "I2"], ["I5"]]'):
        r = apriori(ALL_ELECTRONICS, 2, rule=form)
        assert (r.answer["rule"]["antecedent"], r.answer["rule"]["consequent"]) == (["I1", "I2"], ["I5"]), form
    both = apriori(ALL_ELECTRONICS, 2, rules=["I1 => I2", "I5 => I1"])
    assert [e["consequent"] for e in both.answer["rule"]] == [["I2"], ["I1"]]
    braced = apriori([["{x}", "y"], ["{x}", "y"]], 1, rule="{x} => y")  # an item named {x} keeps its braces
    assert braced.answer["rule"]["antecedent"] == ["{x}"]


# ------------------------------------------------ display: %, ∞, ⇒, digits
def test_percent_display_only():
    plain = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7", rules=["I1, I2 => I5"])
    shown = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7", rules=["I1, I2 => I5"], percent=True)
    assert plain.answer == shown.answer  # display only
    text = shown.to_text()
    assert "supp(A ⇒ B) = σ(A ∪ B) / N = 2/9 ≈ 22.22%" in text
    assert "conf(A ⇒ B) = σ(A ∪ B) / σ(A) = 2/4 = 1/2 = 50%" in text
    assert "{I1, I2}      4  ≈44.44%" in text


def test_infinite_conviction_one_arrow_and_digits():
    r = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7", rules=["I1, I5 => I2"])
    for fmt in ("text", "md"):
        out = r.render(fmt)
        assert "→" not in out and "->" not in out and "=>" not in out and "/ 0" not in out and "/0" not in out
    tex = r.to_latex()
    assert r"\infty" in tex and r"\frac{2/9}{0}" not in tex and r"{0}" not in tex.split("conviction")[-1]
    assert r"\to " not in tex and "Rightarrow" in tex
    assert "9/7 ≈ 1.286" in r.to_text() and "4/81 ≈ 0.04938" in r.to_text()
    six = apriori(ALL_ELECTRONICS, 2, rules=["I1, I5 => I2"], digits=6).to_text()
    assert "9/7 ≈ 1.28571" in six and "4/81 ≈ 0.0493827" in six
    with pytest.raises(ValueError, match="digits"):
        apriori(ALL_ELECTRONICS, 2, digits=0)


def test_cli_digits_and_percent(run_cli, tmp_path):
    path = tmp_path / "han.txt"
    path.write_text(HAN)
    code, out, _ = run_cli("apriori", str(path), "--min-support", "2", "--rule", "I1, I5 => I2", "--digits", "3",
                           "--percent")
    assert code == 0 and "9/7 ≈ 1.29" in out and "= 2/2 = 1 = 100%" in out


def test_check_closed_maximal_and_rule_answers():
    r = apriori(ALL_ELECTRONICS, 2, maximal=True, closed=True, rule="{I1, I2} => {I5}")
    good = {"maximal": [{"itemset": "{I2, I4}", "support": "22%"}, {"itemset": ["I1", "I2", "I3"], "support": 2},
                        {"itemset": "{I1, I2, I5}", "support": 2}],
            "rule": {"antecedent": "{I1, I2}", "consequent": "{I5}", "confidence": "50%", "lift": 2.25}}
    assert r.check(good).ok
    bad = dict(good, closed=[{"itemset": "{I4}", "support": 2}])
    report = r.check(bad)
    assert not report.ok and any(d.location.startswith("closed") for d in report.discrepancies)
    wrong = dict(good, rule=dict(good["rule"], confidence="100%"))
    assert [d.location for d in r.check(wrong).discrepancies] == ["rule.confidence"]
