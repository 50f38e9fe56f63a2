"""Synthetic music with known causes: clips whose tags follow documented rules over hidden factors.

``featurize synth`` and the demo use it to check that explanations point at the feature
groups that truly cause each tag. Rendering is numpy only and deterministic per seed.

>>> from featurize.synth import SynthConfig, generate_corpus      # doctest: +SKIP
>>> manifest = generate_corpus("corpus/", SynthConfig(clips=100, seed=1))
"""

from featurize.synth.corpus import SynthConfig, clip_id, generate_corpus, read_manifest, synthesize
from featurize.synth.factors import Factors, draw_factors
from featurize.synth.render import STEMS
from featurize.synth.tags import TAG_RULES, TAGS, TagRule

__all__ = [
    "STEMS",
    "TAGS",
    "TAG_RULES",
    "Factors",
    "SynthConfig",
    "TagRule",
    "clip_id",
    "draw_factors",
    "generate_corpus",
    "read_manifest",
    "synthesize",
]
