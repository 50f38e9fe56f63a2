"""Tiny checkpoints in demucs' and whisper's own formats, for tests and benchmarks.

Real weights cannot be downloaded everywhere (CI, air-gapped clusters). These small models
are saved exactly as the libraries save theirs and load through the same loaders the
extractors use (``demucs.pretrained.get_model(name, repo=...)``, ``whisper.load_model(path)``),
so the whole audio -> vocals -> transcript -> features path runs offline in seconds.
Every parameter is set from a seeded generator, so the models are the same on every run.

The whisper model is scripted: its positional embeddings steer greedy decoding to one
timestamped segment saying ``phrase`` and to ``language`` when asked to detect it, whatever
the audio. A transcript test can therefore assert the exact text.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

SOURCES = ("drums", "bass", "other", "vocals")


def _initialise(model: Any, seed: int, scale: float) -> Any:
    """Set every parameter: weights of norms to 1, other vectors to 0, matrices and kernels N(0, scale²)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.dim() > 1:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * scale)
            else:
                parameter.fill_(1.0 if name.endswith("weight") else 0.0)
    return model


def _save_demucs(model: Any, path: Path) -> Path:
    """Write demucs' single-model package ``{klass, args, kwargs, state}``."""
    import torch

    args, kwargs = model._init_args_kwargs
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"klass": type(model), "args": args, "kwargs": kwargs, "state": model.state_dict()}, path)
    return path


def save_tiny_demucs(repo: Path, name: str = "tiny_demucs", seed: int = 0) -> Path:
    """Save a 26k-parameter waveform ``Demucs`` as ``<repo>/<name>.th``, demucs' single-model format."""
    from demucs.demucs import Demucs

    model = Demucs(sources=list(SOURCES), channels=8, depth=3, segment=4)
    return _save_demucs(_initialise(model, seed, 0.1), repo / f"{name}.th")


def save_tiny_htdemucs_bag(repo: Path, name: str = "tiny_htdemucs", seed: int = 0) -> Path:
    """Save a small hybrid-transformer ``HTDemucs`` as a bag of one model, the layout of ``htdemucs`` itself.

    Writes ``<repo>/<name>_0.th`` and ``<repo>/<name>.yaml`` listing it.
    """
    from demucs.htdemucs import HTDemucs

    model = HTDemucs(sources=list(SOURCES), channels=4, depth=4, t_layers=1, t_heads=2, dconv_comp=4, segment=4)
    _save_demucs(_initialise(model, seed, 0.1), repo / f"{name}_0.th")
    bag = repo / f"{name}.yaml"
    bag.write_text(f"models: ['{name}_0']\n", encoding="utf-8")
    return bag


def save_tiny_whisper(
    path: Path, phrase: str = " sing a song of sixpence", language: str = "en", seconds: float = 2.0, seed: int = 0
) -> Path:
    """Save a 3.5M-parameter multilingual ``Whisper`` that always says ``phrase`` in ``language``.

    The file is whisper's checkpoint format, ``{"dims": ..., "model_state_dict": ...}``.
    """
    import torch
    from whisper.model import ModelDimensions, Whisper
    from whisper.tokenizer import get_tokenizer

    dims = ModelDimensions(
        n_mels=80,
        n_audio_ctx=1500,
        n_audio_state=64,
        n_audio_head=2,
        n_audio_layer=1,
        n_vocab=51865,
        n_text_ctx=64,
        n_text_state=64,
        n_text_head=2,
        n_text_layer=1,
    )
    model = _initialise(Whisper(dims), seed, 0.02)
    tokenizer = get_tokenizer(True, num_languages=model.num_languages, language=language, task="transcribe")
    prompt = list(tokenizer.sot_sequence)
    closing = tokenizer.timestamp_begin + round(seconds / 0.02)
    script = [*prompt, tokenizer.timestamp_begin, *tokenizer.encode(phrase), closing, tokenizer.eot]
    if len(script) > dims.n_text_ctx:
        raise ValueError(f"the phrase is too long for the tiny model: {len(script)} > {dims.n_text_ctx} tokens")
    generator = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        embedding = model.decoder.token_embedding.weight
        embedding.copy_(torch.randn(embedding.shape, generator=generator))
        steer = model.decoder.positional_embedding
        steer[0] += 8.0 * embedding[prompt[1]]  # language detection reads the logits after <|startoftranscript|>
        for position in range(len(prompt) - 1, len(script) - 1):
            steer[position] += 8.0 * embedding[script[position + 1]]
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"dims": asdict(dims), "model_state_dict": model.state_dict()}, path)
    return path
