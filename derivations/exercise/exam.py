"""A class's exercises: ``workedout exam``. Variants, a roster, question sheets, keys, a solutions booklet.

:func:`write_exam` draws one variant per student of a roster (or ``variants``
variants), every variant holding one exercise per topic, and writes into a
folder:

* ``questions/variant-<n>.pdf`` (or ``questions/<student>.pdf`` with a roster,
  the student's name on it), and the ``.tex`` it is compiled from;
* ``solutions.pdf``: every variant's worked solutions, a heading per variant;
* ``keys/variant-<n>.json``: ``{"<topic>": <the workedout.exercise/1 JSON>}``,
  whose ``command`` names its data files inside ``data/`` (relative to the folder);
* ``data/``: the data files those commands read;
* ``variants.csv``: ``student, variant, seed``;
* ``moodle.xml``: a Moodle XML question bank (:mod:`.moodle`).

Variant ``n`` is ``exercise(topic, seed=derive_seed(S, j), level=L)`` for every
topic, ``j = n`` unless an earlier variant came out the same (the same givens
for every topic): then ``j`` moves on to the next derived seed, so no two
variants are the same. Everything is staged in a temporary folder beside the
output folder and moved into place at the end: a failed run leaves nothing.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .base import LEVELS, Exercise
from .rng import check_seed, derive_seed

__all__ = ["Student", "Variant", "parse_topics", "read_roster", "draw_variants", "answer_keys", "write_exam",
           "MAX_VARIANTS"]

#: at most this many variants (or roster rows) in one exam
MAX_VARIANTS = 1000

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Student:
    """One row of a roster: ``id`` names the submission file (``<id>.json``); ``name`` is printed on the sheet."""

    id: str
    name: str = ""

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass
class Variant:
    """Variant ``number`` (from 1): its seed and one exercise per topic; the students who get it."""

    number: int
    seed: int
    exercises: dict
    students: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"variant-{self.number}"


# ------------------------------------------------------------------ inputs
def parse_topics(text) -> list[str]:
    """``"conv,align"`` (or a list) as a list of exercise topics; a ValueError naming ``topics`` otherwise."""
    from . import names
    items = text.split(",") if isinstance(text, str) else list(text)
    topics = [t.strip() for t in items]
    if not topics or any(not t for t in topics):
        raise ValueError(f"topics: {text!r} has an empty entry; expected comma-separated topics from "
                         f"{', '.join(names())}")
    for t in topics:
        if t not in names():
            raise ValueError(f"topics: {t!r} has no exercises; expected topics from {', '.join(names())}")
    if len(set(topics)) != len(topics):
        twice = next(t for t in topics if topics.count(t) > 1)
        raise ValueError(f"topics: {twice!r} is given twice")
    return topics


def read_roster(path) -> list[Student]:
    """The students of a roster CSV: a ``student`` column (unique ids, safe as file names) and an optional ``name``.

    Every problem is a ValueError of one line naming the file and the line.
    """
    from ...numerics.inputs import read_text
    from ..markup import escape_latex
    shown = os.fspath(path)
    # the one reader of input files: regular files only, gzip, UTF-8 with or without a BOM, UTF-16/32 with one
    text = read_text(path, what="roster")
    if len(text) > 4_000_000:
        raise ValueError(f"roster: {shown}: larger than 4 MB; a roster is one row per student")
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(rows, None)
        if header is None:
            raise ValueError(f"roster: {shown}: empty; expected a header line with a 'student' column "
                             "(and optionally 'name') and one line per student")
        columns = [c.strip().lower() for c in header]
        line = rows.line_num
        if "student" not in columns:
            raise ValueError(f"roster: {shown} line {line}: no 'student' column (columns: "
                             f"{', '.join(repr(c) for c in columns)}); expected a header such as student,name")
        for name in ("student", "name"):
            if columns.count(name) > 1:
                raise ValueError(f"roster: {shown} line {line}: the column {name!r} is given twice")
        i_id, i_name = columns.index("student"), (columns.index("name") if "name" in columns else None)
        students: list[Student] = []
        seen: dict[str, int] = {}
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            sid = row[i_id].strip() if i_id < len(row) else ""
            if not sid:
                raise ValueError(f"roster: {shown} line {line}: no student id in the 'student' column")
            if not _SAFE_ID.fullmatch(sid):
                raise ValueError(f"roster: {shown} line {line}: student id {sid[:40]!r} is not safe as a file name "
                                 "(1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)")
            if sid.lower() in seen:
                raise ValueError(f"roster: {shown} line {line}: student id {sid!r} is already on line "
                                 f"{seen[sid.lower()]} (ids must be unique, ignoring case)")
            seen[sid.lower()] = line
            name = " ".join(row[i_name].split()) if i_name is not None and i_name < len(row) else ""
            if len(name) > 200:
                raise ValueError(f"roster: {shown} line {line}: the name is longer than 200 characters")
            try:
                escape_latex(name, what="name")
            except ValueError as exc:
                raise ValueError(f"roster: {shown} line {line}: {exc}") from None
            students.append(Student(sid, name))
            if len(students) > MAX_VARIANTS:
                raise ValueError(f"roster: {shown} line {line}: more than {MAX_VARIANTS} students")
    except csv.Error as exc:
        raise ValueError(f"roster: {shown} line {rows.line_num}: not valid CSV ({exc})") from None
    if not students:
        raise ValueError(f"roster: {shown}: no students; expected one line per student after the header")
    return students


# ------------------------------------------------------------------ variants
def draw_variants(topics, count: int, seed: int, level: str = "exam", *, options: dict | None = None,
                  progress=None) -> list[Variant]:
    """``count`` distinct variants: variant n is every topic's exercise of seed ``derive_seed(seed, j)``.

    ``j`` runs 1, 2, ...; a draw whose givens equal an earlier variant's for every topic is skipped.
    ``options`` maps a topic to its shape options.
    """
    from ...numerics.progress import bar
    from . import exercise
    topics = parse_topics(topics)
    check_seed(seed)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_VARIANTS:
        raise ValueError(f"variants: expected a whole number from 1 to {MAX_VARIANTS}, got {count!r}")
    if level not in LEVELS:
        raise ValueError(f"level: {level!r}; expected one of {', '.join(LEVELS)}")
    options = options or {}
    variants: list[Variant] = []
    seen: set[str] = set()
    j = 0
    with bar(total=count, desc="exam", unit="variant", progress=progress) as b:
        while len(variants) < count:
            j += 1
            if j > 20 * count + 100:
                raise ValueError(f"variants: only {len(variants)} distinct variants found in {j - 1} seeds; "
                                 f"ask for fewer, or another --level")
            s = derive_seed(seed, j)
            exercises = {t: exercise(t, seed=s, level=level, **options.get(t, {})) for t in topics}
            fingerprint = json.dumps({t: ex.givens for t, ex in exercises.items()}, sort_keys=True)
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            variants.append(Variant(len(variants) + 1, s, exercises))
            b.update(1)
    return variants


def answer_keys(ex: Exercise) -> list[str]:
    """The top-level keys of ``ex.key`` its question asks for (what a submission is marked on), in key order."""
    return [k for k in ex.key if k in set(ex.generator.answer_keys)]


# ------------------------------------------------------------------ documents
def _sheet_results(variant: Variant, who: str, file_stem: str) -> list:
    """The question sheet's results: one per topic (no seed on it: a seed would give the solution away)."""
    results = []
    for i, ex in enumerate(variant.exercises.values(), 1):
        r = ex.as_result()
        results.append(dataclasses.replace(r, kind=f"sheet.{i}", title=f"Exercise {i}: {ex.generator.title}"))
    shape = {t: {k: "..." for k in answer_keys(ex)} for t, ex in variant.exercises.items()}
    results[-1].notes = list(results[-1].notes) + [
        f"Hand in your answers as one JSON file named {file_stem}.json, one object per exercise: "
        + json.dumps(shape) + " (the keys are those of workedout's JSON output; numbers may be written as "
        "integers, fractions such as 3/4, or decimals)."]
    return results


