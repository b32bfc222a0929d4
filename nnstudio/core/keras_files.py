"""Reading Keras models without TensorFlow: ``.keras`` archives, ``model.to_json()`` text and
``.h5`` files, into nnstudio architectures with Keras' own names.

A Keras model file describes its layers as JSON (``config.json`` inside a ``.keras`` zip, the
``model_config`` attribute of an HDF5 file): each layer's class, its constructor arguments and
what it is called on. That is read here as data; nothing in the file is executed or imported.
Arguments nnstudio edits become the layer's parameters; those it does not (an initializer's
own config, ``trainable: false``, a Dropout's ``noise_shape``) are kept as they are
(``LayerConfig.keras``) and passed on to Keras; Keras' defaults are dropped. What nnstudio
cannot represent is refused by name: a Lambda or a custom layer (their code is not in the
file), a layer used twice (shared weights), ``channels_first`` data, a subclassed model.

Keras 3 and Keras 2 (tf.keras) configs are both read. A ``.keras`` archive's weights
(``model.weights.h5``) come along: a model built from the architecture, with the same names,
loads them.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnstudio.core.architecture import (
    Architecture,
    LayerConfig,
    ModelInput,
    code_in,
    to_snake_case,
)
from nnstudio.core.catalogue import CATALOGUE, INITIALIZERS, LayerType
from nnstudio.core.errors import ArchitectureFormatError
from nnstudio.core.params import ChoiceParam, IntParam, show

#: The suffixes of Keras model files.
SUFFIXES = (".keras", ".h5", ".hdf5")
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
#: The model config in a ``.keras`` archive.
CONFIG_JSON = "config.json"
#: What nnstudio adds to the archives it exports (exporting.metadata's METADATA_FILE).
NNSTUDIO_JSON = "nnstudio.json"
#: The largest config read (ResNet152's is about 1 MB).
MAX_CONFIG_BYTES = 64 * 1024 * 1024
MAX_WEIGHTS_BYTES = 4 * 1024**3
MODEL_CLASSES = ("Functional", "Model", "Sequential")


class KerasFileError(ArchitectureFormatError):
    """A Keras model file nnstudio cannot read or represent."""


@dataclass(frozen=True)
class KerasModel:
    """What a Keras model file holds: the architecture and, from a ``.keras`` archive, the
    trained weights in Keras' ``.weights.h5`` format."""

    architecture: Architecture
    weights: bytes | None = None
    keras_version: str = ""
    #: ``nnstudio.json`` of a model nnstudio exported (its classes, dataset and settings).
    nnstudio_metadata: bytes | None = None


# Files -------------------------------------------------------------------------------------


def is_keras_json(doc: Any) -> bool:
    """Whether a JSON document is a Keras model config (``model.to_json()``)."""
    return isinstance(doc, Mapping) and "class_name" in doc and "config" in doc


