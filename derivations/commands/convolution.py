"""``workedout conv`` (a convolution worked by hand) and ``workedout cnn train|sweep``."""
from __future__ import annotations

from .base import add_output_options, add_plot_option, command_parser, emit, integer, integer_list, real, \
    real_list, topic_group

__all__ = ["register"]

# numerics.images.DATASETS, written here so that --help does not import numpy
_DATASETS = ("digits", "fashion-mnist", "mnist", "cifar10")


def register(sub) -> None:
    p = command_parser(
        sub, "conv",
        help="a convolution worked by hand: output size, every cell as a sum of products, im2col and Toeplitz "
             "forms (--backprop: the gradients derived and worked)",
        example="workedout conv --input '[[1,2,3],[4,5,6],[7,8,9]]' --kernel '[[1,0],[0,-1]]'",
        description="Work one 2-D convolution exactly. Deep-learning 'convolution' is cross-correlation (the "
                    "kernel is not flipped); --flip computes the mathematical convolution. --input and --kernel "
                    "take a bracketed matrix, a CSV file (one matrix) or a JSON file (nested lists: a 3-D input "
                    "is (channels, rows, columns); a 4-D kernel is (out channels, in channels, rows, columns)).")
    p.add_argument("--input", required=True, metavar="MATRIX|FILE",
                   help="the input: '[[1,2],[3,4]]', FILE.csv or FILE.json (3-D for several channels)")
    p.add_argument("--kernel", required=True, metavar="MATRIX|FILE",
                   help="the kernel: a matrix, (C_in, kh, kw) or (C_out, C_in, kh, kw)")
    p.add_argument("--bias", metavar="B1,B2,...", help="one bias per output channel")
    p.add_argument("--stride", default="1", metavar="S|SH,SW", help="stride (default 1)")
    p.add_argument("--padding", default="0", metavar="P|PH,PW", help="zeros added on each side (default 0)")
    p.add_argument("--flip", action="store_true",
                   help="flip the kernel (mathematical convolution) instead of cross-correlation")
    p.add_argument("--backprop", action="store_true",
                   help="derive and work the backward pass instead (single-channel matrices, stride 1, no "
                        "padding): dL/dW, dL/dX, dL/db, then ReLU, max-pool, softmax cross-entropy, Adam")
    p.add_argument("--grad-output", metavar="MATRIX|FILE",
                   help="with --backprop: the upstream gradient dL/dY (default 1, 2, 3, ... row by row)")
    add_output_options(p)
    p.set_defaults(run=_conv)

    topic = topic_group(sub, "cnn", help="a small CNN in numpy trained with Adam: train one, or sweep "
                                         "hyperparameters",
                        example="workedout cnn train --epochs 5 --plot curve.png")
    t = command_parser(topic, "train", help="train the CNN and report loss and accuracy per epoch",
                       example="workedout cnn train --dataset digits --epochs 20 --plot curve.png")
    _data_options(t)
    t.add_argument("--conv-layers", type=integer(), default=2,
                   help="number of conv-ReLU-maxpool blocks (default 2)")
    t.add_argument("--kernel-size", type=integer(), default=3, help="odd kernel size (default 3)")
    t.add_argument("--lr", type=real(), default=1e-3, help="Adam's learning rate (default 1e-3)")
    t.add_argument("--epochs", type=integer(), default=20, help="default 20")
    _train_options(t)
    add_plot_option(t, "write the learning curve there")
    add_output_options(t)
    t.set_defaults(run=_train)

    s = command_parser(topic, "sweep", help="train one CNN per combination of conv layers, kernel size and "
                                            "learning rate; a table and a figure",
                       example="workedout cnn sweep --conv-layers 1,2 --kernel-size 3,5 --lr 1e-3,1e-2 "
                               "--epochs 5 --plot sweep.png")
    _data_options(s)
    s.add_argument("--conv-layers", type=integer_list(), default=[1, 2],
                   help="comma-separated (default 1,2)")
    s.add_argument("--kernel-size", dest="kernel_sizes", type=integer_list(), default=[3, 5],
                   help="comma-separated odd sizes (default 3,5)")
    s.add_argument("--lr", dest="lrs", type=real_list(), default=[1e-3, 1e-2], help="comma-separated (default 1e-3,1e-2)")
    s.add_argument("--epochs", type=integer(), default=10, help="default 10")
    _train_options(s)
    add_plot_option(s, "write the sweep figure there")
    add_output_options(s)
    s.set_defaults(run=_sweep)


def _data_options(p) -> None:
    p.add_argument("--dataset", choices=_DATASETS, default="digits",
                   help="digits (shipped, 8x8), fashion-mnist (Debian's dataset-fashion-mnist or --data-dir), "
                        "mnist (--data-dir with its IDX files), cifar10 (--data-dir with the python batches)")
    p.add_argument("--data-dir", metavar="DIR", help="where the data set's files are")


def _train_options(p) -> None:
    p.add_argument("--batch-size", type=integer(), default=64, help="default 64")
    p.add_argument("--seed", type=integer(), default=0,
                   help="seed of the split (digits), the weights and the batches (default 0)")


def _conv(args) -> int:
    from ..convolution import backprop, convolve
    if args.backprop:
        if args.bias or args.flip or args.stride != "1" or args.padding != "0":
            raise ValueError("--backprop: works the backward pass for stride 1, no padding, no flip and no bias; "
                             "leave out --stride, --padding, --flip and --bias")
        return emit(backprop(args.input, args.kernel, args.grad_output, digits=args.digits), args)
    if args.grad_output:
        raise ValueError("--grad-output: only with --backprop")
    return emit(convolve(args.input, args.kernel, bias=args.bias, stride=args.stride, padding=args.padding,
                         flip=args.flip, digits=args.digits), args)


def _train(args) -> int:
    from ..convolution import plot_training, train_cnn
    result = train_cnn(args.dataset, data_dir=args.data_dir, conv_layers=args.conv_layers,
                       kernel_size=args.kernel_size, lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                       seed=args.seed, digits=args.digits)
    return emit(result, args, plot=lambda path: plot_training(result, path))


def _sweep(args) -> int:
    from ..convolution import plot_sweep_result, sweep_cnn
    result = sweep_cnn(args.dataset, data_dir=args.data_dir, conv_layers=args.conv_layers,
                       kernel_sizes=args.kernel_sizes, lrs=args.lrs, epochs=args.epochs,
                       batch_size=args.batch_size, seed=args.seed, digits=args.digits)
    return emit(result, args, plot=lambda path: plot_sweep_result(result, path))
