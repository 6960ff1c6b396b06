"""PrefixSpan check reports: root causes, errors carried forward, the misconception catalogue, marks.

Every wrong rule is applied here by an implementation of its own (a student's working, written
independently of the diagnosis in derivations/prefixspan/_diagnose.py) to generated databases; the
report must name the misconception on the right roots and carry the rest forward.
"""
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from workedout.derivations.prefixspan import PAPER_DB, prefixspan
from workedout.derivations.prefixspan._check import CATALOGUE

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                           HealthCheck.too_slow])

# -------------------------------------------------------- a student's working
itemsets = st.lists(st.sampled_from("abcde"), min_size=1, max_size=3).map(lambda a: tuple(sorted(set(a))))
databases = st.lists(st.lists(itemsets, min_size=1, max_size=5), min_size=2, max_size=6)


def fmt_itemset(a, partial=False):
    body = ("_" if partial else "") + "".join(a)
    return body if len(a) == 1 and not partial else f"({body})"


def fmt(seq, partial=False):
    return "<" + "".join(fmt_itemset(a, partial and k == 0) for k, a in enumerate(seq)) + ">"


def db_text(db):
    return "".join(f"{k + 1} {fmt(s)}\n" for k, s in enumerate(db))


def items(db):
    return sorted({x for s in db for a in s for x in a})


def seq_support(db, x):
    return sum(any(x in a for a in s) for s in db)


def occurrences(db, x):
    return sum(x in a for s in db for a in s)


def postfix(seq, x, last=False):
    """(partial, rest) after the first (or last) itemset holding x; None when x does not occur."""
    js = [j for j, a in enumerate(seq) if x in a]
    if not js:
        return None
    j = js[-1] if last else js[0]
    return tuple(y for y in seq[j] if y > x), tuple(seq[j + 1:])


def postfix_text(pf):
    partial, rest = pf
    return fmt(((partial,) if partial else ()) + rest, partial=bool(partial))


def projection(db, x, *, last=False, keep_empty=False):
    """{"prefix", "sequence_ids", "sequences"} of the <x>-projected database (strict form)."""
    sids, seqs = [], []
    for k, s in enumerate(db):
        pf = postfix(s, x, last)
        if pf is None or (not pf[0] and not pf[1] and not keep_empty):
            continue
        sids.append(str(k + 1))
        seqs.append(postfix_text(pf) if (pf[0] or pf[1]) else "<>")
    return {"prefix": f"<{x}>", "sequence_ids": sids, "sequences": seqs}


def read_postfix(text):
    """A projected sequence written as above, read back: (partial, rest)."""
    body, out, partial, k = text[1:-1], [], (), 0
    while k < len(body):
        if body[k] == "(":
            end = body.index(")", k)
            inner = body[k + 1:end]
            if inner.startswith("_"):
                partial = tuple(inner[1:])
            else:
                out.append(tuple(inner))
            k = end + 1
        else:
            out.append((body[k],))
            k += 1
    return partial, tuple(out)


def extension_counts(postfixes, x, rule="right"):
    """{pattern: count} of the one-item extensions of <x> counted in the given postfixes."""
    counts = {}
    for partial, rest in postfixes:
        s_seen, i_seen = {}, {}
        for a in rest:
            for y in a:
                s_seen[y] = s_seen.get(y, 0) + 1
        under = set(partial)
        later = {}
        for a in rest:
            if x in a:
                for y in a:
                    if y > x:
                        later[y] = later.get(y, 0) + 1
        for y in under | set(later):
            if rule == "later-only":
                i_seen[y] = 1 if y in later else 0
            elif rule == "underscore-only":
                i_seen[y] = 1 if y in under else 0
            elif rule == "occurrences":
                i_seen[y] = (y in under) + later.get(y, 0)
            else:
                i_seen[y] = 1
        for y, c in s_seen.items():
            counts[f"<{x}{y}>"] = counts.get(f"<{x}{y}>", 0) + (c if rule == "occurrences" else 1)
        for y, c in i_seen.items():
            counts[f"<({x}{y})>"] = counts.get(f"<({x}{y})>", 0) + c
    return counts


