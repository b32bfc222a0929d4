"""Trained models out of nnstudio and back in: the export formats (.keras, SavedModel, TFLite,
ONNX, a Python script), the metadata that travels with them (class names, input scaling), and
opening a .keras model safely.

>>> model, info = open_trained("faces.nnstudio")                   # doctest: +SKIP
>>> export_model(model, info, "onnx", "faces.onnx")                # doctest: +SKIP
>>> model, info = load_model("faces.keras")                        # doctest: +SKIP
>>> info.class_names, info.scaling                                 # doctest: +SKIP
(('Angry', 'Disgust', ...), 'pixels/255')

Nothing here imports TensorFlow until a model is built, loaded or exported.
"""

from nnstudio.core.exporting.describe import model_info
from nnstudio.core.exporting.formats import (
    FORMATS,
    ExportError,
    MissingPackageError,
    default_path,
    export_model,
    read_info,
)
from nnstudio.core.exporting.loading import (
    ModelFileError,
    UnsafeModelError,
    is_model_file,
    load_model,
    open_trained,
)
from nnstudio.core.exporting.metadata import MetadataError, ModelInfo, info_from_dict
from nnstudio.core.exporting.script import training_script
from nnstudio.core.exporting.weights import (
    UntrainedError,
    model_from_weights,
    project_model,
    weights_of,
)

__all__ = [
    "FORMATS",
    "ExportError",
    "MetadataError",
    "MissingPackageError",
    "ModelFileError",
    "ModelInfo",
    "UnsafeModelError",
    "UntrainedError",
    "default_path",
    "export_model",
    "info_from_dict",
    "is_model_file",
    "load_model",
    "model_from_weights",
    "model_info",
    "open_trained",
    "project_model",
    "read_info",
    "training_script",
    "weights_of",
]
