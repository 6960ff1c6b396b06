"""``gmm fit`` / ``gmm select``: results over the numeric engine, reproducible runs, figures, errors."""
import json

import numpy as np
import pytest

from workedout.derivations.gmm._fit import fit, plot_fit, plot_select, read_init, select
from workedout.numerics.gmm import GaussianMixture
from workedout.numerics.io import load_dataset

PETALS = "petal_length,petal_width"


@pytest.fixture(scope="module")
def petals():
    return load_dataset("iris", columns=PETALS)


def test_fit_reports_the_engine_and_checks_itself(petals):
    r = fit(petals, k=3, covariance="full")
    model = GaussianMixture(3, covariance_type="full", random_state=0).fit(petals.X)
    np.testing.assert_allclose(r.answer["means"], model.means_)
    assert r.answer["n_iter"] == model.n_iter_ and r.answer["converged"]
    assert len(r.answer["labels"]) == 150
    data = json.loads(r.to_json())
    for key in ("weights", "means", "covariances", "lower_bound", "n_iter", "converged", "labels"):
        assert key in data
    assert r.check(data).ok
    data["weights"][1] += 0.01
    assert [d.location for d in r.check(data).discrepancies] == ["weights[1]"]


@pytest.mark.parametrize("covariance", ["full", "tied", "diag", "spherical"])
def test_init_file_reproduces_a_run(tmp_path, petals, covariance):
    first = fit(petals, k=3, covariance=covariance, max_iter=5, tol=1e-12)
    init = {key: json.loads(first.to_json())[key] for key in ("weights", "means", "covariances")}
    path = tmp_path / "init.json"
    path.write_text(json.dumps(init))
    a = fit(petals, k=3, covariance=covariance, init=path, max_iter=7)
    b = fit(petals, k=3, covariance=covariance, init=init, max_iter=7)
    assert a.to_json() == b.to_json()
    # starting from a fitted model's parameters, EM stays where it is
    np.testing.assert_allclose(a.answer["means"], first.answer["means"], rtol=1e-2)


@pytest.mark.parametrize("init,message", [
    ({"weights": [1]}, "missing means, covariances"),
    ({"weights": [0.5, 0.5], "means": [[0, 0]], "covariances": [1, 1]}, "weights has shape"),
    ({"weights": [1 / 3] * 3, "means": [[0, 0]] * 3, "covariances": [[[1, 2], [2, 1]]] * 3},
     "symmetric positive definite"),
])
def test_bad_init_is_named(init, message):
    with pytest.raises(ValueError, match=f"init: .*{message}"):
        read_init(init, 3, 2, "full")


def test_select_finds_the_best_bic_and_reports_ari():
    r = select("iris", k="1-3", covariance="full,diag", labels="species")
    rows = r.answer["table"]
    assert [(row["k"], row["covariance"]) for row in rows] == [
        (1, "full"), (1, "diag"), (2, "full"), (2, "diag"), (3, "full"), (3, "diag")]
    best = min(rows, key=lambda row: row["bic"])
    assert r.answer["best"] == {"k": best["k"], "covariance": best["covariance"]}
    assert all("ari" in row for row in rows)
    assert r.check(json.loads(r.to_json())).ok


@pytest.mark.parametrize("kwargs,message", [
    (dict(k=3, covariance="round"), "covariance: 'round' is not a covariance type; expected one of full, tied, diag, spherical"),
    (dict(k=200, covariance="full"), "k: 200 components but only 150 data points"),
])
def test_fit_errors(petals, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit(petals, **kwargs)


def test_figures_are_written_and_deterministic(tmp_path, petals):
    r = fit(petals, k=3, covariance="full")
    plot_fit(r, petals, tmp_path / "a.png")
    plot_fit(r, petals, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    one = load_dataset("iris", columns="petal_width")
    plot_fit(fit(one, k=3), one, tmp_path / "one.svg")
    s = select("iris", k="1-2", covariance="full")
    plot_select(s, tmp_path / "bic.png")
    assert all((tmp_path / f).stat().st_size > 1000 for f in ("a.png", "one.svg", "bic.png"))
