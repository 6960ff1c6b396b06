"""Hostile files (issue 15 items 3, 8 and 11; issue 16's "every reader takes gzip").

Readers: a link to /dev/zero, a FIFO, a directory, a file over the limit ``file-size``,
a gzip bomb and JSON nested 100,000 deep are refused at once with one line; ``.gz``,
a byte-order mark and UTF-16 are read right. Writers: only regular files are
replaced (a link is written through, a device or FIFO written to, never replaced), a
250-character name works, every output of a command is written all or nothing, and
SIGTERM/SIGHUP clean up like SIGINT.
"""
from __future__ import annotations

import gzip
import os
import pickle
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from workedout.numerics import images, io as nio, outputs, seqio
from workedout.numerics.limits import LimitError, raised

ESTEP = ["gmm", "estep", "--x", "2", "--weights", "1/2,1/2", "--means", "0,1", "--sds", "1,1"]
FASTA = ">a one\nGATTACA\n>b two\nGCATGCU\n"


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


# ------------------------------------------------------------------ readers
def hostile(tmp_path: Path, name: str) -> dict[str, Path]:
    """The same file name as a link to /dev/zero, a FIFO and a directory."""
    kinds = {}
    for kind in ("zero", "fifo", "dir"):
        folder = tmp_path / kind
        folder.mkdir()
        path = folder / name
        if kind == "zero":
            path.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.mkdir()
        kinds[kind] = path
    return kinds


EXPECTED = {"zero": "not a regular file (a device, FIFO or socket); expected a file",
            "fifo": "not a regular file (a device, FIFO or socket); expected a file",
            "dir": "is a directory; expected a file"}


def command_for(kind_of_input: str, path: Path) -> list[str]:
    return {"fasta": ["align", path, "GAT"],
            "fasta-pair": ["align", path, "GATTACA"],
            "matrix": ["align", "AC", "CA", "--matrix", path],
            "csv": ["gmm", "fit", path, "--k", "1"],
            "db": ["prefixspan", path, "--min-support", "2"],
            "init": ["gmm", "fit", path.parent / "one.csv", "--k", "1", "--init", path]}[kind_of_input]


PREFIX = {"fasta": "SEQ1: ", "fasta-pair": "SEQ1: ", "matrix": "--matrix: ", "csv": "", "db": "DB: ",
          "init": "--init: "}


@pytest.mark.parametrize("reader,name", [("fasta", "s.fa"), ("matrix", "M.txt"), ("csv", "d.csv"),
                                         ("db", "db.txt"), ("init", "init.json")])
@pytest.mark.parametrize("kind", ["zero", "fifo", "dir"])
def test_readers_refuse_devices_fifos_and_directories(run_cli, tmp_path, reader, name, kind):
    path = hostile(tmp_path, name)[kind]
    (path.parent / "one.csv").write_text("x\n1\n2\n4\n")  # the data of --init
    before = listing(tmp_path)
    status, out, err = run_cli(*command_for(reader, path))
    assert status == 2 and not out
    assert one_line(err) == f"workedout: error: {PREFIX[reader]}{path}: {EXPECTED[kind]}"
    assert listing(tmp_path) == before


@pytest.mark.parametrize("reader,name,content", [
    ("fasta", "s.fa", FASTA), ("matrix", "M.txt", "   A  C\nA  1 -1\nC -1  1\n"),
    ("csv", "d.csv", "x,y\n1,2\n3,4\n5,7\n"), ("db", "db.txt", "<a(ab)c>\n<(ab)c>\n"),
    ("init", "init.json", '{"weights": [1], "means": [[2]], "covariances": [[[1]]]}')])
def test_readers_refuse_a_file_over_the_size_limit_and_read_gzip(run_cli, tmp_path, reader, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    (tmp_path / "one.csv").write_text("x\n1\n2\n4\n")  # the data of --init
    size = len(content.encode())
    status, out, err = run_cli(*command_for(reader, path), "--limit", f"file-size={size - 1}")
    assert status == 2 and not out
    assert f"{path}: {size} bytes, more than the limit file-size = {size - 1} bytes; raise it with " \
           "--limit file-size=N" in one_line(err)
    plain = run_cli(*command_for(reader, path))
    assert plain[0] == 0, plain
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(content.encode("utf-8")))
    status, out, err = run_cli(*command_for(reader, packed))
    assert status == 0 and not err.strip("\n").count("\n"), err
    assert out.replace(str(packed), str(path)).replace(packed.name, path.name) == plain[1]


