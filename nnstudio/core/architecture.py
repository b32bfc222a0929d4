"""Architectures: a network's inputs, its layers and how they connect, and their JSON format.

The file format is human-readable JSON. A stack of layers, each taking the one before it, is
written as it always was::

    {"format": "nnstudio-architecture", "version": 2, "name": "MNIST CNN",
     "input_shape": [28, 28, 1],
     "layers": [{"type": "Conv2D", "filters": 32, "kernel_size": [3, 3], "activation": "relu"},
                ...]}

A graph (a skip connection, branches, several inputs or outputs) names what each layer takes::

    {"format": "nnstudio-architecture", "version": 2, "name": "Residual block",
     "inputs": [{"name": "image", "shape": [28, 28, 1]}],
     "layers": [{"type": "Conv2D", "name": "a", "filters": 8, "kernel_size": 3,
                 "padding": "same", "inputs": ["image"]},
                {"type": "Conv2D", "name": "b", "filters": 8, "kernel_size": 3,
                 "padding": "same", "inputs": ["a"]},
                {"type": "Add", "name": "sum", "inputs": ["a", "b"]}, ...],
     "outputs": ["dense"]}

``type`` is the Keras class name, the other keys are Keras constructor arguments (an omitted one
means the Keras default) plus an optional ``name`` and ``inputs`` (the names of the layers or
model inputs it takes; without it, the layer before it, or the first input). ``outputs`` names
the layers whose outputs the model gives (the last layer without it). Unknown keys are errors,
never dropped. Older versions are migrated step by step (``MIGRATIONS``: version 1 had stacks
only, which read as they are); later ones are refused.

Architectures are immutable values: edits return a new architecture (see ``edits.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import Any

from nnstudio.core import versions
from nnstudio.core.catalogue import CATALOGUE, LayerType
from nnstudio.core.errors import ArchitectureFormatError
from nnstudio.core.params import show

FORMAT = "nnstudio-architecture"
#: The version this nnstudio writes, and the latest it reads.
VERSION = 2


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 knew stacks only: each layer took the one before it, as it does without
    ``inputs`` in version 2."""
    return dict(doc, version=2)


#: ``MIGRATIONS[n]`` turns a version-n document into a version-(n+1) one.
MIGRATIONS: dict[int, Any] = {1: _v1_to_v2}

_TOP_KEYS = {"format", "version", "name", "description", "input_shape", "inputs", "layers",
             "outputs"}  # fmt: skip
_REQUIRED_TOP_KEYS = ("format", "version", "layers")
#: Keras' name for a model's first input, when it has none of its own.
DEFAULT_INPUT_NAME = "input_layer"

Shape = tuple[int | None, ...]


def _freeze(params: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(params))


