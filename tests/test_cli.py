"""The command line's contracts: help with examples, one-line errors, exit codes, atomic output."""
import json
import os
import subprocess
import sys

import pytest

ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1"]


def test_version_and_help_show_examples(run_cli, capsys):
    from workedout.derivations import __version__
    with pytest.raises(SystemExit) as exc:
        run_cli("--version")
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"workedout {__version__}"
    for argv in ([], ["gmm"], ["gmm", "estep"], ["demo"]):
        with pytest.raises(SystemExit) as exc:
            run_cli(*argv, "--help")
        assert exc.value.code == 0


@pytest.mark.parametrize("argv", [[], ["gmm"], ["gmm", "estep"], ["demo"]])
def test_help_has_an_example(argv):
    out = subprocess.run([sys.executable, "-m", "workedout", *argv, "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "example:" in out
    assert "workedout " in out.split("example:")[1]  # tests/test_help_examples.py runs them


def test_console_script_and_module_agree():
    out = subprocess.run([sys.executable, "-m", "workedout", *ESTEP, "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["exact"]["responsibilities"][0] == "1/(1 + exp(3/2))"


@pytest.mark.parametrize("fmt", ["text", "tex", "tex-document", "md", "json"])
def test_every_text_format(run_cli, fmt):
    status, out, err = run_cli(*ESTEP, "--format", fmt)
    assert status == 0 and out and not err


@pytest.mark.parametrize("argv,needle", [
    (["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,0"], "--sds: item 2 is 0"),
    (["gmm", "estep", "--x", "two", "--weights", "1", "--means", "0", "--sds", "1"], "--x: 'two' is not a number"),
    (["gmm", "estep", "--x", "2"], "the following arguments are required"),
    (["gmm", "estep", *ESTEP[2:], "--format", "docx"], "invalid choice"),
    (["gmm", "estep", *ESTEP[2:], "--format", "pdf"], "--format pdf: needs -o FILE"),
    (["nosuch"], "invalid choice"),
])
def test_bad_input_one_line_exit_2(run_cli, argv, needle):
    status, out, err = run_cli(*argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_failed_command_leaves_no_file(run_cli, tmp_path):
    target = tmp_path / "out.json"
    status, _, _ = run_cli("gmm", "estep", "--x", "2", "--weights", "1", "--means", "0", "--sds", "-1",
                           "-o", target)
    assert status == 2 and not target.exists() and list(tmp_path.iterdir()) == []
    status, _, err = run_cli(*ESTEP, "-o", tmp_path / "missing" / "out.txt")
    assert status == 2 and "does not exist" in err


def test_output_file_and_check_exit_codes(run_cli, tmp_path):
    answer = tmp_path / "answer.json"
    assert run_cli(*ESTEP, "--format", "json", "-o", answer)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert answer.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would make it, not mkstemp's 0600
    status, out, _ = run_cli(*ESTEP, "--check", answer)
    assert status == 0 and "agree" in out
    data = json.loads(answer.read_text())
    data["evidence"] = 0.2
    answer.write_text(json.dumps(data))
    status, out, _ = run_cli(*ESTEP, "--check", answer, "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert [d["location"] for d in report["discrepancies"]] == ["evidence"]
    status, _, err = run_cli(*ESTEP, "--check", tmp_path / "nope.json")
    assert status == 2 and "cannot read" in err
    (tmp_path / "bad.json").write_text("{not json")
    status, _, err = run_cli(*ESTEP, "--check", tmp_path / "bad.json")
    assert status == 2 and "not valid JSON at line 1" in err


def test_pdf_without_pdflatex_names_debian_packages(tmp_path):
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    proc = subprocess.run([sys.executable, "-m", "workedout", *ESTEP, "--format", "pdf", "-o",
                           str(tmp_path / "e.pdf")], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "texlive-latex-base texlive-latex-recommended texlive-pictures" in proc.stderr
    assert proc.stderr.count("\n") == 1 and not (tmp_path / "e.pdf").exists()


@pytest.mark.parametrize("argv", [
    ["gmm", "estep", "--x", "-1", "--weights", "1/2,1/2", "--means", "-3,2", "--sds", "1,1"],
    ["gmm", "estep", "--x", "-1/2", "--weights", "1/2,1/2", "--means", "-.5,2", "--sds", "1,1"],
    ["align", "GATTACA", "GCAT", "--gap", "-2", "--match", "2", "--mismatch", "-1"],
    ["align", "GATTACA", "GCAT", "--gap-open", "-.5", "--gap-extend", "-1/4"],
])
def test_negative_values_are_values_not_options(run_cli, argv):
    status, out, err = run_cli(*argv, "--format", "json")
    assert status == 0, err
    assert json.loads(out)["schema"] == "workedout.result/1"


def test_digits_is_an_output_option_everywhere(run_cli):
    status, out, err = run_cli("gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1",
                               "--digits", "0")
    assert status == 2 and "--digits: must be at least 1" in err
