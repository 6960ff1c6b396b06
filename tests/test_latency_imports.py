"""Fast first answer (issue 17): what each command imports, and the light cross-checks that replaced heavy ones.

No timed assertion here: a command is fast because it does not import what it does not need, which
is checked in a fresh interpreter through ``sys.modules``. The timings are ``python -m benchmarks latency``.
"""
import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from workedout.derivations.gmm import estep
from workedout.derivations.gmm._density import NORMAL_DENSITY_INTEGRATES_TO_ONE, gaussian_pdf
from workedout.numerics.gmm import e_step, e_step_point, log_gaussian_density

HEAVY = ("sympy", "numpy", "scipy", "numba", "matplotlib")
TOPIC_PACKAGES = ("workedout.derivations.gmm", "workedout.derivations.alignment", "workedout.derivations.apriori",
                  "workedout.derivations.convolution", "workedout.derivations.prefixspan")
ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1"]
ESTEP_2D = ["gmm", "estep", "--x", "[1, 2]", "--weights", "1/2,1/2", "--means", "[[0, 0], [1, 1]]",
            "--covariances", "[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]"]


def _child(code: str, *args) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last, which is returned."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


_RUN_MAIN = """
    import contextlib, io, json, sys
    from workedout.derivations.cli import main
    runs = json.loads(sys.argv[1])
    outputs = []
    for argv in runs:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            try:
                status = main(argv)
            except SystemExit as exc:
                status = exc.code
        outputs.append({"argv": argv, "status": status, "stdout": out.getvalue()})
    print(json.dumps({"modules": sorted(sys.modules), "runs": outputs}))
"""


def _every_help_level() -> list[list[str]]:
    """``--help`` at every level of the parser: the root, every command, every subcommand."""
    import argparse

    from workedout.derivations.cli import build_parser

    levels = []

    def walk(parser, path):
        levels.append([*path, "--help"])
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*path, name])

    walk(build_parser(), [])
    return levels


HELP_LEVELS = _every_help_level()


@pytest.fixture(scope="module")
def help_run():
    return _child(_RUN_MAIN, json.dumps([["--version"], *HELP_LEVELS]))


def test_every_help_level_is_found():
    names = {" ".join(level[:-1]) for level in HELP_LEVELS}
    assert {"", "gmm", "gmm estep", "gmm mstep", "gmm derive", "align", "conv", "apriori", "prefixspan",
            "demo"} <= names


def test_version_and_help_import_no_heavy_library_and_no_topic(help_run):
    modules = help_run["modules"]
    heavy = [m for m in modules if m.split(".")[0] in HEAVY]
    assert heavy == [], f"--version/--help imported {heavy[:10]}"
    topics = [m for m in modules if m.startswith(TOPIC_PACKAGES)]
    assert topics == [], f"--help imported topic modules {topics}"
    assert "workedout.derivations.printers" not in modules  # the format names live in derivations.formats


def test_version_and_every_help_still_say_everything(help_run):
    from workedout.derivations import __version__
    from workedout.derivations.cli import build_parser
    import argparse

    runs = help_run["runs"]
    assert runs[0]["stdout"].strip() == f"workedout {__version__}" and runs[0]["status"] == 0
    parsers = {(): build_parser()}
    for level in HELP_LEVELS:  # the parser of every level, to list its options
        parser = parsers[()]
        for name in level[:-1]:
            parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        parsers[tuple(level[:-1])] = parser
    for run in runs[1:]:
        text, parser = run["stdout"], parsers[tuple(run["argv"][:-1])]
        assert run["status"] == 0
        assert "example:\n  " in text and "workedout " in text.split("example:")[-1], run["argv"]
        for action in parser._actions:
            if action.help != argparse.SUPPRESS and action.option_strings:
                assert action.option_strings[-1] in text, (run["argv"], action.option_strings)
        if any(a.dest == "format" for a in parser._actions):
            assert "tex-document" in text and "{text,tex,tex-document,md,json,pdf}" in text


@pytest.mark.parametrize("argv", [ESTEP, [*ESTEP, "--format", "json"], [*ESTEP, "--format", "tex"],
                                  [*ESTEP, "--format", "tex-document"], [*ESTEP, "--format", "md"], ESTEP_2D],
                         ids=["text", "json", "tex", "tex-document", "md", "2-D"])
