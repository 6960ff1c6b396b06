"""One harness for every topic's benchmark.

A topic module ``benchmarks/<topic>.py`` defines ``cases(quick: bool)`` that
returns a list of :class:`Case`. Each case names a *prepare* function as
``"module:function"`` plus keyword arguments; ``prepare(**kwargs)`` builds the
seeded data and returns a zero-argument callable, the workload.

Every case runs in a fresh Python process (so peak memory is that tool's
alone): the child imports, prepares, records its resident-set high-water mark,
runs the workload once as a warm-up (JIT compilation, caches: reported apart
as ``first_s``), then ``repeats`` timed runs. Peak RSS is the process's
high-water mark; ``extra_mb`` is how far the workload raised it above the
mark reached after imports and data preparation.
"""
from __future__ import annotations

import importlib
import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

__all__ = ["Case", "run_cases", "markdown_table"]


@dataclass
class Case:
    workload: str          # what is measured, e.g. "full n=100000 d=8 k=5"
    tool: str              # e.g. "workedout", "scikit-learn"
    prepare: str           # "benchmarks.gmm:prepare_ours"
    kwargs: dict = field(default_factory=dict)
    peer: str | None = None  # the tool whose time is the ratio's denominator
    repeats: int = 5
    per: float = 1.0       # divide times by this (e.g. number of iterations)
    unit: str = "s"        # label for the time column
    cells: int | None = None  # optional work size (DP cells): adds a "cells / s" column


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(target: str, kwargs_json: str, repeats: int) -> None:
    module_name, func_name = target.split(":")
    prepare = getattr(importlib.import_module(module_name), func_name)
    work = prepare(**json.loads(kwargs_json))
    base = _maxrss_mb()
    t0 = time.perf_counter()
    work()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    peak = _maxrss_mb()
    print(json.dumps({"first_s": first, "times": times,
                      "peak_mb": peak, "extra_mb": peak - base}))


def run_case(case: Case) -> dict:
    """Run one case in a fresh interpreter and return its measurements."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._harness", case.prepare,
         json.dumps(case.kwargs), str(case.repeats)],
        capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["median_s"] = statistics.median(out["times"]) / case.per
    return out


def run_cases(cases: list[Case], *, progress=True) -> list[tuple[Case, dict]]:
    results = []
    for case in cases:
        if progress:
            print(f"  {case.workload} / {case.tool} ...", file=sys.stderr, flush=True)
        results.append((case, run_case(case)))
    return results


def markdown_table(results: list[tuple[Case, dict]]) -> str:
    """Workload, tool, median time, first run, peak RSS, ratio to the peer."""
    medians = {(c.workload, c.tool): r.get("median_s") for c, r in results}
    unit = results[0][0].unit if results else "s"
    rates = any(c.cells for c, _ in results)   # the optional rate column, only when asked for
    lines = [f"| workload | tool | median {unit} | first run s | peak RSS MB | workload RSS MB | time / peer's |"
             + (" cells / s |" if rates else ""),
             "|---|---|---:|---:|---:|---:|---:|" + ("---:|" if rates else "")]
    for case, r in results:
        if "error" in r:
            lines.append(f"| {case.workload} | {case.tool} | failed: {r['error'][:60]} | | | | |"
                         + (" |" if rates else ""))
            continue
        ratio = ""
        if case.peer is not None:
            peer_t = medians.get((case.workload, case.peer))
            if peer_t:
                ratio = f"{r['median_s'] / peer_t:.2f}"
        rate = ""
        if rates and case.cells and r["median_s"] > 0:
            rate = f" {case.cells / r['median_s']:.3g} |"
        elif rates:
            rate = " |"
        lines.append(
            f"| {case.workload} | {case.tool} | {r['median_s']:.4g} | {r['first_s']:.3g} "
            f"| {r['peak_mb']:.0f} | {r['extra_mb']:.0f} | {ratio} |" + rate)
    return "\n".join(lines)


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
