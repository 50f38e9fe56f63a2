"""scikit-learn conventions for model plugins, without importing scikit-learn.

Feature models (``featurize-embanded``, ``featurize-xgboost``, third-party ones) derive from
:class:`Estimator` and use the helpers below, so that they behave as scikit-learn estimators
(``get_params``/``set_params``, ``clone``, ``check_estimator``) while scikit-learn stays an
optional dependency: it is imported only by scikit-learn's own tooling (``__sklearn_tags__``).

The helpers also fix what the model contract shares across plugins: how targets are encoded
(multi-label indicator matrix or class labels), how groups of columns are validated, how group
importances are normalised, and how estimators are saved without pickle.
"""

from __future__ import annotations

import inspect
import json
import sys
import zipfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from featurize.errors import FeaturizeError

ESTIMATOR_FORMAT = "featurize-estimator"
ESTIMATOR_FORMAT_VERSION = 1
ESTIMATOR_FILE = "estimator.json"
ARRAYS_FILE = "arrays.npz"


class NotFittedModelError(FeaturizeError, ValueError, AttributeError):
    """A method that needs a fitted estimator was called before ``fit``."""


class ModelFileError(FeaturizeError):
    """A saved estimator is missing, of another class, or of a newer format."""


def not_fitted(estimator: object) -> Exception:
    """The error for an unfitted estimator.

    scikit-learn's checks expect its own ``NotFittedError``; when scikit-learn is already
    imported (its tooling is running) that class is used, otherwise ours, so that raising
    never imports scikit-learn.
    """
    message = f"This {type(estimator).__name__} instance is not fitted yet; call fit first."
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    if sklearn_exceptions is not None:
        return sklearn_exceptions.NotFittedError(message)
    return NotFittedModelError(message)


class Estimator:
    """Base class: the constructor's arguments are the parameters; fitted attributes end in ``_``.

    Subclasses set :attr:`estimator_kind` and keep ``__init__`` to storing its arguments.
    """

    estimator_kind: ClassVar[Literal["classifier", "regressor"]]
    multi_output: ClassVar[bool] = True

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters and their current values (scikit-learn API)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Estimator:
        """Set constructor parameters (scikit-learn API); unknown names raise ``ValueError``."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {type(self).__name__}; valid: {valid}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not _same(value, defaults.get(name, inspect.Parameter.empty))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        """scikit-learn tags, built only when scikit-learn's tooling asks for them."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        classifier = self.estimator_kind == "classifier"
        return Tags(
            estimator_type=self.estimator_kind,
            target_tags=TargetTags(required=True, multi_output=self.multi_output),
            classifier_tags=ClassifierTags(multi_label=self.multi_output) if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "n_features_in_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise not_fitted(self)

    def _require_y(self, y: Any) -> None:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")

    def _validate_X(self, X: Any, *, reset: bool) -> np.ndarray:
        """``X`` as a finite float64 matrix; ``reset`` records its width, otherwise checks it."""
        array = as_matrix(X, name="X")
        if reset:
            self.n_features_in_ = array.shape[1]
        elif array.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {array.shape[1]} features, but {type(self).__name__} "
                f"is expecting {self.n_features_in_} features as input."
            )
        return array


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(value == default) and type(value) is type(default)
    except (TypeError, ValueError):
        return False


# -- input validation ------------------------------------------------------------------------


def as_matrix(X: Any, *, name: str = "X") -> np.ndarray:
    """A dense, finite, non-empty float64 matrix, or the error scikit-learn's checks expect."""
    if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(
            f"sparse input is not supported: convert {name} to a dense array (for example {name}.toarray())"
        )
    array = np.asarray(X)
    if np.iscomplexobj(array):
        raise ValueError("Complex data not supported")
    if array.dtype.kind not in "biuf":
        array = array.astype(np.float64)
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 1:
        raise ValueError(
            f"Expected 2D array, got 1D array instead: {name} of shape {array.shape}. Reshape your data either "
            "using array.reshape(-1, 1) if it has a single feature or array.reshape(1, -1) if it is one sample."
        )
    if array.ndim != 2:
        raise ValueError(f"Found array with dim {array.ndim}. Expected a 2D array for {name}.")
    if array.shape[0] == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={array.shape}) while a minimum of 1 is required.")
    if array.shape[1] == 0:
        raise ValueError(f"Found array with 0 feature(s) (shape={array.shape}) while a minimum of 1 is required.")
    check_finite(array, name)
    return array


def check_finite(array: np.ndarray, name: str) -> None:
    if np.isnan(array).any():
        raise ValueError(f"Input {name} contains NaN.")
    if np.isinf(array).any():
        raise ValueError(f"Input {name} contains infinity.")


