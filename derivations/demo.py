"""``workedout demo``: every built-in example of the course, in every format.

Each topic's worked module (its ``worked`` entry in :mod:`.topics`) has ``demo_examples()`` returning
:class:`Example` (a worked result) and :class:`Figure` (a picture) entries.
The demo writes ``NAME.txt``, ``NAME.tex`` (a standalone document),
``NAME.md`` and ``NAME.json`` for each result, ``NAME.png`` for each figure,
and, when ``pdflatex`` is present, one ``booklet.pdf`` with all of them.
Everything is staged in a temporary folder and moved into place at the end,
so a failed run leaves no partial files.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .printers import latex_document
from .topics import TOPICS, load

__all__ = ["Example", "Figure", "run_demo"]

TEXT_FORMATS = {"txt": "text", "tex": "tex-document", "md": "md", "json": "json"}


@dataclass
class Example:
    name: str
    build: Callable  # () -> Result


@dataclass
class Figure:
    name: str
    caption: str
    build: Callable  # (path: Path) -> None, writes a PNG


def collect() -> list:
    entries = []
    for t in TOPICS:
        entries += load(t.worked).demo_examples()
    return entries


def run_demo(outdir: str | Path = "workedout-demo", *, pdf: bool | None = None, log=sys.stderr) -> list[Path]:
    """Work every example into ``outdir``; return the files written.

    Parameters
    ----------
    pdf : bool or None
        Build the PDF booklet; None (default) means "when pdflatex is on PATH".
    """
    from .pdf import compile_pdf, have_pdflatex
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise ValueError(f"-o: {str(outdir)!r} exists and is not a directory")
    parent = outdir.resolve().parent
    if not parent.is_dir():
        raise ValueError(f"-o: parent directory {str(parent)!r} does not exist")
    want_pdf = have_pdflatex() if pdf is None else pdf
    start = time.perf_counter()
    written: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".workedout-demo-", dir=parent) as tmp:
        stage = Path(tmp)
        results, figures = [], []
        for entry in collect():
            t0 = time.perf_counter()
            if isinstance(entry, Figure):
                entry.build(stage / f"{entry.name}.png")
                figures.append((f"{entry.name}.png", entry.caption))
                written.append(f"{entry.name}.png")
            else:
                result = entry.build()
                results.append(result)
                for ext, fmt in TEXT_FORMATS.items():
                    (stage / f"{entry.name}.{ext}").write_text(result.render(fmt), encoding="utf-8")
                    written.append(f"{entry.name}.{ext}")
            print(f"  worked {entry.name} ({time.perf_counter() - t0:.1f} s)", file=log)
        if want_pdf:
            source = latex_document(results, title="workedout: the course's examples, worked",
                                    figures=figures)
            files = {name: (stage / name).read_bytes() for name, _ in figures}
            (stage / "booklet.tex").write_text(source, encoding="utf-8")
            (stage / "booklet.pdf").write_bytes(compile_pdf(source, files=files, timeout=300))
            written += ["booklet.tex", "booklet.pdf"]
        outdir.mkdir(exist_ok=True)
        for name in written:
            shutil.move(stage / name, outdir / name)
    print(f"wrote {len(written)} files to {outdir}/ in {time.perf_counter() - start:.1f} s:", file=log)
    for name in written:
        print(f"  {outdir / name}", file=log)
    if not want_pdf:
        print("  (no PDF booklet: pdflatex not found; install texlive-latex-base "
              "texlive-latex-recommended texlive-pictures)", file=log)
    return [outdir / name for name in written]
