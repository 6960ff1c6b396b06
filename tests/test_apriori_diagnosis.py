"""The diagnosis of a student's Apriori: every catalogued misconception recognised, errors carried forward.

Each student's answer is produced by :func:`student_apriori` below, an
implementation of Apriori written for these tests (independent of the
checker's diagnosis) with a switch for every wrong rule of the catalogue.
"""
import json
import subprocess
import sys
from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from workedout.derivations.apriori import ALL_ELECTRONICS, apriori
from workedout.derivations.apriori._answers import read_count
from workedout.derivations.apriori._check import CATALOGUE

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                             HealthCheck.too_slow])
ITEMS = ["a", "b", "c", "d", "e"]


# ------------------------------------------------------------ a student's Apriori
def student_apriori(db, s, *, c_min=None, prune=True, strict=False, join="prefix", duplicates=False,
                    confidence="antecedent", lift="right", override=None):
    """Apriori as a student works it, with the wrong rule switched on where asked; the answer as JSON data."""
    T = [list(t) for t in db]
    N = len(T)

    def sigma(X):
        if override and frozenset(X) in override:
            return override[frozenset(X)]
        if duplicates:
            return sum(min(t.count(x) for x in X) for t in T if all(x in t for x in X))
        return sum(1 for t in T if set(X) <= set(t))

    frequent = (lambda c: c > s) if strict else (lambda c: c >= s)
    items = sorted({x for t in T for x in t})
    levels, counts_all, k, L_prev = [], {}, 1, []
    while True:
        join_rows, pruned = [], []
        if k == 1:
            C = [(x,) for x in items]
        else:
            joined = {}
            for i, p in enumerate(L_prev):
                for q in L_prev[i + 1:]:
                    ok = p[:-1] == q[:-1] if join == "prefix" else len(set(p) | set(q)) == k
                    if ok:
                        joined.setdefault(tuple(sorted(set(p) | set(q))), (p, q))
            join_rows = [{"left": list(p), "right": list(q), "candidate": list(c)} for c, (p, q) in joined.items()]
            C = []
            for c in joined:
                subsets = [list(x) for x in combinations(c, k - 1) if x not in set(L_prev)]
                if subsets and prune:
                    pruned.append({"itemset": list(c), "infrequent_subset": subsets})
                else:
                    C.append(c)
        counts = {c: sigma(c) for c in C}
        L = sorted(c for c in C if frequent(counts[c]))
        counts_all.update({c: counts[c] for c in L})
        levels.append({"k": k, "join": join_rows, "candidates": [{"itemset": list(c), "support": n}
                                                                 for c, n in counts.items()],
                       "pruned": pruned, "frequent": [{"itemset": list(c), "support": counts[c]} for c in L]})
        if not L:
            break
        L_prev, k = L, k + 1
    rules = []
    for U in sorted(counts_all, key=lambda c: (len(c), c)):
        for r in range(1, len(U)):
            for A in combinations(U, r):
                B = tuple(x for x in U if x not in A)
                sxy, sa, sb = counts_all[U], counts_all[A], counts_all[B]
                conf = Fraction(sxy, {"antecedent": sa, "consequent": sb, "N": N}[confidence])
                lift_value = conf * N / sb if lift == "right" else Fraction(sxy, sa * sb)
                rule = {"antecedent": list(A), "consequent": list(B), "support": sxy, "antecedent_support": sa,
                        "consequent_support": sb, "confidence": str(conf), "lift": str(lift_value),
                        "leverage": str(Fraction(sxy, N) - Fraction(sa * sb, N * N)),
                        "conviction": None if conf == 1 else str((1 - Fraction(sb, N)) / (1 - conf))}
                if c_min is not None:
                    rule["meets_min_confidence"] = bool(conf > c_min if strict else conf >= c_min)
                rules.append(rule)
    return {"n_transactions": N, "min_support_count": s, "levels": levels,
            "frequent_itemsets": [{"itemset": list(c), "support": n} for c, n in counts_all.items()],
            "rules": rules}


def _level_index(result, k):
    return next(i for i, lv in enumerate(result.answer["levels"]) if lv["k"] == k)


