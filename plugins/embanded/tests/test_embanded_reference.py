"""EM-banded against the reference implementation and the identities the algorithm must satisfy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.learn.testing import group_columns
from featurize_embanded import EMBandedRegressor, em

DATA = Path(__file__).parent / "data" / "reference_fit.npz"


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(DATA) as stored:
        return {name: stored[name] for name in stored.files}


REFERENCE_MODE = {"update": "em", "max_iter": 200, "tol": None}
"""The reference implementation's loop, step for step (the default instead stops at the fixed point)."""


def relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def test_matches_the_reference_fits_to_1e6(reference: dict[str, np.ndarray]) -> None:
    """All six targets in one vectorised run equal the reference's one-at-a-time fits."""
    groups = group_columns(reference["group_sizes"])
    model = EMBandedRegressor(groups=groups, **REFERENCE_MODE).fit(reference["X"], reference["Y"])
    assert relative(model.lambdas_, reference["lambdas"].T) < 1e-6
    assert relative(model.nu_, reference["nu"]) < 1e-6
    scale = np.abs(reference["coef"]).max()
    assert np.max(np.abs(model.coef_ - reference["coef"].T)) / scale < 1e-6
    assert np.all(model.n_iter_ == 200) and not model.converged_.any()
    centred_prediction = (reference["X"] - reference["X"].mean(0)) @ reference["coef"] + reference["Y"].mean(0)
    np.testing.assert_allclose(model.predict(reference["X"]), centred_prediction, rtol=1e-6, atol=1e-9)


def _unit_test_data(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference's unit-test recipe (spec section 5): legacy RNG 1337, uniforms through the normal ppf."""
    from scipy.stats import norm

    rng = np.random.RandomState(1337)
    X = norm.ppf(rng.random_sample((d, n)).T)
    noise = norm.ppf(rng.random_sample((1, n)).T)
    return X, X[:, 0] + noise[:, 0]


@pytest.mark.parametrize(
    ("d", "lambdas", "nu", "score"),
    [
        (8, [0.124752421156323, 0.000099481704179], 1.016172147103439, -62.375380659874189),
        (256, [0.170212040035268, 0.000122737436378], 0.828597806038281, -52.269084551054725),
    ],
)
@pytest.mark.parametrize("solver", ["primal", "dual"])
def test_reproduces_the_reference_unit_test_values(d: int, lambdas: list, nu: float, score: float, solver: str) -> None:
    """Including D > N, where ``dual`` uses the matrix-inversion identity; the score too."""
    X, y = _unit_test_data(128, d)
    model = EMBandedRegressor(groups=[range(4), range(4, d)], solver=solver, **REFERENCE_MODE).fit(X, y)
    np.testing.assert_allclose(model.lambdas_[0], lambdas, rtol=1e-9)
    np.testing.assert_allclose(model.nu_[0], nu, rtol=1e-9)
    np.testing.assert_allclose(model.scores_[0, -1], score, rtol=1e-9)


def test_single_group_equals_bayesian_ridge_with_shifted_shapes() -> None:
    """Spec 2.7: converged EM-banded (J=1) is BayesianRidge(alpha_1=phi+1, alpha_2=kappa, lambda_1=eta+1, ...)."""
    from sklearn.linear_model import BayesianRidge

    rng = np.random.default_rng(3)
    X = rng.standard_normal((500, 30))
    y = X @ rng.normal(0, 0.3, 30) + rng.standard_normal(500) * 0.7 + 2.0
    hyper = {"eta": 1e-4, "tau": 1e-4, "phi": 1e-4, "kappa": 1e-4}
    ridge = BayesianRidge(
        alpha_1=hyper["phi"] + 1,
        alpha_2=hyper["kappa"],
        lambda_1=hyper["eta"] + 1,
        lambda_2=hyper["tau"],
        tol=1e-14,
        max_iter=100_000,
    ).fit(X, y)
    for update in ("em", "mackay"):
        model = EMBandedRegressor(update=update, tol=1e-12, max_iter=100_000, **hyper).fit(X, y)
        assert model.converged_[0]
        np.testing.assert_allclose(model.lambdas_[0, 0], 1 / ridge.lambda_, rtol=1e-8)
        np.testing.assert_allclose(model.nu_[0], 1 / ridge.alpha_, rtol=1e-8)
        np.testing.assert_allclose(model.coef_, ridge.coef_, atol=1e-10)
        np.testing.assert_allclose(model.intercept_, ridge.intercept_, atol=1e-10)


def _planted_regression(n: int, sizes: tuple[int, ...], targets: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sum(sizes)))
    scales = np.repeat(np.linspace(1.0, 0.0, len(sizes)), sizes)[:, None]
    return X, X @ (rng.standard_normal((sum(sizes), targets)) * scales / 5) + rng.standard_normal((n, targets))


