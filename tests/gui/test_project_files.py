"""Projects in the window: save and reopen, bad files, unsaved changes, recent files."""

import zipfile

from PySide6.QtCore import QSettings

from nnstudio.core import load_architecture, template
from nnstudio.core.project import load_project
from nnstudio.gui.main_window import MainWindow
from nnstudio.gui.settings import Settings


def test_save_and_reopen_round_trip(window, answers, tmp_path):
    window.editor.insert_layer("BatchNormalization", 1)
    window.editor.set_model_name("My CNN")
    answers.save_path = tmp_path / "mine"
    assert window.save_action.trigger() is None
    path = tmp_path / "mine.nnstudio"
    assert path.exists()
    assert zipfile.ZipFile(path).namelist() == ["project.json"]
    assert not window.isWindowModified()
    assert window.windowTitle() == "My CNN (mine.nnstudio)[*] — nnstudio"
    saved = window.editor.architecture
    window.editor.remove_layers([0])
    assert window.isWindowModified()
    window.files.save()  # to the same file, without asking
    assert load_project(path).architecture == window.editor.architecture
    window.files.new()
    assert window.editor.architecture.name == "New model"
    answers.open_path = path
    window.open_action.trigger()
    assert window.editor.architecture != saved
    assert window.editor.architecture == load_project(path).architecture
    assert window.settings.recent_files[0] == str(path)


def test_opening_a_corrupt_file_keeps_everything(window, answers, tmp_path):
    window.editor.insert_layer("Dense")
    before = window.editor.architecture
    bad = tmp_path / "broken.nnstudio"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    answers.unsaved_answer = "discard"
    answers.open_path = bad
    window.open_action.trigger()
    (title, text) = answers.errors[-1]
    assert title == "Cannot open the file"
    assert "damaged or not a zip archive" in text
    assert window.editor.architecture == before  # nothing lost
    window.editor.insert_layer("Dense")  # and the window still works
    assert len(window.editor.architecture.layers) == len(before.layers) + 1


def test_bad_files_of_every_kind_get_a_message(window, answers, tmp_path):
    cases = {
        "later.json": '{"format": "nnstudio-architecture", "version": 9, "input_shape": [1], '
        '"layers": []}',
        "junk.json": "not json",
        "empty.json": "",
    }
    for name, content in cases.items():
        (tmp_path / name).write_text(content)
        assert not window.files.open(tmp_path / name)
    messages = [text for _, text in answers.errors]
    assert "written by a newer nnstudio" in messages[0]
    assert "invalid JSON" in messages[1]
    assert "the file is empty" in messages[2]
    assert not window.files.open(tmp_path / "missing.nnstudio")
    assert "no such file" in answers.errors[-1][1]


def test_unsaved_changes_are_asked_about(window, answers, tmp_path):
    window.editor.insert_layer("Dense")
    answers.unsaved_answer = "cancel"
    assert not window.files.new_from_template("mnist-mlp")
    assert window.editor.architecture.layers[-1].params["units"] == 64
    assert not window.close()
    assert window.isVisible()
    answers.unsaved_answer = "save"
    answers.save_path = tmp_path / "kept.nnstudio"
    assert window.files.new_from_template("mnist-mlp")
    assert (tmp_path / "kept.nnstudio").exists()
    assert window.editor.architecture == template("mnist-mlp").architecture
    assert answers.unsaved_asked == 3  # template, close, template


def test_cancelling_the_save_dialog_keeps_the_project(window, answers):
    window.editor.insert_layer("Dense")
    answers.unsaved_answer = "save"
    answers.save_path = ""  # the user cancels the file dialog
    assert not window.files.new()
    assert len(window.editor.architecture.layers) == 8


