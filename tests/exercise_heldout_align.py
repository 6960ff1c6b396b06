"""Held-out check of the alignment exercises: seeds 1000-1029 at every level and every mode and gap model.

Run: ``.venv/bin/python tests/exercise_heldout_align.py``. For each exercise the answer key is compared
with Biopython's PairwiseAligner (the score, the number of co-optimal alignments and the alignments as
their coordinates) and every property is recomputed independently (Biopython, and the key's table
recomputed cell by cell): the checks of tests/test_exercise_align.py. Prints one line per level; exits 1
if anything fails.
"""
from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_exercise_align import SHAPES, check_exercise  # noqa: E402

from workedout.derivations.exercise import LEVELS, exercise  # noqa: E402

SEEDS = range(1000, 1030)


def main() -> int:
    failures = 0
    for level in LEVELS:
        start = time.perf_counter()
        ok, sizes, steps, givens, props = 0, set(), {}, set(), {}
        total = 0
        for mode, gaps in SHAPES:
            for seed in SEEDS:
                total += 1
                try:
                    e = exercise("align", seed=seed, level=level, mode=mode, gaps=gaps)
                    check_exercise(e, mode, gaps)
                except Exception as exc:  # noqa: BLE001 -- report and go on
                    failures += 1
                    print(f"  FAIL {level} {mode} {gaps} seed {seed}: {type(exc).__name__}: {exc}")
                    continue
                ok += 1
                sizes.add(json.dumps({k: v for k, v in e.sizes.items() if k != "matrices"}, sort_keys=True))
                steps.setdefault(gaps, set()).add(len(e.solution.numbered_steps()))
                givens.add((mode, gaps, json.dumps(e.givens, sort_keys=True)))
                for p in e.properties:
                    props[p] = props.get(p, 0) + 1
        distinct = len(givens) == ok
        shown = ", ".join(f"{k} {v}" for k, v in sorted(props.items()))
        print(f"{level}: {ok}/{total} exercises (6 mode/gap shapes x 30 seeds) agree with Biopython and hold "
              f"every stated property; sizes {'equal' if len(sizes) == 1 else 'DIFFER'} {sorted(sizes)}; "
              f"steps linear {sorted(steps.get('linear', ()))} affine {sorted(steps.get('affine', ()))}; "
              f"givens {'distinct' if distinct else 'REPEATED'}; properties: {shown} "
              f"({time.perf_counter() - start:.1f} s)")
        failures += (len(sizes) != 1) + (not distinct) + sum(len(v) != 1 for v in steps.values())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
