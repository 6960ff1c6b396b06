"""Hostile and real-sized inputs for the mining topics (issue 15): work refused before it starts, bounded JSON
with exact totals, and worked PrefixSpan counting its supports from the engine's pseudo-projections."""
import json

import numpy as np
import pytest
from hypothesis import given, strategies as st

from workedout.derivations.apriori import apriori
from workedout.derivations.prefixspan import prefixspan
from workedout.numerics import apriori as A
from workedout.numerics import limits
from workedout.numerics import prefixspan as P

# ----------------------------------------------------------------- generators
def sign_like(n=100, seed=0, n_items=267, mean_length=52, common=50, common_mass=0.9):
    """A database of SPMF's SIGN's shape (its first 100 sequences): single-item itemsets, mean length 52, 267
    items, a core of common signs (the 50 commonest carry 90% of the occurrences)."""
    rng = np.random.default_rng(seed)
    p = np.full(n_items, (1 - common_mass) / (n_items - common))
    p[:common] = common_mass / common
    lengths = np.maximum(1, rng.poisson(mean_length, n))
    return [[[int(x) + 1] for x in rng.choice(n_items, size=int(k), p=p)] for k in lengths]


def spmf(db) -> str:
    return "\n".join(" ".join(f"{' '.join(map(str, a))} -1" for a in s) + " -2" for s in db) + "\n"


