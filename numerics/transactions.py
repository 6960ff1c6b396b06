r"""Transaction databases: the readers of the four input forms, in one place.

A *transaction database* is a list of transactions; a *transaction* is a
**set** of items (a repeated item counts once, and the reader says so in
:attr:`TransactionDatabase.notes`); an empty transaction is a transaction
and counts in N. Items are ordered by the natural order of their type:
integers numerically, names by code point; a database holds integers or
names, never both.

The four forms, all read here and nowhere else:

* **lines** (the FIMI / SPMF form): one transaction per line, items
  separated by spaces, or by commas as soon as any line holds a comma (then
  a name may contain spaces; spaces around a name are dropped, and empty
  fields such as a trailing comma are ignored). A blank line is an *empty
  transaction*, counted in N (the file's final line break ends the last
  line, it does not add one). Lines whose first character other than a
  space is ``#``, ``%`` or ``@`` are comments or SPMF metadata, and
  ``@ITEM=7=bread`` names item 7. When every item is an integer written
  plainly (``7``, ``-2``, not ``07`` or ``+7``) the items are integers,
  else they are names.

  Two prefixes, as textbooks print transaction tables: a **count**
  ``N x`` (``3 x I1, I2``: the line counts as N identical transactions, in
  N and in every support; ``×`` is read as ``x``; after the id when there
  is one, ``T100 3 x I1, I2``), and a **transaction id** (``T100 I1, I2, I5``, ``T100: I1 I2 I5``, ``T100, I1, I2``), kept
  for the worked steps and never read as an item. The id column is
  detected when the first word of every line is a distinct id of one shape
  (letters then digits, ``T100``, or an integer beside named items) and no
  item has that shape; ``tid_column=True`` forces it (any first word), and
  ``False`` reads the first word as an item. A first line ``TID ...`` is
  then a header, skipped. A note says what was detected.
* **CSV baskets**: one transaction per row, one item per non-empty cell
  (cells stripped of surrounding spaces), no header (a first cell that is
  an id, ``T100,I1,I2``, is detected as in the lines form); CSV quoting lets a
  name hold a comma. Rows may have different lengths, or be padded with
  empty cells (as pandas writes them). Blank rows are skipped, as the
  project's CSV reader (:func:`numerics.io.read_csv`) does: write an empty
  transaction in another form (a blank line, ``[]`` in JSON, a one-hot row
  of zeros).
* **one-hot CSV** (as pandas and mlxtend users have it): a header of item
  names, then one row per transaction of ``0``/``1`` cells (``True`` and
  ``False``, as pandas writes a bool frame, also read); any other value is
  an error naming its line and column. A first header cell that is empty is
  pandas' index column and is skipped.
* **JSON**: a list of transactions, each a list of item names (strings,
  kept exactly) or integers.

:func:`read_transactions` reads a file (or ``-``, standard input) and picks
the form from the extension (``.json``; ``.csv``: one-hot when every row
has the header's width and most data cells are 0/1, else baskets) or, for
any other name, from the content (``[`` first: JSON, else lines).
"""
from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Iterable

__all__ = [
    "TransactionDatabase", "FORMATS", "read_transactions", "parse_transactions", "read_lines",
    "read_json", "read_csv_baskets", "read_onehot", "from_transactions",
]

FORMATS = ("auto", "lines", "csv", "onehot", "json")
_MAX_NOTES = 8
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_ITEM_NAME = re.compile(r"@ITEM=(-?\d+)=(.*)\Z")
_ONEHOT_VALUES = {"0": False, "1": True, "true": True, "false": False}
_COUNT = re.compile(r"\s*(\d+)(?:\s+[xX]\s+|\s*×\s*)")
_TID = re.compile(r"([A-Za-z]*)(\d+)\Z")
_TID_HEADERS = ("tid", "tids", "id", "transaction", "transactions", "transaction id", "trans. id")
#: the largest N a file's counts may add up to (the counted rows are expanded)
MAX_COUNTED = 10_000_000


