"""One result protocol for every topic.

A :class:`Result` holds a title, the givens, an ordered list of
:class:`Step` (grouped under :class:`Section` headings where a derivation is
long), and its final answer as plain data. A step holds a *statement* (one of
the statement types below), a *justification* in words, and a :class:`Check`
saying how a program verified it (or ``None``: not machine-checked).

Statement types (each printed by one ``_print_<Type>`` method per printer):

* :class:`Display` -- one SymPy object (an expression, an ``Eq``, a matrix);
* :class:`Chain`   -- ``lhs = a = b = ...``, a hand calculation line by line;
* :class:`Table`   -- a header and rows of cells;
* :class:`Prose`   -- words only;
* :class:`Grid`    -- a labelled grid of values with arrows and highlighted
  cells (a dynamic-programming table), in one or more panels side by side.

Words (justifications, prose, captions) are sequences of parts: plain
strings (user text allowed: always escaped), SymPy objects (inline maths),
:class:`InlineMath` (the project's own LaTeX with a plain-text twin) and
:class:`Ref` (a reference to a labelled step's equation number).

Printing lives in :mod:`derivations.printers`; comparing a student's answer
in :meth:`Result.check`.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import sympy as sp

from .exact import exact_string, parse_expression, parse_number, to_float
from .markup import Tex

__all__ = [
    "InlineMath", "Ref", "Display", "Chain", "Table", "Prose", "Check", "CheckFailed",
    "checked", "Step", "Section", "Given", "Result", "Discrepancy", "CheckReport",
    "words", "load_answer", "METADATA_KEYS", "Unordered", "Grid", "GridCell",
]


# --------------------------------------------------------------------- words
@dataclass(frozen=True)
class InlineMath:
    """The project's own inline LaTeX with its plain-text twin."""

    tex: Tex
    text: str


@dataclass(frozen=True)
class Ref:
    """A reference to the equation of the step labelled ``label``."""

    label: str


def words(*parts) -> tuple:
    """Build a justification: ``words("differentiate w.r.t. ", mu_k)``."""
    for p in parts:
        if not isinstance(p, (str, sp.Basic, InlineMath, Ref, int)):
            raise TypeError(f"words: unsupported part {p!r}")
    return tuple(parts)


