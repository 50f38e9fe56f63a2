"""Every hook is documented (datasette's rule): the docs cannot drift from hookspecs.py."""

from __future__ import annotations

import inspect
from pathlib import Path

from featurize.plugin import hookspecs

DOCS = Path(__file__).parents[1] / "docs"


def test_every_hook_has_a_docstring_and_a_section() -> None:
    page = (DOCS / "plugin-hooks.md").read_text()
    hooks = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("featurize_")]
    assert hooks, "no hooks found"
    for name in hooks:
        assert inspect.getdoc(getattr(hookspecs, name)), f"{name} has no docstring"
        assert f"## {name}(" in page, f"{name} is not documented in docs/plugin-hooks.md"