@dataclass(frozen=True)
class LayerConfig:
    """One layer: its Keras type, every parameter value, an optional name, and what it takes:
    the names of the layers or model inputs it is connected to (none: the layer before it)."""

    type: str
    params: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None
    inputs: tuple[str, ...] = ()
    #: Keras arguments nnstudio does not edit, kept as a Keras file gave them (JSON values:
    #: an initializer's config, ``trainable: false``, a Dropout's ``noise_shape``...) and
    #: passed on to Keras as they are.
    keras: Mapping[str, Any] = field(default_factory=dict)
    #: A model used as a layer (type "Sequential" or "Functional"): its own architecture,
    #: whose input is what the block takes and whose output is what it gives.
    block: Architecture | None = None

    def __post_init__(self):
        object.__setattr__(self, "params", _freeze(self.params))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "keras", _freeze(self.keras))

    @property
    def trainable(self) -> bool:
        """False for a layer frozen in its Keras file: all its weights count as non-trainable."""
        return self.keras.get("trainable", True) is not False

    @classmethod
    def create(
        cls, type: str, name: str | None = None, inputs: Iterable[str] = (), **params: Any
    ) -> LayerConfig:
        """A layer with the given parameters; the others take their Keras defaults.

        >>> LayerConfig.create("Dense", units=10, activation="softmax").params["use_bias"]
        True
        """
        raw = {"type": type, **params, **({"name": name} if name else {})}
        if inputs:
            raw["inputs"] = list(inputs)
        return parse_layer(raw)

    @classmethod
    def new(cls, type: str) -> LayerConfig:
        """A layer as the palette adds it: sensible starting values for required parameters."""
        spec = CATALOGUE[type]
        return cls(type, {p.name: p.start_value for p in spec.params})

    @property
    def spec(self) -> LayerType:
        return CATALOGUE[self.type]

    def with_param(self, name: str, value: Any) -> LayerConfig:
        """This layer with one parameter changed (the value is parsed like a JSON value)."""
        param = self.spec.param(name)
        try:
            parsed = param.parse(value)
        except ValueError as e:
            raise ArchitectureFormatError(f"{self.type} {name} {e}") from None
        # A value set here replaces one the Keras file gave in its own form.
        kept = {k: v for k, v in self.keras.items() if k != name}
        return replace(self, params={**self.params, name: parsed}, keras=kept)

    def with_name(self, name: str | None) -> LayerConfig:
        return replace(self, name=name or None)

    def with_inputs(self, inputs: Iterable[str]) -> LayerConfig:
        return replace(self, inputs=tuple(inputs))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this layer, without parameters left at their Keras default."""
        out: dict[str, Any] = {"type": self.type}
        if self.name:
            out["name"] = self.name
        for p in self.spec.params:
            value = self.params[p.name]
            if p.required or value != p.default:
                out[p.name] = p.to_json(value)
        if self.inputs:
            out["inputs"] = list(self.inputs)
        if self.keras:
            out["keras"] = dict(self.keras)
        if self.block is not None:
            out["model"] = self.block.block_dict()
        return out

    def with_block(self, block: Architecture) -> LayerConfig:
        return replace(self, block=block)

    def describe(self) -> str:
        """A one-line description with the key parameters, such as "Conv2D 32 3x3 relu"."""
        if self.block is not None:
            count = len(self.block.layers)
            return f"{self.type} block of {count} layer{'s' if count != 1 else ''}"
        spec = self.spec
        parts = [self.type]
        for name in spec.key_params:
            value = self.params[name]
            if value is None or (name == "activation" and value == "linear"):
                continue  # "ReLU", not "ReLU none"
            parts.append(spec.param(name).format(value))
        return " ".join(parts)


@dataclass(frozen=True)
class ModelInput:
    """One of a model's inputs: its name and the shape of one sample (no batch axis)."""

    name: str
    shape: Shape

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(self.shape))


