"""``workedout exercise TOPIC``: a generated exercise, its worked solution, and a check of an answer."""
from __future__ import annotations

import argparse

from .base import UsageError, add_limit_option, command_parser, integer, topic_group

__all__ = ["register"]

_DESCRIPTION = """\
Generate an exercise of TOPIC from a seed: the question as a teacher words
it, with --solution its worked solution, with --check FILE the diagnosis of
a student's answer (the same report as the worked command's --check). The
same seed, level and options give the same exercise on every machine.
Without --seed a fresh seed is drawn, and shown, so the exercise can be
given again. --format json gives the exercise as JSON (workedout.exercise/1:
topic, seed, level, question, command, givens, key, properties); -o writes
the data files the command needs beside the output."""


def register(sub) -> None:
    from ..topics import EXERCISES
    group = topic_group(sub, "exercise", help="a generated exercise with its worked, checked solution and key",
                        example="workedout exercise align --seed 7 --solution")
    from ..exercise import generator
    for name in EXERCISES:
        gen = generator(name)
        levels = "\n".join(f"  {level}: " + ", ".join(f"{k} {v}" for k, v in sizes.items())
                           for level, sizes in gen.level_sizes.items())
        p = command_parser(group, name, help=f"an exercise: {gen.title}",
                           description=f"{_DESCRIPTION}\n\nThe sizes of each level:\n{levels}",
                           example=f"workedout exercise {name} --seed 7 --level exam --solution")
        p.add_argument("--seed", type=integer(minimum=0), default=None, metavar="N",
                       help="0 <= N < 2^32 (default: a fresh seed, shown with the exercise)")
        p.add_argument("--level", choices=("easy", "exam", "hard"), default="exam",
                       help="sizes as in the README (default: exam)")
        p.add_argument("--solution", action="store_true", help="print the worked solution instead of the question")
        p.set_defaults(run=_run, exercise_topic=name, shape_options=_shape_options(p, name))
        group_out = p.add_argument_group("output")
        group_out.add_argument("--format", choices=("text", "tex", "tex-document", "md", "json", "pdf"),
                               default="text", help="output format (default: text); pdf needs -o and pdflatex")
        group_out.add_argument("-o", "--output", metavar="FILE",
                               help="write to FILE (its data files, if any, are written beside it)")
        group_out.add_argument("--check", metavar="FILE",
                               help="check a student's answer (JSON with any of the key's keys); exit 1 if any "
                                    "part differs")
        group_out.add_argument("--no-ecf", dest="ecf", action="store_false",
                               help="with --check: values that follow from an earlier mistake are marked wrong too")
        group_out.add_argument("--reveal", choices=("where", "why", "all"), default="all",
                               help="with --check: how much the report shows (default all)")
        add_limit_option(group_out)
        p.set_defaults(file_outputs=True)


def _shape_options(parser, name: str) -> list[str]:
    """Add the generator's shape options; return their destinations (read back in :func:`_run`)."""
    from ..exercise import generator
    before = {a.dest for a in parser._actions}
    generator(name).add_options(parser)
    return [a.dest for a in parser._actions if a.dest not in before]


def _run(args) -> int:
    import os
    import secrets
    import sys

    from ...numerics.outputs import all_or_nothing
    from ..exercise import SEED_LIMIT, generator
    from .base import emit, write_atomic
    if args.format == "pdf" and not args.output:  # refused before any work
        raise UsageError("--format pdf: needs -o FILE (a PDF is not written to the terminal)")
    gen = generator(args.exercise_topic)
    seed = args.seed if args.seed is not None else secrets.randbelow(SEED_LIMIT)  # generate() checks the range
    options = gen.options(argparse.Namespace(**{k: getattr(args, k) for k in args.shape_options}))
    exercise = gen.generate(seed, args.level, **options)
    if args.seed is None:
        print(f"workedout: seed {seed} (give --seed {seed} for this exercise again)", file=sys.stderr)
    with all_or_nothing():  # the output and its data files are written together, or neither
        if args.solution or args.check:
            status = emit(exercise.solution, args)
        else:
            content = exercise.render(args.format)
            if args.output:
                write_atomic(args.output, content)
            else:
                sys.stdout.write(content)
            status = 0
        if args.output:
            folder = os.path.dirname(args.output)
            for name, text in exercise.files.items():
                write_atomic(os.path.join(folder, name), text)
    if args.output:  # emit() has named the worked solution's file; name the question's, and the data files
        shown = ([] if args.solution or args.check else [args.output]) + [
            os.path.join(os.path.dirname(args.output), n) for n in exercise.files]
        if shown:
            print("wrote " + ", ".join(shown), file=sys.stderr)
    return status
