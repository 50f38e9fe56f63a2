"""The demo's report as text: metrics, importances per tag, and which explanations found the cause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from featurize.learn.report import mean_sd, table


def _label(run: Mapping[str, Any]) -> str:
    return f"{run['model']} / {run['grouping']}"


def metrics_table(runs: Sequence[Mapping[str, Any]]) -> str:
    """Macro ROC-AUC and PR-AUC over the random test splits, and on the saved model's held-out tracks."""
    rows = [
        [_label(r), mean_sd(r["metrics"]["roc_auc"]), mean_sd(r["metrics"]["pr_auc"]), r["held_out"]["roc_auc"]]
        for r in runs
    ]
    return table(["model / grouping", "ROC-AUC (test)", "PR-AUC (test)", "ROC-AUC (held-out)"], rows)


def tag_auc_table(runs: Sequence[Mapping[str, Any]]) -> str:
    tags = list(runs[0]["metrics"]["per_tag_roc_auc"])
    rows = [[tag, *(r["metrics"]["per_tag_roc_auc"][tag] for r in runs)] for tag in tags]
    return table(["ROC-AUC per tag", *(_label(r) for r in runs)], rows)


def importance_table(run: Mapping[str, Any]) -> str:
    """Rows: tags; columns: the grouping's groups, the top group, the causal one and the verdict."""
    rows = []
    for verdict in run["verdicts"]:
        shares = [verdict["importances"][g] for g in run["groups"]]
        mark = "-" if verdict["hit"] is None else ("yes" if verdict["hit"] else "NO")
        rows.append([verdict["tag"], *shares, verdict["top"] or "none", " | ".join(verdict["causal"]) or "-", mark])
    return f"{_label(run)}\n" + table(["tag", *run["groups"], "top group", "causal group", "top = cause"], rows)


def fidelity_table(runs: Sequence[Mapping[str, Any]]) -> str:
    """Tags x runs: whether the top group is the causal one; the last row counts the hits."""
    tags = [v["tag"] for v in runs[0]["verdicts"]]
    cells: dict[str, dict[str, str]] = {tag: {} for tag in tags}
    for run in runs:
        for verdict in run["verdicts"]:
            hit = verdict["hit"]
            top = verdict["top"] or "no importance"
            cells[verdict["tag"]][_label(run)] = "-" if hit is None else ("yes" if hit else f"no ({top})")
    rows = [[tag, *(cells[tag].get(_label(r), "-") for r in runs)] for tag in tags]
    rows.append(["causal group ranked first", *(f"{r['fidelity']['hits']}/{r['fidelity']['scored']}" for r in runs)])
    for name in dict.fromkeys(m for r in runs for m in r.get("measures", {}) if m != r.get("measure")):
        counts = [r["measures"].get(name, {}).get("fidelity") for r in runs]
        rows.append([f"  with the {name} measure", *(f"{c['hits']}/{c['scored']}" if c else "-" for c in counts)])
    return table(["tag", *(_label(r) for r in runs)], rows)


def _measure(runs: Sequence[Mapping[str, Any]]) -> str:
    """The measure the verdicts use: the recommended held-out one when the runs computed it."""
    return str(runs[0].get("measure", "paper")) if runs else "paper"


def render_report(report: Mapping[str, Any]) -> str:
    """Everything the demo prints after its progress bars."""
    extraction, runs = report["extraction"], report["runs"]
    lines = [
        f"Extraction: {extraction['done']} of {extraction['tracks']} clips done, {extraction['failed']} failed; "
        f"plugins {', '.join(extraction['plugins'])}",
        *(f"  skipped {plugin}: {reason.splitlines()[0]}" for plugin, reason in extraction["skipped"].items()),
        "",
        "Metrics",
        metrics_table(runs),
        "",
        tag_auc_table(runs),
        "",
        f"Group importances per tag ({_measure(runs)}; mean over the random splits)",
    ]
    for run in runs:
        lines += [importance_table(run), ""]
    lines += [
        f"Is the top group the one that truly causes the tag? (judged with the {_measure(runs)} measure, "
        "the one docs/models.md recommends; the other measures' counts below)",
        fidelity_table(runs),
        "",
    ]
    tagging = report.get("tagging")
    if tagging:
        lines.append(f"Tagging {tagging['clips']} fresh clips (featurize tag)")
        rows = [[name, t["tracks"], t["untagged"], t["tags_given"]] for name, t in tagging["models"].items()]
        lines += [table(["model / grouping", "tracks tagged", "not tagged", "tags given (top 3)"], rows), ""]
        lines += [f"Why (featurize why, {tagging['explained_by']}):", tagging["explanation"], ""]
    seconds = report.get("seconds", {})
    if seconds:
        lines.append("Time: " + ", ".join(f"{stage} {value:.0f} s" for stage, value in seconds.items()))
    lines.append(
        f"Outputs: {report['options']['out']} (features.h5, models/, report.json, "
        + ", ".join(p.rsplit("/", 1)[-1] for p in report["plots"])
        + ")"
    )
    return "\n".join(lines)
