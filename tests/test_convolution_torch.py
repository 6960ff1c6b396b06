"""numerics.convolution and numerics.cnn equal PyTorch (float64, to 1e-10); skipped without torch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
F = torch.nn.functional
torch.set_num_threads(1)  # tiny tensors: threads only add contention on a shared machine

from workedout.numerics.cnn import Sequential, build_cnn  # noqa: E402
from workedout.numerics.convolution import (Adam, conv2d, conv2d_backward, maxpool2d, maxpool2d_backward,  # noqa: E402
                                  relu_backward, softmax_cross_entropy)

TOL = 1e-10


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@settings(max_examples=25)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
       st.integers(0, 3), st.integers(0, 3), st.integers(1, 3), st.integers(1, 2), st.integers(0, 2),
       st.integers(0, 1), st.integers(0, 2 ** 32 - 1))
def test_conv2d_forward_and_gradients_equal_torch(n, c, co, kh, kw, eh, ew, sh, sw, ph, pw, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, kh + eh, kw + ew))
    w = rng.standard_normal((co, c, kh, kw))
    b = rng.standard_normal(co)
    tx, tw, tb = t(x, True), t(w, True), t(b, True)
    ty = F.conv2d(tx, tw, tb, stride=(sh, sw), padding=(ph, pw))
    dy = rng.standard_normal(tuple(ty.shape))
    ty.backward(t(dy))
    y = conv2d(x, w, b, (sh, sw), (ph, pw))
    dx, dw, db = conv2d_backward(x, w, dy, (sh, sw), (ph, pw))
    for ours, theirs in ((y, ty.detach()), (dx, tx.grad), (dw, tw.grad), (db, tb.grad)):
        assert np.allclose(ours, theirs.numpy(), rtol=TOL, atol=TOL)


@pytest.mark.parametrize("size,stride", [(2, None), (3, 1), (2, 1), (3, 2), ((2, 3), (1, 2))])
def test_maxpool_and_its_tie_rule_equal_torch(size, stride):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, (2, 3, 7, 8)).astype(float)  # many ties
    tx = t(x, True)
    ty = F.max_pool2d(tx, size, stride)
    dy = rng.standard_normal(tuple(ty.shape))
    ty.backward(t(dy))
    assert np.array_equal(maxpool2d(x, size, stride), ty.detach().numpy())
    assert np.allclose(maxpool2d_backward(x, dy, size, stride), tx.grad.numpy(), rtol=TOL, atol=TOL)


def test_relu_and_softmax_cross_entropy_equal_torch():
    rng = np.random.default_rng(1)
    z = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.0]])
    tz = t(z, True)
    dy = rng.standard_normal(z.shape)
    F.relu(tz).backward(t(dy))
    assert np.array_equal(relu_backward(z, dy), tz.grad.numpy())
    logits = rng.standard_normal((5, 4)) * 3
    labels = rng.integers(0, 4, 5)
    tl = t(logits, True)
    loss = F.cross_entropy(tl, torch.tensor(labels))
    loss.backward()
    ours, grad = softmax_cross_entropy(logits, labels)
    assert abs(ours - loss.item()) < TOL
    assert np.allclose(grad, tl.grad.numpy(), rtol=TOL, atol=TOL)


def test_adam_steps_equal_torch():
    rng = np.random.default_rng(2)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
    tparams = [t(p.copy(), True) for p in params]
    ours = Adam(lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    theirs = torch.optim.Adam(tparams, lr=0.01, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(5):
        grads = [rng.standard_normal(p.shape) for p in params]
        for tp, g in zip(tparams, grads):
            tp.grad = t(g)
        theirs.step()
        ours.step(params, grads)
        for p, tp in zip(params, tparams):
            assert np.allclose(p, tp.detach().numpy(), rtol=TOL, atol=TOL)


def torch_copy(model: Sequential):
    """The same architecture in torch, with our weights."""
    from workedout.numerics.cnn import Conv2D, Flatten, Linear, MaxPool2D, ReLU
    layers = []
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            co, ci, k, _ = layer.w.shape
            m = torch.nn.Conv2d(ci, co, k, padding=layer.padding[0]).double()
        elif isinstance(layer, Linear):
            m = torch.nn.Linear(layer.w.shape[1], layer.w.shape[0]).double()
        elif isinstance(layer, ReLU):
            layers.append(torch.nn.ReLU())
            continue
        elif isinstance(layer, MaxPool2D):
            layers.append(torch.nn.MaxPool2d(layer.size))
            continue
        elif isinstance(layer, Flatten):
            layers.append(torch.nn.Flatten())
            continue
        with torch.no_grad():
            m.weight.copy_(t(layer.w))
            m.bias.copy_(t(layer.b))
        layers.append(m)
    return torch.nn.Sequential(*layers)


def test_cnn_training_steps_equal_torch():
    """Three Adam steps of the whole CNN (forward, backward, update) agree with torch in float64."""
    rng = np.random.default_rng(3)
    model = build_cnn((1, 8, 8), 10, conv_layers=2, kernel_size=3, random_state=0, dtype=np.float64)
    net = torch_copy(model)
    opt = Adam(1e-2)
    topt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(3):
        X = rng.standard_normal((16, 1, 8, 8))
        y = rng.integers(0, 10, 16)
        logits = model.forward(X)
        loss, dlogits = softmax_cross_entropy(logits, y)
        model.backward(dlogits)
        opt.step(model.params, model.grads)
        topt.zero_grad()
        tloss = F.cross_entropy(net(t(X)), torch.tensor(y))
        tloss.backward()
        topt.step()
        assert abs(loss - tloss.item()) < TOL
    for ours, theirs in zip(model.params, net.parameters()):
        assert np.allclose(ours, theirs.detach().numpy(), rtol=1e-9, atol=1e-10)
