"""Data shipped with nnstudio: templates and sample datasets, read with importlib.resources."""
