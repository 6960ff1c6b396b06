"""``workedout exam`` (a class's exercises: sheets, keys, solutions, a Moodle bank) and ``workedout grade``."""
from __future__ import annotations

from .base import UsageError, command_parser, integer

__all__ = ["register"]

_EXAM = """\
Draw one variant per student of a roster (or N variants), each holding one
exercise per topic, and write into DIR: questions/<student>.pdf (or
questions/variant-<n>.pdf), solutions.pdf (every variant's worked solution),
keys/variant-<n>.json (per topic the workedout.exercise/1 JSON), data/ (the
files the keys' commands read), variants.csv (student, variant, seed) and
moodle.xml (one Cloze question per variant and topic, for a Moodle quiz).
Variant seeds are derived from --seed; no two variants are the same. A roster
is a CSV with a 'student' column (the id that names the submission file) and
an optional 'name'. Without pdflatex the .tex files are written instead of the
PDFs. Nothing is written unless everything is."""

_GRADE = """\
Grade every submission in SUBMISSIONS_DIR against the exam whose keys are in
KEYS_DIR (the exam folder or its keys/; variants.csv beside them): a
submission is <student>.json holding {"<topic>": {answer keys}} (or a folder
<student>/ with <topic>.json, or <topic>.csv for a table). Writes OUT/
gradebook.csv (student, variant, one column per part, total, max, note),
OUT/feedback/<student>.md and .pdf (the diagnosis with marks, errors carried
forward), and with --gradescope OUT/gradescope/<student>/results.json. An
unreadable file gets no marks and a note; an answer to another variant is
named; a missing submission gets 0. Exit 0 when the class was graded."""


def register(sub) -> None:
    from ..topics import EXERCISES
    p = command_parser(sub, "exam", help="a class's exercises: question sheets, keys, solutions, Moodle XML",
                       description=_EXAM,
                       example="workedout exam --topics conv,align --variants 2 --seed 2024 -o exam")
    p.add_argument("--topics", required=True, metavar="T1,T2",
                   help=f"comma-separated exercise topics ({', '.join(EXERCISES)})")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--variants", type=integer(minimum=1), metavar="N", help="N variants (no roster)")
    who.add_argument("--roster", metavar="students.csv", help="one variant per student of this CSV")
    p.add_argument("--seed", type=integer(minimum=0), required=True, metavar="S",
                   help="the exam's seed (0 <= S < 2^32); the same seed gives the same exam")
    p.add_argument("--level", choices=("easy", "exam", "hard"), default="exam", help="default: exam")
    p.add_argument("--title", default="Exam", help="the sheets' title (default: Exam)")
    p.add_argument("--no-pdf", dest="pdf", action="store_const", const=False, default=None,
                   help="write the .tex files only (default: PDFs when pdflatex is on PATH)")
    p.add_argument("-o", "--output", metavar="DIR", required=True, help="the exam folder (created or updated)")
    p.set_defaults(run=_run_exam)

    g = command_parser(sub, "grade", help="grade a class's submissions: gradebook, feedback, Gradescope results",
                       description=_GRADE,
                       example="workedout exam --topics conv --variants 2 --seed 1 --no-pdf -o exam\n"
                               "  mkdir submissions; echo '{\"conv\": {\"output_shape\": [4, 4]}}' > "
                               "submissions/variant-1.json\n"
                               "  workedout grade exam/keys submissions -o graded --gradescope --no-pdf")
    g.add_argument("keys_dir", metavar="KEYS_DIR", help="the exam folder, or its keys/ folder")
    g.add_argument("submissions_dir", metavar="SUBMISSIONS_DIR", help="the folder of <student>.json submissions")
    g.add_argument("-o", "--output", metavar="DIR", help="where to write (default: SUBMISSIONS_DIR/../graded)")
    g.add_argument("--gradescope", action="store_true",
                   help="also write gradescope/<student>/results.json (Gradescope's autograder format)")
    g.add_argument("--no-ecf", dest="ecf", action="store_false",
                   help="values that follow from an earlier mistake are marked wrong too (default: errors are "
                        "carried forward and cost no marks)")
    g.add_argument("--no-pdf", dest="pdf", action="store_const", const=False, default=None,
                   help="Markdown feedback only (default: PDFs too when pdflatex is on PATH)")
    g.set_defaults(run=_run_grade)


def _run_exam(args) -> int:
    from ..exercise.exam import write_exam
    if args.seed >= 2 ** 32:
        raise UsageError(f"--seed: {args.seed} is out of range; expected 0 <= S < 2^32 (4294967296)")
    try:
        write_exam(args.output, args.topics, seed=args.seed, variants=args.variants, roster=args.roster,
                   level=args.level, pdf=args.pdf, title=args.title)
    except ValueError as exc:
        raise UsageError(_flag(str(exc))) from None
    return 0


def _run_grade(args) -> int:
    from ..exercise.grade import grade_class
    try:
        grade_class(args.keys_dir, args.submissions_dir, args.output, gradescope=args.gradescope, ecf=args.ecf,
                    pdf=args.pdf)
    except ValueError as exc:
        raise UsageError(_flag(str(exc))) from None
    return 0


def _flag(message: str) -> str:
    """A library error naming its parameter (``topics: ...``) as the option typed (``--topics: ...``)."""
    for name in ("topics", "variants", "roster", "level", "seed"):
        if message.startswith(f"{name}:"):
            return f"workedout: error: --{message}"
    return f"workedout: error: {message}"
