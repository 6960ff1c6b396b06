"""The CNN: data readers on tiny files written here, training, sweeps, figures, the cnn commands."""
import gzip
import json
import pickle
import struct

import numpy as np
import pytest

from workedout.numerics.cnn import build_cnn, evaluate, plot_learning_curve, plot_sweep, sweep, train
from workedout.numerics.images import (CIFAR10_BATCHES, digits_data, load_cifar10, load_dataset, load_digits,
                             load_mnist_idx, read_idx)


def write_idx(path, array, code=0x08):
    dtype = {0x08: ">u1", 0x0B: ">i2", 0x0D: ">f4"}[code]
    raw = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) \
        + np.asarray(array, dtype=dtype).tobytes()
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)


def write_mnist(directory, n_train=12, n_test=6, gz=True):
    rng = np.random.default_rng(0)
    ext = ".gz" if gz else ""
    images = rng.integers(0, 256, (n_train + n_test, 28, 28), dtype=np.uint8)
    labels = (np.arange(n_train + n_test) % 10).astype(np.uint8)
    write_idx(directory / f"train-images-idx3-ubyte{ext}", images[:n_train])
    write_idx(directory / f"train-labels-idx1-ubyte{ext}", labels[:n_train])
    write_idx(directory / f"t10k-images-idx3-ubyte{ext}", images[n_train:])
    write_idx(directory / f"t10k-labels-idx1-ubyte{ext}", labels[n_train:])
    return images, labels


def write_cifar(directory, per_batch=2, skip=()):
    rng = np.random.default_rng(0)
    for name in CIFAR10_BATCHES:
        if name in skip:
            continue
        batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in rng.integers(0, 10, per_batch)],
                 b"data": rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8),
                 b"filenames": [b"x.png"] * per_batch}
        with open(directory / name, "wb") as f:
            pickle.dump(batch, f, protocol=2)


def test_shipped_digits():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.max() == 16 and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    d = digits_data()
    assert d.X_train.shape == (1437, 1, 8, 8) and d.X_test.shape == (360, 1, 8, 8)
    assert np.array_equal(digits_data().y_test, d.y_test)  # the fixed split
    s = d.standardized()
    assert abs(float(s.X_train.mean())) < 1e-5 and abs(float(s.X_train.std()) - 1) < 1e-4


@pytest.mark.parametrize("code,values", [(0x08, [[0, 255], [7, 1]]), (0x0B, [[-300, 2], [5, 1]]),
                                         (0x0D, [[0.5, -1.25], [3, 4]])])
def test_read_idx_types_plain_and_gzip(tmp_path, code, values):
    a = np.array(values)
    for name in ("a-ubyte", "a-ubyte.gz"):
        write_idx(tmp_path / name, a, code)
        assert np.array_equal(read_idx(tmp_path / name), a)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "x").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x05abc")
    with pytest.raises(ValueError, match="header declares shape"):
        read_idx(tmp_path / "x")
    (tmp_path / "y").write_bytes(b"PK\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "y")


def test_mnist_and_fashion_mnist_directories(tmp_path):
    images, labels = write_mnist(tmp_path)
    d = load_mnist_idx(tmp_path)
    assert d.X_train.shape == (12, 1, 28, 28) and d.X_test.shape == (6, 1, 28, 28)
    assert np.allclose(d.X_train[3, 0] * 255, images[3]) and d.y_test.tolist() == labels[12:].tolist()
    f = load_dataset("fashion-mnist", tmp_path)
    assert f.classes[9] == "Ankle boot"
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ValueError, match="has no t10k-labels-idx1-ubyte"):
        load_mnist_idx(tmp_path)


def test_cifar10_batches_and_missing_ones(tmp_path):
    write_cifar(tmp_path)
    d = load_cifar10(tmp_path)
    assert d.X_train.shape == (10, 3, 32, 32) and d.X_test.shape == (2, 3, 32, 32)
    assert d.classes[0] == "airplane" and 0 <= d.X_train.min() and d.X_train.max() <= 1
    other = tmp_path / "other"
    other.mkdir()
    write_cifar(other, skip=("data_batch_3", "test_batch"))
    with pytest.raises(ValueError, match="has no data_batch_3, test_batch"):
        load_cifar10(other)


def test_cifar10_refuses_code_in_a_pickle(tmp_path):
    write_cifar(tmp_path)

    class Evil:
        def __reduce__(self):
            return (print, ("owned",))
    with open(tmp_path / "test_batch", "wb") as f:
        pickle.dump({b"data": Evil(), b"labels": [0]}, f, protocol=2)
    with pytest.raises(ValueError, match=r"refusing to load (__builtin__|builtins)\.print"):
        load_cifar10(tmp_path)


