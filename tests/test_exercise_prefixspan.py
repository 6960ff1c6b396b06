"""The prefixspan exercise generator: properties from the definitions, equal sizes and steps, the key by brute force."""
from __future__ import annotations

import json
import re
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.exercise_heldout_prefixspan import (PROPERTIES, brute_key, holds, parse_pattern, prefixspan_problems,
                                               projection, write)
from workedout.derivations.exercise import exercise, generator
from workedout.derivations.exercise.prefixspan import GENERATOR, database_text

LEVELS = ("easy", "exam", "hard")
SEEDS = range(30)


@cache
def ex(seed: int, level: str):
    return exercise("prefixspan", seed=seed, level=level)


# ------------------------------------------------------------------ golden values (a change to the stream is caught)
def test_the_givens_of_two_seeds_are_pinned():
    assert ex(1, "exam").givens == {
        "sequences": [[["f"], ["a", "c"], ["b", "e"], ["b", "d", "f"]],
                      [["b", "c", "f"], ["a", "d"], ["a", "f"], ["f"]],
                      [["f"], ["a", "b", "f"], ["a", "f"], ["b", "d"]],
                      [["b"], ["a"], ["b", "c", "d"], ["b", "c", "d"]],
                      [["c"], ["b", "d", "f"], ["b", "d"], ["b", "d"]]],
        "min_support": "2", "prefix": "<b>", "projection": "paper"}
    assert ex(2, "hard").givens == {
        "sequences": [[["d", "f"], ["f"], ["b", "d", "g"], ["b", "d", "e"]],
                      [["b", "c", "f"], ["b", "d"], ["b", "c", "d"], ["e"]],
                      [["b", "d", "e"], ["g"], ["c", "e", "f"], ["b", "g"]],
                      [["b", "d", "e"], ["b", "d"], ["a"], ["b", "d", "e"]],
                      [["d", "g"], ["b", "e"], ["c", "e"], ["a", "b", "g"]],
                      [["b", "c"], ["b", "e"], ["b", "d"], ["d", "f", "g"]]],
        "min_support": "3", "prefix": "<(bd)>", "projection": "paper"}
    assert ex(1, "exam").files == {"prefixspan-1-sequences.txt": "<f(ac)(be)(bdf)>\n<(bcf)(ad)(af)f>\n"
                                   "<f(abf)(af)(bd)>\n<ba(bcd)(bcd)>\n<c(bdf)(bd)(bd)>\n"}


def test_the_same_seed_gives_the_same_exercise():
    a = GENERATOR.generate(5, "hard")
    assert a.givens == ex(5, "hard").givens and a.to_dict() == ex(5, "hard").to_dict()


# ------------------------------------------------------------------ per level: properties, sizes, steps, distinct
@pytest.mark.parametrize("level", LEVELS)
def test_every_stated_property_holds_by_the_definitions(level):
    for seed in SEEDS:
        e = ex(seed, level)
        assert tuple(sorted(e.properties)) == PROPERTIES
        facts = holds(e.givens)
        assert all(facts[p] for p in e.properties), (seed, facts)


@pytest.mark.parametrize("level", LEVELS)
def test_variants_of_a_level_have_equal_sizes_and_steps_and_differ(level):
    sizes = {json.dumps(ex(s, level).sizes, sort_keys=True) for s in SEEDS}
    assert len(sizes) == 1
    steps = {len(ex(s, level).solution.numbered_steps()) for s in SEEDS}
    assert steps == {8}
    assert len({json.dumps(ex(s, level).givens, sort_keys=True) for s in SEEDS}) == len(SEEDS)
    size = ex(0, level).sizes
    assert 4 <= size["sequences"] <= 6 and size["frequent_items"] == size["items"] - 1
    for s in SEEDS:  # the sizes are what the givens show
        g, e = ex(s, level).givens, ex(s, level)
        assert len(g["sequences"]) == size["sequences"]
        assert all(len(q) == size["itemsets_per_sequence"] for q in g["sequences"])
        assert all(sum(len(a) for a in q) == size["items_per_sequence"] for q in g["sequences"])
        assert any(len(a) >= 2 for q in g["sequences"] for a in q)
        assert len(e.key["frequent_1"]) == size["frequent_items"]
        assert len(e.key["projected"][0]["sequences"]) == size["projected_sequences"]
        assert sum(len(a) for a in parse_pattern(g["prefix"])) == size["prefix_items"]


