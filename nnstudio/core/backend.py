"""The one place that imports Keras, and only when first needed.

Importing TensorFlow takes seconds, so nothing in nnstudio imports it at module level: the
window opens and ``nnstudio summary`` runs without it (an import-linter contract and a test
enforce this).
"""

from __future__ import annotations

import os
from types import ModuleType


def keras() -> ModuleType:
    """Import and return Keras 3 on the TensorFlow backend."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ chatter quiet
    import keras

    return keras


def tensorflow() -> ModuleType:
    """Import and return TensorFlow (for tf.data pipelines and its error types)."""
    keras()
    import tensorflow

    return tensorflow


def is_loaded() -> bool:
    """Whether TensorFlow has been imported in this process."""
    import sys

    return "tensorflow" in sys.modules
