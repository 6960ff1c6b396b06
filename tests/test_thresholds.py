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
