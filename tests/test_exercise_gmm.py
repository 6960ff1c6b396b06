"""The gmm-estep and gmm-mstep exercise generators: properties, sizes, determinism, keys against scipy/sklearn, CLI.

The independent checks (scipy.stats.norm for the E-step, scikit-learn's ``_estimate_gaussian_parameters``
with reg_covar=0 and numpy weighted averages for the M-step, the properties recomputed with fractions) live
in tests/exercise_heldout_gmm.py, which also runs them on the held-out seeds 1000-1029.
"""
from __future__ import annotations

import functools
import json
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.exercise_heldout_gmm import (COVARIANCES, LEVEL_COMPONENTS, MSTEP_SIZES, estep_problems,
                                        estep_reference, mstep_problems)
from workedout.derivations.exercise import GenerationError, exercise, generator
from workedout.derivations.exercise.gmm_estep import GENERATOR as ESTEP
from workedout.derivations.exercise.gmm_mstep import GENERATOR as MSTEP

LEVELS = ("easy", "exam", "hard")
SEEDS = range(30)
JSON_KEYS = {"schema", "topic", "seed", "level", "options", "question", "command", "givens", "key", "properties",
             "sizes", "files"}


@functools.lru_cache(maxsize=None)
def _ex(topic: str, level: str, seed: int, covariance: str | None = None):
    options = {"covariance": covariance} if covariance else {}
    return exercise(topic, seed=seed, level=level, **options)


def _at(key, location: str):
    """The value at a QuizPart location such as ``covariances[0][1][1]``."""
    name, *indices = re.findall(r"[a-z_]+|\d+", location)
    value = key[name]
    for i in indices:
        value = value[int(i)]
    return value


# ----------------------------------------------------------------------------- determinism
def test_golden_givens():
    # a change to the random stream, the draw or the constraints changes these
    assert _ex("gmm-estep", "exam", 7).givens == {"x": "-7", "weights": ["7/9", "2/9"], "means": ["-6", "-7"],
                                                  "sds": ["2", "1"]}
    assert _ex("gmm-estep", "hard", 8).givens == {"x": "-4", "weights": ["3/7", "1/7", "3/7"],
                                                  "means": ["-3", "-2", "-1"], "sds": ["1", "2", "2"]}
    assert _ex("gmm-mstep", "exam", 7).givens == {
        "data": [["9"], ["5"], ["4"], ["3"], ["0"]],
        "resp": [["1/2", "1/2"], ["3/4", "1/4"], ["1", "0"], ["1/4", "3/4"], ["1/4", "3/4"]], "covariance": "full"}
    assert _ex("gmm-mstep", "hard", 8).givens == {
        "data": [["4", "6"], ["6", "5"], ["2", "6"], ["5", "2"], ["1", "3"], ["5", "3"]],
        "resp": [["2/5", "3/5"], ["4/5", "1/5"], ["2/5", "3/5"], ["1/5", "4/5"], ["3/5", "2/5"], ["3/5", "2/5"]],
        "covariance": "full"}


def test_same_seed_same_exercise_and_api_default_equals_cli_default():
    assert exercise("gmm-estep", seed=7).to_dict() == exercise("gmm-estep", seed=7, level="exam").to_dict()
    assert exercise("gmm-mstep", seed=7).givens == exercise("gmm-mstep", seed=7, covariance="full").givens
    assert exercise("gmm-mstep", seed=7).options == {"covariance": "full"}


# ----------------------------------------------------------------------------- gmm-estep
@pytest.mark.parametrize("level", LEVELS)
def test_estep_level(level):
    exercises = [_ex("gmm-estep", level, s) for s in SEEDS]
    for ex in exercises:
        assert estep_problems(ex) == [], ex.seed
    assert len({json.dumps(ex.givens, sort_keys=True) for ex in exercises}) == len(exercises)
    assert {json.dumps(ex.sizes, sort_keys=True) for ex in exercises} == {
        json.dumps({"components": LEVEL_COMPONENTS[level], "dimensions": 1}, sort_keys=True)}
    assert {len(ex.solution.numbered_steps()) for ex in exercises} == {3 * LEVEL_COMPONENTS[level] + 4}
    # the optional property occurs, so it is stated when it holds (not vacuous)
    assert any("weights-decide" in ex.properties for ex in exercises)


