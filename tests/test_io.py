"""numerics.io (CSV, data sets, standardisation) and numerics.figures (deterministic, atomic saving)."""
from __future__ import annotations

import io
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workedout.numerics.figures import new_figure, save_figure
from workedout.numerics.io import is_number, load_dataset, read_csv, read_matrix, standardize


def test_header_detection():
    t = read_csv(io.StringIO("a,b\n1,2\n3,4\n"))
    assert t.header == ["a", "b"] and t.rows == [["1", "2"], ["3", "4"]] and t.row_numbers == [2, 3]
    t = read_csv(io.StringIO("1,2\n3,4\n"))
    assert t.header is None and t.column_names() == ["x0", "x1"]
    t = read_csv(io.StringIO("1,2\n3,4\n"), header=True)
    assert t.header == ["1", "2"] and t.rows == [["3", "4"]]
    t = read_csv(io.StringIO("x, y\n 1/2 , -3e2\n\n"))   # spaces stripped, blank line skipped
    assert t.header == ["x", "y"] and t.rows == [["1/2", "-3e2"]]


def test_cells_stay_strings_for_exact_callers():
    t = read_csv(io.StringIO("p\n0.1\n1/3\n"))
    assert t.rows == [["0.1"], ["1/3"]]
    names, X = read_matrix(io.StringIO("p\n0.1\n1/3\n"))
    assert names == ["p"] and X[1, 0] == pytest.approx(1 / 3, rel=1e-15)


def test_errors_name_file_row_and_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(ValueError, match=r"data\.csv: row 3 has 2 columns, expected 3 \(as in row 1\)"):
        read_csv(path)
    path.write_text("")
    with pytest.raises(ValueError, match=r"data\.csv: empty file"):
        read_csv(path)
    path.write_text("a,b\n1,2\n3,oops\n")
    with pytest.raises(ValueError, match=r"data\.csv: row 3, column 2 \('b'\): 'oops' is not a number"):
        read_matrix(path, columns="a,b")
    with pytest.raises(ValueError, match=r"row 3, column 2 \('b'\): 'oops' is not a number, in a column of"):
        read_matrix(path)
    path.write_text("a,b\n1,2\n3,inf\n")
    with pytest.raises(ValueError, match=r"row 3, column 2 \('b'\): 'inf' is not finite"):
        read_matrix(path)
    path.write_text("a,b\n1,\n")
    with pytest.raises(ValueError, match=r"row 2, column 2 \('b'\): empty cell"):
        read_matrix(path, columns=[1])
    path.write_text("a,a\n1,2\n")
    with pytest.raises(ValueError, match="column name 'a' appears in columns 1 and 2"):
        read_csv(path)
    with pytest.raises(ValueError, match="no such file"):
        read_csv(tmp_path / "missing.csv")
    path.write_text("a,b\n")
    with pytest.raises(ValueError, match="no data rows"):
        read_matrix(path)


def test_column_selection():
    text = "x,y,label,z\n1,2,u,3\n4,5,v,6\n"
    names, X = read_matrix(io.StringIO(text))                  # text-only columns skipped
    assert names == ["x", "y", "z"] and X.tolist() == [[1, 2, 3], [4, 5, 6]]
    names, X = read_matrix(io.StringIO(text), columns="z,x")
    assert names == ["z", "x"] and X.tolist() == [[3, 1], [6, 4]]
    names, X = read_matrix(io.StringIO(text), columns="3,0")
    assert names == ["z", "x"]
    names, X = read_matrix(io.StringIO(text), columns=["y", 3])
    assert names == ["y", "z"]
    with pytest.raises(ValueError, match=r"columns: 'w' is not a column of <stream>; expected one of x, y, label, z"):
        read_matrix(io.StringIO(text), columns="w")
    with pytest.raises(ValueError, match="index 7 is out of range"):
        read_matrix(io.StringIO(text), columns=[7])
    with pytest.raises(ValueError, match=r"row 2, column 3 \('label'\): 'u' is not a number"):
        read_matrix(io.StringIO(text), columns="label")
    with pytest.raises(ValueError, match="chosen twice"):
        read_matrix(io.StringIO(text), columns="x,0")


def test_binary_file_objects_and_bom():
    names, X = read_matrix(io.BytesIO("\ufeffa,b\n1,2\n".encode("utf-8")))
    assert names == ["a", "b"] and X.tolist() == [[1.0, 2.0]]


def test_iris_loads():
    d = load_dataset("iris")
    assert d.X.shape == (150, 4) and d.name == "iris"
    assert d.feature_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert sorted(set(d.target)) == ["setosa", "versicolor", "virginica"]
    assert d.X[0].tolist() == [5.1, 3.5, 1.4, 0.2]
    assert d.X.sum() == pytest.approx(2078.7)
    d2 = load_dataset("IRIS", columns="petal_length,petal_width", standardize=True)
    assert d2.X.shape == (150, 2) and d2.feature_names == ["petal_length", "petal_width"]
    np.testing.assert_allclose(d2.X.mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(d2.X.std(axis=0), 1, rtol=1e-14)


def test_load_dataset_from_a_path_with_labels(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("a,cls,b\n1,x,2\n3,y,4\n5,x,7\n")
    d = load_dataset(path, labels="cls")
    assert d.feature_names == ["a", "b"] and d.target.tolist() == ["x", "y", "x"]
    d = load_dataset(str(path))
    assert d.feature_names == ["a", "b"] and d.target is None
    with pytest.raises(ValueError, match="neither a built-in data set"):
        load_dataset(tmp_path / "nope.csv")


def test_standardize_constant_column():
    with pytest.raises(ValueError, match=r"'b' \(column 1\) is constant"):
        standardize(np.array([[1.0, 2.0], [3.0, 2.0]]), feature_names=["a", "b"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_round_trip_of_floats(rows):
    text = "a,b,c\n" + "\n".join(",".join(repr(v) for v in r) for r in rows) + "\n"
    names, X = read_matrix(io.StringIO(text))
    assert names == ["a", "b", "c"] and X.tolist() == rows


def test_is_number():
    assert all(is_number(s) for s in ["1", "-2.5e3", "3/4", " 7 ", "nan", "inf"])
    assert not any(is_number(s) for s in ["", "abc", "1/", "1,2"])


# ---- figures

def _figure():
    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 0, 2], label="line")
    ax.set_title("title")
    ax.legend()
    return fig


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_figure_is_deterministic(tmp_path, fmt):
    a = save_figure(_figure(), tmp_path / f"a.{fmt}").read_bytes()
    b = save_figure(_figure(), tmp_path / f"b.{fmt}").read_bytes()
    assert a == b and len(a) > 100
    assert sorted(os.listdir(tmp_path)) == [f"a.{fmt}", f"b.{fmt}"]


def test_save_figure_leaves_nothing_behind_on_failure(tmp_path, monkeypatch):
    fig = _figure()

    def broken(fh, **kwargs):
        fh.write(b"partial")
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(fig, "savefig", broken)
    target = tmp_path / "out.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="renderer failed"):
        save_figure(fig, target)
    assert os.listdir(tmp_path) == ["out.png"] and target.read_bytes() == b"old"


def test_save_figure_bad_paths(tmp_path):
    with pytest.raises(ValueError, match="expected one of .png, .svg, .pdf"):
        save_figure(_figure(), tmp_path / "x.gif")
    with pytest.raises(ValueError, match="does not exist"):
        save_figure(_figure(), tmp_path / "missing" / "x.png")
