"""The JSON Schema of ``workedout.result/1`` (issue 16, item 6): shipped in the package, valid draft
2020-12, met by every JSON the demo writes and by a check report of every topic, and strict enough
that a missing common key or a value of the wrong type fails."""
from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

jsonschema = pytest.importorskip("jsonschema")

from workedout.derivations import schema  # noqa: E402
from workedout.derivations.alignment import align  # noqa: E402
from workedout.derivations.demo import Example, collect  # noqa: E402
from workedout.derivations.topics import TOPICS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {e.name: e for e in collect() if isinstance(e, Example)}


@pytest.fixture(scope="module")
def built():
    """Each demo example, built once for the module."""
    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = EXAMPLES[name].build()
        return cache[name]
    return get


def fails(instance) -> jsonschema.ValidationError:
    with pytest.raises(jsonschema.ValidationError) as info:
        schema.validate(instance)
    return info.value


# ------------------------------------------------------------------ the schema itself

def test_the_schema_is_draft_2020_12_and_names_itself():
    doc = schema.load()
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["title"] == "workedout.result/1"
    assert doc["required"] == ["schema", "kind", "title", "exact", "givens", "steps", "notes"]
    assert doc["properties"]["schema"] == {"const": "workedout.result/1"}


def test_the_schema_ships_in_the_package():
    assert schema.path().is_file()
    assert json.loads(schema.path().read_text(encoding="utf-8")) == schema.load()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["tool"]["setuptools"]["package-data"]["workedout.derivations.schema"] == ["*.json"]
    assert any(dep.startswith("jsonschema") for dep in config["project"]["optional-dependencies"]["test"])


def test_load_by_any_of_its_names_and_a_fresh_copy_each_time():
    assert schema.load("result") == schema.load("result-1.json") == schema.load("workedout.result/1")
    doc = schema.load()
    doc["required"].clear()
    assert schema.load()["required"]                      # the caller's changes stay the caller's
    with pytest.raises(ValueError, match="name: 'workedout.result/2' is not a shipped schema; expected one of "
                                         "workedout.result/1"):
        schema.load("workedout.result/2")
    with pytest.raises(TypeError, match="name: expected a schema name, got int"):
        schema.load(1)


def test_every_kind_the_demo_writes_has_its_answer_keys_described():
    kinds = {EXAMPLES[name].build().kind for name in ("align-gotoh", "conv-flip")}
    described = set(schema.load()["$defs"]["kinds"])
    assert kinds <= described
    assert {"gmm.estep", "gmm.mstep", "gmm.derive", "gmm.fit", "gmm.select", "prefixspan", "apriori", "conv",
            "conv.backprop", "cnn.train", "cnn.sweep", "align", "check"} == described
    ifs = [entry["if"]["$ref"].rsplit("/", 1)[1] for entry in schema.load()["allOf"]]
    assert sorted(ifs) == sorted(described)


# ------------------------------------------------------------------ every demo JSON

@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_demo_json_validates(name, built):
    result = built(name)
    text = result.render("json")            # what ``workedout demo`` writes as NAME.json
    schema.validate(text)
    obj = json.loads(text)
    assert obj["kind"] in schema.load()["$defs"]["kinds"], obj["kind"]
    for key in schema.load()["$defs"]["kinds"][obj["kind"]]["required"]:
        assert key in obj


# ------------------------------------------------------------------ check reports

WRONG = {   # one wrong answer per topic, and a few that exercise every branch of a report
    "gmm": ("gmm-estep", {"responsibilities": [0.8175744761936437, 0.18242552380635635]}),
    "gmm-follows": ("gmm-estep", {"densities": [0.06, 0.24197072451914334],
                                  "weighted_densities": [0.03, 0.12098536225957167]}),
    "gmm-mstep": ("gmm-mstep-full", {"weights": [2.75, 2.25]}),
    "gmm-derive": ("gmm-derive", {"weights": "N_k/N", "means": "sum(gamma_ik*x_i)/N"}),
    "prefixspan": ("prefixspan-paper", {"frequent_1": [{"pattern": "<a>", "support": 3}]}),
    "apriori": ("apriori-allelectronics", {"n_transactions": 10}),
    "conv": ("conv-3x3", {"output": [[-4, -4], [-4, 4]]}),
    "conv-backprop": ("conv-backprop", {"softmax": [0.5, 0.5]}),
    "align": ("align-nw-gattaca", {"score": 1}),
    "align-misconception": ("align-nw-gattaca", {"table": [[0, 1, 2, 3, 4, 5, 6, 7]] + [None] * 7}),
}
TOPIC_OF = {"gmm": "gmm", "prefixspan": "prefixspan", "apriori": "apriori", "conv": "conv", "align": "align"}


