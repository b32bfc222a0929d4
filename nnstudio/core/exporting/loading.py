"""Opening a .keras model safely: ``load_model(path) -> (model, ModelInfo)``.

A .keras file is a zip of ``config.json`` (the layers), ``model.weights.h5`` and, when nnstudio
wrote it, ``nnstudio.json``. Keras can rebuild a model only from its configuration, unless the
model needs Python code: a Lambda layer (pickled bytecode, which would run on loading) or a
layer, loss or function defined outside Keras. Those are refused before Keras sees them, with a
message naming the layer, and Keras itself loads with ``safe_mode=True`` as well.

A .keras without nnstudio metadata opens too: its classes are taken to be "0" to "n-1", one per
output, and its input scaling is unknown (``ModelInfo.prepare`` then divides uint8 images by
255, as nnstudio trains them; numbers go in as they are).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from nnstudio.core import backend
from nnstudio.core.errors import NnstudioError
from nnstudio.core.exporting.metadata import (
    METADATA_FILE,
    MetadataError,
    ModelInfo,
    guessed_info,
    info_from_json,
)

CONFIG_FILE = "config.json"
MAX_CONFIG_BYTES = 64 * 1024 * 1024
#: Keras objects that carry Python code in their configuration.
CODE_CLASSES = {"Lambda", "__lambda__", "TFSMLayer"}


class ModelFileError(NnstudioError, ValueError):
    """The file cannot be opened as a Keras model; the message says why."""


class UnsafeModelError(ModelFileError):
    """The model needs Python code to be rebuilt, which nnstudio does not run."""


def _is_keras(module: Any) -> bool:
    return module == "keras" or (isinstance(module, str) and module.startswith("keras."))


def _describe(node: dict[str, Any], layer: str | None) -> str | None:
    """Why this object of a Keras config needs code, or None."""
    class_name, module = node.get("class_name"), node.get("module")
    registered = node.get("registered_name")
    where = f"layer {layer!r}" if layer else "the model"
    if class_name == "TFSMLayer":
        return f"{where} is a TFSMLayer, which runs a TensorFlow SavedModel from another file"
    if class_name in CODE_CLASSES:
        return f"{where} is a Lambda layer, which holds Python code"
    if class_name == "function" or module == "builtins":
        return f"{where} uses the Python function {node.get('config')!r}"
    if module is not None and not _is_keras(module):
        return f"{where} uses {class_name!r} from the Python module {module!r}"
    if module is None and registered is not None:
        return f"{where} uses the custom object {registered!r}, defined in Python code"
    return None


def code_needed(config: Any, layer: str | None = None) -> str | None:
    """The first reason why a Keras model configuration needs Python code to be rebuilt.

    The compile configuration (loss, metrics) is skipped: models are loaded uncompiled.
    """
    if isinstance(config, dict):
        if "class_name" in config:
            inner = config.get("config")
            if isinstance(inner, dict) and "trainable" in inner:  # a layer (or a model)
                layer = str(inner.get("name", layer))
            reason = _describe(config, layer)
            if reason:
                return reason
        children = [v for k, v in config.items() if k != "compile_config"]
    elif isinstance(config, list):
        children = config
    else:
        return None
    for child in children:
        reason = code_needed(child, layer)
        if reason:
            return reason
    return None


#: Other model files a learner may try to open, and what to do with them instead.
OTHER_FORMATS = {
    ".h5": "an HDF5 model of Keras 2 (or weights): load it in Keras and save it as .keras",
    ".hdf5": "an HDF5 model of Keras 2 (or weights): load it in Keras and save it as .keras",
    ".tflite": "a TensorFlow Lite model, which runs in a TFLite interpreter; open the .keras "
    "model or the project it was exported from",
    ".onnx": "an ONNX model, which runs in onnxruntime; open the .keras model or the project it "
    "was exported from",
}


def _read_archive(path: Path) -> tuple[bytes, bytes | None]:
    """config.json and nnstudio.json (if any) of a .keras file."""
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_dir():
        if (path / "saved_model.pb").exists():
            raise ModelFileError(
                "is a SavedModel folder; nnstudio opens .keras models (a SavedModel loads with "
                "tf.saved_model.load)"
            )
        raise ModelFileError("is a folder, not a model file: choose a .keras file")
    suffix = path.suffix.lower()
    if suffix in OTHER_FORMATS:
        raise ModelFileError(f"is {OTHER_FORMATS[suffix]}; nnstudio opens .keras models")
    if path.stat().st_size == 0:
        raise ModelFileError("is empty: it is not a .keras model (was it saved completely?)")
    if not zipfile.is_zipfile(path):
        raise ModelFileError("is not a .keras model: the file is damaged or not a zip archive")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if CONFIG_FILE not in names:
            if "project.json" in names:
                raise ModelFileError(
                    "is an nnstudio project, not a .keras model: open it with File > Open, or "
                    "export its model with nnstudio export"
                )
            raise ModelFileError(f"is not a .keras model: the archive has no {CONFIG_FILE}")
        if archive.getinfo(CONFIG_FILE).file_size > MAX_CONFIG_BYTES:
            raise ModelFileError(
                f"is not a model nnstudio can open: its {CONFIG_FILE} is too large"
            )
        config = archive.read(CONFIG_FILE)
        metadata = archive.read(METADATA_FILE) if METADATA_FILE in names else None
    return config, metadata


def _guess(model) -> ModelInfo:
    output = model.outputs[0] if getattr(model, "outputs", None) else None
    activation = getattr(model.layers[-1], "activation", None) if model.layers else None
    return guessed_info(
        model.name,
        tuple(model.inputs[0].shape[1:]),
        tuple(output.shape) if output is not None else (),
        getattr(activation, "__name__", ""),
    )


def load_model(path: str | os.PathLike) -> tuple[Any, ModelInfo]:
    """Open a .keras model and its metadata; ModelFileError (one line, to follow the file's
    name) if it cannot be opened, UnsafeModelError if it needs Python code (a Lambda layer,
    custom objects)."""
    path = Path(path)
    try:
        config, metadata = _read_archive(path)
    except FileNotFoundError:
        raise ModelFileError("does not exist: check the path") from None
    except PermissionError:
        raise ModelFileError("cannot be read: permission denied") from None
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError) as e:
        raise ModelFileError(f"is damaged: {e}") from None
    try:
        reason = code_needed(json.loads(config))
    except (ValueError, RecursionError) as e:
        raise ModelFileError(f"is damaged: its {CONFIG_FILE} is not valid JSON ({e})") from None
    if reason:
        raise UnsafeModelError(_unsafe_message(reason))
    try:
        info = info_from_json(metadata) if metadata is not None else None
    except MetadataError as e:
        raise ModelFileError(f"is damaged: {e}") from None
    keras = backend.keras()
    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as e:  # Keras raises anything from ValueError to KeyError and OSError
        text = (str(e).strip().splitlines() or [type(e).__name__])[0]
        if "safe_mode" in str(e):
            raise UnsafeModelError(_unsafe_message("the model holds Python code")) from None
        raise ModelFileError(
            f"cannot be rebuilt by Keras {keras.__version__}: {text[:300]}"
        ) from None
    return model, info if info is not None else _guess(model)


def _unsafe_message(reason: str) -> str:
    return (
        f"cannot be opened safely: {reason}, and rebuilding it would run that code. nnstudio "
        "opens models made of Keras' own layers only; if you trust the file, load it in Python "
        "with the code that defined it and keras.saving.load_model(path, safe_mode=False)"
    )


def is_model_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is meant as a model rather than a project: a .keras file (under any
    name), a folder (a SavedModel), or another model format."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() in (".keras", *OTHER_FORMATS):
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            return CONFIG_FILE in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def open_trained(path: str | os.PathLike) -> tuple[Any, ModelInfo]:
    """A trained model and its metadata from a .keras file or a project with trained weights.

    Raises ModelFileError or ProjectFormatError if the file cannot be read, UntrainedError if
    the project has no weights for its model.
    """
    if is_model_file(path):
        return load_model(path)
    from nnstudio.core.exporting.weights import project_model
    from nnstudio.core.project import open_file

    return project_model(open_file(path))
