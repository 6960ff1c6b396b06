"""Compile a generated LaTeX document to PDF with a real ``pdflatex``, safely.

The compile runs in a fresh temporary directory with a relative file name,
``-interaction=nonstopmode -halt-on-error -no-shell-escape``, TeX's file
access set to paranoid (``openin_any=p openout_any=p``: no absolute paths,
no ``..``, no dot files), a timeout, and ``SOURCE_DATE_EPOCH`` with
``FORCE_SOURCE_DATE`` so the same input gives the same bytes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["compile_pdf", "PdflatexMissing", "CompileError", "TEX_PACKAGES", "have_pdflatex"]

TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended texlive-pictures"
SOURCE_DATE_EPOCH = "946684800"  # 2000-01-01: a fixed date, never the build time


class PdflatexMissing(ValueError):
    """``pdflatex`` is not on PATH (a set-up problem: exit status 2)."""

    def __init__(self):
        super().__init__(
            "--format pdf: pdflatex was not found on PATH; install the Debian packages "
            f"{TEX_PACKAGES} (apt-get install --no-install-recommends {TEX_PACKAGES})")


class CompileError(RuntimeError):
    """pdflatex failed or timed out (exit status 1); carries the log's tail."""


def have_pdflatex() -> bool:
    return shutil.which("pdflatex") is not None


def compile_pdf(source: str, *, files: dict[str, bytes] | None = None, timeout: float = 60.0) -> bytes:
    """Compile ``source`` and return the PDF's bytes.

    Parameters
    ----------
    source : str
        A complete LaTeX document.
    files : dict of str to bytes, optional
        Extra files (figures) placed beside the document; names are plain
        file names.
    timeout : float
        Seconds per pdflatex run before it is stopped.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise PdflatexMissing()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXINPUTS", "TEXMF"))}
    env.update(openin_any="p", openout_any="p", shell_escape="f",
               SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, FORCE_SOURCE_DATE="1")
    with tempfile.TemporaryDirectory(prefix="workedout-tex-") as tmp:
        work = Path(tmp)
        (work / "doc.tex").write_text(source, encoding="utf-8")
        for name, data in (files or {}).items():
            if "/" in name or "\\" in name or name.startswith("."):
                raise ValueError(f"files: {name!r} must be a plain file name")
            (work / name).write_bytes(data)
        for _ in range(3):  # a second run resolves \eqref; a third only if asked
            try:
                proc = subprocess.run(
                    [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
                    cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise CompileError(f"pdflatex did not finish within {timeout:g} s") from None
            log = (work / "doc.log").read_text(encoding="latin-1") if (work / "doc.log").exists() else ""
            if proc.returncode != 0 or not (work / "doc.pdf").exists():
                errors = [line for line in log.splitlines() if line.startswith("!")]
                raise CompileError("pdflatex failed: " + ("; ".join(errors[:3]) or log[-500:]))
            if "Rerun to get" not in log and "undefined references" not in log:
                break
        return (work / "doc.pdf").read_bytes()
