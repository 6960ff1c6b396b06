"""The convolution topic's built-in examples for ``workedout demo``."""
from __future__ import annotations

import functools

from ._backprop import backprop
from ._cnn import train_cnn
from ._forward import convolve

__all__ = ["demo_examples"]

ONE_TO_NINE = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
EDGE_IMAGE = [[0, 0, 0, 9, 9, 9]] * 6
SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
FIVE_BY_FIVE = [[1, 2, 0, 1, 3], [0, 1, 2, 3, 1], [1, 0, 1, 2, 0], [2, 1, 0, 1, 1], [0, 2, 1, 0, 2]]
THREE_BY_THREE = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]


@functools.lru_cache(maxsize=1)
def _demo_training():
    """A short digits run shared by the demo's result and figure (a few seconds)."""
    return train_cnn("digits", epochs=6, lr=3e-3, progress=False)


def demo_examples() -> list:
    """The course's examples for ``workedout demo``."""
    from ..demo import Example, Figure

    def curve(path):
        from ...numerics.cnn import History, plot_learning_curve
        h = _demo_training().answer["history"]
        plot_learning_curve(History(**h), path, title="digits: 2 conv layers, kernel 3, lr 0.003, batch 64")

    return [
        Example("conv-3x3", lambda: convolve(ONE_TO_NINE, [[1, 0], [0, -1]])),
        Example("conv-5x5", lambda: convolve(FIVE_BY_FIVE, THREE_BY_THREE)),
        Example("conv-edge", lambda: convolve(EDGE_IMAGE, SOBEL_X)),
        Example("conv-stride-padding", lambda: convolve(ONE_TO_NINE, [[1, 1], [1, 1]], stride=2, padding=1)),
        Example("conv-channels", lambda: convolve([[[1, 0, 2], [0, 1, 0], [2, 0, 1]], [[0, 1, 0], [1, 0, 1],
                                                                                       [0, 1, 0]]],
                                                  [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]],
                                                   [[[1, 1], [0, 0]], [[0, 0], [1, -1]]]], bias=[1, -1])),
        Example("conv-flip", lambda: convolve(ONE_TO_NINE, [[1, 2], [3, 4]], flip=True)),
        Example("conv-backprop", lambda: backprop()),
        Example("cnn-digits", _demo_training),
        Figure("cnn-digits-learning-curve", "Learning curve of the numpy CNN on the 8x8 digits (6 epochs of Adam, "
                                            "lr 0.003): loss and accuracy per epoch, train and test.", curve),
    ]
