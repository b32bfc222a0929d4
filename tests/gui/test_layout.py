"""The window's layout at 1280x800: counts that fit their cells, captions with a key, tables
without sideways scrolling, legends beside the curves rather than on them, every tab within the
window (so nothing is clipped at its bottom), and plots named for the task before training."""

import numpy as np
from PySide6.QtGui import QFontMetrics

from nnstudio.core.training.evaluation import Evaluation
from nnstudio.core.training.runs import RunRecord
from nnstudio.gui.evaluation.evaluation_panel import CAPTION_KEY
from nnstudio.gui.image_grid import ConfusionMatrix
from tests.gui.trainings import open_template, train

DIGITS = tuple(str(i) for i in range(10))


def test_confusion_matrix_counts_fit_their_cells(qtbot):
    """Issue: the counts overflowed their cells."""
    matrix = ConfusionMatrix()
    qtbot.addWidget(matrix)
    matrix.resize(300, 260)
    counts = np.full((10, 10), 7, dtype=np.int64)
    np.fill_diagonal(counts, 1234)
    matrix.set_matrix(counts, DIGITS)
    _, _, size = matrix._geometry()
    font = matrix.counts_font(size, 1234)
    assert font is not None
    metrics = QFontMetrics(font)
    assert metrics.horizontalAdvance("1234") <= size - 4
    assert metrics.height() <= size - 4
    assert matrix.counts_font(8, 1234) is None  # too small to read: the tooltip says them
    matrix.grab()  # paints without error


def test_gallery_captions_have_a_key(qtbot, window):
    """Issue: "4≠7" labels had no key saying which is the prediction."""
    assert window.evaluation_panel.key.text() == CAPTION_KEY
    assert "answer≠label" in CAPTION_KEY
    assert "the model said 4, the image is a 7" in CAPTION_KEY


def _run(id_, layers):
    return RunRecord(
        id=id_, started="2026-12-02T10:00:00+00:00",
        architecture={"format": "nnstudio-architecture", "version": 1, "name": f"model {id_}",
                      "input_shape": [784], "layers": layers},
        dataset={"name": "mnist-sample"}, settings={"batch_size": 32 * id_, "epochs": 5},
        status="completed", message="completed 5 epochs", epochs=5, duration=10.0,
        samples_per_second=1000.0, seed=0, params=1000, history={"loss": [1.0, 0.5]},
        test={"accuracy": 0.9, "loss": 0.3},
    )  # fmt: skip


def _fits(table) -> bool:
    return table.horizontalHeader().length() <= table.viewport().width() + 1


def test_tables_need_no_sideways_scrolling_at_1280x800(window, qtbot):
    """Issue: the per-class table and the runs table needed sideways scrolling."""
    window.resize(1280, 800)
    dense = [{"type": "Dense", "units": 500, "activation": "relu"}] * 5
    window.editor.record_results(tuple(_run(i, dense) for i in range(1, 4)), None)
    window.tabs.setCurrentWidget(window.runs_panel)
    qtbot.waitUntil(lambda: window.runs_panel.table.columnCount() == 3)
    assert _fits(window.runs_panel.table)
    rng = np.random.default_rng(0)
    evaluation = Evaluation(
        "test set",
        rng.integers(0, 256, (50, 8, 8, 1), dtype=np.uint8),
        rng.integers(0, 10, 50),
        rng.random((50, 10), dtype=np.float32),
        ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
        loss=1.2,
    )
    window.tabs.setCurrentWidget(window.evaluation_panel)
    window.evaluation_panel.show_evaluation(evaluation)
    qtbot.wait(50)
    assert _fits(window.evaluation_panel.scores)


def test_legends_sit_above_the_plots_not_on_the_curves(window, qtbot):
    """Issue: plot legends covered the curves."""
    window.tabs.setCurrentWidget(window.training_panel)
    plots = window.training_panel.plots
    qtbot.waitUntil(lambda: plots.loss.geometry().top() > 0)
    assert plots.loss.getPlotItem().legend is None
    assert [name for name, _, _ in plots.legend.entries] == [
        "training, per batch",
        "training, smoothed",
        "training, per epoch",
        "validation",
    ]
    assert plots.legend.geometry().bottom() <= plots.loss.geometry().top()


def test_every_tab_fits_1280x800_after_a_run(window, qtbot):
    """Issue: the "model sees" preview was clipped at the bottom: the Training tab, with a
    result and its comparison, needed more than 800 pixels, so the window grew past the
    screen and the Playground's bottom row was cut off."""
    open_template(window, qtbot, "xor-network", epochs=5)
    train(window, qtbot)
    assert not window.training_panel.comparison.isHidden()
    assert window.minimumSizeHint().height() <= 800
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.playground)
    qtbot.wait(50)
    page = window.playground.images
    seen = page.seen
    assert seen.mapTo(page, seen.rect().bottomLeft()).y() <= page.height()


def test_a_regression_names_its_plot_mean_absolute_error_before_training(window, qtbot):
    """Issue: an empty Accuracy plot showed for regression before training."""
    window.tabs.setCurrentWidget(window.training_panel)
    open_template(window, qtbot, "linear-function")
    qtbot.waitUntil(lambda: window.training_panel.plots.metric_name == "mae", timeout=10_000)
    title = window.training_panel.plots.metric_plot.getPlotItem().titleLabel.text
    assert title == "Mean absolute error"
    open_template(window, qtbot, "xor-network")
    qtbot.waitUntil(lambda: window.training_panel.plots.metric_name == "accuracy")


def test_every_templates_article_fits_the_settings_column(window, qtbot):
    """Review: article 003's title made the settings column 435 pixels wide in a 356-pixel
    room, cutting its text mid-word and hiding the spin boxes' arrows."""
    from nnstudio.core import templates

    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.training_panel)
    scroll = window.training_panel.settings_scroll
    for t in templates():
        window.files.new_from_template(t.id)
        qtbot.wait(20)
        assert scroll.widget().width() <= scroll.viewport().width(), t.id
        assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width(), t.id
