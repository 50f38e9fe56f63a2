"""Explanations of a trained model: group importances per target and overall, and how they
compare with a human ranking of the groups.

The importances are those of the training report: the mean over repeats (with their standard
deviation when there were several). A reference ranking is a TOML file::

    # 1 = most important
    ranking = ["Lyrical", "Brightness & Sharpness", "Danceability & Rhythm"]

    [targets.happy]            # optional, per tag
    ranks = { "Lyrical" = 1, "Brightness & Sharpness" = 3, "Danceability & Rhythm" = 2 }

``ranking`` lists the groups from most to least important; ``ranks`` gives each group its
rank (ties allowed). The model ranks its groups by decreasing importance (1 = largest; equal
importances keep the grouping's order), and the comparison is the sum over groups of the
absolute rank differences: 0 when the orders agree, at most ``floor(G^2 / 2)`` for ``G`` groups.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from featurize.errors import FeaturizeError
from featurize.learn.report import table

OVERALL = "overall"


class RankingError(FeaturizeError):
    """A reference ranking file is malformed or does not name the model's groups."""


@attrs.frozen(eq=False)
class Importances:
    """Group importances of a trained model, overall and per target."""

    groups: tuple[str, ...] = attrs.field(converter=tuple)
    overall: np.ndarray
    overall_std: np.ndarray
    per_target: Mapping[str, np.ndarray]
    repeats: int

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> Importances | None:
        """The importances of a training report; ``None`` for models that have none (audio models)."""
        found = report.get("importances")
        if not found:
            return None
        per_target = {name: np.asarray(v["mean"], dtype=np.float64) for name, v in found["per_target"].items()}
        overall = found["overall"]
        return cls(
            found["groups"], np.asarray(overall["mean"]), np.asarray(overall["std"]), per_target, found["repeats"]
        )

    def vector(self, target: str = OVERALL) -> np.ndarray:
        if target == OVERALL:
            return self.overall
        if target not in self.per_target:
            raise RankingError(f"no target {target!r}; targets: {', '.join(self.per_target)}")
        return self.per_target[target]

    def render(self, targets: Sequence[str] = ()) -> str:
        """Rows: overall then each target; columns: groups."""
        names = list(targets) or list(self.per_target)
        rows: list[list[Any]] = [[OVERALL, *self.overall.tolist()]]
        if self.repeats > 1:
            rows.append(["(sd over repeats)", *self.overall_std.tolist()])
        rows += [[name, *self.vector(name).tolist()] for name in names]
        return table(["target", *self.groups], rows)


def model_ranks(importances: np.ndarray) -> np.ndarray:
    """Rank 1 for the largest importance; ties (and NaN, last) keep the grouping's order."""
    order = np.argsort(-np.nan_to_num(importances, nan=-np.inf), kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


@attrs.frozen(eq=False)
class RankComparison:
    """A model's ranking of the groups against a reference ranking, for one target."""

    target: str
    groups: tuple[str, ...] = attrs.field(converter=tuple)
    model: np.ndarray
    reference: np.ndarray

    @property
    def differences(self) -> np.ndarray:
        return np.abs(self.model - self.reference)

    @property
    def total(self) -> int:
        return int(self.differences.sum())

    @property
    def maximum(self) -> int:
        return len(self.groups) ** 2 // 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "sum_abs_rank_difference": self.total,
            "maximum": self.maximum,
            "groups": {
                g: {"model": int(m), "reference": int(r)}
                for g, m, r in zip(self.groups, self.model, self.reference, strict=True)
            },
        }

    def render(self) -> str:
        rows = [
            [g, int(m), int(r), int(d)]
            for g, m, r, d in zip(self.groups, self.model, self.reference, self.differences, strict=True)
        ]
        head = f"{self.target}: sum of absolute rank differences {self.total} (0 = same order, at most {self.maximum})"
        return head + "\n" + table(["group", "model rank", "reference rank", "|difference|"], rows)


def read_reference(path: str | Path, groups: Sequence[str]) -> dict[str, np.ndarray]:
    """Reference ranks per target (``overall`` for the top-level one), aligned with ``groups``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RankingError(f"{path}: cannot read the reference ranking ({error})") from error
    found: dict[str, np.ndarray] = {}
    if "ranking" in data or "ranks" in data:
        found[OVERALL] = _ranks(path, OVERALL, data, groups)
    targets = data.get("targets", {})
    if not isinstance(targets, Mapping):
        raise RankingError(f"{path}: 'targets' must be a table of per-target rankings")
    for target, entry in targets.items():
        found[target] = _ranks(path, target, entry, groups)
    unknown = set(data) - {"ranking", "ranks", "targets"}
    if unknown:
        raise RankingError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; use ranking, ranks or targets")
    if not found:
        raise RankingError(f"{path}: no ranking found (give 'ranking = [...]' or a 'ranks' table)")
    return found


def _ranks(path: Path, target: str, entry: Any, groups: Sequence[str]) -> np.ndarray:
    where = f"{path}: {target}"
    if not isinstance(entry, Mapping) or ("ranking" in entry) == ("ranks" in entry):
        raise RankingError(f"{where}: give exactly one of 'ranking' (a list) or 'ranks' (a table)")
    if "ranking" in entry:
        order = entry["ranking"]
        if not isinstance(order, list) or len(set(order)) != len(order):
            raise RankingError(f"{where}: 'ranking' must list each group once, most important first")
        ranks = {name: position + 1 for position, name in enumerate(order)}
    else:
        ranks = entry["ranks"]
        bad = [name for name, rank in ranks.items() if not isinstance(rank, int) or rank < 1]
        if bad:
            raise RankingError(f"{where}: ranks must be integers from 1; bad for {', '.join(bad)}")
    missing, unknown = [g for g in groups if g not in ranks], [g for g in ranks if g not in groups]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"lacks the model's group(s) {', '.join(map(repr, missing))}")
        if unknown:
            problems.append(f"names group(s) the model does not have: {', '.join(map(repr, unknown))}")
        raise RankingError(f"{where}: the reference " + "; ".join(problems))
    return np.array([ranks[g] for g in groups], dtype=np.int64)


def compare_with_reference(importances: Importances, path: str | Path) -> list[RankComparison]:
    """One comparison per target named in the reference file."""
    reference = read_reference(path, importances.groups)
    return [
        RankComparison(target, importances.groups, model_ranks(importances.vector(target)), ranks)
        for target, ranks in reference.items()
    ]
