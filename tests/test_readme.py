"""The README's Python tour runs as written: every import of every block, and the first blocks whole."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_every_import_of_the_readme_resolves(k):
    imports = "\n".join(line for line in BLOCKS[k].splitlines() if re.match(r"(from \S+ )?import ", line))
    exec(compile(imports, f"README block {k + 1}", "exec"), {})


def test_the_tour_runs(capsys):
    tour = next(b for b in BLOCKS if "from workedout.gmm import estep\n" in b)
    scope: dict = {}
    exec(compile(tour, "README tour", "exec"), scope)
    assert scope["report"].ok
    assert "Bayes" in capsys.readouterr().out


def test_the_apriori_tour_runs(tmp_path, monkeypatch):
    block = next(b for b in BLOCKS if "read_transactions(" in b)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "allelectronics.txt").write_text(
        "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n")
    scope: dict = {}
    exec(compile(block, "README apriori", "exec"), scope)
    assert scope["itemsets"] and scope["rules"]