def read_keras_file(path: str | os.PathLike) -> KerasModel:
    """Read a ``.keras`` archive, an ``.h5`` file or a ``to_json()`` file; KerasFileError
    (one line, saying what and how to fix it) when it cannot be read or represented."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise KerasFileError(e.strerror or str(e)) from None
    if head.startswith(b"PK\x03\x04"):
        return _read_archive(path)
    if head == HDF5_MAGIC:
        return _read_hdf5(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KerasFileError(
            "not a Keras model file: a .keras archive, an .h5 file or the JSON text of "
            "model.to_json() was expected"
        ) from None
    return KerasModel(architecture_from_keras(doc), None, str(doc.get("keras_version", "")))


def _read_archive(path: Path) -> KerasModel:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if CONFIG_JSON not in names:
                raise KerasFileError(
                    "not a Keras model archive: it has no config.json (a model saved with "
                    "model.save('model.keras') has one)"
                )
            config = _member(archive, CONFIG_JSON, MAX_CONFIG_BYTES)
            metadata = {}
            if "metadata.json" in names:
                metadata = json.loads(_member(archive, "metadata.json", MAX_CONFIG_BYTES))
            weights = None
            if "model.weights.h5" in names:
                weights = _member(archive, "model.weights.h5", MAX_WEIGHTS_BYTES)
            ours = None
            if NNSTUDIO_JSON in names:
                ours = _member(archive, NNSTUDIO_JSON, MAX_CONFIG_BYTES)
    except (zipfile.BadZipFile, OSError) as e:
        raise KerasFileError(f"the archive cannot be read: {e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KerasFileError("the archive's metadata.json is not JSON") from None
    try:
        doc = json.loads(config)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise KerasFileError("the archive's config.json is not JSON") from None
    version = str(metadata.get("keras_version", "")) if isinstance(metadata, dict) else ""
    return KerasModel(architecture_from_keras(doc), weights, version, ours)


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    if archive.getinfo(name).file_size > limit:
        raise KerasFileError(f"the archive's {name} is larger than {limit:,} bytes")
    return archive.read(name)


def _read_hdf5(path: Path) -> KerasModel:
    try:
        import h5py  # comes with Keras; reading an attribute needs no TensorFlow
    except ImportError:  # pragma: no cover - h5py is a dependency of Keras
        raise KerasFileError("reading .h5 files needs h5py: pip install h5py") from None
    try:
        with h5py.File(path, "r") as f:
            config = f.attrs.get("model_config")
            version = f.attrs.get("keras_version", "")
    except OSError as e:
        raise KerasFileError(f"the HDF5 file cannot be read: {e}") from None
    if config is None:
        raise KerasFileError(
            "this .h5 file holds weights only, no model config (model.save_weights wrote "
            "it): open the model's architecture, then its weights"
        )
    if isinstance(config, bytes):
        config = config.decode("utf-8")
    if isinstance(version, bytes):
        version = version.decode("utf-8")
    try:
        doc = json.loads(config)
    except json.JSONDecodeError:
        raise KerasFileError("the file's model_config is not JSON") from None
    # The weights of an .h5 file are in Keras 2's layout, not the .weights.h5 one.
    return KerasModel(architecture_from_keras(doc), None, str(version))


# Configs -----------------------------------------------------------------------------------


def architecture_from_keras(doc: Any, called_shape: tuple | None = None) -> Architecture:
    """The architecture of a Keras model config (the JSON of ``model.to_json()``).

    ``called_shape``: for a model inside a model, the shape of what it is called on, the
    input shape of a Sequential block that has none of its own."""
    if not is_keras_json(doc):
        raise KerasFileError(
            'not a Keras model config: it needs "class_name" and "config", as '
            "model.to_json() writes"
        )
    class_name = doc["class_name"]
    config = doc["config"]
    if class_name not in MODEL_CLASSES:
        raise KerasFileError(
            f"the model is a {class_name}, a subclassed model: its layers and call() are "
            "Python code, not in the file. Save a Sequential or functional model instead"
        )
    if not isinstance(config, Mapping) or not isinstance(config.get("layers"), list):
        raise KerasFileError("the model config has no list of layers")
    name = str(config.get("name") or "Keras model")
    if class_name == "Sequential":
        return _sequential(name, config, called_shape)
    return _functional(name, config)


def _sequential(
    name: str, config: Mapping[str, Any], called_shape: tuple | None = None
) -> Architecture:
    raw_layers = list(config["layers"])
    shape = None
    if raw_layers and raw_layers[0].get("class_name") == "InputLayer":
        shape = _input_shape(raw_layers.pop(0))
    elif raw_layers:  # Keras 2: the first layer carries the input shape
        first = raw_layers[0].get("config", {})
        shape = first.get("batch_input_shape") or first.get("batch_shape")
        shape = None if shape is None else tuple(shape[1:])
    if shape is None and config.get("build_input_shape"):
        shape = tuple(config["build_input_shape"][1:])
    if shape is None:
        shape = called_shape
    if shape is None:
        raise KerasFileError(
            "the Sequential model has no input shape (it was never built): give it a "
            "keras.Input(shape=...) before saving"
        )
    layers = tuple(_layer(raw) for raw in raw_layers)
    return Architecture(name, shape, layers)


def _functional(name: str, config: Mapping[str, Any]) -> Architecture:
    inputs: list[ModelInput] = []
    layers: list[LayerConfig] = []
    for raw in config["layers"]:
        if not isinstance(raw, Mapping):
            raise KerasFileError(f"a layer of the model is not an object: {show(raw)}")
        if raw.get("class_name") == "InputLayer":
            inputs.append(ModelInput(_layer_name(raw), _input_shape(raw)))
        elif str(raw.get("module", "")).startswith("keras.src.ops"):
            layers.append(_operation(raw))
        else:
            layers.append(_layer(raw, _inbound(raw)))
    by_name = {i.name: i for i in inputs}
    order = [_tensor_name(t) for t in _tensor_list(config.get("input_layers"))]
    missing = [n for n in order if n not in by_name]
    if missing or not order:
        raise KerasFileError(f"the model's inputs name no input layer: {show(missing or order)}")
    first, *more = (by_name[n] for n in order)
    outputs = tuple(_tensor_name(t) for t in _tensor_list(config.get("output_layers")))
    if not outputs:
        raise KerasFileError("the model config names no outputs")
    return Architecture(name, first.shape, tuple(layers), "", first.name, tuple(more), outputs)


def _layer_name(raw: Mapping[str, Any]) -> str:
    name = raw.get("name") or raw.get("config", {}).get("name")
    if not isinstance(name, str) or not name:
        raise KerasFileError(f"a {raw.get('class_name', 'layer')} of the model has no name")
    return name


def _input_shape(raw: Mapping[str, Any]) -> tuple:
    config = raw.get("config", {})
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    if shape is None and "shape" in config:
        return tuple(config["shape"])
    if not isinstance(shape, list) or not shape:
        raise KerasFileError(f"the input {_layer_name(raw)} has no shape")
    return tuple(shape[1:])


def _tensor_list(raw: Any) -> list:
    """input_layers / output_layers: one [name, node, tensor] triple, or a list of them (or,
    in newer Keras, a dict of them by name)."""
    if isinstance(raw, Mapping):
        return list(raw.values())
    if isinstance(raw, list) and raw and isinstance(raw[0], str):
        return [raw]
    return list(raw or [])


def _tensor_name(triple: Any) -> str:
    if not isinstance(triple, list) or not triple or not isinstance(triple[0], str):
        raise KerasFileError(f"a model input or output is not [name, node, index]: {show(triple)}")
    return triple[0]


def _inbound(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the layers a layer is called on: Keras 3 writes a node as {"args": [...],
    "kwargs": {...}} of tensors with a "keras_history"; Keras 2 as [[name, node, index, {}]]."""
    name = _layer_name(raw)
    nodes = raw.get("inbound_nodes") or []
    if len(nodes) > 1:
        raise KerasFileError(
            f"layer {name!r} is called {len(nodes)} times (shared weights): nnstudio gives each "
            "layer one place in the graph. Use a layer per call"
        )
    if not nodes:
        return ()
    node = nodes[0]
    histories = []
    if isinstance(node, Mapping):  # Keras 3
        _histories(node.get("args", []), histories)
    else:  # Keras 2
        histories = [entry[:3] for entry in node]
    sources = []
    for history in histories:
        source, node_index, tensor_index = history
        if node_index != 0 or tensor_index != 0:
            what = "a second call of" if node_index else f"output {tensor_index} of"
            raise KerasFileError(
                f"layer {name!r} takes {what} {source!r}: nnstudio's layers are called once "
                "and have one output"
            )
        sources.append(source)
    return tuple(sources)


