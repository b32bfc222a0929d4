"""The Model tab: the palette, the layer stack and the graph canvas, the inspector and the
summary, over the editor that wraps the core session in an undo stack."""
