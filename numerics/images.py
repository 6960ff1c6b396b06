"""Image data sets for the CNN: shipped, or read from files the user has.

* :func:`load_digits` -- the 8x8 handwritten digits (UCI optdigits, 1797
  images, pixels 0..16), shipped in ``numerics/data/digits.csv.gz``; see
  ``numerics/data/CITATION.md``.
* :func:`read_idx` -- the IDX format of MNIST and Fashion-MNIST (big-endian
  header: two zero bytes, a type code, the number of dimensions, then one
  32-bit size per dimension), plain or gzip-compressed.
* :func:`load_mnist_idx` / :func:`load_fashion_mnist` -- the four IDX files of
  a directory; Fashion-MNIST by default from Debian's package
  ``dataset-fashion-mnist`` (:data:`FASHION_MNIST_DIR`).
* :func:`load_cifar10` -- CIFAR-10's official python batches
  (``data_batch_1`` .. ``data_batch_5``, ``test_batch``), read by an
  unpickler that accepts only the few numpy classes those files contain, so
  a crafted file cannot run code.

:func:`load_dataset` returns any of them as an :class:`ImageData`: images
of shape ``(N, C, H, W)`` scaled to [0, 1], integer labels, a train/test
split. Nothing is downloaded.
"""
from __future__ import annotations

import gzip
import io
import math
import os
import pickle
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .inputs import gunzip, read_bytes
from .limits import require

__all__ = ["ImageData", "load_digits", "digits_data", "read_idx", "load_mnist_idx",
           "load_fashion_mnist", "load_cifar10", "load_dataset", "DATASETS", "FASHION_MNIST_DIR",
           "FASHION_MNIST_CLASSES", "CIFAR10_CLASSES"]

DATASETS = ("digits", "fashion-mnist", "mnist", "cifar10")
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                         "Sneaker", "Bag", "Ankle boot")
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                   "truck")
CIFAR10_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass
class ImageData:
    """A train/test split of labelled images.

    Attributes
    ----------
    name : str
    X_train : ndarray of shape (n_train, C, H, W), float32 in [0, 1]
    y_train : ndarray of shape (n_train,), int64 class indices
    X_test : ndarray of shape (n_test, C, H, W)
    y_test : ndarray of shape (n_test,)
    classes : tuple of str
        Class names, indexed by label.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: tuple

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of one image."""
        return tuple(self.X_train.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def standardized(self) -> "ImageData":
        """Each channel shifted and scaled to mean 0 and standard deviation 1 on the
        training images (the test images with the training statistics)."""
        mean = self.X_train.mean(axis=(0, 2, 3), keepdims=True, dtype=np.float64)
        std = self.X_train.std(axis=(0, 2, 3), keepdims=True, dtype=np.float64)
        std[std == 0] = 1
        scale = lambda X: ((X - mean) / std).astype(np.float32)
        return ImageData(self.name, scale(self.X_train), self.y_train, scale(self.X_test), self.y_test,
                         self.classes)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 shipped 8x8 digits.

    Returns
    -------
    images : ndarray of shape (1797, 8, 8), uint8 in 0..16
    labels : ndarray of shape (1797,), int64 in 0..9
    """
    with resources.files(__package__).joinpath("data/digits.csv.gz").open("rb") as raw:
        data = np.loadtxt(gzip.open(raw, "rt"), delimiter=",", dtype=np.int64)
    return data[:, :64].reshape(-1, 8, 8).astype(np.uint8), data[:, 64]


def digits_data(test_fraction: float = 0.2, random_state: int = 0) -> ImageData:
    """The digits, scaled to [0, 1] (divided by 16), split by a seeded permutation.

    Parameters
    ----------
    test_fraction : float in (0, 1)
        Share of the images held out for testing (rounded up, as scikit-learn does).
    random_state : int
        Seed of the permutation; the same seed gives the same split.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction: {test_fraction!r}; expected a number strictly between 0 and 1")
    images, labels = load_digits()
    X = (images.astype(np.float32) / 16)[:, None]
    order = np.random.default_rng(random_state).permutation(len(labels))
    n_test = int(np.ceil(test_fraction * len(labels)))
    test, train = order[:n_test], order[n_test:]
    return ImageData("digits", X[train], labels[train], X[test], labels[test],
                     tuple(str(d) for d in range(10)))


def read_idx(path) -> np.ndarray:
    """Read one IDX file (MNIST's format), plain or gzip-compressed.

    Parameters
    ----------
    path : str or path
        ``*-ubyte`` or ``*-ubyte.gz``.

    Returns
    -------
    ndarray
        Of the shape and type the header declares (uint8 for images and labels).
    """
    path = Path(path)
    # a regular file within the limit file-size (a device, FIFO or directory is refused by name)
    raw = read_bytes(str(path), what=str(path), gunzip=False)
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip_idx(raw, path)
    header, shape, dtype, expected = _idx_header(raw, path)
    if len(raw) != expected:
        raise ValueError(f"{path}: {len(raw)} bytes, but the header declares shape {shape} of "
                         f"{dtype.name} ({expected} bytes)")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _idx_header(raw, path, *, complete: bool = True):
    """(header length, shape, dtype, total bytes) the IDX header declares; None while
    ``raw`` is too short to hold the header and ``complete`` is False."""
    if len(raw) < 4 and not complete:
        return None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file (expected two zero bytes, a type code and a dimension count)")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_TYPES:
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02x}; expected one of "
                         + ", ".join(f"0x{c:02x}" for c in _IDX_TYPES))
    header = 4 + 4 * ndim
    if len(raw) < header:
        if not complete:
            return None
        raise ValueError(f"{path}: truncated IDX header ({ndim} dimensions declared)")
    shape = tuple(int(v) for v in np.frombuffer(bytes(raw[4:header]), ">u4"))
    dtype = np.dtype(_IDX_TYPES[code])
    expected = header + math.prod(shape) * dtype.itemsize
    return header, shape, dtype, expected


