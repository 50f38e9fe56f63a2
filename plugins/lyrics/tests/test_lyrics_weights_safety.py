"""No weights file runs code: crafted demucs and whisper checkpoints are refused and their payload never runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from featurize.errors import MissingWeightsError, UnsafeWeightsError
from featurize.extraction import TrackContext
from featurize.testing import build_extractor
from featurize.testing.hostile import write_code_running_pickle
from featurize.testing.signals import tone

SR = 44100


def clip() -> TrackContext:
    return TrackContext.from_array(tone(440.0, 0.5, SR), SR, track_id="song")


@pytest.mark.parametrize("layout", ["single", "bag"])
def test_a_crafted_demucs_package_never_runs(specs, tmp_path: Path, layout: str) -> None:
    repo, marker = tmp_path / "repo", tmp_path / "ran"
    write_code_running_pickle(repo / ("htdemucs.th" if layout == "single" else "evil0.th"), marker)
    if layout == "bag":
        (repo / "htdemucs.yaml").write_text("models: ['evil0']\n")
    extract = build_extractor(specs["vocals"], {"model": "htdemucs", "repo": repo})
    with pytest.raises(MissingWeightsError, match=r"\.th: not a demucs package of plain data"):
        extract(clip())
    assert not marker.exists()


def test_a_demucs_package_naming_another_class_is_refused(tmp_path: Path) -> None:
    import torch

    from featurize_lyrics.demucs_loading import read_package

    path = tmp_path / "m.th"
    torch.save({"klass": torch.nn.Linear, "args": [], "kwargs": {}, "state": {}}, path)
    with pytest.raises(UnsafeWeightsError, match=r"m\.th: not a demucs package of plain data"):
        read_package(path)


def test_a_crafted_huggingface_demucs_file_never_imports_its_class(tmp_path: Path) -> None:
    """demucs' own hub loader imports and calls whatever class the metadata names (os.system here)."""
    import torch
    from safetensors.torch import save_file

    from featurize_lyrics.demucs_loading import read_safetensors

    marker = tmp_path / "ran"
    path = tmp_path / "evil.safetensors"
    metadata = {"klass": "os.system", "args": json.dumps([f"touch {marker}"]), "kwargs": "{}"}
    save_file({"w": torch.zeros(1)}, str(path), metadata=metadata)
    with pytest.raises(UnsafeWeightsError, match=r"evil\.safetensors: names 'os\.system' as its model class"):
        read_safetensors(path)
    assert not marker.exists()


def test_a_genuine_demucs_file_from_the_hub_format_loads(tmp_path: Path) -> None:
    import torch
    from demucs.demucs import Demucs
    from safetensors.torch import save_file

    from featurize_lyrics.demucs_loading import _build, read_safetensors

    model = Demucs(sources=["drums", "bass", "other", "vocals"], channels=8, depth=3, segment=4)
    args, kwargs = model._init_args_kwargs
    path = tmp_path / "good.safetensors"
    metadata = {"klass": "demucs.demucs.Demucs", "args": json.dumps(list(args)), "kwargs": json.dumps(kwargs)}
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path), metadata=metadata)
    restored = _build(read_safetensors(path))
    for name, value in model.state_dict().items():
        assert torch.equal(restored.state_dict()[name], value), name


def test_a_crafted_whisper_checkpoint_never_runs(specs, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    weights = write_code_running_pickle(tmp_path / "whisper.pt", marker)
    extract = build_extractor(specs["transcript"], {"weights": weights})
    context = TrackContext.from_array(np.zeros(SR, np.float32), SR, track_id="song")
    with pytest.raises(MissingWeightsError, match=r"whisper\.pt \(--transcript-weights\) cannot be loaded"):
        extract(context)
    assert not marker.exists()


@pytest.mark.parametrize(
    "content", [{"dims": {"n_mels": 80, "bogus": 1}, "model_state_dict": {}}, [1, 2]], ids=["unknown-dims", "list"]
)
def test_a_tampered_whisper_checkpoint_is_a_one_line_error_naming_it(tmp_path: Path, content: object) -> None:
    import torch

    from featurize_lyrics.transcription import load_whisper

    torch.save(content, tmp_path / "tampered.pt")
    with pytest.raises(MissingWeightsError, match=r"tampered\.pt \(--transcript-weights\) cannot be loaded") as caught:
        load_whisper("tiny", tmp_path / "tampered.pt", "cpu")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("models: !!python/object/apply:os.system ['touch {marker}']\n", "not plain YAML"),
        ("models: ['m']\nweights: 'x'\n", "'weights' must be 1 lists of 4 numbers"),
        ("models: ['m']\nsegment: [1]\n", "'segment' must be a number"),
        ("models: [\n", "not plain YAML"),
        ("models: []\n", "a 'models' list expected"),
    ],
    ids=["python-tag", "weights", "segment", "broken", "empty"],
)
def test_a_tampered_demucs_bag_is_a_one_line_error_naming_it(specs, tmp_path: Path, text: str, reason: str) -> None:
    from featurize_lyrics.testing import save_tiny_demucs

    marker = tmp_path / "ran"
    save_tiny_demucs(tmp_path, "m")
    (tmp_path / "bag.yaml").write_text(text.format(marker=marker))
    extract = build_extractor(specs["vocals"], {"model": "bag", "repo": tmp_path})
    with pytest.raises(MissingWeightsError, match=r"bag\.yaml: ") as caught:
        extract(clip())
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert not marker.exists()
