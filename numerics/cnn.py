r"""A small convolutional network in numpy, trained with Adam.

A model is a :class:`Sequential` list of layers, each with ``forward(x)``,
``backward(dy)`` (returning the gradient for its input and storing its
parameters' gradients in ``grads``) and ``params``. The layers wrap the
functions of :mod:`numerics.convolution`:

==================  ================================  ==============================
layer               forward                           shapes
==================  ================================  ==============================
:class:`Conv2D`     cross-correlation + bias          (N, C, H, W) -> (N, C', H', W')
:class:`ReLU`       :math:`\max(z, 0)`                any
:class:`MaxPool2D`  max over windows                  (N, C, H, W) -> (N, C, H/2, W/2)
:class:`Flatten`    reshape                           (N, C, H, W) -> (N, C*H*W)
:class:`Linear`     :math:`x W^\top + b`              (N, D) -> (N, D')
==================  ================================  ==============================

:func:`build_cnn` stacks ``conv_layers`` blocks of Conv2D (``same``
padding) -> ReLU -> MaxPool2D(2), then Flatten -> Linear to the class
scores; :func:`train` minimises the mean softmax cross-entropy by Adam over
shuffled mini-batches; :func:`sweep` trains one model per combination of
hyperparameters. Weights start as PyTorch's defaults do,
:math:`U(-1/\sqrt{\text{fan-in}}, 1/\sqrt{\text{fan-in}})`, from a seeded
generator: the same seed gives the same model, the same batches and the same
numbers.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from .convolution import (Adam, _check_conv, _conv2d_backward, _conv2d_forward, linear, linear_backward, maxpool2d,
                          maxpool2d_backward, relu, relu_backward, softmax_cross_entropy)

__all__ = ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Linear", "Sequential", "build_cnn", "check_architecture",
           "max_conv_layers", "DATASET_SHAPES", "train",
           "evaluate", "History", "sweep", "plot_learning_curve", "plot_sweep"]


# ================================================================== layers
class _Layer:
    params: list
    grads: list

    def __init__(self):
        self.params, self.grads = [], []

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()})"

    def _describe(self) -> str:
        return ""


class Conv2D(_Layer):
    """A convolution layer: weights (C_out, C_in, k, k), bias (C_out,)."""

    def __init__(self, c_in: int, c_out: int, kernel_size: int = 3, stride: int = 1, padding: int = 0,
                 *, rng: np.random.Generator | None = None, dtype=np.float32):
        super().__init__()
        rng = rng if rng is not None else np.random.default_rng(0)
        bound = 1 / math.sqrt(c_in * kernel_size * kernel_size)
        self.w = rng.uniform(-bound, bound, (c_out, c_in, kernel_size, kernel_size)).astype(dtype)
        self.b = rng.uniform(-bound, bound, c_out).astype(dtype)
        self.stride, self.padding = (stride, stride), (padding, padding)
        self.params = [self.w, self.b]
        self.need_input_grad = True  # Sequential turns it off for a first layer

    def forward(self, x, train=True):
        self.x = x
        x, w, b, _, _ = _check_conv(x, self.w, self.b, self.stride, self.padding)
        return _conv2d_forward(x, w, b, self.stride, self.padding)

    def backward(self, dy):
        dx, dw, db = _conv2d_backward(self.x, self.w, dy, self.stride, self.padding, self.need_input_grad)
        self.grads = [dw, db]
        return dx

    def _describe(self):
        c_out, c_in, k, _ = self.w.shape
        return f"{c_in}, {c_out}, kernel_size={k}, stride={self.stride[0]}, padding={self.padding[0]}"


class ReLU(_Layer):
    def forward(self, x, train=True):
        self.x = x
        return relu(x)

    def backward(self, dy):
        return relu_backward(self.x, dy)


class MaxPool2D(_Layer):
    def __init__(self, size: int = 2):
        super().__init__()
        self.size = size

    def forward(self, x, train=True):
        self.x = x
        return maxpool2d(x, self.size)

    def backward(self, dy):
        return maxpool2d_backward(self.x, dy, self.size)

    def _describe(self):
        return str(self.size)


class Flatten(_Layer):
    def forward(self, x, train=True):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.shape)


class Linear(_Layer):
    """A fully connected layer: weights (D_out, D_in), bias (D_out,)."""

    def __init__(self, d_in: int, d_out: int, *, rng: np.random.Generator | None = None, dtype=np.float32):
        super().__init__()
        rng = rng if rng is not None else np.random.default_rng(0)
        bound = 1 / math.sqrt(d_in)
        self.w = rng.uniform(-bound, bound, (d_out, d_in)).astype(dtype)
        self.b = rng.uniform(-bound, bound, d_out).astype(dtype)
        self.params = [self.w, self.b]

    def forward(self, x, train=True):
        self.x = x
        return linear(x, self.w, self.b)

    def backward(self, dy):
        dx, dw, db = linear_backward(self.x, self.w, dy)
        self.grads = [dw, db]
        return dx

    def _describe(self):
        return f"{self.w.shape[1]}, {self.w.shape[0]}"


class Sequential:
    """Layers applied in order; ``params`` and ``grads`` list every layer's, in order."""

    def __init__(self, layers: list):
        self.layers = list(layers)
        if self.layers and isinstance(self.layers[0], Conv2D):
            self.layers[0].need_input_grad = False  # the data need no gradient

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        """Backpropagate the gradient of the loss w.r.t. the output; each layer keeps its
        parameters' gradients in ``grads``. Returns the gradient w.r.t. the input
        (None when the first layer is a Conv2D, which skips it)."""
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    @property
    def params(self) -> list[np.ndarray]:
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        return [g for layer in self.layers for g in layer.grads]

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    def predict(self, X: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """Class scores (logits) of shape (N, n_classes), computed in batches."""
        return np.concatenate([self.forward(X[s:s + batch_size], train=False)
                               for s in range(0, len(X), batch_size)])

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)"


