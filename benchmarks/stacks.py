"""Models the benchmarks share."""

from __future__ import annotations

from nnstudio.core import Architecture, LayerConfig, summarize


def fifty_layer_stack() -> Architecture:
    """A realistic 50-layer CNN: 10 conv blocks with normalization, then a dense head."""
    layers = [LayerConfig.create("Rescaling", scale=1 / 255)]
    for block in range(10):
        filters = 16 * (1 + block // 3)
        layers += [
            LayerConfig.create("Conv2D", filters=filters, kernel_size=3, padding="same"),
            LayerConfig.create("BatchNormalization"),
            LayerConfig.create("Activation", activation="relu"),
            LayerConfig.create("SpatialDropout2D", rate=0.1),
        ]
        if block % 3 == 2:
            layers.append(LayerConfig.create("MaxPooling2D"))
    layers += [LayerConfig.create("Flatten"), LayerConfig.create("Dropout", rate=0.5)]
    while len(layers) < 49:
        layers.append(LayerConfig.create("Dense", units=64, activation="relu"))
    layers.append(LayerConfig.create("Dense", units=10, activation="softmax"))
    arch = Architecture("50-layer benchmark", (64, 64, 3), tuple(layers))
    assert len(arch.layers) == 50
    assert summarize(arch).ok
    return arch
