"""The topic registry: each topic of the course joins the package here, once.

A :class:`Topic` declares where its pieces live, as module paths relative to
:mod:`workedout.derivations` (imported only when used, so that ``--help``
does not pay for every topic):

* ``commands``   -- the module whose ``register(subparsers)`` adds its
  ``workedout`` subcommands; ``command_names`` lists them as typed;
* ``worked``     -- the module with ``demo_examples()``, its built-in
  examples (worked results and figures) for ``workedout demo``;
* ``checker``    -- the module that defines how a student's answer is read
  and compared (a :class:`~workedout.derivations.check.Checker`), or None
  where the topic's results use the default part-by-part comparison;
* ``benchmarks`` -- its scripts in ``benchmarks/`` (``python -m benchmarks NAME``);
* ``exercises``  -- its exercise generators, ``(name, module)`` pairs: the
  name as typed (``workedout exercise NAME``, the JSON ``topic``) and the
  module in :mod:`workedout.derivations.exercise` holding its ``GENERATOR``;
* ``theorems``   -- the module in :mod:`workedout.derivations.theorems` with its
  ``THEOREMS`` (``workedout prove NAME``), or None.

The command line, the demo, the benchmarks' topic list and the tests read
:data:`TOPICS`; nothing else keeps a list of topics. Adding a topic: one
subpackage in ``derivations/`` and one in ``numerics/``, and one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

__all__ = ["Topic", "TOPICS", "CORE_COMMANDS", "CORE_BENCHMARKS", "EXERCISES", "topic", "load"]


@dataclass(frozen=True)
class Topic:
    name: str
    title: str
    commands: str
    command_names: tuple[str, ...]
    worked: str
    checker: str | None = None
    benchmarks: tuple[str, ...] = ()
    exercises: tuple[tuple[str, str], ...] = ()
    theorems: str | None = None


TOPICS: tuple[Topic, ...] = (
    Topic("gmm", "Gaussian mixtures by EM", commands="commands.gmm",
          command_names=("gmm estep", "gmm mstep", "gmm derive", "gmm fit", "gmm select"),
          worked="gmm", checker="gmm._check", benchmarks=("gmm", "derive"),
          exercises=(("gmm-estep", "exercise.gmm_estep"), ("gmm-mstep", "exercise.gmm_mstep")),
          theorems="theorems.gmm"),
    Topic("prefixspan", "PrefixSpan: sequential patterns", commands="commands.prefixspan",
          command_names=("prefixspan",), worked="prefixspan", checker="prefixspan._check",
          benchmarks=("prefixspan",), exercises=(("prefixspan", "exercise.prefixspan"),),
          theorems="theorems.prefixspan"),
    Topic("apriori", "Apriori and association rules", commands="commands.apriori",
          command_names=("apriori",), worked="apriori", checker="apriori._check", benchmarks=("apriori",),
          exercises=(("apriori", "exercise.apriori"),), theorems="theorems.apriori"),
    Topic("conv", "Convolution by hand, conv backprop and a CNN", commands="commands.convolution",
          command_names=("conv", "cnn train", "cnn sweep"), worked="convolution", checker="convolution._check",
          benchmarks=("convolution",), exercises=(("conv", "exercise.conv"),), theorems="theorems.cnn"),
    Topic("align", "Pairwise sequence alignment", commands="commands.align",
          command_names=("align",), worked="alignment", checker="alignment._check", benchmarks=("alignment",),
          exercises=(("align", "exercise.align"),), theorems="theorems.align"),
)

#: Commands that belong to no single topic (registered after the topics' own).
CORE_COMMANDS: tuple[str, ...] = ("commands.demo", "commands.exercise", "commands.exam", "commands.prove")

#: Benchmarks that belong to no single topic (``python -m benchmarks latency``: how long a command takes
#: to answer, warm and cold, beside the SymPy floor).
CORE_BENCHMARKS: tuple[str, ...] = ("latency",)


#: Every exercise generator, ``name -> module`` (``workedout exercise NAME``), in the registry's order.
EXERCISES: dict[str, str] = {name: module for t in TOPICS for name, module in t.exercises}


def topic(name: str) -> Topic:
    """The topic called ``name`` (ValueError naming the known ones otherwise)."""
    for t in TOPICS:
        if t.name == name:
            return t
    raise ValueError(f"topic: {name!r} is not a topic; expected one of {', '.join(t.name for t in TOPICS)}")


def load(module: str) -> ModuleType:
    """Import one of the registry's modules (a path relative to ``workedout.derivations``)."""
    return import_module(f".{module}", __package__)
