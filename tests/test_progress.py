"""Issue 16, item 4: progress on long work -- a bar on a terminal (or in a notebook), nothing in a pipe.

One decision (``numerics.progress.enabled``) for every bar: the CNN's
batches, ``gmm select``'s fits, the demo's examples, and the stages of a
worked ``apriori`` / ``prefixspan`` run. The terminal cases run the real
command with its stderr on a pseudo-terminal; no assertion is about time.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np
import pytest

from workedout.numerics import progress

HAVE_PTY = sys.platform != "win32"
ALL_ELECTRONICS = "I1 I2 I5\nI2 I4\nI2 I3\nI1 I2 I4\nI1 I3\nI2 I3\nI1 I3\nI1 I2 I3 I5\nI1 I2 I3\n"
SEQUENCES = "<a(abc)(ac)d(cf)>\n<(ad)c(bc)(ae)>\n<(ef)(ab)(df)cb>\n<eg(af)cbc>\n"
CLI = [sys.executable, "-m", "workedout"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKEDOUT_PROGRESS", "TQDM_"))}
    env.update(extra)
    return env


def _run_pipe(args, stdin: str = "", **env) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + args, input=stdin, capture_output=True, text=True, env=_env(**env), timeout=300)


def _run_pty(args, stdin: str = "", **env) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (80 columns) and stdout on a pipe: (status, stdout, terminal)."""
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    p = subprocess.Popen(CLI + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=slave, env=_env(**env))
    os.close(slave)
    p.stdin.write(stdin.encode())
    p.stdin.close()
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = p.stdout.read().decode()
    status = p.wait(timeout=300)
    os.close(master)
    return status, out, seen.decode(errors="replace")


# ---------------------------------------------------------------- the decision
def test_explicit_choice_wins(monkeypatch):
    monkeypatch.setenv("WORKEDOUT_PROGRESS", "1")
    assert progress.enabled(False) is False
    monkeypatch.setenv("WORKEDOUT_PROGRESS", "0")
    assert progress.enabled(True) is True


def test_default_is_off_in_a_pipe_and_on_a_terminal(monkeypatch):
    monkeypatch.delenv("WORKEDOUT_PROGRESS", raising=False)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress.enabled(None, file=io.StringIO()) is False
    assert progress.enabled(None, file=Terminal()) is True
    closed = io.StringIO()
    closed.close()
    assert progress.enabled(None, file=closed) is False  # isatty on a closed stream raises: no bar
    assert progress.enabled(None, file=object()) is False


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("0", False), ("off", False)])
def test_environment_overrides_the_default(monkeypatch, value, expected):
    monkeypatch.setenv("WORKEDOUT_PROGRESS", value)
    assert progress.enabled(None, file=io.StringIO()) is expected


def test_progress_must_be_a_bool_or_none():
    with pytest.raises(TypeError, match="progress: got 'yes'"):
        progress.enabled("yes")


def test_not_a_notebook_here():
    assert progress.in_notebook() is False  # no ipykernel shell in a test process


def test_a_disabled_bar_prints_nothing(capsys):
    with progress.bar(total=3, desc="quiet", progress=False) as b:
        b.update(3)
    with progress.stages("quiet", ["a", "b"], progress=False) as s:
        s.next()
        progress.note("inside")
        s.next()
    assert capsys.readouterr().err == ""


def test_stages_show_names_and_notes_when_asked(capsys):
    with progress.stages("work", ["reading", "working"], progress=True) as s:
        s.next()
        s.next()
        progress.note("level 3")
    err = capsys.readouterr().err
    assert "work: 0/2" in err and "reading" in err and "working: level 3" in err


def test_note_outside_a_bar_does_nothing(capsys):
    progress.note("nobody listens")
    progress.finish()
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- the engines' hooks
def test_apriori_levels_calls_its_progress_hook_once_per_level():
    from workedout.numerics.apriori import apriori_levels
    seen = []
    levels = apriori_levels([t.split() for t in ALL_ELECTRONICS.splitlines()], 2, progress=seen.append)
    assert seen == [level.k for level in levels[1:]]  # levels 2, 3, ...: each announced as it starts


