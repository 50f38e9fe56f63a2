"""The report of a training or evaluation run: a JSON document and a readable text table.

A training report holds the data (store, label files, tracks matched and not, task, targets,
split), the grouping (resolved members, missing and dropped features), the model and its
parameters, the metrics (test and train; mean, standard deviation and every repeat), the
group importances (overall and per target) and the versions of the software involved.
"""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

REPORT_FORMAT_VERSION = 1
COUNTS = ("positives", "support")
"""Per-target entries that are counts of tracks, not scores."""
LIBRARIES = ("featurize", "numpy", "scipy", "scikit-learn", "h5py", "xgboost-cpu", "xgboost", "torch")
"""Distributions whose versions every report records when they are installed."""


def versions(extra: Iterable[str] = ()) -> dict[str, str]:
    """Installed versions of :data:`LIBRARIES` and ``extra`` distributions (``name==version`` strings too)."""
    found = {"python": platform.python_version()}
    for name in (*LIBRARIES, *extra):
        name = name.split("==")[0]
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def summarise(values: Sequence[float]) -> dict[str, Any]:
    """Mean, sample standard deviation (0 for one value) and the values of a metric over repeats."""
    array = np.asarray(values, dtype=np.float64)
    finite = array[~np.isnan(array)]
    mean = float(finite.mean()) if finite.size else float("nan")
    std = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    return {"mean": mean, "std": std, "values": [float(v) for v in array]}


def summarise_metrics(runs: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Aggregate the metric dictionaries of several repeats: scalar metrics and per-target ones."""
    scalar = [k for k, v in runs[0].items() if isinstance(v, float | int) and not isinstance(v, bool)]
    summary: dict[str, Any] = {key: summarise([run[key] for run in runs]) for key in scalar}
    per_target: dict[str, dict[str, Any]] = {}
    for name in names:
        entries = [run["per_target"][name] for run in runs if name in run["per_target"]]
        if entries:
            per_target[name] = {key: summarise([e[key] for e in entries]) for key in entries[0]}
    summary["per_target"] = per_target
    summary["skipped"] = sorted({name for run in runs for name in run.get("skipped", ())})
    return summary


def to_json(report: Mapping[str, Any]) -> str:
    """JSON with NaN written as ``null`` (strict JSON readers reject NaN)."""
    return json.dumps(_clean(report), indent=2) + "\n"


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def write_report(report: Mapping[str, Any], directory: Path) -> None:
    """``report.json`` and ``report.txt`` in ``directory``."""
    (directory / "report.json").write_text(to_json(report))
    (directory / "report.txt").write_text(render(report) + "\n")


# -- text --------------------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table; the first column is left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[_cell(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for r, row in enumerate(cells):
        parts = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))]
        lines.append("  ".join(parts).rstrip())
        if r == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def mean_sd(summary: Mapping[str, Any] | None) -> str:
    """``0.8123 ± 0.0100`` for a :func:`summarise` result (the spread only for several repeats)."""
    if not summary:
        return "-"
    return format_mean(summary["mean"], summary["std"], spread=len(summary.get("values", ())) > 1)


def format_mean(mean: float | None, std: float, *, spread: bool) -> str:
    if mean is None or math.isnan(mean):
        return "-"
    return f"{mean:.4f}" + (f" ± {std:.4f}" if spread else "")


def render(report: Mapping[str, Any]) -> str:
    """The readable form of a training or evaluation report."""
    data, model = report["data"], report["model"]
    lines = [
        f"featurize {report['kind']} report",
        f"store:    {data['store']} ({data['tracks_used']} tracks used)",
        f"labels:   {data['labels']} [{data['labels_format']}]",
        f"task:     {data['task']} with {len(data['targets'])} targets",
        f"model:    {model['name']} ({model.get('distribution', '')}) {_params(model.get('params', {}))}",
    ]
    if model.get("params_used"):
        lines.append(f"used:     {_params(model['params_used'])}")
    if report.get("grouping"):
        lines.append(f"grouping: {_grouping(report['grouping'])}")
    for dropped in report.get("dropped_groups") or ():
        lines.append(f"dropped:  group {dropped['name']!r} ({dropped['reason']})")
    if "split" in data:
        lines.append(f"split:    {_split(data['split'])}")
    lines += ["", _metrics_table(report["metrics"])]
    importances = report.get("importances")
    if importances:
        lines += ["", "Group importances (overall)", _importance_table(importances)]
    lines += ["", _targets_table(report["metrics"])]
    if report.get("warnings"):
        lines += ["", "Warnings:", *(f"  - {w}" for w in report["warnings"])]
    return "\n".join(lines)


def _grouping(grouping: Mapping[str, Any]) -> str:
    excluded = f" w/o {', '.join(grouping['excluded'])}" if grouping.get("excluded") else ""
    text = (
        f"{grouping['name']}{excluded}: {len(grouping['feature_names'])} features in {len(grouping['groups'])} groups"
    )
    dropped = [d["name"] for d in grouping.get("dropped", ())]
    return text + (f"; dropped {', '.join(dropped)} (no feature in the store)" if dropped else "")


def _params(params: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def _split(split: Mapping[str, Any]) -> str:
    kind = "the labels' own split" if split["kind"] == "own" else f"random, test size {split['test_size']}"
    return (
        f"{kind}; {split['repeats']} repeat(s) from seed {split['seed']}; train {split['train']}, test {split['test']}"
    )


ALL_TRACKS = "all tracks (incl. training)"
"""The column of an evaluation over every track, training tracks included (never called "test")."""


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    sets = [name for name in ("test", "train", ALL_TRACKS) if name in metrics]
    keys = [k for k, v in metrics[sets[0]].items() if isinstance(v, Mapping) and "mean" in v]
    rows = [[key, *(mean_sd(metrics[s].get(key)) for s in sets)] for key in keys]
    return table(["metric", *sets], rows)


def _importance_table(importances: Mapping[str, Any]) -> str:
    overall = importances["overall"]
    spread = importances["repeats"] > 1
    rows = [
        [group, "no split: importance undefined" if m is None or math.isnan(m) else format_mean(m, s, spread=spread)]
        for group, m, s in zip(importances["groups"], overall["mean"], overall["std"], strict=True)
    ]
    return table(["group", "importance"], rows)


def _targets_table(metrics: Mapping[str, Any]) -> str:
    name = "test" if "test" in metrics else ALL_TRACKS
    per_target = metrics[name]["per_target"]
    if not per_target:
        return ""
    keys = list(next(iter(per_target.values())))
    rows = [
        [name, *(_count(values[k]) if k in COUNTS else mean_sd(values[k]) for k in keys)]
        for name, values in per_target.items()
    ]
    return f"Per target ({name})\n" + table(["target", *keys], rows)


def _count(summary: Mapping[str, Any]) -> str:
    """A count over repeats: ``28`` or ``28.0 ± 5.2``."""
    if summary["std"]:
        return f"{summary['mean']:.1f} ± {summary['std']:.1f}"
    return f"{summary['mean']:.0f}"
