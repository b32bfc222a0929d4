"""How much faster nnstudio's summary is than Keras building the same 50-layer model.

The summary runs on every edit in the window, so it must be far below a frame (16 ms).
Target: at least 100x faster than Keras building the model (TensorFlow's import aside).
Both are measured in the same run, so the ratio holds on a noisy machine.

    python benchmarks/summary_speed.py [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from nnstudio.core import Architecture, LayerConfig, build_model, summarize

TARGET_RATIO = 100


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


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def tensorflow_import_seconds() -> float:
    """A cold import of TensorFlow, in a fresh process."""
    code = "import time; t = time.perf_counter(); import tensorflow; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    arch = fifty_layer_stack()
    ours = median_seconds(lambda: summarize(arch), repeat=500)
    tf_import = tensorflow_import_seconds()
    build_model(arch)  # imports TensorFlow here and warms up Keras
    keras = median_seconds(lambda: build_model(arch), repeat=7)
    ratio = keras / ours
    figures = {
        "layers": len(arch.layers),
        "summarize_ms": round(ours * 1000, 3),
        "keras_build_ms": round(keras * 1000, 1),
        "tensorflow_import_s": round(tf_import, 2),
        "ratio": round(ratio),
        "ratio_with_import": round((keras + tf_import) / ours),
        "target_ratio": TARGET_RATIO,
        "passed": ratio >= TARGET_RATIO,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"50-layer stack: nnstudio summarize {figures['summarize_ms']} ms (median of 500)")
        print(f"                Keras builds it in {figures['keras_build_ms']} ms (median of 7)")
        print(f"                TensorFlow import {figures['tensorflow_import_s']} s (cold)")
        print(
            f"ratio: {figures['ratio']}x faster than Keras, {figures['ratio_with_import']}x "
            f"with the import (target >= {TARGET_RATIO}x): "
            f"{'PASS' if figures['passed'] else 'FAIL'}"
        )
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
