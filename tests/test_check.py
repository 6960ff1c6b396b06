"""The shared checking core (derivations/check.py): the part-by-part walk and its extension protocol."""
from __future__ import annotations

import json

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from workedout.derivations.check import (Checker, Misconception, Unordered, compare, load_answer, scalar_reason,
                                         show_expected, significant_digits)
from workedout.derivations.result import CheckReport, Result, Step, Table

HALF = sp.Rational(1, 2)


def _result(answer, **kw) -> Result:
    steps = [Step(Table(["x"], [[1]]), why=("the first value",), label="first"),
             Step(Table(["x"], [[2]]), why=("the list",), label="list")]
    return Result(kind="demo", title="A demo", steps=steps, answer=answer,
                  sources={"a": "first", "items": "list"}, **kw)


def test_a_right_answer_in_every_notation_passes():
    r = _result({"a": HALF, "n": 3, "items": [sp.Rational(1, 3), 2]})
    for a in ("1/2", "0.5", 0.5, "exp(log(1/2))"):
        for items in (["1/3", 2], [0.333, "2"], ["0.3333", 2.0]):
            report = r.check({"a": a, "n": 3, "items": items})
            assert report.ok, (a, items, [d.reason for d in report.discrepancies])


def test_a_wrong_value_names_its_location_and_the_step_that_produces_it():
    r = _result({"a": HALF, "items": [1, 2]})
    report = r.check({"a": "1/3", "items": [1, 5]})
    assert [(d.location, d.step, d.reason) for d in report.discrepancies] == [
        ("a", 1, "differs"), ("items[1]", 2, "differs")]
    assert report.discrepancies[0].step_why == "the first value"
    assert isinstance(report, CheckReport) and not report.ok
    data = json.loads(report.render("json"))
    assert data["n_discrepancies"] == 2 and data["discrepancies"][1]["location"] == "items[1]"


def test_unknown_keys_wrong_shapes_and_wrong_lengths_are_reported():
    r = _result({"a": HALF, "items": [1, 2], "obj": {"p": 1}})
    report = r.check({"b": 1, "items": [1], "obj": 3, "a": [1]})
    reasons = {d.location: d.reason for d in report.discrepancies}
    assert reasons["b"].startswith("unknown key; known: a, items, obj")
    assert reasons["items"] == "wrong number of entries"
    assert reasons["obj"] == "expected an object with the keys p"
    assert reasons["a"] == "expected a number"


def test_too_few_digits_are_named():
    assert scalar_reason(sp.Rational(1, 3), "0.3") == "only 1 significant digit(s); give at least 3"
    assert scalar_reason(sp.Rational(1, 3), "0.333") is None
    assert scalar_reason(sp.Rational(1, 3), "0.334") == "differs"
    assert significant_digits("0.0320") == 3


@given(st.fractions(min_value=-1000, max_value=1000), st.integers(3, 12))
def test_a_decimal_rounded_to_its_digits_passes_and_one_unit_off_fails(q, digits):
    value = sp.Rational(q.numerator, q.denominator)
    if value == 0:
        return
    text = f"{float(value):.{digits - 1}e}"               # every digit written, trailing zeros too
    assert scalar_reason(value, text) is None
    mantissa, _, exponent = text.partition("e")
    unit = 10 ** -(digits - 1)
    off = f"{float(mantissa) + 2 * unit * (1 if float(mantissa) > 0 else -1):.{digits - 1}f}e{exponent}"
    assert scalar_reason(value, off) == "differs"


