"""The one place that imports Keras."""

import gc
import os
import subprocess
import sys


def test_importing_keras_leaves_its_objects_out_of_the_collectors_way():
    """A full collection after the import must not walk TensorFlow's objects (it froze the
    window for 0.1-0.2 s): they are frozen, and collecting is on again afterwards."""
    code = (
        "import gc\n"
        "from nnstudio.core.backend import keras\n"
        "keras()\n"
        "print(gc.get_freeze_count(), gc.isenabled())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    ).stdout.split()
    frozen, enabled = int(out[0]), out[1]
    assert frozen > 100_000
    assert enabled == "True"
    assert gc.isenabled()
