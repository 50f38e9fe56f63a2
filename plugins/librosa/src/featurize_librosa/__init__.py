"""featurize-librosa: the signal-processing feature families of featurize-essentia, computed with librosa."""
