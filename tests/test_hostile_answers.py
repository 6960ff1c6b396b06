"""A student's answer can never crash or hang ``--check`` (issue 15, items 1, 2 and 11).

Every hostile answer ends in a report row that names the key (the rest of the
answer still checked, the row marked wrong) or in one clear error line with
exit status 2; never a traceback. The number and expression syntax refuses,
before building anything, what the limits ``digits``, ``exponent``,
``nesting`` and ``answer-size`` bound.
"""
import json

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.check import scalar_reason
from workedout.derivations.exact import bounded_power, parse_expression, parse_number
from workedout.numerics import limits
from workedout.numerics.limits import LimitError

ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1/2,3/2"]
RIGHT_EVIDENCE = "sqrt(2)*exp(-8)/(2*sqrt(pi)) + sqrt(2)*exp(-2/9)/(6*sqrt(pi))"
APRIORI_DB = "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n"


def check(run_cli, tmp_path, command, answer, *extra, raw: bytes | None = None):
    """Run ``command --check`` on ``answer``; return (status, JSON report or None, stderr)."""
    path = tmp_path / "answer.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(answer))
    status, out, err = run_cli(*command, "--check", path, "--format", "json", *extra)
    assert "Traceback" not in err and "Traceback" not in out
    return status, (json.loads(out) if status in (0, 1) else None), err


def row(report, location):
    found = [d for d in report["discrepancies"] if d["location"] == location]
    assert found, f"no row at {location}: {[d['location'] for d in report['discrepancies']]}"
    return found[0]


# ------------------------------------------------------------ wrong shapes
def test_a_number_where_a_list_is_expected_is_a_row_and_the_rest_is_checked(run_cli, tmp_path):
    status, report, _ = check(run_cli, tmp_path, ESTEP, {"responsibilities": 0.18, "evidence": RIGHT_EVIDENCE})
    assert status == 1
    d = row(report, "responsibilities")
    assert d["reason"] == "expected a list of 2 numbers"
    assert report["n_compared"] == 1 and report["n_discrepancies"] == 1  # the evidence was still checked
    assert report["marks"]["awarded"] == 1 and report["marks"]["possible"] == 2


def test_mstep_and_apriori_shapes(run_cli, tmp_path):
    (tmp_path / "X.csv").write_text("0,0\n1,0\n4,4\n")
    (tmp_path / "R.csv").write_text("1,0\n4/5,1/5\n0,1\n")
    mstep = ["gmm", "mstep", "--data", tmp_path / "X.csv", "--resp", tmp_path / "R.csv", "--covariance", "full"]
    status, report, _ = check(run_cli, tmp_path, mstep, {"means": 0.18, "nk": "abc", "covariances": [[[1]], 4]})
    assert status == 1
    assert row(report, "means")["reason"] == "expected a 2 x 2 list of numbers"
    assert row(report, "nk")["reason"] == "expected a list of 2 numbers"
    assert row(report, "covariances[1]")["reason"] == "expected a 2 x 2 list of numbers"
    (tmp_path / "db.txt").write_text(APRIORI_DB)
    apriori = ["apriori", tmp_path / "db.txt", "--min-support", "2", "--min-confidence", "0.7"]
    status, report, _ = check(run_cli, tmp_path, apriori, {"rules": 0.18, "levels": "x", "n_transactions": 9})
    assert status == 1
    d = row(report, "rules")
    assert d["reason"] == "expected a list of 24 objects"
    assert d["expected"].startswith("a list of 24 objects")  # not the whole list of rules in one cell
    assert row(report, "levels")["reason"].startswith("expected a list of")
    assert report["n_compared"] == 1  # n_transactions, right


# ------------------------------------------------- values beyond the limits
@pytest.mark.parametrize("value, words", [
    ("-" * 1000 + "1", "limit nesting"),
    ("-" * 100000 + "1", "limit nesting"),
    ("(" * 200 + "1" + ")" * 200, "limit nesting"),
    ("2^" * 500 + "2", "limit nesting"),
    ("exp(exp(exp(1000)))", "limit exponent"),
    ("9^9^9^9", "limit exponent"),
    ("2^2^40", "limit exponent"),
    ("1e999999999", "limit exponent"),
    ("1" * 5000, "limit digits"),
    ("1/" + "3" * 5000, "limit digits"),
    ("((10^1000)^1000)^1000", "counting powers of powers"),
    ("x" * 100 + "(", "cannot read"),
])
def test_hostile_expressions_are_rows_naming_the_limit(run_cli, tmp_path, value, words):
    status, report, _ = check(run_cli, tmp_path, ESTEP, {"evidence": value, "densities": ["1", "2"]})
    assert status == 1
    d = row(report, "evidence")
    assert words in d["reason"] and d["reason"].startswith("cannot read the given value")
    assert len(d["given"]) <= 250  # a long value is shortened in the report
    assert row(report, "densities[0]")["reason"] == "differs"  # the rest is still checked


