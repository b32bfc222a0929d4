"""Tests of nnstudio.gui.runs."""
