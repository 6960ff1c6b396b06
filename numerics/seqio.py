r"""Sequence and substitution-matrix files: the project's one FASTA reader and
one substitution-matrix reader.

FASTA
-----
A FASTA file is a list of records, each a header line ``>id description``
followed by any number of sequence lines. Here:

* sequence lines are concatenated with all whitespace removed; letters keep
  their case (alignment scoring is case-insensitive anyway);
* blank lines and old-style ``;`` comment lines are ignored anywhere;
* a record may have an empty sequence (empty sequences are valid input);
* text before the first ``>`` header, or a file without any record, is an
  error that names the file and the line.

Substitution matrices (NCBI text format)
----------------------------------------
The format of the matrices NCBI distributes (``ftp.ncbi.nih.gov/blast/matrices``)::

    #  comment lines start with '#'
       A  R  N ...
    A  4 -1 -2 ...
    R -1  5  0 ...

one header line of single-letter column labels, then one row per letter: the
row's letter and one score per column. Scores are integers (stored as
``int64``) or decimals (``float64``). Letters are case-insensitive: they are
stored upper-case, and two labels equal up to case are an error. Rows may come
in any order but every column letter needs exactly one row.

:func:`load_matrix` takes the name of a shipped matrix (BLOSUM45, BLOSUM50,
BLOSUM62, BLOSUM80, BLOSUM90, PAM30, PAM70, PAM250; case-insensitive), a path
to a file in this format, or an already loaded :class:`SubstitutionMatrix`.
The shipped files live in ``numerics/data/matrices/`` (public-domain NCBI
matrices; see the README there).
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, TextIO

import numpy as np

__all__ = [
    "FastaRecord",
    "parse_fasta",
    "read_fasta",
    "read_fasta_record",
    "load_sequence",
    "load_sequence_record",
    "SubstitutionMatrix",
    "MATRIX_NAMES",
    "parse_matrix",
    "read_matrix",
    "format_matrix",
    "write_matrix",
    "load_matrix",
]

#: Names of the substitution matrices shipped in ``numerics/data/matrices``.
MATRIX_NAMES: tuple[str, ...] = (
    "BLOSUM45", "BLOSUM50", "BLOSUM62", "BLOSUM80", "BLOSUM90",
    "PAM30", "PAM70", "PAM250",
)

PathLike = str | os.PathLike


# --------------------------------------------------------------------- FASTA

@dataclass(frozen=True)
class FastaRecord:
    """One FASTA record.

    Attributes
    ----------
    id : str
        The first word of the header line (after ``>``).
    description : str
        The whole header line after ``>``, stripped.
    sequence : str
        The sequence, whitespace removed, case kept; may be empty.
    """

    id: str
    description: str
    sequence: str


def parse_fasta(text: str, *, source: str = "<string>") -> list[FastaRecord]:
    """Parse FASTA text into its records.

    Parameters
    ----------
    text : str
        The file's content.
    source : str, default "<string>"
        What to call the text in error messages (a file name).

    Returns
    -------
    list of FastaRecord
        At least one record.

    Raises
    ------
    ValueError
        If the text holds no record, or has sequence text before the first
        ``>`` header (the message names ``source`` and the line).
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    records: list[FastaRecord] = []
    header: str | None = None
    chunks: list[str] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith(">"):
            if header is not None:
                records.append(_record(header, chunks))
            header, chunks = stripped[1:].strip(), []
        elif header is None:
            raise ValueError(
                f"{source}: line {lineno}: expected a FASTA header line starting "
                f"with '>', got {stripped[:30]!r}")
        else:
            chunks.append("".join(stripped.split()))
    if header is not None:
        records.append(_record(header, chunks))
    if not records:
        what = "empty file" if not text.strip() else "no line starts with '>'"
        raise ValueError(f"{source}: no FASTA record ({what}); expected '>id' header lines")
    return records


def read_fasta(path: PathLike) -> list[FastaRecord]:
    """Read every record of a FASTA file.

    Parameters
    ----------
    path : str or os.PathLike
        The file, UTF-8 text.

    Returns
    -------
    list of FastaRecord
        At least one record; an empty file is an error (:func:`parse_fasta`).
    """
    with open(path, encoding="utf-8") as handle:
        return parse_fasta(handle.read(), source=os.fspath(path))


def read_fasta_record(path: PathLike, record: int = 0) -> FastaRecord:
    """Read one record of a FASTA file.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    record : int, default 0
        Which record, 0-based (0 is the first record of the file).

    Raises
    ------
    ValueError
        If the file has no record, or fewer than ``record + 1`` records.
    TypeError
        If ``record`` is not an integer.
    """
    if isinstance(record, bool) or not isinstance(record, (int, np.integer)):
        raise TypeError(f"record: expected an integer record index, got {record!r}")
    records = read_fasta(path)
    if not 0 <= record < len(records):
        raise ValueError(
            f"record: {record} is out of range; {os.fspath(path)} has {len(records)} "
            f"record(s), numbered 0 to {len(records) - 1}")
    return records[int(record)]


