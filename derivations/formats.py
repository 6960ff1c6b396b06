"""The names of the output formats: the one list the printers and the command line both read.

It has no dependencies, so that ``workedout --help`` can offer the choices
without loading the printers (SymPy).
"""

__all__ = ["FORMATS"]

#: Every worked command's ``--format`` choices, in the order ``--help`` lists them.
FORMATS: tuple[str, ...] = ("text", "tex", "tex-document", "md", "json", "pdf")
