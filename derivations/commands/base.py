"""What every subcommand is built from: one parser class, one set of option types, one output path.

* :class:`Parser` turns argparse's errors into one-line :class:`UsageError`.
* :func:`command_parser` / :func:`topic_group` make a subcommand whose
  ``--help`` ends with a runnable example; :func:`alias` adds an old
  spelling of an option, hidden from ``--help``.
* Option types, each raising one error style (``argument --k: must be at
  least 1, got 0``): :func:`integer`, :func:`real`. Exact numbers, lists and
  matrices are read by :mod:`workedout.derivations.exact` in the library
  function, whose errors name its Python parameter; :func:`flag_message`
  turns that name into the option's flag.
* :func:`add_output_options` (``--format``, ``-o``, ``--check``),
  :func:`add_plot_option` and :func:`emit` (render, check, write atomically,
  the figure written all or nothing with the result).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Callable

from ..formats import FORMATS

__all__ = ["UsageError", "Parser", "command_parser", "topic_group", "alias", "integer", "real", "integer_list",
           "real_list", "limit_setting", "add_limit_option",
           "add_output_options", "add_plot_option", "emit", "write_atomic", "check_outputs", "flag_message", "PLOT_SUFFIXES"]

PLOT_SUFFIXES = (".png", ".pdf", ".svg")


class UsageError(ValueError):
    """Bad command-line input (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """argparse whose errors become one-line UsageErrors (no usage dump).

    A value that starts with a minus and a digit (``--means -3,2``, ``--x -1/2``,
    ``--gap -.5``) is a value, not an option: argparse's own rule accepts only a
    lone negative number.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def command_parser(sub, name: str, *, help: str, example: str, description: str = "") -> Parser:
    """A subcommand parser whose --help ends with a runnable example."""
    parser = sub.add_parser(name, help=help, description=description or help,
                            epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(parser=parser)  # the innermost parser wins: errors name its flags
    return parser


def topic_group(sub, name: str, *, help: str, example: str):
    """A topic command with subcommands of its own (``workedout gmm estep``)."""
    parser = command_parser(sub, name, help=help, example=example)
    group = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", parser_class=Parser)
    group.required = True
    return group


def alias(parser: argparse.ArgumentParser, old: str, new: str) -> None:
    """Accept ``old`` as a hidden spelling of the option ``new`` (same destination, same type)."""
    action = next(a for a in parser._actions if new in a.option_strings)
    parser.add_argument(old, dest=action.dest, type=action.type, choices=action.choices, nargs=action.nargs,
                        action="store" if action.nargs != 0 else type(action), help=argparse.SUPPRESS,
                        **({"metavar": action.metavar} if action.nargs != 0 else {}))


# ------------------------------------------------------------ option types
def _named(parse: Callable, name: str) -> Callable:
    parse.__name__ = name  # argparse: "argument --k: invalid <name> value: 'x'" for an unreadable value
    return parse


def integer(*, minimum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number, at least ``minimum`` when given."""
    def parse(text: str) -> int:
        digits = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", digits):  # ASCII digits only: int() would take '٣' and '1_0'
            shown = digits if len(digits) <= 40 else digits[:30] + "..."
            raise argparse.ArgumentTypeError(f"{shown!r} is not an integer (expected digits 0-9, such as 3)")
        if len(digits.lstrip("+-")) > 100:  # beyond any count; int() would refuse 4300 digits in its own words
            raise argparse.ArgumentTypeError(f"an integer of {len(digits.lstrip('+-')):,} digits is too large")
        value = int(digits)
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text!r}")
        return value
    return _named(parse, "integer")


