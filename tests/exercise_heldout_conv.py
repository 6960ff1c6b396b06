"""Held-out check of the conv exercise generator (not collected by pytest).

For seeds 1000-1029 at every level and a few stride/padding options, every answer key is compared with
``torch.nn.functional.conv2d`` (cross-correlation, float64, bias added) and every stated property is verified
here, independently of the generator.

Run: ``.venv/bin/python tests/exercise_heldout_conv.py``; one line per level and options; exit 1 on a failure.
The test file tests/test_exercise_conv.py imports the checks below.
"""
from __future__ import annotations

import sys

KERNEL_SIDE = {"easy": 2, "exam": 3, "hard": 3}
OPTIONS = ({"stride": 1, "padding": 0}, {"stride": 1, "padding": 1}, {"stride": 2, "padding": 1})


def torch_output(givens: dict) -> list[list[int]]:
    """The output by torch.nn.functional.conv2d (float64), rounded back to integers after checking it is integral."""
    import torch
    X = torch.tensor([[float(v) for v in row] for row in givens["input"]], dtype=torch.float64)[None, None]
    W = torch.tensor([[float(v) for v in row] for row in givens["kernel"]], dtype=torch.float64)[None, None]
    b = torch.tensor([float(givens["bias"])], dtype=torch.float64)
    out = torch.nn.functional.conv2d(X, W, b, stride=int(givens["stride"]), padding=int(givens["padding"]))[0, 0]
    values = out.tolist()
    assert all(float(v).is_integer() for row in values for v in row)
    return [[int(v) for v in row] for row in values]


def conv_problems(ex) -> list[str]:
    """Everything wrong with one conv exercise (empty when the key and every stated property hold)."""
    g, problems = ex.givens, []
    if set(g) != {"input", "kernel", "bias", "stride", "padding"}:
        problems.append(f"givens keys {sorted(g)}")
    n, k = len(g["input"]), len(g["kernel"])
    if not 5 <= n <= 7 or any(len(r) != n for r in g["input"]):
        problems.append(f"input is not square 5x5 to 7x7: {n}")
    if k != KERNEL_SIDE[ex.level] or any(len(r) != k for r in g["kernel"]):
        problems.append(f"kernel is not {KERNEL_SIDE[ex.level]}x{KERNEL_SIDE[ex.level]}")
    if int(g["stride"]) != ex.options.get("stride", 1) or int(g["padding"]) != ex.options.get("padding", 0):
        problems.append("stride or padding is not the one asked")
    if (n + 2 * int(g["padding"]) - k) % int(g["stride"]):
        problems.append("the stride does not fit the padded input exactly")
    expected = torch_output(g)
    key = ex.key
    if key["output"] != expected:
        problems.append(f"key output {key['output']} != torch {expected}")
    if list(key["output_shape"]) != [len(expected), len(expected[0])]:
        problems.append(f"output_shape {key['output_shape']} != torch's {len(expected)}x{len(expected[0])}")
    kernel = [int(v) for row in g["kernel"] for v in row]
    holds = {
        "integer-outputs": all(isinstance(v, int) for row in key["output"] for v in row)
        and all(float(v).is_integer() for row in g["input"] + g["kernel"] for v in row)
        and float(g["bias"]).is_integer(),
        "negative-weights": min(kernel) < 0 < max(kernel),
        "padding-used": int(g["padding"]) >= 1,
    }
    for p in ex.properties:
        if not holds.get(p, False):
            problems.append(f"stated property {p} does not hold")
    if not {"integer-outputs", "negative-weights"} <= set(ex.properties):
        problems.append("integer-outputs or negative-weights is missing")
    if holds["padding-used"] != ("padding-used" in ex.properties):
        problems.append("padding-used stated wrongly")
    return problems


def run(seeds=range(1000, 1030)) -> bool:
    from workedout.derivations.exercise import exercise
    ok = True
    for level in ("easy", "exam", "hard"):
        for options in OPTIONS:
            exercises = [exercise("conv", seed=s, level=level, **options) for s in seeds]
            problems = [f"seed {ex.seed}: {p}" for ex in exercises for p in conv_problems(ex)]
            sizes = {repr(ex.sizes) for ex in exercises}
            steps = {len(ex.solution.numbered_steps()) for ex in exercises}
            distinct = len({repr(ex.givens) for ex in exercises})
            if len(sizes) != 1:
                problems.append(f"sizes differ: {sorted(sizes)}")
            if len(steps) != 1:
                problems.append(f"step counts differ: {sorted(steps)}")
            if distinct != len(exercises):
                problems.append(f"only {distinct} distinct givens")
            shown = ",".join(f"{k}={v}" for k, v in options.items())
            print(f"conv {level:4} {shown:18} seeds {seeds[0]}-{seeds[-1]}: {'ok' if not problems else 'FAIL'}  "
                  f"sizes {next(iter(sizes))}  steps {sorted(steps)}  distinct {distinct}/{len(exercises)}  "
                  f"properties {sorted({p for ex in exercises for p in ex.properties})}")
            for p in problems[:10]:
                print("   ", p)
            ok = ok and not problems
    return ok


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
