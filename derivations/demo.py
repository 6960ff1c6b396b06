"""``workedout demo``: every built-in example of the course, in every format.

Each topic's worked module (its ``worked`` entry in :mod:`.topics`) has ``demo_examples()`` returning
:class:`Example` (a worked result) and :class:`Figure` (a picture) entries.
The demo writes ``NAME.txt``, ``NAME.tex`` (a standalone document),
``NAME.md`` and ``NAME.json`` for each result, ``NAME.png`` for each figure,
and, when ``pdflatex`` is present, one ``booklet.pdf`` with all of them and a
chapter of proofs (every theorem of ``workedout prove``, also written as
``proof-NAME.*``).
Everything is staged in a temporary folder and moved into place at the end
(:class:`~.staged.StagedFolder`), so a failed run leaves no partial files.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .printers import latex_document
from .staged import StagedFolder
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


def collect(*, proofs: bool = False) -> list:
    """The demo's entries: every topic's examples and figures, then (with ``proofs``) every theorem's proof."""
    entries = []
    for t in TOPICS:
        entries += load(t.worked).demo_examples()
    if proofs:
        from .theorems import theorems
        entries += [Example(f"proof-{th.name}", th.proof) for th in theorems()]
    return entries


def run_demo(outdir: str | Path = "workedout-demo", *, pdf: bool | None = None, log=None,
             progress: bool | None = None) -> list[Path]:
    """Work every example into ``outdir``; return the files written.

    Parameters
    ----------
    pdf : bool or None
        Build the PDF booklet; None (default) means "when pdflatex is on PATH".
    log : file, optional
        Where the lines saying what was worked go (default: standard error).
    progress : bool or None
        A progress bar over the examples (and the booklet's compile) on
        stderr; None (default) shows it on a terminal or in a notebook
        (:func:`numerics.progress.enabled`).
    """
    from ..numerics.progress import bar as progress_bar
    from .pdf import compile_pdf, have_pdflatex
    log = sys.stderr if log is None else log  # looked up per call: a test or a notebook may replace stderr
    out = StagedFolder(outdir, prefix=".workedout-demo-")
    want_pdf = have_pdflatex() if pdf is None else pdf
    start = time.perf_counter()
    entries = collect(proofs=bool(want_pdf))  # the proofs are the booklet's last chapter
    with (out, progress_bar(total=len(entries) + bool(want_pdf), desc="demo", unit="example",
                            progress=progress) as bar):
        results, figures, first_proof = [], [], None
        for entry in entries:
            bar.set_postfix_str(entry.name)
            t0 = time.perf_counter()
            if isinstance(entry, Figure):
                entry.build(out.stage / f"{entry.name}.png")
                out.written.append(f"{entry.name}.png")
                figures.append((f"{entry.name}.png", entry.caption))
            else:
                result = entry.build()
                if first_proof is None and entry.name.startswith("proof-"):
                    first_proof = len(results)
                results.append(result)
                for ext, fmt in TEXT_FORMATS.items():
                    out.put(f"{entry.name}.{ext}", result.render(fmt))
            line = f"  worked {entry.name} ({time.perf_counter() - t0:.1f} s)"
            if bar.disable or log is not sys.stderr:
                print(line, file=log)
            else:
                bar.write(line, file=log)  # above the bar, which stays at the bottom
            bar.update(1)
        if want_pdf:
            bar.set_postfix_str("booklet.pdf (pdflatex)")
            source = latex_document(results, title="workedout: the course's examples, worked",
                                    figures=figures, headings={} if first_proof is None else
                                    {first_proof: "Proofs: the theorems of the course, every step checked"})
            files = {name: (out.stage / name).read_bytes() for name, _ in figures}
            out.put("booklet.tex", source)
            out.put("booklet.pdf", compile_pdf(source, files=files, timeout=300))
            bar.update(1)
    print(f"wrote {len(out.written)} files to {out.outdir}/ in {time.perf_counter() - start:.1f} s:", file=log)
    for path in out.files:
        print(f"  {path}", file=log)
    if not want_pdf:
        print("  (no PDF booklet: pdflatex not found; install texlive-latex-base "
              "texlive-latex-recommended texlive-pictures)", file=log)
    return out.files
