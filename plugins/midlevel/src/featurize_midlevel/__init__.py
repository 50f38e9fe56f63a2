"""featurize-midlevel: the seven mid-level perceptual features of Aljanaki & Soleymani (2018).

A torch CNN (VGG-style on MFCCs, or the receptive-field regularised ResNet of Chowdhury et
al. 2019 on log-frequency spectrograms) regresses the ratings that listeners gave for
melodiousness, articulation, rhythmic stability and complexity, dissonance, tonal stability
and minorness. ``featurize midlevel train`` fits it on the published dataset.

Importing this package stays light: torch loads only when a model is built.
"""
