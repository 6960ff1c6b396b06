"""Grading a class: ``workedout grade KEYS_DIR SUBMISSIONS_DIR``.

:func:`load_exam` reads an exam's keys (``keys/variant-<n>.json``) and its
``variants.csv``, and rebuilds every exercise from its seed, level and options,
refusing a key whose givens differ from those the seed gives (an edited key).
:func:`grade_class` checks every submission against its variant's key, part by
part with errors carried forward (the diagnosis of ``--check``), and writes

* ``feedback/<student>.md`` and ``.pdf``: the marks per part and the check
  report of each exercise;
* ``gradebook.csv``: ``student, variant``, one column per part (a topic and a
  top-level key of its answer, ``conv.output``), ``total, max, note``;
* with ``gradescope``, ``gradescope/<student>/results.json`` in Gradescope's
  autograder format (``score``, ``output``, ``tests``: one per part with its
  ``name``, ``score``, ``max_score`` and ``output``).

A submission is ``<student>.json`` holding ``{"<topic>": {answer keys}}``, or a
folder ``<student>/`` with ``<topic>.json`` (or ``<topic>.csv`` for a topic
whose checker reads a CSV table). What cannot be read gets no marks and a note;
an answer that fits another variant's exercise clearly better than its own is
named; a student without a submission gets 0 and "no submission"; a file that
belongs to nobody is reported. One bad file never stops the batch.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = ["Exam", "TopicGrade", "StudentGrade", "Gradebook", "load_exam", "grade_answers", "grade_class",
           "read_submission", "gradescope_results"]

_KEY_FILE = re.compile(r"variant-([1-9][0-9]{0,5})\.json")


# ------------------------------------------------------------------ the exam
@dataclass
class Exam:
    """An exam as graded: its variants' exercises, who has which variant, the parts marked."""

    folder: Path
    variants: dict          # variant number -> {topic: Exercise}
    roster: list            # (student, variant) in variants.csv's order
    topics: list

    def maxima(self, number: int, topic: str) -> dict:
        """``{group: possible}``: the marks of each asked top-level key of that variant's exercise."""
        cache = self.__dict__.setdefault("_maxima", {})
        if (number, topic) not in cache:
            from .exam import answer_keys
            ex = self.variants[number][topic]
            asked = answer_keys(ex)
            report = ex.check({k: ex.key[k] for k in asked})
            groups = {k: 0 for k in asked}
            for p in report.answer["marks"]["parts"]:
                g = _group(p["location"])
                if g in groups:
                    groups[g] += p["possible"]
            cache[(number, topic)] = groups
        return cache[(number, topic)]

    def columns(self) -> list[str]:
        """The gradebook's part columns: ``topic.key`` for every topic and asked key, in the exam's order."""
        first = min(self.variants)
        return [f"{t}.{k}" for t in self.topics for k in self.maxima(first, t)]


def _group(location: str) -> str:
    return re.match(r"[^.\[]*", location.removeprefix("exact.")).group(0)


