r"""Gaussian mixtures by EM: the E-step worked, the M-step derived and worked.

Public API (the maths is in each docstring):

* :func:`estep` -- responsibilities of one point by Bayes' rule, exactly,
  for a 1-D mixture (``sds``) or a d-dimensional one (``covariances``);
* :func:`derive` -- the EM updates derived from the expected complete-data
  log-likelihood, step by step, every step checked: the E-step, the means,
  the weights (Lagrange multiplier), full / tied / diag / spherical
  covariances, the second-order check, the K-means limit and the 1-D case;
  its :meth:`~derivations.result.Result.check` reads a student's updates written in the
  answer syntax (:data:`CANONICAL`);
* :func:`mstep` -- the derived updates evaluated exactly on data and
  responsibilities, as a hand calculation;
* :func:`evaluate_update` -- an update in the answer syntax evaluated on an
  :class:`Instance` (data, responsibilities, parameters);
* :func:`fit`, :func:`select` -- the numeric EM engine on a data set, and
  BIC/AIC model selection, reported as results; :func:`plot_fit`,
  :func:`plot_select` draw their figures;
* :func:`gaussian_pdf`, :func:`gaussian_pdf_nd`, :func:`demo_examples`.
"""
from ...numerics._lazy import lazy_names
from typing import TYPE_CHECKING

from ...numerics.gmm import COVARIANCE_TYPES

if TYPE_CHECKING:  # what type checkers see; at run time each name is imported on first use (PEP 562)
    from ._density import gaussian_pdf, gaussian_pdf_nd
    from ._derive import derive
    from ._estep import estep
    from ._fit import fit, plot_fit, plot_select, read_init, select
    from ._mstep import mstep
    from ._syntax import CANONICAL, Instance, UpdateError, evaluate_update, parse_update

__all__ = ["estep", "gaussian_pdf", "gaussian_pdf_nd", "derive", "mstep", "evaluate_update",
           "parse_update", "Instance", "UpdateError", "CANONICAL", "COVARIANCE_TYPES", "demo_examples",
           "fit", "select", "plot_fit", "plot_select", "read_init"]

#: Where each public name lives. ``workedout gmm estep`` imports only :mod:`._estep` (not the derivation
#: modules ``_derive*``, the engine or matplotlib): the names are imported on first use.
_MODULES = {
    "estep": "_estep", "gaussian_pdf": "_density", "gaussian_pdf_nd": "_density", "derive": "_derive",
    "mstep": "_mstep", "fit": "_fit", "select": "_fit", "plot_fit": "_fit", "plot_select": "_fit",
    "read_init": "_fit", "CANONICAL": "_syntax", "Instance": "_syntax", "UpdateError": "_syntax",
    "evaluate_update": "_syntax", "parse_update": "_syntax",
}


__getattr__, __dir__ = lazy_names(__name__, {name: f".{module}" for name, module in _MODULES.items()}, globals())

#: A small worked M-step: five points in the plane, two components.
DEMO_DATA = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 3]]
DEMO_RESP = [["9/10", "1/10"], ["4/5", "1/5"], ["3/4", "1/4"], ["1/10", "9/10"], ["1/5", "4/5"]]


def demo_examples() -> list:
    """The course's examples for ``workedout demo``."""
    from ..demo import Example
    from ._derive import derive
    from ._estep import estep
    from ._mstep import mstep
    return [
        Example("gmm-estep", lambda: estep(2, ["1/2", "1/2"], [0, 1], [1, 1])),
        Example("gmm-estep-unequal", lambda: estep("1/2", ["1/3", "2/3"], [0, 2], [1, "1/2"])),
        Example("gmm-estep-2d", lambda: estep([1, 2], ["1/2", "1/2"], [[0, 0], [1, 1]],
                                              covariances=[[[1, 0], [0, 1]], [[2, 1], [1, 2]]])),
        Example("gmm-mstep-full", lambda: mstep(DEMO_DATA, DEMO_RESP, "full")),
        Example("gmm-mstep-spherical", lambda: mstep(DEMO_DATA, DEMO_RESP, "spherical")),
        Example("gmm-derive", lambda: derive("all")),
        *_iris_examples(),
    ]


def _iris_examples() -> list:
    """The course's coding part on iris: 1-D petal width, 2-D petals, the selection sweep."""
    from ..demo import Example, Figure
    from ._fit import fit, plot_fit, plot_select, select
    from ...numerics.io import load_dataset
    width = load_dataset("iris", columns="petal_width")
    petals = load_dataset("iris", columns="petal_length,petal_width")
    fits = {}

    def fitted(name, data):
        if name not in fits:
            fits[name] = fit(data, k=3, covariance="full")
        return fits[name]

    def selection():
        if "select" not in fits:
            fits["select"] = select("iris", k="1-6", covariance="all", labels="species", n_init=3)
        return fits["select"]

    return [
        Example("gmm-fit-iris-petal-width", lambda: fitted("width", width)),
        Figure("gmm-iris-petal-width", "Iris petal width: histogram, the three fitted components and the mixture.",
               lambda path: plot_fit(fitted("width", width), width, path)),
        Example("gmm-fit-iris-petals", lambda: fitted("petals", petals)),
        Figure("gmm-iris-petals", "Iris petal length and width: clusters, 1- and 2-sigma ellipses and the "
                                  "decision boundaries of a 3-component full-covariance mixture.",
               lambda path: plot_fit(fitted("petals", petals), petals, path)),
        Example("gmm-select-iris", selection),
        Figure("gmm-select-iris", "BIC and AIC of Gaussian mixtures on the four iris measurements, "
                                  "K = 1 to 6, one line per covariance type.",
               lambda path: plot_select(selection(), path)),
    ]
