"""Gaussian mixtures by EM: the worked E-step and M-step, the derivation, fits, model selection, and the engine.

The topic's public names from both halves of the package, each imported on first use. Where they
live: ``workedout.derivations.gmm``, ``workedout.numerics.gmm``, ``workedout.numerics.gmm_plots``.
``select`` is the worked model selection (a Result); the engine's sweep is
``workedout.numerics.gmm.select``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.gmm': [
        'estep', 'mstep', 'derive', 'fit', 'select',
        'plot_fit', 'plot_select', 'gaussian_pdf', 'gaussian_pdf_nd', 'evaluate_update',
        'parse_update', 'read_init', 'CANONICAL',
    ],
    '.numerics.gmm': [
        'GaussianMixture', 'COVARIANCE_TYPES', 'e_step', 'm_step', 'n_parameters',
        'kmeans', 'kmeans_plusplus', 'adjusted_rand_index', 'NotFittedError', 'ConvergenceWarning',
    ],
    '.numerics.gmm_plots': [
        'plot_1d', 'plot_2d', 'plot_selection', 'plot_convergence',
    ],
})
