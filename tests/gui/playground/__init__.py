"""Tests of nnstudio.gui.playground."""
