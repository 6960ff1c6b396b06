"""Exact numbers in and out: what users type, and what JSON carries.

* :func:`parse_number` reads ``2``, ``-3``, ``0.07``, ``1e-3``, ``3/4`` as
  SymPy ``Integer``/``Rational`` exactly (a decimal is the rational it spells,
  so ``0.07`` is ``7/100``, never ``0.07000000000000000666``).
* :func:`parse_expression` reads an exact expression such as
  ``1/(1 + exp(3/2))`` by walking Python's AST with a whitelist: numbers,
  ``+ - * / ** ^``, parentheses, ``exp log sqrt pi E`` and named symbols the
  caller allows. Nothing is evaluated as code.
* :func:`read_array` is the one reader of a vector, matrix or array of
  exact numbers, whatever it comes as: the bracket notation, a CSV file, a
  JSON file, or a nested sequence.
* :func:`exact_string` writes an exact value as a plain SymPy expression a
  program can read back; :func:`to_float` its float.
"""
from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import sympy as sp

from ..numerics import limits

__all__ = ["parse_number", "parse_root", "parse_root_list", "parse_number_list", "parse_number_array", "read_array", "parse_expression",
           "bounded_power", "bounded_exp", "exact_string", "to_float", "is_exact", "significant"]

_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\Z")
_FRACTION = re.compile(r"\s*([+-]?\d+)\s*/\s*([+-]?\d+)\s*\Z")


def parse_number(text, *, what: str = "value") -> sp.Rational:
    """Read an integer, a decimal, a fraction ``p/q`` or a percentage (``75%``, ``12.5%``) exactly.

    Python and NumPy numbers (``np.int64(2)``, ``np.float64(1.5)``) are read
    too, a float as the decimal it prints as. Raises ``ValueError`` naming
    ``what`` for anything else (including ``nan``/``inf`` and a zero
    denominator), and :class:`~workedout.numerics.limits.LimitError` (a
    ValueError) for a number with more digits than the limit ``digits`` or an
    exponent (``1e999999999``) beyond the limit ``exponent``: checked before
    anything is built, so no typed number can make the reading slow.
    """
    if isinstance(text, bool) or (hasattr(text, "dtype") and getattr(text, "dtype", None) == bool):
        raise ValueError(f"{what}: expected a number, got {text!r}")
    if isinstance(text, sp.Rational):
        return text
    if isinstance(text, sp.Float):  # a decimal shown as typed (derivations.shown.Shown), or any SymPy Float
        return parse_number(str(text), what=what)
    if isinstance(text, numbers.Integral):  # int, numpy integers, SymPy Integer
        value = int(text)
        if value.bit_length() > 3300:  # more than about 1000 digits: check before Python's own 4300-digit limit
            _require("digits", _digits_of(value), what=f"{what}: an integer with")
        return sp.Integer(value)
    if isinstance(text, numbers.Real) and not isinstance(text, sp.Basic):  # float, numpy floats
        text = float(text)
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError(f"{what}: expected a finite number, got {text!r}")
        # a float from JSON: the decimal it was written as (repr), exactly
        return sp.Rational(Fraction(Decimal(repr(text))))
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a number, got {_brief(text)}")
    if text.strip().endswith("%") and text.count("%") == 1:  # a percentage, as textbooks print supports
        return parse_number(text.strip()[:-1], what=what) / 100
    m = _FRACTION.match(text)
    if m:
        p, q = (_integer(m.group(g), what, text) for g in (1, 2))
        if q == 0:
            raise ValueError(f"{what}: {text.strip()!r} has a zero denominator")
        return sp.Rational(p, q)
    m = _NUMBER.match(text)
    if m:
        _require("digits", sum(c.isdigit() for c in m.group(1)), what=f"{what}: {_snippet(text)}")
        if m.group(3):
            exponent = m.group(3)[1:].lstrip("+-").lstrip("0") or "0"
            _require("exponent", int(exponent) if len(exponent) <= 30 else math.inf,
                     what=f"{what}: exponent of {_snippet(text)}")
        try:
            return sp.Rational(Fraction(Decimal(text.strip())))
        except InvalidOperation:  # pragma: no cover - the regex excludes these
            pass
    raise ValueError(
        f"{what}: {_snippet(text)} is not a number; expected an integer, a decimal, a fraction such as 3/4 "
        "or a percentage such as 75%")


