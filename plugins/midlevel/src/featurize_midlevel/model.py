"""A network with its front end and normalisation: the one path from audio to ratings.

Extraction, validation during training and the final test report all go through
:meth:`MidlevelModel.predict_windows`, so the numbers reported after training are the
numbers extraction produces.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from featurize_midlevel.config import ModelConfig
from featurize_midlevel.frontend import FrontEnd, frontend_from_dict, windows

BATCH_WINDOWS = 4
"""Windows per forward pass at inference: bounds memory on long tracks (full-width ResNet: ~60 MB per window)."""


class MidlevelModel:
    """``network`` (any mode) plus the ``config`` that says how to feed it and read its outputs.

    Raises ``ValueError``/``TypeError`` when the config's front end or statistics are malformed.
    """

    def __init__(self, network: nn.Module, config: ModelConfig) -> None:
        self.network = network
        self.config = config
        self.frontend: FrontEnd = frontend_from_dict(config.frontend)
        if len(config.input_mean) not in {1, self.frontend.n_bins}:
            raise ValueError(f"input statistics have {len(config.input_mean)} values, need 1 or {self.frontend.n_bins}")
        self._input_mean = torch.tensor(config.input_mean, dtype=torch.float32).view(1, 1, -1, 1)
        self._input_std = torch.tensor(config.input_std, dtype=torch.float32).view(1, 1, -1, 1)
        self._target_mean = np.asarray(config.target_mean, dtype=np.float64)
        self._target_std = np.asarray(config.target_std, dtype=np.float64)

    def inputs(self, batch: np.ndarray) -> torch.Tensor:
        """Windows ``(n, n_bins, frames)`` -> the normalised network input ``(n, 1, n_bins, frames)``."""
        tensor = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).unsqueeze(1)
        return (tensor - self._input_mean) / self._input_std

    def standardise(self, ratings: np.ndarray) -> np.ndarray:
        """Ratings -> the network's training targets."""
        return (ratings - self._target_mean) / self._target_std

    def predict_windows(self, representations: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Ratings per window, ``(n_windows, n_features)`` float64, for each of a non-empty list of
        track representations. Puts the network in eval mode (BatchNorm running statistics, no dropout).
        """
        frontend = self.frontend
        cut = [windows(r, frontend.window_frames, frontend.hop_frames) for r in representations]
        stacked = np.concatenate(cut)
        self.network.eval()
        with torch.inference_mode():
            outputs = [
                self.network(self.inputs(stacked[start : start + BATCH_WINDOWS])).double().numpy()
                for start in range(0, len(stacked), BATCH_WINDOWS)
            ]
        ratings = np.concatenate(outputs) * self._target_std + self._target_mean
        return np.split(ratings, np.cumsum([len(c) for c in cut])[:-1])

    def predict(self, representations: Sequence[np.ndarray]) -> np.ndarray:
        """Track-level ratings ``(n_tracks, n_features)``: the mean over each track's windows."""
        return np.stack([w.mean(axis=0) for w in self.predict_windows(representations)])
