"""The scriptable core of nnstudio: everything but the widgets.

Importing it imports neither Qt nor TensorFlow; functions that need Keras import it when called.

>>> from nnstudio.core import load_architecture, summarize
>>> arch = load_architecture({"format": "nnstudio-architecture", "version": 1, "name": "AND",
...                           "input_shape": [2], "layers": [{"type": "Dense", "units": 1}]})
>>> summarize(arch).total_params
3
"""

from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.building import build_model
from nnstudio.core.catalogue import CATALOGUE, GROUPS, LAYER_TYPES, LayerType, by_group
from nnstudio.core.codegen import python_source
from nnstudio.core.errors import (
    ArchitectureFormatError,
    InvalidArchitectureError,
    NnstudioError,
)
from nnstudio.core.files import architecture_json, load_architecture, save_architecture
from nnstudio.core.report import format_summary
from nnstudio.core.summary import LayerSummary, Problem, Summary, summarize
from nnstudio.core.templates import Template, template, templates

__all__ = [
    "CATALOGUE",
    "GROUPS",
    "LAYER_TYPES",
    "Architecture",
    "ArchitectureFormatError",
    "InvalidArchitectureError",
    "LayerConfig",
    "LayerSummary",
    "LayerType",
    "NnstudioError",
    "Problem",
    "Summary",
    "Template",
    "architecture_json",
    "build_model",
    "by_group",
    "format_summary",
    "load_architecture",
    "python_source",
    "save_architecture",
    "summarize",
    "template",
    "templates",
]
