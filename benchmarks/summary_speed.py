"""How much faster nnstudio's summary is than Keras building the same 50-layer model.

The summary runs on every edit in the window, so it must be far below a frame (16 ms).
Target: at least 100x faster than Keras building the model (TensorFlow's import aside).
Both are measured in the same run, so the ratio holds on a noisy machine.

    python benchmarks/summary_speed.py [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from stacks import fifty_layer_stack
from timing import median_seconds

from nnstudio.core import build_model, summarize

TARGET_RATIO = 100


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