def extensions_of(counts, minsup, strict=False):
    return [{"pattern": p, "support": c} for p, c in sorted(counts.items())
            if (c > minsup if strict else c >= minsup)]


def frequent_items(db, minsup, count=seq_support, strict=False):
    return [x for x in items(db) if (count(db, x) > minsup if strict else count(db, x) >= minsup)]


def student(db, minsup, *, count=seq_support, strict1=False, last=False, keep_empty=False, rule="right",
            strict_ext=False):
    """A student's whole answer, every value computed from their own earlier ones."""
    freq = frequent_items(db, minsup, count, strict1)
    answer = {"frequent_1": [{"pattern": f"<{x}>", "support": count(db, x)} for x in freq],
              "projected": [], "extensions": []}
    for x in freq:
        proj = projection(db, x, last=last, keep_empty=keep_empty)
        answer["projected"].append(proj)
        counts = extension_counts([read_postfix(t) for t in proj["sequences"] if t != "<>"], x, rule)
        answer["extensions"] += extensions_of(counts, minsup, strict_ext)
    return answer


def worked(db, minsup):
    return prefixspan(db_text(db), minsup)


def named(report, mid):
    return [d for d in report.discrepancies
            if d.misconception and mid in d.misconception["id"].split(" + ")]


def assert_roots_named(report, mid, key):
    """Every root is in ``key`` and names ``mid``; everything else follows."""
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert roots, report.to_text()
    assert all(d.location.startswith(key) for d in roots), report.to_text()
    assert all(d in named(report, mid) for d in roots), report.to_text()
    assert report.answer["roots"] == len(roots)
    marks = report.answer["marks"]
    assert marks["possible"] - marks["awarded"] == sum(d.possible for d in roots)


# ------------------------------------------------------------------ the catalogue
def test_catalogue_ids_are_the_contract():
    assert {m.id for m in CATALOGUE} >= {"missing-underscore-source", "count-occurrences", "last-occurrence",
                                        "keep-empty", "strict-threshold"}


@SETTINGS
@given(databases, st.integers(1, 3))
def test_count_occurrences_in_the_1_sequences(db, minsup):
    right = frequent_items(db, minsup)
    assume(right and any(occurrences(db, x) != seq_support(db, x) and occurrences(db, x) >= minsup
                         for x in items(db)))
    answer = student(db, minsup, count=occurrences)
    report = worked(db, minsup).check(answer)
    assert_roots_named(report, "count-occurrences", "frequent_1")


@SETTINGS
@given(databases, st.integers(1, 3))
def test_count_occurrences_in_the_extensions(db, minsup):
    right, wrong = student(db, minsup), student(db, minsup, rule="occurrences")
    assume(right["frequent_1"] and right["extensions"] != wrong["extensions"])
    report = worked(db, minsup).check(wrong)
    assert_roots_named(report, "count-occurrences", "extensions")


@SETTINGS
@given(databases, st.integers(1, 3), st.sampled_from(["later-only", "underscore-only"]))
def test_missing_underscore_source(db, minsup, rule):
    right, wrong = student(db, minsup), student(db, minsup, rule=rule)
    assume(right["frequent_1"] and right["extensions"] != wrong["extensions"])
    result = worked(db, minsup)
    report = result.check(wrong)
    assert_roots_named(report, "missing-underscore-source", "extensions")
    for d in report.discrepancies:  # cites the two-sources step, not the list of the frequent extensions
        label = dict(result.numbered_steps())[d.step].label
        assert label.startswith("iext_"), (label, report.to_text())


@SETTINGS
@given(databases, st.integers(1, 3))
def test_last_occurrence(db, minsup):
    right, wrong = student(db, minsup), student(db, minsup, last=True)
    assume(right["projected"] != wrong["projected"])
    report = worked(db, minsup).check(wrong)
    assert_roots_named(report, "last-occurrence", "projected")
    follows = [d for d in report.discrepancies if d.cause == "follows"]
    assert all(d.location.startswith("extensions") for d in follows)
    assert all(report.answer["discrepancies"][k]["follows_from"].startswith("projected")
               for k, d in enumerate(report.discrepancies) if d.cause == "follows")


