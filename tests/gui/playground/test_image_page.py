"""The Playground's Images page: a face photo opened (dialog, drop, paste) is answered "Happy -
xx.xx%" by a model trained on faces; the crop rectangle decides what the model sees; bad files
get a message and the others still open."""

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

from nnstudio.core.toy_faces import EMOTIONS, toy_face
from nnstudio.gui.image_grid import to_qimage

NAMES = tuple(e.capitalize() for e in EMOTIONS)
HAPPY = EMOTIONS.index("happy")


@pytest.fixture(scope="module")
def faces_model(keras):
    """A small CNN trained for real on 1,050 toy faces (about 85% on new faces)."""
    from nnstudio.core.toy_faces import toy_faces

    x, y = toy_faces(150, seed=0)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((48, 48, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(7, activation="softmax"),
        ],
        name="faces",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x[..., None] / 255.0, y, epochs=8, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def happy_face(faces_model):
    """A new happy face the model reads as happy, and the model's probabilities for it."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        face = toy_face(HAPPY, rng)
        p = faces_model.predict(face[None, ..., None] / 255.0, verbose=0)[0]
        if p.argmax() == HAPPY:
            return face, p
    raise AssertionError("the model reads no happy face as happy")


def playground_with(window, qtbot, model):
    panel = window.playground
    window.tabs.setCurrentWidget(panel)
    panel.set_model(model, NAMES, "the faces CNN")
    qtbot.waitUntil(lambda: panel.predictor is not None, timeout=60_000)
    assert panel.inputs.currentWidget() is panel.images  # a 48x48 model: not a digit pad
    return panel


def open_files(page, qtbot, paths):
    before = len(page.entries)
    page.add_files(paths)
    qtbot.waitUntil(lambda: page.loading == 0, timeout=20_000)
    return page.entries[before:]


def test_a_face_photo_is_answered_as_article_000_prints_it(
    window, qtbot, tmp_path, faces_model, happy_face, answers
):
    face, expected = happy_face
    path = tmp_path / "smile.png"
    # A colour photo with an alpha channel: the model takes grayscale, so it is converted.
    rgba = np.dstack([face, face, face, np.full_like(face, 255)])
    Image.fromarray(rgba, "RGBA").save(path)
    panel = playground_with(window, qtbot, faces_model)
    page = panel.images
    predictions = []
    panel.predicted.connect(predictions.append)
    answers.open_paths = [path]
    page.open_button.click()
    qtbot.waitUntil(lambda: len(page.entries) == 1 and bool(predictions), timeout=20_000)
    prediction = predictions[-1]
    np.testing.assert_allclose(prediction.probabilities, expected, atol=1e-5)
    answer = page.table.item(0, 1).text()
    assert answer == f"Happy - {expected[HAPPY] * 100:.2f}%"
    assert page.table.item(0, 2).text() == "smile.png"
    assert panel.bars.headline.text().startswith("Happy")
    # The converted image is shown: 48x48 grayscale, as the model takes it.
    assert not page.seen.pixmap().isNull()
    assert "48×48 grayscale" in page.details.text()
    # The layers' activations follow the image.
    assert panel.inside.prediction is prediction


def test_the_crop_rectangle_decides_what_the_model_sees(
    window, qtbot, tmp_path, faces_model, happy_face
):
    face, expected = happy_face
    # The face in the middle of a larger picture: uncropped, the model sees something else.
    picture = np.full((144, 144), 128, np.uint8)
    picture[48:96, 48:96] = face
    path = tmp_path / "group.png"
    Image.fromarray(picture).save(path)
    panel = playground_with(window, qtbot, faces_model)
    page = panel.images
    open_files(page, qtbot, [path])
    predictions = []
    panel.predicted.connect(predictions.append)
    with qtbot.waitSignal(panel.predicted):
        page.set_crop((48, 48, 48, 48))
    np.testing.assert_allclose(predictions[-1].probabilities, expected, atol=1e-5)
    assert page.whole_button.isEnabled()
    assert "The crop as 48×48" in page.details.text()
    # Dragging the rectangle moves the crop (in the image's pixels) and answers again.
    roi = page._roi
    assert tuple(roi.pos()) == (48, 48)
    with qtbot.waitSignal(panel.predicted):
        roi.setPos((40, 40))
    assert page.current().crop == pytest.approx((40, 40, 48, 48))
    with qtbot.waitSignal(panel.predicted):
        page.whole_button.click()
    assert page.current().crop is None
    assert not page.whole_button.isEnabled()
    assert "The whole image" in page.details.text()
    # Drawing the rectangle: a drag across the image from one corner of the face to the other.
    assert not page._roi.translatable  # covering the whole image, it lets the drag through
    box = page.view.getPlotItem().getViewBox()
    with qtbot.waitSignal(panel.predicted):
        page._draw_crop(FakeDrag(box, (96.4, 95.6), (47.6, 48.3)))
    assert page.current().crop == pytest.approx((47.6, 48.3, 48.8, 47.3))
    np.testing.assert_allclose(predictions[-1].probabilities, expected, atol=0.05)
    assert page._roi.translatable


class FakeDrag:
    """What pyqtgraph's scene hands a ViewBox for a left-button drag between two points."""

    def __init__(self, box, start, end):
        from PySide6.QtCore import QPointF

        self._start = box.mapViewToScene(QPointF(*start))
        self._end = box.mapViewToScene(QPointF(*end))
        self.accepted = None

    def button(self):
        from PySide6.QtCore import Qt

        return Qt.MouseButton.LeftButton

    def buttonDownScenePos(self):
        return self._start

    def scenePos(self):
        return self._end

    def accept(self):
        self.accepted = True

    def ignore(self):
        self.accepted = False


def test_bad_files_are_named_and_the_good_ones_still_open(window, qtbot, tmp_path, faces_model):
    good = tmp_path / "face.jpg"
    Image.fromarray(toy_face(0, np.random.default_rng(1))).save(good)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    panel = playground_with(window, qtbot, faces_model)
    page = panel.images
    opened = open_files(page, qtbot, [text, good, empty, tmp_path / "gone.png"])
    assert [e.image.name for e in opened] == ["face.jpg"]
    message = page.message.text()
    assert message.startswith("3 files could not be opened")
    for name in ("notes.png", "empty.png", "gone.png"):
        assert name in message
    assert page.table.rowCount() == 1
    assert page.table.item(0, 1).text().split(" - ")[0] in NAMES


def test_images_can_be_dropped_pasted_and_removed(window, qtbot, tmp_path, faces_model):
    panel = playground_with(window, qtbot, faces_model)
    page = panel.images
    path = tmp_path / "dropped.bmp"
    Image.fromarray(toy_face(3, np.random.default_rng(2))).save(path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(drop)
    qtbot.waitUntil(lambda: len(page.entries) == 1, timeout=20_000)
    assert page.entries[0].image.name == "dropped.bmp"
    # A screenshot on the clipboard.
    screenshot = np.dstack([toy_face(5, np.random.default_rng(3))] * 3)
    QGuiApplication.clipboard().setImage(to_qimage(screenshot))
    page.paste_button.click()
    assert [e.image.name for e in page.entries] == ["dropped.bmp", "pasted image"]
    assert page.entries[1].image.original_size == (48, 48)
    assert page.table.item(1, 1).text().split(" - ")[0] in NAMES
    QGuiApplication.clipboard().setText("hello")
    page.paste_button.click()
    assert "no image" in page.message.text()
    page.table.selectRow(0)
    page.remove_button.click()
    assert [e.image.name for e in page.entries] == ["pasted image"]
    page.remove_button.click()
    assert page.entries == []
    assert not page.remove_button.isEnabled()
    assert page.seen.pixmap().isNull()


def test_images_opened_before_a_model_are_answered_when_one_comes(
    window, qtbot, tmp_path, faces_model
):
    page = window.playground.images
    path = tmp_path / "early.png"
    Image.fromarray(toy_face(1, np.random.default_rng(4))).save(path)
    open_files(page, qtbot, [path])
    assert page.table.item(0, 1).text() == ""
    panel = playground_with(window, qtbot, faces_model)
    assert page.table.item(0, 1).text().split(" - ")[0] in NAMES
    # The model goes (reset weights, say): so do its answers.
    panel.clear_model()
    assert page.table.item(0, 1).text() == ""


def test_a_digit_model_reads_a_photo_of_a_digit_resized_to_its_input(window, qtbot, tmp_path):
    """Any image model takes any image: a large RGB picture becomes a flat 784 for the MLP."""
    from nnstudio.core import template
    from nnstudio.core.building import build_model

    model = build_model(template("mnist-mlp").architecture)
    panel = window.playground
    window.tabs.setCurrentWidget(panel)
    panel.set_model(model, tuple("0123456789"), "the MLP")
    qtbot.waitUntil(lambda: panel.predictor is not None, timeout=60_000)
    assert panel.inputs.currentWidget() is panel.draw  # MNIST's shape: the pad first
    path = tmp_path / "digit.png"
    Image.new("RGB", (300, 200), (10, 200, 30)).save(path)
    panel.inputs.setCurrentWidget(panel.images)
    with qtbot.waitSignal(panel.predicted, timeout=20_000) as blocker:
        open_files(panel.images, qtbot, [path])
    assert blocker.args[0].probabilities.shape == (10,)
    assert "28×28 grayscale" in panel.images.details.text()
