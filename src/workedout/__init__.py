"""workedout: the classic results of a data-mining and machine-learning course,
derived symbolically, worked step by step, checked, and proved against numerics.

The public face, one module per topic (each imports its topic only when used)::

    from workedout.gmm import estep, GaussianMixture
    from workedout.align import align, PairwiseAligner
    from workedout.apriori import apriori, frequent_itemsets
    from workedout.prefixspan import prefixspan
    from workedout.conv import convolve, conv2d
    from workedout.exercise import exercise

Behind it, two packages: :mod:`workedout.derivations` (exact, symbolic, worked
results; SymPy) and :mod:`workedout.numerics` (the fast, independent numeric
engines; numpy/scipy/numba; never imports SymPy or ``derivations``).
"""
from importlib import import_module as _import_module

__version__ = "0.1.0"
__all__ = ["__version__", "gmm", "align", "apriori", "prefixspan", "conv", "exercise", "derivations", "numerics"]

_SUBMODULES = {"gmm", "align", "apriori", "prefixspan", "conv", "exercise", "derivations", "numerics"}


def __getattr__(name):  # PEP 562: ``workedout.gmm`` imports the topic on first use
    if name in _SUBMODULES:
        return _import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
