r"""Frequent itemsets: workedout against pyfim, mlxtend and efficient-apriori.

``python -m benchmarks apriori [--quick]``.

Data
----
*Sparse*, T10I4D100K in the style of the IBM Quest generator (Agrawal &
Srikant, "Fast algorithms for mining association rules", VLDB 1994, section
2.4.3), written here as :func:`quest_transactions` and seeded:

* ``n_patterns`` (|L| = 2000) *potentially large itemsets* of sizes drawn from
  a Poisson distribution with mean ``avg_pattern`` (|I| = 4, at least 1). The
  first one's items are drawn uniformly from ``n_items`` (N = 1000); each
  later one takes a fraction of its items from the previous one (the
  fraction exponentially distributed with mean ``correlation`` = 0.5, capped
  at 1) and the rest uniformly.
* Each pattern has a weight (exponential, mean 1, normalised: the
  probability of picking it) and a corruption level (normal, mean 0.5,
  variance 0.1, clipped to [0, 1]).
* Transaction sizes are Poisson with mean ``avg_len`` (|T| = 10, at least 1).
  A transaction is filled with patterns picked by weight; from each picked
  pattern items are dropped one at a time (uniformly) while a uniform draw
  falls below its corruption level. A pattern that would overflow the
  transaction's size is added anyway half the time, and otherwise carried
  to the next transaction. |D| = 100,000 transactions.

Deviations from the original C program (its exact random streams are not
reproduced): NumPy's PCG64 generator seeded with ``seed``; a transaction
that is still empty takes its first pattern even if it overflows.

*Dense*: 5,000 transactions over 50 independent items whose densities are
evenly spread from 0.05 to 0.75 (:func:`dense_transactions`).

Minimum supports: 0.01, 0.005 and 0.0025 of the sparse set (counts 1000,
500, 250); 0.3 of the dense set (count 1500). Every tool gets the same
count: pyfim as an absolute count (``supp=-count``), the others, which
compare float fractions, as ``(count - 1/2) / N``.

Ratio to pyfim: the first table's tools each run in a fresh process, one
after the other, so a change in the machine's load between them moves the
ratio. The second table (:func:`side_by_side`) times workedout and pyfim's
three algorithms in one process, round-robin (one call of each per round,
``gc.collect()`` before each call), after one warm-up round, and divides
workedout's median by the fastest pyfim algorithm's median on that workload:
every tool sees the same load. The load average before and after is printed
with it.

Verification: the first (warm-up) run of every tool is compared with
workedout's itemsets and counts (a digest of the sorted pairs written by
the workedout case, which runs first); a difference fails that row.
mlxtend's ``apriori`` runs on the dense set only: on the sparse set it asks
for about 18.5 GiB at level 2.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from benchmarks._harness import Case

__all__ = ["quest_transactions", "dense_transactions", "cases", "environment", "side_by_side", "report"]

SPARSE = {"n_transactions": 100_000, "avg_len": 10, "n_items": 1000, "avg_pattern": 4, "n_patterns": 2000}
SPARSE_SUPPORTS = ("0.01", "0.005", "0.0025")
DENSE = {"n_transactions": 5000, "n_items": 50, "low": 0.05, "high": 0.75}
DENSE_SUPPORT = "0.3"
_CACHE = Path(tempfile.gettempdir()) / "workedout-bench-apriori"


# ================================================================== data
def quest_transactions(n_transactions: int = 100_000, avg_len: float = 10, n_items: int = 1000,
                       avg_pattern: float = 4, n_patterns: int = 2000, correlation: float = 0.5,
                       corruption_mean: float = 0.5, corruption_var: float = 0.1,
                       seed: int = 0) -> list[list[int]]:
    """A synthetic basket database in the style of the IBM Quest generator (see the module docstring).

    Returns
    -------
    list of list of int
        ``n_transactions`` sorted lists of distinct items in ``range(n_items)``.
    """
    rng = np.random.default_rng(seed)
    patterns: list[list[int]] = []
    previous: list[int] = []
    for size in np.maximum(1, rng.poisson(avg_pattern, n_patterns)):
        chosen: set[int] = set()
        if previous:
            take = min(len(previous), int(round(min(1.0, rng.exponential(correlation)) * size)))
            chosen.update(rng.choice(previous, take, replace=False).tolist())
        while len(chosen) < size:
            chosen.add(int(rng.integers(n_items)))
        previous = sorted(chosen)
        patterns.append(previous)
    weights = rng.exponential(1.0, n_patterns)
    weights /= weights.sum()
    corruption = np.clip(rng.normal(corruption_mean, corruption_var ** 0.5, n_patterns), 0.0, 1.0)
    sizes = np.maximum(1, rng.poisson(avg_len, n_transactions))
    block = max(1024, int(n_transactions * avg_len / avg_pattern))
    picks, pi = rng.choice(n_patterns, block, p=weights), 0
    out: list[list[int]] = []
    carried: list[int] | None = None
    for size in sizes:
        basket: set[int] = set()
        while len(basket) < size:
            if carried is not None:
                items, carried = carried, None
            else:
                if pi == len(picks):
                    picks, pi = rng.choice(n_patterns, block, p=weights), 0
                j = picks[pi]
                pi += 1
                items = list(patterns[j])
                while items and rng.random() < corruption[j]:
                    items.pop(int(rng.integers(len(items))))
            if basket and len(basket) + len(items) > size and rng.random() < 0.5:
                carried = items
                break
            basket.update(items)
        out.append(sorted(basket))
    return out


def dense_transactions(n_transactions: int = 5000, n_items: int = 50, low: float = 0.05, high: float = 0.75,
                       seed: int = 1) -> list[list[int]]:
    """Independent items with densities evenly spread from ``low`` to ``high``."""
    rng = np.random.default_rng(seed)
    X = rng.random((n_transactions, n_items)) < np.linspace(low, high, n_items)
    return [np.flatnonzero(row).tolist() for row in X]


def _data(kind: str, scale: float = 1.0) -> list[list[int]]:
    """The seeded data set, cached in the temporary directory (each case runs in a fresh process)."""
    params = dict(SPARSE if kind == "sparse" else DENSE)
    params["n_transactions"] = int(params["n_transactions"] * scale)
    key = hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()[:16]
    path = _CACHE / f"{kind}-{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    db = quest_transactions(**params) if kind == "sparse" else dense_transactions(**params)
    _CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(db))
    os.replace(tmp, path)
    return db


# ========================================================= verification
def _digest(pairs) -> tuple[int, str]:
    rows = sorted((tuple(sorted(int(i) for i in items)), int(n)) for items, n in pairs)
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def _reference_path(workload: str) -> Path:
    return _CACHE / ("reference-" + hashlib.sha256(workload.encode()).hexdigest()[:16] + ".json")


def _verified(workload: str, tool: str, run, normalise, *, write: bool = False):
    """The workload: its first call compares the result with workedout's (or, for workedout, records it)."""
    state = {"first": True}

    def work():
        result = run()
        if state["first"]:
            state["first"] = False
            n, digest = _digest(normalise(result))
            path = _reference_path(workload)
            if write:
                _CACHE.mkdir(exist_ok=True)
                path.write_text(json.dumps([n, digest]))
            else:
                if not path.exists():
                    raise RuntimeError("no workedout reference: run the workedout case first")
                ref_n, ref_digest = json.loads(path.read_text())
                if (n, digest) != (ref_n, ref_digest):
                    raise RuntimeError(f"{tool} differs from workedout: {n} itemsets vs {ref_n}")
        return result
    return work