@SETTINGS
@given(databases, st.integers(1, 3))
def test_keep_empty(db, minsup):
    right, wrong = student(db, minsup), student(db, minsup, keep_empty=True)
    assume(right["projected"] != wrong["projected"])
    report = worked(db, minsup).check(wrong)
    assert_roots_named(report, "keep-empty", "projected")
    assert all(d.cause == "root" for d in report.discrepancies)  # an empty postfix counts nothing


@SETTINGS
@given(databases, st.integers(1, 3))
def test_strict_threshold(db, minsup):
    right, wrong = student(db, minsup), student(db, minsup, strict1=True, strict_ext=True)
    assume(right["frequent_1"] != wrong["frequent_1"] or right["extensions"] != wrong["extensions"])
    report = worked(db, minsup).check(wrong)
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert roots and all(d in named(report, "strict-threshold") for d in roots), report.to_text()
    first = roots[0]
    if right["frequent_1"] != wrong["frequent_1"]:
        assert first.location.startswith("frequent_1")
        assert first.reason.startswith("missing pattern")
    # the projected databases and extensions of an item left out follow from leaving it out
    for d in report.discrepancies:
        if d.location.startswith("projected"):
            assert d.cause == "follows" and d.follows_from.startswith("frequent_1")


# ------------------------------------------------------------ errors carried forward
def _alter(text):
    """A different projected sequence: its last itemset dropped, or an item appended."""
    partial, rest = read_postfix(text)
    if rest:
        return postfix_text((partial, rest[:-1])) if (partial or rest[:-1]) else postfix_text((partial, (("e",),)))
    return postfix_text((partial, (("e",),)))


@SETTINGS
@given(databases, st.integers(1, 3), st.data())
def test_one_wrong_projected_sequence_and_everything_after_it(db, minsup, data):
    answer = student(db, minsup)
    assume(answer["projected"])
    i = data.draw(st.integers(0, len(answer["projected"]) - 1))
    proj = answer["projected"][i]
    assume(proj["sequences"])
    k = data.draw(st.integers(0, len(proj["sequences"]) - 1))
    x = proj["prefix"][1]
    proj["sequences"][k] = _alter(proj["sequences"][k])
    counts = extension_counts([read_postfix(t) for t in proj["sequences"] if t != "<>"], x)
    others = [e for e in answer["extensions"] if not e["pattern"].replace("(", "").startswith(f"<{x}")]
    answer["extensions"] = others + extensions_of(counts, minsup)
    pairs = lambda a: {(e["pattern"], e["support"]) for e in a["extensions"]}
    assume(pairs(answer) != pairs(student(db, minsup)))
    result = worked(db, minsup)
    report = result.check(answer)
    assert report.answer["roots"] == 1, report.to_text()
    root = report.discrepancies[0]
    assert root.cause == "root" and root.location == f"projected[{i}].sequences[{k}]"
    assert root.subject == f"the <{x}>-projected database, sequence {proj['sequence_ids'][k]}"
    follows = report.discrepancies[1:]
    assert follows and all(d.cause == "follows" and d.follows_from == root.location for d in follows)
    marks = report.answer["marks"]
    assert marks["awarded"] == marks["possible"] - 1
    strict = result.check(answer, ecf=False).answer["marks"]
    assert strict["awarded"] < marks["awarded"]


@SETTINGS
@given(databases, st.integers(1, 3))
def test_a_wrong_min_support_and_everything_after_it(db, minsup):
    answer = student(db, minsup + 1)
    answer["min_support"] = minsup + 1
    assume(student(db, minsup) != student(db, minsup + 1))
    report = worked(db, minsup).check(answer)
    assert report.answer["roots"] == 1 and report.discrepancies[0].location == "min_support", report.to_text()
    assert all(d.follows_from == "min_support" for d in report.discrepancies[1:])
    assert report.answer["marks"]["awarded"] == report.answer["marks"]["possible"] - 1