def test_tiny_training_is_deterministic_and_learns(tmp_path):
    d = digits_data().standardized()
    X, y = d.X_train[:256], d.y_train[:256]
    runs = []
    for _ in range(2):
        model = build_cnn(d.input_shape, 10, conv_layers=1, kernel_size=3, channels=(4,), random_state=1)
        h = train(model, X, y, d.X_test[:100], d.y_test[:100], epochs=3, batch_size=32, lr=1e-2,
                  random_state=1, progress=False)
        runs.append((h.train_loss, h.test_accuracy, [p.copy() for p in model.params]))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][2], runs[1][2]))
    assert runs[0][0][-1] < runs[0][0][0] and runs[0][1][-1] > 0.5
    assert evaluate(model, d.X_test[:100], d.y_test[:100])[1] == h.test_accuracy[-1]
    plot_learning_curve(h, tmp_path / "curve.png", title="tiny")
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"


def test_sweep_table_and_figure(tmp_path):
    d = digits_data().standardized()
    d.X_train, d.y_train = d.X_train[:128], d.y_train[:128]
    rows = sweep(d, conv_layers=(0, 1), kernel_sizes=(3,), lrs=(1e-2,), epochs=1, batch_size=64, progress=False)
    assert [(r["conv_layers"], r["kernel_size"]) for r in rows] == [(0, 3), (1, 3)]
    assert rows[0]["n_params"] == 64 * 10 + 10
    plot_sweep(rows, tmp_path / "sweep.png")
    assert (tmp_path / "sweep.png").stat().st_size > 1000


def test_build_cnn_validates():
    with pytest.raises(ValueError, match="kernel_size: 4"):
        build_cnn((1, 8, 8), 10, kernel_size=4)
    with pytest.raises(ValueError, match="conv_layers: -1"):
        build_cnn((1, 8, 8), 10, conv_layers=-1)
    shapes = [type(layer).__name__ for layer in build_cnn((1, 8, 8), 10, conv_layers=4).layers]
    assert shapes.count("MaxPool2D") == 3  # 8 -> 4 -> 2 -> 1, no pool below 2x2


def test_cnn_train_command(run_cli, tmp_path):
    fig = tmp_path / "curve.png"
    status, out, err = run_cli("cnn", "train", "--epochs", "1", "--conv-layers", "1", "--lr", "1e-2",
                               "--plot", fig, "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    assert set(doc["history"]) == {"train_loss", "train_accuracy", "test_loss", "test_accuracy"}
    assert doc["test_accuracy"] == doc["history"]["test_accuracy"][-1] and doc["test_accuracy"] > 0.5
    assert fig.exists()
    again = run_cli("cnn", "train", "--epochs", "1", "--conv-layers", "1", "--lr", "1e-2", "--format", "json")[1]
    assert json.loads(again)["history"] == doc["history"]


def test_cnn_commands_on_written_files(run_cli, tmp_path):
    write_mnist(tmp_path)
    status, out, err = run_cli("cnn", "train", "--dataset", "fashion-mnist", "--data-dir", tmp_path, "--epochs",
                               "1", "--conv-layers", "1", "--format", "json")
    assert status == 0, err and json.loads(out)["n_params"] > 0
    cifar = tmp_path / "cifar"
    cifar.mkdir()
    write_cifar(cifar)
    status, out, err = run_cli("cnn", "sweep", "--dataset", "cifar10", "--data-dir", cifar, "--epochs", "1",
                               "--conv-layers", "1", "--kernel-size", "3", "--lr", "1e-3,1e-2", "--format", "json")
    assert status == 0, err
    assert [r["lr"] for r in json.loads(out)["runs"]] == [1e-3, 1e-2]


@pytest.mark.parametrize("argv,needle", [
    (["train", "--dataset", "cifar10", "--data-dir", "."], "--data-dir: '.' has no data_batch_1"),
    (["train", "--dataset", "cifar10"], "--data-dir: CIFAR-10 needs --data-dir"),
    (["train", "--epochs", "0"], "--epochs: 0; expected a positive integer"),
    (["train", "--epochs", "x"], "argument --epochs: 'x' is not an integer"),
    (["train", "--kernel-size", "2"], "--kernel-size: 2"),
    (["train", "--lr", "-1"], "--lr: -1.0"),
    (["sweep", "--lr", "1e-3,x"], "argument --lr: item 2: 'x' is not a number"),
    (["train", "--dataset", "mnist"], "--data-dir: MNIST needs --data-dir"),
])
def test_cnn_bad_input_one_line_exit_2(run_cli, argv, needle):
    status, out, err = run_cli("cnn", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and needle in err, err
