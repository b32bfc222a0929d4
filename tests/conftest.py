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
#: with nothing to show where. On standard output, next to pytest's own report (CI shows that
#: part of the output), not in pytest's capture of it, which the ended run loses.
HANG_SECONDS = int(os.environ.get("NNSTUDIO_TEST_HANG_SECONDS", "300"))


@pytest.fixture(scope="session")
def real_stdout(pytestconfig):
    """Standard output as CI sees it. While a test runs, pytest points file descriptor 1 at a
    capture file of its own, which is lost when a hung run is ended: the dump written there
    never reached CI's report. pytest keeps the original descriptor; write to a copy of it."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    out = getattr(getattr(capture, "_global_capturing", None), "out", None)
    fd = getattr(out, "targetfd_save", None)
    stream = os.fdopen(os.dup(fd), "w") if fd is not None else sys.__stdout__
    yield stream
    if stream is not sys.__stdout__:
        stream.close()


@pytest.fixture(autouse=True)
def hang_guard(request, real_stdout):
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=real_stdout)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def keras():
    """Keras, imported once for the tests that compare nnstudio with the real thing."""
    from nnstudio.core import backend

    return backend.keras()
