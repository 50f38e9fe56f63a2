"""The EM algorithm for banded ridge regression (Fuglsang et al., Imaging Neuroscience 2024).

Model, for each target ``y`` (one tag), with the features stacked group after group::

    y = X beta + e,        e ~ N(0, nu I)
    beta_j ~ N(0, lambda_j I)                 one prior variance per group j
    lambda_j ~ InvGamma(eta, tau),  nu ~ InvGamma(phi, kappa)

E-step: the Gaussian posterior of ``beta`` (mean ``mu``, covariance ``Sigma``). M-step: the
closed-form MAP updates of every ``lambda_j`` and ``nu`` from the same posterior. Every target
has its own ``lambda`` and ``nu``; all targets are iterated together from shared statistics:

- primal (``N >= D``): ``G = X'X``, ``B = X'Y`` and ``y'y`` are computed once, so nothing in the
  loop depends on ``N``. Per target and iteration: one Cholesky factorisation of
  ``G/nu + diag(1/lambda)`` and the inverse of its factor (for the block traces of ``Sigma``).
- dual (``D > N``, the matrix-inversion identity): ``K_j = X_j X_j'`` per group are computed once;
  per target and iteration one ``N x N`` system ``nu I + sum_j lambda_j K_j`` is factorised.

Both give the same posterior summaries (:class:`Posterior`), so the updates and the
log-posterior score are shared. The reference implementation's defaults, order of operations
and returned values are reproduced exactly (see ``docs/models.md``).
"""

from __future__ import annotations

import itertools
from typing import Literal, Protocol

import attrs
import numpy as np
from scipy.linalg import blas, lapack

Update = Literal["em", "mackay"]

MEMORY_BUDGET = 256 * 2**20
"""Bytes of stacked ``N x N`` systems the dual problem builds at once; targets are processed in chunks."""


@attrs.frozen
class Hyperparameters:
    """Shapes and scales of the Inverse-Gamma hyperpriors (the reference's defaults: 1e-4 each)."""

    eta: float = 1e-4
    tau: float = 1e-4
    phi: float = 1e-4
    kappa: float = 1e-4


@attrs.frozen(eq=False)
class Posterior:
    """E-step summaries of ``k`` targets: everything the M-step and the score need."""

    coef: np.ndarray
    """``(k, D)`` posterior means, features in group order."""
    sq_norms: np.ndarray
    """``(k, J)`` ``||mu_j||^2`` per group."""
    traces: np.ndarray
    """``(k, J)`` ``tr(Sigma_jj)`` per group."""
    rss: np.ndarray
    """``(k,)`` ``||y - X mu||^2``."""
    fit: np.ndarray
    """``(k,)`` ``y'(y - X mu)``, the data term of the score."""
    logdet_sigma: np.ndarray
    """``(k,)`` ``log |Sigma|``."""


class Problem(Protocol):
    """Shared statistics of one data set; computes posteriors of a subset of its targets."""

    sizes: np.ndarray
    n_samples: int

    def posterior(self, lambdas: np.ndarray, nu: np.ndarray, targets: np.ndarray) -> Posterior: ...


def _chunks(n_targets: int, bytes_per_target: int) -> list[slice]:
    step = max(1, MEMORY_BUDGET // max(bytes_per_target, 1))
    return [slice(start, min(start + step, n_targets)) for start in range(0, n_targets, step)]


def _concat(parts: list[Posterior]) -> Posterior:
    if len(parts) == 1:
        return parts[0]
    fields = attrs.fields(Posterior)
    return Posterior(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields})


