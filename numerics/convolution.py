r"""Convolution layers and their gradients in numpy: the numeric oracle.

Layout is PyTorch's: a batch of images ``x`` has shape ``(N, C, H, W)``
(samples, channels, rows, columns) and a filter bank ``w`` has shape
``(C_out, C_in, kh, kw)``.

What deep learning calls a convolution is a *cross-correlation*: with zero
padding :math:`p` and stride :math:`s` (per axis),

.. math::

    y_{n,o,i,j} = b_o + \sum_{c=1}^{C_{in}} \sum_{u=0}^{k_h-1} \sum_{v=0}^{k_w-1}
        w_{o,c,u,v}\, \tilde x_{n,c,\, s_h i + u,\, s_w j + v},

where :math:`\tilde x` is ``x`` padded with :math:`p` zeros on each side, and
the output has :math:`\lfloor (n + 2p - k)/s \rfloor + 1` rows (and columns,
per axis). The mathematical convolution flips the kernel,
:math:`w_{o,c,k_h-1-u,k_w-1-v}`.

**im2col + GEMM.** The patches are copied into a matrix
:math:`P` of shape ``(C_in*kh*kw, N*H_out*W_out)`` -- one column per output
position, rows in the order (channel, kernel row, kernel column) -- so that the
forward pass is one matrix product :math:`Y = W P + b\,\mathbf 1^\top` with
:math:`W` of shape ``(C_out, C_in*kh*kw)``. The backward pass, for the upstream
gradient :math:`G = \partial L/\partial Y` of shape ``(C_out, N*H_out*W_out)``:

.. math::

    \frac{\partial L}{\partial W} = G P^\top, \qquad
    \frac{\partial L}{\partial b} = G\,\mathbf 1, \qquad
    \frac{\partial L}{\partial P} = W^\top G,

and :math:`\partial L/\partial x` is :math:`\partial L/\partial P` scattered
back to the pixels each patch came from (*col2im*, adding where patches
overlap). For stride 1 that is the full convolution of :math:`G` with the
flipped kernel; :math:`\partial L/\partial W` is the cross-correlation of
:math:`x` with :math:`G`.

The batch is processed a few samples at a time (a patch matrix of about
2 MiB per chunk, stored as :math:`P^\top`, one row per output cell, which
the matrix products read fastest), so that the copy into :math:`P`, the
products and col2im run in the CPU caches instead of at memory speed; the
result does not depend on the chunking beyond rounding. The chunks are shared
among the engine's own threads, as many as the BLAS pool is allowed
(threadpoolctl's limit; by default the usable cores), while BLAS itself runs
on one thread: the results are the same bits with any number of threads, and
a busy core slows the engine down instead of stalling it (see "the engine"
below). :func:`im2col` and :func:`col2im` expose the whole-batch matrices
(rows in the order channel, kernel row, kernel column).

The other layers of a small CNN are here too: :func:`maxpool2d`,
:func:`relu`, :func:`linear`, :func:`softmax_cross_entropy`, and the
:class:`Adam` optimiser, each with its backward pass. Every function keeps
the floating dtype of its input (integers become float64).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = [
    "conv2d", "conv2d_backward", "maxpool2d", "maxpool2d_backward", "relu", "relu_backward",
    "linear", "linear_backward", "softmax_cross_entropy", "Adam",
    "im2col", "col2im", "output_size", "pair",
]

IntPair = int | tuple[int, int] | Sequence[int]


# ---------------------------------------------------------------- conv2d
def conv2d(x, w, b=None, stride: IntPair = 1, padding: IntPair = 0) -> np.ndarray:
    r"""2-D cross-correlation (the deep-learning "convolution") by im2col + GEMM.

    .. math::

        y_{n,o,i,j} = b_o + \sum_{c,u,v} w_{o,c,u,v}\,
            \tilde x_{n,c,\,s_h i+u,\,s_w j+v}

    Parameters
    ----------
    x : array-like of shape (N, C_in, H, W)
        The input batch.
    w : array-like of shape (C_out, C_in, kh, kw)
        The filters.
    b : array-like of shape (C_out,), optional
        One bias per output channel (default: none).
    stride : int or (int, int)
        Step between windows, per axis (rows, columns); at least 1.
    padding : int or (int, int)
        Zeros added on each side, per axis; at least 0.

    Returns
    -------
    y : ndarray of shape (N, C_out, H_out, W_out)
        ``H_out = (H + 2 p_h - kh) // s_h + 1``, likewise ``W_out``.
    """
    x, w, b, stride, padding = _check_conv(x, w, b, stride, padding)
    return _conv2d_forward(x, w, b, stride, padding)


def conv2d_backward(x, w, dy, stride: IntPair = 1, padding: IntPair = 0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients of a loss through :func:`conv2d`.

    With :math:`G = \partial L / \partial y`:

    .. math::

        \frac{\partial L}{\partial w_{o,c,u,v}} = \sum_{n,i,j} G_{n,o,i,j}\,
            \tilde x_{n,c,\,s_h i+u,\,s_w j+v}, \qquad
        \frac{\partial L}{\partial b_o} = \sum_{n,i,j} G_{n,o,i,j},

    and :math:`\partial L/\partial \tilde x_{n,c,r,q} = \sum_{o,i,j:\,s_h i+u=r,\,s_w j+v=q}
    G_{n,o,i,j} w_{o,c,u,v}`, cropped to the unpadded input.

    Parameters
    ----------
    x : array-like of shape (N, C_in, H, W)
        The forward pass's input.
    w : array-like of shape (C_out, C_in, kh, kw)
        The filters.
    dy : array-like of shape (N, C_out, H_out, W_out)
        The upstream gradient :math:`\partial L/\partial y`.
    stride, padding : int or (int, int)
        As in :func:`conv2d`.

    Returns
    -------
    dx : ndarray of shape (N, C_in, H, W)
    dw : ndarray of shape (C_out, C_in, kh, kw)
    db : ndarray of shape (C_out,)
    """
    x, w, _, stride, padding = _check_conv(x, w, None, stride, padding)
    shape = _conv_output_shape(x.shape, w.shape, stride, padding)
    dy = _as_float(dy, "dy", dtype=x.dtype)
    if dy.shape != shape:
        raise ValueError(f"dy: shape {dy.shape} does not match the output shape {shape} of the forward pass")
    return _conv2d_backward(x, w, dy, stride, padding)


