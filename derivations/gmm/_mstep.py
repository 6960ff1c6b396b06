r"""The M-step worked on numbers: the derived updates evaluated as a hand calculation.

Given data :math:`x_1, \dots, x_n \in \mathbb R^d` and responsibilities
:math:`\gamma_{ik}` (rows summing to 1), :func:`mstep` works

.. math::

    N_k = \sum_i \gamma_{ik}, \quad \pi_k = \frac{N_k}{N}, \quad
    \mu_k = \frac{1}{N_k} \sum_i \gamma_{ik} x_i,

and the covariance update of the chosen type (full, tied, diag, spherical,
as derived by :func:`derivations.gmm.derive`), exactly when the inputs are
exact, each quantity a step checked against an independent recomputation and
the final result against :func:`numerics.gmm.m_step`.
"""
from __future__ import annotations

import contextvars
import math
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Sequence

import numpy as np
import sympy as sp

from ...numerics import limits
from ...numerics.gmm import COVARIANCE_TYPES
from ..exact import parse_number, significant, to_float
from ..result import Chain, Given, Prose, Result, Section, Step, Table, checked, words
from ._check import MStepProblem, mstep_checker
from ._notation import tex
from ..shown import Approximate as _Approximate
from ..shown import Shown, decimal, is_short, tex_of, text_of, validate_digits
from ._syntax import CANONICAL, Instance, evaluate_update

__all__ = ["mstep", "read_matrix_exact"]
MAX_TABLE_ROWS = 12   # per-point tables are shown up to this many points
ROW_SUM_TOLERANCE = sp.Rational(1, 10 ** 9)


def mstep(data, resp, covariance: str = "full", previous_means=None, *, digits: int = 4) -> Result:
    r"""Work one M-step of a Gaussian mixture on numbers, exactly.

    Parameters
    ----------
    data : path or array-like of shape (n_samples, n_features)
        The points :math:`x_i`: a CSV file (header optional; integers,
        decimals and fractions such as ``3/4`` are read exactly) or rows of
        numbers (ints, fraction strings, decimals, SymPy rationals).
    resp : path or array-like of shape (n_samples, n_components)
        The responsibilities :math:`\gamma_{ik}`: non-negative, each row
        summing to 1 (exactly, or within 1e-9 for rounded decimals).
    covariance : {'full', 'tied', 'diag', 'spherical'}
    previous_means : array-like of shape (n_components, n_features), or str, optional
        The means before this M-step (rows of numbers, a CSV file, or a
        string such as ``"[[0, 0], [1, 1]]"``). Not used by the update; its
        ``check`` uses them to recognise a covariance centred at the previous
        mean (``old-mean``) for every covariance type.
    digits : int, default 4
        Significant digits of every decimal shown beside an exact value (the
        answer is unaffected).

    Returns
    -------
    Result
        Answer keys: ``nk`` (K), ``weights`` (K), ``means`` (K x d),
        ``covariances`` in scikit-learn's shape for the type: full (K, d, d),
        tied (d, d), diag (K, d), spherical (K,). Exact values are SymPy
        rationals (JSON: floats, and strings under ``exact``). Its ``check``
        diagnoses a student's answer (:mod:`._check`): what follows from an
        earlier wrong value, and the misconceptions of
        :data:`~._check.MSTEP_CATALOGUE`.

    Raises
    ------
    ValueError
        Naming ``data`` or ``resp``: a non-numeric cell (row and
        column), mismatched shapes, a negative responsibility, a row not
        summing to 1, or a component with :math:`N_k = 0`.
    """
    digits = validate_digits(digits)
    if covariance not in COVARIANCE_TYPES:
        raise ValueError(f"covariance: {covariance!r} is not a covariance type; expected one of "
                         f"{', '.join(COVARIANCE_TYPES)}")
    X = read_matrix_exact(data, "data")
    engine = "workedout.numerics.gmm (m_step, GaussianMixture) computes the updates in floating point"
    limits.require("rows", len(X), what="gmm mstep: --data has this many points", engine=engine)
    limits.require("columns", len(X[0]) if X else 0, what="gmm mstep: --data has this many columns", engine=engine)
    R = read_matrix_exact(resp, "resp")
    limits.require("components", len(R[0]) if R else 0, what="gmm mstep: --resp has this many columns (components)",
                   engine=engine)
    n, K = len(X), len(R[0])
    if len(R) != n:
        raise ValueError(f"resp: {len(R)} rows, but data has {n} points; give one row of responsibilities "
                         "per data point")
    notes = _validate_resp(R)
    nk = [sum((R[p][q] for p in range(n)), sp.Integer(0)) for q in range(K)]
    for q, v in enumerate(nk):
        if v == 0:
            raise ValueError(f"resp: component {q + 1} has N_{q + 1} = 0: no point has any responsibility for it, "
                             "so its mean and covariance would be 0/0 and the M-step is undefined; drop the "
                             "component or re-initialise it")
    previous = None
    if previous_means is not None:
        previous = _previous_means(previous_means, K, len(X[0]))
    typed = [_typed_kinds(data), _typed_kinds(resp)]
    # a decimal typed anywhere: every value that terminates is shown as its exact decimal, the others
    # (1/3 typed, 77/60 derived) as the exact fraction when short, to `digits` digits otherwise
    token = _DECIMALS.set(any("decimal" in t for t in typed))
    token_digits = _DIGITS.set(digits)
    try:
        worked = _WorkedMStep(X, R, covariance, notes, previous, digits)
        worked.given_x, worked.given_r = _given_cells(data, X), _given_cells(resp, R)
        return worked.result()
    finally:
        _DECIMALS.reset(token)
        _DIGITS.reset(token_digits)