def _integer(digits: str, what: str, text: str) -> int:
    """An integer from its digits, within the limit ``digits`` (and not subject to Python's 4300-digit rule)."""
    _require("digits", sum(c.isdigit() for c in digits), what=f"{what}: {_snippet(text)}")
    return int(Decimal(digits.strip()))


def _digits_of(value: int) -> int:
    return max(1, int(abs(value).bit_length() * 0.30103) + 1)


def _snippet(text, width: int = 40) -> str:
    """A typed value as a report quotes it: in quotes, shortened when long."""
    text = str(text).strip()
    return repr(text) if len(text) <= width else repr(text[:width - 12] + "..." + text[-9:]) + \
        f" ({len(text):,} characters)"


def _brief(value) -> str:
    """Any value, briefly (the start of its repr) for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:50] + "..." + f" ({type(value).__name__})"


def _require(name: str, amount, *, what: str) -> None:
    """:func:`limits.require`, with amounts beyond a float (an exponent of 10^400) named in words."""
    limit = limits.get(name)
    if limit is None or amount <= limit:
        return
    if isinstance(amount, float) and math.isinf(amount) or amount > 10 ** 30:
        unit = f" {limits.LIMITS[name].unit}" if limits.LIMITS[name].unit else ""
        raise limits.LimitError(
            f"{what}: more than 10^30{unit}, more than the limit {name} = {limit:,}{unit}; raise it with "
            f"--limit {name}=N (in Python: workedout.numerics.limits.raised({name.replace('-', '_')}=N))")
    limits.require(name, int(amount) if float(amount).is_integer() else float(amount), what=what)


def parse_root(text, *, what: str = "value") -> sp.Expr:
    """Read a number as :func:`parse_number` does, or an exact real root such as ``sqrt(2)``,
    ``3*sqrt(2)/2``, ``2^(1/3)`` (numbers, ``+ - * / ^``, parentheses and ``sqrt``).

    The value is a real algebraic number (exactly, as SymPy keeps it);
    ``pi``, ``exp`` and ``log`` are refused: they are not roots. For a
    standard deviation or a variance typed as a textbook prints it.
    """
    if isinstance(text, sp.Basic) and not isinstance(text, sp.Rational):
        value = text
    elif not isinstance(text, str) or "sqrt" not in text and "^" not in text and "**" not in text:
        return parse_number(text, what=what)
    else:
        try:
            value = parse_expression(text, what=what)
        except limits.LimitError:
            raise
        except ValueError:
            raise ValueError(f"{what}: {text.strip()!r} is not a number; expected an integer, a decimal, a "
                             "fraction such as 3/4 or an exact root such as sqrt(2)") from None
    value = sp.nsimplify(value) if isinstance(value, sp.Float) else value
    if not (value.is_number and value.is_real and value.is_algebraic) or value.has(sp.exp, sp.log):
        raise ValueError(f"{what}: {str(text).strip()!r} is not a real root; expected an integer, a decimal, a "
                         "fraction such as 3/4 or an exact root such as sqrt(2)")
    return value


def parse_root_list(text: str, *, what: str = "values", sep: str = ",") -> list:
    """Read ``"1/2, sqrt(2), 3"`` as a list of exact real numbers (:func:`parse_root`); errors name the item."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{what}: expected a comma-separated list of numbers, got {text!r}")
    return [parse_root(item, what=f"{what} item {i + 1}") for i, item in enumerate(text.split(sep))]