def _gunzip_idx(raw: bytes, path) -> bytes:
    """Inflate a gzip-compressed IDX file only as far as its header declares.

    The header comes first, so a gzip bomb is refused after its first mebibyte:
    its header is not IDX, declares more than the limit ``file-size``, or its
    data run past the size declared.
    """
    expected = None

    def watch(out: bytearray) -> None:
        nonlocal expected
        if expected is None:
            found = _idx_header(out, path, complete=False)
            if found is not None:
                expected = found[3]
                require("file-size", expected, what=f"{path}: the IDX header declares shape {found[1]}")
        if expected is not None and len(out) > expected:
            raise ValueError(f"{path}: more than the {expected} bytes its header declares "
                             "(decompressed); not an IDX file, or a gzip bomb")
    return gunzip(raw, what=str(path), watch=watch)


def load_mnist_idx(directory, name: str = "mnist", classes: tuple | None = None) -> ImageData:
    """MNIST-style data from the four IDX files of ``directory``.

    Looks for ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each plain or
    with ``.gz``; the official train/test split; pixels divided by 255.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"data_dir: {str(directory)!r} is not a directory")
    parts = {}
    missing = []
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        found = [directory / f"{stem}{ext}" for ext in ("", ".gz") if _present(directory / f"{stem}{ext}")]
        if not found:
            missing.append(stem)
        else:
            parts[stem] = read_idx(found[0])
    if missing:
        raise ValueError(f"data_dir: {str(directory)!r} has no {', '.join(missing)} (plain or .gz); "
                         f"expected the four IDX files of {name}")
    X_train, y_train = parts["train-images-idx3-ubyte"], parts["train-labels-idx1-ubyte"]
    X_test, y_test = parts["t10k-images-idx3-ubyte"], parts["t10k-labels-idx1-ubyte"]
    for which, X, y in (("train", X_train, y_train), ("t10k", X_test, y_test)):
        if X.ndim != 3 or y.ndim != 1 or len(X) != len(y):
            raise ValueError(f"data_dir: {which} images of shape {X.shape} do not match labels of shape "
                             f"{y.shape}; expected (n, rows, cols) and (n,)")
    return ImageData(name, (X_train.astype(np.float32) / 255)[:, None], y_train.astype(np.int64),
                     (X_test.astype(np.float32) / 255)[:, None], y_test.astype(np.int64),
                     classes or tuple(str(d) for d in range(10)))


def load_fashion_mnist(data_dir=None) -> ImageData:
    """Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017) from ``data_dir``, by default
    where Debian's package ``dataset-fashion-mnist`` installs it."""
    directory = Path(data_dir) if data_dir is not None else Path(FASHION_MNIST_DIR)
    if data_dir is None and not directory.is_dir():
        raise ValueError(f"data_dir: Fashion-MNIST is not in {FASHION_MNIST_DIR}; install Debian's "
                         f"package dataset-fashion-mnist or give --data-dir with its four IDX files")
    return load_mnist_idx(directory, "fashion-mnist", FASHION_MNIST_CLASSES)