def _ids(d):
    return set(d.misconception["id"].split(" + ")) if d.misconception else set()


def _assert_named(report, ident):
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert roots, "the wrong rule changed nothing"
    assert all(ident in _ids(d) for d in roots), [(d.location, d.reason, d.misconception) for d in roots]
    assert report.discrepancies[0].cause == "root" and ident in _ids(report.discrepancies[0])
    assert report.answer["roots"] == len(roots)
    return roots


databases = st.lists(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=5, unique=True), min_size=3, max_size=9)
#: denser baskets, where levels 3 and 4 (and so pruning and the join's prefix) occur often
dense = st.lists(st.lists(st.sampled_from(ITEMS), min_size=2, max_size=5, unique=True), min_size=4, max_size=9)


# ------------------------------------------------------------ one property per id
@SETTINGS
@given(dense, st.integers(1, 3))
def test_no_prune(db, s):
    r = apriori(db, s)
    assume(any(lv["pruned"] for lv in r.answer["levels"]))
    first = min(lv["k"] for lv in r.answer["levels"] if lv["pruned"])
    report = r.check(student_apriori(db, s, prune=False))
    roots = _assert_named(report, "no-prune")
    first_root = roots[0]
    assert first_root.location.startswith(f"levels[{_level_index(r, first)}].pruned")
    assert first_root.step == r.step_number(f"prune_{first}")
    # without the pruned list the unpruned candidate itself is the root, citing the prune step and the subset
    student = student_apriori(db, s, prune=False)
    for lv in student["levels"]:
        lv.pop("pruned")
    report = r.check(student)
    roots = _assert_named(report, "no-prune")
    assert "not expected: its subset" in roots[0].reason and roots[0].step == r.step_number(f"prune_{first}")


@SETTINGS
@given(databases, st.integers(1, 3), st.sampled_from(["1/2", "2/3", "1"]))
def test_strict_threshold(db, s, c_min):
    r = apriori(db, s, min_confidence=c_min)
    student = student_apriori(db, s, c_min=Fraction(c_min), strict=True)
    report = r.check(student)
    assume(not report.ok)
    _assert_named(report, "strict-threshold")


@SETTINGS
@given(dense, st.integers(1, 3))
def test_join_prefix(db, s):
    r = apriori(db, s)
    student = student_apriori(db, s, join="any")
    report = r.check(student)
    assume(not report.ok)
    roots = _assert_named(report, "join-prefix")
    k = int(report.answer["discrepancies"][0]["subject"].split("level ")[-1])
    assert roots[0].step == r.step_number(f"join_{k}")


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=6), min_size=3, max_size=9),
       st.integers(1, 4))
def test_duplicate_items(db, s):
    r = apriori(db, s)
    student = student_apriori(db, s, duplicates=True)
    report = r.check(student)
    assume(not report.ok)
    roots = _assert_named(report, "duplicate-items")
    assert roots[0].location.startswith("levels[0].candidates") and roots[0].step == r.step_number("count_1")


@SETTINGS
@given(databases, st.integers(1, 3), st.sampled_from(["consequent", "N"]))
def test_confidence_denominator(db, s, denominator):
    r = apriori(db, s, min_confidence="1/2")
    report = r.check(student_apriori(db, s, c_min=Fraction(1, 2), confidence=denominator))
    assume(not report.ok)
    roots = _assert_named(report, "confidence-denominator")
    assert all(d.location.endswith(".confidence") for d in roots)
    assert all(d.subject.startswith("confidence of rule {") for d in roots)
    # lift, conviction and the verdict computed from the wrong confidence follow from it
    assert all(d.follows_from.endswith(".confidence") for d in report.discrepancies if d.cause == "follows")
    marks = report.answer["marks"]
    assert marks["possible"] - marks["awarded"] == len(roots)


@SETTINGS
@given(databases, st.integers(1, 3))
def test_lift_formula(db, s):
    r = apriori(db, s)
    report = r.check(student_apriori(db, s, lift="counts"))
    assume(not report.ok)
    roots = _assert_named(report, "lift-formula")
    assert all(d.location.endswith(".lift") for d in roots) and report.answer["roots"] == len(roots)
    assert not [d for d in report.discrepancies if d.cause == "follows"]