# ============================================================ workloads
def _setup(kind: str, support: str, scale: float):
    db = _data(kind, scale)
    from workedout.numerics.thresholds import resolve_min_support
    count = resolve_min_support(support, len(db))
    return db, count


def prepare_workedout(workload: str, kind: str, support: str, scale: float = 1.0, algorithm: str = "apriori"):
    from workedout.numerics.apriori import frequent_itemsets
    db, count = _setup(kind, support, scale)
    return _verified(workload, "workedout", lambda: frequent_itemsets(db, count, algorithm=algorithm),
                     lambda r: r.items(), write=algorithm == "apriori")


def prepare_pyfim(workload: str, kind: str, support: str, scale: float = 1.0, algorithm: str = "fpgrowth"):
    import fim
    db, count = _setup(kind, support, scale)
    miner = getattr(fim, algorithm)
    return _verified(workload, f"pyfim {algorithm}", lambda: miner(db, supp=-count, report="a"),
                     lambda r: r)


def prepare_mlxtend(workload: str, kind: str, support: str, scale: float = 1.0, algorithm: str = "fpgrowth"):
    import pandas as pd
    from mlxtend import frequent_patterns
    db, count = _setup(kind, support, scale)
    n_items = 1 + max(max(t) for t in db if t)
    X = np.zeros((len(db), n_items), dtype=bool)
    for i, t in enumerate(db):
        X[i, t] = True
    frame = pd.DataFrame(X)
    miner = getattr(frequent_patterns, algorithm)
    fraction = (count - 0.5) / len(db)
    n = len(db)
    return _verified(workload, f"mlxtend {algorithm}", lambda: miner(frame, min_support=fraction),
                     lambda r: ((items, round(s * n)) for items, s in zip(r["itemsets"], r["support"])))