@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(LEVELS))
@settings(max_examples=40)
def test_estep_any_seed_is_a_close_call(seed, level):
    ex = ESTEP.generate(seed, level)
    _, resp = estep_reference(ex.givens)
    assert all(0.1 < r < 0.9 for r in resp)
    assert sum(Fraction(w) for w in ex.givens["weights"]) == 1
    assert all(Fraction(w).denominator <= 10 for w in ex.givens["weights"])


def test_estep_quiz_parts_are_the_responsibilities():
    ex = _ex("gmm-estep", "hard", 3)
    parts = ex.quiz_parts()
    assert [p.location for p in parts] == ["responsibilities[0]", "responsibilities[1]", "responsibilities[2]"]
    _, resp = estep_reference(ex.givens)
    assert np.allclose([p.value for p in parts], resp, rtol=1e-12)
    assert all(isinstance(p.value, float) and _at(ex.key, p.location) == p.value for p in parts)


def test_estep_question_names_the_numbers():
    ex = _ex("gmm-estep", "exam", 7)
    assert "x = -7" in ex.question and "responsibility" in ex.question
    text = ex.render("text")
    assert "7/9" in text and "2/9" in text


# ----------------------------------------------------------------------------- gmm-mstep
@pytest.mark.parametrize("level", LEVELS)
def test_mstep_level_default_covariance(level):
    exercises = [_ex("gmm-mstep", level, s) for s in SEEDS]
    for ex in exercises:
        assert mstep_problems(ex) == [], ex.seed
    assert len({json.dumps(ex.givens, sort_keys=True) for ex in exercises}) == len(exercises)
    n, d = MSTEP_SIZES[level]
    assert {json.dumps(ex.sizes, sort_keys=True) for ex in exercises} == {
        json.dumps({"points": n, "dimensions": d, "components": 2}, sort_keys=True)}
    assert {len(ex.solution.numbered_steps()) for ex in exercises} == {17}


@pytest.mark.parametrize("covariance, steps", [("tied", 16), ("diag", 15), ("spherical", 15)])
@pytest.mark.parametrize("level", ["exam", "hard"])
def test_mstep_other_covariance_types(covariance, steps, level):
    exercises = [_ex("gmm-mstep", level, s, covariance) for s in range(8)]
    for ex in exercises:
        assert ex.givens["covariance"] == covariance
        assert mstep_problems(ex) == [], ex.seed
    assert {len(ex.solution.numbered_steps()) for ex in exercises} == {steps}


@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(LEVELS), st.sampled_from(COVARIANCES))
@settings(max_examples=40)
def test_mstep_any_seed_has_short_updates(seed, level, covariance):
    ex = MSTEP.generate(seed, level, covariance=covariance)
    X = [[Fraction(v) for v in row] for row in ex.givens["data"]]
    R = [[Fraction(v) for v in row] for row in ex.givens["resp"]]
    assert all(sum(row) == 1 for row in R) and all(v.denominator <= 10 for row in R for v in row)
    Nk = [sum(col) for col in zip(*R)]
    assert all(v > 0 for v in Nk)
    assert all((v / len(X)).denominator <= 20 for v in Nk)
    means = [[sum(R[i][k] * X[i][j] for i in range(len(X))) / Nk[k] for j in range(len(X[0]))] for k in range(2)]
    assert all(v.denominator <= 20 for m in means for v in m) and means[0] != means[1]


def test_mstep_quiz_parts_match_the_key():
    for covariance, count in (("full", 2 + 4 + 6), ("tied", 2 + 4 + 4), ("diag", 2 + 4 + 4), ("spherical", 2 + 4 + 2)):
        ex = _ex("gmm-mstep", "hard", 2, covariance)
        parts = ex.quiz_parts()
        assert len(parts) == count, covariance
        assert all(isinstance(p.value, float) and p.value == _at(ex.key, p.location) for p in parts)
    ex = _ex("gmm-mstep", "exam", 2)
    assert [p.label for p in ex.quiz_parts()] == ["weight pi_1", "weight pi_2", "mean mu_1", "mean mu_2",
                                                  "variance sigma_1^2", "variance sigma_2^2"]


def test_mstep_bad_options_are_named():
    with pytest.raises(ValueError, match="covariance: 'round'"):
        exercise("gmm-mstep", seed=1, covariance="round")
    with pytest.raises(ValueError, match="level"):
        exercise("gmm-mstep", seed=1, level="medium")
    with pytest.raises(ValueError, match="seed"):
        exercise("gmm-estep", seed=-1)
    assert not isinstance(ValueError("x"), GenerationError)


