"""The scikit-learn conventions model plugins share: targets, groups, importances, validation, saving."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from featurize.learn.base import (
    ModelFileError,
    as_matrix,
    check_groups,
    decode_scores,
    encode_targets,
    load_estimator_files,
    normalise_rows,
    overall_importance,
)
from featurize.learn.testing import LeastSquaresClassifier, planted


def test_encode_multilabel_binary_and_multiclass_targets() -> None:
    tags = encode_targets(np.array([[1, 0], [0, 1], [1, 1]]), 3)
    assert tags.multilabel and tags.indicator.shape == (3, 2)
    binary = encode_targets(np.array(["no", "yes", "yes"]), 3)
    assert not binary.multilabel and binary.indicator.ravel().tolist() == [0, 1, 1]
    classes = encode_targets(np.array([2, 0, 1, 2]), 4)
    assert classes.classes.tolist() == [0, 1, 2] and classes.indicator.shape == (4, 3)
    assert decode_scores(np.array([[0.1, 0.9, 0.0]]), classes.classes, False).tolist() == [1]
    assert decode_scores(np.array([0.3, -0.2]), binary.classes, False).tolist() == ["yes", "no"]


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.array([0.5, 1.5, 2.0]), "Unknown label type: 'continuous'"),
        (np.array([[0, 2], [1, 0], [1, 1]]), "Unknown label type: 'multiclass-multioutput'"),
        (np.array([1, 1, 1]), "at least 2 classes; got 1 class"),
        (np.array([0, 1]), "inconsistent numbers of samples: \\[3, 2\\]"),
    ],
)
def test_bad_targets_are_refused(y: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode_targets(y, 3)


def test_groups_partition_the_columns() -> None:
    assert [g.tolist() for g in check_groups([[2, 0], [1]], 3)] == [[2, 0], [1]]
    assert check_groups(None, 4)[0].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="non-integer"):
        check_groups([[0.5]], 1)


def test_normalised_importances() -> None:
    rows = normalise_rows(np.array([[1.0, 3.0], [0.0, 0.0]]))
    np.testing.assert_allclose(rows[0], [0.25, 0.75])
    assert np.isnan(rows[1]).all()
    np.testing.assert_allclose(overall_importance(np.array([[1.0, 3.0], [3.0, 1.0]])), [0.5, 0.5])


@pytest.mark.parametrize(
    ("X", "error", "message"),
    [
        (np.zeros(3), ValueError, "Reshape your data"),
        (np.zeros((0, 2)), ValueError, "0 sample"),
        (np.zeros((2, 0)), ValueError, "0 feature"),
        (np.array([[np.nan, 1.0]]), ValueError, "contains NaN"),
        (np.array([[np.inf, 1.0]]), ValueError, "contains infinity"),
        (np.array([[1j]]), ValueError, "Complex data not supported"),
    ],
)
def test_input_validation(X: np.ndarray, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        as_matrix(X)


def test_unfitted_estimators_raise_without_importing_scikit_learn() -> None:
    code = (
        "import sys, numpy as np\n"
        "from featurize.learn.testing import LeastSquaresClassifier\n"
        "from featurize.learn.base import NotFittedModelError\n"
        "try:\n    LeastSquaresClassifier().decision_function(np.zeros((1, 2)))\n"
        "except NotFittedModelError as e:\n    print('sklearn' in sys.modules, e)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.startswith("False This LeastSquaresClassifier instance is not fitted yet")


def test_saved_estimators_carry_class_and_version_stamp(tmp_path: Path) -> None:
    X, Y = planted(n=60, sizes=(2, 2))
    LeastSquaresClassifier(groups=[[0, 1], [2, 3]], alpha=2.0).fit(X, Y).save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "estimator.json").read_text())
    assert meta["format"] == "featurize-estimator" and meta["format_version"] == 1
    assert meta["class"] == "featurize.learn.testing:LeastSquaresClassifier"
    assert meta["params"] == {"alpha": 2.0, "groups": [[0, 1], [2, 3]]}
    with pytest.raises(ModelFileError, match="no saved estimator"):
        load_estimator_files(tmp_path / "nothing", LeastSquaresClassifier)
