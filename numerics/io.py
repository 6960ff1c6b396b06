"""Reading data: the project's one CSV reader and the data-set loader.

:func:`read_csv` returns the cells as strings, so each caller converts them
as it needs (floats here, exact rationals in the symbolic layer).
:func:`read_matrix` turns chosen columns into a float matrix, and
:func:`load_dataset` loads a built-in data set (``iris``) or a CSV file with
the same call. Every error names the file, the 1-based row (as in a text
editor, the header being row 1) and column, and what was expected.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import IO, Literal, Sequence

import numpy as np

from .inputs import decode_text, read_bytes, read_text

__all__ = [
    "CsvTable",
    "Dataset",
    "BUILTIN_DATASETS",
    "read_csv",
    "read_matrix",
    "load_dataset",
    "standardize",
    "is_number",
]

#: Built-in data sets: name -> (file in ``numerics/data``, label column).
BUILTIN_DATASETS: dict[str, tuple[str, str | None]] = {
    "iris": ("iris.csv", "species"),
}

Source = str | os.PathLike | IO[str] | IO[bytes]
Columns = str | Sequence[str | int] | None

_FRACTION = re.compile(r"^[+-]?\d+\s*/\s*[+-]?\d+$")


@dataclass(frozen=True)
class CsvTable:
    """Cells of a CSV file, as strings.

    Attributes
    ----------
    header : list of str or None
        Column names, or ``None`` when the file has no header row.
    rows : list of list of str
        The data rows, every one as long as the first, cells stripped of
        surrounding spaces; blank lines are skipped.
    row_numbers : list of int
        The 1-based line of each data row in the file (for messages).
    source : str
        The file's name, for messages.
    """

    header: list[str] | None
    rows: list[list[str]]
    row_numbers: list[int]
    source: str

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        if self.header is not None:
            return len(self.header)
        return len(self.rows[0]) if self.rows else 0

    def column_names(self) -> list[str]:
        """The header, or ``x0, x1, ...`` when there is none."""
        if self.header is not None:
            return list(self.header)
        return [f"x{j}" for j in range(self.n_columns)]


@dataclass(frozen=True)
class Dataset:
    """A data matrix with its names.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    feature_names : list of str
    target : ndarray of shape (n_samples,) or None
        Class labels (strings) when the data set has them.
    name : str
    """

    X: np.ndarray
    feature_names: list[str]
    target: np.ndarray | None
    name: str


def is_number(cell: str) -> bool:
    """Whether a cell reads as a number: a float literal (``1.5``, ``-2e3``,
    ``nan``, ``inf``) or a fraction of integers (``3/4``).

    Parameters
    ----------
    cell : str

    Returns
    -------
    bool
    """
    text = cell.strip()
    if not text:
        return False
    if _FRACTION.match(text):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_csv(source: Source, *, header: bool | Literal["auto"] = "auto", delimiter: str = ",") -> CsvTable:
    """Read a CSV file into a header and rows of string cells.

    Parameters
    ----------
    source : path or file object
        A path (str or os.PathLike), or an open text or binary file (UTF-8).
    header : True, False or 'auto', default='auto'
        Whether the first row holds column names; ``'auto'``: it does when
        one of its cells is not a number (see :func:`is_number`).
    delimiter : str, default=','

    Returns
    -------
    CsvTable
        ``header`` (list of str or None), ``rows`` (lists of str).

    Raises
    ------
    ValueError
        Empty file; a row whose number of cells differs from the first row's
        (naming both rows); a header with an empty or repeated name.
    """
    if header not in (True, False, "auto"):
        raise ValueError(f"header: got {header!r}; expected True, False or 'auto'")
    text, name = _read_text(source)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        for record in reader:
            if not record or all(not c.strip() for c in record):
                continue
            rows.append([c.strip() for c in record])
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise ValueError(f"{name}: row {reader.line_num}: malformed CSV ({exc})") from None
    if not rows:
        raise ValueError(f"{name}: empty file; expected CSV rows (an optional header, then data)")
    width = len(rows[0])
    for cells, line in zip(rows, numbers):
        if len(cells) != width:
            raise ValueError(f"{name}: row {line} has {len(cells)} columns, expected {width} "
                             f"(as in row {numbers[0]})")
    has_header = (not all(is_number(c) for c in rows[0])) if header == "auto" else bool(header)
    names = None
    if has_header:
        names = rows.pop(0)
        numbers.pop(0)
        seen: dict[str, int] = {}
        for j, col in enumerate(names):
            if not col:
                raise ValueError(f"{name}: row 1, column {j + 1}: empty column name in the header")
            if col in seen:
                raise ValueError(f"{name}: row 1: column name {col!r} appears in columns "
                                 f"{seen[col] + 1} and {j + 1}; expected distinct names")
            seen[col] = j
    return CsvTable(names, rows, numbers, name)


def read_matrix(source: Source | CsvTable, *, columns: Columns = None,
                header: bool | Literal["auto"] = "auto") -> tuple[list[str], np.ndarray]:
    """Read numeric columns of a CSV file as a float matrix.

    Parameters
    ----------
    source : path, file object or CsvTable
    columns : str, sequence of str or int, or None
        Columns by name or 0-based index: a list (``["petal_length", 3]``)
        or a comma-separated string (``"petal_length,petal_width"``,
        ``"2,3"``); a token is a name when the header has it, else an index.
        ``None``: every column whose cells are all numbers (columns with no
        number at all, such as class labels, are skipped; a column that mixes
        numbers and text is an error, so a typo is never dropped silently).
    header : True, False or 'auto'
        As in :func:`read_csv`.

    Returns
    -------
    names : list of str
        The chosen columns' names (``x0, x1, ...`` without a header).
    X : ndarray of shape (n_samples, n_features)

    Raises
    ------
    ValueError
        A non-numeric cell (row, column and its text), NaN or inf (where),
        an unknown column, no data rows.
    """
    table = source if isinstance(source, CsvTable) else read_csv(source, header=header)
    names = table.column_names()
    if not table.rows:
        raise ValueError(f"{table.source}: no data rows after the header; expected at least one row of numbers")
    if columns is None:
        chosen = _numeric_columns(table, names)
    else:
        chosen = _resolve_columns(columns, names, table.source)
    X = np.empty((len(table.rows), len(chosen)))
    for i, (cells, line) in enumerate(zip(table.rows, table.row_numbers)):
        for out_j, j in enumerate(chosen):
            X[i, out_j] = _to_float(cells[j], table.source, line, j, names[j])
    return [names[j] for j in chosen], X


def load_dataset(name_or_path: str | os.PathLike | IO, *, columns: Columns = None, standardize: bool = False,
                 labels: str | int | None = None) -> Dataset:
    """Load a built-in data set by name, or a CSV file, as a :class:`Dataset`.

    Parameters
    ----------
    name_or_path : str, os.PathLike or file object
        A built-in name (``iris``: Fisher's 150 flowers, 4 measurements,
        labels from ``species``; see ``numerics/data/CITATION.md``), which
        takes precedence over a file of the same name (write ``./iris`` for
        the file), or a CSV path or open file.
    columns : str, sequence or None
        Feature columns, as in :func:`read_matrix`; ``None``: all numeric
        columns other than the label column.
    standardize : bool, default=False
        Scale every feature to mean 0 and variance 1 (:func:`standardize`).
    labels : str or int, optional
        The column of class labels (name or 0-based index); built-in data sets
        have their own.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, n_features), ``feature_names``,
        ``target`` (labels as strings, or None), ``name``.
    """
    key = str(name_or_path).strip().lower() if isinstance(name_or_path, (str, os.PathLike)) else None
    if key in BUILTIN_DATASETS:
        filename, label_column = BUILTIN_DATASETS[key]
        with resources.files(__package__).joinpath("data", filename).open("r", encoding="utf-8") as fh:
            table = read_csv(fh)
        table = CsvTable(table.header, table.rows, table.row_numbers, f"{key} (built-in)")
        name = key
        if labels is None:
            labels = label_column
    else:
        if isinstance(name_or_path, (str, os.PathLike)) and not os.path.exists(name_or_path):
            raise ValueError(f"data: {str(name_or_path)!r} is neither a built-in data set "
                             f"({', '.join(BUILTIN_DATASETS)}) nor an existing file")
        table = read_csv(name_or_path)
        name = table.source
    all_names = table.column_names()
    target = None
    label_index = None
    if labels is not None:
        label_index = _resolve_columns([labels], all_names, table.source, what="labels")[0]
        target = np.array([r[label_index] for r in table.rows])
    if columns is None:
        exclude = () if label_index is None else (label_index,)
        columns = _numeric_columns(table, all_names, exclude)
    feature_names, X = read_matrix(table, columns=columns)
    if standardize:
        X = globals()["standardize"](X, feature_names=feature_names)
    return Dataset(X, feature_names, target, name)


def standardize(X: np.ndarray, *, feature_names: Sequence[str] | None = None) -> np.ndarray:
    r"""Scale every column to mean 0 and variance 1: :math:`z = (x - \bar x)/s`, :math:`s^2 = \frac1n\sum (x-\bar x)^2`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    feature_names : sequence of str, optional
        Used in the error message.

    Returns
    -------
    ndarray of shape (n_samples, n_features)

    Raises
    ------
    ValueError
        A constant column (it has no spread to scale by), naming it.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X: shape {X.shape}; expected (n_samples, n_features)")
    if not np.isfinite(X).all():
        i, j = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"X: row {i}, column {j} (0-based) is {X[i, j]}; expected finite numbers")
    mean = X.mean(axis=0)
    centred = X - mean
    std = np.sqrt(np.mean(centred * centred, axis=0))
    const = np.flatnonzero(np.ptp(X, axis=0) == 0) if X.shape[0] else np.array([], dtype=int)
    if const.size:
        j = int(const[0])
        label = f"{feature_names[j]!r} (column {j})" if feature_names is not None else f"column {j} (0-based)"
        raise ValueError(f"standardize: {label} is constant ({X[0, j]:g}); it has no variance to scale by; "
                         "drop the column or do not standardize")
    return centred / std


