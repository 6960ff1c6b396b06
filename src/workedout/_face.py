"""Lazy re-exports for the topic modules of the public face (PEP 562).

A face module names where each public name lives; the name's module is
imported on first access, so ``from workedout.align import align`` does not
import the GMM engine, and ``import workedout.gmm`` costs nothing until used.
The mechanism is the package's one lazy import (:mod:`workedout.numerics._lazy`).
"""
from .numerics._lazy import lazy_names

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, list[str]]):
    """``(__getattr__, __dir__, __all__)`` for a module re-exporting ``exports``.

    ``exports`` maps a module path relative to the ``workedout`` package
    (``".derivations.gmm"``) to the names it provides.
    """
    where = {name: f"workedout{module}" for module, names in exports.items() for name in names}
    getattr_, dir_ = lazy_names(package, where)
    return getattr_, dir_, sorted(where)
