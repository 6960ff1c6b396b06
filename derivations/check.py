"""Checking a student's answer against a worked result, part by part.

:func:`compare` walks the expected answer (a result's ``answer``) and the
student's (a dict read from JSON) in parallel and returns the
:class:`Discrepancy` list; :class:`workedout.derivations.result.Result.check`
wraps it into a report that renders like any result.

One extension protocol serves every topic: a result may carry a
:class:`Checker`, whose fields are all optional:

* ``read``       -- the topic's own answer formats (a DP table as CSV, a bare
  grid), turned into a dict of the command's JSON keys;
* ``normalize``  -- the student's dict rewritten into the result's notation
  (``<(ba)>`` as ``<(ab)>``; one traceback as a list of alignments);
* ``unordered``  -- lists compared as collections (:class:`Unordered`), entries
  matched by content in any order;
* ``scalars``    -- a comparison of its own for the values at some locations
  (a derived update compared as a formula, not as a number);
* ``parts``      -- top-level keys the topic compares itself (alignments
  matched by their path), reporting through the same :class:`Comparer`;
* ``explain``    -- how the expected value at a location is produced (a DP
  cell's candidates), shown beside the step that produces it;
* ``subject``    -- a location in the student's terms (``cell (2, 3): row G,
  column A``, ``rule {I1} => {I2}``);
* ``weight``     -- the marks of one part (default 1);
* ``diagnose``   -- the teaching assistant's reading of the differences: which
  are root causes and which follow correctly from an earlier wrong value
  (recomputed from the student's own values), and which catalogued
  misconception (:class:`Misconception`, recognised by recomputing with the
  wrong rule) explains them.

Locations are JSON paths: ``responsibilities[0]``, ``levels[1].frequent``,
``table.M[2][3]``; a pattern in ``unordered`` or ``scalars`` uses ``[*]`` for
any index and ``.*`` for any key.
"""
from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy as sp

from ..numerics.inputs import load_json, read_text
from ..numerics.limits import LimitError, get, require, time_budget
from .exact import exact_string, parse_expression, parse_number, to_float
from .model import METADATA_KEYS, ResultData
from .printers import TextPrinter, json_value

__all__ = ["Checker", "Unordered", "Discrepancy", "Comparer", "Findings", "Misconception", "Part", "compare",
           "load_answer", "scalar_reason", "significant_digits", "show_expected", "show_given", "entry_text",
           "words_text", "produced_by", "REVEAL"]

#: what a report shows: ``where`` (which entries are wrong), ``why`` (and the misconception and the
#: step, no expected values), ``all`` (and the expected values)
REVEAL = ("where", "why", "all")


# --------------------------------------------------------------- the protocol
@dataclass(frozen=True)
class Unordered:
    """How one list of the answer is compared: as a collection.

    Entries are matched by ``key`` instead of by position, so a student may
    list them in any order; a missing entry, an unexpected one and one given
    twice are each reported, and matched entries are compared as usual.
    ``key`` receives an entry (the expected one, or the student's as read from
    JSON) and returns its identity (lists in it are made hashable); ``None``
    means the entry itself (a list of scalars compared as a set). A key that
    fails on a student's entry reports that entry as unreadable. ``what``
    names an entry in the report (``"itemset"``, ``"rule"``). With
    ``complete=False`` the student may give any subset of the entries (as
    with an object's keys): only the given ones are compared, and expected
    entries left out are not reported as missing.
    """

    key: Callable | None = None
    what: str = "entry"
    complete: bool = True


