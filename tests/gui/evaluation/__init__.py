"""Tests of nnstudio.gui.evaluation."""
