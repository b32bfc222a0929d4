"""Tests of nnstudio.gui.data."""