def load_answer(answer) -> dict:
    """A student's answer as a dict: from a dict, a JSON string or a JSON file.

    A file is read by :func:`workedout.numerics.inputs.read_text` (regular
    files or ``-`` only, at most the limit ``answer-size``, gzip, UTF-8 with
    or without a BOM, UTF-16/32 with one) and parsed by
    :func:`~workedout.numerics.inputs.load_json` (the limit ``nesting``).
    ``NaN`` and ``Infinity`` are read, so that the report names the key that
    holds them ("expected a finite number").
    """
    if isinstance(answer, dict):
        return answer
    if isinstance(answer, (str, os.PathLike)):
        text = str(answer)
        what = "--check"
        if isinstance(answer, os.PathLike) or not text.lstrip().startswith("{"):
            try:
                text = read_text(answer, what="--check", limit="answer-size")
            except LimitError:
                raise
            except ValueError as exc:  # "--check: FILE: no such file" -> "--check: cannot read 'FILE': no such file"
                detail = str(exc).removeprefix(f"--check: {os.fspath(answer)}: ")
                raise ValueError(f"--check: cannot read {os.fspath(answer)!r}: {detail}") from None
            what = f"--check: {os.fspath(answer)}" if os.fspath(answer) != "-" else "--check: standard input"
        else:
            require("answer-size", len(text), what="--check: the answer text (characters)")
        data = load_json(text, what=what, allow_nan=True)
        if not isinstance(data, dict):
            raise ValueError("--check: the answer must be a JSON object whose keys are the command's JSON keys")
        return data
    raise TypeError(f"answer: expected a dict, a JSON string or a path, got {type(answer).__name__}")


@dataclass(frozen=True)
class Misconception:
    """A classic wrong rule of a topic: its public ``id``, a sentence for the student, and the
    label of the worked solution's step that applies the right rule."""

    id: str
    text: str
    step: str | None = None


@dataclass(frozen=True)
class Checker:
    """How a topic's result reads and compares a student's answer; see the module docstring.

    Parameters
    ----------
    read : callable(answer) -> dict
        Turns the answer as given (dict, JSON text, path; or the topic's own
        formats) into a dict of the command's JSON keys. Default:
        :func:`load_answer`.
    normalize : callable(dict) -> dict, optional
        Rewrites the student's dict into the result's notation.
    unordered : mapping of location pattern to Unordered
    scalars : mapping of location pattern to callable(location, expected, given) -> str or None
        Compares one value (a leaf of the answer, not a list or an object):
        the reason it differs, or None when it agrees.
    parts : mapping of top-level key to callable(given, comparer)
        Compares that key's value in the topic's own way, reporting through
        ``comparer.differ`` and counting through ``comparer.counted``.
    explain : callable(location) -> str, optional
        How the expected value at ``location`` is produced ("" for nothing).
    subject : callable(location) -> str, optional
        The thing at ``location`` named as the student wrote it.
    weight : callable(location) -> int, optional
        The marks of the part at ``location`` (default 1 each).
    diagnose : callable(findings, result) -> None, optional
        Reads :class:`Findings` (the student's normalised answer and every
        discrepancy) and marks each discrepancy's ``cause``
        (``"root"``/``"follows"``), ``follows_from`` and ``misconception``
        (through :meth:`Findings.name`).
    catalogue : tuple of Misconception
        The topic's misconceptions, which ``diagnose`` names by id.
    """

    read: Callable[[Any], dict] = load_answer
    normalize: Callable[[dict], dict] | None = None
    unordered: Mapping[str, Unordered] = field(default_factory=dict)
    scalars: Mapping[str, Callable[[str, Any, Any], str | None]] = field(default_factory=dict)
    parts: Mapping[str, Callable[[Any, "Comparer"], None]] = field(default_factory=dict)
    explain: Callable[[str], str] | None = None
    subject: Callable[[str], str] | None = None
    weight: Callable[[str], int] | None = None
    diagnose: Callable[["Findings", ResultData], None] | None = None
    catalogue: tuple[Misconception, ...] = ()


DEFAULT_CHECKER = Checker()


@dataclass
class Discrepancy:
    """One difference between the student's answer and the worked result.

    ``expected`` is shown as the student can compare it (a decimal to the
    digits they gave, the exact form beside it when short); ``exact`` keeps
    the whole exact value. ``cause`` is ``"root"`` (wrong on its own) or
    ``"follows"`` (wrong only because of ``follows_from``, a root's location,
    and right when recomputed from the student's own values).
    """

    location: str
    expected: str
    given: str
    reason: str
    step: int | None = None
    step_why: str = ""
    explanation: str = ""
    subject: str = ""
    cause: str = "root"
    follows_from: str | None = None
    misconception: dict | None = None
    exact: str = ""
    possible: int = 1