@dataclass(frozen=True)
class Architecture:
    """A Keras model as data: a name, its inputs (the first one's shape as ``input_shape``),
    its layers and how they connect, and its outputs. Without connections it is a stack, a
    Keras Sequential model; with them, a graph, a functional model."""

    name: str
    input_shape: Shape
    layers: tuple[LayerConfig, ...] = ()
    description: str = ""
    #: The first input's name ("": Keras' own, "input_layer").
    input_name: str = ""
    #: Inputs after the first, for a model that takes several.
    more_inputs: tuple[ModelInput, ...] = ()
    #: The names of the layers whose outputs the model gives, in order (none: the last one).
    outputs: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "input_shape", tuple(self.input_shape))
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(self, "more_inputs", tuple(self.more_inputs))
        object.__setattr__(self, "outputs", tuple(self.outputs))

    @property
    def inputs(self) -> tuple[ModelInput, ...]:
        first = ModelInput(self.input_name or DEFAULT_INPUT_NAME, self.input_shape)
        return (first, *self.more_inputs)

    @property
    def is_stack(self) -> bool:
        """Each layer takes the one before it, from one input to the last layer: a Keras
        Sequential model (as every architecture of version 1 was)."""
        return (
            not self.more_inputs
            and not self.outputs
            and not self.input_name
            and all(not layer.inputs for layer in self.layers)
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": self.name}
        if self.description:
            out["description"] = self.description
        if self.is_stack:
            out["input_shape"] = list(self.input_shape)
            out["layers"] = [layer.to_dict() for layer in self.layers]
            return out
        out["inputs"] = [{"name": i.name, "shape": list(i.shape)} for i in self.inputs]
        # In a graph every layer is written with its name, which the others refer to: an
        # automatic name would change when a layer of the same type is added before it.
        out["layers"] = [
            {**layer.to_dict(), "name": name}
            for layer, name in zip(self.layers, self.layer_names(), strict=True)
        ]
        if self.outputs:
            out["outputs"] = list(self.outputs)
        return out

    def block_dict(self) -> dict[str, Any]:
        """The JSON object of this architecture as a block inside another: without the
        format and version, which the enclosing document gives."""
        out = self.to_dict()
        del out["format"], out["version"]
        return out

    def layer_names(self) -> tuple[str, ...]:
        """The Keras name of every layer: its own, or the one Keras would give it."""
        return tuple(
            auto_names([layer.name for layer in self.layers], [layer.type for layer in self.layers])
        )

    def replace(self, **changes: Any) -> Architecture:
        return replace(self, **changes)

    def fingerprint(self) -> str:
        """Identifies what trained weights depend on: inputs, layer names, types, parameters
        and connections (not the model's name or description). Weights saved for another
        fingerprint do not fit this model."""
        doc: dict[str, Any] = {
            "input_shape": list(self.input_shape),
            "layers": [
                {**layer.to_dict(), "name": name}
                for layer, name in zip(self.layers, self.layer_names(), strict=True)
            ],
        }
        if not self.is_stack:  # stacks keep the fingerprints their saved weights were given
            doc["inputs"] = [[i.name, list(i.shape)] for i in self.inputs]
            doc["outputs"] = list(self.outputs)
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# Keras-style names ------------------------------------------------------------------------


@cache
def to_snake_case(name: str) -> str:
    """Keras' own conversion of a class name into a layer name prefix ("Conv2D" -> "conv2d")."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_names(names: Iterable[str | None], types: Iterable[str]) -> list[str]:
    """Fill in missing names as a fresh Keras session would ("dense", "dense_1", ...).

    Names the user gave are kept and never handed out again.
    """
    names = list(names)
    taken = {n for n in names if n}
    counters: dict[str, int] = {}
    out = []
    for name, type_ in zip(names, types, strict=True):
        if not name:
            prefix = to_snake_case(type_)
            while True:
                n = counters.get(prefix, 0)
                counters[prefix] = n + 1
                name = prefix if n == 0 else f"{prefix}_{n}"
                if name not in taken:
                    break
            taken.add(name)
        out.append(name)
    return out


# Reading ----------------------------------------------------------------------------------


def _fail(message: str) -> ArchitectureFormatError:
    return ArchitectureFormatError(message)


def parse_layer(raw: Any, where: str = "layer") -> LayerConfig:
    """Read one layer object; ArchitectureFormatError when it cannot be understood."""
    if not isinstance(raw, Mapping):
        raise _fail(
            f'{where} must be an object such as {{"type": "Dense", "units": 10}}; '
            f"received {show(raw)}"
        )
    type_ = raw.get("type")
    if not isinstance(type_, str):
        raise _fail(
            f'{where} needs a "type", the Keras layer class name such as "Dense"; '
            f"received {show(type_) if 'type' in raw else 'none'}"
        )
    spec = CATALOGUE.get(type_)
    if spec is None:
        raise _fail(f"{where}: unknown layer type {show(type_)}; {_suggest_type(type_)}")
    where = f"{where} ({type_})"
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise _fail(f"{where}: name must be a string; received {show(name)}")
    known = spec.param_map
    own_keys = ("type", "name", "inputs", "keras", *(("model",) if spec.nested else ()))
    unknown = [k for k in raw if k not in known and k not in own_keys]
    if unknown:
        allowed = ", ".join(known) or "none besides name"
        raise _fail(f"{where}: unknown parameter {show(unknown[0])}; {type_} takes: {allowed}")
    params = {}
    for p in spec.params:
        if p.name not in raw:
            if p.required:
                raise _fail(
                    f"{where}: {p.name} is required (Keras has no default for it); "
                    f'for example "{p.name}": {show(p.to_json(p.initial))}'
                )
            params[p.name] = p.default
            continue
        try:
            params[p.name] = p.parse(raw[p.name])
        except ValueError as e:
            raise _fail(f"{where}: {p.name} {e}") from None
    kept = _kept_arguments(raw.get("keras", {}), spec, where)
    block = _block(raw, type_, where) if spec.nested else None
    inputs = _names(raw.get("inputs", []), where)
    return LayerConfig(type_, params, name or None, inputs, kept, block)


def _block(raw: Mapping[str, Any], type_: str, where: str) -> Architecture:
    """The architecture of a model used as a layer: its ``model`` object, an architecture
    without format and version."""
    doc = raw.get("model")
    if not isinstance(doc, Mapping):
        raise _fail(
            f'{where}: a {type_} block needs "model", its architecture as an object such as '
            '{"input_shape": [28, 28, 1], "layers": [...]}'
        )
    stray = [k for k in ("format", "version") if k in doc]
    if stray:
        raise _fail(f'{where}: the block\'s "model" takes no "{stray[0]}" (the file gives it)')
    try:
        block = architecture_from_dict({"format": FORMAT, "version": VERSION, **doc})
    except ArchitectureFormatError as e:
        raise _fail(f"{where}, in its model: {e}") from None
    if type_ == "Sequential" and not block.is_stack:
        raise _fail(
            f'{where}: a Sequential block is a stack (no "inputs" or "outputs"); write a graph '
            'as a "Functional" block'
        )
    return block


#: Keras arguments that are not the layer's own and cannot be kept (nnstudio sets them).
_NOT_KEPT = {"name", "inputs", "input_shape", "batch_input_shape", "batch_size", "weights"}


def _kept_arguments(raw: Any, spec: LayerType, where: str) -> dict[str, Any]:
    """A layer's ``keras`` object: Keras arguments as JSON values, and no code (a Lambda's
    function, a custom object of another package). A parameter nnstudio edits is kept only
    in a form its editor cannot hold (an initializer with its own settings)."""
    if not isinstance(raw, Mapping):
        raise _fail(f'{where}: "keras" must be an object of Keras arguments; received {show(raw)}')
    for key, value in raw.items():
        if key in _NOT_KEPT or (key in spec.param_map and not isinstance(value, Mapping)):
            raise _fail(
                f'{where}: "keras" cannot hold {key}, which the layer sets itself; '
                f"write it as the layer's own {key}"
            )
        problem = code_in(value)
        if problem:
            raise _fail(f"{where}: {key} {problem}")
    return dict(raw)


_SCALARS = frozenset({str, int, float, bool})


def code_in(value: Any) -> str | None:
    """Why a JSON value of a Keras config would run code when Keras reads it, or None: a
    serialized function or lambda, or an object of a module outside Keras."""
    if value is None or type(value) in _SCALARS:
        return None  # most values: checked first, fast (a large model has 20,000 of them)
    if isinstance(value, list | tuple):
        children = value
    elif isinstance(value, Mapping):
        class_name = value.get("class_name")
        if class_name in ("function", "__lambda__", "Lambda") or "__lambda__" in value:
            return "is a Python function in the file; nnstudio runs no code from files"
        module = value.get("module")
        if class_name is not None and module is not None and not str(module).startswith("keras"):
            return (
                f"is an object of the package {str(module).split('.')[0]!r} "
                f"({class_name}), not of Keras; nnstudio runs no code from other packages"
            )
        children = value.values()
    else:
        return None
    for child in children:
        if child is not None and type(child) not in _SCALARS:
            problem = code_in(child)
            if problem:
                return problem
    return None


def _names(raw: Any, where: str) -> tuple[str, ...]:
    """A list of layer (or input) names."""
    if not isinstance(raw, list | tuple) or not all(isinstance(n, str) and n for n in raw):
        raise _fail(f'{where}: inputs must be a list of names, such as ["conv2d"]; '
                    f"received {show(raw)}")  # fmt: skip
    return tuple(raw)


def _suggest_type(type_: str) -> str:
    import difflib

    close = difflib.get_close_matches(type_, list(CATALOGUE), n=1, cutoff=0.6)
    lowered = {k.lower(): k for k in CATALOGUE}
    if type_.lower() in lowered:
        close = [lowered[type_.lower()]]
    if close:
        return f'did you mean "{close[0]}"?'
    return "nnstudio offers: " + ", ".join(CATALOGUE)


def _parse_input_shape(raw: Any) -> Shape:
    if not isinstance(raw, list | tuple) or not all(
        (isinstance(v, int) and not isinstance(v, bool)) or v is None for v in raw
    ):
        raise _fail(
            "input_shape must be a list of sizes without the batch axis, such as "
            f"[28, 28, 1] (null for a size left open); received {show(raw)}"
        )
    return tuple(raw)


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document of any known version up to ``VERSION``."""
    return versions.migrate(doc, VERSION, MIGRATIONS, "architecture", ArchitectureFormatError)


