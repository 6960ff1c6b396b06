"""Shared test fixtures: the pdflatex requirement and a CLI runner."""
from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=30)
settings.load_profile("default")


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
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run
