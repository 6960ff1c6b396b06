"""Numbers shown as given: a decimal typed as ``3.19`` is shown as ``3.19``; decimals to ``digits`` digits.

The arithmetic stays exact (SymPy rationals and roots); only the display
changes. :func:`read_shown` reads one typed number and returns its exact
value and what to show for it: the exact value itself, or, for a decimal
typed as such, a SymPy ``Float`` carrying exactly the digits typed (so
``sstr`` and ``latex`` print ``3.19``, and ``parse_expression`` reads it back
as ``319/100``).
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import sympy as sp

from dataclasses import dataclass

from .check import SHORT_EXACT
from .model import InlineMath
from .exact import parse_root, significant

__all__ = ["Shown", "read_shown", "read_shown_list", "decimal", "text_of", "tex_of", "atom_text", "atom_tex",
           "is_short", "exact_fraction", "validate_digits", "Approximate", "terminates", "decimal_text", "exact_decimal",
           "has_typed_decimal"]

_DECIMAL = re.compile(r"\s*[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)\s*\Z")
SHORT = SHORT_EXACT  # an exact form is shown beside its decimal when this short: the check report's rule


def validate_digits(digits) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits: expected a whole number of significant digits, at least 1, got {digits!r}")
    return digits


class Shown(sp.Float):
    """A decimal that prints exactly as given (``3.19``, ``0.2130``) and holds its value to 30 digits.

    SymPy's own Float prints as many digits as its precision, so a Float of
    4 digits would be a 4-digit binary approximation (3.19 would be written
    to JSON as 3.189453125); this one is accurate and prints its text.
    """

    def __new__(cls, text: str, exact: bool = False):
        obj = sp.Float.__new__(cls, text, 30)
        obj._text = text
        obj.exact = bool(exact)  # the text is the value itself (typed, or an exact decimal), not a rounding
        return obj

    def __getnewargs__(self):
        return (self._text, self.exact)

    def _sympystr(self, printer):
        return self._text

    def _latex(self, printer):
        mantissa, e, exponent = self._text.lower().partition("e")
        return r"%s \times 10^{%d}" % (mantissa, int(exponent)) if e else self._text

    def _pretty(self, printer):
        from sympy.printing.pretty.stringpict import prettyForm
        return prettyForm(self._text)


def _typed_decimal(text: str) -> Shown:
    """The decimal ``text`` as typed (``3.19``, ``0.0070``), without spaces or a plus sign."""
    return Shown(text.strip().lstrip("+"), exact=True)


def read_shown(value, *, what: str):
    """``(exact, shown)`` for one typed number (:func:`~derivations.exact.parse_root` syntax)."""
    if isinstance(value, float):  # numpy's float64 too, which would repr as 'np.float64(0.5)'
        value = repr(float(value))
    exact = parse_root(value, what=what)
    if isinstance(value, str) and _DECIMAL.match(value) and not exact.is_Integer:
        return exact, _typed_decimal(value)
    return exact, exact


def read_shown_list(values, *, what: str) -> tuple[list, list]:
    """``(exacts, shown)`` for a comma-separated string or a sequence of numbers."""
    if isinstance(values, str):
        if not values.strip():
            raise ValueError(f"{what}: expected a comma-separated list of numbers, got {values!r}")
        items = values.split(",")
    else:
        try:
            items = list(values)
        except TypeError:  # estep(2, 0.5, ...): a number where a list is expected
            raise TypeError(f"{what}: expected a list of numbers or a comma-separated string such as '1/2, 1/2', "
                            f"got {type(values).__name__} {values!r}") from None
    pairs = [read_shown(v, what=f"{what} item {i + 1}") for i, v in enumerate(items)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def decimal(value, digits: int) -> sp.Float:
    """The value to ``digits`` significant digits, as a Float that prints exactly those digits (0 as 0).

    A float that is not finite (a diverged training run) is returned as SymPy's ``nan``, ``oo`` or ``-oo``.
    """
    if value == 0:
        return sp.Integer(0)
    if isinstance(value, float) and not math.isfinite(value):
        return sp.nan if value != value else (sp.oo if value > 0 else -sp.oo)
    text = significant(value, digits)
    mantissa, _, exponent = text.partition("e")
    shown = len(mantissa.lstrip("-").replace(".", "").lstrip("0"))
    if shown < digits:  # trailing zeros: 0.1 to 4 digits is 0.1000
        mantissa += ("" if "." in mantissa else ".") + "0" * (digits - shown)
    if exponent:
        e = int(exponent)
        if -7 <= e < 0:   # 1.3e-05 as 0.000013 reads as exam solutions write it
            sign = "-" if mantissa.startswith("-") else ""
            mantissa = sign + "0." + "0" * (-e - 1) + mantissa.lstrip("-").replace(".", "")
            exponent = ""
        else:
            exponent = f"e{e}"
    return Shown(mantissa + exponent)


def text_of(shown) -> str:
    return sp.sstr(shown)


def tex_of(shown) -> str:
    return sp.latex(shown)


def _atomic(shown) -> bool:
    """True when the number needs no parentheses as a factor, a base or after a minus."""
    if isinstance(shown, sp.Float):
        return shown >= 0
    if isinstance(shown, sp.Integer):
        return shown >= 0
    if isinstance(shown, sp.Pow) and shown.exp == sp.Rational(1, 2) and shown.base.is_Integer:
        return True  # sqrt(2)
    return False


def atom_text(shown) -> str:
    """Plain text of a number used as a factor, a power's base or a subtrahend: ``(3/2)``, ``(-1)``, ``2``."""
    text = text_of(shown)
    return text if _atomic(shown) else f"({text})"


