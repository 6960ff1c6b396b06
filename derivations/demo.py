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

import os
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


def _move_into_place(stage: Path, outdir: Path, names: list[str]) -> None:
    """Put the staged files in ``outdir``: the whole folder renamed into place when ``outdir`` is new;
    else each file renamed over its old name, never through it (a link planted at a name is replaced,
    not followed, so nothing is written outside ``outdir``)."""
    if not os.path.lexists(outdir):
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(stage, 0o777 & ~mask)  # mkdtemp makes 0700; give the mode mkdir would
        os.rename(stage, outdir)
        stage.mkdir()  # an empty folder for TemporaryDirectory to remove
        return
    clashes = [name for name in names if os.path.isdir(outdir / name) and not os.path.islink(outdir / name)]
    if clashes:
        raise ValueError(f"-o: {str(outdir / clashes[0])!r} is a directory; the demo writes a file of that name "
                         "(nothing was written)")
    for name in names:
        os.replace(stage / name, outdir / name)


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
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise ValueError(f"-o: {str(outdir)!r} exists and is not a directory")
    parent = outdir.resolve().parent
    if not parent.is_dir():
        raise ValueError(f"-o: parent directory {str(parent)!r} does not exist")
    want_pdf = have_pdflatex() if pdf is None else pdf
    start = time.perf_counter()
    written: list[str] = []
    entries = collect()
    with (tempfile.TemporaryDirectory(prefix=".workedout-demo-", dir=parent) as tmp,
          progress_bar(total=len(entries) + bool(want_pdf), desc="demo", unit="example", progress=progress) as bar):
        stage = Path(tmp)
        results, figures = [], []
        for entry in entries:
            bar.set_postfix_str(entry.name)
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
            line = f"  worked {entry.name} ({time.perf_counter() - t0:.1f} s)"
            if bar.disable or log is not sys.stderr:
                print(line, file=log)
            else:
                bar.write(line, file=log)  # above the bar, which stays at the bottom
            bar.update(1)
        if want_pdf:
            bar.set_postfix_str("booklet.pdf (pdflatex)")
            source = latex_document(results, title="workedout: the course's examples, worked",
                                    figures=figures)
            files = {name: (stage / name).read_bytes() for name, _ in figures}
            (stage / "booklet.tex").write_text(source, encoding="utf-8")
            (stage / "booklet.pdf").write_bytes(compile_pdf(source, files=files, timeout=300))
            written += ["booklet.tex", "booklet.pdf"]
            bar.update(1)
        _move_into_place(stage, outdir.resolve(), written)  # -o itself may be a link; links inside it are not followed
    print(f"wrote {len(written)} files to {outdir}/ in {time.perf_counter() - start:.1f} s:", file=log)
    for name in written:
        print(f"  {outdir / name}", file=log)
    if not want_pdf:
        print("  (no PDF booklet: pdflatex not found; install texlive-latex-base "
              "texlive-latex-recommended texlive-pictures)", file=log)
    return [outdir / name for name in written]