def real(*, minimum: float | None = None, positive: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite decimal number (positive, or at least ``minimum``, when asked)."""
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text.strip()!r} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        if positive and not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text!r}")
        return value
    return _named(parse, "number")


def limit_setting(text: str) -> tuple[str, int | float | None]:
    """An argparse type: ``NAME=VALUE`` for ``--limit`` (see :mod:`workedout.numerics.limits`)."""
    from ...numerics.limits import parse_setting
    try:
        return parse_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(re.sub(r"^--limit:? ", "", str(exc))) from None


def _list_of(item: Callable[[str], object], name: str) -> Callable[[str], list]:
    def parse(text: str) -> list:
        out = []
        for i, part in enumerate(text.split(",")):
            try:
                out.append(item(part))
            except (ValueError, argparse.ArgumentTypeError) as exc:
                raise argparse.ArgumentTypeError(f"item {i + 1}: {exc}") from None
        return out
    return _named(parse, name)


def integer_list(*, minimum: int | None = None) -> Callable[[str], list[int]]:
    """An argparse type: comma-separated whole numbers (``1,2,4``)."""
    return _list_of(integer(minimum=minimum), "comma-separated list of integers")


def real_list(**limits) -> Callable[[str], list[float]]:
    """An argparse type: comma-separated decimal numbers (``1e-3,1e-2``)."""
    return _list_of(real(**limits), "comma-separated list of numbers")


# ------------------------------------------------------ library errors
_PARAMETER = re.compile(r"(\w+)((?:\[[^\]]*\])*(?: item \S+| \d+)?):")


def flag_message(message: str, parser: argparse.ArgumentParser | None) -> str:
    """A library error naming a Python parameter as the flag a user typed.

    ``sds: ...``, ``sds[2]: ...``, ``rules 2: ...`` and ``sweep item 2: ...`` become ``--sds: ...``,
    ``--sds[2]: ...`` and ``--sweep item 2: ...`` when ``sds`` and ``sweep``
    are the destinations of options of ``parser`` (a positional argument is
    named by its metavar).
    """
    m = _PARAMETER.match(message)
    if parser is None or m is None:
        return message
    for action in parser._actions:
        if action.dest == m.group(1) and action.help != argparse.SUPPRESS:
            name = action.option_strings[-1] if action.option_strings else (action.metavar or action.dest)
            return f"{name}{m.group(2)}:{message[m.end():]}"
    return message


# ----------------------------------------------------------------- output
def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The options every worked command takes: --format, -o, --check."""
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, default="text",
                       help="output format (default: text); pdf needs -o and pdflatex")
    group.add_argument("-o", "--output", metavar="FILE",
                       help="write to FILE instead of stdout (a regular file is replaced whole, a link written "
                            "through to its file, a device or FIFO written to)")
    parser.set_defaults(file_outputs=True)  # cli checks -o and --plot before the command runs
    group.add_argument("--check", metavar="FILE",
                       help="compare a student's answer (JSON with any of this command's JSON keys) "
                            "and report each discrepancy; exit 1 if any")
    group.add_argument("--digits", type=integer(minimum=1), default=4, metavar="N",
                       help="significant digits of every decimal shown in the steps (default 4); exact values and "
                            "the JSON are unaffected")
    group.add_argument("--no-ecf", dest="ecf", action="store_false",
                       help="with --check: mark values that follow from an earlier mistake wrong too (by default "
                            "errors are carried forward: they cost no marks)")
    group.add_argument("--reveal", choices=("where", "why", "all"), default="all",
                       help="with --check: where (only which entries are wrong), why (and the misconception and "
                            "the step), all (and the expected values; default)")
    add_limit_option(group)


def add_limit_option(parser) -> None:
    """``--limit NAME=VALUE``, repeatable: raise one of the limits on work and input size."""
    parser.add_argument("--limit", action="append", type=_named(limit_setting, "NAME=VALUE"), default=[],
                        metavar="NAME=VALUE",
                        help="raise one limit on input size or work (the README's limits table), e.g. cells=1e6 "
                             "or candidates=none; repeatable")


def add_plot_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--plot FIG.png``: a figure written beside the result (see :func:`emit`)."""
    parser.add_argument("--plot", metavar="FIG.png", help=f"{help} (.png, .pdf or .svg)")


def emit(result, args, *, plot: Callable[[str], None] | None = None) -> int:
    """Render ``result`` per --format/-o, or check it per --check; return the exit status.

    ``plot(path)`` draws the figure asked for with ``--plot``: it is written
    before the result and removed again if writing the result fails, so a
    failed command leaves neither behind.
    """
    from ...numerics.outputs import all_or_nothing
    plot_path = getattr(args, "plot", None) if plot is not None else None
    check_outputs(args)
    status = 0
    if getattr(args, "check", None):
        result = result.check(args.check, ecf=args.ecf, reveal=args.reveal)
        status = 0 if result.ok else 1
    fmt = args.format
    if fmt == "pdf" and not args.output:
        raise UsageError("--format pdf: needs -o FILE (a PDF is not written to the terminal)")
    if plot_path:
        result.notes.append(f"Figure written to {plot_path}.")
    from ...numerics.progress import finish, note
    note(f"rendering {fmt}")
    content = result.render(fmt)
    finish()  # a progress bar on stderr is cleared before anything is written
    with all_or_nothing():  # the figure and the result are staged, then both put in place, or neither
        if plot_path:
            plot(plot_path)
        if args.output:
            write_atomic(args.output, content)
        else:
            sys.stdout.write(content)
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    return status


def check_outputs(args) -> None:
    """Refuse bad ``-o`` and ``--plot`` targets before any work is done: a missing directory,
    a directory, a socket, a ``--plot`` suffix other than .png/.pdf/.svg, one file named twice."""
    from ...numerics.outputs import check_target
    targets = []
    plot_path = getattr(args, "plot", None)
    if plot_path and not plot_path.lower().endswith(PLOT_SUFFIXES):
        raise UsageError(f"--plot: {plot_path!r} must end in .png, .pdf or .svg")
    for flag, value in (("-o", getattr(args, "output", None)), ("--plot", plot_path)):
        if value:
            try:
                real, kind = check_target(value, what=flag)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            if kind == "file" and os.path.abspath(real) in targets:
                raise UsageError(f"{flag}: {value!r} is the file -o names too; give two different files")
            targets.append(os.path.abspath(real))


def write_atomic(path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` through :func:`workedout.numerics.outputs.write_bytes`.

    A regular file (or a new name) is written to a short temporary name beside
    it and renamed into place; a symbolic link is written through to the file
    it points at; a device or FIFO (``/dev/stdout``) is written through, never
    replaced; a directory or socket is refused. Inside ``all_or_nothing`` the
    write happens with the others at the end, or not at all.
    """
    from ...numerics.outputs import write_bytes
    try:
        write_bytes(path, content, what="-o")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
