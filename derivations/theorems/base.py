"""Theorems a course proves, each proof a Result whose every step but definitions and premises is checked.

A :class:`Theorem` names its statement and two functions: ``proof()``, the
proof as a :class:`~..result.Result` (``theorem=`` its statement, the steps
its proof, each step a definition or premise (``role=``) or checked by a
program: symbolically in SymPy, exhaustively over a named finite family, or
on seeded random cases with the distribution named), and ``false_variant()``,
which runs the same check on a false variant of the theorem and returns the
:class:`FalseVariant` it found, so that the checks are shown to be able to
fail. The checks a proof and its false variant share are one function taking
the claim as a parameter: the proof calls it with the theorem's claim and
requires no counterexample; the false variant calls it with the wrong claim
and reports the counterexample.

The theorems of a topic live in one module of this package, named in the
topic registry (``theorems=``); each module has a list ``THEOREMS``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Theorem", "FalseVariant", "THEOREM_TOPICS", "search", "math"]

#: the topics a theorem belongs to (``workedout prove --list --format json``)
THEOREM_TOPICS = ("gmm", "kmeans", "cnn", "align", "apriori", "prefixspan")


@dataclass(frozen=True)
class Theorem:
    """One theorem: ``name`` as typed (``workedout prove NAME``), its topic, a one-line statement.

    ``proof()`` returns the proof (a Result); ``false_variant()`` returns the
    :class:`FalseVariant` the same check finds for a false version of it.
    """

    name: str
    topic: str
    statement: str
    proof: Callable[[], Any]
    false_variant: Callable[[], "FalseVariant"]

    def __post_init__(self):
        if self.topic not in THEOREM_TOPICS:
            raise ValueError(f"Theorem {self.name}: topic {self.topic!r}; expected one of {THEOREM_TOPICS}")


@dataclass
class FalseVariant:
    """What the check found for a false variant of a theorem.

    ``statement`` is the false claim; ``check`` the check that ran (the one
    the proof's step uses); ``counterexample`` the first case that breaks the
    claim, in words (None if the check found none: then the check could not
    tell the variant from the theorem, which the tests treat as a bug);
    ``detail`` the counterexample as JSON-ready data.
    """

    theorem: str
    statement: str
    check: str
    counterexample: str | None
    detail: dict = field(default_factory=dict)
    cases: int = 0

    def as_result(self):
        """The finding as a Result (kind ``theorem.false-variant``), rendered like any other."""
        from ..model import Prose, Step
        from ..result import Result
        steps = [Step(Prose((self.statement,)), why="The false variant.", role="premise"),
                 Step(Prose((self.check,)), why="The check the proof uses, run on the false variant.")]
        if self.counterexample is not None:
            steps.append(Step(Prose((self.counterexample,)),
                              why=f"Counterexample (found after {self.cases:,} case(s)): the claim fails."))
        else:
            steps.append(Step(Prose((f"no counterexample in {self.cases:,} case(s)",)),
                              why="The check did not refute the variant."))
        return Result(kind="theorem.false_variant", title=f"A false variant of {self.theorem}", steps=steps,
                      answer={"holds": self.counterexample is None, "counterexample": self.counterexample,
                              "detail": self.detail, "cases": self.cases},
                      show_checks=False)


def search(cases, claim: Callable[[Any], bool]) -> tuple[Any | None, int]:
    """The first case for which ``claim(case)`` is false, and how many cases were tried (all of them if none).

    The one loop every exhaustive or sampled check runs: the proof asks for
    ``None`` (the claim held in every case), the false variant for a case.
    """
    n = 0
    for case in cases:
        n += 1
        if not claim(case):
            return case, n
    return None, n


def math(tex: str, text: str):
    """Inline maths for a proof's words: the LaTeX and its plain-text twin (``math(r"\\sigma(X)", "σ(X)")``)."""
    from ..markup import Tex
    from ..model import InlineMath
    return InlineMath(Tex(tex), text)
