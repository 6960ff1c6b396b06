"""Shared test fixtures: the pdflatex requirement and a CLI runner."""
from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

# The test run is reproducible: hypothesis draws the same examples on every machine and every run, so
# CI runs exactly what ran here. To hunt for new counterexamples, run with HYPOTHESIS_PROFILE=explore
# (random draws, more of them); a failure found that way becomes a fixed test.
settings.register_profile("default", deadline=None, max_examples=30, derandomize=True, database=None)
settings.register_profile("explore", deadline=None, max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def require_pdflatex():
    """Skip without pdflatex locally; in CI (CI=true) its absence is a failure."""
    if shutil.which("pdflatex") and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must install pdflatex and pdftotext (.ci/run installs the TeX and poppler packages)")
    pytest.skip("pdflatex/pdftotext not installed")


@pytest.fixture
def run_cli(capsys):
    """Run ``workedout`` in-process; return (status, stdout, stderr)."""
    from workedout.derivations.cli import main

    def run(*argv):
        capsys.readouterr()  # what earlier calls printed is not this call's
        status = main([str(a) for a in argv])  # --help and --version raise SystemExit, as argparse does
        out, err = capsys.readouterr()
        return status, out, err
    return run
