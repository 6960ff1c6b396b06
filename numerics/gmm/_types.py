"""The names of the covariance types: the one list every layer reads.

It has no dependencies, so that the command line can offer the choices
without loading the engine (numpy, scipy, numba).
"""

#: The four covariance types, in scikit-learn's spelling and order.
COVARIANCE_TYPES: tuple[str, ...] = ("full", "tied", "diag", "spherical")