def _as_words(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    return (value,)


# ---------------------------------------------------------------- statements
@dataclass
class Display:
    """One displayed SymPy object (or the project's LaTeX with a text twin)."""

    expr: Any


@dataclass
class Chain:
    """``lhs rel rhs[0] rel rhs[1] ...``: a calculation, one line per link.

    ``reasons`` (optional) holds one justification per link (words, or
    ``None`` for none), printed beside its line: ``&& \\text{...}`` in LaTeX
    and Markdown, a trailing ``# ...`` comment in text. ``rel`` may also be
    ``\\iff`` or ``\\implies`` for a chain of equivalent equations.
    """

    lhs: Any
    rhs: list
    rel: str = "="
    reasons: list | None = None

    def __post_init__(self):
        if self.rel not in ("=", "\\approx", "<", ">", "\\le", "\\ge", "\\propto", "\\iff", "\\implies"):
            raise ValueError(f"Chain: unsupported relation {self.rel!r}")
        if not isinstance(self.rhs, list):
            self.rhs = [self.rhs]
        if self.reasons is not None:
            if len(self.reasons) != len(self.rhs):
                raise ValueError(f"Chain: {len(self.reasons)} reasons for {len(self.rhs)} links")
            self.reasons = [_as_words(r) for r in self.reasons]
            for r in self.reasons:
                words(*r)  # validates the parts


@dataclass
class Table:
    """A table: header cells and rows of cells (str is user text, escaped)."""

    header: list
    rows: list
    caption: tuple = ()
    align: str | None = None  # LaTeX column spec, default: all centred

    def __post_init__(self):
        self.caption = _as_words(self.caption)
        for i, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise ValueError(f"Table: row {i + 1} has {len(row)} cells, header has {len(self.header)}")


@dataclass
class Prose:
    """A paragraph of words."""

    parts: tuple

    def __post_init__(self):
        self.parts = _as_words(self.parts)


GRID_DIRECTIONS = ("diag", "up", "left", "start")


@dataclass
class GridCell:
    """One cell of a :class:`Grid`.

    ``value`` is a number (SymPy or int; ``-oo`` prints as minus infinity),
    a str (user text) or None (an empty cell). ``arrows`` holds
    ``(direction, tag, highlight)`` triples (a bare direction or a pair is
    completed with ``""`` and ``False``), each pointing at the neighbour the
    value came from: ``"diag"`` (above-left), ``"up"``, ``"left"``, or
    ``"start"`` (no neighbour: a path may start here); ``tag`` is a short
    label of where in that neighbour (a matrix name such as ``"M"``), or
    ``""``; a highlighted arrow lies on the highlighted path (bold in LaTeX
    and Markdown, a double arrow in text). ``highlight`` marks the cell:
    boxed in LaTeX and Markdown, in brackets in text.
    """

    value: Any = None
    arrows: tuple = ()
    highlight: bool = False

    def __post_init__(self):
        arrows = []
        for a in self.arrows:
            a = (a,) if isinstance(a, str) else tuple(a)
            if not 1 <= len(a) <= 3:
                raise ValueError(f"GridCell: an arrow is (direction, tag, highlight), got {a!r}")
            direction, tag, on = a + ("", False)[len(a) - 1:]
            if direction not in GRID_DIRECTIONS:
                raise ValueError(f"GridCell: unknown arrow direction {direction!r}; expected one of {GRID_DIRECTIONS}")
            if not isinstance(tag, str):
                raise ValueError(f"GridCell: arrow tag must be a str, got {tag!r}")
            arrows.append((direction, tag, bool(on)))
        self.arrows = tuple(arrows)


@dataclass
class Grid:
    """A grid of cells with row and column labels: a dynamic-programming table.

    ``panels`` is a list of ``(title, rows)``: several grids with the same
    labels shown side by side (Gotoh's M, X and Y), each ``rows`` a list of
    rows of :class:`GridCell` (a bare value becomes a cell). Labels and
    titles are str (user text, escaped) or :class:`InlineMath`. With
    ``numbered`` the rows and columns are also numbered, from ``row_start``
    and ``col_start`` (a block of a larger grid), so a cell is found by its
    indices. Printed as a LaTeX tabular, a Markdown table (or a math-mode
    ``array``: ``MarkdownPrinter(grid="array")``), aligned text.
    """

    row_labels: list
    col_labels: list
    panels: list
    caption: tuple = ()
    numbered: bool = True
    row_start: int = 0
    col_start: int = 0

    def __post_init__(self):
        self.caption = _as_words(self.caption)
        panels = []
        for title, rows in self.panels:
            if len(rows) != len(self.row_labels):
                raise ValueError(f"Grid: panel {title!r} has {len(rows)} rows for {len(self.row_labels)} labels")
            fixed = []
            for i, row in enumerate(rows):
                if len(row) != len(self.col_labels):
                    raise ValueError(f"Grid: panel {title!r}, row {i} has {len(row)} cells for "
                                     f"{len(self.col_labels)} column labels")
                fixed.append([c if isinstance(c, GridCell) else GridCell(c) for c in row])
            panels.append((title, fixed))
        self.panels = panels


# -------------------------------------------------------------------- checks
class CheckFailed(AssertionError):
    """A machine check of a step did not hold: a bug, never a user error."""


@dataclass(frozen=True)
class Check:
    """How a program verified a step (built only by :func:`checked`)."""

    how: str


def checked(how: str, ok) -> Check:
    """Record that the check described by ``how`` ran and held.

    ``ok`` is the check's outcome: a bool, or a SymPy relation that must
    evaluate to true. An undecided relation counts as a failure, and a
    failed check raises :class:`CheckFailed` (a bug, never shown as checked).
    """
    try:
        good = bool(ok)
    except TypeError:  # an undecided SymPy relation
        good = False
    if not good:
        raise CheckFailed(f"check failed: {how}")
    return Check(how)


# ---------------------------------------------------------------- structure
@dataclass
class Step:
    statement: Any
    why: tuple = ()
    check: Check | None = None
    label: str | None = None

    def __post_init__(self):
        self.why = _as_words(self.why)
        if not isinstance(self.statement, (Display, Chain, Table, Prose, Grid)):
            self.statement = Display(self.statement)


@dataclass
class Section:
    """A heading inside a result, with optional introductory words."""

    title: str
    intro: tuple = ()

    def __post_init__(self):
        self.intro = _as_words(self.intro)


@dataclass
class Given:
    """One given quantity: its symbol (or a name) and its value."""

    name: Any
    value: Any
    description: str = ""


METADATA_KEYS = ("schema", "kind", "title", "givens", "steps", "notes")


@dataclass(frozen=True)
class Unordered:
    """How :meth:`Result.check` compares one list of the answer: as a collection.

    Entries are matched by ``key`` instead of by position, so a student may
    list them in any order; a missing entry, an unexpected one and one given
    twice are each reported, and matched entries are compared as usual.
    ``key`` receives an entry (the expected one, or the student's as read from
    JSON) and returns its identity (lists in it are made hashable); ``None``
    means the entry itself (a list of scalars compared as a set). A key that
    fails on a student's entry reports that entry as unreadable. ``what``
    names an entry in the report (``"itemset"``, ``"rule"``). With
    ``complete=False`` the student may give any subset of the entries (as
    with an object's keys): only the given ones are compared, and expected
    entries left out are not reported as missing.

    A :class:`Result` maps answer locations to these in ``unordered``, with
    ``[*]`` for any index: ``{"levels[*].frequent": Unordered(key)}``.
    """

    key: Callable | None = None
    what: str = "entry"
    complete: bool = True


@dataclass
class Result:
    """A worked or derived result; see the module docstring.

    Attributes
    ----------
    kind : str
        Dotted topic name, e.g. ``"gmm.estep"``.
    title : str
        Title (plain text; escaped wherever it is printed).
    givens : list of Given
    steps : list of Step or Section
    answer : dict
        The final answer as plain data (SymPy exact values, ints, strings,
        lists and dicts of those). Its keys are the top-level JSON keys.
    sources : dict
        Answer location (``"responsibilities"`` or ``"responsibilities[0]"``)
        to the label of the step that produces it; the longest prefix wins.
    notes : list of str
        Plain remarks printed after the steps (e.g. "table omitted: too large").
    unordered : dict of str to Unordered
        Lists of the answer compared as collections by :meth:`check` (entries
        matched by key, in any order); keys are locations with ``[*]`` for
        any index.
    normalize : callable, optional
        Rewrites a student's answer (a dict) into this result's notation
        before :meth:`check` compares it (``<(ba)>`` written as ``<(ab)>``).
    """

    kind: str
    title: str
    givens: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    answer: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    intro: tuple = ()
    unordered: dict = field(default_factory=dict)
    normalize: Callable | None = None

    def __post_init__(self):
        self.intro = _as_words(self.intro)
        for key in self.answer:
            if key in METADATA_KEYS or key == "exact":
                raise ValueError(f"Result: answer key {key!r} is reserved")
        labels = [s.label for s in self.steps if isinstance(s, Step) and s.label]
        if len(labels) != len(set(labels)):
            raise ValueError(f"Result: duplicate step labels in {labels}")

    # --- numbering ---------------------------------------------------------
    def numbered_steps(self) -> list[tuple[int, Step]]:
        out, n = [], 0
        for item in self.steps:
            if isinstance(item, Step):
                n += 1
                out.append((n, item))
        return out

    def step_number(self, label: str) -> int:
        for n, step in self.numbered_steps():
            if step.label == label:
                return n
        raise KeyError(f"no step labelled {label!r}")

    def source_step(self, location: str) -> tuple[int, Step] | None:
        best = None
        for prefix, label in self.sources.items():
            if location == prefix or location.startswith(prefix + "[") or location.startswith(prefix + "."):
                if best is None or len(prefix) > len(best[0]):
                    best = (prefix, label)
        if best is None:
            return None
        n = self.step_number(best[1])
        return n, dict(self.numbered_steps())[n]

    # --- rendering ---------------------------------------------------------
    def render(self, fmt: str) -> str | bytes:
        """Render as ``text``, ``tex``, ``tex-document``, ``md``, ``json`` or ``pdf`` (bytes)."""
        from . import printers
        return printers.render(self, fmt)

    def to_text(self) -> str:
        return self.render("text")

    def to_latex(self) -> str:
        return self.render("tex")

    def to_latex_document(self) -> str:
        return self.render("tex-document")

    def to_markdown(self) -> str:
        return self.render("md")

    def to_json(self) -> str:
        return self.render("json")

    def to_pdf(self) -> bytes:
        return self.render("pdf")

    def to_dict(self) -> dict:
        """The JSON object: metadata, the answer keys at top level, and ``exact``."""
        from .printers import json_object
        return json_object(self)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .printers import MarkdownPrinter
        md = MarkdownPrinter(grid="array").doprint(self)  # grids as math-mode arrays in notebooks
        return {"text/plain": self.to_text(), "text/markdown": md, "text/latex": md}

    # --- checking ----------------------------------------------------------
    def explain(self, location: str) -> str:
        """How the expected value at an answer location is produced, for a report.

        A hook for topics whose answer holds many computed values (a DP table:
        ``"table[3][4]"`` -> the candidates and their maximum); :meth:`check`
        adds it to each discrepancy beside the producing step. Default: ``""``.
        """
        return ""

    def check(self, answer) -> "CheckReport":
        """Compare a student's answer with this result, part by part.

        Parameters
        ----------
        answer : dict, str or path
            Any subset of the keys of this result's JSON output (a dict, a
            JSON string, or a path to a JSON file). Values may be numbers,
            fractions (``"3/4"``), decimals or exact expressions
            (``"1/(1 + exp(3/2))"``); ``exact`` may hold exact forms.

        Returns
        -------
        CheckReport
            Renders like any result; ``report.ok`` is True when nothing differs.
        """
        given = load_answer(answer)
        if self.normalize is not None:
            given = self.normalize(given)
        comparer = _Comparer(self)
        for key, value in given.items():
            if key in METADATA_KEYS:
                continue
            if key == "exact":
                if not isinstance(value, dict):
                    comparer.differ("exact", "an object of exact values", value, "not an object")
                    continue
                for k, v in value.items():
                    if k not in self.answer:
                        comparer.differ(f"exact.{k}", "(no such key)", v, f"unknown key; known: {', '.join(self.answer)}")
                    else:
                        comparer.compare(k, self.answer[k], v, exact=True, prefix="exact.")
                continue
            if key not in self.answer:
                comparer.differ(key, "(no such key)", value, f"unknown key; known: {', '.join(self.answer)}")
                continue
            comparer.compare(key, self.answer[key], value)
        return CheckReport.build(self, comparer.found, comparer.n_compared)


# ------------------------------------------------------------------ checking
def load_answer(answer) -> dict:
    """A student's answer as a dict: from a dict, a JSON string or a JSON file."""
    if isinstance(answer, dict):
        return answer
    if isinstance(answer, (str, os.PathLike)):
        text = str(answer)
        if isinstance(answer, os.PathLike) or not text.lstrip().startswith("{"):
            path = Path(answer)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"--check: cannot read {str(path)!r}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"--check: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError("--check: the answer must be a JSON object whose keys are the command's JSON keys")
        return data
    raise TypeError(f"answer: expected a dict, a JSON string or a path, got {type(answer).__name__}")


@dataclass
class Discrepancy:
    location: str
    expected: str
    given: str
    reason: str
    step: int | None = None
    step_why: str = ""
    explanation: str = ""


def _show_expected(value) -> str:
    if isinstance(value, sp.Integer):
        return str(int(value))
    if isinstance(value, sp.Basic):
        s = exact_string(value)
        f = to_float(value)
        return s if s == repr(f) else f"{s} ≈ {f:.6g}"
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _show_given(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _significant_digits(text: str) -> int:
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


class _Comparer:
    """Walks expected and given values in parallel and records discrepancies."""

    MIN_DIGITS = 3

    def __init__(self, result: Result):
        self.result = result
        self.found: list[Discrepancy] = []
        self.n_compared = 0

    def differ(self, location, expected, given, reason):
        src = self.result.source_step(location.removeprefix("exact."))
        step, why = (src[0], _words_text(src[1].why, self.result)) if src else (None, "")
        explanation = self.result.explain(location.removeprefix("exact.")) or ""
        self.found.append(Discrepancy(location, _show_expected(expected), _show_given(given), reason, step, why,
                                      explanation))

    def compare(self, location, expected, given, *, exact=False, prefix=""):
        loc = prefix + location
        if hasattr(expected, "tolist") and not isinstance(expected, sp.Basic):  # numpy arrays, scalars
            expected = expected.tolist()
        spec = self.result.unordered.get(re.sub(r"\[\d+\]", "[*]", location)) if self.result.unordered else None
        if spec is not None and isinstance(expected, (list, tuple)) and isinstance(given, (list, tuple)):
            return self._compare_unordered(location, expected, given, spec, exact=exact, prefix=prefix)
        if isinstance(expected, dict):
            if not isinstance(given, dict):
                return self.differ(loc, expected, given, "expected an object")
            for k, v in given.items():
                if k not in expected:
                    self.differ(f"{loc}.{k}", "(no such key)", v, f"unknown key; known: {', '.join(expected)}")
                else:
                    self.compare(f"{location}.{k}", expected[k], v, exact=exact, prefix=prefix)
            return
        if isinstance(expected, (list, tuple)):
            if not isinstance(given, (list, tuple)):
                return self.differ(loc, expected, given, "expected a list")
            if len(given) != len(expected):
                self.differ(loc, f"{len(expected)} entries", f"{len(given)} entries", "wrong number of entries")
            for i, (e, g) in enumerate(zip(expected, given)):
                self.compare(f"{location}[{i}]", e, g, exact=exact, prefix=prefix)
            return
        self.n_compared += 1
        reason = self._scalar_reason(expected, given, exact)
        if reason:
            self.differ(loc, expected, given, reason)

    def _compare_unordered(self, location, expected, given, spec: "Unordered", *, exact, prefix):
        """Match entries by ``spec.key``; report missing, unexpected and repeated ones."""
        loc = prefix + location
        key = spec.key or (lambda entry: entry)
        index: dict = {}
        for i, e in enumerate(expected):
            index.setdefault(_hashable(key(e)), i)
        seen: dict = {}
        for j, g in enumerate(given):
            try:
                k = _hashable(key(g))
                hash(k)
            except Exception:  # noqa: BLE001 - any malformed student entry
                self.differ(f"{loc}[given {j + 1}]", f"a {spec.what}", g, f"cannot read this {spec.what}")
                continue
            if k in seen:
                self.differ(f"{loc}[given {j + 1}]", "(once)", g, f"{spec.what} given twice")
                continue
            seen[k] = j
            if k not in index:
                self.differ(f"{loc}[given {j + 1}]", f"(no such {spec.what})", g,
                            f"unexpected {spec.what}: not in the expected list")
                continue
            i = index[k]
            self.compare(f"{location}[{i}]", expected[i], g, exact=exact, prefix=prefix)
        if spec.complete:
            for k, i in index.items():
                if k not in seen:
                    self.differ(f"{loc}[{i}]", _entry_text(expected[i]), "(missing)", f"missing {spec.what}")

    def _scalar_reason(self, expected, given, exact) -> str | None:
        if isinstance(expected, bool) or isinstance(expected, str) or expected is None:
            return None if given == expected else "differs"
        if (isinstance(expected, sp.Basic) and expected.is_infinite) or (
                isinstance(expected, float) and math.isinf(expected)):
            negative = bool(expected < 0)
            return None if _is_infinity(given, negative) else \
                "differs (expected infinity: null as JSON writes it, or \"oo\" or \"inf\")"
        if isinstance(given, bool) or given is None:
            return "expected a number"
        # numbers: expected is exact (SymPy), an int, or a float from numerics
        if isinstance(given, str):
            text = given.strip()
            try:
                value = parse_number(text, what="answer")
                is_decimal = "." in text or "e" in text.lower()
            except ValueError:
                try:
                    value = parse_expression(text, what="answer")
                except ValueError as exc:
                    return f"cannot read the given value: {exc}"
                is_decimal = False
        elif isinstance(given, (int, float)):
            value = parse_number(given, what="answer")
            text = repr(given)
            is_decimal = isinstance(given, float)
        else:
            return "expected a number"
        # a float from numerics is the decimal it prints as, like a float in the answer file
        exp_value = parse_number(float(expected)) if isinstance(expected, float) else sp.sympify(expected)
        if _equal_exactly(exp_value, value):
            return None
        if exact or not is_decimal:
            return "differs" if not exact else "differs (exact comparison)"
        # a decimal approximation: right to the digits given
        e = to_float(exp_value)
        g = float(value)
        digits = _significant_digits(text)
        if g == 0 or not math.isfinite(g):
            return "differs"
        unit = 0.5 * 10 ** (math.floor(math.log10(abs(g))) - digits + 1)
        tol = max(unit * (1 + 1e-9), 1e-12 * abs(e))
        if abs(g - e) <= tol:
            if digits < self.MIN_DIGITS and abs(g - e) > 1e-12 * abs(e):
                return f"only {digits} significant digit(s); give at least {self.MIN_DIGITS}"
            return None
        return "differs"


def _entry_text(value) -> str:
    """An expected entry as JSON text (exact numbers as their strings), for a report."""
    from .printers import json_value
    return json.dumps(json_value(value)[1], ensure_ascii=False)


def _hashable(value):
    """Lists and dicts as tuples, so that a key built from JSON data can be hashed."""
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return value


_INFINITY_WORDS = {"oo", "inf", "infinity", "+oo", "+inf", "+infinity", "∞"}


def _is_infinity(given, negative: bool) -> bool:
    """JSON's null (how an infinite value is written), "oo"/"inf"/"infinity", or a float infinity."""
    if given is None:
        return True
    if isinstance(given, float):
        return math.isinf(given) and (given < 0) == negative
    if isinstance(given, str):
        text = given.strip().lower()
        if negative:
            return text.startswith("-") and text[1:] in _INFINITY_WORDS
        return text in _INFINITY_WORDS
    return False


def _equal_exactly(a: sp.Basic, b: sp.Basic) -> bool:
    if a == b:
        return True
    try:
        diff = sp.N(a - b, 50)
        scale = sp.N(abs(a), 50) + 1
        if diff.is_number and abs(diff) > scale * sp.Float(10) ** -40:
            return False
        simplified = sp.simplify(a - b)
        return simplified == 0 or bool(diff.is_number and abs(diff) <= scale * sp.Float(10) ** -45)
    except (TypeError, ValueError):
        return False


def _words_text(parts: Sequence, result: "Result | None" = None) -> str:
    from .printers import TextPrinter
    printer = TextPrinter()
    printer.result = result  # so that a Ref prints as its step number
    return printer.words(parts)


def _produced_by(d: Discrepancy) -> str:
    """The report's "produced by" cell: the step, then the explanation of the location, if any."""
    step = f"step {d.step}: {d.step_why}" if d.step else ""
    if not d.explanation:
        return step
    return f"{step}{' ' if step.endswith('.') else '; '}{d.explanation}" if step else d.explanation


class CheckReport(Result):
    """The report of :meth:`Result.check`; renders like any result."""

    discrepancies: list

    @classmethod
    def build(cls, result: Result, found: list[Discrepancy], n_compared: int) -> "CheckReport":
        ok = not found
        if ok:
            summary = Prose((f"All {n_compared} given value(s) agree with the worked result.",))
        else:
            summary = Prose((f"{len(found)} discrepanc{'y' if len(found) == 1 else 'ies'} "
                             f"among {n_compared} compared value(s).",))
        steps = [Step(summary)]
        if found:
            rows = [[d.location, d.expected, d.given, d.reason, _produced_by(d)] for d in found]
            steps.append(Step(Table(["location", "expected", "given", "why", "produced by"], rows,
                                    align="lllll")))
        report = cls(
            kind="check", title=f"Check of: {result.title}", steps=steps,
            answer={"ok": ok, "n_compared": n_compared, "n_discrepancies": len(found),
                    "discrepancies": [
                        {"location": d.location, "expected": d.expected, "given": d.given,
                         "reason": d.reason, "step": d.step, "step_justification": d.step_why,
                         "explanation": d.explanation}
                        for d in found]})
        report.discrepancies = found
        return report

    @property
    def ok(self) -> bool:
        return not self.discrepancies
