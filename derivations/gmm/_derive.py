r"""EM for a Gaussian mixture, derived step by step and checked.

:func:`derive` builds the proof of the EM updates from the expected
complete-data log-likelihood

.. math::

    Q(\theta, \theta^{old}) = \sum_{i=1}^n \sum_{k=1}^K \gamma_{ik}
      \bigl\{\ln\pi_k + \ln\mathcal N(x_i \mid \mu_k, \Sigma_k)\bigr\},

in the order of Bishop's PRML section 9.2: the model, the E-step by Bayes'
rule, the M-step for the means, the weights (Lagrange multiplier), the
covariances (full, tied, diagonal, spherical, each in scikit-learn's
convention), the second-order check, the K-means limit and the 1-D case.

Every step carries a program check (see :mod:`derivations.gmm._explicit` and
:mod:`derivations.matrix_calculus`); each final update is substituted back
into SymPy's own gradient of the explicit objective and shown to make it
vanish, and the updates as written in the answer syntax
(:mod:`derivations.gmm._syntax`) are evaluated against the explicit
solutions and against :mod:`numerics.gmm`.

This module assembles the proof and says how a student's updates are
checked; each section is built, with its checks, in a module of its own:

* :mod:`._derive_model` -- 1. the model, 2. the E-step, 3. the matrix calculus;
* :mod:`._derive_means_weights` -- 4. the means, 5. the weights;
* :mod:`._derive_full_tied` -- 6. full and 7. tied covariances;
* :mod:`._derive_diag_spherical` -- 8. diagonal and 9. spherical covariances;
* :mod:`._derive_second_order_kmeans` -- 10. the second-order check, 11. the K-means limit;
* :mod:`._derive_one_d_summary` -- 12. the 1-D case, 13. the summary;
* :mod:`._derive_moves` -- the moves on SymPy sums that the sections make.
"""
from __future__ import annotations

import functools
import json

from ...numerics.gmm import COVARIANCE_TYPES
from ..result import Checker, Result, Section, Step, words
from ._check import derive_subject
from ._derive_diag_spherical import cov_diag, cov_spherical
from ._derive_full_tied import cov_full, cov_tied
from ._derive_means_weights import means, weights
from ._derive_model import estep, matrix_identities, model
from ._derive_one_d_summary import one_d, summary
from ._derive_second_order_kmeans import kmeans_limit, second_order
from ._notation import tex
from ._syntax import CANONICAL, compare_update

__all__ = ["derive"]

#: The covariance M-step of each type, in the order of :data:`COVARIANCE_TYPES`.
_COVARIANCE_SECTIONS = {"full": cov_full, "tied": cov_tied, "diag": cov_diag, "spherical": cov_spherical}


# ---------------------------------------------------------------- the check
def _update_checker(types: tuple) -> Checker:
    """A student's updates are strings in the answer syntax (:mod:`._syntax`), each compared as a formula.

    For each one the report says whether it is the derived update and, if
    not, why not ("divides by N instead of N_k").
    """
    def rule(location: str, expected, given) -> str | None:
        key = location.removeprefix("covariances.")
        if location == "covariances":
            key = types[0]
        if not isinstance(given, str):
            return "expected the update as a string in the answer syntax, e.g. " + json.dumps(CANONICAL["means"])
        return compare_update(key, given)
    return Checker(scalars={name: rule for name in ("responsibilities", "means", "weights", "covariances",
                                                    "covariances.*")},
                   subject=derive_subject)


# ------------------------------------------------------------------ derive
def derive(covariance: str = "all") -> Result:
    r"""Derive the EM updates of a Gaussian mixture, every step checked.

    Parameters
    ----------
    covariance : {'full', 'tied', 'diag', 'spherical', 'all'}
        Which covariance derivations to include (the model, E-step, means,
        weights, K-means limit and 1-D case are always included).

    Returns
    -------
    Result
        A :class:`~derivations.result.Result`. Answer keys (strings in the
        answer syntax of :mod:`derivations.gmm._syntax`):
        ``responsibilities``, ``means``, ``weights``, and ``covariances``
        (one string for a single type, an object keyed by type for ``all``):

        * ``means``: :math:`\mu_k = \frac{1}{N_k}\sum_i \gamma_{ik} x_i`;
        * ``weights``: :math:`\pi_k = N_k / N`;
        * ``full``: :math:`\Sigma_k = \frac1{N_k}\sum_i\gamma_{ik}(x_i-\mu_k)(x_i-\mu_k)^\top`;
        * ``tied``: :math:`\Sigma = \frac1N\sum_k\sum_i\gamma_{ik}(x_i-\mu_k)(x_i-\mu_k)^\top`;
        * ``diag``: :math:`\sigma^2_{kj} = \frac1{N_k}\sum_i\gamma_{ik}(x_{ij}-\mu_{kj})^2`;
        * ``spherical``: :math:`\sigma^2_k = \frac1{d N_k}\sum_i\gamma_{ik}\lVert x_i-\mu_k\rVert^2`.
    """
    if covariance == "all":
        types = list(COVARIANCE_TYPES)
    elif covariance in COVARIANCE_TYPES:
        types = [covariance]
    else:
        raise ValueError(f"covariance: {covariance!r} is not a covariance type; expected one of "
                         f"{', '.join(COVARIANCE_TYPES)} or all")
    return _build(tuple(types))


@functools.lru_cache(maxsize=8)
def _build(types: tuple) -> Result:
    proof = _Proof(types)
    for section in (model, estep, matrix_identities, means, weights):
        section(proof)
    for t in types:
        _COVARIANCE_SECTIONS[t](proof)
    for section in (second_order, kmeans_limit, one_d, summary):
        section(proof)
    which = "all four covariance types" if len(types) == 4 else f"{types[0]} covariances"
    answer = {"responsibilities": CANONICAL["responsibilities"], "means": CANONICAL["means"],
              "weights": CANONICAL["weights"],
              "covariances": ({t: CANONICAL[t] for t in types} if len(types) > 1 else CANONICAL[types[0]])}
    sources = {"responsibilities": "bayes", "means": "solve_mu", "weights": "weights"}
    if len(types) > 1:
        sources.update({f"covariances.{t}": f"solve_{t}" for t in types})
    sources["covariances"] = f"solve_{types[0]}"
    result = Result(
        kind="gmm.derive",
        title=f"EM for a Gaussian mixture, derived ({which})",
        intro=words("We derive the EM updates of a mixture of ", tex("K"), " Gaussians in ", tex("d"),
                    " dimensions from the expected complete-data log-likelihood, in the order of Bishop, "
                    "Pattern Recognition and Machine Learning, sections 9.2 and 9.3. Every step marked checked was "
                    "verified by a program: matrix identities entry by entry in explicit dimensions, sums written "
                    "out for explicit ", tex("n, d, K"), " with symbolic entries, each solution substituted back "
                    "into SymPy's own gradient, and the final updates evaluated against the independent numeric EM "
                    "of numerics.gmm."),
        steps=proof.steps, answer=answer, sources=sources,
        notes=["The answer keys hold each update in the answer syntax of workedout gmm derive --check "
               "(see the README): sum(...) over i, sum(..., k) over components, dot, outer."],
        checker=_update_checker(types))
    return result


# ================================================================= the proof
class _Proof:
    """The steps of the derivation, appended section by section (each section module adds its own)."""

    def __init__(self, types: tuple):
        self.types = types
        self.steps: list = []

    def section(self, title, *intro):
        self.steps.append(Section(title, words(*intro) if intro else ()))

    def step(self, statement, why, label, check=None):
        self.steps.append(Step(statement, why=why, check=check, label=label))