class PrimalProblem:
    """Sufficient statistics ``X'X``, ``X'Y``, ``y'y`` of centred data whose columns are in group order."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, sizes: np.ndarray) -> None:
        self.sizes = np.asarray(sizes)
        self.n_samples = X.shape[0]
        self.gram = X.T @ X
        self.cross = np.ascontiguousarray((X.T @ Y).T)
        self.yy = np.einsum("np,np->p", Y, Y)
        self._owner = np.repeat(np.arange(len(self.sizes)), self.sizes)
        self._starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])

    def posterior(self, lambdas: np.ndarray, nu: np.ndarray, targets: np.ndarray) -> Posterior:
        k, n_features = len(targets), self.gram.shape[0]
        cross = self.cross[targets]
        precision = 1.0 / lambdas[:, self._owner]
        coef, variances, logdet_a = np.empty((k, n_features)), np.empty((k, n_features)), np.empty(k)
        buffer = np.empty((n_features, n_features))
        for i in range(k):
            inverse, logdet_a[i] = _inverse_factor(self.gram, precision[i], nu[i], buffer)
            # Sigma = W W' with W = U^-1 (A = U'U): diag(Sigma) = row norms of W, mu = W W' b / nu
            variances[i] = np.einsum("de,de->d", inverse, inverse)
            coef[i] = inverse @ (cross[i] @ inverse) / nu[i]
        traces = np.add.reduceat(variances, self._starts, axis=1)
        sq_norms = np.add.reduceat(coef**2, self._starts, axis=1)
        fitted = np.einsum("kd,kd->k", coef, cross)
        quadratic = np.einsum("kd,kd->k", coef @ self.gram, coef)
        yy = self.yy[targets]
        return Posterior(coef, sq_norms, traces, yy - 2 * fitted + quadratic, yy - fitted, -logdet_a)


def _inverse_factor(gram: np.ndarray, precision: np.ndarray, nu: float, buffer: np.ndarray) -> tuple[np.ndarray, float]:
    """``W = U^-1`` and ``log |A|`` for ``A = gram/nu + diag(precision) = U'U``.

    LAPACK ``potrf`` factorises in place: the symmetric ``A`` built in C order in ``buffer`` is its
    own Fortran-ordered transpose. The inverse comes from :func:`upper_inverse`.
    """
    a = np.divide(gram, nu, out=buffer)
    a[np.diag_indices_from(a)] += precision
    upper, info = lapack.dpotrf(a.T, lower=0, clean=1, overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError("the posterior precision of a target is not positive definite")
    return upper_inverse(upper), 2.0 * float(np.log(np.diagonal(upper)).sum())


INVERSE_BLOCK = 64
"""Below this size :func:`upper_inverse` calls LAPACK ``trtri`` directly."""


def upper_inverse(upper: np.ndarray) -> np.ndarray:
    """The inverse of an upper-triangular matrix, by recursive halving with BLAS ``trmm``.

    ``inv([[A, B], [0, C]]) = [[inv(A), -inv(A) B inv(C)], [0, inv(C)]]``: the same ``n^3/3``
    flops as LAPACK ``trtri``, but spent in matrix products, which OpenBLAS runs about twice as
    fast as its ``trtri`` at the sizes of a feature grouping (a few hundred columns).
    """
    n = upper.shape[0]
    if n <= INVERSE_BLOCK:
        inverse, info = lapack.dtrtri(upper, lower=0)
        if info != 0:
            raise np.linalg.LinAlgError("a Cholesky factor is singular")
        return inverse
    half = n // 2
    top, bottom = upper_inverse(upper[:half, :half]), upper_inverse(upper[half:, half:])
    corner = blas.dtrmm(-1.0, top, np.asfortranarray(upper[:half, half:]), side=0, lower=0)
    inverse = np.zeros((n, n), order="F")
    inverse[:half, :half], inverse[half:, half:] = top, bottom
    inverse[:half, half:] = blas.dtrmm(1.0, bottom, corner, side=1, lower=0)
    return inverse


class DualProblem:
    """Per-group kernels ``K_j = X_j X_j'`` of centred data, for when features outnumber samples.

    The matrix-inversion identity gives ``Sigma = Lambda - Lambda X' C^-1 X Lambda`` with
    ``C = nu I + sum_j lambda_j K_j``, so each iteration solves an ``N x N`` system instead of a
    ``D x D`` one, and ``y - X mu = nu C^-1 y``.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, sizes: np.ndarray) -> None:
        self.sizes = np.asarray(sizes)
        self.n_samples = X.shape[0]
        bounds = np.concatenate([[0], np.cumsum(self.sizes)])
        self._blocks = [X[:, start:stop] for start, stop in itertools.pairwise(bounds)]
        self.kernels = np.stack([block @ block.T for block in self._blocks])
        self.Y = Y

    def posterior(self, lambdas: np.ndarray, nu: np.ndarray, targets: np.ndarray) -> Posterior:
        parts = [
            self._posterior(lambdas[part], nu[part], targets[part])
            for part in _chunks(len(targets), 8 * self.n_samples**2)
        ]
        return _concat(parts)

    def _posterior(self, lambdas: np.ndarray, nu: np.ndarray, targets: np.ndarray) -> Posterior:
        n = self.n_samples
        system = np.einsum("kj,jnm->knm", lambdas, self.kernels)
        system[:, np.arange(n), np.arange(n)] += nu[:, None]
        _, logdet_c = np.linalg.slogdet(system)
        inverse = np.linalg.inv(system)
        y = self.Y[:, targets].T
        alpha = np.einsum("knm,km->kn", inverse, y)
        kernel_alpha = np.einsum("jnm,km->kjn", self.kernels, alpha)
        sq_norms = lambdas**2 * np.einsum("kjn,kn->kj", kernel_alpha, alpha)
        traces = lambdas * self.sizes - lambdas**2 * np.einsum("knm,jnm->kj", inverse, self.kernels)
        coef = np.concatenate([lambdas[:, [j]] * (alpha @ block) for j, block in enumerate(self._blocks)], axis=1)
        logdet_sigma = np.log(lambdas) @ self.sizes + n * np.log(nu) - logdet_c
        rss = nu**2 * np.einsum("kn,kn->k", alpha, alpha)
        fitted = nu * np.einsum("kn,kn->k", y, alpha)
        return Posterior(coef, sq_norms, traces, rss, fitted, logdet_sigma)


