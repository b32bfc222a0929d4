"""Building the Keras model of an architecture."""

from __future__ import annotations

from typing import Any

from nnstudio.core import backend
from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.errors import InvalidArchitectureError
from nnstudio.core.summary import safe_name, summarize


def keras_arguments(layer: LayerConfig) -> dict[str, Any]:
    """The constructor arguments of a layer, as Keras takes them."""
    return {p.name: p.to_keras(layer.params[p.name]) for p in layer.spec.params}


def keras_layer(keras, layer: LayerConfig, name: str):
    """A new Keras layer object for a layer of the stack."""
    return getattr(keras.layers, layer.type)(**keras_arguments(layer), name=name)


def model_name(arch: Architecture) -> str:
    """A Keras model name for the architecture: TensorFlow's root scope names allow letters,
    digits and _ . - > only, and must start with a letter, digit or dot ("MNIST CNN" becomes
    "MNIST_CNN"); a space in the name would make ``fit`` fail."""
    name = safe_name(arch.name, fallback="model")
    return name if name[0].isalnum() or name[0] == "." else f"model_{name}"


def build_model(arch: Architecture):
    """The uncompiled ``keras.Sequential`` model of a valid architecture.

    Its own ``summary()`` agrees with ``summarize(arch)``: same layer names, output shapes and
    parameter counts. Raises ``InvalidArchitectureError`` if the architecture has errors.
    """
    summary = summarize(arch)
    if not summary.ok:
        raise InvalidArchitectureError(summary.errors)
    keras = backend.keras()
    layers = [keras.Input(shape=arch.input_shape)]
    for layer, name in zip(arch.layers, arch.layer_names(), strict=True):
        layers.append(keras_layer(keras, layer, name))
    return keras.Sequential(layers, name=model_name(arch))


def keras_summary_text(arch: Architecture) -> str:
    """What Keras' own ``model.summary()`` prints for the architecture."""
    lines: list[str] = []
    build_model(arch).summary(print_fn=lambda text, **_: lines.append(text))
    return "\n".join(lines)
