"""Held-out check of the Apriori exercises: seeds 1000-1029 at every level.

For each exercise: every stated property recomputed from the transactions
(brute-force supports, the textbook join and prune written again), the answer
key against mlxtend (frequent itemsets, every rule's confidence and lift, the
rules kept) and against the textbook levels, the sizes and step count equal
within the level, no two variants alike. One line per level; exit status 1 if
anything fails.

    .venv/bin/python tests/exercise_heldout_apriori.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_exercise_apriori import EXPECTED, LEVELS, PROPERTIES, check_key, independent_properties  # noqa: E402

from workedout.derivations.exercise import exercise  # noqa: E402

SEEDS = range(1000, 1030)


def main() -> int:
    failures = 0
    for level in LEVELS:
        start = time.perf_counter()
        problems, sizes, steps, givens = [], set(), set(), set()
        for seed in SEEDS:
            e = exercise("apriori", seed=seed, level=level)
            try:
                assert list(e.properties) == PROPERTIES, f"stated {e.properties}"
                assert independent_properties(e.givens) == PROPERTIES, "a property does not hold"
                check_key(e)
            except AssertionError as exc:
                problems.append(f"seed {seed}: {exc}")
            sizes.add(json.dumps(e.sizes, sort_keys=True))
            steps.add(len(e.solution.numbered_steps()))
            givens.add(json.dumps(e.givens, sort_keys=True))
        if len(sizes) != 1:
            problems.append(f"{len(sizes)} different sizes")
        if steps != {EXPECTED[level][4]}:
            problems.append(f"step counts {sorted(steps)}")
        if len(givens) != len(SEEDS):
            problems.append(f"only {len(givens)} distinct variants")
        failures += len(problems)
        verdict = "ok" if not problems else "FAILED: " + "; ".join(problems)
        print(f"apriori {level}: {len(SEEDS)} seeds {SEEDS[0]}-{SEEDS[-1]}, key = mlxtend and textbook levels, "
              f"properties {', '.join(PROPERTIES)} hold, sizes {sizes.pop() if len(sizes) == 1 else 'differ'}, "
              f"steps {sorted(steps)}, {len(givens)} distinct; {verdict} ({time.perf_counter() - start:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