@dataclass(frozen=True)
class TransactionDatabase:
    """A transaction database as read, normalised.

    Attributes
    ----------
    transactions : tuple of tuple
        Each transaction a sorted tuple of distinct items (empty allowed).
    items : tuple
        Every distinct item, in natural order.
    format : str
        ``"lines"``, ``"csv"``, ``"onehot"``, ``"json"`` or ``"python"``.
    source : str
        The input's name (a file name, ``"-"``, ``"DB"``).
    notes : tuple of str
        What reading changed or decided (repeated items counted once, empty
        transactions).
    multiplicities : tuple of dict, optional
        Per transaction, the items that were written more than once and how
        often (``{item: count}``, empty for most); None when nothing repeats.
        Support counts each transaction once; this keeps what was typed, so a
        checker can recognise a student who counted repeats.
    tids : tuple of str, optional
        Per *printed row*, its transaction id as typed (``"T100"``; None for
        a row without one); None when the input has no id column.
    counts : tuple of int, optional
        Per printed row, how many transactions it stands for (``3 x I1, I2``);
        None when no row has a count. ``transactions`` holds each row
        ``count`` times, so N and every support count it that often.
    """

    transactions: tuple
    items: tuple
    format: str = "python"
    source: str = "DB"
    notes: tuple = field(default_factory=tuple)
    multiplicities: tuple | None = None
    tids: tuple | None = None
    counts: tuple | None = None

    @property
    def rows(self) -> list:
        """The printed rows: ``(tid, count, transaction)`` each (tid None without an id column)."""
        counts = self.counts or (1,) * len(self.transactions)
        tids = self.tids or (None,) * len(counts)
        out, pos = [], 0
        for tid, c in zip(tids, counts):
            out.append((tid, c, self.transactions[pos]))
            pos += c
        return out

    @property
    def n_transactions(self) -> int:
        return len(self.transactions)

    @property
    def n_empty(self) -> int:
        """The number of empty transactions (they count in N)."""
        return sum(1 for t in self.transactions if not t)

    def __len__(self) -> int:
        return len(self.transactions)

    def __iter__(self):
        return iter(self.transactions)

    def __getitem__(self, i):
        return self.transactions[i]


# ------------------------------------------------------------------ dispatch
def read_transactions(source, *, format: str = "auto", name: str | None = None,  # noqa: A002
                      tid_column: bool | None = None) -> TransactionDatabase:
    """Read a transaction database from a file, or from standard input for ``"-"``.

    Parameters
    ----------
    source : str or path
        The file; ``"-"`` reads standard input.
    format : {"auto", "lines", "csv", "onehot", "json"}
        ``auto`` decides by the extension, else by the content (module docstring).
    name : str, optional
        The name used in error messages (default: the file name, or ``DB``).
    tid_column : bool, optional
        Whether the first word of each line (or cell of each CSV row) is a
        transaction id: None detects it (module docstring), True forces it,
        False reads it as an item.

    Raises
    ------
    ValueError
        An unreadable file, or malformed content: naming the source, the line
        (and column) and what was expected.
    """
    label = name or ("DB" if str(source) == "-" else str(source))
    if format not in FORMATS:
        raise ValueError(f"{label}: format {format!r} is not one of {', '.join(FORMATS)}")
    if str(source) == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise ValueError(f"{label}: standard input is not UTF-8 text (byte {exc.start + 1})") from None
        suffix = ""
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"{label}: cannot read {str(path)!r}: {exc.strerror or exc}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise ValueError(f"{label}: line {line}: not UTF-8 text (byte {exc.start + 1})") from None
        suffix = path.suffix.lower()
    if format == "auto" and suffix == ".json":
        format = "json"  # noqa: A001
    elif format == "auto" and suffix in (".csv", ".tsv"):
        format = "csv-auto"  # noqa: A001
    return parse_transactions(text, format=format, source=label, tid_column=tid_column)


