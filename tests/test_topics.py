"""The topic registry is the one list of topics: every module it names exists and does its job."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from workedout.derivations.check import Checker
from workedout.derivations.cli import build_parser
from workedout.derivations.topics import TOPICS, load, topic

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("t", TOPICS, ids=[t.name for t in TOPICS])
def test_every_topic_declares_what_exists(t):
    assert callable(load(t.commands).register)
    assert callable(load(t.worked).demo_examples)
    if t.checker is not None:
        assert getattr(load(t.checker), "Checker", None) is Checker, f"{t.checker} builds no Checker"
    for name in t.benchmarks:
        assert (ROOT / "benchmarks" / f"{name}.py").is_file()
        assert callable(importlib.import_module(f"benchmarks.{name}").cases)


def test_the_command_line_has_every_registered_command_and_no_other_topic():
    parser = build_parser()
    top = next(a for a in parser._actions if a.dest == "command").choices
    registered = {name.split()[0] for t in TOPICS for name in t.command_names} | {"demo", "exercise", "exam", "grade", "prove"}
    assert set(top) == registered


def test_an_unknown_topic_names_the_known_ones():
    with pytest.raises(ValueError, match="expected one of gmm, prefixspan"):
        topic("kmeans")


@pytest.mark.parametrize("t", TOPICS, ids=[t.name for t in TOPICS])
def test_a_topic_with_a_checker_gives_it_to_its_results(t):
    worked = [e for e in load(t.worked).demo_examples() if not hasattr(e, "caption")
              and not e.name.startswith(("gmm-fit", "gmm-select", "cnn"))]  # engine reports, no answer to check
    checkers = {type(e.build().checker) for e in worked}
    assert (Checker in checkers) == (t.checker is not None)