def test_cnn_training_bar_on_request(capsys):
    from workedout.numerics.cnn import build_cnn, train
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 1, 4, 4)), rng.integers(0, 2, 8)
    model = build_cnn((1, 4, 4), 2, conv_layers=0)
    train(model, X, y, epochs=1, batch_size=4, progress=True, description="tiny")
    assert "tiny" in capsys.readouterr().err
    train(model, X, y, epochs=1, batch_size=4)  # default: captured stderr is no terminal
    assert capsys.readouterr().err == ""


def test_gmm_select_bar_on_request(capsys):
    from workedout.numerics.gmm import select
    X = np.random.default_rng(0).normal(size=(40, 2))
    select(X, "1-2", "spherical", random_state=0, progress=True)
    assert "gmm select" in capsys.readouterr().err
    select(X, "1-2", "spherical", random_state=0)
    assert capsys.readouterr().err == ""


def test_demo_bar_over_its_examples(tmp_path, monkeypatch, capsys):
    from workedout.derivations import demo
    from workedout.derivations.apriori import ALL_ELECTRONICS as db, apriori
    monkeypatch.setattr(demo, "collect", lambda **_: [demo.Example("one", lambda: apriori(db, 2)),
                                                  demo.Example("two", lambda: apriori(db, 3))])
    demo.run_demo(tmp_path / "on", pdf=False, progress=True)
    err = capsys.readouterr().err
    assert "demo:" in err and "worked one" in err and "worked two" in err
    demo.run_demo(tmp_path / "off", pdf=False)
    err = capsys.readouterr().err
    assert "demo:" not in err and "worked one" in err  # the log stays; the bar does not


# ---------------------------------------------------------------- real commands: terminal against pipe
@pytest.mark.skipif(not HAVE_PTY, reason="needs a pseudo-terminal")
def test_gmm_select_draws_a_bar_on_a_terminal():
    status, out, terminal = _run_pty(["gmm", "select", "iris", "--k", "1-2", "--covariance", "spherical"])
    assert status == 0 and "BIC" in out
    assert "gmm select" in terminal and "\r" in terminal  # a bar, redrawn in place
    assert "BIC" not in terminal  # the result went to stdout only


def test_gmm_select_prints_no_bar_in_a_pipe():
    p = _run_pipe(["gmm", "select", "iris", "--k", "1-2", "--covariance", "spherical"])
    assert p.returncode == 0 and p.stderr == ""


@pytest.mark.parametrize("args, stdin", [
    (["apriori", "-", "--min-support", "2", "--min-confidence", "0.7"], ALL_ELECTRONICS),
    (["prefixspan", "-", "--min-support", "2"], SEQUENCES),
])
def test_worked_mining_shows_its_stages_when_asked_and_nothing_in_a_pipe(args, stdin):
    quiet = _run_pipe(args, stdin)
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = _run_pipe(args, stdin, WORKEDOUT_PROGRESS="1")
    assert loud.returncode == 0 and loud.stdout == quiet.stdout
    name = args[0]
    assert f"{name}: 0/3" in loud.stderr and "reading DB" in loud.stderr and "working" in loud.stderr
    assert loud.stderr.splitlines()[-1].strip() == ""  # the bar cleared its line before the output


@pytest.mark.skipif(not HAVE_PTY, reason="needs a pseudo-terminal")
def test_forced_bar_on_a_terminal_is_cleared_before_the_output():
    status, out, terminal = _run_pty(["apriori", "-", "--min-support", "2"], ALL_ELECTRONICS,
                                     WORKEDOUT_PROGRESS="1")
    assert status == 0 and "apriori: " in terminal
    last = terminal.split("\r")
    assert last[-1] == "" and last[-2].strip() == ""  # the bar's line overwritten with blanks, the cursor at its start