# -- updates and score ---------------------------------------------------------------------------


def em_update(
    post: Posterior, lambdas: np.ndarray, nu: np.ndarray, sizes: np.ndarray, n: int, hyper: Hyperparameters
) -> tuple[np.ndarray, np.ndarray]:
    """The EM (MAP) updates of the reference: every ``lambda_j`` and ``nu`` from the same posterior.

    ``tr(X'X Sigma) = nu * sum_j gamma_j`` with ``gamma_j = D_j - tr(Sigma_jj)/lambda_j``, because
    ``X'X Sigma / nu = I - Lambda^-1 Sigma``: no ``D x D`` product is needed.
    """
    new_lambdas = (post.sq_norms + post.traces + 2 * hyper.tau) / (sizes + 2 * hyper.eta + 2)
    trace_gram_sigma = nu * _effective_parameters(post, lambdas, sizes).sum(axis=1)
    new_nu = (post.rss + trace_gram_sigma + 2 * hyper.kappa) / (n + 2 * hyper.phi + 2)
    return new_lambdas, new_nu


def mackay_update(
    post: Posterior, lambdas: np.ndarray, nu: np.ndarray, sizes: np.ndarray, n: int, hyper: Hyperparameters
) -> tuple[np.ndarray, np.ndarray]:
    """MacKay fixed-point updates: the same fixed points as EM, usually reached in far fewer steps.

    Where the noise update is undefined (``sum_j gamma_j`` close to ``N``) the EM step is taken.
    """
    gamma = _effective_parameters(post, lambdas, sizes)
    new_lambdas = (post.sq_norms + 2 * hyper.tau) / (gamma + 2 * hyper.eta + 2)
    denominator = n - gamma.sum(axis=1) + 2 * hyper.phi + 2
    new_nu = (post.rss + 2 * hyper.kappa) / np.where(denominator > 0, denominator, np.nan)
    fallback = ~(np.isfinite(new_nu) & (new_nu > 0) & np.all(new_lambdas > 0, axis=1))
    if fallback.any():
        em_lambdas, em_nu = em_update(post, lambdas, nu, sizes, n, hyper)
        new_lambdas[fallback], new_nu[fallback] = em_lambdas[fallback], em_nu[fallback]
    return new_lambdas, new_nu


