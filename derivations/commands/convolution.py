"""``workedout conv`` (a convolution worked by hand) and ``workedout cnn train|sweep``."""
from __future__ import annotations

from ..cli import add_output_options, command_parser, emit, topic_group

__all__ = ["register"]

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
    t.add_argument("--conv-layers", type=_int("--conv-layers"), default=2,
                   help="number of conv-ReLU-maxpool blocks (default 2)")
    t.add_argument("--kernel-size", type=_int("--kernel-size"), default=3, help="odd kernel size (default 3)")
    t.add_argument("--lr", type=_float("--lr"), default=1e-3, help="Adam's learning rate (default 1e-3)")
    t.add_argument("--epochs", type=_int("--epochs"), default=20, help="default 20")
    _train_options(t)
    t.add_argument("--plot", metavar="FIG.png", help="write the learning curve there")
    add_output_options(t)
    t.set_defaults(run=_train)

    s = command_parser(topic, "sweep", help="train one CNN per combination of conv layers, kernel size and "
                                            "learning rate; a table and a figure",
                       example="workedout cnn sweep --conv-layers 1,2 --kernel-size 3,5 --lr 1e-3,1e-2 "
                               "--epochs 5 --plot sweep.png")
    _data_options(s)
    s.add_argument("--conv-layers", type=_list(int, "--conv-layers"), default=[1, 2],
                   help="comma-separated (default 1,2)")
    s.add_argument("--kernel-size", type=_list(int, "--kernel-size"), default=[3, 5],
                   help="comma-separated odd sizes (default 3,5)")
    s.add_argument("--lr", type=_list(float, "--lr"), default=[1e-3, 1e-2], help="comma-separated (default 1e-3,1e-2)")
    s.add_argument("--epochs", type=_int("--epochs"), default=10, help="default 10")
    _train_options(s)
    s.add_argument("--plot", metavar="FIG.png", help="write the sweep figure there")
    add_output_options(s)
    s.set_defaults(run=_sweep)


def _data_options(p) -> None:
    p.add_argument("--dataset", choices=_DATASETS, default="digits",
                   help="digits (shipped, 8x8), fashion-mnist (Debian's dataset-fashion-mnist or --data-dir), "
                        "mnist (--data-dir with its IDX files), cifar10 (--data-dir with the python batches)")
    p.add_argument("--data-dir", metavar="DIR", help="where the data set's files are")


def _train_options(p) -> None:
    p.add_argument("--batch-size", type=_int("--batch-size"), default=64, help="default 64")
    p.add_argument("--seed", type=_int("--seed"), default=0,
                   help="seed of the split (digits), the weights and the batches (default 0)")


def _int(what):
    def parse(text):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not an integer") from None
    parse.__name__ = "integer"  # argparse: "invalid integer value: 'x'"
    return parse


def _float(what):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{what}: {text!r} is not a number") from None
        return value
    parse.__name__ = "number"
    return parse


def _list(kind, what):
    def parse(text):
        items = [t.strip() for t in text.split(",")]
        out = []
        for i, item in enumerate(items):
            try:
                out.append(kind(item))
            except ValueError:
                raise ValueError(f"{what}: item {i + 1} {item!r} is not "
                                 f"{'an integer' if kind is int else 'a number'}") from None
        return out
    parse.__name__ = "comma-separated list"
    return parse


def _conv(args) -> int:
    from ..convolution import backprop, convolve
    if args.backprop:
        if args.bias or args.flip or args.stride != "1" or args.padding != "0":
            raise ValueError("--backprop: works the backward pass for stride 1, no padding, no flip and no bias; "
                             "leave out --stride, --padding, --flip and --bias")
        return emit(backprop(args.input, args.kernel, args.grad_output), args)
    if args.grad_output:
        raise ValueError("--grad-output: only with --backprop")
    return emit(convolve(args.input, args.kernel, bias=args.bias, stride=args.stride, padding=args.padding,
                         flip=args.flip), args)


def _train(args) -> int:
    from ..convolution import train_cnn
    return emit(train_cnn(args.dataset, data_dir=args.data_dir, conv_layers=args.conv_layers,
                          kernel_size=args.kernel_size, lr=args.lr, epochs=args.epochs,
                          batch_size=args.batch_size, seed=args.seed, plot=args.plot), args)


def _sweep(args) -> int:
    from ..convolution import sweep_cnn
    return emit(sweep_cnn(args.dataset, data_dir=args.data_dir, conv_layers=args.conv_layers,
                          kernel_sizes=args.kernel_size, lrs=args.lr, epochs=args.epochs,
                          batch_size=args.batch_size, seed=args.seed, plot=args.plot), args)