def parse_number_list(text: str, *, what: str = "values", sep: str = ",") -> list[sp.Rational]:
    """Read ``"1/2, 0.25, 3"`` as a list of exact numbers; errors name the item."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{what}: expected a comma-separated list of numbers, got {text!r}")
    items = text.split(sep)
    return [parse_number(item, what=f"{what} item {i + 1}") for i, item in enumerate(items)]


def parse_number_array(text, *, what: str = "values", depth: int | None = None) -> list:
    """Read a nested list of exact numbers written by hand: ``[[1, 1/2], [0.25, -3]]``.

    Brackets, commas and numbers (each read by :func:`parse_number`); nothing
    is evaluated. A bare number (no brackets) is returned as a number. Rows
    of a level must have equal lengths. ``depth``, when given, is the number
    of bracket levels required (1 for a vector, 2 for a matrix, ...). Errors
    name ``what`` and the position, e.g. ``--means item [2][1]``.
    """
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a bracketed list such as [[1, 2], [3, 4]], got {text!r}")
    tokens = re.findall(r"\[|\]|,|[^\[\],]+", text)
    tokens = [t for t in tokens if t.strip()]
    pos = 0

    def item(path: str):
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"{what}: ended early; expected a number or '[' after {path or 'the start'}")
        tok = tokens[pos]
        if tok == "[":
            pos += 1
            out = []
            if pos < len(tokens) and tokens[pos] == "]":
                raise ValueError(f"{what}: empty list at {path or 'the top'}")
            while True:
                out.append(item(f"{path}[{len(out) + 1}]"))
                if pos >= len(tokens):
                    raise ValueError(f"{what}: missing ']' after {path}[{len(out)}]")
                if tokens[pos] == "]":
                    pos += 1
                    return out
                if tokens[pos] != ",":
                    raise ValueError(f"{what}: expected ',' or ']' after {path}[{len(out)}], got {tokens[pos]!r}")
                pos += 1
        if tok in ",]":
            raise ValueError(f"{what}: expected a number at {path or 'the start'}, got {tok!r}")
        pos += 1
        return parse_number(tok, what=f"{what} item {path}" if path else what)

    value = item("")
    if pos != len(tokens):
        raise ValueError(f"{what}: unexpected {tokens[pos]!r} after the closing ']'")

    def shape(v, path: str) -> tuple:
        if not isinstance(v, list):
            return ()
        shapes = [shape(x, f"{path}[{i + 1}]") for i, x in enumerate(v)]
        for i, sh in enumerate(shapes[1:], start=2):
            if sh != shapes[0]:
                raise ValueError(f"{what}: item {path}[{i}] is {_shape_text(sh)} but item "
                                 f"{path}[1] is {_shape_text(shapes[0])}; the rows must match")
        return (len(v),) + shapes[0]

    levels = len(shape(value, ""))
    if depth is not None and levels != depth:
        expected = {0: "a number", 1: "a list [a, b, ...]", 2: "a matrix [[a, b], [c, d]]"}.get(
            depth, f"{depth} levels of brackets")
        raise ValueError(f"{what}: expected {expected}, got {levels} level(s) of brackets")
    return value


_ARRAY_NAMES = {1: "a vector", 2: "a matrix", 3: "a 3-D array (channels, rows, columns)",
                4: "a 4-D array (out channels, in channels, rows, columns)"}


def read_array(value, what: str, *, depth: tuple[int, ...] = (2,), header: bool | str = False) -> list:
    """A nested list of exact numbers from the bracket notation, a CSV or JSON file, or a nested sequence.

    Parameters
    ----------
    value : str, path or nested sequence
        ``"[[1,2],[3,4]]"`` (brackets, commas, integers, decimals, fractions
        ``3/4``: :func:`parse_number_array`), a path ending in ``.csv`` (one
        matrix, read by :func:`workedout.numerics.io.read_csv`) or ``.json``
        (nested lists), or a nested list, tuple or array of numbers.
    what : str
        The parameter's name for errors (``input``, ``data``).
    depth : tuple of int
        The accepted numbers of dimensions (levels of brackets).
    header : True, False or "auto"
        A CSV file's first row holds column names (``"auto"``: when one of its
        cells is not a number); a cell that is not a number is named by its
        row, column and column name.

    Returns
    -------
    nested list of sympy.Rational
    """
    import os
    from pathlib import Path
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        text = _bracketed(value.tolist() if hasattr(value, "tolist") else value)
    elif isinstance(value, str) and value.strip().startswith("["):
        text = value
    elif isinstance(value, (str, os.PathLike)):
        path = Path(value)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValueError(f"{what}: {str(value)!r} is neither a bracketed array such as [[1,2],[3,4]] "
                             f"nor a .csv or .json file")
        if not path.is_file():
            raise ValueError(f"{what}: file {str(path)!r} does not exist")
        if suffix == ".csv":
            return _read_csv_array(path, what, depth, header)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{what}: cannot read {str(path)!r}: {exc}") from None
    else:
        raise ValueError(f"{what}: expected a bracketed array such as [[1,2],[3,4]], got {value!r}")
    array = parse_number_array(text, what=what)
    levels = _nesting_depth(array)
    if levels not in depth:
        raise ValueError(f"{what}: expected {' or '.join(_ARRAY_NAMES[d] for d in depth)}, got {levels} level(s) "
                         f"of brackets")
    return array


def _bracketed(value) -> str:
    """A nested sequence written in the bracket notation (each number as its exact string)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_bracketed(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value).replace(",", " ").replace("[", " ").replace("]", " ") or "''"