def test_fasta_with_a_bom_or_utf16_reads_right(tmp_path):
    expected = [("a", "GATTACA"), ("b", "GCATGCU")]
    for name, data in [("bom.fa", b"\xef\xbb\xbf" + FASTA.encode()), ("u16.fa", FASTA.encode("utf-16")),
                       ("u16be.fa", b"\xfe\xff" + FASTA.encode("utf-16-be")),
                       ("gz.fa.gz", gzip.compress(FASTA.encode("utf-16")))]:
        (tmp_path / name).write_bytes(data)
        assert [(r.id, r.sequence) for r in seqio.read_fasta(tmp_path / name)] == expected, name
    assert seqio.load_sequence_record(str(tmp_path / "bom.fa")).id == "a"
    (tmp_path / "bad.fa").write_bytes(b">a\nGAT\xffACA\n")
    with pytest.raises(ValueError, match=r"bad\.fa: line 2: not UTF-8 text \(byte 7\)"):
        seqio.read_fasta(tmp_path / "bad.fa")
    with pytest.raises(ValueError, match=r"does not exist"):
        seqio.load_sequence_record(str(tmp_path / "missing.fa.gz"))


def test_csv_reader_streams_and_limits(tmp_path):
    (tmp_path / "d.csv.gz").write_bytes(gzip.compress("\ufeffx,y\n1,2\n".encode()))
    assert nio.read_csv(tmp_path / "d.csv.gz").rows == [["1", "2"]]
    import io
    with raised(file_size=5):
        with pytest.raises(LimitError, match="more than the limit file-size = 5 bytes"):
            nio.read_csv(io.StringIO("x,y\n1,2\n"))
        with pytest.raises(LimitError, match="more than the limit file-size = 5 bytes"):
            nio.read_csv(io.BytesIO(b"x,y\n1,2\n"))


def test_init_nested_100000_deep(run_cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"weights": ' + "[" * 100_000 + "]" * 100_000 + "}")
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--init", deep)
    assert status == 2 and not out
    assert one_line(err) == (f"workedout: error: --init: {deep}: brackets nested too deep to read (over 900 "
                             "levels; the limit nesting is 100)")
    shallow = tmp_path / "deep2.json"
    shallow.write_text('{"weights": ' + "[" * 150 + "]" * 150 + "}")
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--init", shallow)
    assert status == 2 and "brackets nested: 151 levels, more than the limit nesting = 100 levels" in one_line(err)


def test_json_sequence_database_nested_deep():
    from workedout.numerics.seqdb import read_sequence_db
    with pytest.raises(ValueError, match="brackets nested too deep"):
        read_sequence_db("[" * 100_000 + "]" * 100_000, format="json")
    with pytest.raises(ValueError, match=r"DB: not valid JSON at line 1, column 3"):
        read_sequence_db('[[', format="json")


def test_alignment_check_answer_is_read_safely(tmp_path):
    from workedout.derivations.alignment._check import _load_student
    (tmp_path / "z.json").symlink_to("/dev/zero")
    with pytest.raises(ValueError, match=r"^--check: .*z\.json: not a regular file"):
        _load_student(str(tmp_path / "z.json"))
    (tmp_path / "a.json").write_bytes(gzip.compress(b'\xef\xbb\xbf{"score": 3}'))
    assert _load_student(str(tmp_path / "a.json")) is not None
    with pytest.raises(ValueError, match="brackets nested too deep"):
        _load_student("[" * 100_000 + "]" * 100_000)


# ------------------------------------------------------------- image files
def idx_bytes(shape, code=0x08) -> bytes:
    return bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", n) for n in shape)


def gzip_stream(header: bytes, zeros: int) -> bytes:
    """A gzip file of ``header`` then ``zeros`` zero bytes, built without holding them."""
    import zlib
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(header)]
    block = bytes(1 << 20)
    for _ in range(zeros >> 20):
        parts.append(deflate.compress(block))
    parts.append(deflate.flush())
    return b"".join(parts)


