"""Generated exercises with worked, checked solutions: ``workedout exercise``, ``exam`` and ``grade``.

:func:`exercise` gives one :class:`~.base.Exercise` of a topic for a seed and
a level; each topic's generator lives in a module of this package named in
the topic registry (:data:`workedout.derivations.topics.EXERCISES`).
"""
from __future__ import annotations

from .base import LEVELS, SCHEMA, Draft, Exercise, GenerationError, Generator, QuizPart
from .rng import SEED_LIMIT, Rng, derive_seed

__all__ = ["exercise", "generator", "names", "Exercise", "Generator", "Draft", "QuizPart", "GenerationError",
           "LEVELS", "SCHEMA", "SEED_LIMIT", "Rng", "derive_seed"]


def names() -> tuple[str, ...]:
    """The exercise topics, as typed: ``align``, ``apriori``, ``prefixspan``, ``conv``, ``gmm-estep``, ..."""
    from ..topics import EXERCISES
    return tuple(EXERCISES)


def generator(name: str) -> Generator:
    """The generator of the exercise topic ``name`` (a ValueError naming the known ones otherwise)."""
    from ..topics import EXERCISES, load
    if name not in EXERCISES:
        raise ValueError(f"topic: {name!r} has no exercises; expected one of {', '.join(EXERCISES)}")
    return load(EXERCISES[name]).GENERATOR


def exercise(topic: str, seed: int = 0, level: str = "exam", **options) -> Exercise:
    """One generated exercise: ``exercise("align", seed=7, level="exam", co_optimal="several")``.

    Parameters
    ----------
    topic : str
        One of :func:`names`.
    seed : int
        0 <= seed < 2**32; the same seed, level and options give the same
        exercise on every machine and every supported Python and numpy.
    level : {"easy", "exam", "hard"}
        Sizes per level are in the README; every variant of one level and
        option set has the same sizes and the same number of steps.
    **options
        The topic's shape options (``workedout exercise TOPIC --help``).

    Returns
    -------
    Exercise
        ``question``, ``solution`` (the worked Result), ``key``, ``check(answer)``,
        ``to_dict()`` (the ``workedout.exercise/1`` JSON).
    """
    return generator(topic).generate(seed, level, **options)