class _CifarUnpickler(pickle.Unpickler):
    """Only what CIFAR-10's python batches contain: dicts, lists, bytes, numpy arrays."""

    _ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
                ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module, name):
        if (module, name) == ("_codecs", "encode"):  # bytes as written by Python 3 at protocol 2
            return _latin1_bytes
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        if name == "_reconstruct":
            core = getattr(np, "_core", None) or np.core  # numpy >= 2 moved numpy.core
            return core.multiarray._reconstruct
        return getattr(np, name)


def _latin1_bytes(text, encoding="utf-8"):
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"refusing to decode with {encoding!r}")
    return text.encode("latin1")


def _present(path: Path) -> bool:
    """Any entry at ``path``, so that a device, FIFO, directory or dangling link is refused by
    name when read rather than reported missing."""
    return os.path.lexists(path)


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    # a regular file within the limit file-size, gzip-compressed or not
    raw = read_bytes(str(path), what="data_dir", limit="file-size")
    try:
        batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"data_dir: {str(path)!r} is not a CIFAR-10 python batch ({exc})") from None
    if not isinstance(batch, dict):
        raise ValueError(f"data_dir: {str(path)!r} is not a CIFAR-10 python batch (expected a dict)")
    data, labels = batch.get(b"data", batch.get("data")), batch.get(b"labels", batch.get("labels"))
    if data is None or labels is None:
        raise ValueError(f"data_dir: {str(path)!r} has no 'data' or 'labels' entry")
    data = np.asarray(data)
    labels = np.asarray(labels, dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise ValueError(f"data_dir: {str(path)!r}: data of shape {data.shape} and {len(labels)} labels; "
                         f"expected (n, 3072) and n")
    return data.reshape(-1, 3, 32, 32), labels


def load_cifar10(data_dir) -> ImageData:
    """CIFAR-10 (Krizhevsky, 2009) from its official python batches.

    Parameters
    ----------
    data_dir : str or path
        A directory holding ``data_batch_1`` .. ``data_batch_5`` and
        ``test_batch`` (the extracted ``cifar-10-python.tar.gz``), or the
        directory above its ``cifar-10-batches-py`` folder.

    Returns
    -------
    ImageData
        50000 training and 10000 test images of shape (3, 32, 32), pixels / 255.
    """
    if data_dir is None:
        raise ValueError("data_dir: CIFAR-10 needs --data-dir, the folder with data_batch_1 .. data_batch_5 "
                         "and test_batch (CIFAR-10's python version); nothing is downloaded")
    directory = Path(data_dir)
    if not directory.is_dir():
        raise ValueError(f"data_dir: {str(directory)!r} is not a directory")
    if not (directory / "data_batch_1").exists() and (directory / "cifar-10-batches-py").is_dir():
        directory = directory / "cifar-10-batches-py"
    missing = [name for name in CIFAR10_BATCHES if not _present(directory / name)]
    if missing:
        raise ValueError(f"data_dir: {str(directory)!r} has no {', '.join(missing)}; expected "
                         f"data_batch_1 .. data_batch_5 and test_batch (CIFAR-10's python version)")
    train = [_read_cifar_batch(directory / name) for name in CIFAR10_BATCHES[:5]]
    X_test, y_test = _read_cifar_batch(directory / "test_batch")
    X_train = np.concatenate([t[0] for t in train])
    y_train = np.concatenate([t[1] for t in train])
    return ImageData("cifar10", X_train.astype(np.float32) / 255, y_train,
                     X_test.astype(np.float32) / 255, y_test, CIFAR10_CLASSES)


def load_dataset(name: str, data_dir=None, random_state: int = 0) -> ImageData:
    """One of :data:`DATASETS` by name: ``digits`` (shipped; 80/20 split with
    ``random_state``), ``fashion-mnist``, ``mnist`` (IDX files in ``data_dir``),
    ``cifar10`` (python batches in ``data_dir``)."""
    if name == "digits":
        return digits_data(0.2, random_state)
    if name == "fashion-mnist":
        return load_fashion_mnist(data_dir)
    if name == "mnist":
        if data_dir is None:
            raise ValueError("data_dir: MNIST needs --data-dir, the folder with its four IDX files")
        return load_mnist_idx(data_dir, "mnist")
    if name == "cifar10":
        return load_cifar10(data_dir)
    raise ValueError(f"dataset: {name!r}; expected one of {', '.join(DATASETS)}")
