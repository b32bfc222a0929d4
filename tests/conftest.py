"""Test-suite setup: no display, no network, quiet TensorFlow."""

import os

# Set before anything imports Qt or TensorFlow.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest


@pytest.fixture(scope="session")
def keras():
    """Keras, imported once for the tests that compare nnstudio with the real thing."""
    from nnstudio.core import backend

    return backend.keras()