def test_the_wrong_answers_cover_every_topic():
    assert set(TOPIC_OF.values()) == {t.name for t in TOPICS}
    assert set(TOPIC_OF) <= set(WRONG)


@pytest.mark.parametrize("case", sorted(WRONG))
@pytest.mark.parametrize("reveal", ["all", "why", "where"])
def test_a_check_report_of_each_topic_validates(case, reveal, built):
    name, answer = WRONG[case]
    result = built(name)
    if case == "align-misconception":   # the first row with the gap sign flipped, the rest as the student's own
        table = copy.deepcopy(result.to_dict()["table"])
        table[0] = answer["table"][0]
        answer = {"table": table}
    report = result.check(answer, reveal=reveal).to_dict()
    assert report["kind"] == "check" and report["ok"] is False and report["discrepancies"]
    schema.validate(report)
    schema.validate(json.dumps(report))
    if case == "align-misconception" and reveal != "where":
        causes = {d["cause"] for d in report["discrepancies"]}
        assert causes == {"root", "follows"}
        assert report["discrepancies"][0]["misconception"]["id"] == "gap-sign"


def test_a_report_that_finds_nothing_validates(built):
    result = built("align-nw-gattaca")
    report = result.check(result.to_dict()).to_dict()
    assert report["ok"] is True
    schema.validate(report)


def test_the_command_lines_json_and_check_json_validate(tmp_path, run_cli):
    status, out, err = run_cli("align", "GATTACA", "GCATGCU", "--format", "json")
    assert status == 0
    schema.validate(out)
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"score": 2, "n_optimal": 3}))
    status, out, err = run_cli("align", "GATTACA", "GCATGCU", "--check", answer, "--format", "json")
    assert status == 1
    schema.validate(out)
    assert json.loads(out)["n_discrepancies"] == 1


@given(st.text("ACGT", max_size=6), st.text("ACGT", max_size=6),
       st.sampled_from(["global", "local", "semiglobal"]), st.booleans())
def test_any_alignment_validates(seq1, seq2, mode, affine):
    kw = {"gap_open": -2, "gap_extend": -1} if affine else {}
    schema.validate(align(seq1, seq2, mode=mode, **kw).to_dict())


# ------------------------------------------------------------------ broken JSON fails

@pytest.fixture(scope="module")
def good():
    return align("GAT", "GT").to_dict()


@pytest.fixture(scope="module")
def report():
    result = align("GATTACA", "GCATGCU")
    table = copy.deepcopy(result.to_dict()["table"])
    table[0] = [0, 1, 2, 3, 4, 5, 6, 7]
    return result.check({"table": table}).to_dict()


def broken(obj, change):
    obj = copy.deepcopy(obj)
    change(obj)
    return obj


def test_the_fixtures_are_valid(good, report):
    schema.validate(good)
    schema.validate(report)
    assert good["steps"][1]["checked"] is True      # the cases below change a checked step