def _effective_parameters(post: Posterior, lambdas: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return sizes - post.traces / lambdas


def log_posterior(
    post: Posterior, lambdas: np.ndarray, nu: np.ndarray, sizes: np.ndarray, n: int, hyper: Hyperparameters
) -> np.ndarray:
    """The reference's score: log evidence plus log hyperpriors, without the ``(N/2) log 2 pi`` constant."""
    log_lambdas = np.log(lambdas)
    return (
        -post.fit / (2 * nu)
        - 0.5 * (-post.logdet_sigma + log_lambdas @ sizes + n * np.log(nu))
        - (1 + hyper.eta) * log_lambdas.sum(axis=1)
        - hyper.tau * (1 / lambdas).sum(axis=1)
        - (1 + hyper.phi) * np.log(nu)
        - hyper.kappa / nu
    )


# -- the iteration ------------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class BandedFit:
    """The result for ``P`` targets, features in group order."""

    lambdas: np.ndarray
    """``(P, J)`` prior variance of each group, for the returned posterior."""
    nu: np.ndarray
    """``(P,)`` noise variance."""
    coef: np.ndarray
    """``(P, D)`` posterior means."""
    n_iter: np.ndarray
    """``(P,)`` E-steps run."""
    converged: np.ndarray
    """``(P,)`` whether the parameters settled within ``tol`` before ``max_iter``."""
    scores: np.ndarray
    """``(P, max_iter)`` score after each E-step (NaN after the target stopped)."""


ROUNDING = 1e-12
"""A score lower by less than this (relative) is rounding, not a worse step: near a fixed point, undoing
such steps would stall a slowly settling group forever."""


def fit(
    problem: Problem,
    n_targets: int,
    *,
    hyper: Hyperparameters,
    max_iter: int = 200,
    tol: float | None = None,
    update: Update = "em",
    lambdas_init: np.ndarray | float = 1.0,
    nu_init: float = 1.0,
) -> BandedFit:
    """Iterate E-steps and updates for all targets at once.

    Like the reference, each iteration records the current ``lambda`` and ``nu``, runs the
    E-step, computes the score, and (unless it is the last) updates the hyperparameters; the
    returned posterior therefore belongs to the returned ``lambda`` and ``nu``. ``tol`` stops a
    target once its parameters have settled (:func:`_settled`); stopped targets leave the batch.
    MacKay steps that lower the score are undone and replaced by an EM step; when features are
    at least as many as samples, EM is used instead of MacKay, whose iteration can then run to an
    interpolating fixed point (``nu`` near 0) with a far lower score than EM's.
    """
    sizes, n = problem.sizes, problem.n_samples
    if update == "mackay" and sizes.sum() >= n:
        update = "em"  # MacKay steps can run to an interpolating fixed point when D >= N (see docs/models.md)
    lambdas = np.tile(np.broadcast_to(np.asarray(lambdas_init, dtype=np.float64), sizes.shape), (n_targets, 1))
    nu = np.full(n_targets, float(nu_init))
    coef = np.zeros((n_targets, int(sizes.sum())))
    scores = np.full((n_targets, max_iter), np.nan)
    n_iter = np.zeros(n_targets, dtype=np.int64)
    converged = np.zeros(n_targets, dtype=bool)
    accepted = _Accepted(n_targets, coef.shape[1], len(sizes))
    active = np.arange(n_targets)
    for iteration in range(max_iter):
        post = problem.posterior(lambdas[active], nu[active], active)
        score = log_posterior(post, lambdas[active], nu[active], sizes, n, hyper)
        stop = np.zeros(len(active), dtype=bool)
        if tol is not None and iteration > 0:  # judged on the step taken, even one undone below: at the
            # fixed point, rounding alone can lower the score, and a step that small means settled
            stop = _settled(lambdas[active], nu[active], accepted.lambdas[active], accepted.nu[active], tol)
        rejected = np.zeros(len(active), dtype=bool)
        if update == "mackay" and iteration > 0:
            rejected = score < accepted.score[active] - ROUNDING * np.abs(accepted.score[active])
            post, score = accepted.restore(active, rejected, post, score, lambdas, nu)
        accepted.keep(active, post, score, lambdas, nu)
        coef[active] = post.coef
        scores[active, iteration] = score
        n_iter[active] = iteration + 1
        converged[active[stop]] = True
        if iteration == max_iter - 1:
            break
        step = ~stop
        active, post = active[step], _take(post, step)
        if not len(active):
            break
        step_rule = em_update if update == "em" else mackay_update
        new_lambdas, new_nu = step_rule(post, lambdas[active], nu[active], sizes, n, hyper)
        if update == "mackay" and rejected[step].any():
            em_lambdas, em_nu = em_update(post, lambdas[active], nu[active], sizes, n, hyper)
            undo = rejected[step]
            new_lambdas[undo], new_nu[undo] = em_lambdas[undo], em_nu[undo]
        lambdas[active], nu[active] = new_lambdas, new_nu
    return BandedFit(lambdas, nu, coef, n_iter, converged, scores)


def _settled(lambdas: np.ndarray, nu: np.ndarray, before: np.ndarray, nu_before: np.ndarray, tol: float) -> np.ndarray:
    """Targets whose last step moved no ``lambda`` by more than ``tol`` times their largest one, nor ``nu``
    by more than ``tol * nu``.

    Scaling by the largest ``lambda`` lets a group that is being switched off (its ``lambda``
    falling towards the hyperprior's floor by a constant factor per step) count as settled once it
    no longer matters next to the others.
    """
    moved = np.abs(lambdas - before).max(axis=1) <= tol * lambdas.max(axis=1)
    return moved & (np.abs(nu - nu_before) <= tol * nu)


def _take(post: Posterior, mask: np.ndarray) -> Posterior:
    return Posterior(**{f.name: getattr(post, f.name)[mask] for f in attrs.fields(Posterior)})


class _Accepted:
    """The last accepted state of every target (parameters, posterior, score), to undo a bad MacKay step."""

    def __init__(self, n_targets: int, n_features: int, n_groups: int) -> None:
        self.score = np.full(n_targets, -np.inf)
        self.lambdas = np.ones((n_targets, n_groups))
        self.nu = np.ones(n_targets)
        self.post = Posterior(
            coef=np.zeros((n_targets, n_features)),
            sq_norms=np.zeros((n_targets, n_groups)),
            traces=np.zeros((n_targets, n_groups)),
            rss=np.zeros(n_targets),
            fit=np.zeros(n_targets),
            logdet_sigma=np.zeros(n_targets),
        )

    def keep(self, active: np.ndarray, post: Posterior, score: np.ndarray, lambdas: np.ndarray, nu: np.ndarray) -> None:
        self.score[active] = score
        self.lambdas[active] = lambdas[active]
        self.nu[active] = nu[active]
        for field in attrs.fields(Posterior):
            getattr(self.post, field.name)[active] = getattr(post, field.name)

    def restore(
        self,
        active: np.ndarray,
        rejected: np.ndarray,
        post: Posterior,
        score: np.ndarray,
        lambdas: np.ndarray,
        nu: np.ndarray,
    ) -> tuple[Posterior, np.ndarray]:
        """Put rejected targets back to their last accepted parameters, posterior and score."""
        if not rejected.any():
            return post, score
        targets = active[rejected]
        merged = {}
        for field in attrs.fields(Posterior):
            values = getattr(post, field.name).copy()
            values[rejected] = getattr(self.post, field.name)[targets]
            merged[field.name] = values
        score = np.where(rejected, self.score[active], score)
        lambdas[targets], nu[targets] = self.lambdas[targets], self.nu[targets]
        return Posterior(**merged), score
