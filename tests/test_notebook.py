"""Issue 16, item 2: notebooks that export.

A result's notebook display holds Markdown in ``text/markdown`` and the
``tex`` fragment (LaTeX that compiles inside nbconvert's template) in
``text/latex``; a result with a figure carries it as ``image/png``. The last
test runs the README's Python tour in a real kernel with nbclient and exports
the notebook to PDF through nbconvert's LaTeX exporter with pdflatex and only
Debian's texlive-latex-base, -recommended and -pictures
(``workedout/derivations/templates/nbconvert_pdflatex.tex.j2`` is the template that compiles with
them: the stock one needs xelatex and packages they lack).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from workedout.apriori import ALL_ELECTRONICS, apriori, sweep_figure
from workedout.gmm import estep

from .conftest import require_pdflatex

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(str(resources.files("workedout.derivations") / "templates" / "nbconvert_pdflatex.tex.j2"))
PNG = b"\x89PNG\r\n\x1a\n"

#: The packages nbconvert's LaTeX template loads that a ``tex`` fragment needs (README: Output formats).
FRAGMENT_PREAMBLE = (r"\documentclass[11pt]{article}" "\n"
                     r"\usepackage{amsmath,amssymb,booktabs,array,graphicx}" "\n")


def _estep():
    return estep(2, ["1/2", "1/2"], [0, 1], [1, 1])


# ---------------------------------------------------------------- the bundle
def test_markdown_is_markdown_and_latex_is_the_tex_fragment():
    r = _estep()
    bundle = r._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/markdown", "text/latex"}
    assert bundle["text/latex"] == r.to_latex()
    assert "$$" in bundle["text/markdown"] and bundle["text/markdown"].startswith("## ")
    assert "$$" not in bundle["text/latex"] and "**" not in bundle["text/latex"]
    assert r"\begin{align}" in bundle["text/latex"]
    assert bundle["text/plain"] == r.to_text()


def test_include_and_exclude_select_mimetypes():
    r = _estep()
    assert set(r._repr_mimebundle_(include={"text/markdown"})) == {"text/markdown"}
    assert "text/latex" not in r._repr_mimebundle_(exclude={"text/latex"})


def test_a_check_report_displays_the_same_way():
    report = _estep().check({"responsibilities": ["0.5", "0.5"]})
    bundle = report._repr_mimebundle_()
    assert bundle["text/latex"] == report.to_latex() and "$$" not in bundle["text/latex"]


def test_latex_of_the_bundle_compiles_with_the_template_packages():
    """The fragments nbconvert would put in its document compile with just the packages that template loads."""
    require_pdflatex()
    from workedout.derivations.pdf import compile_pdf
    from workedout.gmm import derive
    parts = [_estep(), apriori(ALL_ELECTRONICS, 2, min_confidence="0.7"), derive(covariance="spherical"),
             _estep().check({"responsibilities": ["0.5", "0.5"]})]
    body = "\n\n".join(p._repr_mimebundle_()["text/latex"] for p in parts)
    pdf = compile_pdf(FRAGMENT_PREAMBLE + "\\begin{document}\n" + body + "\n\\end{document}\n", timeout=120)
    assert pdf.startswith(b"%PDF")


def test_no_figure_no_image():
    r = _estep()
    assert r.figures == [] and r.figure_png() is None
    assert "image/png" not in r._repr_mimebundle_()


def test_a_drawn_figure_rides_along_as_png(tmp_path):
    r = apriori(ALL_ELECTRONICS, 2, sweep="1,2,3")
    sweep_figure(r, tmp_path / "sweep.svg")  # written as SVG; shown in the notebook as PNG
    bundle = r._repr_mimebundle_()
    assert bundle["image/png"].startswith(PNG)
    assert set(bundle) == {"text/plain", "text/markdown", "text/latex", "image/png"}
    assert "image/png" not in r._repr_mimebundle_(exclude={"image/png"})


def test_a_png_file_can_be_attached_and_other_files_are_ignored(tmp_path):
    r = _estep()
    (tmp_path / "not.png").write_text("not an image")
    r.add_figure(tmp_path / "not.png")
    r.add_figure(tmp_path / "missing.png")
    assert r.figure_png() is None and "image/png" not in r._repr_mimebundle_()
    (tmp_path / "real.png").write_bytes(PNG + b"rest")
    r.add_figure(tmp_path / "real.png")
    assert r.figure_png() == PNG + b"rest"


def test_gmm_fit_figure_is_attached(tmp_path):
    from workedout.gmm import fit, plot_fit
    from workedout.numerics.io import load_dataset
    data = load_dataset("iris", columns=[2, 3])
    f = fit(data, k=2)
    plot_fit(f, data, tmp_path / "fit.png")
    assert f.figure_png().startswith(PNG)
    assert (tmp_path / "fit.png").read_bytes().startswith(PNG)


# ---------------------------------------------------------------- a real notebook, executed and exported
def _tour_cells() -> list[str]:
    """The README's "A short tour" Python, one statement a cell (so each value shows as a cell's output)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## A short tour")
    tour = readme[start:readme.index("\n## ", start + 5)]
    blocks = re.findall(r"```python\n(.*?)```", tour, re.S)
    assert blocks, "README: no Python block in 'A short tour'"
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _require_export_tools():
    missing = [tool for tool in ("pdflatex", "pandoc") if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must install {' and '.join(missing)} (.ci/run installs pandoc and the TeX packages)")
    pytest.skip(f"{' and '.join(missing)} not installed (apt-get install pandoc texlive-latex-base "
                "texlive-latex-recommended texlive-pictures)")


def test_readme_tour_runs_in_a_notebook_and_exports_to_pdf(tmp_path):
    _require_export_tools()
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import PDFExporter

    cells = _tour_cells()
    nb = nbformat.v4.new_notebook()
    nb.metadata["title"] = "The README's short tour"
    nb.cells.append(nbformat.v4.new_markdown_cell("The tour's Python, one statement a cell; then results shown."))
    nb.cells += [nbformat.v4.new_code_cell(line) for line in cells]
    extra = {
        "result": "r",
        "report": "report",
        "figure": "from workedout.gmm import fit, plot_fit\n"
                  "from workedout.numerics.io import load_dataset\n"
                  "data = load_dataset('iris', columns=[2, 3])\n"
                  "f = fit(data, k=3)\n"
                  "plot_fit(f, data, 'fit.png')\n"
                  "f",
        "norm": "from workedout.gmm import derive\nderive(covariance='spherical')",
        "progress": "from workedout.numerics.gmm import select\nselect(data.X, '1-2', 'spherical').best['k']",
    }
    nb.cells += [nbformat.v4.new_code_cell(source) for source in extra.values()]
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = {name: nb.cells[-len(extra) + i].outputs for i, name in enumerate(extra)}
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    for name in ("result", "report", "norm"):
        (shown,) = [o for o in outputs[name] if o.output_type == "display_data"]
        assert {"text/markdown", "text/latex", "text/plain"} <= set(shown.data)
    shown = [o for o in outputs["figure"] if o.output_type == "display_data"]
    assert [sorted(o.data) for o in shown] == [["text/latex", "text/markdown", "text/plain"],
                                               ["image/png", "text/plain"]]  # the figure: an output of its own
    assert r"\Vert" in outputs["norm"][0].data["text/markdown"]  # the spherical norm, not the word "vert"
    widgets = [o for o in outputs["progress"] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets, "gmm select in a notebook: no tqdm widget (tqdm.auto) among the outputs"
    assert [o.output_type for o in outputs["progress"]][-1] == "execute_result"

    exporter = PDFExporter(template_file=str(TEMPLATE),
                           latex_command=["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "{filename}"])
    pdf, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(tmp_path), "name": "tour"}})
    assert pdf.startswith(b"%PDF")
    (tmp_path / "tour.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "tour.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "E-step of a 2-component 1-D Gaussian mixture" in text
        assert "Check of:" in text and "spherical" in text