def check_lengths(n_samples: int, y: np.ndarray) -> None:
    if y.shape[0] != n_samples:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: [{n_samples}, {y.shape[0]}]")


def as_targets(y: Any, n_samples: int) -> np.ndarray:
    """Regression targets as a finite float64 array ``(n,)`` or ``(n, n_targets)``."""
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        array = array.astype(np.float64)
    array = np.asarray(array, dtype=np.float64)
    if array.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D, got shape {array.shape}")
    check_lengths(n_samples, array)
    check_finite(array, "y")
    return array


# -- classification targets --------------------------------------------------------------------


@attrs.frozen(eq=False)
class TargetEncoding:
    """Classification targets as the 0/1 columns a model fits, and how to decode its scores.

    ``multilabel``: ``Y`` was an ``(n, n_tags)`` indicator matrix, one column per tag.
    Otherwise ``Y`` held class labels: two classes give one column (the second class),
    more give one column per class (one-vs-rest).
    """

    indicator: np.ndarray
    classes: np.ndarray
    multilabel: bool


def encode_targets(y: Any, n_samples: int) -> TargetEncoding:
    """Encode multi-label indicators or class labels; the errors name what is wrong."""
    array = np.asarray(y)
    if array.ndim == 2 and array.shape[1] > 1:
        return _encode_indicator(array, n_samples)
    if array.ndim == 2:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"y must be 1-D class labels or a 2-D indicator matrix, got shape {array.shape}")
    check_lengths(n_samples, array)
    if array.dtype.kind == "f":
        check_finite(array, "y")
        if not np.all(array == np.round(array)):
            raise ValueError("Unknown label type: 'continuous'; a classifier needs class labels, not real values")
    classes, codes = np.unique(array, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"a classifier needs samples of at least 2 classes; got 1 class ({classes[0]!r})")
    columns = codes.reshape(-1, 1) == np.arange(len(classes))
    indicator = columns[:, 1:] if len(classes) == 2 else columns
    return TargetEncoding(indicator.astype(np.float64), classes, multilabel=False)


def _encode_indicator(array: np.ndarray, n_samples: int) -> TargetEncoding:
    check_lengths(n_samples, array)
    if array.dtype.kind == "f":
        check_finite(array, "y")
    values = np.unique(array)
    if not np.isin(values, (0, 1)).all():
        kind = "continuous-multioutput" if array.dtype.kind == "f" else "multiclass-multioutput"
        raise ValueError(f"Unknown label type: {kind!r}; a 2-D y must be a 0/1 indicator matrix (one column per tag)")
    return TargetEncoding(array.astype(np.float64), np.arange(array.shape[1]), multilabel=True)


def decode_scores(scores: np.ndarray, classes: np.ndarray, multilabel: bool, threshold: float = 0.0) -> np.ndarray:
    """Predictions from decision scores: tags above ``threshold``, or the best class.

    Two classes have one score column (or a 1-D score): above ``threshold`` means the second class.
    """
    if multilabel:
        return (scores > threshold).astype(np.int64)
    if len(classes) == 2:
        return classes[(np.reshape(scores, -1) > threshold).astype(np.int64)]
    return classes[np.argmax(scores, axis=1)]


def accuracy(y_true: Any, y_pred: np.ndarray) -> float:
    """Accuracy; for multi-label indicators the subset accuracy (every tag right)."""
    truth = np.asarray(y_true)
    if truth.ndim == 2 and truth.shape[1] > 1:
        return float(np.mean(np.all(truth == y_pred, axis=1)))
    return float(np.mean(truth.reshape(-1) == np.asarray(y_pred).reshape(-1)))


def r2_score(y_true: Any, y_pred: np.ndarray) -> float:
    """Coefficient of determination, averaged uniformly over targets."""
    truth = np.asarray(y_true, dtype=np.float64).reshape(len(y_pred), -1)
    prediction = np.asarray(y_pred, dtype=np.float64).reshape(truth.shape)
    residual = ((truth - prediction) ** 2).sum(axis=0)
    total = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), np.where(residual > 0, 0.0, 1.0))
    return float(scores.mean())


# -- groups and importances --------------------------------------------------------------------


def check_groups(groups: Sequence[Sequence[int]] | None, n_features: int) -> list[np.ndarray]:
    """Groups as index arrays that partition ``range(n_features)``; ``None`` is one group."""
    if groups is None:
        return [np.arange(n_features)]
    checked: list[np.ndarray] = []
    owner = np.full(n_features, -1)
    for g, members in enumerate(groups):
        index = np.asarray(list(members))
        if index.size == 0:
            raise ValueError(f"group {g} is empty")
        if index.dtype.kind not in "iu":
            raise ValueError(f"group {g} holds non-integer column indices: {index.tolist()[:5]}")
        outside = index[(index < 0) | (index >= n_features)]
        if outside.size:
            raise ValueError(f"group {g} refers to column {int(outside[0])}, but X has {n_features} columns")
        taken = index[owner[index] >= 0]
        if taken.size or len(np.unique(index)) != index.size:
            column = int(taken[0]) if taken.size else int(index[np.argmax(np.bincount(index) > 1)])
            raise ValueError(f"column {column} is in group {g} and in another group (or twice in group {g})")
        owner[index] = g
        checked.append(index)
    unassigned = np.flatnonzero(owner < 0)
    if unassigned.size:
        raise ValueError(f"columns {unassigned[:10].tolist()} belong to no group; groups must cover every column")
    return checked


