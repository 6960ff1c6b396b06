"""Issue 15, the engines: numba's cache on read-only installs, and the work limits of gmm and align."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from workedout.derivations.cli import main
from workedout.numerics import limits

ROOT = Path(__file__).resolve().parents[1]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def refused(argv, capsys, *, limit: str):
    code, out, err = run(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert f"--limit {limit}=N" in err and f"limit {limit} =" in err
    assert err.count("\n") == 1
    return err


# ---------------------------------------------------------------- numba's cache
def test_jit_cache_folder_is_private(tmp_path, monkeypatch):
    from workedout.numerics import _jit
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    folder = _jit._private_temp_folder()
    assert folder is not None and stat.S_IMODE(os.lstat(folder).st_mode) == 0o700
    # a folder others can write to, or a symlink planted under the name, is never used
    os.chmod(folder, 0o777)
    assert _jit._private_temp_folder() is None
    os.rmdir(folder)
    os.symlink(tmp_path, folder)
    assert _jit._private_temp_folder() is None


def test_jit_kernel_runs_and_reports_its_cache():
    from workedout.numerics._jit import cache_folder, njit

    @njit(nogil=True)
    def twice(x):
        return 2 * x

    assert twice(21) == 42
    assert cache_folder(twice) is None or os.path.isdir(cache_folder(twice))


def _read_only_copy(tmp_path: Path) -> Path:
    """The package copied as an install: src/workedout with derivations and numerics inside, no caches."""
    pkg = tmp_path / "site" / "workedout"
    shutil.copytree(ROOT / "src" / "workedout", pkg)
    ignore = shutil.ignore_patterns("__pycache__", "*.nbi", "*.nbc")
    shutil.copytree(ROOT / "derivations", pkg / "derivations", ignore=ignore)
    shutil.copytree(ROOT / "numerics", pkg / "numerics", ignore=ignore)
    for path in [tmp_path / "site", *(tmp_path / "site").rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    return tmp_path / "site"


def _unprivileged(argv, site: Path, home: Path, tmpdir: Path):
    """Run the CLI from the read-only copy; as root, without the capabilities that ignore file modes."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(site), "TMPDIR": str(tmpdir),
           "PYTHONDONTWRITEBYTECODE": "1"}
    code = "import sys; from workedout.derivations.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, *argv]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make the copy read-only")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--inh-caps=-all",
                   *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("writable_tmp", [True, False])
def test_read_only_install_runs_align(tmp_path, writable_tmp):
    site = _read_only_copy(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o555)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    if not writable_tmp:
        tmpdir.chmod(0o555)   # no cache anywhere: compiled in the process, still no error
    try:
        # past 40 letters the engine (numba) aligns; a hand-sized pair is checked in pure Python, no kernel
        done = _unprivileged(["align", "GATTACA" * 7, "GCATGCU" * 7], site, home, tmpdir)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "no locator available" not in done.stderr
        assert "GATTACA" in done.stdout or "G-ATTACA" in done.stdout
        assert not any(site.rglob("*.nbi"))           # nothing written into the read-only install
        cached = list(tmpdir.glob("workedout-numba-*"))
        assert bool(cached) == writable_tmp
        if writable_tmp:
            assert stat.S_IMODE(cached[0].stat().st_mode) == 0o700
            assert any(cached[0].rglob("*.nbi"))
    finally:
        for path in [tmp_path, *tmp_path.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o700)


# ---------------------------------------------------------------- gmm estep
def _estep_argv(x, means, sds):
    K = len(means)
    return ["gmm", "estep", "--x", str(x), "--weights", ",".join([f"1/{K}"] * K),
            "--means", ",".join(map(str, means)), "--sds", ",".join(map(str, sds)), "--format", "json"]


def test_estep_tiny_sd_is_exact_and_fast_path(capsys):
    # exp(-500000): used to run for minutes in simplify deciding a sign
    from workedout.derivations.gmm import estep
    r = estep(2, ["1/2", "1/2"], [0, 1], ["0.002", 1])
    gamma = r.answer["responsibilities"]
    assert gamma[0] == 1 / (1 + sp.exp(sp.Rational(999999, 2)) / 500)


def test_estep_far_point_not_compared_in_floats():
    # x = 1e20: floats see equal distances to 0 and 1; the exact answer stands, the float oracle is not used
    from workedout.derivations.gmm import estep
    r = estep("1e20", ["1/2", "1/2"], [0, 1], [1, 1])
    assert r.answer["responsibilities"][0] == 1 / (1 + sp.exp(sp.Rational(199999999999999999999, 2)))
    assert any("not compared with numerics.gmm.e_step" in s.check.how for s in r.steps if s.check)


def test_estep_hand_case_unchanged():
    from workedout.derivations.gmm import estep
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    assert sp.sstr(r.answer["responsibilities"][0]) == "1/(1 + exp(3/2))"
    assert sp.sstr(r.answer["responsibilities"][1]) == "1/(exp(-3/2) + 1)"


def test_estep_components_refused(capsys):
    K = 51
    refused(_estep_argv(2, list(range(K)), [1] * K), capsys, limit="components")


def test_estep_components_raised(capsys):
    K = 3
    code, out, err = run(_estep_argv(2, list(range(K)), [1] * K), capsys)
    assert code == 0, err
    with limits.raised(components=2):
        refused(_estep_argv(2, list(range(K)), [1] * K), capsys, limit="components")


def test_estep_exponent_digits_refused(capsys):
    err = refused(_estep_argv("1e600", [0, 1], ["1e-600", 1]), capsys, limit="digits")
    assert "exponent" in err


