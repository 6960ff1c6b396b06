"""numerics.convolution against independent oracles: direct sums, scipy.signal, central finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate2d

from workedout.numerics.convolution import (Adam, col2im, conv2d, conv2d_backward, im2col, linear, linear_backward,
                                  maxpool2d, maxpool2d_backward, output_size, relu, relu_backward,
                                  softmax_cross_entropy)


def direct_conv(x, w, b, stride, padding):
    """The definition, loop by loop."""
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, hp, wp = xp.shape
    co, _, kh, kw = w.shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    y = np.zeros((n, co, oh, ow))
    for a in range(n):
        for o in range(co):
            for i in range(oh):
                for j in range(ow):
                    y[a, o, i, j] = (xp[a, :, sh * i:sh * i + kh, sw * j:sw * j + kw] * w[o]).sum() + b[o]
    return y


conv_cases = st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),  # N, C_in, C_out
    st.integers(1, 3), st.integers(1, 3),                     # kh, kw
    st.integers(0, 2), st.integers(0, 2),                     # extra rows, columns beyond the kernel
    st.integers(1, 3), st.integers(1, 3),                     # stride
    st.integers(0, 2), st.integers(0, 2),                     # padding
    st.integers(0, 2 ** 32 - 1))


def make(case):
    n, c, co, kh, kw, eh, ew, sh, sw, ph, pw, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, kh + eh, kw + ew))
    w = rng.standard_normal((co, c, kh, kw))
    b = rng.standard_normal(co)
    return x, w, b, (sh, sw), (ph, pw), rng


@given(conv_cases)
def test_conv2d_equals_direct_sums_and_scipy(case):
    x, w, b, stride, padding, _ = make(case)
    y = conv2d(x, w, b, stride, padding)
    assert np.allclose(y, direct_conv(x, w, b, stride, padding), atol=1e-12)
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    for n in range(x.shape[0]):
        for o in range(w.shape[0]):
            ref = sum(correlate2d(xp[n, c], w[o, c], mode="valid") for c in range(x.shape[1]))
            assert np.allclose(y[n, o], ref[::stride[0], ::stride[1]] + b[o], atol=1e-12)


@settings(max_examples=20)
@given(conv_cases)
def test_conv2d_gradients_equal_central_differences(case):
    x, w, b, stride, padding, rng = make(case)
    dy = rng.standard_normal(conv2d(x, w, b, stride, padding).shape)
    dx, dw, db = conv2d_backward(x, w, dy, stride, padding)
    loss = lambda x_, w_, b_: float((conv2d(x_, w_, b_, stride, padding) * dy).sum())
    h = 1e-6
    for arr, grad, idx in ((x, dx, 0), (w, dw, 1), (b, db, 2)):
        for flat in rng.choice(arr.size, size=min(arr.size, 6), replace=False):
            plus = [x.copy(), w.copy(), b.copy()]
            minus = [x.copy(), w.copy(), b.copy()]
            plus[idx].flat[flat] += h
            minus[idx].flat[flat] -= h
            numeric = (loss(*plus) - loss(*minus)) / (2 * h)
            assert abs(grad.flat[flat] - numeric) < 1e-6 * max(1, abs(numeric))


@given(conv_cases)
def test_im2col_and_col2im_are_adjoint(case):
    x, w, _, stride, padding, rng = make(case)
    k = w.shape[2:]
    P = im2col(x, k, stride, padding)
    assert P.shape[0] == x.shape[1] * k[0] * k[1]
    Q = rng.standard_normal(P.shape)
    assert np.isclose((P * Q).sum(), (x * col2im(Q, x.shape, k, stride, padding)).sum())


def test_im2col_orientation_matches_the_issue():
    x = np.arange(1, 10, dtype=float).reshape(1, 1, 3, 3)
    assert im2col(x, 2).tolist() == [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    assert conv2d(x, np.array([[[[1, 0], [0, -1]]]])).tolist() == [[[[-4, -4], [-4, -4]]]]


def test_chunked_batches_equal_one_batch():
    """conv2d works a few samples at a time; the result must not depend on the chunking."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((70, 3, 9, 9))
    w = rng.standard_normal((4, 3, 3, 3))
    dy = rng.standard_normal((70, 4, 9, 9))
    y = conv2d(x, w, None, 1, 1)
    dx, dw, db = conv2d_backward(x, w, dy, 1, 1)
    for s in (0, 33, 69):
        assert np.allclose(y[s:s + 1], conv2d(x[s:s + 1], w, None, 1, 1))
    parts = [conv2d_backward(x[s:s + 10], w, dy[s:s + 10], 1, 1) for s in range(0, 70, 10)]
    assert np.allclose(dx, np.concatenate([p[0] for p in parts]))
    assert np.allclose(dw, sum(p[1] for p in parts))
    assert np.allclose(db, sum(p[2] for p in parts))


