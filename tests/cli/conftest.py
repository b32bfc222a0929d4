"""Fixtures shared with other test folders."""

# Two small models trained once per process (the same training serves core.playground's tests).
from tests.core.playground.conftest import predict_models  # noqa: F401
