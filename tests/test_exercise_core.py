"""The shared core of generated exercises: the seeded stream, the draw loop, the Exercise object."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.derivations.exercise import (LEVELS, Draft, GenerationError, Generator, Rng, derive_seed, exercise,
                                            generator, names)
from workedout.derivations.exercise.rng import check_seed


def test_the_stream_is_pinned():
    # SplitMix64's outputs for these seeds and stream names: a change to the stream changes every exercise
    assert Rng(7, "a").below(1000) == Rng(7, "a").below(1000)
    assert Rng(7, "a").next64() != Rng(7, "b").next64()
    assert derive_seed(2026, 1) == derive_seed(2026, 1) != derive_seed(2026, 2)
    # golden values: SplitMix64 from state 0 (stream "" is mixed in by SHA-256)
    assert Rng(0, "").next64() == _GOLDEN_FIRST
    assert derive_seed(2026, 1) == _GOLDEN_DERIVED


_GOLDEN_FIRST = 15420476857816974467
_GOLDEN_DERIVED = 2634605685


@given(st.integers(0, 2 ** 32 - 1), st.integers(1, 10 ** 6))
@settings(max_examples=200, deadline=None)
def test_below_stays_in_range(seed, n):
    r = Rng(seed)
    assert all(0 <= r.below(n) < n for _ in range(5))


def test_below_is_uniform_enough():
    r = Rng(1)
    counts = [0] * 6
    for _ in range(6000):
        counts[r.below(6)] += 1
    assert all(900 < c < 1100 for c in counts), counts


def test_shuffled_and_sample():
    r = Rng(3)
    items = list(range(10))
    out = r.shuffled(items)
    assert sorted(out) == items and items == list(range(10))
    s = Rng(3).sample(items, 4)
    assert len(set(s)) == 4
    with pytest.raises(ValueError, match="sample"):
        Rng(3).sample(items, 11)


@pytest.mark.parametrize("bad", [-1, 2 ** 32, 1.5, "3", True])
def test_seeds_out_of_range_are_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        check_seed(bad)


def test_the_registry_names_every_exercise_topic():
    assert names() == ("gmm-estep", "gmm-mstep", "prefixspan", "apriori", "conv", "align")
    with pytest.raises(ValueError, match="has no exercises; expected one of"):
        generator("kmeans")


class _Never(Generator):
    name, title, budget = "never", "nothing", 5
    properties = {"x": "never holds"}

    def draw(self, rng, level, **options):
        rng.next64()
        return None


class _Liar(Generator):
    name, title = "liar", "a liar"
    properties = {"x": "holds"}

    def draw(self, rng, level, **options):
        return Draft({}, ("not-in-vocabulary",), {})


def test_a_generator_that_cannot_meet_its_constraints_says_so():
    with pytest.raises(GenerationError, match="no exercise at level exam .* within 5 draws from seed 4"):
        _Never().generate(4)


def test_a_property_outside_the_vocabulary_is_a_bug():
    with pytest.raises(AssertionError, match="not in the vocabulary"):
        _Liar().generate(0)


def test_bad_level():
    with pytest.raises(ValueError, match="level: 'medium'; expected one of easy, exam, hard"):
        exercise("conv", seed=1, level="medium")
    assert LEVELS == ("easy", "exam", "hard")


def test_the_exercise_object():
    e = exercise("conv", seed=5, level="easy")
    d = e.to_dict()
    assert list(d) == ["schema", "topic", "seed", "level", "options", "question", "command", "givens", "key",
                       "properties", "sizes", "files"]
    assert d["schema"] == "workedout.exercise/1" and d["topic"] == "conv" and d["seed"] == 5
    assert json.loads(e.to_json()) == json.loads(json.dumps(d))
    assert e.key == {k: v for k, v in e.solution.to_dict().items()
                     if k not in ("schema", "kind", "title", "givens", "steps", "notes")}
    assert e.check(e.key).ok
    assert "Exercise" in e.render("text") and e.question in e.render("text")
    bundle = e._repr_mimebundle_()
    assert "text/markdown" in bundle and "text/latex" in bundle
    assert exercise("conv", seed=5, level="easy").givens == e.givens
    assert exercise("conv", seed=6, level="easy").givens != e.givens
    assert repr(e) == "<Exercise conv seed=5 level=easy>"


def test_the_public_face():
    from workedout.exercise import exercise as face
    assert face("conv", seed=2).givens == exercise("conv", seed=2).givens


def test_the_exercise_json_validates_against_its_shipped_schema():
    jsonschema = pytest.importorskip("jsonschema")
    from workedout.derivations import schema
    d = exercise("conv", seed=9).to_dict()
    schema.validate(d)
    broken = dict(d, seed=2 ** 32)
    with pytest.raises(jsonschema.ValidationError):
        schema.validate(broken)
    broken = dict(d, givens={"input": []})
    with pytest.raises(jsonschema.ValidationError):
        schema.validate(broken)


@pytest.mark.parametrize("name", names())
def test_every_generator_says_what_its_question_asks_for(name):
    gen = generator(name)
    e = gen.generate(0, "easy")
    assert gen.answer_keys and set(gen.answer_keys) <= set(e.key), "answer_keys name keys of the key"
    assert gen.properties and set(e.properties) <= set(gen.properties)
    assert list(gen.level_sizes) == list(LEVELS)  # shown by workedout exercise TOPIC --help
    assert e.question and e.command[0] == "workedout"