def _read_csv_array(path, what: str, depth, header) -> list:
    if 2 not in depth:
        raise ValueError(f"{what}: a CSV file holds one matrix; give a JSON file for {depth[0]}-D arrays")
    from ..numerics.io import read_csv
    try:
        table = read_csv(path, header=header)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    except OSError as exc:
        raise ValueError(f"{what}: cannot read {str(path)!r}: {exc.strerror}") from None
    names = table.header
    rows = []
    for cells, line in zip(table.rows, table.row_numbers):
        row = []
        for c, cell in enumerate(cells):
            try:
                row.append(parse_number(cell, what=what))
            except ValueError:
                col = f"column {c + 1}" + (f" ({names[c]})" if names else "")
                raise ValueError(f"{what}: {path.name}: row {line}, {col}: {cell!r} is not a number; expected "
                                 "an integer, a decimal or a fraction such as 3/4") from None
        rows.append(row)
    return rows


def _nesting_depth(a) -> int:
    d = 0
    while isinstance(a, list):
        d, a = d + 1, a[0]
    return d


def _shape_text(shape: tuple) -> str:
    return "a number" if not shape else "length " + " x ".join(str(n) for n in shape)


_FUNCTIONS = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt}
_CONSTANTS = {"pi": sp.pi, "E": sp.E, "e": sp.E}


def parse_expression(text: str, *, what: str = "expression", symbols: dict | None = None,
                     functions: dict | None = None) -> sp.Expr:
    """Read an exact expression safely (no code is evaluated).

    Allowed: numbers (integers and decimals, read exactly), ``+ - * / **``
    (``^`` is read as power), parentheses, the functions ``exp log ln sqrt``,
    the constants ``pi E``, and the names in ``symbols``.

    ``functions`` (optional) maps further function names to callables that
    receive the already-built SymPy arguments (positional only) and return a
    SymPy object; they may raise ``ValueError`` for a wrong number of
    arguments (the message is prefixed with ``what``).

    The reading is bounded before anything big is built: the text by the limit
    ``answer-size`` (characters), each number by ``digits`` and ``exponent``
    (as :func:`parse_number`), brackets, signs and powers by ``nesting``, and
    every power by ``exponent``, counting powers of powers (``(10^1000)^1000``
    raises 10 to the 10^6) and ``exp(a)`` as a power of e. A refusal is a
    :class:`~workedout.numerics.limits.LimitError` (a ValueError) that names
    the limit and the flag that raises it.
    """
    if not isinstance(text, str):
        return parse_number(text, what=what)
    try:
        return _Reader(text, what, symbols or {}, functions or {}).read()
    except RecursionError:  # only when the limit nesting was lifted far beyond Python's stack
        raise limits.LimitError(f"{what}: {_snippet(text)} is nested too deep to read") from None


_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[^\W\d]\w*)"
                    r"|(?P<op>\*\*|[-+*/^(),]))")


