"""Fast, independent numeric engines (numpy/scipy/numba).

This package never imports :mod:`derivations` or SymPy: it is the oracle the
exact, worked results are proved against.
"""

__all__: list[str] = []
