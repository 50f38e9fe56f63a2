"""featurize-essentia: SAMAT's 85 signal-processing features computed with Essentia, plus chords and key."""
