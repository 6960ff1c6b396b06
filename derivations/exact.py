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

import ast
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import sympy as sp

__all__ = ["parse_number", "parse_root", "parse_root_list", "parse_number_list", "parse_number_array", "read_array", "parse_expression",
           "exact_string", "to_float", "is_exact", "significant"]

_NUMBER = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\Z")
_FRACTION = re.compile(r"\s*([+-]?\d+)\s*/\s*([+-]?\d+)\s*\Z")


def parse_number(text, *, what: str = "value") -> sp.Rational:
    """Read an integer, a decimal, a fraction ``p/q`` or a percentage (``75%``, ``12.5%``) exactly.

    Raises ``ValueError`` naming ``what`` for anything else (including
    ``nan``/``inf`` and a zero denominator).
    """
    if isinstance(text, bool):
        raise ValueError(f"{what}: expected a number, got {text!r}")
    if isinstance(text, (int, sp.Integer, sp.Rational)):
        return sp.Rational(text)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError(f"{what}: expected a finite number, got {text!r}")
        # a float from JSON: the decimal it was written as (repr), exactly
        return sp.Rational(Fraction(Decimal(repr(text))))
    if not isinstance(text, str):
        raise ValueError(f"{what}: expected a number, got {text!r}")
    if text.strip().endswith("%") and text.count("%") == 1:  # a percentage, as textbooks print supports
        return parse_number(text.strip()[:-1], what=what) / 100
    m = _FRACTION.match(text)
    if m:
        p, q = int(m.group(1)), int(m.group(2))
        if q == 0:
            raise ValueError(f"{what}: {text.strip()!r} has a zero denominator")
        return sp.Rational(p, q)
    if _NUMBER.match(text):
        try:
            return sp.Rational(Fraction(Decimal(text.strip())))
        except InvalidOperation:  # pragma: no cover - the regex excludes these
            pass
    raise ValueError(
        f"{what}: {text.strip()!r} is not a number; expected an integer, a decimal, a fraction such as 3/4 "
        "or a percentage such as 75%")


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
    """
    if not isinstance(text, str):
        return parse_number(text, what=what)
    symbols = symbols or {}
    functions = functions or {}
    source = text.replace("^", "**")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"{what}: cannot read {text!r} as an expression (at character {exc.offset})") from None

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            segment = ast.get_source_segment(source.strip(), node) or repr(node.value)
            return parse_number(segment, what=what)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            value = build(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul,
                   ast.Div: lambda a, b: a / b, ast.Pow: sp.Pow}
            for op_type, fn in ops.items():
                if isinstance(node.op, op_type):
                    return fn(build(node.left), build(node.right))
        if isinstance(node, ast.Name):
            if node.id in symbols:
                return symbols[node.id]
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _FUNCTIONS and len(node.args) == 1 and not node.keywords:
            return _FUNCTIONS[node.func.id](build(node.args[0]))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in functions and not node.keywords \
                and not any(isinstance(a, ast.Starred) for a in node.args):
            try:
                return functions[node.func.id](*[build(a) for a in node.args])
            except ValueError as exc:
                if str(exc).startswith(what):
                    raise
                raise ValueError(f"{what}: {exc}") from None
        snippet = ast.get_source_segment(source.strip(), node) or type(node).__name__
        allowed = "numbers, + - * / ^, parentheses, exp, log, sqrt, pi, E"
        if functions:
            allowed += ", " + ", ".join(f"{name}()" for name in sorted(functions))
        if symbols:
            allowed += ", " + ", ".join(sorted(symbols))
        raise ValueError(f"{what}: {snippet!r} is not allowed in an exact expression (allowed: {allowed})")

    return sp.sympify(build(tree))


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
