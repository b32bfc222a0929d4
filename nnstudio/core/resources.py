"""Files shipped inside the package (the top-level ``resources/`` folder of the repository,
installed as ``nnstudio.resources``), found from any working directory."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(*parts: str) -> Traversable:
    """A bundled file or folder, such as ``resource("templates", "mnist-cnn.json")``."""
    return files("nnstudio.resources").joinpath(*parts)
