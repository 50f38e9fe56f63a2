"""featurize-omnizart: Omnizart's chord transcription (Harmony Transformer) as the ``chords`` artifact."""
