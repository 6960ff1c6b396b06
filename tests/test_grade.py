"""``workedout grade``: a held-out class of submissions graded as a teacher would, and never a crash."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from fractions import Fraction

import pytest

from workedout.derivations import cli
from workedout.derivations.commands import exam as exam_command
from workedout.derivations.commands.base import Parser
from workedout.derivations.exercise import names
from workedout.derivations.exercise.exam import answer_keys, write_exam
from workedout.derivations.exercise.grade import grade_class, load_exam
from workedout.derivations.topics import EXERCISES

AVAILABLE = [t for t in names()
             if importlib.util.find_spec(f"workedout.derivations.{EXERCISES[t]}") is not None]
#: conv for the catalogued misconception; gmm-estep (when it exists) for a mistake with consequences
TOPICS = ["conv"] + (["gmm-estep"] if "gmm-estep" in AVAILABLE else [])


def run(argv) -> tuple[int, str]:
    parser = Parser(prog="workedout")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    sub.required = True
    exam_command.register(sub)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = cli._main(parser, [str(a) for a in argv])
    return status, err.getvalue()


def _asked(ex) -> dict:
    return {k: ex.key[k] for k in answer_keys(ex)}


def _flipped(ex) -> dict:
    """The answer of a student who flipped the kernel (the mathematical convolution): conv's ``true-convolution``."""
    X = [[int(v) for v in row] for row in ex.givens["input"]]
    W = [[int(v) for v in row] for row in ex.givens["kernel"]][::-1]
    W = [row[::-1] for row in W]
    b, k = int(ex.givens["bias"]), len(W)
    assert ex.givens["stride"] == "1" and ex.givens["padding"] == "0"
    n = len(X) - k + 1
    out = [[sum(X[i + u][j + v] * W[u][v] for u in range(k) for v in range(k)) + b for j in range(n)]
           for i in range(n)]
    return {"output_shape": [n, n], "output": out}