def _parse_inputs(raw: Any) -> tuple[ModelInput, ...]:
    if not isinstance(raw, list | tuple) or not raw:
        raise _fail(
            'inputs must be a list of objects such as {"name": "image", "shape": [28, 28, 1]}; '
            f"received {show(raw)}"
        )
    out = []
    for item in raw:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("name"), str)
            or not item["name"]
        ):
            raise _fail(f"each input needs a name and a shape; received {show(item)}")
        unknown = [k for k in item if k not in ("name", "shape")]
        if unknown:
            raise _fail(f"input {item['name']}: unknown key {show(unknown[0])}")
        out.append(ModelInput(item["name"], _parse_input_shape(item.get("shape"))))
    return tuple(out)


def _model_inputs(doc: Mapping[str, Any]) -> tuple[Shape, str, list[ModelInput]]:
    """The first input's shape and name, and the other inputs: from "inputs" (named) or
    "input_shape" (one input, unnamed)."""
    if "inputs" in doc and "input_shape" in doc:
        raise _fail('give either "input_shape" (one input) or "inputs" (named), not both')
    if "inputs" in doc:
        first, *more = _parse_inputs(doc["inputs"])
        return first.shape, first.name, more
    if "input_shape" in doc:
        return _parse_input_shape(doc["input_shape"]), "", []
    raise _fail('the architecture has no "input_shape" (or "inputs")')