def build_cnn(input_shape: tuple[int, int, int], n_classes: int, *, conv_layers: int = 2,
              kernel_size: int = 3, channels: tuple[int, ...] | None = None, random_state: int = 0,
              dtype=np.float32) -> Sequential:
    """The course's small CNN.

    ``conv_layers`` blocks of Conv2D(kernel_size, padding kernel_size // 2) ->
    ReLU -> MaxPool2D(2) (the pool left out once the image is smaller than
    2x2), then Flatten -> Linear(n_classes).

    Parameters
    ----------
    input_shape : (C, H, W)
    n_classes : int
    conv_layers : int, at least 0 (0 gives multinomial logistic regression)
    kernel_size : int, odd, at least 1
    channels : tuple of int, optional
        Output channels per block; default 16, 32, 64, ...
    random_state : int
        Seed of the initial weights.
    """
    channels = check_architecture(input_shape, n_classes, conv_layers=conv_layers, kernel_size=kernel_size,
                                  channels=channels)[1]
    rng = np.random.default_rng(random_state)
    c, h, w = input_shape
    layers: list = []
    for i in range(conv_layers):
        layers += [Conv2D(c, channels[i], kernel_size, padding=kernel_size // 2, rng=rng, dtype=dtype), ReLU()]
        c = channels[i]
        if h >= 2 and w >= 2:
            layers.append(MaxPool2D(2))
            h, w = h // 2, w // 2
    layers += [Flatten(), Linear(c * h * w, n_classes, rng=rng, dtype=dtype)]
    return Sequential(layers)


def check_architecture(input_shape, n_classes: int, *, conv_layers: int = 2, kernel_size: int = 3,
                       channels=None, what: str = "",
                       names: tuple[str, str] = ("conv_layers", "kernel_size")) -> tuple[int, tuple[int, ...]]:
    r"""Refuse, before anything is built, a network :func:`build_cnn` cannot sensibly build.

    * ``kernel_size``: odd, at least 1 and at most the side of the images
      the first conv layer sees (the largest for 8x8 digits is 7);
    * ``conv_layers``: at most :math:`\lfloor \log_2 \min(H, W) \rfloor + 1`,
      the blocks that pool the image down to 1x1 plus one conv layer on it
      (8x8 digits: 4, 28x28: 5, 32x32: 6);
    * the weight count against the limit ``parameters``
      (:mod:`numerics.limits`, default 50 million).

    Returns ``(n_params, channels)``. ``what`` (e.g. ``" for digits"``) is
    added to the messages; ``names`` are the names the messages give
    ``conv_layers`` and ``kernel_size``. Raises ValueError naming the parameter.
    """
    from . import limits
    if (not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3
            or not all(isinstance(n, (int, np.integer)) and n >= 1 for n in input_shape)):
        raise ValueError(f"input_shape: {input_shape!r}; expected (channels, height, width), positive integers")
    if not isinstance(n_classes, (int, np.integer)) or isinstance(n_classes, bool) or n_classes < 1:
        raise ValueError(f"n_classes: {n_classes!r}; expected a positive integer")
    layers_name, kernel_name = names
    if not isinstance(conv_layers, (int, np.integer)) or isinstance(conv_layers, bool) or conv_layers < 0:
        raise ValueError(f"{layers_name}: {conv_layers!r}; expected an integer >= 0")
    if (not isinstance(kernel_size, (int, np.integer)) or isinstance(kernel_size, bool) or kernel_size < 1
            or kernel_size % 2 == 0):
        raise ValueError(f"{kernel_name}: {kernel_size!r}; expected an odd integer >= 1 (so 'same' padding "
                         f"keeps the image size)")
    c, h, w = (int(n) for n in input_shape)
    side = min(h, w)
    images = f"{h}x{w} images{what}"
    if conv_layers and kernel_size > side:
        largest = side if side % 2 else side - 1
        raise ValueError(f"{kernel_name}: {kernel_size} is larger than the {images} the first conv layer sees; "
                         f"the largest kernel for {images} is {largest}")
    most = max_conv_layers((c, h, w))
    if conv_layers > most:
        raise ValueError(f"{layers_name}: {conv_layers} is more than {images} allow: {most - 1} 2x2 max-pools "
                         f"bring the smaller side to 1, and one more conv layer sees that; at most {most} conv layers")
    channels = tuple(channels) if channels is not None else tuple(16 * 2 ** i for i in range(conv_layers))
    if len(channels) != conv_layers:
        raise ValueError(f"channels: {len(channels)} values for {conv_layers} conv layers")
    for n in channels:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
            raise ValueError(f"channels: {n!r}; expected positive integers")
    n_params, c_in = 0, c
    for c_out in channels:
        n_params += c_in * int(c_out) * kernel_size * kernel_size + int(c_out)
        c_in = int(c_out)
        if h >= 2 and w >= 2:
            h, w = h // 2, w // 2
    n_params += c_in * h * w * int(n_classes) + int(n_classes)
    limits.require("parameters", n_params,
                   what=f"{kernel_name}: a network of {conv_layers} conv layer(s) with {kernel_size}x{kernel_size} "
                        f"kernels on {c}x{int(input_shape[1])}x{int(input_shape[2])} images{what}, its weights")
    return n_params, tuple(int(n) for n in channels)


def max_conv_layers(input_shape) -> int:
    """The most conv layers :func:`check_architecture` allows on images of ``input_shape`` (C, H, W)."""
    return int(min(input_shape[1], input_shape[2])).bit_length()


#: The image shape (C, H, W) and class count of each data set of :func:`numerics.images.load_dataset`,
#: known before it is loaded (so a network that does not fit is refused before reading any data).
DATASET_SHAPES = {"digits": ((1, 8, 8), 10), "fashion-mnist": ((1, 28, 28), 10), "mnist": ((1, 28, 28), 10),
                  "cifar10": ((3, 32, 32), 10)}


# ================================================================ training
@dataclass
class History:
    """Per-epoch metrics of :func:`train` (lists of length ``epochs``).

    ``train_loss``/``train_accuracy`` are means over the epoch's mini-batches
    (each weighted by its size) as the weights changed; ``test_*`` are
    computed after the epoch. ``seconds`` is the wall time of each epoch's
    training (not of the evaluation).
    """

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


def evaluate(model: Sequential, X: np.ndarray, y: np.ndarray, batch_size: int = 512) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` on ``X`` (N, C, H, W) with labels ``y`` (N,)."""
    logits = model.predict(X, batch_size)
    loss, _ = softmax_cross_entropy(logits.astype(np.float64), y)
    return loss, float((logits.argmax(axis=1) == y).mean())


def train(model: Sequential, X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray | None = None,
          y_test: np.ndarray | None = None, *, epochs: int = 20, batch_size: int = 64, lr: float = 1e-3,
          random_state: int = 0, progress: bool | None = None, description: str = "training",
          blas_threads: int | None = 1) -> History:
    """Minimise the mean softmax cross-entropy by Adam over shuffled mini-batches.

    Parameters
    ----------
    model : Sequential
    X_train : ndarray of shape (N, C, H, W)
    y_train : ndarray of shape (N,), int class indices
    X_test, y_test : optional held-out data, evaluated after each epoch
    epochs, batch_size : int, at least 1
    lr : float
        Adam's learning rate (betas 0.9, 0.999; eps 1e-8).
    random_state : int
        Seed of the per-epoch shuffles.
    progress : bool or None
        A tqdm bar on stderr; None (default) shows it when stderr is a terminal or in a notebook
        (:func:`numerics.progress.enabled`).
    blas_threads : int or None
        Threads while training: the conv layers' engine
        (:mod:`numerics.convolution`) splits a batch among this many threads
        of its own when the work is large enough, and BLAS runs on one thread
        (through threadpoolctl), since a multi-threaded BLAS spin-waits and
        slows down badly when other work shares the cores. None: the engine
        takes the BLAS pool's size (by default the usable cores) and BLAS
        keeps its default outside the conv layers. The digits CNN's
        mini-batches are too small to share: one thread (the default) is as
        fast.

    Returns
    -------
    History
    """
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: {value!r}; expected a positive integer")
    X_train = np.asarray(X_train, dtype=model.params[0].dtype)
    if X_test is not None:
        X_test = np.asarray(X_test, dtype=X_train.dtype)
    optimiser = Adam(lr)
    rng = np.random.default_rng(random_state)
    history = History()
    n = len(X_train)
    from .progress import bar as progress_bar
    with _blas_threads(blas_threads), progress_bar(total=epochs * math.ceil(n / batch_size), desc=description,
                                                   unit="batch", progress=progress) as bar:
        for epoch in range(epochs):
            order = rng.permutation(n)
            t0 = time.perf_counter()
            total_loss, correct = 0.0, 0
            for s in range(0, n, batch_size):
                batch = order[s:s + batch_size]
                logits = model.forward(X_train[batch])
                loss, dlogits = softmax_cross_entropy(logits, y_train[batch])
                model.backward(dlogits)
                optimiser.step(model.params, model.grads)
                total_loss += loss * len(batch)
                correct += int((logits.argmax(axis=1) == y_train[batch]).sum())
                bar.update(1)
            history.seconds.append(time.perf_counter() - t0)
            history.train_loss.append(total_loss / n)
            history.train_accuracy.append(correct / n)
            if X_test is not None:
                test_loss, test_acc = evaluate(model, X_test, y_test)
                history.test_loss.append(test_loss)
                history.test_accuracy.append(test_acc)
                bar.set_postfix(epoch=epoch + 1, test_acc=f"{test_acc:.3f}")
    return history


def sweep(data, *, conv_layers=(1, 2), kernel_sizes=(3, 5), lrs=(1e-3, 1e-2), epochs: int = 10,
          batch_size: int = 64, random_state: int = 0, progress: bool | None = None) -> list[dict]:
    """Train one model per combination of hyperparameters.

    Parameters
    ----------
    data : numerics.images.ImageData
    conv_layers, kernel_sizes, lrs : sequences
        The grid; every combination is trained with the same seed, epochs and batches.

    Returns
    -------
    list of dict
        One per combination, in grid order: ``conv_layers``, ``kernel_size``,
        ``lr``, ``n_params``, ``final_test_accuracy``, ``best_test_accuracy``,
        ``final_test_loss``, ``final_train_loss``, ``history`` (a :class:`History`).
    """
    rows = []
    for layers, k in itertools.product(conv_layers, kernel_sizes):  # every model checked before any is trained
        check_architecture(data.input_shape, data.n_classes, conv_layers=layers, kernel_size=k)
    for layers, k, lr in itertools.product(conv_layers, kernel_sizes, lrs):
        model = build_cnn(data.input_shape, data.n_classes, conv_layers=layers, kernel_size=k,
                          random_state=random_state)
        h = train(model, data.X_train, data.y_train, data.X_test, data.y_test, epochs=epochs,
                  batch_size=batch_size, lr=lr, random_state=random_state, progress=progress,
                  description=f"conv_layers={layers} k={k} lr={lr:g}")
        rows.append({"conv_layers": layers, "kernel_size": k, "lr": lr, "n_params": model.n_params,
                     "final_test_accuracy": h.test_accuracy[-1], "best_test_accuracy": max(h.test_accuracy),
                     "final_test_loss": h.test_loss[-1], "final_train_loss": h.train_loss[-1],
                     "history": h})
    return rows


def _blas_threads(n: int | None):
    """A context giving the conv engine ``n`` threads and BLAS one (no-op for None)."""
    import contextlib
    from .convolution import _engine_threads
    if n is None:
        return contextlib.nullcontext()
    stack = contextlib.ExitStack()
    stack.enter_context(_engine_threads(n))
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return stack
    stack.enter_context(threadpool_limits(1, user_api="blas"))
    return stack


# ================================================================= figures
def plot_learning_curve(history: History, path, *, title: str = "") -> None:
    """Loss and accuracy per epoch, train and test, side by side; written by ``save_figure``."""
    from .figures import new_figure, save_figure
    epochs = np.arange(1, history.epochs + 1)
    fig = new_figure(9, 3.6)
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(epochs, history.train_loss, "o-", ms=3, label="train")
    ax_acc.plot(epochs, history.train_accuracy, "o-", ms=3, label="train")
    if history.test_loss:
        ax_loss.plot(epochs, history.test_loss, "s-", ms=3, label="test")
        ax_acc.plot(epochs, history.test_accuracy, "s-", ms=3, label="test")
    ax_loss.set(xlabel="epoch", ylabel="mean cross-entropy", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_loss.set_yscale("log")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    if title:
        fig.suptitle(title)
    save_figure(fig, path)


def plot_sweep(rows: list[dict], path, *, title: str = "") -> None:
    """Final test accuracy against the learning rate, one panel per number of
    conv layers, one line per kernel size; written by ``save_figure``."""
    from matplotlib.ticker import NullLocator
    from .figures import new_figure, save_figure
    layer_counts = sorted({r["conv_layers"] for r in rows})
    kernels = sorted({r["kernel_size"] for r in rows})
    fig = new_figure(3.6 * len(layer_counts) + 0.8, 3.6)
    axes = fig.subplots(1, len(layer_counts), sharey=True, squeeze=False)
    for ax, layers in zip(axes[0], layer_counts):
        for k in kernels:
            sel = sorted((r["lr"], r["final_test_accuracy"]) for r in rows
                         if r["conv_layers"] == layers and r["kernel_size"] == k)
            if sel:
                ax.plot([s[0] for s in sel], [s[1] for s in sel], "o-", label=f"kernel {k}x{k}")
        ax.set_xscale("log")
        lrs = sorted({r["lr"] for r in rows})
        ax.set_xticks(lrs, [f"{v:g}" for v in lrs])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set(xlabel="learning rate", title=f"{layers} conv layer{'s' if layers != 1 else ''}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("final test accuracy")
    axes[0][-1].legend()
    if title:
        fig.suptitle(title)
    save_figure(fig, path)