def test_dtype_is_kept():
    x = np.ones((1, 1, 4, 4), np.float32)
    w = np.ones((2, 1, 3, 3), np.float32)
    assert conv2d(x, w).dtype == np.float32
    assert conv2d_backward(x, w, np.ones((1, 2, 2, 2), np.float32))[0].dtype == np.float32
    assert conv2d(np.ones((1, 1, 2, 2), int), np.ones((1, 1, 1, 1), int)).dtype == np.float64


@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 7), st.integers(2, 7), st.integers(1, 3),
       st.integers(1, 3), st.integers(0, 2 ** 32 - 1))
def test_maxpool_against_windows_and_tie_rule(n, c, h, w, size, stride, seed):
    size = min(size, h, w)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (n, c, h, w)).astype(float)  # many ties
    y = maxpool2d(x, size, stride)
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    assert y.shape == (n, c, oh, ow)
    dy = rng.standard_normal(y.shape)
    expected = np.zeros_like(x)
    for a in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    win = x[a, ch, stride * i:stride * i + size, stride * j:stride * j + size]
                    assert y[a, ch, i, j] == win.max()
                    u, v = divmod(int(np.argmax(win)), size)  # first maximum, row-major
                    expected[a, ch, stride * i + u, stride * j + v] += dy[a, ch, i, j]
    assert np.allclose(maxpool2d_backward(x, dy, size, stride), expected)


def test_relu_derivative_at_zero_is_zero():
    z = np.array([-1.0, 0.0, 2.0])
    assert relu(z).tolist() == [0, 0, 2]
    assert relu_backward(z, np.array([5.0, 6.0, 7.0])).tolist() == [0, 0, 7]


def test_linear_gradients():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    dy = rng.standard_normal((4, 2))
    dx, dw, db = linear_backward(x, w, dy)
    assert np.allclose(linear(x, w, b), x @ w.T + b)
    h = 1e-6
    e = np.zeros_like(w)
    e[1, 2] = h
    assert np.isclose(dw[1, 2], (((linear(x, w + e, b) - linear(x, w - e, b)) * dy).sum()) / (2 * h))
    assert np.allclose(dx, dy @ w) and np.allclose(db, dy.sum(0))


@given(st.integers(1, 5), st.integers(2, 6), st.integers(0, 2 ** 32 - 1))
def test_softmax_cross_entropy_and_gradient(n, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, k)) * 3
    y = rng.integers(0, k, n)
    loss, grad = softmax_cross_entropy(z, y)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert isinstance(loss, float)
    assert np.isclose(loss, -np.log(p[np.arange(n), y]).mean())
    assert np.allclose(grad, (p - np.eye(k)[y]) / n)
    big = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
    assert np.isfinite(big[0]) and np.isclose(big[0], 1000.0)


def test_adam_bias_corrected_steps_by_hand():
    theta = np.array([1.0, -2.0])
    opt = Adam(lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    m = v = np.zeros(2)
    ref = theta.copy()
    for t, g in enumerate([np.array([0.5, -1.0]), np.array([0.2, 0.3]), np.array([-1.0, 2.0])], start=1):
        opt.step([theta], [g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref = ref - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        assert np.allclose(theta, ref, rtol=1e-14, atol=0)


def test_output_size_formula():
    assert output_size(3, 2) == 2
    assert output_size(5, 3, stride=2, padding=1) == 3
    assert output_size(7, 3, stride=3) == 2


@pytest.mark.parametrize("call,needle", [
    (lambda: conv2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))), "kernel: 3 rows is larger than the padded input"),
    (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), stride=0), "stride: 0 for the rows; must be positive"),
    (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), padding=(1, -1)), "padding: -1 for the columns"),
    (lambda: conv2d(np.ones((1, 2, 4, 4)), np.ones((1, 1, 3, 3))), "w: 1 input channels"),
    (lambda: conv2d(np.ones((1, 1, 4, 4)), np.ones((2, 1, 3, 3)), b=[1, 2, 3]), "b: 3 biases for 2 output"),
    (lambda: conv2d(np.ones((4, 4)), np.ones((1, 1, 3, 3))), "x: expected a 4-D array"),
    (lambda: conv2d([[[[1, 2], [3]]]], np.ones((1, 1, 1, 1))), "x: not a rectangular array"),
    (lambda: conv2d(np.array([[[["a"]]]]), np.ones((1, 1, 1, 1))), "x: expected numbers"),
    (lambda: conv2d_backward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3))), "dy: shape"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), [0, 3]), "labels: item 1 is 3"),
    (lambda: Adam(lr=0), "lr: 0"),
    (lambda: maxpool2d(np.ones((1, 1, 1, 4)), 2), "size: the pooling window's 2 rows exceed"),
])
def test_errors_name_the_argument(call, needle):
    with pytest.raises(ValueError, match=None) as exc:
        call()
    assert needle in str(exc.value)