@pytest.mark.parametrize("case", ["zeros", "declared-too-much", "runs-past-header"])
def test_idx_gzip_bomb_refused_after_its_header(run_cli, tmp_path, case):
    header = {"zeros": b"", "declared-too-much": idx_bytes((60000, 28, 28 * 1000)),
              "runs-past-header": idx_bytes((10, 2, 2))}[case]
    bomb = gzip_stream(header, 2 << 30)  # 2 GiB once inflated, 2 MB packed
    assert len(bomb) < 3_000_000
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(bomb)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    message = {"zeros": f"{path}: unknown IDX type code 0x00; expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e",
               "declared-too-much": f"{path}: the IDX header declares shape (60000, 28, 28000): "
                                    "47,040,000,016 bytes, more than the limit file-size",
               "runs-past-header": f"{path}: more than the 56 bytes its header declares (decompressed); not an "
                                   "IDX file, or a gzip bomb"}[case]
    with pytest.raises(ValueError) as exc:
        images.read_idx(path)
    assert str(exc.value).startswith(message)
    before = listing(tmp_path)
    status, out, err = run_cli("cnn", "train", "--dataset", "mnist", "--data-dir", tmp_path)
    assert status == 2 and one_line(err).startswith(f"workedout: error: {message}")
    assert listing(tmp_path) == before


