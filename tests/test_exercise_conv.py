"""The conv exercise generator: properties, sizes, determinism, keys against torch, the CLI.

The independent checks (torch.nn.functional.conv2d in float64 with bias, stride and padding; the properties
recomputed from the givens) live in tests/exercise_heldout_conv.py, which also runs them on the held-out
seeds 1000-1029.
"""
from __future__ import annotations

import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.exercise_heldout_conv import KERNEL_SIDE, conv_problems, torch_output
from workedout.derivations.exercise import exercise
from workedout.derivations.exercise.conv import GENERATOR

LEVELS = ("easy", "exam", "hard")
JSON_KEYS = {"schema", "topic", "seed", "level", "options", "question", "command", "givens", "key", "properties",
             "sizes", "files"}


@functools.lru_cache(maxsize=None)
def _ex(level: str, seed: int, stride: int = 1, padding: int = 0):
    return exercise("conv", seed=seed, level=level, stride=stride, padding=padding)


def _givens_problems(ex) -> list[str]:
    """The properties and sizes that the givens alone decide (no worked solution needed)."""
    g, problems = ex.givens, []
    n, k = len(g["input"]), len(g["kernel"])
    if not 5 <= n <= 7 or k != KERNEL_SIDE[ex.level]:
        problems.append(f"sizes {n}x{n}, kernel {k}x{k}")
    kernel = [int(v) for row in g["kernel"] for v in row]
    if not min(kernel) < 0 < max(kernel):
        problems.append("kernel without both signs")
    if ("padding-used" in ex.properties) != (int(g["padding"]) > 0):
        problems.append("padding-used stated wrongly")
    if any(not v.lstrip("-").isdigit() for row in g["input"] + g["kernel"] for v in row):
        problems.append("a non-integer given")
    return problems


def test_golden_givens():
    assert _ex("exam", 7).givens == {
        "input": [["4", "3", "1", "4", "4", "4"], ["4", "4", "0", "1", "4", "2"], ["1", "4", "2", "4", "0", "1"],
                  ["0", "3", "2", "4", "1", "0"], ["4", "1", "1", "0", "3", "3"], ["4", "3", "1", "0", "0", "1"]],
        "kernel": [["-1", "0", "2"], ["0", "-1", "2"], ["2", "-1", "2"]], "bias": "0", "stride": "1",
        "padding": "0"}
    assert _ex("hard", 8).givens["kernel"] == [["-2", "0", "-1"], ["-2", "0", "2"], ["2", "1", "2"]]
    assert _ex("hard", 8).givens["input"][0] == ["0", "4", "2", "1", "3", "-3", "2"]


def test_api_without_options_equals_the_cli_defaults():
    assert exercise("conv", seed=7).givens == exercise("conv", seed=7, stride=1, padding=0).givens
    assert exercise("conv", seed=7).options == {"stride": 1, "padding": 0}


@pytest.mark.parametrize("level", LEVELS)
def test_level_properties_sizes_distinct(level):
    exercises = [_ex(level, s) for s in range(30)]
    for ex in exercises:
        assert _givens_problems(ex) == [], ex.seed
        assert {"integer-outputs", "negative-weights"} <= set(ex.properties)
    assert len({json.dumps(ex.givens, sort_keys=True) for ex in exercises}) == 30
    assert len({json.dumps(ex.sizes, sort_keys=True) for ex in exercises}) == 1
    # step counts (a worked solution each: a third of the seeds keeps the test short)
    assert len({len(ex.solution.numbered_steps()) for ex in exercises[::3]}) == 1


@pytest.mark.parametrize("level, seeds", [("exam", range(30)), ("easy", range(4)), ("hard", range(4))])
def test_keys_agree_with_torch(level, seeds):
    for s in seeds:
        assert conv_problems(_ex(level, s)) == [], s