@dataclass
class Part:
    """One marked part of an answer: a compared value, its subject and its marks."""

    location: str
    subject: str
    possible: int = 1


@dataclass
class Findings:
    """What :func:`compare` found: the student's normalised answer, every part compared, every discrepancy."""

    given: dict
    found: list[Discrepancy]
    parts: list[Part]
    checker: Checker = DEFAULT_CHECKER
    result: ResultData | None = None

    @property
    def n_compared(self) -> int:
        return len(self.parts)

    def at(self, location: str) -> Discrepancy | None:
        """The discrepancy at ``location`` (None where the value agrees)."""
        return next((d for d in self.found if d.location == location), None)

    def follows(self, location: str, root: str) -> None:
        """Mark the discrepancy at ``location`` as following correctly from the one at ``root``."""
        d = self.at(location)
        r = self.at(root)
        if d is not None and r is not None and d is not r:
            d.cause, d.follows_from = "follows", (r.follows_from or r.location)

    def name(self, misconception_id: str, locations) -> None:
        """Name a catalogued misconception on the discrepancies at ``locations`` (which it reproduces)."""
        m = next((m for m in self.checker.catalogue if m.id == misconception_id), None)
        if m is None:
            raise KeyError(f"misconception {misconception_id!r} is not in the catalogue")
        step = None
        if m.step and self.result is not None:
            try:
                step = self.result.step_number(m.step)
            except KeyError:
                step = None
        for loc in locations:
            d = self.at(loc)
            if d is None:
                continue
            named = d.misconception or {"id": m.id, "text": m.text}
            if named["id"] != m.id and m.id not in named["id"].split(" + "):
                named = {"id": f"{named['id']} + {m.id}", "text": f"{named['text']} Or: {m.text}"}
            d.misconception = named
            if step is not None:
                d.step = step
                d.step_why = words_text(dict(self.result.numbered_steps())[step].why, self.result)

    def roots(self) -> list[Discrepancy]:
        return [d for d in self.found if d.cause == "root"]


def compare(result: ResultData, answer) -> Findings:
    """Every part of a student's ``answer`` compared with ``result``, diagnosed by the topic's checker.

    A part of the answer that cannot be read or checked (a number where a list
    is expected, an expression beyond the limits, an update that cannot be
    evaluated) is a discrepancy of its own ("cannot read ..."), and the rest is
    still checked. The whole comparison runs within the limit
    ``check-seconds``; what is not compared when it expires is reported as
    not checked.
    """
    checker = result.checker or DEFAULT_CHECKER
    given = checker.read(answer)
    if checker.normalize is not None:
        given = checker.normalize(given)
    comparer = Comparer(result, checker)
    keys = [key for key in given if key not in METADATA_KEYS]
    done = 0
    seconds = get("check-seconds")
    global _DEADLINE
    saved, _DEADLINE = _DEADLINE, (time.monotonic() + seconds if seconds is not None else math.inf)
    findings = Findings(given, comparer.found, comparer.parts, checker, result)
    try:
        with time_budget(seconds, "--check"):
            for key in keys:
                _stop_if_expired(seconds)
                _compare_key(comparer, checker, result, key, given[key])
                done += 1
            _stop_if_expired(seconds)
            if checker.diagnose is not None and findings.found:
                try:
                    checker.diagnose(findings, result)
                except Exception:  # noqa: BLE001 - a student's outlandish value: the report stands undiagnosed
                    if _expired():
                        raise
                    for d in findings.found:
                        d.cause, d.follows_from = "root", None
    except LimitError as exc:
        if not _expired():
            raise
        for d in findings.found if done == len(keys) else ():  # the diagnosis ran out of time
            d.cause, d.follows_from = "root", None
        for key in keys[done:]:
            comparer.differ(key, "(not checked)", given[key], f"not checked: {exc}")
    finally:
        _DEADLINE = saved
    return findings


_DEADLINE = math.inf  # when the --check in progress runs out of time (time.monotonic())


