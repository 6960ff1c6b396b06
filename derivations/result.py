"""One result protocol for every topic: :class:`Result` and its :class:`CheckReport`.

A :class:`Result` is the data of :mod:`.model` (title, givens, steps, the
answer as plain data) with its behaviour: it renders in every format
(:mod:`.printers`), displays itself in a notebook, and checks a student's
answer part by part (:mod:`.check`), returning a :class:`CheckReport` that
renders like any result.

The statement types and words are re-exported here, so a topic builds a
result from one import.
"""
from __future__ import annotations

from .check import Checker, Discrepancy, Unordered, compare, load_answer, produced_by
from .model import (METADATA_KEYS, Chain, Check, CheckFailed, Display, Given, Grid, GridCell, InlineMath, Prose,
                    Ref, ResultData, Section, Step, Table, checked, words)
from .printers import MarkdownPrinter, json_object, render

__all__ = [
    "Result", "CheckReport", "Checker", "Unordered", "Discrepancy", "load_answer",
    "InlineMath", "Ref", "Display", "Chain", "Table", "Prose", "Grid", "GridCell", "Check", "CheckFailed",
    "checked", "Step", "Section", "Given", "words", "METADATA_KEYS",
]


class Result(ResultData):
    """A worked or derived result: the data of :class:`~.model.ResultData`, rendered and checked."""

    # --- rendering ---------------------------------------------------------
    def render(self, fmt: str) -> str | bytes:
        """Render as ``text``, ``tex``, ``tex-document``, ``md``, ``json`` or ``pdf`` (bytes)."""
        return render(self, fmt)

    def to_text(self) -> str:
        return self.render("text")

    def to_latex(self) -> str:
        return self.render("tex")

    def to_latex_document(self) -> str:
        return self.render("tex-document")

    def to_markdown(self) -> str:
        return self.render("md")

    def to_json(self) -> str:
        return self.render("json")

    def to_pdf(self) -> bytes:
        return self.render("pdf")

    def to_dict(self) -> dict:
        """The JSON object: metadata, the answer keys at top level, and ``exact``."""
        return json_object(self)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_mimebundle_(self, include=None, exclude=None):
        md = MarkdownPrinter(grid="array").doprint(self)  # grids as math-mode arrays in notebooks
        return {"text/plain": self.to_text(), "text/markdown": md, "text/latex": md}

    # --- checking ----------------------------------------------------------
    def check(self, answer) -> "CheckReport":
        """Compare a student's answer with this result, part by part.

        Parameters
        ----------
        answer : dict, str or path
            Any subset of the keys of this result's JSON output (a dict, a
            JSON string, or a path to a JSON file; a topic may read more
            formats through its :class:`~.check.Checker`). Values may be
            numbers, fractions (``"3/4"``), decimals or exact expressions
            (``"1/(1 + exp(3/2))"``); ``exact`` may hold exact forms.

        Returns
        -------
        CheckReport
            Renders like any result; ``report.ok`` is True when nothing differs.
        """
        findings = compare(self, answer)
        return CheckReport.build(self, findings.found, findings.n_compared)


class CheckReport(Result):
    """The report of :meth:`Result.check`; renders like any result."""

    discrepancies: list

    @classmethod
    def build(cls, result: ResultData, found: list[Discrepancy], n_compared: int) -> "CheckReport":
        ok = not found
        if ok:
            summary = Prose((f"All {n_compared} given value(s) agree with the worked result.",))
        else:
            summary = Prose((f"{len(found)} discrepanc{'y' if len(found) == 1 else 'ies'} "
                             f"among {n_compared} compared value(s).",))
        steps = [Step(summary)]
        if found:
            rows = [[d.location, d.expected, d.given, d.reason, produced_by(d)] for d in found]
            steps.append(Step(Table(["location", "expected", "given", "why", "produced by"], rows,
                                    align="lllll")))
        report = cls(
            kind="check", title=f"Check of: {result.title}", steps=steps,
            answer={"ok": ok, "n_compared": n_compared, "n_discrepancies": len(found),
                    "discrepancies": [
                        {"location": d.location, "expected": d.expected, "given": d.given,
                         "reason": d.reason, "step": d.step, "step_justification": d.step_why,
                         "explanation": d.explanation}
                        for d in found]})
        report.discrepancies = found
        return report

    @property
    def ok(self) -> bool:
        return not self.discrepancies