def test_gmm_estep_imports_neither_scipy_nor_numba_nor_the_derivation(argv):
    run = _child(_RUN_MAIN, json.dumps([argv]))
    assert run["runs"][0]["status"] == 0
    modules = run["modules"]
    for name in ("scipy", "scipy.stats", "numba", "numpy", "matplotlib"):
        assert name not in modules, f"gmm estep imported {name}"
    derive = [m for m in modules if m.startswith("workedout.derivations.gmm._derive")]
    assert derive == [], f"gmm estep imported the derivation modules {derive}"
    assert not any(m.startswith("workedout.numerics.gmm._") and m != "workedout.numerics.gmm._types"
                   and m != "workedout.numerics.gmm._point" for m in modules)


def test_gmm_estep_check_imports_neither_scipy_nor_numba(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text('{"responsibilities": ["0.18", "0.82"]}')
    run = _child(_RUN_MAIN, json.dumps([[*ESTEP, "--check", str(answer)]]))
    assert run["runs"][0]["status"] in (0, 1)
    assert not {"scipy", "scipy.stats", "numba"} & set(run["modules"])


def test_the_gmm_package_imports_its_modules_on_first_use():
    run = _child("""
        import json, sys
        import workedout.derivations.gmm as gmm
        before = sorted(m for m in sys.modules if m.startswith("workedout.derivations.gmm."))
        gmm.estep
        after = sorted(m for m in sys.modules if m.startswith("workedout.derivations.gmm."))
        print(json.dumps({"before": before, "after": after, "dir": dir(gmm)}))
    """)
    assert run["before"] == []
    assert "workedout.derivations.gmm._estep" in run["after"]
    assert not any(m.startswith("workedout.derivations.gmm._derive") for m in run["after"])
    assert {"estep", "mstep", "derive", "fit", "select", "CANONICAL", "demo_examples"} <= set(run["dir"])


def test_the_gmm_package_names_every_export_and_refuses_others():
    import workedout.derivations.gmm as gmm
    for name in gmm.__all__:
        assert getattr(gmm, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        gmm.nonesuch  # noqa: B018


def test_format_names_are_one_list():
    from workedout.derivations.formats import FORMATS
    from workedout.derivations.printers import FORMATS as printed
    assert FORMATS is printed and FORMATS == ("text", "tex", "tex-document", "md", "json", "pdf")


# ------------------------------------------------------------------ the fixed fact the E-step cites
def test_the_normal_density_integrates_to_one():
    """The fact every ``gmm estep`` cites (NORMAL_DENSITY_INTEGRATES_TO_ONE), proved once, here."""
    x, mu, sigma = sp.Symbol("x", real=True), sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    assert sp.simplify(sp.integrate(gaussian_pdf(x, mu, sigma), (x, -sp.oo, sp.oo)) - 1) == 0
    assert "tests/test_latency_imports.py" in NORMAL_DENSITY_INTEGRATES_TO_ONE


def test_the_estep_cites_the_proof_and_names_its_float_cross_check():
    r = estep(2, ["1/2", "1/2"], [0, 1], [1, 1])
    checks = {s.label: s.check.how for _, s in r.numbered_steps() if s.check}
    assert NORMAL_DENSITY_INTEGRATES_TO_ONE in checks["pdf"]
    assert "numerics.gmm.log_gaussian_density" in checks["density_1"]
    assert "numerics.gmm.e_step_point" in checks["gamma_1"]
    assert not any("scipy" in how for how in checks.values())


# ------------------------------------------------------------------ the light cross-check against the engine
@st.composite
def mixtures(draw):
    K = draw(st.integers(1, 4))
    d = draw(st.integers(1, 3))
    coords = st.floats(-5, 5, allow_nan=False)
    x = [draw(coords) for _ in range(d)]
    raw = [draw(st.floats(0.05, 1)) for _ in range(K)]
    weights = [w / sum(raw) for w in raw]
    means = [[draw(coords) for _ in range(d)] for _ in range(K)]
    covs = []
    for _ in range(K):
        A = np.array([[draw(st.floats(-1, 1, allow_nan=False)) for _ in range(d)] for _ in range(d)])
        covs.append((A @ A.T + draw(st.floats(0.1, 2)) * np.eye(d)).tolist())
    return x, weights, means, covs


@settings(max_examples=60, deadline=None)
@given(mixtures())
def test_e_step_point_equals_the_numba_engine(m):
    """The worked E-step's light float check agrees with the engine (numba kernels) it replaced there."""
    x, weights, means, covs = m
    log_evidence, resp, log_num = e_step_point(x, weights, means, covs)
    engine_log, engine_resp = e_step(np.array([x]), np.array(weights), np.array(means), np.array(covs), "full")
    np.testing.assert_allclose(resp, engine_resp[0], rtol=1e-9, atol=1e-12)
    assert math.isclose(log_evidence, float(np.ravel(engine_log)[0]), rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(math.fsum(resp), 1.0, rel_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(mixtures())
def test_log_gaussian_density_equals_scipy(m):
    from scipy.stats import multivariate_normal
    x, _, means, covs = m
    for mean, cov in zip(means, covs):
        assert math.isclose(log_gaussian_density(x, mean, cov), multivariate_normal.logpdf(x, mean, cov),
                            rel_tol=1e-9, abs_tol=1e-9)


def test_e_step_point_stays_finite_far_out():
    _, resp, _ = e_step_point([1e4], [0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]])
    assert resp[1] == pytest.approx(1.0) and 0 <= resp[0] < 1e-300


@pytest.mark.parametrize("args,message", [
    (([0.0], [0.5, 0.5], [[0.0]], [[[1.0]], [[1.0]]]), "weights: 2 weights, 1 means and 2 covariances"),
    (([0.0], [1.0, 0.0], [[0.0], [1.0]], [[[1.0]], [[1.0]]]), "weights: mixing weights must be positive"),
    (([0.0, 0.0], [1.0], [[0.0, 0.0]], [[[1.0, 2.0], [2.0, 1.0]]]), "covariance: not positive definite"),
    (([0.0, 0.0], [1.0], [[0.0]], [[[1.0]]]), "covariance: expected a 2 x 2 matrix"),
])
def test_e_step_point_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        e_step_point(*args)


@given(st.fractions(-3, 3, max_denominator=4), st.fractions(-3, 3, max_denominator=4),
       st.fractions(sp.Rational(1, 4), 3, max_denominator=4))
@settings(max_examples=30, deadline=None)
def test_worked_2d_estep_equals_the_engine(a, b, s):
    """The d-dimensional worked E-step against the numba engine (the command itself uses e_step_point)."""
    from workedout.derivations.exact import to_float
    r = estep([a, b], ["1/3", "2/3"], [[0, 0], [1, b]], covariances=[[[s, 0], [0, 1]], [[2, 1], [1, 2]]])
    _, engine = e_step(np.array([[float(a), float(b)]]), np.array([1 / 3, 2 / 3]),
                       np.array([[0.0, 0.0], [1.0, float(b)]]),
                       np.array([[[float(s), 0.0], [0.0, 1.0]], [[2.0, 1.0], [1.0, 2.0]]]), "full")
    np.testing.assert_allclose([to_float(g) for g in r.answer["responsibilities"]], engine[0], rtol=1e-9)


# ------------------------------------------------------------------ the benchmark is registered
def test_latency_is_a_core_benchmark():
    from benchmarks.__main__ import BENCHMARKS
    from workedout.derivations.topics import CORE_BENCHMARKS
    assert "latency" in CORE_BENCHMARKS and BENCHMARKS[-len(CORE_BENCHMARKS):] == list(CORE_BENCHMARKS)


def test_latency_report_is_a_markdown_table():
    from benchmarks import latency
    table = latency.report(True, [latency.COMMANDS[0], ("workedout --version", ["--version"])])
    lines = table.splitlines()
    assert lines[2] == "| command | warm s | warm CPU s | cold s | warm / floor | warm CPU / floor CPU |"
    assert lines[4].startswith('| python -c "import sympy" (floor) |') and "| 1.00 |" in lines[4]
    assert lines[5].startswith("| workedout --version |") and "(failed)" not in lines[5]


# ------------------------------------------------------------------ align: the worked table without numba
ALIGN = ["align", "GATTACA", "GCATGCU"]


@pytest.mark.parametrize("argv", [ALIGN, [*ALIGN, "--format", "json"], [*ALIGN, "--format", "tex-document"],
                                  [*ALIGN, "--mode", "local", "--gap-open", "-2", "--gap-extend", "-1"],
                                  ["align", "ACGTTA", "CGTA", "--mode", "semiglobal", "--free-ends",
                                   "seq1_start,seq2_start", "--match", "1/2", "--format", "md"]],
                         ids=["text", "json", "tex-document", "local-affine", "semiglobal-fractions"])
def test_align_imports_neither_numba_nor_scipy(argv):
    run = _child(_RUN_MAIN, json.dumps([argv]))
    assert run["runs"][0]["status"] in (0, None), run["runs"][0]
    modules = set(run["modules"])
    loaded = sorted(m for m in modules if m.split(".")[0] in ("numba", "llvmlite", "scipy"))
    assert loaded == [], f"align imported {loaded[:10]}"
    assert not {"workedout.numerics._jit", "workedout.numerics.alignment._kernels",
                "workedout.numerics.alignment._aligner"} & modules
    assert "workedout.numerics.alignment._reference" in modules


def test_align_check_imports_no_numba(tmp_path):
    answer = tmp_path / "answer.json"
    answer.write_text('{"score": 0, "n_optimal": 2}')
    run = _child(_RUN_MAIN, json.dumps([[*ALIGN, "--check", str(answer)]]))
    assert run["runs"][0]["status"] == 1                      # the count is 3: a difference found, without numba
    assert not {"numba", "scipy", "workedout.numerics.alignment._kernels"} & set(run["modules"])


def test_align_past_the_reference_still_uses_the_engine():
    run = _child(_RUN_MAIN, json.dumps([["align", "AC" * 21, "CA" * 21, "--format", "json"]]))
    assert run["runs"][0]["status"] in (0, None)
    assert "workedout.numerics.alignment._kernels" in run["modules"]
    assert json.loads(run["runs"][0]["stdout"])["n_optimal"] == 2


def test_the_alignment_engine_package_imports_its_modules_on_first_use():
    run = _child("""
        import json, sys
        import workedout.numerics.alignment as alignment
        before = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "numba")
                        or m.startswith("workedout.numerics.alignment."))
        alignment.MODES
        modes = sorted(m for m in sys.modules if m.split(".")[0] == "numba")
        alignment.score("GATTACA", "GCATGCU")
        after = "numba" in sys.modules
        print(json.dumps({"before": before, "modes": modes, "after": after, "dir": dir(alignment)}))
    """)
    assert run["before"] == [] and run["modes"] == [] and run["after"]
    import workedout.numerics.alignment as alignment
    assert set(alignment.__all__) <= set(run["dir"])


def test_the_alignment_engine_package_names_every_export_and_refuses_others():
    import workedout.numerics.alignment as alignment
    for name in alignment.__all__:
        assert getattr(alignment, name) is not None
    from workedout.numerics.alignment import M_END, PairwiseAligner, semiglobal_ranges  # noqa: F401
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        alignment.nonesuch  # noqa: B018


# ------------------------------------------------------------------ conv --backprop, and SymPy's unit system
CONV = ["conv", "--input", "[[1,2,3],[4,5,6],[7,8,9]]", "--kernel", "[[1,0],[0,-1]]"]
CONV_BACKPROP = [*CONV, "--backprop", "--grad-output", "[[1,2],[3,4]]"]
FORMATS = ["text", "tex", "tex-document", "md", "json"]


@pytest.mark.parametrize("argv", [ESTEP, ESTEP_2D, CONV, CONV_BACKPROP], ids=["estep", "estep-2-D", "conv", "backprop"])
def test_no_worked_command_imports_sympys_unit_system(argv):
    """SymPy's pretty printer imports sympy.physics.units (0.13-0.20 s) on the first product it sets; ours
    runs SymPy's method without that import while no quantity can exist."""
    run = _child(_RUN_MAIN, json.dumps([[*argv, "--format", fmt] for fmt in FORMATS]))
    assert [r["status"] for r in run["runs"]] == [0] * len(FORMATS)
    physics = [m for m in run["modules"] if m.startswith("sympy.physics")]
    assert physics == [], f"{argv[:2]} imported {physics[:5]}"


def test_conv_backprop_imports_neither_scipy_nor_numba_nor_the_cnn():
    run = _child(_RUN_MAIN, json.dumps([CONV_BACKPROP]))
    assert run["runs"][0]["status"] == 0
    loaded = sorted(m for m in run["modules"] if m.split(".")[0] in ("scipy", "numba", "matplotlib", "llvmlite"))
    assert loaded == [], f"conv --backprop imported {loaded[:10]}"
    assert "workedout.derivations.convolution._cnn" not in run["modules"]


def test_the_convolution_package_imports_its_modules_on_first_use():
    run = _child("""
        import json, sys
        import workedout.derivations.convolution as conv
        before = sorted(m for m in sys.modules if m.startswith("workedout.derivations.convolution."))
        conv.backprop
        after = sorted(m for m in sys.modules if m.startswith("workedout.derivations.convolution."))
        print(json.dumps({"before": before, "after": after, "dir": dir(conv)}))
    """)
    assert run["before"] == []
    assert "workedout.derivations.convolution._backprop" in run["after"]
    assert "workedout.derivations.convolution._cnn" not in run["after"]
    import workedout.derivations.convolution as conv
    assert set(conv.__all__) <= set(run["dir"])


def test_the_convolution_package_names_every_export_and_refuses_others():
    import workedout.derivations.convolution as conv
    for name in conv.__all__:
        assert getattr(conv, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nonesuch'"):
        conv.nonesuch  # noqa: B018


# the text printer's products are SymPy's, character for character, with SymPy's unit system loaded or not
_x, _y, _z = sp.symbols("x y z")
# exp only of a symbol: SymPy orders the terms of a sum by evaluating numbers, and exp(exp(99)) takes minutes
_leaves = st.one_of(st.sampled_from([_x, _y, _z, sp.pi, sp.E, sp.S.Half, sp.Integer(-1), sp.Integer(1), sp.exp(_x),
                                     sp.exp(-_y / 2)]),
                    st.fractions(-20, 20, max_denominator=12).map(sp.Rational),
                    st.integers(-99, 99).map(sp.Integer))


def _combine(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda p: p[0] * p[1]),
        pairs.map(lambda p: p[0] + p[1]),
        pairs.map(lambda p: sp.Mul(p[0], p[1], evaluate=False)),
        pairs.map(lambda p: sp.Mul(sp.Integer(1), p[0], p[1], evaluate=False)),
        st.tuples(children, st.sampled_from([-1, -2, 2, 3, sp.S.Half, -sp.S.Half, sp.Rational(-2, 3)])).map(
            lambda p: sp.Pow(p[0], p[1])),
    )


_expressions = st.recursive(_leaves, _combine, max_leaves=6)
_printed = st.one_of(_expressions, st.tuples(_expressions, _expressions).map(
    lambda p: sp.Matrix([[p[0], p[1]], [p[1] * p[0], 1 / (1 + p[0] ** 2)]])))


class _SymPysProducts:
    """Our text printer with SymPy's own ``_print_Mul`` put back: the reference the tests compare with."""

    @staticmethod
    def printer(settings):
        from sympy.printing.pretty.pretty import PrettyPrinter

        from workedout.derivations.printers import _TextPretty

        class Reference(_TextPretty):
            _print_Mul = PrettyPrinter._print_Mul

        return Reference(settings)


def _both(expr, unicode=True):
    from workedout.derivations.printers import _TextPretty
    settings = {"use_unicode": unicode, "wrap_line": False}
    return _TextPretty(settings).doprint(expr), _SymPysProducts.printer(settings).doprint(expr)


_NO_UNITS = """
    import json, sys
    import sympy as sp
    from workedout.derivations.printers import _TextPretty
    x, y = sp.symbols("x y")
    exprs = [x * y, 3 * x / (2 * y), sp.Mul(1, x, 2, evaluate=False), sp.Matrix([[x * y, -x / 2]])]
    text = [_TextPretty({"use_unicode": u, "wrap_line": False}).doprint(e) for e in exprs for u in (True, False)]
    print(json.dumps({"text": text, "physics": sorted(m for m in sys.modules if m.startswith("sympy.physics"))}))
"""


def test_the_text_printer_sets_products_without_loading_sympys_unit_system():
    run = _child(_NO_UNITS)
    assert run["physics"] == []
    x, y = sp.symbols("x y")
    exprs = [x * y, 3 * x / (2 * y), sp.Mul(1, x, 2, evaluate=False), sp.Matrix([[x * y, -x / 2]])]
    assert run["text"] == [_both(e, u)[1] for e in exprs for u in (True, False)]  # SymPy's own, unit system loaded


@settings(max_examples=150, deadline=None)
@given(_printed, st.booleans())
def test_the_text_printers_products_are_sympys(expr, unicode):
    ours, sympys = _both(expr, unicode)
    assert ours == sympys


def test_the_text_printer_moves_physical_quantities_last_as_sympy_does():
    from sympy.physics.units import kilogram, meter, second
    for expr in [3 * meter / second, _x * kilogram * meter ** 2 / second ** 2,
                 sp.Mul(meter, _x, evaluate=False) / (_y * second), meter ** -1 * _x]:
        for unicode in (True, False):
            ours, sympys = _both(expr, unicode)
            assert ours == sympys
    text = _both(meter * _x)[0]
    assert text.index("x") < text.index("m")  # moved: the quantity is printed last


def test_only_the_product_printer_sees_the_changed_import():
    import builtins

    from sympy.printing.pretty.pretty import PrettyPrinter

    from workedout.derivations import printers
    assert printers._TextPretty._print_Mul.__code__ is PrettyPrinter._print_Mul.__code__  # SymPy's code, not a copy
    assert printers._TextPretty._print_Mul.__builtins__["__import__"] is printers._import_units_only_if_loaded
    assert builtins.__import__ is not printers._import_units_only_if_loaded
    assert PrettyPrinter._print_Mul.__builtins__["__import__"] is builtins.__import__
