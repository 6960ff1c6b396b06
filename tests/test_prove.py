"""``workedout prove``: the list, a proof in every format, the false variants, bad names."""
from __future__ import annotations

import json
import shutil

import pytest

from workedout.derivations.model import Prose, Step, checked
from workedout.derivations.theorems import THEOREM_TOPICS, theorems


def test_the_list_names_at_least_ten_theorems(run_cli):
    status, out, _ = run_cli("prove", "--list", "--format", "json")
    listed = json.loads(out)["theorems"]
    assert status == 0 and len(listed) >= 10
    assert all(set(t) == {"name", "topic", "statement"} and t["topic"] in THEOREM_TOPICS for t in listed)
    assert len({t["name"] for t in listed}) == len(listed)
    assert {t["topic"] for t in listed} == set(THEOREM_TOPICS)
    status, out, _ = run_cli("prove", "--list")
    assert status == 0 and all(t["name"] in out for t in listed)


@pytest.mark.parametrize("th", theorems(), ids=lambda th: th.name)
def test_every_false_variant_exits_1_with_its_counterexample(th, run_cli):
    status, out, _ = run_cli("prove", th.name, "--false-variant", "--format", "json")
    obj = json.loads(out)
    assert status == 1 and obj["holds"] is False and obj["counterexample"]


def test_a_proof_in_every_text_format(run_cli, tmp_path):
    for fmt in ("text", "tex", "md", "json"):
        status, out, _ = run_cli("prove", "apriori-property", "--format", fmt)
        assert status == 0 and out
    target = tmp_path / "p.tex"
    assert run_cli("prove", "apriori-property", "--format", "tex-document", "-o", str(target))[0] == 0
    assert r"\usepackage{amsthm}" in target.read_text()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex")
def test_a_proof_compiles(run_cli, tmp_path):
    target = tmp_path / "p.pdf"
    assert run_cli("prove", "confidence-consequent", "--format", "pdf", "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"%PDF")


def test_bad_use_is_one_line_with_status_2(run_cli, tmp_path):
    status, _, err = run_cli("prove", "no-such-theorem")
    assert status == 2 and "is not a theorem; expected one of" in err and err.count("\n") == 1
    status, _, err = run_cli("prove")
    assert status == 2 and "NAME: missing" in err
    status, _, err = run_cli("prove", "--list", "apriori-property")
    assert status == 2 and "not both" in err
    target = tmp_path / "x.json"
    status, _, err = run_cli("prove", "nope", "-o", str(target))
    assert status == 2 and not target.exists()


def test_a_definition_or_premise_is_never_checked():
    with pytest.raises(ValueError, match="a premise is stated, not checked"):
        Step(Prose(("x",)), role="premise", check=checked("x", True))
    with pytest.raises(ValueError, match="role 'lemma'"):
        Step(Prose(("x",)), role="lemma")


def test_the_readme_lists_every_theorem():
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- theorems-table -->")[1].split("<!-- /theorems-table -->")[0]
    listed = [line.split("|")[1].strip().strip("`") for line in table.splitlines()[2:] if line.startswith("| `")]
    assert sorted(listed) == sorted(th.name for th in theorems())
