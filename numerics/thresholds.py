"""The one rule for a minimum support given as a count or as a fraction.

``min_support`` is either a count (an integer such as ``2``; ``1`` is a
count of one) or a fraction of the ``n`` sequences/transactions (a decimal
such as ``0.25`` or ``1.0``, 0 < f <= 1). A fraction is resolved in exact
arithmetic from the decimal the user typed: the smallest count c with
c >= f * n, so ``0.07`` of 100 is 7, although ``0.07 * 100`` in floats is
7.000000000000001. A Python float is taken as the decimal it prints as
(``repr``). A count above ``n`` is valid and finds nothing.
"""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral

__all__ = ["resolve_min_support"]


def resolve_min_support(min_support, n: int, *, what: str = "min_support") -> int:
    """Return the minimum support as a count of the ``n`` records.

    Parameters
    ----------
    min_support : int, float, Fraction or str
        A count (``2``, ``"2"``) or a fraction (``0.25``, ``"0.25"``, ``"1.0"``,
        ``Fraction(1, 4)``).
    n : int
        The number of sequences or transactions.
    what : str
        The parameter's name, for error messages (``--min-support``).

    Raises
    ------
    ValueError
        For zero, a negative value, a fraction above 1, or a non-number.
    """
    if isinstance(min_support, bool):
        raise ValueError(f"{what}: expected a count or a fraction, got {min_support!r}")
    if isinstance(min_support, Integral):
        count = int(min_support)
        if count < 1:
            raise ValueError(f"{what}: a count must be at least 1, got {count}")
        return count
    if isinstance(min_support, float):
        if not math.isfinite(min_support):
            raise ValueError(f"{what}: expected a finite number, got {min_support!r}")
        min_support = repr(min_support)
    if isinstance(min_support, Fraction):
        fraction = min_support
    elif isinstance(min_support, str):
        text = min_support.strip()
        if text.lstrip("+-").isdigit():
            return resolve_min_support(int(text), n, what=what)
        try:
            fraction = Fraction(Decimal(text)) if "/" not in text else Fraction(text)
        except (InvalidOperation, ValueError, ZeroDivisionError):
            raise ValueError(f"{what}: {text!r} is not a count (such as 2) or a fraction "
                             "(a decimal such as 0.25)") from None
        if not math.isfinite(float(fraction)):  # pragma: no cover - Decimal('inf') raises above
            raise ValueError(f"{what}: expected a finite number, got {text!r}")
    else:
        raise ValueError(f"{what}: expected a count or a fraction, got {type(min_support).__name__}")
    if fraction <= 0:
        raise ValueError(f"{what}: a fraction must be above 0, got {min_support}")
    if fraction > 1:
        raise ValueError(f"{what}: a fraction must be at most 1 (1.0 means every record), got {min_support}")
    return max(1, math.ceil(fraction * n))
