"""Why did this track get this tag: one track's scores decomposed into group and feature contributions.

``featurize why MODEL_DIR STORE TRACK`` prints the track's top tags and, for each, the groups
that pushed its decision value up and down (their contributions add up, with the bias, to the
decision value; see :mod:`featurize.learn.contributions`) and the features that contributed
most within each group, with their raw values. ``--plot`` draws a waterfall per explained tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np

from featurize.errors import ConfigurationError, FeaturizeError, StoreError
from featurize.learn.contributions import group_contributions, supports_contributions
from featurize.learn.modeldir import ModelBundle
from featurize.learn.tagging import TagOptions, _scores


@attrs.frozen
class FeatureTerm:
    name: str
    value: float
    contribution: float


@attrs.frozen
class TagExplanation:
    """One tag of one track: score, decision, bias and the groups with their top features."""

    tag: str
    score: float
    predicted: bool
    decision: float
    bias: float
    groups: list[tuple[str, float, list[FeatureTerm]]]  # sorted by contribution, largest first


def explain_track(
    bundle: ModelBundle,
    store_path: str | Path,
    track: str,
    *,
    tag: str | None = None,
    n_tags: int = 3,
    n_features: int = 3,
) -> list[TagExplanation]:
    """Explain ``track`` of the store: its ``n_tags`` best tags (or just ``tag``)."""
    from featurize.store import FeatureStore

    if bundle.grouping is None or not supports_contributions(bundle.model):
        raise ConfigurationError(
            f"{bundle.directory}: model {bundle.manifest['model']!r} gives scores but no per-track contributions"
        )
    names = list(bundle.grouping.feature_names)
    with FeatureStore(store_path) as store:
        if track not in store.track_ids:
            raise StoreError(f"{store_path}: no track {track!r}")
        missing = sorted(set(names) - set(store.feature_names))
        if missing:
            raise StoreError(f"{store_path}: lacks feature(s) the model uses: {', '.join(missing[:8])}")
        row = store.track_ids.index(track)
        raw = store.matrix(names)[0][row : row + 1].astype(np.float64)
    if np.isnan(raw).any():
        holes = ", ".join(np.asarray(names)[np.isnan(raw[0])][:8])
        raise StoreError(f"{store_path}: track {track!r} lacks feature(s) {holes}; it cannot be explained")
    assert bundle.standardiser is not None
    X = bundle.standardiser.transform(raw)
    scores = _scores(bundle, [track], X, TagOptions())
    n_columns = np.asarray(bundle.model.decision_function(X)).reshape(1, -1).shape[1]
    per_target = scores.targets if n_columns == len(scores.targets) else scores.targets[1:]
    result = group_contributions(bundle.model, X, bundle.grouping.groups, bundle.grouping.group_names, per_target)
    if tag is not None and tag not in scores.targets:
        raise ConfigurationError(f"--tag: the model has no tag {tag!r} (it has {', '.join(scores.targets)})")
    order = [scores.targets.index(tag)] if tag else list(np.argsort(-scores.score[0], kind="stable")[:n_tags])
    return [_tag(scores, result, raw[0], names, bundle, int(t), n_features) for t in order]


def _tag(
    scores: Any, result: Any, raw: np.ndarray, names: list[str], bundle: ModelBundle, t: int, n: int
) -> TagExplanation:
    """Tag ``t`` of the single explained track; with two classes the first class is the negated second."""
    assert bundle.grouping is not None
    k, sign = t, 1.0
    if result.values.shape[1] == 1 and len(scores.targets) == 2:
        k, sign = 0, (1.0 if t == 1 else -1.0)
    groups = []
    for g, name in enumerate(bundle.grouping.group_names):
        columns = np.asarray(bundle.grouping.groups[g])
        terms = sign * result.features[0, k, columns]
        best = np.argsort(-np.abs(terms), kind="stable")[:n]
        top = [FeatureTerm(names[columns[i]], float(raw[columns[i]]), float(terms[i])) for i in best]
        groups.append((name, float(sign * result.values[0, k, g]), top))
    groups.sort(key=lambda item: -item[1])
    return TagExplanation(
        tag=scores.targets[t],
        score=float(scores.score[0, t]),
        predicted=bool(scores.predicted[0, t]),
        decision=float(sign * result.decision[0, k]),
        bias=float(sign * result.bias[0, k]),
        groups=groups,
    )


def render(track: str, explanations: list[TagExplanation]) -> str:
    """The readable explanation: per tag, groups pushing up, then down, with their top features."""
    lines = [f"track {track}"]
    for item in explanations:
        verdict = "predicted" if item.predicted else "not predicted"
        lines.append(
            f"\n{item.tag}: score {item.score:.3f} ({verdict}); decision {item.decision:+.4f} = bias {item.bias:+.4f}"
        )
        for heading, chosen in (
            ("pushed up", [g for g in item.groups if g[1] > 0]),
            ("pushed down", [g for g in item.groups if g[1] <= 0][::-1]),
        ):
            if not chosen:
                continue
            lines.append(f"  {heading}:")
            for name, value, top in chosen:
                lines.append(f"    {value:+.4f}  {name}")
                lines += [f"              {f.name} = {f.value:.4g} ({f.contribution:+.4f})" for f in top]
    return "\n".join(lines)


def plot_waterfall(explanations: list[TagExplanation], path: str | Path) -> Path:
    """A waterfall per tag: bias, then each group's step, ending at the decision value (.png or .svg)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise FeaturizeError(f"{path}: plots are written as .png or .svg")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(
        len(explanations),
        1,
        figsize=(8, 1 + 0.45 * (len(explanations[0].groups) + 2) * len(explanations)),
        squeeze=False,
    )
    for axis, item in zip(axes[:, 0], explanations, strict=True):
        labels = ["bias", *(g[0] for g in item.groups), "decision"]
        steps = [item.bias, *(g[1] for g in item.groups)]
        starts = np.concatenate([[0.0], np.cumsum(steps)[:-1]])
        colours = ["tab:gray", *("tab:red" if s > 0 else "tab:blue" for s in steps[1:])]
        positions = np.arange(len(labels))[::-1]
        axis.barh(positions[:-1], steps, left=starts, color=colours)
        axis.barh(positions[-1], item.decision, color="black")
        axis.set_yticks(positions, labels)
        axis.axvline(0, color="black", linewidth=0.5)
        axis.set_title(f"{item.tag}: score {item.score:.3f}")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