# ---- helpers

def _numeric_columns(table: CsvTable, names: list[str], exclude: Sequence[int] = ()) -> list[int]:
    """Columns whose cells are all numbers; text-only columns are skipped, mixed ones are an error."""
    chosen = []
    for j in range(table.n_columns):
        if j in exclude:
            continue
        numeric = [is_number(r[j]) for r in table.rows]
        if all(numeric):
            chosen.append(j)
        elif any(numeric):
            i = numeric.index(False)
            raise ValueError(f"{table.source}: row {table.row_numbers[i]}, column {j + 1} ({names[j]!r}): "
                             f"{table.rows[i][j]!r} is not a number, in a column of numbers; fix the cell "
                             "or choose the columns explicitly")
    if not chosen:
        raise ValueError(f"{table.source}: no column holds only numbers; expected numeric data")
    return chosen


def _read_text(source: Source) -> tuple[str, str]:
    """(text, name): every path goes through :mod:`.inputs` (regular files only, the
    limit ``file-size``, gzip, any byte-order mark); streams are read within the same limit."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        return read_text(name, what=name), name
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        if isinstance(source, io.TextIOBase):
            return read_text(source, what="source"), name
        return decode_text(read_bytes(source, what="source"), what=name), name
    raise TypeError(f"source: got {type(source).__name__}; expected a path or a file object")


def _to_float(cell: str, source: str, line: int, j: int, col: str) -> float:
    where = f"{source}: row {line}, column {j + 1} ({col!r})"
    if not cell:
        raise ValueError(f"{where}: empty cell; expected a number")
    if _FRACTION.match(cell):
        num, den = (int(p) for p in cell.split("/"))
        if den == 0:
            raise ValueError(f"{where}: {cell!r} divides by zero; expected a number")
        return float(Fraction(num, den))
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(f"{where}: {cell!r} is not a number") from None
    if not np.isfinite(value):
        raise ValueError(f"{where}: {cell!r} is not finite (NaN or inf); remove or impute it")
    return value


def _resolve_columns(columns: Columns, names: list[str], source: str, what: str = "columns") -> list[int]:
    if isinstance(columns, str):
        tokens: list[str | int] = [t.strip() for t in columns.split(",")]
    else:
        try:
            tokens = list(columns)  # type: ignore[arg-type]
        except TypeError:
            raise TypeError(f"{what}: got {columns!r}; expected names or 0-based indices "
                            "(a list or a comma-separated string)") from None
    if not tokens:
        raise ValueError(f"{what}: empty; expected at least one column")
    out: list[int] = []
    for tok in tokens:
        if isinstance(tok, str) and tok in names:
            j = names.index(tok)
        elif isinstance(tok, (int, np.integer)) and not isinstance(tok, bool) or (
                isinstance(tok, str) and re.fullmatch(r"\d+", tok)):
            j = int(tok)
            if not 0 <= j < len(names):
                raise ValueError(f"{what}: index {j} is out of range; {source} has columns 0..{len(names) - 1} "
                                 f"({', '.join(names)})")
        else:
            raise ValueError(f"{what}: {tok!r} is not a column of {source}; expected one of "
                             f"{', '.join(names)} or a 0-based index")
        if j in out:
            raise ValueError(f"{what}: column {names[j]!r} is chosen twice")
        out.append(j)
    return out
