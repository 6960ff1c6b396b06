"""The Apriori exercise generator: stated properties checked independently, equal sizes and steps, the key
against mlxtend, determinism, and the command line.

The properties are recomputed here from the transactions alone: the support of every itemset by brute force,
and the levels by the textbook join (two sorted frequent (k-1)-itemsets sharing their first k-2 items) and
prune written again over Python sets, never by the generator's own checks nor by the project's references.
"""
from __future__ import annotations

import json
import re
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.exercise import exercise
from workedout.derivations.exercise.apriori import GENERATOR

LEVELS = ("easy", "exam", "hard")
SEEDS = range(30)
#: per level: N transactions, M items, minimum support count, non-empty levels, steps of the worked solution
EXPECTED = {"easy": (6, 5, 2, 3, 22), "exam": (8, 6, 3, 3, 23), "hard": (10, 8, 3, 4, 26)}
PROPERTIES = ["confidence-at-threshold", "lift-above-and-below-1", "prune-by-property", "three-levels"]


@pytest.fixture(scope="module")
def exercises():
    return {(level, seed): exercise("apriori", seed=seed, level=level) for level in LEVELS for seed in SEEDS}


# ------------------------------------------------------------- an independent Apriori, by brute force
def supports(transactions) -> dict:
    """sigma(X) for every non-empty itemset X over the items that occur (sorted tuples)."""
    items = sorted({x for t in transactions for x in t})
    sets = [set(t) for t in transactions]
    return {c: sum(1 for t in sets if set(c) <= t)
            for k in range(1, len(items) + 1) for c in combinations(items, k)}


def textbook_levels(transactions, s: int) -> list[dict]:
    """Per level: the joined candidates, the pruned ones (with their infrequent subsets), the counted ones, L_k."""
    sigma = supports(transactions)
    L = sorted(c for c in sigma if len(c) == 1 and sigma[c] >= s)
    out = [{"joined": [c for c in sigma if len(c) == 1], "pruned": {}, "counted": [c for c in sigma if len(c) == 1],
            "frequent": L}]
    k = 1
    while L:
        k += 1
        joined = []
        for p in L:
            for q in L:
                if p < q and p[:-1] == q[:-1]:
                    joined.append(tuple(sorted(set(p) | set(q))))
        prev = set(L)
        pruned = {c: [x for x in combinations(c, k - 1) if x not in prev] for c in joined}
        pruned = {c: xs for c, xs in pruned.items() if xs}
        counted = [c for c in joined if c not in pruned]
        L = sorted(c for c in counted if sigma[c] >= s)
        out.append({"joined": joined, "pruned": pruned, "counted": counted, "frequent": L})
    return out


def all_rules(transactions, s: int) -> list[tuple]:
    """(antecedent, consequent, confidence, lift) of every rule of every frequent itemset, exact."""
    sigma = supports(transactions)
    n = len(transactions)
    frequent = [c for c in sigma if sigma[c] >= s and len(c) >= 2]
    out = []
    for c in frequent:
        for r in range(1, len(c)):
            for a in combinations(c, r):
                b = tuple(x for x in c if x not in a)
                out.append((a, b, Fraction(sigma[c], sigma[a]), Fraction(n * sigma[c], sigma[a] * sigma[b])))
    return out


def independent_properties(givens) -> list[str]:
    T, s = givens["transactions"], int(givens["min_support"])
    c_min = Fraction(givens["min_confidence"])
    levels = textbook_levels(T, s)
    rules = all_rules(T, s)
    held = []
    if len(levels) >= 3 and all(levels[k]["frequent"] for k in range(3)):
        held.append("three-levels")
    if any(level["pruned"] for level in levels[1:]):
        held.append("prune-by-property")
    if any(conf == c_min for _, _, conf, _ in rules):
        held.append("confidence-at-threshold")
    kept = [lift for _, _, conf, lift in rules if conf >= c_min]
    if any(x > 1 for x in kept) and any(x < 1 for x in kept):
        held.append("lift-above-and-below-1")
    return sorted(held)


