"""The full dynamic-programming tables of one pair: the engine's and the pure-Python reference's one result type.

Kept apart from the kernels so the reference (:mod:`._reference`) returns the
same type without importing numba.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DPTables"]


@dataclass(frozen=True)
class DPTables:
    """The full dynamic-programming tables, for small inputs (worked examples).

    Attributes
    ----------
    H, M, X, Y : ndarray of shape (n + 1, m + 1), float64
        Gotoh's matrices (module docstring) and :math:`H = \\max(M, X, Y)`,
        in local mode also :math:`\\max(0, \\cdot)`, so with linear gaps ``H``
        is the classic single table. ``-inf`` where no alignment ends in that
        state. Exact integers whenever the scoring is integral.
    arrows : ndarray of shape (n + 1, m + 1), uint16
        Bits ``M_FROM_M`` ... ``Y_FROM_Y`` of this module: the predecessor
        states that attain each state's maximum; ``M_START`` where a local
        alignment may start (the 0 is attained); ``M_END`` where ``M`` equals
        the local optimum. In local mode only predecessors scoring strictly
        between 0 and the optimum are arrows (the counting convention).
    score : int or float
        The optimal score.
    mode : str
    free_ends : tuple of bool
    seq1, seq2 : str
        The sequences, upper-case.
    """

    H: np.ndarray
    M: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    arrows: np.ndarray
    score: int | float
    mode: str
    free_ends: tuple[bool, bool, bool, bool]
    seq1: str
    seq2: str
