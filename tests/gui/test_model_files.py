"""Trained models in and out of the window: File > Export Trained Model writes every format
with the class names inside, File > Open Model brings a .keras into the Playground (refusing
code), and a saved project's weights are the Playground's model when it is reopened."""

import numpy as np
import pytest

from nnstudio.core.exporting import FORMATS, load_model, read_info
from nnstudio.gui.model_files import EXPORTS
from tests.gui.trainings import open_template, train


def export(window, qtbot, fmt, path):
    with qtbot.waitSignal(window.models.exported, timeout=120_000) as blocker:
        window.models.export(fmt, path)
    return blocker.args[0]


@pytest.fixture
def trained_xor(window, qtbot):
    open_template(window, qtbot, "xor-network")
    outcome = train(window, qtbot)
    assert outcome.model is not None
    return outcome


def test_the_trained_model_is_exported_in_every_format(window, qtbot, tmp_path, trained_xor):
    assert set(window.export_model_actions) == set(FORMATS)
    window._update_export_actions()
    assert all(a.isEnabled() for a in window.export_model_actions.values())
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    expected = trained_xor.model.predict(x, verbose=0)
    for fmt, suffix in FORMATS.items():
        path = tmp_path / f"xor{suffix or '_savedmodel'}"
        written = export(window, qtbot, fmt, path)
        assert written == path, fmt
        assert path.exists(), fmt
        if fmt != "python":
            info = read_info(path)
            assert info.class_names == ("0", "1")
            assert info.name == "XOR network (2-2-1)"
    model, info = load_model(tmp_path / "xor.keras")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)
    assert "def build_model():" in (tmp_path / "xor.py").read_text()
    assert "Exported XOR network (2-2-1) as" in window.statusBar().currentMessage()


def test_the_menu_asks_where_and_adds_the_suffix(window, qtbot, tmp_path, answers, trained_xor):
    answers.save_path = tmp_path / "gate"
    with qtbot.waitSignal(window.models.exported, timeout=120_000):
        window.export_model_actions["keras"].trigger()
    assert (tmp_path / "gate.keras").exists()
    assert answers.suggested.endswith("xor-network-2-2-1.keras")
    assert EXPORTS["keras"][0] == window.export_model_actions["keras"].text()


def test_a_failed_export_says_why_and_the_window_goes_on(
    window, qtbot, tmp_path, answers, trained_xor
):
    assert export(window, qtbot, "tflite", tmp_path / "missing" / "xor.tflite") is None
    title, text = answers.errors[-1]
    assert title == "Cannot export the model"
    assert "no such folder" in text
    assert export(window, qtbot, "keras", tmp_path / "xor.keras") == tmp_path / "xor.keras"


def test_exports_at_once_each_report_their_own_file(window, qtbot, tmp_path, answers, trained_xor):
    bad = tmp_path / "missing" / "xor.keras"
    with qtbot.waitSignals([window.models.exported] * 2, timeout=120_000):
        window.models.export("keras", bad)
        window.models.export("python", tmp_path / "xor.py")
    assert (tmp_path / "xor.py").exists()
    assert len(answers.errors) == 1
    title, text = answers.errors[0]
    assert title == "Cannot export the model"
    assert str(bad) in text
    assert "Cannot export as keras" in text
    assert not window.models._about


def test_before_training_only_the_script_can_be_exported(window, qtbot, tmp_path, answers):
    window._update_export_actions()
    enabled = {f for f, a in window.export_model_actions.items() if a.isEnabled()}
    assert enabled == {"python"}
    window.models.export("onnx", tmp_path / "m.onnx")
    assert answers.errors[-1][0] == "Nothing to export yet"
    assert not (tmp_path / "m.onnx").exists()
    path = export(window, qtbot, "python", tmp_path / "cnn.py")
    assert "def load_data():" in path.read_text()


def test_an_opened_model_speaks_with_its_class_names(window, qtbot, tmp_path, trained_xor):
    path = export(window, qtbot, "keras", tmp_path / "xor.keras")
    window.tabs.setCurrentWidget(window.stack)
    window.models.open_model(path)
    panel = window.playground
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is panel, timeout=60_000)
    qtbot.waitUntil(lambda: panel.predictor is not None, timeout=60_000)
    assert "xor.keras" in panel.status.text()
    assert panel.predictor.class_names == ("0", "1")
    assert window.models.current.origin == "xor.keras"
    table = panel.values.table
    assert [table.item(r, 1).text().split()[0] for r in range(4)] == ["0", "1", "1", "0"]


def test_models_that_need_code_are_refused(window, qtbot, tmp_path, answers, keras):
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Lambda(lambda v: v * 2), keras.layers.Dense(1)]
    )
    path = tmp_path / "lambda.keras"
    model.save(path)
    with qtbot.waitSignal(window.models.message, timeout=60_000, check_params_cb=_cannot):
        window.models.open_model(path)
    title, text = answers.errors[-1]
    assert title == "Cannot open the model"
    assert "Lambda" in text
    assert window.playground.predictor is None
    (tmp_path / "notes.keras").write_text("hello")
    with qtbot.waitSignal(window.models.message, timeout=60_000, check_params_cb=_cannot):
        window.models.open_model(tmp_path / "notes.keras")
    assert "not a .keras model" in answers.errors[-1][1]


def _cannot(text):
    return text.startswith("Cannot open")


def test_a_reopened_project_brings_its_trained_model_to_the_playground(
    window, qtbot, tmp_path, trained_xor
):
    path = tmp_path / "xor.nnstudio"
    assert window.files._write(path)
    window.files.new()
    assert window.models.current is None
    assert window.files.open(path)
    # Nothing is built until the Playground is shown.
    assert window.models.current is None
    window.tabs.setCurrentWidget(window.playground)
    qtbot.waitUntil(lambda: window.playground.predictor is not None, timeout=60_000)
    assert "saved in the project" in window.playground.status.text()
    table = window.playground.values.table
    assert [table.item(r, 1).text().split()[0] for r in range(4)] == ["0", "1", "1", "0"]
    # Exporting works from the saved weights too.
    assert export(window, qtbot, "keras", tmp_path / "again.keras").exists()


def test_a_perceptrons_linear_output_is_read_as_its_0_or_1_target(window, qtbot):
    """Article 001: one linear unit trained with MSE on AND; 0.25 means 0, not a logit."""
    open_template(window, qtbot, "logic-gate-perceptron")
    assert window.editor.dataset.name == "and"
    outcome = train(window, qtbot)
    assert outcome.evaluation.accuracy == 1.0
    assert window.models.current.info.outputs == "values"
    panel = window.playground
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.predictor is not None, timeout=60_000)
    table = panel.values.table
    assert [table.item(r, 1).text().split()[0] for r in range(4)] == ["0", "0", "0", "1"]
