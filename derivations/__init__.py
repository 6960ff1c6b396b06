"""Exact, symbolic, worked results (SymPy), their printers and the CLI."""

__version__ = "0.1.0"
__all__ = ["__version__"]
