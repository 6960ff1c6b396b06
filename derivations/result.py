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

import re

from .check import REVEAL, Checker, Discrepancy, Findings, Misconception, Unordered, compare, load_answer, produced_by
from .model import (METADATA_KEYS, Chain, Check, CheckFailed, Display, Given, Grid, GridCell, InlineMath, Prose,
                    Ref, ResultData, Section, Step, Table, checked, words)
from .printers import MarkdownPrinter, json_object, render

__all__ = [
    "Result", "CheckReport", "Checker", "Unordered", "Discrepancy", "Misconception", "load_answer",
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

    # --- figures and notebook display ------------------------------------
    @property
    def figures(self) -> list:
        """The figures drawn of this result (matplotlib ``Figure`` objects, or paths of PNG files), in order.

        Functions that draw a result's figure (``plot_fit``, ``plot_select``,
        ``sweep_figure``, ``train_cnn(plot=...)``) attach it here with
        :meth:`add_figure`; a notebook then shows it with the result.
        """
        return self.__dict__.setdefault("_figures", [])

    def add_figure(self, figure) -> None:
        """Attach a figure (a matplotlib ``Figure``, or the path of a ``.png`` file) to show with this result."""
        self.figures.append(figure)

    def figure_png(self) -> bytes | None:
        """The last attached figure as PNG bytes (None without one, or when its file is not a readable PNG)."""
        for figure in reversed(self.figures):
            png = _png_bytes(figure)
            if png is not None:
                return png
        return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The notebook display: Markdown with ``$$`` maths, the ``tex`` fragment as LaTeX, plain text, the figure.

        ``text/markdown`` is what Jupyter shows; ``text/latex`` is the
        ``tex`` fragment, which nbconvert's LaTeX and PDF export uses (its
        packages, amsmath, amssymb, booktabs, array and graphicx, are all in
        nbconvert's template); ``image/png`` is the result's figure, if it has
        one (shown as a second output by :meth:`_ipython_display_`).
        """
        md = MarkdownPrinter(grid="array").doprint(self)  # grids as math-mode arrays in notebooks
        bundle = {"text/plain": self.to_text(), "text/markdown": md, "text/latex": self.to_latex()}
        png = self.figure_png()
        if png is not None:
            bundle["image/png"] = png
        if include is not None:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude is not None:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle

    def _ipython_display_(self):
        """In IPython (only ever called there): the result, then its figure as an output of its own.

        A front end shows one representation of each output, so a figure in
        the same bundle as the Markdown would be hidden; published apart, both
        show, in the notebook and in its LaTeX/PDF export, with no
        ``%matplotlib inline``.
        """
        from IPython.display import publish_display_data  # IPython is loaded: it is the caller
        bundle = self._repr_mimebundle_()
        png = bundle.pop("image/png", None)
        publish_display_data(bundle)
        if png is not None:
            publish_display_data({"image/png": png, "text/plain": f"<figure of: {self.title}>"})

    # --- checking ----------------------------------------------------------
    def check(self, answer, *, ecf: bool = True, reveal: str = "all") -> "CheckReport":
        """Compare a student's answer with this result, part by part, and diagnose it.

        Parameters
        ----------
        answer : dict, str or path
            Any subset of the keys of this result's JSON output (a dict, a
            JSON string, or a path to a JSON file; a topic may read more
            formats through its :class:`~.check.Checker`). Values may be
            numbers, fractions (``"3/4"``), percentages (``"75%"``), decimals or
            exact expressions (``"1/(1 + exp(3/2))"``); ``exact`` may hold exact forms.
        ecf : bool, default True
            Errors carried forward: a value that is wrong only because an
            earlier one was, and follows correctly from it, costs no marks.
        reveal : {"all", "why", "where"}
            What the report shows: ``where`` only which entries are wrong;
            ``why`` also the misconception and the step, not the expected
            values; ``all`` everything.

        Returns
        -------
        CheckReport
            Renders like any result; ``report.ok`` is True when nothing
            differs; ``report.answer`` holds ``roots``, ``marks`` and the
            ``discrepancies`` (each with ``subject``, ``cause``,
            ``follows_from``, ``misconception`` and ``step``).
        """
        if reveal not in REVEAL:
            raise ValueError(f"reveal: {reveal!r}; expected one of {', '.join(REVEAL)}")
        return CheckReport.build(self, compare(self, answer), ecf=ecf, reveal=reveal)


class CheckReport(Result):
    """The report of :meth:`Result.check`: root causes first, what follows from them, marks.

    Renders like any result. ``discrepancies`` lists every
    :class:`~.check.Discrepancy`, roots first (in the order the worked
    solution computes them), then the values that follow from them.
    """

    discrepancies: list

    @classmethod
    def build(cls, result: ResultData, findings: Findings, *, ecf: bool = True,
              reveal: str = "all") -> "CheckReport":
        keys = list(result.answer)
        found = sorted(findings.found, key=lambda d: _worked_order(d.location, keys))
        roots = [d for d in found if d.cause == "root"]
        follows = [d for d in found if d.cause == "follows"]
        found = roots + follows
        marks = _marks(findings, ecf)
        steps = [Step(Prose((_summary(findings, roots, follows, marks, ecf),)))]
        if roots:
            steps.append(Step(_table(roots, reveal, ecf, findings, root=True),
                              why=("Root causes, in the order the worked solution computes them.",)))
        if follows:
            steps.append(Step(Prose((_follows_summary(follows, findings, ecf),))))
            if reveal != "where":
                steps.append(Step(_table(follows, reveal, ecf, findings, root=False),
                                  why=("Values that follow correctly from a wrong earlier value.",)))
        answer = {"ok": not found, "n_compared": findings.n_compared, "n_discrepancies": len(found),
                  "roots": len(roots), "marks": marks,
                  "discrepancies": [_entry(d, reveal) for d in found]}
        report = cls(kind="check", title=f"Check of: {result.title}", steps=steps, answer=answer, show_checks=False)
        report.discrepancies = found
        return report

    @property
    def ok(self) -> bool:
        return not self.discrepancies


def _worked_order(location: str, keys: list) -> tuple:
    """Sort key: the answer key's place in the worked result, then the location read naturally (row by row)."""
    plain = location.removeprefix("exact.")
    top = re.match(r"[^.\[]*", plain).group(0)
    tokens = tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|[^\d\[\].]+", plain))
    return (keys.index(top) if top in keys else len(keys), tokens)


