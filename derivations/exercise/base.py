"""Generated exercises: one :class:`Generator` per exercise topic, one :class:`Exercise` for all.

A generator draws the givens of one exercise from a seeded :class:`~.rng.Rng`,
tests them against the properties that make the exercise teach something,
and draws again until they hold (at most :attr:`Generator.budget` draws; past
that it raises :class:`GenerationError`, never an exercise that breaks its
constraints). What it draws is plain JSON (:class:`Draft`); the worked
solution is the topic's own worked function called on those givens, and the
answer key is that result's JSON without its metadata, exactly what
``--check`` compares against.

The contract of a generator (a subclass of :class:`Generator`, one module per
topic in this package, listed in the topic registry :mod:`..topics`):

* ``name``        -- the exercise topic as typed (``align``, ``gmm-estep``);
* ``properties``  -- the guaranteed-property vocabulary: name -> one sentence;
* ``level_sizes`` -- per level, the sizes every variant of that level has, in words;
* ``answer_keys`` -- the top-level keys of the answer key the question asks for
  (what ``workedout grade`` marks; the key holds more, e.g. a convolution's im2col);
* ``add_options(parser)`` / ``options(args)`` -- the topic's shape options;
* ``draw(rng, level, **options)`` -- one attempt: a :class:`Draft`, or None when
  the drawn givens miss a constraint (the base class draws again);
* ``solve(givens)`` -- the worked :class:`~..result.Result` of those givens;
* ``command(givens, paths)`` -- the ``workedout`` argument list that works it,
  ``paths`` mapping each data file's short name to the path it is written at;
* ``question(draft)`` -- the statements (prose, tables) that set the exercise;
* ``numeric_parts(key)`` -- the parts a quiz asks for (Moodle's Cloze).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .rng import Rng, check_seed

__all__ = ["LEVELS", "Draft", "Generator", "Exercise", "GenerationError", "QuizPart", "SCHEMA"]

LEVELS = ("easy", "exam", "hard")
SCHEMA = "workedout.exercise/1"


class GenerationError(ValueError):
    """A generator found no exercise meeting its constraints within its budget (exit status 2)."""


@dataclass(frozen=True)
class Draft:
    """What one successful draw produced: the givens and what holds of them.

    ``givens`` is JSON keyed by the worked function's parameter names, every
    number an exact string (``"3/10"``, ``"-1"``); ``properties`` the names of
    the guaranteed properties that hold (from the generator's vocabulary);
    ``sizes`` the sizes that make two variants equally hard (equal for every
    variant of one level and option set); ``files`` the data files the
    command reads (name -> text), written beside the exercise.
    """

    givens: dict
    properties: tuple[str, ...]
    sizes: dict
    files: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QuizPart:
    """One numbered answer of a quiz question: its label, the key's value (a number or a word), where in the key."""

    label: str
    value: Any
    location: str


class Generator:
    """The base of every topic's exercise generator; see the module docstring for the contract."""

    name: str = ""
    title: str = ""
    properties: dict[str, str] = {}
    level_sizes: dict[str, dict] = {}  # per level, the sizes in words (the README table)
    answer_keys: tuple[str, ...] = ()  # the key's top-level keys the question asks for (what a grade marks)
    budget: int = 2000  # draws before GenerationError

    # --- the topic's part ---------------------------------------------------
    def add_options(self, parser) -> None:
        """Add the topic's shape options to ``workedout exercise NAME`` (none by default)."""

    def options(self, args) -> dict:
        """The shape options of parsed ``args`` as keyword arguments of :meth:`draw`."""
        return {}

    def draw(self, rng: Rng, level: str, **options) -> Draft | None:
        raise NotImplementedError

    def solve(self, givens: dict):
        raise NotImplementedError

    def command(self, givens: dict, paths: dict) -> list[str]:
        raise NotImplementedError

    def question(self, draft: Draft) -> tuple[str, list]:
        """``(text, statements)``: the question in plain words, and what shows the data (Tables, Grids, Prose)."""
        raise NotImplementedError

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------
    def default_options(self) -> dict:
        """The shape options' defaults, as :meth:`options` gives them for a command line without any."""
        cached = self.__dict__.get("_defaults")
        if cached is None:
            from ..commands.base import Parser
            parser = Parser(prog=f"workedout exercise {self.name}")
            self.add_options(parser)
            cached = self.__dict__["_defaults"] = self.options(parser.parse_args([]))
        return dict(cached)

    def generate(self, seed: int, level: str = "exam", **options) -> "Exercise":
        """The exercise of ``seed`` at ``level``: the first draw that meets every constraint."""
        check_seed(seed)
        if level not in LEVELS:
            raise ValueError(f"level: {level!r}; expected one of {', '.join(LEVELS)}")
        defaults = self.default_options()
        unknown = sorted(set(options) - set(defaults))
        if unknown:
            raise ValueError(f"{unknown[0]}: not an option of {self.name} exercises; expected "
                             f"{', '.join(defaults) or 'none'}")
        # the defaults written in: the Python API without options and the CLI (which passes every option)
        # draw the same stream, named after every option
        options = {**defaults, **options}
        rng = Rng(seed, stream=f"exercise/{self.name}/{level}/"
                  + ",".join(f"{k}={options[k]}" for k in sorted(options)))
        for _ in range(self.budget):
            draft = self.draw(rng, level, **options)
            if draft is not None:
                unknown = [p for p in draft.properties if p not in self.properties]
                if unknown:
                    raise AssertionError(f"{self.name}: property {unknown[0]!r} is not in the vocabulary")
                return Exercise(self, seed, level, dict(options), draft)
        shown = ", ".join(f"{k}={v}" for k, v in sorted(options.items())) or "no options"
        raise GenerationError(f"exercise {self.name}: no exercise at level {level} ({shown}) met every constraint "
                              f"within {self.budget} draws from seed {seed}; try another seed or other options")


class Exercise:
    """A generated exercise: its question, worked solution, answer key, and a check of an answer.

    Attributes
    ----------
    topic, seed, level, options : the generator's name and its inputs
    givens : dict
        The givens as JSON, keyed by the worked function's parameter names.
    properties : tuple of str
        The guaranteed properties that hold (the topic's vocabulary).
    sizes : dict
        What makes variants equally hard; equal for every seed of a level.
    question : str
        The question in plain words.
    command : list of str
        The ``workedout`` argument list that works this exercise.
    solution : Result
        The worked solution (computed on first use).
    key : dict
        The answer key: the worked command's JSON without its metadata.
    """

    def __init__(self, generator: Generator, seed: int, level: str, options: dict, draft: Draft):
        self.generator = generator
        self.topic = generator.name
        self.seed, self.level, self.options = seed, level, options
        self.givens = draft.givens
        self.properties = tuple(draft.properties)
        self.sizes = dict(draft.sizes)
        self._draft = draft
        #: data files as written: ``<topic>-<seed>-<name>`` -> text
        self.files = {self._file_name(name): text for name, text in sorted(draft.files.items())}
        self.question, self.statements = generator.question(draft)
        self.command = self.command_in("")

    def _file_name(self, name: str) -> str:
        return f"{self.topic}-{self.seed}-{name}"

    def command_in(self, folder: str) -> list[str]:
        """The command with its data files named inside ``folder`` (relative to where it is run)."""
        prefix = folder.rstrip("/") + "/" if folder else ""
        return self.generator.command(self.givens, {name: prefix + self._file_name(name)
                                                    for name in sorted(self._draft.files)})

    # --- the worked solution and its key --------------------------------------
    @cached_property
    def solution(self):
        return self.generator.solve(self.givens)

    @cached_property
    def key(self) -> dict:
        from ..model import METADATA_KEYS
        return {k: v for k, v in self.solution.to_dict().items() if k not in METADATA_KEYS}

    def check(self, answer, *, ecf: bool = True, reveal: str = "all"):
        """Check a student's answer against the worked solution (the same report as ``--check``)."""
        return self.solution.check(answer, ecf=ecf, reveal=reveal)

    def quiz_parts(self) -> list[QuizPart]:
        """The parts a quiz asks for, with the key's values (Moodle's Cloze sub-questions)."""
        return self.generator.numeric_parts(self.key)

    # --- what is written -------------------------------------------------------
    def to_dict(self) -> dict:
        """The public JSON contract ``workedout.exercise/1``."""
        return {"schema": SCHEMA, "topic": self.topic, "seed": self.seed, "level": self.level,
                "options": self.options, "question": self.question, "command": self.command,
                "givens": self.givens, "key": self.key, "properties": list(self.properties),
                "sizes": self.sizes, "files": sorted(self.files)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def as_result(self):
        """The question as a :class:`~..result.Result` (title, the words, the data), rendered by the printers."""
        from ..model import Step
        from ..result import Result
        steps = [s if isinstance(s, Step) else Step(s) for s in self.statements]
        title = f"Exercise: {self.generator.title} (seed {self.seed}, level {self.level})"
        return Result(kind=f"exercise.{self.topic}", title=title, intro=(self.question,), steps=steps,
                      show_checks=False)

    def render(self, fmt: str = "text", *, solution: bool = False):
        """The question (or, with ``solution``, the worked solution) in ``fmt``; ``json`` is :meth:`to_json`
        for the question and the worked command's JSON for the solution."""
        if solution:
            return self.solution.render(fmt)
        if fmt == "json":
            return self.to_json()
        return self.as_result().render(fmt)

    def __repr__(self) -> str:
        return f"<Exercise {self.topic} seed={self.seed} level={self.level}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """In a notebook: the question, as a result displays itself."""
        return self.as_result()._repr_mimebundle_(include=include, exclude=exclude)