def test_one_subset_only_on_the_textbook():
    r = apriori(ALL_ELECTRONICS, 2)
    student = {"levels": [{"k": 4, "pruned": [{"itemset": ["I1", "I2", "I3", "I5"],
                                               "infrequent_subset": [["I1", "I3", "I5"]]}]}]}
    report = r.check(student)
    assert report.answer["roots"] == 1 and "one-subset-only" in _ids(report.discrepancies[0])
    assert report.discrepancies[0].subject == "infrequent subset {I2, I3, I5} of pruned candidate {I1, I2, I3, I5} " \
                                              "at level 4"


def test_every_catalogued_id_has_a_property():
    tested = {"no-prune", "strict-threshold", "join-prefix", "duplicate-items", "confidence-denominator",
              "lift-formula", "one-subset-only"}
    assert {m.id for m in CATALOGUE} == tested


# ------------------------------------------------------------ errors carried forward
@SETTINGS
@given(databases, st.integers(1, 3), st.data())
def test_one_wrong_count_is_one_root_and_the_rest_follows(db, s, data):
    r = apriori(db, s, min_confidence="1/2")
    counted = [(lv["k"], frozenset(e["itemset"]), e["support"]) for lv in r.answer["levels"] for e in lv["candidates"]]
    assume(counted)
    k, X, true = data.draw(st.sampled_from(counted))
    wrong = data.draw(st.integers(0, len(db)).filter(lambda v: v != true))
    student = student_apriori(db, s, c_min=Fraction(1, 2), override={X: wrong})
    report = r.check(student)
    root = f"levels[{_level_index(r, k)}].candidates"
    assert report.answer["roots"] == 1, [(d.location, d.cause, d.reason) for d in report.discrepancies]
    assert report.discrepancies[0].location.startswith(root) and report.discrepancies[0].location.endswith(".support")
    assert report.discrepancies[0].step == r.step_number(f"count_{k}")
    assert all(d.follows_from == report.discrepancies[0].location for d in report.discrepancies[1:])
    marks = report.answer["marks"]
    assert marks["awarded"] == marks["possible"] - 1
    strict = r.check(student, ecf=False).answer["marks"]
    follows = [d for d in report.discrepancies if d.cause == "follows"]
    assert strict["awarded"] == marks["awarded"] - sum(d.possible for d in follows)


# ------------------------------------------------------------ published forms
def test_correct_answers_typed_as_students_type_them():
    r = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7")
    student = {
        "n_transactions": 9, "min_support_count": "22%",
        "levels": [
            {"k": 1, "frequent": {"{I1}": "6/9", "{I2}": "77.8%", "{I3}": 0.667, "{I4}": "22%", "{I5}": "2/9"}},
            {"k": 2, "frequent": {"{I2, I1}": 4, "I1,I3": "44%", "I1 I5": 2, "{I3,I2}": "4", "(I2, I4)": 2,
                                  "[I5, I2]": 2}},
            {"k": 3, "candidates": [{"itemset": "{I1, I2, I3}", "support": "2"}, {"itemset": ["I5", "I1", "I2"],
                                                                                   "support": 2}],
             "pruned": [{"itemset": "{I1, I3, I5}", "infrequent_subset": "{I3, I5}"},
                        {"itemset": "I2 I3 I4", "infrequent_subset": ["{I3, I4}"]},
                        {"itemset": "{I2, I3, I5}", "infrequent_subset": [["I5", "I3"]]},
                        {"itemset": "{I2, I4, I5}", "infrequent_subset": ["I4, I5"]}],
             "frequent": {"{I1, I2, I3}": "22.2%", "{I1, I2, I5}": 0.222}}],
        "rules": [{"rule": "I1, I2 => I5", "confidence": "50%", "lift": "225%"},
                  {"rule": "{I1, I5} → {I2}", "confidence": "100%", "meets_min_confidence": True},
                  {"rule": "I1 -> I2, I5", "confidence": "33.3%", "conviction": "1.17", "support": "22%"},
                  {"antecedent": "I2", "consequent": "{I1, I5}", "confidence": 0.286, "lift": "1.29"}],
    }
    report = r.check(student)
    assert report.ok, [(d.location, d.given, d.reason) for d in report.discrepancies]
    assert r.check(json.loads(r.to_json())).ok


