"""Keras' own summary, built on a worker thread (TensorFlow loads there the first time)."""

from nnstudio.gui.model.keras_summary import KerasSummaryDialog


def test_keras_summary_matches_ours(window, qtbot):
    window.keras_action.trigger()
    dialog = window.findChild(KerasSummaryDialog)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.text.isVisible(), timeout=120_000)
    text = dialog.text.toPlainText()
    assert "Total params: 34,826" in text
    for row in window.editor.summary.layers:
        assert f"{row.name} ({row.type})" in text
    dialog.close()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)


def test_keras_summary_of_an_invalid_model_says_why(window, qtbot):
    window.editor.set_input_shape((3, 3, 1))
    dialog = KerasSummaryDialog(window.editor.architecture, window.jobs, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=120_000)
    assert "Keras could not build the model" in dialog.status.text()
    assert "larger than the 1x1 input" in dialog.status.text()
    dialog.close()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