def _previous_means(value, K: int, d: int) -> list[list[sp.Rational]]:
    """The means before the M-step: K rows of d exact numbers."""
    if isinstance(value, str) and value.strip().startswith("["):
        from ..exact import parse_number_array
        rows = parse_number_array(value, what="previous_means", depth=2)
    else:
        rows = read_matrix_exact(value, "previous_means")
    if len(rows) != K or any(len(r) != d for r in rows):
        raise ValueError(f"previous_means: expected {K} means of {d} coordinates (one per component, as long as a "
                         f"point), got {len(rows)} of {len(rows[0]) if rows else 0}")
    return rows


def read_matrix_exact(source, what: str) -> list[list[sp.Rational]]:
    """Rows of exact numbers from a CSV file (via :func:`numerics.io.read_csv`) or a nested sequence."""
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, sp.Basic):
        from ...numerics.io import read_csv
        path = Path(source)
        if not os.path.lexists(path):  # a device, FIFO or directory is refused by read_csv, by name
            raise ValueError(f"{what}: cannot read {str(path)!r}: no such file")
        try:
            table = read_csv(path)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
        except OSError as exc:
            raise ValueError(f"{what}: cannot read {str(path)!r}: {exc.strerror}") from None
        names = table.column_names()
        if table.header is not None:
            from ...numerics.io import is_number
            numeric = [c for c, name in enumerate(table.header) if is_number(name)]
            if numeric:
                c = next(c for c, name in enumerate(table.header) if not is_number(name))
                raise ValueError(f"{what}: {path.name}: row 1 mixes numbers and text (column {c + 1}: "
                                 f"{table.header[c]!r}): if it is a header, name every column; if it is data, "
                                 f"{table.header[c]!r} is not a number")
        rows = []
        for cells, line in zip(table.rows, table.row_numbers):
            row = []
            for c, cell in enumerate(cells):
                try:
                    row.append(parse_number(cell, what="x"))
                except ValueError:
                    col = f"column {c + 1}" + (f" ({names[c]})" if table.header else "")
                    raise ValueError(f"{what}: {path.name}: row {line}, {col}: {cell!r} is not a number; expected "
                                     "an integer, a decimal or a fraction such as 3/4") from None
            rows.append(row)
        if not rows:
            raise ValueError(f"{what}: {path.name}: no data rows")
        return rows
    if isinstance(source, np.ndarray):
        source = source.tolist()
    if not isinstance(source, Sequence) or isinstance(source, str) or not source:
        raise ValueError(f"{what}: expected a CSV file or rows of numbers, got {source!r}")
    rows = []
    width = None
    for r_, row in enumerate(source):
        if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
            raise ValueError(f"{what}: row {r_ + 1} is {row!r}; expected a list of numbers")
        vals = [parse_number(v, what=f"{what} row {r_ + 1}, column {c + 1}") for c, v in enumerate(row)]
        if width is None:
            width = len(vals)
        if len(vals) != width or width == 0:
            raise ValueError(f"{what}: row {r_ + 1} has {len(vals)} values, row 1 has {width}; rows must match")
        rows.append(vals)
    return rows


def _validate_resp(R) -> list[str]:
    notes = []
    rounded = []
    for p, row in enumerate(R):
        for q, v in enumerate(row):
            if v < 0:
                raise ValueError(f"resp: row {p + 1}, column {q + 1} is {v}; responsibilities are probabilities "
                                 "and must be non-negative")
        total = sum(row, sp.Integer(0))
        if total != 1:
            if abs(total - 1) > ROW_SUM_TOLERANCE:
                raise ValueError(f"resp: row {p + 1} sums to {total} (≈ {significant(total)}), expected 1: each "
                                 "point's responsibilities are a probability distribution over the components")
            rounded.append(p + 1)
    if rounded:
        shown = ", ".join(map(str, rounded[:8])) + (", ..." if len(rounded) > 8 else "")
        notes.append(f"Rows {shown} of the responsibilities sum to 1 only to within 1e-9 (rounded decimals); "
                     "N is taken as the sum of the N_k, as numerics.gmm.m_step does.")
    return notes