@pytest.mark.parametrize("stride, padding", [(2, 1), (1, 2), (3, 0)])
def test_options_keys_agree_with_torch(stride, padding):
    exercises = [_ex("exam", s, stride, padding) for s in range(4)]
    for ex in exercises:
        assert conv_problems(ex) == [], ex.seed
        assert ex.sizes["stride"] == stride and ex.sizes["padding"] == padding
    assert len({len(ex.solution.numbered_steps()) for ex in exercises}) == 1
    assert len({json.dumps(ex.sizes) for ex in exercises}) == 1


@given(st.integers(0, 2 ** 32 - 1), st.sampled_from(LEVELS), st.integers(1, 3), st.integers(0, 2))
@settings(max_examples=30)
def test_any_seed_and_options_give_a_valid_exercise(seed, level, stride, padding):
    ex = GENERATOR.generate(seed, level, stride=stride, padding=padding)
    assert _givens_problems(ex) == []
    n, k = ex.sizes["input"][0], ex.sizes["kernel"][0]
    assert (n + 2 * padding - k) % stride == 0
    assert ex.sizes["output"] == [len(torch_output(ex.givens))] * 2


def test_quiz_parts_match_the_key():
    ex = _ex("exam", 3)
    parts = ex.quiz_parts()
    out = ex.key["output"]
    assert len(parts) == 2 + len(out) * len(out[0])
    assert parts[0].value == ex.key["output_shape"][0] and parts[1].value == ex.key["output_shape"][1]
    assert [p.value for p in parts[2:]] == [v for row in torch_output(ex.givens) for v in row]


@pytest.mark.parametrize("options", [{"stride": 0}, {"padding": -1}, {"stride": 4}, {"padding": 3},
                                     {"stride": 1.5}])
def test_bad_options_are_named(options):
    with pytest.raises(ValueError, match="stride|padding"):
        exercise("conv", seed=1, **options)


# ----------------------------------------------------------------------------- the CLI
def test_cli_json_contract(run_cli):
    status, out, err = run_cli("exercise", "conv", "--seed", 11, "--level", "hard", "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    assert set(doc) == JSON_KEYS
    assert doc["topic"] == "conv" and doc["seed"] == 11 and doc["level"] == "hard"
    assert doc["options"] == {"stride": 1, "padding": 0}
    assert doc["key"]["output"] == torch_output(doc["givens"])
    assert doc["givens"] == _ex("hard", 11).givens


def test_cli_question_solution_check(run_cli, tmp_path):
    status, out, _ = run_cli("exercise", "conv", "--seed", 7)
    assert status == 0 and "cross-correlation" in out
    status, out, _ = run_cli("exercise", "conv", "--seed", 7, "--solution")
    assert status == 0 and len(out) > 1000
    output = torch_output(_ex("exam", 7).givens)
    right, wrong = tmp_path / "right.json", tmp_path / "wrong.json"
    right.write_text(json.dumps({"output": output}))
    bad = [row[:] for row in output]
    bad[1][2] += 1
    wrong.write_text(json.dumps({"output": bad}))
    assert run_cli("exercise", "conv", "--seed", 7, "--check", right)[0] == 0
    status, out, err = run_cli("exercise", "conv", "--seed", 7, "--check", wrong)
    assert status == 1 and "differs" in out


@pytest.mark.parametrize("argv", [("--stride", 0), ("--padding", -1), ("--stride", 4), ("--stride", "x"),
                                  ("--level", "medium"), ("--padding", 3)])
def test_cli_bad_options_exit_2(run_cli, argv):
    status, out, err = run_cli("exercise", "conv", "--seed", 1, *argv)
    assert status == 2 and out == "" and "Traceback" not in err
    assert ("stride" in err or "padding" in err or "level" in err)


def test_running_the_command_gives_the_key(run_cli, tmp_path, monkeypatch):
    status, _, err = run_cli("exercise", "conv", "--seed", 5, "--stride", 2, "--padding", 1, "--format", "json",
                             "-o", tmp_path / "ex.json")
    assert status == 0, err
    doc = json.loads((tmp_path / "ex.json").read_text())
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(*doc["command"][1:], "--format", "json")
    assert status == 0, err
    worked = json.loads(out)
    assert {k: v for k, v in worked.items() if k in doc["key"]} == doc["key"]
