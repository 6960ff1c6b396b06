"""The shared limits table and the one safe reader (numerics/limits.py, numerics/inputs.py)."""
from __future__ import annotations

import gzip
import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from workedout.numerics import limits
from workedout.numerics.inputs import decode_text, json_depth, load_json, read_bytes, read_text
from workedout.numerics.limits import LimitError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_limits_table_is_the_table_in_the_code():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- limits-table -->\n(.*?)<!-- /limits-table -->", text, re.S)
    assert block, "README.md lacks the <!-- limits-table --> block"
    assert block.group(1) == limits.table_markdown()


def test_require_names_the_limit_the_flag_and_the_engine():
    with pytest.raises(LimitError) as err:
        limits.require("cells", 10**6, what="A.fa and B.fa")
    message = str(err.value)
    assert message.startswith("A.fa and B.fa: 1,000,000 cells, more than the limit cells = 250,000 cells")
    assert "--limit cells=N" in message and "raised(cells=N)" in message
    assert "workedout.numerics.alignment" in message
    limits.require("cells", 250_000, what="x")  # at the limit is allowed


def test_raised_restores_and_none_lifts():
    before = limits.get("cells")
    with limits.raised(cells=None, file_size=10):
        assert limits.get("cells") is None and limits.get("file-size") == 10
        limits.require("cells", 10**12, what="x")
    assert limits.get("cells") == before
    with pytest.raises(KeyError):
        limits.get("no-such-limit")


@pytest.mark.parametrize("text, expected", [
    ("cells=1e6", ("cells", 1_000_000)), ("file-size=2G", ("file-size", 2_000_000_000)),
    ("file-size=64MB", ("file-size", 64 << 20)), ("candidates=none", ("candidates", None)),
    ("check-seconds=2.5", ("check-seconds", 2.5)), (" rows = 10k ", ("rows", 10_000)),
])
def test_parse_setting(text, expected):
    assert limits.parse_setting(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("cells", "not NAME=VALUE"), ("cels=3", "no limit named 'cels'"), ("cells=-1", "not a non-negative number"),
    ("cells=nan", "not a non-negative number"), ("cells=1e999", "not a non-negative number"),
    ("cells=" + "9" * 40, "not a non-negative number"),
])
def test_parse_setting_refuses(text, fragment):
    with pytest.raises(LimitError, match=re.escape(fragment)):
        limits.parse_setting(text)


def test_cli_limit_option_raises_a_limit(capsys):
    from workedout.derivations.cli import main
    assert main(["align", "GATTACA", "GCATGCU", "--limit", "cels=4"]) == 2
    assert "no limit named 'cels'" in capsys.readouterr().err
    seen = []
    real_require = limits.require

    def spy(name, amount, **kw):
        seen.append((name, limits.get(name)))
        return real_require(name, amount, **kw)

    limits.require = spy
    try:
        assert main(["align", "GATTACA", "GCATGCU", "--limit", "cells=1e6", "--format", "json"]) == 0
    finally:
        limits.require = real_require
    assert ("cells", 1_000_000) in seen  # in force while the command ran
    assert limits.get("cells") == limits.LIMITS["cells"].default  # and for that run only


def test_time_budget_interrupts_the_block():
    with pytest.raises(LimitError, match="check-seconds"):
        with limits.time_budget(0.05, "--check"):
            while True:
                pass
    with limits.time_budget(5, "--check"):  # a block that ends in time is untouched
        assert sum(range(10)) == 45


# ------------------------------------------------------------- reading
def test_reads_gzip_bom_and_utf16(tmp_path):
    (tmp_path / "a.gz").write_bytes(gzip.compress("I1, I2\n".encode()))
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfI1, I2\n")
    (tmp_path / "c.txt").write_bytes("\ufeffI1, é\n".encode("utf-16-le"))
    (tmp_path / "d.txt").write_bytes(gzip.compress(b"I1\n") + gzip.compress(b"I2\n"))  # two members
    assert read_text(tmp_path / "a.gz") == "I1, I2\n"
    assert read_text(tmp_path / "b.txt") == "I1, I2\n"
    assert read_text(tmp_path / "c.txt") == "I1, é\n"
    assert read_text(tmp_path / "d.txt") == "I1\nI2\n"
    assert read_text(io.StringIO("\ufeffx")) == "x"
    assert read_bytes(io.BytesIO(b"xy")) == b"xy"


def test_refuses_what_is_not_a_regular_file(tmp_path):
    os.symlink("/dev/zero", tmp_path / "zero")
    os.mkfifo(tmp_path / "fifo")
    for name in ("zero", "fifo"):
        with pytest.raises(ValueError, match="not a regular file"):
            read_text(tmp_path / name, what="DB")
    with pytest.raises(ValueError, match="is a directory"):
        read_text(tmp_path, what="DB")
    with pytest.raises(ValueError, match="no such file"):
        read_text(tmp_path / "missing", what="DB")


def test_size_limit_and_gzip_bomb(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 5000)
    (tmp_path / "bomb.gz").write_bytes(gzip.compress(b"0" * 5_000_000))
    with limits.raised(file_size=1000):
        with pytest.raises(LimitError, match="more than the limit file-size"):
            read_text(tmp_path / "big", what="DB")
    with limits.raised(file_size=100_000):
        with pytest.raises(LimitError, match=r"decompressed so far.*file-size"):
            read_text(tmp_path / "bomb.gz", what="DB")
    with pytest.raises(LimitError, match="answer-size"):
        with limits.raised(answer_size=10):
            read_text(tmp_path / "big", what="--check", limit="answer-size")


def test_bad_bytes_name_line_and_byte(tmp_path):
    with pytest.raises(ValueError, match=r"line 2: not UTF-8 text \(byte 4\)"):
        decode_text(b"ab\n\xff", what="DB")
    (tmp_path / "t.gz").write_bytes(gzip.compress(b"abc")[:-6])
    with pytest.raises(ValueError, match="gzip"):
        read_text(tmp_path / "t.gz", what="DB")


def test_load_json_refuses_deep_nesting_and_nan():
    assert load_json('{"a": [1, [2]]}') == {"a": [1, [2]]}
    with pytest.raises(LimitError, match="nesting"):
        load_json("[" * 150 + "]" * 150)
    with pytest.raises(LimitError, match="nesting"):
        load_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="line 2: NaN is not a JSON number"):
        load_json('{"a": 1,\n "b": NaN}', what="--check")
    with pytest.raises(ValueError, match="line 1, column 6"):
        load_json('{"a":', what="--check")


@given(st.recursive(st.integers(), lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=2), inner, max_size=3), max_leaves=20))
def test_json_depth_is_the_bracket_depth(value):
    def depth(v):
        if isinstance(v, dict):
            v = list(v.values())
        return 1 + max(map(depth, v), default=0) if isinstance(v, list) else 0
    assert json_depth(value) == depth(value)