# ------------------------------------------------------------------ the work
def _vec(v) -> sp.Matrix:
    return sp.Matrix(v)


#: True while an M-step whose inputs were typed as decimals (and none as a fraction) is worked: a value with a terminating decimal
#: expansion (0.9, 1.95, 5.1335) is then shown as that decimal, as given, not as a fraction (9/10).
_DECIMALS = contextvars.ContextVar("gmm_mstep_decimals", default=False)
_DIGITS = contextvars.ContextVar("gmm_mstep_digits", default=4)


def _given_cells(source, exact) -> list[list]:
    """Each given number as typed: a decimal (``0.5``) as a :class:`Shown` of its text, anything else
    (``1/3``, ``2``) as its exact value; ``exact`` where the typed text is not at hand."""
    import re
    pattern = re.compile(r"\s*[+-]?(\d+\.\d*|\.\d+)\s*\Z")
    cells = None
    if isinstance(source, (str, os.PathLike)):
        from ...numerics.io import read_csv
        try:  # the data were read already; only the typed text is looked at again
            cells = read_csv(Path(source)).rows
        except (ValueError, OSError):
            cells = None
    elif not isinstance(source, sp.Basic):
        rows = source.tolist() if isinstance(source, np.ndarray) else source
        cells = [[repr(v) if isinstance(v, float) else v if isinstance(v, str) else None for v in row]
                 for row in rows]
    out = []
    for p, row in enumerate(exact):
        shown = []
        for j, v in enumerate(row):
            raw = cells[p][j] if cells is not None and p < len(cells) and j < len(cells[p]) else None
            shown.append(Shown(raw.strip().lstrip("+"), exact=True)
                         if isinstance(raw, str) and pattern.match(raw) and not v.is_Integer else v)
        out.append(shown)
    return out


