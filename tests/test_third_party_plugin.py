"""The third-party path for real: pip-install the example plugin, list it, extract with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.store import FeatureStore
from featurize.testing import check_extractor

EXAMPLE = Path(__file__).parents[1] / "docs" / "example-plugin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pip installs the example into its own folder; the returned environment sees it."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}


def featurize(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "featurize", *args], env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_installed_example_is_listed_and_extracts(installed: dict[str, str], tmp_path: Path) -> None:
    listing = featurize(installed, "plugins")
    assert listing.returncode == 0, listing.stderr
    assert "featurize-example" in listing.stdout and "extractor example" in listing.stdout

    songs = tmp_path / "songs"
    songs.mkdir()
    left = np.sin(np.linspace(0, 200, 8000)).astype(np.float32)
    soundfile.write(songs / "wide.wav", np.stack([left, 0.5 * left], axis=1), 8000, subtype="FLOAT")
    soundfile.write(songs / "mono.wav", left, 8000)
    result = featurize(
        installed, "--plugins", "example", "extract", str(songs), "-o", str(tmp_path / "f.h5"), "--executor", "serial"
    )
    assert result.returncode == 0, result.stderr
    with FeatureStore(tmp_path / "f.h5") as store:
        assert store.feature_names == ["example.side_ratio", "example.dc_offset"]
        rows = {t: i for i, t in enumerate(store.track_ids)}
        ratios = store.matrix(["example.side_ratio"])[0][:, 0]
        assert ratios[rows["mono"]] == 0
        assert ratios[rows["wide"]] == pytest.approx(1 / 9, rel=1e-5)  # side 0.25 l, mid 0.75 l
        assert store.extractors["example"].distribution == "featurize-example==1.0.0"


def test_example_passes_the_conformance_kit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    from featurize_example.plugin import featurize_extractors

    results = check_extractor(featurize_extractors()[0])
    assert results["music"].features["side_ratio"] == 0.0  # standard music input is mono
    assert results["stereo"].features["side_ratio"] > 0.0
