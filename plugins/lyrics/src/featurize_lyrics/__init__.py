"""featurize-lyrics: lyrics from sidecar files or demucs + whisper transcription, and lyric NLP features."""
