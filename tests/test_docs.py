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


def test_the_readme_fresh_machine_line_names_every_system_package_ci_installs() -> None:
    """A fresh machine needs exactly what .ci/run installs: the README must say so (issue 17)."""
    import re

    root = DOCS.parent
    script = (root / ".ci" / "run").read_text()
    installed = re.search(r"apt-get install[^\n]*\\\n(.*?)>", script, re.S)
    assert installed, "no apt-get install line in .ci/run"
    packages = installed.group(1).split()
    fresh = next(line for line in (root / "README.md").read_text().split("\n\n") if "fresh machine" in line)
    assert packages and all(f" {p}" in fresh or f"`{p}" in fresh for p in packages), (packages, fresh)
