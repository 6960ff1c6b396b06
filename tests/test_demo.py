"""``workedout demo`` writes every example in every format (and the booklet with pdflatex)."""
import json
import shutil

from workedout.derivations.demo import collect, run_demo

from .pages import overfull_boxes


def test_demo_writes_every_format(tmp_path):
    out = tmp_path / "demo"
    with_pdf = shutil.which("pdflatex") is not None
    files = run_demo(out, pdf=with_pdf)
    names = {f.name for f in files}
    for entry in collect(proofs=with_pdf):
        if hasattr(entry, "caption"):
            assert f"{entry.name}.png" in names
        else:
            for ext in ("txt", "tex", "md", "json"):
                assert f"{entry.name}.{ext}" in names
            json.loads((out / f"{entry.name}.json").read_text())
    if with_pdf:
        assert (out / "booklet.pdf").read_bytes().startswith(b"%PDF")
        assert overfull_boxes(out / "booklet.tex") == []  # issue 16: pages that fit
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".workedout-demo")]


def test_demo_from_the_command_line(tmp_path, run_cli):
    # -o as the command line gives it: a str, into a folder that exists already
    out = tmp_path / "demo"
    out.mkdir()
    status, _, err = run_cli("demo", "-o", str(out), "--no-pdf")
    assert status == 0 and f"wrote {len(list(out.iterdir()))} files to {out}/" in err
    assert any(p.suffix == ".json" for p in out.iterdir()) and not (out / "booklet.pdf").exists()
