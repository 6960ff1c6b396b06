"""Pairwise alignment: workedout's numerics against Biopython (and parasail).

``python -m benchmarks alignment [--quick]``. Every workload runs on seeded
random sequences (uniform over ACGT, or over the 20 amino acids), each tool in
a fresh process (see ``benchmarks/_harness.py``); the ratio is time over
Biopython's ``PairwiseAligner``. Workloads:

* score only, DNA (match 1, mismatch -1, linear gap -1), n = m = 5,000 and 20,000;
* score only, proteins, BLOSUM62, affine gaps -11/-1, n = m = 5,000 and 20,000;
* one optimal alignment, DNA, n = m = 20,000 (Biopython: the first alignment
  of ``aligner.align``);
* the exact number of co-optimal alignments, DNA, n = m = 5,000 (Biopython:
  ``len(aligner.align(...))``, which raises OverflowError past sys.maxsize).

workedout's ``prepare`` runs the function once on 50 letters, so that loading
the numba-compiled kernels (about 0.5 s and 55 MB of code, once per process)
is not counted in the workload's time and memory; :func:`environment` measures
that one-off cost in a fresh process and prints it above the table.

parasail (``pip install parasail``) joins the score workloads when it is
installed, with two routines (``nw_striped_16``: 16-bit lanes, its fastest
on these workloads; ``nw_striped_sat``: 8-bit lanes, redone in 16/32 bits on
saturation); it is left out of the 20,000 x 20,000 traceback, whose full
traceback table would need about 3 GB.
"""
from __future__ import annotations

import importlib.util
import platform

import numpy as np

from benchmarks._harness import Case

__all__ = ["cases", "environment"]

DNA = "ACGT"
AMINO = "ARNDCQEGHILKMFPSTWYV"
HAVE_PARASAIL = importlib.util.find_spec("parasail") is not None
# parasail's striped routines: 16-bit lanes (the fastest here) and 8-bit lanes redone
# in 16/32 bits on saturation
PARASAIL_ROUTINES = ("nw_striped_16", "nw_striped_sat")


def _sequences(n: int, alphabet: str, seed: int) -> tuple[str, str]:
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    a, b = (rng.choice(letters, n).tobytes().decode() for _ in range(2))
    return a, b


def _scoring(kind: str) -> dict:
    if kind == "dna":
        return dict(match=1, mismatch=-1, gap_open=-1, gap_extend=None, matrix=None)
    return dict(match=1, mismatch=-1, gap_open=-11, gap_extend=-1, matrix="BLOSUM62")


def prepare_ours(task: str, kind: str, n: int, seed: int = 0):
    from workedout.numerics import alignment
    a, b = _sequences(n, DNA if kind == "dna" else AMINO, seed)
    s = _scoring(kind)
    kw = dict(gap_open=s["gap_open"], gap_extend=s["gap_extend"])
    if s["matrix"]:
        kw["matrix"] = s["matrix"]
    else:
        kw.update(match=s["match"], mismatch=s["mismatch"])
    fn = {"score": alignment.score, "align": alignment.align,
          "count": alignment.count_optimal}[task]
    fn(a[:50], b[:50], **kw)       # load the compiled kernels (numba cache): see environment()
    return lambda: fn(a, b, **kw)


def prepare_biopython(task: str, kind: str, n: int, seed: int = 0):
    from Bio.Align import PairwiseAligner, substitution_matrices
    a, b = _sequences(n, DNA if kind == "dna" else AMINO, seed)
    s = _scoring(kind)
    aligner = PairwiseAligner(mode="global")
    if s["matrix"]:
        aligner.substitution_matrix = substitution_matrices.load(s["matrix"])
    else:
        aligner.match_score, aligner.mismatch_score = s["match"], s["mismatch"]
    aligner.open_gap_score = s["gap_open"]
    aligner.extend_gap_score = s["gap_open"] if s["gap_extend"] is None else s["gap_extend"]
    if task == "score":
        return lambda: aligner.score(a, b)
    if task == "align":
        return lambda: aligner.align(a, b)[0]
    return lambda: len(aligner.align(a, b))


