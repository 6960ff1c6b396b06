"""The package's shape: every subpackage installed, one import path per module, no import circle."""
from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = {"workedout": ROOT / "src" / "workedout", "workedout.derivations": ROOT / "derivations",
         "workedout.numerics": ROOT / "numerics"}


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in TREES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join([package] + parts)
            if package == "workedout" and parts and parts[0] in ("derivations", "numerics"):
                continue
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every workedout module that ``name`` imports, at the top or inside a function."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from pkg import module`` imports the module; ``from pkg import name`` imports pkg
            candidates = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        out |= {c for c in candidates if c in MODULES and c != name}
    return out


def test_every_subpackage_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert packages == listed


def test_no_absolute_import_of_the_old_top_level_names():
    pattern = re.compile(r"^\s*(from|import)\s+(derivations|numerics)\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in [*MODULES.values(), *ROOT.glob("tests/*.py"),
                                                   *ROOT.glob("benchmarks/*.py")]
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_numerics_never_imports_derivations_or_sympy():
    for name, path in MODULES.items():
        if name.startswith("workedout.numerics"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(from|import)\s+(sympy|\.\.derivations|workedout\.derivations)", text, re.M), name


def test_no_import_circle():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert circles == []


FACES = ["gmm", "align", "apriori", "prefixspan", "conv", "exercise"]


@pytest.mark.parametrize("face", FACES)
def test_every_name_of_the_public_face_resolves(face):
    module = importlib.import_module(f"workedout.{face}")
    assert module.__all__ and sorted(module.__all__) == sorted(dir(module))
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute"):
        getattr(module, "no_such_name")


def test_import_workedout_is_light_and_python_dash_m_works():
    code = ("import sys, workedout; assert workedout.__version__; "
            "assert not [m for m in ('sympy', 'numpy', 'workedout.derivations') if m in sys.modules], sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
    out = subprocess.run([sys.executable, "-m", "workedout", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("workedout ")


def test_nothing_generically_named_at_the_top_of_site_packages():
    """The installed files (the RECORD of the installed distribution, not a build's egg-info) all sit
    under workedout/ (an editable install adds only its own __editable__ finder)."""
    records = [d.read_text("RECORD") for d in importlib.metadata.distributions(name="workedout")]
    records = [r for r in records if r]
    assert records, "workedout is not installed"
    tops = {line.split(",")[0].split("/")[0] for line in records[0].splitlines() if line.strip()}
    tops = {t for t in tops if not t.startswith(("..", "__editable__")) and not t.endswith(".dist-info")}
    assert tops <= {"workedout", "__pycache__"}, tops