def _expired() -> bool:
    return time.monotonic() >= _DEADLINE


def _stop_if_expired(seconds) -> None:
    """The time budget's error, also when topic code swallowed the one the timer raised."""
    if _expired():
        raise LimitError(f"--check: took longer than the limit check-seconds = {seconds} s; raise it with "
                         "--limit check-seconds=N")


def _compare_key(comparer: "Comparer", checker: Checker, result: ResultData, key: str, value) -> None:
    """One top-level key of the answer compared; a part that cannot be checked is reported, not raised."""
    if key == "exact":
        if not isinstance(value, dict):
            comparer.differ("exact", "an object of exact values", value, "not an object")
            return
        for k, v in value.items():
            if k not in result.answer:
                comparer.differ(f"exact.{k}", "(no such key)", v, f"unknown key; known: {', '.join(result.answer)}")
            elif k not in checker.parts:  # a part the topic compares itself has no exact form here
                comparer.compare(k, result.answer[k], v, exact=True, prefix="exact.")
        return
    if key in checker.parts:
        try:
            checker.parts[key](value, comparer)
        except Exception as exc:  # noqa: BLE001 - any malformed student part
            if _expired():
                raise
            comparer.differ(key, _expected_shape(result.answer.get(key)), value, unreadable(exc, "this part"))
        return
    if key not in result.answer:
        comparer.differ(key, "(no such key)", value, f"unknown key; known: {', '.join(result.answer)}")
        return
    comparer.compare(key, result.answer[key], value)


def unreadable(exc: BaseException, what: str = "the given value") -> str:
    """The reason for a report row whose value could not be read or checked."""
    if isinstance(exc, LimitError):
        return f"cannot read {what}: {exc}"
    if isinstance(exc, ValueError) and str(exc):
        return f"cannot read {what}: {exc}"
    if isinstance(exc, RecursionError):
        return f"cannot read {what}: nested too deep"
    if isinstance(exc, MemoryError):
        return f"cannot read {what}: too large"
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"cannot check {what}: {detail}"


def _expected_shape(expected) -> str:
    """What a value should look like, in words: ``a list of 2 numbers``, ``a 2 x 2 list of numbers``."""
    if hasattr(expected, "tolist") and not isinstance(expected, sp.Basic):
        expected = expected.tolist()
    if isinstance(expected, dict):
        return f"an object with the keys {', '.join(expected)}"
    if not isinstance(expected, (list, tuple)):
        return "a number" if _is_number(expected) else "a value"
    shape, level = [], expected
    while isinstance(level, (list, tuple)) and level:
        if not all(isinstance(x, (list, tuple)) for x in level) and any(isinstance(x, (list, tuple)) for x in level):
            break
        shape.append(len(level))
        if not isinstance(level[0], (list, tuple)):
            kinds = {("number" if _is_number(x) else "object" if isinstance(x, dict) else "value") for x in level}
            kind = kinds.pop() if len(kinds) == 1 else "entry"
            if len(shape) == 1:
                plural = {"entry": "entries"}.get(kind, kind + "s")
                return f"a list of {shape[0]} {plural if shape[0] != 1 else kind}"
            return f"a {' x '.join(map(str, shape))} list of {kind}s" if kind != "entry" else \
                f"a {' x '.join(map(str, shape))} list"
        if len({len(x) for x in level}) != 1:
            break
        level = level[0]
    return f"a list of {len(expected)} entries"


def _is_number(value) -> bool:
    return (isinstance(value, (int, float, sp.Number)) and not isinstance(value, bool)) or \
        (isinstance(value, sp.Basic) and bool(value.is_number))


# ----------------------------------------------------------------- the walk
def _pattern(location: str) -> str:
    return re.sub(r"\[\d+\]", "[*]", location)


