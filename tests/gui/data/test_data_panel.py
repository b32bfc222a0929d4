"""The Data tab: what the loaded dataset holds, choosing another (undoably, offering to fit the
model), downloads that cannot happen, image folders with broken files, the function to learn,
and loads that fail with a message in a window that still works."""

import socket

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from nnstudio.core.datasets import DatasetSource
from nnstudio.core.datasets.bundled import DIGITS
from nnstudio.core.datasets.downloads import KERAS_SETS, KerasSet, RemoteFile
from nnstudio.core.toy_faces import EMOTIONS, write_image_folder
from nnstudio.gui import theme
from tests.gui.trainings import wait_for_dataset


def choose(panel, name: str) -> None:
    """Pick a dataset in the combo as a user does."""
    i = panel.choice.findData(name)
    assert i >= 0, name
    panel.choice.setCurrentIndex(i)
    panel.choice.activated.emit(i)


def closed_port_url() -> str:
    """An address where nothing listens: a download from it fails at once, as offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


def open_data_tab(window, qtbot):
    """The Data tab, with the default dataset loaded."""
    window.tabs.setCurrentWidget(window.data_panel)
    wait_for_dataset(window, qtbot)
    return window.data_panel


def last_dense_units(window) -> int:
    dense = [layer for layer in window.editor.architecture.layers if layer.type == "Dense"]
    return dense[-1].params["units"]


def test_the_default_window_shows_the_mnist_sample(window, qtbot):
    panel = open_data_tab(window, qtbot)
    dataset = window.data_session.dataset
    assert window.editor.dataset == DatasetSource("mnist-sample")
    assert panel.choice.currentData() == "mnist-sample"
    assert "8,000 training and 2,000 test images, 28×28 grayscale, 10 classes" in panel.info.text()
    assert panel.status.text().startswith("Loaded: 8,000 training")
    assert panel.load_button.text() == "Load"
    assert not panel.own_file.isVisible()
    assert not panel.function_box.isVisible()
    assert not panel.faces_box.isVisible()
    # The preview: 100 images, each captioned with its class name.
    assert len(panel.preview.images) == 100
    assert panel.preview.images[0].size().toTuple() == (28, 28)
    assert set(panel.preview.captions) <= set(DIGITS)
    assert len(set(panel.preview.captions)) > 5
    # The histogram: one bar per class, counting every training image.
    (plot,) = panel.findChildren(pg.PlotWidget)
    assert plot.isVisible()
    (bars,) = [i for i in plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    heights = np.asarray(bars.opts["height"])
    assert len(heights) == 10
    assert heights.sum() == 8000
    assert list(heights) == list(dataset.counts())
    assert panel.imbalance.text() == "Balanced classes."


def test_toy_faces_are_written_as_an_image_folder_that_loads(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    answers.fit_answer = False
    choose(panel, "toy-faces")
    panel.per_class.setValue(4)
    wait_for_dataset(window, qtbot)
    answers.folder = tmp_path
    with qtbot.waitSignal(panel.faces_written, timeout=60_000) as blocker:
        panel.write_faces.click()
    root = blocker.args[0]
    assert root == tmp_path / "toy-faces"
    assert "Wrote the toy faces to" in panel.status.text()
    assert sorted(p.name for p in (root / "train").iterdir()) == sorted(EMOTIONS)
    assert len(list((root / "train").rglob("*.png"))) == 7 * 4
    assert len(list((root / "test").rglob("*.png"))) == 7 * 60
    # The folder is a dataset of its own, read back through the image-folder loader.
    answers.folder = root
    choose(panel, "folder")
    wait_for_dataset(window, qtbot)
    assert "28 training and 420 test images" in panel.info.text()
    # Not over a folder that holds something already.
    panel.write_toy_faces(str(tmp_path))
    assert "already exists and is not empty" in panel.status.text()


def test_choosing_toy_faces_fits_the_model_and_undoes_in_two_steps(window, qtbot, answers):
    panel = open_data_tab(window, qtbot)
    answers.fit_answer = True
    choose(panel, "toy-faces")
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.name == "Toy faces (synthetic)"
    qtbot.waitUntil(lambda: len(answers.fit_asked) == 1)
    name, changes = answers.fit_asked[0]
    assert name == "Toy faces (synthetic)"
    assert "Set the input shape to 48, 48, 1" in changes
    assert "Set the last Dense layer to 7 units" in changes
    assert tuple(window.editor.architecture.input_shape) == (48, 48, 1)
    assert last_dense_units(window) == 7
    assert panel.faces_box.isVisible()
    assert panel.per_class.value() == 300
    assert "2,100 training and 420 test images, 48×48 grayscale, 7 classes" in panel.info.text()
    assert panel.preview.images[0].size().toTuple() == (48, 48)

    window.editor.undo_stack.undo()  # the fit
    assert tuple(window.editor.architecture.input_shape) == (28, 28, 1)
    assert last_dense_units(window) == 10
    assert window.editor.dataset.name == "toy-faces"
    assert panel.choice.currentData() == "toy-faces"

    window.editor.undo_stack.undo()  # the choice
    assert window.editor.dataset == DatasetSource("mnist-sample")
    assert panel.choice.currentData() == "mnist-sample"
    assert not panel.faces_box.isVisible()
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.name == "MNIST sample"
    assert "8,000 training" in panel.info.text()
    assert len(answers.fit_asked) == 1  # the MNIST CNN fits its own dataset: nothing to ask


def test_offline_download_says_so_and_a_file_of_ones_own_loads(
    window, qtbot, answers, tmp_path, monkeypatch
):
    """No network: the full MNIST cannot be fetched; an mnist.npz one already has can."""
    panel = open_data_tab(window, qtbot)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    spec = KERAS_SETS["mnist"]
    remote = RemoteFile(closed_port_url(), "datasets/mnist.npz", None, spec.files[0].size_mb)
    offline = KerasSet(
        spec.title, (remote,), spec.classes, spec.description, spec.attribution, spec.sample_hint
    )
    monkeypatch.setitem(KERAS_SETS, "mnist", offline)

    loaded = window.data_session.dataset
    choose(panel, "mnist")  # choosing says what a download would cost; it does not start one
    assert not window.data_session.busy
    assert window.data_session.dataset is loaded
    assert panel.load_button.text() == "Download and load (11.5 MB)"
    assert panel.load_button.isEnabled()
    assert panel.own_file.isVisible()
    assert "Not downloaded yet" in panel.status.text()
    assert "full, not on this computer yet" in panel.info.text()
    assert panel.preview.images == []  # not the previous dataset's samples
    assert panel.use_sample.isVisible()
    with qtbot.waitSignal(window.data_session.failed, timeout=30_000) as blocker:
        panel.load_button.click()
    assert "MNIST could not be downloaded" in blocker.args[0]
    assert "seems to be offline" in panel.status.text()
    assert "Use the bundled MNIST sample instead" in panel.status.text()
    assert panel.use_sample.text() == "Use the bundled MNIST sample instead"
    assert "Still loaded: MNIST sample" in panel.info.text()
    assert len(panel.preview.images) == 100  # and its samples, as it says
    assert panel.use_sample.isVisible()
    assert theme.ERROR_COLOR in panel.status.text()
    assert not (tmp_path / "keras" / "datasets" / "mnist.npz").exists()
    assert not list((tmp_path / "keras" / "datasets").glob("*.part"))
    assert answers.errors == []

    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "mnist.npz",
        x_train=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 300, dtype=np.uint8),
        x_test=rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 50, dtype=np.uint8),
    )
    answers.open_path = tmp_path / "mnist.npz"
    panel.own_file.click()
    assert window.editor.dataset == DatasetSource("mnist", str(tmp_path / "mnist.npz"))
    wait_for_dataset(window, qtbot)
    dataset = window.data_session.dataset
    assert dataset.name == "MNIST"
    assert dataset.x_train.shape == (300, 28, 28, 1)
    assert "300 training and 50 test images" in panel.info.text()
    assert panel.path.isVisible()
    assert panel.path.text() == str(tmp_path / "mnist.npz")
    assert panel.load_button.text() == "Load"
    assert not panel.use_sample.isVisible()
    assert answers.fit_asked == []


def test_a_full_dataset_not_downloaded_offers_its_sample(window, qtbot, tmp_path, monkeypatch):
    panel = open_data_tab(window, qtbot)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    choose(panel, "fashion-mnist")
    assert panel.load_button.text() == "Download and load (30 MB)"
    assert not window.data_session.busy
    panel.use_sample.click()
    assert window.editor.dataset == DatasetSource("fashion-mnist-sample")
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.name == "Fashion-MNIST sample"
    assert not panel.use_sample.isVisible()


def test_an_image_folder_with_a_broken_file_loads_the_rest(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    root = write_image_folder(tmp_path / "faces", 3)
    (root / "train" / "happy" / "broken.png").write_bytes(np.random.default_rng(0).bytes(500))
    answers.folder = root
    answers.fit_answer = True
    choose(panel, "folder")
    assert window.editor.dataset == DatasetSource("folder", str(root))
    wait_for_dataset(window, qtbot)
    dataset = window.data_session.dataset
    assert dataset.skipped_count == 1
    assert "happy/broken.png" in dataset.skipped[0]
    assert "1 unreadable skipped" in panel.status.text()
    assert "1 unreadable skipped" in panel.info.text()
    assert "happy/broken.png" in panel.info.text()
    assert dataset.class_names == tuple(sorted(EMOTIONS))
    # No test/ folder: one face of each emotion's three is held out for testing.
    assert len(dataset.x_train) == 14
    assert len(dataset.x_test) == 7
    assert "14 training and 7 test images" in panel.info.text()
    assert set(panel.preview.captions) == set(EMOTIONS)
    # Read at the model's input size, so only the output had to change.
    assert dataset.sample_shape == (28, 28, 1)
    assert len(answers.fit_asked) == 1
    assert tuple(window.editor.architecture.input_shape) == (28, 28, 1)
    assert last_dense_units(window) == 7
    assert panel.path.text() == str(root)
    assert panel.browse.isVisible()


def test_the_function_to_learn(window, qtbot, answers):
    """Typing a valid expression reloads the data; an invalid one is refused in the field."""
    panel = open_data_tab(window, qtbot)
    answers.fit_answer = False
    choose(panel, "function")
    wait_for_dataset(window, qtbot)
    assert panel.function_box.isVisible()
    assert panel.expression.text() == "2*x+1"
    assert (panel.low.value(), panel.high.value()) == (1.0, 2.0)
    assert panel.count.value() == 1000
    assert panel.noise.value() == 0.0
    assert "1,000 training and 200 test samples" in panel.info.text()
    chosen = window.editor.dataset
    steps = window.editor.undo_stack.count()

    panel.expression.end(False)
    qtbot.keyClick(panel.expression, Qt.Key.Key_Backspace)  # "2*x+"
    assert panel.expression.text() == "2*x+"
    assert panel.expression.error
    assert theme.ERROR_COLOR in panel.expression.styleSheet()
    assert window.editor.dataset == chosen
    assert window.editor.undo_stack.count() == steps
    assert not window.data_session.busy

    panel.expression.selectAll()
    qtbot.keyClicks(panel.expression, "x^2")
    assert not panel.expression.error
    assert window.editor.dataset.options["expression"] == "x**2"
    wait_for_dataset(window, qtbot)
    dataset = window.data_session.dataset
    assert dataset.name == "f(x) = x**2"
    np.testing.assert_allclose(dataset.y_train[:, 0], dataset.x_train[:, 0] ** 2, rtol=1e-6)
    assert "x**2" in panel.info.text()


def test_a_failed_load_says_why_and_the_window_keeps_working(window, qtbot, answers, tmp_path):
    panel = open_data_tab(window, qtbot)
    empty = tmp_path / "no-classes"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an image")
    answers.folder = empty
    with qtbot.waitSignal(window.data_session.failed, timeout=30_000):
        choose(panel, "folder")
    text = panel.status.text()
    assert "found 0 class folder(s)" in text
    assert theme.ERROR_COLOR in text
    assert panel.load_button.isEnabled()
    assert not panel.progress.isVisible()
    assert not panel.cancel_button.isVisible()
    assert "could not be loaded" in window.statusBar().currentMessage()
    assert answers.errors == []
    # The details below are the previous dataset's, and say so.
    assert "Still loaded: MNIST" in panel.info.text()

    choose(panel, "xor")
    wait_for_dataset(window, qtbot)
    assert window.data_session.dataset.name == "XOR gate"
    assert panel.status.text().startswith("Loaded: 4 training and 4 test samples")
    assert "XOR gate" in panel.info.text()
    assert panel.choice.currentData() == "xor"
