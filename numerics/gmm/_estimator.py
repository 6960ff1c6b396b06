"""scikit-learn's estimator protocol, without importing scikit-learn.

:class:`_Estimator` gives an estimator scikit-learn's ``get_params`` /
``set_params`` (so ``sklearn.base.clone``, ``Pipeline`` and ``GridSearchCV``
work), its changed-parameters-only ``repr`` and its ``__sklearn_tags__``;
:func:`_check_feature_names` and :func:`_check_n_features` are its checks of
``feature_names_in_`` and ``n_features_in_``, with its wording.

Why a local base rather than ``sklearn.base.BaseEstimator``: scikit-learn is
an optional peer, not a dependency of ``numerics``, and importing it costs
about a second, which every ``workedout gmm fit`` would pay. Its protocol is
duck-typed (``clone`` needs ``get_params``, the meta-estimators need
``__sklearn_tags__``), so the estimator behaves the same whether or not
scikit-learn is installed. Only ``__sklearn_tags__``, which only scikit-learn
calls, imports it. Where scikit-learn is already imported, the
:class:`NotFittedError` and :class:`ConvergenceWarning` raised are also
instances of scikit-learn's classes of the same names (a program can only
name those after importing scikit-learn), so ``except
sklearn.exceptions.NotFittedError`` and ``warnings.filterwarnings(...,
category=sklearn.exceptions.ConvergenceWarning)`` work on them.
"""
from __future__ import annotations

import inspect
import sys
import warnings
from collections import defaultdict
from importlib import import_module
from typing import Any

import numpy as np

from ._validation import ConvergenceWarning, NotFittedError

__all__: list[str] = []


class _Estimator:
    """get_params / set_params / repr / tags with scikit-learn's semantics."""

    @classmethod
    def _get_param_names(cls) -> list[str]:
        parameters = [p for p in inspect.signature(cls.__init__).parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD]
        if any(p.kind == p.VAR_POSITIONAL for p in parameters):
            raise RuntimeError(f"{cls.__name__}: an estimator names its parameters in __init__ (no *args)")
        return sorted(p.name for p in parameters)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters and their values.

        Parameters
        ----------
        deep : bool, default=True
            Also list the parameters of parameters that are estimators, as
            ``name__parameter``.

        Returns
        -------
        dict
        """
        out: dict[str, Any] = {}
        for key in self._get_param_names():
            value = getattr(self, key)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{key}__{k}", v) for k, v in value.get_params().items())
            out[key] = value
        return out

    def set_params(self, **params: Any) -> _Estimator:
        """Set parameters (``name=value``, or ``name__parameter=value`` for a nested estimator).

        Returns
        -------
        self
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = defaultdict(dict)
        for full_key, value in params.items():
            key, delim, sub_key = full_key.partition("__")
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {self}. "
                                 f"Valid parameters are: {self._get_param_names()!r}.")
            if delim:
                nested[key][sub_key] = value
            else:
                setattr(self, key, value)
                valid[key] = value
        for key, sub_params in nested.items():
            valid[key].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        """The parameters that differ from their defaults, by name (scikit-learn's ``print_changed_only``)."""
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            if default is inspect.Parameter.empty or repr(value) != repr(default):
                shown.append((name, value))
        return f"{type(self).__name__}(" + ", ".join(f"{k}={v!r}" for k, v in shown) + ")"

    def __sklearn_tags__(self):
        from sklearn.utils import (  # only scikit-learn calls this
            InputTags,
            Tags,
            TargetTags,
        )
        return Tags(estimator_type="density_estimator", target_tags=TargetTags(required=False),
                    input_tags=InputTags(), requires_fit=True)


# ---- feature names and the number of features, as scikit-learn checks them

def _feature_names(X: Any) -> np.ndarray | None:
    """The column names of a data frame when they are all strings, else None (scikit-learn's rule)."""
    columns = getattr(X, "columns", None)
    if columns is None or isinstance(X, np.ndarray):
        return None
    try:
        names = np.asarray(list(columns), dtype=object)
    except TypeError:
        return None
    if len(names) == 0:
        return None
    types = sorted({type(v).__qualname__ for v in names})
    if len(types) > 1 and "str" in types:
        raise TypeError("X: Feature names are only supported if all input features have string names, but "
                        f"your input has {types} as feature name / column name types. If you want feature "
                        "names to be stored and validated, you must convert them all to strings, by using "
                        "X.columns = X.columns.astype(str) for example. Otherwise you can remove feature / "
                        "column names from your input data, or convert them all to a non-string data type.")
    if types == ["str"]:
        return names
    return None


def _check_feature_names(estimator: Any, X: Any) -> None:
    """At predict time: warn or raise as scikit-learn does when the column names differ from fit's."""
    fitted = getattr(estimator, "feature_names_in_", None)
    given = _feature_names(X)
    name = type(estimator).__name__
    if fitted is None and given is None:
        return
    if fitted is None:
        warnings.warn(f"X has feature names, but {name} was fitted without feature names", UserWarning,
                      stacklevel=4)
        return
    if given is None:
        warnings.warn(f"X does not have valid feature names, but {name} was fitted with feature names",
                      UserWarning, stacklevel=4)
        return
    if len(fitted) == len(given) and np.all(fitted == given):
        return
    message = "X: The feature names should match those that were passed during fit.\n"
    unexpected = sorted(set(given) - set(fitted))
    missing = sorted(set(fitted) - set(given))

    def listed(names):
        lines = [f"- {n}\n" for n in names[:5]]
        return "".join(lines) + ("- ...\n" if len(names) > 5 else "")

    if unexpected:
        message += "Feature names unseen at fit time:\n" + listed(unexpected)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + listed(missing)
    if not unexpected and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def _check_n_features(estimator: Any, X: np.ndarray) -> None:
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(f"X has {X.shape[1]} features, but {type(estimator).__name__} is expecting "
                         f"{estimator.n_features_in_} features as input (it was fitted on shape "
                         f"(n_samples, {estimator.n_features_in_}))")


# ---- scikit-learn's exception classes, where scikit-learn is in use

#: The combined classes, by name: module attributes, so that pickling (joblib's workers) finds them.
_COMBINED_NAMES = {"_SklearnNotFittedError": (NotFittedError, "NotFittedError"),
                   "_SklearnConvergenceWarning": (ConvergenceWarning, "ConvergenceWarning")}


def _with_sklearn(ours: type, sklearn_name: str) -> type:
    """``ours``, or a subclass of it and of ``sklearn.exceptions.<sklearn_name>`` once scikit-learn is imported."""
    if "sklearn.exceptions" not in sys.modules:
        return ours
    return _combined(f"_Sklearn{sklearn_name}")


def _combined(name: str) -> type:
    combined = globals().get(name)
    if combined is None:
        ours, sklearn_name = _COMBINED_NAMES[name]
        theirs = getattr(import_module("sklearn.exceptions"), sklearn_name)
        combined = type(name, (ours, theirs), {"__module__": __name__, "__doc__": ours.__doc__})
        globals()[name] = combined
    return combined


def __getattr__(name: str):
    if name in _COMBINED_NAMES:        # unpickling in a process that has not raised one yet
        return _combined(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _not_fitted(estimator: Any) -> NotFittedError:
    cls = _with_sklearn(NotFittedError, "NotFittedError")
    return cls(f"This {type(estimator).__name__} instance is not fitted yet; call fit(X) first")


def _convergence_warning() -> type:
    return _with_sklearn(ConvergenceWarning, "ConvergenceWarning")