def _one_density_wrong(ex) -> dict:
    """gmm-estep: the first density wrong, everything after it computed correctly from it (consequences)."""
    dens = list(ex.key["densities"])
    dens[0] *= 1.5
    w = [float(Fraction(x)) for x in ex.givens["weights"]]
    weighted = [wk * d for wk, d in zip(w, dens)]
    evidence = sum(weighted)
    return {"densities": dens, "weighted_densities": weighted, "evidence": evidence,
            "responsibilities": [x / evidence for x in weighted]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("grade")
    exam_dir = base / "exam"
    write_exam(exam_dir, TOPICS, seed=31, variants=8, pdf=False, log=io.StringIO())
    exam = load_exam(exam_dir / "keys")
    v = {n: exam.variants[n] for n in exam.variants}
    subs = base / "submissions"
    subs.mkdir()

    def hand_in(n, data):
        (subs / f"variant-{n}.json").write_text(json.dumps(data), encoding="utf-8")

    hand_in(1, {t: _asked(ex) for t, ex in v[1].items()})                       # correct
    two = {t: _asked(ex) for t, ex in v[2].items()}                            # one mistake, its consequences
    if "gmm-estep" in TOPICS:
        two["gmm-estep"] = _one_density_wrong(v[2]["gmm-estep"])
    else:
        two["conv"]["output"][0][0] += 1
    hand_in(2, two)
    three = {t: _asked(ex) for t, ex in v[3].items()}                          # a catalogued misconception
    three["conv"] = _flipped(v[3]["conv"])
    hand_in(3, three)
    (subs / "variant-4.json").write_text('{"conv": {"output": [[1, 2]', encoding="utf-8")  # malformed JSON
    hand_in(5, {t: _asked(ex) for t, ex in v[1].items()})                       # variant 1's exercise answered
    # variant 6: no submission
    hand_in(7, {"conv": [1, 2, 3], **({"gmm-estep": {"responsibilities": "half"}} if len(TOPICS) > 1 else {})})
    (subs / "variant-8").mkdir()                                               # a folder, one file per topic
    (subs / "variant-8" / "conv.json").write_text(json.dumps(_asked(v[8]["conv"])), encoding="utf-8")
    (subs / "stranger.json").write_text("{}", encoding="utf-8")                # not in variants.csv
    log = io.StringIO()
    book = grade_class(exam_dir, subs, base / "graded", gradescope=True, pdf=False, log=log)
    rows = list(csv.DictReader((base / "graded" / "gradebook.csv").open(encoding="utf-8")))
    return {"book": book, "rows": {r["student"]: r for r in rows}, "out": base / "graded", "log": log.getvalue(),
            "exam": exam, "exam_dir": exam_dir, "subs": subs, "base": base}


def _marks(report_row, topic):
    return sum(int(v) for k, v in report_row.items() if k.startswith(topic + "."))


def _max(g, topic, n=1):
    return sum(g["exam"].maxima(n, topic).values())


def test_gradebook_columns_and_totals(graded):
    exam = graded["exam"]
    header = list(graded["rows"]["variant-1"])
    parts = [f"{t}.{k}" for t in TOPICS for k in answer_keys(exam.variants[1][t])]
    assert header == ["student", "variant", *parts, "total", "max", "note"]
    assert list(graded["rows"]) == [f"variant-{n}" for n in range(1, 9)]
    for r in graded["rows"].values():
        assert int(r["total"]) == sum(int(r[p]) for p in parts)
        assert int(r["max"]) == sum(_max(graded, t, int(r["variant"])) for t in TOPICS)
        assert 0 <= int(r["total"]) <= int(r["max"])


def test_a_correct_answer_gets_full_marks(graded):
    r = graded["rows"]["variant-1"]
    assert r["total"] == r["max"] and r["note"] == ""


def test_one_mistake_costs_one_mark_and_its_consequences_none(graded):
    r = graded["rows"]["variant-2"]
    assert int(r["total"]) == int(r["max"]) - 1
    g = next(g for g in graded["book"].grades if g.student == "variant-2")
    topic = "gmm-estep" if "gmm-estep" in TOPICS else "conv"
    report = g.topics[topic].report
    assert report.answer["roots"] == 1
    if topic == "gmm-estep":  # the weighted densities, the evidence and the responsibilities follow from it
        assert sum(d.cause == "follows" for d in report.discrepancies) >= 3
        assert int(r["gmm-estep.densities"]) == graded["exam"].maxima(2, "gmm-estep")["densities"] - 1


def test_without_ecf_the_consequences_cost_marks_too(graded, tmp_path):
    if "gmm-estep" not in TOPICS:
        pytest.skip("gmm-estep is not there yet: conv's asked parts have no consequences")
    book = grade_class(graded["exam_dir"], graded["subs"], tmp_path / "strict", ecf=False, pdf=False,
                       log=io.StringIO())
    g = next(g for g in book.grades if g.student == "variant-2")
    assert g.total <= g.max - 4


def test_a_catalogued_misconception_is_named(graded):
    r = graded["rows"]["variant-3"]
    assert "true-convolution" in r["note"]
    assert int(r["conv.output"]) == 0 and int(r["conv.output_shape"]) == 1
    md = (graded["out"] / "feedback" / "variant-3.md").read_text(encoding="utf-8")
    assert "true-convolution" in md


def test_malformed_json_gets_zero_and_a_note(graded):
    r = graded["rows"]["variant-4"]
    assert r["total"] == "0" and "could not read variant-4.json" in r["note"] and "line 1" in r["note"]


def test_another_variants_answer_is_named(graded):
    r = graded["rows"]["variant-5"]
    assert "this looks like variant 1's exercise" in r["note"]
    assert int(r["total"]) < int(r["max"])


def test_a_missing_submission_gets_zero(graded):
    r = graded["rows"]["variant-6"]
    assert r["total"] == "0" and r["note"] == "no submission" and int(r["max"]) > 0


def test_values_of_the_wrong_type_get_zero_and_a_note(graded):
    r = graded["rows"]["variant-7"]
    assert int(r["conv.output"]) == 0 and "conv: expected an object of answer keys" in r["note"]
    if "gmm-estep" in TOPICS:
        assert int(r["gmm-estep.responsibilities"]) == 0 and "gmm-estep: " in r["note"]


def test_a_folder_submission_is_read_topic_by_topic(graded):
    r = graded["rows"]["variant-8"]
    assert _marks(r, "conv") == _max(graded, "conv", 8)
    if "gmm-estep" in TOPICS:
        assert "gmm-estep: no answer" in r["note"]


def test_an_extra_file_is_reported(graded):
    assert graded["book"].extra == ["stranger.json"]
    assert "stranger.json" in graded["log"] and "stranger" not in graded["rows"]


def test_gradescope_results_per_student(graded):
    for r in graded["rows"].values():
        data = json.loads((graded["out"] / "gradescope" / r["student"] / "results.json").read_text(encoding="utf-8"))
        assert set(data) == {"score", "output", "tests"}
        assert data["score"] == int(r["total"])
        assert [t["name"] for t in data["tests"]] == [c for c in r if "." in c]
        for t in data["tests"]:
            assert set(t) == {"name", "score", "max_score", "output"} and 0 <= t["score"] <= t["max_score"]
            assert t["score"] == int(r[t["name"]]) and isinstance(t["output"], str)
        assert sum(t["max_score"] for t in data["tests"]) == int(r["max"])
    wrong = json.loads((graded["out"] / "gradescope" / "variant-3" / "results.json").read_text(encoding="utf-8"))
    assert "true-convolution" in next(t["output"] for t in wrong["tests"] if t["name"] == "conv.output")


def test_feedback_per_student(graded):
    for r in graded["rows"].values():
        md = (graded["out"] / "feedback" / f"{r['student']}.md").read_text(encoding="utf-8")
        assert f"{r['total']} of {r['max']}" in md


def test_the_cli_grades_and_refuses_bad_folders(graded, tmp_path):
    status, err = run(["grade", graded["exam_dir"] / "keys", graded["subs"], "-o", tmp_path / "g", "--no-pdf"])
    assert status == 0 and (tmp_path / "g" / "gradebook.csv").is_file(), err
    assert not (tmp_path / "g" / "gradescope").exists()
    status, err = run(["grade", tmp_path / "nope", graded["subs"], "-o", tmp_path / "h"])
    assert status == 2 and "KEYS_DIR" in err and err.count("\n") == 1 and not (tmp_path / "h").exists()
    status, err = run(["grade", graded["exam_dir"], tmp_path / "nope", "-o", tmp_path / "h"])
    assert status == 2 and "SUBMISSIONS_DIR" in err and not (tmp_path / "h").exists()


def test_an_edited_key_is_refused(graded, tmp_path):
    copy = tmp_path / "exam"
    shutil.copytree(graded["exam_dir"], copy)
    path = copy / "keys" / "variant-2.json"
    keys = json.loads(path.read_text(encoding="utf-8"))
    keys["conv"]["givens"]["bias"] = str(int(keys["conv"]["givens"]["bias"]) + 1)
    path.write_text(json.dumps(keys), encoding="utf-8")
    status, err = run(["grade", copy, graded["subs"], "-o", tmp_path / "g", "--no-pdf"])
    assert status == 2 and "variant-2.json" in err and "edited" in err and not (tmp_path / "g").exists()


def test_default_output_is_beside_the_submissions(graded):
    book = grade_class(graded["exam_dir"], graded["subs"], pdf=False, log=io.StringIO())
    assert book.out == graded["subs"].resolve().parent / "graded"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (required in CI)")
def test_feedback_pdf_compiles(graded, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("variant-2.json", "variant-3.json"):
        shutil.copy(graded["subs"] / name, subs / name)
    book = grade_class(graded["exam_dir"], subs, tmp_path / "g", pdf=True, log=io.StringIO())
    for name in ("variant-2", "variant-3"):
        assert (tmp_path / "g" / "feedback" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    assert not any("PDF not written" in n for g in book.grades for n in g.notes)


def test_a_dp_table_handed_in_as_csv_is_read(tmp_path):
    """align's DP table as a CSV file in the student's folder, beside a JSON with the score."""
    exam_dir = tmp_path / "exam"
    write_exam(exam_dir, ["align"], seed=5, variants=1, pdf=False, log=io.StringIO())
    ex = load_exam(exam_dir / "keys").variants[1]["align"]
    folder = tmp_path / "subs" / "variant-1"
    folder.mkdir(parents=True)
    table = [list(row) for row in ex.key["table"]]
    table[-1][-1] += 1  # one wrong cell: the last, so nothing follows from it but the score
    (folder / "align.csv").write_text("\n".join(",".join(str(v) for v in row) for row in table) + "\n")
    (folder / "align.json").write_text(json.dumps({"score": table[-1][-1]}))
    book = grade_class(exam_dir / "keys", tmp_path / "subs", tmp_path / "out", pdf=False, log=io.StringIO())
    header, row = book.rows()[0], book.rows()[1]
    got = dict(zip(header, row))
    cells = len(table) * len(table[0])
    assert int(got["align.table"]) == cells - 1          # the one wrong cell costs its mark
    assert int(got["align.score"]) == 2                   # the score follows from it: carried forward
