"""Importance tables and the comparison with a human ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.learn.explain import Importances, RankingError, compare_with_reference, model_ranks, read_reference

GROUPS = ("Brightness", "Rhythm", "Lyrical")


@pytest.fixture
def importances() -> Importances:
    return Importances(
        GROUPS,
        np.array([0.2, 0.5, 0.3]),
        np.array([0.01, 0.02, 0.03]),
        {"happy": np.array([0.6, 0.1, 0.3]), "sad": np.array([0.1, 0.2, 0.7])},
        repeats=3,
    )


def test_model_ranks_descend_and_keep_the_grouping_order_on_ties() -> None:
    assert model_ranks(np.array([0.2, 0.5, 0.3])).tolist() == [3, 1, 2]
    assert model_ranks(np.array([0.4, 0.2, 0.4])).tolist() == [1, 3, 2]
    assert model_ranks(np.array([np.nan, 0.2, 0.4])).tolist() == [3, 2, 1]


def test_sum_of_absolute_rank_differences(tmp_path: Path, importances: Importances) -> None:
    path = tmp_path / "ranking.toml"
    path.write_text(
        'ranking = ["Rhythm", "Lyrical", "Brightness"]\n'
        "[targets.happy]\n"
        'ranks = { "Lyrical" = 1, "Rhythm" = 2, "Brightness" = 3 }\n'
    )
    overall, happy = compare_with_reference(importances, path)
    assert overall.target == "overall" and overall.total == 0
    # happy: model ranks Brightness 1, Lyrical 2, Rhythm 3 against 3, 1, 2
    assert happy.model.tolist() == [1, 3, 2] and happy.differences.tolist() == [2, 1, 1] and happy.total == 4
    assert happy.maximum == 4
    assert "sum of absolute rank differences 4" in happy.render()
    assert happy.to_dict()["groups"]["Rhythm"] == {"model": 3, "reference": 2}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('ranking = ["Rhythm", "Lyrical"]', "lacks the model's group\\(s\\) 'Brightness'"),
        ('ranking = ["Rhythm", "Lyrical", "Brightness", "Timbre"]', "does not have: 'Timbre'"),
        ('ranking = ["Rhythm", "Rhythm", "Lyrical"]', "each group once"),
        ('ranks = { "Rhythm" = 0, "Lyrical" = 1, "Brightness" = 2 }', "integers from 1; bad for Rhythm"),
        ("order = []", "unknown key\\(s\\) order"),
        ("ranking = [", "cannot read the reference ranking"),
    ],
)
def test_malformed_references_name_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RankingError, match=message):
        read_reference(path, GROUPS)


def test_table_rows_are_overall_then_targets(importances: Importances) -> None:
    text = importances.render()
    lines = text.splitlines()
    assert lines[0].split() == ["target", *GROUPS]
    assert lines[2].startswith("overall") and "0.5000" in lines[2]
    assert lines[3].startswith("(sd over repeats)")
    assert lines[-1].startswith("sad") and "0.7000" in lines[-1]
    assert len(importances.render(["happy"]).splitlines()) == 5
    with pytest.raises(RankingError, match="no target 'calm'"):
        importances.vector("calm")