# ---------------------------------------------------------------- the paper, by hand
@pytest.fixture(scope="module")
def paper():
    return prefixspan(PAPER_DB, 2, prefix="<a>")


def test_the_issue_wrong_support_of_ab(paper):
    """<(ab)> counted from the underscore itemset only: named, in the student's terms, citing the two sources."""
    answer = json.loads(paper.to_json())
    entry = next(e for e in answer["extensions"] if e["pattern"] == "<(ab)>")
    entry["support"] = 1
    answer["extensions"].reverse()
    report = paper.check(answer)
    (d,) = report.discrepancies
    assert d.subject == "support of <(ab)>" and d.misconception["id"] == "missing-underscore-source"
    assert dict(paper.numbered_steps())[d.step].label == "iext_1"
    assert "30 via (_b)" in d.explanation and "10 via (abc)" in d.explanation
    text = report.to_text()
    assert "support of <(ab)>" in text and "extensions[5]" not in text


def test_published_forms_pass(paper):
    n = 4
    answer = {
        "min_support": "50%",
        "frequent_1": [{"pattern": "<a>", "support": "100%"}, {"pattern": "<b>", "support": "4/4"},
                       {"pattern": "<c>", "support": 1.0}, {"pattern": "<d>", "support": "3/4"},
                       {"pattern": "<e>", "support": 0.75}, {"pattern": "<f>", "support": "75%"}],
        "projected": [{"prefix": "<a>", "form": "paper",  # the paper's Table 2, infrequent g dropped
                       "sequence_ids": [10, 20, 30, 40],
                       "sequences": ["<(abc)(ac)d(cf)>", "<(_d)c(bc)(ae)>", "<(_b)(df)cb>", "<(_f)cbc>"]}],
        "extensions": [{"prefix": "<a>", "pattern": "<(ba)>", "kind": "i-extension", "support": "2/4"},
                       {"pattern": "<a, b>", "kind": "s-extension", "support": "100%"},
                       {"pattern": "<aa>", "support": 0.5}, {"pattern": "<ac>", "support": 4},
                       {"pattern": "<ad>", "support": "50%"}, {"pattern": "<af>", "support": 2}],
    }
    assert n == paper.answer["min_support"] * 2
    report = paper.check(answer)
    assert report.ok, report.to_text()
    # the same without ids, in the strict form (g kept)
    answer["projected"] = [{"prefix": "<a>", "sequences": ["<(abc)(ac)d(cf)>", "<(_d)c(bc)(ae)>", "<(_b)(df)cb>",
                                                           "<(_f)cbc>"]}]
    assert paper.check(answer).ok


def test_paper_keep_empty_and_subjects():
    r = prefixspan(PAPER_DB, 2, prefix="<e>")
    answer = {"projected": [{"prefix": "<e>", "sequence_ids": ["20", "30", "40"],
                             "sequences": ["<>", "<(_f)(ab)(df)cb>", "<g(af)cbc>"]}]}
    report = r.check(answer)
    (d,) = report.discrepancies
    assert d.subject == "the <e>-projected database, sequence 20"
    assert d.misconception["id"] == "keep-empty" and "nothing after <e>" in d.reason
    assert report.answer["marks"] == {"awarded": 3, "possible": 4, "parts": report.answer["marks"]["parts"]}


def test_paper_last_occurrence_and_its_consequences(paper):
    answer = json.loads(paper.to_json())
    # 10 <a(abc)(ac)d(cf)>: the last a is in (ac), so <(_c)d(cf)>
    answer["projected"][0]["sequences"] = ["<(_c)d(cf)>", "<(_e)>", "<(_b)(df)cb>", "<(_f)cbc>"]
    # from these, <ab> is in 30 and 40 only, <aa> nowhere, <(ab)> in 30 only; <ac> in 10, 30, 40
    answer["extensions"] = [{"pattern": "<ab>", "support": 2}, {"pattern": "<ac>", "support": 3},
                            {"pattern": "<ad>", "support": 2}, {"pattern": "<af>", "support": 2}]
    report = paper.check(answer)
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert [d.subject for d in roots] == ["the <a>-projected database, sequence 10",
                                          "the <a>-projected database, sequence 20"]
    assert all(d.misconception["id"] == "last-occurrence" for d in roots)
    follows = {d.subject: d.follows_from for d in report.discrepancies if d.cause == "follows"}
    assert set(follows) == {"support of <ab>", "support of <ac>", "pattern <aa>", "pattern <(ab)>"}
    assert report.answer["marks"]["awarded"] == report.answer["marks"]["possible"] - 2


