"""The worked Apriori: the textbook example, the levels against the numerics, JSON, checks and PDF."""
import json

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.apriori import ALL_ELECTRONICS, apriori
from workedout.numerics.apriori import apriori_levels, association_rules, frequent_itemsets
from tests.conftest import require_pdflatex
from tests.test_pdf import pdf_text, visible


def _sets(entries):
    return {frozenset(e["itemset"]): e["support"] for e in entries}


def test_allelectronics_golden():
    """Han, Kamber & Pei, Data Mining: Concepts and Techniques (3rd ed.), Table 6.1 and Figure 6.2."""
    r = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7")
    levels = r.answer["levels"]
    assert [lv["k"] for lv in levels] == [1, 2, 3, 4]
    assert _sets(levels[0]["frequent"]) == {frozenset([i]): n for i, n in
                                           (("I1", 6), ("I2", 7), ("I3", 6), ("I4", 2), ("I5", 2))}
    assert _sets(levels[1]["frequent"]) == {frozenset(p): n for p, n in (
        (("I1", "I2"), 4), (("I1", "I3"), 4), (("I1", "I5"), 2), (("I2", "I3"), 4), (("I2", "I4"), 2),
        (("I2", "I5"), 2))}
    # C_3 after pruning, as the book has it, and the pruned candidates with their infrequent subsets
    assert _sets(levels[2]["candidates"]) == {frozenset(["I1", "I2", "I3"]): 2, frozenset(["I1", "I2", "I5"]): 2}
    assert {tuple(p["itemset"]): p["infrequent_subset"] for p in levels[2]["pruned"]} == {
        ("I1", "I3", "I5"): [["I3", "I5"]], ("I2", "I3", "I4"): [["I3", "I4"]],
        ("I2", "I3", "I5"): [["I3", "I5"]], ("I2", "I4", "I5"): [["I4", "I5"]]}
    # level 4: the one joined candidate is pruned, naming both infrequent 3-subsets; L_4 is empty
    assert levels[3]["pruned"] == [{"itemset": ["I1", "I2", "I3", "I5"],
                                    "infrequent_subset": [["I1", "I3", "I5"], ["I2", "I3", "I5"]]}]
    assert levels[3]["frequent"] == [] and levels[3]["candidates"] == []
    # the book's rules from {I1, I2, I5}: confidences 50%, 100%, 100%, 33%, 29%, 100%
    conf = {(tuple(e["antecedent"]), tuple(e["consequent"])): e["confidence"] for e in r.answer["rules"]}
    assert conf[("I1", "I2"), ("I5",)] == sp.Rational(1, 2)
    assert conf[("I1", "I5"), ("I2",)] == 1 and conf[("I2", "I5"), ("I1",)] == 1
    assert conf[("I1",), ("I2", "I5")] == sp.Rational(1, 3) and conf[("I2",), ("I1", "I5")] == sp.Rational(2, 7)
    assert conf[("I5",), ("I1", "I2")] == 1
    strong = {k for k, e in zip(conf, r.answer["rules"]) if e["meets_min_confidence"]}
    assert {(("I1", "I5"), ("I2",)), (("I2", "I5"), ("I1",)), (("I5",), ("I1", "I2"))} <= strong
    assert all(s.check is not None for s in r.steps if hasattr(s, "check") and s.label and
               s.label.startswith(("count_", "prune_", "join_", "L_")))
    text = r.to_text()
    assert "L_4 is empty" in text and "{I1, I3, I5}; {I2, I3, I5}" in text


databases = st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=5), max_size=10)


@settings(max_examples=20)
@given(databases, st.integers(1, 4), st.sampled_from([None, 2, 3]))
def test_worked_levels_equal_the_numerics(db, s, max_len):
    r = apriori(db, s, max_len=max_len, min_confidence="1/2")  # every step's check runs (it raises if false)
    levels = apriori_levels(db, s, max_len=max_len)
    assert len(r.answer["levels"]) == len(levels)
    for worked, lv in zip(r.answer["levels"], levels):
        assert worked["k"] == lv.k
        assert {tuple(e["itemset"]): e["support"] for e in worked["candidates"]} == lv.candidates
        assert {tuple(e["itemset"]): tuple(map(tuple, e["infrequent_subset"])) for e in worked["pruned"]} == lv.pruned
        assert {tuple(e["itemset"]): e["support"] for e in worked["frequent"]} == lv.frequent
        for e in worked["pruned"]:  # every pruned candidate has an infrequent subset
            assert e["infrequent_subset"]
    assert _sets(r.answer["frequent_itemsets"]) == frequent_itemsets(db, s, max_len=max_len, algorithm="fpgrowth")
    rules = association_rules(frequent_itemsets(db, s, max_len=max_len), len(db), "1/2")
    assert {(tuple(e["antecedent"]), tuple(e["consequent"])) for e in r.answer["rules"]
            if e["meets_min_confidence"]} == {(x.antecedent, x.consequent) for x in rules}