def test_a_long_flat_sum_is_read_not_refused(run_cli, tmp_path):
    status, report, _ = check(run_cli, tmp_path, ESTEP, {"evidence": "1+" * 1000 + "1"})
    assert status == 1 and row(report, "evidence")["reason"] == "differs"
    assert parse_expression("1+" * 1000 + "1") == 1001


def test_decimal_answer_1e_huge_is_refused_without_building_it():
    with pytest.raises(LimitError, match=r"exponent of '1e999999999': 999,999,999, more than the limit exponent"):
        parse_number("1e999999999", what="evidence")
    assert parse_number("1e-5") == sp.Rational(1, 100000)
    assert parse_number("2.5e3") == 2500
    assert parse_number("1e-1000") == sp.Rational(1, 10 ** 1000)  # at the limit: read exactly
    with limits.raised(exponent=2000):
        assert parse_number("1e1500") == 10 ** 1500


def test_expression_limits_and_what_they_still_allow():
    assert parse_expression("2^1000") == 2 ** 1000
    assert parse_expression("(2^10)^100") == 2 ** 1000
    assert parse_expression("exp(1000)") == sp.exp(1000)
    assert parse_expression("-2**2") == -4 and parse_expression("2^-2^2") == sp.Rational(1, 16)
    assert parse_expression("1/(1 + exp(70/9)/3)") == 1 / (1 + sp.exp(sp.Rational(70, 9)) / 3)
    with pytest.raises(LimitError, match="limit exponent"):
        parse_expression("exp(1001)")
    with pytest.raises(LimitError, match="limit nesting"):
        parse_expression("-" * 101 + "1")
    parse_expression("-" * 99 + "1")
    with pytest.raises(LimitError, match="limit answer-size"):
        with limits.raised(answer_size=100):
            parse_expression("1+" * 100 + "1")
    with limits.raised(nesting=None):  # lifted far beyond the stack: still a ValueError, not a RecursionError
        with pytest.raises(ValueError, match="nested too deep"):
            parse_expression("(" * 100000 + "1" + ")" * 100000)


def test_bounded_power_refuses_what_evaluation_would_build():
    assert bounded_power(5, 3) == 125
    with pytest.raises(LimitError, match="limit exponent"):
        bounded_power(5, 5 ** 625)
    with pytest.raises(LimitError, match="digits x exponent"):
        bounded_power(sp.Integer(10) ** 1001, 1000)  # 1,002,000 digits


# --------------------------------------------------- numbers on the command line
def test_command_line_numbers_within_the_limits(run_cli, tmp_path):
    (tmp_path / "db.txt").write_text(APRIORI_DB)
    status, _, err = run_cli("apriori", tmp_path / "db.txt", "--min-support", "1e999999999")
    assert status == 2 and "--min-support" in err and "limit exponent" in err
    status, _, err = run_cli("apriori", tmp_path / "db.txt", "--min-support", "inf")
    assert status == 2 and "--min-support" in err and "'inf'" in err
    status, _, err = run_cli("align", "--gap", "1e999999999", "GATTACA", "GCATGCU")
    assert status == 2 and "--gap" in err and "limit exponent" in err
    status, _, err = run_cli("align", "--match", "1e400", "GATTACA", "GCATGCU")
    assert status == 2 and "--match" in err and "overflow 64-bit floats" in err
    (tmp_path / "X.csv").write_text("0,0\n1,1e999999999\n")
    (tmp_path / "R.csv").write_text("1,0\n0,1\n")
    status, _, err = run_cli("gmm", "mstep", "--data", tmp_path / "X.csv", "--resp", tmp_path / "R.csv")
    assert status == 2 and "--data" in err and "1e999999999" in err
    status, _, err = run_cli(*ESTEP[:2], "--x", "1" * 5000, *ESTEP[4:])
    assert status == 2 and "--x" in err and "limit digits" in err and "4300" not in err
    status, _, err = run_cli(*ESTEP[:-1], "1,2^2^40")
    assert status == 2 and "--sds item 2" in err and "limit exponent" in err
    assert "Traceback" not in err


