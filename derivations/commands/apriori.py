"""``workedout apriori DB ...``: Apriori level by level, association rules, a min-support sweep."""
from __future__ import annotations

from pathlib import Path

from .base import UsageError, add_output_options, add_plot_option, alias, command_parser, emit

__all__ = ["register", "DEFAULT_MAX_RULES", "DEFAULT_MAX_PATTERNS"]

#: How many rules, and itemsets per list, the output lists by default (the totals stay exact).
DEFAULT_MAX_RULES = 1000
DEFAULT_MAX_PATTERNS = 1000


def _count(text: str) -> int | None:
    """A --max-rules / --max-patterns value: a non-negative integer, or none."""
    import argparse
    value = text.strip().lower()
    if value in ("none", "all"):
        return None
    if not value.isdigit() or len(value) > 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a non-negative integer (or 'none' for all)")
    return int(value)

EXAMPLE = ("printf 'I1 I2 I5\\nI2 I4\\nI2 I3\\nI1 I2 I4\\nI1 I3\\nI2 I3\\nI1 I3\\nI1 I2 I3 I5\\nI1 I2 I3\\n' "
           "| workedout apriori - --min-support 2 --min-confidence 0.7 --rule 'I1, I5 => I2'")


def register(sub) -> None:
    p = command_parser(
        sub, "apriori", help="Apriori worked level by level (join, prune, count), association rules, "
                             "a minimum-support sweep",
        example=EXAMPLE,
        description="Apriori worked level by level: the join, the prune step (every infrequent subset named), "
                    "the counts and L_k until L_k is empty; then every association rule with support, "
                    "confidence, lift, leverage and conviction in exact fractions.\n\n"
                    "DB forms: one transaction per line, items separated by spaces or commas (FIMI/SPMF; a "
                    "blank line is an empty transaction; #, % and @ lines are comments); CSV baskets (.csv, "
                    "one transaction per row; a pandas header row and id column detected, or --header); "
                    "one-hot CSV (.csv with a header of item names and 0/1 cells; an id column and a column "
                    "headed count); JSON (a list of lists of item names, or of {\"tid\": ..., \"items\": [...], "
                    "\"count\": N} objects); gzip files are read too. A line may start with a transaction id, as textbooks "
                    "print them (T100 I1, I2, I5: detected, or --tid-column), and with a count (3 x I1, I2: the "
                    "line counts 3 times in N and in every support).\n\n"
                    "The example below works Han, Kamber & Pei's AllElectronics table (Data Mining: Concepts "
                    "and Techniques, Table 6.1); save these nine lines as allelectronics.txt:\n"
                    "  I1 I2 I5 / I2 I4 / I2 I3 / I1 I2 I4 / I1 I3 / I2 I3 / I1 I3 / I1 I2 I3 I5 / I1 I2 I3")
    p.add_argument("db", metavar="DB", help="the transaction database: a file, or - for standard input")
    p.add_argument("--min-support", required=True, metavar="S",
                   help="minimum support: a count (2) or a fraction of the transactions (0.2, 1/5, 22%%, 1.0)")
    p.add_argument("--min-confidence", metavar="C",
                   help="minimum confidence in [0, 1] (0.7, 7/10 or 70%%): rules at or above it are marked")
    p.add_argument("--max-length", dest="max_len", metavar="K", help="largest itemset size (no cap by default)")
    alias(p, "--max-len", "--max-length")
    p.add_argument("--sweep", metavar="S1,S2,...",
                   help="minimum supports for a sweep table (counts or fractions, comma-separated)")
    add_plot_option(p, "write the sweep figure (needs --sweep)")
    p.add_argument("--rule", action="append", dest="rules", metavar="'{A, B} => {C}'", default=None,
                   help="work this rule's support, confidence, lift, leverage and conviction (repeatable; JSON "
                        "key rule); items separated by commas, the sides by => (braces optional); or JSON "
                        "[[\"A\", \"B\"], [\"C\"]] for names holding a comma. Without --min-confidence the "
                        "table of every rule is left out")
    p.add_argument("--closed", action="store_true",
                   help="work which frequent itemsets are closed (no frequent superset of equal support)")
    p.add_argument("--maximal", action="store_true",
                   help="work which frequent itemsets are maximal (no frequent superset)")
    p.add_argument("--percent", action="store_true",
                   help="show supports and confidences as percentages of N, as Han prints them (display only)")
    p.add_argument("--max-rules", metavar="N", type=_count, default=DEFAULT_MAX_RULES,
                   help=f"list at most N rules in the output (default {DEFAULT_MAX_RULES}; 'none' for all); the JSON "
                        "keeps the exact totals n_rules and n_rules_meeting_min_confidence, and left_out says how "
                        "many were left out; --check always compares with every rule")
    p.add_argument("--max-patterns", metavar="N", type=_count, default=DEFAULT_MAX_PATTERNS,
                   help=f"list at most N itemsets in each list of itemsets (default {DEFAULT_MAX_PATTERNS}; 'none' "
                        "for all); the exact total is n_frequent_itemsets")
    tid = p.add_mutually_exclusive_group()
    tid.add_argument("--tid-column", dest="tid_column", action="store_const", const=True, default=None,
                     help="the first word of each line is a transaction id (T100), kept for the steps "
                          "(detected by default)")
    tid.add_argument("--no-tid-column", dest="tid_column", action="store_const", const=False,
                     help="the first word of each line is an item, never an id")
    head = p.add_mutually_exclusive_group()
    head.add_argument("--header", dest="header", action="store_const", const=True, default=None,
                      help="the first row of a CSV (or first line) is a header, skipped (detected by default: an "
                           "empty or id first cell, or numbered column names 0,1,2 / Item1,Item2 as pandas "
                           "writes them)")
    head.add_argument("--no-header", dest="header", action="store_const", const=False,
                      help="the first row is a transaction, never a header")
    strip = p.add_mutually_exclusive_group()
    strip.add_argument("--strip", dest="strip", action="store_const", const=True, default=True,
                       help="drop spaces around item names (the default; a note names items this merged, "
                            "such as 'cream cheese ' and 'cream cheese')")
    strip.add_argument("--no-strip", dest="strip", action="store_const", const=False,
                       help="keep trailing and inner spaces of item names ('cream cheese ' is its own item)")
    p.add_argument("--input-format", choices=("auto", "lines", "csv", "onehot", "json"), default="auto",
                   help="how to read DB (default: by the extension, else by the content)")
    add_output_options(p)
    p.set_defaults(run=_apriori)