def _strict_json(text):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def test_json_carries_infinite_conviction_as_null_with_exact_oo():
    data = _strict_json(apriori(ALL_ELECTRONICS, 2).to_json())
    rule = next(i for i, e in enumerate(data["rules"]) if e["antecedent"] == ["I5"] and e["consequent"] == ["I1"])
    assert data["rules"][rule]["conviction"] is None and data["exact"]["rules"][rule]["conviction"] == "oo"
    assert data["rules"][rule]["lift"] == 1.5 and data["exact"]["rules"][rule]["lift"] == "3/2"
    assert data["levels"][0]["candidates"][0] == {"itemset": ["I1"], "support": 6}


def test_check_accepts_any_order_and_reports_each_discrepancy():
    r = apriori(ALL_ELECTRONICS, 2)
    own = _strict_json(r.to_json())
    assert r.check(own).ok
    student = {"levels": [{"k": 3, "candidates": [{"itemset": ["I5", "I2", "I1"], "support": 2},
                                                  {"itemset": ["I3", "I2", "I1"], "support": 2}],
                           "pruned": [{"itemset": ["I2", "I4", "I5"], "infrequent_subset": [["I5", "I4"]]},
                                      {"itemset": ["I1", "I3", "I5"], "infrequent_subset": [["I3", "I5"]]},
                                      {"itemset": ["I2", "I3", "I4"], "infrequent_subset": [["I3", "I4"]]},
                                      {"itemset": ["I2", "I3", "I5"], "infrequent_subset": [["I3", "I5"]]}]}],
               "rules": [{"antecedent": ["I5"], "consequent": ["I1"], "confidence": "1", "conviction": "inf"},
                         {"antecedent": ["I1"], "consequent": ["I2"], "confidence": 0.667, "conviction": None}]}
    report = r.check(student)
    assert [d.location for d in report.discrepancies] == ["rules[0].conviction"]  # {I1} -> {I2}: 2/3, not oo
    wrong = {"levels": [{"k": 2, "frequent": [{"itemset": ["I1", "I2"], "support": 5},
                                              {"itemset": ["I1", "I4"], "support": 1}]}]}
    found = {(d.location, d.reason) for d in r.check(wrong).discrepancies}
    assert ("levels[1].frequent[0].support", "differs: 5 counted, but 4 of the transactions contain {I1, I2}") in found
    assert any(loc.startswith("levels[1].frequent[given 2]") and "not expected" in why for loc, why in found)
    assert sum("missing" in why for _, why in found) == 5  # the other five frequent 2-itemsets
    step = next(d for d in r.check(wrong).discrepancies if d.location == "levels[1].frequent[0].support").step
    assert step == r.step_number("count_2")  # a wrong support is a counting error: the count step


def test_empty_database_and_support_above_n_say_why():
    r = apriori([], "0.5")
    assert r.answer["levels"][0]["frequent"] == [] and r.answer["rules"] == []
    assert "no transactions" in r.to_text()
    r = apriori(ALL_ELECTRONICS, 12)
    assert r.answer["frequent_itemsets"] == []
    assert "exceeds the number of transactions N = 9" in r.to_text()


def test_sweep_table_and_figure(tmp_path):
    from workedout.derivations.apriori import sweep_figure
    r = apriori(ALL_ELECTRONICS, 2, sweep="1,2,0.5,1.0")
    assert [(e["min_support"], e["min_support_count"], e["n_frequent"], e["total"]) for e in r.answer["sweep"]] == [
        ("1", 1, [5, 8, 5, 1], 19), ("2", 2, [5, 6, 2], 13), ("0.5", 5, [3], 3), ("1.0", 9, [], 0)]
    sweep_figure(r, tmp_path / "sweep.png")
    assert (tmp_path / "sweep.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="sweep item 2"):
        apriori(ALL_ELECTRONICS, 2, sweep="0.5,0")


def test_rule_arithmetic_for_an_asked_rule():
    r = apriori(ALL_ELECTRONICS, 2, rules=["I1, I5 => I2", [["I3"], ["I4"]]])
    text = r.to_text()
    # one arrow (⇒), an infinite conviction as ∞ with no division by zero written, decimals to 4 digits
    assert "Rule 1: {I1, I5} ⇒ {I2}" in text and "= 9/7 ≈ 1.286" in text and "(1 - conf) = ∞" in text
    assert "/ 0" not in text and "→" not in text and "=>" not in text
    assert "is not frequent" in text  # {I3, I4} has support 0
    with pytest.raises(ValueError, match="rules 1: item 'I9' is not in the database"):
        apriori(ALL_ELECTRONICS, 2, rules=["I1 => I9"])
    with pytest.raises(ValueError, match="disjoint"):
        apriori(ALL_ELECTRONICS, 2, rules=["I1, I2 => I2"])


def test_pdf_with_latex_special_item_names(tmp_path):
    require_pdflatex()
    names = ["milk & honey", "50% off", "back\\slash", "under_score", "café", "{brace} #1 $5 ^~"]
    db = [names[:5], names[:3], [names[0], names[5]], names[1:5], names]
    r = apriori(db, 2, min_confidence="0.6", rules=[[[names[0]], [names[1]]]])
    pdf = tmp_path / "ap.pdf"
    pdf.write_bytes(r.to_pdf())
    text = " ".join(pdf_text(pdf.read_bytes(), tmp_path).split())
    for name in names:
        assert "{" + visible(name) + "}" in text, name  # as the itemset {name}
    assert r.to_markdown().count("milk &amp; honey") > 0