def prepare_parasail(task: str, kind: str, n: int, seed: int = 0, routine: str = "nw_striped_sat"):
    import parasail
    a, b = _sequences(n, DNA if kind == "dna" else AMINO, seed)
    s = _scoring(kind)
    if s["matrix"]:
        matrix = parasail.blosum62
    else:
        matrix = parasail.matrix_create(DNA, s["match"], s["mismatch"])
    extend = s["gap_open"] if s["gap_extend"] is None else s["gap_extend"]
    go, ge = -s["gap_open"], -extend      # parasail: positive penalties; 1st gap position = open
    if task != "score":
        raise ValueError(f"parasail: task {task!r} not benchmarked")
    function = getattr(parasail, routine)
    return lambda: function(a, b, go, ge, matrix).score


def cases(quick: bool) -> list[Case]:
    small, big = (1000, 2000) if quick else (5000, 20000)
    reps_small, reps_big = (2, 1) if quick else (5, 3)
    plan = [
        ("score", "dna", small, reps_small),
        ("score", "dna", big, reps_big),
        ("score", "protein", small, reps_small),
        ("score", "protein", big, reps_big),
        ("align", "dna", big, reps_big),
        ("count", "dna", small, reps_small),
    ]
    label = {"score": "score", "align": "one alignment", "count": "co-optimal count"}
    what = {"dna": "DNA 1/-1/-1", "protein": "protein BLOSUM62 -11/-1"}
    out = []
    for task, kind, n, reps in plan:
        workload = f"{label[task]}, {what[kind]}, {n}x{n}"
        tools = [("workedout", "prepare_ours"), ("biopython", "prepare_biopython")]
        if HAVE_PARASAIL and task == "score":
            tools += [(f"parasail {r}", "prepare_parasail") for r in PARASAIL_ROUTINES]
        for tool, prep in tools:
            kwargs = dict(task=task, kind=kind, n=n)
            if tool.startswith("parasail"):
                kwargs["routine"] = tool.split()[1]
            out.append(Case(workload=workload, tool=tool, prepare=f"benchmarks.alignment:{prep}",
                            kwargs=kwargs, peer="biopython",
                            repeats=reps, cells=n * n))
    return out


def environment() -> str:
    import numba
    import numpy
    versions = [f"numpy {numpy.__version__}", f"numba {numba.__version__}"]
    try:
        import Bio
        versions.append(f"biopython {Bio.__version__}")
    except ImportError:
        versions.append("biopython missing")
    if HAVE_PARASAIL:
        import parasail
        versions.append(f"parasail {getattr(parasail, '__version__', '?')}")
    else:
        versions.append("parasail not installed (skipped)")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import os
    import subprocess
    import sys
    probe = ("import time, resource\n"
             "rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
             "t0 = time.perf_counter(); from workedout.numerics import alignment as A\n"
             "t1 = time.perf_counter(); r1 = rss()\n"
             "A.score('ACGT', 'AGT'); A.align('ACGT', 'AGT'); A.count_optimal('ACGT', 'AGT')\n"
             "print(f'{t1 - t0:.2f} {r1:.0f} {time.perf_counter() - t1:.2f} {rss() - r1:.0f}')\n")
    try:
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             timeout=600).stdout.split()
        load = (f"import workedout.numerics.alignment {out[0]} s ({out[1]} MB RSS; the package is lazy); "
                f"first calls of score/align/count (import numpy and numba, load the cached kernels, or "
                f"compile them when the cache is empty) {out[2]} s, +{out[3]} MB")
    except (subprocess.SubprocessError, IndexError):
        load = "kernel load time not measured"
    return (f"<!-- {cpu}, {os.cpu_count()} cores; {', '.join(versions)}.\n"
            f"{load}.\n"
            "cells / s = n*m / median time; workload RSS = peak RSS minus the mark after "
            "imports, data and (workedout) the kernel load. -->")