def test_the_independent_check_tells_databases_apart():
    # Han, Kamber & Pei's AllElectronics table (Table 6.1): L_3 = {I1, I2, I3}, {I1, I2, I5}; C_3 prunes four
    from workedout.derivations.apriori import ALL_ELECTRONICS as T
    assert independent_properties({"transactions": T, "min_support": "2", "min_confidence": "2/3"}) == PROPERTIES
    assert independent_properties({"transactions": T, "min_support": "2", "min_confidence": "7/10"}) == [
        "prune-by-property", "three-levels"]  # no rule has confidence 7/10
    assert independent_properties({"transactions": T, "min_support": "3", "min_confidence": "1/2"}) == []
    assert len(textbook_levels(T, 2)[2]["pruned"]) == 4


# -------------------------------------------------------------------------------------- properties
@pytest.mark.parametrize("level", LEVELS)
def test_every_stated_property_holds_and_every_one_is_stated(exercises, level):
    for seed in SEEDS:
        e = exercises[level, seed]
        assert list(e.properties) == PROPERTIES, seed
        assert independent_properties(e.givens) == PROPERTIES, seed


@pytest.mark.parametrize("level", LEVELS)
def test_sizes_steps_and_shape_are_equal_within_a_level(exercises, level):
    n, m, s, n_frequent, n_steps = EXPECTED[level]
    sizes = {json.dumps(exercises[level, seed].sizes, sort_keys=True) for seed in SEEDS}
    assert len(sizes) == 1
    for seed in SEEDS:
        e = exercises[level, seed]
        T = e.givens["transactions"]
        assert len(T) == n and sorted({x for t in T for x in t}) == [chr(65 + i) for i in range(m)]
        assert all(t == sorted(set(t)) and len(t) >= 1 for t in T)
        assert e.givens["min_support"] == str(s)
        assert Fraction(e.givens["min_confidence"]) < 1 and "/" in e.givens["min_confidence"]
        levels = textbook_levels(T, s)
        assert len(levels) == n_frequent + 1 and all(lv["frequent"] for lv in levels[:n_frequent])
        last = levels[-1]
        if e.sizes["last_level"] == "no-join":
            assert not last["joined"]
        else:
            assert last["joined"] and not last["counted"]
        assert len(e.solution.numbered_steps()) == n_steps, seed
        assert e.sizes == {"transactions": n, "items": m, "min_support_count": s, "frequent_levels": n_frequent,
                           "last_level": e.sizes["last_level"]}


def test_variants_are_distinct(exercises):
    for level in LEVELS:
        seen = {json.dumps(exercises[level, seed].givens, sort_keys=True) for seed in SEEDS}
        assert len(seen) == len(SEEDS), level


def test_the_stream_is_pinned():
    assert exercise("apriori", seed=0, level="exam").givens == {
        "transactions": [["B", "C"], ["A", "B", "C", "D"], ["A", "B", "F"], ["A", "B", "D", "E", "F"], ["E", "F"],
                         ["A", "B", "D", "F"], ["A", "D", "F"], ["B", "C", "E", "F"]],
        "min_support": "3", "min_confidence": "3/5"}
    assert exercise("apriori", seed=7, level="easy").givens == {
        "transactions": [["B", "D"], ["C", "D", "E"], ["A", "B", "C", "D"], ["A", "D"], ["A", "C", "D"], ["C", "E"]],
        "min_support": "2", "min_confidence": "3/5"}
    a, b = exercise("apriori", seed=5, level="hard"), exercise("apriori", seed=5, level="hard")
    assert a.to_dict() == b.to_dict()


def test_bad_python_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="colour: not an option of apriori exercises; expected none"):
        exercise("apriori", seed=1, colour="red")
    with pytest.raises(ValueError, match="level"):
        exercise("apriori", seed=1, level="medium")
    with pytest.raises(ValueError, match="seed"):
        exercise("apriori", seed=-1)


@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(LEVELS))
@settings(max_examples=15, deadline=None)
def test_any_seed_gives_an_exercise_with_its_properties(seed, level):
    e = GENERATOR.generate(seed, level)
    assert independent_properties(e.givens) == list(e.properties) == PROPERTIES
    assert e.sizes["transactions"] == EXPECTED[level][0]