def load_sequence(arg: str, *, record: int = 0) -> str:
    """A sequence given on a command line: a FASTA file's path, or the letters.

    If ``arg`` names an existing file it is read as FASTA and record ``record``
    (0-based) is returned; otherwise ``arg`` itself is the sequence. See
    :func:`load_sequence_record`, which also gives the sequence's name.
    """
    return load_sequence_record(arg, record=record).sequence


def load_sequence_record(arg: str, *, record: int = 0) -> FastaRecord:
    """A sequence given on a command line, as a record with its name.

    Parameters
    ----------
    arg : str
        The path of a FASTA file, or the letters themselves.
    record : int, default 0
        Which record of the file, 0-based.

    Returns
    -------
    FastaRecord
        The file's record ``record``, its ``id`` the header's first word or,
        for an empty header, the file's base name; or, when ``arg`` is not a
        file, ``FastaRecord(id="", description="", sequence=arg)``.

    Raises
    ------
    ValueError
        If ``arg`` looks like a file name (it holds a path separator or ends
        in a FASTA suffix: ``.fa``, ``.fasta``, ``.fna``, ``.faa``, ``.txt``)
        but no such file exists, or as :func:`read_fasta_record`.
    OSError, UnicodeDecodeError
        If the file cannot be read as UTF-8 text.
    """
    if not isinstance(arg, str):
        raise TypeError(f"arg: expected str, got {type(arg).__name__}")
    if os.path.isfile(arg):
        found = read_fasta_record(arg, record)
        if found.id:
            return found
        return FastaRecord(id=os.path.basename(arg), description=found.description, sequence=found.sequence)
    if any(ch in arg for ch in "/\\") or arg.lower().endswith(_FASTA_SUFFIXES):
        raise ValueError(f"file {arg!r} does not exist (give the letters themselves or a FASTA file)")
    return FastaRecord(id="", description="", sequence=arg)


#: What makes a command-line argument a file name rather than letters.
_FASTA_SUFFIXES = (".fa", ".fasta", ".fna", ".faa", ".txt")


def _record(header: str, chunks: list[str]) -> FastaRecord:
    words = header.split(maxsplit=1)
    return FastaRecord(id=words[0] if words else "", description=header,
                       sequence="".join(chunks))


# ------------------------------------------------------ substitution matrices

@dataclass(frozen=True, eq=False)
class SubstitutionMatrix:
    """A substitution matrix: score of aligning letter ``x`` against ``y``.

    Attributes
    ----------
    name : str
        The matrix's name (``"BLOSUM62"``, or a file's base name).
    alphabet : str
        The row and column letters, upper-case, in file order.
    scores : ndarray of shape (len(alphabet), len(alphabet))
        ``scores[k, l]`` is the score of ``alphabet[k]`` against ``alphabet[l]``;
        ``int64`` when every entry is an integer, else ``float64``. Read-only.
    header : tuple of str
        The file's comment lines, without the leading ``#``.
    """

    name: str
    alphabet: str
    scores: np.ndarray
    header: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        scores = np.array(self.scores)
        k = len(self.alphabet)
        if scores.shape != (k, k):
            raise ValueError(f"scores: expected shape ({k}, {k}) for alphabet "
                             f"{self.alphabet!r}, got {scores.shape}")
        if len(set(self.alphabet)) != k:
            raise ValueError(f"alphabet: letters must be distinct, got {self.alphabet!r}")
        scores.setflags(write=False)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.alphabet)})

    @property
    def is_integer(self) -> bool:
        """True when every score is an integer."""
        return self.scores.dtype.kind in "iu"

    def index(self, letter: str) -> int:
        """Row/column of ``letter`` (case-insensitive); KeyError if absent."""
        return self._index[letter.upper()]

    def __getitem__(self, pair: tuple[str, str]) -> int | float:
        x, y = pair
        value = self.scores[self.index(x), self.index(y)]
        return value.item()

    def __contains__(self, letter: object) -> bool:
        return isinstance(letter, str) and letter.upper() in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubstitutionMatrix):
            return NotImplemented
        return (self.alphabet == other.alphabet
                and np.array_equal(self.scores, other.scores))

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"SubstitutionMatrix(name={self.name!r}, alphabet={self.alphabet!r})"


