"""``workedout demo``: work every built-in example into a folder."""
from __future__ import annotations

from .base import command_parser

__all__ = ["register"]


def register(sub) -> None:
    p = command_parser(sub, "demo", help="work every built-in example into a folder (LaTeX, Markdown, "
                                         "JSON, figures, and a PDF booklet when pdflatex is present)",
                       example="workedout demo -o demo-out")
    p.add_argument("-o", "--output", metavar="DIR", default="workedout-demo",
                   help="folder to write into (default: workedout-demo)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF booklet")
    p.set_defaults(run=_demo)


def _demo(args) -> int:
    from ..demo import run_demo
    run_demo(args.output, pdf=False if args.no_pdf else None)
    return 0
