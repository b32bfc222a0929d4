"""The one place that imports Keras, and only when first needed.

Importing TensorFlow takes seconds, so nothing in nnstudio imports it at module level: the
window opens and ``nnstudio summary`` runs without it (an import-linter contract and a test
enforce this).
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def _quiet_native_stderr():
    """Hide what native code writes to file descriptor 2 for a moment.

    TensorFlow 2.21 prints its start-up notes (oneDNN, missing CUDA drivers) straight to the
    process's stderr before any setting can silence them; in a terminal they look like
    errors. Python exceptions are unaffected.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved, devnull = os.dup(fd), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    try:
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def keras() -> ModuleType:
    """Import and return Keras 3 on the TensorFlow backend."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ chatter quiet
    # TensorFlow leaves ~300,000 objects that live as long as the process: a full
    # collection walking them takes 0.1-0.2 s holding the GIL (the window froze while a
    # training started). No collection while importing, then the collector is told to leave
    # them alone (gc.freeze).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _quiet_native_stderr():
            import keras

            # Listing the devices is what reports the missing CUDA drivers: do it quietly too.
            keras.config.backend()
            import tensorflow

            tensorflow.config.list_physical_devices()
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return keras


def tensorflow() -> ModuleType:
    """Import and return TensorFlow (for tf.data pipelines and its error types)."""
    keras()
    import tensorflow

    return tensorflow


def is_loaded() -> bool:
    """Whether TensorFlow has been imported in this process."""
    return "tensorflow" in sys.modules
