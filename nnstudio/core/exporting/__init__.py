"""Trained models out of nnstudio and back in: the export formats (.keras, SavedModel, TFLite,
ONNX, a Python script), the metadata that travels with them (class names, input scaling), and
opening a .keras model safely."""