def test_vectorised_targets_equal_a_loop_of_single_target_fits() -> None:
    X, Y = _planted_regression(300, (6, 10, 4), 7)
    groups = group_columns((6, 10, 4))
    together = EMBandedRegressor(groups=groups, **REFERENCE_MODE).fit(X, Y)
    for t in range(Y.shape[1]):
        alone = EMBandedRegressor(groups=groups, **REFERENCE_MODE).fit(X, Y[:, t])
        np.testing.assert_allclose(together.lambdas_[t], alone.lambdas_[0], rtol=1e-10)
        np.testing.assert_allclose(together.coef_[t], alone.coef_, rtol=1e-9, atol=1e-12)


def test_groups_need_not_be_contiguous() -> None:
    """Columns are reordered internally; coefficients come back in the caller's column order."""
    X, Y = _planted_regression(200, (5, 5), 2)
    order = np.random.default_rng(1).permutation(10)
    contiguous = EMBandedRegressor(groups=[range(5), range(5, 10)], **REFERENCE_MODE).fit(X, Y)
    # original column j sits at position order[j] of the shuffled matrix
    shuffled = EMBandedRegressor(groups=[order[:5], order[5:]], **REFERENCE_MODE).fit(X[:, np.argsort(order)], Y)
    np.testing.assert_allclose(shuffled.lambdas_, contiguous.lambdas_, rtol=1e-10)
    np.testing.assert_allclose(shuffled.coef_[:, order], contiguous.coef_, rtol=1e-9, atol=1e-12)


def test_em_never_lowers_the_score() -> None:
    X, Y = _planted_regression(150, (4, 8, 8), 3)
    model = EMBandedRegressor(groups=group_columns((4, 8, 8)), **REFERENCE_MODE).fit(X, Y)
    assert np.all(np.diff(model.scores_, axis=1) >= -1e-9 * np.abs(model.scores_[:, 1:]))


def test_mackay_reaches_the_em_fixed_point_in_fewer_iterations() -> None:
    X, Y = _planted_regression(1000, (20, 40, 30), 3)
    sizes = np.array([20, 40, 30])
    slow = EMBandedRegressor(groups=group_columns(sizes), tol=1e-12, max_iter=50_000, update="em").fit(X, Y)
    fast = EMBandedRegressor(groups=group_columns(sizes), tol=1e-14, max_iter=50_000, update="mackay").fit(X, Y)
    assert slow.converged_.all() and fast.converged_.all()
    assert np.all(fast.n_iter_ * 3 < slow.n_iter_)
    np.testing.assert_allclose(fast.lambdas_, slow.lambdas_, rtol=1e-3)
    # MacKay's point is a fixed point of the EM map: one more EM step does not move it
    problem = em.PrimalProblem(X - X.mean(0), Y - Y.mean(0), sizes)
    post = problem.posterior(fast.lambdas_, fast.nu_, np.arange(3))
    lambdas, nu = em.em_update(post, fast.lambdas_, fast.nu_, sizes, len(X), em.Hyperparameters())
    np.testing.assert_allclose(lambdas, fast.lambdas_, rtol=1e-6)
    np.testing.assert_allclose(nu, fast.nu_, rtol=1e-6)


def test_mackay_falls_back_to_em_when_features_outnumber_samples() -> None:
    """MacKay runs to an interpolating point (score -85.18 against EM's -52.14) when D > N (spec 7.6)."""
    X, y = _unit_test_data(128, 256)
    groups = [range(4), range(4, 256)]
    em_fit = EMBandedRegressor(groups=groups, max_iter=300).fit(X, y)
    asked_mackay = EMBandedRegressor(groups=groups, max_iter=300, update="mackay").fit(X, y)
    assert np.array_equal(asked_mackay.lambdas_, em_fit.lambdas_)
    assert asked_mackay.scores_[0, -1] > -52.2


