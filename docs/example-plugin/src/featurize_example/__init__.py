"""An example third-party featurize plugin."""