def _histories(value: Any, out: list) -> None:
    if isinstance(value, Mapping):
        if value.get("class_name") == "__keras_tensor__":
            out.append(value["config"]["keras_history"])
        return
    if isinstance(value, list):
        for item in value:
            _histories(item, out)


# Operations --------------------------------------------------------------------------------

#: keras.ops called on tensors in a functional model (``x + 3.0``, ``x * y``) that are merge
#: layers when they take two tensors...
OPERATION_MERGES = {"Add": "Add", "Subtract": "Subtract", "Multiply": "Multiply",
                    "Maximum": "Maximum", "Minimum": "Minimum"}  # fmt: skip


def _operation(raw: Mapping[str, Any]) -> LayerConfig:
    """A Keras operation node (``x + 3.0`` in MobileNetV3's hard sigmoid): two tensors make
    the merge layer of the same name; a tensor and a number make a Rescaling (``x * a + b``),
    which computes the same and has no weights either."""
    name, class_name = _layer_name(raw), raw.get("class_name")
    nodes = raw.get("inbound_nodes") or [{}]
    args = nodes[0].get("args", []) if isinstance(nodes[0], Mapping) else []
    tensors = [a for a in args if isinstance(a, Mapping)]
    numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    sources = _inbound(raw)
    if len(nodes) == 1 and len(tensors) == 2 and not numbers and class_name in OPERATION_MERGES:
        return LayerConfig.create(OPERATION_MERGES[class_name], name, sources)
    if len(nodes) == 1 and len(tensors) == 1 and len(numbers) == 1 and len(args) == 2:
        number, tensor_first = float(numbers[0]), isinstance(args[0], Mapping)
        affine = {
            "Add": (1.0, number),
            "Multiply": (number, 0.0),
            "Subtract": (1.0, -number) if tensor_first else (-1.0, number),
            "Divide": (1.0 / number, 0.0) if tensor_first and number else None,
            "TrueDivide": (1.0 / number, 0.0) if tensor_first and number else None,
        }.get(class_name)
        if affine is not None:
            scale, offset = affine
            return LayerConfig.create("Rescaling", name, sources, scale=scale, offset=offset)
    raise KerasFileError(
        f"{name!r} is the operation keras.ops.{to_snake_case(class_name or '?')} on "
        f"{len(tensors)} tensors and {len(args) - len(tensors)} other values, which nnstudio "
        "cannot represent: only +, -, * and / with one number, or of two tensors, are read"
    )