def test_levels_grow():
    sizes = [ex(0, level).sizes for level in LEVELS]
    assert [s["sequences"] for s in sizes] == [4, 5, 6]
    assert [s["prefix_items"] for s in sizes] == [1, 1, 2]


# ------------------------------------------------------------------ the key against the brute force
@pytest.mark.parametrize("level,seeds", [("exam", range(30)), ("easy", range(5)), ("hard", range(5))])
def test_the_key_agrees_with_the_brute_force(level, seeds):
    for seed in seeds:
        assert prefixspan_problems(ex(seed, level), peer=level == "exam") == [], seed


def test_the_checks_can_fail():
    e = ex(3, "exam")

    class Tampered:
        def __init__(self, **changes):
            self.givens, self.level, self.properties, self.sizes = e.givens, e.level, e.properties, e.sizes
            self.key = json.loads(json.dumps(e.key))
            for path, value in changes.items():
                target = self.key
                *head, last = path.split(".")
                for k in head:
                    target = target[int(k)] if k.isdigit() else target[k]
                target[int(last) if last.isdigit() else last] = value

    assert prefixspan_problems(Tampered()) == []
    assert prefixspan_problems(Tampered(**{"frequent_1.0.support": 99}))
    assert prefixspan_problems(Tampered(**{"extensions.0.support": 99}))
    assert prefixspan_problems(Tampered(**{"projected.0.sequences.0": "<a>"}))
    # a database where the properties fail: no underscore, no infrequent item, one source only
    plain = {"sequences": [[["a"], ["b"]], [["a"], ["b"]]], "min_support": "2", "prefix": "<a>"}
    assert holds(plain) == {p: False for p in PROPERTIES}


def test_the_brute_force_on_the_paper_example():
    # the PrefixSpan paper's database (Pei, Han et al. 2001, Table 1): its <a>-projected database (Table 2)
    paper = {"sequences": [[list(a) for a in parse_pattern(t)] for t in
                           ("<a(abc)(ac)d(cf)>", "<(ad)c(bc)(ae)>", "<(ef)(ab)(df)cb>", "<eg(af)cbc>")],
             "min_support": "2", "prefix": "<a>"}
    key = brute_key(paper)
    assert key["projected"] == [("1", "<(abc)(ac)d(cf)>"), ("2", "<(_d)c(bc)(ae)>"), ("3", "<(_b)(df)cb>"),
                                ("4", "<(_f)cbc>")]
    assert ("<(ab)>", "into_last_itemset", 2) in key["extensions"]
    assert ("<ab>", "new_itemset", 4) in key["extensions"]
    assert holds(paper)["itemset-extension-both-sources"] and not holds(paper)["infrequent-item-dropped"]


@given(st.lists(st.lists(st.sets(st.sampled_from("abcd"), min_size=1, max_size=3), min_size=1, max_size=4),
                min_size=1, max_size=5),
       st.sampled_from(["<a>", "<b>", "<(ab)>", "<(bc)>"]))
@settings(max_examples=40)
def test_the_brute_force_agrees_with_the_worked_solution_on_any_database(seqs, prefix):
    """The brute force and the worked PrefixSpan agree off the generator too (any database, any prefix)."""
    from workedout.derivations.prefixspan import prefixspan
    givens = {"sequences": [[sorted(a) for a in s] for s in seqs], "min_support": "1", "prefix": prefix}
    db = [tuple(frozenset(a) for a in s) for s in seqs]
    if not any(projection(s, parse_pattern(prefix)) is not None for s in db):
        return  # the prefix does not occur: the worked solution refuses it
    key = prefixspan(database_text(givens["sequences"]), "1", prefix=prefix, projection="paper").to_dict()
    expected = brute_key(givens)
    assert [(e["pattern"], e["support"]) for e in key["frequent_1"]] == expected["frequent_1"]
    assert list(zip(key["projected"][0]["sequence_ids"], key["projected"][0]["sequences"])) == expected["projected"]
    assert {(e["pattern"], e["kind"], e["support"]) for e in key["extensions"]} == expected["extensions"]


