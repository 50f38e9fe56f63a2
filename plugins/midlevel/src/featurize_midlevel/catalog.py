"""Static declarations, importable without numpy or torch: the features and the architectures.

Aljanaki & Soleymani (ISMIR 2018) collected ratings from musicians; each feature is the
rating derived from one question. The questions are the descriptions a user sees next to
a feature, because they say what a high value means.
"""

from __future__ import annotations

QUESTIONS: dict[str, str] = {
    "melodiousness": "Which excerpt makes you want to sing along? Higher: more melodious, singable.",
    "articulation": "Which excerpt has more staccato (short, detached notes)? Higher: more staccato.",
    "rhythmic_stability": "Which excerpt is easier to march to? Higher: a steadier, more regular pulse.",
    "rhythmic_complexity": (
        "Which excerpt is harder to tap along to, with a meter that is harder to find or more rhythmic layers? "
        "Higher: more complex rhythm."
    ),
    "dissonance": "Which excerpt has a noisier timbre or more dissonant intervals? Higher: more dissonant.",
    "tonal_stability": (
        "In which excerpt is the tonic easier to find, with fewer modulations? Higher: more tonally stable."
    ),
    "minorness": "Which excerpt has more minor chords? Higher: more minor (modality).",
}
"""Feature name -> the question raters answered (paraphrased from the dataset's instructions)."""

FEATURE_NAMES: tuple[str, ...] = tuple(QUESTIONS)
"""The output order of every model this plugin trains."""

UNIT = "rating"
"""Predictions are on the rating scale of the training annotations."""

WINDOWS_ARTIFACT = "midlevel_windows"
"""The artifact holding the seven ratings per analysis window."""

ARCHITECTURES: dict[str, str] = {
    "vgg": "VGG-style CNN on 40 MFCCs of the first 15 s (the SAMAT/Lyberatos variant)",
    "resnet": (
        "receptive-field regularised ResNet (Chowdhury et al. 2019) on 149-bin log-frequency spectrograms, "
        "15 s windows every 5 s, predictions averaged"
    ),
}
"""Architecture name -> what it is; the name selects the network and its front end."""

DEFAULT_WIDTHS: dict[str, int] = {"vgg": 64, "resnet": 128}
"""The published base channel count of each architecture; smaller widths scale every layer."""
