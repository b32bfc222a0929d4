"""keras.applications models as Keras JSON, for the benchmarks that open one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

#: Written by a process of its own, so that the benchmark's process never imports TensorFlow.
SAVE = """
import sys
from nnstudio.core import backend
model = getattr(backend.keras().applications, sys.argv[1])(weights=None)
open(sys.argv[2], "w", encoding="utf-8").write(model.to_json())
"""


def application_json(name: str, path: Path) -> Path:
    """Write ``keras.applications.<name>(weights=None).to_json()`` to ``path``."""
    subprocess.run([sys.executable, "-c", SAVE, name, str(path)], check=True, capture_output=True)
    return path
