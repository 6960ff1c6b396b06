"""The conv2d engine's own choices: threads, numba or numpy kernels, reused buffers.

None of these may change a result: the same inputs give the same bits whatever
the number of threads, whichever kernel copies the patches, and whatever was
computed before in the same thread. No timing here (see benchmarks/convolution.py).
"""
import subprocess
import sys
import threading

import numpy as np
import pytest
import workedout.numerics.convolution as C
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits
from workedout.numerics.convolution import (
    conv2d,
    conv2d_backward,
    maxpool2d_backward,
    relu_backward,
)


def _case(shape, seed=0, dtype=np.float64, stride=1, padding=1):
    n, c, h, w, c_out, k = shape
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((c_out, c, k, k)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    oh = (h + 2 * padding - k) // stride + 1
    ow = (w + 2 * padding - k) // stride + 1
    dy = rng.standard_normal((n, c_out, oh, ow)).astype(dtype)
    return x, wt, b, dy


def _all(x, w, b, dy, stride=1, padding=1):
    return (conv2d(x, w, b, stride, padding),) + conv2d_backward(x, w, dy, stride, padding)


# (16, 8, 32, 32) with 16 3x3 filters: 19 million multiply-adds, 16 chunks: the engine shares them
BIG = (16, 8, 32, 32, 16, 3)


def test_big_case_is_shared_among_threads():
    """The case the threading tests use really runs on more than one thread."""
    x, w, b, dy = _case(BIG)
    oh, ow = 32, 32
    chunks, work, fast = C._plan(x, w, oh, ow)
    assert len(chunks) >= 2 and work >= 2 * C._WORK_PER_THREAD and fast
    seen = set()
    step_run = C._run

    def spy(chunks, work, step, make_buffers):
        def wrapped(i, s, e, buf):
            seen.add(threading.get_ident())
            step(i, s, e, buf)
        return step_run(chunks, work, wrapped, make_buffers)

    C._run = spy
    try:
        with C._engine_threads(2):
            _all(x, w, b, dy)
    finally:
        C._run = step_run
    assert len(seen) == 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_are_identical_whatever_the_threading(dtype):
    x, w, b, dy = _case(BIG, dtype=dtype)
    with threadpool_limits(1, user_api="blas"):
        serial = _all(x, w, b, dy)
    runs = [_all(x, w, b, dy)]  # default: the BLAS pool's size (both cores here)
    with threadpool_limits(2, user_api="blas"):
        runs.append(_all(x, w, b, dy))
    for n in (2, 3, 5):
        with C._engine_threads(n):
            runs.append(_all(x, w, b, dy))
    for run in runs:
        for ours, first in zip(run, serial):
            assert ours.dtype == dtype
            assert np.array_equal(ours, first)


def test_blas_is_held_to_one_thread_during_the_engine_and_restored():
    """numpy's BLAS (loaded with numpy, so always among the libraries the engine controls)."""
    import numpy
    libraries = C._blas_libraries()
    numpy_dir = numpy.__file__.rsplit("/", 2)[0]
    assert any(lib.filepath.startswith(numpy_dir) for lib in libraries)

    def blas_threads():
        return {lib.num_threads for lib in libraries}

    with threadpool_limits(2, user_api="blas"):
        with C._blas_held_to_one() as allowed:
            assert blas_threads() == {1}
            assert allowed == min(2, C._usable_cores())
        assert blas_threads() == {2}
    with threadpool_limits(1, user_api="blas"), C._blas_held_to_one() as allowed:
        assert allowed == 1


def test_engine_threads_override_is_restored():
    with C._engine_threads(3):
        assert C._thread_local().threads == 3
        with C._engine_threads(None):
            assert C._thread_local().threads is None
        assert C._thread_local().threads == 3
    assert C._thread_local().threads is None


def test_calls_from_several_python_threads_at_once():
    """Each thread has its own scratch buffers: concurrent calls do not mix."""
    cases = [_case(BIG, seed=s, dtype=np.float32) for s in range(3)]
    expected = [_all(*case) for case in cases]
    results = [None] * len(cases)

    def run(i):
        results[i] = _all(*cases[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(cases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        for a, b in zip(got, want):
            assert np.array_equal(a, b)


def test_reused_buffers_neither_leak_into_results_nor_alias_them():
    small = _case((3, 2, 9, 9, 4, 3), seed=1)
    big = _case((6, 16, 20, 20, 8, 5), seed=2)
    first = _all(*small)
    _all(*big, padding=1)  # larger buffers in between
    again = _all(*small)
    for a, b in zip(first, again):
        assert np.array_equal(a, b)
    y1 = conv2d(*small[:3], 1, 1)
    y1_copy = y1.copy()
    conv2d(*small[:3], 1, 1)  # a second call must not write into the first result
    assert np.array_equal(y1, y1_copy)


shapes = st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 9), st.integers(1, 9),
                   st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
                   st.integers(1, 2), st.integers(0, 2), st.integers(0, 2), st.sampled_from([np.float32, np.float64]),
                   st.integers(0, 2 ** 32 - 1))


@settings(max_examples=40, deadline=None)
@given(shapes)
def test_numba_and_numpy_kernels_give_the_same_bits(case):
    """im2col and col2im by numba (large work) and by numpy (small work) agree exactly."""
    n, c, h, w, c_out, kh, kw, sh, sw, ph, pw, dtype, seed = case
    h, w = h + kh - 1, w + kw - 1
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    wt = rng.standard_normal((c_out, c, kh, kw)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    dy = rng.standard_normal((n, c_out, oh, ow)).astype(dtype)
    saved = C._NUMBA_MIN
    try:
        C._NUMBA_MIN = 0
        fast = _all(x, wt, b, dy, (sh, sw), (ph, pw))
        C._NUMBA_MIN = 1 << 62
        slow = _all(x, wt, b, dy, (sh, sw), (ph, pw))
    finally:
        C._NUMBA_MIN = saved
    for a, bb in zip(fast, slow):
        assert a.dtype == dtype and np.array_equal(a, bb)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 9), st.integers(2, 9), st.integers(1, 3),
       st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2 ** 32 - 1))
