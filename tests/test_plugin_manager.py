"""Discovery, broken plugins, strict mode, selection and descriptor validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from featurize.errors import PluginError
from featurize.plugin.descriptors import ExtractorSpec, Feature, Source
from featurize.plugin.manager import PluginManager


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def write_module(folder: Path, name: str, body: str) -> str:
    (folder / f"{name}.py").write_text(body)
    return name


def test_broken_plugins_are_listed_and_others_keep_working(plugin_dir: Path, toy_path: tuple[str, ...]) -> None:
    broken_import = write_module(plugin_dir, "broken_import", "import not_a_module_anywhere\n")
    bad_declaration = write_module(
        plugin_dir,
        "bad_declaration",
        (
            "from featurize import hookimpl, ExtractorSpec\n"
            "@hookimpl\n"
            "def featurize_extractors():\n"
            "    return [ExtractorSpec(name='Bad Name', version='1', description='x', factory=print, features=())]\n"
        ),
    )
    manager = PluginManager(extra_modules=[broken_import, bad_declaration, *toy_path])
    broken = {p.name: p.error for p in manager.plugins if p.broken}
    assert "ModuleNotFoundError: No module named 'not_a_module_anywhere'" in broken["broken_import"]
    assert "'Bad Name' must match" in broken["bad_declaration"]
    assert "level" in manager.extractors()


def test_strict_mode_reraises(plugin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = write_module(plugin_dir, "broken_strict", "raise RuntimeError('plugin exploded')\n")
    monkeypatch.setenv("FEATURIZE_STRICT_PLUGINS", "1")
    with pytest.raises(RuntimeError, match="plugin exploded"):
        PluginManager(extra_modules=[name])


def test_duplicate_component_names_break_the_second_plugin(plugin_dir: Path, toy_path: tuple[str, ...]) -> None:
    clash = write_module(
        plugin_dir,
        "zz_clash",
        (
            "from featurize import hookimpl, ExtractorSpec, Feature\n"
            "@hookimpl\n"
            "def featurize_extractors():\n"
            "    return [ExtractorSpec(name='level', version='1', description='x', factory=print,\n"
            "                          features=[Feature('x', 'x', 'nlp')])]\n"
        ),
    )
    manager = PluginManager(extra_modules=[*toy_path, clash])
    error = next(p.error for p in manager.plugins if p.name == "zz_clash")
    assert "ExtractorSpec 'level' is already registered by plugin 'toy_extractors'" in error


def test_selection_by_plugin_or_component_name(toy_path: tuple[str, ...]) -> None:
    manager = PluginManager(extra_modules=toy_path)
    manager.select(["beat_counter"])
    assert set(manager.extractors()) == {"beat_counter"}
    assert {"level", "segmenter", "backup_segmenter"} <= set(manager.extractors(selected_only=False))
    manager.select(["toy_extractors"])
    assert set(manager.extractors()) == {"level", "segmenter", "backup_segmenter", "beat_counter"}
    assert manager.selection == ("toy_extractors",)
    with pytest.raises(PluginError, match=r"unknown plugin 'nope'; installed plugins: .*toy_extractors"):
        manager.select(["nope"])


def test_descriptors_validate_at_construction() -> None:
    with pytest.raises(ValueError, match="duplicate feature names: a"):
        ExtractorSpec(
            name="x",
            version="1",
            description="d",
            factory=print,
            features=[Feature("a", "A.", Source.NLP), Feature("a", "A.", Source.NLP)],
        )
    with pytest.raises(ValueError, match="neither features nor artifacts"):
        ExtractorSpec(name="x", version="1", description="d", factory=print)
    with pytest.raises(ValueError, match="description must be a non-empty string"):
        Feature("a", " ", Source.NLP)
    with pytest.raises(ValueError, match="is not a valid Source"):
        Feature("a", "A.", "astrology")
