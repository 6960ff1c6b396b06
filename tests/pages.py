"""Helpers for the tests that look at typeset pages: the overfull boxes pdflatex reports."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

TOLERANCE_PT = 5.0  # issue 16: no overfull box wider than 5 pt

_OVERFULL = re.compile(r"Overfull \\hbox \(([0-9.]+)pt too wide\)(.*)")


def overfull_boxes(tex: Path, tolerance: float = TOLERANCE_PT) -> list[str]:
    """The overfull boxes wider than ``tolerance`` in one pdflatex run of ``tex`` (in a copy of its folder)."""
    work = tex.parent / ".overfull"
    work.mkdir(exist_ok=True)
    for f in tex.parent.iterdir():
        if f.is_file() and f.suffix in (".tex", ".png", ".pdf"):
            shutil.copy(f, work / f.name)
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=work,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    log = (work / tex.with_suffix(".log").name).read_text(encoding="latin-1")
    shutil.rmtree(work)
    return [f"{m.group(1)} pt{m.group(2)}" for m in _OVERFULL.finditer(log) if float(m.group(1)) > tolerance]
