"""Theorems a course proves, every step checked: ``workedout prove``.

Each topic's theorems live in one module of this package named in the topic
registry (:attr:`workedout.derivations.topics.Topic.theorems`); see
:mod:`.base` for what a theorem and its false variant are.
"""
from __future__ import annotations

from .base import THEOREM_TOPICS, FalseVariant, Theorem, search

__all__ = ["theorems", "theorem", "prove", "false_variant", "Theorem", "FalseVariant", "THEOREM_TOPICS", "search"]


def theorems() -> list[Theorem]:
    """Every theorem, in the registry's topic order."""
    from ..topics import TOPICS, load
    return [th for t in TOPICS if t.theorems for th in load(t.theorems).THEOREMS]


def theorem(name: str) -> Theorem:
    """The theorem called ``name`` (a ValueError listing the names otherwise)."""
    known = theorems()
    for th in known:
        if th.name == name:
            return th
    raise ValueError(f"NAME: {name!r} is not a theorem; expected one of {', '.join(th.name for th in known)} "
                     "(workedout prove --list)")


def prove(name: str):
    """The proof of the theorem ``name``: a Result whose steps are the proof, every one checked or a
    definition or premise."""
    return theorem(name).proof()


def false_variant(name: str) -> FalseVariant:
    """The same checks run on a false variant of theorem ``name``: the counterexample they find."""
    return theorem(name).false_variant()
