"""One min-support rule for PrefixSpan and Apriori: counts, exact fractions, errors."""
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from workedout.numerics.thresholds import resolve_min_support


def test_counts_and_fractions():
    assert resolve_min_support(2, 10) == 2
    assert resolve_min_support("2", 10) == 2
    assert resolve_min_support(1, 10) == 1          # 1 is a count of one
    assert resolve_min_support("1.0", 10) == 10     # 1.0 is every record
    assert resolve_min_support(1.0, 10) == 10
    assert resolve_min_support("0.07", 100) == 7    # exact, though 0.07*100 = 7.000000000000001
    assert resolve_min_support(0.07, 100) == 7
    assert resolve_min_support("0.25", 10) == 3     # ceil(2.5)
    assert resolve_min_support(50, 10) == 50        # above n: valid, finds nothing
    assert resolve_min_support(Fraction(1, 3), 9) == 3


@pytest.mark.parametrize("bad,message", [(0, "at least 1"), (-2, "at least 1"), ("0.0", "above 0"),
                                         ("1.5", "at most 1"), ("abc", "not a count"), (True, "expected"),
                                         (float("nan"), "finite")])
def test_errors_name_the_parameter(bad, message):
    with pytest.raises(ValueError, match=f"--min-support: .*{message}"):
        resolve_min_support(bad, 10, what="--min-support")


@given(st.integers(1, 1000), st.integers(1, 1000), st.integers(1, 1000))
def test_fraction_count_is_the_smallest_count_reaching_it(p, q, n):
    f = Fraction(min(p, q), max(p, q))
    c = resolve_min_support(f, n)
    assert c >= f * n and (c - 1 < f * n or c == 1)


def test_percentages_and_ratios():
    assert resolve_min_support("22%", 9) == 2       # ceil(1.98)
    assert resolve_min_support("100%", 9) == 9      # every record
    assert resolve_min_support("12.5%", 16) == 2
    assert resolve_min_support("1/4", 10) == 3
    with pytest.raises(ValueError, match="at most 100%"):
        resolve_min_support("101%", 9)
    with pytest.raises(ValueError, match="above 0"):
        resolve_min_support("0%", 9)


@pytest.mark.parametrize("bad,where", [("100%x", "5: 'x'"), ("1%0", "3: '0'"), ("x%", "1: 'x'"), ("2,5%", "2: ','")])
def test_an_error_names_the_offending_character(bad, where):
    with pytest.raises(ValueError, match=f"at character {where}"):
        resolve_min_support(bad, 10, what="--min-support")


@given(st.integers(1, 1000), st.integers(1, 1000))
def test_a_percentage_is_its_fraction(p, n):
    """p/10 % (0.1% ... 100%) resolves as the fraction p/1000 does."""
    typed = f"{p // 10}.{p % 10}%"
    assert resolve_min_support(typed, n) == resolve_min_support(Fraction(p, 1000), n)
