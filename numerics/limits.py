"""Limits on everything an input can make expensive: one table, one error.

A student's answer, a data file or a pair of command-line numbers can ask for
far more work than a person would mean: ``"9^9^9^9"``, a JSON list nested
100,000 deep, ``apriori`` on 12 items at ``--min-support 1``, two 100 kB FASTA
files worked cell by cell. Every such cost has one named limit here, with a
documented default. Code that is about to pay the cost calls
:func:`require` first, so a refused input ends within a second with one
message that names the limit, its value, the flag that raises it and, for a
worked command, the engine that computes the result without working it.

Raise a limit

* on the command line with ``--limit NAME=VALUE`` (repeatable; ``VALUE`` may be
  written ``1e6``, ``10M``, ``2G`` or ``none`` for no limit);
* in Python with ``with workedout.numerics.limits.raised(cells=10**6): ...``
  or once for the process with :func:`set_limit`.

This module is deliberately tiny and imports nothing heavy: every reader and
parser uses it, and ``--help`` must stay fast.
"""
from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
from dataclasses import dataclass

__all__ = ["Limit", "LimitError", "LIMITS", "get", "require", "raised", "set_limit", "parse_setting",
           "time_budget", "table_markdown"]


class LimitError(ValueError):
    """An input asks for more than a limit allows (exit status 2 on the command line)."""


@dataclass(frozen=True)
class Limit:
    """One limit: its name (``--limit NAME=...``), default, unit and what it bounds."""

    name: str
    default: int | float | None
    unit: str
    bounds: str
    engine: str = ""  # what computes the result without working it, if anything

    @property
    def python_name(self) -> str:
        return self.name.replace("-", "_")


_K, _M, _G = 1_000, 1_000_000, 1_000_000_000
_MiB = 1 << 20

#: Every limit, in the order of the README's limits table.
LIMITS: dict[str, Limit] = {limit.name: limit for limit in [
    # ---- reading: every file and every number
    Limit("file-size", 128 * _MiB, "bytes",
          "size of one input file after decompression (data sets, databases, FASTA, answers); "
          "only regular files and standard input are read"),
    Limit("answer-size", 8 * _MiB, "bytes", "size of one answer file given to --check"),
    Limit("digits", 1000, "digits", "digits in one typed number (integer or decimal)"),
    Limit("exponent", 1000, "", "size of a power's or a scientific notation's exponent in typed numbers and "
          "answers (2^1000, 1e-1000)"),
    Limit("nesting", 100, "levels", "nesting depth of brackets in JSON, arrays and answer expressions"),
    Limit("check-seconds", 60, "seconds", "time one --check may take before the rest is reported as not checked"),
    # ---- work a worked command will do, estimated before it starts
    Limit("cells", 250_000, "cells", "DP cells an alignment is worked over (n+1)(m+1)",
          "workedout.numerics.alignment (PairwiseAligner) scores and aligns without working the table"),
    Limit("alignments", 1000, "alignments", "co-optimal alignments written out one by one (the count is always exact)"),
    Limit("candidates", 100_000, "candidates", "candidate itemsets an Apriori run is worked through",
          "workedout.numerics.apriori (frequent_itemsets, association_rules) mines without working the levels"),
    Limit("rules", 100_000, "rules", "association rules an Apriori run works or tests against --min-confidence",
          "workedout.numerics.apriori (association_rules) computes every rule's metrics without working them"),
    Limit("patterns", 100_000, "patterns", "frequent patterns a worked PrefixSpan run lists or expands",
          "workedout.numerics.prefixspan (prefixspan) mines without working the projections"),
    Limit("components", 50, "components", "mixture components in a worked E-step or M-step"),
    Limit("columns", 50, "columns", "dimensions of the data in a worked M-step"),
    Limit("rows", 10_000, "rows", "data points in a worked M-step",
          "workedout.numerics.gmm (m_step, GaussianMixture) computes the updates in floating point"),
    Limit("output-cells", 10_000, "cells", "output cells (times channels) of a worked convolution",
          "workedout.numerics.convolution (conv2d) computes the output without working it"),
    Limit("products", 2_000_000, "products", "multiply-adds of a worked convolution: output cells × C_in·kh·kw",
          "workedout.numerics.convolution (conv2d) computes the output without working it"),
    Limit("padding", 1000, "", "padding of a convolution"),
    Limit("models", 500, "models", "models one gmm select sweep fits"),
    Limit("parameters", 50 * _M, "parameters", "weights of a network cnn train builds"),
]}

