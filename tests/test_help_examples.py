"""Every ``--help`` ends with an example that really runs (in a fresh folder, as a user would)."""
import argparse
import os
import shutil
import subprocess
import sys

import pytest

from workedout.derivations.cli import build_parser
from workedout.derivations.topics import CORE_COMMANDS, TOPICS


def _examples():
    found = []

    def walk(parser, path):
        epilog = parser.epilog or ""
        if "example:" in epilog:
            block = epilog.split("example:", 1)[1].strip()
            found.append((" ".join(path) or "workedout", block))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + [name])
    walk(build_parser(), [])
    return found


EXAMPLES = _examples()


def test_every_command_has_an_example():
    names = {name for name, _ in EXAMPLES}
    commands = [name for t in TOPICS for name in t.command_names] + [m.rpartition(".")[2] for m in CORE_COMMANDS]
    assert set(commands) <= names


@pytest.mark.parametrize("name,block", [e for e in EXAMPLES if e[0] not in ("workedout", "demo")],
                         ids=[e[0] for e in EXAMPLES if e[0] not in ("workedout", "demo")])
def test_help_example_runs(name, block, tmp_path):
    if ("--format pdf" in block) and not shutil.which("pdflatex"):
        if os.environ.get("CI"):
            pytest.fail("CI must have pdflatex")
        pytest.skip("pdflatex not installed")
    script = "\n".join(line.strip() for line in block.splitlines())
    assert "workedout " in script
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
