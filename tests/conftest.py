"""Test-suite setup: no display, no network, quiet TensorFlow."""

import faulthandler
import os
import sys

# Set before anything imports Qt or TensorFlow.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest

#: A test running longer than this has hung (the slowest takes about 30 s on two loaded cores):
#: every thread's traceback is printed and the run ends, instead of CI's 90 minutes running out
#: with nothing to show where. On standard output, next to pytest's own report: CI shows that
#: part of the output.
HANG_SECONDS = int(os.environ.get("NNSTUDIO_TEST_HANG_SECONDS", "300"))


@pytest.fixture(autouse=True)
def hang_guard():
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=sys.__stdout__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def keras():
    """Keras, imported once for the tests that compare nnstudio with the real thing."""
    from nnstudio.core import backend

    return backend.keras()
