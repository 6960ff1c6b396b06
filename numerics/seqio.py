r"""Sequence and substitution-matrix files: the project's one FASTA reader and
one substitution-matrix reader.

FASTA
-----
A FASTA file is a list of records, each a header line ``>id description``
followed by any number of sequence lines. Here:

* sequence lines are concatenated with all whitespace removed; letters keep
  their case (alignment scoring is case-insensitive anyway);
* blank lines, ``#`` comment lines and old-style (Pearson) ``;`` comment lines
  are ignored anywhere;
* a record may have an empty sequence (empty sequences are valid input);
* other text before the first ``>`` header (Pearson-style free text: a title,
  a citation) is skipped, and a note (:attr:`FastaRecords.notes`) says how many
  lines were skipped and which;
* aligned FASTA keeps its gap characters ``-`` and ``.`` (:data:`GAP_CHARACTERS`)
  unless ``ungap=True``, which removes them and says so in a note;
* a file without any record (no line starts with ``>``) is an error that
  names the file.

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
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, TextIO

import numpy as np

from .inputs import read_text
from .outputs import write_bytes

__all__ = [
    "FastaRecord",
    "FastaRecords",
    "GAP_CHARACTERS",
    "gap_characters",
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
    notes : tuple of str
        What the reader did to the file it came from (free text skipped, gap
        characters removed); not compared by ``==``.
    """

    id: str
    description: str
    sequence: str
    notes: tuple[str, ...] = field(default=(), compare=False, repr=False)


class FastaRecords(list):
    """The records of a FASTA file: a list of :class:`FastaRecord` with the reader's notes.

    Attributes
    ----------
    notes : tuple of str
        One sentence per thing the reader did besides reading: free text
        before the first header skipped (how many lines, which), gap
        characters removed (``ungap=True``). Empty for a plain file.
    """

    notes: tuple[str, ...] = ()


#: The gap characters of aligned FASTA (removed by ``ungap=True``).
GAP_CHARACTERS = "-."


def gap_characters(sequence: str) -> str:
    """The gap characters (:data:`GAP_CHARACTERS`) that occur in ``sequence``, in that order ('' if none)."""
    return "".join(c for c in GAP_CHARACTERS if c in sequence)


def parse_fasta(text: str, *, source: str = "<string>", ungap: bool = False) -> FastaRecords:
    """Parse FASTA text into its records.

    Parameters
    ----------
    text : str
        The file's content.
    source : str, default "<string>"
        What to call the text in error messages and notes (a file name).
    ungap : bool, default False
        Remove the gap characters ``-`` and ``.`` of aligned FASTA from every
        sequence (a note says how many, from how many records). Without it
        they are kept as they stand (see :func:`gap_characters`).

    Returns
    -------
    FastaRecords
        At least one record; ``notes`` says what was skipped or removed.

    Raises
    ------
    ValueError
        If the text holds no record (no line starts with ``>``; the message
        names ``source``).
    """
    if not isinstance(text, str):
        raise TypeError(f"text: expected str, got {type(text).__name__}")
    if not isinstance(ungap, bool):
        raise TypeError(f"ungap: expected True or False, got {ungap!r}")
    records = FastaRecords()
    header: str | None = None
    chunks: list[str] = []
    skipped: list[int] = []   # lines of free text before the first header
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "#")):
            continue
        if stripped.startswith(">"):
            if header is not None:
                records.append(_record(header, chunks))
            header, chunks = stripped[1:].strip(), []
        elif header is None:
            skipped.append(lineno)
        else:
            chunks.append("".join(stripped.split()))
    if header is not None:
        records.append(_record(header, chunks))
    if not records:
        what = "empty file" if not text.strip() else "no line starts with '>'"
        raise ValueError(f"{source}: no FASTA record ({what}); expected '>id' header lines")
    notes = []
    if skipped:
        notes.append(f"{source}: {_count(len(skipped), 'line')} of text before the first '>' header skipped "
                     f"({_lines(skipped)}; Pearson-style free text).")
    if ungap:
        removed = [sum(r.sequence.count(c) for c in GAP_CHARACTERS) for r in records]
        if any(removed):
            found = sorted({c for r in records for c in gap_characters(r.sequence)}, key=GAP_CHARACTERS.index)
            notes.append(f"{source}: {_count(sum(removed), 'gap character')} "
                         f"({' and '.join(repr(c) for c in found)}) removed from "
                         f"{_count(sum(1 for k in removed if k), 'record')} (aligned FASTA, ungapped).")
            records[:] = [FastaRecord(r.id, r.description, r.sequence.translate(_UNGAP)) for r in records]
    records.notes = tuple(notes)
    return records


_UNGAP = str.maketrans("", "", GAP_CHARACTERS)


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _lines(numbers: list[int]) -> str:
    """``line 3``, ``lines 1-4``, or ``lines 1-2, 5`` (runs as ranges; at most 6 runs shown)."""
    runs: list[str] = []
    start = prev = numbers[0]
    for k in numbers[1:] + [None]:
        if k is not None and k == prev + 1:
            prev = k
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if k is not None:
            start = prev = k
    shown = ", ".join(runs[:6]) + (f", and {len(runs) - 6} more runs" if len(runs) > 6 else "")
    return f"line {shown}" if len(numbers) == 1 else f"lines {shown}"