class Comparer:
    """Walks expected and given values in parallel and records discrepancies."""

    MIN_DIGITS = 3

    def __init__(self, result: ResultData, checker: Checker = DEFAULT_CHECKER):
        self.result = result
        self.checker = checker
        self.found: list[Discrepancy] = []
        self.parts: list[Part] = []
        self._scalar_patterns = {p: f for p, f in checker.scalars.items() if ".*" not in p}
        self._scalar_wild = [(re.compile(re.escape(p).replace(r"\.\*", r"\.[^.\[]+").replace(r"\[\*\]", r"\[\d+\]")
                                         + r"\Z"), f) for p, f in checker.scalars.items() if ".*" in p]

    @property
    def n_compared(self) -> int:
        return len(self.parts)

    def subject(self, location: str) -> str:
        plain = location.removeprefix("exact.")
        return (self.checker.subject(plain) if self.checker.subject else "") or plain

    def counted(self, n: int = 1, location: str | None = None) -> None:
        """Count ``n`` values compared by a topic's own part (each one mark, at ``location``)."""
        for k in range(n):
            loc = location if location is not None else f"(part {len(self.parts) + 1})"
            self.parts.append(Part(loc, self.subject(loc), self._weight(loc)))

    def _weight(self, location: str) -> int:
        return self.checker.weight(location.removeprefix("exact.")) if self.checker.weight else 1

    def differ(self, location: str, expected, given, reason: str, explanation: str | None = None) -> None:
        """Record a discrepancy at ``location``, citing the step that produces it."""
        plain = location.removeprefix("exact.")
        src = self.result.source_step(plain)
        step, why = (src[0], words_text(src[1].why, self.result)) if src else (None, "")
        if explanation is None:
            explanation = self.checker.explain(plain) if self.checker.explain else ""
        exact = exact_string(expected) if isinstance(expected, sp.Basic) else ""
        self.found.append(Discrepancy(location, show_expected(expected, given), show_given(given), reason, step,
                                      why, explanation or "", subject=self.subject(location), exact=exact,
                                      possible=self._weight(location)))

    def _scalar_rule(self, location: str):
        rule = self._scalar_patterns.get(_pattern(location))
        if rule is None:
            for regex, f in self._scalar_wild:
                if regex.match(location):
                    return f
        return rule

    def compare(self, location, expected, given, *, exact=False, prefix=""):
        loc = prefix + location
        if hasattr(expected, "tolist") and not isinstance(expected, sp.Basic):  # numpy arrays, scalars
            expected = expected.tolist()
        spec = self.checker.unordered.get(_pattern(location)) if self.checker.unordered else None
        if spec is not None and isinstance(expected, (list, tuple)) and isinstance(given, (list, tuple)):
            return self._compare_unordered(location, expected, given, spec, exact=exact, prefix=prefix)
        if isinstance(expected, dict):
            if not isinstance(given, dict):
                return self.differ(loc, expected, given, f"expected {_expected_shape(expected)}")
            for k, v in given.items():
                if k not in expected:
                    self.differ(f"{loc}.{k}", "(no such key)", v, f"unknown key; known: {', '.join(expected)}")
                else:
                    self.compare(f"{location}.{k}", expected[k], v, exact=exact, prefix=prefix)
            return
        if isinstance(expected, (list, tuple)):
            if not isinstance(given, (list, tuple)):
                return self.differ(loc, expected, given, f"expected {_expected_shape(expected)}")
            if len(given) != len(expected):
                self.differ(loc, f"{len(expected)} entries", f"{len(given)} entries", "wrong number of entries")
            for i, (e, g) in enumerate(zip(expected, given)):
                self.compare(f"{location}[{i}]", e, g, exact=exact, prefix=prefix)
            return
        self.parts.append(Part(loc, self.subject(loc), self._weight(loc)))
        rule = self._scalar_rule(location) if self.checker.scalars else None
        try:
            reason = rule(location, expected, given) if rule else \
                scalar_reason(expected, given, exact, min_digits=self.MIN_DIGITS)
        except Exception as exc:  # noqa: BLE001 - a value that cannot be read or evaluated is a row of the report
            if _expired():
                raise
            reason = unreadable(exc)
        if reason:
            self.differ(loc, expected, given, reason)

    def _compare_unordered(self, location, expected, given, spec: Unordered, *, exact, prefix):
        """Match entries by ``spec.key``; report missing, unexpected and repeated ones."""
        loc = prefix + location
        key = spec.key or (lambda entry: entry)
        index: dict = {}
        for i, e in enumerate(expected):
            index.setdefault(_hashable(key(e)), i)
        seen: dict = {}
        for j, g in enumerate(given):
            try:
                k = _hashable(key(g))
                hash(k)
            except Exception:  # noqa: BLE001 - any malformed student entry
                self.differ(f"{loc}[given {j + 1}]", f"a {spec.what}", g, f"cannot read this {spec.what}")
                continue
            if k in seen:
                self.differ(f"{loc}[given {j + 1}]", "(once)", g, f"{spec.what} given twice")
                continue
            seen[k] = j
            if k not in index:
                self.differ(f"{loc}[given {j + 1}]", f"(no such {spec.what})", g,
                            f"unexpected {spec.what}: not in the expected list")
                continue
            i = index[k]
            self.compare(f"{location}[{i}]", expected[i], g, exact=exact, prefix=prefix)
        if spec.complete:
            for k, i in index.items():
                if k not in seen:
                    self.differ(f"{loc}[{i}]", entry_text(expected[i]), "(missing)", f"missing {spec.what}")