def test_record_option_with_a_superscript(run_cli, tmp_path):
    fasta = tmp_path / "pair.fa"
    fasta.write_text(">a\nGATTACA\n>b\nGCATGCU\n")
    status, _, err = run_cli("align", fasta, "--record", "²")
    assert status == 2 and "--record" in err and "'²' is not an integer" in err
    assert "invalid literal" not in err
    status, _, err = run_cli("align", fasta, "--record", "9" * 5000)
    assert status == 2 and "5,000 digits" in err


# ------------------------------------------------------------------ gmm derive
DERIVE = ["gmm", "derive", "--covariance", "full"]


@pytest.mark.parametrize("key, update, words", [
    ("weights", "sum(" * 14 + "N_k" + ")" * 14, "nested 4 deep"),
    ("weights", "sqrt(-N_k)", "cannot check the given value"),
    ("responsibilities", "pi_k*normal(x_i, mu_k, outer(x_i, x_i))/sum(pi_k*normal(x_i, mu_k, Sigma_k), k)",
     "det == 0"),
    ("weights", "(N_k/N)^(10^9)", "limit exponent"),
    ("weights", "N^N^N^N", "limit exponent"),
    ("means", "exp(exp(exp(N)))", "limit exponent"),
])
def test_derive_updates_that_cannot_be_evaluated_are_rows(run_cli, tmp_path, key, update, words):
    status, report, _ = check(run_cli, tmp_path, DERIVE, {key: update, "means" if key != "means" else "weights":
                                                          "N_k" if key == "means" else "sum(gamma_ik*x_i)/N_k"})
    assert status == 1
    assert words in row(report, key)["reason"]
    assert report["n_discrepancies"] == 1 + (key == "means")  # the other update was checked (right for weights)


# ------------------------------------------------------------- answer files
def test_answer_files_nested_nan_bom_devices_and_size(run_cli, tmp_path):
    status, _, err = check(run_cli, tmp_path, ESTEP, None, raw=b'{"evidence": ' + b"[" * 100000 + b"]" * 100000 + b"}")
    assert status == 2 and "nested" in err and "nesting" in err
    status, report, _ = check(run_cli, tmp_path, ESTEP, None, raw=b'{"evidence": NaN, "densities": [1, Infinity]}')
    assert status == 1
    assert row(report, "evidence")["reason"] == "expected a finite number, got NaN"
    assert row(report, "densities[1]")["reason"] == "expected a finite number, got infinity"
    good = json.dumps({"evidence": RIGHT_EVIDENCE})
    for raw in (good.encode("utf-16"), good.encode("utf-8-sig"), good.encode("utf-32")):
        status, report, _ = check(run_cli, tmp_path, ESTEP, None, raw=raw)
        assert status == 0 and report["ok"]
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    status, _, err = run_cli(*ESTEP, "--check", link)
    assert status == 2 and "not a regular file" in err
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(2 << 30)  # sparse: 2 GB that take no disk
    status, _, err = run_cli(*ESTEP, "--check", big)
    assert status == 2 and "limit answer-size" in err and "--limit answer-size=N" in err
    status, _, err = run_cli(*ESTEP, "--check", tmp_path / "nope.json")
    assert status == 2 and "cannot read" in err and "no such file" in err


def test_a_2000_digit_json_integer_is_a_row(run_cli, tmp_path):
    status, report, _ = check(run_cli, tmp_path, ESTEP, None, raw=b'{"evidence": ' + b"7" * 2000 + b"}")
    assert status == 1 and "limit digits" in row(report, "evidence")["reason"]


def test_time_budget_reports_what_was_not_checked(run_cli, tmp_path):
    status, report, _ = check(run_cli, tmp_path, ESTEP, {"evidence": RIGHT_EVIDENCE, "densities": [1, 2]},
                              "--limit", "check-seconds=0")
    assert status == 1
    for key in ("evidence", "densities"):
        d = row(report, key)
        assert d["reason"].startswith("not checked: --check: took longer than the limit check-seconds")
        assert d["expected"] == "(not checked)"
    assert report["marks"]["awarded"] == 0