class _Reader:
    """A recursive-descent reader of the expression syntax; each value is built with its *weight*.

    The weight of a value is how many times over a power multiplies the size
    of the numbers in it (1 for a number or a name; ``w(b) * |e|`` for
    ``b^e`` with a numeric ``e``; the largest of its parts otherwise). The
    limit ``exponent`` bounds it, so that ``9^9^9^9``, ``2^2^40`` and
    ``((10^1000)^1000)^1000`` are refused before SymPy computes them.
    """

    def __init__(self, text: str, what: str, symbols: dict, functions: dict):
        limits.require("answer-size", len(text), what=f"{what}: an expression of")
        self.text, self.what, self.symbols, self.functions = text, what, symbols, functions
        self.nesting = limits.get("nesting")
        self.tokens = []  # (kind, text, start)
        pos, end = 0, len(text.rstrip())
        while pos < end:
            m = _TOKEN.match(text, pos)
            if m is None:
                start = len(text) - len(text[pos:].lstrip())
                self.fail(start, f"{text[start]!r} is not part of an exact expression")
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.tokens.append(("end", "", end))
        self.i = 0

    # ---------------------------------------------------------------- helpers
    def fail(self, start: int, why: str = ""):
        text = repr(self.text) if len(self.text) <= 60 else _snippet(self.text)
        raise ValueError(f"{self.what}: cannot read {text} as an expression (at character {start + 1}"
                         + (f": {why})" if why else ")"))

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def deeper(self, depth: int, start: int) -> int:
        if self.nesting is not None and depth > self.nesting:
            limits.require("nesting", depth, what=f"{self.what}: brackets, signs and powers nested at character "
                                                  f"{start + 1}")
        return depth

    def source(self, start: int) -> str:
        """The text from ``start`` to the token last read (quoted, shortened when long)."""
        stop = self.tokens[self.i - 1][2] + len(self.tokens[self.i - 1][1]) if self.i else start
        return _snippet(self.text[start:stop])

    def not_allowed(self, snippet: str):
        allowed = "numbers, + - * / ^, parentheses, exp, log, sqrt, pi, E"
        if self.functions:
            allowed += ", " + ", ".join(f"{name}()" for name in sorted(self.functions))
        if self.symbols:
            allowed += ", " + ", ".join(sorted(self.symbols))
        raise ValueError(f"{self.what}: {snippet} is not allowed in an exact expression (allowed: {allowed})")

    # ---------------------------------------------------------------- grammar
    def read(self) -> sp.Expr:
        if self.peek()[0] == "end":
            self.fail(0, "it is empty")
        value, _ = self.sum(0)
        kind, tok, start = self.peek()
        if kind != "end":
            self.fail(start, f"unexpected {tok!r}")
        return sp.sympify(value)

    def sum(self, depth: int):
        """term (('+' | '-') term)*, built flat: a long sum is not a deep one."""
        value, weight = self.product(depth)
        terms = [value]
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            sign = self.take()[1]
            term, w = self.product(depth)
            terms.append(-term if sign == "-" else term)
            weight = max(weight, w)
        return (sp.Add(*terms) if len(terms) > 1 else value), weight

    def product(self, depth: int):
        value, weight = self.unary(depth)
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            factor, w = self.unary(depth)
            value = value * factor if op == "*" else value / factor
            weight = max(weight, w)
        return value, weight

    def unary(self, depth: int):
        signs = 0
        start = self.peek()[2]
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            signs += self.take()[1] == "-"
            depth = self.deeper(depth + 1, start)
        value, weight = self.power(depth)
        return (-value if signs % 2 else value), weight

    def power(self, depth: int):
        start = self.peek()[2]
        base, weight = self.atom(depth)
        if self.peek()[0] == "op" and self.peek()[1] in ("**", "^"):
            self.take()
            exponent, w_exp = self.unary(self.deeper(depth + 1, start))
            weight = self.power_weight(weight, exponent, w_exp, start)
            return sp.Pow(base, exponent), weight
        return base, weight

    def power_weight(self, w_base, exponent, w_exp, start: int):
        """The weight of ``base^exponent``, refused beyond the limit ``exponent`` before it is built."""
        if not exponent.is_number:
            return max(w_base, w_exp)  # a symbol's power: the topic bounds it when it evaluates
        size = _magnitude(exponent)
        weight = max(w_exp, w_base * max(1.0, size))
        _require("exponent", weight, what=f"{self.what}: the power {self.source(start)} (counting powers of "
                                          f"powers) raises to" if weight > size else
                 f"{self.what}: exponent of {self.source(start)}")
        return weight

    def atom(self, depth: int):
        kind, tok, start = self.take()
        if kind == "num":
            return parse_number(tok, what=self.what), 1.0
        if kind == "op" and tok == "(":
            value, weight = self.sum(self.deeper(depth + 1, start))
            self.expect(")", start)
            return value, weight
        if kind == "name":
            if self.peek()[1] == "(" and self.peek()[0] == "op":
                return self.call(tok, start, depth)
            if tok in self.symbols:
                return self.symbols[tok], 1.0
            if tok in _CONSTANTS:
                return _CONSTANTS[tok], 1.0
            self.not_allowed(repr(tok))
        if kind == "end":
            self.fail(start, "it ends early")
        self.fail(start, f"unexpected {tok!r}")

    def expect(self, op: str, opened: int):
        kind, tok, start = self.take()
        if tok != op or kind != "op":
            self.fail(start, f"expected {op!r} to close the bracket at character {opened + 1}"
                             + (f", got {tok!r}" if kind != "end" else ""))

    def call(self, name: str, start: int, depth: int):
        if name not in _FUNCTIONS and name not in self.functions:
            self.not_allowed(repr(name + "(...)"))
        self.take()  # "("
        depth = self.deeper(depth + 1, start)
        args, weight = [], 1.0
        if not (self.peek()[0] == "op" and self.peek()[1] == ")"):
            while True:
                value, w = self.sum(depth)
                args.append(value)
                weight = max(weight, w)
                if self.peek()[0] == "op" and self.peek()[1] == ",":
                    self.take()
                    continue
                break
        self.expect(")", start)
        if name in _FUNCTIONS:
            if len(args) != 1:
                self.not_allowed(self.source(start))
            if name == "exp" and args[0].is_number:  # e^a: a power of e, bounded like one
                weight = self.power_weight(1.0, args[0], weight, start)
            return _FUNCTIONS[name](args[0]), weight
        try:
            return self.functions[name](*args), weight
        except ValueError as exc:
            if str(exc).startswith(self.what):
                raise
            raise ValueError(f"{self.what}: {exc}") from None


