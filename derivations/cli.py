"""The ``workedout`` command (also ``python -m workedout``).

Thin by design: each subcommand parses its arguments, calls one public
function that returns a :class:`~workedout.derivations.result.Result`, and
renders it. The subcommands come from the topic registry
(:mod:`workedout.derivations.topics`), one module per topic in
:mod:`workedout.derivations.commands`, each with ``register(subparsers)``
built from :mod:`workedout.derivations.commands.base`.

Exit status: 0 success; 1 a ``--check`` that found differences, or a PDF
compile that failed; 2 bad input or usage (one line on stderr, no
traceback, no output file left behind); 130 on SIGINT, 143 on SIGTERM and
129 on SIGHUP, after the same clean-up (temporary files and folders
removed, no output half written).
"""
from __future__ import annotations

import argparse
import signal
import sys

from . import __version__
from .commands.base import Parser, UsageError, check_outputs, flag_message
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


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like KeyboardInterrupt, so temporary files are removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _terminate(signum, frame):
    for sig in _SIGNALS + (signal.SIGINT,):  # a second signal must not cut the clean-up short
        signal.signal(sig, signal.SIG_IGN)
    raise Terminated(signum)


def _catch_signals() -> dict:
    """SIGTERM and SIGHUP raise :class:`Terminated` (not when ignored, as under ``nohup``, or off the
    main thread); returns the handlers to restore (SIGINT's too, which :func:`_terminate` may change)."""
    try:
        previous = {sig: signal.getsignal(sig) for sig in _SIGNALS + (signal.SIGINT,)}
        for sig in _SIGNALS:
            if previous[sig] is not signal.SIG_IGN:
                signal.signal(sig, _terminate)
    except (ValueError, OSError):  # not the main thread: leave the signals alone
        return {}
    return previous


def main(argv=None) -> int:
    parser = build_parser()
    previous = _catch_signals()
    try:
        return _main(parser, argv)
    except Terminated as exc:
        name = signal.Signals(exc.signum).name
        print(f"workedout: terminated by {name}; temporary files removed", file=sys.stderr)
        return 128 + exc.signum
    finally:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)


def _main(parser, argv) -> int:
    from .pdf import CompileError
    args = None
    try:
        args = parser.parse_args(argv)
        from ..numerics.limits import raised
        # --limit holds for this run only (main() may run many times in one process)
        with raised(**{name.replace("-", "_"): value for name, value in getattr(args, "limit", None) or []}):
            if getattr(args, "file_outputs", False):
                check_outputs(args)  # a bad -o or --plot is refused before any work
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
