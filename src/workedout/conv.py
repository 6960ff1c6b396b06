"""Convolution by hand, conv backprop, and the numpy CNN.

The topic's public names from both halves of the package, each imported on first use. Where they
live: ``workedout.derivations.convolution``, ``workedout.numerics.convolution``,
``workedout.numerics.cnn``, ``workedout.numerics.images``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.convolution': [
        'convolve', 'backprop', 'train_cnn', 'sweep_cnn', 'plot_training',
        'plot_sweep_result', 'read_array',
    ],
    '.numerics.convolution': [
        'conv2d', 'conv2d_backward', 'maxpool2d', 'maxpool2d_backward', 'relu',
        'relu_backward', 'linear', 'linear_backward', 'softmax_cross_entropy', 'Adam',
        'im2col', 'col2im', 'output_size',
    ],
    '.numerics.cnn': [
        'Conv2D', 'ReLU', 'MaxPool2D', 'Flatten', 'Linear',
        'Sequential', 'build_cnn', 'train', 'evaluate', 'History',
        'plot_learning_curve',
    ],
    '.numerics.images': [
        'digits_data', 'load_digits', 'load_dataset', 'load_mnist_idx', 'load_fashion_mnist',
        'load_cifar10', 'read_idx', 'ImageData', 'DATASETS',
    ],
})
