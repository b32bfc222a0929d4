"""Tests of nnstudio.gui.model."""
