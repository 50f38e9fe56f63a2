"""Checkpoint discovery: missing weights give an error that says how to provide them (no TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from featurize.errors import MissingWeightsError, UnsafeWeightsError
from featurize_omnizart.checkpoint import HOW_TO, check_checkpoint, default_checkpoint


def fake_checkpoint(folder: Path, *, weights: bool = True) -> Path:
    (folder / "variables").mkdir(parents=True)
    for name in ("saved_model.pb", "configurations.yaml", "variables/variables.index"):
        (folder / name).write_text("x")
    if weights:
        (folder / "variables" / "variables.data-00000-of-00001").write_text("x")
    return folder


def test_the_packaged_checkpoint_without_weights_says_how_to_get_them() -> None:
    folder = default_checkpoint()
    assert folder.name == "chord_v1" and (folder / "saved_model.pb").is_file()
    if any((folder / "variables").glob("variables.data-*")):
        pytest.skip("omnizart download-checkpoints has been run here")
    with pytest.raises(MissingWeightsError) as caught:
        check_checkpoint(folder)
    message = str(caught.value)
    assert str(folder) in message and "variables.data-00000-of-00001" in message
    assert "omnizart download-checkpoints" in message and "--omnizart-checkpoint DIR" in message


def test_a_complete_checkpoint_is_accepted(tmp_path: Path) -> None:
    folder = fake_checkpoint(tmp_path / "chord_mine")
    assert check_checkpoint(folder) == folder


def test_a_parent_folder_with_one_chord_checkpoint_resolves_to_it(tmp_path: Path) -> None:
    folder = fake_checkpoint(tmp_path / "checkpoints" / "chord_v1")
    (tmp_path / "checkpoints" / "drum_keras").mkdir()
    assert check_checkpoint(tmp_path / "checkpoints") == folder


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("absent", "is not a folder"),
        ("misnamed", "named chord*"),
        ("no_weights", "lacks variables/variables.data-00000-of-00001"),
    ],
)
def test_unusable_checkpoints_name_the_folder_and_the_fix(tmp_path: Path, layout: str, expected: str) -> None:
    folder = {
        "absent": tmp_path / "chord_nothing",
        "misnamed": tmp_path / "weights",
        "no_weights": tmp_path / "chord_v1",
    }[layout]
    if layout == "misnamed":
        fake_checkpoint(folder)
    elif layout == "no_weights":
        fake_checkpoint(folder, weights=False)
    with pytest.raises(MissingWeightsError) as caught:
        check_checkpoint(folder)
    assert str(folder) in str(caught.value) and expected in str(caught.value) and HOW_TO in str(caught.value)


def test_the_plugin_module_is_light_and_registered(installed_extractor: object) -> None:
    import subprocess
    import sys

    code = (
        "import featurize_omnizart.plugin, sys; print(sorted({'tensorflow', 'omnizart', 'numpy'} & set(sys.modules)))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )
    spec = installed_extractor("omnizart")  # type: ignore[operator]
    assert spec.priority == 10 and spec.artifact_names == ["chords"]
    assert [(p.name, p.affects_output) for p in spec.params] == [("checkpoint", False)]


def test_settings_that_would_run_python_are_refused_and_never_run(tmp_path: Path) -> None:
    """Omnizart reads configurations.yaml with PyYAML's full Loader, which runs python/object/apply tags."""
    import yaml

    def payload(marker: Path) -> str:
        return f"!!python/object/apply:os.mkdir ['{marker}']\n"

    yaml.load(payload(tmp_path / "control"), Loader=yaml.Loader)  # what Omnizart does: the payload runs
    assert (tmp_path / "control").is_dir(), "the payload must act under Omnizart's loader, or this test proves nothing"
    marker = tmp_path / "ran"
    folder = fake_checkpoint(tmp_path / "chord_evil")
    (folder / "configurations.yaml").write_text(payload(marker))
    with pytest.raises(UnsafeWeightsError, match=r"configurations\.yaml: not plain YAML data"):
        check_checkpoint(folder)
    assert not marker.exists()


def test_lambda_layers_are_refused(tmp_path: Path) -> None:
    folder = fake_checkpoint(tmp_path / "chord_lambda")
    (folder / "keras_metadata.pb").write_bytes(b'\x12{"class_name": "Lambda", "config": {"function_type": "lambda"}}')
    with pytest.raises(UnsafeWeightsError, match=r"keras_metadata\.pb: the model has Lambda layers"):
        check_checkpoint(folder)