def test_idx_and_cifar_refuse_devices(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").symlink_to("/dev/zero")
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte: not a regular file"):
        images.load_mnist_idx(tmp_path)
    cifar = tmp_path / "cifar"
    cifar.mkdir()
    for name in images.CIFAR10_BATCHES:
        os.mkfifo(cifar / name)
    with pytest.raises(ValueError, match=r"^data_dir: .*data_batch_1: not a regular file"):
        images.load_cifar10(cifar)


def test_cifar_batch_gzip_and_bomb(tmp_path):
    rng = np.random.default_rng(0)
    for name in images.CIFAR10_BATCHES:
        batch = {b"labels": [1, 2], b"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8)}
        (tmp_path / name).write_bytes(gzip.compress(pickle.dumps(batch, protocol=2)))
    assert images.load_cifar10(tmp_path).X_train.shape == (10, 3, 32, 32)
    (tmp_path / "data_batch_1").write_bytes(gzip_stream(b"", 64 << 20))
    with raised(file_size=32 << 20):
        with pytest.raises(LimitError, match=r"data_batch_1 \(decompressed"):
            images.load_cifar10(tmp_path)


# ------------------------------------------------------------------ writers
def test_output_to_a_device_is_written_through_never_replaced(run_cli, tmp_path):
    status, out, err = run_cli(*ESTEP, "-o", "/dev/full")
    assert status == 2 and one_line(err) == "workedout: error: -o: cannot write '/dev/full': No space left on device"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    status, out, err = run_cli(*ESTEP, "-o", "/dev/null")
    assert status == 0 and err == "wrote /dev/null\n" and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_fifo(run_cli, tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    status, out, err = run_cli(*ESTEP, "-o", fifo)
    assert status == 2 and one_line(err) == (f"workedout: error: -o: '{fifo}' is a FIFO that no process is "
                                             "reading; start the reader first, or give a file name")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and listing(tmp_path) == ["out.fifo"]
    got = []
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is waiting

    def read():  # until a writer has come and gone
        data, deadline = b"", time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:  # a writer, no data yet
                chunk = None
            if chunk == b"" and data:
                break
            data += chunk or b""
            time.sleep(0.01)
        os.close(fd)
        got.append(data)
    reader = threading.Thread(target=read)
    reader.start()
    status, out, err = run_cli(*ESTEP, "-o", fifo)
    reader.join(30)
    assert status == 0, err
    assert got[0].startswith(b"E-step")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and listing(tmp_path) == ["out.fifo"]


def test_output_through_a_symlink_replaces_the_file_it_points_at(run_cli, tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    (tmp_path / "link.txt").symlink_to("real.txt")
    status, out, err = run_cli(*ESTEP, "-o", tmp_path / "link.txt")
    assert status == 0
    assert (tmp_path / "link.txt").is_symlink() and real.read_text().startswith("E-step")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # an existing file keeps its mode
    (tmp_path / "dangling.txt").symlink_to("nowhere/x.txt")
    status, out, err = run_cli(*ESTEP, "-o", tmp_path / "dangling.txt")
    assert status == 2 and one_line(err) == (f"workedout: error: -o: directory '{tmp_path / 'nowhere'}' (where the "
                                             f"link '{tmp_path / 'dangling.txt'}' points) does not exist")
    assert listing(tmp_path) == ["dangling.txt", "link.txt", "real.txt"]


def test_output_refuses_a_directory_and_a_missing_folder(run_cli, tmp_path):
    status, out, err = run_cli(*ESTEP, "-o", tmp_path)
    assert status == 2 and one_line(err) == f"workedout: error: -o: '{tmp_path}' is a directory; expected a file name"
    status, out, err = run_cli(*ESTEP, "-o", tmp_path / "nodir" / "x.json")
    assert status == 2 and one_line(err) == f"workedout: error: -o: directory '{tmp_path / 'nodir'}' does not exist"
    assert listing(tmp_path) == []


def test_a_long_legal_name_is_written(run_cli, tmp_path):
    name = tmp_path / ("a" * 250 + ".txt")
    status, out, err = run_cli(*ESTEP, "-o", name)
    assert status == 0 and name.is_file() and listing(tmp_path) == [name.name]


def test_plot_and_output_all_or_nothing(run_cli, tmp_path):
    (tmp_path / "curve.png").write_bytes(b"old figure")
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--plot", tmp_path / "curve.png",
                               "-o", tmp_path / "nodir" / "x.json")
    assert status == 2 and one_line(err) == f"workedout: error: -o: directory '{tmp_path / 'nodir'}' does not exist"
    assert listing(tmp_path) == ["curve.png"] and (tmp_path / "curve.png").read_bytes() == b"old figure"
    fifo = tmp_path / "x.fifo"  # passes the early check, fails when written: the figure is not kept
    os.mkfifo(fifo)
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--plot", tmp_path / "new.png", "-o", fifo)
    assert status == 2 and "no process is reading" in one_line(err)
    assert listing(tmp_path) == ["curve.png", "x.fifo"] and (tmp_path / "curve.png").read_bytes() == b"old figure"
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--plot", tmp_path / "curve.png",
                               "-o", tmp_path / "curve.png")
    assert status == 2 and "is the file -o names too" in one_line(err)
    status, out, err = run_cli("gmm", "fit", "iris", "--k", "2", "--plot", tmp_path / "curve.png",
                               "-o", tmp_path / "fit.json")
    assert status == 0 and listing(tmp_path) == ["curve.png", "fit.json", "x.fifo"]
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"


def test_cnn_plot_with_a_bad_output_is_refused_before_training(run_cli, tmp_path):
    status, out, err = run_cli("cnn", "train", "--epochs", "1", "--plot", tmp_path / "curve.png",
                               "-o", tmp_path / "nodir" / "x.json")
    assert status == 2 and one_line(err) == f"workedout: error: -o: directory '{tmp_path / 'nodir'}' does not exist"
    assert listing(tmp_path) == []


def test_all_or_nothing_in_python(tmp_path):
    (tmp_path / "a").write_text("old a")
    with pytest.raises(RuntimeError):
        with outputs.all_or_nothing():
            outputs.write_bytes(tmp_path / "a", "new a")
            outputs.write_bytes(tmp_path / "b", "new b")
            assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["a"]
            raise RuntimeError("later failure")
    assert listing(tmp_path) == ["a"] and (tmp_path / "a").read_text() == "old a"
    with outputs.all_or_nothing():
        outputs.write_bytes(tmp_path / "a", "new a")
        outputs.write_bytes(tmp_path / "b", b"new b")
    assert listing(tmp_path) == ["a", "b"] and (tmp_path / "a").read_text() == "new a"
    from workedout.numerics.figures import new_figure, save_figure
    with pytest.raises(ValueError, match="does not exist"):
        save_figure(new_figure(), tmp_path / "nodir" / "f.png")
    seqio.write_matrix(seqio.load_matrix("BLOSUM62"), tmp_path / "m.txt")
    assert seqio.read_matrix(tmp_path / "m.txt").alphabet == seqio.load_matrix("BLOSUM62").alphabet


# --------------------------------------------------------------------- demo
def small_demo(monkeypatch, fail_at_booklet=False):
    from workedout.derivations import demo
    from workedout.derivations.gmm import estep
    entries = [demo.Example("one", lambda: estep(2, [0.5, 0.5], [0, 1], [1, 1])),
               demo.Example("two", lambda: estep(1, [0.5, 0.5], [0, 1], [1, 1]))]
    monkeypatch.setattr(demo, "collect", lambda **_: entries)
    if fail_at_booklet:
        from workedout.derivations import pdf

        def broken(*args, **kwargs):
            raise pdf.CompileError("pdflatex failed: ! Emergency stop.")
        monkeypatch.setattr(pdf, "compile_pdf", broken)
        monkeypatch.setattr(pdf, "have_pdflatex", lambda: True)
    return demo


def test_demo_failure_leaves_nothing(monkeypatch, tmp_path):
    demo = small_demo(monkeypatch, fail_at_booklet=True)
    from workedout.derivations.pdf import CompileError
    with pytest.raises(CompileError):
        demo.run_demo(tmp_path / "out", log=open(os.devnull, "w"))
    assert listing(tmp_path) == []
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(CompileError):
        demo.run_demo(tmp_path / "out", log=open(os.devnull, "w"))
    assert listing(tmp_path) == ["out", "out/keep.txt"]


def test_demo_does_not_follow_planted_links(monkeypatch, tmp_path):
    demo = small_demo(monkeypatch)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "one.txt").symlink_to(outside / "secret.txt")  # a link to a file
    (out / "two.txt").symlink_to(outside)                 # a link to a folder
    written = demo.run_demo(out, pdf=False, log=open(os.devnull, "w"))
    assert listing(outside) == ["secret.txt"] and (outside / "secret.txt").read_text() == "precious"
    assert not (out / "one.txt").is_symlink() and not (out / "two.txt").is_symlink()
    assert sorted(p.name for p in written) == listing(out)
    fresh = demo.run_demo(tmp_path / "new", pdf=False, log=open(os.devnull, "w"))
    assert len(fresh) == 8 and stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o777 & ~_umask()
    assert sorted(listing(tmp_path)) == sorted(
        ["new", "out", "outside", "outside/secret.txt"] + [f"new/{p.name}" for p in fresh]
        + [f"out/{p.name}" for p in written])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------ signals
SLOW_PDFLATEX = "#!/bin/sh\necho started > \"$WORKEDOUT_TEST_FLAG\"\nexec sleep 60\n"


def start_and_signal(tmp_path: Path, argv: list[str], sig: int, ready: Path, env_extra=None, code=None):
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"), WORKEDOUT_TEST_FLAG=str(ready))
    env.update(env_extra or {})
    (tmp_path / "tmp").mkdir(exist_ok=True)
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "workedout", *argv]
    proc = subprocess.Popen(command, cwd=tmp_path / "work", env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    for _ in range(1200):  # wait for the work to start (at most 120 s on a loaded machine)
        if ready.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert ready.exists(), proc.communicate()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signal_during_a_pdf_compile_cleans_up(tmp_path, sig):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pdflatex").write_text(SLOW_PDFLATEX)
    (bin_dir / "pdflatex").chmod(0o755)
    (tmp_path / "work").mkdir()
    ready = tmp_path / "started"
    status, out, err = start_and_signal(
        tmp_path, [*ESTEP, "--format", "pdf", "-o", "doc.pdf"], sig, ready,
        env_extra={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    name = signal.Signals(sig).name
    if sig == signal.SIGINT:
        assert status == 130 and one_line(err) == "workedout: interrupted"
    else:
        assert status == 128 + sig
        assert one_line(err) == f"workedout: terminated by {name}; temporary files removed"
    assert listing(tmp_path / "work") == [] and listing(tmp_path / "tmp") == []


DEMO_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from workedout.derivations import cli, demo
    from workedout.derivations.gmm import estep
    def slow():
        open(os.environ["WORKEDOUT_TEST_FLAG"], "w").close()
        time.sleep(60)
    demo.collect = lambda **_: [demo.Example("one", lambda: estep(2, [0.5, 0.5], [0, 1], [1, 1])),
                            demo.Example("slow", slow)]
    sys.exit(cli.main(["demo", "-o", "out", "--no-pdf"]))
""")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_signal_during_demo_leaves_no_folder(tmp_path, sig):
    (tmp_path / "work").mkdir()
    status, out, err = start_and_signal(tmp_path, [], sig, tmp_path / "started", code=DEMO_SCRIPT)
    assert status == 128 + sig
    assert "Traceback" not in err  # the demo's progress lines, then one line
    assert err.splitlines()[-1] == f"workedout: terminated by {signal.Signals(sig).name}; temporary files removed"
    assert listing(tmp_path / "work") == [] and listing(tmp_path / "tmp") == []
