"""The normal densities, exactly (SymPy): what the worked E-step and its check both evaluate."""
from __future__ import annotations

import sympy as sp

__all__ = ["gaussian_pdf", "gaussian_pdf_nd", "NORMAL_DENSITY_INTEGRATES_TO_ONE"]

#: Where the fixed fact "the 1-D normal density integrates to 1 over the real line" is proved by SymPy
#: (symbolic mu and sigma > 0): once, in the test suite, not in every ``gmm estep`` (it took most of a second).
NORMAL_DENSITY_INTEGRATES_TO_ONE = "proved once in the test suite: tests/test_latency_imports.py"


def gaussian_pdf(x, mu, sigma) -> sp.Expr:
    r"""The 1-D normal density :math:`\frac{1}{\sigma\sqrt{2\pi}} e^{-(x-\mu)^2 / (2\sigma^2)}`."""
    return sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2)) / (sigma * sp.sqrt(2 * sp.pi))


def gaussian_pdf_nd(x: sp.Matrix, mu: sp.Matrix, cov: sp.Matrix) -> sp.Expr:
    r"""The d-dimensional normal density :math:`(2\pi)^{-d/2}|\Sigma|^{-1/2} e^{-(x-\mu)^\top\Sigma^{-1}(x-\mu)/2}`."""
    dev = x - mu
    q = (dev.T * cov.inv() * dev)[0]
    return sp.exp(-q / 2) / sp.sqrt((2 * sp.pi) ** cov.rows * cov.det())
