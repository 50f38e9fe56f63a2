"""Registration only: descriptors are cheap, the computation lives in ``stereo.py``."""

from featurize import AudioInput, ExtractorSpec, Feature, Source, hookimpl


def _factory():
    from featurize_example.stereo import measure  # heavy imports would go here, once per worker

    return measure


@hookimpl
def featurize_extractors():
    return [
        ExtractorSpec(
            name="example",
            version="1.0",
            description="Stereo image and DC offset of the native-rate audio.",
            factory=_factory,
            requires=[AudioInput(sr=None, mono=False)],
            features=[
                Feature(
                    "side_ratio",
                    "Energy of (L-R)/2 over energy of (L+R)/2; 0 for mono, NaN for silence.",
                    Source.SIGNAL,
                ),
                Feature("dc_offset", "Mean sample value over all channels.", Source.SIGNAL, unit="full scale"),
            ],
        )
    ]
