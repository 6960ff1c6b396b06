"""How long one ``workedout`` command takes to answer, warm and cold, beside the SymPy floor.

``python -m benchmarks latency [--quick]`` runs each command of the table in a
fresh process, ``repeats`` times, and prints a Markdown table:

* **warm** -- numba's cache already built (one unmeasured run first): what a
  student sees from the second run on;
* **cold** -- ``NUMBA_CACHE_DIR`` set to a new empty folder for every run, so
  every kernel the command uses is compiled: what the first run after
  install costs;
* **floor** -- ``python -c "import sympy"`` measured the same way in the same
  run: any command that needs SymPy pays at least this, so ratios to it stay
  comparable when the machine is loaded (the targets are ratios: ``--help``
  and ``--version`` at most 0.35x, a hand-sized worked command at most 2x).

Wall time is the median of the runs; CPU is the median of user + system time
of the child. The inputs are the README's examples and ``workedout demo``'s,
written to a temporary folder.
"""
from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["COMMANDS", "FILES", "measure", "report"]

#: The files the commands read, written into the working folder of the run.
FILES = {
    "X.csv": "0,0\n1,0\n4,4\n",
    "R.csv": "1,0\n4/5,1/5\n0,1\n",
    "estep-answer.json": '{"responsibilities": ["0.18", "0.82"]}\n',
    "allelectronics.txt": "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n",
    "paper.txt": "<a(abc)(ac)d(cf)>\n<(ad)c(bc)(ae)>\n<(ef)(ab)(df)cb>\n<eg(af)cbc>\n",
}

_ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1"]
_CONV = ["conv", "--input", "[[1,2,3],[4,5,6],[7,8,9]]", "--kernel", "[[1,0],[0,-1]]"]

#: (label, arguments after ``workedout``); ``None`` is the SymPy floor.
COMMANDS: list[tuple[str, list[str] | None]] = [
    ('python -c "import sympy" (floor)', None),
    ("workedout --version", ["--version"]),
    ("workedout --help", ["--help"]),
    ("workedout gmm --help", ["gmm", "--help"]),
    ("workedout gmm estep --help", ["gmm", "estep", "--help"]),
    ("workedout align --help", ["align", "--help"]),
    ("gmm estep (README)", _ESTEP),
    ("gmm estep --format json", [*_ESTEP, "--format", "json"]),
    ("gmm estep --format tex-document", [*_ESTEP, "--format", "tex-document"]),
    ("gmm estep --format md", [*_ESTEP, "--format", "md"]),
    ("gmm estep --check", [*_ESTEP, "--check", "estep-answer.json"]),
    ("gmm estep 2-D", ["gmm", "estep", "--x", "[1, 2]", "--weights", "1/2,1/2", "--means", "[[0, 0], [1, 1]]",
                       "--covariances", "[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]"]),
    ("gmm mstep --covariance full", ["gmm", "mstep", "--data", "X.csv", "--resp", "R.csv", "--covariance", "full"]),
    ("gmm derive --covariance full", ["gmm", "derive", "--covariance", "full"]),
    ("align GATTACA GCATGCU", ["align", "GATTACA", "GCATGCU"]),
    ("align --format json", ["align", "GATTACA", "GCATGCU", "--format", "json"]),
    ("conv 3x3 by 2x2", _CONV),
    ("conv --backprop", [*_CONV, "--backprop", "--grad-output", "[[1,2],[3,4]]"]),
    ("apriori AllElectronics", ["apriori", "allelectronics.txt", "--min-support", "2", "--min-confidence", "0.7"]),
    ("prefixspan paper --prefix <a>", ["prefixspan", "paper.txt", "--min-support", "2", "--prefix", "<a>"]),
    ("exercise align --seed 7", ["exercise", "align", "--seed", "7"]),
    ("exercise apriori --seed 7 --solution", ["exercise", "apriori", "--seed", "7", "--solution"]),
    ("exercise gmm-estep --seed 7 --solution", ["exercise", "gmm-estep", "--seed", "7", "--solution"]),
    ("prove apriori-property", ["prove", "apriori-property"]),
    ("demo --no-pdf", ["demo", "-o", "demo-out", "--no-pdf"]),
]


_PYCACHE = os.path.join(tempfile.gettempdir(), "workedout-latency-pycache")


def _workedout() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m workedout``."""
    script = Path(sys.executable).with_name("workedout")
    return [str(script)] if script.exists() else [sys.executable, "-m", "workedout"]


def _run_once(argv: list[str], cwd: str, env: dict) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit status) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def measure(args: list[str] | None, *, repeats: int, cold: bool, cwd: str) -> dict:
    """Median wall and CPU seconds of ``repeats`` fresh runs (``cold``: an empty numba cache each time)."""
    argv = [sys.executable, "-c", "import sympy"] if args is None else [*_workedout(), *args]
    # .pyc files as an installed package has them (PYTHONDONTWRITEBYTECODE would recompile every module each
    # run), kept in one folder outside the tree for the whole report
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    walls, cpus, statuses = [], [], set()
    if not cold:
        _run_once(argv, cwd, env)  # builds the cache (and the .pyc files) once, unmeasured
    for _ in range(repeats):
        cache = tempfile.mkdtemp(prefix="latency-numba-") if cold else None
        if cache:
            env["NUMBA_CACHE_DIR"] = cache
        try:
            wall, cpu, status = _run_once(argv, cwd, env)
        finally:
            if cache:
                shutil.rmtree(cache, ignore_errors=True)
        walls.append(wall)
        cpus.append(cpu)
        statuses.add(status)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus),
            "ok": statuses <= {0, 1}}  # 1: a --check that found differences


def report(quick: bool = False, commands=None) -> str:
    """Run every command warm and cold and return the Markdown table."""
    commands = COMMANDS if commands is None else commands
    repeats = 2 if quick else 5
    rows = []
    with tempfile.TemporaryDirectory(prefix="latency-") as cwd:
        for name, text in FILES.items():
            Path(cwd, name).write_text(text)
        for label, args in commands:
            print(f"  {label} ...", file=sys.stderr, flush=True)
            warm = measure(args, repeats=repeats, cold=False, cwd=cwd)
            cold = measure(args, repeats=1 if (quick or (args and args[0] == "demo")) else 3, cold=True, cwd=cwd)
            rows.append((label, warm, cold))
    floor = rows[0][1] if commands and commands[0][1] is None else None
    lines = [f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
             f"{_versions()}; median of {repeats} warm runs",
             "",
             "| command | warm s | warm CPU s | cold s | warm / floor | warm CPU / floor CPU |",
             "|---|---:|---:|---:|---:|---:|"]
    for label, warm, cold in rows:
        ratio = f"{warm['wall'] / floor['wall']:.2f}" if floor else ""
        cpu_ratio = f"{warm['cpu'] / floor['cpu']:.2f}" if floor else ""
        failed = "" if warm["ok"] and cold["ok"] else " (failed)"
        lines.append(f"| {label}{failed} | {warm['wall']:.2f} | {warm['cpu']:.2f} | {cold['wall']:.2f} "
                     f"| {ratio} | {cpu_ratio} |")
    return "\n".join(lines)


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for name in ("sympy", "numpy", "scipy", "numba"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


if __name__ == "__main__":
    print(report("--quick" in sys.argv[1:]))
