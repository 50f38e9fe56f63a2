"""scikit-learn estimators over :mod:`featurize_embanded.em`: a regressor and the tagging classifier.

:class:`EMBandedRegressor` is banded regression itself (one or many real-valued targets).
:class:`EMBandedClassifier` is what the ``em-banded`` model of featurize returns: a linear
probability model, as in the SAMAT paper — each tag (multi-label) or each class (one-vs-rest)
is a 0/1 target of the banded regression. Both expose ``lambdas_`` and the group importances.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np
from threadpoolctl import threadpool_limits

from featurize.learn.base import (
    Estimator,
    accuracy,
    as_targets,
    check_groups,
    decode_scores,
    encode_targets,
    load_estimator_files,
    normalise_rows,
    overall_importance,
    r2_score,
    save_estimator,
)
from featurize_embanded import em

DISTRIBUTION = "featurize-embanded"


class NotConvergedWarning(UserWarning):
    """Some targets' parameters were still moving when ``max_iter`` was reached."""


FLOOR_MARGIN = 10.0
"""A group's lambda within this factor of the hyper-prior floor ``tau / (1 + eta)`` (where EM
settles when the data carry nothing about the group) is undetermined, not a ranking."""
_FITTED_ARRAYS = ("coef_", "intercept_", "lambdas_", "nu_", "n_iter_", "converged_", "scores_")


