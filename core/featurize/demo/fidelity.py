"""Explanation fidelity: does a model rank first the feature group that truly causes each tag?

The causal group of a tag in a semantic grouping is the one the tag rule names (see
:mod:`featurize.synth.tags`). For any other grouping (random, by-source, a custom one) it
is the group holding most of the tag's marker features; ties make every tied group causal.
A tag whose causal group is absent (its features were not extracted, or no marker is in
the grouping) is not scored. The *top share* (the importance of the top group) tells how
much one group stands out: a grouping that scatters the causes over its groups should not
concentrate the importance as a semantic one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from featurize.synth.tags import TAG_RULES, TagRule


@attrs.frozen
class Verdict:
    """Where one model put the importance of one tag, and whether that is the causal group."""

    tag: str
    causal: tuple[str, ...]
    """The causal group(s); empty when the tag cannot be scored in this grouping."""
    top: str | None
    """The group with the largest importance; ``None`` when the model gave the tag no importance at all
    (a booster that never split): then no group explains it, and the tag counts as a miss."""
    top_share: float
    importances: Mapping[str, float]

    @property
    def scored(self) -> bool:
        return bool(self.causal)

    @property
    def hit(self) -> bool:
        return self.top in self.causal

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "causal": list(self.causal),
            "top": self.top,
            "hit": self.hit if self.scored else None,
            "top_share": self.top_share,
            "importances": dict(self.importances),
        }


def marker_groups(
    rule: TagRule, feature_names: Sequence[str], groups: Sequence[Sequence[int]], group_names: Sequence[str]
) -> tuple[str, ...]:
    """The group(s) of a resolved grouping holding most of ``rule``'s markers (none if it holds none)."""
    counts = np.array([sum(feature_names[i] in rule.markers for i in members) for members in groups])
    if counts.size == 0 or counts.max() == 0:
        return ()
    return tuple(name for name, count in zip(group_names, counts, strict=True) if count == counts.max())


def causal_groups(
    grouping: str, feature_names: Sequence[str], groups: Sequence[Sequence[int]], group_names: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Tag -> causal group(s) in a resolved grouping (named by the rule for the semantic groupings)."""
    found = {}
    for rule in TAG_RULES:
        if grouping in rule.groups:
            named = rule.groups[grouping]
            found[rule.name] = (named,) if named in group_names else ()
        else:
            found[rule.name] = marker_groups(rule, feature_names, groups, group_names)
    return found


def verdicts(
    per_target: Mapping[str, Sequence[float]], group_names: Sequence[str], causal: Mapping[str, tuple[str, ...]]
) -> list[Verdict]:
    """One verdict per tag; the top group is the first of the largest importances (NaN counts as 0)."""
    found = []
    for tag, values in per_target.items():
        shares = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
        top = int(np.argmax(shares))
        found.append(
            Verdict(
                tag,
                causal.get(tag, ()),
                group_names[top] if shares[top] > 0 else None,
                float(shares[top]),
                dict(zip(group_names, shares.tolist(), strict=True)),
            )
        )
    return found


def fidelity(found: Sequence[Verdict]) -> dict[str, Any]:
    """Hit rate over the scored tags, chance level, and the mean top share."""
    scored = [v for v in found if v.scored]
    groups = len(found[0].importances) if found else 0
    return {
        "hits": sum(v.hit for v in scored),
        "scored": len(scored),
        "rate": float(np.mean([v.hit for v in scored])) if scored else float("nan"),
        "chance": float(np.mean([len(v.causal) / groups for v in scored])) if scored else float("nan"),
        "top_share": float(np.mean([v.top_share for v in found])) if found else float("nan"),
    }