def _solution_results(variant: Variant) -> list:
    out = []
    who = (": " + ", ".join(s.shown for s in variant.students)) if variant.students else ""
    for i, ex in enumerate(variant.exercises.values(), 1):
        sol = ex.solution
        out.append(dataclasses.replace(sol, kind=f"v{variant.number}.{sol.kind}",
                                       title=f"Variant {variant.number}{who}. Exercise {i}: {sol.title}"))
    return out


def write_exam(outdir, topics, *, seed: int, variants: int | None = None, roster=None, level: str = "exam",
               options: dict | None = None, pdf: bool | None = None, title: str = "Exam", log=None,
               progress: bool | None = None) -> list[Path]:
    """Write an exam into ``outdir`` (see the module docstring); return the files written.

    Parameters
    ----------
    topics : str or list of str
        Exercise topics (``"conv,align"``), one exercise of each per variant.
    seed : int
        The exam's seed S; variant seeds are derived from it.
    variants : int, optional
        How many variants (no roster): sheets ``questions/variant-<n>.pdf``.
    roster : path or list of Student, optional
        One variant per student: sheets ``questions/<student>.pdf`` with the name on them.
    level : {"easy", "exam", "hard"}
    pdf : bool or None
        Compile the sheets and the booklet; None (default) when pdflatex is on PATH. Without it the
        ``.tex`` files are written and a note says so.
    log : file, optional
        Where the summary goes (default standard error).
    """
    from ...numerics.progress import bar
    from ..pdf import compile_pdf, have_pdflatex
    from ..printers import latex_document
    from ..staged import StagedFolder
    from .moodle import moodle_xml
    log = sys.stderr if log is None else log
    topics = parse_topics(topics)
    if (variants is None) == (roster is None):
        raise ValueError("variants: give either variants (a number) or roster (a CSV of students), not both"
                         if variants is not None else "variants: give variants (a number) or roster (a CSV)")
    students = None
    if roster is not None:
        students = roster if isinstance(roster, list) else read_roster(roster)
        variants = len(students)
    folder = StagedFolder(outdir, prefix=".workedout-exam-", folders=("questions", "keys", "data"))
    want_pdf = have_pdflatex() if pdf is None else pdf
    drawn = draw_variants(topics, variants, seed, level, options=options, progress=progress)
    if students:
        for v, s in zip(drawn, students):
            v.students.append(s)
    with folder, bar(total=len(drawn) + 1, desc="sheets", unit="sheet", progress=progress) as b:
        put = folder.put
        rows = []
        for v in drawn:
            keys = {}
            for t, ex in v.exercises.items():
                d = ex.to_dict()
                d["command"] = ex.command_in("data")
                keys[t] = d
                for fname, text in ex.files.items():
                    put(f"data/{fname}", text)  # a file two variants share is written once
            put(f"keys/{v.name}.json", json.dumps(keys, indent=2, ensure_ascii=False) + "\n")
            sheets = [(s.id, s) for s in v.students] or [(v.name, None)]
            for stem, s in sheets:
                who = s.shown if s else f"Variant {v.number}"
                heading = f"{title}: {who}" + (f" (variant {v.number})" if s else "")
                source = latex_document(_sheet_results(v, who, stem), title=heading)
                put(f"questions/{stem}.tex", source)
                if want_pdf:
                    put(f"questions/{stem}.pdf", compile_pdf(source, timeout=120))
                rows.append((stem, v.number, v.seed))
            b.update(1)
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["student", "variant", "seed"])
        w.writerows(rows)
        put("variants.csv", out.getvalue())
        put("moodle.xml", moodle_xml([(f"{title} {v.name} {t}", ex) for v in drawn for t, ex in v.exercises.items()],
                                     category=f"workedout/{title} (seed {seed})"))
        booklet = [r for v in drawn for r in _solution_results(v)]
        source = latex_document(booklet, title=f"{title}: worked solutions of every variant")
        put("solutions.tex", source)
        if want_pdf:
            put("solutions.pdf", compile_pdf(source, timeout=600))
        b.update(1)
    written = folder.written
    print(f"wrote {len(written)} files to {outdir}/: {len(drawn)} variant(s) of {', '.join(topics)} "
          f"(level {level}, seed {seed})", file=log)
    if not want_pdf and pdf is None:
        print("  (no PDFs: pdflatex not found; the .tex files are written; install texlive-latex-base "
              "texlive-latex-recommended texlive-pictures and run again for the PDFs)", file=log)
    return folder.files


