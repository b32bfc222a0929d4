"""Tests of nnstudio.gui.training."""