def test_unexpected_entries_say_why(paper):
    answer = {"frequent_1": [{"pattern": "<g>", "support": 1}],
              "extensions": [{"pattern": "<(ac)>", "support": 1}]}
    report = paper.check(answer)
    by = {d.subject: d for d in report.discrepancies}
    assert "below min_support 2" in by["pattern <g>"].reason
    assert by["pattern <(ac)>"].reason == "not expected: support 1 < min_support 2"


# ---------------------------------------------------------------------------- CLI
def test_cli_check_reveal_and_no_ecf(run_cli, tmp_path, paper):
    db = tmp_path / "db.txt"
    db.write_text(PAPER_DB)
    answer = json.loads(paper.to_json())
    # projected from the last a: 10 <a(abc)(ac)d(cf)> gives <(_c)d(cf)>, 20 <(ad)c(bc)(ae)> gives <(_e)>
    answer["projected"][0]["sequences"][:2] = ["<(_c)d(cf)>", "<(_e)>"]
    # counted from these: <aa> nowhere, <ab> in 30, 40; <ac> in 10, 30, 40; <(ab)> in 30 only
    answer["extensions"] = [e for e in answer["extensions"] if e["pattern"] not in ("<aa>", "<(ab)>")]
    for e in answer["extensions"]:
        e["support"] = {"<ab>": 2, "<ac>": 3}.get(e["pattern"], e["support"])
    path = tmp_path / "answer.json"
    path.write_text(json.dumps(answer))
    base = ["prefixspan", db, "--min-support", "2", "--prefix", "<a>", "--check", path]
    status, out, _ = run_cli(*base, "--format", "json")
    data = json.loads(out)
    assert status == 1 and data["roots"] == 2
    root, root2 = data["discrepancies"][:2]
    assert root["subject"] == "the <a>-projected database, sequence 10"
    assert root2["subject"] == "the <a>-projected database, sequence 20"
    assert root["misconception"]["id"] == "last-occurrence" and root["expected"] == "<(abc)(ac)d(cf)>"
    follows = data["discrepancies"][2:]
    assert {d["subject"]: d["follows_from"] for d in follows} == {
        "pattern <aa>": root["location"], "support of <ab>": root["location"],  # 10 is the first that differs
        "support of <ac>": root2["location"], "pattern <(ab)>": root["location"]}
    assert data["marks"]["awarded"] == data["marks"]["possible"] - 2
    status, out, _ = run_cli(*base, "--format", "json", "--reveal", "where")
    data = json.loads(out)
    assert all(d["misconception"] is None and d["expected"] is None for d in data["discrepancies"])
    status, out, _ = run_cli(*base, "--format", "json", "--reveal", "why")
    data = json.loads(out)
    assert data["discrepancies"][0]["misconception"]["id"] == "last-occurrence"
    assert all(d["expected"] is None for d in data["discrepancies"])
    status, out, _ = run_cli(*base, "--format", "json", "--no-ecf")
    lost = sum(p["possible"] - p["awarded"] for p in json.loads(out)["marks"]["parts"])
    assert lost == 2 + 4 + 1 + 1 + 4  # the roots, and with --no-ecf <aa>, <ab>, <ac>, <(ab)> too
    status, out, _ = run_cli(*base)
    assert "the <a>-projected database, sequence 10" in out and "[last-occurrence]" in out
    assert "follow correctly from" in out and "0 of 1" in out and "1 of 1 (ECF)" in out
