"""Load demucs models without letting a weights file run code.

demucs' own loaders trust their files: ``.th`` packages are unpickled with
``torch.load(weights_only=False)`` and the HuggingFace ``.safetensors`` files name, in their
metadata, any importable callable that is then called with arguments from the same file. Here
every file is read as data only (``torch.load(weights_only=True)``, safetensors), the model class
must be one of demucs' three architectures, and the model is then built by demucs' own
``states.load_model`` from that checked package. The lookup follows ``demucs.pretrained.get_model``:
a folder (``--vocals-repo``) holding ``NAME.yaml`` (a bag of models) or ``NAME.th``; without a
folder, the HuggingFace cache, then demucs' legacy files in the torch hub cache (each downloaded
when there is network).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from featurize.errors import MissingWeightsError, UnsafeWeightsError

MODEL_CLASSES = ("demucs.demucs.Demucs", "demucs.hdemucs.HDemucs", "demucs.htdemucs.HTDemucs")
"""The architectures a demucs package may name; anything else is refused before it is imported."""


def _classes() -> dict[str, type]:
    from demucs.demucs import Demucs
    from demucs.hdemucs import HDemucs
    from demucs.htdemucs import HTDemucs

    return {f"{c.__module__}.{c.__qualname__}": c for c in (Demucs, HDemucs, HTDemucs)}


def _model_class(name: object, path: Path) -> type:
    classes = _classes()
    if name not in classes:
        raise UnsafeWeightsError(f"{path}: names {name!r} as its model class; only {', '.join(MODEL_CLASSES)} load")
    return classes[str(name)]


def read_package(path: Path) -> dict[str, Any]:
    """A ``.th`` package as data: ``torch.load(weights_only=True)`` with demucs' classes allowed, checked."""
    import fractions

    import torch

    allowed = [*_classes().values(), fractions.Fraction]
    try:
        with torch.serialization.safe_globals(allowed):
            package = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError or others for foreign files
        raise UnsafeWeightsError(
            f"{path}: not a demucs package of plain data ({str(error).splitlines()[0]})"
        ) from error
    if not isinstance(package, dict) or not {"klass", "args", "kwargs", "state"} <= set(package):
        raise UnsafeWeightsError(f"{path}: not a demucs package (klass, args, kwargs and state expected)")
    klass = package["klass"]
    _model_class(f"{getattr(klass, '__module__', '')}.{getattr(klass, '__qualname__', klass)}", path)
    return package


def read_safetensors(path: Path) -> dict[str, Any]:
    """A HuggingFace demucs ``.safetensors`` file as a package, its class checked before any import."""
    from demucs.hf import _decode_json
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as file:
        metadata = file.metadata() or {}
        tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118 (safe_open has no iterator)
    if "structure" in metadata:
        raise UnsafeWeightsError(f"{path}: a quantised demucs model (needs diffq), which featurize does not load")
    try:
        args, kwargs = (_decode_json(json.loads(metadata[key])) for key in ("args", "kwargs"))
        klass = _model_class(metadata["klass"], path)
    except (KeyError, json.JSONDecodeError) as error:
        raise UnsafeWeightsError(f"{path}: not a demucs model (metadata klass, args and kwargs expected)") from error
    return {"klass": klass, "args": args, "kwargs": kwargs, "state": tensors}


def _build(package: dict[str, Any]) -> Any:
    from demucs.states import load_model

    return load_model(package)


def _checked(path: Path) -> Path:
    """demucs names files ``SIG-CHECKSUM.th``: the checksum (a SHA-256 prefix) must match."""
    if "-" in path.stem:
        expected = path.stem.rsplit("-", 1)[1]
        actual = hashlib.sha256(path.read_bytes()).hexdigest()[: len(expected)]
        if actual != expected:
            raise UnsafeWeightsError(f"{path}: checksum {actual} does not match the {expected} in its name")
    return path


