"""The derivative of max, as the worked max-pool step computes it (exact one-sided difference quotients).

The fact the step relies on, proved here once with SymPy instead of in every ``conv --backprop``: where
``max(v_1, ..., v_n)`` has one arg-max, its partial derivatives are the two one-sided difference quotients
with a step under half the gap to the runner-up (1 at the arg-max, 0 elsewhere), which are SymPy's
derivative of ``Max`` there.
"""
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.convolution import backprop
from workedout.derivations.convolution._layers import MAXPOOL_GRAD, MAXPOOL_INPUT, max_partial_derivatives


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fractions(-50, 50, max_denominator=6), min_size=1, max_size=5, unique=True))
def test_the_difference_quotients_are_sympys_derivative_of_max(values):
    xs = sp.symbols(f"x_0:{len(values)}", real=True)
    at = dict(zip(xs, map(sp.Rational, values)))
    best = values.index(max(values))
    for p, (right, left) in enumerate(max_partial_derivatives(values)):
        assert right == left == sp.diff(sp.Max(*xs), xs[p]).subs(at) == (1 if p == best else 0)


def test_the_worked_windows_agree_with_sympys_derivative_of_max():
    xs = sp.symbols("x_0:4", real=True)
    untied = 0
    for i in range(2):
        for j in range(2):
            window = [MAXPOOL_INPUT[2 * i + u][2 * j + v] for u in range(2) for v in range(2)]
            if window.count(max(window)) > 1:
                with pytest.raises(ValueError, match=f"values: the maximum {max(window)} occurs more than once"):
                    max_partial_derivatives(window)
                continue
            untied += 1
            derivative = [sp.diff(sp.Max(*xs), x).subs(dict(zip(xs, window))) for x in xs]
            assert [right for right, _ in max_partial_derivatives(window)] == derivative
            assert [left for _, left in max_partial_derivatives(window)] == derivative
    assert untied == 2  # the example has two windows with a tie and two without


def test_the_quotients_are_exact_and_catch_a_wrong_gradient():
    assert max_partial_derivatives([1, sp.Rational(3, 2), -2]) == [(0, 0), (1, 1), (0, 0)]
    assert max_partial_derivatives([7]) == [(1, 1)]
    # a gradient sent to the runner-up is not what the quotients give
    assert [q for q, _ in max_partial_derivatives([4, 3])] != [0, 1]


def test_the_maxpool_step_names_its_checks():
    step = next(s for _, s in backprop().numbered_steps() if s.label == "maxpool_backward")
    assert "maxpool2d_backward" in step.check.how
    assert "one-sided difference quotients" in step.check.how
    assert MAXPOOL_GRAD == ((1, 2), (3, 4))
    grad = backprop().answer["maxpool_grad"]
    assert [[int(v) for v in row] for row in grad] == [[0, 0, 2, 0], [1, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 4]]