def read_fasta(path: PathLike, *, ungap: bool = False) -> FastaRecords:
    """Read every record of a FASTA file.

    Parameters
    ----------
    path : str or os.PathLike
        The file: UTF-8 text (a byte-order mark is skipped), or UTF-16/UTF-32
        with a byte-order mark; gzip-compressed files are decompressed. Only
        regular files are read, up to the limit ``file-size``.
    ungap : bool, default False
        Remove the gap characters ``-`` and ``.`` (aligned FASTA); see :func:`parse_fasta`.

    Returns
    -------
    FastaRecords
        At least one record, and the reader's ``notes``; an empty file is an
        error (:func:`parse_fasta`).
    """
    name = os.fspath(path)
    return parse_fasta(read_text(name, what=name), source=name, ungap=ungap)


def read_fasta_record(path: PathLike, record: int = 0, *, ungap: bool = False) -> FastaRecord:
    """Read one record of a FASTA file.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    record : int, default 0
        Which record, 0-based (0 is the first record of the file).
    ungap : bool, default False
        Remove the gap characters ``-`` and ``.`` (aligned FASTA).

    Returns
    -------
    FastaRecord
        The record, its ``notes`` those of the whole file (:attr:`FastaRecords.notes`).

    Raises
    ------
    ValueError
        If the file has no record, or fewer than ``record + 1`` records.
    TypeError
        If ``record`` is not an integer.
    """
    if isinstance(record, bool) or not isinstance(record, (int, np.integer)):
        raise TypeError(f"record: expected an integer record index, got {record!r}")
    records = read_fasta(path, ungap=ungap)
    if not 0 <= record < len(records):
        raise ValueError(
            f"record: {record} is out of range; {os.fspath(path)} has {len(records)} "
            f"record(s), numbered 0 to {len(records) - 1}")
    found = records[int(record)]
    return FastaRecord(found.id, found.description, found.sequence, notes=records.notes)


def load_sequence(arg: str, *, record: int = 0, ungap: bool = False) -> str:
    """A sequence given on a command line: a FASTA file's path, or the letters.

    If ``arg`` names an existing file it is read as FASTA and record ``record``
    (0-based) is returned; otherwise ``arg`` itself is the sequence. See
    :func:`load_sequence_record`, which also gives the sequence's name.
    """
    return load_sequence_record(arg, record=record, ungap=ungap).sequence


def load_sequence_record(arg: str, *, record: int = 0, ungap: bool = False) -> FastaRecord:
    """A sequence given on a command line, as a record with its name.

    Parameters
    ----------
    arg : str
        The path of a FASTA file, or the letters themselves.
    record : int, default 0
        Which record of the file, 0-based.
    ungap : bool, default False
        Remove the gap characters ``-`` and ``.`` from the file's records, or
        from the letters given (a note says how many).

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
        in a FASTA suffix: ``.fa``, ``.fasta``, ``.fna``, ``.faa``, ``.txt``,
        each also with ``.gz``) but no such file exists; if the path is not a
        regular file (a device, FIFO or directory), is over the limit
        ``file-size``, or is not text; or as :func:`read_fasta_record`.
    """
    if not isinstance(arg, str):
        raise TypeError(f"arg: expected str, got {type(arg).__name__}")
    if os.path.lexists(arg):  # any existing path, so a device, FIFO or directory is refused by name
        found = read_fasta_record(arg, record, ungap=ungap)
        if found.id:
            return found
        return FastaRecord(id=os.path.basename(arg), description=found.description, sequence=found.sequence,
                           notes=found.notes)
    if any(ch in arg for ch in "/\\") or arg.lower().endswith(_FASTA_SUFFIXES):
        raise ValueError(f"file {arg!r} does not exist (give the letters themselves or a FASTA file)")
    if ungap and gap_characters(arg):
        n = sum(arg.count(c) for c in GAP_CHARACTERS)
        shown = " and ".join(repr(c) for c in gap_characters(arg))
        return FastaRecord(id="", description="", sequence=arg.translate(_UNGAP),
                           notes=(f"{_count(n, 'gap character')} ({shown}) removed from the letters "
                                  f"{arg[:30]!r}{'...' if len(arg) > 30 else ''} (ungapped).",))
    return FastaRecord(id="", description="", sequence=arg)


#: What makes a command-line argument a file name rather than letters.
_FASTA_SUFFIXES = tuple(s + gz for s in (".fa", ".fasta", ".fna", ".faa", ".txt") for gz in ("", ".gz"))


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
        for col, cell in zip(columns, rows[letter]):
            try:
                value = int(cell)
            except ValueError:
                try:
                    value = float(cell)
                except ValueError:
                    raise ValueError(f"{where}: row {letter!r}, column {col!r}: "
                                     f"{cell!r} is not a number") from None
                if not np.isfinite(value):
                    raise ValueError(f"{where}: row {letter!r}, column {col!r}: "
                                     f"{cell!r} is not a finite number")
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
    text = read_text(os.fspath(path), what=os.fspath(path))
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
        write_bytes(target, text, what="target")  # atomic; a link or device written through


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
    if os.path.lexists(text):  # a device, FIFO or directory is refused by read_matrix, by name
        try:
            return read_matrix(text)
        except ValueError as exc:
            raise ValueError(f"matrix: {exc}") from None
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