# ------------------------------------------------------------------------------ the key, independently
def _mlxtend(transactions, s: int, c_min: Fraction):
    import pandas as pd
    from mlxtend.frequent_patterns import apriori, association_rules
    items = sorted({x for t in transactions for x in t})
    df = pd.DataFrame([[x in t for x in items] for t in transactions], columns=items)
    n = len(transactions)
    found = apriori(df, min_support=(s - 0.5) / n, use_colnames=True)
    itemsets = {tuple(sorted(x)): round(v * n) for x, v in zip(found["itemsets"], found["support"])}
    rules = association_rules(found, num_itemsets=n, metric="confidence", min_threshold=0.0,
                              return_metrics=["support", "confidence", "lift"])
    out = {}
    for a, b, conf, lift in zip(rules["antecedents"], rules["consequents"], rules["confidence"], rules["lift"]):
        out[tuple(sorted(a)), tuple(sorted(b))] = (conf, lift)
    return itemsets, out


def check_key(e) -> None:
    """The key's levels against the textbook recomputation, its itemsets and rules against mlxtend."""
    T, s = e.givens["transactions"], int(e.givens["min_support"])
    c_min = Fraction(e.givens["min_confidence"])
    key = e.key
    sigma = supports(T)
    assert key["n_transactions"] == len(T) and key["min_support_count"] == s
    levels = textbook_levels(T, s)
    assert [lv["k"] for lv in key["levels"]] == list(range(1, len(levels) + 1))
    for mine, theirs in zip(levels[1:], key["levels"][1:]):
        assert [tuple(j["candidate"]) for j in theirs["join"]] == mine["joined"]
        assert {tuple(p["itemset"]): [tuple(x) for x in p["infrequent_subset"]] for p in theirs["pruned"]} \
            == mine["pruned"]
        counted = {tuple(c["itemset"]): c["support"] for c in theirs["candidates"]}
        assert counted == {c: sigma[c] for c in mine["counted"]}
    for mine, theirs in zip(levels, key["levels"]):
        frequent = {tuple(f["itemset"]): f["support"] for f in theirs["frequent"]}
        assert frequent == {c: sigma[c] for c in mine["frequent"]}
    itemsets, rules = _mlxtend(T, s, c_min)
    assert {tuple(f["itemset"]): f["support"] for f in key["frequent_itemsets"]} == itemsets
    assert key["n_frequent_itemsets"] == len(itemsets)
    assert {(tuple(r["antecedent"]), tuple(r["consequent"])) for r in key["rules"]} == set(rules)
    assert key["n_rules"] == len(rules)
    exact = {(tuple(r["antecedent"]), tuple(r["consequent"])): r for r in key["exact"]["rules"]}
    for r in key["rules"]:
        rule = tuple(r["antecedent"]), tuple(r["consequent"])
        conf, lift = rules[rule]
        exact_conf = Fraction(str(exact[rule]["confidence"]))
        assert exact_conf == Fraction(r["support"], r["antecedent_support"])
        assert abs(float(exact_conf) - conf) < 1e-12 and abs(float(Fraction(str(exact[rule]["lift"]))) - lift) < 1e-12
        assert r["meets_min_confidence"] == (conf >= float(c_min) - 1e-12)
    assert key["n_rules_meeting_min_confidence"] == sum(conf >= float(c_min) - 1e-12 for conf, _ in rules.values())


@pytest.mark.parametrize("level, seeds", [("exam", SEEDS), ("easy", range(4)), ("hard", range(4))])
def test_the_key_agrees_with_mlxtend_and_the_textbook_levels(exercises, level, seeds):
    for seed in seeds:
        check_key(exercises[level, seed])


def test_the_quiz_parts_are_the_keys_values_and_the_asked_rule(exercises):
    for level in LEVELS:
        for seed in range(5):
            e = exercises[level, seed]
            parts = e.quiz_parts()
            for part in parts:
                assert _at(e.key, part.location) == part.value, part
            confidence = next(p for p in parts if p.label.startswith("confidence of "))
            rule_text = confidence.label.removeprefix("confidence of ")
            assert f"(c) Is the rule {rule_text} kept?" in e.question
            assert Fraction(confidence.value).limit_denominator(100) == Fraction(e.givens["min_confidence"])
            last = max(lv["k"] for lv in e.key["levels"] if lv["frequent"])
            assert sum(p.label.endswith(f"(in L_{last})") for p in parts) == len(e.key["levels"][last - 1]["frequent"])


