"""The one rule for a minimum support given as a count or as a fraction.

``min_support`` is either a count (an integer such as ``2``; ``1`` is a
count of one) or a fraction of the ``n`` sequences/transactions (a decimal
such as ``0.25`` or ``1.0``, a fraction ``1/4``, or a percentage such as
``22%`` or ``100%``, as textbooks print it; 0 < f <= 1). A fraction is resolved in exact
arithmetic from the decimal the user typed: the smallest count c with
c >= f * n, so ``0.07`` of 100 is 7, although ``0.07 * 100`` in floats is
7.000000000000001. A Python float is taken as the decimal it prints as
(``repr``). A count above ``n`` is valid and finds nothing.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral

__all__ = ["bad_character", "parse_fraction", "resolve_min_confidence", "resolve_min_support"]

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_RATIO = re.compile(r"[+-]?\d+\s*/\s*[+-]?\d+\Z")


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
        fraction = parse_fraction(text, what=what, expected="a count (such as 2) or a fraction (a decimal "
                                                            "such as 0.25, or a percentage such as 22%)")
    else:
        raise ValueError(f"{what}: expected a count or a fraction, got {type(min_support).__name__}")
    if fraction <= 0:
        raise ValueError(f"{what}: a fraction must be above 0, got {min_support}")
    if fraction > 1 and isinstance(min_support, str) and min_support.strip().endswith("%"):
        raise ValueError(f"{what}: a percentage must be at most 100% (every record), got {min_support.strip()}")
    if fraction > 1:
        raise ValueError(f"{what}: a fraction must be at most 1 (1.0 means every record), got {min_support}")
    return max(1, math.ceil(fraction * n))


def parse_fraction(text: str, *, what: str, expected: str = "a decimal such as 0.25, a fraction such as 1/4 "
                                                          "or a percentage such as 22%") -> Fraction:
    """Read a decimal (``0.25``), a ratio (``1/4``) or a percentage (``22%``, ``12.5%``) exactly.

    No range check. A malformed text raises ValueError naming ``what`` and
    the (1-based) character where reading fails: ``'1%0'`` at character 2.
    """
    text = text.strip()
    body, percent = (text[:-1].rstrip(), True) if text.endswith("%") else (text, False)
    _within_limits(body, what)  # before anything is built: 1e999999999 would be an exact 10^999999999
    try:
        if _DECIMAL.match(body):
            value = Fraction(Decimal(body))
        elif _RATIO.match(body):
            value = Fraction(body.replace(" ", ""))
        else:
            raise ValueError
    except ZeroDivisionError:
        raise ValueError(f"{what}: {text!r} has a zero denominator") from None
    except (InvalidOperation, ValueError):
        where = bad_character(text)
        raise ValueError(f"{what}: {text!r} is not {expected}"
                         + (f" (at character {where}: {text[where - 1]!r})" if where else "")) from None
    return value / 100 if percent else value


def _within_limits(body: str, what: str) -> None:
    """The limits ``digits`` (digits of one number) and ``exponent`` (of ``1e-5``) on a typed number."""
    from .limits import require
    mantissa = re.split(r"[eE]", body, maxsplit=1)
    for number in re.split(r"/", mantissa[0]):
        require("digits", sum(c.isdigit() for c in number), what=f"{what}: {body[:30]!r}")
    if len(mantissa) == 2:
        exponent = mantissa[1].lstrip("+-").lstrip("0")
        if exponent.isdigit():
            require("exponent", int(exponent) if len(exponent) <= 18 else 10 ** 18,
                    what=f"{what}: exponent of {body[:30]!r}")


def bad_character(text: str) -> int | None:
    """The 1-based position of the first character that cannot continue a number such as
    ``-12.5e3``, ``3/4`` or ``22%`` (None when the text is only cut short, or a zero denominator)."""
    i, n = 0, len(text)

    def digits(j):
        k = j
        while k < n and text[k].isdigit():
            k += 1
        return k

    if i < n and text[i] in "+-":
        i += 1
    j = digits(i)
    has_int = j > i
    i = j
    if i < n and text[i] == ".":
        j = digits(i + 1)
        if not has_int and j == i + 1:
            return i + 2 if j < n else None
        i = j
    elif not has_int:
        return i + 1 if i < n else None
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        k = digits(j)
        if k == j:
            return k + 1 if k < n else None
        i = k
    while i < n and text[i] == " ":
        i += 1
    if i < n and text[i] == "/":
        j = i + 1
        while j < n and text[j] == " ":
            j += 1
        if j < n and text[j] in "+-":
            j += 1
        k = digits(j)
        if k == j:
            return k + 1 if k < n else None
        i = k
    if i < n and text[i] == "%":
        i += 1
    return i + 1 if i < n else None


def resolve_min_confidence(min_confidence, *, what: str = "min_confidence") -> Fraction:
    """The minimum confidence as an exact fraction in [0, 1].

    A float is read as the decimal it prints as (``0.7`` is 7/10); a string
    may be a decimal, ``p/q`` or a percentage (``70%``).
    """
    if isinstance(min_confidence, bool):
        raise ValueError(f"{what}: expected a number in [0, 1], got {min_confidence!r}")
    try:
        if isinstance(min_confidence, Fraction):
            c = min_confidence
        elif isinstance(min_confidence, Integral):
            c = Fraction(int(min_confidence))
        elif isinstance(min_confidence, float):
            if not math.isfinite(min_confidence):
                raise ValueError
            c = Fraction(Decimal(repr(min_confidence)))
        elif isinstance(min_confidence, str):
            c = parse_fraction(min_confidence, what=what, expected="a number in [0, 1] (such as 0.7, 7/10 "
                                                                   "or 70%)")
        else:
            c = Fraction(min_confidence)
    except ValueError as exc:
        if str(exc).startswith(f"{what}:"):
            raise
        raise ValueError(f"{what}: expected a number in [0, 1] (such as 0.7), got {min_confidence!r}") from None
    except (InvalidOperation, ZeroDivisionError, TypeError):
        raise ValueError(f"{what}: expected a number in [0, 1] (such as 0.7), got {min_confidence!r}") from None
    if not 0 <= c <= 1:
        raise ValueError(f"{what}: must be between 0 and 1, got {min_confidence}")
    return c
