"""Training, evaluation and explanation of models over a feature store.

The modules are small and import their heavy dependencies (scikit-learn for metrics,
matplotlib for plots) inside functions, so importing ``featurize.learn`` stays light:

- :mod:`featurize.learn.base`: scikit-learn conventions for model plugins, without scikit-learn.
- :mod:`featurize.learn.labels`: label loaders (generic CSV/TSV, MTG-Jamendo, MagnaTagATune, FMA).
- :mod:`featurize.learn.targets`: task detection and label alignment with a store.
- :mod:`featurize.learn.splits`: the dataset's own split or seeded random splits.
- :mod:`featurize.learn.scaling`: the standardiser fitted on the training split only.
- :mod:`featurize.learn.metrics`: ROC-AUC, PR-AUC, accuracy, balanced accuracy.
- :mod:`featurize.learn.training`: ``train`` and ``evaluate`` as library functions.
- :mod:`featurize.learn.modeldir`: the model directory written by ``featurize train``.
- :mod:`featurize.learn.report`: the JSON report and its readable table.
- :mod:`featurize.learn.explain`: group-importance tables and comparison with a human ranking.
- :mod:`featurize.learn.compare`: experiments over groupings x models x ablations.
- :mod:`featurize.learn.plots`: importance plots (matplotlib).
- :mod:`featurize.learn.models`: finding an installed model, converting its parameters.
- :mod:`featurize.learn.testing`: planted data, stores of given values, reference models for tests.
"""
