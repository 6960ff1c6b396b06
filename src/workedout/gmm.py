"""Gaussian mixtures by EM: the worked E-step and M-step, the derivation, fits and model selection.

The public names of this topic, from both sides of the package (imported on
first use). Where each lives: ``workedout.derivations.gmm``, ``workedout.numerics.gmm``, ``workedout.numerics.gmm_plots``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.gmm': ['estep', 'gaussian_pdf', 'gaussian_pdf_nd', 'derive', 'Derivation', 'mstep', 'evaluate_update', 'parse_update', 'Instance', 'UpdateError', 'CANONICAL', 'COVARIANCE_TYPES', 'fit', 'select', 'plot_fit', 'plot_select', 'read_init'],
    '.numerics.gmm': ['ConvergenceWarning', 'NotFittedError', 'check_random_state', 'e_step', 'm_step', 'n_parameters', 'kmeans_plusplus', 'KMeansResult', 'kmeans', 'adjusted_rand_index', 'parse_k_values', 'SelectionResult', 'GaussianMixture'],
    '.numerics.gmm_plots': ['PALETTE', 'MARKERS', 'MixtureParams', 'plot_1d', 'plot_2d', 'plot_selection', 'plot_convergence'],
})
