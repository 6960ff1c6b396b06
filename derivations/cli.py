"""The ``workedout`` command (also ``python -m derivations``).

Thin by design: each subcommand parses its arguments, calls one public
function that returns a :class:`~derivations.result.Result`, and renders it.
Topic subcommands live in :mod:`derivations.commands`, one module per topic,
each with ``register(subparsers)``.

Exit status: 0 success; 1 a ``--check`` that found differences, or a PDF
compile that failed; 2 bad input or usage (one line on stderr, no
traceback, no output file left behind).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
from pathlib import Path

from . import __version__
from .printers import FORMATS

__all__ = ["main", "build_parser", "add_output_options", "emit", "write_atomic", "command_parser", "topic_group", "UsageError",
           "Parser"]

COMMAND_MODULES = ["workedout.derivations.commands.gmm", "workedout.derivations.commands.demo", "workedout.derivations.commands.prefixspan",
                   "workedout.derivations.commands.apriori", "workedout.derivations.commands.convolution",
                   "workedout.derivations.commands.align"]


class UsageError(ValueError):
    """Bad command-line input (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """argparse whose errors become one-line UsageErrors (no usage dump)."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> Parser:
    parser = Parser(
        prog="workedout",
        description="Classic data-mining and machine-learning results, derived symbolically, worked "
                    "step by step, checked, and proved against numerics.",
        epilog="example:\n  workedout gmm estep --x 2 --weights 1/2,1/2 --means 0,1 --sds 1,1\n"
               "  workedout demo -o demo-out",
        formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"workedout {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The options every worked command takes: --format, -o, --check."""
    group = parser.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, default="text",
                       help="output format (default: text); pdf needs -o and pdflatex")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    group.add_argument("--check", metavar="FILE",
                       help="compare a student's answer (JSON with any of this command's JSON keys) "
                            "and report each discrepancy; exit 1 if any")


def command_parser(sub, name: str, *, help: str, example: str, description: str = "") -> Parser:
    """A subcommand parser whose --help ends with a runnable example."""
    return sub.add_parser(name, help=help, description=description or help,
                          epilog=f"example:\n  {example}", formatter_class=_Formatter)


def topic_group(sub, name: str, *, help: str, example: str):
    """A topic command with subcommands of its own (``workedout gmm estep``)."""
    parser = command_parser(sub, name, help=help, example=example)
    group = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", parser_class=Parser)
    group.required = True
    return group


def emit(result, args) -> int:
    """Render ``result`` per --format/-o, or check it per --check; return the exit status."""
    status = 0
    if getattr(args, "check", None):
        result = result.check(args.check)
        status = 0 if result.ok else 1
    fmt = args.format
    if fmt == "pdf" and not args.output:
        raise UsageError("--format pdf: needs -o FILE (a PDF is not written to the terminal)")
    content = result.render(fmt)
    if args.output:
        write_atomic(args.output, content)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(content)
    return status


def write_atomic(path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"-o: directory {str(directory)!r} does not exist")
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the mode open() would
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main(argv=None) -> int:
    from .pdf import CompileError
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args)
    except CompileError as exc:
        print(f"workedout: {exc}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        if not message.startswith("workedout"):
            message = f"workedout: error: {message}"
        print(message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workedout: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