def test_unordered_lists_match_by_content_and_report_missing_extra_and_repeated():
    spec = Unordered(key=lambda e: e["name"], what="item")
    r = _result({"items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]},
                checker=Checker(unordered={"items": spec}))
    assert r.check({"items": [{"name": "b", "v": 2}, {"name": "a", "v": 1}]}).ok
    report = r.check({"items": [{"name": "b", "v": 3}, {"name": "c", "v": 1}, {"name": "c", "v": 1}]})
    reasons = sorted(d.reason for d in report.discrepancies)
    assert reasons == ["differs", "item given twice", "missing item", "unexpected item: not in the expected list"]


def test_the_protocol_read_normalize_scalars_parts_explain():
    seen = {}

    def part(value, comparer):
        comparer.counted(2)
        seen["part"] = value
        comparer.differ("special", "S", value, "special reason", "")

    checker = Checker(
        read=lambda answer: {"a": answer} if isinstance(answer, str) else load_answer(answer),
        normalize=lambda given: {k.lower(): v for k, v in given.items()},
        scalars={"f": lambda location, expected, g: None if g.replace(" ", "") == expected else "not the formula"},
        parts={"special": part},
        explain=lambda location: f"how {location} is made")
    r = _result({"a": HALF, "f": "x+1", "special": 0}, checker=checker)
    assert r.check("1/2").ok                              # read: the topic's own format
    report = r.check({"A": "1/3", "F": "x + 1", "special": [1, 2]})
    assert seen["part"] == [1, 2]
    d = {x.location: x for x in report.discrepancies}
    assert set(d) == {"a", "special"}                     # normalize: A -> a; scalars: the formula agrees
    assert d["a"].explanation == "how a is made" and d["special"].explanation == ""
    assert report.answer["n_compared"] == 4               # a, f, and the part's own two


def test_exact_forms_compare_exactly():
    r = _result({"a": HALF})
    assert r.check({"exact": {"a": "1/2"}}).ok
    assert r.check({"exact": {"a": "0.5000000001"}}).discrepancies[0].reason == "differs (exact comparison)"


def test_infinity_is_null_or_a_word():
    r = _result({"a": -sp.oo})
    assert r.check({"a": None}).ok and r.check({"a": "-inf"}).ok
    assert not r.check({"a": "inf"}).ok


def test_answers_from_files_and_text(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"a": "1/2"}')
    r = _result({"a": HALF})
    assert r.check(path).ok and r.check(str(path)).ok and r.check('{"a": 0.5}').ok
    with pytest.raises(ValueError, match="not valid JSON at line 1"):
        r.check("{")
    with pytest.raises(ValueError, match="must be a JSON object"):
        path.write_text("[1]")
        r.check(path)


def test_compare_returns_the_raw_findings():
    findings = compare(_result({"a": HALF}), {"a": "2"})
    assert findings.n_compared == 1 and findings.found[0].expected.startswith("1/2")
    assert findings.given == {"a": "2"} and [p.location for p in findings.parts] == ["a"]


# ----------------------------------------------------------- the diagnosis core
def _chain_result() -> Result:
    """a, then b = 2a, then c = b + 1: a chain whose later values follow from the earlier ones."""
    def diagnose(findings, result):
        given = findings.given
        if findings.at("b") and scalar_reason(2 * sp.sympify(given["a"]), given["b"]) is None:
            findings.follows("b", "a")
        if findings.at("c") and scalar_reason(sp.sympify(given["b"]) + 1, given["c"]) is None:
            findings.follows("c", "b")
        if findings.at("a") and sp.sympify(given["a"]) == -HALF:
            findings.name("sign", ["a", "b", "c"])

    checker = Checker(subject=lambda loc: {"a": "the first value", "b": "the double", "c": "the sum"}.get(loc, loc),
                      weight=lambda loc: 2 if loc == "c" else 1, diagnose=diagnose,
                      catalogue=(Misconception("sign", "The sign of a was dropped.", "first"),))
    return _result({"c": sp.Integer(2), "a": HALF, "b": sp.Integer(1)}, checker=checker)


def test_one_wrong_value_and_what_follows_from_it():
    r = _chain_result()
    report = r.check({"b": "3", "a": "3/2", "c": "4"})           # a wrong; b = 2a and c = b + 1 follow
    assert [(d.location, d.cause) for d in report.discrepancies] == [("a", "root"), ("c", "follows"),
                                                                      ("b", "follows")]
    roots = [d for d in report.discrepancies if d.cause == "root"]
    assert [d.location for d in roots] == ["a"] and report.answer["roots"] == 1
    follows = {d.location: d.follows_from for d in report.discrepancies if d.cause == "follows"}
    assert follows == {"b": "a", "c": "a"}                        # follows_from names the original root
    assert report.answer["marks"] == {"awarded": 3, "possible": 4, "parts": [
        {"subject": "the double", "location": "b", "awarded": 1, "possible": 1},
        {"subject": "the first value", "location": "a", "awarded": 0, "possible": 1},
        {"subject": "the sum", "location": "c", "awarded": 2, "possible": 2}]}
    strict = r.check({"b": "3", "a": "3/2", "c": "4"}, ecf=False)
    assert strict.answer["marks"]["awarded"] == 0
    text = report.to_text()
    assert "1 root cause" in text and "2 value(s) follow correctly from the wrong first value" in text


def test_roots_come_first_in_the_worked_order():
    r = _chain_result()
    report = r.check({"b": "5", "a": "3/2", "c": "6"})            # a and b wrong on their own; c follows b
    assert [(d.location, d.cause) for d in report.discrepancies] == [("a", "root"), ("b", "root"),
                                                                      ("c", "follows")]


def test_a_named_misconception_cites_its_step_and_reads_in_every_format():
    r = _chain_result()
    report = r.check({"a": "-1/2", "b": "-1", "c": "0"})
    a = next(d for d in report.discrepancies if d.location == "a")
    assert a.misconception == {"id": "sign", "text": "The sign of a was dropped."} and a.step == 1
    data = json.loads(report.render("json"))
    entry = data["discrepancies"][0]
    assert set(entry) >= {"location", "subject", "expected", "given", "cause", "follows_from", "misconception",
                          "step", "reason"}
    assert entry["misconception"]["id"] == "sign" and data["roots"] == 1
    assert "[sign]" in report.to_text() and "sign" in report.to_latex()


def test_reveal_hides_what_it_should():
    r = _chain_result()
    where = json.loads(r.check({"a": "-1/2"}, reveal="where").render("json"))["discrepancies"][0]
    assert where["expected"] is None and where["misconception"] is None and where["step"] is None
    why = json.loads(r.check({"a": "-1/2"}, reveal="why").render("json"))["discrepancies"][0]
    assert why["expected"] is None and why["misconception"]["id"] == "sign" and why["step"] == 1
    text = r.check({"a": "-1/2"}, reveal="where").to_text()
    assert "1/2" not in text.replace("-1/2", "")                  # no expected value anywhere
    with pytest.raises(ValueError, match="reveal: 'some'"):
        r.check({"a": "1"}, reveal="some")


def test_expected_values_are_shown_as_the_student_wrote_theirs():
    long = 1 / (1 + sp.Rational(527, 361) * sp.exp(sp.Rational(4154875, 2775368)))
    shown = show_expected(long, "0.41")
    assert shown.startswith("0.") and len(shown) < 12 and "exp" not in shown
    assert show_expected(sp.Rational(3, 16), "0.1") == "0.188 (= 3/16)"
    assert show_expected(sp.Rational(3, 16), "1/8") == "3/16 ≈ 0.1875"
    assert show_expected(sp.Integer(7), "8") == "7"


def test_percentages_are_answers_too():
    r = _result({"a": sp.Rational(3, 4)})
    assert r.check({"a": "75%"}).ok and r.check({"a": "75.0%"}).ok
    assert r.check({"a": "70%"}).discrepancies[0].reason == "differs"


def test_a_report_makes_no_claim_about_checking_its_own_steps():
    report = _chain_result().check({"a": "-1/2"})
    assert "machine-checked" not in report.to_text() and "machine-checked" not in report.to_markdown()
    assert "machine-checked" not in report.to_latex()
    assert "[checked:" in _chain_result().to_text() or "not machine-checked" in _chain_result().to_text()
