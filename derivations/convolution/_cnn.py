"""The numpy CNN of :mod:`numerics.cnn` trained on a data set, reported as a result.

:func:`train_cnn` trains one model and tabulates its learning curve;
:func:`sweep_cnn` trains one per combination of hyperparameters. Their
figures are drawn by :mod:`numerics.cnn` (written by
:func:`numerics.figures.save_figure`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy as sp

from ..markup import Tex
from ..result import Chain, Given, InlineMath, Prose, Result, Step, Table, checked, words
from ..shown import decimal, text_of, validate_digits

__all__ = ["train_cnn", "sweep_cnn"]


def _load_standardized(dataset, data_dir, seed):
    """The data set, standardised per channel."""
    from ...numerics.images import load_dataset
    return load_dataset(dataset, data_dir, random_state=seed).standardized()


def _architecture_table(model, input_shape) -> Table:
    """One row per layer: its description, its output shape on one input, its number of parameters."""
    rows = []
    x = np.zeros((1, *input_shape), dtype=np.float32)
    for layer in model.layers:
        x = layer.forward(x, train=False)
        n = sum(p.size for p in layer.params)
        rows.append([repr(layer), " x ".join(str(s) for s in x.shape[1:]), sp.Integer(n)])
    return Table(["layer", "output shape", "parameters"], rows, align="llr")


def train_cnn(dataset: str = "digits", *, data_dir=None, conv_layers: int = 2, kernel_size: int = 3,
              lr: float = 1e-3, epochs: int = 20, batch_size: int = 64, seed: int = 0, plot=None,
              progress: bool | None = None, digits: int = 4) -> Result:
    """Train the numpy CNN of :func:`numerics.cnn.build_cnn` with Adam and report it.

    Parameters
    ----------
    dataset : "digits", "fashion-mnist", "mnist" or "cifar10"
    data_dir : path, optional
        Where the IDX files or CIFAR-10 batches are (digits are shipped).
    conv_layers, kernel_size, lr, epochs, batch_size, seed
        The model and the training (the seed fixes the digits split, the
        initial weights and the batches).
    plot : path, optional
        Write the learning curve (loss and accuracy per epoch) there.
    digits : int, default 4
        Significant digits of every decimal shown (losses, accuracies); the
        answer keeps the full floats.

    Returns
    -------
    Result
        Answer keys: ``test_accuracy`` and ``test_loss`` (after the last epoch),
        ``history`` (``train_loss``, ``train_accuracy``, ``test_loss``,
        ``test_accuracy``: one value per epoch), ``n_params``, ``architecture``.
    """
    from ...numerics.cnn import DATASET_SHAPES, build_cnn, check_architecture, evaluate, train
    _check_positive_int(epochs, "epochs")
    _check_positive_int(batch_size, "batch_size")
    _check_lr(lr)
    digits = validate_digits(digits)
    if dataset in DATASET_SHAPES:  # refused before any data is read
        check_architecture(*DATASET_SHAPES[dataset], conv_layers=conv_layers, kernel_size=kernel_size,
                           what=f" of {dataset}")
    data = _load_standardized(dataset, data_dir, seed)
    model = build_cnn(data.input_shape, data.n_classes, conv_layers=conv_layers, kernel_size=kernel_size,
                      random_state=seed)
    arch = _architecture_table(model, data.input_shape)
    h = train(model, data.X_train, data.y_train, data.X_test, data.y_test, epochs=epochs, batch_size=batch_size,
              lr=lr, random_state=seed, progress=progress)
    loss, acc = evaluate(model, data.X_test, data.y_test)
    rows = [[sp.Integer(e + 1), *(decimal(v, digits) for v in (h.train_loss[e], h.train_accuracy[e],
                                                                   h.test_loss[e], h.test_accuracy[e]))]
            for e in range(h.epochs)]
    steps = [
        Step(arch, why=words(f"the model: {conv_layers} block(s) of convolution ({kernel_size}x{kernel_size}, "
                             f"zero padding {kernel_size // 2} so the size is kept), ReLU and 2x2 max-pooling, "
                             f"then a linear layer to the {data.n_classes} class scores; weights drawn as "
                             f"PyTorch's defaults with seed {seed}")),
        Step(Table(["epoch", "train loss", "train accuracy", "test loss", "test accuracy"], rows, align="rrrrr"),
             why=words(f"Adam (lr {lr:g}, betas 0.9, 0.999) on the mean softmax cross-entropy, mini-batches of "
                       f"{batch_size} in a new seeded order each epoch; the train columns are means over the "
                       f"epoch's batches, the test columns are measured after it"),
             label="history"),
        Step(Chain(InlineMath(Tex(r"\text{test accuracy}"), "test accuracy"), [decimal(acc, digits)]),
             why=words(f"after {epochs} epoch(s), on {len(data.y_test)} held-out images"),
             check=checked("recomputed from the trained model's predictions on the test set, equal to the "
                           "last epoch's value", np.isclose(acc, h.test_accuracy[-1])),
             label="accuracy"),
    ]
    split = ("a fixed 80/20 split of the 1797 images (seed " + str(seed) + ")" if dataset == "digits"
             else "the official train/test split")
    result = Result(
        kind="cnn.train", title=f"A CNN trained on {dataset} with Adam (numpy)",
        givens=[Given("data set", dataset, f"{len(data.y_train)} training and {len(data.y_test)} test images "
                                           f"of shape {' x '.join(map(str, data.input_shape))}, {split}"),
                Given("conv layers", sp.Integer(conv_layers)), Given("kernel size", sp.Integer(kernel_size)),
                Given("learning rate", f"{lr:g}"), Given("epochs", sp.Integer(epochs)),
                Given("batch size", sp.Integer(batch_size)), Given("seed", sp.Integer(seed))],
        steps=steps,
        answer={"test_accuracy": acc, "test_loss": loss,
                "history": {"train_loss": h.train_loss, "train_accuracy": h.train_accuracy,
                            "test_loss": h.test_loss, "test_accuracy": h.test_accuracy},
                "n_params": model.n_params, "architecture": [repr(layer) for layer in model.layers]},
        sources={"test_accuracy": "accuracy", "test_loss": "history", "history": "history"},
        intro=words("Images are standardised per channel with the training set's mean and standard deviation."))
    if plot:
        plot_training(result, plot)
        result.notes.append(f"Figure written to {plot}.")
    return result


def plot_training(result: Result, path) -> None:
    """The learning curve of a :func:`train_cnn` result: loss and accuracy per epoch, train and test."""
    from ...numerics.cnn import History, plot_learning_curve
    g = {given.name: given.value for given in result.givens}
    plot_learning_curve(History(**result.answer["history"]), path,
                        title=f"{g['data set']}: {g['conv layers']} conv layer(s), kernel {g['kernel size']}, "
                              f"lr {g['learning rate']}, batch {g['batch size']}")
    result.add_figure(path)  # a .png is shown with the result in a notebook


def sweep_cnn(dataset: str = "digits", *, data_dir=None, conv_layers: Sequence[int] = (1, 2),
              kernel_sizes: Sequence[int] = (3, 5), lrs: Sequence[float] = (1e-3, 1e-2), epochs: int = 10,
              batch_size: int = 64, seed: int = 0, plot=None, progress: bool | None = None,
              digits: int = 4) -> Result:
    """Train one CNN per combination of conv layers, kernel size and learning rate.

    ``digits``: significant digits of every decimal shown (the answer keeps the full floats).

    Returns
    -------
    Result
        Answer key ``runs``: one object per combination (``conv_layers``,
        ``kernel_size``, ``lr``, ``n_params``, ``final_test_accuracy``,
        ``best_test_accuracy``, ``final_test_loss``, ``final_train_loss``), and
        ``best`` (the run with the highest final test accuracy).
    """
    from ...numerics.cnn import sweep
    _check_positive_int(epochs, "epochs")
    _check_positive_int(batch_size, "batch_size")
    for v in conv_layers:
        if not isinstance(v, int) or v < 0:
            raise ValueError(f"conv_layers: {v!r}; expected integers >= 0")
    for v in kernel_sizes:
        if not isinstance(v, int) or v < 1 or v % 2 == 0:
            raise ValueError(f"kernel_sizes: {v!r}; expected odd integers >= 1")
    for v in lrs:
        _check_lr(v, "lrs")
    digits = validate_digits(digits)
    from ...numerics.cnn import DATASET_SHAPES, check_architecture
    if dataset in DATASET_SHAPES:  # every combination, before any data is read or any model trained
        for layers in conv_layers:
            for k in kernel_sizes:
                check_architecture(*DATASET_SHAPES[dataset], conv_layers=layers, kernel_size=k,
                                   what=f" of {dataset}", names=("conv_layers", "kernel_sizes"))
    data = _load_standardized(dataset, data_dir, seed)
    rows = sweep(data, conv_layers=tuple(conv_layers), kernel_sizes=tuple(kernel_sizes), lrs=tuple(lrs),
                 epochs=epochs, batch_size=batch_size, random_state=seed, progress=progress)
    runs = [{k: v for k, v in r.items() if k != "history"} for r in rows]
    best = max(range(len(runs)), key=lambda n: (runs[n]["final_test_accuracy"], -n))
    table = Table(["conv layers", "kernel", "lr", "parameters", "final test acc.", "best test acc.",
                   "final test loss"],
                  [[sp.Integer(r["conv_layers"]), sp.Integer(r["kernel_size"]), f"{r['lr']:g}",
                    sp.Integer(r["n_params"]), *(decimal(r[k], digits) for k in
                                                 ("final_test_accuracy", "best_test_accuracy", "final_test_loss"))]
                   for r in runs], align="rrrrrrr")
    steps = [Step(table, why=words(f"{len(runs)} models, each trained for {epochs} epoch(s) with the same seed "
                                   f"({seed}) and batch size ({batch_size})"), label="runs"),
             Step(Prose(words(f"Best: {runs[best]['conv_layers']} conv layer(s), kernel {runs[best]['kernel_size']}, "
                              f"lr {runs[best]['lr']:g}: final test accuracy "
                              f"{text_of(decimal(runs[best]['final_test_accuracy'], digits))}.")),
                  why=words("the run with the highest final test accuracy (the first of equals)"), label="best")]
    result = Result(kind="cnn.sweep", title=f"Hyperparameter sweep of the CNN on {dataset}",
                    givens=[Given("data set", dataset), Given("epochs", sp.Integer(epochs)),
                            Given("batch size", sp.Integer(batch_size)), Given("seed", sp.Integer(seed))],
                    steps=steps, answer={"runs": runs, "best": runs[best]},
                    sources={"runs": "runs", "best": "best"})
    if plot:
        plot_sweep_result(result, plot)
        result.notes.append(f"Figure written to {plot}.")
    return result


def plot_sweep_result(result: Result, path) -> None:
    """The figure of a :func:`sweep_cnn` result: final test accuracy against the learning rate."""
    from ...numerics.cnn import plot_sweep
    g = {given.name: given.value for given in result.givens}
    plot_sweep(result.answer["runs"], path, title=f"{g['data set']}: final test accuracy after {g['epochs']} epoch(s)")
    result.add_figure(path)  # a .png is shown with the result in a notebook


def _check_positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}: {value!r}; expected a positive integer")


def _check_lr(value, what="lr"):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{what}: {value!r}; expected a positive number such as 1e-3")
