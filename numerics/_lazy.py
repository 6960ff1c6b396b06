"""Names a package imports on first use (PEP 562): the one implementation of lazy re-exports.

A package that re-exports names from heavy modules (the numba engine, SymPy
derivations, matplotlib) lists where each name lives; ``import`` of the
package then costs nothing, and a name's module is imported when the name is
first used. The public face (``workedout.gmm``, ...), ``workedout.numerics.gmm``,
``workedout.numerics.alignment`` and ``workedout.derivations.gmm`` use it.
"""
from __future__ import annotations

from importlib import import_module

__all__ = ["lazy_names"]


def lazy_names(package: str, where: dict[str, str], namespace: dict | None = None):
    """``(__getattr__, __dir__)`` for ``package``, whose name ``n`` lives in module ``where[n]``.

    ``where`` values are module paths relative to ``package`` (``"._estep"``)
    or absolute. With ``namespace`` (the package's ``globals()``), a name
    once imported is stored there, so later uses skip ``__getattr__``.
    """
    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        if namespace is not None:
            namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*(namespace or {}), *where})

    return __getattr__, __dir__
