"""Exact numbers in, exact strings out, and no code evaluation."""
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from workedout.derivations.exact import exact_string, parse_expression, parse_number, parse_number_list


def test_numbers_are_read_exactly():
    assert parse_number("0.07") == sp.Rational(7, 100)
    assert parse_number("3/4") == sp.Rational(3, 4)
    assert parse_number("-2") == -2
    assert parse_number("1e-3") == sp.Rational(1, 1000)
    assert parse_number(0.1) == sp.Rational(1, 10)  # a JSON float is the decimal it was written as


@pytest.mark.parametrize("bad", ["abc", "1/0", "nan", "inf", "", "1/2/3", "0x10"])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="--x"):
        parse_number(bad, what="--x")


def test_list_errors_name_the_item():
    with pytest.raises(ValueError, match="--weights item 2: 'x' is not a number"):
        parse_number_list("1/2,x", what="--weights")


def test_expressions_are_parsed_without_eval():
    assert parse_expression("1/(1 + exp(3/2))") == 1 / (1 + sp.exp(sp.Rational(3, 2)))
    assert parse_expression("2^3") == 8
    for hostile in ["__import__('os').system('true')", "().__class__", "open('/etc/passwd')", "x", "lambda: 1"]:
        with pytest.raises(ValueError, match="not allowed|cannot read"):
            parse_expression(hostile)


@given(st.fractions(max_denominator=10**6))
def test_exact_strings_read_back(q):
    value = sp.Rational(q.numerator, q.denominator)
    assert parse_expression(exact_string(value)) == value


def test_exact_string_is_plain_sympy():
    assert exact_string(1 / (1 + sp.exp(sp.Rational(3, 2)))) == "1/(1 + exp(3/2))"