def im2col(x, kernel_size: IntPair, stride: IntPair = 1, padding: IntPair = 0) -> np.ndarray:
    r"""The patch matrix :math:`P`: one column per output position.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    stride, padding : int or (int, int)

    Returns
    -------
    P : ndarray of shape (C*kh*kw, N*H_out*W_out)
        ``P[(c*kh + u)*kw + v, (n*H_out + i)*W_out + j] = x_pad[n, c, s_h*i + u, s_w*j + v]``:
        rows in the order (channel, kernel row, kernel column), columns in the
        order (sample, output row, output column), both row-major.
    """
    x = _as_float(x, "x", ndim=4)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    stride, padding = pair(stride, "stride", minimum=1), pair(padding, "padding", minimum=0)
    _conv_output_shape(x.shape, (1, x.shape[1], kh, kw), stride, padding)
    return _im2col(x, kh, kw, stride, padding)


def col2im(cols, x_shape: Sequence[int], kernel_size: IntPair, stride: IntPair = 1,
           padding: IntPair = 0) -> np.ndarray:
    r"""The adjoint of :func:`im2col`: add each column back onto the pixels it came from.

    Parameters
    ----------
    cols : array-like of shape (C*kh*kw, N*H_out*W_out)
    x_shape : (N, C, H, W)
        Shape of the unpadded input.
    kernel_size, stride, padding : int or (int, int)

    Returns
    -------
    ndarray of shape (N, C, H, W)
        Pixels covered by several windows receive the sum of their columns' entries.
    """
    n, c, h, wd = (int(v) for v in x_shape)
    kh, kw = pair(kernel_size, "kernel_size", minimum=1)
    stride, padding = pair(stride, "stride", minimum=1), pair(padding, "padding", minimum=0)
    oh, ow = _conv_output_shape((n, c, h, wd), (1, c, kh, kw), stride, padding)[2:]
    cols = _as_float(cols, "cols", ndim=2)
    if cols.shape != (c * kh * kw, n * oh * ow):
        raise ValueError(f"cols: shape {cols.shape}, expected {(c * kh * kw, n * oh * ow)}")
    return _col2im(cols, (n, c, h, wd), kh, kw, oh, ow, stride, padding)


def output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    r"""Output length along one axis: :math:`\lfloor (n + 2p - k)/s \rfloor + 1`.

    Raises ``ValueError`` when the kernel is larger than the padded input.
    """
    if n + 2 * padding < k:
        raise ValueError(f"kernel_size: {k} is larger than the padded input ({n} + 2*{padding} = "
                         f"{n + 2 * padding}); use a smaller kernel or more padding")
    return (n + 2 * padding - k) // stride + 1


