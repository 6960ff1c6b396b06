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
* **CSV baskets**: one transaction per row, one item per non-empty cell;
  CSV quoting lets a name hold a comma. Rows may have different lengths
  (quoted or not), or be padded with empty cells (as pandas writes them).
  Blank rows are skipped: write an empty transaction in another form (a
  blank line, ``[]`` in JSON, a one-hot row of zeros). A first cell that is
  an id (``T100,I1,I2``) is detected as in the lines form. A **header row**,
  as pandas writes one, is detected (``header=None``) when its first cell
  is empty (pandas' index column below it) or names an id column
  (``TID``, ``id``, ``Transaction``, ...), or when its cells are numbered
  column names (``0,1,2,...``, ``Item1,Item2,...``) none of which occurs
  as an item below; ``header=True`` / ``False`` decides it. Under an empty
  or id header cell the first column holds the transaction ids
  (``tid_column=False`` reads it as items). A note says what was detected.
* **one-hot CSV** (as pandas and mlxtend users have it): a header of item
  names, then one row per transaction of ``0``/``1`` cells (``True`` and
  ``False``, as pandas writes a bool frame, also read); any other value is
  an error naming its line and column. The first column holds transaction
  ids when its header cell is empty (pandas' index), names an id column
  (``TID``, ``id``, ...), or when its cells are distinct labels that are not
  0/1 (``T100``); a column headed ``count`` holds each row's count, a
  positive integer: the row stands for that many transactions.
* **JSON**: a list of transactions, each a list of item names (strings,
  kept exactly) or integers, or an object ``{"tid": "T100", "items": [...],
  "count": 3}`` (``tid`` and ``count`` optional) for ids and counts.

**Spaces around names** (lines with commas, CSV cells and headers): a
name's leading spaces are dropped (``I1, I2``); trailing ones too by
default (``strip=True``), and a note names the items this merged
(``cream cheese `` and ``cream cheese``); ``strip=False`` keeps trailing
(and inner) spaces, so such items stay apart.

:func:`read_transactions` reads a file (or ``-``, standard input) through
:func:`numerics.inputs.read_text` (regular files only, bounded size, gzip,
any BOM) and picks the form from the extension (``.json``; ``.csv``,
``.csv.gz``: one-hot when every row has the header's width and most item
cells are 0/1, else baskets) or, for any other name, from the content
(``[`` first: JSON, else lines).
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Iterable

from .inputs import load_json, read_text
from .limits import require

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
_TID_HEADERS = ("tid", "tids", "id", "transaction", "transactions", "transaction id", "trans. id",
                "transaction no", "transaction number", "trans id", "basket", "basket id")
_NUMBERED = re.compile(r"(.*?)[ _]?(\d+)\Z")
_POSITIVE = re.compile(r"\+?[0-9]+\Z")
_JSON_KEYS = ("tid", "items", "count")
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
                      tid_column: bool | None = None, header: bool | None = None,
                      strip: bool = True) -> TransactionDatabase:
    """Read a transaction database from a file, or from standard input for ``"-"``.

    Parameters
    ----------
    source : str or path
        The file (gzip-compressed or not); ``"-"`` reads standard input.
    format : {"auto", "lines", "csv", "onehot", "json"}
        ``auto`` decides by the extension, else by the content (module docstring).
    name : str, optional
        The name used in error messages (default: the file name, or ``DB``).
    tid_column : bool, optional
        Whether the first word of each line (or cell of each CSV row) is a
        transaction id: None detects it (module docstring), True forces it,
        False reads it as an item.
    header : bool, optional
        Whether the first row of a CSV file (or the first line of the lines
        form) is a header: None detects it (module docstring), True skips
        it, False reads it as a transaction.
    strip : bool, default=True
        Drop trailing spaces of names (a note names the items this merged);
        False keeps them (``"cream cheese "`` and ``"cream cheese"`` differ).

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
        # a replaced sys.stdin (a StringIO in tests, a notebook) has no byte buffer: read its text
        text = read_text("-" if hasattr(sys.stdin, "buffer") else sys.stdin, what=label)
        suffix = ""
    else:
        path = Path(source)
        text = read_text(path, what=label)
        suffix = path.suffix.lower()
        if suffix == ".gz":  # db.csv.gz is read as a .csv file
            suffix = Path(path.stem).suffix.lower()
    if format == "auto" and suffix == ".json":
        format = "json"  # noqa: A001
    elif format == "auto" and suffix in (".csv", ".tsv"):
        format = "csv-auto"  # noqa: A001
    return parse_transactions(text, format=format, source=label, tid_column=tid_column, header=header,
                              strip=strip)


def parse_transactions(text: str, *, format: str = "auto", source: str = "DB",  # noqa: A002
                       tid_column: bool | None = None, header: bool | None = None,
                       strip: bool = True) -> TransactionDatabase:
    """Read a transaction database from its text (see the module docstring).

    ``format="auto"`` reads JSON when the first character other than white
    space is ``[``, else the lines form; ``"csv-auto"`` chooses between CSV
    baskets and one-hot CSV. ``tid_column``, ``header`` and ``strip`` as in
    :func:`read_transactions`.
    """
    if not isinstance(text, str):
        raise TypeError(f"{source}: expected text, got {type(text).__name__}")
    for option, value in (("tid_column", tid_column), ("header", header)):
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{option}: expected True, False or None, got {value!r}")
    if not isinstance(strip, bool):
        raise TypeError(f"strip: expected True or False, got {strip!r}")
    if format == "auto":
        format = "json" if text.lstrip().startswith("[") else "lines"  # noqa: A001
    if format == "json":
        return read_json(text, source=source)
    if format == "lines":
        return read_lines(text, source=source, tid_column=tid_column, header=header, strip=strip)
    if format == "csv":
        return read_csv_baskets(text, source=source, tid_column=tid_column, header=header, strip=strip)
    if format == "onehot":
        return read_onehot(text, source=source, tid_column=tid_column, header=header, strip=strip)
    if format == "csv-auto":
        rows = _csv_rows(text, source)
        if header is not False and _looks_onehot(rows, tid_column):
            return _onehot(rows, source, tid_column, strip)
        return _baskets(rows, source, tid_column, header, strip)
    raise ValueError(f"{source}: format {format!r} is not one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------- lines
def read_lines(text: str, *, source: str = "DB", tid_column: bool | None = None, header: bool | None = None,
               strip: bool = True) -> TransactionDatabase:
    """One transaction per line, items separated by spaces or commas (FIMI / SPMF); ``N x`` and id prefixes.

    ``header=True`` skips the first line that is not a comment; ``False`` never
    reads a first ``TID ...`` line as a header.
    """
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
    content, braced = _unbrace(content)
    first_notes = [f"the braces around each transaction's items ({braced}) are read as set notation, "
                   "not as parts of item names"] if braced else []
    if header and content:
        number, line = content.pop(0)
        first_notes.append(f"line {number} ({line.strip()!r}) is a header, skipped (--header)")
    counts, counted = [], []
    for i, (number, line) in enumerate(content):
        m = _COUNT.match(line)
        count = 1
        if m and line[m.end():].strip():
            count = _count_value(m.group(1), f"{source}: line {number}")
            content[i] = (number, line[m.end():])
            counted.append(number)
        counts.append(count)
    commas = any("," in line for _, line in content)
    name = _Names(strip)
    rows, where = [], []
    for number, line in content:
        tokens = [name(t) for t in line.split(",")] if commas else line.split()
        rows.append([t for t in tokens if t])
        where.append(f"line {number}")
    rows, where, counts, tids, notes = _tid_column(rows, where, counts, tid_column, source,
                                                   split_first=commas, find_header=header is None)
    notes[:0] = first_notes
    if tids is not None:  # a count after the id: "T100 3 x I1, I2"
        for i, row in enumerate(rows):
            line = ", ".join(row) if commas else " ".join(row)
            m = _COUNT.match(line)
            if m and counts[i] == 1 and line[m.end():].strip():
                count = _count_value(m.group(1), f"{source}: {where[i]}")
                rest = line[m.end():]
                rows[i] = [t for t in ([name(x) for x in rest.split(",")] if commas else rest.split()) if t]
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
    notes.extend(name.notes())
    return _build(rows, where, "lines", source, tids=tids, counts=counts if counted else None, first_notes=notes)


_BRACED = re.compile(r"(?P<head>[^{}]*?)\{(?P<items>[^{}]*)\}\s*\Z")


def _unbrace(content: list) -> tuple[list, str]:
    """Han prints transactions as sets, ``T100 {M, O, N, K, E, Y}``: drop the braces when every line has them."""
    matches = [_BRACED.match(line.strip()) for _, line in content]
    if not content or not all(matches):
        return content, ""
    lines = [(number, f"{m['head']} {m['items']}") for (number, _), m in zip(content, matches)]
    return lines, f"lines {content[0][0]}-{content[-1][0]}" if len(content) > 1 else f"line {content[0][0]}"


def _count_value(digits: str, where: str) -> int:
    """The count of an ``N x`` prefix, at least 1; its digits bounded by the limit ``digits``."""
    require("digits", len(digits), what=f"{where}: the count")
    count = int(digits)
    if count < 1:
        raise ValueError(f"{where}: the count {count} x: a row stands for at least one "
                         "transaction (delete the line to leave it out)")
    return count


class _Names:
    """Cells to item names: leading spaces dropped, trailing ones too when ``strip``; remembers what that merged."""

    def __init__(self, strip: bool = True):
        self.strip = strip
        self.trailing: dict[str, set] = {}  # name -> its spellings with trailing spaces
        self.plain: set[str] = set()        # names seen without trailing spaces

    def __call__(self, raw: str) -> str:
        name = raw.lstrip()
        if not self.strip:
            return name
        if name[-1:].isspace():
            kept = name.rstrip()
            if kept:
                self.trailing.setdefault(kept, set()).add(name)
            return kept
        self.plain.add(name)
        return name

    def notes(self) -> list[str]:
        """One note naming the items that differed only in trailing spaces, when stripping merged any."""
        variants = {k: v | ({k} if k in self.plain else set()) for k, v in self.trailing.items()}
        merged = sorted((k, sorted(v, key=lambda x: (len(x), x))) for k, v in variants.items() if len(v) > 1)
        if not merged:
            return []
        shown = "; ".join(" and ".join(repr(x) for x in v) + f" as {k!r}" for k, v in merged[:_MAX_NOTES])
        return ["names that differ only in trailing spaces were read as one item: " + shown
                + ("; ..." if len(merged) > _MAX_NOTES else "")
                + " (spaces around a name are dropped; --no-strip keeps trailing spaces, and these items apart)"]


def _count_note(counted: list, counts: list) -> str:
    shown = ", ".join(map(str, counted[:_MAX_NOTES])) + (", ..." if len(counted) > _MAX_NOTES else "")
    return (f"{len(counted)} line{'s' if len(counted) != 1 else ''} ({'line' if len(counted) == 1 else 'lines'} "
            f"{shown}) start{'s' if len(counted) == 1 else ''} with a count 'N x': each stands for N identical "
            f"transactions, counted N times in N = {sum(counts)} and in every support")


def _tid_column(rows: list, where: list, counts: list, tid_column, source: str, *, split_first: bool,
                find_header: bool = True):
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
    if find_header and lead is not None and len([r for r in rows if r]) > 1:
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
    """A JSON list of transactions: each a list of item names (strings) or integers, or an object.

    An object ``{"tid": "T100", "items": ["I1", "I2"], "count": 3}`` gives the
    transaction's id (a string or an integer, kept for the worked steps) and
    its count (a positive integer: the row stands for that many identical
    transactions, in N and in every support); only ``items`` is required.
    """
    data = load_json(text, what=source)
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a JSON list of transactions (each a list of item names), "
                         f"got a JSON {_json_type(data)}")
    kind_seen: tuple[type, str] | None = None
    rows, where, tids, counts = [], [], [], []
    for i, t in enumerate(data, 1):
        tid, count = None, 1
        if isinstance(t, dict):
            unknown = [k for k in t if k not in _JSON_KEYS]
            if unknown:
                raise ValueError(f"{source}: transaction {i}: unknown key {unknown[0]!r}; expected \"items\" "
                                 "and optionally \"tid\" and \"count\"")
            if "items" not in t:
                raise ValueError(f"{source}: transaction {i}: no \"items\" key; expected "
                                 '{"items": [...]} with optional "tid" and "count"')
            tid, count, t = t.get("tid"), t.get("count", 1), t["items"]
            if tid is not None:
                if isinstance(tid, bool) or not isinstance(tid, (str, int)):
                    raise ValueError(f"{source}: transaction {i}: \"tid\": expected a string or an integer, "
                                     f"got {json.dumps(tid)}")
                tid = str(tid)
                _check_name(tid, f"{source}: transaction {i}, \"tid\"")
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValueError(f"{source}: transaction {i}: \"count\": expected a positive integer (how many "
                                 f"identical transactions it stands for), got {json.dumps(count)}")
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
        where.append(f"transaction {i}" + (f" ({tid})" if tid is not None else ""))
        tids.append(tid)
        counts.append(count)
    has_tids = any(x is not None for x in tids)
    counted = [i for i, c in enumerate(counts, 1) if c != 1]
    notes = []
    if has_tids:
        notes.append(f"transaction ids {_shown_ids(tids)} read from the \"tid\" keys")
    if counted:
        notes.append(_counted_note("transaction", counted, counts, "have a \"count\""))
    return _build(rows, where, "json", source, tids=tids if has_tids else None,
                  counts=counts if counted else None, first_notes=notes)


def _shown_ids(tids) -> str:
    ids = [t for t in tids if t is not None]
    return ", ".join(ids[:3]) + (", ..., " + ids[-1] if len(ids) > 4 else "".join(", " + x for x in ids[3:]))


def _counted_note(what: str, counted: list, counts: list, verb: str) -> str:
    """A note for rows with a count other than 1 (``counted``: their numbers, 1-based)."""
    shown = ", ".join(map(str, counted[:_MAX_NOTES])) + (", ..." if len(counted) > _MAX_NOTES else "")
    return (f"{len(counted)} {what}{'s' if len(counted) != 1 else ''} ({what}{'s' if len(counted) != 1 else ''} "
            f"{shown}) {verb if len(counted) != 1 else verb.replace('have ', 'has ', 1)}: each stands for that many identical transactions, counted that often in "
            f"N = {sum(counts)} and in every support")


# ----------------------------------------------------------------------- CSV
def read_csv_baskets(text: str, *, source: str = "DB", tid_column: bool | None = None,
                     header: bool | None = None, strip: bool = True) -> TransactionDatabase:
    """CSV baskets: one transaction per row, one item per non-empty cell; a header row and an id column detected."""
    return _baskets(_csv_rows(text, source), source, tid_column, header, strip)


def read_onehot(text: str, *, source: str = "DB", tid_column: bool | None = None, header: bool | None = None,
                strip: bool = True) -> TransactionDatabase:
    """One-hot CSV: a header of item names, then 0/1 cells, one row per transaction (id and count columns)."""
    if header is False:
        raise ValueError(f"{source}: a one-hot CSV starts with a header of item names (--no-header given)")
    return _onehot(_csv_rows(text, source), source, tid_column, strip)


def _csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Every non-blank CSV record as ``(line, cells)``, cells as typed; rows may differ in length."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for record in reader:
            if "".join(record).strip():
                rows.append((reader.line_num, record))
    except csv.Error as exc:
        raise ValueError(f"{source}: line {reader.line_num}: malformed CSV ({exc})") from None
    return rows


def _baskets(rows: list, source: str, tid_column=None, header=None, strip=True) -> TransactionDatabase:
    name = _Names(strip)
    notes: list[str] = []
    id_first = False  # the first column holds the ids, as its header cell says
    if rows and header is not False:
        why = _basket_header(rows) if header is None else "given (--header)"
        if why:
            number, cells = rows.pop(0)
            first = cells[0].strip().lower() if cells else ""
            id_first = tid_column is not False and (tid_column is True or not first or _is_tid_heading(first))
            id_why = ("given (--tid-column)" if tid_column else
                      "under an empty header cell: pandas' index column" if not first else
                      f"under the header {cells[0].strip()!r}")
            notes.append(f"line {number} ({_shown_cells(cells)}) is a header row, skipped: {why}"
                         + ("" if header else "; --no-header reads it as a transaction"))
    items, where, tids = [], [], []
    for number, cells in rows:
        if id_first:
            tids.append(cells[0].strip() or None)
            cells = cells[1:]
        tokens = []
        for j, c in enumerate(cells, 2 if id_first else 1):
            c = name(c)
            if c:
                _check_name(c, f"{source}: line {number}, column {j}")
                tokens.append(c)
        items.append(tokens)
        where.append(f"line {number}" + (f" ({tids[-1]})" if id_first and tids[-1] else ""))
    if id_first:
        notes.append(f"transaction ids {_shown_ids(tids)} read from the first column, not as items ({id_why}"
                     + ("" if tid_column else "; --no-tid-column reads it as items") + ")")
        out_tids = tuple(tids)
    else:
        items, where, _, out_tids, more = _tid_column(items, where, [1] * len(items), tid_column, source,
                                                      split_first=False, find_header=False)
        notes.extend(more)
    notes.extend(name.notes())
    return _build(items, where, "csv", source, tids=out_tids, first_notes=notes)


def _is_tid_heading(cell: str) -> bool:
    return re.sub(r"[_\-\s]+", " ", cell.strip().lower()).rstrip(":") in _TID_HEADERS


def _shown_cells(cells: list) -> str:
    shown = [c.strip() for c in cells]
    return ",".join(shown[:6]) + (",..." if len(shown) > 6 else "")


def _basket_header(rows: list) -> str | None:
    """Why the first row of basket rows is a header (pandas writes one), or None when it is a transaction."""
    if len(rows) < 2:
        return None
    number, cells = rows[0]
    first = cells[0].strip() if cells else ""
    body = rows[1:]
    if not first and all(c and c[0].strip() for _, c in body):
        return "its first cell is empty, as pandas writes the header of its index column"
    if _is_tid_heading(first) and not any(c and _is_tid_heading(c[0]) for _, c in body):
        return f"its first cell {first!r} names an id column"
    names = [c.strip() for c in cells]
    if len(names) < 2 or not all(names) or len(cells) < max(len(c) for _, c in body):
        return None
    parts = [_NUMBERED.match(n) for n in names]
    if not all(parts) or len({m.group(1).lower() for m in parts}) != 1:
        return None
    prefix = parts[0].group(1)
    below = {c.strip() for _, row in body for c in row} - {""}
    if prefix and len(prefix) < 3:  # I1, I2: an item name of a textbook's, not a column name
        return None
    if not prefix and all(_INTEGER.match(x) for x in below):  # integer items: 0,1,2 is a basket
        return None
    if any(len(m.group(2)) > 9 for m in parts):
        return None
    numbers = [int(m.group(2)) for m in parts]
    if numbers[0] not in (0, 1) or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    if below & set(names):
        return None
    return (f"its cells are numbered column names ({names[0]}, {names[1]}, ...), as pandas writes them, and "
            "none of them is an item below")


def _looks_onehot(rows: list, tid_column=None) -> bool:
    if len(rows) < 2:
        return False
    header, body = rows[0][1], rows[1:]
    width = len(header)
    if any(len(cells) != width for _, cells in body):
        return False
    tid, count, _ = _onehot_roles(rows, tid_column)
    skip = {j for j in (tid, count) if j is not None}
    cells = [c.strip().lower() for _, row in body for j, c in enumerate(row) if j not in skip]
    return bool(cells) and sum(c in _ONEHOT_VALUES for c in cells) * 2 > len(cells)


def _onehot_roles(rows: list, tid_column) -> tuple:
    """(the id column or None, the count column or None, why the id column is one) of one-hot rows."""
    names = [c.strip() for c in rows[0][1]]
    body = rows[1:]
    count = next((j for j, n in enumerate(names) if n.lower() == "count"), None)
    tid, why = None, ""
    if names and tid_column is not False and count != 0:
        first = [cells[0].strip() for _, cells in body if cells]
        if tid_column:
            tid, why = 0, "given (--tid-column)"
        elif not names[0]:
            tid, why = 0, "its header cell is empty: pandas' index column"
        elif _is_tid_heading(names[0]):
            tid, why = 0, f"its header {names[0]!r} names an id column"
        elif (first and len(first) == len(body) and all(x and x.lower() not in _ONEHOT_VALUES for x in first)
              and len(set(first)) == len(first)):
            tid, why = 0, "detected: its cells are distinct labels, not 0/1"
    return tid, count, why


def _onehot(rows: list, source: str, tid_column=None, strip=True) -> TransactionDatabase:
    if not rows:
        return _build([], [], "onehot", source)
    name = _Names(strip)
    number, raw = rows[0]
    names = [name(n) for n in raw]
    tid, count, why = _onehot_roles(rows, tid_column)
    roles = {j for j in (tid, count) if j is not None}
    seen: dict[str, int] = {}
    for j, n in enumerate(names, 1):
        if j - 1 in roles:
            continue
        if not n:
            raise ValueError(f"{source}: line {number}, column {j}: empty item name in the one-hot header")
        _check_name(n, f"{source}: line {number}, column {j}")
        if n in seen:
            spaces = " (they differ only in surrounding spaces: --no-strip keeps trailing ones)" \
                if raw[j - 1] != raw[seen[n] - 1] else ""
            raise ValueError(f"{source}: line {number}, column {j}: item {n!r} repeats column {seen[n]}; "
                             f"one-hot columns must be distinct items{spaces}")
        seen[n] = j
    transactions, where, tids, counts = [], [], [], []
    for line, cells in rows[1:]:
        if len(cells) != len(names):
            raise ValueError(f"{source}: line {line}: {len(cells)} cells, but the header has {len(names)}; "
                             "one-hot rows must have a 0/1 cell per item")
        t = []
        for j in range(len(names)):
            if j in roles:
                continue
            value = _ONEHOT_VALUES.get(cells[j].strip().lower())
            if value is None:
                hint = ("; if the first column holds transaction ids, pass --tid-column (ids are detected only "
                        "when they are distinct)") if j == 0 and tid_column is None else ""
                raise ValueError(f"{source}: line {line}, column {j + 1} ({names[j]!r}): expected 0 or 1, "
                                 f"got {cells[j]!r}{hint}")
            if value:
                t.append(names[j])
        if tid is not None:
            tids.append(cells[tid].strip() or None)
        if count is not None:
            c = cells[count].strip()
            if not _POSITIVE.match(c):
                raise ValueError(f"{source}: line {line}, column {count + 1} ({names[count]!r}): expected a "
                                 f"positive integer (how many identical transactions the row stands for), got {c!r}")
            require("digits", len(c), what=f"{source}: line {line}, column {count + 1}: the count")
            if int(c) < 1:
                raise ValueError(f"{source}: line {line}, column {count + 1} ({names[count]!r}): the count 0: a row "
                                 "stands for at least one transaction (delete the row to leave it out)")
            counts.append(int(c))
        else:
            counts.append(1)
        transactions.append(t)
        where.append(f"line {line}" + (f" ({tids[-1]})" if tid is not None and tids[-1] else ""))
    notes = []
    if tid is not None:
        notes.append(f"transaction ids {_shown_ids(tids)} read from column {tid + 1}"
                     + (f" ({names[tid]!r})" if names[tid] else "") + f", not as an item ({why}"
                     + ("; --no-tid-column reads it as an item" if why != "given (--tid-column)" else "") + ")")
    if count is not None:
        notes.append(f"column {count + 1} ({names[count]!r}) holds each row's count, not an item: a row stands for "
                     f"that many identical transactions, counted that often in N = {sum(counts)} and in every "
                     "support")
    notes.extend(name.notes())
    db = _build(transactions, where, "onehot", source, tids=tids if tid is not None else None,
                counts=counts if count is not None else None, first_notes=notes)
    # every header item is an item of the database, even when no transaction holds it
    return replace(db, items=tuple(sorted(set(db.items) | set(seen))))


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
    for tid, here in zip(tids or (), where):
        if tid is not None:
            try:
                _check_name(tid, f"{source}: {here.split(' (')[0]}")
            except ValueError as exc:
                raise ValueError(str(exc).replace(": item name ", ": transaction id ", 1)) from None
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
    if name and name.isprintable():  # the fast path: no control or format character
        return
    for pos, ch in enumerate(name, 1):
        if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\t":
            raise ValueError(f"{where}: item name {name!r} holds control character U+{ord(ch):04X} "
                             f"at position {pos}")
    if not name:
        raise ValueError(f"{where}: empty item name")


def _json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number")