# Layers ------------------------------------------------------------------------------------

#: Keras arguments dropped when they have these values, Keras' defaults (a layer's own
#: parameters are compared with the catalogue's defaults instead).
DEFAULTS: Mapping[str, Any] = {
    "trainable": True,
    "dtype": "float32",
    "data_format": "channels_last",
    "autocast": True,
    "activity_regularizer": None,
    **{
        f"{w}_{kind}": None
        for w in (
            "kernel",
            "bias",
            "depthwise",
            "pointwise",
            "beta",
            "gamma",
            "alpha",
            "embeddings",
        )
        for kind in ("regularizer", "constraint")
    },
    "bias_initializer": "zeros",
    "beta_initializer": "zeros",
    "gamma_initializer": "ones",
    "moving_mean_initializer": "zeros",
    "moving_variance_initializer": "ones",
    "quantization_config": None,
    "lora_rank": None,
    "lora_alpha": None,
    "synchronized": False,
    "renorm": False,
    "renorm_clipping": None,
    "renorm_momentum": 0.99,
    "noise_shape": None,
    "rms_scaling": False,
    "sparse": False,
    "ragged": False,
    # Keras 2 only:
    "fused": None,
    "virtual_batch_size": None,
    "adjustment": None,
    "groups": 1,
    "seed": None,
}
#: Keras 2 names of arguments Keras 3 renamed.
RENAMED = {"LeakyReLU": {"alpha": "negative_slope"}}
#: Layers read as another catalogue layer (Keras 2's aliases).
ALIASES = {"Convolution2D": "Conv2D", "MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D"}


_SCALARS = frozenset({str, int, float, bool, list})
_NOT_ARGUMENTS = frozenset({"name", "batch_input_shape", "batch_shape", "input_dim", "input_shape"})


def _plain(value: Any) -> Any:
    """A Keras-serialized value in the simple form nnstudio compares and edits: a dtype policy
    as its name, an initializer without settings as its snake_case name."""
    if value is None or type(value) in _SCALARS or not isinstance(value, Mapping):
        return value
    if "class_name" not in value:
        return value
    class_name, config = value["class_name"], value.get("config") or {}
    if class_name in ("DTypePolicy", "Policy"):
        return config.get("name", value)
    if isinstance(config, Mapping) and all(v is None for v in config.values()):
        name = to_snake_case(class_name)
        if name in INITIALIZERS or name in ("zeros", "ones"):
            return name
    return value


