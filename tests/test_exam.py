"""``workedout exam``: variants, roster, keys, sheets, variants.csv, and the keys' commands giving the keys."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pytest

from workedout.derivations import cli
from workedout.derivations.commands import exam as exam_command
from workedout.derivations.commands.base import Parser
from workedout.derivations.exercise import SCHEMA, exercise, names
from workedout.derivations.exercise.exam import answer_keys, draw_variants, read_roster, write_exam
from workedout.derivations.topics import EXERCISES

#: the topics whose generator module exists (the list grows as they land)
TOPICS = [t for t in names()
          if importlib.util.find_spec(f"workedout.derivations.{EXERCISES[t]}") is not None]
EXERCISE_KEYS = {"schema", "topic", "seed", "level", "options", "question", "command", "givens", "key",
                 "properties", "sizes", "files"}


def run(argv) -> tuple[int, str, str]:
    """``workedout exam|grade ...`` through a parser holding only these two commands (the CLI's error handling)."""
    parser = Parser(prog="workedout")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    sub.required = True
    exam_command.register(sub)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli._main(parser, [str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def exam_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("exam") / "exam"
    status, _, err = run(["exam", "--topics", ",".join(TOPICS), "--variants", 3, "--seed", 2024, "--no-pdf",
                          "-o", out])
    assert status == 0, err
    return out


@pytest.fixture(scope="module")
def roster_exam(tmp_path_factory):
    base = tmp_path_factory.mktemp("roster")
    roster = base / "students.csv"
    roster.write_text("student,name\ns001,Ada Lovelace\ns002,Émile Borel\ns003,Grace_Hopper & co\n", encoding="utf-8")
    out = base / "exam"
    status, _, err = run(["exam", "--topics", "conv", "--roster", roster, "--seed", 7, "--no-pdf", "-o", out])
    assert status == 0, err
    return out


def test_files_of_an_exam_of_three_variants(exam_dir):
    for n in (1, 2, 3):
        assert (exam_dir / "questions" / f"variant-{n}.tex").is_file()
        assert (exam_dir / "keys" / f"variant-{n}.json").is_file()
    for name in ("solutions.tex", "variants.csv", "moodle.xml"):
        assert (exam_dir / name).is_file()
    assert not (exam_dir / "keys" / "variant-4.json").exists()
    assert not [p for p in exam_dir.parent.iterdir() if p.name.startswith(".workedout-exam")]  # no stage left


def test_keys_schema_and_data_files(exam_dir):
    for n in (1, 2, 3):
        keys = json.loads((exam_dir / "keys" / f"variant-{n}.json").read_text(encoding="utf-8"))
        assert list(keys) == TOPICS
        for topic, d in keys.items():
            assert set(d) == EXERCISE_KEYS and d["schema"] == SCHEMA and d["topic"] == topic
            ex = exercise(topic, seed=d["seed"], level=d["level"], **d["options"])
            assert d["givens"] == ex.givens and d["key"] == json.loads(json.dumps(ex.key))
            for name in d["files"]:  # the command names its data files inside data/, and they are there
                assert f"data/{name}" in d["command"] or any(a.endswith(f"data/{name}") for a in d["command"])
                assert (exam_dir / "data" / name).read_text(encoding="utf-8") == ex.files[name]


def test_variants_csv_and_distinct_variants(exam_dir):
    rows = list(csv.DictReader((exam_dir / "variants.csv").open(encoding="utf-8")))
    assert [r["student"] for r in rows] == ["variant-1", "variant-2", "variant-3"]
    assert [int(r["variant"]) for r in rows] == [1, 2, 3]
    givens = []
    for r in rows:
        keys = json.loads((exam_dir / "keys" / f"variant-{r['variant']}.json").read_text(encoding="utf-8"))
        assert all(d["seed"] == int(r["seed"]) for d in keys.values())
        givens.append(json.dumps({t: d["givens"] for t, d in keys.items()}, sort_keys=True))
    assert len(set(givens)) == 3


def test_the_sheet_hides_the_seed_and_says_how_to_hand_in(exam_dir):
    tex = (exam_dir / "questions" / "variant-2.tex").read_text(encoding="utf-8")
    keys = json.loads((exam_dir / "keys" / "variant-2.json").read_text(encoding="utf-8"))
    assert "seed" not in tex.lower() and str(keys[TOPICS[0]]["seed"]) not in tex
    assert "variant-2.json" in tex.replace("-{}", "-")


@pytest.mark.parametrize("topic", TOPICS)
def test_the_keys_command_gives_the_key(exam_dir, topic, monkeypatch, tmp_path):
    d = json.loads((exam_dir / "keys" / "variant-1.json").read_text(encoding="utf-8"))[topic]
    assert d["command"][0] == "workedout"
    monkeypatch.chdir(exam_dir)  # the command names its data files relative to the exam folder
    out = tmp_path / "worked.json"
    status = cli.main(d["command"][1:] + ["--format", "json", "-o", str(out)])
    assert status == 0
    worked = json.loads(out.read_text(encoding="utf-8"))
    assert {k: worked[k] for k in d["key"]} == d["key"]


def test_roster_sheets_carry_the_names(roster_exam):
    for sid, name in (("s001", "Ada Lovelace"), ("s002", "Borel"), ("s003", "Grace\\_Hopper \\& co")):
        tex = (roster_exam / "questions" / f"{sid}.tex").read_text(encoding="utf-8")
        assert name in tex and sid in tex and f"{sid}.json" in tex.replace("-{}", "-")
    rows = list(csv.DictReader((roster_exam / "variants.csv").open(encoding="utf-8")))
    assert [(r["student"], r["variant"]) for r in rows] == [("s001", "1"), ("s002", "2"), ("s003", "3")]
    assert sorted(p.name for p in (roster_exam / "keys").iterdir()) == [f"variant-{n}.json" for n in (1, 2, 3)]


def test_the_same_seed_gives_the_same_exam(exam_dir, tmp_path):
    again = tmp_path / "again"
    write_exam(again, TOPICS, seed=2024, variants=3, pdf=False, log=io.StringIO())
    for n in (1, 2, 3):
        assert (again / "keys" / f"variant-{n}.json").read_bytes() == \
            (exam_dir / "keys" / f"variant-{n}.json").read_bytes()
    assert (again / "moodle.xml").read_bytes() == (exam_dir / "moodle.xml").read_bytes()


def test_a_repeated_variant_is_skipped(monkeypatch):
    from workedout.derivations.exercise import exam as exam_module
    seeds = iter([11, 11, 12, 11, 13])  # the second draw repeats the first: it is skipped
    monkeypatch.setattr(exam_module, "derive_seed", lambda s, j: next(seeds))
    variants = draw_variants(["conv"], 3, 0)
    assert [v.seed for v in variants] == [11, 12, 13]


@pytest.mark.parametrize("text, says", [
    ("name\nAda\n", "line 1: no 'student' column"),
    ("student,name\na1,Ada\na1,Alan\n", "line 3: student id 'a1' is already on line 2"),
    ("student,name\n../evil,Eve\n", "line 2: student id '../evil' is not safe"),
    ("student\n", "no students"),
    ("", "empty"),
    ("student,name\n,Nobody\n", "line 2: no student id"),
])
def test_a_bad_roster_is_one_line_and_writes_nothing(tmp_path, text, says):
    roster = tmp_path / "r.csv"
    roster.write_text(text, encoding="utf-8")
    out = tmp_path / "exam"
    status, _, err = run(["exam", "--topics", "conv", "--roster", roster, "--seed", 1, "--no-pdf", "-o", out])
    assert status == 2 and says in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


@pytest.mark.parametrize("argv, says", [
    (["--topics", "conv,nope", "--variants", "2"], "--topics: 'nope'"),
    (["--topics", "conv,conv", "--variants", "2"], "given twice"),
    (["--topics", "conv", "--variants", "0"], "--variants: must be at least 1"),
    (["--topics", "conv"], "one of the arguments --variants --roster is required"),
    (["--topics", "conv", "--variants", "2", "--roster", "x.csv"], "not allowed with"),
    (["--topics", "conv", "--variants", "2", "--level", "medium"], "--level"),
])
def test_bad_options_exit_2(tmp_path, argv, says):
    status, _, err = run(["exam", *argv, "--seed", 1, "--no-pdf", "-o", tmp_path / "exam"])
    assert status == 2 and says in err and "Traceback" not in err
    assert not (tmp_path / "exam").exists()


def test_read_roster_reads_names_and_skips_blank_lines(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("\ufeffStudent , Name\n\nb.2,  Alan   Turing \nc_3,\n", encoding="utf-8")
    assert [(s.id, s.name) for s in read_roster(roster)] == [("b.2", "Alan Turing"), ("c_3", "")]


def test_answer_keys_are_part_of_the_key():
    for topic in TOPICS:
        ex = exercise(topic, seed=5)
        asked = answer_keys(ex)
        assert asked and set(asked) <= set(ex.key) and "exact" not in asked


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (required in CI)")
def test_pdfs_compile(tmp_path):
    roster = tmp_path / "students.csv"
    roster.write_text("student,name\nada,Ada Lovelace\n", encoding="utf-8")
    out = tmp_path / "exam"
    status, _, err = run(["exam", "--topics", ",".join(TOPICS), "--roster", roster, "--seed", 3, "-o", out])
    assert status == 0, err
    for pdf in (out / "questions" / "ada.pdf", out / "solutions.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF")
    assert os.path.getsize(out / "solutions.pdf") > 10_000