def _marks(findings: Findings, ecf: bool) -> dict:
    """``{awarded, possible, parts}``: a part's marks, lost by a root, kept by what follows (with ecf); each part
    ``{subject, location, awarded, possible}``, its location the JSON path (``table[2][3]``) a gradebook groups by."""
    wrong = {d.location: d for d in findings.found}
    parts, seen = [], set()
    for part in findings.parts:
        seen.add(part.location)
        if not part.possible:  # a field that only identifies an entry (an itemset's other items) earns nothing
            continue
        d = wrong.get(part.location)
        awarded = part.possible if d is None or (ecf and d.cause == "follows") else 0
        parts.append({"subject": part.subject, "location": part.location, "awarded": awarded,
                      "possible": part.possible})
    for d in findings.found:  # missing or unexpected entries: parts of their own
        if d.location not in seen:
            awarded = d.possible if ecf and d.cause == "follows" else 0
            parts.append({"subject": d.subject or d.location, "location": d.location, "awarded": awarded,
                          "possible": d.possible})
    return {"awarded": sum(p["awarded"] for p in parts), "possible": sum(p["possible"] for p in parts),
            "parts": parts}


def _summary(findings: Findings, roots, follows, marks, ecf) -> str:
    score = f"Marks: {marks['awarded']} of {marks['possible']}."
    if not roots and not follows:
        return f"All {findings.n_compared} given value(s) agree with the worked result. {score}"
    compared = {part.location for part in findings.parts}
    other = sum(d.location not in compared for d in findings.found)
    text = (f"{len(roots)} root cause{'s' if len(roots) != 1 else ''} ({findings.n_compared} value(s) compared"
            + (f", {other} entr{'y' if other == 1 else 'ies'} missing or not expected)" if other else ")"))
    if follows:
        text += (f"; {len(follows)} more value(s) follow correctly from {'them' if len(roots) != 1 else 'it'}"
                 + (" (errors carried forward: no marks lost)" if ecf else " (marked wrong: --no-ecf)"))
    return f"{text}. {score}"