def test_early_stopping_drops_converged_targets_from_the_batch() -> None:
    X, Y = _planted_regression(300, (5, 5, 5), 4)
    model = EMBandedRegressor(groups=group_columns((5, 5, 5)), tol=1e-8, max_iter=1000).fit(X, Y)
    assert model.converged_.all()
    assert len(set(model.n_iter_.tolist())) > 1
    for t, stop in enumerate(model.n_iter_):
        assert np.isfinite(model.scores_[t, :stop]).all() and np.isnan(model.scores_[t, stop:]).all()


def test_repeated_fits_are_identical() -> None:
    X, Y = _planted_regression(200, (5, 5, 5), 3)
    first = EMBandedRegressor(groups=group_columns((5, 5, 5))).fit(X, Y)
    second = EMBandedRegressor(groups=group_columns((5, 5, 5))).fit(X, Y)
    assert np.array_equal(first.lambdas_, second.lambdas_)
    assert np.array_equal(first.coef_, second.coef_)


def test_the_null_group_collapses_and_nu_finds_the_noise() -> None:
    X, Y = _planted_regression(2000, (20, 20, 20), 2)
    model = EMBandedRegressor(groups=group_columns((20, 20, 20))).fit(X, Y)
    assert np.all(model.lambdas_[:, 2] * 10 < model.lambdas_[:, 0])
    np.testing.assert_allclose(model.nu_, 1.0, rtol=0.1)


def test_posterior_summaries_agree_between_primal_and_dual() -> None:
    X, Y = _planted_regression(60, (10, 30, 40), 3)
    X, Y = X - X.mean(0), Y - Y.mean(0)
    sizes = np.array([10, 30, 40])
    lambdas = np.array([[0.5, 0.01, 0.2], [1.0, 1.0, 1.0], [0.05, 0.3, 0.001]])
    nu = np.array([0.7, 1.0, 2.0])
    targets = np.arange(3)
    primal = em.PrimalProblem(X, Y, sizes).posterior(lambdas, nu, targets)
    dual = em.DualProblem(X, Y, sizes).posterior(lambdas, nu, targets)
    for field in ("coef", "sq_norms", "traces", "rss", "fit", "logdet_sigma"):
        np.testing.assert_allclose(getattr(primal, field), getattr(dual, field), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("n", [5, 64, 65, 150, 301])
def test_upper_inverse_by_recursive_halving(n: int) -> None:
    rng = np.random.default_rng(n)
    upper = np.asfortranarray(np.triu(rng.standard_normal((n, n))) + n * np.eye(n))
    np.testing.assert_allclose(em.upper_inverse(upper) @ upper, np.eye(n), atol=1e-12)


def test_the_default_stops_at_the_fixed_point_of_fully_converged_em() -> None:
    """Issue 18: the default (MacKay, tol on the lambdas) lands within 1e-4 of EM run to convergence."""
    X, Y = _planted_regression(1500, (20, 20, 10, 10), 6, seed=4)
    groups = group_columns((20, 20, 10, 10))
    full = EMBandedRegressor(groups=groups, update="em", tol=None, max_iter=5000).fit(X, Y)  # EM to the end
    default = EMBandedRegressor(groups=groups).fit(X, Y)
    assert default.converged_.all() and default.n_iter_.max() < 100
    assert relative(default.lambdas_, full.lambdas_) < 1e-4
    assert relative(default.nu_, full.nu_) < 1e-6


def test_targets_still_moving_at_max_iter_are_named_in_a_warning() -> None:
    from featurize_embanded import EMBandedClassifier, NotConvergedWarning

    X, Y = _planted_regression(300, (6, 10, 4), 3)
    tags = (Y > 0).astype(int)
    with pytest.warns(NotConvergedWarning, match=r"3 target\(s\) still moving after max_iter=2 .*: 0, 1, 2; raise"):
        model = EMBandedClassifier(groups=group_columns((6, 10, 4)), max_iter=2).fit(X, tags)
    assert not model.converged_.any()