def atom_tex(shown, *, base: bool = False) -> str:
    """LaTeX of a number used as a factor or subtrahend (a fraction needs no parentheses: it is set as one),
    or, with ``base``, as a power's base."""
    tex = tex_of(shown)
    if _atomic(shown) or not base and not (shown.is_number and shown < 0) and not isinstance(shown, sp.Add):
        return tex
    return r"\left(%s\right)" % tex


def is_short(value) -> bool:
    """An exact form short enough to show beside its decimal (``1/(1 + exp(3/2))``, ``3/4``)."""
    return len(sp.sstr(value)) <= SHORT


def exact_fraction(value) -> bool:
    """True for a rational that a decimal does not show exactly (1/3), where the fraction helps."""
    value = sp.nsimplify(value) if isinstance(value, sp.Float) else value
    if not isinstance(value, sp.Rational):
        return False
    q = int(value.q)
    while q % 2 == 0:
        q //= 2
    while q % 5 == 0:
        q //= 5
    return q != 1 or Fraction(int(value.p), int(value.q)) != Fraction(Decimal(str(float(value))))


def terminates(value) -> bool:
    """True for a rational whose decimal expansion ends (its denominator has no prime but 2 and 5)."""
    if isinstance(value, (int, sp.Integer)):
        return True
    if isinstance(value, Fraction):
        q = value.denominator
    elif isinstance(value, sp.Rational):
        q = int(value.q)
    else:
        return False
    for f in (2, 5):
        while q % f == 0:
            q //= f
    return q == 1


def decimal_text(value) -> str:
    """A terminating rational as its exact decimal: ``-5/2`` -> ``-2.5``, ``3`` -> ``3``, ``1/80`` -> ``0.0125``."""
    q = Fraction(int(value.p), int(value.q)) if isinstance(value, sp.Rational) else Fraction(value)
    if not terminates(q):
        raise ValueError(f"{q} does not terminate as a decimal")
    k = 0
    while 10 ** k % q.denominator:
        k += 1
    digits = str(abs(q.numerator) * (10 ** k // q.denominator))
    if k:
        digits = digits.rjust(k + 1, "0")
        digits = (digits[:-k] + "." + digits[-k:]).rstrip("0").rstrip(".")
    return ("-" if q < 0 else "") + digits


def exact_decimal(value):
    """A terminating non-integer rational as a :class:`Shown` of its exact decimal (``1/4`` -> ``0.25``);
    integers and other values unchanged."""
    if isinstance(value, (sp.Rational, Fraction)) and not isinstance(value, sp.Integer) \
            and not (isinstance(value, Fraction) and value.denominator == 1) and terminates(value):
        return Shown(decimal_text(value), exact=True)
    return value


_DECIMAL_TOKEN = re.compile(r"(?<![\w.])[+-]?(\d+\.\d*|\.\d+|\d+[eE][+-]?\d+)(?![\w.])")


def has_typed_decimal(value, *, read=None) -> bool:
    """Whether a typed input holds a decimal (``0.5``, ``1e-3``): a string (numbers in any notation, brackets),
    a float, or a nested sequence of them; for a file path, ``read`` (a callable giving its text) is used."""
    import numpy as np
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, (float, np.floating)):
        return not float(value).is_integer()
    if isinstance(value, str):
        import os
        text = value
        if read is not None and not value.strip().startswith("[") and os.path.isfile(value):
            try:
                text = read(value)
            except (OSError, ValueError):
                return False
        return bool(_DECIMAL_TOKEN.search(text))
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f" and not bool(np.all(np.mod(value, 1) == 0)) or \
            value.dtype.kind in "OU" and any(has_typed_decimal(v) for v in value.flat)
    if isinstance(value, (list, tuple)):
        return any(has_typed_decimal(v) for v in value)
    if hasattr(value, "__fspath__") and read is not None:
        return has_typed_decimal(str(value), read=read)
    return False


@dataclass(frozen=True)
class Approximate(InlineMath):
    """Inline math holding decimals rounded to ``digits`` digits (a vector, a matrix): a chain sets it
    after ``≈``, not ``=``."""

    approximate = True  # a class attribute, not a field: the printers look for it