def _as_decimal(v) -> str | None:
    """The exact decimal of ``v`` when decimals are shown and it terminates (not an integer), else None."""
    if not _DECIMALS.get() or isinstance(v, sp.Float):
        return None
    v = sp.sympify(v)
    if not v.is_Rational or v.is_Integer:
        return None
    q = int(v.q)
    twos = fives = 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1:
        return None
    places = max(twos, fives)
    return (
        format(Decimal(int(v.p) * 10 ** places // int(v.q)).scaleb(-places), "f"))


def _rounded(v):
    """With decimals shown: a derived value that neither terminates nor is short, to ``digits`` digits."""
    if not _DECIMALS.get() or isinstance(v, sp.Float) or not sp.sympify(v).is_Rational or is_short(v):
        return None
    return decimal(v, _DIGITS.get())


def _ltx(v) -> str:
    if isinstance(v, Shown):
        return tex_of(v)
    r = _rounded(v)
    return _as_decimal(v) or (tex_of(r) if r is not None else sp.latex(v))


def _txt(v) -> str:
    if isinstance(v, Shown):
        return text_of(v)
    r = _rounded(v)
    return _as_decimal(v) or (text_of(r) if r is not None else sp.sstr(v))


def _given_tex(v) -> str:
    """A given number as typed: a typed decimal as its text, anything else as its exact form."""
    t = tex_of(v) if isinstance(v, Shown) else sp.latex(v)
    return r"\left(%s\right)" % t if v < 0 else t


def _given_cell(v):
    """A table cell holding a given number, as typed."""
    from ._notation import cell
    if isinstance(v, Shown):
        from ..model import InlineMath
        from ..markup import Tex
        return InlineMath(Tex(tex_of(v)), text_of(v))
    return v if v.is_Integer else cell(v)


def _given_tuple(values):
    from ..model import InlineMath
    from ..markup import Tex
    return InlineMath(Tex(r"\left(" + r",\ ".join(tex_of(v) if isinstance(v, Shown) else sp.latex(v)
                                                  for v in values) + r"\right)"),
                      "(" + ", ".join(text_of(v) if isinstance(v, Shown) else sp.sstr(v) for v in values) + ")")


def _typed_kinds(source) -> set:
    """Which notations a CSV file or rows of numbers use: ``decimal`` (``3.19``) and/or ``fraction`` (``3/4``)."""
    import re
    kinds = {"decimal": re.compile(r"(?<![\w/.])[+-]?\d*\.\d+(?![\w/.])"),
             "fraction": re.compile(r"\d\s*/\s*\d")}
    if isinstance(source, (str, os.PathLike)):
        from ...numerics.inputs import read_text
        try:  # the data were read already; only the notation is looked at again
            text = read_text(source, what="data")
        except ValueError:
            return set()
    else:
        rows = source.tolist() if isinstance(source, np.ndarray) else source
        try:
            cells = [v for row in rows for v in row]
        except TypeError:
            return set()
        text = "\n".join(repr(v) if isinstance(v, float) else str(v) for v in cells)
    return {kind for kind, pattern in kinds.items() if pattern.search(text)}


def _tuple_tex(values):
    from ..model import InlineMath
    from ..markup import Tex
    return InlineMath(Tex(r"\left(" + r",\ ".join(_ltx(v) for v in values) + r"\right)"),
                      "(" + ", ".join(_txt(v) for v in values) + ")")


def _mat(M: sp.MatrixBase):
    """A rational matrix as a hand calculation writes it: the common denominator in front."""
    from ..model import InlineMath
    from ..markup import Tex
    if len(M) and all(_as_decimal(v) is not None or sp.Rational(v).is_Integer for v in M):
        body = r"\begin{pmatrix} " + r" \\ ".join(" & ".join(_ltx(v) for v in M.row(r))
                                                  for r in range(M.rows)) + r" \end{pmatrix}"
        return InlineMath(Tex(body), "[" + ", ".join("[" + ", ".join(_txt(v) for v in M.row(r)) + "]"
                                                     for r in range(M.rows)) + "]")
    den = math.lcm(*[int(sp.Rational(v).q) for v in M]) if len(M) else 1
    ints = M * den
    body = r"\begin{pmatrix} " + r" \\ ".join(" & ".join(sp.latex(v) for v in ints.row(r))
                                              for r in range(M.rows)) + r" \end{pmatrix}"
    text = "[" + ", ".join("[" + ", ".join(sp.sstr(v) for v in ints.row(r)) + "]" for r in range(M.rows)) + "]"
    if den == 1:
        return InlineMath(Tex(body), text)
    return InlineMath(Tex(r"\frac{1}{%d} %s" % (den, body)), f"{text}/{den}")


def _q(v) -> str:
    """LaTeX of a number written inline (3/4 rather than a stacked fraction), for use inside fractions."""
    v = sp.Rational(v)
    return str(v) if v.is_Integer else _as_decimal(v) or f"{v.p}/{v.q}"


def _cellq(v):
    """A table cell holding a number: fractions in display style, with room around them."""
    from ._notation import cell
    v = sp.Rational(v)
    if _as_decimal(v) is not None:
        from ..model import InlineMath
        from ..markup import Tex
        return InlineMath(Tex(_as_decimal(v)), _as_decimal(v))
    if _rounded(v) is not None:  # with decimals shown, a long exact form is left to the JSON
        return _rounded(v)
    return v if v.is_Integer else cell(v)


def _short_decimal(value) -> bool:
    """True when the exact value prints exactly in at most 6 significant digits (2.75, -0.125, 3)."""
    value = sp.Rational(value)
    return f"{float(value):.6g}" == str(float(value)) and sp.Rational(str(float(value))) == value


def _chain(lhs, links: list, value, why, label, check, digits: int = 4):
    """lhs = links... = value, with '≈ decimal' beside the value when it is not a short decimal."""
    if isinstance(value, sp.MatrixBase):
        short = all(_short_decimal(v) for v in value)
        M = value.applyfunc(lambda v: decimal(v, digits))
        from ..model import InlineMath
        from ..markup import Tex
        approx = InlineMath(Tex(sp.latex(M, mat_delim="(")), "[" + ", ".join(
            "[" + ", ".join(sp.sstr(decimal(v, digits)) for v in value.row(r)) + "]" for r in range(value.rows)) + "]")
    elif isinstance(value, list):
        short = all(_short_decimal(v) for v in value)
        approx = _tuple_tex([decimal(v, digits) for v in value])
    else:
        short = _short_decimal(value)
        approx = None
        if not short:  # the exact form only when short (with decimals shown; always with fractions only)
            exact = [value] if is_short(value) or not _DECIMALS.get() else []
            return Step(Chain(lhs, links + exact + [decimal(value, digits)]), why=why, check=check,
                        label=label)
    shown = value
    if not isinstance(value, (list, sp.MatrixBase)) and _as_decimal(value) is not None:
        from ..model import InlineMath
        from ..markup import Tex
        shown = InlineMath(Tex(_as_decimal(value)), _as_decimal(value))
    rhs = links + [_tuple_tex(value) if isinstance(value, list) else
                   _mat(value) if isinstance(value, sp.MatrixBase) else shown]
    if not short and _DECIMALS.get() and not all(is_short(v) for v in value):
        # with decimals shown, a long exact form is left to the JSON: the decimals, to `digits` digits
        rhs = links + [_Approximate(approx.tex, approx.text)]
        return Step(Chain(lhs, rhs), why=why, check=check, label=label)
    reasons = None if short else [None] * (len(rhs) - 1) + [words("≈ ", approx)]
    return Step(Chain(lhs, rhs, reasons=reasons), why=why, check=check, label=label)


class _WorkedMStep:
    """One M-step worked by hand on exact data and responsibilities: the steps, and the values they reach."""

    def __init__(self, X, R, covariance, notes, previous=None, digits: int = 4):
        self.digits = digits
        self.previous = previous
        self.X = [_vec(row) for row in X]
        self.R = sp.Matrix(R)
        self.type = covariance
        self.n, self.d, self.K = len(X), len(X[0]), len(R[0])
        self.steps: list = []
        self.notes = list(notes)
        self.small = self.n <= MAX_TABLE_ROWS
        if not self.small:
            self.notes.append(f"Per-point terms are not written out ({self.n} points > {MAX_TABLE_ROWS}); "
                              "every sum is still computed exactly and checked.")
        self.Xf = np.array([[float(v) for v in row] for row in X])
        self.Rf = np.array([[float(v) for v in row] for row in R])
        self.oracle = None
        self.given_x, self.given_r = X, R  # the given numbers as typed (set by mstep)

    def _chain(self, *args, **kwargs):
        return _chain(*args, digits=self.digits, **kwargs)

    def step(self, statement, why, label, check=None):
        self.steps.append(Step(statement, why=why, check=check, label=label))

    @property
    def oracle_name(self) -> str:
        """What the float cross-check is computed by (see :meth:`numeric`)."""
        from ...numerics.gmm._reference import MAX_REFERENCE_POINTS
        return "numerics.gmm.m_step_reference" if self.n <= MAX_REFERENCE_POINTS else "numerics.gmm.m_step"

    def numeric(self):
        if self.oracle is None:  # hand-sized data: the plain-numpy reference (no numba); larger: the engine
            from ...numerics.gmm._reference import MAX_REFERENCE_POINTS, m_step_reference
            if self.n <= MAX_REFERENCE_POINTS:
                self.oracle = m_step_reference(self.Xf, self.Rf, self.type)
            else:
                from ...numerics.gmm import m_step
                self.oracle = m_step(self.Xf, self.Rf, self.type)
        return self.oracle

    # ------------------------------------------------------------------
    def result(self) -> Result:
        n, d, K = self.n, self.d, self.K
        if self.small:
            header = [tex("i")] + [tex(f"x_{{i{j + 1}}}") for j in range(d)] + \
                     [tex(rf"\gamma_{{i{q + 1}}}") for q in range(K)]
            rows = [[p + 1] + [_given_cell(v) for v in self.given_x[p]] + [_given_cell(v) for v in self.given_r[p]]
                    for p in range(n)]
            self.steps.append(Section("The data and the responsibilities"))
            self.step(Table(header, rows, align="c" * len(header)),
                      words(f"{n} points in {d} dimension{'s' if d > 1 else ''}, {K} components; each row of "
                            "responsibilities sums to 1"), "data",
                      checked("the responsibilities were validated on input: non-negative, rows summing to 1",
                              all(v >= 0 for v in self.R) and
                              all(abs(sum(self.R.row(p)) - 1) <= ROW_SUM_TOLERANCE for p in range(n))))
        self.effective_numbers()
        self.weights()
        self.means()
        getattr(self, f"cov_{self.type}")()
        self.final_check()
        answer = {"nk": self.nk, "weights": self.pi, "means": [list(m) for m in self.mu],
                  "covariances": self.cov_answer}
        sources = {"nk": "nk_1", **{f"nk[{q}]": f"nk_{q + 1}" for q in range(K)},
                   "weights": "pi_1", **{f"weights[{q}]": f"pi_{q + 1}" for q in range(K)},
                   "means": "mu_1", **{f"means[{q}]": f"mu_{q + 1}" for q in range(K)},
                   "covariances": self.cov_source,
                   **({f"covariances[{q}]": f"cov_{q + 1}" for q in range(K)} if self.type != "tied" else {})}
        givens = [Given("n", n, "points"), Given("d", d, "dimensions"), Given("K", K, "components"),
                  Given("covariance type", self.type)]
        if self.previous is not None:
            givens += [Given(tex(r"\boldsymbol{\mu}_{%d}^{\text{old}}" % (q + 1)), tuple(self.previous[q]),
                             "the mean before this M-step") for q in range(K)]
        problem = MStepProblem(self.X, self.R, self.type, list(self.nk), self.N, list(self.mu),
                               [_vec(m) for m in self.previous] if self.previous is not None else None,
                               {s.label for s in self.steps if getattr(s, "label", None)})
        return Result(kind="gmm.mstep",
                      title=f"M-step of a {K}-component Gaussian mixture ({self.type} covariances), worked exactly",
                      givens=givens, steps=self.steps, answer=answer, sources=sources, notes=self.notes,
                      intro=words("The updates derived by workedout gmm derive, evaluated on the data and "
                                  "responsibilities below: first the effective numbers of points, then the "
                                  "weights, the means and the covariances (which use the new means)."),
                      checker=mstep_checker(problem))

    def effective_numbers(self):
        self.steps.append(Section("Effective numbers of points", words(tex(r"N_k = \sum_{i=1}^{n} \gamma_{ik}"))))
        self.nk = []
        for q in range(self.K):
            col = list(self.R.col(q))
            value = sum(col, sp.Integer(0))
            terms = ([tex(" + ".join(_given_tex(self.given_r[p][q]) for p in range(self.n)))]
                     if self.small and self.n > 1 else [])
            recomputed = sum((Fraction(int(v.p), int(v.q)) for v in col), Fraction(0))
            self.steps.append(self._chain(tex(f"N_{q + 1}"), terms, value,
                                     words(f"component {q + 1}: add its column of responsibilities"), f"nk_{q + 1}",
                                     checked("re-added with Python fractions",
                                             sp.Rational(recomputed.numerator, recomputed.denominator) == value)))
            self.nk.append(value)
        self.N = sum(self.nk, sp.Integer(0))
        self.step(Chain(tex(r"N = \sum_{k=1}^{K} N_k"), [tex(" + ".join(_paren(v) for v in self.nk)), self.N]),
                  words("the total; it is ", tex("n"), " when every row sums to 1"), "N",
                  checked("equals the sum of all responsibilities", self.N == sum(self.R, sp.Integer(0))))

    def weights(self):
        self.steps.append(Section("Mixing weights", words(tex(r"\pi_k = N_k / N"))))
        self.pi = []
        w_num = self.numeric()[0]
        for q in range(self.K):
            value = self.nk[q] / self.N
            self.steps.append(self._chain(tex(rf"\pi_{q + 1}"),
                                     [tex(r"\frac{%s}{%s}" % (_q(self.nk[q]), _q(self.N)))], value,
                                     words(f"component {q + 1}"), f"pi_{q + 1}",
                                     checked(f"equals {self.oracle_name}'s weight to 1e-9",
                                             np.isclose(to_float(value), w_num[q], rtol=1e-9, atol=1e-15))))
            self.pi.append(value)

    def means(self):
        self.steps.append(Section("Means", words(tex(r"\boldsymbol{\mu}_k = \frac{1}{N_k} \sum_{i=1}^{n} \gamma_{ik}"
                                                   r" \boldsymbol{x}_i"))))
        self.mu = []
        m_num = self.numeric()[1]
        for q in range(self.K):
            weighted = sp.zeros(self.d, 1)
            for p in range(self.n):
                weighted += self.R[p, q] * self.X[p]
            terms = []
            if self.small:
                terms = [tex(" + ".join(_given_tex(self.given_r[p][q]) + " " + _given_tuple(self.given_x[p]).tex
                                        for p in range(self.n)))]
            self.step(Chain(tex(rf"\sum_{{i=1}}^{{n}} \gamma_{{i{q + 1}}} \boldsymbol{{x}}_i"),
                            terms + [_tuple_tex(list(weighted))]),
                      words(f"the weighted sum of the points for component {q + 1}"), f"wsum_{q + 1}",
                      checked("recomputed coordinate by coordinate with Python fractions",
                              all(_frac_sum(self.R[p, q] * self.X[p][j] for p in range(self.n)) == weighted[j]
                                  for j in range(self.d))))
            mean = weighted / self.nk[q]
            self.steps.append(self._chain(tex(rf"\boldsymbol{{\mu}}_{q + 1}"),
                                     [tex(r"\frac{1}{%s} %s" % (_q(self.nk[q]), _tuple_tex(list(weighted)).tex))],
                                     list(mean), words("divide by ", tex(f"N_{q + 1}")), f"mu_{q + 1}",
                                     checked(f"equals {self.oracle_name}'s mean to 1e-9",
                                             np.allclose([to_float(v) for v in mean], m_num[q], rtol=1e-9,
                                                         atol=1e-12))))
            self.mu.append(mean)

    # -------------------------------------------------------------- covariances
    def _deviations(self, q):
        return [self.X[p] - self.mu[q] for p in range(self.n)]

    def _scatter_steps(self, q):
        devs = self._deviations(q)
        S = sp.zeros(self.d, self.d)
        for p in range(self.n):
            S += self.R[p, q] * devs[p] * devs[p].T
        if self.small:
            header = [tex("i"), tex(rf"\gamma_{{i{q + 1}}}"), tex(rf"\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1}"),
                      tex(rf"\gamma_{{i{q + 1}}} (\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1})"
                         rf"(\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1})^{{\mathsf T}}")]
            rows = [[p + 1, _given_cell(self.given_r[p][q]), _tuple_tex(list(devs[p])),
                     _mat(self.R[p, q] * devs[p] * devs[p].T)] for p in range(self.n)]
            self.step(Table(header, rows, align="cccc"),
                      words(f"component {q + 1}: the deviations from the new mean and their weighted outer products"),
                      f"scatter_terms_{q + 1}",
                      checked("each outer product recomputed entry by entry with Python fractions",
                              all(_frac_sum([self.R[p, q] * devs[p][a] * devs[p][b]]) ==
                                  (self.R[p, q] * devs[p] * devs[p].T)[a, b]
                                  for p in range(self.n) for a in range(self.d) for b in range(self.d))))
        self.step(Chain(tex(rf"\boldsymbol{{S}}_{q + 1} = \sum_{{i=1}}^{{n}} \gamma_{{i{q + 1}}} (\boldsymbol{{x}}_i - "
                           rf"\boldsymbol{{\mu}}_{q + 1})(\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1})^{{\mathsf T}}"),
                        [_mat(S)]),
                  words(f"the weighted scatter of component {q + 1}: the sum of the outer products"),
                  f"scatter_{q + 1}",
                  checked("recomputed entry by entry with Python fractions",
                          all(_frac_sum(self.R[p, q] * devs[p][a] * devs[p][b] for p in range(self.n)) == S[a, b]
                              for a in range(self.d) for b in range(self.d))))
        return S

    def cov_full(self):
        self.steps.append(Section("Covariances (full)", words(
            tex(r"\boldsymbol{\Sigma}_k = \frac{1}{N_k} \sum_{i=1}^{n} \gamma_{ik} (\boldsymbol{x}_i - \boldsymbol{\mu}_k)"
               r"(\boldsymbol{x}_i - \boldsymbol{\mu}_k)^{\mathsf T}"), " with the new means")))
        c_num = self.numeric()[2]
        self.cov = []
        for q in range(self.K):
            S = self._scatter_steps(q)
            cov = S / self.nk[q]
            self.steps.append(self._chain(tex(rf"\boldsymbol{{\Sigma}}_{q + 1}"),
                                     [tex(r"\frac{1}{%s} \boldsymbol{S}_{%d}" % (_q(self.nk[q]), q + 1))], cov,
                                     words("divide by ", tex(f"N_{q + 1}")), f"cov_{q + 1}",
                                     checked(f"equals {self.oracle_name}'s covariance to 1e-9",
                                             np.allclose(_floats(cov), c_num[q], rtol=1e-9, atol=1e-12))))
            self.cov.append(cov)
        self.cov_answer = [cov.tolist() for cov in self.cov]
        self.cov_source = "cov_1"
        self._singular_note()

    def cov_tied(self):
        self.steps.append(Section("Covariance (tied)", words(
            tex(r"\boldsymbol{\Sigma} = \frac{1}{N} \sum_{k=1}^{K} \sum_{i=1}^{n} \gamma_{ik} (\boldsymbol{x}_i - "
               r"\boldsymbol{\mu}_k)(\boldsymbol{x}_i - \boldsymbol{\mu}_k)^{\mathsf T}"),
            ": the scatter of every component, pooled")))
        scatters = [self._scatter_steps(q) for q in range(self.K)]
        total = sp.zeros(self.d, self.d)
        for S in scatters:
            total += S
        cov = total / self.N
        c_num = self.numeric()[2]
        self.steps.append(self._chain(tex(r"\boldsymbol{\Sigma}"),
                                 [tex(r"\frac{1}{%s} \left(%s\right)" % (_q(self.N), " + ".join(
                                     rf"\boldsymbol{{S}}_{q + 1}" for q in range(self.K))))], cov,
                                 words("pool the scatters and divide by ", tex("N")), "cov",
                                 checked(f"equals {self.oracle_name}'s tied covariance to 1e-9",
                                         np.allclose(_floats(cov), c_num, rtol=1e-9, atol=1e-12))))
        self.cov = [cov]
        self.cov_answer = cov.tolist()
        self.cov_source = "cov"
        self._singular_note()

    def cov_diag(self):
        self.steps.append(Section("Variances (diag)", words(
            tex(r"\sigma^2_{kj} = \frac{1}{N_k} \sum_{i=1}^{n} \gamma_{ik} (x_{ij} - \mu_{kj})^2"),
            " with the new means")))
        c_num = self.numeric()[2]
        self.cov = []
        for q in range(self.K):
            devs = self._deviations(q)
            sums = [sum((self.R[p, q] * devs[p][j] ** 2 for p in range(self.n)), sp.Integer(0))
                    for j in range(self.d)]
            if self.small:
                header = [tex("i"), tex(rf"\gamma_{{i{q + 1}}}")] + \
                         [tex(rf"\gamma_{{i{q + 1}}}(x_{{i{j + 1}}} - \mu_{{{q + 1}{j + 1}}})^2") for j in range(self.d)]
                vals = [[self.R[p, q] * devs[p][j] ** 2 for j in range(self.d)] for p in range(self.n)]
                rows = [[p + 1, _given_cell(self.given_r[p][q])] + [_cellq(v) for v in vals[p]]
                        for p in range(self.n)]
                rows.append(["sum", _cellq(self.nk[q])] + [_cellq(v) for v in sums])
                self.step(Table(header, rows, align="c" * len(header)),
                          words(f"component {q + 1}: weighted squared deviations, coordinate by coordinate"),
                          f"sq_{q + 1}", checked("each column re-added with Python fractions",
                                                 all(_frac_sum(v[j] for v in vals) == sums[j]
                                                     for j in range(self.d))))
            var = [v / self.nk[q] for v in sums]
            self.steps.append(self._chain(tex(rf"(\sigma^2_{{{q + 1}j}})_{{j=1}}^{{{self.d}}}"),
                                     [tex(r"\frac{1}{%s} %s" % (_q(self.nk[q]), _tuple_tex(sums).tex))], var,
                                     words("divide the column sums by ", tex(f"N_{q + 1}")), f"cov_{q + 1}",
                                     checked(f"equals {self.oracle_name}'s variances to 1e-9",
                                             np.allclose([to_float(v) for v in var], c_num[q], rtol=1e-9,
                                                         atol=1e-12))))
            self.cov.append(var)
        self.cov_answer = [list(v) for v in self.cov]
        self.cov_source = "cov_1"

    def cov_spherical(self):
        self.steps.append(Section("Variances (spherical)", words(
            tex(r"\sigma^2_k = \frac{1}{d N_k} \sum_{i=1}^{n} \gamma_{ik} \|\boldsymbol{x}_i - \boldsymbol{\mu}_k\|^2"),
            " with the new means")))
        c_num = self.numeric()[2]
        self.cov = []
        for q in range(self.K):
            devs = self._deviations(q)
            sq = [(devs[p].T * devs[p])[0] for p in range(self.n)]
            total = sum((self.R[p, q] * sq[p] for p in range(self.n)), sp.Integer(0))
            if self.small:
                header = [tex("i"), tex(rf"\gamma_{{i{q + 1}}}"), tex(rf"\|\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1}\|^2"),
                          tex(rf"\gamma_{{i{q + 1}}} \|\boldsymbol{{x}}_i - \boldsymbol{{\mu}}_{q + 1}\|^2")]
                rows = [[p + 1, _given_cell(self.given_r[p][q]), _cellq(sq[p]), _cellq(self.R[p, q] * sq[p])]
                        for p in range(self.n)]
                rows.append(["sum", _cellq(self.nk[q]), "", _cellq(total)])
                self.step(Table(header, rows, align="cccc"),
                          words(f"component {q + 1}: weighted squared distances to the new mean"), f"sq_{q + 1}",
                          checked("the last column re-added with Python fractions",
                                  _frac_sum(self.R[p, q] * sq[p] for p in range(self.n)) == total))
            var = total / (self.d * self.nk[q])
            self.steps.append(self._chain(tex(rf"\sigma^2_{{{q + 1}}}"),
                                     [tex(r"\frac{%s}{%d \cdot %s}" % (_q(total), self.d, _q(self.nk[q])))],
                                     var, words("divide by ", tex(f"d N_{q + 1}")), f"cov_{q + 1}",
                                     checked(f"equals {self.oracle_name}'s variance to 1e-9",
                                             np.isclose(to_float(var), c_num[q], rtol=1e-9, atol=1e-12))))
            self.cov.append(var)
        self.cov_answer = list(self.cov)
        self.cov_source = "cov_1"

    def _singular_note(self):
        for q, cov in enumerate(self.cov):
            if cov.det() == 0:
                which = "The tied covariance" if self.type == "tied" else f"Sigma_{q + 1}"
                self.notes.append(f"{which} is singular (determinant 0): the M-step is well defined, but the next "
                                  "E-step's density is not; scikit-learn adds reg_covar to the diagonal.")

    def final_check(self):
        """The derived updates (derive's answer, evaluated) give the same numbers."""
        inst = Instance(self.X, self.R)
        means = evaluate_update("means", CANONICAL["means"], inst)
        covs = evaluate_update(self.type, CANONICAL[self.type], inst, means=means)
        weights = evaluate_update("weights", CANONICAL["weights"], inst)
        same = lambda a, b: (sp.Matrix(a) == sp.Matrix(b)) if isinstance(a, (sp.MatrixBase, list)) else a == b
        ok = all(same(a, b) for a, b in zip(means, self.mu)) and all(same(a, b) for a, b in zip(covs, self.cov)) \
            and all(same(a, b) for a, b in zip(weights, self.pi))
        self.step(Prose(words("The same numbers come out of the general updates derived by workedout gmm derive, "
                              "evaluated exactly on these data.")),
                  words("cross-check with the derivation"), "derived",
                  checked("the answer of workedout gmm derive (means, weights, " + self.type + " covariances), "
                          "evaluated exactly on these data, equals every value above", ok))


def _paren(v) -> str:
    s = _ltx(v)
    return r"\left(%s\right)" % s if (v < 0) else s


def _frac_sum(values) -> sp.Rational:
    total = Fraction(0)
    for v in values:
        v = sp.Rational(v)
        total += Fraction(int(v.p), int(v.q))
    return sp.Rational(total.numerator, total.denominator)


def _floats(M) -> np.ndarray:
    return np.array([[to_float(v) for v in M.row(r)] for r in range(M.rows)])
