"""The Moodle XML question bank: it parses, one Cloze question per variant and topic, answers equal the keys."""
from __future__ import annotations

import importlib.util
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from workedout.derivations.exercise import exercise, names
from workedout.derivations.exercise.exam import draw_variants, write_exam
from workedout.derivations.exercise.moodle import cdata, cloze_escape, cloze_part, moodle_xml, tolerance
from workedout.derivations.topics import EXERCISES

TOPICS = [t for t in names()
          if importlib.util.find_spec(f"workedout.derivations.{EXERCISES[t]}") is not None]
_PART = re.compile(r"\{1:(NUMERICAL|SHORTANSWER):=((?:\\.|[^\\}])*?)(?::([0-9.]+))?\}")


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    out = tmp_path_factory.mktemp("moodle") / "exam"
    write_exam(out, TOPICS, seed=99, variants=3, pdf=False, log=io.StringIO())
    return ET.parse(out / "moodle.xml").getroot(), draw_variants(TOPICS, 3, 99)


def _round4(x: float) -> float:
    return float(f"{x:.4g}")


def test_the_bank_follows_moodles_format(bank):
    root, variants = bank
    assert root.tag == "quiz"
    category, *questions = list(root)
    assert category.get("type") == "category" and category.find("category/text").text.startswith("$course$/top/")
    assert len(questions) == len(variants) * len(TOPICS)
    for q in questions:
        assert q.tag == "question" and q.get("type") == "cloze"
        assert q.find("name/text").text
        assert q.find("questiontext").get("format") == "html"
        assert q.find("generalfeedback/text") is not None
        assert float(q.find("penalty").text) >= 0 and q.find("hidden").text == "0"
    names_ = [q.find("name/text").text for q in questions]
    assert len(set(names_)) == len(names_)


def test_every_cloze_answer_equals_the_key(bank):
    root, variants = bank
    questions = list(root)[1:]
    i = 0
    for v in variants:
        for topic, ex in v.exercises.items():
            text = questions[i].find("questiontext/text").text
            i += 1
            found = _PART.findall(text)
            parts = ex.quiz_parts()
            assert len(found) == len(parts) > 0, topic
            for (kind, answer, tol), part in zip(found, parts):
                if kind == "SHORTANSWER":
                    assert re.sub(r"\\(.)", r"\1", answer) == str(part.value)
                    continue
                value = float(part.value) if not isinstance(part.value, str) else float(eval_fraction(part.value))
                assert float(answer) == pytest.approx(value, rel=1e-12, abs=1e-15)
                tol = float(tol)
                if isinstance(part.value, int):
                    assert tol == 0
                else:
                    assert abs(_round4(value) - value) <= tol  # the key to 4 significant digits is accepted
                    if value != 0:
                        assert abs(value * 1.01 - value) > tol  # 1% off is refused


def eval_fraction(text: str):
    from fractions import Fraction
    return Fraction(text)


def test_the_question_text_holds_the_data_escaped(bank):
    root, variants = bank
    text = list(root)[1].find("questiontext/text").text
    ex = variants[0].exercises[TOPICS[0]]
    assert "<p>" in text and ("<table" in text or "<pre>" in text)
    assert ex.question.split()[0] in text


@given(st.floats(min_value=1e-9, max_value=1e9, allow_nan=False) | st.floats(min_value=-1e9, max_value=-1e-9))
@settings(max_examples=200, deadline=None)
def test_tolerance_accepts_4_digits_and_refuses_1_percent(x):
    part = cloze_part(x)
    m = re.fullmatch(r"\{1:NUMERICAL:=(-?[0-9.]+):([0-9.]+)\}", part)
    assert m, part
    value, tol = Decimal(m.group(1)), Decimal(m.group(2))
    assert abs(float(value) - x) <= abs(x) * 1e-14
    assert abs(Decimal(repr(_round4(x))) - value) <= tol
    assert abs(value) * Decimal("0.01") > tol


def test_integers_have_no_tolerance_and_words_are_escaped():
    assert cloze_part(7) == "{1:NUMERICAL:=7:0}"
    assert cloze_part(-3) == "{1:NUMERICAL:=-3:0}"
    assert cloze_part("3/4") == "{1:NUMERICAL:=0.75:0.0000505}"
    assert cloze_part("GA-TC") == "{1:SHORTANSWER:=GA-TC}"
    assert cloze_escape('a}b#c~d/e"f\\g') == 'a\\}b\\#c\\~d\\/e\\"f\\\\g'
    assert cloze_part("<b>") == "{1:SHORTANSWER:=&lt;b&gt;}"
    assert tolerance(Decimal("0.25")) == Decimal("0.0000505")


def test_cdata_never_holds_its_end_marker():
    wrapped = cdata("a]]>b\x01c")
    assert wrapped.count("]]>") == 2 and "\x01" not in wrapped
    root = ET.fromstring(f"<t>{wrapped}</t>")
    assert root.text == "a]]>bc"


def test_a_hostile_name_is_escaped():
    ex = exercise("conv", seed=1)
    xml = moodle_xml([("a <b> & ]]> \"c\"", ex)], category="x & y")
    root = ET.fromstring(xml)
    assert root[1].find("name/text").text == "a <b> & ]]> \"c\""
    assert root[0].find("category/text").text == "$course$/top/x & y"