# ------------------------------------------------------------------ the exercise object
def test_the_exercise_reads_as_a_teacher_would_write_it():
    e = ex(2, "hard")
    assert "<(bd)>" in e.question and "minimum support is 3" in e.question and "(_x)" in e.question
    assert "frequent 3-sequences with prefix <(bd)>" in e.question
    assert e.command == ["workedout", "prefixspan", "prefixspan-2-sequences.txt", "--min-support", "3",
                         "--prefix", "<(bd)>", "--projection", "paper"]
    assert e.check(e.key).ok
    wrong = json.loads(json.dumps(e.key))
    wrong["extensions"][0]["support"] += 1
    assert not e.check(wrong).ok
    text = e.render("text")
    assert write(parse_pattern("<(bd)(be)>")) == "<(bd)(be)>" and "SID" in text


def test_quiz_parts_name_values_of_the_key():
    for level in LEVELS:
        e = ex(4, level)
        parts = e.quiz_parts()
        assert len(parts) == len(e.key["frequent_1"]) + len(e.key["extensions"])
        for p in parts:
            value = e.key
            for k in re.findall(r"[A-Za-z_0-9]+", p.location):
                value = value[int(k)] if k.isdigit() else value[k]
            assert value == p.value and isinstance(p.value, int)
            assert p.label.startswith("support of <")
    assert GENERATOR.answer_keys == ("frequent_1", "projected", "extensions")


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="projection: not an option of prefixspan exercises; expected none"):
        generator("prefixspan").generate(1, "exam", projection="strict")
    with pytest.raises(ValueError, match="level"):
        exercise("prefixspan", seed=1, level="medium")
    with pytest.raises(ValueError, match="seed"):
        exercise("prefixspan", seed=2 ** 32)


def test_the_module_imports_only_the_standard_library(tmp_path):
    import subprocess
    import sys
    code = ("import sys; import workedout.derivations.exercise.prefixspan; "
            "print(any(m in sys.modules for m in ('sympy', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ the command line
def test_cli_json_and_the_command_it_names(run_cli, tmp_path, monkeypatch):
    out = tmp_path / "ex.json"
    status, _, err = run_cli("exercise", "prefixspan", "--seed", 6, "--level", "exam", "--format", "json",
                             "-o", out)
    assert status == 0 and "prefixspan-6-sequences.txt" in err
    d = json.loads(out.read_text())
    assert list(d) == ["schema", "topic", "seed", "level", "options", "question", "command", "givens", "key",
                       "properties", "sizes", "files"]
    assert d["topic"] == "prefixspan" and d["seed"] == 6 and d["level"] == "exam" and d["options"] == {}
    assert d["key"] == ex(6, "exam").key and d["files"] == ["prefixspan-6-sequences.txt"]
    assert (tmp_path / "prefixspan-6-sequences.txt").read_text() == database_text(d["givens"]["sequences"])
    monkeypatch.chdir(tmp_path)  # the command names its data file relative to the JSON
    assert d["command"][0] == "workedout"
    status, stdout, _ = run_cli(*d["command"][1:], "--format", "json")
    assert status == 0
    worked = json.loads(stdout)
    assert {k: v for k, v in worked.items() if k in d["key"]} == d["key"]


def test_cli_question_solution_and_check(run_cli, tmp_path):
    status, question, _ = run_cli("exercise", "prefixspan", "--seed", 1)
    assert status == 0 and "Work PrefixSpan for the prefix <b>" in question and "<f(ac)(be)(bdf)>" in question
    status, solution, _ = run_cli("exercise", "prefixspan", "--seed", 1, "--solution")
    assert status == 0 and "Step 2: the <b>-projected database" in solution
    key = ex(1, "exam").key
    right = tmp_path / "right.json"
    right.write_text(json.dumps(key))
    assert run_cli("exercise", "prefixspan", "--seed", 1, "--check", right)[0] == 0
    wrong = json.loads(json.dumps(key))
    i = next(k for k, e in enumerate(wrong["extensions"]) if e["kind"] == "into_last_itemset")
    wrong["extensions"][i]["support"] = 1
    bad = tmp_path / "wrong.json"
    bad.write_text(json.dumps(wrong))
    status, report, _ = run_cli("exercise", "prefixspan", "--seed", 1, "--check", bad)
    assert status == 1 and f"support of {wrong['extensions'][i]['pattern']}" in report


@pytest.mark.parametrize("argv,message", [
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2 ** 32)], "--seed"),
    (["--level", "medium"], "--level"),
    (["--projection", "strict"], "unrecognized arguments"),
])
def test_cli_bad_options_exit_2(run_cli, argv, message):
    status, _, err = run_cli("exercise", "prefixspan", *argv)
    assert status == 2 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