def test_read_count():
    assert read_count("75%", 4) == 3 and read_count("22%", 9) == 2 and read_count("2/9", 9) == 2
    assert read_count(0.222, 9) == 2 and read_count("3", 9) == 3 and read_count(3, 9) == 3
    assert read_count("2/7", 9) is None and read_count("20%", 100) == 20 and read_count("2%", 1000) is None


def test_the_textbook_report_names_the_rule_and_the_pruning_subset():
    r = apriori(ALL_ELECTRONICS, 2, min_confidence="0.7")
    student = {"levels": [{"k": 3, "candidates": {"{I1,I2,I3}": 2, "{I1,I2,I5}": 2, "{I1,I3,I5}": 1}}],
               "rules": [{"rule": "I1 => I2, I5", "confidence": "100%"}]}
    report = r.check(student)
    by_subject = {d.subject: d for d in report.discrepancies}
    unpruned = by_subject["candidate {I1, I3, I5} at level 3"]
    assert unpruned.reason.startswith("not expected: its subset {I3, I5} is not in L_2")
    assert unpruned.step == r.step_number("prune_3") and "no-prune" in _ids(unpruned)
    conf = by_subject["confidence of rule {I1} ⇒ {I2, I5}"]
    assert "confidence-denominator" in _ids(conf) and conf.step == r.step_number("rule_defs")
    text = report.to_text()
    assert "confidence of rule {I1} ⇒ {I2, I5}" in text and "rules[" not in text


# ------------------------------------------------------------ the command line
TEXTBOOK = "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n"


def test_cli_check_reveal_and_no_ecf(tmp_path):
    db = tmp_path / "db.txt"
    db.write_text(TEXTBOOK)
    student = student_apriori([line.split() for line in TEXTBOOK.splitlines()], 2, override={frozenset(["I4"]): 1})
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(student))

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "workedout", "apriori", str(db), "--min-support", "2",
                               "--check", str(answer), *args], capture_output=True, text=True)
        return proc.returncode, proc.stdout

    status, out = run("--format", "json")
    data = json.loads(out)
    assert status == 1 and data["roots"] == 1
    first = data["discrepancies"][0]
    assert first["subject"] == "support of {I4} in C_1" and first["cause"] == "root" and first["expected"] == "2"
    assert all(d["cause"] == "follows" and d["follows_from"] == first["location"] for d in data["discrepancies"][1:])
    assert data["marks"]["possible"] - data["marks"]["awarded"] == 1
    status, out = run("--format", "json", "--no-ecf")
    assert json.loads(out)["marks"]["awarded"] < data["marks"]["awarded"]
    status, out = run("--reveal", "where")
    header = next(line for line in out.splitlines() if line.strip().startswith("what"))
    assert status == 1 and "support of {I4} in C_1" in out and "expected" not in header and "why" not in header
    status, out = run("--reveal", "why", "--format", "json")
    entry = json.loads(out)["discrepancies"][0]
    assert entry["expected"] is None and entry["reason"].startswith("differs") and entry["step"] is not None


# ------------------------------------------------------------ robustness
junk = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.text(max_size=6), st.just("75%"), st.just("{a, b}"),
                 st.lists(st.sampled_from(ITEMS + [1, None]), max_size=3), st.builds(lambda: {"itemset": "a"}))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    yield path


@settings(max_examples=25, deadline=None)
@given(dense, st.integers(1, 3), st.data())
def test_any_mangled_answer_is_reported_not_raised(db, s, data):
    r = apriori(db, s, min_confidence="1/2")
    student = json.loads(r.to_json())
    for _ in range(data.draw(st.integers(1, 4))):
        paths = [p for p in _leaves(student) if p]
        path = data.draw(st.sampled_from(paths))
        target = student
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = data.draw(junk)
    report = r.check(student)
    assert report.answer["marks"]["awarded"] <= report.answer["marks"]["possible"]
