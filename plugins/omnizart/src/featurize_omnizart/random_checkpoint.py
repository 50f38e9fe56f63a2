"""A randomly initialised chord checkpoint in Omnizart's own format, for tests and benchmarks.

Omnizart's real weights come only from ``omnizart download-checkpoints`` (network). This builds the
Harmony Transformer with Omnizart's ``ChordTranscription.get_model`` from the configuration of the
bundled ``chord_v1`` checkpoint (optionally shrunk), and saves it as Omnizart saves checkpoints: a
TensorFlow SavedModel plus ``configurations.yaml``. Loading it goes through Omnizart's own loader,
so everything downstream is the real code path; only the chords are meaningless.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_random_checkpoint(
    folder: Path, *, blocks: int | None = None, width: int | None = None, num_steps: int | None = None, seed: int = 0
) -> Path:
    """Save a random chord model at ``folder`` (its name must start with ``chord``); returns it.

    Parameters
    ----------
    blocks, width
        Attention blocks (encoder and decoder each) and embedding size; default: chord_v1's (2, 512).
    num_steps
        Frames per sequence; default: chord_v1's 100 (4.6 s).
    """
    import omnizart
    import tensorflow as tf
    import yaml
    from omnizart.chord.app import ChordTranscription
    from omnizart.setting_loaders import ChordSettings

    bundled = Path(omnizart.MODULE_PATH) / "checkpoints" / "chord" / "chord_v1" / "configurations.yaml"
    config = yaml.safe_load(bundled.read_text())
    overrides = {
        ("Model", "NumEncAttnBlocks"): blocks,
        ("Model", "NumDecAttnBlocks"): blocks,
        ("Model", "EncInputEmbSize"): width,
        ("Model", "DecInputEmbSize"): width,
        ("Feature", "NumSteps"): num_steps,
    }
    for (section, key), value in overrides.items():
        if value is not None:
            config["General"][section]["Settings"][key]["Value"] = value
    folder = Path(folder)
    folder.mkdir(parents=True)
    (folder / "configurations.yaml").write_text(yaml.safe_dump(config))
    tf.random.set_seed(seed)
    settings = ChordSettings(conf_path=str(folder / "configurations.yaml"))
    model = ChordTranscription().get_model(settings)
    # Build the weights with a batch of two sequences: the graph cannot be traced with a batch of one.
    model(np.zeros((2, settings.feature.num_steps, settings.feature.segment_width * 24), dtype=np.float32))
    model.save(str(folder), include_optimizer=False, save_format="tf")
    return folder