def _follows_summary(follows, findings: Findings, ecf: bool) -> str:
    by_root: dict = {}
    for d in follows:
        by_root.setdefault(d.follows_from, []).append(d)
    parts = []
    for root, ds in by_root.items():
        r = findings.at(root)
        name = (r.subject if r is not None and r.subject else root)
        parts.append(f"{len(ds)} value(s) follow correctly from the wrong {name.removeprefix('the ')}")
    return "; ".join(parts) + "."


def _table(ds, reveal: str, ecf: bool, findings: Findings, *, root: bool) -> Table:
    header = ["what", "given"]
    if reveal == "all":
        header.append("expected")
    if reveal != "where":
        header += ["why", "step"] if root else ["follows from"]
    header.append("marks")
    rows, explained = [], set()
    for d in ds:
        row = [d.subject or d.location, d.given]
        if reveal == "all":
            row.append(d.expected)
        if reveal != "where":
            if root:
                why, step = d.reason, (f"step {d.step}: {d.step_why}" if d.step else "")
                if d.misconception and d.misconception["id"] in explained:   # said once, on its first row
                    why += f" [{d.misconception['id']}, as above]"
                    step = f"step {d.step}" if d.step else ""
                elif d.misconception:
                    why += f" -- {d.misconception['text']} [{d.misconception['id']}]"
                    explained.add(d.misconception["id"])
                if reveal == "all" and d.explanation and not d.misconception:
                    step = produced_by(d)
                row += [why, step]
            else:
                r = findings.at(d.follows_from) if d.follows_from else None
                row.append((r.subject or r.location) if r is not None else (d.follows_from or ""))
        lost = d.cause == "root" or not ecf
        row.append(f"0 of {d.possible}" if lost else f"{d.possible} of {d.possible} (ECF)")
        rows.append(row)
    return Table(header, rows, align=_column_spec(header), row_height=_wrapped_lines(header, rows))


_WIDTHS = {"what": 2.7, "given": 1.5, "expected": 2.2, "why": 3.4, "step": 3.2, "follows from": 2.6, "marks": 1.2}


def _column_spec(header: list) -> str:
    """Columns that wrap (LaTeX ``p``, ragged right) and together fit the text width (13.6 cm of cells)."""
    scale = min(1.0, 13.6 / sum(_WIDTHS[h] for h in header))
    return "".join(r">{\raggedright\arraybackslash}p{%.1fcm}" % (_WIDTHS[h] * scale) for h in header)


def _wrapped_lines(header: list, rows: list) -> float:
    """The lines a row takes on average once its ``p{..cm}`` cells wrap (about 0.19 cm a character in the
    table's font), so that the LaTeX printer's page split keeps a report's tall rows on the page."""
    scale = min(1.0, 13.6 / sum(_WIDTHS[h] for h in header))
    chars = [max(1.0, _WIDTHS[h] * scale / 0.19) for h in header]
    per_row = [max(1, *(-(-len(str(c)) // int(w)) for c, w in zip(row, chars))) for row in rows]
    return max(1.0, 1.25 * sum(per_row) / len(per_row)) if rows else 1.0


def _entry(d: Discrepancy, reveal: str) -> dict:
    """One discrepancy as JSON (the public contract), with what ``reveal`` hides set to null."""
    entry = {"location": d.location, "subject": d.subject or d.location, "expected": d.expected,
             "given": d.given, "cause": d.cause, "follows_from": d.follows_from,
             "misconception": d.misconception, "step": d.step, "reason": d.reason,
             "step_justification": d.step_why, "explanation": d.explanation, "exact": d.exact or None}
    if reveal != "all":
        entry.update(expected=None, explanation=None, exact=None)
    if reveal == "where":
        entry.update(misconception=None, step=None, step_justification=None, reason=None)
    return entry


def _png_bytes(figure) -> bytes | None:
    """PNG bytes of a matplotlib Figure (drawn at 100 dpi, Agg), or of a ``.png`` file; None for anything else."""
    if hasattr(figure, "savefig"):
        import io
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
        return buffer.getvalue()
    try:
        with open(figure, "rb") as f:
            head = f.read(8)
            if head != b"\x89PNG\r\n\x1a\n":
                return None
            return head + f.read()
    except (OSError, TypeError):
        return None