def test_mstep_data_files_hold_the_givens():
    ex = _ex("gmm-mstep", "hard", 5)
    data, resp = (ex.files[f"gmm-mstep-5-{n}.csv"] for n in ("data", "resp"))
    assert [line.split(",") for line in data.splitlines()] == ex.givens["data"]
    assert [line.split(",") for line in resp.splitlines()] == ex.givens["resp"]
    assert ex.command == ["workedout", "gmm", "mstep", "--data", "gmm-mstep-5-data.csv", "--resp",
                          "gmm-mstep-5-resp.csv", "--covariance", "full"]


# ----------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize("topic", ["gmm-estep", "gmm-mstep"])
def test_cli_json_contract(run_cli, topic):
    status, out, err = run_cli("exercise", topic, "--seed", 11, "--level", "easy", "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    assert set(doc) == JSON_KEYS
    assert doc["topic"] == topic and doc["seed"] == 11 and doc["level"] == "easy"
    assert doc["key"] == _ex(topic, "easy", 11).key
    assert doc["properties"] == list(_ex(topic, "easy", 11).properties)


def test_cli_question_and_solution(run_cli):
    status, out, _ = run_cli("exercise", "gmm-estep", "--seed", 7)
    assert status == 0 and "x = -7" in out and "Bayes" not in out
    status, out, _ = run_cli("exercise", "gmm-estep", "--seed", 7, "--solution")
    assert status == 0 and "Bayes' rule" in out
    status, out, _ = run_cli("exercise", "gmm-mstep", "--seed", 7, "--covariance", "diag", "--solution")
    assert status == 0 and "Variances (diag)" in out


def test_cli_check(run_cli, tmp_path):
    key = _ex("gmm-estep", "exam", 7).key
    right, wrong = tmp_path / "right.json", tmp_path / "wrong.json"
    right.write_text(json.dumps({"responsibilities": key["responsibilities"]}))
    wrong.write_text(json.dumps({"responsibilities": key["responsibilities"][::-1]}))
    assert run_cli("exercise", "gmm-estep", "--seed", 7, "--check", right)[0] == 0
    status, out, err = run_cli("exercise", "gmm-estep", "--seed", 7, "--check", wrong)
    assert status == 1 and "responsibility of component 1" in out and "differs" in out
    mkey = _ex("gmm-mstep", "exam", 7).key
    right.write_text(json.dumps({"weights": mkey["exact"]["weights"], "means": mkey["means"]}))
    assert run_cli("exercise", "gmm-mstep", "--seed", 7, "--check", right)[0] == 0
    wrong.write_text(json.dumps({"weights": mkey["exact"]["weights"][::-1]}))
    status, out, err = run_cli("exercise", "gmm-mstep", "--seed", 7, "--check", wrong)
    assert status == 1 and "weight pi_1" in out and "differs" in out


@pytest.mark.parametrize("argv", [
    ("exercise", "gmm-mstep", "--seed", 1, "--covariance", "round"),
    ("exercise", "gmm-estep", "--seed", 1, "--level", "medium"),
    ("exercise", "gmm-estep", "--seed", 2 ** 32),
    ("exercise", "gmm-estep", "--seed", -3),
    ("exercise", "gmm-estep", "--seed", 1, "--covariance", "full"),
])
def test_cli_bad_options_exit_2(run_cli, argv):
    status, out, err = run_cli(*argv)
    assert status == 2 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3  # argparse's usage line and the one-line error


@pytest.mark.parametrize("topic, level", [("gmm-estep", "hard"), ("gmm-mstep", "hard")])
def test_running_the_command_gives_the_key(run_cli, tmp_path, monkeypatch, topic, level):
    status, _, err = run_cli("exercise", topic, "--seed", 21, "--level", level, "--format", "json",
                             "-o", tmp_path / "ex.json")
    assert status == 0, err
    doc = json.loads((tmp_path / "ex.json").read_text())
    for name in doc["files"]:
        assert (tmp_path / name).is_file()
    monkeypatch.chdir(tmp_path)
    assert doc["command"][0] == "workedout"
    status, out, err = run_cli(*doc["command"][1:], "--format", "json")
    assert status == 0, err
    worked = json.loads(out)
    assert {k: v for k, v in worked.items() if k in doc["key"]} == doc["key"]


def test_generator_registry_and_vocabulary():
    assert generator("gmm-estep") is ESTEP and generator("gmm-mstep") is MSTEP
    for gen in (ESTEP, MSTEP):
        assert "denominators-at-most-10" in gen.properties
        assert set(gen.level_sizes) == set(LEVELS)