def _layer(raw: Mapping[str, Any], inputs: tuple[str, ...] = ()) -> LayerConfig:
    class_name = raw.get("class_name")
    name = _layer_name(raw)
    if class_name == "Lambda":
        raise KerasFileError(
            f"layer {name!r} is a Lambda: its Python function is not something nnstudio runs "
            "from a file. Replace it with a built-in layer (or a custom layer class) in Keras"
        )
    if class_name in MODEL_CLASSES:
        return _nested_model(raw, name, inputs)
    type_ = ALIASES.get(class_name, class_name)
    spec = CATALOGUE.get(type_)
    registered = raw.get("registered_name")
    module = str(raw.get("module") or "keras")
    if spec is None or registered not in (None, class_name) or not module.startswith("keras"):
        also = f" (registered as {registered!r})" if registered not in (None, class_name) else ""
        raise KerasFileError(
            f"layer {name!r} is a {class_name}{also}, a layer nnstudio does not know: a custom "
            "layer's code is not in the file, so nnstudio cannot tell what it does. nnstudio "
            "reads Keras' built-in layers (see README, Layers)"
        )
    config = raw.get("config")
    if not isinstance(config, Mapping):
        raise KerasFileError(f"layer {name!r} has no config")
    return _layer_config(spec, name, config, inputs)


def _nested_model(raw: Mapping[str, Any], name: str, inputs: tuple[str, ...]) -> LayerConfig:
    """A model used as a layer (ConvNeXt's Sequential stem): a block whose architecture is
    read as a model's is, named as the layer is."""
    try:
        block = architecture_from_keras(raw, _called_shape(raw))
    except KerasFileError as e:
        raise KerasFileError(f"in the model {name!r} inside the model: {e}") from None
    config = raw.get("config") or {}
    kept = {"trainable": False} if config.get("trainable") is False else {}
    type_ = "Sequential" if raw.get("class_name") == "Sequential" else "Functional"
    return LayerConfig(type_, {}, name, inputs, kept, block.replace(name=name))


def _called_shape(raw: Mapping[str, Any]) -> tuple | None:
    """The shape of the tensor a layer is called on (without the batch axis), which a nested
    Sequential never built on its own input takes as its input shape."""
    nodes = raw.get("inbound_nodes") or []
    if not nodes or not isinstance(nodes[0], Mapping):
        return None
    args = nodes[0].get("args") or []
    first = args[0] if args else None
    if isinstance(first, Mapping) and first.get("class_name") == "__keras_tensor__":
        shape = first.get("config", {}).get("shape")
        if isinstance(shape, list) and shape:
            return tuple(shape[1:])
    return None


def _layer_config(
    spec: LayerType, name: str, config: Mapping[str, Any], inputs: tuple[str, ...] = ()
) -> LayerConfig:
    if code_in(config):  # checked at once; then the value at fault is named
        key, problem = next((k, p) for k, p in ((k, code_in(v)) for k, v in config.items()) if p)
        raise KerasFileError(f"layer {name!r}: {key} {problem}")
    renamed = RENAMED.get(spec.name, {})
    own: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for key, value in config.items():
        key = renamed.get(key, key)
        if key in _NOT_ARGUMENTS:
            continue
        plain = _plain(value)
        if key == "data_format" and plain != "channels_last":
            raise KerasFileError(
                f"layer {name!r} takes data_format={show(plain)}: nnstudio's images are "
                "channels_last (height, width, channels), as Keras' are by default"
            )
        param = spec.param_map.get(key)
        if param is None:
            if key in DEFAULTS and plain == DEFAULTS[key]:
                continue
            kept[key] = plain
            continue
        if isinstance(param, IntParam) and isinstance(plain, list) and len(plain) == 1:
            plain = plain[0]  # Keras 2 writes BatchNormalization's axis as [3]
        named = isinstance(plain, str) and plain in getattr(param, "choices", ())
        if isinstance(param, ChoiceParam) and isinstance(value, Mapping) and not named:
            kept[key] = value  # an initializer with its own settings, kept as Keras has it
            continue
        own[key] = plain
    try:
        return LayerConfig.create(spec.name, name, inputs, **own, keras=kept)
    except ArchitectureFormatError as e:
        raise KerasFileError(f"layer {name!r}: {e}") from None
