"""``workedout apriori``: formats, stdin, --plot, --check, and bad input (exit 2, one line, no file)."""
import io
import json
import os
import subprocess
import sys

import pytest

TEXTBOOK = "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "allelectronics.txt"
    path.write_text(TEXTBOOK)
    return path


def test_json_keys_and_formats(run_cli, db):
    status, out, err = run_cli("apriori", db, "--min-support", "2", "--min-confidence", "0.7", "--max-len", "3",
                               "--format", "json")
    assert status == 0 and not err
    data = json.loads(out)
    assert {"levels", "rules", "n_transactions", "min_support_count", "frequent_itemsets"} <= set(data)
    level = data["levels"][2]
    assert set(level) >= {"k", "candidates", "pruned", "frequent"}
    assert set(level["pruned"][0]) == {"itemset", "infrequent_subset"}
    assert set(data["rules"][0]) >= {"antecedent", "consequent", "support", "confidence", "lift", "leverage",
                                     "conviction"}
    for fmt in ("text", "tex", "md", "tex-document"):
        status, out, _ = run_cli("apriori", db, "--min-support", "0.2", "--format", fmt)
        assert status == 0 and "I1" in out


def test_stdin_sweep_plot_and_check(run_cli, db, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEXTBOOK))
    figure = tmp_path / "sweep.png"
    status, out, err = run_cli("apriori", "-", "--min-support", "2", "--sweep", "4,3,2", "--plot", figure,
                               "--format", "json")
    assert status == 0 and figure.read_bytes().startswith(b"\x89PNG")
    answer = tmp_path / "answer.json"
    answer.write_text(out)
    assert run_cli("apriori", db, "--min-support", "2", "--sweep", "4,3,2", "--check", answer)[0] == 0
    answer.write_text(json.dumps({"levels": [{"k": 2, "frequent": [{"itemset": ["I2", "I1"], "support": 3}]}]}))
    status, out, _ = run_cli("apriori", db, "--min-support", "2", "--check", answer)
    assert status == 1 and "support of {I1, I2} in L_2" in out  # named in the student's terms


def test_help_has_a_runnable_example(tmp_path):
    out = subprocess.run([sys.executable, "-m", "workedout", "apriori", "--help"], capture_output=True,
                         text=True, check=True).stdout
    example = out.split("example:")[1].strip().splitlines()[0].strip()
    assert example.startswith("printf 'I1 I2 I5") and "| workedout apriori - --min-support 2" in example
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", example], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "Rule 1: {I1, I5} ⇒ {I2}" in proc.stdout


def test_blank_line_is_an_empty_transaction(run_cli, tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("a b\n\na\n")
    status, out, _ = run_cli("apriori", path, "--min-support", "1.0", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["n_transactions"] == 3 and data["min_support_count"] == 3
    assert data["frequent_itemsets"] == [] and "1 empty transaction (line 2)" in " ".join(data["notes"])


@pytest.mark.parametrize("args,text,needle", [
    (["--min-support", "0"], TEXTBOOK, "--min-support: a count must be at least 1"),
    (["--min-support", "-2"], TEXTBOOK, "--min-support"),
    (["--min-support", "1.5"], TEXTBOOK, "--min-support: a fraction must be at most 1"),
    (["--min-support", "two"], TEXTBOOK, "--min-support: 'two' is not a count"),
    (["--min-support", "2", "--min-confidence", "1.2"], TEXTBOOK, "--min-confidence: must be between 0 and 1"),
    (["--min-support", "2", "--min-confidence", "-0.1"], TEXTBOOK, "--min-confidence"),
    (["--min-support", "2", "--max-len", "0"], TEXTBOOK, "--max-length: expected a positive integer"),
    (["--min-support", "2", "--sweep", "0.5,0"], TEXTBOOK, "--sweep item 2"),
    (["--min-support", "2", "--plot", "f.png"], TEXTBOOK, "--plot: needs --sweep"),
    (["--min-support", "2", "--rule", "I1 => I9"], TEXTBOOK, "--rule 1: item 'I9' is not in the database"),
    (["--min-support", "2", "--input-format", "onehot"], "a,b\n1,0\n0,2\n", "line 3, column 2 ('b'): expected 0 or 1"),
    (["--min-support", "2", "--input-format", "json"], '[["a"], [1.5]]', "transaction 2, item 1"),
])
def test_bad_input_one_line_exit_2_no_file(run_cli, tmp_path, args, text, needle):
    path = tmp_path / "db.txt"
    path.write_text(text)
    target = tmp_path / "out.json"
    status, out, err = run_cli("apriori", path, *args, "--format", "json", "-o", target)
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert needle in err and "Traceback" not in err
    assert not target.exists() and not (tmp_path / "f.png").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["db.txt"]


def test_empty_database_and_support_above_n_are_valid(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    status, out, _ = run_cli("apriori", empty, "--min-support", "0.5")
    assert status == 0 and "no transactions" in out
    full = tmp_path / "db.txt"
    full.write_text(TEXTBOOK)
    status, out, _ = run_cli("apriori", full, "--min-support", "10", "--format", "json")
    assert status == 0 and json.loads(out)["frequent_itemsets"] == []