def foodmart_like(n=4141, n_items=1559, mean=4.4, seed=0):
    """A transaction database of FIMI foodmart's shape: ~4,100 baskets over ~1,560 items, 4.4 items each."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_items + 1) ** 0.7
    p /= p.sum()
    return [sorted({int(x) + 1 for x in rng.choice(n_items, size=int(k), p=p)})
            for k in rng.poisson(mean - 1, n) + 1]


items = st.sampled_from("abcde")
itemsets = st.lists(items, min_size=1, max_size=3, unique=True).map(sorted)
databases = st.lists(st.lists(itemsets, min_size=0, max_size=5), min_size=1, max_size=6)


def brute_support(db, pattern):
    return sum(P.contains(s, pattern) for s in db)


# ------------------------------------------------------------- PrefixSpan work
def test_prefixspan_all_on_a_tiny_file_is_refused_before_it_starts(run_cli, tmp_path):
    path = tmp_path / "tiny.txt"  # 58 bytes: 2^26 subsets in each itemset
    path.write_text("<(abcdefghijklmnopqrstuvwxyz)>\n<(abcdefghijklmnopqrstuvwxyz)>\n")
    status, out, err = run_cli("prefixspan", path, "--min-support", "1", "--all", "-o", tmp_path / "out.json")
    assert status == 2 and not out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "the limit patterns = 100,000" in err and "--limit patterns=N" in err
    assert "workedout.numerics.prefixspan" in err  # the engine that mines without working it
    assert not (tmp_path / "out.json").exists()


def test_prefixspan_limit_raised_works(run_cli, tmp_path):
    path = tmp_path / "db.txt"
    path.write_text("<a(abc)(ac)d(cf)>\n<(ad)c(bc)(ae)>\n<(ef)(ab)(df)cb>\n<eg(af)cbc>\n")
    status, _, err = run_cli("prefixspan", path, "--min-support", "2", "--all", "--limit", "patterns=20")
    assert status == 2 and "more than the limit patterns = 20" in err
    status, out, err = run_cli("prefixspan", path, "--min-support", "2", "--all", "--limit", "patterns=none",
                               "--format", "json")
    assert status == 0
    assert len(json.loads(out)["patterns"]) == 53  # the paper's 53 patterns at min_support 2


def test_count_patterns_stops_one_past_the_bound():
    db = [[list("abcdefghijklmnopqrstuvwxyz")]] * 2
    assert P.count_patterns(db, 1, stop_after=1000) == 1001
    small = [[["a"], ["b"]], [["a"], ["c"]]]
    assert P.count_patterns(small, 1) == len(P.prefixspan(small, 1)) == 5
    with pytest.raises(ValueError, match="stop_after"):
        P.count_patterns(small, 1, stop_after=0)


def test_a_long_single_item_sequence_does_not_recurse():
    db = [[["a"]] * 1500]
    with limits.raised(patterns=None):
        result = prefixspan(db, 1, all_patterns=True)
    assert len(result.answer["patterns"]) == 1500


@given(databases)
def test_projector_supports_equal_brute_force(db):
    projector = P.Projector(db)
    for x in "abcde":
        for prefix in [((x,),), (("a", x),) if x > "a" else ((x,),), (("a",), (x,))]:
            i_sup, s_sup = projector.extension_supports(prefix)
            for y in "abcde":
                s_pattern = prefix + ((y,),)
                assert s_sup.get(y, 0) == brute_support(db, s_pattern)
                if y > prefix[-1][-1]:
                    i_pattern = prefix[:-1] + (tuple(sorted(prefix[-1] + (y,))),)
                    assert i_sup.get(y, 0) == brute_support(db, i_pattern)
                else:
                    assert y not in i_sup


@given(databases, st.integers(1, 3), st.sampled_from(["strict", "paper"]))
def test_worked_prefixspan_equals_the_engine(db, minsup, projection):
    result = prefixspan(db, minsup, all_patterns=True, projection=projection)  # every step's check must pass
    patterns = {p["pattern"]: p["support"] for p in result.answer["patterns"]}
    engine = P.prefixspan(db, minsup)
    assert len(patterns) == len(engine)
    for e in result.answer["extensions"]:  # the supports the worked steps list are brute-force supports
        assert e["support"] == patterns[e["pattern"]]


def test_worked_prefixspan_counts_supports_without_rebuilding_the_database(monkeypatch):
    """SIGN's shape: the worked result takes its supports from the engine's projections, not one database
    rebuild per candidate (96 s on SIGN's first 100 sequences before)."""
    db = sign_like()
    calls = []
    real = P.support
    monkeypatch.setattr(P, "support", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = prefixspan(db, "50%")
    assert len(result.answer["frequent_1"]) >= 40  # the frequent signs: each one a prefix
    assert len(calls) <= 1  # at most the one --prefix lookup
    # and the supports listed are right
    for e in result.answer["extensions"][:20]:
        pattern = tuple((int(x),) for x in e["pattern"].strip("<>").split(", ")) if ", " in e["pattern"] else None
        assert pattern is not None and e["support"] == real(db, pattern)


# ---------------------------------------------------------------- Apriori work
TWELVE = "a b c d e f g h i j k l\na b c d e f g h i j k l\n"


def test_count_candidates_equals_the_levels():
    for db, s in [([list(range(12))] * 2, 1), (foodmart_like(300, 60), 3)]:
        estimate = A.count_candidates(db, s)
        levels = A.apriori_levels(db, s)
        found = A.frequent_itemsets(db, s)
        assert estimate.complete
        assert estimate.candidates == sum(len(lv.candidates) + len(lv.pruned) for lv in levels)
        assert estimate.frequent == len(found)
        assert estimate.rules == sum(2 ** len(x) - 2 for x in found)
    assert A.count_candidates([list(range(40))] * 2, 1, stop_after=1000).complete is False


@given(st.lists(st.lists(st.integers(0, 7), max_size=6), max_size=12), st.integers(1, 4),
       st.sampled_from([None, 1, 2, 3]))
def test_count_candidates_law(db, s, max_len):
    estimate = A.count_candidates(db, s, max_len=max_len)
    levels = A.apriori_levels(db, s, max_len=max_len)
    found = A.frequent_itemsets(db, s, max_len=max_len)
    assert (estimate.candidates, estimate.frequent, estimate.rules) == (
        sum(len(lv.candidates) + len(lv.pruned) for lv in levels), len(found), sum(2 ** len(x) - 2 for x in found))


def test_apriori_foodmart_shape_is_refused_within_the_limit(run_cli, tmp_path):
    path = tmp_path / "foodmart.txt"
    path.write_text("\n".join(" ".join(map(str, t)) for t in foodmart_like()) + "\n")
    status, out, err = run_cli("apriori", path, "--min-support", "2", "--format", "json", "-o", tmp_path / "o.json")
    assert status == 2 and not out and err.count("\n") == 1
    assert "candidate itemsets" in err and "the limit candidates = 100,000" in err
    assert "--limit candidates=N" in err and "workedout.numerics.apriori" in err
    assert not (tmp_path / "o.json").exists()


def test_apriori_twelve_items_bounded_json_with_exact_totals(run_cli, tmp_path):
    path = tmp_path / "twelve.txt"
    path.write_text(TWELVE)
    status, out, err = run_cli("apriori", path, "--min-support", "1", "--format", "json", "--max-patterns", "50")
    assert status == 0
    data = json.loads(out)
    assert data["n_frequent_itemsets"] == 4095 and len(data["frequent_itemsets"]) == 50
    assert data["n_rules"] == 3 ** 12 - 2 ** 13 + 1 and len(data["rules"]) == 1000  # the default --max-rules
    assert data["left_out"]["rules"] == data["n_rules"] - 1000
    assert data["left_out"]["frequent_itemsets"] == 4095 - 50
    assert all(len(level["join"]) <= 50 for level in data["levels"])
    assert any("left out" in note for note in data["notes"])


def test_apriori_rules_tested_against_confidence_are_refused_past_the_limit(run_cli, tmp_path):
    path = tmp_path / "twelve.txt"
    path.write_text(TWELVE)
    status, _, err = run_cli("apriori", path, "--min-support", "1", "--min-confidence", "0.5")
    assert status == 2 and "association rules" in err and "523,250" in err and "--limit rules=N" in err


def test_apriori_candidates_limit_raised_works(run_cli, tmp_path):
    path = tmp_path / "db.txt"
    path.write_text("I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n")
    status, _, err = run_cli("apriori", path, "--min-support", "1", "--limit", "candidates=10")
    assert status == 2 and "more than the limit candidates = 10" in err
    status, out, _ = run_cli("apriori", path, "--min-support", "1", "--limit", "candidates=none", "--format", "json")
    assert status == 0 and json.loads(out)["n_frequent_itemsets"] == 19


def test_apriori_bounded_totals_count_confidence_in_integers():
    db = [list("abcdef")] * 3 + [list("abc"), list("de")]
    full = apriori(db, 1, min_confidence="0.8")
    cut = apriori(db, 1, min_confidence="0.8", max_rules=5, max_patterns=3)
    assert cut.answer["n_rules"] == full.answer["n_rules"] == len(full.answer["rules"])
    assert cut.answer["n_rules_meeting_min_confidence"] == sum(r["meets_min_confidence"] for r in full.answer["rules"])
    assert cut.answer["rules"] == full.answer["rules"][:5]
    assert cut.answer["left_out"]["rules"] == len(full.answer["rules"]) - 5
    assert "left_out" not in full.answer
    with pytest.raises(ValueError, match="max_rules"):
        apriori(db, 1, max_rules=-1)


def test_apriori_check_compares_with_the_full_answer_when_the_display_is_bounded(run_cli, tmp_path):
    path = tmp_path / "db.txt"
    path.write_text("I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n")
    full = apriori([line.split() for line in path.read_text().splitlines()], 2)
    last = full.answer["rules"][-1]  # a rule past --max-rules 1
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"rules": [{"antecedent": last["antecedent"], "consequent": last["consequent"],
                                             "support": last["support"]}],
                                  "frequent_itemsets": full.answer["frequent_itemsets"]}))  # all 13, not the 1 shown
    status, out, err = run_cli("apriori", path, "--min-support", "2", "--max-rules", "1", "--max-patterns", "1",
                               "--check", answer)
    assert status == 0, out
    answer.write_text(json.dumps({"rules": [{"antecedent": last["antecedent"], "consequent": last["consequent"],
                                             "support": last["support"] + 1}]}))
    status, out, err = run_cli("apriori", path, "--min-support", "2", "--max-rules", "1", "--check", answer)
    assert status == 1


def test_apriori_max_rules_flag_is_checked(run_cli, tmp_path):
    path = tmp_path / "db.txt"
    path.write_text("a b\n")
    status, _, err = run_cli("apriori", path, "--min-support", "1", "--max-rules", "-3")
    assert status == 2 and "--max-rules" in err and "Traceback" not in err