def _bag(models: list[Any], bag: dict[str, Any], path: Path) -> Any:
    """demucs' ``BagOfModels``, after checking what it only asserts (so a tampered bag is one line naming it)."""
    from demucs.apply import BagOfModels

    weights, segment = bag.get("weights"), bag.get("segment")
    layout = {(tuple(model.sources), model.samplerate, model.audio_channels) for model in models}
    if len(layout) > 1:
        raise MissingWeightsError(f"{path}: its models differ in sources, sample rate or channels")
    width = len(models[0].sources)
    if weights is not None and not (
        isinstance(weights, list)
        and len(weights) == len(models)
        and all(isinstance(row, list) and len(row) == width for row in weights)
        and all(isinstance(value, int | float) for row in weights for value in row)
    ):
        raise MissingWeightsError(f"{path}: 'weights' must be {len(models)} lists of {width} numbers")
    if segment is not None and not isinstance(segment, int | float):
        raise MissingWeightsError(f"{path}: 'segment' must be a number of seconds")
    return BagOfModels(models, weights, segment)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        bag = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:  # python tags are a ConstructorError: never run
        reason = str(error).strip().splitlines()[0]
        raise MissingWeightsError(f"{path}: not plain YAML ({reason})") from error
    if not isinstance(bag, dict) or not isinstance(bag.get("models"), list) or not bag["models"]:
        raise MissingWeightsError(f"{path}: not a demucs bag of models (a 'models' list expected)")
    return bag


def _from_folder(name: str, folder: Path) -> Any:
    def single(signature: str) -> Any:
        files = [p for p in sorted(folder.glob("*.th")) if signature in (p.stem, p.stem.rsplit("-", 1)[0])]
        if not files:
            raise FileNotFoundError(f"no {signature}.th nor {signature}-CHECKSUM.th in {folder}")
        return _build(read_package(_checked(files[0])))

    bag_file = folder / f"{name}.yaml"
    if bag_file.is_file():
        bag = _read_yaml(bag_file)
        return _bag([single(str(signature)) for signature in bag["models"]], bag, bag_file)
    return single(name)


def _from_huggingface(name: str) -> Any:
    from demucs.hf import DEFAULT_NAMESPACE, hf_repo_name
    from huggingface_hub import hf_hub_download

    namespace, _, short = name.rpartition("/")
    repo_id = f"{namespace or DEFAULT_NAMESPACE}/{hf_repo_name(short)}"
    bag_file = Path(hf_hub_download(repo_id, f"{short}.yaml"))
    bag = _read_yaml(bag_file)
    files = [Path(hf_hub_download(repo_id, f"{signature}.safetensors")) for signature in bag["models"]]
    return _bag([_build(read_safetensors(path)) for path in files], bag, bag_file)


def _from_legacy_repo(name: str) -> Any:
    import torch
    from demucs.pretrained import REMOTE_ROOT, _parse_remote_files

    urls = _parse_remote_files(REMOTE_ROOT / "files.txt")

    def single(signature: str) -> Any:
        if signature not in urls:
            raise FileNotFoundError(f"demucs has no pretrained model {signature!r}")
        url = urls[signature]
        path = Path(torch.hub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[1]
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.hub.download_url_to_file(url, str(path), hash_prefix=path.stem.rsplit("-", 1)[1], progress=False)
        return _build(read_package(_checked(path)))

    bag_file = REMOTE_ROOT / f"{name}.yaml"
    if bag_file.is_file():
        bag = _read_yaml(bag_file)
        return _bag([single(str(signature)) for signature in bag["models"]], bag, bag_file)
    return single(name)


def get_model(name: str, folder: Path | None) -> Any:
    """demucs model ``name`` (a bag or a single signature), from ``folder`` or the caches, in eval mode."""
    if folder is not None:
        model = _from_folder(name, folder)
    else:
        try:
            model = _from_huggingface(name)
        except UnsafeWeightsError:
            raise
        except Exception:  # noqa: BLE001 (hub and network errors vary by version) demucs' legacy files next
            model = _from_legacy_repo(name)
    model.eval()
    return model
