"""``python -m benchmarks derive``: how long the GMM derivation takes, end to end.

The issue's target: ``workedout gmm derive --covariance all`` in under 10 s on
a 2-core machine. Each end-to-end run is a fresh ``python -m derivations``
process (imports, every check, rendering), so nothing is cached between
runs except numba's on-disk cache of numerics.gmm (the first run, reported
apart by the harness, may compile it). The in-process cases time the
derivation itself (``derive`` memoises per process, so they call the
uncached builder and clear every per-process memo of proofs first; the
imports are done before the timing) and the worked M-step on a real data
set. Peak RSS of the end-to-end cases is the harness's own process (the
derivation runs in a grandchild); see the in-process rows for memory.

There is no peer library that derives EM updates, so the ratio column is
relative to the end-to-end text run.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys

from benchmarks._harness import Case

__all__ = ["cases", "environment", "prepare_cli", "prepare_derive", "prepare_mstep"]

TARGET_S = 10.0


def cases(quick: bool) -> list[Case]:
    repeats = 1 if quick else 3
    end_to_end = "gmm derive --covariance all, end to end"
    out = [
        Case(end_to_end, "workedout (text)", "benchmarks.derive:prepare_cli",
             {"covariance": "all", "fmt": "text"}, repeats=repeats),
        Case(end_to_end, "workedout (tex)", "benchmarks.derive:prepare_cli",
             {"covariance": "all", "fmt": "tex"}, peer="workedout (text)", repeats=repeats),
    ]
    if not quick:
        out += [
            Case(f"gmm derive --covariance {t}, end to end", "workedout (text)", "benchmarks.derive:prepare_cli",
                 {"covariance": t, "fmt": "text"}, repeats=repeats) for t in ("full", "spherical")
        ]
    out += [
        Case("derive('all') in process, every check", "workedout", "benchmarks.derive:prepare_derive",
             {"covariance": "all"}, repeats=repeats),
        Case("mstep iris (n=150, d=4, K=3), full, exact", "workedout", "benchmarks.derive:prepare_mstep",
             {"covariance": "full"}, repeats=repeats),
    ]
    return out


def environment() -> str:
    import numpy
    import sympy
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"<!-- derive benchmark: {os.cpu_count()} cores, load average {load[0]:.2f} at start, "
            f"Python {platform.python_version()}, SymPy {sympy.__version__}, NumPy {numpy.__version__}; "
            f"target: end to end under {TARGET_S:g} s -->")


def prepare_cli(covariance: str = "all", fmt: str = "text"):
    """A fresh ``python -m derivations gmm derive`` process per run."""
    argv = [sys.executable, "-m", "workedout", "gmm", "derive", "--covariance", covariance, "--format", fmt]

    def run():
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return run


def prepare_derive(covariance: str = "all"):
    """The derivation in process, without the per-process memo (every check runs each time)."""
    from workedout.derivations.gmm import _derive
    from workedout.numerics.gmm import COVARIANCE_TYPES
    types = tuple(COVARIANCE_TYPES) if covariance == "all" else (covariance,)
    _derive._build(types)  # warm the imports (numerics, numba's cache) outside the timing

    def run():
        from sympy.core.cache import clear_cache
        clear_cache()  # nor SymPy's own memo of earlier results
        for memo in _memos():  # nothing proved in an earlier run is reused
            memo.cache_clear()
        _derive._build.__wrapped__(types).render("text")
    return run


def _memos():
    from workedout.derivations import matrix_calculus
    from workedout.derivations.gmm import _derive_diag_spherical, _estep, _explicit
    return [matrix_calculus._prove_in, _explicit.explicit, _derive_diag_spherical.explicit_scalar_Q,
            _derive_diag_spherical.explicit_scalar_dQ, _estep._pdf_normalised]


def prepare_mstep(covariance: str = "full"):
    """The worked M-step on iris with seeded responsibilities (exact rationals)."""
    import numpy as np
    import sympy as sp
    from workedout.derivations.gmm import mstep
    from workedout.numerics.io import load_dataset
    X = load_dataset("iris").X
    rng = np.random.default_rng(0)
    raw = rng.integers(1, 10, size=(len(X), 3))
    resp = [[sp.Rational(int(v), int(row.sum())) for v in row] for row in raw]
    data = [[sp.Rational(str(v)) for v in row] for row in X]

    def run():
        mstep(data, resp, covariance).render("json")
    return run