def bounded_power(base, exponent, *, what: str = "expression"):
    """``base ** exponent``, refused before it is computed when it would be too big to build.

    For code that evaluates a parsed expression on numbers (a derived update
    checked on test data), where the exponent was a symbol when it was read:
    ``|exponent|`` must be within the limit ``exponent``, and the result of a
    rational base within ``digits`` x ``exponent`` digits.
    """
    exponent = sp.sympify(exponent)
    if exponent.is_number:
        size = _magnitude(exponent)
        _require("exponent", size, what=f"{what}: exponent {_snippet(sp.sstr(exponent), 30)}")
        base = sp.sympify(base)
        if base.is_Rational and base not in (0, 1, -1):
            digits = _digits_of(max(abs(int(base.p)), int(base.q)))
            allowed = (limits.get("digits") or math.inf) * (limits.get("exponent") or math.inf)
            if digits * size > allowed:
                raise limits.LimitError(
                    f"{what}: a {digits:,}-digit number to the power {_snippet(sp.sstr(exponent), 30)} would have "
                    f"about {int(digits * size):,} digits, more than the limits digits x exponent allow "
                    f"({allowed:,}); raise them with --limit exponent=N")
    return base ** exponent


def bounded_exp(argument, *, what: str = "expression"):
    """``exp(argument)``, refused when a numeric argument is beyond the limit ``exponent`` (see
    :func:`bounded_power`): ``exp(exp(148))`` cannot be evaluated to a useful precision."""
    argument = sp.sympify(argument)
    if argument.is_number:
        _require("exponent", _magnitude(argument), what=f"{what}: exp of {_snippet(sp.sstr(argument), 30)}")
    return sp.exp(argument)


def _magnitude(value) -> float:
    """``|value|`` of a number as a float (``inf`` beyond a float, or when it cannot be evaluated)."""
    try:
        if value.is_Rational:
            p, q = abs(int(value.p)), int(value.q)
            if p.bit_length() - q.bit_length() > 1000:
                return math.inf
            return float(Fraction(p, q))
        return float(abs(sp.N(value, 15)))
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return math.inf


def is_exact(value) -> bool:
    """True for SymPy numbers and expressions (what `exact` strings are for)."""
    return isinstance(value, sp.Basic)


def exact_string(value) -> str:
    """A plain SymPy expression string (``3/4``, ``1/(1 + exp(3/2))``), never LaTeX."""
    return sp.sstr(sp.sympify(value), order="none")


def to_float(value) -> float:
    """The float nearest the exact value (evaluated with guard digits)."""
    return float(sp.N(sp.sympify(value), 30))


def significant(value, digits: int = 6) -> str:
    """The value to ``digits`` significant digits, as a plain decimal string."""
    x = to_float(value)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"