_current: dict[str, int | float | None] = {}
_lock = threading.Lock()


def get(name: str) -> int | float | None:
    """The limit in force (``None``: no limit)."""
    if name not in LIMITS:
        raise KeyError(f"no limit named {name!r}; the limits are: {', '.join(LIMITS)}")
    return _current.get(name, LIMITS[name].default)


def require(name: str, amount: int | float, *, what: str, engine: str | None = None) -> None:
    """Refuse, with one message, if ``amount`` exceeds the limit ``name``.

    ``what`` says where the amount comes from (``"--x"``, ``"GATTACA.fa and
    GCATGCU.fa"``); ``engine`` overrides the limit's own pointer to the code
    that computes the result without working it.
    """
    limit = get(name)
    if limit is None or amount <= limit:
        return
    spec = LIMITS[name]
    unit = f" {spec.unit}" if spec.unit else ""
    message = (f"{what}: {_amount(amount)}{unit}, more than the limit {name} = {_amount(limit)}{unit}; "
               f"raise it with --limit {name}=N (in Python: workedout.numerics.limits.raised({spec.python_name}=N))")
    engine = spec.engine if engine is None else engine
    if engine:
        message += f"; {engine}"
    raise LimitError(message)


def _amount(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    if isinstance(value, float) and (value != value or math.isinf(value)):
        return str(value)
    return f"{int(value):,}"


_SUFFIX = {"k": _K, "m": _M, "g": _G, "kb": 1 << 10, "mb": _MiB, "gb": 1 << 30}


def parse_setting(text: str) -> tuple[str, int | float | None]:
    """``"cells=1e6"`` → ``("cells", 1000000)``; ``none`` lifts a limit."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise LimitError(f"--limit: {text!r} is not NAME=VALUE (for example cells=1e6)")
    if name not in LIMITS:
        raise LimitError(f"--limit: no limit named {name!r}; expected one of {', '.join(LIMITS)}")
    value = value.strip().lower()
    if value in ("none", "inf", "unlimited"):
        return name, None
    scale = 1
    for suffix in sorted(_SUFFIX, key=len, reverse=True):
        if value.endswith(suffix):
            value, scale = value[:-len(suffix)], _SUFFIX[suffix]
            break
    try:
        number = float(value) * scale
    except ValueError:
        number = math.nan
    if not number >= 0 or math.isinf(number) or len(value) > 30:
        raise LimitError(f"--limit {name}: {text.partition('=')[2]!r} is not a non-negative number "
                         "(or 'none' for no limit)")
    return name, int(number) if number.is_integer() else number


def set_limit(name: str, value: int | float | None) -> None:
    """Set a limit for the rest of the process (``None``: no limit)."""
    get(name)
    with _lock:
        _current[name] = value


@contextlib.contextmanager
def raised(**values):
    """Raise (or lower) limits inside a ``with`` block: ``raised(cells=10**6, candidates=None)``."""
    names = {key.replace("_", "-"): value for key, value in values.items()}
    for name in names:
        get(name)
    with _lock:
        saved = dict(_current)
        _current.update(names)
    try:
        yield
    finally:
        with _lock:
            _current.clear()
            _current.update(saved)


@contextlib.contextmanager
def time_budget(seconds: float | None, what: str):
    """Raise :class:`LimitError` in the ``with`` block once ``seconds`` have passed.

    Uses the interval timer, so it works only in the main thread of a Unix
    process; elsewhere (threads, Windows) the block runs without a budget.
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise LimitError(f"{what}: took longer than the limit check-seconds = {_amount(seconds)} s; raise it with "
                         "--limit check-seconds=N")

    previous = signal.signal(signal.SIGALRM, expire)
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:
            signal.setitimer(signal.ITIMER_REAL, remaining)


def table_markdown() -> str:
    """The README's limits table, generated from :data:`LIMITS` (a test keeps them equal)."""
    rows = ["| limit | default | bounds | without working it |", "|---|---:|---|---|"]
    for spec in LIMITS.values():
        default = "none" if spec.default is None else _amount(spec.default)
        unit = f" {spec.unit}" if spec.unit else ""
        rows.append(f"| `{spec.name}` | {default}{unit} | {spec.bounds} | {spec.engine or ''} |")
    return "\n".join(rows) + "\n"


if os.environ.get("WORKEDOUT_LIMITS"):  # e.g. "cells=1e6,candidates=none": for sandboxes that set limits once
    for _setting in os.environ["WORKEDOUT_LIMITS"].split(","):
        set_limit(*parse_setting(_setting))