def _apriori(args) -> int:
    from ..apriori import apriori, sweep_figure
    from ...numerics.transactions import read_transactions

    if args.plot and not args.sweep:
        raise UsageError("--plot: needs --sweep (the minimum supports to plot)")
    for option, target in (("--plot", args.plot), ("-o", args.output)):
        if target:
            parent = Path(target).parent
            if str(parent) and not parent.is_dir():
                raise UsageError(f"{option}: directory {str(parent)!r} does not exist")
    from ...numerics.progress import stages
    with stages("apriori", ["reading DB", "working", "writing"], delay=1.0) as stage:  # cleared before output
        stage.next()
        db = read_transactions(args.db, format=args.input_format, name="DB" if args.db == "-" else None,
                               tid_column=args.tid_column, header=args.header, strip=args.strip)
        stage.next()
        result = apriori(db, args.min_support, min_confidence=args.min_confidence, max_len=args.max_len,
                         sweep=args.sweep, rules=args.rules, closed=args.closed, maximal=args.maximal,
                         percent=args.percent, digits=args.digits,
                         # a check compares with the full answer key: nothing left out
                         max_rules=None if args.check else args.max_rules,
                         max_patterns=None if args.check else args.max_patterns)
        stage.next()
        return emit(result, args, plot=lambda path: sweep_figure(result, path))
