"""The end-to-end demo on a synthetic corpus with known causes (``featurize demo``).

:func:`run_demo` synthesizes clips whose tags follow documented rules, extracts features
with every installed extractor that needs no downloaded weights, trains the feature models
with the semantic groupings, and checks whether each tag's most important group is the one
that truly causes it (:mod:`featurize.demo.fidelity`).
"""

from featurize.demo.pipeline import DemoOptions, run_demo
from featurize.demo.report import render_report

__all__ = ["DemoOptions", "render_report", "run_demo"]
