"""``workedout prove``: the theorems a course proves, every step checked."""
from __future__ import annotations

from ..formats import FORMATS
from .base import UsageError, command_parser

__all__ = ["register"]

_DESCRIPTION = """\
Prove one of the course's theorems as lecture notes: the statement, then the
proof step by step, each step a definition, a premise, or checked by a
program (symbolically in SymPy, exhaustively over a named finite family, or
on seeded random cases), and saying which. --list lists the theorems.
--false-variant runs the same checks on a false variant of the theorem and
prints the counterexample they find (exit status 1): the checks can fail."""


def register(sub) -> None:
    p = command_parser(sub, "prove", help="prove a theorem of the course, every step checked (--list: which)",
                       description=_DESCRIPTION, example="workedout prove apriori-property --format pdf -o apriori.pdf")
    p.add_argument("name", metavar="NAME", nargs="?", help="the theorem (workedout prove --list)")
    p.add_argument("--list", action="store_true", help="list the theorems, one line each")
    p.add_argument("--false-variant", action="store_true",
                   help="run the proof's checks on a false variant; print the counterexample; exit 1")
    group = p.add_argument_group("output")
    group.add_argument("--format", choices=FORMATS, default="text",
                       help="output format (default: text); pdf needs -o and pdflatex")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(run=_run, file_outputs=True)


def _run(args) -> int:
    from ..theorems import theorem, theorems
    from .base import emit
    if args.list:
        if args.name or args.false_variant:
            raise UsageError("--list: give either --list or a theorem NAME, not both")
        return _list(theorems(), args)
    if not args.name:
        raise UsageError("NAME: missing; give a theorem's name (workedout prove --list shows them)")
    th = theorem(args.name)
    if args.false_variant:
        found = th.false_variant()
        emit(found.as_result(), args)
        return 1 if found.counterexample is not None else 0
    return emit(th.proof(), args)


def _list(known, args) -> int:
    import json
    import sys

    from .base import write_atomic
    if args.format == "json":
        content = json.dumps({"theorems": [{"name": t.name, "topic": t.topic, "statement": t.statement}
                                           for t in known]}, indent=2, ensure_ascii=False) + "\n"
    elif args.format in ("text", "md"):
        width = max(len(t.name) for t in known)
        if args.format == "md":
            content = "| theorem | topic | statement |\n|---|---|---|\n" + "".join(
                f"| `{t.name}` | {t.topic} | {t.statement} |\n" for t in known)
        else:
            content = "".join(f"{t.name:<{width}}  {t.topic:<10}  {t.statement}\n" for t in known)
    else:
        raise UsageError(f"--format: --list is written as text, md or json, not {args.format}")
    if args.output:
        write_atomic(args.output, content)
    else:
        sys.stdout.write(content)
    return 0