def parse_matrix(text: str, *, name: str = "matrix",
                 source: str | None = None) -> SubstitutionMatrix:
    """Parse a substitution matrix in NCBI text format.

    Parameters
    ----------
    text : str
        The file's content (format in the module docstring).
    name : str, default "matrix"
        The matrix's name.
    source : str, optional
        What to call the text in error messages; defaults to ``name``.

    Raises
    ------
    ValueError
        Naming the line and what was expected: a label that is not one
        character, duplicate letters, a row of the wrong length, a score that
        is not a number, a missing or repeated row.
    """
    where = source or name
    header: list[str] = []
    columns: list[str] | None = None
    rows: dict[str, list[str]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            header.append(stripped[1:].strip() if columns is None else stripped[1:].rstrip())
            continue
        fields = stripped.split()
        if columns is None:
            columns = [_label(f, where, lineno) for f in fields]
            dup = _first_duplicate(columns)
            if dup is not None:
                raise ValueError(f"{where}: line {lineno}: letter {dup!r} appears twice "
                                 "in the header (letters are case-insensitive)")
            continue
        letter = _label(fields[0], where, lineno)
        if letter not in columns:
            raise ValueError(f"{where}: line {lineno}: row letter {letter!r} is not "
                             f"among the header's letters {''.join(columns)!r}")
        if letter in rows:
            raise ValueError(f"{where}: line {lineno}: a second row for letter {letter!r}")
        if len(fields) - 1 != len(columns):
            raise ValueError(f"{where}: line {lineno}: row {letter!r} has "
                             f"{len(fields) - 1} scores, expected {len(columns)} "
                             "(one per header letter)")
        rows[letter] = fields[1:]
    if columns is None:
        raise ValueError(f"{where}: no header line of letters (empty matrix file)")
    missing = [c for c in columns if c not in rows]
    if missing:
        raise ValueError(f"{where}: no row for letter(s) {''.join(missing)!r}")
    values: list[list[float]] = []
    integral = True
    for letter in columns:
        row = []
        for col, field in zip(columns, rows[letter]):
            try:
                value = int(field)
            except ValueError:
                try:
                    value = float(field)
                except ValueError:
                    raise ValueError(f"{where}: row {letter!r}, column {col!r}: "
                                     f"{field!r} is not a number") from None
                if not np.isfinite(value):
                    raise ValueError(f"{where}: row {letter!r}, column {col!r}: "
                                     f"{field!r} is not a finite number")
                integral = False
            row.append(value)
        values.append(row)
    scores = np.array(values, dtype=np.int64 if integral else np.float64)
    return SubstitutionMatrix(name=name, alphabet="".join(columns), scores=scores,
                              header=tuple(header))


def read_matrix(path: PathLike, *, name: str | None = None) -> SubstitutionMatrix:
    """Read a substitution matrix file in NCBI format (see :func:`parse_matrix`).

    ``name`` defaults to the file's base name.
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return parse_matrix(text, name=name or os.path.basename(os.fspath(path)),
                        source=os.fspath(path))


def format_matrix(matrix: SubstitutionMatrix, *, header: Iterable[str] | None = None) -> str:
    """The matrix as NCBI-format text (the inverse of :func:`parse_matrix`).

    ``header`` lines (default: the matrix's own) are written as ``#`` comments.
    Integer matrices are written in NCBI's right-aligned columns; decimal
    scores are written with ``repr`` so they read back exactly.
    """
    lines = [f"# {h}".rstrip() for h in (matrix.header if header is None else header)]
    if matrix.is_integer:
        cells = [[str(int(v)) for v in row] for row in matrix.scores]
    else:
        cells = [[repr(float(v)) for v in row] for row in matrix.scores]
    width = max([2] + [len(c) for row in cells for c in row]) + 1
    lines.append(" " + "".join(c.rjust(width) for c in matrix.alphabet))
    for letter, row in zip(matrix.alphabet, cells):
        lines.append(letter + "".join(c.rjust(width) for c in row))
    return "\n".join(lines) + "\n"


def write_matrix(matrix: SubstitutionMatrix, target: PathLike | TextIO, *,
                 header: Iterable[str] | None = None) -> None:
    """Write the matrix in NCBI format to a path or an open text stream."""
    text = format_matrix(matrix, header=header)
    if hasattr(target, "write"):
        target.write(text)
    else:
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def load_matrix(
        name_or_path: str | os.PathLike | SubstitutionMatrix) -> SubstitutionMatrix:
    """A substitution matrix by shipped name, by file path, or as given.

    Parameters
    ----------
    name_or_path : str, os.PathLike or SubstitutionMatrix
        One of :data:`MATRIX_NAMES` (case-insensitive), or the path of an
        NCBI-format file. A :class:`SubstitutionMatrix` is returned unchanged.

    Raises
    ------
    ValueError
        For a name that is neither shipped nor an existing file; the message
        lists the known names.
    """
    if isinstance(name_or_path, SubstitutionMatrix):
        return name_or_path
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError("matrix: expected a matrix name, a file path or a "
                        f"SubstitutionMatrix, got {type(name_or_path).__name__}")
    text = os.fspath(name_or_path)
    if text.upper() in MATRIX_NAMES:
        return _shipped(text.upper())
    if os.path.isfile(text):
        return read_matrix(text)
    raise ValueError(f"matrix: unknown matrix {text!r}; known names are "
                     f"{', '.join(MATRIX_NAMES)}, or give the path of an NCBI-format file")


@functools.lru_cache(maxsize=None)
def _shipped(name: str) -> SubstitutionMatrix:
    path = resources.files(__package__) / "data" / "matrices" / name
    return parse_matrix(path.read_text(encoding="utf-8"), name=name,
                        source=f"numerics/data/matrices/{name}")


def _label(field: str, where: str, lineno: int) -> str:
    if len(field) != 1:
        raise ValueError(f"{where}: line {lineno}: {field!r} is not a single-letter label")
    return field.upper()


def _first_duplicate(items: list[str]) -> str | None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None