class _BandedModel(Estimator):
    """Parameters, fitting and saving shared by the regressor and the classifier."""

    def __init__(
        self,
        groups: Sequence[Sequence[int]] | None = None,
        *,
        eta: float = 1e-4,
        tau: float = 1e-4,
        phi: float = 1e-4,
        kappa: float = 1e-4,
        max_iter: int = 1000,
        tol: float | None = 1e-7,
        update: Literal["em", "mackay"] = "mackay",
        fit_intercept: bool = True,
        lambdas_init: float | Sequence[float] = 1.0,
        nu_init: float = 1.0,
        solver: Literal["auto", "primal", "dual"] = "auto",
    ) -> None:
        self.groups = groups
        self.eta = eta
        self.tau = tau
        self.phi = phi
        self.kappa = kappa
        self.max_iter = max_iter
        self.tol = tol
        self.update = update
        self.fit_intercept = fit_intercept
        self.lambdas_init = lambdas_init
        self.nu_init = nu_init
        self.solver = solver

    def _check_params(self) -> None:
        name = type(self).__name__
        if self.update not in ("em", "mackay"):
            raise ValueError(f"{name}: update must be 'em' or 'mackay', got {self.update!r}")
        if self.solver not in ("auto", "primal", "dual"):
            raise ValueError(f"{name}: solver must be 'auto', 'primal' or 'dual', got {self.solver!r}")
        if not isinstance(self.max_iter, int | np.integer) or self.max_iter < 1:
            raise ValueError(f"{name}: max_iter must be a positive integer, got {self.max_iter!r}")
        if self.tol is not None and not self.tol >= 0:
            raise ValueError(f"{name}: tol must be None or >= 0, got {self.tol!r}")
        for hyper in ("eta", "tau", "phi", "kappa"):
            if not getattr(self, hyper) >= 0:
                raise ValueError(f"{name}: {hyper} must be >= 0, got {getattr(self, hyper)!r}")
        if not (np.all(np.asarray(self.lambdas_init) > 0) and self.nu_init > 0):
            raise ValueError(f"{name}: lambdas_init and nu_init must be positive")

    def _fit_targets(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Fit every column of ``Y`` and set the fitted attributes (coefficients in column order)."""
        self._check_params()
        groups = check_groups(self.groups, X.shape[1])
        order, sizes = np.concatenate(groups), np.array([len(g) for g in groups])
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = Y.mean(axis=0) if self.fit_intercept else np.zeros(Y.shape[1])
        dual = self.solver == "dual" or (self.solver == "auto" and X.shape[1] > X.shape[0])
        problem = (em.DualProblem if dual else em.PrimalProblem)((X - x_mean)[:, order], Y - y_mean, sizes)
        result = self._iterate(problem, Y.shape[1], sizes)
        self.coef_ = np.empty_like(result.coef)
        self.coef_[:, order] = result.coef
        self.intercept_ = y_mean - self.coef_ @ x_mean
        self.lambdas_, self.nu_, self.scores_ = result.lambdas, result.nu, result.scores
        self.n_iter_, self.converged_ = result.n_iter, result.converged
        self._set_importances(sizes)
        if self.tol is not None and not self.converged_.all():
            self._warn_not_converged()

    def _target_names(self) -> list[str]:
        return [f"target {t}" for t in range(len(np.atleast_1d(self.nu_)))]

    def _warn_not_converged(self) -> None:
        names = [n for n, done in zip(self._target_names(), np.atleast_1d(self.converged_), strict=True) if not done]
        shown = ", ".join(map(str, names[:10])) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        warnings.warn(
            f"em-banded: {len(names)} target(s) still moving after max_iter={self.max_iter} (tol={self.tol}): "
            f"{shown}; raise max_iter for their fixed point",
            NotConvergedWarning,
            stacklevel=3,
        )

    def _set_importances(self, sizes: np.ndarray) -> None:
        """Importances from ``lambdas_``: the paper's average, the size-aware share, the floor flags."""
        lambdas = np.atleast_2d(self.lambdas_)
        self.group_importances_per_target_ = normalise_rows(lambdas)
        self.group_importances_ = overall_importance(lambdas)
        self.group_importances_total_per_target_ = normalise_rows(lambdas * sizes)
        self.undetermined_groups_ = lambdas <= FLOOR_MARGIN * self.tau / (1 + self.eta)

    def _iterate(self, problem: em.Problem, n_targets: int, sizes: np.ndarray) -> em.BandedFit:
        lambdas_init = np.asarray(self.lambdas_init, dtype=np.float64)
        if lambdas_init.ndim and lambdas_init.shape != sizes.shape:
            raise ValueError(f"lambdas_init has {lambdas_init.size} values for {len(sizes)} groups")
        # One BLAS thread: the iterations are many medium-size factorisations, which gain little from
        # BLAS threads and lose an order of magnitude when other processes share the cores.
        with threadpool_limits(limits=1, user_api="blas"):
            return em.fit(
                problem,
                n_targets,
                hyper=em.Hyperparameters(self.eta, self.tau, self.phi, self.kappa),
                max_iter=int(self.max_iter),
                tol=self.tol,
                update=self.update,
                lambdas_init=lambdas_init,
                nu_init=self.nu_init,
            )

    def _raw_scores(self, X: Any) -> np.ndarray:
        self._check_fitted()
        return self._validate_X(X, reset=False) @ self.coef_.T + self.intercept_

    # -- saving ---------------------------------------------------------------------------------

    def _extra_attributes(self) -> dict[str, Any]:
        return {}

    def _extra_arrays(self) -> dict[str, np.ndarray]:
        return {}

    def _restore(self, attributes: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        return None

    def save(self, directory: str | Path) -> Path:
        """Write the parameters and fitted arrays to ``directory`` (JSON + npz, no pickle)."""
        self._check_fitted()
        arrays = {name: getattr(self, name) for name in _FITTED_ARRAYS} | self._extra_arrays()
        attributes = {"n_features_in_": self.n_features_in_} | self._extra_attributes()
        return save_estimator(self, directory, distribution=DISTRIBUTION, attributes=attributes, arrays=arrays)

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """Restore an estimator written by :meth:`save`."""
        meta, arrays = load_estimator_files(directory, cls)
        estimator = cls(**meta["params"])
        for name in _FITTED_ARRAYS:
            setattr(estimator, name, arrays[name])
        estimator.n_features_in_ = int(meta["attributes"]["n_features_in_"])
        groups = check_groups(estimator.groups, estimator.n_features_in_)
        estimator._set_importances(np.array([len(g) for g in groups]))
        estimator._restore(meta["attributes"], arrays)
        return estimator


class EMBandedRegressor(_BandedModel):
    """Banded ridge regression fitted by EM, one prior variance per feature group and target.

    Parameters
    ----------
    groups : sequence of sequences of int, optional
        Column indices of each group; together they must cover every column once.
        ``None`` makes all columns one group (then the model equals Bayesian ridge).
    eta, tau : float
        Shape and scale of the Inverse-Gamma prior on each group's variance ``lambda_j``.
    phi, kappa : float
        Shape and scale of the Inverse-Gamma prior on the noise variance ``nu``.
    max_iter : int
        Number of E-steps at most; targets still moving then are named in a
        :class:`NotConvergedWarning` and ``converged_`` is ``False`` for them.
    tol : float, optional
        Stop a target once an iteration moves none of its ``lambdas`` by more than ``tol`` times
        its largest ``lambda``, and ``nu`` by at most ``tol * nu``: the fixed point, to about that
        precision. ``None`` runs exactly ``max_iter`` iterations.
    update : {"em", "mackay"}
        MacKay fixed-point updates (the default: EM's fixed points in tens of iterations instead of
        hundreds; steps that lower the score are undone) or EM updates. ``update="em",
        max_iter=200, tol=None`` is the reference implementation, step for step.
    fit_intercept : bool
        Centre ``X`` and ``y`` on the training data (the reference's ``remove_intercept``).
    lambdas_init, nu_init : float or sequence of float
        Starting values (the reference starts from 1).
    solver : {"auto", "primal", "dual"}
        ``dual`` uses the matrix-inversion identity (``N x N`` systems); ``auto`` picks it when
        features outnumber samples.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    lambdas_ : ndarray of shape (n_targets, n_groups)
        Prior variance of each group's coefficients, per target.
    nu_ : ndarray of shape (n_targets,)
        Noise variance per target.
    n_iter_, converged_ : ndarray of shape (n_targets,)
        E-steps run, and whether the parameters settled within ``tol`` (always ``False`` when
        ``tol`` is ``None``).
    scores_ : ndarray of shape (n_targets, max_iter)
        Log-posterior after each E-step, NaN after a target stopped.
    group_importances_per_target_ : ndarray of shape (n_targets, n_groups)
        ``lambdas_`` normalised to sum to 1 per target.
    group_importances_ : ndarray of shape (n_groups,)
        ``lambdas_`` averaged over targets, normalised to sum to 1.
    group_importances_total_per_target_ : ndarray of shape (n_targets, n_groups)
        Size-aware variant: ``lambdas_`` times the group's size, normalised per target.
    undetermined_groups_ : ndarray of bool, shape (n_targets, n_groups)
        Lambda within :data:`FLOOR_MARGIN` of the hyper-prior floor: the data do not inform it.
    """

    estimator_kind: ClassVar[Literal["regressor"]] = "regressor"

    def fit(self, X: Any, y: Any) -> Self:
        """Fit every target in one vectorised EM run."""
        self._require_y(y)
        matrix = self._validate_X(X, reset=True)
        targets = as_targets(y, matrix.shape[0])
        self._fit_targets(matrix, targets.reshape(len(targets), -1))
        self._one_d = targets.ndim == 1
        if self._one_d:
            self.coef_, self.intercept_ = self.coef_[0], float(self.intercept_[0])
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Posterior-mean predictions, ``(n,)`` or ``(n, n_targets)`` like the ``y`` given to fit."""
        return self._raw_scores(X)

    def score(self, X: Any, y: Any) -> float:
        """Coefficient of determination R^2 (averaged over targets)."""
        return r2_score(y, self.predict(X))

    def _extra_attributes(self) -> dict[str, Any]:
        return {"one_d": self._one_d}

    def _restore(self, attributes: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self._one_d = bool(attributes["one_d"])
        if self._one_d:
            self.intercept_ = float(np.asarray(self.intercept_).reshape(-1)[0])


class EMBandedClassifier(_BandedModel):
    """EM-banded regression on 0/1 targets, for tagging (the ``em-banded`` model of featurize).

    ``fit(X, Y)`` takes an ``(n, n_tags)`` 0/1 matrix (multi-label: one target per tag) or
    ``(n,)`` class labels (one target for two classes, one per class otherwise). The targets are
    regressed as in the SAMAT paper (a linear probability model). ``decision_function`` returns
    the regression output minus 0.5 for tags and binary tasks (positive means predicted), and
    the output per class for more classes (the largest wins). Parameters and attributes are
    those of :class:`EMBandedRegressor`; rows of ``lambdas_`` follow the targets (tags, or
    classes for more than two classes, or the second class for two).
    """

    estimator_kind: ClassVar[Literal["classifier"]] = "classifier"

    def fit(self, X: Any, y: Any) -> Self:
        """Fit one banded regression per tag or class, all in one vectorised EM run."""
        self._require_y(y)
        matrix = self._validate_X(X, reset=True)
        encoding = encode_targets(y, matrix.shape[0])
        self.classes_ = encoding.classes
        self.multilabel_ = encoding.multilabel
        self._fit_targets(matrix, encoding.indicator)
        return self

    def _target_names(self) -> list[str]:
        """Tags or classes by name (two classes are fitted as one target: the second class)."""
        names = [str(c) for c in self.classes_]
        return names[-1:] if len(np.atleast_1d(self.nu_)) == 1 and len(names) == 2 else names

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores per tag or class: ``(n, n_targets)``, or ``(n,)`` for two classes."""
        scores = self._raw_scores(X)
        binary = not self.multilabel_ and len(self.classes_) == 2
        if self.multilabel_ or binary:
            scores = scores - 0.5
        return scores[:, 0] if binary else scores

    def predict(self, X: Any) -> np.ndarray:
        """Tags whose score is positive (multi-label), or the class with the best score."""
        return decode_scores(self.decision_function(X), self.classes_, self.multilabel_)

    def _offset(self) -> float:
        """What :meth:`decision_function` subtracts from the regression output (0.5 for tags, two classes)."""
        return 0.5 if self.multilabel_ or len(self.classes_) == 2 else 0.0

    def feature_contributions(self, X: Any) -> np.ndarray:
        """Additive terms of :meth:`decision_function`: ``(n, n_targets, n_features + 1)``, bias last.

        The model is linear, so column ``j`` contributes ``X[:, j] * coef_[t, j]`` to target ``t``
        exactly; the bias is the intercept minus the decision offset. The terms sum to the decision value.
        """
        self._check_fitted()
        matrix = self._validate_X(X, reset=False)
        terms = np.empty((matrix.shape[0], self.coef_.shape[0], matrix.shape[1] + 1))
        np.multiply(matrix[:, None, :], self.coef_[None, :, :], out=terms[:, :, :-1])
        terms[:, :, -1] = self.intercept_ - self._offset()
        return terms

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability-like scores: the regression output clipped to [0, 1].

        ``(n, n_tags)`` for tags; ``(n, n_classes)`` for classes, the clipped outputs normalised
        per row (uniform when all are 0), since a linear probability model does not sum to 1.
        """
        clipped = np.clip(self._raw_scores(X), 0.0, 1.0)
        if self.multilabel_:
            return clipped
        if len(self.classes_) == 2:
            clipped = np.concatenate([1.0 - clipped, clipped], axis=1)
        totals = clipped.sum(axis=1, keepdims=True)
        uniform = np.full_like(clipped, 1.0 / clipped.shape[1])
        return np.divide(clipped, totals, out=uniform, where=totals > 0)

    def score(self, X: Any, y: Any) -> float:
        """Accuracy (subset accuracy for multi-label)."""
        return accuracy(y, self.predict(X))

    def _extra_attributes(self) -> dict[str, Any]:
        return {"multilabel": self.multilabel_}

    def _extra_arrays(self) -> dict[str, np.ndarray]:
        return {"classes_": np.asarray(self.classes_.tolist())}

    def _restore(self, attributes: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.classes_ = arrays["classes_"]
        self.multilabel_ = bool(attributes["multilabel"])
