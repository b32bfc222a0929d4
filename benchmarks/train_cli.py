"""``nnstudio train`` against a plain Keras script doing the same, whole processes, one run.

Article 002's CNN on the bundled MNIST sample for 3 epochs, batch 64, Adam, a 10% validation
split, then the test set. Targets: nnstudio costs at most 15% more time than plain Keras, and
reaches at least 0.95 test accuracy.

    python benchmarks/train_cli.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from nnstudio.core.resources import resource

TARGET_RATIO = 1.15
TARGET_ACCURACY = 0.95

PLAIN_KERAS = """
import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np
from keras import layers
data = np.load({data!r})
x = data["x_train"][..., None].astype("float32") / 255
x_test = data["x_test"][..., None].astype("float32") / 255
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, data["y_train"], batch_size=64, epochs=3, validation_split=0.1, verbose=0)
print(model.evaluate(x_test, data["y_test"], verbose=0)[1])
"""


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = str(resource("datasets", "mnist-10k.npz"))
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PLAIN_KERAS.format(data=data))
        script = f.name
    ours_cmd = [
        sys.executable,
        "-m",
        "nnstudio",
        "train",
        str(resource("templates", "mnist-cnn.json")),
        "--dataset",
        "mnist-sample",
        "--epochs",
        "3",
        "--seed",
        "0",
        "--json",
    ]
    plain_cmd = [sys.executable, script]
    ours, plain = [], []
    try:
        for _ in range(args.runs):  # interleaved: machine noise hits both alike
            seconds, out = timed(ours_cmd)
            ours.append(seconds)
            accuracy = json.loads(out.strip().splitlines()[-1])["test_accuracy"]
            seconds, out = timed(plain_cmd)
            plain.append(seconds)
            plain_accuracy = float(out.strip().splitlines()[-1])
    finally:
        os.unlink(script)
    ratio = statistics.median(ours) / statistics.median(plain)
    figures = {
        "nnstudio_train_s": round(statistics.median(ours), 2),
        "plain_keras_s": round(statistics.median(plain), 2),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "test_accuracy": round(accuracy, 4),
        "plain_keras_test_accuracy": round(plain_accuracy, 4),
        "passed": ratio <= TARGET_RATIO and accuracy >= TARGET_ACCURACY,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"nnstudio train: {figures['nnstudio_train_s']} s, test accuracy {accuracy:.4f}")
        print(f"plain Keras:    {figures['plain_keras_s']} s, test accuracy {plain_accuracy:.4f}")
        print(
            f"ratio {ratio:.3f} (target <= {TARGET_RATIO}); accuracy target >= {TARGET_ACCURACY}: "
            f"{'PASS' if figures['passed'] else 'FAIL'}"
        )
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
