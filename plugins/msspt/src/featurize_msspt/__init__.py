"""featurize-msspt: music taggers pre-trained by source separation (Garoufis, Zlatintsi and Maragos, 2024).

A U-Net separator (stage 1, ``featurize msspt pretrain``) feeds a Short-chunk CNN or an Audio
Spectrogram Transformer through a feature adaptation module; the back-bone can be trained alone
first (stage 2, ``featurize msspt backbone``) and the whole network is fine-tuned on tags
(stage 3, ``featurize train --model msspt-cnn|msspt-ast`` or :class:`~featurize_msspt.estimator.MssptTagger`).
Importing this package is light; torch loads with the modules that need it.
"""
