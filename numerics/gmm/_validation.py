"""Checks of the engine's inputs, the random generator, and the engine's warning and error classes.

Every check raises an error that names the Python parameter it checks
(``weights: sum to 0.9; expected them to sum to 1``).
"""
from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

RandomState = int | np.random.RandomState | np.random.Generator | None


class ConvergenceWarning(UserWarning):
    """EM (or Lloyd's algorithm) stopped at ``max_iter`` before converging."""


class NotFittedError(ValueError, AttributeError):
    """A method that needs fitted parameters was called before ``fit``."""


def check_random_state(random_state: RandomState) -> np.random.RandomState | np.random.Generator:
    """Turn ``random_state`` into a random generator, as scikit-learn does.

    Parameters
    ----------
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None
        ``None``: numpy's global ``RandomState``; an int: a new
        ``RandomState(random_state)`` (so the same seed gives scikit-learn's
        random choices); a generator: used as it is.

    Returns
    -------
    numpy.random.RandomState or numpy.random.Generator
    """
    if random_state is None:
        return np.random.mtrand._rand
    if isinstance(random_state, (np.random.RandomState, np.random.Generator)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= int(random_state) < 2**32:
            raise ValueError(f"random_state: {random_state} is out of range; expected an int in [0, 2**32)")
        return np.random.RandomState(int(random_state))
    raise TypeError(f"random_state: got {random_state!r} of type {type(random_state).__name__}; "
                    "expected an int, None, numpy.random.RandomState or numpy.random.Generator")


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# ---- validation

def _check_int(value: Any, name: str, minimum: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name}: got {value!r} of type {type(value).__name__}; expected an int >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name}: got {value}; expected an int >= {minimum}")
    return int(value)


def _check_nonneg_real(value: Any, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name}: got {value!r} of type {type(value).__name__}; expected a number >= 0")
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(f"{name}: got {value}; expected a finite number >= 0")
    return float(value)


def _check_n_components(value: Any, n_samples: int, name: str) -> int:
    K = _check_int(value, name, 1)
    if K > n_samples:
        raise ValueError(f"{name}: {K} components but only {n_samples} samples; use at most {n_samples} "
                         "components (n_samples >= n_components)")
    return K


def _as_float_array(value: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: cannot be read as an array of numbers ({exc})") from None
    return arr


def _where_not_finite(arr: np.ndarray) -> str:
    bad = np.argwhere(~np.isfinite(arr))[0]
    value = arr[tuple(bad)]
    if arr.ndim == 2:
        return f"row {bad[0]}, column {bad[1]} (0-based) is {value}"
    return f"index {tuple(int(b) for b in bad)} is {value}"


def _check_X(X: ArrayLike, name: str = "X") -> np.ndarray:
    if _is_sparse(X):   # scikit-learn's error type and words, so its estimator checks recognise them
        raise TypeError(f"{name}: sparse input ({type(X).__name__}) is not supported; expected a dense "
                        f"array of shape (n_samples, n_features) (convert with {name}.toarray())")
    raw = np.asarray(X)
    if raw.dtype.kind == "c" or (raw.dtype == object and any(isinstance(v, complex) for v in raw.flat)):
        raise ValueError(f"{name}: Complex data not supported ({raw.dtype} values); expected real numbers")
    if raw.dtype.kind in "USVmM":
        raise TypeError(f"{name}: an array of {raw.dtype} values; expected real numbers "
                        "(read text with numerics.io.read_matrix)")
    arr = _as_float_array(raw, name)
    if arr.ndim == 1:
        raise ValueError(f"{name}: 1-D array of shape {arr.shape}; expected shape (n_samples, n_features). "
                         f"Reshape your data: {name}.reshape(-1, 1) for one feature, "
                         f"{name}.reshape(1, -1) for one sample")
    if arr.ndim != 2:
        raise ValueError(f"{name}: {arr.ndim}-D array; expected shape (n_samples, n_features)")
    if arr.shape[0] < 1:
        raise ValueError(f"{name}: Found array with 0 sample(s) (shape={arr.shape}) while a minimum of 1 "
                         "is required; expected at least one sample")
    if arr.shape[1] < 1:
        raise ValueError(f"{name}: Found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 "
                         "is required; expected at least one feature")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or inf: {_where_not_finite(arr)}; remove or impute it")
    return np.ascontiguousarray(arr)


def _is_sparse(X: Any) -> bool:
    """A scipy.sparse matrix or array (or anything else that calls itself sparse), without importing scipy.sparse."""
    return type(X).__module__.startswith("scipy.sparse") or bool(getattr(X, "__sparse__", False)) or (
        hasattr(X, "nnz") and hasattr(X, "toarray"))


def _infer_n_components(weights: ArrayLike) -> int:
    w = _as_float_array(weights, "weights")
    if w.ndim != 1 or w.shape[0] < 1:
        raise ValueError(f"weights: shape {w.shape}; expected shape (n_components,)")
    return w.shape[0]


def _check_array_shape(value: ArrayLike, shape: tuple[int, ...], name: str) -> np.ndarray:
    arr = _as_float_array(value, name)
    if arr.shape != shape:
        raise ValueError(f"{name}: shape {arr.shape}; expected {shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or inf: {_where_not_finite(arr)}")
    return arr


def _check_weights(weights: ArrayLike, K: int, name: str = "weights") -> np.ndarray:
    w = _check_array_shape(weights, (K,), name)
    if (w < 0).any() or (w > 1).any():
        i = int(np.argmax((w < 0) | (w > 1)))
        raise ValueError(f"{name}: entry {i} is {w[i]}; expected weights in [0, 1]")
    if abs(w.sum() - 1.0) > 1e-8:
        raise ValueError(f"{name}: sum to {w.sum():.10g}; expected them to sum to 1")
    return w


def _check_means(means: ArrayLike, K: int, d: int, name: str = "means") -> np.ndarray:
    return _check_array_shape(means, (K, d), name)


def _check_resp(resp: ArrayLike, n: int) -> np.ndarray:
    r = _as_float_array(resp, "resp")
    if r.ndim != 2 or r.shape[0] != n or r.shape[1] < 1:
        raise ValueError(f"resp: shape {r.shape}; expected (n_samples, n_components) with n_samples={n}")
    if not np.isfinite(r).all():
        raise ValueError(f"resp: contains NaN or inf: {_where_not_finite(r)}")
    if (r < 0).any():
        bad = np.argwhere(r < 0)[0]
        raise ValueError(f"resp: row {bad[0]}, column {bad[1]} is {r[tuple(bad)]}; expected responsibilities >= 0")
    return np.ascontiguousarray(r)