def prepare_efficient_apriori(workload: str, kind: str, support: str, scale: float = 1.0):
    from efficient_apriori.itemsets import itemsets_from_transactions
    db, count = _setup(kind, support, scale)
    fraction = (count - 0.5) / len(db)
    tuples = [tuple(t) for t in db]
    return _verified(workload, "efficient-apriori",
                     lambda: itemsets_from_transactions(tuples, fraction, max_length=1000)[0],
                     lambda r: ((items, n) for level in r.values() for items, n in level.items()))


def cases(quick: bool) -> list[Case]:
    scale = 0.05 if quick else 1.0
    fast, slow = (2, 1) if quick else (5, 2)
    out: list[Case] = []
    sets = [("sparse", s) for s in SPARSE_SUPPORTS] + [("dense", DENSE_SUPPORT)]
    for kind, support in sets:
        label = ("T10I4D100K" if kind == "sparse" else "dense 5000x50") + f" s={support}"
        if quick:
            label += f" (quick: {scale:g} of the transactions)"
        args = {"workload": label, "kind": kind, "support": support, "scale": scale}
        ours = "workedout apriori"
        out.append(Case(label, ours, "benchmarks.apriori:prepare_workedout", dict(args), peer="pyfim eclat",
                        repeats=fast))
        for algorithm in ("apriori", "eclat", "fpgrowth"):
            out.append(Case(label, f"pyfim {algorithm}", "benchmarks.apriori:prepare_pyfim",
                            {**args, "algorithm": algorithm}, peer=ours, repeats=fast))
        out.append(Case(label, "workedout fpgrowth (pure Python)", "benchmarks.apriori:prepare_workedout",
                        {**args, "algorithm": "fpgrowth"}, peer=ours, repeats=slow))
        out.append(Case(label, "mlxtend fpgrowth", "benchmarks.apriori:prepare_mlxtend",
                        {**args, "algorithm": "fpgrowth"}, peer=ours, repeats=slow))
        if kind == "dense":
            out.append(Case(label, "mlxtend apriori", "benchmarks.apriori:prepare_mlxtend",
                            {**args, "algorithm": "apriori"}, peer=ours, repeats=fast))
        out.append(Case(label, "efficient-apriori", "benchmarks.apriori:prepare_efficient_apriori",
                        dict(args), peer=ours, repeats=slow))
    return out