def architecture_from_dict(doc: Any) -> Architecture:
    """Validate a JSON document and return its architecture (ArchitectureFormatError if not)."""
    if not isinstance(doc, Mapping):
        raise _fail(f"an architecture must be a JSON object; received {show(doc)}")
    if doc.get("format") != FORMAT:
        found = show(doc["format"]) if "format" in doc else 'no "format" key'
        raise _fail(f'not an nnstudio architecture: "format" must be "{FORMAT}"; found {found}')
    doc = migrate(dict(doc))
    unknown = [k for k in doc if k not in _TOP_KEYS]
    if unknown:
        raise _fail(
            f"unknown key {show(unknown[0])}; an architecture has: " + ", ".join(sorted(_TOP_KEYS))
        )
    missing = [k for k in _REQUIRED_TOP_KEYS if k not in doc]
    if missing:
        raise _fail(f'the architecture has no "{missing[0]}"')
    name = doc.get("name", "Untitled")
    description = doc.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise _fail(f"{key} must be a string; received {show(value)}")
    input_shape, input_name, more = _model_inputs(doc)
    layers = doc["layers"]
    if not isinstance(layers, list | tuple):
        raise _fail(f"layers must be a list of layer objects; received {show(layers)}")
    parsed = tuple(parse_layer(raw, f"layer {i}") for i, raw in enumerate(layers))
    outputs = _names(doc.get("outputs", []), "outputs") if "outputs" in doc else ()
    return Architecture(name, input_shape, parsed, description, input_name, tuple(more), outputs)