def _at(key: dict, location: str):
    """The value at ``location`` (``levels[2].frequent[0].support``) of ``key``."""
    node = key
    for token in re.findall(r"[A-Za-z_]+|\[\d+\]", location):
        node = node[int(token[1:-1])] if token.startswith("[") else node[token]
    return node


def test_the_question_shows_the_database_and_the_thresholds(exercises):
    e = exercises["exam", 0]
    assert "minimum support count 3" in e.question and "minimum confidence 3/5 (60%)" in e.question
    text = e.render("text")
    assert "T100" in text and "T800" in text and "A, B, C, D" in text
    assert e.files == {"apriori-0-transactions.txt": "T100 B, C\nT200 A, B, C, D\nT300 A, B, F\n"
                       "T400 A, B, D, E, F\nT500 E, F\nT600 A, B, D, F\nT700 A, D, F\nT800 B, C, E, F\n"}
    assert e.check(e.key).ok


# ---------------------------------------------------------------------------------- the command line


def test_cli_json_solution_check_and_bad_options(run_cli, tmp_path, exercises):
    status, out, _ = run_cli("exercise", "apriori", "--seed", "4", "--level", "easy", "--format", "json")
    assert status == 0
    d = json.loads(out)
    assert list(d) == ["schema", "topic", "seed", "level", "options", "question", "command", "givens", "key",
                       "properties", "sizes", "files"]
    assert d["topic"] == "apriori" and d["seed"] == 4 and d["level"] == "easy" and d["properties"] == PROPERTIES
    assert d["givens"] == exercises["easy", 4].givens and d["files"] == ["apriori-4-transactions.txt"]
    status, out, _ = run_cli("exercise", "apriori", "--seed", "4", "--level", "easy", "--solution")
    assert status == 0 and "Level 3" in out and "prune step" in out and "Rule 1" in out
    status, out, _ = run_cli("exercise", "apriori", "--seed", "4", "--level", "easy")
    assert status == 0 and "(c) Is the rule" in out and "Level 3" not in out

    right, wrong = tmp_path / "right.json", tmp_path / "wrong.json"
    right.write_text(json.dumps(d["key"]))
    levels = json.loads(json.dumps(d["key"]["levels"]))
    levels[2]["frequent"][0]["support"] += 1
    wrong.write_text(json.dumps({"levels": levels}))
    status, out, _ = run_cli("exercise", "apriori", "--seed", "4", "--level", "easy", "--check", str(right))
    assert status == 0 and "agree" in out
    status, out, _ = run_cli("exercise", "apriori", "--seed", "4", "--level", "easy", "--check", str(wrong))
    assert status == 1 and "root cause" in out and "L_3" in out

    for bad in (["--level", "medium"], ["--seed", "-1"], ["--seed", str(2 ** 32)], ["--seed", "x"]):
        status, out, err = run_cli("exercise", "apriori", *bad)
        assert status == 2 and not out and len(err.strip().splitlines()) == 1 and "Traceback" not in err, bad
        assert ("--level" if bad[0] == "--level" else "--seed") in err


def test_the_commands_output_is_the_key(run_cli, tmp_path, monkeypatch):
    status, _, err = run_cli("exercise", "apriori", "--seed", "11", "--level", "hard", "--format", "json",
                         "-o", str(tmp_path / "ex.json"))
    assert status == 0 and "apriori-11-transactions.txt" in err
    d = json.loads((tmp_path / "ex.json").read_text())
    assert (tmp_path / "apriori-11-transactions.txt").is_file()
    monkeypatch.chdir(tmp_path)
    assert d["command"][:3] == ["workedout", "apriori", "apriori-11-transactions.txt"]
    status, out, _ = run_cli(*d["command"][1:], "--format", "json")
    assert status == 0
    worked = json.loads(out)
    from workedout.derivations.model import METADATA_KEYS
    assert {k: v for k, v in worked.items() if k not in METADATA_KEYS} == d["key"]