def parse_transactions(text: str, *, format: str = "auto", source: str = "DB",  # noqa: A002
                       tid_column: bool | None = None) -> TransactionDatabase:
    """Read a transaction database from its text (see the module docstring).

    ``format="auto"`` reads JSON when the first character other than white
    space is ``[``, else the lines form; ``"csv-auto"`` chooses between CSV
    baskets and one-hot CSV.
    """
    if not isinstance(text, str):
        raise TypeError(f"{source}: expected text, got {type(text).__name__}")
    if format == "auto":
        format = "json" if text.lstrip().startswith("[") else "lines"  # noqa: A001
    if format == "json":
        return read_json(text, source=source)
    if format == "lines":
        return read_lines(text, source=source, tid_column=tid_column)
    if format == "csv":
        return read_csv_baskets(text, source=source, tid_column=tid_column)
    if format == "onehot":
        return read_onehot(text, source=source)
    if format == "csv-auto":
        if _ragged_plain(text):
            return _ragged_baskets(text, source, tid_column)
        header, rows = _csv(text, source)
        return (_onehot(header, rows, source) if _looks_onehot(header, rows)
                else _baskets(header, rows, source, tid_column))
    raise ValueError(f"{source}: format {format!r} is not one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------- lines
def read_lines(text: str, *, source: str = "DB", tid_column: bool | None = None) -> TransactionDatabase:
    """One transaction per line, items separated by spaces or commas (FIMI / SPMF); ``N x`` and id prefixes."""
    lines = text.splitlines()
    names: dict[str, str] = {}
    content: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        s = line.strip()
        if s[:1] in ("#", "%", "@"):
            m = _ITEM_NAME.match(s)
            if m:
                names[str(int(m.group(1)))] = m.group(2).strip()
            continue
        content.append((number, line))
    counts, counted = [], []
    for i, (number, line) in enumerate(content):
        m = _COUNT.match(line)
        if m and line[m.end():].strip():
            count = int(m.group(1))
            if count < 1:
                raise ValueError(f"{source}: line {number}: the count {count} x: a row stands for at least one "
                                 "transaction (delete the line to leave it out)")
            content[i] = (number, line[m.end():])
            counted.append(number)
        counts.append(int(m.group(1)) if m and line[m.end():].strip() else 1)
    commas = any("," in line for _, line in content)
    rows, where = [], []
    for number, line in content:
        tokens = [t.strip() for t in line.split(",")] if commas else line.split()
        rows.append([t for t in tokens if t])
        where.append(f"line {number}")
    rows, where, counts, tids, notes = _tid_column(rows, where, counts, tid_column, source,
                                                   split_first=commas)
    if tids is not None:  # a count after the id: "T100 3 x I1, I2"
        for i, row in enumerate(rows):
            line = ", ".join(row) if commas else " ".join(row)
            m = _COUNT.match(line)
            if m and counts[i] == 1 and line[m.end():].strip():
                count = int(m.group(1))
                if count < 1:
                    raise ValueError(f"{source}: {where[i]}: the count {count} x: a row stands for at least one "
                                     "transaction (delete the line to leave it out)")
                rest = line[m.end():]
                rows[i] = [t for t in ([x.strip() for x in rest.split(",")] if commas else rest.split()) if t]
                counts[i] = count
                counted.append(int(where[i].split()[1]))
    for row, here in zip(rows, where):
        for j, t in enumerate(row):
            _check_name(t, f"{source}: {here}, item {j + 1}")
    if names:
        rows = [[names.get(str(int(t)), t) if _INTEGER.match(t) else t for t in row] for row in rows]
    elif rows and all(_INTEGER.match(t) for t in chain.from_iterable(rows)):
        rows = [[int(t) for t in row] for row in rows]
    if counted:
        notes.append(_count_note(counted, counts))
    return _build(rows, where, "lines", source, tids=tids, counts=counts if counted else None, first_notes=notes)


def _count_note(counted: list, counts: list) -> str:
    shown = ", ".join(map(str, counted[:_MAX_NOTES])) + (", ..." if len(counted) > _MAX_NOTES else "")
    return (f"{len(counted)} line{'s' if len(counted) != 1 else ''} ({'line' if len(counted) == 1 else 'lines'} "
            f"{shown}) start{'s' if len(counted) == 1 else ''} with a count 'N x': each stands for N identical "
            f"transactions, counted N times in N = {sum(counts)} and in every support")


def _tid_column(rows: list, where: list, counts: list, tid_column, source: str, *, split_first: bool):
    """Take the transaction ids off the rows when there is an id column (detected, or forced)."""
    notes: list[str] = []
    if tid_column is False:
        return rows, where, counts, None, notes

    def first(row):
        """(the first word, the row without it)."""
        if not row:
            return None, []
        if split_first:
            parts = row[0].split(None, 1)
            word, rest = parts[0], ([parts[1].strip()] if len(parts) > 1 and parts[1].strip() else [])
            return word, rest + row[1:]
        return row[0], row[1:]

    split = [first(row) for row in rows]
    # a header line such as "TID  List of item_IDs"
    header = None
    lead = next((i for i, row in enumerate(rows) if row), None)
    if lead is not None and len([r for r in rows if r]) > 1:
        label = (rows[lead][0] if split_first else " ".join(rows[lead][:2])).lower().rstrip(":")
        if split[lead][0].lower().rstrip(":") in _TID_HEADERS or label in _TID_HEADERS:
            header = lead
    body = [i for i, row in enumerate(rows) if row and i != header]
    words_ = [split[i][0].rstrip(":") or split[i][0] for i in body]
    if tid_column is None:
        shapes = [_TID.match(w) for w in words_]
        prefixes = {m.group(1) for m in shapes if m}
        detected = (bool(body) and all(shapes) and len(set(words_)) == len(words_) and len(prefixes) == 1)
        if detected:
            prefix = prefixes.pop()
            shape = re.compile(re.escape(prefix) + r"\d+\Z")
            detected = not any(shape.match(t) for i in body for t in split[i][1])
        if not detected:
            if split_first and body and all(len(rows[i][0].split()) > 1 and _TID.match(words_[k])
                                            for k, i in enumerate(body)):
                notes.append("every line's first field starts with a word like a transaction id "
                             f"({words_[0]}) followed by a space; they are read as part of the first item's name "
                             "because the words are not distinct ids of one shape: pass --tid-column if they are ids")
            return rows, where, counts, None, notes
    elif not body:
        return rows, where, counts, None, notes
    tids = []
    new_rows, new_where, new_counts = [], [], []
    for i, row in enumerate(rows):
        if i == header:
            continue
        if row:
            tids.append(split[i][0].rstrip(":") or split[i][0])
            new_rows.append(split[i][1])
        else:
            tids.append(None)
            new_rows.append([])
        new_where.append(where[i] + (f" ({tids[-1]})" if tids[-1] else ""))
        new_counts.append(counts[i])
    ids = [t for t in tids if t is not None]
    shown = ", ".join(ids[:3]) + (", ..., " + ids[-1] if len(ids) > 4 else "".join(", " + x for x in ids[3:]))
    how = "given (--tid-column)" if tid_column else ("detected: the first word of every line is a distinct id "
                                                    "of one shape that no item has; --no-tid-column reads it "
                                                    "as an item")
    notes.append(f"transaction ids {shown} read from the first column, not as items ({how})"
                 + (f"; {where[header]} ({' '.join(rows[header])!r}) is a header, skipped"
                    if header is not None else ""))
    return new_rows, new_where, new_counts, tuple(tids), notes


# ---------------------------------------------------------------------- JSON
def read_json(text: str, *, source: str = "DB") -> TransactionDatabase:
    """A JSON list of transactions, each a list of item names (strings) or integers."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a JSON list of transactions (each a list of item names), "
                         f"got a JSON {_json_type(data)}")
    kind_seen: tuple[type, str] | None = None
    rows, where = [], []
    for i, t in enumerate(data, 1):
        if not isinstance(t, list):
            raise ValueError(f"{source}: transaction {i}: expected a list of item names, got a JSON {_json_type(t)}")
        for j, x in enumerate(t, 1):
            here = f"{source}: transaction {i}, item {j}"
            if isinstance(x, bool) or not isinstance(x, (str, int)):
                raise ValueError(f"{here}: expected a string or an integer, got {json.dumps(x)}")
            if isinstance(x, str):
                _check_name(x, here)
            kind = str if isinstance(x, str) else int
            if kind_seen is None:
                kind_seen = (kind, f"transaction {i}, item {j}")
            elif kind is not kind_seen[0]:
                raise ValueError(f"{here}: is {'a string' if kind is str else 'an integer'} but {kind_seen[1]} is "
                                 f"{'a string' if kind_seen[0] is str else 'an integer'}; items are all names "
                                 "or all integers (write integers as strings to mix them)")
        rows.append(list(t))
        where.append(f"transaction {i}")
    return _build(rows, where, "json", source)


# ----------------------------------------------------------------------- CSV
def read_csv_baskets(text: str, *, source: str = "DB", tid_column: bool | None = None) -> TransactionDatabase:
    """CSV baskets: one transaction per row, one item per non-empty cell, no header (an id first cell detected)."""
    if _ragged_plain(text):
        return _ragged_baskets(text, source, tid_column)
    header, rows = _csv(text, source)
    return _baskets(header, rows, source, tid_column)


def read_onehot(text: str, *, source: str = "DB") -> TransactionDatabase:
    """One-hot CSV: a header of item names, then 0/1 cells, one row per transaction."""
    header, rows = _csv(text, source)
    return _onehot(header, rows, source)


def _csv(text: str, source: str) -> tuple[tuple | None, list]:
    """The rows of a CSV text read by :func:`numerics.io.read_csv`: (first row, the others), each (line, cells)."""
    if not text.strip():
        return None, []
    from .io import read_csv
    buffer = io.StringIO(text)
    buffer.name = source
    table = read_csv(buffer, header=False)
    rows = list(zip(table.row_numbers, table.rows))
    return rows[0], rows[1:]


def _ragged_plain(text: str) -> bool:
    """A CSV text without quotes whose non-blank lines have different numbers of fields."""
    if '"' in text:
        return False
    widths = {line.count(",") for line in text.splitlines() if line.strip()}
    return len(widths) > 1


def _ragged_baskets(text: str, source: str, tid_column=None) -> TransactionDatabase:
    """Baskets of different lengths and no quotes: each non-blank line split at its commas."""
    rows, where = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        tokens = [t.strip() for t in line.split(",")]
        tokens = [t for t in tokens if t]
        for j, t in enumerate(tokens, 1):
            _check_name(t, f"{source}: line {number}, item {j}")
        rows.append(tokens)
        where.append(f"line {number}")
    rows, where, _, tids, notes = _tid_column(rows, where, [1] * len(rows), tid_column, source, split_first=False)
    return _build(rows, where, "csv", source, tids=tids, first_notes=notes)


def _baskets(header, rows, source, tid_column=None) -> TransactionDatabase:
    all_rows = ([header] if header is not None else []) + rows
    items, where = [], []
    for number, cells in all_rows:
        tokens = []
        for j, c in enumerate(cells, 1):
            c = c.strip()
            if c:
                _check_name(c, f"{source}: line {number}, column {j}")
                tokens.append(c)
        items.append(tokens)
        where.append(f"line {number}")
    items, where, _, tids, notes = _tid_column(items, where, [1] * len(items), tid_column, source,
                                               split_first=False)
    return _build(items, where, "csv", source, tids=tids, first_notes=notes)


def _looks_onehot(header, rows) -> bool:
    if header is None or not rows:
        return False
    width = len(header[1])
    if any(len(cells) != width for _, cells in rows):
        return False
    cells = [c.strip().lower() for _, row in rows for c in row[1 if not header[1][0].strip() else 0:]]
    return sum(c in _ONEHOT_VALUES for c in cells) * 2 > len(cells)


def _onehot(header, rows, source) -> TransactionDatabase:
    if header is None:
        return _build([], [], "onehot", source)
    number, names = header
    names = [n.strip() for n in names]
    skip = 1 if names and not names[0] else 0  # pandas' index column
    seen: dict[str, int] = {}
    for j, n in enumerate(names[skip:], skip + 1):
        if not n:
            raise ValueError(f"{source}: line {number}, column {j}: empty item name in the one-hot header")
        _check_name(n, f"{source}: line {number}, column {j}")
        if n in seen:
            raise ValueError(f"{source}: line {number}, column {j}: item {n!r} repeats column {seen[n]}; "
                             "one-hot columns must be distinct items")
        seen[n] = j
    transactions, where = [], []
    for line, cells in rows:
        if len(cells) != len(names):
            raise ValueError(f"{source}: line {line}: {len(cells)} cells, but the header has {len(names)}; "
                             "one-hot rows must have a 0/1 cell per item")
        t = []
        for j in range(skip, len(names)):
            value = _ONEHOT_VALUES.get(cells[j].strip().lower())
            if value is None:
                raise ValueError(f"{source}: line {line}, column {j + 1} ({names[j]!r}): expected 0 or 1, "
                                 f"got {cells[j]!r}")
            if value:
                t.append(names[j])
        transactions.append(t)
        where.append(f"line {line}")
    db = _build(transactions, where, "onehot", source)
    # every header item is an item of the database, even when no transaction holds it
    items = tuple(sorted(set(db.items) | set(seen)))
    return TransactionDatabase(db.transactions, items, "onehot", source, db.notes)


# ----------------------------------------------------------- from Python data
def from_transactions(transactions: Iterable, *, what: str = "transactions") -> TransactionDatabase:
    """A database from Python data: an iterable of iterables of items of one orderable type."""
    if isinstance(transactions, TransactionDatabase):
        return transactions
    if isinstance(transactions, (str, bytes)) or not isinstance(transactions, Iterable):
        raise ValueError(f"{what}: expected a list of transactions (each a list of items), "
                         f"got {type(transactions).__name__}")
    rows, where = [], []
    for i, t in enumerate(transactions, 1):
        if isinstance(t, (str, bytes)) or not isinstance(t, Iterable):
            raise ValueError(f"{what}: transaction {i} is {type(t).__name__} {t!r}; expected a list of items "
                             "(wrap a single item in a list)")
        row = list(t)
        for j, x in enumerate(row, 1):
            if isinstance(x, str):
                _check_name(x, f"{what}: transaction {i}, item {j}")
        rows.append(row)
        where.append(f"transaction {i}")
    return _build(rows, where, "python", what)


# ------------------------------------------------------------------- helpers
def _build(rows: list[list], where: list[str], form: str, source: str, *, tids=None, counts=None,
           first_notes=()) -> TransactionDatabase:
    notes: list[str] = list(first_notes)
    if counts is not None and sum(counts) > MAX_COUNTED:
        raise ValueError(f"{source}: the counts add up to N = {sum(counts)} transactions, above the "
                         f"{MAX_COUNTED:,} this reader expands")
    transactions = []
    try:
        distinct = set(chain.from_iterable(rows))
        items = tuple(sorted(distinct))
    except TypeError:
        kinds = sorted({type(x).__name__ for x in chain.from_iterable(rows)})
        raise ValueError(f"{source}: items must be of one orderable type (their natural order sorts itemsets); "
                         f"got {', '.join(kinds)}") from None
    repeated = 0
    multiplicities = []
    for row, here in zip(rows, where):
        t = tuple(sorted(set(row)))
        multiplicities.append({x: row.count(x) for x in t if row.count(x) > 1} if len(t) < len(row) else {})
        if len(t) < len(row):
            repeated += 1
            if repeated <= _MAX_NOTES:
                again = sorted({x for x in row if row.count(x) > 1})
                notes.append(f"{here}: {', '.join(map(str, again))} repeated; a transaction is a set, "
                             "so a repeated item counts once")
        transactions.append(t)
    if repeated > _MAX_NOTES:
        notes.append(f"... and {repeated - _MAX_NOTES} more transactions with repeated items")
    empty = [here for t, here in zip(transactions, where) if not t]
    if empty:
        shown = ", ".join(empty[:_MAX_NOTES]) + (", ..." if len(empty) > _MAX_NOTES else "")
        notes.append(f"{len(empty)} empty transaction{'s' if len(empty) != 1 else ''} ({shown}): "
                     "counted in N")
    if counts is not None:  # each counted row stands for that many identical transactions
        transactions = [t for t, c in zip(transactions, counts) for _ in range(c)]
        multiplicities = [m for m, c in zip(multiplicities, counts) for _ in range(c)]
    return TransactionDatabase(tuple(transactions), items, form, source, tuple(notes),
                               tuple(multiplicities) if repeated else None,
                               tuple(tids) if tids is not None else None,
                               tuple(counts) if counts is not None else None)


def _check_name(name: str, where: str) -> None:
    for pos, ch in enumerate(name, 1):
        if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\t":
            raise ValueError(f"{where}: item name {name!r} holds control character U+{ord(ch):04X} "
                             f"at position {pos}")
    if not name:
        raise ValueError(f"{where}: empty item name")


def _json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")
