"""The conformance kit accepts a correct extractor and names what is wrong with a bad one."""

from __future__ import annotations

import attrs
import pytest

from featurize.extraction import Result
from featurize.plugin.manager import PluginManager
from featurize.testing import check_extractor


@pytest.fixture
def level(toy_path: tuple[str, ...]):
    return PluginManager(extra_modules=toy_path).extractors()["level"]


def test_correct_extractor_passes(level) -> None:
    results = check_extractor(level, params={"gain": 0.5})
    assert results["silence"].features["rms"] == 0.0


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ({"rms": 1.0, "peak": 1.0}, r"missing \['crest'\]"),
        ({"rms": 1.0, "peak": 1.0, "crest": float("inf")}, "infinite value"),
        ({"rms": 1.0, "peak": 1.0, "crest": 1.0, "extra": 2.0}, r"undeclared \['extra'\]"),
    ],
)
def test_contract_violations_are_named(level, features: dict, message: str) -> None:
    broken = attrs.evolve(level, factory=lambda gain: lambda track: Result(features=features))
    with pytest.raises(AssertionError, match=message):
        check_extractor(broken)


def test_nondeterminism_and_silent_bad_input_are_caught(level) -> None:
    counter = iter(range(1000))
    flaky = attrs.evolve(
        level,
        factory=lambda gain: lambda track: Result(features={"rms": float(next(counter)), "peak": 0.0, "crest": 0.0}),
    )
    with pytest.raises(AssertionError, match="not deterministic"):
        check_extractor(flaky)
    lenient = attrs.evolve(
        level, factory=lambda gain: lambda track: Result(features={"rms": 0.0, "peak": 0.0, "crest": 0.0})
    )
    with pytest.raises(AssertionError, match="did not raise ExtractionError"):
        check_extractor(lenient)