def normalise_rows(values: np.ndarray) -> np.ndarray:
    """Each row divided by its sum; a row without positive mass becomes NaN (undefined)."""
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    totals = values.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, values / np.where(totals > 0, totals, 1.0), np.nan)


def overall_importance(per_target: np.ndarray) -> np.ndarray:
    """The raw per-target group scores averaged over targets, then normalised to sum to 1."""
    return normalise_rows(np.nanmean(np.atleast_2d(per_target), axis=0))[0]


# -- saving without pickle ----------------------------------------------------------------------


def distribution_version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0+unknown"


def save_estimator(
    estimator: Estimator,
    directory: str | Path,
    *,
    distribution: str,
    attributes: dict[str, Any],
    arrays: dict[str, np.ndarray] | None = None,
) -> Path:
    """Write ``estimator.json`` (class, parameters, JSON attributes, version stamp) and ``arrays.npz``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": ESTIMATOR_FORMAT,
        "format_version": ESTIMATOR_FORMAT_VERSION,
        "class": f"{type(estimator).__module__}:{type(estimator).__qualname__}",
        "distribution": f"{distribution}=={distribution_version(distribution)}",
        "params": estimator.get_params(),
        "attributes": attributes,
    }
    (directory / ESTIMATOR_FILE).write_text(json.dumps(meta, indent=2, default=_json_default) + "\n")
    np.savez(directory / ARRAYS_FILE, **(arrays or {}))
    return directory


def load_estimator_files(directory: str | Path, cls: type) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read what :func:`save_estimator` wrote, checking the class, the format version and the parameters."""
    directory = Path(directory)
    path = directory / ESTIMATOR_FILE
    if not path.is_file():
        raise ModelFileError(f"{directory}: no saved estimator ({ESTIMATOR_FILE} is missing)")
    try:
        meta = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelFileError(f"{path}: not valid JSON ({error})") from error
    expected = f"{cls.__module__}:{cls.__qualname__}"
    if not isinstance(meta, dict) or meta.get("format") != ESTIMATOR_FORMAT or meta.get("class") != expected:
        found = meta.get("class") if isinstance(meta, dict) else None
        raise ModelFileError(f"{path}: holds {found!r}, not a saved {expected}")
    stated = meta.get("format_version", 0)
    if not isinstance(stated, int) or stated > ESTIMATOR_FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: format version {meta['format_version']} is newer than this featurize "
            f"({ESTIMATOR_FORMAT_VERSION}); upgrade {meta.get('distribution', 'the plugin')}"
        )
    params, attributes = meta.get("params"), meta.get("attributes")
    if not isinstance(params, dict) or not isinstance(attributes, dict):
        raise ModelFileError(f"{path}: 'params' and 'attributes' must be JSON objects")
    accepted = set(inspect.signature(cls).parameters)
    unknown = sorted(set(params) - accepted)
    if unknown:
        raise ModelFileError(f"{path}: unknown parameter(s) {', '.join(map(repr, unknown))} for {cls.__name__}")
    return meta, read_arrays(directory / ARRAYS_FILE)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Numeric and string arrays of an ``.npz`` file; object arrays (pickles) are refused."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except FileNotFoundError as error:
        raise ModelFileError(f"{path}: missing") from error
    except (OSError, ValueError, zipfile.BadZipFile) as error:  # allow_pickle=False refuses object arrays
        raise ModelFileError(f"{path}: not a plain array file ({error})") from error


def member(directory: str | Path, name: object) -> Path:
    """A file that a saved model names, resolved inside its ``directory``.

    Saved models name their own files (boosters, weights); a tampered name must never make a
    loader open a file elsewhere, so absolute names, ``..`` and symlinks out are refused.
    """
    directory = Path(directory)
    if not isinstance(name, str) or not name or Path(name).is_absolute():
        raise ModelFileError(f"{directory / ESTIMATOR_FILE}: names {name!r}, not a file of {directory}")
    resolved = (directory / name).resolve()
    if not resolved.is_relative_to(directory.resolve()):
        raise ModelFileError(f"{directory / ESTIMATOR_FILE}: names {name!r}, which is outside {directory}")
    return resolved


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
