"""The paper's fine-tuning schedules (stages 2 and 3), as small state machines.

After each epoch a schedule says: carry on (``None``), switch to another optimiser phase (a
:class:`Phase`; the trainer first reloads the best weights and builds a fresh optimiser, so Adam's
moments restart), or stop (:data:`STOP`).

- CNN (:class:`PlateauSchedule`): Adam at the given rate until ``patience`` epochs pass without
  improvement, then plain SGD (no momentum, no weight decay) at 1e-3, 1e-4 and 1e-5 with the
  same patience rule, then stop.
- AST (:class:`HalvingSchedule`): a fixed schedule: Adam; after epoch 5 and every 2 epochs the
  rate halves (5 times, 5e-5 down to 1.5625e-6), then SGD at 1e-3, then stop (17 epochs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

import torch

SGD_RATES: tuple[float, ...] = (1e-3, 1e-4, 1e-5)
ADAM_EPS = 1e-7
"""Keras' Adam epsilon."""
STOP: Final = "stop"


@dataclass(frozen=True)
class Phase:
    """An optimiser and its learning rate."""

    optimizer: Literal["adam", "sgd"]
    lr: float

    def build(self, parameters: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
        if self.optimizer == "adam":
            return torch.optim.Adam(parameters, lr=self.lr, eps=ADAM_EPS)
        return torch.optim.SGD(parameters, lr=self.lr)


Decision = Phase | Literal["stop"] | None


class PlateauSchedule:
    """The CNN schedule: patience-driven phase switches."""

    def __init__(self, lr: float, patience: int = 11) -> None:
        self.phases = [Phase("adam", lr), *(Phase("sgd", rate) for rate in SGD_RATES)]
        self.patience = patience
        self._index = 0
        self._waited = 0

    @property
    def first(self) -> Phase:
        return self.phases[0]

    def update(self, epoch: int, improved: bool) -> Decision:
        if improved:
            self._waited = 0
            return None
        self._waited += 1
        if self._waited < self.patience:
            return None
        self._waited = 0
        self._index += 1
        return self.phases[self._index] if self._index < len(self.phases) else STOP


class HalvingSchedule:
    """The AST schedule: switches at fixed epochs."""

    def __init__(self, lr: float, start: int = 5, every: int = 2, halvings: int = 5) -> None:
        self.phases = [*(Phase("adam", lr / 2**k) for k in range(halvings + 1)), Phase("sgd", SGD_RATES[0])]
        self.start = start
        self.every = every
        self._index = 0

    @property
    def first(self) -> Phase:
        return self.phases[0]

    def update(self, epoch: int, improved: bool) -> Decision:
        if epoch < self.start or (epoch - self.start) % self.every:
            return None
        self._index += 1
        return self.phases[self._index] if self._index < len(self.phases) else STOP
