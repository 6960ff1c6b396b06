r"""Convolution worked by hand, its backpropagation derived, and a small CNN trained.

Public API:

* :func:`convolve` -- one convolution worked exactly: the output size
  :math:`\lfloor (n + 2p - k)/s \rfloor + 1`, every output cell as a sum of
  products with its window boxed in the input grid, the im2col product
  :math:`W P` and the doubly blocked Toeplitz product :math:`T\,\mathrm{vec}(\tilde X)`,
  each checked against the direct sums and against
  :mod:`numerics.convolution` and the shift-and-add sums of the definition;
  stride, zero padding, several input and output channels with bias, and
  ``flip=True`` for the mathematical convolution (kernel rotated by 180°).
* :func:`backprop` -- the gradients of a convolution layer derived with SymPy
  on explicit dimensions (:math:`\partial L/\partial W = X \star G`,
  :math:`\partial L/\partial X` the full convolution of :math:`G` with the
  kernel, :math:`\partial L/\partial b = \sum G`) and worked on numbers; then
  ReLU, 2x2 max-pooling, softmax with cross-entropy and one Adam step.
* :func:`train_cnn`, :func:`sweep_cnn` -- the numpy CNN of :mod:`numerics.cnn`
  trained on a data set, as a result (tables of metrics) with figures.
* :func:`read_array` -- a matrix or nested array from the command line:
  ``[[1,2],[3,4]]``, a CSV file (one matrix) or a JSON file (nested lists).

Indices in the worked text are 1-based (:math:`y_{11}` is the top-left
output cell, as on paper); locations in the JSON answer are 0-based
(``output[0][0]``).

Where each part lives:

* ``_input``        -- :func:`read_array`, :func:`parse_pair`: the inputs as exact numbers;
* ``_forward``      -- :func:`convolve` and :class:`ConvProblem`: the output size and every cell;
* ``_matrix_forms`` -- the im2col and doubly blocked Toeplitz products;
* ``_backprop``     -- :func:`backprop`: the convolution layer's gradients;
* ``_layers``       -- ReLU, max-pooling, softmax cross-entropy and Adam, worked;
* ``_cnn``          -- :func:`train_cnn`, :func:`sweep_cnn`;
* ``_notation``     -- how numbers, sums and matrices are written;
* ``_demo``         -- :func:`demo_examples`.
"""
from typing import TYPE_CHECKING

from ...numerics._lazy import lazy_names

if TYPE_CHECKING:  # what type checkers see; at run time each name is imported on first use (PEP 562)
    from ._backprop import backprop
    from ._cnn import plot_sweep_result, plot_training, sweep_cnn, train_cnn
    from ._demo import demo_examples
    from ._forward import MAX_SIDE, convolve
    from ._input import parse_pair, read_array

__all__ = ["convolve", "backprop", "train_cnn", "sweep_cnn", "plot_training", "plot_sweep_result", "read_array",
           "parse_pair",
           "demo_examples", "MAX_SIDE"]

#: Where each public name lives. ``workedout conv`` imports neither the CNN trainer (:mod:`._cnn`) nor the
#: demo's modules: the names are imported on first use.
_MODULES = {"convolve": "._forward", "MAX_SIDE": "._forward", "backprop": "._backprop", "train_cnn": "._cnn",
            "sweep_cnn": "._cnn", "plot_training": "._cnn", "plot_sweep_result": "._cnn",
            "read_array": "._input", "parse_pair": "._input", "demo_examples": "._demo"}

__getattr__, __dir__ = lazy_names(__name__, _MODULES, globals())
