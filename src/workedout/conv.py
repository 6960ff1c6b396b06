"""Convolution by hand, conv backprop, and the numpy CNN.

The public names of this topic, from both sides of the package (imported on
first use). Where each lives: ``workedout.derivations.convolution``, ``workedout.numerics.convolution``, ``workedout.numerics.cnn``, ``workedout.numerics.images``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.convolution': ['convolve', 'backprop', 'train_cnn', 'sweep_cnn', 'read_array', 'parse_pair', 'MAX_SIDE'],
    '.numerics.convolution': ['conv2d', 'conv2d_backward', 'maxpool2d', 'maxpool2d_backward', 'relu', 'relu_backward', 'linear', 'linear_backward', 'softmax_cross_entropy', 'Adam', 'im2col', 'col2im', 'output_size', 'pair'],
    '.numerics.cnn': ['Conv2D', 'ReLU', 'MaxPool2D', 'Flatten', 'Linear', 'Sequential', 'build_cnn', 'train', 'evaluate', 'History', 'sweep', 'plot_learning_curve', 'plot_sweep'],
    '.numerics.images': ['ImageData', 'load_digits', 'digits_data', 'read_idx', 'load_mnist_idx', 'load_fashion_mnist', 'load_cifar10', 'load_dataset', 'DATASETS', 'FASHION_MNIST_DIR', 'FASHION_MNIST_CLASSES', 'CIFAR10_CLASSES'],
})
