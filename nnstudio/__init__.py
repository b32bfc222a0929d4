"""nnstudio: build, train and test Keras neural networks visually."""

__version__ = "0.1.0"
