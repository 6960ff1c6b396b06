"""Reading the arrays and pairs of numbers a convolution is given.

:func:`read_array` is the project's one reader of an exact matrix or nested
array (a bracket string, a CSV file, a JSON file or a nested list), from
:mod:`workedout.derivations.exact`. :func:`exact_array` turns its nested lists into
a NumPy object array of SymPy numbers; :func:`parse_pair` reads a stride or
a padding (``S`` or ``SH,SW``).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..exact import read_array

__all__ = ["read_array", "parse_pair", "exact_array"]


def parse_pair(value, what: str, *, minimum: int) -> tuple[int, int]:
    """``S`` or ``SH,SW`` (or an int or a pair) as (rows, columns), each at least ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        items = [int(value)] * 2
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        items = list(value)
    elif isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if len(parts) not in (1, 2):
            raise ValueError(f"{what}: {value!r}; expected S or SH,SW (rows, columns)")
        items = []
        for p in parts:
            try:
                items.append(int(p))
            except ValueError:
                raise ValueError(f"{what}: {p!r} is not an integer; expected S or SH,SW") from None
        items = items * (3 - len(items))
    else:
        raise ValueError(f"{what}: {value!r}; expected S or SH,SW (rows, columns)")
    out = []
    for axis, v in zip(("rows", "columns"), items):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{what}: {v!r} is not an integer")
        if v < minimum:
            need = "positive" if minimum == 1 else f"at least {minimum}"
            raise ValueError(f"{what}: {v} for the {axis}; must be {need}")
        out.append(int(v))
    return out[0], out[1]


def exact_array(nested, what) -> np.ndarray:
    """A nested list of numbers (as :func:`read_array` returns) as an object array of SymPy Rationals."""
    arr = np.empty(_nested_shape(nested), dtype=object)
    for index in np.ndindex(arr.shape):
        v = nested
        for k in index:
            v = v[k]
        arr[index] = sp.Rational(v)
    if arr.size == 0:
        raise ValueError(f"{what}: empty array")
    return arr


def _nested_shape(nested) -> tuple:
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0]
    return tuple(shape)