def pair(value: IntPair, name: str, *, minimum: int = 0) -> tuple[int, int]:
    """Read an int or an (int, int) pair (rows, columns), each at least ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        items = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        items = (int(value[0]), int(value[1]))
    else:
        raise ValueError(f"{name}: expected an integer or a pair of integers (rows, columns), got {value!r}")
    for axis, v in zip(("rows", "columns"), items):
        if v < minimum:
            what = "positive" if minimum == 1 else f"at least {minimum}"
            raise ValueError(f"{name}: {v} for the {axis}; must be {what}")
    return items


# --------------------------------------------------------------- max-pool
def maxpool2d(x, size: IntPair = 2, stride: IntPair | None = None) -> np.ndarray:
    r"""Max-pooling over ``size`` windows, :math:`y_{n,c,i,j} = \max_{u,v} x_{n,c,s_h i+u,s_w j+v}`.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
    size : int or (int, int)
        Window (rows, columns).
    stride : int or (int, int), optional
        Default: the window size (non-overlapping windows).

    Returns
    -------
    ndarray of shape (N, C, (H - size_h) // s_h + 1, (W - size_w) // s_w + 1)
        Rows and columns that do not fill a window are dropped (PyTorch's default).
    """
    x = _as_float(x, "x", ndim=4)
    (kh, kw), (sh, sw) = _pool_params(x.shape, size, stride)
    slices = _pool_slices(x, kh, kw, sh, sw)
    y = next(slices).copy()
    for part in slices:
        np.maximum(y, part, out=y)
    return y


def maxpool2d_backward(x, dy, size: IntPair = 2, stride: IntPair | None = None) -> np.ndarray:
    r"""Gradient through :func:`maxpool2d`: each window's gradient goes to its arg-max.

    Tie rule: when several entries of a window share the maximum, the first
    one in row-major order within the window receives the whole gradient (as
    in PyTorch's CPU kernel); the others receive 0. With overlapping windows
    a pixel adds up the gradients of every window whose arg-max it is.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        The forward pass's input.
    dy : array-like of shape (N, C, H_out, W_out)
        The upstream gradient.
    size, stride : as in :func:`maxpool2d`.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
    """
    x = _as_float(x, "x", ndim=4)
    (kh, kw), (sh, sw) = _pool_params(x.shape, size, stride)
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    dy = _as_float(dy, "dy", dtype=x.dtype)
    if dy.shape != (n, c, oh, ow):
        raise ValueError(f"dy: shape {dy.shape} does not match the pooled shape {(n, c, oh, ow)}")
    if _numba_ok(x.dtype, x.size, _POOL_NUMBA_MIN):  # one pass per window instead of kh*kw masked passes
        from ._conv_kernels import maxpool_backward
        dx = np.zeros_like(x)
        maxpool_backward(np.ascontiguousarray(x).reshape(n * c, h, w),
                         np.ascontiguousarray(dy).reshape(n * c, oh, ow), dx.reshape(n * c, h, w), kh, kw, sh, sw)
        return dx
    # the first entry (row-major within the window) equal to the window's maximum
    y = maxpool2d(x, (kh, kw), (sh, sw))
    taken = np.zeros(y.shape, dtype=bool)
    hit = np.empty(y.shape, dtype=bool)
    overlapping = sh < kh or sw < kw
    dx = np.zeros_like(x)
    for p, part in enumerate(_pool_slices(x, kh, kw, sh, sw)):
        u, v = divmod(p, kw)
        np.equal(part, y, out=hit)
        hit &= ~taken
        taken |= hit
        rows, columns = _window_slices(u, v, oh, ow, (sh, sw))
        target = dx[:, :, rows, columns]
        if overlapping:
            target += hit * dy
        else:  # each pixel lies in at most one window
            np.multiply(hit, dy, out=target)
    return dx


# ------------------------------------------------------------------- ReLU
def relu(z) -> np.ndarray:
    r"""The rectifier :math:`\max(z, 0)`, elementwise; any shape."""
    z = _as_float(z, "z")
    return np.maximum(z, 0)


def relu_backward(z, dy) -> np.ndarray:
    r"""Gradient through :func:`relu`: :math:`dy \cdot [z > 0]` (the derivative at 0 taken as 0).

    Parameters
    ----------
    z : array-like
        The layer's input.
    dy : array-like, the same shape
        The upstream gradient.
    """
    z = _as_float(z, "z")
    dy = _as_float(dy, "dy", dtype=z.dtype)
    if dy.shape != z.shape:
        raise ValueError(f"dy: shape {dy.shape} does not match z's shape {z.shape}")
    with np.errstate(invalid="ignore"):  # inf * 0 is handled below
        out = np.multiply(dy, z > 0)  # 40x faster than np.where(z > 0, dy, 0)
    if not np.isfinite(out).all():  # where z <= 0 an inf or NaN in dy must still give 0
        out = np.where(z > 0, dy, 0).astype(z.dtype, copy=False)
    return out


# ----------------------------------------------------------------- linear
def linear(x, w, b=None) -> np.ndarray:
    r"""Fully connected layer :math:`y = x W^\top + b`.

    Parameters
    ----------
    x : array-like of shape (N, D_in)
    w : array-like of shape (D_out, D_in)
    b : array-like of shape (D_out,), optional

    Returns
    -------
    ndarray of shape (N, D_out)
    """
    x, w, b = _check_linear(x, w, b)
    y = x @ w.T
    if b is not None:
        y += b
    return y


def linear_backward(x, w, dy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients through :func:`linear`: :math:`dx = G W`, :math:`dW = G^\top x`, :math:`db = G^\top\mathbf 1`.

    Parameters
    ----------
    x : array-like of shape (N, D_in)
    w : array-like of shape (D_out, D_in)
    dy : array-like of shape (N, D_out)

    Returns
    -------
    dx : (N, D_in), dw : (D_out, D_in), db : (D_out,)
    """
    x, w, _ = _check_linear(x, w, None)
    dy = _as_float(dy, "dy", ndim=2, dtype=x.dtype)
    if dy.shape != (x.shape[0], w.shape[0]):
        raise ValueError(f"dy: shape {dy.shape}, expected {(x.shape[0], w.shape[0])}")
    return dy @ w, dy.T @ x, dy.sum(axis=0)


# ---------------------------------------------------- softmax cross-entropy
def softmax_cross_entropy(logits, labels) -> tuple[float, np.ndarray]:
    r"""Mean cross-entropy of the softmax, and its gradient.

    .. math::

        L = -\frac1N \sum_n \log \operatorname{softmax}(z_n)_{y_n},\qquad
        \frac{\partial L}{\partial z_n} = \frac1N\bigl(\operatorname{softmax}(z_n)
            - \operatorname{onehot}(y_n)\bigr)

    computed stably (the row maximum subtracted before exponentiating).

    Parameters
    ----------
    logits : array-like of shape (N, K)
    labels : array-like of int, shape (N,)
        Class indices in ``0 .. K-1``.

    Returns
    -------
    loss : float
        The mean over the batch.
    dlogits : ndarray of shape (N, K)
    """
    z = _as_float(logits, "logits", ndim=2)
    y = np.asarray(labels)
    if y.ndim != 1 or y.shape[0] != z.shape[0]:
        raise ValueError(f"labels: shape {y.shape}, expected ({z.shape[0]},), one label per row of logits")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels: expected integer class indices, got dtype {y.dtype}")
    k = z.shape[1]
    if y.size and (y.min() < 0 or y.max() >= k):
        bad = int(np.flatnonzero((y < 0) | (y >= k))[0])
        raise ValueError(f"labels: item {bad} is {int(y[bad])}; expected a class index in 0..{k - 1}")
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_norm
    rows = np.arange(n)
    loss = -float(log_p[rows, y].mean()) if n else 0.0
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    grad /= max(n, 1)
    return loss, grad


# ------------------------------------------------------------------- Adam
class Adam:
    r"""The Adam optimiser (Kingma & Ba, 2015), PyTorch's formulation.

    At step :math:`t` (from 1), for each parameter :math:`\theta` with gradient :math:`g`:

    .. math::

        m_t = \beta_1 m_{t-1} + (1-\beta_1) g,\qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2,\\
        \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    (the bias corrections :math:`1-\beta^t` undo the moments' start at 0).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    betas : (float, float)
        Decay rates :math:`\beta_1, \beta_2` in [0, 1).
    eps : float
        :math:`\epsilon \ge 0`, added to the denominator.
    """

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr: {lr!r}; the learning rate must be a positive number")
        if len(betas) != 2 or not all(0 <= float(bb) < 1 for bb in betas):
            raise ValueError(f"betas: {betas!r}; expected two numbers in [0, 1)")
        if not eps >= 0:
            raise ValueError(f"eps: {eps!r}; must be at least 0")
        self.lr, self.betas, self.eps = float(lr), (float(betas[0]), float(betas[1])), float(eps)
        self.t = 0
        self.m: list[np.ndarray] = []
        self.v: list[np.ndarray] = []

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place from its gradient in ``grads``.

        The moments are created on the first call and tied to the order of
        ``params``; pass the same list (same order, same shapes) every step.
        """
        if len(params) != len(grads):
            raise ValueError(f"grads: {len(grads)} gradients for {len(params)} parameters")
        if not self.m:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        elif len(self.m) != len(params):
            raise ValueError(f"params: {len(params)} arrays, but this optimiser was started with {len(self.m)}")
        for i, (p, g) in enumerate(zip(params, grads)):
            if not isinstance(p, np.ndarray) or p.shape != self.m[i].shape:
                raise ValueError(f"params: item {i} is not the array of shape {self.m[i].shape} this "
                                 f"optimiser was started with")
            if np.shape(g) != p.shape:
                raise ValueError(f"grads: item {i} has shape {np.shape(g)}, expected {p.shape}")
        self.t += 1
        b1, b2 = self.betas
        bc1 = 1 - b1 ** self.t
        bc2 = 1 - b2 ** self.t
        step_size = self.lr / bc1
        sqrt_bc2 = math.sqrt(bc2)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            denom = np.sqrt(v)
            denom /= sqrt_bc2
            denom += self.eps
            p -= step_size * (m / denom)


# ================================================================ helpers
def _as_float(a, name: str, *, ndim: int | None = None, dtype=None) -> np.ndarray:
    try:
        arr = np.asarray(a)
    except ValueError:
        raise ValueError(f"{name}: not a rectangular array (rows of different lengths)") from None
    if arr.dtype == object:
        raise ValueError(f"{name}: not a rectangular array of numbers")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name}: expected numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    target = dtype if dtype is not None else (arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64)
    return np.asarray(arr, dtype=target)


def _check_conv(x, w, b, stride, padding):
    x = _as_float(x, "x", ndim=4)
    w = _as_float(w, "w", ndim=4)
    dtype = np.result_type(x.dtype, w.dtype)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w: {w.shape[1]} input channels (w.shape[1]), but x has {x.shape[1]} (x.shape[1])")
    if b is not None:
        b = _as_float(b, "b", ndim=1, dtype=dtype)
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"b: {b.shape[0]} biases for {w.shape[0]} output channels; give one per channel")
    stride = pair(stride, "stride", minimum=1)
    padding = pair(padding, "padding", minimum=0)
    _conv_output_shape(x.shape, w.shape, stride, padding)
    return x, w, b, stride, padding


def _check_linear(x, w, b):
    x = _as_float(x, "x", ndim=2)
    w = _as_float(w, "w", ndim=2)
    dtype = np.result_type(x.dtype, w.dtype)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w: {w.shape[1]} input features (w.shape[1]), but x has {x.shape[1]} (x.shape[1])")
    if b is not None:
        b = _as_float(b, "b", ndim=1, dtype=dtype)
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"b: {b.shape[0]} biases for {w.shape[0]} outputs; give one per output")
    return x, w, b


def _conv_output_shape(x_shape, w_shape, stride, padding) -> tuple[int, int, int, int]:
    n, _, h, wd = x_shape
    kh, kw = w_shape[2:]
    for axis, size, k, p in (("rows", h, kh, padding[0]), ("columns", wd, kw, padding[1])):
        if size + 2 * p < k:
            raise ValueError(f"kernel: {k} {axis} is larger than the padded input's {size + 2 * p} "
                             f"({size} + 2*{p}); use a smaller kernel or more padding")
    return (n, w_shape[0], (h + 2 * padding[0] - kh) // stride[0] + 1,
            (wd + 2 * padding[1] - kw) // stride[1] + 1)


def _pad(x: np.ndarray, padding) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def _im2col(x: np.ndarray, kh: int, kw: int, stride, padding) -> np.ndarray:
    n, c, h, w = x.shape
    sh, sw = stride
    oh = (h + 2 * padding[0] - kh) // sh + 1
    ow = (w + 2 * padding[1] - kw) // sw + 1
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    _fill_cols(cols, _pad(x, padding).transpose(1, 0, 2, 3), kh, kw, oh, ow, stride)
    return cols.reshape(c * kh * kw, n * oh * ow)


def _col2im(cols: np.ndarray, x_shape, kh, kw, oh, ow, stride, padding) -> np.ndarray:
    n, c, h, w = x_shape
    ph, pw = padding
    dxp = np.zeros((c, n, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    _add_cols(dxp, cols.reshape(c, kh, kw, n, oh, ow), kh, kw, oh, ow, stride)
    return np.ascontiguousarray(dxp[:, :, ph:ph + h, pw:pw + w].transpose(1, 0, 2, 3))


def _window_slices(u, v, oh, ow, stride) -> tuple[slice, slice]:
    """The rows and columns of the (padded) input that kernel entry (u, v) meets, one per output cell."""
    sh, sw = stride
    return slice(u, u + sh * (oh - 1) + 1, sh), slice(v, v + sw * (ow - 1) + 1, sw)


def _fill_cols(cols, xt, kh, kw, oh, ow, stride):
    """cols (C, kh, kw, m, oh, ow) from the padded chunk xt (C, m, Hp, Wp)."""
    for u in range(kh):
        for v in range(kw):
            rows, columns = _window_slices(u, v, oh, ow, stride)
            cols[:, u, v] = xt[:, :, rows, columns]


def _add_cols(dxt, dcols, kh, kw, oh, ow, stride):
    """The adjoint of :func:`_fill_cols`: add dcols (C, kh, kw, m, oh, ow) onto dxt (C, m, Hp, Wp)."""
    for u in range(kh):
        for v in range(kw):
            rows, columns = _window_slices(u, v, oh, ow, stride)
            dxt[:, :, rows, columns] += dcols[:, u, v]


class _Buffers:
    """Flat scratch arrays reused across chunks and, per thread, across calls
    (fresh large arrays cost a page fault per 4 KiB on first touch: for the
    digits CNN's mini-batches that was half the time of a conv layer's backward
    pass); ``take(name, shape)`` is a C-contiguous view of the first elements.
    A thread keeps, between calls, one array per name and dtype of at most
    ``_KEPT_BYTES // 4`` bytes (2 MiB; six names)."""

    def __init__(self, dtype, **sizes):
        kept = _kept_buffers()
        self.flat = {}
        for name, size in sizes.items():
            old = kept.get((name, np.dtype(dtype)))
            if old is not None and old.size >= size:
                self.flat[name] = old
                continue
            self.flat[name] = np.empty(size, dtype=dtype)
            if size * np.dtype(dtype).itemsize <= _KEPT_BYTES // 4:
                kept[(name, np.dtype(dtype))] = self.flat[name]

    def take(self, name, shape):
        return self.flat[name][:math.prod(shape)].reshape(shape)


_KEPT_BYTES = 1 << 23
_LOCAL = None


def _thread_local():
    global _LOCAL
    if _LOCAL is None:
        import threading
        _LOCAL = threading.local()
    return _LOCAL


class _engine_threads:
    """Within (in the calling thread): the engine uses ``n`` threads whatever
    the BLAS pool allows; ``None`` restores the default. BLAS itself is still
    held to one thread during the engine's products."""

    def __init__(self, n: int | None):
        self.n = None if n is None else max(1, int(n))

    def __enter__(self):
        local = _thread_local()
        self.saved = getattr(local, "threads", None)
        local.threads = self.n
        return self

    def __exit__(self, *exc):
        _thread_local().threads = self.saved
        return False


def _kept_buffers() -> dict:
    _thread_local()
    kept = getattr(_LOCAL, "buffers", None)
    if kept is None:
        kept = _LOCAL.buffers = {}
    return kept


# ------------------------------------------------------------ the engine
# conv2d and conv2d_backward work the batch a chunk of samples at a time, in
# the layout the matrix products run fastest in (measured with OpenBLAS on
# these shapes: 1.3-1.6x faster than the (C*kh*kw, positions) patch matrix):
#
# * the chunk's samples, padded, as channels-last rows xh[n, r, q*C + c];
# * the chunk's patch matrix PT with one row per output cell and the window in
#   the order (u, v, c): shape (m*H_out*W_out, kh*kw*C), copied in runs of
#   kw*C numbers that are contiguous on both sides (a numba kernel; numpy's
#   strided copy for small work, which then never imports numba);
# * forward: Y^T = PT W^T, transposed into y (N, C_out, H_out, W_out);
# * backward, per sample with G = dy[n] as (C_out, H_out*W_out), a view:
#   dW = sum_n G PT_n and dPT_n = G^T W (BLAS reads G^T without a copy; for
#   images of few pixels G^T is copied once and the chunk takes one product
#   each, since per-sample calls would cost more than the copy); col2im
#   adds dPT's rows back onto the channels-last image (a numba kernel; numpy
#   for small work, which then never imports numba).
#
# Threads: the engine runs on its own threads, one chunk at a time each (a
# shared counter hands out the chunks, so a thread slowed by another process
# takes fewer of them), and holds BLAS to one thread while it works: a
# multi-threaded BLAS spin-waits for its helpers, which is what made conv2d 7x
# to 26x slower than PyTorch when the other core was busy. The number of
# threads is the BLAS pool's current size (threadpoolctl's limit; by default
# the usable cores), so ``threadpool_limits(1)`` makes the engine serial too.
# Chunks, and the order their partial sums are added, do not depend on the
# threads: the results are the same bits with any number of threads.

# patch-matrix bytes per chunk: PT, the products and col2im stay in the L2/L3 caches
# (measured: 512 KiB to 2 MiB within 5% of each other; 2 MiB best on (64,16,32,32,32,3))
_CHUNK_BYTES = 1 << 21
# below this many multiply-adds in the forward product the engine leaves the
# thread pools alone and never imports threadpoolctl (hand-sized work; OpenBLAS
# runs products this small on one thread anyway)
_SMALL_WORK = 1 << 18
# below this many output cells per image, per-sample products cost more in calls than a copy of G^T
_FEW_POSITIONS = 256
# at least this many multiply-adds per extra thread, or the threads cost more than they save
_WORK_PER_THREAD = 1 << 23
# patch-matrix entries from which im2col and col2im run in numba (smaller work, as in a
# worked example: numpy, and numba is never imported)
_NUMBA_MIN = 1 << 15
# input entries from which max-pool's gradient runs in numba (a worked example has at most 2,048)
_POOL_NUMBA_MIN = 1 << 14


def _chunks(x_shape, w_shape, out_hw, itemsize):
    n, c = x_shape[:2]
    per_sample = c * w_shape[2] * w_shape[3] * out_hw[0] * out_hw[1] * itemsize
    step = max(1, min(n, _CHUNK_BYTES // max(per_sample, 1)))
    return [(s, min(n, s + step)) for s in range(0, n, step)]


def _channels_last(x: np.ndarray, padding, out: np.ndarray | None = None) -> np.ndarray:
    """x (N, C, H, W) zero-padded and stored as rows xh (N, Hp, Wp*C), channels innermost
    (into ``out``, of shape (N, Hp, Wp, C), when given)."""
    n, c, h, w = x.shape
    ph, pw = padding
    xh = np.empty((n, h + 2 * ph, w + 2 * pw, c), dtype=x.dtype) if out is None else out
    if ph or pw:
        xh[:, :ph] = 0
        xh[:, ph + h:] = 0
        xh[:, ph:ph + h, :pw] = 0
        xh[:, ph:ph + h, pw + w:] = 0
    xh[:, ph:ph + h, pw:pw + w] = x.transpose(0, 2, 3, 1)
    return xh.reshape(n, h + 2 * ph, (w + 2 * pw) * c)


def _numba_ok(dtype, elements: int, least: int | None = None) -> bool:
    return elements >= (_NUMBA_MIN if least is None else least) and dtype in (np.float32, np.float64)


def _patch_rows(xh, pt, kh, kw, stride, c, fast):
    """PT (m, oh, ow, kh, kw*c) from the channels-last chunk xh (m, Hp, Wp*c). Small work: one
    strided numpy copy whose innermost runs, kw*c numbers, are contiguous on both sides."""
    if fast:
        from ._conv_kernels import patch_rows
        patch_rows(xh, pt, kh, kw, stride[0], stride[1], c)
        return
    sm, sr, sq = xh.strides
    np.copyto(pt, np.lib.stride_tricks.as_strided(
        xh, pt.shape, (sm, sr * stride[0], sq * c * stride[1], sr, sq), writeable=False))


def _add_patch_rows(dxh, dpt, kh, kw, stride, c, fast):
    """col2im: add dPT (m, oh, ow, kh, kw*c) onto the channels-last chunk dxh (m, Hp, Wp*c).

    The numpy loop adds the window entries (u, v) in descending order, the
    order in which the numba kernel's loops reach each pixel: the same sums.
    """
    if fast:
        from ._conv_kernels import add_patch_rows
        add_patch_rows(dxh, dpt, kh, kw, stride[0], stride[1], c)
        return
    m, oh, ow = dpt.shape[:3]
    img = dxh.reshape(m, dxh.shape[1], -1, c)
    d = dpt.reshape(m, oh, ow, kh, kw, c)
    for u in reversed(range(kh)):
        for v in reversed(range(kw)):
            rows, columns = _window_slices(u, v, oh, ow, stride)
            img[:, rows, columns] += d[:, :, :, u, v]


def _plan(x, w, oh, ow):
    """(chunks, multiply-adds of the forward product, numba kernels or not) for a conv2d on x with filters w."""
    n, c = x.shape[:2]
    c_out, _, kh, kw = w.shape
    work = n * oh * ow * c * kh * kw * c_out
    chunks = _chunks(x.shape, w.shape, (oh, ow), x.itemsize)
    fast = _numba_ok(x.dtype, n * oh * ow * c * kh * kw)
    return chunks, work, fast


def _run(chunks, work, step, make_buffers):
    """Call ``step(index, start, stop, buffers)`` for every chunk, on the engine's threads.

    Small work runs here, untouched. Larger work holds every BLAS library to
    one thread for the duration and, when the BLAS pool was allowed more than
    one thread, shares the chunks among that many threads (this one included).
    """
    if work < _SMALL_WORK:
        buf = make_buffers()
        for i, (s, e) in enumerate(chunks):
            step(i, s, e, buf)
        return
    with _blas_held_to_one() as allowed:
        if _LOCAL is not None and getattr(_LOCAL, "threads", None) is not None:
            allowed = _LOCAL.threads  # set by _engine_threads (numerics.cnn.train)
        threads = max(1, min(allowed, len(chunks), work // _WORK_PER_THREAD))
        if threads == 1:
            buf = make_buffers()
            for i, (s, e) in enumerate(chunks):
                step(i, s, e, buf)
            return
        import itertools
        import threading
        counter, lock = itertools.count(), threading.Lock()

        def worker():
            buf = make_buffers()
            while True:
                with lock:
                    i = next(counter)
                if i >= len(chunks):
                    return
                step(i, *chunks[i], buf)

        pool = _thread_pool()
        helpers = [pool.submit(worker) for _ in range(threads - 1)]
        try:
            worker()
        finally:
            for f in helpers:
                f.result()


_POOL = None
_BLAS = None


def _thread_pool():
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor
        _POOL = ThreadPoolExecutor(max(1, _usable_cores() - 1), thread_name_prefix="workedout-conv")
    return _POOL


def _usable_cores() -> int:
    import os
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _blas_libraries():
    """threadpoolctl's controllers of the loaded BLAS libraries (empty without threadpoolctl)."""
    global _BLAS
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController
            _BLAS = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        except Exception:  # noqa: BLE001  # pragma: no cover - a dependency; any failure: no control
            _BLAS = []
    return _BLAS


class _blas_held_to_one:
    """Within: every BLAS library on one thread. Yields the threads BLAS was allowed
    (at most the usable cores; the usable cores when no BLAS library is controllable)."""

    def __enter__(self) -> int:
        self.saved = [(lib, lib.num_threads) for lib in _blas_libraries()]
        for lib, n in self.saved:
            if n != 1:
                lib.set_num_threads(1)
        allowed = max((n for _, n in self.saved), default=_usable_cores())
        return max(1, min(allowed, _usable_cores()))

    def __exit__(self, *exc):
        for lib, n in self.saved:
            if n != 1:
                lib.set_num_threads(n)
        return False


def _conv2d_forward(x, w, b, stride, padding) -> np.ndarray:
    n, c, _, _ = x.shape
    c_out, _, kh, kw = w.shape
    oh, ow = _conv_output_shape(x.shape, w.shape, stride, padding)[2:]
    ckk = kh * kw * c
    hp, wp = x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]
    wt = np.ascontiguousarray(w.transpose(2, 3, 1, 0).reshape(ckk, c_out))  # rows (u, v, c)
    y = np.empty((n, c_out, oh, ow), dtype=x.dtype)
    chunks, work, fast = _plan(x, w, oh, ow)
    most = (chunks[0][1] - chunks[0][0]) * oh * ow

    def step(i, s, e, buf):
        rows = (e - s) * oh * ow
        # the chunk's samples channels-last, just before the copy reads them from the cache
        xh = _channels_last(x[s:e], padding, buf.take("xh", (e - s, hp, wp, c)))
        pt = buf.take("cols", (e - s, oh, ow, kh, kw * c))
        _patch_rows(xh, pt, kh, kw, stride, c, fast)
        yt = np.matmul(pt.reshape(rows, ckk), wt, out=buf.take("y", (rows, c_out)))
        yt = yt.reshape(e - s, oh * ow, c_out).transpose(0, 2, 1)
        out = y[s:e].reshape(e - s, c_out, oh * ow)  # a view: y[s:e] is contiguous
        if b is None:
            out[...] = yt
        else:  # the bias added in the same pass as the transpose
            np.add(yt, b[:, None], out=out)

    _run(chunks, work, step, lambda: _Buffers(x.dtype, cols=ckk * most, y=c_out * most,
                                              xh=(chunks[0][1] - chunks[0][0]) * hp * wp * c))
    return y


def _conv2d_backward(x, w, dy, stride, padding, need_dx: bool = True):
    _, c, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    oh, ow = dy.shape[2:]
    ph, pw = padding
    ckk = kh * kw * c
    hp, wp = h + 2 * ph, wd + 2 * pw
    w2 = np.ascontiguousarray(w.transpose(0, 2, 3, 1).reshape(c_out, ckk))  # columns (u, v, c)
    dx = np.empty(x.shape, dtype=x.dtype) if need_dx else None
    chunks, work, fast = _plan(x, w, oh, ow)
    dw_parts = np.empty((len(chunks), c_out, ckk), dtype=x.dtype)
    most = (chunks[0][1] - chunks[0][0]) * oh * ow
    row = wp * c

    def step(i, s, e, buf):
        m = e - s
        xh = _channels_last(x[s:e], padding, buf.take("xh", (m, hp, wp, c)))
        pt = buf.take("cols", (m, oh, ow, kh, kw * c))
        _patch_rows(xh, pt, kh, kw, stride, c, fast)
        g = dy[s:e].reshape(m, c_out, oh * ow)  # per sample G (C_out, positions): a view, no copy
        if oh * ow < _FEW_POSITIONS:  # small images: G^T copied once, then two whole-chunk products
            gt = buf.take("g", (m, oh * ow, c_out))
            np.copyto(gt, g.transpose(0, 2, 1))
            gt = gt.reshape(m * oh * ow, c_out)
            np.matmul(gt.T, pt.reshape(m * oh * ow, ckk), out=dw_parts[i])
            products = (gt, w2, (m * oh * ow, ckk))
        else:  # per-sample products, no copy of G; dW summed in sample order
            pt3 = pt.reshape(m, oh * ow, ckk)
            if m == 1:
                np.matmul(g[0], pt3[0], out=dw_parts[i])
            else:
                np.sum(np.matmul(g, pt3, out=buf.take("dw", (m, c_out, ckk))), axis=0, out=dw_parts[i])
            products = (g.transpose(0, 2, 1), w2, (m, oh * ow, ckk))
        if not need_dx:
            return
        dpt = np.matmul(products[0], products[1], out=buf.take("dcols", products[2]))
        dpt = dpt.reshape(m, oh, ow, kh, kw * c)
        dxh = buf.take("dx", (m, hp, row))
        dxh.fill(0)
        _add_patch_rows(dxh, dpt, kh, kw, stride, c, fast)
        dx[s:e] = dxh.reshape(m, hp, -1, c)[:, ph:ph + h, pw:pw + wd].transpose(0, 3, 1, 2)

    _run(chunks, work, step, lambda: _Buffers(
        x.dtype, cols=ckk * most, dw=(chunks[0][1] - chunks[0][0]) * c_out * ckk, g=c_out * most,
        xh=(chunks[0][1] - chunks[0][0]) * hp * row,
        dcols=ckk * most if need_dx else 0,
        dx=(chunks[0][1] - chunks[0][0]) * hp * row if need_dx else 0))
    dw = dw_parts[0].copy()
    for part in dw_parts[1:]:  # in chunk order, whatever thread computed each
        dw += part
    db = dy.sum(axis=(0, 2, 3))
    return dx, dw.reshape(c_out, kh, kw, c).transpose(0, 3, 1, 2).copy(), db


def _pool_params(x_shape, size, stride):
    kh, kw = pair(size, "size", minimum=1)
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride", minimum=1)
    for axis, n, k in (("rows", x_shape[2], kh), ("columns", x_shape[3], kw)):
        if n < k:
            raise ValueError(f"size: the pooling window's {k} {axis} exceed the input's {n}")
    return (kh, kw), (sh, sw)


def _pool_slices(x, kh, kw, sh, sw):
    """The window entries, one strided (N, C, H_out, W_out) view per position (u, v), row-major."""
    oh, ow = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    for u in range(kh):
        for v in range(kw):
            rows, columns = _window_slices(u, v, oh, ow, (sh, sw))
            yield x[:, :, rows, columns]