def test_templates_menu(window):
    entries = window.templates_menu.actions()
    sections = [a.text() for a in entries if a.isSeparator()]
    assert sections == [
        "The articles' models",
        "Skip connections and merges (graphs)",
        "Other kinds of data (tables)",
    ]
    actions = {a.text(): a for a in entries if not a.isSeparator()}
    assert len(actions) == 17
    actions["Residual CNN"].trigger()
    assert window.stack.views.currentWidget() is window.stack.canvas
    actions["Face emotion CNN"].trigger()
    assert window.editor.summary.total_params == 226352
    assert window.editor.architecture.input_shape == (48, 48, 1)
    assert "Article 000" in actions["Face emotion CNN"].toolTip()


def test_open_an_architecture_json_and_export_python(window, answers, tmp_path):
    answers.open_path = tmp_path / "in.json"
    from nnstudio.core import save_architecture

    save_architecture(template("xor-network").architecture, answers.open_path)
    window.open_action.trigger()
    assert window.editor.summary.total_params == 9
    assert window.files.path is None  # a new project: Save will ask where
    answers.save_path = tmp_path / "xor.py"
    window.export_python_action.trigger()
    assert "def build_model():" in (tmp_path / "xor.py").read_text()
    answers.save_path = tmp_path / "out.json"
    window.export_action.trigger()
    assert load_architecture(tmp_path / "out.json") == template("xor-network").architecture


def test_import_architecture_is_undoable(window, answers, tmp_path):
    from nnstudio.core import save_architecture

    answers.open_path = tmp_path / "mlp.json"
    save_architecture(template("mnist-mlp").architecture, answers.open_path)
    window.import_action.trigger()
    assert window.editor.summary.total_params == 640890
    assert window.model.rowCount() == 3
    window.undo_action.trigger()
    assert window.editor.summary.total_params == 34826
    assert window.model.rowCount() == 7


def test_layout_and_recent_files_persist(qtbot, tmp_path, answers):
    ini = str(tmp_path / "persist.ini")
    first = MainWindow(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    qtbot.addWidget(first)
    first.show()
    first.summary_dock.hide()
    answers.save_path = tmp_path / "a.nnstudio"
    first.files.save_as()
    first.close()
    second = MainWindow(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    qtbot.addWidget(second)
    second.show()
    assert second.summary_dock.isHidden()
    assert second.settings.recent_files == [str(tmp_path / "a.nnstudio")]
    second._fill_recent_menu()
    assert [a.text() for a in second.recent_menu.actions()] == ["a.nnstudio"]
    second.reset_layout()
    assert second.summary_dock.isVisible()
    second.close()


def test_a_keras_model_opens_as_a_new_project_with_its_weights(window, answers, tmp_path, keras):
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")],
        name="from_a_script",
    )
    path = tmp_path / "script.keras"
    model.save(path)
    answers.open_path = path
    window.open_action.trigger()
    assert window.editor.architecture.name == "from_a_script"
    assert window.editor.summary.total_params == model.count_params()
    assert window.windowTitle().startswith("from_a_script")
    assert window.files.path is None  # Save asks where: the .keras file is never rewritten
    assert window.editor.project.weights.fits(window.editor.architecture)
    assert window.models.can_export("keras")  # its trained weights, not an untrained model
    assert str(path) in window.settings.recent_files


def test_the_inspector_lists_what_a_keras_layer_keeps(window, answers, tmp_path, keras):
    dense = keras.layers.Dense(
        4, kernel_initializer=keras.initializers.HeNormal(seed=3), name="head", trainable=False
    )
    model = keras.Sequential([keras.Input((3,)), dense, keras.layers.Dense(2)], name="kept")
    answers.open_path = tmp_path / "kept.json"
    answers.open_path.write_text(model.to_json(), encoding="utf-8")
    window.open_action.trigger()
    window.select_rows([0])
    kept = window.inspector.kept
    assert kept.isVisibleTo(window.inspector)
    assert "trainable" in kept.text()
    assert "HeNormal(seed=3)" in kept.text()
    window.select_rows([1])
    assert not kept.isVisibleTo(window.inspector)
    window.select_rows([0])
    label = window.inspector.labels["kernel_initializer"]
    assert "HeNormal(seed=3)" in label.toolTip()
    assert "replaces it" in label.toolTip()
    assert window.inspector.labels["units"].text() == "units"