def test_a_checker_that_crashes_on_a_part_is_a_row_not_a_traceback():
    from workedout.derivations.check import Checker
    from workedout.derivations.result import Result

    def boom(given, comparer):
        raise ZeroDivisionError("division by zero")
    result = Result(kind="t", title="t", steps=[], answer={"a": 1, "b": [1, 2]},
                    checker=Checker(parts={"a": boom}, diagnose=lambda f, r: 1 / 0))
    report = result.check({"a": 5, "b": [1, 3]})
    assert [d.location for d in report.discrepancies] == ["a", "b[1]"]
    assert report.discrepancies[0].reason == "cannot check this part: division by zero"


# ------------------------------------------------------------------ Python API
def test_python_api_names_the_parameter():
    from workedout.derivations.gmm import estep, fit
    from workedout.numerics.apriori import association_rules, support_count
    with pytest.raises(TypeError, match="^weights: expected a list of numbers"):
        estep(2, 0.5, [0, 1], [1, 1])
    with pytest.raises(TypeError, match="^sds: expected a list of numbers"):
        estep(2, [0.5, 0.5], [0, 1], 1)
    with pytest.raises(TypeError, match="^k: got '3' of type str"):
        fit("iris", k="3")
    with pytest.raises(TypeError, match="^tol: got 'x'"):
        fit("iris", k=2, tol="x")
    with pytest.raises(TypeError, match="^itemsets: expected a mapping"):
        association_rules("abc", 5)
    with pytest.raises(ValueError, match="^itemsets: the support count of"):
        association_rules({("a",): "x"}, 5)
    with pytest.raises(TypeError, match="^itemset: expected a set or tuple"):
        support_count([["a"]], 5)


def test_numpy_scalars_are_numbers():
    assert parse_number(np.int64(2)) == 2
    assert parse_number(np.float64(1.5)) == sp.Rational(3, 2)
    assert parse_number(np.float32(0.5)) == sp.Rational(1, 2)
    assert parse_expression(np.int64(7)) == 7
    from workedout.derivations.gmm import estep
    a = estep(np.int64(2), [np.float64(0.5), np.float64(0.5)], [np.int64(0), 1], [np.float64(0.5), 1.5])
    b = estep(2, ["1/2", "1/2"], [0, 1], ["1/2", "3/2"])
    assert a.answer["evidence"] == b.answer["evidence"]
    assert scalar_reason(sp.Rational(3, 2), np.float64(1.5)) is None


def test_parse_number_refuses_what_is_not_a_number_by_name():
    for bad in (True, None, [1], {"a": 1}, object(), float("nan"), np.float64("inf")):
        with pytest.raises(ValueError, match="^--x: expected"):
            parse_number(bad, what="--x")


# ------------------------------------------------------- the property
_ALPHABET = "0123456789.eE+-*/^()%, x" + "\t"
_TOKENS = ["9", "99", "1e9", "1e-9", "2.5", "0", "+", "-", "*", "/", "^", "**", "(", ")", "exp(", "sqrt(",
           "log(", "pi", "E", "1/0", "%", ",", "10^", "^(", "e"]


def _size_in_bits(value) -> int:
    """Bits of the largest integer (numerator or denominator) inside a built value."""
    bits = 0
    for atom in sp.preorder_traversal(value):
        if isinstance(atom, sp.Rational):
            bits = max(bits, int(atom.p).bit_length(), int(atom.q).bit_length())
    return bits


# the limits digits x exponent bound every integer a typed expression can build (10^6 digits, 3.4 Mbit)
_MAX_BITS = int(limits.get("digits") * limits.get("exponent") * 3.33) + 64


def _read_or_refuse(text: str) -> None:
    try:
        value = parse_expression(text, what="answer")
    except ValueError:
        return
    assert _size_in_bits(value) <= _MAX_BITS
    assert sp.count_ops(value) <= len(text) + 1
    try:
        reason = scalar_reason(sp.Rational(1, 3), text)
    except ValueError:
        return
    assert reason is None or isinstance(reason, str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_any_short_text_parses_or_is_a_value_error(text):
    _read_or_refuse(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join))
def test_any_short_token_string_parses_or_is_a_value_error(text):
    _read_or_refuse(text)
