"""The data model of a result: steps as data, nothing that renders or compares.

A result holds a title, the givens, an ordered list of :class:`Step`
(grouped under :class:`Section` headings where a derivation is long), and its
final answer as plain data. A step holds a *statement* (one of the statement
types below), a *justification* in words, and a :class:`Check` saying how a
program verified it (or ``None``: not machine-checked).

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

The layers above this one, each importing only those below it::

    model      the data (this module)
    printers   one printer per output format      (imports model)
    check      reading and comparing an answer    (imports model, printers)
    result     Result = data + render + check     (imports all three)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .markup import Tex

__all__ = [
    "InlineMath", "Ref", "Display", "Chain", "Table", "Prose", "Check", "CheckFailed",
    "checked", "Step", "Section", "Given", "ResultData", "words", "METADATA_KEYS", "Grid", "GridCell",
    "STATEMENT_TYPES", "ROLES",
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
    row_height: float = 1.0   # lines per row, for the LaTeX printer's page split (stacked cells are taller)
    group: int = 1            # rows that belong together (an alignment's two rows): a page split keeps them

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


STATEMENT_TYPES = (Display, Chain, Table, Prose, Grid)


# ---------------------------------------------------------------- structure
#: what a step that is not derived is: a definition (a name given to something) or a premise (what the
#: theorem assumes); neither is checked, and each is printed as what it is
ROLES = ("definition", "premise")


@dataclass
class Step:
    statement: Any
    why: tuple = ()
    check: Check | None = None
    label: str | None = None
    role: str | None = None  # None, or one of ROLES

    def __post_init__(self):
        self.why = _as_words(self.why)
        if not isinstance(self.statement, STATEMENT_TYPES):
            self.statement = Display(self.statement)
        if self.role is not None:
            if self.role not in ROLES:
                raise ValueError(f"Step: role {self.role!r}; expected one of {', '.join(ROLES)}")
            if self.check is not None:
                raise ValueError(f"Step: a {self.role} is stated, not checked")


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


METADATA_KEYS = ("schema", "kind", "title", "givens", "steps", "notes", "theorem")


@dataclass
class ResultData:
    """The data of a worked or derived result; see the module docstring.

    Behaviour (rendering, checking, notebook display) is added by
    :class:`workedout.derivations.result.Result`, which every topic builds.

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
    checker : workedout.derivations.check.Checker, optional
        How a student's answer is read and compared, where the topic needs
        more than the part-by-part default (answers in the topic's own
        formats, lists in any order, notation to normalise, parts the topic
        compares itself, explanations of expected values).
    """

    kind: str
    title: str
    givens: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    answer: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    intro: tuple = ()
    checker: Any = None
    show_checks: bool = True  # each step says how it was checked (a check report's steps make no such claim)
    theorem: tuple = ()  # a proof's statement (words): printed as a theorem, the steps as its proof

    def __post_init__(self):
        self.intro = _as_words(self.intro)
        self.theorem = _as_words(self.theorem)
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