def load_exam(keys_dir) -> Exam:
    """The exam whose keys are in ``keys_dir`` (its ``keys/`` folder, or the exam folder itself).

    ``variants.csv`` is found in ``keys_dir`` or its parent. Each key's exercises are rebuilt from their seed,
    level and options and must have the key's givens (else the key was edited, and is refused).
    """
    from ...numerics.inputs import load_json, read_text
    from . import exercise
    folder = Path(keys_dir)
    if not folder.is_dir():
        raise ValueError(f"KEYS_DIR: {str(folder)!r} is not a directory")
    keys = folder / "keys" if (folder / "keys").is_dir() else folder
    files = sorted((p for p in keys.iterdir() if _KEY_FILE.fullmatch(p.name)),
                   key=lambda p: int(_KEY_FILE.fullmatch(p.name).group(1)))
    if not files:
        raise ValueError(f"KEYS_DIR: no keys (variant-<n>.json) in {str(keys)!r}; give the exam's folder or its keys/")
    table = next((d / "variants.csv" for d in (keys, keys.parent) if (d / "variants.csv").is_file()), None)
    if table is None:
        raise ValueError(f"KEYS_DIR: no variants.csv in {str(keys)!r} or {str(keys.parent)!r}")
    variants, topics = {}, None
    for path in files:
        n = int(_KEY_FILE.fullmatch(path.name).group(1))
        what = f"KEYS_DIR: {path}"
        try:
            data = load_json(read_text(path, what=what), what=what)
        except ValueError as exc:  # the reader's message names the file, the line and the column
            raise ValueError(f"{exc} (expected an exam's JSON key)") from None
        if not isinstance(data, dict) or not data:
            raise ValueError(f"{what}: expected an object {{\"<topic>\": <exercise JSON>}}")
        if topics is None:
            topics = list(data)
        elif list(data) != topics:
            raise ValueError(f"{what}: topics {', '.join(data)} differ from the other keys' {', '.join(topics)}")
        variants[n] = {}
        for topic, d in data.items():
            try:
                if not isinstance(d, dict) or d.get("topic") != topic:
                    raise ValueError(f"the entry is not the exercise JSON of topic {topic!r}")
                ex = exercise(topic, seed=d["seed"], level=d["level"], **(d.get("options") or {}))
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{what}: {topic}: cannot rebuild the exercise ({exc})") from None
            if json.dumps(ex.givens, sort_keys=True) != json.dumps(d.get("givens"), sort_keys=True):
                raise ValueError(f"{what}: {topic}: the givens differ from those seed {d['seed']} gives; the key "
                                 "was edited, and is refused (make a new exam with workedout exam)")
            variants[n][topic] = ex
    roster = []
    try:
        rows = list(csv.DictReader(io.StringIO(read_text(table, what="KEYS_DIR"), newline="")))
    except (ValueError, csv.Error) as exc:
        raise ValueError(f"KEYS_DIR: {table}: cannot read it ({exc})") from None
    seen = set()
    for i, row in enumerate(rows, 2):
        try:
            student, n, seed = row["student"].strip(), int(row["variant"]), int(row["seed"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise ValueError(f"KEYS_DIR: {table} line {i}: expected columns student, variant, seed") from None
        if n not in variants:
            raise ValueError(f"KEYS_DIR: {table} line {i}: variant {n} has no key variant-{n}.json")
        if any(ex.seed != seed for ex in variants[n].values()):
            raise ValueError(f"KEYS_DIR: {table} line {i}: seed {seed} is not variant {n}'s seed")
        if student in seen or not student or "/" in student or student.startswith("."):
            raise ValueError(f"KEYS_DIR: {table} line {i}: student {student!r} is empty, unsafe or given twice")
        seen.add(student)
        roster.append((student, n))
    if not roster:
        raise ValueError(f"KEYS_DIR: {table}: no students")
    return Exam(keys.parent if keys != folder else folder, variants, roster, topics)


# ------------------------------------------------------------------ one student
@dataclass
class TopicGrade:
    """One exercise of one submission: marks per group (top-level key), the check report, notes."""

    topic: str
    awarded: dict
    possible: dict
    report: object = None
    notes: list = field(default_factory=list)


@dataclass
class StudentGrade:
    student: str
    variant: int
    topics: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def total(self):
        return sum(sum(t.awarded.values()) for t in self.topics.values())

    @property
    def max(self):
        return sum(sum(t.possible.values()) for t in self.topics.values())

    def all_notes(self) -> list[str]:
        return self.notes + [f"{t.topic}: {n}" for t in self.topics.values() for n in t.notes]


def read_submission(folder: Path, student: str, topics) -> tuple[dict, dict, list[str], bool]:
    """``(answers, csvs, notes, found)``: the answers by topic (an object as read, or an unreadable file's
    message), the CSV files by topic (``<student>/<topic>.csv``), notes, and whether anything was handed in."""
    from ...numerics.inputs import load_json, read_text

    def load(p: Path, shown: str):
        try:
            return load_json(read_text(p, what="submission", limit="answer-size"), what=shown, allow_nan=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a note, never a stop
            return f"could not read {shown}: {' '.join(str(exc).split())[:300]}"

    answers: dict = {}
    csvs: dict = {}
    notes: list[str] = []
    path = folder / f"{student}.json"
    found = path.is_file()
    if found:
        data = load(path, path.name)
        if isinstance(data, str):
            notes.append(data)
        elif not isinstance(data, dict):
            notes.append(f"{path.name} is not a JSON object {{\"<topic>\": {{...}}}} but {_wrong_type(data)}")
        else:
            answers.update(data)
    sub = folder / student
    if sub.is_dir():
        found = True
        for topic in topics:
            if topic not in answers and (sub / f"{topic}.json").is_file():
                answers[topic] = load(sub / f"{topic}.json", f"{student}/{topic}.json")
            if (sub / f"{topic}.csv").is_file():
                csvs[topic] = sub / f"{topic}.csv"
    return answers, csvs, notes, found


def _csv_answer(path: Path, ex) -> dict:
    """A topic's CSV answer read by its checker (align's DP table); a ValueError if the topic reads none."""
    checker = ex.solution.checker
    if checker is None or checker.read is None:
        raise ValueError(f"{path.name}: {ex.topic} reads no CSV answers; hand in {ex.topic} as JSON")
    data = checker.read(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: not read as an answer")
    return data


def _wrong_type(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _check_topic(ex, asked: list, answer: dict, ecf: bool, csv_path: Path | None = None):
    """``(report, awarded per group, notes)`` of one answer (a dict or a CSV path) against ``ex``."""
    notes: list[str] = []
    if csv_path is not None:
        try:
            answer = {**_csv_answer(csv_path, ex), **answer}
        except Exception as exc:  # noqa: BLE001
            notes.append(f"could not read {csv_path.name}: {' '.join(str(exc).split())}")
    unknown = [k for k in answer if k not in ex.key]
    if unknown:
        notes.append(f"unknown key(s) {', '.join(map(str, unknown[:5]))} ignored (expected {', '.join(asked)})")
    given = {k: v for k, v in answer.items() if k in asked}
    missing = [k for k in asked if k not in given]
    if missing and given:
        notes.append(f"no answer for {', '.join(missing)}")
    if not given:
        notes.append("no answer" if not answer else f"none of the asked keys ({', '.join(asked)}) answered")
        return None, {k: 0 for k in asked}, notes
    report = ex.check(given, ecf=ecf)
    awarded = {k: 0 for k in asked}
    for p in report.answer["marks"]["parts"]:
        g = _group(p["location"])
        if g in awarded:
            awarded[g] += p["awarded"]
    unreadable = [d for d in report.discrepancies if d.reason.startswith(("expected ", "cannot read"))
                  and d.cause == "root"]
    if unreadable:
        d = unreadable[0]
        notes.append(f"{len(unreadable)} value(s) of the wrong form, e.g. {d.subject or d.location}: {d.reason}")
    seen = []
    for d in report.discrepancies:
        if d.misconception and d.misconception["id"] not in seen:
            seen.append(d.misconception["id"])
    if seen:
        notes.append("misconception " + ", ".join(seen))
    return report, awarded, notes


def grade_answers(exam: Exam, student: str, number: int, answers: dict, *, csvs: dict | None = None,
                  ecf: bool = True, notes: list | None = None) -> StudentGrade:
    """Grade one submission's ``answers`` (by topic; ``csvs``: CSV files by topic) against variant ``number``."""
    grade = StudentGrade(student, number, notes=list(notes or []))
    csvs = csvs or {}
    for topic in exam.topics:
        ex = exam.variants[number][topic]
        possible = exam.maxima(number, topic)
        asked = list(possible)
        answer = answers.get(topic, {} if topic in csvs else None)
        tg = TopicGrade(topic, {k: 0 for k in asked}, dict(possible))
        grade.topics[topic] = tg
        if answer is None:
            if not grade.notes:
                tg.notes.append("no answer")
            continue
        if isinstance(answer, str) and answer.startswith("could not read"):  # an unreadable file's message
            tg.notes.append(answer)
            continue
        if not isinstance(answer, dict):
            tg.notes.append(f"expected an object of answer keys ({', '.join(asked)}), got {_wrong_type(answer)}")
            continue
        try:
            report, awarded, more = _check_topic(ex, asked, answer, ecf, csvs.get(topic))
        except Exception as exc:  # noqa: BLE001 - one bad answer never stops the batch
            tg.notes.append(f"could not check the answer: {' '.join(str(exc).split())[:300]}")
            continue
        tg.report, tg.notes = report, tg.notes + more
        tg.awarded = {k: min(awarded[k], possible[k]) for k in asked}
        mine = sum(tg.awarded.values())
        top = sum(possible.values())
        if report is not None and mine < top and len(exam.variants) > 1:
            other = _other_variant(exam, number, topic, answer, csvs.get(topic), ecf, mine)
            if other is not None:
                k, theirs, their_top = other
                tg.notes.append(f"this looks like variant {k}'s exercise ({_num(theirs)} of {_num(their_top)} marks "
                                f"against variant {k}'s key, {_num(mine)} of {_num(top)} against variant {number}'s)")
    return grade


def _leaves(value, path: str = "") -> set:
    """The answer's scalar leaves as ``(path, canonical text)``: a cheap first comparison of two answers."""
    if isinstance(value, dict):
        return set().union(*(_leaves(v, f"{path}.{k}") for k, v in value.items())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_leaves(v, f"{path}[{i}]") for i, v in enumerate(value))) if value else set()
    return {(path, json.dumps(value, sort_keys=True))}


def _other_variant(exam: Exam, number: int, topic: str, answer: dict, csv_path, ecf: bool, mine) -> tuple | None:
    """``(k, marks, max)`` of the other variant whose key this answer fits clearly better than its own; else None.

    The candidates are ranked by how many of the answer's values equal the key's (cheap); only the best is
    checked in full, and named when its share of the marks beats the own variant's by a quarter of the marks.
    """
    from .exam import answer_keys
    given = _leaves({k: v for k, v in answer.items() if isinstance(k, str)})
    if not given:
        return None

    def overlap(k: int) -> int:
        ex = exam.variants[k][topic]
        return len(given & _leaves({key: ex.key[key] for key in answer_keys(ex)}))

    own = overlap(number)
    ranked = sorted((k for k in exam.variants if k != number), key=lambda k: (-overlap(k), k))
    if not ranked or overlap(ranked[0]) <= own:
        return None
    k = ranked[0]
    ex = exam.variants[k][topic]
    possible = exam.maxima(k, topic)
    try:
        _, awarded, _ = _check_topic(ex, list(possible), answer, ecf, csv_path)
    except Exception:  # noqa: BLE001
        return None
    theirs, top = sum(min(awarded[g], possible[g]) for g in possible), sum(possible.values())
    own_top = sum(exam.maxima(number, topic).values())
    if top and (theirs / top >= mine / own_top + 0.25 or theirs == top and mine < own_top):
        return k, theirs, top
    return None


# ------------------------------------------------------------------ the class
@dataclass
class Gradebook:
    """What :func:`grade_class` graded and wrote."""

    exam: Exam
    grades: list
    extra: list
    out: Path
    files: list

    def rows(self) -> list[list]:
        cols = self.exam.columns()
        out = [["student", "variant", *cols, "total", "max", "note"]]
        for g in self.grades:
            marks = {f"{t}.{k}": v for t, tg in g.topics.items() for k, v in tg.awarded.items()}
            out.append([g.student, g.variant, *[_num(marks.get(c, 0)) for c in cols], _num(g.total), _num(g.max),
                        "; ".join(g.all_notes())])
        return out


def _num(v):
    return int(v) if float(v).is_integer() else round(float(v), 4)


def _feedback_results(g: StudentGrade, exam: Exam, name: str):
    """The feedback as Results: a summary with the marks per part, then each exercise's check report."""
    from ..model import Prose, Step, Table
    from ..result import Result
    rows = [[f"{t}.{k}", f"{_num(tg.awarded[k])} of {_num(tg.possible[k])}"]
            for t, tg in g.topics.items() for k in tg.possible]
    rows.append(["total", f"{_num(g.total)} of {_num(g.max)}"])
    steps = [Step(Table(["part", "marks"], rows), why=("Marks per part (errors carried forward cost no marks).",))]
    notes = g.all_notes()
    if notes:
        steps.append(Step(Prose(("Notes: " + "; ".join(notes) + "."),), why=("What the grader noticed.",)))
    head = Result(kind="feedback", title=f"Feedback for {name}, variant {g.variant}: {_num(g.total)} of {_num(g.max)}",
                  steps=steps, show_checks=False)
    results = [head]
    for i, (t, tg) in enumerate(g.topics.items(), 1):
        ex = exam.variants[g.variant][t]
        title = f"Exercise {i} ({t}): {_num(sum(tg.awarded.values()))} of {_num(sum(tg.possible.values()))}"
        if tg.report is not None:
            results.append(replace(tg.report, kind=f"feedback.{i}", title=title))
        else:
            results.append(Result(kind=f"feedback.{i}", title=title, show_checks=False,
                                  intro=("No marks: " + ("; ".join(tg.notes) or "no answer") + ". The question was: "
                                         + ex.question,)))
    return results


def gradescope_results(g: StudentGrade) -> dict:
    """Gradescope's autograder ``results.json``: the score, a summary, one test per part."""
    tests = []
    for t, tg in g.topics.items():
        for k in tg.possible:
            lines = []
            if tg.report is not None:
                for d in tg.report.discrepancies:
                    if _group(d.location) == k:
                        what = d.subject or d.location
                        lost = "no marks lost (follows from an earlier error)" if d.cause == "follows" else d.reason
                        mis = f" [{d.misconception['id']}]" if d.misconception else ""
                        lines.append(f"{what}: given {d.given}, expected {d.expected}; {lost}{mis}")
            lines += [n for n in tg.notes] if not lines and tg.awarded[k] < tg.possible[k] else []
            tests.append({"name": f"{t}.{k}", "score": _num(tg.awarded[k]), "max_score": _num(tg.possible[k]),
                          "output": "\n".join(lines) or "All correct."})
    return {"score": _num(g.total), "output": "; ".join(g.all_notes()) or f"{_num(g.total)} of {_num(g.max)}",
            "tests": tests}


def grade_class(keys_dir, submissions_dir, out=None, *, gradescope: bool = False, ecf: bool = True,
                pdf: bool | None = None, log=None, progress: bool | None = None) -> Gradebook:
    """Grade every submission in ``submissions_dir`` against the exam in ``keys_dir``; write the results to ``out``.

    ``out`` defaults to ``graded/`` beside ``submissions_dir``. ``pdf`` (None: when pdflatex is on PATH)
    compiles each feedback report. Returns the :class:`Gradebook`; nothing is written unless every file is.
    """
    from ...numerics.progress import bar
    from ..pdf import compile_pdf, have_pdflatex
    from ..printers import latex_document
    from ..staged import StagedFolder
    log = sys.stderr if log is None else log
    exam = load_exam(keys_dir)
    subs = Path(submissions_dir)
    if not subs.is_dir():
        raise ValueError(f"SUBMISSIONS_DIR: {str(subs)!r} is not a directory")
    outdir = Path(out) if out is not None else subs.resolve().parent / "graded"
    staged = StagedFolder(outdir, prefix=".workedout-grade-", folders=("feedback", "gradescope"))
    want_pdf = have_pdflatex() if pdf is None else pdf
    names = {s for s, _ in exam.roster}
    skip = {outdir.resolve()}
    extra = sorted(p.name for p in subs.iterdir()
                   if not p.name.startswith(".") and p.resolve() not in skip
                   and not (p.suffix == ".json" and p.stem in names) and not (p.is_dir() and p.name in names))
    grades = []
    with staged, bar(total=len(exam.roster), desc="grade", unit="student", progress=progress) as b:
        put = staged.put
        for student, number in exam.roster:
            b.set_postfix_str(student)
            try:
                answers, csvs, notes, found = read_submission(subs, student, exam.topics)
                if not found:
                    g = grade_answers(exam, student, number, {}, ecf=ecf, notes=["no submission"])
                else:
                    g = grade_answers(exam, student, number, answers, csvs=csvs, ecf=ecf, notes=notes)
            except Exception as exc:  # noqa: BLE001 - the batch goes on; the row says why
                g = grade_answers(exam, student, number, {}, ecf=ecf,
                                  notes=[f"not graded: {' '.join(str(exc).split())[:300]}"])
            grades.append(g)
            results = _feedback_results(g, exam, student)
            put(f"feedback/{student}.md", "\n".join(r.render("md") for r in results))
            if want_pdf:
                try:
                    source = latex_document(results, title=f"Feedback: {student}")
                    put(f"feedback/{student}.pdf", compile_pdf(source, timeout=120))
                except Exception as exc:  # noqa: BLE001 - the Markdown stands; say why the PDF does not
                    g.notes.append(f"feedback PDF not written ({' '.join(str(exc).split())[:200]})")
            if gradescope:
                put(f"gradescope/{student}/results.json",
                    json.dumps(gradescope_results(g), indent=2, ensure_ascii=False) + "\n")
            b.update(1)
        book = Gradebook(exam, grades, extra, outdir, [])
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(book.rows())
        put("gradebook.csv", text.getvalue())
    written = staged.written
    book.files = staged.files
    graded = sum(1 for g in grades if "no submission" not in g.notes)
    print(f"graded {graded} submission(s) of {len(grades)} student(s); wrote {outdir}/gradebook.csv and "
          f"{len(written) - 1} more file(s)", file=log)
    for name in extra:
        print(f"  not in variants.csv, not graded: {subs / name}", file=log)
    if not want_pdf and pdf is None:
        print("  (no feedback PDFs: pdflatex not found; the Markdown feedback is written)", file=log)
    return book