def test_estep_nd_columns_refused(capsys):
    with limits.raised(columns=1):
        refused(["gmm", "estep", "--x", "[1, 2]", "--weights", "1/2,1/2", "--means", "[[0, 0], [1, 1]]",
                 "--covariances", "[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]"], capsys, limit="columns")


# ---------------------------------------------------------------- gmm mstep, select
def test_mstep_columns_refused(tmp_path, capsys):
    (tmp_path / "X.csv").write_text(",".join(["1"] * 60) + "\n" + ",".join(["2"] * 60) + "\n")
    (tmp_path / "R.csv").write_text("1,0\n0,1\n")
    refused(["gmm", "mstep", "--data", str(tmp_path / "X.csv"), "--resp", str(tmp_path / "R.csv")], capsys,
            limit="columns")


def test_mstep_rows_refused_and_raised(tmp_path, capsys):
    (tmp_path / "X.csv").write_text("0,0\n1,0\n4,4\n")
    (tmp_path / "R.csv").write_text("1,0\n4/5,1/5\n0,1\n")
    argv = ["gmm", "mstep", "--data", str(tmp_path / "X.csv"), "--resp", str(tmp_path / "R.csv")]
    with limits.raised(rows=2):
        refused(argv, capsys, limit="rows")
    code, out, err = run(argv, capsys)
    assert code == 0, err


def test_mstep_components_refused(tmp_path, capsys):
    (tmp_path / "X.csv").write_text("0,0\n1,0\n")
    (tmp_path / "R.csv").write_text("1/2,1/2\n1/2,1/2\n")
    with limits.raised(components=1):
        refused(["gmm", "mstep", "--data", str(tmp_path / "X.csv"), "--resp", str(tmp_path / "R.csv")], capsys,
                limit="components")


def test_select_huge_k_range_refused_before_listing(capsys):
    err = refused(["gmm", "select", "iris", "--k", "1-99999999"], capsys, limit="models")
    assert "99,999,999" in err


def test_select_models_counts_types(capsys):
    with limits.raised(models=7):
        refused(["gmm", "select", "iris", "--k", "1-2", "--covariance", "all"], capsys, limit="models")


def test_parse_k_values_limit():
    from workedout.numerics.gmm import parse_k_values
    with pytest.raises(limits.LimitError, match="models"):
        parse_k_values("1-100000000000")
    assert parse_k_values("1-3") == [1, 2, 3]


# ---------------------------------------------------------------- align
def test_align_cells_refused(tmp_path, capsys):
    (tmp_path / "a.fa").write_text(">a\n" + "ACGT" * 200 + "\n")
    (tmp_path / "b.fa").write_text(">b\n" + "AGCT" * 200 + "\n")
    err = refused(["align", str(tmp_path / "a.fa"), str(tmp_path / "b.fa")], capsys, limit="cells")
    assert "workedout.numerics.alignment" in err


def test_align_cells_raised(capsys):
    argv = ["align", "GATTACA" * 3, "GCATGCU" * 3, "--format", "json"]
    with limits.raised(cells=100):
        refused(argv, capsys, limit="cells")
    code, out, err = run(argv, capsys)
    assert code == 0, err


def test_align_listing_bounded_count_exact(capsys):
    # AAAA against AA: 6 co-optimal alignments
    with limits.raised(alignments=2):
        refused(["align", "AAAA", "AA"], capsys, limit="alignments")
        code, out, err = run(["align", "AAAA", "AA", "--max-alignments", "2", "--format", "json"], capsys)
    assert code == 0, err
    import json
    data = json.loads(out)
    assert data["n_optimal"] == 6 and len(data["alignments"]) == 2
    # asking for many is fine while few exist
    code, out, err = run(["align", "ACGT", "ACG", "--max-alignments", "5000"], capsys)
    assert code == 0, err


@pytest.mark.parametrize("match", ["1e30", "1e15", "1e300"])
def test_align_large_scores_clear_error(match, capsys):
    code, out, err = run(["align", "ACGT", "ACT", "--match", match], capsys)
    assert code == 2 and "Traceback" not in err and "--match" in err and err.count("\n") == 1


def test_align_huge_uniform_scores_clear_error(capsys):
    code, out, err = run(["align", "ACGT", "ACT", "--match", "1e300", "--mismatch", "-1e300", "--gap", "-1e300"],
                         capsys)
    assert code == 2 and "overflow" in err


def test_align_moderate_large_score_works(capsys):
    code, out, err = run(["align", "ACGT", "ACT", "--match", "1000000", "--format", "json"], capsys)
    assert code == 0, err


def test_align_non_ascii_letter_not_upper_cased(capsys):
    code, out, err = run(["align", "Aα", "A", "--format", "json"], capsys)
    assert code == 0, err
    assert "α" in out and "Α" not in out      # GREEK SMALL ALPHA kept; never CAPITAL ALPHA
    code, out, err = run(["align", "acgt", "ACT", "--format", "json"], capsys)
    assert code == 0 and "ACGT" in out


# ---------------------------------------------------------------- conv
def test_conv_padding_refused(capsys):
    refused(["conv", "--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--padding", "2000"], capsys, limit="padding")


def test_conv_output_cells_refused_and_raised(capsys):
    argv = ["conv", "--input", "[[1,2],[3,4]]", "--kernel", "[[1]]", "--padding", "1", "--format", "json"]
    with limits.raised(output_cells=15):
        refused(argv, capsys, limit="output-cells")     # 4x4 = 16 output cells
    code, out, err = run(argv, capsys)
    assert code == 0, err