def environment() -> str:
    """Versions of the tools, and how to read the table."""
    from importlib.metadata import PackageNotFoundError, version
    parts = []
    for name in ("numpy", "numba", "pyfim", "mlxtend", "pandas", "efficient-apriori"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ("<!-- " + ", ".join(parts) + " -->\n"
            "<!-- time / peer's: workedout apriori against pyfim's fastest algorithm on that workload; "
            "every other row against workedout apriori (how many times slower). Every row's first run is "
            "checked against workedout's itemsets and counts; mlxtend apriori runs on the dense set only "
            "(about 18.5 GiB at level 2 on the sparse set). -->")


PYFIM_ALGORITHMS = ("apriori", "eclat", "fpgrowth")


def side_by_side(quick: bool = False, rounds: int | None = None) -> list[dict]:
    """workedout and pyfim's three algorithms in one process, round-robin; medians and the ratio to pyfim's fastest.

    Each sparse workload: one warm-up round (whose results are checked:
    every pyfim algorithm must find workedout's itemsets and counts), then
    ``rounds`` rounds of one call per tool. Returns one dict per workload
    with each tool's median seconds, the fastest pyfim algorithm and
    ``ratio`` = workedout's median / that algorithm's median.
    """
    import gc
    import statistics
    import time

    import fim
    from workedout.numerics.apriori import frequent_itemsets
    scale = 0.05 if quick else 1.0
    rounds = rounds or (3 if quick else 9)
    db = _data("sparse", scale)
    rows = []
    for support in SPARSE_SUPPORTS:
        _, count = _setup("sparse", support, scale)
        tools = {"workedout": lambda c=count: frequent_itemsets(db, c)}
        for algorithm in PYFIM_ALGORITHMS:
            miner = getattr(fim, algorithm)
            tools[f"pyfim {algorithm}"] = (lambda a=miner, c=count: a(db, supp=-c, report="a"))
        ours = _digest(tools["workedout"]().items())
        for name, run in tools.items():
            if name != "workedout" and _digest(run()) != ours:
                raise RuntimeError(f"{name} differs from workedout at s={support}")
        times: dict[str, list[float]] = {name: [] for name in tools}
        for _ in range(rounds):
            for name, run in tools.items():
                gc.collect()
                t0 = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t0)
        medians = {name: statistics.median(ts) for name, ts in times.items()}
        fastest = min((name for name in medians if name != "workedout"), key=medians.get)
        rows.append({"workload": f"T10I4D100K s={support}" + (f" (quick: {scale:g})" if quick else ""),
                     "itemsets": ours[0], "medians": medians, "fastest": fastest,
                     "ratio": medians["workedout"] / medians[fastest]})
    return rows


def _side_by_side_table(rows: list[dict]) -> str:
    head = ["workload", "itemsets", "workedout s"] + [f"pyfim {a} s" for a in PYFIM_ALGORITHMS] + [
        "pyfim's fastest", "workedout / fastest"]
    lines = ["| " + " | ".join(head) + " |", "|---|---:|" + "---:|" * (len(head) - 4) + "---|---:|"]
    for r in rows:
        cells = [r["workload"], f"{r['itemsets']:,}"] + [f"{r['medians'][n]:.4f}" for n in
                                                         ["workedout"] + [f"pyfim {a}" for a in PYFIM_ALGORITHMS]]
        cells += [r["fastest"], f"{r['ratio']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(quick: bool) -> str:
    """Both tables: every tool in its own process, then workedout beside pyfim in one process."""
    import os

    from benchmarks._harness import markdown_table, run_cases
    results = run_cases(cases(quick))
    medians = {(c.workload, c.tool): r.get("median_s") for c, r in results}
    for case, _ in results:  # workedout's ratio: against pyfim's fastest algorithm on that workload
        if case.tool == "workedout apriori":
            timed = [a for a in PYFIM_ALGORITHMS if medians.get((case.workload, f"pyfim {a}"))]
            if timed:
                case.peer = min((f"pyfim {a}" for a in timed), key=lambda n: medians[(case.workload, n)])
    load_before = os.getloadavg()
    rows = side_by_side(quick)
    load_after = os.getloadavg()
    return "\n".join([
        environment(), markdown_table(results), "",
        (f"<!-- one process, round-robin; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after "
         f"(1-minute), {os.cpu_count()} CPUs -->"),
        _side_by_side_table(rows)])
