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
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .convolution import (Adam, _check_conv, _conv2d_backward, _conv2d_forward, linear, linear_backward, maxpool2d,
                          maxpool2d_backward, relu, relu_backward, softmax_cross_entropy)

__all__ = ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Linear", "Sequential", "build_cnn", "train",
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
    if not isinstance(conv_layers, int) or conv_layers < 0:
        raise ValueError(f"conv_layers: {conv_layers!r}; expected an integer >= 0")
    if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size: {kernel_size!r}; expected an odd integer >= 1 (so 'same' padding "
                         f"keeps the image size)")
    channels = tuple(channels) if channels is not None else tuple(16 * 2 ** i for i in range(conv_layers))
    if len(channels) != conv_layers:
        raise ValueError(f"channels: {len(channels)} values for {conv_layers} conv layers")
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
        A tqdm bar on stderr; None (default) shows it only when stderr is a terminal.
    blas_threads : int or None
        BLAS threads while training (through threadpoolctl when installed);
        None leaves the BLAS default. The mini-batch products are small: one
        thread is fastest, and several threads slow down badly when other
        work shares the cores.

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
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm import tqdm
    with _blas_threads(blas_threads), tqdm(total=epochs * math.ceil(n / batch_size), desc=description,
                                           unit="batch", file=sys.stderr, disable=not show, leave=False) as bar:
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
    """A context limiting the BLAS thread pool to ``n`` threads (no-op without threadpoolctl)."""
    import contextlib
    if n is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(n, user_api="blas")


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
