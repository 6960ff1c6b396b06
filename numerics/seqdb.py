r"""Sequence databases: the readers of the three input forms, and the writer of the hand notation.

A *sequence database* is a list of sequences; a *sequence* is an ordered
list of *itemsets* (also called elements or events); an itemset is a
non-empty **set** of items. So the items inside an itemset are sorted and
deduplicated when read (and the reader says so in
:attr:`SequenceDatabase.notes`), while the order of the itemsets is kept.

The three input forms, all read here and nowhere else:

* **hand notation**, the way the PrefixSpan paper and students write it, one
  sequence per line: ``<a(abc)(ac)d(cf)>``. In this *compact* dialect every
  character is one item, parentheses group the items of one itemset, and
  spaces are ignored. A line may start with a sequence identifier
  (``10 <a(abc)(ac)d(cf)>`` or ``10: <...>``), then a count (``20 x <(ab)c>``,
  ``10 20 x <(ab)c>``: "20 customers bought this sequence", the row counts
  20 times in every support; ``×`` may stand for ``x``); lines starting with
  ``#`` are comments. Item names longer than one character use the *separated*
  dialect, chosen for a whole text as soon as it holds a comma or a double
  quote: elements and items are separated by commas,
  ``<bread, (milk, tea), "a,b">``, and a name holding one of ``<>(),"`` (or
  spaces at its ends, or the name ``_``) is written in double quotes with
  JSON's escapes.
* **SPMF**: one sequence per line of integers, ``-1`` ends an itemset and
  ``-2`` ends the sequence (``1 -1 1 2 3 -1 -2``). Lines starting with
  ``#``, ``%`` or ``@`` are metadata; ``@ITEM=7=bread`` names item 7.
* **JSON**: a list of sequences, each a list of itemsets, each a list of item
  names (strings or integers). Names are free text.

The writer, :func:`format_sequence`, writes a sequence (or a pattern) in the
hand notation: items in an itemset sorted, parentheses only around itemsets
of two or more items, and ``(_x)`` for the rest of a partly matched itemset
in a projected database (a *partial* first itemset). It uses the compact
dialect when every item is one plain character (:func:`hand_dialect`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import chain
from typing import Hashable, Iterable

from .inputs import load_json

__all__ = [
    "Item", "Itemset", "Sequence", "SequenceDatabase",
    "read_sequence_db", "read_hand", "read_spmf", "read_json", "from_sequences",
    "parse_sequence", "format_sequence", "hand_dialect", "sort_items", "FORMATS",
]

Item = Hashable
Itemset = tuple  # tuple[Item, ...], sorted, no duplicates
Sequence = tuple  # tuple[Itemset, ...]

FORMATS = ("auto", "hand", "spmf", "json")
_MAX_NOTES = 8
_SEPARATED_SPECIALS = set('<>(),"')
_COMPACT_FORBIDDEN = set('<>(),"_#') | {" ", "\t"}


@dataclass(frozen=True)
class SequenceDatabase:
    """A sequence database as read, normalised.

    Attributes
    ----------
    sequences : tuple of Sequence
        Each a tuple of itemsets, each itemset a sorted tuple of distinct items.
    ids : tuple of str
        The sequence identifiers: as written at the start of a hand-notation
        line, else ``"1"``, ``"2"``, ... in order.
    format : str
        ``"hand"``, ``"spmf"``, ``"json"`` or ``"python"`` (built by :func:`from_sequences`).
    dialect : str
        ``"compact"`` or ``"separated"``: how :func:`format_sequence` writes its items.
    notes : tuple of str
        What normalising changed (itemsets sorted, duplicates removed).
    counts : tuple of int
        How many times each sequence counts (``20 x <...>`` in the hand
        notation: 20 customers bought it); every support is the sum of the
        counts of the sequences that contain the pattern. Default: 1 each.
    """

    sequences: tuple
    ids: tuple = ()
    format: str = "python"
    dialect: str = "compact"
    notes: tuple = field(default_factory=tuple)
    counts: tuple = ()

    def __post_init__(self):
        if not self.ids:
            object.__setattr__(self, "ids", tuple(str(i + 1) for i in range(len(self.sequences))))
        if len(self.ids) != len(self.sequences):
            raise ValueError("SequenceDatabase: one id per sequence")
        if not self.counts:
            object.__setattr__(self, "counts", (1,) * len(self.sequences))
        if len(self.counts) != len(self.sequences):
            raise ValueError("SequenceDatabase: one count per sequence")
        for c in self.counts:
            if isinstance(c, bool) or not isinstance(c, int) or c < 1:
                raise ValueError(f"counts: expected positive integers, got {c!r}")

    @property
    def weighted(self) -> bool:
        """Whether some sequence counts more than once."""
        return any(c != 1 for c in self.counts)

    @property
    def total(self) -> int:
        """The number of sequences, each counted its number of times (what a fraction of min_support is of)."""
        return sum(self.counts)

    def __len__(self) -> int:
        return len(self.sequences)

    def __iter__(self):
        return iter(self.sequences)

    def __getitem__(self, i):
        return self.sequences[i]

    def items(self) -> list:
        """Every distinct item, sorted."""
        return sort_items(set(chain.from_iterable(chain.from_iterable(self.sequences))))



def sort_items(items: Iterable) -> list:
    """Items in their canonical order: sorted; mixed types by type name, then value."""
    items = list(items)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda x: (type(x).__name__, str(x), repr(x)))


def _normalise_itemset(items: list, where: str, notes: list, shown) -> tuple:
    distinct = sort_items(set(items))
    if list(items) != distinct and len(notes) <= _MAX_NOTES:
        what = []
        if len(distinct) < len(items):
            what.append("duplicate items removed")
        if sort_items(items) != list(items):
            what.append("items sorted")
        notes.append(f"{where}: {shown(items)} read as {shown(distinct)} "
                     f"({' and '.join(what)}: an itemset is a set)")
    return tuple(distinct)


def _finish_notes(notes: list) -> tuple:
    if len(notes) > _MAX_NOTES:
        return tuple(notes[:_MAX_NOTES]) + ("... and more itemsets normalised the same way",)
    return tuple(notes)


# ---------------------------------------------------------------- dispatch
def read_sequence_db(text: str, *, format: str = "auto", source: str = "DB") -> SequenceDatabase:  # noqa: A002
    """Read a sequence database in the hand notation, SPMF or JSON.

    Parameters
    ----------
    text : str
        The whole input.
    format : {"auto", "hand", "spmf", "json"}
        ``auto`` looks at the first line that is not blank or a comment:
        ``[`` means JSON, ``<`` (or a label followed by ``<``) the hand
        notation, an integer or ``@`` SPMF. An empty text is an empty database.
    source : str
        The input's name for error messages (``"DB"``, a file name).

    Raises
    ------
    ValueError
        Naming the source, the line (and column or token) and what was expected.
    """
    if not isinstance(text, str):
        raise TypeError(f"{source}: expected text, got {type(text).__name__}")
    if format not in FORMATS:
        raise ValueError(f"{source}: format {format!r} is not one of {', '.join(FORMATS)}")
    if format == "auto":
        format = _detect(text, source)  # noqa: A001
    if format == "json":
        return read_json(text, source=source)
    if format == "spmf":
        return read_spmf(text, source=source)
    return read_hand(text, source=source)


def _detect(text: str, source: str) -> str:
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("%"):
            continue
        if s[0] in "[{":
            return "json"
        if "<" in s:
            return "hand"
        if s[0] == "@" or re.match(r"-?\d", s):
            return "spmf"
        raise ValueError(f"{source}: line {number}: cannot tell the format: expected a sequence in the hand "
                         "notation such as <a(abc)d>, SPMF integers such as '1 -1 2 3 -1 -2', "
                         "or a JSON list")
    return "hand"


# ------------------------------------------------------------ hand notation
def read_hand(text: str, *, source: str = "DB", dialect: str = "auto") -> SequenceDatabase:
    """Read the hand notation, one sequence per line (see the module docstring).

    Parameters
    ----------
    dialect : {"auto", "compact", "separated"}
        ``auto``: separated when the text holds a comma or a double quote.
    """
    if dialect == "auto":
        dialect = "separated" if ("," in text or '"' in text) else "compact"
    sequences, ids, notes, counts = [], [], [], []
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        where = f"{source}: line {number}"
        start = line.find("<")
        if start < 0:
            raise ValueError(f"{where}: expected a sequence in angle brackets such as <a(bc)d>")
        label, count = _label_and_count(line[:start], where)
        counts.append(count)
        itemsets, partial, end = _parse(line, start, dialect, where, allow_partial=False)
        rest = line[end:].strip()
        if rest:
            col = end + 1 + (len(line[end:]) - len(line[end:].lstrip()))
            raise ValueError(f"{where}: unexpected text after '>' at column {col}; one sequence per line")
        seq = []
        for k, items in enumerate(itemsets):
            seq.append(_normalise_itemset(items, f"line {number}, itemset {k + 1}", notes,
                                          lambda its: _show_raw(its, dialect)))
        sequences.append(tuple(seq))
        ids.append(label or str(len(sequences)))
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"{source}: sequence identifier {dup!r} is used twice; identifiers must be distinct")
    items = set(chain.from_iterable(chain.from_iterable(sequences)))
    return SequenceDatabase(tuple(sequences), tuple(ids), "hand", hand_dialect(items) if items else dialect,
                            _finish_notes(notes), tuple(counts))


def _label_and_count(head: str, where: str) -> tuple[str, int]:
    """Split what precedes '<' into the sequence id and the count: ``10``, ``20 x``, ``10 20 x``, ``10: 20 x``."""
    text = head.strip()
    count = 1
    m = re.search(r"(?:^|(?<=[\s:]))(\d+)\s+[x×]\Z|(?:^|(?<=[\s:]))(\d+)\s*×\Z", text)
    if m:
        count = int(m.group(1) or m.group(2))
        if count < 1:
            col = len(head) - len(head.lstrip()) + m.start() + 1
            raise ValueError(f"{where}: count {count} at column {col}: a count of customers must be at least 1")
        text = text[:m.start()].strip()
    label = text.removesuffix(":").strip()
    if label and (any(c.isspace() for c in label) or any(c in "<>()" for c in label)):
        raise ValueError(f"{where}: unexpected text {label!r} before '<' at column {head.find(label[0]) + 1}; "
                         "a line may start with one sequence identifier such as 10, then a count such as "
                         "20 x (10 20 x <a(bc)>)")
    return label, count


def _show_raw(items, dialect) -> str:
    """An itemset as written (unsorted, duplicates kept)."""
    names = [_name(x, dialect) for x in items]
    return "(" + ("" if dialect == "compact" else ", ").join(names) + ")"


def parse_sequence(text: str, *, dialect: str = "auto", partial: bool = False,
                   what: str = "sequence") -> tuple[Sequence, bool]:
    """Read one sequence (or pattern) in the hand notation.

    Parameters
    ----------
    text : str
        Such as ``<a(bc)>``; with ``partial=True`` also ``<(_d)c(bc)>``.
    dialect : {"auto", "compact", "separated"}
        ``auto``: separated when ``text`` holds a comma or a double quote.
    partial : bool
        Allow a first itemset that starts with ``_`` (a projected suffix).
    what : str
        The parameter's name for error messages (``--prefix``).

    Returns
    -------
    (sequence, is_partial)
        The itemsets as sorted tuples of item names (strings), and whether the
        first itemset was written ``(_...)``. Unlike a database, items are not
        deduplicated silently: a repeated item in an itemset is kept out of
        the set as usual, since a pattern is a sequence of sets.
    """
    if not isinstance(text, str):
        raise TypeError(f"{what}: expected a string such as <a(bc)>, got {type(text).__name__}")
    if dialect == "auto":
        dialect = "separated" if ("," in text or '"' in text) else "compact"
    start = text.find("<")
    if start < 0 or text[:start].strip():
        raise ValueError(f"{what}: {text!r}: expected a sequence in angle brackets such as <a(bc)>")
    itemsets, is_partial, end = _parse(text, start, dialect, f"{what}: {text!r}", allow_partial=partial)
    if text[end:].strip():
        raise ValueError(f"{what}: {text!r}: unexpected text after '>' at column {end + 1}")
    return tuple(tuple(sort_items(set(items))) for items in itemsets), is_partial


def _parse(line: str, start: int, dialect: str, where: str, *, allow_partial: bool):
    """Parse ``<...>`` starting at index ``start``; return (itemsets, partial, index after '>')."""
    if dialect == "separated":
        return _parse_separated(line, start, where, allow_partial)
    if dialect != "compact":
        raise ValueError(f"dialect: {dialect!r} is not 'compact' or 'separated'")
    itemsets: list[list] = []
    current: list | None = None
    opened = 0
    partial = False
    i = start + 1
    while i < len(line):
        ch = line[i]
        col = i + 1
        if ch.isspace():
            pass
        elif ch == ">":
            if current is not None:
                raise ValueError(f"{where}: unclosed parenthesis opened at column {opened} "
                                 f"(expected ')' before '>' at column {col})")
            return itemsets, partial, i + 1
        elif ch == "(":
            if current is not None:
                raise ValueError(f"{where}: nested parenthesis at column {col} "
                                 f"(the one opened at column {opened} is not closed)")
            current, opened = [], col
        elif ch == ")":
            if current is None:
                raise ValueError(f"{where}: ')' at column {col} closes no parenthesis")
            if not current:
                raise ValueError(f"{where}: empty itemset '()' at column {opened}; an itemset holds at least one item")
            itemsets.append(current)
            current = None
        elif ch == "_" and current is not None and not current and allow_partial and not itemsets and not partial:
            partial = True
        elif ch in "<_":
            raise ValueError(f"{where}: unexpected {ch!r} at column {col}"
                             + ("; '_' only starts the first itemset of a projected suffix, as in (_d)"
                                if ch == "_" else ""))
        elif current is not None:
            current.append(ch)
        else:
            itemsets.append([ch])
        i += 1
    if current is not None:
        raise ValueError(f"{where}: unclosed parenthesis opened at column {opened}")
    raise ValueError(f"{where}: missing '>' at the end (the sequence opened at column {start + 1})")


_NAME_STOP = re.compile(r'[<>(),"]')


def _parse_separated(line: str, start: int, where: str, allow_partial: bool):
    itemsets: list[list] = []
    partial = False
    i = start + 1
    n = len(line)

    def skip(i):
        while i < n and line[i].isspace():
            i += 1
        return i

    def name(i, context):
        """Read one item name at i; return (name, quoted, next index)."""
        i = skip(i)
        if i >= n:
            raise ValueError(f"{where}: the line ends inside the sequence; missing '>' "
                             f"(the sequence opened at column {start + 1})")
        if line[i] == '"':
            try:
                value, end = json.JSONDecoder().raw_decode(line, i)
            except json.JSONDecodeError:
                raise ValueError(f"{where}: unclosed or malformed quoted name at column {i + 1}") from None
            return value, True, end
        m = _NAME_STOP.search(line, i)
        end = m.start() if m else n
        value = line[i:end].strip()
        if not value:
            got = repr(line[i]) if i < n else "the end of the line"
            raise ValueError(f"{where}: expected an item name {context} at column {i + 1}, got {got}")
        return value, False, end

    i = skip(i)
    if i < n and line[i] == ">":
        return itemsets, partial, i + 1
    while True:
        i = skip(i)
        if i < n and line[i] == "(":
            opened = i + 1
            items: list = []
            i = skip(i + 1)
            if i < n and line[i] == ")":
                raise ValueError(f"{where}: empty itemset '()' at column {opened}; an itemset holds at least one item")
            while True:
                if i >= n:
                    raise ValueError(f"{where}: unclosed parenthesis opened at column {opened}")
                value, quoted, i = name(i, "in the itemset")
                if value == "_" and not quoted and not items and allow_partial and not itemsets and not partial:
                    partial = True
                elif value == "_" and not quoted:
                    raise ValueError(f"{where}: unexpected '_' in the itemset opened at column {opened}; "
                                     "'_' only starts the first itemset of a projected suffix, as in (_, d); "
                                     'write an item named _ as "_"')
                else:
                    items.append(value)
                i = skip(i)
                if i >= n:
                    raise ValueError(f"{where}: unclosed parenthesis opened at column {opened}")
                if line[i] == ",":
                    i += 1
                    continue
                if line[i] == ")":
                    i += 1
                    break
                if line[i] in "(<>":
                    raise ValueError(f"{where}: unclosed parenthesis opened at column {opened} "
                                     f"(found {line[i]!r} at column {i + 1})")
                raise ValueError(f"{where}: expected ',' or ')' at column {i + 1}")
            if partial and not items:
                raise ValueError(f"{where}: '(_)' at column {opened} holds no item after '_'")
            itemsets.append(items)
        else:
            value, quoted, i = name(i, "or '('")
            if value == "_" and not quoted:
                raise ValueError(f"{where}: unexpected '_' at column {i}; '_' only starts the first itemset of a "
                                 'projected suffix, as in (_, d); write an item named _ as "_"')
            itemsets.append([value])
        i = skip(i)
        if i >= n:
            raise ValueError(f"{where}: missing '>' at the end (the sequence opened at column {start + 1})")
        if line[i] == ">":
            return itemsets, partial, i + 1
        if line[i] == ",":
            i += 1
            continue
        if line[i] == ")":
            raise ValueError(f"{where}: ')' at column {i + 1} closes no parenthesis")
        raise ValueError(f"{where}: expected ',' or '>' at column {i + 1}")


# --------------------------------------------------------------------- SPMF
def read_spmf(text: str, *, source: str = "DB") -> SequenceDatabase:
    """Read SPMF's sequence format: positive integers, ``-1`` ends an itemset, ``-2`` the sequence.

    Each line is one sequence and must end in ``-2``. ``@ITEM=7=bread``
    metadata lines name items; other lines starting with ``#``, ``%`` or
    ``@`` are ignored. Items are integers (or their names, when named).
    """
    names: dict[int, str] = {}
    raw_sequences: list[list[list[int]]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "#%":
            continue
        if s[0] == "@":
            m = re.match(r"@ITEM=(-?\d+)=(.*)\Z", s)
            if m:
                names[int(m.group(1))] = m.group(2)
            continue
        where = f"{source}: line {number}"
        tokens = s.split()
        seq: list[list[int]] = []
        current: list[int] = []
        for t, token in enumerate(tokens, 1):
            if token.startswith("<") and token.endswith(">"):
                raise ValueError(f"{where}, token {t}: timestamps such as {token} are not supported")
            try:
                value = int(token)
            except ValueError:
                raise ValueError(f"{where}, token {t}: {token!r} is not an integer; SPMF lines hold "
                                 "positive item numbers, -1 (end of itemset) and -2 (end of sequence)") from None
            if value == -1:
                if not current:
                    raise ValueError(f"{where}, token {t}: empty itemset (-1 with no item before it)")
                seq.append(current)
                current = []
            elif value == -2:
                if t != len(tokens):
                    raise ValueError(f"{where}, token {t}: -2 ends the sequence but more tokens follow; "
                                     "one sequence per line")
                if current:
                    seq.append(current)
                    current = []
            elif value <= 0:
                raise ValueError(f"{where}, token {t}: {value} is not a positive item number "
                                 "(only -1 and -2 may be negative)")
            else:
                current.append(value)
        if tokens[-1] != "-2":
            raise ValueError(f"{where}: does not end in -2; each SPMF line is one sequence ending with -2")
        raw_sequences.append(seq)
        lines.append(number)
    notes: list[str] = []
    sequences = []
    for seq, number in zip(raw_sequences, lines):
        named = [[names.get(x, x) for x in itemset] for itemset in seq]
        sequences.append(tuple(
            _normalise_itemset(items, f"line {number}, itemset {k + 1}", notes,
                               lambda its: " ".join(str(x) for x in its) + " -1")
            for k, items in enumerate(named)))
    items = set(chain.from_iterable(chain.from_iterable(sequences)))
    return SequenceDatabase(tuple(sequences), (), "spmf", hand_dialect(items), _finish_notes(notes))


# --------------------------------------------------------------------- JSON
def read_json(text: str, *, source: str = "DB") -> SequenceDatabase:
    """Read a JSON list of sequences, each a list of itemsets, each a list of item names."""
    data = load_json(text, what=source)  # nesting limit, no NaN; "not valid JSON at line L, column C"
    if isinstance(data, dict) and "sequences" in data:
        data = data["sequences"]
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a JSON list of sequences, got a {_json_type(data)}")
    notes: list[str] = []
    sequences = []
    for s, seq in enumerate(data, 1):
        if not isinstance(seq, list):
            raise ValueError(f"{source}: sequence {s}: expected a list of itemsets, got a {_json_type(seq)}")
        itemsets = []
        for k, itemset in enumerate(seq, 1):
            where = f"{source}: sequence {s}, itemset {k}"
            if not isinstance(itemset, list):
                raise ValueError(f"{where}: expected a list of item names, got a {_json_type(itemset)}"
                                 + ("; write a single item as [\"a\"]" if isinstance(itemset, (str, int)) else ""))
            if not itemset:
                raise ValueError(f"{where}: empty itemset; an itemset holds at least one item")
            for j, item in enumerate(itemset, 1):
                if isinstance(item, bool) or not isinstance(item, (str, int)):
                    raise ValueError(f"{where}, item {j}: expected an item name (a string), got {_json_type(item)}")
                if isinstance(item, str) and not item:
                    raise ValueError(f"{where}, item {j}: empty item name")
            itemsets.append(_normalise_itemset(itemset, f"sequence {s}, itemset {k}", notes,
                                               lambda its: json.dumps(its, ensure_ascii=False)))
        sequences.append(tuple(itemsets))
    items = set(chain.from_iterable(chain.from_iterable(sequences)))
    return SequenceDatabase(tuple(sequences), (), "json", hand_dialect(items), _finish_notes(notes))


def _json_type(value) -> str:
    return {dict: "object", list: "list", str: "string", int: "number", float: "number",
            bool: "boolean", type(None): "null"}.get(type(value), type(value).__name__)


# ------------------------------------------------------------------- Python
def from_sequences(db, *, what: str = "db") -> SequenceDatabase:
    """Normalise a Python sequence database (a list of sequences of itemsets of hashable items).

    An itemset is any iterable of hashable items (a string is an iterable of
    its characters, so ``"abc"`` is the itemset ``(a, b, c)``, as in the hand
    notation). A :class:`SequenceDatabase` is returned unchanged.

    Raises
    ------
    TypeError
        For a sequence that is not iterable, an itemset that is not an
        iterable of hashable items (naming the sequence and itemset).
    ValueError
        For an empty itemset.
    """
    if isinstance(db, SequenceDatabase):
        return db
    if isinstance(db, (str, bytes)) or not isinstance(db, Iterable):
        raise TypeError(f"{what}: expected a list of sequences, each a list of itemsets, got {type(db).__name__}")
    notes: list[str] = []
    sequences = []
    for s, seq in enumerate(db):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Iterable):
            raise TypeError(f"{what}: sequence {s}: expected a list of itemsets, got {type(seq).__name__}")
        itemsets = []
        for k, itemset in enumerate(seq):
            if not isinstance(itemset, Iterable):
                raise TypeError(f"{what}: sequence {s}, itemset {k}: expected an iterable of items, got "
                                f"{type(itemset).__name__} {itemset!r}; write single items as [[1], [2]]")
            items = list(itemset)
            if not items:
                raise ValueError(f"{what}: sequence {s}, itemset {k}: empty itemset")
            try:
                itemsets.append(_normalise_itemset(items, f"sequence {s}, itemset {k}", notes, repr))
            except TypeError:
                bad = next(x for x in items if not isinstance(x, Hashable))
                raise TypeError(f"{what}: sequence {s}, itemset {k}: item {bad!r} is not hashable") from None
        sequences.append(tuple(itemsets))
    items = set(chain.from_iterable(chain.from_iterable(sequences)))
    return SequenceDatabase(tuple(sequences), (), "python", hand_dialect(items), _finish_notes(notes))


# ------------------------------------------------------------------- writer
def hand_dialect(items: Iterable) -> str:
    """``"compact"`` when every item is one plain character, else ``"separated"``.

    Plain: a one-character string that is not a space and not one of ``<>(),"_#``.
    """
    for x in items:
        if not (isinstance(x, str) and len(x) == 1 and x not in _COMPACT_FORBIDDEN
                and not x.isspace() and x.isprintable()):
            return "separated"
    return "compact"


def _name(x, dialect: str) -> str:
    text = str(x)
    if dialect == "compact":
        return text
    if (not text or text == "_" or text != text.strip() or any(c in _SEPARATED_SPECIALS for c in text)
            or not text.isprintable()):
        return json.dumps(text, ensure_ascii=False)
    return text


def format_sequence(sequence, *, dialect: str = "compact", partial: bool = False) -> str:
    """Write a sequence or a pattern in the hand notation.

    Parameters
    ----------
    sequence : iterable of itemsets
        Each itemset an iterable of items; written sorted.
    dialect : {"compact", "separated"}
        ``compact``: ``<a(bc)d>``; ``separated``: ``<bread, (milk, tea)>``
        with quotes around names holding ``<>(),"``. See :func:`hand_dialect`.
    partial : bool
        Write the first itemset as the rest of a partly matched itemset,
        ``(_d)`` (``(_, d)`` in the separated dialect).
    """
    parts = []
    for k, itemset in enumerate(sequence):
        names = [_name(x, dialect) for x in sort_items(itemset)]
        marked = partial and k == 0
        if dialect == "compact":
            body = ("_" if marked else "") + "".join(names)
            parts.append(body if len(names) == 1 and not marked else f"({body})")
        else:
            body = ", ".join((["_"] if marked else []) + names)
            parts.append(body if len(names) == 1 and not marked else f"({body})")
    return "<" + ("" if dialect == "compact" else ", ").join(parts) + ">"
