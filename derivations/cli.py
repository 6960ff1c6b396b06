"""The ``workedout`` command (also ``python -m workedout``).

Thin by design: each subcommand parses its arguments, calls one public
function that returns a :class:`~workedout.derivations.result.Result`, and
renders it. The subcommands come from the topic registry
(:mod:`workedout.derivations.topics`), one module per topic in
:mod:`workedout.derivations.commands`, each with ``register(subparsers)``
built from :mod:`workedout.derivations.commands.base`.

Exit status: 0 success; 1 a ``--check`` that found differences, or a PDF
compile that failed; 2 bad input or usage (one line on stderr, no
traceback, no output file left behind).
"""
from __future__ import annotations

import argparse
import sys

from . import __version__
from .commands.base import Parser, UsageError, flag_message
from .topics import CORE_COMMANDS, TOPICS, load

__all__ = ["main", "build_parser"]


def build_parser() -> Parser:
    parser = Parser(
        prog="workedout",
        description="Classic data-mining and machine-learning results, derived symbolically, worked "
                    "step by step, checked, and proved against numerics.",
        epilog="example:\n  workedout gmm estep --x 2 --weights 1/2,1/2 --means 0,1 --sds 1,1\n"
               "  workedout demo -o demo-out",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"workedout {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in [t.commands for t in TOPICS] + list(CORE_COMMANDS):
        load(module).register(sub)
    return parser


def main(argv=None) -> int:
    from .pdf import CompileError
    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        if getattr(args, "limit", None):
            from ..numerics.limits import set_limit
            for name, value in args.limit:
                set_limit(name, value)
        return args.run(args)
    except CompileError as exc:
        print(f"workedout: {exc}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        if not isinstance(exc, UsageError):
            message = flag_message(message, getattr(args, "parser", None))
        if not message.startswith("workedout"):
            message = f"workedout: error: {message}"
        print(message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workedout: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