# ------------------------------------------------------------ one value
def scalar_reason(expected, given, exact: bool = False, *, min_digits: int = Comparer.MIN_DIGITS) -> str | None:
    """Why one given value differs from the expected one, or None when it agrees.

    Exact forms (fractions, expressions) must be equal exactly; a decimal must
    be right to the digits it gives (at least ``min_digits`` significant).
    """
    if isinstance(expected, bool) or isinstance(expected, str) or expected is None:
        return None if given == expected else "differs"
    if (isinstance(expected, sp.Basic) and expected.is_infinite) or (
            isinstance(expected, float) and math.isinf(expected)):
        negative = bool(expected < 0)
        return None if _is_infinity(given, negative) else \
            "differs (expected infinity: null as JSON writes it, or \"oo\" or \"inf\")"
    if isinstance(given, bool) or given is None:
        return "expected a number"
    # numbers: expected is exact (SymPy), an int, or a float from numerics
    if isinstance(given, str):
        text = given.strip()
        try:
            value = parse_number(text, what="answer")
            is_decimal = "." in text or "e" in text.lower() or text.endswith("%")
            text = text.removesuffix("%")
        except ValueError:
            try:
                value = parse_expression(text, what="answer")
            except ValueError as exc:
                return f"cannot read the given value: {exc}"
            is_decimal = False
    elif isinstance(given, (int, float)):
        if isinstance(given, float) and not math.isfinite(given):  # NaN or Infinity in the answer file
            return f"expected a finite number, got {'NaN' if given != given else 'infinity'}"
        value = parse_number(given, what="answer")
        text = repr(given)
        is_decimal = isinstance(given, float)
    else:
        return "expected a number"
    # a float from numerics is the decimal it prints as, like a float in the answer file
    exp_value = parse_number(float(expected)) if isinstance(expected, float) else sp.sympify(expected)
    if _equal_exactly(exp_value, value):
        return None
    if exact or not is_decimal:
        return "differs" if not exact else "differs (exact comparison)"
    # a decimal approximation: right to the digits given
    e = to_float(exp_value)
    try:
        g = float(value)
    except (OverflowError, TypeError, ValueError):  # 1e400: beyond a float, and not the exact value
        return "differs"
    digits = significant_digits(text)
    if g == 0 or not math.isfinite(g) or not math.isfinite(e):  # beyond a float: only an exact match agrees
        return "differs"
    unit = 0.5 * 10 ** (math.floor(math.log10(abs(g))) - digits + 1)
    tol = max(unit * (1 + 1e-9), 1e-12 * abs(e))
    if abs(g - e) <= tol:
        if digits < min_digits and abs(g - e) > 1e-12 * abs(e):
            return f"only {digits} significant digit(s); give at least {min_digits}"
        return None
    return "differs"


def significant_digits(text: str) -> int:
    """The number of significant digits of a decimal as written (``"0.0320"`` has 3)."""
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


