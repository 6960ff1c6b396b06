"""``workedout prefixspan``: PrefixSpan worked by hand (frequent 1-sequences, projections, extensions, tree)."""
from __future__ import annotations

from .base import add_output_options, command_parser, emit

__all__ = ["register", "read_db"]

_DESCRIPTION = """\
PrefixSpan on a sequence database, worked as in the course: the frequent
1-sequences, the projected database of each frequent item (or of --prefix) in
the paper's (_x) notation, its extensions into the last itemset and as a new
itemset, and with --all the whole mining tree and every sequential pattern.

DB is a file, or - for stdin, in one of three forms:
  hand notation, one sequence per line, optionally after an id, then
  optionally a count ("20 customers bought this sequence": the row counts
  20 times in every support):
      10 <a(abc)(ac)d(cf)>
      20 <(ad)c(bc)(ae)>
      30 20 x <(ef)(ab)(df)cb>
    (every character is an item; for longer names separate with commas:
     <bread, (milk, tea)>)
  SPMF: 1 -1 1 2 3 -1 -2   (-1 ends an itemset, -2 the sequence)
  JSON: [[["a"], ["a", "b", "c"]], [["a", "d"], ["c"]]]

The example below pipes in the PrefixSpan paper's database (its four
sequences 10-40) and projects it on <a>."""


def register(sub) -> None:
    p = command_parser(
        sub, "prefixspan", help="PrefixSpan worked: frequent 1-sequences, projected databases, extensions, tree",
        example="printf '<a(abc)(ac)d(cf)>\\n<(ad)c(bc)(ae)>\\n<(ef)(ab)(df)cb>\\n<eg(af)cbc>\\n' "
                "| workedout prefixspan - --min-support 2 --prefix '<a>'",
        description=_DESCRIPTION)
    p.add_argument("db", metavar="DB", help="the sequence database: a file, or - for stdin")
    p.add_argument("--min-support", required=True,
                   help="a count of sequences (2) or a fraction of them (0.25 or 25%%; 1.0 means every sequence; "
                        "with counts, a fraction of the rows counted their number of times)")
    p.add_argument("--prefix", help="the prefix to project on, such as '<a>' (default: every frequent item)")
    p.add_argument("--all", action="store_true", dest="all_patterns",
                   help="also the whole mining tree and every sequential pattern (JSON key patterns)")
    p.add_argument("--closed", action="store_true", help="list only closed patterns (implies --all)")
    p.add_argument("--max-length", metavar="L", help="longest pattern, in items (implies --all)")
    p.add_argument("--projection", choices=("strict", "paper"), default="strict",
                   help="strict: keep every item in the projected databases (default); "
                        "paper: also drop infrequent items, as the paper's tables do")
    p.add_argument("--input-format", choices=("auto", "hand", "spmf", "json"), default="auto",
                   help="how DB is written (default: auto)")
    add_output_options(p)
    p.set_defaults(run=_run)


def read_db(path: str) -> str:
    """The text of DB: a file (plain or gzip; regular files only, within the limit
    ``file-size``; UTF-8, or UTF-16/32 with a byte-order mark), or stdin for ``-``."""
    from ...numerics.inputs import read_text
    return read_text(path, what="DB")


def _run(args) -> int:
    from ..prefixspan import prefixspan
    from ...numerics.seqdb import read_sequence_db
    from ...numerics.progress import stages
    source = "DB" if args.db == "-" else f"DB {args.db}"
    with stages("prefixspan", ["reading DB", "working", "writing"], delay=1.0) as stage:  # cleared before output
        stage.next()
        db = read_sequence_db(read_db(args.db), format=args.input_format, source=source)
        stage.next()
        result = prefixspan(db, args.min_support, prefix=args.prefix, all_patterns=args.all_patterns,
                            closed=args.closed, max_length=args.max_length, projection=args.projection)
        stage.next()
        return emit(result, args)
