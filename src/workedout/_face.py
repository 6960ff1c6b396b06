"""Lazy re-exports for the topic modules of the public face (PEP 562).

A face module names where each public name lives; the name's module is
imported on first access, so ``from workedout.align import align`` does not
import the GMM engine, and ``import workedout.gmm`` costs nothing until used.
"""
from importlib import import_module

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, list[str]]):
    """``(__getattr__, __dir__, __all__)`` for a module re-exporting ``exports``.

    ``exports`` maps a module path relative to ``package`` (``".derivations.gmm"``)
    to the names it provides.
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name):
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(import_module(module, "workedout"), name)

    def __dir__():
        return sorted(where)

    return __getattr__, __dir__, sorted(where)