def _equal_exactly(a: sp.Basic, b: sp.Basic) -> bool:
    if a == b:
        return True
    try:
        diff = sp.N(a - b, 50)
        scale = sp.N(abs(a), 50) + 1
        if diff.is_number and abs(diff) > scale * sp.Float(10) ** -40:
            return False
        simplified = sp.simplify(a - b)
        return simplified == 0 or bool(diff.is_number and abs(diff) <= scale * sp.Float(10) ** -45)
    except (TypeError, ValueError):
        return False


_INFINITY_WORDS = {"oo", "inf", "infinity", "+oo", "+inf", "+infinity", "∞"}


def _is_infinity(given, negative: bool) -> bool:
    """JSON's null (how an infinite value is written), "oo"/"inf"/"infinity", or a float infinity."""
    if given is None:
        return True
    if isinstance(given, float):
        return math.isinf(given) and (given < 0) == negative
    if isinstance(given, str):
        text = given.strip().lower()
        if negative:
            return text.startswith("-") and text[1:] in _INFINITY_WORDS
        return text in _INFINITY_WORDS
    return False


def _hashable(value):
    """Lists and dicts as tuples, so that a key built from JSON data can be hashed."""
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    return value


# ------------------------------------------------------------ shown values
SHORT_EXACT = 20  # characters: an exact form longer than this is left to the JSON's "exact"


def show_expected(value, given=None) -> str:
    """An expected value as a student can compare it with what they wrote.

    A decimal to the significant digits the student gave (at least 3; 6 when
    they gave no decimal), with the exact form beside it when that is short
    (at most :data:`SHORT_EXACT` characters); a short exact form alone when
    the student wrote an exact form.
    """
    if isinstance(value, sp.Integer):
        return str(int(value))
    if isinstance(value, sp.Basic):
        s = exact_string(value)
        if not value.is_number:
            return s
        f = to_float(value)
        if not math.isfinite(f):  # beyond a float: SymPy's own decimal, unless the exact form is short
            return s if len(s) <= SHORT_EXACT else str(sp.N(value, 6))
        decimal_given = isinstance(given, float) or (isinstance(given, str) and _is_decimal_text(given))
        if not decimal_given and len(s) <= SHORT_EXACT:
            return s if s == repr(f) else f"{s} ≈ {f:.6g}"
        digits = max(significant_digits(str(given).strip().removesuffix("%")), 3) if decimal_given else 6
        shown = f"{f:#.{digits}g}".rstrip(".")  # trailing zeros kept: 0.170 beside a given 0.141
        return f"{shown} (= {s})" if len(s) <= SHORT_EXACT and s != shown else shown
    if isinstance(value, str):
        return value
    text = entry_text(value)
    # a whole list or object (the student gave a number for it): its shape, when it is too long to read in a row
    return text if len(text) <= SHOWN_GIVEN else f"{_expected_shape(value)} (see the worked result)"


def _is_decimal_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return "." in text or "e" in text.lower()


def show_given(value) -> str:
    """A student's value as the report shows it (text as typed, anything else as JSON), at most
    :data:`SHOWN_GIVEN` characters (a longer one is cut in the middle, its length said)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > SHOWN_GIVEN:
        text = f"{text[:SHOWN_GIVEN - 40]} ... {text[-12:]} ({len(text):,} characters)"
    return text


SHOWN_GIVEN = 200  # characters of a given value a report shows


def entry_text(value) -> str:
    """An expected entry as JSON text (exact numbers as their strings), for a report."""
    return json.dumps(json_value(value)[1], ensure_ascii=False)


def words_text(parts, result: ResultData | None = None) -> str:
    """Words (a step's justification) as plain text; a Ref prints as its step number."""
    return TextPrinter(result=result).words(parts)


def produced_by(d: Discrepancy) -> str:
    """The report's "produced by" cell: the step, then the explanation of the location, if any."""
    step = f"step {d.step}: {d.step_why}" if d.step else ""
    if not d.explanation:
        return step
    return f"{step}{' ' if step.endswith('.') else '; '}{d.explanation}" if step else d.explanation