def test_maxpool_gradient_kernel_equals_numpy_with_ties_and_overlaps(n, c, h, w, kh, kw, sh, sw, seed):
    kh, kw = min(kh, h), min(kw, w)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (n, c, h, w)).astype(float)  # many ties
    x[rng.random(x.shape) < 0.05] = np.nan  # windows without a maximum
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    dy = rng.standard_normal((n, c, oh, ow))
    saved = C._POOL_NUMBA_MIN
    try:
        C._POOL_NUMBA_MIN = 0
        fast = maxpool2d_backward(x, dy, (kh, kw), (sh, sw))
        C._POOL_NUMBA_MIN = 1 << 62
        slow = maxpool2d_backward(x, dy, (kh, kw), (sh, sw))
    finally:
        C._POOL_NUMBA_MIN = saved
    assert np.array_equal(fast, slow)


def test_relu_backward_gives_zero_where_z_is_not_positive_even_for_inf_and_nan():
    z = np.array([[-1.0, 0.0, 2.0, -3.0]], np.float32)
    dy = np.array([[np.inf, np.nan, 5.0, 1.0]], np.float32)
    out = relu_backward(z, dy)
    assert out.dtype == np.float32 and out.tolist() == [[0.0, 0.0, 5.0, 0.0]]
    assert relu_backward(z, np.ones_like(z)).tolist() == [[0.0, 0.0, 1.0, 0.0]]


def test_hand_sized_work_imports_neither_numba_nor_threadpoolctl():
    """A worked example's conv, its gradients and a max-pool stay in numpy: a fast first answer."""
    code = ("import sys, numpy as np\n"
            "from workedout.numerics.convolution import conv2d, conv2d_backward, maxpool2d_backward\n"
            "x = np.arange(64.0).reshape(1, 1, 8, 8); w = np.ones((2, 1, 3, 3))\n"
            "y = conv2d(x, w, None, 1, 1); conv2d_backward(x, w, np.ones_like(y), 1, 1)\n"
            "maxpool2d_backward(x, np.ones((1, 1, 4, 4)))\n"
            "print(sorted(m for m in ('numba', 'threadpoolctl') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cnn_train_gives_the_same_model_on_one_or_two_threads():
    from workedout.numerics.cnn import build_cnn, train
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 10, 40)
    models = []
    for threads in (1, 2, None):
        model = build_cnn((1, 8, 8), 10, random_state=0)
        train(model, X, y, epochs=2, batch_size=16, progress=False, blas_threads=threads)
        models.append(model)
    for other in models[1:]:
        for a, b in zip(models[0].params, other.params):
            assert np.array_equal(a, b)