@pytest.mark.parametrize("what, change, where", [
    ("no schema key", lambda o: o.pop("schema"), "'schema' is a required property"),
    ("no kind", lambda o: o.pop("kind"), "'kind' is a required property"),
    ("no steps", lambda o: o.pop("steps"), "'steps' is a required property"),
    ("no exact", lambda o: o.pop("exact"), "'exact' is a required property"),
    ("another schema", lambda o: o.update(schema="workedout.result/2"), "schema"),
    ("a number for the title", lambda o: o.update(title=3), "title"),
    ("a number for the kind", lambda o: o.update(kind=1), "kind"),
    ("a kind that is not dotted snake_case", lambda o: o.update(kind="Gmm E-step"), "kind"),
    ("a number among the notes", lambda o: o["notes"].append(3), "notes"),
    ("a given without its value", lambda o: o["givens"][0].pop("value"), "givens"),
    ("a given's name a number", lambda o: o["givens"][0].update(name=1), "givens"),
    ("a step's number a string", lambda o: o["steps"][0].update(number="1"), "steps"),
    ("a step numbered 0", lambda o: o["steps"][0].update(number=0), "steps"),
    ("checked as a string", lambda o: o["steps"][0].update(checked="yes"), "steps"),
    ("checked without saying how", lambda o: o["steps"][1].update(checked=True, check=None), "steps"),
    ("not checked but a how", lambda o: o["steps"][1].update(checked=False, check="by hand"), "steps"),
    ("a statement without latex", lambda o: o["steps"][0]["statement"].pop("latex"), "statement"),
    ("a grid without its array", lambda o: o["steps"][0]["statement"].update(type="grid"), "statement"),
    ("the score as a string", lambda o: o.update(score="0"), "score"),
    ("no n_optimal", lambda o: o.pop("n_optimal"), "'n_optimal' is a required property"),
    ("a negative count", lambda o: o.update(n_optimal=-1), "n_optimal"),
    ("a range of one number", lambda o: o["alignments"][0].update(seq1_range=[0]), "seq1_range"),
    ("a row of the table a string", lambda o: o["table"].__setitem__(0, "0 -1 -2"), "table"),
])
def test_a_broken_result_fails(good, what, change, where):
    error = fails(broken(good, change))
    assert where in (error.message + " " + error.json_path + " " + str(list(error.path))), (what, error.message)


def test_a_kinds_answer_keys_are_required():
    obj = {"schema": "workedout.result/1", "kind": "gmm.estep", "title": "t", "exact": {}, "givens": [],
           "steps": [], "notes": [], "densities": [0.5], "weighted_densities": [0.25], "evidence": 0.25}
    assert "'responsibilities' is a required property" in fails(obj).message
    obj["responsibilities"] = ["1"]
    assert fails(obj).json_path == "$.responsibilities"
    obj["responsibilities"] = [1.0]
    schema.validate(obj)
    obj["kind"] = "conv"                          # the same keys are not a convolution's
    assert "'output' is a required property" in fails(obj).message
    obj["kind"] = "exercise.new"                  # a kind the schema does not describe: the common part only
    schema.validate(obj)


@pytest.mark.parametrize("what, change, where", [
    ("a cause that is neither", lambda o: o["discrepancies"][0].update(cause="maybe"), "cause"),
    ("follows without from", lambda o: o["discrepancies"][1].update(follows_from=None), "follows_from"),
    ("a root that follows from", lambda o: o["discrepancies"][0].update(follows_from="table[0][0]"),
     "follows_from"),
    ("a misconception without text", lambda o: o["discrepancies"][0]["misconception"].pop("text"),
     "misconception"),
    ("the step as text", lambda o: o["discrepancies"][0].update(step="3"), "step"),
    ("no subject", lambda o: o["discrepancies"][0].pop("subject"), "'subject' is a required property"),
    ("marks without parts", lambda o: o["marks"].pop("parts"), "'parts' is a required property"),
    ("awarded as text", lambda o: o["marks"].update(awarded="63"), "awarded"),
    ("a part without marks", lambda o: o["marks"]["parts"][0].pop("possible"), "possible"),
    ("ok with discrepancies", lambda o: o.update(ok=True), "discrepancies"),
    ("ok as a string", lambda o: o.update(ok="false"), "ok"),
    ("no marks", lambda o: o.pop("marks"), "'marks' is a required property"),
])
def test_a_broken_check_report_fails(report, what, change, where):
    assert report["discrepancies"][1]["cause"] == "follows"
    error = fails(broken(report, change))
    assert where in (error.message + " " + error.json_path), (what, error.message, error.json_path)


def test_validate_takes_text_and_picks_the_schema_by_name(good):
    schema.validate(json.dumps(good))
    schema.validate(good, name="result")
    with pytest.raises(ValueError, match="is not a shipped schema"):
        schema.validate(good, name="other")
