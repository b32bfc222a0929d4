"""What the window looks like: compared with reference images, with a tolerance.

Set NNSTUDIO_UPDATE_SCREENSHOTS=1 to write new references after an intended change (and look
at them before committing).
"""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QFontDatabase, QImage, QPalette

from nnstudio.gui import theme

REFERENCES = Path(__file__).parent / "reference"
SIZE = (1280, 800)


def as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height).copy()
    return data.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3)


def assert_looks_like(image: QImage, name: str, max_mean: float = 1.5, max_changed: float = 0.01):
    """Mean difference under max_mean (of 255) and at most max_changed of the pixels visibly
    different, as pyqtgraph's assertImageApproved allows for small rendering differences."""
    path = REFERENCES / f"{name}.png"
    if os.environ.get("NNSTUDIO_UPDATE_SCREENSHOTS") or not path.exists():
        image.save(str(path))
        pytest.skip(f"reference written to {path}: look at it")
    actual = as_array(image).astype(np.int16)
    expected = as_array(QImage(str(path))).astype(np.int16)
    assert actual.shape == expected.shape
    difference = np.abs(actual - expected).max(axis=2)
    changed = (difference > 40).mean()
    report = f"{name}: mean difference {difference.mean():.2f}, {changed:.2%} of pixels changed"
    if difference.mean() > max_mean or changed > max_changed:  # to look at what differs
        image.save(str(Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}-actual.png"))
    assert difference.mean() <= max_mean, report
    assert changed <= max_changed, report


@pytest.fixture
def dejavu():
    if "DejaVu Sans" not in QFontDatabase.families():
        pytest.skip("the references were drawn with DejaVu Sans, which is not installed")


def shot(window, qtbot):
    window.resize(*SIZE)
    qtbot.waitUntil(lambda: window.size().width() == SIZE[0])
    return window.grab().toImage()


def test_default_window(window, qtbot, dejavu):
    assert_looks_like(shot(window, qtbot), "default-window")


def test_a_graph_on_the_canvas(window, qtbot, dejavu):
    window.files.new_from_template("residual-cnn")
    window.select_rows([3])  # block1_conv2, beside its skip connection
    window.stack.canvas.fit()
    # Laid out, and in the light palette (a theme changed back by another test settles late).
    qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() > 150)
    shot(window, qtbot)  # the window at its size
    qtbot.wait(100)
    # The Model tab's centre only: the docks' layout after a new template varies with what
    # other tests did before (the default window's picture covers them).
    assert_looks_like(window.stack.grab().toImage(), "graph-canvas")


def test_dark_window_with_an_error(window, qtbot, dejavu):
    window.set_theme("dark")
    try:
        qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Window).lightness() < 60)
        window.editor.set_input_shape((784,))
        assert_looks_like(shot(window, qtbot), "dark-window-with-error")
    finally:
        theme.apply_theme("system")
